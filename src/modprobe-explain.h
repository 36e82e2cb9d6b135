/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * modprobe --explain: every decision modprobe would take for its operands, printed
 * instead of being carried out (modprobe(8), "EXPLAIN").
 */

#include <stdbool.h>

struct kmod_ctx;

struct explain_opts {
	bool remove; /* -r */
	bool all; /* -a: every operand is a module (no parameters) */
	bool use_blacklist; /* -b */
	bool ignore_commands; /* -i */
	bool ignore_loaded; /* -D: the loaded state is ignored */
	bool first_time; /* --first-time */
	bool remove_holders; /* --remove-holders */
	bool json; /* --json */
	const char *const *config_paths; /* -C paths, NULL for the default directories */
};

/*
 * Explains args[0..nargs): without opts->all and opts->remove, args[0] is the module
 * and the rest its parameters. Text or one JSON document on stdout. Returns 0, or a
 * negative errno when an operand cannot be resolved (explained in the output) or
 * -ENOMEM (not reported: the caller says it).
 */
int modprobe_explain(struct kmod_ctx *ctx, const struct explain_opts *opts, char **args,
		     int nargs);

/*
 * A configured install or remove command as it runs: every "$CMDLINE_OPTS"
 * replaced by options ("" for a remove command). NULL on out-of-memory.
 */
char *modprobe_command_with_options(const char *cmd, const char *options);
