// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The accelerated wildcard lookup behind index_mm_searchwild().
 *
 * What it computes is exactly index_plain_searchwild() (index-plain.c, the format's
 * own description in docs/formats.md 1.9): follow the query literally down the trie
 * and, below every wildcard met on the way, "collect" every stored key K for which
 * fnmatch(K, query, 0) == 0, adding each of K's values to the result with the
 * priority insertion rule of formats.md 1.6. The tests (test-index-paths) hold the
 * two to identical results on every key of Debian's indexes and on generated globs.
 *
 * Why not do just that: modules.alias.bin has tens of thousands of keys, most of
 * them below a wildcard near the top ("pci:v*", "usb:v*", "acpi*:"...), so every
 * modalias lookup calls fnmatch() on thousands of stored keys, each time matching
 * from the first byte the part that the trie shares among all of them. Here the
 * matching is done while descending instead, and a subtree is left out the moment
 * nothing in it can match.
 *
 * Why a bitset: the glob state after reading part of a stored key is the set of
 * query positions that this part can have consumed (an NFA over the query, as in
 * the shift-and string matchers). A query is a modalias of a hundred-odd bytes, so
 * the set is two or three 64-bit words. Each kind of pattern byte becomes a few
 * word operations, the same for every child, with no backtracking:
 *   - a literal byte c keeps the positions whose query byte is c and moves them on
 *     by one (a precomputed mask per byte value, then a shift);
 *   - '?' moves every position but the end on by one;
 *   - '*' adds every position from the lowest one reachable to the end;
 *   - a closed bracket expression is turned into a 256-bit member set, then works
 *     like a literal byte whose mask is that set.
 * Each trie level keeps its own copy of the state, so going down a child costs a
 * copy of the words, and an empty set prunes the child's whole subtree.
 *
 * What it keeps equal to fnmatch(3) (glibc, flags 0, the C locale, '^' negating a
 * bracket unless POSIXLY_CORRECT is set, as glibc reads it): '\\' quotes the next
 * byte; the first item of a bracket may be ']'; "a-b" is a byte range unless b is
 * the closing ']'; a '-' elsewhere in a bracket is itself. Whatever the bitset does
 * not model is handed, for that subtree only, to index_fnmatch() on the whole
 * stored key: a '\\' or '[' inside a bracket (escapes, "[:alpha:]", "[=a=]",
 * "[.a.]"), a bracket still open at a node's values (its meaning then depends on
 * bytes that may never come: glibc reads an unclosed '[' as a literal), and a
 * trailing '\\'. index_fnmatch() (index-glob.c) gives glibc's answers; it exists
 * because glibc's fnmatch() backtracks, and a stored key with many '*' against a
 * long query would let a file we did not write stall a lookup.
 *
 * Order: kmod inserts each value before the first of priority >= its own, so equal
 * priorities come out newest first. Hits are collected in traversal order with a
 * sequence number, then sorted by (priority, sequence descending): the same list
 * in O(n log n) instead of kmod's O(n^2) insertions.
 *
 * Bounds: every node and value visit is charged to a budget that a well-formed file
 * never exhausts; index_fnmatch() has a step budget of its own. When one runs out
 * the lookup answers nothing (-ELOOP or -E2BIG inside).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "index-reader.h"
#include "index.h"

/*
 * Glob state while walking below the first wildcard of a stored key: bit i of the
 * level's bitset is set when the stored-key text so far can match query[qoff..i).
 * esc: a backslash waits for the byte it quotes. bstart >= 0: a bracket expression
 * opened at pat[bstart] is still unterminated (the bitset is the one from before it).
 * fallback: the subtree is matched with index_fnmatch() only.
 */
struct glob_level {
	ssize_t bstart;
	size_t bchars;
	bool neg, esc, fallback;
};

struct wild_hit {
	const char *value;
	size_t len;
	uint32_t prio;
	uint32_t seq;
};

struct wild {
	const struct index_mm *idx;
	const unsigned char *query;
	size_t qlen;
	size_t qoff; /* start of the subject of the current collect */
	size_t words; /* 64-bit words per bitset: qlen + 1 positions */
	uint64_t *masks; /* [256][words]: positions of each byte in query */
	uint64_t *valid; /* positions 0..qlen */
	uint64_t *bits; /* [nlevels][words] */
	uint64_t *tmp;
	struct glob_level *levels;
	size_t nlevels;
	char *pat; /* stored-key text from the first wildcard */
	size_t patlen, patcap;
	struct wild_hit *hits;
	size_t nhits, hitcap;
	size_t budget; /* node and value visits */
	size_t glob_steps; /* work allowed to index_fnmatch() */
	bool posix; /* POSIXLY_CORRECT: '^' does not negate a bracket */
	int err;
};

