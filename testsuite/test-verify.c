// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Signature verification (docs/signatures.md): the library's verdicts
 * (lib/signature-verify.h), `modinfo --verify[=CERT...]`, and
 * `insmod`/`modprobe --require-signature=CERT...` under the shim.
 *
 * Modules are signed by libmodgen (formats.md 4.1) or by the openssl command line
 * directly for the unusual shapes (signed attributes, embedded content); expected
 * serial numbers come from `openssl x509 -serial`, DER certificates from `openssl
 * x509 -outform DER`: never from the code under test.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "lib/macro.h"
#include "lib/signature-verify.h"
#include "modgen.h"
#include "testsuite.h"

#define KVER "6.1.0-verify"
#define MAGIC "~Module signature appended~\n"
#define CN_A "Verify test key A"
#define CN_B "Verify test key B"

/* ---- helpers ------------------------------------------------------------------- */

static const char *tool(const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/src/%s", test_build_root(), name) < 0)
		return NULL;
	return test_keep(p);
}

/* modgen's own key directory, where modgen_set_sign(m, NULL, cn) finds its keys */
static const char *keydir(void)
{
	return test_keep(modgen_default_keydir());
}

static const char *cert_of(const char *cn)
{
	char *cert = NULL;

	if (modgen_key_ensure(keydir(), cn, NULL, &cert) < 0)
		return NULL;
	return test_keep(cert);
}

static const char *key_of(const char *cn)
{
	char *key = NULL;

	if (modgen_key_ensure(keydir(), cn, &key, NULL) < 0)
		return NULL;
	return test_keep(key);
}

/* Runs a command given as a NULL-terminated list; 0 when it exited 0. */
static int run_cmd(struct test_run *r, const char *arg0, ...)
{
	const char *argv[32];
	va_list ap;
	size_t n = 0;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (test_run(r, argv, NULL) < 0)
		return -1;
	if (r->status != 0)
		fprintf(stderr, "%s exited %d: %s", arg0, r->status, r->err);
	return r->status;
}

/* The certificate as DER, written next to the test's files. */
static const char *der_of(const char *dir, const char *cn)
{
	struct test_run r;
	char *out = NULL;

	if (asprintf(&out, "%s/%s.der", dir, cn) < 0)
		return NULL;
	if (run_cmd(&r, "/usr/bin/openssl", "x509", "-in", cert_of(cn), "-outform", "DER",
		    "-out", out, NULL) != 0)
		out = NULL;
	test_run_release(&r);
	return test_keep(out);
}

/* "AB:CD:..." of the certificate's serial number, as openssl prints it. */
static const char *serial_of(const char *cn)
{
	struct test_run r;
	char *hex, *out;
	size_t n = 0;

	if (run_cmd(&r, "/usr/bin/openssl", "x509", "-in", cert_of(cn), "-noout",
		    "-serial", NULL) != 0 ||
	    strncmp(r.out, "serial=", 7) != 0) {
		test_run_release(&r);
		return NULL;
	}
	hex = r.out + 7;
	out = calloc(1, strlen(hex) * 2 + 1);
	for (size_t i = 0; hex[i] != '\0' && hex[i] != '\n'; i += 2) {
		if (n > 0)
			out[n++] = ':';
		out[n++] = hex[i];
		out[n++] = hex[i + 1];
	}
	test_run_release(&r);
	return test_keep(out);
}

static const char *path_in(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return test_keep(p);
}

/* A module named name, signed with cn's key (NULL: unsigned), written to path
 * (compressed after its suffix). */
static int write_module(const char *path, const char *name, const char *cn,
			const char *depends)
{
	struct modgen_module *m = modgen_new(name);
	char dep[128];
	int r;

	if (m == NULL)
		return -ENOMEM;
	snprintf(dep, sizeof(dep), "depends=%s", depends != NULL ? depends : "");
	r = modgen_add_modinfo(m, "license=GPL");
	if (r == 0)
		r = modgen_add_modinfo(m, dep);
	if (r == 0)
		r = modgen_add_modinfo(m, "vermagic=" KVER " SMP mod_unload ");
	/* depmod finds the dependency through the symbol */
	if (r == 0 && depends != NULL)
		r = modgen_add_undef(m, "dep_func", false);
	else if (r == 0)
		r = modgen_add_export(m, "dep_func", 0x1234);
	if (r == 0 && cn != NULL)
		r = modgen_set_sign(m, NULL, cn);
	if (r == 0)
		r = modgen_set_compression(m, modgen_compression_from_path(path));
	if (r == 0)
		r = modgen_write(m, path);
	modgen_free(m);
	return r;
}

