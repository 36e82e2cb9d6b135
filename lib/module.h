/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: module, the top of the library. May use: every layer below (helpers,
 * file, elf, signature, index, config and ctx), libkmod.h. Used by the library's
 * public functions on modules and by the tools that reach into the library
 * (modprobe --explain).
 *
 * Module objects (struct kmod_module) and the name lookups that create them
 * (module.c), their .modinfo and sections (module-info.c), their state in the
 * running kernel (module-kernel.c), insertion, removal and probing
 * (module-probe.c), and builtin modules' modinfo (builtin.c). Invariants: an
 * object is created once per cache key of its context (ctx.h) and computes each
 * field on first use, so getters taking a const object may still fill it in; the
 * lookups follow kmod's order (formats.md 7.4). A module holds a reference to its
 * context and to nothing else: no module holds another (dependencies are kept as
 * paths and resolved through the context's cache on each call), so a modules.dep
 * with cycles cannot keep objects, or the context, alive.
 */

#include <stdbool.h>
#include <stddef.h>

#include "libkmod.h"

struct kmod_file;

enum module_cmd {
	MODULE_CMD_INSTALL,
	MODULE_CMD_REMOVE
};

struct kmod_module {
	struct kmod_ctx *ctx;
	char *hashkey;
	char *name;
	char *path;
	char *dep_paths; /* n_dep NUL-terminated absolute paths, line order */
	char *options;
	/* the install and remove commands (owned by the config), by enum module_cmd */
	struct {
		const char *command;
		bool known; /* 'command' above is looked up */
	} commands[2];
	char *alias; /* set when created through an alias */
	struct kmod_file *file;
	int n_dep;
	int refcount;
	struct {
		bool dep : 1;
		bool options : 1;
		bool builtin : 1; /* 'builtin' below is known */
	} init;
	bool builtin;
	bool visited; /* probe: already in the plan */
	bool ignorecmd; /* probe: run no install command for it */
	bool required; /* probe: the target or one of its hard dependencies */
};

/* The data of an entry of a list the getters hand out (module info, versions,
 * symbols, sections), NULL for a NULL entry (module.c). */
void *module_entry_data(const struct kmod_list *entry);
/* Frees such a list, each entry's data with free_data(). */
void module_list_free_data(struct kmod_list *list, void (*free_data)(void *));

/* Parses a modules.dep line ("path: dep dep...") into mod->dep. */
int module_parse_depline(struct kmod_module *mod, char *line);
void module_set_path(struct kmod_module *mod, const char *path);
/* kmod_module_get_dependencies() that says when the list is incomplete: a negative
 * errno (logged) when mod's modules.dep line names a file that cannot be resolved, or
 * memory ran out; *list is then NULL, as the public getter returns it. */
int module_get_dependencies(const struct kmod_module *mod, struct kmod_list **list);
/* Opens mod->file on demand and keeps it (freed with the module); -ENOENT when the
 * module has no path, else file_open()'s error. */
int module_get_file(const struct kmod_module *mod, struct kmod_file **file);
/* Builtin state, looked up in modules.builtin.bin on first use. */
bool module_is_builtin(const struct kmod_module *mod);
bool module_is_blacklisted(const struct kmod_module *mod);

/* The lookups of kmod_module_new_from_lookup(), one per source, in kmod's order
 * (formats.md 7.4); each appends what it finds to *list and returns the count, or
 * a negative errno. modprobe --explain calls them one by one. */
int lookup_alias_from_config(struct kmod_ctx *ctx, const char *name,
			     struct kmod_list **list);
int lookup_alias_from_moddep(struct kmod_ctx *ctx, const char *name,
			     struct kmod_list **list);
int lookup_alias_from_symbols(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list);
int lookup_alias_from_commands(struct kmod_ctx *ctx, const char *name,
			       struct kmod_list **list);
int lookup_alias_from_aliases(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list);
int lookup_alias_from_builtin(struct kmod_ctx *ctx, const char *name,
			      struct kmod_list **list);
int lookup_alias_from_builtin_aliases(struct kmod_ctx *ctx, const char *name,
				      struct kmod_list **list);

/* ---- builtin.c: modules.builtin.modinfo (formats.md 2.8) -------------------------- */

/* "key=value" strings of a builtin module, one allocation as elf_get_strings().
 * Returns the count (0 when the module has none), -errno when the file is missing. */
int builtin_get_modinfo(struct kmod_ctx *ctx, const char *modname, char ***strings);
/* The same over the file's bytes data[0..size) (need not end in NUL). */
int builtin_modinfo_parse(const char *data, size_t size, const char *modname,
			  char ***strings);
