// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod check: is every loaded module still the file modprobe would load now?
 *
 * For each module of /proc/modules the file is the one modules.dep names in the
 * module directory (what modprobe would insert for that name). Two identities are
 * compared, each when both sides have it:
 *
 *  - the build ID: /sys/module/M/notes/.note.gnu.build-id (the note section as
 *    loaded; the kernel makes a notes/ file per SHF_ALLOC note section) against
 *    the file's .note.gnu.build-id section, NT_GNU_BUILD_ID note of owner "GNU";
 *  - srcversion: /sys/module/M/srcversion against .modinfo srcversion=.
 *
 * A side that has an identity the other lacks is a difference too, except a build
 * ID the kernel does not show because it has no notes/ directory at all. The
 * kernel keeps no path of a loaded module, so a module inserted from elsewhere
 * (insmod /tmp/x.ko) is only recognisable as such when the module directory has no
 * module of that name ("not-indexed"); when it has one, that file is compared.
 *
 * Statuses: ok, changed (an identity differs), missing (modules.dep names a file
 * that is gone), not-indexed (no such module in modules.dep), unknown (nothing to
 * compare), error (the file cannot be read). Exit status 0 when every module is
 * ok, 1 otherwise. docs/tools.md is kmod's; this command is modkit's own (kmod(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "json.h"
#include "lib/file.h"
#include "lib/regfile.h"
#include "lib/util.h"
#include "log.h"
#include "options.h"

#define BUILD_ID_MAX 64 /* bytes; GNU ld writes 20 (sha1) or 16 (md5/uuid) */
#define NOTES_MAX 65536 /* a module's whole note section, as sysfs shows it */

enum check_status {
	CHECK_OK,
	CHECK_CHANGED,
	CHECK_MISSING,
	CHECK_NOT_INDEXED,
	CHECK_UNKNOWN,
	CHECK_ERROR,
};

static const char *const status_names[] = {
	[CHECK_OK] = "ok",	     [CHECK_CHANGED] = "changed",
	[CHECK_MISSING] = "missing", [CHECK_NOT_INDEXED] = "not-indexed",
	[CHECK_UNKNOWN] = "unknown", [CHECK_ERROR] = "error",
};

/* The identities of one side (loaded module or file), as text. */
struct identity {
	bool has_build_id;
	char build_id[2 * BUILD_ID_MAX + 1]; /* lower-case hex */
	bool has_srcversion;
	char srcversion[64];
};

struct check_result {
	enum check_status status;
	const char *path; /* the file, NULL when not indexed */
	struct identity loaded, file;
	bool file_read; /* file holds what was found */
	char detail[PATH_MAX + 256];
};

/* ---- notes and ELF ------------------------------------------------------------- */

static uint32_t get_u32(const uint8_t *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
			       p[3] :
		     (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
			       p[0];
}

static uint64_t get_u64(const uint8_t *p, bool big)
{
	uint64_t hi = get_u32(p + (big ? 0 : 4), big),
		 lo = get_u32(p + (big ? 4 : 0), big);

	return hi << 32 | lo;
}

static uint16_t get_u16(const uint8_t *p, bool big)
{
	return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/*
 * The GNU build ID among the notes of a note section (Elf_Nhdr: namesz, descsz,
 * type, then name and descriptor, each padded to 4 bytes), into id as hex.
 */
static bool notes_build_id(const uint8_t *p, size_t len, bool big, struct identity *id)
{
	size_t off = 0;

	while (len - off >= 12) {
		uint32_t namesz = get_u32(p + off, big),
			 descsz = get_u32(p + off + 4, big);
		uint32_t type = get_u32(p + off + 8, big);
		size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
		size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
		const uint8_t *name = p + off + 12, *desc = name + name_pad;

		if (name_pad > len - off - 12 || desc_pad > len - off - 12 - name_pad)
			return false;
		if (type == 3 && namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
		    descsz > 0 && descsz <= BUILD_ID_MAX) {
			for (uint32_t i = 0; i < descsz; i++)
				snprintf(id->build_id + 2 * i, 3, "%02x", desc[i]);
			id->has_build_id = true;
			return true;
		}
		off += 12 + name_pad + desc_pad;
	}
	return false;
}

/* The bytes of section `name` of an ELF image (bounds-checked), or NULL. */
static const uint8_t *elf_section(const uint8_t *img, size_t size, const char *name,
				  size_t *len, bool *big)
{
	bool is64;
	uint64_t shoff, off, sz, str_off, str_size;
	size_t shentsize, shnum, shstrndx, namelen = strlen(name);
	const uint8_t *sh;

	if (size < 52 ||
	    memcmp(img,
		   "\x7f"
		   "ELF",
		   4) != 0 ||
	    (img[4] != 1 && img[4] != 2) || (img[5] != 1 && img[5] != 2))
		return NULL;
	is64 = img[4] == 2;
	*big = img[5] == 2;
	if (is64 && size < 64)
		return NULL;
	shoff = is64 ? get_u64(img + 0x28, *big) : get_u32(img + 0x20, *big);
	shentsize = get_u16(img + (is64 ? 0x3a : 0x2e), *big);
	shnum = get_u16(img + (is64 ? 0x3c : 0x30), *big);
	shstrndx = get_u16(img + (is64 ? 0x3e : 0x32), *big);
	if (shentsize < (is64 ? 64u : 40u) || shstrndx >= shnum || shoff > size ||
	    shnum > (size - shoff) / shentsize)
		return NULL;
	sh = img + shoff + shstrndx * shentsize;
	str_off = is64 ? get_u64(sh + 0x18, *big) : get_u32(sh + 0x10, *big);
	str_size = is64 ? get_u64(sh + 0x20, *big) : get_u32(sh + 0x14, *big);
	if (str_off > size || str_size > size - str_off)
		return NULL;
	for (size_t i = 1; i < shnum; i++) {
		uint32_t name_off;

		sh = img + shoff + i * shentsize;
		name_off = get_u32(sh, *big);
		if (name_off >= str_size || str_size - name_off <= namelen ||
		    memcmp(img + str_off + name_off, name, namelen + 1) != 0)
			continue;
		off = is64 ? get_u64(sh + 0x18, *big) : get_u32(sh + 0x10, *big);
		sz = is64 ? get_u64(sh + 0x20, *big) : get_u32(sh + 0x14, *big);
		if (off > size || sz > size - off)
			return NULL;
		*len = (size_t)sz;
		return img + off;
	}
	return NULL;
}

/* srcversion= of the .modinfo section */
static void modinfo_srcversion(const uint8_t *p, size_t len, struct identity *id)
{
	static const char key[] = "srcversion=";
	size_t i = 0;

	while (i < len) {
		const uint8_t *end = memchr(p + i, '\0', len - i);
		size_t n = end != NULL ? (size_t)(end - p) - i : len - i;

		if (n > STRLEN(key) && memcmp(p + i, key, STRLEN(key)) == 0) {
			snprintf(id->srcversion, sizeof(id->srcversion), "%.*s",
				 (int)MIN(n - STRLEN(key), sizeof(id->srcversion)),
				 (const char *)p + i + STRLEN(key));
			id->has_srcversion = true;
			return;
		}
		i += n + 1;
	}
}

static int file_identity(const char *path, struct identity *id, const char **why)
{
	struct kmod_file *file = NULL;
	const uint8_t *img, *sec;
	size_t size, len = 0;
	bool big = false;
	int r = file_open(NULL, path, &file);

	if (r == 0)
		r = file_load_contents(file);
	if (r < 0) {
		*why = r == -ENOSYS ? "its decompressor is not available" : strerror(-r);
		file_free(file);
		return r;
	}
	img = file_get_contents(file);
	size = file_get_size(file);
	sec = elf_section(img, size, ".note.gnu.build-id", &len, &big);
	if (sec != NULL)
		notes_build_id(sec, len, big, id);
	sec = elf_section(img, size, ".modinfo", &len, &big);
	if (sec != NULL)
		modinfo_srcversion(sec, len, id);
	file_free(file);
	return 0;
}

/* ---- the loaded side ------------------------------------------------------------- */

/* Up to size bytes of path; buf holds size + 1 (read_str_safe() ends it with a NUL). */
static int read_small(const char *path, uint8_t *buf, size_t size, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read_str_safe(fd, (char *)buf, size + 1);
	if (r < 0)
		return (int)r;
	*len = (size_t)r;
	return 0;
}

/* Returns whether /sys/module/M/notes exists (the kernel shows notes at all). */
static bool loaded_identity(const char *name, struct identity *id)
{
	char path[PATH_MAX];
	_cleanup_free_ uint8_t *buf = malloc(NOTES_MAX + 1);
	struct stat st;
	size_t len = 0;
	bool notes;

	snprintf(path, sizeof(path), "/sys/module/%s/notes", name);
	notes = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id", name);
	/* the note as loaded: in the byte order of the running machine */
	if (buf != NULL && read_small(path, buf, NOTES_MAX, &len) == 0)
		notes_build_id(buf, len, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, id);

	snprintf(path, sizeof(path), "/sys/module/%s/srcversion", name);
	if (buf != NULL && read_small(path, buf, sizeof(id->srcversion) - 1, &len) == 0) {
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
			len--;
		memcpy(id->srcversion, buf, len);
		id->srcversion[len] = '\0';
		id->has_srcversion = len > 0;
	}
	return notes;
}

/* ---- one module --------------------------------------------------------------------- */

static void compare(struct check_result *res, bool notes_shown)
{
	const struct identity *l = &res->loaded, *f = &res->file;
	int compared = 0;

	if (l->has_build_id && f->has_build_id) {
		compared++;
		if (!streq(l->build_id, f->build_id)) {
			res->status = CHECK_CHANGED;
			snprintf(res->detail, sizeof(res->detail),
				 "build-id %s loaded, %s in %s", l->build_id, f->build_id,
				 res->path);
			return;
		}
	} else if (l->has_build_id || (f->has_build_id && notes_shown)) {
		res->status = CHECK_CHANGED;
		snprintf(res->detail, sizeof(res->detail), "build-id %s loaded, %s in %s",
			 l->has_build_id ? l->build_id : "(none)",
			 f->has_build_id ? f->build_id : "(none)", res->path);
		return;
	}
	if (l->has_srcversion || f->has_srcversion) {
		compared++;
		if (!l->has_srcversion || !f->has_srcversion ||
		    !streq(l->srcversion, f->srcversion)) {
			res->status = CHECK_CHANGED;
			snprintf(res->detail, sizeof(res->detail),
				 "srcversion %s loaded, %s in %s",
				 l->has_srcversion ? l->srcversion : "(none)",
				 f->has_srcversion ? f->srcversion : "(none)", res->path);
			return;
		}
	}
	if (compared == 0) {
		res->status = CHECK_UNKNOWN;
		snprintf(res->detail, sizeof(res->detail),
			 "neither a build-id nor a srcversion to compare with %s",
			 res->path);
		return;
	}
	res->status = CHECK_OK;
	snprintf(res->detail, sizeof(res->detail), "%s%s%s as %s",
		 l->has_build_id && f->has_build_id ? "build-id" : "",
		 compared == 2 ? " and " : "",
		 l->has_srcversion && f->has_srcversion ? "srcversion" : "", res->path);
}

static void check_module(struct kmod_module *mod, const char *moddir,
			 struct check_result *res)
{
	const char *name = kmod_module_get_name(mod), *why = NULL;
	bool notes_shown;
	struct stat st;

	memset(res, 0, sizeof(*res));
	res->path = kmod_module_get_path(mod);
	notes_shown = loaded_identity(name, &res->loaded);
	if (res->path == NULL) {
		res->status = CHECK_NOT_INDEXED;
		snprintf(
			res->detail, sizeof(res->detail),
			"no module of that name in %s/modules.dep (loaded from elsewhere, "
			"or its file removed and depmod run since)",
			moddir);
		return;
	}
	if (stat(res->path, &st) < 0 && errno == ENOENT) {
		res->status = CHECK_MISSING;
		snprintf(res->detail, sizeof(res->detail),
			 "%s, named in modules.dep, does not exist", res->path);
		return;
	}
	if (file_identity(res->path, &res->file, &why) < 0) {
		res->status = CHECK_ERROR;
		snprintf(res->detail, sizeof(res->detail), "cannot read %s: %s",
			 res->path, why);
		return;
	}
	res->file_read = true;
	compare(res, notes_shown);
}

/* ---- output ------------------------------------------------------------------------- */

static void json_identity(struct json_writer *w, const struct identity *id)
{
	json_object_begin(w);
	json_member_string(w, "build_id", id->has_build_id ? id->build_id : NULL);
	json_member_string(w, "srcversion", id->has_srcversion ? id->srcversion : NULL);
	json_object_end(w);
}

static void json_result(struct json_writer *w, const char *name,
			const struct check_result *res)
{
	json_object_begin(w);
	json_member_string(w, "name", name);
	json_member_string(w, "status", status_names[res->status]);
	json_member_string(w, "path", res->path);
	json_key(w, "loaded");
	json_identity(w, &res->loaded);
	json_key(w, "file");
	if (res->file_read)
		json_identity(w, &res->file);
	else
		json_null(w);
	json_member_string(w, "detail", res->detail);
	json_object_end(w);
}

static void help(void)
{
	printf("Usage:\n"
	       "\t%s check [options]\n\n"
	       "Compares every loaded module with the file modprobe would load now (its\n"
	       "build-id and srcversion) and lists those that differ: changed, missing,\n"
	       "not-indexed, unknown or error. Exit status 0 when all match, else 1.\n\n"
	       "Options:\n"
	       "\t-b, --basedir=DIR          root directory of the module tree\n"
	       "\t-k, --set-version=VERSION  kernel release instead of uname -r\n"
	       "\t-v, --verbose              also list the modules that match\n"
	       "\t    --json                 one JSON document with every loaded module\n"
	       "\t-h, --help                 print this help and exit\n",
	       program_invocation_short_name);
}

enum {
	OPT_JSON = 256
};

struct check_opts {
	struct tool_common common; /* -v: list the modules that match too */
	const char *root, *kversion;
	bool use_json;
};

static int check_option(int c, const char *arg, void *data)
{
	struct check_opts *o = data;

	switch (c) {
	case 'b':
		o->root = arg;
		return 0;
	case 'k':
		o->kversion = arg;
		return 0;
	case OPT_JSON:
		o->use_json = true;
		return 0;
	default:
		return OPTION_COMMON;
	}
}

/* Checks and shows every loaded module but the builtin ones; true when all match. */
static bool check_modules(const struct check_opts *o, struct kmod_list *list,
			  const char *moddir, struct json_writer *w)
{
	struct kmod_list *l;
	bool all_ok = true;

	kmod_list_foreach (l, list) {
		_cleanup_kmod_module_ struct kmod_module *mod = kmod_module_get_module(l);
		const char *name = kmod_module_get_name(mod);
		struct check_result res;

		/* a builtin module is part of the kernel image: no file to compare */
		if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN)
			continue;
		check_module(mod, moddir, &res);
		if (res.status != CHECK_OK)
			all_ok = false;
		if (w != NULL)
			json_result(w, name, &res);
		else if (o->common.verbose > 0 || res.status != CHECK_OK)
			printf("%s: %s: %s\n", name, status_names[res.status],
			       res.detail);
	}
	return all_ok;
}

/* Returns 1 (exit status 1, no error) when a module does not match. */
static int check_report(const struct check_opts *o, struct kmod_list *list,
			const char *moddir)
{
	struct json_writer w;
	bool all_ok;

	if (!o->use_json)
		return check_modules(o, list, moddir, NULL) ? 0 : 1;
	json_document_begin(&w, stdout, "check");
	json_member_string(&w, "module_directory", moddir);
	json_key(&w, "modules");
	json_array_begin(&w);
	all_ok = check_modules(o, list, moddir, &w);
	json_array_end(&w);
	json_member_bool(&w, "all_match", all_ok);
	if (json_finish(&w) < 0)
		return -EIO;
	return all_ok ? 0 : 1;
}

static int check_run(void *data, int nargs, char *args[])
{
	static const char *const null_config[] = { NULL };
	const struct check_opts *o = data;
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	_cleanup_kmod_list_ struct kmod_list *list = NULL;
	char moddir[PATH_MAX];
	int r;

	if (nargs > 0) {
		ERR("unexpected argument '%s'.\n", args[0]);
		return -EINVAL;
	}
	r = tool_module_dir(o->root, o->kversion, moddir);
	if (r < 0)
		return r;
	ctx = log_kmod_new(moddir, null_config, LOG_ERR);
	if (ctx == NULL)
		return -ENOMEM;
	r = kmod_module_new_from_loaded(ctx, &list);
	if (r < 0) {
		ERR("could not get the list of loaded modules: %s\n", strerror(-r));
		return r;
	}
	return check_report(o, list, moddir);
}

static int do_check(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "basedir", required_argument, NULL, 'b' },
		{ "set-version", required_argument, NULL, 'k' },
		OPTION_LONG_VERBOSE,
		{ "json", no_argument, NULL, OPT_JSON },
		OPTION_LONG_HELP,
		OPTION_LONG_END,
	};
	static const struct tool_spec spec = { "b:k:vh", longopts, check_option,
					       check_run };
	struct check_opts o = { .common = { .help = help } };

	return tool_main(argc, argv, &spec, &o.common, &o);
}

const struct kmod_cmd kmod_cmd_check = {
	.name = "check",
	.cmd = do_check,
	.help = "compare loaded modules with their files (build-id, srcversion)",
};
