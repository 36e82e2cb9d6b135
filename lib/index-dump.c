// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The text dump of an index (modprobe -c): one "<prefix><key> <value>\n" line per
 * value, in pre-order with children by ascending byte, so keys come out in byte
 * order (docs/formats.md 1.9). index_plain_walk() (index-plain.c) visits the same
 * pairs in the same order, recursively and plainly; the tests compare the two.
 *
 * modprobe -c prints every alias and symbol of the machine, tens of thousands of
 * lines, so this walk is tuned:
 *   - it is iterative, with a heap array of frames: a hostile file's depth cannot
 *     run the C stack out, and each frame is small;
 *   - a frame records the used slots of its child table as a bit mask, found with
 *     SSE2 four slots per compare: child tables are mostly empty slots (a node with
 *     children '6' and 't' has 63), in no pattern a branch predictor would learn;
 *   - lines are assembled in a 64 KiB buffer written out when full, and short keys
 *     and values are copied with fixed 32-byte memcpy()s (two vector moves) rather
 *     than memcpy() of the exact length, whose dispatch on the length costs more
 *     than the copy; the buffers keep the slack for the overshoot.
 * The work is bounded: nodes of a tree occupy disjoint, non-empty ranges of the
 * file, so visiting more nodes than the file has bytes means a hostile file shares
 * subtrees, and the dump stops with -ELOOP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "index-reader.h"
#include "index.h"
#include "util.h"

/* A node on the path from the root whose children are being listed: the walk is
 * iterative, a heap array of these instead of the C stack. */
struct dump_frame {
	const uint8_t *childs;
	uint64_t todo[2]; /* child slots not yet visited (bit i: character first + i) */
	size_t off; /* the node's offset: see dump_child_ok() */
	size_t keylen; /* key length without the child's character */
	unsigned int first;
};

struct dumper {
	const struct index_mm *idx;
	int fd;
	int err;
	char *key; /* the prefix, then the key of the current node */
	size_t keylen, keycap;
	struct dump_frame *frames;
	size_t depth, framecap;
	/* Nodes of a tree occupy disjoint, non-empty ranges of the file: visiting
	 * more nodes than the file has bytes means shared subtrees (a hostile DAG
	 * whose paths multiply). This bounds the work; a repeat-visit bitmap would
	 * cost a file-sized allocation on every dump. */
	size_t budget;
	size_t used;
	char buf[65536];
};

static void dump_flush(struct dumper *d)
{
	if (d->used > 0 && d->err == 0) {
		ssize_t r = write_str_safe(d->fd, d->buf, d->used);

		if (r < 0)
			d->err = (int)r;
	}
	d->used = 0;
}

static void dump_put(struct dumper *d, const char *s, size_t len)
{
	while (len > 0 && d->err == 0) {
		size_t n = MIN(len, sizeof(d->buf) - d->used);

		memcpy(d->buf + d->used, s, n);
		d->used += n;
		s += n;
		len -= n;
		if (d->used == sizeof(d->buf))
			dump_flush(d);
	}
}

/* Copies len bytes 32 at a time: up to COPY_OVERSHOOT bytes more are read from src
 * and written to dst, which the caller has room for. Keys and values are a few
 * dozen bytes: this beats memcpy()'s dispatch on the length. */
#define COPY_OVERSHOOT 32u
static _always_inline_ void copy_chunks(char *dst, const void *src, size_t len)
{
	size_t i = 0;

	do {
		memcpy(dst + i, (const char *)src + i, COPY_OVERSHOOT);
		i += COPY_OVERSHOOT;
	} while (i < len);
}

/* One "<prefix><key> <value>\n" line; the value is in the file, which ends at end.
 * modprobe -c prints tens of thousands of these. */
static _always_inline_ void dump_line(struct dumper *d, const uint8_t *value, size_t len,
				      const uint8_t *end)
{
	size_t keylen = d->keylen, total = keylen + len + 2;
	char *p;

	if (unlikely(total + 2 * COPY_OVERSHOOT > sizeof(d->buf) - d->used)) {
		dump_flush(d);
		if (total > sizeof(d->buf)) {
			dump_put(d, d->key, keylen);
			dump_put(d, " ", 1);
			dump_put(d, (const char *)value, len);
			dump_put(d, "\n", 1);
			return;
		}
	}
	p = d->buf + d->used;
	if (likely(total + 2 * COPY_OVERSHOOT <= sizeof(d->buf) - d->used)) {
		/* the key buffer has the slack: dump_visit() */
		copy_chunks(p, d->key, keylen);
		p += keylen;
		*p++ = ' ';
		if (likely((size_t)(end - value) >= len + COPY_OVERSHOOT))
			copy_chunks(p, value, len);
		else
			memcpy(p, value, len);
	} else {
		memcpy(p, d->key, keylen);
		p += keylen;
		*p++ = ' ';
		memcpy(p, value, len);
	}
	p[len] = '\n';
	d->used += total;
}

/* Room for len more key bytes. */
static bool dump_key_reserve(struct dumper *d, size_t len)
{
	size_t cap;
	char *k;

	if (likely(d->keycap - d->keylen >= len))
		return true;
	cap = MAX(d->keycap * 2, d->keylen + len + 64);
	k = realloc(d->key, cap);
	if (k == NULL) {
		d->err = -ENOMEM;
		return false;
	}
	d->key = k;
	d->keycap = cap;
	return true;
}

