// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: the module directory, the parsed configuration, the cache
 * of module objects (one per name, so that lazily computed state is shared) and
 * the indexes mapped by kmod_load_resources().
 *
 * Indexes that are not loaded are opened for the duration of one lookup only;
 * loading them once is purely a speed-up and must not change any result.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "ctx.h"
#include "hash.h"
#include "index.h"
#include "log-lib.h"
#include "macro.h"
#include "util.h"

/* log.c reaches the logger through a cast of the context pointer */
_Static_assert(offsetof(struct kmod_ctx, log) == 0, "the logger must come first");

/* Number of buckets of the module cache: a modprobe touches a few hundred at most. */
#define MODULES_HASH_SIZE 256

static const struct {
	const char *name;
	const char *dump_prefix;
} index_files[_INDEX_COUNT] = {
	[INDEX_MODULES_DEP] = { "modules.dep", "" },
	[INDEX_MODULES_ALIAS] = { "modules.alias", "alias " },
	[INDEX_MODULES_SYMBOL] = { "modules.symbols", "alias " },
	[INDEX_MODULES_BUILTIN_ALIAS] = { "modules.builtin.alias", "" },
	[INDEX_MODULES_BUILTIN] = { "modules.builtin", "" },
};

const char *ctx_index_name(enum index_type type)
{
	if ((unsigned int)type >= _INDEX_COUNT)
		return NULL;
	return index_files[type].name;
}

static int ctx_index_path(const struct kmod_ctx *ctx, enum index_type type,
			  char buf[static PATH_MAX])
{
	int r = snprintf(buf, PATH_MAX, "%s/%s.bin", ctx->dirname,
			 index_files[type].name);

	if (r < 0 || r >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

struct index_mm *ctx_index_get(struct kmod_ctx *ctx, enum index_type type)
{
	char path[PATH_MAX];
	struct index_mm *idx;

	if ((unsigned int)type >= _INDEX_COUNT)
		return NULL;
	if (ctx->indexes[type] != NULL)
		return ctx->indexes[type];
	if (ctx_index_path(ctx, type, path) < 0)
		return NULL;
	if (index_mm_open(ctx, path, NULL, &idx) < 0)
		return NULL;
	return idx;
}

void ctx_index_put(struct kmod_ctx *ctx, enum index_type type, struct index_mm *idx)
{
	if (idx == NULL ||
	    ((unsigned int)type < _INDEX_COUNT && ctx->indexes[type] == idx))
		return;
	index_mm_close(idx);
}

const struct kmod_config *ctx_get_config(const struct kmod_ctx *ctx)
{
	return ctx->config;
}

struct kmod_module *ctx_lookup_module(const struct kmod_ctx *ctx, const char *key)
{
	return hash_find(ctx->modules_by_name, key);
}

int ctx_add_module(struct kmod_ctx *ctx, struct kmod_module *mod, const char *key)
{
	return hash_add(ctx->modules_by_name, key, mod);
}

void ctx_del_module(struct kmod_ctx *ctx, const char *key)
{
	(void)hash_del(ctx->modules_by_name, key);
}

/* The module directory: the caller's (made absolute) or the running kernel's. */
static char *ctx_module_dir(const char *dirname)
{
	char dir[PATH_MAX];

	if (dirname != NULL)
		return path_make_absolute_cwd(dirname);
	if (path_module_dir(NULL, NULL, NULL, dir) < 0)
		return NULL;
	return strdup(dir);
}

KMOD_EXPORT struct kmod_ctx *kmod_new(const char *dirname,
				      const char *const *config_paths)
{
	struct kmod_ctx *ctx;
	int err;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return NULL;
	ctx->refcount = 1;
	ctx->log.fn = log_stderr;
	ctx->log.data = stderr;
	ctx->log.priority = log_priority_from_env();

	ctx->dirname = ctx_module_dir(dirname);
	if (ctx->dirname == NULL) {
		ERR(ctx, "could not retrieve directory\n");
		goto fail;
	}
	ctx->dirlen = strlen(ctx->dirname);

	err = config_new(ctx, config_paths, &ctx->config);
	if (err < 0) {
		ERR(ctx, "could not create config\n");
		goto fail;
	}

	ctx->modules_by_name = hash_new(MODULES_HASH_SIZE, NULL);
	if (ctx->modules_by_name == NULL) {
		ERR(ctx, "could not create by-name hash\n");
		goto fail;
	}

	INFO(ctx, "ctx %p created\n", (void *)ctx);
	DBG(ctx, "log_priority=%d\n", ctx->log.priority);
	return ctx;

fail:
	config_free(ctx->config);
	free(ctx->dirname);
	free(ctx);
	return NULL;
}

KMOD_EXPORT struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	ctx->refcount++;
	return ctx;
}

KMOD_EXPORT struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;

	INFO(ctx, "context %p released\n", (void *)ctx);
	kmod_unload_resources(ctx);
	hash_free(ctx->modules_by_name);
	config_free(ctx->config);
	free(ctx->dirname);
	free(ctx);
	return NULL;
}

