/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: index, private to its reader. May use: helpers, index-format.h.
 *
 * What the files of the .bin index reader share, and nothing else includes:
 *
 *   index.c        opening, the public lookups (exact ones here, the wildcard one
 *                  handed to index-wild.c), value lists;
 *   index-wild.c   the accelerated wildcard lookup (incremental bitset glob);
 *   index-glob.c   fnmatch() in polynomial time, for what index-wild.c does not model;
 *   index-dump.c   the text dump (modprobe -c);
 *   index-plain.c  the reference path: the same lookups written as the format
 *                  describes them (docs/formats.md 1.9), with the C library's
 *                  fnmatch(); the tests hold the fast paths against it.
 *
 * The node decoder below is the fast paths' one. index-plain.c has its own, so
 * that a decoding slip in either shows up as a difference between the two.
 *
 * The file is untrusted: every field is bounds-checked against the mapping, a bad
 * pointer or child table reads as "no node", and a parent-to-child step must move
 * the way kmod's writers place nodes (forward when the root is the first node, as
 * kmod 34.2 writes; backward otherwise, as older kmod writes), so no path loops.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <limits.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "index-format.h"
#include "macro.h"

struct index_value;

/* A trie path never has more nodes than its key has bytes plus one; keys longer
 * than PATH_MAX are not produced by depmod, so this only stops hostile files. */
#define INDEX_MAX_DEPTH (PATH_MAX + 64)

struct index_mm {
	const uint8_t *mm;
	size_t size;
	uint32_t root;
	bool mapped;
	bool forward; /* children are placed after their parent */
};

/* One decoded node: where its optional parts are, when present. */
struct node {
	size_t off;
	const char *prefix;
	size_t prefix_len;
	const uint8_t *childs; /* NULL when the node has no child table */
	unsigned int first, last;
	const uint8_t *values; /* first value record (after the count) */
	uint32_t nvalues;
};

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Length of the string at p, SIZE_MAX when no NUL comes before end.
 *
 * Why not memchr(): every node decoded measures its prefix, and every value read
 * measures its string; both are a dozen bytes or so, where the call and memchr's
 * dispatch on length and alignment cost more than the search. Sixteen bytes at a
 * time with SSE2 (one compare, one movemask) or eight with the word trick below
 * find the NUL of a typical string in one step. Neither reads past end: the wide
 * steps run only while a whole block lies before end, the byte loop does the rest.
 */
static _always_inline_ size_t span_nul(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *s = p;

#if defined(__SSE2__)
	while (end - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		unsigned int nul = (unsigned int)_mm_movemask_epi8(
			_mm_cmpeq_epi8(v, _mm_setzero_si128()));

		if (nul != 0)
			return (size_t)(s - p) + (unsigned int)__builtin_ctz(nul);
		s += 16;
	}
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - s >= 8) {
		uint64_t w, zero;

		memcpy(&w, s, sizeof(w));
		/* (w - 0x01..) & ~w has the top bit of a byte set where that byte
		 * is 0 or a borrow ran through it; a borrow only starts at a zero
		 * byte and only runs upward, so the lowest set bit marks the first
		 * NUL exactly (little-endian: the lowest byte comes first) */
		zero = (w - 0x0101010101010101u) & ~w & 0x8080808080808080u;
		if (zero != 0)
			return (size_t)(s - p) +
			       ((unsigned int)__builtin_ctzll(zero) >> 3);
		s += 8;
	}
#endif
	for (; s < end; s++) {
		if (*s == '\0')
			return (size_t)(s - p);
	}
	return SIZE_MAX;
}

/* Decodes the node ptr points to; false when it is absent or malformed. */
static _always_inline_ bool node_read(const struct index_mm *idx, uint32_t ptr,
				      struct node *n)
{
	size_t off = ptr & INDEX_NODE_OFFSET;
	size_t size = idx->size;
	const uint8_t *mm = idx->mm;

	if (off == 0 || off >= size)
		return false;

	n->off = off;
	n->prefix = NULL;
	n->prefix_len = 0;
	n->childs = NULL;
	n->first = n->last = 0;
	n->values = NULL;
	n->nvalues = 0;

