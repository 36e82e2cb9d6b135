/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The skeleton every tool follows, and the helpers for the options they share.
 *
 * A tool is two steps: parse, then act.
 *   1. Parsing fills one struct (struct <tool>_opts) and nothing else: no
 *      file-scope variables, no logging set up, no context made. The tool's own
 *      options are handled by a small callback given to options_parse(); the
 *      shared ones (-V/--version, -h/--help, -v/--verbose, -s/--syslog) are left to
 *      the struct tool_common embedded in the struct. The result says whether to
 *      act or to stop with an exit status.
 *   2. Acting reads only that struct: it opens logging (tool_common's use_syslog),
 *      makes the context with tool_common's verbosity, does the work, and releases
 *      what the struct owns (config_paths_free() for a -C list).
 * tool_main() runs the two steps, so a tool's main is its option table, its
 * struct with the defaults, and one call. See insmod.c for the smallest example.
 * options.c also defines the -V answer kmod_print_version() and the module
 * directory helper tool_module_dir(), declared in kmod.h.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/macro.h"

/* The shared long options, for a tool's struct option table. */
// clang-format off
#define OPTION_LONG_VERSION { "version", no_argument, NULL, 'V' }
#define OPTION_LONG_HELP { "help", no_argument, NULL, 'h' }
#define OPTION_LONG_VERBOSE { "verbose", no_argument, NULL, 'v' }
#define OPTION_LONG_SYSLOG { "syslog", no_argument, NULL, 's' }
#define OPTION_LONG_END { NULL, 0, NULL, 0 }
/* all four and the end of the table, for the tools that take all four */
#define OPTIONS_LONG_COMMON OPTION_LONG_SYSLOG, OPTION_LONG_VERBOSE, OPTION_LONG_VERSION, \
	OPTION_LONG_HELP, OPTION_LONG_END
// clang-format on

/* The options every tool shares. */
struct tool_common {
	/* log threshold: the tool sets its default before parsing, each -v adds one */
	int verbose;
	/* -s: messages go to syslog */
	bool use_syslog;
	/* what -h prints */
	void (*help)(void);
};

/* What a parse ends in. */
enum options_result {
	OPTIONS_RUN, /* options parsed: act on them */
	OPTIONS_EXIT_SUCCESS, /* -h or -V answered: exit 0 */
	OPTIONS_EXIT_FAILURE, /* bad usage, already reported: exit 1 */
};

/* The exit status of a result that stops the tool (EXIT_SUCCESS or EXIT_FAILURE). */
int options_exit_status(enum options_result result);

/* What an option callback returns besides 0 (taken) and a negative errno (stop). */
#define OPTION_COMMON 1

/*
 * Runs getopt_long() over argv. Each option goes first to one(c, optarg, data),
 * which returns 0 when it took it, OPTION_COMMON to hand it to the shared handler
 * (which may follow the tool recording it, as modprobe does for its environment),
 * or a negative errno to stop (it reported why). The shared handler answers -V
 * and -h, counts -v, sets -s, and fails on anything else (getopt already printed
 * the diagnostic). one may be NULL when a tool has only the shared options.
 * Operands start at optind afterwards.
 */
enum options_result options_parse(int argc, char *argv[], const char *shortopts,
				  const struct option *longopts,
				  struct tool_common *common,
				  int (*one)(int c, const char *arg, void *data),
				  void *data);

/*
 * What a tool's main hands to tool_main(): its options (shortopts and longopts as
 * getopt_long() takes them), the callback for its own options (NULL: none) and
 * what acts on the parsed struct, given the operands. run returns 0, a negative
 * errno it has reported, or a positive number for a result that is no error but
 * still ends in exit status 1 (kmod check: a module differs from its file).
 */
struct tool_spec {
	const char *shortopts;
	const struct option *longopts;
	int (*option)(int c, const char *arg, void *opts);
	int (*run)(void *opts, int nargs, char *args[]);
};

/*
 * The whole main of a tool: options_parse() into opts (whose struct tool_common is
 * common), then with logging open spec->run(). Returns the exit status.
 */
int tool_main(int argc, char *argv[], const struct tool_spec *spec,
	      struct tool_common *common, void *opts);

/*
 * The -C/--config list: the paths in order of the command line, NULL-terminated,
 * as kmod_new() takes them; paths is NULL while the list is empty. The strings
 * are the caller's (argv), not copied.
 */
struct config_paths {
	const char **paths;
	size_t n;
};

/* Appends one path; on out-of-memory logs it and returns -ENOMEM. */
int config_paths_add(struct config_paths *list, const char *path);
void config_paths_free(struct config_paths *list);
/* A struct config_paths variable freed when it leaves scope. */
#define _cleanup_config_paths_ _cleanup_(config_paths_free)

/*
 * Joins module parameters given as separate operands into the one option
 * string the kernel takes (tools.md 1.2). Returns a malloc'd string (empty when
 * nargs is 0), or NULL on allocation failure.
 */
char *options_from_array(char **args, int nargs);
