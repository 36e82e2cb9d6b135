// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Write stage (formats.md 2, 1.10.4), all or nothing: with the output directory
 * locked, every output is generated into a temporary file "<name>.<pid>.<usec>.<sec>"
 * there and made durable; only when all of them are complete are they renamed over
 * the old files. On any failure before that, every temporary file is removed and the
 * old set is left exactly as it was. With -n the text outputs go to stdout instead.
 * The parse cache (depmod-cache.c), when the run has one, is one more output: it
 * follows the same rule and is renamed last. It may also say that the existing file
 * of an output is already what this run would write: that file is then left as it is
 * (its times set to now, as if written again), and whatever messages writing it would
 * give are given all the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "depmod-internal.h"
#include "lib/index.h"
#include "lib/regfile.h"
#include "lib/strbuf.h"

struct write_ctx {
	struct depmod *d;
	char **deplines; /* per module index: "path: dep dep" (no newline) */
	char *fatal; /* message to print once the temp file is gone */
	bool *kept; /* per output: left as it is (the cache's keep()) */
	struct depmod_symbol **syms; /* modules.symbols order, made once for both files */
	size_t n_syms;
};

/* Value of "key=value" when s has exactly that key. */
static const char *modinfo_value(const char *s, const char *key, size_t keylen)
{
	if (strncmp(s, key, keylen) == 0 && s[keylen] == '=')
		return s + keylen + 1;
	return NULL;
}

static int build_deplines(struct write_ctx *w)
{
	struct depmod *d = w->d;
	size_t n = d->modules.count;
	struct strbuf buf;

	w->deplines = calloc(n + 1, sizeof(char *));
	if (w->deplines == NULL)
		return -ENOMEM;
	strbuf_init(&buf);
	for (size_t i = 0; i < n; i++) {
		struct depmod_module *mod = d->modules.array[i];
		struct depmod_module **list;
		size_t count;
		bool pushed;
		int err = depmod_module_closure(d, mod, &list, &count);

		if (err < 0) {
			strbuf_release(&buf);
			return err;
		}
		strbuf_clear(&buf);
		pushed = strbuf_pushchars(&buf, depmod_module_outpath(mod)) &&
			 strbuf_pushchar(&buf, ':');
		for (size_t j = 0; j < count && pushed; j++) {
			pushed = strbuf_pushchar(&buf, ' ') &&
				 strbuf_pushchars(&buf, depmod_module_outpath(list[j]));
		}
		free(list);
		if (!pushed || strbuf_str(&buf) == NULL ||
		    (w->deplines[i] = strdup(buf.bytes)) == NULL) {
			strbuf_release(&buf);
			return -ENOMEM;
		}
	}
	strbuf_release(&buf);
	return 0;
}

static int ferr(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

/* A bad character is fatal, but the message waits until the temp file is removed. */
static int report_insert(struct write_ctx *w, int r, const char *what, const char *key,
			 const char *value)
{
	if (r == -EINVAL) {
		if (w->fatal == NULL &&
		    asprintf(
			    &w->fatal,
			    "Module index: bad character in '%s %s' - only 7-bit ASCII is "
			    "supported\n",
			    key, value) < 0)
			w->fatal = NULL;
		return r;
	}
	if (r == 1 && w->d->warn)
		WRN("duplicate module %s:\n%s %s\n", what, key, value);
	return r < 0 ? r : 0;
}

static void index_writer_freep(struct index_writer **idx)
{
	index_writer_free(*idx);
}

/* ---- modules.dep ---------------------------------------------------------------- */

static int out_dep(struct write_ctx *w, FILE *out)
{
	for (size_t i = 0; i < w->d->modules.count; i++) {
		fputs(w->deplines[i], out);
		putc('\n', out);
	}
	return ferr(out);
}

static int out_dep_bin(struct write_ctx *w, FILE *out)
{
	_cleanup_(index_writer_freep) struct index_writer *idx = index_writer_new();

	if (idx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];
		int r = index_writer_insert(idx, mod->modname, w->deplines[i], mod->idx);

		r = report_insert(w, r, "deps", mod->modname, w->deplines[i]);
		if (r < 0)
			return r;
	}
	return index_writer_write(idx, out);
}

