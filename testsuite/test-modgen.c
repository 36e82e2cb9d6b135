// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tests of the module generator (testsuite/modgen): what it writes is checked with
 * independent tools only — binutils' readelf, Debian's kmod 30 (modinfo, modprobe
 * --dump-modversions / --show-exports, depmod), openssl, gzip, xz and zstd — never
 * with modkit's own parsers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "modgen.h"
#include "testsuite.h"

#define READELF "/usr/bin/readelf"
#define MODINFO "/usr/sbin/modinfo"
#define MODPROBE "/usr/sbin/modprobe"
#define DEPMOD "/usr/sbin/depmod"
#define OPENSSL "/usr/bin/openssl"

/* Debian's tools must load the system libkmod, not the one in our build tree. */
static const char *const sys_env[] = { "LD_LIBRARY_PATH=", "LD_PRELOAD=", NULL };

/* Exit status 0 and nothing on stderr; stdout is checked by the caller. */
#define CHECK_CLEAN_EXIT(r)                                  \
	do {                                                 \
		CHECK_MEM_EQ((r)->err, (r)->err_len, "", 0); \
		CHECK_INT_EQ((r)->status, 0);                \
	} while (0)

static int run(struct test_run *r, const char *const argv[])
{
	return test_run(r, argv, sys_env);
}

/* Runs a shell command line; for pipes and redirections. */
static int run_sh(struct test_run *r, const char *cmd)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };

	return test_run(r, argv, sys_env);
}

static char *tool_path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/testsuite/%s", test_build_root(), name) < 0)
		return NULL;
	return p;
}

static char *path_in(const char *dir, const char *file)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return NULL;
	return p;
}

/* modinfo's "key:" column is 16 wide. */
static void field(char *buf, size_t size, const char *key, const char *value)
{
	size_t used = strlen(buf);
	char k[64];

	snprintf(k, sizeof(k), "%s:", key);
	snprintf(buf + used, size - used, "%-16s%s\n", k, value);
}

/* A module with a bit of everything, in the given flavour. */
static struct modgen_module *sample(int bits, enum modgen_endian endian)
{
	struct modgen_module *m = modgen_new("sample_mod");

	if (m == NULL)
		return NULL;
	if (modgen_set_class(m, bits) < 0 || modgen_set_endian(m, endian) < 0 ||
	    modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_add_modinfo(m, "alias=fs-sample") < 0 ||
	    modgen_add_modinfo(m, "depends=dep_a,dep_b") < 0 ||
	    modgen_add_modinfo(m, "softdep=pre: crc32c") < 0 ||
	    modgen_add_modinfo(m, "parm=debug:Enable debugging") < 0 ||
	    modgen_add_modinfo(m, "parmtype=debug:int") < 0 ||
	    modgen_add_modinfo(m, "intree") < 0 ||
	    modgen_add_modinfo(m, "name=sample_mod") < 0 ||
	    modgen_add_modinfo(
		    m, "vermagic=6.1.0-test SMP preempt mod_unload modversions ") < 0 ||
	    modgen_add_version(m, 0xdeadbeef, "module_layout") < 0 ||
	    modgen_add_version(m, 0x1234, "printk") < 0 ||
	    modgen_add_version(m, 0xfedcba98, "dep_a_func") < 0 ||
	    modgen_add_export(m, "sample_get_block", 0x12345678) < 0 ||
	    modgen_add_export(m, "sample_put", 0xa1b2c3d4) < 0 ||
	    modgen_add_undef(m, "printk", false) < 0 ||
	    modgen_add_undef(m, "dep_a_func", false) < 0 ||
	    modgen_add_undef(m, "optional_sym", true) < 0) {
		modgen_free(m);
		return NULL;
	}
	return m;
}

static const char sample_modinfo_fields[] =
	"license:        GPL\n"
	"alias:          fs-sample\n"
	"depends:        dep_a,dep_b\n"
	"softdep:        pre: crc32c\n"
	"intree:         \n"
	"name:           sample_mod\n"
	"vermagic:       6.1.0-test SMP preempt mod_unload modversions \n"
	/* kmod prints parameters last, with their parmtype */
	"parm:           debug:Enable debugging (int)\n";

static const char sample_modversions[] = "0xdeadbeef\tmodule_layout\n"
					 "0x00001234\tprintk\n"
					 "0xfedcba98\tdep_a_func\n";

static const char sample_exports[] = "0x12345678\tsample_get_block\n"
				     "0xa1b2c3d4\tsample_put\n";

static char *write_sample(int bits, enum modgen_endian endian, const char *file)
{
	char *dir = test_tmpdir(), *path;
	struct modgen_module *m = sample(bits, endian);
	int r;

	if (dir == NULL || m == NULL)
		return NULL;
	path = path_in(dir, file);
	free(dir);
	r = path ? modgen_write(m, path) : -ENOMEM;
	modgen_free(m);
	if (r < 0) {
		fprintf(stderr, "modgen_write: %s\n", strerror(-r));
		free(path);
		return NULL;
	}
	return path;
}

/* ---- readelf ---------------------------------------------------------------- */

static int check_readelf(int bits, enum modgen_endian endian, const char *class_line,
			 const char *data_line, const char *machine_line,
			 const char *name_off_line)
{
	_cleanup_free_ char *path = write_sample(bits, endian, "sample_mod.ko");
	struct test_run r;
	const char *needles[] = {
		class_line,
		data_line,
		machine_line,
		"REL (Relocatable file)",
		" .modinfo ",
		" __versions ",
		" __ksymtab_strings ",
		" __kcrctab ",
		" .gnu.linkonce.this_module ",
		" .symtab ",
		" .strtab ",
		" .shstrtab ",
		"NOTYPE  LOCAL  DEFAULT    4 __crc_sample_get_block\n",
		"NOTYPE  LOCAL  DEFAULT    4 __crc_sample_put\n",
		"OBJECT  GLOBAL DEFAULT    5 __this_module\n",
		"NOTYPE  GLOBAL DEFAULT  UND printk\n",
		"NOTYPE  GLOBAL DEFAULT  UND dep_a_func\n",
		"NOTYPE  WEAK   DEFAULT  UND optional_sym\n",
	};
	const char *order[] = { "__crc_sample_get_block",
				"__crc_sample_put",
				"__this_module",
				"printk\n",
				"dep_a_func",
				"optional_sym" };
	const char *prev = NULL;

	CHECK(path != NULL);
	{
		const char *argv[] = { READELF, "-a", "-W", path, NULL };

		CHECK(run(&r, argv) == 0);
	}
	CHECK_CLEAN_EXIT(&r);
	CHECK_MSG(strstr(r.out, "Warning") == NULL && strstr(r.out, "Error") == NULL,
		  "readelf complained:\n%s", r.out);
	for (size_t i = 0; i < ARRAY_SIZE(needles); i++)
		CHECK_MSG(strstr(r.out, needles[i]) != NULL, "'%s' not in:\n%s",
			  needles[i], r.out);
	prev = strstr(r.out, "Symbol table '.symtab' contains 7 entries");
	CHECK_MSG(prev != NULL, "wrong symbol count:\n%s", r.out);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *p = strstr(prev, order[i]);

		CHECK_MSG(p != NULL && p > prev, "symbol %s out of order", order[i]);
		prev = p;
	}
	test_run_release(&r);

	/* The module name sits at the offset struct module puts it. */
	{
		const char *argv[] = { READELF, "-p", ".gnu.linkonce.this_module", path,
				       NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK_MSG(strstr(r.out, name_off_line) != NULL, "'%s' not in:\n%s",
			  name_off_line, r.out);
		test_run_release(&r);
	}
	/* .modinfo holds exactly the strings, in order. */
	{
		const char *argv[] = { READELF, "-p", ".modinfo", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK_MSG(
			strstr(r.out,
			       "[     0]  license=GPL\n  [     c]  alias=fs-sample\n") !=
				NULL,
			".modinfo:\n%s", r.out);
		test_run_release(&r);
	}
	return 0;
}

TEST(readelf_elf64_le)
{
	return check_readelf(64, MODGEN_LITTLE,
			     "Class:                             ELF64", "little endian",
			     "Advanced Micro Devices X86-64", "[    18]  sample_mod");
}

TEST(readelf_elf64_be)
{
	return check_readelf(64, MODGEN_BIG, "Class:                             ELF64",
			     "big endian", "PowerPC64", "[    18]  sample_mod");
}

TEST(readelf_elf32_le)
{
	return check_readelf(32, MODGEN_LITTLE,
			     "Class:                             ELF32", "little endian",
			     "Intel 80386", "[     c]  sample_mod");
}

TEST(readelf_elf32_be)
{
	return check_readelf(32, MODGEN_BIG, "Class:                             ELF32",
			     "big endian", "PowerPC", "[     c]  sample_mod");
}

/* ---- Debian's modinfo / modprobe ------------------------------------------------ */

static int check_kmod_views(int bits, enum modgen_endian endian)
{
	_cleanup_free_ char *path = write_sample(bits, endian, "sample_mod.ko");
	char expected[4096] = "";
	struct test_run r;

	CHECK(path != NULL);
	field(expected, sizeof(expected), "filename", path);
	strcat(expected, sample_modinfo_fields);
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--dump-modversions", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, sample_modversions, "", 0);
		test_run_release(&r);
	}
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, sample_exports, "", 0);
		test_run_release(&r);
	}
	/* A single field, as modinfo -F prints it. */
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, "-F", "vermagic", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "6.1.0-test SMP preempt mod_unload modversions \n", "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(kmod_views_elf64_le)
{
	return check_kmod_views(64, MODGEN_LITTLE);
}

