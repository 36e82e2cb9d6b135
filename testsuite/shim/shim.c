// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-shim.so, path half: when MODKIT_ROOT is set, every absolute path under one of
 * the system locations kmod looks at (module trees, configuration directories,
 * /proc/modules, /proc/cmdline, /sys/module) is served from the same path inside
 * $MODKIT_ROOT instead. Everything else (system libraries, /proc/self, /dev, the test's
 * own temporary files) is untouched.
 *
 * The shim replaces the libc entry points by name and forwards to the next definition
 * found with dlsym(RTLD_NEXT) (libc, or a sanitizer's interceptor sitting in front of
 * it). glibc calls its own internals directly, so each entry point that opens a path
 * internally (fopen, opendir, scandir, mkstemp...) is replaced as well, not just open.
 *
 * uname() reports $MODKIT_UNAME_R as the release when that variable is set.
 *
 * MODKIT_ROOT must be an absolute path: it is joined as is in front of the program's
 * path, and a relative root would move with the program's working directory.
 */

/* We define open/stat/... themselves, so the headers must not rename them. */
#undef _FILE_OFFSET_BITS
#undef _TIME_BITS

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "shim.h"

void *shim_resolve(void **slot, const char *name, bool required)
{
	void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (p == NULL) {
		p = dlsym(RTLD_NEXT, name);
		if (p != NULL) {
			__atomic_store_n(slot, p, __ATOMIC_RELEASE);
		} else if (required) {
			static const char msg[] = "modkit-shim: no next definition of ";

			/* no stdio: we may be inside it */
			if (write(2, msg, sizeof(msg) - 1) < 0 ||
			    write(2, name, strlen(name)) < 0 || write(2, "\n", 1) < 0) {
				/* aborting anyway */
			}
			abort();
		}
	}
	return p;
}

const char *shim_root(void)
{
	const char *r = getenv("MODKIT_ROOT");

	return r != NULL && r[0] != '\0' ? r : NULL;
}

/* Exact prefixes: a path matches one when it is equal to it or continues with '/'. */
static const char *const redirected_prefixes[] = {
	"/lib/modules",
	"/lib/modprobe.d",
	"/lib/depmod.d",
	"/usr/lib/modprobe.d",
	"/usr/lib/depmod.d",
	"/usr/local/lib/modprobe.d",
	"/usr/local/lib/depmod.d",
	"/etc/modprobe.d",
	"/etc/depmod.d",
	"/run/modprobe.d",
	"/run/depmod.d",
	"/proc/modules",
	"/proc/cmdline",
	"/sys/module",
};

