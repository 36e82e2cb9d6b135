// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_modinfo(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "modinfo");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_compat_modinfo = {
	.name = "modinfo",
	.cmd = do_modinfo,
	.help = "modinfo (not implemented yet)",
};
