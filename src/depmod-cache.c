// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The parse cache (depmod-cache.h). Most depmod runs follow the change of one module
 * (a DKMS build, a package update), yet every module file would be decompressed and
 * its ELF read again. DEPMOD_CACHE_NAME in the output directory keeps, per module
 * file, what the parse stage got out of it: the indexed .modinfo entries, the
 * exported symbols with their CRCs and the imported symbols with CRCs and binding.
 * A later run reuses an entry when the file still has the same key:
 *
 *   the path as written in the indexes (relative to the module dir, or absolute
 *   outside it; it ends with the compression suffix), device, inode, size, mtime
 *   and ctime to the nanosecond, and the compression found in the file's first bytes
 *   (reused only while that decompressor is available, so that a missing library
 *   fails the run as it does without the cache).
 *
 * Writing a file changes its ctime, and nothing but the kernel's clock sets a ctime,
 * so a file with the key it had when it was read has the contents it had then - as
 * long as its ctime had already become the past when it was read: two writes within
 * one tick of the file system's clock leave the same ctime. An entry is therefore
 * only stored when the file's ctime is older than a file the run created in the
 * output directory before reading any module (same file system: same clock and
 * granularity), or, for a file on another file system or when that probe could not
 * be made, at least DEPMOD_CACHE_SETTLE_SEC older than the clock at that time. A file
 * changed just before the run is parsed again by the next run too.
 *
 * The indexes themselves: the cache also holds digests of what this run's indexes
 * are made from, and a checksum and size of each index it wrote. When the next run's
 * digest is the same and the file on disk still has that checksum, the file is
 * already what the run would write, and is kept (depmod-write.c gives the messages
 * writing it would give). The digests, by group of indexes:
 *
 *   modinfo  of every module in index order, its name, index and .modinfo entries:
 *            modules.alias and modules.alias.bin (not with -w, whose duplicate
 *            warnings come from inserting into the index), modules.softdep,
 *            modules.weakdep and modules.devname;
 *   resolve  of every module in index order, its name, index, path, exports and
 *            imports (names, CRCs, binding), the -P prefix and the contents of the
 *            -E/-F file: modules.dep, modules.dep.bin, modules.symbols and
 *            modules.symbols.bin. When all four are kept the resolve stage is not run
 *            at all (not with -v or -e, which report from it);
 *   builtin  the contents of modules.builtin and modules.builtin.modinfo:
 *            modules.builtin.bin and modules.builtin.alias.bin.
 *
 * The digests use per-module sums stored in the records, so an unchanged module costs
 * nothing to hash again.
 *
 * The cache is never trusted blindly: a file with another magic, byte order, version
 * or producer (the modkit version and the build ID of the program), a size other
 * than its header says, a checksum mismatch or records that do not fit together is
 * ignored whole (and replaced by this run's). Each record is bounds-checked again when
 * used. It is written like the indexes: a temporary file, fsync, renamed with them
 * (last), nothing at all with -n or when the run fails. Unless -n is given, the output
 * directory is locked from the moment the cache is read, so that what the cache says
 * about the indexes there stays true until they are replaced.
 *
 * Layout, in the byte order of the machine that wrote it, every field naturally
 * aligned:
 *
 *   header (struct cache_header, 336 bytes)
 *      0  char[8]    magic "modkitDC"
 *      8  uint32     byte order mark 0x01020304
 *     12  uint32     DEPMOD_CACHE_VERSION
 *     16  char[64]   producer "modkit <version> <build ID in hex>", NUL-padded
 *     80  uint64     number of records
 *     88  uint64     payload size: bytes after the header
 *     96  uint64     checksum of the payload (sum_words() below)
 *    104  uint64[4]  digests: the groups of kept_outputs[] below (0: none)
 *    136  {uint64 checksum, uint64 size}[12]  the indexes written (kept_outputs[])
 *    328  uint64     checksum of the header, this field taken as 0
 *   records, each a multiple of 8 bytes:
 *     struct cache_record
 *     uint64[n]      CRCs, n = n_exports + n_imports (exports first)
 *     uint8[n]       bindings (enum kmod_symbol_bind)
 *     char[]         strings_size bytes: the path, the n_modinfo .modinfo entries,
 *                    the export names, the import names, each NUL-terminated
 *     zero padding to a multiple of 8
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "depmod-cache.h"
#include "depmod-internal.h"
#include "lib/file.h"

#define CACHE_MAGIC "modkitDC"
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_MAX_SIZE (1u << 30)
/* How much older than the clock a file's ctime must be when no probe tells the file
 * system's own time: more than the coarsest timestamp granularity (FAT: 2 s). */
#define DEPMOD_CACHE_SETTLE_SEC 3

/* The indexes the cache may keep, and their group (the digest they depend on). The
 * alias indexes have a group of their own only because -w keeps them from being
 * kept; their digest is the modinfo group's. */
enum {
	GROUP_ALIAS,
	GROUP_MODINFO,
	GROUP_RESOLVE,
	GROUP_BUILTIN,
	N_GROUPS
};
static const struct {
	const char *name;
	int group;
} kept_outputs[] = {
	{ "modules.alias", GROUP_ALIAS },
	{ "modules.alias.bin", GROUP_ALIAS },
	{ "modules.softdep", GROUP_MODINFO },
	{ "modules.weakdep", GROUP_MODINFO },
	{ "modules.devname", GROUP_MODINFO },
	{ "modules.dep", GROUP_RESOLVE },
	{ "modules.dep.bin", GROUP_RESOLVE },
	{ "modules.symbols", GROUP_RESOLVE },
	{ "modules.symbols.bin", GROUP_RESOLVE },
	{ "modules.builtin.bin", GROUP_BUILTIN },
	{ "modules.builtin.alias.bin", GROUP_BUILTIN },
	{ NULL, 0 }, /* room for one more without a layout change */
};
#define N_KEPT_OUTPUTS (ARRAY_SIZE(kept_outputs) - 1)

struct cache_header {
	char magic[8];
	uint32_t byte_order;
	uint32_t version;
	char producer[64];
	uint64_t n_records;
	uint64_t payload_size;
	uint64_t payload_sum;
	uint64_t digest[N_GROUPS];
	struct {
		uint64_t sum;
		uint64_t size;
	} output[ARRAY_SIZE(kept_outputs)];
	uint64_t checksum;
};

struct cache_record {
	struct depmod_file_id id; /* the key: 48 bytes, no padding */
	uint64_t sum_symbols; /* module_sum_symbols() of the results */
	uint64_t sum_modinfo; /* module_sum_modinfo() of the results */
	uint32_t record_size;
	uint32_t path_len;
	uint32_t n_modinfo;
	uint32_t n_exports;
	uint32_t n_imports;
	uint32_t strings_size;
	uint8_t compression;
	uint8_t pad[7];
};

_Static_assert(sizeof(struct cache_header) == 336, "cache header layout");
_Static_assert(sizeof(struct cache_record) == 96, "cache record layout");
_Static_assert(offsetof(struct cache_record, sum_symbols) == 48, "cache record key");

struct depmod_cache {
	const char *map; /* the old cache file, mapped; NULL when there is none to use */
	size_t size;
	size_t n_records;
	uint32_t *slots; /* record offset + 1 by path hash; 0 = empty */
	size_t mask;
	struct cache_header old; /* the old header (when map) */
	char state[96]; /* what became of the old cache, for the stats line */

	/* per module (index order): the record it was given, or NULL */
	const struct cache_record **hits;
	size_t n_hits;

	/* the new cache: header, records of parsed modules, the pieces to write */
	struct cache_header header;
	char *fresh;
	struct {
		const void *data;
		size_t len;
	} * pieces;
	size_t n_pieces;
	bool keep[ARRAY_SIZE(kept_outputs)];

	/* the reference for "settled" files (see the top of this file) */
	bool have_probe;
	uint64_t probe_dev;
	struct timespec probe_time;
	struct timespec clock_time;
};

/* ---- checksums ---------------------------------------------------------------------- */

/*
 * A 64-bit hash of a sequence of 64-bit words (the file is a multiple of 8 bytes),
 * word k going to lane k % 4 so that the four multiplications overlap. Each step is
 * bijective in the lane for any word and in the word for any lane: one damaged word
 * always changes its lane, and so the result.
 */
#define MIX_A 0x9e3779b97f4a7c15ull
#define MIX_B 0xc2b2ae3d27d4eb4full
#define MIX_C 0x165667b19e3779f9ull

struct cache_sum {
	uint64_t lane[4];
	uint64_t words;
};

static inline uint64_t rotl64(uint64_t v, unsigned int r)
{
	return (v << r) | (v >> (64 - r));
}

static inline uint64_t lane_step(uint64_t h, uint64_t w)
{
	h ^= w * MIX_B;
	return rotl64(h, 29) * MIX_A;
}

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= MIX_B;
	h ^= h >> 29;
	h *= MIX_C;
	h ^= h >> 32;
	return h;
}

