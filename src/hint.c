// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hint: lines for people reading a failure on a terminal (hint.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hint.h"
#include "index-text.h"
#include "lib/ctx.h"
#include "lib/index.h"
#include "lib/module.h"
#include "lib/util.h"
#include "lib/strbuf.h"
#include "libkmod.h"

#define SUGGESTIONS_MAX 3
#define NAME_MAX_CMP 64 /* longer names are not compared */

bool hint_enabled(void)
{
	return isatty(STDERR_FILENO) == 1;
}

/*
 * Process-wide, as the logging state of log.c is: the one hint of a run waits for
 * the end of the program, so that it follows the error messages (a FATAL message
 * exits at once, from anywhere) and a second failure does not add another line;
 * and a hint is made deep in a failure path that is handed no tool struct, so what
 * the tool was given (-b/-d and -C) is recorded here once, after parsing.
 */
static struct {
	char *pending; /* the text printed at exit */
	bool registered; /* hint_flush() is an atexit() handler */
	const char *root, *root_flag;
	const char *const *config_paths;
} hint_state;

static void hint_flush(void)
{
	if (hint_state.pending != NULL) {
		fprintf(stderr, "hint: %s\n", hint_state.pending);
		fflush(stderr);
	}
	free(hint_state.pending);
	hint_state.pending = NULL;
}

static void hint_print(char *text)
{
	if (text == NULL || hint_state.pending != NULL) {
		free(text);
		return;
	}
	if (!hint_state.registered) {
		if (atexit(hint_flush) != 0) {
			free(text);
			return;
		}
		hint_state.registered = true;
	}
	hint_state.pending = text;
}

void hint_set_options(const char *root, const char *root_flag,
		      const char *const *config_paths)
{
	hint_state.root = root;
	hint_state.root_flag = root_flag;
	hint_state.config_paths = config_paths;
}

static char *format(const char *fmt, ...) _printf_(1, 2);
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* ---- names close to a name ------------------------------------------------------ */

static char fold(char c)
{
	return c == '-' ? '_' : c;
}

/* Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbours cost 1 each. */
unsigned int hint_distance(const char *a, const char *b, unsigned int max)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned int d[NAME_MAX_CMP + 1][NAME_MAX_CMP + 1];

	if (la > NAME_MAX_CMP || lb > NAME_MAX_CMP)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned int cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			unsigned int v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb] > max ? max + 1 : d[la][lb];
}

struct suggestion {
	unsigned int dist;
	char name[NAME_MAX_CMP + 1];
};

static void consider(struct suggestion *best, size_t *n, const char *query,
		     const char *name, size_t len, unsigned int max)
{
	char buf[NAME_MAX_CMP + 1];
	unsigned int d;
	size_t pos;

	if (len > NAME_MAX_CMP)
		return;
	memcpy(buf, name, len);
	buf[len] = '\0';
	d = hint_distance(query, buf, max);
	if (d == 0 || d > max)
		return;
	for (size_t i = 0; i < *n; i++) {
		if (streq(best[i].name, buf))
			return;
	}
	/* keep the closest, ties by name */
	for (pos = 0; pos < *n; pos++) {
		if (d < best[pos].dist ||
		    (d == best[pos].dist && strcmp(buf, best[pos].name) < 0))
			break;
	}
	if (pos >= SUGGESTIONS_MAX)
		return;
	if (*n < SUGGESTIONS_MAX)
		(*n)++;
	memmove(&best[pos + 1], &best[pos], (*n - 1 - pos) * sizeof(*best));
	best[pos].dist = d;
	memcpy(best[pos].name, buf, len + 1);
}

char *tool_index_text(struct kmod_ctx *ctx, enum index_type type)
{
	struct index_mm *idx = ctx_index_get(ctx, type);
	char *text = NULL;
	struct stat st;
	int fd;

	if (idx == NULL)
		return NULL;
	fd = memfd_create("index-text", MFD_CLOEXEC);
	if (fd >= 0 && index_mm_dump(idx, fd, "") >= 0 && fstat(fd, &st) == 0) {
		text = malloc((size_t)st.st_size + 1);
		if (text != NULL &&
		    pread(fd, text, (size_t)st.st_size, 0) == (ssize_t)st.st_size)
			text[st.st_size] = '\0';
		else if (text != NULL)
			text[0] = '\0';
	}
	if (fd >= 0)
		close(fd);
	ctx_index_put(ctx, type, idx);
	return text;
}

