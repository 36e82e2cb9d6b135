// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe.d parsing, the kernel command line, the kmod_config_* iterators, and a
 * differential comparison with Debian's `modprobe -c` (kmod 30).
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "strbuf.h"
#include "testsuite.h"

static struct strbuf logbuf;

/*
 * Cases that cannot run everywhere. The framework writes each case's TAP line from
 * its name and has no skip status, so main() asks each such case's probe, before
 * any case runs, whether a prerequisite is truly missing; if so the case does not
 * run and its name carries TAP's directive: "ok N - name # SKIP reason".
 * Prerequisites .ci/deps.sh installs are not probed: their absence fails the case.
 */
struct optional_case {
	struct test test;
	const char *(*unavailable)(void); /* why the case cannot run here, or NULL */
	char label[512];
};

static struct optional_case *optional_cases[8];
static size_t n_optional;

#define OPTIONAL_TEST(fn, probe)                                              \
	static int fn(void);                                                  \
	static struct optional_case optional_##fn = {                         \
		.test = { .name = #fn, .func = fn },                          \
		.unavailable = probe,                                         \
	};                                                                    \
	__attribute__((constructor)) static void optional_register_##fn(void) \
	{                                                                     \
		test_register(&optional_##fn.test);                           \
		if (n_optional < ARRAY_SIZE(optional_cases))                  \
			optional_cases[n_optional++] = &optional_##fn;        \
	}                                                                     \
	static int fn(void)

static int skipped_case(void)
{
	return 0;
}

/*
 * Mount namespaces (unshare -m, then mounts) let a case give programs another
 * /proc/cmdline or hide this machine's configuration directories. They need
 * privileges a container may withhold. Probed once by main(); the cases run in
 * forked children and see the result.
 */
static const char *mount_ns_missing; /* why they are unavailable, or NULL */
static bool mount_ns_probed;

static const char *probe_mount_namespace(void)
{
	static char why[256];
	struct test_run r;
	const char *argv[] = {
		"/usr/bin/unshare",
		"-m",
		"/bin/sh",
		"-c",
		"mount --bind /dev/null /proc/cmdline && test ! -s /proc/cmdline",
		NULL
	};

	if (mount_ns_probed)
		return mount_ns_missing;
	mount_ns_probed = true;
	if (access(argv[0], X_OK) != 0) {
		mount_ns_missing = "no mount namespaces: /usr/bin/unshare is missing";
	} else if (test_run(&r, argv, NULL) != 0) {
		mount_ns_missing = "no mount namespaces: cannot run /usr/bin/unshare";
	} else {
		if (r.status != 0) {
			r.err[strcspn(r.err, "\n#")] = '\0';
			snprintf(
				why, sizeof(why),
				"no mount namespaces: unshare -m + bind mount failed (%s)",
				r.err);
			mount_ns_missing = why;
		}
		test_run_release(&r);
	}
	return mount_ns_missing;
}

static bool can_fake_cmdline(void)
{
	return probe_mount_namespace() == NULL;
}

static void capture_log(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	char *text;

	if (vasprintf(&text, format, args) < 0)
		abort();
	strbuf_pushchars(&logbuf, fn);
	strbuf_pushchars(&logbuf, ": ");
	strbuf_pushchars(&logbuf, text);
	free(text);
}

static const char *logged(void)
{
	const char *s = strbuf_str(&logbuf);

	return s ? s : "";
}

static struct kmod_ctx *new_ctx(const char *dirname)
{
	struct kmod_ctx *ctx = test_keep(calloc(1, sizeof(*ctx)));

	strbuf_init(&logbuf);
	ctx->log.fn = capture_log;
	ctx->log.priority = LOG_ERR;
	ctx->dirname = dirname ? strdup(dirname) : NULL;
	return ctx;
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		abort();
	return test_keep(s);
}

static void put(const char *dir, const char *name, const char *content)
{
	char *p;

	/* not join(): a freed pointer kept by test_keep() could hide a later leak */
	if (asprintf(&p, "%s/%s", dir, name) < 0 || test_write_str(p, content) < 0)
		abort();
	free(p);
}

/* The modprobe -c configuration part of ctx->config, built with the iterators. */
static char *dump(struct kmod_ctx *ctx)
{
	static struct {
		struct kmod_config_iter *(*get)(const struct kmod_ctx *);
		const char *word;
	} sections[] = {
		{ kmod_config_get_blacklists, "blacklist" },
		{ kmod_config_get_install_commands, "install" },
		{ kmod_config_get_remove_commands, "remove" },
		{ kmod_config_get_aliases, "alias" },
		{ kmod_config_get_options, "options" },
		{ kmod_config_get_softdeps, "softdep" },
		{ kmod_config_get_weakdeps, "weakdep" },
	};
	struct strbuf b;

	strbuf_init(&b);
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		struct kmod_config_iter *it = sections[i].get(ctx);

		while (kmod_config_iter_next(it)) {
			const char *v = kmod_config_iter_get_value(it);

			strbuf_pushchars(&b, sections[i].word);
			strbuf_pushchar(&b, ' ');
			strbuf_pushchars(&b, kmod_config_iter_get_key(it));
			if (i > 0) {
				strbuf_pushchar(&b, ' ');
				strbuf_pushchars(&b, v);
			} else if (v != NULL) {
				strbuf_pushchars(&b, " UNEXPECTED-VALUE");
			}
			strbuf_pushchar(&b, '\n');
		}
		kmod_config_iter_free_iter(it);
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

/* Parses content as the single config file <tmp>/t.conf (no kernel command line);
 * *path gets the file name used in messages. */
static struct kmod_ctx *load_mem(const char *content, size_t len, char **path)
{
	struct kmod_ctx *ctx = new_ctx(NULL);
	char *file = join(test_tmpdir(), "t.conf");
	const char *paths[] = { file, NULL };

	if (test_write_file(file, content, len) < 0 ||
	    config_new_full(ctx, paths, NULL, &ctx->config) < 0)
		abort();
	if (path)
		*path = file;
	return ctx;
}

static struct kmod_ctx *load(const char *content, char **path)
{
	return load_mem(content, strlen(content), path);
}

static struct kmod_ctx *load_cmdline(const char *cmdline)
{
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { NULL };

	if (config_new_full(ctx, paths, NULL, &ctx->config) < 0 ||
	    config_parse_kcmdline(ctx->config, cmdline) < 0)
		abort();
	return ctx;
}

/* "<path> line <n>: ignoring bad line starting with '<w>'" lines */
static char *bad_lines_text(const char *path, const unsigned int *lines,
			    const char *const *words, size_t n)
{
	struct strbuf b;

	strbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		char *s;

		if (asprintf(
			    &s,
			    "kmod_config_parse: %s line %u: ignoring bad line starting with '%s'\n",
			    path, lines[i], words[i]) < 0)
			abort();
		strbuf_pushchars(&b, s);
		free(s);
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

/* ---- directives ------------------------------------------------------------------ */

TEST(alias_directive)
{
	struct kmod_ctx *ctx = load("alias pci:v00008086d* e1000-e\n"
				    "alias\tfoo-bar\t\tmod-x extra words\n"
				    "alias a[-_]b-c m\n"
				    "alias  lead-ing  x-y \n",
				    NULL);
	const struct kmod_list *l = ctx->config->aliases;

	CHECK_STR_EQ(dump(ctx), "alias pci:v00008086d* e1000_e\n"
				"alias foo_bar mod_x\n"
				"alias a[-_]b_c m\n"
				"alias lead_ing x_y\n");
	CHECK_STR_EQ(config_alias_get_name(l), "pci:v00008086d*");
	CHECK_STR_EQ(config_alias_get_modname(l), "e1000_e");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(blacklist_directive)
{
	struct kmod_ctx *ctx = load("blacklist pcspkr\nblacklist snd-pcsp extra\n", NULL);

	CHECK_STR_EQ(dump(ctx), "blacklist pcspkr\nblacklist snd_pcsp\n");
	CHECK_STR_EQ(config_blacklist_get_modname(ctx->config->blacklists), "pcspkr");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(options_directive_whitespace)
{
	struct kmod_ctx *ctx = load("options xt-LOG  dbl=2\n"
				    "options a\tb=1\tc=2  d \n"
				    "options m-x a-b=1\n"
				    "options\t\tq\t x\n",
				    NULL);
	const struct kmod_list *l = ctx->config->options;

	/* the blank ending the name is eaten, further ones kept; TABs become spaces;
	 * the option text itself is not normalised */
	CHECK_STR_EQ(dump(ctx), "options xt_LOG  dbl=2\n"
				"options a b=1 c=2  d \n"
				"options m_x a-b=1\n"
				"options q  x\n");
	CHECK_STR_EQ(config_options_get_modname(l), "xt_LOG");
	CHECK_STR_EQ(config_options_get_options(l), " dbl=2");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(install_remove_directives)
{
	struct kmod_ctx *ctx = load(
		"install snd-x /sbin/modprobe --ignore-install snd-x\t$CMDLINE_OPTS\n"
		"remove snd-x  /bin/true ; echo\n"
		"install b /bin/false\n",
		NULL);

	/* commands keep their TABs */
	CHECK_STR_EQ(
		dump(ctx),
		"install snd_x /sbin/modprobe --ignore-install snd-x\t$CMDLINE_OPTS\n"
		"install b /bin/false\n"
		"remove snd_x  /bin/true ; echo\n");
	CHECK_STR_EQ(config_command_get_modname(ctx->config->remove_commands), "snd_x");
	CHECK_STR_EQ(config_command_get_command(ctx->config->remove_commands),
		     " /bin/true ; echo");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(softdep_directive)
{
	struct kmod_ctx *ctx = load("softdep xt-LOG pre: nf_log_syslog\n"
				    "softdep m x pre: a b post: c\n"
				    "softdep cifs gcm\n"
				    "softdep n pre:  post:\tq\n"
				    "softdep o post: z\n"
				    "softdep p  \n"
				    "softdep r pre:a pre: b-c post:\n",
				    NULL);
	const struct kmod_list *l = kmod_list_next(ctx->config->softdeps,
						   ctx->config->softdeps);
	const char *const *names;
	unsigned int n;

	CHECK_STR_EQ(dump(ctx), "softdep xt_LOG pre: nf_log_syslog\n"
				"softdep m pre: a bpost: c\n"
				"softdep cifs \n"
				"softdep n post: q\n"
				"softdep o post: z\n"
				"softdep p \n"
				"softdep r pre: b-c\n");
	CHECK_STR_EQ(config_softdep_get_name(l), "m");
	names = config_softdep_get_pre(l, &n);
	CHECK_INT_EQ(n, 2);
	CHECK_STR_EQ(names[0], "a");
	CHECK_STR_EQ(names[1], "b");
	names = config_softdep_get_post(l, &n);
	CHECK_INT_EQ(n, 1);
	CHECK_STR_EQ(names[0], "c");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(softdep_markers_repeat)
{
	struct kmod_ctx *ctx = load("softdep m x pre: a b post: c pre: d\n"
				    "softdep k post: c pre: a post: d\n",
				    NULL);
	const struct kmod_list *l = ctx->config->softdeps;
	const char *const *names;
	unsigned int n;

	/* lists accumulate (formats.md 7.7) ... */
	names = config_softdep_get_pre(l, &n);
	CHECK_INT_EQ(n, 3);
	CHECK_STR_EQ(names[2], "d");
	names = config_softdep_get_post(l, &n);
	CHECK_INT_EQ(n, 1);
	CHECK_STR_EQ(names[0], "c");
	/* ... but the printed text spans from the first to the last name of a list
	 * in line order, as kmod's does (seen with Debian's modprobe -c) */
	CHECK_STR_EQ(dump(ctx), "softdep m pre: a b c dpost: c\n"
				"softdep k pre: apost: c a d\n");
	return 0;
}

TEST(softdep_single_leading_blank)
{
	struct kmod_ctx *ctx = load("softdep m1  post: a\n"
				    "softdep m2  pre: a b post: c\n"
				    "softdep m3 \t\tpre: a\n"
				    "softdep m4   pre: a  pre: b\n"
				    "softdep m5 \vpre: a\n"
				    "softdep m6\t\tpre: a\n"
				    "softdep m7  pre: a pre: b\n",
				    NULL);

	/* one blank before the first word glues it: it is no marker (kmod 30's output) */
	CHECK_STR_EQ(dump(ctx), "softdep m1 \n"
				"softdep m2 post: c\n"
				"softdep m3 pre: a\n"
				"softdep m4 pre: a b\n"
				"softdep m5 \n"
				"softdep m6 \n"
				"softdep m7 pre: b\n");
	return 0;
}

TEST(weakdep_directive)
{
	struct kmod_ctx *ctx = load("weakdep m-x a b-c\td\n"
				    "weakdep n  \n"
				    "weakdep o pre: x\n"
				    "weakdep g  a b\n",
				    NULL);
	const char *const *names;
	unsigned int n;

	CHECK_STR_EQ(dump(ctx), "weakdep m_x a b-c d\nweakdep n \nweakdep o pre: x\n"
				"weakdep g  a b\n");
	CHECK_STR_EQ(config_weakdep_get_name(ctx->config->weakdeps), "m_x");
	names = config_weakdep_get_weak(ctx->config->weakdeps, &n);
	CHECK_INT_EQ(n, 3);
	CHECK_STR_EQ(names[1], "b-c");
	/* assumed like softdep's split: one leading blank stays on the first name */
	names = config_weakdep_get_weak(kmod_list_last(ctx->config->weakdeps), &n);
	CHECK_INT_EQ(n, 2);
	CHECK_STR_EQ(names[0], " a");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(deprecated_include_config)
{
	char *path;
	char *expected;
	struct kmod_ctx *ctx = load("include /etc/foo\nconfig x\n", &path);

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(asprintf(
		      &expected,
		      "kmod_config_parse: %s: command include is deprecated and not parsed anymore\n"
		      "kmod_config_parse: %s: command config is deprecated and not parsed anymore\n",
		      path, path) > 0);
	CHECK_STR_EQ(logged(), expected);
	CHECK_STR_EQ(dump(ctx), "");
	free(expected);
	return 0;
}

TEST(bad_directive_lines)
{
	char *path;
	struct kmod_ctx *ctx = load("alias foo\n" /* 1 */
				    "alias\n" /* 2 */
				    "blacklist\n" /* 3 */
				    "options foo\n" /* 4 */
				    "options foo \n" /* 5 */
				    "install foo\n" /* 6 */
				    "remove foo \n" /* 7 */
				    "softdep foo\n" /* 8 */
				    "weakdep foo \n" /* 9 */
				    "alias a[ b\n" /* 10 */
				    "alias a b]\n" /* 11 */
				    "blacklist x]y\n" /* 12 */
				    "options m[ a=1\n" /* 13 */
				    "bogus words\n" /* 14 */
				    "Alias a b\n" /* 15 */
				    "alias: a b\n" /* 16 */
				    "\vblacklist v\n" /* 17 */
				    "blacklist ok\n", /* 18 */
				    &path);
	static const unsigned int lines[] = { 1,  2,  3,  4,  5,  6,  7,  8, 9,
					      10, 11, 12, 13, 14, 15, 16, 17 };
	static const char *const words[] = {
		"alias",   "alias",   "blacklist", "options", "options",    "install",
		"remove",  "softdep", "weakdep",   "alias",   "alias",	    "blacklist",
		"options", "bogus",   "Alias",	   "alias:",  "\vblacklist"
	};

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_STR_EQ(logged(), bad_lines_text(path, lines, words, ARRAY_SIZE(lines)));
	CHECK_STR_EQ(dump(ctx), "blacklist ok\n");
	return 0;
}

TEST(comments_and_blank_lines)
{
	char *path;
	struct kmod_ctx *ctx =
		load("# comment\n"
		     "#alias x y\n"
		     "\n"
		     "   \n"
		     "\t\n"
		     "  # indented is not a comment\n"
		     "\t#neither\n"
		     "blacklist a # trailing words are ignored by blacklist\n"
		     "options b x=1 # kept\n",
		     &path);
	static const unsigned int lines[] = { 6, 7 };
	static const char *const words[] = { "#", "#neither" };

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_STR_EQ(logged(), bad_lines_text(path, lines, words, 2));
	CHECK_STR_EQ(dump(ctx), "blacklist a\noptions b x=1 # kept\n");
	return 0;
}

TEST(continuation_lines)
{
	char *path;
	struct kmod_ctx *ctx = load("options a x=1 \\\n  y=2\n" /* 1-2 */
				    "bad \\\nline \\\ncontinued\n" /* 3-5 */
				    "options b p\\q\\\\r\n" /* 6 */
				    "al\\\nias c d\n" /* 7-8 */
				    "bogus2\n" /* 9 */
				    "# comment \\\nblacklist hidden\n" /* 10-11 */
				    "bogus3\n" /* 12 */
				    "options z last=1\\", /* 13, no newline */
				    &path);
	static const unsigned int lines[] = { 5, 9, 12 };
	static const char *const words[] = { "bad", "bogus2", "bogus3" };

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_STR_EQ(logged(), bad_lines_text(path, lines, words, 3));
	CHECK_STR_EQ(dump(ctx), "alias c d\n"
				"options a x=1   y=2\n"
				"options b pq\\r\n"
				"options z last=1\n");
	return 0;
}

TEST(last_line_without_newline)
{
	char *path;
	struct kmod_ctx *ctx = load("blacklist a\nbogus", &path);
	static const unsigned int lines[] = { 2 };
	static const char *const words[] = { "bogus" };

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_STR_EQ(logged(), bad_lines_text(path, lines, words, 1));
	CHECK_STR_EQ(dump(ctx), "blacklist a\n");
	return 0;
}

/* ---- hostile input ------------------------------------------------------------------ */

TEST(binary_garbage)
{
	char buf[65536];
	unsigned int seed = 12345;
	struct kmod_ctx *ctx;

	test_need_feature("logging"); /* checks the library's messages */
	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (char)(seed >> 16);
	}
	ctx = load_mem(buf, sizeof(buf), NULL);
	/* every line that is neither empty nor a comment is logged */
	CHECK(strstr(logged(), "ignoring bad line starting with") != NULL);
	config_free(ctx->config);
	return 0;
}

TEST(nul_bytes_end_the_line)
{
	static const char content[] = "blacklist a\0junk\n\0options x y\nblacklist b\n";
	struct kmod_ctx *ctx = load_mem(content, sizeof(content) - 1, NULL);

	CHECK_STR_EQ(dump(ctx), "blacklist a\nblacklist b\n");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(huge_lines)
{
	size_t len = 4 * 1024 * 1024;
	char *content = malloc(len + 64);
	struct kmod_ctx *ctx;
	const char *v;
	struct kmod_config_iter *it;

	strcpy(content, "options big ");
	memset(content + 12, 'x', len);
	strcpy(content + 12 + len, "\nsoftdep s pre: ");
	ctx = load(content, NULL);
	it = kmod_config_get_options(ctx);
	CHECK(kmod_config_iter_next(it));
	v = kmod_config_iter_get_value(it);
	CHECK_INT_EQ(strlen(v), len);
	kmod_config_iter_free_iter(it);
	/* a softdep marker without names */
	CHECK(strstr(dump(ctx), "softdep s \n") != NULL);
	free(content);
	return 0;
}

TEST(many_softdep_names)
{
	struct strbuf b;
	struct kmod_ctx *ctx;
	unsigned int n;

	strbuf_init(&b);
	strbuf_pushchars(&b, "softdep m pre:");
	for (int i = 0; i < 10000; i++)
		strbuf_pushchars(&b, " a");
	strbuf_pushchars(&b, " post:");
	for (int i = 0; i < 10000; i++)
		strbuf_pushchars(&b, "\tb");
	strbuf_pushchars(&b, "\n");
	ctx = load(strbuf_str(&b), NULL);
	config_softdep_get_pre(ctx->config->softdeps, &n);
	CHECK_INT_EQ(n, 10000);
	config_softdep_get_post(ctx->config->softdeps, &n);
	CHECK_INT_EQ(n, 10000);
	strbuf_release(&b);
	return 0;
}

/* ---- kernel command line ------------------------------------------------------------ */

TEST(kcmdline_basic)
{
	struct kmod_ctx *ctx = load_cmdline("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet "
					    "snd-hda.model=x a.b.c=1 baz.x=1.5 k.noval "
					    "i915.modeset=0\n");

	CHECK_STR_EQ(dump(ctx), "options snd_hda model=x\n"
				"options baz x=1.5\n"
				"options k noval\n"
				"options i915 modeset=0\n");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(kcmdline_separators)
{
	struct kmod_ctx *ctx = load_cmdline(
		"a.b=1\tc.d=2\ne.f=3\vg.h=4\fi.j=5\rk.l=6 m.n=c\td");

	CHECK_STR_EQ(dump(ctx),
		     "options a b=1\noptions c d=2\noptions e f=3\n"
		     "options g h=4\noptions i j=5\noptions k l=6\noptions m n=c\n");
	return 0;
}

TEST(kcmdline_quotes)
{
	struct kmod_ctx *ctx = load_cmdline(
		"q.s=\"a b\" \"parport.dyndbg=file x.c +mpf\" \"p.q\" \"r.s=t\" "
		"a.\"b=c\" a.b\"=c\" \"\"x.y=1 ok.v=\"1\"\"2\" w.t=\"a\tb\"");

	CHECK_STR_EQ(dump(ctx), "options q s=\"a b\"\n"
				"options parport dyndbg=\"file x.c +mpf\"\n"
				"options r s=\"t\"\n"
				"options ok v=\"1\"\"2\"\n"
				"options w t=\"a b\"\n");
	return 0;
}

TEST(kcmdline_unbalanced_quote)
{
	struct kmod_ctx *ctx = load_cmdline(
		"x.y=z\"w m.n=1 \"sp after.x=1 tail.q=\"open");

	/* the open quote at the end swallows its token, which never completes */
	CHECK_STR_EQ(dump(ctx), "options x y=z\"w m.n=1 \"sp\noptions after x=1\n");
	return 0;
}

TEST(kcmdline_odd_tokens)
{
	struct kmod_ctx *ctx = load_cmdline(".foo=1 a.=1 b. -- --x.y 0.0.0.0:2024 =a.b");

	CHECK_STR_EQ(dump(ctx),
		     "options  foo=1\noptions a =1\noptions b \noptions __x y\n");
	return 0;
}

TEST(kcmdline_blacklist)
{
	struct kmod_ctx *ctx = load_cmdline(
		"modprobe.blacklist=a-b,c modprobe.blacklist= "
		"modprobe.blacklist=x,,y modprobe.blacklist "
		"mod-probe.blacklist=q modprobe.blacklisted=1");

	CHECK_STR_EQ(dump(ctx), "blacklist a-b\nblacklist c\nblacklist \nblacklist x\n"
				"blacklist \nblacklist y\n"
				"options modprobe blacklist\n"
				"options mod_probe blacklist=q\n"
				"options modprobe blacklisted=1\n");
	return 0;
}

TEST(kcmdline_bad_module_name)
{
	struct kmod_ctx *ctx = load_cmdline("a[.b=1 x].y=2 ok-x.p-q=1");

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_STR_EQ(logged(),
		     "kcmdline_parse_result: Ignoring bad option on kernel command "
		     "line while parsing module name: 'a['\n"
		     "kcmdline_parse_result: Ignoring bad option on kernel command "
		     "line while parsing module name: 'x]'\n");
	CHECK_STR_EQ(dump(ctx), "options ok_x p-q=1\n");
	return 0;
}

TEST(kcmdline_first_4095_bytes)
{
	char *root = test_tmpdir();
	char *file = join(root, "cmdline");
	char *text = malloc(8192);
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { NULL };

	/* "c.d=23" starts at byte 4090: only bytes 0..4094 are read, so the value
	 * is cut after "2", and "e.f=3" lies beyond */
	memset(text, ' ', 8192);
	memcpy(text, "a.b=1", 5);
	memcpy(text + 4090, "c.d=23 e.f=3", 12);
	text[4102] = '\0';
	CHECK_INT_EQ(test_write_str(file, text), 0);
	CHECK_INT_EQ(config_new_full(ctx, paths, file, &ctx->config), 0);
	CHECK_STR_EQ(dump(ctx), "options a b=1\noptions c d=2\n");
	free(text);
	return 0;
}

TEST(kcmdline_after_files)
{
	char *root = test_tmpdir();
	char *d = join(root, "d"), *cmdline = join(root, "cmdline");
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { d, NULL };

	put(d, "a.conf", "options zz a=1\nblacklist foo\n");
	put(root, "cmdline", "a.b=1 modprobe.blacklist=q\n");
	CHECK_INT_EQ(config_new_full(ctx, paths, cmdline, &ctx->config), 0);
	CHECK_STR_EQ(dump(ctx),
		     "blacklist foo\nblacklist q\noptions zz a=1\noptions a b=1\n");
	/* missing command line file: nothing, no message */
	config_free(ctx->config);
	CHECK_INT_EQ(config_new_full(ctx, paths, "/nonexistent/cmdline", &ctx->config),
		     0);
	CHECK_STR_EQ(dump(ctx), "blacklist foo\noptions zz a=1\n");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(kcmdline_read_error)
{
	char *root = test_tmpdir();
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { NULL };
	char *expected;

	test_need_feature("logging"); /* checks the library's messages */
	/* a directory opens but cannot be read */
	CHECK_INT_EQ(config_new_full(ctx, paths, root, &ctx->config), 0);
	CHECK(asprintf(
		      &expected,
		      "kmod_config_parse_kcmdline: could not read from '%s': Is a directory\n",
		      root) > 0);
	CHECK_STR_EQ(logged(), expected);
	CHECK_STR_EQ(dump(ctx), "");
	free(expected);
	return 0;
}

TEST(messages_follow_log_priority)
{
	char *root = test_tmpdir();
	char *d = join(root, "d");
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { d, NULL };

	put(d, "a.conf", "bogus\nblacklist a\n");
	put(d, "sub.conf/x.conf", "");
	ctx->log.priority = LOG_CRIT;
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK_STR_EQ(logged(), "");
	CHECK_STR_EQ(dump(ctx), "blacklist a\n");
	return 0;
}

/* ---- files, order, staleness -------------------------------------------------------- */

TEST(file_order_with_module_dir_files)
{
	char *root = test_tmpdir();
	char *etc = join(root, "etc"), *lib = join(root, "lib"),
	     *moddir = join(root, "mod");
	struct kmod_ctx *ctx = new_ctx(moddir);
	const char *paths[] = { etc, lib, NULL };

	put(etc, "z.conf", "blacklist z-etc\n");
	put(etc, "b.conf", "blacklist b-etc\n");
	put(lib, "b.conf", "blacklist b-lib\n");
	put(lib, "a.conf", "blacklist a-lib\nsoftdep a pre: x\n");
	put(lib, "n.conf", "weakdep n w\n");
	put(moddir, "modules.softdep",
	    "# Soft dependencies extracted from modules themselves.\nsoftdep cifs gcm\n");
	put(moddir, "modules.weakdep",
	    "# Weak dependencies extracted from modules themselves.\nweakdep m1 m2\n");
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK_STR_EQ(dump(ctx), "blacklist a_lib\nblacklist b_etc\nblacklist z_etc\n"
				"softdep a pre: x\nsoftdep cifs \n"
				"weakdep m1 m2\nweakdep n w\n");
	CHECK_STR_EQ(logged(), "");
	return 0;
}

TEST(default_paths_do_not_crash)
{
	struct kmod_ctx *ctx = new_ctx("/nonexistent/moddir");

	/* whatever this machine has in its modprobe.d directories */
	CHECK_INT_EQ(config_new(ctx, NULL, &ctx->config), 0);
	CHECK(dump(ctx) != NULL); /* kept by test_keep(): not freed here */
	config_free(ctx->config);
	return 0;
}

TEST(stale_detection)
{
	char *root = test_tmpdir();
	char *d = join(root, "d"), *f = join(d, "a.conf"),
	     *single = join(root, "single.conf");
	struct kmod_ctx *ctx = new_ctx(NULL);
	const char *paths[] = { d, single, NULL };
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000, 0 } };

	put(d, "a.conf", "blacklist a\n");
	put(root, "single.conf", "blacklist s\n");
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK(!config_is_stale(ctx->config));
	/* an edited file (mtime changes, directory does not) */
	CHECK(utimensat(AT_FDCWD, f, times, 0) == 0);
	CHECK(config_is_stale(ctx->config));
	config_free(ctx->config);

	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK(!config_is_stale(ctx->config));
	/* a new file in a directory changes the directory */
	times[1].tv_sec = 2000;
	put(d, "b.conf", "");
	CHECK(utimensat(AT_FDCWD, d, times, 0) == 0);
	CHECK(config_is_stale(ctx->config));
	config_free(ctx->config);

	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK(!config_is_stale(ctx->config));
	CHECK(unlink(single) == 0);
	CHECK(config_is_stale(ctx->config));
	return 0;
}

/* The default directories must be distinct for the test to tell them apart. */
static const char *default_dirs_unavailable(void)
{
	static const char *const dirs[] = { SYSCONFDIR "/modprobe.d", "/run/modprobe.d",
					    "/usr/local/lib/modprobe.d",
					    DISTCONFDIR "/modprobe.d" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(dirs); j++)
			if (streq(dirs[i], dirs[j]))
				return "this build's default modprobe.d directories overlap";
	return probe_mount_namespace();
}

OPTIONAL_TEST(default_paths_precedence, default_dirs_unavailable)
{
	/* Hides this machine's directories behind tmpfs mounts in a private mount
	 * namespace, then fills each default directory with overlapping names.
	 * $1 = SYSCONFDIR/modprobe.d, $2 = DISTCONFDIR/modprobe.d. */
	static const char script[] =
		"set -e\n"
		"mount -t tmpfs none /run && mkdir /run/modprobe.d\n"
		"mount -t tmpfs none /usr/local/lib && mkdir /usr/local/lib/modprobe.d\n"
		"mount -t tmpfs none \"$1\"\n"
		"mount -t tmpfs none \"$2\"\n"
		/* /lib/modprobe.d is read last: hidden too unless it is $2 (usrmerge) */
		"if [ -d /lib/modprobe.d ] && ! [ /lib/modprobe.d -ef \"$2\" ]; then\n"
		"  mount -t tmpfs none /lib/modprobe.d\n"
		"fi\n"
		"for f in b; do echo \"blacklist etc-$f\" >\"$1/$f.conf\"; done\n"
		"for f in b c; do echo \"blacklist run-$f\" >/run/modprobe.d/$f.conf; done\n"
		"for f in b c d; do echo \"blacklist local-$f\" >/usr/local/lib/modprobe.d/$f.conf; done\n"
		"for f in a b c d e; do echo \"blacklist usrlib-$f\" >\"$2/$f.conf\"; done\n"
		"exec \"$0\" --no-cmdline\n";
	static const char *const mount_points[] = { SYSCONFDIR "/modprobe.d",
						    DISTCONFDIR "/modprobe.d", "/run",
						    "/usr/local/lib" };
	char *prog;
	struct test_run r;
	const char *argv[] = { "/usr/bin/unshare",
			       "-m",
			       "/bin/sh",
			       "-c",
			       script,
			       NULL,
			       SYSCONFDIR "/modprobe.d",
			       DISTCONFDIR "/modprobe.d",
			       NULL };

	/* the first two come with Debian's kmod package, which .ci/deps.sh installs */
	for (size_t i = 0; i < ARRAY_SIZE(mount_points); i++)
		CHECK_MSG(access(mount_points[i], F_OK) == 0,
			  "%s is missing (the modprobe.d directories come with the kmod "
			  "package: run .ci/deps.sh)",
			  mount_points[i]);
	CHECK(asprintf(&prog, "%s/testsuite/config-dump", test_build_root()) > 0);
	argv[5] = prog;
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_RUN(
		&r,
		"blacklist usrlib_a\nblacklist etc_b\nblacklist run_c\nblacklist local_d\n"
		"blacklist usrlib_e\n"
		"\n# End of configuration files. Dumping indexes now:\n\n",
		"", 0);
	test_run_release(&r);
	free(prog);
	return 0;
}

TEST(stale_ignores_module_dir_files)
{
	char *root = test_tmpdir();
	char *d = join(root, "d"), *moddir = join(root, "mod");
	char *softdep = join(moddir, "modules.softdep");
	struct kmod_ctx *ctx = new_ctx(moddir);
	const char *paths[] = { d, NULL };
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000, 0 } };

	put(d, "a.conf", "blacklist a\n");
	put(moddir, "modules.softdep", "softdep a pre: b\n");
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &ctx->config), 0);
	CHECK_STR_EQ(dump(ctx), "blacklist a\nsoftdep a pre: b\n");
	/* depmod rewriting modules.softdep is an index change, not a config change */
	CHECK(utimensat(AT_FDCWD, softdep, times, 0) == 0);
	CHECK(!config_is_stale(ctx->config));
	return 0;
}

/* ---- iterators ---------------------------------------------------------------------- */

TEST(iterator_protocol)
{
	struct kmod_ctx *ctx = load("alias a x\nalias b y\n", NULL);
	struct kmod_config_iter *it = kmod_config_get_aliases(ctx);

	/* before the first element */
	CHECK(kmod_config_iter_get_key(it) == NULL);
	CHECK(kmod_config_iter_get_value(it) == NULL);
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_key(it), "a");
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "x");
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_key(it), "b");
	CHECK(!kmod_config_iter_next(it));
	CHECK(kmod_config_iter_get_key(it) == NULL);
	/* past the end, the walk starts over */
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_key(it), "a");
	kmod_config_iter_free_iter(it);

	/* empty lists give an iterator that is already at its end */
	it = kmod_config_get_softdeps(ctx);
	CHECK(it != NULL);
	CHECK(!kmod_config_iter_next(it));
	kmod_config_iter_free_iter(it);

	CHECK(kmod_config_get_aliases(NULL) == NULL);
	CHECK(!kmod_config_iter_next(NULL));
	CHECK(kmod_config_iter_get_key(NULL) == NULL);
	CHECK(kmod_config_iter_get_value(NULL) == NULL);
	kmod_config_iter_free_iter(NULL);
	return 0;
}

TEST(iterator_value_kinds)
{
	struct kmod_ctx *ctx = load("blacklist bl\ninstall i c1\nremove r c2\n"
				    "softdep s pre: p\nweakdep w a b\n",
				    NULL);
	struct kmod_config_iter *it;

	it = kmod_config_get_blacklists(ctx);
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_key(it), "bl");
	CHECK(kmod_config_iter_get_value(it) == NULL);
	kmod_config_iter_free_iter(it);
	it = kmod_config_get_install_commands(ctx);
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "c1");
	kmod_config_iter_free_iter(it);
	it = kmod_config_get_remove_commands(ctx);
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "c2");
	kmod_config_iter_free_iter(it);
	it = kmod_config_get_softdeps(ctx);
	CHECK(kmod_config_iter_next(it));
	/* repeated calls give the same text */
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "pre: p");
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "pre: p");
	kmod_config_iter_free_iter(it);
	it = kmod_config_get_weakdeps(ctx);
	CHECK(kmod_config_iter_next(it));
	CHECK_STR_EQ(kmod_config_iter_get_key(it), "w");
	CHECK_STR_EQ(kmod_config_iter_get_value(it), "a b");
	kmod_config_iter_free_iter(it);
	return 0;
}

