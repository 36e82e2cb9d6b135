// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The index reader's two paths must agree: the library's lookups (index.c,
 * index-wild.c, index-dump.c: word-at-a-time scans, the bitset glob, the
 * polynomial fnmatch) against the reference path written as the format reads
 * (index-plain.c: a plain trie walk and the C library's fnmatch()).
 *
 * On kmod 34.2's indexes of Debian's 6.1 kernel (testsuite/reference, in the
 * repository): every stored key, the key cut short and lengthened, and modalias
 * strings made from every alias pattern by filling its wildcards at random (fixed
 * seed); exact, all-values and wildcard lookups of each, and the dump against the
 * plain walk. On generated indexes: glob keys with brackets, ranges, negation,
 * classes, escapes and malformed forms against generated subjects, with and
 * without POSIXLY_CORRECT. Beyond agreement, each modalias made from a pattern
 * must find that pattern's modules whenever the C library's fnmatch() says the
 * pattern matches it, which holds both paths to the format's meaning.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/index-reader.h"
#include "lib/index.h"
#include "lib/macro.h"

/* ---- deterministic randomness ---------------------------------------------------- */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32) % n;
}

/* ---- comparing the two paths ------------------------------------------------------ */

static void print_list(const char *what, const struct index_value *v)
{
	fprintf(stderr, "#   %s:", what);
	for (; v != NULL; v = v->next)
		fprintf(stderr, " %u:'%s'", v->priority, v->value);
	fprintf(stderr, "\n");
}

static bool same_list(const struct index_value *a, const struct index_value *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		if (a->priority != b->priority || a->len != b->len ||
		    memcmp(a->value, b->value, a->len + 1) != 0)
			return false;
	}
	return a == NULL && b == NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

struct tally {
	size_t lookups; /* queries compared (each by the three lookups) */
	size_t wild_found; /* queries whose wildcard lookup found something */
};

/* Exact, all-values and wildcard lookups of query by both paths; 0 when equal. */
static int compare_query(const struct index_mm *idx, const char *query, struct tally *t)
{
	char *fast = index_mm_search(idx, query);
	char *plain = index_plain_search(idx, query);
	struct index_value *fast_all = index_mm_search_all(idx, query);
	struct index_value *plain_all = index_plain_search_all(idx, query);
	struct index_value *fast_wild = index_mm_searchwild(idx, query);
	struct index_value *plain_wild = index_plain_searchwild(idx, query);
	int ret = 0;

	if (!same_str(fast, plain)) {
		fprintf(stderr, "# exact '%s': fast '%s', plain '%s'\n", query,
			fast ? fast : "(null)", plain ? plain : "(null)");
		ret = 1;
	}
	if (!same_list(fast_all, plain_all)) {
		fprintf(stderr, "# all values '%s' differ\n", query);
		print_list("fast", fast_all);
		print_list("plain", plain_all);
		ret = 1;
	}
	if (!same_list(fast_wild, plain_wild)) {
		fprintf(stderr, "# wildcard '%s' differs\n", query);
		print_list("fast", fast_wild);
		print_list("plain", plain_wild);
		ret = 1;
	}
	t->lookups++;
	t->wild_found += plain_wild != NULL;
	free(fast);
	free(plain);
	index_values_free(fast_all);
	index_values_free(plain_all);
	index_values_free(fast_wild);
	index_values_free(plain_wild);
	return ret;
}

/* Whether each value of sub (priority and string) is also in of. */
static bool values_within(const struct index_value *sub, const struct index_value *of)
{
	for (; sub != NULL; sub = sub->next) {
		const struct index_value *v;

		for (v = of; v != NULL; v = v->next) {
			if (v->priority == sub->priority &&
			    strcmp(v->value, sub->value) == 0)
				break;
		}
		if (v == NULL)
			return false;
	}
	return true;
}

/* ---- keys, in dump order, from the plain walk -------------------------------------- */

struct keys {
	char **key; /* distinct keys in walk order */
	size_t n, cap;
	char *dump; /* "key value\n" per value, as index_mm_dump() must print it */
	size_t dump_len, dump_cap;
	int err;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *q;
	size_t c;

