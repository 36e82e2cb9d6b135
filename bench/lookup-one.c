// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Start-up cost probe: create a context and resolve one alias, as udev does for
 * one uevent. Built twice, against our libkmod and against the system's, and run
 * under callgrind by bench-lib.sh.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libkmod.h>

int main(int argc, char *argv[])
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MODULE_DIR ALIAS\n", argv[0]);
		return EXIT_FAILURE;
	}
	ctx = kmod_new(argv[1], NULL);
	if (ctx == NULL)
		return EXIT_FAILURE;
	r = kmod_module_new_from_lookup(ctx, argv[2], &list);
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		printf("%s\n", kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
