// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe --closure: the files an initramfs needs to load some modules.
 *
 * From each operand the walk follows what modprobe could load for it: hard
 * dependencies (modules.dep), softdep pre and post modules, and weakdep modules,
 * each of those again in the same way. Every module reached contributes its file
 * and the firmware files named by its "firmware" modinfo entries, looked up the way
 * the kernel's firmware loader does. Builtin modules have no file: they are noted
 * and skipped, but the firmware they name (modules.builtin.modinfo) is included. Blacklists and install commands are not
 * applied: the closure is what loading could need, not what one load would do.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "json.h"
#include "kmod.h"
#include "libkmod.h"
#include "lib/array.h"
#include "lib/hash.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "lib/util.h"
#include "log.h"
#include "modprobe-closure.h"

/* One module reached by the walk; kept once per name for the whole run. */
struct cmod {
	char *path; /* module file; NULL when builtin or without a file */
	bool builtin;
	bool file_missing; /* modules.dep names a file that is not there */
	bool no_file; /* neither a file nor builtin */
	struct array firmware; /* char *: its firmware names, modinfo order */
	char name[];
};

/* One firmware name, looked up once: path is NULL when no directory has it. */
struct cfw {
	char *path;
	char name[];
};

struct closure {
	struct kmod_ctx *ctx;
	struct hash *mods; /* name -> struct cmod */
	struct hash *fw; /* firmware name -> struct cfw */
	char *fwdirs[5];
	size_t n_fwdirs;
	/* modules whose dependency list could not be made whole (a file missing) */
	unsigned int incomplete;
};

/* A zeroed record of size bytes whose flexible name member (at name_off) holds name. */
static void *record_new(size_t size, size_t name_off, const char *name)
{
	size_t len = strlen(name);
	char *r = calloc(1, size + len + 1);

	if (r != NULL)
		memcpy(r + name_off, name, len + 1);
	return r;
}

static void cmod_free(void *p)
{
	struct cmod *m = p;

	for (size_t i = 0; i < m->firmware.count; i++)
		free(m->firmware.array[i]);
	array_free_array(&m->firmware);
	free(m->path);
	free(m);
}

static void cfw_free(void *p)
{
	struct cfw *f = p;

	free(f->path);
	free(f);
}

static int strptrcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmodcmp(const void *a, const void *b)
{
	const struct cmod *x = *(const struct cmod *const *)a;
	const struct cmod *y = *(const struct cmod *const *)b;

	return strcmp(x->name, y->name);
}

/*
 * Library messages during the walk: shown as usual, and an error among them (a
 * dependency whose file is missing, an unreadable index) makes the closure
 * incomplete, so the exit status says so. data, when not NULL, counts them (an
 * unsigned int of modprobe_closure()'s). The walk also sees a missing dependency
 * by itself (struct closure's incomplete), so that a library built without its
 * messages (-Dlogging=false) gives the same exit status.
 */
static void closure_log(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	char *text = NULL;

	if (priority <= LOG_ERR && data != NULL)
		(*(unsigned int *)data)++;
	if (vasprintf(&text, format, args) < 0)
		return;
	log_printf(priority, "%s", text);
	free(text);
}

/* ---- firmware ---------------------------------------------------------------- */

/*
 * The value of the last "path=" word of firmware_class's options (modprobe.d, and
 * the kernel command line's firmware_class.path=), quotes removed; NULL if none.
 */
static char *firmware_class_path(struct kmod_ctx *ctx)
{
	struct kmod_config_iter *iter = kmod_config_get_options(ctx);
	char *found = NULL;

	if (iter == NULL)
		return NULL;
	while (kmod_config_iter_next(iter)) {
		const char *key = kmod_config_iter_get_key(iter);
		const char *p = kmod_config_iter_get_value(iter);

		if (key == NULL || p == NULL || !streq(key, "firmware_class"))
			continue;
		while (*p != '\0') {
			const char *start, *end;
			bool quoted = false;

			while (*p == ' ' || *p == '\t')
				p++;
			start = p;
			while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t'))) {
				if (*p == '"')
					quoted = !quoted;
				p++;
			}
			end = p;
			if (strncmp(start, "path=", 5) != 0)
				continue;
			start += 5;
			if (end > start && *start == '"') {
				start++;
				if (end > start && end[-1] == '"')
					end--;
			}
			free(found);
			found = strndup(start, end - start);
		}
	}
	kmod_config_iter_free_iter(iter);
	if (found != NULL && found[0] == '\0') {
		free(found);
		found = NULL;
	}
	return found;
}

