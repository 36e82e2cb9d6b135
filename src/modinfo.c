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
#include "verify.h"

static char separator = '\n';
static const char *field;
/* --verify (docs/signatures.md): the options seen, then the certificates */
#define OPT_VERIFY 0x300
static struct verify_opts verify_opts;
static struct verify_certs *verify_certs;
static struct json_writer *json; /* --json: the document being written */

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

/*
 * The value starts in column 17. kmod passes the possibly negative width 15 - len to
 * "%-*s", and C reads a negative width as left-justified |width|: a key of 16+
 * characters gets len - 15 spaces (seen with Debian's kmod 30).
 */
static void print_field(const char *key, const char *value)
{
	int pad = 15 - (int)strlen(key);

	printf("%s:%*s%s%c", key, pad < 0 ? -pad : pad, "", value, separator);
}

static void print_params(struct param *params)
{
	for (struct param *p = params; p != NULL; p = p->next) {
		if (field != NULL) {
			/* -F parm / -p */
			if (p->param != NULL && p->type != NULL)
				printf("%.*s:%.*s (%.*s)%c", (int)p->namelen, p->name,
				       (int)p->paramlen, p->param, (int)p->typelen,
				       p->type, separator);
			else if (p->param != NULL)
				printf("%.*s:%.*s%c", (int)p->namelen, p->name,
				       (int)p->paramlen, p->param, separator);
			else
				printf("%.*s: (%.*s)%c", (int)p->namelen, p->name,
				       (int)p->typelen, p->type, separator);
			continue;
		}
		if (p->param != NULL && p->type != NULL)
			printf("%-16s%.*s:%.*s (%.*s)%c", "parm:", (int)p->namelen,
			       p->name, (int)p->paramlen, p->param, (int)p->typelen,
			       p->type, separator);
		else if (p->param != NULL)
			printf("%-16s%.*s:%.*s%c", "parm:", (int)p->namelen, p->name,
			       (int)p->paramlen, p->param, separator);
		else
			printf("%-16s%.*s:%.*s%c", "parm:", (int)p->namelen, p->name,
			       (int)p->typelen, p->type, separator);
	}
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
static void json_hex(const char *value)
{
	_cleanup_free_ char *s = strdup(value);
	char *out = s;

	if (s == NULL) {
		json_string(json, value);
		return;
	}
	for (const char *p = value; *p != '\0'; p++) {
		if (*p != '\n' && *p != '\t')
			*out++ = *p;
	}
	*out = '\0';
	json_string(json, s);
}

static void json_signature(const struct info_entry *e, size_t n)
{
	static const char *const keys[] = { "sig_id", "signer", "sig_key", "sig_hashalgo",
					    "signature" };

	if (n == 0) {
		json_null(json);
		return;
	}
	json_object_begin(json);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const char *value = NULL;

		for (size_t i = 0; i < n; i++) {
			if (streq(e[i].key, keys[k]))
				value = e[i].value;
		}
		json_key(json, keys[k]);
		if (value != NULL &&
		    (streq(keys[k], "sig_key") || streq(keys[k], "signature")))
			json_hex(value);
		else
			json_string(json, value);
	}
	json_object_end(json);
}

/* Every key once, in order of first appearance, with all its values in order. */
static void json_fields(const struct info_entry *e, size_t n)
{
	json_object_begin(json);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = streq(e[j].key, e[i].key);
		if (seen)
			continue;
		json_key(json, e[i].key);
		json_array_begin(json);
		for (size_t j = i; j < n; j++) {
			if (streq(e[j].key, e[i].key))
				json_string(json, e[j].value);
		}
		json_array_end(json);
	}
	json_object_end(json);
}

