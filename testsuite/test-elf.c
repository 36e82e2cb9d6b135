// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * elf.c: module ELF parsing. Synthetic modules come from libmodgen (another
 * writer than the code under test) in all four flavours; corner cases are made by
 * patching its output with the small section locator below. Built twice: the
 * default cases are hermetic (suite 'lib'); with TEST_DEBIAN the cases compare
 * against Debian's kmod 30 tools on the real module tree (suite 'debian').
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testsuite.h"
#include "lib/file.h"
#include "lib/kmod-elf.h"
#include "lib/macro.h"
#include "lib/signature.h"
#include "modgen.h"

/* ---- a minimal, independent section locator for patching test images -------- */

struct tsec {
	size_t shdr; /* offset of the section header */
	size_t offset; /* sh_offset */
	size_t size; /* sh_size */
	size_t flags_at, width;
};

static uint64_t rd(const uint8_t *p, size_t width, bool big)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)p[big ? width - 1 - i : i] << (8 * i);
	return v;
}

static void wr(uint8_t *p, size_t width, bool big, uint64_t v)
{
	for (size_t i = 0; i < width; i++)
		p[big ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static bool img_big(const uint8_t *img)
{
	return img[EI_DATA] == ELFDATA2MSB;
}

static bool img_64(const uint8_t *img)
{
	return img[EI_CLASS] == ELFCLASS64;
}

/* offsets of e_shoff, e_shnum, e_shstrndx and the header field widths */
static size_t f_shoff(const uint8_t *img)
{
	return img_64(img) ? 40 : 32;
}
_unused_ static size_t f_shentsize(const uint8_t *img)
{
	return img_64(img) ? 58 : 46;
}
static size_t f_shnum(const uint8_t *img)
{
	return img_64(img) ? 60 : 48;
}
static size_t f_shstrndx(const uint8_t *img)
{
	return img_64(img) ? 62 : 50;
}

_unused_ static bool tsec_find(const uint8_t *img, const char *name, struct tsec *s)
{
	bool big = img_big(img), b64 = img_64(img);
	size_t w = b64 ? 8 : 4, shsz = b64 ? 64 : 40;
	size_t shoff = rd(img + f_shoff(img), w, big);
	size_t shnum = rd(img + f_shnum(img), 2, big);
	size_t stridx = rd(img + f_shstrndx(img), 2, big);
	const uint8_t *strsh = img + shoff + stridx * shsz;
	size_t stroff = rd(strsh + (b64 ? 24 : 16), w, big);

	for (size_t i = 1; i < shnum; i++) {
		const uint8_t *sh = img + shoff + i * shsz;

		if (strcmp((const char *)img + stroff + rd(sh, 4, big), name) != 0)
			continue;
		s->shdr = shoff + i * shsz;
		s->offset = rd(sh + (b64 ? 24 : 16), w, big);
		s->size = rd(sh + (b64 ? 32 : 20), w, big);
		s->flags_at = s->shdr + 8;
		s->width = w;
		return true;
	}
	return false;
}

_unused_ static void tsec_set_size(uint8_t *img, const struct tsec *s, uint64_t size)
{
	wr(img + s->shdr + (img_64(img) ? 32 : 20), s->width, img_big(img), size);
}

_unused_ static void tsec_set_offset(uint8_t *img, const struct tsec *s, uint64_t off)
{
	wr(img + s->shdr + (img_64(img) ? 24 : 16), s->width, img_big(img), off);
}

/* ---- module fixtures ------------------------------------------------------------ */

struct image {
	uint8_t *data;
	size_t len;
};

static void image_release(struct image *i)
{
	free(i->data);
}
#define _cleanup_image_ _cleanup_(image_release)

_unused_ static void modgen_freep(struct modgen_module **m)
{
	modgen_free(*m);
}
#define _cleanup_modgen_ _cleanup_(modgen_freep)

static void elf_freep(struct kmod_elf **e)
{
	elf_free(*e);
}
#define _cleanup_elf_ _cleanup_(elf_freep)

/* The reference module of the hermetic tests, in a given flavour. */
_unused_ static struct modgen_module *sample_module(int bits, enum modgen_endian endian,
						    enum modgen_crc_mode mode)
{
	struct modgen_module *m = modgen_new("sample");
	static const uint8_t pad[] = { 0, 0, 0 };

	if (m == NULL)
		return NULL;
	if (modgen_set_class(m, bits) < 0 || modgen_set_endian(m, endian) < 0 ||
	    modgen_set_crc_mode(m, mode) < 0)
		goto fail;
	/* leading and inner NUL runs must be skipped */
	if (modgen_add_modinfo_raw(m, pad, 2) < 0 ||
	    modgen_add_modinfo(m, "description=sample module") < 0 ||
	    modgen_add_modinfo_raw(m, pad, 3) < 0 ||
	    modgen_add_modinfo(m, "license=GPL") < 0 ||
	    modgen_add_modinfo(m, "noequals") < 0 ||
	    modgen_add_modinfo(m, "depends=") < 0 ||
	    modgen_add_modinfo(m, "vermagic=6.1.0-test SMP mod_unload modversions ") < 0)
		goto fail;
	if (modgen_add_version(m, 0x11111111, "module_layout") < 0 ||
	    modgen_add_version(m, 0x22222222, "printk") < 0 ||
	    modgen_add_version(m, 0xdeadbeef, "weak_helper") < 0 ||
	    modgen_add_version(m, 0x33333333, ".dotted") < 0)
		goto fail;
	if (modgen_add_export(m, "sample_fn", 0xcafe0001) < 0 ||
	    modgen_add_export_ns(m, "sample_ns_fn", 0xcafe0002, "SAMPLE_NS") < 0 ||
	    modgen_add_export(m, "sample_data", 0xcafe0003) < 0)
		goto fail;
	if (modgen_add_undef(m, "printk", false) < 0 ||
	    modgen_add_undef(m, "weak_helper", true) < 0 ||
	    modgen_add_undef(m, "unversioned", false) < 0)
		goto fail;
	return m;
fail:
	modgen_free(m);
	return NULL;
}

_unused_ static int build(const struct modgen_module *m, struct image *img)
{
	void *p;
	int r = modgen_build(m, &p, &img->len);

	if (r == 0)
		img->data = p;
	return r;
}

_unused_ static const struct {
	int bits;
	enum modgen_endian endian;
	const char *name;
} flavours[] = {
	{ 64, MODGEN_LITTLE, "64-LSB" },
	{ 64, MODGEN_BIG, "64-MSB" },
	{ 32, MODGEN_LITTLE, "32-LSB" },
	{ 32, MODGEN_BIG, "32-MSB" },
};

#ifndef TEST_DEBIAN

/* ---- well-formed modules, all four flavours ------------------------------------ */

TEST(modinfo_strings_all_flavours)
{
	static const char *const expect[] = {
		"description=sample module",
		"license=GPL",
		"noequals",
		"depends=",
		"vermagic=6.1.0-test SMP mod_unload modversions ",
	};

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ char **strings = NULL;
		int n;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		n = elf_get_strings(elf, ".modinfo", &strings);
		CHECK_MSG(n == (int)ARRAY_SIZE(expect), "%s: %d strings",
			  flavours[f].name, n);
		for (int i = 0; i < n; i++)
			CHECK_STR_EQ(strings[i], expect[i]);
	}
	return 0;
}

TEST(modversions_all_flavours)
{
	static const struct {
		uint64_t crc;
		const char *name;
	} expect[] = {
		{ 0x11111111, "module_layout" },
		{ 0x22222222, "printk" },
		{ 0xdeadbeef, "weak_helper" },
		{ 0x33333333, "dotted" }, /* one leading '.' dropped */
	};

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *v = NULL;
		int n;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		n = elf_get_modversions(elf, &v);
		CHECK_MSG(n == (int)ARRAY_SIZE(expect), "%s: %d records",
			  flavours[f].name, n);
		for (int i = 0; i < n; i++) {
			CHECK_STR_EQ(v[i].symbol, expect[i].name);
			CHECK_INT_EQ(v[i].crc, expect[i].crc);
		}
	}
	return 0;
}

