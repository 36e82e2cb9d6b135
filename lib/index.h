/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: index. May use: helpers, file (regfile.h), index-format.h, libkmod.h.
 * Used by the context, depmod (the writer) and the tools.
 *
 * The .bin index files (formats.md 1): a reader of mapped files and a writer in
 * kmod 34.2's layout; the on-disk constants both share are in index-format.h.
 * Invariants: an index file is untrusted, so the reader checks every field against
 * the mapping and bounds every walk, and a damaged file gives missing keys, never
 * a read outside it or a walk without end; lookups never modify the index, so one
 * opened index may serve several threads; the context is used only to log and may
 * be NULL.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "libkmod.h"

struct index_mm;

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

/* ---- the writer (index-write.c) --------------------------------------------------- */

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
