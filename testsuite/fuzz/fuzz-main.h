/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The replay driver of the fuzz targets, included once at the end of each fuzz-*.c.
 * In a libFuzzer build (FUZZ_LIBFUZZER defined) it is empty: libFuzzer has the main().
 * Otherwise main() feeds LLVMFuzzerTestOneInput() and prints TAP:
 *
 *   replay-T [--mutate N] [--seed S] [--optional] PATH...
 *
 * A PATH is a file or a directory (its regular files, by name; names starting with
 * '.' and README* are skipped); a PATH after --optional may be missing. Every file
 * is one test case: it runs as it is, then as N variants made by a small seeded
 * mutator (bit flips, boundary bytes and words, cuts, chunks removed, repeated or
 * copied). A variant depends only on S, the file's name and its bytes, so a failure
 * replays identically on every machine. Every input is handed over as an exactly
 * sized heap copy: a read past its end is an ASan report. With MODKIT_FUZZ_SAVE=FILE
 * each input is written to FILE before it runs, so the input of a crash is left
 * there (to be added under regressions/).
 *
 * A target may define before including this file:
 *   FUZZ_INITIALIZE        it defines LLVMFuzzerInitialize(), called first
 *   FUZZ_MAKE_CORPUS(dir)  an int function: "replay-T --make-corpus DIR" calls it
 */
#ifndef FUZZ_LIBFUZZER

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef FUZZ_INITIALIZE
int LLVMFuzzerInitialize(int *argc, char ***argv);
#endif

static uint64_t fuzz_rng;

/* xorshift64*: small, fast and identical everywhere */
static uint64_t fuzz_next(void)
{
	fuzz_rng ^= fuzz_rng >> 12;
	fuzz_rng ^= fuzz_rng << 25;
	fuzz_rng ^= fuzz_rng >> 27;
	return fuzz_rng * 0x2545F4914F6CDD1Dull;
}

static size_t fuzz_below(size_t n)
{
	return n > 0 ? (size_t)(fuzz_next() % n) : 0;
}

