// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The options every tool shares, the getopt loop, the -C list, and the module
 * parameters joined from operands (see options.h for the skeleton of a tool).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "kmod.h"
#include "lib/strbuf.h"
#include "lib/util.h"
#include "log.h"
#include "options.h"

/* A value with a space must reach the kernel quoted, unless the user quoted it. */
static bool push_arg(struct strbuf *buf, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq != NULL && strchr(eq + 1, ' ') != NULL && eq[1] != '"' && eq[1] != '\'') {
		return strbuf_pushmem(buf, arg, eq + 1 - arg) &&
		       strbuf_pushchar(buf, '"') && strbuf_pushchars(buf, eq + 1) &&
		       strbuf_pushchar(buf, '"');
	}
	return strbuf_pushchars(buf, arg);
}

char *options_from_array(char **args, int nargs)
{
	struct strbuf buf;

	strbuf_init(&buf);
	for (int i = 0; i < nargs; i++) {
		if ((i > 0 && !strbuf_pushchar(&buf, ' ')) || !push_arg(&buf, args[i])) {
			strbuf_release(&buf);
			return NULL;
		}
	}
	return strbuf_steal(&buf);
}

void kmod_print_version(void)
{
	/* The two lines scripts parse, as kmod prints them, then our own. */
	printf("kmod version %s\n%s\n", KMOD_VERSION, KMOD_FEATURES);
	printf("modkit version %s\n", MODKIT_VERSION);
}

int tool_module_dir(const char *root, const char *kversion, char buf[static PATH_MAX])
{
	int r = path_module_dir(root, NULL, kversion, buf);

	/* uname() fails only with EFAULT, so -ENAMETOOLONG is the path's own */
	if (r == -ENAMETOOLONG)
		ERR("module directory path too long\n");
	else if (r < 0)
		ERR("uname() failed: %s\n", strerror(-r));
	return r;
}

int tool_kversion(const char **kversion, struct utsname *u)
{
	int r;

	if (*kversion != NULL)
		return 0;
	if (uname(u) < 0) {
		r = -errno;
		ERR("uname() failed: %s\n", strerror(-r));
		return r;
	}
	*kversion = u->release;
	return 0;
}

int options_exit_status(enum options_result result)
{
	return result == OPTIONS_EXIT_SUCCESS ? EXIT_SUCCESS : EXIT_FAILURE;
}

static enum options_result common_option(struct tool_common *common, int c)
{
	switch (c) {
	case 'v':
		common->verbose++;
		return OPTIONS_RUN;
	case 's':
		common->use_syslog = true;
		return OPTIONS_RUN;
	case 'V':
		kmod_print_version();
		return OPTIONS_EXIT_SUCCESS;
	case 'h':
		common->help();
		return OPTIONS_EXIT_SUCCESS;
	default:
		/* getopt already printed the diagnostic */
		return OPTIONS_EXIT_FAILURE;
	}
}

enum options_result options_parse(int argc, char *argv[], const char *shortopts,
				  const struct option *longopts,
				  struct tool_common *common,
				  int (*one)(int c, const char *arg, void *data),
				  void *data)
{
	for (;;) {
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);
		int r = OPTION_COMMON;
		enum options_result res;

		if (c == -1)
			return OPTIONS_RUN;
		if (one != NULL)
			r = one(c, optarg, data);
		if (r < 0)
			return OPTIONS_EXIT_FAILURE;
		if (r == 0)
			continue;
		res = common_option(common, c);
		if (res != OPTIONS_RUN)
			return res;
	}
}

int tool_main(int argc, char *argv[], const struct tool_spec *spec,
	      struct tool_common *common, void *opts)
{
	enum options_result res;
	int r;

	res = options_parse(argc, argv, spec->shortopts, spec->longopts, common,
			    spec->option, opts);
	if (res != OPTIONS_RUN)
		return options_exit_status(res);
	log_open(common->use_syslog);
	r = spec->run(opts, argc - optind, argv + optind);
	log_close();
	return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int config_paths_add(struct config_paths *list, const char *path)
{
	const char **tmp = realloc(list->paths, (list->n + 2) * sizeof(*tmp));

	if (tmp == NULL) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	list->paths = tmp;
	list->paths[list->n++] = path;
	list->paths[list->n] = NULL;
	return 0;
}

void config_paths_free(struct config_paths *list)
{
	free(list->paths);
	list->paths = NULL;
	list->n = 0;
}
