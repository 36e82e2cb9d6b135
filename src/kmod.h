/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <limits.h>

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

/* Prints the two --version lines (tools.md 2): scripts compare them byte for byte. */
void kmod_print_version(void);

/*
 * Writes "<root><MODULE_DIRECTORY>/<kversion>" into buf, kversion defaulting to the running
 * kernel's release (uname -r); a uname() failure is reported here.
 */
int tool_module_dir(const char *root, const char *kversion, char buf[static PATH_MAX]);
