// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_module_insert_module(), kmod_module_remove_module() and
 * kmod_module_probe_insert_module() against modkit-shim.so's fake kernel: the
 * calls it records (.shim/calls.log), the images it saves for init_module, and
 * the print_action/run_install callbacks. Each case builds its own module
 * directory: generated modules plus modules.dep.bin / modules.alias.bin /
 * modules.builtin.bin written with the index writer, and one modprobe.d file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/index.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "lib/strbuf.h"
#include "testsuite.h"
#include "testsuite/modgen/modgen.h"

#define KVER "6.1.0-test"
#define BUFSZ (2 * PATH_MAX + 256)

static char logbuf[65536];

static void log_capture(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	size_t used = strlen(logbuf);

	vsnprintf(logbuf + used, sizeof(logbuf) - used, format, args);
}

/* ---- fixture -------------------------------------------------------------------- */

static struct {
	char *root;
	char moddir[PATH_MAX];
	char confdir[PATH_MAX];
	struct index_writer *dep, *alias, *builtin;
	struct strbuf conf;
	struct kmod_ctx *ctx;
} fx;

static int fx_init(void)
{
	char p[BUFSZ];

	if (getenv("LD_PRELOAD") == NULL ||
	    strstr(getenv("LD_PRELOAD"), "modkit-shim") == NULL) {
		fprintf(stderr, "modkit-shim.so is not preloaded\n");
		return -1;
	}
	fx.root = test_tmpdir();
	if (fx.root == NULL)
		return -1;
	setenv("MODKIT_ROOT", fx.root, 1);
	snprintf(fx.moddir, sizeof(fx.moddir), "%s/lib/modules/" KVER, fx.root);
	snprintf(fx.confdir, sizeof(fx.confdir), "%s/modprobe.d", fx.root);
	snprintf(p, sizeof(p), "%s/proc/modules", fx.root);
	if (test_write_str(p, "") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sys/module/.keep", fx.root);
	if (test_write_str(p, "") < 0)
		return -1;
	fx.dep = index_writer_new();
	fx.alias = index_writer_new();
	fx.builtin = index_writer_new();
	strbuf_init(&fx.conf);
	logbuf[0] = '\0';
	return fx.dep && fx.alias && fx.builtin ? 0 : -1;
}

struct fx_mod {
	const char *name;
	const char *deps; /* modules.dep order, space separated: "b c d" */
	const char *suffix; /* "", ".zst", ".xz", ".gz" */
	bool no_vermagic;
	bool no_depends; /* leave depends= out: the fake kernel then ignores deps */
};

static enum modgen_compression suffix_comp(const char *s)
{
	if (s == NULL || *s == '\0')
		return MODGEN_COMPRESS_NONE;
	if (strcmp(s, ".zst") == 0)
		return MODGEN_COMPRESS_ZSTD;
	if (strcmp(s, ".xz") == 0)
		return MODGEN_COMPRESS_XZ;
	return MODGEN_COMPRESS_GZIP;
}

/* Writes kernel/<name>.ko[suffix] and its modules.dep.bin entry. */
static int fx_module(const struct fx_mod *d)
{
	struct modgen_module *m = modgen_new(d->name);
	char path[BUFSZ], entry[1024], depline[4096];
	const char *suffix = d->suffix ? d->suffix : "";
	const char *deps = d->deps ? d->deps : "";
	int r;

	if (m == NULL)
		return -ENOMEM;
	snprintf(entry, sizeof(entry), "name=%s", d->name);
	r = modgen_add_modinfo(m, entry);
	if (r == 0 && !d->no_depends) {
		size_t i;

		snprintf(entry, sizeof(entry), "depends=%s", deps);
		for (i = 0; entry[i]; i++)
			if (entry[i] == ' ')
				entry[i] = ',';
		r = modgen_add_modinfo(m, entry);
	}
	if (r == 0 && !d->no_vermagic)
		r = modgen_add_modinfo(m,
				       "vermagic=" KVER " SMP mod_unload modversions ");
	if (r == 0)
		r = modgen_add_version(m, 0x1234, "module_layout");
	if (r == 0)
		r = modgen_set_compression(m, suffix_comp(suffix));
	snprintf(path, sizeof(path), "%s/kernel/%s.ko%s", fx.moddir, d->name, suffix);
	if (r == 0)
		r = modgen_write(m, path);
	modgen_free(m);
	if (r < 0)
		return r;

	/* "kernel/a.ko: kernel/b.ko kernel/c.ko" */
	{
		struct strbuf sb;
		char *copy = strdup(deps), *save = NULL;

		strbuf_init(&sb);
		snprintf(depline, sizeof(depline), "kernel/%s.ko%s:", d->name, suffix);
		strbuf_pushchars(&sb, depline);
		for (char *t = strtok_r(copy, " ", &save); t;
		     t = strtok_r(NULL, " ", &save)) {
			snprintf(depline, sizeof(depline), " kernel/%s.ko", t);
			strbuf_pushchars(&sb, depline);
		}
		r = index_writer_insert(fx.dep, d->name, strbuf_str(&sb), 0);
		strbuf_release(&sb);
		free(copy);
	}
	return r < 0 ? r : 0;
}

/* Modules named in a space separated list, each with the deps given after ':'
 * and ',' between them: "a:b,c b:c c". */
static int fx_modules(const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	int r = 0;

	for (char *t = strtok_r(copy, " ", &save); t && r == 0;
	     t = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(t, ':');
		struct fx_mod d = { .name = t };

		if (colon != NULL) {
			*colon = '\0';
			for (char *c = colon + 1; *c; c++)
				if (*c == ',')
					*c = ' ';
			d.deps = colon + 1;
		}
		r = fx_module(&d);
	}
	free(copy);
	return r;
}

static void fx_conf(const char *line)
{
	strbuf_pushchars(&fx.conf, line);
	strbuf_pushchar(&fx.conf, '\n');
}

static int fx_alias(const char *alias, const char *name)
{
	return index_writer_insert(fx.alias, alias, name, 0) < 0 ? -1 : 0;
}

static int fx_builtin(const char *name)
{
	return index_writer_insert(fx.builtin, name, "", 0) < 0 ? -1 : 0;
}

/* Marks name as loaded with the given initstate ("live\n", ...). */
static int fx_loaded(const char *name, const char *state)
{
	char p[BUFSZ], line[256], *old = NULL;
	size_t len;
	int r;

	snprintf(p, sizeof(p), "%s/sys/module/%s/initstate", fx.root, name);
	if (test_write_str(p, state) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sys/module/%s/refcnt", fx.root, name);
	if (test_write_str(p, "0\n") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/proc/modules", fx.root);
	if (test_read_file(p, &old, &len) < 0)
		return -1;
	snprintf(line, sizeof(line), "%s%s 16384 0 - Live 0x0000000000000000\n", old,
		 name);
	free(old);
	r = test_write_str(p, line);
	return r;
}

static int write_index(struct index_writer *w, const char *name)
{
	char p[BUFSZ];
	FILE *f;
	int r;

	snprintf(p, sizeof(p), "%s/%s", fx.moddir, name);
	if (mkdir_p(fx.moddir, strlen(fx.moddir), 0755) < 0)
		return -1;
	f = fopen(p, "we");
	if (f == NULL)
		return -1;
	r = index_writer_write(w, f);
	if (fclose(f) != 0)
		r = -EIO;
	return r;
}

static struct kmod_ctx *fx_ctx(void)
{
	const char *paths[] = { fx.confdir, NULL };
	char p[BUFSZ];

	if (write_index(fx.dep, "modules.dep.bin") < 0 ||
	    write_index(fx.alias, "modules.alias.bin") < 0 ||
	    write_index(fx.builtin, "modules.builtin.bin") < 0)
		return NULL;
	snprintf(p, sizeof(p), "%s/test.conf", fx.confdir);
	if (test_write_str(p, fx.conf.used ? strbuf_str(&fx.conf) : "") < 0)
		return NULL;
	fx.ctx = kmod_new(fx.moddir, paths);
	if (fx.ctx == NULL)
		return NULL;
	kmod_set_log_fn(fx.ctx, log_capture, NULL);
	return fx.ctx;
}

static void fx_done(void)
{
	kmod_unref(fx.ctx);
	index_writer_free(fx.dep);
	index_writer_free(fx.alias);
	index_writer_free(fx.builtin);
	strbuf_release(&fx.conf);
}

/* The fake kernel's call log ("" when nothing was called); static buffer. */
static const char *calls(void)
{
	static char *data;
	char p[BUFSZ];
	size_t len;

	free(data);
	data = NULL;
	snprintf(p, sizeof(p), "%s/.shim/calls.log", fx.root);
	if (test_read_file(p, &data, &len) < 0)
		return "";
	return data;
}

static void calls_reset(void)
{
	char p[BUFSZ];

	snprintf(p, sizeof(p), "%s/.shim/calls.log", fx.root);
	unlink(p);
}

static int fx_errors(const char *rules)
{
	char p[BUFSZ];

	snprintf(p, sizeof(p), "%s/.shim/errors", fx.root);
	return test_write_str(p, rules);
}

static int fx_file(const char *rel, const char *content)
{
	char p[BUFSZ];

	snprintf(p, sizeof(p), "%s/%s", fx.root, rel);
	return test_write_str(p, content);
}

static struct kmod_module *mod_name(const char *name)
{
	struct kmod_module *m = NULL;

	if (kmod_module_new_from_name(fx.ctx, name, &m) < 0)
		return NULL;
	return m;
}

/* The first module an alias or name resolves to. */
static struct kmod_module *mod_lookup(const char *alias)
{
	struct kmod_list *list = NULL;
	struct kmod_module *m;

	if (kmod_module_new_from_lookup(fx.ctx, alias, &list) < 0 || list == NULL)
		return NULL;
	m = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	return m;
}

/* print_action and run_install record into one transcript. */
static struct strbuf actions;

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s %s [%s]\n", install ? "install" : "insmod",
		 kmod_module_get_name(m), options ? options : "(null)");
	strbuf_pushchars(&actions, line);
}

static int run_install_ret;

static int run_install(struct kmod_module *m, const char *cmdline, void *data)
{
	char line[1024];

	snprintf(line, sizeof(line), "run %s [%s] %s\n", kmod_module_get_name(m), cmdline,
		 (const char *)data);
	strbuf_pushchars(&actions, line);
	return run_install_ret;
}

static const char *actions_str(void)
{
	return actions.used ? strbuf_str(&actions) : "";
}

static int probe(const char *name, unsigned int flags, const char *extra)
{
	struct kmod_module *m = mod_lookup(name);
	int r;

	if (m == NULL)
		return -1000;
	strbuf_clear(&actions);
	r = kmod_module_probe_insert_module(m, flags, extra, NULL, NULL, print_action);
	kmod_module_unref(m);
	return r;
}

#define FINIT(name, flags, args) \
	"finit_module name=" name " flags=" #flags " args=" args "\n"

/* ---- insertion order ------------------------------------------------------------- */

TEST(deep_chain_order)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b,c,d,e b:c,d,e c:d,e d:e e"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("e", 0, "") FINIT("d", 0, "") FINIT("c", 0, "")
				      FINIT("b", 0, "") FINIT("a", 0, ""));
	CHECK_STR_EQ(actions_str(),
		     "insmod e []\ninsmod d []\ninsmod c []\ninsmod b []\ninsmod a []\n");
	/* a second probe finds everything loaded */
	calls_reset();
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(calls(), "");
	CHECK_STR_EQ(actions_str(), "");
	CHECK_STR_EQ(logbuf, "");
	fx_done();
	return 0;
}

