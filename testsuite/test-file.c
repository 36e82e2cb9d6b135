// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * file.c and the decompressors: magic detection, mapping, whole-image
 * decompression of what the gzip/xz/zstd command-line tools write (the oracle),
 * concatenated and trailing data, corrupt and truncated streams, ERR messages,
 * and that the decompression libraries are loaded only when needed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/ctx.h"
#include "lib/file.h"
#include "lib/kmod-elf.h"
#include "lib/macro.h"
#include "lib/signature.h"
#include "modgen.h"

static void file_freep(struct kmod_file **f)
{
	file_free(*f);
}
#define _cleanup_file_ _cleanup_(file_freep)

/* ---- captured library log ------------------------------------------------------ */

static char logbuf[4096];

static void capture_log(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	size_t used = strlen(logbuf);

	if (used < sizeof(logbuf) - 1)
		vsnprintf(logbuf + used, sizeof(logbuf) - used, format, args);
}

static struct kmod_ctx log_ctx = {
	.log = { .fn = capture_log, .priority = LOG_ERR },
};

/* ---- helpers --------------------------------------------------------------------- */

/* Whether the decompressor for type was built in (config.h). */
static bool built_in(enum kmod_file_compression_type type)
{
	switch (type) {
	case KMOD_FILE_COMPRESSION_ZSTD:
		return ENABLE_ZSTD;
	case KMOD_FILE_COMPRESSION_XZ:
		return ENABLE_XZ;
	case KMOD_FILE_COMPRESSION_ZLIB:
		return ENABLE_ZLIB;
	default:
		return true;
	}
}

static int sh(const char *fmt, ...) _printf_(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	struct test_run r;
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	if (test_run(&r, argv, NULL) < 0)
		return -1;
	status = r.status;
	if (status != 0)
		fprintf(stderr, "command failed (%d): %s\n%s", status, cmd, r.err);
	test_run_release(&r);
	return status;
}

/* Opens and loads path; returns the error of whichever step failed. */
static int load_path(const char *path, struct kmod_file **out)
{
	struct kmod_file *f;
	int err = file_open(&log_ctx, path, &f);

	if (err < 0)
		return err;
	err = file_load_contents(f);
	if (err < 0) {
		file_free(f);
		return err;
	}
	*out = f;
	return 0;
}

/* Decompresses path and compares the image with expect[0..len). */
static int check_image(const char *path, const void *expect, size_t len,
		       enum kmod_file_compression_type type)
{
	_cleanup_file_ struct kmod_file *f = NULL;

	if (!built_in(type)) {
		/* compiled out: a clear error instead of the image */
		logbuf[0] = '\0';
		CHECK_INT_EQ(load_path(path, &f), -ENOSYS);
		CHECK_MSG(strstr(logbuf, "support was not built in") != NULL, "log: '%s'",
			  logbuf);
		return 0;
	}
	CHECK_INT_EQ(load_path(path, &f), 0);
	CHECK_INT_EQ(file_get_compression(f), type);
	CHECK_MEM_EQ(file_get_contents(f), file_get_size(f), expect, len);
	return 0;
}

/* A sample payload: a modgen module followed by pseudo-random and repetitive
 * data, so that it is large and compresses unevenly. */
static int make_payload(size_t extra, uint8_t **data, size_t *len)
{
	struct modgen_module *m = modgen_new("payload");
	void *img;
	size_t ilen;
	uint8_t *p;
	uint32_t x = 12345;

	if (m == NULL || modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_build(m, &img, &ilen) < 0) {
		modgen_free(m);
		return -ENOMEM;
	}
	modgen_free(m);
	p = malloc(ilen + extra);
	if (p == NULL) {
		free(img);
		return -ENOMEM;
	}
	memcpy(p, img, ilen);
	free(img);
	for (size_t i = 0; i < extra; i++) {
		x = x * 1103515245 + 12345;
		p[ilen + i] = (i / 4096) % 16 == 0 ? (uint8_t)(x >> 16) :
						     (uint8_t)("module"[i % 6]);
	}
	*data = p;
	*len = ilen + extra;
	return 0;
}

/* ---- detection and plain files --------------------------------------------------- */

