// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's run as a whole: the run state made from the options, then the
 * config -> scan -> order -> cache -> parse -> resolve -> write pipeline described in
 * depmod.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-cache.h"
#include "depmod-internal.h"
#include "lib/hash.h"

/* MODKIT_DEPMOD_TIMING set: the wall time of each stage on stderr (for
 * bench-depmod.sh). A NULL stage only starts the clock. */
static void timing_mark(struct depmod *d, const char *stage)
{
	unsigned long long now;

	if (!d->timing)
		return;
	now = now_usec();
	if (stage != NULL)
		fprintf(stderr, "depmod: timing: %-8s %8.3f ms\n", stage,
			(now - d->timing_last) / 1000.0);
	d->timing_last = now;
}

/* *dst: a copy of the module directory below root (path_module_dir()). */
static int module_dir_dup(char **dst, const char *root, const struct depmod_options *o)
{
	char buf[PATH_MAX];
	int err = path_module_dir(root, o->moduledir, o->kver, buf);

	if (err < 0) {
		ERR("could not name the module directory of %s: %s\n", o->kver,
		    strerror(-err));
		return err;
	}
	*dst = strdup(buf);
	if (*dst == NULL) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

int depmod_config_default(struct depmod_config *cfg, const char *kver)
{
	/* "updates" first, everything else after, equal */
	static const char default_search[] = "search updates built-in\n";
	_cleanup_fclose_ FILE *fp = NULL;

	if (cfg->searches.count > 0)
		return 0;
	fp = fmemopen((void *)default_search, sizeof(default_search) - 1, "r");
	if (fp == NULL)
		return -errno;
	return depmod_config_parse(cfg, fp, "(default)", kver);
}

int depmod_load_kernel_symbols(struct depmod *d, const char *symvers,
			       const char *system_map)
{
	int err = 0;

	if (symvers != NULL) {
		err = depmod_load_symvers(d, symvers);
		d->kernel_symbols_file = symvers;
		d->kernel_symbols_kind = 'E';
	} else if (system_map != NULL) {
		err = depmod_load_system_map(d, system_map);
		d->kernel_symbols_file = system_map;
		d->kernel_symbols_kind = 'F';
	}
	return err;
}

/* The cache and parse stages return -ENOMEM without a message (their other errors
 * are reported where they happen): it is reported here, once. */
static int report_nomem(int err)
{
	if (err == -ENOMEM)
		ERR("out of memory\n");
	return err;
}

int depmod_pipeline(struct depmod *d, unsigned int n_threads)
{
	int err;

	timing_mark(d, NULL);
	err = depmod_order(d);
	timing_mark(d, "order");
	if (err < 0)
		return err;
	if (d->use_cache) {
		err = depmod_cache_load(d);
		if (err >= 0)
			err = depmod_cache_apply(d, n_threads);
		timing_mark(d, "cache");
		if (err < 0)
			return report_nomem(err);
	}
	err = depmod_parse(d, n_threads);
	timing_mark(d, "parse");
	if (err < 0)
		return report_nomem(err);
	if (d->use_cache) {
		err = depmod_cache_build(d);
		timing_mark(d, "store");
		if (err < 0)
			return report_nomem(err);
	}
	/* not when the cache keeps every index the resolve stage feeds */
	if (!d->resolve_skipped) {
		err = depmod_resolve(d);
		timing_mark(d, "resolve");
		if (err < 0)
			return err;
	}
	depmod_drop_symbols(d);
	err = d->json ? depmod_write_json(d) : depmod_write(d);
	timing_mark(d, "write");
	return err;
}

/* DEPMOD_CACHE_ENV_OFF set to a non-empty value other than "0". */
static bool cache_off_by_env(void)
{
	const char *v = secure_getenv(DEPMOD_CACHE_ENV_OFF);

	return v != NULL && v[0] != '\0' && !streq(v, "0");
}

/* The run state of the options: flags, directories, the name table. */
static int run_setup(struct depmod *d, const struct depmod_options *o)
{
	int err;

	d->kver = o->kver;
	d->sym_prefix = o->sym_prefix;
	d->verbose = o->verbose;
	d->warn = o->warn;
	d->errsyms = o->errsyms;
	d->dry_run = o->dry_run;
	d->json = o->json;
	if (o->json)
		d->out_verbose = stderr; /* -v lines: stdout holds the document */
	d->use_cache = !o->no_cache && !cache_off_by_env();
	d->timing = getenv("MODKIT_DEPMOD_TIMING") != NULL;
	err = module_dir_dup(&d->dirname, o->root, o);
	if (err < 0)
		return err;
	err = module_dir_dup(&d->outdirname, o->out_root ? o->out_root : o->root, o);
	if (err < 0)
		return err;
	d->modules_by_name = hash_new(8192, NULL);
	if (d->modules_by_name == NULL) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	d->dirnamelen = strlen(d->dirname);
	return 0;
}

/* Configuration and the kernel's symbols. */
static int run_load(struct depmod *d, const struct depmod_options *o, bool all)
{
	int err;

	if (all) {
		err = depmod_config_load(&d->config, o->config_paths, o->kver);
		if (err < 0) {
			ERR("could not load configuration: %s\n", strerror(-err));
			return err;
		}
	}
	err = depmod_config_default(&d->config, o->kver);
	if (err < 0)
		return err;
	err = depmod_load_kernel_symbols(d, o->symvers, o->system_map);
	if (err < 0)
		return err;
	if (o->errsyms && o->symvers == NULL && o->system_map == NULL) {
		WRN("-e needs -E or -F\n");
		d->errsyms = false;
	}
	return 0;
}

/* The modules: the whole tree, or the files of the command line. */
static int run_collect(struct depmod *d, const struct depmod_options *o, bool all)
{
	int err;

	if (all) {
		timing_mark(d, NULL);
		err = depmod_scan(d);
		timing_mark(d, "scan");
		if (err < 0) {
			if (o->scan_failed != NULL)
				o->scan_failed(o, d->dirname);
			FATAL("could not search modules: %s\n", strerror(-err));
		}
		return err;
	}
	for (size_t i = 0; i < o->n_files; i++) {
		if (o->files[i][0] != '/') {
			FATAL("%s: not absolute path.\n", o->files[i]);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < o->n_files; i++) {
		err = depmod_add_module_file(d, o->files[i]);
		if (err < 0)
			return err;
	}
	return 0;
}

static int run(struct depmod *d, const struct depmod_options *o)
{
	bool all = o->all || o->n_files == 0;
	int err;

	err = run_setup(d, o);
	if (err < 0)
		return err;
	if (o->quick) {
		if (o->dry_run || depmod_is_up_to_date(d))
			return 0;
		all = true;
	}
	err = run_load(d, o, all);
	if (err < 0)
		return err;
	err = run_collect(d, o, all);
	if (err < 0)
		return err;
	return depmod_pipeline(d, depmod_parse_threads());
}

int depmod_run(const struct depmod_options *o)
{
	struct depmod d;
	int err;

	depmod_init(&d);
	err = run(&d, o);
	depmod_release(&d);
	return err;
}
