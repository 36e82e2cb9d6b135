// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reader of the .bin index files (formats.md 1).
 *
 * The file is a 12-byte big-endian header (magic 0xB007F457, version with major 2
 * in the high half, root node pointer) followed by the nodes of a radix trie. A node
 * pointer is a u32be whose low 28 bits are the node's file offset and whose high
 * bits say which fields the node has: a NUL-terminated prefix, a child table
 * ("first" and "last" bytes then one node pointer per byte value in between, 0 for
 * none) and a value list (u32be count, then u32be priority and a NUL-terminated
 * string per value). Nothing is aligned and nodes may be placed anywhere: kmod 34.2
 * writes parents before children, older kmod after them, so we only ever follow
 * pointers.
 *
 * The file is untrusted: every field is bounds-checked against the mapping, a bad
 * pointer or child table is treated as "no node", and every parent-to-child step
 * must move the same way through the file as kmod's writers do (forward when the
 * root is the first node, as kmod 34.2 writes; backward otherwise, as older kmod
 * writes), so no path can loop. Nodes shared by several parents could still make
 * a walk exponential: walks are bounded by a visit budget that a well-formed file
 * never exhausts (the dump visits at most one node per byte of the file).
 *
 * Wildcard lookup (stored keys are globs, the query is literal) follows kmod's
 * traversal, which fixes the order of equal-priority results, but instead of
 * calling fnmatch() on every stored key below the first wildcard it runs the glob
 * incrementally: the set of query positions that the stored-key text seen so far
 * can have consumed is kept as a bitset while descending, and a subtree is skipped
 * as soon as that set is empty. Constructs whose meaning can depend on text not yet
 * seen (an open bracket expression) or that the bitset matcher does not model
 * (backslashes or '[' inside brackets) switch the subtree to index_fnmatch(), a
 * polynomial-time rendering of glibc's fnmatch(), on the whole stored key, so the
 * results are always those of fnmatch(pattern, query, 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "index-format.h"
#include "internal.h"
#include "regfile.h"

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

/* Length of the string at p, SIZE_MAX when no NUL comes before end. Index strings
 * are short (a dozen bytes): a word at a time beats a call to memchr(). */
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
		/* the lowest set bit marks the first NUL exactly */
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

static void value_iter_init(struct value_iter *it, const struct index_mm *idx,
			    const struct node *n)
{
	it->p = n->values;
	it->end = idx->mm + idx->size;
	it->left = n->values != NULL ? n->nvalues : 0;
}

/* Next well-formed value; iteration stops at the first malformed record. */
static bool value_next(struct value_iter *it, uint32_t *prio, const char **str,
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

static struct index_value *index_value_new(const char *str, size_t len, uint32_t prio)
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

/* ---- wildcard lookup ---------------------------------------------------------- */

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
	if (w->budget == 0) {
		w->err = -ELOOP;
		return false;
	}
	w->budget--;
	return true;
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

struct index_value *index_mm_searchwild(const struct index_mm *idx, const char *key)
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

/* ---- dump --------------------------------------------------------------------- */

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
