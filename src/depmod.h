/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * depmod: builds the module indexes of one kernel version (formats.md 1.10, 2).
 *
 * The work is a pipeline of stages, each in its own file:
 *   config  (depmod-config.c)  depmod.d: search order, overrides, externals, excludes
 *   scan    (depmod-scan.c)    directory walk, name collisions, modules.order ordering
 *   cache   (depmod-cache.c)   results of earlier parses, reused for unchanged files
 *   parse   (depmod-parse.c)   decompress + ELF + .modinfo of every module the cache
 *                              did not give, in parallel; a worker only ever writes
 *                              the slot of the module it took
 *   resolve (depmod-resolve.c) symbol table, dependency edges, topological numbering
 *   write   (depmod-write.c)   the text files and .bin indexes, each via a temp file
 *
 * Everything after the parse stage runs single-threaded in module-index order, so the
 * output depends neither on the thread count nor on the order workers finish in.
 *
 * This header is the interface of the stages, built as one library: the tool runs
 * depmod_run() on its options; the stage tests and the fuzz targets drive the stages
 * one by one on a struct depmod. What the stages share only among themselves is in
 * depmod-internal.h (and depmod-cache.h). Messages go through the tool's logging
 * (log.h). Functions returning int give 0 or a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/array.h"
#include "lib/kmod-elf.h"
#include "lib/util.h"
/* depmod reports through the tool's messages: the library headers it includes do
 * not define the library's logging macros (docs/layers.md) */
#include "log.h"

struct hash;
struct depmod_cache;
struct depmod_cache_ops;
struct depmod;

/* ---- depmod-run.c: one whole run ------------------------------------------------ */

/* What the command line asks for (tools.md 8). */
struct depmod_options {
	const char *kver;
	const char *root; /* -b, absolute (NULL: /) */
	const char *out_root; /* -o, absolute (NULL: the root) */
	const char *moduledir; /* -m */
	const char *const *config_paths; /* -C, NULL-terminated (NULL: the default) */
	const char *symvers; /* -E */
	const char *system_map; /* -F */
	char *const *files; /* module files of the command line (none: the whole tree) */
	size_t n_files;
	char sym_prefix; /* -P (0: none) */
	int verbose; /* -v count */
	bool all; /* -a */
	bool quick; /* -A */
	bool warn; /* -w */
	bool errsyms; /* -e */
	bool dry_run; /* -n */
	bool json; /* --json */
	bool no_cache; /* --no-cache */
	/* Called (may be NULL) when the module directory cannot be searched, before the
	 * fatal message: the tool's hints. */
	void (*scan_failed)(const struct depmod_options *o, const char *dirname);
};

/* Runs the whole pipeline; every failure is reported. */
int depmod_run(const struct depmod_options *o);
/* The stages from depmod_order() to depmod_write() on the modules scanned or added
 * (with the cache when d->use_cache). */
int depmod_pipeline(struct depmod *d, unsigned int n_threads);

/* ---- depmod-config.c ------------------------------------------------------------ */

enum depmod_search_kind {
	DEPMOD_SEARCH_DIR,
	DEPMOD_SEARCH_BUILTIN, /* "built-in": every directory not listed otherwise */
	DEPMOD_SEARCH_EXTERNAL, /* "external": the external directories */
};

struct depmod_search {
	enum depmod_search_kind kind;
	size_t len;
	char path[]; /* relative to the module dir (DEPMOD_SEARCH_DIR) */
};

struct depmod_override {
	size_t len; /* of "subdir/modname" */
	char path[];
};

struct depmod_config {
	struct array searches; /* struct depmod_search *, priority order */
	struct array overrides; /* struct depmod_override * */
	struct array externals; /* char *, absolute directories */
	struct array excludes; /* char *, entry names */
};

void depmod_config_init(struct depmod_config *cfg);
void depmod_config_release(struct depmod_config *cfg);
/* Parses one configuration stream (exposed for the tests and the fuzzer). */
int depmod_config_parse(struct depmod_config *cfg, FILE *fp, const char *filename,
			const char *kver);
/* Without any search line, the default one: "updates" first, the rest after. */
int depmod_config_default(struct depmod_config *cfg, const char *kver);

/* ---- the modules ---------------------------------------------------------------- */

/* What identifies the file a parse result came from (depmod-cache.c's key, with the
 * path and the compression). */
struct depmod_file_id {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_sec;
	int64_t ctime_sec;
	uint32_t mtime_nsec;
	uint32_t ctime_nsec;
};

struct depmod_module {
	char *path; /* absolute */
	const char *relpath; /* inside path, relative to the module dir; NULL outside */
	const char *modname; /* inside the same allocation as path */
	size_t uncrelpath_len; /* relpath up to and including ".ko" */
	uint32_t hash; /* hash_superfast(modname) */
	int search_prio; /* lower wins a name collision */
	int order; /* modules.order key (formats.md 1.10.2) */
	unsigned int idx; /* final module index */

