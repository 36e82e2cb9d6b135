// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tests for modkit-shim.so: each case runs shim-probe (one libc call per run) or a
 * real tool under the shim with a fixture root and checks what the program saw and
 * what the shim wrote. Modules come from libmodgen. Expected file contents are
 * written out literally from formats.md §6, never computed by the shim.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "modgen.h"
#include "testsuite.h"

#ifndef SHIM_EXPECT_ASAN
#define SHIM_EXPECT_ASAN 0
#endif

#define KVER "6.1.0-shimtest"

#ifdef SHIM_OVERRIDE
/* test-shim-san: the same cases with the sanitizer-built shim. */
__attribute__((constructor)) static void use_shim_override(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", test_build_root(), SHIM_OVERRIDE);
	setenv("MODKIT_SHIM", p, 1);
}
#endif

static char probe_lfs[PATH_MAX], probe_nolfs[PATH_MAX];

static const char *probe_path(bool lfs)
{
	char *p = lfs ? probe_lfs : probe_nolfs;

	snprintf(p, PATH_MAX, "%s/testsuite/shim/%s", test_build_root(),
		 lfs ? "shim-probe" : "shim-probe-nolfs");
	return p;
}

/* Runs probe (path) with NULL-terminated arguments under fx (NULL: no shim). */
static int run_probe(const struct fixture *fx, struct test_run *r, const char *probe, ...)
{
	const char *argv[16];
	va_list ap;
	int n = 0;

	argv[n++] = probe;
	va_start(ap, probe);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return test_run(r, argv, fx ? fixture_env(fx) : NULL);
}

/* Compares stdout (unless out is NULL) and the exit status of a probe run. */
static __attribute__((noinline)) int probe_matches(const struct test_run *r,
						   const char *out, int status)
{
	if (r->err_len)
		fprintf(stderr, "probe stderr: %s\n", r->err);
	if (out != NULL)
		CHECK_MEM_EQ(r->out, r->out_len, out, strlen(out));
	CHECK_INT_EQ(r->status, status);
	return 0;
}

/* Runs the probe and compares stdout and exit status, for both probe builds. */
#define CHECK_PROBE_BOTH(fx, out, status, ...)                                           \
	do {                                                                             \
		for (int lfs_ = 0; lfs_ < 2; lfs_++) {                                   \
			struct test_run r_;                                              \
			CHECK_INT_EQ(run_probe((fx), &r_, probe_path(lfs_), __VA_ARGS__, \
					       NULL),                                    \
				     0);                                                 \
			int bad_ = probe_matches(&r_, (out), (status));                  \
			test_run_release(&r_);                                           \
			if (bad_)                                                        \
				return 1;                                                \
		}                                                                        \
	} while (0)

#define CHECK_PROBE(fx, out, status, ...) \
	CHECK_PROBE_ON(fx, true, out, status, __VA_ARGS__)

/* Runs one probe build (lfs true: shim-probe, false: shim-probe-nolfs). */
#define CHECK_PROBE_ON(fx, lfs, out, status, ...)                                      \
	do {                                                                           \
		struct test_run r_;                                                    \
		CHECK_INT_EQ(run_probe((fx), &r_, probe_path(lfs), __VA_ARGS__, NULL), \
			     0);                                                       \
		int bad_ = probe_matches(&r_, (out), (status));                        \
		test_run_release(&r_);                                                 \
		if (bad_)                                                              \
			return 1;                                                      \
	} while (0)

#define CHECK_FILE(fx, rel, expected)                                         \
	do {                                                                  \
		char *c_ = NULL;                                              \
		int rr_ = fixture_read((fx), (rel), &c_);                     \
		CHECK_MSG(rr_ == 0, "reading %s: %s", (rel), strerror(-rr_)); \
		CHECK_STR_EQ(c_, (expected));                                 \
		free(c_);                                                     \
	} while (0)

#define CHECK_CALLS(fx, expected)                               \
	do {                                                    \
		char *l_ = NULL;                                \
		CHECK_INT_EQ(fixture_read_calls((fx), &l_), 0); \
		CHECK_STR_EQ(l_, (expected));                   \
		free(l_);                                       \
	} while (0)

/*
 * Writes <root>/mods/<file> with this_module name `name`, .modinfo name=<name> (unless
 * modinfo_name is false) and depends=<depends> (when not NULL); compressed according to
 * the extension. The path is not under a redirected prefix. Returns the malloc'd path.
 */
static char *make_module(const struct fixture *fx, const char *file, const char *name,
			 const char *depends, bool modinfo_name)
{
	struct modgen_module *m = modgen_new(name);
	char rel[PATH_MAX], entry[512];
	char *path;

	if (m == NULL)
		return NULL;
	snprintf(rel, sizeof(rel), "mods/%s", file);
	path = fixture_path(fx, rel);
	modgen_add_modinfo(m, "license=GPL");
	if (depends) {
		snprintf(entry, sizeof(entry), "depends=%s", depends);
		modgen_add_modinfo(m, entry);
	}
	if (modinfo_name) {
		snprintf(entry, sizeof(entry), "name=%s", name);
		modgen_add_modinfo(m, entry);
	}
	modgen_add_modinfo(m, "vermagic=" KVER " SMP preempt mod_unload modversions ");
	modgen_set_compression(m, modgen_compression_from_path(path));
	if (path == NULL || modgen_write(m, path) < 0) {
		free(path);
		path = NULL;
	}
	modgen_free(m);
	return path;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long long)st.st_size;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	static char bufs[8][4096];
	static int i;
	char *b = bufs[i++ % 8];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, 4096, f, ap);
	va_end(ap);
	return b;
}

/* ---- path redirection ------------------------------------------------------------- */

