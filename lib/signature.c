// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Appended module signatures (formats.md 4). A signed image ends with
 *
 *   [signer][key id][signature][info: 12 bytes]["~Module signature appended~\n"]
 *
 * info: u8 algo, u8 hash, u8 id_type (0 PGP, 1 X509, 2 PKCS#7), u8 signer_len,
 * u8 key_id_len, 3 padding bytes, u32 big-endian sig_len. For PKCS#7 (what
 * kernels write) the lengths of signer and key id are 0 and the signature is a
 * DER SignedData whose first SignerInfo names the signer by issuer and serial.
 * libcrypto, loaded on first need (file-dl.h), decodes it for modinfo and, for the
 * tools' --verify and --require-signature, checks it against trusted certificates
 * (signature-verify.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file-dl.h"
#include "macro.h"
#include "signature-verify.h"
#include "signature.h"

#define SIG_MAGIC "~Module signature appended~\n"
#define SIG_INFO_SIZE 12

enum sig_id_type {
	SIG_ID_PGP = 0,
	SIG_ID_X509 = 1,
	SIG_ID_PKCS7 = 2,
};

static const char *const sig_id_names[] = { "PGP", "X509", "PKCS#7" };
static const char *const sig_hash_names[] = {
	"md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3",
};
#define SIG_ALGO_COUNT 2

/* malloc'd copy with a NUL after len bytes (fields may be printed as strings) */
static char *memdup_nul(const void *p, size_t len)
{
	char *r = malloc(len + 1);

	if (r == NULL)
		return NULL;
	if (len > 0)
		memcpy(r, p, len);
	r[len] = '\0';
	return r;
}

static bool sig_set_fields(struct sig_info *info, const void *signer, size_t signer_len,
			   const void *key_id, size_t key_id_len, const void *sig,
			   size_t sig_len)
{
	info->signer = memdup_nul(signer, signer_len);
	info->key_id = memdup_nul(key_id, key_id_len);
	info->sig = memdup_nul(sig, sig_len);
	if (info->signer == NULL || info->key_id == NULL || info->sig == NULL)
		return false;
	info->signer_len = signer_len;
	info->key_id_len = key_id_len;
	info->sig_len = sig_len;
	return true;
}

#if ENABLE_OPENSSL
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#define CRYPTO_FUNCTIONS(X, arg)                                                 \
	X(arg, d2i_PKCS7, d2i_PKCS7)                                             \
	X(arg, PKCS7_free, PKCS7_free)                                           \
	X(arg, PKCS7_get_signer_info, PKCS7_get_signer_info)                     \
	X(arg, sk_num, OPENSSL_sk_num)                                           \
	X(arg, sk_value, OPENSSL_sk_value)                                       \
	X(arg, X509_NAME_get_index_by_NID, X509_NAME_get_index_by_NID)           \
	X(arg, X509_NAME_get_entry, X509_NAME_get_entry)                         \
	X(arg, X509_NAME_ENTRY_get_data, X509_NAME_ENTRY_get_data)               \
	X(arg, X509_ALGOR_get0, X509_ALGOR_get0)                                 \
	X(arg, ASN1_STRING_get0_data, ASN1_STRING_get0_data)                     \
	X(arg, ASN1_STRING_length, ASN1_STRING_length)                           \
	X(arg, ASN1_INTEGER_to_BN, ASN1_INTEGER_to_BN)                           \
	X(arg, BN_num_bits, BN_num_bits)                                         \
	X(arg, BN_bn2bin, BN_bn2bin)                                             \
	X(arg, BN_free, BN_free)                                                 \
	X(arg, OBJ_obj2nid, OBJ_obj2nid)                                         \
	X(arg, OBJ_nid2ln, OBJ_nid2ln)                                           \
	X(arg, OBJ_obj2txt, OBJ_obj2txt)                                         \
	X(arg, OPENSSL_init_crypto, OPENSSL_init_crypto)                         \
	X(arg, ERR_clear_error, ERR_clear_error)                                 \
	X(arg, X509_NAME_oneline, X509_NAME_oneline)                             \
	/* verification (sig_verify_image) and trusted certificates */           \
	X(arg, d2i_CMS_ContentInfo, d2i_CMS_ContentInfo)                         \
	X(arg, CMS_ContentInfo_free, CMS_ContentInfo_free)                       \
	X(arg, CMS_get0_SignerInfos, CMS_get0_SignerInfos)                       \
	X(arg, CMS_get0_content, CMS_get0_content)                               \
	X(arg, CMS_SignerInfo_cert_cmp, CMS_SignerInfo_cert_cmp)                 \
	X(arg, CMS_SignerInfo_get0_algs, CMS_SignerInfo_get0_algs)               \
	X(arg, CMS_SignerInfo_get0_signature, CMS_SignerInfo_get0_signature)     \
	X(arg, CMS_SignerInfo_get0_signer_id, CMS_SignerInfo_get0_signer_id)     \
	X(arg, CMS_SignerInfo_set1_signer_cert, CMS_SignerInfo_set1_signer_cert) \
	X(arg, CMS_SignerInfo_verify, CMS_SignerInfo_verify)                     \
	X(arg, CMS_signed_get_attr_count, CMS_signed_get_attr_count)             \
	X(arg, CMS_signed_get0_data_by_OBJ, CMS_signed_get0_data_by_OBJ)         \
	X(arg, d2i_X509, d2i_X509)                                               \
	X(arg, X509_free, X509_free)                                             \
	X(arg, X509_get_subject_name, X509_get_subject_name)                     \
	X(arg, X509_get0_pubkey, X509_get0_pubkey)                               \
	X(arg, BIO_new_mem_buf, BIO_new_mem_buf)                                 \
	X(arg, BIO_free, BIO_free)                                               \
	X(arg, PEM_read_bio_X509, PEM_read_bio_X509)                             \
	X(arg, EVP_get_digestbyname, EVP_get_digestbyname)                       \
	X(arg, EVP_Digest, EVP_Digest)                                           \
	X(arg, EVP_MD_CTX_new, EVP_MD_CTX_new)                                   \
	X(arg, EVP_MD_CTX_free, EVP_MD_CTX_free)                                 \
	X(arg, EVP_DigestVerifyInit, EVP_DigestVerifyInit)                       \
	X(arg, EVP_DigestVerify, EVP_DigestVerify)                               \
	X(arg, OBJ_nid2sn, OBJ_nid2sn)                                           \
	X(arg, OBJ_nid2obj, OBJ_nid2obj)
/* libcrypto stays loaded on first use in every build (ENABLE_OPENSSL_DLOPEN): most
 * runs never decode a signature, and loading it costs more than a whole lookup. */
static int crypto_setup(void);
FILE_DL_DEFINE(crypto, CRYPTO_FUNCTIONS, OPENSSL_SONAME, ENABLE_OPENSSL_DLOPEN,
	       crypto_setup);

/* Decoding needs no openssl.cnf: skipping it halves libcrypto's start-up. */
static int crypto_setup(void)
{
	if (crypto.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
					       OPENSSL_INIT_NO_ATEXIT,
				       NULL) != 1)
		return -ENOSYS;
	return 0;
}