/* ---- modules.alias --------------------------------------------------------------- */

static int out_alias(struct write_ctx *w, FILE *out)
{
	fputs("# Aliases extracted from modules themselves.\n", out);
	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];

		for (int j = 0; j < mod->n_modinfo; j++) {
			const char *v = modinfo_value(mod->modinfo[j], "alias", 5);

			if (v != NULL) {
				/* fputs: this runs ~15000 times on a distribution tree */
				fputs("alias ", out);
				fputs(v, out);
				putc(' ', out);
				fputs(mod->modname, out);
				putc('\n', out);
			}
		}
	}
	return ferr(out);
}

static int out_alias_bin(struct write_ctx *w, FILE *out)
{
	_cleanup_(index_writer_freep) struct index_writer *idx = index_writer_new();
	char buf[PATH_MAX];

	if (idx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];

		for (int j = 0; j < mod->n_modinfo; j++) {
			const char *v = modinfo_value(mod->modinfo[j], "alias", 5);
			int r;

			if (v == NULL)
				continue;
			if (alias_normalize(v, buf, NULL) < 0) {
				WRN("Unmatched bracket in %s\n", v);
				continue;
			}
			r = index_writer_insert(idx, buf, mod->modname, mod->idx);
			r = report_insert(w, r, "alias", buf, mod->modname);
			if (r < 0)
				return r;
		}
	}
	return index_writer_write(idx, out);
}

struct depmod_output;

/* The messages of out_alias_bin() when its file is kept (no duplicate warnings then:
 * the cache keeps nothing with -w). */
static int replay_alias_bin(struct write_ctx *w, const struct depmod_output *o)
{
	char buf[PATH_MAX];

	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];

		for (int j = 0; j < mod->n_modinfo; j++) {
			const char *v = modinfo_value(mod->modinfo[j], "alias", 5);

			if (v != NULL && alias_normalize(v, buf, NULL) < 0)
				WRN("Unmatched bracket in %s\n", v);
		}
	}
	return 0;
}

/* ---- modules.softdep / modules.weakdep ------------------------------------------------ */

static int out_modinfo_key(struct write_ctx *w, FILE *out, const char *header,
			   const char *key)
{
	size_t keylen = strlen(key);

	fputs(header, out);
	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];

		for (int j = 0; j < mod->n_modinfo; j++) {
			const char *v = modinfo_value(mod->modinfo[j], key, keylen);

			if (v != NULL)
				fprintf(out, "%s %s %s\n", key, mod->modname, v);
		}
	}
	return ferr(out);
}

static int out_softdep(struct write_ctx *w, FILE *out)
{
	return out_modinfo_key(w, out,
			       "# Soft dependencies extracted from modules themselves.\n",
			       "softdep");
}

static int out_weakdep(struct write_ctx *w, FILE *out)
{
	return out_modinfo_key(w, out,
			       "# Weak dependencies extracted from modules themselves.\n",
			       "weakdep");
}

/* ---- modules.symbols ------------------------------------------------------------------ */

static int sorted_symbols(struct write_ctx *w, struct depmod_symbol ***syms, size_t *n)
{
	if (w->syms == NULL) {
		int err = depmod_symbols_sorted(w->d, &w->syms, &w->n_syms);

		if (err < 0)
			return err;
	}
	*syms = w->syms;
	*n = w->n_syms;
	return 0;
}

static int out_symbols(struct write_ctx *w, FILE *out)
{
	struct depmod_symbol **syms;
	size_t n;
	int err = sorted_symbols(w, &syms, &n);

	if (err < 0)
		return err;
	fputs("# Aliases for symbols, used by symbol_request().\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs("alias symbol:", out);
		fputs(syms[i]->name, out);
		putc(' ', out);
		fputs(syms[i]->owner->modname, out);
		putc('\n', out);
	}
	return ferr(out);
}

