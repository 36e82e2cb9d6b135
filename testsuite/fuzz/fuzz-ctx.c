// SPDX-License-Identifier: LGPL-2.1-or-later
/* The library context of the fuzz targets that look modules up (fuzz-ctx.h). */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "lib/config.h"
#include "lib/ctx.h"

#include "fuzz-ctx.h"

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), format, args);
}

struct kmod_ctx *fuzz_ctx_new(const char *dir)
{
	const char *paths[] = { NULL };
	struct kmod_ctx *ctx = kmod_new(dir, paths);
	struct kmod_config *config;

	if (ctx == NULL)
		return NULL;
	kmod_set_log_fn(ctx, quiet_log, NULL);
	kmod_set_log_priority(ctx, LOG_DEBUG);
	if (config_new_full(ctx, paths, NULL, &config) < 0) {
		kmod_unref(ctx);
		return NULL;
	}
	config_free(ctx->config);
	ctx->config = config;
	return ctx;
}
