// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * signature.c: trailer recognition, raw (PGP/X509) fields, PKCS#7 decoding and
 * the hex layout. PKCS#7 signatures are made with the openssl command line
 * (through libmodgen or directly) and the decoded fields compared with what
 * Debian's kmod 30 modinfo prints for the same file.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/macro.h"
#include "lib/signature.h"
#include "modgen.h"

#define MAGIC "~Module signature appended~\n"

static void sig_releasep(struct sig_info *s)
{
	sig_info_release(s);
}
#define _cleanup_sig_ _cleanup_(sig_releasep)

/* ---- hex formatting ------------------------------------------------------------ */

static char *hex_of_range(size_t n)
{
	char bytes[64];

	for (size_t i = 0; i < n; i++)
		bytes[i] = (char)i;
	return sig_hex_format(bytes, n);
}

TEST(hex_format_layout)
{
	_cleanup_free_ char *h0 = sig_hex_format("", 0);
	_cleanup_free_ char *h2 = sig_hex_format("\xab\x0f", 2);
	_cleanup_free_ char *h20 = hex_of_range(20);
	_cleanup_free_ char *h21 = hex_of_range(21);
	_cleanup_free_ char *h40 = hex_of_range(40);
	_cleanup_free_ char *h41 = hex_of_range(41);

	CHECK_STR_EQ(h0, "");
	CHECK_STR_EQ(h2, "AB:0F");
	CHECK_STR_EQ(h20, "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13");
	CHECK_STR_EQ(h21, "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:\n"
			  "\t\t14");
	CHECK_STR_EQ(h40,
		     "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:\n"
		     "\t\t14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:25:26:27");
	CHECK_STR_EQ(h41,
		     "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:\n"
		     "\t\t14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20:21:22:23:24:25:26:27:\n"
		     "\t\t28");
	return 0;
}

/* ---- raw trailers ---------------------------------------------------------------- */

struct trailer {
	uint8_t algo, hash, id_type;
	const char *signer;
	size_t signer_len;
	const char *key_id;
	size_t key_id_len;
	const char *sig;
	size_t sig_len;
	uint32_t sig_len_field; /* what the info block claims */
};

/* "MODULE" + signer + key id + sig + info + magic, malloc'd. */
static uint8_t *make_trailer(const struct trailer *t, size_t *len)
{
	size_t n = 6 + t->signer_len + t->key_id_len + t->sig_len + 12 + 28;
	uint8_t *p = malloc(n), *q = p;

	if (p == NULL)
		return NULL;
	memcpy(q, "MODULE", 6);
	q += 6;
	memcpy(q, t->signer, t->signer_len);
	q += t->signer_len;
	memcpy(q, t->key_id, t->key_id_len);
	q += t->key_id_len;
	memcpy(q, t->sig, t->sig_len);
	q += t->sig_len;
	*q++ = t->algo;
	*q++ = t->hash;
	*q++ = t->id_type;
	*q++ = (uint8_t)t->signer_len;
	*q++ = (uint8_t)t->key_id_len;
	*q++ = 0;
	*q++ = 0;
	*q++ = 0;
	*q++ = (uint8_t)(t->sig_len_field >> 24);
	*q++ = (uint8_t)(t->sig_len_field >> 16);
	*q++ = (uint8_t)(t->sig_len_field >> 8);
	*q++ = (uint8_t)t->sig_len_field;
	memcpy(q, MAGIC, 28);
	*len = n;
	return p;
}