/* Parameters in order of first appearance (the list holds them the other way round). */
static void json_params(struct param *params)
{
	struct param *rev = NULL;

	while (params != NULL) {
		struct param *next = params->next;

		params->next = rev;
		rev = params;
		params = next;
	}
	json_array_begin(json);
	for (struct param *p = rev; p != NULL; p = p->next) {
		json_object_begin(json);
		json_key(json, "name");
		json_string_len(json, p->name, p->namelen);
		json_key(json, "type");
		json_string_len(json, p->type, p->typelen);
		json_key(json, "description");
		json_string_len(json, p->param, p->paramlen);
		json_object_end(json);
	}
	json_array_end(json);
	/* back as it was, for params_free() */
	params = NULL;
	while (rev != NULL) {
		struct param *next = rev->next;

		rev->next = params;
		params = rev;
		rev = next;
	}
}

static int modinfo_json_do(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	struct param *params = NULL;
	struct info_entry *entries = NULL;
	const char *path = kmod_module_get_path(mod);
	size_t n = 0, count = 0, sig_start;
	int r;

	json_object_begin(json);
	json_member_string(json, "name", kmod_module_get_name(mod));
	json_member_string(json, "filename", path);
	json_member_bool(json, "builtin", path == NULL);

	r = kmod_module_get_info(mod, &info);
	if (r == -ENOENT && path == NULL)
		r = 0; /* no modules.builtin.modinfo: nothing more to say */
	if (r < 0) {
		ERR("could not get modinfo from '%s': %s\n", kmod_module_get_name(mod),
		    strerror(-r));
		json_member_string(json, "error", strerror(-r));
		goto empty;
	}
	kmod_list_foreach (l, info)
		count++;
	entries = calloc(count + 1, sizeof(*entries));
	if (entries == NULL) {
		r = -ENOMEM;
		ERR("could not gather parameters: %s\n", strerror(-r));
		json_member_string(json, "error", strerror(-r));
		goto empty;
	}
	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		const char *value = kmod_module_info_get_value(l);
		bool is_parm = streq(key, "parm"), is_type = streq(key, "parmtype");

		if (is_parm || is_type) {
			const char *colon = strchr(value, ':');

			if (colon == NULL) {
				ERR("Found invalid \"%s=%s\": missing ':'\n", key, value);
				continue;
			}
			r = params_add(&params, value, colon - value,
				       is_parm ? colon + 1 : NULL, strlen(colon + 1),
				       is_type ? colon + 1 : NULL, strlen(colon + 1));
			if (r < 0) {
				ERR("could not gather parameters: %s\n", strerror(-r));
				json_member_string(json, "error", strerror(-r));
				goto empty;
			}
			continue;
		}
		entries[n].key = key;
		entries[n].value = value;
		n++;
	}
	/* The library appends the signature fields last, starting with sig_id. */
	sig_start = n;
	for (size_t i = n; i > 0; i--) {
		if (streq(entries[i - 1].key, "sig_id")) {
			sig_start = i - 1;
			break;
		}
		if (!is_signature_key(entries[i - 1].key))
			break;
	}
	json_key(json, "error");
	json_null(json);
	json_key(json, "fields");
	json_fields(entries, sig_start);
	json_key(json, "parameters");
	json_params(params);
	json_key(json, "signature");
	json_signature(entries + sig_start, n - sig_start);
	json_object_end(json);
	r = 0;
	goto out;

empty:
	if (r == 0) {
		json_key(json, "error");
		json_null(json);
	}
	json_key(json, "fields");
	json_object_begin(json);
	json_object_end(json);
	json_key(json, "parameters");
	json_array_begin(json);
	json_array_end(json);
	json_key(json, "signature");
	json_null(json);
	json_object_end(json);
out:
	free(entries);
	params_free(params);
	kmod_module_info_free_list(info);
	return r;
}

