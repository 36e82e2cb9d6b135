// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parse stage: every module is decompressed and its ELF read (.modinfo, exports,
 * imports) on all online CPUs. Workers take modules through one atomic counter and
 * write only the slot of the module they took; errors are kept in the slot and
 * reported afterwards in module order, so the messages do not depend on timing.
 * Signatures are never looked at: depmod writes nothing derived from them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod.h"

int depmod_parse_module(struct depmod_module *mod)
{
	struct kmod_file *file = NULL;
	struct kmod_elf *elf = NULL;
	int err;

	err = file_open(NULL, mod->path, &file);
	if (err < 0)
		return err;
	err = file_load_contents(file);
	if (err < 0)
		goto out;
	err = elf_new(file_get_contents(file), file_get_size(file), &elf);
	if (err < 0)
		goto out;

	/* a missing section (-ENODATA) just means nothing of that kind */
	err = elf_get_strings(elf, ".modinfo", &mod->modinfo);
	if (err < 0 && err != -ENODATA)
		goto out;
	mod->n_modinfo = err > 0 ? err : 0;
	err = elf_get_symbols(elf, &mod->exports);
	if (err < 0 && err != -ENODATA)
		goto out;
	mod->n_exports = err > 0 ? err : 0;
	err = elf_get_dependency_symbols(elf, &mod->imports);
	if (err < 0 && err != -ENODATA)
		goto out;
	mod->n_imports = err > 0 ? err : 0;
	err = 0;
out:
	if (err < 0) {
		free(mod->modinfo);
		free(mod->exports);
		free(mod->imports);
		mod->modinfo = NULL;
		mod->exports = NULL;
		mod->imports = NULL;
		mod->n_modinfo = mod->n_exports = mod->n_imports = 0;
	}
	elf_free(elf);
	file_free(file);
	return err;
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

struct parse_job {
	struct depmod_module **mods;
	size_t n;
	atomic_size_t next;
};

static void *parse_worker(void *data)
{
	struct parse_job *job = data;

	for (;;) {
		size_t i = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);

		if (i >= job->n)
			break;
		job->mods[i]->parse_err = depmod_parse_module(job->mods[i]);
	}
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
 * every result still lands in its module's own slot.
 */
static struct depmod_module **work_order(struct depmod *d)
{
	size_t n = d->modules.count;
	_cleanup_free_ struct sized_module *sized = calloc(n + 1, sizeof(*sized));
	struct depmod_module **order = calloc(n + 1, sizeof(*order));

	if (sized == NULL || order == NULL) {
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		sized[i].mod = d->modules.array[i];
		sized[i].size = stat(sized[i].mod->path, &st) == 0 ? st.st_size : 0;
	}
	qsort(sized, n, sizeof(*sized), cmp_size_desc);
	for (size_t i = 0; i < n; i++)
		order[i] = sized[i].mod;
	return order;
}

int depmod_parse(struct depmod *d, unsigned int n_threads)
{
	_cleanup_free_ struct depmod_module **order = NULL;
	struct parse_job job = {
		.mods = (struct depmod_module **)d->modules.array,
		.n = d->modules.count,
	};
	pthread_t *threads;
	unsigned int started = 0;

	if (n_threads > 1 && job.n > 1) {
		order = work_order(d);
		if (order != NULL)
			job.mods = order;
	}
	atomic_init(&job.next, 0);
	if (n_threads > job.n)
		n_threads = job.n ? job.n : 1;
	threads = calloc(n_threads, sizeof(*threads));
	if (threads == NULL)
		return -ENOMEM;
	/* this thread is worker 0 */
	for (unsigned int t = 1; t < n_threads; t++) {
		if (pthread_create(&threads[t], NULL, parse_worker, &job) != 0)
			break;
		started = t;
	}
	parse_worker(&job);
	for (unsigned int t = 1; t <= started; t++)
		pthread_join(threads[t], NULL);
	free(threads);

	/* reported in module order, whatever the work order was */
	for (size_t i = 0; i < job.n; i++) {
		const struct depmod_module *mod = d->modules.array[i];

		if (mod->parse_err < 0)
			ERR("failed to load symbols from %s: %s\n", mod->path,
			    strerror(-mod->parse_err));
	}
	return 0;
}
