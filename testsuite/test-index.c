// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tests of the .bin index reader and writer (lib/index.c, lib/index-write.c).
 *
 * Expected bytes come from the worked examples of formats.md 1.9.1, from kmod
 * 34.2's reference files and from Debian's depmod (kmod 30, post-order layout).
 * Wildcard lookups are checked against a deliberately simple, independent reading
 * of formats.md 1.9 written here (it trusts its input and calls fnmatch() on every
 * stored key) and against a brute-force fnmatch() scan of the inserted keys.
 *
 * Built twice: without TEST_INDEX_DEBIAN the self-contained cases (suite 'lib'),
 * with it the cases needing the reference files and the Debian tree (suite
 * 'debian'; MODKIT_DEBIAN_ROOT overrides the tree location).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/ctx.h"
#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/util.h"

/* ---- helpers ------------------------------------------------------------------ */

static int writer_bytes(const struct index_writer *w, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	int r;

	if (f == NULL)
		return -errno;
	r = index_writer_write(w, f);
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}

/* "v1/p1,v2/p2" */
_unused_ static char *values_str(const struct index_value *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (; v != NULL; v = v->next) {
		fprintf(f, "%s/%u", v->value, v->priority);
		if (v->next != NULL)
			fputc(',', f);
	}
	fclose(f);
	return buf;
}

static char *dump_str(const struct index_mm *idx, const char *prefix, int *err)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	if (f == NULL)
		return NULL;
	*err = index_mm_dump(idx, fileno(f), prefix);
	len = lseek(fileno(f), 0, SEEK_END);
	buf = calloc(1, len + 1);
	if (pread(fileno(f), buf, len, 0) != len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11) % n;
}

/* ---- an independent reference reading of formats.md 1.9 ------------------------- */

struct ref {
	char **v;
	unsigned int *prio;
	size_t n, cap;
};

/* formats.md 1.6: before the first existing value whose priority is >= its own */
static void ref_add(struct ref *r, const char *v, unsigned int prio)
{
	size_t i = 0;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		r->prio = realloc(r->prio, r->cap * sizeof(*r->prio));
	}
	while (i < r->n && r->prio[i] < prio)
		i++;
	memmove(r->v + i + 1, r->v + i, (r->n - i) * sizeof(*r->v));
	memmove(r->prio + i + 1, r->prio + i, (r->n - i) * sizeof(*r->prio));
	r->v[i] = strdup(v);
	r->prio[i] = prio;
	r->n++;
}

_unused_ static void ref_release(struct ref *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	free(r->prio);
	memset(r, 0, sizeof(*r));
}

_unused_ static char *ref_str(const struct ref *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%s%s/%u", i ? "," : "", r->v[i], r->prio[i]);
	fclose(f);
	return buf;
}

struct rnode {
	const char *prefix;
	int first, last;
	const uint8_t *ch, *vals;
	uint32_t nv;
};

static struct rnode rread(const uint8_t *mm, uint32_t ptr)
{
	struct rnode n = { .prefix = "", .first = 1, .last = 0 };
	const uint8_t *q = mm + (ptr & 0x0fffffff);

	if (ptr & 0x80000000) {
		n.prefix = (const char *)q;
		q += strlen(n.prefix) + 1;
	}
	if (ptr & 0x20000000) {
		n.first = q[0];
		n.last = q[1];
		n.ch = q + 2;
		q += 2 + 4 * (n.last - n.first + 1);
	}
	if (ptr & 0x40000000) {
		n.nv = rd32(q);
		n.vals = q + 4;
	}
	return n;
}

static uint32_t rchild(const struct rnode *n, int c)
{
	if (n->ch == NULL || c < n->first || c > n->last)
		return 0;
	return rd32(n->ch + 4 * (c - n->first));
}

static void radd_values(struct ref *r, const struct rnode *n)
{
	const uint8_t *q = n->vals;

	for (uint32_t i = 0; i < n->nv; i++) {
		const char *s = (const char *)q + 4;

		ref_add(r, s, rd32(q));
		q = (const uint8_t *)s + strlen(s) + 1;
	}
}

static void rcollect(const uint8_t *mm, const struct rnode *n, size_t from,
		     const char *pat, const char *subject, struct ref *r)
{
	char *p;

	if (asprintf(&p, "%s%s", pat, n->prefix + from) < 0)
		abort();
	for (int c = n->first; c <= n->last; c++) {
		uint32_t ptr = rchild(n, c);
		struct rnode child;
		char *p2;

		if (ptr == 0)
			continue;
		child = rread(mm, ptr);
		if (asprintf(&p2, "%s%c", p, c) < 0)
			abort();
		rcollect(mm, &child, 0, p2, subject, r);
		free(p2);
	}
	if (n->nv > 0 && fnmatch(p, subject, 0) == 0)
		radd_values(r, n);
	free(p);
}

_unused_ static void ref_searchwild(const uint8_t *mm, size_t size, const char *q,
				    struct ref *r)
{
	uint32_t ptr = rd32(mm + 8);

	if ((ptr & 0x0fffffff) >= size)
		return;
	for (;;) {
		struct rnode n = rread(mm, ptr);
		size_t j;

		for (j = 0; n.prefix[j] != '\0'; j++) {
			char c = n.prefix[j];

			if (c == '*' || c == '?' || c == '[') {
				rcollect(mm, &n, j, "", q + j, r);
				return;
			}
			if (c != q[j])
				return;
		}
		q += j;
		for (const char *w = "*?["; *w; w++) {
			uint32_t cp = rchild(&n, *w);
			char pat[2] = { *w, 0 };
			struct rnode child;

			if (cp == 0)
				continue;
			child = rread(mm, cp);
			rcollect(mm, &child, 0, pat, q, r);
		}
		if (*q == '\0') {
			radd_values(r, &n);
			return;
		}
		ptr = rchild(&n, (unsigned char)*q);
		if (ptr == 0)
			return;
		q++;
	}
}

/* Brute force over the inserted keys: K answers Q iff the text before K's first
 * wildcard equals Q's start and fnmatch() accepts the rest (queries without
 * wildcard characters only: those can take extra literal paths). */
_unused_ static bool key_answers(const char *k, const char *q)
{
	size_t w = strcspn(k, "*?[");

	if (k[w] == '\0')
		return strcmp(k, q) == 0;
	return strlen(q) >= w && strncmp(k, q, w) == 0 && fnmatch(k + w, q + w, 0) == 0;
}

/* ---- worked examples (formats.md 1.9.1) ----------------------------------------- */

_unused_ static const uint8_t dep_34[47] = {
	0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0c,
	0x78, 0x78, 0xc0, 0x00, 0x00, 0x12, '_',  't',	'a',  'b',  'l',  'e',
	's',  0,    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 'x',  '_',
	't',  'a',  'b',  'l',	'e',  's',  '.',  'k',	'o',  ':',  0,
};

_unused_ static const uint8_t dep_30[47] = {
	0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x29,
	'_',  't',  'a',  'b',	'l',  'e',  's',  0,	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 'x',  '_',  't',  'a',	'b',  'l',  'e',  's',
	'.',  'k',  'o',  ':',	0,    0x78, 0x78, 0xc0, 0x00, 0x00, 0x0c,
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static size_t put_leaf(uint8_t *p, const char *prefix, uint32_t prio, const char *value)
{
	size_t n = strlen(prefix) + 1;

	memcpy(p, prefix, n);
	put32(p + n, 1);
	put32(p + n + 4, prio);
	memcpy(p + n + 8, value, strlen(value) + 1);
	return n + 8 + strlen(value) + 1;
}

/* The 315-byte modules.alias.bin of formats.md 1.9.1, in either layout. */
_unused_ static void alias_example(uint8_t out[315], bool post_order)
{
	static const uint8_t head[] = { 0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01 };
	uint32_t root, pnode, leaf6, leaft;
	uint8_t *p;

	memset(out, 0, 315);
	memcpy(out, head, sizeof(head));
	if (post_order) {
		leaf6 = 0x00c, leaft = 0x021, pnode = 0x035, root = 0x135;
	} else {
		root = 0x00c, pnode = 0x012, leaf6 = 0x112, leaft = 0x127;
	}
	put32(out + 8, 0x20000000 | root);
	p = out + root;
	p[0] = 'i';
	p[1] = 'i';
	put32(p + 2, 0xa0000000 | pnode);
	p = out + pnode;
	p[0] = 'p';
	p[1] = 0;
	p[2] = '6';
	p[3] = 't';
	put32(p + 4, 0xc0000000 | leaf6);
	put32(p + 4 + 4 * ('t' - '6'), 0xc0000000 | leaft);
	put_leaf(out + leaf6, "t_LOG", 1, "xt_LOG");
	put_leaf(out + leaft, "_LOG", 1, "xt_LOG");
}

_unused_ static void random_word(char *s, size_t max, const char *alphabet)
{
	size_t n = rnd(max + 1), k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rnd(k)];
	s[n] = '\0';
}

