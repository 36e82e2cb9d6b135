// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe.d configuration (formats.md 7.1-7.3, 7.7) and the module options of the
 * kernel command line (formats.md 7.5), plus the kmod_config_* iterators.
 *
 * Entries are kept in configuration order: files in the order conffiles_list()
 * sorts them (modules.softdep and modules.weakdep of the module directory among
 * them), then the kernel command line.
 *
 * Error messages are logged under the function names kmod's default logger shows
 * ("kmod_config_parse", "kcmdline_parse_result"), since that text is visible to
 * users of modprobe (tools.md 3.2).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "ctx.h"
#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"
#include "strbuf.h"
#include "util.h"

#define config_err(ctx, fn, ...)                                                    \
	do {                                                                        \
		if ((ctx) != NULL && ctx_log_priority(ctx) >= LOG_ERR)              \
			ctx_log(ctx, LOG_ERR, __FILE__, __LINE__, fn, __VA_ARGS__); \
	} while (0)

/* /proc/cmdline is read up to this many bytes minus one, as the kernel caps it. */
#define KCMDLINE_SIZE 4096

/*
 * Every entry starts with where it was read: the file (NULL for the kernel command
 * line; the string is owned by config->origin_files) and the line number, for
 * modprobe --explain (config_entry_get_origin()).
 */
struct config_origin {
	const char *file;
	unsigned int line;
};

struct config_alias {
	struct config_origin origin;
	const char *modname; /* points into name's storage */
	char name[];
};

struct config_options {
	struct config_origin origin;
	const char *options;
	char modname[];
};

struct config_command {
	struct config_origin origin;
	const char *command;
	char modname[];
};

/*
 * The names of a softdep (or weakdep) are stored in one buffer, NUL-separated, in
 * the order they appear on the line whichever list they belong to. The value
 * string kmod prints spans the buffer from the first to the last name of a list,
 * so a line that switches back and forth shows names of the other list inside a
 * span ("pre: a post: b pre: c" prints "pre: a b cpost: b"); we reproduce that.
 */
struct config_deps {
	struct config_origin origin;
	char *name;
	char *names; /* buffer the arrays point into */
	const char **pre;
	const char **post;
	unsigned int n_pre;
	unsigned int n_post;
};

struct config_blacklist {
	struct config_origin origin;
	char modname[];
};

struct config_stamp {
	unsigned long long stamp;
	char path[];
};

/* ---- list entries ------------------------------------------------------------ */

/* Stamps data (an entry, which starts with its origin) with the place being read. */
static int list_push(struct kmod_config *config, struct kmod_list **list, void *data)
{
	struct config_origin *origin = data;
	struct kmod_list *l;

	origin->file = config->cur_file;
	origin->line = config->cur_line;
	l = kmod_list_append(*list, data);

	if (l == NULL) {
		free(data);
		return -ENOMEM;
	}
	*list = l;
	return 0;
}

static int config_add_alias(struct kmod_config *config, const char *name,
			    const char *modname)
{
	size_t nlen = strlen(name) + 1, mlen = strlen(modname) + 1;
	struct config_alias *a = malloc(sizeof(*a) + nlen + mlen);

	if (a == NULL)
		return -ENOMEM;
	memcpy(a->name, name, nlen);
	memcpy(a->name + nlen, modname, mlen);
	a->modname = a->name + nlen;
	return list_push(config, &config->aliases, a);
}

static int config_add_blacklist(struct kmod_config *config, const char *modname)
{
	size_t len = strlen(modname) + 1;
	struct config_blacklist *b = malloc(sizeof(*b) + len);

	if (b == NULL)
		return -ENOMEM;
	memcpy(b->modname, modname, len);
	return list_push(config, &config->blacklists, b);
}

static int config_add_options(struct kmod_config *config, const char *modname,
			      const char *options)
{
	size_t mlen = strlen(modname) + 1, olen = strlen(options) + 1;
	struct config_options *o = malloc(sizeof(*o) + mlen + olen);
	char *text;

	if (o == NULL)
		return -ENOMEM;
	memcpy(o->modname, modname, mlen);
	text = o->modname + mlen;
	memcpy(text, options, olen);
	/* a TAB would split the option when the kernel parses the joined string */
	for (char *p = text; *p != '\0'; p++) {
		if (*p == '\t')
			*p = ' ';
	}
	o->options = text;
	return list_push(config, &config->options, o);
}

