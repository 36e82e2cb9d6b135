// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-mktree SPEC ROOT: builds a fixture tree (modules, text files, links)
 * from a line-oriented spec; the format is documented in README.md beside this
 * file. One-shot tool: any error prints SPEC:LINE and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "macro.h"
#include "strbuf.h"
#include "util.h"

#include "modgen.h"

#define VERMAGIC_FLAGS " SMP preempt mod_unload modversions "
#define MAX_TOKENS 16

struct module_state {
	struct modgen_module *m;
	char *path; /* on disk */
	char *relpath; /* relative to lib/modules/<kver>, NULL for '/' paths */
	char *kver;
	char *name; /* this_module name and name= (default: from path) */
	char *cn;
	unsigned int line;
	bool noauto, noname, sign, have_comp;
	enum modgen_compression comp;
};

/* Global so that exit() from fail() leaves nothing unreachable behind. */
static struct {
	const char *spec;
	char *root;
	char *kver;
	char *keydir;
	unsigned int line;
	struct module_state mod;
	bool in_module;
	struct array order; /* "kver/relpath" strings, in spec order */
} g;

static _noreturn_ _printf_(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "modkit-mktree: %s:%u: ", g.spec, g.line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xnonnull(void *p)
{
	if (p == NULL)
		fail("out of memory");
	return p;
}

static void check(int r, const char *what)
{
	if (r < 0)
		fail("%s: %s", what, strerror(-r));
}

static char *xasprintf(const char *fmt, ...) _printf_(1, 2);
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		fail("out of memory");
	return s;
}

/* Paths in the spec stay inside ROOT: no empty path, no '..' component. */
static void check_relpath(const char *p)
{
	const char *s = p;

	while (*s == '/')
		s++;
	if (*s == '\0')
		fail("empty path '%s'", p);
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			fail("path '%s' leaves the root", p);
		s += n;
		while (*s == '/')
			s++;
	}
}

/* ROOT/p (leading '/' of p ignored). */
static char *root_path(const char *p)
{
	check_relpath(p);
	while (*p == '/')
		p++;
	return xasprintf("%s/%s", g.root, p);
}

static void write_file(const char *path, const void *data, size_t len)
{
	_cleanup_close_ int fd = -1;
	int r = mkdir_parents(path, 0755);

	if (r < 0)
		fail("cannot create parent directories of '%s': %s", path, strerror(-r));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_str_safe(fd, data, len) < 0 || close(TAKE_FD(fd)) < 0)
		fail("cannot write '%s': %m", path);
}

static void sb_push(struct strbuf *sb, const char *s, size_t n)
{
	if (!strbuf_pushmem(sb, s, n))
		fail("out of memory");
}

/* Replaces @KVER@ and @ROOT@; returns a malloc'd line. */
static char *substitute(const char *line)
{
	struct strbuf sb;

	strbuf_init(&sb);
	while (*line) {
		if (strstartswith(line, "@KVER@")) {
			if (g.kver == NULL)
				fail("@KVER@ used before any 'kver' line");
			sb_push(&sb, g.kver, strlen(g.kver));
			line += STRLEN("@KVER@");
		} else if (strstartswith(line, "@ROOT@")) {
			sb_push(&sb, g.root, strlen(g.root));
			line += STRLEN("@ROOT@");
		} else {
			sb_push(&sb, line, 1);
			line++;
		}
	}
	return xnonnull(strbuf_steal(&sb));
}

/* Whitespace-separated tokens; a token starting with '#' ends the line. */
static size_t tokenize(char *line, char *tok[MAX_TOKENS])
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (t[0] == '#')
			break;
		if (n == MAX_TOKENS)
			fail("too many words on the line");
		tok[n++] = t;
	}
	return n;
}

static void want_args(size_t n, size_t min, size_t max, const char *kw)
{
	if (n - 1 < min || n - 1 > max) {
		if (min == max)
			fail("'%s' takes %zu argument%s", kw, min, min == 1 ? "" : "s");
		fail("'%s' takes %zu to %zu arguments", kw, min, max);
	}
}