/* Inverts one byte of a file: at offset, or counted from the end when negative. */
static int flip_byte(const char *path, long offset)
{
	char *data = NULL;
	size_t len = 0;
	int r = test_read_file(path, &data, &len);

	if (r < 0)
		return r;
	if (offset < 0)
		offset += (long)len;
	if (offset < 0 || (size_t)offset >= len) {
		free(data);
		return -EINVAL;
	}
	data[offset] ^= 0xff;
	r = test_write_file(path, data, len);
	free(data);
	return r;
}

static const char *good_line(const char *cn, const char *cert)
{
	char *s = NULL;

	if (asprintf(&s, "good: signed by %s (certificate %s)", cn, cert) < 0)
		return NULL;
	return test_keep(s);
}

/* modinfo --verify=CERT -F verify FILE: its one line and status */
static int verify_field(const char *cert, const char *file, const char *expected,
			int expected_status)
{
	char opt[PATH_MAX + 16], want[1024];
	struct test_run r;
	const char *argv[] = { tool("modinfo"), opt, "-F", "verify", file, NULL };

	snprintf(opt, sizeof(opt), "--verify=%s", cert);
	snprintf(want, sizeof(want), "%s\n", expected);
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_RUN(&r, want, "", expected_status);
	test_run_release(&r);
	return 0;
}

static int calls_of(struct fixture *fx, char **log)
{
	*log = NULL;
	return fixture_read_calls(fx, log);
}

/* ---- modinfo --verify: verdicts -------------------------------------------------- */

TEST(modinfo_good_pem_adds_one_line)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	const char *cert = cert_of(CN_A), *parm;
	char opt[PATH_MAX + 16], *expected = NULL;
	struct modgen_module *m = modgen_new("a");
	struct test_run plain, ver;

	test_need_feature("openssl");
	/* with a parameter: the line goes between the signature and "parm:" */
	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "parm=debug:Debug level"), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "parmtype=debug:int"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, NULL, CN_A), 0);
	CHECK_INT_EQ(modgen_write(m, ko), 0);
	modgen_free(m);
	snprintf(opt, sizeof(opt), "--verify=%s", cert);
	const char *argv_plain[] = { tool("modinfo"), ko, NULL };
	const char *argv_ver[] = { tool("modinfo"), opt, ko, NULL };
	CHECK_INT_EQ(test_run(&plain, argv_plain, NULL), 0);
	CHECK_INT_EQ(test_run(&ver, argv_ver, NULL), 0);
	CHECK_INT_EQ(plain.status, 0);
	CHECK(strstr(plain.out, "\nverify:") == NULL);
	CHECK(strstr(plain.out, "\nsignature:") != NULL);
	/* the same bytes, with one line after the signature fields */
	parm = strstr(plain.out, "\nparm:");
	CHECK(parm != NULL && strstr(plain.out, "\nsignature:") < parm);
	CHECK(asprintf(&expected, "%.*sverify:         %s\n%s",
		       (int)(parm + 1 - plain.out), plain.out, good_line(CN_A, cert),
		       parm + 1) > 0);
	CHECK_RUN(&ver, expected, "", 0);
	free(expected);
	test_run_release(&plain);
	test_run_release(&ver);
	return 0;
}

