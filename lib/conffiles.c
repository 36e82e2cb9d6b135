// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one walker of configuration directories, shared by the library (modprobe.d)
 * and depmod (depmod.d), formats.md 7.1 and 7.9.
 *
 * Every path contributes files: a directory its "*.conf" entries, a plain file
 * itself. All of them are merged into one list sorted by basename, and a basename
 * seen in a higher-precedence path hides the same basename further down. Callers
 * differ only in how they word the skipped entries, hence the report callback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "config.h"
#include "log-lib.h"
#include "macro.h"
#include "util.h"

/* A candidate before sorting: rank keeps the precedence for equal names. */
struct conf_candidate {
	struct conf_file file;
	size_t rank;
};

static void candidate_free(struct conf_candidate *c)
{
	if (c == NULL)
		return;
	free(c->file.path);
	free(c);
}

static int candidate_add(struct array *out, char *path, size_t name_off,
			 unsigned long long stamp)
{
	struct conf_candidate *c = malloc(sizeof(*c));

	if (c == NULL) {
		free(path);
		return -ENOMEM;
	}
	c->file.path = path;
	c->file.name = path + name_off;
	c->file.stamp = stamp;
	c->rank = out->count;
	if (array_append(out, c) < 0) {
		candidate_free(c);
		return -ENOMEM;
	}
	return 0;
}

static size_t basename_offset(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash + 1 - path) : 0;
}

/* Adds path itself under its basename. */
static int add_single(struct array *out, const char *path, const struct stat *st)
{
	char *copy = strdup(path);

	if (copy == NULL)
		return -ENOMEM;
	return candidate_add(out, copy, basename_offset(copy), stat_mstamp(st));
}

static bool name_is_conf(const char *name)
{
	size_t len = strlen(name);

	return len >= STRLEN("x.conf") && streq(name + len - STRLEN(".conf"), ".conf");
}

static int add_directory(struct array *out, const char *dir, conffiles_report_fn report,
			 void *data)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *ent;

	if (d == NULL) {
		if (report)
			report(data, CONFFILES_SKIP_PATH, dir, NULL, -errno);
		return 0;
	}
	while ((ent = readdir(d)) != NULL) {
		const char *name = ent->d_name;
		struct stat st;
		char *path;
		int err;

		if (name[0] == '.')
			continue;
		if (!name_is_conf(name)) {
			if (report)
				report(data, CONFFILES_SKIP_NOT_CONF, dir, name, 0);
			continue;
		}
		if (fstatat(dirfd(d), name, &st, 0) < 0) {
			if (report)
				report(data, CONFFILES_SKIP_STAT, dir, name, -errno);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (report)
				report(data, CONFFILES_SKIP_SUBDIR, dir, name, 0);
			continue;
		}
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			return -ENOMEM;
		err = candidate_add(out, path, strlen(dir) + 1, stat_mstamp(&st));
		if (err < 0)
			return err;
	}
	return 0;
}

/*
 * True if a path before paths[i] is the directory st describes (the same
 * directory reached through a symlink, or named twice): reading it again could
 * only add names that the first reading already took.
 */
static bool dir_seen(const char *const *paths, size_t i, const struct stat *st)
{
	for (size_t j = 0; j < i; j++) {
		struct stat prev;

		if (stat(paths[j], &prev) == 0 && S_ISDIR(prev.st_mode) &&
		    prev.st_dev == st->st_dev && prev.st_ino == st->st_ino)
			return true;
	}
	return false;
}

static int candidate_cmp(const void *a, const void *b)
{
	const struct conf_candidate *ca = *(const struct conf_candidate *const *)a;
	const struct conf_candidate *cb = *(const struct conf_candidate *const *)b;
	int r = strcmp(ca->file.name, cb->file.name);

	if (r != 0)
		return r;
	return ca->rank < cb->rank ? -1 : ca->rank > cb->rank;
}

static void candidates_release(struct array *arr)
{
	for (size_t i = 0; i < arr->count; i++)
		candidate_free(arr->array[i]);
	array_free_array(arr);
}

int conffiles_list_report(const char *const *paths, const char *const *extra_paths,
			  conffiles_report_fn report, void *data,
			  struct conf_file **files, size_t *n)
{
	_cleanup_(candidates_release) struct array cands;
	struct conf_file *result;
	size_t count = 0;
	int err = 0;

	array_init(&cands, 16);

	/* Pseudo-files rank above every path: a same-named file elsewhere loses. */
	for (size_t i = 0; extra_paths != NULL && extra_paths[i] != NULL && err == 0;
	     i++) {
		struct stat st;

		if (stat(extra_paths[i], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		err = add_single(&cands, extra_paths[i], &st);
	}
	for (size_t i = 0; paths != NULL && paths[i] != NULL && err == 0; i++) {
		struct stat st;

		if (stat(paths[i], &st) < 0)
			continue;
		/* anything but a directory is read as one file (kmod reads -C /dev/null);
		 * whether that is a regular file is checked when it is opened */
		if (!S_ISDIR(st.st_mode))
			err = add_single(&cands, paths[i], &st);
		else if (!dir_seen(paths, i, &st))
			err = add_directory(&cands, paths[i], report, data);
	}
	if (err < 0)
		return err;

	array_sort(&cands, candidate_cmp);
	result = calloc(cands.count ? cands.count : 1, sizeof(*result));
	if (result == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < cands.count; i++) {
		struct conf_candidate *c = cands.array[i];

		if (count > 0 && streq(result[count - 1].name, c->file.name)) {
			candidate_free(c);
			continue;
		}
		result[count++] = c->file;
		free(c);
	}
	cands.count = 0; /* each candidate is freed or its file moved to result */
	*files = result;
	*n = count;
	return 0;
}

/* Named after the libkmod function whose name its default logger prints. */
static void conf_files_filter_out(void *data, enum conffiles_skip why, const char *dir,
				  const char *name, int err)
{
	const struct kmod_ctx *ctx = data;

	if (ctx == NULL || ctx_log_priority(ctx) < LOG_ERR)
		return;
	switch (why) {
	case CONFFILES_SKIP_NOT_CONF:
		break;
	case CONFFILES_SKIP_STAT:
		ctx_log(ctx, LOG_ERR, __FILE__, __LINE__, __func__,
			"Cannot stat directory entry: %s/%s\n", dir, name);
		break;
	case CONFFILES_SKIP_SUBDIR:
		ctx_log(ctx, LOG_ERR, __FILE__, __LINE__, __func__,
			"Directories inside directories are not supported: %s/%s\n", dir,
			name);
		break;
	case CONFFILES_SKIP_PATH:
		ctx_log(ctx, LOG_ERR, __FILE__, __LINE__, "conf_files_list",
			"opendir(%s): %s\n", dir, strerror(-err));
		break;
	}
}

int conffiles_list(const struct kmod_ctx *ctx, const char *const *paths,
		   const char *const *extra_paths, struct conf_file **files, size_t *n)
{
	return conffiles_list_report(paths, extra_paths, conf_files_filter_out,
				     (void *)ctx, files, n);
}

void conffiles_free(struct conf_file *files, size_t n)
{
	if (files == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}
