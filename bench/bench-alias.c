// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Alias lookup throughput: modalias strings derived from a modules.alias file are
 * looked up, in alternating rounds, by
 *   searchwild  our index_mm_searchwild() on modules.alias.bin alone;
 *   naive       a plain rendering of kmod's traversal (fnmatch() on every stored
 *               key below a wildcard) on the same file, the algorithmic baseline;
 *   ours        kmod_module_new_from_lookup() of our libkmod.so.2;
 *   debian      kmod_module_new_from_lookup() of Debian's libkmod (kmod 30);
 * both libraries with kmod_load_resources() done and no configuration files.
 * Each library is dlmopen()ed into its own namespace, since both are libkmod.so.2.
 * Prints the median lookups/s of each and the ratios.
 *
 * usage: bench-alias MODDIR MODULES.ALIAS [OUR_LIBKMOD] [QUERIES] [ROUNDS]
 */
#include <dlfcn.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "macro.h"
#include "util.h"

struct api {
	const char *name;
	void *h;
	struct kmod_ctx *ctx;
	struct kmod_ctx *(*new)(const char *, const char *const *);
	struct kmod_ctx *(*unref)(struct kmod_ctx *);
	int (*load)(struct kmod_ctx *);
	int (*lookup)(struct kmod_ctx *, const char *, struct kmod_list **);
	int (*unref_list)(struct kmod_list *);
	void (*set_log_priority)(struct kmod_ctx *, int);
};

static int api_open(struct api *a, const char *name, const char *path, const char *moddir)
{
	static const char *const noconf[] = { NULL };

	a->name = name;
	a->h = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
	if (a->h == NULL) {
		fprintf(stderr, "%s: %s\n", path, dlerror());
		return -ENOENT;
	}
	a->new = dlsym(a->h, "kmod_new");
	a->unref = dlsym(a->h, "kmod_unref");
	a->load = dlsym(a->h, "kmod_load_resources");
	a->lookup = dlsym(a->h, "kmod_module_new_from_lookup");
	a->unref_list = dlsym(a->h, "kmod_module_unref_list");
	a->set_log_priority = dlsym(a->h, "kmod_set_log_priority");
	if (!a->new || !a->unref || !a->load || !a->lookup || !a->unref_list)
		return -ENOSYS;
	a->ctx = a->new (moddir, noconf);
	if (a->ctx == NULL)
		return -ENOMEM;
	if (a->set_log_priority != NULL)
		a->set_log_priority(a->ctx, 0);
	return a->load(a->ctx);
}

static size_t api_run(const struct api *a, char **q, size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		struct kmod_list *list = NULL;

		if (a->lookup(a->ctx, q[i], &list) >= 0 && list != NULL)
			found++;
		a->unref_list(list);
	}
	return found;
}

static size_t ours_run(const struct index_mm *idx, char **q, size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++) {
		struct index_value *v = index_mm_searchwild(idx, q[i]);

		found += v != NULL;
		index_values_free(v);
	}
	return found;
}

/* ---- the naive traversal (trusts the file) ---- */