TEST(raw_trailer_fields)
{
	static const char *const hashes[] = { "md4",	"md5",	  "sha1",
					      "rmd160", "sha256", "sha384",
					      "sha512", "sha224", "sm3" };

	for (uint8_t h = 0; h < 9; h++) {
		for (uint8_t id = 0; id < 2; id++) {
			struct trailer t = {
				.algo = 1,
				.hash = h,
				.id_type = id,
				.signer = "Signer Name",
				.signer_len = 11,
				.key_id = "\x01\x02\xab",
				.key_id_len = 3,
				.sig = "\xde\xad\xbe",
				.sig_len = 3,
				.sig_len_field = 3,
			};
			_cleanup_sig_ struct sig_info s = { 0 };
			_cleanup_free_ uint8_t *img = NULL;
			size_t len;

			img = make_trailer(&t, &len);
			CHECK(img != NULL);
			CHECK(sig_info_get(img, len, &s));
			CHECK_STR_EQ(s.id_type, id == 0 ? "PGP" : "X509");
			CHECK_STR_EQ(s.hash_algo, hashes[h]);
			CHECK_MEM_EQ(s.signer, s.signer_len, "Signer Name", 11);
			CHECK_MEM_EQ(s.key_id, s.key_id_len, "\x01\x02\xab", 3);
			CHECK_MEM_EQ(s.sig, s.sig_len, "\xde\xad\xbe", 3);
		}
	}
	return 0;
}

TEST(raw_trailer_empty_signer_and_key)
{
	struct trailer t = { .algo = 0,
			     .hash = 4,
			     .id_type = 1,
			     .signer = "",
			     .key_id = "",
			     .sig = "\x42",
			     .sig_len = 1,
			     .sig_len_field = 1 };
	_cleanup_sig_ struct sig_info s = { 0 };
	_cleanup_free_ uint8_t *img = NULL;
	size_t len;

	img = make_trailer(&t, &len);
	CHECK(img != NULL);
	CHECK(sig_info_get(img, len, &s));
	CHECK_INT_EQ(s.signer_len, 0);
	CHECK_INT_EQ(s.key_id_len, 0);
	CHECK_INT_EQ(s.sig_len, 1);
	return 0;
}

TEST(bad_trailers_are_unsigned)
{
	static const struct trailer good = {
		.algo = 1,
		.hash = 4,
		.id_type = 1,
		.signer = "ab",
		.signer_len = 2,
		.key_id = "cd",
		.key_id_len = 2,
		.sig = "ef",
		.sig_len = 2,
		.sig_len_field = 2,
	};
	struct trailer t;
	struct sig_info s = { 0 };
	_cleanup_free_ uint8_t *img = NULL;
	size_t len;

	/* the unmodified one is accepted: the rejections below are for their cause */
	img = make_trailer(&good, &len);
	CHECK(img != NULL);
	CHECK(sig_info_get(img, len, &s));
	sig_info_release(&s);
	free(TAKE_PTR(img));

	t = good, t.algo = 2;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	t = good, t.hash = 9;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	t = good, t.id_type = 3;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	t = good, t.sig_len_field = 0;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	/* claims more than the file holds (6 + 2 + 2 + 2 bytes precede the block) */
	t = good, t.sig_len_field = 9;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	t = good, t.sig_len_field = 0xffffffff;
	img = make_trailer(&t, &len);
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));
	/* exactly everything before the block is fine */
	t = good, t.sig_len_field = 8;
	img = make_trailer(&t, &len);
	CHECK(sig_info_get(img, len, &s));
	CHECK_INT_EQ(s.sig_len, 8);
	sig_info_release(&s);
	free(TAKE_PTR(img));
	/* signer + key id beyond the start */
	t = good, t.sig_len_field = 7;
	img = make_trailer(&t, &len);
	CHECK(sig_info_get(img, len, &s)); /* 7 + 2 + 2 = 11 <= 12 */
	sig_info_release(&s);
	free(TAKE_PTR(img));
	t = good, t.sig_len_field = 7, t.signer_len = 2;
	img = make_trailer(&t, &len);
	img[len - 28 - 12 + 3] = 200; /* signer_len 200 */
	CHECK(!sig_info_get(img, len, &s));
	free(TAKE_PTR(img));

	/* magic damaged, or too short around it */
	img = make_trailer(&good, &len);
	img[len - 1] = 'x';
	CHECK(!sig_info_get(img, len, &s));
	img[len - 1] = '\n';
	CHECK(!sig_info_get(img + len - 28, 28, &s));
	CHECK(!sig_info_get(img + len - 39, 39, &s));
	CHECK(!sig_info_get(img, 27, &s));
	CHECK(!sig_info_get(img, 0, &s));
	CHECK(s.signer == NULL && s.sig == NULL);
	return 0;
}

