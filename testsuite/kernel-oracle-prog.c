// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Built against Debian's installed libkmod (system header and library). test-probe
 * runs it twice on identical fixture roots under modkit-shim.so: once as is
 * (Debian's kmod 30 library: the oracle) and once with LD_LIBRARY_PATH pointing at
 * modkit's build, then compares the transcripts. Only the public API is used.
 *
 *   kernel-oracle-prog MODDIR CONFDIR OP...
 *
 * OPs (fields separated by '|', FLAGS in hex, empty EXTRA/OPTS = NULL):
 *   probe|NAME|FLAGS|EXTRA      print_action lines, then "result N"
 *   probe-ri|NAME|FLAGS|EXTRA   same, with a run_install that prints and returns 0
 *   insert|NAME|FLAGS|OPTS      kmod_module_insert_module
 *   remove|NAME|FLAGS           kmod_module_remove_module
 *   state|NAME                  initstate, refcnt, size, holders
 *   info|PATH                   get_info, get_versions, get_symbols,
 *                               get_dependency_symbols of a module file
 *   infoname|NAME               get_info of a module by name (builtin modules)
 *   loaded                      kmod_module_new_from_loaded
 * Library messages are printed inline as "log PRIO: text" (or by libkmod's own
 * stderr logger when KERNEL_ORACLE_DEFAULT_LOG is set).
 */
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void log_stdout(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
	printf("log %d: ", priority);
	vprintf(format, args);
}

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	printf("action %s %s [%s]\n", kmod_module_get_name(m),
	       install ? "install" : "insmod", options ? options : "(null)");
}

static int run_install(struct kmod_module *m, const char *cmdline, void *data)
{
	printf("run %s [%s]\n", kmod_module_get_name(m), cmdline);
	return 0;
}

static struct kmod_module *lookup(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL;
	struct kmod_module *m;

	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || list == NULL)
		return NULL;
	m = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	return m;
}

static void do_info(struct kmod_ctx *ctx, const char *path)
{
	struct kmod_module *m = NULL;
	struct kmod_list *list = NULL, *l;
	int r;

	r = kmod_module_new_from_path(ctx, path, &m);
	printf("new_from_path %d\n", r);
	if (r < 0)
		return;
	r = kmod_module_get_info(m, &list);
	printf("info %d\n", r);
	kmod_list_foreach (l, list)
		printf("  %s=%s\n", kmod_module_info_get_key(l),
		       kmod_module_info_get_value(l));
	kmod_module_info_free_list(list);
	list = NULL;
	r = kmod_module_get_versions(m, &list);
	printf("versions %d\n", r);
	kmod_list_foreach (l, list)
		printf("  %s %#llx\n", kmod_module_version_get_symbol(l),
		       (unsigned long long)kmod_module_version_get_crc(l));
	kmod_module_versions_free_list(list);
	list = NULL;
	r = kmod_module_get_symbols(m, &list);
	printf("symbols %d\n", r);
	kmod_list_foreach (l, list)
		printf("  %s %#llx\n", kmod_module_symbol_get_symbol(l),
		       (unsigned long long)kmod_module_symbol_get_crc(l));
	kmod_module_symbols_free_list(list);
	list = NULL;
	r = kmod_module_get_dependency_symbols(m, &list);
	printf("dependency_symbols %d\n", r);
	kmod_list_foreach (l, list)
		printf("  %s %c %#llx\n", kmod_module_dependency_symbol_get_symbol(l),
		       kmod_module_dependency_symbol_get_bind(l),
		       (unsigned long long)kmod_module_dependency_symbol_get_crc(l));
	kmod_module_dependency_symbols_free_list(list);
	kmod_module_unref(m);
}

static void do_infoname(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *m = NULL;
	struct kmod_list *list = NULL, *l;
	int r = kmod_module_new_from_name(ctx, name, &m);

	if (r < 0) {
		printf("new_from_name %d\n", r);
		return;
	}
	r = kmod_module_get_info(m, &list);
	printf("info %d\n", r);
	kmod_list_foreach (l, list)
		printf("  %s=%s\n", kmod_module_info_get_key(l),
		       kmod_module_info_get_value(l));
	kmod_module_info_free_list(list);
	kmod_module_unref(m);
}

