// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module objects and lookups (lib/module.c) on the fixture tree of
 * core-fixture.h. Expected values come from the fixture tables and from kmod's
 * documented rules (formats.md 7.3-7.4), checked against Debian's libkmod.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core-fixture.h"

#define SETUP(conf)                              \
	struct fx_tree t;                        \
	struct kmod_ctx *ctx;                    \
	CHECK_INT_EQ(fx_tree_init(&t, conf), 0); \
	ctx = fx_ctx(&t);                        \
	CHECK(ctx != NULL)

/* Looks up q and compares the names found with expected ("" = nothing). */
static int check_lookup(struct kmod_ctx *ctx, const char *q, const char *expected)
{
	struct kmod_list *list = NULL;
	int err = kmod_module_new_from_lookup(ctx, q, &list);

	CHECK_MSG(err >= 0, "lookup '%s': %d", q, err);
	CHECK_MSG(streq(fx_names(list), expected), "lookup '%s': got '%s', expected '%s'",
		  q, fx_names(list), expected);
	kmod_module_unref_list(list);
	return 0;
}

static char *moddir_path(const struct fx_tree *t, const char *rel)
{
	static char buf[PATH_MAX * 2];

	snprintf(buf, sizeof(buf), "%s/%s", t->moddir, rel);
	return buf;
}

TEST(new_from_name_normalises_and_shares)
{
	struct kmod_module *a, *b, *c;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "dash-mod.ko.xz", &a), 0);
	CHECK_STR_EQ(kmod_module_get_name(a), "dash_mod");
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "dash_mod", &b), 0);
	CHECK(a == b);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "dash-mod", &c), 0);
	CHECK(a == c);
	/* three references: the first two unrefs keep it alive */
	CHECK(kmod_module_unref(c) == a);
	CHECK(kmod_module_unref(b) == a);
	CHECK(kmod_module_ref(a) == a);
	CHECK(kmod_module_unref(a) == a);
	CHECK(kmod_module_unref(a) == NULL);
	/* a new object after the last reference went away, with fresh state */
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "dash_mod", &a), 0);
	CHECK_STR_EQ(kmod_module_get_path(a), moddir_path(&t, "kernel/dash-mod.ko"));
	kmod_module_unref(a);
	kmod_unref(ctx);
	return 0;
}

