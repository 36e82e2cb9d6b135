// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modinfo: print a module's .modinfo entries, signature and parameters
 * (tools.md 7). Library messages are not bridged: libkmod's default logger.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "hint.h"
#include "kmod.h"
#include "libkmod.h"
#include "lib/macro.h"
#include "lib/util.h"
#include "log.h"
#include "options.h"
#include "verify.h"

enum {
	OPT_JSON = 256,
	OPT_VERIFY = 0x300,
};

struct modinfo_opts {
	struct tool_common common;
	const char *field; /* -F and its shorthands; NULL: every field */
	char separator; /* '\n', or '\0' with -0 */
	bool modname, use_json;
	const char *kversion, *root;
	struct verify_opts verify; /* --verify (docs/signatures.md) */
};

/* What showing one module needs besides the options. */
struct modinfo_out {
	const struct modinfo_opts *o;
	struct kmod_ctx *ctx;
	struct verify_certs *certs; /* --verify: the certificates, loaded once */
	struct json_writer *json; /* --json: the document being written */
};

struct param {
	struct param *next;
	const char *name;
	size_t namelen;
	const char *param;
	size_t paramlen;
	const char *type;
	size_t typelen;
};

static void params_free(struct param *p)
{
	while (p != NULL) {
		struct param *next = p->next;

		free(p);
		p = next;
	}
}

/* New parameters go to the front: printed in reverse order of first appearance. */
static int params_add(struct param **head, const char *name, size_t namelen,
		      const char *param, size_t paramlen, const char *type,
		      size_t typelen)
{
	struct param *p;

	for (p = *head; p != NULL; p = p->next) {
		if (p->namelen == namelen && memcmp(p->name, name, namelen) == 0)
			break;
	}
	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		p->name = name;
		p->namelen = namelen;
		p->next = *head;
		*head = p;
	}
	if (param != NULL) {
		p->param = param;
		p->paramlen = paramlen;
	}
	if (type != NULL) {
		p->type = type;
		p->typelen = typelen;
	}
	return 0;
}

static void params_freep(struct param **p)
{
	params_free(*p);
}

static void info_list_freep(struct kmod_list **info)
{
	kmod_module_info_free_list(*info);
}

static bool is_param_key(const char *key)
{
	return streq(key, "parm") || streq(key, "parmtype");
}

/* A parm or parmtype entry ("name:text") into the list; a value without ':' is skipped. */
static int param_entry(struct param **head, const char *key, const char *value)
{
	bool is_parm = streq(key, "parm");
	const char *colon = strchr(value, ':');
	int r;

	if (colon == NULL) {
		ERR("Found invalid \"%s=%s\": missing ':'\n", key, value);
		return 0;
	}
	r = params_add(head, value, colon - value, is_parm ? colon + 1 : NULL,
		       strlen(colon + 1), is_parm ? NULL : colon + 1, strlen(colon + 1));
	if (r < 0)
		ERR("could not gather parameters: %s\n", strerror(-r));
	return r;
}

/*
 * The value starts in column 17. kmod passes the possibly negative width 15 - len to
 * "%-*s", and C reads a negative width as left-justified |width|: a key of 16+
 * characters gets len - 15 spaces (seen with Debian's kmod 30).
 */
static void print_field(const char *key, const char *value, char sep)
{
	int pad = 15 - (int)strlen(key);

	printf("%s:%*s%s%c", key, pad < 0 ? -pad : pad, "", value, sep);
}

/* With a field option (-F parm, -p) the lines have no "parm:" column. */
static void print_param(const struct param *p, const char *field, char sep)
{
	if (field == NULL)
		printf("%-16s", "parm:");
	if (p->param != NULL && p->type != NULL)
		printf("%.*s:%.*s (%.*s)%c", (int)p->namelen, p->name, (int)p->paramlen,
		       p->param, (int)p->typelen, p->type, sep);
	else if (p->param != NULL)
		printf("%.*s:%.*s%c", (int)p->namelen, p->name, (int)p->paramlen,
		       p->param, sep);
	else if (field != NULL)
		printf("%.*s: (%.*s)%c", (int)p->namelen, p->name, (int)p->typelen,
		       p->type, sep);
	else
		printf("%.*s:%.*s%c", (int)p->namelen, p->name, (int)p->typelen, p->type,
		       sep);
}