	/* parse stage */
	int parse_err;
	bool from_cache; /* modinfo, exports and imports came from the cache */
	bool have_file_id; /* file_id is that of the file the results came from */
	uint8_t compression; /* enum kmod_file_compression_type of the file parsed */
	struct depmod_file_id file_id;
	char **modinfo; /* alias=, softdep=, weakdep= of .modinfo, one allocation */
	int n_modinfo;
	struct kmod_modversion *exports; /* elf_get_symbols() */
	int n_exports;
	struct kmod_modversion *imports; /* elf_get_dependency_symbols() */
	int n_imports;

	/* resolve stage */
	struct array deps; /* struct depmod_module *, direct, append order */
	unsigned int users;
	int dsi;
	uint32_t visit; /* closure walk stamp */
	bool in_cycle_walk;
};

/* ---- the run state ---------------------------------------------------------------- */

struct depmod {
	const char *kver;
	char *dirname; /* module dir: <basedir><moduledir>/<kver> */
	size_t dirnamelen;
	char *outdirname;
	char sym_prefix; /* 0 = none */
	int verbose;
	bool warn;
	bool errsyms;
	bool check_symvers; /* -E given: compare CRCs */
	bool dry_run;
	bool json; /* -n --json: depmod_pipeline() writes the JSON document */
	bool use_cache; /* read and write modules.depmod-cache (depmod-cache.c) */
	bool timing; /* MODKIT_DEPMOD_TIMING: each stage's wall time on stderr */
	unsigned long long timing_last; /* usec when the stage being timed began */
	FILE *out_verbose; /* where -v edge lines go (stdout) */

	struct depmod_config config;
	struct array modules; /* struct depmod_module *, scan order, then index order */
	struct hash *modules_by_name; /* modname -> struct depmod_module * */
	struct hash *symbols; /* name -> struct depmod_symbol * */
	uint32_t closure_stamp; /* the last depmod_module_closure() walk's visit mark */

	/* -E or -F: the file the kernel's symbols came from ('E' or 'F', 0: none) */
	const char *kernel_symbols_file;
	char kernel_symbols_kind;

	/* depmod-cache.c: the cache read and the one to write (NULL: none); the output
	 * directory, when the cache opened and locked it already */
	struct depmod_cache *cache;
	const struct depmod_cache_ops *cache_ops;
	bool have_outdir_fd;
	int outdir_fd;
	/* the resolve stage was not run: the cache keeps every output it feeds */
	bool resolve_skipped;
};

/* (depmod-scan.c, with the module objects) */
void depmod_init(struct depmod *d);
void depmod_release(struct depmod *d);

/* ---- depmod-scan.c ------------------------------------------------------------------ */

/* Walks the module dir and the external dirs, keeping one module per name. */
int depmod_scan(struct depmod *d);
/* Sorts d->modules into module index order and numbers them. */
int depmod_order(struct depmod *d);

/* ---- depmod-parse.c ------------------------------------------------------------------ */

/* Loads every module not already taken from the cache; failures are reported (in
 * module order) and the module keeps no symbols. */
int depmod_parse(struct depmod *d, unsigned int n_threads);

/* ---- depmod-cache.c (the stage's own calls are in depmod-cache.h) ------------------- */

/* The cache file's name in the output directory; a name starting with "modules." so
 * that whatever removes an indexes directory's modules.* files removes it too. */
#define DEPMOD_CACHE_NAME "modules.depmod-cache"

/* ---- depmod-resolve.c ----------------------------------------------------------------- */

struct depmod_symbol {
	struct depmod_module *owner; /* NULL: the kernel (-E / -F) */
	uint64_t crc;
	uint32_t hash;
	char name[];
};

/* Loads kernel symbols from Module.symvers (-E) or System.map (-F). */
int depmod_load_symvers(struct depmod *d, const char *filename);
int depmod_load_system_map(struct depmod *d, const char *filename);
/* Either of them (symvers first; neither when both are NULL), and which it was. */
int depmod_load_kernel_symbols(struct depmod *d, const char *symvers,
			       const char *system_map);
/* Builds the export table, the dependency edges and the dsi numbering. -ELOOP after
 * reporting dependency cycles. */
int depmod_resolve(struct depmod *d);
/* Frees every module's export and import arrays (the write stage needs neither). */
void depmod_drop_symbols(struct depmod *d);
/* Owned symbols in modules.symbols order (2048-bucket hash order). */
int depmod_symbols_sorted(const struct depmod *d, struct depmod_symbol ***syms,
			  size_t *n);
/* A module's modules.dep dependency list: closure sorted by dsi (caller frees *list). */
int depmod_module_closure(struct depmod *d, struct depmod_module *mod,
			  struct depmod_module ***list, size_t *n);

/* ---- depmod-write.c ---------------------------------------------------------------------- */

/* Writes every output file (or the text files to stdout when dry_run), and the cache
 * when there is one, renamed last. */
int depmod_write(struct depmod *d);
