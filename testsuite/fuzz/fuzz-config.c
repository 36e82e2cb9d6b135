// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "config": the input is one modprobe.d file (also the format of
 * modules.softdep and modules.weakdep), parsed by config_parse_stream(); then every
 * kmod_config_* iterator walks the result and builds its strings. Every message is
 * formatted (at debug priority) but not shown.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void walk(struct kmod_ctx *ctx,
		 struct kmod_config_iter *(*get)(const struct kmod_ctx *))
{
	struct kmod_config_iter *it = get(ctx);

	while (kmod_config_iter_next(it)) {
		const char *k = kmod_config_iter_get_key(it);
		const char *v = kmod_config_iter_get_value(it);

		/* a bad pointer shows up in strlen() */
		sink += strlen(k) + (v != NULL ? strlen(v) : 0);
	}
	kmod_config_iter_free_iter(it);
}

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	char buf[256];

	/* format the message anyway: a bad argument would show up here */
	vsnprintf(buf, sizeof(buf), format, args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmod_ctx ctx = { 0 };
	const char *paths[] = { NULL };
	FILE *fp;

	ctx.log.fn = quiet_log;
	ctx.log.priority = LOG_DEBUG;
	if (config_new_full(&ctx, paths, NULL, &ctx.config) < 0)
		return 0;
	fp = size > 0 ? fmemopen((void *)data, size, "r") : NULL;
	if (fp != NULL) {
		(void)config_parse_stream(ctx.config, fp, "fuzz.conf");
		fclose(fp);
	}
	walk(&ctx, kmod_config_get_blacklists);
	walk(&ctx, kmod_config_get_install_commands);
	walk(&ctx, kmod_config_get_remove_commands);
	walk(&ctx, kmod_config_get_aliases);
	walk(&ctx, kmod_config_get_options);
	walk(&ctx, kmod_config_get_softdeps);
	walk(&ctx, kmod_config_get_weakdeps);
	config_free(ctx.config);
	return 0;
}

#include "fuzz-main.h"
