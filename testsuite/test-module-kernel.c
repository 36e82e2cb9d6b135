// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Loaded-module state getters against fixture /proc/modules and /sys/module trees
 * served by modkit-shim.so (LD_PRELOAD, root in $MODKIT_ROOT), including the exact
 * library messages of tools.md 10.3.
 */
#include <dirent.h>
#include <errno.h>
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
#include "testsuite.h"

static char logbuf[65536];

static void log_capture(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	size_t used = strlen(logbuf);

	vsnprintf(logbuf + used, sizeof(logbuf) - used, format, args);
}

static char *root;

/* A fixture root with an empty module directory; ctx logs into logbuf. */
static struct kmod_ctx *fixture(void)
{
	static const char *const no_config[] = { "/nonexistent/modkit-test", NULL };
	char moddir[PATH_MAX];
	struct kmod_ctx *ctx;

	if (getenv("LD_PRELOAD") == NULL ||
	    strstr(getenv("LD_PRELOAD"), "modkit-shim") == NULL) {
		fprintf(stderr, "modkit-shim.so is not preloaded\n");
		return NULL;
	}
	root = test_tmpdir();
	if (root == NULL)
		return NULL;
	setenv("MODKIT_ROOT", root, 1);
	snprintf(moddir, sizeof(moddir), "%s/moddir", root);
	if (mkdir(moddir, 0755) < 0)
		return NULL;
	ctx = kmod_new(moddir, no_config);
	if (ctx != NULL)
		kmod_set_log_fn(ctx, log_capture, NULL);
	logbuf[0] = '\0';
	return ctx;
}

static int put(const char *rel, const char *content)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return test_write_str(path, content);
}

static int mkdir_in_root(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/.keep", root, rel);
	if (test_write_str(path, "") < 0)
		return -1;
	return unlink(path);
}

static const char proc_modules[] = "zeta 16384 0 - Live 0x0000000000000000\n"
				   "alpha 20480 2 zeta, Live 0xffffffffc0a52000 (OE)\n"
				   "mid 8192 0 - Loading 0x0000000000000000\n";

TEST(loaded_list_in_file_order)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_list *list = NULL, *l;
	static const char *const expected[] = { "zeta", "alpha", "mid" };
	size_t i = 0;

	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("proc/modules", proc_modules), 0);
	CHECK_INT_EQ(kmod_module_new_from_loaded(ctx, &list), 0);
	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		CHECK(i < ARRAY_SIZE(expected));
		CHECK_STR_EQ(kmod_module_get_name(m), expected[i]);
		kmod_module_unref(m);
		i++;
	}
	CHECK_INT_EQ(i, 3);
	kmod_module_unref_list(list);
	CHECK_STR_EQ(logbuf, "");
	CHECK_INT_EQ(kmod_module_new_from_loaded(NULL, &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_loaded(ctx, NULL), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(loaded_list_empty)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_list *list = (struct kmod_list *)&list;

	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("proc/modules", ""), 0);
	CHECK_INT_EQ(kmod_module_new_from_loaded(ctx, &list), 0);
	CHECK(list == NULL);
	kmod_unref(ctx);
	return 0;
}

TEST(loaded_list_missing)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_list *list = NULL;

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_loaded(ctx, &list), -ENOENT);
	CHECK(list == NULL);
	CHECK_STR_EQ(logbuf, "could not open /proc/modules: No such file or directory\n");
	kmod_unref(ctx);
	return 0;
}

static int initstate_of(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *m = NULL;
	int r;

	if (kmod_module_new_from_name(ctx, name, &m) < 0)
		return -1000;
	r = kmod_module_get_initstate(m);
	kmod_module_unref(m);
	return r;
}

