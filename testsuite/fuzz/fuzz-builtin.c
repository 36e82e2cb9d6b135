// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz entry for the modules.builtin.modinfo reader (builtin_modinfo_parse). The
 * input's first line is the module name to look for, the rest is the file's
 * content. Without libFuzzer (FUZZ_LIBFUZZER undefined) main() replays the files
 * named on the command line and prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
				if (strlen(strings[i]) > restlen)
					abort();
			free(strings);
			free(copy);
		}
	}
	free(name);
	return 0;
}

#ifndef FUZZ_LIBFUZZER
int main(int argc, char *argv[])
{
	printf("TAP version 13\n1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rbe");
		char *buf = NULL;
		size_t len = 0, cap = 0, r;

		if (f == NULL) {
			printf("not ok %d - %s (cannot open)\n", i, argv[i]);
			continue;
		}
		do {
			if (len == cap) {
				char *nb = realloc(buf, cap ? cap * 2 : 65536);

				if (nb == NULL)
					break;
				buf = nb;
				cap = cap ? cap * 2 : 65536;
			}
			r = fread(buf + len, 1, cap - len, f);
			len += r;
		} while (r > 0);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		free(buf);
		printf("ok %d - %s\n", i, argv[i]);
	}
	return 0;
}
#endif
