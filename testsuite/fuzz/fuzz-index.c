// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "index": the input is opened as a .bin index from memory (formats.md
 * 1), then exact, all-values and wildcard lookups of fixed keys and of a key taken
 * from the input's own bytes run, and the whole index is dumped. The exact lookup
 * must give the first value of the all-values lookup. "--make-corpus DIR" (replay
 * build) writes hostile inputs: truncations and byte corruptions of indexes built by
 * our writer, cycles, shared subtrees, huge counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/index.h"
#include "lib/macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int devnull = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *fixed[] = {
		"",
		"a",
		"x_tables",
		"pci:v00008086d00001234sv0sd0bc02sc00i00",
		"usb:v1D6Bp0002d0601dc09dsc00dp03ic09isc00ip00in00",
		"symbol:printk",
		"*",
		"[",
		"\\"
	};
	struct index_mm *idx;
	char key[64];
	size_t klen;

	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (index_mm_open_mem(NULL, data, size, &idx) < 0)
		return 0;

	/* a key made of the input's last bytes reaches deeper into its own trie */
	klen = MIN(size - 12, sizeof(key) - 1);
	memcpy(key, data + size - klen, klen);
	key[klen] = '\0';

	for (size_t i = 0; i <= ARRAY_SIZE(fixed); i++) {
		const char *k = i < ARRAY_SIZE(fixed) ? fixed[i] : key;

		char *first = index_mm_search(idx, k);
		struct index_value *all = index_mm_search_all(idx, k);

		if ((first == NULL) != (all == NULL) ||
		    (first != NULL && strcmp(first, all->value) != 0))
			abort();
		free(first);
		index_values_free(all);
		index_values_free(index_mm_searchwild(idx, k));
	}
	(void)index_mm_dump(idx, devnull, "alias ");
	index_mm_close(idx);
	return 0;
}

#ifndef FUZZ_LIBFUZZER
static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

static int save(const char *dir, const char *name, int n, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%03d.bin", dir, name, n);
	f = fopen(path, "we");
	if (f == NULL)
		return -errno;
	fwrite(data, 1, len, f);
	return fclose(f) == 0 ? 0 : -EIO;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int make_corpus(const char *dir)
{
	static const char alpha[] = "ab*?[]!-\\x";
	uint8_t hdr[12] = { 0xb0, 0x07, 0xf4, 0x57, 0, 2, 0, 1 };
	int n = 0;

	for (int round = 0; round < 8; round++) {
		struct index_writer *w = index_writer_new();
		char *buf = NULL;
		size_t len = 0;
		FILE *f;

		for (int k = 0; k < 3 + round * 5; k++) {
			char key[12], val[16];
			size_t kl = rnd(sizeof(key));

			for (size_t i = 0; i < kl; i++)
				key[i] = alpha[rnd(sizeof(alpha) - 1)];
			key[kl] = '\0';
			snprintf(val, sizeof(val), "m%d", k);
			(void)index_writer_insert(w, key, val, rnd(4));
		}
		f = open_memstream(&buf, &len);
		if (f == NULL || index_writer_write(w, f) < 0)
			return 1;
		fclose(f);
		index_writer_free(w);

		save(dir, "valid", round, buf, len);
		for (int t = 0; t < 6; t++)
			save(dir, "truncated", n++, buf, rnd(len));
		for (int t = 0; t < 12; t++) {
			size_t pos = 8 + rnd(len - 8);

			/* point a node pointer or a count somewhere hostile */
			if (pos + 4 <= len && t % 3 == 0)
				put32((uint8_t *)buf + pos,
				      rnd(2) ? 0x6000000c : 0xffffffff);
			else
				buf[pos] = "\x00\xff\x7f\x0c\x80"[rnd(5)];
			save(dir, "corrupt", n++, buf, len);
		}
		free(buf);
	}

	{
		/* root whose '*' and 'a' children are the root itself */
		uint8_t f[40] = { 0 };

		memcpy(f, hdr, 8);
		put32(f + 8, 0x6000000c);
		f[12] = '*';
		f[13] = '*';
		put32(f + 14, 0x6000000c);
		put32(f + 18, 1);
		memcpy(f + 26, "loop", 5);
		save(dir, "cycle", 0, f, 31);
	}
	{
		/* 8 levels of 128 children sharing one node each */
		enum {
			L = 8,
			T = 2 + 4 * 128
		};
		static uint8_t f[12 + L * T + 16];

		memcpy(f, hdr, 8);
		put32(f + 8, 0x2000000c);
		for (int l = 0; l < L; l++) {
			uint8_t *p = f + 12 + l * T;

			p[0] = 0;
			p[1] = 127;
			for (int c = 0; c < 128; c++)
				put32(p + 2 + 4 * c,
				      (12 + (l + 1) * T) |
					      (l + 1 < L ? 0x20000000 : 0x40000000));
		}
		put32(f + 12 + L * T, 1);
		memcpy(f + 12 + L * T + 8, "leaf", 5);
		save(dir, "shared", 0, f, sizeof(f));
	}
	{
		/* huge value count, prefix without NUL, bad child ranges */
		uint8_t f[64];

		memset(f, 'x', sizeof(f));
		memcpy(f, hdr, 8);
		put32(f + 8, 0xe000000c);
		save(dir, "nonul", 0, f, sizeof(f));
		memset(f, 0, sizeof(f));
		memcpy(f, hdr, 8);
		put32(f + 8, 0x4000000c);
		put32(f + 12, 0xffffffff);
		save(dir, "count", 0, f, sizeof(f));
		put32(f + 8, 0x2000000c);
		f[12] = 'z';
		f[13] = 'a';
		save(dir, "range", 0, f, sizeof(f));
		f[12] = 0;
		f[13] = 0xff;
		save(dir, "range", 1, f, sizeof(f));
		save(dir, "short", 0, f, 11);
	}
	return 0;
}

#endif

#define FUZZ_MAKE_CORPUS make_corpus
#include "fuzz-main.h"
