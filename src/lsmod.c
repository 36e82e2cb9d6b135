// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lsmod / kmod list: the loaded modules as a table (tools.md 4), or as a JSON
 * document (--json, lsmod(8)).
 *
 * Everything is read before anything is printed. /proc/modules is read again at the
 * end of the reading pass; if the set of modules changed meanwhile, the pass is
 * thrown away and done again (up to LSMOD_PASSES times), so that the rows describe
 * one state of the kernel: no row of a module that went away after its neighbours
 * were read, no holder list that mentions a module the table leaves out. A module
 * whose /sys/module directory is gone by the end of its own reading is left out.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "kmod.h"
#include "libkmod.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "log.h"
#include "options.h"

#define SYSFS_MODULE_DIR "/sys/module/"
#define LSMOD_PASSES 5

enum lsmod_column {
	COL_STATE,
	COL_TAINT,
	COL_PARAMETERS,
	N_COLUMNS,
};

static const struct {
	const char *name;
	const char *header;
} columns[N_COLUMNS] = {
	[COL_STATE] = { "state", "State" },
	[COL_TAINT] = { "taint", "Taint" },
	[COL_PARAMETERS] = { "parameters", "Parameters" },
};

enum lsmod_sort {
	SORT_NONE,
	SORT_NAME,
	SORT_SIZE,
	SORT_REFCOUNT,
};

static const char *const sort_names[] = {
	[SORT_NAME] = "name",
	[SORT_SIZE] = "size",
	[SORT_REFCOUNT] = "refcount",
};

struct lsmod_param {
	char *name;
	char *value; /* NULL: not readable */
	size_t len;
};

struct lsmod_row {
	size_t index; /* position in /proc/modules */
	char *name;
	long size; /* negative: -errno */
	int refcnt; /* negative: -errno */
	char **holders; /* NULL: directory not readable */
	size_t n_holders;
	const char *state; /* NULL: not readable */
	char *taint; /* without the newline; NULL: not readable */
	size_t taint_len;
	struct lsmod_param *params;
	size_t n_params;
};

struct lsmod_options {
	struct tool_common common;
	const char *sort_arg, *columns_arg; /* checked once logging is open */
	bool json;
	enum lsmod_sort sort;
	bool want[N_COLUMNS]; /* columns to read */
	enum lsmod_column order[N_COLUMNS]; /* --columns, in the order given */
	size_t n_order;
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options]\n\n"
	       "Shows the modules loaded in the running kernel.\n\n"
	       "Options:\n"
	       "\t    --sort=KEY      order the rows by name, size or refcount\n"
	       "\t    --columns=LIST  also show these columns (comma-separated):\n"
	       "\t                    state, taint, parameters\n"
	       "\t    --json          print a JSON document (schema in lsmod(8))\n"
	       "\t-s, --syslog    send messages to syslog instead of stderr\n"
	       "\t-v, --verbose   show more messages\n"
	       "\t-V, --version   print the version and exit\n"
	       "\t-h, --help      print this help and exit\n",
	       program_invocation_short_name);
}

/* ---- reading ------------------------------------------------------------------ */

static void row_release(struct lsmod_row *row)
{
	free(row->name);
	for (size_t i = 0; i < row->n_holders; i++)
		free(row->holders[i]);
	free(row->holders);
	free(row->taint);
	for (size_t i = 0; i < row->n_params; i++) {
		free(row->params[i].name);
		free(row->params[i].value);
	}
	free(row->params);
	memset(row, 0, sizeof(*row));
}

static void rows_free(struct lsmod_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		row_release(&rows[i]);
	free(rows);
}

