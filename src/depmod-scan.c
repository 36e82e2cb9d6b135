// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module discovery and ordering (formats.md 1.10.1, 1.10.2): the module dir is walked
 * in readdir order, then the external dirs; of several files with one module name
 * the depmod.d priority decides, the first one found on a tie. The final order is
 * hash order, then modules.order moves the modules it lists to the front.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "depmod.h"
#include "lib/hash.h"
#include "lib/strbuf.h"

/* Priority of a path in the search list: lower wins; overrides beat everything. */
static int module_search_prio(const struct depmod *d, const char *relpath, bool external)
{
	const struct depmod_config *cfg = &d->config;
	int builtin = INT_MAX, ext = INT_MAX;

	if (relpath != NULL) {
		for (size_t i = 0; i < cfg->overrides.count; i++) {
			const struct depmod_override *o = cfg->overrides.array[i];

			if (strncmp(relpath, o->path, o->len) == 0)
				return -1;
		}
	}
	for (size_t i = 0; i < cfg->searches.count; i++) {
		const struct depmod_search *s = cfg->searches.array[i];

		switch (s->kind) {
		case DEPMOD_SEARCH_BUILTIN:
			if (builtin == INT_MAX)
				builtin = (int)i;
			break;
		case DEPMOD_SEARCH_EXTERNAL:
			if (ext == INT_MAX)
				ext = (int)i;
			break;
		case DEPMOD_SEARCH_DIR:
			if (relpath != NULL && strncmp(relpath, s->path, s->len) == 0 &&
			    relpath[s->len] == '/')
				return (int)i;
			break;
		}
	}
	return external ? ext : builtin;
}

static void module_free(struct depmod_module *mod)
{
	if (mod == NULL)
		return;
	free(mod->modinfo);
	free(mod->exports);
	free(mod->imports);
	array_free_array(&mod->deps);
	free(mod->path);
	free(mod);
}

void depmod_init(struct depmod *d)
{
	memset(d, 0, sizeof(*d));
	d->out_verbose = stdout;
	depmod_config_init(&d->config);
	array_init(&d->modules, 1024);
}

void depmod_release(struct depmod *d)
{
	for (size_t i = 0; i < d->modules.count; i++) {
		module_free(d->modules.array[i]);
	}
	array_free_array(&d->modules);
	hash_free(d->modules_by_name);
	hash_free(d->symbols);
	depmod_config_release(&d->config);
	free(d->dirname);
	free(d->outdirname);
}

static struct depmod_module *module_new(const struct depmod *d, const char *path,
					size_t pathlen, bool external)
{
	char namebuf[PATH_MAX];
	size_t namelen;
	struct depmod_module *mod;
	const char *ko;

	if (path_to_modname(path, namebuf, &namelen) == NULL)
		return NULL;
	mod = calloc(1, sizeof(*mod));
	if (mod == NULL)
		return NULL;
	mod->path = malloc(pathlen + 1 + namelen + 1);
	if (mod->path == NULL) {
		free(mod);
		return NULL;
	}
	memcpy(mod->path, path, pathlen + 1);
	memcpy(mod->path + pathlen + 1, namebuf, namelen + 1);
	mod->modname = mod->path + pathlen + 1;
	if (!external && pathlen > d->dirnamelen &&
	    strncmp(path, d->dirname, d->dirnamelen) == 0 && path[d->dirnamelen] == '/') {
		size_t rlen = pathlen - d->dirnamelen - 1;

		mod->relpath = mod->path + d->dirnamelen + 1;
		/* cut the compression suffix: ".ko" is then the end */
		ko = strrchr(mod->relpath, '.');
		if (ko != NULL && !streq(ko, ".ko"))
			rlen = ko - mod->relpath;
		mod->uncrelpath_len = rlen;
	}
	mod->hash = hash_superfast(mod->modname, namelen);
	mod->search_prio = module_search_prio(d, mod->relpath, external);
	mod->dsi = -1;
	array_init(&mod->deps, 4);
	return mod;
}

/* Adds a candidate; of two with one name the lower priority wins, the first on a tie. */
static int module_add(struct depmod *d, const char *path, size_t pathlen, bool external)
{
	struct depmod_module *mod = module_new(d, path, pathlen, external);
	struct depmod_module *old;
	int err;

	if (mod == NULL)
		return -ENOMEM;
	old = hash_find(d->modules_by_name, mod->modname);
	if (old != NULL) {
		if (mod->search_prio >= old->search_prio) {
			DBG("ignore %s, higher priority: %s\n", path, old->path);
			module_free(mod);
			return 0;
		}
		/* take the old one's place in scan order */
		for (size_t i = 0; i < d->modules.count; i++) {
			if (d->modules.array[i] == old) {
				d->modules.array[i] = mod;
				break;
			}
		}
		err = hash_add(d->modules_by_name, mod->modname, mod);
		module_free(old);
		return err;
	}
	if (array_append(&d->modules, mod) < 0) {
		module_free(mod);
		return -ENOMEM;
	}
	err = hash_add(d->modules_by_name, mod->modname, mod);
	if (err < 0) {
		array_pop(&d->modules);
		module_free(mod);
	}
	return err;
}