TEST(redirect_open_family)
{
	struct fixture fx;
	const char *p = "/lib/modules/" KVER "/modules.dep";

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, p, "kernel/a.ko:\n"), 0);
	CHECK_PROBE_BOTH(&fx, "kernel/a.ko:\n", 0, "open", p);
	CHECK_PROBE_BOTH(&fx, "kernel/a.ko:\n", 0, "openat", p);
	CHECK_PROBE_BOTH(&fx, "kernel/a.ko:\n", 0, "fopen", p);
	/* a directory fd obtained through the shim serves relative opens */
	CHECK_PROBE_BOTH(&fx, "kernel/a.ko:\n", 0, "openat-dir", "/lib/modules/" KVER,
			 "modules.dep");
	CHECK_PROBE_BOTH(&fx, "ERR ENOENT\n", 1, "open", "/lib/modules/" KVER "/nothere");
	fixture_release(&fx);
	return 0;
}

TEST(redirect_stat_family)
{
	struct fixture fx;
	const char *p = "/etc/modprobe.d/big.conf";
	char content[12346], *link;

	memset(content, '#', sizeof(content) - 1);
	content[sizeof(content) - 1] = '\0';
	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, p, content), 0);
	link = fixture_path(&fx, "etc/modprobe.d/link.conf");
	CHECK_INT_EQ(symlink("big.conf", link), 0);
	free(link);
	CHECK_PROBE_BOTH(&fx, "f 12345\n", 0, "stat", p);
	CHECK_PROBE_BOTH(&fx, "f 12345\n", 0, "stat", "/etc/modprobe.d/link.conf");
	CHECK_PROBE_BOTH(&fx, "l 8\n", 0, "lstat", "/etc/modprobe.d/link.conf");
	CHECK_PROBE_BOTH(&fx, "l 8\n", 0, "fstatat", "/etc/modprobe.d/link.conf");
	CHECK_PROBE_BOTH(&fx, "12345\n", 0, "statx", p);
	CHECK_PROBE_BOTH(&fx, "ok\n", 0, "access", p);
	CHECK_PROBE_BOTH(&fx, "ok\n", 0, "faccessat", p);
	CHECK_PROBE_BOTH(&fx, "ERR ENOENT\n", 1, "access", "/etc/modprobe.d/none.conf");
	CHECK_PROBE_BOTH(&fx, "big.conf\n", 0, "readlink", "/etc/modprobe.d/link.conf");
	fixture_release(&fx);
	return 0;
}

TEST(redirect_directories)
{
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "run/modprobe.d/b.conf", ""), 0);
	CHECK_INT_EQ(fixture_write(&fx, "run/modprobe.d/a.conf", ""), 0);
	CHECK_INT_EQ(fixture_write(&fx, "run/modprobe.d/sub/c.conf", ""), 0);
	CHECK_PROBE_BOTH(&fx, "a.conf\nb.conf\nsub\n", 0, "opendir", "/run/modprobe.d");
	CHECK_PROBE_BOTH(&fx, "a.conf\nb.conf\nsub\n", 0, "scandir", "/run/modprobe.d");
	CHECK_PROBE_BOTH(&fx, "ERR ENOENT\n", 1, "opendir", "/run/depmod.d");
	fixture_release(&fx);
	return 0;
}

TEST(redirect_every_prefix)
{
	static const char *const paths[] = {
		"/lib/modules/x/f",
		"/lib/modprobe.d/f.conf",
		"/lib/depmod.d/f.conf",
		"/usr/lib/modprobe.d/f.conf",
		"/usr/lib/depmod.d/f.conf",
		"/usr/local/lib/modprobe.d/f.conf",
		"/usr/local/lib/depmod.d/f.conf",
		"/etc/modprobe.d/f.conf",
		"/etc/depmod.d/f.conf",
		"/run/modprobe.d/f.conf",
		"/run/depmod.d/f.conf",
		"/proc/modules",
		"/proc/cmdline",
		"/sys/module/f/refcnt",
	};
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *content = fmt("from fixture %zu\n", i);

		CHECK_INT_EQ(fixture_write(&fx, paths[i], content), 0);
		CHECK_PROBE(&fx, content, 0, "open", paths[i]);
	}
	fixture_release(&fx);
	return 0;
}

TEST(redirect_leaves_other_paths)
{
	struct fixture fx;
	struct test_run r;
	char *real = NULL;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	/* no prefix match without a path-component boundary */
	CHECK_INT_EQ(fixture_write(&fx, "lib/modulesX/f", "x"), 0);
	CHECK_INT_EQ(fixture_write(&fx, "etc/modprobe.conf", "x"), 0);
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "open", "/lib/modulesX/f");
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "open", "/etc/modprobe.conf");
	/* relative paths and the rest of /proc and /etc are the machine's */
	CHECK_INT_EQ(fixture_write(&fx, "etc/hostname", "fixture\n"), 0);
	CHECK_INT_EQ(test_read_file("/etc/hostname", &real, NULL), 0);
	CHECK_PROBE(&fx, real, 0, "open", "/etc/hostname");
	free(real);
	CHECK_INT_EQ(run_probe(&fx, &r, probe_path(true), "open", "/proc/self/status",
			       NULL),
		     0);
	CHECK_INT_EQ(r.status, 0);
	CHECK(strncmp(r.out, "Name:\tshim-probe\n", 17) == 0);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(redirect_normalises_slashes_and_dots)
{
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "lib/modules/" KVER "/modules.alias",
				   "alias x y\n"),
		     0);
	CHECK_PROBE(&fx, "alias x y\n", 0, "open",
		    "//lib//modules/./" KVER "/modules.alias");
	CHECK_PROBE(&fx, "alias x y\n", 0, "open",
		    "/./lib/modules/" KVER "//./modules.alias");
	fixture_release(&fx);
	return 0;
}