TEST(modversions_64bit_crc_not_truncated)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("big");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *v = NULL;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_endian(m, MODGEN_BIG), 0);
	CHECK_INT_EQ(modgen_add_version(m, 0x123456789abcdef0ull, "wide"), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_modversions(elf, &v), 1);
	CHECK_INT_EQ(v[0].crc, 0x123456789abcdef0ull);
	return 0;
}

static int check_exports(const struct image *img, const char *flavour)
{
	static const struct {
		uint32_t crc;
		const char *name;
	} expect[] = {
		{ 0xcafe0001, "sample_fn" },
		{ 0xcafe0002, "sample_ns_fn" },
		{ 0xcafe0003, "sample_data" },
	};
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *s = NULL;
	int n;

	CHECK_INT_EQ(elf_new(img->data, img->len, &elf), 0);
	n = elf_get_symbols(elf, &s);
	CHECK_MSG(n == (int)ARRAY_SIZE(expect), "%s: %d exports", flavour, n);
	for (int i = 0; i < n; i++) {
		CHECK_STR_EQ(s[i].symbol, expect[i].name);
		CHECK_INT_EQ(s[i].crc, expect[i].crc);
	}
	return 0;
}

TEST(exports_kcrctab_all_flavours)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		if (check_exports(&img, flavours[f].name))
			return 1;
	}
	return 0;
}

TEST(exports_abs_crc_all_flavours)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_ABS);
		_cleanup_image_ struct image img = { 0 };

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		if (check_exports(&img, flavours[f].name))
			return 1;
	}
	return 0;
}

/* A __crc_ symbol in SHN_UNDEF also carries its CRC in st_value. */
TEST(exports_undef_crc_symbol)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("undefcrc");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *s = NULL;
	struct tsec sym, str;
	bool patched = false;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_set_class(m, 32), 0);
	CHECK_INT_EQ(modgen_set_endian(m, MODGEN_BIG), 0);
	CHECK_INT_EQ(modgen_set_crc_mode(m, MODGEN_CRC_ABS), 0);
	CHECK_INT_EQ(modgen_add_export(m, "e1", 0x12345678), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK(tsec_find(img.data, ".symtab", &sym) &&
	      tsec_find(img.data, ".strtab", &str));
	for (size_t off = 16; off + 16 <= sym.size; off += 16) {
		uint8_t *e = img.data + sym.offset + off;

		if (strcmp((const char *)img.data + str.offset + rd(e, 4, true),
			   "__crc_e1") == 0) {
			CHECK_INT_EQ(rd(e + 14, 2, true), SHN_ABS);
			wr(e + 14, 2, true, SHN_UNDEF);
			patched = true;
		}
	}
	CHECK(patched);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_symbols(elf, &s), 1);
	CHECK_STR_EQ(s[0].symbol, "e1");
	CHECK_INT_EQ(s[0].crc, 0x12345678);
	return 0;
}

TEST(exports_ksymtab_strings_fallback)
{
	/* without modversions the namespace string is "exported" too (formats.md 3.4) */
	static const char *const expect[] = { "sample_fn", "sample_ns_fn", "SAMPLE_NS",
					      "sample_data" };

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_NONE);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *s = NULL;
		int n;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		n = elf_get_symbols(elf, &s);
		CHECK_INT_EQ(n, ARRAY_SIZE(expect));
		for (int i = 0; i < n; i++) {
			CHECK_STR_EQ(s[i].symbol, expect[i]);
			CHECK_INT_EQ(s[i].crc, 0);
		}
	}
	return 0;
}

TEST(exports_none_is_enodata)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("noexp");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	struct kmod_modversion *s = (void *)0x1;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_undef(m, "printk", false), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_symbols(elf, &s), -ENODATA);
	CHECK(s == (void *)0x1); /* untouched on failure */
	CHECK_INT_EQ(elf_get_modversions(elf, &s), -ENODATA);
	return 0;
}

TEST(dependency_symbols_all_flavours)
{
	static const struct {
		const char *name;
		uint64_t crc;
		enum kmod_symbol_bind bind;
	} expect[] = {
		{ "printk", 0x22222222, KMOD_SYMBOL_UNDEF },
		{ "weak_helper", 0xdeadbeef, KMOD_SYMBOL_WEAK },
		{ "unversioned", 0, KMOD_SYMBOL_UNDEF },
		/* unmatched __versions records follow, in record order */
		{ "module_layout", 0x11111111, KMOD_SYMBOL_UNDEF },
		{ ".dotted", 0x33333333, KMOD_SYMBOL_UNDEF },
	};

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *s = NULL;
		int n;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		n = elf_get_dependency_symbols(elf, &s);
		CHECK_MSG(n == (int)ARRAY_SIZE(expect), "%s: %d symbols",
			  flavours[f].name, n);
		for (int i = 0; i < n; i++) {
			CHECK_STR_EQ(s[i].symbol, expect[i].name);
			CHECK_INT_EQ(s[i].crc, expect[i].crc);
			CHECK_INT_EQ(s[i].bind, expect[i].bind);
		}
	}
	return 0;
}

TEST(dependency_symbols_first_version_record_wins)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("dup");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *s = NULL;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_version(m, 0xaaaa, "zeta"), 0);
	CHECK_INT_EQ(modgen_add_version(m, 0x1111, "dup"), 0);
	CHECK_INT_EQ(modgen_add_version(m, 0x2222, "dup"), 0);
	CHECK_INT_EQ(modgen_add_version(m, 0xbbbb, "alpha"), 0);
	CHECK_INT_EQ(modgen_add_undef(m, "dup", false), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_dependency_symbols(elf, &s), 3);
	CHECK_STR_EQ(s[0].symbol, "dup");
	CHECK_INT_EQ(s[0].crc, 0x1111);
	CHECK_STR_EQ(s[1].symbol, "zeta");
	CHECK_STR_EQ(s[2].symbol, "alpha");
	return 0;
}

/* Patches the type of the symbol named name in .symtab. */
static int set_symbol_type(struct image *img, const char *name, unsigned type)
{
	struct tsec sym, str;
	bool b64 = img_64(img->data);
	size_t entsz = b64 ? 24 : 16, info = b64 ? 4 : 12;

	if (!tsec_find(img->data, ".symtab", &sym) ||
	    !tsec_find(img->data, ".strtab", &str))
		return -ENOENT;
	for (size_t off = entsz; off + entsz <= sym.size; off += entsz) {
		uint8_t *e = img->data + sym.offset + off;
		size_t n = rd(e, 4, img_big(img->data));

		if (strcmp((const char *)img->data + str.offset + n, name) == 0) {
			e[info] = (uint8_t)((e[info] & 0xf0) | type);
			return 0;
		}
	}
	return -ENOENT;
}

