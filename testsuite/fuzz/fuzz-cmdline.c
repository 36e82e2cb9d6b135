// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "cmdline": the input is /proc/cmdline (formats.md 7.5). It is read
 * from a memfd by config_new_full() as the library reads the kernel's (the first
 * 4095 bytes), then the options and blacklists it gave are walked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/macro.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char mempath[64];
static volatile size_t sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	memfd = memfd_create("fuzz-cmdline", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(mempath, sizeof(mempath), "/proc/self/fd/%d", memfd);
	return 0;
}

static void walk(struct kmod_ctx *ctx,
		 struct kmod_config_iter *(*get)(const struct kmod_ctx *))
{
	struct kmod_config_iter *it = get(ctx);

	while (kmod_config_iter_next(it)) {
		const char *k = kmod_config_iter_get_key(it);
		const char *v = kmod_config_iter_get_value(it);

		sink += strlen(k) + (v != NULL ? strlen(v) : 0);
	}
	kmod_config_iter_free_iter(it);
}

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	char buf[256];

	vsnprintf(buf, sizeof(buf), format, args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmod_ctx ctx = { 0 };
	const char *paths[] = { NULL };

	if (ftruncate(memfd, 0) < 0 ||
	    (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
		abort();
	ctx.log.fn = quiet_log;
	ctx.log.priority = LOG_DEBUG;
	if (config_new_full(&ctx, paths, mempath, &ctx.config) < 0)
		return 0;
	walk(&ctx, kmod_config_get_options);
	walk(&ctx, kmod_config_get_blacklists);
	config_free(ctx.config);
	return 0;
}

#define FUZZ_INITIALIZE
#include "fuzz-main.h"
