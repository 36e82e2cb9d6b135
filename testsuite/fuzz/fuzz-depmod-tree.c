// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target "depmod-tree": the whole depmod pipeline on a small module tree, then
 * the library on what it wrote. The input is a list of records
 *
 *   kind (1 byte) | name length (1 byte) | name | data length (u16 LE) | data
 *
 * (a length running past the end is cut there), kind being
 *   'm'  a module file, name = its path in the module dir (no "..", not absolute)
 *   'o'  modules.order      'b'  modules.builtin      'i'  modules.builtin.modinfo
 *   'C'  modules.depmod-cache (the parse cache)
 *   'c'  a depmod.d file    'E'  Module.symvers (-E)  'F'  System.map (-F)
 *   'f'  options: data[0] bit 0 -w, bit 1 -e, bit 2 -P _, bit 3 -v, bit 4 the cache
 * and anything else skipped. The tree is written to a fresh directory and depmod runs
 * its stages as the tool does (config, scan, order, parse with one thread, resolve,
 * write; external directories are dropped from the configuration so that nothing
 * outside the tree is read), without its cache. When that wrote the indexes, a
 * library context on the tree looks up every module (each one depmod parsed must be
 * found, at its path), reads its information, plans its modprobe (dry run) and dumps
 * every index. With bit 4, depmod then runs twice more with its cache (the first
 * reads the 'C' file, the second the cache the first wrote): both must succeed and
 * write the same index files, byte for byte. depmod's messages are off: a shown
 * FATAL would exit.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/depmod.h"
#include "lib/hash.h"

#include "fuzz-ctx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KVER "6.1.0-fuzz"
#define MAX_MODULES 32

static char base[PATH_MAX];
static char tree[PATH_MAX];
static char symvers_path[PATH_MAX];
static char sysmap_path[PATH_MAX];
static FILE *devnull;
static volatile size_t sink;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	if (base[0] != '\0')
		remove_tree(base);
	if (devnull != NULL)
		fclose(devnull);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	log_set_priority(LOG_EMERG);
	if ((size_t)snprintf(base, sizeof(base), "%s/modkit-fuzz-depmod-XXXXXX",
			     tmp ? tmp : P_tmpdir) >= sizeof(base))
		abort();
	devnull = fopen("/dev/null", "we");
	if (mkdtemp(base) == NULL || devnull == NULL) {
		perror(base);
		abort();
	}
	atexit(cleanup);
	if ((size_t)snprintf(tree, sizeof(tree), "%s/tree", base) >= sizeof(tree))
		abort();
	if ((size_t)snprintf(symvers_path, sizeof(symvers_path), "%s/Module.symvers",
			     base) >= sizeof(symvers_path) ||
	    (size_t)snprintf(sysmap_path, sizeof(sysmap_path), "%s/System.map", base) >=
		    sizeof(sysmap_path))
		abort();
	return 0;
}

struct record {
	uint8_t kind;
	char name[256];
	const uint8_t *data;
	size_t len;
};

/* Next record at *pos; false at the end. */
static bool next_record(const uint8_t *data, size_t size, size_t *pos, struct record *r)
{
	size_t p = *pos, namelen;

	if (p + 2 > size)
		return false;
	r->kind = data[p];
	namelen = data[p + 1];
	p += 2;
	if (namelen > size - p)
		namelen = size - p;
	memcpy(r->name, data + p, namelen);
	r->name[namelen] = '\0';
	p += namelen;
	if (p + 2 <= size) {
		r->len = data[p] | (size_t)data[p + 1] << 8;
		p += 2;
	} else {
		r->len = 0;
		p = size;
	}
	if (r->len > size - p)
		r->len = size - p;
	r->data = data + p;
	*pos = p + r->len;
	return true;
}