/* A query that a key is likely to answer: its wildcards replaced at random. */
_unused_ static void expand_key(const char *k, char *q, size_t max)
{
	size_t o = 0;

	for (size_t i = 0; k[i] != '\0' && o + 4 < max; i++) {
		switch (k[i]) {
		case '*':
			for (uint32_t n = rnd(3); n > 0; n--)
				q[o++] = "ab-"[rnd(3)];
			break;
		case '?':
			q[o++] = "ab]"[rnd(3)];
			break;
		case '[':
			q[o++] = "ab0-"[rnd(4)];
			while (k[i + 1] != '\0' && k[i + 1] != ']' && rnd(4) != 0)
				i++;
			break;
		case '\\':
			break;
		default:
			q[o++] = k[i];
		}
	}
	q[o] = '\0';
}

#ifndef TEST_INDEX_DEBIAN

TEST(worked_example_dep_bin)
{
	struct index_writer *w = index_writer_new();
	char *buf;
	size_t len;

	CHECK(w != NULL);
	CHECK_INT_EQ(index_writer_insert(w, "x_tables", "x_tables.ko:", 0), 0);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	CHECK_MEM_EQ(buf, len, dep_34, sizeof(dep_34));
	free(buf);
	index_writer_free(w);
	return 0;
}

TEST(worked_example_alias_bin)
{
	struct index_writer *w = index_writer_new();
	uint8_t expect[315];
	char *buf;
	size_t len;

	alias_example(expect, false);
	CHECK_INT_EQ(index_writer_insert(w, "ipt_LOG", "xt_LOG", 1), 0);
	CHECK_INT_EQ(index_writer_insert(w, "ip6t_LOG", "xt_LOG", 1), 0);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	CHECK_MEM_EQ(buf, len, expect, sizeof(expect));
	free(buf);
	index_writer_free(w);
	return 0;
}

TEST(read_both_layouts)
{
	for (int post = 0; post <= 1; post++) {
		struct index_mm *idx;
		struct index_value *v;
		uint8_t alias[315];
		char *s, *d;
		int err;

		CHECK_INT_EQ(index_mm_open_mem(NULL, post ? dep_30 : dep_34, 47, &idx),
			     0);
		s = index_mm_search(idx, "x_tables");
		CHECK_STR_EQ(s, "x_tables.ko:");
		free(s);
		CHECK(index_mm_search(idx, "x_table") == NULL);
		CHECK(index_mm_search(idx, "x_tables_") == NULL);
		CHECK(index_mm_search(idx, "") == NULL);
		d = dump_str(idx, "", &err);
		CHECK_INT_EQ(err, 0);
		CHECK_STR_EQ(d, "x_tables x_tables.ko:\n");
		free(d);
		index_mm_close(idx);

		alias_example(alias, post);
		CHECK_INT_EQ(index_mm_open_mem(NULL, alias, sizeof(alias), &idx), 0);
		v = index_mm_searchwild(idx, "ip6t_LOG");
		s = values_str(v);
		CHECK_STR_EQ(s, "xt_LOG/1");
		free(s);
		index_values_free(v);
		CHECK(index_mm_searchwild(idx, "ipt_LO") == NULL);
		CHECK(index_mm_searchwild(idx, "ip") == NULL);
		d = dump_str(idx, "alias ", &err);
		CHECK_INT_EQ(err, 0);
		CHECK_STR_EQ(d, "alias ip6t_LOG xt_LOG\nalias ipt_LOG xt_LOG\n");
		free(d);
		index_mm_close(idx);
	}
	return 0;
}

TEST(empty_index)
{
	static const uint8_t empty[12] = { 0xb0, 0x07, 0xf4, 0x57, 0, 2,
					   0,	 1,    0,    0,	   0, 0x0c };
	struct index_writer *w = index_writer_new();
	struct index_mm *idx;
	char *buf, *d;
	size_t len;
	int err;

	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	CHECK_MEM_EQ(buf, len, empty, sizeof(empty));
	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	CHECK(index_mm_search(idx, "") == NULL);
	CHECK(index_mm_search(idx, "a") == NULL);
	CHECK(index_mm_searchwild(idx, "a") == NULL);
	CHECK(index_mm_search_all(idx, "a") == NULL);
	d = dump_str(idx, "x ", &err);
	CHECK_INT_EQ(err, 0);
	CHECK_STR_EQ(d, "");
	free(d);
	index_mm_close(idx);
	free(buf);
	index_writer_free(w);
	return 0;
}

TEST(builtin_tie_order)
{
	struct index_writer *w = index_writer_new();
	struct index_mm *idx;
	struct index_value *v;
	char *buf, *s, *d;
	size_t len;
	int err;

	CHECK_INT_EQ(index_writer_insert(w, "key", "aaa", 0), 0);
	CHECK_INT_EQ(index_writer_insert(w, "key", "bbb", 0), 0);
	CHECK_INT_EQ(index_writer_insert(w, "key", "ccc", 0), 0);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	/* stored newest first: ccc, bbb, aaa */
	CHECK(len > 30);
	CHECK(memmem(buf, len, "ccc\0\0\0\0\0bbb\0\0\0\0\0aaa", 19) != NULL);
	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	s = index_mm_search(idx, "key");
	CHECK_STR_EQ(s, "ccc");
	free(s);
	v = index_mm_search_all(idx, "key");
	s = values_str(v);
	CHECK_STR_EQ(s, "ccc/0,bbb/0,aaa/0");
	free(s);
	index_values_free(v);
	/* the wildcard lookup re-inserts them: back in insertion order */
	v = index_mm_searchwild(idx, "key");
	s = values_str(v);
	CHECK_STR_EQ(s, "aaa/0,bbb/0,ccc/0");
	free(s);
	index_values_free(v);
	d = dump_str(idx, "", &err);
	CHECK_STR_EQ(d, "key ccc\nkey bbb\nkey aaa\n");
	free(d);
	index_mm_close(idx);
	free(buf);
	index_writer_free(w);
	return 0;
}

TEST(priority_order_and_duplicates)
{
	struct index_writer *w = index_writer_new();
	struct index_mm *idx;
	struct index_value *v;
	char *buf, *s;
	size_t len;

	CHECK_INT_EQ(index_writer_insert(w, "k", "five", 5), 0);
	CHECK_INT_EQ(index_writer_insert(w, "k", "one", 1), 0);
	CHECK_INT_EQ(index_writer_insert(w, "k", "three", 3), 0);
	CHECK_INT_EQ(index_writer_insert(w, "k", "three-b", 3), 0);
	CHECK_INT_EQ(index_writer_insert(w, "k", "one", 7), 1);
	CHECK_INT_EQ(index_writer_insert(w, "k", "one", 1), 1);
	CHECK_INT_EQ(index_writer_insert(w, "kk", "one", 1), 0);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	v = index_mm_search_all(idx, "k");
	s = values_str(v);
	CHECK_STR_EQ(s, "one/1,one/1,three-b/3,three/3,five/5,one/7");
	free(s);
	index_values_free(v);
	/* duplicates are not merged by the wildcard lookup either */
	v = index_mm_searchwild(idx, "k");
	s = values_str(v);
	CHECK_STR_EQ(s, "one/1,one/1,three/3,three-b/3,five/5,one/7");
	free(s);
	index_values_free(v);
	index_mm_close(idx);
	free(buf);
	index_writer_free(w);
	return 0;
}

TEST(writer_rejects_non_ascii)
{
	struct index_writer *w = index_writer_new();
	char *buf;
	size_t len;

	CHECK_INT_EQ(index_writer_insert(w, "caf\xc3\xa9", "x", 0), -EINVAL);
	CHECK_INT_EQ(index_writer_insert(w, "cafe", "\x80", 0), -EINVAL);
	CHECK_INT_EQ(index_writer_insert(w, "cafe", "ok\x7f", 0), 0);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	/* root -> 'c' -> "afe" with one value */
	CHECK_INT_EQ(len, 12 + 6 + 4 + 4 + 4 + 4);
	free(buf);
	index_writer_free(w);
	return 0;
}

/* The root never gets a prefix; splits keep prefixes maximal; the shape does not
 * depend on insertion order (formats.md 1.5). */