TEST(truncated_trailers_no_crash)
{
	static const struct trailer good = {
		.algo = 1,
		.hash = 4,
		.id_type = 1,
		.signer = "ab",
		.signer_len = 2,
		.key_id = "cd",
		.key_id_len = 2,
		.sig = "ef",
		.sig_len = 2,
		.sig_len_field = 2,
	};
	_cleanup_free_ uint8_t *img = NULL;
	size_t len;

	img = make_trailer(&good, &len);
	CHECK(img != NULL);
	/* every suffix, in an exactly sized buffer */
	for (size_t start = 0; start <= len; start++) {
		size_t n = len - start;
		uint8_t *copy = malloc(n ? n : 1);
		struct sig_info s;
		bool ok;

		CHECK(copy != NULL);
		memcpy(copy, img + start, n);
		ok = sig_info_get(copy, n, &s);
		if (ok)
			sig_info_release(&s);
		/* the trailer needs 6 bytes before the block: 2 + 2 + 2 */
		CHECK_MSG(ok == (start <= 6), "start %zu: %d", start, ok);
		free(copy);
	}
	return 0;
}

/* ---- PKCS#7 ---------------------------------------------------------------------- */

static int run_out(char **out, const char *const argv[])
{
	struct test_run r;
	int status;

	if (test_run(&r, argv, NULL) < 0)
		return -1;
	status = r.status;
	if (status != 0)
		fprintf(stderr, "%s failed: %s", argv[0], r.err);
	*out = r.out;
	r.out = NULL;
	test_run_release(&r);
	return status;
}

/* `modinfo -F field file` of Debian's kmod 30, without the final newline. */
static char *modinfo_field(const char *file, const char *field)
{
	test_need_kmod_oracle();
	const char *argv[] = { "/sbin/modinfo", "-F", field, file, NULL };
	char *out = NULL;

	if (run_out(&out, argv) != 0) {
		free(out);
		return NULL;
	}
	if (out[0] != '\0' && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	return out;
}

static int load(const char *path, uint8_t **data, size_t *len)
{
	char *d;
	int r = test_read_file(path, &d, len);

	if (r == 0)
		*data = (uint8_t *)d;
	return r;
}

/* Compares every decoded field with kmod 30's modinfo output for file. */
static int check_against_modinfo(const char *file, const char *expect_hash)
{
	_cleanup_sig_ struct sig_info s = { 0 };
	_cleanup_free_ uint8_t *data = NULL;
	_cleanup_free_ char *key = NULL, *sig = NULL, *signer = NULL;
	_cleanup_free_ char *m_id = NULL, *m_signer = NULL, *m_key = NULL, *m_hash = NULL;
	_cleanup_free_ char *m_sig = NULL;
	size_t len;

	CHECK_INT_EQ(load(file, &data, &len), 0);
	CHECK(sig_info_get(data, len, &s));
	if (!ENABLE_OPENSSL) {
		/* without libcrypto only the type is known (formats.md 4) */
		CHECK_STR_EQ(s.id_type, "PKCS#7");
		CHECK_STR_EQ(s.hash_algo, "unknown");
		CHECK(s.signer_len == 0 && s.key_id_len == 0 && s.sig_len == 0);
		return 0;
	}
	m_id = modinfo_field(file, "sig_id");
	m_signer = modinfo_field(file, "signer");
	m_key = modinfo_field(file, "sig_key");
	m_hash = modinfo_field(file, "sig_hashalgo");
	m_sig = modinfo_field(file, "signature");
	CHECK(m_id && m_signer && m_key && m_hash && m_sig);

	signer = strndup(s.signer, s.signer_len);
	key = sig_hex_format(s.key_id, s.key_id_len);
	sig = sig_hex_format(s.sig, s.sig_len);
	CHECK_STR_EQ(s.id_type, m_id);
	CHECK_STR_EQ(signer, m_signer);
	CHECK_STR_EQ(key, m_key);
	CHECK_STR_EQ(s.hash_algo, m_hash);
	CHECK_STR_EQ(sig, m_sig);
	if (expect_hash != NULL)
		CHECK_STR_EQ(s.hash_algo, expect_hash);
	return 0;
}

TEST(pkcs7_fields_match_kmod30_modinfo)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ char *serial = NULL, *cert = NULL;
	struct modgen_module *m;
	char path[PATH_MAX], keydir[PATH_MAX];

	CHECK(dir != NULL);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	snprintf(path, sizeof(path), "%s/signed.ko", dir);
	m = modgen_new("signed");
	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, keydir, "Signature test key"), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);
	if (check_against_modinfo(path, "sha256"))
		return 1;

	/* sig_key is the certificate's serial number, signer its CN */
	if (ENABLE_OPENSSL) {
		_cleanup_sig_ struct sig_info s = { 0 };
		_cleanup_free_ uint8_t *data = NULL;
		_cleanup_free_ char *hex = NULL;
		size_t len, j = 0;

		CHECK_INT_EQ(modgen_key_ensure(keydir, "Signature test key", NULL, &cert),
			     0);
		const char *argv[] = { "/usr/bin/openssl", "x509",    "-in", cert,
				       "-noout",	   "-serial", NULL };
		CHECK_INT_EQ(run_out(&serial, argv), 0);
		CHECK(strncmp(serial, "serial=", 7) == 0);
		CHECK_INT_EQ(load(path, &data, &len), 0);
		CHECK(sig_info_get(data, len, &s));
		CHECK_MEM_EQ(s.signer, s.signer_len, "Signature test key", 18);
		hex = sig_hex_format(s.key_id, s.key_id_len);
		for (size_t i = 0; hex[i]; i++) {
			if (hex[i] == ':' || hex[i] == '\n' || hex[i] == '\t')
				continue;
			CHECK_MSG(hex[i] == serial[7 + j], "%s vs %s", hex, serial);
			j++;
		}
		CHECK(serial[7 + j] == '\n');
		/* RSA-2048: 256 signature bytes */
		CHECK_INT_EQ(s.sig_len, 256);
	}
	return 0;
}

