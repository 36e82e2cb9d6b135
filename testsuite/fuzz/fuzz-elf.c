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

/*
 * KMOD_INSERT_FORCE_VERMAGIC alone (formats.md 3.8): the only change is one string
 * that started with "vermagic=" zeroed, up to its end. Checked on the bytes rather
 * than by reading .modinfo again, since a hostile image may overlap its headers with
 * that string.
 */
static void check_vermagic_strip(const uint8_t *orig, const uint8_t *image, size_t size)
{
	size_t first = 0, last = size;

	while (first < size && orig[first] == image[first])
		first++;
	while (last > first && orig[last - 1] == image[last - 1])
		last--;
	if (first == size || last - first < 9 ||
	    memcmp(orig + first, "vermagic=", 9) != 0)
		abort();
	for (size_t i = first; i < last; i++) {
		if (image[i] != '\0' || orig[i] == '\0')
			abort();
	}
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
		if (flags == KMOD_INSERT_FORCE_VERMAGIC)
			check_vermagic_strip(data, image, size);
		/* a flag of the section headers changed: still a module */
		if (flags == KMOD_INSERT_FORCE_MODVERSION) {
			if (elf_new(image, size, &stripped) < 0)
				abort();
			elf_free(stripped);
		}
		free(image);
	}
	elf_free(elf);
	(void)total;
	return 0;
}

#include "fuzz-main.h"