TEST(shape_independent_of_order)
{
	static const char *keys[] = { "symbol:abc", "symbol:abd", "symbol:ab", "symbol:x",
				      "symbol:",    "s",	  "symbolic",  "" };
	char *first = NULL;
	size_t first_len = 0;

	for (int round = 0; round < 20; round++) {
		struct index_writer *w = index_writer_new();
		size_t order[ARRAY_SIZE(keys)];
		char *buf;
		size_t len;

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			order[i] = i;
		for (size_t i = ARRAY_SIZE(keys) - 1; round > 0 && i > 0; i--) {
			size_t j = rnd(i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			CHECK_INT_EQ(index_writer_insert(w, keys[order[i]], "m", 1), 0);
		CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
		if (first == NULL) {
			first = buf;
			first_len = len;
			/* root: values (key "") and one child 's' with no prefix on the root */
			CHECK_INT_EQ(rd32((uint8_t *)buf + 8), 0x60000000 | 12);
			CHECK_INT_EQ((uint8_t)buf[12], 's');
			CHECK_INT_EQ((uint8_t)buf[13], 's');
		} else {
			CHECK_MEM_EQ(buf, len, first, first_len);
			free(buf);
		}
		index_writer_free(w);
	}
	free(first);
	return 0;
}

/* ---- wildcard lookups ------------------------------------------------------------ */

struct kv {
	const char *key, *value;
	unsigned int prio;
};

static int build_mem(const struct kv *kv, size_t n, char **buf, size_t *len)
{
	struct index_writer *w = index_writer_new();
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++)
		r = index_writer_insert(w, kv[i].key, kv[i].value, kv[i].prio);
	if (r >= 0)
		r = writer_bytes(w, buf, len);
	index_writer_free(w);
	return r;
}

static int check_wild(const char *buf, size_t len, const char *query, const char *expect)
{
	struct index_mm *idx;
	struct index_value *v;
	struct ref r = { 0 };
	char *got, *ref;

	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	v = index_mm_searchwild(idx, query);
	got = values_str(v);
	ref_searchwild((const uint8_t *)buf, len, query, &r);
	ref = ref_str(&r);
	if (expect != NULL)
		CHECK_MSG(strcmp(got, expect) == 0, "query '%s': got '%s', expected '%s'",
			  query, got, expect);
	CHECK_MSG(strcmp(got, ref) == 0, "query '%s': got '%s', reference '%s'", query,
		  got, ref);
	free(got);
	free(ref);
	ref_release(&r);
	index_values_free(v);
	index_mm_close(idx);
	return 0;
}

static int check_wild_ours(const char *buf, size_t len, const char *query,
			   const char *expect)
{
	struct index_mm *idx;
	struct index_value *v;
	char *got;

	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	v = index_mm_searchwild(idx, query);
	got = values_str(v);
	CHECK_MSG(strcmp(got, expect) == 0, "query '%s': got '%s', expected '%s'", query,
		  got, expect);
	free(got);
	index_values_free(v);
	index_mm_close(idx);
	return 0;
}

TEST(wildcard_order_rules)
{
	/* all priority 1: the order is the traversal order, reversed (formats.md 1.9) */
	static const struct kv kv[] = {
		{ "pci:v1d*", "star_child", 1 },
		{ "pci:v1d?", "q_child", 1 },
		{ "pci:v1d[0-9]", "bracket_child", 1 },
		{ "pci:v1d5", "exact", 1 },
		{ "pci:v*", "star_high", 1 },
		{ "pci:v*d5", "star_high2", 1 },
		{ "pci:v1*5", "star_mid", 1 },
		{ "pci:v1d5", "exact2", 0 },
		{ "pci:v1d5", "exact3", 2 },
		{ "p*", "p_star", 1 },
		{ "pc[a-z]:v1d5", "class", 1 },
		{ "pci:v1d5x", "longer", 1 },
		{ "pci:v1d", "shorter", 1 },
	};
	char *buf;
	size_t len;

	CHECK_INT_EQ(build_mem(kv, ARRAY_SIZE(kv), &buf, &len), 0);
	/*
	 * Traversal: at "p" collect '*' (p_star); at "pc" collect '[' (class); at
	 * "pci:v" collect '*' (star_high2 then star_high: children before values);
	 * at "pci:v1" collect '*' (star_mid); at "pci:v1d" collect '*' (star_child),
	 * '?' (q_child), '[' (bracket_child); then exact values (exact2/0, exact/1,
	 * exact3/2). Equal priorities come out in reverse.
	 */
	CHECK(check_wild(
		      buf, len, "pci:v1d5",
		      "exact2/0,exact/1,bracket_child/1,q_child/1,star_child/1,star_mid/1,"
		      "star_high/1,star_high2/1,class/1,p_star/1,exact3/2") == 0);
	CHECK(check_wild(buf, len, "pci:v1d",
			 "shorter/1,star_child/1,star_high/1,p_star/1") == 0);
	CHECK(check_wild(buf, len, "pci:v1dz",
			 "q_child/1,star_child/1,star_high/1,p_star/1") == 0);
	CHECK(check_wild(buf, len, "q", "") == 0);
	CHECK(check_wild(buf, len, "", "") == 0);
	/* a query containing wildcard characters also follows them literally */
	CHECK(check_wild(buf, len, "pci:v*", NULL) == 0);
	CHECK(check_wild(buf, len, "pci:v1d*", NULL) == 0);
	CHECK(check_wild(buf, len, "pci:v1d[0-9]", NULL) == 0);
	free(buf);
	return 0;
}

TEST(wildcard_glob_features)
{
	static const struct kv kv[] = {
		{ "a[!0-4]z", "neg", 1 },	  { "a[^0-4]z", "caret", 2 },
		{ "a[]x]z", "rbracket", 3 },	  { "a[!]x]z", "negrb", 4 },
		{ "a[a-]z", "dash", 5 },	  { "a[z-a]z", "reversed", 6 },
		{ "a\\*z", "escaped", 7 },	  { "a[x\\]]z", "bsl_in_class", 8 },
		{ "a[[:digit:]]z", "cclass", 9 }, { "a[", "open", 10 },
		{ "a[b", "open2", 11 },		  { "a\\", "trailing_bsl", 12 },
		{ "a*[", "star_open", 13 },	  { "a[a-c-e]z", "multi", 14 },
		{ "a**?z", "stars", 15 },	  { "a[]-b]z", "rb_range", 16 },
	};
	static const char *queries[] = {
		"a5z",	"a0z", "a]z",  "axz", "a-z", "aaz", "azz", "a*z",
		"abz",	"a[",  "a[b",  "a\\", "a1z", "adz", "a^z", "a[bz",
		"a[[z", "aXz", "a\\z", "az",  "a",   "a[z",
	};
	char *buf;
	size_t len;

	CHECK_INT_EQ(build_mem(kv, ARRAY_SIZE(kv), &buf, &len), 0);
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++)
		CHECK(check_wild(buf, len, queries[i], NULL) == 0);
	CHECK(check_wild(buf, len, "a5z", "neg/1,caret/2,negrb/4,cclass/9,stars/15") ==
	      0);
	CHECK(check_wild(
		      buf, len, "a]z",
		      "neg/1,caret/2,rbracket/3,bsl_in_class/8,stars/15,rb_range/16") ==
	      0);
	/* "a\\*z" is not found for "a*z": the literal descent compares the backslash */
	CHECK(check_wild(buf, len, "a*z", "neg/1,caret/2,negrb/4,stars/15") == 0);
	free(buf);
	return 0;
}

/* Random tries and queries: our lookup against the reference traversal, and its
 * result multiset against a brute-force fnmatch() scan. */
TEST(wildcard_random_differential)
{
	static const char key_alpha[] = "abab-*?[]!^\\0:";
	static const char query_alpha[] = "abab-]!^\\0[";
	size_t checked = 0, nonempty = 0;

	for (int round = 0; round < 3000; round++) {
		struct kv kv[24];
		char keys[24][16], vals[24][24];
		size_t n = 1 + rnd(24);
		char *buf;
		size_t len;
		struct index_mm *idx;

		for (size_t i = 0; i < n; i++) {
			random_word(keys[i], 9, key_alpha);
			snprintf(vals[i], sizeof(vals[i]), "m%zu", i);
			kv[i] = (struct kv){ keys[i], vals[i], rnd(3) };
		}
		CHECK_INT_EQ(build_mem(kv, n, &buf, &len), 0);
		CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
		for (int qi = 0; qi < 12; qi++) {
			char q[32];
			struct index_value *v;
			size_t nres = 0, nexp = 0;

			if (qi < 6)
				random_word(q, 10, query_alpha);
			else
				expand_key(keys[rnd(n)], q, sizeof(q));
			if (rnd(8) == 0)
				q[rnd(strlen(q) + 1)] = '\0';
			CHECK(check_wild(buf, len, q, NULL) == 0);
			checked++;

			if (strpbrk(q, "*?[") != NULL)
				continue;
			v = index_mm_searchwild(idx, q);
			for (struct index_value *x = v; x != NULL; x = x->next) {
				nres++;
				if (x->next != NULL)
					CHECK(x->priority <= x->next->priority);
			}
			for (size_t i = 0; i < n; i++) {
				size_t cnt = 0;

				if (!key_answers(kv[i].key, q))
					continue;
				nexp++;
				for (struct index_value *x = v; x != NULL; x = x->next)
					cnt += strcmp(x->value, kv[i].value) == 0;
				CHECK_MSG(cnt == 1,
					  "key '%s' value %s: %zu times for '%s'",
					  kv[i].key, kv[i].value, cnt, q);
			}
			CHECK_INT_EQ(nres, nexp);
			nonempty += nres > 0;
			index_values_free(v);
		}
		index_mm_close(idx);
		free(buf);
	}
	fprintf(stderr, "# %zu queries checked, %zu with results\n", checked, nonempty);
	CHECK(nonempty > checked / 10);
	return 0;
}

/* With POSIXLY_CORRECT set, fnmatch() stops treating '^' as a bracket negation;
 * so must we (each case runs in its own process, so the cached value is fresh). */
TEST(wildcard_posixly_correct)
{
	static const struct kv kv[] = {
		{ "a[^b]c", "caret", 1 },
		{ "a[!b]c", "bang", 2 },
		{ "a[]^]c", "member", 3 },
	};
	char *buf;
	size_t len;

	CHECK_INT_EQ(setenv("POSIXLY_CORRECT", "1", 1), 0);
	CHECK_INT_EQ(build_mem(kv, ARRAY_SIZE(kv), &buf, &len), 0);
	CHECK(check_wild(buf, len, "abc", "caret/1") == 0);
	CHECK(check_wild(buf, len, "a^c", "caret/1,bang/2,member/3") == 0);
	CHECK(check_wild(buf, len, "axc", "bang/2") == 0);
	free(buf);
	return 0;
}