static bool wild_budget(struct wild *w)
{
	return index_budget_take(&w->budget, &w->err);
}

static void wild_add_values(struct wild *w, const struct node *n)
{
	struct value_iter it;
	const char *str;
	size_t len;
	uint32_t prio;

	value_iter_init(&it, w->idx, n);
	while (value_next(&it, &prio, &str, &len)) {
		if (!wild_budget(w))
			return;
		if (w->nhits == w->hitcap) {
			size_t cap = w->hitcap ? w->hitcap * 2 : 16;
			struct wild_hit *h = realloc(w->hits, cap * sizeof(*h));

			if (h == NULL) {
				w->err = -ENOMEM;
				return;
			}
			w->hits = h;
			w->hitcap = cap;
		}
		w->hits[w->nhits] = (struct wild_hit){
			.value = str, .len = len, .prio = prio, .seq = w->nhits
		};
		w->nhits++;
	}
}

static bool wild_pat_push(struct wild *w, char c)
{
	if (w->patlen + 2 > w->patcap) {
		size_t cap = w->patcap ? w->patcap * 2 : 256;
		char *p = realloc(w->pat, cap);

		if (p == NULL) {
			w->err = -ENOMEM;
			return false;
		}
		w->pat = p;
		w->patcap = cap;
	}
	w->pat[w->patlen++] = c;
	return true;
}

static bool wild_level_reserve(struct wild *w, size_t level)
{
	size_t n;
	uint64_t *bits;
	struct glob_level *levels;

	if (level < w->nlevels)
		return true;
	if (level >= INDEX_MAX_DEPTH) {
		w->err = -ELOOP;
		return false;
	}
	n = MAX(w->nlevels * 2, (size_t)32);
	bits = realloc(w->bits, n * w->words * sizeof(*bits));
	if (bits == NULL)
		goto oom;
	w->bits = bits;
	levels = realloc(w->levels, n * sizeof(*levels));
	if (levels == NULL)
		goto oom;
	w->levels = levels;
	w->nlevels = n;
	return true;
oom:
	w->err = -ENOMEM;
	return false;
}

static inline uint64_t *wild_bits(const struct wild *w, size_t level)
{
	return w->bits + level * w->words;
}

/* Positions after one more byte equal to c. */
static bool bits_step_byte(const struct wild *w, uint64_t *b, unsigned char c)
{
	const uint64_t *m = w->masks + (size_t)c * w->words;
	uint64_t carry = 0, acc = 0;

	for (size_t k = 0; k < w->words; k++) {
		uint64_t v = b[k] & m[k];

		b[k] = v << 1 | carry;
		carry = v >> 63;
		acc |= b[k];
	}
	return acc != 0;
}

/* Positions after one more byte of any value: '?'. */
static bool bits_step_any(const struct wild *w, uint64_t *b)
{
	uint64_t carry = 0, acc = 0;

	for (size_t k = 0; k < w->words; k++) {
		/* position qlen has no byte after it */
		uint64_t v = b[k] & w->valid[k];

		if (k == w->qlen / 64)
			v &= ~(UINT64_C(1) << (w->qlen % 64));
		b[k] = v << 1 | carry;
		carry = v >> 63;
		acc |= b[k];
	}
	return acc != 0;
}

/* '*': every position from the first reachable one on. */
static void bits_step_star(const struct wild *w, uint64_t *b)
{
	size_t k = 0;

	while (k < w->words && b[k] == 0)
		k++;
	if (k == w->words)
		return;
	b[k] = w->valid[k] & (~UINT64_C(0) << __builtin_ctzll(b[k]));
	for (k++; k < w->words; k++)
		b[k] = w->valid[k];
}

/* One byte of the 256-entry class set. */
static bool bits_step_class(const struct wild *w, uint64_t *b, const uint64_t set[4])
{
	bool any = false;

	memset(w->tmp, 0, w->words * sizeof(*w->tmp));
	for (size_t k = 0; k < w->words; k++) {
		uint64_t v = b[k];

		while (v != 0) {
			size_t i = k * 64 + __builtin_ctzll(v);
			unsigned char c;

			v &= v - 1;
			if (i >= w->qlen)
				break;
			c = w->query[i];
			if (set[c / 64] >> (c % 64) & 1) {
				w->tmp[(i + 1) / 64] |= UINT64_C(1) << ((i + 1) % 64);
				any = true;
			}
		}
	}
	memcpy(b, w->tmp, w->words * sizeof(*b));
	return any;
}

