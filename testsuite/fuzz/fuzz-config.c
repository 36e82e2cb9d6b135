// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz entry for the modprobe.d parser and the kernel command line parser: the
 * input is parsed both as a config file and as /proc/cmdline text, then every
 * iterator string is built. Without libFuzzer (FUZZ_LIBFUZZER undefined) main()
 * replays the files named on the command line and prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(struct kmod_ctx *ctx,
		 struct kmod_config_iter *(*get)(const struct kmod_ctx *))
{
	struct kmod_config_iter *it = get(ctx);
	size_t total = 0;

	while (kmod_config_iter_next(it)) {
		const char *k = kmod_config_iter_get_key(it);
		const char *v = kmod_config_iter_get_value(it);

		total += strlen(k) + (v ? strlen(v) : 0);
	}
	kmod_config_iter_free_iter(it);
	(void)total;
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
	char *text;
	FILE *fp;

	ctx.log.fn = quiet_log;
	ctx.log.priority = LOG_DEBUG;
	if (config_new_full(&ctx, paths, NULL, &ctx.config) < 0)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (fp != NULL) {
		(void)config_parse_stream(ctx.config, fp, "fuzz.conf");
		fclose(fp);
	}
	text = malloc(size + 1);
	if (text != NULL) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void)config_parse_kcmdline(ctx.config, text);
		free(text);
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

#ifndef FUZZ_LIBFUZZER
int main(int argc, char *argv[])
{
	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		char *data = NULL;
		size_t size = 0;
		int err = read_file(argv[i], &data, &size);

		if (err < 0) {
			printf("not ok %d - %s: %s\n", i, argv[i], strerror(-err));
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)data, size);
		free(data);
		printf("ok %d - %s\n", i, argv[i]);
	}
	return 0;
}
#endif
