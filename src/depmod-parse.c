// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parse stage: every module is decompressed and its ELF read (.modinfo, exports,
 * imports) on all online CPUs. Workers take modules through one atomic counter and
 * write only the slot of the module they took; errors are kept in the slot and
 * reported afterwards in module order, so the messages do not depend on timing.
 * Signatures are never looked at: depmod writes nothing derived from them.
 * Modules whose results came from the cache (depmod-cache.c) are not read at all;
 * for the others, the identity of the file read (fstat of the descriptor parsed) is
 * kept for the cache to store.
 *
 * A module that cannot be read is reported and left without symbols, as kmod
 * does, except when it is compressed and its decompressor is absent (compiled out
 * or the library missing): then every index would be wrong - the module in
 * modules.dep without its dependencies, its aliases lost - so the run fails and
 * no index is replaced.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod-internal.h"
#include "lib/file.h"

static bool modinfo_is_indexed(const char *s)
{
	return strstartswith(s, "alias=") || strstartswith(s, "softdep=") ||
	       strstartswith(s, "weakdep=");
}

/* What the parse stage takes of one module file; the module's only on success. */
struct parse_result {
	char **modinfo;
	int n_modinfo;
	struct kmod_modversion *exports;
	int n_exports;
	struct kmod_modversion *imports;
	int n_imports;
};

static void parse_result_free(struct parse_result *r)
{
	free(r->modinfo);
	free(r->exports);
	free(r->imports);
}

/* Only alias, softdep and weakdep entries reach an index: keep just those (in their
 * order), in one allocation like elf_get_strings() gives. */
static int keep_indexed_modinfo(struct parse_result *mod)
{
	size_t n = 0, bytes = 0;
	char **kept, *p;

	for (int i = 0; i < mod->n_modinfo; i++) {
		if (modinfo_is_indexed(mod->modinfo[i])) {
			n++;
			bytes += strlen(mod->modinfo[i]) + 1;
		}
	}
	if (n == (size_t)mod->n_modinfo)
		return 0;
	kept = malloc((n + 1) * sizeof(char *) + bytes);
	if (kept == NULL)
		return -ENOMEM;
	p = (char *)(kept + n + 1);
	n = 0;
	for (int i = 0; i < mod->n_modinfo; i++) {
		size_t len;

		if (!modinfo_is_indexed(mod->modinfo[i]))
			continue;
		len = strlen(mod->modinfo[i]) + 1;
		memcpy(p, mod->modinfo[i], len);
		kept[n++] = p;
		p += len;
	}
	kept[n] = NULL;
	free(mod->modinfo);
	mod->modinfo = kept;
	mod->n_modinfo = (int)n;
	return 0;
}

/*
 * Small uncompressed modules are read into the worker's buffer instead of mapped:
 * with several threads, every munmap() of a mapping interrupts the other CPUs to flush
 * their TLBs, which cost more than the copy. Big ones keep file.c's mapping, so the
 * buffer (and the peak RSS) stays small.
 */
#define PARSE_READ_MAX (1024 * 1024)

static int read_small(const struct kmod_file *file, struct depmod_parse_buf *buf,
		      const void **image, size_t *size)
{
	int err;

	if (buf->data == NULL) {
		buf->data = malloc(PARSE_READ_MAX);
		if (buf->data == NULL)
			return -ENOMEM;
		buf->cap = PARSE_READ_MAX;
	}
	err = file_read_into(file, buf->data, buf->cap, size);
	if (err < 0)
		return err;
	*image = buf->data;
	return 0;
}

static void elf_freep(struct kmod_elf **elf)
{
	elf_free(*elf);
}

static void file_freep(struct kmod_file **file)
{
	file_free(*file);
}

/* An elf_get_*() result as a count: a missing section (-ENODATA) is none. */
static int elf_count(int r, int *n)
{
	*n = r > 0 ? r : 0;
	return r == -ENODATA ? 0 : r;
}

/* The .modinfo entries and the symbols of one module image into r. */
static int parse_image(const void *image, size_t size, struct parse_result *r)
{
	_cleanup_(elf_freep) struct kmod_elf *elf = NULL;
	int err;

	err = elf_new(image, size, &elf);
	if (err < 0)
		return err;
	err = elf_count(elf_get_strings(elf, ".modinfo", &r->modinfo), &r->n_modinfo);
	if (err < 0)
		return err;
	err = keep_indexed_modinfo(r);
	if (err < 0)
		return err;
	err = elf_count(elf_get_symbols(elf, &r->exports), &r->n_exports);
	if (err < 0)
		return err;
	err = elf_count(elf_get_dependency_symbols(elf, &r->imports), &r->n_imports);
	return err < 0 ? err : 0;
}

int depmod_parse_module(struct depmod_module *mod, struct depmod_parse_buf *buf)
{
	_cleanup_(file_freep) struct kmod_file *file = NULL;
	_cleanup_(parse_result_free) struct parse_result r = { 0 };
	const void *image = NULL;
	size_t size = 0;
	int err;

	err = file_open(NULL, mod->path, &file);
	if (err < 0)
		return err;
	/* the cache key is that of the file read, whatever the path points to later */
	mod->have_file_id = depmod_file_id_from_fd(file_get_fd(file), &mod->file_id) == 0;
	mod->compression = (uint8_t)file_get_compression(file);
	if (buf == NULL || read_small(file, buf, &image, &size) < 0) {
		err = file_load_contents(file);
		if (err < 0)
			return err;
		image = file_get_contents(file);
		size = file_get_size(file);
	}
	err = parse_image(image, size, &r);
	if (err < 0)
		return err;
	mod->modinfo = TAKE_PTR(r.modinfo);
	mod->n_modinfo = r.n_modinfo;
	mod->exports = TAKE_PTR(r.exports);
	mod->n_exports = r.n_exports;
	mod->imports = TAKE_PTR(r.imports);
	mod->n_imports = r.n_imports;
	return 0;
}