TEST(kmod_views_elf64_be)
{
	return check_kmod_views(64, MODGEN_BIG);
}

TEST(kmod_views_elf32_le)
{
	return check_kmod_views(32, MODGEN_LITTLE);
}

TEST(kmod_views_elf32_be)
{
	return check_kmod_views(32, MODGEN_BIG);
}

static int write_module(struct modgen_module *m, const char *file, char **out)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char *path = dir ? path_in(dir, file) : NULL;
	int r;

	if (path == NULL)
		return -ENOMEM;
	r = modgen_write(m, path);
	if (r < 0) {
		free(path);
		return r;
	}
	*out = path;
	return 0;
}

TEST(exports_crc_abs)
{
	struct modgen_module *m = modgen_new("abs");
	_cleanup_free_ char *path = NULL;
	struct test_run r;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_crc_mode(m, MODGEN_CRC_ABS), 0);
	CHECK_INT_EQ(modgen_add_export(m, "first", 0x55), 0);
	CHECK_INT_EQ(modgen_add_export(m, "second", 0xffffffff), 0);
	CHECK_INT_EQ(write_module(m, "abs.ko", &path), 0);
	modgen_free(m);
	{
		const char *argv[] = { READELF, "-s", "-W", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK_MSG(strstr(r.out,
				 "0000000000000055     0 NOTYPE  GLOBAL DEFAULT  ABS "
				 "__crc_first\n") != NULL,
			  "%s", r.out);
		CHECK_MSG(strstr(r.out,
				 "00000000ffffffff     0 NOTYPE  GLOBAL DEFAULT  ABS "
				 "__crc_second\n") != NULL,
			  "%s", r.out);
		CHECK(strstr(r.out, "__kcrctab") == NULL);
		test_run_release(&r);
	}
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "0x00000055\tfirst\n0xffffffff\tsecond\n", "", 0);
		test_run_release(&r);
	}
	return 0;
}

/* EXPORT_SYMBOL_GPL: CRCs in __kcrctab_gpl, offsets counted per section. */
TEST(exports_gpl_kcrctab)
{
	struct modgen_module *m = modgen_new("gpl");
	_cleanup_free_ char *path = NULL;
	struct test_run r;
	static const char *const needles[] = {
		"] __ksymtab_strings PROGBITS        0000000000000000 ",
		" 01 AMS  0   0  1\n",
		"] __kcrctab         PROGBITS ",
		"] __kcrctab_gpl     PROGBITS ",
		"0000000000000000     0 NOTYPE  LOCAL  DEFAULT    2 __crc_plain_a\n",
		"0000000000000000     0 NOTYPE  LOCAL  DEFAULT    3 __crc_gpl_b\n",
		"0000000000000004     0 NOTYPE  LOCAL  DEFAULT    2 __crc_plain_c\n",
		"0000000000000004     0 NOTYPE  LOCAL  DEFAULT    3 __crc_gpl_d\n",
	};

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_export(m, "plain_a", 0xa), 0);
	CHECK_INT_EQ(modgen_add_export_full(m, "gpl_b", 0xb, NULL, true), 0);
	CHECK_INT_EQ(modgen_add_export(m, "plain_c", 0xc), 0);
	CHECK_INT_EQ(modgen_add_export_full(m, "gpl_d", 0xd, "NS_D", true), 0);
	CHECK_INT_EQ(write_module(m, "gpl.ko", &path), 0);
	modgen_free(m);
	{
		const char *argv[] = { READELF, "-S", "-s", "-W", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		for (size_t i = 0; i < ARRAY_SIZE(needles); i++)
			CHECK_MSG(strstr(r.out, needles[i]) != NULL, "'%s' not in:\n%s",
				  needles[i], r.out);
		test_run_release(&r);
	}
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r,
			  "0x0000000a\tplain_a\n0x0000000b\tgpl_b\n0x0000000c\tplain_c\n"
			  "0x0000000d\tgpl_d\n",
			  "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(exports_no_modversions)
{
	struct modgen_module *m = modgen_new("nomv");
	_cleanup_free_ char *path = NULL;
	struct test_run r;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_crc_mode(m, MODGEN_CRC_NONE), 0);
	CHECK_INT_EQ(modgen_add_export(m, "plain", 0x99), 0);
	CHECK_INT_EQ(modgen_add_export_ns(m, "spaced", 0x98, "MY_NS"), 0);
	CHECK_INT_EQ(write_module(m, "nomv.ko", &path), 0);
	modgen_free(m);
	{
		const char *argv[] = { READELF, "-s", "-W", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK_MSG(strstr(r.out, "__crc_") == NULL, "%s", r.out);
		test_run_release(&r);
	}
	{
		const char *argv[] = { READELF, "-p", "__ksymtab_strings", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_MSG(
			strstr(r.out,
			       "[     0]  plain\n  [     6]  spaced\n  [     d]  MY_NS\n"),
			"%s", r.out);
		test_run_release(&r);
	}
	/* The fallback path: every string, namespace included, CRC 0. */
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r,
			  "0x00000000\tplain\n0x00000000\tspaced\n0x00000000\tMY_NS\n",
			  "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(modinfo_raw_padding_and_bare_keys)
{
	struct modgen_module *m = modgen_new("pad");
	_cleanup_free_ char *path = NULL;
	char expected[1024] = "";
	struct test_run r;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo_raw(m, "\0\0\0", 3), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "description=two  spaces"), 0);
	CHECK_INT_EQ(modgen_add_modinfo_raw(m, "\0\0", 2), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "staging"), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "alias=a"), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "alias=b"), 0);
	CHECK_INT_EQ(write_module(m, "pad.ko", &path), 0);
	modgen_free(m);
	field(expected, sizeof(expected), "filename", path);
	strcat(expected, "description:    two  spaces\n"
			 "staging:        \n"
			 "alias:          a\n"
			 "alias:          b\n");
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	return 0;
}

/* ---- signatures --------------------------------------------------------------- */