/* Keys of an index ("key value" lines of its dump) compared with query. */
static void consider_index(struct kmod_ctx *ctx, enum index_type type, const char *query,
			   unsigned int max, struct suggestion *best, size_t *n)
{
	_cleanup_free_ char *text = tool_index_text(ctx, type);

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t key = strcspn(p, " \n");

		consider(best, n, query, p, key, max);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static char *did_you_mean(struct kmod_ctx *ctx, const char *name)
{
	struct suggestion best[SUGGESTIONS_MAX];
	char query[PATH_MAX];
	size_t n = 0, len;
	unsigned int max;
	struct strbuf buf;

	if (alias_normalize(name, query, &len) < 0 || len > NAME_MAX_CMP)
		return NULL;
	/* only close ones: one edit for short names, up to a third of the name */
	max = len <= 4 ? 1 : (unsigned int)(len / 3);
	consider_index(ctx, INDEX_MODULES_DEP, query, max, best, &n);
	consider_index(ctx, INDEX_MODULES_BUILTIN, query, max, best, &n);
	if (n == 0)
		return NULL;
	strbuf_init(&buf);
	(void)strbuf_pushchars(&buf, "did you mean ");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			(void)strbuf_pushchars(&buf, i + 1 == n ? " or " : ", ");
		(void)strbuf_pushchars(&buf, best[i].name);
	}
	(void)strbuf_pushchars(&buf, "?");
	return strbuf_steal(&buf);
}

/* ---- not found ----------------------------------------------------------------------- */

char *hint_not_found_text(struct kmod_ctx *ctx, const char *name, const char *root,
			  const char *root_flag, const char *const *config_paths)
{
	const char *dir;
	_cleanup_free_ char *dep = NULL;

	if (root != NULL && !exists(root))
		return format("the directory %s given with %s does not exist", root,
			      root_flag != NULL ? root_flag : "-b");
	for (size_t i = 0; config_paths != NULL && config_paths[i] != NULL; i++) {
		if (!exists(config_paths[i]))
			return format(
				"the configuration path %s given with -C does not exist",
				config_paths[i]);
	}
	dir = ctx != NULL ? kmod_get_dirname(ctx) : NULL;
	if (dir == NULL)
		return NULL;
	if (!exists(dir))
		return format(
			"%s does not exist: no modules for this kernel release (-S chooses another)",
			dir);
	if (asprintf(&dep, "%s/modules.dep.bin", dir) < 0)
		return NULL;
	if (!exists(dep))
		return format("%s has no modules.dep.bin: run depmod", dir);
	return name != NULL ? did_you_mean(ctx, name) : NULL;
}

void hint_not_found(struct kmod_ctx *ctx, const char *name)
{
	if (hint_enabled())
		hint_print(hint_not_found_text(ctx, name, hint_state.root,
					       hint_state.root_flag,
					       hint_state.config_paths));
}

void hint_missing_dir(const char *dir, const char *flag)
{
	if (!hint_enabled() || dir == NULL || exists(dir))
		return;
	if (flag != NULL)
		hint_print(format("the directory %s given with %s does not exist", dir,
				  flag));
	else
		hint_print(format("%s does not exist: no modules for this kernel release",
				  dir));
}

/* ---- module files ----------------------------------------------------------------------- */

static bool starts(const unsigned char *b, size_t n, const char *magic, size_t len)
{
	return n >= len && memcmp(b, magic, len) == 0;
}

char *hint_file_text(const char *path)
{
	unsigned char b[64];
	struct stat st;
	ssize_t n;
	size_t text = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n < 0)
		return NULL;
	if (n == 0)
		return format("%s is empty", path);
	if (starts(b, (size_t)n, "\177ELF", 4)) {
		if (st.st_size < 64)
			return format("%s is an ELF file cut short (%lld bytes)", path,
				      (long long)st.st_size);
		return NULL; /* an ELF file: the problem is elsewhere */
	}
	if (starts(b, (size_t)n, "\x1f\x8b", 2) ||
	    starts(b, (size_t)n,
		   "\xfd"
		   "7zXZ",
		   5) ||
	    starts(b, (size_t)n, "\x28\xb5\x2f\xfd", 4))
		return format(
			"%s is compressed (%s) but does not decompress to a module: truncated or damaged?",
			path,
			b[0] == 0x1f ? "gzip" :
			b[0] == 0xfd ? "xz" :
				       "zstd");
	if (starts(b, (size_t)n, "BZh", 3))
		return format(
			"%s is compressed with bzip2, which modules cannot be (gzip, xz or zstd)",
			path);
	if (starts(b, (size_t)n, "\x04\x22\x4d\x18", 4))
		return format(
			"%s is compressed with lz4, which modules cannot be (gzip, xz or zstd)",
			path);
	for (ssize_t i = 0; i < n; i++) {
		if (b[i] == '\n' || b[i] == '\t' || b[i] == '\r' ||
		    (b[i] >= 0x20 && b[i] < 0x7f))
			text++;
	}
	if (text == (size_t)n)
		return format("%s is a text file, not a kernel module", path);
	return format("%s is not an ELF file, so not a kernel module", path);
}

