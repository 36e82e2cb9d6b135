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

#include "depmod-internal.h"
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

/* One line of a kernel symbol file (its newline kept); 0 or -ENOMEM. */
typedef int (*symbols_line_fn)(struct depmod *d, char *line, const char *filename,
			       unsigned int linenum);

/* Reads a kernel symbol file (-E, -F) line by line into the symbol table. */
static int symbols_read(struct depmod *d, const char *filename, symbols_line_fn fn)
{
	_cleanup_fclose_ FILE *fp = NULL;
	char line[10240];
	unsigned int linenum = 0;
	int err;

	fp = fopen(filename, "re");
	if (fp == NULL) {
		err = -errno;
		FATAL("could not load %s: %m\n", filename);
		return err;
	}
	err = symbols_init(d);
	while (err >= 0 && fgets(line, sizeof(line), fp) != NULL)
		err = fn(d, line, filename, ++linenum);
	if (err < 0) {
		/* the table's only error */
		ERR("out of memory\n");
		return err;
	}
	return 0;
}

/* Module.symvers: "crc symbol where ...", vmlinux rows only. */
static int symvers_line(struct depmod *d, char *line, const char *filename,
			unsigned int linenum)
{
	char *saveptr = NULL, *crcstr, *sym, *where, *end;
	uint64_t crc;

	crcstr = strtok_r(line, " \t\n", &saveptr);
	sym = strtok_r(NULL, " \t\n", &saveptr);
	where = strtok_r(NULL, " \t\n", &saveptr);
	/* kmod skips short rows silently */
	if (crcstr == NULL || sym == NULL || where == NULL)
		return 0;
	if (!streq(where, "vmlinux"))
		return 0;
	errno = 0;
	crc = strtoull(crcstr, &end, 16);
	if (end == crcstr || *end != '\0' || errno != 0) {
		/* errno as strtoull() left it: kmod prints "Success" for junk */
		ERR("%s:%u Invalid symbol version %s: %s\n", filename, linenum, crcstr,
		    strerror(errno));
		return 0;
	}
	return symbol_add(d, strip_prefix(d, sym), crc, NULL);
}

/* System.map: "address type name", the __ksymtab_ entries only. */
static int system_map_line(struct depmod *d, char *line, const char *filename,
			   unsigned int linenum)
{
	char orig[10240];
	char *saveptr = NULL, *name;

	/* the message keeps the newline, as kmod's (fgets() kept the line shorter
	 * than orig) */
	memcpy(orig, line, strlen(line) + 1);
	if (strtok_r(line, " \t\n", &saveptr) == NULL ||
	    strtok_r(NULL, " \t\n", &saveptr) == NULL ||
	    (name = strtok_r(NULL, " \t\n", &saveptr)) == NULL) {
		ERR("%s:%u: invalid line: %s\n", filename, linenum, orig);
		return 0;
	}
	/* the prefix goes before the "__ksymtab_" test (so "-P _" matches nothing) */
	name = (char *)strip_prefix(d, name);
	if (!strstartswith(name, "__ksymtab_"))
		return 0;
	return symbol_add(d, name + STRLEN("__ksymtab_"), 0, NULL);
}

int depmod_load_symvers(struct depmod *d, const char *filename)
{
	int err = symbols_read(d, filename, symvers_line);

	if (err < 0)
		return err;
	d->check_symvers = true;
	return 0;
}

