// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-shim.so, kernel half: fakes init_module, finit_module and delete_module (both
 * through syscall() and through glibc's wrappers) against the fixture's /proc/modules
 * and /sys/module, which the path half serves from $MODKIT_ROOT.
 *
 * Files under $MODKIT_ROOT/.shim/:
 *   calls.log  one line per call, appended:
 *                finit_module name=<m> flags=<decimal> args=<args>
 *                init_module name=<m> len=<decimal> args=<args>
 *                delete_module name=<m> flags=<decimal>
 *              <args> is the parameter string as passed, with '\' written as "\\"
 *              and a newline as "\n"; <m> is "?" when no name could be found.
 *   errors     rules "<syscall|*> <modname-glob|*> <ERRNAME|number> [<count>]", first
 *              match wins, '#' starts a comment. A matching call fails with that
 *              errno and changes nothing. With a count the rule holds for that many
 *              calls (the shim decrements it in the file, then comments it out).
 *   images/<m>.ko  the last image passed to init_module for module <m>.
 *   vermagic   (optional, written by the test) the kernel's vermagic string; see
 *              check_vermagic().
 *   lock       serialises concurrent callers (threads and processes) with flock().
 *
 * Without a matching rule the kernel is emulated (formats.md §5, §6): see
 * fake_finit_module(), fake_init_module() and fake_delete_module() below. A loaded
 * module is one with sys/module/<m>/initstate or a /proc/modules line; loading one
 * writes both, the way fixture_set_loaded() does.
 *
 * MODKIT_SHIM_DEBUG=1 prints each faked call and its result on stderr.
 */

#undef _FILE_OFFSET_BITS
#undef _TIME_BITS

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

extern char **environ;

#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
#define MODULE_INIT_COMPRESSED_FILE 4
#define MODULE_NAME_MAX 56

/* ---- small helpers --------------------------------------------------------------- */

static int path_fmt(char out[PATH_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int path_fmt(char out[PATH_MAX], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Names become path components: refuse anything that could escape the fixture. */
static bool valid_name(const char *name)
{
	size_t n = strnlen(name, MODULE_NAME_MAX + 1);

	if (n == 0 || n > MODULE_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || (unsigned char)name[i] <= ' ' ||
		    (unsigned char)name[i] >= 0x7f)
			return false;
	return true;
}

/* File name → module name: basename, cut at the first '.', '-' → '_'. */
static void name_from_path(const char *path, char name[PATH_MAX])
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; base[i] && base[i] != '.' && i < PATH_MAX - 1; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[i] = '\0';
}

static int errno_from_name(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} aliases[] = {
		{ "EWOULDBLOCK", EWOULDBLOCK },
		{ "ENOTSUP", ENOTSUP },
		{ "EDEADLOCK", EDEADLOCK },
	};
	char *end;
	long v;

	if (s[0] >= '0' && s[0] <= '9') {
		v = strtol(s, &end, 10);
		return *end == '\0' && v > 0 && v < 4096 ? (int)v : 0;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(s, aliases[i].name) == 0)
			return aliases[i].value;
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);

		if (n != NULL && strcmp(n, s) == 0)
			return e;
	}
	return 0;
}

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static bool debug_enabled(void)
{
	const char *d = getenv("MODKIT_SHIM_DEBUG");

	return d != NULL && d[0] != '\0' && strcmp(d, "0") != 0;
}

/* ---- per-call state ---------------------------------------------------------------- */

struct call {
	const char *root;
	int lock_fd;
};

static int call_begin(struct call *c)
{
	char p[PATH_MAX];
	int r;

	c->root = shim_root();
	c->lock_fd = -1;
	r = path_fmt(p, "%s/.shim/images", c->root);
	if (r < 0)
		return r;
	r = shim_mkdir_p(p);
	if (r < 0)
		return r;
	r = path_fmt(p, "%s/.shim/lock", c->root);
	if (r < 0)
		return r;
	c->lock_fd = shim_open(p, O_RDWR | O_CREAT, 0644);
	if (c->lock_fd < 0)
		return -errno;
	while (flock(c->lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = -errno;
			close(c->lock_fd);
			c->lock_fd = -1;
			return r;
		}
	}
	return 0;
}

/* Ends the call: unlocks and turns a -errno result into the libc convention. */
static long call_end(struct call *c, const char *what, const char *name, int r)
{
	int saved;

	if (debug_enabled())
		fprintf(stderr, "modkit-shim: %s(%s) = %s\n", what, name,
			r < 0 ? errno_name(-r) : "0");
	saved = r < 0 ? -r : errno;
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	errno = saved;
	return r < 0 ? -1 : 0;
}