static void sum_init(struct cache_sum *s)
{
	*s = (struct cache_sum){ { MIX_A, MIX_B, MIX_C, MIX_A + MIX_C }, 0 };
}

/* Adds the whole words of data (len: a multiple of 8, or the rest is left out). */
static void sum_words(struct cache_sum *s, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len - len % 8;
	uint64_t l0, l1, l2, l3;

	/* up to the next word of lane 0 */
	for (; p < end && s->words % 4 != 0; p += 8, s->words++)
		s->lane[s->words % 4] = lane_step(s->lane[s->words % 4], load64(p));
	l0 = s->lane[0];
	l1 = s->lane[1];
	l2 = s->lane[2];
	l3 = s->lane[3];
	for (; end - p >= 32; p += 32, s->words += 4) {
		l0 = lane_step(l0, load64(p));
		l1 = lane_step(l1, load64(p + 8));
		l2 = lane_step(l2, load64(p + 16));
		l3 = lane_step(l3, load64(p + 24));
	}
	s->lane[0] = l0;
	s->lane[1] = l1;
	s->lane[2] = l2;
	s->lane[3] = l3;
	for (; p < end; p += 8, s->words++)
		s->lane[s->words % 4] = lane_step(s->lane[s->words % 4], load64(p));
}

static uint64_t sum_final(const struct cache_sum *s)
{
	return avalanche(rotl64(s->lane[0], 1) + rotl64(s->lane[1], 7) +
			 rotl64(s->lane[2], 12) + rotl64(s->lane[3], 18) +
			 s->words * MIX_C);
}

/* Any number of bytes: the whole words, then the rest padded, then the length. */
static uint64_t sum_blob(const void *data, size_t len)
{
	struct cache_sum s;
	uint64_t tail[2] = { 0, len };

	sum_init(&s);
	sum_words(&s, data, len);
	memcpy(tail, (const char *)data + len - len % 8, len % 8);
	sum_words(&s, tail, sizeof(tail));
	return sum_final(&s);
}

static uint64_t header_checksum(const struct cache_header *hdr)
{
	struct cache_header h = *hdr;
	struct cache_sum s;

	h.checksum = 0;
	sum_init(&s);
	sum_words(&s, &h, sizeof(h));
	return sum_final(&s);
}

/* ---- per-module sums and the digests -------------------------------------------------- */

static uint64_t mix_u64(uint64_t h, uint64_t v)
{
	return lane_step(h + MIX_C, v);
}

/* A string with its length, so that a sequence of them is unambiguous. */
static uint64_t mix_str(uint64_t h, const char *s)
{
	size_t len = strlen(s), i = 0;
	uint64_t tail = 0;

	h = mix_u64(h, len);
	for (; i + 8 <= len; i += 8)
		h = lane_step(h, load64((const unsigned char *)s + i));
	memcpy(&tail, s + i, len - i);
	return lane_step(h, tail);
}

static uint64_t mix_symbols(uint64_t h, const struct kmod_modversion *v, int n)
{
	h = mix_u64(h, (uint64_t)n);
	for (int i = 0; i < n; i++) {
		h = mix_str(h, v[i].symbol);
		h = mix_u64(h, v[i].crc);
		h = mix_u64(h, (uint64_t)v[i].bind);
	}
	return h;
}