static int out_symbols_bin(struct write_ctx *w, FILE *out)
{
	_cleanup_(index_writer_freep) struct index_writer *idx = index_writer_new();
	struct depmod_symbol **syms;
	struct strbuf key;
	size_t n;
	int err;

	if (idx == NULL)
		return -ENOMEM;
	err = sorted_symbols(w, &syms, &n);
	if (err < 0)
		return err;
	strbuf_init(&key);
	for (size_t i = 0; i < n && err >= 0; i++) {
		const struct depmod_module *owner = syms[i]->owner;

		strbuf_clear(&key);
		if (!strbuf_pushchars(&key, "symbol:") ||
		    !strbuf_pushchars(&key, syms[i]->name) || strbuf_str(&key) == NULL) {
			err = -ENOMEM;
			break;
		}
		err = index_writer_insert(idx, key.bytes, owner->modname, owner->idx);
		err = report_insert(w, err, "syms", key.bytes, owner->modname);
	}
	strbuf_release(&key);
	if (err < 0)
		return err;
	return index_writer_write(idx, out);
}

/* ---- modules.builtin.bin / modules.builtin.alias.bin ------------------------------------ */

static int out_builtin_bin(struct write_ctx *w, FILE *out)
{
	const struct depmod *d = w->d;
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *in = NULL;
	_cleanup_(index_writer_freep) struct index_writer *idx = NULL;
	char line[PATH_MAX + 2];
	char name[PATH_MAX];
	struct stat st;
	int fd, err = 0;

	if (asprintf(&path, "%s/modules.builtin", d->dirname) < 0)
		return -ENOMEM;
	fd = regfile_open(path, 0, &st);
	if (fd == -ENOENT) {
		errno = ENOENT;
		WRN("could not open modules.builtin at %s: %m\n", d->dirname);
		return 0; /* an empty file says "no built-in index" */
	}
	if (fd < 0) {
		/* a FIFO or device here must not block or feed depmod forever */
		ERR("could not open %s: %s\n", path, regfile_strerror(fd));
		return fd;
	}
	in = fdopen(fd, "re");
	if (in == NULL) {
		close(fd);
		return -ENOMEM;
	}
	idx = index_writer_new();
	if (idx == NULL)
		return -ENOMEM;
	while (err >= 0 && fgets(line, sizeof(line), in) != NULL) {
		char *nl;

		if (!((line[0] >= 'a' && line[0] <= 'z') ||
		      (line[0] >= 'A' && line[0] <= 'Z'))) {
			ERR("Invalid modules.builtin line: %s\n", line);
			continue;
		}
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (path_to_modname(line, name, NULL) == NULL)
			continue;
		err = index_writer_insert(idx, name, "", 0);
		err = report_insert(w, err, "builtin", name, "");
	}
	if (err < 0)
		return err;
	return index_writer_write(idx, out);
}

static int out_builtin_alias_bin(struct write_ctx *w, FILE *out)
{
	const struct depmod *d = w->d;
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *data = NULL;
	_cleanup_(index_writer_freep) struct index_writer *idx = NULL;
	char buf[PATH_MAX];
	size_t size = 0;
	int err;

	if (asprintf(&path, "%s/modules.builtin.modinfo", d->dirname) < 0)
		return -ENOMEM;
	err = regfile_read_text(path, &data, &size);
	if (err == -ENOENT) {
		WRN("could not open modules.builtin.modinfo at %s: %s\n", d->dirname,
		    strerror(-err));
		return 0;
	}
	if (err < 0) {
		ERR("could not read %s: %s\n", path, regfile_strerror(err));
		return err;
	}
	idx = index_writer_new();
	if (idx == NULL)
		return -ENOMEM;
	for (size_t pos = 0; pos < size && err >= 0;) {
		char *rec = data + pos;
		size_t len = strnlen(rec, size - pos);
		char *dot, *eq;

		/* read_file() NUL-terminates, so an unterminated last record ends there */
		pos += len + 1;
		dot = strchr(rec, '.');
		if (dot == NULL)
			continue;
		eq = strchr(dot + 1, '=');
		if (eq == NULL || eq - dot - 1 != 5 ||
		    strncmp(dot + 1, "alias", 5) != 0 || eq[1] == '\0')
			continue;
		*dot = '\0';
		if (alias_normalize(eq + 1, buf, NULL) < 0) {
			WRN("Unmatched bracket in %s\n", eq + 1);
			continue;
		}
		err = index_writer_insert(idx, buf, rec, 0);
		err = report_insert(w, err, "builtin alias", buf, rec);
	}
	if (err < 0)
		return err;
	return index_writer_write(idx, out);
}

