// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module objects and name lookups.
 *
 * A module object is cached in its context under a key: the module name, or
 * "name\alias" when it was found through an alias (the alias decides which
 * "options" lines apply, so such objects must stay distinct). Everything else
 * about a module (path, dependencies, options, commands, builtin state) is
 * computed on first use and kept, which is why getters take a const object and
 * still fill fields in.
 *
 * modules.dep.bin values are modules.dep lines: "<path>: <dep> <dep>...", paths
 * relative to the module directory unless absolute, dependencies ordered so that
 * each comes before the modules it needs.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "ctx.h"
#include "file.h"
#include "index.h"
#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "strbuf.h"
#include "util.h"

/* ---- creation and the per-context cache ------------------------------------------ */

static void module_set_builtin(struct kmod_module *mod, bool builtin);

static int module_new(struct kmod_ctx *ctx, const char *key, const char *name,
		      size_t namelen, size_t aliaspos, struct kmod_module **out)
{
	struct kmod_module *m;
	int err;

	m = ctx_lookup_module(ctx, key);
	if (m != NULL) {
		*out = kmod_module_ref(m);
		return 0;
	}

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->hashkey = strdup(key);
	m->name = strndup(name, namelen);
	if (m->hashkey == NULL || m->name == NULL) {
		err = -ENOMEM;
		goto fail;
	}
	if (aliaspos > 0)
		m->alias = m->hashkey + aliaspos;
	m->refcount = 1;
	err = ctx_add_module(ctx, m, m->hashkey);
	if (err < 0)
		goto fail;
	m->ctx = kmod_ref(ctx);
	*out = m;
	return 0;

fail:
	free(m->hashkey);
	free(m->name);
	free(m);
	return err;
}

KMOD_EXPORT int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name,
					  struct kmod_module **mod)
{
	char name_norm[PATH_MAX];
	size_t namelen;

	if (ctx == NULL || name == NULL || mod == NULL)
		return -ENOENT;
	if (modname_normalize(name, name_norm, &namelen) == NULL)
		return -ENAMETOOLONG;
	return module_new(ctx, name_norm, name_norm, namelen, 0, mod);
}

static int module_new_from_alias(struct kmod_ctx *ctx, const char *alias,
				 const char *name, struct kmod_module **mod)
{
	char key[PATH_MAX];
	size_t namelen = strlen(name);
	size_t aliaslen = strlen(alias);

	if (namelen + aliaslen + 2 > PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(key, name, namelen);
	key[namelen] = '\\';
	memcpy(key + namelen + 1, alias, aliaslen + 1);
	return module_new(ctx, key, name, namelen, namelen + 1, mod);
}

KMOD_EXPORT int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path,
					  struct kmod_module **mod)
{
	_cleanup_free_ char *abspath = NULL;
	char name[PATH_MAX];
	struct kmod_module *m;
	struct stat st;
	size_t namelen;
	int err;

	if (ctx == NULL || path == NULL || mod == NULL)
		return -ENOENT;

	abspath = path_make_absolute_cwd(path);
	if (abspath == NULL)
		return -ENOMEM;
	if (stat(abspath, &st) < 0) {
		err = -errno;
		DBG(ctx, "stat %s: %s\n", abspath, strerror(-err));
		return err;
	}
	if (path_to_modname(abspath, name, &namelen) == NULL)
		return -ENOENT;

	err = module_new(ctx, name, name, namelen, 0, &m);
	if (err < 0)
		return err;

	if (m->path == NULL) {
		m->path = TAKE_PTR(abspath);
	} else if (!streq(m->path, abspath)) {
		ERR(ctx,
		    "kmod_module '%s' already exists with different path: new-path='%s' old-path='%s'\n",
		    name, abspath, m->path);
		kmod_module_unref(m);
		return -EEXIST;
	}

	module_set_builtin(m, false);
	*mod = m;
	return 0;
}

KMOD_EXPORT struct kmod_module *kmod_module_ref(struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	mod->refcount++;
	return mod;
}

KMOD_EXPORT struct kmod_module *kmod_module_unref(struct kmod_module *mod)
{
	struct kmod_ctx *ctx;

	if (mod == NULL)
		return NULL;
	if (--mod->refcount > 0)
		return mod;

	ctx = mod->ctx;
	DBG(ctx, "kmod_module %p released\n", (void *)mod);
	ctx_del_module(ctx, mod->hashkey);
	free(mod->dep_paths);
	file_free(mod->file);
	free(mod->options);
	free(mod->path);
	free(mod->name);
	free(mod->hashkey);
	free(mod);
	/* last: the context may go away with the module's reference */
	kmod_unref(ctx);
	return NULL;
}