/* What the resolve stage reads of one module besides its name and path. */
static uint64_t module_sum_symbols(const struct depmod_module *mod)
{
	uint64_t h = mix_symbols(MIX_A, mod->exports, mod->n_exports);

	return avalanche(mix_symbols(h, mod->imports, mod->n_imports));
}

/* What the alias indexes read of one module besides its name. */
static uint64_t module_sum_modinfo(const struct depmod_module *mod)
{
	uint64_t h = mix_u64(MIX_B, (uint64_t)mod->n_modinfo);

	for (int i = 0; i < mod->n_modinfo; i++)
		h = mix_str(h, mod->modinfo[i]);
	return avalanche(h);
}

/* sum_blob() of the regular file at path into *h, its size into *size: 0, the
 * negative errno of open(), or another one when it cannot be summed (not a regular
 * file, CACHE_MAX_SIZE or more). */
static int file_sum(const char *path, uint64_t *h, off_t *size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	void *map;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size >= CACHE_MAX_SIZE)
		return -EFBIG;
	*size = st.st_size;
	if (st.st_size == 0) {
		*h = sum_blob("", 0);
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	*h = sum_blob(map, st.st_size);
	munmap(map, st.st_size);
	return 0;
}

/* The contents of the -E/-F file (0: none, or unreadable or empty: then nothing is
 * kept). */
static uint64_t kernel_symbols_sum(const struct depmod *d, bool *ok)
{
	uint64_t h = 0;
	off_t size = 0;

	*ok = true;
	if (d->kernel_symbols_kind == 0)
		return 0;
	*ok = file_sum(d->kernel_symbols_file, &h, &size) == 0 && size > 0;
	return *ok ? mix_u64(h, (uint64_t)(unsigned char)d->kernel_symbols_kind) : 0;
}

/* One input file of the built-in indexes, by name in the module dir: its contents,
 * a mark for a missing file, or 0 (no digest) for anything else (the write stage then
 * writes, and reports, as it always does). */
static uint64_t builtin_file_sum(const struct depmod *d, const char *name)
{
	_cleanup_free_ char *path = NULL;
	uint64_t h = 0;
	off_t size;
	int err;

	if (asprintf(&path, "%s/%s", d->dirname, name) < 0)
		return 0;
	err = file_sum(path, &h, &size);
	if (err == -ENOENT)
		return MIX_C;
	return err < 0 ? 0 : h;
}

static uint64_t builtin_digest(const struct depmod *d)
{
	uint64_t a = builtin_file_sum(d, "modules.builtin");
	uint64_t b = builtin_file_sum(d, "modules.builtin.modinfo");

	if (a == 0 || b == 0)
		return 0;
	return avalanche(mix_u64(mix_u64(MIX_C, a), b));
}

/* ---- records ------------------------------------------------------------------------ */

static uint64_t path_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 31);
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Bytes before the strings: header, CRCs, bindings (n_syms < 2^33: no overflow). */
static uint64_t record_fixed_size(uint64_t n_syms)
{
	return sizeof(struct cache_record) + n_syms * (sizeof(uint64_t) + 1);
}

static const char *record_strings(const struct cache_record *rec)
{
	return (const char *)rec +
	       record_fixed_size((uint64_t)rec->n_exports + rec->n_imports);
}

static bool record_key_matches(const struct cache_record *rec,
			       const struct depmod_file_id *id)
{
	const struct depmod_file_id *r = &rec->id;

	return r->dev == id->dev && r->ino == id->ino && r->size == id->size &&
	       r->mtime_sec == id->mtime_sec && r->mtime_nsec == id->mtime_nsec &&
	       r->ctime_sec == id->ctime_sec && r->ctime_nsec == id->ctime_nsec;
}

/* Checks the sizes of the record at off; its strings are checked when it is used. */
static bool record_fits(const struct depmod_cache *c, size_t off, size_t *next)
{
	const struct cache_record *rec;
	uint64_t n_syms, need;

	if (c->size - off < sizeof(*rec))
		return false;
	rec = (const struct cache_record *)(c->map + off);
	if (rec->record_size % 8 != 0 || rec->record_size > c->size - off)
		return false;
	n_syms = (uint64_t)rec->n_exports + rec->n_imports;
	need = record_fixed_size(n_syms) + (uint64_t)rec->strings_size;
	if (align8(need) != rec->record_size ||
	    (uint64_t)rec->path_len >= rec->strings_size)
		return false;
	if (record_strings(rec)[rec->path_len] != '\0')
		return false;
	*next = off + rec->record_size;
	return true;
}

static const struct cache_record *cache_find(const struct depmod_cache *c,
					     const char *path)
{
	size_t len = strlen(path);

	if (c->slots == NULL)
		return NULL;
	for (size_t i = path_hash(path, len) & c->mask; c->slots[i] != 0;
	     i = (i + 1) & c->mask) {
		const struct cache_record *rec =
			(const struct cache_record *)(c->map + c->slots[i] - 1);

		if (rec->path_len == len && memcmp(record_strings(rec), path, len) == 0)
			return rec;
	}
	return NULL;
}

static int index_records(struct depmod_cache *c)
{
	size_t cap = 16, off = sizeof(struct cache_header);

	while (cap < c->n_records * 2)
		cap *= 2;
	c->slots = calloc(cap, sizeof(*c->slots));
	if (c->slots == NULL)
		return -ENOMEM;
	c->mask = cap - 1;
	for (size_t r = 0; r < c->n_records; r++) {
		const struct cache_record *rec = (const struct cache_record *)(c->map +
									       off);
		size_t next, i;

		if (!record_fits(c, off, &next))
			return -EBADMSG;
		i = path_hash(record_strings(rec), rec->path_len) & c->mask;
		while (c->slots[i] != 0)
			i = (i + 1) & c->mask;
		c->slots[i] = (uint32_t)(off + 1);
		off = next;
	}
	return off == c->size ? 0 : -EBADMSG;
}