/* "0DB1E5..." (openssl x509 -serial) -> "0D:B1:E5:..." (modinfo's sig_key). */
static int cert_serial(const char *cert, char *out, size_t size)
{
	const char *argv[] = { OPENSSL, "x509", "-in", cert, "-noout", "-serial", NULL };
	struct test_run r;
	const char *hex;
	size_t n = 0;

	if (run(&r, argv) != 0 || r.status != 0 || strncmp(r.out, "serial=", 7) != 0) {
		test_run_release(&r);
		return -EIO;
	}
	hex = r.out + 7;
	for (size_t i = 0; hex[i] && hex[i] != '\n'; i += 2) {
		if (n + 4 > size) {
			test_run_release(&r);
			return -ENOSPC;
		}
		if (i > 0)
			out[n++] = ':';
		out[n++] = hex[i];
		out[n++] = hex[i + 1];
	}
	out[n] = '\0';
	test_run_release(&r);
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Checks modinfo's signature fields for a PKCS#7-signed file, the trailer bytes of
 * the uncompressed image, and that the signature verifies over the ELF image.
 */
static int check_pkcs7(const char *modpath, const char *plain_path,
		       const struct modgen_module *m, const char *keydir, const char *cn,
		       const char *modinfo_head)
{
	_cleanup_free_ char *cert = NULL, *data = NULL, *dir = test_tmpdir();
	_cleanup_free_ char *elf_path = NULL, *p7s_path = NULL;
	_cleanup_free_ void *elf = NULL;
	char serial[256], expected[1024] = "";
	size_t len, elf_len;
	struct test_run r;
	uint32_t sig_len;

	CHECK(dir != NULL);
	CHECK_INT_EQ(modgen_key_ensure(keydir, cn, NULL, &cert), 0);
	CHECK_INT_EQ(cert_serial(cert, serial, sizeof(serial)), 0);

	/* The sig_* fields follow the .modinfo ones; 256 signature bytes = 13 lines. */
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, modpath, NULL };
		const char *sig;
		size_t lines = 0;

		CHECK(run(&r, argv) == 0);
		CHECK_INT_EQ(r.status, 0);
		field(expected, sizeof(expected), "filename", modpath);
		strcat(expected, modinfo_head);
		field(expected, sizeof(expected), "sig_id", "PKCS#7");
		field(expected, sizeof(expected), "signer", cn);
		field(expected, sizeof(expected), "sig_key", serial);
		field(expected, sizeof(expected), "sig_hashalgo", "sha256");
		strcat(expected, "signature:      ");
		CHECK_MEM_EQ(r.out, MIN(r.out_len, strlen(expected)), expected,
			     strlen(expected));
		sig = r.out + strlen(expected);
		for (const char *p = sig; *p; p++)
			lines += *p == '\n';
		CHECK_INT_EQ(lines, 13);
		/* 256 bytes as "XX" joined by ':', 12 line breaks "\n\t\t", final '\n' */
		CHECK_INT_EQ(strlen(sig), 256 * 2 + 255 + 12 * 3 + 1);
		test_run_release(&r);
	}

	/* Trailer: image ‖ p7s ‖ 00 00 02 00 00 00 00 00 ‖ be32 len ‖ magic. */
	CHECK_INT_EQ(test_read_file(plain_path, &data, &len), 0);
	CHECK_INT_EQ(modgen_build(m, &elf, &elf_len), 0);
	CHECK(len > elf_len + 40);
	CHECK_MEM_EQ(data, elf_len, elf, elf_len);
	CHECK_MEM_EQ(data + len - 28, 28, "~Module signature appended~\n", 28);
	CHECK_MEM_EQ(data + len - 40, 8, "\0\0\2\0\0\0\0\0", 8);
	sig_len = be32((const unsigned char *)data + len - 32);
	CHECK_INT_EQ(sig_len, len - 40 - elf_len);

	/* openssl agrees that the detached signature covers the ELF image. */
	elf_path = path_in(dir, "elf");
	p7s_path = path_in(dir, "p7s");
	CHECK(elf_path && p7s_path);
	CHECK_INT_EQ(test_write_file(elf_path, elf, elf_len), 0);
	CHECK_INT_EQ(test_write_file(p7s_path, data + elf_len, sig_len), 0);
	{
		const char *argv[] = { OPENSSL,	    "cms",    "-verify",   "-binary",
				       "-inform",   "DER",    "-in",	   p7s_path,
				       "-content",  elf_path, "-certfile", cert,
				       "-noverify", "-out",   "/dev/null", NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_MSG(r.status == 0, "cms -verify: %s", r.err);
		test_run_release(&r);
	}
	/* No certificates, no signed attributes (formats.md 4.1). */
	{
		const char *argv[] = { OPENSSL, "cms", "-cmsout", "-print", "-inform",
				       "DER",	"-in", p7s_path,  NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_INT_EQ(r.status, 0);
		CHECK_MSG(strstr(r.out, "certificates:\n      <ABSENT>") != NULL, "%s",
			  r.out);
		CHECK_MSG(strstr(r.out, "signedAttrs:\n          <ABSENT>") != NULL, "%s",
			  r.out);
		CHECK_MSG(strstr(r.out, "d.issuerAndSerialNumber:") != NULL, "%s", r.out);
		CHECK_MSG(strstr(r.out, "eContent: <ABSENT>") != NULL, "%s", r.out);
		test_run_release(&r);
	}
	return 0;
}

TEST(sign_pkcs7_default_cn)
{
	_cleanup_free_ char *keydir = test_tmpdir(), *path = NULL;
	struct modgen_module *m = modgen_new("signed");
	int ret;

	CHECK(m != NULL && keydir != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, keydir, NULL), 0);
	CHECK_INT_EQ(write_module(m, "signed.ko", &path), 0);
	ret = check_pkcs7(path, path, m, keydir, MODGEN_DEFAULT_CN,
			  "license:        GPL\n");
	modgen_free(m);
	return ret;
}

TEST(sign_pkcs7_custom_cn_32be)
{
	_cleanup_free_ char *keydir = test_tmpdir(), *path = NULL;
	struct modgen_module *m = modgen_new("signed32");
	const char *cn = "Odd/CN+with, chars";
	int ret;

	CHECK(m != NULL && keydir != NULL);
	CHECK_INT_EQ(modgen_set_class(m, 32), 0);
	CHECK_INT_EQ(modgen_set_endian(m, MODGEN_BIG), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL v2"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, keydir, cn), 0);
	CHECK_INT_EQ(write_module(m, "signed32.ko", &path), 0);
	ret = check_pkcs7(path, path, m, keydir, cn, "license:        GPL v2\n");
	modgen_free(m);
	return ret;
}

TEST(sign_key_reused_per_cn)
{
	_cleanup_free_ char *keydir = test_tmpdir();
	_cleanup_free_ char *c1 = NULL, *c2 = NULL, *c3 = NULL, *d1 = NULL, *d3 = NULL;
	size_t l1, l3;

	CHECK(keydir != NULL);
	CHECK_INT_EQ(modgen_key_ensure(keydir, "A", NULL, &c1), 0);
	CHECK_INT_EQ(modgen_key_ensure(keydir, "A", NULL, &c2), 0);
	CHECK_INT_EQ(modgen_key_ensure(keydir, "B", NULL, &c3), 0);
	CHECK_STR_EQ(c1, c2);
	CHECK(strcmp(c1, c3) != 0);
	CHECK_INT_EQ(test_read_file(c1, &d1, &l1), 0);
	CHECK_INT_EQ(test_read_file(c3, &d3, &l3), 0);
	CHECK(l1 != l3 || memcmp(d1, d3, l1) != 0);
	return 0;
}

TEST(sign_default_keydir_from_env)
{
	_cleanup_free_ char *keydir = test_tmpdir(), *path = NULL, *dflt = NULL;
	_cleanup_free_ char *cert = NULL;
	struct modgen_module *m = modgen_new("envkey");
	int ret;

	CHECK(m != NULL && keydir != NULL);
	CHECK(setenv("MODKIT_MODGEN_KEYDIR", keydir, 1) == 0);
	dflt = modgen_default_keydir();
	CHECK_STR_EQ(dflt, keydir);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, NULL, NULL), 0);
	CHECK_INT_EQ(write_module(m, "envkey.ko", &path), 0);
	/* The key was made under $MODKIT_MODGEN_KEYDIR and signed the module. */
	CHECK_INT_EQ(modgen_key_ensure(keydir, NULL, NULL, &cert), 0);
	CHECK(strncmp(cert, keydir, strlen(keydir)) == 0);
	ret = check_pkcs7(path, path, m, keydir, MODGEN_DEFAULT_CN,
			  "license:        GPL\n");
	modgen_free(m);
	return ret;
}