/* Every bracket expression of up to 4 bytes over the characters that matter to
 * fnmatch()'s bracket parser, against short queries: same answers, same order. */
TEST(wildcard_brackets_exhaustive)
{
	static const char alpha[] = "ab-]!^\\[:";
	static const char *queries[] = { "a",  "b",   "-",  "]",  "!",	 "^",  "\\",
					 "[",  ":",   "c",  "a]", "]]",	 "-]", "b-",
					 "[]", "a-b", "!]", "",	  "\\]", "[:" };
	const size_t k = sizeof(alpha) - 1;
	struct index_writer *w = index_writer_new();
	size_t nkeys = 0;
	char *buf;
	size_t len;

	for (size_t l = 0; l <= 4; l++) {
		size_t total = 1;

		for (size_t i = 0; i < l; i++)
			total *= k;
		for (size_t n = 0; n < total; n++) {
			char key[8] = "[", val[16];
			size_t x = n;

			for (size_t i = 0; i < l; i++, x /= k)
				key[1 + i] = alpha[x % k];
			key[1 + l] = '\0';
			snprintf(val, sizeof(val), "v%zu", nkeys++);
			CHECK(index_writer_insert(w, key, val, nkeys % 3) >= 0);
		}
	}
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	index_writer_free(w);
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++)
		CHECK(check_wild(buf, len, queries[i], NULL) == 0);
	free(buf);
	return 0;
}

/* index_fnmatch() against glibc's fnmatch() on random patterns built from the
 * pieces that its bracket and escape parsing treats specially. */
TEST(fnmatch_emulation_differential)
{
	static const char *pieces[] = {
		"a",	      "b",	   "-",		"]",	     "[",
		"!",	      "^",	   "\\",	":",	     "=",
		".",	      "*",	   "?",		"1",	     "A",
		" ",	      "[:alpha:]", "[:digit:]", "[:space:]", "[:punct:]",
		"[:xdigit:]", "[:foo:]",   "[=a=]",	"[=]",	     "[.a.]",
		"[.-.]",      "[.ab.]",	   "[:",	":]",	     "[=",
		"[."
	};
	static const char str_alpha[] = "ab-]![^\\:=.1A *";
	size_t matches = 0;

	for (int i = 0; i < 300000; i++) {
		char pat[64] = "", str[16];
		size_t steps = 1 << 20;
		int ours, glibc;

		for (uint32_t n = rnd(7); n > 0; n--)
			strcat(pat, pieces[rnd(ARRAY_SIZE(pieces))]);
		random_word(str, 5, str_alpha);
		ours = index_fnmatch(pat, str, false, &steps);
		glibc = fnmatch(pat, str, 0);
		CHECK_MSG((ours == 0) == (glibc == 0),
			  "fnmatch('%s', '%s'): glibc %d, ours %d", pat, str, glibc,
			  ours);
		matches += glibc == 0;
	}
	fprintf(stderr, "# %zu matches\n", matches);
	CHECK(matches > 3000);
	return 0;
}

/* Backtracking takes exponential time on this; the memoised matcher does not. */
TEST(fnmatch_emulation_many_stars)
{
	static const char *pat = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*[\\]]";
	char str[201], key[128];
	size_t steps = 1 << 24;
	struct kv kv[1];
	char *buf;
	size_t len;

	memset(str, 'a', 200);
	str[200] = '\0';
	CHECK_INT_EQ(index_fnmatch(pat, str, false, &steps), FNM_NOMATCH);
	str[199] = ']';
	steps = 1 << 24;
	CHECK_INT_EQ(index_fnmatch(pat, str, false, &steps), 0);
	/* the same key in an index: answered, not stalled */
	snprintf(key, sizeof(key), "x%s", pat);
	kv[0] = (struct kv){ key, "m", 1 };
	CHECK_INT_EQ(build_mem(kv, 1, &buf, &len), 0);
	str[0] = 'x';
	CHECK(check_wild_ours(buf, len, str, "m/1") == 0);
	str[199] = 'a';
	CHECK(check_wild_ours(buf, len, str, "") == 0);
	free(buf);
	return 0;
}

/* Long queries need several bitset words. */
TEST(wildcard_long_query)
{
	char key[300], query[300];
	struct kv kv[3];
	char *buf;
	size_t len;

	memset(query, 'a', 200);
	query[200] = 'b';
	memset(query + 201, 'c', 70);
	query[271] = '\0';
	snprintf(key, sizeof(key), "a*b%.*s?", 69, query + 201);
	kv[0] = (struct kv){ key, "long", 1 };
	kv[1] = (struct kv){ "a*c", "short", 2 };
	kv[2] = (struct kv){ "a*[!c]", "neg", 3 };
	CHECK_INT_EQ(build_mem(kv, 3, &buf, &len), 0);
	CHECK(check_wild(buf, len, query, "long/1,short/2") == 0);
	query[130] = 'x';
	CHECK(check_wild(buf, len, query, "long/1,short/2") == 0);
	query[270] = 'd';
	CHECK(check_wild(buf, len, query, "long/1,neg/3") == 0);
	query[269] = 'd';
	CHECK(check_wild(buf, len, query, "neg/3") == 0);
	free(buf);
	return 0;
}

/* ---- round trip ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(round_trip_random)
{
	for (int round = 0; round < 50; round++) {
		size_t nkeys = 1 + rnd(400);
		char(*keys)[24] = calloc(nkeys, sizeof(*keys));
		struct ref *expect = calloc(nkeys, sizeof(*expect));
		struct index_writer *w = index_writer_new();
		struct index_mm *idx;
		char **lines = NULL, *buf, *d, *all = NULL;
		size_t nlines = 0, len, alllen = 0;
		FILE *f;
		int err;

		/* distinct keys */
		for (size_t i = 0; i < nkeys; i++) {
			bool dup;

			do {
				random_word(keys[i], 12, "abcdez_:");
				dup = false;
				for (size_t j = 0; j < i; j++)
					dup = dup || strcmp(keys[i], keys[j]) == 0;
			} while (dup);
		}
		for (size_t n = 0; n < nkeys * 2; n++) {
			size_t k = n < nkeys ? n : rnd(nkeys);
			char val[16];
			unsigned int prio = rnd(5);
			bool had = false;

			snprintf(val, sizeof(val), "v%u", rnd(nkeys));
			for (size_t i = 0; i < expect[k].n; i++)
				had = had || strcmp(expect[k].v[i], val) == 0;
			CHECK_INT_EQ(index_writer_insert(w, keys[k], val, prio),
				     had ? 1 : 0);
			ref_add(&expect[k], val, prio);
		}
		CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
		CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);

		for (size_t k = 0; k < nkeys; k++) {
			struct index_value *v = index_mm_search_all(idx, keys[k]);
			char *got = values_str(v), *exp = ref_str(&expect[k]);
			char *first = index_mm_search(idx, keys[k]);

			CHECK_STR_EQ(got, exp);
			CHECK_STR_EQ(first, expect[k].v[0]);
			free(first);
			free(got);
			free(exp);
			index_values_free(v);
			for (size_t i = 0; i < expect[k].n; i++) {
				lines = realloc(lines, (nlines + 1) * sizeof(*lines));
				/* key order first, then stored order (index i) */
				if (asprintf(&lines[nlines++], "%s\x01%06zu %s", keys[k],
					     i, expect[k].v[i]) < 0)
					return 1;
			}
		}
		qsort(lines, nlines, sizeof(*lines), cmp_str);
		f = open_memstream(&all, &alllen);
		for (size_t i = 0; i < nlines; i++) {
			char *sep = strchr(lines[i], '\x01');

			fprintf(f, "p %.*s%s\n", (int)(sep - lines[i]), lines[i],
				sep + 7);
			free(lines[i]);
		}
		fclose(f);
		d = dump_str(idx, "p ", &err);
		CHECK_INT_EQ(err, 0);
		CHECK_STR_EQ(d, all);
		CHECK(index_mm_search(idx, "zzzzzzzzzzzzzzzz") == NULL);

		free(d);
		free(all);
		free(lines);
		index_mm_close(idx);
		free(buf);
		index_writer_free(w);
		for (size_t k = 0; k < nkeys; k++)
			ref_release(&expect[k]);
		free(expect);
		free(keys);
	}
	return 0;
}