/* Undefined symbols of the module whose exporting module is not loaded. */
static char *missing_symbols(struct kmod_ctx *ctx, const char *path)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *syms = NULL, *l;
	struct strbuf buf;
	unsigned int n = 0;
	char *ret = NULL;

	if (ctx == NULL || kmod_module_new_from_path(ctx, path, &mod) < 0)
		return NULL;
	if (kmod_module_get_dependency_symbols(mod, &syms) < 0) {
		kmod_module_unref(mod);
		return NULL;
	}
	strbuf_init(&buf);
	kmod_list_foreach (l, syms) {
		const char *sym = kmod_module_dependency_symbol_get_symbol(l);
		_cleanup_free_ char *key = NULL;
		struct kmod_list *found = NULL, *f;

		if (n >= 3 || sym == NULL || asprintf(&key, "symbol:%s", sym) < 0)
			continue;
		if (kmod_module_new_from_lookup(ctx, key, &found) < 0 || found == NULL)
			continue;
		kmod_list_foreach (f, found) {
			struct kmod_module *m = kmod_module_get_module(f);
			int state = kmod_module_get_initstate(m);

			if (state != KMOD_MODULE_LIVE && state != KMOD_MODULE_BUILTIN &&
			    !streq(kmod_module_get_name(m), kmod_module_get_name(mod))) {
				(void)strbuf_pushchars(&buf, n++ > 0 ? ", " : "");
				(void)strbuf_pushchars(&buf, sym);
				(void)strbuf_pushchars(&buf, " (exported by ");
				(void)strbuf_pushchars(&buf, kmod_module_get_name(m));
				(void)strbuf_pushchars(&buf, ", not loaded)");
				kmod_module_unref(m);
				break;
			}
			kmod_module_unref(m);
		}
		kmod_module_unref_list(found);
	}
	kmod_module_dependency_symbols_free_list(syms);
	kmod_module_unref(mod);
	if (n > 0) {
		ret = format(
			"unknown symbols: %s; modprobe loads the module with its dependencies (see dmesg)",
			strbuf_str(&buf) != NULL ? strbuf_str(&buf) : "");
	}
	strbuf_release(&buf);
	return ret;
}

void hint_probe_failed(struct kmod_module *mod, int err)
{
	if (mod != NULL)
		hint_insert_failed(mod->ctx, kmod_module_get_path(mod), err);
}

void hint_insert_failed(struct kmod_ctx *ctx, const char *path, int err)
{
	char *text = NULL;

	if (!hint_enabled() || path == NULL || !exists(path))
		return;
	text = hint_file_text(path);
	if (text == NULL) {
		switch (-err) {
		case ENOENT:
			text = missing_symbols(ctx, path);
			if (text == NULL)
				text = format(
					"an unknown symbol or parameter: the kernel names it in dmesg");
			break;
		case EKEYREJECTED:
		case EKEYREVOKED:
		case EKEYEXPIRED:
		case ENOKEY:
			text = format(
				"the kernel refused the module's signature (unsigned, or signed with a key it does not trust): see dmesg");
			break;
		case ENOEXEC:
			text = format(
				"the kernel refused the format: a module built for another kernel (vermagic), architecture or configuration; see dmesg");
			break;
		case ESRCH:
			text = format(
				"symbol versions do not match the running kernel (modversions): see dmesg");
			break;
		case EINVAL:
			text = format(
				"an invalid parameter or a damaged module: see dmesg");
			break;
		case EPERM:
			text = format(
				"not permitted: run as root, or module loading is disabled (kernel.modules_disabled, lockdown)");
			break;
		default:
			break;
		}
	}
	hint_print(text);
}
