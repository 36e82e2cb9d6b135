/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Internals shared by the two halves of modkit-shim.so: shim.c (path redirection,
 * uname) and kernel.c (module syscall emulation). Nothing here is exported: the only
 * visible symbols of the shim are the libc functions it replaces.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SHIM_HIDDEN __attribute__((visibility("hidden")))

/*
 * The next definition of a libc function after ours (thread-safe, cached). REAL()
 * aborts with a message when there is none; REAL_OPT() gives NULL for the functions
 * a libc may lack (compat __xstat, statx, renameat2, the module syscall wrappers).
 */
SHIM_HIDDEN void *shim_resolve(void **slot, const char *name, bool required);
#define REAL_SLOT(fn) static void *real_slot_##fn
#define REAL(fn) ((__typeof__(&fn))shim_resolve(&real_slot_##fn, #fn, true))
#define REAL_OPT(fn) ((__typeof__(&fn))shim_resolve(&real_slot_##fn, #fn, false))

/* $MODKIT_ROOT, or NULL when the shim is inactive (unset or empty). */
SHIM_HIDDEN const char *shim_root(void);

/*
 * Redirects path into the fixture root when it lies under one of the faked system
 * prefixes. Returns path itself, buf holding the new path, or NULL with errno set
 * (ENAMETOOLONG; EFAULT for a NULL path).
 */
SHIM_HIDDEN const char *shim_redirect(const char *path, char buf[PATH_MAX]);

/* Raw file helpers on real paths (they bypass the redirection). */
SHIM_HIDDEN int shim_open(const char *path, int flags, mode_t mode);
SHIM_HIDDEN int shim_read_file(const char *path, char **data, size_t *len);
SHIM_HIDDEN int shim_write_file(const char *path, const void *data, size_t len);
SHIM_HIDDEN int shim_mkdir_p(const char *path);
SHIM_HIDDEN int shim_rm_rf(const char *path);
