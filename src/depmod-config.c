// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod.d (formats.md 7.9): which copy of a module wins a name collision (search,
 * override), extra module directories (external) and skipped names (exclude).
 */
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"
#include "lib/config.h"
#include "lib/regfile.h"

void depmod_config_init(struct depmod_config *cfg)
{
	array_init(&cfg->searches, 8);
	array_init(&cfg->overrides, 8);
	array_init(&cfg->externals, 4);
	array_init(&cfg->excludes, 4);
}

static void free_all(struct array *arr)
{
	for (size_t i = 0; i < arr->count; i++)
		free(arr->array[i]);
	array_free_array(arr);
}

void depmod_config_release(struct depmod_config *cfg)
{
	free_all(&cfg->searches);
	free_all(&cfg->overrides);
	free_all(&cfg->externals);
	free_all(&cfg->excludes);
}

static int append_owned(struct array *arr, void *p)
{
	if (p == NULL)
		return -ENOMEM;
	if (array_append(arr, p) < 0) {
		free(p);
		return -ENOMEM;
	}
	return 0;
}

static int search_add(struct depmod_config *cfg, const char *word)
{
	size_t len = strlen(word);
	struct depmod_search *s = malloc(sizeof(*s) + len + 1);

	if (s == NULL)
		return -ENOMEM;
	if (streq(word, "built-in"))
		s->kind = DEPMOD_SEARCH_BUILTIN;
	else if (streq(word, "external"))
		s->kind = DEPMOD_SEARCH_EXTERNAL;
	else
		s->kind = DEPMOD_SEARCH_DIR;
	/* "updates/" and "updates" name the same directory */
	while (len > 1 && word[len - 1] == '/')
		len--;
	memcpy(s->path, word, len);
	s->path[len] = '\0';
	s->len = len;
	return append_owned(&cfg->searches, s);
}

/*
 * glibc's regcomp() is not safe on hostile patterns, and depmod.d lines are read by a
 * program running as root in package scripts. It spells every repetition out ("x+" is
 * compiled as "xx*", "x{3,5}" as five copies of x), so "a++++...+" doubles the tree
 * with each '+' (a fuzzed line took 3 GB); and its closure computation is exponential
 * when repetitions are stacked over something that can match empty:
 * "((y?|z?)+){30}" or "y???...???++++" run for minutes (both found by fuzzing, or
 * measured while bounding them). So before compiling, a pattern is refused when it
 * goes past a limit that no real kernel-version pattern comes near (those have a few
 * dozen elements and at most two nested repetitions, as in "6\.1(\.[0-9]+)?"):
 *  - its size once repetitions are spelled out (each atom weighted by the product of
 *    the repetition factors that apply to it, directly or to a group around it):
 *    KVER_PATTERN_COST_MAX;
 *  - how many repetition operators apply to any one atom (counting those after the
 *    groups around it): KVER_PATTERN_REPEAT_MAX;
 *  - group nesting: KVER_PATTERN_DEPTH_MAX;
 * or when it repeats something that can match the empty string, or nothing at all,
 * or has an unmatched ')' (both undefined in POSIX), or a backreference ("\1": not
 * POSIX ERE, and what makes matching itself exponential).
 */
#define KVER_PATTERN_COST_MAX 256u
#define KVER_PATTERN_REPEAT_MAX 2u
#define KVER_PATTERN_DEPTH_MAX 16u

struct kver_scan {
	const char *p;
	unsigned int depth;
	bool refused; /* over a limit other than the cost */
};

static uint64_t cost_clamp(uint64_t v)
{
	return v > KVER_PATTERN_COST_MAX ? KVER_PATTERN_COST_MAX + 1 : v;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits at *p as a clamped number; *p moved past them. */
static uint64_t scan_number(const char **p)
{
	uint64_t n = 0;

	while (is_digit(**p))
		n = cost_clamp(n * 10 + (uint64_t)(*(*p)++ - '0'));
	return n;
}

/* "{m}", "{m,}" or "{m,n}" at s->p: the copies it makes, s->p moved past it, *min
 * set to m; 0 when the brace does not open an interval (it is then a literal). */
static uint64_t interval_factor(struct kver_scan *s, uint64_t *min)
{
	const char *p = s->p + 1;
	uint64_t m, n;

	if (!is_digit(*p))
		return 0;
	m = scan_number(&p);
	n = m;
	if (*p == ',') {
		p++;
		n = is_digit(*p) ? scan_number(&p) :
				   m + 1; /* {m,}: m copies and a star */
	}
	if (*p != '}')
		return 0;
	s->p = p + 1;
	*min = m;
	n = n > m ? n : m;
	return n > 0 ? n : 1;
}

/* Moves s->p past a bracket expression ("[^]a-z[:digit:]]"), or to the end of an
 * unterminated one (which regcomp() rejects). */
static void skip_bracket(struct kver_scan *s)
{
	const char *p = s->p + 1;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			const char *q = p + 2;

			while (*q != '\0' && !(q[0] == p[1] && q[1] == ']'))
				q++;
			p = *q == '\0' ? q : q + 2;
		} else {
			p++;
		}
	}
	s->p = *p == ']' ? p + 1 : p;
}

