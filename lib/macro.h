/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers (the lowest). May use: the C library.
 *
 * Small language helpers shared by the library, the tools and the tests.
 * Cleanup attributes make early returns leak-free: a variable declared with
 * _cleanup_free_ is freed when it leaves scope unless TAKE_PTR() moved it out.
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KMOD_EXPORT __attribute__((visibility("default")))
#define _printf_(fmt, args) __attribute__((format(printf, fmt, args)))
#define _unused_ __attribute__((unused))
#define _must_check_ __attribute__((warn_unused_result))
#define _noreturn_ __attribute__((noreturn))
#define _nonnull_(...) __attribute__((nonnull(__VA_ARGS__)))
#define _always_inline_ inline __attribute__((always_inline))
#define _cleanup_(fn) __attribute__((cleanup(fn)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STRLEN(s) (sizeof(s) - 1)
#define XSTRINGIFY(x) #x
#define STRINGIFY(x) XSTRINGIFY(x)

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _taken_ = (p); \
		(p) = NULL;                  \
		_taken_;                     \
	})
#define TAKE_FD(fd)                    \
	({                             \
		int _taken_fd_ = (fd); \
		(fd) = -1;             \
		_taken_fd_;            \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool strstartswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Checked size arithmetic: true on overflow. */
#define uadd_overflow(a, b, res) __builtin_add_overflow(a, b, res)
#define umul_overflow(a, b, res) __builtin_mul_overflow(a, b, res)
