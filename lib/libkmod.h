/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod.h - modkit's implementation of the libkmod API (soname libkmod.so.2).
 *
 * The declarations, enum names and values match kmod 34 so that programs built
 * against kmod's header run on this library unchanged. Conventions: functions
 * returning int give 0 (or a count) on success and a negative errno on failure;
 * new objects come back through out-parameters and are released with the matching
 * unref/free function, all of which accept NULL.
 *
 * Every exported function is documented below in gtk-doc syntax ("name:", "@param:",
 * "Returns:", "Since:"); -Ddocs=true turns these comments into the HTML reference
 * (docs/api). "Since: N" names the symbol version node LIBKMOD_N of libkmod.sym the
 * function is exported under; the functions of the first node, LIBKMOD_5, say 1.
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

/**
 * SECTION:libkmod-context
 * @title: Library context
 * @short_description: the object every other call starts from
 *
 * A library context (#kmod_ctx) ties together the module directory of one kernel
 * release, the modprobe.d configuration read when the context was created, the
 * indexes of that directory (modules.dep.bin and friends) and a cache of module
 * objects, so that asking twice for the same module name gives the same object.
 * Messages go through a logging function that the application can replace.
 *
 * Thread safety: the library takes no locks and its reference counts are plain
 * integers. A context, and every module, list and iterator obtained from it, must
 * be used by one thread at a time; use one context per thread for parallel work.
 * Separate contexts share nothing but process-wide state that is set up once
 * (the decompression and crypto libraries, loaded on first use).
 */

/**
 * kmod_ctx:
 *
 * Opaque library context, created by kmod_new() and reference counted with
 * kmod_ref() and kmod_unref(). Module objects keep a reference on the context
 * they were created in, so the context lives until its last module is released.
 */
struct kmod_ctx;

/**
 * kmod_new:
 * @dirname: the module directory of the kernel release to work on, for example
 *   "/lib/modules/6.1.0-50-amd64"; a relative path is made absolute against the
 *   current directory. NULL means the configured module directory (by default
 *   /lib/modules) followed by the running kernel's release as uname(2) reports it.
 *   The directory is not checked here: a missing one makes later lookups fail.
 * @config_paths: NULL-terminated array of configuration paths, highest precedence
 *   first; each is a directory whose ".conf" files are read or a single file. A
 *   file name found in several directories is read from the first only. NULL
 *   means the default modprobe.d directories: /etc/modprobe.d, /run/modprobe.d,
 *   /usr/local/lib/modprobe.d, the distribution's one (by default
 *   /usr/lib/modprobe.d) and /lib/modprobe.d. An empty array reads no
 *   configuration directory.
 *
 * Creates a library context. The configuration is read right away: the files of
 * @config_paths, the modules.softdep and modules.weakdep files of the module
 * directory and the module options of the kernel command line (/proc/cmdline).
 * Missing paths and files are skipped silently; bad lines are logged and skipped.
 * The indexes are not opened here (see kmod_load_resources()).
 *
 * The log priority starts from the KMOD_LOG environment variable (a syslog
 * priority number, or "err", "info" or "debug"; ignored in set-user-ID programs),
 * LOG_ERR when unset, and messages go to standard error until kmod_set_log_fn()
 * says otherwise.
 *
 * Returns: a new context holding one reference, to be released with kmod_unref();
 *   NULL when memory runs out, when @dirname is NULL and uname(2) fails, or when a
 *   relative @dirname cannot be made absolute (getcwd(3) fails).
 *
 * Since: 1
 */
struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths);
/**
 * kmod_ref:
 * @ctx: the context; may be NULL.
 *
 * Takes one more reference on @ctx. Not atomic: see the thread-safety note of
 * this section.
 *
 * Returns: @ctx itself, or NULL when @ctx is NULL.
 *
 * Since: 1
 */
struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx);
/**
 * kmod_unref:
 * @ctx: the context; may be NULL.
 *
 * Drops one reference on @ctx. The last reference frees the context: its indexes
 * are unmapped (as by kmod_unload_resources()) and its configuration is freed, so
 * every string and configuration iterator obtained from it becomes invalid. Module
 * objects hold their own references, so a context is not freed while any module
 * created from it is alive.
 *
 * Returns: NULL when @ctx is NULL or this call released the context; otherwise
 *   @ctx, which is still referenced elsewhere.
 *
 * Since: 1
 */
struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx);
/**
 * kmod_set_log_fn:
 * @ctx: the context; NULL makes the call do nothing.
 * @log_fn: the function every message of @ctx is handed to, or NULL to drop all
 *   messages. It is called as log_fn(log_data, priority, file, line, fn, format,
 *   args): log_data is @data, priority a syslog(3) priority (LOG_ERR, LOG_INFO...),
 *   file and line the place in the library's sources, fn the name of the library
 *   function the message is about (the default logger prints it) and format and
 *   args the message, a printf(3) format ending in a newline and its arguments.
 *   It is only called for messages whose priority is at most the context's log
 *   priority (kmod_set_log_priority()).
 * @data: passed unchanged to @log_fn as its first argument; may be NULL. The
 *   library never frees it.
 *
 * Replaces the logging function of @ctx. The default one writes
 * "libkmod: PRIORITY: FUNCTION: message" to standard error.
 *
 * Since: 1
 */
void kmod_set_log_fn(struct kmod_ctx *ctx,
		     void (*log_fn)(void *log_data, int priority, const char *file,
				    int line, const char *fn, const char *format,
				    va_list args),
		     const void *data);
/**
 * kmod_get_log_priority:
 * @ctx: the context; may be NULL.
 *
 * Tells which messages @ctx logs: those whose syslog priority is numerically at
 * most the returned value (LOG_ERR logs errors and worse, LOG_DEBUG everything).
 *
 * Returns: the log priority of @ctx, or -1 when @ctx is NULL.
 *
 * Since: 1
 */
int kmod_get_log_priority(const struct kmod_ctx *ctx);
/**
 * kmod_set_log_priority:
 * @ctx: the context; NULL makes the call do nothing.
 * @priority: the highest syslog(3) priority value still logged, e.g. LOG_ERR (3),
 *   LOG_INFO (6) or LOG_DEBUG (7). Debug messages exist only in a library built
 *   with the debug-messages option.
 *
 * Sets the log priority of @ctx, replacing the one taken from KMOD_LOG by
 * kmod_new().
 *
 * Since: 1
 */
void kmod_set_log_priority(struct kmod_ctx *ctx, int priority);
/**
 * kmod_get_userdata:
 * @ctx: the context; may be NULL.
 *
 * Gives back the pointer stored with kmod_set_userdata().
 *
 * Returns: the stored pointer (NULL if none was stored), or NULL when @ctx is
 *   NULL. The library does not own it.
 *
 * Since: 1
 */
void *kmod_get_userdata(const struct kmod_ctx *ctx);
/**
 * kmod_set_userdata:
 * @ctx: the context; NULL makes the call do nothing.
 * @userdata: any pointer of the application's, or NULL. The library only stores
 *   it: it never reads or frees it.
 *
 * Attaches an application pointer to @ctx, to be read back with
 * kmod_get_userdata(), for example from a logging function.
 *
 * Since: 1
 */
void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata);
/**
 * kmod_get_dirname:
 * @ctx: the context; may be NULL.
 *
 * Tells which module directory @ctx works on: the absolute form of the directory
 * given to kmod_new(), or the one it chose for the running kernel.
 *
 * Returns: the absolute path of the module directory, without a trailing slash
 *   unless one was given; NULL when @ctx is NULL. The string belongs to @ctx and
 *   stays valid until the context is freed.
 *
 * Since: 22
 */