/* ---- --json (modinfo(8), "JSON OUTPUT") ---------------------------------------- */

struct info_entry {
	const char *key;
	const char *value;
};

static bool is_signature_key(const char *key)
{
	static const char *const keys[] = { "signer", "sig_key", "sig_hashalgo",
					    "signature" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (streq(key, keys[i]))
			return true;
	}
	return false;
}

/* A hex dump of the signature without the line breaks of the text layout. */
static void json_hex(struct json_writer *w, const char *value)
{
	_cleanup_free_ char *s = strdup(value);
	char *out = s;

	if (s == NULL) {
		json_string(w, value);
		return;
	}
	for (const char *p = value; *p != '\0'; p++) {
		if (*p != '\n' && *p != '\t')
			*out++ = *p;
	}
	*out = '\0';
	json_string(w, s);
}

static void json_signature(struct json_writer *w, const struct info_entry *e, size_t n)
{
	static const char *const keys[] = { "sig_id", "signer", "sig_key", "sig_hashalgo",
					    "signature" };

	if (n == 0) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const char *value = NULL;

		for (size_t i = 0; i < n; i++) {
			if (streq(e[i].key, keys[k]))
				value = e[i].value;
		}
		json_key(w, keys[k]);
		if (value != NULL &&
		    (streq(keys[k], "sig_key") || streq(keys[k], "signature")))
			json_hex(w, value);
		else
			json_string(w, value);
	}
	json_object_end(w);
}

/* Every key once, in order of first appearance, with all its values in order. */
static void json_fields(struct json_writer *w, const struct info_entry *e, size_t n)
{
	json_object_begin(w);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = streq(e[j].key, e[i].key);
		if (seen)
			continue;
		json_key(w, e[i].key);
		json_array_begin(w);
		for (size_t j = i; j < n; j++) {
			if (streq(e[j].key, e[i].key))
				json_string(w, e[j].value);
		}
		json_array_end(w);
	}
	json_object_end(w);
}

static struct param *params_reverse(struct param *params)
{
	struct param *rev = NULL;

	while (params != NULL) {
		struct param *next = params->next;

		params->next = rev;
		rev = params;
		params = next;
	}
	return rev;
}

/* Parameters in order of first appearance (the list holds them the other way round). */
static void json_params(struct json_writer *w, struct param **params)
{
	*params = params_reverse(*params);
	json_array_begin(w);
	for (struct param *p = *params; p != NULL; p = p->next) {
		json_object_begin(w);
		json_key(w, "name");
		json_string_len(w, p->name, p->namelen);
		json_key(w, "type");
		json_string_len(w, p->type, p->typelen);
		json_key(w, "description");
		json_string_len(w, p->param, p->paramlen);
		json_object_end(w);
	}
	json_array_end(w);
	*params = params_reverse(*params);
}

/* The info split into plain entries (*entries, caller frees) and parameters. */
static int json_gather(struct kmod_list *info, struct info_entry **entries, size_t *n,
		       struct param **params)
{
	struct kmod_list *l;
	size_t count = 0;

	kmod_list_foreach (l, info)
		count++;
	*entries = calloc(count + 1, sizeof(**entries));
	if (*entries == NULL) {
		ERR("could not gather parameters: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *value = kmod_module_info_get_value(l);

		if (is_param_key(key)) {
			int r = param_entry(params, key, value);

			if (r < 0)
				return r;
			continue;
		}
		(*entries)[*n].key = key;
		(*entries)[*n].value = value;
		(*n)++;
	}
	return 0;
}

/* The library appends the signature fields last, starting with sig_id. */
static size_t signature_start(const struct info_entry *entries, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		if (streq(entries[i - 1].key, "sig_id"))
			return i - 1;
		if (!is_signature_key(entries[i - 1].key))
			break;
	}
	return n;
}

static void json_module_info(struct json_writer *w, const struct info_entry *entries,
			     size_t n, struct param **params)
{
	size_t sig = signature_start(entries, n);

	json_key(w, "error");
	json_null(w);
	json_key(w, "fields");
	json_fields(w, entries, sig);
	json_key(w, "parameters");
	json_params(w, params);
	json_key(w, "signature");
	json_signature(w, entries + sig, n - sig);
}

