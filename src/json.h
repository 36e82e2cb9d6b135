/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A small streaming JSON writer shared by every tool's --json output (kmod(8),
 * "JSON OUTPUT", documents what the documents look like).
 *
 * Values are written as they come: begin an object or array, give each member's
 * name with json_key() and then its value, end the container. The writer puts the
 * commas and remembers misuse or allocation failures in w->err; json_finish() ends
 * the document (closing whatever is still open), adds a newline and reports the
 * first error.
 *
 * Strings: valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) is copied as it is, with '"', '\' and control characters escaped. A
 * string that is not valid UTF-8 is written as if it were Latin-1 text: each byte
 * from 0x80 up as \u00XX, the character with the byte's number, so that encoding
 * the string as Latin-1 gives back the exact bytes. The member whose name or value
 * held such a string - the member of the innermost object around the string - is
 * then followed by a member "<name>_invalid_utf8": true.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* "schema" member of every document; raised when a member changes meaning or type. */
#define JSON_SCHEMA_VERSION 1

#define JSON_MAX_DEPTH 16

struct json_frame {
	bool object;
	bool has_items; /* a member or element is already written */
	bool invalid; /* object: the current member holds bytes that are not UTF-8 */
	char *key; /* object: name of the current member (malloc'd) */
};

struct json_writer {
	FILE *out;
	int depth;
	bool want_value; /* json_key() was called, its value is due */
	bool done; /* the top-level value is complete */
	int err; /* first failure: -ENOMEM, -EINVAL (misuse) */
	struct json_frame frames[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *w, FILE *out);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* Name of the next member of the current object. */
void json_key(struct json_writer *w, const char *name);
/* A string value; NULL writes null. */
void json_string(struct json_writer *w, const char *s);
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_int(struct json_writer *w, long long v);
void json_uint(struct json_writer *w, unsigned long long v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Shorthands for a member and its value. */
void json_member_string(struct json_writer *w, const char *name, const char *s);
void json_member_int(struct json_writer *w, const char *name, long long v);
void json_member_bool(struct json_writer *w, const char *name, bool v);

/*
 * Starts a tool's document: '{', "schema": JSON_SCHEMA_VERSION, "tool": tool. If the
 * program exits before json_finish() (a FATAL message exits), the document is
 * still closed, so that stdout always holds valid JSON.
 */
void json_document_begin(struct json_writer *w, FILE *out, const char *tool);

/*
 * Closes every open container, ends the line and flushes. Returns 0, the first
 * error remembered, or -EIO when the stream failed.
 */
int json_finish(struct json_writer *w);

/* Length of the valid UTF-8 sequence at s (at most len bytes), 0 if there is none. */
size_t json_utf8_sequence(const unsigned char *s, size_t len);
bool json_utf8_valid(const char *s, size_t len);