static uint64_t scan_alternatives(struct kver_scan *s, unsigned int *repeats,
				  bool *nullable);

/* One atom at s->p and the repetitions that follow it: its cost; *repeats is the
 * most repetition operators that apply to an atom inside it, *nullable whether it
 * can match the empty string. */
static uint64_t scan_piece(struct kver_scan *s, unsigned int *repeats, bool *nullable)
{
	uint64_t cost = 1, factor, min = 1;

	*repeats = 0;
	*nullable = false;
	if (*s->p == '(') {
		if (++s->depth > KVER_PATTERN_DEPTH_MAX) {
			s->refused = true;
			return 0;
		}
		s->p++;
		cost = cost_clamp(scan_alternatives(s, repeats, nullable) + 1);
		if (*s->p == ')')
			s->p++;
		s->depth--;
	} else if (*s->p == '[') {
		skip_bracket(s);
	} else if (*s->p == '\\') {
		s->p++;
		if (*s->p >= '1' && *s->p <= '9')
			s->refused = true;
		/* glibc's zero-width escapes: word boundaries, buffer ends */
		*nullable = *s->p != '\0' && strchr("bB<>`'", *s->p) != NULL;
		if (*s->p != '\0')
			s->p++;
	} else if (*s->p == '*' || *s->p == '+' || *s->p == '?' || *s->p == '{') {
		/* a repetition with nothing to repeat (undefined in POSIX; glibc repeats
		 * the empty string or the character, and stacks what follows on it) */
		s->refused = true;
		return 0;
	} else {
		*nullable = *s->p == '^' || *s->p == '$';
		s->p++;
	}
	for (;;) {
		bool empty_too; /* whether the operator lets the piece match empty */

		if (*s->p == '+' || *s->p == '*' || *s->p == '?') {
			factor = *s->p == '+' ? 2 : 1;
			empty_too = *s->p != '+';
			s->p++;
		} else if (*s->p == '{' && (factor = interval_factor(s, &min)) != 0) {
			empty_too = min == 0;
		} else {
			break;
		}
		cost = cost_clamp(cost * (factor + 1)); /* the copies and the operator */
		if (++*repeats > KVER_PATTERN_REPEAT_MAX || *nullable)
			s->refused = true;
		*nullable = empty_too;
	}
	return cost;
}

/* Alternatives up to the ')' closing the current group, or the end; *nullable
 * whether one of them can match the empty string. */
static uint64_t scan_alternatives(struct kver_scan *s, unsigned int *repeats,
				  bool *nullable)
{
	uint64_t cost = 0;
	bool branch_nullable = true, piece_nullable;
	unsigned int r;

	*repeats = 0;
	*nullable = false;
	while (*s->p != '\0' && *s->p != ')' && !s->refused) {
		if (*s->p == '|') {
			s->p++;
			cost = cost_clamp(cost + 1);
			*nullable |= branch_nullable;
			branch_nullable = true;
			continue;
		}
		cost = cost_clamp(cost + scan_piece(s, &r, &piece_nullable));
		branch_nullable &= piece_nullable;
		if (r > *repeats)
			*repeats = r;
	}
	*nullable |= branch_nullable;
	return cost;
}

/* Whether regcomp() may be given pattern (see above). */
static bool kver_pattern_ok(const char *pattern)
{
	struct kver_scan s = { .p = pattern };
	uint64_t cost;
	unsigned int repeats;
	bool nullable;

	cost = scan_alternatives(&s, &repeats, &nullable);
	if (*s.p == ')') /* unmatched: undefined in POSIX, a literal to glibc */
		s.refused = true;
	return !s.refused && cost <= KVER_PATTERN_COST_MAX;
}

