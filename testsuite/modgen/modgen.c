// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Synthetic kernel module writer (see modgen.h for the layout of what it writes).
 *
 * ELF recap, in the terms used here. The file starts with the ELF header
 * (64 bytes for ELFCLASS64, 52 for ELFCLASS32): e_ident (magic, class, data
 * encoding, version), then type, machine, version, entry, phoff, shoff, flags and
 * the sizes/counts of the program and section header tables; entry, phoff and
 * shoff are 8 bytes wide in 64-bit files and 4 in 32-bit ones. Section contents
 * follow, each aligned to its sh_addralign, and the section header table comes
 * last (64-byte entries in 64-bit files, 40-byte ones in 32-bit files). Every
 * multi-byte field is in the byte order named by e_ident[EI_DATA].
 *
 * A signed module is the ELF image followed by the signature bytes, a 12-byte
 * info block (algo, hash, id_type, signer_len, key_id_len, 3 pad bytes, u32
 * big-endian sig_len) and the 28-byte "~Module signature appended~\n" marker; for
 * raw (non-PKCS#7) trailers the signer and key id bytes precede the signature.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "array.h"
#include "macro.h"
#include "strbuf.h"
#include "util.h"

#include "modgen.h"

#define SIG_MAGIC "~Module signature appended~\n"

#define EM_386_ 3
#define EM_PPC_ 20
#define EM_PPC64_ 21
#define EM_X86_64_ 62

#define SHT_PROGBITS_ 1
#define SHT_SYMTAB_ 2
#define SHT_STRTAB_ 3
#define SHT_NOTE_ 7
#define NT_GNU_BUILD_ID_ 3
#define SHF_WRITE_ 0x1
#define SHF_ALLOC_ 0x2
#define SHF_MERGE_ 0x10
#define SHF_STRINGS_ 0x20
#define SHN_ABS_ 0xfff1

#define STB_LOCAL_ 0
#define STB_GLOBAL_ 1
#define STB_WEAK_ 2
#define STT_NOTYPE_ 0
#define STT_OBJECT_ 1

/* struct module stand-in: the kernel only cares about the name here. */
#define THIS_MODULE_SIZE_64 0x380
#define THIS_MODULE_NAME_OFF_64 0x18
#define THIS_MODULE_SIZE_32 0x200
#define THIS_MODULE_NAME_OFF_32 0x0c

struct modgen_export {
	char *sym;
	char *ns;
	uint32_t crc;
	bool gpl; /* CRC in __kcrctab_gpl */
};

struct modgen_version {
	char *sym;
	uint64_t crc;
};

struct modgen_undef {
	char *sym;
	bool weak;
};

struct modgen_section {
	char *name;
	uint32_t type;
	uint64_t flags;
	void *data;
	size_t len;
};

struct modgen_module {
	char *name;
	int bits;
	enum modgen_endian endian;
	uint16_t machine;
	enum modgen_crc_mode crc_mode;
	enum modgen_compression compression;
	struct strbuf modinfo;
	struct array versions; /* struct modgen_version * */
	struct array exports; /* struct modgen_export * */
	struct array undefs; /* struct modgen_undef * */
	struct array sections; /* struct modgen_section * */
	/* PKCS#7 signing */
	bool sign;
	char *keydir;
	char *cn;
	/* raw trailer */
	bool raw_sig;
	struct modgen_raw_sig raw;
	void *raw_buf; /* signer ‖ key_id ‖ sig, owned */
	/* .note.gnu.build-id descriptor (NULL: no such section) */
	uint8_t *build_id;
	size_t build_id_len;
};

struct modgen_module *modgen_new(const char *name)
{
	struct modgen_module *m;

	if (name != NULL && strlen(name) > 55)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	if (name != NULL) {
		m->name = strdup(name);
		if (m->name == NULL) {
			free(m);
			return NULL;
		}
	}
	m->bits = 64;
	m->endian = MODGEN_LITTLE;
	strbuf_init(&m->modinfo);
	array_init(&m->versions, 16);
	array_init(&m->exports, 16);
	array_init(&m->undefs, 16);
	array_init(&m->sections, 4);
	return m;
}

void modgen_free(struct modgen_module *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->versions.count; i++) {
		struct modgen_version *v = m->versions.array[i];

		free(v->sym);
		free(v);
	}
	for (size_t i = 0; i < m->exports.count; i++) {
		struct modgen_export *e = m->exports.array[i];

		free(e->sym);
		free(e->ns);
		free(e);
	}
	for (size_t i = 0; i < m->undefs.count; i++) {
		struct modgen_undef *u = m->undefs.array[i];

		free(u->sym);
		free(u);
	}
	for (size_t i = 0; i < m->sections.count; i++) {
		struct modgen_section *s = m->sections.array[i];

		free(s->name);
		free(s->data);
		free(s);
	}
	array_free_array(&m->versions);
	array_free_array(&m->exports);
	array_free_array(&m->undefs);
	array_free_array(&m->sections);
	strbuf_release(&m->modinfo);
	free(m->name);
	free(m->keydir);
	free(m->cn);
	free(m->raw_buf);
	free(m->build_id);
	free(m);
}

