/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: file. May use: helpers, libkmod.h. Used by the library's upper layers,
 * depmod and the tools.
 *
 * A module file on disk: opened once, its compression told by its magic bytes
 * (formats.md 5), its whole image mapped (uncompressed) or decompressed into
 * memory on demand. Invariants: the image is loaded at most once and stays valid
 * until file_free(); no image larger than MODULE_SIZE_MAX (regfile.h) is accepted,
 * as a file or decompressed; the context is used only to log, and may be NULL.
 * The decompression libraries are optional at run time (file-dl.h).
 */

#include <stdbool.h>
#include <stddef.h>

#include "libkmod.h"

enum kmod_file_compression_type {
	KMOD_FILE_COMPRESSION_NONE = 0,
	KMOD_FILE_COMPRESSION_ZSTD,
	KMOD_FILE_COMPRESSION_XZ,
	KMOD_FILE_COMPRESSION_ZLIB,
};

struct kmod_file;
/* Opens filename (a regular file only) and detects its compression. */
int file_open(const struct kmod_ctx *ctx, const char *filename, struct kmod_file **out);
/* Maps or decompresses the whole image (idempotent). -ENOSYS when the format's
 * library is compiled out or cannot be loaded; this function then logs one error
 * naming the file and the library. */
int file_load_contents(struct kmod_file *file);
const void *file_get_contents(const struct kmod_file *file);
size_t file_get_size(const struct kmod_file *file);
enum kmod_file_compression_type file_get_compression(const struct kmod_file *file);
/* Copies an uncompressed file's whole content into the caller's buf of cap bytes,
 * *size set to its length: for readers that reuse one buffer rather than map each
 * file. -ENOTSUP for a compressed file, -EFBIG when it is empty or larger than cap;
 * no message (the caller falls back to file_load_contents()). */
int file_read_into(const struct kmod_file *file, void *buf, size_t cap, size_t *size);
int file_get_fd(const struct kmod_file *file);
void file_free(struct kmod_file *file);
/* Name as in /sys/module/compression ("zstd", "xz", "gzip"), NULL for NONE. */
const char *file_compression_name(enum kmod_file_compression_type type);

/* Why the decompressor of a format cannot be used (NULL: it can, or the file is
 * not compressed): compiled out, or its library missing at run time. Loads the
 * library if that has not been tried yet. The text names the library, e.g.
 * "libzstd.so.1 is not available". */
const char *file_decompressor_missing(enum kmod_file_compression_type type);

/* Whole-image decompressors behind file_load_contents() (file-zstd.c, file-xz.c,
 * file-zlib.c), also used on kernel images (src/verify.c): in[0..in_size) into a malloc'd *out of *out_size bytes. -ENOSYS,
 * without a message, when the library is unavailable (the caller says why, see
 * file_decompressor_missing()); -EINVAL, with an error naming the format, for
 * corrupt or truncated data; -EFBIG past MODULE_SIZE_MAX; -ENOMEM. */
int file_decompress_zstd(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size);
int file_decompress_xz(const struct kmod_ctx *ctx, const void *in, size_t in_size,
		       void **out, size_t *out_size);
int file_decompress_zlib(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size);