static void do_state(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *m = NULL;
	struct kmod_list *holders, *l;
	int r = kmod_module_new_from_name(ctx, name, &m);

	if (r < 0) {
		printf("new_from_name %d\n", r);
		return;
	}
	printf("initstate %d\n", kmod_module_get_initstate(m));
	printf("refcnt %d\n", kmod_module_get_refcnt(m));
	printf("size %ld\n", kmod_module_get_size(m));
	holders = kmod_module_get_holders(m);
	printf("holders");
	kmod_list_foreach (l, holders) {
		struct kmod_module *h = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	printf("\n");
	kmod_module_unref_list(holders);
	kmod_module_unref(m);
}

static void do_loaded(struct kmod_ctx *ctx)
{
	struct kmod_list *list = NULL, *l;
	int r = kmod_module_new_from_loaded(ctx, &list);

	printf("loaded %d", r);
	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	printf("\n");
	kmod_module_unref_list(list);
}

static void run_op(struct kmod_ctx *ctx, char *op)
{
	char *f[4] = { NULL, NULL, NULL, NULL };
	int n = 0;
	struct kmod_module *m;
	unsigned int flags;
	int r;

	for (char *p = op; n < 4;) {
		char *bar = strchr(p, '|');

		f[n++] = p;
		if (bar == NULL)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	printf("== %s %s\n", f[0], f[1] ? f[1] : "");
	fflush(stdout);

	if (strcmp(f[0], "info") == 0) {
		do_info(ctx, f[1]);
		return;
	}
	if (strcmp(f[0], "infoname") == 0) {
		do_infoname(ctx, f[1]);
		return;
	}
	if (strcmp(f[0], "state") == 0) {
		do_state(ctx, f[1]);
		return;
	}
	if (strcmp(f[0], "loaded") == 0) {
		do_loaded(ctx);
		return;
	}

	m = f[1] ? lookup(ctx, f[1]) : NULL;
	if (m == NULL) {
		printf("lookup failed\n");
		return;
	}
	flags = f[2] ? (unsigned int)strtoul(f[2], NULL, 16) : 0;
	if (f[3] != NULL && f[3][0] == '\0')
		f[3] = NULL;

	if (strcmp(f[0], "probe") == 0 || strcmp(f[0], "probe-ri") == 0)
		r = kmod_module_probe_insert_module(m, flags, f[3],
						    strcmp(f[0], "probe-ri") == 0 ?
							    run_install :
							    NULL,
						    NULL, print_action);
	else if (strcmp(f[0], "insert") == 0)
		r = kmod_module_insert_module(m, flags, f[3]);
	else if (strcmp(f[0], "remove") == 0)
		r = kmod_module_remove_module(m, flags);
	else
		r = -9999;
	fflush(stdout);
	printf("result %d\n", r);
	kmod_module_unref(m);
}

/* The libkmod.so this process runs on, so that the test can tell the runs apart. */
static void print_lib(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "re");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strchr(line, '/');

		if (p != NULL && strstr(p, "/libkmod.so") != NULL) {
			printf("lib %s", p);
			break;
		}
	}
	fclose(f);
}

int main(int argc, char *argv[])
{
	const char *config[] = { NULL, NULL };
	struct kmod_ctx *ctx;

	if (argc < 3)
		return 2;
	config[0] = argv[2];
	ctx = kmod_new(argv[1], config);
	if (ctx == NULL)
		return 1;
	/* KERNEL_ORACLE_DEFAULT_LOG: keep libkmod's stderr logger (function names) */
	if (getenv("KERNEL_ORACLE_DEFAULT_LOG") == NULL)
		kmod_set_log_fn(ctx, log_stdout, NULL);
	kmod_set_log_priority(ctx, 6);
	setvbuf(stdout, NULL, _IOLBF, 0);
	print_lib();
	for (int i = 3; i < argc; i++)
		run_op(ctx, argv[i]);
	/* no INFO line with a pointer in it */
	kmod_set_log_priority(ctx, 3);
	kmod_unref(ctx);
	return 0;
}