TEST(open_file_and_header_errors)
{
	char *dir = test_tmpdir(), path[PATH_MAX];
	struct index_mm *idx = NULL;
	unsigned long long stamp = 0;
	uint8_t bad[47];
	char *s;

	snprintf(path, sizeof(path), "%s/modules.dep.bin", dir);
	CHECK_INT_EQ(index_mm_open(NULL, path, NULL, &idx), -ENOENT);
	CHECK_INT_EQ(test_write_file(path, dep_34, sizeof(dep_34)), 0);
	CHECK_INT_EQ(index_mm_open(NULL, path, &stamp, &idx), 0);
	CHECK(stamp > 0);
	s = index_mm_search(idx, "x_tables");
	CHECK_STR_EQ(s, "x_tables.ko:");
	free(s);
	index_mm_close(idx);

	/* 0-byte file (no modules.builtin) and short files: unavailable */
	CHECK_INT_EQ(test_write_file(path, "", 0), 0);
	CHECK_INT_EQ(index_mm_open(NULL, path, NULL, &idx), -EINVAL);
	CHECK_INT_EQ(test_write_file(path, dep_34, 11), 0);
	CHECK_INT_EQ(index_mm_open(NULL, path, NULL, &idx), -EINVAL);

	memcpy(bad, dep_34, sizeof(bad));
	bad[2] = 0xfa; /* the old module-init-tools magic */
	CHECK_INT_EQ(index_mm_open_mem(NULL, bad, sizeof(bad), &idx), -EINVAL);
	memcpy(bad, dep_34, sizeof(bad));
	bad[5] = 3;
	CHECK_INT_EQ(index_mm_open_mem(NULL, bad, sizeof(bad), &idx), -EINVAL);
	/* any minor version is accepted */
	bad[5] = 2;
	bad[7] = 9;
	CHECK_INT_EQ(index_mm_open_mem(NULL, bad, sizeof(bad), &idx), 0);
	index_mm_close(idx);
	return 0;
}

static char logbuf[1024];

static void capture_log(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	size_t used = strlen(logbuf);

	vsnprintf(logbuf + used, sizeof(logbuf) - used, format, args);
}

TEST(header_error_messages)
{
	struct kmod_ctx ctx = { 0 };
	struct index_mm *idx;
	uint8_t bad[47];

	test_need_feature("logging"); /* checks the library's messages */
	ctx.log.fn = capture_log;
	ctx.log.priority = LOG_ERR;
	memcpy(bad, dep_34, sizeof(bad));
	bad[3] = 0x58;
	CHECK_INT_EQ(index_mm_open_mem(&ctx, bad, sizeof(bad), &idx), -EINVAL);
	CHECK_STR_EQ(logbuf, "magic check fail: b007f458 instead of b007f457\n");
	logbuf[0] = '\0';
	memcpy(bad, dep_34, sizeof(bad));
	bad[4] = 1;
	bad[5] = 0;
	CHECK_INT_EQ(index_mm_open_mem(&ctx, bad, sizeof(bad), &idx), -EINVAL);
	CHECK_STR_EQ(logbuf, "major version check fail: 256 instead of 2\n");
	return 0;
}

/* ---- hostile input --------------------------------------------------------------- */

/*
 * A FIFO, a socket, /dev/zero (through a symlink) or a directory where an index
 * should be: refused at once (a FIFO is never waited on), with a message naming it.
 */
TEST(open_special_files)
{
	struct kmod_ctx ctx = { 0 };
	char *dir = test_tmpdir(), path[PATH_MAX], expected[PATH_MAX + 64];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct index_mm *idx = NULL;
	int sock;

	test_need_feature("logging"); /* checks the library's messages */
	ctx.log.fn = capture_log;
	ctx.log.priority = LOG_ERR;

	snprintf(path, sizeof(path), "%s/fifo.bin", dir);
	CHECK(mkfifo(path, 0644) == 0);
	logbuf[0] = '\0';
	CHECK_INT_EQ(index_mm_open(&ctx, path, NULL, &idx), -EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file\n", path);
	CHECK_STR_EQ(logbuf, expected);

	snprintf(path, sizeof(path), "%s/zero.bin", dir);
	CHECK(symlink("/dev/zero", path) == 0);
	logbuf[0] = '\0';
	CHECK_INT_EQ(index_mm_open(&ctx, path, NULL, &idx), -EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file\n", path);
	CHECK_STR_EQ(logbuf, expected);

	snprintf(path, sizeof(path), "%s/sock.bin", dir);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(sock >= 0 && strlen(path) < sizeof(addr.sun_path));
	memcpy(addr.sun_path, path, strlen(path) + 1);
	CHECK(bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	logbuf[0] = '\0';
	CHECK_INT_EQ(index_mm_open(&ctx, path, NULL, &idx), -EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file\n", path);
	CHECK_STR_EQ(logbuf, expected);
	close(sock);

	logbuf[0] = '\0';
	CHECK_INT_EQ(index_mm_open(&ctx, dir, NULL, &idx), -EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file\n", dir);
	CHECK_STR_EQ(logbuf, expected);

	/* a symlink to a good index is fine */
	snprintf(path, sizeof(path), "%s/real.bin", dir);
	CHECK_INT_EQ(test_write_file(path, dep_34, sizeof(dep_34)), 0);
	snprintf(expected, sizeof(expected), "%s/link.bin", dir);
	CHECK(symlink(path, expected) == 0);
	CHECK_INT_EQ(index_mm_open(&ctx, expected, NULL, &idx), 0);
	index_mm_close(idx);
	return 0;
}

static void exercise(const uint8_t *data, size_t len)
{
	static const char *queries[] = { "",
					 "a",
					 "ab",
					 "abc",
					 "ip6t_LOG",
					 "x_tables",
					 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					 "*",
					 "a*b?[c]" };
	struct index_mm *idx;
	FILE *devnull;

	if (index_mm_open_mem(NULL, data, len, &idx) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
		free(index_mm_search(idx, queries[i]));
		index_values_free(index_mm_search_all(idx, queries[i]));
		index_values_free(index_mm_searchwild(idx, queries[i]));
	}
	devnull = fopen("/dev/null", "w");
	(void)index_mm_dump(idx, fileno(devnull), "alias ");
	fclose(devnull);
	index_mm_close(idx);
}

/* Every truncation and many single-byte corruptions of a real index. */
TEST(hostile_mutations)
{
	static const struct kv kv[] = {
		{ "ab", "m1", 1 },  { "abc", "m2", 2 },	    { "a*", "m3", 0 },
		{ "a?c", "m4", 4 }, { "x_tables", "x", 0 }, { "a[bc]", "m5", 5 },
		{ "b", "m6", 6 },
	};
	static const uint8_t vals[] = { 0x00, 0xff, 0x7f, 0x0c, 0x20, 0x80, 0x40, 0x01 };
	char *buf;
	size_t len;

	CHECK_INT_EQ(build_mem(kv, ARRAY_SIZE(kv), &buf, &len), 0);
	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *copy = malloc(cut + 1);

		memcpy(copy, buf, cut);
		exercise(copy, cut);
		free(copy);
	}
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t k = 0; k < ARRAY_SIZE(vals); k++) {
			uint8_t *copy = malloc(len);

			memcpy(copy, buf, len);
			copy[pos] = vals[k];
			exercise(copy, len);
			free(copy);
		}
	}
	free(buf);
	return 0;
}

static size_t mk_header(uint8_t *p, uint32_t root)
{
	put32(p, 0xb007f457);
	put32(p + 4, 0x00020001);
	put32(p + 8, root);
	return 12;
}

TEST(hostile_cycles)
{
	uint8_t f[64];
	struct index_mm *idx;
	struct index_value *v;
	char *s;
	int err;

	/* root @12: child '*' is the root itself, and the root has a value */
	memset(f, 0, sizeof(f));
	mk_header(f, 0x60000000 | 12);
	f[12] = '*';
	f[13] = '*';
	put32(f + 14, 0x60000000 | 12);
	put32(f + 18, 1);
	put32(f + 22, 0);
	memcpy(f + 26, "loop", 5);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 31, &idx), 0);
	v = index_mm_searchwild(idx, "abc");
	CHECK(v == NULL);
	v = index_mm_searchwild(idx, "***");
	CHECK(v == NULL);
	/* the backward edge is not followed: only the root's own value is seen */
	s = dump_str(idx, "", &err);
	CHECK_INT_EQ(err, 0);
	CHECK_STR_EQ(s, " loop\n");
	free(s);
	CHECK(index_mm_search(idx, "**********") == NULL);
	s = index_mm_search(idx, "");
	CHECK_STR_EQ(s, "loop");
	free(s);
	index_mm_close(idx);

	/* post-order file (root last) whose child points forward, at the root */
	memset(f, 0, sizeof(f));
	mk_header(f, 0x20000000 | 20);
	put32(f + 12, 1); /* filler */
	f[20] = 'a';
	f[21] = 'a';
	put32(f + 22, 0x20000000 | 20);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 26, &idx), 0);
	CHECK(index_mm_search(idx, "aaaa") == NULL);
	CHECK(index_mm_searchwild(idx, "aaaa") == NULL);
	s = dump_str(idx, "", &err);
	CHECK_INT_EQ(err, 0);
	CHECK_STR_EQ(s, "");
	free(s);
	index_mm_close(idx);
	return 0;
}

