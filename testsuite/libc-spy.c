// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modkit-libc-spy.so: an LD_PRELOAD library that stands in front of modkit-shim.so
 * and notes which entry point each module syscall came through, the way a test
 * harness interposing the C library's functions (kmod's own does) would see them.
 *
 * With MODKIT_SPY_LOG set, each call appends one line to that file:
 *   init_module | finit_module | delete_module      the C library's function
 *   syscall init_module | syscall finit_module | syscall delete_module
 * then the call goes on to the next definition (the shim, or the C library).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void note(const char *what)
{
	const char *path = getenv("MODKIT_SPY_LOG");
	int saved = errno, fd;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		size_t len = strlen(what);
		char line[64];

		if (len < sizeof(line)) {
			memcpy(line, what, len);
			line[len] = '\n';
			if (write(fd, line, len + 1) < 0) {
				/* nothing to do: the test sees the line missing */
			}
		}
		close(fd);
	}
	errno = saved;
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int init_module(void *image, unsigned long len, const char *args);
int finit_module(int fd, const char *args, int flags);
int delete_module(const char *name, unsigned int flags);

int init_module(void *image, unsigned long len, const char *args)
{
	int (*fn)(void *, unsigned long, const char *) = next("init_module");

	note("init_module");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(image, len, args);
}

int finit_module(int fd, const char *args, int flags)
{
	int (*fn)(int, const char *, int) = next("finit_module");

	note("finit_module");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(fd, args, flags);
}

int delete_module(const char *name, unsigned int flags)
{
	int (*fn)(const char *, unsigned int) = next("delete_module");

	note("delete_module");
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(name, flags);
}

long syscall(long nr, ...)
{
	long (*fn)(long, ...) = next("syscall");
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_init_module)
		note("syscall init_module");
	else if (nr == SYS_delete_module)
		note("syscall delete_module");
#ifdef SYS_finit_module
	else if (nr == SYS_finit_module)
		note("syscall finit_module");
#endif
	if (fn == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return fn(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
