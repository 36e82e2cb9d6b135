// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testsuite.h"
#include "lib/array.h"
#include "lib/hash.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/* Vectors from formats.md 1.10.2 (computed there by an independent model). */
TEST(superfasthash_vectors)
{
	static const struct {
		const char *s;
		uint32_t h;
	} v[] = {
		{ "", 0 },
		{ "a", 0x115ea782 },
		{ "ab", 0x516b8b44 },
		{ "abc", 0xd2be198a },
		{ "abcd", 0xdad8b8db },
		{ "fuse", 0x8b6d2a1d },
		{ "x_tables", 0xe7cbb6fd },
		{ "xt_LOG", 0xe648d106 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		CHECK_INT_EQ(hash_superfast(v[i].s, strlen(v[i].s)), v[i].h);
	CHECK_INT_EQ(hash_superfast("fuse", 4) & 511, 29);
	CHECK_INT_EQ(hash_superfast("x_tables", 8) & 511, 253);
	return 0;
}

TEST(alias_normalize_ranges)
{
	char buf[PATH_MAX];
	size_t len;

	CHECK_INT_EQ(alias_normalize("char-major-10-229", buf, &len), 0);
	CHECK_STR_EQ(buf, "char_major_10_229");
	CHECK_INT_EQ(len, 17);
	CHECK_INT_EQ(alias_normalize("usb:v1645p0007d01[0-2]*", buf, NULL), 0);
	CHECK_STR_EQ(buf, "usb:v1645p0007d01[0-2]*");
	CHECK_INT_EQ(alias_normalize("a-[b-c]-d", buf, NULL), 0);
	CHECK_STR_EQ(buf, "a_[b-c]_d");
	CHECK_INT_EQ(alias_normalize("bad[-", buf, NULL), -EINVAL);
	CHECK_INT_EQ(alias_normalize("bad]-", buf, NULL), -EINVAL);
	return 0;
}

TEST(underscores_in_place)
{
	char s1[] = "snd-hda-[a-b]", s2[] = "x]", s3[] = "x[";

	CHECK_INT_EQ(underscores(s1), 0);
	CHECK_STR_EQ(s1, "snd_hda_[a-b]");
	CHECK_INT_EQ(underscores(s2), -EINVAL);
	CHECK_INT_EQ(underscores(s3), -EINVAL);
	return 0;
}

TEST(modname_from_path)
{
	char buf[PATH_MAX];

	CHECK_STR_EQ(path_to_modname("/lib/modules/x/snd-hda-intel.ko.xz", buf, NULL),
		     "snd_hda_intel");
	CHECK_STR_EQ(modname_normalize("a-b.c-d", buf, NULL), "a_b");
	CHECK(path_ends_with_kmod_ext("x.ko", 4));
	CHECK(!path_ends_with_kmod_ext("x.ko.bz2", 8));
	CHECK(!path_ends_with_kmod_ext("ko", 2));
#if ENABLE_XZ
	CHECK(path_ends_with_kmod_ext("x.ko.xz", 7));
#endif
	return 0;
}

TEST(strbuf_grows)
{
	_cleanup_strbuf_ struct strbuf buf;
	char *s;

	strbuf_init(&buf);
	for (int i = 0; i < 1000; i++)
		CHECK(strbuf_pushchars(&buf, "ab"));
	CHECK_INT_EQ(strbuf_used(&buf), 2000);
	strbuf_popchar(&buf);
	strbuf_popchars(&buf, 5000);
	CHECK_INT_EQ(strbuf_used(&buf), 0);
	CHECK(strbuf_pushmem(&buf, "x\0y", 3));
	s = strbuf_steal(&buf);
	CHECK(s != NULL);
	CHECK_MEM_EQ(s, 4, "x\0y\0", 4);
	free(s);
	return 0;
}

TEST(array_ops)
{
	struct array a;
	int x[5];

	array_init(&a, 2);
	for (int i = 0; i < 5; i++)
		CHECK_INT_EQ(array_append(&a, &x[i]), i);
	CHECK_INT_EQ(array_append_unique(&a, &x[2]), 2);
	CHECK_INT_EQ(a.count, 5);
	CHECK_INT_EQ(array_remove_at(&a, 0), 0);
	CHECK(a.array[0] == &x[1]);
	CHECK_INT_EQ(array_remove_at(&a, 10), -ENOENT);
	array_pop(&a);
	CHECK_INT_EQ(a.count, 3);
	array_free_array(&a);
	return 0;
}

TEST(hash_ops)
{
	struct hash *h = hash_new(8, free);
	struct hash_iter it;
	const char *key;
	const void *val;
	char keys[200][16];
	unsigned int n = 0;

	CHECK(h != NULL);
	for (int i = 0; i < 200; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%d", i);
		CHECK_INT_EQ(hash_add(h, keys[i], strdup(keys[i])), 0);
	}
	CHECK_INT_EQ(hash_get_count(h), 200);
	CHECK_STR_EQ(hash_find(h, "key77"), "key77");
	CHECK_INT_EQ(hash_add_unique(h, keys[5], NULL), -EEXIST);
	CHECK_INT_EQ(hash_del(h, "key5"), 0);
	CHECK_INT_EQ(hash_del(h, "key5"), -ENOENT);
	CHECK(hash_find(h, "key5") == NULL);
	hash_iter_init(h, &it);
	while (hash_iter_next(&it, &key, &val)) {
		CHECK_STR_EQ(key, val);
		n++;
	}
	CHECK_INT_EQ(n, 199);
	hash_free(h);
	return 0;
}

TEST(list_ops)
{
	struct kmod_list *l = NULL, *it;
	int v[4] = { 0, 1, 2, 3 }, i = 0;

	l = kmod_list_append(l, &v[1]);
	l = kmod_list_append(l, &v[2]);
	l = kmod_list_prepend(l, &v[0]);
	l = kmod_list_append(l, &v[3]);
	CHECK_INT_EQ(kmod_list_count(l), 4);
	kmod_list_foreach (it, l)
		CHECK(it->data == &v[i++]);
	CHECK(kmod_list_last(l)->data == &v[3]);
	CHECK(kmod_list_prev(l, l) == NULL);
	l = kmod_list_remove_data(l, &v[0]);
	CHECK(l->data == &v[1]);
	l = kmod_list_remove_n_latest(l, 2);
	CHECK_INT_EQ(kmod_list_count(l), 1);
	i = 3;
	kmod_list_foreach_reverse (it, l)
		i = *(int *)it->data;
	CHECK_INT_EQ(i, 1);
	kmod_list_free(l);
	return 0;
}

TEST(readline_wrapped)
{
	static const char text[] = "a=1 \\\n  b=2\nx\\y\n\nlast\\";
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");
	unsigned int n = 0;
	char *line;

	CHECK(fp != NULL);
	line = freadline_wrapped(fp, &n);
	CHECK_STR_EQ(line, "a=1   b=2");
	CHECK_INT_EQ(n, 2);
	free(line);
	line = freadline_wrapped(fp, &n);
	CHECK_STR_EQ(line, "xy");
	CHECK_INT_EQ(n, 3);
	free(line);
	line = freadline_wrapped(fp, &n);
	CHECK_STR_EQ(line, "");
	free(line);
	line = freadline_wrapped(fp, &n);
	CHECK_STR_EQ(line, "last");
	free(line);
	CHECK(freadline_wrapped(fp, &n) == NULL);
	fclose(fp);
	return 0;
}

TEST(read_numbers)
{
	char *dir = test_tmpdir(), path[PATH_MAX];
	long v;
	int fd;

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/n", dir);
	CHECK_INT_EQ(test_write_str(path, "42\n"), 0);
	fd = open(path, O_RDONLY);
	CHECK_INT_EQ(read_str_long(fd, &v, 10), 0);
	CHECK_INT_EQ(v, 42);
	close(fd);
	CHECK_INT_EQ(test_write_str(path, "4x2\n"), 0);
	fd = open(path, O_RDONLY);
	CHECK_INT_EQ(read_str_long(fd, &v, 10), -EINVAL);
	close(fd);
	free(dir);
	return 0;
}

TEST_MAIN()
