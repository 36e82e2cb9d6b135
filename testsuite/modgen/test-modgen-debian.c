// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modgen against the real Debian 6.1 module tree (suite 'debian'): our signatures
 * have the structure of the distribution's, and a real module re-signed by modgen
 * reads back like the original in Debian's modinfo. The tree comes from
 * testsuite/debian-tree.sh, or $MODKIT_DEBIAN_ROOT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "modgen.h"
#include "testsuite.h"

#define KVER "6.1.0-50-amd64"
#define X_TABLES "lib/modules/" KVER "/kernel/net/netfilter/x_tables.ko"
#define MAGIC "~Module signature appended~\n"

static const char *const sys_env[] = { "LD_LIBRARY_PATH=", "LD_PRELOAD=", NULL };

static char *debian_root(void)
{
	const char *root = test_debian_tree(NULL);

	return root ? strdup(root) : NULL;
}

static char *path_in(const char *dir, const char *file)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return NULL;
	return p;
}

/* Splits a signed file into the module bytes and the PKCS#7 blob (offsets). */
static int split_signed(const char *data, size_t len, size_t *mod_len, size_t *sig_off,
			size_t *sig_len)
{
	const unsigned char *info;
	size_t n;

	if (len < 40 || memcmp(data + len - 28, MAGIC, 28) != 0)
		return -EINVAL;
	info = (const unsigned char *)data + len - 40;
	if (info[2] != 2)
		return -EINVAL;
	n = (size_t)info[8] << 24 | (size_t)info[9] << 16 | (size_t)info[10] << 8 |
	    info[11];
	if (n + 40 > len)
		return -EINVAL;
	*sig_len = n;
	*sig_off = len - 40 - n;
	*mod_len = *sig_off;
	return 0;
}

/*
 * `openssl cms -cmsout -print` of a DER blob with the values that differ between
 * keys masked: signature bytes, issuer name, serial number.
 */
static char *cms_structure(const char *p7s_path)
{
	_cleanup_free_ char *cmd = NULL;
	struct test_run r;
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char *out;

	if (asprintf(&cmd,
		     "openssl cms -cmsout -print -inform DER -in '%s' | "
		     "sed -E -e '/^ +[0-9a-f]{4} - /d' -e 's/(issuer: ).*/\\1X/' "
		     "-e 's/(serialNumber: ).*/\\1X/'",
		     p7s_path) < 0)
		return NULL;
	argv[2] = cmd;
	if (test_run(&r, argv, sys_env) != 0 || r.status != 0) {
		test_run_release(&r);
		return NULL;
	}
	out = r.out;
	free(r.err);
	return out;
}

TEST(pkcs7_structure_matches_debian)
{
	_cleanup_free_ char *root = debian_root(), *dir = test_tmpdir();
	_cleanup_free_ char *real = NULL, *data = NULL, *ours = NULL, *odata = NULL;
	_cleanup_free_ char *real_p7s = NULL, *our_p7s = NULL, *s1 = NULL, *s2 = NULL;
	struct modgen_module *m = modgen_new("ours");
	size_t len, olen, mod_len, off, sig_len;

	CHECK(root && dir && m);
	real = path_in(root, X_TABLES);
	ours = path_in(dir, "ours.ko");
	real_p7s = path_in(dir, "real.p7s");
	our_p7s = path_in(dir, "our.p7s");
	CHECK(real && ours && real_p7s && our_p7s);
	CHECK_MSG(test_read_file(real, &data, &len) == 0, "cannot read %s", real);
	CHECK_INT_EQ(split_signed(data, len, &mod_len, &off, &sig_len), 0);
	CHECK_INT_EQ(test_write_file(real_p7s, data + off, sig_len), 0);

	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, dir, NULL), 0);
	CHECK_INT_EQ(modgen_write(m, ours), 0);
	modgen_free(m);
	CHECK_INT_EQ(test_read_file(ours, &odata, &olen), 0);
	CHECK_INT_EQ(split_signed(odata, olen, &mod_len, &off, &sig_len), 0);
	CHECK_INT_EQ(test_write_file(our_p7s, odata + off, sig_len), 0);

	s1 = cms_structure(real_p7s);
	s2 = cms_structure(our_p7s);
	CHECK(s1 && s2);
	CHECK(strstr(s1, "signerInfos:") != NULL);
	CHECK_STR_EQ(s2, s1);
	return 0;
}

