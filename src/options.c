// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "options.h"

/* A value with a space must reach the kernel quoted, unless the user quoted it. */
static bool push_arg(struct strbuf *buf, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq != NULL && strchr(eq + 1, ' ') != NULL && eq[1] != '"' && eq[1] != '\'') {
		return strbuf_pushmem(buf, arg, eq + 1 - arg) &&
		       strbuf_pushchar(buf, '"') && strbuf_pushchars(buf, eq + 1) &&
		       strbuf_pushchar(buf, '"');
	}
	return strbuf_pushchars(buf, arg);
}

char *options_from_array(char **args, int nargs)
{
	struct strbuf buf;

	strbuf_init(&buf);
	for (int i = 0; i < nargs; i++) {
		if ((i > 0 && !strbuf_pushchar(&buf, ' ')) || !push_arg(&buf, args[i])) {
			strbuf_release(&buf);
			return NULL;
		}
	}
	return strbuf_steal(&buf);
}
