// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe: load or remove modules with their dependencies, and query the
 * configuration and indexes (tools.md 6).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

static int verbose = DEFAULT_VERBOSE;
static bool dry_run;
static bool ignore_loaded;
static bool lookup_only;
static bool first_time;
static bool ignore_commands;
static bool use_blacklist;
static bool force;
static bool strip_modversion;
static bool strip_vermagic;
static bool remove_holders;
static unsigned long long wait_msec;
static bool show_depends;
/* --json: the document of a query mode (modprobe(8), "JSON OUTPUT") */
static struct json_writer *json;
/* Level of the "not found"-style failures: FATAL, or WARNING with -a. */
static int fatal_priority = LOG_CRIT;

#define LOG(...) log_printf(fatal_priority, __VA_ARGS__)

/* --require-signature (docs/signatures.md): the options seen, then the certificates */
#define OPT_REQUIRE_SIGNATURE 0x300
static struct verify_opts verify_opts;
static struct verify_certs *verify_certs;

/* --closure (modprobe-closure.c) and --jobs (modprobe-jobs.c) */
#define OPT_CLOSURE 0x310
#define OPT_JOBS 0x311
static unsigned int jobs; /* 0: sequential */

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
	{ "syslog", no_argument, NULL, 's' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "closure", no_argument, NULL, OPT_CLOSURE },
	{ "jobs", optional_argument, NULL, OPT_JOBS },
	{ "require-signature", required_argument, NULL, OPT_REQUIRE_SIGNATURE },
	{ NULL, 0, NULL, 0 },
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

static int show_modversions_or_exports(struct kmod_ctx *ctx, const char *filename,
				       bool exports)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_module *mod;
	struct stat st;
	int r;

	if (stat(filename, &st) < 0 ||
	    kmod_module_new_from_path(ctx, filename, &mod) < 0) {
		LOG("Module %s not found.\n", filename);
		return -ENOENT;
	}
	r = exports ? kmod_module_get_symbols(mod, &list) :
		      kmod_module_get_versions(mod, &list);
	if (r == 0 && exports)
		r = -ENODATA;
	if (r < 0) {
		LOG("could not get %s of %s: %s\n", exports ? "symbols" : "modversions",
		    filename, strerror(-r));
		kmod_module_unref(mod);
		return r;
	}
	kmod_list_foreach (l, list) {
		if (json != NULL) {
			json_object_begin(json);
			json_member_string(json, "symbol",
					   exports ? kmod_module_symbol_get_symbol(l) :
						     kmod_module_version_get_symbol(l));
			json_key(json, "crc");
			json_uint(json, exports ? kmod_module_symbol_get_crc(l) :
						  kmod_module_version_get_crc(l));
			json_object_end(json);
		} else if (exports)
			printf("0x%08" PRIx64 "\t%s\n", kmod_module_symbol_get_crc(l),
			       kmod_module_symbol_get_symbol(l));
		else
			printf("0x%08" PRIx64 "\t%s\n", kmod_module_version_get_crc(l),
			       kmod_module_version_get_symbol(l));
	}
	if (exports)
		kmod_module_symbols_free_list(list);
	else
		kmod_module_versions_free_list(list);
	kmod_module_unref(mod);
	return 0;
}

/* With --json: {"argument": FILE, "symbols": [...]} */
static int show_symbols(struct kmod_ctx *ctx, const char *filename, bool exports)
{
	int r;

	if (json == NULL)
		return show_modversions_or_exports(ctx, filename, exports);
	json_object_begin(json);
	json_member_string(json, "argument", filename);
	json_key(json, "symbols");
	json_array_begin(json);
	r = show_modversions_or_exports(ctx, filename, exports);
	json_array_end(json);
	json_object_end(json);
	return r;
}

/* ---- commands --------------------------------------------------------------- */

/* Runs a configured command through the shell with MODPROBE_MODULE set. */
static int run_command(struct kmod_module *mod, const char *command)
{
	const char *name = kmod_module_get_name(mod);
	int r;

	if (dry_run)
		return 0;
	setenv("MODPROBE_MODULE", name, 1);
	r = system(command);
	unsetenv("MODPROBE_MODULE");
	if (r == -1 || WEXITSTATUS(r) != 0)
		return -EINVAL;
	return 0;
}