TEST(redirect_writes_stay_in_fixture)
{
	struct fixture fx;
	struct test_run r;
	const char *d = "/lib/modules/" KVER;
	char *tmp;

	CHECK_MSG(access("/lib/modules/" KVER, F_OK) < 0,
		  "the machine has /lib/modules/" KVER);
	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_PROBE_BOTH(&fx, "ERR ENOENT\n", 1, "mkdir", "/lib/modules");
	CHECK_INT_EQ(fixture_write(&fx, "lib/.keep", ""), 0);
	CHECK_PROBE(&fx, "ok\n", 0, "mkdir", "/lib/modules");
	CHECK_PROBE(&fx, "ok\n", 0, "mkdir", d);
	CHECK_PROBE(&fx, "ok\n", 0, "create", fmt("%s/modules.dep.tmp", d), "new\n");
	CHECK_PROBE(&fx, "ok\n", 0, "rename", fmt("%s/modules.dep.tmp", d),
		    fmt("%s/modules.dep", d));
	CHECK_FILE(&fx, "lib/modules/" KVER "/modules.dep", "new\n");
	CHECK(!fixture_exists(&fx, "lib/modules/" KVER "/modules.dep.tmp"));
	CHECK_PROBE(&fx, "ok\n", 0, "create", fmt("%s/b.tmp", d), "b\n");
	CHECK_PROBE(&fx, "ok\n", 0, "renameat", fmt("%s/b.tmp", d), fmt("%s/b", d));
	CHECK_FILE(&fx, "lib/modules/" KVER "/b", "b\n");
	CHECK_PROBE(&fx, "ok\n", 0, "unlink", fmt("%s/b", d));
	CHECK(!fixture_exists(&fx, "lib/modules/" KVER "/b"));
	CHECK_PROBE(&fx, "ok\n", 0, "symlink", "modules.dep", fmt("%s/l", d));
	CHECK_PROBE(&fx, "new\n", 0, "open", fmt("%s/l", d));
	CHECK_PROBE(&fx, "ok\n", 0, "mkdir", fmt("%s/sub", d));
	CHECK_PROBE(&fx, "ok\n", 0, "rmdir", fmt("%s/sub", d));
	CHECK(!fixture_exists(&fx, "lib/modules/" KVER "/sub"));
	/* mkstemp: the caller's template gets the generated name, the file is in the
	 * fixture */
	CHECK_INT_EQ(run_probe(&fx, &r, probe_path(true), "mkstemp",
			       fmt("%s/tmp.XXXXXX", d), NULL),
		     0);
	CHECK_INT_EQ(r.status, 0);
	CHECK(strncmp(r.out, d, strlen(d)) == 0);
	CHECK(strstr(r.out, "XXXXXX") == NULL);
	r.out[strcspn(r.out, "\n")] = '\0';
	tmp = fixture_path(&fx, r.out);
	CHECK(access(tmp, F_OK) == 0);
	free(tmp);
	test_run_release(&r);
	CHECK_MSG(access("/lib/modules/" KVER, F_OK) < 0,
		  "the shim wrote to the machine");
	fixture_release(&fx);
	return 0;
}

TEST(redirect_more_entry_points)
{
	struct fixture fx;
	struct test_run r;
	const char *d = "/etc/depmod.d";
	char *real;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "etc/depmod.d/a.conf", "search updates\n"), 0);
	CHECK_PROBE_BOTH(&fx, "ok\n", 0, "creat", fmt("%s/c.conf", d), "cc\n");
	CHECK_FILE(&fx, "etc/depmod.d/c.conf", "cc\n");
	CHECK_PROBE_BOTH(&fx, "ok\n", 0, "truncate", fmt("%s/c.conf", d), "1");
	CHECK_FILE(&fx, "etc/depmod.d/c.conf", "c");
	CHECK_PROBE(&fx, "ok\n", 0, "link", fmt("%s/a.conf", d), fmt("%s/hard.conf", d));
	CHECK_FILE(&fx, "etc/depmod.d/hard.conf", "search updates\n");
	CHECK_PROBE(&fx, "ok\n", 0, "linkat", fmt("%s/a.conf", d),
		    fmt("%s/hard2.conf", d));
	CHECK_FILE(&fx, "etc/depmod.d/hard2.conf", "search updates\n");
	CHECK_PROBE(&fx, "ok\n", 0, "chmod", fmt("%s/c.conf", d), "0");
	CHECK_PROBE(&fx, "ok\n", 0, "euidaccess", fmt("%s/a.conf", d));
	CHECK_PROBE(&fx, "1000000000\n", 0, "utimensat", fmt("%s/a.conf", d));
	CHECK_PROBE(&fx, "ok\n", 0, "remove", fmt("%s/hard2.conf", d));
	CHECK(!fixture_exists(&fx, "etc/depmod.d/hard2.conf"));
	CHECK_PROBE(&fx, "ok\n", 0, "mkdirat", fmt("%s/sub", d));
	CHECK_PROBE(&fx, "a.conf\nc.conf\nhard.conf\nsub\n", 0, "scandirat", d);
	CHECK_PROBE(&fx, "ok\n", 0, "unlinkat", fmt("%s/sub", d), "dir");
	CHECK(!fixture_exists(&fx, "etc/depmod.d/sub"));
	CHECK_PROBE(&fx, "ok\n", 0, "symlink", "a.conf", fmt("%s/l.conf", d));
	CHECK_PROBE(&fx, "a.conf\n", 0, "readlinkat", fmt("%s/l.conf", d));
	CHECK_PROBE(&fx, "search updates\n", 0, "freopen", fmt("%s/l.conf", d));
	CHECK_PROBE(&fx, "/etc/depmod.d/a.conf\n", 0, "canonicalize",
		    fmt("%s/l.conf", d));
	CHECK_PROBE(&fx, "search updates\n", 0, "chdir", d, "a.conf");
	CHECK_PROBE(&fx, "f 15\nf 15\nf 15\n", 0, "xstat", fmt("%s/a.conf", d));
	CHECK_INT_EQ(run_probe(&fx, &r, probe_path(true), "mkostemps",
			       fmt("%s/tXXXXXX.conf", d), "5", NULL),
		     0);
	CHECK_INT_EQ(r.status, 0);
	CHECK(strncmp(r.out, "/etc/depmod.d/t", 15) == 0);
	CHECK(strstr(r.out, "XXXXXX") == NULL);
	CHECK(strcmp(r.out + strlen(r.out) - 6, ".conf\n") == 0);
	r.out[strcspn(r.out, "\n")] = '\0';
	CHECK(fixture_exists(&fx, r.out));
	test_run_release(&r);
	/* and the machine's /etc/depmod.d is untouched */
	CHECK(access("/etc/depmod.d/c.conf", F_OK) < 0);
	/* paths outside the prefixes go to the machine, through the old entry points too */
	CHECK_INT_EQ(fixture_write(&fx, "etc/hostname",
				   "fixture hostname, longer than yours\n"),
		     0);
	real = fmt("f %lld\nf %lld\nf %lld\n", file_size("/etc/hostname"),
		   file_size("/etc/hostname"), file_size("/etc/hostname"));
	CHECK_PROBE(&fx, real, 0, "xstat", "/etc/hostname");
	fixture_release(&fx);
	return 0;
}

