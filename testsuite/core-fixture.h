/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A small module tree for the context and module tests (test-ctx, test-module,
 * test-threads), written from tables below so that each expected value in a test
 * can be read off this file. The .ko files are empty: the functions under test
 * only look at names and paths, never at the contents.
 *
 * <root>/lib/modules/1.0/          module directory
 *   kernel/foo.ko   deps bar, baz   (modules.dep order: bar baz)
 *   kernel/bar.ko   deps baz
 *   kernel/baz.ko
 *   kernel/dash-mod.ko              name dash_mod
 *   kernel/needsgone.ko deps gone   (gone.ko missing on disk)
 *   kernel/nofile.ko                listed but missing on disk
 *   <root>/ext/extmod.ko            absolute path in modules.dep
 * <root>/conf/                     modprobe.d directory passed to kmod_new
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/file.h"
#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "lib/util.h"
#include "testsuite.h"

#define FX_KVER "1.0"

struct fx_entry {
	const char *key;
	const char *value;
	unsigned int priority;
};

/* modules.dep lines; "@ROOT@" is replaced by the fixture root. */
static const struct fx_entry fx_dep[] = {
	{ "foo", "kernel/foo.ko: kernel/bar.ko kernel/baz.ko", 0 },
	{ "bar", "kernel/bar.ko: kernel/baz.ko", 1 },
	{ "baz", "kernel/baz.ko:", 2 },
	{ "dash_mod", "kernel/dash-mod.ko:", 3 },
	{ "needsgone", "kernel/needsgone.ko: kernel/gone.ko", 4 },
	{ "nofile", "kernel/nofile.ko:", 5 },
	{ "extmod", "@ROOT@/ext/extmod.ko:\tkernel/baz.ko", 6 },
	{ "odd:name",
	  "kernel/baz.ko:", 7 }, /* never found: names with ':' skip this index */
};

static const struct fx_entry fx_alias[] = {
	{ "pci:v00001234d*", "foo", 0 },
	{ "usb:v1*", "bar", 1 },
	{ "usb:v12*", "baz", 2 },
	{ "twice", "baz", 2 },
	{ "twice", "baz", 2 },
	{ "dash_mod", "bar", 1 }, /* shadowed: modules.dep.bin is searched first */
};

static const struct fx_entry fx_symbols[] = {
	{ "symbol:bar_fn", "bar", 1 },
	{ "symbol:baz_*", "baz", 2 },
};

static const struct fx_entry fx_builtin[] = {
	{ "bi_mod", "", 0 },
	{ "bi_other", "", 0 },
};

static const struct fx_entry fx_builtin_alias[] = {
	{ "bi_alias", "bi_mod", 0 },
	{ "acpi*:PNP0C09:*", "bi_other", 0 },
};

static const char *const fx_ko_files[] = {
	"lib/modules/" FX_KVER "/kernel/foo.ko",
	"lib/modules/" FX_KVER "/kernel/bar.ko",
	"lib/modules/" FX_KVER "/kernel/baz.ko",
	"lib/modules/" FX_KVER "/kernel/dash-mod.ko",
	"lib/modules/" FX_KVER "/kernel/needsgone.ko",
	"ext/extmod.ko",
};

struct fx_tree {
	char *root;
	char moddir[PATH_MAX];
	char confdir[PATH_MAX];
};

static inline char *fx_subst_root(const char *s, const char *root)
{
	const char *at = strstr(s, "@ROOT@");
	char *r;

	if (at == NULL)
		return strdup(s);
	if (asprintf(&r, "%.*s%s%s", (int)(at - s), s, root, at + 6) < 0)
		return NULL;
	return r;
}

