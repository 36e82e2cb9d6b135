/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: ctx, together with config.h (docs/layers.md). May use: helpers (log-lib.h
 * among them: a context begins with its logger), index, config, libkmod.h. Used by
 * the module layer and by the tools that reach into the library (hints, explain).
 *
 * The library context (struct kmod_ctx): module directory, configuration, the
 * indexes kmod_load_resources() maps, and the cache of module objects.
 * Invariants: the logger is the first member (log.c reads it through a cast);
 * the module cache does not own its modules (a module removes itself from it when
 * freed); an index taken with ctx_index_get() is given back with ctx_index_put().
 */

#include <stddef.h>

#include "libkmod.h"
#include "log-lib.h"

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
	/* /sys/module/compression, read on the first insertion that needs it
	 * (module-probe.c): enum kmod_file_compression_type + 1; 0 = unread */
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