const char *kmod_get_dirname(const struct kmod_ctx *ctx);

/**
 * SECTION:libkmod-resources
 * @title: Indexes
 * @short_description: loading, checking and dumping the module indexes
 *
 * Lookups read the binary indexes depmod writes in the module directory:
 * modules.dep.bin, modules.alias.bin, modules.symbols.bin, modules.builtin.bin and
 * modules.builtin.alias.bin. Without kmod_load_resources() each lookup opens the
 * index it needs and closes it again; loading them keeps them mapped for the life
 * of the context, which only makes repeated lookups faster and never changes a
 * result. Long-running programs call kmod_validate_resources() to learn whether
 * the files changed on disk since.
 */

/**
 * kmod_load_resources:
 * @ctx: the context; may be NULL.
 *
 * Maps every index of the module directory into memory and keeps it mapped until
 * kmod_unload_resources() or the end of the context. Indexes already loaded stay
 * as they are; a missing modules.builtin.alias.bin (written by newer depmods only)
 * is not an error.
 *
 * Returns: 0 on success. On failure nothing stays loaded and the error is
 *   returned: -ENOENT when @ctx is NULL or an index file does not exist, another
 *   negative errno of open(2), fstat(2) or mmap(2) for a file that cannot be read,
 *   -EINVAL for a file that is not an index (not a regular file, too short, wrong
 *   magic or major version), -ENAMETOOLONG when a path would be too long, -ENOMEM.
 *
 * Since: 1
 */
int kmod_load_resources(struct kmod_ctx *ctx);
/**
 * kmod_unload_resources:
 * @ctx: the context; NULL makes the call do nothing.
 *
 * Unmaps every index loaded by kmod_load_resources(). Later lookups open the
 * indexes they need one at a time again, so this is also how a program picks up
 * indexes that depmod rewrote (see kmod_validate_resources()).
 *
 * Since: 1
 */
void kmod_unload_resources(struct kmod_ctx *ctx);

/**
 * kmod_resources:
 * @KMOD_RESOURCES_OK: nothing the context read has changed.
 * @KMOD_RESOURCES_MUST_RELOAD: an index loaded with kmod_load_resources() was
 *   rewritten or removed: unload and load the resources again.
 * @KMOD_RESOURCES_MUST_RECREATE: the configuration changed (or there is no
 *   context): drop the context and create a new one with kmod_new().
 *
 * The answers of kmod_validate_resources().
 */
enum kmod_resources {
	KMOD_RESOURCES_OK = 0,
	KMOD_RESOURCES_MUST_RELOAD = 1,
	KMOD_RESOURCES_MUST_RECREATE = 2,
};
/**
 * kmod_validate_resources:
 * @ctx: the context; may be NULL.
 *
 * Checks whether what @ctx read from disk is still current. The configuration is
 * out of date when a configuration directory or file read by kmod_new() was
 * removed or its modification time changed (adding or removing a file changes its
 * directory's). An index is out of date when it was loaded with
 * kmod_load_resources() and its file was removed or modified since; indexes that
 * are not loaded are read afresh by every lookup and need no check.
 *
 * Returns: a value of #kmod_resources, never a negative errno:
 *   KMOD_RESOURCES_MUST_RECREATE when @ctx is NULL or the configuration changed,
 *   else KMOD_RESOURCES_MUST_RELOAD when a loaded index changed, else
 *   KMOD_RESOURCES_OK.
 *
 * Since: 1
 */
int kmod_validate_resources(struct kmod_ctx *ctx);

/**
 * kmod_index:
 * @KMOD_INDEX_MODULES_DEP: modules.dep.bin: module name to its modules.dep line.
 * @KMOD_INDEX_MODULES_ALIAS: modules.alias.bin: alias pattern to module name.
 * @KMOD_INDEX_MODULES_SYMBOL: modules.symbols.bin: "symbol:NAME" to module name.
 * @KMOD_INDEX_MODULES_BUILTIN_ALIAS: modules.builtin.alias.bin: alias to built-in
 *   module name.
 * @KMOD_INDEX_MODULES_BUILTIN: modules.builtin.bin: names of built-in modules.
 *
 * The indexes kmod_dump_index() can print. The enum has a private last member
 * that only keeps it as wide as an int.
 */
enum kmod_index {
	KMOD_INDEX_MODULES_DEP = 0,
	KMOD_INDEX_MODULES_ALIAS,
	KMOD_INDEX_MODULES_SYMBOL,
	KMOD_INDEX_MODULES_BUILTIN_ALIAS,
	KMOD_INDEX_MODULES_BUILTIN,
	/*< private >*/
	_KMOD_INDEX_PAD = 1U << 31,
};
/**
 * kmod_dump_index:
 * @ctx: the context; may be NULL.
 * @type: which index to print.
 * @fd: an open file descriptor to write to; it is neither closed nor seeked.
 *
 * Writes the whole content of one index of the module directory to @fd as text,
 * one line per stored value, "KEY VALUE", keys in byte order. The lines of
 * modules.alias.bin and modules.symbols.bin start with "alias ", as in the text
 * files depmod writes next to them. The loaded index is used when there is one,
 * else the file is opened for this call only.
 *
 * Returns: 0 on success; -ENOSYS when @ctx is NULL or the index file cannot be
 *   opened or is not a valid index; -ENOENT when @type is not a #kmod_index value;
 *   the negative errno of write(2) when writing fails (the output is then
 *   incomplete); -ELOOP when the index is corrupt (its nodes loop or nest too deep);
 *   -ENOMEM.
 *
 * Since: 1
 */
int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd);

/**
 * SECTION:libkmod-list
 * @title: Lists
 * @short_description: the list type every multi-valued answer comes in
 *
 * Functions that return several results hand out a #kmod_list. The list belongs to
 * the caller, who frees it with the function that matches the function that made
 * it: kmod_module_unref_list() for lists of modules, kmod_module_info_free_list(),
 * kmod_module_versions_free_list(), kmod_module_symbols_free_list(),
 * kmod_module_dependency_symbols_free_list() and kmod_module_section_free_list()
 * for the others. An entry's content is read with the getters of that family, for
 * example kmod_module_get_module() or kmod_module_info_get_key().
 *
 * Walk a list with kmod_list_foreach() or kmod_list_foreach_reverse(), or with
 * kmod_list_next(), kmod_list_prev() and kmod_list_last().
 */

/**
 * kmod_list:
 *
 * Opaque list entry. A list is circular and doubly linked; a pointer to its first
 * entry stands for the whole list and NULL is the empty list.
 */
struct kmod_list;
/**
 * kmod_list_next:
 * @list: the first entry of the list; may be NULL.
 * @curr: the current entry, which must belong to @list; may be NULL.
 *
 * Moves one entry forward.
 *
 * Returns: the entry after @curr, or NULL when @curr is the last entry or either
 *   argument is NULL. The entry belongs to the list.
 *
 * Since: 1
 */
struct kmod_list *kmod_list_next(const struct kmod_list *list,
				 const struct kmod_list *curr);
/**
 * kmod_list_prev:
 * @list: the first entry of the list; may be NULL.
 * @curr: the current entry, which must belong to @list; may be NULL.
 *
 * Moves one entry backward.
 *
 * Returns: the entry before @curr, or NULL when @curr is the first entry or either
 *   argument is NULL. The entry belongs to the list.
 *
 * Since: 1
 */
struct kmod_list *kmod_list_prev(const struct kmod_list *list,
				 const struct kmod_list *curr);
