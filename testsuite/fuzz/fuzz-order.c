// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "order": the input is modules.order (formats.md 1.10.2) of a small
 * module tree made at start-up (empty files: only names count here) and scanned once
 * by depmod_scan(); each input is written to the tree and depmod_order() sorts the
 * modules again. The result must number the modules 0..n-1 in array order, with the
 * modules modules.order lists first, in the order of their first listing.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/depmod.h"
#include "lib/hash.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[PATH_MAX];
static char orderpath[PATH_MAX];
static struct depmod d;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path);
}

static void cleanup(void)
{
	depmod_release(&d);
	if (root[0] != '\0')
		nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[] = {
		"kernel/a.ko",	      "kernel/drivers/b.ko.xz", "kernel/fs/c-d.ko.gz",
		"kernel/fs/e.ko.zst", "kernel/f_g.ko",		"kernel/lib/h.ko",
		"extra/i.ko",	      "updates/a.ko",		"kernel/j.ko.gz",
		"kernel/k.ko",
	};
	static const char search[] = "search updates built-in\n";
	const char *tmp = getenv("TMPDIR");
	FILE *fp;

	log_set_priority(LOG_EMERG);
	if ((size_t)snprintf(root, sizeof(root), "%s/modkit-fuzz-order-XXXXXX",
			     tmp ? tmp : P_tmpdir) >= sizeof(root))
		abort();
	if (mkdtemp(root) == NULL) {
		perror(root);
		abort();
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[PATH_MAX];
		int fd;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, files[i]) >=
		    sizeof(path))
			abort();
		if (mkdir_parents(path, 0755) < 0 ||
		    (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			perror(path);
			abort();
		}
		close(fd);
	}
	if ((size_t)snprintf(orderpath, sizeof(orderpath), "%s/modules.order", root) >=
	    sizeof(orderpath))
		abort();

	depmod_init(&d);
	atexit(cleanup);
	d.kver = "6.1.0-fuzz";
	d.dirname = strdup(root);
	d.outdirname = strdup(root);
	d.modules_by_name = hash_new(64, NULL);
	fp = fmemopen((void *)search, sizeof(search) - 1, "r");
	if (d.dirname == NULL || d.outdirname == NULL || d.modules_by_name == NULL ||
	    fp == NULL || depmod_config_parse(&d.config, fp, "fuzz", d.kver) < 0)
		abort();
	fclose(fp);
	d.dirnamelen = strlen(d.dirname);
	if (depmod_scan(&d) < 0 || d.modules.count == 0)
		abort();
	return 0;
}

/* Position of mod's first listing in text, or SIZE_MAX. */
static size_t first_listing(const char *text, size_t size,
			    const struct depmod_module *mod)
{
	size_t line = 0;

	if (mod->relpath == NULL)
		return SIZE_MAX;
	for (const char *p = text, *end = text + size; p < end; line++) {
		const char *nl = memchr(p, '\n', end - p);

		if (nl == NULL)
			break;
		/* the line ends at its first NUL, as a C string */
		if (strnlen(p, nl - p) == mod->uncrelpath_len &&
		    memcmp(p, mod->relpath, mod->uncrelpath_len) == 0)
			return line;
		p = nl + 1;
	}
	return SIZE_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t prev = 0;
	bool ordered;
	FILE *fp = fopen(orderpath, "we");

	if (fp == NULL || (size > 0 && fwrite(data, 1, size, fp) != size) ||
	    fclose(fp) != 0)
		abort();
	if (depmod_order(&d) < 0)
		return 0;
	/* a file whose last line misses its '\n' is ignored as a whole */
	ordered = size == 0 || text[size - 1] == '\n';
	for (size_t i = 0; i < d.modules.count; i++) {
		const struct depmod_module *mod = d.modules.array[i];
		size_t pos = ordered ? first_listing(text, size, mod) : SIZE_MAX;

		if (mod->idx != i || pos < prev)
			abort();
		prev = pos;
	}
	return 0;
}

#define FUZZ_INITIALIZE
#include "fuzz-main.h"