/*
 * The kernel's search list (drivers/base/firmware_loader): the firmware_class.path
 * directory if set, then /lib/firmware/updates/<release>, /lib/firmware/updates,
 * /lib/firmware/<release>, /lib/firmware; all under the -d root.
 */
static int firmware_dirs(struct closure *cl, const char *root, const char *kversion)
{
	_cleanup_free_ char *custom = firmware_class_path(cl->ctx);
	const char *r = root != NULL ? root : "";
	int n;

	if (custom != NULL) {
		if (asprintf(&cl->fwdirs[cl->n_fwdirs], "%s%s", r, custom) < 0)
			return -ENOMEM;
		cl->n_fwdirs++;
	}
	n = asprintf(&cl->fwdirs[cl->n_fwdirs++], "%s/lib/firmware/updates/%s", r,
		     kversion);
	if (n >= 0)
		n = asprintf(&cl->fwdirs[cl->n_fwdirs++], "%s/lib/firmware/updates", r);
	if (n >= 0)
		n = asprintf(&cl->fwdirs[cl->n_fwdirs++], "%s/lib/firmware/%s", r,
			     kversion);
	if (n >= 0)
		n = asprintf(&cl->fwdirs[cl->n_fwdirs++], "%s/lib/firmware", r);
	if (n < 0) {
		cl->fwdirs[--cl->n_fwdirs] = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * As the kernel tries them: the plain name in every directory, then name.zst in
 * every directory, then name.xz. The first regular file (after symlinks) wins.
 */
static int firmware_find(struct closure *cl, const char *name, char **path)
{
	static const char *const suffixes[] = { "", ".zst", ".xz" };

	*path = NULL;
	for (size_t s = 0; s < ARRAY_SIZE(suffixes); s++) {
		for (size_t d = 0; d < cl->n_fwdirs; d++) {
			char *p;
			struct stat st;

			if (asprintf(&p, "%s/%s%s", cl->fwdirs[d], name, suffixes[s]) < 0)
				return -ENOMEM;
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				*path = p;
				return 0;
			}
			free(p);
		}
	}
	return 0;
}

static struct cfw *firmware_get(struct closure *cl, const char *name)
{
	struct cfw *f = hash_find(cl->fw, name);

	if (f != NULL)
		return f;
	f = record_new(sizeof(*f), offsetof(struct cfw, name), name);
	if (f == NULL)
		return NULL;
	if (firmware_find(cl, name, &f->path) < 0 || hash_add(cl->fw, f->name, f) < 0) {
		cfw_free(f);
		return NULL;
	}
	return f;
}

/* ---- modules ------------------------------------------------------------------- */

static int cmod_read_firmware(struct cmod *cm, struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	int r = kmod_module_get_info(mod, &info);

	if (r < 0) {
		ERR("could not read the modinfo of %s: %s\n", cm->name, strerror(-r));
		return r;
	}
	kmod_list_foreach (l, info) {
		char *v;

		if (!streq(kmod_module_info_get_key(l), "firmware"))
			continue;
		v = strdup(kmod_module_info_get_value(l));
		if (v == NULL || array_append(&cm->firmware, v) < 0) {
			free(v);
			r = -ENOMEM;
			break;
		}
	}
	kmod_module_info_free_list(info);
	return r < 0 ? r : 0;
}

/* The record of mod, made the first time the walk reaches it. */
static struct cmod *cmod_get(struct closure *cl, struct kmod_module *mod)
{
	const char *name = kmod_module_get_name(mod);
	const char *path;
	struct cmod *cm = hash_find(cl->mods, name);
	struct stat st;

	if (cm != NULL)
		return cm;
	cm = record_new(sizeof(*cm), offsetof(struct cmod, name), name);
	if (cm == NULL)
		return NULL;
	array_init(&cm->firmware, 4);
	if (hash_add(cl->mods, cm->name, cm) < 0) {
		cmod_free(cm);
		return NULL;
	}

	path = kmod_module_get_path(mod);
	if (path == NULL) {
		if (kmod_module_get_initstate(mod) != KMOD_MODULE_BUILTIN) {
			cm->no_file = true;
			return cm;
		}
		/* no file to copy, but its driver may still ask for firmware */
		cm->builtin = true;
		return cmod_read_firmware(cm, mod) == -ENOMEM ? NULL : cm;
	}
	cm->path = strdup(path);
	if (cm->path == NULL)
		return NULL;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		cm->file_missing = true;
		return cm;
	}
	if (cmod_read_firmware(cm, mod) == -ENOMEM)
		return NULL;
	return cm;
}

