// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fixture roots for the shim (see fixture.h). Everything here writes plain files the
 * way the shim's kernel emulation does, so a test can start from any kernel state.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "testsuite.h"

const char *fixture_shim_path(void)
{
	static char path[PATH_MAX];
	const char *over = getenv("MODKIT_SHIM");

	const char *build = test_build_root();
	char cwd[PATH_MAX] = "";

	/* LD_PRELOAD is resolved in the child's working directory: make it absolute. */
	if ((over == NULL || over[0] != '/') && (over != NULL || build[0] != '/') &&
	    getcwd(cwd, sizeof(cwd) - 1) != NULL)
		strcat(cwd, "/");
	if (over != NULL && over[0] != '\0') {
		if (snprintf(path, sizeof(path), "%s%s", cwd, over) >= (int)sizeof(path))
			path[0] = '\0';
	} else if (snprintf(path, sizeof(path), "%s%s/testsuite/shim/modkit-shim.so", cwd,
			    build) >= (int)sizeof(path)) {
		path[0] = '\0';
	}
	return path;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *s = buf + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int fixture_init(struct fixture *fx, const char *root, const char *uname_r)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char abs[PATH_MAX];
	size_t n = 0;
	int r;

	memset(fx, 0, sizeof(*fx));
	if (root == NULL) {
		fx->root = test_tmpdir();
		if (fx->root == NULL)
			return -ENOMEM;
	} else {
		r = mkdir_p(root);
		if (r < 0)
			return r;
		if (realpath(root, abs) == NULL)
			return -errno;
		fx->root = strdup(abs);
		if (fx->root == NULL)
			return -ENOMEM;
	}
	if (uname_r != NULL) {
		fx->uname_r = strdup(uname_r);
		if (fx->uname_r == NULL)
			goto oom;
	}
	if (asprintf(&fx->env_strings[n++], "LD_PRELOAD=%s", fixture_shim_path()) < 0 ||
	    asprintf(&fx->env_strings[n++], "MODKIT_ROOT=%s", fx->root) < 0)
		goto oom;
	if (uname_r != NULL &&
	    asprintf(&fx->env_strings[n++], "MODKIT_UNAME_R=%s", uname_r) < 0)
		goto oom;
	if (asan == NULL || asan[0] == '\0')
		r = asprintf(&fx->env_strings[n++],
			     "ASAN_OPTIONS=verify_asan_link_order=0");
	else if (strstr(asan, "verify_asan_link_order") == NULL)
		r = asprintf(&fx->env_strings[n++],
			     "ASAN_OPTIONS=%s:verify_asan_link_order=0", asan);
	else
		r = asprintf(&fx->env_strings[n++], "ASAN_OPTIONS=%s", asan);
	if (r < 0)
		goto oom;
	for (size_t i = 0; i < n; i++)
		fx->env[i] = fx->env_strings[i];
	fx->env[n] = NULL;
	return 0;
oom:
	if (n > 0)
		fx->env_strings[n - 1] =
			NULL; /* asprintf leaves it undefined on failure */
	fixture_release(fx);
	return -ENOMEM;
}

void fixture_release(struct fixture *fx)
{
	free(fx->root);
	free(fx->uname_r);
	for (size_t i = 0; i < sizeof(fx->env_strings) / sizeof(fx->env_strings[0]); i++)
		free(fx->env_strings[i]);
	memset(fx, 0, sizeof(*fx));
}

const char *const *fixture_env(const struct fixture *fx)
{
	return fx->env;
}

char *fixture_path(const struct fixture *fx, const char *rel)
{
	char *p;

	while (*rel == '/')
		rel++;
	if (asprintf(&p, "%s/%s", fx->root, rel) < 0)
		return NULL;
	return p;
}

int fixture_write(const struct fixture *fx, const char *rel, const char *content)
{
	char *p = fixture_path(fx, rel);
	int r;

	if (p == NULL)
		return -ENOMEM;
	r = test_write_str(p, content);
	free(p);
	return r;
}

int fixture_read(const struct fixture *fx, const char *rel, char **content)
{
	char *p = fixture_path(fx, rel);
	int r;

	if (p == NULL)
		return -ENOMEM;
	r = test_read_file(p, content, NULL);
	free(p);
	return r;
}