TEST(initstate_values)
{
	struct kmod_ctx *ctx = fixture();

	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("sys/module/l/initstate", "live\n"), 0);
	CHECK_INT_EQ(put("sys/module/c/initstate", "coming\n"), 0);
	CHECK_INT_EQ(put("sys/module/g/initstate", "going\n"), 0);
	CHECK_INT_EQ(mkdir_in_root("sys/module/d"), 0);
	CHECK_INT_EQ(initstate_of(ctx, "l"), KMOD_MODULE_LIVE);
	CHECK_INT_EQ(initstate_of(ctx, "c"), KMOD_MODULE_COMING);
	CHECK_INT_EQ(initstate_of(ctx, "g"), KMOD_MODULE_GOING);
	/* directory without initstate: still loading */
	CHECK_INT_EQ(initstate_of(ctx, "d"), KMOD_MODULE_COMING);
	CHECK_INT_EQ(initstate_of(ctx, "nothere"), -ENOENT);
	CHECK_STR_EQ(logbuf, "");
	CHECK_INT_EQ(kmod_module_get_initstate(NULL), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(initstate_garbage)
{
	struct kmod_ctx *ctx = fixture();

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("sys/module/w/initstate", "weird\n"), 0);
	CHECK_INT_EQ(initstate_of(ctx, "w"), -EINVAL);
	CHECK_STR_EQ(logbuf, "unknown /sys/module/w/initstate: 'weird\n'\n");
	logbuf[0] = '\0';
	/* no newline: not "live" either */
	CHECK_INT_EQ(put("sys/module/w/initstate", "live"), 0);
	CHECK_INT_EQ(initstate_of(ctx, "w"), -EINVAL);
	CHECK_STR_EQ(logbuf, "unknown /sys/module/w/initstate: 'live'\n");
	kmod_unref(ctx);
	return 0;
}

TEST(initstate_builtin)
{
	struct kmod_ctx *ctx = fixture();
	struct index_writer *w = index_writer_new();
	char path[PATH_MAX];
	FILE *f;

	CHECK(ctx != NULL && w != NULL);
	CHECK_INT_EQ(index_writer_insert(w, "bi", "", 0), 0);
	snprintf(path, sizeof(path), "%s/moddir/modules.builtin.bin", root);
	f = fopen(path, "we");
	CHECK(f != NULL);
	CHECK_INT_EQ(index_writer_write(w, f), 0);
	CHECK_INT_EQ(fclose(f), 0);
	index_writer_free(w);
	/* sysfs is not consulted for a builtin module, even if it is garbage */
	CHECK_INT_EQ(put("sys/module/bi/initstate", "weird\n"), 0);
	CHECK_INT_EQ(initstate_of(ctx, "bi"), KMOD_MODULE_BUILTIN);
	CHECK_STR_EQ(logbuf, "");
	kmod_unref(ctx);
	return 0;
}

TEST(initstate_str)
{
	CHECK_STR_EQ(kmod_module_initstate_str(KMOD_MODULE_BUILTIN), "builtin");
	CHECK_STR_EQ(kmod_module_initstate_str(KMOD_MODULE_LIVE), "live");
	CHECK_STR_EQ(kmod_module_initstate_str(KMOD_MODULE_COMING), "coming");
	CHECK_STR_EQ(kmod_module_initstate_str(KMOD_MODULE_GOING), "going");
	CHECK(kmod_module_initstate_str((enum kmod_module_initstate)4) == NULL);
	CHECK(kmod_module_initstate_str((enum kmod_module_initstate) - 1) == NULL);
	return 0;
}

static int refcnt_of(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *m = NULL;
	int r;

	if (kmod_module_new_from_name(ctx, name, &m) < 0)
		return -1000;
	r = kmod_module_get_refcnt(m);
	kmod_module_unref(m);
	return r;
}