/* Concurrent first users of a CN end up with one matching key and certificate. */
TEST(sign_key_concurrent_creation)
{
	_cleanup_free_ char *keydir = test_tmpdir(), *key = NULL, *cert = NULL;
	_cleanup_free_ char *cmd = NULL;
	struct test_run r1, r2;
	pid_t pids[4];
	int status;

	CHECK(keydir != NULL);
	fflush(NULL);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(modgen_key_ensure(keydir, "Race", NULL, NULL) == 0 ? 0 : 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		CHECK(waitpid(pids[i], &status, 0) == pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_INT_EQ(modgen_key_ensure(keydir, "Race", &key, &cert), 0);
	{
		const char *a1[] = { OPENSSL,  "x509",	   "-in", cert,
				     "-noout", "-modulus", NULL };
		const char *a2[] = { OPENSSL,  "rsa",	   "-in", key,
				     "-noout", "-modulus", NULL };

		CHECK(run(&r1, a1) == 0 && run(&r2, a2) == 0);
		CHECK_INT_EQ(r1.status, 0);
		CHECK_INT_EQ(r2.status, 0);
		CHECK(strncmp(r1.out, "Modulus=", 8) == 0);
		CHECK_STR_EQ(r1.out, r2.out);
		test_run_release(&r1);
		test_run_release(&r2);
	}
	/* Nothing left behind but the one key directory. */
	CHECK(asprintf(&cmd, "ls -A '%s'", keydir) > 0);
	CHECK(run_sh(&r1, cmd) == 0);
	CHECK_INT_EQ(r1.status, 0);
	CHECK_MSG(strncmp(r1.out, "modgen-", 7) == 0 && strchr(r1.out, '\n') &&
			  strchr(r1.out, '\n')[1] == '\0',
		  "key dir holds:\n%s", r1.out);
	test_run_release(&r1);
	return 0;
}

static int check_raw_sig(uint8_t id_type, const char *sig_id)
{
	static const uint8_t sig[25] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
					 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
					 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0xaa,
					 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t keyid[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct modgen_raw_sig rs = {
		.algo = 1,
		.hash = 2, /* sha1 */
		.id_type = id_type,
		.signer = "Raw Signer",
		.signer_len = 10,
		.key_id = keyid,
		.key_id_len = 4,
		.sig = sig,
		.sig_len = sizeof(sig),
	};
	struct modgen_module *m = modgen_new("raw");
	_cleanup_free_ char *path = NULL, *data = NULL;
	char expected[2048] = "";
	struct test_run r;
	size_t len;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_raw_signature(m, &rs), 0);
	CHECK_INT_EQ(write_module(m, "raw.ko", &path), 0);
	modgen_free(m);
	field(expected, sizeof(expected), "filename", path);
	strcat(expected, "license:        GPL\n");
	field(expected, sizeof(expected), "sig_id", sig_id);
	field(expected, sizeof(expected), "signer", "Raw Signer");
	field(expected, sizeof(expected), "sig_key", "DE:AD:BE:EF");
	field(expected, sizeof(expected), "sig_hashalgo", "sha1");
	strcat(expected,
	       "signature:      00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:"
	       "10:11:12:13:\n\t\tAA:BB:CC:DD:EE\n");
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	CHECK_INT_EQ(test_read_file(path, &data, &len), 0);
	CHECK(len > 40 + 39);
	{
		const char info[12] = {
			1, 2, (char)id_type, 10, 4, 0, 0, 0, 0, 0, 0, 25
		};

		CHECK_MEM_EQ(data + len - 40, 12, info, 12);
	}
	CHECK_MEM_EQ(data + len - 40 - 25 - 4 - 10, 14, "Raw Signer\xde\xad\xbe\xef", 14);
	return 0;
}

TEST(sign_raw_x509)
{
	return check_raw_sig(1, "X509");
}

TEST(sign_raw_pgp)
{
	return check_raw_sig(0, "PGP");
}

/* ---- compression -------------------------------------------------------------- */

/* Decompresses with the given command into dir/plain; returns its path. */
static char *decompress(const char *cmd, const char *path)
{
	_cleanup_free_ char *dir = test_tmpdir();
	char *plain = dir ? path_in(dir, "plain.ko") : NULL;
	_cleanup_free_ char *line = NULL;
	struct test_run r;

	if (plain == NULL || asprintf(&line, "%s '%s' > '%s'", cmd, path, plain) < 0)
		return NULL;
	if (run_sh(&r, line) != 0 || r.status != 0) {
		fprintf(stderr, "%s failed: %s\n", line, r.err ? r.err : "");
		test_run_release(&r);
		free(plain);
		return NULL;
	}
	test_run_release(&r);
	return plain;
}

static int check_same_as_built(const char *plain, const struct modgen_module *m)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_free_ void *elf = NULL;
	size_t len, elf_len;

	CHECK_INT_EQ(test_read_file(plain, &data, &len), 0);
	CHECK_INT_EQ(modgen_build(m, &elf, &elf_len), 0);
	CHECK_MEM_EQ(data, len, elf, elf_len);
	return 0;
}

static int check_compressed(enum modgen_compression c, const char *file,
			    const char *magic, size_t magic_len, const char *decomp,
			    bool modinfo_reads_it)
{
	struct modgen_module *m = sample(64, MODGEN_LITTLE);
	_cleanup_free_ char *path = NULL, *data = NULL, *plain = NULL;
	char expected[4096] = "";
	struct test_run r;
	size_t len;
	int ret;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_compression(m, c), 0);
	CHECK_INT_EQ(write_module(m, file, &path), 0);
	CHECK_INT_EQ(test_read_file(path, &data, &len), 0);
	CHECK(len > magic_len);
	CHECK_MEM_EQ(data, magic_len, magic, magic_len);
	plain = decompress(decomp, path);
	CHECK(plain != NULL);
	ret = check_same_as_built(plain, m);
	modgen_free(m);
	if (ret)
		return ret;

	/* Debian's kmod 30 has no zlib: its modinfo reads .gz files only decompressed. */
	field(expected, sizeof(expected), "filename", modinfo_reads_it ? path : plain);
	strcat(expected, sample_modinfo_fields);
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, modinfo_reads_it ? path : plain, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--dump-modversions",
				       modinfo_reads_it ? path : plain, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, sample_modversions, "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(compress_gzip)
{
	_cleanup_free_ char *dir = NULL;
	struct test_run r;
	int ret = check_compressed(MODGEN_COMPRESS_GZIP, "sample_mod.ko.gz", "\x1f\x8b",
				   2, "gzip -dc", false);

	if (ret)
		return ret;
	/* gzip -n: no file name (FLG.FNAME clear) and zero MTIME; and it tests OK. */
	{
		struct modgen_module *m = sample(32, MODGEN_BIG);
		_cleanup_free_ char *path = NULL, *data = NULL, *cmd = NULL;
		size_t len;

		CHECK(m != NULL);
		CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_GZIP), 0);
		CHECK_INT_EQ(write_module(m, "x.ko.gz", &path), 0);
		modgen_free(m);
		CHECK_INT_EQ(test_read_file(path, &data, &len), 0);
		CHECK(len > 10);
		CHECK_INT_EQ(data[3] & 0x08, 0);
		CHECK_MEM_EQ(data + 4, 4, "\0\0\0\0", 4);
		CHECK(asprintf(&cmd, "gzip -t '%s'", path) > 0);
		CHECK(run_sh(&r, cmd) == 0);
		CHECK_RUN(&r, "", "", 0);
		test_run_release(&r);
	}
	return 0;
}

TEST(compress_xz)
{
	static const char magic[] = { (char)0xfd, '7', 'z', 'X', 'Z', 0 };
	struct modgen_module *m = sample(64, MODGEN_LITTLE);
	_cleanup_free_ char *path = NULL, *cmd = NULL;
	struct test_run r;
	int ret = check_compressed(MODGEN_COMPRESS_XZ, "sample_mod.ko.xz", magic, 6,
				   "xz -dc", true);

	if (ret)
		return ret;
	/* --check=crc32 (the kernel's in-kernel xz only knows CRC32). */
	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_XZ), 0);
	CHECK_INT_EQ(write_module(m, "y.ko.xz", &path), 0);
	modgen_free(m);
	CHECK(asprintf(&cmd, "xz --robot --list '%s' | grep '^file'", path) > 0);
	CHECK(run_sh(&r, cmd) == 0);
	CHECK_INT_EQ(r.status, 0);
	CHECK_MSG(strstr(r.out, "\tCRC32\t") != NULL, "%s", r.out);
	test_run_release(&r);
	return 0;
}

TEST(compress_zstd)
{
	return check_compressed(MODGEN_COMPRESS_ZSTD, "sample_mod.ko.zst",
				"\x28\xb5\x2f\xfd", 4, "zstd -qdc", true);
}

