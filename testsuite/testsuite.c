// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Test runner: forks one process per case so that a crash, a leak report or an
 * exit() in one case cannot affect another, and prints TAP for meson.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testsuite.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* A case ends with _exit(), which skips LeakSanitizer's exit-time check: run it. */
static int leak_check(void)
{
	return __lsan_do_recoverable_leak_check();
}
#else
static int leak_check(void)
{
	return 0;
}
#endif

#define MAX_TESTS 1024

static const struct test *tests[MAX_TESTS];
static size_t n_tests;
static char *tmpdirs[64];
static size_t n_tmpdirs;
/*
 * The strings test_tmpdir() hands out: callers may free them or not. Keeping a
 * reference makes the ones they keep reachable for the case's life, so that the
 * leak check reports only leaks of the code under test. Never dereferenced.
 */
static void *handed_out[4096];
static size_t n_handed_out;

void *test_keep(void *p)
{
	if (p != NULL && n_handed_out < sizeof(handed_out) / sizeof(handed_out[0]))
		handed_out[n_handed_out++] = p;
	return p;
}

void test_register(const struct test *t)
{
	if (n_tests < MAX_TESTS)
		tests[n_tests++] = t;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *test_mem_diff(const void *a, size_t alen, const void *b, size_t blen)
{
	static char buf[1024];
	const unsigned char *pa = a, *pb = b;
	size_t i, n = alen < blen ? alen : blen;
	size_t start;

	for (i = 0; i < n && pa[i] == pb[i]; i++)
		;
	start = i > 40 ? i - 40 : 0;
	snprintf(
		buf, sizeof(buf),
		"\n  first difference at byte %zu\n  got:      '%.*s'\n  expected: '%.*s'",
		i, (int)((alen - start) > 120 ? 120 : alen - start),
		(const char *)pa + start,
		(int)((blen - start) > 120 ? 120 : blen - start),
		(const char *)pb + start);
	return buf;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void cleanup_tmpdirs(void)
{
	if (getenv("MODKIT_TEST_KEEP"))
		return;
	for (size_t i = 0; i < n_tmpdirs; i++) {
		nftw(tmpdirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(tmpdirs[i]);
	}
	n_tmpdirs = 0;
}

char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (asprintf(&path, "%s/modkit-test-XXXXXX", base) < 0)
		return NULL;
	if (mkdtemp(path) == NULL) {
		free(path);
		return NULL;
	}
	if (n_tmpdirs < sizeof(tmpdirs) / sizeof(tmpdirs[0])) {
		tmpdirs[n_tmpdirs] = strdup(path);
		if (tmpdirs[n_tmpdirs])
			n_tmpdirs++;
	}
	return test_keep(path);
}

static int mkdir_parents_of(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int test_write_file(const char *path, const void *data, size_t len)
{
	int fd, r;
	size_t done = 0;

	r = mkdir_parents_of(path);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t w = write(fd, (const char *)data + done, len - done);

		if (w < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		done += w;
	}
	return close(fd) < 0 ? -errno : 0;
}

int test_write_str(const char *path, const char *str)
{
	return test_write_file(path, str, strlen(str));
}

static int read_fd_all(int fd, char **data, size_t *len)
{
	size_t size = 4096, used = 0;
	char *buf = malloc(size);

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (used + 1 >= size) {
			char *tmp = realloc(buf, size * 2);

			if (tmp == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = tmp;
			size *= 2;
		}
		r = read(fd, buf + used, size - used - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		used += r;
	}
	buf[used] = '\0';
	*data = buf;
	if (len)
		*len = used;
	return 0;
}

int test_read_file(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = read_fd_all(fd, data, len);
	close(fd);
	return r;
}

/* Drains both pipes concurrently so that a chatty child cannot deadlock us. */
static int drain_pipes(int fd_out, int fd_err, struct test_run *r)
{
	struct {
		char *buf;
		size_t len, size;
	} b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct pollfd pfd[2] = { { fd_out, POLLIN, 0 }, { fd_err, POLLIN, 0 } };
	int open_fds = 2;

	while (open_fds > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < 2; i++) {
			char chunk[65536];
			ssize_t n;

			if (pfd[i].fd < 0 ||
			    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			if (b[i].len + n + 1 > b[i].size) {
				size_t ns = (b[i].len + n + 1) * 2;
				char *tmp = realloc(b[i].buf, ns);

				if (tmp == NULL)
					return -ENOMEM;
				b[i].buf = tmp;
				b[i].size = ns;
			}
			memcpy(b[i].buf + b[i].len, chunk, n);
			b[i].len += n;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (b[i].buf == NULL) {
			b[i].buf = calloc(1, 1);
			if (b[i].buf == NULL)
				return -ENOMEM;
		}
		b[i].buf[b[i].len] = '\0';
	}
	r->out = b[0].buf;
	r->out_len = b[0].len;
	r->err = b[1].buf;
	r->err_len = b[1].len;
	return 0;
}

int test_run(struct test_run *r, const char *const argv[], const char *const env[])
{
	int out[2], err[2], status, ret;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (size_t i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	ret = drain_pipes(out[0], err[0], r);
	close(out[0]);
	close(err[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	else
		r->status = 128 + WTERMSIG(status);
	return ret;
}

void test_run_release(struct test_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Without meson's environment (a test program run by hand), the build root is
 * where the program lives: test programs are built in <build>/testsuite/. */
const char *test_build_root(void)
{
	static char root[PATH_MAX];
	const char *p = getenv("MODKIT_BUILD_ROOT");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (p != NULL)
		return p;
	if (root[0] != '\0')
		return root;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return ".";
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			return ".";
		*slash = '\0';
	}
	snprintf(root, sizeof(root), "%s", exe);
	return root;
}

const char *test_source_root(void)
{
	const char *p = getenv("MODKIT_SOURCE_ROOT");

	return p ? p : MODKIT_SOURCE_DIR;
}

/* Write end of the pipe on which a case's test_skip() sends its reason. */
static int skip_fd = -1;

void test_skip(const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(reason))
		n = sizeof(reason) - 1;
	for (int i = 0; i < n; i++)
		if (reason[i] == '\n')
			reason[i] = ' ';
	if (skip_fd >= 0 && write(skip_fd, reason, n) < 0)
		_exit(1);
	cleanup_tmpdirs();
	fflush(NULL);
	_exit(TEST_SKIP_STATUS);
}

static bool have_kmod_oracle(void)
{
	static const char *const tools[] = { "/usr/sbin/modinfo", "/usr/sbin/modprobe",
					     "/usr/sbin/depmod", "/usr/sbin/insmod" };
	char buf[256] = "";
	FILE *f;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (access(tools[i], X_OK) != 0)
			return false;
	/* the kmod binary behind them answers; modkit's own says "modkit" too */
	f = popen("env -u LD_PRELOAD -u LD_LIBRARY_PATH /usr/sbin/depmod -V 2>/dev/null",
		  "r");
	if (f == NULL)
		return false;
	while (fgets(buf + strlen(buf), sizeof(buf) - strlen(buf), f) != NULL &&
	       strlen(buf) < sizeof(buf) - 1)
		;
	if (pclose(f) != 0)
		return false;
	return strncmp(buf, "kmod version", 12) == 0 && strstr(buf, "modkit") == NULL;
}

bool test_have_kmod_oracle(void)
{
	static int known = -1;

	if (known < 0)
		known = have_kmod_oracle();
	return known;
}

void test_need_kmod_oracle(void)
{
	if (!test_have_kmod_oracle())
		test_skip("needs Debian's kmod (package kmod) as the oracle");
}

bool test_have_feature(const char *name)
{
	static const struct {
		const char *name;
		bool on;
	} features[] = {
		// clang-format off
		{ "zstd", ENABLE_ZSTD },
		{ "xz", ENABLE_XZ },
		{ "zlib", ENABLE_ZLIB },
		{ "openssl", ENABLE_OPENSSL },
		{ "logging", ENABLE_LOGGING }, /* the library's messages */
		// clang-format on
	};

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (strcmp(features[i].name, name) == 0)
			return features[i].on;
	test_fail(__FILE__, __LINE__, "unknown feature '%s'", name);
	abort();
}

void test_need_feature(const char *name)
{
	if (!test_have_feature(name))
		test_skip("built with -D%s=%s", name,
			  strcmp(name, "logging") == 0 ? "false" : "disabled");
}

/*
 * Runs one case in a child process. Returns 0 (passed), 1 (skipped: reason holds
 * why) or -1 (failed).
 */
static int run_one(const struct test *t, char *reason, size_t reason_size)
{
	/*
	 * The per-case alarm only catches a hang: it is far above any case's normal time,
	 * so that a busy machine (load 6 on two cores) never trips it; meson's timeout for
	 * the whole program (scaled by --timeout-multiplier) is the tighter bound.
	 */
	const char *tmo = getenv("MODKIT_TEST_TIMEOUT");
	int timeout = tmo ? atoi(tmo) : 300;
	int status, pfd[2];
	ssize_t n;
	pid_t pid;

	reason[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int r;

		close(pfd[0]);
		skip_fd = pfd[1];
		alarm(timeout > 0 ? timeout : 300);
		r = t->func();
		cleanup_tmpdirs();
		if (r == 0 && leak_check() != 0) {
			fprintf(stderr, "# %s: memory leaked\n", t->name);
			r = 1;
		}
		fflush(NULL);
		_exit(r == 0 ? 0 : 1);
	}
	close(pfd[1]);
	n = read(pfd[0], reason, reason_size - 1);
	close(pfd[0]);
	reason[n > 0 ? n : 0] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "# %s: killed by signal %d (%s)\n", t->name,
			WTERMSIG(status),
			WTERMSIG(status) == SIGALRM ? "timeout" :
						      strsignal(WTERMSIG(status)));
		return -1;
	}
	if (WEXITSTATUS(status) == TEST_SKIP_STATUS && reason[0] != '\0')
		return 1;
	return WEXITSTATUS(status) == 0 ? 0 : -1;
}

int test_main(int argc, char *argv[])
{
	const struct test *selected[MAX_TESTS];
	size_t n_sel = 0, failed = 0;

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < n_tests; i++)
			printf("%s\n", tests[i]->name);
		return 0;
	}
	for (size_t i = 0; i < n_tests; i++) {
		bool want = argc <= 1;

		for (int a = 1; a < argc && !want; a++)
			want = strcmp(argv[a], tests[i]->name) == 0;
		if (want)
			selected[n_sel++] = tests[i];
	}
	if (n_sel == 0) {
		fprintf(stderr, "no test case selected\n");
		return 1;
	}
	/* stdout carries TAP only; case output goes to stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%zu\n", n_sel);
	for (size_t i = 0; i < n_sel; i++) {
		char reason[512];
		int r = run_one(selected[i], reason, sizeof(reason));

		if (r < 0)
			failed++;
		if (r == 1)
			printf("ok %zu - %s # SKIP %s\n", i + 1, selected[i]->name,
			       reason);
		else
			printf("%s %zu - %s\n", r == 0 ? "ok" : "not ok", i + 1,
			       selected[i]->name);
	}
	return failed ? 1 : 0;
}

const char *test_debian_tree(const char *kind)
{
	/* one buffer per kind: callers keep the plain and a compressed root at once */
	static char roots[4][PATH_MAX];
	static const char *const kinds[] = { "xz", "zst", "gz" };
	char *root = roots[0];
	const char *env = getenv("MODKIT_DEBIAN_ROOT");
	char script[PATH_MAX];
	const char *argv[] = { "/bin/bash", script, kind ? "--compressed" : NULL, kind,
			       NULL };
	struct test_run r;

	if (kind == NULL && env != NULL && env[0] != '\0')
		return env;
	for (size_t i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			root = roots[i + 1];
	snprintf(script, sizeof(script), "%s/testsuite/debian-tree.sh",
		 test_source_root());
	if (test_run(&r, argv, NULL) < 0)
		return NULL;
	if (r.status == 77) {
		/* the script's last line says what is missing */
		char *why = r.err ? r.err : "";
		size_t len = strlen(why);

		while (len > 0 && why[len - 1] == '\n')
			why[--len] = '\0';
		if (strrchr(why, '\n') != NULL)
			why = strrchr(why, '\n') + 1;
		if (strncmp(why, "debian-tree.sh: ", 16) == 0)
			why += 16;
		test_skip("%s",
			  why[0] ? why : "the Debian kernel package is not available");
	}
	root[0] = '\0';
	if (r.status == 0 && r.out_len > 1)
		snprintf(root, PATH_MAX, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	else
		fprintf(stderr, "# debian-tree.sh failed (status %d): %s\n", r.status,
			r.err ? r.err : "");
	test_run_release(&r);
	return root[0] ? root : NULL;
}