static void log_line(struct call *c, const char *fmt, const char *args, ...)
	__attribute__((format(printf, 2, 4)));
static void log_line(struct call *c, const char *fmt, const char *args, ...)
{
	char p[PATH_MAX], *line = NULL, *esc;
	size_t n = 0, alen = args ? strlen(args) : 0;
	va_list ap;
	int fd, len;

	if (path_fmt(p, "%s/.shim/calls.log", c->root) < 0)
		return;
	esc = malloc(alen * 2 + 1);
	if (esc == NULL)
		return;
	for (size_t i = 0; i < alen; i++) {
		if (args[i] == '\\' || args[i] == '\n') {
			esc[n++] = '\\';
			esc[n++] = args[i] == '\n' ? 'n' : '\\';
		} else {
			esc[n++] = args[i];
		}
	}
	esc[n] = '\0';
	va_start(ap, args);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len >= 0) {
		char *full = NULL;
		int flen = args ? asprintf(&full, "%s args=%s\n", line, esc) :
				  asprintf(&full, "%s\n", line);

		fd = shim_open(p, O_WRONLY | O_APPEND | O_CREAT, 0644);
		if (flen >= 0 && fd >= 0) {
			/* One write: lines from concurrent callers never interleave. */
			if (write(fd, full, flen) < 0) {
				/* nothing useful to do */
			}
		}
		if (fd >= 0)
			close(fd);
		free(full);
		free(line);
	}
	free(esc);
}

/*
 * The errno the test's errors file chooses for this call, or 0. A rule with a count
 * (4th field) applies to that many more calls: the shim rewrites the count in place
 * and comments the rule out ("#spent ") once it is used up.
 */
static int forced_error(struct call *c, const char *syscall_name, const char *name)
{
	char p[PATH_MAX], *data, *orig;
	int result = 0;

	if (path_fmt(p, "%s/.shim/errors", c->root) < 0 ||
	    shim_read_file(p, &orig, NULL) < 0)
		return 0;
	data = strdup(orig);
	if (data == NULL) {
		free(orig);
		return 0;
	}
	for (char *line = data, *next; line != NULL && *line; line = next) {
		char *nl = strchr(line, '\n'), *f[5], *s2 = NULL, *hash;
		size_t off = line - data, llen;
		long count = -1;
		int n = 0;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		llen = strlen(line);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (char *w = strtok_r(line, " \t\r", &s2); w != NULL && n < 5;
		     w = strtok_r(NULL, " \t\r", &s2))
			f[n++] = w;
		if (n == 4) {
			char *end;

			count = strtol(f[3], &end, 10);
			if (*end != '\0' || count <= 0)
				continue;
		} else if (n != 3) {
			continue;
		}
		if (strcmp(f[0], "*") != 0 && strcmp(f[0], syscall_name) != 0)
			continue;
		if (fnmatch(f[1], name, 0) != 0)
			continue;
		result = errno_from_name(f[2]);
		if (result == 0)
			continue;
		if (count > 0) {
			char *rule = NULL, *out = NULL;
			int rl = count > 1 ? asprintf(&rule, "%s %s %s %ld", f[0], f[1],
						      f[2], count - 1) :
					     asprintf(&rule, "#spent %.*s", (int)llen,
						      orig + off);

			if (rl >= 0 && asprintf(&out, "%.*s%s%s", (int)off, orig, rule,
						orig + off + llen) >= 0)
				shim_write_file(p, out, strlen(out));
			if (rl >= 0)
				free(rule);
			free(out);
		}
		break;
	}
	free(data);
	free(orig);
	return result;
}

/* ---- ELF inspection ---------------------------------------------------------------- */

static uint64_t rd(const uint8_t *p, int width, bool be)
{
	uint64_t v = 0;

	for (int i = 0; i < width; i++)
		v |= (uint64_t)p[be ? width - 1 - i : i] << (8 * i);
	return v;
}

static bool is_elf(const uint8_t *img, size_t len)
{
	return len >= 52 && memcmp(img,
				   "\x7f"
				   "ELF",
				   4) == 0;
}

