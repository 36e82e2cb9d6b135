/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * modgen: writes synthetic kernel modules for the tests, without kernel headers.
 *
 * A module is described by a struct modgen_module (opaque), filled with the
 * modgen_set_*() and modgen_add_*() calls below, then written with modgen_write()
 * (or built in memory with modgen_build()). Everything is kept in the order it
 * was added: .modinfo entries, __versions records, exports and undefined symbols.
 *
 * The result is an ET_REL ELF file (ELFCLASS32 or 64, little- or big-endian)
 * whose sections come in this order, each only when it has something to hold:
 *
 *   [1] .modinfo                    "entry\0" per modgen_add_modinfo(), raw bytes as added
 *   [.] __versions                  64-byte records: crc (u64 or u32) + name (56 or 60)
 *   [.] __ksymtab_strings           "sym\0" (+ "namespace\0") per export (flags AMS)
 *   [.] __kcrctab                   u32 CRC per export (CRC mode MODGEN_CRC_KCRCTAB)
 *   [.] __kcrctab_gpl               the same for GPL-only exports
 *   [.] .gnu.linkonce.this_module   struct module stand-in; the name at 0x18 (64-bit,
 *                                   56 bytes) or 0x0c (32-bit, 60 bytes)
 *   [.] extra sections              modgen_add_section(), in order
 *   [.] .symtab, .strtab            symbols (below)
 *   [.] .shstrtab
 *
 * Symbols, in this order: the null entry; LOCAL NOTYPE __crc_<sym> in __kcrctab or
 * __kcrctab_gpl (st_value = offset of its u32 CRC) for MODGEN_CRC_KCRCTAB; then the globals:
 * GLOBAL NOTYPE SHN_ABS __crc_<sym> with st_value = CRC for MODGEN_CRC_ABS;
 * GLOBAL OBJECT __this_module (when the module has a name); the undefined symbols
 * (GLOBAL or WEAK NOTYPE, st_shndx = 0) in the order added. MODGEN_CRC_NONE
 * ("no modversions") writes no __crc_ symbol at all.
 *
 * Multi-byte fields are in the file's byte order. A signature (PKCS#7 made with the
 * openssl command line, or a raw trailer) is appended to the ELF image and the
 * result compressed with the gzip/xz/zstd command-line tools, in that order.
 *
 * Functions returning int give 0 or a negative errno. External-tool failures give
 * -EIO (or -ENOENT when the tool is not installed) after printing the tool's
 * stderr to ours.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct modgen_module;

enum modgen_endian {
	MODGEN_LITTLE = 1,
	MODGEN_BIG = 2,
};

enum modgen_compression {
	MODGEN_COMPRESS_NONE = 0,
	MODGEN_COMPRESS_GZIP, /* gzip -n */
	MODGEN_COMPRESS_XZ, /* xz --check=crc32 --lzma2=dict=1MiB */
	MODGEN_COMPRESS_ZSTD, /* zstd -q */
};

enum modgen_crc_mode {
	MODGEN_CRC_KCRCTAB =
		0, /* LOCAL __crc_ symbols pointing into __kcrctab (Linux 6.1) */
	MODGEN_CRC_ABS, /* GLOBAL SHN_ABS __crc_ symbols, st_value = CRC */
	MODGEN_CRC_NONE, /* no modversions: __ksymtab_strings only */
};

/* The CN used when none is given (matches what formats.md 4.1 uses). */
#define MODGEN_DEFAULT_CN "Throwaway test signing key"

/*
 * A new module. name is what goes into .gnu.linkonce.this_module (and the
 * __this_module symbol); NULL leaves both out. Defaults: 64-bit, little-endian,
 * e_machine from class and endianness (x86_64, i386, ppc64, ppc), CRCs in
 * __kcrctab, not signed, not compressed. Returns NULL when out of memory or when
 * the name does not fit 55 bytes.
 */
struct modgen_module *modgen_new(const char *name);
void modgen_free(struct modgen_module *m);

/* Replaces the this_module name (NULL: none); -ENAMETOOLONG beyond 55 bytes. */
int modgen_set_name(struct modgen_module *m, const char *name);

/* 32 or 64; -EINVAL otherwise. */
int modgen_set_class(struct modgen_module *m, int bits);
int modgen_set_endian(struct modgen_module *m, enum modgen_endian endian);
/* Overrides e_machine (0 = back to the default for class and endianness). */
int modgen_set_machine(struct modgen_module *m, uint16_t machine);
int modgen_set_crc_mode(struct modgen_module *m, enum modgen_crc_mode mode);

/* Appends "entry\0" to .modinfo; entry need not contain '='. */
int modgen_add_modinfo(struct modgen_module *m, const char *entry);
/* Appends raw bytes to .modinfo (padding NULs, unterminated strings, ...). */
int modgen_add_modinfo_raw(struct modgen_module *m, const void *data, size_t len);

/*
 * Appends a __versions record. The name may use the whole field (55 bytes + NUL);
 * with exactly 56 (64-bit) or 60 (32-bit) bytes it is written without NUL, which
 * readers must reject. Longer: -ENAMETOOLONG at write time.
 */
