/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The dump of one of a context's indexes as text, for the tools that search it by
 * hand (the "did you mean" hint, modprobe --explain). Needs the library's context
 * layer, so only files that already include lib/ctx.h include this.
 */

#include "lib/ctx.h"

/* "key value" lines, as modprobe -c prints them; malloc'd and NUL-terminated, or
 * NULL when the index is absent or cannot be read. Defined in hint.c. */
char *tool_index_text(struct kmod_ctx *ctx, enum index_type type);
