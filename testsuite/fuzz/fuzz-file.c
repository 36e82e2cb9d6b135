// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "file": the input is a module file (.ko, .ko.gz, .ko.xz or .ko.zst:
 * the first bytes decide, formats.md 5). It is written to a memfd and opened through
 * /proc/self/fd like any module path: file_open(), file_load_contents() (the
 * decompressor), then the image goes through elf_new() and the .modinfo, symbol and
 * signature readers, as modinfo and depmod use them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/kmod-elf.h"
#include "lib/macro.h"
#include "lib/signature.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char mempath[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	memfd = memfd_create("fuzz-file", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(mempath, sizeof(mempath), "/proc/self/fd/%d", memfd);
	return 0;
}

static void use_image(const void *image, size_t size)
{
	struct kmod_modversion *v;
	struct kmod_elf *elf;
	struct sig_info sig;
	char **strings;
	int n;

	if (sig_info_get(image, size, &sig))
		sig_info_release(&sig);
	if (elf_new(image, size, &elf) < 0)
		return;
	n = elf_get_strings(elf, ".modinfo", &strings);
	if (n > 0)
		free(strings);
	n = elf_get_symbols(elf, &v);
	if (n >= 0)
		free(v);
	n = elf_get_dependency_symbols(elf, &v);
	if (n >= 0)
		free(v);
	elf_free(elf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmod_file *file;

	if (ftruncate(memfd, 0) < 0 ||
	    (size > 0 && pwrite(memfd, data, size, 0) != (ssize_t)size))
		abort();
	if (file_open(NULL, mempath, &file) < 0)
		return 0;
	if (file_load_contents(file) == 0) {
		const void *image = file_get_contents(file);
		size_t len = file_get_size(file);

		/* a plain file is the input itself */
		if (file_get_compression(file) == KMOD_FILE_COMPRESSION_NONE &&
		    (len != size || (size > 0 && memcmp(image, data, size) != 0)))
			abort();
		use_image(image, len);
	}
	file_free(file);
	return 0;
}

#define FUZZ_INITIALIZE
#include "fuzz-main.h"