/* Signs image with `openssl cms -md md` and appends the kernel trailer. */
static int sign_with(const char *dir, const char *keydir, const char *md, const char *out)
{
	_cleanup_free_ char *key = NULL, *cert = NULL, *p7 = NULL;
	char in[PATH_MAX], p7path[PATH_MAX];
	struct modgen_module *m = modgen_new("md");
	void *img;
	size_t ilen, plen;
	uint8_t *all;
	char *o = NULL;
	int r;

	/* kmod 30 modinfo wants a .modinfo section */
	if (m == NULL || modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_build(m, &img, &ilen) < 0)
		return -1;
	modgen_free(m);
	snprintf(in, sizeof(in), "%s/%s.ko", dir, md);
	snprintf(p7path, sizeof(p7path), "%s/%s.p7s", dir, md);
	r = test_write_file(in, img, ilen);
	if (r < 0 || modgen_key_ensure(keydir, NULL, &key, &cert) < 0)
		return -1;
	const char *argv[] = { "/usr/bin/openssl",
			       "cms",
			       "-sign",
			       "-in",
			       in,
			       "-signer",
			       cert,
			       "-inkey",
			       key,
			       "-md",
			       md,
			       "-binary",
			       "-nocerts",
			       "-noattr",
			       "-outform",
			       "DER",
			       "-out",
			       p7path,
			       NULL };
	if (run_out(&o, argv) != 0)
		return -1;
	free(o);
	if (test_read_file(p7path, &p7, &plen) < 0)
		return -1;
	all = malloc(ilen + plen + 40);
	memcpy(all, img, ilen);
	memcpy(all + ilen, p7, plen);
	memcpy(all + ilen + plen, "\0\0\2\0\0\0\0\0", 8);
	all[ilen + plen + 8] = (uint8_t)(plen >> 24);
	all[ilen + plen + 9] = (uint8_t)(plen >> 16);
	all[ilen + plen + 10] = (uint8_t)(plen >> 8);
	all[ilen + plen + 11] = (uint8_t)plen;
	memcpy(all + ilen + plen + 12, MAGIC, 28);
	r = test_write_file(out, all, ilen + plen + 40);
	free(all);
	free(img);
	return r;
}