TEST(detect_by_magic)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum kmod_file_compression_type type;
	} v[] = {
		{ "\x28\xb5\x2f\xfd\0\0\0", 7, KMOD_FILE_COMPRESSION_ZSTD },
		{ "\xfd\x37\x7a\x58\x5a\0\0", 7, KMOD_FILE_COMPRESSION_XZ },
		{ "\x1f\x8b\x08\0\0\0", 6, KMOD_FILE_COMPRESSION_ZLIB },
		{ "\x7f"
		  "ELF\2\1\1",
		  7, KMOD_FILE_COMPRESSION_NONE },
		/* xz needs all six bytes */
		{ "\xfd\x37\x7a\x58\x5a\1", 6, KMOD_FILE_COMPRESSION_NONE },
		{ "hello!", 6, KMOD_FILE_COMPRESSION_NONE },
	};
	_cleanup_free_ char *dir = test_tmpdir();
	char path[PATH_MAX];

	CHECK(dir != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		_cleanup_file_ struct kmod_file *f = NULL;

		/* the name says nothing: a .ko.gz name on zstd content is zstd */
		snprintf(path, sizeof(path), "%s/m%zu.ko.gz", dir, i);
		CHECK_INT_EQ(test_write_file(path, v[i].bytes, v[i].len), 0);
		CHECK_INT_EQ(file_open(NULL, path, &f), 0);
		CHECK_INT_EQ(file_get_compression(f), v[i].type);
		CHECK(file_get_fd(f) >= 0);
	}
	CHECK_STR_EQ(file_compression_name(KMOD_FILE_COMPRESSION_ZSTD), "zstd");
	CHECK_STR_EQ(file_compression_name(KMOD_FILE_COMPRESSION_XZ), "xz");
	CHECK_STR_EQ(file_compression_name(KMOD_FILE_COMPRESSION_ZLIB), "gzip");
	CHECK(file_compression_name(KMOD_FILE_COMPRESSION_NONE) == NULL);
	return 0;
}

TEST(short_or_missing_files)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char path[PATH_MAX];
	struct kmod_file *f = (void *)0x1;

	CHECK(dir != NULL);
	for (size_t len = 0; len < 6; len++) {
		snprintf(path, sizeof(path), "%s/short%zu.ko", dir, len);
		CHECK_INT_EQ(test_write_file(path,
					     "\x7f"
					     "ELF\2\1",
					     len),
			     0);
		CHECK_INT_EQ(file_open(NULL, path, &f), -EINVAL);
	}
	snprintf(path, sizeof(path), "%s/missing.ko", dir);
	CHECK_INT_EQ(file_open(NULL, path, &f), -ENOENT);
	CHECK(f == (void *)0x1);
	return 0;
}

TEST(plain_file_is_mapped)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ uint8_t *data = NULL;
	_cleanup_file_ struct kmod_file *f = NULL;
	char path[PATH_MAX];
	struct stat a, b;
	const void *first;
	size_t len;

	CHECK(dir != NULL);
	CHECK_INT_EQ(make_payload(10000, &data, &len), 0);
	snprintf(path, sizeof(path), "%s/plain.ko", dir);
	CHECK_INT_EQ(test_write_file(path, data, len), 0);
	CHECK_INT_EQ(file_open(NULL, path, &f), 0);
	CHECK(file_get_contents(f) == NULL);
	CHECK_INT_EQ(file_load_contents(f), 0);
	first = file_get_contents(f);
	CHECK_MEM_EQ(first, file_get_size(f), data, len);
	/* idempotent */
	CHECK_INT_EQ(file_load_contents(f), 0);
	CHECK(file_get_contents(f) == first);
	/* the descriptor is the file's */
	CHECK_INT_EQ(fstat(file_get_fd(f), &a), 0);
	CHECK_INT_EQ(stat(path, &b), 0);
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	return 0;
}

/* ---- compressed images --------------------------------------------------------- */

static const struct {
	const char *ext;
	const char *cmd; /* compresses stdin to stdout */
	enum kmod_file_compression_type type;
} tools[] = {
	{ "gz", "gzip -n -c", KMOD_FILE_COMPRESSION_ZLIB },
	{ "gz", "gzip -9 -c", KMOD_FILE_COMPRESSION_ZLIB },
	{ "xz", "xz -c", KMOD_FILE_COMPRESSION_XZ },
	{ "xz", "xz -c --check=crc32 --lzma2=dict=1MiB", KMOD_FILE_COMPRESSION_XZ },
	{ "xz", "xz -c -T2 --block-size=65536", KMOD_FILE_COMPRESSION_XZ },
	{ "xz", "xz -c --check=none -0", KMOD_FILE_COMPRESSION_XZ },
	{ "zst", "zstd -q -c", KMOD_FILE_COMPRESSION_ZSTD },
	{ "zst", "zstd -q -c --no-content-size", KMOD_FILE_COMPRESSION_ZSTD },
	{ "zst", "zstd -q -c -12", KMOD_FILE_COMPRESSION_ZSTD },
};