static int modinfo_do(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	struct param *params = NULL;
	const char *path = kmod_module_get_path(mod);
	bool builtin = path == NULL;
	bool want_params = field == NULL || streq(field, "parm");
	int r;

	if (json != NULL)
		return modinfo_json_do(mod);

	if (field != NULL && streq(field, "filename")) {
		printf("%s%c", builtin ? "(builtin)" : path, separator);
		return 0;
	}
	if (field != NULL && streq(field, "name") && builtin) {
		printf("%s%c", kmod_module_get_name(mod), separator);
		return 0;
	}
	/* name/filename come first, also when the info cannot be read (as kmod does) */
	if (field == NULL) {
		if (builtin)
			printf("%-16s%s%c", "name:", kmod_module_get_name(mod),
			       separator);
		printf("%-16s%s%c", "filename:", builtin ? "(builtin)" : path, separator);
	}

	r = kmod_module_get_info(mod, &info);
	if (r == -ENOENT && builtin)
		return 0; /* no modules.builtin.modinfo: name and filename are all there is */
	if (r < 0) {
		fflush(stdout);
		ERR("could not get modinfo from '%s': %s\n", kmod_module_get_name(mod),
		    strerror(-r));
		return r;
	}

	kmod_list_foreach (l, info) {
		const char *key = kmod_module_info_get_key(l);
		bool is_parm = streq(key, "parm"), is_type = streq(key, "parmtype");
		const char *value;

		/* Values are read only when printed: signature values are decoded
		 * (libcrypto loaded) on first read, which -F of another field avoids. */
		if (field != NULL && !streq(field, key) &&
		    !(want_params && (is_parm || is_type)))
			continue;
		value = kmod_module_info_get_value(l);

		if (want_params && (is_parm || is_type)) {
			const char *colon = strchr(value, ':');

			if (colon == NULL) {
				ERR("Found invalid \"%s=%s\": missing ':'\n", key, value);
				continue;
			}
			r = params_add(&params, value, colon - value,
				       is_parm ? colon + 1 : NULL, strlen(colon + 1),
				       is_type ? colon + 1 : NULL, strlen(colon + 1));
			if (r < 0) {
				ERR("could not gather parameters: %s\n", strerror(-r));
				goto out;
			}
			continue;
		}
		if (field != NULL) {
			if (streq(field, key))
				printf("%s%c", value, separator);
			continue;
		}
		if (separator == '\0')
			printf("%s=%s%c", key, value, separator);
		else
			print_field(key, value);
	}
	/* --verify: after the signature fields, before the parameters */
	r = 0;
	if (verify_certs != NULL)
		r = verify_modinfo(verify_certs, path, field, separator);
	if (want_params)
		print_params(params);
out:
	params_free(params);
	kmod_module_info_free_list(info);
	return r;
}

static int modinfo_path_do(struct kmod_ctx *ctx, const char *path)
{
	struct kmod_module *mod;
	int r = kmod_module_new_from_path(ctx, path, &mod);

	if (r < 0) {
		ERR("Module file %s not found.\n", path);
		hint_insert_failed(ctx, path, r);
		return r;
	}
	r = modinfo_do(mod);
	kmod_module_unref(mod);
	return r;
}

static int modinfo_name_do(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name_lookup(ctx, name, &mod);

	if (r < 0 || mod == NULL) {
		ERR("Module name %s not found.\n", name);
		hint_not_found(ctx, name);
		return r < 0 ? r : -ENOENT;
	}
	r = modinfo_do(mod);
	kmod_module_unref(mod);
	return r;
}

static int modinfo_alias_do(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *l;
	int r = kmod_module_new_from_lookup(ctx, alias, &list);

	if (r < 0) {
		ERR("Module alias %s not found.\n", alias);
		return r;
	}
	if (list == NULL) {
		ERR("Module %s not found.\n", alias);
		hint_not_found(ctx, alias);
		return -ENOENT;
	}
	kmod_list_foreach (l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		int err = modinfo_do(mod);

		kmod_module_unref(mod);
		if (err < 0)
			r = err;
	}
	kmod_module_unref_list(list);
	return r;
}

