/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: elf. May use: helpers, libkmod.h. Used by the module layer, depmod and
 * the tools.
 *
 * Reading a module's ELF image (formats.md 3). Invariants: the image is untrusted,
 * so every offset and size is checked against it and a hostile image gives an
 * error, never a read outside it; the image is never written; the getters copy
 * what they return, so their results outlive both the elf object and the image.
 * Nothing here logs.
 */

#include <stddef.h>
#include <stdint.h>

#include "libkmod.h"

struct kmod_elf;
struct kmod_modversion {
	uint64_t crc;
	enum kmod_symbol_bind bind;
	const char *symbol;
};

/* Validates the headers; memory must outlive the elf object. -ENOEXEC if it is
 * not ELF (too short, bad magic), -EINVAL if its headers are inconsistent.
 * The getters below give -ENODATA when a section they need is absent, -EINVAL
 * when it is malformed (outside the image, not NUL-terminated, bad size), -ENOMEM. */
int elf_new(const void *memory, size_t size, struct kmod_elf **out);
void elf_free(struct kmod_elf *elf);
/* Strings of a section split on NUL runs (.modinfo): *array is ONE allocation
 * (pointers followed by the copied strings), free() it. Returns the count; with 0
 * strings *array is NULL. */
int elf_get_strings(const struct kmod_elf *elf, const char *section, char ***array);
/* __versions records (one leading '.' of a name dropped, bind NONE). *array is one
 * allocation (free() it). Returns the count. */
int elf_get_modversions(const struct kmod_elf *elf, struct kmod_modversion **array);
/* Exported symbols (formats.md 3.4, bind NONE), one allocation. Returns the count;
 * -ENODATA when the module has neither __crc_ symbols nor __ksymtab_strings. */
int elf_get_symbols(const struct kmod_elf *elf, struct kmod_modversion **array);
/* Undefined symbols + unmatched __versions (formats.md 3.5; bind UNDEF or WEAK,
 * names as stored), one allocation (also when the count is 0). */
int elf_get_dependency_symbols(const struct kmod_elf *elf,
			       struct kmod_modversion **array);
/* Returns a malloc'd copy of the image with the formats.md 3.8 edits for
 * KMOD_INSERT_FORCE_* flags applied; -ENODATA when there is no vermagic to strip. */
int elf_strip(const struct kmod_elf *elf, unsigned int flags, void **image);
