// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The *.conf walker: selection of entries, merging and ordering across paths,
 * override by basename, pseudo-files, and the messages about skipped entries.
 * Hostile entries: regfile.h's opener, FIFOs and devices among configuration
 * files, /dev/null masking, a directory named twice, module-dir files.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/config.h"
#include "lib/ctx.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "regfile.h"
#include "strbuf.h"
#include "testsuite.h"

static struct strbuf logbuf;

static void capture_log(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	char *text;

	if (vasprintf(&text, format, args) < 0)
		abort();
	strbuf_pushchars(&logbuf, fn);
	strbuf_pushchars(&logbuf, ": ");
	strbuf_pushchars(&logbuf, text);
	free(text);
}

static struct kmod_ctx *test_ctx(void)
{
	struct kmod_ctx *ctx = test_keep(calloc(1, sizeof(*ctx)));

	strbuf_init(&logbuf);
	ctx->log.fn = capture_log;
	ctx->log.priority = LOG_ERR;
	return ctx;
}

static const char *logged(void)
{
	const char *s = strbuf_str(&logbuf);

	return s ? s : "";
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		abort();
	return test_keep(s);
}

static void touch(const char *dir, const char *name, const char *content)
{
	char *p;

	/* not join(): a freed pointer kept by test_keep() could hide a later leak */
	if (asprintf(&p, "%s/%s", dir, name) < 0 || test_write_str(p, content) < 0)
		abort();
	free(p);
}

/* "name=path" lines of a listing, relative paths made from root */
static char *describe(const struct conf_file *files, size_t n, const char *root)
{
	struct strbuf b;
	size_t rl = strlen(root);

	strbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		const char *p = files[i].path;

		if (strncmp(p, root, rl) == 0)
			p += rl + 1;
		strbuf_pushchars(&b, files[i].name);
		strbuf_pushchar(&b, '=');
		strbuf_pushchars(&b, p);
		strbuf_pushchar(&b, '\n');
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

TEST(selects_conf_entries)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d");
	const char *paths[] = { d, NULL };
	struct conf_file *files;
	size_t n;

	touch(d, "b.conf", "");
	touch(d, "a.conf", "");
	touch(d, "x.conf", "");
	touch(d, ".hidden.conf", "");
	touch(d, "notes.txt", "");
	touch(d, "conf", "");
	touch(d, "a.conf~", "");
	touch(d, "a.CONF", "");
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root),
		     "a.conf=d/a.conf\nb.conf=d/b.conf\nx.conf=d/x.conf\n");
	CHECK_STR_EQ(logged(), "");
	conffiles_free(files, n);
	return 0;
}

TEST(merge_sorted_and_override_by_basename)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *hi = join(root, "hi"), *mid = join(root, "mid"), *lo = join(root, "lo");
	const char *paths[] = { hi, join(root, "missing"), mid, lo, NULL };
	struct conf_file *files;
	size_t n;

	touch(hi, "m.conf", "");
	touch(hi, "z.conf", "");
	touch(mid, "a.conf", "");
	touch(mid, "m.conf", "");
	touch(lo, "a.conf", "");
	touch(lo, "b.conf", "");
	touch(lo, "z.conf", "");
	touch(lo, "A.conf", "");
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	/* strcmp order: uppercase first */
	CHECK_STR_EQ(describe(files, n, root), "A.conf=lo/A.conf\n"
					       "a.conf=mid/a.conf\n"
					       "b.conf=lo/b.conf\n"
					       "m.conf=hi/m.conf\n"
					       "z.conf=hi/z.conf\n");
	CHECK_STR_EQ(logged(), "");
	conffiles_free(files, n);
	return 0;
}

TEST(single_file_paths)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d"), *f1 = join(root, "f/b.conf"),
	     *f2 = join(root, "g/m.txt");
	char *f3 = join(root, "h/b.conf");
	const char *paths[] = { f1, d, f2, f3, NULL };
	struct conf_file *files;
	size_t n;

	touch(d, "a.conf", "");
	touch(d, "b.conf", "");
	touch(d, "n.conf", "");
	touch(root, "f/b.conf", "");
	touch(root, "g/m.txt", "");
	touch(root, "h/b.conf", "");
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	/* a single file needs no .conf suffix and overrides the lower b.conf files */
	CHECK_STR_EQ(describe(files, n, root), "a.conf=d/a.conf\n"
					       "b.conf=f/b.conf\n"
					       "m.txt=g/m.txt\n"
					       "n.conf=d/n.conf\n");
	conffiles_free(files, n);
	return 0;
}

