// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "builtin": modules.builtin.modinfo (formats.md 2.8) through
 * builtin_modinfo_parse(). The input's first line is the module name to look for,
 * the rest is the file's content; every string returned must be the key=value part
 * of one of the name's records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/macro.h"
#include "lib/module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "<name>.<s>" must be one of the records of data (NUL-separated, last one may be cut) */
static void check_record(const char *data, size_t size, const char *name, const char *s)
{
	size_t namelen = strlen(name), len = strlen(s);

	for (const char *p = data, *end = data + size; p < end;) {
		const char *nul = memchr(p, '\0', end - p);
		size_t reclen = (nul != NULL ? nul : end) - p;

		if (reclen == namelen + 1 + len && memcmp(p, name, namelen) == 0 &&
		    p[namelen] == '.' && memcmp(p + namelen + 1, s, len) == 0)
			return;
		p += reclen + 1;
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t namelen = nl != NULL ? (size_t)(nl - (const char *)data) : 0;
	char *name = strndup((const char *)data, namelen);
	const char *rest = nl != NULL ? nl + 1 : (const char *)data;
	size_t restlen = size - (size_t)(rest - (const char *)data);
	char **strings = NULL;
	int n;

	if (name == NULL)
		return 0;
	/* a copy of exactly restlen bytes, so that reads past it are caught */
	{
		char *copy = malloc(restlen ? restlen : 1);

		if (copy != NULL) {
			memcpy(copy, rest, restlen);
			n = builtin_modinfo_parse(copy, restlen, name, &strings);
			for (int i = 0; i < n; i++)
				check_record(copy, restlen, name, strings[i]);
			if (n > 0)
				free(strings);
			free(copy);
		}
	}
	free(name);
	return 0;
}

#include "fuzz-main.h"
