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

enum {
	OPT_REQUIRE_SIGNATURE = 0x300
};

struct insmod_opts {
	struct tool_common common;
	unsigned int flags;
	struct verify_opts verify; /* --require-signature (docs/signatures.md) */
};

static int insmod_option(int c, const char *arg, void *data)
{
	struct insmod_opts *o = data;

	switch (c) {
	case 'f':
		o->flags |= KMOD_INSERT_FORCE_MODVERSION | KMOD_INSERT_FORCE_VERMAGIC;
		return 0;
	case OPT_REQUIRE_SIGNATURE:
		return verify_opts_add(&o->verify, arg);
	default:
		return OPTION_COMMON;
	}
}

/* Checks the signature when asked, then inserts; reports failures. */
static int insmod_insert(struct kmod_ctx *ctx, const struct insmod_opts *o,
			 const char *filename, const char *params)
{
	_cleanup_kmod_module_ struct kmod_module *mod = NULL;
	_cleanup_verify_certs_ struct verify_certs *certs = NULL;
	int r = kmod_module_new_from_path(ctx, filename, &mod);

	if (r < 0) {
		ERR("could not load module %s: %s\n", filename, strerror(-r));
		hint_insert_failed(ctx, filename, r);
		return r;
	}
	if (o->verify.n > 0) {
		r = verify_opts_load(&o->verify, NULL, NULL, &certs);
		if (r < 0)
			return r;
		r = verify_insmod(certs, filename);
		if (r < 0)
			return r;
	}
	r = kmod_module_insert_module(mod, o->flags, params);
	if (r < 0) {
		ERR("could not insert module %s: %s\n", filename, insert_error(-r));
		hint_insert_failed(ctx, filename, r);
	}
	return r;
}

/* operands: the module file, then its parameters */
static int insmod_run(void *data, int nargs, char *args[])
{
	const struct insmod_opts *o = data;
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	_cleanup_free_ char *params = NULL;

	if (nargs < 1) {
		ERR("missing filename.\n");
		return -EINVAL;
	}
	if (streq(args[0], "-")) {
		ERR("this tool does not support loading from stdin!\n");
		return -EINVAL;
	}
	params = options_from_array(args + 1, nargs - 1);
	if (params == NULL) {
		ERR("could not gather module options: out-of-memory\n");
		return -ENOMEM;
	}
	ctx = log_kmod_new(NULL, NULL, o->common.verbose);
	if (ctx == NULL)
		return -ENOMEM;
	return insmod_insert(ctx, o, args[0], params);
}

static int do_insmod(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "require-signature", required_argument, NULL, OPT_REQUIRE_SIGNATURE },
		OPTIONS_LONG_COMMON,
	};
	static const struct tool_spec spec = { "fsvVh", longopts, insmod_option,
					       insmod_run };
	struct insmod_opts o = { .common = { .verbose = LOG_ERR, .help = help } };

	return tool_main(argc, argv, &spec, &o.common, &o);
}

const struct kmod_cmd kmod_cmd_compat_insmod = {
	.name = "insmod",
	.cmd = do_insmod,
	.help = "compat insmod command",
};