int depmod_load_system_map(struct depmod *d, const char *filename)
{
	return symbols_read(d, filename, system_map_line);
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

/*
 * The cycle report, in kmod 34.2's order (tools.md 8.2).
 *
 * The modules left without a dsi are the "roots": the members of cycles and every
 * module a cycle depends on. They sit in a circular list, in module index order, whose
 * head moves: taking any member out (not only the head) makes that member's successor
 * the new head, as kmod's list removal does. Until the list is empty, the head is
 * taken out and a walk starts from it:
 *
 *  - the walk is depth-first over an explicit stack of (module, parent entry) pairs;
 *    a module's dependencies are pushed in append order, so the last one is followed
 *    first, and a module is expanded again every time a path reaches it;
 *  - popping the root again ends a path: "Cycle detected: root -> ... -> root" is
 *    printed from the parent entries, each module on it is counted once in N, then
 *    taken out of the list in path order;
 *  - every module expanded is marked visited for good: a later root that is already
 *    marked prints a line with its own name only (and counts nothing);
 *  - a module without dependencies is taken out of the list when it is expanded.
 *
 * Such a walk prints every path from the root back to itself. kmod never ends when
 * the walk can reach a cycle that avoids the root (chained or overlapping cycles);
 * modkit differs there on purpose, and only there:
 *  - a module that cannot reach the root is expanded once, whatever the root (where
 *    kmod ends this changes nothing: expanding it again would only set marks that are
 *    set already and take out of the list modules that are gone already);
 *  - when the root's strongly connected component, the root aside, contains a
 *    cycle, the walk expands every module once only, so each edge back to the root
 *    gives one line;
 *  - a root on a cycle is walked even when an earlier walk marked it (kmod can only
 *    have marked it in a walk that never ends).
 */
#define NO_ENTRY SIZE_MAX

struct cycle_entry {
	size_t mod; /* module index */
	size_t parent; /* stack entry it was pushed by, or NO_ENTRY */
};

struct cycle_report {
	struct depmod_module **mods;
	size_t n, total;
	size_t *next, *prev; /* the roots list, by module index */
	size_t head, n_roots;
	bool *in_roots, *visited, *expanded, *counted;
	uint32_t *reach; /* == stamp: the module can reach the current root */
	uint32_t *fwd; /* == stamp: the current root can reach the module */
	uint32_t *walked; /* == stamp: expanded in the current walk (once-only walks) */
	uint32_t stamp;
	size_t *indeg;
	size_t *user_start, *users; /* users among the roots, per module (CSR) */
	size_t *queue, *path;
	struct cycle_entry *entries; /* of the current walk; stack holds their indexes */
	size_t *stack;
	size_t n_entries, n_stack, cap;
};

static void cycle_report_free(struct cycle_report *c)
{
	free(c->next);
	free(c->prev);
	free(c->in_roots);
	free(c->visited);
	free(c->expanded);
	free(c->counted);
	free(c->reach);
	free(c->fwd);
	free(c->walked);
	free(c->indeg);
	free(c->user_start);
	free(c->users);
	free(c->queue);
	free(c->path);
	free(c->entries);
	free(c->stack);
}

static int cycle_report_init(struct cycle_report *c, struct depmod *d)
{
	size_t n = d->modules.count, n_edges = 0, last = 0;

	*c = (struct cycle_report){ .mods = (struct depmod_module **)d->modules.array,
				    .n = n };
	c->next = calloc(n, sizeof(*c->next));
	c->prev = calloc(n, sizeof(*c->prev));
	c->in_roots = calloc(n, sizeof(*c->in_roots));
	c->visited = calloc(n, sizeof(*c->visited));
	c->expanded = calloc(n, sizeof(*c->expanded));
	c->counted = calloc(n, sizeof(*c->counted));
	c->reach = calloc(n, sizeof(*c->reach));
	c->fwd = calloc(n, sizeof(*c->fwd));
	c->walked = calloc(n, sizeof(*c->walked));
	c->indeg = calloc(n, sizeof(*c->indeg));
	c->user_start = calloc(n + 1, sizeof(*c->user_start));
	c->queue = calloc(n + 1, sizeof(*c->queue));
	c->path = calloc(n + 1, sizeof(*c->path));
	if (c->next == NULL || c->prev == NULL || c->in_roots == NULL ||
	    c->visited == NULL || c->expanded == NULL || c->counted == NULL ||
	    c->reach == NULL || c->fwd == NULL || c->walked == NULL || c->indeg == NULL ||
	    c->user_start == NULL || c->queue == NULL || c->path == NULL)
		return -ENOMEM;

	for (size_t i = 0; i < n; i++) {
		const struct depmod_module *mod = c->mods[i];

		if (mod->dsi >= 0)
			continue;
		if (c->n_roots == 0) {
			c->head = i;
		} else {
			c->next[last] = i;
			c->prev[i] = last;
		}
		c->in_roots[i] = true;
		c->n_roots++;
		last = i;
		for (size_t j = 0; j < mod->deps.count; j++) {
			const struct depmod_module *dep = mod->deps.array[j];

			c->user_start[dep->idx + 1]++;
			n_edges++;
		}
	}
	if (c->n_roots > 0) {
		c->next[last] = c->head;
		c->prev[c->head] = last;
	}
	for (size_t i = 0; i < n; i++)
		c->user_start[i + 1] += c->user_start[i];
	c->users = calloc(n_edges + 1, sizeof(*c->users));
	if (c->users == NULL)
		return -ENOMEM;
	/* queue as a fill cursor per module, for once */
	memcpy(c->queue, c->user_start, n * sizeof(*c->queue));
	for (size_t i = 0; i < n; i++) {
		const struct depmod_module *mod = c->mods[i];

		if (mod->dsi >= 0)
			continue;
		for (size_t j = 0; j < mod->deps.count; j++) {
			const struct depmod_module *dep = mod->deps.array[j];

			c->users[c->queue[dep->idx]++] = i;
		}
	}
	return 0;
}

/* Takes a module out of the roots list; its successor becomes the head. */
static void roots_take(struct cycle_report *c, size_t m)
{
	if (!c->in_roots[m])
		return;
	c->in_roots[m] = false;
	if (--c->n_roots == 0)
		return;
	c->next[c->prev[m]] = c->next[m];
	c->prev[c->next[m]] = c->prev[m];
	c->head = c->next[m];
}

/*
 * With a new stamp, marks in reach[] every module having a path to root and in fwd[]
 * every module root has a path to.
 */
static void mark_paths(struct cycle_report *c, size_t root)
{
	size_t qh = 0, qt = 0;

	c->stamp++;
	c->queue[qt++] = root;
	while (qh < qt) {
		size_t x = c->queue[qh++];

		for (size_t k = c->user_start[x]; k < c->user_start[x + 1]; k++) {
			size_t u = c->users[k];

			if (c->reach[u] == c->stamp)
				continue;
			c->reach[u] = c->stamp;
			c->queue[qt++] = u;
		}
	}
	qh = qt = 0;
	c->queue[qt++] = root;
	while (qh < qt) {
		const struct depmod_module *mod = c->mods[c->queue[qh++]];

		for (size_t j = 0; j < mod->deps.count; j++) {
			size_t dep =
				((const struct depmod_module *)mod->deps.array[j])->idx;

			if (c->fwd[dep] == c->stamp)
				continue;
			c->fwd[dep] = c->stamp;
			c->queue[qt++] = dep;
		}
	}
}

static int push_entry(struct cycle_report *c, size_t mod, size_t parent)
{
	if (c->n_entries == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct cycle_entry *e = realloc(c->entries, cap * sizeof(*e));
		size_t *s;

		if (e == NULL)
			return -ENOMEM;
		c->entries = e;
		s = realloc(c->stack, cap * sizeof(*s));
		if (s == NULL)
			return -ENOMEM;
		c->stack = s;
		c->cap = cap;
	}
	c->entries[c->n_entries] = (struct cycle_entry){ .mod = mod, .parent = parent };
	c->stack[c->n_stack++] = c->n_entries++;
	return 0;
}

/* After mark_paths(): is m in root's strongly connected component, root aside? */
static bool in_scc(const struct cycle_report *c, size_t root, size_t m)
{
	return m != root && c->reach[m] == c->stamp && c->fwd[m] == c->stamp;
}

/*
 * True when root's strongly connected component, root aside, contains a cycle: its
 * members cannot all be peeled off by repeatedly removing one that no other member
 * depends on. Only such a cycle makes the walk need bounding: the modules of a cycle
 * outside the component cannot lead back to root, and are expanded once anyway.
 */
static bool scc_has_cycle(struct cycle_report *c, size_t root)
{
	size_t qh = 0, qt = 0, members = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (in_scc(c, root, i))
			c->indeg[i] = 0;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct depmod_module *mod = c->mods[i];

		if (!in_scc(c, root, i))
			continue;
		members++;
		for (size_t j = 0; j < mod->deps.count; j++) {
			const struct depmod_module *dep = mod->deps.array[j];

			if (in_scc(c, root, dep->idx))
				c->indeg[dep->idx]++;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		if (in_scc(c, root, i) && c->indeg[i] == 0)
			c->queue[qt++] = i;
	}
	while (qh < qt) {
		const struct depmod_module *mod = c->mods[c->queue[qh++]];

		for (size_t j = 0; j < mod->deps.count; j++) {
			const struct depmod_module *dep = mod->deps.array[j];

			if (in_scc(c, root, dep->idx) && --c->indeg[dep->idx] == 0)
				c->queue[qt++] = dep->idx;
		}
	}
	return qt < members;
}

/* The path ending at stack entry e (which holds the root): print, count, take out. */
static void report_path(struct cycle_report *c, size_t e)
{
	_cleanup_strbuf_ struct strbuf buf;
	size_t len = 0;
	bool pushed = true;

	for (size_t p = c->entries[e].parent; p != NO_ENTRY; p = c->entries[p].parent)
		c->path[len++] = c->entries[p].mod;
	strbuf_init(&buf);
	for (size_t i = len; i > 0; i--) {
		pushed = pushed &&
			 strbuf_pushchars(&buf, c->mods[c->path[i - 1]]->modname) &&
			 strbuf_pushchars(&buf, " -> ");
	}
	pushed = pushed && strbuf_pushchars(&buf, c->mods[c->entries[e].mod]->modname);
	/* out of memory only shortens the line; the count stays right */
	ERR("Cycle detected: %s\n", pushed && strbuf_str(&buf) ? buf.bytes : "...");
	for (size_t i = 0; i < len; i++) {
		if (!c->counted[c->path[i]]) {
			c->counted[c->path[i]] = true;
			c->total++;
		}
	}
	for (size_t i = len; i > 0; i--)
		roots_take(c, c->path[i - 1]);
}

static int walk_from(struct cycle_report *c, size_t root)
{
	bool on_cycle, once, root_expanded = false;

	mark_paths(c, root);
	on_cycle = c->reach[root] == c->stamp;
	once = scc_has_cycle(c, root);
	c->n_entries = c->n_stack = 0;
	if (push_entry(c, root, NO_ENTRY) < 0)
		return -ENOMEM;
	while (c->n_stack > 0) {
		size_t e = c->stack[--c->n_stack];
		size_t m = c->entries[e].mod;
		const struct depmod_module *mod = c->mods[m];

		if (m == root) {
			if (root_expanded || (c->visited[m] && !on_cycle)) {
				report_path(c, e);
				continue;
			}
			root_expanded = true;
		} else if (once) {
			if (c->walked[m] == c->stamp)
				continue;
			c->walked[m] = c->stamp;
		} else if (c->reach[m] != c->stamp) {
			if (c->expanded[m])
				continue;
			c->expanded[m] = true;
		}
		c->visited[m] = true;
		if (mod->deps.count == 0) {
			roots_take(c, m);
			continue;
		}
		for (size_t j = 0; j < mod->deps.count; j++) {
			const struct depmod_module *dep = mod->deps.array[j];

			if (push_entry(c, dep->idx, e) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Prints the cycles among the modules that got no dsi; returns how many modules are
 * on them, or -ENOMEM (reported; no count then, as kmod). */
static int report_cycles(struct depmod *d, size_t *total)
{
	struct cycle_report c;
	int err = cycle_report_init(&c, d);

	while (err == 0 && c.n_roots > 0) {
		size_t root = c.head;

		roots_take(&c, root);
		err = walk_from(&c, root);
	}
	*total = c.total;
	cycle_report_free(&c);
	if (err < 0)
		ERR("No memory to report cycles\n");
	return err;
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
		size_t cycles;

		if (report_cycles(d, &cycles) == 0)
			ERR("Found %zu modules in dependency cycles!\n", cycles);
		return -ELOOP;
	}
	return 0;
}

/* The export table and the dependency edges; only -ENOMEM, unreported. */
static int build_edges(struct depmod *d)
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
	return 0;
}

int depmod_resolve(struct depmod *d)
{
	int err = build_edges(d);

	if (err < 0) {
		ERR("out of memory\n");
		return err;
	}
	for (size_t i = 0; i < d->modules.count; i++)
		((struct depmod_module *)d->modules.array[i])->visit = 0;
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

	return depmod_cmp_bucket(a->hash, a->name, b->hash, b->name, 2047);
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
	_cleanup_free_ struct depmod_module **out = NULL;
	size_t count = 0, cap = 16, pos = 0;
	uint32_t stamp;

	*list = NULL;
	*n = 0;
	if (mod->deps.count == 0)
		return 0;
	stamp = ++d->closure_stamp;
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

				if (tmp == NULL)
					return -ENOMEM;
				out = tmp;
				cap *= 2;
			}
			out[count++] = dep;
		}
	}
	qsort(out, count, sizeof(*out), cmp_dsi);
	*list = TAKE_PTR(out);
	*n = count;
	return 0;
}
