// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_modprobe(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "modprobe");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_compat_modprobe = {
	.name = "modprobe",
	.cmd = do_modprobe,
	.help = "modprobe (not implemented yet)",
};