/* A module whose info could not be read: the error and empty members. */
static void json_module_failed(struct json_writer *w, int err)
{
	json_member_string(w, "error", strerror(-err));
	json_key(w, "fields");
	json_object_begin(w);
	json_object_end(w);
	json_key(w, "parameters");
	json_array_begin(w);
	json_array_end(w);
	json_key(w, "signature");
	json_null(w);
}

static int modinfo_json_do(struct json_writer *w, struct kmod_module *mod)
{
	_cleanup_(info_list_freep) struct kmod_list *info = NULL;
	_cleanup_(params_freep) struct param *params = NULL;
	_cleanup_free_ struct info_entry *entries = NULL;
	const char *path = kmod_module_get_path(mod);
	size_t n = 0;
	int r;

	json_object_begin(w);
	json_member_string(w, "name", kmod_module_get_name(mod));
	json_member_string(w, "filename", path);
	json_member_bool(w, "builtin", path == NULL);
	r = kmod_module_get_info(mod, &info);
	if (r == -ENOENT && path == NULL)
		r = 0; /* no modules.builtin.modinfo: nothing more to say */
	if (r < 0)
		ERR("could not get modinfo from '%s': %s\n", kmod_module_get_name(mod),
		    strerror(-r));
	else
		r = json_gather(info, &entries, &n, &params);
	if (r < 0)
		json_module_failed(w, r);
	else
		json_module_info(w, entries, n, &params);
	json_object_end(w);
	return r;
}

/* ---- text ----------------------------------------------------------------------- */

/* -n (-F filename), and -F name of a builtin module: no info needed. */
static bool print_name_field(const struct modinfo_opts *o, struct kmod_module *mod)
{
	const char *path = kmod_module_get_path(mod);

	if (o->field != NULL && streq(o->field, "filename")) {
		printf("%s%c", path == NULL ? "(builtin)" : path, o->separator);
		return true;
	}
	if (o->field != NULL && streq(o->field, "name") && path == NULL) {
		printf("%s%c", kmod_module_get_name(mod), o->separator);
		return true;
	}
	return false;
}

/* The entries asked for; parameters go to *params instead when params is not NULL. */
static int print_info(const struct modinfo_opts *o, struct kmod_list *info,
		      struct param **params)
{
	struct kmod_list *l;

	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		bool is_param = params != NULL && is_param_key(key);
		const char *value;
		int r;

		/* Values are read only when printed: signature values are decoded
		 * (libcrypto loaded) on first read, which -F of another field avoids. */
		if (o->field != NULL && !streq(o->field, key) && !is_param)
			continue;
		value = kmod_module_info_get_value(l);
		if (is_param) {
			r = param_entry(params, key, value);
			if (r < 0)
				return r;
		} else if (o->field != NULL) {
			printf("%s%c", value, o->separator);
		} else if (o->separator == '\0') {
			printf("%s=%s%c", key, value, o->separator);
		} else {
			print_field(key, value, o->separator);
		}
	}
	return 0;
}

static int modinfo_do(const struct modinfo_out *out, struct kmod_module *mod)
{
	const struct modinfo_opts *o = out->o;
	_cleanup_(info_list_freep) struct kmod_list *info = NULL;
	_cleanup_(params_freep) struct param *params = NULL;
	const char *path = kmod_module_get_path(mod);
	bool want_params = o->field == NULL || streq(o->field, "parm");
	int r;

	if (out->json != NULL)
		return modinfo_json_do(out->json, mod);
	if (print_name_field(o, mod))
		return 0;
	/* name/filename come first, also when the info cannot be read (as kmod does) */
	if (o->field == NULL) {
		if (path == NULL)
			printf("%-16s%s%c", "name:", kmod_module_get_name(mod),
			       o->separator);
		printf("%-16s%s%c", "filename:", path == NULL ? "(builtin)" : path,
		       o->separator);
	}
	r = kmod_module_get_info(mod, &info);
	if (r == -ENOENT && path == NULL)
		return 0; /* no modules.builtin.modinfo: name and filename are all there is */
	if (r < 0) {
		fflush(stdout);
		ERR("could not get modinfo from '%s': %s\n", kmod_module_get_name(mod),
		    strerror(-r));
		return r;
	}
	r = print_info(o, info, want_params ? &params : NULL);
	if (r < 0)
		return r;
	/* --verify: after the signature fields, before the parameters */
	if (out->certs != NULL)
		r = verify_modinfo(out->certs, path, o->field, o->separator);
	for (struct param *p = want_params ? params : NULL; p != NULL; p = p->next)
		print_param(p, o->field, o->separator);
	return r;
}

