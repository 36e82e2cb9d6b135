// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A modules.dep whose dependencies form cycles: a 2-cycle (ca <-> cb), a 3-cycle
 * (cx -> cy -> cz -> cx, each line listing the other two as depmod's transitive
 * lists would), a module listing itself (cs) and one that leads into a cycle (ct).
 * kmod_module_get_dependencies() must give the very objects the cache holds,
 * probing must plan them as modprobe does, and once the caller has dropped every
 * reference the context must be released: kmod_unref() returning NULL proves that
 * no module kept another (or the context) alive. Under ASan (LeakSanitizer) or
 * valgrind --leak-check=full the same run must report nothing.
 *
 * Runs under modkit-shim.so (the fake kernel records the insertions).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "testsuite.h"
#include "testsuite/modgen/modgen.h"

#define KVER "6.1.0-test"
#define BUFSZ (2 * PATH_MAX + 64)

/* name, then its modules.dep dependencies in line order */
static const char *const tree[][4] = {
	{ "ca", "cb" },	      { "cb", "ca" }, { "cx", "cy", "cz" }, { "cy", "cz", "cx" },
	{ "cz", "cx", "cy" }, { "cs", "cs" }, { "ct", "cb", "ca" }, { "leaf" },
};

static const char *root; /* test_tmpdir(), removed when the case ends */
static char moddir[PATH_MAX];

static int write_module(const char *name)
{
	struct modgen_module *m = modgen_new(name);
	char entry[256], path[BUFSZ];
	int r;

	if (m == NULL)
		return -1;
	snprintf(entry, sizeof(entry), "name=%s", name);
	r = modgen_add_modinfo(m, entry);
	if (r == 0)
		r = modgen_add_modinfo(m, "vermagic=" KVER " SMP mod_unload ");
	snprintf(path, sizeof(path), "%s/kernel/%s.ko", moddir, name);
	if (r == 0)
		r = modgen_write(m, path);
	modgen_free(m);
	return r;
}

static int write_index(struct index_writer *w, const char *name)
{
	char path[BUFSZ];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", moddir, name);
	f = fopen(path, "we");
	if (f == NULL)
		return -1;
	r = index_writer_write(w, f);
	if (fclose(f) != 0)
		r = -1;
	return r;
}

/* The module tree and an empty modules.alias.bin; 0 or -1. */
static int make_tree(void)
{
	struct index_writer *dep = index_writer_new();
	struct index_writer *alias = index_writer_new();
	char path[BUFSZ];
	int r;

	root = test_tmpdir();
	r = dep != NULL && alias != NULL && root != NULL ? 0 : -1;

	if (r == 0) {
		snprintf(moddir, sizeof(moddir), "%s/lib/modules/" KVER, root);
		setenv("MODKIT_ROOT", root, 1);
		snprintf(path, sizeof(path), "%s/proc/modules", root);
		r = test_write_str(path, "");
	}
	if (r == 0) {
		snprintf(path, sizeof(path), "%s/sys/module/.keep", root);
		r = test_write_str(path, "");
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(tree); i++) {
		struct strbuf line;

		r = write_module(tree[i][0]);
		strbuf_init(&line);
		strbuf_pushchars(&line, "kernel/");
		strbuf_pushchars(&line, tree[i][0]);
		strbuf_pushchars(&line, ".ko:");
		for (size_t j = 1; j < 4 && tree[i][j] != NULL; j++) {
			strbuf_pushchars(&line, " kernel/");
			strbuf_pushchars(&line, tree[i][j]);
			strbuf_pushchars(&line, ".ko");
		}
		if (r == 0 &&
		    index_writer_insert(dep, tree[i][0], strbuf_str(&line), 0) < 0)
			r = -1;
		strbuf_release(&line);
	}
	if (r == 0)
		r = write_index(dep, "modules.dep.bin");
	if (r == 0)
		r = write_index(alias, "modules.alias.bin");
	index_writer_free(dep);
	index_writer_free(alias);
	return r < 0 ? -1 : 0;
}

static struct kmod_ctx *new_ctx(void)
{
	const char *const no_config[] = { NULL };

	return kmod_new(moddir, no_config);
}

/* "name name ..." of a module list (static buffer). */
static const char *names(const struct kmod_list *list)
{
	static char buf[512];
	const struct kmod_list *l;

	buf[0] = '\0';
	kmod_list_foreach (l, list) {
		if (buf[0] != '\0')
			strcat(buf, " ");
		strcat(buf, kmod_module_get_name(l->data));
	}
	return buf;
}

static struct strbuf actions;

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	strbuf_pushchars(&actions, kmod_module_get_name(m));
	strbuf_pushchar(&actions, ' ');
}

/* Probes name as modprobe does (after a lookup); the action transcript in *out. */
static int probe(struct kmod_ctx *ctx, const char *name, unsigned int flags,
		 const char **out)
{
	struct kmod_list *list = NULL;
	int r;

	strbuf_clear(&actions);
	r = kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0 || list == NULL)
		return r < 0 ? r : -1000;
	r = kmod_module_probe_insert_module(list->data, flags, NULL, NULL, NULL,
					    print_action);
	kmod_module_unref_list(list);
	*out = actions.used > 0 ? strbuf_str(&actions) : "";
	return r;
}

