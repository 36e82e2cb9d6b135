// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe -a --jobs: parallel loading in worker processes (see modprobe-jobs.h).
 *
 * Processes rather than threads: a worker has its own copy of the library context
 * (contexts are not shared across threads), install commands inherit the
 * worker's standard output and error, switched to the operand's memfds, so their
 * output is kept with the operand's, and the process environment an install
 * command changes (MODPROBE_MODULE) is the worker's own.
 *
 * Ordering. The sequential run handles operand 1, then 2, ...; within an operand,
 * the steps of its probe plans in order, each step checking one module's state and
 * maybe loading it. Two steps on different modules commute (the kernel only needs
 * a module's dependencies loaded first, and those come earlier in the module's own
 * plan), so a schedule that keeps, for every module, the sequential order of the
 * steps touching it ends in the same state with the same results. The parent
 * enforces it before starting an operand: each earlier operand must have finished,
 * or gone past its last step on every module of the new operand's plan. Progress
 * is "every step before index k is done", published by the worker in shared memory
 * when the library announces the next action (which follows the checks and actions
 * of all earlier steps) and when a probe returns. An install command can touch any
 * module: operands after one wait until it is done, and an operand having one waits
 * for all earlier operands to end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libkmod.h"
#include "lib/array.h"
#include "lib/hash.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "log.h"
#include "modprobe-jobs.h"

#define JOBS_MAX 1024
/* not-started operands looked at, after the first one, when choosing the next */
#define JOBS_LOOKAHEAD 64

struct step {
	bool install; /* runs an install command: conflicts with everything */
	bool check_only; /* the probe's first look at its target, no action */
	char name[];
};

enum job_state {
	JOB_WAITING,
	JOB_RUNNING,
	JOB_DONE
};

struct job {
	const char *arg; /* the operand */
	struct array steps; /* struct step * */
	struct array subs; /* (void *)(uintptr_t) end index of each probe's steps */
	struct hash *last; /* module name -> last step index + 1 (as a pointer) */
	long last_install; /* index of the last install step, -1 if none */
	enum job_state state;
	int out, err; /* its stdout and stderr while a worker runs it (memfd) */
	char *out_buf, *err_buf;
	size_t out_len, err_len;
	bool failed;
};

/* ---- in a child -------------------------------------------------------------- */

/* A worker running one operand (see struct jobs_worker in modprobe-jobs.h). */
struct jobs_worker {
	struct job *job;
	unsigned int *progress; /* this job's slot in the shared array */
	int notify; /* the worker's socket */
	int index; /* the operand being run */
	size_t sub; /* index of the probe being run */
	size_t cursor; /* next step that may be announced */
};

static void worker_send(int sock, int index, int done, int failed);

