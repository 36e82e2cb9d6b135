// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's command line (tools.md 8): the options into one struct depmod_options,
 * then depmod_run() (depmod-run.c) on it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "depmod.h"
#include "hint.h"
#include "kmod.h"
#include "options.h"

/* long options without a short one */
enum {
	OPT_NO_CACHE = 0x100,
	OPT_JSON = 0x180,
};

static const char cmdopts_s[] = "aAb:m:o:C:E:F:enP:vwVh";
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
	OPTION_LONG_VERBOSE,
	{ "warn", no_argument, NULL, 'w' },
	OPTION_LONG_VERSION,
	OPTION_LONG_HELP,
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	OPTION_LONG_END,
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

static bool version_ok(const char *s)
{
	unsigned int a, b;

	return sscanf(s, "%u.%u", &a, &b) == 2;
}

/* The options and what they own. */
struct depmod_cmdline {
	struct depmod_options o;
	struct tool_common common;
	char *root;
	char *out_root;
	struct config_paths config;
	struct utsname u;
};

static void cmdline_release(struct depmod_cmdline *cl)
{
	free(cl->root);
	free(cl->out_root);
	config_paths_free(&cl->config);
}

/* -b and -o: the directory made absolute into *dst. */
static int set_dir(char **dst, const char *arg)
{
	char *p = path_make_absolute_cwd(arg);

	if (p == NULL) {
		ERR("could not make %s absolute: %m\n", arg);
		return -errno;
	}
	free(*dst);
	*dst = p;
	return 0;
}

/* One of depmod's own options (options_parse()'s callback). */
static int depmod_option(int c, const char *arg, void *data)
{
	struct depmod_cmdline *cl = data;
	struct depmod_options *o = &cl->o;

	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'A':
		o->quick = true;
		return 0;
	case 'b':
		return set_dir(&cl->root, arg);
	case 'm':
		o->moduledir = arg;
		return 0;
	case 'o':
		return set_dir(&cl->out_root, arg);
	case 'C':
		return config_paths_add(&cl->config, arg);
	case 'E':
		o->symvers = arg;
		return 0;
	case 'F':
		o->system_map = arg;
		return 0;
	case 'e':
		o->errsyms = true;
		return 0;
	case 'n':
		o->dry_run = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case 'P':
		if (arg[0] == '\0' || arg[1] != '\0') {
			FATAL("-P only takes a single char\n");
			return -EINVAL;
		}
		o->sym_prefix = arg[0];
		return 0;
	case 'w':
		o->warn = true;
		return 0;
	case OPT_NO_CACHE:
		o->no_cache = true;
		return 0;
	default:
		return OPTION_COMMON;
	}
}

/* The operands: the kernel version, then module files. */
static int parse_operands(struct depmod_cmdline *cl, int argc, char *argv[])
{
	struct depmod_options *o = &cl->o;
	int r;

	o->kver = NULL;
	if (optind < argc) {
		if (!version_ok(argv[optind])) {
			ERR("Bad version passed %s\n", argv[optind]);
			return -EINVAL;
		}
		o->kver = argv[optind++];
	}
	r = tool_kversion(&o->kver, &cl->u);
	if (r < 0)
		return r;
	o->files = argv + optind;
	o->n_files = argc - optind;
	return 0;
}

/* The whole command line into cl. */
static enum options_result parse_cmdline(struct depmod_cmdline *cl, int argc,
					 char *argv[])
{
	struct depmod_options *o = &cl->o;
	enum options_result res;

	res = options_parse(argc, argv, cmdopts_s, cmdopts, &cl->common, depmod_option,
			    cl);
	if (res != OPTIONS_RUN)
		return res;
	log_set_priority(cl->common.verbose);
	o->verbose = cl->common.verbose - LOG_WARNING;
	if (o->json && !o->dry_run) {
		ERR("--json goes with -n.\n");
		return OPTIONS_EXIT_FAILURE;
	}
	if (parse_operands(cl, argc, argv) < 0)
		return OPTIONS_EXIT_FAILURE;
	o->root = cl->root;
	o->out_root = cl->out_root;
	o->config_paths = cl->config.paths;
	return OPTIONS_RUN;
}

static void scan_failed(const struct depmod_options *o, const char *dirname)
{
	hint_missing_dir(o->root, "-b");
	hint_missing_dir(dirname, NULL);
}

static int do_depmod(int argc, char *argv[])
{
	_cleanup_(cmdline_release) struct depmod_cmdline cl = {
		.o = { .moduledir = MODULE_DIRECTORY, .scan_failed = scan_failed },
		.common = { .verbose = LOG_WARNING, .help = help },
	};
	enum options_result res = parse_cmdline(&cl, argc, argv);

	if (res != OPTIONS_RUN)
		return options_exit_status(res);
	return depmod_run(&cl.o) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

const struct kmod_cmd kmod_cmd_compat_depmod = {
	.name = "depmod",
	.cmd = do_depmod,
	.help = "compat depmod command",
};