TEST(dependency_symbols_sparc_register_skipped)
{
	for (int pass = 0; pass < 2; pass++) {
		_cleanup_modgen_ struct modgen_module *m = modgen_new("sp");
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *s = NULL;

		CHECK(m != NULL);
		CHECK_INT_EQ(modgen_set_endian(m, MODGEN_BIG), 0);
		/* pass 0: sparcv9, the register symbol is dropped; pass 1: x86, kept */
		CHECK_INT_EQ(modgen_set_machine(m, pass == 0 ? EM_SPARCV9 : EM_X86_64),
			     0);
		CHECK_INT_EQ(modgen_add_undef(m, "reg_g2", false), 0);
		CHECK_INT_EQ(modgen_add_undef(m, "memcpy", false), 0);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(set_symbol_type(&img, "reg_g2", STT_SPARC_REGISTER), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		if (pass == 0) {
			CHECK_INT_EQ(elf_get_dependency_symbols(elf, &s), 1);
			CHECK_STR_EQ(s[0].symbol, "memcpy");
		} else {
			CHECK_INT_EQ(elf_get_dependency_symbols(elf, &s), 2);
			CHECK_STR_EQ(s[0].symbol, "reg_g2");
		}
	}
	return 0;
}

TEST(section_lookup_first_match_wins)
{
	static const char second[] = "license=second\0";
	_cleanup_modgen_ struct modgen_module *m = modgen_new("twice");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ char **strings = NULL;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=first"), 0);
	CHECK_INT_EQ(modgen_add_section(m, ".modinfo", 1, 2, second, sizeof(second) - 1),
		     0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_strings(elf, ".modinfo", &strings), 1);
	CHECK_STR_EQ(strings[0], "license=first");
	return 0;
}

TEST(missing_sections_are_enodata)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new(NULL);
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	char **strings = NULL;
	struct kmod_modversion *v = NULL;

	CHECK(m != NULL);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_strings(elf, ".modinfo", &strings), -ENODATA);
	CHECK_INT_EQ(elf_get_modversions(elf, &v), -ENODATA);
	CHECK_INT_EQ(elf_get_symbols(elf, &v), -ENODATA);
	CHECK(strings == NULL && v == NULL);
	return 0;
}

/* ---- elf_strip ----------------------------------------------------------------- */

TEST(strip_modversions_clears_shf_alloc_only)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ uint8_t *out = NULL;
		_cleanup_free_ uint8_t *expect = NULL;
		struct tsec v;
		bool big = flavours[f].endian == MODGEN_BIG;
		uint64_t flags;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK(tsec_find(img.data, "__versions", &v));
		flags = rd(img.data + v.flags_at, v.width, big);
		CHECK(flags & SHF_ALLOC);
		expect = malloc(img.len);
		CHECK(expect != NULL);
		memcpy(expect, img.data, img.len);
		wr(expect + v.flags_at, v.width, big, flags & ~(uint64_t)SHF_ALLOC);

		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		CHECK_INT_EQ(elf_strip(elf, KMOD_INSERT_FORCE_MODVERSION, (void **)&out),
			     0);
		CHECK_MEM_EQ(out, img.len, expect, img.len);
	}
	return 0;
}

TEST(strip_vermagic_zeroes_the_string)
{
	static const char vm[] = "vermagic=6.1.0-test SMP mod_unload modversions ";

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ uint8_t *out = NULL;
		_cleanup_free_ uint8_t *expect = NULL;
		_cleanup_free_ uint8_t *both = NULL;
		struct tsec mi, v;
		uint8_t *at;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK(tsec_find(img.data, ".modinfo", &mi));
		at = memmem(img.data + mi.offset, mi.size, vm, sizeof(vm));
		CHECK(at != NULL);
		expect = malloc(img.len);
		CHECK(expect != NULL);
		memcpy(expect, img.data, img.len);
		memset(expect + (at - img.data), 0, strlen(vm));

		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		CHECK_INT_EQ(elf_strip(elf, KMOD_INSERT_FORCE_VERMAGIC, (void **)&out),
			     0);
		CHECK_MEM_EQ(out, img.len, expect, img.len);

		/* both edits at once */
		CHECK(tsec_find(img.data, "__versions", &v));
		wr(expect + v.flags_at, v.width, flavours[f].endian == MODGEN_BIG,
		   rd(expect + v.flags_at, v.width, flavours[f].endian == MODGEN_BIG) &
			   ~(uint64_t)SHF_ALLOC);
		CHECK_INT_EQ(elf_strip(elf,
				       KMOD_INSERT_FORCE_VERMAGIC |
					       KMOD_INSERT_FORCE_MODVERSION,
				       (void **)&both),
			     0);
		CHECK_MEM_EQ(both, img.len, expect, img.len);
	}
	return 0;
}

TEST(strip_vermagic_only_at_string_starts)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("vm");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ uint8_t *out = NULL;
	void *none = NULL;

	CHECK(m != NULL);
	/* "vermagic=" inside a value is not an entry */
	CHECK_INT_EQ(modgen_add_modinfo(m, "description=has vermagic=inside"), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_strip(elf, KMOD_INSERT_FORCE_VERMAGIC, &none), -ENODATA);
	CHECK(none == NULL);
	/* no __versions: nothing to do, unchanged copy */
	CHECK_INT_EQ(elf_strip(elf, KMOD_INSERT_FORCE_MODVERSION, (void **)&out), 0);
	CHECK_MEM_EQ(out, img.len, img.data, img.len);
	return 0;
}

/* ---- hostile input -------------------------------------------------------------- */

/* Runs every reader; returns normally whatever the input (the point is no crash). */
static void exercise(const void *data, size_t len)
{
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	char **strings;
	struct kmod_modversion *v;
	void *img;

	if (elf_new(data, len, &elf) < 0)
		return;
	if (elf_get_strings(elf, ".modinfo", &strings) >= 0)
		free(strings);
	if (elf_get_modversions(elf, &v) >= 0)
		free(v);
	if (elf_get_symbols(elf, &v) >= 0)
		free(v);
	if (elf_get_dependency_symbols(elf, &v) >= 0)
		free(v);
	if (elf_strip(elf, KMOD_INSERT_FORCE_VERMAGIC | KMOD_INSERT_FORCE_MODVERSION,
		      &img) == 0)
		free(img);
}

TEST(truncated_at_every_length)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		int ok = 0;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		for (size_t len = 0; len < img.len; len++) {
			/* a fresh allocation of exactly len bytes: ASan sees any overread */
			uint8_t *copy = malloc(len ? len : 1);
			struct kmod_elf *elf;

			CHECK(copy != NULL);
			memcpy(copy, img.data, len);
			if (elf_new(copy, len, &elf) == 0) {
				ok++;
				elf_free(elf);
			}
			exercise(copy, len);
			free(copy);
		}
		/* the section headers come last, so no prefix is a valid ELF */
		CHECK_INT_EQ(ok, 0);
	}
	return 0;
}

