// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helper of the depmod tests: prints a .bin index through modkit's reader, so two
 * indexes can be compared independently of their node placement.
 *
 *   test-depmod-dump FILE          one "KEY VALUE" line per value, keys in byte order
 *   test-depmod-dump --root FILE   the header's root offset (12 = kmod 34.2 pre-order)
 *   test-depmod-dump --preorder FILE
 *                                  checks kmod 34.2's placement: every node directly
 *                                  follows the previous one of a pre-order walk
 *                                  (children in ascending order) and the last one ends
 *                                  the file; prints "ok" or what is wrong, exit 0/1
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/index.h"
#include "lib/macro.h"
#include "lib/util.h"

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

struct image {
	const uint8_t *p;
	size_t size;
	size_t next; /* where the next node of the walk must start */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks the node at ptr; -1 (with a message) when the placement is not pre-order. */
static int walk(struct image *im, uint32_t ptr, unsigned int depth)
{
	size_t off = ptr & 0x0FFFFFFFu, pos = off;
	uint32_t children[128];
	int first = 0, last = -1;

	if (depth > 4096 || off != im->next || off >= im->size) {
		printf("node at %zu, expected at %zu\n", off, im->next);
		return -1;
	}
	if (ptr & 0x80000000u) { /* prefix */
		const uint8_t *nul = memchr(im->p + pos, 0, im->size - pos);

		if (nul == NULL)
			return printf("unterminated prefix at %zu\n", pos), -1;
		pos = (size_t)(nul - im->p) + 1;
	}
	if (ptr & 0x20000000u) { /* children */
		if (pos + 2 > im->size)
			return printf("truncated child table at %zu\n", pos), -1;
		first = im->p[pos];
		last = im->p[pos + 1];
		pos += 2;
		if (first > last || last >= 128 ||
		    pos + 4 * (size_t)(last - first + 1) > im->size)
			return printf("bad child table at %zu\n", pos), -1;
		for (int c = first; c <= last; c++, pos += 4)
			children[c] = be32(im->p + pos);
	}
	if (ptr & 0x40000000u) { /* values */
		uint32_t count;

		if (pos + 4 > im->size)
			return printf("truncated value list at %zu\n", pos), -1;
		count = be32(im->p + pos);
		pos += 4;
		for (uint32_t i = 0; i < count; i++) {
			const uint8_t *nul;

			if (pos + 4 >= im->size)
				return printf("truncated value at %zu\n", pos), -1;
			nul = memchr(im->p + pos + 4, 0, im->size - pos - 4);
			if (nul == NULL)
				return printf("unterminated value at %zu\n", pos), -1;
			pos = (size_t)(nul - im->p) + 1;
		}
	}
	im->next = pos;
	for (int c = first; c <= last; c++) {
		if ((children[c] & 0x0FFFFFFFu) != 0 &&
		    walk(im, children[c], depth + 1) < 0)
			return -1;
	}
	return 0;
}

static int check_preorder(const char *path)
{
	_cleanup_free_ char *data = NULL;
	struct image im;
	size_t size;
	int err = read_file(path, &data, &size);

	if (err < 0) {
		printf("%s: %s\n", path, strerror(-err));
		return EXIT_FAILURE;
	}
	if (size < 12 || be32((uint8_t *)data) != 0xB007F457u) {
		printf("%s: not an index\n", path);
		return EXIT_FAILURE;
	}
	im = (struct image){ .p = (const uint8_t *)data, .size = size, .next = 12 };
	if (size == 12) /* empty index: root pointer 12, nothing else */
		return be32(im.p + 8) == 12 ? (printf("ok\n"), EXIT_SUCCESS) :
					      EXIT_FAILURE;
	if (walk(&im, be32(im.p + 8), 0) < 0)
		return EXIT_FAILURE;
	if (im.next != size) {
		printf("last node ends at %zu, file size %zu\n", im.next, size);
		return EXIT_FAILURE;
	}
	printf("ok\n");
	return EXIT_SUCCESS;
}

int main(int argc, char *argv[])
{
	struct index_mm *idx;
	int err;

	if (argc == 3 && strcmp(argv[1], "--root") == 0)
		return print_root(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--preorder") == 0)
		return check_preorder(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s [--root|--preorder] FILE\n", argv[0]);
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
