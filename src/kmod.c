// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder entry point until the tools land (issue: the tools). */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "kmod: tools not built yet\n");
	return 1;
}