/**
 * kmod_list_last:
 * @list: the first entry of the list; may be NULL.
 *
 * Finds the last entry in constant time.
 *
 * Returns: the last entry of @list (@list itself for a one-entry list), or NULL
 *   for the empty list. The entry belongs to the list.
 *
 * Since: 1
 */
struct kmod_list *kmod_list_last(const struct kmod_list *list);

/**
 * kmod_list_foreach:
 * @list_entry: a struct kmod_list pointer variable that visits each entry.
 * @first_entry: the list to walk (its first entry); may be NULL.
 *
 * A for statement visiting every entry of @first_entry from the first to the
 * last. The list must not be changed while it is walked.
 */
#define kmod_list_foreach(list_entry, first_entry)         \
	for (list_entry = first_entry; list_entry != NULL; \
	     list_entry = kmod_list_next(first_entry, list_entry))

/**
 * kmod_list_foreach_reverse:
 * @list_entry: a struct kmod_list pointer variable that visits each entry.
 * @first_entry: the list to walk (its first entry); may be NULL.
 *
 * A for statement visiting every entry of @first_entry from the last to the
 * first. The list must not be changed while it is walked.
 */
#define kmod_list_foreach_reverse(list_entry, first_entry)                 \
	for (list_entry = kmod_list_last(first_entry); list_entry != NULL; \
	     list_entry = kmod_list_prev(first_entry, list_entry))

/**
 * SECTION:libkmod-config
 * @title: Configuration
 * @short_description: iterating over the modprobe.d configuration of a context
 *
 * The configuration a context read when it was created (modprobe.d files,
 * modules.softdep and modules.weakdep of the module directory, module options of
 * the kernel command line) can be listed one kind of line at a time. Each
 * kmod_config_get_...() function returns a new iterator positioned before the
 * first entry: call kmod_config_iter_next() before reading a key or a value, and
 * free the iterator with kmod_config_iter_free_iter(). Entries come in the order
 * they were read: configuration files sorted by name, then the kernel command
 * line.
 *
 * An iterator reads the context's configuration in place and holds no reference
 * on the context: it must be freed before the context is.
 */

/**
 * kmod_config_iter:
 *
 * Opaque iterator over one kind of configuration line of a context.
 */
struct kmod_config_iter;
/**
 * kmod_config_get_blacklists:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "blacklist" lines, and the modprobe.blacklist= names of the
 * kernel command line. The key of each entry is the module name; the value is
 * always NULL.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_blacklists(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_install_commands:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "install" lines. The key of each entry is the module name (a
 * pattern, as written); the value is the command line.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_install_commands(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_remove_commands:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "remove" lines. The key of each entry is the module name (a
 * pattern, as written); the value is the command line.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_remove_commands(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_aliases:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "alias" lines. The key of each entry is the alias (a
 * pattern); the value is the module name it stands for.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_options:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "options" lines and the MODULE.PARAM=VALUE words of the kernel
 * command line. The key of each entry is the module name (or alias); the value is
 * the options text.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_softdeps:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "softdep" lines. The key of each entry is the module name (a
 * pattern); the value is built from the line: "pre: " followed by the pre names
 * separated by spaces when there are any, then "post: " followed by the post
 * names when there are any. As in kmod, no space separates the last pre name from
 * "post: ".
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 1
 */
struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx);
/**
 * kmod_config_get_weakdeps:
 * @ctx: the context; may be NULL.
 *
 * Iterates over the "weakdep" lines. The key of each entry is the module name (a
 * pattern); the value is the weak dependency names separated by spaces.
 *
 * Returns: a new iterator, to be freed with kmod_config_iter_free_iter(); NULL
 *   when @ctx is NULL or memory runs out.
 *
 * Since: 33
 */
struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx);
/**
 * kmod_config_iter_get_key:
 * @iter: the iterator; may be NULL.
 *
 * Reads the key of the current entry (what the key is depends on the function
 * that made @iter).
 *
 * Returns: the key, or NULL when @iter is NULL or not on an entry (before the
 *   first kmod_config_iter_next() or after the last). The string belongs to the
 *   context's configuration and stays valid as long as the context.
 *
 * Since: 1
 */
const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter);
/**
 * kmod_config_iter_get_value:
 * @iter: the iterator; may be NULL.
 *
 * Reads the value of the current entry (what the value is depends on the function
 * that made @iter).
 *
 * Returns: the value, or NULL when @iter is NULL, not on an entry, made by
 *   kmod_config_get_blacklists() (blacklist lines have no value), or when memory
 *   runs out building a softdep or weakdep value. A softdep or weakdep value is
 *   built by this call and belongs to @iter: it stays valid until the next call of
 *   this function, kmod_config_iter_next() or kmod_config_iter_free_iter() on
 *   @iter. Any other value belongs to the context's configuration and stays valid
 *   as long as the context.
 *
 * Since: 1
 */
const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter);
/**
 * kmod_config_iter_next:
 * @iter: the iterator; may be NULL.
 *
 * Moves @iter to the next entry, or to the first one on the first call. Once it
 * has returned false, the next call starts over from the first entry.
 *
 * Returns: true when @iter is on an entry; false at the end of the entries, when
 *   there are none, or when @iter is NULL.
 *
 * Since: 1
 */
bool kmod_config_iter_next(struct kmod_config_iter *iter);
/**
 * kmod_config_iter_free_iter:
 * @iter: the iterator; NULL makes the call do nothing.
 *
 * Frees @iter and the value string it may hold. Keys and other values, which
 * belong to the context, are not affected.
 *
 * Since: 1
 */
void kmod_config_iter_free_iter(struct kmod_config_iter *iter);

/**
 * SECTION:libkmod-module
 * @title: Modules
 * @short_description: module objects, lookups and what the configuration says
 *
 * A #kmod_module stands for one module name in one context. Asking twice for the
 * same name gives the same object with one more reference, except that a module
 * found through an alias is a separate object that remembers the alias (options
 * lines may name the alias, and blacklisting by alias only needs to know it).
 * What a module knows is computed on first use and kept: its path and
 * dependencies from modules.dep.bin, its options and install and remove commands
 * from the configuration, whether it is built into the kernel.
 *
 * Module names are normalized: '-' becomes '_' and anything from the first '.'
 * on is dropped, so "snd-hda-intel", "snd_hda_intel" and "snd-hda-intel.ko" name
 * the same module.
 */

/**
 * kmod_module:
 *
 * Opaque module object, created by the kmod_module_new_...() functions or found in
 * lists of modules, and reference counted with kmod_module_ref() and
 * kmod_module_unref(). It holds a reference on its context.
 */
struct kmod_module;
/**
 * kmod_module_new_from_name:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @name: a module name, normalized as described in this section; may be NULL
 *   (then -ENOENT).
 * @mod: where to store the module; may be NULL (then -ENOENT). Written only on
 *   success.
 *
 * Gets the module object of a name, creating it if the context has none yet. The
 * name is not looked up anywhere: the module need not exist, and kmod_module_get_path()
 * tells later whether modules.dep knows it. Aliases are not resolved; use
 * kmod_module_new_from_lookup() for that.
 *
 * Returns: 0 with a new reference in *@mod, to be dropped with kmod_module_unref();
 *   -ENOENT when an argument is NULL, -ENAMETOOLONG when the normalized name does
 *   not fit in PATH_MAX bytes, -ENOMEM.
 *
 * Since: 1
 */
int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name,
			      struct kmod_module **mod);
