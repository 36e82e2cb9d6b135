// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context (lib/ctx.c): module directory, logging set-up, reference
 * counting, index loading/validation and index dumps, on core-fixture.h's tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "core-fixture.h"

#define SETUP(conf)                              \
	struct fx_tree t;                        \
	struct kmod_ctx *ctx;                    \
	CHECK_INT_EQ(fx_tree_init(&t, conf), 0); \
	ctx = fx_ctx(&t);                        \
	CHECK(ctx != NULL)

/* Moves a file's mtime one second forward. */
static int bump_mtime(const char *path)
{
	struct stat st;
	struct timespec ts[2];

	if (stat(path, &st) < 0)
		return -errno;
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec += 1;
	return utimensat(AT_FDCWD, path, ts, 0) < 0 ? -errno : 0;
}

/* Runs kmod_dump_index() into a file and returns its contents (static buffer). */
static const char *dump(struct kmod_ctx *ctx, enum kmod_index type, int *ret)
{
	static char *text;
	char *dir = test_tmpdir();
	char path[PATH_MAX];
	size_t len;
	int fd;

	free(text);
	text = NULL;
	snprintf(path, sizeof(path), "%s/dump", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	*ret = kmod_dump_index(ctx, type, fd);
	close(fd);
	if (test_read_file(path, &text, &len) < 0)
		return NULL;
	return text;
}

TEST(dirname_absolute)
{
	struct kmod_ctx *ctx;
	char *dir = test_tmpdir();
	char expected[PATH_MAX];

	CHECK_INT_EQ(chdir(dir), 0);
	ctx = kmod_new("some/dir", NULL);
	CHECK(ctx != NULL);
	snprintf(expected, sizeof(expected), "%s/some/dir", dir);
	CHECK_STR_EQ(kmod_get_dirname(ctx), expected);
	kmod_unref(ctx);

	ctx = kmod_new("/abs/dir", NULL);
	CHECK_STR_EQ(kmod_get_dirname(ctx), "/abs/dir");
	kmod_unref(ctx);
	return 0;
}

TEST(dirname_default_is_running_kernel)
{
	struct kmod_ctx *ctx;
	struct utsname u;
	char expected[PATH_MAX];
	const char *paths[] = { test_tmpdir(), NULL };

	CHECK_INT_EQ(uname(&u), 0);
	snprintf(expected, sizeof(expected), "%s/%s", MODULE_DIRECTORY, u.release);
	ctx = kmod_new(NULL, paths);
	CHECK(ctx != NULL);
	CHECK_STR_EQ(kmod_get_dirname(ctx), expected);
	kmod_unref(ctx);
	return 0;
}

TEST(log_priority_default_and_env)
{
	static const struct {
		const char *env;
		int prio;
	} v[] = {
		{ NULL, LOG_ERR },    { "debug", LOG_DEBUG },
		{ "info", LOG_INFO }, { "err", LOG_ERR },
		{ "5", 5 },	      { "0", 0 },
	};
	struct kmod_ctx *ctx;

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (v[i].env)
			setenv("KMOD_LOG", v[i].env, 1);
		else
			unsetenv("KMOD_LOG");
		ctx = kmod_new("/nonexistent", NULL);
		CHECK(ctx != NULL);
		CHECK_MSG(kmod_get_log_priority(ctx) == v[i].prio, "KMOD_LOG=%s: %d",
			  v[i].env, kmod_get_log_priority(ctx));
		kmod_set_log_priority(ctx, LOG_WARNING);
		CHECK_INT_EQ(kmod_get_log_priority(ctx), LOG_WARNING);
		kmod_unref(ctx);
	}
	return 0;
}

