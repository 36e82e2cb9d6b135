/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * depmod's parse cache (depmod-cache.c): what the parse stage got out of each module
 * file, kept in DEPMOD_CACHE_NAME of the output directory and reused while the file
 * is unchanged. The pipeline calls, in this order:
 *
 *   depmod_cache_load()   after depmod_order(): reads the old cache, if any
 *   depmod_cache_apply()  fills the modules whose file the cache knows unchanged
 *   depmod_parse()        parses the others
 *   depmod_cache_build()  lays out the new cache (d->cache_pieces), which the write
 *                         stage writes with the indexes, all or nothing
 *   depmod_cache_free()   with the run state
 */

#include <stddef.h>
#include <stdint.h>

#include "depmod.h"

/* Bumped whenever the file layout or what the parse stage keeps of a module changes
 * (a cache of another version is ignored as a whole). */
#define DEPMOD_CACHE_VERSION 2

/* Environment: set to a non-empty value other than "0", the same as --no-cache. */
#define DEPMOD_CACHE_ENV_OFF "MODKIT_DEPMOD_NO_CACHE"
/* Environment: set, one line on stderr saying what the cache did (for tests and
 * benchmarks): "depmod: cache: <state>; <n> reused, <n> parsed, <n> stored". */
#define DEPMOD_CACHE_ENV_STATS "MODKIT_DEPMOD_CACHE_STATS"

/* Reads the old cache. Whatever is wrong with it (missing, damaged, truncated, written
 * with the other byte order, by another version) only makes it ignored; -ENOMEM is
 * the only error. */
int depmod_cache_load(struct depmod *d);
/* Gives every module whose file is unchanged its cached parse results (from_cache).
 * Uses up to n_threads threads. */
int depmod_cache_apply(struct depmod *d, unsigned int n_threads);
/* Lays out the new cache (d->cache_pieces) from the parse results; none with
 * dry_run. */
int depmod_cache_build(struct depmod *d);
void depmod_cache_free(struct depmod *d);