static uint32_t parse_u32(const char *s, const char *what)
{
	uint32_t v;

	if (modgen_parse_u32(s, &v) < 0)
		fail("bad %s '%s'", what, s);
	return v;
}

/* ---- modules ---------------------------------------------------------------- */

static void module_reset(struct module_state *ms)
{
	modgen_free(ms->m);
	free(ms->path);
	free(ms->relpath);
	free(ms->kver);
	free(ms->name);
	free(ms->cn);
	memset(ms, 0, sizeof(*ms));
}

static void module_finish(void)
{
	struct module_state *ms = &g.mod;
	unsigned int line = g.line;
	_cleanup_free_ char *name = NULL;
	int r;

	if (!g.in_module)
		return;
	g.in_module = false;
	g.line = ms->line; /* errors below are about the module line */
	name = xnonnull(ms->name ? strdup(ms->name) : modgen_modname(ms->path));
	if (!ms->noauto) {
		_cleanup_free_ char *n = xasprintf("name=%s", name);
		_cleanup_free_ char *v = xasprintf("vermagic=%s" VERMAGIC_FLAGS,
						   ms->kver);

		check(modgen_add_modinfo(ms->m, n), "cannot add name=");
		check(modgen_add_modinfo(ms->m, v), "cannot add vermagic=");
	}
	r = modgen_set_name(ms->m, ms->noname ? NULL : name);
	if (r < 0)
		fail("module name '%s': %s", name, strerror(-r));
	if (ms->sign)
		check(modgen_set_sign(ms->m, g.keydir, ms->cn), "cannot sign");
	check(modgen_set_compression(ms->m, ms->have_comp ? ms->comp :
							    modgen_compression_from_path(
								    ms->path)),
	      "compression");
	r = modgen_write(ms->m, ms->path);
	if (r < 0)
		fail("cannot write module '%s': %s", ms->path, strerror(-r));
	if (ms->relpath != NULL) {
		char *o = xasprintf("%s/%s", ms->kver, ms->relpath);

		if (array_append(&g.order, o) < 0) {
			free(o);
			fail("out of memory");
		}
	}
	module_reset(ms);
	g.line = line;
}

static void module_start(const char *path)
{
	struct module_state *ms = &g.mod;

	if (g.kver == NULL && path[0] != '/')
		fail("'module' before any 'kver' line");
	check_relpath(path);
	ms->m = xnonnull(modgen_new(NULL));
	ms->line = g.line;
	ms->kver = xnonnull(strdup(g.kver ? g.kver : ""));
	if (path[0] == '/') {
		ms->path = root_path(path);
	} else {
		ms->relpath = xnonnull(strdup(path));
		ms->path = xasprintf("%s/lib/modules/%s/%s", g.root, g.kver, path);
	}
	g.in_module = true;
}

/* modules.order lists .ko names even for compressed files (formats.md 2.6). */
static void write_order(void)
{
	struct strbuf sb;
	_cleanup_free_ char *path = NULL;
	size_t klen;

	if (g.kver == NULL)
		fail("'modules-order' before any 'kver' line");
	klen = strlen(g.kver);
	strbuf_init(&sb);
	for (size_t i = 0; i < g.order.count; i++) {
		const char *o = g.order.array[i];
		const char *rel = o + klen + 1;
		const char *ko = strstr(rel, ".ko");

		if (strncmp(o, g.kver, klen) != 0 || o[klen] != '/')
			continue;
		if (ko == NULL)
			ko = rel + strlen(rel);
		else
			ko += 3;
		if (!strbuf_pushmem(&sb, rel, ko - rel) || !strbuf_pushchar(&sb, '\n')) {
			strbuf_release(&sb);
			fail("out of memory");
		}
	}
	path = xasprintf("%s/lib/modules/%s/modules.order", g.root, g.kver);
	write_file(path, sb.bytes ? sb.bytes : "", strbuf_used(&sb));
	strbuf_release(&sb);
}