TEST(compressed_roundtrip_small_and_large)
{
	static const size_t sizes[] = { 0, 3000, 8u << 20 };
	_cleanup_free_ char *dir = test_tmpdir();
	char in[PATH_MAX], out[PATH_MAX];

	CHECK(dir != NULL);
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		_cleanup_free_ uint8_t *data = NULL;
		size_t len;

		CHECK_INT_EQ(make_payload(sizes[s], &data, &len), 0);
		snprintf(in, sizeof(in), "%s/in%zu.ko", dir, s);
		CHECK_INT_EQ(test_write_file(in, data, len), 0);
		for (size_t t = 0; t < ARRAY_SIZE(tools); t++) {
			snprintf(out, sizeof(out), "%s/m%zu-%zu.ko.%s", dir, s, t,
				 tools[t].ext);
			CHECK_INT_EQ(sh("%s < '%s' > '%s'", tools[t].cmd, in, out), 0);
			CHECK_MSG(check_image(out, data, len, tools[t].type) == 0,
				  "%s, %zu bytes", tools[t].cmd, len);
		}
	}
	return 0;
}

TEST(concatenated_streams_are_joined)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char a[PATH_MAX], b[PATH_MAX], out[PATH_MAX];
	_cleanup_free_ uint8_t *joined = NULL;
	static const char ta[] = "first part of the image\n", tb[] = "second part\n";

	CHECK(dir != NULL);
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	CHECK_INT_EQ(test_write_str(a, ta), 0);
	CHECK_INT_EQ(test_write_str(b, tb), 0);
	joined = malloc(sizeof(ta) + sizeof(tb));
	CHECK(joined != NULL);
	memcpy(joined, ta, strlen(ta));
	memcpy(joined + strlen(ta), tb, strlen(tb));
	for (size_t t = 0; t < ARRAY_SIZE(tools); t++) {
		snprintf(out, sizeof(out), "%s/cat%zu.%s", dir, t, tools[t].ext);
		CHECK_INT_EQ(sh("{ %s < '%s'; %s < '%s'; } > '%s'", tools[t].cmd, a,
				tools[t].cmd, b, out),
			     0);
		CHECK_MSG(check_image(out, joined, strlen(ta) + strlen(tb),
				      tools[t].type) == 0,
			  "%s", tools[t].cmd);
	}
	return 0;
}

TEST(trailing_data)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char a[PATH_MAX], out[PATH_MAX];
	struct kmod_file *f = NULL;
	static const char ta[] = "image bytes\n";

	CHECK(dir != NULL);
	snprintf(a, sizeof(a), "%s/a", dir);
	CHECK_INT_EQ(test_write_str(a, ta), 0);

	/* gzip(1) ignores zero padding after the last member; so do we */
	snprintf(out, sizeof(out), "%s/pad.gz", dir);
	CHECK_INT_EQ(sh("{ gzip -c < '%s'; head -c 100 /dev/zero; } > '%s'", a, out), 0);
	CHECK(check_image(out, ta, strlen(ta), KMOD_FILE_COMPRESSION_ZLIB) == 0);
	/* xz stream padding (multiples of 4 NULs) is part of the format */
	snprintf(out, sizeof(out), "%s/pad.xz", dir);
	CHECK_INT_EQ(sh("{ xz -c < '%s'; head -c 8 /dev/zero; } > '%s'", a, out), 0);
	CHECK(check_image(out, ta, strlen(ta), KMOD_FILE_COMPRESSION_XZ) == 0);

	/* garbage after an xz or zstd stream is an error */
	snprintf(out, sizeof(out), "%s/junk.xz", dir);
	CHECK_INT_EQ(sh("{ xz -c < '%s'; printf 'junk'; } > '%s'", a, out), 0);
	CHECK_INT_EQ(load_path(out, &f), ENABLE_XZ ? -EINVAL : -ENOSYS);
	snprintf(out, sizeof(out), "%s/junk.zst", dir);
	CHECK_INT_EQ(sh("{ zstd -q -c < '%s'; printf 'junk-junk'; } > '%s'", a, out), 0);
	CHECK_INT_EQ(load_path(out, &f), ENABLE_ZSTD ? -EINVAL : -ENOSYS);
	CHECK(f == NULL);
	return 0;
}