static const char *calls(void)
{
	static char *data;
	char path[BUFSZ];
	size_t len;

	free(data);
	data = NULL;
	snprintf(path, sizeof(path), "%s/.shim/calls.log", root);
	if (test_read_file(path, &data, &len) < 0)
		return "";
	return data;
}

#define FINIT(name) "finit_module name=" name " flags=0 args=\n"

TEST(dependencies_are_the_cached_objects)
{
	struct kmod_module *ca, *cb, *cs;
	struct kmod_list *da, *db, *ds;
	struct kmod_ctx *ctx;
	char want[BUFSZ];

	CHECK_INT_EQ(make_tree(), 0);
	ctx = new_ctx();
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "ca", &ca), 0);
	da = kmod_module_get_dependencies(ca);
	CHECK_STR_EQ(names(da), "cb");
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "cb", &cb), 0);
	CHECK(da->data == cb);
	snprintf(want, sizeof(want), "%s/kernel/cb.ko", moddir);
	CHECK_STR_EQ(kmod_module_get_path(cb), want);
	db = kmod_module_get_dependencies(cb);
	CHECK_STR_EQ(names(db), "ca");
	CHECK(db->data == ca);
	/* asked again: new references to the same objects */
	kmod_module_unref_list(da);
	da = kmod_module_get_dependencies(ca);
	CHECK(da != NULL && da->data == cb);

	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "cs", &cs), 0);
	ds = kmod_module_get_dependencies(cs);
	CHECK_STR_EQ(names(ds), "cs");
	CHECK(ds->data == cs);

	kmod_module_unref_list(da);
	kmod_module_unref_list(db);
	kmod_module_unref_list(ds);
	kmod_module_unref(ca);
	kmod_module_unref(cb);
	kmod_module_unref(cs);
	CHECK(kmod_unref(ctx) == NULL);
	return 0;
}

TEST(three_cycle_load_order)
{
	struct kmod_list *list = NULL, *deps, *dy, *dz;
	struct kmod_ctx *ctx;

	CHECK_INT_EQ(make_tree(), 0);
	ctx = new_ctx();
	CHECK(ctx != NULL);
	/* the lookup reads the modules.dep line, as modprobe's does */
	CHECK_INT_EQ(kmod_module_new_from_lookup(ctx, "cx", &list), 0);
	CHECK_STR_EQ(names(list), "cx");
	deps = kmod_module_get_dependencies(list->data);
	/* deepest first: the reverse of the line's order */
	CHECK_STR_EQ(names(deps), "cz cy");
	/* each member's own line closes the cycle back to cx */
	dz = kmod_module_get_dependencies(deps->data);
	CHECK_STR_EQ(names(dz), "cy cx");
	dy = kmod_module_get_dependencies(kmod_list_next(deps, deps)->data);
	CHECK_STR_EQ(names(dy), "cx cz");
	CHECK(dy->data == list->data);
	CHECK(dz->data == kmod_list_next(deps, deps)->data);
	kmod_module_unref_list(dz);
	kmod_module_unref_list(dy);
	kmod_module_unref_list(deps);
	kmod_module_unref_list(list);
	CHECK(kmod_unref(ctx) == NULL);
	return 0;
}

TEST(probe_cycles_then_release)
{
	struct kmod_ctx *ctx;
	const char *out = NULL;

	CHECK_INT_EQ(make_tree(), 0);
	ctx = new_ctx();
	CHECK(ctx != NULL);

	CHECK_INT_EQ(probe(ctx, "ca", KMOD_PROBE_DRY_RUN, &out), 0);
	CHECK_STR_EQ(out, "cb ca ");
	CHECK_INT_EQ(probe(ctx, "cx", KMOD_PROBE_DRY_RUN | KMOD_PROBE_IGNORE_COMMAND,
			   &out),
		     0);
	CHECK_STR_EQ(out, "cz cy cx ");
	/* a module listing itself is planned as its own dependency, then as itself */
	CHECK_INT_EQ(probe(ctx, "cs", KMOD_PROBE_DRY_RUN, &out), 0);
	CHECK_STR_EQ(out, "cs cs ");
	CHECK_INT_EQ(probe(ctx, "ct", KMOD_PROBE_DRY_RUN | KMOD_PROBE_APPLY_BLACKLIST,
			   &out),
		     0);
	CHECK_STR_EQ(out, "ca cb ct ");
	CHECK_STR_EQ(calls(), "");

	/* for real: each module inserted once; the loaded ones are skipped later */
	CHECK_INT_EQ(probe(ctx, "ca", 0, &out), 0);
	CHECK_STR_EQ(calls(), FINIT("cb") FINIT("ca"));
	CHECK_INT_EQ(probe(ctx, "ct", 0, &out), 0);
	CHECK_STR_EQ(calls(), FINIT("cb") FINIT("ca") FINIT("ct"));
	CHECK_INT_EQ(probe(ctx, "cx", KMOD_PROBE_IGNORE_LOADED, &out), 0);
	CHECK_STR_EQ(calls(), FINIT("cb") FINIT("ca") FINIT("ct") FINIT("cz") FINIT("cy")
				      FINIT("cx"));
	CHECK_INT_EQ(probe(ctx, "cx", KMOD_PROBE_FAIL_ON_LOADED, &out), -EEXIST);

	strbuf_release(&actions);
	CHECK(kmod_unref(ctx) == NULL);
	return 0;
}

TEST_MAIN()