KMOD_EXPORT int kmod_module_unref_list(struct kmod_list *list)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list)
		kmod_module_unref(l->data);
	kmod_list_free(list);
	return 0;
}

KMOD_EXPORT struct kmod_module *kmod_module_get_module(const struct kmod_list *entry)
{
	if (entry == NULL)
		return NULL;
	return kmod_module_ref(entry->data);
}

/* Drops the last n entries of *list together with their module references. */
static void module_list_drop_latest(struct kmod_list **list, int n)
{
	while (n-- > 0 && *list != NULL) {
		struct kmod_list *last = kmod_list_last(*list);

		kmod_module_unref(last->data);
		*list = kmod_list_remove_n_latest(*list, 1);
	}
}

/* Appends mod to *list, taking over the reference; drops it on failure. */
static int module_list_push(struct kmod_list **list, struct kmod_module *mod)
{
	struct kmod_list *l = kmod_list_append(*list, mod);

	if (l == NULL) {
		kmod_module_unref(mod);
		return -ENOMEM;
	}
	*list = l;
	return 0;
}

void *module_entry_data(const struct kmod_list *entry)
{
	return entry != NULL ? entry->data : NULL;
}

void module_list_free_data(struct kmod_list *list, void (*free_data)(void *))
{
	while (list != NULL) {
		free_data(list->data);
		list = kmod_list_remove(list);
	}
}

/* ---- modules.dep -------------------------------------------------------------- */

void module_set_path(struct kmod_module *mod, const char *path)
{
	char *p = path != NULL ? strdup(path) : NULL;

	if (path != NULL && p == NULL)
		return;
	free(mod->path);
	mod->path = p;
}

/* Joins a modules.dep path to prefix (the module dir and '/', prefixlen bytes,
 * already in buf); absolute paths stand as they are. */
static const char *depline_path(const char *path, char buf[static PATH_MAX],
				size_t prefixlen)
{
	size_t len;

	if (path[0] == '/')
		return path;
	len = strlen(path);
	if (prefixlen + len + 1 > PATH_MAX)
		return NULL;
	memcpy(buf + prefixlen, path, len + 1);
	return buf;
}

/*
 * A module keeps its dependencies as paths, never as module objects: a counted
 * reference from a module to each dependency (as kmod 34.2 keeps) makes a
 * modules.dep with a cycle (a: b, b: a, or a module listing itself) hold its
 * modules, and through them the context, forever. Each call resolves the paths
 * through kmod_module_new_from_path(), which returns the object cached in the
 * context while one lives, so callers still get new references to the very
 * objects kmod_module_new_from_name() would give them; the probe keeps its own
 * references to the modules whose flags it sets (module-probe.c), so nothing it
 * marks can drop out of the cache in the middle of a plan.
 *
 * On success *out is the list in load order (deepest first, the reverse of the
 * line's order). On failure *failed is the path that could not be resolved (NULL
 * when out of memory); the callers log it, under their own names as kmod does.
 */
static int module_resolve_deps(const struct kmod_module *mod, struct kmod_list **out,
			       const char **failed)
{
	struct kmod_ctx *ctx = mod->ctx;
	struct kmod_list *list = NULL;
	const char *path = mod->dep_paths;

	for (int i = 0; i < mod->n_dep; i++, path += strlen(path) + 1) {
		struct kmod_module *dep;
		struct kmod_list *l;
		int err = kmod_module_new_from_path(ctx, path, &dep);

		if (err < 0) {
			kmod_module_unref_list(list);
			*failed = path;
			return err;
		}
		l = kmod_list_prepend(list, dep);
		if (l == NULL) {
			kmod_module_unref(dep);
			kmod_module_unref_list(list);
			*failed = NULL;
			return -ENOMEM;
		}
		list = l;
	}
	*out = list;
	return 0;
}

/* Joins the dependencies of a modules.dep line's tail to the module directory,
 * one NUL-terminated path after another, into *paths; returns their count, or
 * -ENAMETOOLONG with the dependency in *toolong (the caller logs it). */