/**
 * kmod_module_new_from_path:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @path: path of a module file (plain or compressed), made absolute against the
 *   current directory if relative; may be NULL (then -ENOENT). The file must exist.
 * @mod: where to store the module; may be NULL (then -ENOENT). Written only on
 *   success.
 *
 * Gets the module object of a file; its name is the normalized base name of
 * @path, and the module is known not to be built in. The file's content is not
 * read here.
 *
 * Returns: 0 with a new reference in *@mod, to be dropped with kmod_module_unref();
 *   -ENOENT when an argument is NULL or the name would not fit in PATH_MAX bytes;
 *   the negative errno of stat(2) when @path cannot be reached (e.g. -ENOENT);
 *   -EEXIST when the context already has a module of that name with another path
 *   (an error is logged); -ENOMEM.
 *
 * Since: 1
 */
int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path,
			      struct kmod_module **mod);
/**
 * kmod_module_new_from_lookup:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @given_alias: what to look for: an alias such as "pci:v00008086d...", a module
 *   name, or "symbol:NAME" for the module exporting a symbol. '-' is read as '_'
 *   outside bracket expressions. May be NULL (then -ENOENT).
 * @list: where to store the modules found; *@list must be NULL on entry. Left NULL
 *   when nothing is found.
 *
 * Resolves @given_alias the way modprobe does. The sources are tried in this order
 * and the first one that yields anything gives the whole answer: "alias" lines of
 * the configuration (patterns), modules.dep.bin (module names), modules.symbols.bin
 * (only for "symbol:" queries), "install" and "remove" lines (exact module names,
 * so a module may exist only as a command), modules.alias.bin (patterns),
 * modules.builtin.bin and modules.builtin.alias.bin. A missing index is skipped.
 * Modules found through an alias remember it (see this section).
 *
 * Returns: 0 on success, also when nothing was found (then *@list is still NULL);
 *   otherwise *@list is NULL and the error is returned: -ENOENT when @ctx or
 *   @given_alias is NULL, -ENOSYS when @list is NULL or *@list is not NULL,
 *   -EINVAL when @given_alias has an unbalanced bracket expression or is too long,
 *   -ENAMETOOLONG when a module name found is too long, -ENOMEM. The list and its
 *   module references belong to the caller: free them with kmod_module_unref_list().
 *
 * Since: 1
 */
int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
				struct kmod_list **list);
/**
 * kmod_module_new_from_name_lookup:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @modname: a module name, normalized as described in this section; may be NULL
 *   (then -ENOENT).
 * @mod: where to store the module; may be NULL (then -ENOENT). Left untouched when
 *   nothing is found, so set it to NULL beforehand.
 *
 * Looks a module up by name only: in modules.dep.bin, then among the built-in
 * modules (modules.builtin.bin, and modules.builtin.alias.bin, since a built-in
 * module may be known under another name). Configuration aliases, modules.alias
 * and symbols are not consulted, unlike kmod_module_new_from_lookup().
 *
 * The library also exports this function under the version LIBKMOD_5, as Debian
 * 12's kmod 30 did, for programs linked against that library.
 *
 * Returns: 0 on success, with a new reference in *@mod when the module was found
 *   (drop it with kmod_module_unref()) and *@mod untouched when it was not;
 *   -ENOENT when an argument is NULL, -ENAMETOOLONG when @modname is too long,
 *   -ENOMEM.
 *
 * Since: 30
 */
int kmod_module_new_from_name_lookup(struct kmod_ctx *ctx, const char *modname,
				     struct kmod_module **mod);
/**
 * kmod_module_new_from_loaded:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @list: where to store the modules; may be NULL (then -ENOENT). Overwritten on
 *   success (set to NULL when no module is loaded), so it must not hold a list.
 *
 * Lists the modules loaded in the running kernel, in the order of /proc/modules
 * (most recently loaded first). A line whose module object cannot be created is
 * skipped with an error message.
 *
 * Returns: 0 on success; -ENOENT when an argument is NULL; the negative errno of
 *   opening /proc/modules (an error is logged). The list and its module references
 *   belong to the caller: free them with kmod_module_unref_list().
 *
 * Since: 1
 */
int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list);

/**
 * kmod_module_ref:
 * @mod: the module; may be NULL.
 *
 * Takes one more reference on @mod. Not atomic: see the thread-safety note of the
 * context section.
 *
 * Returns: @mod itself, or NULL when @mod is NULL.
 *
 * Since: 1
 */
struct kmod_module *kmod_module_ref(struct kmod_module *mod);
/**
 * kmod_module_unref:
 * @mod: the module; may be NULL.
 *
 * Drops one reference on @mod. The last reference frees the module (strings
 * obtained from it become invalid), drops its references on its dependencies and
 * on its context, and removes it from the context's cache, so that the next
 * request for its name creates a new object.
 *
 * Returns: NULL when @mod is NULL or this call freed it; otherwise @mod, still
 *   referenced elsewhere.
 *
 * Since: 1
 */
struct kmod_module *kmod_module_unref(struct kmod_module *mod);
/**
 * kmod_module_unref_list:
 * @list: a list of modules; may be NULL.
 *
 * Drops the reference each entry of @list holds on its module, then frees the
 * list itself. This is how every list of modules handed out by the library is
 * released.
 *
 * Returns: 0, always.
 *
 * Since: 1
 */
int kmod_module_unref_list(struct kmod_list *list);
/**
 * kmod_module_get_module:
 * @entry: an entry of a list of modules; may be NULL.
 *
 * Reads the module an entry of a list of modules holds, taking a reference of the
 * caller's own, so the module outlives the list if needed. @entry must come from a
 * list of modules, not from any other kind of list.
 *
 * Returns: the module with one more reference, to be dropped with
 *   kmod_module_unref(); NULL when @entry is NULL.
 *
 * Since: 1
 */
struct kmod_module *kmod_module_get_module(const struct kmod_list *entry);

/**
 * SECTION:libkmod-loading
 * @title: Loading and removing
 * @short_description: inserting modules, with or without their dependencies, and
 *   removing them
 *
 * kmod_module_insert_module() and kmod_module_remove_module() are thin wrappers
 * around the finit_module(2), init_module(2) and delete_module(2) system calls for
 * one module. kmod_module_probe_insert_module() does what modprobe does: load the
 * dependencies first, honour soft dependencies, blacklists and install commands,
 * and pass the configured options. All of them need the privileges the kernel asks
 * for (CAP_SYS_MODULE).
 */

/**
 * kmod_remove:
 * @KMOD_REMOVE_FORCE: remove the module even if it is in use (O_TRUNC for
 *   delete_module(2)); only kernels built with forced unloading accept it, and it
 *   can crash the kernel.
 * @KMOD_REMOVE_NOWAIT: do not wait for the module to become unused (O_NONBLOCK).
 *   modkit always passes it to the kernel, whether set or not.
 * @KMOD_REMOVE_NOLOG: do not log an error message when removal fails.
 *
 * Flags of kmod_module_remove_module().
 */
enum kmod_remove {
	KMOD_REMOVE_FORCE = O_TRUNC,
	KMOD_REMOVE_NOWAIT = O_NONBLOCK, /* always passed to the kernel */
	KMOD_REMOVE_NOLOG = 1,
};

/**
 * kmod_insert:
 * @KMOD_INSERT_FORCE_VERMAGIC: ignore the module's version magic string.
 * @KMOD_INSERT_FORCE_MODVERSION: ignore the symbol version (CRC) checks.
 *
 * Flags of kmod_module_insert_module(). With finit_module(2) they become the
 * kernel's MODULE_INIT_IGNORE_VERMAGIC and MODULE_INIT_IGNORE_MODVERSIONS flags;
 * when the image has to go through init_module(2) instead, the vermagic string or
 * the __versions section is stripped from it.
 */
enum kmod_insert {
	KMOD_INSERT_FORCE_VERMAGIC = 0x1,
	KMOD_INSERT_FORCE_MODVERSION = 0x2,
};