/* x_tables.ko with its trailer replaced by ours: same fields, our signer and key. */
TEST(resign_real_module)
{
	_cleanup_free_ char *root = debian_root(), *dir = test_tmpdir();
	_cleanup_free_ char *real = NULL, *data = NULL, *out = NULL, *cert = NULL;
	struct modgen_module *m = modgen_new(NULL);
	struct test_run r1, r2, rs;
	size_t len, mod_len, off, sig_len;
	const char *cn = "modkit re-signing test";
	char expect_signer[256];
	const char *h1, *h2;

	CHECK(root && dir && m);
	real = path_in(root, X_TABLES);
	out = path_in(dir, "x_tables.ko.xz");
	CHECK(real && out);
	CHECK_MSG(test_read_file(real, &data, &len) == 0, "cannot read %s", real);
	CHECK_INT_EQ(split_signed(data, len, &mod_len, &off, &sig_len), 0);
	CHECK_INT_EQ(modgen_set_sign(m, dir, cn), 0);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_XZ), 0);
	CHECK_INT_EQ(modgen_write_image(m, data, mod_len, out), 0);
	modgen_free(m);
	{
		test_need_kmod_oracle();
		const char *a1[] = { "/usr/sbin/modinfo", real, NULL };
		const char *a2[] = { "/usr/sbin/modinfo", out, NULL };

		CHECK(test_run(&r1, a1, sys_env) == 0 && test_run(&r2, a2, sys_env) == 0);
	}
	CHECK_INT_EQ(r1.status, 0);
	CHECK_INT_EQ(r2.status, 0);
	/* Everything between the filename line and sig_id is the same. */
	h1 = strchr(r1.out, '\n');
	h2 = strchr(r2.out, '\n');
	CHECK(h1 && h2);
	CHECK(strstr(h1, "sig_id:") && strstr(h2, "sig_id:"));
	CHECK_MEM_EQ(h2, (size_t)(strstr(h2, "sig_id:") - h2), h1,
		     (size_t)(strstr(h1, "sig_id:") - h1));
	snprintf(expect_signer, sizeof(expect_signer), "\nsigner:         %s\n", cn);
	CHECK_MSG(strstr(r2.out, expect_signer) != NULL, "%s", r2.out);
	CHECK(strstr(r1.out, "\nsigner:         Build time autogenerated kernel key\n"));
	/* Our serial, not Debian's. */
	CHECK_INT_EQ(modgen_key_ensure(dir, cn, NULL, &cert), 0);
	{
		_cleanup_free_ char *cmd = NULL;
		const char *argv[] = { "/bin/sh", "-c", NULL, NULL };

		CHECK(asprintf(
			      &cmd,
			      "openssl x509 -in '%s' -noout -serial | sed -e 's/^serial=//' "
			      "-e 's/\\(..\\)/\\1:/g' -e 's/:$//'",
			      cert) > 0);
		argv[2] = cmd;
		CHECK(test_run(&rs, argv, sys_env) == 0);
		CHECK_INT_EQ(rs.status, 0);
		rs.out[strcspn(rs.out, "\n")] = '\0';
		CHECK(strlen(rs.out) > 2);
		{
			char line[512];

			snprintf(line, sizeof(line), "\nsig_key:        %s\n", rs.out);
			CHECK_MSG(strstr(r2.out, line) != NULL, "'%s' not in:\n%s", line,
				  r2.out);
		}
		test_run_release(&rs);
	}
	test_run_release(&r1);
	test_run_release(&r2);
	return 0;
}

TEST_MAIN()