	if (need <= *cap)
		return 0;
	c = MAX(*cap * 2, need + 64);
	q = realloc(*p, c * elem);
	if (q == NULL)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int keys_add(const char *key, size_t kl, const char *value, void *data)
{
	struct keys *k = data;
	size_t vl = strlen(value);

	if (k->n == 0 || strcmp(k->key[k->n - 1], key) != 0) {
		if (grow((void **)&k->key, &k->cap, k->n + 1, sizeof(*k->key)) < 0)
			return -ENOMEM;
		k->key[k->n] = strdup(key);
		if (k->key[k->n] == NULL)
			return -ENOMEM;
		k->n++;
	}
	if (grow((void **)&k->dump, &k->dump_cap, k->dump_len + kl + vl + 2, 1) < 0)
		return -ENOMEM;
	memcpy(k->dump + k->dump_len, key, kl);
	k->dump[k->dump_len + kl] = ' ';
	memcpy(k->dump + k->dump_len + kl + 1, value, vl);
	k->dump[k->dump_len + kl + 1 + vl] = '\n';
	k->dump_len += kl + vl + 2;
	return 0;
}

static void keys_release(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->key[i]);
	free(k->key);
	free(k->dump);
}

/* The case's temporary directory, made once (each test_tmpdir() makes another). */
static const char *case_dir(void)
{
	static char *dir;

	if (dir == NULL)
		dir = test_keep(test_tmpdir());
	return dir != NULL ? dir : "/nonexistent";
}

/* index_mm_dump() into a temporary file, read back. */
static int dump_fast(const struct index_mm *idx, char **out, size_t *len)
{
	char *path;
	FILE *f;
	int err;

	if (asprintf(&path, "%s/dump", case_dir()) < 0)
		return -ENOMEM;
	f = fopen(path, "w+");
	if (f == NULL) {
		free(path);
		return -errno;
	}
	err = index_mm_dump(idx, fileno(f), NULL);
	fclose(f);
	if (err == 0)
		err = test_read_file(path, out, len);
	free(path);
	return err;
}

/* ---- modalias strings made from alias patterns ------------------------------------ */

static const char fill_chars[] = "0123456789ABCDEFabcdefghijklmnopqrstuvwxyz:*-_";

static char fill_char(void)
{
	return fill_chars[rnd(sizeof(fill_chars) - 1)];
}

/* Length of the bracket expression at pat[0] == '[' up to and with its closing
 * ']' (the first item may be ']'), or 0 when it is not closed. */
static size_t bracket_len(const char *pat)
{
	size_t i = 1;

	if (pat[i] == '!' || pat[i] == '^')
		i++;
	if (pat[i] == ']')
		i++;
	for (; pat[i] != '\0'; i++) {
		if (pat[i] == ']')
			return i + 1;
	}
	return 0;
}

/* A byte the bracket expression b[0..len) matches, picked at random: one of its
 * items, or for a range a byte inside it; for a negated one, a byte found by a few
 * random tries (fnmatch() decides, so a miss only makes a non-matching subject). */
static char bracket_pick(const char *b, size_t len)
{
	char pat[256];
	size_t first = 1, end = len - 1, i;

	if (b[1] == '!' || b[1] == '^') {
		char c = fill_char();

		if (len >= sizeof(pat))
			return c;
		memcpy(pat, b, len);
		pat[len] = '\0';
		for (int tries = 0; tries < 16; tries++) {
			char s[2] = { c, '\0' };

			if (fnmatch(pat, s, 0) == 0)
				break;
			c = fill_char();
		}
		return c;
	}
	i = first + rnd((uint32_t)(end - first));
	if (i + 2 < end && b[i + 1] == '-') {
		unsigned char lo = (unsigned char)b[i], hi = (unsigned char)b[i + 2];

		if (lo <= hi)
			return (char)(lo + rnd(hi - lo + 1u));
	}
	return b[i];
}

/* s = pattern with each '*' replaced by 0 to 4 random bytes, each '?' by one,
 * each closed bracket by a byte it matches, each "\c" by c. */