/* A relative path of at most 8 components, none empty, "." or "..". */
static bool name_ok(const char *name)
{
	unsigned int depth = 0;

	if (name[0] == '\0' || name[0] == '/')
		return false;
	for (const char *c = name; *c != '\0'; depth++) {
		size_t len = strcspn(c, "/");

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.') || depth >= 8)
			return false;
		c += len;
		if (*c == '/')
			c++;
	}
	return true;
}

static int write_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    mkdir_parents(path, 0755) < 0)
		return -1;
	fp = fopen(path, "we");
	if (fp == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, fp) != len) {
		fclose(fp);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static void parse_config(struct depmod *d, const uint8_t *data, size_t len)
{
	FILE *fp = len > 0 ? fmemopen((void *)data, len, "r") : NULL;

	if (fp == NULL)
		return;
	(void)depmod_config_parse(&d->config, fp, "fuzz.conf", KVER);
	fclose(fp);
}

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	sink += strlen(kmod_module_get_name(m)) + strlen(options);
}

static bool ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return false;
	}
	return true;
}

/* The library on the indexes depmod wrote. */
static void use_indexes(const struct depmod *d)
{
	struct kmod_ctx *ctx = fuzz_ctx_new(tree);
	int fd = fileno(devnull);

	if (ctx == NULL)
		return;
	(void)kmod_load_resources(ctx);
	for (size_t i = 0; i < d->modules.count; i++) {
		const struct depmod_module *dm = d->modules.array[i];
		struct kmod_list *info = NULL, *deps;
		struct kmod_module *m;
		const char *path;

		if (kmod_module_new_from_name(ctx, dm->modname, &m) < 0)
			continue;
		path = kmod_module_get_path(m);
		/* every module depmod read is in modules.dep, at its path */
		if (dm->parse_err == 0 && dm->relpath != NULL && ascii(dm->path) &&
		    strchr(dm->relpath, ' ') == NULL &&
		    strchr(dm->relpath, '\t') == NULL &&
		    strchr(dm->relpath, '\n') == NULL &&
		    strchr(dm->relpath, ':') == NULL &&
		    (path == NULL || strcmp(path, dm->path) != 0))
			abort();
		deps = kmod_module_get_dependencies(m);
		kmod_module_unref_list(deps);
		if (kmod_module_get_info(m, &info) >= 0)
			kmod_module_info_free_list(info);
		(void)kmod_module_probe_insert_module(m,
						      KMOD_PROBE_DRY_RUN |
							      KMOD_PROBE_IGNORE_LOADED |
							      KMOD_PROBE_IGNORE_COMMAND,
						      NULL, NULL, NULL, print_action);
		kmod_module_unref(m);
	}
	for (int type = KMOD_INDEX_MODULES_DEP; type <= KMOD_INDEX_MODULES_BUILTIN;
	     type++)
		(void)kmod_dump_index(ctx, type, fd);
	kmod_unref(ctx);
}

/* Writes the files of the records. */
static void write_tree(const uint8_t *data, size_t size)
{
	unsigned int n_modules = 0;
	struct record r;
	size_t pos = 0;

	while (next_record(data, size, &pos, &r)) {
		switch (r.kind) {
		case 'm':
			if (n_modules < MAX_MODULES && name_ok(r.name) &&
			    write_file(tree, r.name, r.data, r.len) == 0)
				n_modules++;
			break;
		case 'o':
			(void)write_file(tree, "modules.order", r.data, r.len);
			break;
		case 'b':
			(void)write_file(tree, "modules.builtin", r.data, r.len);
			break;
		case 'i':
			(void)write_file(tree, "modules.builtin.modinfo", r.data, r.len);
			break;
		case 'C':
			(void)write_file(tree, DEPMOD_CACHE_NAME, r.data, r.len);
			break;
		case 'E':
			(void)write_file(base, "Module.symvers", r.data, r.len);
			break;
		case 'F':
			(void)write_file(base, "System.map", r.data, r.len);
			break;
		}
	}
}

