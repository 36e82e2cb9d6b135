// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exported ABI of the built libkmod.so.2: soname, version nodes, the exact set
 * of dynamic symbols with their versions (both directions), enum values against
 * Debian's header, and a binary built against Debian's libkmod running on ours.
 *
 * The expected symbol list is written out here from the specification
 * (kmod 34's libkmod.sym plus Debian 12's extra LIBKMOD_5 version of
 * kmod_module_new_from_name_lookup), not derived from lib/libkmod.sym.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core-fixture.h"

static const char *const syms_5[] = {
	"kmod_new",
	"kmod_ref",
	"kmod_unref",
	"kmod_get_log_priority",
	"kmod_set_log_priority",
	"kmod_set_log_fn",
	"kmod_get_userdata",
	"kmod_set_userdata",
	"kmod_load_resources",
	"kmod_unload_resources",
	"kmod_validate_resources",
	"kmod_dump_index",
	"kmod_list_next",
	"kmod_list_prev",
	"kmod_list_last",
	"kmod_config_get_aliases",
	"kmod_config_get_blacklists",
	"kmod_config_get_install_commands",
	"kmod_config_get_options",
	"kmod_config_get_remove_commands",
	"kmod_config_get_softdeps",
	"kmod_config_iter_get_key",
	"kmod_config_iter_get_value",
	"kmod_config_iter_next",
	"kmod_config_iter_free_iter",
	"kmod_module_new_from_name",
	"kmod_module_new_from_path",
	"kmod_module_new_from_lookup",
	"kmod_module_new_from_loaded",
	"kmod_module_ref",
	"kmod_module_unref",
	"kmod_module_unref_list",
	"kmod_module_get_module",
	"kmod_module_get_name",
	"kmod_module_get_path",
	"kmod_module_get_options",
	"kmod_module_get_install_commands",
	"kmod_module_get_remove_commands",
	"kmod_module_get_dependencies",
	"kmod_module_get_softdeps",
	"kmod_module_get_filtered_blacklist",
	"kmod_module_get_info",
	"kmod_module_info_get_key",
	"kmod_module_info_get_value",
	"kmod_module_info_free_list",
	"kmod_module_get_versions",
	"kmod_module_version_get_symbol",
	"kmod_module_version_get_crc",
	"kmod_module_versions_free_list",
	"kmod_module_get_symbols",
	"kmod_module_symbol_get_symbol",
	"kmod_module_symbol_get_crc",
	"kmod_module_symbols_free_list",
	"kmod_module_get_dependency_symbols",
	"kmod_module_dependency_symbol_get_symbol",
	"kmod_module_dependency_symbol_get_crc",
	"kmod_module_dependency_symbol_get_bind",
	"kmod_module_dependency_symbols_free_list",
	"kmod_module_get_initstate",
	"kmod_module_initstate_str",
	"kmod_module_get_refcnt",
	"kmod_module_get_holders",
	"kmod_module_get_sections",
	"kmod_module_section_get_name",
	"kmod_module_section_get_address",
	"kmod_module_section_free_list",
	"kmod_module_get_size",
	"kmod_module_insert_module",
	"kmod_module_remove_module",
	"kmod_module_probe_insert_module",
};

static const struct {
	const char *version;
	const char *name;
} syms_later[] = {
	{ "LIBKMOD_6", "kmod_module_apply_filter" },
	{ "LIBKMOD_22", "kmod_get_dirname" },
	{ "LIBKMOD_30", "kmod_module_new_from_name_lookup" },
	{ "LIBKMOD_33", "kmod_config_get_weakdeps" },
	{ "LIBKMOD_33", "kmod_module_get_weakdeps" },
};

#define N_EXPECTED (ARRAY_SIZE(syms_5) + ARRAY_SIZE(syms_later) + 1)

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drops the last n components of path. */
static void strip_components(char *path, int n)
{
	while (n-- > 0) {
		char *slash = strrchr(path, '/');

		if (slash != NULL)
			*slash = '\0';
	}
}

/*
 * The build and source trees, absolute: from meson's environment, else from this
 * program's location (<build>/testsuite/test-abi) and the name the compiler was
 * given for this file (relative to the build tree), so that a run by hand from any
 * directory checks the same files. The control in debian_binary_loads_our_library
 * looks for the build root in a path: a relative "." would be found anywhere.
 */
