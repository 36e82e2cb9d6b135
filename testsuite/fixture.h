/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Fixture roots for tests that run programs under modkit-shim.so (testsuite/shim/).
 *
 * A fixture is a directory standing in for "/" as far as kmod is concerned: the shim
 * serves these absolute paths from the same path below the root (formats.md §6, §7):
 *
 *   <root>/lib/modules/<kver>/...          module trees (may be a symlink elsewhere)
 *   <root>/{etc,run,lib,usr/lib,usr/local/lib}/{modprobe,depmod}.d/
 *   <root>/proc/modules                    loaded modules (missing = no /proc/modules)
 *   <root>/proc/cmdline                    kernel command line (missing = empty)
 *   <root>/sys/module/<name>/...           initstate, refcnt, coresize, holders/, ...
 *   <root>/sys/module/compression          in-kernel decompression format ("xz\n")
 *
 * and keeps its own bookkeeping in <root>/.shim/ (calls.log, errors, images/; the
 * formats are described at the top of testsuite/shim/kernel.c).
 *
 * Typical use:
 *
 *	struct fixture fx;
 *	CHECK_INT_EQ(fixture_init(&fx, NULL, "6.1.0-test"), 0);
 *	fixture_set_loaded(&fx, "x_tables", 4096, 0, NULL);
 *	test_run(&r, argv, fixture_env(&fx));
 *	fixture_read_calls(&fx, &log);
 *	fixture_release(&fx);
 *
 * Functions returning int give 0 or a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>

struct fixture {
	char *root; /* absolute path of the fixture root */
	char *uname_r; /* release uname() reports, or NULL for the machine's */
	/* environment for test_run(): "K=V" strings, NULL-terminated */
	char *env_strings[8];
	const char *env[8];
};

/*
 * Sets up a fixture. root NULL creates a fresh directory with test_tmpdir() (removed
 * when the case ends); otherwise root is used as is (created if missing). uname_r
 * may be NULL. The environment built for fixture_env() is:
 *   LD_PRELOAD=<build root>/testsuite/shim/modkit-shim.so
 *   MODKIT_ROOT=<root>
 *   MODKIT_UNAME_R=<uname_r>                          (only when uname_r is set)
 *   ASAN_OPTIONS=<ours>:verify_asan_link_order=0      (a preloaded shim in front of
 *                                                     an ASan program is expected)
 */
int fixture_init(struct fixture *fx, const char *root, const char *uname_r);
void fixture_release(struct fixture *fx);

/* The environment entries to pass to test_run() (valid until fixture_release()). */
const char *const *fixture_env(const struct fixture *fx);

/* Path of the shim library in the build tree (static buffer). */
const char *fixture_shim_path(void);

/* <root>/<rel> (rel may start with '/'), malloc'd; NULL when out of memory. */
char *fixture_path(const struct fixture *fx, const char *rel);

/* Writes <root>/<rel> (creating parent directories). */
int fixture_write(const struct fixture *fx, const char *rel, const char *content);
/* Reads <root>/<rel> whole (malloc'd, NUL-terminated). */
int fixture_read(const struct fixture *fx, const char *rel, char **content);
bool fixture_exists(const struct fixture *fx, const char *rel);

/* <root>/lib/modules/<kver> becomes a symlink to dir (e.g. the Debian tree). */
int fixture_link_modules(const struct fixture *fx, const char *kver, const char *dir);

/* The kernel command line (<root>/proc/cmdline), written as given. */
int fixture_set_cmdline(const struct fixture *fx, const char *cmdline);

/* /sys/module/compression: "xz", "zstd", "gzip"; NULL removes it. */
int fixture_set_kernel_compression(const struct fixture *fx, const char *kind);

/*
 * The kernel's vermagic string (.shim/vermagic; NULL removes it). When set, modules with
 * another .modinfo vermagic are refused with ENOEXEC unless finit flag 2 is given; a
 * module without vermagic (blanked by --force-vermagic) is accepted.
 */
int fixture_set_vermagic(const struct fixture *fx, const char *vermagic);

/*
 * Errors file: fixture_add_error() appends the rule "<syscall> <name> <err>", where
 * syscall is finit_module, init_module, delete_module or "*", name a module name or
 * glob ("*" for any), err an errno name ("ENOSYS") or number. First match wins.
 * Forced errors change no state; the call is still logged.
 */
int fixture_add_error(const struct fixture *fx, const char *syscall, const char *name,
		      const char *err);
/* The same rule for the next `count` matching calls only (then calls proceed). */
int fixture_add_error_count(const struct fixture *fx, const char *syscall,
			    const char *name, const char *err, unsigned int count);
int fixture_clear_errors(const struct fixture *fx);

/* The whole calls.log ("" when nothing was called), malloc'd. */
int fixture_read_calls(const struct fixture *fx, char **log);
int fixture_clear_calls(const struct fixture *fx);

/*
 * Marks a module loaded the way the shim itself would after a successful insertion:
 * sys/module/<name>/{initstate "live", refcnt, coresize, holders/<h> -> ../../<h>,
 * sections/.text} and a /proc/modules line "<name> <size> <refcnt> <h1>,<h2>, Live
 * 0x0000000000000000" (users "-" without holders). Replaces an existing entry.
 * holders is NULL-terminated (may be NULL). The holders are not checked or created.
 */
int fixture_set_loaded(const struct fixture *fx, const char *name, unsigned long size,
		       long refcnt, const char *const *holders);
/* Removes sys/module/<name> and its /proc/modules line (no holder bookkeeping). */
int fixture_set_unloaded(const struct fixture *fx, const char *name);

/* The image the shim saved for the last init_module() of name (malloc'd). */
int fixture_read_image(const struct fixture *fx, const char *name, void **data,
		       size_t *len);