bool fixture_exists(const struct fixture *fx, const char *rel)
{
	char *p = fixture_path(fx, rel);
	struct stat st;
	bool e;

	if (p == NULL)
		return false;
	e = lstat(p, &st) == 0;
	free(p);
	return e;
}

static int remove_path(const char *path)
{
	return remove(path) < 0 && errno != ENOENT ? -errno : 0;
}

int fixture_link_modules(const struct fixture *fx, const char *kver, const char *dir)
{
	char rel[PATH_MAX], *p, *parent;
	int r;

	snprintf(rel, sizeof(rel), "lib/modules/%s", kver);
	p = fixture_path(fx, rel);
	parent = fixture_path(fx, "lib/modules");
	if (p == NULL || parent == NULL) {
		free(p);
		free(parent);
		return -ENOMEM;
	}
	r = mkdir_p(parent);
	if (r == 0)
		r = remove_path(p);
	if (r == 0 && symlink(dir, p) < 0)
		r = -errno;
	free(p);
	free(parent);
	return r;
}

int fixture_set_cmdline(const struct fixture *fx, const char *cmdline)
{
	return fixture_write(fx, "proc/cmdline", cmdline);
}

int fixture_set_kernel_compression(const struct fixture *fx, const char *kind)
{
	char buf[64];
	char *p;
	int r;

	if (kind != NULL) {
		snprintf(buf, sizeof(buf), "%s\n", kind);
		return fixture_write(fx, "sys/module/compression", buf);
	}
	p = fixture_path(fx, "sys/module/compression");
	if (p == NULL)
		return -ENOMEM;
	r = remove_path(p);
	free(p);
	return r;
}

int fixture_set_vermagic(const struct fixture *fx, const char *vermagic)
{
	char *p;
	int r;

	if (vermagic != NULL)
		return fixture_write(fx, ".shim/vermagic", vermagic);
	p = fixture_path(fx, ".shim/vermagic");
	if (p == NULL)
		return -ENOMEM;
	r = remove_path(p);
	free(p);
	return r;
}

static int append(const struct fixture *fx, const char *rel, const char *text)
{
	char *p = fixture_path(fx, rel), *dir, *slash;
	int fd, r = 0;
	size_t len = strlen(text);

	if (p == NULL)
		return -ENOMEM;
	dir = strdup(p);
	if (dir == NULL) {
		free(p);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	*slash = '\0';
	r = mkdir_p(dir);
	free(dir);
	if (r < 0) {
		free(p);
		return r;
	}
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	free(p);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	return r;
}

int fixture_add_error(const struct fixture *fx, const char *syscall, const char *name,
		      const char *err)
{
	char line[512];

	if (snprintf(line, sizeof(line), "%s %s %s\n", syscall, name, err) >=
	    (int)sizeof(line))
		return -ENAMETOOLONG;
	return append(fx, ".shim/errors", line);
}

int fixture_add_error_count(const struct fixture *fx, const char *syscall,
			    const char *name, const char *err, unsigned int count)
{
	char line[512];

	if (snprintf(line, sizeof(line), "%s %s %s %u\n", syscall, name, err, count) >=
	    (int)sizeof(line))
		return -ENAMETOOLONG;
	return append(fx, ".shim/errors", line);
}

static int remove_rel(const struct fixture *fx, const char *rel)
{
	char *p = fixture_path(fx, rel);
	int r;

	if (p == NULL)
		return -ENOMEM;
	r = remove_path(p);
	free(p);
	return r;
}

int fixture_clear_errors(const struct fixture *fx)
{
	return remove_rel(fx, ".shim/errors");
}

int fixture_read_calls(const struct fixture *fx, char **log)
{
	int r = fixture_read(fx, ".shim/calls.log", log);

	if (r == -ENOENT) {
		*log = strdup("");
		return *log ? 0 : -ENOMEM;
	}
	return r;
}

int fixture_clear_calls(const struct fixture *fx)
{
	return remove_rel(fx, ".shim/calls.log");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static int rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

/* Drops name's line from proc/modules and appends `add` (may be NULL). */
static int proc_modules_replace(const struct fixture *fx, const char *name,
				const char *add)
{
	char *data = NULL, *out, *o;
	size_t nlen = strlen(name);
	int r = fixture_read(fx, "proc/modules", &data);

	if (r == -ENOENT) {
		if (add == NULL)
			return 0;
		data = strdup("");
		if (data == NULL)
			return -ENOMEM;
	} else if (r < 0) {
		return r;
	}
	out = malloc(strlen(data) + (add ? strlen(add) : 0) + 1);
	if (out == NULL) {
		free(data);
		return -ENOMEM;
	}
	o = out;
	for (char *l = data, *next; l && *l; l = next) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l + 1) : strlen(l);

		next = nl ? nl + 1 : NULL;
		if (strncmp(l, name, nlen) == 0 && l[nlen] == ' ')
			continue;
		memcpy(o, l, ll);
		o += ll;
	}
	if (add) {
		strcpy(o, add);
		o += strlen(add);
	}
	*o = '\0';
	r = fixture_write(fx, "proc/modules", out);
	free(out);
	free(data);
	return r;
}