static bool name_excluded(const struct depmod *d, const char *name)
{
	if (streq(name, ".") || streq(name, "..") || streq(name, "build") ||
	    streq(name, "source"))
		return true;
	for (size_t i = 0; i < d->config.excludes.count; i++) {
		if (streq(name, d->config.excludes.array[i]))
			return true;
	}
	return false;
}

struct scan_level {
	DIR *dir;
	size_t pathlen; /* length of path while in this directory */
};

/*
 * Walks the tree below dfd (consumed; path holds its path) depth first in readdir
 * order. The walk keeps its own stack instead of recursing: symlinked directories are
 * followed, so a symlink loop goes as deep as the descriptors allow.
 */
static int scan_dir(struct depmod *d, int dfd, struct strbuf *path, bool external)
{
	struct scan_level *levels = malloc(16 * sizeof(*levels));
	size_t n = 0, cap = 16;
	int err = 0;

	if (levels == NULL) {
		close(dfd);
		return -ENOMEM;
	}
	levels[0].dir = fdopendir(dfd);
	if (levels[0].dir == NULL) {
		err = -errno;
		close(dfd);
		free(levels);
		return err;
	}
	levels[0].pathlen = path->used;
	n = 1;
	while (n > 0 && err >= 0) {
		struct scan_level *top = &levels[n - 1];
		struct dirent *de = readdir(top->dir);
		const char *name;
		size_t namelen;
		bool is_dir = false, is_reg = false;

		if (de == NULL) {
			closedir(top->dir);
			n--;
			continue;
		}
		strbuf_popchars(path, path->used - top->pathlen);
		name = de->d_name;
		namelen = strlen(name);
		if (name_excluded(d, name))
			continue;
		if (de->d_type == DT_DIR) {
			is_dir = true;
		} else if (de->d_type == DT_REG) {
			is_reg = true;
		} else {
			struct stat st;

			if (fstatat(dirfd(top->dir), name, &st, 0) < 0) {
				ERR("fstatat(%d, %s): %m\n", dirfd(top->dir), name);
				continue;
			}
			is_dir = S_ISDIR(st.st_mode);
			is_reg = S_ISREG(st.st_mode);
		}
		if (is_reg && !path_ends_with_kmod_ext(name, namelen))
			continue;
		if (!is_dir && !is_reg)
			continue;
		if (!strbuf_pushchar(path, '/') || !strbuf_pushmem(path, name, namelen) ||
		    strbuf_str(path) == NULL) {
			err = -ENOMEM;
			break;
		}
		if (is_reg) {
			err = module_add(d, path->bytes, path->used, external);
			continue;
		}

		int fd = openat(dirfd(top->dir), name,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *sub;

		if (fd < 0) {
			ERR("openat(%d, %s, O_RDONLY): %m\n", dirfd(top->dir), name);
			continue;
		}
		sub = fdopendir(fd);
		if (sub == NULL) {
			ERR("fdopendir(%s): %m\n", path->bytes);
			close(fd);
			continue;
		}
		if (n == cap) {
			struct scan_level *tmp = realloc(levels,
							 2 * cap * sizeof(*levels));

			if (tmp == NULL) {
				closedir(sub);
				err = -ENOMEM;
				break;
			}
			levels = tmp;
			cap *= 2;
		}
		levels[n].dir = sub;
		levels[n].pathlen = path->used;
		n++;
	}
	while (n > 0)
		closedir(levels[--n].dir);
	free(levels);
	return err;
}

static int scan_root(struct depmod *d, const char *root, bool external)
{
	_cleanup_strbuf_ struct strbuf path;
	int fd;

	strbuf_init(&path);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		ERR("could not open directory %s: %m\n", root);
		return err;
	}
	if (!strbuf_pushchars(&path, root))
		return -ENOMEM;
	while (path.used > 1 && path.bytes[path.used - 1] == '/')
		strbuf_popchar(&path);
	return scan_dir(d, fd, &path, external);
}