TEST(truncated_streams_fail_cleanly)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ uint8_t *data = NULL;
	char in[PATH_MAX], out[PATH_MAX], cut[PATH_MAX];
	size_t len;

	CHECK(dir != NULL);
	CHECK_INT_EQ(make_payload(200000, &data, &len), 0);
	snprintf(in, sizeof(in), "%s/in.ko", dir);
	CHECK_INT_EQ(test_write_file(in, data, len), 0);
	for (size_t t = 0; t < ARRAY_SIZE(tools); t++) {
		_cleanup_free_ char *z = NULL;
		size_t zlen;

		snprintf(out, sizeof(out), "%s/t%zu.%s", dir, t, tools[t].ext);
		CHECK_INT_EQ(sh("%s < '%s' > '%s'", tools[t].cmd, in, out), 0);
		CHECK_INT_EQ(test_read_file(out, &z, &zlen), 0);
		for (size_t cl = 6; cl < zlen;
		     cl += (cl < zlen - 64 ? zlen / 41 + 1 : 1)) {
			struct kmod_file *f = NULL;
			int err;

			snprintf(cut, sizeof(cut), "%s/cut.%s", dir, tools[t].ext);
			CHECK_INT_EQ(test_write_file(cut, z, cl), 0);
			err = load_path(cut, &f);
			/* gzip without its 8-byte trailer, or a cut inside it, must fail too */
			CHECK_MSG(err == (built_in(tools[t].type) ? -EINVAL : -ENOSYS),
				  "%s cut at %zu/%zu: %d", tools[t].cmd, cl, zlen, err);
			CHECK(f == NULL);
		}
	}
	return 0;
}

TEST(garbage_after_magic_fails)
{
	static const char *const magics[] = { "\x28\xb5\x2f\xfd", "\xfd\x37\x7a\x58\x5a",
					      "\x1f\x8b" };
	static const size_t mlen[] = { 4, 6, 2 };
	static const enum kmod_file_compression_type types[] = {
		KMOD_FILE_COMPRESSION_ZSTD, KMOD_FILE_COMPRESSION_XZ,
		KMOD_FILE_COMPRESSION_ZLIB
	};
	_cleanup_free_ char *dir = test_tmpdir();
	char path[PATH_MAX];
	uint8_t buf[5000];
	uint32_t x = 7;

	CHECK(dir != NULL);
	for (size_t m = 0; m < ARRAY_SIZE(magics); m++) {
		for (int round = 0; round < 50; round++) {
			struct kmod_file *f = NULL;
			size_t n = 6 + (size_t)round * 97 % (sizeof(buf) - 6);

			for (size_t i = 0; i < n; i++) {
				x = x * 1664525 + 1013904223;
				buf[i] = (uint8_t)(x >> 24);
			}
			memcpy(buf, magics[m], mlen[m]);
			snprintf(path, sizeof(path), "%s/garbage%zu", dir, m);
			CHECK_INT_EQ(test_write_file(path, buf, n), 0);
			CHECK_INT_EQ(load_path(path, &f),
				     built_in(types[m]) ? -EINVAL : -ENOSYS);
		}
	}
	return 0;
}

TEST(corrupt_stream_logs_error)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char path[PATH_MAX];
	struct kmod_file *f = NULL;
	static const struct {
		const char *bytes;
		size_t len;
		const char *prefix;
		enum kmod_file_compression_type type;
	} v[] = {
		{ "\xfd\x37\x7a\x58\x5a\0\0\0\0\0\0\0\0\0", 14,
		  "xz: ", KMOD_FILE_COMPRESSION_XZ },
		{ "\x28\xb5\x2f\xfd\xff\xff\xff\xff\xff", 9,
		  "zstd: ", KMOD_FILE_COMPRESSION_ZSTD },
		{ "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff", 13,
		  "gzip: ", KMOD_FILE_COMPRESSION_ZLIB },
	};

	test_need_feature("logging"); /* checks the library's messages */
	CHECK(dir != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		logbuf[0] = '\0';
		snprintf(path, sizeof(path), "%s/bad%zu", dir, i);
		CHECK_INT_EQ(test_write_file(path, v[i].bytes, v[i].len), 0);
		CHECK_INT_EQ(load_path(path, &f),
			     built_in(v[i].type) ? -EINVAL : -ENOSYS);
		if (!built_in(v[i].type)) {
			CHECK_MSG(strstr(logbuf, ": cannot decompress: ") != NULL,
				  "log: '%s'", logbuf);
			continue;
		}
		CHECK_MSG(strncmp(logbuf, v[i].prefix, strlen(v[i].prefix)) == 0 &&
				  strchr(logbuf, '\n') != NULL,
			  "log: '%s'", logbuf);
	}
	return 0;
}