static inline void set_add(uint64_t set[4], unsigned char c)
{
	set[c / 64] |= UINT64_C(1) << (c % 64);
}

/*
 * The members of a closed bracket expression: t = its items followed by the
 * closing ']'. Only called for items without '\\' and '[', where fnmatch()'s
 * reading is: the first item may be ']'; "a-b" is a range (byte order, as in the C
 * locale) unless b is the closing ']'; a '-' elsewhere is itself.
 */
static void bracket_set(const char *t, bool neg, uint64_t set[4])
{
	size_t i = 0;
	unsigned char c = t[i++];

	set[0] = set[1] = set[2] = set[3] = 0;
	for (;;) {
		unsigned char cold;

		if (!(t[i] == '-' && t[i + 1] != ']'))
			set_add(set, c);
		cold = c;
		c = t[i++];
		if (c == '-' && t[i] != ']') {
			unsigned char cend = t[i++];

			for (unsigned int x = cold; x <= cend; x++)
				set_add(set, x);
			c = t[i++];
		}
		if (c == ']')
			break;
	}
	if (neg) {
		for (int k = 0; k < 4; k++)
			set[k] = ~set[k];
	}
}

/* Feeds one stored-key byte to the glob state of level; false if nothing can match
 * any more below this point. */
static bool wild_step(struct wild *w, size_t level, unsigned char c)
{
	struct glob_level *g = &w->levels[level];
	uint64_t *b = wild_bits(w, level);

	if (!wild_pat_push(w, c))
		return false;
	if (g->fallback)
		return true;

	if (g->bstart >= 0) {
		uint64_t set[4];

		if (c == '\\' || c == '[') {
			g->fallback = true;
			return true;
		}
		if (g->bchars == 0 && (c == '!' || (c == '^' && !w->posix))) {
			g->neg = true;
			g->bchars++;
			return true;
		}
		if (c != ']' || g->bchars <= (size_t)g->neg) {
			g->bchars++;
			return true;
		}
		w->pat[w->patlen] = '\0';
		bracket_set(w->pat + g->bstart + 1 + g->neg, g->neg, set);
		g->bstart = -1;
		return bits_step_class(w, b, set);
	}

	if (g->esc) {
		g->esc = false;
		return bits_step_byte(w, b, c);
	}

	switch (c) {
	case '\\':
		g->esc = true;
		return true;
	case '*':
		bits_step_star(w, b);
		return true;
	case '?':
		return bits_step_any(w, b);
	case '[':
		g->bstart = (ssize_t)w->patlen - 1;
		g->bchars = 0;
		g->neg = false;
		return true;
	default:
		return bits_step_byte(w, b, c);
	}
}

static bool wild_level_matches(struct wild *w, size_t level)
{
	const struct glob_level *g = &w->levels[level];
	const uint64_t *b = wild_bits(w, level);

	if (g->fallback || g->bstart >= 0 || g->esc) {
		int r;

		w->pat[w->patlen] = '\0';
		r = index_fnmatch(w->pat, (const char *)w->query + w->qoff, w->posix,
				  &w->glob_steps);
		if (r < 0)
			w->err = r;
		return r == 0;
	}
	return b[w->qlen / 64] >> (w->qlen % 64) & 1;
}

/* kmod's "collect": every stored key below n (whose text before n->prefix[from] has
 * already been fed to level's state), children first, then n's own values. */
static void wild_collect(struct wild *w, size_t level, const struct node *n, size_t from)
{
	size_t mark = w->patlen, after_prefix;

	for (size_t k = from; k < n->prefix_len; k++) {
		if (!wild_step(w, level, n->prefix[k]))
			goto out;
	}
	after_prefix = w->patlen;

	for (unsigned int c = n->first; n->childs != NULL && c <= n->last; c++) {
		uint32_t ptr = child_checked(w->idx, n,
					     be32(n->childs + 4 * (c - n->first)));
		struct node child;

		if (ptr == 0)
			continue;
		if (!wild_level_reserve(w, level + 1))
			goto out;
		w->levels[level + 1] = w->levels[level];
		memcpy(wild_bits(w, level + 1), wild_bits(w, level),
		       w->words * sizeof(uint64_t));
		if (wild_step(w, level + 1, c) && wild_budget(w) &&
		    node_read(w->idx, ptr, &child))
			wild_collect(w, level + 1, &child, 0);
		w->patlen = after_prefix;
		if (w->err < 0)
			goto out;
	}

	if (n->nvalues > 0 && wild_level_matches(w, level))
		wild_add_values(w, n);
out:
	w->patlen = mark;
}

