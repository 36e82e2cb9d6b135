// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Putting modules into the kernel and taking them out: the three module syscalls,
 * install commands and the probe plan of kmod_module_probe_insert_module()
 * (tools.md 10, formats.md 5, 6.2, 7.6-7.8).
 *
 * The module syscalls go through the C library's functions where it has them, as
 * kmod's do: init_module() and delete_module() (glibc exports both without declaring
 * them), finit_module() only with a C library that has it. So a program interposing
 * those functions (kmod's test preload, our shim) sees every call; syscall(2) is the
 * fallback, detected at build time (HAVE_*_MODULE in config.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "array.h"
#include "ctx.h"
#include "kmod-elf.h"
#include "file.h"
#include "list.h"
#include "log-lib.h"
#include "macro.h"
#include "module.h"
#include "strbuf.h"
#include "util.h"

/* finit_module flags (uapi linux/module.h) */
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
#define MODULE_INIT_COMPRESSED_FILE 4

#define CMDLINE_OPTS_VAR "$CMDLINE_OPTS"

/* ---- the module syscalls ---------------------------------------------------------- */

#if HAVE_INIT_MODULE
int init_module(void *image, unsigned long len, const char *args);
#endif
#if HAVE_DELETE_MODULE
int delete_module(const char *name, unsigned int flags);
#endif
#if HAVE_FINIT_MODULE
int finit_module(int fd, const char *args, int flags);
#endif

static int kernel_init_module(const void *image, unsigned long len, const char *args)
{
#if HAVE_INIT_MODULE
	return init_module((void *)image, len, args);
#else
	return (int)syscall(SYS_init_module, image, len, args);
#endif
}

static int kernel_finit_module(int fd, const char *args, unsigned int flags)
{
#if HAVE_FINIT_MODULE
	return finit_module(fd, args, (int)flags);
#elif defined(SYS_finit_module)
	return (int)syscall(SYS_finit_module, fd, args, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static int kernel_delete_module(const char *name, unsigned int flags)
{
#if HAVE_DELETE_MODULE
	return delete_module(name, flags);
#else
	return (int)syscall(SYS_delete_module, name, flags);
#endif
}

/* ---- kernel compression ------------------------------------------------------- */

/* Named like kmod's function: the default logger prints the name with the message. */
static enum kmod_file_compression_type get_kernel_compression(struct kmod_ctx *ctx)
{
	static const struct {
		const char *word;
		enum kmod_file_compression_type type;
	} words[] = {
		{ "zstd\n", KMOD_FILE_COMPRESSION_ZSTD },
		{ "xz\n", KMOD_FILE_COMPRESSION_XZ },
		{ "gzip\n", KMOD_FILE_COMPRESSION_ZLIB },
	};
	enum kmod_file_compression_type type = KMOD_FILE_COMPRESSION_NONE;
	_cleanup_close_ int fd = -1;
	char buf[16];
	ssize_t r;
	size_t i;

	fd = open("/sys/module/compression", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read_str_safe(fd, buf, sizeof(buf));
		if (r < 0) {
			ERR(ctx, "could not read from '/sys/module/compression': %s\n",
			    strerror((int)-r));
		} else {
			for (i = 0; i < ARRAY_SIZE(words); i++) {
				if (streq(buf, words[i].word)) {
					type = words[i].type;
					break;
				}
			}
			/* the word carries its own newline */
			if (i == ARRAY_SIZE(words))
				ERR(ctx, "unknown kernel compression %s", buf);
		}
	}

	return type;
}

static enum kmod_file_compression_type probe_kernel_compression(struct kmod_ctx *ctx)
{
	if (ctx->kernel_compression == 0)
		ctx->kernel_compression = (int)get_kernel_compression(ctx) + 1;
	return (enum kmod_file_compression_type)(ctx->kernel_compression - 1);
}

/* ---- insertion ----------------------------------------------------------------- */

static int do_finit_module(struct kmod_module *mod, struct kmod_file *file,
			   unsigned int flags, const char *args)
{
	enum kmod_file_compression_type type = file_get_compression(file);
	unsigned int kflags = 0;

	if (type != KMOD_FILE_COMPRESSION_NONE) {
		if (type != probe_kernel_compression(mod->ctx))
			return -ENOSYS;
		kflags |= MODULE_INIT_COMPRESSED_FILE;
	}
	if (flags & KMOD_INSERT_FORCE_VERMAGIC)
		kflags |= MODULE_INIT_IGNORE_VERMAGIC;
	if (flags & KMOD_INSERT_FORCE_MODVERSION)
		kflags |= MODULE_INIT_IGNORE_MODVERSIONS;

	if (kernel_finit_module(file_get_fd(file), args, kflags) < 0)
		return -errno;
	return 0;
}

static int do_init_module(struct kmod_module *mod, struct kmod_file *file,
			  unsigned int flags, const char *args)
{
	const unsigned int force = KMOD_INSERT_FORCE_VERMAGIC |
				   KMOD_INSERT_FORCE_MODVERSION;
	_cleanup_free_ void *stripped = NULL;
	const void *image;
	size_t size;
	int err;

	err = file_load_contents(file);
	if (err < 0)
		return err;
	image = file_get_contents(file);
	size = file_get_size(file);

	if (flags & force) {
		struct kmod_elf *elf;

		err = elf_new(image, size, &elf);
		if (err < 0)
			return err;
		err = elf_strip(elf, flags & force, &stripped);
		elf_free(elf);
		if (err < 0) {
			ERR(mod->ctx, "Failed to strip version information: %s\n",
			    strerror(-err));
			return err;
		}
		image = stripped;
	}

	if (kernel_init_module(image, (unsigned long)size, args) < 0)
		return -errno;
	return 0;
}

KMOD_EXPORT int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags,
					  const char *options)
{
	const char *args = options != NULL ? options : "";
	struct kmod_file *file;
	const char *path;
	int err;

	if (mod == NULL)
		return -ENOENT;

	path = kmod_module_get_path(mod);
	if (path == NULL) {
		ERR(mod->ctx, "could not find module by name='%s'\n", mod->name);
		return -ENOENT;
	}

	err = module_get_file(mod, &file);
	if (err < 0)
		return err;

	err = do_finit_module(mod, file, flags, args);
	if (err == -ENOSYS)
		err = do_init_module(mod, file, flags, args);

	if (err < 0)
		INFO(mod->ctx, "Failed to insert module '%s': %s\n", path,
		     strerror(-err));
	return err;
}

/* ---- removal ------------------------------------------------------------------- */

KMOD_EXPORT int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags)
{
	/* never wait in the kernel; only FORCE reaches it besides that */
	unsigned int kflags = (flags & KMOD_REMOVE_FORCE) | KMOD_REMOVE_NOWAIT;
	int err;

	if (mod == NULL)
		return -ENOENT;

	if (kernel_delete_module(mod->name, kflags) == 0)
		return 0;

	err = -errno;
	if (!(flags & KMOD_REMOVE_NOLOG))
		ERR(mod->ctx, "could not remove '%s': %s\n", mod->name, strerror(-err));
	return err;
}

/* ---- install commands ---------------------------------------------------------- */

/* Every "$CMDLINE_OPTS" of command replaced by options, in one left-to-right pass
 * (text coming from options is never rescanned). */
static char *command_expand(const char *command, const char *options)
{
	_cleanup_strbuf_ struct strbuf buf;
	const char *p = command, *var;

	strbuf_init(&buf);
	while ((var = strstr(p, CMDLINE_OPTS_VAR)) != NULL) {
		if (!strbuf_pushmem(&buf, p, var - p) || !strbuf_pushchars(&buf, options))
			return NULL;
		p = var + STRLEN(CMDLINE_OPTS_VAR);
	}
	if (!strbuf_pushchars(&buf, p))
		return NULL;
	/* an empty result still has to be a string */
	if (!strbuf_pushchar(&buf, '\0'))
		return NULL;
	return strbuf_steal(&buf);
}

/* Runs cmd through the shell with MODPROBE_MODULE set (formats.md 7.6). */
static int command_do(struct kmod_module *mod, const char *type, const char *cmd)
{
	const char *modname = kmod_module_get_name(mod);
	int status, err;

	if (setenv("MODPROBE_MODULE", modname, 1) < 0)
		return -errno;
	status = system(cmd);
	err = errno;
	(void)unsetenv("MODPROBE_MODULE");

	if (status == -1) {
		ERR(mod->ctx, "Could not run %s command '%s' for module %s: %s\n", type,
		    cmd, modname, strerror(err));
		return -EINVAL;
	}
	if (WEXITSTATUS(status) != 0) {
		ERR(mod->ctx, "Error running %s command '%s' for module %s: retcode %d\n",
		    type, cmd, modname, WEXITSTATUS(status));
		return -EINVAL;
	}
	return 0;
}

static int module_do_install_commands(struct kmod_module *mod, const char *options,
				      int (*run_install)(struct kmod_module *m,
							 const char *cmdline, void *data),
				      void *data)
{
	const char *command = kmod_module_get_install_commands(mod);
	_cleanup_free_ char *cmd = NULL;

	if (command == NULL)
		return -ENOENT;
	cmd = command_expand(command, options != NULL ? options : "");
	if (cmd == NULL)
		return -ENOMEM;

	if (run_install != NULL)
		return run_install(mod, cmd, data);
	return command_do(mod, "install", cmd);
}

/* ---- probe plan ---------------------------------------------------------------- */

/*
 * The plan is built on the per-module flags visited/required/ignorecmd. Every
 * module whose flags are touched is recorded (with a reference) so that the flags
 * are cleared again when the probe ends, whatever path it takes.
 */
struct probe_plan {
	struct kmod_list *list; /* load order; each entry holds a reference */
	struct array touched; /* referenced modules whose flags were set */
};

static int plan_touch(struct probe_plan *plan, struct kmod_module *mod)
{
	size_t i;

	for (i = 0; i < plan->touched.count; i++)
		if (plan->touched.array[i] == mod)
			return 0;
	if (array_append(&plan->touched, mod) < 0)
		return -ENOMEM;
	kmod_module_ref(mod);
	return 0;
}

static void plan_release(struct probe_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->touched.count; i++) {
		struct kmod_module *m = plan->touched.array[i];

		m->visited = false;
		m->required = false;
		m->ignorecmd = false;
		kmod_module_unref(m);
	}
	array_free_array(&plan->touched);
	kmod_module_unref_list(plan->list);
	plan->list = NULL;
}

static int plan_append(struct probe_plan *plan, struct kmod_module *mod)
{
	struct kmod_list *l = kmod_list_append(plan->list, mod);

	if (l == NULL)
		return -ENOMEM;
	kmod_module_ref(mod);
	plan->list = l;
	return 0;
}

static int plan_add(struct probe_plan *plan, struct kmod_module *mod, bool required,
		    bool ignorecmd);

/* mod wrapped by its pre- and post-softdeps (each expanded like a probe target). */
static int plan_add_with_softdeps(struct probe_plan *plan, struct kmod_module *mod)
{
	struct kmod_list *pre = NULL, *post = NULL, *l;
	int err;

	err = kmod_module_get_softdeps(mod, &pre, &post);
	if (err < 0) {
		ERR(mod->ctx, "could not get softdep: %s\n", strerror(-err));
		return err;
	}

	kmod_list_foreach (l, pre) {
		err = plan_add(plan, l->data, false, false);
		if (err < 0)
			goto out;
	}

	err = plan_touch(plan, mod);
	if (err < 0)
		goto out;
	err = plan_append(plan, mod);
	if (err < 0)
		goto out;
	/* a module whose softdep resolved to something runs no install command */
	mod->ignorecmd = pre != NULL || post != NULL;

	kmod_list_foreach (l, post) {
		err = plan_add(plan, l->data, false, false);
		if (err < 0)
			goto out;
	}

out:
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return err;
}

/* mod's hard dependencies (deepest first, each with its softdeps), then mod. */
static int plan_add(struct probe_plan *plan, struct kmod_module *mod, bool required,
		    bool ignorecmd)
{
	struct kmod_list *deps, *l;
	int err;

	if (mod->visited)
		return 0;
	err = plan_touch(plan, mod);
	if (err < 0)
		return err;
	mod->visited = true;

	deps = kmod_module_get_dependencies(mod);

	/* Mark the hard dependencies before any softdep can reach them, so that
	 * their failures are never mistaken for softdep-only ones. */
	if (required) {
		mod->required = true;
		kmod_list_foreach (l, deps) {
			struct kmod_module *m = l->data;

			err = plan_touch(plan, m);
			if (err < 0)
				goto out;
			m->required = true;
		}
	}

	kmod_list_foreach (l, deps) {
		err = plan_add_with_softdeps(plan, l->data);
		if (err < 0)
			goto out;
	}

	if (ignorecmd) {
		err = plan_append(plan, mod);
		if (err < 0)
			goto out;
		mod->ignorecmd = true;
	} else {
		err = plan_add_with_softdeps(plan, mod);
	}

out:
	kmod_module_unref_list(deps);
	return err;
}

static bool module_in_kernel(const struct kmod_module *mod)
{
	int state = kmod_module_get_initstate(mod);

	return state == KMOD_MODULE_LIVE || state == KMOD_MODULE_BUILTIN;
}

/*
 * Config options, then (for the probe target) the caller's extra options, joined
 * by one space. kmod's quirk is kept: with options and no extra the result ends in
 * a space. *out is NULL when there is neither.
 */
static int options_concat(const char *options, const char *extra, char **out)
{
	size_t olen = options != NULL ? strlen(options) : 0;
	size_t xlen = extra != NULL ? strlen(extra) : 0;
	char *r;

	if (olen == 0 && xlen == 0) {
		*out = NULL;
		return 0;
	}
	r = malloc(olen + xlen + 2);
	if (r == NULL)
		return -ENOMEM;
	if (olen > 0) {
		memcpy(r, options, olen);
		r[olen++] = ' ';
	}
	if (xlen > 0)
		memcpy(r + olen, extra, xlen);
	r[olen + xlen] = '\0';
	*out = r;
	return 0;
}

/* Which blacklist rule stops mod: the flag value to return, or 0. */
static int probe_blacklist_reason(const struct kmod_module *mod, unsigned int flags)
{
	int reason;

	if (mod->alias != NULL && (flags & KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY))
		reason = KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY;
	else if (flags & KMOD_PROBE_APPLY_BLACKLIST_ALL)
		reason = KMOD_PROBE_APPLY_BLACKLIST_ALL;
	else if (flags & KMOD_PROBE_APPLY_BLACKLIST)
		reason = KMOD_PROBE_APPLY_BLACKLIST;
	else
		return 0;

	return module_is_blacklisted(mod) ? reason : 0;
}

KMOD_EXPORT int kmod_module_probe_insert_module(
	struct kmod_module *mod, unsigned int flags, const char *extra_options,
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data),
	const void *data,
	void (*print_action)(struct kmod_module *m, bool install, const char *options))
{
	struct probe_plan plan = { 0 };
	struct kmod_list *l;
	int err, reason;

	if (mod == NULL)
		return -ENOENT;

	if (!(flags & KMOD_PROBE_IGNORE_LOADED) && module_in_kernel(mod))
		return (flags & KMOD_PROBE_FAIL_ON_LOADED) ? -EEXIST : 0;

	reason = probe_blacklist_reason(mod, flags);
	if (reason != 0)
		return reason;

	array_init(&plan.touched, 16);
	err = plan_add(&plan, mod, true, !!(flags & KMOD_PROBE_IGNORE_COMMAND));
	if (err < 0)
		goto out;

	if (flags & KMOD_PROBE_APPLY_BLACKLIST_ALL) {
		struct kmod_list *filtered = NULL;

		err = kmod_module_apply_filter(mod->ctx, KMOD_FILTER_BLACKLIST, plan.list,
					       &filtered);
		if (err < 0)
			goto out;
		kmod_module_unref_list(plan.list);
		plan.list = filtered;
		if (filtered == NULL) {
			err = KMOD_PROBE_APPLY_BLACKLIST_ALL;
			goto out;
		}
	}

	kmod_list_foreach (l, plan.list) {
		struct kmod_module *m = l->data;

		if (!(flags & KMOD_PROBE_IGNORE_LOADED) && module_in_kernel(m)) {
			err = -EEXIST;
		} else {
			const char *cmd = kmod_module_get_install_commands(m);
			_cleanup_free_ char *options = NULL;
			bool install = cmd != NULL && !m->ignorecmd;

			err = options_concat(kmod_module_get_options(m),
					     m == mod ? extra_options : NULL, &options);
			if (err < 0)
				break;
			if (print_action != NULL)
				print_action(m, install, options != NULL ? options : "");

			if (!(flags & KMOD_PROBE_DRY_RUN)) {
				if (install)
					err = module_do_install_commands(m, options,
									 run_install,
									 (void *)data);
				else
					err = kmod_module_insert_module(m, flags,
									options);
			}
		}

		/* The target already being there is what FAIL_ON_LOADED is about. */
		if (err == -EEXIST && m == mod && (flags & KMOD_PROBE_FAIL_ON_LOADED))
			break;
		/* A dependency loaded meanwhile is fine; softdep-only modules may fail. */
		if (err == -EEXIST || !m->required)
			err = 0;
		else if (err < 0)
			break;
	}

out:
	plan_release(&plan);
	return err;
}
