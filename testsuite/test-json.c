// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The tools' JSON writer (src/json.c): layout, string escaping, UTF-8 validation,
 * the "_invalid_utf8" flags, misuse and closing an unfinished document. Expected
 * texts are written out by hand from RFC 8259 and RFC 3629.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/macro.h"
#include "src/json.h"

struct capture {
	char *buf;
	size_t len;
	FILE *fp;
};

static struct json_writer *capture_start(struct capture *c, struct json_writer *w)
{
	memset(c, 0, sizeof(*c));
	c->fp = open_memstream(&c->buf, &c->len);
	if (c->fp == NULL)
		return NULL;
	json_init(w, c->fp);
	return w;
}

/* Ends the document and returns what was written (kept until the case ends). */
static const char *capture_end(struct capture *c, struct json_writer *w, int *err)
{
	int r = json_finish(w);

	if (err != NULL)
		*err = r;
	fclose(c->fp);
	return test_keep(c->buf);
}

TEST(layout)
{
	struct capture c;
	struct json_writer w;
	int err;

	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_member_int(&w, "schema", 1);
	json_member_string(&w, "s", "x");
	json_key(&w, "list");
	json_array_begin(&w);
	json_int(&w, -5);
	json_uint(&w, 18446744073709551615ULL);
	json_bool(&w, true);
	json_bool(&w, false);
	json_null(&w);
	json_string(&w, NULL);
	json_array_begin(&w);
	json_array_end(&w);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_end(&w);
	json_member_bool(&w, "last", true);
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, &err),
		     "{\"schema\":1,\"s\":\"x\",\"list\":[-5,18446744073709551615,true,"
		     "false,null,null,[],{}],\"last\":true}\n");
	CHECK_INT_EQ(err, 0);
	return 0;
}

TEST(escapes)
{
	struct capture c;
	struct json_writer w;
	int err;

	CHECK(capture_start(&c, &w) != NULL);
	json_array_begin(&w);
	json_string(&w, "q\"b\\s/");
	json_string(&w, "\n\t\r\b\f");
	json_string(&w, "\x01\x1f\x7f");
	json_string_len(&w, "a\0b", 3);
	json_array_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, &err),
		     "[\"q\\\"b\\\\s/\",\"\\n\\t\\r\\b\\f\",\"\\u0001\\u001f\x7f\","
		     "\"a\\u0000b\"]\n");
	CHECK_INT_EQ(err, 0);
	return 0;
}

TEST(utf8_validation)
{
	static const struct {
		const char *s;
		bool valid;
	} v[] = {
		{ "", true },
		{ "plain", true },
		{ "\xc2\x80", true }, /* U+0080 */
		{ "\xdf\xbf", true }, /* U+07FF */
		{ "\xe0\xa0\x80", true }, /* U+0800 */
		{ "\xed\x9f\xbf", true }, /* U+D7FF */
		{ "\xee\x80\x80", true }, /* U+E000 */
		{ "\xef\xbf\xbf", true }, /* U+FFFF */
		{ "\xf0\x90\x80\x80", true }, /* U+10000 */
		{ "\xf4\x8f\xbf\xbf", true }, /* U+10FFFF */
		{ "caf\xc3\xa9", true },
		{ "\x80", false }, /* lone continuation byte */
		{ "\xc0\x80", false }, /* overlong NUL */
		{ "\xc1\xbf", false }, /* overlong */
		{ "\xe0\x9f\xbf", false }, /* overlong 3-byte form */
		{ "\xed\xa0\x80", false }, /* surrogate U+D800 */
		{ "\xed\xbf\xbf", false }, /* surrogate U+DFFF */
		{ "\xf0\x8f\xbf\xbf", false }, /* overlong 4-byte form */
		{ "\xf4\x90\x80\x80", false }, /* U+110000 */
		{ "\xf5\x80\x80\x80", false },
		{ "\xff", false },
		{ "\xc3", false }, /* cut short */
		{ "\xe2\x82", false }, /* cut short */
		{ "\xc3(", false }, /* bad continuation */
		{ "caf\xe9", false }, /* Latin-1 */
	};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		CHECK_MSG(json_utf8_valid(v[i].s, strlen(v[i].s)) == v[i].valid,
			  "case %zu", i);
	return 0;
}

/* Valid UTF-8 is copied; a string that is not is written as Latin-1, whole. */
TEST(invalid_utf8_is_latin1_and_flagged)
{
	struct capture c;
	struct json_writer w;

	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_member_string(&w, "ok", "caf\xc3\xa9");
	json_member_string(&w, "bad", "caf\xe9 \xc3\xa9");
	json_member_string(&w, "after", "x");
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, NULL),
		     "{\"ok\":\"caf\xc3\xa9\",\"bad\":\"caf\\u00e9 \\u00c3\\u00a9\","
		     "\"bad_invalid_utf8\":true,\"after\":\"x\"}\n");
	return 0;
}