/* ---- loading ------------------------------------------------------------------------ */

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	char *hex = data;

	/* the first object is the program itself */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;
		size_t align;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		align = ph->p_align == 8 ? 8 : 4;
		while (end - p >= (ptrdiff_t)sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const unsigned char *desc;
			size_t namesz = (nh->n_namesz + align - 1) & ~(align - 1);
			size_t descsz = (nh->n_descsz + align - 1) & ~(align - 1);

			if ((size_t)(end - p) < sizeof(*nh) + namesz + descsz)
				break;
			desc = (const unsigned char *)p + sizeof(*nh) + namesz;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 &&
			    nh->n_descsz <= 20) {
				for (size_t k = 0; k < nh->n_descsz; k++)
					snprintf(hex + 2 * k, 3, "%02x", desc[k]);
				return 1;
			}
			p += sizeof(*nh) + namesz + descsz;
		}
	}
	return 1;
}

/* "modkit <version> <build ID>": another build may parse or write differently.
 * (Called from the main thread only.) */
static void producer_id(char out[static 64])
{
	static char id[64];

	if (id[0] == '\0') {
		char hex[41] = "";

		dl_iterate_phdr(find_build_id, hex);
		snprintf(id, sizeof(id), "modkit %s %s", MODKIT_VERSION, hex);
	}
	memset(out, 0, 64);
	memcpy(out, id, strlen(id));
}

static void cache_unmap(struct depmod_cache *c)
{
	if (c->map != NULL)
		munmap((void *)c->map, c->size);
	free(c->slots);
	c->map = NULL;
	c->slots = NULL;
	c->size = c->n_records = 0;
}

static void cache_forget(struct depmod_cache *c, const char *why)
{
	cache_unmap(c);
	snprintf(c->state, sizeof(c->state), "ignored (%s)", why);
}

/*
 * Maps the old cache: its pages are the page cache's own, nothing is copied, and the
 * strings of the records used are handed to the modules from the mapping (which
 * stays until depmod_cache_free()). The file is only ever replaced by a rename, so
 * the mapping keeps the contents it was checked with.
 */
static int map_cache_file(struct depmod_cache *c, int dfd)
{
	struct stat st;
	void *map;
	int fd;

	fd = openat(dfd, DEPMOD_CACHE_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(c->state, sizeof(c->state), "%s",
			 errno == ENOENT ? "none" : "unreadable");
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(c->state, sizeof(c->state), "ignored (not a file)");
		return 0;
	}
	if (st.st_size < (off_t)sizeof(struct cache_header) ||
	    st.st_size > CACHE_MAX_SIZE) {
		close(fd);
		snprintf(c->state, sizeof(c->state), "ignored (%s)",
			 st.st_size > CACHE_MAX_SIZE ? "too big" : "truncated");
		return 0;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		snprintf(c->state, sizeof(c->state), "unreadable");
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	c->map = map;
	c->size = st.st_size;
	return 0;
}

/* Checks the header and the checksums; the state says why the file is ignored. */
static int check_cache(struct depmod_cache *c)
{
	const struct cache_header *hdr = (const struct cache_header *)c->map;
	char producer[sizeof(hdr->producer)];
	struct cache_sum sum;
	int err;

	if (memcmp(hdr->magic, CACHE_MAGIC, sizeof(hdr->magic)) != 0) {
		cache_forget(c, "not a depmod cache");
		return 0;
	}
	if (hdr->byte_order != CACHE_BYTE_ORDER) {
		cache_forget(c, hdr->byte_order == __builtin_bswap32(CACHE_BYTE_ORDER) ?
					"other byte order" :
					"bad byte order mark");
		return 0;
	}
	if (hdr->version != DEPMOD_CACHE_VERSION) {
		char why[48];

		snprintf(why, sizeof(why), "version %u, not %u", hdr->version,
			 DEPMOD_CACHE_VERSION);
		cache_forget(c, why);
		return 0;
	}
	if (header_checksum(hdr) != hdr->checksum) {
		cache_forget(c, "header checksum mismatch");
		return 0;
	}
	producer_id(producer);
	if (memcmp(hdr->producer, producer, sizeof(producer)) != 0) {
		cache_forget(c, "written by another modkit build");
		return 0;
	}
	if (hdr->payload_size != c->size - sizeof(*hdr) || c->size % 8 != 0) {
		cache_forget(c, hdr->payload_size > c->size - sizeof(*hdr) ?
					"truncated" :
					"size mismatch");
		return 0;
	}
	sum_init(&sum);
	sum_words(&sum, c->map + sizeof(*hdr), c->size - sizeof(*hdr));
	if (sum_final(&sum) != hdr->payload_sum) {
		cache_forget(c, "checksum mismatch");
		return 0;
	}
	if (hdr->n_records > (c->size - sizeof(*hdr)) / sizeof(struct cache_record)) {
		cache_forget(c, "inconsistent records");
		return 0;
	}
	c->n_records = hdr->n_records;
	err = index_records(c);
	if (err == -ENOMEM)
		return err;
	if (err < 0) {
		cache_forget(c, "inconsistent records");
		return 0;
	}
	c->old = *hdr;
	snprintf(c->state, sizeof(c->state), "read %zu records", c->n_records);
	return 0;
}

/*
 * The file system's current time, as the timestamp of a file created now in the
 * output directory: an unnamed one (O_TMPFILE) where the file system has them, else
 * one with a temporary's name, removed at once (a killed run's is removed by the next,
 * as every temporary; depmod-write.c).
 */
static void probe_fs_time(struct depmod_cache *c, int dfd)
{
	struct stat st;
	int fd;

	fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char name[NAME_MAX + 1];
		struct timeval tv;

		gettimeofday(&tv, NULL);
		snprintf(name, sizeof(name), "%s.%i.%li.%li", DEPMOD_CACHE_NAME,
			 (int)getpid(), (long)tv.tv_usec, (long)tv.tv_sec);
		fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0)
			(void)unlinkat(dfd, name, 0);
	}
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		c->have_probe = true;
		c->probe_dev = (uint64_t)st.st_dev;
		c->probe_time = st.st_ctim;
	}
	close(fd);
}

