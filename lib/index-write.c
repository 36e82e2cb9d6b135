// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writer of the .bin index files (formats.md 1.5-1.7), in kmod 34.2's layout.
 *
 * The index is a radix trie over the key bytes. The root never carries a prefix;
 * every other node's prefix is as long as possible, because a node is only split
 * where two keys diverge or a key ends, so the shape depends on the set of keys
 * alone. A node's values are kept sorted by priority, a new value going before the
 * first one whose priority is >= its own (formats.md 1.6).
 *
 * On disk: a 12-byte header (magic, version 2.1, root node pointer), then every node
 * in pre-order, each directly followed by its children's subtrees in ascending byte
 * order. A node pointer is the node's offset with flag bits saying which of the
 * optional fields (prefix, child table, value list) the node has. Offsets have 28
 * bits, so an index is limited to 256 MiB.
 *
 * Nodes, prefixes and values live in an arena freed at once: depmod builds several
 * indexes of tens of thousands of keys and only ever throws them away whole.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index-format.h"
#include "index.h"
#include "macro.h"

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct wvalue {
	struct wvalue *next;
	uint32_t priority;
	uint32_t len;
	char str[];
};

struct wchild {
	unsigned char c;
	struct wnode *node;
};

struct wnode {
	const char *prefix; /* not NUL-terminated */
	uint32_t prefix_len;
	uint8_t nchild, capchild;
	struct wchild *child; /* ascending by c */
	struct wvalue *values;
	/* filled while writing */
	uint64_t size, total;
};

struct index_writer {
	struct arena_block *arena;
	struct wnode root;
};

