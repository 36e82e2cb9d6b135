/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers. May use: the C library.
 *
 * A growable byte buffer. Invariant: used <= size; bytes is NULL until the first
 * push. strbuf_str() NUL-terminates without counting the NUL in 'used'.
 */

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *bytes;
	size_t size;
	size_t used;
};

void strbuf_init(struct strbuf *buf);
void strbuf_release(struct strbuf *buf);
void strbuf_clear(struct strbuf *buf);
/* NUL-terminated contents, or NULL on allocation failure. */
const char *strbuf_str(struct strbuf *buf);
/* Hands the NUL-terminated buffer to the caller (NULL on failure); buf is reset. */
char *strbuf_steal(struct strbuf *buf);
/* Push functions return false on allocation failure (buffer unchanged). */
bool strbuf_pushchar(struct strbuf *buf, char ch);
bool strbuf_pushchars(struct strbuf *buf, const char *str);
bool strbuf_pushmem(struct strbuf *buf, const void *src, size_t len);
void strbuf_popchar(struct strbuf *buf);
void strbuf_popchars(struct strbuf *buf, size_t n);
static inline size_t strbuf_used(const struct strbuf *buf)
{
	return buf->used;
}

static inline void strbuf_releasep(struct strbuf *buf)
{
	strbuf_release(buf);
}
#define _cleanup_strbuf_ __attribute__((cleanup(strbuf_releasep)))