static const char *build_root(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("MODKIT_BUILD_ROOT");

	if (dir[0] != '\0')
		return dir;
	if (env != NULL && env[0] != '\0') {
		if (realpath(env, dir) == NULL)
			snprintf(dir, sizeof(dir), "%s", env);
	} else if (realpath("/proc/self/exe", dir) != NULL) {
		strip_components(dir, 2);
	}
	return dir;
}

static const char *source_root(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("MODKIT_SOURCE_ROOT");
	char *guess = NULL;

	if (dir[0] != '\0')
		return dir;
	if (env != NULL && env[0] != '\0') {
		guess = strdup(env);
	} else if (asprintf(&guess, "%s%s", __FILE__[0] == '/' ? "" : build_root(),
			    __FILE__[0] == '/' ? __FILE__ : "/" __FILE__) > 0) {
		strip_components(guess, 2); /* <source>/testsuite/test-abi.c */
	} else {
		guess = NULL;
	}
	if (guess != NULL && realpath(guess, dir) == NULL)
		snprintf(dir, sizeof(dir), "%s", guess);
	free(guess);
	return dir;
}

static char *library_path(void)
{
	static char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/lib/libkmod.so.2", build_root());
	return path;
}

/* readelf OPT -W FILE (-W: never truncate names) */
static int readelf(struct test_run *r, const char *opt, const char *file)
{
	const char *argv[] = { "/usr/bin/readelf", opt, "-W", file, NULL };

	return test_run(r, argv, NULL);
}

/* The expected "name@VER" / "name@@VER" strings. */
static char **expected_symbols(size_t *n)
{
	char **v = calloc(N_EXPECTED, sizeof(char *));
	size_t k = 0;

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(syms_5); i++)
		if (asprintf(&v[k++], "%s@@LIBKMOD_5", syms_5[i]) < 0)
			return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(syms_later); i++)
		if (asprintf(&v[k++], "%s@@%s", syms_later[i].name,
			     syms_later[i].version) < 0)
			return NULL;
	/* the non-default one, for binaries linked against Debian 12's kmod 30 */
	v[k++] = strdup("kmod_module_new_from_name_lookup@LIBKMOD_5");
	*n = k;
	return v;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != NULL && streq(v[i], s))
			return true;
	return false;
}

TEST(expected_list_size)
{
	/* the issue: 75 functions, 76 symbol@version pairs */
	CHECK_INT_EQ(ARRAY_SIZE(syms_5) + ARRAY_SIZE(syms_later), 75);
	CHECK_INT_EQ(N_EXPECTED, 76);
	return 0;
}

TEST(dynamic_symbols_match)
{
	struct test_run r;
	size_t n_exp = 0, n_got = 0;
	char **exp = expected_symbols(&n_exp);
	char *got[512];
	char *line, *save = NULL;
	int bad = 0;

	CHECK(exp != NULL);
	CHECK_INT_EQ(readelf(&r, "--dyn-syms", library_path()), 0);
	CHECK_INT_EQ(r.status, 0);
	/* "  71: 000..  223 FUNC    GLOBAL DEFAULT   13 name@@VER" */
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char num[32], value[32], size[32], type[32], bind[32], vis[32], ndx[32];
		char name[512];

		if (sscanf(line, "%31s %31s %31s %31s %31s %31s %31s %511s", num, value,
			   size, type, bind, vis, ndx, name) != 8)
			continue;
		if (num[0] < '0' || num[0] > '9') /* the column titles */
			continue;
		if (streq(ndx, "UND") || streq(bind, "LOCAL") || streq(type, "SECTION"))
			continue;
		/* version definitions show as absolute OBJECT symbols named after them */
		if (streq(ndx, "ABS") && streq(type, "OBJECT") &&
		    strstartswith(name, "LIBKMOD_"))
			continue;
		CHECK(n_got < ARRAY_SIZE(got));
		got[n_got++] = strdup(name);
	}
	for (size_t i = 0; i < n_exp; i++) {
		if (!in_list(got, n_got, exp[i])) {
			fprintf(stderr, "missing: %s\n", exp[i]);
			bad++;
		}
	}
	for (size_t i = 0; i < n_got; i++) {
		if (!in_list(exp, n_exp, got[i])) {
			fprintf(stderr, "unexpected: %s\n", got[i]);
			bad++;
		}
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(n_got, 76);
	test_run_release(&r);
	for (size_t i = 0; i < n_got; i++)
		free(got[i]);
	for (size_t i = 0; i < n_exp; i++)
		free(exp[i]);
	free(exp);
	return 0;
}

