// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Differential test program: built twice from this one file, against Debian's
 * libkmod (its header and library) and against modkit's, so that run.sh can
 * compare the two outputs byte for byte. Only API present in both (kmod 30's
 * header) is used.
 *
 *   lookup-dump MODDIR CONFDIR QUERIES load|noload|names
 *
 * For each line of QUERIES: the result of kmod_module_new_from_lookup() (every
 * module with its path, options, commands, dependencies and soft dependencies),
 * the filters, and kmod_module_new_from_name_lookup(). Then the five index dumps.
 * "names" prints only the names each lookup finds.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const char *s)
{
	return s != NULL ? s : "(null)";
}

static void print_names(const char *what, struct kmod_list *list)
{
	struct kmod_list *l;

	printf("  %s:", what);
	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	printf("\n");
}

static void print_module(struct kmod_module *m)
{
	struct kmod_list *deps, *pre = NULL, *post = NULL, *l;
	int err;

	printf(" %s\n", kmod_module_get_name(m));
	printf("  path: %s\n", str(kmod_module_get_path(m)));
	printf("  options: %s\n", str(kmod_module_get_options(m)));
	printf("  install: %s\n", str(kmod_module_get_install_commands(m)));
	printf("  remove: %s\n", str(kmod_module_get_remove_commands(m)));
	deps = kmod_module_get_dependencies(m);
	printf("  deps:");
	kmod_list_foreach (l, deps) {
		struct kmod_module *d = kmod_module_get_module(l);

		printf(" %s=%s", kmod_module_get_name(d), str(kmod_module_get_path(d)));
		kmod_module_unref(d);
	}
	printf("\n");
	kmod_module_unref_list(deps);
	err = kmod_module_get_softdeps(m, &pre, &post);
	printf("  softdeps: %d\n", err);
	print_names("pre", pre);
	print_names("post", post);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
}

/* Only the names found, one per line (what modprobe --resolve-alias prints). */
static void query_names(struct kmod_ctx *ctx, const char *q)
{
	struct kmod_list *list = NULL, *l;

	printf("### %s\n", q);
	if (kmod_module_new_from_lookup(ctx, q, &list) < 0)
		return;
	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf("%s\n", kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
}

static void query(struct kmod_ctx *ctx, const char *q)
{
	struct kmod_list *list = NULL, *out = NULL, *l;
	struct kmod_module *m = NULL;
	int err;

	printf("### %s\n", q);
	err = kmod_module_new_from_lookup(ctx, q, &list);
	printf("lookup: %d\n", err);
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		print_module(mod);
		kmod_module_unref(mod);
	}
	err = kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, list, &out);
	printf("filter blacklist: %d\n", err);
	print_names("kept", out);
	kmod_module_unref_list(out);
	out = NULL;
	err = kmod_module_apply_filter(ctx, KMOD_FILTER_BUILTIN, list, &out);
	printf("filter builtin: %d\n", err);
	print_names("kept", out);
	kmod_module_unref_list(out);
	kmod_module_unref_list(list);

	err = kmod_module_new_from_name_lookup(ctx, q, &m);
	printf("name_lookup: %d %s %s\n", err, m ? kmod_module_get_name(m) : "-",
	       m ? str(kmod_module_get_path(m)) : "-");
	kmod_module_unref(m);
}

int main(int argc, char *argv[])
{
	const char *paths[2] = { NULL, NULL };
	struct kmod_ctx *ctx;
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	bool names_only;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: %s MODDIR CONFDIR QUERIES load|noload|names\n",
			argv[0]);
		return 2;
	}
	names_only = strcmp(argv[4], "names") == 0;
	paths[0] = argv[2];
	ctx = kmod_new(argv[1], paths);
	if (ctx == NULL)
		return 1;
	if (strcmp(argv[4], "load") == 0)
		printf("load: %d\n", kmod_load_resources(ctx));
	f = fopen(argv[3], "re");
	if (f == NULL) {
		perror(argv[3]);
		return 1;
	}
	while ((len = getline(&line, &size, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (names_only)
			query_names(ctx, line);
		else
			query(ctx, line);
	}
	free(line);
	fclose(f);
	if (names_only) {
		kmod_unref(ctx);
		return 0;
	}

	for (int i = KMOD_INDEX_MODULES_DEP; i <= KMOD_INDEX_MODULES_BUILTIN; i++) {
		int err;

		printf("### dump %d\n", i);
		fflush(stdout);
		err = kmod_dump_index(ctx, (enum kmod_index)i, fileno(stdout));
		printf("dump: %d\n", err);
	}
	printf("validate: %d\n", kmod_validate_resources(ctx));
	kmod_unref(ctx);
	return 0;
}
