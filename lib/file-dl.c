// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The optional libraries of module files (file-dl.h): loading each once, with the
 * reason it cannot be used, and the ELF notes that declare the ones loaded with
 * dlopen(). Nothing here calls back into file.c or the decompressors, except
 * through a library's own set-up hook.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "file-dl.h"

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

/*
 * Every library this build may dlopen(), declared once here: file-dl.c is
 * linked into everything that reads module files (libkmod.so.2 and the kmod
 * binary), so each of them carries the whole list. A decompressor is "recommended": without
 * it depmod fails on such modules; libcrypto only adds the signer details that
 * modinfo shows, hence "suggested".
 */
#if ENABLE_ZSTD && ENABLE_ZSTD_DLOPEN
FILE_DL_NOTE(file_dl_note_zstd, "zstd",
	     "decompression of zstd-compressed modules (.ko.zst)", "recommended",
	     ZSTD_SONAME);
#endif
#if ENABLE_XZ && ENABLE_XZ_DLOPEN
FILE_DL_NOTE(file_dl_note_xz, "xz", "decompression of xz-compressed modules (.ko.xz)",
	     "recommended", XZ_SONAME);
#endif
#if ENABLE_ZLIB && ENABLE_ZLIB_DLOPEN
FILE_DL_NOTE(file_dl_note_zlib, "zlib",
	     "decompression of gzip-compressed modules (.ko.gz)", "recommended",
	     ZLIB_SONAME);
#endif
#if ENABLE_OPENSSL && ENABLE_OPENSSL_DLOPEN
FILE_DL_NOTE(file_dl_note_openssl, "openssl",
	     "signer, key and hash of PKCS#7 module signatures (modinfo)", "suggested",
	     OPENSSL_SONAME);
#endif

static void file_dl_load(struct file_dl *dl)
{
	void *handle;

	dl->err = -ENOSYS;
	handle = dlopen(dl->soname, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		snprintf(dl->errmsg, sizeof(dl->errmsg), "%s is not available",
			 dl->soname);
		return;
	}
	for (size_t i = 0; i < dl->n_symbols; i++) {
		void *sym = dlsym(handle, dl->symbols[i].name);

		if (sym == NULL) {
			snprintf(dl->errmsg, sizeof(dl->errmsg),
				 "%s is not usable (no symbol %s)", dl->soname,
				 dl->symbols[i].name);
			/* keep the handle: unloading a library has global side effects */
			return;
		}
		memcpy((char *)dl->functions + dl->symbols[i].offset, &sym, sizeof(sym));
	}
	dl->err = 0;
}

/* One lock for all libraries: each is set up once per process, so it is taken a
 * handful of times at most; afterwards `tried` alone answers. */
static pthread_mutex_t file_dl_lock = PTHREAD_MUTEX_INITIALIZER;

static void file_dl_prepare(struct file_dl *dl)
{
	int err;

	if (dl->load)
		file_dl_load(dl);
	if (dl->err < 0 || dl->setup == NULL)
		return;
	err = dl->setup();
	if (err < 0) {
		dl->err = -ENOSYS;
		snprintf(dl->errmsg, sizeof(dl->errmsg),
			 "%s is not usable (its set-up failed: %s)", dl->soname,
			 strerror(-err));
	}
}

const char *file_dl_missing(struct file_dl *dl)
{
	if (!__atomic_load_n(&dl->tried, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&file_dl_lock);
		if (!dl->tried) {
			file_dl_prepare(dl);
			__atomic_store_n(&dl->tried, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&file_dl_lock);
	}
	return dl->err < 0 ? dl->errmsg : NULL;
}
