// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Built against Debian's installed libkmod (its /usr/include/libkmod.h and
 * libkmod.so.2, kmod 30), then run by test-abi with LD_LIBRARY_PATH pointing at
 * modkit's build: a binary from the distribution's build must run unchanged on
 * our library. Only the public API is used here.
 *
 *   abi-debian-prog maps            which libkmod.so.2 got loaded
 *   abi-debian-prog enums           enum values as Debian's header defines them
 *   abi-debian-prog run MODDIR CONFDIR
 *                                   lookups on test-abi's fixture tree
 */
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

static int print_maps(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");

	if (f == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strchr(line, '/');

		if (p != NULL && strstr(p, "/libkmod.so") != NULL) {
			fputs(p, stdout);
			break;
		}
	}
	fclose(f);
	return 0;
}

static int print_enums(void)
{
	printf("KMOD_RESOURCES %d %d %d\n", KMOD_RESOURCES_OK, KMOD_RESOURCES_MUST_RELOAD,
	       KMOD_RESOURCES_MUST_RECREATE);
	printf("KMOD_INDEX %d %d %d %d %d\n", KMOD_INDEX_MODULES_DEP,
	       KMOD_INDEX_MODULES_ALIAS, KMOD_INDEX_MODULES_SYMBOL,
	       KMOD_INDEX_MODULES_BUILTIN_ALIAS, KMOD_INDEX_MODULES_BUILTIN);
	printf("KMOD_REMOVE %d %d %d\n", KMOD_REMOVE_FORCE, KMOD_REMOVE_NOWAIT,
	       KMOD_REMOVE_NOLOG);
	printf("KMOD_INSERT %d %d\n", KMOD_INSERT_FORCE_VERMAGIC,
	       KMOD_INSERT_FORCE_MODVERSION);
	printf("KMOD_PROBE %d %d %d %d %d %d %d %d %d\n", KMOD_PROBE_FORCE_VERMAGIC,
	       KMOD_PROBE_FORCE_MODVERSION, KMOD_PROBE_IGNORE_COMMAND,
	       KMOD_PROBE_IGNORE_LOADED, KMOD_PROBE_DRY_RUN, KMOD_PROBE_FAIL_ON_LOADED,
	       KMOD_PROBE_APPLY_BLACKLIST_ALL, KMOD_PROBE_APPLY_BLACKLIST,
	       KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY);
	printf("KMOD_FILTER %d %d\n", KMOD_FILTER_BLACKLIST, KMOD_FILTER_BUILTIN);
	printf("KMOD_MODULE %d %d %d %d\n", KMOD_MODULE_BUILTIN, KMOD_MODULE_LIVE,
	       KMOD_MODULE_COMING, KMOD_MODULE_GOING);
	printf("KMOD_SYMBOL %d %d %d %d %d\n", KMOD_SYMBOL_NONE, KMOD_SYMBOL_LOCAL,
	       KMOD_SYMBOL_GLOBAL, KMOD_SYMBOL_WEAK, KMOD_SYMBOL_UNDEF);
	printf("sizeof %zu %zu %zu %zu\n", sizeof(enum kmod_index),
	       sizeof(enum kmod_module_initstate), sizeof(enum kmod_probe),
	       sizeof(enum kmod_filter));
	return 0;
}

static void print_module(const char *what, struct kmod_module *m)
{
	struct kmod_list *deps = kmod_module_get_dependencies(m), *l;
	const char *opts = kmod_module_get_options(m);

	printf("%s %s path=%s options=%s deps=", what, kmod_module_get_name(m),
	       kmod_module_get_path(m) ? "yes" : "no", opts ? opts : "-");
	kmod_list_foreach (l, deps) {
		struct kmod_module *d = kmod_module_get_module(l);

		printf("%s,", kmod_module_get_name(d));
		kmod_module_unref(d);
	}
	printf("\n");
	kmod_module_unref_list(deps);
}

static void print_entry(const char *what, const struct kmod_list *entry)
{
	struct kmod_module *m = kmod_module_get_module(entry);

	print_module(what, m);
	kmod_module_unref(m);
}

static int run(const char *moddir, const char *confdir)
{
	const char *paths[] = { confdir, NULL };
	const char *queries[] = { "foo", "usb:v123", "symbol:bar_fn", "bi_alias",
				  "myalias" };
	struct kmod_ctx *ctx = kmod_new(moddir, paths);
	struct kmod_module *m = NULL;
	struct kmod_list *list, *l, *filtered = NULL;
	int err;

	if (ctx == NULL)
		return 1;
	printf("dirname-ok %d\n", strcmp(kmod_get_dirname(ctx), moddir) == 0);
	printf("load %d\n", kmod_load_resources(ctx));
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		list = NULL;
		err = kmod_module_new_from_lookup(ctx, queries[i], &list);
		printf("lookup %s: %d\n", queries[i], err);
		kmod_list_foreach (l, list)
			print_entry(" ", l);
		if (i == 1) {
			kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, list,
						 &filtered);
			kmod_list_foreach (l, filtered)
				print_entry(" filtered", l);
			kmod_module_unref_list(filtered);
		}
		kmod_module_unref_list(list);
	}
	/* kmod 30's header: this call binds to kmod_module_new_from_name_lookup@LIBKMOD_5 */
	err = kmod_module_new_from_name_lookup(ctx, "dash-mod", &m);
	printf("name_lookup %d\n", err);
	if (m != NULL) {
		print_module(" ", m);
		kmod_module_unref(m);
	}
	printf("validate %d\n", kmod_validate_resources(ctx));
	kmod_unref(ctx);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "maps") == 0)
		return print_maps();
	if (argc == 2 && strcmp(argv[1], "enums") == 0)
		return print_enums();
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv[3]);
	fprintf(stderr, "usage: %s maps|enums|run MODDIR CONFDIR\n", argv[0]);
	return 2;
}