/* Finds section `want` (first match) with bounds checks; false if absent or malformed. */
static bool elf_section(const uint8_t *img, size_t len, const char *want,
			const uint8_t **data, size_t *size)
{
	bool is64, be;
	uint64_t shoff, shentsize, shnum, shstrndx, stroff, strsize;
	size_t wlen = strlen(want);

	if (!is_elf(img, len) || (img[4] != 1 && img[4] != 2) ||
	    (img[5] != 1 && img[5] != 2))
		return false;
	is64 = img[4] == 2;
	be = img[5] == 2;
	if (is64 && len < 64)
		return false;
	shoff = rd(img + (is64 ? 0x28 : 0x20), is64 ? 8 : 4, be);
	shentsize = rd(img + (is64 ? 0x3a : 0x2e), 2, be);
	shnum = rd(img + (is64 ? 0x3c : 0x30), 2, be);
	shstrndx = rd(img + (is64 ? 0x3e : 0x32), 2, be);
	if (shentsize != (is64 ? 64u : 40u) || shoff > len ||
	    shnum > (len - shoff) / shentsize || shstrndx >= shnum)
		return false;
#define SH(i) (img + shoff + (uint64_t)(i)*shentsize)
#define SH_OFF(i) rd(SH(i) + (is64 ? 24 : 16), is64 ? 8 : 4, be)
#define SH_SIZE(i) rd(SH(i) + (is64 ? 32 : 20), is64 ? 8 : 4, be)
	stroff = SH_OFF(shstrndx);
	strsize = SH_SIZE(shstrndx);
	if (stroff > len || strsize > len - stroff)
		return false;
	for (uint64_t i = 1; i < shnum; i++) {
		uint64_t nameoff = rd(SH(i), 4, be), off = SH_OFF(i), sz = SH_SIZE(i);

		if (nameoff >= strsize || strsize - nameoff < wlen + 1 ||
		    memcmp(img + stroff + nameoff, want, wlen + 1) != 0)
			continue;
		if (off > len || sz > len - off)
			return false;
		*data = img + off;
		*size = sz;
		return true;
	}
#undef SH
#undef SH_OFF
#undef SH_SIZE
	return false;
}

/*
 * Value of the first `key=` string in the image's .modinfo (string starts only), copied
 * into out (truncated to outsize). Without a parsable .modinfo the whole image is
 * scanned the same way.
 */
static bool modinfo_get(const uint8_t *img, size_t len, const char *key, char *out,
			size_t outsize)
{
	const uint8_t *d;
	size_t n, klen = strlen(key);

	if (!elf_section(img, len, ".modinfo", &d, &n)) {
		d = img;
		n = len;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && d[i - 1] != '\0')
			continue;
		if (n - i > klen && memcmp(d + i, key, klen) == 0 && d[i + klen] == '=') {
			size_t s = i + klen + 1, e = s;

			while (e < n && d[e] != '\0')
				e++;
			if (e - s >= outsize)
				e = s + outsize - 1;
			memcpy(out, d + s, e - s);
			out[e - s] = '\0';
			return true;
		}
	}
	return false;
}

/* The name the kernel would register: .modinfo name=, else struct module's name. */
static bool image_name(const uint8_t *img, size_t len, char name[PATH_MAX])
{
	const uint8_t *d;
	size_t n, off;

	if (modinfo_get(img, len, "name", name, MODULE_NAME_MAX + 1) && valid_name(name))
		return true;
	if (!elf_section(img, len, ".gnu.linkonce.this_module", &d, &n))
		return false;
	off = img[4] == 2 ? 0x18 : 0x0c;
	if (n < off + 1)
		return false;
	n = n - off < MODULE_NAME_MAX ? n - off : MODULE_NAME_MAX;
	memcpy(name, d + off, n);
	name[n] = '\0';
	return valid_name(name);
}

/* ---- fixture kernel state ---------------------------------------------------------- */

static bool module_loaded(struct call *c, const char *name)
{
	char p[PATH_MAX], *data;
	bool found = false;
	size_t nlen = strlen(name);

	if (path_fmt(p, "%s/sys/module/%s/initstate", c->root, name) == 0 &&
	    access(p, F_OK) == 0)
		return true;
	if (path_fmt(p, "%s/proc/modules", c->root) < 0 ||
	    shim_read_file(p, &data, NULL) < 0)
		return false;
	for (char *l = data; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, nlen) == 0 && l[nlen] == ' ') {
			found = true;
			break;
		}
	}
	free(data);
	return found;
}