TEST(options_merging)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b,c b:c c"), 0);
	fx_conf("options c p=1");
	fx_conf("options a  dbl=2");
	fx_conf("options a more=3");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, "x=1 y=\"a b\""), 0);
	/* c: config only (trailing space); b: nothing; a: config + extra */
	CHECK_STR_EQ(calls(), FINIT("c", 0, "p=1 ") FINIT("b", 0, "")
				      FINIT("a", 0, " dbl=2 more=3 x=1 y=\"a b\""));
	CHECK_STR_EQ(actions_str(), "insmod c [p=1 ]\ninsmod b []\n"
				    "insmod a [ dbl=2 more=3 x=1 y=\"a b\"]\n");
	fx_done();
	return 0;
}

TEST(options_only_extra_and_alias)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a"), 0);
	CHECK_INT_EQ(fx_alias("viaalias", "a"), 0);
	fx_conf("options a p=1");
	fx_conf("options viaalias q=2");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("viaalias", KMOD_PROBE_DRY_RUN, "x=9"), 0);
	CHECK_STR_EQ(actions_str(), "insmod a [p=1 q=2 x=9]\n");
	CHECK_STR_EQ(calls(), "");
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN, "x=9"), 0);
	CHECK_STR_EQ(actions_str(), "insmod a [p=1 x=9]\n");
	fx_done();
	return 0;
}

TEST(softdeps_wrap_each_module)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b s1:s1dep s1dep s2 s3 w"), 0);
	fx_conf("softdep b pre: s1 post: s2");
	fx_conf("softdep a pre: s3");
	fx_conf("weakdep a w");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	/* b's pre (with its own dependency), b, b's post, then a's pre, a; never w */
	CHECK_STR_EQ(calls(),
		     FINIT("s1dep", 0, "") FINIT("s1", 0, "") FINIT("b", 0, "")
			     FINIT("s2", 0, "") FINIT("s3", 0, "") FINIT("a", 0, ""));
	fx_done();
	return 0;
}

TEST(softdep_cycle)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("x y z"), 0);
	fx_conf("softdep x pre: y post: z");
	fx_conf("softdep y pre: x post: z");
	fx_conf("softdep z pre: x y");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("x", KMOD_PROBE_DRY_RUN, NULL), 0);
	/* x is visited first: y wraps z after it; z's pres are visited already */
	CHECK_STR_EQ(actions_str(), "insmod y []\ninsmod z []\ninsmod x []\n");
	CHECK_INT_EQ(probe("x", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("y", 0, "") FINIT("z", 0, "") FINIT("x", 0, ""));
	fx_done();
	return 0;
}

TEST(softdep_reaches_dependency_twice)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b s"), 0);
	/* s (pre of a) pulls b as its post: b is expanded again as a probe target */
	fx_conf("softdep a pre: s");
	fx_conf("softdep s post: b");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN, NULL), 0);
	CHECK_STR_EQ(actions_str(),
		     "insmod b []\ninsmod s []\ninsmod b []\ninsmod a []\n");
	/* the second b is found loaded and skipped */
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("b", 0, "") FINIT("s", 0, "") FINIT("a", 0, ""));
	fx_done();
	return 0;
}