/* libcrypto is usable: loaded on the first call and set up (file-dl.h). */
static bool crypto_ready(void)
{
	return file_dl_missing(&file_crypto_dl) == NULL;
}

/* Cleanup functions for _cleanup_(): name(&p) frees p, if set, with libcrypto's
 * free function of its type. */
#define CRYPTO_FREEP(name, type, free_fn)   \
	static void name(type **p)          \
	{                                   \
		if (*p != NULL)             \
			crypto.free_fn(*p); \
	}
CRYPTO_FREEP(pkcs7_freep, PKCS7, PKCS7_free)
CRYPTO_FREEP(bn_freep, BIGNUM, BN_free)
CRYPTO_FREEP(cms_freep, CMS_ContentInfo, CMS_ContentInfo_free)
CRYPTO_FREEP(md_ctx_freep, EVP_MD_CTX, EVP_MD_CTX_free)

/* Bytes of an ASN1_STRING, or NULL/0 for a missing one. */
static const unsigned char *asn1_bytes(const ASN1_STRING *s, size_t *len)
{
	int n;

	*len = 0;
	if (s == NULL)
		return NULL;
	n = crypto.ASN1_STRING_length(s);
	if (n <= 0)
		return NULL;
	*len = (size_t)n;
	return crypto.ASN1_STRING_get0_data(s);
}

