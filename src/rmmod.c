// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_rmmod(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "rmmod");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_compat_rmmod = {
	.name = "rmmod",
	.cmd = do_rmmod,
	.help = "rmmod (not implemented yet)",
};