TEST(extra_pseudo_files)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d"), *moddir = join(root, "mod");
	char *softdep = join(moddir, "modules.softdep"),
	     *weakdep = join(moddir, "modules.weakdep");
	char *fake = join(root, "other/modules.softdep");
	const char *paths[] = { fake, d, NULL };
	const char *extra[] = { softdep, weakdep, NULL };
	struct conf_file *files;
	size_t n;

	touch(d, "a.conf", "");
	touch(d, "modules.x.conf", "");
	touch(d, "n.conf", "");
	touch(d, "z.conf", "");
	touch(moddir, "modules.softdep", "");
	touch(root, "other/modules.softdep", "");
	/* modules.weakdep does not exist: not listed */
	CHECK_INT_EQ(conffiles_list(ctx, paths, extra, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root), "a.conf=d/a.conf\n"
					       "modules.softdep=mod/modules.softdep\n"
					       "modules.x.conf=d/modules.x.conf\n"
					       "n.conf=d/n.conf\n"
					       "z.conf=d/z.conf\n");
	conffiles_free(files, n);
	touch(moddir, "modules.weakdep", "");
	CHECK_INT_EQ(conffiles_list(ctx, paths, extra, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root), "a.conf=d/a.conf\n"
					       "modules.softdep=mod/modules.softdep\n"
					       "modules.weakdep=mod/modules.weakdep\n"
					       "modules.x.conf=d/modules.x.conf\n"
					       "n.conf=d/n.conf\n"
					       "z.conf=d/z.conf\n");
	conffiles_free(files, n);
	return 0;
}

TEST(skipped_entries_are_logged)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d");
	char *sub = join(d, "sub.conf"), *dangling = join(d, "dangling.conf");
	char *expected;
	const char *paths[] = { d, NULL };
	struct conf_file *files;
	size_t n;

	test_need_feature("logging"); /* checks the library's messages */
	touch(d, "ok.conf", "");
	touch(d, "sub.conf/inner.conf", "");
	CHECK(symlink("/nonexistent/target", dangling) == 0);
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root), "ok.conf=d/ok.conf\n");
	CHECK(strstr(logged(),
		     "conf_files_filter_out: Directories inside directories are "
		     "not supported: ") != NULL);
	CHECK(asprintf(
		      &expected,
		      "conf_files_filter_out: Directories inside directories are not supported: %s\n",
		      sub) > 0);
	CHECK(strstr(logged(), expected) != NULL);
	free(expected);
	CHECK(asprintf(&expected,
		       "conf_files_filter_out: Cannot stat directory entry: %s\n",
		       dangling) > 0);
	CHECK(strstr(logged(), expected) != NULL);
	CHECK_INT_EQ(strlen(logged()),
		     strlen(expected) +
			     strlen("conf_files_filter_out: Directories inside "
				    "directories are not supported: \n") +
			     strlen(sub));
	free(expected);
	conffiles_free(files, n);
	return 0;
}

TEST(path_kept_verbatim_in_names)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d/");
	const char *paths[] = { d, NULL };
	struct conf_file *files;
	size_t n;
	char *expected;

	touch(d, "a.conf", "");
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	CHECK_INT_EQ(n, 1);
	/* kmod joins with '/' even after a trailing slash (seen in its messages) */
	CHECK(asprintf(&expected, "%s/a.conf", d) > 0);
	CHECK_STR_EQ(files[0].path, expected);
	CHECK_STR_EQ(files[0].name, "a.conf");
	free(expected);
	conffiles_free(files, n);
	return 0;
}

struct report_log {
	struct strbuf text;
};

static void depmod_like_report(void *data, enum conffiles_skip why, const char *dir,
			       const char *name, int err)
{
	struct report_log *r = data;
	char *line;
	static const char *const names[] = { "notconf", "stat", "subdir", "path" };

	if (asprintf(&line, "%s %s/%s\n", names[why], dir, name ? name : "-") < 0)
		abort();
	strbuf_pushchars(&r->text, line);
	free(line);
}