TEST(null_arguments)
{
	struct kmod_module *m = (void *)0x1;
	struct kmod_list *list = NULL, *pre = NULL, *post = NULL;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(NULL, "foo", &m), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, NULL, &m), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", NULL), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, NULL, &m), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_lookup(NULL, "foo", &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, NULL, &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, NULL, &m), -ENOENT);
	CHECK(m == (void *)0x1);
	CHECK(kmod_module_ref(NULL) == NULL);
	CHECK(kmod_module_unref(NULL) == NULL);
	CHECK_INT_EQ(kmod_module_unref_list(NULL), 0);
	CHECK(kmod_module_get_module(NULL) == NULL);
	CHECK(kmod_module_get_name(NULL) == NULL);
	CHECK(kmod_module_get_path(NULL) == NULL);
	CHECK(kmod_module_get_options(NULL) == NULL);
	CHECK(kmod_module_get_install_commands(NULL) == NULL);
	CHECK(kmod_module_get_remove_commands(NULL) == NULL);
	CHECK(kmod_module_get_dependencies(NULL) == NULL);
	CHECK_INT_EQ(kmod_module_get_softdeps(NULL, &pre, &post), -ENOENT);
	CHECK_INT_EQ(kmod_module_get_weakdeps(NULL, &pre), -ENOENT);
	CHECK_INT_EQ(kmod_module_apply_filter(NULL, KMOD_FILTER_BLACKLIST, NULL, &list),
		     -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(path_from_modules_dep)
{
	struct kmod_module *m;
	char ext[PATH_MAX];
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_STR_EQ(kmod_module_get_path(m), moddir_path(&t, "kernel/foo.ko"));
	kmod_module_unref(m);

	/* absolute paths in modules.dep are kept as they are */
	snprintf(ext, sizeof(ext), "%s/ext/extmod.ko", t.root);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "extmod", &m), 0);
	CHECK_STR_EQ(kmod_module_get_path(m), ext);
	kmod_module_unref(m);

	/* a missing file does not matter for the path */
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "nofile", &m), 0);
	CHECK_STR_EQ(kmod_module_get_path(m), moddir_path(&t, "kernel/nofile.ko"));
	CHECK(kmod_module_get_dependencies(m) == NULL);
	kmod_module_unref(m);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "unknown", &m), 0);
	CHECK(kmod_module_get_path(m) == NULL);
	CHECK(kmod_module_get_dependencies(m) == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(dependencies_deepest_first)
{
	struct kmod_module *m;
	struct kmod_list *deps, *deps2;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	deps = kmod_module_get_dependencies(m);
	/* modules.dep says "bar baz": the list is in loading order, baz first */
	CHECK_STR_EQ(fx_names(deps), "baz bar");
	CHECK_STR_EQ(kmod_module_get_path(deps->data), moddir_path(&t, "kernel/baz.ko"));
	CHECK_STR_EQ(kmod_module_get_path(kmod_list_last(deps)->data),
		     moddir_path(&t, "kernel/bar.ko"));
	/* every call hands out new references to the same objects */
	deps2 = kmod_module_get_dependencies(m);
	CHECK(deps2 != deps && deps2->data == deps->data);
	kmod_module_unref_list(deps2);
	kmod_module_unref_list(deps);
	kmod_module_unref(m);

	/* a tab separates the dependency of extmod */
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "extmod", &m), 0);
	deps = kmod_module_get_dependencies(m);
	CHECK_STR_EQ(fx_names(deps), "baz");
	kmod_module_unref_list(deps);
	kmod_module_unref(m);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "baz", &m), 0);
	CHECK(kmod_module_get_dependencies(m) == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(dependency_file_missing)
{
	struct kmod_module *m;
	struct fx_log log = { .len = 0 };
	char expected[PATH_MAX * 2];
	SETUP(NULL);

	test_need_feature("logging"); /* checks the library's messages */
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "needsgone", &m), 0);
	CHECK(kmod_module_get_dependencies(m) == NULL);
	snprintf(
		expected, sizeof(expected),
		"3:module_parse_depline:ctx=%p path=%s error=No such file or directory\n",
		(void *)ctx, moddir_path(&t, "kernel/gone.ko"));
	CHECK_STR_EQ(log.buf, expected);
	/* the module's own path survives the failure */
	CHECK_STR_EQ(kmod_module_get_path(m), moddir_path(&t, "kernel/needsgone.ko"));
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(new_from_path)
{
	struct kmod_module *a, *b, *c;
	struct fx_log log = { .len = 0 };
	char ext[PATH_MAX], other[PATH_MAX], expected[3 * PATH_MAX];
	SETUP(NULL);

	test_need_feature("logging"); /* checks the library's messages */
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	/* relative to the working directory, made absolute */
	CHECK_INT_EQ(chdir(t.root), 0);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, "ext/extmod.ko", &a), 0);
	snprintf(ext, sizeof(ext), "%s/ext/extmod.ko", t.root);
	CHECK_STR_EQ(kmod_module_get_name(a), "extmod");
	CHECK_STR_EQ(kmod_module_get_path(a), ext);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "extmod", &b), 0);
	CHECK(a == b);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, ext, &c), 0);
	CHECK(a == c);
	kmod_module_unref(b);
	kmod_module_unref(c);

	/* same name, other file */
	snprintf(other, sizeof(other), "%s/ext2/extmod.ko", t.root);
	CHECK_INT_EQ(test_write_str(other, ""), 0);
	c = (void *)0x1;
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, other, &c), -EEXIST);
	CHECK(c == (void *)0x1);
	snprintf(expected, sizeof(expected),
		 "3:kmod_module_new_from_path:kmod_module 'extmod' already exists with "
		 "different path: new-path='%s' old-path='%s'\n",
		 other, ext);
	CHECK_STR_EQ(log.buf, expected);
	kmod_module_unref(a);

	/* name from a file name with dashes and a compression suffix */
	CHECK_INT_EQ(test_write_str("x/my-mod.ko.zst", ""), 0);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, "x/my-mod.ko.zst", &a), 0);
	CHECK_STR_EQ(kmod_module_get_name(a), "my_mod");
	kmod_module_unref(a);

	/* a name known only from modules.dep gets the file path given here */
	CHECK_INT_EQ(test_write_str("y/foo.ko", ""), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &b), 0);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, "y/foo.ko", &a), 0);
	CHECK(a == b);
	snprintf(other, sizeof(other), "%s/y/foo.ko", t.root);
	CHECK_STR_EQ(kmod_module_get_path(a), other);
	kmod_module_unref(a);
	kmod_module_unref(b);

	CHECK_INT_EQ(kmod_module_new_from_path(ctx, "nothere.ko", &a), -ENOENT);
	kmod_unref(ctx);
	return 0;
}