/* FNV-1a, to mix a file's name and bytes into the seed */
static uint64_t fuzz_hash(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* One to four edits of buf[0..len) in place (cap bytes available); new length. */
static size_t fuzz_mutate(uint8_t *buf, size_t len, size_t cap)
{
	static const uint8_t bytes[] = {
		0x00, 0x01, 0x7f, 0x80, 0xff, '\n', ' ', '=', '*'
	};
	unsigned int edits = 1 + (unsigned int)fuzz_below(4);

	for (unsigned int e = 0; e < edits; e++) {
		size_t pos = fuzz_below(len), n, from;
		uint32_t w;

		switch (fuzz_below(8)) {
		case 0:
			if (len > 0)
				buf[pos] ^= (uint8_t)(1u << fuzz_below(8));
			break;
		case 1:
			if (len > 0)
				buf[pos] = bytes[fuzz_below(sizeof(bytes))];
			break;
		case 2: {
			const uint32_t words[] = { 0,
						   1,
						   0x7fffffff,
						   0x80000000,
						   0xffffffff,
						   (uint32_t)len,
						   (uint32_t)len - 1,
						   64 };

			if (len < 4)
				break;
			pos = fuzz_below(len - 3);
			w = words[fuzz_below(ARRAY_SIZE(words))];
			if (fuzz_below(2)) /* little- or big-endian */
				w = __builtin_bswap32(w);
			memcpy(buf + pos, &w, 4);
			break;
		}
		case 3:
			len = fuzz_below(len + 1);
			break;
		case 4: /* a chunk repeated in place */
			n = 1 + fuzz_below(len > 64 ? 64 : len);
			if (len == 0 || len + n > cap || pos + n > len)
				break;
			memmove(buf + pos + n, buf + pos, len - pos);
			len += n;
			break;
		case 5: /* a chunk removed */
			n = 1 + fuzz_below(len > 64 ? 64 : len);
			if (len == 0 || pos + n > len)
				break;
			memmove(buf + pos, buf + pos + n, len - pos - n);
			len -= n;
			break;
		case 6: /* a chunk copied over another place */
			n = 1 + fuzz_below(len > 16 ? 16 : len);
			from = fuzz_below(len);
			if (len == 0 || pos + n > len || from + n > len)
				break;
			memmove(buf + pos, buf + from, n);
			break;
		default:
			if (len > 0)
				buf[pos] = (uint8_t)fuzz_next();
			break;
		}
	}
	return len;
}

static int fuzz_read(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;
	int err = 0;

	if (f == NULL)
		return -errno;
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (nb == NULL) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	if (err == 0 && ferror(f))
		err = -EIO;
	fclose(f);
	if (err < 0) {
		free(buf);
		return err;
	}
	*data = buf;
	*size = len;
	return 0;
}

/* Runs one input from an exactly sized copy (MODKIT_FUZZ_SAVE: written there first). */
static void fuzz_run(const uint8_t *data, size_t size)
{
	const char *save = getenv("MODKIT_FUZZ_SAVE");
	uint8_t *exact = malloc(size > 0 ? size : 1);

	if (exact == NULL)
		abort();
	memcpy(exact, data, size);
	if (save != NULL) {
		FILE *f = fopen(save, "wbe");

		if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
			abort();
	}
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
}

static int fuzz_case(const char *path, const char *name, unsigned int variants,
		     uint64_t seed, unsigned int *n)
{
	uint8_t *data = NULL, *buf;
	size_t size = 0, cap;
	int err = fuzz_read(path, &data, &size);

	++*n;
	if (err < 0) {
		printf("not ok %u - %s: %s\n", *n, path, strerror(-err));
		return -1;
	}
	fuzz_run(data, size);
	cap = size * 2 + 64;
	buf = malloc(cap);
	if (buf == NULL)
		abort();
	fuzz_rng = fuzz_hash(fuzz_hash(seed, name, strlen(name)), data, size) | 1;
	for (unsigned int v = 0; v < variants; v++) {
		size_t len;

		memcpy(buf, data, size);
		len = fuzz_mutate(buf, size, cap);
		fuzz_run(buf, len);
	}
	free(buf);
	free(data);
	printf("ok %u - %s\n", *n, path);
	fflush(stdout);
	return 0;
}

static int fuzz_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fuzz_path(const char *path, unsigned int variants, uint64_t seed,
		     unsigned int *n)
{
	struct dirent *de;
	char **names = NULL;
	size_t count = 0;
	struct stat st;
	DIR *dir;
	int ret = 0;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		const char *base = strrchr(path, '/');

		return fuzz_case(path, base ? base + 1 : path, variants, seed, n);
	}
	dir = opendir(path);
	if (dir == NULL) {
		printf("not ok %u - %s: %s\n", ++*n, path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		char **nn;

		if (de->d_name[0] == '.' || strncmp(de->d_name, "README", 6) == 0)
			continue;
		nn = realloc(names, (count + 1) * sizeof(*names));
		if (nn == NULL || (nn[count] = strdup(de->d_name)) == NULL)
			abort();
		names = nn;
		count++;
	}
	closedir(dir);
	if (count > 0)
		qsort(names, count, sizeof(*names), fuzz_cmp_names);
	for (size_t i = 0; i < count; i++) {
		char *full;

		if (asprintf(&full, "%s/%s", path, names[i]) < 0)
			abort();
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    fuzz_case(full, names[i], variants, seed, n) < 0)
			ret = -1;
		free(full);
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char *argv[])
{
	unsigned int variants = 0, n = 0;
	uint64_t seed = 0xcbf29ce484222325ull;
	int ret = EXIT_SUCCESS;

#ifdef FUZZ_MAKE_CORPUS
	if (argc == 3 && strcmp(argv[1], "--make-corpus") == 0)
		return FUZZ_MAKE_CORPUS(argv[2]) != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
#endif
#ifdef FUZZ_INITIALIZE
	LLVMFuzzerInitialize(&argc, &argv);
#endif
	printf("TAP version 13\n");
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
			variants = (unsigned int)strtoul(argv[++i], NULL, 0);
			printf("# %u seeded variants of each input\n", variants);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--optional") == 0 && i + 1 < argc) {
			/* a directory that may not exist yet (no regression input) */
			if (stat(argv[++i], &st) < 0)
				printf("# %s: none\n", argv[i]);
			else if (fuzz_path(argv[i], variants, seed, &n) < 0)
				ret = EXIT_FAILURE;
		} else if (fuzz_path(argv[i], variants, seed, &n) < 0) {
			ret = EXIT_FAILURE;
		}
		fflush(stdout);
	}
	printf("1..%u\n", n);
	return ret;
}

#endif /* !FUZZ_LIBFUZZER */
