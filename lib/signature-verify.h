/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: signature. May use: helpers, file (file-dl.h, for libcrypto). Used by
 * the tools (modinfo --verify, insmod --require-signature).
 *
 * Checking an appended module signature (formats.md 4) against certificates the
 * caller trusts, the way the kernel checks it at load time (docs/signatures.md):
 *
 *  - only PKCS#7 signatures count (id_type 2, every other info-block field zero);
 *  - the signed content is the decompressed image up to the first byte of the
 *    signature, detached (a SignedData carrying its own content is refused);
 *  - each SignerInfo names its key by issuer and serial number (or by subject key
 *    identifier); the key must be one of the given certificates, which are trust
 *    anchors: no chain is built, and no purpose, validity period or key usage is
 *    looked at - the kernel does not look at them either;
 *  - the digest algorithm is the SignerInfo's; without signed attributes the
 *    signature is over the content's digest, with them over the attributes, whose
 *    messageDigest must then equal the content's digest.
 *
 * libcrypto is loaded on first use (signature.c, through file-dl.h); everything
 * here returns -ENOSYS when it cannot be loaded or the library was built without
 * it.
 */

#include <stdbool.h>
#include <stddef.h>

enum sig_verdict {
	SIG_VERDICT_GOOD = 0, /* a given certificate's key verifies the signature */
	SIG_VERDICT_UNSIGNED, /* no "~Module signature appended~\n" at the end */
	SIG_VERDICT_UNKNOWN_KEY, /* well-formed, but no given certificate is the signer */
	SIG_VERDICT_BAD, /* the signer's key rejects it, or it is malformed/unsupported */
};

struct sig_verify_result {
	enum sig_verdict verdict;
	/* GOOD: index (in the order added) of the certificate that verified it; else -1 */
	int cert;
	/* GOOD: commonName of that certificate's subject (its one-line subject when it
	 * has no CN); UNKNOWN_KEY and BAD: the issuer CN the signature names, if any */
	char signer[128];
	/* UNKNOWN_KEY: the key the signature names ("issuer CN=..., serial AB:CD...");
	 * BAD: why; else empty */
	char detail[256];
};

/* "good", "unsigned", "unknown-key", "bad" */
const char *sig_verdict_name(enum sig_verdict verdict);

/* The trusted certificates: a list of X.509 certificates, in the order added. */
struct sig_keyring;

/* NULL when out of memory. */
struct sig_keyring *sig_keyring_new(void);
void sig_keyring_free(struct sig_keyring *kr);
/*
 * Adds every certificate found in data: PEM (any number of CERTIFICATE blocks;
 * other blocks are skipped) or DER (one certificate, or several concatenated as
 * in the kernel's system_certificate_list; trailing zero or blank bytes allowed).
 * Returns how many were added (> 0); -EBADMSG when data holds no certificate or
 * DER data is followed by anything else; -ENOSYS without libcrypto; -ENOMEM.
 */
int sig_keyring_add(struct sig_keyring *kr, const void *data, size_t len);
/*
 * Adds every DER certificate found anywhere in data, such as a decompressed kernel
 * whose system_certificate_list holds its built-in certificates back to back:
 * each place that starts like one (a SEQUENCE with a two-byte length holding a
 * SEQUENCE) and parses as one, exactly. Returns how many were added (> 0),
 * -EBADMSG for none, -ENOSYS, -ENOMEM.
 */
int sig_keyring_add_embedded(struct sig_keyring *kr, const void *data, size_t len);
size_t sig_keyring_count(const struct sig_keyring *kr);

/*
 * Verifies the signature at the end of a decompressed module image. Returns 0 with
 * *res filled in (whatever the verdict), -ENOSYS without libcrypto (only when the
 * image is signed: an unsigned image needs no libcrypto), -ENOMEM.
 */
int sig_verify_image(const struct sig_keyring *kr, const void *image, size_t size,
		     struct sig_verify_result *res);