TEST(lookup_sources_in_order)
{
	SETUP("install cmdonly echo hi\n"
	      "remove rmonly echo bye\n"
	      "install usb:v1999 echo cmd-beats-alias-index\n");

	/* modules.dep.bin, even where modules.alias.bin has the same key */
	if (check_lookup(ctx, "dash-mod", "dash_mod") || check_lookup(ctx, "foo", "foo"))
		return 1;
	/* names with ':' never reach modules.dep.bin */
	if (check_lookup(ctx, "odd:name", ""))
		return 1;
	/* modules.symbols.bin only for symbol: queries, with wildcards */
	if (check_lookup(ctx, "symbol:bar_fn", "bar") ||
	    check_lookup(ctx, "symbol:baz_x", "baz"))
		return 1;
	/* install/remove command names, before modules.alias.bin */
	if (check_lookup(ctx, "cmdonly", "cmdonly") ||
	    check_lookup(ctx, "rmonly", "rmonly") ||
	    check_lookup(ctx, "usb:v1999", "usb:v1999"))
		return 1;
	/* modules.alias.bin: all matches by priority, duplicates kept */
	if (check_lookup(ctx, "usb:v123", "bar baz") ||
	    check_lookup(ctx, "usb:v1777", "bar") ||
	    check_lookup(ctx, "twice", "baz baz") ||
	    check_lookup(ctx, "pci:v00001234d00005678", "foo"))
		return 1;
	/* modules.builtin.bin, then modules.builtin.alias.bin */
	if (check_lookup(ctx, "bi_mod", "bi_mod") ||
	    check_lookup(ctx, "bi_alias", "bi_mod") ||
	    check_lookup(ctx, "acpi:PNP0C09:", "bi_other"))
		return 1;
	if (check_lookup(ctx, "nothing-here", ""))
		return 1;
	kmod_unref(ctx);
	return 0;
}

TEST(lookup_config_alias_first)
{
	struct kmod_list *list = NULL;
	struct kmod_module *m;
	SETUP("alias foo bar\n"
	      "alias f* baz\n"
	      "alias usb:v12* foo\n");

	/* config aliases win over everything, all matches in config order */
	if (check_lookup(ctx, "foo", "bar baz") || check_lookup(ctx, "usb:v123", "foo"))
		return 1;
	/* an alias result is its own object, though it has the module's name */
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "foo", &list), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bar", &m), 0);
	CHECK(list->data != m);
	CHECK_STR_EQ(kmod_module_get_name(list->data), "bar");
	CHECK_STR_EQ(kmod_module_get_path(list->data), kmod_module_get_path(m));
	kmod_module_unref(m);
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return 0;
}

TEST(lookup_command_sets_command)
{
	struct kmod_list *list = NULL;
	SETUP("install cmdonly echo hi\n"
	      "install cmd* echo glob\n"
	      "remove rmonly echo bye\n");

	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "cmdonly", &list), 0);
	CHECK_STR_EQ(kmod_module_get_install_commands(list->data), "echo hi");
	kmod_module_unref_list(list);
	list = NULL;
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "rmonly", &list), 0);
	CHECK_STR_EQ(kmod_module_get_remove_commands(list->data), "echo bye");
	CHECK(kmod_module_get_install_commands(list->data) == NULL);
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return 0;
}