int fixture_set_loaded(const struct fixture *fx, const char *name, unsigned long size,
		       long refcnt, const char *const *holders)
{
	char rel[PATH_MAX], buf[64], users[4096] = "";
	char *dir;
	size_t ul = 0;
	int r;

	snprintf(rel, sizeof(rel), "sys/module/%s", name);
	dir = fixture_path(fx, rel);
	if (dir == NULL)
		return -ENOMEM;
	r = rm_rf(dir);
	free(dir);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "sys/module/%s/holders", name);
	dir = fixture_path(fx, rel);
	if (dir == NULL)
		return -ENOMEM;
	r = mkdir_p(dir);
	for (size_t i = 0; r == 0 && holders && holders[i]; i++) {
		char link[PATH_MAX], target[PATH_MAX];

		snprintf(link, sizeof(link), "%s/%s", dir, holders[i]);
		snprintf(target, sizeof(target), "../../%s", holders[i]);
		if (symlink(target, link) < 0)
			r = -errno;
		ul += snprintf(users + ul, sizeof(users) - ul, "%s,", holders[i]);
		if (ul >= sizeof(users))
			r = -ENAMETOOLONG;
	}
	free(dir);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "sys/module/%s/sections/.text", name);
	r = fixture_write(fx, rel, "0x0000000000000000\n");
	snprintf(rel, sizeof(rel), "sys/module/%s/coresize", name);
	snprintf(buf, sizeof(buf), "%lu\n", size);
	if (r == 0)
		r = fixture_write(fx, rel, buf);
	snprintf(rel, sizeof(rel), "sys/module/%s/refcnt", name);
	snprintf(buf, sizeof(buf), "%ld\n", refcnt);
	if (r == 0)
		r = fixture_write(fx, rel, buf);
	snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
	if (r == 0)
		r = fixture_write(fx, rel, "live\n");
	if (r == 0) {
		char *line;

		if (asprintf(&line, "%s %lu %ld %s Live 0x0000000000000000\n", name, size,
			     refcnt, ul ? users : "-") < 0)
			return -ENOMEM;
		r = proc_modules_replace(fx, name, line);
		free(line);
	}
	return r;
}

int fixture_set_unloaded(const struct fixture *fx, const char *name)
{
	char rel[PATH_MAX], *dir;
	int r;

	snprintf(rel, sizeof(rel), "sys/module/%s", name);
	dir = fixture_path(fx, rel);
	if (dir == NULL)
		return -ENOMEM;
	r = rm_rf(dir);
	free(dir);
	if (r < 0)
		return r;
	return proc_modules_replace(fx, name, NULL);
}

int fixture_read_image(const struct fixture *fx, const char *name, void **data,
		       size_t *len)
{
	char rel[PATH_MAX], *p, *buf;
	int r;

	snprintf(rel, sizeof(rel), ".shim/images/%s.ko", name);
	p = fixture_path(fx, rel);
	if (p == NULL)
		return -ENOMEM;
	r = test_read_file(p, &buf, len);
	free(p);
	if (r == 0)
		*data = buf;
	return r;
}