TEST(soname)
{
	struct test_run r;

	CHECK_INT_EQ(readelf(&r, "-d", library_path()), 0);
	CHECK_INT_EQ(r.status, 0);
	CHECK(strstr(r.out, "Library soname: [libkmod.so.2]") != NULL);
	test_run_release(&r);
	return 0;
}

TEST(version_chain)
{
	static const char *const chain[][2] = {
		{ "LIBKMOD_6", "LIBKMOD_5" },
		{ "LIBKMOD_22", "LIBKMOD_6" },
		{ "LIBKMOD_30", "LIBKMOD_22" },
		{ "LIBKMOD_33", "LIBKMOD_30" },
	};
	struct test_run r;
	char *p;

	CHECK_INT_EQ(readelf(&r, "-V", library_path()), 0);
	CHECK_INT_EQ(r.status, 0);
	p = strstr(r.out, "Version definition section");
	CHECK(p != NULL);
	CHECK(strstr(p, "Flags: BASE  Index: 1  Cnt: 1  Name: libkmod.so.2") != NULL);
	CHECK(strstr(p, "Cnt: 1  Name: LIBKMOD_5\n") != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(chain); i++) {
		char want[128], *at;

		snprintf(want, sizeof(want), "Name: %s\n", chain[i][0]);
		at = strstr(p, want);
		CHECK_MSG(at != NULL, "no version node %s", chain[i][0]);
		/* the next line names the parent */
		at = strchr(at, '\n') + 1;
		snprintf(want, sizeof(want), "Parent 1: %s\n", chain[i][1]);
		CHECK_MSG(strstr(at, want) == strstr(at, "Parent 1:") && strstr(at, want),
			  "%s: parent is not %s", chain[i][0], chain[i][1]);
	}
	test_run_release(&r);
	return 0;
}

static const char *debian_prog(void)
{
	static char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/testsuite/abi-debian-prog", build_root());
	return path;
}

/* Runs the Debian-built program, on our library (ours=true) or on the system's. */
static int run_debian_prog(struct test_run *r, bool ours, const char *const argv[])
{
	char ldpath[PATH_MAX + 32];
	const char *env_ours[] = { ldpath, NULL };
	const char *env_sys[] = { "LD_LIBRARY_PATH=", NULL };

	snprintf(ldpath, sizeof(ldpath), "LD_LIBRARY_PATH=%s/lib", build_root());
	return test_run(r, argv, ours ? env_ours : env_sys);
}

TEST(debian_binary_loads_our_library)
{
	const char *argv[] = { debian_prog(), "maps", NULL };
	char want[PATH_MAX + 32], *a, *b, *nl;
	struct test_run r;

	CHECK_INT_EQ(run_debian_prog(&r, true, argv), 0);
	CHECK_INT_EQ(r.status, 0);
	snprintf(want, sizeof(want), "%s/lib/libkmod.so.2", build_root());
	/* real paths: the build root may be reached through a symlink */
	nl = strchr(r.out, '\n');
	if (nl != NULL)
		*nl = '\0';
	a = realpath(want, NULL);
	b = realpath(r.out, NULL);
	CHECK_MSG(a != NULL && b != NULL && streq(a, b), "loaded '%s', not '%s'", r.out,
		  want);
	free(b);
	test_run_release(&r);

	/* the control: without the variable, the system library is used */
	CHECK_INT_EQ(run_debian_prog(&r, false, argv), 0);
	CHECK_INT_EQ(r.status, 0);
	nl = strchr(r.out, '\n');
	if (nl != NULL)
		*nl = '\0';
	CHECK_MSG(strstr(r.out, "/libkmod.so.2") != NULL, "loaded: %s", r.out);
	CHECK_MSG(strstr(r.out, build_root()) == NULL, "loaded: %s", r.out);
	b = realpath(r.out, NULL);
	CHECK_MSG(b != NULL && !streq(a, b), "loaded: %s", r.out);
	free(a);
	free(b);
	test_run_release(&r);
	return 0;
}

TEST(debian_binary_references_libkmod_5)
{
	struct test_run r;

	CHECK_INT_EQ(readelf(&r, "--dyn-syms", debian_prog()), 0);
	CHECK(strstr(r.out, "kmod_module_new_from_name_lookup@LIBKMOD_5") != NULL);
	test_run_release(&r);
	return 0;
}

