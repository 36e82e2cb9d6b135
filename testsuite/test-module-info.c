// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod_module_get_info() and the symbol getters on generated modules: plain,
 * compressed, signed (PKCS#7 through openssl, raw X509 trailer) and built-in
 * (modules.builtin.bin + modules.builtin.modinfo). Expected values are written
 * out literally or computed here from the generator's inputs, never with the code
 * under test.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/index.h"
#include "lib/list.h"
#include "lib/macro.h"
#include "lib/module.h"
#include "testsuite.h"
#include "testsuite/modgen/modgen.h"

static char logbuf[65536];

static void log_capture(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	size_t used = strlen(logbuf);

	vsnprintf(logbuf + used, sizeof(logbuf) - used, format, args);
}

static struct kmod_ctx *ctx_new(const char *dir)
{
	static const char *const no_config[] = { "/nonexistent/modkit-test", NULL };
	struct kmod_ctx *ctx = kmod_new(dir, no_config);

	if (ctx != NULL)
		kmod_set_log_fn(ctx, log_capture, NULL);
	return ctx;
}

/* A module with three .modinfo entries, one of them without '=', behind NUL padding. */
static struct modgen_module *module_basic(void)
{
	struct modgen_module *m = modgen_new("basic");

	if (m == NULL)
		return NULL;
	if (modgen_add_modinfo_raw(m, "\0\0", 2) < 0 ||
	    modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_add_modinfo(m, "description=a=b c") < 0 ||
	    modgen_add_modinfo_raw(m, "\0\0\0", 3) < 0 ||
	    modgen_add_modinfo(m, "noequal") < 0 ||
	    modgen_add_modinfo(m, "vermagic=6.1.0 SMP mod_unload ") < 0) {
		modgen_free(m);
		return NULL;
	}
	return m;
}

static const char *const basic_expected[][2] = {
	{ "license", "GPL" },
	{ "description", "a=b c" },
	{ "noequal", "" },
	{ "vermagic", "6.1.0 SMP mod_unload " },
};

static int check_basic_info(const char *dir, const char *path)
{
	struct kmod_ctx *ctx = ctx_new(dir);
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	size_t i = 0;
	int n;

	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	n = kmod_module_get_info(mod, &list);
	CHECK_INT_EQ(n, (int)ARRAY_SIZE(basic_expected));
	kmod_list_foreach (l, list) {
		CHECK(i < ARRAY_SIZE(basic_expected));
		CHECK_STR_EQ(kmod_module_info_get_key(l), basic_expected[i][0]);
		CHECK_STR_EQ(kmod_module_info_get_value(l), basic_expected[i][1]);
		i++;
	}
	CHECK_INT_EQ(i, ARRAY_SIZE(basic_expected));
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

static int basic_with(enum modgen_compression c, const char *suffix)
{
	char *dir = test_tmpdir();
	char path[4096];
	struct modgen_module *m = module_basic();

	CHECK(dir != NULL && m != NULL);
	snprintf(path, sizeof(path), "%s/basic.ko%s", dir, suffix);
	CHECK_INT_EQ(modgen_set_compression(m, c), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);
	return check_basic_info(dir, path);
}

TEST(info_plain)
{
	return basic_with(MODGEN_COMPRESS_NONE, "");
}

TEST(info_gzip)
{
	test_need_feature("zlib");
	return basic_with(MODGEN_COMPRESS_GZIP, ".gz");
}

TEST(info_xz)
{
	test_need_feature("xz");
	return basic_with(MODGEN_COMPRESS_XZ, ".xz");
}

TEST(info_zstd)
{
	test_need_feature("zstd");
	return basic_with(MODGEN_COMPRESS_ZSTD, ".zst");
}

TEST(info_null_args)
{
	struct kmod_list *list = NULL;

	CHECK_INT_EQ(kmod_module_get_info(NULL, &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_get_versions(NULL, &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_get_symbols(NULL, &list), -ENOENT);
	CHECK_INT_EQ(kmod_module_get_dependency_symbols(NULL, &list), -ENOENT);
	CHECK(kmod_module_info_get_key(NULL) == NULL);
	CHECK(kmod_module_info_get_value(NULL) == NULL);
	CHECK(kmod_module_version_get_symbol(NULL) == NULL);
	CHECK_INT_EQ(kmod_module_version_get_crc(NULL), 0);
	CHECK(kmod_module_symbol_get_symbol(NULL) == NULL);
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_bind(NULL), 0);
	kmod_module_info_free_list(NULL);
	return 0;
}

TEST(info_not_elf)
{
	char *dir = test_tmpdir();
	char path[4096];
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/junk.ko", dir);
	CHECK_INT_EQ(test_write_str(path, "this is not an ELF file at all, just text\n"),
		     0);
	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), -ENOEXEC);
	CHECK(list == NULL);
	CHECK_INT_EQ(kmod_module_get_versions(mod, &list), -ENOEXEC);
	CHECK_INT_EQ(kmod_module_get_symbols(mod, &list), -ENOEXEC);
	CHECK(list == NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

TEST(info_no_path)
{
	char *dir = test_tmpdir();
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;

	CHECK(dir != NULL);
	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	/* no index at all: a name without a file */
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "nosuch", &mod), 0);
	CHECK(kmod_module_get_info(mod, &list) < 0);
	CHECK(list == NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

/* The signature hex layout of formats.md 4, written independently here. */
static char *hex_expected(const unsigned char *b, size_t len)
{
	char *s = malloc(len * 5 + 1), *p = s;

	for (size_t i = 0; i < len; i++) {
		p += sprintf(p, "%02X", b[i]);
		if (i + 1 < len) {
			*p++ = ':';
			if ((i + 1) % 20 == 0) {
				memcpy(p, "\n\t\t", 3);
				p += 3;
			}
		}
	}
	*p = '\0';
	return s;
}

static const char *info_find(struct kmod_list *list, const char *key)
{
	struct kmod_list *l;

	kmod_list_foreach (l, list) {
		if (strcmp(kmod_module_info_get_key(l), key) == 0)
			return kmod_module_info_get_value(l);
	}
	return NULL;
}

TEST(info_signed_raw_x509)
{
	char *dir = test_tmpdir();
	char path[4096];
	unsigned char sig[45], keyid[3] = { 0x01, 0xab, 0xff };
	struct modgen_raw_sig raw = { .algo = 1,
				      .hash = 4,
				      .id_type = 1,
				      .signer = "Some Signer",
				      .signer_len = 11,
				      .key_id = keyid,
				      .key_id_len = 3,
				      .sig = sig,
				      .sig_len = sizeof(sig) };
	static const char *const keys[] = { "license", "sig_id",       "signer",
					    "sig_key", "sig_hashalgo", "signature" };
	struct modgen_module *m = modgen_new("sraw");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	char *exp_sig;
	size_t i = 0;

	CHECK(dir != NULL && m != NULL);
	for (i = 0; i < sizeof(sig); i++)
		sig[i] = (unsigned char)(i * 7 + 3);
	snprintf(path, sizeof(path), "%s/sraw.ko", dir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_raw_signature(m, &raw), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);

	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 6);
	i = 0;
	kmod_list_foreach (l, list) {
		CHECK(i < ARRAY_SIZE(keys));
		CHECK_STR_EQ(kmod_module_info_get_key(l), keys[i]);
		i++;
	}
	CHECK_STR_EQ(info_find(list, "sig_id"), "X509");
	CHECK_STR_EQ(info_find(list, "signer"), "Some Signer");
	CHECK_STR_EQ(info_find(list, "sig_key"), "01:AB:FF");
	CHECK_STR_EQ(info_find(list, "sig_hashalgo"), "sha256");
	exp_sig = hex_expected(sig, sizeof(sig));
	/* 45 bytes: two line breaks, after the 20th and the 40th byte */
	CHECK(strstr(exp_sig, "\n\t\t") != NULL);
	CHECK_STR_EQ(info_find(list, "signature"), exp_sig);
	free(exp_sig);
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

/* Runs a shell command and returns its stdout (trailing newline removed). */
static char *run_capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[4096];
	size_t n;

	if (p == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	if (pclose(p) != 0)
		return NULL;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return strdup(buf);
}

TEST(info_signed_pkcs7)
{
	char *dir = test_tmpdir();
	char path[4096], cmd[8192];
	struct modgen_module *m = modgen_new("spk");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	char *cert = NULL, *serial, *exp_key, *exp_sig, *data = NULL;
	unsigned char serial_bytes[64];
	size_t nserial = 0, len = 0;
	uint32_t siglen;

	test_need_feature("openssl");
	CHECK(dir != NULL && m != NULL);
	snprintf(path, sizeof(path), "%s/spk.ko", dir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, dir, NULL), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);
	CHECK_INT_EQ(modgen_key_ensure(dir, NULL, NULL, &cert), 0);

	/* the certificate serial, as openssl prints it: "serial=HEX" */
	snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -noout -serial", cert);
	serial = run_capture(cmd);
	CHECK(serial != NULL && strncmp(serial, "serial=", 7) == 0);
	for (const char *s = serial + 7; s[0] && s[1] && nserial < sizeof(serial_bytes);
	     s += 2) {
		unsigned int v;

		CHECK(sscanf(s, "%2x", &v) == 1);
		serial_bytes[nserial++] = (unsigned char)v;
	}
	exp_key = hex_expected(serial_bytes, nserial);

	/* RSA-2048 over a detached SignedData without attributes: the 256 signature
	 * bytes are the last ones of the DER blob, just before the 40-byte trailer. */
	CHECK_INT_EQ(test_read_file(path, &data, &len), 0);
	CHECK(len > 40 + 256);
	siglen = (uint32_t)(unsigned char)data[len - 32] << 24 |
		 (uint32_t)(unsigned char)data[len - 31] << 16 |
		 (uint32_t)(unsigned char)data[len - 30] << 8 |
		 (unsigned char)data[len - 29];
	CHECK(siglen > 256 && siglen < len);
	exp_sig = hex_expected((unsigned char *)data + len - 40 - 256, 256);

	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 6);
	CHECK_STR_EQ(info_find(list, "license"), "GPL");
	CHECK_STR_EQ(info_find(list, "sig_id"), "PKCS#7");
	CHECK_STR_EQ(info_find(list, "signer"), MODGEN_DEFAULT_CN);
	CHECK_STR_EQ(info_find(list, "sig_key"), exp_key);
	CHECK_STR_EQ(info_find(list, "sig_hashalgo"), "sha256");
	CHECK_STR_EQ(info_find(list, "signature"), exp_sig);
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	free(serial);
	free(exp_key);
	free(exp_sig);
	free(cert);
	free(data);
	return 0;
}

static bool libcrypto_mapped(void)
{
	char *maps = NULL;
	bool found;

	if (test_read_file("/proc/self/maps", &maps, NULL) < 0)
		return true;
	found = strstr(maps, "libcrypto.so") != NULL;
	free(maps);
	return found;
}

/* Listing the entries of a signed module costs no libcrypto; reading a PKCS#7
 * value loads it, even after the module and its context are gone. */
TEST(info_signed_pkcs7_lazy)
{
	char *dir = test_tmpdir();
	char path[4096];
	struct modgen_module *m = modgen_new("lazy");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	const char *keys[6];
	int n = 0;

	test_need_feature("openssl");
	CHECK(dir != NULL && m != NULL);
	snprintf(path, sizeof(path), "%s/lazy.ko", dir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, dir, NULL), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);

	CHECK(!libcrypto_mapped());
	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 6);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	kmod_list_foreach (l, list) {
		CHECK(n < 6);
		keys[n++] = kmod_module_info_get_key(l);
	}
	CHECK_STR_EQ(keys[1], "sig_id");
	CHECK_STR_EQ(keys[2], "signer");
	CHECK_STR_EQ(keys[3], "sig_key");
	CHECK_STR_EQ(keys[4], "sig_hashalgo");
	CHECK_STR_EQ(keys[5], "signature");
	CHECK_STR_EQ(info_find(list, "license"), "GPL");
	CHECK_STR_EQ(info_find(list, "sig_id"), "PKCS#7");
	CHECK_MSG(!libcrypto_mapped(),
		  "libcrypto loaded before a signature value was read");
	CHECK_STR_EQ(info_find(list, "sig_hashalgo"), "sha256");
	CHECK(libcrypto_mapped());
	CHECK_STR_EQ(info_find(list, "signer"), MODGEN_DEFAULT_CN);
	CHECK(strlen(info_find(list, "signature")) > 256 * 3 - 1);
	kmod_module_info_free_list(list);
	return 0;
}