/* ---- differential: Debian's modprobe -c (kmod 30) ----------------------------------- */

#define DEBIAN_MODPROBE "/sbin/modprobe"

/* Keeps "<function>: <text>" of each libkmod message: Debian's build adds the
 * source location ("libkmod: ERROR ../x.c:12 fn: text"), ours does not. */
static char *normalize_messages(const char *err)
{
	struct strbuf b;

	strbuf_init(&b);
	for (const char *line = err; *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *body = line;
		const char *colon;

		if (strncmp(line, "libkmod: ERROR", 14) == 0) {
			/* skip "libkmod: ERROR" then ": " or " <file>:<line> " */
			body = line + 14;
			if (body[0] == ':')
				body += 2;
			else if ((colon = strchr(body + 1, ' ')) != NULL &&
				 colon < line + len)
				body = colon + 1;
		}
		strbuf_pushmem(&b, body, len - (size_t)(body - line));
		strbuf_pushchar(&b, '\n');
		line += len + (end != NULL);
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

/* Runs program with args under a mount namespace where /proc/cmdline is cmdline. */
static int run_with_cmdline(struct test_run *r, const char *cmdline, const char *program,
			    const char *args)
{
	char *script;
	const char *argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c", NULL, NULL };
	/* Debian's tools must load the system libkmod, not ours */
	const char *env[] = { "LD_LIBRARY_PATH=", "LD_PRELOAD=", "KMOD_LOG=err", NULL };

	if (asprintf(&script, "mount --bind '%s' /proc/cmdline && exec %s %s", cmdline,
		     program, args) < 0)
		return -1;
	argv[4] = script;
	if (test_run(r, argv, env) != 0) {
		free(script);
		return -1;
	}
	free(script);
	return 0;
}

struct diff_case {
	const char *name;
	const char *files[8][2]; /* "dir/name", content */
	const char *modules_softdep;
	const char *cmdline;
	const char *config_args; /* -C options, relative to the case root as @ */
};

static const struct diff_case diff_cases[] = {
	{
		.name = "directives",
		.files = {
			{ "etc/a.conf", "alias pci:v*d* e1000-e\nalias  x-y\tz-w extra\n"
				      "blacklist snd-pcsp\noptions xt-LOG  dbl=2\n"
				      "options a\tb=1\tc=2  d \ninstall m-x /bin/true\t$CMDLINE_OPTS\n"
				      "remove m-x  /bin/false\nsoftdep xt-LOG pre: nf_log_syslog\n"
				      "softdep m x pre: a b post: c pre: d\n"
				      "softdep k post: c pre: a post: d\nsoftdep n pre:  post:\tq\n"
				      "softdep p  \nalias a[-]b x-y\n" },
			{ "etc/b.conf", "# comment\n  # not\nbogus line\ninclude x\nconfig y\n"
				      "alias foo\nblacklist\noptions foo \ninstall foo\nsoftdep foo\n"
				      "alias a[ b\nalias a b]\noptions q x=1 \\\n  y=2\n"
				      "bad \\\ncontinued\noptions b p\\q\n" },
		},
		.modules_softdep = "# Soft dependencies extracted from modules themselves.\n"
				   "softdep cifs gcm\nsoftdep nfs pre: sunrpc\n",
		.cmdline = "BOOT_IMAGE=/vmlinuz root=/dev/sda ro a.b=1\n",
		.config_args = "-C @/etc",
	},
	{
		.name = "order_and_override",
		.files = {
			{ "etc/m.conf", "blacklist m-etc\n" },
			{ "etc/z.conf", "blacklist z-etc\n" },
			{ "lib/a.conf", "blacklist a-lib\n" },
			{ "lib/m.conf", "blacklist m-lib\n" },
			{ "lib/modules.conf", "blacklist modules-lib\n" },
			{ "lib/sub.conf/x.conf", "blacklist never\n" },
			{ "single/zz.txt", "blacklist single\noptions s x\n" },
			{ "lib/.hidden.conf", "blacklist hidden\n" },
		},
		.modules_softdep = "softdep a gcm\n",
		.cmdline = "modprobe.blacklist=a-b,c,,d q.s=\"a b\" "
			   "\"parport.dyndbg=file x.c +mpf\" x.y=z\"w m.n=1 \"sp k.noval "
			   "a.b.c=1 .foo=1 a[.b=1 ok-x.p-q=1 t.u=\"open\n",
		.config_args = "-C @/single/zz.txt -C @/etc -C @/nonexistent -C @/lib/",
	},
	{
		.name = "garbage",
		.files = {
			{ "etc/g.conf", "\x01\x02\xff alias\n\xfe\xfd\n[[[\nalias ]]] x\n"
				      "options \xc3\xa9 p=\xe2\x82\xac\nsoftdep \t\n\t\t\n" },
		},
		.modules_softdep = NULL,
		.cmdline = "\"\"\" \"a.b=\" \"c\".d=1 e.\"f\"=2 g.h=\"\"\"\" \t\r\v\f\n",
		.config_args = "-C @/etc",
	},
};

static char *expand_root(const char *args, const char *root)
{
	struct strbuf b;

	strbuf_init(&b);
	for (const char *p = args; *p; p++) {
		if (*p == '@')
			strbuf_pushchars(&b, root);
		else
			strbuf_pushchar(&b, *p);
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

static int run_diff_case(const struct diff_case *c, bool fake)
{
	char *root = test_tmpdir();
	char *moddir = join(root, "empty/lib/modules/x");
	char *cmdline = join(root, "cmdline");
	char *cargs = expand_root(c->config_args, root);
	char *theirs_args, *ours_args, *ours_prog;
	struct test_run theirs, ours;
	int r;

	CHECK_INT_EQ(mkdir_p(moddir, strlen(moddir), 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(c->files) && c->files[i][0]; i++)
		put(root, c->files[i][0], c->files[i][1]);
	if (c->modules_softdep)
		put(moddir, "modules.softdep", c->modules_softdep);
	CHECK_INT_EQ(test_write_str(cmdline, c->cmdline), 0);
	CHECK(asprintf(&theirs_args, "-c %s -d %s/empty -S x", cargs, root) > 0);
	CHECK(asprintf(&ours_args, "%s -d %s", cargs, moddir) > 0);
	CHECK(asprintf(&ours_prog, "%s/testsuite/config-dump", test_build_root()) > 0);
	if (fake) {
		CHECK_INT_EQ(run_with_cmdline(&theirs, cmdline, DEBIAN_MODPROBE,
					      theirs_args),
			     0);
		CHECK_INT_EQ(run_with_cmdline(&ours, cmdline, ours_prog, ours_args), 0);
	} else {
		/* both read this machine's /proc/cmdline */
		char *s1, *s2;
		const char *env[] = { "LD_LIBRARY_PATH=", "LD_PRELOAD=", "KMOD_LOG=err",
				      NULL };
		const char *a1[] = { "/bin/sh", "-c", NULL, NULL };

		CHECK(asprintf(&s1, "exec %s %s", DEBIAN_MODPROBE, theirs_args) > 0);
		CHECK(asprintf(&s2, "exec %s %s", ours_prog, ours_args) > 0);
		a1[2] = s1;
		CHECK_INT_EQ(test_run(&theirs, a1, env), 0);
		a1[2] = s2;
		CHECK_INT_EQ(test_run(&ours, a1, env), 0);
		free(s1);
		free(s2);
	}
	free(theirs_args);
	free(ours_args);
	free(ours_prog);
	CHECK_INT_EQ(theirs.status, 0);
	CHECK_INT_EQ(ours.status, 0);
	r = strcmp(theirs.out, ours.out);
	if (r != 0) {
		for (size_t i = 0; i < ARRAY_SIZE(c->files) && c->files[i][0]; i++)
			printf("# --- %s:\n%s", c->files[i][0], c->files[i][1]);
		printf("# --- modules.softdep:\n%s# --- cmdline:\n%s\n",
		       c->modules_softdep ? c->modules_softdep : "", c->cmdline);
	}
	CHECK_MSG(r == 0, "case %s: stdout differs\n--- modprobe -c:\n%s--- ours:\n%s",
		  c->name, theirs.out, ours.out);
	{
		char *t = normalize_messages(theirs.err),
		     *o = normalize_messages(ours.err);

		CHECK_MSG(streq(t, o),
			  "case %s: messages differ\n--- modprobe -c:\n%s--- ours:\n%s",
			  c->name, t, o);
	}
	/* a comparison that compares nothing would prove nothing */
	CHECK(strstr(ours.out, "# End of configuration files.") != NULL);
	if (!streq(c->name, "generated"))
		CHECK(strlen(ours.out) > 60);
	test_run_release(&theirs);
	test_run_release(&ours);
	return 0;
}

TEST(differential_debian_modprobe)
{
	bool fake;

	test_need_feature("logging"); /* checks the library's messages */
	test_need_kmod_oracle();
	fake = can_fake_cmdline();
	if (!fake)
		printf("# cannot substitute /proc/cmdline here: using the machine's\n");
	for (size_t i = 0; i < ARRAY_SIZE(diff_cases); i++) {
		if (run_diff_case(&diff_cases[i], fake) != 0)
			return 1;
	}
	return 0;
}

/* ---- kmod 34.2's own modprobe -c (testsuite/reference) ------------------------------ */

static int zstd_to_file(const char *src, const char *dst)
{
	struct test_run r;
	const char *argv[] = { "/usr/bin/zstd", "-qdc", src, NULL };

	int err;

	if (test_run(&r, argv, NULL) != 0)
		return -1;
	err = r.status == 0 ? test_write_file(dst, r.out, r.out_len) : -1;
	test_run_release(&r);
	return err;
}

/* kmod 34.2's golden output, kept in testsuite/reference (see its README). */
static const char *reference_dir(void)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/testsuite/reference/6.1.0-50-amd64",
		 test_source_root());
	return dir;
}

static const char *reference_unavailable(void)
{
	static char why[PATH_MAX + 64];

	if (access(reference_dir(), F_OK) == 0)
		return NULL;
	snprintf(why, sizeof(why), "no kmod 34.2 reference at %s", reference_dir());
	return why;
}

OPTIONAL_TEST(reference_showconfig_34_2, reference_unavailable)
{
	const char *ref = reference_dir();
	char *moddir, *expected_file, *prog, *end;
	char *root = test_tmpdir();
	char *expected;
	size_t len;
	struct test_run r;
	const char *argv[] = { NULL, "-C", NULL, "-d", NULL, "--no-cmdline", NULL };

	CHECK_MSG(access("/usr/bin/zstd", X_OK) == 0,
		  "/usr/bin/zstd is missing (package zstd: run .ci/deps.sh)");
	moddir = join(root, "mod");
	CHECK_INT_EQ(mkdir_p(moddir, strlen(moddir), 0755), 0);
	CHECK_INT_EQ(mkdir_p(root, strlen(root), 0755), 0);
	/* the module dir files as 34.2's depmod wrote them, and what its -c printed
	 * with an empty config dir and an empty kernel command line */
	CHECK_INT_EQ(zstd_to_file(join(ref, "depmod-raw/modules.softdep.zst"),
				  join(moddir, "modules.softdep")),
		     0);
	CHECK_INT_EQ(zstd_to_file(join(ref, "depmod-raw/modules.weakdep.zst"),
				  join(moddir, "modules.weakdep")),
		     0);
	expected_file = join(root, "showconfig.txt");
	CHECK_INT_EQ(zstd_to_file(join(ref, "tools/showconfig.txt.zst"), expected_file),
		     0);
	CHECK_INT_EQ(test_read_file(expected_file, &expected, &len), 0);
	end = strstr(expected, "# End of configuration files. Dumping indexes now:\n\n");
	CHECK(end != NULL);
	end[strlen("# End of configuration files. Dumping indexes now:\n\n")] = '\0';

	CHECK(asprintf(&prog, "%s/testsuite/config-dump", test_build_root()) > 0);
	argv[0] = prog;
	argv[2] = join(root, "empty");
	CHECK_INT_EQ(mkdir_p(argv[2], strlen(argv[2]), 0755), 0);
	argv[4] = moddir;
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_RUN(&r, expected, "", 0);
	/* it has both kinds of entries */
	CHECK(strstr(expected, "\nsoftdep cifs \n") != NULL);
	test_run_release(&r);
	free(expected);
	free(prog);
	return 0;
}

/* ---- generated differential cases ---------------------------------------------- */

static unsigned int gen_seed;

static unsigned int gen_rand(unsigned int n)
{
	gen_seed = gen_seed * 1103515245u + 12345u;
	return (gen_seed >> 16) % n;
}

static const char *gen_pick(const char *const *words, size_t n)
{
	return words[gen_rand((unsigned int)n)];
}

#define PICK(a) gen_pick(a, ARRAY_SIZE(a))

/* A config file of random lines built from the pieces the parser cares about. No
 * weakdep (kmod 30 lacks it) and no backslash right before the end of the file
 * (kmod 30 keeps a stray byte there; formats.md 7.2 says 34.2 drops it). With
 * softdep_only every directive is softdep: modules.softdep may hold nothing else
 * (modkit ignores other directives there, kmod does not). */
static char *gen_config(bool softdep_only)
{
	static const char *const cmds[] = {
		"alias",   "blacklist", "options", "install", "remove", "softdep",
		"softdep", "include",	"config",  "bogus",   "#",	" #",
		"",	   "options",	"alias",   "\t",
	};
	static const char *const words[] = {
		"a",	"b-c",	     "d_e",	      "x[-]y", "p[", "q]",
		"pre:", "post:",     "pre:x",	      "m.n",   "*",  "snd-*",
		"k=1",	"v=\"1 2\"", "$CMDLINE_OPTS", "##",    "\\", "é",
	};
	static const char *const seps[] = { " ",  " ",	  " ",	  "\t",
					    "  ", " \t ", "\\\n", "\\\n  " };
	struct strbuf b;
	unsigned int lines = 5 + gen_rand(25);

	strbuf_init(&b);
	for (unsigned int i = 0; i < lines; i++) {
		unsigned int n = gen_rand(6);
		const char *cmd;

		if (gen_rand(4) == 0)
			strbuf_pushchars(&b, PICK(seps));
		cmd = PICK(cmds);
		if (softdep_only && isalpha((unsigned char)cmd[0]))
			cmd = "softdep";
		strbuf_pushchars(&b, cmd);
		for (unsigned int j = 0; j < n; j++) {
			strbuf_pushchars(&b, PICK(seps));
			strbuf_pushchars(&b, PICK(words));
		}
		if (gen_rand(5) == 0)
			strbuf_pushchars(&b, PICK(seps));
		strbuf_pushchar(&b, '\n');
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

static char *gen_cmdline(void)
{
	static const char *const pieces[] = {
		"a",  "b-c", "x", "modprobe", "blacklist", ".", ".", "=", "=",	"\"",
		"\"", " ",   " ", "\t",	      ",",	   "[", "]", "1", "--", "\n",
	};
	struct strbuf b;
	unsigned int n = 10 + gen_rand(60);

	strbuf_init(&b);
	for (unsigned int i = 0; i < n; i++)
		strbuf_pushchars(&b, PICK(pieces));
	strbuf_pushchar(&b, '\n');
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

TEST(differential_generated)
{
	static const char *const names[] = { "a.conf", "b.conf", "c.conf", "z.conf" };
	unsigned int rounds = 40;
	bool fake;

	test_need_feature("logging"); /* checks the library's messages */
	test_need_kmod_oracle();
	/* MODKIT_CONFIG_DIFF_ROUNDS runs more (or fewer) generated rounds */
	if (getenv("MODKIT_CONFIG_DIFF_ROUNDS"))
		rounds = (unsigned int)strtoul(getenv("MODKIT_CONFIG_DIFF_ROUNDS"), NULL,
					       10);
	fake = can_fake_cmdline();
	for (unsigned int round = 0; round < rounds; round++) {
		struct diff_case c = { .name = "generated",
				       .config_args = "-C @/etc -C @/lib" };
		char *paths[4];

		gen_seed = 0x5eed0000u + round;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			paths[i] = join(i % 2 ? "lib" : "etc", names[gen_rand(4)]);
			c.files[i][0] = paths[i];
			c.files[i][1] = gen_config(false);
		}
		c.modules_softdep = gen_rand(2) ? gen_config(true) : NULL;
		c.cmdline = fake ? gen_cmdline() : "";
		CHECK_MSG(run_diff_case(&c, fake) == 0, "round %u (seed %#x) differs",
			  round, 0x5eed0000u + round);
	}
	return 0;
}

int main(int argc, char *argv[])
{
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	bool listing = argc > 1 && streq(argv[1], "--list");
	int r;

	if (args == NULL)
		return 1;
	memcpy(args, argv, (size_t)argc * sizeof(char *));
	for (size_t i = 0; i < n_optional && !listing; i++) {
		struct optional_case *c = optional_cases[i];
		bool selected = argc <= 1;
		const char *why;

		for (int a = 1; a < argc && !selected; a++)
			selected = streq(argv[a], c->test.name);
		if (!selected || (why = c->unavailable()) == NULL)
			continue;
		snprintf(c->label, sizeof(c->label), "%s # SKIP %s", c->test.name, why);
		/* a case named on the command line is still selected by its new name */
		for (int a = 1; a < argc; a++)
			if (streq(argv[a], c->test.name))
				args[a] = c->label;
		c->test.name = c->label;
		c->test.func = skipped_case;
	}
	r = test_main(argc, args);
	free(args);
	return r;
}