static int depline_join_deps(char *deps, char buf[static PATH_MAX], size_t prefixlen,
			     char **paths, const char **toolong)
{
	_cleanup_(strbuf_releasep) struct strbuf sb;
	char *p, *saveptr;
	int n = 0;

	strbuf_init(&sb);
	for (p = strtok_r(deps, " \t", &saveptr); p != NULL;
	     p = strtok_r(NULL, " \t", &saveptr)) {
		const char *path = depline_path(p, buf, prefixlen);

		if (path == NULL) {
			*toolong = p;
			return -ENAMETOOLONG;
		}
		if (!strbuf_pushmem(&sb, path, strlen(path) + 1))
			return -ENOMEM;
		n++;
	}
	*paths = n > 0 ? strbuf_steal(&sb) : NULL;
	if (n > 0 && *paths == NULL)
		return -ENOMEM;
	return n;
}

int module_parse_depline(struct kmod_module *mod, char *line)
{
	struct kmod_ctx *ctx = mod->ctx;
	struct kmod_list *deps = NULL;
	const char *failed;
	char buf[PATH_MAX];
	size_t prefixlen;
	char *p;
	int n, err;

	if (mod->init.dep)
		return mod->n_dep;
	mod->init.dep = true;

	p = strchr(line, ':');
	if (p == NULL)
		return 0;
	*p++ = '\0';

	prefixlen = ctx->dirlen + 1;
	if (prefixlen + 1 >= PATH_MAX)
		return 0;
	memcpy(buf, ctx->dirname, ctx->dirlen);
	buf[ctx->dirlen] = '/';
	buf[prefixlen] = '\0';

	if (mod->path == NULL) {
		const char *path = depline_path(line, buf, prefixlen);

		if (path == NULL)
			return 0;
		mod->path = strdup(path);
		if (mod->path == NULL) {
			mod->init.dep = false;
			return -ENOMEM;
		}
	}

	n = depline_join_deps(p, buf, prefixlen, &mod->dep_paths, &failed);
	if (n < 0) {
		if (n == -ENAMETOOLONG)
			ERR(ctx, "could not join path '%s' and '%s'.\n", ctx->dirname,
			    failed);
		mod->init.dep = false;
		return n;
	}
	mod->n_dep = n;
	/* Resolved once now, as kmod does when it reads the line, so that a missing
	 * dependency is reported at the same moment; the objects are not kept. */
	err = module_resolve_deps(mod, &deps, &failed);
	if (err < 0) {
		if (failed != NULL)
			ERR(ctx, "ctx=%p path=%s error=%s\n", (void *)ctx, failed,
			    strerror(-err));
		free(mod->dep_paths);
		mod->dep_paths = NULL;
		mod->n_dep = 0;
		mod->init.dep = false;
		return err;
	}
	kmod_module_unref_list(deps);

	DBG(ctx, "%d dependencies for %s\n", n, mod->name);
	return n;
}

static char *lookup_moddep(struct kmod_ctx *ctx, const char *name)
{
	struct index_mm *idx = ctx_index_get(ctx, INDEX_MODULES_DEP);
	char *line;

	if (idx == NULL)
		return NULL;
	line = index_mm_search(idx, name);
	ctx_index_put(ctx, INDEX_MODULES_DEP, idx);
	return line;
}

/* Reads mod's modules.dep line once (path and dependencies); 0 also when there is
 * none (the module is not in modules.dep, or the index cannot be read: reported
 * there). */
static int module_init_dep(const struct kmod_module *mod)
{
	struct kmod_module *m = (struct kmod_module *)mod;
	_cleanup_free_ char *line = NULL;
	int r;

	if (m->init.dep)
		return 0;
	line = lookup_moddep(m->ctx, m->name);
	if (line == NULL)
		return 0;
	r = module_parse_depline(m, line);
	return r < 0 ? r : 0;
}

KMOD_EXPORT const char *kmod_module_get_name(const struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	return mod->name;
}

KMOD_EXPORT const char *kmod_module_get_path(const struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	if (mod->path == NULL)
		(void)module_init_dep(mod);
	return mod->path;
}

int module_get_dependencies(const struct kmod_module *mod, struct kmod_list **list)
{
	const char *failed;
	int err;

	*list = NULL;
	err = module_init_dep(mod);
	if (err < 0)
		return err;
	if (!mod->init.dep)
		return 0;
	err = module_resolve_deps(mod, list, &failed);
	if (err == -ENOMEM && failed == NULL) {
		ERR(mod->ctx, "out of memory\n");
		return err;
	}
	if (err < 0) {
		/* a dependency's file removed since its line was read */
		ERR(mod->ctx, "ctx=%p path=%s error=%s\n", (void *)mod->ctx, failed,
		    strerror(-err));
		return err;
	}
	return 0;
}