TEST(sign_then_compress)
{
	_cleanup_free_ char *keydir = test_tmpdir(), *path = NULL, *plain = NULL;
	struct modgen_module *m = modgen_new("sz");
	int ret;

	CHECK(m != NULL && keydir != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, keydir, "Compressed signer"), 0);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_ZSTD), 0);
	CHECK_INT_EQ(write_module(m, "sz.ko.zst", &path), 0);
	plain = decompress("zstd -qdc", path);
	CHECK(plain != NULL);
	/* modinfo reads the .zst itself; the trailer is checked in the plain image. */
	ret = check_pkcs7(path, plain, m, keydir, "Compressed signer",
			  "license:        GPL\n");
	modgen_free(m);
	return ret;
}

/* ---- library behaviour ---------------------------------------------------------- */

TEST(api_errors)
{
	struct modgen_module *m = modgen_new("e");
	char long_name[80];
	_cleanup_free_ char *dir = test_tmpdir(), *path = NULL;

	CHECK(m != NULL && dir != NULL);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK(modgen_new(long_name) == NULL);
	CHECK_INT_EQ(modgen_set_name(m, long_name), -ENAMETOOLONG);
	CHECK_INT_EQ(modgen_set_class(m, 48), -EINVAL);
	CHECK_INT_EQ(modgen_set_endian(m, 0), -EINVAL);
	CHECK_INT_EQ(modgen_set_compression(m, 9), -EINVAL);
	CHECK_INT_EQ(modgen_set_crc_mode(m, 7), -EINVAL);
	CHECK_INT_EQ(modgen_add_export(m, "", 1), -EINVAL);
	CHECK_INT_EQ(modgen_compression_from_path("a.ko.gz"), MODGEN_COMPRESS_GZIP);
	CHECK_INT_EQ(modgen_compression_from_path("a.ko.xz"), MODGEN_COMPRESS_XZ);
	CHECK_INT_EQ(modgen_compression_from_path("a.ko.zst"), MODGEN_COMPRESS_ZSTD);
	CHECK_INT_EQ(modgen_compression_from_path("a.ko"), MODGEN_COMPRESS_NONE);
	/* A __versions name longer than its field cannot be written. */
	CHECK_INT_EQ(modgen_add_version(m, 1, long_name), 0);
	path = path_in(dir, "e.ko");
	CHECK(path != NULL);
	CHECK_INT_EQ(modgen_write(m, path), -ENAMETOOLONG);
	CHECK(access(path, F_OK) != 0);
	modgen_free(m);
	modgen_free(NULL);
	return 0;
}

/* A 55-byte name fits with its NUL; 56 fills the 64-bit field with no NUL. */
TEST(versions_name_field_edges)
{
	struct modgen_module *m = modgen_new("edge");
	char n55[56], n56[57];
	_cleanup_free_ void *img = NULL;
	_cleanup_free_ char *path = NULL;
	struct test_run r;
	char expected[128];
	size_t len;

	CHECK(m != NULL);
	memset(n55, 'a', 55);
	n55[55] = '\0';
	memset(n56, 'b', 56);
	n56[56] = '\0';
	CHECK_INT_EQ(modgen_add_version(m, 0x11, n55), 0);
	CHECK_INT_EQ(write_module(m, "edge.ko", &path), 0);
	snprintf(expected, sizeof(expected), "0x00000011\t%s\n", n55);
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--dump-modversions", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	CHECK_INT_EQ(modgen_add_version(m, 0x22, n56), 0);
	CHECK_INT_EQ(modgen_build(m, &img, &len), 0);
	CHECK(memmem(img, len, n56, 56) != NULL);
	modgen_free(m);
	return 0;
}

TEST(build_is_deterministic)
{
	struct modgen_module *m = sample(32, MODGEN_LITTLE);
	_cleanup_free_ void *a = NULL, *b = NULL;
	size_t la, lb;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_build(m, &a, &la), 0);
	CHECK_INT_EQ(modgen_build(m, &b, &lb), 0);
	CHECK_MEM_EQ(a, la, b, lb);
	modgen_free(m);
	return 0;
}

TEST(extra_section_and_no_name)
{
	struct modgen_module *m = modgen_new(NULL);
	_cleanup_free_ char *path = NULL;
	struct test_run r;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_section(m, ".modinfo", 1, 2, "dup=second", 11), 0);
	CHECK_INT_EQ(modgen_add_modinfo(m, "first=yes"), 0);
	CHECK_INT_EQ(write_module(m, "x.ko", &path), 0);
	modgen_free(m);
	{
		const char *argv[] = { READELF, "-S", "-s", "-W", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK_MSG(strstr(r.out, "this_module") == NULL, "%s", r.out);
		CHECK_MSG(strstr(r.out, "[ 1] .modinfo") &&
				  strstr(r.out, "[ 2] .modinfo"),
			  "%s", r.out);
		test_run_release(&r);
	}
	/* First match wins. */
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, "-F", "first", path, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "yes\n", "", 0);
		test_run_release(&r);
	}
	return 0;
}

static int dir_listing(const char *dir, char **out)
{
	_cleanup_free_ char *cmd = NULL;
	struct test_run r;

	if (asprintf(&cmd, "ls -A '%s'", dir) < 0)
		return -ENOMEM;
	if (run_sh(&r, cmd) != 0 || r.status != 0) {
		test_run_release(&r);
		return -EIO;
	}
	free(r.err);
	*out = r.out;
	return 0;
}

/* Scratch files go away, the target appears whole, failures leave nothing. */
TEST(write_leaves_no_temporary_files)
{
	_cleanup_free_ char *base = test_tmpdir(), *tmp = NULL, *keys = NULL, *out = NULL;
	_cleanup_free_ char *target = NULL, *ls = NULL, *ls2 = NULL, *failed = NULL;
	struct modgen_module *m = modgen_new("tmpcheck");

	CHECK(base && m);
	tmp = path_in(base, "tmp");
	keys = path_in(base, "keys");
	out = path_in(base, "out");
	CHECK(tmp && keys && out);
	CHECK(mkdir(tmp, 0755) == 0);
	CHECK(setenv("TMPDIR", tmp, 1) == 0);
	target = path_in(out, "deep/er/tmpcheck.ko.xz");
	failed = path_in(out, "failed.ko.zst");
	CHECK(target && failed);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_set_sign(m, keys, "Tmp"), 0);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_XZ), 0);
	CHECK_INT_EQ(modgen_write(m, target), 0);
	CHECK_INT_EQ(dir_listing(tmp, &ls), 0);
	CHECK_STR_EQ(ls, "");
	free(ls);
	ls = NULL;
	CHECK_INT_EQ(dir_listing(out, &ls), 0);
	CHECK_STR_EQ(ls, "deep\n");
	{
		_cleanup_free_ char *d = path_in(out, "deep/er");

		CHECK(d != NULL);
		CHECK_INT_EQ(dir_listing(d, &ls2), 0);
		CHECK_STR_EQ(ls2, "tmpcheck.ko.xz\n");
	}
	/* zstd cannot be found: -ENOENT, and neither target nor scratch remain. */
	modgen_free(m);
	m = modgen_new("failed");
	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_compression(m, MODGEN_COMPRESS_ZSTD), 0);
	CHECK(setenv("PATH", tmp, 1) == 0);
	CHECK_INT_EQ(modgen_write(m, failed), -ENOENT);
	CHECK(setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) == 0);
	CHECK(access(failed, F_OK) != 0);
	free(ls);
	ls = NULL;
	CHECK_INT_EQ(dir_listing(tmp, &ls), 0);
	CHECK_STR_EQ(ls, "");
	free(ls);
	ls = NULL;
	CHECK_INT_EQ(dir_listing(out, &ls), 0);
	CHECK_STR_EQ(ls, "deep\n");
	modgen_free(m);
	return 0;
}

/* ---- modkit-modgen CLI ------------------------------------------------------- */