static void make_subject(const char *pat, char *s, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; pat[i] != '\0' && n + 5 < size; i++) {
		size_t blen;

		switch (pat[i]) {
		case '*':
			for (uint32_t k = rnd(5); k > 0; k--)
				s[n++] = fill_char();
			break;
		case '?':
			s[n++] = fill_char();
			break;
		case '[':
			blen = bracket_len(pat + i);
			if (blen == 0) {
				s[n++] = '[';
				break;
			}
			s[n++] = bracket_pick(pat + i, blen);
			i += blen - 1;
			break;
		case '\\':
			if (pat[i + 1] != '\0')
				i++;
			s[n++] = pat[i];
			break;
		default:
			s[n++] = pat[i];
		}
	}
	s[n] = '\0';
}

/* ---- the reference indexes ---------------------------------------------------------- */

/* zstd -dq the reference file name.zst into the case's temporary directory, then
 * opens the copy as the library opens an index (mmap). */
static int open_ref(const char *name, struct index_mm **idx)
{
	char src[PATH_MAX], dst[PATH_MAX];
	const char *argv[] = { "/usr/bin/zstd", "-dqf", src, "-o", dst, NULL };
	struct test_run r;
	int err;

	snprintf(src, sizeof(src),
		 "%s/testsuite/reference/6.1.0-50-amd64/depmod-raw/%s.zst",
		 test_source_root(), name);
	snprintf(dst, sizeof(dst), "%s/%s", case_dir(), name);
	if (access(src, R_OK) != 0) {
		fprintf(stderr, "# missing reference file %s\n", src);
		return -ENOENT;
	}
	if (access(argv[0], X_OK) != 0) {
		fprintf(stderr, "# %s is needed (package zstd)\n", argv[0]);
		return -ENOENT;
	}
	err = test_run(&r, argv, NULL);
	if (err < 0)
		return err;
	if (r.status != 0) {
		fprintf(stderr, "# zstd failed: %s", r.err);
		err = -EIO;
	}
	free(r.out);
	free(r.err);
	if (err < 0)
		return err;
	return index_mm_open(NULL, dst, NULL, idx);
}

/*
 * Every key of the reference index name: the dump against the plain walk, then
 * every key, the key without its last byte and with a byte added, and (for
 * wildcard indexes, patterns = true) two subjects made from each key, through
 * compare_query(). A subject that fnmatch() says the key matches must find all of
 * that key's values. min_keys guards against a walk that finds nothing.
 */
static int check_reference(const char *name, bool patterns, size_t min_keys)
{
	struct keys k = { 0 };
	struct tally t = { 0 };
	struct index_mm *idx;
	char *dump = NULL, buf[PATH_MAX + 2];
	size_t dump_len = 0, own_matches = 0, subjects = 0;
	int fails = 0;

	CHECK_INT_EQ(open_ref(name, &idx), 0);
	CHECK_INT_EQ(index_plain_walk(idx, keys_add, &k), 0);
	CHECK_MSG(k.n >= min_keys, "%s: only %zu keys", name, k.n);
	CHECK_INT_EQ(dump_fast(idx, &dump, &dump_len), 0);
	CHECK_MEM_EQ(dump, dump_len, k.dump, k.dump_len);
	free(dump);

	for (size_t i = 0; i < k.n && fails < 5; i++) {
		const char *key = k.key[i];
		size_t len = strlen(key);

		if (len >= sizeof(buf) - 2)
			continue;
		fails += compare_query(idx, key, &t);
		memcpy(buf, key, len + 1);
		if (len > 0) {
			buf[len - 1] = '\0';
			fails += compare_query(idx, buf, &t);
		}
		buf[len] = fill_char();
		buf[len + 1] = '\0';
		if (len > 0)
			buf[len - 1] = key[len - 1];
		fails += compare_query(idx, buf, &t);

		for (int j = 0; patterns && j < 2; j++) {
			struct index_value *own, *found;

			make_subject(key, buf, sizeof(buf));
			fails += compare_query(idx, buf, &t);
			subjects++;
			if (fnmatch(key, buf, 0) != 0)
				continue;
			own = index_plain_search_all(idx, key);
			found = index_mm_searchwild(idx, buf);
			if (!values_within(own, found)) {
				fprintf(stderr,
					"# '%s' matches '%s' but misses its values\n",
					buf, key);
				fails++;
			}
			own_matches++;
			index_values_free(own);
			index_values_free(found);
		}
	}
	fprintf(stderr,
		"# %s: %zu keys, %zu queries (%zu found by wildcard), %zu subjects "
		"(%zu matching their pattern)\n",
		name, k.n, t.lookups, t.wild_found, subjects, own_matches);
	keys_release(&k);
	index_mm_close(idx);
	CHECK_INT_EQ(fails, 0);
	/* fnmatch() accepts nearly every subject made from its pattern (negated
	 * brackets may miss): otherwise the subjects test nothing */
	CHECK(own_matches * 10 >= subjects * 9);
	return 0;
}