TEST(report_callback_for_depmod)
{
	char *root = test_tmpdir();
	char *d = join(root, "d");
	const char *paths[] = { d, NULL };
	struct report_log r;
	struct conf_file *files;
	size_t n;
	char *expected;

	strbuf_init(&r.text);
	touch(d, "a.conf", "");
	touch(d, "readme", "");
	touch(d, ".hidden", "");
	touch(d, "dir.conf/x", "");
	CHECK_INT_EQ(conffiles_list_report(paths, NULL, depmod_like_report, &r, &files,
					   &n),
		     0);
	CHECK_INT_EQ(n, 1);
	CHECK(asprintf(&expected, "notconf %s/readme\n", d) > 0);
	CHECK(strstr(strbuf_str(&r.text), expected) != NULL);
	free(expected);
	CHECK(asprintf(&expected, "subdir %s/dir.conf\n", d) > 0);
	CHECK(strstr(strbuf_str(&r.text), expected) != NULL);
	free(expected);
	/* dot-files are never reported */
	CHECK(strstr(strbuf_str(&r.text), ".hidden") == NULL);
	conffiles_free(files, n);
	/* no callback: silent */
	CHECK_INT_EQ(conffiles_list_report(paths, NULL, NULL, NULL, &files, &n), 0);
	CHECK_INT_EQ(n, 1);
	conffiles_free(files, n);
	strbuf_release(&r.text);
	return 0;
}

TEST(empty_and_null_inputs)
{
	struct conf_file *files = NULL;
	const char *paths[] = { "/nonexistent/modprobe.d", NULL };
	size_t n = 99;

	CHECK_INT_EQ(conffiles_list(NULL, paths, NULL, &files, &n), 0);
	CHECK_INT_EQ(n, 0);
	conffiles_free(files, n);
	CHECK_INT_EQ(conffiles_list(NULL, NULL, NULL, &files, &n), 0);
	CHECK_INT_EQ(n, 0);
	conffiles_free(files, n);
	return 0;
}

TEST(stamps_are_mtimes)
{
	char *root = test_tmpdir();
	char *d = join(root, "d");
	char *f = join(d, "a.conf");
	const char *paths[] = { d, NULL };
	struct conf_file *files;
	struct stat st;
	size_t n;

	touch(d, "a.conf", "x");
	CHECK(stat(f, &st) == 0);
	CHECK_INT_EQ(conffiles_list(NULL, paths, NULL, &files, &n), 0);
	CHECK_INT_EQ(n, 1);
	CHECK(files[0].stamp == stat_mstamp(&st));
	conffiles_free(files, n);
	return 0;
}

/* ---- hostile entries ------------------------------------------------------------ */

/* A bound UNIX socket at path (the process keeps the descriptor until it ends). */
static void make_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
		abort();
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		abort();
}