TEST(modinfo_good_der_dir_and_lists)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	const char *certdir = path_in(dir, "certs"), *der;
	_cleanup_free_ char *list = NULL;
	char opt1[PATH_MAX + 16], opt2[PATH_MAX + 16], want[PATH_MAX + 128];
	struct test_run r;

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	der = der_of(dir, CN_A);
	CHECK(der != NULL);
	CHECK_INT_EQ(verify_field(der, ko, good_line(CN_A, der), 0), 0);

	/* a directory: files in name order, those without certificates skipped */
	CHECK_INT_EQ(test_write_str(path_in(certdir, "0-README"), "not a certificate\n"),
		     0);
	CHECK_INT_EQ(run_cmd(&r, "/bin/cp", cert_of(CN_B), path_in(certdir, "1-b.pem"),
			     NULL),
		     0);
	test_run_release(&r);
	CHECK_INT_EQ(run_cmd(&r, "/bin/cp", der, path_in(certdir, "2-a.der"), NULL), 0);
	test_run_release(&r);
	CHECK_INT_EQ(verify_field(certdir, ko,
				  good_line(CN_A, path_in(certdir, "2-a.der")), 0),
		     0);

	/* a comma-separated list, and the option repeated */
	CHECK(asprintf(&list, "%s,%s", cert_of(CN_B), cert_of(CN_A)) > 0);
	CHECK_INT_EQ(verify_field(list, ko, good_line(CN_A, cert_of(CN_A)), 0), 0);
	snprintf(opt1, sizeof(opt1), "--verify=%s", cert_of(CN_B));
	snprintf(opt2, sizeof(opt2), "--verify=%s", der);
	const char *argv[] = { tool("modinfo"), opt1, opt2, "-F", "verify", ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	/* B first, A's DER second: the second certificate verifies */
	snprintf(want, sizeof(want), "%s\n", good_line(CN_A, der));
	CHECK_RUN(&r, want, "", 0);
	test_run_release(&r);
	return 0;
}

TEST(modinfo_unknown_key)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	const char *serial = serial_of(CN_A);
	char want[512];

	test_need_feature("openssl");
	CHECK(serial != NULL);
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	snprintf(want, sizeof(want),
		 "unknown-key: no given certificate matches issuer \"%s\", serial %s",
		 CN_A, serial);
	CHECK_INT_EQ(verify_field(cert_of(CN_B), ko, want, 1), 0);
	return 0;
}

TEST(modinfo_flipped_content_byte)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	CHECK_INT_EQ(verify_field(cert_of(CN_A), ko, good_line(CN_A, cert_of(CN_A)), 0),
		     0);
	CHECK_INT_EQ(flip_byte(ko, 100), 0); /* inside the ELF image */
	CHECK_INT_EQ(
		verify_field(cert_of(CN_A), ko,
			     "bad: the signature does not match the module's content", 1),
		0);
	return 0;
}

TEST(modinfo_flipped_signature_byte)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	/* the RSA signature value ends the PKCS#7 data, before info block and magic */
	CHECK_INT_EQ(flip_byte(ko, -(28 + 12 + 30)), 0);
	CHECK_INT_EQ(
		verify_field(cert_of(CN_A), ko,
			     "bad: the signature does not match the module's content", 1),
		0);
	return 0;
}

TEST(modinfo_unsigned)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", NULL, NULL), 0);
	CHECK_INT_EQ(verify_field(cert_of(CN_A), ko, "unsigned", 1), 0);
	return 0;
}

TEST(modinfo_compressed_checked_after_decompression)
{
	static const char *const suffixes[] = { "ko.xz", "ko.zst", "ko.gz" };
	static const char *const tools[] = { "/usr/bin/xz", "/usr/bin/zstd",
					     "/bin/gzip" };
	const char *dir = test_tmpdir();

	test_need_feature("openssl");
	test_need_feature("xz");
	test_need_feature("zstd");
	test_need_feature("zlib");
	for (size_t i = 0; i < 3; i++) {
		char name[32];
		const char *file, *plain;
		struct test_run r;

		snprintf(name, sizeof(name), "a.%s", suffixes[i]);
		file = path_in(dir, name);
		CHECK_INT_EQ(write_module(file, "a", CN_A, NULL), 0);
		CHECK_INT_EQ(verify_field(cert_of(CN_A), file,
					  good_line(CN_A, cert_of(CN_A)), 0),
			     0);
		/* a changed byte in the signed image, compressed again */
		snprintf(name, sizeof(name), "bad%zu.ko", i);
		plain = path_in(dir, name);
		CHECK_INT_EQ(write_module(plain, "a", CN_A, NULL), 0);
		CHECK_INT_EQ(flip_byte(plain, 80), 0);
		CHECK_INT_EQ(run_cmd(&r, tools[i], "-q", plain, NULL), 0);
		test_run_release(&r);
		snprintf(name, sizeof(name), "bad%zu.%s", i, suffixes[i]);
		CHECK_INT_EQ(
			verify_field(
				cert_of(CN_A), path_in(dir, name),
				"bad: the signature does not match the module's content",
				1),
			0);
	}
	return 0;
}