static int patched_new(const struct image *orig, void (*patch)(uint8_t *img, size_t len),
		       int expect_err)
{
	_cleanup_free_ uint8_t *img = malloc(orig->len);
	struct kmod_elf *elf = NULL;
	int r;

	if (img == NULL)
		return -ENOMEM;
	memcpy(img, orig->data, orig->len);
	patch(img, orig->len);
	r = elf_new(img, orig->len, &elf);
	exercise(img, orig->len);
	elf_free(elf);
	if (r != expect_err)
		fprintf(stderr, "elf_new: %d, expected %d\n", r, expect_err);
	return r == expect_err ? 0 : 1;
}

static void p_magic(uint8_t *img, size_t len)
{
	img[1] = 'F';
}
static void p_class(uint8_t *img, size_t len)
{
	img[EI_CLASS] = 3;
}
static void p_data(uint8_t *img, size_t len)
{
	img[EI_DATA] = 0;
}
static void p_shentsize(uint8_t *img, size_t len)
{
	wr(img + f_shentsize(img), 2, img_big(img), img_64(img) ? 40 : 64);
}
static void p_shoff(uint8_t *img, size_t len)
{
	wr(img + f_shoff(img), img_64(img) ? 8 : 4, img_big(img), len - 8);
}
static void p_shoff_huge(uint8_t *img, size_t len)
{
	wr(img + f_shoff(img), img_64(img) ? 8 : 4, img_big(img), UINT64_MAX - 10);
}
static void p_shnum(uint8_t *img, size_t len)
{
	wr(img + f_shnum(img), 2, img_big(img), 0xffff);
}
static void p_shstrndx(uint8_t *img, size_t len)
{
	wr(img + f_shstrndx(img), 2, img_big(img),
	   rd(img + f_shnum(img), 2, img_big(img)));
}
static void p_shstrndx_zero(uint8_t *img, size_t len)
{
	wr(img + f_shstrndx(img), 2, img_big(img), 0);
}
static void p_shstrtab_unterminated(uint8_t *img, size_t len)
{
	struct tsec s;

	if (tsec_find(img, ".shstrtab", &s))
		img[s.offset + s.size - 1] = 'x';
}
static void p_shstrtab_outside(uint8_t *img, size_t len)
{
	struct tsec s;

	if (tsec_find(img, ".shstrtab", &s))
		tsec_set_size(img, &s, len);
}

TEST(corrupt_headers_rejected)
{
	/* not ELF: ENOEXEC; broken ELF: EINVAL (what kmod reports) */
	static const struct {
		void (*patch)(uint8_t *, size_t);
		const char *name;
		int err;
	} p[] = {
		{ p_magic, "magic", -ENOEXEC },
		{ p_class, "class", -EINVAL },
		{ p_data, "data", -EINVAL },
		{ p_shentsize, "shentsize", -EINVAL },
		{ p_shoff, "shoff", -EINVAL },
		{ p_shoff_huge, "shoff overflow", -EINVAL },
		{ p_shnum, "shnum", -EINVAL },
		{ p_shstrndx, "shstrndx", -EINVAL },
		{ p_shstrndx_zero, "shstrndx 0", -EINVAL },
		{ p_shstrtab_unterminated, "shstrtab NUL", -EINVAL },
		{ p_shstrtab_outside, "shstrtab bounds", -EINVAL },
	};

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		for (size_t i = 0; i < ARRAY_SIZE(p); i++)
			CHECK_MSG(patched_new(&img, p[i].patch, p[i].err) == 0, "%s: %s",
				  flavours[f].name, p[i].name);
	}
	return 0;
}

/* Applies patch to a copy and returns the results of the readers. */
struct results {
	int strings, versions, symbols, deps;
};

static int run_patched(const struct image *orig, const char *section,
		       void (*patch)(uint8_t *img, const struct tsec *s),
		       struct results *r)
{
	_cleanup_free_ uint8_t *img = malloc(orig->len);
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	char **strings;
	struct kmod_modversion *v;
	struct tsec s;
	int err;

	if (img == NULL)
		return -ENOMEM;
	memcpy(img, orig->data, orig->len);
	if (!tsec_find(img, section, &s))
		return -ENOENT;
	patch(img, &s);
	err = elf_new(img, orig->len, &elf);
	if (err < 0)
		return err;
	r->strings = elf_get_strings(elf, ".modinfo", &strings);
	if (r->strings >= 0)
		free(strings);
	r->versions = elf_get_modversions(elf, &v);
	if (r->versions >= 0)
		free(v);
	r->symbols = elf_get_symbols(elf, &v);
	if (r->symbols >= 0)
		free(v);
	r->deps = elf_get_dependency_symbols(elf, &v);
	if (r->deps >= 0)
		free(v);
	return 0;
}

static void q_unterminated(uint8_t *img, const struct tsec *s)
{
	img[s->offset + s->size - 1] = 'x';
}
static void q_outside(uint8_t *img, const struct tsec *s)
{
	tsec_set_offset(img, s, UINT32_MAX);
}
static void q_size_outside(uint8_t *img, const struct tsec *s)
{
	tsec_set_size(img, s, UINT32_MAX);
}
static void q_versions_not_64(uint8_t *img, const struct tsec *s)
{
	tsec_set_size(img, s, s->size - 1);
}
static void q_symtab_not_multiple(uint8_t *img, const struct tsec *s)
{
	tsec_set_size(img, s, s->size - 3);
}
static void q_first_symbol_name_huge(uint8_t *img, const struct tsec *s)
{
	bool b64 = img_64(img);
	size_t entsz = b64 ? 24 : 16;

	/* every symbol's name out of range: names are skipped, no exports found */
	for (size_t off = entsz; off + entsz <= s->size; off += entsz)
		wr(img + s->offset + off, 4, img_big(img), 0xfffffff0);
}
static void q_crc_shndx_out_of_range(uint8_t *img, const struct tsec *s)
{
	bool b64 = img_64(img);
	size_t entsz = b64 ? 24 : 16, shndx = b64 ? 6 : 14;

	/* modgen puts the LOCAL __crc_ symbols first, right after the null entry */
	wr(img + s->offset + entsz + shndx, 2, img_big(img), 0xfff0);
}
static void q_crc_value_past_section(uint8_t *img, const struct tsec *s)
{
	bool b64 = img_64(img);
	size_t entsz = b64 ? 24 : 16, value = b64 ? 8 : 4;

	wr(img + s->offset + entsz + value, b64 ? 8 : 4, img_big(img), 0xfffffffe);
}

