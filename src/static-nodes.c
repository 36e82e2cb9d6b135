// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod static-nodes: turns modules.devname into device-node descriptions for
 * tmpfiles.d, humans or the devname format itself (tools.md 9).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "json.h"
#include "kmod.h"
#include "lib/macro.h"
#include "lib/regfile.h"
#include "lib/util.h"

struct devname_entry {
	const char *module;
	const char *devname;
	char type; /* 'c' or 'b' */
	unsigned int major, minor;
};

struct static_nodes_format {
	const char *name;
	void (*write)(FILE *out, const struct devname_entry *e);
	const char *description;
	/* optional: before the first and after the last entry */
	void (*begin)(FILE *out);
	int (*end)(FILE *out);
};

static void write_human(FILE *out, const struct devname_entry *e)
{
	fprintf(out,
		"Module: %s\n"
		"\tDevice node: /dev/%s\n"
		"\t\tType: %s device\n"
		"\t\tMajor: %u\n"
		"\t\tMinor: %u\n",
		e->module, e->devname, e->type == 'c' ? "character" : "block", e->major,
		e->minor);
}

static void write_tmpfiles(FILE *out, const struct devname_entry *e)
{
	const char *slash = strrchr(e->devname, '/');

	if (slash != NULL)
		fprintf(out, "d /dev/%.*s 0755 - - -\n", (int)(slash - e->devname),
			e->devname);
	fprintf(out, "%c! /dev/%s 0600 - - - %u:%u\n", e->type, e->devname, e->major,
		e->minor);
}

static void write_devname(FILE *out, const struct devname_entry *e)
{
	fprintf(out, "%s %s %c%u:%u\n", e->module, e->devname, e->type, e->major,
		e->minor);
}

/* json: one document (kmod(8), "JSON OUTPUT") */
static struct json_writer json;

static void begin_json(FILE *out)
{
	json_document_begin(&json, out, "static-nodes");
	json_key(&json, "devices");
	json_array_begin(&json);
}

static void write_json(FILE *out, const struct devname_entry *e)
{
	json_object_begin(&json);
	json_member_string(&json, "module", e->module);
	json_member_string(&json, "devname", e->devname);
	json_member_string(&json, "type", e->type == 'c' ? "character" : "block");
	json_member_int(&json, "major", e->major);
	json_member_int(&json, "minor", e->minor);
	json_object_end(&json);
}

static int end_json(FILE *out)
{
	return json_finish(&json);
}

static const struct static_nodes_format formats[] = {
	{ "human", write_human, "a description of each node, for people (default)" },
	{ "tmpfiles", write_tmpfiles, "lines for systemd-tmpfiles (tmpfiles.d(5))" },
	{ "devname", write_devname, "the modules.devname format itself" },
	{ "json", write_json, "a JSON document (the same as --json)", begin_json,
	  end_json },
};

static void help(void)
{
	printf("Usage:\n"
	       "\tkmod static-nodes [options]\n\n"
	       "Lists the device nodes that loading a module on demand needs, from\n"
	       "modules.devname of the running kernel.\n\n"
	       "Options:\n"
	       "\t-f, --format=FORMAT  output format (see below)\n"
	       "\t-o, --output=FILE    write to FILE instead of standard output\n"
	       "\t    --json           the same as --format=json\n"
	       "\t-h, --help           print this help and exit\n\n"
	       "Formats:\n");
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		printf("  %-10s %s\n", formats[i].name, formats[i].description);
}

/* "<module> <devname> <c|b><major>:<minor>" */
static bool parse_entry(char *line, struct devname_entry *e)
{
	char *save = NULL, *module, *devname, *spec, *end;
	unsigned long major, minor;
	char type;

	module = strtok_r(line, " \t\n", &save);
	devname = strtok_r(NULL, " \t\n", &save);
	spec = strtok_r(NULL, " \t\n", &save);
	if (module == NULL || devname == NULL || spec == NULL)
		return false;
	type = spec[0];
	if (type != 'c' && type != 'b')
		return false;
	errno = 0;
	major = strtoul(spec + 1, &end, 10);
	if (end == spec + 1 || *end != ':' || errno != 0 || major > UINT_MAX)
		return false;
	spec = end + 1;
	minor = strtoul(spec, &end, 10);
	if (end == spec || errno != 0 || minor > UINT_MAX)
		return false;
	e->module = module;
	e->devname = devname;
	e->type = type;
	e->major = major;
	e->minor = minor;
	return true;
}

