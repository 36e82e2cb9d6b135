// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * .ko.gz: one or more gzip members (magic 1F 8B), each ending in an 8-byte trailer
 * whose last 4 bytes hold the member's uncompressed size modulo 2^32 (little
 * endian) - used to size the output buffer up front. Members are decoded back to
 * back like gzip(1) does; bytes after the last member that do not start another
 * one (e.g. zero padding) are ignored, also like gzip(1). zlib is linked or loaded
 * on first use (file-dl.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "file-dl.h"
#include "file.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"

#if ENABLE_ZLIB
#include <zlib.h>

#define ZLIB_PREALLOC_MAX (256u << 20)

#define ZLIB_FUNCTIONS(X, arg)               \
	X(arg, inflateInit2_, inflateInit2_) \
	X(arg, inflate, inflate)             \
	X(arg, inflateReset, inflateReset)   \
	X(arg, inflateEnd, inflateEnd)
FILE_DL_DEFINE(zlib, ZLIB_FUNCTIONS, ZLIB_SONAME, ENABLE_ZLIB_DLOPEN, NULL);

/* The image size a gzip stream claims: the last member's trailer holds it modulo
 * 2^32, little endian; 0 (no hint) when absent or implausible. */
static size_t zlib_size_hint(const uint8_t *src, size_t in_size)
{
	const uint8_t *t;
	size_t isize;

	if (in_size < 18)
		return 0;
	t = src + in_size - 4;
	isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 |
		(size_t)t[3] << 24;
	return isize > ZLIB_PREALLOC_MAX ? 0 : isize;
}

static void zlib_endp(z_stream **zs)
{
	if (*zs != NULL)
		zlib.inflateEnd(*zs);
}

int file_decompress_zlib(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size)
{
	const uint8_t *src = in;
	z_stream zs_storage = { 0 };
	_cleanup_(zlib_endp) z_stream *zs = NULL;
	_cleanup_free_ void *buf = NULL;
	size_t cap = module_size_guess(in_size, zlib_size_hint(src, in_size));
	size_t in_pos = 0, out_pos = 0;
	int ret;

	if (file_dl_missing(&file_zlib_dl) != NULL)
		return -ENOSYS;

	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;

	ret = zlib.inflateInit2_(&zs_storage, 16 + MAX_WBITS, ZLIB_VERSION,
				 (int)sizeof(z_stream));
	if (ret == Z_MEM_ERROR)
		return -ENOMEM;
	if (ret != Z_OK) {
		/* e.g. a zlib older than the headers built against */
		ERR(ctx, "gzip: cannot start the decoder (zlib error %d)\n", ret);
		return -EINVAL;
	}
	zs = &zs_storage;

	for (;;) {
		size_t in_chunk = MIN(in_size - in_pos, (size_t)UINT_MAX);
		size_t out_chunk;

		if (out_pos == cap) {
			int err = module_buf_grow(&buf, &cap);

			if (err < 0)
				return err;
		}
		out_chunk = MIN(cap - out_pos, (size_t)UINT_MAX);

		zs->next_in = (Bytef *)(src + in_pos);
		zs->avail_in = (uInt)in_chunk;
		zs->next_out = (Bytef *)buf + out_pos;
		zs->avail_out = (uInt)out_chunk;
		ret = zlib.inflate(zs, Z_NO_FLUSH);
		in_pos += in_chunk - zs->avail_in;
		out_pos += out_chunk - zs->avail_out;

		if (ret == Z_STREAM_END) {
			/* another member follows? */
			if (in_size - in_pos >= 2 && src[in_pos] == 0x1f &&
			    src[in_pos + 1] == 0x8b) {
				if (zlib.inflateReset(zs) != Z_OK) {
					ERR(ctx, "gzip: cannot restart the decoder\n");
					return -EINVAL;
				}
				continue;
			}
			break;
		}
		if (ret == Z_OK)
			continue;
		if (ret == Z_BUF_ERROR && zs->avail_out == 0)
			continue;
		if (ret == Z_MEM_ERROR)
			return -ENOMEM;
		if (ret == Z_BUF_ERROR)
			ERR(ctx, "gzip: truncated input\n");
		else
			ERR(ctx, "gzip: %s\n", zs->msg ? zs->msg : "corrupt data");
		return -EINVAL;
	}

	*out_size = out_pos;
	*out = TAKE_PTR(buf);
	return 0;
}

#endif /* ENABLE_ZLIB */
