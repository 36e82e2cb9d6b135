// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder: replaced by the real tool. */
#include <stdio.h>
#include <stdlib.h>

#include "kmod.h"

static int do_static_nodes(int argc, char *argv[])
{
	fprintf(stderr, "%s: not implemented yet\n", "static-nodes");
	return EXIT_FAILURE;
}

const struct kmod_cmd kmod_cmd_static_nodes = {
	.name = "static-nodes",
	.cmd = do_static_nodes,
	.help = "static-nodes (not implemented yet)",
};
