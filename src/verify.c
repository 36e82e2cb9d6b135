// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module signature checks for modinfo --verify and insmod/modprobe
 * --require-signature (verify.h, docs/signatures.md). The cryptography is in the
 * library (lib/signature.c); this file reads certificates and module files and
 * words the results.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kmod.h"
#include "lib/file.h"
#include "lib/list.h"
#include "lib/module.h"
#include "lib/regfile.h"
#include "lib/util.h"
#include "log.h"
#include "verify.h"

/* Certificate files are small; a kernel image is read whole, like a module. */
#define CERT_FILE_MAX ((size_t)16 << 20)

/* Where each certificate came from, to name it in a "good" line. */
struct cert_source {
	char *path;
	size_t first, count; /* keyring indexes */
};

struct verify_certs {
	struct sig_keyring *kr;
	struct cert_source *sources;
	size_t n_sources;
};

void verify_certs_free(struct verify_certs *vc)
{
	if (vc == NULL)
		return;
	sig_keyring_free(vc->kr);
	for (size_t i = 0; i < vc->n_sources; i++)
		free(vc->sources[i].path);
	free(vc->sources);
	free(vc);
}

static int certs_get(struct verify_certs **vc)
{
	if (*vc != NULL)
		return 0;
	*vc = calloc(1, sizeof(**vc));
	if (*vc == NULL)
		return -ENOMEM;
	(*vc)->kr = sig_keyring_new();
	if ((*vc)->kr == NULL) {
		free(*vc);
		*vc = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int certs_note_source(struct verify_certs *vc, const char *path, size_t first,
			     size_t count)
{
	struct cert_source *s = reallocarray(vc->sources, vc->n_sources + 1, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	vc->sources = s;
	s += vc->n_sources;
	s->path = strdup(path);
	if (s->path == NULL)
		return -ENOMEM;
	s->first = first;
	s->count = count;
	vc->n_sources++;
	return 0;
}

/* The whole regular file (a FIFO or device is refused, never opened). */
static int read_whole(const char *path, size_t max, uint8_t **data, size_t *len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	ssize_t done;

	fd = regfile_open(path, 0, &st);
	if (fd < 0)
		return fd == -EINVAL ? -ENOEXEC : fd;
	if ((unsigned long long)st.st_size > max)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return -ENOMEM;
	/* the file as it is now: the extra byte holds read_str_safe()'s NUL */
	done = read_str_safe(fd, (char *)buf, (size_t)st.st_size + 1);
	if (done < 0)
		return (int)done;
	*data = TAKE_PTR(buf);
	*len = (size_t)done;
	return 0;
}

static const char *add_error_text(int err)
{
	switch (err) {
	case -EBADMSG:
		return "no X.509 certificate in it (PEM or DER expected)";
	case -ENOSYS:
		return "libcrypto (OpenSSL) is not available";
	case -ENOEXEC:
		return "not a regular file";
	default:
		return strerror(-err);
	}
}

/* One certificate file. quiet_empty: a file without certificates is skipped. */
static int certs_add_file(struct verify_certs *vc, const char *path, bool quiet_empty)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0, before = sig_keyring_count(vc->kr);
	int r = read_whole(path, CERT_FILE_MAX, &data, &len);

	if (r == 0)
		r = sig_keyring_add(vc->kr, data, len);
	if (r == -EBADMSG && quiet_empty)
		return 0;
	if (r < 0) {
		ERR("certificate %s: %s\n", path, add_error_text(r));
		return r;
	}
	r = certs_note_source(vc, path, before, (size_t)r);
	if (r < 0)
		ERR("certificate %s: %s\n", path, strerror(-r));
	return r;
}

static int certs_add_dir(struct verify_certs *vc, const char *path)
{
	struct dirent **names = NULL;
	size_t before = sig_keyring_count(vc->kr);
	int n = scandir(path, &names, NULL, alphasort), r = 0;

	if (n < 0) {
		r = -errno;
		ERR("certificate directory %s: %s\n", path, strerror(-r));
		return r;
	}
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *file = NULL;
		struct stat st;

		if (r == 0 && names[i]->d_name[0] != '.' &&
		    asprintf(&file, "%s/%s", path, names[i]->d_name) >= 0 &&
		    stat(file, &st) == 0 && S_ISREG(st.st_mode))
			r = certs_add_file(vc, file, true);
		free(names[i]);
	}
	free(names);
	if (r == 0 && sig_keyring_count(vc->kr) == before) {
		ERR("certificate directory %s: no X.509 certificate in it\n", path);
		r = -EBADMSG;
	}
	return r;
}

int verify_certs_add(struct verify_certs **vc, const char *arg)
{
	_cleanup_free_ char *list = strdup(arg);
	char *save = NULL, *path;
	bool any = false;
	int r;

	if (list == NULL || certs_get(vc) < 0) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	for (path = strtok_r(list, ",", &save); path != NULL;
	     path = strtok_r(NULL, ",", &save)) {
		struct stat st;

		if (stat(path, &st) < 0) {
			r = -errno;
			ERR("certificate %s: %s\n", path, strerror(-r));
			return r;
		}
		r = S_ISDIR(st.st_mode) ? certs_add_dir(*vc, path) :
					  certs_add_file(*vc, path, false);
		if (r < 0)
			return r;
		any = true;
	}
	if (!any) {
		ERR("no certificate given in '%s'\n", arg);
		return -EINVAL;
	}
	return 0;
}

/* ---- certificates built into a kernel image ------------------------------------ */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * The compressed kernel inside an image: an x86 bzImage says where its payload is
 * (boot protocol 2.08+: payload_offset and payload_length in the setup header,
 * the payload ending with the 4-byte uncompressed size kbuild appends); any other
 * file is taken whole (a gzip'd Image, or a plain ELF vmlinux).
 */
static void kernel_payload(const uint8_t *img, size_t len, const uint8_t **payload,
			   size_t *payload_len)
{
	*payload = img;
	*payload_len = len;
	if (len >= 0x250 && memcmp(img + 0x202, "HdrS", 4) == 0 &&
	    (img[0x206] | img[0x207] << 8) >= 0x208) {
		size_t setup_sects = img[0x1f1] ? img[0x1f1] : 4;
		size_t start = (setup_sects + 1) * 512 + le32(img + 0x248);
		size_t plen = le32(img + 0x24c);

		if (start < len && plen > 4 && plen <= len - start) {
			*payload = img + start;
			*payload_len = plen - 4;
		}
	}
}

static int kernel_decompress(const uint8_t *p, size_t len, void **out, size_t *out_len)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const uint8_t gzip[] = { 0x1f, 0x8b };

	if (len >= sizeof(xz) && memcmp(p, xz, sizeof(xz)) == 0)
		return file_decompress_xz(NULL, p, len, out, out_len);
	if (len >= sizeof(zstd) && memcmp(p, zstd, sizeof(zstd)) == 0)
		return file_decompress_zstd(NULL, p, len, out, out_len);
	if (len >= sizeof(gzip) && memcmp(p, gzip, sizeof(gzip)) == 0)
		return file_decompress_zlib(NULL, p, len, out, out_len);
	if (len >= 4 && memcmp(p,
			       "\x7f"
			       "ELF",
			       4) == 0) {
		*out = malloc(len);
		if (*out == NULL)
			return -ENOMEM;
		memcpy(*out, p, len);
		*out_len = len;
		return 0;
	}
	return -ENOEXEC;
}

int verify_certs_add_kernel(struct verify_certs **vc, const char *root,
			    const char *kversion)
{
	_cleanup_free_ uint8_t *image = NULL;
	_cleanup_free_ void *kernel = NULL;
	_cleanup_free_ char *path = NULL;
	const uint8_t *payload;
	size_t len = 0, payload_len, kernel_len = 0, before;
	struct utsname u;
	int r;

	if (certs_get(vc) < 0) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	r = tool_kversion(&kversion, &u);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/boot/vmlinuz-%s", root != NULL ? root : "", kversion) <
	    0) {
		ERR("out of memory\n");
		return -ENOMEM;
	}
	r = read_whole(path, MODULE_SIZE_MAX, &image, &len);
	if (r < 0) {
		ERR("kernel image %s: %s\n", path, strerror(-r));
		return r;
	}
	kernel_payload(image, len, &payload, &payload_len);
	r = kernel_decompress(payload, payload_len, &kernel, &kernel_len);
	if (r < 0) {
		ERR("kernel image %s: %s\n", path,
		    r == -ENOEXEC ? "no xz, zstd or gzip payload and not an ELF file" :
		    r == -ENOSYS  ? "its decompressor is not available" :
				    "cannot decompress its payload");
		return r;
	}
	before = sig_keyring_count((*vc)->kr);
	r = sig_keyring_add_embedded((*vc)->kr, kernel, kernel_len);
	if (r == -EBADMSG || r == 0) {
		ERR("kernel image %s: no built-in certificate found\n", path);
		return -ENOKEY;
	}
	if (r < 0) {
		ERR("kernel image %s: %s\n", path, add_error_text(r));
		return r;
	}
	r = certs_note_source(*vc, path, before, (size_t)r);
	if (r < 0)
		ERR("out of memory\n");
	return r;
}

