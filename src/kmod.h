/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>

#include "libkmod.h"
#include "lib/macro.h"

/*
 * The multi-call binary: each tool is a struct kmod_cmd; kmod.c dispatches on the
 * basename of argv[0] (compat names) or on the first word after `kmod`.
 */

struct kmod_cmd {
	const char *name;
	int (*cmd)(int argc, char *argv[]);
	const char *help;
};

/* tools reachable as `kmod <name>` */
extern const struct kmod_cmd kmod_cmd_list;
extern const struct kmod_cmd kmod_cmd_static_nodes;

/* tools reachable through their own name (symlinks to kmod) */
extern const struct kmod_cmd kmod_cmd_compat_lsmod;
extern const struct kmod_cmd kmod_cmd_compat_rmmod;
extern const struct kmod_cmd kmod_cmd_compat_insmod;
extern const struct kmod_cmd kmod_cmd_compat_modinfo;
extern const struct kmod_cmd kmod_cmd_compat_modprobe;
extern const struct kmod_cmd kmod_cmd_compat_depmod;

/* Prints the two --version lines (tools.md 2): scripts compare them byte for byte.
 * Defined in options.c, with the rest of the shared options. */
void kmod_print_version(void);

/*
 * (options.c) Writes "<root><MODULE_DIRECTORY>/<kversion>" into buf, kversion defaulting to the running
 * kernel's release (uname -r); a uname() failure is reported here.
 */
int tool_module_dir(const char *root, const char *kversion, char buf[static PATH_MAX]);

/*
 * (options.c) Leaves *kversion as it is when set; when NULL, points it at the running
 * kernel's release, kept in *u (so u must live as long as *kversion is used). A uname()
 * failure is reported here and returned as a negative errno.
 */
struct utsname;
int tool_kversion(const char **kversion, struct utsname *u);

/* Clean-up attributes for the library's objects (lib/macro.h has the generic ones). */
static inline void kmod_ctx_unrefp(struct kmod_ctx **ctx)
{
	kmod_unref(*ctx);
}

static inline void kmod_module_unrefp(struct kmod_module **mod)
{
	kmod_module_unref(*mod);
}

static inline void kmod_module_unref_listp(struct kmod_list **list)
{
	kmod_module_unref_list(*list);
}

#define _cleanup_kmod_ctx_ _cleanup_(kmod_ctx_unrefp)
#define _cleanup_kmod_module_ _cleanup_(kmod_module_unrefp)
#define _cleanup_kmod_list_ _cleanup_(kmod_module_unref_listp)