static bool sig_fill_pkcs7(struct sig_info *info, const void *der, size_t len)
{
	_cleanup_(pkcs7_freep) PKCS7 *p7 = NULL;
	_cleanup_(bn_freep) BIGNUM *serial = NULL;
	_cleanup_free_ unsigned char *key = NULL;
	const unsigned char *p = der;
	STACK_OF(PKCS7_SIGNER_INFO) * sis;
	PKCS7_SIGNER_INFO *si;
	const unsigned char *cn = NULL, *digest;
	size_t cn_len = 0, digest_len, key_len = 0;
	const ASN1_OBJECT *alg = NULL;
	char oid[128];
	int nid, idx;

	if (len > LONG_MAX)
		return false;
	p7 = crypto.d2i_PKCS7(NULL, &p, (long)len);
	if (p7 == NULL)
		return false;
	sis = crypto.PKCS7_get_signer_info(p7);
	if (sis == NULL || crypto.sk_num((const OPENSSL_STACK *)sis) <= 0)
		return false;
	si = crypto.sk_value((const OPENSSL_STACK *)sis, 0);
	if (si == NULL || si->issuer_and_serial == NULL || si->digest_alg == NULL)
		return false;

	if (si->issuer_and_serial->issuer != NULL) {
		idx = crypto.X509_NAME_get_index_by_NID(si->issuer_and_serial->issuer,
							NID_commonName, -1);
		if (idx >= 0) {
			X509_NAME_ENTRY *e = crypto.X509_NAME_get_entry(
				si->issuer_and_serial->issuer, idx);

			if (e != NULL)
				cn = asn1_bytes(crypto.X509_NAME_ENTRY_get_data(e),
						&cn_len);
		}
	}

	if (si->issuer_and_serial->serial != NULL) {
		int bits;

		serial = crypto.ASN1_INTEGER_to_BN(si->issuer_and_serial->serial, NULL);
		if (serial == NULL)
			return false;
		bits = crypto.BN_num_bits(serial);
		key_len = bits > 0 ? ((size_t)bits + 7) / 8 : 0;
		key = malloc(MAX(key_len, (size_t)1));
		if (key == NULL)
			return false;
		if (key_len > 0 && crypto.BN_bn2bin(serial, key) != (int)key_len)
			return false;
	}

	crypto.X509_ALGOR_get0(&alg, NULL, NULL, si->digest_alg);
	if (alg == NULL)
		return false;
	nid = crypto.OBJ_obj2nid(alg);
	if (nid != NID_undef && crypto.OBJ_nid2ln(nid) != NULL) {
		info->hash_algo_buf = strdup(crypto.OBJ_nid2ln(nid));
	} else {
		int n = crypto.OBJ_obj2txt(oid, sizeof(oid), alg, 1);

		if (n <= 0 || (size_t)n >= sizeof(oid))
			return false;
		info->hash_algo_buf = strdup(oid);
	}
	if (info->hash_algo_buf == NULL)
		return false;
	info->hash_algo = info->hash_algo_buf;

	digest = asn1_bytes(si->enc_digest, &digest_len);
	return sig_set_fields(info, cn, cn_len, key, key_len, digest, digest_len);
}

static bool sig_fill_pkcs7_or_unknown(struct sig_info *info, const void *der, size_t len)
{
	if (!crypto_ready()) {
		/* as if built without libcrypto */
		info->hash_algo = "unknown";
		return sig_set_fields(info, NULL, 0, NULL, 0, NULL, 0);
	}
	return sig_fill_pkcs7(info, der, len);
}

#else

static bool sig_fill_pkcs7_or_unknown(struct sig_info *info, const void *der, size_t len)
{
	info->hash_algo = "unknown";
	return sig_set_fields(info, NULL, 0, NULL, 0, NULL, 0);
}

#endif

