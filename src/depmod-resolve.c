// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Resolve stage (formats.md 1.10.3): export table, dependency edges, topological
 * numbering (dsi) and cycle reports. Single-threaded, in module index order.
 *
 * Inputs for -E / -F:
 *   Module.symvers: "0x<crc>\t<symbol>\t<module>\t<export type>[\t<namespace>]" per line;
 *                   rows whose module column is exactly "vmlinux" are kernel symbols.
 *   System.map:     "<address> <type> <name>"; names "__ksymtab_<symbol>" are exports.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "depmod.h"
#include "lib/hash.h"
#include "lib/strbuf.h"

static const char *strip_prefix(const struct depmod *d, const char *name)
{
	if (d->sym_prefix != '\0' && name[0] == d->sym_prefix)
		return name + 1;
	return name;
}

static int symbol_add(struct depmod *d, const char *name, uint64_t crc,
		      struct depmod_module *owner)
{
	size_t len = strlen(name);
	struct depmod_symbol *sym = malloc(sizeof(*sym) + len + 1);
	int err;

	if (sym == NULL)
		return -ENOMEM;
	sym->owner = owner;
	sym->crc = crc;
	sym->hash = hash_superfast(name, len);
	memcpy(sym->name, name, len + 1);
	err = hash_add(d->symbols, sym->name, sym);
	if (err < 0)
		free(sym);
	return err;
}

static int symbols_init(struct depmod *d)
{
	if (d->symbols == NULL)
		d->symbols = hash_new(65536, free);
	return d->symbols ? 0 : -ENOMEM;
}

int depmod_load_symvers(struct depmod *d, const char *filename)
{
	_cleanup_fclose_ FILE *fp = fopen(filename, "re");
	char line[10240];
	unsigned int linenum = 0;
	int err;

	if (fp == NULL) {
		err = -errno;
		FATAL("could not load %s: %m\n", filename);
		return err;
	}
	err = symbols_init(d);
	if (err < 0)
		return err;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *saveptr = NULL, *crcstr, *sym, *where, *end;
		uint64_t crc;

		linenum++;
		crcstr = strtok_r(line, " \t\n", &saveptr);
		sym = strtok_r(NULL, " \t\n", &saveptr);
		where = strtok_r(NULL, " \t\n", &saveptr);
		/* kmod skips short rows silently */
		if (crcstr == NULL || sym == NULL || where == NULL)
			continue;
		if (!streq(where, "vmlinux"))
			continue;
		errno = 0;
		crc = strtoull(crcstr, &end, 16);
		if (end == crcstr || *end != '\0' || errno != 0) {
			/* errno as strtoull() left it: kmod prints "Success" for junk */
			ERR("%s:%u Invalid symbol version %s: %s\n", filename, linenum,
			    crcstr, strerror(errno));
			continue;
		}
		err = symbol_add(d, strip_prefix(d, sym), crc, NULL);
		if (err < 0)
			return err;
	}
	d->check_symvers = true;
	return 0;
}

int depmod_load_system_map(struct depmod *d, const char *filename)
{
	_cleanup_fclose_ FILE *fp = fopen(filename, "re");
	char line[10240], orig[10240];
	unsigned int linenum = 0;
	int err;

	if (fp == NULL) {
		err = -errno;
		FATAL("could not load %s: %m\n", filename);
		return err;
	}
	err = symbols_init(d);
	if (err < 0)
		return err;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *saveptr = NULL, *name;

		linenum++;
		memcpy(orig, line,
		       sizeof(orig)); /* the message keeps the newline, as kmod's */
		if (strtok_r(line, " \t\n", &saveptr) == NULL ||
		    strtok_r(NULL, " \t\n", &saveptr) == NULL ||
		    (name = strtok_r(NULL, " \t\n", &saveptr)) == NULL) {
			ERR("%s:%u: invalid line: %s\n", filename, linenum, orig);
			continue;
		}
		/* the prefix goes before the "__ksymtab_" test (so "-P _" matches nothing) */
		name = (char *)strip_prefix(d, name);
		if (!strstartswith(name, "__ksymtab_"))
			continue;
		err = symbol_add(d, name + STRLEN("__ksymtab_"), 0, NULL);
		if (err < 0)
			return err;
	}
	return 0;
}

