// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Text-to-value helpers for the modgen front ends (modkit-modgen options and
 * modkit-mktree spec lines): numbers, hex byte strings, backslash escapes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strbuf.h"

#include "modgen.h"

int modgen_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0' || end == s)
		return -EINVAL;
	*v = x;
	return 0;
}

int modgen_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	int r = modgen_parse_u64(s, &x);

	if (r < 0)
		return r;
	if (x > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)x;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int modgen_parse_hex(const char *s, uint8_t **buf, size_t *len)
{
	_cleanup_free_ uint8_t *out = malloc(strlen(s) / 2 + 1);
	size_t n = 0;

	if (out == NULL)
		return -ENOMEM;
	while (*s) {
		int hi, lo;

		if (*s == ':' || *s == ' ') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*buf = TAKE_PTR(out);
	*len = n;
	return 0;
}

int modgen_unescape(const char *s, char **buf, size_t *len)
{
	_cleanup_strbuf_ struct strbuf sb;

	strbuf_init(&sb);
	for (; *s; s++) {
		char c = *s;

		if (c == '\\') {
			int hi, lo;

			switch (*++s) {
			case '\\':
				c = '\\';
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 's':
				c = ' ';
				break;
			case '0':
				c = '\0';
				break;
			case 'x':
				hi = hexval(s[1]);
				lo = hi < 0 ? -1 : hexval(s[2]);
				if (hi < 0 || lo < 0)
					return -EINVAL;
				c = (char)(hi << 4 | lo);
				s += 2;
				break;
			default:
				return -EINVAL;
			}
		}
		if (!strbuf_pushchar(&sb, c))
			return -ENOMEM;
	}
	if (strbuf_str(&sb) == NULL)
		return -ENOMEM;
	*len = strbuf_used(&sb);
	*buf = strbuf_steal(&sb);
	return *buf ? 0 : -ENOMEM;
}

char *modgen_modname(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;

	base = base ? base + 1 : path;
	name = strndup(base, strcspn(base, "."));
	if (name == NULL)
		return NULL;
	for (char *p = name; *p; p++) {
		if (*p == '-')
			*p = '_';
	}
	return name;
}