KMOD_EXPORT void kmod_set_log_fn(struct kmod_ctx *ctx,
				 void (*log_fn)(void *log_data, int priority,
						const char *file, int line,
						const char *fn, const char *format,
						va_list args),
				 const void *data)
{
	if (ctx == NULL)
		return;
	ctx->log.fn = log_fn;
	ctx->log.data = (void *)data;
	/* printing a function pointer through %p needs a detour via an integer */
	INFO(ctx, "custom logging function %p registered\n", (void *)(uintptr_t)log_fn);
}

KMOD_EXPORT int kmod_get_log_priority(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return -1;
	return ctx->log.priority;
}

KMOD_EXPORT void kmod_set_log_priority(struct kmod_ctx *ctx, int priority)
{
	if (ctx == NULL)
		return;
	ctx->log.priority = priority;
}

KMOD_EXPORT void *kmod_get_userdata(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	return (void *)ctx->userdata;
}

KMOD_EXPORT void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata)
{
	if (ctx == NULL)
		return;
	ctx->userdata = userdata;
}

KMOD_EXPORT const char *kmod_get_dirname(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	return ctx->dirname;
}

KMOD_EXPORT int kmod_load_resources(struct kmod_ctx *ctx)
{
	char path[PATH_MAX];
	int err = 0;

	if (ctx == NULL)
		return -ENOENT;

	for (int i = 0; i < _INDEX_COUNT; i++) {
		if (ctx->indexes[i] != NULL)
			continue;
		err = ctx_index_path(ctx, i, path);
		if (err == 0)
			err = index_mm_open(ctx, path, &ctx->indexes_stamp[i],
					    &ctx->indexes[i]);
		if (err < 0) {
			/* older trees may lack modules.builtin.alias.bin: not fatal */
			if (i == INDEX_MODULES_BUILTIN_ALIAS) {
				err = 0;
				continue;
			}
			break;
		}
	}

	if (err < 0)
		kmod_unload_resources(ctx);
	return err;
}

KMOD_EXPORT void kmod_unload_resources(struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (int i = 0; i < _INDEX_COUNT; i++) {
		index_mm_close(ctx->indexes[i]);
		ctx->indexes[i] = NULL;
		ctx->indexes_stamp[i] = 0;
	}
}

/* A file we read earlier is out of date if it vanished or its mtime changed. */
static bool file_changed(const char *path, unsigned long long stamp)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return true;
	return stat_mstamp(&st) != stamp;
}

KMOD_EXPORT int kmod_validate_resources(struct kmod_ctx *ctx)
{
	char path[PATH_MAX];

	if (ctx == NULL || ctx->config == NULL)
		return KMOD_RESOURCES_MUST_RECREATE;

	if (config_is_stale(ctx->config))
		return KMOD_RESOURCES_MUST_RECREATE;

	for (int i = 0; i < _INDEX_COUNT; i++) {
		if (ctx->indexes[i] == NULL)
			continue;
		if (ctx_index_path(ctx, i, path) < 0 ||
		    file_changed(path, ctx->indexes_stamp[i]))
			return KMOD_RESOURCES_MUST_RELOAD;
	}
	return KMOD_RESOURCES_OK;
}

KMOD_EXPORT int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd)
{
	struct index_mm *idx;
	int err;

	if (ctx == NULL)
		return -ENOSYS;
	if ((unsigned int)type >= _INDEX_COUNT)
		return -ENOENT;

	idx = ctx_index_get(ctx, (enum index_type)type);
	if (idx == NULL)
		return -ENOSYS;
	err = index_mm_dump(idx, fd, index_files[type].dump_prefix);
	ctx_index_put(ctx, (enum index_type)type, idx);
	return err < 0 ? err : 0;
}
