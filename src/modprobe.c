// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe: load or remove modules with their dependencies, and query the
 * configuration and indexes (tools.md 6).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "hint.h"
#include "kmod.h"
#include "libkmod.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "log.h"
#include "modprobe-closure.h"
#include "modprobe-explain.h"
#include "modprobe-jobs.h"
#include "modprobe-json.h"
#include "options.h"
#include "verify.h"

#define DEFAULT_VERBOSE LOG_WARNING

/*
 * What the command line asks for: filled by modprobe_option() through tool_main(),
 * the operands by modprobe_run(), then only read.
 */
struct modprobe_opts {
	struct tool_common common; /* -v, -s (also when stderr is closed), -V, -h */
	bool all; /* -a: every operand is a module; "not found" is a WARNING */
	bool remove; /* -r */
	bool show_config; /* -c */
	bool show_modversions; /* --show-modversions */
	bool show_exports; /* --show-exports */
	bool explain; /* --explain (modprobe-explain.c) */
	bool closure; /* --closure (modprobe-closure.c) */
	bool json; /* --json: the document of a query mode (modprobe(8), "JSON OUTPUT") */
	bool lookup_only; /* -R */
	bool show_depends; /* -D */
	bool dry_run; /* -n, -D */
	bool ignore_loaded; /* -D */
	bool first_time; /* --first-time */
	bool ignore_commands; /* -i */
	bool use_blacklist; /* -b */
	bool force; /* -f */
	bool strip_modversion; /* --force-modversion */
	bool strip_vermagic; /* --force-vermagic */
	bool remove_holders; /* --remove-holders */
	unsigned long long wait_msec; /* -w */
	unsigned int jobs; /* --jobs (modprobe-jobs.c); 0: sequential */
	struct verify_opts verify; /* --require-signature (docs/signatures.md) */
	struct config_paths config; /* -C */
	const char *root; /* -d */
	const char *kversion; /* -S */
	struct strbuf child_env; /* MODPROBE_OPTIONS for install/remove commands */
	char **args; /* the operands */
	int nargs;
};

/* One run: the options and what acting on them set up. */
struct modprobe {
	const struct modprobe_opts *o;
	struct kmod_ctx *ctx;
	const char *dirname; /* the module directory given to the library, or NULL */
	struct json_writer *json; /* with --json, the document being written */
	struct verify_certs *certs; /* with --require-signature */
	struct jobs_worker *worker; /* in a --jobs worker, the one running the operand */
};

/* Level of the "not found"-style failures: FATAL, or WARNING with -a. */
#define LOG(o, ...) log_printf((o)->all ? LOG_WARNING : LOG_CRIT, __VA_ARGS__)