TEST(cli_matches_library)
{
	_cleanup_free_ char *tool = tool_path("modkit-modgen"), *dir = test_tmpdir();
	_cleanup_free_ char *out = NULL, *lib = NULL, *a = NULL, *b = NULL;
	struct modgen_module *m = sample(32, MODGEN_BIG);
	struct test_run r;
	size_t la, lb;

	CHECK(tool && dir && m);
	out = path_in(dir, "sample_mod.ko");
	lib = path_in(dir, "lib.ko");
	CHECK(out && lib);
	{
		const char *argv[] = {
			tool,
			"-c",
			"32",
			"-e",
			"big",
			"-m",
			"license=GPL",
			"-m",
			"alias=fs-sample",
			"--modinfo",
			"depends=dep_a,dep_b",
			"-m",
			"softdep=pre: crc32c",
			"-m",
			"parm=debug:Enable debugging",
			"-m",
			"parmtype=debug:int",
			"-m",
			"intree",
			"-m",
			"name=sample_mod",
			"-m",
			"vermagic=6.1.0-test SMP preempt mod_unload modversions\\s",
			"-V",
			"0xdeadbeef:module_layout",
			"--modversion",
			"0x1234:printk",
			"-V",
			"0xfedcba98:dep_a_func",
			"-x",
			"sample_get_block:0x12345678",
			"--export",
			"sample_put:0xa1b2c3d4",
			"-u",
			"printk",
			"--undef",
			"dep_a_func",
			"-w",
			"optional_sym",
			out,
			NULL
		};

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_RUN(&r, "", "", 0);
		test_run_release(&r);
	}
	CHECK_INT_EQ(modgen_write(m, lib), 0);
	modgen_free(m);
	CHECK_INT_EQ(test_read_file(out, &a, &la), 0);
	CHECK_INT_EQ(test_read_file(lib, &b, &lb), 0);
	CHECK_MEM_EQ(a, la, b, lb);
	return 0;
}

TEST(cli_errors_and_options)
{
	_cleanup_free_ char *tool = tool_path("modkit-modgen"), *dir = test_tmpdir();
	_cleanup_free_ char *out = NULL, *keydir = NULL, *cert = NULL;
	struct test_run r;

	CHECK(tool && dir);
	out = path_in(dir, "o.ko");
	keydir = path_in(dir, "keys");
	CHECK(out && keydir);
	{
		const char *argv[] = { tool, "-c", "16", out, NULL };

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_RUN(&r, "", "modkit-modgen: --class wants 32 or 64, got '16'\n", 1);
		test_run_release(&r);
	}
	{
		const char *argv[] = { tool, "-V", "zz:sym", out, NULL };

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_RUN(&r, "",
			  "modkit-modgen: bad CRC in 'zz:sym': Invalid argument\n", 1);
		test_run_release(&r);
	}
	{
		const char *argv[] = { tool, "-m", "bad\\q", out, NULL };

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_INT_EQ(r.status, 1);
		test_run_release(&r);
	}
	{
		const char *argv[] = { tool, NULL };

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_INT_EQ(r.status, 1);
		CHECK(strstr(r.err, "Usage: modkit-modgen") != NULL);
		test_run_release(&r);
	}
	CHECK(access(out, F_OK) != 0);
	/* --print-cert gives the same certificate the library uses for that CN. */
	{
		const char *argv[] = { tool,	       "-k", keydir, "--sign=Some CN",
				       "--print-cert", NULL };
		char expected[PATH_MAX];

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_INT_EQ(modgen_key_ensure(keydir, "Some CN", NULL, &cert), 0);
		snprintf(expected, sizeof(expected), "%s\n", cert);
		CHECK_RUN(&r, expected, "", 0);
		test_run_release(&r);
	}
	/* --no-name, --raw-sig and -z from the command line. */
	{
		const char *argv[] = { tool,  "--no-name", "-m",
				       "a=b", "--raw-sig", "1,1,4,Me,0a0b,0c0d0e",
				       "-z",  "xz",	   out,
				       NULL };
		char expected[1024] = "";

		CHECK(test_run(&r, argv, NULL) == 0);
		CHECK_RUN(&r, "", "", 0);
		test_run_release(&r);
		{
			test_need_kmod_oracle();
			const char *mi[] = { MODINFO, out, NULL };

			field(expected, sizeof(expected), "filename", out);
			strcat(expected, "a:              b\n"
					 "sig_id:         X509\n"
					 "signer:         Me\n"
					 "sig_key:        0A:0B\n"
					 "sig_hashalgo:   sha256\n"
					 "signature:      0C:0D:0E\n");
			CHECK(run(&r, mi) == 0);
			CHECK_RUN(&r, expected, "", 0);
			test_run_release(&r);
		}
	}
	return 0;
}

/* ---- modkit-mktree -------------------------------------------------------------- */

static int mktree(const char *spec, const char *root, const char *keydir,
		  struct test_run *r)
{
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *dir = test_tmpdir();
	_cleanup_free_ char *spec_path = NULL;

	if (tool == NULL || dir == NULL || (spec_path = path_in(dir, "spec")) == NULL)
		return -ENOMEM;
	if (test_write_str(spec_path, spec) < 0)
		return -EIO;
	{
		const char *argv[] = { tool, "-k", keydir, spec_path, root, NULL };

		return test_run(r, argv, NULL);
	}
}

static const char tree_spec[] =
	"# comment line\n"
	"kver 6.1.0-test          # trailing comment with @KVER@\n"
	"module kernel/fs/fat/fat.ko\n"
	"  modinfo alias=fs-fat\n"
	"  modinfo license=GPL\n"
	"  export fat_get_block 0x12345678\n"
	"  export-gpl fat_gpl_only 0x9abc\n"
	"  undef printk\n"
	"  weak optional_sym\n"
	"  version 0xdeadbeef module_layout\n"
	"\n"
	"module kernel/fs/vfat/vfat.ko.xz\n"
	"  class 32\n"
	"  endian big\n"
	"  modinfo depends=fat\n"
	"  undef fat_get_block\n"
	"  version 0x12345678 fat_get_block\n"
	"  sign Tree signer\n"
	"module kernel/drivers/snd-dummy.ko.zst\n"
	"  noauto\n"
	"  nomodversions\n"
	"  export snd_x\n"
	"  modinfo-raw \\0\\0\n"
	"  modinfo bare\n"
	"module kernel/gz/gzmod.ko.gz\n"
	"  name other_name\n"
	"  modinfo description=# not a comment\n"
	"module /opt/outside.ko\n"
	"modules-order\n"
	"file etc/modprobe.d/a.conf\n"
	"options fat bar=1\n"
	"# kept @KVER@\n"
	"  end  \n"
	"binfile lib/modules/@KVER@/modules.builtin.modinfo\n"
	"amd_uncore.license=GPL v2\\0\n"
	"amd_uncore.file=arch/x86\\0\n"
	"end\n"
	"symlink ../target lib/link\n"
	"mkdir var/empty/dir\n";

static int read_expect(const char *root, const char *rel, const char *expected,
		       size_t expected_len)
{
	_cleanup_free_ char *path = path_in(root, rel), *data = NULL;
	size_t len;

	CHECK(path != NULL);
	CHECK_MSG(test_read_file(path, &data, &len) == 0, "cannot read %s", path);
	CHECK_MEM_EQ(data, len, expected, expected_len);
	return 0;
}

static int modinfo_expect(const char *root, const char *rel, const char *fields)
{
	_cleanup_free_ char *path = path_in(root, rel);
	char expected[4096] = "";
	test_need_kmod_oracle();
	const char *argv[] = { MODINFO, path, NULL };
	struct test_run r;

	CHECK(path != NULL);
	field(expected, sizeof(expected), "filename", path);
	strcat(expected, fields);
	CHECK(run(&r, argv) == 0);
	CHECK_RUN(&r, expected, "", 0);
	test_run_release(&r);
	return 0;
}

TEST(mktree_files)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir();
	_cleanup_free_ char *link = NULL, *dir = NULL;
	char target[64];
	struct stat st;
	struct test_run r;
	ssize_t n;

	CHECK(root && keys);
	CHECK_INT_EQ(mktree(tree_spec, root, keys, &r), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);

	if (read_expect(root, "etc/modprobe.d/a.conf",
			"options fat bar=1\n# kept 6.1.0-test\n", 36))
		return 1;
	if (read_expect(root, "lib/modules/6.1.0-test/modules.builtin.modinfo",
			"amd_uncore.license=GPL v2\0amd_uncore.file=arch/x86\0", 51))
		return 1;
	if (read_expect(root, "lib/modules/6.1.0-test/modules.order",
			"kernel/fs/fat/fat.ko\nkernel/fs/vfat/vfat.ko\n"
			"kernel/drivers/snd-dummy.ko\nkernel/gz/gzmod.ko\n",
			91))
		return 1;
	link = path_in(root, "lib/link");
	dir = path_in(root, "var/empty/dir");
	CHECK(link && dir);
	n = readlink(link, target, sizeof(target) - 1);
	CHECK(n > 0);
	target[n] = '\0';
	CHECK_STR_EQ(target, "../target");
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	return 0;
}

