/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: file. May use: helpers, file.h. Included by the .c files that wrap an
 * optional library (file-zstd.c, file-xz.c, file-zlib.c, signature.c) and by
 * file.c, which emits their notes.
 *
 * The optional libraries of module files (libzstd, liblzma and zlib to decompress,
 * libcrypto to decode signatures) are called through one struct of function
 * pointers per library. meson's dlopen option picks, per library, how that struct
 * is filled (ENABLE_<LIB>_DLOPEN in the config.h meson generates):
 *
 *  - 1, loaded on first use: the struct starts empty; the first caller runs
 *    file_dl_load() (under pthread_once), which dlopen()s the soname and stores
 *    each dlsym() result at its field's offset. The library is declared in the
 *    .note.dlopen ELF note (file.c).
 *  - 0, linked: the struct holds the functions' own addresses from the start
 *    (ordinary relocations, a DT_NEEDED entry); file_dl_load() is never called.
 *
 * Either way the callers are the same (zstd.createDCtx(...)). A library lists its
 * functions once, as X(arg, field, function) entries of a macro:
 *
 *   #define ZSTD_FUNCTIONS(X, arg) X(arg, createDCtx, ZSTD_createDCtx) ...
 *   FILE_DL_DEFINE(zstd, ZSTD_FUNCTIONS, ZSTD_SONAME, ENABLE_ZSTD_DLOPEN);
 *
 * which defines the struct `zstd` (of type struct zstd_functions) and
 * struct file_dl zstd_dl, whose err and errmsg tell whether the library is usable.
 */

#include <stddef.h>
#include <stdint.h>

#include "file.h"
#include "macro.h"

#define FILE_DL_FIELD(arg, field, fn) __typeof__(&fn) field;
#define FILE_DL_SYMBOL(type, field, fn) { #fn, offsetof(type, field) },
#define FILE_DL_ADDRESS(arg, field, fn) .field = fn,

/* initialiser of the function struct: empty when loaded, addresses when linked */
#define FILE_DL_INIT_1(list) NULL
#define FILE_DL_INIT_0(list) list(FILE_DL_ADDRESS, )
#define FILE_DL_INIT_(loaded, list) FILE_DL_INIT_##loaded(list)
#define FILE_DL_INIT(loaded, list) FILE_DL_INIT_(loaded, list)

#define FILE_DL_DEFINE(name, list, soname_, loaded)             \
	static struct name##_functions {                        \
		list(FILE_DL_FIELD, )                           \
	} name = { FILE_DL_INIT(loaded, list) };                \
	static const struct file_dl_symbol name##_symbols[] = { \
		list(FILE_DL_SYMBOL, struct name##_functions)   \
	};                                                      \
	static struct file_dl name##_dl = {                     \
		.soname = soname_,                              \
		.symbols = name##_symbols,                      \
		.n_symbols = ARRAY_SIZE(name##_symbols),        \
		.functions = &name,                             \
	}

/*
 * ELF dlopen metadata (the freedesktop.org / UAPI group "ELF dlopen metadata"
 * format): a note in section .note.dlopen, owner "FDO", type 0x407c0c0a, whose
 * descriptor is a NUL-terminated JSON array of objects naming the feature, a
 * description, a priority ("required", "recommended" or "suggested") and the
 * sonames that dlopen() may be given. Packaging tools read it to add dependencies
 * that DT_NEEDED does not show. The strings must not need JSON escaping.
 */
#define FILE_DL_NOTE_OWNER "FDO"
#define FILE_DL_NOTE_TYPE UINT32_C(0x407c0c0a)

#define FILE_DL_NOTE_PAYLOAD(feature, description, priority, soname)   \
	"[{\"feature\":\"" feature "\",\"description\":\"" description \
	"\",\"priority\":\"" priority "\",\"soname\":[\"" soname "\"]}]"

/* clang's AddressSanitizer pads each global it instruments with a redzone, which
 * would sit between the notes (gcc's leaves variables with a section alone). */
#if defined(__clang__)
#define FILE_DL_NOTE_NO_REDZONE __attribute__((no_sanitize("address")))
#else
#define FILE_DL_NOTE_NO_REDZONE
#endif

/* One note; the descriptor is zero-padded to a multiple of 4 bytes, as the owner
 * name "FDO\0" already is. */
#define FILE_DL_NOTE_RAW(var, text)                                            \
	static const struct {                                                  \
		uint32_t n_namesz, n_descsz, n_type;                           \
		char n_owner[sizeof(FILE_DL_NOTE_OWNER)];                      \
		char n_desc[(sizeof(text) + 3) / 4 * 4];                       \
	} var FILE_DL_NOTE_NO_REDZONE                                          \
		__attribute__((used, section(".note.dlopen"), aligned(4))) = { \
			.n_namesz = sizeof(FILE_DL_NOTE_OWNER),                \
			.n_descsz = sizeof(text),                              \
			.n_type = FILE_DL_NOTE_TYPE,                           \
			.n_owner = FILE_DL_NOTE_OWNER,                         \
			.n_desc = text,                                        \
		}

#define FILE_DL_NOTE(var, feature, description, priority, soname) \
	FILE_DL_NOTE_RAW(var,                                     \
			 FILE_DL_NOTE_PAYLOAD(feature, description, priority, soname))