/* ---- modules.devname -------------------------------------------------------------------- */

/*
 * The modules.devname entry of mod: its "devname:" alias and the char-/block-major
 * alias giving the device number. Returns true when mod has both; a devname without
 * a number is reported (as kmod does) and gives false.
 */
bool depmod_module_devname(const struct depmod_module *mod, struct depmod_devname *dev)
{
	const char *devname = NULL;
	char type = '\0';

	for (int j = 0; j < mod->n_modinfo; j++) {
		const char *v = modinfo_value(mod->modinfo[j], "alias", 5);
		unsigned int maj, min;

		if (v == NULL)
			continue;
		if (strstartswith(v, "devname:")) {
			devname = v + STRLEN("devname:");
		} else if (v[0] != 'c' && v[0] != 'b') {
			continue; /* cheap filter before sscanf, for the common aliases */
		} else if (sscanf(v, "char-major-%u-%u", &maj, &min) == 2) {
			type = 'c';
			dev->major = maj;
			dev->minor = min;
		} else if (sscanf(v, "block-major-%u-%u", &maj, &min) == 2) {
			type = 'b';
			dev->major = maj;
			dev->minor = min;
		}
		if (type != '\0' && devname != NULL)
			break;
	}
	if (devname == NULL)
		return false;
	if (type == '\0') {
		ERR("Module '%s' has devname (%s) but lacks major and minor information. "
		    "Ignoring.\n",
		    mod->modname, devname);
		return false;
	}
	dev->devname = devname;
	dev->type = type;
	return true;
}

static int out_devname(struct write_ctx *w, FILE *out)
{
	bool header = false;

	for (size_t i = 0; i < w->d->modules.count; i++) {
		const struct depmod_module *mod = w->d->modules.array[i];
		struct depmod_devname dev;

		if (!depmod_module_devname(mod, &dev))
			continue;
		if (!header) {
			fputs("# Device nodes to trigger on-demand module loading.\n",
			      out);
			header = true;
		}
		fprintf(out, "%s %s %c%u:%u\n", mod->modname, dev.devname, dev.type,
			dev.major, dev.minor);
	}
	return ferr(out);
}

/* ---- kept outputs ------------------------------------------------------------------------- */

static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	return (ssize_t)size;
}

/* A cheap output's messages when its file is kept: it is written into nothing. */
static int replay_into_nothing(struct write_ctx *w, const struct depmod_output *o);

/* ---- modules.depmod-cache ---------------------------------------------------------------- */

static int out_cache(struct write_ctx *w, FILE *out)
{
	int err = w->d->cache_ops->write(w->d, out);

	return err < 0 ? err : ferr(out);
}

/* ---- driver ---------------------------------------------------------------------------- */

static const struct depmod_output {
	const char *name;
	int (*cb)(struct write_ctx *w, FILE *out);
	bool text;
	/* when the file is kept: the messages writing it would give (NULL: none) */
	int (*replay)(struct write_ctx *w, const struct depmod_output *o);
} outputs[] = {
	{ "modules.dep", out_dep, true },
	{ "modules.dep.bin", out_dep_bin, false },
	{ "modules.alias", out_alias, true },
	{ "modules.alias.bin", out_alias_bin, false, replay_alias_bin },
	{ "modules.softdep", out_softdep, true },
	{ "modules.weakdep", out_weakdep, true },
	{ "modules.symbols", out_symbols, true },
	{ "modules.symbols.bin", out_symbols_bin, false },
	{ "modules.builtin.bin", out_builtin_bin, false, replay_into_nothing },
	{ "modules.builtin.alias.bin", out_builtin_alias_bin, false,
	  replay_into_nothing },
	{ "modules.devname", out_devname, true, replay_into_nothing },
	{ DEPMOD_CACHE_NAME, out_cache, false },
};

static int replay_into_nothing(struct write_ctx *w, const struct depmod_output *o)
{
	static const cookie_io_functions_t io = { .write = discard };
	FILE *null = fopencookie(NULL, "w", io);
	int err;

	if (null == NULL)
		return -errno;
	err = o->cb(w, null);
	fclose(null);
	return err;
}

