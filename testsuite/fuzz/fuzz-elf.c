// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "elf": a plain module image goes through elf_new(), every elf_get_*()
 * reader, elf_strip() with each flag combination, and the signature trailer parser.
 * Built by testsuite/fuzz/meson.build as a libFuzzer program (-Dfuzz=true) and as a
 * replay program (fuzz-main.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kmod-elf.h"
#include "lib/macro.h"
#include "lib/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every returned string so that a bad pointer is seen by ASan. */
static size_t touch_versions(const struct kmod_modversion *v, int n)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += strlen(v[i].symbol) + (size_t)v[i].crc + (size_t)v[i].bind;
	return total;
}

/* vermagic= strings of .modinfo, -1 when it cannot be read */
static int count_vermagic(const struct kmod_elf *elf)
{
	char **strings;
	int n = elf_get_strings(elf, ".modinfo", &strings), count = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		count += strncmp(strings[i], "vermagic=", 9) == 0;
	if (n > 0)
		free(strings);
	return count;
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
		struct kmod_elf *stripped;

		if (elf_strip(elf, flags, &image) < 0)
			continue;
		/* the edited copy is still a module; with one vermagic= less when its
		 * .modinfo could be read (a zeroed string may end one that was cut) */
		if (elf_new(image, size, &stripped) < 0)
			abort();
		if ((flags & KMOD_INSERT_FORCE_VERMAGIC) && count_vermagic(elf) >= 0 &&
		    count_vermagic(stripped) != count_vermagic(elf) - 1)
			abort();
		elf_free(stripped);
		free(image);
	}
	elf_free(elf);
	(void)total;
	return 0;
}

#include "fuzz-main.h"