/* ---- dlopen laziness ------------------------------------------------------------- */

/* Whether the build dlopen()s the library (else it is linked, mapped from the start). */
static bool loaded_lazily(const char *lib)
{
	if (strcmp(lib, "libzstd.so") == 0)
		return ENABLE_ZSTD_DLOPEN || !ENABLE_ZSTD;
	if (strcmp(lib, "liblzma.so") == 0)
		return ENABLE_XZ_DLOPEN || !ENABLE_XZ;
	if (strcmp(lib, "libz.so") == 0)
		return ENABLE_ZLIB_DLOPEN || !ENABLE_ZLIB;
	return true;
}

static bool mapped(const char *lib)
{
	_cleanup_free_ char *maps = NULL;
	size_t len;

	if (test_read_file("/proc/self/maps", &maps, &len) < 0)
		return true;
	return strstr(maps, lib) != NULL;
}

static const char *const libs[] = { "libcrypto.so", "liblzma.so", "libzstd.so",
				    "libz.so" };

TEST(libraries_loaded_only_when_needed)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ uint8_t *data = NULL;
	char in[PATH_MAX], out[PATH_MAX];
	struct kmod_elf *elf;
	struct sig_info sig;
	uint8_t *signed_img;
	size_t len;

	CHECK(dir != NULL);
	CHECK_INT_EQ(make_payload(0, &data, &len), 0);
	snprintf(in, sizeof(in), "%s/m.ko", dir);
	CHECK_INT_EQ(test_write_file(in, data, len), 0);
	for (size_t t = 0; t < ARRAY_SIZE(tools); t += 2) {
		snprintf(out, sizeof(out), "%s/m%zu.ko.%s", dir, t, tools[t].ext);
		CHECK_INT_EQ(sh("%s < '%s' > '%s'", tools[t].cmd, in, out), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++)
		CHECK_MSG(mapped(libs[i]) == !loaded_lazily(libs[i]),
			  "%s mapped at start: %d", libs[i], mapped(libs[i]));

	/* a plain module, parsed, and an X.509-type (non-PKCS#7) trailer */
	{
		_cleanup_file_ struct kmod_file *f = NULL;
		struct kmod_modversion *v;

		CHECK_INT_EQ(load_path(in, &f), 0);
		CHECK_INT_EQ(elf_new(file_get_contents(f), file_get_size(f), &elf), 0);
		if (elf_get_dependency_symbols(elf, &v) >= 0)
			free(v);
		elf_free(elf);
	}
	signed_img = malloc(len + 4 + 12 + 28);
	CHECK(signed_img != NULL);
	memcpy(signed_img, data, len);
	memcpy(signed_img + len, "\xaa\xbb\xcc\xdd", 4);
	memcpy(signed_img + len + 4, "\x01\x04\x01\x00\x00\x00\x00\x00\x00\x00\x00\x04",
	       12);
	memcpy(signed_img + len + 16, "~Module signature appended~\n", 28);
	CHECK(sig_info_get(signed_img, len + 44, &sig));
	CHECK_STR_EQ(sig.id_type, "X509");
	sig_info_release(&sig);
	free(signed_img);
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++)
		CHECK_MSG(mapped(libs[i]) == !loaded_lazily(libs[i]),
			  "%s mapped after plain work: %d", libs[i], mapped(libs[i]));

	/* positive control: each format brings in exactly its library */
	for (size_t t = 0; t < ARRAY_SIZE(tools); t += 2) {
		_cleanup_file_ struct kmod_file *f = NULL;
		const char *lib = tools[t].type == KMOD_FILE_COMPRESSION_XZ ?
					  "liblzma.so" :
				  tools[t].type == KMOD_FILE_COMPRESSION_ZSTD ?
					  "libzstd.so" :
					  "libz.so";

		snprintf(out, sizeof(out), "%s/m%zu.ko.%s", dir, t, tools[t].ext);
		if (!built_in(tools[t].type)) {
			CHECK_INT_EQ(load_path(out, &f), -ENOSYS);
			CHECK(!mapped(lib));
			continue;
		}
		CHECK_INT_EQ(load_path(out, &f), 0);
		CHECK_MSG(mapped(lib), "%s not mapped after reading %s", lib, out);
	}
	CHECK(!mapped("libcrypto.so"));
	return 0;
}

