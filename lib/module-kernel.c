// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the running kernel says about modules: the list in /proc/modules and the
 * per-module directory /sys/module/<name>/ (formats.md 6.5-6.7).
 *
 * /proc/modules has one line per loaded module, fields separated by spaces:
 * "<name> <size> <refcnt> <users> <state> 0x<address>[ (<taints>)]". Only the first
 * field is used for the list, and the second as a fallback for the size.
 * /sys/module/<name>/ holds initstate ("live", "coming" or "going" plus a newline),
 * refcnt, coresize, a holders/ directory with one entry per user and a sections/
 * directory with one file per ELF section containing its address in hex.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "util.h"

#define SYSFS_MODULE "/sys/module/"
#define PROC_MODULES "/proc/modules"

struct module_section {
	unsigned long address;
	char name[];
};

KMOD_EXPORT int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list)
{
	_cleanup_fclose_ FILE *fp = NULL;
	_cleanup_free_ char *line = NULL;
	struct kmod_list *l = NULL;
	size_t linesize = 0;

	if (ctx == NULL || list == NULL)
		return -ENOENT;

	fp = fopen(PROC_MODULES, "re");
	if (fp == NULL) {
		int err = -errno;

		ERR(ctx, "could not open " PROC_MODULES ": %s\n", strerror(errno));
		return err;
	}

	while (getline(&line, &linesize, fp) >= 0) {
		struct kmod_module *m;
		struct kmod_list *node;
		char *saveptr, *name = strtok_r(line, " \t\n", &saveptr);
		int err;

		if (name == NULL)
			continue;
		err = kmod_module_new_from_name(ctx, name, &m);
		if (err < 0) {
			ERR(ctx, "could not get module from name '%s': %s\n", name,
			    strerror(-err));
			continue;
		}
		node = kmod_list_append(l, m);
		if (node == NULL) {
			ERR(ctx, "out of memory\n");
			kmod_module_unref(m);
			continue;
		}
		l = node;
	}

	*list = l;
	return 0;
}

KMOD_EXPORT const char *kmod_module_initstate_str(enum kmod_module_initstate state)
{
	switch (state) {
	case KMOD_MODULE_BUILTIN:
		return "builtin";
	case KMOD_MODULE_LIVE:
		return "live";
	case KMOD_MODULE_COMING:
		return "coming";
	case KMOD_MODULE_GOING:
		return "going";
	default:
		return NULL;
	}
}

/*
 * Opens /sys/module/<name>/<sub>, or the directory itself for sub NULL, leaving
 * the path in path ("" when it is too long). The descriptor, or -errno.
 */