TEST(softdep_failures_ignored_dep_failures_not)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b s c:b"), 0);
	fx_conf("softdep a pre: s");
	fx_conf("softdep c pre: s");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_errors("finit_module s EPERM\n"), 0);
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("b", 0, "") FINIT("s", 0, "") FINIT("a", 0, ""));
	calls_reset();
	CHECK_INT_EQ(fx_errors("finit_module b EKEYREJECTED\n"), 0);
	CHECK_INT_EQ(fx_file("sys/module/b/initstate", "going\n"), 0);
	/* hard dependency fails: stop there */
	CHECK_INT_EQ(probe("c", 0, NULL), -EKEYREJECTED);
	CHECK_STR_EQ(calls(), FINIT("b", 0, ""));
	/* the target itself failing */
	calls_reset();
	CHECK_INT_EQ(fx_errors("finit_module c EPERM\n"), 0);
	CHECK_INT_EQ(fx_file("sys/module/b/initstate", "live\n"), 0);
	CHECK_INT_EQ(probe("c", 0, NULL), -EPERM);
	CHECK_STR_EQ(calls(), FINIT("s", 0, "") FINIT("c", 0, ""));
	fx_done();
	return 0;
}

/* ---- loaded, builtin ------------------------------------------------------------- */

TEST(already_loaded)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_loaded("a", "live\n"), 0);
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_INT_EQ(probe("a", KMOD_PROBE_FAIL_ON_LOADED, NULL), -EEXIST);
	CHECK_STR_EQ(calls(), "");
	CHECK_STR_EQ(actions_str(), "");
	/* IGNORE_LOADED: inserted anyway, the kernel's EEXIST is swallowed... */
	CHECK_INT_EQ(probe("a", KMOD_PROBE_IGNORE_LOADED, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("b", 0, "") FINIT("a", 0, ""));
	CHECK_STR_EQ(actions_str(), "insmod b []\ninsmod a []\n");
	/* ...unless FAIL_ON_LOADED asks for it */
	calls_reset();
	CHECK_INT_EQ(probe("a", KMOD_PROBE_IGNORE_LOADED | KMOD_PROBE_FAIL_ON_LOADED,
			   NULL),
		     -EEXIST);
	CHECK_STR_EQ(calls(), FINIT("b", 0, "") FINIT("a", 0, ""));
	fx_done();
	return 0;
}

TEST(loaded_dependency_skipped_coming_target_inserted)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_loaded("b", "live\n"), 0);
	CHECK_INT_EQ(probe("a", KMOD_PROBE_FAIL_ON_LOADED, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("a", 0, ""));
	CHECK_STR_EQ(actions_str(), "insmod a []\n");
	fx_done();

	/* a module still coming is not "in kernel" */
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("c"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_file("sys/module/c/initstate", "coming\n"), 0);
	CHECK_INT_EQ(probe("c", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("c", 0, ""));
	fx_done();
	return 0;
}

TEST(builtin_target_and_dependency)
{
	struct kmod_module *m;

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a"), 0);
	CHECK_INT_EQ(fx_builtin("only"), 0);
	fx_conf("softdep a pre: only");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("only", 0, NULL), 0);
	CHECK_INT_EQ(probe("only", KMOD_PROBE_FAIL_ON_LOADED, NULL), -EEXIST);
	CHECK_STR_EQ(actions_str(), "");
	/* -D style: the builtin module is still announced (no file) */
	CHECK_INT_EQ(probe("only", KMOD_PROBE_IGNORE_LOADED | KMOD_PROBE_DRY_RUN, NULL),
		     0);
	CHECK_STR_EQ(actions_str(), "insmod only []\n");
	/* without DRY_RUN the file-less module cannot be inserted */
	CHECK_INT_EQ(probe("only", KMOD_PROBE_IGNORE_LOADED, NULL), -ENOENT);
	CHECK_STR_EQ(logbuf, "could not find module by name='only'\n");
	CHECK_STR_EQ(calls(), "");
	/* a builtin softdep is skipped */
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(actions_str(), "insmod a []\n");
	CHECK_STR_EQ(calls(), FINIT("a", 0, ""));

	m = mod_name("only");
	CHECK(m != NULL);
	CHECK_INT_EQ(kmod_module_get_initstate(m), KMOD_MODULE_BUILTIN);
	kmod_module_unref(m);
	fx_done();
	return 0;
}

/* ---- blacklist ------------------------------------------------------------------- */

TEST(blacklist_flags)
{
	static const struct {
		const char *name;
		unsigned int flags;
		int expected;
	} cases[] = {
		{ "bl", 0, 0 },
		{ "bl", KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, 0 },
		{ "bl", KMOD_PROBE_APPLY_BLACKLIST, KMOD_PROBE_APPLY_BLACKLIST },
		{ "bl", KMOD_PROBE_APPLY_BLACKLIST_ALL, KMOD_PROBE_APPLY_BLACKLIST_ALL },
		{ "bl", KMOD_PROBE_APPLY_BLACKLIST_ALL | KMOD_PROBE_APPLY_BLACKLIST,
		  KMOD_PROBE_APPLY_BLACKLIST_ALL },
		{ "bl",
		  KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY | KMOD_PROBE_APPLY_BLACKLIST,
		  KMOD_PROBE_APPLY_BLACKLIST },
		{ "blalias", 0, 0 },
		{ "blalias", KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
		  KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY },
		{ "blalias", KMOD_PROBE_APPLY_BLACKLIST, KMOD_PROBE_APPLY_BLACKLIST },
		{ "blalias",
		  KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY | KMOD_PROBE_APPLY_BLACKLIST_ALL,
		  KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY },
		{ "blalias", KMOD_PROBE_APPLY_BLACKLIST_ALL,
		  KMOD_PROBE_APPLY_BLACKLIST_ALL },
		{ "okalias",
		  KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY | KMOD_PROBE_APPLY_BLACKLIST |
			  KMOD_PROBE_APPLY_BLACKLIST_ALL,
		  0 },
		{ "ok", KMOD_PROBE_APPLY_BLACKLIST_ALL, 0 },
	};

	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("bl ok"), 0);
	CHECK_INT_EQ(fx_alias("blalias", "bl"), 0);
	CHECK_INT_EQ(fx_alias("okalias", "ok"), 0);
	fx_conf("blacklist bl");
	CHECK(fx_ctx() != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = probe(cases[i].name, cases[i].flags | KMOD_PROBE_DRY_RUN, NULL);

		CHECK_MSG(r == cases[i].expected,
			  "case %zu (%s, 0x%x): got %d, expected %d", i, cases[i].name,
			  cases[i].flags, r, cases[i].expected);
		/* stopped by a blacklist: nothing announced */
		if (cases[i].expected != 0)
			CHECK_STR_EQ(actions_str(), "");
		else
			CHECK(actions.used > 0);
	}
	CHECK_STR_EQ(calls(), "");
	fx_done();
	return 0;
}