/* Every output but the cache, which is written only when the run has one, and the
 * ones kept as they are. */
static bool output_wanted(const struct write_ctx *w, size_t i)
{
	if (w->kept != NULL && w->kept[i])
		return false;
	return outputs[i].cb != out_cache || w->d->cache_ops != NULL;
}

/*
 * Writes one output into a new temporary file of dfd, named into tmp, and starts
 * writing it back to the disk; the stream is left open in *keep for
 * finish_temporary(), so that the disk works while the next outputs are generated.
 * On failure the temporary file is removed.
 */
static int write_temporary(struct write_ctx *w, int dfd, const struct depmod_output *o,
			   char tmp[static NAME_MAX + 1], FILE **keep)
{
	struct timeval tv;
	FILE *out;
	int fd, err, serr = 0;

	gettimeofday(&tv, NULL);
	snprintf(tmp, NAME_MAX + 1, "%s.%i.%li.%li", o->name, (int)getpid(),
		 (long)tv.tv_usec, (long)tv.tv_sec);
	/* read-write: the cache reads back what was written */
	fd = openat(dfd, tmp, O_CREAT | O_EXCL | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		ERR("openat(%s, %s, o_excl): %m\n", w->d->outdirname, tmp);
		tmp[0] = '\0';
		return err;
	}
	out = fdopen(fd, "wb");
	if (out == NULL) {
		err = -errno;
		close(fd);
		(void)unlinkat(dfd, tmp, 0);
		tmp[0] = '\0';
		return err;
	}
	setvbuf(out, NULL, _IOFBF, 1 << 16);
	errno = 0;
	err = o->cb(w, out);
	/* a failed write (disk full, file size limit) is a stream error: the file is
	 * incomplete, so it is dropped instead of renamed */
	if (ferror(out))
		serr = errno > 0 ? -errno : -EIO;
	else if (fflush(out) != 0)
		serr = -errno;
	if (serr == 0 && err >= 0) {
		if (w->d->cache_ops != NULL)
			w->d->cache_ops->written(w->d, o->name, fd);
		/* a hint: where it is not supported, fsync() does it all later */
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		*keep = out;
		return 0;
	}
	if (fclose(out) != 0 && serr == 0 && err >= 0)
		serr = -errno;
	if (serr < 0 || err < 0) {
		(void)unlinkat(dfd, tmp, 0);
		tmp[0] = '\0';
	}
	if (serr < 0) {
		ERR("Could not create index '%s'. Output is truncated: %s\n", o->name,
		    strerror(-serr));
		return serr;
	}
	if (err < 0) {
		/* a fatal message is printed by the caller, once every temporary is gone */
		if (w->fatal == NULL)
			ERR("Could not write index '%s': %s\n", o->name, strerror(-err));
		return err;
	}
	return 0;
}

/* The messages of a kept output, as write_temporary() would give them. */
static int replay(struct write_ctx *w, const struct depmod_output *o)
{
	int err = o->replay(w, o);

	if (err < 0 && w->fatal == NULL)
		ERR("Could not write index '%s': %s\n", o->name, strerror(-err));
	return err;
}

/* Makes a written temporary durable (fsync) and closes it; on failure it is removed,
 * and reported when report is true. */
static int finish_temporary(int dfd, const struct depmod_output *o,
			    char tmp[static NAME_MAX + 1], FILE *out, bool report)
{
	int serr = 0;

	if (fsync(fileno(out)) != 0)
		serr = -errno;
	if (fclose(out) != 0 && serr == 0)
		serr = -errno;
	if (serr < 0) {
		(void)unlinkat(dfd, tmp, 0);
		tmp[0] = '\0';
		if (report)
			ERR("Could not create index '%s'. Output is truncated: %s\n",
			    o->name, strerror(-serr));
	}
	return serr;
}

