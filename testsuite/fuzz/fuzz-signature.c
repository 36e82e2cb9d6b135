// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "signature": the end of a module image, as the appended signature
 * reader sees it (formats.md 4): sig_trailer_probe(), sig_info_get() with its PKCS#7
 * decoding (libcrypto, when the build has it) and sig_hex_format() of every field.
 * The two readers must agree: an image sig_info_get() decodes is one the probe
 * recognises, with a trailer inside the image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/macro.h"
#include "lib/signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "XX" per byte, ':' between bytes, "\n\t\t" after each 20th byte but the last */
static void check_hex(const char *bytes, size_t len)
{
	char *hex = sig_hex_format(bytes, len);
	size_t expect = len > 0 ? 3 * len - 1 + 3 * ((len - 1) / 20) : 0;

	if (hex == NULL)
		return; /* out of memory */
	if (strlen(hex) != expect)
		abort();
	free(hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_info sig;
	size_t trailer_len = 0;
	int type = sig_trailer_probe(data, size, &trailer_len);

	if (type >= 0 && (type > 2 || trailer_len > size))
		abort();
	if (!sig_info_get(data, size, &sig))
		return 0;
	if (type < 0)
		abort();
	if (sig.signer == NULL || sig.key_id == NULL || sig.sig == NULL ||
	    sig.signer[sig.signer_len] != '\0' || sig.key_id[sig.key_id_len] != '\0' ||
	    sig.sig[sig.sig_len] != '\0' || strlen(sig.id_type) == 0 ||
	    strlen(sig.hash_algo) == 0)
		abort();
	check_hex(sig.signer, sig.signer_len);
	check_hex(sig.key_id, sig.key_id_len);
	check_hex(sig.sig, sig.sig_len);
	sig_info_release(&sig);
	return 0;
}

#include "fuzz-main.h"