TEST(info_messages)
{
	struct kmod_ctx *ctx;
	struct fx_log log = { .len = 0 };
	char expected[512];
	int fd_err, saved;
	char *dir = test_tmpdir(), path[PATH_MAX], *text;
	size_t len;

	test_need_feature("logging"); /* checks the library's messages */
	/* the default logger: "libkmod: INFO: <function>: <text>" on stderr */
	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd_err = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd_err >= 0);
	saved = dup(2);
	dup2(fd_err, 2);
	setenv("KMOD_LOG", "info", 1);
	ctx = kmod_new("/nonexistent", NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd_err);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(test_read_file(path, &text, &len), 0);
	snprintf(expected, sizeof(expected), "libkmod: INFO: kmod_new: ctx %p created\n",
		 (void *)ctx);
	CHECK_STR_EQ(text, expected);
	free(text);

	kmod_set_log_fn(ctx, fx_log_fn, &log);
	snprintf(expected, sizeof(expected),
		 "6:kmod_set_log_fn:custom logging function %p registered\n",
		 (void *)(uintptr_t)fx_log_fn);
	CHECK_STR_EQ(log.buf, expected);
	log.len = 0;
	snprintf(expected, sizeof(expected), "6:kmod_unref:context %p released\n",
		 (void *)ctx);
	kmod_unref(ctx);
	CHECK_STR_EQ(log.buf, expected);

	/* at the default priority none of them shows */
	unsetenv("KMOD_LOG");
	log.len = 0;
	log.buf[0] = '\0';
	ctx = kmod_new("/nonexistent", NULL);
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	kmod_unref(ctx);
	CHECK_INT_EQ(log.len, 0);
	return 0;
}

/* -Dlogging=false compiles every library message out: the log function of a context is
 * then never called, whatever the priority. With messages, the same calls log. */
TEST(messages_follow_the_logging_option)
{
	struct fx_log log = { .len = 0 };
	struct kmod_ctx *ctx = kmod_new("/nonexistent", NULL);

	CHECK(ctx != NULL);
	log.buf[0] = '\0';
	kmod_set_log_priority(ctx, LOG_DEBUG);
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	kmod_unref(ctx);
	if (test_have_feature("logging")) {
		CHECK(strstr(log.buf, ":kmod_set_log_fn:custom logging function") !=
		      NULL);
		CHECK(strstr(log.buf, ":kmod_unref:context ") != NULL);
	} else {
		CHECK_STR_EQ(log.buf, "");
		CHECK_INT_EQ(log.len, 0);
	}
	return 0;
}

TEST(userdata_and_refs)
{
	int x;
	SETUP(NULL);

	CHECK(kmod_get_userdata(ctx) == NULL);
	kmod_set_userdata(ctx, &x);
	CHECK(kmod_get_userdata(ctx) == &x);
	CHECK(kmod_ref(ctx) == ctx);
	CHECK(kmod_unref(ctx) == ctx);
	CHECK(kmod_unref(ctx) == NULL);
	return 0;
}

TEST(null_context)
{
	CHECK(kmod_ref(NULL) == NULL);
	CHECK(kmod_unref(NULL) == NULL);
	CHECK(kmod_get_dirname(NULL) == NULL);
	CHECK(kmod_get_userdata(NULL) == NULL);
	CHECK_INT_EQ(kmod_get_log_priority(NULL), -1);
	kmod_set_log_priority(NULL, 1);
	kmod_set_userdata(NULL, NULL);
	kmod_set_log_fn(NULL, NULL, NULL);
	kmod_unload_resources(NULL);
	CHECK_INT_EQ(kmod_load_resources(NULL), -ENOENT);
	CHECK_INT_EQ(kmod_validate_resources(NULL), KMOD_RESOURCES_MUST_RECREATE);
	CHECK_INT_EQ(kmod_dump_index(NULL, KMOD_INDEX_MODULES_DEP, 1), -ENOSYS);
	return 0;
}