int sig_trailer_probe(const void *mem, size_t size, size_t *trailer_len)
{
	const uint8_t *m = mem;
	const uint8_t *block;
	size_t avail, sig_len, signer_len, key_id_len;

	if (mem == NULL || size < STRLEN(SIG_MAGIC) ||
	    memcmp(m + size - STRLEN(SIG_MAGIC), SIG_MAGIC, STRLEN(SIG_MAGIC)) != 0)
		return -ENODATA;
	avail = size - STRLEN(SIG_MAGIC);
	if (avail < SIG_INFO_SIZE)
		return -ENODATA;
	avail -= SIG_INFO_SIZE;
	block = m + avail;
	if (block[0] >= SIG_ALGO_COUNT || block[1] >= ARRAY_SIZE(sig_hash_names) ||
	    block[2] >= ARRAY_SIZE(sig_id_names))
		return -ENODATA;
	signer_len = block[3];
	key_id_len = block[4];
	sig_len = (size_t)block[8] << 24 | (size_t)block[9] << 16 |
		  (size_t)block[10] << 8 | (size_t)block[11];
	if (sig_len == 0 || sig_len > avail || signer_len + key_id_len > avail - sig_len)
		return -ENODATA;
	if (trailer_len != NULL)
		*trailer_len = signer_len + key_id_len + sig_len + SIG_INFO_SIZE +
			       STRLEN(SIG_MAGIC);
	return block[2];
}

bool sig_info_get(const void *mem, size_t size, struct sig_info *info)
{
	const uint8_t *block, *sig, *key_id, *signer;
	struct sig_info r = { 0 };
	size_t sig_len, key_id_len;
	int id_type = sig_trailer_probe(mem, size, NULL);
	bool ok;

	if (id_type < 0)
		return false;
	/* block: algo, hash, id_type, signer_len, key_id_len, pad[3], sig_len (be32) */
	block = (const uint8_t *)mem + size - STRLEN(SIG_MAGIC) - SIG_INFO_SIZE;
	key_id_len = block[4];
	sig_len = (size_t)block[8] << 24 | (size_t)block[9] << 16 |
		  (size_t)block[10] << 8 | (size_t)block[11];
	sig = block - sig_len;
	key_id = sig - key_id_len;
	signer = key_id - block[3];
	r.id_type = sig_id_names[id_type];

	if (id_type == SIG_ID_PKCS7) {
		ok = sig_fill_pkcs7_or_unknown(&r, sig, sig_len);
	} else {
		r.hash_algo = sig_hash_names[block[1]];
		ok = sig_set_fields(&r, signer, block[3], key_id, key_id_len, sig,
				    sig_len);
	}
	if (!ok) {
		sig_info_release(&r);
		return false;
	}
	*info = r;
	return true;
}

void sig_info_release(struct sig_info *info)
{
	free(info->signer);
	free(info->key_id);
	free(info->sig);
	free(info->hash_algo_buf);
	info->signer = info->key_id = info->sig = info->hash_algo_buf = NULL;
	info->signer_len = info->key_id_len = info->sig_len = 0;
}

char *sig_hex_format(const char *bytes, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t total, lines;
	char *s, *p;

	/* "XX" per byte, ':' between bytes, "\n\t\t" after every 20th byte but the last */
	lines = len > 0 ? (len - 1) / 20 : 0;
	if (umul_overflow(len, 3, &total) || uadd_overflow(total, lines * 3, &total))
		return NULL;
	s = malloc(total + 1);
	if (s == NULL)
		return NULL;
	p = s;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];

		*p++ = hex[c >> 4];
		*p++ = hex[c & 0xf];
		if (i + 1 < len) {
			*p++ = ':';
			if ((i + 1) % 20 == 0) {
				*p++ = '\n';
				*p++ = '\t';
				*p++ = '\t';
			}
		}
	}
	*p = '\0';
	return s;
}

/* ---- verification against trusted certificates (signature-verify.h) ------------ */

const char *sig_verdict_name(enum sig_verdict verdict)
{
	switch (verdict) {
	case SIG_VERDICT_GOOD:
		return "good";
	case SIG_VERDICT_UNSIGNED:
		return "unsigned";
	case SIG_VERDICT_UNKNOWN_KEY:
		return "unknown-key";
	case SIG_VERDICT_BAD:
		break;
	}
	return "bad";
}

