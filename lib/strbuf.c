// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void strbuf_init(struct strbuf *buf)
{
	buf->bytes = NULL;
	buf->size = 0;
	buf->used = 0;
}

void strbuf_release(struct strbuf *buf)
{
	free(buf->bytes);
	strbuf_init(buf);
}

void strbuf_clear(struct strbuf *buf)
{
	buf->used = 0;
}

/* Make room for at least 'extra' more bytes plus a terminating NUL. */
static bool strbuf_reserve(struct strbuf *buf, size_t extra)
{
	size_t need, sz;
	char *tmp;

	if (__builtin_add_overflow(buf->used, extra + 1, &need))
		return false;
	if (need <= buf->size)
		return true;
	sz = buf->size ? buf->size : 64;
	while (sz < need) {
		if (__builtin_mul_overflow(sz, 2, &sz))
			return false;
	}
	tmp = realloc(buf->bytes, sz);
	if (tmp == NULL)
		return false;
	buf->bytes = tmp;
	buf->size = sz;
	return true;
}

const char *strbuf_str(struct strbuf *buf)
{
	if (!strbuf_reserve(buf, 0))
		return NULL;
	buf->bytes[buf->used] = '\0';
	return buf->bytes;
}

char *strbuf_steal(struct strbuf *buf)
{
	char *ret;

	if (strbuf_str(buf) == NULL)
		return NULL;
	ret = buf->bytes;
	strbuf_init(buf);
	return ret;
}

bool strbuf_pushmem(struct strbuf *buf, const void *src, size_t len)
{
	if (len == 0)
		return true;
	if (!strbuf_reserve(buf, len))
		return false;
	memcpy(buf->bytes + buf->used, src, len);
	buf->used += len;
	return true;
}

bool strbuf_pushchar(struct strbuf *buf, char ch)
{
	return strbuf_pushmem(buf, &ch, 1);
}

bool strbuf_pushchars(struct strbuf *buf, const char *str)
{
	return strbuf_pushmem(buf, str, strlen(str));
}

void strbuf_popchar(struct strbuf *buf)
{
	if (buf->used > 0)
		buf->used--;
}

void strbuf_popchars(struct strbuf *buf, size_t n)
{
	buf->used = n > buf->used ? 0 : buf->used - n;
}
