// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe --explain (modprobe-explain.h): how each operand resolves, which
 * configuration lines apply to each module and where they were read, and the
 * order modprobe would load or remove things in. Nothing is loaded, removed or
 * run: the load order comes from a dry-run probe.
 *
 * The lookup repeats kmod_module_new_from_lookup()'s steps one by one (formats.md
 * 7.4) to name the step that answered; wildcard indexes are dumped to find the
 * stored patterns that matched.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-text.h"
#include "json.h"
#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "lib/util.h"
#include "lib/strbuf.h"
#include "libkmod.h"
#include "modprobe-explain.h"

struct explain {
	struct kmod_ctx *ctx;
	const struct explain_opts *o;
	struct json_writer *json; /* NULL: text */
	/* removal: the modules the explained removal takes out so far */
	char *removed[64];
	size_t n_removed;
	bool failed; /* removal: a step fails, modprobe stops there */
};

/* ---- origins ------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* A modules.softdep/weakdep line: depmod wrote it from the module's .modinfo. */
static bool from_modinfo(const char *file)
{
	return file != NULL && (streq(base_name(file), "modules.softdep") ||
				streq(base_name(file), "modules.weakdep"));
}

/* " (FILE:LINE)" or " (kernel command line)" */
static void print_origin(const char *file, unsigned int line)
{
	if (file == NULL)
		printf(" (kernel command line)");
	else if (from_modinfo(file))
		printf(" (%s:%u, from the module's modinfo)", file, line);
	else
		printf(" (%s:%u)", file, line);
}

/* "source", "file", "line" members */
static void json_origin(struct json_writer *w, const char *file, unsigned int line)
{
	json_member_string(w, "source",
			   file == NULL	      ? "kernel-command-line" :
			   from_modinfo(file) ? "modinfo" :
						"file");
	json_member_string(w, "file", file);
	json_key(w, "line");
	if (file == NULL)
		json_null(w);
	else
		json_uint(w, line);
}

static void json_words(struct json_writer *w, const char *name, const char *const *words,
		       unsigned int n)
{
	json_key(w, name);
	json_array_begin(w);
	for (unsigned int i = 0; i < n; i++)
		json_string(w, words[i]);
	json_array_end(w);
}

/* ---- configuration files hidden by a namesake ------------------------------------- */

struct conf_name {
	size_t dir; /* index of the path it was found in */
	char *name;
	char *path;
};

static bool conf_wanted(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && streq(name + len - 5, ".conf");
}