struct sig_keyring {
	void **certs; /* X509 *, in the order added */
	size_t n;
};

struct sig_keyring *sig_keyring_new(void)
{
	return calloc(1, sizeof(struct sig_keyring));
}

size_t sig_keyring_count(const struct sig_keyring *kr)
{
	return kr->n;
}

static void verdict_set(struct sig_verify_result *res, enum sig_verdict verdict,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void verdict_set(struct sig_verify_result *res, enum sig_verdict verdict,
			const char *fmt, ...)
{
	va_list ap;

	res->verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
}

/* The trailer, as the kernel's module loader reads it before any cryptography:
 * returns true and the signature's place when the rest is worth decoding,
 * otherwise false with the verdict already in *res. */
static bool verify_trailer(const uint8_t *m, size_t size, size_t *content_len,
			   const uint8_t **sig, size_t *sig_len,
			   struct sig_verify_result *res)
{
	const uint8_t *block;
	size_t trailer_len;
	int id_type;

	if (size < STRLEN(SIG_MAGIC) ||
	    memcmp(m + size - STRLEN(SIG_MAGIC), SIG_MAGIC, STRLEN(SIG_MAGIC)) != 0) {
		verdict_set(res, SIG_VERDICT_UNSIGNED, "%s", "");
		return false;
	}
	id_type = sig_trailer_probe(m, size, &trailer_len);
	if (id_type < 0) {
		verdict_set(res, SIG_VERDICT_BAD, "malformed signature trailer");
		return false;
	}
	if (id_type != SIG_ID_PKCS7) {
		verdict_set(res, SIG_VERDICT_BAD,
			    "%s signature (the kernel accepts PKCS#7 signatures only)",
			    sig_id_names[id_type]);
		return false;
	}
	block = m + size - STRLEN(SIG_MAGIC) - SIG_INFO_SIZE;
	/* PKCS#7 leaves algo, hash, both lengths and the padding zero */
	for (size_t i = 0; i < 8; i++) {
		if (i != 2 && block[i] != 0) {
			verdict_set(
				res, SIG_VERDICT_BAD,
				"malformed signature trailer (PKCS#7 with non-zero info fields)");
			return false;
		}
	}
	*sig_len = (size_t)block[8] << 24 | (size_t)block[9] << 16 |
		   (size_t)block[10] << 8 | (size_t)block[11];
	*content_len = size - trailer_len;
	*sig = m + *content_len;
	return true;
}

#if ENABLE_OPENSSL

void sig_keyring_free(struct sig_keyring *kr)
{
	if (kr == NULL)
		return;
	for (size_t i = 0; i < kr->n; i++)
		crypto.X509_free(kr->certs[i]);
	free(kr->certs);
	free(kr);
}

static int keyring_push(struct sig_keyring *kr, X509 *x)
{
	void **certs = reallocarray(kr->certs, kr->n + 1, sizeof(*certs));

	if (certs == NULL) {
		crypto.X509_free(x);
		return -ENOMEM;
	}
	kr->certs = certs;
	kr->certs[kr->n++] = x;
	return 0;
}

/* Drops the certificates added after the first `keep`. */
static void keyring_truncate(struct sig_keyring *kr, size_t keep)
{
	while (kr->n > keep)
		crypto.X509_free(kr->certs[--kr->n]);
}

static bool only_padding(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != 0 && p[i] != ' ' && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r')
			return false;
	}
	return true;
}