int depmod_scan(struct depmod *d)
{
	int err = scan_root(d, d->dirname, false);

	if (err < 0)
		return err;
	for (size_t i = 0; i < d->config.externals.count; i++) {
		const char *ext = d->config.externals.array[i];
		struct stat st;

		if (stat(ext, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		err = scan_root(d, ext, true);
		if (err < 0)
			return err;
	}
	return 0;
}

int depmod_add_module_file(struct depmod *d, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int err = -errno;

		FATAL("could not create module %s: %m\n", path);
		return err;
	}
	return module_add(d, path, strlen(path), false);
}

static int cmp_hash_order(const void *pa, const void *pb)
{
	const struct depmod_module *a = *(struct depmod_module *const *)pa;
	const struct depmod_module *b = *(struct depmod_module *const *)pb;
	unsigned int ba = a->hash & 511, bb = b->hash & 511;

	if (ba != bb)
		return ba < bb ? -1 : 1;
	return strcmp(a->modname, b->modname);
}

static int cmp_order_key(const void *pa, const void *pb)
{
	const struct depmod_module *a = *(struct depmod_module *const *)pa;
	const struct depmod_module *b = *(struct depmod_module *const *)pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	/* stable: keep hash order */
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Gives modules listed in modules.order the keys -N, -N+1, ... (first listing wins). */
static void apply_modules_order(struct depmod *d)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *data = NULL;
	struct hash *by_relpath;
	char **keys;
	size_t size, nlines = 0;
	int err, key;

	if (asprintf(&path, "%s/modules.order", d->dirname) < 0)
		return;
	err = read_file(path, &data, &size);
	if (err < 0) {
		WRN("could not open modules.order at %s: %s\n", d->dirname,
		    strerror(-err));
		return;
	}
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n')
			nlines++;
	}
	if (size > 0 && data[size - 1] != '\n') {
		ERR("%s:%zu corrupted line misses '\\n'\n", path, nlines + 1);
		return;
	}

	by_relpath = hash_new(d->modules.count * 2, NULL);
	keys = calloc(d->modules.count, sizeof(*keys));
	if (by_relpath == NULL || keys == NULL)
		goto out;
	for (size_t i = 0; i < d->modules.count; i++) {
		struct depmod_module *mod = d->modules.array[i];

		if (mod->relpath == NULL)
			continue;
		keys[i] = strndup(mod->relpath, mod->uncrelpath_len);
		if (keys[i] == NULL || hash_add(by_relpath, keys[i], mod) < 0)
			goto out;
	}

	key = -(int)nlines;
	for (char *line = data, *nl; line < data + size; line = nl + 1) {
		struct depmod_module *mod;

		nl = memchr(line, '\n', data + size - line);
		*nl = '\0';
		mod = hash_find(by_relpath, line);
		if (mod != NULL && mod->order == 1)
			mod->order = key;
		key++;
	}
out:
	if (keys != NULL) {
		for (size_t i = 0; i < d->modules.count; i++)
			free(keys[i]);
		free(keys);
	}
	hash_free(by_relpath);
}

int depmod_order(struct depmod *d)
{
	struct depmod_module **mods = (struct depmod_module **)d->modules.array;
	size_t n = d->modules.count;

	if (n > 65534) {
		ERR("too many modules: %zu\n", n);
		return -EFBIG;
	}
	/* an empty tree has no array at all, which qsort() must not be given */
	if (n > 1)
		qsort(mods, n, sizeof(*mods), cmp_hash_order);
	for (size_t i = 0; i < n; i++) {
		mods[i]->idx = i;
		mods[i]->order = 1;
	}
	apply_modules_order(d);
	if (n > 1)
		qsort(mods, n, sizeof(*mods), cmp_order_key);
	for (size_t i = 0; i < n; i++)
		mods[i]->idx = i;
	return 0;
}

/* Deeper than this (a symlink loop?) counts as "newer": a full run is always right. */
#define QUICK_MAX_DEPTH 256

static bool tree_newer_than(int dfd, const struct timespec *ref, unsigned int depth)
{
	DIR *dir = fdopendir(dfd);
	struct dirent *de;
	bool newer = false;

	if (dir == NULL) {
		close(dfd);
		return false;
	}
	while (!newer && (de = readdir(dir)) != NULL) {
		const char *name = de->d_name;
		struct stat st;

		if (streq(name, ".") || streq(name, "..") || streq(name, "build") ||
		    streq(name, "source"))
			continue;
		if (fstatat(dirfd(dir), name, &st, 0) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd;

			if (depth >= QUICK_MAX_DEPTH) {
				newer = true;
				break;
			}
			fd = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				newer = tree_newer_than(fd, ref, depth + 1);
		} else if (path_ends_with_kmod_ext(name, strlen(name))) {
			newer = st.st_mtim.tv_sec > ref->tv_sec;
		}
	}
	closedir(dir);
	return newer;
}

bool depmod_is_up_to_date(const struct depmod *d)
{
	struct stat st;
	int fd = open(d->dirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstatat(fd, "modules.dep", &st, 0) < 0) {
		ERR("could not fstatat(%s, modules.dep): %m\n", d->dirname);
		close(fd);
		return false;
	}
	return !tree_newer_than(fd, &st.st_mtim, 0);
}
