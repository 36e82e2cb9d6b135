// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The module syscalls go through the C library's functions where it has them, as
 * kmod's do, so that a harness interposing those functions sees them: insmod and
 * rmmod run with modkit-libc-spy.so (libc-spy.c) preloaded in front of the shim.
 * The spy logs the entry point of each call; the shim, behind it, still fakes the
 * kernel and logs the call. glibc has init_module() and delete_module() but no
 * finit_module(), which then goes through syscall() (config.h: HAVE_*_MODULE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/macro.h"
#include "modgen.h"
#include "testsuite.h"

#define KVER "6.1.0-entry"
#define MODPATH "/lib/modules/" KVER "/kernel/entry_a.ko"

#if HAVE_FINIT_MODULE
#define FINIT_ENTRY "finit_module\n"
#else
#define FINIT_ENTRY "syscall finit_module\n"
#endif

static const char *tool(const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/src/%s", test_build_root(), name) < 0)
		return NULL;
	return test_keep(p);
}

static int write_module(const struct fixture *fx)
{
	_cleanup_free_ char *path = fixture_path(fx, MODPATH);
	struct modgen_module *m = modgen_new("entry_a");
	int r;

	if (m == NULL || path == NULL) {
		modgen_free(m);
		return -ENOMEM;
	}
	r = modgen_add_modinfo(m, "license=GPL");
	if (r == 0)
		r = modgen_write(m, path);
	modgen_free(m);
	return r;
}

/* The fixture's environment with the spy in front of the shim, logging to log. */
static const char *const *spy_env(const struct fixture *fx, const char *log)
{
	const char *const *base = fixture_env(fx);
	const char **env = test_keep(calloc(16, sizeof(*env)));
	size_t n = 0;

	for (; *base != NULL && n < 14; base++) {
		char *s = NULL;

		if (strncmp(*base, "LD_PRELOAD=", 11) == 0) {
			if (asprintf(&s, "LD_PRELOAD=%s/testsuite/modkit-libc-spy.so %s",
				     test_build_root(), *base + 11) < 0)
				return NULL;
			env[n++] = test_keep(s);
		} else {
			env[n++] = *base;
		}
	}
	{
		char *s = NULL;

		if (asprintf(&s, "MODKIT_SPY_LOG=%s", log) < 0)
			return NULL;
		env[n] = test_keep(s);
	}
	return env;
}

static int run(const struct fixture *fx, const char *log, const char *const argv[],
	       struct test_run *r)
{
	const char *const *env = spy_env(fx, log);

	if (env == NULL)
		return -ENOMEM;
	return test_run(r, argv, env);
}

static char *read_spy(const char *log)
{
	char *data = NULL;
	size_t len;

	if (test_read_file(log, &data, &len) < 0)
		return test_keep(strdup(""));
	return test_keep(data);
}

TEST(insmod_falls_back_to_libc_init_module)
{
	struct fixture fx;
	struct test_run r;
	char *calls = NULL, *log;
	const char *argv[] = { tool("insmod"), MODPATH, NULL };

	CHECK_INT_EQ(fixture_init(&fx, NULL, KVER), 0);
	log = fixture_path(&fx, "spy.log");
	CHECK(log != NULL);
	test_keep(log);
	CHECK_INT_EQ(write_module(&fx), 0);
	/* the kernel refuses finit_module: kmod then loads the image with init_module */
	CHECK_INT_EQ(fixture_add_error(&fx, "finit_module", "*", "ENOSYS"), 0);
	CHECK_INT_EQ(run(&fx, log, argv, &r), 0);
	CHECK_MSG(r.status == 0, "insmod: status %d, stderr: %s", r.status, r.err);
	CHECK_STR_EQ(read_spy(log), FINIT_ENTRY "init_module\n");
	CHECK_INT_EQ(fixture_read_calls(&fx, &calls), 0);
	CHECK_MSG(strstr(calls, "init_module name=entry_a len=") != NULL,
		  "the shim did not see init_module: %s", calls);
	CHECK(fixture_exists(&fx, "sys/module/entry_a/initstate"));
	free(calls);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(insmod_finit_module_entry)
{
	struct fixture fx;
	struct test_run r;
	char *calls = NULL, *log;
	const char *argv[] = { tool("insmod"), MODPATH, NULL };

	CHECK_INT_EQ(fixture_init(&fx, NULL, KVER), 0);
	log = fixture_path(&fx, "spy.log");
	CHECK(log != NULL);
	test_keep(log);
	CHECK_INT_EQ(write_module(&fx), 0);
	CHECK_INT_EQ(run(&fx, log, argv, &r), 0);
	CHECK_MSG(r.status == 0, "insmod: status %d, stderr: %s", r.status, r.err);
	CHECK_STR_EQ(read_spy(log), FINIT_ENTRY);
	CHECK_INT_EQ(fixture_read_calls(&fx, &calls), 0);
	CHECK_STR_EQ(calls, "finit_module name=entry_a flags=0 args=\n");
	free(calls);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST(rmmod_uses_libc_delete_module)
{
	struct fixture fx;
	struct test_run r;
	char *calls = NULL, *log;
	const char *argv[] = { tool("rmmod"), "entry_a", NULL };

	CHECK_INT_EQ(fixture_init(&fx, NULL, KVER), 0);
	log = fixture_path(&fx, "spy.log");
	CHECK(log != NULL);
	test_keep(log);
	CHECK_INT_EQ(fixture_write(&fx, "proc/modules", ""), 0);
	CHECK_INT_EQ(fixture_set_loaded(&fx, "entry_a", 4096, 0, NULL), 0);
	CHECK_INT_EQ(run(&fx, log, argv, &r), 0);
	CHECK_MSG(r.status == 0, "rmmod: status %d, stderr: %s", r.status, r.err);
	CHECK_STR_EQ(read_spy(log), "delete_module\n");
	CHECK_INT_EQ(fixture_read_calls(&fx, &calls), 0);
	CHECK_MSG(strstr(calls, "delete_module name=entry_a flags=") != NULL,
		  "the shim did not see delete_module: %s", calls);
	CHECK(!fixture_exists(&fx, "sys/module/entry_a"));
	free(calls);
	test_run_release(&r);
	fixture_release(&fx);
	return 0;
}

TEST_MAIN();
