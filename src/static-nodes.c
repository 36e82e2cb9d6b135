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
#include <unistd.h>

#include "json.h"
#include "kmod.h"
#include "lib/macro.h"
#include "lib/regfile.h"
#include "lib/util.h"
#include "options.h"

struct devname_entry {
	const char *module;
	const char *devname;
	char type; /* 'c' or 'b' */
	unsigned int major, minor;
};

/* Where the nodes go: the stream, and the document of the json format. */
struct static_nodes_out {
	FILE *fp;
	struct json_writer json;
};

struct static_nodes_format {
	const char *name;
	void (*write)(struct static_nodes_out *out, const struct devname_entry *e);
	const char *description;
	/* optional: before the first and after the last entry */
	void (*begin)(struct static_nodes_out *out);
	int (*end)(struct static_nodes_out *out);
};

static void write_human(struct static_nodes_out *out, const struct devname_entry *e)
{
	fprintf(out->fp,
		"Module: %s\n"
		"\tDevice node: /dev/%s\n"
		"\t\tType: %s device\n"
		"\t\tMajor: %u\n"
		"\t\tMinor: %u\n",
		e->module, e->devname, e->type == 'c' ? "character" : "block", e->major,
		e->minor);
}

static void write_tmpfiles(struct static_nodes_out *out, const struct devname_entry *e)
{
	const char *slash = strrchr(e->devname, '/');

	if (slash != NULL)
		fprintf(out->fp, "d /dev/%.*s 0755 - - -\n", (int)(slash - e->devname),
			e->devname);
	fprintf(out->fp, "%c! /dev/%s 0600 - - - %u:%u\n", e->type, e->devname, e->major,
		e->minor);
}

static void write_devname(struct static_nodes_out *out, const struct devname_entry *e)
{
	fprintf(out->fp, "%s %s %c%u:%u\n", e->module, e->devname, e->type, e->major,
		e->minor);
}

/* json: one document (kmod(8), "JSON OUTPUT") */
static void begin_json(struct static_nodes_out *out)
{
	json_document_begin(&out->json, out->fp, "static-nodes");
	json_key(&out->json, "devices");
	json_array_begin(&out->json);
}

static void write_json(struct static_nodes_out *out, const struct devname_entry *e)
{
	struct json_writer *w = &out->json;

	json_object_begin(w);
	json_member_string(w, "module", e->module);
	json_member_string(w, "devname", e->devname);
	json_member_string(w, "type", e->type == 'c' ? "character" : "block");
	json_member_int(w, "major", e->major);
	json_member_int(w, "minor", e->minor);
	json_object_end(w);
}

static int end_json(struct static_nodes_out *out)
{
	return json_finish(&out->json);
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

enum {
	OPT_JSON = 256
};

struct static_nodes_opts {
	struct tool_common common;
	const struct static_nodes_format *format;
	const char *output; /* NULL: stdout */
};

static int static_nodes_option(int c, const char *arg, void *data)
{
	struct static_nodes_opts *o = data;

	switch (c) {
	case 'o':
		o->output = arg;
		return 0;
	case 'f':
		for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
			if (streq(formats[i].name, arg)) {
				o->format = &formats[i];
				return 0;
			}
		}
		fprintf(stderr, "Unknown format: '%s'.\n", arg);
		help();
		return -EINVAL;
	case OPT_JSON:
		o->format = &formats[ARRAY_SIZE(formats) - 1];
		return 0;
	default:
		return OPTION_COMMON;
	}
}

/* The running kernel's modules.devname, opened as a regular text file. */
static int open_devname(char path[static PATH_MAX], FILE **in)
{
	char dir[PATH_MAX];
	struct stat st;
	int fd, n;

	fd = path_module_dir(NULL, NULL, NULL, dir);
	if (fd < 0) {
		fprintf(stderr, "Error: uname failed: %s\n", strerror(-fd));
		return fd;
	}
	n = snprintf(path, PATH_MAX, "%s/modules.devname", dir);
	/* a FIFO or a device there must neither block nor be opened (regfile.h) */
	fd = n < PATH_MAX ? regfile_open(path, 0, &st) : -ENAMETOOLONG;
	if (fd >= 0 && st.st_size > (off_t)REGFILE_TEXT_MAX) {
		close(fd);
		fd = -EFBIG;
	}
	if (fd >= 0) {
		*in = fdopen(fd, "re");
		if (*in != NULL)
			return 0;
		n = -errno;
		close(fd);
		fd = n;
	}
	if (fd != -ENOENT)
		fprintf(stderr, "Error: could not open %s - %s\n", path,
			regfile_strerror(fd));
	return fd;
}

static FILE *open_output(const char *output)
{
	int r = mkdir_parents(output, 0755);
	FILE *out;

	if (r < 0) {
		fprintf(stderr, "Error: could not create parent directory for %s - %s.\n",
			output, strerror(-r));
		return NULL;
	}
	out = fopen(output, "we");
	if (out == NULL)
		fprintf(stderr, "Error: could not create %s - %m\n", output);
	return out;
}

/* Every entry of in through the format; 1 when an entry was invalid (reported). */
static int write_nodes(const struct static_nodes_format *format, FILE *in,
		       struct static_nodes_out *out)
{
	_cleanup_free_ char *line = NULL;
	size_t linesz = 0;
	int ret = 0;

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
			ret = 1;
			continue;
		}
		format->write(out, &e);
	}
	if (format->end != NULL && format->end(out) < 0)
		ret = -EIO;
	return ret;
}

/* Without modules.devname: nothing, or a document without devices for scripts. */
static int write_no_nodes(const struct static_nodes_opts *o, const char *path)
{
	struct static_nodes_out out = { .fp = stdout };

	fprintf(stderr, "Warning: %s not found - ignoring\n", path);
	if (o->format->begin == NULL || o->output != NULL)
		return 0;
	o->format->begin(&out);
	return o->format->end(&out) < 0 ? -EIO : 0;
}

static int static_nodes_run(void *data, int nargs, char *args[])
{
	const struct static_nodes_opts *o = data;
	struct static_nodes_out out = { .fp = stdout };
	_cleanup_fclose_ FILE *in = NULL;
	char path[PATH_MAX];
	int r = open_devname(path, &in);

	if (r == -ENOENT)
		return write_no_nodes(o, path);
	if (r < 0)
		return r;
	if (o->output != NULL) {
		out.fp = open_output(o->output);
		if (out.fp == NULL)
			return -EIO;
	}
	r = write_nodes(o->format, in, &out);
	if (out.fp != stdout && fclose(out.fp) != 0) {
		fprintf(stderr, "Error: could not write %s - %m\n", o->output);
		r = -EIO;
	} else if (out.fp == stdout && fflush(stdout) != 0) {
		r = -EIO;
	}
	return r;
}

static int do_static_nodes(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, OPT_JSON },
		OPTION_LONG_HELP,
		OPTION_LONG_END,
	};
	static const struct tool_spec spec = { "o:f:h", longopts, static_nodes_option,
					       static_nodes_run };
	struct static_nodes_opts o = { .common = { .help = help },
				       .format = &formats[0] };

	return tool_main(argc, argv, &spec, &o.common, &o);
}

const struct kmod_cmd kmod_cmd_static_nodes = {
	.name = "static-nodes",
	.cmd = do_static_nodes,
	.help = "outputs the static-node information installed with the modules",
};