TEST(corrupt_sections_give_errors)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		struct results r;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);

		CHECK_INT_EQ(run_patched(&img, ".modinfo", q_unterminated, &r), 0);
		CHECK_INT_EQ(r.strings, -EINVAL);
		CHECK_INT_EQ(r.versions, 4);
		CHECK_INT_EQ(run_patched(&img, ".modinfo", q_outside, &r), 0);
		CHECK_INT_EQ(r.strings, -EINVAL);
		CHECK_INT_EQ(run_patched(&img, ".modinfo", q_size_outside, &r), 0);
		CHECK_INT_EQ(r.strings, -EINVAL);

		CHECK_INT_EQ(run_patched(&img, "__versions", q_versions_not_64, &r), 0);
		CHECK_INT_EQ(r.versions, -EINVAL);
		CHECK_INT_EQ(r.deps, -EINVAL);
		CHECK_INT_EQ(r.strings, 5);
		CHECK_INT_EQ(run_patched(&img, "__versions", q_outside, &r), 0);
		CHECK_INT_EQ(r.versions, -EINVAL);

		CHECK_INT_EQ(run_patched(&img, ".strtab", q_unterminated, &r), 0);
		CHECK_INT_EQ(r.symbols, -EINVAL);
		CHECK_INT_EQ(r.deps, -EINVAL);
		CHECK_INT_EQ(run_patched(&img, ".symtab", q_symtab_not_multiple, &r), 0);
		CHECK_INT_EQ(r.symbols, -EINVAL);
		CHECK_INT_EQ(r.deps, -EINVAL);
		CHECK_INT_EQ(run_patched(&img, ".symtab", q_first_symbol_name_huge, &r),
			     0);
		/* falls back to __ksymtab_strings: 3 names + 1 namespace */
		CHECK_INT_EQ(r.symbols, 4);
		/* no undefined symbol has a name left; the 4 __versions records remain */
		CHECK_INT_EQ(r.deps, 4);
		CHECK_INT_EQ(run_patched(&img, ".symtab", q_crc_shndx_out_of_range, &r),
			     0);
		CHECK_INT_EQ(r.symbols, -EINVAL);
		CHECK_INT_EQ(run_patched(&img, ".symtab", q_crc_value_past_section, &r),
			     0);
		CHECK_INT_EQ(r.symbols, -EINVAL);
	}
	return 0;
}

TEST(versions_name_without_nul_rejected)
{
	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = modgen_new("long");
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		struct kmod_modversion *v = NULL;
		char name[61];
		size_t field = flavours[f].bits == 64 ? 56 : 60;

		CHECK(m != NULL);
		CHECK_INT_EQ(modgen_set_class(m, flavours[f].bits), 0);
		CHECK_INT_EQ(modgen_set_endian(m, flavours[f].endian), 0);
		memset(name, 'n', field);
		name[field] = '\0';
		/* the longest valid name, then one filling the whole field */
		name[field - 1] = '\0';
		CHECK_INT_EQ(modgen_add_version(m, 1, name), 0);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		CHECK_INT_EQ(elf_get_modversions(elf, &v), 1);
		CHECK_INT_EQ(strlen(v[0].symbol), field - 1);
		free(v);
		elf_free(TAKE_PTR(elf));
		free(TAKE_PTR(img.data));

		name[field - 1] = 'n';
		CHECK_INT_EQ(modgen_add_version(m, 2, name), 0);
		CHECK_INT_EQ(build(m, &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		CHECK_INT_EQ(elf_get_modversions(elf, &v), -EINVAL);
	}
	return 0;
}

TEST(modinfo_unterminated_via_generator)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("raw");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	char **strings = NULL;

	CHECK(m != NULL);
	CHECK_INT_EQ(modgen_add_modinfo(m, "license=GPL"), 0);
	CHECK_INT_EQ(modgen_add_modinfo_raw(m, "tail", 4), 0);
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_strings(elf, ".modinfo", &strings), -EINVAL);
	CHECK(strings == NULL);
	return 0;
}

TEST(random_corruption_no_crash)
{
	/* deterministic byte flips over the headers and tables of each flavour */
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (size_t f = 0; f < ARRAY_SIZE(flavours); f++) {
		_cleanup_modgen_ struct modgen_module *m = sample_module(
			flavours[f].bits, flavours[f].endian, MODGEN_CRC_KCRCTAB);
		_cleanup_image_ struct image img = { 0 };
		_cleanup_free_ uint8_t *copy = NULL;

		CHECK(m != NULL);
		CHECK_INT_EQ(build(m, &img), 0);
		copy = malloc(img.len);
		CHECK(copy != NULL);
		for (int iter = 0; iter < 4000; iter++) {
			memcpy(copy, img.data, img.len);
			for (int k = 0; k < 1 + iter % 4; k++) {
				seed = seed * 6364136223846793005ull +
				       1442695040888963407ull;
				size_t pos = (size_t)(seed >> 33) % img.len;

				copy[pos] = (uint8_t)(seed >> 17);
			}
			exercise(copy, img.len);
		}
	}
	return 0;
}

TEST(fuzz_replay_hostile_inputs)
{
	_cleanup_free_ char *dir = test_tmpdir();
	_cleanup_modgen_ struct modgen_module *m = sample_module(32, MODGEN_BIG,
								 MODGEN_CRC_KCRCTAB);
	_cleanup_image_ struct image img = { 0 };
	char fuzz[PATH_MAX], paths[4][PATH_MAX];
	struct test_run r;
	struct tsec s;

	CHECK(m != NULL && dir != NULL);
	CHECK_INT_EQ(build(m, &img), 0);
	snprintf(fuzz, sizeof(fuzz), "%s/testsuite/fuzz-elf", test_build_root());
	for (int i = 0; i < 4; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/hostile-%d", dir, i);
	CHECK_INT_EQ(test_write_file(paths[0], img.data, img.len / 2), 0);
	CHECK(tsec_find(img.data, "__versions", &s));
	tsec_set_size(img.data, &s, s.size - 1);
	CHECK_INT_EQ(test_write_file(paths[1], img.data, img.len), 0);
	p_shstrtab_outside(img.data, img.len);
	CHECK_INT_EQ(test_write_file(paths[2], img.data, img.len), 0);
	CHECK_INT_EQ(test_write_file(paths[3], "\177ELF\2\2\1", 7), 0);

	const char *argv[] = { fuzz, paths[0], paths[1], paths[2], paths[3], NULL };
	CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
	CHECK_MSG(r.status == 0, "fuzz-elf exit %d: %s", r.status, r.err);
	test_run_release(&r);
	return 0;
}

/* ---- speed: matching imports against __versions must not be quadratic --------- */

TEST(dependency_symbols_large_module_fast)
{
	_cleanup_modgen_ struct modgen_module *m = modgen_new("huge");
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ struct kmod_modversion *s = NULL;
	const int n = 40000;
	struct timespec t0, t1;
	char name[32];
	double ms;

	CHECK(m != NULL);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "sym_%06d", (i * 7919) % n);
		CHECK_INT_EQ(modgen_add_version(m, (uint64_t)i, name), 0);
		snprintf(name, sizeof(name), "sym_%06d", i);
		CHECK_INT_EQ(modgen_add_undef(m, name, false), 0);
	}
	CHECK_INT_EQ(build(m, &img), 0);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT_EQ(elf_get_dependency_symbols(elf, &s), n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* 40,000 x 40,000 string compares would take seconds */
	CHECK_MSG(ms < 400, "took %.1f ms", ms);
	for (int i = 0; i < n; i += 997) {
		snprintf(name, sizeof(name), "sym_%06d", i);
		CHECK_STR_EQ(s[i].symbol, name);
		/* record j holds sym (j*7919)%n, so crc = j with j*7919 = i (mod n) */
		CHECK_INT_EQ((s[i].crc * 7919) % n, (uint64_t)i);
	}
	return 0;
}

#else /* TEST_DEBIAN */

/* ---- differential tests on the real Debian tree (kmod 30 tools as oracle) ------ */

/* The unpacked tree: $MODKIT_DEBIAN_ROOT, else testsuite/debian-tree.sh [args]. */
static const char *debian_tree(const char *kind)
{
	return test_debian_tree(kind && kind[0] ? kind : NULL);
}

static const char *debian_root(void)
{
	const char *root = debian_tree(NULL);

	return root ? root : "/nonexistent-debian-tree";
}

#define KVER "6.1.0-50-amd64"

