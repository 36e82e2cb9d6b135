// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helper of the depmod tests: prints a .bin index through modkit's reader, so two
 * indexes can be compared independently of their node placement.
 *
 *   test-depmod-dump FILE          one "KEY VALUE" line per value, keys in byte order
 *   test-depmod-dump --root FILE   the header's root offset (12 = kmod 34.2 pre-order)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/internal.h"

static int print_root(const char *path)
{
	uint8_t hdr[12];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0) {
		perror(path);
		return EXIT_FAILURE;
	}
	r = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (r != (ssize_t)sizeof(hdr)) {
		fprintf(stderr, "%s: short file\n", path);
		return EXIT_FAILURE;
	}
	printf("%u\n", (unsigned int)(((uint32_t)hdr[8] << 24 | (uint32_t)hdr[9] << 16 |
				       (uint32_t)hdr[10] << 8 | hdr[11]) &
				      0x0FFFFFFFu));
	return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	struct index_mm *idx;
	int err;

	if (argc == 3 && strcmp(argv[1], "--root") == 0)
		return print_root(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s [--root] FILE\n", argv[0]);
		return EXIT_FAILURE;
	}
	err = index_mm_open(NULL, argv[1], NULL, &idx);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-err));
		return EXIT_FAILURE;
	}
	err = index_mm_dump(idx, STDOUT_FILENO, "");
	index_mm_close(idx);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
