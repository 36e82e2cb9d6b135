/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: file. May use: helpers. Included by the .c files that wrap an optional
 * library (file-zstd.c, file-xz.c, file-zlib.c, signature.c), by file-dl.c, which
 * loads them and carries their ELF notes, and by file.c, whose table of formats
 * asks whether each decompressor's library is usable. The call graph is one-way: the
 * wrappers call file-dl.c, never file.c, and file-dl.c calls nothing of theirs but
 * the set-up hook they hand it.
 *
 * The optional libraries of module files (libzstd, liblzma and zlib to decompress,
 * libcrypto to decode signatures) are called through one struct of function
 * pointers per library. meson's dlopen option picks, per library, how that struct
 * is filled (ENABLE_<LIB>_DLOPEN in the config.h meson generates):
 *
 *  - 1, loaded on first use: the struct starts empty; the first file_dl_missing()
 *    dlopen()s the soname and stores each dlsym() result at its field's offset.
 *    The library is declared in the .note.dlopen ELF note (file-dl.c).
 *  - 0, linked: the struct holds the functions' own addresses from the start
 *    (ordinary relocations, a DT_NEEDED entry); nothing is loaded.
 *
 * Either way the callers are the same (zstd.createDCtx(...)), and each use is
 * preceded by file_dl_missing(), which also runs the library's set-up hook once.
 * A library lists its functions once, as X(arg, field, function) entries of a
 * macro:
 *
 *   #define ZSTD_FUNCTIONS(X, arg) X(arg, createDCtx, ZSTD_createDCtx) ...
 *   FILE_DL_DEFINE(zstd, ZSTD_FUNCTIONS, ZSTD_SONAME, ENABLE_ZSTD_DLOPEN, setup);
 *
 * which defines the struct `zstd` (of type struct zstd_functions) and
 * struct file_dl file_zstd_dl. Invariants: a library is loaded (and set up) at most once
 * per process, under a lock, and never unloaded; once file_dl_missing() has
 * returned, the struct and the verdict do not change.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct file_dl_symbol {
	const char *name;
	size_t offset; /* of the field in the library's function struct */
};

struct file_dl {
	const char *soname;
	const struct file_dl_symbol *symbols;
	size_t n_symbols;
	void *functions; /* the struct the offsets refer to */
	bool load; /* dlopen() on first use; false: linked */
	/* run once the functions are there (may be NULL); < 0 makes the library
	 * unusable */
	int (*setup)(void);
	bool tried; /* read and set atomically by file_dl_missing() */
	int err; /* 0 once usable, else -ENOSYS */
	char errmsg[256];
};

/* Loads and sets up the library on the first call (thread-safe); then NULL when it
 * is usable, else why not, naming it ("libzstd.so.1 is not available"). */
const char *file_dl_missing(struct file_dl *dl);

#define FILE_DL_FIELD(arg, field, fn) __typeof__(&fn) field;
#define FILE_DL_SYMBOL(type, field, fn) { #fn, offsetof(type, field) },
#define FILE_DL_ADDRESS(arg, field, fn) .field = fn,

/* initialiser of the function struct: empty when loaded, addresses when linked */
#define FILE_DL_INIT_1(list) NULL
#define FILE_DL_INIT_0(list) list(FILE_DL_ADDRESS, )
#define FILE_DL_INIT_(loaded, list) FILE_DL_INIT_##loaded(list)
#define FILE_DL_INIT(loaded, list) FILE_DL_INIT_(loaded, list)

#define FILE_DL_DEFINE(name, list, soname_, loaded, setup_)     \
	static struct name##_functions {                        \
		list(FILE_DL_FIELD, )                           \
	} name = { FILE_DL_INIT(loaded, list) };                \
	static const struct file_dl_symbol name##_symbols[] = { \
		list(FILE_DL_SYMBOL, struct name##_functions)   \
	};                                                      \
	struct file_dl file_##name##_dl = {                     \
		.soname = soname_,                              \
		.symbols = name##_symbols,                      \
		.n_symbols = ARRAY_SIZE(name##_symbols),        \
		.functions = &name,                             \
		.load = (loaded),                               \
		.setup = (setup_),                              \
	}

/* The libraries of the optional formats and of signatures (FILE_DL_DEFINE in
 * file-zstd.c, file-xz.c, file-zlib.c and signature.c); each exists only when its
 * feature is built in. */
extern struct file_dl file_zstd_dl, file_xz_dl, file_zlib_dl, file_crypto_dl;