static bool is_module_filename(const char *name)
{
	struct stat st;

	return stat(name, &st) == 0 && S_ISREG(st.st_mode) &&
	       path_ends_with_kmod_ext(name, strlen(name));
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

static int do_modinfo(int argc, char *argv[])
{
	enum {
		OPT_JSON = 256
	};
	static const struct option options[] = {
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
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "verify", optional_argument, NULL, OPT_VERIFY },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const null_config[] = { NULL };
	const char *kversion = NULL, *root = NULL;
	char dirname_buf[PATH_MAX];
	const char *dirname = NULL;
	struct kmod_ctx *ctx;
	struct json_writer w;
	bool modname = false, use_json = false;
	int ret = EXIT_SUCCESS;

	field = NULL;
	separator = '\n';
	json = NULL;
	for (;;) {
		int c = getopt_long(argc, argv, "adlpn0mF:k:b:Vh", options, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'a':
			field = "author";
			break;
		case 'd':
			field = "description";
			break;
		case 'l':
			field = "license";
			break;
		case 'p':
			field = "parm";
			break;
		case 'n':
			field = "filename";
			break;
		case '0':
			separator = '\0';
			break;
		case 'm':
			modname = true;
			break;
		case 'F':
			field = optarg;
			break;
		case 'k':
			kversion = optarg;
			break;
		case 'b':
			root = optarg;
			break;
		case OPT_VERIFY:
			if (verify_opts_add(&verify_opts, optarg) < 0)
				return EXIT_FAILURE;
			break;
		case OPT_JSON:
			use_json = true;
			break;
		case 'V':
			kmod_print_version();
			return EXIT_SUCCESS;
		case 'h':
			help();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}

	log_open(false);
	if (optind >= argc) {
		ERR("missing module or filename.\n");
		return EXIT_FAILURE;
	}
	if (use_json && (field != NULL || separator != '\n')) {
		ERR("--json cannot be combined with -0 or a field option.\n");
		return EXIT_FAILURE;
	}
	if (use_json && verify_opts.n > 0) {
		ERR("--json cannot be combined with --verify.\n");
		return EXIT_FAILURE;
	}

	hint_set_options(root, "-b", NULL);
	if (root != NULL || kversion != NULL) {
		if (tool_module_dir(root, kversion, dirname_buf) < 0)
			return EXIT_FAILURE;
		dirname = dirname_buf;
	}

	ctx = kmod_new(dirname, null_config);
	if (ctx == NULL) {
		ERR("kmod_new() failed!\n");
		return EXIT_FAILURE;
	}
	if (verify_opts.n > 0 &&
	    verify_opts_load(&verify_opts, root, kversion, &verify_certs) < 0) {
		verify_certs_free(verify_certs);
		verify_certs = NULL;
		kmod_unref(ctx);
		return EXIT_FAILURE;
	}

	if (use_json) {
		json = &w;
		json_document_begin(json, stdout, "modinfo");
		json_key(json, "results");
		json_array_begin(json);
	}
	for (int i = optind; i < argc; i++) {
		const char *name = argv[i];
		int r;

		if (json != NULL) {
			json_object_begin(json);
			json_member_string(json, "argument", name);
			json_key(json, "modules");
			json_array_begin(json);
		}
		if (modname)
			r = modinfo_name_do(ctx, name);
		else if (is_module_filename(name))
			r = modinfo_path_do(ctx, name);
		else
			r = modinfo_alias_do(ctx, name);
		if (r < 0)
			ret = EXIT_FAILURE;
		if (json != NULL) {
			json_array_end(json);
			json_object_end(json);
		}
	}
	if (json != NULL && json_finish(json) < 0)
		ret = EXIT_FAILURE;
	json = NULL;

	verify_certs_free(verify_certs);
	verify_certs = NULL;
	kmod_unref(ctx);
	return ret;
}

const struct kmod_cmd kmod_cmd_compat_modinfo = {
	.name = "modinfo",
	.cmd = do_modinfo,
	.help = "compat modinfo command",
};