TEST(reference_alias_bin)
{
	return check_reference("modules.alias.bin", true, 10000);
}

TEST(reference_symbols_bin)
{
	return check_reference("modules.symbols.bin", true, 10000);
}

TEST(reference_dep_bin)
{
	return check_reference("modules.dep.bin", false, 1000);
}

TEST(reference_builtin_bin)
{
	return check_reference("modules.builtin.bin", false, 100);
}

TEST(reference_builtin_alias_bin)
{
	return check_reference("modules.builtin.alias.bin", true, 50);
}

/* ---- generated glob keys --------------------------------------------------------- */

/* Keys meant to catch every reading of fnmatch(): bracket items, ranges, negation
 * both ways, ']' first, '-' at either end, classes (known, unknown, malformed),
 * equivalence classes and collating symbols, escapes inside and outside brackets,
 * unterminated brackets and a trailing backslash, runs of stars. */
static const char *const edge_keys[] = {
	"",
	"a",
	"*",
	"**",
	"?",
	"??",
	"*?",
	"?*",
	"a*",
	"*a",
	"*a*",
	"a*b*c",
	"*a*b*c*",
	"[",
	"[]",
	"[]]",
	"[]a]",
	"[!]]",
	"[^]]",
	"[!a]",
	"[^a]",
	"[!]",
	"[^]",
	"[a-c]",
	"[c-a]",
	"[a-]",
	"[-a]",
	"[]-a]",
	"[!a-c]*",
	"[a-c-e]",
	"[*]",
	"[?]",
	"[[]",
	"[[]]",
	"a[b",
	"*[",
	"[a",
	"[!",
	"[^",
	"\\",
	"a\\",
	"\\*",
	"\\?",
	"\\[",
	"\\a",
	"\\\\",
	"[\\]]",
	"[\\]a]",
	"[a\\-c]",
	"[\\!a]",
	"[[:alpha:]]",
	"[[:digit:]x]",
	"[[:bogus:]]",
	"[[:alpha:]",
	"[[:alpha]",
	"[[:]]",
	"[[=a=]]",
	"[[=a=]b]",
	"[[=ab=]]",
	"[[.a.]]",
	"[[.-.]]",
	"[[.a.]-c]",
	"[a-[.c.]]",
	"[[.ab.]]",
	"[[.a.]",
	"*[[:upper:]]*",
	"[!-]",
	"[-]",
	"[--a]",
	"[a-a]",
	"[]-]",
	"a[]]b",
	"pci:v*d*",
	"pci:v0000*",
	"usb:v?p*",
	"acpi*:PNP0C0[9A]:*",
};

static const char subject_chars[] = "abc-]![^\\*?:x.=";