TEST(refcnt)
{
	struct kmod_ctx *ctx = fixture();

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("sys/module/a/refcnt", "3\n"), 0);
	CHECK_INT_EQ(put("sys/module/z/refcnt", "0\n"), 0);
	CHECK_INT_EQ(put("sys/module/bad/refcnt", "abc\n"), 0);
	CHECK_INT_EQ(put("sys/module/empty/refcnt", ""), 0);
	CHECK_INT_EQ(refcnt_of(ctx, "a"), 3);
	CHECK_INT_EQ(refcnt_of(ctx, "z"), 0);
	/* missing: silent */
	CHECK_INT_EQ(refcnt_of(ctx, "none"), -ENOENT);
	CHECK_STR_EQ(logbuf, "");
	CHECK_INT_EQ(refcnt_of(ctx, "bad"), -EINVAL);
	CHECK_STR_EQ(
		logbuf,
		"could not read integer from '/sys/module/bad/refcnt': 'Invalid argument'\n");
	logbuf[0] = '\0';
	CHECK_INT_EQ(refcnt_of(ctx, "empty"), -EINVAL);
	CHECK_STR_EQ(
		logbuf,
		"could not read integer from '/sys/module/empty/refcnt': 'Invalid argument'\n");
	CHECK_INT_EQ(kmod_module_get_refcnt(NULL), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(holders_in_readdir_order)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_module *m = NULL;
	struct kmod_list *list, *l;
	char dir[PATH_MAX], *names[8];
	size_t n = 0, i = 0;
	DIR *d;
	struct dirent *de;

	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("sys/module/base/holders/one", ""), 0);
	CHECK_INT_EQ(put("sys/module/base/holders/two", ""), 0);
	CHECK_INT_EQ(put("sys/module/base/holders/three", ""), 0);
	/* expected order: what readdir gives for this directory */
	snprintf(dir, sizeof(dir), "%s/sys/module/base/holders", root);
	d = opendir(dir);
	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL && n < ARRAY_SIZE(names))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			names[n++] = strdup(de->d_name);
	closedir(d);
	CHECK_INT_EQ(n, 3);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "base", &m), 0);
	list = kmod_module_get_holders(m);
	kmod_list_foreach (l, list) {
		struct kmod_module *h = kmod_module_get_module(l);

		CHECK(i < n);
		CHECK_STR_EQ(kmod_module_get_name(h), names[i]);
		kmod_module_unref(h);
		i++;
	}
	CHECK_INT_EQ(i, 3);
	kmod_module_unref_list(list);
	kmod_module_unref(m);
	for (i = 0; i < n; i++)
		free(names[i]);
	CHECK_STR_EQ(logbuf, "");
	kmod_unref(ctx);
	return 0;
}

TEST(holders_missing_and_empty)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_module *m = NULL;

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(mkdir_in_root("sys/module/lonely/holders"), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "lonely", &m), 0);
	CHECK(kmod_module_get_holders(m) == NULL);
	CHECK_STR_EQ(logbuf, "");
	kmod_module_unref(m);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "gone", &m), 0);
	CHECK(kmod_module_get_holders(m) == NULL);
	CHECK_STR_EQ(
		logbuf,
		"could not open '/sys/module/gone/holders': No such file or directory\n");
	kmod_module_unref(m);
	CHECK(kmod_module_get_holders(NULL) == NULL);
	kmod_unref(ctx);
	return 0;
}

