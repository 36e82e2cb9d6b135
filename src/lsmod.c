// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_lsmod(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "lsmod");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_compat_lsmod = {
	.name = "lsmod",
	.cmd = do_lsmod,
	.help = "lsmod (not implemented yet)",
};

const struct kmod_cmd kmod_cmd_list = {
	.name = "list",
	.cmd = do_lsmod,
	.help = "list currently loaded modules",
};