/* sys/module/<name>/refcnt, or `missing` when there is no such file. */
static long read_refcnt_or(struct call *c, const char *name, long missing)
{
	char p[PATH_MAX], *data;
	long v;

	if (path_fmt(p, "%s/sys/module/%s/refcnt", c->root, name) < 0 ||
	    shim_read_file(p, &data, NULL) < 0)
		return missing;
	v = strtol(data, NULL, 10);
	free(data);
	return v;
}

static long read_refcnt(struct call *c, const char *name)
{
	return read_refcnt_or(c, name, 0);
}

static int write_str(const char *path, const char *s)
{
	return shim_write_file(path, s, strlen(s));
}

/*
 * Rewrites /proc/modules through a temporary file and rename(), so readers see either
 * the old or the new contents. edit() gets each line's fields (split on spaces) and
 * returns false to drop the line; append (may be NULL) is added at the end.
 */
typedef bool (*line_edit_fn)(char **fields, int nfields, char *scratch,
			     size_t scratchsize, void *ud);

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *t = realloc(b->data, cap);

		if (t == NULL)
			return -ENOMEM;
		b->data = t;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static int proc_modules_update(struct call *c, line_edit_fn edit, void *ud,
			       const char *append)
{
	char p[PATH_MAX], tmp[PATH_MAX], *data = NULL;
	struct buf out = { NULL, 0, 0 };
	int r;

	if (path_fmt(p, "%s/proc", c->root) < 0)
		return -ENAMETOOLONG;
	r = shim_mkdir_p(p);
	if (r < 0)
		return r;
	if (path_fmt(p, "%s/proc/modules", c->root) < 0 ||
	    path_fmt(tmp, "%s/proc/.modules.shim-tmp", c->root) < 0)
		return -ENAMETOOLONG;
	r = shim_read_file(p, &data, NULL);
	if (r == -ENOENT && append == NULL)
		return 0; /* nothing to edit: do not invent a /proc/modules */
	if (r == -ENOENT) {
		data = strdup("");
		r = data ? 0 : -ENOMEM;
	}
	if (r < 0)
		return r;
	r = buf_add(&out, "", 0);
	for (char *l = data, *next; r == 0 && l != NULL && *l; l = next) {
		char *nl = strchr(l, '\n'), *copy, *fields[16], *save = NULL;
		char scratch[8192];
		int nf = 0;
		size_t ll;

		next = nl ? nl + 1 : NULL;
		ll = nl ? (size_t)(nl - l) : strlen(l);
		copy = strndup(l, ll);
		if (copy == NULL) {
			r = -ENOMEM;
			break;
		}
		for (char *w = strtok_r(copy, " ", &save); w && nf < 16;
		     w = strtok_r(NULL, " ", &save))
			fields[nf++] = w;
		scratch[0] = '\0';
		if (edit == NULL || nf == 0) {
			r = buf_add(&out, l, ll);
			if (r == 0)
				r = buf_add(&out, "\n", 1);
		} else if (edit(fields, nf, scratch, sizeof(scratch), ud)) {
			for (int i = 0; r == 0 && i < nf; i++) {
				r = buf_add(&out, fields[i], strlen(fields[i]));
				if (r == 0)
					r = buf_add(&out, i + 1 < nf ? " " : "\n", 1);
			}
		}
		free(copy);
	}
	free(data);
	if (r == 0 && append)
		r = buf_add(&out, append, strlen(append));
	if (r == 0)
		r = shim_write_file(tmp, out.data, out.len);
	free(out.data);
	if (r < 0)
		return r;
	return rename(tmp, p) < 0 ? -errno : 0;
}

struct users_edit {
	struct call *c;
	const char *module; /* line to change; NULL: every line listing user */
	const char *user; /* holder added or removed */
	bool add;
	char refbuf[32];
};

/*
 * Users column: each holder followed by ',', newest first, '-' when empty. The refcnt
 * column follows sys/module/<m>/refcnt when the module has one (already updated by
 * the caller), else moves by one.
 */