int modgen_add_version(struct modgen_module *m, uint64_t crc, const char *sym);

/* An exported symbol with its CRC; ns (may be NULL) adds its namespace string
 * after the name in __ksymtab_strings, as kernels >= 5.4 do. */
int modgen_add_export(struct modgen_module *m, const char *sym, uint32_t crc);
int modgen_add_export_ns(struct modgen_module *m, const char *sym, uint32_t crc,
			 const char *ns);
/* gpl: the CRC goes to __kcrctab_gpl instead of __kcrctab (EXPORT_SYMBOL_GPL). */
int modgen_add_export_full(struct modgen_module *m, const char *sym, uint32_t crc,
			   const char *ns, bool gpl);

/* An undefined symbol (st_shndx 0), GLOBAL or WEAK. */
int modgen_add_undef(struct modgen_module *m, const char *sym, bool weak);

/* An extra section (sh_type e.g. 1 = PROGBITS, sh_flags e.g. 2 = ALLOC), placed
 * after the standard sections and before .symtab. Names may repeat. */
int modgen_add_section(struct modgen_module *m, const char *name, uint32_t type,
		       uint64_t flags, const void *data, size_t len);

/*
 * Appends a PKCS#7 signature made with `openssl cms` (formats.md 4.1). The key and
 * self-signed certificate for cn (NULL: MODGEN_DEFAULT_CN) are created in keydir
 * (NULL: modgen_default_keydir()) on first use (see modgen_key_ensure()). Clears a
 * raw signature.
 */
int modgen_set_sign(struct modgen_module *m, const char *keydir, const char *cn);

/* A trailer of another kind, written as given (no validation, for hostile tests). */
struct modgen_raw_sig {
	uint8_t algo; /* 0 DSA, 1 RSA */
	uint8_t hash; /* 0 md4 ... 4 sha256 ... 8 sm3 */
	uint8_t id_type; /* 0 PGP, 1 X509, 2 PKCS#7 */
	const void *signer;
	uint8_t signer_len;
	const void *key_id;
	uint8_t key_id_len;
	const void *sig;
	uint32_t sig_len; /* bytes at sig, also written into the info block */
};
/* Copies everything from sig. Clears a PKCS#7 signature request. */
int modgen_set_raw_signature(struct modgen_module *m, const struct modgen_raw_sig *sig);

int modgen_set_compression(struct modgen_module *m, enum modgen_compression c);
/* From a file name: .gz, .xz, .zst, else none. */
enum modgen_compression modgen_compression_from_path(const char *path);

/*
 * A .note.gnu.build-id section (SHT_NOTE, SHF_ALLOC, first after the null section,
 * as the linker places it): one note of owner "GNU", type NT_GNU_BUILD_ID (3),
 * whose descriptor is the len bytes at id, header words in the file's byte order.
 * A new call replaces it, len 0 removes it; the default is no such section.
 */
int modgen_set_build_id(struct modgen_module *m, const void *id, size_t len);

/* The ELF image alone (no signature, no compression), malloc'd. */
int modgen_build(const struct modgen_module *m, void **image, size_t *len);

/*
 * ELF image, signature, compression, written to path (parent directories are
 * created; the file appears atomically through a rename).
 */
int modgen_write(const struct modgen_module *m, const char *path);

/*
 * Like modgen_write(), but with the given bytes (any file, e.g. a real module
 * without its signature) in place of the image built from m: only m's signature
 * and compression settings are used.
 */
int modgen_write_image(const struct modgen_module *m, const void *image, size_t len,
		       const char *path);

/*
 * The key (key.pem) and self-signed certificate (cert.pem) used for cn, in
 * keydir/modgen-<hash of cn>/; made with `openssl req -x509 -newkey rsa:2048`
 * when missing (safe against concurrent callers). keydir is created if needed.
 * *key_path and *cert_path (either may be NULL) get malloc'd paths.
 */
int modgen_key_ensure(const char *keydir, const char *cn, char **key_path,
		      char **cert_path);

/* The key directory the front ends use by default (malloc'd):
 * $MODKIT_MODGEN_KEYDIR, else ${TMPDIR:-/tmp}/modkit-modgen-keys. */
char *modgen_default_keydir(void);

/* ---- parsing helpers shared by modkit-modgen and modkit-mktree (modgen-parse.c) */

/* Whole-string unsigned number, C base prefixes (0x..., 0...); -EINVAL/-ERANGE. */
int modgen_parse_u64(const char *s, uint64_t *v);
int modgen_parse_u32(const char *s, uint32_t *v);
/* Hex digits (optionally separated by ':' or spaces) into malloc'd bytes. */
int modgen_parse_hex(const char *s, uint8_t **buf, size_t *len);
/*
 * Backslash escapes \\ \n \t \s (space) \0 \xHH into malloc'd bytes (*len
 * excludes the NUL added after them); -EINVAL on an unknown or cut escape.
 */
int modgen_unescape(const char *s, char **buf, size_t *len);
/* kmod's module name of a path: basename cut at the first '.', '-' -> '_'. */
char *modgen_modname(const char *path);