/* ---- modules ------------------------------------------------------------------- */

int verify_module_file(const struct verify_certs *vc, const char *path,
		       struct sig_verify_result *res, const char **why)
{
	struct kmod_file *file = NULL;
	int r;

	*why = NULL;
	r = file_open(NULL, path, &file);
	if (r == 0)
		r = file_load_contents(file);
	if (r < 0) {
		*why = r == -ENOSYS ? "its decompressor is not available" : strerror(-r);
		file_free(file);
		return r;
	}
	r = sig_verify_image(vc->kr, file_get_contents(file), file_get_size(file), res);
	file_free(file);
	if (r == -ENOSYS)
		*why = "libcrypto (OpenSSL) is not available";
	else if (r < 0)
		*why = strerror(-r);
	return r;
}

static const char *cert_source(const struct verify_certs *vc, int cert)
{
	for (size_t i = 0; cert >= 0 && i < vc->n_sources; i++) {
		const struct cert_source *s = &vc->sources[i];

		if ((size_t)cert >= s->first && (size_t)cert < s->first + s->count)
			return s->path;
	}
	return "?";
}

char *verify_describe(const struct verify_certs *vc, const struct sig_verify_result *res)
{
	const char *name = sig_verdict_name(res->verdict);
	char *s = NULL;
	int r;

	switch (res->verdict) {
	case SIG_VERDICT_GOOD:
		r = asprintf(&s, "%s: signed by %s (certificate %s)", name, res->signer,
			     cert_source(vc, res->cert));
		break;
	case SIG_VERDICT_UNSIGNED:
		r = asprintf(&s, "%s", name);
		break;
	case SIG_VERDICT_UNKNOWN_KEY:
		r = asprintf(&s, "%s: no given certificate matches %s", name,
			     res->detail[0] != '\0' ? res->detail : "the signer");
		break;
	default:
		r = asprintf(&s, "%s: %s", name, res->detail);
		break;
	}
	return r < 0 ? NULL : s;
}