TEST(realpath_maps_back)
{
	struct fixture fx;
	char *shared;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "lib/modules/" KVER "/kernel/a.ko", "x"), 0);
	CHECK_PROBE_BOTH(&fx, "/lib/modules/" KVER "/kernel/a.ko\n", 0, "realpath",
			 "/lib/modules/" KVER "/kernel/../kernel/./a.ko");
	/* a module directory that is a symlink to a tree elsewhere (the Debian tree) */
	shared = fixture_path(&fx, "shared-tree");
	CHECK_INT_EQ(fixture_write(&fx, "shared-tree/kernel/b.ko", "x"), 0);
	CHECK_INT_EQ(fixture_link_modules(&fx, "9.9", shared), 0);
	CHECK_PROBE(&fx, "/lib/modules/9.9/kernel/b.ko\n", 0, "realpath",
		    "/lib/modules/9.9/kernel/b.ko");
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "realpath", "/lib/modules/9.9/nothere");
	free(shared);
	fixture_release(&fx);
	return 0;
}

TEST(uname_release)
{
	struct fixture fx, plain;
	struct test_run r;
	char sys[256], rel[256], mach[256], line[1024];

	CHECK_INT_EQ(fixture_init(&plain, NULL, NULL), 0);
	CHECK_INT_EQ(run_probe(&plain, &r, probe_path(true), "uname", NULL), 0);
	CHECK_INT_EQ(r.status, 0);
	CHECK_INT_EQ(sscanf(r.out, "%255s %255s %255s", sys, rel, mach), 3);
	test_run_release(&r);
	CHECK(strcmp(rel, "7.7.7-fake") != 0);

	CHECK_INT_EQ(fixture_init(&fx, NULL, "7.7.7-fake"), 0);
	snprintf(line, sizeof(line), "%s 7.7.7-fake %s\n", sys, mach);
	CHECK_PROBE_BOTH(&fx, line, 0, "uname");
	fixture_release(&fx);
	fixture_release(&plain);
	return 0;
}

TEST(cmdline_isolated)
{
	struct fixture fx;
	struct test_run r;
	char *real = NULL;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	/* no proc/cmdline in the fixture: empty, never the machine's */
	CHECK_PROBE_BOTH(&fx, "", 0, "open", "/proc/cmdline");
	CHECK_PROBE(&fx, "", 0, "fopen", "/proc/cmdline");
	CHECK(!fixture_exists(&fx, "proc/cmdline"));
	CHECK_INT_EQ(fixture_set_cmdline(&fx, "quiet foo.bar=1\n"), 0);
	CHECK_PROBE_BOTH(&fx, "quiet foo.bar=1\n", 0, "open", "/proc/cmdline");
	/* without MODKIT_ROOT the shim is inert */
	CHECK_INT_EQ(test_read_file("/proc/cmdline", &real, NULL), 0);
	CHECK_INT_EQ(run_probe(NULL, &r, probe_path(true), "open", "/proc/cmdline", NULL),
		     0);
	CHECK(probe_matches(&r, real, 0) == 0);
	test_run_release(&r);
	free(real);
	fixture_release(&fx);
	return 0;
}

/* ---- module syscalls -------------------------------------------------------------- */

TEST(finit_loads_and_records)
{
	struct fixture fx;
	char *ko;
	long long size;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	ko = make_module(&fx, "snd-dummy.ko", "snd_dummy", NULL, true);
	CHECK(ko != NULL);
	size = file_size(ko);
	CHECK_PROBE_ON(&fx, true, "ok\n", 0, "finit", ko, "index=1 id=\"a b\"", "3");
	CHECK_PROBE_ON(&fx, false, "ERR EEXIST\n", 1, "finit", ko, "index=1 id=\"a b\"",
		       "3");
	CHECK_CALLS(&fx, "finit_module name=snd_dummy flags=3 args=index=1 id=\"a b\"\n"
			 "finit_module name=snd_dummy flags=3 args=index=1 id=\"a b\"\n");
	CHECK_FILE(&fx, "proc/modules",
		   fmt("snd_dummy %lld 0 - Live 0x0000000000000000\n", size));
	CHECK_FILE(&fx, "sys/module/snd_dummy/initstate", "live\n");
	CHECK_FILE(&fx, "sys/module/snd_dummy/refcnt", "0\n");
	CHECK_FILE(&fx, "sys/module/snd_dummy/coresize", fmt("%lld\n", size));
	CHECK_FILE(&fx, "sys/module/snd_dummy/sections/.text", "0x0000000000000000\n");
	CHECK(fixture_exists(&fx, "sys/module/snd_dummy/holders"));
	free(ko);
	fixture_release(&fx);
	return 0;
}

