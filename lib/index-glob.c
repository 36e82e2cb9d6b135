// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fnmatch(pattern, string, 0) as glibc answers it in the C locale, for the stored
 * keys that the wildcard lookup's incremental matcher (index-wild.c) does not
 * model: bracket expressions holding backslashes, character classes ("[:alpha:]"),
 * equivalence classes ("[=a=]"), collating symbols ("[.a.]"), and unterminated
 * brackets, whose reading depends on the character being matched.
 *
 * Why not call fnmatch(): glibc matches by backtracking, which takes exponential
 * time on keys with many '*' against a long string; a file we did not write must
 * not be able to stall a lookup, so the answer for each (pattern position after a
 * '*', string position) is remembered, and all work is charged to a step budget.
 * That is the only difference meant: the answers are glibc's (2.36, Debian 12's),
 * the time is polynomial, and a pattern that spends the budget (*steps, 4 Mi steps
 * per lookup) gets -E2BIG, so the lookup finds nothing, where glibc would go on.
 * It always answers as in the C locale (byte-order ranges, ASCII classes): keys
 * are ASCII and modkit's tools set no locale, though a program that links the
 * library and sets another one could get other answers from glibc's fnmatch()
 * for ranges and classes. test-index-paths compares this with fnmatch() on every
 * pattern of up to four glob bytes, and both lookup paths on Debian's indexes;
 * test-index on random patterns.
 *
 * Rules reproduced (flags 0: '\\' escapes, no FNM_PATHNAME/PERIOD):
 *  - '?' any one byte; '*' any run; "\\c" the byte c; a trailing '\\' never matches;
 *  - '[' then optional '!' (or '^' unless POSIXLY_CORRECT), then items up to a ']'
 *    that is not the first item: a byte, "a-b" (byte order), "[:name:]" (ASCII
 *    classes), "[=c=]", "[.c.]" (single bytes only), "\\c"; malformed classes and
 *    collating symbols make the whole match fail; with no closing ']' the '[' is
 *    an ordinary byte. Once an item matched, the rest of the expression is skipped
 *    with glibc's slightly different skipping rules (running out of pattern there
 *    also makes the '[' an ordinary byte, since glibc 2.36).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "macro.h"

#define CLASS_NAME_MAX 2048

enum bracket_result {
	BRACKET_FAIL, /* this way of matching fails */
	BRACKET_MATCH, /* one byte consumed, continue at *next */
	BRACKET_LITERAL, /* unterminated: the '[' is an ordinary byte */
};

struct glob {
	const unsigned char *pat;
	const unsigned char *str;
	size_t slen;
	bool posix;
	size_t *steps;
	uint64_t *memo; /* open addressing: (key << 1 | result), 0 = empty */
	size_t memo_cap, memo_used;
	int err;
};

static bool glob_charge(struct glob *g, size_t n)
{
	if (*g->steps < n) {
		*g->steps = 0;
		g->err = -E2BIG;
		return false;
	}
	*g->steps -= n;
	return true;
}

