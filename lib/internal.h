/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Library-private interfaces, grouped by the file that defines them.
 *
 * Invariants:
 *  - only the public API (libkmod.h) uses the kmod_ prefix; internal functions are
 *    named after their concern (index_, elf_, file_, sig_, conf_, ctx_, module_...);
 *  - int returns are 0/positive on success and a negative errno on failure;
 *    out-parameters are written only on success;
 *  - every parser bounds-checks against the buffer it was given: hostile input gives
 *    an error, never a read outside it.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>
#include <sys/types.h>

#include "libkmod.h"
#include "macro.h"
#include "util.h"

/* ---- list.c: the public circular doubly linked list ---------------------------- */

struct list_node {
	struct list_node *next, *prev;
};

struct kmod_list {
	struct list_node node;
	void *data;
};

/* All of these return the (possibly new) head, or NULL on allocation failure, in
 * which case the list passed in is unchanged. */
struct kmod_list *kmod_list_append(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_prepend(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_remove(struct kmod_list *list);
struct kmod_list *kmod_list_remove_data(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_remove_n_latest(struct kmod_list *list, unsigned int n);
struct kmod_list *kmod_list_append_list(struct kmod_list *list1, struct kmod_list *list2);
/* Frees the list nodes (not the data). */
void kmod_list_free(struct kmod_list *list);
size_t kmod_list_count(const struct kmod_list *list);

#define kmod_list_foreach_safe(curr, tmp, list)                               \
	for (curr = (list), tmp = kmod_list_next((list), curr); curr != NULL; \
	     curr = tmp, tmp = kmod_list_next((list), curr))

/* ---- log.c: library logging ---------------------------------------------------- */

typedef void (*kmod_log_fn)(void *data, int priority, const char *file, int line,
			    const char *fn, const char *format, va_list args);

/* The logging state of a context (struct kmod_ctx embeds one as 'log'). */
struct kmod_logger {
	kmod_log_fn fn;
	void *data;
	int priority;
};

/* Default logger: "libkmod: <LEVEL>: <fn>: <text>" on stderr. */
void log_stderr(void *data, int priority, const char *file, int line, const char *fn,
		const char *format, va_list args);
/* Priority from KMOD_LOG (number, or err/info/debug), LOG_ERR when unset. */
int log_priority_from_env(void);
int ctx_log_priority(const struct kmod_ctx *ctx);
#if ENABLE_LOGGING
void ctx_log(const struct kmod_ctx *ctx, int priority, const char *file, int line,
	     const char *fn, const char *format, ...) _printf_(6, 7);

/* ctx may be NULL: then nothing is logged (lower layers used without a context). */
#define kmod_log_cond(ctx, prio, ...)                                                  \
	do {                                                                           \
		if ((ctx) != NULL && ctx_log_priority(ctx) >= (prio))                  \
			ctx_log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__); \
	} while (0)
#else
/*
 * Built with -Dlogging=false: every message, from the macros below or from a direct
 * ctx_log() call, is a branch never taken, so no code and no message text is left
 * in the library at any optimisation level; the arguments are still checked
 * against the format.
 */
static inline _printf_(6, 7) void ctx_log_checked(const struct kmod_ctx *ctx,
						  int priority, const char *file,
						  int line, const char *fn,
						  const char *format, ...)
{
}
#define ctx_log(...)                                  \
	do {                                          \
		if (0)                                \
			ctx_log_checked(__VA_ARGS__); \
	} while (0)
#define kmod_log_cond(ctx, prio, ...) ctx_log(ctx, prio, NULL, 0, NULL, __VA_ARGS__)
#endif

#if ENABLE_DEBUG
#define DBG(ctx, ...) kmod_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#else
#define DBG(ctx, ...)                                                        \
	do {                                                                 \
		if (0)                                                       \
			ctx_log(ctx, LOG_DEBUG, NULL, 0, NULL, __VA_ARGS__); \
	} while (0)
#endif
#define INFO(ctx, ...) kmod_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define NOTICE(ctx, ...) kmod_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define WRN(ctx, ...) kmod_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define ERR(ctx, ...) kmod_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/* ---- ctx.c: the library context ------------------------------------------------ */

enum index_type {
	INDEX_MODULES_DEP = KMOD_INDEX_MODULES_DEP,
	INDEX_MODULES_ALIAS = KMOD_INDEX_MODULES_ALIAS,
	INDEX_MODULES_SYMBOL = KMOD_INDEX_MODULES_SYMBOL,
	INDEX_MODULES_BUILTIN_ALIAS = KMOD_INDEX_MODULES_BUILTIN_ALIAS,
	INDEX_MODULES_BUILTIN = KMOD_INDEX_MODULES_BUILTIN,
	_INDEX_COUNT,
};

struct index_mm;
struct kmod_config;
struct hash;

struct kmod_ctx {
	struct kmod_logger log; /* first member: log.c reads it */
	int refcount;
	const void *userdata;
	char *dirname;
	size_t dirlen;
	struct kmod_config *config;
	struct hash *modules_by_name;
	/* indexes mapped by kmod_load_resources() (NULL when not loaded) */
	struct index_mm *indexes[_INDEX_COUNT];
	unsigned long long indexes_stamp[_INDEX_COUNT];
	/* /sys/module/compression, read once (enum kmod_file_compression_type + 1; 0 = unread) */
	int kernel_compression;
};

const struct kmod_config *ctx_get_config(const struct kmod_ctx *ctx);
/* Module cache: one object per key (hashkey = name, or "name\alias" for modules found
 * through an alias). The cache does not own the modules. */
struct kmod_module *ctx_lookup_module(const struct kmod_ctx *ctx, const char *key);
int ctx_add_module(struct kmod_ctx *ctx, struct kmod_module *mod, const char *key);
void ctx_del_module(struct kmod_ctx *ctx, const char *key);
/* Index file name relative to the module dir, e.g. "modules.dep" (no .bin). */
const char *ctx_index_name(enum index_type type);
/* Opens (or reuses the loaded) index; caller closes with ctx_index_put(). */
struct index_mm *ctx_index_get(struct kmod_ctx *ctx, enum index_type type);
void ctx_index_put(struct kmod_ctx *ctx, enum index_type type, struct index_mm *idx);

/* ---- index.c: reader of the .bin trie format (formats.md 1) --------------------- */

struct index_value {
	struct index_value *next;
	unsigned int priority;
	size_t len;
	char value[]; /* NUL-terminated */
};

/* Maps filename read-only. -ENOENT etc. from open, -EINVAL (and one ERR message)
 * for a bad magic or major version. stamp (optional) gets the file's mtime stamp. */
int index_mm_open(const struct kmod_ctx *ctx, const char *filename,
		  unsigned long long *stamp, struct index_mm **out);
/* The same over a caller-owned buffer that must outlive the index (fuzzing, tests). */
int index_mm_open_mem(const struct kmod_ctx *ctx, const void *data, size_t size,
		      struct index_mm **out);
void index_mm_close(struct index_mm *idx);
/* Exact lookup: malloc'd copy of the first (lowest priority) value, or NULL. */
char *index_mm_search(const struct index_mm *idx, const char *key);
/* Wildcard lookup: all values of stored glob keys matching key, in priority order
 * (formats.md 1.9), or NULL. */
struct index_value *index_mm_searchwild(const struct index_mm *idx, const char *key);
/* Every value of the exact key (priority order), or NULL. */
struct index_value *index_mm_search_all(const struct index_mm *idx, const char *key);
void index_values_free(struct index_value *values);
/* fnmatch(pattern, string, 0) as glibc answers it in the C locale (posix: as with
 * POSIXLY_CORRECT set), in polynomial time; *steps is a work budget, -E2BIG when
 * spent. Returns 0 on a match, FNM_NOMATCH otherwise. (index-glob.c) */
int index_fnmatch(const char *pattern, const char *string, bool posix, size_t *steps);
/* Text dump: one "<prefix><key> <value>\n" per value, keys in byte order. */
int index_mm_dump(const struct index_mm *idx, int fd, const char *prefix);

/* ---- index-write.c: writer of the .bin format, kmod 34.2 layout ----------------- */

struct index_writer;
struct index_writer *index_writer_new(void);
void index_writer_free(struct index_writer *w);
/* Inserts value under key (both 7-bit ASCII, else -EINVAL). Returns 1 if the same
 * value was already present under the key (kept anyway: formats.md 1.6), 0 if not,
 * negative errno on failure. */
int index_writer_insert(struct index_writer *w, const char *key, const char *value,
			unsigned int priority);
/* Writes the whole index in pre-order (formats.md 1.7); -errno on write errors. */
int index_writer_write(const struct index_writer *w, FILE *out);

/* ---- file.c (+ file-zlib.c, file-xz.c, file-zstd.c): module files --------------- */

enum kmod_file_compression_type {
	KMOD_FILE_COMPRESSION_NONE = 0,
	KMOD_FILE_COMPRESSION_ZSTD,
	KMOD_FILE_COMPRESSION_XZ,
	KMOD_FILE_COMPRESSION_ZLIB,
};

struct kmod_file;
/* Opens filename and detects its compression from the magic bytes (formats.md 5). */
int file_open(const struct kmod_ctx *ctx, const char *filename, struct kmod_file **out);
/* Maps or decompresses the whole image (idempotent). The decompressor library is
 * dlopen()ed on first use; -ENOSYS if it is unavailable. */
int file_load_contents(struct kmod_file *file);
const void *file_get_contents(const struct kmod_file *file);
size_t file_get_size(const struct kmod_file *file);
enum kmod_file_compression_type file_get_compression(const struct kmod_file *file);
int file_get_fd(const struct kmod_file *file);
void file_free(struct kmod_file *file);
/* Name as in /sys/module/compression ("zstd", "xz", "gzip"), NULL for NONE. */
const char *file_compression_name(enum kmod_file_compression_type type);

/* Whole-image decompressors behind file_load_contents() (file-zstd.c, file-xz.c,
 * file-zlib.c): in[0..in_size) into a malloc'd *out of *out_size bytes. -ENOSYS
 * (with an ERR message) when the library is compiled out or cannot be loaded,
 * -EINVAL for corrupt or truncated data, -ENOMEM. */
int file_decompress_zstd(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size);
int file_decompress_xz(const struct kmod_ctx *ctx, const void *in, size_t in_size,
		       void **out, size_t *out_size);
int file_decompress_zlib(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size);

/* A library loaded with dlopen() on first use, once per process (pthread_once in
 * the owner calls file_dl_load()); symbol addresses are stored into a struct of
 * typed function pointers at the given offsets. Never unloaded. */
struct file_dl_symbol {
	const char *name;
	size_t offset;
};
struct file_dl {
	const char *soname;
	const struct file_dl_symbol *symbols;
	size_t n_symbols;
	void *functions; /* the struct the offsets refer to */
	int err; /* 0 once loaded, else -ENOSYS */
	char errmsg[256];
};
void file_dl_load(struct file_dl *dl);

/* ---- elf.c: module ELF parsing (formats.md 3) ----------------------------------- */

struct kmod_elf;
struct kmod_modversion {
	uint64_t crc;
	enum kmod_symbol_bind bind;
	const char *symbol;
};

/* Validates the headers; memory must outlive the elf object. -ENOEXEC if it is
 * not ELF (too short, bad magic), -EINVAL if its headers are inconsistent.
 * The getters below copy what they return (results outlive the elf and memory);
 * they give -ENODATA when a section they need is absent, -EINVAL when it is
 * malformed (outside the image, not NUL-terminated, bad size), -ENOMEM. */
int elf_new(const void *memory, size_t size, struct kmod_elf **out);
void elf_free(struct kmod_elf *elf);
/* Strings of a section split on NUL runs (.modinfo): *array is ONE allocation
 * (pointers followed by the copied strings), free() it. Returns the count; with 0
 * strings *array is NULL. */
int elf_get_strings(const struct kmod_elf *elf, const char *section, char ***array);
/* __versions records (one leading '.' of a name dropped, bind NONE). *array is one
 * allocation (free() it). Returns the count. */
int elf_get_modversions(const struct kmod_elf *elf, struct kmod_modversion **array);
/* Exported symbols (formats.md 3.4, bind NONE), one allocation. Returns the count;
 * -ENODATA when the module has neither __crc_ symbols nor __ksymtab_strings. */
int elf_get_symbols(const struct kmod_elf *elf, struct kmod_modversion **array);
/* Undefined symbols + unmatched __versions (formats.md 3.5; bind UNDEF or WEAK,
 * names as stored), one allocation (also when the count is 0). */
int elf_get_dependency_symbols(const struct kmod_elf *elf,
			       struct kmod_modversion **array);
/* Returns a malloc'd copy of the image with the formats.md 3.8 edits for
 * KMOD_INSERT_FORCE_* flags applied; -ENODATA when there is no vermagic to strip. */
int elf_strip(const struct kmod_elf *elf, unsigned int flags, void **image);

/* ---- signature.c: appended module signature (formats.md 4) ---------------------- */

struct sig_info {
	const char *id_type; /* "PKCS#7", "X509", "PGP" */
	const char *hash_algo; /* e.g. "sha256", "unknown" */
	char *signer; /* malloc'd, may be empty */
	size_t signer_len;
	char *key_id; /* malloc'd raw bytes */
	size_t key_id_len;
	char *sig; /* malloc'd raw bytes */
	size_t sig_len;
	char *hash_algo_buf; /* storage for hash_algo when computed */
};

/* Parses the trailer of a decompressed image; false if unsigned or malformed
 * (also a PKCS#7 blob libcrypto cannot decode). On success signer, key_id and sig
 * are non-NULL and NUL-terminated after their length; release with
 * sig_info_release(). libcrypto is dlopen()ed only here, only for PKCS#7; without
 * it hash_algo is "unknown" and the three byte fields are empty. */
bool sig_info_get(const void *mem, size_t size, struct sig_info *info);
void sig_info_release(struct sig_info *info);
/* Recognises the trailer as sig_info_get() does, without decoding the signature:
 * returns its id type (0 PGP, 1 X509, 2 PKCS#7) and the trailer's length from the
 * signer bytes to the end (optional), or -ENODATA when the image is not signed. */
int sig_trailer_probe(const void *mem, size_t size, size_t *trailer_len);
/* "AB:CD:..." with "\n\t\t" after every 20th byte when more follow (formats.md 4). */
char *sig_hex_format(const char *bytes, size_t len);

/* ---- conffiles.c: the one *.conf walker (modprobe.d and depmod.d, formats.md 7.1) */

struct conf_file {
	const char *name; /* basename, points into path */
	char *path; /* as opened: "<dir>/<name>", or the single-file path */
	unsigned long long stamp; /* mtime stamp (stat_mstamp) when listed */
};

/* Why conffiles_list_report() skipped a directory entry. */
enum conffiles_skip {
	CONFFILES_SKIP_NOT_CONF, /* name does not end in ".conf" (dot-files: silent) */
	CONFFILES_SKIP_STAT, /* stat() of the entry failed (err = -errno) */
	CONFFILES_SKIP_SUBDIR, /* the entry is a directory */
	CONFFILES_SKIP_PATH, /* a directory path cannot be opened (name is NULL,
				    err = -errno); non-directories are read as files */
};
/* dir is the path exactly as given (messages print "<dir>/<name>"). */
typedef void (*conffiles_report_fn)(void *data, enum conffiles_skip why, const char *dir,
				    const char *name, int err);

/*
 * Collects the files of paths (directories or single files, highest precedence
 * first), override-by-basename, sorted by name (strcmp). extra_paths (may be NULL)
 * are pseudo-files such as "<moddir>/modules.softdep": taken only if they exist,
 * placed in the sort under their basename, and ahead of every path in precedence.
 * A path that does not exist is skipped silently. Skipped entries are reported to
 * report (may be NULL); depmod uses this to print its own messages.
 * Returns 0 or -ENOMEM; *files (free with conffiles_free) and *n on success.
 */
int conffiles_list_report(const char *const *paths, const char *const *extra_paths,
			  conffiles_report_fn report, void *data,
			  struct conf_file **files, size_t *n);
/* The library's variant: reports ERR messages of kmod's wording through ctx
 * ("Directories inside directories are not supported: <dir>/<name>",
 * "Cannot stat directory entry: <dir>/<name>"); ".conf"-less names are silent. */
int conffiles_list(const struct kmod_ctx *ctx, const char *const *paths,
		   const char *const *extra_paths, struct conf_file **files, size_t *n);
void conffiles_free(struct conf_file *files, size_t n);

/* ---- config.c: modprobe.d + kernel command line -------------------------------- */

struct kmod_config {
	struct kmod_ctx *ctx;
	struct kmod_list *aliases;
	struct kmod_list *blacklists;
	struct kmod_list *options;
	struct kmod_list *remove_commands;
	struct kmod_list *install_commands;
	struct kmod_list *softdeps;
	struct kmod_list *weakdeps;
	/* paths and mtime stamps of the config paths and of the files read, for
	 * config_is_stale() (kmod_validate_resources()) */
	struct kmod_list *paths;
	/* names of the files read, which the entries' origins point to, and the place
	 * being parsed (file NULL: the kernel command line) */
	struct kmod_list *origin_files;
	const char *cur_file;
	unsigned int cur_line;
};

/* config_paths NULL = the default modprobe.d directories (formats.md 7.1); also
 * reads ctx->dirname's modules.softdep/weakdep and /proc/cmdline. -ENOMEM only:
 * missing or bad files are skipped (bad lines logged). */
int config_new(struct kmod_ctx *ctx, const char *const *config_paths,
	       struct kmod_config **out);
/* As config_new() with another kernel command line file; NULL reads none (tests). */
int config_new_full(struct kmod_ctx *ctx, const char *const *config_paths,
		    const char *cmdline_path, struct kmod_config **out);
/* Parses one modprobe.d stream into config (filename for messages). -ENOMEM only. */
int config_parse_stream(struct kmod_config *config, FILE *fp, const char *filename);
/* Parses kernel command line text (first 4095 bytes), formats.md 7.5. -ENOMEM only. */
int config_parse_kcmdline(struct kmod_config *config, const char *cmdline);
void config_free(struct kmod_config *config);
/* Accessors of the list entries. */
const char *config_alias_get_name(const struct kmod_list *l);
const char *config_alias_get_modname(const struct kmod_list *l);
const char *config_options_get_modname(const struct kmod_list *l);
const char *config_options_get_options(const struct kmod_list *l);
const char *config_command_get_modname(const struct kmod_list *l);
const char *config_command_get_command(const struct kmod_list *l);
const char *config_blacklist_get_modname(const struct kmod_list *l);
const char *config_softdep_get_name(const struct kmod_list *l);
const char *const *config_softdep_get_pre(const struct kmod_list *l, unsigned int *count);
const char *const *config_softdep_get_post(const struct kmod_list *l,
					   unsigned int *count);
const char *config_weakdep_get_name(const struct kmod_list *l);
const char *const *config_weakdep_get_weak(const struct kmod_list *l,
					   unsigned int *count);
/* Where an entry of any of the lists above was read: the file as opened (NULL for
 * the kernel command line) and *line, its first line (0 for the command line). */
const char *config_entry_get_origin(const struct kmod_list *l, unsigned int *line);
/* The default modprobe.d directories, highest precedence first, NULL-terminated. */
const char *const *config_default_paths(void);
/* true if any config file changed since it was read */
bool config_is_stale(const struct kmod_config *config);

/* ---- module.c: module objects and lookups -------------------------------------- */

struct kmod_module {
	struct kmod_ctx *ctx;
	char *hashkey;
	char *name;
	char *path;
	struct kmod_list *dep;
	char *options;
	const char *install_commands; /* owned by the config */
	const char *remove_commands; /* owned by the config */
	char *alias; /* set when created through an alias */
	struct kmod_file *file;
	int n_dep;
	int refcount;
	struct {
		bool dep : 1;
		bool options : 1;
		bool install_commands : 1;
		bool remove_commands : 1;
		bool builtin : 1; /* 'builtin' below is known */
	} init;
	bool builtin;
	bool visited; /* probe: already in the plan */
	bool ignorecmd; /* probe: run no install command for it */
	bool required; /* probe: the target or one of its hard dependencies */
};

/* Parses a modules.dep line ("path: dep dep...") into mod->dep. */
int module_parse_depline(struct kmod_module *mod, char *line);
void module_set_path(struct kmod_module *mod, const char *path);
/* Opens mod->file on demand and keeps it (freed with the module); -ENOENT when the
 * module has no path, else file_open()'s error. */
int module_get_file(const struct kmod_module *mod, struct kmod_file **file);
int module_new_from_alias(struct kmod_ctx *ctx, const char *alias, const char *name,
			  struct kmod_module **mod);
void module_set_builtin(struct kmod_module *mod, bool builtin);
/* Builtin state, looked up in modules.builtin.bin on first use. */
bool module_is_builtin(const struct kmod_module *mod);
bool module_is_blacklisted(const struct kmod_module *mod);

/* lookups in kmod's order (formats.md 7.4); each appends to *list, returns count */
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
/* modules.dep.bin value (the modules.dep line) of a name, malloc'd; NULL when the
 * name or the index is missing */
char *lookup_moddep(struct kmod_ctx *ctx, const char *name);
bool lookup_builtin(struct kmod_ctx *ctx, const char *name);

/* ---- module-probe.c: insertion, removal, probe (tools.md 10) -------------------- */

/* The one format the kernel decompresses itself (/sys/module/compression), read
 * once per context into ctx->kernel_compression; NONE when the file is missing or
 * unknown (then with kmod's ERR message). kmod 34.2 reads it in kmod_new(), so
 * ctx.c may call this there; insertion calls it otherwise on first use. */
enum kmod_file_compression_type probe_kernel_compression(struct kmod_ctx *ctx);

/* ---- builtin.c: modules.builtin.modinfo (formats.md 2.8) ----------------------- */

/* "key=value" strings of a builtin module, one allocation as elf_get_strings().
 * Returns the count (0 when the module has none), -errno when the file is missing. */
int builtin_get_modinfo(struct kmod_ctx *ctx, const char *modname, char ***strings);
/* The same over the file's bytes data[0..size) (need not end in NUL). */
int builtin_modinfo_parse(const char *data, size_t size, const char *modname,
			  char ***strings);