/**
 * kmod_probe:
 * @KMOD_PROBE_FORCE_VERMAGIC: as KMOD_INSERT_FORCE_VERMAGIC, for every module
 *   inserted.
 * @KMOD_PROBE_FORCE_MODVERSION: as KMOD_INSERT_FORCE_MODVERSION, for every module
 *   inserted.
 * @KMOD_PROBE_IGNORE_COMMAND: do not run the install command of the module
 *   asked for (nor expand its soft dependencies): insert it directly.
 * @KMOD_PROBE_IGNORE_LOADED: do not check whether modules are already loaded:
 *   try to insert them anyway.
 * @KMOD_PROBE_DRY_RUN: only report what would be done, through the print_action
 *   callback; nothing is inserted and no command is run.
 * @KMOD_PROBE_FAIL_ON_LOADED: fail with -EEXIST when the module asked for is
 *   already loaded or built in, instead of succeeding.
 * @KMOD_PROBE_APPLY_BLACKLIST_ALL: skip every blacklisted module of the plan,
 *   dependencies included.
 * @KMOD_PROBE_APPLY_BLACKLIST: refuse the module asked for when it is
 *   blacklisted.
 * @KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY: refuse the module asked for when it is
 *   blacklisted and was found through an alias.
 *
 * Flags of kmod_module_probe_insert_module(). The three blacklist flags are also
 * the positive values it returns when a blacklist stopped it.
 */
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

/**
 * kmod_filter:
 * @KMOD_FILTER_BLACKLIST: leave out modules named by a "blacklist" line.
 * @KMOD_FILTER_BUILTIN: leave out modules built into the kernel.
 *
 * Filters of kmod_module_apply_filter(), which may be or-ed together.
 */
enum kmod_filter {
	KMOD_FILTER_BLACKLIST = 0x00001,
	KMOD_FILTER_BUILTIN = 0x00002,
};

/**
 * kmod_module_remove_module:
 * @mod: the module to remove; may be NULL (then -ENOENT).
 * @flags: an or-ed set of #kmod_remove flags.
 *
 * Asks the kernel to unload @mod with delete_module(2). Only this module is
 * removed: no dependency, no "remove" command of the configuration. The call never
 * waits for the module to become unused.
 *
 * Returns: 0 on success; -ENOENT when @mod is NULL; otherwise the negative errno
 *   of delete_module(2), e.g. -ENOENT when the module is not loaded, -EWOULDBLOCK
 *   or -EBUSY when it is in use, -EPERM without the privilege. An error message is
 *   logged unless @flags has KMOD_REMOVE_NOLOG.
 *
 * Since: 1
 */
int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags);
/**
 * kmod_module_insert_module:
 * @mod: the module to insert; may be NULL (then -ENOENT). Its path must be known:
 *   from modules.dep, or because it was created with kmod_module_new_from_path().
 * @flags: an or-ed set of #kmod_insert flags.
 * @options: the module parameters to pass, e.g. "debug=1 mode=2"; NULL passes
 *   none. The configured options are not added: see kmod_module_get_options().
 *
 * Inserts the module's file into the kernel, without its dependencies. The file is
 * handed to finit_module(2); a compressed file is handed over as it is when the
 * kernel decompresses that format itself (/sys/module/compression), otherwise, or
 * when the kernel lacks finit_module(2), the library decompresses the image and
 * uses init_module(2). The decompression library is loaded on first use.
 *
 * Returns: 0 on success; -ENOENT when @mod is NULL or has no known path (an error
 *   is logged); the negative errno of opening the file; -EINVAL for a file too
 *   short to be a module or data that does not decompress; -ENOSYS when the
 *   library needed to decompress it is missing; -ENOEXEC or -EINVAL for a file that
 *   is not a valid ELF module and -ENODATA when there is nothing to strip (only
 *   with force flags through init_module(2)); -ENOMEM; otherwise the negative errno
 *   of the system call, e.g. -EEXIST when the module is already loaded, -EPERM
 *   without the privilege, -ENOENT for an unknown symbol, -ENOEXEC or -EINVAL for
 *   an image or parameters the kernel rejects.
 *
 * Since: 1
 */
int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags,
			      const char *options);
/**
 * kmod_module_probe_insert_module:
 * @mod: the module to load; may be NULL (then -ENOENT).
 * @flags: an or-ed set of #kmod_probe flags.
 * @extra_options: module parameters added after the configured options of @mod
 *   (not of its dependencies), separated by a space; may be NULL.
 * @run_install: called instead of running an install command with system(3):
 *   run_install(m, cmdline, data) gets the module, the command with every
 *   "$CMDLINE_OPTS" replaced by the module's options, and @data; it returns 0 or
 *   a negative errno. May be NULL.
 * @data: passed unchanged to @run_install; may be NULL.
 * @print_action: when not NULL, called just before acting on each module of the
 *   plan that is not skipped as already loaded (also with KMOD_PROBE_DRY_RUN), as
 *   print_action(m, install, options): install is true when the module's install
 *   command will run rather than an insertion, options the options it gets (""
 *   when none). May be NULL.
 *
 * Loads @mod the way modprobe does. Unless KMOD_PROBE_IGNORE_LOADED is set, a
 * module already loaded or built in means success at once (or -EEXIST with
 * KMOD_PROBE_FAIL_ON_LOADED). Then the blacklist flags are checked for @mod. The
 * plan is made next: the dependencies of modules.dep, deepest first, each wrapped
 * by the modules of its "softdep" line (pre ones before it, post ones after it,
 * each expanded the same way), then @mod wrapped by its own soft dependencies. A
 * module whose soft dependencies resolved to something does not run its install
 * command. With KMOD_PROBE_APPLY_BLACKLIST_ALL the blacklisted modules are taken
 * out of the plan.
 *
 * Each module of the plan is then either skipped because it is already loaded
 * (unless KMOD_PROBE_IGNORE_LOADED), or handed to its install command, run through
 * @run_install or through "/bin/sh -c" with MODPROBE_MODULE set to its name, or
 * inserted with kmod_module_insert_module() and its options: the configured ones,
 * plus @extra_options for @mod. A failure of a module that is only a soft
 * dependency is ignored; a failure of @mod or of one of its dependencies stops the
 * probe.
 *
 * Not thread-safe beyond the rule of the context section: without @run_install an
 * install command changes the process environment (MODPROBE_MODULE) while it runs.
 *
 * Returns: 0 on success (including dry runs and modules already loaded);
 *   KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, KMOD_PROBE_APPLY_BLACKLIST or
 *   KMOD_PROBE_APPLY_BLACKLIST_ALL, a positive value, when the matching flag
 *   stopped the probe (for the last one, when every module of the plan is
 *   blacklisted); otherwise a negative errno: -ENOENT when @mod is NULL, -EEXIST
 *   with KMOD_PROBE_FAIL_ON_LOADED when @mod is already loaded, -ENOMEM, the error
 *   of kmod_module_insert_module() for @mod or a dependency, the value returned by
 *   @run_install, or -EINVAL when an install command could not be run or exited
 *   with a non-zero status.
 *
 * Since: 1
 */
int kmod_module_probe_insert_module(
	struct kmod_module *mod, unsigned int flags, const char *extra_options,
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data),
	const void *data,
	void (*print_action)(struct kmod_module *m, bool install, const char *options));

/**
 * kmod_module_get_name:
 * @mod: the module; may be NULL.
 *
 * Reads the module's normalized name.
 *
 * Returns: the name, or NULL when @mod is NULL. The string belongs to @mod and
 *   stays valid until the module is freed.
 *
 * Since: 1
 */