TEST(finit_eexist_and_bad_input)
{
	struct fixture fx;
	char *ko, *bad;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	ko = make_module(&fx, "foo.ko", "foo", NULL, true);
	CHECK(ko != NULL);
	CHECK_PROBE(&fx, "ERR EINVAL\n", 1, "finit", ko, "", "8");
	CHECK_PROBE(&fx, "ERR EINVAL\n", 1, "finit", ko, "", "0x10003");
	CHECK(!fixture_exists(&fx, "sys/module/foo"));
	CHECK_PROBE(&fx, "ERR EBADF\n", 1, "finit", "-", "", "0");
	CHECK_PROBE(&fx, "ok\n", 0, "finit", ko, "", "0");
	CHECK_PROBE(&fx, "ERR EEXIST\n", 1, "finit", ko, "", "0");
	/* a module loaded only through the fixture's files counts too */
	CHECK_INT_EQ(fixture_set_loaded(&fx, "bar", 100, 0, NULL), 0);
	free(ko);
	ko = make_module(&fx, "bar.ko", "bar", NULL, true);
	CHECK_PROBE(&fx, "ERR EEXIST\n", 1, "finit", ko, "", "0");
	/* not an ELF file */
	bad = fixture_path(&fx, "mods/junk.ko");
	CHECK_INT_EQ(test_write_str(bad, "this is not a module at all, sorry\n"), 0);
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "finit", bad, "", "0");
	CHECK(!fixture_exists(&fx, "sys/module/junk"));
	CHECK_CALLS(&fx, "finit_module name=foo flags=8 args=\n"
			 "finit_module name=foo flags=65539 args=\n"
			 "finit_module name=? flags=0 args=\n"
			 "finit_module name=foo flags=0 args=\n"
			 "finit_module name=foo flags=0 args=\n"
			 "finit_module name=bar flags=0 args=\n"
			 "finit_module name=junk flags=0 args=\n");
	free(bad);
	free(ko);
	fixture_release(&fx);
	return 0;
}

TEST(finit_compressed)
{
	struct fixture fx;
	char *xz, *zst, *dep;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	dep = make_module(&fx, "base.ko", "base", NULL, true);
	xz = make_module(&fx, "comp-xz.ko.xz", "comp_xz", "base", true);
	zst = make_module(&fx, "comp.ko.zst", "comp", NULL, true);
	CHECK(xz != NULL && zst != NULL && dep != NULL);
	CHECK_PROBE(&fx, "ok\n", 0, "finit", dep, "", "0");
	/* the kernel has no in-kernel decompression */
	CHECK_PROBE(&fx, "ERR EOPNOTSUPP\n", 1, "finit", xz, "", "4");
	/* a compressed file without flag 4 is not an ELF image */
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "finit", xz, "", "0");
	CHECK_INT_EQ(fixture_set_kernel_compression(&fx, "xz"), 0);
	/* the kernel supports one format only */
	CHECK_PROBE(&fx, "ERR EINVAL\n", 1, "finit", zst, "", "4");
	CHECK_PROBE(&fx, "ERR EINVAL\n", 1, "finit", dep, "", "4");
	CHECK(!fixture_exists(&fx, "sys/module/comp"));
	/* the decompressed image is what the kernel sees: its depends= is honoured */
	CHECK_PROBE(&fx, "ok\n", 0, "finit", xz, "", "4");
	CHECK(fixture_exists(&fx, "sys/module/base/holders/comp_xz"));
	CHECK_FILE(&fx, "sys/module/base/refcnt", "1\n");
	free(xz);
	free(zst);
	free(dep);
	fixture_release(&fx);
	return 0;
}

TEST(init_module_records_and_saves_image)
{
	struct fixture fx;
	char *ko, *orig = NULL;
	void *img = NULL;
	size_t olen, ilen;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	/* file name and module name differ: init_module only sees the image */
	ko = make_module(&fx, "some-file.ko", "real_name", NULL, true);
	CHECK(ko != NULL);
	CHECK_PROBE_ON(&fx, true, "ok\n", 0, "init", ko, "p=1\nq=\\");
	CHECK_PROBE_ON(&fx, false, "ERR EEXIST\n", 1, "init", ko, "p=1\nq=\\");
	CHECK_INT_EQ(test_read_file(ko, &orig, &olen), 0);
	CHECK_INT_EQ(fixture_read_image(&fx, "real_name", &img, &ilen), 0);
	CHECK_MEM_EQ(img, ilen, orig, olen);
	CHECK_CALLS(&fx, fmt("init_module name=real_name len=%zu args=p=1\\nq=\\\\\n"
			     "init_module name=real_name len=%zu args=p=1\\nq=\\\\\n",
			     olen, olen));
	CHECK_FILE(&fx, "proc/modules",
		   fmt("real_name %zu 0 - Live 0x0000000000000000\n", olen));
	CHECK_FILE(&fx, "sys/module/real_name/coresize", fmt("%zu\n", olen));
	free(img);
	free(orig);
	free(ko);
	fixture_release(&fx);
	return 0;
}

TEST(init_module_name_fallback_and_errors)
{
	struct fixture fx;
	char *ko, *junk;
	void *img = NULL;
	size_t ilen;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	/* no name= in .modinfo: the name comes from .gnu.linkonce.this_module */
	ko = make_module(&fx, "x.ko", "this_mod_name", NULL, false);
	CHECK(ko != NULL);
	CHECK_PROBE(&fx, "ok\n", 0, "init", ko, "");
	CHECK_FILE(&fx, "sys/module/this_mod_name/initstate", "live\n");
	CHECK_INT_EQ(fixture_read_image(&fx, "this_mod_name", &img, &ilen), 0);
	free(img);
	CHECK_PROBE(&fx, "ERR EEXIST\n", 1, "init", ko, "");
	junk = fixture_path(&fx, "mods/junk.ko");
	CHECK_INT_EQ(test_write_str(junk, "\x7f"
					  "ELF but nothing else of a module here......"
					  "............"),
		     0);
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "init", junk, "");
	CHECK_CALLS(&fx, fmt("init_module name=this_mod_name len=%lld args=\n"
			     "init_module name=this_mod_name len=%lld args=\n"
			     "init_module name=? len=%lld args=\n",
			     file_size(ko), file_size(ko), file_size(junk)));
	free(junk);
	free(ko);
	fixture_release(&fx);
	return 0;
}

/* Hostile images must give errors, never crash the program (test-shim-san: nor read
 * out of bounds). */
TEST(init_module_hostile_images)
{
	struct fixture fx;
	char *ko;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	ko = make_module(&fx, "victim.ko", "victim", "a,b,c", true);
	CHECK(ko != NULL);
	CHECK_PROBE(&fx, "done 400\n", 0, "init-mutate", ko, "400");
	free(ko);
	fixture_release(&fx);
	return 0;
}

