/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: config, together with the context (ctx.h; see docs/layers.md for why they
 * share a layer). May use: helpers, file (regfile.h), libkmod.h. Used by the
 * context, the module layer, depmod (the walker only) and the tools. Not to be
 * confused with the config.h meson generates, which every file gets through
 * -include: include this one as "lib/config.h" from outside lib/.
 *
 * Configuration files: the one *.conf walker shared by modprobe.d and depmod.d
 * (conffiles.c, formats.md 7.1), and the modprobe.d parser with the kernel command
 * line (config.c). Invariants: a missing or unreadable file, or a bad line, is
 * skipped (and logged through the context when there is one), never fatal: only
 * -ENOMEM fails; every entry remembers the file and line it came from.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "libkmod.h"

/* ---- conffiles.c: the one *.conf walker ------------------------------------------ */

struct conf_file {
	const char *name; /* basename, points into path */
	char *path; /* as opened: "<dir>/<name>", or the single-file path */
	unsigned long long stamp; /* mtime stamp (stat_mstamp) when listed */
};

/* Why conffiles_list_report() skipped a directory entry. */
enum conffiles_skip {
	CONFFILES_SKIP_NOT_CONF, /* name does not end in ".conf" (dot-files: silent) */
	CONFFILES_SKIP_STAT, /* stat() of the entry failed (err = -errno) */
	CONFFILES_SKIP_SUBDIR, /* the entry is a directory */
	CONFFILES_SKIP_PATH, /* a directory path cannot be opened (name is NULL,
				    err = -errno); non-directories are read as files */
};
/* dir is the path exactly as given (messages print "<dir>/<name>"). */
typedef void (*conffiles_report_fn)(void *data, enum conffiles_skip why, const char *dir,
				    const char *name, int err);

/*
 * Collects the files of paths (directories or single files, highest precedence
 * first), override-by-basename, sorted by name (strcmp). extra_paths (may be NULL)
 * are pseudo-files such as "<moddir>/modules.softdep": taken only if they exist,
 * placed in the sort under their basename, and ahead of every path in precedence.
 * A path that does not exist is skipped silently. Skipped entries are reported to
 * report (may be NULL); depmod uses this to print its own messages.
 * Returns 0 or -ENOMEM; *files (free with conffiles_free) and *n on success.
 */
int conffiles_list_report(const char *const *paths, const char *const *extra_paths,
			  conffiles_report_fn report, void *data,
			  struct conf_file **files, size_t *n);
/* The library's variant: reports ERR messages of kmod's wording through ctx
 * ("Directories inside directories are not supported: <dir>/<name>",
 * "Cannot stat directory entry: <dir>/<name>"); ".conf"-less names are silent. */
int conffiles_list(const struct kmod_ctx *ctx, const char *const *paths,
		   const char *const *extra_paths, struct conf_file **files, size_t *n);
void conffiles_free(struct conf_file *files, size_t n);

/* ---- config.c: modprobe.d + kernel command line ----------------------------------- */

struct kmod_config {
	struct kmod_ctx *ctx;
	struct kmod_list *aliases;
	struct kmod_list *blacklists;
	struct kmod_list *options;
	struct kmod_list *remove_commands;
	struct kmod_list *install_commands;
	struct kmod_list *softdeps;
	struct kmod_list *weakdeps;
	/* paths and mtime stamps of the config paths and of the files read, for
	 * config_is_stale() (kmod_validate_resources()) */
	struct kmod_list *paths;
	/* names of the files read, which the entries' origins point to, and the place
	 * being parsed (file NULL: the kernel command line) */
	struct kmod_list *origin_files;
	const char *cur_file;
	unsigned int cur_line;
};

/* config_paths NULL = the default modprobe.d directories (formats.md 7.1); also
 * reads ctx->dirname's modules.softdep/weakdep and /proc/cmdline. -ENOMEM only:
 * missing or bad files are skipped (bad lines logged). */
int config_new(struct kmod_ctx *ctx, const char *const *config_paths,
	       struct kmod_config **out);
/* As config_new() with another kernel command line file; NULL reads none (tests). */
int config_new_full(struct kmod_ctx *ctx, const char *const *config_paths,
		    const char *cmdline_path, struct kmod_config **out);
/* Parses one modprobe.d stream into config (filename for messages). -ENOMEM only. */
int config_parse_stream(struct kmod_config *config, FILE *fp, const char *filename);
/* Parses kernel command line text (first 4095 bytes), formats.md 7.5. -ENOMEM only. */
int config_parse_kcmdline(struct kmod_config *config, const char *cmdline);
void config_free(struct kmod_config *config);
/* Accessors of the list entries. */
const char *config_alias_get_name(const struct kmod_list *l);
const char *config_alias_get_modname(const struct kmod_list *l);
const char *config_options_get_modname(const struct kmod_list *l);
const char *config_options_get_options(const struct kmod_list *l);
const char *config_command_get_modname(const struct kmod_list *l);
const char *config_command_get_command(const struct kmod_list *l);
const char *config_blacklist_get_modname(const struct kmod_list *l);
const char *config_softdep_get_name(const struct kmod_list *l);
const char *const *config_softdep_get_pre(const struct kmod_list *l, unsigned int *count);
const char *const *config_softdep_get_post(const struct kmod_list *l,
					   unsigned int *count);
const char *config_weakdep_get_name(const struct kmod_list *l);
const char *const *config_weakdep_get_weak(const struct kmod_list *l,
					   unsigned int *count);
/* Where an entry of any of the lists above was read: the file as opened (NULL for
 * the kernel command line) and *line, its first line (0 for the command line). */
const char *config_entry_get_origin(const struct kmod_list *l, unsigned int *line);
/* The default modprobe.d directories, highest precedence first, NULL-terminated. */
const char *const *config_default_paths(void);
/* true if any config file changed since it was read */
bool config_is_stale(const struct kmod_config *config);
