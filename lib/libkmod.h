/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod.h - modkit's implementation of the libkmod API (soname libkmod.so.2).
 *
 * The declarations, enum names and values match kmod 34 so that programs built
 * against kmod's header run on this library unchanged. Conventions: functions
 * returning int give 0 (or a count) on success and a negative errno on failure;
 * new objects come back through out-parameters and are released with the matching
 * unref/free function, all of which accept NULL.
 */
#pragma once
#ifndef _LIBKMOD_H_
#define _LIBKMOD_H_

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <inttypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Library context: holds the module directory, the parsed configuration and the
 * loaded indexes. One context must not be used by two threads at once.
 */
struct kmod_ctx;

/* Returns: a new context, or NULL. dirname NULL means <moduledir>/$(uname -r);
 * config_paths NULL means the default modprobe.d directories. Since: 1 */
struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths);
/* Returns: ctx with one more reference. Since: 1 */
struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx);
/* Drops a reference; the context is freed with the last. Returns: NULL. Since: 1 */
struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx);
/* Routes library messages to log_fn (priority as in syslog.h). Since: 1 */
void kmod_set_log_fn(struct kmod_ctx *ctx,
		     void (*log_fn)(void *log_data, int priority, const char *file,
				    int line, const char *fn, const char *format,
				    va_list args),
		     const void *data);
/* Returns: the highest priority that is still logged. Since: 1 */
int kmod_get_log_priority(const struct kmod_ctx *ctx);
/* Since: 1 */
void kmod_set_log_priority(struct kmod_ctx *ctx, int priority);
/* Returns: the pointer stored by kmod_set_userdata(). Since: 1 */
void *kmod_get_userdata(const struct kmod_ctx *ctx);
/* Since: 1 */
void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata);
/* Returns: the module directory this context reads. Since: 22 */
const char *kmod_get_dirname(const struct kmod_ctx *ctx);

/* Maps every index into memory so that later lookups are fast. Returns: 0 or
 * a negative errno. Since: 1 */
int kmod_load_resources(struct kmod_ctx *ctx);
/* Since: 1 */
void kmod_unload_resources(struct kmod_ctx *ctx);

enum kmod_resources {
	KMOD_RESOURCES_OK = 0,
	KMOD_RESOURCES_MUST_RELOAD = 1,
	KMOD_RESOURCES_MUST_RECREATE = 2,
};
/* Returns: whether configuration or indexes changed on disk (enum kmod_resources). Since: 1 */
int kmod_validate_resources(struct kmod_ctx *ctx);

enum kmod_index {
	KMOD_INDEX_MODULES_DEP = 0,
	KMOD_INDEX_MODULES_ALIAS,
	KMOD_INDEX_MODULES_SYMBOL,
	KMOD_INDEX_MODULES_BUILTIN_ALIAS,
	KMOD_INDEX_MODULES_BUILTIN,
	/* keeps the enum as wide as an int */
	_KMOD_INDEX_PAD = 1U << 31,
};
/* Writes the index as text to fd. Returns: 0 or a negative errno. Since: 4 */
int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd);

/*
 * Lists: every list handed out is a circular doubly linked list; a pointer to
 * the first entry stands for the whole list and NULL is the empty list.
 */
struct kmod_list;
/* Returns: the entry after curr, or NULL at the end. Since: 1 */
struct kmod_list *kmod_list_next(const struct kmod_list *list,
				 const struct kmod_list *curr);
/* Returns: the entry before curr, or NULL at the start. Since: 1 */
struct kmod_list *kmod_list_prev(const struct kmod_list *list,
				 const struct kmod_list *curr);
/* Returns: the last entry. Since: 1 */
struct kmod_list *kmod_list_last(const struct kmod_list *list);

#define kmod_list_foreach(list_entry, first_entry)         \
	for (list_entry = first_entry; list_entry != NULL; \
	     list_entry = kmod_list_next(first_entry, list_entry))

#define kmod_list_foreach_reverse(list_entry, first_entry)                 \
	for (list_entry = kmod_list_last(first_entry); list_entry != NULL; \
	     list_entry = kmod_list_prev(first_entry, list_entry))

/*
 * Configuration iterators: start before the first element, so call
 * kmod_config_iter_next() before reading a key or value.
 */
struct kmod_config_iter;
/* Since: 4 (all of the getters below, weakdeps since 33) */
struct kmod_config_iter *kmod_config_get_blacklists(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_install_commands(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_remove_commands(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx);
const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter);
const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter);
/* Returns: false when the iterator is exhausted. */
bool kmod_config_iter_next(struct kmod_config_iter *iter);
void kmod_config_iter_free_iter(struct kmod_config_iter *iter);

/*
 * Modules: one object per module name per context, reference counted.
 */
struct kmod_module;
/* Since: 1 */
int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name,
			      struct kmod_module **mod);
/* Since: 1 */
int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path,
			      struct kmod_module **mod);
/* Resolves an alias, module name or symbol:NAME into a list of modules. Since: 1 */
int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
				struct kmod_list **list);
/* Looks up a module by name only (no aliases). Since: 30 */
int kmod_module_new_from_name_lookup(struct kmod_ctx *ctx, const char *modname,
				     struct kmod_module **mod);
/* Modules listed in /proc/modules. Since: 1 */
int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list);