TEST(blacklist_all_filters_plan)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:bl,c bl c s"), 0);
	fx_conf("blacklist bl");
	fx_conf("blacklist s");
	fx_conf("softdep a pre: s");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN, NULL), 0);
	CHECK_STR_EQ(actions_str(),
		     "insmod c []\ninsmod bl []\ninsmod s []\ninsmod a []\n");
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN | KMOD_PROBE_APPLY_BLACKLIST, NULL),
		     0);
	CHECK_STR_EQ(actions_str(),
		     "insmod c []\ninsmod bl []\ninsmod s []\ninsmod a []\n");
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN | KMOD_PROBE_APPLY_BLACKLIST_ALL,
			   NULL),
		     0);
	CHECK_STR_EQ(actions_str(), "insmod c []\ninsmod a []\n");
	fx_done();
	return 0;
}

/* ---- install commands ------------------------------------------------------------ */

TEST(install_command_runs)
{
	char out[PATH_MAX], line[PATH_MAX * 2], *data = NULL;
	size_t len;

	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b"), 0);
	snprintf(out, sizeof(out), "%s/out", fx.root);
	snprintf(line, sizeof(line),
		 "install a echo \"$MODPROBE_MODULE:$CMDLINE_OPTS:$CMDLINE_OPTS\" >> %s",
		 out);
	fx_conf(line);
	fx_conf("options a o=1");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, "x=2"), 0);
	CHECK_STR_EQ(calls(), FINIT("b", 0, ""));
	CHECK_INT_EQ(test_read_file(out, &data, &len), 0);
	CHECK_STR_EQ(data, "a:o=1 x=2:o=1 x=2\n");
	free(data);
	CHECK_STR_EQ(actions_str(), "insmod b []\ninstall a [o=1 x=2]\n");
	CHECK(getenv("MODPROBE_MODULE") == NULL);

	/* DRY_RUN: announced, not run (b is loaded now: skipped silently) */
	CHECK_INT_EQ(unlink(out), 0);
	calls_reset();
	CHECK_INT_EQ(probe("a", KMOD_PROBE_DRY_RUN, NULL), 0);
	CHECK_STR_EQ(actions_str(), "install a [o=1 ]\n");
	CHECK(access(out, F_OK) < 0);
	CHECK_STR_EQ(calls(), "");

	/* IGNORE_COMMAND: the module is inserted instead */
	CHECK_INT_EQ(probe("a", KMOD_PROBE_IGNORE_COMMAND, "x=3"), 0);
	CHECK_STR_EQ(actions_str(), "insmod a [o=1 x=3]\n");
	CHECK_STR_EQ(calls(), FINIT("a", 0, "o=1 x=3"));
	CHECK(access(out, F_OK) < 0);
	fx_done();
	return 0;
}

TEST(install_command_of_dependency_and_softdep_override)
{
	char out[PATH_MAX], line[PATH_MAX * 2], *data = NULL;
	size_t len;

	struct fx_mod a = { .name = "a", .deps = "b", .no_depends = true };
	struct fx_mod c = { .name = "c", .deps = "s", .no_depends = true };

	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("b s"), 0);
	CHECK_INT_EQ(fx_module(&a), 0);
	CHECK_INT_EQ(fx_module(&c), 0);
	snprintf(out, sizeof(out), "%s/out", fx.root);
	snprintf(line, sizeof(line), "install b echo b-cmd >> %s", out);
	fx_conf(line);
	/* c has a softdep that resolves: its install command is ignored */
	snprintf(line, sizeof(line), "install c echo c-cmd >> %s", out);
	fx_conf(line);
	fx_conf("softdep c post: s");
	/* a softdep resolving to nothing does not cancel the command */
	snprintf(line, sizeof(line), "install s echo s-cmd >> %s", out);
	fx_conf(line);
	fx_conf("softdep s pre: nonexistent");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, NULL), 0);
	CHECK_STR_EQ(calls(), FINIT("a", 0, ""));
	CHECK_INT_EQ(probe("c", 0, NULL), 0);
	/* s is c's dependency and, again, its post-softdep */
	CHECK_STR_EQ(actions_str(), "install s []\ninsmod c []\ninstall s []\n");
	CHECK_STR_EQ(calls(), FINIT("a", 0, "") FINIT("c", 0, ""));
	CHECK_INT_EQ(test_read_file(out, &data, &len), 0);
	CHECK_STR_EQ(data, "b-cmd\ns-cmd\ns-cmd\n");
	free(data);
	fx_done();
	return 0;
}

TEST(install_command_fails)
{
	test_need_feature("logging"); /* checks the library's messages */
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b c:b"), 0);
	fx_conf("install a exit 3");
	fx_conf("install b false");
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(probe("a", 0, NULL), -EINVAL);
	CHECK_STR_EQ(logbuf,
		     "Error running install command 'false' for module b: retcode 1\n");
	CHECK_STR_EQ(actions_str(), "install b []\n");
	logbuf[0] = '\0';
	CHECK_INT_EQ(fx_loaded("b", "live\n"), 0);
	CHECK_INT_EQ(probe("a", 0, NULL), -EINVAL);
	CHECK_STR_EQ(logbuf,
		     "Error running install command 'exit 3' for module a: retcode 3\n");
	CHECK_STR_EQ(calls(), "");
	fx_done();
	return 0;
}

TEST(run_install_callback)
{
	struct kmod_module *m;

	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b"), 0);
	fx_conf("install a echo hi $CMDLINE_OPTS;$CMDLINE_OPTS");
	fx_conf("install b exit 1");
	fx_conf("options a o=1");
	CHECK(fx_ctx() != NULL);
	m = mod_name("a");
	CHECK(m != NULL);
	strbuf_clear(&actions);
	run_install_ret = 7;
	CHECK_INT_EQ(kmod_module_probe_insert_module(m, 0, "x=2", run_install, "DATA",
						     print_action),
		     7);
	CHECK_STR_EQ(actions_str(),
		     "install b []\nrun b [exit 1] DATA\n"
		     "install a [o=1 x=2]\nrun a [echo hi o=1 x=2;o=1 x=2] DATA\n");
	strbuf_clear(&actions);
	run_install_ret = -5;
	CHECK_INT_EQ(kmod_module_probe_insert_module(m, 0, NULL, run_install, "D2", NULL),
		     -5);
	CHECK_STR_EQ(actions_str(), "run b [exit 1] D2\n");
	kmod_module_unref(m);
	CHECK_STR_EQ(calls(), "");
	CHECK_STR_EQ(logbuf, "");
	fx_done();
	return 0;
}

/* ---- insertion paths: force, compression, ENOSYS --------------------------------- */

static int insert(const char *name, unsigned int flags, const char *options)
{
	struct kmod_module *m = mod_name(name);
	int r;

	if (m == NULL)
		return -1000;
	r = kmod_module_insert_module(m, flags, options);
	kmod_module_unref(m);
	return r;
}

TEST(force_flags_finit)
{
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a b c d"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(insert("a", KMOD_INSERT_FORCE_VERMAGIC, NULL), 0);
	CHECK_INT_EQ(insert("b", KMOD_INSERT_FORCE_MODVERSION, "p=1"), 0);
	CHECK_INT_EQ(insert("c",
			    KMOD_INSERT_FORCE_MODVERSION | KMOD_INSERT_FORCE_VERMAGIC,
			    ""),
		     0);
	CHECK_INT_EQ(probe("d", KMOD_PROBE_FORCE_VERMAGIC | KMOD_PROBE_FORCE_MODVERSION,
			   NULL),
		     0);
	CHECK_STR_EQ(calls(), FINIT("a", 2, "") FINIT("b", 1, "p=1") FINIT("c", 3, "")
				      FINIT("d", 3, ""));
	fx_done();
	return 0;
}