/* A DAG whose paths multiply: 128 children per level all sharing one node. */
TEST(hostile_shared_subtrees)
{
	enum {
		LEVELS = 8,
		TABLE = 2 + 4 * 128
	};
	size_t size = 12 + LEVELS * TABLE + 16;
	uint8_t *f = calloc(1, size);
	struct index_mm *idx;
	char *s;
	int err;

	mk_header(f, 0x20000000 | 12);
	for (int l = 0; l < LEVELS; l++) {
		uint8_t *n = f + 12 + l * TABLE;
		uint32_t next = 12 + (l + 1) * TABLE;
		uint32_t flags = l + 1 < LEVELS ? 0x20000000 : 0x40000000;

		n[0] = 0;
		n[1] = 127;
		for (int c = 0; c < 128; c++)
			put32(n + 2 + 4 * c, next | flags);
	}
	put32(f + 12 + LEVELS * TABLE, 1);
	memcpy(f + 12 + LEVELS * TABLE + 8, "leaf", 5);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, size, &idx), 0);
	s = dump_str(idx, "", &err);
	CHECK_INT_EQ(err, -ELOOP);
	free(s);
	index_values_free(index_mm_searchwild(idx, "*"));
	s = index_mm_search(idx, "abcdefgh");
	CHECK_STR_EQ(s, "leaf");
	free(s);
	index_mm_close(idx);
	free(f);
	return 0;
}

TEST(hostile_fields)
{
	uint8_t f[256];
	struct index_mm *idx;
	struct index_value *v;
	char *s;
	size_t n;

	/* huge value count, then values running off the end */
	memset(f, 0, sizeof(f));
	n = mk_header(f, 0x20000000 | 12);
	f[n++] = 'a';
	f[n++] = 'a';
	put32(f + n, 0x40000000 | 18);
	n += 4;
	put32(f + n, 0xffffffff);
	put32(f + n + 4, 3);
	memcpy(f + n + 8, "one", 4);
	put32(f + n + 12, 4);
	memcpy(f + n + 16, "tw", 2); /* no NUL before the end */
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, n + 18, &idx), 0);
	v = index_mm_search_all(idx, "a");
	s = values_str(v);
	CHECK_STR_EQ(s, "one/3");
	free(s);
	index_values_free(v);
	v = index_mm_searchwild(idx, "a");
	s = values_str(v);
	CHECK_STR_EQ(s, "one/3");
	free(s);
	index_values_free(v);
	index_mm_close(idx);

	/* first > last, last >= 128, pointer past the end, prefix without NUL */
	memset(f, 0, sizeof(f));
	mk_header(f, 0x20000000 | 12);
	f[12] = 'b';
	f[13] = 'a';
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "a") == NULL);
	CHECK(index_mm_searchwild(idx, "a") == NULL);
	index_mm_close(idx);
	f[12] = 'a';
	f[13] = 200;
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "a") == NULL);
	index_mm_close(idx);
	f[13] = 'a';
	put32(f + 14, 0x40000000 | 0x0fffffff);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "a") == NULL);
	index_mm_close(idx);
	put32(f + 14, 0xc0000000 | 18);
	memset(f + 18, 'x', 64 - 18);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "axxx") == NULL);
	CHECK(index_mm_searchwild(idx, "axxx") == NULL);
	index_mm_close(idx);
	/* root pointer 0 and root past the end */
	mk_header(f, 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "") == NULL);
	index_mm_close(idx);
	mk_header(f, 0x40000000 | 1000);
	CHECK_INT_EQ(index_mm_open_mem(NULL, f, 64, &idx), 0);
	CHECK(index_mm_search(idx, "") == NULL);
	index_mm_close(idx);
	return 0;
}

#else /* TEST_INDEX_DEBIAN */

/* ---- reference files (kmod 34.2) and Debian's depmod ---------------------------- */

/* kmod 34.2's indexes for the Debian tree, kept in testsuite/reference. */
static const char *ref_dir(void)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/testsuite/reference/6.1.0-50-amd64/depmod-raw",
		 test_source_root());
	return dir;
}

/* The Debian tree (testsuite/debian-tree.sh); skips the case when unavailable. */
static const char *debian_root(void)
{
	const char *root = test_debian_tree(NULL);

	return root ? root : "/nonexistent-debian-tree";
}

/* zstd -dc <ref_dir()>/name.zst, through the zstd program. */
static int read_ref(const char *name, char **data, size_t *len)
{
	char path[PATH_MAX + 64];
	const char *argv[] = { "/usr/bin/zstd", "-dcq", path, NULL };
	struct test_run r;

	if (snprintf(path, sizeof(path), "%s/%s.zst", ref_dir(), name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "# missing reference file %s\n", path);
		return -ENOENT;
	}
	if (test_run(&r, argv, NULL) < 0 || r.status != 0)
		return -EIO;
	*data = r.out;
	*len = r.out_len;
	free(r.err);
	return 0;
}

struct name_pos;

struct modorder {
	char **names;
	size_t n;
	struct name_pos *sorted; /* names sorted for lookups, built on first use */
};

static void modname_of(const char *path, char *out, size_t outlen)
{
	char buf[PATH_MAX];

	snprintf(out, outlen, "%s", path_to_modname(path, buf, NULL));
}

static void modorder_release(struct modorder *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->names[i]);
	free(o->names);
	free(o->sorted);
	o->names = NULL;
	o->sorted = NULL;
	o->n = 0;
}

/* module index = line number in modules.dep */
static int load_order(const char *dep, struct modorder *o)
{
	const char *p = dep;

	o->names = NULL;
	o->sorted = NULL;
	o->n = 0;
	while (*p != '\0') {
		const char *colon = strchr(p, ':'), *nl = strchr(p, '\n');
		char path[PATH_MAX], name[PATH_MAX];

		if (colon == NULL || nl == NULL || colon > nl)
			return -EINVAL;
		snprintf(path, sizeof(path), "%.*s", (int)(colon - p), p);
		modname_of(path, name, sizeof(name));
		o->names = realloc(o->names, (o->n + 1) * sizeof(*o->names));
		o->names[o->n++] = strdup(name);
		p = nl + 1;
	}
	return 0;
}

struct name_pos {
	const char *name;
	long pos;
};

static int cmp_name_pos(const void *a, const void *b)
{
	return strcmp(((const struct name_pos *)a)->name,
		      ((const struct name_pos *)b)->name);
}

/* The sorted copy lives in the modorder itself: a cache keyed by its address
 * would outlive it (the next modorder may get the same stack slot). */
static long order_index(const struct modorder *o, const char *name)
{
	struct modorder *m = (struct modorder *)o;
	struct name_pos key = { name, 0 }, *hit;

	if (m->sorted == NULL) {
		m->sorted = malloc(m->n * sizeof(*m->sorted));
		if (m->sorted == NULL)
			return -1;
		for (size_t i = 0; i < m->n; i++)
			m->sorted[i] = (struct name_pos){ m->names[i], (long)i };
		qsort(m->sorted, m->n, sizeof(*m->sorted), cmp_name_pos);
	}
	hit = bsearch(&key, m->sorted, m->n, sizeof(*m->sorted), cmp_name_pos);
	return hit != NULL ? hit->pos : -1;
}

static int compare_with_ref(const char *binname, const char *mine, size_t minelen)
{
	char *ref;
	size_t reflen;

	CHECK_INT_EQ(read_ref(binname, &ref, &reflen), 0);
	CHECK_MEM_EQ(mine, minelen, ref, reflen);
	free(ref);
	return 0;
}

TEST(reference_dep_bin)
{
	struct index_writer *w = index_writer_new();
	char *dep, *buf;
	size_t deplen, len, line = 0;
	struct modorder o;

	CHECK_INT_EQ(read_ref("modules.dep", &dep, &deplen), 0);
	CHECK_INT_EQ(load_order(dep, &o), 0);
	for (char *p = dep; *p != '\0'; line++) {
		char *nl = strchr(p, '\n');

		*nl = '\0';
		CHECK_INT_EQ(index_writer_insert(w, o.names[line], p, line), 0);
		p = nl + 1;
	}
	CHECK(line > 4000);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	CHECK(compare_with_ref("modules.dep.bin", buf, len) == 0);
	free(buf);
	free(dep);
	modorder_release(&o);
	index_writer_free(w);
	return 0;
}

/* "alias KEY MODNAME" / "alias symbol:NAME MODNAME" lines into an index. */
static int build_from_aliases(const char *text, const struct modorder *o, bool normalize,
			      struct index_writer *w, size_t *count)
{
	char *copy = strdup(text), *save = NULL;

	*count = 0;
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char key[PATH_MAX], *sp1, *sp2;
		long idx;

		if (l[0] == '#')
			continue;
		CHECK(strncmp(l, "alias ", 6) == 0);
		sp1 = l + 6;
		sp2 = strrchr(sp1, ' ');
		CHECK(sp2 != NULL);
		*sp2 = '\0';
		idx = order_index(o, sp2 + 1);
		CHECK_MSG(idx >= 0, "unknown module %s", sp2 + 1);
		if (normalize) {
			if (alias_normalize(sp1, key, NULL) < 0)
				continue;
		} else {
			snprintf(key, sizeof(key), "%s", sp1);
		}
		CHECK(index_writer_insert(w, key, sp2 + 1, idx) >= 0);
		(*count)++;
	}
	free(copy);
	return 0;
}