TEST(info_signed_compressed)
{
	char *dir = test_tmpdir();
	char path[4096];
	unsigned char sig[4] = { 1, 2, 3, 4 };
	struct modgen_raw_sig raw = {
		.algo = 1, .hash = 2, .id_type = 0, .sig = sig, .sig_len = sizeof(sig)
	};
	struct modgen_module *m = modgen_new("sz");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;

	test_need_feature("zstd");
	CHECK(dir != NULL && m != NULL);
	snprintf(path, sizeof(path), "%s/sz.ko.zst", dir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_raw_signature(m, &raw), 0);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_ZSTD), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);

	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);
	/* no key id: sig_key is left out */
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 5);
	CHECK_STR_EQ(info_find(list, "sig_id"), "PGP");
	CHECK_STR_EQ(info_find(list, "signer"), "");
	CHECK(info_find(list, "sig_key") == NULL);
	CHECK_STR_EQ(info_find(list, "sig_hashalgo"), "sha1");
	CHECK_STR_EQ(info_find(list, "signature"), "01:02:03:04");
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

/* modules.builtin.bin with the given names, written with the index writer. */
static int write_builtin_bin(const char *dir, const char *const *names)
{
	char path[4096];
	struct index_writer *w = index_writer_new();
	FILE *f;
	int err = 0;

	if (w == NULL)
		return -ENOMEM;
	for (; *names != NULL && err >= 0; names++)
		err = index_writer_insert(w, *names, "", 0);
	snprintf(path, sizeof(path), "%s/modules.builtin.bin", dir);
	f = fopen(path, "we");
	if (f == NULL) {
		index_writer_free(w);
		return -errno;
	}
	if (err >= 0)
		err = index_writer_write(w, f);
	if (fclose(f) != 0 && err >= 0)
		err = -EIO;
	index_writer_free(w);
	return err < 0 ? err : 0;
}

