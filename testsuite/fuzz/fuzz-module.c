// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "module": the input is a modules.dep text ("path: dep dep..." lines),
 * used the way libkmod reads it (formats.md 2.1): every line becomes the
 * modules.dep.bin value of its module name in a module directory made at start-up
 * (holding a few empty module files, so that dependency paths resolve). Then, for
 * each module named, a context on that directory gives its path and dependencies
 * and plans its modprobe (dry run, dependencies and their order only). The first
 * line is also parsed directly by module_parse_depline() and the input is used as a
 * lookup query, a name and a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctx.h"
#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "lib/util.h"

#include "fuzz-ctx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 256

static char moddir[PATH_MAX];
static char indexpath[PATH_MAX];
static volatile size_t sink;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path);
}

static void cleanup(void)
{
	if (moddir[0] != '\0')
		nftw(moddir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[] = { "kernel/a.ko", "kernel/b.ko",
					     "kernel/c-d.ko", "kernel/sub/e.ko.xz",
					     "extra/f.ko" };
	const char *tmp = getenv("TMPDIR");

	if ((size_t)snprintf(moddir, sizeof(moddir), "%s/modkit-fuzz-module-XXXXXX",
			     tmp ? tmp : P_tmpdir) >= sizeof(moddir))
		abort();
	if (mkdtemp(moddir) == NULL) {
		perror(moddir);
		abort();
	}
	atexit(cleanup);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[PATH_MAX];
		int fd;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", moddir, files[i]) >=
		    sizeof(path))
			abort();
		if (mkdir_parents(path, 0755) < 0 ||
		    (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			perror(path);
			abort();
		}
		close(fd);
	}
	if ((size_t)snprintf(indexpath, sizeof(indexpath), "%s/modules.dep.bin",
			     moddir) >= sizeof(indexpath))
		abort();
	return 0;
}

static void use_list(struct kmod_list *list)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list) {
		struct kmod_list *deps = kmod_module_get_dependencies(l->data);
		const char *path = kmod_module_get_path(l->data);

		sink += path != NULL ? strlen(path) : 0;
		(void)kmod_module_get_options(l->data);
		kmod_module_unref_list(deps);
	}
}

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	sink += strlen(kmod_module_get_name(m)) + strlen(options);
}

/* modules.dep.bin from the lines: key = module name of the path before ':'. */
static int write_index(char *text, char names[][PATH_MAX], size_t *n_names)
{
	struct index_writer *w = index_writer_new();
	unsigned int prio = 0;
	FILE *fp;
	int err;

	*n_names = 0;
	if (w == NULL)
		return -ENOMEM;
	for (char *line = text, *next; line != NULL && *n_names < MAX_LINES;
	     line = next) {
		char *colon, *nl = strchr(line, '\n');
		char path[PATH_MAX];

		next = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		colon = strchr(line, ':');
		if (colon == NULL || (size_t)(colon - line) >= sizeof(path))
			continue;
		memcpy(path, line, colon - line);
		path[colon - line] = '\0';
		if (path_to_modname(path, names[*n_names], NULL) == NULL ||
		    names[*n_names][0] == '\0')
			continue;
		if (index_writer_insert(w, names[*n_names], line, prio++) < 0)
			continue; /* not 7-bit text */
		++*n_names;
	}
	fp = fopen(indexpath, "we");
	if (fp == NULL) {
		index_writer_free(w);
		return -errno;
	}
	err = index_writer_write(w, fp);
	index_writer_free(w);
	if (fclose(fp) != 0 && err == 0)
		err = -EIO;
	return err;
}

static void probe_names(struct kmod_ctx *ctx, char names[][PATH_MAX], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kmod_module *m;
		struct kmod_list *deps;

		if (kmod_module_new_from_name(ctx, names[i], &m) < 0)
			continue;
		deps = kmod_module_get_dependencies(m);
		use_list(deps);
		kmod_module_unref_list(deps);
		(void)kmod_module_probe_insert_module(m,
						      KMOD_PROBE_DRY_RUN |
							      KMOD_PROBE_IGNORE_LOADED |
							      KMOD_PROBE_IGNORE_COMMAND,
						      NULL, NULL, NULL, print_action);
		kmod_module_unref(m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char names[MAX_LINES][PATH_MAX];
	struct kmod_module *m = NULL, *p = NULL;
	struct kmod_list *list = NULL;
	struct kmod_ctx *ctx;
	char *text, *line;
	size_t n_names = 0;

	text = malloc(size + 1);
	line = malloc(size + 1);
	if (text == NULL || line == NULL)
		goto out;
	memcpy(text, data, size);
	text[size] = '\0';
	memcpy(line, text, size + 1);
	if (write_index(line, names, &n_names) < 0)
		goto out;
	memcpy(line, text, size + 1);

	ctx = fuzz_ctx_new(moddir);
	if (ctx == NULL)
		goto out;
	(void)kmod_load_resources(ctx);
	probe_names(ctx, names, n_names);

	if (kmod_module_new_from_name(ctx, "fuzz", &m) == 0) {
		struct kmod_list *deps;

		(void)module_parse_depline(m, line);
		deps = kmod_module_get_dependencies(m);
		use_list(deps);
		kmod_module_unref_list(deps);
		(void)kmod_module_get_path(m);
		kmod_module_unref(m);
	}
	if (kmod_module_new_from_lookup(ctx, text, &list) == 0)
		use_list(list);
	kmod_module_unref_list(list);
	if (kmod_module_new_from_name_lookup(ctx, text, &p) == 0)
		kmod_module_unref(p);
	p = NULL;
	if (kmod_module_new_from_name(ctx, text, &p) == 0)
		kmod_module_unref(p);
	p = NULL;
	if (kmod_module_new_from_path(ctx, text, &p) == 0)
		kmod_module_unref(p);
	kmod_unref(ctx);
out:
	free(line);
	free(text);
	return 0;
}

#define FUZZ_INITIALIZE
#include "fuzz-main.h"