/* Collapses "//" and "/./" so that "/lib//modules" cannot slip past the prefix test. */
static int normalise(const char *path, char out[PATH_MAX])
{
	size_t o = 0;

	for (const char *s = path; *s;) {
		if (s[0] == '/' &&
		    (s[1] == '/' || (s[1] == '.' && (s[2] == '/' || !s[2])))) {
			s += s[1] == '/' ? 1 : 2;
			continue;
		}
		if (o + 1 >= PATH_MAX)
			return -ENAMETOOLONG;
		out[o++] = *s++;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

static const char *matching_prefix(const char *norm)
{
	for (size_t i = 0;
	     i < sizeof(redirected_prefixes) / sizeof(redirected_prefixes[0]); i++) {
		const char *p = redirected_prefixes[i];
		size_t n = strlen(p);

		if (strncmp(norm, p, n) == 0 && (norm[n] == '\0' || norm[n] == '/'))
			return p;
	}
	return NULL;
}

REAL_SLOT(access);

const char *shim_redirect(const char *path, char buf[PATH_MAX])
{
	const char *root = shim_root();
	char norm[PATH_MAX];
	const char *prefix;
	size_t rlen;
	int n;

	if (path == NULL) {
		errno = EFAULT;
		return NULL;
	}
	if (root == NULL || path[0] != '/')
		return path;
	if (normalise(path, norm) < 0) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	prefix = matching_prefix(norm);
	if (prefix == NULL)
		return path;
	rlen = strlen(root);
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	n = snprintf(buf, PATH_MAX, "%.*s%s", (int)rlen, root, norm);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	/* Tests must never see the machine's command line: a fixture without one has an
	 * empty one. */
	if (strcmp(prefix, "/proc/cmdline") == 0) {
		int saved = errno;

		if (REAL(access)(buf, F_OK) < 0)
			snprintf(buf, PATH_MAX, "/dev/null");
		errno = saved;
	}
	return buf;
}

/* ---- internal file helpers (real paths, no redirection) ---------------------- */

REAL_SLOT(open);
REAL_SLOT(mkdir);
REAL_SLOT(opendir);
REAL_SLOT(unlink);
REAL_SLOT(rmdir);
REAL_SLOT(lstat);

int shim_open(const char *path, int flags, mode_t mode)
{
	return REAL(open)(path, flags | O_CLOEXEC, mode);
}

int shim_read_file(const char *path, char **data, size_t *len)
{
	size_t size = 4096, used = 0;
	char *buf;
	int fd = shim_open(path, O_RDONLY, 0);

	if (fd < 0)
		return -errno;
	buf = malloc(size);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (used + 1 >= size) {
			char *tmp = realloc(buf, size * 2);

			if (tmp == NULL) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = tmp;
			size *= 2;
		}
		r = read(fd, buf + used, size - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		used += r;
	}
	close(fd);
	buf[used] = '\0';
	*data = buf;
	if (len)
		*len = used;
	return 0;
}

int shim_write_file(const char *path, const void *data, size_t len)
{
	size_t done = 0;
	int fd = shim_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t w = write(fd, (const char *)data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		done += w;
	}
	return close(fd) < 0 ? -errno : 0;
}

int shim_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *s = buf + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (REAL(mkdir)(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int shim_rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (REAL(lstat)(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return REAL(unlink)(path) < 0 ? -errno : 0;
	d = REAL(opendir)(path);
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub)) {
			r = -ENAMETOOLONG;
			continue;
		}
		int k = shim_rm_rf(sub);

		if (k < 0)
			r = k;
	}
	closedir(d);
	if (REAL(rmdir)(path) < 0)
		return -errno;
	return r;
}

/* ---- replaced libc entry points ---------------------------------------------- */

/* Declares `const char *var` = redirected path, returning `fail` if it is too long. */
#define REDIRECT(var, path, fail)                           \
	char var##_buf[PATH_MAX];                           \
	const char *var = shim_redirect((path), var##_buf); \
	if (var == NULL)                                    \
	return fail

static bool open_needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define OPEN_MODE(flags, mode)                     \
	do {                                       \
		if (open_needs_mode(flags)) {      \
			va_list ap;                \
			va_start(ap, flags);       \
			mode = va_arg(ap, mode_t); \
			va_end(ap);                \
		}                                  \
	} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	REDIRECT(p, path, -1);
	return REAL(open)(p, flags, mode);
}

REAL_SLOT(open64);
int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	REDIRECT(p, path, -1);
	return REAL(open64)(p, flags, mode);
}

REAL_SLOT(openat);
int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	REDIRECT(p, path, -1);
	return REAL(openat)(dirfd, p, flags, mode);
}

REAL_SLOT(openat64);
int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	REDIRECT(p, path, -1);
	return REAL(openat64)(dirfd, p, flags, mode);
}