static int keyring_add_pem(struct sig_keyring *kr, const void *data, size_t len)
{
	BIO *bio = crypto.BIO_new_mem_buf(data, (int)len);
	size_t before = kr->n;
	X509 *x;
	int r = 0;

	if (bio == NULL)
		return -ENOMEM;
	/* PEM_read_bio_X509 skips blocks of other kinds (keys, CRLs, ...) */
	while ((x = crypto.PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		r = keyring_push(kr, x);
		if (r < 0)
			break;
	}
	crypto.BIO_free(bio);
	if (r < 0) {
		keyring_truncate(kr, before);
		return r;
	}
	return kr->n > before ? (int)(kr->n - before) : -EBADMSG;
}

static int keyring_add_der(struct sig_keyring *kr, const uint8_t *data, size_t len)
{
	const uint8_t *p = data, *end = data + len;
	size_t before = kr->n;

	while (p < end && !only_padding(p, (size_t)(end - p))) {
		const unsigned char *q = p;
		X509 *x = crypto.d2i_X509(NULL, &q, (long)(end - p));
		int r;

		if (x == NULL || q <= p) {
			if (x != NULL)
				crypto.X509_free(x);
			keyring_truncate(kr, before);
			return -EBADMSG;
		}
		r = keyring_push(kr, x);
		if (r < 0) {
			keyring_truncate(kr, before);
			return r;
		}
		p = q;
	}
	return kr->n > before ? (int)(kr->n - before) : -EBADMSG;
}

int sig_keyring_add(struct sig_keyring *kr, const void *data, size_t len)
{
	static const char pem_begin[] = "-----BEGIN ";
	int r;

	if (!crypto_ready())
		return -ENOSYS;
	if (len == 0 || len > INT_MAX)
		return -EBADMSG;
	if (memmem(data, len, pem_begin, STRLEN(pem_begin)) != NULL)
		r = keyring_add_pem(kr, data, len);
	else
		r = keyring_add_der(kr, data, len);
	crypto.ERR_clear_error();
	return r;
}

int sig_keyring_add_embedded(struct sig_keyring *kr, const void *data, size_t len)
{
	const uint8_t *m = data, *p = m, *end = m + len;
	size_t before = kr->n;

	if (!crypto_ready())
		return -ENOSYS;
	while (end - p >= 8 && (p = memchr(p, 0x30, (size_t)(end - p - 7))) != NULL) {
		size_t total = 4 + ((size_t)p[2] << 8 | p[3]);
		const unsigned char *q = p;
		X509 *x = NULL;

		if (p[1] == 0x82 && p[4] == 0x30 && (p[5] == 0x82 || p[5] == 0x81) &&
		    total <= (size_t)(end - p))
			x = crypto.d2i_X509(NULL, &q, (long)total);
		if (x != NULL && q == p + total) {
			int r = keyring_push(kr, x);

			if (r < 0) {
				keyring_truncate(kr, before);
				crypto.ERR_clear_error();
				return r;
			}
			p += total;
			continue;
		}
		if (x != NULL)
			crypto.X509_free(x);
		p++;
	}
	crypto.ERR_clear_error();
	return kr->n > before ? (int)(kr->n - before) : -EBADMSG;
}

/* The commonName of a name, else its one-line form, into buf. */
static void name_text(X509_NAME *name, char *buf, size_t size)
{
	const unsigned char *cn = NULL;
	size_t cn_len = 0;
	int idx;

	buf[0] = '\0';
	if (name == NULL)
		return;
	idx = crypto.X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (idx >= 0) {
		X509_NAME_ENTRY *e = crypto.X509_NAME_get_entry(name, idx);

		if (e != NULL)
			cn = asn1_bytes(crypto.X509_NAME_ENTRY_get_data(e), &cn_len);
	}
	if (cn != NULL) {
		snprintf(buf, size, "%.*s", (int)MIN(cn_len, (size_t)INT_MAX), cn);
		return;
	}
	if (size <= INT_MAX && crypto.X509_NAME_oneline(name, buf, (int)size) == NULL)
		buf[0] = '\0';
}

/* "AB:CD:..." of len bytes into buf (cut short when it does not fit). */
static void hex_text(const unsigned char *p, size_t len, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < len && used + 4 <= size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%02X", i ? ":" : "",
					 p[i]);
}

/* res->signer and res->detail describe the key a SignerInfo names. */
static void describe_signer_id(CMS_SignerInfo *si, struct sig_verify_result *res)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	const unsigned char *bytes;
	size_t len;
	char hex[128];

	if (crypto.CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
		return;
	if (keyid != NULL) {
		bytes = asn1_bytes(keyid, &len);
		hex_text(bytes, len, hex, sizeof(hex));
		snprintf(res->detail, sizeof(res->detail), "subject key identifier %s",
			 hex);
		return;
	}
	name_text(issuer, res->signer, sizeof(res->signer));
	bytes = asn1_bytes(serial, &len);
	hex_text(bytes, len, hex, sizeof(hex));
	snprintf(res->detail, sizeof(res->detail), "issuer \"%.100s\", serial %.127s",
		 res->signer, hex);
}