static int add_dependencies(struct depmod *d, struct depmod_module *mod)
{
	for (int i = 0; i < mod->n_imports; i++) {
		const struct kmod_modversion *imp = &mod->imports[i];
		const char *name = imp->symbol;
		const struct depmod_symbol *sym;
		bool weak = imp->bind == KMOD_SYMBOL_WEAK;

		if (name[0] == '.')
			name++;
		name = strip_prefix(d, name);
		sym = hash_find(d->symbols, name);
		if (sym == NULL) {
			if (d->errsyms && !weak)
				WRN("%s needs unknown symbol %s\n", mod->path, name);
			continue;
		}
		if (d->check_symvers && d->errsyms && !weak && sym->crc != imp->crc)
			WRN("%s disagrees about version of symbol %s\n", mod->path, name);
		if (sym->owner == NULL || sym->owner == mod)
			continue;
		size_t before = mod->deps.count;

		if (array_append_unique(&mod->deps, sym->owner) < 0)
			return -ENOMEM;
		if (mod->deps.count != before) {
			sym->owner->users++;
			if (d->verbose > 0)
				fprintf(d->out_verbose, "%s needs \"%s\": %s\n",
					mod->path, name, sym->owner->path);
		}
	}
	return 0;
}

/* Prints the cycles among the modules that got no dsi; returns how many modules. */
static size_t report_cycles(struct depmod *d)
{
	struct depmod_module **mods = (struct depmod_module **)d->modules.array;
	size_t n = d->modules.count, total = 0;
	struct depmod_module **path = calloc(n + 1, sizeof(*path));
	size_t *next = calloc(n + 1, sizeof(*next));
	bool *removed = calloc(n, sizeof(*removed));
	uint32_t *seen = calloc(n, sizeof(*seen));

	if (path == NULL || next == NULL || removed == NULL || seen == NULL) {
		total = n;
		goto out;
	}
	for (size_t r = 0; r < n; r++) {
		struct depmod_module *root = mods[r];
		size_t depth = 0;
		bool found = false;

		if (root->dsi >= 0 || removed[r])
			continue;
		/* depth-first over unnumbered modules, each visited once per root */
		path[0] = root;
		next[0] = 0;
		seen[root->idx] = r + 1;
		while (!found) {
			struct depmod_module *cur = path[depth];

			if (next[depth] >= cur->deps.count) {
				if (depth == 0)
					break;
				depth--;
				continue;
			}
			struct depmod_module *dep = cur->deps.array[next[depth]++];

			if (dep == root) {
				found = true;
				break;
			}
			if (dep->dsi >= 0 || seen[dep->idx] == r + 1)
				continue;
			seen[dep->idx] = r + 1;
			depth++;
			path[depth] = dep;
			next[depth] = 0;
		}
		if (!found)
			continue;

		struct strbuf buf;
		bool pushed = true;

		strbuf_init(&buf);
		for (size_t i = 0; i <= depth; i++) {
			pushed = pushed && strbuf_pushchars(&buf, path[i]->modname) &&
				 strbuf_pushchars(&buf, " -> ");
			if (!removed[path[i]->idx]) {
				removed[path[i]->idx] = true;
				total++;
			}
		}
		pushed = pushed && strbuf_pushchars(&buf, root->modname);
		/* out of memory only shortens the report; the count stays right */
		ERR("Cycle detected: %s\n",
		    pushed && strbuf_str(&buf) ? buf.bytes : "...");
		strbuf_release(&buf);
	}
out:
	free(path);
	free(next);
	free(removed);
	free(seen);
	return total;
}

static int number_modules(struct depmod *d)
{
	struct depmod_module **mods = (struct depmod_module **)d->modules.array;
	size_t n = d->modules.count, top = 0, numbered = 0;
	_cleanup_free_ struct depmod_module **stack = calloc(n + 1, sizeof(*stack));

	if (stack == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (mods[i]->users == 0)
			stack[top++] = mods[i];
	}
	while (top > 0) {
		struct depmod_module *mod = stack[--top];

		mod->dsi = numbered++;
		for (size_t j = 0; j < mod->deps.count; j++) {
			struct depmod_module *dep = mod->deps.array[j];

			if (--dep->users == 0)
				stack[top++] = dep;
		}
	}
	if (numbered < n) {
		size_t cycles = report_cycles(d);

		ERR("Found %zu modules in dependency cycles!\n", cycles);
		return -ELOOP;
	}
	return 0;
}