TEST(modinfo_verify_with_null_separator)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	char opt[PATH_MAX + 16], want[1024];
	struct test_run r;

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", NULL, NULL), 0);
	snprintf(opt, sizeof(opt), "--verify=%s", cert_of(CN_A));
	const char *argv[] = { tool("modinfo"), "-0", opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_INT_EQ(r.status, 1);
	/* the last record */
	snprintf(want, sizeof(want), "verify=unsigned");
	CHECK(r.out_len > strlen(want) + 1);
	CHECK_MEM_EQ(r.out + r.out_len - strlen(want) - 2, strlen(want) + 2,
		     "\0verify=unsigned", strlen(want) + 2);
	test_run_release(&r);
	return 0;
}

TEST(modinfo_certificate_errors)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	const char *junk = path_in(dir, "junk.pem"), *empty = path_in(dir, "empty");
	char opt[PATH_MAX + 16], want[PATH_MAX + 128];
	struct test_run r;

	test_need_feature("openssl");
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	CHECK_INT_EQ(test_write_str(junk, "-----BEGIN CERTIFICATE-----\nAAAA\n"), 0);
	CHECK_INT_EQ(mkdir(empty, 0755), 0);

	snprintf(opt, sizeof(opt), "--verify=%s/missing.pem", dir);
	const char *argv[] = { tool("modinfo"), opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	snprintf(
		want, sizeof(want),
		"modinfo: ERROR: certificate %s/missing.pem: No such file or directory\n",
		dir);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);

	snprintf(opt, sizeof(opt), "--verify=%s", junk);
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	snprintf(
		want, sizeof(want),
		"modinfo: ERROR: certificate %s: no X.509 certificate in it (PEM or DER expected)\n",
		junk);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);

	snprintf(opt, sizeof(opt), "--verify=%s", empty);
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	snprintf(want, sizeof(want),
		 "modinfo: ERROR: certificate directory %s: no X.509 certificate in it\n",
		 empty);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);
	return 0;
}

TEST(modinfo_verify_not_with_json)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	char opt[PATH_MAX + 16];
	struct test_run r;

	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	snprintf(opt, sizeof(opt), "--verify=%s", cert_of(CN_A));
	const char *argv[] = { tool("modinfo"), "--json", opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_RUN(&r, "", "modinfo: ERROR: --json cannot be combined with --verify.\n",
		  1);
	test_run_release(&r);
	return 0;
}

TEST(libcrypto_missing_fails_closed)
{
	struct fixture fx;
	_cleanup_free_ char *ko = NULL, *opt = NULL, *want = NULL, *log = NULL;
	char preload[PATH_MAX];
	const char *env[] = { preload, "MODKIT_NODLOPEN=libcrypto.so.3", NULL };
	struct test_run r;

	/* modkit-nodlopen.so makes dlopen("libcrypto.so.3") fail */
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s/testsuite/modkit-nodlopen.so",
		 test_build_root());
	CHECK_INT_EQ(fixture_init(&fx, NULL, KVER), 0);
	CHECK(asprintf(&ko, "%s/a.ko", fx.root) > 0);
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	CHECK(asprintf(&opt, "--verify=%s", cert_of(CN_A)) > 0);
	const char *argv[] = { tool("modinfo"), opt, "-F", "verify", ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, env), 0);
	CHECK(asprintf(
		      &want,
		      "modinfo: ERROR: certificate %s: libcrypto (OpenSSL) is not available\n",
		      cert_of(CN_A)) > 0);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);

	/* insmod refuses rather than inserting unchecked (the shim goes first) */
	free(opt);
	CHECK(asprintf(&opt, "--require-signature=%s", cert_of(CN_A)) > 0);
	snprintf(preload, sizeof(preload),
		 "LD_PRELOAD=%s %s/testsuite/modkit-nodlopen.so", fixture_shim_path(),
		 test_build_root());
	const char *env2[] = { preload, "MODKIT_NODLOPEN=libcrypto.so.3", fx.env[1],
			       fx.env[2], NULL };
	const char *argv2[] = { tool("insmod"), opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv2, env2), 0);
	CHECK_INT_EQ(r.status, 1);
	CHECK_MSG(strstr(r.err, "libcrypto (OpenSSL) is not available") != NULL,
		  "stderr: %s", r.err);
	test_run_release(&r);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK_STR_EQ(log, "");
	fixture_release(&fx);
	return 0;
}

