/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * modprobe -a --jobs[=N] (modprobe(8), "PARALLEL LOADING"): the operands are
 * loaded by up to N child processes at once, with the messages, exit status and
 * end state of the sequential -a run.
 *
 * Each operand's probe plan (the modules the library would act on, in order) is
 * worked out first, with a dry run on a separate library context. An operand then
 * runs exactly as in the sequential run, in one of up to N worker processes, its
 * standard output and error kept apart and printed in operand order. It starts
 * only when every earlier operand has gone past each module the two plans share
 * (so each module is checked and loaded in the order the sequential run would, a
 * module's dependencies and pre softdeps before it), and past every install
 * command (which may do anything); an operand with an install command waits for
 * all earlier operands to finish. The workers report their progress through the
 * library's action callback (modprobe_jobs_action()).
 */

#include <stdbool.h>

struct kmod_ctx;
struct kmod_module;

/* A worker process running one operand; NULL stands for "not in a worker". */
struct jobs_worker;

struct jobs_opts {
	unsigned int jobs; /* processes at once, >= 1 */
	unsigned int probe_flags; /* the flags each probe of the run uses */
	const char *dirname; /* as given to the library context, or NULL */
	const char *const *config_paths;
	/*
	 * the sequential -a step for one operand, in worker w; returns < 0 on failure.
	 * Each probe of a resolved module goes through the hooks below with w.
	 */
	int (*run)(const void *data, const char *arg, struct jobs_worker *w);
	const void *data; /* passed to run */
};

/*
 * Parses the value of --jobs: NULL means the number of CPUs this process may run
 * on. Returns 0, or -EINVAL (reported) for anything but a number from 1 to 1024.
 */
int modprobe_jobs_parse(const char *arg, unsigned int *jobs);

/*
 * Runs opts->run for every operand as described above. Returns 0, or a negative
 * errno when an operand failed (its messages said why) or the run could not go on
 * (reported).
 */
int modprobe_jobs_run(struct kmod_ctx *ctx, const struct jobs_opts *opts, char **args,
		      int nargs);

/*
 * Hooks for modprobe's probe of one module, no-ops when w is NULL: call _begin
 * before and _end after each probe of a resolved module, and _step from the
 * probe's action callback (the library is about to act on m).
 */
void modprobe_jobs_probe_begin(struct jobs_worker *w);
void modprobe_jobs_probe_end(struct jobs_worker *w);
void modprobe_jobs_step(struct jobs_worker *w, struct kmod_module *m);