/* A sample of the tree: every step-th line of modules.order (paths of .ko). */
static char **sample_modules(size_t step, size_t *n)
{
	char path[PATH_MAX];
	char *order = NULL, *line, *save = NULL;
	size_t len, i = 0, cnt = 0;
	char **list;

	snprintf(path, sizeof(path), "%s/lib/modules/" KVER "/modules.order",
		 debian_root());
	if (test_read_file(path, &order, &len) < 0)
		return NULL;
	list = calloc(len / 8 + 2, sizeof(char *));
	for (line = strtok_r(order, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		if (i % step != 0)
			continue;
		if (asprintf(&list[cnt], "%s/lib/modules/" KVER "/%s", debian_root(),
			     line) < 0)
			break;
		cnt++;
	}
	free(order);
	*n = cnt;
	return list;
}

static int load(const char *path, struct image *img)
{
	char *d;
	int r = test_read_file(path, &d, &img->len);

	if (r == 0)
		img->data = (uint8_t *)d;
	return r;
}

static int run_capture(const char *const argv[], char **out)
{
	struct test_run r;

	if (test_run(&r, argv, NULL) < 0)
		return -1;
	int status = r.status;

	*out = r.out;
	r.out = NULL;
	test_run_release(&r);
	return status;
}

static char *format_versions(const struct kmod_modversion *v, int n)
{
	char *s = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&s, &sz);

	for (int i = 0; i < n; i++)
		fprintf(f, "0x%08llx\t%s\n", (unsigned long long)v[i].crc, v[i].symbol);
	fclose(f);
	return s;
}

TEST(debian_x_tables_modinfo_strings)
{
	static const char *const expect[] = {
		"description={ip,ip6,arp,eb}_tables backend module",
		"author=Harald Welte <laforge@netfilter.org>",
		"license=GPL",
		"depends=",
		"retpoline=Y",
		"intree=Y",
		"name=x_tables",
		"vermagic=" KVER " SMP preempt mod_unload modversions ",
	};
	char path[PATH_MAX];
	_cleanup_image_ struct image img = { 0 };
	_cleanup_elf_ struct kmod_elf *elf = NULL;
	_cleanup_free_ char **strings = NULL;

	snprintf(path, sizeof(path),
		 "%s/lib/modules/" KVER "/kernel/net/netfilter/x_tables.ko",
		 debian_root());
	CHECK_MSG(load(path, &img) == 0, "cannot read %s (set MODKIT_DEBIAN_ROOT)", path);
	CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
	CHECK_INT_EQ(elf_get_strings(elf, ".modinfo", &strings), ARRAY_SIZE(expect));
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
		CHECK_STR_EQ(strings[i], expect[i]);
	return 0;
}

/* Every key of a module, compared with `modinfo -F key` (parm/parmtype excluded:
 * modinfo merges them). */
TEST(debian_modinfo_strings_match_modinfo_F)
{
	size_t n = 0;
	char **mods = sample_modules(97, &n);

	CHECK(mods != NULL && n > 30);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ char **strings = NULL;
		int cnt;

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		cnt = elf_get_strings(elf, ".modinfo", &strings);
		CHECK_MSG(cnt > 0, "%s: %d", mods[i], cnt);
		for (int k = 0; k < cnt; k++) {
			char key[128], *expect = NULL, *got = NULL;
			size_t klen = strcspn(strings[k], "="), gsz = 0;
			bool seen = false;
			FILE *f;

			CHECK(klen < sizeof(key));
			memcpy(key, strings[k], klen);
			key[klen] = '\0';
			if (streq(key, "parm") || streq(key, "parmtype"))
				continue;
			for (int j = 0; j < k; j++)
				seen |= strncmp(strings[j], key, klen) == 0 &&
					(strings[j][klen] == '=' ||
					 strings[j][klen] == '\0');
			if (seen)
				continue;
			f = open_memstream(&got, &gsz);
			for (int j = k; j < cnt; j++) {
				if (strncmp(strings[j], key, klen) == 0 &&
				    (strings[j][klen] == '=' || strings[j][klen] == '\0'))
					fprintf(f, "%s\n",
						strings[j][klen] ? strings[j] + klen + 1 :
								   "");
			}
			fclose(f);
			test_need_kmod_oracle();
			const char *argv[] = { "/sbin/modinfo", "-F", key, mods[i],
					       NULL };
			CHECK_INT_EQ(run_capture(argv, &expect), 0);
			CHECK_MSG(streq(got, expect), "%s %s:\n got: %s\n exp: %s",
				  mods[i], key, got, expect);
			free(got);
			free(expect);
		}
		free(mods[i]);
	}
	free(mods);
	return 0;
}

TEST(debian_exports_and_modversions_match_modprobe)
{
	size_t n = 0;
	char **mods = sample_modules(9, &n);
	int with_exports = 0;

	CHECK(mods != NULL && n > 400);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *v = NULL;
		_cleanup_free_ struct kmod_modversion *s = NULL;
		_cleanup_free_ char *vtxt = NULL, *stxt = NULL, *vexp = NULL,
				    *sexp = NULL;
		int nv, ns, st;
		_cleanup_free_ char *owned = mods[i]; /* freed on every path */

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		nv = elf_get_modversions(elf, &v);
		CHECK_MSG(nv > 0, "%s: %d", mods[i], nv);
		vtxt = format_versions(v, nv);
		test_need_kmod_oracle();
		const char *av[] = { "/sbin/modprobe", "--dump-modversions", mods[i],
				     NULL };
		CHECK_INT_EQ(run_capture(av, &vexp), 0);
		CHECK_MSG(streq(vtxt, vexp), "%s: modversions differ", mods[i]);

		ns = elf_get_symbols(elf, &s);
		test_need_kmod_oracle();
		const char *as[] = { "/sbin/modprobe", "--show-exports", mods[i], NULL };
		st = run_capture(as, &sexp);
		if (ns == -ENODATA) {
			/* modprobe fails with "No data available" too */
			CHECK_MSG(st != 0, "%s: modprobe found exports", mods[i]);
			continue;
		}
		CHECK_MSG(ns > 0 && st == 0, "%s: %d / %d", mods[i], ns, st);
		with_exports++;
		stxt = format_versions(s, ns);
		CHECK_MSG(streq(stxt, sexp), "%s: exports differ", mods[i]);
	}
	CHECK(with_exports > 50);
	free(mods);
	return 0;
}

/* Imports: undefined symbols in symtab order (readelf -Ws) with the CRC of the
 * matching __versions record, then unmatched records (modprobe --dump-modversions). */