/* --verify alone: the certificates built into ROOT/boot/vmlinuz-KVER */
static int write_fake_kernel(const char *root, const char *der, bool bzimage)
{
	struct test_run r;
	char *cert = NULL, *blob = NULL, *image = NULL;
	const char *payload = path_in(root, "payload");
	size_t cert_len = 0, blob_len = 4096 + 3000, image_len = 0;
	int ret = -1;

	if (test_read_file(der, &cert, &cert_len) < 0)
		return -1;
	/* filler that holds no certificate, the certificate, more filler */
	blob = calloc(1, blob_len + cert_len);
	for (size_t i = 0; i < blob_len; i++)
		blob[i] = (char)(i * 7 + (i >> 8));
	memcpy(blob + 4096, cert, cert_len);
	if (test_write_file(payload, blob, blob_len + cert_len) < 0 ||
	    run_cmd(&r, bzimage ? "/usr/bin/xz" : "/bin/gzip", "-q", payload, NULL) != 0)
		goto out;
	test_run_release(&r);
	if (test_read_file(path_in(root, bzimage ? "payload.xz" : "payload.gz"), &image,
			   &image_len) < 0)
		goto out;
	if (bzimage) {
		/* setup header (boot protocol 2.08): 2 setup sectors, then the payload at
		 * offset 0 of the protected-mode part, followed by the 4-byte size */
		size_t start = 3 * 512, total = start + image_len + 4;
		uint8_t *bz = calloc(1, total);
		uint32_t plen = (uint32_t)image_len + 4;

		bz[0x1f1] = 2;
		memcpy(bz + 0x202, "HdrS", 4);
		bz[0x206] = 0x08;
		bz[0x207] = 0x02;
		memcpy(bz + 0x24c, &plen, 4); /* little-endian host */
		memcpy(bz + start, image, image_len);
		ret = test_write_file(path_in(root, "boot/vmlinuz-" KVER), bz, total);
		free(bz);
	} else {
		ret = test_write_file(path_in(root, "boot/vmlinuz-" KVER), image,
				      image_len);
	}
out:
	free(cert);
	free(blob);
	free(image);
	return ret;
}

