// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz entry for module images: the input goes through elf_new(), every
 * elf_get_*() reader, elf_strip() and the signature trailer parser. Without
 * libFuzzer (FUZZ_LIBFUZZER undefined) main() replays the files named on the
 * command line, printing TAP; any crash or sanitizer report fails it.
 *
 * A libFuzzer build, from the source root with a configured build dir B:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DFUZZ_LIBFUZZER \
 *     -include B/config.h -Ilib -I. testsuite/fuzz/fuzz-elf.c lib/elf.c lib/file*.c \
 *     lib/signature.c lib/util.c lib/strbuf.c lib/log.c -ldl -o fuzz-elf
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every returned string so that a bad pointer is seen by ASan. */
static size_t touch_versions(const struct kmod_modversion *v, int n)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += strlen(v[i].symbol) + (size_t)v[i].crc + (size_t)v[i].bind;
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmod_elf *elf;
	struct kmod_modversion *v;
	struct sig_info sig;
	char **strings;
	size_t total = 0;
	void *image;
	int n;

	if (sig_info_get(data, size, &sig)) {
		char *hex = sig_hex_format(sig.sig, sig.sig_len);

		total += hex ? strlen(hex) : 0;
		free(hex);
		sig_info_release(&sig);
	}

	if (elf_new(data, size, &elf) < 0)
		return 0;
	n = elf_get_strings(elf, ".modinfo", &strings);
	if (n >= 0) {
		for (int i = 0; i < n; i++)
			total += strlen(strings[i]);
		free(strings);
	}
	n = elf_get_modversions(elf, &v);
	if (n >= 0) {
		total += touch_versions(v, n);
		free(v);
	}
	n = elf_get_symbols(elf, &v);
	if (n >= 0) {
		total += touch_versions(v, n);
		free(v);
	}
	n = elf_get_dependency_symbols(elf, &v);
	if (n >= 0) {
		total += touch_versions(v, n);
		free(v);
	}
	for (unsigned flags = 0; flags < 4; flags++) {
		if (elf_strip(elf, flags, &image) == 0)
			free(image);
	}
	elf_free(elf);
	(void)total;
	return 0;
}

#ifndef FUZZ_LIBFUZZER
int main(int argc, char *argv[])
{
	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		char *data = NULL;
		size_t len = 0;
		uint8_t *exact;

		if (read_file(argv[i], &data, &len) < 0) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			return 1;
		}
		/* an exactly sized copy, so that ASan catches reads past the end */
		exact = malloc(len ? len : 1);
		if (exact == NULL)
			return 1;
		memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
		printf("ok %d - %s\n", i, argv[i]);
	}
	return 0;
}
#endif
