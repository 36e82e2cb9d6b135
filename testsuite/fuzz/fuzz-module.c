// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz entry for lib/module.c: the input is parsed as a module's modules.dep line
 * (as read from modules.dep.bin, which a hostile or corrupt tree controls) and
 * used as a name, a path and a lookup query. The context's module directory is
 * the directory named by $MODKIT_FUZZ_MODDIR (default: one that does not exist),
 * so relative dependency paths resolve there. Without libFuzzer (FUZZ_LIBFUZZER
 * undefined) main() replays the files named on the command line and prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	char buf[256];

	/* format the message anyway: a bad argument would show up here */
	vsnprintf(buf, sizeof(buf), format, args);
}

static void use_list(struct kmod_list *list)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list) {
		struct kmod_list *deps = kmod_module_get_dependencies(l->data);

		(void)kmod_module_get_path(l->data);
		(void)kmod_module_get_options(l->data);
		kmod_module_unref_list(deps);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *moddir = getenv("MODKIT_FUZZ_MODDIR");
	const char *paths[] = { NULL };
	struct kmod_module *m = NULL, *p = NULL;
	struct kmod_list *list = NULL;
	struct kmod_ctx *ctx;
	char *text, *line;

	ctx = kmod_new(moddir ? moddir : "/nonexistent/modkit-fuzz", paths);
	if (ctx == NULL)
		return 0;
	kmod_set_log_fn(ctx, quiet_log, NULL);
	kmod_set_log_priority(ctx, LOG_DEBUG);
	text = malloc(size + 1);
	line = malloc(size + 1);
	if (text == NULL || line == NULL)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	memcpy(line, text, size + 1);

	if (kmod_module_new_from_name(ctx, "fuzz", &m) == 0) {
		struct kmod_list *deps;

		(void)module_parse_depline(m, line);
		deps = kmod_module_get_dependencies(m);
		use_list(deps);
		kmod_module_unref_list(deps);
		(void)kmod_module_get_path(m);
	}
	if (kmod_module_new_from_lookup(ctx, text, &list) == 0)
		use_list(list);
	kmod_module_unref_list(list);
	kmod_module_unref(p);
	p = NULL;
	if (kmod_module_new_from_name_lookup(ctx, text, &p) == 0)
		kmod_module_unref(p);
	p = NULL;
	if (kmod_module_new_from_name(ctx, text, &p) == 0)
		kmod_module_unref(p);
	p = NULL;
	if (kmod_module_new_from_path(ctx, text, &p) == 0)
		kmod_module_unref(p);
out:
	kmod_module_unref(m);
	free(line);
	free(text);
	kmod_unref(ctx);
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