/*
 * The order in which the finished files replace the old ones. Several files cannot
 * change at one instant, so a reader running meanwhile may see some old and some new
 * ones; the order keeps what it can see usable. The text files first: libkmod never
 * reads modules.dep, modules.alias and modules.symbols (people and old tools do).
 * Then the auxiliary indexes a lookup may consult after finding a module (devname,
 * soft and weak dependencies, built-in modules, symbols, aliases), and modules.dep.bin
 * last: it is where every lookup ends up (the module's path and dependencies), so by
 * the time it names new modules, every file that might lead to them is new too.
 * The cache comes after everything it describes.
 */
static const char *const rename_order[] = {
	"modules.dep",
	"modules.alias",
	"modules.symbols",
	"modules.devname",
	"modules.softdep",
	"modules.weakdep",
	"modules.builtin.alias.bin",
	"modules.builtin.bin",
	"modules.symbols.bin",
	"modules.alias.bin",
	"modules.dep.bin",
	DEPMOD_CACHE_NAME,
};

/* Seconds a depmod waits for another one writing the same directory. */
#define DEPMOD_LOCK_WAIT_SEC 300

/*
 * Serialises depmods writing one directory: an exclusive flock on the directory's
 * own descriptor, so that no lock file is ever created or left behind. Waits at most
 * DEPMOD_LOCK_WAIT_SEC; file systems without flock are written unlocked.
 */
int depmod_lock_outdir(const struct depmod *d, int dfd)
{
	/* the test suite shortens the wait */
	const char *env = secure_getenv("MODKIT_DEPMOD_LOCK_WAIT_SEC");
	unsigned int wait_sec = env ? (unsigned int)strtoul(env, NULL, 10) :
				      DEPMOD_LOCK_WAIT_SEC;

	for (unsigned int waited_ms = 0;; waited_ms += 50) {
		if (flock(dfd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return 0;
		if (waited_ms >= wait_sec * 1000) {
			ERR("another depmod has been writing %s for more than %u seconds\n",
			    d->outdirname, wait_sec);
			return -EWOULDBLOCK;
		}
		usleep(50 * 1000);
	}
}

/* Whether name is "<output>.<digits>.<digits>.<digits>": one of our temporaries. */
static bool is_temporary(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++) {
		size_t len = strlen(outputs[i].name);
		const char *p = name + len;
		int fields = 0;

		if (strncmp(name, outputs[i].name, len) != 0)
			continue;
		while (*p == '.' && fields < 3) {
			const char *q = ++p;

			while (*p >= '0' && *p <= '9')
				p++;
			if (p == q)
				break;
			fields++;
		}
		if (fields == 3 && *p == '\0')
			return true;
	}
	return false;
}

/*
 * Removes temporaries a killed depmod left behind. Called with the directory locked,
 * so no other depmod is writing any of them.
 */
static void remove_stale_temporaries(int dfd)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;

	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "modules.", 8) == 0 && is_temporary(de->d_name))
			(void)unlinkat(dfd, de->d_name, 0);
	}
	closedir(dir);
}

static size_t output_slot(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++)
		if (strcmp(outputs[i].name, name) == 0)
			return i;
	return ARRAY_SIZE(outputs);
}

/*
 * All or nothing: every output is written to a temporary file and made durable
 * first; only when all of them succeeded are they renamed into place (in
 * rename_order), so a failure before that point leaves every old file untouched
 * and no temporary behind.
 */