TEST(mktree_modules)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir(), *cert = NULL;
	_cleanup_free_ char *fat = NULL, *gz = NULL, *plain = NULL, *cmd = NULL;
	char fields[2048] = "", serial[256];
	struct test_run r;
	const char *vm = "6.1.0-test SMP preempt mod_unload modversions ";

	CHECK(root && keys);
	CHECK_INT_EQ(mktree(tree_spec, root, keys, &r), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);

	field(fields, sizeof(fields), "alias", "fs-fat");
	field(fields, sizeof(fields), "license", "GPL");
	field(fields, sizeof(fields), "name", "fat");
	field(fields, sizeof(fields), "vermagic", vm);
	if (modinfo_expect(root, "lib/modules/6.1.0-test/kernel/fs/fat/fat.ko", fields))
		return 1;
	{
		_cleanup_free_ char *p =
			path_in(root, "lib/modules/6.1.0-test/kernel/fs/fat/fat.ko");
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", p, NULL };
		test_need_kmod_oracle();
		const char *argv2[] = { MODPROBE, "--dump-modversions", p, NULL };

		CHECK(p != NULL);
		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "0x12345678\tfat_get_block\n0x00009abc\tfat_gpl_only\n", "",
			  0);
		test_run_release(&r);
		CHECK(run(&r, argv2) == 0);
		CHECK_RUN(&r, "0xdeadbeef\tmodule_layout\n", "", 0);
		test_run_release(&r);
	}

	fields[0] = '\0';
	CHECK_INT_EQ(modgen_key_ensure(keys, "Tree signer", NULL, &cert), 0);
	CHECK_INT_EQ(cert_serial(cert, serial, sizeof(serial)), 0);
	field(fields, sizeof(fields), "depends", "fat");
	field(fields, sizeof(fields), "name", "vfat");
	field(fields, sizeof(fields), "vermagic", vm);
	field(fields, sizeof(fields), "sig_id", "PKCS#7");
	field(fields, sizeof(fields), "signer", "Tree signer");
	field(fields, sizeof(fields), "sig_key", serial);
	{
		_cleanup_free_ char *p =
			path_in(root, "lib/modules/6.1.0-test/kernel/fs/vfat/vfat.ko.xz");
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, p, NULL };
		char head[4096] = "";

		CHECK(p != NULL);
		field(head, sizeof(head), "filename", p);
		strcat(head, fields);
		CHECK(run(&r, argv) == 0);
		CHECK_INT_EQ(r.status, 0);
		CHECK_MEM_EQ(r.out, MIN(r.out_len, strlen(head)), head, strlen(head));
		CHECK(strstr(r.out, "sig_hashalgo:   sha256\n") != NULL);
		test_run_release(&r);
	}
	{
		_cleanup_free_ char *p =
			path_in(root, "lib/modules/6.1.0-test/kernel/fs/vfat/vfat.ko.xz");

		CHECK(p != NULL);
		_cleanup_free_ char *x = decompress("xz -dc", p);
		const char *argv[] = { READELF, "-h", x, NULL };

		CHECK(x != NULL);
		CHECK(run(&r, argv) == 0);
		CHECK_CLEAN_EXIT(&r);
		CHECK(strstr(r.out, "ELF32") && strstr(r.out, "big endian"));
		test_run_release(&r);
	}

	if (modinfo_expect(root, "lib/modules/6.1.0-test/kernel/drivers/snd-dummy.ko.zst",
			   "bare:           \n"))
		return 1;
	{
		_cleanup_free_ char *p = path_in(
			root, "lib/modules/6.1.0-test/kernel/drivers/snd-dummy.ko.zst");
		test_need_kmod_oracle();
		const char *argv[] = { MODPROBE, "--show-exports", p, NULL };

		CHECK(p != NULL);
		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "0x00000000\tsnd_x\n", "", 0);
		test_run_release(&r);
	}

	gz = path_in(root, "lib/modules/6.1.0-test/kernel/gz/gzmod.ko.gz");
	CHECK(gz != NULL);
	plain = decompress("gzip -dc", gz);
	CHECK(plain != NULL);
	fields[0] = '\0';
	field(fields, sizeof(fields), "filename", plain);
	field(fields, sizeof(fields), "description", "# not a comment");
	field(fields, sizeof(fields), "name", "other_name");
	field(fields, sizeof(fields), "vermagic", vm);
	{
		test_need_kmod_oracle();
		const char *argv[] = { MODINFO, plain, NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, fields, "", 0);
		test_run_release(&r);
	}
	{
		const char *argv[] = { READELF, "-p", ".gnu.linkonce.this_module", plain,
				       NULL };

		CHECK(run(&r, argv) == 0);
		CHECK(strstr(r.out, "[    18]  other_name\n") != NULL);
		test_run_release(&r);
	}

	fat = path_in(root, "opt/outside.ko");
	CHECK(fat != NULL);
	CHECK(access(fat, F_OK) == 0);
	return 0;
}

/* Debian's depmod accepts a generated tree and links vfat to fat via the symbol. */
TEST(mktree_tree_feeds_depmod)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir();
	struct test_run r;
	static const char spec[] = "kver 6.1.0-dep\n"
				   "module kernel/fs/fat/fat.ko\n"
				   "  export fat_get_block 0x1\n"
				   "module kernel/fs/vfat/vfat.ko.xz\n"
				   "  undef fat_get_block\n"
				   "  modinfo alias=fs-vfat\n"
				   "module kernel/misc/lonely.ko.zst\n"
				   "  class 32\n"
				   "  endian big\n"
				   "  weak fat_get_block\n"
				   "modules-order\n"
				   "file lib/modules/@KVER@/modules.builtin\n"
				   "end\n"
				   "binfile lib/modules/@KVER@/modules.builtin.modinfo\n"
				   "end\n";

	CHECK(root && keys);
	CHECK_INT_EQ(mktree(spec, root, keys, &r), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	{
		test_need_kmod_oracle();
		const char *argv[] = { DEPMOD, "-b", root, "6.1.0-dep", NULL };

		CHECK(run(&r, argv) == 0);
		CHECK_RUN(&r, "", "", 0);
		test_run_release(&r);
	}
	if (read_expect(root, "lib/modules/6.1.0-dep/modules.dep",
			"kernel/fs/fat/fat.ko:\n"
			"kernel/fs/vfat/vfat.ko.xz: kernel/fs/fat/fat.ko\n"
			"kernel/misc/lonely.ko.zst: kernel/fs/fat/fat.ko\n",
			118))
		return 1;
	if (read_expect(root, "lib/modules/6.1.0-dep/modules.symbols",
			"# Aliases for symbols, used by symbol_request().\n"
			"alias symbol:fat_get_block fat\n",
			80))
		return 1;
	return 0;
}

TEST(mktree_stdin_and_kver_option)
{
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *root = test_tmpdir();
	_cleanup_free_ char *keys = test_tmpdir(), *cmd = NULL;
	struct test_run r;

	CHECK(tool && root && keys);
	CHECK(asprintf(&cmd,
		       "printf 'module a.ko\\nfile x/@KVER@.txt\\n@ROOT@\\nend\\n' | "
		       "'%s' -k '%s' -K 9.9 - '%s'",
		       tool, keys, root) > 0);
	CHECK(run_sh(&r, cmd) == 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	{
		char content[PATH_MAX];

		snprintf(content, sizeof(content), "%s\n", root);
		if (read_expect(root, "x/9.9.txt", content, strlen(content)))
			return 1;
	}
	return modinfo_expect(
		root, "lib/modules/9.9/a.ko",
		"name:           a\n"
		"vermagic:       9.9 SMP preempt mod_unload modversions \n");
}

static int mktree_fails(const char *spec, const char *expected_err)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir();
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *cmd = NULL;
	struct test_run r;

	CHECK(root && keys && tool);
	CHECK(asprintf(&cmd, "printf '%%s' '%s' | '%s' -k '%s' - '%s'", spec, tool, keys,
		       root) > 0);
	CHECK(run_sh(&r, cmd) == 0);
	CHECK_RUN(&r, "", expected_err, 1);
	test_run_release(&r);
	return 0;
}