KMOD_EXPORT struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod)
{
	struct kmod_list *list;

	if (mod == NULL || module_get_dependencies(mod, &list) < 0)
		return NULL;
	return list;
}

int module_get_file(const struct kmod_module *mod, struct kmod_file **file)
{
	struct kmod_module *m = (struct kmod_module *)mod;
	const char *path;
	int err;

	if (m->file == NULL) {
		path = kmod_module_get_path(m);
		if (path == NULL)
			return -ENOENT;
		err = file_open(m->ctx, path, &m->file);
		if (err < 0)
			return err;
	}
	*file = m->file;
	return 0;
}

/* ---- builtin and blacklist state ----------------------------------------------- */

static bool lookup_builtin(struct kmod_ctx *ctx, const char *name)
{
	struct index_mm *idx = ctx_index_get(ctx, INDEX_MODULES_BUILTIN);
	_cleanup_free_ char *line = NULL;

	if (idx == NULL)
		return false;
	line = index_mm_search(idx, name);
	ctx_index_put(ctx, INDEX_MODULES_BUILTIN, idx);
	return line != NULL;
}

static void module_set_builtin(struct kmod_module *mod, bool builtin)
{
	mod->builtin = builtin;
	mod->init.builtin = true;
}

bool module_is_builtin(const struct kmod_module *mod)
{
	struct kmod_module *m = (struct kmod_module *)mod;

	if (!m->init.builtin)
		module_set_builtin(m, lookup_builtin(m->ctx, m->name));
	return m->builtin;
}

bool module_is_blacklisted(const struct kmod_module *mod)
{
	const struct kmod_config *config = ctx_get_config(mod->ctx);
	const struct kmod_list *l;

	kmod_list_foreach (l, config->blacklists) {
		if (streq(config_blacklist_get_modname(l), mod->name))
			return true;
	}
	return false;
}

KMOD_EXPORT int kmod_module_apply_filter(const struct kmod_ctx *ctx,
					 enum kmod_filter filter_type,
					 const struct kmod_list *input,
					 struct kmod_list **output)
{
	struct kmod_list *result = NULL;
	const struct kmod_list *l;

	if (ctx == NULL || output == NULL)
		return -ENOENT;

	kmod_list_foreach (l, input) {
		struct kmod_module *mod = l->data;

		if ((filter_type & KMOD_FILTER_BLACKLIST) && module_is_blacklisted(mod))
			continue;
		if ((filter_type & KMOD_FILTER_BUILTIN) && module_is_builtin(mod))
			continue;
		if (module_list_push(&result, kmod_module_ref(mod)) < 0) {
			kmod_module_unref_list(result);
			return -ENOMEM;
		}
	}
	*output = result;
	return 0;
}

KMOD_EXPORT int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
						   const struct kmod_list *input,
						   struct kmod_list **output)
{
	return kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, input, output);
}

/* ---- configuration-derived state ----------------------------------------------- */

KMOD_EXPORT const char *kmod_module_get_options(const struct kmod_module *mod)
{
	struct kmod_module *m = (struct kmod_module *)mod;
	const struct kmod_config *config;
	const struct kmod_list *l;
	char *opts = NULL;
	size_t len = 0;

	if (mod == NULL)
		return NULL;
	if (m->init.options)
		return m->options;

	/* every line for the name, and for the alias the module was requested by */
	config = ctx_get_config(m->ctx);
	kmod_list_foreach (l, config->options) {
		const char *modname = config_options_get_modname(l);
		const char *str = config_options_get_options(l);
		size_t slen = strlen(str);
		char *tmp;

		if (!streq(modname, m->name) &&
		    (m->alias == NULL || !streq(modname, m->alias)))
			continue;
		if (slen == 0)
			continue;
		tmp = realloc(opts, len + slen + 2);
		if (tmp == NULL) {
			free(opts);
			ERR(m->ctx, "out of memory\n");
			return NULL;
		}
		opts = tmp;
		if (len > 0)
			opts[len++] = ' ';
		memcpy(opts + len, str, slen + 1);
		len += slen;
	}
	m->options = opts;
	m->init.options = true;
	return m->options;
}

