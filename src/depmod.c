// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod: command line (tools.md 8) and the config -> scan -> parse -> resolve -> write
 * pipeline described in depmod.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "depmod-cache.h"
#include "depmod-json.h"
#include "depmod.h"
#include "hint.h"
#include "kmod.h"
#include "lib/hash.h"

/* long options without a short one */
enum {
	OPT_NO_CACHE = 0x100,
};

static const char cmdopts_s[] = "aAb:m:o:C:E:F:enP:vwVh";
/* --json: a value of its own, clear of the other long-only options */
#define OPT_JSON 0x180
static const struct option cmdopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "quick", no_argument, NULL, 'A' },
	{ "basedir", required_argument, NULL, 'b' },
	{ "moduledir", required_argument, NULL, 'm' },
	{ "outdir", required_argument, NULL, 'o' },
	{ "config", required_argument, NULL, 'C' },
	{ "symvers", required_argument, NULL, 'E' },
	{ "filesyms", required_argument, NULL, 'F' },
	{ "errsyms", no_argument, NULL, 'e' },
	{ "show", no_argument, NULL, 'n' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "symbol-prefix", required_argument, NULL, 'P' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "warn", no_argument, NULL, 'w' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%s -[aA] [options] [forced_version]\n"
	       "\n"
	       "Without module files on the command line, -a is implied.\n"
	       "\n"
	       "depmod indexes the modules of one kernel version for modprobe.\n"
	       "\n"
	       "Options:\n"
	       "\t-a, --all            index every module of the tree\n"
	       "\t-A, --quick          do nothing when modules.dep is newer than every module\n"
	       "\t-e, --errsyms        report symbols no module or kernel provides\n"
	       "\t-n, --show           print the text indexes to stdout instead of writing\n"
	       "\t    --json           with -n: one JSON document instead (schema in depmod(8))\n"
	       "\t    --dry-run        the same as --show\n"
	       "\t-P, --symbol-prefix  architecture symbol prefix to strip\n"
	       "\t-C, --config=PATH    read depmod.d configuration from PATH instead\n"
	       "\t-v, --verbose        show each new dependency (more: library messages)\n"
	       "\t-w, --warn           warn about duplicate index entries\n"
	       "\t    --no-cache       parse every module again; neither read nor write\n"
	       "\t                     modules.depmod-cache (or: MODKIT_DEPMOD_NO_CACHE=1)\n"
	       "\t-V, --version        print the version and exit\n"
	       "\t-h, --help           print this help and exit\n"
	       "\n"
	       "Options for distributions:\n"
	       "\t-b, --basedir=DIR    read the tree below DIR instead of /\n"
	       "\t-m, --moduledir=DIR  module directory instead of " MODULE_DIRECTORY "\n"
	       "\t-o, --outdir=DIR     write the indexes below DIR instead of the basedir\n"
	       "\t-F, --filesyms=FILE  kernel symbols from a System.map\n"
	       "\t-E, --symvers=FILE   kernel symbols and CRCs from a Module.symvers\n",
	       program_invocation_short_name);
}

/* "<root>/<moduledir>/<kver>" with moduledir's leading slashes removed. */
static char *module_dir_path(const char *root, const char *moduledir, const char *kver)
{
	char *p;

	while (*moduledir == '/')
		moduledir++;
	if (asprintf(&p, "%s/%s/%s", root ? root : "", moduledir, kver) < 0)
		return NULL;
	return p;
}

/* MODKIT_DEPMOD_TIMING=1: wall time of each stage on stderr (for bench-depmod.sh). */
static void timing_mark(const char *stage)
{
	static unsigned long long last;
	static int enabled = -1;
	unsigned long long now;

	if (enabled < 0)
		enabled = getenv("MODKIT_DEPMOD_TIMING") != NULL;
	if (!enabled)
		return;
	now = now_usec();
	if (stage != NULL)
		fprintf(stderr, "depmod: timing: %-8s %8.3f ms\n", stage,
			(now - last) / 1000.0);
	last = now;
}

static bool version_ok(const char *s)
{
	unsigned int a, b;

	return sscanf(s, "%u.%u", &a, &b) == 2;
}