static int sysfs_module_open(const struct kmod_module *mod, const char *sub,
			     char path[static PATH_MAX])
{
	int len, fd;

	if (sub != NULL)
		len = snprintf(path, PATH_MAX, SYSFS_MODULE "%s/%s", mod->name, sub);
	else
		len = snprintf(path, PATH_MAX, SYSFS_MODULE "%s", mod->name);
	if (len < 0 || len >= PATH_MAX) {
		path[0] = '\0';
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

KMOD_EXPORT int kmod_module_get_initstate(const struct kmod_module *mod)
{
	char path[PATH_MAX], buf[32];
	_cleanup_close_ int fd = -1;
	ssize_t r;

	if (mod == NULL)
		return -ENOENT;

	if (module_is_builtin(mod))
		return KMOD_MODULE_BUILTIN;

	fd = sysfs_module_open(mod, "initstate", path);
	if (fd < 0) {
		size_t len = strlen(path);
		struct stat st;

		if (len == 0)
			return fd;
		/* The directory appears before initstate while a module is loading. */
		path[len - STRLEN("/initstate")] = '\0';
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return KMOD_MODULE_COMING;
		return fd;
	}

	r = read_str_safe(fd, buf, sizeof(buf));
	if (r < 0) {
		ERR(mod->ctx, "could not read from '%s': %s\n", path, strerror((int)-r));
		return (int)r;
	}

	if (streq(buf, "live\n"))
		return KMOD_MODULE_LIVE;
	if (streq(buf, "coming\n"))
		return KMOD_MODULE_COMING;
	if (streq(buf, "going\n"))
		return KMOD_MODULE_GOING;

	ERR(mod->ctx, "unknown %s: '%s'\n", path, buf);
	return -EINVAL;
}

KMOD_EXPORT int kmod_module_get_refcnt(const struct kmod_module *mod)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	long refcnt;
	int err;

	if (mod == NULL)
		return -ENOENT;

	/* Kernels without module unloading have no refcnt: not worth a message. */
	fd = sysfs_module_open(mod, "refcnt", path);
	if (fd < 0)
		return fd;

	err = read_str_long(fd, &refcnt, 10);
	if (err < 0) {
		ERR(mod->ctx, "could not read integer from '%s': '%s'\n", path,
		    strerror(-err));
		return err;
	}
	if (refcnt > INT_MAX || refcnt < INT_MIN)
		return -ERANGE;

	return (int)refcnt;
}

/*
 * ERR() under another function's name: the helpers below log for the public
 * function that called them, whose name the message carries (as kmod's does).
 */
#define ERR_AS(ctx, fn, ...)                                                        \
	do {                                                                        \
		if (ctx_log_priority(ctx) >= LOG_ERR)                               \
			ctx_log(ctx, LOG_ERR, __FILE__, __LINE__, fn, __VA_ARGS__); \
	} while (0)

/* Where a sysfs list is read from, for the per-entry callbacks' messages. */
struct sysfs_dir {
	const struct kmod_module *mod;
	const char *fn; /* the public function asking */
	char path[PATH_MAX];
	int fd;
};

/* Makes the list data of the entry 'name' of dir; 0 or -errno (logged). */
typedef int (*sysfs_entry_fn)(const struct sysfs_dir *dir, const char *name, void **data);

/* The next entry of a sysfs directory but "." and ".." (section names start
 * with '.' themselves: only the two links are skipped). */
static struct dirent *sysfs_readdir(DIR *d)
{
	struct dirent *dent;

	do
		dent = readdir(d);
	while (dent != NULL && (streq(dent->d_name, ".") || streq(dent->d_name, "..")));
	return dent;
}

/*
 * The list of /sys/module/<name>/<sub>: one entry per directory entry, its data
 * made by make() and released with free_data(). NULL when the directory cannot
 * be read or an entry fails (the list made so far is released).
 */
static struct kmod_list *sysfs_module_list(const struct kmod_module *mod, const char *sub,
					   const char *fn, sysfs_entry_fn make,
					   void (*free_data)(void *))
{
	struct sysfs_dir dir = { .mod = mod, .fn = fn };
	_cleanup_closedir_ DIR *d = NULL;
	struct kmod_list *list = NULL;
	struct dirent *dent;
	int fd;

	if (mod == NULL || mod->ctx == NULL)
		return NULL;
	fd = sysfs_module_open(mod, sub, dir.path);
	if (fd == -ENAMETOOLONG && dir.path[0] == '\0')
		return NULL;
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		ERR_AS(mod->ctx, fn, "could not open '%s': %s\n", dir.path,
		       strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	dir.fd = dirfd(d);

	while ((dent = sysfs_readdir(d)) != NULL) {
		struct kmod_list *node;
		void *data;

		if (make(&dir, dent->d_name, &data) < 0)
			goto fail;
		node = kmod_list_append(list, data);
		if (node == NULL) {
			free_data(data);
			ERR_AS(mod->ctx, fn, "out of memory\n");
			goto fail;
		}
		list = node;
	}
	return list;

fail:
	module_list_free_data(list, free_data);
	return NULL;
}

static int holder_make(const struct sysfs_dir *dir, const char *name, void **data)
{
	struct kmod_module *holder;
	int err = kmod_module_new_from_name(dir->mod->ctx, name, &holder);

	if (err < 0) {
		ERR_AS(dir->mod->ctx, dir->fn, "could not create module for '%s': %s\n",
		       name, strerror(-err));
		return err;
	}
	*data = holder;
	return 0;
}

static void holder_free(void *data)
{
	kmod_module_unref(data);
}

KMOD_EXPORT struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod)
{
	return sysfs_module_list(mod, "holders", __func__, holder_make, holder_free);
}

static int section_make(const struct sysfs_dir *dir, const char *name, void **data)
{
	struct kmod_ctx *ctx = dir->mod->ctx;
	struct module_section *section;
	_cleanup_close_ int fd = -1;
	unsigned long address;
	size_t namelen;
	int err;

	fd = openat(dir->fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		ERR_AS(ctx, dir->fn, "could not open '%s/%s': %s\n", dir->path, name,
		       strerror(-err));
		return err;
	}
	err = read_str_ulong(fd, &address, 16);
	if (err < 0) {
		ERR_AS(ctx, dir->fn, "could not read long from '%s/%s': %s\n", dir->path,
		       name, strerror(-err));
		return err;
	}
	namelen = strlen(name) + 1;
	section = malloc(sizeof(*section) + namelen);
	if (section == NULL) {
		ERR_AS(ctx, dir->fn, "out of memory\n");
		return -ENOMEM;
	}
	section->address = address;
	memcpy(section->name, name, namelen);
	*data = section;
	return 0;
}

KMOD_EXPORT struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod)
{
	return sysfs_module_list(mod, "sections", __func__, section_make, free);
}

