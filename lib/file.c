// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module files. The compression of a file is told by its first bytes, never by its
 * name (formats.md 5):
 *
 *   28 B5 2F FD         zstd frame
 *   FD 37 7A 58 5A 00   xz stream
 *   1F 8B               gzip member
 *   anything else       plain ELF image
 *
 * A plain image is mapped read-only; a compressed one is decompressed whole into
 * memory, because ELF and signature parsing need random access to all of it. The
 * descriptor stays open for finit_module().
 *
 * A compressed file whose decompressor is absent (compiled out, or its library
 * missing at run time) fails with -ENOSYS and an error naming the file and the
 * library: the caller must not mistake it for a module without contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-dl.h"
#include "file.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"

#define FILE_MAGIC_LEN 6

struct kmod_file {
	const struct kmod_ctx *ctx;
	int fd;
	enum kmod_file_compression_type compression;
	bool loaded;
	bool mapped; /* memory is an mmap() of the file, else malloc'd */
	void *memory;
	size_t size;
	char path[]; /* as given to file_open(), for messages */
};

/* Reads up to len bytes from offset 0; returns the count (short only at the end
 * of the file) or -errno. */
static ssize_t pread_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* A format compiled out still has its decompressor, which says -ENOSYS: callers
 * outside this file (kernel images in src/verify.c) call them directly. */
#define FILE_DECOMPRESS_ABSENT(fmt)                                             \
	int file_decompress_##fmt(const struct kmod_ctx *ctx, const void *in,   \
				  size_t in_size, void **out, size_t *out_size) \
	{                                                                       \
		return -ENOSYS;                                                 \
	}
#if !ENABLE_ZSTD
FILE_DECOMPRESS_ABSENT(zstd)
#endif
#if !ENABLE_XZ
FILE_DECOMPRESS_ABSENT(xz)
#endif
#if !ENABLE_ZLIB
FILE_DECOMPRESS_ABSENT(zlib)
#endif

/* The library of a format's decoder, or for one compiled out of this build
 * (ENABLE_<LIB> is 0) none and the text that file_decompressor_missing() gives
 * instead. (The _ level expands ENABLE_<LIB> to its value before it is pasted.) */
#define FILE_LIBRARY(enabled, dl, label, soname) FILE_LIBRARY_(enabled, dl, label, soname)
#define FILE_LIBRARY_(enabled, dl, label, soname) \
	FILE_LIBRARY_##enabled(dl, label, soname)
#define FILE_LIBRARY_1(dl, label, soname) &dl, NULL
#define FILE_LIBRARY_0(dl, label, soname) \
	NULL, label " support was not built in (" soname ")"

static const struct file_format {
	enum kmod_file_compression_type type;
	const char *name;
	size_t magic_len;
	unsigned char magic[FILE_MAGIC_LEN];
	int (*decompress)(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			  void **out, size_t *out_size);
	struct file_dl *dl; /* NULL: compiled out */
	const char *not_built; /* why, when dl is NULL */
} file_formats[] = {
	{ KMOD_FILE_COMPRESSION_ZSTD,
	  "zstd",
	  4,
	  { 0x28, 0xb5, 0x2f, 0xfd },
	  file_decompress_zstd,
	  FILE_LIBRARY(ENABLE_ZSTD, file_zstd_dl, "zstd", ZSTD_SONAME) },
	{ KMOD_FILE_COMPRESSION_XZ,
	  "xz",
	  6,
	  { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 },
	  file_decompress_xz,
	  FILE_LIBRARY(ENABLE_XZ, file_xz_dl, "xz", XZ_SONAME) },
	{ KMOD_FILE_COMPRESSION_ZLIB,
	  "gzip",
	  2,
	  { 0x1f, 0x8b },
	  file_decompress_zlib,
	  FILE_LIBRARY(ENABLE_ZLIB, file_zlib_dl, "zlib", ZLIB_SONAME) },
};

static const struct file_format *file_format(enum kmod_file_compression_type type)
{
	for (size_t i = 0; i < ARRAY_SIZE(file_formats); i++) {
		if (file_formats[i].type == type)
			return &file_formats[i];
	}
	return NULL;
}

const char *file_compression_name(enum kmod_file_compression_type type)
{
	const struct file_format *f = file_format(type);

	return f != NULL ? f->name : NULL;
}