TEST(header_enums_match_debian)
{
	const char *argv[] = { debian_prog(), "enums", NULL };
	char expected[2048];
	struct test_run r;

	/* values as our header defines them */
	snprintf(
		expected, sizeof(expected),
		"KMOD_RESOURCES %d %d %d\nKMOD_INDEX %d %d %d %d %d\nKMOD_REMOVE %d %d %d\n"
		"KMOD_INSERT %d %d\nKMOD_PROBE %d %d %d %d %d %d %d %d %d\n"
		"KMOD_FILTER %d %d\nKMOD_MODULE %d %d %d %d\nKMOD_SYMBOL %d %d %d %d %d\n"
		"sizeof %zu %zu %zu %zu\n",
		KMOD_RESOURCES_OK, KMOD_RESOURCES_MUST_RELOAD,
		KMOD_RESOURCES_MUST_RECREATE, KMOD_INDEX_MODULES_DEP,
		KMOD_INDEX_MODULES_ALIAS, KMOD_INDEX_MODULES_SYMBOL,
		KMOD_INDEX_MODULES_BUILTIN_ALIAS, KMOD_INDEX_MODULES_BUILTIN,
		KMOD_REMOVE_FORCE, KMOD_REMOVE_NOWAIT, KMOD_REMOVE_NOLOG,
		KMOD_INSERT_FORCE_VERMAGIC, KMOD_INSERT_FORCE_MODVERSION,
		KMOD_PROBE_FORCE_VERMAGIC, KMOD_PROBE_FORCE_MODVERSION,
		KMOD_PROBE_IGNORE_COMMAND, KMOD_PROBE_IGNORE_LOADED, KMOD_PROBE_DRY_RUN,
		KMOD_PROBE_FAIL_ON_LOADED, KMOD_PROBE_APPLY_BLACKLIST_ALL,
		KMOD_PROBE_APPLY_BLACKLIST, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY,
		KMOD_FILTER_BLACKLIST, KMOD_FILTER_BUILTIN, KMOD_MODULE_BUILTIN,
		KMOD_MODULE_LIVE, KMOD_MODULE_COMING, KMOD_MODULE_GOING, KMOD_SYMBOL_NONE,
		KMOD_SYMBOL_LOCAL, KMOD_SYMBOL_GLOBAL, KMOD_SYMBOL_WEAK,
		KMOD_SYMBOL_UNDEF, sizeof(enum kmod_index),
		sizeof(enum kmod_module_initstate), sizeof(enum kmod_probe),
		sizeof(enum kmod_filter));
	CHECK_INT_EQ(run_debian_prog(&r, false, argv), 0);
	CHECK_RUN(&r, expected, "", 0);
	test_run_release(&r);
	return 0;
}

TEST(debian_binary_runs_unchanged)
{
	static const char expected[] = "dirname-ok 1\n"
				       "load 0\n"
				       "lookup foo: 0\n"
				       "  foo path=yes options=a=1 deps=baz,bar,\n"
				       "lookup usb:v123: 0\n"
				       "  bar path=yes options=- deps=baz,\n"
				       "  baz path=yes options=- deps=\n"
				       " filtered bar path=yes options=- deps=baz,\n"
				       "lookup symbol:bar_fn: 0\n"
				       "  bar path=yes options=- deps=baz,\n"
				       "lookup bi_alias: 0\n"
				       "  bi_mod path=no options=- deps=\n"
				       "lookup myalias: 0\n"
				       "  foo path=yes options=a=1 d=4 deps=baz,bar,\n"
				       "name_lookup 0\n"
				       "  dash_mod path=yes options=- deps=\n"
				       "validate 0\n";
	struct fx_tree t;
	const char *argv[] = { debian_prog(), "run", t.moddir, t.confdir, NULL };
	struct test_run r;

	CHECK_INT_EQ(fx_tree_init(&t, "alias my* foo\n"
				      "options foo a=1\n"
				      "options my* d=4\n"
				      "blacklist baz\n"),
		     0);
	/* on our library, then on Debian's own as the oracle of the expected text */
	CHECK_INT_EQ(run_debian_prog(&r, true, argv), 0);
	CHECK_RUN(&r, expected, "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(run_debian_prog(&r, false, argv), 0);
	CHECK_RUN(&r, expected, "", 0);
	test_run_release(&r);
	return 0;
}

/* Declarations of kmod_* functions a header gives, as gcc -aux-info prints them
 * (no parameter names), sorted. */
static int header_prototypes(const char *include_dir, char **out)
{
	char *dir = test_tmpdir(), src[PATH_MAX], aux[PATH_MAX], inc[PATH_MAX + 2];
	const char *argv[] = { MODKIT_CC, "-fsyntax-only", "-aux-info", aux, inc, src,
			       NULL };
	struct test_run r;
	char *text, *line, *save = NULL, *lines[256];
	size_t len, n = 0, used = 0;

	snprintf(src, sizeof(src), "%s/h.c", dir);
	snprintf(aux, sizeof(aux), "%s/h.aux", dir);
	snprintf(inc, sizeof(inc), "-I%s", include_dir);
	if (test_write_str(src, "#include <libkmod.h>\n") < 0 ||
	    test_run(&r, argv, NULL) < 0)
		return -EIO;
	if (r.status != 0) {
		fprintf(stderr, "%s", r.err);
		return -EIO;
	}
	test_run_release(&r);
	if (test_read_file(aux, &text, &len) < 0)
		return -EIO;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "*/ ");

		/* each line is "<comment naming file:line> declaration" */
		if (decl == NULL || strstr(decl, " kmod_") == NULL ||
		    n == ARRAY_SIZE(lines))
			continue;
		lines[n++] = decl + 3;
	}
	qsort(lines, n, sizeof(char *), strcmp_ptr);
	*out = calloc(1, len + n + 1);
	for (size_t i = 0; *out != NULL && i < n; i++)
		used += sprintf(*out + used, "%s\n", lines[i]);
	free(text);
	return *out ? (int)n : -ENOMEM;
}