struct naive {
	const uint8_t *mm;
	char pat[8192];
	size_t plen;
	size_t hits;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct nnode {
	const char *prefix;
	int first, last;
	const uint8_t *ch;
	uint32_t nv;
};

static struct nnode nread(const uint8_t *mm, uint32_t ptr)
{
	struct nnode n = { .prefix = "", .first = 1, .last = 0 };
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
	if (ptr & 0x40000000)
		n.nv = rd32(q);
	return n;
}

static uint32_t nchild(const struct nnode *n, int c)
{
	if (n->ch == NULL || c < n->first || c > n->last)
		return 0;
	return rd32(n->ch + 4 * (c - n->first));
}

static void ncollect(struct naive *s, const struct nnode *n, size_t from,
		     const char *subj)
{
	size_t mark = s->plen, len = strlen(n->prefix + from);

	memcpy(s->pat + s->plen, n->prefix + from, len);
	s->plen += len;
	for (int c = n->first; c <= n->last; c++) {
		uint32_t p = nchild(n, c);
		struct nnode ch;

		if (p == 0)
			continue;
		ch = nread(s->mm, p);
		s->pat[s->plen++] = c;
		ncollect(s, &ch, 0, subj);
		s->plen--;
	}
	s->pat[s->plen] = '\0';
	if (n->nv > 0 && fnmatch(s->pat, subj, 0) == 0)
		s->hits += n->nv;
	s->plen = mark;
}

static size_t naive_one(struct naive *s, const char *q)
{
	uint32_t ptr = rd32(s->mm + 8);

	s->hits = 0;
	for (;;) {
		struct nnode n = nread(s->mm, ptr);
		size_t j;

		for (j = 0; n.prefix[j] != '\0'; j++) {
			char c = n.prefix[j];

			if (c == '*' || c == '?' || c == '[') {
				s->plen = 0;
				ncollect(s, &n, j, q + j);
				return s->hits;
			}
			if (c != q[j])
				return s->hits;
		}
		q += j;
		for (const char *w = "*?["; *w; w++) {
			uint32_t cp = nchild(&n, *w);
			struct nnode ch;

			if (cp == 0)
				continue;
			ch = nread(s->mm, cp);
			s->pat[0] = *w;
			s->plen = 1;
			ncollect(s, &ch, 0, q);
		}
		if (*q == '\0')
			return s->hits + n.nv;
		ptr = nchild(&n, (unsigned char)*q);
		if (ptr == 0)
			return s->hits;
		q++;
	}
}

static size_t naive_run(struct naive *s, char **q, size_t n)
{
	size_t found = 0;

	for (size_t i = 0; i < n; i++)
		found += naive_one(s, q[i]) > 0;
	return found;
}

/* ---- queries ---- */

static uint64_t rng = 0x853c49e6748fea9bull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

/* A modalias the pattern accepts: wildcards filled with hex digits. */
static void from_pattern(const char *pat, char *out, size_t max)
{
	size_t o = 0;

	for (size_t i = 0; pat[i] != '\0' && o + 12 < max; i++) {
		if (pat[i] == '*') {
			for (uint32_t n = rnd(9); n > 0; n--)
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

static char **make_queries(const char *alias_text, size_t n)
{
	char *copy = strdup(alias_text), *save = NULL, **pats = NULL, **q;
	size_t npats = 0;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');

		if (strncmp(l, "alias ", 6) != 0 || sp == NULL)
			continue;
		*sp = '\0';
		pats = realloc(pats, (npats + 1) * sizeof(*pats));
		pats[npats++] = l + 6;
	}
	if (npats == 0)
		return NULL;
	q = calloc(n, sizeof(*q));
	for (size_t i = 0; i < n;) {
		char buf[1024], norm[PATH_MAX];

		from_pattern(pats[rnd(npats)], buf, sizeof(buf));
		if (alias_normalize(buf, norm, NULL) < 0)
			continue;
		q[i++] = strdup(norm);
	}
	free(pats);
	free(copy);
	return q;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum {
	M_SEARCHWILD,
	M_NAIVE,
	M_OURS,
	M_DEBIAN,
	M_COUNT
};

int main(int argc, char *argv[])
{
	static const char *names[M_COUNT] = { "searchwild", "naive", "ours", "debian" };
	const char *moddir, *alias_file, *ourlib;
	size_t nq = 2000, rounds = 7, found[M_COUNT] = { 0 };
	double *rate[M_COUNT], med[M_COUNT] = { 0 };
	bool have[M_COUNT] = { true, true, false, false };
	struct api debian = { 0 }, ours = { 0 };
	struct index_mm *idx;
	struct naive naive = { 0 };
	char path[PATH_MAX], *text, *bin, **q;
	size_t len, binlen;
	int err;

	if (argc < 3) {
		fprintf(stderr,
			"usage: %s MODDIR MODULES.ALIAS [OUR_LIBKMOD] [QUERIES] [ROUNDS]\n",
			argv[0]);
		return 2;
	}
	moddir = argv[1];
	alias_file = argv[2];
	ourlib = argc > 3 && argv[3][0] != '\0' ? argv[3] : NULL;
	if (argc > 4)
		nq = strtoul(argv[4], NULL, 10);
	if (argc > 5)
		rounds = strtoul(argv[5], NULL, 10);
	if (nq == 0 || rounds < 1)
		return 2;

	err = read_file(alias_file, &text, &len);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", alias_file, strerror(-err));
		return 1;
	}
	q = make_queries(text, nq);
	if (q == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/modules.alias.bin", moddir);
	err = index_mm_open(NULL, path, NULL, &idx);
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
		return 1;
	}
	err = read_file(path, &bin, &binlen);
	if (err < 0)
		return 1;
	naive.mm = (const uint8_t *)bin;

	if (api_open(&debian, "debian", "/lib/x86_64-linux-gnu/libkmod.so.2", moddir) ==
	    0)
		have[M_DEBIAN] = true;
	else
		fprintf(stderr, "Debian's libkmod unavailable: column skipped\n");
	if (ourlib != NULL && api_open(&ours, "ours", ourlib, moddir) == 0)
		have[M_OURS] = true;
	else if (ourlib != NULL)
		fprintf(stderr, "%s unavailable: column skipped\n", ourlib);

	for (int m = 0; m < M_COUNT; m++)
		rate[m] = calloc(rounds, sizeof(double));

	for (size_t r = 0; r < rounds; r++) {
		for (int k = 0; k < M_COUNT; k++) {
			/* alternate the order so that no method always runs first */
			int m = (r % 2 == 0) ? k : M_COUNT - 1 - k;
			double t0, t1;
			size_t f = 0;

			if (!have[m])
				continue;
			t0 = now();
			switch (m) {
			case M_SEARCHWILD:
				f = ours_run(idx, q, nq);
				break;
			case M_NAIVE:
				f = naive_run(&naive, q, nq);
				break;
			case M_OURS:
				f = api_run(&ours, q, nq);
				break;
			case M_DEBIAN:
				f = api_run(&debian, q, nq);
				break;
			}
			t1 = now();
			rate[m][r] = nq / (t1 - t0);
			found[m] = f;
		}
	}

	printf("%zu queries x %zu rounds (median lookups/s; queries with a result)\n", nq,
	       rounds);
	for (int m = 0; m < M_COUNT; m++) {
		if (!have[m])
			continue;
		qsort(rate[m], rounds, sizeof(double), cmp_double);
		med[m] = rounds % 2 ? rate[m][rounds / 2] :
				      (rate[m][rounds / 2 - 1] + rate[m][rounds / 2]) / 2;
		printf("  %-11s %12.0f /s   %zu found\n", names[m], med[m], found[m]);
	}
	if (have[M_DEBIAN]) {
		printf("ratios against Debian's libkmod lookup:\n");
		for (int m = 0; m < M_COUNT; m++) {
			if (have[m] && m != M_DEBIAN)
				printf("  %-11s x%.2f\n", names[m],
				       med[m] / med[M_DEBIAN]);
		}
	}
	printf("searchwild vs naive traversal: x%.2f\n",
	       med[M_SEARCHWILD] / med[M_NAIVE]);

	for (size_t i = 0; i < nq; i++)
		free(q[i]);
	free(q);
	for (int m = 0; m < M_COUNT; m++)
		free(rate[m]);
	if (have[M_DEBIAN])
		debian.unref(debian.ctx);
	if (have[M_OURS])
		ours.unref(ours.ctx);
	index_mm_close(idx);
	free(bin);
	free(text);
	return 0;
}