TEST(regfile_open_refuses_special_files)
{
	char *root = test_tmpdir();
	char *fifo = join(root, "fifo"), *zero = join(root, "zero"),
	     *null = join(root, "null"), *reg = join(root, "reg"),
	     *sock = join(root, "s");
	struct stat st;
	int fd;

	CHECK(mkfifo(fifo, 0644) == 0);
	CHECK(symlink("/dev/zero", zero) == 0);
	CHECK(symlink("/dev/null", null) == 0);
	make_socket(sock);
	touch(root, "reg", "text\n");

	/* none of these blocks or is opened */
	CHECK_INT_EQ(regfile_open(fifo, 0, &st), -EINVAL);
	CHECK_INT_EQ(regfile_open(fifo, REGFILE_DEVNULL, &st), -EINVAL);
	CHECK_INT_EQ(regfile_open(zero, REGFILE_DEVNULL, &st), -EINVAL);
	CHECK_INT_EQ(regfile_open(sock, 0, &st), -EINVAL);
	CHECK_INT_EQ(regfile_open(null, 0, &st), -EINVAL);
	CHECK_INT_EQ(regfile_open(root, 0, &st), -EISDIR);
	CHECK_INT_EQ(regfile_open(join(root, "missing"), 0, &st), -ENOENT);
	CHECK_STR_EQ(regfile_strerror(-EINVAL), "not a regular file");

	/* /dev/null on request: an empty file */
	fd = regfile_open(null, REGFILE_DEVNULL, &st);
	CHECK(fd >= 0);
	CHECK(S_ISCHR(st.st_mode));
	close(fd);

	/* a regular file: opened in blocking mode */
	fd = regfile_open(reg, 0, &st);
	CHECK(fd >= 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT_EQ(st.st_size, 5);
	CHECK_INT_EQ(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_RDONLY);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	return 0;
}

TEST(regfile_read_text_bounded)
{
	char *root = test_tmpdir();
	char *reg = join(root, "reg"), *big = join(root, "big"),
	     *fifo = join(root, "fifo");
	char *data = NULL;
	size_t size = 0;
	int fd;

	touch(root, "reg", "a\nb\n");
	CHECK_INT_EQ(regfile_read_text(reg, &data, &size), 0);
	CHECK_INT_EQ(size, 4);
	CHECK_STR_EQ(data, "a\nb\n");
	free(data);
	touch(root, "empty", "");
	CHECK_INT_EQ(regfile_read_text(join(root, "empty"), &data, &size), 0);
	CHECK_INT_EQ(size, 0);
	CHECK_STR_EQ(data, "");
	free(data);

	/* sparse: nothing is read, the size alone refuses it */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (off_t)REGFILE_TEXT_MAX + 1) == 0);
	close(fd);
	CHECK_INT_EQ(regfile_read_text(big, &data, &size), -EFBIG);
	CHECK(mkfifo(fifo, 0644) == 0);
	CHECK_INT_EQ(regfile_read_text(fifo, &data, &size), -EINVAL);
	return 0;
}

/* The special files are listed like any file: masking is by name. */
TEST(special_entries_listed_by_name)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *hi = join(root, "hi"), *lo = join(root, "lo");
	const char *paths[] = { hi, lo, NULL };
	struct conf_file *files;
	size_t n;

	touch(lo, "fifo.conf", "");
	touch(lo, "null.conf", "");
	touch(lo, "zero.conf", "");
	CHECK(mkdir(hi, 0755) == 0);
	CHECK(mkfifo(join(hi, "fifo.conf"), 0644) == 0);
	CHECK(symlink("/dev/null", join(hi, "null.conf")) == 0);
	CHECK(symlink("/dev/zero", join(hi, "zero.conf")) == 0);
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root), "fifo.conf=hi/fifo.conf\n"
					       "null.conf=hi/null.conf\n"
					       "zero.conf=hi/zero.conf\n");
	CHECK_STR_EQ(logged(), "");
	conffiles_free(files, n);
	return 0;
}

/* One directory reached twice (a symlink, or named again) is read once. */
TEST(directory_read_once_by_identity)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d"), *link = join(root, "link");
	const char *paths[] = { d, link, d, NULL };
	struct conf_file *files;
	char *expected;
	size_t n;

	test_need_feature("logging"); /* checks the library's messages */
	touch(d, "a.conf", "");
	touch(d, "sub.conf/x", "");
	CHECK(symlink("d", link) == 0);
	CHECK_INT_EQ(conffiles_list(ctx, paths, NULL, &files, &n), 0);
	CHECK_STR_EQ(describe(files, n, root), "a.conf=d/a.conf\n");
	/* the subdirectory is reported once, not once per name of d */
	CHECK(asprintf(&expected,
		       "conf_files_filter_out: Directories inside directories are not "
		       "supported: %s/sub.conf\n",
		       d) > 0);
	CHECK_STR_EQ(logged(), expected);
	free(expected);
	conffiles_free(files, n);
	return 0;
}

/* The aliases of a configuration, one "name modname" per line. */
static char *aliases_of(const struct kmod_config *config)
{
	const struct kmod_list *l;
	struct strbuf b;

	strbuf_init(&b);
	kmod_list_foreach (l, config->aliases) {
		strbuf_pushchars(&b, config_alias_get_name(l));
		strbuf_pushchar(&b, ' ');
		strbuf_pushchars(&b, config_alias_get_modname(l));
		strbuf_pushchar(&b, '\n');
	}
	strbuf_pushchar(&b, '\0');
	return test_keep(strbuf_steal(&b));
}