struct kmod_module *kmod_module_ref(struct kmod_module *mod);
struct kmod_module *kmod_module_unref(struct kmod_module *mod);
/* Unrefs every module in the list and frees the list. Returns: 0. */
int kmod_module_unref_list(struct kmod_list *list);
/* Returns: a new reference to the module an entry holds. */
struct kmod_module *kmod_module_get_module(const struct kmod_list *entry);

/* Flags of kmod_module_remove_module(). */
enum kmod_remove {
	KMOD_REMOVE_FORCE = O_TRUNC,
	KMOD_REMOVE_NOWAIT = O_NONBLOCK, /* always passed to the kernel */
	KMOD_REMOVE_NOLOG = 1,
};

/* Flags of kmod_module_insert_module(). */
enum kmod_insert {
	KMOD_INSERT_FORCE_VERMAGIC = 0x1,
	KMOD_INSERT_FORCE_MODVERSION = 0x2,
};

/* Flags of kmod_module_probe_insert_module(). */
enum kmod_probe {
	KMOD_PROBE_FORCE_VERMAGIC = 0x00001,
	KMOD_PROBE_FORCE_MODVERSION = 0x00002,
	KMOD_PROBE_IGNORE_COMMAND = 0x00004,
	KMOD_PROBE_IGNORE_LOADED = 0x00008,
	KMOD_PROBE_DRY_RUN = 0x00010,
	KMOD_PROBE_FAIL_ON_LOADED = 0x00020,

	/* which blacklist entries apply */
	KMOD_PROBE_APPLY_BLACKLIST_ALL = 0x10000,
	KMOD_PROBE_APPLY_BLACKLIST = 0x20000,
	KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY = 0x40000,
};

/* Filters of kmod_module_apply_filter(). */
enum kmod_filter {
	KMOD_FILTER_BLACKLIST = 0x00001,
	KMOD_FILTER_BUILTIN = 0x00002,
};

/* Since: 1 */
int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags);
/* Since: 1 */
int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags,
			      const char *options);
/* Loads mod with its dependencies and soft dependencies, running install
 * commands. Returns: 0, a negative errno, or a KMOD_PROBE_APPLY_BLACKLIST* value
 * when a blacklist stopped it. Since: 3 */
int kmod_module_probe_insert_module(
	struct kmod_module *mod, unsigned int flags, const char *extra_options,
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data),
	const void *data,
	void (*print_action)(struct kmod_module *m, bool install, const char *options));

const char *kmod_module_get_name(const struct kmod_module *mod);
const char *kmod_module_get_path(const struct kmod_module *mod);
const char *kmod_module_get_options(const struct kmod_module *mod);
const char *kmod_module_get_install_commands(const struct kmod_module *mod);
const char *kmod_module_get_remove_commands(const struct kmod_module *mod);
/* Returns: a list of modules (new references) mod depends on, from modules.dep. */
struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod);
int kmod_module_get_softdeps(const struct kmod_module *mod, struct kmod_list **pre,
			     struct kmod_list **post);
/* Since: 33 */
int kmod_module_get_weakdeps(const struct kmod_module *mod, struct kmod_list **weak);
/* Deprecated: use kmod_module_apply_filter(). */
int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
				       const struct kmod_list *input,
				       struct kmod_list **output)
	__attribute__((deprecated));
/* Since: 6 */
int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
			     const struct kmod_list *input, struct kmod_list **output);

/*
 * State of a module in the running kernel (/proc/modules, /sys/module).
 */
enum kmod_module_initstate {
	KMOD_MODULE_BUILTIN = 0,
	KMOD_MODULE_LIVE,
	KMOD_MODULE_COMING,
	KMOD_MODULE_GOING,
	/* keeps the enum as wide as an int */
	_KMOD_MODULE_PAD = 1U << 31,
};
const char *kmod_module_initstate_str(enum kmod_module_initstate state);
int kmod_module_get_initstate(const struct kmod_module *mod);
int kmod_module_get_refcnt(const struct kmod_module *mod);
struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod);
struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod);
const char *kmod_module_section_get_name(const struct kmod_list *entry);
unsigned long kmod_module_section_get_address(const struct kmod_list *entry);
void kmod_module_section_free_list(struct kmod_list *list);
long kmod_module_get_size(const struct kmod_module *mod);

/*
 * Information read from the module file: .modinfo, __versions, symbols.
 */
/* Returns: the number of entries, or a negative errno. */
int kmod_module_get_info(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_info_get_key(const struct kmod_list *entry);
const char *kmod_module_info_get_value(const struct kmod_list *entry);
void kmod_module_info_free_list(struct kmod_list *list);

int kmod_module_get_versions(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_version_get_symbol(const struct kmod_list *entry);
uint64_t kmod_module_version_get_crc(const struct kmod_list *entry);
void kmod_module_versions_free_list(struct kmod_list *list);

int kmod_module_get_symbols(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry);
uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry);
void kmod_module_symbols_free_list(struct kmod_list *list);

enum kmod_symbol_bind {
	KMOD_SYMBOL_NONE = '\0',
	KMOD_SYMBOL_LOCAL = 'L',
	KMOD_SYMBOL_GLOBAL = 'G',
	KMOD_SYMBOL_WEAK = 'W',
	KMOD_SYMBOL_UNDEF = 'U'
};

int kmod_module_get_dependency_symbols(const struct kmod_module *mod,
				       struct kmod_list **list);
const char *kmod_module_dependency_symbol_get_symbol(const struct kmod_list *entry);
int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry);
uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry);
void kmod_module_dependency_symbols_free_list(struct kmod_list *list);

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif
