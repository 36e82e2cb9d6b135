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
#include "options.h"

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

struct rmmod_opts {
	struct tool_common common;
	unsigned int flags;
};

static int rmmod_option(int c, const char *arg, void *data)
{
	struct rmmod_opts *o = data;

	if (c != 'f')
		return OPTION_COMMON;
	o->flags |= KMOD_REMOVE_FORCE;
	return 0;
}

/* One operand: a path if it names a file, else a module name. */
static int rmmod_lookup(struct kmod_ctx *ctx, const char *arg, struct kmod_module **mod)
{
	struct stat st;
	int r;

	if (stat(arg, &st) == 0)
		r = kmod_module_new_from_path(ctx, arg, mod);
	else
		r = kmod_module_new_from_name(ctx, arg, mod);
	if (r < 0)
		ERR("could not use module %s: %s\n", arg, strerror(-r));
	return r;
}

static int rmmod_remove(struct kmod_module *mod, unsigned int flags, const char *arg)
{
	int r;

	if (!(flags & KMOD_REMOVE_FORCE)) {
		r = check_module_removable(mod);
		if (r < 0)
			return r;
	}
	r = kmod_module_remove_module(mod, flags);
	if (r < 0)
		ERR("could not remove module %s: %s\n", arg, strerror(-r));
	return r;
}

/* A module that cannot be removed fails the run; one that cannot be named stops it. */
static int rmmod_run(void *data, int nargs, char *args[])
{
	const struct rmmod_opts *o = data;
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	int ret = 0;

	if (nargs < 1) {
		ERR("missing module name.\n");
		return -EINVAL;
	}
	ctx = log_kmod_new(NULL, NULL, o->common.verbose);
	if (ctx == NULL)
		return -ENOMEM;
	for (int i = 0; i < nargs; i++) {
		_cleanup_kmod_module_ struct kmod_module *mod = NULL;
		int r = rmmod_lookup(ctx, args[i], &mod);

		if (r < 0)
			return r;
		r = rmmod_remove(mod, o->flags, args[i]);
		if (r < 0)
			ret = r;
	}
	return ret;
}

static int do_rmmod(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		OPTIONS_LONG_COMMON,
	};
	static const struct tool_spec spec = { "fsvVh", longopts, rmmod_option,
					       rmmod_run };
	struct rmmod_opts o = { .common = { .verbose = LOG_ERR, .help = help } };

	return tool_main(argc, argv, &spec, &o.common, &o);
}

const struct kmod_cmd kmod_cmd_compat_rmmod = {
	.name = "rmmod",
	.cmd = do_rmmod,
	.help = "compat rmmod command",
};