/* Takes the references of list's modules onto the stack and frees the list. */
static int push_list(struct array *stack, struct kmod_list *list)
{
	struct kmod_list *l;
	int r = 0;

	kmod_list_foreach (l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		if (array_append(stack, m) < 0) {
			kmod_module_unref(m);
			r = -ENOMEM;
		}
	}
	kmod_module_unref_list(list);
	return r;
}

/*
 * Adds to visited (name -> struct cmod, not owned) every module reachable from
 * start. Takes start's reference.
 */
static int closure_walk(struct closure *cl, struct hash *visited,
			struct kmod_module *start)
{
	struct array stack;
	int r = 0;

	array_init(&stack, 16);
	if (array_append(&stack, start) < 0) {
		kmod_module_unref(start);
		return -ENOMEM;
	}
	while (stack.count > 0) {
		struct kmod_module *m = stack.array[stack.count - 1];
		struct kmod_list *deps, *pre = NULL, *post = NULL, *weak = NULL;
		struct cmod *cm;
		int d;

		array_pop(&stack);
		if (r < 0 || hash_find(visited, kmod_module_get_name(m)) != NULL) {
			kmod_module_unref(m);
			continue;
		}
		cm = cmod_get(cl, m);
		if (cm == NULL || hash_add(visited, cm->name, cm) < 0) {
			kmod_module_unref(m);
			r = -ENOMEM;
			continue;
		}
		d = module_get_dependencies(m, &deps);
		if (d == -ENOMEM || push_list(&stack, deps) < 0)
			r = -ENOMEM;
		else if (d < 0)
			cl->incomplete++;
		if (kmod_module_get_softdeps(m, &pre, &post) == 0) {
			if (push_list(&stack, pre) < 0 || push_list(&stack, post) < 0)
				r = -ENOMEM;
		}
		if (kmod_module_get_weakdeps(m, &weak) == 0 &&
		    push_list(&stack, weak) < 0)
			r = -ENOMEM;
		kmod_module_unref(m);
	}
	array_free_array(&stack);
	return r;
}

/*
 * Walks from what an operand names: a module file for "/..." and "./..." (as
 * modprobe takes them), otherwise the modules a name or alias resolves to.
 * -ENOENT when it names nothing.
 */
static int closure_operand(struct closure *cl, struct hash *visited, const char *arg)
{
	struct kmod_list *list = NULL, *l;
	int r, ret = 0;

	if (strncmp(arg, "/", 1) == 0 || strncmp(arg, "./", 2) == 0) {
		struct kmod_module *mod;

		r = kmod_module_new_from_path(cl->ctx, arg, &mod);
		if (r < 0) {
			ERR("Failed to get module from path %s: %s\n", arg, strerror(-r));
			return -ENOENT;
		}
		return closure_walk(cl, visited, mod);
	}
	r = kmod_module_new_from_lookup(cl->ctx, arg, &list);
	if (r < 0 || list == NULL) {
		ERR("Module %s not found in directory %s\n", arg,
		    kmod_get_dirname(cl->ctx));
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		r = closure_walk(cl, visited, kmod_module_get_module(l));
		if (r < 0)
			ret = r;
	}
	kmod_module_unref_list(list);
	return ret;
}

/* The visited modules sorted by name (pointers into the records). */
static int sorted_modules(struct hash *visited, struct array *out)
{
	struct hash_iter it;
	const char *key;
	const void *value;

	array_init(out, 64);
	hash_iter_init(visited, &it);
	while (hash_iter_next(&it, &key, &value)) {
		if (array_append(out, value) < 0) {
			array_free_array(out);
			return -ENOMEM;
		}
	}
	if (out->count > 1)
		array_sort(out, cmodcmp);
	return 0;
}