static bool module_dir_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int len = snprintf(path, sizeof(path), SYSFS_MODULE_DIR "%s", name);

	if (len < 0 || (size_t)len >= sizeof(path))
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A sysfs attribute without its trailing newline; NULL (and *err) when unreadable. */
static char *read_attribute(const char *path, size_t *len, int *err)
{
	char *s = NULL;
	size_t n = 0;
	int r = read_file(path, &s, &n);

	if (r < 0) {
		*err = r;
		return NULL;
	}
	if (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	*len = n;
	return s;
}

/* What a walk over a module's sysfs directory fills: the row, and its array's capacity. */
struct subdir_walk {
	struct lsmod_row *row;
	size_t cap;
};

/*
 * Calls fn with the path of /sys/module/<name>/<sub> and each of its entries, in
 * directory order, until fn fails. Returns 0, or the -errno of the opening or of fn.
 */
static int walk_module_subdir(const char *name, const char *sub,
			      int (*fn)(const char *dir, const char *entry,
					struct subdir_walk *w),
			      struct subdir_walk *w)
{
	char dname[PATH_MAX];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *dent;
	int len = snprintf(dname, sizeof(dname), SYSFS_MODULE_DIR "%s/%s", name, sub);

	if (len < 0 || (size_t)len >= sizeof(dname))
		return -ENAMETOOLONG;
	d = opendir(dname);
	if (d == NULL)
		return -errno;
	while ((dent = readdir(d)) != NULL) {
		int r = fn(dname, dent->d_name, w);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Returns arr with room for element n (of size elem), reallocated to twice its
 * capacity *cap (first elements at first) when it is full; NULL on out-of-memory,
 * arr being then left as it was.
 */
static void *grow_array(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t ncap;
	void *tmp;

	if (n < *cap)
		return arr;
	ncap = *cap == 0 ? first : *cap * 2;
	tmp = realloc(arr, ncap * elem);
	if (tmp != NULL)
		*cap = ncap;
	return tmp;
}

static int add_holder(const char *dir, const char *entry, struct subdir_walk *w)
{
	struct lsmod_row *row = w->row;
	char buf[PATH_MAX];
	char **holders;

	if (streq(entry, ".") || streq(entry, ".."))
		return 0;
	if (modname_normalize(entry, buf, NULL) == NULL)
		return 0;
	/* room for the holder and the NULL after it */
	holders = grow_array(row->holders, &w->cap, row->n_holders + 1, sizeof(*holders),
			     4);
	if (holders == NULL)
		return -ENOMEM;
	row->holders = holders;
	holders[row->n_holders] = strdup(buf);
	if (holders[row->n_holders] == NULL)
		return -ENOMEM;
	row->n_holders++;
	return 0;
}

/*
 * The entries of holders/, in directory order, as kmod_module_get_holders() names
 * them. On failure returns -errno and the caller reports it (after checking that
 * the module itself is still there).
 */
static int read_holders(const char *name, struct lsmod_row *row)
{
	struct subdir_walk w = { .row = row };

	row->holders = calloc(1, sizeof(char *));
	if (row->holders == NULL)
		return -ENOMEM;
	return walk_module_subdir(name, "holders", add_holder, &w);
}

static int param_cmp(const void *a, const void *b)
{
	const struct lsmod_param *pa = a, *pb = b;

	return strcmp(pa->name, pb->name);
}

static int add_param(const char *dir, const char *entry, struct subdir_walk *w)
{
	struct lsmod_row *row = w->row;
	struct lsmod_param *p;
	char path[PATH_MAX];
	int err = 0, len;

	if (entry[0] == '.')
		return 0;
	p = grow_array(row->params, &w->cap, row->n_params, sizeof(*p), 8);
	if (p == NULL)
		return -ENOMEM;
	row->params = p;
	p = &row->params[row->n_params];
	memset(p, 0, sizeof(*p));
	p->name = strdup(entry);
	if (p->name == NULL)
		return -ENOMEM;
	row->n_params++;
	len = snprintf(path, sizeof(path), "%s/%s", dir, entry);
	if (len < 0 || (size_t)len >= sizeof(path))
		return 0;
	p->value = read_attribute(path, &p->len, &err);
	return p->value == NULL && err == -ENOMEM ? err : 0;
}

/* parameters/: every file, sorted by name; none when there is no such directory. */
static int read_params(const char *name, struct lsmod_row *row)
{
	struct subdir_walk w = { .row = row };
	int r = walk_module_subdir(name, "parameters", add_param, &w);

	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0)
		return r;
	if (row->n_params > 1)
		qsort(row->params, row->n_params, sizeof(*row->params), param_cmp);
	return 0;
}

/*
 * Reads one module's row. Returns 1 when the row is complete, 0 when the module is
 * gone (no row), -ENOMEM. Messages are those kmod prints for the same files, in the
 * same order: size, refcnt, holders.
 */
static int read_row(struct kmod_module *mod, const struct lsmod_options *opts,
		    struct lsmod_row *row)
{
	const char *name = kmod_module_get_name(mod);
	int holders_err, err = 0;

	row->name = strdup(name);
	if (row->name == NULL)
		return -ENOMEM;
	/* Gone between /proc/modules and /sys: kmod would print a row of -errno
	 * values (its issue #41). */
	row->size = kmod_module_get_size(mod);
	if (row->size == -ENOENT)
		return 0;
	row->refcnt = kmod_module_get_refcnt(mod);
	holders_err = read_holders(name, row);
	if (holders_err == -ENOMEM)
		return holders_err;
	if (holders_err < 0) {
		free(row->holders);
		row->holders = NULL;
		row->n_holders = 0;
	}
	if (opts->want[COL_STATE]) {
		int state = kmod_module_get_initstate(mod);

		row->state = state < 0 ? NULL : kmod_module_initstate_str(state);
	}
	if (opts->want[COL_TAINT]) {
		char path[PATH_MAX];
		int len = snprintf(path, sizeof(path), SYSFS_MODULE_DIR "%s/taint", name);

		if (len > 0 && (size_t)len < sizeof(path))
			row->taint = read_attribute(path, &row->taint_len, &err);
		if (row->taint == NULL && err == -ENOMEM)
			return err;
	}
	if (opts->want[COL_PARAMETERS]) {
		err = read_params(name, row);
		if (err == -ENOMEM)
			return err;
	}
	if (!module_dir_exists(name))
		return 0;
	if (holders_err < 0)
		ERR("could not open '" SYSFS_MODULE_DIR "%s/holders': %s\n", name,
		    strerror(-holders_err));
	return 1;
}

/* Reads the rows of every module of list; returns the number of rows or -ENOMEM. */
static ssize_t read_rows(struct kmod_list *list, const struct lsmod_options *opts,
			 struct lsmod_row **out)
{
	struct lsmod_row *rows = NULL;
	struct kmod_list *it;
	size_t n = 0, total = 0;

	kmod_list_foreach (it, list)
		total++;
	rows = calloc(total + 1, sizeof(*rows));
	if (rows == NULL)
		return -ENOMEM;
	kmod_list_foreach (it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		int r = read_row(mod, opts, &rows[n]);

		kmod_module_unref(mod);
		if (r < 0) {
			rows_free(rows, n + 1);
			return r;
		}
		if (r == 0) {
			row_release(&rows[n]);
			continue;
		}
		rows[n].index = n;
		n++;
	}
	*out = rows;
	return (ssize_t)n;
}

/*
 * True when /proc/modules still names exactly the modules of list, in order. When
 * it cannot be read at all, the listing stands as it is (true).
 */
static bool loaded_unchanged(struct kmod_list *list)
{
	_cleanup_fclose_ FILE *fp = fopen("/proc/modules", "re");
	_cleanup_free_ char *line = NULL;
	struct kmod_list *it = list;
	size_t linesize = 0;

	if (fp == NULL)
		return true;
	while (getline(&line, &linesize, fp) >= 0) {
		char *save, *word = strtok_r(line, " \t\n", &save);
		char buf[PATH_MAX];
		struct kmod_module *mod;
		bool same;

		if (word == NULL)
			continue;
		if (it == NULL || modname_normalize(word, buf, NULL) == NULL)
			return false;
		mod = kmod_module_get_module(it);
		same = streq(kmod_module_get_name(mod), buf);
		kmod_module_unref(mod);
		if (!same)
			return false;
		it = kmod_list_next(list, it);
	}
	return it == NULL;
}

/* ---- sorting -------------------------------------------------------------------- */

static int cmp_long(long a, long b)
{
	return a < b ? -1 : a > b;
}

/* data: the enum lsmod_sort key (qsort_r, so the key is no file-scope variable) */
static int row_cmp(const void *a, const void *b, void *data)
{
	const struct lsmod_row *ra = a, *rb = b;
	const enum lsmod_sort *key = data;
	int r = 0;

	switch (*key) {
	case SORT_NAME:
		r = strcmp(ra->name, rb->name);
		break;
	case SORT_SIZE:
		r = cmp_long(ra->size, rb->size);
		break;
	case SORT_REFCOUNT:
		r = cmp_long(ra->refcnt, rb->refcnt);
		break;
	case SORT_NONE:
		break;
	}
	/* ties keep the /proc/modules order */
	return r != 0 ? r : cmp_long((long)ra->index, (long)rb->index);
}

/* ---- printing ------------------------------------------------------------------- */

/* "name=value,..." of the readable parameters; "-" when there is none. */
static char *params_text(const struct lsmod_row *row)
{
	size_t len = 0;
	char *s, *p;

	for (size_t i = 0; i < row->n_params; i++) {
		if (row->params[i].value != NULL)
			len += strlen(row->params[i].name) + 1 + row->params[i].len + 1;
	}
	if (len == 0)
		return strdup("-");
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s;
	for (size_t i = 0; i < row->n_params; i++) {
		const struct lsmod_param *prm = &row->params[i];
		size_t nlen = strlen(prm->name);

		if (prm->value == NULL)
			continue;
		if (p != s)
			*p++ = ',';
		memcpy(p, prm->name, nlen);
		p += nlen;
		*p++ = '=';
		memcpy(p, prm->value, prm->len);
		p += prm->len;
	}
	*p = '\0';
	return s;
}

/* The text of an extra column of row (malloc'd), "-" for nothing. */
static char *column_text(const struct lsmod_row *row, enum lsmod_column col)
{
	switch (col) {
	case COL_STATE:
		return strdup(row->state != NULL ? row->state : "-");
	case COL_TAINT:
		return strdup(row->taint != NULL && row->taint[0] != '\0' ? row->taint :
									    "-");
	case COL_PARAMETERS:
	case N_COLUMNS:
		break;
	}
	return params_text(row);
}

static int print_table(const struct lsmod_row *rows, size_t n,
		       const struct lsmod_options *opts)
{
	int width[N_COLUMNS] = { 0 };
	char **cells = NULL;
	size_t ncol = opts->n_order;

	if (ncol > 0) {
		cells = calloc(n * ncol + 1, sizeof(char *));
		if (cells == NULL)
			return -ENOMEM;
		for (size_t c = 0; c < ncol; c++)
			width[c] = (int)strlen(columns[opts->order[c]].header);
		for (size_t i = 0; i < n; i++) {
			for (size_t c = 0; c < ncol; c++) {
				char *cell = column_text(&rows[i], opts->order[c]);
				int w;

				if (cell == NULL) {
					for (size_t k = 0; k < n * ncol; k++)
						free(cells[k]);
					free(cells);
					return -ENOMEM;
				}
				cells[i * ncol + c] = cell;
				w = (int)strlen(cell);
				if (w > width[c])
					width[c] = w;
			}
		}
	}

	fputs("Module                  Size  ", stdout);
	for (size_t c = 0; c < ncol; c++)
		printf("%-*s  ", width[c], columns[opts->order[c]].header);
	puts("Used by");
	for (size_t i = 0; i < n; i++) {
		const struct lsmod_row *row = &rows[i];

		printf("%-19s %8ld  ", row->name, row->size);
		for (size_t c = 0; c < ncol; c++)
			printf("%-*s  ", width[c], cells[i * ncol + c]);
		printf("%d", row->refcnt);
		for (size_t h = 0; h < row->n_holders; h++)
			printf("%s%s", h == 0 ? " " : ",", row->holders[h]);
		putchar('\n');
	}
	if (cells != NULL) {
		for (size_t k = 0; k < n * ncol; k++)
			free(cells[k]);
		free(cells);
	}
	return 0;
}

static int print_json(const struct lsmod_row *rows, size_t n)
{
	struct json_writer w;

	json_document_begin(&w, stdout, "lsmod");
	json_key(&w, "modules");
	json_array_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct lsmod_row *row = &rows[i];

		json_object_begin(&w);
		json_member_string(&w, "name", row->name);
		json_key(&w, "size");
		if (row->size >= 0)
			json_int(&w, row->size);
		else
			json_null(&w);
		json_key(&w, "refcount");
		if (row->refcnt >= 0)
			json_int(&w, row->refcnt);
		else
			json_null(&w);
		json_key(&w, "holders");
		if (row->holders != NULL) {
			json_array_begin(&w);
			for (size_t h = 0; h < row->n_holders; h++)
				json_string(&w, row->holders[h]);
			json_array_end(&w);
		} else {
			json_null(&w);
		}
		json_member_string(&w, "state", row->state);
		json_key(&w, "taint");
		json_string_len(&w, row->taint, row->taint_len);
		json_key(&w, "parameters");
		json_object_begin(&w);
		for (size_t p = 0; p < row->n_params; p++) {
			json_key(&w, row->params[p].name);
			json_string_len(&w, row->params[p].value, row->params[p].len);
		}
		json_object_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	return json_finish(&w);
}

/* ---- options -------------------------------------------------------------------- */

static bool parse_sort(const char *arg, enum lsmod_sort *sort)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_names); i++) {
		if (sort_names[i] != NULL && streq(arg, sort_names[i])) {
			*sort = (enum lsmod_sort)i;
			return true;
		}
	}
	ERR("unknown sort key '%s': use name, size or refcount.\n", arg);
	return false;
}

