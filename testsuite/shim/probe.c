// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * shim-probe: runs one libc call named on the command line so that test-shim can
 * watch modkit-shim.so intercept it in a child process. Built twice: shim-probe with
 * 64-bit file offsets (calls open64, stat64, ...) and shim-probe-nolfs without (calls
 * open, stat, ...). Prints the result on stdout; a failure prints "ERR <ERRNAME>" and
 * exits 1.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* glibc exports these without declaring them. */
int init_module(void *image, unsigned long len, const char *args);
int delete_module(const char *name, unsigned int flags);

static int fail(void)
{
	const char *n = strerrorname_np(errno);

	printf("ERR %s\n", n ? n : "?");
	return 1;
}

static int result(long r)
{
	if (r < 0)
		return fail();
	printf("ok\n");
	return 0;
}

static int cat_fd(int fd)
{
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return fail();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return n < 0 ? fail() : 0;
}

static int print_stat(int r, const struct stat *st)
{
	if (r < 0)
		return fail();
	printf("%c %lld\n",
	       S_ISLNK(st->st_mode) ? 'l' :
	       S_ISDIR(st->st_mode) ? 'd' :
	       S_ISREG(st->st_mode) ? 'f' :
				      'o',
	       (long long)st->st_size);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char *names[1024];
	size_t n = 0;

	if (d == NULL)
		return fail();
	while ((de = readdir(d)) != NULL && n < 1024)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf("%s\n", names[i]);
		free(names[i]);
	}
	return 0;
}

static int skip_dots(const struct dirent *de)
{
	return strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
}