TEST(pkcs7_digest_names)
{
	static const char *const mds[] = { "sha1", "sha384", "sha512", "sha224" };
	_cleanup_free_ char *dir = test_tmpdir();
	char keydir[PATH_MAX], out[PATH_MAX];

	CHECK(dir != NULL);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	for (size_t i = 0; i < ARRAY_SIZE(mds); i++) {
		snprintf(out, sizeof(out), "%s/%s.signed.ko", dir, mds[i]);
		CHECK_INT_EQ(sign_with(dir, keydir, mds[i], out), 0);
		if (check_against_modinfo(out, mds[i]))
			return 1;
	}
	return 0;
}

TEST(pkcs7_garbage_is_unsigned)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ uint8_t *data = NULL;
	char keydir[PATH_MAX], out[PATH_MAX];
	size_t len;
	uint32_t x = 99;

	CHECK(dir != NULL);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	snprintf(out, sizeof(out), "%s/s.ko", dir);
	CHECK_INT_EQ(sign_with(dir, keydir, "sha256", out), 0);
	CHECK_INT_EQ(load(out, &data, &len), 0);
	{
		struct sig_info s;

		CHECK(sig_info_get(data, len, &s));
		sig_info_release(&s);
	}
	if (!ENABLE_OPENSSL)
		return 0;
	/* random bytes in place of the DER, and DER cut short by a smaller sig_len */
	{
		size_t plen = (size_t)data[len - 32] << 24 |
			      (size_t)data[len - 31] << 16 | (size_t)data[len - 30] << 8 |
			      data[len - 29];
		uint8_t *der = data + len - 40 - plen;
		_cleanup_free_ uint8_t *saved = malloc(plen);
		struct sig_info s;

		CHECK(saved != NULL);
		memcpy(saved, der, plen);
		for (int round = 0; round < 200; round++) {
			memcpy(der, saved, plen);
			for (int k = 0; k < 1 + round % 8; k++) {
				x = x * 1664525 + 1013904223;
				der[(x >> 8) % plen] = (uint8_t)(x >> 24);
			}
			if (sig_info_get(data, len, &s))
				sig_info_release(&s);
		}
		memcpy(der, saved, plen);
		for (size_t cut = 1; cut < plen; cut += 7) {
			uint8_t *copy = malloc(len - cut);
			size_t nl = plen - cut, clen = len - cut;

			CHECK(copy != NULL);
			/* drop the first cut bytes of the DER and shrink sig_len */
			memcpy(copy, data, len - 40 - plen);
			memcpy(copy + len - 40 - plen, der + cut, nl);
			memcpy(copy + clen - 40, data + len - 40, 40);
			copy[clen - 32] = (uint8_t)(nl >> 24);
			copy[clen - 31] = (uint8_t)(nl >> 16);
			copy[clen - 30] = (uint8_t)(nl >> 8);
			copy[clen - 29] = (uint8_t)nl;
			CHECK_MSG(!sig_info_get(copy, clen, &s), "cut %zu accepted", cut);
			free(copy);
		}
	}
	return 0;
}

static bool mapped(const char *lib)
{
	_cleanup_free_ char *maps = NULL;
	size_t len;

	if (test_read_file("/proc/self/maps", &maps, &len) < 0)
		return true;
	return strstr(maps, lib) != NULL;
}

TEST(libcrypto_loaded_by_pkcs7_only)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_free_ uint8_t *data = NULL;
	char keydir[PATH_MAX], out[PATH_MAX];
	struct sig_info s;
	size_t len;

	CHECK(dir != NULL);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	snprintf(out, sizeof(out), "%s/s.ko", dir);
	CHECK_INT_EQ(sign_with(dir, keydir, "sha256", out), 0);
	CHECK_INT_EQ(load(out, &data, &len), 0);
	CHECK(!mapped("libcrypto.so"));
	/* unsigned: no load */
	CHECK(!sig_info_get(data, len - 40, &s));
	CHECK(!mapped("libcrypto.so"));
	CHECK(sig_info_get(data, len, &s));
	sig_info_release(&s);
	CHECK(mapped("libcrypto.so") == ENABLE_OPENSSL);
	return 0;
}

TEST_MAIN()