	if (ptr & INDEX_NODE_PREFIX) {
		size_t len = span_nul(mm + off, mm + size);

		if (len == SIZE_MAX)
			return false;
		n->prefix = (const char *)(mm + off);
		n->prefix_len = len;
		off += len + 1;
	}

	if (ptr & INDEX_NODE_CHILDS) {
		size_t need;

		if (size - off < 2)
			return false;
		n->first = mm[off];
		n->last = mm[off + 1];
		if (n->first > n->last || n->last >= INDEX_CHILD_MAX)
			return false;
		off += 2;
		need = 4 * (size_t)(n->last - n->first + 1);
		if (size - off < need)
			return false;
		n->childs = mm + off;
		off += need;
	}

	if (ptr & INDEX_NODE_VALUES) {
		if (size - off < 4)
			return false;
		n->nvalues = be32(mm + off);
		n->values = mm + off + 4;
	}

	return true;
}

/* Takes one unit of a wildcard lookup's work budget (node and value visits):
 * false, with *err = -ELOOP, once it is spent, so that a hostile index cannot make
 * a lookup run for ever. */
static inline bool index_budget_take(size_t *budget, int *err)
{
	if (*budget == 0) {
		*err = -ELOOP;
		return false;
	}
	(*budget)--;
	return true;
}

/* A child pointer is followed only in the file's direction: no path can loop. */
static inline uint32_t child_checked(const struct index_mm *idx, const struct node *n,
				     uint32_t ptr)
{
	size_t off = ptr & INDEX_NODE_OFFSET;

	if (idx->forward ? off <= n->off : off >= n->off)
		return 0;
	return ptr;
}

static inline uint32_t node_child(const struct index_mm *idx, const struct node *n,
				  unsigned char c)
{
	if (n->childs == NULL || c < n->first || c > n->last)
		return 0;
	return child_checked(idx, n, be32(n->childs + 4 * (c - n->first)));
}

struct value_iter {
	const uint8_t *p, *end;
	uint32_t left;
};

static inline void value_iter_init(struct value_iter *it, const struct index_mm *idx,
				   const struct node *n)
{
	it->p = n->values;
	it->end = idx->mm + idx->size;
	it->left = n->values != NULL ? n->nvalues : 0;
}

/* Next well-formed value; iteration stops at the first malformed record. */
static inline bool value_next(struct value_iter *it, uint32_t *prio, const char **str,
			      size_t *len)
{
	size_t n;

	if (it->left == 0 || it->end - it->p < 5)
		return false;
	n = span_nul(it->p + 4, it->end);
	if (n == SIZE_MAX) {
		it->left = 0;
		return false;
	}
	*prio = be32(it->p);
	*str = (const char *)(it->p + 4);
	*len = n;
	it->p += 4 + n + 1;
	it->left--;
	return true;
}

/* index.c: a list element holding a copy of str[0..len). */
struct index_value *index_value_new(const char *str, size_t len, uint32_t prio);

/* index-wild.c: the wildcard lookup behind index_mm_searchwild(). */
struct index_value *index_wild_search(const struct index_mm *idx, const char *key);

/*
 * index-plain.c: the reference path. Same contracts as index_mm_search(),
 * index_mm_search_all() and index_mm_searchwild(); used by the tests, not by the
 * library. index_plain_walk() calls fn(key, keylen, value, data) for every value
 * in dump order (pre-order, children by ascending byte); key is NUL-terminated but
 * a damaged file can put a NUL inside it, hence keylen. fn returns nonzero to
 * stop. Returns 0, fn's nonzero result, or a negative errno.
 */
char *index_plain_search(const struct index_mm *idx, const char *key);
struct index_value *index_plain_search_all(const struct index_mm *idx, const char *key);
struct index_value *index_plain_searchwild(const struct index_mm *idx, const char *key);
int index_plain_walk(const struct index_mm *idx,
		     int (*fn)(const char *key, size_t keylen, const char *value,
			       void *data),
		     void *data);