/* The command with every $CMDLINE_OPTS removed (remove commands get no options). */
static char *command_without_cmdline_opts(const char *cmd)
{
	static const char token[] = "$CMDLINE_OPTS";
	struct strbuf buf;
	const char *p;

	strbuf_init(&buf);
	while ((p = strstr(cmd, token)) != NULL) {
		if (!strbuf_pushmem(&buf, cmd, p - cmd))
			goto fail;
		cmd = p + STRLEN(token);
	}
	if (!strbuf_pushchars(&buf, cmd))
		goto fail;
	return strbuf_steal(&buf);
fail:
	strbuf_release(&buf);
	return NULL;
}

/* ---- removal ---------------------------------------------------------------- */

enum rmmod_flags {
	RMMOD_IGNORE_BUILTIN = 1 << 0, /* removing a softdep, holder or dependency */
	RMMOD_HOLDERS = 1 << 1,
	RMMOD_DEPENDENCIES = 1 << 2, /* the operand itself: unused dependencies go too */
};

static int rmmod_do_module(struct kmod_module *mod, unsigned int flags);

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
static int remove_with_wait(struct kmod_module *mod, unsigned int rflags)
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

static void rmmod_do_modlist(struct kmod_list *list, unsigned int flags)
{
	struct kmod_list *l;

	kmod_list_foreach_reverse (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		rmmod_do_module(m, flags);
		kmod_module_unref(m);
	}
}

static int rmmod_do_remove(struct kmod_module *mod)
{
	unsigned int rflags = force ? KMOD_REMOVE_FORCE : 0;

	if (verbose > DEFAULT_VERBOSE) {
		printf("rmmod %s\n", kmod_module_get_name(mod));
		fflush(stdout);
	}
	if (dry_run)
		return 0;
	if (wait_msec > 0)
		return remove_with_wait(mod, rflags);
	return kmod_module_remove_module(mod, rflags);
}

static int rmmod_do_module(struct kmod_module *mod, unsigned int flags)
{
	const char *name = kmod_module_get_name(mod);
	struct kmod_list *pre = NULL, *post = NULL;
	const char *cmd = NULL;
	int r = 0;

	if (!ignore_commands) {
		r = kmod_module_get_softdeps(mod, &pre, &post);
		if (r < 0) {
			WRN("could not get softdeps of '%s': %s\n", name, strerror(-r));
			return r;
		}
		cmd = kmod_module_get_remove_commands(mod);
	}

	if (cmd == NULL) {
		int state = kmod_module_get_initstate(mod);

		if (state < 0) {
			if (first_time) {
				LOG("Module %s is not in kernel.\n", name);
				r = -ENOENT;
			} else {
				r = 0;
			}
			goto done;
		}
		if (state == KMOD_MODULE_BUILTIN) {
			if (flags & RMMOD_IGNORE_BUILTIN) {
				r = 0;
			} else {
				LOG("Module %s is builtin.\n", name);
				r = -ENOENT;
			}
			goto done;
		}
	}

	rmmod_do_modlist(post, RMMOD_IGNORE_BUILTIN);

	if (flags & RMMOD_HOLDERS) {
		struct kmod_list *holders = kmod_module_get_holders(mod), *l;

		kmod_list_foreach_reverse (l, holders) {
			struct kmod_module *h = kmod_module_get_module(l);

			r = rmmod_do_module(h, RMMOD_IGNORE_BUILTIN);
			kmod_module_unref(h);
			if (r < 0)
				break;
		}
		kmod_module_unref_list(holders);
		if (r < 0)
			goto done;
	}

	if (cmd == NULL && wait_msec == 0) {
		int usage = kmod_module_get_refcnt(mod);

		if (usage > 0) {
			LOG("Module %s is in use.\n", name);
			r = -EBUSY;
			goto done;
		}
	}

	if (cmd != NULL) {
		_cleanup_free_ char *command = command_without_cmdline_opts(cmd);

		if (command == NULL) {
			r = -ENOMEM;
			goto done;
		}
		if (verbose > DEFAULT_VERBOSE) {
			printf("remove %s\n", command);
			fflush(stdout);
		}
		r = run_command(mod, command);
		if (r < 0) {
			LOG("Error running remove command for %s\n", name);
			goto done;
		}
	} else {
		struct kmod_list *deps = NULL, *l;

		r = rmmod_do_remove(mod);
		if (r < 0)
			goto done;
		/* Dependencies nobody else uses any more go too; errors are ignored. */
		if (flags & RMMOD_DEPENDENCIES)
			deps = kmod_module_get_dependencies(mod);
		kmod_list_foreach (l, deps) {
			struct kmod_module *dep = kmod_module_get_module(l);

			if (kmod_module_get_refcnt(dep) == 0)
				(void)rmmod_do_remove(dep);
			kmod_module_unref(dep);
		}
		kmod_module_unref_list(deps);
	}

	rmmod_do_modlist(pre, RMMOD_IGNORE_BUILTIN);
done:
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return r;
}