static int do_depmod(int argc, char *argv[])
{
	_cleanup_free_ char *root = NULL;
	_cleanup_free_ char *out_root = NULL;
	_cleanup_free_ const char **config_paths = NULL;
	const char *moduledir = MODULE_DIRECTORY;
	const char *symvers = NULL, *system_map = NULL;
	size_t n_config_paths = 0;
	struct utsname u;
	struct depmod d;
	bool all = false, quick = false;
	int verbose = 0, ret = EXIT_FAILURE, err;
	char prefix = '\0';
	bool warn = false, errsyms = false, dry_run = false, json = false;
	const char *no_cache_env = secure_getenv(DEPMOD_CACHE_ENV_OFF);
	bool use_cache = no_cache_env == NULL || no_cache_env[0] == '\0' ||
			 streq(no_cache_env, "0");

	for (;;) {
		int c = getopt_long(argc, argv, cmdopts_s, cmdopts, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'A':
			quick = true;
			break;
		case 'b':
			free(root);
			root = path_make_absolute_cwd(optarg);
			if (root == NULL)
				return EXIT_FAILURE;
			if (root == optarg)
				root = strdup(optarg);
			break;
		case 'm':
			moduledir = optarg;
			break;
		case 'o':
			free(out_root);
			out_root = path_make_absolute_cwd(optarg);
			if (out_root == NULL)
				return EXIT_FAILURE;
			if (out_root == optarg)
				out_root = strdup(optarg);
			break;
		case 'C': {
			const char **tmp = realloc(config_paths,
						   (n_config_paths + 2) * sizeof(*tmp));

			if (tmp == NULL)
				return EXIT_FAILURE;
			config_paths = tmp;
			config_paths[n_config_paths++] = optarg;
			config_paths[n_config_paths] = NULL;
			break;
		}
		case 'E':
			symvers = optarg;
			break;
		case 'F':
			system_map = optarg;
			break;
		case 'e':
			errsyms = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'P':
			if (optarg[0] == '\0' || optarg[1] != '\0') {
				FATAL("-P only takes a single char\n");
				return EXIT_FAILURE;
			}
			prefix = optarg[0];
			break;
		case 'v':
			verbose++;
			break;
		case 'w':
			warn = true;
			break;
		case OPT_NO_CACHE:
			use_cache = false;
			break;
		case 'V':
			kmod_print_version();
			return EXIT_SUCCESS;
		case 'h':
			help();
			return EXIT_SUCCESS;
		default:
			/* getopt already printed the diagnostic */
			return EXIT_FAILURE;
		}
	}

	log_set_priority(LOG_WARNING + verbose);
	if (json && !dry_run) {
		ERR("--json goes with -n.\n");
		return EXIT_FAILURE;
	}

	const char *kver;

	if (optind < argc) {
		if (!version_ok(argv[optind])) {
			ERR("Bad version passed %s\n", argv[optind]);
			return EXIT_FAILURE;
		}
		kver = argv[optind++];
	} else {
		if (uname(&u) < 0) {
			ERR("uname() failed: %m\n");
			return EXIT_FAILURE;
		}
		kver = u.release;
	}

	depmod_init(&d);
	d.kver = kver;
	d.sym_prefix = prefix;
	d.verbose = verbose;
	d.warn = warn;
	d.errsyms = errsyms;
	d.dry_run = dry_run;
	if (json)
		d.out_verbose = stderr; /* -v lines: stdout holds the document */
	d.use_cache = use_cache;
	d.dirname = module_dir_path(root, moduledir, kver);
	d.outdirname = module_dir_path(out_root ? out_root : root, moduledir, kver);
	d.modules_by_name = hash_new(8192, NULL);
	if (d.dirname == NULL || d.outdirname == NULL || d.modules_by_name == NULL) {
		ERR("out of memory\n");
		goto out;
	}
	d.dirnamelen = strlen(d.dirname);

	if (optind == argc)
		all = true;
	if (quick) {
		if (dry_run || depmod_is_up_to_date(&d)) {
			ret = EXIT_SUCCESS;
			goto out;
		}
		all = true;
	}

	if (all) {
		err = depmod_config_load(&d.config, config_paths, kver);
		if (err < 0) {
			ERR("could not load configuration: %s\n", strerror(-err));
			goto out;
		}
	}
	if (d.config.searches.count == 0) {
		/* no search line: "updates" first, everything else after, equal */
		static const char default_search[] = "search updates built-in\n";
		_cleanup_fclose_ FILE *fp = fmemopen((void *)default_search,
						     sizeof(default_search) - 1, "r");

		if (fp == NULL ||
		    depmod_config_parse(&d.config, fp, "(default)", kver) < 0)
			goto out;
	}

	if (symvers != NULL) {
		err = depmod_load_symvers(&d, symvers);
		d.kernel_symbols_file = symvers;
		d.kernel_symbols_kind = 'E';
	} else if (system_map != NULL) {
		err = depmod_load_system_map(&d, system_map);
		d.kernel_symbols_file = system_map;
		d.kernel_symbols_kind = 'F';
	} else {
		err = 0;
	}
	if (err < 0)
		goto out;
	if (errsyms && symvers == NULL && system_map == NULL) {
		WRN("-e needs -E or -F\n");
		d.errsyms = false;
	}

	if (all) {
		timing_mark(NULL);
		err = depmod_scan(&d);
		timing_mark("scan");
		if (err < 0) {
			hint_missing_dir(root, "-b");
			hint_missing_dir(d.dirname, NULL);
			FATAL("could not search modules: %s\n", strerror(-err));
			goto out;
		}
	} else {
		for (int i = optind; i < argc; i++) {
			if (argv[i][0] != '/') {
				FATAL("%s: not absolute path.\n", argv[i]);
				goto out;
			}
		}
		for (int i = optind; i < argc; i++) {
			err = depmod_add_module_file(&d, argv[i]);
			if (err < 0)
				goto out;
		}
	}

	timing_mark(NULL);
	err = depmod_order(&d);
	timing_mark("order");
	if (err < 0)
		goto out;
	if (d.use_cache) {
		err = depmod_cache_load(&d);
		if (err >= 0)
			err = depmod_cache_apply(&d, depmod_parse_threads());
		timing_mark("cache");
		if (err < 0)
			goto out;
	}
	err = depmod_parse(&d, depmod_parse_threads());
	timing_mark("parse");
	if (err < 0)
		goto out;
	if (d.use_cache) {
		err = depmod_cache_build(&d);
		timing_mark("store");
		if (err < 0)
			goto out;
	}
	/* not when the cache keeps every index the resolve stage feeds */
	if (!d.resolve_skipped) {
		err = depmod_resolve(&d);
		timing_mark("resolve");
		if (err < 0)
			goto out;
	}
	depmod_drop_symbols(&d);
	err = json ? depmod_write_json(&d) : depmod_write(&d);
	timing_mark("write");
	if (err < 0)
		goto out;
	ret = EXIT_SUCCESS;
out:
	depmod_cache_free(&d);
	depmod_release(&d);
	return ret;
}

const struct kmod_cmd kmod_cmd_compat_depmod = {
	.name = "depmod",
	.cmd = do_depmod,
	.help = "compat depmod command",
};