/* ---- operands ------------------------------------------------------------------- */

static int modinfo_path_do(const struct modinfo_out *out, const char *path)
{
	_cleanup_kmod_module_ struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_path(out->ctx, path, &mod);

	if (r < 0) {
		ERR("Module file %s not found.\n", path);
		hint_insert_failed(out->ctx, path, r);
		return r;
	}
	return modinfo_do(out, mod);
}

static int modinfo_name_do(const struct modinfo_out *out, const char *name)
{
	_cleanup_kmod_module_ struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name_lookup(out->ctx, name, &mod);

	if (r < 0 || mod == NULL) {
		ERR("Module name %s not found.\n", name);
		hint_not_found(out->ctx, name);
		return r < 0 ? r : -ENOENT;
	}
	return modinfo_do(out, mod);
}

static int modinfo_alias_do(const struct modinfo_out *out, const char *alias)
{
	_cleanup_kmod_list_ struct kmod_list *list = NULL;
	struct kmod_list *l;
	int r = kmod_module_new_from_lookup(out->ctx, alias, &list);

	if (r < 0) {
		ERR("Module alias %s not found.\n", alias);
		return r;
	}
	if (list == NULL) {
		ERR("Module %s not found.\n", alias);
		hint_not_found(out->ctx, alias);
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		_cleanup_kmod_module_ struct kmod_module *mod = kmod_module_get_module(l);
		int err = modinfo_do(out, mod);

		if (err < 0)
			r = err;
	}
	return r;
}

static bool is_module_filename(const char *name)
{
	struct stat st;

	return stat(name, &st) == 0 && S_ISREG(st.st_mode) &&
	       path_ends_with_kmod_ext(name, strlen(name));
}

/* One operand, a member of "results" with --json. */
static int modinfo_arg(const struct modinfo_out *out, const char *name)
{
	int r;

	if (out->json != NULL) {
		json_object_begin(out->json);
		json_member_string(out->json, "argument", name);
		json_key(out->json, "modules");
		json_array_begin(out->json);
	}
	if (out->o->modname)
		r = modinfo_name_do(out, name);
	else if (is_module_filename(name))
		r = modinfo_path_do(out, name);
	else
		r = modinfo_alias_do(out, name);
	if (out->json != NULL) {
		json_array_end(out->json);
		json_object_end(out->json);
	}
	return r;
}

static void help(void)
{
	printf("Usage:\n"
	       "\t%s [options] <modulename|filename> [args]\n\n"
	       "Shows what a module file says about itself.\n\n"
	       "Options:\n"
	       "\t-a, --author             only the author\n"
	       "\t-d, --description        only the description\n"
	       "\t-l, --license            only the license\n"
	       "\t-p, --parameters         only the parameters\n"
	       "\t-n, --filename           only the file name\n"
	       "\t-0, --null               end lines with NUL instead of newline\n"
	       "\t-m, --modname            the operands are module names, not aliases\n"
	       "\t-F, --field=FIELD        only the values of FIELD\n"
	       "\t-k, --set-version=VERSION  kernel release instead of uname -r\n"
	       "\t-b, --basedir=DIR        root directory of the module tree\n"
	       "\t    --json               print a JSON document (schema in modinfo(8))\n"
	       "\t    --verify[=CERT,...]  add a verify: line checking the signature against\n"
	       "\t                         certificate files or directories (default: those\n"
	       "\t                         built into /boot/vmlinuz-VERSION); exit 1 unless good\n"
	       "\t-V, --version            print the version and exit\n"
	       "\t-h, --help               print this help and exit\n\n"
	       "On a terminal, a failure may end with a 'hint:' line (modinfo(8), HINTS).\n",
	       program_invocation_short_name);
}

