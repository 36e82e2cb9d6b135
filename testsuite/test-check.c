// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod check (src/check.c) under the shim: loaded modules (/proc/modules,
 * /sys/module/M/{notes/.note.gnu.build-id,srcversion} written by the test) against
 * module files made by libmodgen with chosen build IDs and srcversions, indexed by
 * our depmod. Expected build IDs are the bytes the test chose, in hex.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "lib/macro.h"
#include "modgen.h"
#include "testsuite.h"

#define KVER "6.1.0-check"
#define MODDIR "/lib/modules/" KVER
/* b is compressed when the build reads xz (depmod fails on a .ko.xz otherwise) */
#if ENABLE_XZ
#define B_KO "/kernel/b.ko.xz"
#else
#define B_KO "/kernel/b.ko"
#endif

static const uint8_t id_a[20] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
				  0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad,
				  0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3 };
#define HEX_A "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"
static const uint8_t id_b[20] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
				  0x0f, 0x10, 0x11, 0x12, 0x13, 0x14 };
#define HEX_B "0102030405060708090a0b0c0d0e0f1011121314"
static const uint8_t id_rebuilt[16] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2,  3,
					4,    5,    6,	  7,	8, 9, 10, 11 };
#define HEX_REBUILT "deadbeef000102030405060708090a0b"

static const char *tool(const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/src/%s", test_build_root(), name) < 0)
		return NULL;
	return test_keep(p);
}

static int write_module(const struct fixture *fx, const char *rel, const char *name,
			const uint8_t *id, size_t id_len, const char *srcversion)
{
	_cleanup_free_ char *path = fixture_path(fx, rel);
	struct modgen_module *m = modgen_new(name);
	char entry[128];
	int r;

	if (m == NULL || path == NULL)
		return -ENOMEM;
	r = modgen_add_modinfo(m, "license=GPL");
	if (r == 0 && srcversion != NULL) {
		snprintf(entry, sizeof(entry), "srcversion=%s", srcversion);
		r = modgen_add_modinfo(m, entry);
	}
	if (r == 0 && id != NULL)
		r = modgen_set_build_id(m, id, id_len);
	if (r == 0)
		r = modgen_set_compression(m, modgen_compression_from_path(path));
	if (r == 0)
		r = modgen_write(m, path);
	modgen_free(m);
	return r;
}

/* The note section as the kernel shows it: Elf_Nhdr in the machine's byte order. */
static int set_loaded_note(const struct fixture *fx, const char *name, const uint8_t *id,
			   size_t id_len)
{
	uint8_t note[12 + 4 + 64] = { 0 };
	uint32_t hdr[3] = { 4, (uint32_t)id_len, 3 };
	char rel[PATH_MAX];
	_cleanup_free_ char *path = NULL;

	memcpy(note, hdr, sizeof(hdr));
	memcpy(note + 12, "GNU", 4);
	memcpy(note + 16, id, id_len);
	snprintf(rel, sizeof(rel), "sys/module/%s/notes/.note.gnu.build-id", name);
	path = fixture_path(fx, rel);
	return test_write_file(path, note, 16 + (id_len + 3) / 4 * 4);
}

static int set_loaded_srcversion(const struct fixture *fx, const char *name,
				 const char *srcversion)
{
	char rel[PATH_MAX], content[128];

	snprintf(rel, sizeof(rel), "sys/module/%s/srcversion", name);
	snprintf(content, sizeof(content), "%s\n", srcversion);
	return fixture_write(fx, rel, content);
}

/*
 * The tree: a.ko (build ID A, srcversion SRC_A), b.ko.xz (build ID B; b.ko in a
 * build without xz), both loaded and matching; d built into the kernel
 * (/sys/module/d without initstate, as for a builtin module with parameters).
 */