TEST(modinfo_verify_alone_uses_kernel_image)
{
	test_need_feature("openssl");
	for (int bz = 0; bz < 2; bz++) {
		const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
		const char *der = der_of(dir, CN_A);
		const char *vmlinuz = path_in(dir, "boot/vmlinuz-" KVER);
		struct test_run r;
		char want[PATH_MAX + 128];

		CHECK(der != NULL);
		CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
		CHECK_INT_EQ(write_fake_kernel(dir, der, bz), 0);
		const char *argv[] = { tool("modinfo"), "-b", dir,	"-k", KVER,
				       "--verify",	"-F", "verify", ko,   NULL };
		CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
		snprintf(want, sizeof(want), "%s\n", good_line(CN_A, vmlinuz));
		CHECK_RUN(&r, want, "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(modinfo_verify_alone_without_kernel_image)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	char want[PATH_MAX + 128];
	struct test_run r;

	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	const char *argv[] = { tool("modinfo"), "-b", dir, "-k", KVER,
			       "--verify",	ko,   NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	snprintf(want, sizeof(want),
		 "modinfo: ERROR: kernel image %s/boot/vmlinuz-" KVER
		 ": No such file or directory\n",
		 dir);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);
	return 0;
}

/* ---- the library: shapes sign-file does not make ----------------------------------- */

/* image || openssl cms -sign <extra> || info block || magic */
static int sign_custom(const char *dir, const char *cn, const char *extra1,
		       const char *extra2, void **out, size_t *out_len)
{
	const char *in = path_in(dir, "in.ko"), *p7 = path_in(dir, "in.p7s");
	struct modgen_module *m = modgen_new("c");
	char *sig = NULL;
	void *img = NULL;
	size_t ilen = 0, slen = 0;
	uint8_t *all;
	struct test_run r;

	if (m == NULL || modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_build(m, &img, &ilen) < 0 || test_write_file(in, img, ilen) < 0)
		return -1;
	modgen_free(m);
	const char *argv[] = { "/usr/bin/openssl",
			       "cms",
			       "-sign",
			       "-in",
			       in,
			       "-signer",
			       cert_of(cn),
			       "-inkey",
			       key_of(cn),
			       "-md",
			       "sha256",
			       "-binary",
			       "-nocerts",
			       "-outform",
			       "DER",
			       "-out",
			       p7,
			       extra1,
			       extra2,
			       NULL };
	if (test_run(&r, argv, NULL) < 0 || r.status != 0 ||
	    test_read_file(p7, &sig, &slen) < 0) {
		free(img);
		return -1;
	}
	test_run_release(&r);
	all = malloc(ilen + slen + 40);
	memcpy(all, img, ilen);
	memcpy(all + ilen, sig, slen);
	memcpy(all + ilen + slen, "\0\0\2\0\0\0\0\0", 8);
	all[ilen + slen + 8] = (uint8_t)(slen >> 24);
	all[ilen + slen + 9] = (uint8_t)(slen >> 16);
	all[ilen + slen + 10] = (uint8_t)(slen >> 8);
	all[ilen + slen + 11] = (uint8_t)slen;
	memcpy(all + ilen + slen + 12, MAGIC, 28);
	*out = all;
	*out_len = ilen + slen + 40;
	free(img);
	free(sig);
	return 0;
}

static struct sig_keyring *keyring_of(const char *cn)
{
	struct sig_keyring *kr = sig_keyring_new();
	char *pem = NULL;
	size_t len = 0;

	if (kr == NULL || test_read_file(cert_of(cn), &pem, &len) < 0 ||
	    sig_keyring_add(kr, pem, len) != 1) {
		sig_keyring_free(kr);
		kr = NULL;
	}
	free(pem);
	return kr;
}

TEST(lib_signed_attributes)
{
	const char *dir = test_tmpdir();
	struct sig_keyring *kr = keyring_of(CN_A);
	struct sig_verify_result res;
	uint8_t *img = NULL;
	size_t len = 0;

	test_need_feature("openssl");
	CHECK(kr != NULL);
	/* openssl adds signed attributes unless -noattr: a messageDigest among them */
	CHECK_INT_EQ(sign_custom(dir, CN_A, NULL, NULL, (void **)&img, &len), 0);
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "good");
	CHECK_STR_EQ(res.signer, CN_A);
	CHECK_INT_EQ(res.cert, 0);
	img[70] ^= 1;
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
	CHECK_STR_EQ(res.detail, "the module's content does not match the signed digest");
	free(img);
	sig_keyring_free(kr);
	return 0;
}

TEST(lib_embedded_content_refused)
{
	const char *dir = test_tmpdir();
	struct sig_keyring *kr = keyring_of(CN_A);
	struct sig_verify_result res;
	void *img = NULL;
	size_t len = 0;

	test_need_feature("openssl");
	CHECK(kr != NULL);
	CHECK_INT_EQ(sign_custom(dir, CN_A, "-noattr", "-nodetach", &img, &len), 0);
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
	CHECK_STR_EQ(res.detail,
		     "PKCS#7 signature carrying its own content (not detached)");
	free(img);
	sig_keyring_free(kr);
	return 0;
}

TEST(lib_trailer_shapes)
{
	const char *dir = test_tmpdir(), *ko = path_in(dir, "a.ko");
	struct sig_keyring *kr = keyring_of(CN_A);
	struct sig_verify_result res;
	char *img = NULL;
	size_t len = 0;

	test_need_feature("openssl");
	CHECK(kr != NULL);
	CHECK_INT_EQ(write_module(ko, "a", CN_A, NULL), 0);
	CHECK_INT_EQ(test_read_file(ko, &img, &len), 0);
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "good");
	CHECK_STR_EQ(res.detail, "");

	/* PKCS#7 must leave signer_len zero (the kernel says EBADMSG) */
	img[len - 28 - 12 + 3] = 1;
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
	CHECK_STR_EQ(res.detail,
		     "malformed signature trailer (PKCS#7 with non-zero info fields)");
	img[len - 28 - 12 + 3] = 0;

	/* id_type 1 (X509): the kernel takes PKCS#7 only */
	img[len - 28 - 12 + 2] = 1;
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
	CHECK_STR_EQ(res.detail,
		     "X509 signature (the kernel accepts PKCS#7 signatures only)");
	img[len - 28 - 12 + 2] = 2;

	/* sig_len beyond the file: the magic is there, the trailer is not sound */
	img[len - 28 - 4] = 0x7f;
	CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
	CHECK_STR_EQ(res.detail, "malformed signature trailer");
	img[len - 28 - 4] = 0;

	/* garbage where the PKCS#7 data begins */
	{
		size_t sig_len = ((size_t)(uint8_t)img[len - 28 - 2] << 8) |
				 (uint8_t)img[len - 28 - 1];

		img[len - 40 - sig_len] ^= 0xff;
		CHECK_INT_EQ(sig_verify_image(kr, img, len, &res), 0);
		CHECK_STR_EQ(sig_verdict_name(res.verdict), "bad");
		CHECK_STR_EQ(res.detail, "malformed PKCS#7 signature");
	}

	/* no magic at all */
	CHECK_INT_EQ(sig_verify_image(kr, img, len - 1, &res), 0);
	CHECK_STR_EQ(sig_verdict_name(res.verdict), "unsigned");
	free(img);
	sig_keyring_free(kr);
	return 0;
}