/* ---- the tools' option hooks ---------------------------------------------------- */

int verify_opts_add(struct verify_opts *opts, const char *arg)
{
	if (opts->n >= VERIFY_OPTS_MAX) {
		ERR("too many certificate options (at most %d; join paths with ',')\n",
		    VERIFY_OPTS_MAX);
		return -E2BIG;
	}
	opts->args[opts->n++] = arg;
	return 0;
}

int verify_opts_load(const struct verify_opts *opts, const char *root,
		     const char *kversion, struct verify_certs **vc)
{
	bool kernel_done = false;

	for (int i = 0; i < opts->n; i++) {
		int r;

		if (opts->args[i] == NULL) {
			if (kernel_done)
				continue;
			kernel_done = true;
			r = verify_certs_add_kernel(vc, root, kversion);
		} else {
			r = verify_certs_add(vc, opts->args[i]);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The description of one file's check: 0 good, -EKEYREJECTED not good, other < 0
 * could not check (*text then says why). */
static int verify_text(const struct verify_certs *vc, const char *path, char **text)
{
	struct sig_verify_result res;
	const char *why;
	int r = verify_module_file(vc, path, &res, &why);

	if (r < 0) {
		if (asprintf(text, "error: %s", why) < 0)
			*text = NULL;
		return r;
	}
	*text = verify_describe(vc, &res);
	if (*text == NULL)
		return -ENOMEM;
	return res.verdict == SIG_VERDICT_GOOD ? 0 : -EKEYREJECTED;
}

int verify_modinfo(const struct verify_certs *vc, const char *path, const char *field,
		   char separator)
{
	_cleanup_free_ char *text = NULL;
	int r = 0;

	if (field != NULL && !streq(field, "verify"))
		return 0;
	if (path == NULL)
		text = strdup("builtin");
	else
		r = verify_text(vc, path, &text);
	if (text == NULL) {
		ERR("could not verify %s: %s\n", path != NULL ? path : "(builtin)",
		    strerror(ENOMEM));
		return -ENOMEM;
	}
	if (field != NULL)
		printf("%s%c", text, separator);
	else if (separator == '\0')
		printf("verify=%s%c", text, separator);
	else
		printf("%-16s%s%c", "verify:", text, separator);
	return r;
}

int verify_insmod(const struct verify_certs *vc, const char *path)
{
	_cleanup_free_ char *text = NULL;
	int r = verify_text(vc, path, &text);

	if (r < 0)
		ERR("could not insert module %s: signature check failed: %s\n", path,
		    text != NULL ? text : strerror(-r));
	return r;
}

/*
 * The files a dry run would insert. print_action has no data pointer, so the list
 * reaches it as the context's user data, set for the length of the dry run only
 * (modprobe's own user data is put back after it).
 */
struct probe_files {
	struct kmod_list *list;
	bool failed;
};

static void collect_action(struct kmod_module *m, bool install, const char *options)
{
	struct probe_files *files = kmod_get_userdata(m->ctx);
	struct kmod_list *l;

	if (install || kmod_module_get_path(m) == NULL)
		return; /* an install command, or a builtin module: nothing inserted */
	l = kmod_list_append(files->list, kmod_module_ref(m));
	if (l == NULL) {
		kmod_module_unref(m);
		files->failed = true;
		return;
	}
	files->list = l;
}

int verify_probe(const struct verify_certs *vc, struct kmod_module *mod,
		 unsigned int flags)
{
	struct probe_files files = { .list = NULL };
	void *userdata = kmod_get_userdata(mod->ctx);
	struct kmod_list *l;
	int r = 0;

	kmod_set_userdata(mod->ctx, &files);
	(void)kmod_module_probe_insert_module(mod, flags | KMOD_PROBE_DRY_RUN, NULL, NULL,
					      NULL, collect_action);
	kmod_set_userdata(mod->ctx, userdata);
	if (files.failed) {
		ERR("could not insert '%s': %s\n", kmod_module_get_name(mod),
		    strerror(ENOMEM));
		r = -ENOMEM;
	}
	kmod_list_foreach (l, files.list) {
		const char *path = kmod_module_get_path(l->data);
		_cleanup_free_ char *text = NULL;

		if (r < 0)
			break;
		r = verify_text(vc, path, &text);
		if (r < 0)
			ERR("could not insert '%s': signature check failed for %s: %s\n",
			    kmod_module_get_name(mod), path,
			    text != NULL ? text : strerror(-r));
	}
	kmod_module_unref_list(files.list);
	return r;
}