static const char builtin_modinfo[] = "bi_x.license=GPL\0"
				      "bi.file=drivers/bi\0"
				      "\0"
				      "bi.license=GPL v2\0"
				      "bi.description=built=in\0"
				      "bi.alias=char-major-1-*\0"
				      "other.license=MIT\0"
				      "bi.late=never seen\0";

TEST(info_builtin)
{
	char *dir = test_tmpdir();
	char path[4096];
	static const char *const names[] = { "bi", "other", "absent", NULL };
	static const char *const expected[][2] = { { "file", "drivers/bi" },
						   { "license", "GPL v2" },
						   { "description", "built=in" },
						   { "alias", "char-major-1-*" } };
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	size_t i = 0;

	CHECK(dir != NULL);
	CHECK_INT_EQ(write_builtin_bin(dir, names), 0);
	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dir);
	CHECK_INT_EQ(test_write_file(path, builtin_modinfo, sizeof(builtin_modinfo) - 1),
		     0);

	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bi", &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 4);
	kmod_list_foreach (l, list) {
		CHECK(i < ARRAY_SIZE(expected));
		CHECK_STR_EQ(kmod_module_info_get_key(l), expected[i][0]);
		CHECK_STR_EQ(kmod_module_info_get_value(l), expected[i][1]);
		i++;
	}
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);

	/* the last module of the file: runs to the end */
	list = NULL;
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "other", &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 1);
	CHECK_STR_EQ(kmod_module_info_get_key(list), "license");
	CHECK_STR_EQ(kmod_module_info_get_value(list), "MIT");
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);

	/* builtin but without records: an empty list */
	list = NULL;
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "absent", &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), 0);
	CHECK(list == NULL);
	kmod_module_unref(mod);

	/* modules.builtin.modinfo missing: the open error */
	CHECK_INT_EQ(unlink(path), 0);
	CHECK_INT_EQ(kmod_module_new_from_name(ctx, "bi", &mod), 0);
	CHECK_INT_EQ(kmod_module_get_info(mod, &list), -ENOENT);
	CHECK(list == NULL);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

