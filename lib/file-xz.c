// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * .ko.xz: one or more xz streams (magic FD 37 7A 58 5A 00), optionally separated
 * by stream padding, decoded back to back; anything else after a stream is an
 * error. The decoder writes straight into the growing output image so that no
 * intermediate buffer is copied. liblzma is linked or loaded on first use
 * (file-dl.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "file-dl.h"
#include "file.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"

#if ENABLE_XZ
#include <lzma.h>

#define XZ_FUNCTIONS(X, arg)                        \
	X(arg, stream_decoder, lzma_stream_decoder) \
	X(arg, code, lzma_code)                     \
	X(arg, end, lzma_end)
FILE_DL_DEFINE(xz, XZ_FUNCTIONS, XZ_SONAME, ENABLE_XZ_DLOPEN, NULL);

static void xz_endp(lzma_stream **strm)
{
	if (*strm != NULL)
		xz.end(*strm);
}

static const char *xz_strerror(lzma_ret ret)
{
	switch (ret) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "memory limit reached";
	case LZMA_FORMAT_ERROR:
		return "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported compression options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "truncated input";
	default:
		return "decoder error";
	}
}

int file_decompress_xz(const struct kmod_ctx *ctx, const void *in, size_t in_size,
		       void **out, size_t *out_size)
{
	lzma_stream strm_storage = LZMA_STREAM_INIT;
	_cleanup_(xz_endp) lzma_stream *strm = NULL;
	_cleanup_free_ void *buf = NULL;
	size_t cap = module_size_guess(in_size, 0);
	lzma_ret ret;

	if (file_dl_missing(&file_xz_dl) != NULL)
		return -ENOSYS;

	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;

	ret = xz.stream_decoder(&strm_storage, UINT64_MAX, LZMA_CONCATENATED);
	if (ret != LZMA_OK) {
		ERR(ctx, "xz: %s\n", xz_strerror(ret));
		return ret == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
	strm = &strm_storage;
	strm->next_in = in;
	strm->avail_in = in_size;
	strm->next_out = buf;
	strm->avail_out = cap;

	for (;;) {
		ret = xz.code(strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if ((ret == LZMA_OK || ret == LZMA_BUF_ERROR) && strm->avail_out == 0) {
			size_t used = cap;
			int err = module_buf_grow(&buf, &cap);

			if (err < 0)
				return err;
			strm->next_out = (uint8_t *)buf + used;
			strm->avail_out = cap - used;
			continue;
		}
		if (ret == LZMA_OK)
			continue;
		ERR(ctx, "xz: %s\n", xz_strerror(ret));
		return ret == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL;
	}

	*out_size = cap - strm->avail_out;
	*out = TAKE_PTR(buf);
	return 0;
}

#endif /* ENABLE_XZ */