TEST(load_resources)
{
	struct kmod_list *deps;
	struct kmod_module *m;
	char path[PATH_MAX * 2];
	SETUP(NULL);

	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	for (int i = 0; i < _INDEX_COUNT; i++)
		CHECK(ctx->indexes[i] != NULL);
	/* loading twice keeps what is loaded */
	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	deps = kmod_module_get_dependencies(m);
	CHECK_STR_EQ(fx_names(deps), "baz bar");
	kmod_module_unref_list(deps);
	kmod_module_unref(m);
	kmod_unload_resources(ctx);
	for (int i = 0; i < _INDEX_COUNT; i++)
		CHECK(ctx->indexes[i] == NULL);
	kmod_unref(ctx);

	/* modules.builtin.alias.bin is optional */
	snprintf(path, sizeof(path), "%s/modules.builtin.alias.bin", t.moddir);
	CHECK_INT_EQ(unlink(path), 0);
	ctx = fx_ctx(&t);
	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	CHECK(ctx->indexes[INDEX_MODULES_DEP] != NULL);
	CHECK(ctx->indexes[INDEX_MODULES_BUILTIN] != NULL);
	CHECK(ctx->indexes[INDEX_MODULES_BUILTIN_ALIAS] == NULL);
	kmod_unref(ctx);

	/* the others are not: nothing stays loaded */
	snprintf(path, sizeof(path), "%s/modules.symbols.bin", t.moddir);
	CHECK_INT_EQ(unlink(path), 0);
	ctx = fx_ctx(&t);
	CHECK_INT_EQ(kmod_load_resources(ctx), -ENOENT);
	for (int i = 0; i < _INDEX_COUNT; i++)
		CHECK(ctx->indexes[i] == NULL);
	kmod_unref(ctx);
	return 0;
}

TEST(load_resources_bad_index)
{
	char path[PATH_MAX * 2];
	SETUP(NULL);

	snprintf(path, sizeof(path), "%s/modules.alias.bin", t.moddir);
	CHECK_INT_EQ(test_write_str(path, "garbage, not an index"), 0);
	CHECK(kmod_load_resources(ctx) < 0);
	for (int i = 0; i < _INDEX_COUNT; i++)
		CHECK(ctx->indexes[i] == NULL);
	kmod_unref(ctx);
	return 0;
}

TEST(validate_resources)
{
	char path[PATH_MAX * 2];
	SETUP("alias x foo\n");

	/* nothing loaded: only the configuration is checked */
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);
	snprintf(path, sizeof(path), "%s/modules.alias.bin", t.moddir);
	CHECK_INT_EQ(bump_mtime(path), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);

	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);
	CHECK_INT_EQ(bump_mtime(path), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_MUST_RELOAD);
	kmod_unload_resources(ctx);
	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_OK);
	CHECK_INT_EQ(unlink(path), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_MUST_RELOAD);

	/* a configuration change needs a new context */
	snprintf(path, sizeof(path), "%s/test.conf", t.confdir);
	CHECK_INT_EQ(bump_mtime(path), 0);
	CHECK_INT_EQ(kmod_validate_resources(ctx), KMOD_RESOURCES_MUST_RECREATE);
	kmod_unref(ctx);
	return 0;
}