static int config_add_command(struct kmod_config *config, struct kmod_list **list,
			      const char *modname, const char *command)
{
	size_t mlen = strlen(modname) + 1, clen = strlen(command) + 1;
	struct config_command *c = malloc(sizeof(*c) + mlen + clen);

	if (c == NULL)
		return -ENOMEM;
	memcpy(c->modname, modname, mlen);
	memcpy(c->modname + mlen, command, clen);
	c->command = c->modname + mlen;
	return list_push(config, list, c);
}

static void deps_free(struct config_deps *d)
{
	if (d == NULL)
		return;
	free(d->name);
	free(d->names);
	free(d->pre);
	free(d->post);
	free(d);
}

/*
 * Splits value on isspace() runs. With markers (softdep), "pre:" and "post:"
 * select the list the following names go to and names before any marker are
 * dropped; without (weakdep) every word goes to pre.
 */
static struct config_deps *deps_new(const char *modname, const char *value, bool markers)
{
	enum {
		NONE,
		PRE,
		POST
	} mode = markers ? NONE : PRE;
	size_t len = strlen(value), words = 0;
	struct config_deps *d = calloc(1, sizeof(*d));
	bool glued;
	char *out;

	if (d == NULL)
		return NULL;
	/* one slot per word (runs of non-blanks) is enough for either list */
	for (size_t i = 0; i < len; i++) {
		if (!isspace((unsigned char)value[i]) &&
		    (i == 0 || isspace((unsigned char)value[i - 1])))
			words++;
	}
	d->name = strdup(modname);
	d->names = malloc(len + 1);
	d->pre = calloc(words + 1, sizeof(char *));
	d->post = calloc(words + 1, sizeof(char *));
	if (d->name == NULL || d->names == NULL || d->pre == NULL || d->post == NULL) {
		deps_free(d);
		return NULL;
	}
	out = d->names;
	/*
	 * kmod quirk: when the value starts with exactly one blank, that blank
	 * sticks to the first word. Seen for softdep with Debian's modprobe -c: the
	 * word is then no marker ("softdep m  pre: a" has no pre list) and, coming
	 * before any marker, is dropped. weakdep (34.2 only, not verifiable here) is
	 * assumed to split the same way, keeping " a" with its blank as a name.
	 */
	glued = len >= 2 && isspace((unsigned char)value[0]) &&
		!isspace((unsigned char)value[1]);
	for (size_t i = 0; i < len;) {
		size_t start, wlen;

		while (i < len && isspace((unsigned char)value[i]))
			i++;
		start = glued ? 0 : i;
		glued = false;
		while (i < len && !isspace((unsigned char)value[i]))
			i++;
		wlen = i - start;
		if (wlen == 0)
			break;
		if (markers && wlen == STRLEN("pre:") &&
		    memcmp(value + start, "pre:", wlen) == 0) {
			mode = PRE;
			continue;
		}
		if (markers && wlen == STRLEN("post:") &&
		    memcmp(value + start, "post:", wlen) == 0) {
			mode = POST;
			continue;
		}
		if (mode == NONE)
			continue;
		memcpy(out, value + start, wlen);
		out[wlen] = '\0';
		if (mode == PRE)
			d->pre[d->n_pre++] = out;
		else
			d->post[d->n_post++] = out;
		out += wlen + 1;
	}
	return d;
}

static int config_add_deps(struct kmod_config *config, struct kmod_list **list,
			   const char *modname, const char *value, bool markers)
{
	struct config_deps *d = deps_new(modname, value, markers);
	struct kmod_list *l;

	if (d == NULL)
		return -ENOMEM;
	d->origin.file = config->cur_file;
	d->origin.line = config->cur_line;
	l = kmod_list_append(*list, d);
	if (l == NULL) {
		deps_free(d);
		return -ENOMEM;
	}
	*list = l;
	return 0;
}

/* "first ... last" of a list as it lies in the names buffer, NULs shown as spaces. */
static bool deps_push_span(struct strbuf *buf, const char *const *names, unsigned int n)
{
	const char *start, *end;

	if (n == 0)
		return true;
	start = names[0];
	end = names[n - 1] + strlen(names[n - 1]);
	for (const char *p = start; p < end; p++) {
		if (!strbuf_pushchar(buf, *p == '\0' ? ' ' : *p))
			return false;
	}
	return true;
}

/* ---- modprobe.d files ---------------------------------------------------------- */