int modgen_set_name(struct modgen_module *m, const char *name)
{
	char *n = NULL;

	if (name != NULL) {
		if (strlen(name) > 55)
			return -ENAMETOOLONG;
		n = strdup(name);
		if (n == NULL)
			return -ENOMEM;
	}
	free(m->name);
	m->name = n;
	return 0;
}

char *modgen_default_keydir(void)
{
	const char *env = getenv("MODKIT_MODGEN_KEYDIR");
	const char *base = getenv("TMPDIR");
	char *p;

	if (env != NULL && env[0] != '\0')
		return strdup(env);
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (asprintf(&p, "%s/modkit-modgen-keys", base) < 0)
		return NULL;
	return p;
}

int modgen_set_class(struct modgen_module *m, int bits)
{
	if (bits != 32 && bits != 64)
		return -EINVAL;
	m->bits = bits;
	return 0;
}

int modgen_set_endian(struct modgen_module *m, enum modgen_endian endian)
{
	if (endian != MODGEN_LITTLE && endian != MODGEN_BIG)
		return -EINVAL;
	m->endian = endian;
	return 0;
}

int modgen_set_machine(struct modgen_module *m, uint16_t machine)
{
	m->machine = machine;
	return 0;
}

int modgen_set_crc_mode(struct modgen_module *m, enum modgen_crc_mode mode)
{
	if (mode != MODGEN_CRC_KCRCTAB && mode != MODGEN_CRC_ABS &&
	    mode != MODGEN_CRC_NONE)
		return -EINVAL;
	m->crc_mode = mode;
	return 0;
}

int modgen_set_compression(struct modgen_module *m, enum modgen_compression c)
{
	if (c != MODGEN_COMPRESS_NONE && c != MODGEN_COMPRESS_GZIP &&
	    c != MODGEN_COMPRESS_XZ && c != MODGEN_COMPRESS_ZSTD)
		return -EINVAL;
	m->compression = c;
	return 0;
}

enum modgen_compression modgen_compression_from_path(const char *path)
{
	size_t len = strlen(path);

	if (len >= 3 && streq(path + len - 3, ".gz"))
		return MODGEN_COMPRESS_GZIP;
	if (len >= 3 && streq(path + len - 3, ".xz"))
		return MODGEN_COMPRESS_XZ;
	if (len >= 4 && streq(path + len - 4, ".zst"))
		return MODGEN_COMPRESS_ZSTD;
	return MODGEN_COMPRESS_NONE;
}

int modgen_add_modinfo(struct modgen_module *m, const char *entry)
{
	return modgen_add_modinfo_raw(m, entry, strlen(entry) + 1);
}

int modgen_add_modinfo_raw(struct modgen_module *m, const void *data, size_t len)
{
	return strbuf_pushmem(&m->modinfo, data, len) ? 0 : -ENOMEM;
}

/* Appends p to arr, freeing it (with its strings freed by the caller) on failure. */
static int append_or_fail(struct array *arr, void *p)
{
	return array_append(arr, p) < 0 ? -ENOMEM : 0;
}

int modgen_add_version(struct modgen_module *m, uint64_t crc, const char *sym)
{
	struct modgen_version *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	v->crc = crc;
	v->sym = strdup(sym);
	if (v->sym == NULL || append_or_fail(&m->versions, v) < 0) {
		free(v->sym);
		free(v);
		return -ENOMEM;
	}
	return 0;
}

int modgen_add_export_full(struct modgen_module *m, const char *sym, uint32_t crc,
			   const char *ns, bool gpl)
{
	struct modgen_export *e;

	if (sym[0] == '\0')
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->crc = crc;
	e->gpl = gpl;
	e->sym = strdup(sym);
	e->ns = ns ? strdup(ns) : NULL;
	if (e->sym == NULL || (ns && e->ns == NULL) ||
	    append_or_fail(&m->exports, e) < 0) {
		free(e->sym);
		free(e->ns);
		free(e);
		return -ENOMEM;
	}
	return 0;
}

int modgen_add_export_ns(struct modgen_module *m, const char *sym, uint32_t crc,
			 const char *ns)
{
	return modgen_add_export_full(m, sym, crc, ns, false);
}

int modgen_add_export(struct modgen_module *m, const char *sym, uint32_t crc)
{
	return modgen_add_export_full(m, sym, crc, NULL, false);
}