/* KVER is "*" or an extended regex searched anywhere in the kernel version. */
static bool kver_matches(const char *pattern, const char *kver, const char *filename,
			 unsigned int linenum)
{
	regex_t re;
	bool match;

	if (streq(pattern, "*"))
		return true;
	if (!kver_pattern_ok(pattern)) {
		WRN("%s:%u: kernel version pattern too complex, line ignored\n", filename,
		    linenum);
		return false;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&re, kver, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

static int override_add(struct depmod_config *cfg, const char *modname,
			const char *subdir)
{
	size_t mlen = strlen(modname), slen = strlen(subdir);
	struct depmod_override *o;

	while (slen > 1 && subdir[slen - 1] == '/')
		slen--;
	o = malloc(sizeof(*o) + slen + 1 + mlen + 1);
	if (o == NULL)
		return -ENOMEM;
	memcpy(o->path, subdir, slen);
	o->path[slen] = '/';
	memcpy(o->path + slen + 1, modname, mlen + 1);
	o->len = slen + 1 + mlen;
	return append_owned(&cfg->overrides, o);
}

int depmod_config_parse(struct depmod_config *cfg, FILE *fp, const char *filename,
			const char *kver)
{
	unsigned int linenum = 0;

	for (;;) {
		_cleanup_free_ char *line = freadline_wrapped(fp, &linenum);
		char *saveptr = NULL, *cmd;
		int err = 0;

		if (line == NULL)
			break;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		cmd = strtok_r(line, "\t ", &saveptr);
		if (cmd == NULL)
			continue;

		if (streq(cmd, "search")) {
			const char *w;

			while ((w = strtok_r(NULL, "\t ", &saveptr)) != NULL) {
				err = search_add(cfg, w);
				if (err < 0)
					return err;
			}
		} else if (streq(cmd, "override")) {
			const char *modname = strtok_r(NULL, "\t ", &saveptr);
			const char *version = strtok_r(NULL, "\t ", &saveptr);
			const char *subdir = strtok_r(NULL, "\t ", &saveptr);

			if (modname == NULL || version == NULL || subdir == NULL)
				goto syntax_error;
			if (!kver_matches(version, kver, filename, linenum)) {
				INF("%s:%u: override kernel did not match %s\n", filename,
				    linenum, version);
				continue;
			}
			err = override_add(cfg, modname, subdir);
		} else if (streq(cmd, "external")) {
			const char *version = strtok_r(NULL, "\t ", &saveptr);
			const char *dir = strtok_r(NULL, "\t ", &saveptr);

			if (version == NULL || dir == NULL)
				goto syntax_error;
			if (!kver_matches(version, kver, filename, linenum)) {
				INF("%s:%u: external directory did not match %s\n",
				    filename, linenum, version);
				continue;
			}
			err = append_owned(&cfg->externals, strdup(dir));
		} else if (streq(cmd, "exclude")) {
			const char *w;

			while ((w = strtok_r(NULL, "\t ", &saveptr)) != NULL) {
				err = append_owned(&cfg->excludes, strdup(w));
				if (err < 0)
					return err;
			}
		} else if (streq(cmd, "include") || streq(cmd, "make_map_files")) {
			INF("%s:%u: command %s not implemented yet\n", filename, linenum,
			    cmd);
		} else {
		syntax_error:
			ERR("%s:%u: ignoring bad line starting with '%s'\n", filename,
			    linenum, cmd);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static const char *const default_paths[] = {
	SYSCONFDIR "/depmod.d",	 "/run/depmod.d", "/usr/local/lib/depmod.d",
	DISTCONFDIR "/depmod.d", "/lib/depmod.d", NULL,
};

static void config_report(void *data, enum conffiles_skip why, const char *dir,
			  const char *name, int err)
{
	switch (why) {
	case CONFFILES_SKIP_NOT_CONF:
		INF("All cfg files need .conf: %s/%s\n", dir, name);
		break;
	case CONFFILES_SKIP_STAT:
		ERR("Cannot stat directory entry: %s/%s\n", dir, name);
		break;
	case CONFFILES_SKIP_SUBDIR:
		ERR("Directories inside directories are not supported: %s/%s\n", dir,
		    name);
		break;
	case CONFFILES_SKIP_PATH:
		break;
	}
}

/*
 * A configuration file for reading: a regular file, or /dev/null (an empty file that
 * masks its namesakes, formats.md 7.1). Anything else (a FIFO would block forever,
 * /dev/zero never end) and files beyond REGFILE_TEXT_MAX are refused, named.
 */
static FILE *config_open(const char *path)
{
	struct stat st;
	int fd = regfile_open(path, REGFILE_DEVNULL, &st);
	FILE *fp;

	if (fd < 0) {
		ERR("could not open '%s' configuration file: %s\n", path,
		    regfile_strerror(fd));
		return NULL;
	}
	if (st.st_size > (off_t)REGFILE_TEXT_MAX) {
		ERR("could not open '%s' configuration file: larger than %u MiB\n", path,
		    REGFILE_TEXT_MAX >> 20);
		close(fd);
		return NULL;
	}
	fp = fdopen(fd, "re");
	if (fp == NULL) {
		ERR("could not open '%s' configuration file: %m\n", path);
		close(fd);
	}
	return fp;
}

int depmod_config_load(struct depmod_config *cfg, const char *const *paths,
		       const char *kver)
{
	struct conf_file *files = NULL;
	size_t n = 0;
	int err;

	err = conffiles_list_report(paths ? paths : default_paths, NULL, config_report,
				    NULL, &files, &n);
	if (err < 0)
		return err;
	for (size_t i = 0; i < n && err >= 0; i++) {
		_cleanup_fclose_ FILE *fp = config_open(files[i].path);

		if (fp != NULL)
			err = depmod_config_parse(cfg, fp, files[i].path, kver);
	}
	conffiles_free(files, n);
	return err;
}