/*
 * One SignerInfo against the certificate it names: 1 good, 0 bad (reason in
 * res->detail), -ENOMEM.
 */
static int verify_signer(CMS_SignerInfo *si, X509 *cert, const uint8_t *content,
			 size_t content_len, struct sig_verify_result *res)
{
	_cleanup_(md_ctx_freep) EVP_MD_CTX *mctx = NULL;
	X509_ALGOR *dig_alg = NULL, *sig_alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	EVP_PKEY *pkey;
	const EVP_MD *md = NULL;
	const unsigned char *sig;
	size_t sig_len;
	char oid[128];
	int nid;

	crypto.CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig_alg, &sig_alg);
	if (dig_alg != NULL)
		crypto.X509_ALGOR_get0(&obj, NULL, NULL, dig_alg);
	if (obj == NULL) {
		verdict_set(res, SIG_VERDICT_BAD, "no digest algorithm in the signature");
		return 0;
	}
	nid = crypto.OBJ_obj2nid(obj);
	if (nid != NID_undef && crypto.OBJ_nid2sn(nid) != NULL)
		md = crypto.EVP_get_digestbyname(crypto.OBJ_nid2sn(nid));
	if (md == NULL) {
		if (crypto.OBJ_obj2txt(oid, sizeof(oid), obj, 0) <= 0)
			snprintf(oid, sizeof(oid), "?");
		verdict_set(res, SIG_VERDICT_BAD, "digest algorithm %s is not supported",
			    oid);
		return 0;
	}
	pkey = crypto.X509_get0_pubkey(cert);
	if (pkey == NULL) {
		verdict_set(res, SIG_VERDICT_BAD,
			    "the signer's certificate has no usable public key");
		return 0;
	}

	if (crypto.CMS_signed_get_attr_count(si) > 0) {
		/* signed attributes: their messageDigest must be the content's digest,
		 * and the signature is over the attributes */
		unsigned char digest[EVP_MAX_MD_SIZE];
		unsigned int digest_len = 0;
		const unsigned char *attr;
		size_t attr_len;
		ASN1_OCTET_STRING *md_attr = crypto.CMS_signed_get0_data_by_OBJ(
			si, crypto.OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
			V_ASN1_OCTET_STRING);

		if (crypto.EVP_Digest(content, content_len, digest, &digest_len, md,
				      NULL) != 1)
			return -ENOMEM;
		attr = asn1_bytes(md_attr, &attr_len);
		if (attr == NULL || attr_len != digest_len ||
		    memcmp(attr, digest, digest_len) != 0) {
			verdict_set(
				res, SIG_VERDICT_BAD,
				"the module's content does not match the signed digest");
			return 0;
		}
		crypto.CMS_SignerInfo_set1_signer_cert(si, cert);
		if (crypto.CMS_SignerInfo_verify(si) != 1) {
			verdict_set(res, SIG_VERDICT_BAD,
				    "the signature does not match its signed attributes");
			return 0;
		}
		return 1;
	}

	sig = asn1_bytes(crypto.CMS_SignerInfo_get0_signature(si), &sig_len);
	if (sig == NULL) {
		verdict_set(res, SIG_VERDICT_BAD, "empty signature value");
		return 0;
	}
	mctx = crypto.EVP_MD_CTX_new();
	if (mctx == NULL)
		return -ENOMEM;
	if (crypto.EVP_DigestVerifyInit(mctx, NULL, md, NULL, pkey) != 1) {
		verdict_set(res, SIG_VERDICT_BAD,
			    "the signer's key cannot check a %s signature",
			    crypto.OBJ_nid2sn(nid));
		return 0;
	}
	if (crypto.EVP_DigestVerify(mctx, sig, sig_len, content, content_len) != 1) {
		verdict_set(res, SIG_VERDICT_BAD,
			    "the signature does not match the module's content");
		return 0;
	}
	return 1;
}