static bool edit_users(char **f, int nf, char *scratch, size_t scratchsize, void *ud)
{
	struct users_edit *e = ud;
	size_t o = 0, ulen = strlen(e->user);
	bool listed = false;
	long refcnt;

	if (nf < 5)
		return true;
	for (const char *s = f[3]; !listed && *s;) {
		const char *comma = strchr(s, ',');
		size_t tl = comma ? (size_t)(comma - s) : strlen(s);

		listed = tl == ulen && memcmp(s, e->user, tl) == 0;
		s += tl + (comma ? 1 : 0);
	}
	if (e->module ? strcmp(f[0], e->module) != 0 : !listed)
		return true;
	if (e->add && listed)
		return true;
	refcnt = read_refcnt_or(e->c, f[0], -1);
	if (refcnt < 0) {
		refcnt = strtol(f[2], NULL, 10) + (e->add ? 1 : -1);
		if (refcnt < 0)
			refcnt = 0;
	}
	snprintf(e->refbuf, sizeof(e->refbuf), "%ld", refcnt);
	f[2] = e->refbuf;
	if (e->add)
		o = (size_t)snprintf(scratch, scratchsize, "%s,", e->user);
	if (o >= scratchsize)
		return true;
	if (strcmp(f[3], "-") != 0) {
		for (const char *s = f[3]; *s;) {
			const char *comma = strchr(s, ',');
			size_t tl = comma ? (size_t)(comma - s) : strlen(s);

			if (tl > 0 && !(tl == ulen && memcmp(s, e->user, tl) == 0) &&
			    o + tl + 2 < scratchsize) {
				memcpy(scratch + o, s, tl);
				o += tl;
				scratch[o++] = ',';
			}
			s += tl + (comma ? 1 : 0);
		}
	}
	scratch[o] = '\0';
	f[3] = o ? scratch : (char *)"-";
	return true;
}

static bool edit_drop(char **f, int nf, char *scratch, size_t scratchsize, void *ud)
{
	return strcmp(f[0], (const char *)ud) != 0;
}

static int set_refcnt(struct call *c, const char *name, long v)
{
	char p[PATH_MAX], buf[32];

	if (path_fmt(p, "%s/sys/module/%s/refcnt", c->root, name) < 0)
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%ld\n", v);
	return write_str(p, buf);
}

/* Splits a depends= value into valid names (in place); returns the count. */
static int split_depends(char *deps, char *out[], int max)
{
	int n = 0;
	char *save = NULL;

	for (char *d = strtok_r(deps, ",", &save); d && n < max;
	     d = strtok_r(NULL, ",", &save))
		if (valid_name(d))
			out[n++] = d;
	return n;
}

#define MAX_DEPS 128

/* The kernel's bookkeeping for a module that has just been accepted. */
static int register_module(struct call *c, const char *name, const uint8_t *img,
			   size_t len)
{
	char p[PATH_MAX], buf[PATH_MAX], deps_s[8192], line[256];
	char *deps[MAX_DEPS];
	int ndeps = 0, r;

	if (modinfo_get(img, len, "depends", deps_s, sizeof(deps_s)))
		ndeps = split_depends(deps_s, deps, MAX_DEPS);
	/* The kernel resolves symbols against loaded modules only. */
	for (int i = 0; i < ndeps; i++)
		if (!module_loaded(c, deps[i]))
			return -ENOENT;

	if (path_fmt(p, "%s/sys/module/%s/holders", c->root, name) < 0)
		return -ENAMETOOLONG;
	r = shim_mkdir_p(p);
	if (r < 0)
		return r;
	if (path_fmt(p, "%s/sys/module/%s/sections", c->root, name) < 0)
		return -ENAMETOOLONG;
	r = shim_mkdir_p(p);
	if (r < 0)
		return r;
	path_fmt(p, "%s/sys/module/%s/sections/.text", c->root, name);
	r = write_str(p, "0x0000000000000000\n");
	path_fmt(p, "%s/sys/module/%s/coresize", c->root, name);
	snprintf(buf, sizeof(buf), "%zu\n", len);
	if (r == 0)
		r = write_str(p, buf);
	path_fmt(p, "%s/sys/module/%s/refcnt", c->root, name);
	if (r == 0)
		r = write_str(p, "0\n");
	/* initstate last: it is what makes the module "loaded" for readers. */
	path_fmt(p, "%s/sys/module/%s/initstate", c->root, name);
	if (r == 0)
		r = write_str(p, "live\n");
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%s %zu 0 - Live 0x0000000000000000\n", name, len);
	r = proc_modules_update(c, NULL, NULL, line);
	if (r < 0)
		return r;

	for (int i = 0; i < ndeps; i++) {
		char target[PATH_MAX];
		struct stat st;
		struct users_edit e = {
			.c = c, .module = deps[i], .user = name, .add = true
		};

		/* A dependency the test listed only in /proc/modules gets no sysfs dir:
		 * creating one would turn it into a "coming" module for libkmod. */
		if (path_fmt(p, "%s/sys/module/%s", c->root, deps[i]) == 0 &&
		    stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			path_fmt(p, "%s/sys/module/%s/holders", c->root, deps[i]);
			shim_mkdir_p(p);
			path_fmt(p, "%s/sys/module/%s/holders/%s", c->root, deps[i],
				 name);
			path_fmt(target, "../../%s", name);
			unlink(p);
			if (symlink(target, p) == 0)
				set_refcnt(c, deps[i], read_refcnt(c, deps[i]) + 1);
		}
		proc_modules_update(c, edit_users, &e, NULL);
	}
	return 0;
}