/* Minimal ELF64 little-endian reader for the checks below (independent of elf.c). */
static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static unsigned int rd16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static unsigned int rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

/* Section header of name, or NULL. */
static const unsigned char *shdr_of(const unsigned char *img, size_t len,
				    const char *name)
{
	uint64_t shoff = rd64(img + 0x28);
	unsigned int shnum = rd16(img + 0x3c), shstrndx = rd16(img + 0x3e);
	const unsigned char *strsh = img + shoff + (uint64_t)shstrndx * 64;
	uint64_t stroff = rd64(strsh + 0x18);

	if (shoff + (uint64_t)shnum * 64 > len)
		return NULL;
	for (unsigned int i = 1; i < shnum; i++) {
		const unsigned char *sh = img + shoff + (uint64_t)i * 64;

		if (strcmp((const char *)img + stroff + rd32(sh), name) == 0)
			return sh;
	}
	return NULL;
}

static int image_of(const char *name, char **data, size_t *len)
{
	char p[BUFSZ];

	snprintf(p, sizeof(p), "%s/.shim/images/%s.ko", fx.root, name);
	return test_read_file(p, data, len);
}

TEST(force_on_init_module_path)
{
	char *img = NULL, *orig = NULL, p[BUFSZ];
	size_t len, olen;
	const unsigned char *sh;

	test_need_feature("logging"); /* checks the library's messages */
	test_need_feature("zstd");
	test_need_feature("xz");
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("plain"), 0);
	{
		struct fx_mod v = { .name = "v", .suffix = ".zst" };
		struct fx_mod mv = { .name = "mv", .suffix = ".zst" };
		struct fx_mod nv = { .name = "nv", .suffix = ".xz", .no_vermagic = true };

		CHECK_INT_EQ(fx_module(&v), 0);
		CHECK_INT_EQ(fx_module(&mv), 0);
		CHECK_INT_EQ(fx_module(&nv), 0);
	}
	CHECK(fx_ctx() != NULL);

	/* no /sys/module/compression: userspace decompression + init_module */
	CHECK_INT_EQ(insert("v", KMOD_INSERT_FORCE_VERMAGIC, "a=1"), 0);
	CHECK_INT_EQ(image_of("v", &img, &len), 0);
	CHECK(memmem(img, len, "vermagic=", 9) == NULL);
	CHECK(memmem(img, len, "name=v", 6) != NULL);
	/* the bytes were zeroed in place, the size is unchanged */
	snprintf(p, sizeof(p), "zstd -dc '%s/kernel/v.ko.zst' > '%s/v.ko'", fx.moddir,
		 fx.root);
	CHECK_INT_EQ(system(p), 0);
	snprintf(p, sizeof(p), "%s/v.ko", fx.root);
	CHECK_INT_EQ(test_read_file(p, &orig, &olen), 0);
	CHECK_INT_EQ(len, olen);
	CHECK(memmem(orig, olen, "vermagic=", 9) != NULL);
	sh = shdr_of((unsigned char *)img, len, "__versions");
	CHECK(sh != NULL);
	CHECK((rd64(sh + 8) & 2) != 0); /* SHF_ALLOC kept: only vermagic was asked */
	free(img);
	free(orig);

	CHECK_INT_EQ(insert("mv", KMOD_INSERT_FORCE_MODVERSION, NULL), 0);
	CHECK_INT_EQ(image_of("mv", &img, &len), 0);
	sh = shdr_of((unsigned char *)img, len, "__versions");
	CHECK(sh != NULL);
	CHECK((rd64(sh + 8) & 2) == 0);
	CHECK(memmem(img, len, "vermagic=", 9) != NULL);
	free(img);

	/* nothing to strip: the insertion fails (34.2) */
	CHECK_INT_EQ(insert("nv", KMOD_INSERT_FORCE_VERMAGIC, NULL), -ENODATA);
	CHECK_STR_EQ(logbuf, "Failed to strip version information: No data available\n");

	/* a plain module with force flags goes through finit: no image edits */
	CHECK_INT_EQ(insert("plain", KMOD_INSERT_FORCE_VERMAGIC, NULL), 0);
	snprintf(p, sizeof(p), "init_module name=v len=%zu args=a=1\n", olen);
	CHECK(strncmp(calls(), p, strlen(p)) == 0);
	CHECK(strstr(calls(), "\ninit_module name=mv len=") != NULL);
	/* nv failed before any syscall */
	CHECK(strstr(calls(), "name=nv") == NULL);
	CHECK(strstr(calls(), "\n" FINIT("plain", 2, "")) != NULL);
	fx_done();
	return 0;
}

TEST(compression_paths)
{
	test_need_feature("xz");
	test_need_feature("zlib");
	CHECK_INT_EQ(fx_init(), 0);
	{
		struct fx_mod z = { .name = "z", .suffix = ".zst" };
		struct fx_mod x = { .name = "x", .suffix = ".xz" };
		struct fx_mod g = { .name = "g", .suffix = ".gz" };

		CHECK_INT_EQ(fx_module(&z), 0);
		CHECK_INT_EQ(fx_module(&x), 0);
		CHECK_INT_EQ(fx_module(&g), 0);
	}
	CHECK_INT_EQ(fx_file("sys/module/compression", "zstd\n"), 0);
	CHECK(fx_ctx() != NULL);
	/* kernel format: finit with flag 4 (plus force flags) */
	CHECK_INT_EQ(insert("z", KMOD_INSERT_FORCE_VERMAGIC, "q=1"), 0);
	CHECK_STR_EQ(calls(), FINIT("z", 6, "q=1"));
	calls_reset();
	/* another format: decompressed here */
	CHECK_INT_EQ(insert("x", 0, NULL), 0);
	CHECK_INT_EQ(insert("g", 0, "p"), 0);
	CHECK(strncmp(calls(), "init_module name=x len=", 23) == 0);
	CHECK(strstr(calls(), "\ninit_module name=g len=") != NULL);
	CHECK(strstr(calls(), " args=p\n") != NULL);
	CHECK_STR_EQ(logbuf, "");
	fx_done();
	return 0;
}