TEST(lookup_errors)
{
	struct kmod_list *list = NULL, *other = NULL;
	struct fx_log log = { .len = 0 };
	SETUP(NULL);

	test_need_feature("logging"); /* checks the library's messages */
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "a[b", &list), -EINVAL);
	CHECK(list == NULL);
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "foo", &other), 0);
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "bar", &other), -ENOSYS);
	CHECK_STR_EQ(log.buf, "3:kmod_module_new_from_lookup:An empty list is needed to "
			      "create lookup\n");
	CHECK_STR_EQ(fx_names(other), "foo");
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "bar", NULL), -ENOSYS);
	kmod_module_unref_list(other);
	kmod_unref(ctx);
	return 0;
}

TEST(lookup_without_indexes)
{
	struct fx_tree t;
	struct kmod_ctx *ctx;
	char path[PATH_MAX * 2];
	const char *files[] = { "modules.dep.bin", "modules.alias.bin",
				"modules.symbols.bin", "modules.builtin.bin",
				"modules.builtin.alias.bin" };

	CHECK_INT_EQ(fx_tree_init(&t, "alias cfg foo\n"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", t.moddir, files[i]);
		CHECK_INT_EQ(unlink(path), 0);
	}
	ctx = fx_ctx(&t);
	CHECK(ctx != NULL);
	/* missing indexes are skipped, not errors */
	if (check_lookup(ctx, "foo", "") || check_lookup(ctx, "cfg", "foo") ||
	    check_lookup(ctx, "symbol:bar_fn", "") || check_lookup(ctx, "bi_mod", ""))
		return 1;
	kmod_unref(ctx);
	return 0;
}

TEST(name_lookup)
{
	struct kmod_module *m, *sentinel = (void *)0x1;
	SETUP("alias cfg foo\ninstall cmdonly echo\n");

	m = sentinel;
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "dash-mod.ko", &m), 0);
	CHECK(m != sentinel);
	CHECK_STR_EQ(kmod_module_get_name(m), "dash_mod");
	CHECK_STR_EQ(kmod_module_get_path(m), moddir_path(&t, "kernel/dash-mod.ko"));
	kmod_module_unref(m);

	m = sentinel;
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "bi_mod", &m), 0);
	CHECK(m != sentinel);
	CHECK_STR_EQ(kmod_module_get_name(m), "bi_mod");
	CHECK(module_is_builtin(m));
	kmod_module_unref(m);

	/* a built-in module's alias counts (as in Debian's kmod 30) */
	m = sentinel;
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "bi_alias", &m), 0);
	CHECK(m != sentinel);
	CHECK_STR_EQ(kmod_module_get_name(m), "bi_mod");
	CHECK(module_is_builtin(m));
	kmod_module_unref(m);

	/* config and index aliases, symbols and commands are not names */
	m = sentinel;
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "cfg", &m), 0);
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "usb:v123", &m), 0);
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "symbol:bar_fn", &m), 0);
	CHECK_INT_EQ(kmod_module_new_from_name_lookup(ctx, "cmdonly", &m), 0);
	CHECK(m == sentinel);
	kmod_unref(ctx);
	return 0;
}