/* _FORTIFY_SOURCE variants. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

REAL_SLOT(__open_2);
int __open_2(const char *path, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(__open_2)(p, flags);
}

REAL_SLOT(__open64_2);
int __open64_2(const char *path, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(__open64_2)(p, flags);
}

REAL_SLOT(__openat_2);
int __openat_2(int dirfd, const char *path, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(__openat_2)(dirfd, p, flags);
}

REAL_SLOT(__openat64_2);
int __openat64_2(int dirfd, const char *path, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(__openat64_2)(dirfd, p, flags);
}

REAL_SLOT(creat);
int creat(const char *path, mode_t mode)
{
	REDIRECT(p, path, -1);
	return REAL(creat)(p, mode);
}

REAL_SLOT(creat64);
int creat64(const char *path, mode_t mode)
{
	REDIRECT(p, path, -1);
	return REAL(creat64)(p, mode);
}

REAL_SLOT(fopen);
FILE *fopen(const char *path, const char *mode)
{
	REDIRECT(p, path, NULL);
	return REAL(fopen)(p, mode);
}

REAL_SLOT(fopen64);
FILE *fopen64(const char *path, const char *mode)
{
	REDIRECT(p, path, NULL);
	return REAL(fopen64)(p, mode);
}

REAL_SLOT(freopen);
FILE *freopen(const char *path, const char *mode, FILE *stream)
{
	REDIRECT(p, path, NULL);
	return REAL(freopen)(p, mode, stream);
}

REAL_SLOT(freopen64);
FILE *freopen64(const char *path, const char *mode, FILE *stream)
{
	REDIRECT(p, path, NULL);
	return REAL(freopen64)(p, mode, stream);
}

REAL_SLOT(stat);
int stat(const char *path, struct stat *st)
{
	REDIRECT(p, path, -1);
	return REAL(stat)(p, st);
}

REAL_SLOT(stat64);
int stat64(const char *path, struct stat64 *st)
{
	REDIRECT(p, path, -1);
	return REAL(stat64)(p, st);
}

int lstat(const char *path, struct stat *st)
{
	REDIRECT(p, path, -1);
	return REAL(lstat)(p, st);
}

REAL_SLOT(lstat64);
int lstat64(const char *path, struct stat64 *st)
{
	REDIRECT(p, path, -1);
	return REAL(lstat64)(p, st);
}

REAL_SLOT(fstatat);
int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(fstatat)(dirfd, p, st, flags);
}

REAL_SLOT(fstatat64);
int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(fstatat64)(dirfd, p, st, flags);
}

/*
 * Pre-2.33 glibc compiled stat() into calls to __xstat(version, ...). New glibc keeps
 * these only as compat symbols that dlsym() may not find; on x86_64 the versioned
 * struct is the plain struct stat, so the modern call serves them.
 */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);

#if defined(__x86_64__)
#define XSTAT_FALLBACK(call) return call
#else
#define XSTAT_FALLBACK(call)    \
	do {                    \
		errno = ENOSYS; \
		return -1;      \
	} while (0)
#endif

REAL_SLOT(__xstat);
int __xstat(int ver, const char *path, struct stat *st)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__xstat) != NULL)
		return REAL_OPT(__xstat)(ver, p, st);
	XSTAT_FALLBACK(REAL(stat)(p, st));
}

REAL_SLOT(__xstat64);
int __xstat64(int ver, const char *path, struct stat64 *st)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__xstat64) != NULL)
		return REAL_OPT(__xstat64)(ver, p, st);
	XSTAT_FALLBACK(REAL(stat64)(p, st));
}

REAL_SLOT(__lxstat);
int __lxstat(int ver, const char *path, struct stat *st)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__lxstat) != NULL)
		return REAL_OPT(__lxstat)(ver, p, st);
	XSTAT_FALLBACK(REAL(lstat)(p, st));
}

REAL_SLOT(__lxstat64);
int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__lxstat64) != NULL)
		return REAL_OPT(__lxstat64)(ver, p, st);
	XSTAT_FALLBACK(REAL(lstat64)(p, st));
}

REAL_SLOT(__fxstatat);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__fxstatat) != NULL)
		return REAL_OPT(__fxstatat)(ver, dirfd, p, st, flags);
	XSTAT_FALLBACK(REAL(fstatat)(dirfd, p, st, flags));
}

REAL_SLOT(__fxstatat64);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(__fxstatat64) != NULL)
		return REAL_OPT(__fxstatat64)(ver, dirfd, p, st, flags);
	XSTAT_FALLBACK(REAL(fstatat64)(dirfd, p, st, flags));
}