/* Bit i set when child slot i (of k <= 64) is used. */
static _always_inline_ uint64_t slots_used(const uint8_t *slots, unsigned int k)
{
	uint64_t bits = 0;
	unsigned int i = 0;

#if defined(__SSE2__)
	for (; i + 4 <= k; i += 4) {
		__m128i v = _mm_loadu_si128(
			(const __m128i *)(const void *)(slots + 4 * i));
		unsigned int zero = (unsigned int)_mm_movemask_ps(
			_mm_castsi128_ps(_mm_cmpeq_epi32(v, _mm_setzero_si128())));

		bits |= (uint64_t)(~zero & 0xfu) << i;
	}
#endif
	for (; i < k; i++) {
		uint32_t slot;

		memcpy(&slot, slots + 4 * i, sizeof(slot));
		bits |= (uint64_t)(slot != 0) << i;
	}
	return bits;
}

static bool dump_push_frame(struct dumper *d, const struct node *n)
{
	struct dump_frame *f;
	uint64_t todo[2] = { 0, 0 };
	unsigned int count = n->last - n->first + 1;

	/* Typically a quarter of the slots are used, in no predictable pattern:
	 * collecting them without a branch per slot pays off. */
	todo[0] = slots_used(n->childs, MIN(count, 64u));
	if (count > 64)
		todo[1] = slots_used(n->childs + 4 * 64, count - 64);
	if ((todo[0] | todo[1]) == 0)
		return true;

	if (d->depth == d->framecap) {
		size_t cap = MAX(d->framecap * 2, 32u);

		f = reallocarray(d->frames, cap, sizeof(*f));
		if (f == NULL) {
			d->err = -ENOMEM;
			return false;
		}
		d->frames = f;
		d->framecap = cap;
	}
	d->frames[d->depth++] = (struct dump_frame){
		.childs = n->childs,
		.todo = { todo[0], todo[1] },
		.off = n->off,
		.keylen = d->keylen,
		.first = n->first,
	};
	return true;
}

/* Prints the node's lines and queues its children; d->key holds its key up to
 * its prefix. */
static _always_inline_ void dump_visit(struct dumper *d, uint32_t ptr)
{
	const uint8_t *p, *end = d->idx->mm + d->idx->size;
	struct node n;

	if (!node_read(d->idx, ptr, &n))
		return;
	if (d->budget-- == 0) {
		d->err = -ELOOP;
		return;
	}
	/* + 1: the children's character; then slack for copy_chunks() */
	if (!dump_key_reserve(d, n.prefix_len + 1 + COPY_OVERSHOOT))
		return;
	if (n.prefix_len == 0)
		; /* n.prefix may be NULL */
	else if ((size_t)(end - (const uint8_t *)n.prefix) >=
		 n.prefix_len + COPY_OVERSHOOT)
		copy_chunks(d->key + d->keylen, n.prefix, n.prefix_len);
	else
		memcpy(d->key + d->keylen, n.prefix, n.prefix_len);
	d->keylen += n.prefix_len;

	/* as value_next(), spelled out: this loop prints every line */
	p = n.values;
	for (uint32_t left = n.nvalues; left > 0 && end - p >= 5; left--) {
		size_t len = span_nul(p + 4, end);

		if (len == SIZE_MAX)
			break;
		dump_line(d, p + 4, len, end);
		p += 4 + len + 1;
	}

	if (n.childs != NULL)
		dump_push_frame(d, &n);
}

/* child_checked() for a frame: a child must lie in the file's direction. */
static inline bool dump_child_ok(bool forward, size_t parent_off, uint32_t ptr)
{
	size_t off = ptr & INDEX_NODE_OFFSET;

	return forward ? off > parent_off : off < parent_off;
}

static void dump_walk(struct dumper *d)
{
	const bool forward = d->idx->forward;

	dump_visit(d, d->idx->root);
	while (d->depth > 0 && d->err == 0) {
		struct dump_frame *f = &d->frames[d->depth - 1];
		unsigned int i;
		uint32_t ptr;

		if (f->todo[0] != 0) {
			i = (unsigned int)__builtin_ctzll(f->todo[0]);
			f->todo[0] &= f->todo[0] - 1;
		} else if (f->todo[1] != 0) {
			i = 64 + (unsigned int)__builtin_ctzll(f->todo[1]);
			f->todo[1] &= f->todo[1] - 1;
		} else {
			d->depth--;
			continue;
		}
		ptr = be32(f->childs + 4 * i);
		if (!dump_child_ok(forward, f->off, ptr))
			continue; /* could loop */
		/* the child's depth is d->depth */
		if (d->depth > INDEX_MAX_DEPTH) {
			d->err = -ELOOP;
			return;
		}
		d->keylen = f->keylen;
		d->key[d->keylen++] = (char)(f->first + i);
		dump_visit(d, ptr);
	}
}

int index_mm_dump(const struct index_mm *idx, int fd, const char *prefix)
{
	struct dumper *d = malloc(sizeof(*d));
	size_t prefix_len = prefix != NULL ? strlen(prefix) : 0;
	int err;

	if (d == NULL)
		return -ENOMEM;
	*d = (struct dumper){
		.idx = idx,
		.fd = fd,
		.budget = idx->size,
	};
	/* the key buffer starts with the prefix: each line is then key + value */
	d->keycap = prefix_len + 256;
	d->key = malloc(d->keycap);
	if (d->key == NULL) {
		free(d);
		return -ENOMEM;
	}
	if (prefix_len > 0)
		memcpy(d->key, prefix, prefix_len);
	d->keylen = prefix_len;
	dump_walk(d);
	dump_flush(d);
	err = d->err;
	free(d->frames);
	free(d->key);
	free(d);
	return err;
}