TEST(options_by_name_and_alias)
{
	struct kmod_list *list = NULL;
	struct kmod_module *m;
	SETUP("options foo a=1\n"
	      "options bar b=2\n"
	      "options foo c=3\n"
	      "alias my* foo\n"
	      "options my* d=4\n"
	      "options myalias e=5\n"
	      "options f* glob=no\n");

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_STR_EQ(kmod_module_get_options(m), "a=1 c=3");
	kmod_module_unref(m);
	/* through a config alias, the alias pattern's own lines join in */
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "myalias", &list), 0);
	CHECK_STR_EQ(fx_names(list), "foo");
	CHECK_STR_EQ(kmod_module_get_options(list->data), "a=1 c=3 d=4");
	kmod_module_unref_list(list);
	list = NULL;
	/* through an index alias, the query is the alias */
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "pci:v00001234d00000001", &list),
		     0);
	CHECK_STR_EQ(kmod_module_get_options(list->data), "a=1 c=3");
	kmod_module_unref_list(list);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "baz", &m), 0);
	CHECK(kmod_module_get_options(m) == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(commands_first_glob_match)
{
	struct kmod_module *m;
	SETUP("install fo* echo one\n"
	      "install foo echo two\n"
	      "remove foo echo three\n"
	      "remove f* echo four\n");

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_STR_EQ(kmod_module_get_install_commands(m), "echo one");
	CHECK_STR_EQ(kmod_module_get_remove_commands(m), "echo three");
	kmod_module_unref(m);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bar", &m), 0);
	CHECK(kmod_module_get_install_commands(m) == NULL);
	CHECK(kmod_module_get_remove_commands(m) == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(softdeps_resolved_through_lookup)
{
	struct kmod_list *pre = NULL, *post = NULL;
	struct kmod_module *m;
	struct fx_log log = { .len = 0 };
	SETUP("softdep foo pre: bar nosuch x[y post: baz usb:v123\n"
	      "softdep fo* pre: baz\n"
	      "softdep bar words without markers\n"
	      "softdep ba* pre: foo\n");

	test_need_feature("logging"); /* checks the library's messages */
	kmod_set_log_fn(ctx, fx_log_fn, &log);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_INT_EQ(kmod_module_get_softdeps(m, &pre, &post), 0);
	CHECK_STR_EQ(fx_names(pre), "bar");
	CHECK_STR_EQ(fx_names(post), "baz bar baz");
	/* unresolvable names are skipped; only real errors are reported */
	CHECK_STR_EQ(log.buf, "3:lookup_dep:failed to lookup dependency 'x[y', "
			      "continuing anyway.\n");
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	kmod_module_unref(m);

	/* the first matching line wins, even when it lists nothing */
	pre = post = NULL;
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bar", &m), 0);
	CHECK_INT_EQ(kmod_module_get_softdeps(m, &pre, &post), 0);
	CHECK(pre == NULL && post == NULL);
	kmod_module_unref(m);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "fox", &m), 0);
	CHECK_INT_EQ(kmod_module_get_softdeps(m, &pre, &post), 0);
	CHECK_STR_EQ(fx_names(pre), "baz");
	CHECK(post == NULL);
	kmod_module_unref_list(pre);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(weakdeps)
{
	struct kmod_list *weak = NULL;
	struct kmod_module *m;
	SETUP("weakdep ba* foo nosuch bi_alias\n"
	      "weakdep bar baz\n");

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bar", &m), 0);
	CHECK_INT_EQ(kmod_module_get_weakdeps(m, &weak), 0);
	CHECK_STR_EQ(fx_names(weak), "foo bi_mod");
	kmod_module_unref_list(weak);
	kmod_module_unref(m);
	weak = NULL;
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_INT_EQ(kmod_module_get_weakdeps(m, &weak), 0);
	CHECK(weak == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(filters)
{
	struct kmod_list *in = NULL, *out = (void *)0x1, *l;
	const char *names[] = { "foo", "baz", "bi_mod", "bar" };
	SETUP("blacklist baz\nblacklist ba*\nblacklist bi-mod\n");

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct kmod_module *m;

		CHECK_INT_EQ(kmod_module_new_from_name(ctx, names[i], &m), 0);
		in = kmod_list_append(in, m);
	}
	/* blacklist: exact names (normalised by the config parser) */
	CHECK_INT_EQ(kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, in, &out), 0);
	CHECK_STR_EQ(fx_names(out), "foo bar");
	/* the output holds its own references */
	kmod_list_foreach (l, out)
		CHECK(((struct kmod_module *)l->data)->refcount == 2);
	kmod_module_unref_list(out);
	CHECK_INT_EQ(kmod_module_apply_filter(ctx, KMOD_FILTER_BUILTIN, in, &out), 0);
	CHECK_STR_EQ(fx_names(out), "foo baz bar");
	kmod_module_unref_list(out);
	CHECK_INT_EQ(kmod_module_apply_filter(ctx,
					      KMOD_FILTER_BUILTIN | KMOD_FILTER_BLACKLIST,
					      in, &out),
		     0);
	CHECK_STR_EQ(fx_names(out), "foo bar");
	kmod_module_unref_list(out);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	CHECK_INT_EQ(kmod_module_get_filtered_blacklist(ctx, in, &out), 0);
#pragma GCC diagnostic pop
	CHECK_STR_EQ(fx_names(out), "foo bar");
	kmod_module_unref_list(out);
	out = (void *)0x1;
	CHECK_INT_EQ(kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, NULL, &out), 0);
	CHECK(out == NULL);
	kmod_module_unref_list(in);
	kmod_unref(ctx);
	return 0;
}

TEST(builtin_state)
{
	struct kmod_module *m;
	struct kmod_list *list = NULL;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bi_other", &m), 0);
	CHECK(module_is_builtin(m));
	kmod_module_unref(m);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK(!module_is_builtin(m));
	kmod_module_unref(m);
	/* found through modules.builtin.alias.bin: builtin too */
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "bi_alias", &list), 0);
	CHECK(module_is_builtin(list->data));
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return 0;
}