REAL_SLOT(statx);
int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	REDIRECT(p, path, -1);
	if (REAL_OPT(statx) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return REAL_OPT(statx)(dirfd, p, flags, mask, stx);
}

int access(const char *path, int mode)
{
	REDIRECT(p, path, -1);
	return REAL(access)(p, mode);
}

REAL_SLOT(faccessat);
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(faccessat)(dirfd, p, mode, flags);
}

REAL_SLOT(euidaccess);
int euidaccess(const char *path, int mode)
{
	REDIRECT(p, path, -1);
	return REAL(euidaccess)(p, mode);
}

REAL_SLOT(eaccess);
int eaccess(const char *path, int mode)
{
	REDIRECT(p, path, -1);
	return REAL(eaccess)(p, mode);
}

DIR *opendir(const char *path)
{
	REDIRECT(p, path, NULL);
	return REAL(opendir)(p);
}

REAL_SLOT(scandir);
int scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *),
	    int (*compar)(const struct dirent **, const struct dirent **))
{
	REDIRECT(p, path, -1);
	return REAL(scandir)(p, list, filter, compar);
}

REAL_SLOT(scandir64);
int scandir64(const char *path, struct dirent64 ***list,
	      int (*filter)(const struct dirent64 *),
	      int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	REDIRECT(p, path, -1);
	return REAL(scandir64)(p, list, filter, compar);
}

REAL_SLOT(scandirat);
int scandirat(int dirfd, const char *path, struct dirent ***list,
	      int (*filter)(const struct dirent *),
	      int (*compar)(const struct dirent **, const struct dirent **))
{
	REDIRECT(p, path, -1);
	return REAL(scandirat)(dirfd, p, list, filter, compar);
}

REAL_SLOT(scandirat64);
int scandirat64(int dirfd, const char *path, struct dirent64 ***list,
		int (*filter)(const struct dirent64 *),
		int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	REDIRECT(p, path, -1);
	return REAL(scandirat64)(dirfd, p, list, filter, compar);
}

REAL_SLOT(readlink);
ssize_t readlink(const char *path, char *buf, size_t size)
{
	REDIRECT(p, path, -1);
	return REAL(readlink)(p, buf, size);
}

REAL_SLOT(readlinkat);
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	REDIRECT(p, path, -1);
	return REAL(readlinkat)(dirfd, p, buf, size);
}

int mkdir(const char *path, mode_t mode)
{
	REDIRECT(p, path, -1);
	return REAL(mkdir)(p, mode);
}

REAL_SLOT(mkdirat);
int mkdirat(int dirfd, const char *path, mode_t mode)
{
	REDIRECT(p, path, -1);
	return REAL(mkdirat)(dirfd, p, mode);
}

int rmdir(const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(rmdir)(p);
}

int unlink(const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(unlink)(p);
}

REAL_SLOT(unlinkat);
int unlinkat(int dirfd, const char *path, int flags)
{
	REDIRECT(p, path, -1);
	return REAL(unlinkat)(dirfd, p, flags);
}

REAL_SLOT(remove);
int remove(const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(remove)(p);
}

REAL_SLOT(rename);
int rename(const char *from, const char *to)
{
	REDIRECT(f, from, -1);
	REDIRECT(t, to, -1);
	return REAL(rename)(f, t);
}

REAL_SLOT(renameat);
int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	REDIRECT(f, from, -1);
	REDIRECT(t, to, -1);
	return REAL(renameat)(fromfd, f, tofd, t);
}

REAL_SLOT(renameat2);
int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags)
{
	REDIRECT(f, from, -1);
	REDIRECT(t, to, -1);
	if (REAL_OPT(renameat2) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return REAL_OPT(renameat2)(fromfd, f, tofd, t, flags);
}

/* The link's own path is redirected; its target text is stored as given. */
REAL_SLOT(symlink);
int symlink(const char *target, const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(symlink)(target, p);
}

REAL_SLOT(symlinkat);
int symlinkat(const char *target, int dirfd, const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(symlinkat)(target, dirfd, p);
}

REAL_SLOT(link);
int link(const char *from, const char *to)
{
	REDIRECT(f, from, -1);
	REDIRECT(t, to, -1);
	return REAL(link)(f, t);
}

REAL_SLOT(linkat);
int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	REDIRECT(f, from, -1);
	REDIRECT(t, to, -1);
	return REAL(linkat)(fromfd, f, tofd, t, flags);
}