static int setup(struct fixture *fx)
{
	struct test_run r;

	CHECK_INT_EQ(fixture_init(fx, NULL, KVER), 0);
	CHECK_INT_EQ(write_module(fx, MODDIR "/kernel/a.ko", "a", id_a, 20,
				  "SRCA0123456789"),
		     0);
	CHECK_INT_EQ(write_module(fx, MODDIR B_KO, "b", id_b, 20, NULL), 0);
	CHECK_INT_EQ(fixture_write(fx, MODDIR "/modules.order",
				   "kernel/a.ko\nkernel/b.ko\n"),
		     0);
	CHECK_INT_EQ(fixture_write(fx, MODDIR "/modules.builtin", "kernel/d.ko\n"), 0);
	const char *argv[] = { tool("depmod"), "-b", fx->root, KVER, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_INT_EQ(r.status, 0);
	test_run_release(&r);

	CHECK_INT_EQ(fixture_write(fx, "proc/modules", ""), 0);
	CHECK_INT_EQ(fixture_set_loaded(fx, "a", 4096, 0, NULL), 0);
	CHECK_INT_EQ(set_loaded_note(fx, "a", id_a, 20), 0);
	CHECK_INT_EQ(set_loaded_srcversion(fx, "a", "SRCA0123456789"), 0);
	CHECK_INT_EQ(fixture_set_loaded(fx, "b", 8192, 0, NULL), 0);
	CHECK_INT_EQ(set_loaded_note(fx, "b", id_b, 20), 0);
	CHECK_INT_EQ(fixture_write(fx, "sys/module/d/parameters/debug", "0\n"), 0);
	return 0;
}

static int run_check(const struct fixture *fx, struct test_run *r, const char *opt)
{
	const char *argv[] = { tool("kmod"), "check", opt, NULL };

	return test_run(r, argv, fixture_env(fx));
}

TEST(all_match)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);

	CHECK_INT_EQ(run_check(&fx, &r, "-v"), 0);
	/* in /proc/modules order */
	CHECK_RUN(&r,
		  "a: ok: build-id and srcversion as " MODDIR "/kernel/a.ko\n"
		  "b: ok: build-id as " MODDIR B_KO "\n",
		  "", 0);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(one_rebuilt)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	/* b rebuilt on disk since it was loaded */
	CHECK_INT_EQ(write_module(&fx, MODDIR B_KO, "b", id_rebuilt, 16, NULL), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r,
		  "b: changed: build-id " HEX_B " loaded, " HEX_REBUILT " in " MODDIR B_KO
		  "\n",
		  "", 1);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(srcversion_differs)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	/* a kernel that shows no notes: srcversion is all there is to compare */
	CHECK_INT_EQ(write_module(&fx, MODDIR "/kernel/a.ko", "a", NULL, 0, "SRCA_NEW"),
		     0);
	CHECK_INT_EQ(unlink(test_keep(fixture_path(&fx, "sys/module/a/notes/"
							".note.gnu.build-id"))),
		     0);
	CHECK_INT_EQ(rmdir(test_keep(fixture_path(&fx, "sys/module/a/notes"))), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r,
		  "a: changed: srcversion SRCA0123456789 loaded, SRCA_NEW in " MODDIR
		  "/kernel/a.ko\n",
		  "", 1);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(build_id_gone_from_file)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	CHECK_INT_EQ(write_module(&fx, MODDIR B_KO, "b", NULL, 0, NULL), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r,
		  "b: changed: build-id " HEX_B " loaded, (none) in " MODDIR B_KO "\n",
		  "", 1);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(file_gone)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	CHECK_INT_EQ(unlink(test_keep(fixture_path(&fx, MODDIR "/kernel/a.ko"))), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r,
		  "a: missing: " MODDIR
		  "/kernel/a.ko, named in modules.dep, does not exist\n",
		  "", 1);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(not_indexed_and_unknown)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	/* c: loaded, no such module in the tree */
	CHECK_INT_EQ(fixture_set_loaded(&fx, "c", 4096, 0, NULL), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(&r,
		  "c: not-indexed: no module of that name in " MODDIR
		  "/modules.dep (loaded from elsewhere, or its file removed and depmod "
		  "run since)\n",
		  "", 1);
	test_run_release(&r);

	/* b: no identity on either side */
	CHECK_INT_EQ(fixture_set_unloaded(&fx, "c"), 0);
	CHECK_INT_EQ(write_module(&fx, MODDIR B_KO, "b", NULL, 0, NULL), 0);
	CHECK_INT_EQ(unlink(test_keep(fixture_path(&fx, "sys/module/b/notes/"
							".note.gnu.build-id"))),
		     0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_RUN(
		&r,
		"b: unknown: neither a build-id nor a srcversion to compare with " MODDIR
			B_KO "\n",
		"", 1);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(builtin_skipped)
{
	struct fixture fx;
	struct test_run r;
	_cleanup_free_ char *modules = NULL, *more = NULL;

	CHECK_INT_EQ(setup(&fx), 0);
	/* d is builtin; even listed in /proc/modules it has no file to compare */
	CHECK_INT_EQ(fixture_read(&fx, "proc/modules", &modules), 0);
	CHECK(asprintf(&more, "%sd 0 0 - Live 0x0000000000000000\n", modules) > 0);
	CHECK_INT_EQ(fixture_write(&fx, "proc/modules", more), 0);
	CHECK_INT_EQ(run_check(&fx, &r, "-v"), 0);
	CHECK_RUN(&r,
		  "a: ok: build-id and srcversion as " MODDIR "/kernel/a.ko\n"
		  "b: ok: build-id as " MODDIR B_KO "\n",
		  "", 0);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(json_document)
{
	struct fixture fx;
	struct test_run r, py;
	_cleanup_free_ char *out = NULL;
	static const char checker[] =
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"assert d['schema'] == 1 and d['tool'] == 'check', d\n"
		"assert d['module_directory'] == '" MODDIR "', d\n"
		"assert d['all_match'] is False, d\n"
		"m = {x['name']: x for x in d['modules']}\n"
		"assert [x['name'] for x in d['modules']] == ['a', 'b'], d\n"
		"a, b = m['a'], m['b']\n"
		"assert a['status'] == 'ok' and a['path'] == '" MODDIR
		"/kernel/a.ko', a\n"
		"assert a['loaded'] == {'build_id': '" HEX_A
		"', 'srcversion': 'SRCA0123456789'}, a\n"
		"assert a['file'] == a['loaded'], a\n"
		"assert b['status'] == 'changed', b\n"
		"assert b['loaded'] == {'build_id': '" HEX_B "', 'srcversion': None}, b\n"
		"assert b['file'] == {'build_id': '" HEX_REBUILT
		"', 'srcversion': None}, b\n"
		"assert b['detail'].startswith('build-id " HEX_B " loaded'), b\n";

	CHECK_INT_EQ(setup(&fx), 0);
	CHECK_INT_EQ(write_module(&fx, MODDIR B_KO, "b", id_rebuilt, 16, NULL), 0);
	CHECK_INT_EQ(run_check(&fx, &r, "--json"), 0);
	CHECK_INT_EQ(r.status, 1);
	CHECK_STR_EQ(r.err, "");
	out = fixture_path(&fx, "check.json");
	CHECK_INT_EQ(test_write_file(out, r.out, r.out_len), 0);
	const char *argv[] = { "/usr/bin/python3", "-c", checker, out, NULL };
	CHECK_INT_EQ(test_run(&py, argv, NULL), 0);
	CHECK_MSG(py.status == 0, "checker: %s\ndocument: %s", py.err, r.out);
	test_run_release(&py);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(no_proc_modules)
{
	struct fixture fx;
	struct test_run r;

	CHECK_INT_EQ(setup(&fx), 0);
	CHECK_INT_EQ(unlink(test_keep(fixture_path(&fx, "proc/modules"))), 0);
	CHECK_INT_EQ(run_check(&fx, &r, NULL), 0);
	CHECK_STR_EQ(r.out, "");
	CHECK_INT_EQ(r.status, 1);
	/* after the library's own message (absent with -Dlogging=false) */
	CHECK_MSG(strstr(r.err, "kmod: ERROR: could not get the list of loaded modules: "
				"No such file or directory\n") != NULL,
		  "stderr: %s", r.err);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST_MAIN()
