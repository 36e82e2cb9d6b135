// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_depmod(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "depmod");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_compat_depmod = {
	.name = "depmod",
	.cmd = do_depmod,
	.help = "depmod (not implemented yet)",
};