REAL_SLOT(chdir);
int chdir(const char *path)
{
	REDIRECT(p, path, -1);
	return REAL(chdir)(p);
}

REAL_SLOT(chmod);
int chmod(const char *path, mode_t mode)
{
	REDIRECT(p, path, -1);
	return REAL(chmod)(p, mode);
}

REAL_SLOT(truncate);
int truncate(const char *path, off_t len)
{
	REDIRECT(p, path, -1);
	return REAL(truncate)(p, len);
}

REAL_SLOT(truncate64);
int truncate64(const char *path, off64_t len)
{
	REDIRECT(p, path, -1);
	return REAL(truncate64)(p, len);
}

/* Out of line: libc declares most path arguments nonnull, callers may still pass NULL. */
static __attribute__((noinline)) bool is_null(const void *p)
{
	return p == NULL;
}

REAL_SLOT(utimensat);
int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	/* The kernel takes a NULL path as "dirfd itself". */
	if (is_null(path))
		return REAL(utimensat)(dirfd, path, times, flags);
	REDIRECT(p, path, -1);
	return REAL(utimensat)(dirfd, p, times, flags);
}

/*
 * mkstemp() and friends rewrite the template's trailing XXXXXX in place: run them on a
 * redirected copy, then copy the generated characters back into the caller's buffer.
 */
#define MKSTEMP_WRAP(call_real, template, tail)                                \
	do {                                                                   \
		char buf_[PATH_MAX];                                           \
		const char *p_ = shim_redirect((template), buf_);              \
		size_t tl_ = (tail), bl_, ul_;                                 \
		int fd_;                                                       \
		if (p_ == NULL)                                                \
			return -1;                                             \
		if (p_ == (template))                                          \
			return call_real(template);                            \
		bl_ = strlen(buf_);                                            \
		ul_ = strlen(template);                                        \
		if (tl_ > bl_ || tl_ > ul_) {                                  \
			errno = EINVAL;                                        \
			return -1;                                             \
		}                                                              \
		fd_ = call_real(buf_);                                         \
		if (fd_ >= 0)                                                  \
			memcpy((template) + ul_ - tl_, buf_ + bl_ - tl_, tl_); \
		return fd_;                                                    \
	} while (0)

REAL_SLOT(mkstemp);
int mkstemp(char *template)
{
#define CALL(t) REAL(mkstemp)(t)
	MKSTEMP_WRAP(CALL, template, 6);
#undef CALL
}

REAL_SLOT(mkstemp64);
int mkstemp64(char *template)
{
#define CALL(t) REAL(mkstemp64)(t)
	MKSTEMP_WRAP(CALL, template, 6);
#undef CALL
}

REAL_SLOT(mkostemp);
int mkostemp(char *template, int flags)
{
#define CALL(t) REAL(mkostemp)(t, flags)
	MKSTEMP_WRAP(CALL, template, 6);
#undef CALL
}

REAL_SLOT(mkostemp64);
int mkostemp64(char *template, int flags)
{
#define CALL(t) REAL(mkostemp64)(t, flags)
	MKSTEMP_WRAP(CALL, template, 6);
#undef CALL
}

REAL_SLOT(mkstemps);
int mkstemps(char *template, int suffixlen)
{
#define CALL(t) REAL(mkstemps)(t, suffixlen)
	MKSTEMP_WRAP(CALL, template, 6 + (size_t)(suffixlen > 0 ? suffixlen : 0));
#undef CALL
}

