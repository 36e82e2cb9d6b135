/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: signature. May use: helpers, file (file-dl.h, for libcrypto). Used by the
 * module layer and the tools; checking a signature against trusted keys is
 * signature-verify.h, the same layer.
 *
 * Decoding the signature appended to a module image (formats.md 4). Invariants:
 * the trailer is untrusted and bounds-checked against the image; libcrypto is
 * used only here (loaded through file-dl.h on first need) and only for PKCS#7,
 * and without it the results degrade (hash "unknown", empty byte fields) rather
 * than fail. Nothing here logs.
 */

#include <stdbool.h>
#include <stddef.h>

struct sig_info {
	const char *id_type; /* "PKCS#7", "X509", "PGP" */
	const char *hash_algo; /* e.g. "sha256", "unknown" */
	char *signer; /* malloc'd, may be empty */
	size_t signer_len;
	char *key_id; /* malloc'd raw bytes */
	size_t key_id_len;
	char *sig; /* malloc'd raw bytes */
	size_t sig_len;
	char *hash_algo_buf; /* storage for hash_algo when computed */
};

/* Parses the trailer of a decompressed image; false if unsigned or malformed
 * (also a PKCS#7 blob libcrypto cannot decode). On success signer, key_id and sig
 * are non-NULL and NUL-terminated after their length; release with
 * sig_info_release(). Without libcrypto hash_algo is "unknown" and the three byte
 * fields are empty. */
bool sig_info_get(const void *mem, size_t size, struct sig_info *info);
void sig_info_release(struct sig_info *info);
/* Recognises the trailer as sig_info_get() does, without decoding the signature:
 * returns its id type (0 PGP, 1 X509, 2 PKCS#7) and the trailer's length from the
 * signer bytes to the end (optional), or -ENODATA when the image is not signed. */
int sig_trailer_probe(const void *mem, size_t size, size_t *trailer_len);
/* "AB:CD:..." with "\n\t\t" after every 20th byte when more follow (formats.md 4). */
char *sig_hex_format(const char *bytes, size_t len);