int modgen_add_undef(struct modgen_module *m, const char *sym, bool weak)
{
	struct modgen_undef *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return -ENOMEM;
	u->weak = weak;
	u->sym = strdup(sym);
	if (u->sym == NULL || append_or_fail(&m->undefs, u) < 0) {
		free(u->sym);
		free(u);
		return -ENOMEM;
	}
	return 0;
}

int modgen_set_build_id(struct modgen_module *m, const void *id, size_t len)
{
	uint8_t *copy = NULL;

	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, id, len);
	}
	free(m->build_id);
	m->build_id = copy;
	m->build_id_len = len;
	return 0;
}

int modgen_add_section(struct modgen_module *m, const char *name, uint32_t type,
		       uint64_t flags, const void *data, size_t len)
{
	struct modgen_section *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	s->type = type;
	s->flags = flags;
	s->len = len;
	s->name = strdup(name);
	s->data = malloc(len ? len : 1);
	if (s->name == NULL || s->data == NULL || append_or_fail(&m->sections, s) < 0) {
		free(s->name);
		free(s->data);
		free(s);
		return -ENOMEM;
	}
	if (len)
		memcpy(s->data, data, len);
	return 0;
}

int modgen_set_sign(struct modgen_module *m, const char *keydir, const char *cn)
{
	char *kd = keydir ? strdup(keydir) : modgen_default_keydir();
	char *c = strdup(cn ? cn : MODGEN_DEFAULT_CN);

	if (kd == NULL || c == NULL) {
		free(kd);
		free(c);
		return -ENOMEM;
	}
	free(m->keydir);
	free(m->cn);
	m->keydir = kd;
	m->cn = c;
	m->sign = true;
	m->raw_sig = false;
	return 0;
}

int modgen_set_raw_signature(struct modgen_module *m, const struct modgen_raw_sig *sig)
{
	size_t total = (size_t)sig->signer_len + sig->key_id_len + sig->sig_len;
	uint8_t *buf = malloc(total ? total : 1);

	if (buf == NULL)
		return -ENOMEM;
	if (sig->signer_len)
		memcpy(buf, sig->signer, sig->signer_len);
	if (sig->key_id_len)
		memcpy(buf + sig->signer_len, sig->key_id, sig->key_id_len);
	if (sig->sig_len)
		memcpy(buf + sig->signer_len + sig->key_id_len, sig->sig, sig->sig_len);
	free(m->raw_buf);
	m->raw_buf = buf;
	m->raw = *sig;
	m->raw.signer = buf;
	m->raw.key_id = buf + sig->signer_len;
	m->raw.sig = buf + sig->signer_len + sig->key_id_len;
	m->raw_sig = true;
	m->sign = false;
	return 0;
}

/* ---- ELF image -------------------------------------------------------------- */

/* Byte-order aware appender; remembers an allocation failure instead of checking
 * every push. */
struct emit {
	struct strbuf *sb;
	bool big;
	bool failed;
};

static void emit_bytes(struct emit *e, const void *p, size_t len)
{
	if (!e->failed && len && !strbuf_pushmem(e->sb, p, len))
		e->failed = true;
}

static void emit_zeros(struct emit *e, size_t len)
{
	static const uint8_t zeros[64];

	while (len > 0) {
		size_t n = MIN(len, sizeof(zeros));

		emit_bytes(e, zeros, n);
		len -= n;
	}
}

static void emit_uint(struct emit *e, uint64_t v, unsigned int width)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < width; i++) {
		unsigned int shift = e->big ? 8 * (width - 1 - i) : 8 * i;

		b[i] = (uint8_t)(v >> shift);
	}
	emit_bytes(e, b, width);
}

static void emit_u8(struct emit *e, uint8_t v)
{
	emit_bytes(e, &v, 1);
}

static void emit_u16(struct emit *e, uint16_t v)
{
	emit_uint(e, v, 2);
}

static void emit_u32(struct emit *e, uint32_t v)
{
	emit_uint(e, v, 4);
}

/* An address-sized field: 8 bytes in 64-bit files, 4 in 32-bit ones. */
static void emit_addr(struct emit *e, int bits, uint64_t v)
{
	emit_uint(e, v, bits == 64 ? 8 : 4);
}

static void emit_align(struct emit *e, size_t align)
{
	size_t used = strbuf_used(e->sb);

	if (align > 1 && used % align)
		emit_zeros(e, align - used % align);
}

struct sec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t align;
	uint64_t entsize;
	uint32_t link;
	uint32_t info;
	struct strbuf data;
	uint32_t name_off;
	uint64_t offset;
};

struct image {
	struct sec secs[64];
	size_t n;
	bool failed;
};

