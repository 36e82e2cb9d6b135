// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs in the vm suite's guest: loads a module through the library API the way
 * systemd and udev do, checks the kernel has it, removes it through the API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkmod.h"

static int in_proc_modules(const char *name)
{
	FILE *f = fopen("/proc/modules", "re");
	char line[4096];
	size_t len = strlen(name);
	int found = 0;

	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) == 0 && line[len] == ' ')
			found = 1;
	}
	fclose(f);
	return found;
}

int main(int argc, char *argv[])
{
	struct kmod_ctx *ctx;
	struct kmod_list *list = NULL, *l;
	int r, ret = EXIT_FAILURE;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ALIAS\n", argv[0]);
		return EXIT_FAILURE;
	}
	ctx = kmod_new(NULL, NULL);
	if (ctx == NULL || kmod_load_resources(ctx) < 0) {
		fprintf(stderr, "could not create a context\n");
		return EXIT_FAILURE;
	}
	r = kmod_module_new_from_lookup(ctx, argv[1], &list);
	if (r < 0 || list == NULL) {
		fprintf(stderr, "lookup of %s failed: %d\n", argv[1], r);
		goto out;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *name = kmod_module_get_name(mod);

		r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL,
						    NULL, NULL, NULL);
		if (r != 0) {
			fprintf(stderr, "probe of %s returned %d\n", name, r);
			kmod_module_unref(mod);
			goto out;
		}
		if (in_proc_modules(name) != 1 ||
		    kmod_module_get_initstate(mod) != KMOD_MODULE_LIVE) {
			fprintf(stderr, "%s not live after probing\n", name);
			kmod_module_unref(mod);
			goto out;
		}
		r = kmod_module_remove_module(mod, 0);
		if (r != 0 || in_proc_modules(name) != 0) {
			fprintf(stderr, "removal of %s: %d\n", name, r);
			kmod_module_unref(mod);
			goto out;
		}
		kmod_module_unref(mod);
	}
	ret = EXIT_SUCCESS;
out:
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return ret;
}