/* Options and configuration of the records into d; whether the cache is asked for. */
static bool read_options(struct depmod *d, const uint8_t *data, size_t size,
			 const char **symvers, const char **sysmap)
{
	bool cache = false;
	struct record r;
	size_t pos = 0;

	while (next_record(data, size, &pos, &r)) {
		switch (r.kind) {
		case 'c':
			parse_config(d, r.data, r.len);
			break;
		case 'E':
			*symvers = symvers_path;
			break;
		case 'F':
			*sysmap = sysmap_path;
			break;
		case 'f':
			if (r.len > 0) {
				d->warn = r.data[0] & 1;
				d->errsyms = r.data[0] & 2;
				d->sym_prefix = r.data[0] & 4 ? '_' : '\0';
				d->verbose = r.data[0] & 8 ? 1 : 0;
				cache = r.data[0] & 16;
			}
			break;
		}
	}
	/* nothing outside the tree */
	for (size_t i = 0; i < d->config.externals.count; i++)
		free(d->config.externals.array[i]);
	d->config.externals.count = 0;
	(void)depmod_config_default(&d->config, KVER);
	return cache;
}

/* One depmod run on the tree, with or without its cache; false when it failed. */
static bool run_depmod(const uint8_t *data, size_t size, bool use_cache, bool *want_cache)
{
	const char *symvers = NULL, *sysmap = NULL;
	struct depmod d;
	bool ok = false;

	depmod_init(&d);
	d.kver = KVER;
	d.out_verbose = devnull;
	d.dirname = strdup(tree);
	d.outdirname = strdup(tree);
	d.modules_by_name = hash_new(256, NULL);
	if (d.dirname == NULL || d.outdirname == NULL || d.modules_by_name == NULL)
		goto out;
	d.dirnamelen = strlen(d.dirname);
	*want_cache = read_options(&d, data, size, &symvers, &sysmap);
	d.use_cache = use_cache;

	if (symvers == NULL && sysmap == NULL)
		d.errsyms = false;
	if (depmod_load_kernel_symbols(&d, symvers, sysmap) < 0)
		goto out;
	/* the tool's stages, with one parse thread */
	if (depmod_scan(&d) < 0 || depmod_pipeline(&d, 1) < 0)
		goto out;
	ok = true;
	if (!use_cache)
		use_indexes(&d);
out:
	depmod_release(&d);
	return ok;
}

/* The index files depmod wrote, as "name\0size\0bytes" (absent: "name\0-\0"). */
static char *snapshot(size_t *len)
{
	static const char *const names[] = {
		"modules.dep",	       "modules.dep.bin",
		"modules.alias",       "modules.alias.bin",
		"modules.softdep",     "modules.weakdep",
		"modules.symbols",     "modules.symbols.bin",
		"modules.builtin.bin", "modules.builtin.alias.bin",
		"modules.devname",
	};
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (out == NULL)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[PATH_MAX], *data = NULL;
		size_t size = 0;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", tree, names[i]) >=
		    sizeof(path))
			abort();
		if (read_file(path, &data, &size) < 0) {
			fprintf(out, "%s%c-%c", names[i], 0, 0);
			continue;
		}
		fprintf(out, "%s%c%zu%c", names[i], 0, size, 0);
		fwrite(data, 1, size, out);
		free(data);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool want_cache = false;

	if (mkdir(tree, 0755) < 0)
		abort();
	write_tree(data, size);
	if (run_depmod(data, size, false, &want_cache) && want_cache) {
		size_t len, len2;
		char *plain = snapshot(&len), *cached;

		/* the cache of the input, then the one written just before */
		for (int i = 0; i < 2; i++) {
			if (!run_depmod(data, size, true, &want_cache))
				abort();
			cached = snapshot(&len2);
			if (len2 != len || memcmp(plain, cached, len) != 0)
				abort();
			free(cached);
		}
		free(plain);
	}
	remove_tree(tree);
	return 0;
}

#define FUZZ_INITIALIZE
#include "fuzz-main.h"