TEST(compression_unknown_kernel_word)
{
	test_need_feature("logging"); /* checks the library's messages */
	test_need_feature("zstd");
	CHECK_INT_EQ(fx_init(), 0);
	{
		struct fx_mod z = { .name = "z", .suffix = ".zst" };

		CHECK_INT_EQ(fx_module(&z), 0);
	}
	CHECK_INT_EQ(fx_modules("p"), 0);
	CHECK_INT_EQ(fx_file("sys/module/compression", "lz4\n"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(insert("z", 0, NULL), 0);
	CHECK(strncmp(calls(), "init_module name=z len=", 23) == 0);
	CHECK_STR_EQ(logbuf, "unknown kernel compression lz4\n");
	/* read once per context */
	CHECK_INT_EQ(insert("p", 0, NULL), 0);
	CHECK_STR_EQ(logbuf, "unknown kernel compression lz4\n");
	fx_done();
	return 0;
}

TEST(enosys_fallback)
{
	const char *c;

	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a:b b"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_errors("finit_module * ENOSYS\n"), 0);
	CHECK_INT_EQ(probe("a", 0, "k=v"), 0);
	c = calls();
	CHECK_MSG(strncmp(c, FINIT("b", 0, "") "init_module name=b len=",
			  strlen(FINIT("b", 0, "") "init_module name=b len=")) == 0,
		  "%s", c);
	c = strstr(c, FINIT("a", 0, "k=v") "init_module name=a len=");
	CHECK(c != NULL);
	CHECK(strstr(c, " args=k=v\n") != NULL);
	fx_done();
	return 0;
}

/* ---- insert/remove errors --------------------------------------------------------- */

TEST(insert_errors)
{
	char p[BUFSZ];

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a gone"), 0);
	CHECK(fx_ctx() != NULL);
	kmod_set_log_priority(fx.ctx, LOG_INFO);
	CHECK_INT_EQ(kmod_module_insert_module(NULL, 0, NULL), -ENOENT);
	CHECK_INT_EQ(insert("nofile", 0, NULL), -ENOENT);
	CHECK_STR_EQ(logbuf, "could not find module by name='nofile'\n");
	logbuf[0] = '\0';
	snprintf(p, sizeof(p), "%s/kernel/gone.ko", fx.moddir);
	CHECK_INT_EQ(unlink(p), 0);
	CHECK_INT_EQ(insert("gone", 0, NULL), -ENOENT);
	CHECK_INT_EQ(fx_errors("finit_module a EKEYREJECTED\n"), 0);
	logbuf[0] = '\0';
	CHECK_INT_EQ(insert("a", 0, NULL), -EKEYREJECTED);
	snprintf(
		p, sizeof(p),
		"Failed to insert module '%s/kernel/a.ko': Key was rejected by service\n",
		fx.moddir);
	CHECK_STR_EQ(logbuf, p);
	fx_done();
	return 0;
}

TEST(remove_module)
{
	struct kmod_module *m;

	test_need_feature("logging"); /* checks the library's messages */
	CHECK_INT_EQ(fx_init(), 0);
	CHECK_INT_EQ(fx_modules("a b"), 0);
	CHECK(fx_ctx() != NULL);
	CHECK_INT_EQ(fx_loaded("a", "live\n"), 0);
	CHECK_INT_EQ(fx_loaded("b", "live\n"), 0);
	CHECK_INT_EQ(kmod_module_remove_module(NULL, 0), -ENOENT);
	m = mod_name("a");
	CHECK(m != NULL);
	CHECK_INT_EQ(kmod_module_remove_module(m, 0), 0);
	/* not loaded any more */
	CHECK_INT_EQ(kmod_module_remove_module(m, KMOD_REMOVE_FORCE), -ENOENT);
	CHECK_STR_EQ(logbuf, "could not remove 'a': No such file or directory\n");
	logbuf[0] = '\0';
	CHECK_INT_EQ(kmod_module_remove_module(m, KMOD_REMOVE_NOLOG | 0x4000), -ENOENT);
	CHECK_STR_EQ(logbuf, "");
	kmod_module_unref(m);
	m = mod_name("b");
	CHECK(m != NULL);
	CHECK_INT_EQ(fx_file("sys/module/b/refcnt", "1\n"), 0);
	CHECK_INT_EQ(kmod_module_remove_module(m, 0), -EAGAIN);
	CHECK_STR_EQ(logbuf, "could not remove 'b': Resource temporarily unavailable\n");
	CHECK_INT_EQ(kmod_module_remove_module(m, KMOD_REMOVE_FORCE), 0);
	kmod_module_unref(m);
	/* O_NONBLOCK always, O_TRUNC only for FORCE, nothing else reaches the kernel */
	CHECK_STR_EQ(calls(), "delete_module name=a flags=2048\n"
			      "delete_module name=a flags=2560\n"
			      "delete_module name=a flags=2048\n"
			      "delete_module name=b flags=2048\n"
			      "delete_module name=b flags=2560\n");
	fx_done();
	return 0;
}

/* ---- differential runs against Debian's libkmod ------------------------------------ */
#if HAVE_KERNEL_ORACLE

/*
 * kernel-oracle-prog (built against the system libkmod) runs the same operations on
 * the same fixture root twice: with Debian's kmod 30 library and with ours. Only
 * behaviour that kmod 30 and 34.2 share is exercised (no compressed modules, no
 * weakdeps, no force stripping of modules without vermagic).
 */
typedef int (*scenario_fn)(void);

/* Run the program with libkmod's default stderr logger and compare stderr too. */
static bool oracle_default_log;

static int oracle_once(scenario_fn build, const char *const *ops, bool ours, char **out,
		       char **calls_out)
{
	char prog[BUFSZ], libdir[BUFSZ], env_lib[BUFSZ + 32], cmd[BUFSZ];
	const char *argv[64];
	const char *env[3] = { NULL, NULL, NULL };
	struct test_run r;
	const char *c;
	size_t n = 0;
	int err;

	/* the same root path for both runs: messages contain it */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s'", fx.root, fx.root);
	if (system(cmd) != 0)
		return -1;
	fx.dep = index_writer_new();
	fx.alias = index_writer_new();
	fx.builtin = index_writer_new();
	strbuf_init(&fx.conf);
	snprintf(cmd, sizeof(cmd), "%s/proc/modules", fx.root);
	if (test_write_str(cmd, "") < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/sys/module/.keep", fx.root);
	if (test_write_str(cmd, "") < 0)
		return -1;
	err = build();
	if (err < 0 || fx_ctx() == NULL)
		return -1;

	snprintf(prog, sizeof(prog), "%s/testsuite/kernel-oracle-prog",
		 test_build_root());
	snprintf(libdir, sizeof(libdir), "%s/lib", test_build_root());
	argv[n++] = prog;
	argv[n++] = fx.moddir;
	argv[n++] = fx.confdir;
	for (; *ops != NULL && n < ARRAY_SIZE(argv) - 1; ops++)
		argv[n++] = *ops;
	argv[n] = NULL;
	/* meson puts our lib/ on LD_LIBRARY_PATH: the oracle run must not see it */
	if (ours)
		snprintf(env_lib, sizeof(env_lib), "LD_LIBRARY_PATH=%s", libdir);
	else
		snprintf(env_lib, sizeof(env_lib), "LD_LIBRARY_PATH=");
	env[0] = env_lib;
	if (oracle_default_log)
		env[1] = "KERNEL_ORACLE_DEFAULT_LOG=1";
	if (test_run(&r, argv, env) < 0)
		return -1;
	if (r.status != 0 || (r.err_len != 0 && !oracle_default_log)) {
		fprintf(stderr, "kernel-oracle-prog (%s): status %d\n%s\n",
			ours ? "ours" : "debian", r.status, r.err);
		test_run_release(&r);
		return -1;
	}
	/* "lib <path>": which library ran */
	if (strncmp(r.out, "lib ", 4) != 0 ||
	    (strstr(r.out, libdir) == r.out + 4) != ours) {
		fprintf(stderr, "wrong libkmod loaded: %.200s\n", r.out);
		test_run_release(&r);
		return -1;
	}
	if (asprintf(out, "%s--- stderr\n%s", strchr(r.out, '\n') + 1,
		     r.err ? r.err : "") < 0)
		*out = NULL;
	test_run_release(&r);
	c = calls();
	*calls_out = strdup(c);
	fx_done();
	fx.ctx = NULL;
	return 0;
}

/*
 * Debian builds libkmod with debug logging, whose default logger adds the source
 * position: "libkmod: ERROR ../libkmod/libkmod-module.c:1047 command_do: ...".
 * kmod 34.2's release format (tools.md 3.2) is "libkmod: ERROR: command_do: ...".
 */
static void strip_source_positions(char *t)
{
	for (char *p = t; (p = strstr(p, "libkmod: ")) != NULL;) {
		char *level = p + 9, *sp = strchr(level, ' ');
		char *pos_end;

		p = level;
		if (sp == NULL || sp[-1] == ':' || strchr(level, '\n') < sp)
			continue;
		pos_end = strchr(sp + 1, ' ');
		if (pos_end == NULL || pos_end[-1] == ':' ||
		    strchr(sp + 1, '\n') < pos_end)
			continue;
		/* "LEVEL file:line fn:" -> "LEVEL: fn:" */
		*sp = ':';
		memmove(sp + 1, pos_end, strlen(pos_end) + 1);
	}
}

/* Pointers in messages ("ctx=0x55d0c0ffee00") differ between runs. */
static void mask_pointers(char *t)
{
	for (char *p = t; (p = strstr(p, "=0x")) != NULL;) {
		char *q = p + 3;

		while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))
			*q++ = 'X';
		p = q;
	}
}

static int oracle_compare(scenario_fn build, const char *const *ops)
{
	char *dout = NULL, *dcalls = NULL, *oout = NULL, *ocalls = NULL;

	CHECK_INT_EQ(fx_init(), 0);
	fx_done();
	fx.ctx = NULL;
	CHECK_INT_EQ(oracle_once(build, ops, false, &dout, &dcalls), 0);
	CHECK_INT_EQ(oracle_once(build, ops, true, &oout, &ocalls), 0);
	mask_pointers(dout);
	mask_pointers(oout);
	strip_source_positions(dout);
	if (getenv("MODKIT_TEST_VERBOSE"))
		fprintf(stderr, "%s\n%s\n", dout, dcalls);
	CHECK_STR_EQ(oout, dout);
	CHECK_STR_EQ(ocalls, dcalls);
	/* the runs must have done something worth comparing */
	CHECK(strstr(dout, "result ") != NULL || strstr(dout, "info ") != NULL ||
	      strstr(dout, "initstate ") != NULL);
	free(dout);
	free(dcalls);
	free(oout);
	free(ocalls);
	return 0;
}

static int scenario_plan(void)
{
	char line[BUFSZ];

	if (fx_modules("a:b,c b:c c s1:s1d s1d s2 s3 x y z") < 0)
		return -1;
	fx_conf("softdep b pre: s1 post: s2");
	fx_conf("softdep a pre: s3");
	fx_conf("options c p=1");
	fx_conf("options a  dbl=2");
	fx_conf("softdep x pre: y post: z");
	fx_conf("softdep y pre: x post: z");
	fx_conf("softdep z pre: x y");
	snprintf(line, sizeof(line), "install y echo Y $MODPROBE_MODULE $CMDLINE_OPTS");
	fx_conf(line);
	fx_conf("options y o=1");
	fx_conf("install z echo Z $CMDLINE_OPTS");
	return 0;
}

TEST(oracle_plan)
{
	static const char *const ops[] = {
		"probe|a|10|e=1",
		"probe|a|0|e=1",
		"loaded",
		"state|a",
		"state|c",
		"probe|a|0|",
		"probe|a|20|",
		"probe|a|28|",
		"probe|a|8|",
		"probe|x|10|q=1",
		"probe|x|0|q=1",
		"probe|x|14|q=1",
		"probe|y|18|r=2",
		"probe-ri|y|8|",
		"probe|z|4|",
		"remove|a|0",
		"remove|a|0",
		"remove|c|200",
		"remove|b|800",
		"state|b",
		"probe|b|0|",
		"loaded",
		NULL,
	};

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_plan, ops);
}