static char *random_string(char *s, size_t maxlen)
{
	size_t n = rnd((uint32_t)maxlen + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = subject_chars[rnd(sizeof(subject_chars) - 1)];
	s[n] = '\0';
	return s;
}

/* A random glob key: bytes, wildcards and whole bracket expressions. */
static char *random_key(char *s, size_t size)
{
	static const char *const pieces[] = {
		"a",	"b",	"c",	"-",	       "]",   "!",     "^",
		"\\",	"*",	"?",	"[",	       "x",   "[a-c]", "[!a]",
		"[^b]", "[]a]", "[a-]", "[[:alpha:]]", "\\*", "[\\]]",
	};
	size_t n = 0;

	for (uint32_t k = rnd(7); k > 0; k--) {
		const char *p = pieces[rnd(ARRAY_SIZE(pieces))];
		size_t len = strlen(p);

		if (n + len + 1 > size)
			break;
		memcpy(s + n, p, len);
		n += len;
	}
	s[n] = '\0';
	return s;
}

/* Builds an index of keys (value "m<i>", priority i % 3, some keys twice) in
 * memory with the library's writer. */
static int build_index(const char *const *keys, size_t n, char **buf, size_t *len)
{
	struct index_writer *w = index_writer_new();
	FILE *f;
	int err = 0;

	if (w == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n && err >= 0; i++) {
		char value[32];

		snprintf(value, sizeof(value), "m%zu", i);
		err = index_writer_insert(w, keys[i], value, (unsigned int)(i % 3));
		if (err >= 0 && i % 5 == 0)
			err = index_writer_insert(w, keys[i], "again", 1);
	}
	f = open_memstream(buf, len);
	if (f == NULL)
		err = -ENOMEM;
	else if (err >= 0)
		err = index_writer_write(w, f);
	if (f != NULL && fclose(f) != 0 && err >= 0)
		err = -EIO;
	index_writer_free(w);
	return err < 0 ? err : 0;
}

/* Every key, every subject made from a key and n_random random strings against an
 * index of keys. */
static int compare_keys(const char *const *keys, size_t n, size_t n_random,
			struct tally *t)
{
	struct index_mm *idx;
	char *buf = NULL, s[64];
	size_t len = 0;
	int fails = 0;

	CHECK_INT_EQ(build_index(keys, n, &buf, &len), 0);
	CHECK_INT_EQ(index_mm_open_mem(NULL, buf, len, &idx), 0);
	for (size_t i = 0; i < n; i++) {
		fails += compare_query(idx, keys[i], t);
		for (int j = 0; j < 3; j++) {
			make_subject(keys[i], s, sizeof(s));
			fails += compare_query(idx, s, t);
		}
	}
	for (size_t i = 0; i < n_random; i++)
		fails += compare_query(idx, random_string(s, 8), t);
	index_mm_close(idx);
	free(buf);
	for (size_t i = 0; fails > 0 && i < n; i++)
		fprintf(stderr, "#   key m%zu: '%s'\n", i, keys[i]);
	CHECK_INT_EQ(fails, 0);
	return 0;
}

static int check_generated(void)
{
	struct tally t = { 0 };
	char keys[48][64];
	const char *ptrs[48];

	CHECK_INT_EQ(compare_keys(edge_keys, ARRAY_SIZE(edge_keys), 3000, &t), 0);
	/* the edge keys again, one index each: every key alone at the root */
	for (size_t i = 0; i < ARRAY_SIZE(edge_keys); i++)
		CHECK_INT_EQ(compare_keys(edge_keys + i, 1, 100, &t), 0);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			ptrs[i] = random_key(keys[i], sizeof(keys[i]));
		CHECK_INT_EQ(compare_keys(ptrs, ARRAY_SIZE(keys), 100, &t), 0);
	}
	fprintf(stderr, "# %zu queries, %zu found by wildcard\n", t.lookups,
		t.wild_found);
	CHECK(t.wild_found * 4 >= t.lookups);
	return 0;
}

TEST(generated_globs)
{
	return check_generated();
}

/* With POSIXLY_CORRECT, '^' no longer negates a bracket, for glibc and for us; both
 * read the variable once per process, and each case is a process of its own. */
TEST(generated_globs_posixly_correct)
{
	CHECK_INT_EQ(setenv("POSIXLY_CORRECT", "1", 1), 0);
	return check_generated();
}

/* ---- damaged files ----------------------------------------------------------------- */

static const char *const hostile_queries[] = {
	"", "a", "ab", "abc", "abd", "x_tables", "ip6t_LOG", "aXc", "a[b", "*", "a*b?[c]",
};

/* Both paths on one damaged copy: neither may read outside it (the ASan build
 * checks), and both must answer alike. Returns the number of differences. */