static void rawsig(char **tok)
{
	_cleanup_free_ char *signer = NULL;
	_cleanup_free_ uint8_t *keyid = NULL, *sig = NULL;
	struct modgen_raw_sig rs = { 0 };
	size_t signer_len = 0, keyid_len = 0, sig_len = 0;
	uint32_t v[3];

	for (int i = 0; i < 3; i++) {
		v[i] = parse_u32(tok[1 + i], "number");
		if (v[i] > 255)
			fail("'%s' does not fit a byte", tok[1 + i]);
	}
	if (!streq(tok[4], "-") && modgen_unescape(tok[4], &signer, &signer_len) < 0)
		fail("bad escape in '%s'", tok[4]);
	if (!streq(tok[5], "-") && modgen_parse_hex(tok[5], &keyid, &keyid_len) < 0)
		fail("bad hex '%s'", tok[5]);
	if (!streq(tok[6], "-") && modgen_parse_hex(tok[6], &sig, &sig_len) < 0)
		fail("bad hex '%s'", tok[6]);
	if (signer_len > 255 || keyid_len > 255)
		fail("signer and key id are limited to 255 bytes");
	rs.id_type = (uint8_t)v[0];
	rs.algo = (uint8_t)v[1];
	rs.hash = (uint8_t)v[2];
	rs.signer = signer;
	rs.signer_len = (uint8_t)signer_len;
	rs.key_id = keyid;
	rs.key_id_len = (uint8_t)keyid_len;
	rs.sig = sig;
	rs.sig_len = (uint32_t)sig_len;
	check(modgen_set_raw_signature(g.mod.m, &rs), "rawsig");
	g.mod.sign = false;
}

static bool is_rest_directive(const char *kw)
{
	return streq(kw, "modinfo") || streq(kw, "modinfo-raw") || streq(kw, "sign");
}

/* Directives whose argument is the rest of the line, verbatim. */
static bool module_rest_directive(const char *kw, const char *rest)
{
	struct module_state *ms = &g.mod;
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (streq(kw, "modinfo") || streq(kw, "modinfo-raw")) {
		if (modgen_unescape(rest, &buf, &len) < 0)
			fail("bad backslash escape in '%s'", rest);
		check(modgen_add_modinfo_raw(ms->m, buf,
					     streq(kw, "modinfo") ? len + 1 : len),
		      "modinfo");
		return true;
	}
	if (streq(kw, "sign")) {
		size_t n = strlen(rest);

		while (n > 0 && (rest[n - 1] == ' ' || rest[n - 1] == '\t'))
			n--;
		free(ms->cn);
		ms->cn = n ? xnonnull(strndup(rest, n)) : NULL;
		ms->sign = true;
		return true;
	}
	return false;
}