/* strtok_r(" \t")-like: the next blank-separated word; the one blank after it is
 * consumed, so that *cursor is the exact rest of the line. */
static char *next_word(char **cursor)
{
	char *s = *cursor + strspn(*cursor, " \t");
	char *end;

	if (*s == '\0') {
		*cursor = s;
		return NULL;
	}
	end = s + strcspn(s, " \t");
	if (*end != '\0')
		*end++ = '\0';
	*cursor = end;
	return s;
}

/* The rest of the line after the word just taken, NULL when empty. */
static char *rest_of_line(char **cursor)
{
	char *s = *cursor;

	*cursor += strlen(s);
	return *s != '\0' ? s : NULL;
}

static bool normalized(char *name)
{
	return name != NULL && underscores(name) == 0;
}

/* Returns 1 for a bad line, 0 when handled, -ENOMEM. */
static int parse_directive(struct kmod_config *config, const char *filename, char *cmd,
			   char *cursor)
{
	if (streq(cmd, "alias")) {
		char *alias = next_word(&cursor);
		char *modname = next_word(&cursor);

		if (!normalized(alias) || !normalized(modname))
			return 1;
		return config_add_alias(config, alias, modname);
	}
	if (streq(cmd, "blacklist")) {
		char *modname = next_word(&cursor);

		if (!normalized(modname))
			return 1;
		return config_add_blacklist(config, modname);
	}
	if (streq(cmd, "options") || streq(cmd, "install") || streq(cmd, "remove") ||
	    streq(cmd, "softdep") || streq(cmd, "weakdep")) {
		char *modname = next_word(&cursor);
		char *rest = rest_of_line(&cursor);

		if (!normalized(modname) || rest == NULL)
			return 1;
		switch (cmd[0]) {
		case 'o':
			return config_add_options(config, modname, rest);
		case 'i':
			return config_add_command(config, &config->install_commands,
						  modname, rest);
		case 'r':
			return config_add_command(config, &config->remove_commands,
						  modname, rest);
		case 's':
			return config_add_deps(config, &config->softdeps, modname, rest,
					       true);
		default:
			return config_add_deps(config, &config->weakdeps, modname, rest,
					       false);
		}
	}
	if (streq(cmd, "include") || streq(cmd, "config")) {
		config_err(config->ctx, "kmod_config_parse",
			   "%s: command %s is deprecated and not parsed anymore\n",
			   filename, cmd);
		return 0;
	}
	return 1;
}

/*
 * Parses one file; with only != NULL, every directive but that one is a bad line.
 * modules.softdep and modules.weakdep are written by depmod from what modules
 * themselves say: they may carry softdep (or weakdep) lines and nothing else, so a
 * crafted module can never smuggle an install command (run by the shell) or
 * options in through them.
 */
static int config_parse_stream_only(struct kmod_config *config, FILE *fp,
				    const char *filename, const char *only)
{
	unsigned int linenum = 0, first = 1;
	char *line, *file = strdup(filename);
	struct kmod_list *l;

	if (file == NULL)
		return -ENOMEM;
	l = kmod_list_append(config->origin_files, file);
	if (l == NULL) {
		free(file);
		return -ENOMEM;
	}
	config->origin_files = l;
	config->cur_file = file;
	while ((line = freadline_wrapped(fp, &linenum)) != NULL) {
		_cleanup_free_ char *owned = line;
		char *cursor = line, *cmd;
		int r;

		/* a line continued with a backslash counts from where it started */
		config->cur_line = first;
		first = linenum + 1;
		/* only a '#' in the very first column starts a comment */
		if (line[0] == '\0' || line[0] == '#')
			continue;
		cmd = next_word(&cursor);
		if (cmd == NULL)
			continue;
		if (only != NULL && !streq(cmd, only))
			r = 1;
		else
			r = parse_directive(config, filename, cmd, cursor);
		if (r < 0)
			return r;
		if (r > 0)
			config_err(config->ctx, "kmod_config_parse",
				   "%s line %u: ignoring bad line starting with '%s'\n",
				   filename, linenum, cmd);
	}
	return 0;
}

int config_parse_stream(struct kmod_config *config, FILE *fp, const char *filename)
{
	return config_parse_stream_only(config, fp, filename, NULL);
}

/* ---- kernel command line ------------------------------------------------------- */

