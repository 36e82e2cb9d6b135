/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * "hint:" lines after a failure, for people only: a run prints at most one line
 * "hint: <text>\n" on stderr, at exit (after the error messages, also when a FATAL
 * message exits), and only when stderr is a terminal, so that scripts (and the
 * transcripts) see kmod's exact bytes. Each function looks for the most likely
 * next step and leaves nothing when it knows none; the first hint of a run wins.
 */

#include <stdbool.h>

struct kmod_ctx;

/* Whether hints are shown: stderr is a terminal. */
bool hint_enabled(void);

/*
 * What the tool was given, for hint_not_found(): the -b/-d root directory and the
 * option's name ("-d"), the -C paths; each may be NULL. The strings must live until
 * the hint is made.
 */
void hint_set_options(const char *root, const char *root_flag,
		      const char *const *config_paths);

/*
 * A module name or alias that was not found. In order: a -b/-d root or a -C path
 * that does not exist, a module directory that does not exist, a missing
 * modules.dep(.bin) ("run depmod"), else up to three close names from the index
 * ("did you mean").
 */
void hint_not_found(struct kmod_ctx *ctx, const char *name);

/* A directory given with an option (flag, e.g. "-b") that does not exist; with
 * flag NULL, a module directory that does not exist (depmod). */
void hint_missing_dir(const char *dir, const char *flag);

/*
 * A module file that could not be loaded or inserted: err is the negative errno.
 * Says what the file is when it is not ELF (text, another compression, truncated);
 * for a refusal by the kernel, the likely cause from the errno (unknown symbols and
 * the modules exporting them, signature, vermagic/format), pointing at dmesg.
 */
void hint_insert_failed(struct kmod_ctx *ctx, const char *path, int err);

/* The same for a module of a probe (its file, its context). */
struct kmod_module;
void hint_probe_failed(struct kmod_module *mod, int err);

/* The parts of the above that need no terminal (tests): the hint text, malloc'd,
 * or NULL when there is none. */
char *hint_not_found_text(struct kmod_ctx *ctx, const char *name, const char *root,
			  const char *root_flag, const char *const *config_paths);
char *hint_file_text(const char *path);
/* Edit distance with '-' and '_' equal (bounded by max: returns max + 1 beyond). */
unsigned int hint_distance(const char *a, const char *b, unsigned int max);