int depmod_cache_load(struct depmod *d)
{
	struct depmod_cache *c = calloc(1, sizeof(*c));
	int dfd, err;

	if (c == NULL)
		return -ENOMEM;
	d->cache = c;
	c->hits = calloc(d->modules.count + 1, sizeof(*c->hits));
	if (c->hits == NULL)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &c->clock_time);
	snprintf(c->state, sizeof(c->state), "none");
	dfd = open(d->outdirname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0; /* nothing there yet: the write stage makes the directory */
	if (!d->dry_run) {
		/* what the cache says of the indexes must stay true until they are
		 * replaced: the write stage goes on with this descriptor and its lock */
		err = depmod_lock_outdir(d, dfd);
		if (err < 0) {
			close(dfd);
			return err;
		}
		d->outdir_fd = dfd;
		d->have_outdir_fd = true;
		/* before any module is looked at */
		probe_fs_time(c, dfd);
	}
	err = map_cache_file(c, dfd);
	if (!d->have_outdir_fd)
		close(dfd);
	if (err == 0 && c->map != NULL)
		err = check_cache(c);
	return err;
}

/* ---- reuse -------------------------------------------------------------------------- */

/* Moves *p past n NUL-terminated strings of [*p, end); false when they are not there. */
static bool skip_strings(const char **p, const char *end, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *nul = memchr(*p, '\0', end - *p);

		if (nul == NULL)
			return false;
		*p = nul + 1;
	}
	return true;
}

/* A pointer array like elf_get_strings() gives; the strings stay in the mapping. */
static char **point_modinfo(const char *s, uint32_t n)
{
	char **v = reallocarray(NULL, (size_t)n + 1, sizeof(char *));

	if (v == NULL)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		v[i] = (char *)s;
		s += strlen(s) + 1;
	}
	v[n] = NULL;
	return v;
}

/* An array like elf_get_symbols() gives; the names stay in the mapping. */
static struct kmod_modversion *point_symbols(const char *s, uint32_t n,
					     const unsigned char *crcs,
					     const uint8_t *binds)
{
	struct kmod_modversion *v = reallocarray(NULL, n, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		v[i].crc = load64(crcs + i * sizeof(uint64_t));
		v[i].bind = (enum kmod_symbol_bind)binds[i];
		v[i].symbol = s;
		s += strlen(s) + 1;
	}
	return v;
}

static bool bind_valid(uint8_t b)
{
	return b == KMOD_SYMBOL_NONE || b == KMOD_SYMBOL_LOCAL ||
	       b == KMOD_SYMBOL_GLOBAL || b == KMOD_SYMBOL_WEAK || b == KMOD_SYMBOL_UNDEF;
}

/* Gives mod the record's results; false (mod untouched) when the record is unusable. */
static bool take_record(struct depmod_module *mod, const struct cache_record *rec)
{
	const size_t n_syms = (size_t)rec->n_exports + rec->n_imports;
	const unsigned char *crcs = (const unsigned char *)(rec + 1);
	const uint8_t *binds = crcs + n_syms * sizeof(uint64_t);
	const char *p = record_strings(rec), *end = p + rec->strings_size;
	const char *modinfo, *exports, *imports;
	char **mi = NULL;
	struct kmod_modversion *ex = NULL, *im = NULL;

	if (rec->n_modinfo > INT_MAX || rec->n_exports > INT_MAX ||
	    rec->n_imports > INT_MAX)
		return false;
	for (size_t i = 0; i < n_syms; i++) {
		if (!bind_valid(binds[i]))
			return false;
	}
	/* every string inside the record, and nothing after them */
	p += rec->path_len + 1;
	modinfo = p;
	if (!skip_strings(&p, end, rec->n_modinfo))
		return false;
	exports = p;
	if (!skip_strings(&p, end, rec->n_exports))
		return false;
	imports = p;
	if (!skip_strings(&p, end, rec->n_imports) || p != end)
		return false;

	if (rec->n_modinfo > 0 && (mi = point_modinfo(modinfo, rec->n_modinfo)) == NULL)
		goto fail;
	if (rec->n_exports > 0 &&
	    (ex = point_symbols(exports, rec->n_exports, crcs, binds)) == NULL)
		goto fail;
	if (rec->n_imports > 0 &&
	    (im = point_symbols(imports, rec->n_imports,
				crcs + (size_t)rec->n_exports * sizeof(uint64_t),
				binds + rec->n_exports)) == NULL)
		goto fail;
	mod->modinfo = mi;
	mod->n_modinfo = (int)rec->n_modinfo;
	mod->exports = ex;
	mod->n_exports = (int)rec->n_exports;
	mod->imports = im;
	mod->n_imports = (int)rec->n_imports;
	mod->compression = rec->compression;
	mod->from_cache = true;
	return true;
fail:
	free(mi);
	free(ex);
	free(im);
	return false;
}

static bool compression_usable(uint8_t type)
{
	if (type == KMOD_FILE_COMPRESSION_NONE)
		return true;
	if (file_compression_name((enum kmod_file_compression_type)type) == NULL)
		return false;
	/* without its decompressor the file must be read, and fail, as without cache */
	return file_decompressor_missing((enum kmod_file_compression_type)type) == NULL;
}

/*
 * The modules are looked at directory by directory: each directory is opened once and
 * its files stat()ed by name, instead of every path being walked from the root again.
 * Workers take whole directories.
 */
struct apply_job {
	struct depmod *d;
	size_t *order; /* module indexes by directory, then name */
	size_t *dirlen; /* per module index: length of the directory part of its path */
	size_t *groups; /* start of each directory's run in order[]; n_groups + 1 */
	size_t n_groups;
	atomic_size_t next;
};

static void apply_one(struct depmod *d, size_t i, int dfd, size_t dirlen)
{
	struct depmod_cache *c = d->cache;
	struct depmod_module *mod = d->modules.array[i];
	const struct cache_record *rec;
	struct stat st;
	int r;

	if (dfd >= 0)
		r = fstatat(dfd, mod->path + dirlen + 1, &st, 0);
	else
		r = stat(mod->path, &st);
	/* a file that cannot be stat()ed is left to the parse stage to report */
	if (r < 0)
		return;
	depmod_file_id_from_stat(&st, &mod->file_id);
	mod->have_file_id = true;
	rec = cache_find(c, depmod_module_outpath(mod));
	if (rec == NULL || !record_key_matches(rec, &mod->file_id) ||
	    !compression_usable(rec->compression))
		return;
	if (take_record(mod, rec))
		c->hits[i] = rec;
}