static int kcmdline_add(struct kmod_config *config, char *modname, const char *param)
{
	if (streq(modname, "modprobe") && strstartswith(param, "blacklist=")) {
		const char *list = param + STRLEN("blacklist=");

		/* kernel-provided names are kept as written, empty items included */
		for (;;) {
			size_t len = strcspn(list, ",");
			_cleanup_free_ char *name = strndup(list, len);
			int err;

			if (name == NULL)
				return -ENOMEM;
			err = config_add_blacklist(config, name);
			if (err < 0)
				return err;
			if (list[len] == '\0')
				break;
			list += len + 1;
		}
		return 0;
	}
	if (underscores(modname) < 0) {
		config_err(
			config->ctx, "kcmdline_parse_result",
			"Ignoring bad option on kernel command line while parsing module name: '%s'\n",
			modname);
		return 0;
	}
	return config_add_options(config, modname, param);
}

/*
 * Emits the token cmdline[tok..end): MOD ends at dot; eq (0 if none) is the '='
 * after PARAM. With lead_quote, the quote that opened the token is put back in
 * front of VALUE.
 */
static int kcmdline_emit(struct kmod_config *config, const char *cmdline, size_t tok,
			 size_t dot, size_t eq, size_t end, bool lead_quote)
{
	_cleanup_free_ char *modname = strndup(cmdline + tok, dot - tok);
	_cleanup_strbuf_ struct strbuf param;
	bool ok;

	strbuf_init(&param);
	if (modname == NULL)
		return -ENOMEM;
	if (eq > 0 && lead_quote)
		ok = strbuf_pushmem(&param, cmdline + dot + 1, eq - dot) &&
		     strbuf_pushchar(&param, '"') &&
		     strbuf_pushmem(&param, cmdline + eq + 1, end - eq - 1);
	else
		ok = strbuf_pushmem(&param, cmdline + dot + 1, end - dot - 1);
	if (!ok || strbuf_str(&param) == NULL)
		return -ENOMEM;
	return kcmdline_add(config, modname, strbuf_str(&param));
}

static bool kcmdline_is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * One pass over the text with a small state machine: a token is MOD.PARAM or
 * MOD.PARAM=VALUE; '"' toggles quoting, which only VALUE may contain (blanks
 * included). A quote opening the token is moved to the front of VALUE, undoing
 * what boot loaders do to "mod.param=a b". Anything else makes the token ignored.
 */
int config_parse_kcmdline(struct kmod_config *config, const char *cmdline)
{
	enum {
		MODNAME,
		PARAM,
		VALUE,
		IGNORE
	} state = MODNAME;
	size_t len = strnlen(cmdline, KCMDLINE_SIZE - 1);
	size_t tok = 0, dot = 0, eq = 0;
	bool quoted = false, lead_quote = false;

	config->cur_file = NULL; /* entries from here on: the kernel command line */
	config->cur_line = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? cmdline[i] : '\0';

		if (c == '"') {
			quoted = !quoted;
			if (quoted && state == MODNAME && i == tok) {
				lead_quote = true;
				tok = i + 1;
			} else if (state != VALUE) {
				state = IGNORE;
			}
			continue;
		}
		if (c == '\0' || kcmdline_is_sep(c)) {
			if (quoted) {
				/* blanks are part of a quoted value; elsewhere fatal */
				if (state != VALUE)
					state = IGNORE;
				continue;
			}
			if (state == PARAM || state == VALUE) {
				int err = kcmdline_emit(config, cmdline, tok, dot,
							state == VALUE ? eq : 0, i,
							lead_quote);

				if (err < 0)
					return err;
			}
			state = MODNAME;
			tok = i + 1;
			lead_quote = false;
			continue;
		}
		if (c == '.') {
			if (state == MODNAME) {
				dot = i;
				state = PARAM;
			} else if (state == PARAM) {
				state = IGNORE;
			}
		} else if (c == '=') {
			if (state == PARAM) {
				eq = i;
				state = VALUE;
			} else if (state == MODNAME) {
				state = IGNORE;
			}
		}
	}
	return 0;
}

static int config_read_kcmdline(struct kmod_config *config, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[KCMDLINE_SIZE];
	ssize_t r;

	if (fd < 0) {
		DBG(config->ctx, "could not open '%s' for reading: %m\n", path);
		return 0;
	}
	r = read_str_safe(fd, buf, sizeof(buf));
	if (r < 0) {
		config_err(config->ctx, "kmod_config_parse_kcmdline",
			   "could not read from '%s': %s\n", path, strerror((int)-r));
		return 0;
	}
	return config_parse_kcmdline(config, buf);
}