static int modinfo_option(int c, const char *arg, void *data)
{
	/* the options that stand for one -F */
	static const struct {
		int c;
		const char *field;
	} shorthands[] = {
		{ 'a', "author" }, { 'd', "description" }, { 'l', "license" },
		{ 'p', "parm" },   { 'n', "filename" },
	};
	struct modinfo_opts *o = data;

	for (size_t i = 0; i < ARRAY_SIZE(shorthands); i++) {
		if (c == shorthands[i].c) {
			o->field = shorthands[i].field;
			return 0;
		}
	}
	switch (c) {
	case 'F':
		o->field = arg;
		break;
	case '0':
		o->separator = '\0';
		break;
	case 'm':
		o->modname = true;
		break;
	case 'k':
		o->kversion = arg;
		break;
	case 'b':
		o->root = arg;
		break;
	case OPT_VERIFY:
		return verify_opts_add(&o->verify, arg);
	case OPT_JSON:
		o->use_json = true;
		break;
	default:
		return OPTION_COMMON;
	}
	return 0;
}

static int modinfo_check(const struct modinfo_opts *o, int nargs)
{
	if (nargs < 1) {
		ERR("missing module or filename.\n");
		return -EINVAL;
	}
	if (o->use_json && (o->field != NULL || o->separator != '\n')) {
		ERR("--json cannot be combined with -0 or a field option.\n");
		return -EINVAL;
	}
	if (o->use_json && o->verify.n > 0) {
		ERR("--json cannot be combined with --verify.\n");
		return -EINVAL;
	}
	return 0;
}

/* Library messages are not bridged: the context keeps libkmod's default logger. */
static struct kmod_ctx *modinfo_ctx(const struct modinfo_opts *o)
{
	static const char *const null_config[] = { NULL };
	char dirname[PATH_MAX];
	struct kmod_ctx *ctx;

	hint_set_options(o->root, "-b", NULL);
	if ((o->root != NULL || o->kversion != NULL) &&
	    tool_module_dir(o->root, o->kversion, dirname) < 0)
		return NULL;
	ctx = kmod_new(o->root != NULL || o->kversion != NULL ? dirname : NULL,
		       null_config);
	if (ctx == NULL)
		ERR("kmod_new() failed!\n");
	return ctx;
}

static int modinfo_run(void *data, int nargs, char *args[])
{
	const struct modinfo_opts *o = data;
	_cleanup_kmod_ctx_ struct kmod_ctx *ctx = NULL;
	_cleanup_verify_certs_ struct verify_certs *certs = NULL;
	struct modinfo_out out = { .o = o };
	struct json_writer w;
	int r = modinfo_check(o, nargs);

	if (r < 0)
		return r;
	ctx = modinfo_ctx(o);
	if (ctx == NULL)
		return -EINVAL;
	if (o->verify.n > 0) {
		r = verify_opts_load(&o->verify, o->root, o->kversion, &certs);
		if (r < 0)
			return r;
	}
	out.ctx = ctx;
	out.certs = certs;
	if (o->use_json) {
		out.json = &w;
		json_document_begin(&w, stdout, "modinfo");
		json_key(&w, "results");
		json_array_begin(&w);
	}
	for (int i = 0; i < nargs; i++) {
		if (modinfo_arg(&out, args[i]) < 0)
			r = -EINVAL;
	}
	if (out.json != NULL && json_finish(&w) < 0)
		r = -EIO;
	return r;
}

static int do_modinfo(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "author", no_argument, NULL, 'a' },
		{ "description", no_argument, NULL, 'd' },
		{ "license", no_argument, NULL, 'l' },
		{ "parameters", no_argument, NULL, 'p' },
		{ "filename", no_argument, NULL, 'n' },
		{ "null", no_argument, NULL, '0' },
		{ "modname", no_argument, NULL, 'm' },
		{ "field", required_argument, NULL, 'F' },
		{ "set-version", required_argument, NULL, 'k' },
		{ "basedir", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, OPT_JSON },
		OPTION_LONG_VERSION,
		OPTION_LONG_HELP,
		{ "verify", optional_argument, NULL, OPT_VERIFY },
		OPTION_LONG_END,
	};
	static const struct tool_spec spec = { "adlpn0mF:k:b:Vh", longopts,
					       modinfo_option, modinfo_run };
	struct modinfo_opts o = { .common = { .help = help }, .separator = '\n' };

	return tool_main(argc, argv, &spec, &o.common, &o);
}

const struct kmod_cmd kmod_cmd_compat_modinfo = {
	.name = "modinfo",
	.cmd = do_modinfo,
	.help = "compat modinfo command",
};