static struct sec *image_add(struct image *img, const char *name, uint32_t type,
			     uint64_t flags, uint64_t align)
{
	struct sec *s;

	if (img->n >= ARRAY_SIZE(img->secs)) {
		img->failed = true;
		return NULL;
	}
	s = &img->secs[img->n++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->type = type;
	s->flags = flags;
	s->align = align;
	strbuf_init(&s->data);
	return s;
}

static void image_release(struct image *img)
{
	for (size_t i = 0; i < img->n; i++)
		strbuf_release(&img->secs[i].data);
}

static uint16_t default_machine(const struct modgen_module *m)
{
	if (m->endian == MODGEN_LITTLE)
		return m->bits == 64 ? EM_X86_64_ : EM_386_;
	return m->bits == 64 ? EM_PPC64_ : EM_PPC_;
}

static void emit_sym(struct emit *e, int bits, uint32_t name, uint8_t info,
		     uint16_t shndx, uint64_t value, uint64_t size)
{
	emit_u32(e, name);
	if (bits == 64) {
		emit_u8(e, info);
		emit_u8(e, 0);
		emit_u16(e, shndx);
		emit_uint(e, value, 8);
		emit_uint(e, size, 8);
	} else {
		emit_u32(e, (uint32_t)value);
		emit_u32(e, (uint32_t)size);
		emit_u8(e, info);
		emit_u8(e, 0);
		emit_u16(e, shndx);
	}
}

/* Adds name to a string table being built; returns its offset. */
static uint32_t strtab_add(struct emit *e, const char *prefix, const char *name)
{
	uint32_t off = (uint32_t)strbuf_used(e->sb);

	emit_bytes(e, prefix, strlen(prefix));
	emit_bytes(e, name, strlen(name) + 1);
	return off;
}

static int build_sections(const struct modgen_module *m, struct image *img)
{
	int bits = m->bits;
	bool big = m->endian == MODGEN_BIG;
	size_t namelen = bits == 64 ? 56 : 60;
	struct sec *modinfo = NULL, *versions = NULL, *ksymstr = NULL;
	struct sec *kcrc[2] = { NULL, NULL }; /* __kcrctab, __kcrctab_gpl */
	struct sec *thismod = NULL, *symtab, *strtab, *build_id = NULL;
	size_t i_kcrc[2] = { 0, 0 }, i_thismod = 0;
	bool has[2] = { false, false };
	bool failed = false;

	for (size_t i = 0; i < m->exports.count; i++) {
		const struct modgen_export *x = m->exports.array[i];

		has[x->gpl] = true;
	}

	image_add(img, "", 0, 0, 0);
	/* the linker puts notes first */
	if (m->build_id != NULL)
		build_id = image_add(img, ".note.gnu.build-id", SHT_NOTE_, SHF_ALLOC_, 4);
	if (strbuf_used(&m->modinfo) > 0)
		modinfo = image_add(img, ".modinfo", SHT_PROGBITS_, SHF_ALLOC_, 1);
	if (m->versions.count > 0)
		versions = image_add(img, "__versions", SHT_PROGBITS_, SHF_ALLOC_, 32);
	if (m->exports.count > 0) {
		ksymstr = image_add(img, "__ksymtab_strings", SHT_PROGBITS_,
				    SHF_ALLOC_ | SHF_MERGE_ | SHF_STRINGS_, 1);
		if (ksymstr != NULL)
			ksymstr->entsize = 1;
		for (int g = 0; g < 2 && m->crc_mode == MODGEN_CRC_KCRCTAB; g++) {
			if (!has[g])
				continue;
			i_kcrc[g] = img->n;
			kcrc[g] = image_add(img, g ? "__kcrctab_gpl" : "__kcrctab",
					    SHT_PROGBITS_, SHF_ALLOC_, 4);
		}
	}
	if (m->name != NULL) {
		i_thismod = img->n;
		thismod = image_add(img, ".gnu.linkonce.this_module", SHT_PROGBITS_,
				    SHF_WRITE_ | SHF_ALLOC_, bits == 64 ? 64 : 32);
	}
	for (size_t i = 0; i < m->sections.count; i++) {
		const struct modgen_section *x = m->sections.array[i];
		struct sec *s = image_add(img, x->name, x->type, x->flags, 1);

		if (s != NULL && !strbuf_pushmem(&s->data, x->data, x->len))
			failed = true;
	}
	symtab = image_add(img, ".symtab", SHT_SYMTAB_, 0, bits / 8);
	strtab = image_add(img, ".strtab", SHT_STRTAB_, 0, 1);
	if (img->failed || symtab == NULL || strtab == NULL)
		return -E2BIG;

	if (modinfo != NULL &&
	    !strbuf_pushmem(&modinfo->data, m->modinfo.bytes, strbuf_used(&m->modinfo)))
		failed = true;

	if (build_id != NULL) {
		/* Elf_Nhdr (namesz, descsz, type), "GNU\0", descriptor padded to 4 */
		struct emit e = { &build_id->data, big, false };

		emit_u32(&e, 4);
		emit_u32(&e, (uint32_t)m->build_id_len);
		emit_u32(&e, NT_GNU_BUILD_ID_);
		emit_bytes(&e, "GNU", 4);
		emit_bytes(&e, m->build_id, m->build_id_len);
		emit_zeros(&e, (4 - m->build_id_len % 4) % 4);
		failed |= e.failed;
	}

	if (versions != NULL) {
		struct emit e = { &versions->data, big, false };

		for (size_t i = 0; i < m->versions.count; i++) {
			const struct modgen_version *v = m->versions.array[i];
			size_t len = strlen(v->sym);

			if (len > namelen)
				return -ENAMETOOLONG;
			emit_uint(&e, v->crc, bits / 8);
			emit_bytes(&e, v->sym, len);
			emit_zeros(&e, namelen - len);
		}
		failed |= e.failed;
	}

	if (ksymstr != NULL) {
		struct emit e = { &ksymstr->data, big, false };
		struct emit c[2] = { { kcrc[0] ? &kcrc[0]->data : NULL, big, false },
				     { kcrc[1] ? &kcrc[1]->data : NULL, big, false } };

		for (size_t i = 0; i < m->exports.count; i++) {
			const struct modgen_export *x = m->exports.array[i];

			emit_bytes(&e, x->sym, strlen(x->sym) + 1);
			if (x->ns)
				emit_bytes(&e, x->ns, strlen(x->ns) + 1);
			if (kcrc[x->gpl])
				emit_u32(&c[x->gpl], x->crc);
		}
		failed |= e.failed || c[0].failed || c[1].failed;
	}

	if (thismod != NULL) {
		struct emit e = { &thismod->data, big, false };
		size_t off = bits == 64 ? THIS_MODULE_NAME_OFF_64 :
					  THIS_MODULE_NAME_OFF_32;
		size_t size = bits == 64 ? THIS_MODULE_SIZE_64 : THIS_MODULE_SIZE_32;
		size_t len = strlen(m->name);

		emit_zeros(&e, off);
		emit_bytes(&e, m->name, len);
		emit_zeros(&e, size - off - len);
		failed |= e.failed;
	}

	/* Symbols: locals first, as sh_info (first global) requires. */
	{
		struct emit s = { &symtab->data, big, false };
		struct emit t = { &strtab->data, big, false };
		uint32_t nlocal = 1;

		emit_u8(&t, 0);
		emit_sym(&s, bits, 0, 0, 0, 0, 0);
		if (m->crc_mode == MODGEN_CRC_KCRCTAB) {
			uint64_t off[2] = { 0, 0 };

			for (size_t i = 0; i < m->exports.count; i++) {
				const struct modgen_export *x = m->exports.array[i];
				uint32_t n = strtab_add(&t, "__crc_", x->sym);

				emit_sym(&s, bits, n, STB_LOCAL_ << 4 | STT_NOTYPE_,
					 (uint16_t)i_kcrc[x->gpl], off[x->gpl], 0);
				off[x->gpl] += 4;
				nlocal++;
			}
		} else if (m->crc_mode == MODGEN_CRC_ABS) {
			for (size_t i = 0; i < m->exports.count; i++) {
				const struct modgen_export *x = m->exports.array[i];
				uint32_t n = strtab_add(&t, "__crc_", x->sym);

				emit_sym(&s, bits, n, STB_GLOBAL_ << 4 | STT_NOTYPE_,
					 SHN_ABS_, x->crc, 0);
			}
		}
		if (thismod != NULL) {
			uint32_t n = strtab_add(&t, "", "__this_module");

			emit_sym(&s, bits, n, STB_GLOBAL_ << 4 | STT_OBJECT_,
				 (uint16_t)i_thismod, 0, strbuf_used(&thismod->data));
		}
		for (size_t i = 0; i < m->undefs.count; i++) {
			const struct modgen_undef *u = m->undefs.array[i];
			uint32_t n = strtab_add(&t, "", u->sym);

			emit_sym(&s, bits, n, (u->weak ? STB_WEAK_ : STB_GLOBAL_) << 4, 0,
				 0, 0);
		}
		symtab->entsize = bits == 64 ? 24 : 16;
		symtab->link = (uint32_t)(img->n - 1); /* .strtab */
		symtab->info = nlocal;
		failed |= s.failed || t.failed;
	}
	return failed ? -ENOMEM : 0;
}

int modgen_build(const struct modgen_module *m, void **image, size_t *len)
{
	struct image img = { .n = 0 };
	_cleanup_strbuf_ struct strbuf out;
	struct emit e;
	struct sec *shstr;
	int bits = m->bits;
	uint64_t shoff;
	int r;

	strbuf_init(&out);
	e = (struct emit){ &out, m->endian == MODGEN_BIG, false };
	r = build_sections(m, &img);
	if (r < 0)
		goto out;
	shstr = image_add(&img, ".shstrtab", SHT_STRTAB_, 0, 1);
	if (shstr == NULL) {
		r = -E2BIG;
		goto out;
	}
	{
		struct emit s = { &shstr->data, e.big, false };

		emit_u8(&s, 0);
		for (size_t i = 1; i < img.n; i++)
			img.secs[i].name_off = strtab_add(&s, "", img.secs[i].name);
		if (s.failed) {
			r = -ENOMEM;
			goto out;
		}
	}

	/* Header placeholder, contents, then the section header table. */
	emit_zeros(&e, bits == 64 ? 64 : 52);
	for (size_t i = 1; i < img.n; i++) {
		struct sec *s = &img.secs[i];

		emit_align(&e, s->align);
		s->offset = strbuf_used(&out);
		emit_bytes(&e, s->data.bytes, strbuf_used(&s->data));
	}
	emit_align(&e, bits / 8);
	shoff = strbuf_used(&out);
	for (size_t i = 0; i < img.n; i++) {
		const struct sec *s = &img.secs[i];

		emit_u32(&e, s->name_off);
		emit_u32(&e, s->type);
		emit_addr(&e, bits, s->flags);
		emit_addr(&e, bits, 0);
		emit_addr(&e, bits, s->offset);
		emit_addr(&e, bits, strbuf_used(&s->data));
		emit_u32(&e, s->link);
		emit_u32(&e, s->info);
		emit_addr(&e, bits, s->align);
		emit_addr(&e, bits, s->entsize);
	}
	if (e.failed) {
		r = -ENOMEM;
		goto out;
	}

	/* Now the ELF header, over the placeholder. */
	{
		struct strbuf hdr;
		struct emit h;

		strbuf_init(&hdr);
		h = (struct emit){ &hdr, e.big, false };
		emit_bytes(&h,
			   "\x7f"
			   "ELF",
			   4);
		emit_u8(&h, bits == 64 ? 2 : 1); /* EI_CLASS */
		emit_u8(&h, e.big ? 2 : 1); /* EI_DATA */
		emit_u8(&h, 1); /* EI_VERSION */
		emit_zeros(&h, 9); /* OSABI, ABI version, padding */
		emit_u16(&h, 1); /* ET_REL */
		emit_u16(&h, m->machine ? m->machine : default_machine(m));
		emit_u32(&h, 1); /* EV_CURRENT */
		emit_addr(&h, bits, 0); /* e_entry */
		emit_addr(&h, bits, 0); /* e_phoff */
		emit_addr(&h, bits, shoff); /* e_shoff */
		emit_u32(&h, 0); /* e_flags */
		emit_u16(&h, bits == 64 ? 64 : 52);
		emit_u16(&h, 0); /* e_phentsize */
		emit_u16(&h, 0); /* e_phnum */
		emit_u16(&h, bits == 64 ? 64 : 40);
		emit_u16(&h, (uint16_t)img.n);
		emit_u16(&h, (uint16_t)(img.n - 1)); /* .shstrtab is last */
		if (h.failed) {
			strbuf_release(&hdr);
			r = -ENOMEM;
			goto out;
		}
		memcpy(out.bytes, hdr.bytes, strbuf_used(&hdr));
		strbuf_release(&hdr);
	}

	*len = strbuf_used(&out);
	*image = strbuf_steal(&out);
	r = *image ? 0 : -ENOMEM;
out:
	image_release(&img);
	return r;
}

/* ---- external tools --------------------------------------------------------- */

static int write_all_path(const char *path, const void *data, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				      0644);

	if (fd < 0)
		return -errno;
	if (write_str_safe(fd, data, len) < 0)
		return -EIO;
	return close(TAKE_FD(fd)) < 0 ? -errno : 0;
}

/* A scratch directory for the files the tools read and write. */
struct work {
	char dir[PATH_MAX];
};

static int work_init(struct work *w)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if ((size_t)snprintf(w->dir, sizeof(w->dir), "%s/modgen-XXXXXX", base) >=
	    sizeof(w->dir))
		return -ENAMETOOLONG;
	if (mkdtemp(w->dir) == NULL)
		return -errno;
	return 0;
}

static char *work_path(const struct work *w, const char *file)
{
	char *p;

	if (asprintf(&p, "%s/%s", w->dir, file) < 0)
		return NULL;
	return p;
}

static void work_release(struct work *w)
{
	static const char *const files[] = { "mod.ko", "mod.p7s", "stderr", "key.pem",
					     "cert.pem" };

	if (w->dir[0] == '\0')
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = work_path(w, files[i]);

		if (p != NULL)
			(void)unlink(p);
	}
	(void)rmdir(w->dir);
	w->dir[0] = '\0';
}

static void print_file_to_stderr(const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len;

	if (read_file(path, &data, &len) == 0 && len > 0)
		fprintf(stderr, "%s", data);
}

/*
 * Runs argv[0] from $PATH with stdin from in_path (or /dev/null) and stdout to
 * out_path (or /dev/null). Its stderr is kept in err_path and shown only when it
 * fails, so that openssl's progress dots stay out of test logs.
 */
static int run_tool(const char *const argv[], const char *in_path, const char *out_path,
		    const char *err_path)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int in = open(in_path ? in_path : "/dev/null", O_RDONLY);
		int out = open(out_path ? out_path : "/dev/null",
			       O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || out < 0 || err < 0)
			_exit(126);
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "modgen: %s failed (%s %d)\n", argv[0],
		WIFEXITED(status) ? "exit status" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	print_file_to_stderr(err_path);
	return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
}

/* 64-bit FNV-1a: names the key directory of a CN without quoting problems. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* openssl -subj treats '/' and '+' as separators; a backslash escapes them. */
static char *subject_for_cn(const char *cn)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (!strbuf_pushchars(&sb, "/CN="))
		return NULL;
	for (const char *p = cn; *p; p++) {
		if ((*p == '/' || *p == '+' || *p == '\\' || *p == ',') &&
		    !strbuf_pushchar(&sb, '\\'))
			goto fail;
		if (!strbuf_pushchar(&sb, *p))
			goto fail;
	}
	return strbuf_steal(&sb);
fail:
	strbuf_release(&sb);
	return NULL;
}

int modgen_key_ensure(const char *keydir, const char *cn, char **key_path,
		      char **cert_path)
{
	_cleanup_free_ char *dir = NULL, *key = NULL, *cert = NULL, *tmp = NULL;
	_cleanup_free_ char *tkey = NULL, *tcert = NULL, *terr = NULL, *subj = NULL;
	int r;

	if (cn == NULL)
		cn = MODGEN_DEFAULT_CN;
	r = mkdir_p(keydir, strlen(keydir), 0755);
	if (r < 0)
		return r;
	if (asprintf(&dir, "%s/modgen-%016llx", keydir, (unsigned long long)fnv1a(cn)) <
	    0)
		return -ENOMEM;
	if (asprintf(&key, "%s/key.pem", dir) < 0 ||
	    asprintf(&cert, "%s/cert.pem", dir) < 0)
		return -ENOMEM;

	if (access(cert, R_OK) != 0) {
		const char *argv[] = { "openssl", "req",      "-new",	"-x509",
				       "-newkey", "rsa:2048", "-nodes", "-sha256",
				       "-days",	  "1",	      "-subj",	NULL,
				       "-keyout", NULL,	      "-out",	NULL,
				       NULL };

		/* Made aside and renamed into place as a whole, so that a concurrent
		 * caller sees either nothing or a matching key and certificate. */
		if (asprintf(&tmp, "%s/.tmp-XXXXXX", keydir) < 0)
			return -ENOMEM;
		if (mkdtemp(tmp) == NULL)
			return -errno;
		if (asprintf(&tkey, "%s/key.pem", tmp) < 0 ||
		    asprintf(&tcert, "%s/cert.pem", tmp) < 0 ||
		    asprintf(&terr, "%s/stderr", tmp) < 0)
			r = -ENOMEM;
		subj = subject_for_cn(cn);
		if (r == 0 && subj == NULL)
			r = -ENOMEM;
		if (r == 0) {
			argv[11] = subj;
			argv[13] = tkey;
			argv[15] = tcert;
			r = run_tool(argv, NULL, NULL, terr);
		}
		if (r == 0) {
			(void)unlink(terr);
			if (rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY)
				r = -errno;
		}
		if (tkey)
			(void)unlink(tkey);
		if (tcert)
			(void)unlink(tcert);
		if (terr)
			(void)unlink(terr);
		(void)rmdir(tmp);
		if (r < 0)
			return r;
	}
	if (key_path)
		*key_path = TAKE_PTR(key);
	if (cert_path)
		*cert_path = TAKE_PTR(cert);
	return 0;
}

static int append_trailer(struct strbuf *img, const uint8_t info[12])
{
	if (!strbuf_pushmem(img, info, 12) || !strbuf_pushchars(img, SIG_MAGIC))
		return -ENOMEM;
	return 0;
}

static void info_block(uint8_t info[12], uint8_t algo, uint8_t hash, uint8_t id_type,
		       uint8_t signer_len, uint8_t key_id_len, uint32_t sig_len)
{
	info[0] = algo;
	info[1] = hash;
	info[2] = id_type;
	info[3] = signer_len;
	info[4] = key_id_len;
	info[5] = info[6] = info[7] = 0;
	info[8] = (uint8_t)(sig_len >> 24);
	info[9] = (uint8_t)(sig_len >> 16);
	info[10] = (uint8_t)(sig_len >> 8);
	info[11] = (uint8_t)sig_len;
}

static int sign_pkcs7(const struct modgen_module *m, struct work *w, struct strbuf *img)
{
	_cleanup_free_ char *key = NULL, *cert = NULL, *in = NULL, *p7s = NULL,
			    *err = NULL;
	_cleanup_free_ char *sig = NULL;
	size_t sig_len;
	uint8_t info[12];
	int r;

	r = modgen_key_ensure(m->keydir, m->cn, &key, &cert);
	if (r < 0)
		return r;
	in = work_path(w, "mod.ko");
	p7s = work_path(w, "mod.p7s");
	err = work_path(w, "stderr");
	if (in == NULL || p7s == NULL || err == NULL)
		return -ENOMEM;
	r = write_all_path(in, img->bytes, strbuf_used(img));
	if (r < 0)
		return r;
	{
		const char *argv[] = { "openssl",  "cms",     "-sign",	  "-in",
				       in,	   "-signer", cert,	  "-inkey",
				       key,	   "-md",     "sha256",	  "-binary",
				       "-nocerts", "-noattr", "-outform", "DER",
				       "-out",	   p7s,	      NULL };

		r = run_tool(argv, NULL, NULL, err);
		if (r < 0)
			return r;
	}
	r = read_file(p7s, &sig, &sig_len);
	if (r < 0)
		return r;
	if (sig_len == 0 || sig_len > UINT32_MAX)
		return -EIO;
	if (!strbuf_pushmem(img, sig, sig_len))
		return -ENOMEM;
	info_block(info, 0, 0, 2, 0, 0, (uint32_t)sig_len);
	return append_trailer(img, info);
}