/* ---- the configuration object -------------------------------------------------- */

static int config_add_stamp(struct kmod_config *config, const char *path,
			    unsigned long long stamp)
{
	size_t len = strlen(path) + 1;
	struct config_stamp *s = malloc(sizeof(*s) + len);
	struct kmod_list *l;

	if (s == NULL)
		return -ENOMEM;
	s->stamp = stamp;
	memcpy(s->path, path, len);
	l = kmod_list_append(config->paths, s);
	if (l == NULL) {
		free(s);
		return -ENOMEM;
	}
	config->paths = l;
	return 0;
}

/* highest precedence first (formats.md 7.1) */
// clang-format off
static const char *const default_config_paths[] = {
	SYSCONFDIR "/modprobe.d",
	"/run/modprobe.d",
	"/usr/local/lib/modprobe.d",
	DISTCONFDIR "/modprobe.d",
	"/lib/modprobe.d",
	NULL,
};
// clang-format on

/* The one directive a file of the module dir may hold, NULL for other files. */
static const char *module_dir_file_directive(const char *path, const char *const *extra)
{
	static const char *const directives[] = { "softdep", "weakdep" };

	for (size_t i = 0; i < ARRAY_SIZE(directives) && extra[i] != NULL; i++) {
		if (streq(path, extra[i]))
			return directives[i];
	}
	return NULL;
}

/*
 * Opens a configuration file for reading: regular files, and /dev/null as an empty
 * one (masking, formats.md 7.1). A file that vanished or cannot be read is skipped
 * without a word, as kmod does; one that is something else (a FIFO would block,
 * /dev/zero never end) or absurdly large is skipped with an error naming it.
 */
static FILE *config_open(const struct kmod_config *config, const char *path)
{
	struct stat st;
	_cleanup_close_ int fd = regfile_open(path, REGFILE_DEVNULL, &st);
	FILE *fp;

	if (fd == -EINVAL || fd == -EISDIR) {
		config_err(config->ctx, "kmod_config_new",
			   "%s: not a regular file, ignoring\n", path);
		return NULL;
	}
	if (fd < 0)
		return NULL;
	if (st.st_size > (off_t)REGFILE_TEXT_MAX) {
		config_err(config->ctx, "kmod_config_new",
			   "%s: larger than %u MiB, ignoring\n", path,
			   REGFILE_TEXT_MAX >> 20);
		return NULL;
	}
	fp = fdopen(fd, "re");
	if (fp != NULL)
		TAKE_FD(fd); /* the stream owns it now */
	return fp;
}

static int config_parse_files(struct kmod_config *config, const char *const *paths)
{
	struct kmod_ctx *ctx = config->ctx;
	_cleanup_free_ char *softdep = NULL, *weakdep = NULL;
	const char *extra[3] = { NULL, NULL, NULL };
	struct conf_file *files;
	size_t n;
	int err;

	if (ctx != NULL && ctx->dirname != NULL) {
		if (asprintf(&softdep, "%s/modules.softdep", ctx->dirname) < 0 ||
		    asprintf(&weakdep, "%s/modules.weakdep", ctx->dirname) < 0)
			return -ENOMEM;
		extra[0] = softdep;
		extra[1] = weakdep;
	}
	/* the paths' own stamps catch files being added or removed */
	for (size_t i = 0; paths[i] != NULL; i++) {
		struct stat st;

		if (stat(paths[i], &st) < 0)
			continue;
		err = config_add_stamp(config, paths[i], stat_mstamp(&st));
		if (err < 0)
			return err;
	}
	err = conffiles_list(ctx, paths, extra, &files, &n);
	if (err < 0)
		return err;
	for (size_t i = 0; i < n && err >= 0; i++) {
		const char *only = module_dir_file_directive(files[i].path, extra);
		FILE *fp = config_open(config, files[i].path);

		DBG(ctx, "parsing file '%s'\n", files[i].path);
		if (fp == NULL)
			continue;
		/*
		 * modules.softdep/weakdep are left out: depmod rewrites them together
		 * with the indexes, which kmod_validate_resources() answers with
		 * MUST_RELOAD, not with the MUST_RECREATE of a changed configuration.
		 */
		if (only == NULL)
			err = config_add_stamp(config, files[i].path, files[i].stamp);
		if (err >= 0)
			err = config_parse_stream_only(config, fp, files[i].path, only);
		fclose(fp);
	}
	conffiles_free(files, n);
	return err < 0 ? err : 0;
}