TEST(builtin_modinfo_unterminated)
{
	char *dir = test_tmpdir();
	char path[4096];
	static const char data[] = "a.x=1\0a.y=unterminated";
	struct kmod_ctx *ctx;
	char **strings = NULL;

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dir);
	CHECK_INT_EQ(test_write_file(path, data, sizeof(data) - 1), 0);
	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(builtin_get_modinfo(ctx, "a", &strings), 2);
	CHECK_STR_EQ(strings[0], "x=1");
	CHECK_STR_EQ(strings[1], "y=unterminated");
	free(strings);
	CHECK_INT_EQ(builtin_get_modinfo(ctx, "b", &strings), 0);
	/* a name that is a prefix of the record's module name does not match */
	CHECK_INT_EQ(builtin_get_modinfo(ctx, "", &strings), 0);
	CHECK_INT_EQ(test_write_file(path, "", 0), 0);
	CHECK_INT_EQ(builtin_get_modinfo(ctx, "a", &strings), 0);
	kmod_unref(ctx);
	return 0;
}

TEST(versions_and_symbols)
{
	char *dir = test_tmpdir();
	char path[4096];
	struct modgen_module *m = modgen_new("syms");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	static const struct {
		const char *sym;
		uint64_t crc;
	} versions[] = { { "module_layout", 0x1122334455667788ULL },
			 { "printk", 0xdeadbeef },
			 { "weak_fn", 0x42 } };
	static const struct {
		const char *sym;
		uint32_t crc;
	} exports[] = { { "syms_a", 0x12345678 }, { "syms_b", 0x9abcdef0 } };
	size_t i;

	CHECK(dir != NULL && m != NULL);
	snprintf(path, sizeof(path), "%s/syms.ko", dir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		CHECK_INT_EQ(modgen_add_version(m, versions[i].crc, versions[i].sym), 0);
	for (i = 0; i < ARRAY_SIZE(exports); i++)
		CHECK_INT_EQ(modgen_add_export(m, exports[i].sym, exports[i].crc), 0);
	CHECK_INT_EQ(modgen_add_undef(m, "printk", false), 0);
	CHECK_INT_EQ(modgen_add_undef(m, "weak_fn", true), 0);
	CHECK_INT_EQ(modgen_add_undef(m, "no_crc", false), 0);
	CHECK_INT_EQ(modgen_write(m, path), 0);
	modgen_free(m);

	ctx = ctx_new(dir);
	CHECK(ctx != NULL);
	CHECK_INT_EQ(kmod_module_new_from_path(ctx, path, &mod), 0);

	CHECK_INT_EQ(kmod_module_get_versions(mod, &list), 3);
	i = 0;
	kmod_list_foreach (l, list) {
		CHECK_STR_EQ(kmod_module_version_get_symbol(l), versions[i].sym);
		CHECK_INT_EQ(kmod_module_version_get_crc(l), versions[i].crc);
		i++;
	}
	kmod_module_versions_free_list(list);

	list = NULL;
	CHECK_INT_EQ(kmod_module_get_symbols(mod, &list), 2);
	i = 0;
	kmod_list_foreach (l, list) {
		CHECK_STR_EQ(kmod_module_symbol_get_symbol(l), exports[i].sym);
		CHECK_INT_EQ(kmod_module_symbol_get_crc(l), exports[i].crc);
		i++;
	}
	kmod_module_symbols_free_list(list);

	/* undefined symbols in symtab order, then unmatched __versions records */
	list = NULL;
	CHECK_INT_EQ(kmod_module_get_dependency_symbols(mod, &list), 4);
	l = list;
	CHECK_STR_EQ(kmod_module_dependency_symbol_get_symbol(l), "printk");
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_bind(l), KMOD_SYMBOL_UNDEF);
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_crc(l), 0xdeadbeef);
	l = kmod_list_next(list, l);
	CHECK_STR_EQ(kmod_module_dependency_symbol_get_symbol(l), "weak_fn");
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_bind(l), KMOD_SYMBOL_WEAK);
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_crc(l), 0x42);
	l = kmod_list_next(list, l);
	CHECK_STR_EQ(kmod_module_dependency_symbol_get_symbol(l), "no_crc");
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_bind(l), KMOD_SYMBOL_UNDEF);
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_crc(l), 0);
	l = kmod_list_next(list, l);
	CHECK_STR_EQ(kmod_module_dependency_symbol_get_symbol(l), "module_layout");
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_bind(l), KMOD_SYMBOL_UNDEF);
	CHECK_INT_EQ(kmod_module_dependency_symbol_get_crc(l), 0x1122334455667788ULL);
	kmod_module_dependency_symbols_free_list(list);

	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

TEST_MAIN()
