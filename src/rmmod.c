// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rmmod: remove modules by name or path, after kmod's safety checks (tools.md 5.2).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kmod.h"
#include "libkmod.h"
#include "lib/macro.h"
#include "log.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] [list of modulenames]\n\n"
	       "Removes modules from the running kernel.\n\n"
	       "Options:\n"
	       "\t-f, --force     remove even modules in use or without an exit function\n"
	       "\t                (dangerous: needs kernel support and may crash it)\n"
	       "\t-s, --syslog    send messages to syslog instead of stderr\n"
	       "\t-v, --verbose   show more messages\n"
	       "\t-V, --version   print the version and exit\n"
	       "\t-h, --help      print this help and exit\n",
	       program_invocation_short_name);
}

/* Returns 0 when the module may be removed; messages as kmod's rmmod prints them. */
static int check_module_removable(struct kmod_module *mod)
{
	const char *name = kmod_module_get_name(mod);
	struct kmod_list *holders, *h;
	int state, refcnt;

	state = kmod_module_get_initstate(mod);
	if (state == KMOD_MODULE_BUILTIN) {
		ERR("Module %s is builtin.\n", name);
		return -ENOENT;
	}
	if (state < 0) {
		ERR("Module %s is not currently loaded\n", name);
		return -ENOENT;
	}

	holders = kmod_module_get_holders(mod);
	if (holders != NULL) {
		/* One message per piece, each with its own prefix: kmod's layout. */
		ERR("Module %s is in use by:", name);
		kmod_list_foreach (h, holders) {
			struct kmod_module *hm = kmod_module_get_module(h);

			ERR(" %s", kmod_module_get_name(hm));
			kmod_module_unref(hm);
		}
		ERR("\n");
		kmod_module_unref_list(holders);
		return -EBUSY;
	}

	refcnt = kmod_module_get_refcnt(mod);
	if (refcnt > 0) {
		ERR("Module %s is in use\n", name);
		return -EBUSY;
	}
	if (refcnt == -ENOENT) {
		ERR("Module unloading is not supported\n");
		return -ENOTSUP;
	}
	return refcnt < 0 ? refcnt : 0;
}

static int do_rmmod(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmod_ctx *ctx;
	unsigned int flags = 0;
	bool use_syslog = false;
	int verbose = LOG_ERR, ret = EXIT_SUCCESS;

	for (;;) {
		int c = getopt_long(argc, argv, "fsvVh", options, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'f':
			flags |= KMOD_REMOVE_FORCE;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			kmod_print_version();
			return EXIT_SUCCESS;
		case 'h':
			help();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}

	log_open(use_syslog);
	if (optind >= argc) {
		ERR("missing module name.\n");
		log_close();
		return EXIT_FAILURE;
	}

	ctx = log_kmod_new(NULL, NULL, verbose);
	if (ctx == NULL) {
		log_close();
		return EXIT_FAILURE;
	}

	for (int i = optind; i < argc; i++) {
		const char *arg = argv[i];
		struct kmod_module *mod;
		struct stat st;
		int r;

		if (stat(arg, &st) == 0)
			r = kmod_module_new_from_path(ctx, arg, &mod);
		else
			r = kmod_module_new_from_name(ctx, arg, &mod);
		if (r < 0) {
			ERR("could not use module %s: %s\n", arg, strerror(-r));
			ret = EXIT_FAILURE;
			break;
		}

		if (!(flags & KMOD_REMOVE_FORCE) && check_module_removable(mod) < 0) {
			ret = EXIT_FAILURE;
		} else {
			r = kmod_module_remove_module(mod, flags);
			if (r < 0) {
				ERR("could not remove module %s: %s\n", arg,
				    strerror(-r));
				ret = EXIT_FAILURE;
			}
		}
		kmod_module_unref(mod);
	}

	kmod_unref(ctx);
	log_close();
	return ret;
}

const struct kmod_cmd kmod_cmd_compat_rmmod = {
	.name = "rmmod",
	.cmd = do_rmmod,
	.help = "compat rmmod command",
};