/* The first entry of a config list whose glob (read with get_glob) matches the
 * module's name: only the first matching line counts (for commands too, as
 * modprobe always did). */
static const struct kmod_list *config_first_match(
	const struct kmod_list *list, const char *(*get_glob)(const struct kmod_list *l),
	const char *modname)
{
	const struct kmod_list *l;

	kmod_list_foreach (l, list) {
		if (fnmatch(get_glob(l), modname, 0) == 0)
			return l;
	}
	return NULL;
}

/* The config's list of install or remove commands. */
static const struct kmod_list *config_commands(const struct kmod_config *config,
					       enum module_cmd kind)
{
	return kind == MODULE_CMD_INSTALL ? config->install_commands :
					    config->remove_commands;
}

/* The command of that kind for the module, looked up on first use. */
static const char *module_get_command(const struct kmod_module *mod, enum module_cmd kind)
{
	struct kmod_module *m = (struct kmod_module *)mod;

	if (mod == NULL)
		return NULL;
	if (!m->commands[kind].known) {
		const struct kmod_list *l =
			config_first_match(config_commands(ctx_get_config(m->ctx), kind),
					   config_command_get_modname, m->name);

		m->commands[kind].command = l != NULL ? config_command_get_command(l) :
							NULL;
		m->commands[kind].known = true;
	}
	return m->commands[kind].command;
}

KMOD_EXPORT const char *kmod_module_get_install_commands(const struct kmod_module *mod)
{
	return module_get_command(mod, MODULE_CMD_INSTALL);
}

KMOD_EXPORT const char *kmod_module_get_remove_commands(const struct kmod_module *mod)
{
	return module_get_command(mod, MODULE_CMD_REMOVE);
}

/* Resolves each name of a softdep or weakdep line (read with get_names) through
 * the full lookup; names that fail are skipped. */
static struct kmod_list *lookup_dep(
	struct kmod_ctx *ctx, const struct kmod_list *line,
	const char *const *(*get_names)(const struct kmod_list *l, unsigned int *count))
{
	struct kmod_list *result = NULL;
	unsigned int count;
	const char *const *names = get_names(line, &count);

	for (unsigned int i = 0; i < count; i++) {
		struct kmod_list *found = NULL;
		int err = kmod_module_new_from_lookup(ctx, names[i], &found);

		if (err < 0) {
			ERR(ctx, "failed to lookup dependency '%s', continuing anyway.\n",
			    names[i]);
			continue;
		}
		result = kmod_list_append_list(result, found);
	}
	return result;
}

/* The first softdep (or weakdep) line whose glob matches the module, or NULL. */
static const struct kmod_list *module_dep_line(const struct kmod_module *mod, bool weak)
{
	const struct kmod_config *config = ctx_get_config(mod->ctx);

	if (weak)
		return config_first_match(config->weakdeps, config_weakdep_get_name,
					  mod->name);
	return config_first_match(config->softdeps, config_softdep_get_name, mod->name);
}

KMOD_EXPORT int kmod_module_get_softdeps(const struct kmod_module *mod,
					 struct kmod_list **pre, struct kmod_list **post)
{
	const struct kmod_list *l;

	if (mod == NULL || pre == NULL || post == NULL)
		return -ENOENT;
	l = module_dep_line(mod, false);
	if (l != NULL) {
		*pre = lookup_dep(mod->ctx, l, config_softdep_get_pre);
		*post = lookup_dep(mod->ctx, l, config_softdep_get_post);
	}
	return 0;
}

KMOD_EXPORT int kmod_module_get_weakdeps(const struct kmod_module *mod,
					 struct kmod_list **weak)
{
	const struct kmod_list *l;

	if (mod == NULL || weak == NULL)
		return -ENOENT;
	l = module_dep_line(mod, true);
	if (l != NULL)
		*weak = lookup_dep(mod->ctx, l, config_weakdep_get_weak);
	return 0;
}

/* ---- lookups (formats.md 7.4) ---------------------------------------------------- */

int lookup_alias_from_config(struct kmod_ctx *ctx, const char *name,
			     struct kmod_list **list)
{
	const struct kmod_list *l;
	int n = 0, err;