const char *kmod_module_get_name(const struct kmod_module *mod);
/**
 * kmod_module_get_path:
 * @mod: the module; may be NULL.
 *
 * Reads the path of the module's file: the one given to
 * kmod_module_new_from_path(), or else the one modules.dep.bin gives for its name
 * (looked up on the first call, joined to the module directory when relative).
 *
 * Returns: the absolute path, or NULL when @mod is NULL or modules.dep does not
 *   know the module (it may be built in, or not exist). The string belongs to @mod
 *   and stays valid until the module is freed.
 *
 * Since: 1
 */
const char *kmod_module_get_path(const struct kmod_module *mod);
/**
 * kmod_module_get_options:
 * @mod: the module; may be NULL.
 *
 * Collects the options the configuration gives the module: every "options" line
 * (and kernel command line options) for its name, and, for a module found through
 * an alias, for that alias too, in configuration order, joined by spaces. The
 * result is computed on the first call and kept.
 *
 * Returns: the options, or NULL when there are none, @mod is NULL or memory runs
 *   out (an error is logged). The string belongs to @mod and stays valid until the
 *   module is freed.
 *
 * Since: 1
 */
const char *kmod_module_get_options(const struct kmod_module *mod);
/**
 * kmod_module_get_install_commands:
 * @mod: the module; may be NULL.
 *
 * Finds the command of the first "install" line whose module pattern matches the
 * module's name.
 *
 * Returns: the command as written in the configuration, or NULL when there is none
 *   or @mod is NULL. The string belongs to the context's configuration and stays
 *   valid as long as the context.
 *
 * Since: 1
 */
const char *kmod_module_get_install_commands(const struct kmod_module *mod);
/**
 * kmod_module_get_remove_commands:
 * @mod: the module; may be NULL.
 *
 * Finds the command of the first "remove" line whose module pattern matches the
 * module's name.
 *
 * Returns: the command as written in the configuration, or NULL when there is none
 *   or @mod is NULL. The string belongs to the context's configuration and stays
 *   valid as long as the context.
 *
 * Since: 1
 */
const char *kmod_module_get_remove_commands(const struct kmod_module *mod);
/**
 * kmod_module_get_dependencies:
 * @mod: the module; may be NULL.
 *
 * Lists the modules @mod depends on according to modules.dep, all of them (not
 * only the direct ones), in the order they must be loaded: a module comes before
 * the modules that need it.
 *
 * Returns: a new list of modules, each entry holding a new reference, to be freed
 *   with kmod_module_unref_list(); NULL when @mod is NULL, has no dependencies or
 *   is not in modules.dep, or when memory or a dependency's module object cannot
 *   be had (an error is logged).
 *
 * Since: 1
 */
struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod);
/**
 * kmod_module_get_softdeps:
 * @mod: the module; may be NULL (then -ENOENT).
 * @pre: where to store the modules to load before @mod; may be NULL (then
 *   -ENOENT). *@pre must be NULL on entry: it is left as it is when no "softdep"
 *   line matches.
 * @post: where to store the modules to load after @mod; may be NULL (then
 *   -ENOENT). *@post must be NULL on entry: it is left as it is when no "softdep"
 *   line matches.
 *
 * Resolves the first "softdep" line whose module pattern matches the module's
 * name. Each name on it goes through kmod_module_new_from_lookup(), so it may give
 * several modules or none; a name whose lookup fails is skipped with an error
 * message.
 *
 * Returns: 0, also when no line matches; -ENOENT when an argument is NULL. The
 *   lists and their module references belong to the caller: free them with
 *   kmod_module_unref_list().
 *
 * Since: 1
 */
int kmod_module_get_softdeps(const struct kmod_module *mod, struct kmod_list **pre,
			     struct kmod_list **post);
/**
 * kmod_module_get_weakdeps:
 * @mod: the module; may be NULL (then -ENOENT).
 * @weak: where to store the weak dependencies; may be NULL (then -ENOENT).
 *   *@weak must be NULL on entry: it is left as it is when no "weakdep" line
 *   matches.
 *
 * Resolves the first "weakdep" line whose module pattern matches the module's
 * name. Each name on it goes through kmod_module_new_from_lookup(); a name whose
 * lookup fails is skipped with an error message. Weak dependencies are modules
 * that may be needed, which tools such as initramfs generators include; probing
 * does not load them.
 *
 * Returns: 0, also when no line matches; -ENOENT when an argument is NULL. The
 *   list and its module references belong to the caller: free them with
 *   kmod_module_unref_list().
 *
 * Since: 33
 */
int kmod_module_get_weakdeps(const struct kmod_module *mod, struct kmod_list **weak);
/**
 * kmod_module_get_filtered_blacklist:
 * @ctx: the context; may be NULL (then -ENOENT).
 * @input: a list of modules; may be NULL (the empty list).
 * @output: where to store the filtered list; may be NULL (then -ENOENT).
 *
 * The same as kmod_module_apply_filter() with KMOD_FILTER_BLACKLIST.
 *
 * Returns: what kmod_module_apply_filter() returns.
 *
 * Deprecated: 6: use kmod_module_apply_filter().
 *
 * Since: 1
 */
int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
				       const struct kmod_list *input,
				       struct kmod_list **output)
	__attribute__((deprecated));
/**
 * kmod_module_apply_filter:
 * @ctx: the context; may be NULL (then -ENOENT). Only checked for NULL: each
 *   module is judged by the configuration and indexes of its own context.
 * @filter_type: an or-ed set of #kmod_filter values; 0 filters nothing.
 * @input: a list of modules; may be NULL (the empty list). It is not changed.
 * @output: where to store the result; may be NULL (then -ENOENT). Overwritten on
 *   success, so it must not hold a list.
 *
 * Makes a new list with the modules of @input that pass the filters, in the same
 * order. A module is blacklisted when a "blacklist" line names it exactly (the
 * alias it was found through does not count); it is built in when
 * modules.builtin.bin lists it, or when it was found as a built-in module.
 *
 * Returns: 0 on success (*@output is NULL when every module was filtered out);
 *   -ENOENT when @ctx or @output is NULL; -ENOMEM (*@output untouched). The list
 *   and its new module references belong to the caller: free them with
 *   kmod_module_unref_list().
 *
 * Since: 6
 */
int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
			     const struct kmod_list *input, struct kmod_list **output);

/**
 * SECTION:libkmod-kernel
 * @title: Loaded modules
 * @short_description: what the running kernel says about a module
 *
 * These functions read /proc/modules and the module's directory in /sys/module
 * every time they are called: nothing is cached, and the answer concerns the
 * running kernel whatever module directory the context was made for.
 */

/**
 * kmod_module_initstate:
 * @KMOD_MODULE_BUILTIN: the module is built into the kernel.
 * @KMOD_MODULE_LIVE: the module is loaded and running.
 * @KMOD_MODULE_COMING: the module is being loaded (its initialization runs).
 * @KMOD_MODULE_GOING: the module is being removed.
 *
 * States of a module in the running kernel, see kmod_module_get_initstate().
 * The enum has a private last member that only keeps it as wide as an int.
 */
enum kmod_module_initstate {
	KMOD_MODULE_BUILTIN = 0,
	KMOD_MODULE_LIVE,
	KMOD_MODULE_COMING,
	KMOD_MODULE_GOING,
	/*< private >*/
	_KMOD_MODULE_PAD = 1U << 31,
};
/**
 * kmod_module_initstate_str:
 * @state: a state, as returned by kmod_module_get_initstate().
 *
 * Names a state as /sys/module does.
 *
 * Returns: "builtin", "live", "coming" or "going", a static string; NULL for a
 *   value that is not a state (such as a negative errno).
 *
 * Since: 1
 */