static bool dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool any = false;

	if (d == NULL)
		return false;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			any = true;
			break;
		}
	}
	closedir(d);
	return any;
}

/* Undoes register_module(), also for modules a test pre-populated by hand. */
static int unregister_module(struct call *c, const char *name)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r;

	if (path_fmt(p, "%s/sys/module/%s", c->root, name) < 0)
		return -ENAMETOOLONG;
	r = shim_rm_rf(p);
	if (r < 0)
		return r;
	r = proc_modules_update(c, edit_drop, (void *)name, NULL);
	if (r < 0 && r != -ENOENT)
		return r;
	if (path_fmt(p, "%s/sys/module", c->root) < 0)
		return -ENAMETOOLONG;
	d = opendir(p);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char h[PATH_MAX];
		struct stat st;
		long v;

		if (de->d_name[0] == '.')
			continue;
		if (path_fmt(h, "%s/sys/module/%s/holders/%s", c->root, de->d_name,
			     name) < 0 ||
		    lstat(h, &st) < 0)
			continue;
		unlink(h);
		v = read_refcnt_or(c, de->d_name, -1);
		if (v >= 0)
			set_refcnt(c, de->d_name, v > 0 ? v - 1 : 0);
	}
	if (d != NULL)
		closedir(d);
	/* then every /proc/modules line that lists it as a user */
	r = proc_modules_update(c, edit_users,
				&(struct users_edit){
					.c = c, .user = name, .add = false },
				NULL);
	return r == -ENOENT ? 0 : r;
}

/*
 * Opt-in vermagic check: when .shim/vermagic holds the kernel's vermagic string, an
 * image whose .modinfo vermagic differs is refused with ENOEXEC unless the check is
 * ignored (finit flag 2). An image without vermagic (what --force-vermagic leaves on
 * the init_module path) is accepted, as a kernel allowing forced loads does.
 */
static int check_vermagic(struct call *c, const uint8_t *img, size_t len, bool ignore)
{
	char p[PATH_MAX], *want = NULL, have[512];
	int r = 0;

	if (ignore || path_fmt(p, "%s/.shim/vermagic", c->root) < 0 ||
	    shim_read_file(p, &want, NULL) < 0)
		return 0;
	want[strcspn(want, "\n")] = '\0';
	if (modinfo_get(img, len, "vermagic", have, sizeof(have)) && have[0] != '\0' &&
	    strcmp(have, want) != 0)
		r = -ENOEXEC;
	free(want);
	return r;
}

/* ---- file contents behind a finit_module fd ---------------------------------------- */

static int read_fd_image(int fd, uint8_t **img, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	buf = malloc(st.st_size ? st.st_size : 1);
	if (buf == NULL)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + done, st.st_size - done, done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			free(buf);
			return e;
		}
		done += n;
	}
	*img = buf;
	*len = done;
	return 0;
}