TEST(mktree_errors)
{
	if (mktree_fails("kver 1\nmodule a.ko\n  bogus 1\n",
			 "modkit-mktree: <stdin>:3: unknown directive 'bogus'\n"))
		return 1;
	if (mktree_fails("kver 1\nexport x 1\n",
			 "modkit-mktree: <stdin>:2: 'export' outside a module\n"))
		return 1;
	if (mktree_fails("module a.ko\n",
			 "modkit-mktree: <stdin>:1: 'module' before any 'kver' line\n"))
		return 1;
	if (mktree_fails("kver 1\n\nfile a\nx\n",
			 "modkit-mktree: <stdin>:3: 'file' block without 'end'\n"))
		return 1;
	if (mktree_fails("kver 1\nfile ../a\nend\n",
			 "modkit-mktree: <stdin>:2: path '../a' leaves the root\n"))
		return 1;
	if (mktree_fails("kver 1\nmodule a.ko\n  export x zz\n",
			 "modkit-mktree: <stdin>:3: bad CRC 'zz'\n"))
		return 1;
	if (mktree_fails("kver 1\nmodule a.ko\n  class 31\n",
			 "modkit-mktree: <stdin>:3: class must be 32 or 64\n"))
		return 1;
	if (mktree_fails("kver 1\nmodule a.ko\n  version 1\n",
			 "modkit-mktree: <stdin>:3: 'version' takes 2 arguments\n"))
		return 1;
	if (mktree_fails(
		    "file @KVER@\nend\n",
		    "modkit-mktree: <stdin>:1: @KVER@ used before any 'kver' line\n"))
		return 1;
	/* Errors found when the module is written name the module's line. */
	if (mktree_fails(
		    "kver 1\nmodule a.ko\n  name "
		    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n",
		    "modkit-mktree: <stdin>:3: name "
		    "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' is longer "
		    "than 55 bytes\n"))
		return 1;
	return 0;
}

/* Malformed specs end in a located error, never in a crash. */
TEST(mktree_hostile_specs)
{
	static const char *const specs[] = {
		"kver 1\nmodule a.ko\n  modinfo \\x\n",
		"kver 1\nmodule a.ko\n  modinfo \\xZZ\n",
		"kver 1\nmodule a.ko\n  modinfo-raw \\\n",
		"kver 1\nmodule a.ko\n  export a b c d e f g h i j k l m n o p q r s t\n",
		"kver ../x\n",
		"kver 1\nmodule /\n",
		"kver 1\nmodule a/../../b.ko\n",
		"kver 1\nsymlink a\n",
		"kver 1\nmodule a.ko\n  rawsig 1 2 3 x zz 00\n",
		"kver 1\nmodule a.ko\n  rawsig 300 2 3 x - -\n",
		"kver 1\nmodule a.ko\n  section .x abc\n",
		"kver 1\nmodule a.ko\n  machine 70000\n",
		"kver 1\nbinfile b\n\\q\nend\n",
		"kver 1\nmodule a.ko\n  export x 0x100000000\n",
		"kver 1\nmodule a.ko\n  export x -1\n",
		"kver 1\nmodule a.ko\n  endian middle\n",
		"kver 1\nmodule a.ko\n  compress lz4\n",
		"kver\n",
		"kver 1\nfile\n",
	};
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *keys = test_tmpdir();

	CHECK(tool && keys);
	for (size_t i = 0; i < ARRAY_SIZE(specs) + 1; i++) {
		_cleanup_free_ char *root = test_tmpdir(), *dir = test_tmpdir();
		_cleanup_free_ char *spec = NULL;
		struct test_run r;

		CHECK(root && dir && (spec = path_in(dir, "spec")));
		if (i < ARRAY_SIZE(specs))
			CHECK_INT_EQ(test_write_str(spec, specs[i]), 0);
		else /* a NUL byte */
			CHECK_INT_EQ(test_write_file(spec, "kver 1\n\0\n", 9), 0);
		{
			const char *argv[] = { tool, "-k", keys, spec, root, NULL };

			CHECK(test_run(&r, argv, NULL) == 0);
		}
		CHECK_MSG(r.status == 1 && strncmp(r.err, "modkit-mktree: ", 15) == 0 &&
				  strstr(r.err, "/spec:") != NULL,
			  "spec %zu: status %d, stderr '%s'", i, r.status, r.err);
		test_run_release(&r);
	}
	/* A very long line is just a long line. */
	{
		_cleanup_free_ char *root = test_tmpdir(), *spec = malloc(100100);
		_cleanup_free_ char *mod = NULL;
		struct test_run r;
		size_t n;

		CHECK(root && spec);
		n = (size_t)sprintf(spec, "kver 1\nmodule a.ko\n  modinfo description=");
		memset(spec + n, 'x', 100000);
		strcpy(spec + n + 100000, "\n");
		CHECK_INT_EQ(mktree(spec, root, keys, &r), 0);
		CHECK_RUN(&r, "", "", 0);
		test_run_release(&r);
		mod = path_in(root, "lib/modules/1/a.ko");
		CHECK(mod != NULL);
		{
			test_need_kmod_oracle();
			const char *argv[] = { MODINFO, "-F", "description", mod, NULL };

			CHECK(run(&r, argv) == 0);
			CHECK_CLEAN_EXIT(&r);
			CHECK_INT_EQ(r.out_len, 100001);
			CHECK(memcmp(r.out, spec + n, 100000) == 0);
			test_run_release(&r);
		}
	}
	return 0;
}

TEST(mktree_error_module_line)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir();
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *cmd = NULL;
	char expected[PATH_MAX + 128];
	struct test_run r;

	CHECK(root && keys && tool);
	CHECK(asprintf(
		      &cmd,
		      "printf 'kver 1\\nmodule a.ko\\n  version 1 %s\\nkver 2\\n' | "
		      "'%s' -k '%s' - '%s'",
		      "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv",
		      tool, keys, root) > 0);
	CHECK(run_sh(&r, cmd) == 0);
	snprintf(
		expected, sizeof(expected),
		"modkit-mktree: <stdin>:2: cannot write module '%s/lib/modules/1/a.ko': File "
		"name too long\n",
		root);
	CHECK_RUN(&r, "", expected, 1);
	test_run_release(&r);
	return 0;
}

TEST(mktree_copy)
{
	_cleanup_free_ char *root = test_tmpdir(), *keys = test_tmpdir(), *src = NULL;
	_cleanup_free_ char *spec = NULL;
	static const char content[] = "bytes\0with\0NULs\n";
	struct test_run r;

	CHECK(root && keys);
	src = path_in(keys, "src.bin");
	CHECK(src != NULL);
	CHECK_INT_EQ(test_write_file(src, content, sizeof(content) - 1), 0);
	CHECK(asprintf(&spec, "kver 1.0\ncopy %s lib/modules/@KVER@/kernel/c.ko\n", src) >
	      0);
	CHECK_INT_EQ(mktree(spec, root, keys, &r), 0);
	CHECK_RUN(&r, "", "", 0);
	test_run_release(&r);
	if (read_expect(root, "lib/modules/1.0/kernel/c.ko", content,
			sizeof(content) - 1))
		return 1;
	if (mktree_fails(
		    "copy /no/such/file x\n",
		    "modkit-mktree: <stdin>:1: cannot read '/no/such/file': No such file or "
		    "directory\n"))
		return 1;
	return 0;
}

TEST(mktree_missing_spec)
{
	_cleanup_free_ char *tool = tool_path("modkit-mktree"), *dir = test_tmpdir();
	_cleanup_free_ char *root = NULL, *spec = NULL;
	char expected[PATH_MAX + 64];
	struct test_run r;

	CHECK(tool && dir);
	root = path_in(dir, "root");
	spec = path_in(dir, "no-such-spec");
	CHECK(root && spec);
	{
		const char *argv[] = { tool, spec, root, NULL };

		CHECK(test_run(&r, argv, NULL) == 0);
	}
	snprintf(expected, sizeof(expected),
		 "modkit-mktree: cannot open '%s': No such file or directory\n", spec);
	CHECK_RUN(&r, "", expected, 1);
	test_run_release(&r);
	CHECK(access(root, F_OK) != 0);
	return 0;
}

TEST_MAIN()