unsigned int depmod_parse_threads(void)
{
	const char *env = getenv("MODKIT_DEPMOD_THREADS");
	long n;

	if (env != NULL && *env != '\0') {
		char *end;

		n = strtol(env, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 1024)
			return (unsigned int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 256)
		n = 256;
	return (unsigned int)n;
}

/* What is missing to decompress path (the library, by soname); only called after
 * reading it failed with -ENOSYS, which file_load_contents() gives for that alone. */
static const char *missing_decompressor(const char *path)
{
	struct kmod_file *file;
	const char *why = NULL;

	if (file_open(NULL, path, &file) == 0) {
		why = file_decompressor_missing(file_get_compression(file));
		file_free(file);
	}
	return why != NULL ? why : strerror(ENOSYS);
}

int depmod_file_id_from_fd(int fd, struct depmod_file_id *id)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	depmod_file_id_from_stat(&st, id);
	return 0;
}

void depmod_file_id_from_stat(const struct stat *st, struct depmod_file_id *id)
{
	*id = (struct depmod_file_id){
		.dev = (uint64_t)st->st_dev,
		.ino = (uint64_t)st->st_ino,
		.size = (uint64_t)st->st_size,
		.mtime_sec = (int64_t)st->st_mtim.tv_sec,
		.mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
		.ctime_sec = (int64_t)st->st_ctim.tv_sec,
		.ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
	};
}

struct parse_job {
	struct depmod_module **mods;
	size_t n;
	atomic_size_t next;
};

static void *parse_worker(void *data)
{
	struct parse_job *job = data;
	struct depmod_parse_buf buf = { NULL, 0 };

	for (;;) {
		size_t i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);

		if (i >= job->n)
			break;
		job->mods[i]->parse_err = depmod_parse_module(job->mods[i], &buf);
	}
	free(buf.data);
	return NULL;
}

struct sized_module {
	off_t size;
	struct depmod_module *mod;
};

static int cmp_size_desc(const void *pa, const void *pb)
{
	const struct sized_module *a = pa, *b = pb;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->mod->idx < b->mod->idx ? -1 : a->mod->idx > b->mod->idx;
}

/*
 * Work order for several threads: biggest files first, so that no thread is left
 * decompressing a huge module alone at the end. Only the order of the work changes;
 * every result still lands in its module's own slot. The size is the one the cache
 * stage saw, when it looked.
 */
static void work_order(struct depmod_module **mods, size_t n)
{
	_cleanup_free_ struct sized_module *sized = calloc(n + 1, sizeof(*sized));

	if (sized == NULL)
		return; /* module order then: slower at worst */
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		sized[i].mod = mods[i];
		if (mods[i]->have_file_id)
			sized[i].size = (off_t)mods[i]->file_id.size;
		else
			sized[i].size = stat(mods[i]->path, &st) == 0 ? st.st_size : 0;
	}
	qsort(sized, n, sizeof(*sized), cmp_size_desc);
	for (size_t i = 0; i < n; i++)
		mods[i] = sized[i].mod;
}

int depmod_run_workers(unsigned int n_threads, void *(*worker)(void *), void *job)
{
	_cleanup_free_ pthread_t *threads = calloc(n_threads + 1, sizeof(*threads));
	unsigned int started = 0;

	if (threads == NULL)
		return -ENOMEM;
	/* this thread is worker 0; a thread that cannot start leaves its share to the
	 * others */
	for (unsigned int t = 1; t < n_threads; t++) {
		if (pthread_create(&threads[t], NULL, worker, job) != 0)
			break;
		started = t;
	}
	worker(job);
	for (unsigned int t = 1; t <= started; t++)
		pthread_join(threads[t], NULL);
	return 0;
}

int depmod_parse(struct depmod *d, unsigned int n_threads)
{
	_cleanup_free_ struct depmod_module **todo = NULL;
	struct parse_job job = { 0 };
	int err;

	/* the modules the cache stage did not fill */
	todo = calloc(d->modules.count + 1, sizeof(*todo));
	if (todo == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < d->modules.count; i++) {
		struct depmod_module *mod = d->modules.array[i];

		if (!mod->from_cache)
			todo[job.n++] = mod;
	}
	job.mods = todo;
	if (n_threads > 1 && job.n > 1)
		work_order(job.mods, job.n);
	atomic_init(&job.next, 0);
	if (n_threads > job.n)
		n_threads = job.n ? job.n : 1;
	err = depmod_run_workers(n_threads, parse_worker, &job);
	if (err < 0)
		return err;

	/* reported in module order, whatever the work order was */
	for (size_t i = 0; i < d->modules.count; i++) {
		const struct depmod_module *mod = d->modules.array[i];

		if (mod->parse_err == -ENOSYS) {
			ERR("%s: cannot decompress: %s\n", mod->path,
			    missing_decompressor(mod->path));
			err = -ENOSYS;
		} else if (mod->parse_err < 0) {
			ERR("failed to load symbols from %s: %s\n", mod->path,
			    strerror(-mod->parse_err));
		}
	}
	return err;
}