static const char *compression_of(const uint8_t *d, size_t len)
{
	if (len >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	if (len >= 6 && memcmp(d,
			       "\xfd"
			       "7zXZ\0",
			       6) == 0)
		return "xz";
	if (len >= 2 && memcmp(d, "\x1f\x8b", 2) == 0)
		return "gzip";
	return NULL;
}

/*
 * The kernel decompresses in-kernel; we run the format's command-line tool on the data
 * (without the shim preloaded) to see the module inside.
 */
static int decompress(const char *kind, const uint8_t *in, size_t inlen, uint8_t **out,
		      size_t *outlen)
{
	char tmpl[PATH_MAX];
	const char *argv[] = { kind, "-dc", tmpl, NULL };
	char **envp;
	size_t nenv = 0, ne = 0, used = 0, cap = 1 << 16;
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, r = 0, tfd;
	uint8_t *buf;
	pid_t pid;

	if (path_fmt(tmpl, "%s/.shim/decompress-XXXXXX", shim_root()) < 0)
		return -ENAMETOOLONG;
	tfd = mkstemp(tmpl);
	if (tfd < 0)
		return -errno;
	r = shim_write_file(tmpl, in, inlen);
	close(tfd);
	if (r < 0) {
		unlink(tmpl);
		return r;
	}
	while (environ && environ[nenv])
		nenv++;
	envp = calloc(nenv + 1, sizeof(char *));
	buf = malloc(cap);
	if (envp == NULL || buf == NULL || pipe2(pipefd, O_CLOEXEC) < 0) {
		free(envp);
		free(buf);
		unlink(tmpl);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			envp[ne++] = environ[i];
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, kind, &fa, NULL, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		free(buf);
		unlink(tmpl);
		return -r;
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			uint8_t *t = realloc(buf, cap * 2);

			if (t == NULL) {
				r = -ENOMEM;
				break;
			}
			buf = t;
			cap *= 2;
		}
		n = read(pipefd[0], buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unlink(tmpl);
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EINVAL;
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = used;
	return 0;
}

/* ---- the three calls --------------------------------------------------------------- */

/*
 * finit_module: flags other than 1|2|4 → EINVAL; flag 4 needs the fixture's
 * /sys/module/compression (else EOPNOTSUPP) and a file in that format (else EINVAL);
 * without it the file must be an ELF image (else ENOEXEC). Then as init_module.
 */
static long fake_finit_module(int fd, const char *args, int flags)
{
	char name[PATH_MAX] = "?", link[64], target[PATH_MAX];
	uint8_t *file = NULL, *img = NULL;
	size_t flen = 0, ilen = 0;
	struct call c;
	ssize_t n;
	int r;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = fd >= 0 ? readlink(link, target, sizeof(target) - 1) : -1;
	if (n > 0) {
		target[n] = '\0';
		name_from_path(target, name);
		if (name[0] == '\0')
			snprintf(name, sizeof(name), "?");
	}
	r = call_begin(&c);
	if (r < 0)
		return call_end(&c, "finit_module", name, r);
	log_line(&c, "finit_module name=%s flags=%d", args ? args : "", name, flags);

	r = -forced_error(&c, "finit_module", name);
	if (r == 0 && args == NULL)
		r = -EFAULT;
	if (r == 0 && fcntl(fd, F_GETFD) < 0)
		r = -EBADF;
	if (r == 0 &&
	    (flags & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC |
		       MODULE_INIT_COMPRESSED_FILE)))
		r = -EINVAL;
	if (r == 0)
		r = read_fd_image(fd, &file, &flen);
	if (r == 0 && (flags & MODULE_INIT_COMPRESSED_FILE)) {
		char p[PATH_MAX], *kernel_kind = NULL;
		const char *kind = compression_of(file, flen);

		path_fmt(p, "%s/sys/module/compression", c.root);
		if (shim_read_file(p, &kernel_kind, NULL) < 0) {
			r = -EOPNOTSUPP;
		} else {
			kernel_kind[strcspn(kernel_kind, "\n")] = '\0';
			if (kind == NULL || strcmp(kind, kernel_kind) != 0)
				r = -EINVAL;
			else
				r = decompress(kind, file, flen, &img, &ilen) < 0 ?
					    -EINVAL :
					    0;
		}
		free(kernel_kind);
	} else if (r == 0) {
		img = file;
		ilen = flen;
		file = NULL;
	}
	if (r == 0 && !is_elf(img, ilen))
		r = -ENOEXEC;
	if (r == 0 && !valid_name(name))
		r = -ENOEXEC;
	if (r == 0)
		r = check_vermagic(&c, img, ilen, flags & MODULE_INIT_IGNORE_VERMAGIC);
	if (r == 0 && module_loaded(&c, name))
		r = -EEXIST;
	if (r == 0)
		r = register_module(&c, name, img, ilen);
	free(file);
	free(img);
	return call_end(&c, "finit_module", name, r);
}

/*
 * init_module: the image must be ELF (else ENOEXEC) carrying a module name; it is
 * saved to .shim/images/<name>.ko. Already loaded → EEXIST; a depends= module that is
 * not loaded → ENOENT (the kernel's "Unknown symbol").
 */
static long fake_init_module(const void *image, unsigned long len, const char *args)
{
	char name[PATH_MAX] = "?", p[PATH_MAX];
	struct call c;
	bool named = false;
	int r;

	if (image != NULL && len > 0)
		named = image_name(image, len, name);
	if (!named)
		snprintf(name, sizeof(name), "?");
	r = call_begin(&c);
	if (r < 0)
		return call_end(&c, "init_module", name, r);
	log_line(&c, "init_module name=%s len=%lu", args ? args : "", name, len);
	if (named && path_fmt(p, "%s/.shim/images/%s.ko", c.root, name) == 0)
		shim_write_file(p, image, len);

	r = -forced_error(&c, "init_module", name);
	if (r == 0 && image == NULL && len > 0)
		r = -EFAULT;
	if (r == 0 && args == NULL)
		r = -EFAULT;
	if (r == 0 && (image == NULL || !is_elf(image, len) || !named))
		r = -ENOEXEC;
	if (r == 0)
		r = check_vermagic(&c, image, len, false);
	if (r == 0 && module_loaded(&c, name))
		r = -EEXIST;
	if (r == 0)
		r = register_module(&c, name, image, len);
	return call_end(&c, "init_module", name, r);
}

/*
 * delete_module, in the kernel's order: not loaded → ENOENT; holders → EWOULDBLOCK even
 * when forced; initstate other than live → EBUSY; refcnt > 0 → EWOULDBLOCK unless
 * flags has O_TRUNC. Success removes the module and its holder links.
 */
static long fake_delete_module(const char *name_arg, unsigned int flags)
{
	char name[PATH_MAX] = "?", p[PATH_MAX], *state = NULL;
	struct call c;
	int r;

	if (name_arg != NULL)
		snprintf(name, sizeof(name), "%s", name_arg);
	r = call_begin(&c);
	if (r < 0)
		return call_end(&c, "delete_module", name, r);
	log_line(&c, "delete_module name=%s flags=%u", NULL, name, flags);

	r = -forced_error(&c, "delete_module", name);
	if (r == 0 && name_arg == NULL)
		r = -EFAULT;
	if (r == 0 && (!valid_name(name) || !module_loaded(&c, name)))
		r = -ENOENT;
	if (r == 0 && path_fmt(p, "%s/sys/module/%s/holders", c.root, name) == 0 &&
	    dir_has_entries(p))
		r = -EWOULDBLOCK;
	if (r == 0 && path_fmt(p, "%s/sys/module/%s/initstate", c.root, name) == 0 &&
	    shim_read_file(p, &state, NULL) == 0 && strcmp(state, "live\n") != 0)
		r = -EBUSY;
	free(state);
	if (r == 0 && read_refcnt(&c, name) > 0 && !(flags & O_TRUNC))
		r = -EWOULDBLOCK;
	if (r == 0)
		r = unregister_module(&c, name);
	return call_end(&c, "delete_module", name, r);
}

/* ---- replaced entry points --------------------------------------------------------- */

REAL_SLOT(syscall);
long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (shim_root() != NULL) {
		switch (nr) {
#ifdef SYS_finit_module
		case SYS_finit_module:
			return fake_finit_module((int)a[0], (const char *)a[1],
						 (int)a[2]);
#endif
		case SYS_init_module:
			return fake_init_module((const void *)a[0], (unsigned long)a[1],
						(const char *)a[2]);
		case SYS_delete_module:
			return fake_delete_module((const char *)a[0], (unsigned int)a[1]);
		default:
			break;
		}
	}
	return REAL(syscall)(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int init_module(void *image, unsigned long len, const char *args);
int delete_module(const char *name, unsigned int flags);
int finit_module(int fd, const char *args, int flags);

REAL_SLOT(init_module);
int init_module(void *image, unsigned long len, const char *args)
{
	if (shim_root() != NULL)
		return (int)fake_init_module(image, len, args);
	if (REAL_OPT(init_module) != NULL)
		return REAL_OPT(init_module)(image, len, args);
	return (int)REAL(syscall)(SYS_init_module, image, len, args);
}

REAL_SLOT(delete_module);
int delete_module(const char *name, unsigned int flags)
{
	if (shim_root() != NULL)
		return (int)fake_delete_module(name, flags);
	if (REAL_OPT(delete_module) != NULL)
		return REAL_OPT(delete_module)(name, flags);
	return (int)REAL(syscall)(SYS_delete_module, name, flags);
}

REAL_SLOT(finit_module);
int finit_module(int fd, const char *args, int flags)
{
	if (shim_root() != NULL)
		return (int)fake_finit_module(fd, args, flags);
	if (REAL_OPT(finit_module) != NULL)
		return REAL_OPT(finit_module)(fd, args, flags);
	return (int)REAL(syscall)(SYS_finit_module, fd, args, flags);
}