TEST(vermagic_opt_in)
{
	struct fixture fx;
	char *ko, *forced;
	void *img = NULL;
	size_t len;
	char *vm;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	ko = make_module(&fx, "vm.ko", "vm", NULL, true);
	CHECK(ko != NULL);
	/* no .shim/vermagic: anything goes */
	CHECK_PROBE(&fx, "ok\n", 0, "finit", ko, "", "0");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "vm", "2048");
	CHECK_INT_EQ(fixture_set_vermagic(&fx, "6.1.0-other SMP mod_unload\n"), 0);
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "finit", ko, "", "0");
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "finit", ko, "", "1");
	CHECK_PROBE(&fx, "ERR ENOEXEC\n", 1, "init", ko, "");
	CHECK_PROBE(&fx, "ok\n", 0, "finit", ko, "", "2");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "vm", "2048");
	/* the image as --force-vermagic edits it: vermagic string blanked with NULs */
	CHECK_INT_EQ(test_read_file(ko, (char **)&img, &len), 0);
	vm = memmem(img, len, "vermagic=", 9);
	CHECK(vm != NULL);
	memset(vm, 0, strlen(vm));
	forced = fixture_path(&fx, "mods/vm-forced.ko");
	CHECK_INT_EQ(test_write_file(forced, img, len), 0);
	CHECK_PROBE(&fx, "ok\n", 0, "init", forced, "");
	/* the matching vermagic is accepted */
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "vm", "2048");
	CHECK_INT_EQ(fixture_write(&fx, ".shim/vermagic",
				   KVER " SMP preempt mod_unload modversions \n"),
		     0);
	CHECK_PROBE(&fx, "ok\n", 0, "init", ko, "");
	free(img);
	free(forced);
	free(ko);
	fixture_release(&fx);
	return 0;
}

TEST(glibc_wrappers)
{
	struct fixture fx;
	char *ko, *ko2;
	struct test_run r;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	ko = make_module(&fx, "w.ko", "w", NULL, true);
	ko2 = make_module(&fx, "w2.ko", "w2", NULL, true);
	CHECK(ko != NULL && ko2 != NULL);
	CHECK_PROBE(&fx, "ok\n", 0, "init-wrapper", ko, "a=b");
	CHECK_PROBE(&fx, "ERR EEXIST\n", 1, "init-wrapper", ko, "");
	CHECK_PROBE(&fx, "ok\n", 0, "delete-wrapper", "w", "2048");
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "delete-wrapper", "w", "2048");
	/* glibc has no finit_module(); the shim's own definition is found by dlsym */
	CHECK_INT_EQ(run_probe(&fx, &r, probe_path(true), "finit-wrapper", ko2, "", "0",
			       NULL),
		     0);
	CHECK(probe_matches(&r, "ok\n", 0) == 0);
	test_run_release(&r);
	CHECK_FILE(&fx, "sys/module/w2/initstate", "live\n");
	CHECK(!fixture_exists(&fx, "sys/module/w"));
	free(ko);
	free(ko2);
	fixture_release(&fx);
	return 0;
}

TEST(errors_file)
{
	struct fixture fx;
	char *foo, *bar;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	foo = make_module(&fx, "foo.ko", "foo", NULL, true);
	bar = make_module(&fx, "bar.ko", "bar", NULL, true);
	CHECK(foo != NULL && bar != NULL);
	CHECK_INT_EQ(fixture_write(&fx, ".shim/errors",
				   "# comment line\n"
				   "\n"
				   "finit_module * ENOSYS\n"
				   "init_module foo EEXIST # trailing comment\n"
				   "init_module b?? 1\n"
				   "* bar EKEYREJECTED\n"
				   "delete_module * EWOULDBLOCK\n"),
		     0);
	CHECK_PROBE_BOTH(&fx, "ERR ENOSYS\n", 1, "finit", foo, "", "0");
	CHECK_PROBE(&fx, "ERR EEXIST\n", 1, "init", foo, "");
	CHECK_PROBE(&fx, "ERR EPERM\n", 1, "init", bar, "");
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "foo", "0");
	/* forced errors change nothing */
	CHECK(!fixture_exists(&fx, "sys/module/foo"));
	CHECK(!fixture_exists(&fx, "proc/modules"));
	CHECK_INT_EQ(fixture_clear_errors(&fx), 0);
	CHECK_INT_EQ(fixture_add_error(&fx, "finit_module", "bar", "EKEYREJECTED"), 0);
	CHECK_PROBE(&fx, "ok\n", 0, "finit", foo, "", "0");
	CHECK_PROBE(&fx, "ERR EKEYREJECTED\n", 1, "finit", bar, "", "0");
	CHECK_PROBE(&fx, "ok\n", 0, "init", bar, "");
	free(foo);
	free(bar);
	fixture_release(&fx);
	return 0;
}

TEST(errors_file_count)
{
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_set_loaded(&fx, "foo", 10, 0, NULL), 0);
	CHECK_INT_EQ(fixture_add_error_count(&fx, "delete_module", "foo", "EAGAIN", 2),
		     0);
	CHECK_INT_EQ(fixture_add_error(&fx, "init_module", "*", "ENOEXEC"), 0);
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "foo", "2048");
	CHECK_FILE(&fx, ".shim/errors",
		   "delete_module foo EAGAIN 1\ninit_module * ENOEXEC\n");
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "foo", "2048");
	CHECK_FILE(&fx, ".shim/errors",
		   "#spent delete_module foo EAGAIN 1\ninit_module * ENOEXEC\n");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "foo", "2048");
	CHECK(!fixture_exists(&fx, "sys/module/foo"));
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "delete", "foo", "2048");
	/* zero or garbage counts never match */
	CHECK_INT_EQ(fixture_write(&fx, ".shim/errors", "* * EPERM 0\n* * EPERM x\n"), 0);
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "delete", "foo", "2048");
	fixture_release(&fx);
	return 0;
}