int config_new_full(struct kmod_ctx *ctx, const char *const *config_paths,
		    const char *cmdline_path, struct kmod_config **out)
{
	struct kmod_config *config = calloc(1, sizeof(*config));
	int err;

	if (config == NULL)
		return -ENOMEM;
	config->ctx = ctx;
	err = config_parse_files(config,
				 config_paths ? config_paths : default_config_paths);
	if (err >= 0 && cmdline_path != NULL)
		err = config_read_kcmdline(config, cmdline_path);
	if (err < 0) {
		config_free(config);
		return err;
	}
	*out = config;
	return 0;
}

int config_new(struct kmod_ctx *ctx, const char *const *config_paths,
	       struct kmod_config **out)
{
	return config_new_full(ctx, config_paths, "/proc/cmdline", out);
}

static void list_free_data(struct kmod_list *list, void (*free_fn)(void *))
{
	struct kmod_list *l, *tmp;

	kmod_list_foreach_safe(l, tmp, list) free_fn(l->data);
	kmod_list_free(list);
}

static void deps_free_void(void *d)
{
	deps_free(d);
}

void config_free(struct kmod_config *config)
{
	if (config == NULL)
		return;
	list_free_data(config->aliases, free);
	list_free_data(config->blacklists, free);
	list_free_data(config->options, free);
	list_free_data(config->install_commands, free);
	list_free_data(config->remove_commands, free);
	list_free_data(config->softdeps, deps_free_void);
	list_free_data(config->weakdeps, deps_free_void);
	list_free_data(config->paths, free);
	list_free_data(config->origin_files, free);
	free(config);
}

bool config_is_stale(const struct kmod_config *config)
{
	const struct kmod_list *l;

	kmod_list_foreach (l, config->paths) {
		const struct config_stamp *s = l->data;
		struct stat st;

		if (stat(s->path, &st) < 0 || stat_mstamp(&st) != s->stamp)
			return true;
	}
	return false;
}

/* ---- accessors ------------------------------------------------------------------ */

/* A getter of one field of a list entry's data (config.h declares them). */
#define CONFIG_GETTER(fn, type, field)              \
	const char *fn(const struct kmod_list *l)   \
	{                                           \
		const struct type *entry = l->data; \
                                                    \
		return entry->field;                \
	}

CONFIG_GETTER(config_alias_get_name, config_alias, name)
CONFIG_GETTER(config_alias_get_modname, config_alias, modname)
CONFIG_GETTER(config_options_get_modname, config_options, modname)
CONFIG_GETTER(config_options_get_options, config_options, options)
CONFIG_GETTER(config_command_get_modname, config_command, modname)
CONFIG_GETTER(config_command_get_command, config_command, command)
CONFIG_GETTER(config_blacklist_get_modname, config_blacklist, modname)
CONFIG_GETTER(config_softdep_get_name, config_deps, name)

const char *config_entry_get_origin(const struct kmod_list *l, unsigned int *line)
{
	const struct config_origin *o = l->data;

	*line = o->line;
	return o->file;
}

const char *const *config_default_paths(void)
{
	return default_config_paths;
}

const char *const *config_softdep_get_pre(const struct kmod_list *l, unsigned int *count)
{
	const struct config_deps *d = l->data;

	*count = d->n_pre;
	return d->pre;
}

const char *const *config_softdep_get_post(const struct kmod_list *l, unsigned int *count)
{
	const struct config_deps *d = l->data;

	*count = d->n_post;
	return d->post;
}

const char *config_weakdep_get_name(const struct kmod_list *l)
{
	return config_softdep_get_name(l);
}

const char *const *config_weakdep_get_weak(const struct kmod_list *l, unsigned int *count)
{
	return config_softdep_get_pre(l, count);
}

/* ---- public iterators ------------------------------------------------------------ */

enum config_iter_kind {
	ITER_BLACKLIST,
	ITER_INSTALL,
	ITER_REMOVE,
	ITER_ALIAS,
	ITER_OPTIONS,
	ITER_SOFTDEP,
	ITER_WEAKDEP,
};