const char *kmod_module_initstate_str(enum kmod_module_initstate state);
/**
 * kmod_module_get_initstate:
 * @mod: the module; may be NULL (then -ENOENT).
 *
 * Tells whether the module is built in or in which state the kernel has it. A
 * module is built in when modules.builtin.bin of the context's module directory
 * lists it (or it was found as a built-in module); otherwise
 * /sys/module/NAME/initstate is read. A directory /sys/module/NAME without that
 * file means the module is still coming.
 *
 * Returns: a #kmod_module_initstate value, or a negative errno: -ENOENT when @mod
 *   is NULL or the module is not loaded, another negative errno of open(2) or
 *   read(2), -EINVAL for an initstate the library does not know (an error is
 *   logged), -ENAMETOOLONG for a name too long for a path.
 *
 * Since: 1
 */
int kmod_module_get_initstate(const struct kmod_module *mod);
/**
 * kmod_module_get_refcnt:
 * @mod: the module; may be NULL (then -ENOENT).
 *
 * Reads how many users the kernel counts for the loaded module, from
 * /sys/module/NAME/refcnt.
 *
 * Returns: the reference count, or a negative errno: -ENOENT when @mod is NULL or
 *   the file does not exist (module not loaded, built in, or a kernel that cannot
 *   unload modules), another negative errno of open(2) or read(2), -EINVAL when
 *   the file does not hold a number, -ERANGE when it does not fit in an int,
 *   -ENAMETOOLONG for a name too long for a path.
 *
 * Since: 1
 */
int kmod_module_get_refcnt(const struct kmod_module *mod);
/**
 * kmod_module_get_holders:
 * @mod: the module; may be NULL.
 *
 * Lists the loaded modules that use @mod, from /sys/module/NAME/holders.
 *
 * Returns: a new list of modules, each entry holding a new reference, to be freed
 *   with kmod_module_unref_list(); NULL when there are no holders, when @mod is
 *   NULL, or when the directory cannot be read (e.g. the module is not loaded) or
 *   memory runs out (an error is logged).
 *
 * Since: 1
 */
struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod);
/**
 * kmod_module_get_sections:
 * @mod: the module; may be NULL.
 *
 * Lists the ELF sections of the loaded module with their load addresses, from the
 * files of /sys/module/NAME/sections. The kernel shows the real addresses to
 * privileged readers only; others read zeros. Read each entry with
 * kmod_module_section_get_name() and kmod_module_section_get_address().
 *
 * Returns: a new list to be freed with kmod_module_section_free_list(); NULL when
 *   @mod is NULL, or when the directory or one of its files cannot be read, a file
 *   does not hold a hexadecimal address, or memory runs out (an error is logged).
 *
 * Since: 1
 */
struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod);
/**
 * kmod_module_section_get_name:
 * @entry: an entry of a list made by kmod_module_get_sections(); may be NULL.
 *
 * Reads the name of a section, such as ".text".
 *
 * Returns: the section name, or NULL when @entry is NULL. The string belongs to the
 *   list and stays valid until kmod_module_section_free_list().
 *
 * Since: 1
 */
const char *kmod_module_section_get_name(const struct kmod_list *entry);
/**
 * kmod_module_section_get_address:
 * @entry: an entry of a list made by kmod_module_get_sections(); may be NULL.
 *
 * Reads the address the section was loaded at.
 *
 * Returns: the address, or (unsigned long)-1 when @entry is NULL.
 *
 * Since: 1
 */
unsigned long kmod_module_section_get_address(const struct kmod_list *entry);
/**
 * kmod_module_section_free_list:
 * @list: a list made by kmod_module_get_sections(); may be NULL.
 *
 * Frees the list and its entries' data.
 *
 * Since: 1
 */
void kmod_module_section_free_list(struct kmod_list *list);
/**
 * kmod_module_get_size:
 * @mod: the module; may be NULL (then -ENOENT).
 *
 * Reads the size in memory of the loaded module: /sys/module/NAME/coresize, or on
 * kernels without it the size field of the module's line in /proc/modules.
 *
 * Returns: the size in bytes (0 when coresize exists but cannot be read, after an
 *   error message), or a negative errno: -ENOENT when @mod is NULL, when
 *   /sys/module/NAME does not exist (the module is not loaded or is built in
 *   without parameters), or when /proc/modules has no valid line for it; another
 *   negative errno of opening /sys/module/NAME or /proc/modules; -ENAMETOOLONG for
 *   a name too long for a path.
 *
 * Since: 1
 */
long kmod_module_get_size(const struct kmod_module *mod);

/**
 * SECTION:libkmod-info
 * @title: Module information
 * @short_description: .modinfo, symbol versions and symbols read from a module file
 *
 * These functions read the module's file, decompressing it if needed (the
 * decompression library is loaded on first use), or for a built-in module its
 * entry in modules.builtin.modinfo. Each returns a list of copies that belongs to
 * the caller and stays valid after the module is freed, until it is released with
 * the matching free function. Results are appended to the list passed in, which is
 * normally NULL.
 *
 * Common errors: -ENOENT when the module has no known path (see
 * kmod_module_get_path()) or its file does not exist, another negative errno of
 * opening or reading the file, -EINVAL for a file too short or that does not
 * decompress, -ENOSYS when the decompression library is missing, -ENOEXEC when the
 * image is not ELF and -EINVAL when its ELF headers or a section it needs are
 * malformed, -ENOMEM.
 */

/**
 * kmod_module_get_info:
 * @mod: the module; may be NULL (then -ENOENT).
 * @list: where the entries are appended; may be NULL (then -ENOENT). *@list is
 *   normally NULL; it is left untouched on failure.
 *
 * Reads the key=value strings of the module's .modinfo section (for a built-in
 * module, its entries of modules.builtin.modinfo), in file order; a string without
 * '=' gives an empty value. For a signed module the signature entries follow, as
 * modinfo prints them: sig_id, signer, sig_key, sig_hashalgo and signature, the
 * key identifier and the signature as colon-separated hexadecimal bytes with a line
 * break and two tabs after every 20th byte. The values of a PKCS#7 signature are
 * decoded with libcrypto, loaded the first time such a value is read; what cannot
 * be decoded reads as an empty value, and sig_key and signature are left out when
 * the signature carries none.
 *
 * Returns: the number of entries appended (0 when there are none), or a negative
 *   errno: -ENOENT when an argument is NULL, the common errors of this section,
 *   -ENODATA when the file has no .modinfo section, or for a built-in module the
 *   negative errno of opening modules.builtin.modinfo (-ENOENT when it is
 *   missing). Free the list with kmod_module_info_free_list().
 *
 * Since: 1
 */
int kmod_module_get_info(const struct kmod_module *mod, struct kmod_list **list);
/**
 * kmod_module_info_get_key:
 * @entry: an entry of a list made by kmod_module_get_info(); may be NULL.
 *
 * Reads the key of a .modinfo entry, such as "alias" or "depends".
 *
 * Returns: the key, or NULL when @entry is NULL. The string belongs to the list
 *   and stays valid until kmod_module_info_free_list().
 *
 * Since: 1
 */
const char *kmod_module_info_get_key(const struct kmod_list *entry);
/**
 * kmod_module_info_get_value:
 * @entry: an entry of a list made by kmod_module_get_info(); may be NULL.
 *
 * Reads the value of a .modinfo entry. The first read of a PKCS#7 signature value
 * decodes the signature, which modifies the list: the thread-safety rule of the
 * context section applies to the list.
 *
 * Returns: the value (possibly empty), or NULL when @entry is NULL. The string
 *   belongs to the list and stays valid until kmod_module_info_free_list().
 *
 * Since: 1
 */