static bool module_directive(char **tok, size_t n)
{
	struct module_state *ms = &g.mod;
	const char *kw = tok[0];

	if (streq(kw, "class")) {
		want_args(n, 1, 1, kw);
		if (modgen_set_class(ms->m, (int)parse_u32(tok[1], "class")) < 0)
			fail("class must be 32 or 64");
	} else if (streq(kw, "endian")) {
		want_args(n, 1, 1, kw);
		if (streq(tok[1], "little") || streq(tok[1], "le"))
			modgen_set_endian(ms->m, MODGEN_LITTLE);
		else if (streq(tok[1], "big") || streq(tok[1], "be"))
			modgen_set_endian(ms->m, MODGEN_BIG);
		else
			fail("endian must be little or big");
	} else if (streq(kw, "machine")) {
		uint32_t v;

		want_args(n, 1, 1, kw);
		v = parse_u32(tok[1], "machine");
		if (v > 0xffff)
			fail("machine %s is too large", tok[1]);
		modgen_set_machine(ms->m, (uint16_t)v);
	} else if (streq(kw, "export") || streq(kw, "export-gpl")) {
		want_args(n, 1, 3, kw);
		check(modgen_add_export_full(ms->m, tok[1],
					     n > 2 ? parse_u32(tok[2], "CRC") : 0,
					     n > 3 ? tok[3] : NULL,
					     streq(kw, "export-gpl")),
		      "export");
	} else if (streq(kw, "undef") || streq(kw, "weak")) {
		want_args(n, 1, 1, kw);
		check(modgen_add_undef(ms->m, tok[1], streq(kw, "weak")), kw);
	} else if (streq(kw, "version")) {
		uint64_t crc;

		want_args(n, 2, 2, kw);
		if (modgen_parse_u64(tok[1], &crc) < 0)
			fail("bad CRC '%s'", tok[1]);
		check(modgen_add_version(ms->m, crc, tok[2]), "version");
	} else if (streq(kw, "nomodversions")) {
		want_args(n, 0, 0, kw);
		modgen_set_crc_mode(ms->m, MODGEN_CRC_NONE);
	} else if (streq(kw, "crcabs")) {
		want_args(n, 0, 0, kw);
		modgen_set_crc_mode(ms->m, MODGEN_CRC_ABS);
	} else if (streq(kw, "noauto")) {
		want_args(n, 0, 0, kw);
		ms->noauto = true;
	} else if (streq(kw, "name")) {
		want_args(n, 1, 1, kw);
		if (strlen(tok[1]) > 55)
			fail("name '%s' is longer than 55 bytes", tok[1]);
		free(ms->name);
		ms->name = xnonnull(strdup(tok[1]));
		ms->noname = false;
	} else if (streq(kw, "noname")) {
		want_args(n, 0, 0, kw);
		ms->noname = true;
	} else if (streq(kw, "compress")) {
		want_args(n, 1, 1, kw);
		ms->have_comp = true;
		if (streq(tok[1], "none"))
			ms->comp = MODGEN_COMPRESS_NONE;
		else if (streq(tok[1], "gzip"))
			ms->comp = MODGEN_COMPRESS_GZIP;
		else if (streq(tok[1], "xz"))
			ms->comp = MODGEN_COMPRESS_XZ;
		else if (streq(tok[1], "zstd"))
			ms->comp = MODGEN_COMPRESS_ZSTD;
		else
			fail("compress must be none, gzip, xz or zstd");
	} else if (streq(kw, "rawsig")) {
		want_args(n, 6, 6, kw);
		rawsig(tok);
	} else if (streq(kw, "section")) {
		_cleanup_free_ uint8_t *data = NULL;
		size_t len = 0;

		want_args(n, 1, 2, kw);
		if (n > 2 && modgen_parse_hex(tok[2], &data, &len) < 0)
			fail("bad hex '%s'", tok[2]);
		check(modgen_add_section(ms->m, tok[1], 1, 2, data, len), "section");
	} else if (streq(kw, "buildid")) {
		_cleanup_free_ uint8_t *id = NULL;
		size_t len = 0;

		want_args(n, 1, 1, kw);
		if (modgen_parse_hex(tok[1], &id, &len) < 0)
			fail("bad hex '%s'", tok[1]);
		check(modgen_set_build_id(ms->m, id, len), "buildid");
	} else {
		return false;
	}
	return true;
}

/* ---- files ------------------------------------------------------------------ */