static int conf_push(struct conf_name **v, size_t *n, size_t dir, const char *name,
		     const char *path)
{
	struct conf_name *tmp = realloc(*v, (*n + 1) * sizeof(**v));

	if (tmp == NULL)
		return -ENOMEM;
	*v = tmp;
	tmp[*n].dir = dir;
	tmp[*n].name = strdup(name);
	tmp[*n].path = strdup(path);
	if (tmp[*n].name == NULL || tmp[*n].path == NULL) {
		free(tmp[*n].name);
		free(tmp[*n].path);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

static int conf_collect(const char *const *paths, struct conf_name **v, size_t *n)
{
	for (size_t i = 0; paths[i] != NULL; i++) {
		_cleanup_closedir_ DIR *d = NULL;
		struct stat st;
		struct dirent *de;

		if (stat(paths[i], &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (conf_push(v, n, i, base_name(paths[i]), paths[i]) < 0)
				return -ENOMEM;
			continue;
		}
		d = opendir(paths[i]);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			_cleanup_free_ char *path = NULL;

			if (!conf_wanted(de->d_name))
				continue;
			if (asprintf(&path, "%s/%s", paths[i], de->d_name) < 0 ||
			    conf_push(v, n, i, de->d_name, path) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int conf_cmp(const void *a, const void *b)
{
	const struct conf_name *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r != 0)
		return r;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static int explain_shadowed(struct explain *e)
{
	const char *const *paths = e->o->config_paths != NULL ? e->o->config_paths :
								config_default_paths();
	struct conf_name *v = NULL;
	size_t n = 0;
	int err = conf_collect(paths, &v, &n);

	if (err >= 0 && n > 0)
		qsort(v, n, sizeof(*v), conf_cmp);
	if (e->json != NULL) {
		json_key(e->json, "shadowed");
		json_array_begin(e->json);
	}
	/* sorted by name, then precedence: the first of a run of namesakes wins */
	for (size_t i = 1; err >= 0 && i < n; i++) {
		size_t w = i - 1;

		if (!streq(v[i].name, v[w].name))
			continue;
		while (w > 0 && streq(v[w - 1].name, v[i].name))
			w--;
		if (e->json != NULL) {
			json_object_begin(e->json);
			json_member_string(e->json, "file", v[i].path);
			json_member_string(e->json, "by", v[w].path);
			json_object_end(e->json);
		} else {
			printf("config: %s is shadowed by %s\n", v[i].path, v[w].path);
		}
	}
	if (e->json != NULL)
		json_array_end(e->json);
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
	return err;
}

/* ---- lookup ------------------------------------------------------------------------ */

typedef int (*lookup_fn)(struct kmod_ctx *ctx, const char *name, struct kmod_list **list);

enum step_kind {
	STEP_CONFIG,
	STEP_EXACT,
	STEP_WILD,
	STEP_COMMAND,
};

static const struct lookup_step {
	lookup_fn fn;
	const char *source; /* JSON "source" */
	const char *text;
	enum step_kind kind;
	enum index_type index;
} steps[] = {
	{ lookup_alias_from_config, "config-alias", "configuration aliases", STEP_CONFIG,
	  0 },
	{ lookup_alias_from_moddep, "modules.dep.bin", "modules.dep.bin", STEP_EXACT,
	  INDEX_MODULES_DEP },
	{ lookup_alias_from_symbols, "modules.symbols.bin", "modules.symbols.bin",
	  STEP_WILD, INDEX_MODULES_SYMBOL },
	{ lookup_alias_from_commands, "config-command", "install and remove commands",
	  STEP_COMMAND, 0 },
	{ lookup_alias_from_aliases, "modules.alias.bin", "modules.alias.bin", STEP_WILD,
	  INDEX_MODULES_ALIAS },
	{ lookup_alias_from_builtin, "modules.builtin.bin", "modules.builtin.bin",
	  STEP_EXACT, INDEX_MODULES_BUILTIN },
	{ lookup_alias_from_builtin_aliases, "modules.builtin.alias.bin",
	  "modules.builtin.alias.bin", STEP_WILD, INDEX_MODULES_BUILTIN_ALIAS },
};

/* One match of the lookup: the module, and what matched it (file and directive:
 * JSON only, the text of those is printed by the callers). */
static void print_match(struct explain *e, const char *module, const char *pattern,
			const char *file, unsigned int line, const char *what)
{
	if (e->json != NULL) {
		json_object_begin(e->json);
		json_member_string(e->json, "module", module);
		json_member_string(e->json, "pattern", pattern);
		if (what != NULL)
			json_member_string(e->json, "directive", what);
		if (file != NULL) {
			json_member_string(e->json, "file", file);
			json_member_int(e->json, "line", line);
		}
		json_object_end(e->json);
		return;
	}
	if (pattern != NULL)
		printf("    pattern %s -> %s\n", pattern, module);
	else
		printf("    %s\n", module);
}

static void match_config_aliases(struct explain *e, const char *name)
{
	const struct kmod_list *l;

	kmod_list_foreach (l, ctx_get_config(e->ctx)->aliases) {
		const char *pattern = config_alias_get_name(l);
		unsigned int line;
		const char *file = config_entry_get_origin(l, &line);

		if (fnmatch(pattern, name, 0) != 0)
			continue;
		if (e->json != NULL) {
			print_match(e, config_alias_get_modname(l), pattern, file, line,
				    NULL);
		} else {
			printf("    alias %s %s", pattern, config_alias_get_modname(l));
			print_origin(file, line);
			putchar('\n');
		}
	}
}

static void match_commands(struct explain *e, const char *name)
{
	const struct kmod_config *config = ctx_get_config(e->ctx);
	const struct kmod_list *sets[] = { config->install_commands,
					   config->remove_commands };

	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		const struct kmod_list *l;

		kmod_list_foreach (l, sets[s]) {
			unsigned int line;
			const char *file = config_entry_get_origin(l, &line);

			if (!streq(config_command_get_modname(l), name))
				continue;
			if (e->json != NULL) {
				print_match(e, name, NULL, file, line,
					    s == 0 ? "install" : "remove");
			} else {
				printf("    %s %s, a name known only as a command",
				       s == 0 ? "install" : "remove", name);
				print_origin(file, line);
				putchar('\n');
			}
			return;
		}
	}
}

/* The stored keys of a wildcard index that match name, with their values. */
static void match_wildcards(struct explain *e, enum index_type type, const char *name)
{
	_cleanup_free_ char *text = tool_index_text(e->ctx, type);

	for (char *p = text, *nl; p != NULL && *p != '\0'; p = nl + 1) {
		char *sp;

		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		sp = strrchr(p, ' ');
		if (sp == NULL)
			continue;
		*sp = '\0';
		if (fnmatch(p, name, 0) == 0)
			print_match(e, sp + 1, p, NULL, 0, NULL);
	}
}

/* What made the lookup step hit answer for name. */
static void print_matches(struct explain *e, const struct lookup_step *hit,
			  const char *name)
{
	switch (hit->kind) {
	case STEP_CONFIG:
		match_config_aliases(e, name);
		break;
	case STEP_EXACT:
		if (e->json == NULL)
			printf("    key %s\n", name);
		else
			print_match(e, name, NULL, NULL, 0, NULL);
		break;
	case STEP_WILD:
		match_wildcards(e, hit->index, name);
		break;
	case STEP_COMMAND:
		match_commands(e, name);
		break;
	}
}

/*
 * Runs the lookup steps in kmod's order, prints the one that answered and its
 * matches, and returns the modules found (*list) or 0 with *list NULL.
 */
static int explain_lookup(struct explain *e, const char *alias, struct kmod_list **list)
{
	char name[PATH_MAX];
	const struct lookup_step *hit = NULL;
	int err = 0;

	if (alias_normalize(alias, name, NULL) < 0) {
		if (e->json != NULL) {
			json_member_string(e->json, "name", NULL);
			json_key(e->json, "lookup");
			json_null(e->json);
		} else {
			printf("  lookup: '%s' is not a valid name\n", alias);
		}
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(steps) && hit == NULL; i++) {
		err = steps[i].fn(e->ctx, name, list);
		if (err < 0 && err != -ENOSYS)
			break;
		err = 0;
		if (*list != NULL)
			hit = &steps[i];
	}
	if (e->json != NULL) {
		json_member_string(e->json, "name", name);
		json_key(e->json, "lookup");
		json_object_begin(e->json);
		json_member_string(e->json, "source", hit != NULL ? hit->source : NULL);
		json_key(e->json, "matches");
		json_array_begin(e->json);
	} else if (hit != NULL) {
		printf("  lookup: %s found in %s\n", name, hit->text);
	} else {
		printf("  lookup: %s found nowhere (configuration aliases, modules.dep.bin, modules.symbols.bin, install and remove commands, modules.alias.bin, modules.builtin.bin, modules.builtin.alias.bin)\n",
		       name);
	}
	if (hit != NULL)
		print_matches(e, hit, name);
	if (e->json != NULL) {
		json_array_end(e->json);
		json_object_end(e->json);
	}
	return err;
}

/* ---- per module --------------------------------------------------------------------- */

static const char *state_name(int state)
{
	const char *name = kmod_module_initstate_str(state);

	return name != NULL ? name : "not-loaded";
}

/* Prints each blacklist entry of mod; returns true when one stops the load. */
static bool explain_blacklist(struct explain *e, struct kmod_module *mod)
{
	const struct kmod_list *l;
	bool stops = false;

	if (e->json != NULL) {
		json_key(e->json, "blacklist");
		json_array_begin(e->json);
	}
	kmod_list_foreach (l, ctx_get_config(e->ctx)->blacklists) {
		unsigned int line;
		const char *file = config_entry_get_origin(l, &line);
		const char *why;
		bool applies;

		if (!streq(config_blacklist_get_modname(l), mod->name))
			continue;
		if (e->o->remove) {
			applies = false;
			why = "a blacklist does not stop removal";
		} else if (mod->alias != NULL) {
			applies = true;
			why = "the module was found through an alias";
		} else if (e->o->use_blacklist) {
			applies = true;
			why = "-b applies the blacklist to module names too";
		} else {
			applies = false;
			why = "the module was named directly and a blacklist only stops alias lookups (-b applies it to names too)";
		}
		stops = stops || applies;
		if (e->json != NULL) {
			json_object_begin(e->json);
			json_origin(e->json, file, line);
			json_member_bool(e->json, "applies", applies);
			json_member_string(e->json, "reason", why);
			json_object_end(e->json);
		} else {
			printf("    blacklist %s: %s", mod->name,
			       applies ? "applies" : "does not apply");
			print_origin(file, line);
			printf(": %s\n", why);
		}
	}
	if (e->json != NULL)
		json_array_end(e->json);
	return stops;
}

static void explain_options(struct explain *e, struct kmod_module *mod, const char *extra)
{
	const struct kmod_list *l;

	if (e->json != NULL) {
		json_key(e->json, "options");
		json_array_begin(e->json);
	}
	kmod_list_foreach (l, ctx_get_config(e->ctx)->options) {
		const char *modname = config_options_get_modname(l);
		unsigned int line;
		const char *file = config_entry_get_origin(l, &line);
		bool by_alias = !streq(modname, mod->name);

		if (by_alias && (mod->alias == NULL || !streq(modname, mod->alias)))
			continue;
		if (e->json != NULL) {
			json_object_begin(e->json);
			json_member_string(e->json, "options",
					   config_options_get_options(l));
			json_origin(e->json, file, line);
			json_member_string(e->json, "alias", by_alias ? modname : NULL);
			json_object_end(e->json);
			continue;
		}
		printf("    options %s", config_options_get_options(l));
		print_origin(file, line);
		if (by_alias)
			printf(" for alias %s", modname);
		putchar('\n');
	}
	if (extra != NULL && *extra != '\0') {
		if (e->json != NULL) {
			json_object_begin(e->json);
			json_member_string(e->json, "options", extra);
			json_member_string(e->json, "source", "command-line");
			json_member_string(e->json, "file", NULL);
			json_key(e->json, "line");
			json_null(e->json);
			json_member_string(e->json, "alias", NULL);
			json_object_end(e->json);
		} else {
			printf("    options %s (command line)\n", extra);
		}
	}
	if (e->json != NULL)
		json_array_end(e->json);
}

/* The first entry of list whose glob matches name (install/remove/softdep/weakdep). */
static const struct kmod_list *first_match(const struct kmod_list *list, const char *name,
					   const char *(*get)(const struct kmod_list *))
{
	const struct kmod_list *l;

	kmod_list_foreach (l, list) {
		if (fnmatch(get(l), name, 0) == 0)
			return l;
	}
	return NULL;
}

/*
 * The first softdep or weakdep line of list (get_name gives its pattern) that
 * matches name. With --json, it opens the member key: null when there is none,
 * else an object the caller ends, begun with the "pattern".
 */
static const struct kmod_list *matching_line(
	struct explain *e, const struct kmod_list *list, const char *name,
	const char *(*get_name)(const struct kmod_list *), const char *key)
{
	const struct kmod_list *l = first_match(list, name, get_name);

	if (e->json == NULL)
		return l;
	json_key(e->json, key);
	if (l == NULL) {
		json_null(e->json);
		return NULL;
	}
	json_object_begin(e->json);
	json_member_string(e->json, "pattern", get_name(l));
	return l;
}

/* Names the first softdep line that matches; *resolves: it resolves to a module. */
static void explain_softdep(struct explain *e, struct kmod_module *mod, bool *resolves)
{
	const struct kmod_list *l = matching_line(e, ctx_get_config(e->ctx)->softdeps,
						  mod->name, config_softdep_get_name,
						  "softdep");
	struct kmod_list *pre = NULL, *post = NULL;
	const char *const *p, *const *q;
	unsigned int np = 0, nq = 0, line = 0;
	const char *file;

	*resolves = false;
	if (l == NULL)
		return;
	file = config_entry_get_origin(l, &line);
	p = config_softdep_get_pre(l, &np);
	q = config_softdep_get_post(l, &nq);
	if (kmod_module_get_softdeps(mod, &pre, &post) >= 0)
		*resolves = pre != NULL || post != NULL;
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	if (e->json != NULL) {
		json_words(e->json, "pre", p, np);
		json_words(e->json, "post", q, nq);
		json_origin(e->json, file, line);
		json_object_end(e->json);
		return;
	}
	printf("    softdep %s", config_softdep_get_name(l));
	if (np > 0)
		printf(" pre:");
	for (unsigned int i = 0; i < np; i++)
		printf(" %s", p[i]);
	if (nq > 0)
		printf(" post:");
	for (unsigned int i = 0; i < nq; i++)
		printf(" %s", q[i]);
	print_origin(file, line);
	if (e->o->remove)
		printf(": post modules are removed before it, pre modules after");
	else
		printf(": pre modules are loaded before it, post modules after");
	if (e->o->ignore_commands)
		printf(" (not followed for the operand with -i)");
	putchar('\n');
}

static void explain_weakdep(struct explain *e, struct kmod_module *mod)
{
	const struct kmod_list *l = matching_line(e, ctx_get_config(e->ctx)->weakdeps,
						  mod->name, config_weakdep_get_name,
						  "weakdep");
	const char *const *w;
	unsigned int n = 0, line = 0;
	const char *file;

	if (l == NULL)
		return;
	file = config_entry_get_origin(l, &line);
	w = config_weakdep_get_weak(l, &n);
	if (e->json != NULL) {
		json_words(e->json, "modules", w, n);
		json_origin(e->json, file, line);
		json_object_end(e->json);
		return;
	}
	printf("    weakdep %s", config_weakdep_get_name(l));
	for (unsigned int i = 0; i < n; i++)
		printf(" %s", w[i]);
	print_origin(file, line);
	printf(": reported for initramfs tools, never loaded by modprobe\n");
}

/* install (or remove) command: whether it replaces the insertion (removal). */
static void explain_command(struct explain *e, struct kmod_module *mod, bool operand,
			    bool softdep_resolves)
{
	const struct kmod_config *config = ctx_get_config(e->ctx);
	const struct kmod_list *l = first_match(e->o->remove ? config->remove_commands :
							       config->install_commands,
						mod->name, config_command_get_modname);
	const char *word = e->o->remove ? "remove" : "install";
	unsigned int line = 0;
	const char *file, *why;
	bool runs = false;

	if (l == NULL) {
		if (e->json != NULL) {
			json_key(e->json, word);
			json_null(e->json);
		}
		return;
	}
	file = config_entry_get_origin(l, &line);
	if (e->o->ignore_commands && (operand || e->o->remove)) {
		why = e->o->remove ? "not run: --ignore-remove" :
				     "not run: --ignore-install";
	} else if (!e->o->remove && softdep_resolves) {
		why = "not run: the module's softdep names modules to load";
	} else {
		runs = true;
		why = e->o->remove ? "runs instead of removing the module" :
				     "runs instead of inserting the module";
	}
	if (e->json != NULL) {
		json_key(e->json, word);
		json_object_begin(e->json);
		json_member_string(e->json, "command", config_command_get_command(l));
		json_origin(e->json, file, line);
		json_member_bool(e->json, "runs", runs);
		json_member_string(e->json, "reason", why);
		json_object_end(e->json);
		return;
	}
	printf("    %s %s", word, config_command_get_command(l));
	print_origin(file, line);
	printf(": %s\n", why);
}

/* ---- load order ---------------------------------------------------------------------- */

struct action {
	struct kmod_module *mod;
	bool install;
	char *options;
};

/* What a dry-run probe would do, reached through its context's user data. */
struct plan {
	struct action *v;
	size_t n;
};

static void collect_action(struct kmod_module *m, bool install, const char *options)
{
	struct plan *plan = kmod_get_userdata(m->ctx);
	struct action *tmp = realloc(plan->v, (plan->n + 1) * sizeof(*tmp));

	if (tmp == NULL)
		return; /* the order printed is short; nothing else is lost */
	plan->v = tmp;
	tmp[plan->n].options = strdup(options != NULL ? options : "");
	if (tmp[plan->n].options == NULL)
		return;
	tmp[plan->n].mod = kmod_module_ref(m);
	tmp[plan->n].install = install;
	plan->n++;
}

static void plan_release(struct plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		kmod_module_unref(plan->v[i].mod);
		free(plan->v[i].options);
	}
	free(plan->v);
}

static bool in_list(const struct kmod_list *list, const struct kmod_module *mod)
{
	const struct kmod_list *l;

	kmod_list_foreach (l, list) {
		if (streq(((const struct kmod_module *)l->data)->name, mod->name))
			return true;
	}
	return false;
}

/* The option string without the trailing blanks option merging may leave. */
static int trimmed_len(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == ' ')
		len--;
	return (int)len;
}

/* The JSON word of a role the text spells out. */
static const char *role_key(const char *role)
{
	static const char *const keys[][2] = {
		{ "the operand", "operand" },
		{ "soft dependency", "softdep" },
		{ "pre soft dependency", "pre-softdep" },
		{ "post soft dependency", "post-softdep" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (streq(role, keys[i][0]))
			return keys[i][1];
	}
	return role; /* "dependency", "holder" */
}

static void print_step(struct explain *e, size_t n, const char *action,
		       struct kmod_module *m, const char *what, const char *options,
		       const char *role, const char *note)
{
	if (e->json != NULL) {
		json_object_begin(e->json);
		json_member_string(e->json, "action", action);
		json_member_string(e->json, "module", m->name);
		json_member_string(e->json, "path", kmod_module_get_path(m));
		json_member_string(e->json, "command",
				   streq(action, "install") || streq(action, "remove") ?
					   what :
					   NULL);
		json_key(e->json, "options");
		if (options != NULL)
			json_string_len(e->json, options, (size_t)trimmed_len(options));
		else
			json_null(e->json);
		json_member_string(e->json, "role", role_key(role));
		json_member_string(e->json, "note", note);
		json_object_end(e->json);
		return;
	}
	printf("      %zu. %s %s", n, action, what);
	if (options != NULL && trimmed_len(options) > 0)
		printf(" %.*s", trimmed_len(options), options);
	printf(" (%s%s%s)\n", role, note != NULL ? "; " : "", note != NULL ? note : "");
}

char *modprobe_command_with_options(const char *cmd, const char *options)
{
	static const char token[] = "$CMDLINE_OPTS";
	struct strbuf buf;
	const char *p;

	strbuf_init(&buf);
	while ((p = strstr(cmd, token)) != NULL) {
		if (!strbuf_pushmem(&buf, cmd, (size_t)(p - cmd)) ||
		    !strbuf_pushchars(&buf, options))
			goto fail;
		cmd = p + STRLEN(token);
	}
	if (!strbuf_pushchars(&buf, cmd))
		goto fail;
	return strbuf_steal(&buf);
fail:
	strbuf_release(&buf);
	return NULL;
}

/* Step n of the load order of mod (deps: mod's dependencies). */
static void load_step(struct explain *e, size_t n, const struct action *a,
		      const struct kmod_module *mod, const struct kmod_list *deps)
{
	int state = kmod_module_get_initstate(a->mod);
	bool loaded = !e->o->ignore_loaded &&
		      (state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN);
	const char *role = a->mod == mod	 ? "the operand" :
			   in_list(deps, a->mod) ? "dependency" :
						   "soft dependency";
	const char *action, *what;
	_cleanup_free_ char *command = NULL;

	if (a->install) {
		action = "install";
		what = command = modprobe_command_with_options(
			kmod_module_get_install_commands(a->mod), a->options);
		if (what == NULL)
			what = kmod_module_get_install_commands(a->mod);
	} else if (kmod_module_get_path(a->mod) != NULL) {
		action = "insmod";
		what = kmod_module_get_path(a->mod);
	} else {
		action = state == KMOD_MODULE_BUILTIN ? "builtin" : "missing";
		what = a->mod->name;
	}
	print_step(e, n, action, a->mod, what, a->install ? NULL : a->options, role,
		   loaded ? (state == KMOD_MODULE_BUILTIN ? "built in, nothing to do" :
							    "already loaded, skipped") :
			    NULL);
}

static int explain_load_order(struct explain *e, struct kmod_module *mod,
			      const char *extra)
{
	unsigned int flags = KMOD_PROBE_DRY_RUN | KMOD_PROBE_IGNORE_LOADED;
	struct kmod_list *deps = kmod_module_get_dependencies(mod);
	struct plan plan = { 0 };
	int r;

	if (e->o->ignore_commands)
		flags |= KMOD_PROBE_IGNORE_COMMAND;
	if (e->o->use_blacklist)
		flags |= KMOD_PROBE_APPLY_BLACKLIST;
	kmod_set_userdata(mod->ctx, &plan);
	r = kmod_module_probe_insert_module(mod, flags, extra, NULL, NULL,
					    collect_action);
	kmod_set_userdata(mod->ctx, NULL);
	if (e->json != NULL) {
		json_key(e->json, "order");
		json_array_begin(e->json);
	} else {
		printf("    order:\n");
	}
	for (size_t i = 0; i < plan.n; i++)
		load_step(e, i + 1, &plan.v[i], mod, deps);
	if (e->json != NULL)
		json_array_end(e->json);
	kmod_module_unref_list(deps);
	plan_release(&plan);
	if (r < 0 && e->json == NULL)
		printf("    the load would stop here: %s\n", strerror(-r));
	return r < 0 ? r : 0;
}

/* ---- removal order --------------------------------------------------------------------- */

#define REMOVE_DEPTH_MAX 8

static void mark_removed(struct explain *e, struct kmod_module *m)
{
	if (e->n_removed < ARRAY_SIZE(e->removed)) {
		e->removed[e->n_removed] = strdup(m->name);
		if (e->removed[e->n_removed] != NULL)
			e->n_removed++;
	}
}

static bool is_removed(const struct explain *e, const char *name)
{
	for (size_t i = 0; i < e->n_removed; i++) {
		if (streq(e->removed[i], name))
			return true;
	}
	return false;
}

/*
 * Whether a loaded module stays in use: a holder the removal does not take out, or
 * a reference count above its number of holders (a user other than a module).
 */
static bool still_held(const struct explain *e, struct kmod_module *m)
{
	struct kmod_list *holders = kmod_module_get_holders(m), *h;
	int refcnt = kmod_module_get_refcnt(m), n = 0;
	bool held = false;

	kmod_list_foreach (h, holders) {
		n++;
		if (!is_removed(e, ((struct kmod_module *)h->data)->name))
			held = true;
	}
	kmod_module_unref_list(holders);
	return held || refcnt > n;
}

static void remove_step(struct explain *e, size_t *n, struct kmod_module *m,
			const char *role, bool operand, int depth);

static void remove_list(struct explain *e, size_t *n, struct kmod_list *list,
			const char *role, int depth)
{
	struct kmod_list *l;

	kmod_list_foreach_reverse (l, list)
		remove_step(e, n, l->data, role, false, depth + 1);
}

/* The operand's dependencies that nothing else holds any more go too. */
static void remove_unused_deps(struct explain *e, size_t *n, struct kmod_module *m)
{
	struct kmod_list *deps = kmod_module_get_dependencies(m), *l;

	kmod_list_foreach (l, deps) {
		struct kmod_module *d = l->data;
		bool held;

		if (kmod_module_get_initstate(d) != KMOD_MODULE_LIVE)
			continue;
		held = still_held(e, d);
		print_step(e, ++*n, held ? "keep" : "rmmod", d, d->name, NULL,
			   "dependency",
			   held ? "still used by another module" :
				  "unused once the operand is gone");
		if (!held)
			mark_removed(e, d);
	}
	kmod_module_unref_list(deps);
}

/* What rmmod_do_module() in modprobe.c would do with m, in its order. */
static void remove_step(struct explain *e, size_t *n, struct kmod_module *m,
			const char *role, bool operand, int depth)
{
	struct kmod_list *pre = NULL, *post = NULL, *holders = NULL;
	const char *cmd = NULL;
	int state = kmod_module_get_initstate(m);

	if (depth > REMOVE_DEPTH_MAX || e->failed || is_removed(e, m->name))
		return;
	if (!e->o->ignore_commands) {
		(void)kmod_module_get_softdeps(m, &pre, &post);
		cmd = kmod_module_get_remove_commands(m);
	}
	if (cmd == NULL && (state < 0 || state == KMOD_MODULE_BUILTIN)) {
		bool fails = state >= 0 || e->o->first_time;

		if (operand)
			print_step(
				e, ++*n, fails ? "fail" : "nothing", m, m->name, NULL,
				role,
				state >= 0 ? "built in, cannot be removed" :
				fails ? "not loaded, --first-time makes modprobe fail" :
					"not loaded, nothing to remove");
		e->failed = operand && fails;
		goto done;
	}
	remove_list(e, n, post, "post soft dependency", depth);
	if (e->o->remove_holders) {
		holders = kmod_module_get_holders(m);
		remove_list(e, n, holders, "holder", depth);
	}
	if (e->failed)
		goto done;
	if (cmd != NULL) {
		print_step(e, ++*n, "remove", m, cmd, NULL, role, NULL);
		mark_removed(e, m);
	} else if (still_held(e, m)) {
		print_step(e, ++*n, "fail", m, m->name, NULL, role,
			   "in use by another module");
		e->failed = true;
		goto done;
	} else {
		print_step(e, ++*n, "rmmod", m, m->name, NULL, role, NULL);
		mark_removed(e, m);
	}
	if (operand && cmd == NULL)
		remove_unused_deps(e, n, m);
	remove_list(e, n, pre, "pre soft dependency", depth);
done:
	kmod_module_unref_list(holders);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
}

static void explain_remove_order(struct explain *e, struct kmod_module *mod)
{
	size_t n = 0;

	if (e->json != NULL) {
		json_key(e->json, "order");
		json_array_begin(e->json);
	} else {
		printf("    order:\n");
	}
	remove_step(e, &n, mod, "the operand", true, 0);
	if (e->json != NULL)
		json_array_end(e->json);
	for (size_t i = 0; i < e->n_removed; i++)
		free(e->removed[i]);
	e->n_removed = 0;
	e->failed = false;
}

/* ---- one module, one operand -------------------------------------------------------------- */

static int explain_module(struct explain *e, struct kmod_module *mod, const char *extra)
{
	int state = kmod_module_get_initstate(mod);
	const char *path = kmod_module_get_path(mod);
	bool stops, softdep_resolves, loaded;
	int r = 0;

	if (e->json != NULL) {
		json_object_begin(e->json);
		json_member_string(e->json, "name", mod->name);
		json_member_string(e->json, "alias", mod->alias);
		json_member_string(e->json, "path", path);
		json_member_string(e->json, "state", state_name(state));
	} else {
		printf("  module %s\n", mod->name);
		printf("    path: %s\n", path != NULL ? path : "(none)");
		printf("    state: %s\n", state < 0 ? "not loaded" : state_name(state));
	}
	stops = explain_blacklist(e, mod);
	if (!e->o->remove)
		explain_options(e, mod, extra);
	explain_softdep(e, mod, &softdep_resolves);
	explain_weakdep(e, mod);
	explain_command(e, mod, true, softdep_resolves);

	loaded = state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE;
	if (e->o->remove) {
		explain_remove_order(e, mod);
	} else if (stops) {
		if (e->json != NULL)
			json_member_string(e->json, "outcome", "blacklisted");
		else
			printf("    result: stopped by the blacklist, nothing is loaded\n");
	} else if (loaded && !e->o->ignore_loaded) {
		const char *what = state == KMOD_MODULE_BUILTIN ? "built in" :
								  "already loaded";

		if (e->json != NULL) {
			json_member_string(e->json, "outcome",
					   e->o->first_time ? "fails-loaded" : "loaded");
		} else if (e->o->first_time) {
			printf("    result: %s, --first-time makes modprobe fail\n",
			       what);
		} else {
			printf("    result: %s, nothing to do\n", what);
		}
	} else {
		if (e->json != NULL)
			json_member_string(e->json, "outcome", "load");
		r = explain_load_order(e, mod, extra);
	}
	if (e->json != NULL)
		json_object_end(e->json);
	return r;
}

/* An operand that is a path: the module of that file, no lookup. */
static int explain_path(struct explain *e, const char *arg, struct kmod_list **list)
{
	struct kmod_module *mod;
	int err = kmod_module_new_from_path(e->ctx, arg, &mod);

	if (e->json != NULL) {
		json_member_string(e->json, "name", NULL);
		json_key(e->json, "lookup");
		json_object_begin(e->json);
		json_member_string(e->json, "source", "path");
		json_key(e->json, "matches");
		json_array_begin(e->json);
		json_array_end(e->json);
		json_object_end(e->json);
	} else {
		printf("  lookup: a path, no lookup: %s\n",
		       err < 0 ? strerror(-err) : "the file itself");
	}
	if (err < 0)
		return err;
	*list = kmod_list_append(NULL, mod);
	if (*list == NULL) {
		kmod_module_unref(mod);
		return -ENOMEM;
	}
	return 0;
}

static int explain_operand(struct explain *e, const char *arg, const char *extra)
{
	struct kmod_list *list = NULL, *l;
	int err = 0;

	if (e->json != NULL) {
		json_object_begin(e->json);
		json_member_string(e->json, "argument", arg);
	} else {
		printf("%s %s\n", e->o->remove ? "remove" : "load", arg);
	}
	if (!e->o->remove && (strncmp(arg, "/", 1) == 0 || strncmp(arg, "./", 2) == 0))
		err = explain_path(e, arg, &list);
	else
		err = explain_lookup(e, arg, &list);
	if (e->json != NULL) {
		json_key(e->json, "modules");
		json_array_begin(e->json);
	}
	/* a failing load is explained, not an error */
	kmod_list_foreach (l, list)
		(void)explain_module(e, l->data, extra);
	if (e->json != NULL) {
		json_array_end(e->json);
		json_object_end(e->json);
	}
	if (err == 0 && list == NULL)
		err = -ENOENT;
	kmod_module_unref_list(list);
	return err;
}

/* The parameters as one string, separated by spaces ("" for none); NULL on ENOMEM. */
static char *join_params(char **args, int nargs)
{
	_cleanup_strbuf_ struct strbuf buf;

	strbuf_init(&buf);
	for (int i = 0; i < nargs; i++) {
		if ((i > 0 && !strbuf_pushchar(&buf, ' ')) ||
		    !strbuf_pushchars(&buf, args[i]))
			return NULL;
	}
	if (!strbuf_pushchars(&buf, ""))
		return NULL;
	return strbuf_steal(&buf);
}

int modprobe_explain(struct kmod_ctx *ctx, const struct explain_opts *opts, char **args,
		     int nargs)
{
	struct json_writer doc;
	struct explain e = { .ctx = ctx, .o = opts };
	bool single = !opts->all && !opts->remove;
	_cleanup_free_ char *extra = single ? join_params(args + 1, nargs - 1) : NULL;
	int err, ret = 0;

	if (single && extra == NULL)
		return -ENOMEM;
	if (opts->json) {
		e.json = &doc;
		json_document_begin(e.json, stdout, "modprobe");
		json_member_string(e.json, "mode", "explain");
		json_member_bool(e.json, "remove", opts->remove);
	}
	err = explain_shadowed(&e);
	if (err < 0)
		ret = err;
	if (e.json != NULL) {
		json_key(e.json, "results");
		json_array_begin(e.json);
	}
	for (int i = 0; i < (single ? 1 : nargs); i++) {
		err = explain_operand(&e, args[i], single ? extra : NULL);
		if (err < 0 && ret == 0)
			ret = err;
	}
	if (e.json != NULL && json_finish(e.json) < 0 && ret == 0)
		ret = -EIO;
	fflush(stdout);
	return ret;
}