/*
 * Messages about the modules of the closure, by module name: a missing file or no
 * file at all (errors), builtin (a notice), firmware not found (warnings, in the
 * module's modinfo order). Returns -ENOENT when a module cannot be had.
 */
static int report_modules(struct closure *cl, const struct array *mods)
{
	int r = 0;

	for (size_t i = 0; i < mods->count; i++) {
		const struct cmod *cm = mods->array[i];

		if (cm->builtin)
			NOTICE("Module %s is builtin\n", cm->name);
		if (cm->no_file) {
			ERR("Module %s has no file and is not builtin\n", cm->name);
			r = -ENOENT;
		}
		if (cm->file_missing) {
			ERR("Module %s: file %s not found\n", cm->name, cm->path);
			r = -ENOENT;
		}
		for (size_t k = 0; k < cm->firmware.count; k++) {
			const struct cfw *f = firmware_get(cl, cm->firmware.array[k]);

			if (f == NULL)
				return -ENOMEM;
			if (f->path == NULL)
				WRN("Module %s: firmware %s not found\n", cm->name,
				    f->name);
		}
	}
	return r;
}

/* Every file of the closure: module files and firmware found, sorted, unique. */
static int closure_files(struct closure *cl, const struct array *mods,
			 struct array *files)
{
	size_t n = 0;

	array_init(files, 64);
	for (size_t i = 0; i < mods->count; i++) {
		const struct cmod *cm = mods->array[i];

		if (cm->path != NULL && !cm->file_missing &&
		    array_append(files, cm->path) < 0)
			goto oom;
		for (size_t k = 0; k < cm->firmware.count; k++) {
			const struct cfw *f = firmware_get(cl, cm->firmware.array[k]);

			if (f == NULL)
				goto oom;
			if (f->path != NULL && array_append(files, f->path) < 0)
				goto oom;
		}
	}
	if (files->count > 1)
		array_sort(files, strptrcmp);
	for (size_t i = 0; i < files->count; i++) {
		if (n > 0 && streq(files->array[n - 1], files->array[i]))
			continue;
		files->array[n++] = files->array[i];
	}
	files->count = n;
	return 0;
oom:
	array_free_array(files);
	return -ENOMEM;
}

static void json_files(struct json_writer *w, const struct array *files)
{
	json_key(w, "files");
	json_array_begin(w);
	for (size_t i = 0; i < files->count; i++)
		json_string(w, files->array[i]);
	json_array_end(w);
}

/*
 * One operand's closure: {"argument", "found", "modules": [{"name", "path",
 * "builtin"}], "firmware": [{"name", "module", "path"}], "files": [...]}.
 */
static int json_operand(struct closure *cl, struct json_writer *w, const char *arg,
			bool found, struct hash *own)
{
	struct array mods, files;
	int r = sorted_modules(own, &mods);

	if (r < 0)
		return r;
	r = closure_files(cl, &mods, &files);
	if (r < 0) {
		array_free_array(&mods);
		return r;
	}
	json_object_begin(w);
	json_member_string(w, "argument", arg);
	json_member_bool(w, "found", found);
	json_key(w, "modules");
	json_array_begin(w);
	for (size_t i = 0; i < mods.count; i++) {
		const struct cmod *cm = mods.array[i];

		json_object_begin(w);
		json_member_string(w, "name", cm->name);
		json_member_string(w, "path", cm->file_missing ? NULL : cm->path);
		json_member_bool(w, "builtin", cm->builtin);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "firmware");
	json_array_begin(w);
	for (size_t i = 0; i < mods.count; i++) {
		const struct cmod *cm = mods.array[i];

		for (size_t k = 0; k < cm->firmware.count; k++) {
			const struct cfw *f = firmware_get(cl, cm->firmware.array[k]);

			if (f == NULL) {
				r = -ENOMEM;
				break;
			}
			json_object_begin(w);
			json_member_string(w, "name", f->name);
			json_member_string(w, "module", cm->name);
			json_member_string(w, "path", f->path);
			json_object_end(w);
		}
	}
	json_array_end(w);
	json_files(w, &files);
	json_object_end(w);
	array_free_array(&files);
	array_free_array(&mods);
	return r;
}