TEST(module_keeps_context_alive)
{
	struct kmod_module *m;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK(kmod_unref(ctx) == ctx); /* the module holds a reference */
	CHECK_STR_EQ(kmod_module_get_path(m), moddir_path(&t, "kernel/foo.ko"));
	CHECK(kmod_module_unref(m) == NULL);
	return 0;
}

TEST(list_get_module)
{
	struct kmod_list *list = NULL;
	struct kmod_module *m;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "usb:v123", &list), 0);
	m = kmod_module_get_module(kmod_list_next(list, list));
	CHECK_STR_EQ(kmod_module_get_name(m), "baz");
	CHECK(m->refcount == 2);
	kmod_module_unref_list(list);
	CHECK(m->refcount == 1);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(module_file_opened_once)
{
	struct kmod_module *m;
	struct kmod_file *f1 = NULL, *f2 = NULL;
	SETUP(NULL);

	CHECK_INT_EQ(test_write_str(moddir_path(&t, "kernel/foo.ko"),
				    "not compressed, long enough for the magic check"),
		     0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	CHECK_INT_EQ(module_get_file(m, &f1), 0);
	CHECK_INT_EQ(file_get_compression(f1), KMOD_FILE_COMPRESSION_NONE);
	CHECK_INT_EQ(module_get_file(m, &f2), 0);
	CHECK(f1 == f2);
	kmod_module_unref(m);

	/* no path: -ENOENT; file missing: open's error */
	f1 = NULL;
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "unknown", &m), 0);
	CHECK_INT_EQ(module_get_file(m, &f1), -ENOENT);
	CHECK(f1 == NULL);
	kmod_module_unref(m);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "nofile", &m), 0);
	CHECK_INT_EQ(module_get_file(m, &f1), -ENOENT);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST(set_path_overrides_modules_dep)
{
	struct kmod_list *deps;
	struct kmod_module *m;
	SETUP(NULL);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "foo", &m), 0);
	module_set_path(m, "/some/where/foo.ko");
	CHECK_STR_EQ(kmod_module_get_path(m), "/some/where/foo.ko");
	/* dependencies still come from modules.dep */
	deps = kmod_module_get_dependencies(m);
	CHECK_STR_EQ(fx_names(deps), "baz bar");
	kmod_module_unref_list(deps);
	CHECK_STR_EQ(kmod_module_get_path(m), "/some/where/foo.ko");
	module_set_path(m, NULL);
	CHECK(m->path == NULL);
	kmod_module_unref(m);
	kmod_unref(ctx);
	return 0;
}

TEST_MAIN()
