// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The JSON writer of the tools (json.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

size_t json_utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return n;
}

bool json_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = json_utf8_sequence(p + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/*
 * Writes s as the inside of a JSON string. Valid UTF-8 is copied; otherwise the whole
 * string is read as Latin-1, every byte from 0x80 up written as \u00XX. Returns true
 * in that second case.
 */
static bool write_escaped(FILE *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool latin1 = !json_utf8_valid(s, len);
	size_t run = 0; /* bytes before i that can be copied as they are */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		const char *esc;
		char buf[8];

		if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !latin1)) {
			run++;
			continue;
		}
		fwrite(p + i - run, 1, run, out);
		run = 0;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			snprintf(buf, sizeof(buf), "\\u%04x", c);
			esc = buf;
			break;
		}
		fputs(esc, out);
	}
	fwrite(p + len - run, 1, run, out);
	return latin1;
}

static struct json_frame *top(struct json_writer *w)
{
	return w->depth > 0 ? &w->frames[w->depth - 1] : NULL;
}

/* Marks the member of the innermost object as holding bytes that are not UTF-8. */
static void mark_invalid(struct json_writer *w)
{
	for (int i = w->depth - 1; i >= 0; i--) {
		if (w->frames[i].object) {
			w->frames[i].invalid = true;
			return;
		}
	}
}

/* After the value of an object member: its "_invalid_utf8" flag, if due. */
static void end_member(struct json_writer *w, struct json_frame *f)
{
	if (f->invalid && f->key != NULL) {
		fputs(",\"", w->out);
		(void)write_escaped(w->out, f->key, strlen(f->key));
		fputs("_invalid_utf8\":true", w->out);
	}
	f->invalid = false;
	free(f->key);
	f->key = NULL;
}

/* Commas and checks before any value. */
static bool before_value(struct json_writer *w)
{
	struct json_frame *f = top(w);

	if (f == NULL) {
		if (w->done) {
			w->err = w->err ?: -EINVAL;
			return false;
		}
		return true;
	}
	if (f->object) {
		if (!w->want_value) {
			w->err = w->err ?: -EINVAL;
			return false;
		}
		w->want_value = false;
		return true;
	}
	if (f->has_items)
		putc(',', w->out);
	f->has_items = true;
	return true;
}

static void after_value(struct json_writer *w)
{
	if (w->depth == 0)
		w->done = true;
}

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static void begin(struct json_writer *w, bool object)
{
	struct json_frame *f;

	if (!before_value(w))
		return;
	if (w->depth >= JSON_MAX_DEPTH) {
		w->err = w->err ?: -EINVAL;
		return;
	}
	f = &w->frames[w->depth++];
	memset(f, 0, sizeof(*f));
	f->object = object;
	putc(object ? '{' : '[', w->out);
}

static void end(struct json_writer *w, bool object)
{
	struct json_frame *f = top(w);

	if (f == NULL || f->object != object) {
		w->err = w->err ?: -EINVAL;
		return;
	}
	if (object) {
		if (w->want_value) {
			/* a name without a value: keep the document valid */
			fputs("null", w->out);
			w->want_value = false;
			w->err = w->err ?: -EINVAL;
		}
		end_member(w, f);
	}
	putc(object ? '}' : ']', w->out);
	w->depth--;
	after_value(w);
}

void json_object_begin(struct json_writer *w)
{
	begin(w, true);
}

void json_object_end(struct json_writer *w)
{
	end(w, true);
}

void json_array_begin(struct json_writer *w)
{
	begin(w, false);
}

void json_array_end(struct json_writer *w)
{
	end(w, false);
}

void json_key(struct json_writer *w, const char *name)
{
	struct json_frame *f = top(w);

	if (f == NULL || !f->object || w->want_value) {
		w->err = w->err ?: -EINVAL;
		return;
	}
	if (f->has_items) {
		end_member(w, f);
		putc(',', w->out);
	}
	f->has_items = true;
	f->key = strdup(name);
	if (f->key == NULL)
		w->err = w->err ?: -ENOMEM;
	putc('"', w->out);
	if (write_escaped(w->out, name, strlen(name)))
		f->invalid = true;
	fputs("\":", w->out);
	w->want_value = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	if (s == NULL) {
		json_null(w);
		return;
	}
	if (!before_value(w))
		return;
	putc('"', w->out);
	if (write_escaped(w->out, s, len))
		mark_invalid(w);
	putc('"', w->out);
	after_value(w);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_len(w, s, s != NULL ? strlen(s) : 0);
}

void json_int(struct json_writer *w, long long v)
{
	if (!before_value(w))
		return;
	fprintf(w->out, "%lld", v);
	after_value(w);
}

void json_uint(struct json_writer *w, unsigned long long v)
{
	if (!before_value(w))
		return;
	fprintf(w->out, "%llu", v);
	after_value(w);
}

void json_bool(struct json_writer *w, bool v)
{
	if (!before_value(w))
		return;
	fputs(v ? "true" : "false", w->out);
	after_value(w);
}

void json_null(struct json_writer *w)
{
	if (!before_value(w))
		return;
	fputs("null", w->out);
	after_value(w);
}

void json_member_string(struct json_writer *w, const char *name, const char *s)
{
	json_key(w, name);
	json_string(w, s);
}

void json_member_int(struct json_writer *w, const char *name, long long v)
{
	json_key(w, name);
	json_int(w, v);
}

void json_member_bool(struct json_writer *w, const char *name, bool v)
{
	json_key(w, name);
	json_bool(w, v);
}

/*
 * Process-wide, as the logging state of log.c is: the document a FATAL exit would
 * otherwise leave open (one per process), closed by an atexit() handler since a
 * FATAL message exits from wherever it is raised.
 */
static struct {
	struct json_writer *open; /* begun, not finished */
	bool registered; /* finish_at_exit() is an atexit() handler */
} exit_doc;

static void finish_at_exit(void)
{
	if (exit_doc.open != NULL)
		(void)json_finish(exit_doc.open);
}

void json_document_begin(struct json_writer *w, FILE *out, const char *tool)
{
	json_init(w, out);
	if (!exit_doc.registered && atexit(finish_at_exit) == 0)
		exit_doc.registered = true;
	exit_doc.open = w;
	json_object_begin(w);
	json_member_int(w, "schema", JSON_SCHEMA_VERSION);
	json_member_string(w, "tool", tool);
}

int json_finish(struct json_writer *w)
{
	int err;

	if (exit_doc.open == w)
		exit_doc.open = NULL;
	while (w->depth > 0)
		end(w, top(w)->object);
	if (w->done)
		putc('\n', w->out);
	err = w->err;
	if (fflush(w->out) != 0 || ferror(w->out))
		err = err ?: -EIO;
	return err;
}