TEST(config_skips_special_files_and_keeps_masking)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *hi = join(root, "hi"), *lo = join(root, "lo");
	const char *paths[] = { hi, lo, NULL };
	struct kmod_config *config;
	char *expected;

	test_need_feature("logging"); /* checks the library's messages */
	touch(hi, "ok.conf", "alias from-ok ok\n");
	touch(lo, "masked.conf", "alias from-masked masked\n");
	touch(lo, "fifo.conf", "alias from-lo-fifo lo\n");
	touch(lo, "zero.conf", "alias from-lo-zero lo\n");
	CHECK(symlink("/dev/null", join(hi, "masked.conf")) == 0);
	CHECK(mkfifo(join(hi, "fifo.conf"), 0644) == 0);
	CHECK(symlink("/dev/zero", join(hi, "zero.conf")) == 0);
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &config), 0);
	/* /dev/null masks its namesake; the FIFO and /dev/zero are refused, and
	 * (like unreadable files) still hide theirs */
	CHECK_STR_EQ(aliases_of(config), "from_ok ok\n");
	CHECK(asprintf(&expected,
		       "kmod_config_new: %s/fifo.conf: not a regular file, ignoring\n"
		       "kmod_config_new: %s/zero.conf: not a regular file, ignoring\n",
		       hi, hi) > 0);
	CHECK_STR_EQ(logged(), expected);
	free(expected);
	config_free(config);

	/* a single path that is /dev/null is an empty configuration */
	{
		const char *devnull[] = { "/dev/null", NULL };

		strbuf_release(&logbuf);
		CHECK_INT_EQ(config_new_full(ctx, devnull, NULL, &config), 0);
		CHECK_STR_EQ(aliases_of(config), "");
		CHECK_STR_EQ(logged(), "");
		config_free(config);
	}
	return 0;
}

/* modules.softdep/weakdep come from module contents: their directive only. */
TEST(module_dir_files_hold_one_directive)
{
	struct kmod_ctx *ctx = test_ctx();
	char *root = test_tmpdir();
	char *d = join(root, "d"), *moddir = join(root, "mod");
	const char *paths[] = { d, NULL };
	struct kmod_config *config;
	char *expected;

	test_need_feature("logging"); /* checks the library's messages */
	touch(d, "a.conf", "alias conf-alias m\n");
	touch(moddir, "modules.softdep",
	      "# Soft dependencies extracted from modules themselves.\n"
	      "softdep m pre: x\n"
	      "install m echo from-module\n"
	      "alias evil m\n"
	      "options m evil=1\n"
	      "weakdep m y\n");
	touch(moddir, "modules.weakdep",
	      "# Weak dependencies extracted from modules themselves.\n"
	      "weakdep m y\n"
	      "softdep m pre: z\n"
	      "remove m echo from-module\n");
	ctx->dirname = moddir;
	CHECK_INT_EQ(config_new_full(ctx, paths, NULL, &config), 0);
	ctx->dirname = NULL;
	CHECK_STR_EQ(aliases_of(config), "conf_alias m\n");
	CHECK(config->install_commands == NULL);
	CHECK(config->remove_commands == NULL);
	CHECK(config->options == NULL);
	CHECK(config->softdeps != NULL &&
	      kmod_list_next(config->softdeps, config->softdeps) == NULL);
	CHECK(config->weakdeps != NULL &&
	      kmod_list_next(config->weakdeps, config->weakdeps) == NULL);
	CHECK(asprintf(&expected,
		       "kmod_config_parse: %s/modules.softdep line 3: ignoring bad line "
		       "starting with 'install'\n"
		       "kmod_config_parse: %s/modules.softdep line 4: ignoring bad line "
		       "starting with 'alias'\n"
		       "kmod_config_parse: %s/modules.softdep line 5: ignoring bad line "
		       "starting with 'options'\n"
		       "kmod_config_parse: %s/modules.softdep line 6: ignoring bad line "
		       "starting with 'weakdep'\n"
		       "kmod_config_parse: %s/modules.weakdep line 3: ignoring bad line "
		       "starting with 'softdep'\n"
		       "kmod_config_parse: %s/modules.weakdep line 4: ignoring bad line "
		       "starting with 'remove'\n",
		       moddir, moddir, moddir, moddir, moddir, moddir) > 0);
	CHECK_STR_EQ(logged(), expected);
	free(expected);
	config_free(config);
	return 0;
}

TEST_MAIN()