TEST(debian_dependency_symbols_match_readelf)
{
	size_t n = 0;
	char **mods = sample_modules(41, &n);

	CHECK(mods != NULL && n > 90);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		_cleanup_free_ struct kmod_modversion *d = NULL;
		_cleanup_free_ char *syms = NULL, *vers = NULL, *got = NULL, *exp = NULL;
		char *save = NULL, *line;
		size_t esz = 0;
		int nd;
		FILE *f;

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
		nd = elf_get_dependency_symbols(elf, &d);
		CHECK_MSG(nd > 0, "%s: %d", mods[i], nd);
		got = format_versions(d, nd);

		const char *ar[] = { "/usr/bin/readelf", "-Ws", "--wide", mods[i], NULL };
		CHECK_INT_EQ(run_capture(ar, &syms), 0);
		test_need_kmod_oracle();
		const char *av[] = { "/sbin/modprobe", "--dump-modversions", mods[i],
				     NULL };
		CHECK_INT_EQ(run_capture(av, &vers), 0);

		/* parse "0xcrc\tname" records */
		size_t nv = 0;
		char *vnames[4096];
		unsigned long long vcrc[4096];
		bool used[4096] = { false };
		for (line = strtok_r(vers, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t');

			CHECK(tab != NULL && nv < 4096);
			vcrc[nv] = strtoull(line, NULL, 16);
			vnames[nv++] = tab + 1;
		}
		f = open_memstream(&exp, &esz);
		save = NULL;
		bool in_symtab = false;
		for (line = strtok_r(syms, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char num[32], value[32], size[32], type[32], bind[32], vis[32],
				ndx[32];
			char name[512] = "";

			if (strstr(line, "Symbol table '.symtab'"))
				in_symtab = true;
			else if (strstr(line, "Symbol table"))
				in_symtab = false;
			if (!in_symtab)
				continue;
			if (sscanf(line, " %31s %31s %31s %31s %31s %31s %31s %511s", num,
				   value, size, type, bind, vis, ndx, name) < 7)
				continue;
			if (!streq(ndx, "UND") || name[0] == '\0' || streq(num, "0:"))
				continue;
			unsigned long long crc = 0;
			bool found = false;
			for (size_t k = 0; k < nv; k++) {
				if (streq(vnames[k], name)) {
					if (!found)
						crc = vcrc[k];
					found = true;
					used[k] = true;
				}
			}
			fprintf(f, "0x%08llx\t%s\n", crc, name);
		}
		for (size_t k = 0; k < nv; k++) {
			if (!used[k])
				fprintf(f, "0x%08llx\t%s\n", vcrc[k], vnames[k]);
		}
		fclose(f);
		CHECK_MSG(streq(got, exp), "%s:\n got:\n%s\n exp:\n%s", mods[i], got,
			  exp);
		free(mods[i]);
	}
	free(mods);
	return 0;
}

TEST(debian_whole_tree_parses_fast)
{
	size_t n = 0;
	char **mods = sample_modules(1, &n);
	struct timespec t0, t1;
	double ms;

	CHECK(mods != NULL && n > 4000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_elf_ struct kmod_elf *elf = NULL;
		struct kmod_modversion *v;
		char **strings;
		int r;

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK_MSG(elf_new(img.data, img.len, &elf) == 0, "%s", mods[i]);
		CHECK_MSG((r = elf_get_strings(elf, ".modinfo", &strings)) > 0, "%s",
			  mods[i]);
		free(strings);
		r = elf_get_symbols(elf, &v);
		CHECK_MSG(r > 0 || r == -ENODATA, "%s: %d", mods[i], r);
		if (r > 0)
			free(v);
		CHECK_MSG((r = elf_get_dependency_symbols(elf, &v)) > 0, "%s", mods[i]);
		free(v);
		free(mods[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# parsed %zu modules in %.0f ms\n", n, ms);
	free(mods);
	return 0;
}

static void file_freep(struct kmod_file **f)
{
	file_free(*f);
}

/* Real modules compressed by the CLI tools decompress to the same bytes; timing
 * of the xz path on a sample (kbuild's xz options) is printed as a TAP comment. */
TEST(debian_compressed_variants_identical)
{
	static const struct {
		const char *ext, *cmd;
		enum kmod_file_compression_type type;
	} tools[] = {
		{ "xz", "xz -c --check=crc32 --lzma2=dict=1MiB",
		  KMOD_FILE_COMPRESSION_XZ },
		{ "zst", "zstd -q -c", KMOD_FILE_COMPRESSION_ZSTD },
		{ "gz", "gzip -n -c", KMOD_FILE_COMPRESSION_ZLIB },
	};
	_cleanup_free_ char *dir = test_tmpdir();
	size_t n = 0;
	char **mods = sample_modules(40, &n);

	CHECK(dir != NULL && mods != NULL && n > 90);
	for (size_t t = 0; t < ARRAY_SIZE(tools); t++) {
		struct timespec t0, t1;
		double ms = 0;
		size_t bytes = 0;

		for (size_t i = 0; i < n; i++) {
			_cleanup_image_ struct image img = { 0 };
			_cleanup_(file_freep) struct kmod_file *f = NULL;
			char out[PATH_MAX], cmd[PATH_MAX * 3];
			struct test_run r;

			CHECK_INT_EQ(load(mods[i], &img), 0);
			snprintf(out, sizeof(out), "%s/m%zu.ko.%s", dir, i, tools[t].ext);
			snprintf(cmd, sizeof(cmd), "%s < '%s' > '%s'", tools[t].cmd,
				 mods[i], out);
			const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
			CHECK_INT_EQ(test_run(&r, argv, NULL), 0);
			CHECK_INT_EQ(r.status, 0);
			test_run_release(&r);

			clock_gettime(CLOCK_MONOTONIC, &t0);
			CHECK_INT_EQ(file_open(NULL, out, &f), 0);
			CHECK_INT_EQ(file_get_compression(f), tools[t].type);
			CHECK_INT_EQ(file_load_contents(f), 0);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ms += (t1.tv_sec - t0.tv_sec) * 1e3 +
			      (t1.tv_nsec - t0.tv_nsec) / 1e6;
			bytes += img.len;
			CHECK_MEM_EQ(file_get_contents(f), file_get_size(f), img.data,
				     img.len);
			unlink(out);
		}
		printf("# %s: %zu modules, %.1f MiB decompressed in %.0f ms\n",
		       tools[t].ext, n, bytes / 1048576.0, ms);
	}
	for (size_t i = 0; i < n; i++)
		free(mods[i]);
	free(mods);
	return 0;
}

static char *modinfo_field(const char *file, const char *field)
{
	test_need_kmod_oracle();
	const char *argv[] = { "/sbin/modinfo", "-F", field, file, NULL };
	char *out = NULL;

	if (run_capture(argv, &out) != 0) {
		free(out);
		return NULL;
	}
	if (out[0] != '\0' && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	return out;
}

static void sig_releasep(struct sig_info *s)
{
	sig_info_release(s);
}

TEST(debian_x_tables_signature)
{
	char path[PATH_MAX];
	_cleanup_image_ struct image img = { 0 };
	_cleanup_(sig_releasep) struct sig_info s = { 0 };
	_cleanup_free_ char *key = NULL, *sig = NULL;

	snprintf(path, sizeof(path),
		 "%s/lib/modules/" KVER "/kernel/net/netfilter/x_tables.ko",
		 debian_root());
	CHECK_INT_EQ(load(path, &img), 0);
	CHECK(sig_info_get(img.data, img.len, &s));
	CHECK_STR_EQ(s.id_type, "PKCS#7");
	CHECK_MEM_EQ(s.signer, s.signer_len, "Build time autogenerated kernel key", 35);
	key = sig_hex_format(s.key_id, s.key_id_len);
	CHECK_STR_EQ(key, "3D:46:54:93:DD:0E:13:96:44:69:0D:E4:81:B8:A0:8E:9C:E5:45:66");
	CHECK_STR_EQ(s.hash_algo, "sha256");
	sig = sig_hex_format(s.sig, s.sig_len);
	CHECK(strncmp(sig,
		      "C6:45:89:E9:83:77:6F:CF:35:66:44:80:35:DB:BC:0A:4A:4D:3E:4D:\n"
		      "\t\t28:EF:9F:95:9A:2F:D2:6A:32:3D:CF:88:86:BD:92:D4:47:6F:A1:9F:\n",
		      2 * 61 + 2) == 0);
	return 0;
}

TEST(debian_signatures_match_modinfo)
{
	static const char *const fields[] = { "sig_id", "signer", "sig_key",
					      "sig_hashalgo", "signature" };
	size_t n = 0;
	char **mods = sample_modules(131, &n);

	CHECK(mods != NULL && n > 25);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_(sig_releasep) struct sig_info s = { 0 };
		char *got[5];

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK_MSG(sig_info_get(img.data, img.len, &s), "%s unsigned?", mods[i]);
		got[0] = strdup(s.id_type);
		got[1] = strndup(s.signer, s.signer_len);
		got[2] = sig_hex_format(s.key_id, s.key_id_len);
		got[3] = strdup(s.hash_algo);
		got[4] = sig_hex_format(s.sig, s.sig_len);
		for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
			_cleanup_free_ char *exp = modinfo_field(mods[i], fields[f]);

			CHECK(exp != NULL && got[f] != NULL);
			CHECK_MSG(streq(got[f], exp), "%s %s:\n got %s\n exp %s", mods[i],
				  fields[f], got[f], exp);
			free(got[f]);
		}
		free(mods[i]);
	}
	free(mods);
	return 0;
}

/* Every third module of the kbuild-style compressed copies of the tree
 * (debian-tree.sh --compressed) decompresses to the plain module's bytes. */
static int check_compressed_tree(const char *kind, enum kmod_file_compression_type type)
{
	const char *croot = debian_tree(kind);
	size_t n = 0, bytes = 0;
	char **mods = sample_modules(3, &n);
	size_t rootlen = strlen(debian_root());
	struct timespec t0, t1;
	double ms = 0;

	CHECK_MSG(croot != NULL, "no %s-compressed tree", kind);
	CHECK(mods != NULL && n > 1300);
	for (size_t i = 0; i < n; i++) {
		_cleanup_image_ struct image img = { 0 };
		_cleanup_(file_freep) struct kmod_file *f = NULL;
		char path[PATH_MAX];

		CHECK_INT_EQ(load(mods[i], &img), 0);
		CHECK(snprintf(path, sizeof(path), "%s%s.%s", croot, mods[i] + rootlen,
			       kind) < (int)sizeof(path));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		CHECK_MSG(file_open(NULL, path, &f) == 0, "%s", path);
		CHECK_INT_EQ(file_get_compression(f), type);
		CHECK_INT_EQ(file_load_contents(f), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms += (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
		bytes += img.len;
		CHECK_MEM_EQ(file_get_contents(f), file_get_size(f), img.data, img.len);
		free(mods[i]);
	}
	printf("# %s tree: %zu modules, %.0f MiB decompressed in %.0f ms\n", kind, n,
	       bytes / 1048576.0, ms);
	free(mods);
	return 0;
}

TEST(debian_xz_tree_matches_plain)
{
	return check_compressed_tree("xz", KMOD_FILE_COMPRESSION_XZ);
}

TEST(debian_zst_tree_matches_plain)
{
	return check_compressed_tree("zst", KMOD_FILE_COMPRESSION_ZSTD);
}

TEST(debian_gz_tree_matches_plain)
{
	return check_compressed_tree("gz", KMOD_FILE_COMPRESSION_ZLIB);
}

/* Our strings and signature fields, laid out as modinfo prints them, equal kmod
 * 34.2's golden modinfo output (testsuite/reference/.../tools/modinfo.txt.zst) for
 * its 60 modules; only filename and the merged parm lines are left out. */
TEST(debian_matches_kmod34_modinfo_reference)
{
	char ref[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	const char *root = debian_root();
	int modules = 0;
	char *p;

	snprintf(ref, sizeof(ref),
		 "%s/testsuite/reference/" KVER "/tools/modinfo.txt.zst",
		 test_source_root());
	const char *argv[] = { "/usr/bin/zstd", "-dc", ref, NULL };
	CHECK_INT_EQ(run_capture(argv, &text), 0);
	p = text;
	while ((p = strstr(p, "### ")) != NULL) {
		char *end = strstr(p + 4, "\n### ");
		char *block, *line, *save = NULL, *mod = NULL, *got = NULL;
		size_t blen = end ? (size_t)(end - p) + 1 : strlen(p), gsz = 0;
		_cleanup_free_ char *expect = NULL;
		size_t esz = 0;
		FILE *e, *g;

		block = strndup(p, blen);
		CHECK(block != NULL);
		p += blen;
		e = open_memstream(&expect, &esz);
		/* keep every line but the header, filename and parm ones */
		for (line = strtok_r(block, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "### ", 4) == 0)
				continue;
			if (strncmp(line, "filename:", 9) == 0) {
				const char *f = line + 9 + strspn(line + 9, " ");

				CHECK(strncmp(f, "@ROOT@", 6) == 0);
				CHECK(asprintf(&mod, "%s%s", root, f + 6) > 0);
				continue;
			}
			/* parm lines come last (some span several lines): stop there */
			if (strncmp(line, "parm:", 5) == 0)
				break;
			fprintf(e, "%s\n", line);
		}
		fclose(e);
		free(block);
		CHECK(mod != NULL);

		{
			_cleanup_image_ struct image img = { 0 };
			_cleanup_elf_ struct kmod_elf *elf = NULL;
			_cleanup_free_ char **strings = NULL;
			_cleanup_(sig_releasep) struct sig_info s = { 0 };
			int n;

			CHECK_INT_EQ(load(mod, &img), 0);
			CHECK_INT_EQ(elf_new(img.data, img.len, &elf), 0);
			n = elf_get_strings(elf, ".modinfo", &strings);
			CHECK(n > 0);
			g = open_memstream(&got, &gsz);
			for (int i = 0; i < n; i++) {
				size_t kl = strcspn(strings[i], "=");
				const char *v = strings[i][kl] ? strings[i] + kl + 1 : "";

				if ((kl == 4 && strncmp(strings[i], "parm", 4) == 0) ||
				    (kl == 8 && strncmp(strings[i], "parmtype", 8) == 0))
					continue;
				fprintf(g, "%.*s:%*s%s\n", (int)kl, strings[i],
					kl < 15 ? (int)(15 - kl) : 0, "", v);
			}
			if (sig_info_get(img.data, img.len, &s)) {
				_cleanup_free_ char *k = sig_hex_format(s.key_id,
									s.key_id_len);
				_cleanup_free_ char *sg = sig_hex_format(s.sig,
									 s.sig_len);

				fprintf(g, "sig_id:         %s\n", s.id_type);
				fprintf(g, "signer:         %.*s\n", (int)s.signer_len,
					s.signer);
				fprintf(g, "sig_key:        %s\n", k);
				fprintf(g, "sig_hashalgo:   %s\n", s.hash_algo);
				fprintf(g, "signature:      %s\n", sg);
			}
			fclose(g);
		}
		CHECK_MSG(streq(got, expect), "%s:\n--- got\n%s--- kmod 34.2\n%s", mod,
			  got, expect);
		free(got);
		free(mod);
		modules++;
	}
	CHECK_INT_EQ(modules, 60);
	return 0;
}

#endif /* TEST_DEBIAN */

TEST_MAIN()