/* Starts a collect at the wildcard n->prefix[from] (or at n itself reached through
 * the wildcard edge byte 'edge' when edge != 0) against query[qoff..]. */
static void wild_collect_start(struct wild *w, const struct node *n, size_t from,
			       unsigned char edge, size_t qoff)
{
	uint64_t *b;

	if (!wild_level_reserve(w, 0))
		return;
	w->qoff = qoff;
	w->patlen = 0;
	w->levels[0] = (struct glob_level){ .bstart = -1 };
	b = wild_bits(w, 0);
	memset(b, 0, w->words * sizeof(*b));
	b[qoff / 64] = UINT64_C(1) << (qoff % 64);
	if (edge != 0 && !wild_step(w, 0, edge))
		return;
	wild_collect(w, 0, n, from);
}

/* kmod's traversal: follow the query literally, collecting below every wildcard met
 * on the way (wildcard children in the order '*', '?', '['). */
static void wild_descend(struct wild *w)
{
	static const unsigned char wildcards[] = { '*', '?', '[' };
	const unsigned char *q = w->query;
	uint32_t ptr = w->idx->root;
	size_t i = 0;

	for (;;) {
		struct node n;

		if (!wild_budget(w) || !node_read(w->idx, ptr, &n))
			return;
		for (size_t j = 0; j < n.prefix_len; j++) {
			unsigned char c = n.prefix[j];

			if (c == '*' || c == '?' || c == '[') {
				wild_collect_start(w, &n, j, 0, i + j);
				return;
			}
			if (c != q[i + j])
				return;
		}
		i += n.prefix_len;

		for (size_t k = 0; k < ARRAY_SIZE(wildcards); k++) {
			uint32_t cptr = node_child(w->idx, &n, wildcards[k]);
			struct node child;

			if (cptr == 0)
				continue;
			if (wild_budget(w) && node_read(w->idx, cptr, &child))
				wild_collect_start(w, &child, 0, wildcards[k], i);
			if (w->err < 0)
				return;
		}

		if (q[i] == '\0') {
			wild_add_values(w, &n);
			return;
		}
		ptr = node_child(w->idx, &n, q[i]);
		i++;
	}
}

static int wild_hit_cmp(const void *a, const void *b)
{
	const struct wild_hit *x = a, *y = b;

	/* kmod inserts each value before the first one of priority >= its own: equal
	 * priorities come out newest first */
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? 1 : -1;
}

static int posixly_correct(void)
{
	static int cached; /* 0 unknown, 1 set, -1 unset; racing writers agree */
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (v == 0) {
		v = secure_getenv("POSIXLY_CORRECT") != NULL ? 1 : -1;
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	}
	return v;
}

struct index_value *index_wild_search(const struct index_mm *idx, const char *key)
{
	struct wild w = {
		.idx = idx,
		.query = (const unsigned char *)key,
		.qlen = strlen(key),
		.glob_steps = (size_t)1 << 22,
		.posix = posixly_correct() > 0,
	};
	struct index_value *head = NULL, **tail = &head;

	/*
	 * A well-formed file has fewer nodes than size / 2 and each collect walks a
	 * subtree once; collects only nest when the query itself holds wildcard
	 * characters that the literal descent follows into a subtree already collected.
	 */
	w.budget = idx->size / 2 + 64;
	for (size_t i = 0; i < w.qlen; i++) {
		if (key[i] == '*' || key[i] == '?' || key[i] == '[')
			w.budget += idx->size / 2 + 64;
	}
	w.words = w.qlen / 64 + 1;
	w.masks = calloc((256 + 2) * w.words, sizeof(uint64_t));
	if (w.masks == NULL)
		return NULL;
	w.valid = w.masks + 256 * w.words;
	w.tmp = w.valid + w.words;
	for (size_t i = 0; i < w.qlen; i++)
		w.masks[(size_t)w.query[i] * w.words + i / 64] |= UINT64_C(1) << (i % 64);
	for (size_t i = 0; i <= w.qlen; i++)
		w.valid[i / 64] |= UINT64_C(1) << (i % 64);

	wild_descend(&w);

	if (w.err == 0 && w.nhits > 0) {
		qsort(w.hits, w.nhits, sizeof(*w.hits), wild_hit_cmp);
		for (size_t i = 0; i < w.nhits; i++) {
			struct index_value *v = index_value_new(w.hits[i].value,
								w.hits[i].len,
								w.hits[i].prio);

			if (v == NULL) {
				index_values_free(head);
				head = NULL;
				break;
			}
			*tail = v;
			tail = &v->next;
		}
	}

	free(w.masks);
	free(w.bits);
	free(w.levels);
	free(w.pat);
	free(w.hits);
	return head;
}
