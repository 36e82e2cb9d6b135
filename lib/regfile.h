/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: file. May use: helpers (macro.h). Used by the file, index and module
 * layers, depmod and the tools.
 *
 * Opening a file whose name came from outside (a configuration directory, the
 * module directory, the command line) where only a regular file makes sense:
 * configuration files, index files, module files.
 *
 * open() itself is the hazard: on a FIFO it waits for a writer forever, and on a
 * device it runs the driver's open routine (a watchdog is armed by that alone),
 * while /dev/zero never ends. So the name is stat()ed first and only a regular
 * file is opened; the open uses O_NONBLOCK in case the name was replaced by a FIFO
 * in between, and the descriptor's own fstat() has the last word. The name being
 * replaced by another regular file in between is harmless and accepted.
 *
 * kmod's masking rule is kept for configuration files: one that is /dev/null
 * (normally a symlink to it) reads as empty and so hides its namesakes; such
 * callers pass REGFILE_DEVNULL. Opening /dev/null has no side effects.
 *
 * Invariants: a descriptor these functions return is of a regular file (or of
 * /dev/null where asked), in blocking mode; on error nothing stays open or
 * allocated.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "macro.h"

/*
 * The largest text file read whole: configuration files, modules.order,
 * modules.devname, modules.builtin.modinfo. Real ones are a few hundred KiB at
 * most; this also bounds the length of a (joined) configuration line.
 */
#define REGFILE_TEXT_MAX (64u << 20)

/*
 * The largest module image accepted, as a file and decompressed: real modules stay
 * far below (the largest of a distribution kernel are under 100 MiB unpacked), so
 * anything beyond is a sparse file, a decompression bomb or garbage, refused before
 * it costs the memory.
 */
#define MODULE_SIZE_MAX ((size_t)512 << 20)

/*
 * First capacity of a decompression buffer for in_size compressed bytes, given a
 * hint of the image size (0: none): the hint, else four times the input (modules
 * compress about 3-4:1), at least a page and at most MODULE_SIZE_MAX.
 */
static inline size_t module_size_guess(size_t in_size, size_t hint)
{
	size_t cap = hint;

	if (cap == 0 && __builtin_mul_overflow(in_size, 4, &cap))
		cap = in_size;
	if (cap < 4096)
		cap = 4096;
	return cap < MODULE_SIZE_MAX ? cap : MODULE_SIZE_MAX;
}

/*
 * Grows a decompression buffer *buf of *cap bytes: doubled, but at most
 * MODULE_SIZE_MAX. -EFBIG when *cap is there already, -ENOMEM; on failure *buf and
 * *cap are unchanged (the caller still owns *buf).
 */
static inline int module_buf_grow(void **buf, size_t *cap)
{
	size_t ncap;
	void *p;

	if (*cap >= MODULE_SIZE_MAX)
		return -EFBIG;
	ncap = *cap > MODULE_SIZE_MAX / 2 ? MODULE_SIZE_MAX : *cap * 2;
	p = realloc(*buf, ncap);
	if (p == NULL)
		return -ENOMEM;
	*buf = p;
	*cap = ncap;
	return 0;
}

/* regfile_open_at() flags */
#define REGFILE_DEVNULL 0x1u /* /dev/null is accepted (an empty file) */

static inline bool regfile_is_devnull(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3;
}

static inline bool regfile_acceptable(const struct stat *st, unsigned int flags)
{
	return S_ISREG(st->st_mode) ||
	       ((flags & REGFILE_DEVNULL) != 0 && regfile_is_devnull(st));
}

/*
 * Opens path (relative to dirfd, or AT_FDCWD) read-only and close-on-exec, in
 * blocking mode, and fills *st from the descriptor. Returns the descriptor, or a
 * negative errno: -EISDIR for a directory, -EINVAL for anything else that is not
 * a regular file (FIFO, socket, device); callers word that as "not a regular file".
 */
static inline int regfile_open_at(int dirfd, const char *path, unsigned int flags,
				  struct stat *st)
{
	struct stat before;
	_cleanup_close_ int fd = -1;
	int fl;

	if (fstatat(dirfd, path, &before, 0) < 0)
		return -errno;
	if (S_ISDIR(before.st_mode))
		return -EISDIR;
	if (!regfile_acceptable(&before, flags))
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0)
		return -errno;
	if (!regfile_acceptable(st, flags))
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	return TAKE_FD(fd);
}

static inline int regfile_open(const char *path, unsigned int flags, struct stat *st)
{
	return regfile_open_at(AT_FDCWD, path, flags, st);
}

/* The text for a regfile_open_at() error: "not a regular file" for -EINVAL. */
static inline const char *regfile_strerror(int err)
{
	return err == -EINVAL ? "not a regular file" : strerror(-err);
}

/*
 * Reads a whole regular file of at most REGFILE_TEXT_MAX bytes (-EFBIG beyond)
 * into a malloc'd, NUL-terminated buffer. Errors as regfile_open_at().
 */
static inline int regfile_read_text(const char *path, char **data, size_t *size)
{
	struct stat st;
	size_t used = 0, cap;
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = regfile_open(path, 0, &st);

	if (fd < 0)
		return fd;
	if (st.st_size > (off_t)REGFILE_TEXT_MAX)
		return -EFBIG;
	/* the size is a hint only: the file may change while it is read */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (used + 1 == cap) {
			size_t ncap = cap < 4096 ? 4096 : cap * 2;
			char *p;

			if (cap > REGFILE_TEXT_MAX)
				return -EFBIG;
			p = realloc(buf, ncap);
			if (p == NULL)
				return -ENOMEM;
			buf = p;
			cap = ncap;
		}
		r = read(fd, buf + used, cap - 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	*data = TAKE_PTR(buf);
	*size = used;
	return 0;
}