static int check_rebuild(const char *text_name, bool normalize)
{
	struct index_writer *w = index_writer_new();
	char *dep, *text, *buf, bin[64];
	size_t deplen, textlen, len, count;
	struct modorder o;

	CHECK_INT_EQ(read_ref("modules.dep", &dep, &deplen), 0);
	CHECK_INT_EQ(load_order(dep, &o), 0);
	CHECK_INT_EQ(read_ref(text_name, &text, &textlen), 0);
	CHECK(build_from_aliases(text, &o, normalize, w, &count) == 0);
	CHECK(count > 1000);
	CHECK_INT_EQ(writer_bytes(w, &buf, &len), 0);
	snprintf(bin, sizeof(bin), "%s.bin", text_name);
	CHECK(compare_with_ref(bin, buf, len) == 0);
	free(buf);
	free(text);
	free(dep);
	modorder_release(&o);
	index_writer_free(w);
	return 0;
}

TEST(reference_alias_bin)
{
	return check_rebuild("modules.alias", true);
}

TEST(reference_symbols_bin)
{
	return check_rebuild("modules.symbols", false);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Text lines (comments dropped) as a dump prints them: keys normalised like the
 * index, sorted bytewise, equal keys in module order. */
static char *sorted_text(const char *text, const struct modorder *o, bool normalize)
{
	char *copy = strdup(text), *save = NULL, **lines = NULL, *out = NULL;
	size_t n = 0, outlen = 0;
	FILE *f;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char key[PATH_MAX], *sp = strrchr(l, ' ');

		if (l[0] == '#')
			continue;
		*sp = '\0';
		if (normalize && alias_normalize(l + 6, key, NULL) < 0)
			continue;
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		if (asprintf(&lines[n++], "alias %s\x01%08ld %s", normalize ? key : l + 6,
			     order_index(o, sp + 1), sp + 1) < 0)
			abort();
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	f = open_memstream(&out, &outlen);
	for (size_t i = 0; i < n; i++) {
		char *sep = strchr(lines[i], '\x01');

		fprintf(f, "%.*s%s\n", (int)(sep - lines[i]), lines[i], sep + 9);
		free(lines[i]);
	}
	fclose(f);
	free(lines);
	free(copy);
	return out;
}

static int check_ref_dump(const char *text_name, bool normalize)
{
	char *text, *bin, *expect, *got, binname[64], *dep;
	size_t textlen, binlen, deplen;
	struct index_mm *idx;
	struct modorder o;
	int err;

	CHECK_INT_EQ(read_ref("modules.dep", &dep, &deplen), 0);
	CHECK_INT_EQ(load_order(dep, &o), 0);

	snprintf(binname, sizeof(binname), "%s.bin", text_name);
	CHECK_INT_EQ(read_ref(text_name, &text, &textlen), 0);
	CHECK_INT_EQ(read_ref(binname, &bin, &binlen), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, bin, binlen, &idx), 0);
	got = dump_str(idx, "alias ", &err);
	CHECK_INT_EQ(err, 0);
	expect = sorted_text(text, &o, normalize);
	CHECK_MEM_EQ(got, strlen(got), expect, strlen(expect));
	free(dep);
	modorder_release(&o);
	free(got);
	free(expect);
	index_mm_close(idx);
	free(bin);
	free(text);
	return 0;
}

TEST(reference_dump_alias)
{
	return check_ref_dump("modules.alias", true);
}

TEST(reference_dump_symbols)
{
	return check_ref_dump("modules.symbols", false);
}

TEST(reference_dep_lookups)
{
	char *dep, *bin;
	size_t deplen, binlen, n = 0;
	struct index_mm *idx;
	struct modorder o;

	CHECK_INT_EQ(read_ref("modules.dep", &dep, &deplen), 0);
	CHECK_INT_EQ(read_ref("modules.dep.bin", &bin, &binlen), 0);
	CHECK_INT_EQ(load_order(dep, &o), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, bin, binlen, &idx), 0);
	for (char *p = dep; *p != '\0'; n++) {
		char *nl = strchr(p, '\n'), *got;

		*nl = '\0';
		got = index_mm_search(idx, o.names[n]);
		CHECK_STR_EQ(got, p);
		free(got);
		p = nl + 1;
	}
	CHECK(index_mm_search(idx, "no_such_module") == NULL);
	index_mm_close(idx);
	free(bin);
	free(dep);
	modorder_release(&o);
	return 0;
}

/* Our wildcard lookup against the reference traversal on the real files, with
 * queries from the alias patterns, mutated ones (mostly misses) and symbols. */
TEST(reference_wild_vs_naive)
{
	char *bin, *text, *save = NULL, **pats = NULL, *sbin;
	size_t binlen, textlen, sbinlen, npats = 0, hits = 0, n = 0;
	struct index_mm *idx, *sidx;

	CHECK_INT_EQ(read_ref("modules.alias.bin", &bin, &binlen), 0);
	CHECK_INT_EQ(read_ref("modules.alias", &text, &textlen), 0);
	CHECK_INT_EQ(read_ref("modules.symbols.bin", &sbin, &sbinlen), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, bin, binlen, &idx), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, sbin, sbinlen, &sidx), 0);
	for (char *l = strtok_r(text, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');

		if (strncmp(l, "alias ", 6) != 0)
			continue;
		*sp = '\0';
		pats = realloc(pats, (npats + 1) * sizeof(*pats));
		pats[npats++] = l + 6;
	}
	for (int i = 0; i < 6000; i++) {
		char q[512], norm[PATH_MAX];
		struct index_value *v;
		struct ref r = { 0 };
		char *got, *exp;
		size_t ql;

		expand_key(pats[rnd(npats)], q, sizeof(q));
		ql = strlen(q);
		if (i % 3 == 1 && ql > 0)
			q[rnd(ql)] = "0A_:*x"[rnd(6)];
		else if (i % 3 == 2 && ql > 0)
			q[rnd(ql)] = '\0';
		if (alias_normalize(q, norm, NULL) < 0)
			continue;
		v = index_mm_searchwild(idx, norm);
		got = values_str(v);
		ref_searchwild((const uint8_t *)bin, binlen, norm, &r);
		exp = ref_str(&r);
		CHECK_MSG(strcmp(got, exp) == 0, "'%s': got '%s', reference '%s'", norm,
			  got, exp);
		hits += v != NULL;
		n++;
		free(got);
		free(exp);
		ref_release(&r);
		index_values_free(v);
	}
	fprintf(stderr, "# %zu alias queries, %zu with results\n", n, hits);
	CHECK(hits > n / 3 && hits < n);

	/* symbols */
	{
		static const char *syms[] = { "symbol:printk",
					      "symbol:nf_log_packet",
					      "symbol:xt_register_target",
					      "symbol:nosuch",
					      "symbol:",
					      "symbol" };

		for (size_t i = 0; i < ARRAY_SIZE(syms); i++) {
			struct index_value *v = index_mm_searchwild(sidx, syms[i]);
			struct ref r = { 0 };
			char *got = values_str(v), *exp;

			ref_searchwild((const uint8_t *)sbin, sbinlen, syms[i], &r);
			exp = ref_str(&r);
			CHECK_STR_EQ(got, exp);
			free(got);
			free(exp);
			ref_release(&r);
			index_values_free(v);
		}
	}
	{
		struct index_value *v = index_mm_searchwild(sidx,
							    "symbol:xt_register_target");

		CHECK(v != NULL);
		CHECK_STR_EQ(v->value, "x_tables");
		index_values_free(v);
	}
	index_mm_close(idx);
	index_mm_close(sidx);
	free(pats);
	free(text);
	free(bin);
	free(sbin);
	return 0;
}