/* The flag goes on the member of the innermost object around the string. */
TEST(flag_placement)
{
	struct capture c;
	struct json_writer w;

	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_key(&w, "list");
	json_array_begin(&w);
	json_string(&w, "a");
	json_string(&w, "\xff");
	json_array_end(&w);
	json_key(&w, "obj");
	json_object_begin(&w);
	json_member_string(&w, "in", "\xfe");
	json_object_end(&w);
	json_key(&w, "k\xe9y");
	json_int(&w, 1);
	json_key(&w, "last");
	json_array_begin(&w);
	json_string(&w, "\x80");
	json_array_end(&w);
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, NULL),
		     "{\"list\":[\"a\",\"\\u00ff\"],\"list_invalid_utf8\":true,"
		     "\"obj\":{\"in\":\"\\u00fe\",\"in_invalid_utf8\":true},"
		     "\"k\\u00e9y\":1,\"k\\u00e9y_invalid_utf8\":true,"
		     "\"last\":[\"\\u0080\"],\"last_invalid_utf8\":true}\n");
	return 0;
}

/* A document left open (a FATAL exit in the middle) is closed by json_finish(). */
TEST(finish_closes_everything)
{
	struct capture c;
	struct json_writer w;
	int err;

	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_key(&w, "a");
	json_array_begin(&w);
	json_object_begin(&w);
	json_member_string(&w, "x", "\xff");
	CHECK_STR_EQ(capture_end(&c, &w, &err),
		     "{\"a\":[{\"x\":\"\\u00ff\",\"x_invalid_utf8\":true}]}\n");
	CHECK_INT_EQ(err, 0);
	return 0;
}

TEST(misuse_is_reported_and_output_stays_valid)
{
	struct capture c;
	struct json_writer w;
	int err;

	/* a value where a member name is due */
	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_string(&w, "x");
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, &err), "{}\n");
	CHECK_INT_EQ(err, -EINVAL);

	/* a name without its value */
	CHECK(capture_start(&c, &w) != NULL);
	json_object_begin(&w);
	json_key(&w, "k");
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, &err), "{\"k\":null}\n");
	CHECK_INT_EQ(err, -EINVAL);

	/* a second top-level value */
	CHECK(capture_start(&c, &w) != NULL);
	json_int(&w, 1);
	json_int(&w, 2);
	CHECK_STR_EQ(capture_end(&c, &w, &err), "1\n");
	CHECK_INT_EQ(err, -EINVAL);

	/* closing what is not open */
	CHECK(capture_start(&c, &w) != NULL);
	json_array_begin(&w);
	json_object_end(&w);
	CHECK_STR_EQ(capture_end(&c, &w, &err), "[]\n");
	CHECK_INT_EQ(err, -EINVAL);
	return 0;
}

TEST(too_deep)
{
	struct capture c;
	struct json_writer w;
	int err;

	CHECK(capture_start(&c, &w) != NULL);
	for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
		json_array_begin(&w);
	capture_end(&c, &w, &err);
	CHECK_INT_EQ(err, -EINVAL);
	return 0;
}

TEST(document_begin)
{
	struct capture c;
	struct json_writer w;
	int err;

	memset(&c, 0, sizeof(c));
	c.fp = open_memstream(&c.buf, &c.len);
	CHECK(c.fp != NULL);
	json_document_begin(&w, c.fp, "tool");
	json_member_bool(&w, "x", false);
	CHECK_STR_EQ(capture_end(&c, &w, &err),
		     "{\"schema\":1,\"tool\":\"tool\",\"x\":false}\n");
	CHECK_INT_EQ(err, 0);
	return 0;
}

/* The document of a program that exits without finishing is closed at exit. */
TEST(closed_at_exit)
{
	char *dir = test_tmpdir();
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/out", dir);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		static struct json_writer w;
		FILE *fp = fopen(path, "w");

		if (fp == NULL)
			_exit(2);
		json_document_begin(&w, fp, "t");
		json_key(&w, "results");
		json_array_begin(&w);
		json_object_begin(&w);
		exit(1); /* as a FATAL message does */
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_INT_EQ(test_read_file(path, &data, &len), 0);
	test_keep(data);
	CHECK_STR_EQ(data, "{\"schema\":1,\"tool\":\"t\",\"results\":[{}]}\n");
	return 0;
}

TEST_MAIN()