static void publish(struct jobs_worker *w, size_t k)
{
	if (k <= __atomic_load_n(w->progress, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(w->progress, (unsigned int)k, __ATOMIC_RELEASE);
	worker_send(w->notify, w->index, 0, 0);
}

static size_t sub_start(const struct job *job, size_t sub)
{
	return sub == 0 ? 0 : (size_t)(uintptr_t)job->subs.array[sub - 1];
}

static size_t sub_end(const struct job *job, size_t sub)
{
	if (sub >= job->subs.count)
		return job->steps.count;
	return (size_t)(uintptr_t)job->subs.array[sub];
}

void modprobe_jobs_probe_begin(struct jobs_worker *w)
{
	if (w != NULL)
		w->cursor = sub_start(w->job, w->sub);
}

void modprobe_jobs_probe_end(struct jobs_worker *w)
{
	if (w == NULL)
		return;
	publish(w, sub_end(w->job, w->sub));
	w->sub++;
}

void modprobe_jobs_step(struct jobs_worker *w, struct kmod_module *m)
{
	const char *name;
	size_t end;

	if (w == NULL)
		return;
	name = kmod_module_get_name(m);
	end = sub_end(w->job, w->sub);
	for (size_t k = w->cursor; k < end; k++) {
		const struct step *s = w->job->steps.array[k];

		if (!s->check_only && streq(s->name, name)) {
			w->cursor = k + 1;
			publish(w, k);
			break;
		}
	}
}

/* ---- plans ----------------------------------------------------------------------- */

/* The dry run filling a job's plan, reached through its context's user data. */
struct planning {
	struct job *job;
	int err;
};

static int job_add_step(struct job *job, const char *name, bool install, bool check_only)
{
	size_t len = strlen(name);
	struct step *s = malloc(sizeof(*s) + len + 1);
	ssize_t idx;

	if (s == NULL)
		return -ENOMEM;
	s->install = install;
	s->check_only = check_only;
	memcpy(s->name, name, len + 1);
	idx = array_append(&job->steps, s);
	if (idx < 0) {
		free(s);
		return -ENOMEM;
	}
	if (hash_add(job->last, s->name, (void *)(uintptr_t)(idx + 1)) < 0)
		return -ENOMEM;
	if (install)
		job->last_install = idx;
	return 0;
}

static void plan_action(struct kmod_module *m, bool install, const char *options)
{
	struct planning *p = kmod_get_userdata(m->ctx);

	if (job_add_step(p->job, kmod_module_get_name(m), install, false) < 0)
		p->err = -ENOMEM;
}

static int plan_module(struct kmod_ctx *pctx, struct job *job, struct kmod_module *mod,
		       unsigned int flags)
{
	struct planning p = { .job = job };
	int r = job_add_step(job, kmod_module_get_name(mod), false, true);

	if (r < 0)
		return r;
	kmod_set_userdata(pctx, &p);
	(void)kmod_module_probe_insert_module(mod, flags, NULL, NULL, NULL, plan_action);
	kmod_set_userdata(pctx, NULL);
	if (p.err < 0)
		return p.err;
	if (array_append(&job->subs, (void *)(uintptr_t)job->steps.count) < 0)
		return -ENOMEM;
	return 0;
}

/* The plan of one operand: the steps of each probe modprobe will run for it. */
static int plan_job(struct kmod_ctx *pctx, struct job *job, unsigned int flags)
{
	struct kmod_list *list = NULL, *l;
	int r = 0;

	if (strncmp(job->arg, "/", 1) == 0 || strncmp(job->arg, "./", 2) == 0) {
		struct kmod_module *mod;

		if (kmod_module_new_from_path(pctx, job->arg, &mod) < 0)
			return 0; /* the run reports it; no module is touched */
		r = plan_module(pctx, job, mod, flags);
		kmod_module_unref(mod);
		return r;
	}
	if (kmod_module_new_from_lookup(pctx, job->arg, &list) < 0)
		return 0;
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = plan_module(pctx, job, mod, flags);
		kmod_module_unref(mod);
		if (r < 0)
			break;
	}
	kmod_module_unref_list(list);
	return r;
}

static void silent_log(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
}

static int plan_all(const struct jobs_opts *opts, struct job *jobs, int nargs)
{
	unsigned int flags = (opts->probe_flags | KMOD_PROBE_DRY_RUN |
			      KMOD_PROBE_IGNORE_LOADED) &
			     ~(unsigned int)KMOD_PROBE_FAIL_ON_LOADED;
	struct kmod_ctx *pctx = kmod_new(opts->dirname, opts->config_paths);
	int r = 0;

	if (pctx == NULL)
		return -ENOMEM;
	/* the run itself reports what the dry run would find wrong */
	kmod_set_log_fn(pctx, silent_log, NULL);
	(void)kmod_load_resources(pctx);
	for (int i = 0; i < nargs && r == 0; i++)
		r = plan_job(pctx, &jobs[i], flags);
	kmod_unref(pctx);
	return r;
}

/* ---- scheduling ----------------------------------------------------------------- */

/* May b start, given what the earlier operands have done? */
static bool job_ready(const struct job *jobs, const unsigned int *progress, int b)
{
	const struct job *jb = &jobs[b];

	for (int a = 0; a < b; a++) {
		const struct job *ja = &jobs[a];
		unsigned int done = __atomic_load_n(&progress[a], __ATOMIC_ACQUIRE);

		if (ja->state == JOB_DONE)
			continue;
		if (jb->last_install >= 0)
			return false;
		if (ja->last_install >= 0 && done <= (unsigned long)ja->last_install)
			return false;
		for (size_t k = 0; k < jb->steps.count; k++) {
			const struct step *s = jb->steps.array[k];
			uintptr_t last = (uintptr_t)hash_find(ja->last, s->name);

			if (last > done)
				return false;
		}
	}
	return true;
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (*len == cap) {
			char *p = realloc(*buf, cap + 4096);

			if (p == NULL)
				return -ENOMEM;
			*buf = p;
			cap += 4096;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += n;
	}
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/*
 * Workers: up to opts->jobs child processes, each running operands one after the
 * other as the parent hands them out, so that a process is forked, and the
 * decompression library loaded, once per worker rather than once per operand. Over
 * a socket pair: the parent sends an operand's index with its two memfds (the
 * worker's stdout and stderr while it runs it); the worker answers with progress
 * wake-ups and, at the end, its result.
 */
struct worker {
	pid_t pid;
	int sock;
	int job; /* the operand it runs, -1 when idle */
};

struct wmsg {
	int index;
	int done; /* 0: progress wake-up, 1: finished */
	int failed;
};

static int send_job(int sock, int index, int out, int err)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = &index, .iov_len = sizeof(index) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int fds[2] = { out, err };

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Returns 1 with the index and the two descriptors, 0 at the end, < 0 on error. */
static int recv_job(int sock, int *index, int fds[2])
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = index, .iov_len = sizeof(*index) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	c = CMSG_FIRSTHDR(&mh);
	if (n != sizeof(*index) || c == NULL || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
		return -EBADMSG;
	memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
	return 1;
}

static void worker_send(int sock, int index, int done, int failed)
{
	struct wmsg m = { .index = index, .done = done, .failed = failed };

	/* a wake-up may be dropped when the socket is full: one is pending anyway */
	while (send(sock, &m, sizeof(m), MSG_NOSIGNAL | (done ? 0 : MSG_DONTWAIT)) < 0 &&
	       errno == EINTR)
		;
}

_Noreturn static void worker_main(struct kmod_ctx *ctx, const struct jobs_opts *opts,
				  struct job *jobs, unsigned int *progress, int sock)
{
	for (;;) {
		int index, fds[2], r;

		r = recv_job(sock, &index, fds);
		if (r <= 0)
			_exit(r < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
		if (dup2(fds[0], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
			_exit(EXIT_FAILURE);
		close(fds[0]);
		close(fds[1]);
		struct jobs_worker w = {
			.job = &jobs[index],
			.progress = &progress[index],
			.notify = sock,
			.index = index,
		};

		r = opts->run(opts->data, jobs[index].arg, &w);
		fflush(stdout);
		fflush(stderr);
		worker_send(sock, index, 1, r < 0);
	}
}

static int worker_start(struct kmod_ctx *ctx, const struct jobs_opts *opts,
			struct job *jobs, unsigned int *progress, struct worker *workers,
			unsigned int nw, struct worker *w)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	fflush(stdout);
	fflush(stderr);
	w->pid = fork();
	if (w->pid < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (w->pid == 0) {
		close(sv[0]);
		for (unsigned int i = 0; i < nw; i++)
			if (workers[i].sock >= 0)
				close(workers[i].sock);
		worker_main(ctx, opts, jobs, progress, sv[1]);
	}
	close(sv[1]);
	w->sock = sv[0];
	w->job = -1;
	return 0;
}

static void job_close_output(struct job *job)
{
	if (job->out >= 0)
		close(job->out);
	if (job->err >= 0)
		close(job->err);
	job->out = job->err = -1;
}

static int job_dispatch(struct job *job, int index, struct worker *w)
{
	int err;

	job->out = memfd_create("modprobe-job-stdout", MFD_CLOEXEC);
	job->err = memfd_create("modprobe-job-stderr", MFD_CLOEXEC);
	if (job->out < 0 || job->err < 0)
		err = -errno;
	else
		err = send_job(w->sock, index, job->out, job->err);
	if (err < 0) {
		job_close_output(job);
		return err;
	}
	job->state = JOB_RUNNING;
	w->job = index;
	return 0;
}

static void job_append_err(struct job *job, const char *msg)
{
	size_t n = strlen(msg);
	char *p = realloc(job->err_buf, job->err_len + n);

	if (p == NULL)
		return;
	memcpy(p + job->err_len, msg, n);
	job->err_buf = p;
	job->err_len += n;
}

static void job_finish(struct job *job, bool failed)
{
	job->failed = failed;
	if (job->out >= 0 && read_all(job->out, &job->out_buf, &job->out_len) < 0)
		job->failed = true;
	if (job->err >= 0 && read_all(job->err, &job->err_buf, &job->err_len) < 0)
		job->failed = true;
	job_close_output(job);
	job->state = JOB_DONE;
}

/* A worker that went away: its operand (if any) failed, with a message. */
static void worker_lost(struct job *jobs, struct worker *w)
{
	int status = 0;

	close(w->sock);
	w->sock = -1;
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	w->pid = -1;
	if (w->job >= 0) {
		struct job *job = &jobs[w->job];
		char *msg = NULL;

		job_finish(job, true);
		if (asprintf(&msg,
			     "%s: ERROR: the process loading %s ended (status 0x%x)\n",
			     program_invocation_short_name, job->arg, status) > 0)
			job_append_err(job, msg);
		free(msg);
		w->job = -1;
	}
}

/* Waits for messages from the busy workers; handles them. */
static int wait_event(struct job *jobs, struct worker *workers, unsigned int nw,
		      struct pollfd *pfd, unsigned int *running)
{
	unsigned int n = 0;
	int map[JOBS_MAX];

	for (unsigned int i = 0; i < nw; i++) {
		if (workers[i].sock < 0 || workers[i].job < 0)
			continue;
		pfd[n].fd = workers[i].sock;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		map[n++] = (int)i;
	}
	if (n == 0)
		return 0;
	if (poll(pfd, n, -1) < 0)
		return errno == EINTR ? 0 : -errno;
	for (unsigned int k = 0; k < n; k++) {
		struct worker *w = &workers[map[k]];
		struct wmsg m;
		ssize_t r;

		if (pfd[k].revents == 0)
			continue;
		r = recv(w->sock, &m, sizeof(m), MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r != sizeof(m) || m.index != w->job) {
			worker_lost(jobs, w);
			(*running)--;
			continue;
		}
		if (m.done) {
			job_finish(&jobs[m.index], m.failed != 0);
			w->job = -1;
			(*running)--;
		}
	}
	return 0;
}

int modprobe_jobs_parse(const char *arg, unsigned int *jobs)
{
	unsigned long n;
	char *end;

	if (arg == NULL) {
		cpu_set_t set;
		long cpus;

		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			cpus = CPU_COUNT(&set);
		else
			cpus = sysconf(_SC_NPROCESSORS_ONLN);
		*jobs = cpus < 1 ? 1 : cpus > JOBS_MAX ? JOBS_MAX : (unsigned int)cpus;
		return 0;
	}
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 || n < 1 ||
	    n > JOBS_MAX) {
		ERR("unexpected jobs value '%s' (1 to %d).\n", arg, JOBS_MAX);
		return -EINVAL;
	}
	*jobs = (unsigned int)n;
	return 0;
}

static void jobs_free(struct job *jobs, int nargs)
{
	for (int i = 0; i < nargs; i++) {
		for (size_t k = 0; k < jobs[i].steps.count; k++)
			free(jobs[i].steps.array[k]);
		array_free_array(&jobs[i].steps);
		array_free_array(&jobs[i].subs);
		hash_free(jobs[i].last);
		free(jobs[i].out_buf);
		free(jobs[i].err_buf);
	}
	free(jobs);
}

/* The parent's view of a run. */
struct run {
	struct kmod_ctx *ctx;
	const struct jobs_opts *opts;
	struct job *jobs;
	int nargs;
	struct worker *workers;
	unsigned int nw;
	struct pollfd *pfd;
	unsigned int *progress; /* shared with the workers: see publish() */
	unsigned int running; /* operands handed out and not done */
	int first; /* no operand before it is waiting */
	int printed; /* the operands before it are printed */
};

static int run_init(struct run *run, char **args)
{
	run->jobs = calloc(run->nargs, sizeof(*run->jobs));
	run->workers = calloc(run->nw, sizeof(*run->workers));
	run->pfd = calloc(run->nw, sizeof(*run->pfd));
	run->progress = MAP_FAILED;
	if (run->jobs == NULL || run->workers == NULL || run->pfd == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < run->nw; i++) {
		run->workers[i].pid = -1;
		run->workers[i].sock = -1;
		run->workers[i].job = -1;
	}
	for (int i = 0; i < run->nargs; i++) {
		struct job *job = &run->jobs[i];

		job->arg = args[i];
		job->last_install = -1;
		job->out = job->err = -1;
		array_init(&job->steps, 8);
		array_init(&job->subs, 2);
		job->last = hash_new(16, NULL);
		if (job->last == NULL)
			return -ENOMEM;
	}
	run->progress = mmap(NULL, run->nargs * sizeof(*run->progress) + 1,
			     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (run->progress == MAP_FAILED)
		return -ENOMEM;
	return plan_all(run->opts, run->jobs, run->nargs);
}

static void run_release(struct run *run)
{
	for (unsigned int i = 0; run->workers != NULL && i < run->nw; i++) {
		struct worker *w = &run->workers[i];

		if (w->sock < 0)
			continue;
		/* the worker ends at EOF; later workers hold copies of this end */
		shutdown(w->sock, SHUT_RDWR);
		close(w->sock);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (run->progress != MAP_FAILED)
		munmap(run->progress, run->nargs * sizeof(*run->progress) + 1);
	if (run->jobs != NULL)
		jobs_free(run->jobs, run->nargs);
	free(run->workers);
	free(run->pfd);
}

/* The first waiting operand, among the next few, that may start; -1 if none. */
static int pick_ready(struct run *run)
{
	int seen = 0;

	while (run->first < run->nargs && run->jobs[run->first].state != JOB_WAITING)
		run->first++;
	for (int b = run->first; b < run->nargs && seen <= JOBS_LOOKAHEAD; b++) {
		if (run->jobs[b].state != JOB_WAITING)
			continue;
		seen++;
		if (job_ready(run->jobs, run->progress, b))
			return b;
	}
	return -1;
}

/* An idle worker, or a new one; NULL if none could start. */
static struct worker *idle_worker(struct run *run)
{
	for (unsigned int i = 0; i < run->nw; i++)
		if (run->workers[i].sock >= 0 && run->workers[i].job < 0)
			return &run->workers[i];
	for (unsigned int i = 0; i < run->nw; i++)
		if (run->workers[i].sock < 0 &&
		    worker_start(run->ctx, run->opts, run->jobs, run->progress,
				 run->workers, run->nw, &run->workers[i]) == 0)
			return &run->workers[i];
	return NULL;
}

/* Hands out what may start, earliest operands first. */
static void start_ready(struct run *run)
{
	while (run->running < run->nw) {
		struct worker *w;
		int pick = pick_ready(run), err;

		if (pick < 0)
			return;
		w = idle_worker(run);
		err = w != NULL ? job_dispatch(&run->jobs[pick], pick, w) : -EAGAIN;
		if (err < 0) {
			ERR("could not start loading %s: %s\n", run->jobs[pick].arg,
			    strerror(-err));
			job_finish(&run->jobs[pick], true);
			continue;
		}
		run->running++;
	}
}

/* Prints, in operand order, what has ended; -EINVAL if one of them failed. */
static int print_done(struct run *run)
{
	int ret = 0;

	while (run->printed < run->nargs && run->jobs[run->printed].state == JOB_DONE) {
		struct job *j = &run->jobs[run->printed++];

		write_all(STDOUT_FILENO, j->out_buf, j->out_len);
		write_all(STDERR_FILENO, j->err_buf, j->err_len);
		if (j->failed)
			ret = -EINVAL;
		free(j->out_buf);
		free(j->err_buf);
		j->out_buf = j->err_buf = NULL;
	}
	return ret;
}

int modprobe_jobs_run(struct kmod_ctx *ctx, const struct jobs_opts *opts, char **args,
		      int nargs)
{
	struct run run = {
		.ctx = ctx,
		.opts = opts,
		.nargs = nargs,
		.nw = opts->jobs < (unsigned int)nargs ? opts->jobs : (unsigned int)nargs,
	};
	int ret = run_init(&run, args);

	if (ret < 0) {
		ERR("out of memory\n");
		run_release(&run);
		return ret;
	}
	while (run.printed < nargs) {
		int r;

		start_ready(&run);
		r = print_done(&run);
		if (r < 0)
			ret = r;
		if (run.printed < nargs && run.running > 0) {
			r = wait_event(run.jobs, run.workers, run.nw, run.pfd,
				       &run.running);
			if (r < 0) {
				ERR("waiting for the loading processes: %s\n",
				    strerror(-r));
				ret = r;
				break;
			}
		}
	}
	run_release(&run);
	return ret;
}
