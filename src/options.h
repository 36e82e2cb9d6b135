/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Joins module parameters given as separate operands into the one option
 * string the kernel takes (tools.md 1.2). Returns a malloc'd string (empty when
 * nargs is 0), or NULL on allocation failure.
 */
char *options_from_array(char **args, int nargs);
