// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lsmod / kmod list: the loaded modules as a table (tools.md 4).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod.h"
#include "libkmod.h"
#include "log.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options]\n\n"
	       "Shows the modules loaded in the running kernel.\n\n"
	       "Options:\n"
	       "\t-s, --syslog    send messages to syslog instead of stderr\n"
	       "\t-v, --verbose   show more messages\n"
	       "\t-V, --version   print the version and exit\n"
	       "\t-h, --help      print this help and exit\n",
	       program_invocation_short_name);
}

static void print_module(struct kmod_module *mod)
{
	struct kmod_list *holders, *h;
	const char *sep = " ";
	long size = kmod_module_get_size(mod);
	int refcnt;

	/* The module went away between /proc/modules and /sys: its row would be
	 * half made of -errno values (kmod prints "-2  -2", its issue #41); skip it. */
	if (size == -ENOENT)
		return;
	refcnt = kmod_module_get_refcnt(mod);
	printf("%-19s %8ld  %d", kmod_module_get_name(mod), size, refcnt);
	holders = kmod_module_get_holders(mod);
	kmod_list_foreach (h, holders) {
		struct kmod_module *hm = kmod_module_get_module(h);

		printf("%s%s", sep, kmod_module_get_name(hm));
		kmod_module_unref(hm);
		sep = ",";
	}
	putchar('\n');
	kmod_module_unref_list(holders);
}

static int do_lsmod(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kmod_list *list = NULL, *it;
	struct kmod_ctx *ctx;
	bool use_syslog = false;
	int verbose = LOG_ERR, r;

	for (;;) {
		int c = getopt_long(argc, argv, "svVh", options, NULL);

		if (c == -1)
			break;
		switch (c) {
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
	if (optind < argc) {
		ERR("too many arguments provided.\n");
		log_close();
		return EXIT_FAILURE;
	}

	ctx = log_kmod_new(NULL, NULL, verbose);
	if (ctx == NULL) {
		log_close();
		return EXIT_FAILURE;
	}

	r = kmod_module_new_from_loaded(ctx, &list);
	if (r < 0) {
		ERR("could not get list of modules: %s\n", strerror(-r));
		kmod_unref(ctx);
		log_close();
		return EXIT_FAILURE;
	}

	puts("Module                  Size  Used by");
	kmod_list_foreach (it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);

		print_module(mod);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	log_close();
	return EXIT_SUCCESS;
}

const struct kmod_cmd kmod_cmd_compat_lsmod = {
	.name = "lsmod",
	.cmd = do_lsmod,
	.help = "compat lsmod command",
};

const struct kmod_cmd kmod_cmd_list = {
	.name = "list",
	.cmd = do_lsmod,
	.help = "list currently loaded modules",
};
