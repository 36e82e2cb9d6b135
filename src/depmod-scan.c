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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "depmod-cache.h"
#include "depmod-internal.h"
#include "lib/hash.h"
#include "lib/regfile.h"
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
	depmod_cache_free(d);
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

/* ---- the directory walk ----------------------------------------------------------- */

/*
 * Directories are remembered by (st_dev, st_ino) and none is entered twice, so a
 * symlink loop (or a symlink to a directory already walked) ends the descent there,
 * and a chain of symlinks cannot make the walk exponential. Each directory is read
 * whole and closed before its subdirectories are entered, which are then opened by
 * path: the walk holds one descriptor at a time whatever the depth, so neither its
 * result nor its duration depends on RLIMIT_NOFILE. Within a directory the readdir
 * order is kept.
 */
struct dir_id {
	dev_t dev;
	ino_t ino;
	bool used;
};

struct dir_set {
	struct dir_id *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

static size_t dir_id_hash(dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 32) ^ (uint64_t)dev) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 29));
}

static struct dir_id *dir_set_slot(struct dir_id *slots, size_t cap, dev_t dev, ino_t ino)
{
	size_t i = dir_id_hash(dev, ino) & (cap - 1);

	while (slots[i].used && (slots[i].dev != dev || slots[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* 1 when st's directory is new (and now remembered), 0 when seen before, -ENOMEM. */
static int dir_set_add(struct dir_set *set, const struct stat *st)
{
	struct dir_id *slot;

	if ((set->count + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		struct dir_id *slots = calloc(cap, sizeof(*slots));

		if (slots == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < set->cap; i++) {
			if (set->slots[i].used)
				*dir_set_slot(slots, cap, set->slots[i].dev,
					      set->slots[i].ino) = set->slots[i];
		}
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	slot = dir_set_slot(set->slots, set->cap, st->st_dev, st->st_ino);
	if (slot->used)
		return 0;
	*slot = (struct dir_id){ .dev = st->st_dev, .ino = st->st_ino, .used = true };
	set->count++;
	return 1;
}

/* One directory's entries that matter: subdirectories and module files. */
struct walk_entry {
	size_t name; /* offset into walk_level.names */
	bool dir;
};

struct walk_level {
	struct strbuf names; /* NUL-separated */
	struct walk_entry *entries;
	size_t count, cap, next;
	size_t pathlen; /* length of the walk path while in this directory */
};

struct walk {
	const struct depmod *d;
	bool excludes; /* also skip the depmod.d exclude names */
	struct strbuf path;
	struct dir_set seen;
	struct walk_level *levels;
	size_t depth, cap;
};

static bool walk_skips(const struct walk *w, const char *name)
{
	if (streq(name, ".") || streq(name, "..") || streq(name, "build") ||
	    streq(name, "source"))
		return true;
	return w->excludes && name_excluded(w->d, name);
}

/* array (of *cap elements of size bytes) reallocated to twice its size, or to first
 * elements when empty; *cap follows. NULL (array untouched) when out of memory. */
static void *grow(void *array, size_t *cap, size_t first, size_t size)
{
	size_t n = *cap ? *cap * 2 : first;
	void *p = reallocarray(array, n, size);

	if (p != NULL)
		*cap = n;
	return p;
}

static int level_add(struct walk_level *lv, const char *name, bool dir)
{
	if (lv->count == lv->cap) {
		struct walk_entry *e = grow(lv->entries, &lv->cap, 32, sizeof(*e));

		if (e == NULL)
			return -ENOMEM;
		lv->entries = e;
	}
	lv->entries[lv->count].name = lv->names.used;
	lv->entries[lv->count].dir = dir;
	if (!strbuf_pushmem(&lv->names, name, strlen(name) + 1))
		return -ENOMEM;
	lv->count++;
	return 0;
}

/* Reads the directory open on fd (consumed) into lv, in readdir order. */
static int level_read(const struct walk *w, int fd, struct walk_level *lv)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;
	int err = 0;

	if (dir == NULL) {
		err = -errno;
		close(fd);
		return err;
	}
	while (err >= 0 && (de = readdir(dir)) != NULL) {
		const char *name = de->d_name;
		bool is_dir = de->d_type == DT_DIR, is_reg = de->d_type == DT_REG;

		if (walk_skips(w, name))
			continue;
		if (!is_dir && !is_reg) {
			struct stat st;

			if (fstatat(dirfd(dir), name, &st, 0) < 0) {
				ERR("fstatat(%d, %s): %m\n", dirfd(dir), name);
				continue;
			}
			is_dir = S_ISDIR(st.st_mode);
			is_reg = S_ISREG(st.st_mode);
		}
		/* FIFOs, sockets and devices are never modules, whatever their name */
		if (is_reg && !path_ends_with_kmod_ext(name, strlen(name)))
			continue;
		if (is_dir || is_reg)
			err = level_add(lv, name, is_dir);
	}
	closedir(dir);
	return err;
}

static void level_release(struct walk_level *lv)
{
	strbuf_release(&lv->names);
	free(lv->entries);
}

/*
 * Opens the directory at the walk path, and reads it as a new level unless it was
 * entered before. Returns 1 when entered, 0 when skipped (reported if it cannot be
 * opened), -ENOMEM.
 */
static int walk_enter(struct walk *w)
{
	_cleanup_close_ int fd = -1;
	struct walk_level *lv;
	struct stat st;
	int err;

	fd = open(w->path.bytes, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ERR("could not open directory %s: %m\n", w->path.bytes);
		return 0;
	}
	if (fstat(fd, &st) < 0) {
		ERR("could not stat directory %s: %m\n", w->path.bytes);
		return 0;
	}
	err = dir_set_add(&w->seen, &st);
	if (err <= 0) {
		if (err == 0)
			DBG("%s: directory already walked, not entered again\n",
			    w->path.bytes);
		return err;
	}
	if (w->depth == w->cap) {
		struct walk_level *levels = grow(w->levels, &w->cap, 16, sizeof(*levels));

		if (levels == NULL)
			return -ENOMEM;
		w->levels = levels;
	}
	lv = &w->levels[w->depth];
	memset(lv, 0, sizeof(*lv));
	strbuf_init(&lv->names);
	lv->pathlen = w->path.used;
	w->depth++;
	err = level_read(w, TAKE_FD(fd), lv);
	return err < 0 ? err : 1;
}

/*
 * Walks the tree at root depth first. visit() gets each module file's path and
 * returns < 0 to fail the walk, > 0 to stop it early, 0 to go on; walk_tree()
 * returns that, or an error of its own.
 */
static int walk_tree(const struct depmod *d, const char *root, bool excludes,
		     int (*visit)(void *data, const struct strbuf *path), void *data)
{
	struct walk w = { .d = d, .excludes = excludes };
	int err;

	strbuf_init(&w.path);
	if (!strbuf_pushchars(&w.path, root) || strbuf_str(&w.path) == NULL) {
		err = -ENOMEM;
		goto out;
	}
	while (w.path.used > 1 && w.path.bytes[w.path.used - 1] == '/')
		strbuf_popchar(&w.path);
	err = walk_enter(&w);
	if (err <= 0)
		goto out;
	err = 0;
	while (w.depth > 0 && err == 0) {
		struct walk_level *top = &w.levels[w.depth - 1];
		const struct walk_entry *e;
		const char *name;
		size_t namelen;

		if (top->next == top->count) {
			level_release(top);
			w.depth--;
			continue;
		}
		e = &top->entries[top->next++];
		name = top->names.bytes + e->name;
		namelen = strlen(name);
		strbuf_popchars(&w.path, w.path.used - top->pathlen);
		if (e->dir && w.path.used + 1 + namelen >= PATH_MAX) {
			ERR("path is too long: %s/%s\n", w.path.bytes, name);
			continue;
		}
		if (!strbuf_pushchar(&w.path, '/') ||
		    !strbuf_pushmem(&w.path, name, namelen) ||
		    strbuf_str(&w.path) == NULL) {
			err = -ENOMEM;
			break;
		}
		if (e->dir) {
			err = walk_enter(&w);
			if (err > 0)
				err = 0;
		} else {
			err = visit(data, &w.path);
		}
	}
out:
	while (w.depth > 0)
		level_release(&w.levels[--w.depth]);
	free(w.levels);
	free(w.seen.slots);
	strbuf_release(&w.path);
	return err;
}

struct scan_visit {
	struct depmod *d;
	bool external;
};

static int scan_visit(void *data, const struct strbuf *path)
{
	struct scan_visit *sv = data;

	return module_add(sv->d, path->bytes, path->used, sv->external);
}

static int scan_root(struct depmod *d, const char *root, bool external)
{
	struct scan_visit sv = { .d = d, .external = external };
	int fd;

	/* the top directory itself must exist; below it, unreadable parts are skipped */
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		ERR("could not open directory %s: %m\n", root);
		return err;
	}
	close(fd);
	return walk_tree(d, root, true, scan_visit, &sv);
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
	int err;

	if (stat(path, &st) < 0) {
		err = -errno;
		FATAL("could not create module %s: %m\n", path);
		return err;
	}
	err = module_add(d, path, strlen(path), false);
	if (err < 0)
		ERR("could not add module %s: %s\n", path, strerror(-err));
	return err;
}

static int cmp_hash_order(const void *pa, const void *pb)
{
	const struct depmod_module *a = *(struct depmod_module *const *)pa;
	const struct depmod_module *b = *(struct depmod_module *const *)pb;

	return depmod_cmp_bucket(a->hash, a->modname, b->hash, b->modname, 511);
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
	/* a FIFO or a device there must neither block nor be opened (regfile.h) */
	err = regfile_read_text(path, &data, &size);
	if (err < 0) {
		WRN("could not open modules.order at %s: %s\n", d->dirname,
		    regfile_strerror(err));
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

struct newer_visit {
	const struct timespec *ref;
};

/* 1 (stop: newer) for a module file modified after the reference time */
static int newer_visit(void *data, const struct strbuf *path)
{
	const struct newer_visit *nv = data;
	struct stat st;

	if (stat(path->bytes, &st) < 0)
		return 0;
	return st.st_mtim.tv_sec > nv->ref->tv_sec;
}

bool depmod_is_up_to_date(const struct depmod *d)
{
	struct stat st;
	struct newer_visit nv = { .ref = &st.st_mtim };
	_cleanup_close_ int fd = open(d->dirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstatat(fd, "modules.dep", &st, 0) < 0) {
		ERR("could not fstatat(%s, modules.dep): %m\n", d->dirname);
		return false;
	}
	/* an error (out of memory) counts as "newer": a full run is always right */
	return walk_tree(d, d->dirname, false, newer_visit, &nv) == 0;
}
