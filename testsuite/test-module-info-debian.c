// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_module_get_info/_versions/_symbols/_dependency_symbols on the real Debian
 * tree (every module of modules.order, all signed), and get_info of every built-in
 * module from modules.builtin.modinfo: kernel-oracle-prog prints them once with
 * Debian's libkmod (kmod 30) and once with ours, and the transcripts must match.
 * The tree comes from testsuite/debian-tree.sh (or $MODKIT_DEBIAN_ROOT).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/index.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "lib/strbuf.h"
#include "testsuite.h"

#define KVER "6.1.0-50-amd64"
#define CHUNK 400

/* The plain tree (kind NULL) or its compressed copy ("zst", "xz", "gz"). */
static const char *debian_root_kind(const char *kind)
{
	return test_debian_tree(kind);
}

static const char *debian_root(void)
{
	return debian_root_kind(NULL);
}

/* Runs the oracle program over ops with either library; stdout without its first
 * ("lib ...") line, malloc'd. */
static char *oracle(const char *moddir, char **ops, size_t n, bool ours)
{
	char prog[PATH_MAX], libdir[PATH_MAX], env_lib[PATH_MAX + 32];
	const char **argv = calloc(n + 4, sizeof(char *));
	const char *env[] = { env_lib, NULL };
	struct test_run r;
	char *out = NULL;

	if (argv == NULL)
		return NULL;
	snprintf(prog, sizeof(prog), "%s/testsuite/kernel-oracle-prog",
		 test_build_root());
	snprintf(libdir, sizeof(libdir), "%s/lib", test_build_root());
	snprintf(env_lib, sizeof(env_lib), "LD_LIBRARY_PATH=%s", ours ? libdir : "");
	argv[0] = prog;
	argv[1] = moddir;
	argv[2] = "/nonexistent/modkit-test";
	for (size_t i = 0; i < n; i++)
		argv[3 + i] = ops[i];
	if (test_run(&r, argv, env) == 0 && r.status == 0 &&
	    strncmp(r.out, "lib ", 4) == 0 &&
	    (strstr(r.out, libdir) == r.out + 4) == ours)
		out = strdup(strchr(r.out, '\n') + 1);
	else
		fprintf(stderr, "kernel-oracle-prog (%s) failed: status %d\n%.300s\n",
			ours ? "ours" : "debian", r.status, r.err ? r.err : "");
	test_run_release(&r);
	free(argv);
	return out;
}

/* The first differing line, for the failure message. */
static void report_diff(const char *a, const char *b)
{
	size_t line = 1;
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	fprintf(stderr, "line %zu differs:\n  ours:   %.*s\n  debian: %.*s\n", line,
		(int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

/*
 * Known differences between kmod 30 and 34.2, applied to the Debian transcript:
 * a module without exports gives -ENODATA in 34.2 (tools.md 6.6: "could not get
 * symbols of <FILE>: No data available"), -ENOENT in kmod 30.
 */
static char *normalise_kmod30(char *t)
{
	static const char from[] = "\nsymbols -2\n", to[] = "\nsymbols -61\n";
	struct strbuf sb;
	const char *p = t, *hit;

	if (t == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((hit = strstr(p, from)) != NULL) {
		strbuf_pushmem(&sb, p, hit - p);
		strbuf_pushchars(&sb, to);
		p = hit + STRLEN(from);
	}
	strbuf_pushchars(&sb, p);
	free(t);
	return strbuf_steal(&sb);
}

static int compare_chunks(const char *moddir, char **ops, size_t n, size_t *compared)
{
	for (size_t i = 0; i < n; i += CHUNK) {
		size_t cnt = n - i < CHUNK ? n - i : CHUNK;
		char *deb = normalise_kmod30(oracle(moddir, ops + i, cnt, false));
		char *ours = oracle(moddir, ops + i, cnt, true);

		CHECK(deb != NULL && ours != NULL);
		if (strcmp(deb, ours) != 0) {
			report_diff(ours, deb);
			CHECK_MSG(0, "transcripts differ in ops %zu..%zu", i,
				  i + cnt - 1);
		}
		*compared += cnt;
		free(deb);
		free(ours);
	}
	return 0;
}

/* info of every module of modules.order (with suffix appended to each path). */
static int all_modules(const char *root, const char *suffix)
{
	char path[PATH_MAX], *order = NULL, *save = NULL, **ops;
	size_t len, n = 0, compared = 0;
	int r;

	CHECK(root != NULL);
	snprintf(path, sizeof(path), "%s/lib/modules/" KVER "/modules.order", root);
	CHECK_INT_EQ(test_read_file(path, &order, &len), 0);
	ops = calloc(len / 4 + 1, sizeof(char *));
	CHECK(ops != NULL);
	for (char *l = strtok_r(order, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		CHECK(asprintf(&ops[n++], "info|%s/lib/modules/" KVER "/%s%s", root, l,
			       suffix) > 0);
	CHECK(n > 4000);
	snprintf(path, sizeof(path), "%s/lib/modules/" KVER, root);
	r = compare_chunks(path, ops, n, &compared);
	for (size_t i = 0; i < n; i++)
		free(ops[i]);
	free(ops);
	free(order);
	CHECK_INT_EQ(r, 0);
	CHECK_INT_EQ(compared, n);
	return 0;
}

TEST(debian_all_modules_info)
{
	return all_modules(debian_root(), "");
}

/* the zstd-compressed copy of the tree (kmod 30 decompresses in userspace too) */
TEST(debian_all_modules_info_zst)
{
	return all_modules(debian_root_kind("zst"), ".zst");
}

TEST(debian_builtin_info)
{
	const char *root = debian_root();
	char path[PATH_MAX], target[PATH_MAX], *text = NULL, *save = NULL, **ops;
	char *dir = test_tmpdir();
	struct index_writer *w = index_writer_new();
	size_t len, n = 0, compared = 0;
	FILE *f;
	int r;

	CHECK(root != NULL && dir != NULL && w != NULL);
	/* a module dir of our own: modules.builtin.bin from modules.builtin, and the
	 * tree's modules.builtin.modinfo */
	snprintf(path, sizeof(path), "%s/lib/modules/" KVER "/modules.builtin", root);
	CHECK_INT_EQ(test_read_file(path, &text, &len), 0);
	ops = calloc(len / 4 + 2, sizeof(char *));
	CHECK(ops != NULL);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[PATH_MAX];

		CHECK(path_to_modname(l, name, NULL) != NULL);
		CHECK(index_writer_insert(w, name, "", 0) >= 0);
		CHECK(asprintf(&ops[n++], "infoname|%s", name) > 0);
	}
	CHECK(n > 100);
	/* and a name that is not builtin at all */
	CHECK(asprintf(&ops[n++], "infoname|%s", "not_a_builtin") > 0);
	snprintf(path, sizeof(path), "%s/modules.builtin.bin", dir);
	f = fopen(path, "we");
	CHECK(f != NULL);
	CHECK_INT_EQ(index_writer_write(w, f), 0);
	CHECK_INT_EQ(fclose(f), 0);
	index_writer_free(w);
	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dir);
	snprintf(target, sizeof(target),
		 "%s/lib/modules/" KVER "/modules.builtin.modinfo", root);
	CHECK_INT_EQ(symlink(target, path), 0);

	r = compare_chunks(dir, ops, n, &compared);
	for (size_t i = 0; i < n; i++)
		free(ops[i]);
	free(ops);
	free(text);
	CHECK_INT_EQ(r, 0);
	CHECK_INT_EQ(compared, n);
	return 0;
}

TEST_MAIN()