static void *apply_worker(void *data)
{
	struct apply_job *job = data;
	struct depmod *d = job->d;

	for (;;) {
		size_t g = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
		const struct depmod_module *first;
		char dir[PATH_MAX];
		size_t len;
		int dfd = -1;

		if (g >= job->n_groups)
			break;
		first = d->modules.array[job->order[job->groups[g]]];
		len = job->dirlen[job->order[job->groups[g]]];
		if (len > 0 && len < sizeof(dir)) {
			memcpy(dir, first->path, len);
			dir[len] = '\0';
			dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		for (size_t k = job->groups[g]; k < job->groups[g + 1]; k++)
			apply_one(d, job->order[k], dfd, len);
		if (dfd >= 0)
			close(dfd);
	}
	return NULL;
}

static int cmp_by_dir(const void *pa, const void *pb, void *data)
{
	const struct apply_job *job = data;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const char *pa_path = ((struct depmod_module *)job->d->modules.array[a])->path;
	const char *pb_path = ((struct depmod_module *)job->d->modules.array[b])->path;
	size_t la = job->dirlen[a], lb = job->dirlen[b];
	int r = memcmp(pa_path, pb_path, la < lb ? la : lb);

	if (r != 0)
		return r;
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(pa_path + la, pb_path + lb);
}

static bool same_dir(const struct apply_job *job, size_t a, size_t b)
{
	return job->dirlen[a] == job->dirlen[b] &&
	       memcmp(((struct depmod_module *)job->d->modules.array[a])->path,
		      ((struct depmod_module *)job->d->modules.array[b])->path,
		      job->dirlen[a]) == 0;
}

int depmod_cache_apply(struct depmod *d, unsigned int n_threads)
{
	struct depmod_cache *c = d->cache;
	size_t n = d->modules.count;
	_cleanup_free_ size_t *order = NULL;
	_cleanup_free_ size_t *dirlen = NULL;
	_cleanup_free_ size_t *groups = NULL;
	struct apply_job job = { .d = d };
	int err;

	if (c == NULL || c->n_records == 0 || n == 0)
		return 0;
	order = calloc(n, sizeof(*order));
	dirlen = calloc(n, sizeof(*dirlen));
	groups = calloc(n + 1, sizeof(*groups));
	if (order == NULL || dirlen == NULL || groups == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *path = ((struct depmod_module *)d->modules.array[i])->path;
		const char *slash = strrchr(path, '/');

		order[i] = i;
		dirlen[i] = slash != NULL ? (size_t)(slash - path) : 0;
	}
	job.order = order;
	job.dirlen = dirlen;
	qsort_r(order, n, sizeof(*order), cmp_by_dir, &job);
	for (size_t k = 0; k < n; k++) {
		if (k == 0 || !same_dir(&job, order[k - 1], order[k]))
			groups[job.n_groups++] = k;
	}
	groups[job.n_groups] = n;
	job.groups = groups;
	atomic_init(&job.next, 0);
	if (n_threads > job.n_groups)
		n_threads = job.n_groups;
	/* stat() of thousands of files: worth the threads */
	err = depmod_run_workers(n_threads, apply_worker, &job);
	if (err < 0)
		return err;
	for (size_t i = 0; i < n; i++)
		c->n_hits += c->hits[i] != NULL;
	return 0;
}

/* ---- the new cache ------------------------------------------------------------------ */

static bool time_before(int64_t sec, uint32_t nsec, const struct timespec *ref)
{
	return sec < (int64_t)ref->tv_sec ||
	       (sec == (int64_t)ref->tv_sec && (long)nsec < ref->tv_nsec);
}

/* Whether the file's last change is old enough for its key to tell any later one. */
static bool settled(const struct depmod_cache *c, const struct depmod_file_id *id)
{
	struct timespec ref = c->clock_time;

	if (c->have_probe && id->dev == c->probe_dev)
		return time_before(id->ctime_sec, id->ctime_nsec, &c->probe_time);
	ref.tv_sec -= DEPMOD_CACHE_SETTLE_SEC;
	return time_before(id->ctime_sec, id->ctime_nsec, &ref);
}

/* Size of mod's record, 0 when it cannot have one. */
static size_t record_size_of(const struct depmod_module *mod, size_t *strings_size)
{
	const char *path = depmod_module_outpath(mod);
	uint64_t s = strlen(path) + 1, total;

	for (int i = 0; i < mod->n_modinfo; i++)
		s += strlen(mod->modinfo[i]) + 1;
	for (int i = 0; i < mod->n_exports; i++)
		s += strlen(mod->exports[i].symbol) + 1;
	for (int i = 0; i < mod->n_imports; i++)
		s += strlen(mod->imports[i].symbol) + 1;
	total = record_fixed_size((uint64_t)mod->n_exports + mod->n_imports) + s;
	total = (total + 7) & ~(uint64_t)7;
	if (total > UINT32_MAX)
		return 0;
	*strings_size = (size_t)s;
	return (size_t)total;
}

static char *put_string(char *p, const char *s)
{
	size_t len = strlen(s) + 1;

	memcpy(p, s, len);
	return p + len;
}

static void put_record(char *out, const struct depmod_module *mod, size_t size,
		       size_t strings_size, uint64_t sum_symbols, uint64_t sum_modinfo)
{
	struct cache_record *rec = (struct cache_record *)out;
	const char *path = depmod_module_outpath(mod);
	unsigned char *crcs = (unsigned char *)(rec + 1);
	uint8_t *binds = crcs +
			 ((size_t)mod->n_exports + mod->n_imports) * sizeof(uint64_t);
	char *p;

	memset(out, 0, size);
	*rec = (struct cache_record){
		.id = mod->file_id,
		.sum_symbols = sum_symbols,
		.sum_modinfo = sum_modinfo,
		.record_size = (uint32_t)size,
		.path_len = (uint32_t)strlen(path),
		.n_modinfo = (uint32_t)mod->n_modinfo,
		.n_exports = (uint32_t)mod->n_exports,
		.n_imports = (uint32_t)mod->n_imports,
		.strings_size = (uint32_t)strings_size,
		.compression = mod->compression,
	};
	for (int i = 0; i < mod->n_exports; i++) {
		memcpy(crcs, &mod->exports[i].crc, sizeof(uint64_t));
		crcs += sizeof(uint64_t);
		*binds++ = (uint8_t)mod->exports[i].bind;
	}
	for (int i = 0; i < mod->n_imports; i++) {
		memcpy(crcs, &mod->imports[i].crc, sizeof(uint64_t));
		crcs += sizeof(uint64_t);
		*binds++ = (uint8_t)mod->imports[i].bind;
	}
	p = (char *)binds;
	p = put_string(p, path);
	for (int i = 0; i < mod->n_modinfo; i++)
		p = put_string(p, mod->modinfo[i]);
	for (int i = 0; i < mod->n_exports; i++)
		p = put_string(p, mod->exports[i].symbol);
	for (int i = 0; i < mod->n_imports; i++)
		p = put_string(p, mod->imports[i].symbol);
}

/* Whether name's file in the locked directory is a regular file with the checksum
 * and size the old cache recorded for it. */
static bool output_unchanged(const struct depmod *d, size_t k)
{
	const struct depmod_cache *c = d->cache;
	uint64_t size = c->old.output[k].size;
	struct stat st;
	void *map;
	bool same;
	int fd;

	if (fstatat(d->outdir_fd, kept_outputs[k].name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size)
		return false;
	if (size == 0)
		return c->old.output[k].sum == sum_blob("", 0);
	fd = openat(d->outdir_fd, kept_outputs[k].name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return false;
	same = sum_blob(map, size) == c->old.output[k].sum;
	munmap(map, size);
	return same;
}

/*
 * Which indexes can be kept: the group's digest is the old one and each file still
 * has the checksum the old cache recorded. Only with the directory locked (it is
 * from depmod_cache_load() on), and never when the run must print what writing them
 * or resolving would print.
 */
static void decide_kept(struct depmod *d)
{
	struct depmod_cache *c = d->cache;
	bool group_ok[N_GROUPS];

	if (c->map == NULL || !d->have_outdir_fd || d->dry_run)
		return;
	group_ok[GROUP_ALIAS] = !d->warn;
	group_ok[GROUP_MODINFO] = true;
	group_ok[GROUP_RESOLVE] = d->verbose == 0 && !d->errsyms;
	group_ok[GROUP_BUILTIN] = true;
	for (int g = 0; g < N_GROUPS; g++) {
		if (c->header.digest[g] == 0 || c->header.digest[g] != c->old.digest[g])
			group_ok[g] = false;
	}
	for (size_t k = 0; k < N_KEPT_OUTPUTS; k++) {
		if (group_ok[kept_outputs[k].group] && !output_unchanged(d, k))
			group_ok[kept_outputs[k].group] = false;
	}
	for (size_t k = 0; k < N_KEPT_OUTPUTS; k++) {
		c->keep[k] = group_ok[kept_outputs[k].group];
		if (c->keep[k])
			c->header.output[k] = c->old.output[k];
	}
	d->resolve_skipped = group_ok[GROUP_RESOLVE];
}

static void print_stats(const struct depmod *d, size_t stored)
{
	const struct depmod_cache *c = d->cache;
	const char *env = secure_getenv(DEPMOD_CACHE_ENV_STATS);
	size_t kept = 0;

	if (env == NULL || *env == '\0')
		return;
	for (size_t k = 0; k < N_KEPT_OUTPUTS; k++)
		kept += c->keep[k];
	fprintf(stderr,
		"depmod: cache: %s; %zu reused, %zu parsed, %zu stored; %zu indexes kept%s\n",
		c->state, c->n_hits, d->modules.count - c->n_hits, stored, kept,
		d->resolve_skipped ? ", resolve skipped" : "");
}

/* Appends a piece, merged with the previous one when it continues it. */
static void add_piece(struct depmod_cache *c, const void *data, size_t len)
{
	if (c->n_pieces > 0 && (const char *)c->pieces[c->n_pieces - 1].data +
					       c->pieces[c->n_pieces - 1].len ==
				       data) {
		c->pieces[c->n_pieces - 1].len += len;
		return;
	}
	c->pieces[c->n_pieces].data = data;
	c->pieces[c->n_pieces].len = len;
	c->n_pieces++;
}

static bool cache_keep(const struct depmod *d, const char *name)
{
	const struct depmod_cache *c = d->cache;

	for (size_t k = 0; k < N_KEPT_OUTPUTS; k++) {
		if (streq(kept_outputs[k].name, name))
			return c->keep[k];
	}
	return false;
}

static void cache_written(struct depmod *d, const char *name, int fd)
{
	struct depmod_cache *c = d->cache;
	struct stat st;
	void *map;

	for (size_t k = 0; k < N_KEPT_OUTPUTS; k++) {
		if (!streq(kept_outputs[k].name, name))
			continue;
		/* unknown (never kept next time) unless it can be read back */
		c->header.output[k].sum = 0;
		c->header.output[k].size = UINT64_MAX;
		if (fstat(fd, &st) < 0 || st.st_size > CACHE_MAX_SIZE)
			return;
		if (st.st_size == 0) {
			map = NULL;
		} else {
			map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				return;
		}
		c->header.output[k].sum = sum_blob(map != NULL ? map : "", st.st_size);
		c->header.output[k].size = (uint64_t)st.st_size;
		if (map != NULL)
			munmap(map, st.st_size);
		return;
	}
}

static int cache_write(struct depmod *d, FILE *out)
{
	struct depmod_cache *c = d->cache;

	c->header.checksum = header_checksum(&c->header);
	for (size_t i = 0; i < c->n_pieces; i++)
		fwrite(c->pieces[i].data, 1, c->pieces[i].len, out);
	return 0;
}

static const struct depmod_cache_ops cache_ops = {
	.keep = cache_keep,
	.written = cache_written,
	.write = cache_write,
};

/*
 * The new cache: the records of the modules taken from the old one, as they are (from
 * the mapping), and new records for the modules parsed whose file is settled. Nothing
 * is assembled: the write stage writes the pieces in order. Also the digests, and
 * which indexes are kept.
 */
/* What the new cache holds of each module, worked out before it is laid out. */
struct cache_plan {
	size_t *sizes; /* record size; 0: not stored */
	size_t *strings; /* a fresh record's strings size */
	uint64_t *sums; /* module_sum_symbols(), module_sum_modinfo() of each */
	size_t payload; /* of every stored record */
	size_t fresh_size; /* of the records written anew */
	size_t stored;
	uint64_t dig_alias; /* what GROUP_ALIAS's outputs depend on */
	uint64_t dig_resolve; /* what GROUP_RESOLVE's outputs depend on */
};

static void cache_plan_free(struct cache_plan *plan)
{
	free(plan->sizes);
	free(plan->strings);
	free(plan->sums);
}

/* Module i's record: the old one when the cache gave it, a new one when its file is
 * settled; its sums go into the digests. */
static void plan_module(const struct depmod *d, struct cache_plan *plan, size_t i)
{
	const struct depmod_cache *c = d->cache;
	const struct depmod_module *mod = d->modules.array[i];
	uint64_t *sums = &plan->sums[2 * i];
	size_t *size = &plan->sizes[i];

	if (c->hits[i] != NULL) {
		sums[0] = c->hits[i]->sum_symbols;
		sums[1] = c->hits[i]->sum_modinfo;
		*size = c->hits[i]->record_size;
	} else {
		sums[0] = module_sum_symbols(mod);
		sums[1] = module_sum_modinfo(mod);
		if (mod->parse_err == 0 && mod->have_file_id && settled(c, &mod->file_id))
			*size = record_size_of(mod, &plan->strings[i]);
	}
	/* a cache that would be too big to read back is cut short */
	if (*size > CACHE_MAX_SIZE - sizeof(struct cache_header) - plan->payload)
		*size = 0;
	if (c->hits[i] == NULL)
		plan->fresh_size += *size;
	plan->payload += *size;
	plan->stored += *size != 0;

	plan->dig_alias = mix_u64(mix_str(mix_u64(plan->dig_alias, i), mod->modname),
				  sums[1]);
	plan->dig_resolve = mix_str(mix_str(mix_u64(plan->dig_resolve, i), mod->modname),
				    depmod_module_outpath(mod));
	plan->dig_resolve = mix_u64(plan->dig_resolve, sums[0]);
}

static void fill_header(struct depmod *d, const struct cache_plan *plan)
{
	struct cache_header *hdr = &d->cache->header;
	size_t n = d->modules.count;
	uint64_t dig_resolve = plan->dig_resolve, ksyms;
	bool ksyms_ok;

	ksyms = kernel_symbols_sum(d, &ksyms_ok);
	dig_resolve = mix_u64(mix_u64(dig_resolve, (unsigned char)d->sym_prefix), ksyms);
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, CACHE_MAGIC, sizeof(hdr->magic));
	hdr->byte_order = CACHE_BYTE_ORDER;
	hdr->version = DEPMOD_CACHE_VERSION;
	producer_id(hdr->producer);
	hdr->n_records = plan->stored;
	hdr->payload_size = plan->payload;
	/* 0 is "none": a digest that happens to be 0 just keeps nothing */
	hdr->digest[GROUP_ALIAS] = avalanche(mix_u64(plan->dig_alias, n));
	hdr->digest[GROUP_MODINFO] = hdr->digest[GROUP_ALIAS];
	hdr->digest[GROUP_RESOLVE] = ksyms_ok ? avalanche(mix_u64(dig_resolve, n)) : 0;
	hdr->digest[GROUP_BUILTIN] = builtin_digest(d);
	for (size_t k = 0; k < ARRAY_SIZE(kept_outputs); k++)
		hdr->output[k].size = UINT64_MAX; /* not written (yet) */
}

/* The header, then every stored record (old ones where they are mapped, new ones in
 * c->fresh), as the pieces the write stage writes; the payload's sum last. */
static void lay_out(struct depmod *d, const struct cache_plan *plan)
{
	struct depmod_cache *c = d->cache;
	struct cache_sum sum;
	char *p = c->fresh;

	add_piece(c, &c->header, sizeof(c->header));
	for (size_t i = 0; i < d->modules.count; i++) {
		size_t size = plan->sizes[i];

		if (size == 0)
			continue;
		if (c->hits[i] != NULL) {
			add_piece(c, c->hits[i], size);
		} else {
			put_record(p, d->modules.array[i], size, plan->strings[i],
				   plan->sums[2 * i], plan->sums[2 * i + 1]);
			add_piece(c, p, size);
			p += size;
		}
	}
	sum_init(&sum);
	for (size_t i = 1; i < c->n_pieces; i++)
		sum_words(&sum, c->pieces[i].data, c->pieces[i].len);
	c->header.payload_sum = sum_final(&sum);
}

int depmod_cache_build(struct depmod *d)
{
	struct depmod_cache *c = d->cache;
	size_t n = d->modules.count;
	_cleanup_(cache_plan_free) struct cache_plan plan = {
		.dig_alias = MIX_A,
		.dig_resolve = MIX_B,
	};

	if (c == NULL)
		return 0;
	if (d->dry_run) {
		print_stats(d, 0);
		return 0;
	}
	plan.sizes = calloc(n + 1, sizeof(*plan.sizes));
	plan.strings = calloc(n + 1, sizeof(*plan.strings));
	plan.sums = calloc(2 * n + 1, sizeof(*plan.sums));
	c->pieces = calloc(n + 2, sizeof(*c->pieces));
	if (plan.sizes == NULL || plan.strings == NULL || plan.sums == NULL ||
	    c->pieces == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		plan_module(d, &plan, i);
	c->fresh = malloc(plan.fresh_size + 1);
	if (c->fresh == NULL)
		return -ENOMEM;
	fill_header(d, &plan);
	lay_out(d, &plan);

	decide_kept(d);
	d->cache_ops = &cache_ops;
	print_stats(d, plan.stored);
	return 0;
}

void depmod_cache_free(struct depmod *d)
{
	struct depmod_cache *c = d->cache;

	if (c != NULL) {
		cache_unmap(c);
		free(c->hits);
		free(c->fresh);
		free(c->pieces);
		free(c);
	}
	if (d->have_outdir_fd)
		close(d->outdir_fd);
	d->have_outdir_fd = false;
	d->cache = NULL;
	d->cache_ops = NULL;
}
