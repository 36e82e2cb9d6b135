// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reader of the .bin index files (docs/formats.md 1): opening, checking the header,
 * the exact lookups, and the public entry points.
 *
 * The file is a 12-byte big-endian header (magic, version with major 2 in the high
 * half, root node pointer) followed by the nodes of a radix trie; index-format.h
 * has the constants, index-reader.h the bounds-checked node decoder. Nodes may be
 * placed anywhere (kmod 34.2 writes parents before children, older kmod after them),
 * so the reader only ever follows pointers.
 *
 * Where each lookup is done:
 *   index_mm_search(), index_mm_search_all()   here: one walk down the trie, as
 *                                              formats.md 1.9 says;
 *   index_mm_searchwild()                      index-wild.c, the accelerated glob;
 *   index_mm_dump()                            index-dump.c;
 * and index-plain.c has all of them again written for reading, the reference the
 * tests compare these with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-reader.h"
#include "index.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"
#include "util.h"

struct index_value *index_value_new(const char *str, size_t len, uint32_t prio)
{
	struct index_value *v = malloc(sizeof(*v) + len + 1);

	if (v == NULL)
		return NULL;
	v->next = NULL;
	v->priority = prio;
	v->len = len;
	memcpy(v->value, str, len);
	v->value[len] = '\0';
	return v;
}

void index_values_free(struct index_value *values)
{
	while (values != NULL) {
		struct index_value *next = values->next;

		free(values);
		values = next;
	}
}

static int index_check_header(const struct kmod_ctx *ctx, const uint8_t *mm, size_t size,
			      uint32_t *root)
{
	uint32_t magic, version;

	if (size < INDEX_HEADER_SIZE)
		return -EINVAL;
	magic = be32(mm);
	version = be32(mm + 4);
	if (magic != INDEX_MAGIC) {
		ERR(ctx, "magic check fail: %x instead of %x\n", magic, INDEX_MAGIC);
		return -EINVAL;
	}
	if (version >> 16 != INDEX_VERSION_MAJOR) {
		ERR(ctx, "major version check fail: %u instead of %u\n", version >> 16,
		    INDEX_VERSION_MAJOR);
		return -EINVAL;
	}
	*root = be32(mm + 8);
	return 0;
}

int index_mm_open(const struct kmod_ctx *ctx, const char *filename,
		  unsigned long long *stamp, struct index_mm **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ struct index_mm *idx = NULL;
	struct stat st;
	void *mm;
	uint32_t root;
	int err;

	/* a FIFO must not block us, nor a device be opened: regular files only */
	fd = regfile_open(filename, 0, &st);
	if (fd == -EINVAL || fd == -EISDIR) {
		ERR(ctx, "%s: not a regular file\n", filename);
		return -EINVAL;
	}
	if (fd < 0)
		return fd;
	if ((size_t)st.st_size < INDEX_HEADER_SIZE)
		return -EINVAL;

	idx = malloc(sizeof(*idx));
	if (idx == NULL)
		return -ENOMEM;

	mm = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (mm == MAP_FAILED)
		return -errno;

	err = index_check_header(ctx, mm, st.st_size, &root);
	if (err < 0) {
		munmap(mm, st.st_size);
		return err;
	}

	idx->mm = mm;
	idx->size = st.st_size;
	idx->root = root;
	idx->mapped = true;
	idx->forward = (root & INDEX_NODE_OFFSET) == INDEX_HEADER_SIZE;
	if (stamp != NULL)
		*stamp = stat_mstamp(&st);
	*out = TAKE_PTR(idx);
	return 0;
}

int index_mm_open_mem(const struct kmod_ctx *ctx, const void *data, size_t size,
		      struct index_mm **out)
{
	struct index_mm *idx;
	uint32_t root;
	int err;

	err = index_check_header(ctx, data, size, &root);
	if (err < 0)
		return err;
	idx = malloc(sizeof(*idx));
	if (idx == NULL)
		return -ENOMEM;
	idx->mm = data;
	idx->size = size;
	idx->root = root;
	idx->mapped = false;
	idx->forward = (root & INDEX_NODE_OFFSET) == INDEX_HEADER_SIZE;
	*out = idx;
	return 0;
}

void index_mm_close(struct index_mm *idx)
{
	if (idx == NULL)
		return;
	if (idx->mapped)
		munmap((void *)idx->mm, idx->size);
	free(idx);
}

/* ---- exact lookup ------------------------------------------------------------- */

/* Each step consumes at least one byte of key, so no loop guard is needed. */
static bool lookup_exact(const struct index_mm *idx, const char *key, struct node *out)
{
	uint32_t ptr = idx->root;
	size_t i = 0;

	for (;;) {
		struct node n;

		if (!node_read(idx, ptr, &n))
			return false;
		if (n.prefix_len > 0) {
			if (strncmp(key + i, n.prefix, n.prefix_len) != 0)
				return false;
			i += n.prefix_len;
		}
		if (key[i] == '\0') {
			*out = n;
			return true;
		}
		ptr = node_child(idx, &n, key[i]);
		i++;
	}
}

char *index_mm_search(const struct index_mm *idx, const char *key)
{
	struct value_iter it;
	struct node n;
	const char *str;
	size_t len;
	uint32_t prio;
	char *ret;

	if (!lookup_exact(idx, key, &n))
		return NULL;
	value_iter_init(&it, idx, &n);
	if (!value_next(&it, &prio, &str, &len))
		return NULL;
	ret = malloc(len + 1);
	if (ret == NULL)
		return NULL;
	memcpy(ret, str, len + 1);
	return ret;
}

struct index_value *index_mm_search_all(const struct index_mm *idx, const char *key)
{
	struct index_value *head = NULL, **tail = &head;
	struct value_iter it;
	struct node n;
	const char *str;
	size_t len;
	uint32_t prio;

	if (!lookup_exact(idx, key, &n))
		return NULL;
	value_iter_init(&it, idx, &n);
	while (value_next(&it, &prio, &str, &len)) {
		struct index_value *v = index_value_new(str, len, prio);

		if (v == NULL) {
			index_values_free(head);
			return NULL;
		}
		*tail = v;
		tail = &v->next;
	}
	return head;
}

struct index_value *index_mm_searchwild(const struct index_mm *idx, const char *key)
{
	return index_wild_search(idx, key);
}
