// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * .ko.zst: one or more zstd frames (magic 28 B5 2F FD, skippable frames allowed),
 * decoded back to back into one image. A frame header usually records the content
 * size, which sizes the output buffer up front and allows one-shot decoding;
 * otherwise it grows by doubling (module_buf_grow(), regfile.h). libzstd is
 * linked or loaded on first use (file-dl.h). A decoding context is kept per
 * thread: creating one per file (depmod reads thousands) costs as much as
 * decoding a small module.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "file-dl.h"
#include "file.h"
#include "log-lib.h"
#include "macro.h"
#include "regfile.h"

#if ENABLE_ZSTD
#include <zstd.h>

/* A claimed content size above this is only a hint: a hostile header must not
 * make us allocate gigabytes up front. */
#define ZSTD_PREALLOC_MAX (256u << 20)

#define ZSTD_FUNCTIONS(X, arg)                                \
	X(arg, createDCtx, ZSTD_createDCtx)                   \
	X(arg, freeDCtx, ZSTD_freeDCtx)                       \
	X(arg, decompressStream, ZSTD_decompressStream)       \
	X(arg, decompressDCtx, ZSTD_decompressDCtx)           \
	X(arg, DCtx_reset, ZSTD_DCtx_reset)                   \
	X(arg, getFrameContentSize, ZSTD_getFrameContentSize) \
	X(arg, isError, ZSTD_isError)                         \
	X(arg, getErrorName, ZSTD_getErrorName)
static int zstd_setup(void);
FILE_DL_DEFINE(zstd, ZSTD_FUNCTIONS, ZSTD_SONAME, ENABLE_ZSTD_DLOPEN, zstd_setup);

static pthread_key_t zstd_dctx_key;
static bool zstd_key_ok;

static void zstd_dctx_free(void *dctx)
{
	zstd.freeDCtx(dctx);
}

/* A failed key leaves the library usable but zstd_dctx() without a context to
 * give, so that decoding fails as out of memory. */
static int zstd_setup(void)
{
	zstd_key_ok = pthread_key_create(&zstd_dctx_key, zstd_dctx_free) == 0;
	return 0;
}

/* This thread's decoding context (freed when the thread exits). */
static ZSTD_DCtx *zstd_dctx(void)
{
	ZSTD_DCtx *dctx;

	if (!zstd_key_ok)
		return NULL;
	dctx = pthread_getspecific(zstd_dctx_key);
	if (dctx != NULL) {
		zstd.DCtx_reset(dctx, ZSTD_reset_session_only);
		return dctx;
	}
	dctx = zstd.createDCtx();
	if (dctx != NULL && pthread_setspecific(zstd_dctx_key, dctx) != 0) {
		zstd.freeDCtx(dctx);
		dctx = NULL;
	}
	return dctx;
}

int file_decompress_zstd(const struct kmod_ctx *ctx, const void *in, size_t in_size,
			 void **out, size_t *out_size)
{
	ZSTD_DCtx *dctx;
	_cleanup_free_ void *buf = NULL;
	unsigned long long content;
	ZSTD_inBuffer inb = { in, in_size, 0 };
	ZSTD_outBuffer outb;
	size_t cap;

	if (file_dl_missing(&file_zstd_dl) != NULL)
		return -ENOSYS;

	content = zstd.getFrameContentSize(in, in_size);
	if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR ||
	    content > ZSTD_PREALLOC_MAX)
		content = 0;
	cap = module_size_guess(in_size, (size_t)content);

	buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	dctx = zstd_dctx();
	if (dctx == NULL)
		return -ENOMEM;

	/* The usual case: one frame of known size, decoded in one call. Anything
	 * else (several frames, a wrong size, an error) goes the streaming way,
	 * which also reports the errors. */
	if (content > 0) {
		size_t ret = zstd.decompressDCtx(dctx, buf, cap, in, in_size);

		if (!zstd.isError(ret) && ret == content) {
			*out_size = ret;
			*out = TAKE_PTR(buf);
			return 0;
		}
		zstd.DCtx_reset(dctx, ZSTD_reset_session_only);
	}
	outb = (ZSTD_outBuffer){ buf, cap, 0 };

	for (;;) {
		size_t in_pos = inb.pos, out_pos = outb.pos;
		size_t ret = zstd.decompressStream(dctx, &outb, &inb);

		if (zstd.isError(ret)) {
			ERR(ctx, "zstd: %s\n", zstd.getErrorName(ret));
			return -EINVAL;
		}
		/* 0 = a frame just ended and everything is flushed */
		if (ret == 0 && inb.pos == inb.size)
			break;
		if (outb.pos == outb.size) {
			int err = module_buf_grow(&buf, &cap);

			if (err < 0)
				return err;
			outb.dst = buf;
			outb.size = cap;
			continue;
		}
		if (inb.pos == inb.size) {
			ERR(ctx, "zstd: truncated input\n");
			return -EINVAL;
		}
		if (inb.pos == in_pos && outb.pos == out_pos) {
			ERR(ctx, "zstd: decoder made no progress\n");
			return -EINVAL;
		}
	}

	*out_size = outb.pos;
	*out = TAKE_PTR(buf);
	return 0;
}

#endif /* ENABLE_ZSTD */