TEST(holders_and_refcnt)
{
	struct fixture fx;
	char *a, *b, *c, *a_size;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	a = make_module(&fx, "a.ko", "a", NULL, true);
	b = make_module(&fx, "b.ko", "b", "a", true);
	c = make_module(&fx, "c.ko", "c", "a,b", true);
	CHECK(a != NULL && b != NULL && c != NULL);
	/* dependency not loaded: the kernel's "Unknown symbol" */
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "finit", b, "", "0");
	CHECK(!fixture_exists(&fx, "sys/module/b"));
	CHECK_PROBE(&fx, "ok\n", 0, "finit", a, "", "0");
	CHECK_PROBE(&fx, "ok\n", 0, "finit", b, "", "0");
	CHECK_PROBE(&fx, "ok\n", 0, "init", c, "");
	a_size = fmt("%lld", file_size(a));
	CHECK_FILE(&fx, "proc/modules",
		   fmt("a %s 2 c,b, Live 0x0000000000000000\n"
		       "b %lld 1 c, Live 0x0000000000000000\n"
		       "c %lld 0 - Live 0x0000000000000000\n",
		       a_size, file_size(b), file_size(c)));
	CHECK_FILE(&fx, "sys/module/a/refcnt", "2\n");
	CHECK_FILE(&fx, "sys/module/b/refcnt", "1\n");
	CHECK_PROBE(&fx, "../../b\n", 0, "readlink", "/sys/module/a/holders/b");
	CHECK_PROBE(&fx, "b\nc\n", 0, "opendir", "/sys/module/a/holders");
	/* holders block removal even when forced (O_TRUNC = 512) */
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "a", "2048");
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "a", "2560");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "c", "2048");
	CHECK_FILE(&fx, "proc/modules",
		   fmt("a %s 1 b, Live 0x0000000000000000\n"
		       "b %lld 0 - Live 0x0000000000000000\n",
		       a_size, file_size(b)));
	CHECK_FILE(&fx, "sys/module/a/refcnt", "1\n");
	CHECK_PROBE(&fx, "b\n", 0, "opendir", "/sys/module/a/holders");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "b", "2048");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "a", "2048");
	CHECK_FILE(&fx, "proc/modules", "");
	CHECK(!fixture_exists(&fx, "sys/module/a"));
	free(a);
	free(b);
	free(c);
	fixture_release(&fx);
	return 0;
}

/* State written by the test in only one of /proc/modules and /sys/module. */
TEST(holders_with_partial_prepopulation)
{
	static const char *const holders[] = { "user", NULL };
	struct fixture fx;
	char *ko;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "proc/modules",
				   "procdep 500 2 x,y, Live 0x0000000000000000\n"),
		     0);
	ko = make_module(&fx, "top.ko", "top", "procdep", true);
	CHECK(ko != NULL);
	CHECK_PROBE(&fx, "ok\n", 0, "finit", ko, "", "0");
	CHECK(!fixture_exists(&fx, "sys/module/procdep"));
	CHECK_FILE(&fx, "proc/modules",
		   fmt("procdep 500 3 top,x,y, Live 0x0000000000000000\n"
		       "top %lld 0 - Live 0x0000000000000000\n",
		       file_size(ko)));
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "top", "2048");
	CHECK_FILE(&fx, "proc/modules", "procdep 500 2 x,y, Live 0x0000000000000000\n");
	free(ko);
	fixture_release(&fx);

	/* a holder relation made with fixture_set_loaded() is undone on removal */
	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_set_loaded(&fx, "base", 300, 1, holders), 0);
	CHECK_INT_EQ(fixture_set_loaded(&fx, "user", 200, 0, NULL), 0);
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "base", "2048");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "user", "2048");
	CHECK_FILE(&fx, "proc/modules", "base 300 0 - Live 0x0000000000000000\n");
	CHECK_FILE(&fx, "sys/module/base/refcnt", "0\n");
	CHECK_PROBE(&fx, "", 0, "opendir", "/sys/module/base/holders");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "base", "2048");
	CHECK_FILE(&fx, "proc/modules", "");
	fixture_release(&fx);

	/* a module present only in /sys/module: no /proc/modules appears */
	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "sys/module/sysonly/initstate", "live\n"), 0);
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "sysonly", "2048");
	CHECK(!fixture_exists(&fx, "sys/module/sysonly"));
	CHECK(!fixture_exists(&fx, "proc/modules"));
	fixture_release(&fx);
	return 0;
}

TEST(delete_module_emulation)
{
	static const char *const holders[] = { "user1", NULL };
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "delete", "nothere", "2048");
	CHECK_PROBE(&fx, "ERR ENOENT\n", 1, "delete", "../../etc", "2048");
	/* refcnt > 0: EAGAIN unless forced with O_TRUNC */
	CHECK_INT_EQ(fixture_set_loaded(&fx, "busy", 4096, 3, NULL), 0);
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "busy", "2048");
	CHECK_FILE(&fx, "sys/module/busy/refcnt", "3\n");
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "busy", "2560");
	CHECK(!fixture_exists(&fx, "sys/module/busy"));
	/* pre-populated holders */
	CHECK_INT_EQ(fixture_set_loaded(&fx, "held", 4096, 1, holders), 0);
	CHECK_FILE(&fx, "proc/modules", "held 4096 1 user1, Live 0x0000000000000000\n");
	CHECK_PROBE(&fx, "ERR EAGAIN\n", 1, "delete", "held", "2560");
	/* not live */
	CHECK_INT_EQ(fixture_set_loaded(&fx, "going", 4096, 0, NULL), 0);
	CHECK_INT_EQ(fixture_write(&fx, "sys/module/going/initstate", "going\n"), 0);
	CHECK_PROBE(&fx, "ERR EBUSY\n", 1, "delete", "going", "2048");
	/* listed in /proc/modules only */
	CHECK_INT_EQ(fixture_set_unloaded(&fx, "going"), 0);
	CHECK_INT_EQ(fixture_write(&fx, "proc/modules",
				   "held 4096 1 user1, Live 0x0000000000000000\n"
				   "proconly 100 0 - Live 0x0000000000000000\n"),
		     0);
	CHECK_PROBE(&fx, "ok\n", 0, "delete", "proconly", "2048");
	CHECK_FILE(&fx, "proc/modules", "held 4096 1 user1, Live 0x0000000000000000\n");
	CHECK_CALLS(&fx, "delete_module name=nothere flags=2048\n"
			 "delete_module name=../../etc flags=2048\n"
			 "delete_module name=busy flags=2048\n"
			 "delete_module name=busy flags=2560\n"
			 "delete_module name=held flags=2560\n"
			 "delete_module name=going flags=2048\n"
			 "delete_module name=proconly flags=2048\n");
	fixture_release(&fx);
	return 0;
}