TEST(lib_keyring_formats)
{
	const char *dir = test_tmpdir();
	struct sig_keyring *kr = sig_keyring_new();
	char *a = NULL, *b = NULL, *der = NULL, *both;
	size_t alen, blen, dlen;

	test_need_feature("openssl");
	CHECK(kr != NULL);
	CHECK_INT_EQ(test_read_file(cert_of(CN_A), &a, &alen), 0);
	CHECK_INT_EQ(test_read_file(cert_of(CN_B), &b, &blen), 0);
	CHECK_INT_EQ(test_read_file(der_of(dir, CN_A), &der, &dlen), 0);
	/* two PEM certificates in one file, with other text around them */
	both = malloc(alen + blen + 64);
	snprintf(both, alen + blen + 64, "comment\n%s\nmore\n%s", a, b);
	CHECK_INT_EQ(sig_keyring_add(kr, both, strlen(both)), 2);
	/* DER: one, then two back to back, then trailing zero bytes */
	CHECK_INT_EQ(sig_keyring_add(kr, der, dlen), 1);
	der = realloc(der, dlen * 2 + 8);
	memcpy(der + dlen, der, dlen);
	memset(der + 2 * dlen, 0, 8);
	CHECK_INT_EQ(sig_keyring_add(kr, der, dlen * 2 + 8), 2);
	/* anything else after DER certificates is refused, and nothing is kept */
	der[2 * dlen] = 'x';
	CHECK_INT_EQ(sig_keyring_add(kr, der, dlen * 2 + 8), -EBADMSG);
	CHECK_INT_EQ(sig_keyring_add(kr, "hello", 5), -EBADMSG);
	CHECK_INT_EQ((int)sig_keyring_count(kr), 5);
	/* certificates inside any blob, as in a kernel image */
	memmove(der + 100, der, dlen);
	memset(der, 0x30, 100);
	CHECK_INT_EQ(sig_keyring_add_embedded(kr, der, dlen * 2 + 8), 1);
	CHECK_INT_EQ(sig_keyring_add_embedded(kr, a, alen), -EBADMSG);
	free(a);
	free(b);
	free(der);
	free(both);
	sig_keyring_free(kr);
	return 0;
}

/* ---- insmod and modprobe --require-signature ---------------------------------------- */

