// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Prints a configuration the way `modprobe -c` prints its configuration part
 * (tools.md 6.6), using only lib_config: the differential test compares this with
 * Debian's modprobe. A context is made by hand since only the log state, the
 * module directory and the config are needed.
 *
 *   config-dump [-d MODULE_DIR] [-C PATH]... [--cmdline FILE | --no-cmdline]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/log-lib.h"
#include "lib/macro.h"

static void dump(struct kmod_ctx *ctx,
		 struct kmod_config_iter *(*get)(const struct kmod_ctx *),
		 const char *word, bool with_value)
{
	struct kmod_config_iter *iter = get(ctx);

	while (kmod_config_iter_next(iter)) {
		if (with_value)
			printf("%s %s %s\n", word, kmod_config_iter_get_key(iter),
			       kmod_config_iter_get_value(iter));
		else
			printf("%s %s\n", word, kmod_config_iter_get_key(iter));
	}
	kmod_config_iter_free_iter(iter);
}

int main(int argc, char *argv[])
{
	const char *paths[64];
	size_t npaths = 0;
	const char *cmdline = "/proc/cmdline";
	struct kmod_ctx ctx = { 0 };
	int err;

	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "-d") && i + 1 < argc) {
			ctx.dirname = argv[++i];
		} else if (streq(argv[i], "-C") && i + 1 < argc &&
			   npaths + 1 < ARRAY_SIZE(paths)) {
			paths[npaths++] = argv[++i];
		} else if (streq(argv[i], "--cmdline") && i + 1 < argc) {
			cmdline = argv[++i];
		} else if (streq(argv[i], "--no-cmdline")) {
			cmdline = NULL;
		} else {
			fprintf(stderr,
				"usage: %s [-d DIR] [-C PATH]... [--cmdline FILE|--no-cmdline]\n",
				argv[0]);
			return 2;
		}
	}
	paths[npaths] = NULL;
	ctx.log.fn = log_stderr;
	ctx.log.priority = log_priority_from_env();
	if (ctx.dirname)
		ctx.dirlen = strlen(ctx.dirname);
	err = config_new_full(&ctx, npaths ? paths : NULL, cmdline, &ctx.config);
	if (err < 0) {
		fprintf(stderr, "config_new: %s\n", strerror(-err));
		return 1;
	}
	dump(&ctx, kmod_config_get_blacklists, "blacklist", false);
	dump(&ctx, kmod_config_get_install_commands, "install", true);
	dump(&ctx, kmod_config_get_remove_commands, "remove", true);
	dump(&ctx, kmod_config_get_aliases, "alias", true);
	dump(&ctx, kmod_config_get_options, "options", true);
	dump(&ctx, kmod_config_get_softdeps, "softdep", true);
	dump(&ctx, kmod_config_get_weakdeps, "weakdep", true);
	printf("\n# End of configuration files. Dumping indexes now:\n\n");
	config_free(ctx.config);
	return 0;
}
