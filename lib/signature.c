// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Appended module signatures (formats.md 4). A signed image ends with
 *
 *   [signer][key id][signature][info: 12 bytes]["~Module signature appended~\n"]
 *
 * info: u8 algo, u8 hash, u8 id_type (0 PGP, 1 X509, 2 PKCS#7), u8 signer_len,
 * u8 key_id_len, 3 padding bytes, u32 big-endian sig_len. For PKCS#7 (what
 * kernels write) the lengths of signer and key id are 0 and the signature is a
 * DER SignedData whose first SignerInfo names the signer by issuer and serial;
 * decoding it is the only use of libcrypto, loaded on first need (file-dl.h).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "file-dl.h"

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
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#define CRYPTO_FUNCTIONS(X, arg)                                       \
	X(arg, d2i_PKCS7, d2i_PKCS7)                                   \
	X(arg, PKCS7_free, PKCS7_free)                                 \
	X(arg, PKCS7_get_signer_info, PKCS7_get_signer_info)           \
	X(arg, sk_num, OPENSSL_sk_num)                                 \
	X(arg, sk_value, OPENSSL_sk_value)                             \
	X(arg, X509_NAME_get_index_by_NID, X509_NAME_get_index_by_NID) \
	X(arg, X509_NAME_get_entry, X509_NAME_get_entry)               \
	X(arg, X509_NAME_ENTRY_get_data, X509_NAME_ENTRY_get_data)     \
	X(arg, X509_ALGOR_get0, X509_ALGOR_get0)                       \
	X(arg, ASN1_STRING_get0_data, ASN1_STRING_get0_data)           \
	X(arg, ASN1_STRING_length, ASN1_STRING_length)                 \
	X(arg, ASN1_INTEGER_to_BN, ASN1_INTEGER_to_BN)                 \
	X(arg, BN_num_bits, BN_num_bits)                               \
	X(arg, BN_bn2bin, BN_bn2bin)                                   \
	X(arg, BN_free, BN_free)                                       \
	X(arg, OBJ_obj2nid, OBJ_obj2nid)                               \
	X(arg, OBJ_nid2ln, OBJ_nid2ln)                                 \
	X(arg, OBJ_obj2txt, OBJ_obj2txt)                               \
	X(arg, OPENSSL_init_crypto, OPENSSL_init_crypto)
/* libcrypto stays loaded on first use in every build (ENABLE_OPENSSL_DLOPEN): most
 * runs never decode a signature, and loading it costs more than a whole lookup. */
FILE_DL_DEFINE(crypto, CRYPTO_FUNCTIONS, OPENSSL_SONAME, ENABLE_OPENSSL_DLOPEN);

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void crypto_load(void)
{
	if (ENABLE_OPENSSL_DLOPEN)
		file_dl_load(&crypto_dl);
	/* Decoding needs no openssl.cnf: skipping it halves libcrypto's start-up. */
	if (crypto_dl.err == 0 &&
	    crypto.OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
					       OPENSSL_INIT_NO_ATEXIT,
				       NULL) != 1)
		crypto_dl.err = -ENOSYS;
}

static void pkcs7_freep(PKCS7 **p7)
{
	if (*p7 != NULL)
		crypto.PKCS7_free(*p7);
}

static void bn_freep(BIGNUM **bn)
{
	if (*bn != NULL)
		crypto.BN_free(*bn);
}

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
	pthread_once(&crypto_once, crypto_load);
	if (crypto_dl.err < 0) {
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