int depmod_resolve(struct depmod *d)
{
	struct depmod_module **mods = (struct depmod_module **)d->modules.array;
	size_t n = d->modules.count;
	int err = symbols_init(d);

	if (err < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		struct depmod_module *mod = mods[i];

		for (int j = 0; j < mod->n_exports; j++) {
			err = symbol_add(d, strip_prefix(d, mod->exports[j].symbol),
					 mod->exports[j].crc, mod);
			if (err < 0)
				return err;
		}
	}
	for (size_t i = 0; i < n; i++) {
		err = add_dependencies(d, mods[i]);
		if (err < 0)
			return err;
	}
	for (size_t i = 0; i < n; i++)
		mods[i]->visit = 0;
	return number_modules(d);
}

void depmod_drop_symbols(struct depmod *d)
{
	for (size_t i = 0; i < d->modules.count; i++) {
		struct depmod_module *mod = d->modules.array[i];

		free(mod->exports);
		free(mod->imports);
		mod->exports = mod->imports = NULL;
		mod->n_exports = mod->n_imports = 0;
	}
}

static int cmp_symbol_order(const void *pa, const void *pb)
{
	const struct depmod_symbol *a = *(struct depmod_symbol *const *)pa;
	const struct depmod_symbol *b = *(struct depmod_symbol *const *)pb;
	unsigned int ba = a->hash & 2047, bb = b->hash & 2047;

	if (ba != bb)
		return ba < bb ? -1 : 1;
	return strcmp(a->name, b->name);
}

int depmod_symbols_sorted(const struct depmod *d, struct depmod_symbol ***syms, size_t *n)
{
	struct depmod_symbol **list;
	struct hash_iter iter;
	const char *key;
	const void *value;
	size_t count = 0;

	list = malloc((hash_get_count(d->symbols) + 1) * sizeof(*list));
	if (list == NULL)
		return -ENOMEM;
	hash_iter_init(d->symbols, &iter);
	while (hash_iter_next(&iter, &key, &value)) {
		struct depmod_symbol *sym = (struct depmod_symbol *)value;

		if (sym->owner != NULL)
			list[count++] = sym;
	}
	qsort(list, count, sizeof(*list), cmp_symbol_order);
	*syms = list;
	*n = count;
	return 0;
}

static int cmp_dsi(const void *pa, const void *pb)
{
	const struct depmod_module *a = *(struct depmod_module *const *)pa;
	const struct depmod_module *b = *(struct depmod_module *const *)pb;

	return a->dsi < b->dsi ? -1 : a->dsi > b->dsi;
}

int depmod_module_closure(struct depmod *d, struct depmod_module *mod,
			  struct depmod_module ***list, size_t *n)
{
	static uint32_t stamp;
	struct depmod_module **out;
	size_t count = 0, cap = 16, pos = 0;

	*list = NULL;
	*n = 0;
	if (mod->deps.count == 0)
		return 0;
	stamp++;
	out = malloc(cap * sizeof(*out));
	if (out == NULL)
		return -ENOMEM;
	/* out doubles as the work queue: everything in it still gets expanded */
	mod->visit = stamp;
	for (struct depmod_module *from = mod; from != NULL;
	     from = pos < count ? out[pos++] : NULL) {
		for (size_t j = 0; j < from->deps.count; j++) {
			struct depmod_module *dep = from->deps.array[j];

			if (dep->visit == stamp)
				continue;
			dep->visit = stamp;
			if (count == cap) {
				struct depmod_module **tmp =
					realloc(out, 2 * cap * sizeof(*out));

				if (tmp == NULL) {
					free(out);
					return -ENOMEM;
				}
				out = tmp;
				cap *= 2;
			}
			out[count++] = dep;
		}
	}
	qsort(out, count, sizeof(*out), cmp_dsi);
	*list = out;
	*n = count;
	return 0;
}