/* Content lines up to a line 'end'; binary: unescaped and joined without '\n'. */
static void file_block(FILE *f, const char *relpath, bool binary)
{
	_cleanup_free_ char *path = root_path(relpath);
	_cleanup_free_ char *line = NULL;
	unsigned int start = g.line;
	struct strbuf sb;
	size_t cap = 0;
	ssize_t len;

	strbuf_init(&sb);
	for (;;) {
		_cleanup_free_ char *sub = NULL;
		const char *s;

		len = getline(&line, &cap, f);
		if (len < 0) {
			strbuf_release(&sb);
			g.line = start;
			fail("'file' block without 'end'");
		}
		g.line++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		s = line + strspn(line, " \t");
		if (strncmp(s, "end", 3) == 0 && s[3 + strspn(s + 3, " \t")] == '\0')
			break;
		sub = substitute(line);
		if (binary) {
			_cleanup_free_ char *buf = NULL;
			size_t blen;

			if (modgen_unescape(sub, &buf, &blen) < 0)
				fail("bad backslash escape");
			if (!strbuf_pushmem(&sb, buf, blen))
				fail("out of memory");
		} else if (!strbuf_pushchars(&sb, sub) || !strbuf_pushchar(&sb, '\n')) {
			fail("out of memory");
		}
	}
	write_file(path, sb.bytes ? sb.bytes : "", strbuf_used(&sb));
	strbuf_release(&sb);
}

static void make_symlink(const char *target, const char *link)
{
	_cleanup_free_ char *path = root_path(link);
	int r = mkdir_parents(path, 0755);

	if (r < 0)
		fail("cannot create parent directories of '%s': %s", path, strerror(-r));
	if (unlink(path) < 0 && errno != ENOENT)
		fail("cannot replace '%s': %m", path);
	if (symlink(target, path) < 0)
		fail("cannot create symlink '%s': %m", path);
}

static void copy_file(const char *src, const char *dest)
{
	_cleanup_free_ char *path = root_path(dest), *data = NULL;
	size_t len;
	int r = read_file(src, &data, &len);

	if (r < 0)
		fail("cannot read '%s': %s", src, strerror(-r));
	write_file(path, data, len);
}

static void make_dir(const char *dir)
{
	_cleanup_free_ char *path = root_path(dir);
	int r = mkdir_p(path, strlen(path), 0755);

	if (r < 0)
		fail("cannot create directory '%s': %s", path, strerror(-r));
}

/* ---- main loop -------------------------------------------------------------- */

static void top_directive(FILE *f, char **tok, size_t n);

static void process(FILE *f)
{
	_cleanup_free_ char *raw = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&raw, &cap, f)) >= 0) {
		char *tok[MAX_TOKENS], *sub[MAX_TOKENS], *s, *kw_end, *rest;
		size_t n;
		bool done = false;

		g.line++;
		if (len > 0 && raw[len - 1] == '\n')
			raw[--len] = '\0';
		if ((size_t)len != strlen(raw))
			fail("NUL byte in the spec");
		s = raw + strspn(raw, " \t");
		if (*s == '\0' || *s == '#')
			continue;

		/* The rest-of-line directives keep their argument verbatim. */
		kw_end = s + strcspn(s, " \t");
		rest = kw_end + strspn(kw_end, " \t");
		if (g.in_module) {
			_cleanup_free_ char *kw = xnonnull(strndup(s, kw_end - s));

			if (is_rest_directive(kw)) {
				_cleanup_free_ char *arg = substitute(rest);

				module_rest_directive(kw, arg);
				continue;
			}
		}

		n = tokenize(s, tok);
		if (n == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			sub[i] = substitute(tok[i]);
		if (g.in_module)
			done = module_directive(sub, n);
		if (!done)
			top_directive(f, sub, n);
		for (size_t i = 0; i < n; i++)
			free(sub[i]);
	}
	if (ferror(f))
		fail("read error: %m");
	module_finish();
}