static void *arena_alloc(struct index_writer *w, size_t len)
{
	struct arena_block *b = w->arena;
	size_t align = sizeof(max_align_t);
	void *p;

	len = (len + align - 1) & ~(align - 1);
	if (b == NULL || b->size - b->used < len) {
		size_t size = MAX((size_t)ARENA_BLOCK, len);

		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		/* a big one-off allocation must not strand the current block's space */
		if (w->arena != NULL && size > ARENA_BLOCK) {
			b->next = w->arena->next;
			w->arena->next = b;
		} else {
			b->next = w->arena;
			w->arena = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += len;
	return p;
}

struct index_writer *index_writer_new(void)
{
	return calloc(1, sizeof(struct index_writer));
}

void index_writer_free(struct index_writer *w)
{
	if (w == NULL)
		return;
	while (w->arena != NULL) {
		struct arena_block *next = w->arena->next;

		free(w->arena);
		w->arena = next;
	}
	free(w);
}

static bool is_ascii(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char acc = 0;
	size_t i;

	for (i = 0; p[i] != '\0'; i++)
		acc |= p[i];
	*len = i;
	return acc < 0x80;
}

static struct wnode *wnode_new(struct index_writer *w, const char *prefix, size_t len)
{
	struct wnode *n = arena_alloc(w, sizeof(*n) + len);
	char *copy;

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	copy = (char *)(n + 1);
	if (len > 0)
		memcpy(copy, prefix, len);
	n->prefix = copy;
	n->prefix_len = len;
	return n;
}

/* Position of c in n's children, or where it would go (*found = false). */
static size_t wnode_find(const struct wnode *n, unsigned char c, bool *found)
{
	size_t lo = 0, hi = n->nchild;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (n->child[mid].c < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n->nchild && n->child[lo].c == c;
	return lo;
}

static int wnode_add_child(struct index_writer *w, struct wnode *n, size_t pos,
			   unsigned char c, struct wnode *child)
{
	if (n->nchild == n->capchild) {
		/* at most 128 children: byte values below 0x80 */
		size_t cap = n->capchild ? (size_t)n->capchild * 2 : 2;
		struct wchild *arr;

		cap = MIN(cap, (size_t)INDEX_CHILD_MAX);
		arr = arena_alloc(w, cap * sizeof(*arr));
		if (arr == NULL)
			return -ENOMEM;
		if (n->nchild > 0)
			memcpy(arr, n->child, n->nchild * sizeof(*arr));
		n->child = arr;
		n->capchild = cap;
	}
	memmove(n->child + pos + 1, n->child + pos,
		(n->nchild - pos) * sizeof(*n->child));
	n->child[pos] = (struct wchild){ .c = c, .node = child };
	n->nchild++;
	return 0;
}

/* n keeps prefix[0..j); the rest moves with n's values and children to a new child
 * under prefix[j]. */
static int wnode_split(struct index_writer *w, struct wnode *n, size_t j)
{
	struct wnode *tail = arena_alloc(w, sizeof(*tail));

	if (tail == NULL)
		return -ENOMEM;
	*tail = (struct wnode){
		.prefix = n->prefix + j + 1,
		.prefix_len = n->prefix_len - j - 1,
		.nchild = n->nchild,
		.capchild = n->capchild,
		.child = n->child,
		.values = n->values,
	};
	n->prefix_len = j;
	n->values = NULL;
	n->nchild = 0;
	n->capchild = 0;
	n->child = NULL;
	return wnode_add_child(w, n, 0, (unsigned char)n->prefix[j], tail);
}

static int wnode_add_value(struct index_writer *w, struct wnode *n, const char *value,
			   size_t len, unsigned int priority)
{
	struct wvalue *v, **pos = NULL, **it;
	bool dup = false;

	for (it = &n->values; *it != NULL; it = &(*it)->next) {
		if (pos == NULL && (*it)->priority >= priority)
			pos = it;
		if ((*it)->len == len && memcmp((*it)->str, value, len) == 0)
			dup = true;
	}
	if (pos == NULL)
		pos = it;

	v = arena_alloc(w, sizeof(*v) + len + 1);
	if (v == NULL)
		return -ENOMEM;
	v->priority = priority;
	v->len = len;
	memcpy(v->str, value, len + 1);
	v->next = *pos;
	*pos = v;
	return dup ? 1 : 0;
}

int index_writer_insert(struct index_writer *w, const char *key, const char *value,
			unsigned int priority)
{
	struct wnode *n = &w->root;
	size_t keylen, vlen, i = 0;
	int err;

	if (!is_ascii(key, &keylen) || !is_ascii(value, &vlen))
		return -EINVAL;
	if (vlen > UINT32_MAX)
		return -E2BIG;

	for (;;) {
		size_t j = 0, pos;
		struct wnode *child;
		bool found;

		while (j < n->prefix_len && key[i + j] == n->prefix[j])
			j++;
		if (j < n->prefix_len) {
			err = wnode_split(w, n, j);
			if (err < 0)
				return err;
		}
		i += j;

		if (key[i] == '\0')
			return wnode_add_value(w, n, value, vlen, priority);

		pos = wnode_find(n, key[i], &found);
		if (found) {
			n = n->child[pos].node;
			i++;
			continue;
		}
		if (keylen - i - 1 > UINT32_MAX)
			return -E2BIG;
		child = wnode_new(w, key + i + 1, keylen - i - 1);
		if (child == NULL)
			return -ENOMEM;
		err = wnode_add_value(w, child, value, vlen, priority);
		if (err < 0)
			return err;
		return wnode_add_child(w, n, pos, key[i], child);
	}
}

static uint32_t wnode_flags(const struct wnode *n)
{
	return (n->prefix_len > 0 ? INDEX_NODE_PREFIX : 0) |
	       (n->nchild > 0 ? INDEX_NODE_CHILDS : 0) |
	       (n->values != NULL ? INDEX_NODE_VALUES : 0);
}

/* Sizes of every node and subtree; depth is bounded by the longest key. */
static void wnode_measure(struct wnode *n)
{
	uint64_t size = 0, total;

	if (n->prefix_len > 0)
		size += n->prefix_len + 1;
	if (n->nchild > 0)
		size += 2 + 4 * (uint64_t)(n->child[n->nchild - 1].c - n->child[0].c + 1);
	if (n->values != NULL) {
		size += 4;
		for (const struct wvalue *v = n->values; v != NULL; v = v->next)
			size += 4 + (uint64_t)v->len + 1;
	}
	total = size;
	for (size_t i = 0; i < n->nchild; i++) {
		wnode_measure(n->child[i].node);
		total += n->child[i].node->total;
	}
	n->size = size;
	n->total = total;
}

static inline uint8_t *put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

static void wnode_emit(const struct wnode *n, uint8_t *buf, uint32_t at)
{
	uint8_t *p = buf + at;
	uint32_t next = at + (uint32_t)n->size;

	if (n->prefix_len > 0) {
		memcpy(p, n->prefix, n->prefix_len);
		p += n->prefix_len;
		*p++ = '\0';
	}
	if (n->nchild > 0) {
		unsigned int first = n->child[0].c, last = n->child[n->nchild - 1].c;
		size_t i = 0;

		*p++ = first;
		*p++ = last;
		for (unsigned int c = first; c <= last; c++) {
			const struct wnode *child;

			if (n->child[i].c != c) {
				p = put_be32(p, 0);
				continue;
			}
			child = n->child[i++].node;
			p = put_be32(p, next | wnode_flags(child));
			next += (uint32_t)child->total;
		}
	}
	if (n->values != NULL) {
		uint32_t count = 0;
		uint8_t *countp = p;

		p += 4;
		for (const struct wvalue *v = n->values; v != NULL; v = v->next) {
			p = put_be32(p, v->priority);
			memcpy(p, v->str, v->len + 1);
			p += v->len + 1;
			count++;
		}
		put_be32(countp, count);
	}

	next = at + (uint32_t)n->size;
	for (size_t i = 0; i < n->nchild; i++) {
		wnode_emit(n->child[i].node, buf, next);
		next += (uint32_t)n->child[i].node->total;
	}
}

int index_writer_write(const struct index_writer *w, FILE *out)
{
	/* the sizes are scratch fields of the trie, not part of its value */
	struct wnode *root = (struct wnode *)&w->root;
	_cleanup_free_ uint8_t *buf = NULL;
	uint64_t filesize;

	wnode_measure(root);
	filesize = INDEX_HEADER_SIZE + root->total;
	/* every node offset must fit in 28 bits; the last one starts before the end */
	if (filesize > INDEX_OFFSET_LIMIT)
		return -EFBIG;

	buf = malloc(filesize);
	if (buf == NULL)
		return -ENOMEM;
	put_be32(buf, INDEX_MAGIC);
	put_be32(buf + 4, INDEX_VERSION);
	put_be32(buf + 8, INDEX_HEADER_SIZE | wnode_flags(root));
	wnode_emit(root, buf, INDEX_HEADER_SIZE);

	if (fwrite(buf, 1, filesize, out) != filesize || fflush(out) != 0)
		return errno > 0 ? -errno : -EIO;
	return 0;
}