static bool ascii_class(const char *name, unsigned char c)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9';
	bool print = c >= 0x20 && c < 0x7f;

	if (streq(name, "alpha"))
		return upper || lower;
	if (streq(name, "upper"))
		return upper;
	if (streq(name, "lower"))
		return lower;
	if (streq(name, "digit"))
		return digit;
	if (streq(name, "alnum"))
		return upper || lower || digit;
	if (streq(name, "xdigit"))
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	if (streq(name, "space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (streq(name, "blank"))
		return c == ' ' || c == '\t';
	if (streq(name, "punct"))
		return print && c != ' ' && !upper && !lower && !digit;
	if (streq(name, "print"))
		return print;
	if (streq(name, "graph"))
		return print && c != ' ';
	if (streq(name, "cntrl"))
		return c < 0x20 || c == 0x7f;
	return false;
}

static bool class_known(const char *name)
{
	static const char *const names[] = { "alpha", "upper",	"lower", "digit",
					     "alnum", "xdigit", "space", "blank",
					     "punct", "print",	"graph", "cntrl" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (streq(name, names[i]))
			return true;
	}
	return false;
}

/* "[.x.]" starting at p (on the '.'): length of the name; *end = after ".]";
 * -1 when the pattern ends first. */
static long collating_symbol(const unsigned char *pat, size_t p, size_t *end)
{
	long len = 0;

	for (;;) {
		unsigned char c = pat[++p];

		if (c == '.' && pat[p + 1] == ']') {
			*end = p + 2;
			return len;
		}
		if (c == '\0')
			return -1;
		len++;
	}
}

/* After an item matched: skip to the closing ']'. Running into the end of the
 * pattern there makes the '[' an ordinary byte after all, as when no item matched;
 * a malformed escape, equivalence class or collating symbol on the way fails. */
static enum bracket_result bracket_skip(struct glob *g, size_t p, bool neg, size_t *next)
{
	const unsigned char *pat = g->pat;

	for (;;) {
		unsigned char c = pat[p++];

		if (!glob_charge(g, 1))
			return BRACKET_FAIL;
		if (c == ']')
			break;
		if (c == '\0')
			return BRACKET_LITERAL; /* glibc >= 2.36 (its bug 28792) */
		if (c == '\\') {
			if (pat[p] == '\0')
				return BRACKET_FAIL;
			p++;
		} else if (c == '[' && pat[p] == ':') {
			size_t start = p;
			int n = 0;

			for (;;) {
				c = pat[++p];
				if (++n == CLASS_NAME_MAX)
					return BRACKET_FAIL;
				if (pat[p] == ':' && pat[p + 1] == ']')
					break;
				if (c < 'a' || c >= 'z') {
					/* not a class after all: go on right after the '[' */
					p = start - 2;
					break;
				}
			}
			p += 2;
			if (!glob_charge(g, n))
				return BRACKET_FAIL;
		} else if (c == '[' && pat[p] == '=') {
			if (pat[p + 1] == '\0')
				return BRACKET_FAIL;
			if (pat[p + 2] != '=' || pat[p + 3] != ']')
				return BRACKET_FAIL;
			p += 4;
		} else if (c == '[' && pat[p] == '.') {
			size_t end;

			if (collating_symbol(pat, p, &end) < 0)
				return BRACKET_FAIL;
			if (!glob_charge(g, end - p))
				return BRACKET_FAIL;
			p = end;
		}
	}
	if (neg)
		return BRACKET_FAIL;
	*next = p;
	return BRACKET_MATCH;
}

enum class_item {
	CLASS_OUT, /* a known class, without the byte */
	CLASS_IN, /* a known class, with the byte */
	CLASS_FAIL, /* an unknown class, or the budget is spent: the match fails */
	CLASS_NONE, /* not a class after all: the '[' is an ordinary byte */
};

/* "[:name:]" whose ':' is at *pp, against the byte fn; *pp moves after the ":]"
 * of a known class only. */
static enum class_item bracket_class(struct glob *g, size_t *pp, unsigned char fn)
{
	const unsigned char *pat = g->pat;
	char name[CLASS_NAME_MAX + 1];
	size_t p = *pp, n = 0;

	for (;;) {
		unsigned char c;

		if (n == CLASS_NAME_MAX)
			return CLASS_FAIL;
		c = pat[++p];
		if (c == ':' && pat[p + 1] == ']')
			break;
		/* glibc ends a class name at 'z' as well */
		if (c < 'a' || c >= 'z')
			return CLASS_NONE;
		name[n++] = c;
	}
	name[n] = '\0';
	if (!glob_charge(g, n) || !class_known(name))
		return CLASS_FAIL;
	*pp = p + 2;
	return ascii_class(name, fn) ? CLASS_IN : CLASS_OUT;
}

/* The upper end of a range whose '-' precedes *pp: a byte, an escaped byte or a
 * one-byte collating symbol "[.x.]"; *pp moves past it. -1 when malformed (the
 * whole match fails). */
static int range_end(const unsigned char *pat, size_t *pp)
{
	size_t p = *pp, end;
	unsigned char cend = pat[p++];

	if (cend == '[' && pat[p] == '.') {
		if (collating_symbol(pat, p, &end) != 1)
			return -1;
		cend = pat[p + 1];
		p = end;
	} else {
		if (cend == '\\')
			cend = pat[p++];
		if (cend == '\0')
			return -1;
	}
	*pp = p;
	return cend;
}

/* The bracket expression whose '[' precedes p, against the byte fn. */
static enum bracket_result bracket(struct glob *g, size_t p, unsigned char fn,
				   size_t *next)
{
	const unsigned char *pat = g->pat;
	bool neg = pat[p] == '!' || (pat[p] == '^' && !g->posix);
	unsigned char c, cold;

	if (neg)
		p++;
	c = pat[p++];
	for (;;) {
		bool is_range;

		if (!glob_charge(g, 1))
			return BRACKET_FAIL;
		if (c == '\\') {
			if (pat[p] == '\0')
				return BRACKET_FAIL;
			c = pat[p++];
			goto plain;
		} else if (c == '[' && pat[p] == ':') {
			enum class_item r = bracket_class(g, &p, fn);

			if (r == CLASS_NONE) {
				c = '[';
				goto plain;
			}
			if (r == CLASS_FAIL)
				return BRACKET_FAIL;
			if (r == CLASS_IN)
				return bracket_skip(g, p, neg, next);
			c = pat[p++];
		} else if (c == '[' && pat[p] == '=') {
			if (pat[p + 1] == '\0' || pat[p + 2] != '=' ||
			    pat[p + 3] != ']') {
				c = '[';
				goto plain;
			}
			if (fn == pat[p + 1])
				return bracket_skip(g, p + 4, neg, next);
			p += 4;
			c = pat[p++];
		} else if (c == '\0') {
			return BRACKET_LITERAL;
		} else {
			if (c == '[' && pat[p] == '.') {
				size_t start = p, end;
				long n = collating_symbol(pat, p, &end);

				if (n < 0 || n != 1)
					return BRACKET_FAIL;
				p = end;
				is_range = pat[p] == '-' && pat[p + 1] != '\0';
				if (!is_range && fn == pat[start + 1])
					return bracket_skip(g, p, neg, next);
				cold = pat[start + 1];
				c = pat[p++];
			} else {
			plain:
				is_range = pat[p] == '-' && pat[p + 1] != '\0' &&
					   pat[p + 1] != ']';
				if (!is_range && c == fn)
					return bracket_skip(g, p, neg, next);
				cold = c;
				c = pat[p++];
			}
			if (c == '-' && pat[p] != ']') {
				int cend = range_end(pat, &p);

				if (cend < 0)
					return BRACKET_FAIL;
				if (cold <= fn && fn <= cend)
					return bracket_skip(g, p, neg, next);
				c = pat[p++];
			}
		}
		if (c == ']')
			break;
	}
	if (!neg)
		return BRACKET_FAIL;
	*next = p;
	return BRACKET_MATCH;
}

static bool glob_match(struct glob *g, size_t p, size_t n);

static int memo_get(const struct glob *g, uint64_t key)
{
	if (g->memo_cap == 0)
		return -1;
	for (size_t i = key & (g->memo_cap - 1);; i = (i + 1) & (g->memo_cap - 1)) {
		if (g->memo[i] == 0)
			return -1;
		if (g->memo[i] >> 1 == key)
			return g->memo[i] & 1;
	}
}

static void memo_put(struct glob *g, uint64_t key, bool v)
{
	size_t i;

	if (2 * (g->memo_used + 1) > g->memo_cap) {
		size_t cap = g->memo_cap ? g->memo_cap * 2 : 64;
		uint64_t *m = calloc(cap, sizeof(*m));

		if (m == NULL)
			return; /* only a cache */
		for (size_t j = 0; j < g->memo_cap; j++) {
			if (g->memo[j] == 0)
				continue;
			for (i = (g->memo[j] >> 1) & (cap - 1); m[i] != 0;
			     i = (i + 1) & (cap - 1))
				;
			m[i] = g->memo[j];
		}
		free(g->memo);
		g->memo = m;
		g->memo_cap = cap;
	}
	for (i = key & (g->memo_cap - 1); g->memo[i] != 0;
	     i = (i + 1) & (g->memo_cap - 1))
		;
	g->memo[i] = key << 1 | v;
	g->memo_used++;
}

/* The rest of the pattern after a '*' run, from string position n. */
static bool glob_match_memo(struct glob *g, size_t p, size_t n)
{
	uint64_t key = ((uint64_t)p * (g->slen + 1) + n) + 1;
	int v = memo_get(g, key);
	bool r;

	if (v >= 0)
		return v;
	r = glob_match(g, p, n);
	if (g->err == 0)
		memo_put(g, key, r);
	return r;
}

static bool glob_match(struct glob *g, size_t p, size_t n)
{
	const unsigned char *pat = g->pat, *str = g->str;

	for (;;) {
		unsigned char c = pat[p++];
		size_t next;

		if (!glob_charge(g, 1))
			return false;
		switch (c) {
		case '\0':
			return n == g->slen;
		case '?':
			if (n == g->slen)
				return false;
			break;
		case '\\':
			c = pat[p++];
			if (c == '\0' || n == g->slen || str[n] != c)
				return false;
			break;
		case '*':
			for (c = pat[p++]; c == '?' || c == '*'; c = pat[p++]) {
				if (c == '?') {
					if (n == g->slen)
						return false;
					n++;
				}
			}
			if (c == '\0')
				return true;
			p--;
			/* what follows consumes at least one byte: try every start but
			 * the end, skipping those a literal byte rules out */
			if (c == '\\')
				c = pat[p + 1];
			for (; n < g->slen; n++) {
				if (!glob_charge(g, 1))
					return false;
				if (pat[p] != '[' && str[n] != c)
					continue;
				if (glob_match_memo(g, p, n))
					return true;
				if (g->err < 0)
					return false;
			}
			return false;
		case '[':
			if (n == g->slen)
				return false;
			switch (bracket(g, p, str[n], &next)) {
			case BRACKET_MATCH:
				p = next;
				break;
			case BRACKET_LITERAL:
				if (str[n] != '[')
					return false;
				break;
			default:
				return false;
			}
			break;
		default:
			if (n == g->slen || str[n] != c)
				return false;
		}
		n++;
	}
}

int index_fnmatch(const char *pattern, const char *string, bool posix, size_t *steps)
{
	struct glob g = {
		.pat = (const unsigned char *)pattern,
		.str = (const unsigned char *)string,
		.slen = strlen(string),
		.posix = posix,
		.steps = steps,
	};
	bool r = glob_match(&g, 0, 0);

	free(g.memo);
	if (g.err < 0)
		return g.err;
	return r ? 0 : FNM_NOMATCH;
}