static int hostile_one(const uint8_t *data, size_t len, struct tally *t)
{
	struct keys k = { 0 };
	struct index_mm *idx;
	int fails = 0;

	if (index_mm_open_mem(NULL, data, len, &idx) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(hostile_queries); i++)
		fails += compare_query(idx, hostile_queries[i], t);
	if (index_plain_walk(idx, keys_add, &k) == 0) {
		char *dump = NULL;
		size_t dump_len = 0;

		if (dump_fast(idx, &dump, &dump_len) == 0 &&
		    (dump_len != k.dump_len ||
		     (dump_len > 0 && memcmp(dump, k.dump, dump_len) != 0))) {
			fprintf(stderr, "# dumps differ: %s\n",
				test_mem_diff(dump, dump_len, k.dump, k.dump_len));
			fails++;
		}
		free(dump);
	}
	keys_release(&k);
	index_mm_close(idx);
	return fails;
}

/* Every truncation and every byte set to a few telling values, of an index with
 * glob keys: pointers to nowhere, to the wrong direction, flags that add or drop a
 * part, counts too large, strings without their NUL. */
TEST(damaged_files)
{
	static const char *const keys[] = { "ab",  "abc",      "a*",
					    "a?c", "x_tables", "a[bc]",
					    "b",   "ip6t_LOG", "ipt_LOG" };
	static const uint8_t vals[] = { 0x00, 0xff, 0x7f, 0x0c, 0x20, 0x80, 0x40, 0x01 };
	struct tally t = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int fails = 0;

	CHECK_INT_EQ(build_index(keys, ARRAY_SIZE(keys), &buf, &len), 0);
	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *copy = malloc(cut + 1);

		CHECK(copy != NULL);
		memcpy(copy, buf, cut);
		fails += hostile_one(copy, cut, &t);
		free(copy);
	}
	for (size_t pos = 0; pos < len && fails < 5; pos++) {
		for (size_t v = 0; v < ARRAY_SIZE(vals); v++) {
			uint8_t *copy = malloc(len);

			CHECK(copy != NULL);
			memcpy(copy, buf, len);
			copy[pos] = vals[v];
			fails += hostile_one(copy, len, &t);
			free(copy);
		}
	}
	free(buf);
	fprintf(stderr, "# %zu queries on damaged copies\n", t.lookups);
	CHECK_INT_EQ(fails, 0);
	return 0;
}

/* index_fnmatch() (the fast path's fallback) against the C library's fnmatch()
 * (the plain path's) on every pattern of up to four bytes over the bytes that mean
 * something in a glob, and every subject of up to three bytes. */
static int check_fnmatch_exhaustive(bool posix)
{
	static const char pat_bytes[] = "[]!^-a\\:=.*?";
	static const char str_bytes[] = "ab[]-\\:.";
	const size_t np = sizeof(pat_bytes) - 1, ns = sizeof(str_bytes) - 1;
	size_t compared = 0;
	char pat[8], str[8];

	for (size_t plen = 0; plen <= 4; plen++) {
		size_t npat = 1, nstr = 1;

		for (size_t i = 0; i < plen; i++)
			npat *= np;
		for (size_t p = 0; p < npat; p++) {
			for (size_t i = 0, x = p; i < plen; i++, x /= np)
				pat[i] = pat_bytes[x % np];
			pat[plen] = '\0';
			nstr = 1;
			for (size_t slen = 0; slen <= 3; slen++, nstr *= ns) {
				for (size_t s = 0; s < nstr; s++) {
					size_t steps = (size_t)1 << 22;
					int ours, libc;

					for (size_t i = 0, x = s; i < slen; i++, x /= ns)
						str[i] = str_bytes[x % ns];
					str[slen] = '\0';
					ours = index_fnmatch(pat, str, posix, &steps);
					libc = fnmatch(pat, str, 0);
					CHECK_MSG(
						ours == libc,
						"fnmatch('%s', '%s'): index_fnmatch %d, libc %d",
						pat, str, ours, libc);
					compared++;
				}
			}
		}
	}
	fprintf(stderr, "# %zu pattern and subject pairs\n", compared);
	return 0;
}

TEST(fnmatch_exhaustive_short)
{
	return check_fnmatch_exhaustive(false);
}

TEST(fnmatch_exhaustive_short_posixly_correct)
{
	CHECK_INT_EQ(setenv("POSIXLY_CORRECT", "1", 1), 0);
	return check_fnmatch_exhaustive(true);
}

TEST_MAIN();
