/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Generic helpers shared by the library, depmod and the tests: module-name
 * normalisation, the index hash, the module directory path, small file readers
 * and time helpers.
 * Functions returning int give 0 or a negative errno.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "macro.h"

/* Paul Hsieh's SuperFastHash with little-endian 16-bit reads (formats.md 1.10.2). */
uint32_t hash_superfast(const char *key, size_t len);

/*
 * Alias normalisation (formats.md 1.10.5): '-' becomes '_' outside [...] ranges.
 * Writes at most PATH_MAX bytes including the NUL; *len (optional) gets the length.
 * -EINVAL on unmatched brackets, -ENAMETOOLONG if it does not fit.
 */
int alias_normalize(const char *alias, char buf[static PATH_MAX], size_t *len);
/* In place variant used by the configuration parser ("underscores"). */
int underscores(char *s);
/* Module name: cut at the first '.', '-' becomes '_'. Returns buf, or NULL if too long. */
char *modname_normalize(const char *modname, char buf[static PATH_MAX], size_t *len);
/* Module name of a path: basename, then modname_normalize(). */
char *path_to_modname(const char *path, char buf[static PATH_MAX], size_t *len);
/* True if name ends in .ko or a compressed suffix (.ko.gz/.ko.xz/.ko.zst), built in or not. */
bool path_ends_with_kmod_ext(const char *path, size_t len);

/*
 * The module directory of a kernel, "<root>/<moduledir>/<kver>", into buf, with
 * moduledir's leading slashes dropped: root NULL is "", moduledir NULL is the
 * build's MODULE_DIRECTORY (/lib/modules by default), kver NULL is the running
 * kernel's release (uname -r). Returns 0, the negative errno of a failed uname(),
 * or -ENAMETOOLONG. It logs nothing: callers report.
 */
int path_module_dir(const char *root, const char *moduledir, const char *kver,
		    char buf[static PATH_MAX]);

/* Reads up to buflen-1 bytes, NUL-terminates; returns bytes read or -errno. */
ssize_t read_str_safe(int fd, char *buf, size_t buflen);
/* Reads an integer from an open file; -EINVAL if it has no digits or trailing junk. */
int read_str_long(int fd, long *value, int base);
int read_str_ulong(int fd, unsigned long *value, int base);
/* Whole file into a malloc'd NUL-terminated buffer. */
int read_file(const char *path, char **contents, size_t *size);
/* write(2) until everything is written. */
ssize_t write_str_safe(int fd, const char *buf, size_t buflen);

/*
 * Reads one logical configuration line (formats.md 7.2): a backslash before the
 * newline joins the next line, a backslash before anything else is dropped.
 * *linenum (optional) is advanced by the number of physical lines consumed, so it
 * then holds the number of the last of them. Returns a malloc'd line without '\n',
 * or NULL at end of file.
 */
char *freadline_wrapped(FILE *fp, unsigned int *linenum);

/* mkdir -p of the directory part of path (up to the last '/'). */
int mkdir_parents(const char *path, mode_t mode);
/* mkdir -p of the whole path. */
int mkdir_p(const char *path, size_t len, mode_t mode);
/* p made absolute against the cwd: always a new malloc'd string (a copy of p when it is
 * absolute already); NULL on allocation or getcwd() failure, errno set. */
char *path_make_absolute_cwd(const char *p);

unsigned long long ts_usec(const struct timespec *ts);
unsigned long long now_usec(void);
unsigned long long stat_mstamp(const struct stat *st);