static inline int fx_write_index(const char *moddir, const char *file,
				 const struct fx_entry *e, size_t n, const char *root)
{
	char path[PATH_MAX * 2];
	struct index_writer *w = index_writer_new();
	FILE *f;
	int err = 0;

	if (w == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n && err >= 0; i++) {
		char *v = fx_subst_root(e[i].value, root);

		err = v ? index_writer_insert(w, e[i].key, v, e[i].priority) : -ENOMEM;
		free(v);
	}
	snprintf(path, sizeof(path), "%s/%s", moddir, file);
	f = fopen(path, "we");
	if (f == NULL)
		err = -errno;
	if (err >= 0)
		err = index_writer_write(w, f);
	if (f != NULL && fclose(f) != 0 && err >= 0)
		err = -EIO;
	index_writer_free(w);
	return err < 0 ? err : 0;
}

#define FX_WRITE(tree, file, table) \
	fx_write_index((tree)->moddir, file, table, ARRAY_SIZE(table), (tree)->root)

/* Builds the tree; conf is the text of <confdir>/test.conf (NULL: no file). */
static inline int fx_tree_init(struct fx_tree *t, const char *conf)
{
	char path[PATH_MAX * 2];
	int err;

	t->root = test_tmpdir();
	if (t->root == NULL)
		return -ENOMEM;
	snprintf(t->moddir, sizeof(t->moddir), "%s/lib/modules/" FX_KVER, t->root);
	snprintf(t->confdir, sizeof(t->confdir), "%s/conf", t->root);
	for (size_t i = 0; i < ARRAY_SIZE(fx_ko_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->root, fx_ko_files[i]);
		err = test_write_str(path, "");
		if (err < 0)
			return err;
	}
	snprintf(path, sizeof(path), "%s/keep", t->confdir);
	err = test_write_str(path, "");
	if (err < 0)
		return err;
	if (conf != NULL) {
		snprintf(path, sizeof(path), "%s/test.conf", t->confdir);
		err = test_write_str(path, conf);
		if (err < 0)
			return err;
	}
	if ((err = FX_WRITE(t, "modules.dep.bin", fx_dep)) < 0 ||
	    (err = FX_WRITE(t, "modules.alias.bin", fx_alias)) < 0 ||
	    (err = FX_WRITE(t, "modules.symbols.bin", fx_symbols)) < 0 ||
	    (err = FX_WRITE(t, "modules.builtin.bin", fx_builtin)) < 0 ||
	    (err = FX_WRITE(t, "modules.builtin.alias.bin", fx_builtin_alias)) < 0)
		return err;
	return 0;
}

/* A context on the tree reading only its conf directory. */
static inline struct kmod_ctx *fx_ctx(const struct fx_tree *t)
{
	const char *paths[] = { t->confdir, NULL };

	return kmod_new(t->moddir, paths);
}

/* Log capture: a log function appending "<prio>:<fn>:<text>" to a buffer. */
struct fx_log {
	char buf[16384];
	size_t len;
};

static inline void fx_log_fn(void *data, int priority, const char *file, int line,
			     const char *fn, const char *format, va_list args)
{
	struct fx_log *log = data;
	size_t room = sizeof(log->buf) - log->len;
	int n;

	if (room <= 1)
		return;
	n = snprintf(log->buf + log->len, room, "%d:%s:", priority, fn ? fn : "");
	if (n < 0 || (size_t)n >= room) {
		log->len = sizeof(log->buf) - 1;
		return;
	}
	log->len += n;
	room -= n;
	n = vsnprintf(log->buf + log->len, room, format, args);
	log->len += (n < 0 || (size_t)n >= room) ? room - 1 : (size_t)n;
}

/* "name name ..." of a module list (static buffer). */
static inline const char *fx_names(const struct kmod_list *list)
{
	static __thread char buf[4096]; /* per thread: test-threads uses it */
	const struct kmod_list *l;
	size_t len = 0;

	buf[0] = '\0';
	kmod_list_foreach (l, list) {
		struct kmod_module *m = l->data;
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
				 kmod_module_get_name(m));

		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			break;
		len += n;
	}
	return buf;
}