TEST(other_syscalls_pass_through)
{
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_PROBE_BOTH(&fx, "same\n", 0, "getpid");
	CHECK(!fixture_exists(&fx, ".shim/calls.log"));
	fixture_release(&fx);
	return 0;
}

TEST(concurrent_threads)
{
	struct fixture fx;
	struct test_run r;
	const char *argv[20];
	char *paths[16], *log = NULL, *pm = NULL;
	int n = 0, lines = 0;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	argv[n++] = probe_path(true);
	argv[n++] = "finit-threads";
	for (int i = 0; i < 16; i++) {
		char file[32], name[32];

		snprintf(file, sizeof(file), "m%02d.ko", i);
		snprintf(name, sizeof(name), "m%02d", i);
		paths[i] = make_module(&fx, file, name, i ? "m00" : NULL, true);
		CHECK(paths[i] != NULL);
		if (i > 0)
			argv[n++] = paths[i];
	}
	argv[n] = NULL;
	CHECK_PROBE(&fx, "ok\n", 0, "finit", paths[0], "", "0");
	CHECK_INT_EQ(test_run(&r, argv, fixture_env(&fx)), 0);
	CHECK(probe_matches(&r, "0 failed\n", 0) == 0);
	test_run_release(&r);
	CHECK_INT_EQ(fixture_read_calls(&fx, &log), 0);
	for (char *s = log; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	CHECK_INT_EQ(lines, 16);
	free(log);
	CHECK_INT_EQ(fixture_read(&fx, "proc/modules", &pm), 0);
	lines = 0;
	for (char *s = pm; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	CHECK_INT_EQ(lines, 16);
	/* every holder registered exactly once */
	CHECK(strncmp(pm, "m00 ", 4) == 0);
	CHECK(strstr(pm, " 15 ") != NULL);
	free(pm);
	CHECK_FILE(&fx, "sys/module/m00/refcnt", "15\n");
	for (int i = 0; i < 16; i++)
		free(paths[i]);
	fixture_release(&fx);
	return 0;
}

/* Debian's kmod 30 (an independent implementation) sees a consistent kernel. */
TEST(debian_kmod_under_shim)
{
	struct fixture fx;
	struct test_run r;
	char *ko, *dep, *bin, *insmod, *rmmod, *lsmod;

	test_need_kmod_oracle();
	CHECK_INT_EQ(fixture_init(&fx, NULL, "6.1.0-fake"), 0);
	bin = fixture_path(&fx, "bin");
	CHECK_INT_EQ(mkdir(bin, 0755), 0);
	insmod = fixture_path(&fx, "bin/insmod");
	rmmod = fixture_path(&fx, "bin/rmmod");
	lsmod = fixture_path(&fx, "bin/lsmod");
	CHECK_INT_EQ(symlink("/usr/bin/kmod", insmod), 0);
	CHECK_INT_EQ(symlink("/usr/bin/kmod", rmmod), 0);
	CHECK_INT_EQ(symlink("/usr/bin/kmod", lsmod), 0);
	dep = make_module(&fx, "dep-mod.ko", "dep_mod", NULL, true);
	ko = make_module(&fx, "top.ko", "top", "dep_mod", true);
	CHECK(ko != NULL && dep != NULL);

	CHECK_INT_EQ(test_run(&r, (const char *[]){ insmod, dep, NULL },
			      fixture_env(&fx)),
		     0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(test_run(&r, (const char *[]){ insmod, ko, "x=1", NULL },
			      fixture_env(&fx)),
		     0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(test_run(&r, (const char *[]){ lsmod, NULL }, fixture_env(&fx)), 0);
	CHECK_RUN(&r,
		  fmt("Module                  Size  Used by\n"
		      "%-19s %8lld  1 top\n"
		      "%-19s %8lld  0\n",
		      "dep_mod", file_size(dep), "top", file_size(ko)),
		  "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(test_run(&r, (const char *[]){ rmmod, "dep_mod", NULL },
			      fixture_env(&fx)),
		     0);
	CHECK_RUN(&r, "", "rmmod: ERROR: Module dep_mod is in use by: top\n", 1);
	test_run_release(&r);
	CHECK_INT_EQ(test_run(&r, (const char *[]){ rmmod, "top", "dep_mod", NULL },
			      fixture_env(&fx)),
		     0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	CHECK_CALLS(&fx, "finit_module name=dep_mod flags=0 args=\n"
			 "finit_module name=top flags=0 args=x=1\n"
			 "delete_module name=top flags=2048\n"
			 "delete_module name=dep_mod flags=2048\n");
	CHECK_FILE(&fx, "proc/modules", "");
	free(bin);
	free(insmod);
	free(rmmod);
	free(lsmod);
	free(ko);
	free(dep);
	fixture_release(&fx);
	return 0;
}

/* In the sanitizer build the probe is an ASan program with the shim in front of it. */
TEST(asan_build)
{
	struct fixture fx;

	CHECK_INT_EQ(fixture_init(&fx, NULL, NULL), 0);
	CHECK_PROBE(&fx, SHIM_EXPECT_ASAN ? "asan\n" : "plain\n", 0, "asan");
	CHECK_INT_EQ(fixture_write(&fx, "proc/modules", "x 1 0 - Live 0x0\n"), 0);
	CHECK_PROBE_BOTH(&fx, "x 1 0 - Live 0x0\n", 0, "fopen", "/proc/modules");
	fixture_release(&fx);
	return 0;
}

TEST_MAIN();
