/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What depmod's stages share among themselves and no caller of the library needs
 * (the interface is depmod.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "depmod.h"

struct stat;

/*
 * depmod-cache.c's part in the write stage, called through pointers: d->cache_ops is
 * set only while a new cache is being laid out, and the write stage asks nothing of
 * the cache otherwise.
 */
struct depmod_cache_ops {
	/* Whether the existing file of output name already holds exactly what this run
	 * would write: it is then left in place (and its times set to now). */
	bool (*keep)(const struct depmod *d, const char *name);
	/* Output name was written whole to the temporary file open on fd. */
	void (*written)(struct depmod *d, const char *name, int fd);
	/* Writes the cache itself (last). */
	int (*write)(struct depmod *d, FILE *out);
};

/* kmod's listing order of a hash table of 2^n buckets: the bucket (hash & mask), then
 * the name. A qsort() comparison's body. */
static inline int depmod_cmp_bucket(uint32_t ha, const char *a, uint32_t hb,
				    const char *b, uint32_t mask)
{
	if ((ha & mask) != (hb & mask))
		return (ha & mask) < (hb & mask) ? -1 : 1;
	return strcmp(a, b);
}

/* ---- depmod-config.c ------------------------------------------------------------ */

/* Reads every depmod.d file of paths (NULL: the default directories) for kernel
 * version kver. Bad lines are reported and skipped. */
int depmod_config_load(struct depmod_config *cfg, const char *const *paths,
		       const char *kver);

/* ---- depmod-scan.c ---------------------------------------------------------------- */

/* Adds one module file given on the command line (absolute path). */
int depmod_add_module_file(struct depmod *d, const char *path);
/* -A: true when modules.dep is newer than every module file. */
bool depmod_is_up_to_date(const struct depmod *d);

/* ---- depmod-parse.c ---------------------------------------------------------------- */

/* Thread count: MODKIT_DEPMOD_THREADS if set (>= 1), else the online CPUs. */
unsigned int depmod_parse_threads(void);
/* Runs worker(job) on n_threads threads, this one included, and waits for them all;
 * fewer when a thread cannot be started. */
int depmod_run_workers(unsigned int n_threads, void *(*worker)(void *), void *job);
/* A worker's reusable read buffer. */
struct depmod_parse_buf {
	void *data;
	size_t cap;
};
/* Parses one module file into mod; buf (may be NULL) is the worker's buffer. */
int depmod_parse_module(struct depmod_module *mod, struct depmod_parse_buf *buf);
/* The cache key fields of a file. */
void depmod_file_id_from_stat(const struct stat *st, struct depmod_file_id *id);
int depmod_file_id_from_fd(int fd, struct depmod_file_id *id);

/* ---- depmod-write.c, depmod-json.c ------------------------------------------------- */

/* Path as written in the indexes: relative when inside the module dir. */
static inline const char *depmod_module_outpath(const struct depmod_module *mod)
{
	return mod->relpath ? mod->relpath : mod->path;
}

/* A module's modules.devname entry; devname points into its modinfo. */
struct depmod_devname {
	const char *devname;
	char type; /* 'c' or 'b' */
	unsigned int major, minor;
};
bool depmod_module_devname(const struct depmod_module *mod, struct depmod_devname *dev);
/* Takes the output directory's lock (an exclusive flock on dfd), waiting a bounded
 * time; reports a failure. */
int depmod_lock_outdir(const struct depmod *d, int dfd);

/* -n --json: what the text files would hold, as one JSON document on stdout
 * (depmod(8), "JSON OUTPUT"), in place of depmod_write(). */
int depmod_write_json(struct depmod *d);