static int read_whole(const char *path, void **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (f == NULL)
		return -1;
	buf = malloc(cap);
	for (;;) {
		size_t r;

		if (n == cap)
			buf = realloc(buf, cap *= 2);
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

struct thread_arg {
	const char *path;
	long r;
	int err;
};

static void *finit_thread(void *p)
{
	struct thread_arg *a = p;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC);

	a->r = fd < 0 ? -1 : syscall(SYS_finit_module, fd, "", 0);
	a->err = errno;
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *a = argc > 2 ? argv[2] : NULL;
	const char *b = argc > 3 ? argv[3] : NULL;
	const char *c = argc > 4 ? argv[4] : NULL;
	struct stat st;

	if (strcmp(cmd, "open") == 0)
		return cat_fd(open(a, O_RDONLY));
	if (strcmp(cmd, "openat") == 0)
		return cat_fd(openat(AT_FDCWD, a, O_RDONLY));
	if (strcmp(cmd, "openat-dir") == 0) {
		/* relative to a directory opened through the shim */
		int dfd = open(a, O_RDONLY | O_DIRECTORY);

		if (dfd < 0)
			return fail();
		return cat_fd(openat(dfd, b, O_RDONLY));
	}
	if (strcmp(cmd, "fopen") == 0) {
		FILE *f = fopen(a, "r");
		char buf[4096];
		size_t n;

		if (f == NULL)
			return fail();
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(f);
		return 0;
	}
	if (strcmp(cmd, "stat") == 0)
		return print_stat(stat(a, &st), &st);
	if (strcmp(cmd, "lstat") == 0)
		return print_stat(lstat(a, &st), &st);
	if (strcmp(cmd, "fstatat") == 0)
		return print_stat(fstatat(AT_FDCWD, a, &st, AT_SYMLINK_NOFOLLOW), &st);
	if (strcmp(cmd, "statx") == 0) {
		struct statx sx;

		if (statx(AT_FDCWD, a, 0, STATX_SIZE, &sx) < 0)
			return fail();
		printf("%llu\n", (unsigned long long)sx.stx_size);
		return 0;
	}
	if (strcmp(cmd, "access") == 0)
		return result(access(a, R_OK));
	if (strcmp(cmd, "faccessat") == 0)
		return result(faccessat(AT_FDCWD, a, R_OK, 0));
	if (strcmp(cmd, "opendir") == 0)
		return list_dir(a);
	if (strcmp(cmd, "scandir") == 0) {
		struct dirent **list;
		int n = scandir(a, &list, skip_dots, alphasort);

		if (n < 0)
			return fail();
		for (int i = 0; i < n; i++) {
			printf("%s\n", list[i]->d_name);
			free(list[i]);
		}
		free(list);
		return 0;
	}
	if (strcmp(cmd, "readlink") == 0) {
		char buf[PATH_MAX];
		ssize_t n = readlink(a, buf, sizeof(buf) - 1);

		if (n < 0)
			return fail();
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	if (strcmp(cmd, "realpath") == 0) {
		char *r = realpath(a, NULL);

		if (r == NULL)
			return fail();
		printf("%s\n", r);
		free(r);
		return 0;
	}
	if (strcmp(cmd, "mkdir") == 0)
		return result(mkdir(a, 0755));
	if (strcmp(cmd, "rmdir") == 0)
		return result(rmdir(a));
	if (strcmp(cmd, "unlink") == 0)
		return result(unlink(a));
	if (strcmp(cmd, "rename") == 0)
		return result(rename(a, b));
	if (strcmp(cmd, "renameat") == 0)
		return result(renameat(AT_FDCWD, a, AT_FDCWD, b));
	if (strcmp(cmd, "symlink") == 0)
		return result(symlink(a, b));
	if (strcmp(cmd, "create") == 0) {
		/* create PATH CONTENT */
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || write(fd, b, strlen(b)) < 0)
			return fail();
		return result(close(fd));
	}
	if (strcmp(cmd, "mkstemp") == 0) {
		char tmpl[PATH_MAX];
		int fd;

		snprintf(tmpl, sizeof(tmpl), "%s", a);
		fd = mkstemp(tmpl);
		if (fd < 0)
			return fail();
		close(fd);
		printf("%s\n", tmpl);
		return 0;
	}
	if (strcmp(cmd, "creat") == 0) {
		int fd = creat(a, 0600);

		if (fd < 0 || write(fd, b, strlen(b)) < 0)
			return fail();
		return result(close(fd));
	}
	if (strcmp(cmd, "link") == 0)
		return result(link(a, b));
	if (strcmp(cmd, "linkat") == 0)
		return result(linkat(AT_FDCWD, a, AT_FDCWD, b, 0));
	if (strcmp(cmd, "truncate") == 0)
		return result(truncate(a, strtol(b, NULL, 10)));
	if (strcmp(cmd, "chmod") == 0)
		return result(chmod(a, (mode_t)strtol(b, NULL, 8)));
	if (strcmp(cmd, "remove") == 0)
		return result(remove(a));
	if (strcmp(cmd, "mkdirat") == 0)
		return result(mkdirat(AT_FDCWD, a, 0755));
	if (strcmp(cmd, "unlinkat") == 0)
		return result(
			unlinkat(AT_FDCWD, a,
				 strcmp(b ? b : "", "dir") == 0 ? AT_REMOVEDIR : 0));
	if (strcmp(cmd, "utimensat") == 0) {
		struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

		if (utimensat(AT_FDCWD, a, ts, 0) < 0 || stat(a, &st) < 0)
			return fail();
		printf("%lld\n", (long long)st.st_mtime);
		return 0;
	}
	if (strcmp(cmd, "euidaccess") == 0)
		return result(euidaccess(a, R_OK));
	if (strcmp(cmd, "readlinkat") == 0) {
		char buf[PATH_MAX];
		ssize_t n = readlinkat(AT_FDCWD, a, buf, sizeof(buf) - 1);

		if (n < 0)
			return fail();
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	if (strcmp(cmd, "scandirat") == 0) {
		struct dirent **list;
		int n = scandirat(AT_FDCWD, a, &list, skip_dots, alphasort);

		if (n < 0)
			return fail();
		for (int i = 0; i < n; i++) {
			printf("%s\n", list[i]->d_name);
			free(list[i]);
		}
		free(list);
		return 0;
	}
	if (strcmp(cmd, "mkostemps") == 0) {
		/* mkostemps TEMPLATE-with-suffix SUFFIXLEN */
		char tmpl[PATH_MAX];
		int fd;

		snprintf(tmpl, sizeof(tmpl), "%s", a);
		fd = mkostemps(tmpl, atoi(b), O_CLOEXEC);
		if (fd < 0)
			return fail();
		close(fd);
		printf("%s\n", tmpl);
		return 0;
	}
	if (strcmp(cmd, "freopen") == 0) {
		FILE *f = freopen(a, "r", stdin);
		char buf[4096];
		size_t n;

		if (f == NULL)
			return fail();
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stdout);
		return 0;
	}
	if (strcmp(cmd, "canonicalize") == 0) {
		char *r = canonicalize_file_name(a);

		if (r == NULL)
			return fail();
		printf("%s\n", r);
		free(r);
		return 0;
	}
	if (strcmp(cmd, "chdir") == 0) {
		/* chdir DIR FILE: open FILE relative to the new working directory */
		if (chdir(a) < 0)
			return fail();
		return cat_fd(open(b, O_RDONLY));
	}
	if (strcmp(cmd, "xstat") == 0) {
		/* pre-2.33 binaries call these; new glibc only has compat versions */
		int (*xs)(int, const char *, struct stat *) = (int (*)(
			int, const char *, struct stat *))dlsym(RTLD_DEFAULT, "__xstat");
		int (*lxs)(int, const char *, struct stat *) = (int (*)(
			int, const char *, struct stat *))dlsym(RTLD_DEFAULT, "__lxstat");
		int (*fxs)(int, int, const char *, struct stat *,
			   int) = (int (*)(int, int, const char *, struct stat *,
					   int))dlsym(RTLD_DEFAULT, "__fxstatat");

		if (xs == NULL || lxs == NULL || fxs == NULL) {
			printf("missing\n");
			return 2;
		}
		if (print_stat(xs(1, a, &st), &st) || print_stat(lxs(1, a, &st), &st) ||
		    print_stat(fxs(1, AT_FDCWD, a, &st, 0), &st))
			return 1;
		return 0;
	}
	if (strcmp(cmd, "uname") == 0) {
		struct utsname u;

		if (uname(&u) < 0)
			return fail();
		printf("%s %s %s\n", u.sysname, u.release, u.machine);
		return 0;
	}
	if (strcmp(cmd, "finit") == 0) {
		/* finit FILE ARGS FLAGS; FILE "-" means fd -1 */
		int fd = strcmp(a, "-") == 0 ? -1 : open(a, O_RDONLY | O_CLOEXEC);

		if (fd < 0 && strcmp(a, "-") != 0)
			return fail();
		return result(syscall(SYS_finit_module, fd, b, (int)strtol(c, NULL, 0)));
	}
	if (strcmp(cmd, "finit-wrapper") == 0) {
		int (*fn)(int, const char *,
			  int) = (int (*)(int, const char *, int))dlsym(RTLD_DEFAULT,
									"finit_module");
		int fd = open(a, O_RDONLY | O_CLOEXEC);

		if (fn == NULL) {
			printf("no finit_module\n");
			return 2;
		}
		if (fd < 0)
			return fail();
		return result(fn(fd, b, (int)strtol(c, NULL, 0)));
	}
	if (strcmp(cmd, "init") == 0 || strcmp(cmd, "init-wrapper") == 0) {
		void *img;
		size_t len;

		if (read_whole(a, &img, &len) < 0)
			return fail();
		long r;
		int e;

		if (strcmp(cmd, "init") == 0)
			r = syscall(SYS_init_module, img, len, b);
		else
			r = init_module(img, len, b);
		e = errno;
		free(img);
		errno = e;
		return result(r);
	}
	if (strcmp(cmd, "init-mutate") == 0) {
		/* init-mutate FILE N: N hostile variants of the image through init_module */
		unsigned long long x = 0x9e3779b97f4a7c15ull;
		int n = atoi(b), bad = 0;
		unsigned char *img, *copy;
		size_t len, shoff;

		if (read_whole(a, (void **)&img, &len) < 0 || len < 64)
			return fail();
		shoff = (size_t)img[0x28] | (size_t)img[0x29] << 8 |
			(size_t)img[0x2a] << 16;
		copy = malloc(len);
		for (int i = 0; i < n; i++) {
			size_t l = len;
			int kind;

#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
			memcpy(copy, img, len);
			kind = RND() % 5;
			for (int k = 0; k < 1 + (int)(RND() % 8); k++) {
				size_t at = kind == 1 ? RND() % 64 :
					    kind == 2 && shoff < len ?
							shoff + RND() % (len - shoff) :
							RND() % len;
				copy[at] = kind == 3 ? 0xff : (unsigned char)RND();
			}
			if (kind == 4)
				l = RND() % len;
#undef RND
			/* the result does not matter, only that nothing breaks */
			if (syscall(SYS_init_module, copy, l, "") < 0 && errno == 0)
				bad++;
		}
		free(copy);
		free(img);
		printf("done %d\n", n - bad);
		return 0;
	}
	if (strcmp(cmd, "delete") == 0)
		return result(
			syscall(SYS_delete_module, a, (unsigned)strtoul(b, NULL, 0)));
	if (strcmp(cmd, "delete-wrapper") == 0)
		return result(delete_module(a, (unsigned)strtoul(b, NULL, 0)));
	if (strcmp(cmd, "getpid") == 0) {
		printf("%s\n", syscall(SYS_getpid) == getpid() ? "same" : "different");
		return 0;
	}
	if (strcmp(cmd, "asan") == 0) {
		printf("%s\n", dlsym(RTLD_DEFAULT, "__asan_init") ? "asan" : "plain");
		return 0;
	}
	if (strcmp(cmd, "finit-threads") == 0) {
		/* finit-threads FILE... : one thread per file, all started at once */
		int n = argc - 2, bad = 0;
		pthread_t *t = calloc(n, sizeof(*t));
		struct thread_arg *ta = calloc(n, sizeof(*ta));

		for (int i = 0; i < n; i++) {
			ta[i].path = argv[2 + i];
			pthread_create(&t[i], NULL, finit_thread, &ta[i]);
		}
		for (int i = 0; i < n; i++) {
			pthread_join(t[i], NULL);
			if (ta[i].r < 0) {
				printf("%s: %s\n", ta[i].path,
				       strerrorname_np(ta[i].err));
				bad++;
			}
		}
		free(t);
		free(ta);
		printf("%d failed\n", bad);
		return bad ? 1 : 0;
	}
	fprintf(stderr, "unknown command '%s'\n", cmd);
	return 2;
}