static int scenario_blacklist(void)
{
	if (fx_modules("bl ok a:bl,ok s") < 0 || fx_alias("blalias", "bl") < 0 ||
	    fx_alias("okalias", "ok") < 0)
		return -1;
	fx_conf("blacklist bl");
	fx_conf("blacklist s");
	fx_conf("softdep ok pre: s");
	return 0;
}

TEST(oracle_blacklist)
{
	static const char *const names[] = { "bl", "blalias", "okalias", "ok", "a" };
	static const unsigned int flags[] = { 0,       0x10000, 0x20000, 0x40000,
					      0x30000, 0x50000, 0x60000, 0x70000 };
	char *ops[ARRAY_SIZE(names) * ARRAY_SIZE(flags) + 1];
	size_t n = 0;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		for (size_t j = 0; j < ARRAY_SIZE(flags); j++)
			CHECK(asprintf(&ops[n++], "probe|%s|%x|", names[i],
				       flags[j] | 0x10) > 0);
	ops[n] = NULL;
	r = oracle_compare(scenario_blacklist, (const char *const *)ops);
	for (size_t i = 0; i < n; i++)
		free(ops[i]);
	return r;
}

static int scenario_commands(void)
{
	char line[BUFSZ];

	if (fx_modules("a:b b c:b s d e") < 0)
		return -1;
	fx_conf("install a exit 3");
	fx_conf("install b false");
	fx_conf("softdep c pre: s");
	fx_conf("install c echo never");
	snprintf(line, sizeof(line), "install d echo D:$CMDLINE_OPTS:$MODPROBE_MODULE");
	fx_conf(line);
	fx_conf("options d x=1");
	fx_conf("install e echo E $CMDLINE_OPTS; exit 0");
	return fx_errors("finit_module s EPERM\n");
}

TEST(oracle_commands)
{
	static const char *const ops[] = {
		"probe|a|0|",  "probe|a|4|",	"probe-ri|a|0|x=1",
		"probe|c|0|",  "probe|c|0|",	"probe|d|0|y=2",
		"probe|d|10|", "probe|d|4|y=3", "probe-ri|d|0|",
		"probe|e|0|",  "probe|s|0|",	"probe|s|20|",
		NULL,
	};

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_commands, ops);
}

static int scenario_builtin(void)
{
	if (fx_modules("a") < 0 || fx_builtin("only") < 0)
		return -1;
	fx_conf("softdep a pre: only");
	return 0;
}

TEST(oracle_builtin)
{
	static const char *const ops[] = {
		"probe|only|0|", "probe|only|20|", "probe|only|18|",
		"probe|only|8|", "probe|a|0|",	   "state|only",
		"remove|only|0", "insert|only|0|", NULL
	};

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_builtin, ops);
}

static int scenario_errors(void)
{
	char p[BUFSZ];

	if (fx_modules("a:b b c gone force") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/kernel/gone.ko", fx.moddir);
	if (unlink(p) < 0)
		return -1;
	return fx_errors("finit_module c EKEYREJECTED\nfinit_module force ENOSYS\n");
}

TEST(oracle_insert_errors)
{
	static const char *const ops[] = { "insert|c|0|",
					   "insert|c|3|o=1",
					   "insert|gone|0|",
					   "probe|gone|0|",
					   "insert|bi|0|",
					   "probe|c|0|",
					   "insert|force|1|",
					   "insert|force|2|",
					   "insert|force|3|x",
					   "insert|a|0|",
					   "probe|a|0|",
					   "insert|a|0|",
					   NULL };

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_errors, ops);
}