TEST(dump_index_formats)
{
	int ret = 1;
	char dep[PATH_MAX * 2];
	SETUP(NULL);

	snprintf(dep, sizeof(dep),
		 "bar kernel/bar.ko: kernel/baz.ko\n"
		 "baz kernel/baz.ko:\n"
		 "dash_mod kernel/dash-mod.ko:\n"
		 "extmod %s/ext/extmod.ko:\tkernel/baz.ko\n"
		 "foo kernel/foo.ko: kernel/bar.ko kernel/baz.ko\n"
		 "needsgone kernel/needsgone.ko: kernel/gone.ko\n"
		 "nofile kernel/nofile.ko:\n"
		 "odd:name kernel/baz.ko:\n",
		 t.root);
	for (int loaded = 0; loaded < 2; loaded++) {
		if (loaded)
			CHECK_INT_EQ(kmod_load_resources(ctx), 0);
		CHECK_STR_EQ(dump(ctx, KMOD_INDEX_MODULES_DEP, &ret), dep);
		CHECK_INT_EQ(ret, 0);
		/* alias and symbols carry the "alias " prefix, the builtin ones do not */
		CHECK_STR_EQ(dump(ctx, KMOD_INDEX_MODULES_ALIAS, &ret),
			     "alias dash_mod bar\n"
			     "alias pci:v00001234d* foo\n"
			     "alias twice baz\n"
			     "alias twice baz\n"
			     "alias usb:v1* bar\n"
			     "alias usb:v12* baz\n");
		CHECK_STR_EQ(dump(ctx, KMOD_INDEX_MODULES_SYMBOL, &ret),
			     "alias symbol:bar_fn bar\n"
			     "alias symbol:baz_* baz\n");
		CHECK_STR_EQ(dump(ctx, KMOD_INDEX_MODULES_BUILTIN, &ret),
			     "bi_mod \nbi_other \n");
		CHECK_STR_EQ(dump(ctx, KMOD_INDEX_MODULES_BUILTIN_ALIAS, &ret),
			     "acpi*:PNP0C09:* bi_other\n"
			     "bi_alias bi_mod\n");
		CHECK_INT_EQ(ret, 0);
	}
	CHECK_INT_EQ(kmod_dump_index(ctx, (enum kmod_index)5, 1), -ENOENT);
	CHECK_INT_EQ(kmod_dump_index(ctx, (enum kmod_index) - 1, 1), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(dump_index_missing)
{
	char path[PATH_MAX * 2];
	SETUP(NULL);

	snprintf(path, sizeof(path), "%s/modules.dep.bin", t.moddir);
	CHECK_INT_EQ(unlink(path), 0);
	CHECK_INT_EQ(kmod_dump_index(ctx, KMOD_INDEX_MODULES_DEP, 1), -ENOSYS);
	kmod_unref(ctx);
	return 0;
}

TEST(index_names)
{
	CHECK_STR_EQ(ctx_index_name(INDEX_MODULES_DEP), "modules.dep");
	CHECK_STR_EQ(ctx_index_name(INDEX_MODULES_ALIAS), "modules.alias");
	CHECK_STR_EQ(ctx_index_name(INDEX_MODULES_SYMBOL), "modules.symbols");
	CHECK_STR_EQ(ctx_index_name(INDEX_MODULES_BUILTIN_ALIAS),
		     "modules.builtin.alias");
	CHECK_STR_EQ(ctx_index_name(INDEX_MODULES_BUILTIN), "modules.builtin");
	CHECK(ctx_index_name(_INDEX_COUNT) == NULL);
	return 0;
}

TEST(index_get_put)
{
	struct index_mm *idx;
	SETUP(NULL);

	/* not loaded: a private copy each time */
	idx = ctx_index_get(ctx, INDEX_MODULES_DEP);
	CHECK(idx != NULL && idx != ctx->indexes[INDEX_MODULES_DEP]);
	ctx_index_put(ctx, INDEX_MODULES_DEP, idx);
	/* loaded: the context's, which put leaves alone */
	CHECK_INT_EQ(kmod_load_resources(ctx), 0);
	idx = ctx_index_get(ctx, INDEX_MODULES_DEP);
	CHECK(idx == ctx->indexes[INDEX_MODULES_DEP]);
	ctx_index_put(ctx, INDEX_MODULES_DEP, idx);
	CHECK(ctx->indexes[INDEX_MODULES_DEP] == idx);
	kmod_unref(ctx);
	return 0;
}

TEST(module_cache)
{
	struct kmod_module *m;
	SETUP(NULL);

	CHECK(ctx_lookup_module(ctx, "foo") == NULL);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK(ctx_lookup_module(ctx, "foo") == m);
	kmod_module_unref(m);
	CHECK(ctx_lookup_module(ctx, "foo") == NULL);
	kmod_unref(ctx);
	return 0;
}

TEST_MAIN()