const char *kmod_module_info_get_value(const struct kmod_list *entry);
/**
 * kmod_module_info_free_list:
 * @list: a list made by kmod_module_get_info(); may be NULL.
 *
 * Frees the list and every key and value of it.
 *
 * Since: 1
 */
void kmod_module_info_free_list(struct kmod_list *list);

/**
 * kmod_module_get_versions:
 * @mod: the module; may be NULL (then -ENOENT).
 * @list: where the entries are appended; may be NULL (then -ENOENT). *@list is
 *   normally NULL; it is left untouched on failure.
 *
 * Reads the symbol version records of the module's __versions section: the
 * symbols it imports, each with the CRC it expects. A leading '.' of a name (ppc64
 * function descriptors) is dropped.
 *
 * Returns: the number of entries appended, or a negative errno: -ENOENT when an
 *   argument is NULL, the common errors of this section, -ENODATA when the module
 *   has no __versions section. Free the list with kmod_module_versions_free_list().
 *
 * Since: 1
 */
int kmod_module_get_versions(const struct kmod_module *mod, struct kmod_list **list);
/**
 * kmod_module_version_get_symbol:
 * @entry: an entry of a list made by kmod_module_get_versions(); may be NULL.
 *
 * Reads the symbol name of a version record.
 *
 * Returns: the symbol name, or NULL when @entry is NULL. The string belongs to the
 *   list and stays valid until kmod_module_versions_free_list().
 *
 * Since: 1
 */
const char *kmod_module_version_get_symbol(const struct kmod_list *entry);
/**
 * kmod_module_version_get_crc:
 * @entry: an entry of a list made by kmod_module_get_versions(); may be NULL.
 *
 * Reads the CRC of a version record.
 *
 * Returns: the CRC, or 0 when @entry is NULL.
 *
 * Since: 1
 */
uint64_t kmod_module_version_get_crc(const struct kmod_list *entry);
/**
 * kmod_module_versions_free_list:
 * @list: a list made by kmod_module_get_versions(); may be NULL.
 *
 * Frees the list and its entries' data.
 *
 * Since: 1
 */
void kmod_module_versions_free_list(struct kmod_list *list);

/**
 * kmod_module_get_symbols:
 * @mod: the module; may be NULL (then -ENOENT).
 * @list: where the entries are appended; may be NULL (then -ENOENT). *@list is
 *   normally NULL; it is left untouched on failure.
 *
 * Reads the symbols the module exports, each with its CRC: from the module's
 * __crc_ symbols, or when it has none, from its __ksymtab_strings section (then
 * with CRC 0).
 *
 * Returns: the number of entries appended, or a negative errno: -ENOENT when an
 *   argument is NULL, the common errors of this section, -ENODATA when the module
 *   has neither __crc_ symbols nor a __ksymtab_strings section. Free the list with
 *   kmod_module_symbols_free_list().
 *
 * Since: 1
 */
int kmod_module_get_symbols(const struct kmod_module *mod, struct kmod_list **list);
/**
 * kmod_module_symbol_get_symbol:
 * @entry: an entry of a list made by kmod_module_get_symbols(); may be NULL.
 *
 * Reads the name of an exported symbol.
 *
 * Returns: the symbol name, or NULL when @entry is NULL. The string belongs to the
 *   list and stays valid until kmod_module_symbols_free_list().
 *
 * Since: 1
 */
const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry);
/**
 * kmod_module_symbol_get_crc:
 * @entry: an entry of a list made by kmod_module_get_symbols(); may be NULL.
 *
 * Reads the CRC of an exported symbol.
 *
 * Returns: the CRC (0 for a module built without symbol versions), or 0 when
 *   @entry is NULL.
 *
 * Since: 1
 */
uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry);
/**
 * kmod_module_symbols_free_list:
 * @list: a list made by kmod_module_get_symbols(); may be NULL.
 *
 * Frees the list and its entries' data.
 *
 * Since: 1
 */
void kmod_module_symbols_free_list(struct kmod_list *list);

/**
 * kmod_symbol_bind:
 * @KMOD_SYMBOL_NONE: no binding (also what a NULL entry reads as).
 * @KMOD_SYMBOL_LOCAL: local symbol.
 * @KMOD_SYMBOL_GLOBAL: global symbol.
 * @KMOD_SYMBOL_WEAK: weak undefined symbol: the module loads without it.
 * @KMOD_SYMBOL_UNDEF: undefined symbol the module needs.
 *
 * Binding of a symbol, as kmod_module_dependency_symbol_get_bind() returns it.
 * Dependency symbols are either KMOD_SYMBOL_UNDEF or KMOD_SYMBOL_WEAK.
 */
enum kmod_symbol_bind {
	KMOD_SYMBOL_NONE = '\0',
	KMOD_SYMBOL_LOCAL = 'L',
	KMOD_SYMBOL_GLOBAL = 'G',
	KMOD_SYMBOL_WEAK = 'W',
	KMOD_SYMBOL_UNDEF = 'U'
};

/**
 * kmod_module_get_dependency_symbols:
 * @mod: the module; may be NULL (then -ENOENT).
 * @list: where the entries are appended; may be NULL (then -ENOENT). *@list is
 *   normally NULL; it is left untouched on failure.
 *
 * Reads the symbols the module needs from the kernel or other modules: the
 * undefined symbols of its symbol table, each with the CRC its __versions section
 * records for it (0 if none) and its binding, followed by the __versions records
 * that match no undefined symbol.
 *
 * Returns: the number of entries appended, or a negative errno: -ENOENT when an
 *   argument is NULL, the common errors of this section, -ENODATA when the module
 *   has no symbol table. Free the list with
 *   kmod_module_dependency_symbols_free_list().
 *
 * Since: 1
 */
int kmod_module_get_dependency_symbols(const struct kmod_module *mod,
				       struct kmod_list **list);
/**
 * kmod_module_dependency_symbol_get_symbol:
 * @entry: an entry of a list made by kmod_module_get_dependency_symbols(); may be
 *   NULL.
 *
 * Reads the name of a needed symbol.
 *
 * Returns: the symbol name, or NULL when @entry is NULL. The string belongs to the
 *   list and stays valid until kmod_module_dependency_symbols_free_list().
 *
 * Since: 1
 */
const char *kmod_module_dependency_symbol_get_symbol(const struct kmod_list *entry);
/**
 * kmod_module_dependency_symbol_get_bind:
 * @entry: an entry of a list made by kmod_module_get_dependency_symbols(); may be
 *   NULL.
 *
 * Reads the binding of a needed symbol.
 *
 * Returns: a #kmod_symbol_bind value (KMOD_SYMBOL_UNDEF or KMOD_SYMBOL_WEAK), or
 *   KMOD_SYMBOL_NONE (0) when @entry is NULL.
 *
 * Since: 1
 */
int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry);
/**
 * kmod_module_dependency_symbol_get_crc:
 * @entry: an entry of a list made by kmod_module_get_dependency_symbols(); may be
 *   NULL.
 *
 * Reads the CRC the module expects for a needed symbol.
 *
 * Returns: the CRC (0 when the module records none for it), or 0 when @entry is
 *   NULL.
 *
 * Since: 1
 */
uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry);
/**
 * kmod_module_dependency_symbols_free_list:
 * @list: a list made by kmod_module_get_dependency_symbols(); may be NULL.
 *
 * Frees the list and its entries' data.
 *
 * Since: 1
 */
void kmod_module_dependency_symbols_free_list(struct kmod_list *list);

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif
