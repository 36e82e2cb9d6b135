// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel module ELF images (formats.md 3), any class and byte order on any host.
 *
 * A module is a relocatable ELF file. What is read here:
 *
 *   ELF header   e_ident: "\x7fELF", class (1 = 32-bit, 2 = 64-bit), data (1 = LSB,
 *                2 = MSB); then, at class-dependent offsets, e_machine, e_shoff,
 *                e_shentsize (40 or 64), e_shnum and e_shstrndx.
 *   sections     e_shnum headers of e_shentsize bytes at e_shoff: sh_name (offset
 *                into the e_shstrndx string table), sh_flags, sh_offset, sh_size.
 *   .modinfo     "key=value" strings separated by one or more NULs.
 *   __versions   64-byte records: CRC (u64, or u32 for 32-bit) + NUL-terminated
 *                name filling the rest.
 *   .symtab      Elf32_Sym (16 bytes) or Elf64_Sym (24 bytes) entries, names in
 *                .strtab; exports show as "__crc_<name>" symbols whose CRC lives
 *                at st_value inside section st_shndx (or is st_value itself for
 *                SHN_ABS/SHN_UNDEF), imports as SHN_UNDEF symbols.
 *   __ksymtab_strings  NUL-separated export names, used when no __crc_ exists.
 *
 * All multi-byte fields are in the file's byte order. Every offset and size is
 * checked against the image before use, with overflow-safe arithmetic.
 */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-elf.h"
#include "macro.h"

#define CRC_PREFIX "__crc_"
#define VERSION_RECORD_SIZE 64

struct kmod_elf {
	const uint8_t *memory;
	size_t size;
	bool x32;
	bool swap; /* file byte order differs from the host's */
	uint16_t machine;
	uint64_t shoff;
	uint16_t shnum;
	uint16_t shentsize;
	/* the section-name string table, validated to end in NUL */
	const char *shstrtab;
	uint64_t shstrtab_size;
};

struct elf_section {
	const uint8_t *data;
	uint64_t size;
	uint16_t index;
};

/* Field offsets that differ between the classes. */
struct elf_layout {
	uint8_t ehdr_size;
	uint8_t e_shoff, e_shentsize, e_shnum, e_shstrndx, addr_size;
	uint8_t shdr_size;
	uint8_t sh_flags, sh_offset, sh_size;
	uint8_t sym_size;
	uint8_t st_info, st_shndx, st_value;
	uint8_t crc_size;
};

static const struct elf_layout layout32 = {
	.ehdr_size = 52,
	.e_shoff = 32,
	.e_shentsize = 46,
	.e_shnum = 48,
	.e_shstrndx = 50,
	.addr_size = 4,
	.shdr_size = 40,
	.sh_flags = 8,
	.sh_offset = 16,
	.sh_size = 20,
	.sym_size = 16,
	.st_info = 12,
	.st_shndx = 14,
	.st_value = 4,
	.crc_size = 4,
};

static const struct elf_layout layout64 = {
	.ehdr_size = 64,
	.e_shoff = 40,
	.e_shentsize = 58,
	.e_shnum = 60,
	.e_shstrndx = 62,
	.addr_size = 8,
	.shdr_size = 64,
	.sh_flags = 8,
	.sh_offset = 24,
	.sh_size = 32,
	.sym_size = 24,
	.st_info = 4,
	.st_shndx = 6,
	.st_value = 8,
	.crc_size = 8,
};

static inline const struct elf_layout *elf_layout(const struct kmod_elf *elf)
{
	return elf->x32 ? &layout32 : &layout64;
}

/* Reads an unsigned field of width 1, 2, 4 or 8 at p in the file's byte order. */
static inline uint64_t elf_uint(const struct kmod_elf *elf, const uint8_t *p,
				unsigned width)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (width) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v16, p, 2);
		return elf->swap ? __builtin_bswap16(v16) : v16;
	case 4:
		memcpy(&v32, p, 4);
		return elf->swap ? __builtin_bswap32(v32) : v32;
	default:
		memcpy(&v64, p, 8);
		return elf->swap ? __builtin_bswap64(v64) : v64;
	}
}

static inline void elf_put_uint(const struct kmod_elf *elf, uint8_t *p, unsigned width,
				uint64_t v)
{
	uint32_t v32;

	if (width == 4) {
		v32 = (uint32_t)v;
		if (elf->swap)
			v32 = __builtin_bswap32(v32);
		memcpy(p, &v32, 4);
	} else {
		if (elf->swap)
			v = __builtin_bswap64(v);
		memcpy(p, &v, 8);
	}
}

/* true if [off, off + len) lies within a buffer of size bytes */
static inline bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static const uint8_t *elf_shdr(const struct kmod_elf *elf, uint16_t idx)
{
	return elf->memory + elf->shoff + (uint64_t)idx * elf->shentsize;
}

static void elf_shdr_range(const struct kmod_elf *elf, uint16_t idx, uint64_t *off,
			   uint64_t *size)
{
	const struct elf_layout *l = elf_layout(elf);
	const uint8_t *sh = elf_shdr(elf, idx);

	*off = elf_uint(elf, sh + l->sh_offset, l->addr_size);
	*size = elf_uint(elf, sh + l->sh_size, l->addr_size);
}

int elf_new(const void *memory, size_t size, struct kmod_elf **out)
{
	const uint8_t *m = memory;
	const struct elf_layout *l;
	struct kmod_elf e = { .memory = memory, .size = size };
	uint16_t shstrndx;
	uint64_t off, len;
	struct kmod_elf *elf;

	/* Not an ELF file at all: ENOEXEC; an ELF file whose structure is broken:
	 * EINVAL (the errors kmod reports, e.g. in modinfo's messages). */
	if (size <= EI_NIDENT || memcmp(m, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	switch (m[EI_CLASS]) {
	case ELFCLASS32:
		e.x32 = true;
		break;
	case ELFCLASS64:
		e.x32 = false;
		break;
	default:
		return -EINVAL;
	}
	switch (m[EI_DATA]) {
	case ELFDATA2LSB:
		e.swap = BYTE_ORDER != LITTLE_ENDIAN;
		break;
	case ELFDATA2MSB:
		e.swap = BYTE_ORDER != BIG_ENDIAN;
		break;
	default:
		return -EINVAL;
	}
	l = elf_layout(&e);
	if (size <= l->ehdr_size)
		return -EINVAL;

	e.machine = (uint16_t)elf_uint(&e, m + 18, 2);
	e.shoff = elf_uint(&e, m + l->e_shoff, l->addr_size);
	e.shentsize = (uint16_t)elf_uint(&e, m + l->e_shentsize, 2);
	e.shnum = (uint16_t)elf_uint(&e, m + l->e_shnum, 2);
	shstrndx = (uint16_t)elf_uint(&e, m + l->e_shstrndx, 2);

	if (e.shentsize != l->shdr_size)
		return -EINVAL;
	if (!range_ok(e.shoff, (uint64_t)e.shnum * e.shentsize, size))
		return -EINVAL;
	if (shstrndx == SHN_UNDEF || shstrndx >= e.shnum)
		return -EINVAL;
	elf_shdr_range(&e, shstrndx, &off, &len);
	if (len == 0 || !range_ok(off, len, size) || m[off + len - 1] != '\0')
		return -EINVAL;
	e.shstrtab = (const char *)m + off;
	e.shstrtab_size = len;

	elf = malloc(sizeof(*elf));
	if (elf == NULL)
		return -ENOMEM;
	*elf = e;
	*out = elf;
	return 0;
}

void elf_free(struct kmod_elf *elf)
{
	free(elf);
}

/* First section named name (index >= 1). -ENODATA if there is none, -EINVAL if it
 * does not lie within the image. */
static int elf_find_section(const struct kmod_elf *elf, const char *name,
			    struct elf_section *s)
{
	size_t namelen = strlen(name);

	for (uint16_t i = 1; i < elf->shnum; i++) {
		uint64_t name_off = elf_uint(elf, elf_shdr(elf, i), 4);
		uint64_t off, size;

		if (name_off >= elf->shstrtab_size)
			continue;
		/* the table ends in NUL, so comparing namelen + 1 bytes stays inside */
		if (elf->shstrtab_size - name_off < namelen + 1 ||
		    memcmp(elf->shstrtab + name_off, name, namelen + 1) != 0)
			continue;
		elf_shdr_range(elf, i, &off, &size);
		if (!range_ok(off, size, elf->size))
			return -EINVAL;
		s->data = elf->memory + off;
		s->size = size;
		s->index = i;
		return 0;
	}
	return -ENODATA;
}

/* Section by index (for st_shndx); -EINVAL if out of range or outside the image. */
static int elf_section_at(const struct kmod_elf *elf, uint64_t idx, struct elf_section *s)
{
	uint64_t off, size;

	if (idx == SHN_UNDEF || idx >= elf->shnum)
		return -EINVAL;
	elf_shdr_range(elf, (uint16_t)idx, &off, &size);
	if (!range_ok(off, size, elf->size))
		return -EINVAL;
	s->data = elf->memory + off;
	s->size = size;
	s->index = (uint16_t)idx;
	return 0;
}

/* ---- string sections ---------------------------------------------------------- */

/* Next non-empty string of a NUL-separated section whose last byte is NUL, from
 * *pos on (runs of NULs are separators); false at the end. */
static bool next_string(const uint8_t *data, uint64_t size, uint64_t *pos,
			const char **str, size_t *len)
{
	while (*pos < size && data[*pos] == '\0')
		(*pos)++;
	if (*pos >= size)
		return false;
	*str = (const char *)data + *pos;
	*len = strlen(*str);
	*pos += *len + 1;
	return true;
}

/* The number of strings of a string section (as next_string() splits it) and
 * their bytes with a NUL each; -EINVAL when the last one is unterminated or there
 * are more than INT_MAX. */
static int count_strings(const struct elf_section *s, size_t *count, size_t *bytes)
{
	const char *str;
	size_t len;

	*count = 0;
	*bytes = 0;
	if (s->size > 0 && s->data[s->size - 1] != '\0')
		return -EINVAL;
	for (uint64_t pos = 0; next_string(s->data, s->size, &pos, &str, &len);) {
		(*count)++;
		*bytes += len + 1;
	}
	return *count > INT_MAX ? -EINVAL : 0;
}

int elf_get_strings(const struct kmod_elf *elf, const char *section, char ***array)
{
	struct elf_section s;
	const char *str;
	size_t len, count = 0, bytes = 0, total;
	char **a, *p;
	int err;

	err = elf_find_section(elf, section, &s);
	if (err < 0)
		return err;
	err = count_strings(&s, &count, &bytes);
	if (err < 0)
		return err;
	if (count == 0) {
		*array = NULL;
		return 0;
	}

	/* pointers, then the strings; bytes <= s.size so this cannot overflow */
	total = count * sizeof(char *) + bytes;
	a = malloc(total);
	if (a == NULL)
		return -ENOMEM;
	p = (char *)(a + count);
	count = 0;
	for (uint64_t pos = 0; next_string(s.data, s.size, &pos, &str, &len);) {
		memcpy(p, str, len + 1);
		a[count++] = p;
		p += len + 1;
	}
	*array = a;
	return (int)count;
}

/* ---- __versions ----------------------------------------------------------------- */

struct elf_version_rec {
	uint64_t crc;
	const char *name;
	size_t len;
};

/* Validated view of __versions: *n records (0 and no error when absent). */
static int elf_read_versions(const struct kmod_elf *elf, struct elf_version_rec **recs,
			     size_t *n)
{
	const struct elf_layout *l = elf_layout(elf);
	size_t name_max = VERSION_RECORD_SIZE - l->crc_size;
	_cleanup_free_ struct elf_version_rec *r = NULL;
	struct elf_section s;
	size_t count;
	int err;

	err = elf_find_section(elf, "__versions", &s);
	if (err < 0)
		return err;
	if (s.size % VERSION_RECORD_SIZE != 0)
		return -EINVAL;
	count = s.size / VERSION_RECORD_SIZE;
	if (count > INT_MAX)
		return -EINVAL;
	r = malloc(MAX(count, (size_t)1) * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *rec = s.data + i * VERSION_RECORD_SIZE;
		const char *name = (const char *)rec + l->crc_size;
		const char *nul = memchr(name, '\0', name_max);

		if (nul == NULL)
			return -EINVAL;
		r[i].crc = elf_uint(elf, rec, l->crc_size);
		r[i].name = name;
		r[i].len = (size_t)(nul - name);
	}
	*recs = TAKE_PTR(r);
	*n = count;
	return 0;
}

/* One allocation: n records followed by their names (bytes includes the NULs). */
static struct kmod_modversion *modversions_alloc(size_t n, size_t bytes, char **strings)
{
	struct kmod_modversion *a;
	size_t total;

	if (umul_overflow(n, sizeof(*a), &total) || uadd_overflow(total, bytes, &total))
		return NULL;
	a = malloc(MAX(total, (size_t)1));
	if (a != NULL)
		*strings = (char *)(a + n);
	return a;
}

static const char *copy_name(char **strings, const char *name, size_t len)
{
	char *p = *strings;

	memcpy(p, name, len);
	p[len] = '\0';
	*strings = p + len + 1;
	return p;
}

int elf_get_modversions(const struct kmod_elf *elf, struct kmod_modversion **array)
{
	_cleanup_free_ struct elf_version_rec *recs = NULL;
	struct kmod_modversion *a;
	size_t n, bytes = 0;
	char *strings;
	int err;

	err = elf_read_versions(elf, &recs, &n);
	if (err < 0)
		return err;
	/* ppc64 ELFv1 function descriptors: ".name" is shown as "name" */
	for (size_t i = 0; i < n; i++) {
		if (recs[i].len > 0 && recs[i].name[0] == '.') {
			recs[i].name++;
			recs[i].len--;
		}
		bytes += recs[i].len + 1;
	}
	a = modversions_alloc(n, bytes, &strings);
	if (a == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		a[i].crc = recs[i].crc;
		a[i].bind = KMOD_SYMBOL_NONE;
		a[i].symbol = copy_name(&strings, recs[i].name, recs[i].len);
	}
	*array = a;
	return (int)n;
}

/* ---- symbol table --------------------------------------------------------------- */

struct elf_symtab {
	const uint8_t *syms;
	size_t count; /* including the null entry 0 */
	const char *strtab;
	uint64_t strtab_size;
};

static int elf_get_symtab(const struct kmod_elf *elf, struct elf_symtab *t)
{
	const struct elf_layout *l = elf_layout(elf);
	struct elf_section sym, str;
	int err;

	err = elf_find_section(elf, ".symtab", &sym);
	if (err < 0)
		return err;
	err = elf_find_section(elf, ".strtab", &str);
	if (err < 0)
		return err;
	if (sym.size % l->sym_size != 0)
		return -EINVAL;
	if (str.size == 0 || str.data[str.size - 1] != '\0')
		return -EINVAL;
	t->syms = sym.data;
	t->count = sym.size / l->sym_size;
	t->strtab = (const char *)str.data;
	t->strtab_size = str.size;
	return 0;
}

struct elf_sym {
	const char *name; /* NULL when st_name is out of range */
	uint8_t bind, type;
	uint16_t shndx;
	uint64_t value;
};

static void elf_symbol(const struct kmod_elf *elf, const struct elf_symtab *t, size_t i,
		       struct elf_sym *s)
{
	const struct elf_layout *l = elf_layout(elf);
	const uint8_t *p = t->syms + i * l->sym_size;
	uint64_t name = elf_uint(elf, p, 4);
	uint8_t info = p[l->st_info];

	s->name = name < t->strtab_size ? t->strtab + name : NULL;
	s->bind = ELF64_ST_BIND(info);
	s->type = ELF64_ST_TYPE(info);
	s->shndx = (uint16_t)elf_uint(elf, p + l->st_shndx, 2);
	s->value = elf_uint(elf, p + l->st_value, l->addr_size);
}

static int elf_crc_of(const struct kmod_elf *elf, const struct elf_sym *s, uint64_t *crc)
{
	struct elf_section sec;
	int err;

	if (s->shndx == SHN_UNDEF || s->shndx == SHN_ABS) {
		*crc = s->value;
		return 0;
	}
	err = elf_section_at(elf, s->shndx, &sec);
	if (err < 0)
		return err;
	if (!range_ok(s->value, 4, sec.size))
		return -EINVAL;
	*crc = elf_uint(elf, sec.data + s->value, 4);
	return 0;
}

static int elf_symbols_from_crcs(const struct kmod_elf *elf, const struct elf_symtab *t,
				 struct kmod_modversion **array)
{
	_cleanup_free_ struct kmod_modversion *a = NULL;
	struct elf_sym s;
	size_t n = 0, bytes = 0, k = 0;
	char *strings;
	int err;

	for (size_t i = 1; i < t->count; i++) {
		elf_symbol(elf, t, i, &s);
		if (s.name == NULL || !strstartswith(s.name, CRC_PREFIX))
			continue;
		n++;
		bytes += strlen(s.name) - STRLEN(CRC_PREFIX) + 1;
	}
	if (n == 0)
		return -ENODATA;
	if (n > INT_MAX)
		return -EINVAL;

	a = modversions_alloc(n, bytes, &strings);
	if (a == NULL)
		return -ENOMEM;
	for (size_t i = 1; i < t->count; i++) {
		const char *name;

		elf_symbol(elf, t, i, &s);
		if (s.name == NULL || !strstartswith(s.name, CRC_PREFIX))
			continue;
		err = elf_crc_of(elf, &s, &a[k].crc);
		if (err < 0)
			return err;
		name = s.name + STRLEN(CRC_PREFIX);
		a[k].bind = KMOD_SYMBOL_NONE;
		a[k].symbol = copy_name(&strings, name, strlen(name));
		k++;
	}
	*array = TAKE_PTR(a);
	return (int)n;
}

static int elf_symbols_from_ksymtab_strings(const struct kmod_elf *elf,
					    struct kmod_modversion **array)
{
	struct kmod_modversion *a;
	struct elf_section s;
	const char *str;
	size_t len, n = 0, bytes = 0, k = 0;
	char *strings;
	int err;

	err = elf_find_section(elf, "__ksymtab_strings", &s);
	if (err < 0)
		return err;
	err = count_strings(&s, &n, &bytes);
	if (err < 0)
		return err;
	a = modversions_alloc(n, bytes, &strings);
	if (a == NULL)
		return -ENOMEM;
	for (uint64_t pos = 0; next_string(s.data, s.size, &pos, &str, &len);) {
		a[k].crc = 0;
		a[k].bind = KMOD_SYMBOL_NONE;
		a[k].symbol = copy_name(&strings, str, len);
		k++;
	}
	*array = a;
	return (int)n;
}

int elf_get_symbols(const struct kmod_elf *elf, struct kmod_modversion **array)
{
	struct elf_symtab t;
	int err;

	err = elf_get_symtab(elf, &t);
	if (err == 0) {
		err = elf_symbols_from_crcs(elf, &t, array);
		if (err != -ENODATA)
			return err;
	} else if (err != -ENODATA) {
		return err;
	}
	return elf_symbols_from_ksymtab_strings(elf, array);
}

/* ---- dependency symbols ----------------------------------------------------------- */

/*
 * Imports are matched with __versions records by name through an open-addressing
 * hash of the records (a module has a few hundred of each; depmod reads thousands
 * of modules). Records of equal name are chained so that the first one gives the
 * CRC and all of them count as matched.
 */
struct version_index {
	uint32_t *slots; /* record index + 1, 0 = empty */
	uint32_t *next_same; /* next record of the same name + 1, 0 = none */
	size_t mask;
};

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static void version_index_release(struct version_index *idx)
{
	free(idx->slots);
	free(idx->next_same);
}

static int version_index_build(struct version_index *idx, const struct elf_version_rec *v,
			       size_t n)
{
	size_t size = 16;

	/* n <= INT_MAX (checked by elf_read_versions), so this cannot overflow */
	while (size < 2 * n)
		size *= 2;
	idx->mask = size - 1;
	idx->slots = calloc(size, sizeof(*idx->slots));
	idx->next_same = calloc(MAX(n, (size_t)1), sizeof(*idx->next_same));
	if (idx->slots == NULL || idx->next_same == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t pos = name_hash(v[i].name, v[i].len) & idx->mask;

		for (;; pos = (pos + 1) & idx->mask) {
			uint32_t j = idx->slots[pos];

			if (j == 0) {
				idx->slots[pos] = (uint32_t)i + 1;
				break;
			}
			if (v[j - 1].len == v[i].len &&
			    memcmp(v[j - 1].name, v[i].name, v[i].len) == 0) {
				/* append to the chain of that name, keeping record order */
				while (idx->next_same[j - 1] != 0)
					j = idx->next_same[j - 1];
				idx->next_same[j - 1] = (uint32_t)i + 1;
				break;
			}
		}
	}
	return 0;
}

/* Index of the first record named name, or -1. */
static ssize_t version_index_find(const struct version_index *idx,
				  const struct elf_version_rec *v, const char *name,
				  size_t len)
{
	for (size_t pos = name_hash(name, len) & idx->mask;;
	     pos = (pos + 1) & idx->mask) {
		uint32_t j = idx->slots[pos];

		if (j == 0)
			return -1;
		if (v[j - 1].len == len && memcmp(v[j - 1].name, name, len) == 0)
			return (ssize_t)j - 1;
	}
}

static bool elf_is_sparc(const struct kmod_elf *elf)
{
	return elf->machine == EM_SPARC || elf->machine == EM_SPARCV9;
}

static bool elf_is_import(const struct kmod_elf *elf, const struct elf_sym *s)
{
	if (s->shndx != SHN_UNDEF || s->name == NULL || s->name[0] == '\0')
		return false;
	return !(s->type == STT_SPARC_REGISTER && elf_is_sparc(elf));
}

struct elf_import {
	const char *name;
	size_t len;
	uint64_t crc;
	enum kmod_symbol_bind bind;
};

int elf_get_dependency_symbols(const struct kmod_elf *elf, struct kmod_modversion **array)
{
	_cleanup_free_ struct elf_version_rec *vers = NULL;
	_cleanup_(version_index_release) struct version_index idx = { 0 };
	_cleanup_free_ struct elf_import *imports = NULL;
	_cleanup_free_ bool *matched = NULL;
	struct kmod_modversion *a;
	struct elf_symtab t;
	struct elf_sym s;
	size_t n_vers = 0, n_imports = 0, n, bytes = 0, k = 0;
	char *strings;
	int err;

	err = elf_get_symtab(elf, &t);
	if (err < 0)
		return err;
	err = elf_read_versions(elf, &vers, &n_vers);
	if (err < 0 && err != -ENODATA)
		return err;
	if (n_vers > 0) {
		err = version_index_build(&idx, vers, n_vers);
		if (err < 0)
			return err;
		matched = calloc(n_vers, sizeof(*matched));
		if (matched == NULL)
			return -ENOMEM;
	}
	imports = malloc(MAX(t.count, (size_t)1) * sizeof(*imports));
	if (imports == NULL)
		return -ENOMEM;

	for (size_t i = 1; i < t.count; i++) {
		struct elf_import *imp = &imports[n_imports];

		elf_symbol(elf, &t, i, &s);
		if (!elf_is_import(elf, &s))
			continue;
		imp->name = s.name;
		imp->len = strlen(s.name);
		imp->crc = 0;
		imp->bind = s.bind == STB_WEAK ? KMOD_SYMBOL_WEAK : KMOD_SYMBOL_UNDEF;
		if (n_vers > 0) {
			ssize_t v = version_index_find(&idx, vers, imp->name, imp->len);

			if (v >= 0) {
				imp->crc = vers[v].crc;
				/* every record of that name counts as matched */
				for (size_t j = (size_t)v + 1; j != 0 && !matched[j - 1];
				     j = idx.next_same[j - 1])
					matched[j - 1] = true;
			}
		}
		bytes += imp->len + 1;
		n_imports++;
	}
	n = n_imports;
	for (size_t i = 0; i < n_vers; i++) {
		if (!matched[i]) {
			n++;
			bytes += vers[i].len + 1;
		}
	}
	if (n > INT_MAX)
		return -EINVAL;

	a = modversions_alloc(n, bytes, &strings);
	if (a == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n_imports; i++, k++) {
		a[k].crc = imports[i].crc;
		a[k].bind = imports[i].bind;
		a[k].symbol = copy_name(&strings, imports[i].name, imports[i].len);
	}
	for (size_t i = 0; i < n_vers; i++) {
		if (matched[i])
			continue;
		a[k].crc = vers[i].crc;
		a[k].bind = KMOD_SYMBOL_UNDEF;
		a[k].symbol = copy_name(&strings, vers[i].name, vers[i].len);
		k++;
	}
	*array = a;
	return (int)n;
}

/* ---- forced insertion edits (formats.md 3.8) ------------------------------------- */

static int elf_strip_modversions(const struct kmod_elf *elf, uint8_t *image)
{
	const struct elf_layout *l = elf_layout(elf);
	struct elf_section s;
	uint8_t *flags;
	int err;

	err = elf_find_section(elf, "__versions", &s);
	if (err == -ENODATA)
		return 0;
	if (err < 0)
		return err;
	flags = image + (elf_shdr(elf, s.index) - elf->memory) + l->sh_flags;
	elf_put_uint(elf, flags, l->addr_size,
		     elf_uint(elf, flags, l->addr_size) & ~(uint64_t)SHF_ALLOC);
	return 0;
}

static int elf_strip_vermagic(const struct kmod_elf *elf, uint8_t *image)
{
	static const char key[] = "vermagic=";
	struct elf_section s;
	uint8_t *copy;
	int err;

	err = elf_find_section(elf, ".modinfo", &s);
	if (err < 0)
		return err;
	copy = image + (s.data - elf->memory);
	for (uint64_t i = 0; i < s.size; i++) {
		uint64_t end;

		/* only string starts count */
		if (s.data[i] == '\0' || (i > 0 && s.data[i - 1] != '\0'))
			continue;
		if (s.size - i < STRLEN(key) || memcmp(s.data + i, key, STRLEN(key)) != 0)
			continue;
		for (end = i; end < s.size && s.data[end] != '\0'; end++)
			;
		memset(copy + i, '\0', end - i);
		return 0;
	}
	return -ENODATA;
}

int elf_strip(const struct kmod_elf *elf, unsigned int flags, void **image)
{
	_cleanup_free_ uint8_t *copy = NULL;
	int err;

	copy = malloc(elf->size);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, elf->memory, elf->size);

	if (flags & KMOD_INSERT_FORCE_MODVERSION) {
		err = elf_strip_modversions(elf, copy);
		if (err < 0)
			return err;
	}
	if (flags & KMOD_INSERT_FORCE_VERMAGIC) {
		err = elf_strip_vermagic(elf, copy);
		if (err < 0)
			return err;
	}
	*image = TAKE_PTR(copy);
	return 0;
}
