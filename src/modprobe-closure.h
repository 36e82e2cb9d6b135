/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * modprobe --closure (modprobe(8), "INITRAMFS CLOSURE"): every file needed to load
 * the named modules at boot - the module files reached through hard dependencies,
 * softdeps (pre and post) and weakdeps, and the firmware files their modinfo names.
 */

#include <stdbool.h>

struct kmod_ctx;

struct closure_opts {
	const char *root; /* -d: prefix of the module and firmware directories, or NULL */
	const char *kversion; /* -S: release, or NULL for the running kernel's */
	bool json; /* --json: one JSON document instead of the list (modprobe(8)) */
};

/*
 * Prints the closure of args (names, aliases or module paths) to stdout, one path
 * per line, sorted and without duplicates; or, with opts->json, a JSON document
 * with each operand's closure and the list. Missing firmware is reported on stderr as a WARNING, builtin modules as
 * a NOTICE. Returns 0, or a negative errno when an operand resolved to nothing or a
 * module file is missing (everything found is printed anyway).
 */
int modprobe_closure(struct kmod_ctx *ctx, const struct closure_opts *opts, char **args,
		     int nargs);