static int do_static_nodes(int argc, char *argv[])
{
	enum {
		OPT_JSON = 256
	};
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct static_nodes_format *format = &formats[0];
	const char *output = NULL;
	_cleanup_fclose_ FILE *in = NULL;
	FILE *out = stdout;
	char path[PATH_MAX], *line = NULL;
	size_t linesz = 0;
	struct utsname u;
	struct stat st;
	int fd, ret = EXIT_SUCCESS;

	for (;;) {
		int c = getopt_long(argc, argv, "o:f:h", options, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'f':
			format = NULL;
			for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
				if (streq(formats[i].name, optarg))
					format = &formats[i];
			}
			if (format == NULL) {
				fprintf(stderr, "Unknown format: '%s'.\n", optarg);
				help();
				return EXIT_FAILURE;
			}
			break;
		case OPT_JSON:
			format = &formats[ARRAY_SIZE(formats) - 1];
			break;
		case 'h':
			help();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}

	if (uname(&u) < 0) {
		fprintf(stderr, "Error: uname failed: %m\n");
		return EXIT_FAILURE;
	}
	snprintf(path, sizeof(path), MODULE_DIRECTORY "/%s/modules.devname", u.release);
	/* a FIFO or a device there must neither block nor be opened (regfile.h) */
	fd = regfile_open(path, 0, &st);
	if (fd == -ENOENT) {
		fprintf(stderr, "Warning: %s not found - ignoring\n", path);
		/* a document without devices, for scripts reading stdout */
		if (format->begin != NULL && output == NULL) {
			format->begin(stdout);
			return format->end(stdout) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
		}
		return EXIT_SUCCESS;
	}
	if (fd >= 0 && st.st_size > (off_t)REGFILE_TEXT_MAX) {
		close(fd);
		fd = -EFBIG;
	}
	if (fd >= 0) {
		in = fdopen(fd, "re");
		if (in == NULL) {
			int err = -errno;

			close(fd);
			fd = err;
		}
	}
	if (fd < 0) {
		fprintf(stderr, "Error: could not open %s - %s\n", path,
			regfile_strerror(fd));
		return EXIT_FAILURE;
	}

	if (output != NULL) {
		int r = mkdir_parents(output, 0755);

		if (r < 0) {
			fprintf(stderr,
				"Error: could not create parent directory for %s - %s.\n",
				output, strerror(-r));
			return EXIT_FAILURE;
		}
		out = fopen(output, "we");
		if (out == NULL) {
			fprintf(stderr, "Error: could not create %s - %m\n", output);
			return EXIT_FAILURE;
		}
	}

	if (format->begin != NULL)
		format->begin(out);
	while (getline(&line, &linesz, in) > 0) {
		_cleanup_free_ char *copy = NULL;
		struct devname_entry e;

		if (line[0] == '#')
			continue;
		copy = strdup(line);
		if (copy == NULL || !parse_entry(copy, &e)) {
			fprintf(stderr, "Error: invalid devname entry: %s", line);
			ret = EXIT_FAILURE;
			continue;
		}
		format->write(out, &e);
	}
	free(line);
	if (format->end != NULL && format->end(out) < 0)
		ret = EXIT_FAILURE;
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "Error: could not write %s - %m\n", output);
		ret = EXIT_FAILURE;
	} else if (out == stdout && fflush(stdout) != 0) {
		ret = EXIT_FAILURE;
	}
	return ret;
}

const struct kmod_cmd kmod_cmd_static_nodes = {
	.name = "static-nodes",
	.cmd = do_static_nodes,
	.help = "outputs the static-node information installed with the modules",
};