struct kmod_config_iter {
	enum config_iter_kind kind;
	const struct kmod_list *list;
	const struct kmod_list *curr;
	char *value; /* built softdep/weakdep text of curr, freed when moving on */
};

static struct kmod_config_iter *config_iter_new(const struct kmod_ctx *ctx,
						enum config_iter_kind kind)
{
	const struct kmod_config *config;
	struct kmod_config_iter *iter;

	if (ctx == NULL || ctx->config == NULL)
		return NULL;
	config = ctx->config;
	iter = calloc(1, sizeof(*iter));
	if (iter == NULL)
		return NULL;
	iter->kind = kind;
	switch (kind) {
	case ITER_BLACKLIST:
		iter->list = config->blacklists;
		break;
	case ITER_INSTALL:
		iter->list = config->install_commands;
		break;
	case ITER_REMOVE:
		iter->list = config->remove_commands;
		break;
	case ITER_ALIAS:
		iter->list = config->aliases;
		break;
	case ITER_OPTIONS:
		iter->list = config->options;
		break;
	case ITER_SOFTDEP:
		iter->list = config->softdeps;
		break;
	case ITER_WEAKDEP:
		iter->list = config->weakdeps;
		break;
	}
	return iter;
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_blacklists(
	const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_BLACKLIST);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_install_commands(
	const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_INSTALL);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_remove_commands(
	const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_REMOVE);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_ALIAS);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_OPTIONS);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_SOFTDEP);
}

KMOD_EXPORT struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx)
{
	return config_iter_new(ctx, ITER_WEAKDEP);
}

KMOD_EXPORT const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter)
{
	if (iter == NULL || iter->curr == NULL)
		return NULL;
	switch (iter->kind) {
	case ITER_BLACKLIST:
		return config_blacklist_get_modname(iter->curr);
	case ITER_INSTALL:
	case ITER_REMOVE:
		return config_command_get_modname(iter->curr);
	case ITER_ALIAS:
		return config_alias_get_name(iter->curr);
	case ITER_OPTIONS:
		return config_options_get_modname(iter->curr);
	case ITER_SOFTDEP:
	case ITER_WEAKDEP:
		return config_softdep_get_name(iter->curr);
	}
	return NULL;
}

static char *deps_to_string(const struct config_deps *d, bool markers)
{
	struct strbuf buf;
	bool ok = true;

	strbuf_init(&buf);
	if (!markers) {
		ok = deps_push_span(&buf, (const char *const *)d->pre, d->n_pre);
	} else {
		if (d->n_pre > 0)
			ok = strbuf_pushchars(&buf, "pre: ") &&
			     deps_push_span(&buf, (const char *const *)d->pre, d->n_pre);
		if (ok && d->n_post > 0)
			ok = strbuf_pushchars(&buf, "post: ") &&
			     deps_push_span(&buf, (const char *const *)d->post,
					    d->n_post);
	}
	if (!ok) {
		strbuf_release(&buf);
		return NULL;
	}
	return strbuf_steal(&buf);
}

KMOD_EXPORT const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter)
{
	struct kmod_config_iter *it = (struct kmod_config_iter *)iter;

	if (iter == NULL || iter->curr == NULL)
		return NULL;
	switch (iter->kind) {
	case ITER_BLACKLIST:
		return NULL;
	case ITER_INSTALL:
	case ITER_REMOVE:
		return config_command_get_command(iter->curr);
	case ITER_ALIAS:
		return config_alias_get_modname(iter->curr);
	case ITER_OPTIONS:
		return config_options_get_options(iter->curr);
	case ITER_SOFTDEP:
	case ITER_WEAKDEP:
		/* built on demand and cached: the iterator owns the string */
		free(it->value);
		it->value = deps_to_string(iter->curr->data, iter->kind == ITER_SOFTDEP);
		return it->value;
	}
	return NULL;
}

KMOD_EXPORT bool kmod_config_iter_next(struct kmod_config_iter *iter)
{
	if (iter == NULL)
		return false;
	free(iter->value);
	iter->value = NULL;
	/* past the end, curr is NULL again and the walk restarts (as kmod's does) */
	if (iter->curr == NULL)
		iter->curr = iter->list;
	else
		iter->curr = kmod_list_next(iter->list, iter->curr);
	return iter->curr != NULL;
}

KMOD_EXPORT void kmod_config_iter_free_iter(struct kmod_config_iter *iter)
{
	if (iter == NULL)
		return;
	free(iter->value);
	free(iter);
}