static int setup_tree(struct fixture *fx, const char *a_cn, const char *b_cn)
{
	_cleanup_free_ char *moddir = NULL;
	struct test_run r;

	CHECK_INT_EQ(fixture_init(fx, NULL, KVER), 0);
	CHECK(asprintf(&moddir, "%s/lib/modules/" KVER, fx->root) > 0);
	CHECK_INT_EQ(write_module(path_in(moddir, "kernel/a.ko"), "a", a_cn, "b"), 0);
	CHECK_INT_EQ(write_module(path_in(moddir, "kernel/b.ko.xz"), "b", b_cn, NULL), 0);
	CHECK_INT_EQ(fixture_write(fx, "proc/modules", ""), 0);
	CHECK_INT_EQ(fixture_write(fx, "lib/modules/" KVER "/modules.order",
				   "kernel/b.ko\nkernel/a.ko\n"),
		     0);
	CHECK_INT_EQ(fixture_write(fx, "lib/modules/" KVER "/modules.builtin", ""), 0);
	const char *argv[] = { tool("depmod"), "-b", fx->root, KVER, NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_INT_EQ(r.status, 0); /* stderr: warnings about files a test tree lacks */
	test_run_release(&r);
	return 0;
}

TEST(insmod_refuses_and_accepts)
{
	struct fixture fx;
	_cleanup_free_ char *log = NULL, *ko = NULL, *want = NULL, *opt = NULL;
	struct test_run r;

	test_need_feature("openssl");
	CHECK_INT_EQ(setup_tree(&fx, NULL, CN_A), 0);
	CHECK(asprintf(&ko, "%s/lib/modules/" KVER "/kernel/a.ko", fx.root) > 0);
	CHECK(asprintf(&opt, "--require-signature=%s", cert_of(CN_A)) > 0);
	const char *argv[] = { tool("insmod"), opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv, fixture_env(&fx)), 0);
	CHECK(asprintf(
		      &want,
		      "insmod: ERROR: could not insert module %s: signature check failed: unsigned\n",
		      ko) > 0);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK_STR_EQ(log, "");

	/* b is signed with A's key */
	free(ko);
	CHECK(asprintf(&ko, "%s/lib/modules/" KVER "/kernel/b.ko.xz", fx.root) > 0);
	const char *argv2[] = { tool("insmod"), opt, ko, NULL };
	CHECK_INT_EQ(test_run(&r, argv2, fixture_env(&fx)), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	free(log);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK(strncmp(log, "finit_module name=b ", 20) == 0 ||
	      strncmp(log, "init_module name=b ", 19) == 0);
	fixture_release(&fx);
	return 0;
}

TEST(modprobe_refuses_a_bad_dependency)
{
	struct fixture fx;
	_cleanup_free_ char *log = NULL, *want = NULL, *opt = NULL;
	struct test_run r;

	test_need_feature("openssl");
	/* a is good, its dependency b is signed by a key that is not given */
	CHECK_INT_EQ(setup_tree(&fx, CN_A, CN_B), 0);
	CHECK(asprintf(&opt, "--require-signature=%s", cert_of(CN_A)) > 0);
	const char *argv[] = { tool("modprobe"), opt, "a", NULL };
	CHECK_INT_EQ(test_run(&r, argv, fixture_env(&fx)), 0);
	CHECK(asprintf(
		      &want,
		      "modprobe: ERROR: could not insert 'a': signature check failed for "
		      "/lib/modules/" KVER "/kernel/b.ko.xz: unknown-key: no given "
		      "certificate matches issuer \"" CN_B "\", serial %s\n",
		      serial_of(CN_B)) > 0);
	CHECK_RUN(&r, "", want, 1);
	test_run_release(&r);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK_STR_EQ(log, "");
	fixture_release(&fx);
	return 0;
}

TEST(modprobe_loads_when_all_good)
{
	struct fixture fx;
	_cleanup_free_ char *log = NULL, *opt = NULL;
	struct test_run r;

	test_need_feature("openssl");
	CHECK_INT_EQ(setup_tree(&fx, CN_A, CN_B), 0);
	/* both keys given: a directory and a file */
	CHECK(asprintf(&opt, "--require-signature=%s,%s", cert_of(CN_A), cert_of(CN_B)) >
	      0);
	const char *argv[] = { tool("modprobe"), opt, "a", NULL };
	CHECK_INT_EQ(test_run(&r, argv, fixture_env(&fx)), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK(strstr(log, "name=b ") != NULL);
	CHECK(strstr(log, "name=a ") != NULL);
	CHECK(strstr(log, "name=b ") < strstr(log, "name=a "));
	fixture_release(&fx);
	return 0;
}

TEST(modprobe_skips_loaded_dependency)
{
	struct fixture fx;
	_cleanup_free_ char *log = NULL, *opt = NULL;
	struct test_run r;

	test_need_feature("openssl");
	/* b is unsigned but already loaded: only a is inserted, so only a is checked */
	CHECK_INT_EQ(setup_tree(&fx, CN_A, NULL), 0);
	CHECK_INT_EQ(fixture_set_loaded(&fx, "b", 4096, 0, NULL), 0);
	CHECK(asprintf(&opt, "--require-signature=%s", cert_of(CN_A)) > 0);
	const char *argv[] = { tool("modprobe"), opt, "a", NULL };
	CHECK_INT_EQ(test_run(&r, argv, fixture_env(&fx)), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	CHECK_INT_EQ(calls_of(&fx, &log), 0);
	CHECK(strstr(log, "name=b ") == NULL);
	CHECK(strstr(log, "name=a ") != NULL);
	fixture_release(&fx);
	return 0;
}

TEST_MAIN()