static int rmmod(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *l;
	int r = kmod_module_new_from_lookup(ctx, alias, &list);

	if (r < 0 || list == NULL) {
		hint_not_found(ctx, alias);
		LOG("Module %s not found.\n", alias);
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		r = rmmod_do_module(mod, RMMOD_DEPENDENCIES |
						 (remove_holders ? RMMOD_HOLDERS : 0));
		kmod_module_unref(mod);
		if (r < 0)
			break;
	}
	kmod_module_unref_list(list);
	return r;
}

static int rmmod_all(struct kmod_ctx *ctx, char **args, int nargs)
{
	int ret = 0;

	for (int i = 0; i < nargs; i++) {
		int r = rmmod(ctx, args[i]);

		if (r < 0)
			ret = r;
	}
	return ret;
}

/* ---- insertion -------------------------------------------------------------- */

static void print_action_json(struct kmod_module *m, bool install, const char *options)
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

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	const char *path;

	if (json != NULL) {
		print_action_json(m, install, options);
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

static unsigned int probe_flags(void)
{
	unsigned int flags = KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY;

	if (use_blacklist)
		flags |= KMOD_PROBE_APPLY_BLACKLIST;
	if (first_time)
		flags |= KMOD_PROBE_FAIL_ON_LOADED;
	if (ignore_commands)
		flags |= KMOD_PROBE_IGNORE_COMMAND;
	if (ignore_loaded)
		flags |= KMOD_PROBE_IGNORE_LOADED;
	if (dry_run)
		flags |= KMOD_PROBE_DRY_RUN;
	if (strip_modversion || force)
		flags |= KMOD_PROBE_FORCE_MODVERSION;
	if (strip_vermagic || force)
		flags |= KMOD_PROBE_FORCE_VERMAGIC;
	return flags;
}

static int probe_one(struct kmod_module *mod, const char *extra_options)
{
	bool show = show_depends || verbose > DEFAULT_VERBOSE;
	const char *name = kmod_module_get_name(mod);
	modprobe_action_fn act;
	int r;

	modprobe_jobs_probe_begin();
	if (verify_certs != NULL && verify_probe(verify_certs, mod, probe_flags()) < 0) {
		modprobe_jobs_probe_end();
		return -EKEYREJECTED;
	}
	act = modprobe_jobs_action(show ? print_action : NULL);
	r = kmod_module_probe_insert_module(mod, probe_flags(), extra_options, NULL, NULL,
					    act);
	modprobe_jobs_probe_end();
	if (r >= 0)
		return 0; /* positive: stopped by a blacklist, silently */
	switch (r) {
	case -EEXIST:
		ERR("could not insert '%s': Module already in kernel\n", name);
		break;
	case -ENOENT:
		ERR("could not insert '%s': Unknown symbol in module, or unknown parameter (see dmesg)\n",
		    name);
		break;
	default:
		ERR("could not insert '%s': %s\n", name, strerror(-r));
		break;
	}
	if (r != -EEXIST)
		hint_probe_failed(mod, r);
	return r;
}

static void print_resolved(struct kmod_module *mod)
{
	if (json != NULL)
		json_string(json, kmod_module_get_name(mod));
	else
		printf("%s\n", kmod_module_get_name(mod));
}

static int insmod_lookup(struct kmod_ctx *ctx, const char *alias,
			 const char *extra_options)
{
	struct kmod_list *list = NULL, *l;
	int r;

	if (strncmp(alias, "/", 1) == 0 || strncmp(alias, "./", 2) == 0) {
		struct kmod_module *mod;

		r = kmod_module_new_from_path(ctx, alias, &mod);
		if (r < 0) {
			LOG("Failed to get module from path %s: %s\n", alias,
			    strerror(-r));
			return -ENOENT;
		}
		if (lookup_only)
			print_resolved(mod);
		else
			r = probe_one(mod, extra_options);
		kmod_module_unref(mod);
		return r;
	}

	r = kmod_module_new_from_lookup(ctx, alias, &list);
	if (r < 0 || list == NULL) {
		hint_not_found(ctx, alias);
		LOG("Module %s not found in directory %s\n", alias,
		    kmod_get_dirname(ctx));
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (lookup_only) {
			print_resolved(mod);
			r = 0;
		} else {
			r = probe_one(mod, extra_options);
		}
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return r;
}

/* With --json, one object per operand: what it resolves to (-R) or loads (-D). */
static int insmod(struct kmod_ctx *ctx, const char *alias, const char *extra_options)
{
	int r;

	if (json == NULL)
		return insmod_lookup(ctx, alias, extra_options);
	json_object_begin(json);
	json_member_string(json, "argument", alias);
	json_key(json, lookup_only ? "modules" : "actions");
	json_array_begin(json);
	r = insmod_lookup(ctx, alias, extra_options);
	json_array_end(json);
	json_object_end(json);
	return r;
}

/* One operand of -a in a --jobs child (modprobe-jobs.c). */
static int insmod_job(struct kmod_ctx *ctx, const char *arg)
{
	return insmod(ctx, arg, NULL);
}

static int insmod_all(struct kmod_ctx *ctx, char **args, int nargs)
{
	int ret = 0;

	for (int i = 0; i < nargs; i++) {
		int r = insmod(ctx, args[i], NULL);

		if (r < 0)
			ret = r;
	}
	return ret;
}

/* ---- MODPROBE_OPTIONS --------------------------------------------------------- */

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
		struct strbuf w;

		strbuf_init(&w);
		if ((env[i] == '"' || env[i] == '\'') &&
		    strchr(env + i + 1, env[i]) != NULL) {
			const char *end = strchr(env + i + 1, env[i]);
			size_t stop = (size_t)(end - env);

			if (!strbuf_pushmem(&w, env + i + 1, stop - i - 1))
				goto oom;
			i = stop + 1;
		} else {
			while (i < len && env[i] != ' ') {
				if (env[i] == '"' || env[i] == '\'') {
					const char *end = strchr(env + i + 1, env[i]);

					if (end == NULL) {
						/* unmatched: kept, and the word takes the rest */
						if (!strbuf_pushchars(&w, env + i))
							goto oom;
						i = len;
						break;
					}
					if (!strbuf_pushmem(&w, env + i + 1,
							    end - env - i - 1))
						goto oom;
					i = (size_t)(end - env) + 1;
				} else {
					if (!strbuf_pushchar(&w, env[i]))
						goto oom;
					i++;
				}
			}
			if (i < len)
				i++; /* the space that ended the word */
		}
		out[count] = strbuf_steal(&w);
		if (out[count] == NULL)
			goto oom;
		count++;
		continue;
	oom:
		strbuf_release(&w);
		for (size_t k = 0; k < count; k++)
			free(out[k]);
		free(out);
		return -ENOMEM;
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
		for (int i = 0; i < n; i++)
			free(words[i]);
		free(words);
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

/* ---- main ----------------------------------------------------------------------- */

static bool stderr_usable(void)
{
	struct stat st;

	return fstat(STDERR_FILENO, &st) == 0;
}

static int do_modprobe(int argc, char *argv[])
{
	struct kmod_ctx *ctx = NULL;
	const char **config_paths = NULL;
	size_t n_config = 0;
	const char *dirname = NULL, *kversion = NULL, *root = NULL;
	char dirname_buf[PATH_MAX], **env_words = NULL, **args;
	bool use_all = false, do_remove = false, do_show_config = false;
	bool do_show_modversions = false, do_show_exports = false, use_syslog = false;
	bool do_explain = false, use_json = false;
	bool do_closure = false;
	struct json_writer json_doc;
	struct strbuf env_buf;
	int n_env = 0, nargs, err = 0;
	const char *old_env = getenv("MODPROBE_OPTIONS");

	strbuf_init(&env_buf);
	if (old_env != NULL)
		(void)strbuf_pushchars(&env_buf, old_env);
	argv = prepend_options_from_env(&argc, argv, &env_words, &n_env);

	for (;;) {
		int c = getopt_long(argc, argv, cmdopts_s, cmdopts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'a':
			fatal_priority = LOG_WARNING;
			use_all = true;
			break;
		case 'r':
			do_remove = true;
			break;
		case OPT_REMOVE_DEPENDENCIES:
		case OPT_REMOVE_HOLDERS:
			remove_holders = true;
			break;
		case 'w': {
			char *end = NULL;

			errno = 0;
			wait_msec = strtoull(optarg, &end, 0);
			if (optarg[0] == '\0' || *end != '\0' || errno != 0) {
				ERR("unexpected wait value '%s'.\n", optarg);
				err = -1;
				goto done;
			}
			break;
		}
		case OPT_FIRST_TIME:
			first_time = true;
			break;
		case 'i':
			ignore_commands = true;
			break;
		case 'b':
			use_blacklist = true;
			break;
		case 'f':
			force = true;
			break;
		case OPT_FORCE_MODVERSION:
			strip_modversion = true;
			break;
		case OPT_FORCE_VERMAGIC:
			strip_vermagic = true;
			break;
		case 'R':
			lookup_only = true;
			break;
		case 'D':
			show_depends = true;
			ignore_loaded = true;
			dry_run = true;
			break;
		case 'c':
			do_show_config = true;
			break;
		case OPT_SHOW_MODVERSIONS:
			do_show_modversions = true;
			break;
		case OPT_SHOW_EXPORTS:
			do_show_exports = true;
			break;
		case OPT_EXPLAIN:
			do_explain = true;
			break;
		case OPT_JSON:
			use_json = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'C': {
			const char **tmp = realloc(config_paths,
						   (n_config + 2) * sizeof(char *));

			if (tmp == NULL) {
				ERR("out of memory\n");
				err = -1;
				goto done;
			}
			config_paths = tmp;
			config_paths[n_config++] = optarg;
			config_paths[n_config] = NULL;
			env_append(&env_buf, "-C", optarg);
			break;
		}
		case 'd':
			root = optarg;
			break;
		case 'S':
			kversion = optarg;
			break;
		case 's':
			env_append(&env_buf, "-s", NULL);
			use_syslog = true;
			break;
		case 'q':
			env_append(&env_buf, "-q", NULL);
			verbose = LOG_EMERG;
			break;
		case 'v':
			env_append(&env_buf, "-v", NULL);
			verbose++;
			break;
		case OPT_REQUIRE_SIGNATURE:
			env_append(&env_buf, "--require-signature", optarg);
			if (verify_opts_add(&verify_opts, optarg) < 0) {
				err = -1;
				goto done;
			}
			break;
		case OPT_CLOSURE:
			do_closure = true;
			break;
		case OPT_JOBS:
			if (modprobe_jobs_parse(optarg, &jobs) < 0) {
				err = -1;
				goto done;
			}
			break;
		case 'V':
			kmod_print_version();
			goto done;
		case 'h':
			help();
			goto done;
		default:
			err = -1;
			goto done;
		}
	}
	if (strbuf_used(&env_buf) > 0 && strbuf_str(&env_buf) != NULL)
		setenv("MODPROBE_OPTIONS", strbuf_str(&env_buf), 1);

	args = argv + optind;
	nargs = argc - optind;

	if (!use_syslog && !stderr_usable())
		use_syslog = true;
	log_open(use_syslog);

	if (!do_show_config && nargs == 0) {
		ERR("missing parameters. See -h.\n");
		err = -1;
		goto done;
	}
	if (use_json && !do_explain && !do_closure && !do_show_config &&
	    !do_show_modversions && !do_show_exports &&
	    (do_remove || (!lookup_only && !show_depends))) {
		ERR("--json goes with -R, -D, -c, --show-exports or --show-modversions.\n");
		err = -1;
		goto done;
	}

	hint_set_options(root, "-d", config_paths);
	if (jobs > 0 && (!use_all || do_remove || do_show_config || do_show_modversions ||
			 do_show_exports || lookup_only || show_depends || do_explain ||
			 do_closure)) {
		ERR("--jobs goes with -a, for loading only.\n");
		err = -1;
		goto done;
	}

	if (root != NULL || kversion != NULL) {
		if (tool_module_dir(root, kversion, dirname_buf) < 0) {
			err = -1;
			goto done;
		}
		dirname = dirname_buf;
	}

	ctx = log_kmod_new(dirname, config_paths, verbose);
	if (ctx == NULL) {
		err = -1;
		goto done;
	}
	(void)kmod_load_resources(ctx);
	if (verify_opts.n > 0 &&
	    verify_opts_load(&verify_opts, root, kversion, &verify_certs) < 0) {
		err = -1;
		goto done;
	}

	if (do_explain) {
		struct explain_opts eo = {
			.remove = do_remove,
			.all = use_all,
			.use_blacklist = use_blacklist,
			.ignore_commands = ignore_commands,
			.ignore_loaded = ignore_loaded,
			.first_time = first_time,
			.remove_holders = remove_holders,
			.json = use_json,
			.config_paths = config_paths,
		};

		err = modprobe_explain(ctx, &eo, args, nargs);
		goto done;
	}
	if (do_closure) {
		struct closure_opts co = {
			.root = root,
			.kversion = kversion,
			.json = use_json,
		};

		err = modprobe_closure(ctx, &co, args, nargs);
		goto done;
	}

	if (use_json) {
		const char *mode = "show-depends";

		if (do_show_config)
			mode = "showconfig";
		else if (do_show_modversions)
			mode = "show-modversions";
		else if (do_show_exports)
			mode = "show-exports";
		else if (lookup_only)
			mode = "resolve-alias";
		json = &json_doc;
		json_document_begin(json, stdout, "modprobe");
		json_member_string(json, "mode", mode);
		if (!do_show_config) {
			json_key(json, "results");
			json_array_begin(json);
		}
	}

	if (do_show_config && json != NULL)
		err = modprobe_json_config(json, ctx);
	else if (do_show_config)
		err = show_config(ctx);
	else if (do_show_modversions)
		err = show_symbols(ctx, args[0], false);
	else if (do_show_exports)
		err = show_symbols(ctx, args[0], true);
	else if (do_remove)
		err = rmmod_all(ctx, args, nargs);
	else if (use_all && jobs > 0) {
		struct jobs_opts jo = {
			.jobs = jobs,
			.probe_flags = probe_flags(),
			.dirname = dirname,
			.config_paths = config_paths,
			.run = insmod_job,
		};

		err = modprobe_jobs_run(ctx, &jo, args, nargs);
	} else if (use_all)
		err = insmod_all(ctx, args, nargs);
	else {
		_cleanup_free_ char *opts = options_from_array(args + 1, nargs - 1);

		if (opts == NULL) {
			ERR("could not gather module options: out-of-memory\n");
			err = -ENOMEM;
		} else {
			err = insmod(ctx, args[0], opts);
		}
	}

done:
	if (json != NULL && json_finish(json) < 0)
		err = -EIO;
	json = NULL;
	fflush(stdout);
	verify_certs_free(verify_certs);
	verify_certs = NULL;
	kmod_unref(ctx);
	log_close();
	free(config_paths);
	if (env_words != NULL) {
		for (int i = 0; i < n_env; i++)
			free(env_words[i]);
		free(env_words);
		free(argv);
	}
	strbuf_release(&env_buf);
	return err < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

const struct kmod_cmd kmod_cmd_compat_modprobe = {
	.name = "modprobe",
	.cmd = do_modprobe,
	.help = "compat modprobe command",
};
