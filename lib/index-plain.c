// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reference path of the index reader: every lookup written the way
 * docs/formats.md section 1 describes it, for reading, with nothing clever in it.
 * The library's lookups (index.c, index-wild.c, index-dump.c) must give exactly the
 * same answers; the tests (test-index-paths) compare the two on Debian's indexes and
 * on generated ones. When in doubt about what a lookup means, read this file.
 *
 * It has its own node decoder, so that a slip in the fast one shows up as a
 * difference, and uses the C library's fnmatch() for glob keys. It is as careful
 * with the file as the fast path (every read bounds-checked, children followed only
 * in the file's direction, so no walk loops, and the same visit bounds), but it is
 * not meant to be quick: fnmatch() backtracks, and values are inserted one by one
 * into a sorted list.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "index-reader.h"
#include "index.h"
#include "strbuf.h"

/* ---- reading one node (formats.md 1.3, 1.4) ---------------------------------- */

/* A node: the parts its pointer's flags announce, the others empty. */
struct pnode {
	size_t off; /* where the node starts in the file */
	const char *prefix; /* "" when the node has none */
	const uint8_t *slots; /* child pointers for bytes first..last, or NULL */
	unsigned int first, last;
	const uint8_t *values; /* the first (priority, string) record, or NULL */
	uint32_t nvalues;
};

/* One value record: u32be priority, then a NUL-terminated string. */
struct pvalue {
	uint32_t prio;
	const char *str;
	size_t len;
};

/* Whether a NUL ends the string at off inside the file; its length in *len. */
static bool string_at(const struct index_mm *idx, size_t off, size_t *len)
{
	const uint8_t *nul = memchr(idx->mm + off, '\0', idx->size - off);

	if (nul == NULL)
		return false;
	*len = (size_t)(nul - (idx->mm + off));
	return true;
}

/* Decodes the node ptr points to; false for "no node" (offset 0 or outside the
 * file) and for a node whose parts do not fit in the file. */
static bool read_node(const struct index_mm *idx, uint32_t ptr, struct pnode *n)
{
	size_t off = ptr & INDEX_NODE_OFFSET, len;

	if (off == 0 || off >= idx->size)
		return false;
	*n = (struct pnode){ .off = off, .prefix = "" };

	/* PREFIX: the prefix bytes and a NUL */
	if (ptr & INDEX_NODE_PREFIX) {
		if (!string_at(idx, off, &len))
			return false;
		n->prefix = (const char *)idx->mm + off;
		off += len + 1;
	}
	/* CHILDS: first and last byte, then a pointer per byte from first to last;
	 * keys are ASCII, so a table reaching byte 128 is refused */
	if (ptr & INDEX_NODE_CHILDS) {
		if (idx->size - off < 2)
			return false;
		n->first = idx->mm[off];
		n->last = idx->mm[off + 1];
		off += 2;
		if (n->first > n->last || n->last >= INDEX_CHILD_MAX)
			return false;
		len = 4 * (size_t)(n->last - n->first + 1);
		if (idx->size - off < len)
			return false;
		n->slots = idx->mm + off;
		off += len;
	}
	/* VALUES: a count, then the records (read one by one: next_value()) */
	if (ptr & INDEX_NODE_VALUES) {
		if (idx->size - off < 4)
			return false;
		n->nvalues = be32(idx->mm + off);
		n->values = idx->mm + off + 4;
	}
	return true;
}

/* The child of n under byte c. A slot of 0 means none; a pointer that does not
 * lead away from n in the direction the writer placed nodes (index-reader.h) is
 * treated the same, which is what keeps a hostile file from making a loop. */
static bool child_of(const struct index_mm *idx, const struct pnode *n, unsigned char c,
		     struct pnode *child)
{
	uint32_t ptr;
	size_t off;

	if (n->slots == NULL || c < n->first || c > n->last)
		return false;
	ptr = be32(n->slots + 4 * (c - n->first));
	off = ptr & INDEX_NODE_OFFSET;
	if (idx->forward ? off <= n->off : off >= n->off)
		return false;
	return read_node(idx, ptr, child);
}

/* Where the next of a node's values is, and how many the count says are left. */
struct pcursor {
	const uint8_t *p;
	uint32_t left;
};

static void values_of(const struct pnode *n, struct pcursor *c)
{
	c->p = n->values;
	c->left = n->values != NULL ? n->nvalues : 0;
}

/* The next value, in stored order (ascending priority); a record that does not
 * fit in the file ends the list. */
static bool next_value(const struct index_mm *idx, struct pcursor *c, struct pvalue *v)
{
	size_t off;

	if (c->left == 0)
		return false;
	off = (size_t)(c->p - idx->mm);
	if (idx->size - off < 5 || !string_at(idx, off + 4, &v->len))
		return false;
	v->prio = be32(c->p);
	v->str = (const char *)c->p + 4;
	c->p += 4 + v->len + 1;
	c->left--;
	return true;
}

/* Appends a copy of v to a list whose last next pointer is **tail. */
static bool list_append(struct index_value ***tail, const struct pvalue *v)
{
	struct index_value *e = index_value_new(v->str, v->len, v->prio);

	if (e == NULL)
		return false;
	**tail = e;
	*tail = &e->next;
	return true;
}

/* ---- exact lookup (formats.md 1.9) ------------------------------------------- */

/* The values of the node that spells key: at each node the key must go on with
 * the node's prefix; once the key is used up, this is the node; otherwise the next
 * key byte picks the child to go on with. Each step uses up at least one key byte.
 * False when no node spells key; a node without values gives an empty list. */
static bool key_values(const struct index_mm *idx, const char *key, struct pcursor *out)
{
	struct pnode n;

	if (!read_node(idx, idx->root, &n))
		return false;
	for (;;) {
		size_t plen = strlen(n.prefix);

		if (strncmp(key, n.prefix, plen) != 0)
			return false;
		key += plen;
		if (*key == '\0') {
			values_of(&n, out);
			return true;
		}
		if (!child_of(idx, &n, (unsigned char)*key, &n))
			return false;
		key++;
	}
}

/* The key's first value (the lowest priority), or NULL: no such key. */
char *index_plain_search(const struct index_mm *idx, const char *key)
{
	struct pcursor c;
	struct pvalue v;

	if (!key_values(idx, key, &c) || !next_value(idx, &c, &v))
		return NULL;
	return strndup(v.str, v.len);
}

/* All of the key's values, in stored order, or NULL. */
struct index_value *index_plain_search_all(const struct index_mm *idx, const char *key)
{
	struct index_value *head = NULL, **tail = &head;
	struct pcursor c;
	struct pvalue v;

	if (!key_values(idx, key, &c))
		return NULL;
	while (next_value(idx, &c, &v)) {
		if (!list_append(&tail, &v)) {
			index_values_free(head);
			return NULL;
		}
	}
	return head;
}

/* ---- wildcard lookup (formats.md 1.9) ---------------------------------------- */

struct plain_wild {
	const struct index_mm *idx;
	struct index_value *result; /* kept in the order of formats.md 1.6 */
	struct strbuf text; /* the stored key from its first wildcard on, as collected */
	size_t budget; /* node visits left */
	int err;
};

static bool is_wildcard(char c)
{
	return c == '*' || c == '?' || c == '[';
}

static bool visit(struct plain_wild *w)
{
	return index_budget_take(&w->budget, &w->err);
}

/* formats.md 1.6: a value goes before the first one whose priority is >= its own,
 * so equal priorities end up newest first. */
static void result_insert(struct plain_wild *w, const struct pvalue *v)
{
	struct index_value **pp = &w->result, *e;

	while (*pp != NULL && (*pp)->priority < v->prio)
		pp = &(*pp)->next;
	e = index_value_new(v->str, v->len, v->prio);
	if (e == NULL) {
		w->err = -ENOMEM;
		return;
	}
	e->next = *pp;
	*pp = e;
}

/* "Add all values of n": each one in stored order, through result_insert(). */
static void add_values(struct plain_wild *w, const struct pnode *n)
{
	struct pcursor c;
	struct pvalue v;

	values_of(n, &c);
	while (w->err == 0 && next_value(w->idx, &c, &v))
		result_insert(w, &v);
}

static bool text_push(struct plain_wild *w, const char *s, size_t len)
{
	if (!strbuf_pushmem(&w->text, s, len)) {
		w->err = -ENOMEM;
		return false;
	}
	return true;
}

/* Whether the text collected so far matches the subject, as fnmatch() says. */
static bool text_matches(struct plain_wild *w, const char *subject)
{
	const char *text = strbuf_str(&w->text);

	if (text == NULL) {
		w->err = -ENOMEM;
		return false;
	}
	return fnmatch(text, subject, 0) == 0;
}

/* glob(n, skip, text, subject): w->text holds the stored key from its first
 * wildcard up to n; append n's prefix from byte skip on, then visit every child by
 * ascending byte (its byte appended to the text), then, if n has values and the
 * text matches the subject, add them. */
static void collect(struct plain_wild *w, const struct pnode *n, size_t skip,
		    const char *subject, size_t depth)
{
	size_t mark = strbuf_used(&w->text), after_prefix;

	if (depth > INDEX_MAX_DEPTH) {
		w->err = -ELOOP;
		return;
	}
	if (!text_push(w, n->prefix + skip, strlen(n->prefix + skip)))
		return;
	after_prefix = strbuf_used(&w->text);

	for (unsigned int c = n->first; n->slots != NULL && c <= n->last; c++) {
		struct pnode child;
		char byte = (char)c;

		if (!child_of(w->idx, n, c, &child))
			continue;
		if (!visit(w) || !text_push(w, &byte, 1))
			break;
		collect(w, &child, 0, subject, depth + 1);
		strbuf_popchars(&w->text, strbuf_used(&w->text) - after_prefix);
		if (w->err < 0)
			break;
	}

	if (w->err == 0 && n->values != NULL && text_matches(w, subject))
		add_values(w, n);
	strbuf_popchars(&w->text, strbuf_used(&w->text) - mark);
}

/* Starts a collect at n with the text so far being the one wildcard byte edge
 * (the byte of the child table that led to n), or nothing when edge is 0. */
static void collect_start(struct plain_wild *w, const struct pnode *n, size_t skip,
			  char edge, const char *subject)
{
	strbuf_clear(&w->text);
	if (edge != '\0' && !text_push(w, &edge, 1))
		return;
	collect(w, n, skip, subject, 0);
}

/* walk(root, query): follow the query literally; a wildcard inside a prefix ends
 * the walk with one collect, a wildcard child ('*', '?', '[' in that order) gets a
 * collect on the way; the node where the query ends gives its own values. */
static void walk(struct plain_wild *w, const char *rest)
{
	static const char wildcards[] = { '*', '?', '[' };
	struct pnode n, child;

	if (!visit(w) || !read_node(w->idx, w->idx->root, &n))
		return;
	for (;;) {
		size_t plen = strlen(n.prefix);

		for (size_t k = 0; k < plen; k++) {
			if (is_wildcard(n.prefix[k])) {
				collect_start(w, &n, k, '\0', rest + k);
				return;
			}
			if (rest[k] != n.prefix[k])
				return;
		}
		rest += plen;

		for (size_t k = 0; k < ARRAY_SIZE(wildcards); k++) {
			if (child_of(w->idx, &n, (unsigned char)wildcards[k], &child) &&
			    visit(w))
				collect_start(w, &child, 0, wildcards[k], rest);
			if (w->err < 0)
				return;
		}

		if (*rest == '\0') {
			add_values(w, &n);
			return;
		}
		if (!visit(w) || !child_of(w->idx, &n, (unsigned char)*rest, &n))
			return;
		rest++;
	}
}

/* Every value of the stored keys K with fnmatch(K, key, 0) == 0, in the order of
 * formats.md 1.6 for the walk above; NULL when none (or on error). */
struct index_value *index_plain_searchwild(const struct index_mm *idx, const char *key)
{
	struct plain_wild w = { .idx = idx };

	/* Bound on node visits: a well-formed file has fewer nodes than half its
	 * bytes; each collect visits its subtree once, and collects can only repeat
	 * when the literal walk follows a wildcard byte of the query itself. */
	w.budget = idx->size / 2 + 64;
	for (const char *s = key; *s != '\0'; s++) {
		if (is_wildcard(*s))
			w.budget += idx->size / 2 + 64;
	}

	strbuf_init(&w.text);
	walk(&w, key);
	strbuf_release(&w.text);
	if (w.err < 0) {
		index_values_free(w.result);
		return NULL;
	}
	return w.result;
}

/* ---- every key and value, in dump order (formats.md 1.9) ---------------------- */

struct plain_walk {
	const struct index_mm *idx;
	int (*fn)(const char *key, size_t keylen, const char *value, void *data);
	void *data;
	struct strbuf key;
	size_t budget; /* node visits left: a tree has fewer nodes than the file bytes */
};

/* n's values, each passed to fn with the key so far. */
static int walk_values(struct plain_walk *pw, const struct pnode *n)
{
	const char *key = strbuf_str(&pw->key);
	struct pcursor c;
	struct pvalue v;
	int r = 0;

	if (key == NULL)
		return -ENOMEM;
	values_of(n, &c);
	while (r == 0 && next_value(pw->idx, &c, &v))
		r = pw->fn(key, strbuf_used(&pw->key), v.str, pw->data);
	return r;
}

/* Pre-order: n's key is the key so far plus its prefix; its values first, in stored
 * order, then each child's subtree by ascending byte, the byte added to the key. */
static int walk_node(struct plain_walk *pw, const struct pnode *n, size_t depth)
{
	size_t mark = strbuf_used(&pw->key), here;
	int r = 0;

	if (depth > INDEX_MAX_DEPTH || pw->budget == 0)
		return -ELOOP;
	pw->budget--;
	if (!strbuf_pushchars(&pw->key, n->prefix))
		return -ENOMEM;
	r = walk_values(pw, n);
	here = strbuf_used(&pw->key);

	for (unsigned int c = n->first; r == 0 && n->slots != NULL && c <= n->last; c++) {
		struct pnode child;

		if (!child_of(pw->idx, n, c, &child))
			continue;
		if (!strbuf_pushchar(&pw->key, (char)c))
			r = -ENOMEM;
		else
			r = walk_node(pw, &child, depth + 1);
		strbuf_popchars(&pw->key, strbuf_used(&pw->key) - here);
	}
	strbuf_popchars(&pw->key, strbuf_used(&pw->key) - mark);
	return r;
}

int index_plain_walk(const struct index_mm *idx,
		     int (*fn)(const char *key, size_t keylen, const char *value,
			       void *data),
		     void *data)
{
	struct plain_walk pw = {
		.idx = idx, .fn = fn, .data = data, .budget = idx->size
	};
	struct pnode root;
	int r = 0;

	strbuf_init(&pw.key);
	if (read_node(idx, idx->root, &root))
		r = walk_node(&pw, &root, 0);
	strbuf_release(&pw.key);
	return r;
}