static int sign_raw(const struct modgen_module *m, struct strbuf *img)
{
	const struct modgen_raw_sig *s = &m->raw;
	uint8_t info[12];

	if (!strbuf_pushmem(img, s->signer, s->signer_len) ||
	    !strbuf_pushmem(img, s->key_id, s->key_id_len) ||
	    !strbuf_pushmem(img, s->sig, s->sig_len))
		return -ENOMEM;
	info_block(info, s->algo, s->hash, s->id_type, s->signer_len, s->key_id_len,
		   s->sig_len);
	return append_trailer(img, info);
}

static int compress_to(const struct modgen_module *m, struct work *w,
		       const struct strbuf *img, const char *out)
{
	static const char *const gz[] = { "gzip", "-n", "-c", NULL };
	static const char *const xz[] = { "xz", "--check=crc32", "--lzma2=dict=1MiB",
					  "-c", NULL };
	static const char *const zst[] = { "zstd", "-q", "-c", NULL };
	const char *const *argv = m->compression == MODGEN_COMPRESS_GZIP ? gz :
				  m->compression == MODGEN_COMPRESS_XZ	 ? xz :
									   zst;
	_cleanup_free_ char *in = work_path(w, "mod.ko"), *err = work_path(w, "stderr");
	int r;

	if (in == NULL || err == NULL)
		return -ENOMEM;
	r = write_all_path(in, img->bytes, strbuf_used(img));
	if (r < 0)
		return r;
	return run_tool(argv, in, out, err);
}

int modgen_write_image(const struct modgen_module *m, const void *image, size_t len,
		       const char *path)
{
	_cleanup_strbuf_ struct strbuf img;
	_cleanup_free_ char *tmp = NULL;
	struct work w = { .dir = "" };
	int r;

	strbuf_init(&img);
	if (!strbuf_pushmem(&img, image, len))
		return -ENOMEM;
	r = mkdir_parents(path, 0755);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.modgen-tmp.%ld", path, (long)getpid()) < 0)
		return -ENOMEM;
	if (m->sign || m->compression != MODGEN_COMPRESS_NONE) {
		r = work_init(&w);
		if (r < 0)
			return r;
	}
	if (m->sign)
		r = sign_pkcs7(m, &w, &img);
	else if (m->raw_sig)
		r = sign_raw(m, &img);
	if (r < 0)
		goto out;
	if (m->compression != MODGEN_COMPRESS_NONE)
		r = compress_to(m, &w, &img, tmp);
	else
		r = write_all_path(tmp, img.bytes, strbuf_used(&img));
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
out:
	work_release(&w);
	return r;
}

int modgen_write(const struct modgen_module *m, const char *path)
{
	_cleanup_free_ void *data = NULL;
	size_t len;
	int r;

	r = modgen_build(m, &data, &len);
	if (r < 0)
		return r;
	return modgen_write_image(m, data, len, path);
}