static int write_all(struct write_ctx *w, int dfd)
{
	char tmps[ARRAY_SIZE(outputs)][NAME_MAX + 1] = { { 0 } };
	FILE *outs[ARRAY_SIZE(outputs)] = { NULL };
	int err;

	/* (already held when the cache opened the directory: the same descriptor) */
	err = depmod_lock_outdir(w->d, dfd);
	if (err < 0)
		return err;
	remove_stale_temporaries(dfd);
	for (size_t i = 0; i < ARRAY_SIZE(outputs) && err >= 0; i++) {
		if (output_wanted(w, i))
			err = write_temporary(w, dfd, &outputs[i], tmps[i], &outs[i]);
		else if (w->kept != NULL && w->kept[i] && outputs[i].replay != NULL)
			err = replay(w, &outputs[i]);
	}
	/* each one durable; only the first failure is reported, as if each had been
	 * synced before the next one was written */
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++) {
		if (outs[i] != NULL) {
			int serr = finish_temporary(dfd, &outputs[i], tmps[i], outs[i],
						    err >= 0);

			if (serr < 0 && err >= 0)
				err = serr;
		}
	}
	/* a rename can still fail when the name is taken by something that is not a
	 * file (a directory, say): find that out before replacing anything */
	for (size_t i = 0; i < ARRAY_SIZE(outputs) && err >= 0; i++) {
		struct stat st;

		if (!output_wanted(w, i))
			continue;
		if (fstatat(dfd, outputs[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			err = -EISDIR;
			if (!S_ISDIR(st.st_mode))
				err = -EEXIST;
			ERR("Could not create index '%s': %s/%s exists and is not a regular file\n",
			    outputs[i].name, w->d->outdirname, outputs[i].name);
		}
	}
	if (err < 0) {
		for (size_t i = 0; i < ARRAY_SIZE(outputs); i++)
			if (tmps[i][0] != '\0')
				(void)unlinkat(dfd, tmps[i], 0);
		if (w->fatal != NULL)
			FATAL("%s", w->fatal); /* exits */
		return err;
	}
	for (size_t r = 0; r < ARRAY_SIZE(rename_order); r++) {
		size_t i = output_slot(rename_order[r]);

		if (w->kept != NULL && w->kept[i]) {
			/* as if written again: tools compare its time with the modules' */
			(void)utimensat(dfd, outputs[i].name, NULL, AT_SYMLINK_NOFOLLOW);
			continue;
		}
		if (tmps[i][0] == '\0')
			continue; /* not wanted */
		if (renameat(dfd, tmps[i], dfd, outputs[i].name) < 0) {
			err = -errno;
			for (size_t k = r; k < ARRAY_SIZE(rename_order); k++) {
				size_t j = output_slot(rename_order[k]);

				if (tmps[j][0] != '\0')
					(void)unlinkat(dfd, tmps[j], 0);
			}
			errno = -err;
			FATAL("renameat(%s, %s, %s, %s): %m\n", w->d->outdirname, tmps[i],
			      w->d->outdirname, outputs[i].name);
			return err;
		}
	}
	if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS) {
		err = -errno;
		ERR("could not sync directory %s: %m\n", w->d->outdirname);
	}
	return err;
}

int depmod_write(struct depmod *d)
{
	bool kept[ARRAY_SIZE(outputs)] = { false };
	struct write_ctx w = { .d = d };
	int dfd = -1, err = 0;

	/* which files the cache keeps: decided with the directory locked (the cache
	 * took the lock when it opened the directory) */
	if (!d->dry_run && d->cache_ops != NULL && d->have_outdir_fd) {
		for (size_t i = 0; i < ARRAY_SIZE(outputs); i++)
			kept[i] = outputs[i].cb != out_cache &&
				  d->cache_ops->keep(d, outputs[i].name);
		w.kept = kept;
	}
	/* the dependency lines feed only modules.dep and modules.dep.bin */
	if (!kept[output_slot("modules.dep")] || !kept[output_slot("modules.dep.bin")])
		err = build_deplines(&w);
	if (err < 0)
		goto out;

	if (d->dry_run) {
		for (size_t i = 0; i < ARRAY_SIZE(outputs) && err >= 0; i++) {
			if (outputs[i].text)
				err = outputs[i].cb(&w, stdout);
		}
		if (err >= 0 && fflush(stdout) != 0)
			err = -errno;
		goto out;
	}

	if (d->have_outdir_fd) {
		err = write_all(&w, d->outdir_fd);
		goto out;
	}
	err = mkdir_p(d->outdirname, strlen(d->outdirname), 0755);
	if (err < 0) {
		FATAL("could not create directory %s: %s\n", d->outdirname,
		      strerror(-err));
		goto out;
	}
	dfd = open(d->outdirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		FATAL("could not open directory %s: %m\n", d->outdirname);
		goto out;
	}
	err = write_all(&w, dfd);
out:
	if (dfd >= 0)
		close(dfd);
	if (w.deplines != NULL) {
		for (size_t i = 0; i < d->modules.count; i++)
			free(w.deplines[i]);
		free(w.deplines);
	}
	free(w.syms);
	free(w.fatal);
	return err;
}