	kmod_list_foreach (l, ctx_get_config(ctx)->aliases) {
		const char *pattern = config_alias_get_name(l);
		const char *modname = config_alias_get_modname(l);
		struct kmod_module *mod;

		if (fnmatch(pattern, name, 0) != 0)
			continue;
		/* the object remembers the configured pattern, which options can name */
		err = module_new_from_alias(ctx, pattern, modname, &mod);
		if (err < 0) {
			ERR(ctx, "Could not create module for alias=%s modname=%s: %s\n",
			    name, modname, strerror(-err));
			goto fail;
		}
		err = module_list_push(list, mod);
		if (err < 0)
			goto fail;
		n++;
	}
	return n;

fail:
	module_list_drop_latest(list, n);
	return err;
}

/* Appends the module called name to *list; the module (the list's reference) in
 * *out. */
static int lookup_push_name(struct kmod_ctx *ctx, const char *name,
			    struct kmod_list **list, struct kmod_module **out)
{
	struct kmod_module *mod;
	int err = kmod_module_new_from_name(ctx, name, &mod);

	if (err < 0) {
		ERR(ctx, "Could not create module from name %s: %s\n", name,
		    strerror(-err));
		return err;
	}
	err = module_list_push(list, mod);
	if (err < 0)
		return err;
	*out = mod;
	return 0;
}

/* Appends the module called name and feeds it the modules.dep line found for it. */
int lookup_alias_from_moddep(struct kmod_ctx *ctx, const char *name,
			     struct kmod_list **list)
{
	_cleanup_free_ char *line = NULL;
	struct kmod_module *mod;
	int err;

	/* no module name has a ':', and symbol: or alias queries would only miss */
	if (strchr(name, ':') != NULL)
		return 0;
	line = lookup_moddep(ctx, name);
	if (line == NULL)
		return 0;

	err = lookup_push_name(ctx, name, list, &mod);
	if (err < 0)
		return err;
	(void)module_parse_depline(mod, line);
	return 1;
}

/* Wildcard lookup in one of the alias-like indexes; values are module names. */
static int lookup_alias_index(struct kmod_ctx *ctx, enum index_type type,
			      const char *name, struct kmod_list **list)
{
	struct index_mm *idx = ctx_index_get(ctx, type);
	struct index_value *values, *v;
	int n = 0, err = 0;

	if (idx == NULL)
		return -ENOSYS;
	values = index_mm_searchwild(idx, name);
	ctx_index_put(ctx, type, idx);

	for (v = values; v != NULL; v = v->next) {
		struct kmod_module *mod;

		err = module_new_from_alias(ctx, name, v->value, &mod);
		if (err < 0) {
			ERR(ctx, "Could not create module for alias=%s realname=%s: %s\n",
			    name, v->value, strerror(-err));
			break;
		}
		err = module_list_push(list, mod);
		if (err < 0)
			break;
		n++;
	}
	index_values_free(values);
	if (err < 0) {
		module_list_drop_latest(list, n);
		return err;
	}
	return n;
}

int lookup_alias_from_symbols(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list)
{
	if (!strstartswith(name, "symbol:"))
		return 0;
	return lookup_alias_index(ctx, INDEX_MODULES_SYMBOL, name, list);
}

/* A module that exists only as an install or remove command (exact name). */
int lookup_alias_from_commands(struct kmod_ctx *ctx, const char *name,
			       struct kmod_list **list)
{
	const struct kmod_config *config = ctx_get_config(ctx);
	const enum module_cmd kinds[] = { MODULE_CMD_INSTALL, MODULE_CMD_REMOVE };

	for (size_t s = 0; s < ARRAY_SIZE(kinds); s++) {
		const struct kmod_list *l;

		kmod_list_foreach (l, config_commands(config, kinds[s])) {
			const char *modname = config_command_get_modname(l);
			struct kmod_module *mod;
			int err;

			if (!streq(modname, name))
				continue;
			err = lookup_push_name(ctx, modname, list, &mod);
			if (err < 0)
				return err;
			/* this line is the command: no need to search again */
			mod->commands[kinds[s]].command = config_command_get_command(l);
			mod->commands[kinds[s]].known = true;
			return 1;
		}
	}
	return 0;
}

int lookup_alias_from_aliases(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list)
{
	return lookup_alias_index(ctx, INDEX_MODULES_ALIAS, name, list);
}

int lookup_alias_from_builtin(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list)
{
	struct kmod_module *mod;
	int err;

	if (!lookup_builtin(ctx, name))
		return 0;
	err = lookup_push_name(ctx, name, list, &mod);
	if (err < 0)
		return err;
	module_set_builtin(mod, true);
	return 1;
}

