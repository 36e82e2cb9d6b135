/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * modkit's test framework.
 *
 * A test program defines cases with TEST(name) { ... return 0; } and ends with
 * TEST_MAIN(). Each case runs in its own forked process; a case passes when its
 * function returns 0 and it neither crashes nor exceeds its time limit (300 s,
 * MODKIT_TEST_TIMEOUT overrides). Results are printed as TAP, which meson parses
 * (protocol: 'tap'). Run one case: ./test-foo NAME [NAME...]; list: ./test-foo --list.
 *
 * CHECK*() macros print file:line and the values involved, then fail the case.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

struct test {
	const char *name;
	int (*func)(void);
};

void test_register(const struct test *t);
int test_main(int argc, char *argv[]);

#define TEST(fn)                                                          \
	static int fn(void);                                              \
	static const struct test test_##fn = { .name = #fn, .func = fn }; \
	__attribute__((constructor)) static void test_register_##fn(void) \
	{                                                                 \
		test_register(&test_##fn);                                \
	}                                                                 \
	static int fn(void)

#define TEST_MAIN()                           \
	int main(int argc, char *argv[])      \
	{                                     \
		return test_main(argc, argv); \
	}

/*
 * Ends the running case as skipped: TAP "ok N - name # SKIP <reason>". Use it only
 * when the case needs something this machine lacks (name it in the reason: the
 * network, qemu, Debian's kmod package, ...), never to hide a failure. The reason
 * must not be empty. Does not return.
 */
#define TEST_SKIP_STATUS 77
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Debian's kmod (version 30, package kmod) serves as an independent oracle: its
 * tools and library check our generator and our outputs. test_need_kmod_oracle()
 * skips the running case, naming the package, when those tools are not installed
 * (or are not Debian's kmod); returns otherwise.
 */
bool test_have_kmod_oracle(void);
void test_need_kmod_oracle(void);

/*
 * The optional libraries of this build, by kmod's option name ("zstd", "xz", "zlib",
 * "openssl"), as meson configured them (config.h), and "logging": the library's
 * messages. test_need_feature() skips the running case with "built with
 * -D<name>=disabled" (-Dlogging=false) when the build lacks it.
 */
bool test_have_feature(const char *name);
void test_need_feature(const char *name);

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
			return 1;                                                 \
		}                                                                 \
	} while (0)

#define CHECK_MSG(cond, ...)                                        \
	do {                                                        \
		if (!(cond)) {                                      \
			test_fail(__FILE__, __LINE__, __VA_ARGS__); \
			return 1;                                   \
		}                                                   \
	} while (0)

#define CHECK_INT_EQ(a, b)                                                              \
	do {                                                                            \
		long long _a = (long long)(a), _b = (long long)(b);                     \
		if (_a != _b) {                                                         \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, \
				  _a, _b);                                              \
			return 1;                                                       \
		}                                                                       \
	} while (0)

#define CHECK_STR_EQ(a, b)                                                             \
	do {                                                                           \
		const char *_a = (a), *_b = (b);                                       \
		if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0) {                 \
			test_fail(__FILE__, __LINE__,                                  \
				  "%s == %s:\n  got:      '%s'\n  expected: '%s'", #a, \
				  #b, _a ? _a : "(null)", _b ? _b : "(null)");         \
			return 1;                                                      \
		}                                                                      \
	} while (0)

#define CHECK_MEM_EQ(a, alen, b, blen)                                               \
	do {                                                                         \
		size_t _al = (alen), _bl = (blen);                                   \
		if (_al != _bl || memcmp((a), (b), _al) != 0) {                      \
			test_fail(__FILE__, __LINE__,                                \
				  "%s (%zu bytes) != %s (%zu bytes)%s", #a, _al, #b, \
				  _bl, test_mem_diff((a), _al, (b), _bl));           \
			return 1;                                                    \
		}                                                                    \
	} while (0)

/* A description of the first difference (static buffer). */
const char *test_mem_diff(const void *a, size_t alen, const void *b, size_t blen);

/* ---- helpers ---------------------------------------------------------------- */

/*
 * Keeps p reachable for the rest of the case and returns it: for test helpers
 * whose results are used inline and never freed, so that the leak check (ASan
 * builds) only reports leaks of the code under test.
 */
void *test_keep(void *p);

/* A fresh empty directory under $TMPDIR (removed at exit of the case process). */
char *test_tmpdir(void);
/* Writes a file, creating parent directories. Returns 0 or -errno. */
int test_write_file(const char *path, const void *data, size_t len);
int test_write_str(const char *path, const char *str);
/* Reads a whole file (malloc'd, NUL-terminated). Returns 0 or -errno. */
int test_read_file(const char *path, char **data, size_t *len);

/* Result of running a program. */
struct test_run {
	char *out; /* stdout, NUL-terminated */
	size_t out_len;
	char *err; /* stderr */
	size_t err_len;
	int status; /* exit status, or 128+signal */
};

/*
 * Runs argv[0] (a path) with argv, the extra environment entries env ("K=V", may be
 * NULL) added to ours, and stdin from /dev/null. Returns 0 once it ran.
 */
int test_run(struct test_run *r, const char *const argv[], const char *const env[]);

/*
 * The unpacked Debian kernel package the 'debian' suite works on: kind NULL for the
 * plain tree, "xz", "zst" or "gz" for its compressed copies (testsuite/debian-tree.sh;
 * $MODKIT_DEBIAN_ROOT overrides the plain one). When the package cannot be had
 * (no network and no cached copy) the running case is skipped with the script's
 * reason; on any other failure the script's message goes to stderr and NULL is
 * returned. The string is static.
 */
const char *test_debian_tree(const char *kind);
void test_run_release(struct test_run *r);

/* Compares r's output with expected strings (NULL = don't care) and exit status. */
#define CHECK_RUN(r, exp_out, exp_err, exp_status)                      \
	do {                                                            \
		if ((exp_out) != NULL)                                  \
			CHECK_MEM_EQ((r)->out, (r)->out_len, (exp_out), \
				     strlen(exp_out));                  \
		if ((exp_err) != NULL)                                  \
			CHECK_MEM_EQ((r)->err, (r)->err_len, (exp_err), \
				     strlen(exp_err));                  \
		CHECK_INT_EQ((r)->status, (exp_status));                \
	} while (0)

/* Directory of the build tree's programs and of the source tree: from the
 * environment meson sets (MODKIT_BUILD_ROOT, MODKIT_SOURCE_ROOT), else the build
 * tree the test program lives in and the source tree it was configured from. */
const char *test_build_root(void);
const char *test_source_root(void);
