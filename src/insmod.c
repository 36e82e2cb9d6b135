// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * insmod: insert one module file, no dependencies, no configuration (tools.md 5.1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hint.h"
#include "kmod.h"
#include "libkmod.h"
#include "lib/macro.h"
#include "log.h"
#include "options.h"
#include "verify.h"

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] filename [module options]\n\n"
	       "Inserts one module file into the running kernel.\n\n"
	       "Options:\n"
	       "\t-f, --force     skip the version magic and symbol version checks\n"
	       "\t                (dangerous: may crash the kernel)\n"
	       "\t-s, --syslog    send messages to syslog instead of stderr\n"
	       "\t-v, --verbose   show more messages\n"
	       "\t    --require-signature=CERT[,CERT...]\n"
	       "\t                refuse the module unless its signature verifies with one of\n"
	       "\t                these certificate files or directories (checked before\n"
	       "\t                anything reaches the kernel)\n"
	       "\t-V, --version   print the version and exit\n"
	       "\t-h, --help      print this help and exit\n\n"
	       "On a terminal, a failure may end with a 'hint:' line (insmod(8), HINTS).\n",
	       program_invocation_short_name);
}

static const char *insert_error(int err)
{
	switch (err) {
	case ENOEXEC:
		return "Invalid module format";
	case ENOENT:
		return "Unknown symbol in module";
	case ESRCH:
		return "Module has wrong symbol version";
	case EINVAL:
		return "Invalid parameters";
	default:
		return strerror(err);
	}
}

static int do_insmod(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "require-signature", required_argument, NULL, 0x300 },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *opts = NULL;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = NULL;
	struct verify_opts verify_opts = { .n = 0 };
	struct verify_certs *verify_certs = NULL;
	unsigned int flags = 0;
	bool use_syslog = false;
	int verbose = LOG_ERR, r, ret = EXIT_FAILURE;
	const char *filename;

	for (;;) {
		int c = getopt_long(argc, argv, "fsvVh", options, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'f':
			flags |= KMOD_INSERT_FORCE_MODVERSION |
				 KMOD_INSERT_FORCE_VERMAGIC;
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
		case 0x300: /* --require-signature (docs/signatures.md) */
			if (verify_opts_add(&verify_opts, optarg) < 0)
				return EXIT_FAILURE;
			break;
		default:
			return EXIT_FAILURE;
		}
	}

	log_open(use_syslog);
	if (optind >= argc) {
		ERR("missing filename.\n");
		goto out;
	}
	filename = argv[optind];
	if (streq(filename, "-")) {
		ERR("this tool does not support loading from stdin!\n");
		goto out;
	}
	opts = options_from_array(argv + optind + 1, argc - optind - 1);
	if (opts == NULL) {
		ERR("could not gather module options: out-of-memory\n");
		goto out;
	}

	ctx = log_kmod_new(NULL, NULL, verbose);
	if (ctx == NULL)
		goto out;

	r = kmod_module_new_from_path(ctx, filename, &mod);
	if (r < 0) {
		ERR("could not load module %s: %s\n", filename, strerror(-r));
		hint_insert_failed(ctx, filename, r);
		goto out;
	}
	if (verify_opts.n > 0 &&
	    (verify_opts_load(&verify_opts, NULL, NULL, &verify_certs) < 0 ||
	     verify_insmod(verify_certs, filename) < 0))
		goto out;
	r = kmod_module_insert_module(mod, flags, opts);
	if (r < 0) {
		ERR("could not insert module %s: %s\n", filename, insert_error(-r));
		hint_insert_failed(ctx, filename, r);
		goto out;
	}
	ret = EXIT_SUCCESS;
out:
	verify_certs_free(verify_certs);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	log_close();
	return ret;
}

const struct kmod_cmd kmod_cmd_compat_insmod = {
	.name = "insmod",
	.cmd = do_insmod,
	.help = "compat insmod command",
};