static void *thread_load(void *arg)
{
	struct kmod_file *f;
	int err = load_path(arg, &f);

	if (err == 0) {
		if (file_get_size(f) != strlen("threaded image contents\n"))
			err = -EIO;
		file_free(f);
	}
	return (void *)(intptr_t)err;
}

TEST(threads_share_one_load)
{
	/* several threads racing into the first xz use must all succeed */
	_cleanup_free_ char *dir = test_tmpdir();
	char in[PATH_MAX], out[PATH_MAX];
	pthread_t t[8];

	CHECK(dir != NULL);
	snprintf(in, sizeof(in), "%s/x", dir);
	snprintf(out, sizeof(out), "%s/x.xz", dir);
	CHECK_INT_EQ(test_write_str(in, "threaded image contents\n"), 0);
	CHECK_INT_EQ(sh("xz -c < '%s' > '%s'", in, out), 0);
	if (!ENABLE_XZ)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		CHECK_INT_EQ(pthread_create(&t[i], NULL, thread_load, out), 0);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		void *r;

		CHECK_INT_EQ(pthread_join(t[i], &r), 0);
		CHECK_INT_EQ((intptr_t)r, 0);
	}
	return 0;
}

/* A library that loads but lacks the symbols (libz under libzstd's soname) must
 * give -ENOSYS and an ERR naming the file, the library and the missing symbol.
 * Runs this program again with LD_LIBRARY_PATH pointing at the impostor (only
 * meaningful when libzstd is dlopen()ed: a linked one is resolved at start). */
TEST(broken_library_gives_enosys)
{
	const char *child_file = getenv("MODKIT_TEST_ZSTD_FILE");
	_cleanup_free_ char *dir = NULL;
	char lib[PATH_MAX], zst[PATH_MAX], self[PATH_MAX], env1[PATH_MAX + 32];
	char env2[PATH_MAX + 32];
	struct link_map *lm = NULL;
	struct test_run r;
	void *h;
	ssize_t n;

	test_need_feature("logging"); /* checks the library's messages */
	if (child_file != NULL) {
		struct kmod_file *f = NULL;

		logbuf[0] = '\0';
		CHECK_INT_EQ(load_path(child_file, &f), -ENOSYS);
		CHECK_MSG(strstr(logbuf, ": cannot decompress: " ZSTD_SONAME
					 " is not usable (no symbol ZSTD_") != NULL &&
				  strstr(logbuf, child_file) == logbuf,
			  "log: '%s'", logbuf);
		return 0;
	}
	if (!ENABLE_ZSTD)
		return 0;
	if (!ENABLE_ZSTD_DLOPEN) {
		/* linked: the dynamic linker loaded it, there is nothing to impersonate */
		CHECK(mapped("libzstd.so"));
		return 0;
	}

	dir = test_tmpdir();
	CHECK(dir != NULL);
	h = dlopen(ZLIB_SONAME, RTLD_NOW);
	CHECK(h != NULL);
	CHECK_INT_EQ(dlinfo(h, RTLD_DI_LINKMAP, &lm), 0);
	snprintf(lib, sizeof(lib), "%s/" ZSTD_SONAME, dir);
	CHECK_INT_EQ(sh("cp '%s' '%s'", lm->l_name, lib), 0);
	snprintf(zst, sizeof(zst), "%s/m.ko.zst", dir);
	CHECK_INT_EQ(sh("printf 'module' | zstd -q -c > '%s'", zst), 0);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	self[n] = '\0';
	snprintf(env1, sizeof(env1), "LD_LIBRARY_PATH=%s", dir);
	snprintf(env2, sizeof(env2), "MODKIT_TEST_ZSTD_FILE=%s", zst);
	const char *argv[] = { self, "broken_library_gives_enosys", NULL };
	const char *env[] = { env1, env2, NULL };
	CHECK_INT_EQ(test_run(&r, argv, env), 0);
	CHECK_MSG(r.status == 0 &&
			  strstr(r.out, "ok 1 - broken_library_gives_enosys") != NULL,
		  "child: %d\n%s%s", r.status, r.out, r.err);
	test_run_release(&r);
	return 0;
}

TEST_MAIN()