static int scenario_state_files(void)
{
	if (fx_file("proc/modules",
		    "zeta 16384 0 - Live 0x0\nalpha 20480 2 zeta, Live 0x0\n"
		    "short \nbadnum 12x 0 - Live 0x0\n") < 0 ||
	    fx_file("sys/module/zeta/initstate", "live\n") < 0 ||
	    fx_file("sys/module/zeta/refcnt", "0\n") < 0 ||
	    fx_file("sys/module/zeta/coresize", "999\n") < 0 ||
	    fx_file("sys/module/alpha/initstate", "going\n") < 0 ||
	    fx_file("sys/module/alpha/refcnt", "2\n") < 0 ||
	    fx_file("sys/module/alpha/holders/zeta", "") < 0 ||
	    fx_file("sys/module/short/initstate", "weird\n") < 0 ||
	    fx_file("sys/module/short/refcnt", "x\n") < 0 ||
	    fx_file("sys/module/badnum/refcnt", "") < 0 ||
	    fx_file("sys/module/badnum/coresize", "big\n") < 0 ||
	    fx_file("sys/module/coming/holders/.keep", "") < 0)
		return -1;
	return 0;
}

static int scenario_state(void)
{
	if (fx_modules("a") < 0)
		return -1;
	return scenario_state_files();
}

TEST(oracle_state)
{
	static const char *const ops[] = { "loaded",	      "state|zeta",
					   "state|alpha",     "state|short",
					   "state|badnum",    "state|coming",
					   "state|nothere",   "probe|alpha|0|",
					   "probe|coming|0|", NULL };

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_state, ops);
}

static int scenario_commands_and_state(void)
{
	if (scenario_commands() < 0 || scenario_state_files() < 0 || fx_builtin("bi") < 0)
		return -1;
	return fx_errors("finit_module s EPERM\nfinit_module c EKEYREJECTED\n");
}

static int scenario_missing_dep(void)
{
	char p[BUFSZ];
	struct fx_mod a = { .name = "a", .deps = "gone b", .no_depends = true };
	struct fx_mod c = { .name = "c", .deps = "gone", .no_depends = true };

	if (fx_modules("gone b") < 0 || fx_module(&a) < 0 || fx_module(&c) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/kernel/gone.ko", fx.moddir);
	return unlink(p) < 0 ? -1 : 0;
}

/* a dependency without its file never enters the plan; the target's own missing
 * file fails the insertion */
TEST(oracle_missing_dependency)
{
	static const char *const ops[] = { "probe|a|10|",    "probe|a|0|",
					   "probe|c|0|",     "probe|gone|0|",
					   "probe|gone|10|", NULL };

	test_need_feature("logging"); /* checks the library's messages */
	return oracle_compare(scenario_missing_dep, ops);
}

/* libkmod's default logger prints the emitting function's name: ours must name
 * the same functions on these paths */
TEST(oracle_default_logger_names)
{
	static const char *const ops[] = {
		"probe|a|0|",	"probe|c|0|",	 "insert|bi|0|",
		"insert|c|0|",	"remove|b|0",	 "state|short",
		"state|badnum", "state|nothere", NULL
	};

	test_need_feature("logging"); /* checks the library's messages */
	oracle_default_log = true;
	return oracle_compare(scenario_commands_and_state, ops);
}

static char *info_paths[8];

static int scenario_info(void)
{
	unsigned char sig[45], keyid[3] = { 1, 0xab, 0xff };
	struct modgen_raw_sig raw = { .algo = 1,
				      .hash = 4,
				      .id_type = 1,
				      .signer = "Some Signer",
				      .signer_len = 11,
				      .key_id = keyid,
				      .key_id_len = 3,
				      .sig = sig,
				      .sig_len = sizeof(sig) };
	struct modgen_module *m;
	char keydir[BUFSZ];

	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (unsigned char)(i * 13 + 1);
	m = modgen_new("inf");
	if (m == NULL)
		return -1;
	modgen_add_modinfo_raw(m, "\0", 1);
	modgen_add_modinfo(m, "license=GPL");
	modgen_add_modinfo(m, "alias=pci:v*d*");
	modgen_add_modinfo(m, "bare");
	modgen_add_modinfo(m, "parm=x:an int");
	modgen_add_version(m, 0x11223344, "module_layout");
	modgen_add_version(m, 0xabc, "printk");
	modgen_add_export(m, "inf_fn", 0x55);
	modgen_add_undef(m, "printk", false);
	modgen_add_undef(m, "maybe", true);
	free(info_paths[0]);
	free(info_paths[1]);
	free(info_paths[2]);
	if (asprintf(&info_paths[0], "%s/inf.ko", fx.root) < 0 ||
	    modgen_write(m, info_paths[0]) < 0)
		return -1;
	modgen_set_raw_signature(m, &raw);
	if (asprintf(&info_paths[1], "%s/inf-raw.ko", fx.root) < 0 ||
	    modgen_write(m, info_paths[1]) < 0)
		return -1;
	/* the key stays outside the root, which is wiped between runs */
	snprintf(keydir, sizeof(keydir), "%s.keys", fx.root);
	modgen_set_sign(m, keydir, NULL);
	if (asprintf(&info_paths[2], "%s/inf-pkcs7.ko", fx.root) < 0 ||
	    modgen_write(m, info_paths[2]) < 0)
		return -1;
	modgen_free(m);
	return 0;
}

TEST(oracle_info)
{
	char *ops[5];

	test_need_feature("openssl");
	/* the root (and so the paths) exists once fx_init() chose it */
	CHECK_INT_EQ(fx_init(), 0);
	fx_done();
	fx.ctx = NULL;
	CHECK(asprintf(&ops[0], "info|%s/inf.ko", fx.root) > 0);
	CHECK(asprintf(&ops[1], "info|%s/inf-raw.ko", fx.root) > 0);
	CHECK(asprintf(&ops[2], "info|%s/inf-pkcs7.ko", fx.root) > 0);
	CHECK(asprintf(&ops[3], "info|%s/nonexistent.ko", fx.root) > 0);
	ops[4] = NULL;
	{
		char *dout = NULL, *dcalls = NULL, *oout = NULL, *ocalls = NULL;

		CHECK_INT_EQ(oracle_once(scenario_info, (const char *const *)ops, false,
					 &dout, &dcalls),
			     0);
		CHECK_INT_EQ(oracle_once(scenario_info, (const char *const *)ops, true,
					 &oout, &ocalls),
			     0);
		if (getenv("MODKIT_TEST_VERBOSE"))
			fprintf(stderr, "%s\n", dout);
		CHECK_STR_EQ(oout, dout);
		CHECK(strstr(dout, "sig_id=PKCS#7") != NULL);
		CHECK(strstr(dout, "sig_id=X509") != NULL);
		free(dout);
		free(dcalls);
		free(oout);
		free(ocalls);
	}
	for (size_t i = 0; i < 4; i++)
		free(ops[i]);
	for (size_t i = 0; i < 3; i++)
		free(info_paths[i]);
	return 0;
}
#endif /* HAVE_KERNEL_ORACLE */

TEST(probe_null)
{
	CHECK_INT_EQ(kmod_module_probe_insert_module(NULL, 0, NULL, NULL, NULL, NULL),
		     -ENOENT);
	return 0;
}

TEST_MAIN()