int file_open(const struct kmod_ctx *ctx, const char *filename, struct kmod_file **out)
{
	_cleanup_close_ int fd = -1;
	unsigned char magic[FILE_MAGIC_LEN];
	struct kmod_file *file;
	size_t got, pathlen = strlen(filename);
	struct stat st;
	ssize_t r;

	/* never wait on a FIFO nor open a device (regfile.h) */
	fd = regfile_open(filename, 0, &st);
	/* (a directory gives -EISDIR without a word, as kmod's read of it does) */
	if (fd == -EINVAL) {
		ERR(ctx, "%s: not a regular file\n", filename);
		return -ENOEXEC;
	}
	if (fd < 0)
		return fd;
	if ((unsigned long long)st.st_size > MODULE_SIZE_MAX) {
		ERR(ctx,
		    "%s: too large to be a module (%llu bytes, the limit is %zu MiB)\n",
		    filename, (unsigned long long)st.st_size, MODULE_SIZE_MAX >> 20);
		return -EFBIG;
	}

	r = pread_full(fd, magic, sizeof(magic));
	if (r < 0)
		return (int)r;
	got = (size_t)r;
	if (got < sizeof(magic)) {
		DBG(ctx, "%s: too short to be a module (%zu bytes)\n", filename, got);
		return -EINVAL;
	}

	file = calloc(1, sizeof(*file) + pathlen + 1);
	if (file == NULL)
		return -ENOMEM;
	memcpy(file->path, filename, pathlen + 1);
	file->ctx = ctx;
	file->compression = KMOD_FILE_COMPRESSION_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(file_formats); i++) {
		if (memcmp(magic, file_formats[i].magic, file_formats[i].magic_len) ==
		    0) {
			file->compression = file_formats[i].type;
			break;
		}
	}
	file->fd = TAKE_FD(fd);
	*out = file;
	return 0;
}

static int file_map(int fd, void **memory, size_t *size)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0)
		return -EINVAL;
	if ((unsigned long long)st.st_size > SIZE_MAX)
		return -EFBIG;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*memory = p;
	*size = (size_t)st.st_size;
	return 0;
}

int file_load_contents(struct kmod_file *file)
{
	const struct file_format *format;
	void *in = NULL, *out = NULL;
	size_t in_size = 0, out_size = 0;
	int err;

	if (file->loaded)
		return 0;

	err = file_map(file->fd, &in, &in_size);
	if (err < 0)
		return err;

	if (file->compression == KMOD_FILE_COMPRESSION_NONE) {
		file->memory = in;
		file->size = in_size;
		file->mapped = true;
		file->loaded = true;
		return 0;
	}
	format = file_format(file->compression);
	if (format == NULL)
		err = -EINVAL;
	else
		err = format->decompress(file->ctx, in, in_size, &out, &out_size);
	munmap(in, in_size);
	if (err == -ENOSYS) {
		const char *why = file_decompressor_missing(file->compression);

		ERR(file->ctx, "%s: cannot decompress: %s\n", file->path,
		    why ? why : strerror(-err));
	}
	if (err == -EFBIG)
		ERR(file->ctx,
		    "%s: too large to be a module (over %zu MiB decompressed)\n",
		    file->path, MODULE_SIZE_MAX >> 20);
	if (err < 0)
		return err;
	/* the decoders grow their buffer by doubling: give the slack back, since
	 * depmod may hold many images at once */
	if (out_size > 0) {
		void *p = realloc(out, out_size);

		if (p != NULL)
			out = p;
	}

	file->memory = out;
	file->size = out_size;
	file->mapped = false;
	file->loaded = true;
	return 0;
}

const void *file_get_contents(const struct kmod_file *file)
{
	return file->memory;
}

size_t file_get_size(const struct kmod_file *file)
{
	return file->size;
}

enum kmod_file_compression_type file_get_compression(const struct kmod_file *file)
{
	return file->compression;
}

int file_read_into(const struct kmod_file *file, void *buf, size_t cap, size_t *size)
{
	struct stat st;
	ssize_t r;

	if (file->compression != KMOD_FILE_COMPRESSION_NONE)
		return -ENOTSUP;
	if (fstat(file->fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || (unsigned long long)st.st_size > cap)
		return -EFBIG;
	r = pread_full(file->fd, buf, (size_t)st.st_size);
	if (r < 0)
		return (int)r;
	*size = (size_t)r;
	return 0;
}

int file_get_fd(const struct kmod_file *file)
{
	return file->fd;
}

void file_free(struct kmod_file *file)
{
	if (file == NULL)
		return;
	if (file->loaded) {
		if (file->mapped)
			munmap(file->memory, file->size);
		else
			free(file->memory);
	}
	if (file->fd >= 0)
		close(file->fd);
	free(file);
}

const char *file_decompressor_missing(enum kmod_file_compression_type type)
{
	const struct file_format *f = file_format(type);

	if (f == NULL)
		return NULL;
	return f->dl != NULL ? file_dl_missing(f->dl) : f->not_built;
}