/* --json: each operand walked on its own, then merged into the whole. */
static int closure_operand_json(struct closure *cl, struct json_writer *w,
				struct hash *visited, const char *arg)
{
	struct hash *own = hash_new(64, NULL);
	struct hash_iter it;
	const char *key;
	const void *value;
	int r, ret;

	if (own == NULL)
		return -ENOMEM;
	ret = closure_operand(cl, own, arg);
	r = json_operand(cl, w, arg, ret != -ENOENT, own);
	if (r < 0)
		ret = r;
	hash_iter_init(own, &it);
	while (hash_iter_next(&it, &key, &value)) {
		if (hash_add(visited, key, value) < 0)
			ret = -ENOMEM;
	}
	hash_free(own);
	return ret;
}

/* Walks every operand; stops at out-of-memory. Returns the last failure, or 0. */
static int closure_walk_all(struct closure *cl, struct json_writer *w,
			    struct hash *visited, char **args, int nargs)
{
	int ret = 0;

	for (int i = 0; i < nargs && ret != -ENOMEM; i++) {
		int r = w != NULL ? closure_operand_json(cl, w, visited, args[i]) :
				    closure_operand(cl, visited, args[i]);

		if (r < 0)
			ret = r;
	}
	return ret;
}

/*
 * The whole closure: its modules reported, then its files printed (with --json,
 * the "results" array ended and the "files" member). ret is the walk's result;
 * returns it, or the first failure here.
 */
static int closure_print(struct closure *cl, struct json_writer *w, struct hash *visited,
			 int ret)
{
	struct array mods = { 0 }, files = { 0 };
	int r = sorted_modules(visited, &mods);

	if (r == 0)
		r = report_modules(cl, &mods);
	if (r < 0 && ret == 0)
		ret = r;
	if (r != -ENOMEM) {
		r = closure_files(cl, &mods, &files);
		if (r < 0)
			ret = r;
	}
	if (r >= 0 && w != NULL) {
		json_array_end(w);
		json_files(w, &files);
	} else if (r >= 0) {
		for (size_t i = 0; i < files.count; i++)
			printf("%s\n", (const char *)files.array[i]);
	}
	array_free_array(&files);
	array_free_array(&mods);
	return ret;
}

static void closure_json_begin(struct json_writer *w)
{
	json_document_begin(w, stdout, "modprobe");
	json_member_string(w, "mode", "closure");
	json_key(w, "results");
	json_array_begin(w);
}

int modprobe_closure(struct kmod_ctx *ctx, const struct closure_opts *opts, char **args,
		     int nargs)
{
	struct json_writer doc, *w = NULL;
	struct closure cl = { .ctx = ctx };
	const char *kversion = opts->kversion;
	unsigned int library_errors = 0;
	struct hash *visited;
	struct utsname u;
	int ret = 0;

	ret = tool_kversion(&kversion, &u);
	if (ret < 0)
		return ret;
	cl.mods = hash_new(256, cmod_free);
	cl.fw = hash_new(64, cfw_free);
	visited = hash_new(256, NULL);
	if (cl.mods == NULL || cl.fw == NULL || visited == NULL)
		ret = -ENOMEM;
	if (ret == 0) {
		kmod_set_log_fn(ctx, closure_log, &library_errors);
		ret = firmware_dirs(&cl, opts->root, kversion);
	}
	if (ret == 0) {
		if (opts->json)
			closure_json_begin(w = &doc);
		ret = closure_walk_all(&cl, w, visited, args, nargs);
		if (ret != -ENOMEM)
			ret = closure_print(&cl, w, visited, ret);
		if (ret == 0 && (library_errors > 0 || cl.incomplete > 0))
			ret = -EIO;
	}
	if (ret == -ENOMEM)
		ERR("out of memory\n");
	if (w != NULL && json_finish(w) < 0 && ret == 0)
		ret = -EIO;
	hash_free(visited);
	hash_free(cl.mods);
	hash_free(cl.fw);
	for (size_t i = 0; i < cl.n_fwdirs; i++)
		free(cl.fwdirs[i]);
	kmod_set_log_fn(ctx, closure_log, NULL); /* library_errors goes out of scope */
	return ret;
}