static bool parse_columns(const char *arg, struct lsmod_options *opts)
{
	const char *p = arg;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		size_t c;

		for (c = 0; c < N_COLUMNS; c++) {
			if (strlen(columns[c].name) == len &&
			    memcmp(p, columns[c].name, len) == 0)
				break;
		}
		if (c == N_COLUMNS) {
			ERR("unknown column '%.*s': use state, taint or parameters.\n",
			    (int)len, p);
			return false;
		}
		if (!opts->want[c]) {
			opts->want[c] = true;
			opts->order[opts->n_order++] = (enum lsmod_column)c;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

enum {
	OPT_SORT = 256,
	OPT_COLUMNS,
	OPT_JSON,
};

static int lsmod_option(int c, const char *arg, void *data)
{
	struct lsmod_options *opts = data;

	switch (c) {
	case OPT_SORT:
		opts->sort_arg = arg;
		return 0;
	case OPT_COLUMNS:
		opts->columns_arg = arg;
		return 0;
	case OPT_JSON:
		opts->json = true;
		return 0;
	default:
		return OPTION_COMMON;
	}
}

/* Checks the operands and the values of --sort and --columns; reports failures. */
static int lsmod_check(struct lsmod_options *opts, int nargs)
{
	if (nargs > 0) {
		ERR("too many arguments provided.\n");
		return -EINVAL;
	}
	if ((opts->sort_arg != NULL && !parse_sort(opts->sort_arg, &opts->sort)) ||
	    (opts->columns_arg != NULL && !parse_columns(opts->columns_arg, opts)))
		return -EINVAL;
	if (opts->json) {
		/* the document always has every column */
		for (size_t c = 0; c < N_COLUMNS; c++)
			opts->want[c] = true;
	}
	return 0;
}

/*
 * Reads the rows of the loaded modules, again while /proc/modules changes under the
 * reading (at most LSMOD_PASSES times). Returns the number of rows; reports failures.
 */
static ssize_t lsmod_read(struct kmod_ctx *ctx, const struct lsmod_options *opts,
			  struct lsmod_row **out)
{
	_cleanup_kmod_list_ struct kmod_list *list = NULL;
	struct lsmod_row *rows = NULL;
	ssize_t n;
	int r = kmod_module_new_from_loaded(ctx, &list);

	if (r < 0) {
		ERR("could not get list of modules: %s\n", strerror(-r));
		return r;
	}
	for (int pass = 1;; pass++) {
		struct kmod_list *again = NULL;

		n = read_rows(list, opts, &rows);
		if (n < 0) {
			ERR("could not list modules: %s\n", strerror((int)-n));
			return n;
		}
		if (pass == LSMOD_PASSES || loaded_unchanged(list))
			break;
		/* modules came or went while we were reading: read them all again */
		if (kmod_module_new_from_loaded(ctx, &again) < 0)
			break;
		rows_free(rows, (size_t)n);
		rows = NULL;
		kmod_module_unref_list(list);
		list = again;
	}
	*out = rows;
	return n;
}

static int lsmod_run(void *data, int nargs, char *args[])
{
	struct lsmod_options *opts = data;
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	struct lsmod_row *rows = NULL;
	ssize_t n;
	int r = lsmod_check(opts, nargs);

	if (r < 0)
		return r;
	ctx = log_kmod_new(NULL, NULL, opts->common.verbose);
	if (ctx == NULL)
		return -ENOMEM;
	n = lsmod_read(ctx, opts, &rows);
	if (n < 0)
		return (int)n;
	if (opts->sort != SORT_NONE)
		qsort_r(rows, (size_t)n, sizeof(*rows), row_cmp, &opts->sort);
	r = opts->json ? print_json(rows, (size_t)n) : print_table(rows, (size_t)n, opts);
	if (r == -ENOMEM)
		ERR("could not list modules: %s\n", strerror(-r));
	rows_free(rows, (size_t)n);
	return r;
}

static int do_lsmod(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "json", no_argument, NULL, OPT_JSON },
		OPTIONS_LONG_COMMON,
	};
	static const struct tool_spec spec = { "svVh", longopts, lsmod_option,
					       lsmod_run };
	struct lsmod_options opts = { .common = { .verbose = LOG_ERR, .help = help } };

	return tool_main(argc, argv, &spec, &opts.common, &opts);
}

const struct kmod_cmd kmod_cmd_compat_lsmod = {
	.name = "lsmod",
	.cmd = do_lsmod,
	.help = "compat lsmod command",
};

const struct kmod_cmd kmod_cmd_list = {
	.name = "list",
	.cmd = do_lsmod,
	.help = "list currently loaded modules",
};