static const char cmdopts_s[] = "arw:ibfRDcnC:d:S:sqvVh";
enum {
	OPT_REMOVE_DEPENDENCIES = 256,
	OPT_REMOVE_HOLDERS,
	OPT_FIRST_TIME,
	OPT_FORCE_MODVERSION,
	OPT_FORCE_VERMAGIC,
	OPT_SHOW_MODVERSIONS,
	OPT_SHOW_EXPORTS,
	OPT_EXPLAIN,
	OPT_JSON,
	OPT_CLOSURE,
	OPT_JOBS,
	OPT_REQUIRE_SIGNATURE,
};
static const struct option cmdopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "remove", no_argument, NULL, 'r' },
	{ "remove-dependencies", no_argument, NULL, OPT_REMOVE_DEPENDENCIES },
	{ "remove-holders", no_argument, NULL, OPT_REMOVE_HOLDERS },
	{ "wait", required_argument, NULL, 'w' },
	{ "first-time", no_argument, NULL, OPT_FIRST_TIME },
	{ "ignore-install", no_argument, NULL, 'i' },
	{ "ignore-remove", no_argument, NULL, 'i' },
	{ "use-blacklist", no_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
	{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
	{ "resolve-alias", no_argument, NULL, 'R' },
	{ "show-depends", no_argument, NULL, 'D' },
	{ "showconfig", no_argument, NULL, 'c' },
	{ "show-config", no_argument, NULL, 'c' },
	{ "show-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
	{ "dump-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
	{ "show-exports", no_argument, NULL, OPT_SHOW_EXPORTS },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "show", no_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'C' },
	{ "dirname", required_argument, NULL, 'd' },
	{ "set-version", required_argument, NULL, 'S' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "closure", no_argument, NULL, OPT_CLOSURE },
	{ "jobs", optional_argument, NULL, OPT_JOBS },
	{ "require-signature", required_argument, NULL, OPT_REQUIRE_SIGNATURE },
	OPTIONS_LONG_COMMON,
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%1$s [options] [-i] [-b] modulename [module parameters...]\n"
	       "\t%1$s [options] -a [-i] [-b] modulename [modulename...]\n"
	       "\t%1$s [options] -r [-i] modulename\n"
	       "\t%1$s [options] -r -a [-i] modulename [modulename...]\n"
	       "\t%1$s [options] -c\n"
	       "\t%1$s [options] --dump-modversions filename\n\n"
	       "Loading and removing:\n"
	       "\t-a, --all                  every operand is a module to load\n"
	       "\t    --jobs[=N]             with -a, load up to N operands at once (default:\n"
	       "\t                           the number of CPUs); same messages and result\n"
	       "\t-r, --remove               remove the modules instead of loading them\n"
	       "\t    --remove-dependencies  same as --remove-holders\n"
	       "\t    --remove-holders       with -r, remove the modules using it first\n"
	       "\t-w, --wait=MSEC            with -r, keep retrying a busy module for MSEC ms\n"
	       "\t    --first-time           fail if nothing needs doing (already loaded or\n"
	       "\t                           not loaded)\n"
	       "\t-i, --ignore-install       ignore install commands and softdeps\n"
	       "\t-i, --ignore-remove        ignore remove commands and softdeps\n"
	       "\t-b, --use-blacklist        apply blacklist entries to module names too\n"
	       "\t-f, --force                both --force-modversion and --force-vermagic\n"
	       "\t    --force-modversion     ignore symbol versions\n"
	       "\t    --force-vermagic       ignore the version magic\n"
	       "\t    --require-signature=CERT[,CERT...]\n"
	       "\t                           load nothing unless every module file to insert\n"
	       "\t                           verifies with one of these certificate files or\n"
	       "\t                           directories\n\n"
	       "Queries:\n"
	       "\t-R, --resolve-alias        print the module names an alias resolves to\n"
	       "\t-D, --show-depends         print what loading would do, do nothing\n"
	       "\t    --explain              print every decision loading (or with -r,\n"
	       "\t                           removing) would take and why, do nothing\n"
	       "\t-c, --showconfig           print the configuration and the indexes\n"
	       "\t    --show-config          same as --showconfig\n"
	       "\t    --show-modversions     print the symbol versions a module file needs\n"
	       "\t    --dump-modversions     same as --show-modversions\n"
	       "\t    --show-exports         print the symbols a module file exports\n"
	       "\t    --closure              print every file needed to load the modules\n"
	       "\t                           (dependencies, softdeps, weakdeps, firmware)\n"
	       "\t    --json                 print the result of one of these queries as a\n"
	       "\t                           JSON document (schema in modprobe(8))\n\n"
	       "General:\n"
	       "\t-n, --dry-run              do everything but load or remove\n"
	       "\t    --show                 same as --dry-run\n"
	       "\t-C, --config=FILE          configuration file or directory to use instead\n"
	       "\t                           of the default directories (repeatable)\n"
	       "\t-d, --dirname=DIR          root directory of the module tree\n"
	       "\t-S, --set-version=VERSION  kernel release instead of uname -r\n"
	       "\t-s, --syslog               send messages to syslog instead of stderr\n"
	       "\t-q, --quiet                no messages\n"
	       "\t-v, --verbose              more messages; print every action\n"
	       "\t-V, --version              print the version and exit\n"
	       "\t-h, --help                 print this help and exit\n\n"
	       "On a terminal, a failure may end with a 'hint:' line (modprobe(8), HINTS).\n",
	       program_invocation_short_name);
}

/* ---- configuration and index dumps ------------------------------------------ */

static void show_config_section(struct kmod_config_iter *iter, const char *word,
				bool with_value)
{
	while (kmod_config_iter_next(iter)) {
		if (with_value)
			printf("%s %s %s\n", word, kmod_config_iter_get_key(iter),
			       kmod_config_iter_get_value(iter));
		else
			printf("%s %s\n", word, kmod_config_iter_get_key(iter));
	}
	kmod_config_iter_free_iter(iter);
}

static int show_config(struct kmod_ctx *ctx)
{
	static const struct {
		const char *word;
		struct kmod_config_iter *(*get)(const struct kmod_ctx *ctx);
		bool with_value;
	} sections[] = {
		{ "blacklist", kmod_config_get_blacklists, false },
		{ "install", kmod_config_get_install_commands, true },
		{ "remove", kmod_config_get_remove_commands, true },
		{ "alias", kmod_config_get_aliases, true },
		{ "options", kmod_config_get_options, true },
		{ "softdep", kmod_config_get_softdeps, true },
		{ "weakdep", kmod_config_get_weakdeps, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		struct kmod_config_iter *iter = sections[i].get(ctx);

		if (iter != NULL)
			show_config_section(iter, sections[i].word,
					    sections[i].with_value);
	}
	puts("\n# End of configuration files. Dumping indexes now:\n");
	fflush(stdout);
	kmod_dump_index(ctx, KMOD_INDEX_MODULES_ALIAS, STDOUT_FILENO);
	kmod_dump_index(ctx, KMOD_INDEX_MODULES_SYMBOL, STDOUT_FILENO);
	return 0;
}

static int show_modversions_or_exports(const struct modprobe *mp, const char *filename,
				       bool exports)
{
	_cleanup_kmod_module_ struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	struct stat st;
	int r;

	if (stat(filename, &st) < 0 ||
	    kmod_module_new_from_path(mp->ctx, filename, &mod) < 0) {
		LOG(mp->o, "Module %s not found.\n", filename);
		return -ENOENT;
	}
	r = exports ? kmod_module_get_symbols(mod, &list) :
		      kmod_module_get_versions(mod, &list);
	if (r == 0 && exports)
		r = -ENODATA;
	if (r < 0) {
		LOG(mp->o, "could not get %s of %s: %s\n",
		    exports ? "symbols" : "modversions", filename, strerror(-r));
		return r;
	}
	kmod_list_foreach (l, list) {
		const char *symbol = exports ? kmod_module_symbol_get_symbol(l) :
					       kmod_module_version_get_symbol(l);
		uint64_t crc = exports ? kmod_module_symbol_get_crc(l) :
					 kmod_module_version_get_crc(l);

		if (mp->json != NULL) {
			json_object_begin(mp->json);
			json_member_string(mp->json, "symbol", symbol);
			json_key(mp->json, "crc");
			json_uint(mp->json, crc);
			json_object_end(mp->json);
		} else {
			printf("0x%08" PRIx64 "\t%s\n", crc, symbol);
		}
	}
	if (exports)
		kmod_module_symbols_free_list(list);
	else
		kmod_module_versions_free_list(list);
	return 0;
}

/* With --json: {"argument": FILE, "symbols": [...]} */
static int show_symbols(const struct modprobe *mp, bool exports)
{
	const char *filename = mp->o->args[0];
	int r;

	if (mp->json == NULL)
		return show_modversions_or_exports(mp, filename, exports);
	modprobe_json_operand_begin(mp->json, filename, "symbols");
	r = show_modversions_or_exports(mp, filename, exports);
	modprobe_json_operand_end(mp->json);
	return r;
}

/* ---- commands --------------------------------------------------------------- */

/* Runs a configured command through the shell with MODPROBE_MODULE set. */
static int run_command(const struct modprobe_opts *o, struct kmod_module *mod,
		       const char *command)
{
	const char *name = kmod_module_get_name(mod);
	int r;

	if (o->dry_run)
		return 0;
	setenv("MODPROBE_MODULE", name, 1);
	r = system(command);
	unsetenv("MODPROBE_MODULE");
	if (r == -1 || WEXITSTATUS(r) != 0)
		return -EINVAL;
	return 0;
}

/* ---- removal ---------------------------------------------------------------- */

enum rmmod_flags {
	RMMOD_IGNORE_BUILTIN = 1 << 0, /* removing a softdep, holder or dependency */
	RMMOD_HOLDERS = 1 << 1,
	RMMOD_DEPENDENCIES = 1 << 2, /* the operand itself: unused dependencies go too */
};

static int rmmod_do_module(const struct modprobe *mp, struct kmod_module *mod,
			   unsigned int flags);

static void sleep_until_msec(unsigned long long msec)
{
	struct timespec ts = {
		.tv_sec = msec / 1000,
		.tv_nsec = (msec % 1000) * 1000000,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Removes with --wait: retry a busy module with a growing, then shrinking pause
 * that ends exactly at the deadline (tools.md 6.7). */
static int remove_with_wait(struct kmod_module *mod, unsigned int rflags,
			    unsigned long long wait_msec)
{
	unsigned long long deadline = 0, step = 1, now;
	int r;

	for (;;) {
		r = kmod_module_remove_module(mod, rflags | KMOD_REMOVE_NOLOG);
		if (r != -EAGAIN)
			break;
		now = now_usec() / 1000;
		if (deadline == 0)
			deadline = now + wait_msec;
		step *= 2;
		while (step > 0 && now + step > deadline)
			step /= 2;
		if (step == 0 && deadline > now)
			step = deadline - now;
		if (step == 0)
			return 0; /* still busy at the deadline: not an error */
		sleep_until_msec(now + step);
	}
	if (r < 0)
		ERR("could not remove '%s': %s\n", kmod_module_get_name(mod),
		    strerror(-r));
	return r;
}

/* Removes each module of list, last first; stops at the first failure if asked. */
static int rmmod_do_modlist(const struct modprobe *mp, struct kmod_list *list,
			    bool stop_on_error)
{
	struct kmod_list *l;
	int r = 0;

	kmod_list_foreach_reverse (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		r = rmmod_do_module(mp, m, RMMOD_IGNORE_BUILTIN);
		kmod_module_unref(m);
		if (r < 0 && stop_on_error)
			return r;
	}
	return stop_on_error ? r : 0;
}

static int rmmod_do_remove(const struct modprobe_opts *o, struct kmod_module *mod)
{
	unsigned int rflags = o->force ? KMOD_REMOVE_FORCE : 0;

	if (o->common.verbose > DEFAULT_VERBOSE) {
		printf("rmmod %s\n", kmod_module_get_name(mod));
		fflush(stdout);
	}
	if (o->dry_run)
		return 0;
	if (o->wait_msec > 0)
		return remove_with_wait(mod, rflags, o->wait_msec);
	return kmod_module_remove_module(mod, rflags);
}

/*
 * Whether a module without a remove command can be removed at all: 1 to go on,
 * else what the removal ends with (0 for nothing to do, or a negative errno).
 */
static int rmmod_check_state(const struct modprobe_opts *o, struct kmod_module *mod,
			     unsigned int flags)
{
	const char *name = kmod_module_get_name(mod);
	int state = kmod_module_get_initstate(mod);

	if (state < 0) {
		if (!o->first_time)
			return 0;
		LOG(o, "Module %s is not in kernel.\n", name);
		return -ENOENT;
	}
	if (state == KMOD_MODULE_BUILTIN) {
		if (flags & RMMOD_IGNORE_BUILTIN)
			return 0;
		LOG(o, "Module %s is builtin.\n", name);
		return -ENOENT;
	}
	return 1;
}

static int rmmod_run_command(const struct modprobe_opts *o, struct kmod_module *mod,
			     const char *cmd)
{
	_cleanup_free_ char *command = modprobe_command_with_options(cmd, "");
	int r;

	if (command == NULL)
		return -ENOMEM;
	if (o->common.verbose > DEFAULT_VERBOSE) {
		printf("remove %s\n", command);
		fflush(stdout);
	}
	r = run_command(o, mod, command);
	if (r < 0)
		LOG(o, "Error running remove command for %s\n",
		    kmod_module_get_name(mod));
	return r;
}

/* Removes mod itself, then (for an operand) the dependencies nobody uses any more. */
static int rmmod_remove_with_deps(const struct modprobe_opts *o, struct kmod_module *mod,
				  unsigned int flags)
{
	struct kmod_list *deps = NULL, *l;
	int r;

	if (o->wait_msec == 0 && kmod_module_get_refcnt(mod) > 0) {
		LOG(o, "Module %s is in use.\n", kmod_module_get_name(mod));
		return -EBUSY;
	}
	r = rmmod_do_remove(o, mod);
	if (r < 0)
		return r;
	/* errors removing the dependencies are ignored */
	if (flags & RMMOD_DEPENDENCIES)
		deps = kmod_module_get_dependencies(mod);
	kmod_list_foreach (l, deps) {
		struct kmod_module *dep = kmod_module_get_module(l);

		if (kmod_module_get_refcnt(dep) == 0)
			(void)rmmod_do_remove(o, dep);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(deps);
	return 0;
}

static int rmmod_do_module(const struct modprobe *mp, struct kmod_module *mod,
			   unsigned int flags)
{
	const struct modprobe_opts *o = mp->o;
	_cleanup_kmod_list_ struct kmod_list *pre = NULL, *post = NULL;
	const char *cmd = NULL;
	int r;

	if (!o->ignore_commands) {
		r = kmod_module_get_softdeps(mod, &pre, &post);
		if (r < 0) {
			WRN("could not get softdeps of '%s': %s\n",
			    kmod_module_get_name(mod), strerror(-r));
			return r;
		}
		cmd = kmod_module_get_remove_commands(mod);
	}
	r = cmd == NULL ? rmmod_check_state(o, mod, flags) : 1;
	if (r <= 0)
		return r;

	(void)rmmod_do_modlist(mp, post, false);
	if (flags & RMMOD_HOLDERS) {
		_cleanup_kmod_list_ struct kmod_list *holders = kmod_module_get_holders(
			mod);

		r = rmmod_do_modlist(mp, holders, true);
		if (r < 0)
			return r;
	}
	if (cmd != NULL)
		r = rmmod_run_command(o, mod, cmd);
	else
		r = rmmod_remove_with_deps(o, mod, flags);
	if (r < 0)
		return r;
	(void)rmmod_do_modlist(mp, pre, false);
	return 0;
}

static int rmmod(const struct modprobe *mp, const char *alias)
{
	unsigned int flags = RMMOD_DEPENDENCIES |
			     (mp->o->remove_holders ? RMMOD_HOLDERS : 0);
	_cleanup_kmod_list_ struct kmod_list *list = NULL;
	struct kmod_list *l;
	int r = kmod_module_new_from_lookup(mp->ctx, alias, &list);

	if (r < 0 || list == NULL) {
		hint_not_found(mp->ctx, alias);
		LOG(mp->o, "Module %s not found.\n", alias);
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = rmmod_do_module(mp, mod, flags);
		kmod_module_unref(mod);
		if (r < 0)
			break;
	}
	return r;
}

/* ---- insertion -------------------------------------------------------------- */

/*
 * The library calls print_action without a data pointer: the run is reached
 * through the user data of the module's context (set by act(), and for each
 * operand of a --jobs worker by insmod_in_worker()).
 */
static const struct modprobe *action_run(const struct kmod_module *m)
{
	return kmod_get_userdata(m->ctx);
}

static void print_action_json(struct json_writer *json, struct kmod_module *m,
			      bool install, const char *options)
{
	const char *path = install ? NULL : kmod_module_get_path(m);
	const char *action = "install";

	if (!install) {
		if (path != NULL)
			action = "insmod";
		else if (kmod_module_get_initstate(m) == KMOD_MODULE_BUILTIN)
			action = "builtin";
		else
			return; /* the text prints nothing either */
	}
	json_object_begin(json);
	json_member_string(json, "action", action);
	json_member_string(json, "module", kmod_module_get_name(m));
	json_member_string(json, "path", path);
	json_member_string(json, "command",
			   install ? kmod_module_get_install_commands(m) : NULL);
	json_key(json, "options");
	modprobe_json_options(json, path != NULL || install ? options : NULL);
	json_object_end(json);
}

static void print_action(struct json_writer *json, struct kmod_module *m, bool install,
			 const char *options)
{
	const char *path;

	if (json != NULL) {
		print_action_json(json, m, install, options);
		return;
	}

	if (install) {
		printf("install %s %s\n", kmod_module_get_install_commands(m), options);
		return;
	}
	path = kmod_module_get_path(m);
	if (path != NULL)
		printf("insmod %s %s\n", path, options);
	else if (kmod_module_get_initstate(m) == KMOD_MODULE_BUILTIN)
		printf("builtin %s\n", kmod_module_get_name(m));
}

static bool show_actions(const struct modprobe_opts *o)
{
	return o->show_depends || o->common.verbose > DEFAULT_VERBOSE;
}

/* The library is about to act on m. */
static void probe_action(struct kmod_module *m, bool install, const char *options)
{
	const struct modprobe *mp = action_run(m);

	modprobe_jobs_step(mp->worker, m);
	if (show_actions(mp->o))
		print_action(mp->json, m, install, options);
}

static unsigned int probe_flags(const struct modprobe_opts *o)
{
	unsigned int flags = KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY;

	if (o->use_blacklist)
		flags |= KMOD_PROBE_APPLY_BLACKLIST;
	if (o->first_time)
		flags |= KMOD_PROBE_FAIL_ON_LOADED;
	if (o->ignore_commands)
		flags |= KMOD_PROBE_IGNORE_COMMAND;
	if (o->ignore_loaded)
		flags |= KMOD_PROBE_IGNORE_LOADED;
	if (o->dry_run)
		flags |= KMOD_PROBE_DRY_RUN;
	if (o->strip_modversion || o->force)
		flags |= KMOD_PROBE_FORCE_MODVERSION;
	if (o->strip_vermagic || o->force)
		flags |= KMOD_PROBE_FORCE_VERMAGIC;
	return flags;
}

static void report_probe_failure(struct kmod_module *mod, int r)
{
	const char *name = kmod_module_get_name(mod);

	switch (r) {
	case -EEXIST:
		ERR("could not insert '%s': Module already in kernel\n", name);
		return;
	case -ENOENT:
		ERR("could not insert '%s': Unknown symbol in module, or unknown parameter (see dmesg)\n",
		    name);
		break;
	default:
		ERR("could not insert '%s': %s\n", name, strerror(-r));
		break;
	}
	hint_probe_failed(mod, r);
}

static int probe_one(const struct modprobe *mp, struct kmod_module *mod,
		     const char *extra_options)
{
	bool hook = show_actions(mp->o) || mp->worker != NULL;
	unsigned int flags = probe_flags(mp->o);
	int r;

	modprobe_jobs_probe_begin(mp->worker);
	if (mp->certs != NULL && verify_probe(mp->certs, mod, flags) < 0) {
		modprobe_jobs_probe_end(mp->worker);
		return -EKEYREJECTED;
	}
	r = kmod_module_probe_insert_module(mod, flags, extra_options, NULL, NULL,
					    hook ? probe_action : NULL);
	modprobe_jobs_probe_end(mp->worker);
	if (r >= 0)
		return 0; /* positive: stopped by a blacklist, silently */
	report_probe_failure(mod, r);
	return r;
}

/* -R prints what a name resolves to; otherwise it is loaded. */
static int resolve_or_probe(const struct modprobe *mp, struct kmod_module *mod,
			    const char *extra_options)
{
	const char *name = kmod_module_get_name(mod);

	if (!mp->o->lookup_only)
		return probe_one(mp, mod, extra_options);
	if (mp->json != NULL)
		json_string(mp->json, name);
	else
		printf("%s\n", name);
	return 0;
}

static int insmod_lookup(const struct modprobe *mp, const char *alias,
			 const char *extra_options)
{
	_cleanup_kmod_list_ struct kmod_list *list = NULL;
	struct kmod_list *l;
	int r;

	if (strncmp(alias, "/", 1) == 0 || strncmp(alias, "./", 2) == 0) {
		_cleanup_kmod_module_ struct kmod_module *mod = NULL;

		r = kmod_module_new_from_path(mp->ctx, alias, &mod);
		if (r < 0) {
			LOG(mp->o, "Failed to get module from path %s: %s\n", alias,
			    strerror(-r));
			return -ENOENT;
		}
		return resolve_or_probe(mp, mod, extra_options);
	}

	r = kmod_module_new_from_lookup(mp->ctx, alias, &list);
	if (r < 0 || list == NULL) {
		hint_not_found(mp->ctx, alias);
		LOG(mp->o, "Module %s not found in directory %s\n", alias,
		    kmod_get_dirname(mp->ctx));
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = resolve_or_probe(mp, mod, extra_options);
		kmod_module_unref(mod);
	}
	return r;
}

/* With --json, one object per operand: what it resolves to (-R) or loads (-D). */
static int insmod(const struct modprobe *mp, const char *alias, const char *extra_options)
{
	int r;

	if (mp->json == NULL)
		return insmod_lookup(mp, alias, extra_options);
	modprobe_json_operand_begin(mp->json, alias,
				    mp->o->lookup_only ? "modules" : "actions");
	r = insmod_lookup(mp, alias, extra_options);
	modprobe_json_operand_end(mp->json);
	return r;
}

/* One operand of -a. */
static int insmod_operand(const void *data, const char *arg)
{
	return insmod(data, arg, NULL);
}

/* One operand of -a in a --jobs worker (modprobe-jobs.c). */
static int insmod_in_worker(const void *data, const char *arg, struct jobs_worker *w)
{
	struct modprobe mp = *(const struct modprobe *)data;
	int r;

	mp.worker = w;
	kmod_set_userdata(mp.ctx, &mp);
	r = insmod(&mp, arg, NULL);
	kmod_set_userdata(mp.ctx, data);
	return r;
}

static int rmmod_operand(const void *data, const char *arg)
{
	return rmmod(data, arg);
}

/* Runs fn on every operand; the result is that of the last failure. */
static int for_each_operand(const struct modprobe *mp,
			    int (*fn)(const void *data, const char *arg))
{
	int ret = 0;

	for (int i = 0; i < mp->o->nargs; i++) {
		int r = fn(mp, mp->o->args[i]);

		if (r < 0)
			ret = r;
	}
	return ret;
}

/* ---- MODPROBE_OPTIONS --------------------------------------------------------- */

static void free_words(char **words, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(words[k]);
	free(words);
}

/* One word of the variable that does not start with a matched quote. */
static int split_plain_word(const char *env, size_t len, size_t *pos, struct strbuf *w)
{
	size_t i = *pos;

	while (i < len && env[i] != ' ') {
		const char *end;

		if (env[i] != '"' && env[i] != '\'') {
			if (!strbuf_pushchar(w, env[i]))
				return -ENOMEM;
			i++;
			continue;
		}
		end = strchr(env + i + 1, env[i]);
		if (end == NULL) {
			/* unmatched: kept, and the word takes the rest */
			if (!strbuf_pushchars(w, env + i))
				return -ENOMEM;
			i = len;
			break;
		}
		if (!strbuf_pushmem(w, env + i + 1, end - env - i - 1))
			return -ENOMEM;
		i = (size_t)(end - env) + 1;
	}
	if (i < len)
		i++; /* the space that ended the word */
	*pos = i;
	return 0;
}

/*
 * Splits the variable the way kmod does (tools.md 6.2): each space ends a word;
 * a word starting with a quote ends at the matching quote; a quoted part inside a
 * word loses its quotes. A quote without its match is kept as a character and, as
 * in kmod (Debian's kmod 30 observed), spaces after it no longer split: the rest of
 * the variable is the last word.
 */
static int split_env_words(const char *env, char ***words, int *n)
{
	size_t len = strlen(env), count = 0;
	char **out = calloc(len + 2, sizeof(char *));
	size_t i = 0;

	if (out == NULL)
		return -ENOMEM;
	while (i < len) {
		const char *end = NULL;
		struct strbuf w;
		int r = 0;

		strbuf_init(&w);
		if (env[i] == '"' || env[i] == '\'')
			end = strchr(env + i + 1, env[i]);
		if (end != NULL) {
			size_t stop = (size_t)(end - env);

			if (!strbuf_pushmem(&w, env + i + 1, stop - i - 1))
				r = -ENOMEM;
			i = stop + 1;
		} else {
			r = split_plain_word(env, len, &i, &w);
		}
		out[count] = r < 0 ? NULL : strbuf_steal(&w);
		if (out[count] == NULL) {
			strbuf_release(&w);
			free_words(out, count);
			return -ENOMEM;
		}
		count++;
	}
	*words = out;
	*n = (int)count;
	return 0;
}

/* Returns a new argv with the words of MODPROBE_OPTIONS after argv[0]. */
static char **prepend_options_from_env(int *argc, char **argv, char ***env_words,
				       int *n_env)
{
	const char *env = getenv("MODPROBE_OPTIONS");
	char **words = NULL, **new_argv;
	int n = 0;

	*env_words = NULL;
	*n_env = 0;
	if (env == NULL || split_env_words(env, &words, &n) < 0 || n == 0) {
		free(words);
		return argv;
	}
	new_argv = calloc(*argc + n + 1, sizeof(char *));
	if (new_argv == NULL) {
		free_words(words, n);
		return argv;
	}
	new_argv[0] = argv[0];
	memcpy(new_argv + 1, words, n * sizeof(char *));
	memcpy(new_argv + 1 + n, argv + 1, (*argc - 1) * sizeof(char *));
	*argc += n;
	*env_words = words;
	*n_env = n;
	return new_argv;
}

/* Children started by install/remove commands inherit -C, -s, -q and -v. */
static void env_append(struct strbuf *buf, const char *word, const char *arg)
{
	if (strbuf_used(buf) > 0)
		(void)strbuf_pushchar(buf, ' ');
	(void)strbuf_pushchars(buf, word);
	if (arg != NULL) {
		(void)strbuf_pushchar(buf, ' ');
		(void)strbuf_pushchars(buf, arg);
	}
}

/* ---- options ------------------------------------------------------------------ */

static int parse_wait(const char *arg, unsigned long long *msec)
{
	char *end = NULL;

	errno = 0;
	*msec = strtoull(arg, &end, 0);
	if (arg[0] == '\0' || *end != '\0' || errno != 0) {
		ERR("unexpected wait value '%s'.\n", arg);
		return -EINVAL;
	}
	return 0;
}

/* The options whose only effect is to set flags of struct modprobe_opts. */
#define FLAG(c, field)                                   \
	{                                                \
		c, offsetof(struct modprobe_opts, field) \
	}
static const struct {
	int c;
	size_t flag; /* offset of a bool */
} flag_options[] = {
	FLAG('a', all),
	FLAG('r', remove),
	FLAG(OPT_REMOVE_DEPENDENCIES, remove_holders),
	FLAG(OPT_REMOVE_HOLDERS, remove_holders),
	FLAG(OPT_FIRST_TIME, first_time),
	FLAG('i', ignore_commands),
	FLAG('b', use_blacklist),
	FLAG('f', force),
	FLAG(OPT_FORCE_MODVERSION, strip_modversion),
	FLAG(OPT_FORCE_VERMAGIC, strip_vermagic),
	FLAG('R', lookup_only),
	FLAG('D', show_depends),
	FLAG('D', ignore_loaded),
	FLAG('D', dry_run),
	FLAG('c', show_config),
	FLAG(OPT_SHOW_MODVERSIONS, show_modversions),
	FLAG(OPT_SHOW_EXPORTS, show_exports),
	FLAG(OPT_EXPLAIN, explain),
	FLAG(OPT_JSON, json),
	FLAG('n', dry_run),
	FLAG(OPT_CLOSURE, closure),
};
#undef FLAG

/* Sets the flags of option c; false when c is not a flag option. */
static bool parse_flag(struct modprobe_opts *o, int c)
{
	bool found = false;

	for (size_t i = 0; i < ARRAY_SIZE(flag_options); i++) {
		if (flag_options[i].c != c)
			continue;
		*(bool *)((char *)o + flag_options[i].flag) = true;
		found = true;
	}
	return found;
}

/*
 * The option callback of tool_main(): 0 when taken, OPTION_COMMON for -v, -s,
 * -V, -h (after recording -v and -s for the children), or a negative errno.
 */
static int modprobe_option(int c, const char *arg, void *data)
{
	struct modprobe_opts *o = data;
	int r;

	if (parse_flag(o, c))
		return 0;
	switch (c) {
	case 'w':
		return parse_wait(arg, &o->wait_msec);
	case 'C':
		r = config_paths_add(&o->config, arg);
		if (r == 0)
			env_append(&o->child_env, "-C", arg);
		return r;
	case 'd':
		o->root = arg;
		return 0;
	case 'S':
		o->kversion = arg;
		return 0;
	case 's':
		env_append(&o->child_env, "-s", NULL);
		return OPTION_COMMON;
	case 'q':
		env_append(&o->child_env, "-q", NULL);
		o->common.verbose = LOG_EMERG;
		return 0;
	case 'v':
		env_append(&o->child_env, "-v", NULL);
		return OPTION_COMMON;
	case OPT_REQUIRE_SIGNATURE:
		env_append(&o->child_env, "--require-signature", arg);
		return verify_opts_add(&o->verify, arg);
	case OPT_JOBS:
		return modprobe_jobs_parse(arg, &o->jobs);
	default:
		return OPTION_COMMON;
	}
}

/* The combinations no mode accepts; each is reported. */
static int check_modes(const struct modprobe_opts *o)
{
	bool query = o->explain || o->closure || o->show_config || o->show_modversions ||
		     o->show_exports;

	if (!o->show_config && o->nargs == 0) {
		ERR("missing parameters. See -h.\n");
		return -EINVAL;
	}
	if (o->json && !query && (o->remove || (!o->lookup_only && !o->show_depends))) {
		ERR("--json goes with -R, -D, -c, --show-exports or --show-modversions.\n");
		return -EINVAL;
	}
	if (o->jobs > 0 &&
	    (!o->all || o->remove || query || o->lookup_only || o->show_depends)) {
		ERR("--jobs goes with -a, for loading only.\n");
		return -EINVAL;
	}
	return 0;
}

static bool stderr_usable(void)
{
	struct stat st;

	return fstat(STDERR_FILENO, &st) == 0;
}

/* ---- modes ------------------------------------------------------------------ */

static int act_explain(const struct modprobe *mp)
{
	const struct modprobe_opts *o = mp->o;
	struct explain_opts eo = {
		.remove = o->remove,
		.all = o->all,
		.use_blacklist = o->use_blacklist,
		.ignore_commands = o->ignore_commands,
		.ignore_loaded = o->ignore_loaded,
		.first_time = o->first_time,
		.remove_holders = o->remove_holders,
		.json = o->json,
		.config_paths = o->config.paths,
	};

	int r = modprobe_explain(mp->ctx, &eo, o->args, o->nargs);

	if (r == -ENOMEM)
		ERR("out of memory\n");
	return r;
}

static int act_closure(const struct modprobe *mp)
{
	struct closure_opts co = {
		.root = mp->o->root,
		.kversion = mp->o->kversion,
		.json = mp->o->json,
	};

	return modprobe_closure(mp->ctx, &co, mp->o->args, mp->o->nargs);
}

static int act_show_config(const struct modprobe *mp)
{
	if (mp->json == NULL)
		return show_config(mp->ctx);
	modprobe_json_config(mp->json, mp->ctx);
	return 0;
}

static int act_load_all(const struct modprobe *mp)
{
	struct jobs_opts jo = {
		.jobs = mp->o->jobs,
		.probe_flags = probe_flags(mp->o),
		.dirname = mp->dirname,
		.config_paths = mp->o->config.paths,
		.run = insmod_in_worker,
		.data = mp,
	};

	if (mp->o->jobs == 0)
		return for_each_operand(mp, insmod_operand);
	return modprobe_jobs_run(mp->ctx, &jo, mp->o->args, mp->o->nargs);
}

/* One module and its parameters. */
static int act_load(const struct modprobe *mp)
{
	_cleanup_free_ char *opts = options_from_array(mp->o->args + 1, mp->o->nargs - 1);

	if (opts == NULL) {
		ERR("could not gather module options: out-of-memory\n");
		return -ENOMEM;
	}
	return insmod(mp, mp->o->args[0], opts);
}

/* The document of a query mode: {"mode": ..., "results": [...]} (-c: no results). */
static void json_begin(struct modprobe *mp, struct json_writer *doc)
{
	const struct modprobe_opts *o = mp->o;
	const char *mode = "show-depends";

	if (o->show_config)
		mode = "showconfig";
	else if (o->show_modversions)
		mode = "show-modversions";
	else if (o->show_exports)
		mode = "show-exports";
	else if (o->lookup_only)
		mode = "resolve-alias";
	mp->json = doc;
	json_document_begin(doc, stdout, "modprobe");
	json_member_string(doc, "mode", mode);
	if (!o->show_config) {
		json_key(doc, "results");
		json_array_begin(doc);
	}
}

/* The mode the options name, on a context made and certificates loaded. */
static int act(struct modprobe *mp)
{
	const struct modprobe_opts *o = mp->o;
	struct json_writer doc;
	int r;

	if (o->explain)
		return act_explain(mp);
	if (o->closure)
		return act_closure(mp);
	if (o->json)
		json_begin(mp, &doc);
	kmod_set_userdata(mp->ctx, mp);
	if (o->show_config)
		r = act_show_config(mp);
	else if (o->show_modversions || o->show_exports)
		r = show_symbols(mp, !o->show_modversions);
	else if (o->remove)
		r = for_each_operand(mp, rmmod_operand);
	else if (o->all)
		r = act_load_all(mp);
	else
		r = act_load(mp);
	if (mp->json != NULL && json_finish(mp->json) < 0)
		r = -EIO;
	mp->json = NULL;
	return r;
}

static int run(const struct modprobe_opts *o)
{
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	_cleanup_verify_certs_ struct verify_certs *certs = NULL;
	struct modprobe mp = { .o = o };
	char dirname[PATH_MAX];
	int r = 0;

	hint_set_options(o->root, "-d", o->config.paths);
	if (o->root != NULL || o->kversion != NULL) {
		r = tool_module_dir(o->root, o->kversion, dirname);
		if (r < 0)
			return r;
		mp.dirname = dirname;
	}
	ctx = log_kmod_new(mp.dirname, o->config.paths, o->common.verbose);
	if (ctx == NULL)
		return -ENOMEM;
	(void)kmod_load_resources(ctx);
	if (o->verify.n > 0) {
		r = verify_opts_load(&o->verify, o->root, o->kversion, &certs);
		if (r < 0)
			return r;
	}
	mp.ctx = ctx;
	mp.certs = certs;
	r = act(&mp);
	fflush(stdout);
	return r < 0 ? r : 0;
}

/* The run step of tool_main(): logging is open, the options parsed. */
static int modprobe_run(void *data, int nargs, char *args[])
{
	struct modprobe_opts *o = data;
	int r;

	if (strbuf_used(&o->child_env) > 0 && strbuf_str(&o->child_env) != NULL)
		setenv("MODPROBE_OPTIONS", strbuf_str(&o->child_env), 1);
	o->args = args;
	o->nargs = nargs;
	r = check_modes(o);
	return r < 0 ? r : run(o);
}

static int do_modprobe(int argc, char *argv[])
{
	static const struct tool_spec spec = { cmdopts_s, cmdopts, modprobe_option,
					       modprobe_run };
	struct modprobe_opts o = {
		.common = {
			.verbose = DEFAULT_VERBOSE,
			.use_syslog = !stderr_usable(),
			.help = help,
		},
	};
	const char *old_env = getenv("MODPROBE_OPTIONS");
	char **env_words = NULL;
	int n_env = 0, status;

	strbuf_init(&o.child_env);
	if (old_env != NULL)
		(void)strbuf_pushchars(&o.child_env, old_env);
	argv = prepend_options_from_env(&argc, argv, &env_words, &n_env);

	status = tool_main(argc, argv, &spec, &o.common, &o);

	config_paths_free(&o.config);
	if (env_words != NULL) {
		free_words(env_words, n_env);
		free(argv);
	}
	strbuf_release(&o.child_env);
	return status;
}

const struct kmod_cmd kmod_cmd_compat_modprobe = {
	.name = "modprobe",
	.cmd = do_modprobe,
	.help = "compat modprobe command",
};