int lookup_alias_from_builtin_aliases(struct kmod_ctx *ctx, const char *name,
				      struct kmod_list **list)
{
	struct kmod_list *found = NULL, *l;
	int n;

	n = lookup_alias_index(ctx, INDEX_MODULES_BUILTIN_ALIAS, name, &found);
	kmod_list_foreach (l, found)
		module_set_builtin(l->data, true);
	*list = kmod_list_append_list(*list, found);
	return n;
}

typedef int (*lookup_fn)(struct kmod_ctx *ctx, const char *name, struct kmod_list **list);

/* Tries each source in turn; the first that yields anything wins. A missing
 * index (-ENOSYS) just moves on to the next source. */
static int lookup_run(struct kmod_ctx *ctx, const lookup_fn *fns, size_t n,
		      const char *name, struct kmod_list **list)
{
	for (size_t i = 0; i < n; i++) {
		int err = fns[i](ctx, name, list);

		if (err < 0 && err != -ENOSYS)
			return err;
		if (*list != NULL)
			return 0;
	}
	return 0;
}

KMOD_EXPORT int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
					    struct kmod_list **list)
{
	static const lookup_fn fns[] = {
		lookup_alias_from_config,	   lookup_alias_from_moddep,
		lookup_alias_from_symbols,	   lookup_alias_from_commands,
		lookup_alias_from_aliases,	   lookup_alias_from_builtin,
		lookup_alias_from_builtin_aliases,
	};
	char alias[PATH_MAX];
	int err;

	if (ctx == NULL || given_alias == NULL)
		return -ENOENT;
	if (list == NULL || *list != NULL) {
		ERR(ctx, "An empty list is needed to create lookup\n");
		return -ENOSYS;
	}
	if (alias_normalize(given_alias, alias, NULL) < 0) {
		DBG(ctx, "invalid alias: %s\n", given_alias);
		return -EINVAL;
	}

	err = lookup_run(ctx, fns, ARRAY_SIZE(fns), alias, list);
	DBG(ctx, "lookup=%s found=%d\n", alias, err >= 0 && *list != NULL);
	if (err < 0) {
		kmod_module_unref_list(*list);
		*list = NULL;
	}
	return err;
}

/*
 * Upstream exports this in LIBKMOD_30, but Debian 12's kmod 30 exported it in
 * LIBKMOD_5 and programs linked there reference that version: both versions are
 * bound to this one definition, LIBKMOD_30 being the default (libkmod.sym lists
 * the name in both nodes, which explicitly versioned symbols need).
 */
int module_new_from_name_lookup(struct kmod_ctx *ctx, const char *modname,
				struct kmod_module **mod);
#if defined(__clang__)
/* clang has no symver attribute (it ignores it): the same two bindings as directives */
__asm__(".symver module_new_from_name_lookup, kmod_module_new_from_name_lookup@@LIBKMOD_30");
__asm__(".symver module_new_from_name_lookup, kmod_module_new_from_name_lookup@LIBKMOD_5");
#define NAME_LOOKUP_SYMVER
#else
#define NAME_LOOKUP_SYMVER                                                     \
	__attribute__((symver("kmod_module_new_from_name_lookup@@LIBKMOD_30"), \
		       symver("kmod_module_new_from_name_lookup@LIBKMOD_5")))
#endif
KMOD_EXPORT NAME_LOOKUP_SYMVER int module_new_from_name_lookup(struct kmod_ctx *ctx,
							       const char *modname,
							       struct kmod_module **mod)
{
	/* names only, but a built-in module may be known by an alias (Debian's kmod
	 * 30 resolves "sha256" to the built-in sha256_generic here) */
	static const lookup_fn fns[] = { lookup_alias_from_moddep,
					 lookup_alias_from_builtin,
					 lookup_alias_from_builtin_aliases };
	struct kmod_list *list = NULL;
	char name[PATH_MAX];
	int err;

	if (ctx == NULL || modname == NULL || mod == NULL)
		return -ENOENT;
	if (modname_normalize(modname, name, NULL) == NULL)
		return -ENAMETOOLONG;

	err = lookup_run(ctx, fns, ARRAY_SIZE(fns), name, &list);
	if (err >= 0 && list != NULL)
		*mod = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	return err;
}