/* A tiny tree through Debian's depmod (kmod 30: post-order layout). */
TEST(debian_depmod_post_order)
{
	static const char *mods[] = { "kernel/net/netfilter/x_tables.ko",
				      "kernel/net/netfilter/xt_LOG.ko",
				      "kernel/net/netfilter/nf_log_syslog.ko" };
	char *tmp = test_tmpdir(), src[PATH_MAX], dst[PATH_MAX];
	const char *kver = "6.1.0-50-amd64";
	struct test_run r;
	test_need_kmod_oracle();
	const char *argv[] = { "/sbin/depmod", "-b", tmp, kver, NULL };
	const char *env[] = { "LD_LIBRARY_PATH=", NULL };
	static const char *bins[] = { "modules.dep", "modules.alias", "modules.symbols" };

	for (size_t i = 0; i < ARRAY_SIZE(mods); i++) {
		char *data;
		size_t len;

		CHECK(snprintf(src, sizeof(src) - 4, "%s/lib/modules/%s/%s",
			       debian_root(), kver, mods[i]) < (int)sizeof(src) - 4);
		CHECK(snprintf(dst, sizeof(dst), "%s/lib/modules/%s/%s", tmp, kver,
			       mods[i]) < (int)sizeof(dst));
		if (access(src, R_OK) != 0) {
			/* the tree may ship compressed modules */
			strcat(src, ".xz");
		}
		CHECK_MSG(test_read_file(src, &data, &len) == 0, "cannot read %s", src);
		if (strstr(src, ".xz") != NULL)
			strcat(dst, ".xz");
		CHECK_INT_EQ(test_write_file(dst, data, len), 0);
		free(data);
	}
	CHECK_INT_EQ(test_run(&r, argv, env), 0);
	CHECK_MSG(r.status == 0, "depmod failed: %s", r.err);
	test_run_release(&r);

	for (size_t b = 0; b < ARRAY_SIZE(bins); b++) {
		char path[PATH_MAX], *text, *bin, *got, *expect;
		size_t textlen, binlen;
		struct index_mm *idx;
		int err;

		snprintf(path, sizeof(path), "%s/lib/modules/%s/%s", tmp, kver, bins[b]);
		CHECK_INT_EQ(test_read_file(path, &text, &textlen), 0);
		strcat(path, ".bin");
		CHECK_INT_EQ(test_read_file(path, &bin, &binlen), 0);
		/* post-order: the root is the last node, not at offset 12 */
		CHECK((rd32((uint8_t *)bin + 8) & 0x0fffffff) != 12);
		CHECK_INT_EQ(index_mm_open_mem(NULL, bin, binlen, &idx), 0);
		if (b == 0) {
			/* each modules.dep line under its module name */
			for (char *p = text; *p != '\0';) {
				char *nl = strchr(p, '\n'), name[PATH_MAX],
				     *colon = strchr(p, ':');
				char *val;

				*nl = '\0';
				*colon = '\0';
				modname_of(p, name, sizeof(name));
				*colon = ':';
				val = index_mm_search(idx, name);
				CHECK_STR_EQ(val, p);
				free(val);
				p = nl + 1;
			}
		} else {
			got = dump_str(idx, "alias ", &err);
			CHECK_INT_EQ(err, 0);
			struct modorder o;
			char *deptext;
			size_t deplen;

			snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.dep", tmp,
				 kver);
			CHECK_INT_EQ(test_read_file(path, &deptext, &deplen), 0);
			CHECK_INT_EQ(load_order(deptext, &o), 0);
			expect = sorted_text(text, &o, b == 1);
			CHECK_STR_EQ(got, expect);
			CHECK(strlen(got) > 20);
			free(got);
			free(expect);
			free(deptext);
			modorder_release(&o);
		}
		/* our writer gives the same nodes placed in pre-order: same size */
		{
			struct index_writer *w = index_writer_new();
			struct modorder o;
			char *mine, *deptext;
			size_t minelen, deplen, count, line = 0;

			snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.dep", tmp,
				 kver);
			CHECK_INT_EQ(test_read_file(path, &deptext, &deplen), 0);
			CHECK_INT_EQ(load_order(deptext, &o), 0);
			if (b == 0) {
				for (char *p = deptext; *p != '\0'; line++) {
					char *nl = strchr(p, '\n');

					*nl = '\0';
					CHECK(index_writer_insert(w, o.names[line], p,
								  line) == 0);
					p = nl + 1;
				}
			} else {
				CHECK(build_from_aliases(text, &o, b == 1, w, &count) ==
				      0);
			}
			CHECK_INT_EQ(writer_bytes(w, &mine, &minelen), 0);
			CHECK_INT_EQ(minelen, binlen);
			CHECK(memcmp(mine, bin, binlen) != 0);
			free(mine);
			free(deptext);
			modorder_release(&o);
			index_writer_free(w);
		}
		index_mm_close(idx);
		free(text);
		free(bin);
	}
	return 0;
}

/*
 * Our wildcard lookup against Debian's libkmod (kmod 30) on the reference
 * modules.alias.bin: for modalias strings derived from the alias patterns, the
 * module list of kmod_module_new_from_lookup() (only the alias index present, no
 * configuration) must equal our values in order.
 */
struct syskmod {
	void *h;
	struct kmod_ctx *(*new)(const char *, const char *const *);
	struct kmod_ctx *(*unref)(struct kmod_ctx *);
	int (*lookup)(struct kmod_ctx *, const char *, struct kmod_list **);
	struct kmod_list *(*next)(const struct kmod_list *, const struct kmod_list *);
	struct kmod_module *(*get_module)(const struct kmod_list *);
	const char *(*get_name)(const struct kmod_module *);
	struct kmod_module *(*mod_unref)(struct kmod_module *);
	int (*list_free)(struct kmod_list *);
	int (*load)(struct kmod_ctx *);
	void (*set_log_priority)(struct kmod_ctx *, int);
};

static int syskmod_open(struct syskmod *k)
{
	k->h = dlopen("/lib/x86_64-linux-gnu/libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
	if (k->h == NULL)
		return -ENOENT;
	k->new = dlsym(k->h, "kmod_new");
	k->unref = dlsym(k->h, "kmod_unref");
	k->lookup = dlsym(k->h, "kmod_module_new_from_lookup");
	k->next = dlsym(k->h, "kmod_list_next");
	k->get_module = dlsym(k->h, "kmod_module_get_module");
	k->get_name = dlsym(k->h, "kmod_module_get_name");
	k->mod_unref = dlsym(k->h, "kmod_module_unref");
	k->list_free = dlsym(k->h, "kmod_module_unref_list");
	k->load = dlsym(k->h, "kmod_load_resources");
	k->set_log_priority = dlsym(k->h, "kmod_set_log_priority");
	return k->new && k->lookup && k->next && k->get_module && k->get_name &&
			       k->list_free && k->load ?
		       0 :
		       -ENOSYS;
}

/* A modalias that the pattern accepts: wildcards filled in pseudo-randomly. */
static void modalias_from_pattern(const char *pat, char *out, size_t max)
{
	size_t o = 0;

	for (size_t i = 0; pat[i] != '\0' && o + 10 < max; i++) {
		if (pat[i] == '*') {
			for (uint32_t n = rnd(5); n > 0; n--)
				out[o++] = "0123456789ABCDEF"[rnd(16)];
		} else if (pat[i] == '?') {
			out[o++] = "0123456789ABCDEF"[rnd(16)];
		} else if (pat[i] == '[') {
			out[o++] = pat[i + 1] == '!' ? 'Z' : pat[i + 1];
			while (pat[i] != '\0' && pat[i] != ']')
				i++;
		} else {
			out[o++] = pat[i];
		}
	}
	out[o] = '\0';
}

static const char *const ref_bins[] = {
	"modules.dep.bin",	     "modules.alias.bin",
	"modules.symbols.bin",	     "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.softdep",
	"modules.weakdep",	     "modules.devname"
};

TEST(debian_libkmod_alias_order)
{
	char *tmp = test_tmpdir(), path[PATH_MAX], *bin, *text, *copy, *save = NULL;
	size_t binlen, textlen, nq = 0, nres = 0, nskip = 0;
	const char *noconf[] = { NULL };
	struct syskmod k;
	struct kmod_ctx *ctx;
	struct index_mm *idx;
	char **pats = NULL;
	size_t npats = 0;

	if (access("/lib/x86_64-linux-gnu/libkmod.so.2", F_OK) != 0)
		test_skip("needs Debian's libkmod (package libkmod2) as the oracle");
	CHECK_INT_EQ(syskmod_open(&k), 0);
	for (size_t i = 0; i < ARRAY_SIZE(ref_bins); i++) {
		CHECK_INT_EQ(read_ref(ref_bins[i], &bin, &binlen), 0);
		snprintf(path, sizeof(path), "%s/%s", tmp, ref_bins[i]);
		CHECK_INT_EQ(test_write_file(path, bin, binlen), 0);
		free(bin);
	}
	CHECK_INT_EQ(read_ref("modules.alias.bin", &bin, &binlen), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, bin, binlen, &idx), 0);
	ctx = k.new(tmp, noconf);
	CHECK(ctx != NULL);
	/* it complains about the module files, which are not there */
	if (k.set_log_priority != NULL)
		k.set_log_priority(ctx, 0);
	CHECK_INT_EQ(k.load(ctx), 0);

	CHECK_INT_EQ(read_ref("modules.alias", &text, &textlen), 0);
	copy = text;
	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');

		if (strncmp(l, "alias ", 6) != 0)
			continue;
		*sp = '\0';
		pats = realloc(pats, (npats + 1) * sizeof(*pats));
		pats[npats++] = l + 6;
	}
	for (int i = 0; i < 2000; i++) {
		char q[512], norm[PATH_MAX];
		struct kmod_list *list = NULL, *it;
		struct index_value *v, *x;

		modalias_from_pattern(pats[rnd(npats)], q, sizeof(q));
		if (alias_normalize(q, norm, NULL) < 0)
			continue;
		v = index_mm_searchwild(idx, norm);
		if (v == NULL) {
			/* kmod would go on to the built-in aliases */
			nskip++;
			continue;
		}
		CHECK(k.lookup(ctx, norm, &list) >= 0);
		x = v;
		for (it = list; it != NULL; it = k.next(list, it)) {
			struct kmod_module *m = k.get_module(it);

			CHECK_MSG(x != NULL, "'%s': kmod has more results (%s)", norm,
				  k.get_name(m));
			CHECK_MSG(strcmp(x->value, k.get_name(m)) == 0,
				  "'%s': %s != kmod's %s", norm, x->value, k.get_name(m));
			k.mod_unref(m);
			x = x->next;
			nres++;
		}
		CHECK_MSG(x == NULL, "'%s': we have more results (%s)", norm,
			  x ? x->value : "");
		k.list_free(list);
		index_values_free(v);
		nq++;
	}
	fprintf(stderr, "# %zu queries, %zu results compared, %zu without result\n", nq,
		nres, nskip);
	CHECK(nres >= nq && nq > 1900);
	k.unref(ctx);
	index_mm_close(idx);
	free(pats);
	free(text);
	free(bin);
	return 0;
}

#endif /* TEST_INDEX_DEBIAN */

TEST_MAIN()