static int verify_pkcs7(const struct sig_keyring *kr, const uint8_t *content,
			size_t content_len, const uint8_t *der, size_t der_len,
			struct sig_verify_result *res)
{
	_cleanup_(cms_freep) CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) * sis;
	ASN1_OCTET_STRING **embedded;
	const unsigned char *p = der;
	struct sig_verify_result bad = { .cert = -1 };
	bool any_bad = false, any_good = false;
	int n;

	if (der_len > LONG_MAX)
		der_len = LONG_MAX;
	cms = crypto.d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
	if (cms == NULL) {
		verdict_set(res, SIG_VERDICT_BAD, "malformed PKCS#7 signature");
		return 0;
	}
	sis = crypto.CMS_get0_SignerInfos(cms);
	n = sis != NULL ? crypto.sk_num((const OPENSSL_STACK *)sis) : -1;
	if (n <= 0) {
		verdict_set(res, SIG_VERDICT_BAD, "PKCS#7 signature without a signer");
		return 0;
	}
	embedded = crypto.CMS_get0_content(cms);
	if (embedded != NULL && *embedded != NULL) {
		verdict_set(res, SIG_VERDICT_BAD,
			    "PKCS#7 signature carrying its own content (not detached)");
		return 0;
	}

	/* Every SignerInfo whose key is known must verify; one must be known. */
	verdict_set(res, SIG_VERDICT_UNKNOWN_KEY, "%s", "");
	for (int i = 0; i < n; i++) {
		CMS_SignerInfo *si = crypto.sk_value((const OPENSSL_STACK *)sis, i);
		size_t c;
		int r;

		if (si == NULL)
			continue;
		for (c = 0; c < kr->n; c++) {
			if (crypto.CMS_SignerInfo_cert_cmp(si, kr->certs[c]) == 0)
				break;
		}
		if (c == kr->n) {
			if (!any_good && res->detail[0] == '\0')
				describe_signer_id(si, res);
			continue;
		}
		r = verify_signer(si, kr->certs[c], content, content_len, &bad);
		if (r < 0)
			return r;
		if (r == 0) {
			if (!any_bad) {
				name_text(crypto.X509_get_subject_name(kr->certs[c]),
					  bad.signer, sizeof(bad.signer));
				bad.cert = (int)c;
			}
			any_bad = true;
			continue;
		}
		if (!any_good) {
			res->cert = (int)c;
			name_text(crypto.X509_get_subject_name(kr->certs[c]), res->signer,
				  sizeof(res->signer));
		}
		any_good = true;
	}
	if (any_bad) {
		*res = bad;
		res->verdict = SIG_VERDICT_BAD;
		res->cert = -1;
	} else if (any_good) {
		res->verdict = SIG_VERDICT_GOOD;
		res->detail[0] = '\0';
	}
	return 0;
}

int sig_verify_image(const struct sig_keyring *kr, const void *image, size_t size,
		     struct sig_verify_result *res)
{
	const uint8_t *sig = NULL;
	size_t content_len = 0, sig_len = 0;
	int r;

	memset(res, 0, sizeof(*res));
	res->cert = -1;
	if (!verify_trailer(image, size, &content_len, &sig, &sig_len, res))
		return 0;
	if (!crypto_ready())
		return -ENOSYS;
	r = verify_pkcs7(kr, image, content_len, sig, sig_len, res);
	crypto.ERR_clear_error();
	return r;
}

#else

void sig_keyring_free(struct sig_keyring *kr)
{
	free(kr);
}

int sig_keyring_add(struct sig_keyring *kr, const void *data, size_t len)
{
	return -ENOSYS;
}

int sig_keyring_add_embedded(struct sig_keyring *kr, const void *data, size_t len)
{
	return -ENOSYS;
}

int sig_verify_image(const struct sig_keyring *kr, const void *image, size_t size,
		     struct sig_verify_result *res)
{
	const uint8_t *sig = NULL;
	size_t content_len = 0, sig_len = 0;

	memset(res, 0, sizeof(*res));
	res->cert = -1;
	if (!verify_trailer(image, size, &content_len, &sig, &sig_len, res))
		return 0;
	return -ENOSYS;
}

#endif
