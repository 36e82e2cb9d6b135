// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kmod multi-call binary. Invoked as one of the compat names it runs that
 * tool; invoked as `kmod` it takes a command word (tools.md 1.1 and 9).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kmod.h"
#include "lib/macro.h"
#include "options.h"

static const struct kmod_cmd kmod_cmd_help;

static const struct kmod_cmd *const kmod_cmds[] = {
	&kmod_cmd_help,
	&kmod_cmd_list,
	&kmod_cmd_static_nodes,
	&kmod_cmd_check,
};

static const struct kmod_cmd *const kmod_compat_cmds[] = {
	&kmod_cmd_compat_lsmod,	  &kmod_cmd_compat_rmmod,    &kmod_cmd_compat_insmod,
	&kmod_cmd_compat_modinfo, &kmod_cmd_compat_modprobe, &kmod_cmd_compat_depmod,
};

static void kmod_usage(void)
{
	printf("kmod - manage kernel modules: list, load, remove, query and index them\n"
	       "Usage:\n"
	       "\t%s [options] command [command_options]\n\n"
	       "Options:\n"
	       "\t-V, --version     print the version and exit\n"
	       "\t-h, --help        print this help and exit\n\n"
	       "Commands:\n",
	       program_invocation_short_name);
	for (size_t i = 0; i < ARRAY_SIZE(kmod_cmds); i++) {
		if (kmod_cmds[i]->help != NULL)
			printf("  %-12s %s\n", kmod_cmds[i]->name, kmod_cmds[i]->help);
	}
	printf("\nkmod also answers to these names (symlinks to it):\n");
	for (size_t i = 0; i < ARRAY_SIZE(kmod_compat_cmds); i++)
		printf("  %-12s %s\n", kmod_compat_cmds[i]->name,
		       kmod_compat_cmds[i]->help);
}

static int kmod_help(int argc, char *argv[])
{
	kmod_usage();
	return EXIT_SUCCESS;
}

static const struct kmod_cmd kmod_cmd_help = {
	.name = "help",
	.cmd = kmod_help,
	.help = "show this help",
};

static const struct kmod_cmd *find_cmd(const char *name,
				       const struct kmod_cmd *const *cmds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (streq(cmds[i]->name, name))
			return cmds[i];
	}
	return NULL;
}

static int handle_kmod_commands(int argc, char *argv[])
{
	static const struct option longopts[] = {
		OPTION_LONG_HELP,
		OPTION_LONG_VERSION,
		OPTION_LONG_END,
	};
	struct tool_common common = { .help = kmod_usage };
	enum options_result res;
	const struct kmod_cmd *cmd;
	int first;

	res = options_parse(argc, argv, "+hV", longopts, &common, NULL, NULL);
	if (res != OPTIONS_RUN)
		return options_exit_status(res);
	if (optind >= argc) {
		fputs("missing command\n", stderr);
		kmod_usage();
		return EXIT_FAILURE;
	}
	cmd = find_cmd(argv[optind], kmod_cmds, ARRAY_SIZE(kmod_cmds));
	if (cmd == NULL) {
		fprintf(stderr, "invalid command '%s'\n", argv[optind]);
		kmod_usage();
		return EXIT_FAILURE;
	}
	/* The sub-command sees its own word as argv[0]; getopt restarts. */
	first = optind;
	optind = 0;
	return cmd->cmd(argc - first, argv + first);
}

int main(int argc, char *argv[])
{
	const char *name = strrchr(argv[0], '/');
	const struct kmod_cmd *cmd;

	name = name ? name + 1 : argv[0];
	if (streq(name, "kmod"))
		return handle_kmod_commands(argc, argv);
	cmd = find_cmd(name, kmod_compat_cmds, ARRAY_SIZE(kmod_compat_cmds));
	return cmd != NULL ? cmd->cmd(argc, argv) : EXIT_FAILURE;
}