TEST(header_prototypes_match_debian)
{
	char ours_dir[PATH_MAX + 8], *ours = NULL, *deb = NULL, *line, *save = NULL;
	int n_ours, n_deb, missing = 0;

	snprintf(ours_dir, sizeof(ours_dir), "%s/lib", source_root());
	n_ours = header_prototypes(ours_dir, &ours);
	/* an empty directory: the compiler falls back to /usr/include */
	n_deb = header_prototypes(test_tmpdir(), &deb);
	CHECK(n_ours > 0 && n_deb > 0);
	/* kmod 30's 73 declarations, each identical in ours; ours has the 2 of kmod 33 */
	CHECK_INT_EQ(n_deb, 73);
	CHECK_INT_EQ(n_ours, 75);
	for (line = strtok_r(deb, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(ours, line) == NULL) {
			fprintf(stderr, "differs: %s\n", line);
			missing++;
		}
	}
	CHECK_INT_EQ(missing, 0);
	CHECK(strstr(ours,
		     "extern int kmod_module_get_weakdeps (const struct kmod_module *, "
		     "struct kmod_list **);") != NULL);
	CHECK(strstr(ours,
		     "extern struct kmod_config_iter *kmod_config_get_weakdeps (const "
		     "struct kmod_ctx *);") != NULL);
	free(ours);
	free(deb);
	return 0;
}

/* The installed header stands alone, in C and in C++, warning-free. */
TEST(header_compiles_standalone)
{
	char *dir = test_tmpdir(), c[PATH_MAX], cxx[PATH_MAX], inc[PATH_MAX + 8];
	const char *argv_c[] = {
		MODKIT_CC, "-fsyntax-only", "-Wall", "-Wextra", "-Werror", inc, c, NULL
	};
	const char *argv_cxx[] = {
		MODKIT_CXX, "-fsyntax-only", "-Wall", "-Wextra", "-Werror", inc, cxx, NULL
	};
	const char *body = "#include <libkmod.h>\n"
			   "int main(void) { return kmod_new(0, 0) == 0; }\n";
	struct test_run r;

	snprintf(inc, sizeof(inc), "-I%s/lib", source_root());
	snprintf(c, sizeof(c), "%s/h.c", dir);
	snprintf(cxx, sizeof(cxx), "%s/h.cc", dir);
	CHECK_INT_EQ(test_write_str(c, body), 0);
	CHECK_INT_EQ(test_write_str(cxx, body), 0);
	CHECK_INT_EQ(test_run(&r, argv_c, NULL), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	if (MODKIT_CXX[0] == '\0')
		return 0;
	CHECK_INT_EQ(test_run(&r, argv_cxx, NULL), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	return 0;
}

TEST(pkgconfig_file)
{
	char path[PATH_MAX + 32], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/lib/libkmod.pc", build_root());
	CHECK_INT_EQ(test_read_file(path, &text, &len), 0);
	CHECK(strstr(text, "\nName: libkmod\n") != NULL);
	CHECK(strstr(text, "\nVersion: 34") != NULL);
	CHECK(strstr(text, "\nLibs: -L${libdir} -lkmod\n") != NULL);
	CHECK(strstr(text, "\nCflags: -I${includedir}") != NULL);
	free(text);
	return 0;
}

TEST_MAIN()