KMOD_EXPORT const char *kmod_module_section_get_name(const struct kmod_list *entry)
{
	const struct module_section *section = module_entry_data(entry);

	return section != NULL ? section->name : NULL;
}

KMOD_EXPORT unsigned long kmod_module_section_get_address(const struct kmod_list *entry)
{
	const struct module_section *section = module_entry_data(entry);

	return section != NULL ? section->address : (unsigned long)-1;
}

KMOD_EXPORT void kmod_module_section_free_list(struct kmod_list *list)
{
	module_list_free_data(list, free);
}

KMOD_EXPORT long kmod_module_get_size(const struct kmod_module *mod)
{
	char dname[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	_cleanup_close_ int cfd = -1;
	_cleanup_fclose_ FILE *fp = NULL;
	_cleanup_free_ char *line = NULL;
	size_t linesize = 0;
	unsigned int lineno = 0;
	long size;

	if (mod == NULL)
		return -ENOENT;

	/* No directory: not loaded, so no size anywhere. */
	dfd = sysfs_module_open(mod, NULL, dname);
	if (dfd < 0)
		return dfd;

	cfd = openat(dfd, "coresize", O_RDONLY | O_CLOEXEC);
	if (cfd >= 0) {
		/* kmod reports an unreadable coresize as size 0 (after the message) */
		if (read_str_long(cfd, &size, 10) < 0) {
			ERR(mod->ctx, "failed to read coresize from %s\n", dname);
			return 0;
		}
		return size;
	}

	/* Older kernels: field 2 of the module's /proc/modules line. The messages
	 * are logged from here so that they carry this function's name. */
	fp = fopen(PROC_MODULES, "re");
	if (fp == NULL) {
		int err = -errno;

		ERR(mod->ctx, "could not open " PROC_MODULES ": %s\n", strerror(errno));
		return err;
	}

	while (getline(&line, &linesize, fp) >= 0) {
		char *saveptr, *end, *tok;
		long value;

		lineno++;
		tok = strtok_r(line, " \t", &saveptr);
		if (tok == NULL || !streq(tok, mod->name))
			continue;

		tok = strtok_r(NULL, " \t", &saveptr);
		if (tok == NULL) {
			ERR(mod->ctx, "invalid line format at " PROC_MODULES ":%u\n",
			    lineno);
			return -ENOENT;
		}
		errno = 0;
		value = strtol(tok, &end, 10);
		if (end == tok || *end != '\0' || errno == ERANGE) {
			ERR(mod->ctx, "invalid line format at " PROC_MODULES ":%u\n",
			    lineno);
			return -ENOENT;
		}
		return value;
	}

	return -ENOENT;
}