REAL_SLOT(mkostemps);
int mkostemps(char *template, int suffixlen, int flags)
{
#define CALL(t) REAL(mkostemps)(t, suffixlen, flags)
	MKSTEMP_WRAP(CALL, template, 6 + (size_t)(suffixlen > 0 ? suffixlen : 0));
#undef CALL
}

REAL_SLOT(mkstemps64);
int mkstemps64(char *template, int suffixlen)
{
#define CALL(t) REAL(mkstemps64)(t, suffixlen)
	MKSTEMP_WRAP(CALL, template, 6 + (size_t)(suffixlen > 0 ? suffixlen : 0));
#undef CALL
}

REAL_SLOT(mkostemps64);
int mkostemps64(char *template, int suffixlen, int flags)
{
#define CALL(t) REAL(mkostemps64)(t, suffixlen, flags)
	MKSTEMP_WRAP(CALL, template, 6 + (size_t)(suffixlen > 0 ? suffixlen : 0));
#undef CALL
}

/*
 * realpath() resolves inside the fixture; the result is mapped back to the path the
 * program would have seen, so the fixture root never leaks into tool output. The
 * shallowest ancestor of the asked path (from its prefix down) whose resolved
 * location contains the result is replaced by its own name: normally the prefix
 * itself, giving exact realpath() semantics inside the fixture, or a deeper one when
 * the fixture links elsewhere (lib/modules/<kver> -> a shared module tree).
 */
REAL_SLOT(realpath);
static void unredirect(const char *orig, char *resolved)
{
	char norm[PATH_MAX];
	const char *prefix;
	size_t plen, end, rlen = strlen(resolved);

	if (normalise(orig, norm) < 0)
		return;
	prefix = matching_prefix(norm);
	if (prefix == NULL)
		return;
	plen = strlen(prefix);
	/* Only ancestors before a ".." component name a place on the resolved path. */
	end = strlen(norm);
	for (char *s = norm + plen; (s = strstr(s, "/..")) != NULL; s++) {
		if (s[3] == '/' || s[3] == '\0') {
			end = s - norm;
			break;
		}
	}
	for (size_t alen = plen; alen <= end;) {
		char anc[PATH_MAX], rbuf[PATH_MAX], real_anc[PATH_MAX];
		const char *ra;

		memcpy(anc, norm, alen);
		anc[alen] = '\0';
		ra = shim_redirect(anc, rbuf);
		if (ra != NULL && REAL(realpath)(ra, real_anc) != NULL) {
			size_t n = strlen(real_anc);

			if (strncmp(resolved, real_anc, n) == 0 &&
			    (resolved[n] == '\0' || resolved[n] == '/')) {
				if (alen + (rlen - n) < PATH_MAX) {
					char out[PATH_MAX];

					memcpy(out, anc, alen);
					memcpy(out + alen, resolved + n, rlen - n + 1);
					memcpy(resolved, out, alen + rlen - n + 1);
				}
				return;
			}
		}
		/* next ancestor: up to the following '/' or the end */
		if (alen == end)
			break;
		alen++;
		while (alen < end && norm[alen] != '/')
			alen++;
	}
}

char *realpath(const char *path, char *resolved)
{
	char buf[PATH_MAX], tmp[PATH_MAX];
	const char *p;
	char *r;

	if (is_null(path))
		return REAL(realpath)(path, resolved);
	p = shim_redirect(path, buf);
	if (p == NULL)
		return NULL;
	if (p == path)
		return REAL(realpath)(path, resolved);
	r = REAL(realpath)(p, tmp);
	if (r == NULL)
		return NULL;
	unredirect(path, tmp);
	if (resolved != NULL) {
		memcpy(resolved, tmp, strlen(tmp) + 1);
		return resolved;
	}
	return strdup(tmp);
}

char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

REAL_SLOT(uname);
int uname(struct utsname *u)
{
	const char *rel = getenv("MODKIT_UNAME_R");
	int r = REAL(uname)(u);

	if (r == 0 && rel != NULL && rel[0] != '\0')
		snprintf(u->release, sizeof(u->release), "%s", rel);
	return r;
}