static void top_directive(FILE *f, char **tok, size_t n)
{
	if (streq(tok[0], "kver")) {
		want_args(n, 1, 1, tok[0]);
		module_finish();
		free(g.kver);
		g.kver = xnonnull(strdup(tok[1]));
		if (strchr(g.kver, '/') || streq(g.kver, "..") || streq(g.kver, "."))
			fail("bad kernel version '%s'", g.kver);
	} else if (streq(tok[0], "module")) {
		want_args(n, 1, 1, tok[0]);
		module_finish();
		module_start(tok[1]);
	} else if (streq(tok[0], "file") || streq(tok[0], "binfile")) {
		want_args(n, 1, 1, tok[0]);
		module_finish();
		file_block(f, tok[1], streq(tok[0], "binfile"));
	} else if (streq(tok[0], "symlink")) {
		want_args(n, 2, 2, tok[0]);
		module_finish();
		make_symlink(tok[1], tok[2]);
	} else if (streq(tok[0], "copy")) {
		want_args(n, 2, 2, tok[0]);
		module_finish();
		copy_file(tok[1], tok[2]);
	} else if (streq(tok[0], "mkdir")) {
		want_args(n, 1, 1, tok[0]);
		module_finish();
		make_dir(tok[1]);
	} else if (streq(tok[0], "keydir")) {
		want_args(n, 1, 1, tok[0]);
		module_finish();
		free(g.keydir);
		g.keydir = xnonnull(strdup(tok[1]));
	} else if (streq(tok[0], "modules-order")) {
		want_args(n, 0, 0, tok[0]);
		module_finish();
		write_order();
	} else if (g.in_module) {
		fail("unknown directive '%s'", tok[0]);
	} else {
		const char *const module_only[] = {
			"class",       "endian",   "machine",	    "modinfo",
			"modinfo-raw", "export",   "export-gpl",    "undef",
			"weak",	       "version",  "nomodversions", "crcabs",
			"sign",	       "rawsig",   "noauto",	    "name",
			"noname",      "compress", "section",	    "buildid",
		};

		for (size_t i = 0; i < ARRAY_SIZE(module_only); i++) {
			if (streq(tok[0], module_only[i]))
				fail("'%s' outside a module", tok[0]);
		}
		fail("unknown directive '%s'", tok[0]);
	}
}

static void usage(FILE *out)
{
	fputs("Usage: modkit-mktree [-k KEYDIR] [-K KVER] SPEC|- ROOT\n"
	      "Builds a fixture tree under ROOT from SPEC (see testsuite/modgen/README.md).\n"
	      "  -k, --keydir DIR   signing keys (default $MODKIT_MODGEN_KEYDIR or\n"
	      "                     $TMPDIR/modkit-modgen-keys)\n"
	      "  -K, --kver KVER    kernel version before the first 'kver' line\n"
	      "  -h, --help\n",
	      out);
}

static void cleanup(void)
{
	module_reset(&g.mod);
	for (size_t i = 0; i < g.order.count; i++)
		free(g.order.array[i]);
	array_free_array(&g.order);
	free(g.root);
	free(g.kver);
	free(g.keydir);
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "keydir", required_argument, NULL, 'k' },
		{ "kver", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	FILE *f;
	int c, r;

	array_init(&g.order, 64);
	atexit(cleanup);
	while ((c = getopt_long(argc, argv, "k:K:h", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			free(g.keydir);
			g.keydir = strdup(optarg);
			if (g.keydir == NULL)
				return 1;
			break;
		case 'K':
			free(g.kver);
			g.kver = strdup(optarg);
			if (g.kver == NULL)
				return 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return 1;
	}
	g.spec = streq(argv[optind], "-") ? "<stdin>" : argv[optind];
	g.root = path_make_absolute_cwd(argv[optind + 1]);
	if (g.keydir == NULL)
		g.keydir = modgen_default_keydir();
	if (g.root == NULL || g.keydir == NULL) {
		fprintf(stderr, "modkit-mktree: out of memory\n");
		return 1;
	}
	if (streq(argv[optind], "-")) {
		f = stdin;
	} else {
		f = fopen(argv[optind], "re");
		if (f == NULL) {
			fprintf(stderr, "modkit-mktree: cannot open '%s': %m\n",
				argv[optind]);
			return 1;
		}
	}
	r = mkdir_p(g.root, strlen(g.root), 0755);
	if (r < 0) {
		fprintf(stderr, "modkit-mktree: cannot create '%s': %s\n", g.root,
			strerror(-r));
		if (f != stdin)
			fclose(f);
		return 1;
	}
	process(f);
	if (f != stdin)
		fclose(f);
	return 0;
}