TEST(sections)
{
	struct kmod_ctx *ctx = fixture();
	struct kmod_module *m = NULL;
	struct kmod_list *list, *l;
	int seen = 0;

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("sys/module/s/sections/.text", "0xffffffffc0a52000\n"), 0);
	CHECK_INT_EQ(put("sys/module/s/sections/.data", "0x0000000000001000\n"), 0);
	CHECK_INT_EQ(put("sys/module/s/sections/__ksymtab", "0x0\n"), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "s", &m), 0);
	list = kmod_module_get_sections(m);
	CHECK(list != NULL);
	kmod_list_foreach (l, list) {
		const char *name = kmod_module_section_get_name(l);
		unsigned long addr = kmod_module_section_get_address(l);

		if (strcmp(name, ".text") == 0) {
			CHECK(addr == 0xffffffffc0a52000UL);
			seen |= 1;
		} else if (strcmp(name, ".data") == 0) {
			CHECK(addr == 0x1000UL);
			seen |= 2;
		} else if (strcmp(name, "__ksymtab") == 0) {
			CHECK(addr == 0UL);
			seen |= 4;
		} else {
			CHECK_MSG(0, "unexpected section '%s'", name);
		}
	}
	CHECK_INT_EQ(seen, 7);
	kmod_module_section_free_list(list);
	CHECK(kmod_module_section_get_name(NULL) == NULL);
	CHECK(kmod_module_section_get_address(NULL) == (unsigned long)-1);

	/* unreadable content: no list and a message */
	CHECK_INT_EQ(put("sys/module/s/sections/.bss", "zzz\n"), 0);
	CHECK(kmod_module_get_sections(m) == NULL);
	CHECK_STR_EQ(logbuf, "could not read long from '/sys/module/s/sections/.bss': "
			     "Invalid argument\n");
	logbuf[0] = '\0';
	kmod_module_unref(m);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "nos", &m), 0);
	CHECK(kmod_module_get_sections(m) == NULL);
	CHECK_STR_EQ(
		logbuf,
		"could not open '/sys/module/nos/sections': No such file or directory\n");
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

static long size_of(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *m = NULL;
	long r;

	if (kmod_module_new_from_name(ctx, name, &m) < 0)
		return -1000;
	r = kmod_module_get_size(m);
	kmod_module_unref(m);
	return r;
}

TEST(size)
{
	struct kmod_ctx *ctx = fixture();

	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("proc/modules", proc_modules), 0);
	CHECK_INT_EQ(put("sys/module/zeta/coresize", "12345\n"), 0);
	CHECK_INT_EQ(mkdir_in_root("sys/module/alpha"), 0);
	CHECK_INT_EQ(mkdir_in_root("sys/module/unlisted"), 0);
	/* coresize wins over /proc/modules */
	CHECK_INT_EQ(size_of(ctx, "zeta"), 12345);
	/* no coresize: field 2 of /proc/modules */
	CHECK_INT_EQ(size_of(ctx, "alpha"), 20480);
	/* not loaded at all */
	CHECK_INT_EQ(size_of(ctx, "nothere"), -ENOENT);
	/* a directory but no line */
	CHECK_INT_EQ(size_of(ctx, "unlisted"), -ENOENT);
	CHECK_STR_EQ(logbuf, "");
	CHECK_INT_EQ(kmod_module_get_size(NULL), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(size_errors)
{
	struct kmod_ctx *ctx = fixture();

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(ctx != NULL);
	CHECK_INT_EQ(put("proc/modules", "short \nbadnum 12x 0 - Live 0x0\n"), 0);
	CHECK_INT_EQ(put("sys/module/cs/coresize", "lots\n"), 0);
	CHECK_INT_EQ(mkdir_in_root("sys/module/short"), 0);
	CHECK_INT_EQ(mkdir_in_root("sys/module/badnum"), 0);
	/* Debian's libkmod agrees (test-probe oracle_state) */
	CHECK_INT_EQ(size_of(ctx, "cs"), 0);
	CHECK_STR_EQ(logbuf, "failed to read coresize from /sys/module/cs\n");
	logbuf[0] = '\0';
	CHECK_INT_EQ(size_of(ctx, "short"), -ENOENT);
	CHECK_STR_EQ(logbuf, "invalid line format at /proc/modules:1\n");
	logbuf[0] = '\0';
	CHECK_INT_EQ(size_of(ctx, "badnum"), -ENOENT);
	CHECK_STR_EQ(logbuf, "invalid line format at /proc/modules:2\n");
	logbuf[0] = '\0';
	/* no /proc/modules for the fallback */
	CHECK_INT_EQ(unlink(strcat(strcpy((char[PATH_MAX]){ 0 }, root), "/proc/modules")),
		     0);
	CHECK_INT_EQ(size_of(ctx, "short"), -ENOENT);
	CHECK_STR_EQ(logbuf, "could not open /proc/modules: No such file or directory\n");
	kmod_unref(ctx);
	return 0;
}

TEST_MAIN()
