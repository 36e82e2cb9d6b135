// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of depmod's pipeline stages without ELF files: depmod.d parsing, the
 * resolve stage on hand-made modules (edges, dsi order, closures, cycles, -P), and
 * the modules.symbols order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/depmod.h"
#include "lib/hash.h"
#include "testsuite.h"

static struct depmod_config *parse_config(const char *text, const char *kver)
{
	static struct depmod_config cfg;
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	depmod_config_init(&cfg);
	if (fp == NULL || depmod_config_parse(&cfg, fp, "t.conf", kver) < 0)
		return NULL;
	fclose(fp);
	return &cfg;
}

TEST(config_search_order_and_keywords)
{
	struct depmod_config *cfg = parse_config(
		"search updates/ extra\nsearch built-in external weird\n", "6.1");
	const char *exp[] = { "updates", "extra", "built-in", "external", "weird" };
	const enum depmod_search_kind kinds[] = { DEPMOD_SEARCH_DIR, DEPMOD_SEARCH_DIR,
						  DEPMOD_SEARCH_BUILTIN,
						  DEPMOD_SEARCH_EXTERNAL,
						  DEPMOD_SEARCH_DIR };

	CHECK(cfg != NULL);
	CHECK_INT_EQ(cfg->searches.count, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct depmod_search *s = cfg->searches.array[i];

		CHECK_INT_EQ(s->kind, kinds[i]);
		if (s->kind == DEPMOD_SEARCH_DIR)
			CHECK_STR_EQ(s->path, exp[i]);
	}
	depmod_config_release(cfg);
	return 0;
}

/* Without a search line, "updates" first, then every other directory. */
TEST(config_default_search)
{
	struct depmod_config *cfg = parse_config("exclude foo\n", "6.1");
	const struct depmod_search *s;

	CHECK(cfg != NULL);
	CHECK_INT_EQ(cfg->searches.count, 0);
	CHECK_INT_EQ(depmod_config_default(cfg, "6.1"), 0);
	CHECK_INT_EQ(cfg->searches.count, 2);
	s = cfg->searches.array[0];
	CHECK_INT_EQ(s->kind, DEPMOD_SEARCH_DIR);
	CHECK_STR_EQ(s->path, "updates");
	s = cfg->searches.array[1];
	CHECK_INT_EQ(s->kind, DEPMOD_SEARCH_BUILTIN);
	depmod_config_release(cfg);
	return 0;
}

/* A configuration with its own search line keeps it alone. */
TEST(config_default_search_given)
{
	struct depmod_config *cfg = parse_config("search extra\n", "6.1");
	const struct depmod_search *s;

	CHECK(cfg != NULL);
	CHECK_INT_EQ(depmod_config_default(cfg, "6.1"), 0);
	CHECK_INT_EQ(cfg->searches.count, 1);
	s = cfg->searches.array[0];
	CHECK_STR_EQ(s->path, "extra");
	depmod_config_release(cfg);
	return 0;
}

TEST(config_override_external_kver_regex)
{
	struct depmod_config *cfg = parse_config("override a * kernel/x\n"
						 "override b 6\\.2 kernel/y\n"
						 "override c ^6\\.1 kernel/z/\n"
						 "external 9\\.9 /never\n"
						 "external [0-9]+-amd64 /ext\n"
						 "exclude foo bar\n"
						 "include whatever\n"
						 "nonsense here\n"
						 "override incomplete\n",
						 "6.1.0-50-amd64");
	const struct depmod_override *o;

	CHECK(cfg != NULL);
	CHECK_INT_EQ(cfg->overrides.count, 2);
	o = cfg->overrides.array[0];
	CHECK_STR_EQ(o->path, "kernel/x/a");
	CHECK_INT_EQ(o->len, strlen("kernel/x/a"));
	o = cfg->overrides.array[1];
	CHECK_STR_EQ(o->path, "kernel/z/c");
	CHECK_INT_EQ(cfg->externals.count, 1);
	CHECK_STR_EQ(cfg->externals.array[0], "/ext");
	CHECK_INT_EQ(cfg->excludes.count, 2);
	CHECK_STR_EQ(cfg->excludes.array[0], "foo");
	CHECK_STR_EQ(cfg->excludes.array[1], "bar");
	CHECK_INT_EQ(cfg->searches.count, 0);
	depmod_config_release(cfg);
	return 0;
}

/*
 * glibc's regcomp() is exponential on some short KVER patterns: a run of '+' took 3 GB,
 * repetitions stacked over something that matches empty ran for minutes. Those are
 * refused with a warning naming the line (spelled-out size over 256, more than two
 * repetitions on one atom, a repetition of something that can match empty, a
 * backreference, groups nested deeper than 16); real patterns still compile and match.
 * Without the bound this case fails: regcomp() runs out of memory or time on line 3, 4,
 * 8 or 9.
 */
TEST(config_kver_regex_bounded)
{
	char text[4096], pluses[201], deep[200], err[2048] = "";
	struct depmod_config *cfg;
	FILE *log = tmpfile();
	int saved = dup(STDERR_FILENO);
	ssize_t n;

	memset(pluses, '+', 200);
	pluses[200] = '\0';
	memset(deep, '(', 33);
	deep[33] = '6';
	memset(deep + 34, ')', 33);
	deep[67] = '\0';
	snprintf(
		text, sizeof(text),
		"override a 6(\\.1)+ kernel/a\n"
		"override b (a|6){1,20} kernel/b\n"
		"override c 6%s kernel/c\n"
		"override d ((6{99}){99}){99} kernel/d\n"
		"external (6)\\\\1 /ext\n" /* the file has two backslashes: one escapes */
		"override f %s kernel/f\n"
		"override g [[:digit:]]{2}-amd6[4] kernel/g\n"
		"override h ((6?|0?)+){30} kernel/h\n"
		"override i )*{3,9}{5,}6 kernel/i\n",
		pluses, deep);
	CHECK(log != NULL);
	CHECK(dup2(fileno(log), STDERR_FILENO) == STDERR_FILENO);
	cfg = parse_config(text, "6.1.0-50-amd64");
	CHECK(dup2(saved, STDERR_FILENO) == STDERR_FILENO); /* the checks report there */
	close(saved);
	CHECK(cfg != NULL);
	CHECK_INT_EQ(cfg->overrides.count, 3);
	CHECK_STR_EQ(((struct depmod_override *)cfg->overrides.array[0])->path,
		     "kernel/a/a");
	CHECK_STR_EQ(((struct depmod_override *)cfg->overrides.array[1])->path,
		     "kernel/b/b");
	CHECK_STR_EQ(((struct depmod_override *)cfg->overrides.array[2])->path,
		     "kernel/g/g");
	CHECK_INT_EQ(cfg->externals.count, 0);
	n = pread(fileno(log), err, sizeof(err) - 1, 0);
	CHECK(n > 0);
	for (int line = 3; line <= 9; line += line == 6 ? 2 : 1) {
		char want[80];

		snprintf(want, sizeof(want),
			 "t.conf:%d: kernel version pattern too complex, line ignored\n",
			 line);
		CHECK(strstr(err, want) != NULL);
	}
	CHECK(strstr(err, "t.conf:1:") == NULL && strstr(err, "t.conf:2:") == NULL);
	depmod_config_release(cfg);
	fclose(log);
	return 0;
}

/* ---- resolve on hand-made modules ------------------------------------------------- */

static struct kmod_modversion *syms(const char *const *names, size_t n, bool weak_last)
{
	struct kmod_modversion *a = calloc(n + 1, sizeof(*a));

	for (size_t i = 0; i < n; i++) {
		a[i].symbol = names[i];
		a[i].bind = (weak_last && i == n - 1) ? KMOD_SYMBOL_WEAK :
							KMOD_SYMBOL_GLOBAL;
	}
	return a;
}

static struct depmod_module *mk(struct depmod *d, const char *name,
				const char *const *exports, size_t n_exp,
				const char *const *imports, size_t n_imp)
{
	struct depmod_module *m = calloc(1, sizeof(*m));
	size_t len = strlen(name);

	m->path = malloc(2 * len + 16);
	sprintf(m->path, "/m/%s.ko", name);
	m->modname = m->path + strlen(m->path) + 1;
	strcpy((char *)m->modname, name);
	m->relpath = m->path + 3;
	m->idx = d->modules.count;
	m->dsi = -1;
	array_init(&m->deps, 4);
	m->exports = syms(exports, n_exp, false);
	m->n_exports = n_exp;
	m->imports = syms(imports, n_imp, false);
	m->n_imports = n_imp;
	array_append(&d->modules, m);
	hash_add(d->modules_by_name, m->modname, m);
	return m;
}

static void setup(struct depmod *d)
{
	depmod_init(d);
	d->modules_by_name = hash_new(64, NULL);
	d->out_verbose = stdout;
	log_set_priority(LOG_EMERG); /* cycle reports are checked by the tool tests */
}

static char *closure_str(struct depmod *d, struct depmod_module *m)
{
	static char buf[1024];
	struct depmod_module **list;
	size_t n;

	buf[0] = '\0';
	if (depmod_module_closure(d, m, &list, &n) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, list[i]->modname);
	}
	free(list);
	return buf;
}

TEST(resolve_edges_dsi_closure)
{
	struct depmod d;
	/* top -> mid -> base; top -> base directly too; side -> base (weak) */
	const char *base_exp[] = { "base_fn", "base_data" };
	const char *mid_exp[] = { "mid_fn" };
	const char *mid_imp[] = { "base_fn" };
	const char *top_imp[] = { "mid_fn", ".base_data", "nowhere", "mid_fn" };
	const char *side_imp[] = { "base_fn" };
	struct depmod_module *top, *mid, *base, *side;

	setup(&d);
	top = mk(&d, "top", NULL, 0, top_imp, 4);
	mid = mk(&d, "mid", mid_exp, 1, mid_imp, 1);
	base = mk(&d, "base", base_exp, 2, NULL, 0);
	side = mk(&d, "side", NULL, 0, side_imp, 1);
	side->imports[0].bind = KMOD_SYMBOL_WEAK;

	CHECK_INT_EQ(depmod_resolve(&d), 0);
	/* direct deps in first-use order, no duplicates, "." stripped */
	CHECK_INT_EQ(top->deps.count, 2);
	CHECK(top->deps.array[0] == mid);
	CHECK(top->deps.array[1] == base);
	CHECK_INT_EQ(side->deps.count, 1); /* weak imports count */
	/* a module precedes what it needs */
	CHECK(top->dsi < mid->dsi);
	CHECK(mid->dsi < base->dsi);
	CHECK(side->dsi < base->dsi);
	CHECK_STR_EQ(closure_str(&d, top), "mid base");
	CHECK_STR_EQ(closure_str(&d, mid), "base");
	CHECK_STR_EQ(closure_str(&d, base), "");
	depmod_release(&d);
	return 0;
}

TEST(resolve_last_exporter_wins_and_prefix)
{
	struct depmod d;
	const char *exp[] = { "_dup" };
	const char *imp[] = { "dup" };
	struct depmod_module *user, *first, *second;

	setup(&d);
	d.sym_prefix = '_';
	user = mk(&d, "user", NULL, 0, imp, 1);
	first = mk(&d, "first", exp, 1, NULL, 0);
	second = mk(&d, "second", exp, 1, NULL, 0);
	CHECK_INT_EQ(depmod_resolve(&d), 0);
	CHECK_INT_EQ(user->deps.count, 1);
	CHECK(user->deps.array[0] == second);
	CHECK(first->users == 0);
	depmod_release(&d);
	return 0;
}

TEST(resolve_chained_cycles_terminate)
{
	struct depmod d;
	const char *p_exp[] = { "p" }, *q_exp[] = { "q" }, *r_exp[] = { "r" },
		   *s_exp[] = { "s" };
	const char *p_imp[] = { "q" }, *q_imp[] = { "p", "r" }, *r_imp[] = { "s" },
		   *s_imp[] = { "r" };

	setup(&d);
	mk(&d, "p", p_exp, 1, p_imp, 1);
	mk(&d, "q", q_exp, 1, q_imp, 2);
	mk(&d, "r", r_exp, 1, r_imp, 1);
	mk(&d, "s", s_exp, 1, s_imp, 1);
	CHECK_INT_EQ(depmod_resolve(&d), -ELOOP);
	depmod_release(&d);
	return 0;
}

/* ---- the cycle report ---------------------------------------------------------------
 *
 * The modules are numbered in the order they are made here (no hash order: the tool
 * tests cover that), so the expected reports follow by hand from kmod 34.2's walk
 * (tools.md 8.2, the comment above report_cycles() in depmod-resolve.c):
 *   roots   = the modules left without a dsi, in index order, in a circular list whose
 *             head becomes the successor of any member taken out;
 *   walk    = from the head (taken out first): stack of (module, parent), a module's
 *             dependencies pushed in import order so the last import is popped first,
 *             modules expanded again on every path; popping the root again prints
 *             that path and takes its modules out, in path order;
 *   visited = for good: a marked root later prints its name alone;
 *   leaves  = taken out when expanded.
 * Each derivation below lists the stack (top last) and the list (head first).
 */

struct graph_node {
	const char *name;
	const char *imports; /* space-separated module names it uses a symbol of */
};

/* Builds one module per node: each exports "<name>_fn" and imports "<dep>_fn". */
static void mk_graph(struct depmod *d, const struct graph_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char **exp = test_keep(calloc(1, sizeof(char *)));
		char **imp = test_keep(calloc(16, sizeof(char *)));
		char *list = test_keep(strdup(nodes[i].imports));
		size_t n_imp = 0;

		exp[0] = test_keep(malloc(strlen(nodes[i].name) + 4));
		sprintf(exp[0], "%s_fn", nodes[i].name);
		for (char *sv = NULL, *t = strtok_r(list, " ", &sv);
		     t != NULL && n_imp < 16; t = strtok_r(NULL, " ", &sv)) {
			imp[n_imp] = test_keep(malloc(strlen(t) + 4));
			sprintf(imp[n_imp++], "%s_fn", t);
		}
		mk(d, nodes[i].name, (const char *const *)exp, 1,
		   (const char *const *)imp, n_imp);
	}
}

/*
 * Runs the resolve stage with stderr going to a file; returns its ERROR messages'
 * texts, one per line, and the stage's result in *ret.
 */
static char *resolve_errors(struct depmod *d, int *ret)
{
	char *path = test_keep(malloc(strlen(test_tmpdir()) + 8));
	char *data, *out, *o;
	size_t len;
	int fd, saved;

	sprintf(path, "%s/err", test_tmpdir());
	log_set_priority(LOG_WARNING);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (saved < 0 || fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		return NULL;
	close(fd);
	*ret = depmod_resolve(d);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	if (test_read_file(path, &data, &len) < 0)
		return NULL;
	out = o = test_keep(calloc(1, len + 1));
	for (char *sv = NULL, *l = strtok_r(data, "\n", &sv); l != NULL;
	     l = strtok_r(NULL, "\n", &sv)) {
		char *msg = strstr(l, ": ERROR: ");

		if (msg != NULL)
			o += sprintf(o, "%s\n", msg + strlen(": ERROR: "));
	}
	free(data);
	return out;
}

#define CHECK_CYCLES(nodes, expected)                   \
	do {                                            \
		struct depmod d;                        \
		const char *got;                        \
		int ret = 0;                            \
                                                        \
		setup(&d);                              \
		mk_graph(&d, nodes, ARRAY_SIZE(nodes)); \
		got = resolve_errors(&d, &ret);         \
		CHECK_INT_EQ(ret, -ELOOP);              \
		CHECK_STR_EQ(got, expected);            \
		depmod_release(&d);                     \
	} while (0)

TEST(cycles_head_moves_to_successor)
{
	/*
	 * Cycles {a,d}, {c,e}, {b,f}. list a b c d e f.
	 * root a (list b c d e f): [a] -> a: push d; d: push a; a again: "a -> d -> a";
	 *   take a (gone), d: head = e (list e f b c).
	 * root e (list f b c): e: push c; c: push e; e again: "e -> c -> e"; take c:
	 *   head = f (list f b).
	 * root f (list b): f: push b; b: push f; "f -> b -> f"; take b: list empty.
	 * In plain index order the second line would have started at b.
	 */
	static const struct graph_node g[] = {
		{ "a", "d" }, { "b", "f" }, { "c", "e" },
		{ "d", "a" }, { "e", "c" }, { "f", "b" },
	};

	CHECK_CYCLES(g, "Cycle detected: a -> d -> a\n"
			"Cycle detected: e -> c -> e\n"
			"Cycle detected: f -> b -> f\n"
			"Found 6 modules in dependency cycles!\n");
	return 0;
}

TEST(cycles_one_of_three_with_user_and_leaf)
{
	/*
	 * u uses the cycle x -> y -> z -> x and is numbered (it has no users); z also
	 * needs the leaf w, which stays unnumbered. list x y z w.
	 * root x (list y z w): x: push y; y: push z; z: push x, w; w (leaf): take w,
	 *   head = y (list y z); x again: "x -> y -> z -> x"; take y, z: list empty.
	 * N = 3: the leaf is not on the printed path.
	 */
	static const struct graph_node g[] = {
		{ "u", "x" }, { "x", "y" }, { "y", "z" }, { "z", "x w" }, { "w", "" },
	};

	CHECK_CYCLES(g, "Cycle detected: x -> y -> z -> x\n"
			"Found 3 modules in dependency cycles!\n");
	return 0;
}

TEST(cycles_every_path_back_last_import_first)
{
	/*
	 * r imports x then y; y needs x; x needs r. list r x y.
	 * root r (list x y): r: push x, y; y: push x; x: push r; r again:
	 *   "r -> y -> x -> r", take y, x (list empty); x (pushed by r) expanded
	 *   again: push r; r again: "r -> x -> r". N = 3.
	 */
	static const struct graph_node g[] = {
		{ "r", "x y" },
		{ "x", "r" },
		{ "y", "x" },
	};

	CHECK_CYCLES(g, "Cycle detected: r -> y -> x -> r\n"
			"Cycle detected: r -> x -> r\n"
			"Found 3 modules in dependency cycles!\n");
	return 0;
}

TEST(cycles_needed_module_reported_alone)
{
	/*
	 * u uses p; p <-> q; q also needs m, m needs the leaf l. u is numbered;
	 * list p q m l.
	 * root p (list q m l): p: push q; q: push p, m; m: push l; l (leaf): take l,
	 *   head = q (list q m); p again: "p -> q -> p"; take q: head = m (list m).
	 * root m: already visited by p's walk and on no cycle: "m" alone, N stays 2.
	 */
	static const struct graph_node g[] = {
		{ "u", "p" }, { "p", "q" }, { "q", "p m" }, { "m", "l" }, { "l", "" },
	};

	CHECK_CYCLES(g, "Cycle detected: p -> q -> p\n"
			"Cycle detected: m\n"
			"Found 2 modules in dependency cycles!\n");
	return 0;
}

TEST(cycles_chained_terminate)
{
	/*
	 * p <-> q, q -> r, r <-> s: kmod's walk from p goes round r <-> s forever.
	 * modkit: r and s cannot reach p, so each is expanded once. list p q r s.
	 * root p (list q r s): p: push q; q: push p, r; r: push s; s: push r; r: done
	 *   already; p again: "p -> q -> p"; take q: head = r (list r s).
	 * root r: marked by p's walk but on a cycle, so walked: r: push s; s: push r;
	 *   "r -> s -> r"; take s: list empty. N = 4.
	 */
	static const struct graph_node g[] = {
		{ "p", "q" },
		{ "q", "p r" },
		{ "r", "s" },
		{ "s", "r" },
	};

	CHECK_CYCLES(g, "Cycle detected: p -> q -> p\n"
			"Cycle detected: r -> s -> r\n"
			"Found 4 modules in dependency cycles!\n");
	return 0;
}

TEST(cycles_overlapping_terminate)
{
	/*
	 * a <-> b and b <-> c: kmod's walk from a goes round b <-> c forever. modkit:
	 * the component of the root, root aside, has a cycle, so every module is
	 * expanded once in that walk. list a b c.
	 * root a (list b c): a: push b; b: push a, c; c: push b; b: done; a again:
	 *   "a -> b -> a"; take b: head = c (list c).
	 * root c: walked (on a cycle): c: push b; b: push a, c; c again:
	 *   "c -> b -> c"; a: push b; b: done. N = 3.
	 */
	static const struct graph_node g[] = {
		{ "a", "b" },
		{ "b", "a c" },
		{ "c", "b" },
	};

	CHECK_CYCLES(g, "Cycle detected: a -> b -> a\n"
			"Cycle detected: c -> b -> c\n"
			"Found 3 modules in dependency cycles!\n");
	return 0;
}

static int cmp_expected_order(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	unsigned int ha = hash_superfast(a, strlen(a)) & 2047;
	unsigned int hb = hash_superfast(b, strlen(b)) & 2047;

	if (ha != hb)
		return ha < hb ? -1 : 1;
	return strcmp(a, b);
}

TEST(symbols_in_2048_bucket_order)
{
	static const char *names[] = { "alpha",	  "beta",  "gamma", "delta",
				       "epsilon", "zeta",  "eta",   "theta",
				       "iota",	  "kappa", "fuse",  "x_tables" };
	const char *expected[ARRAY_SIZE(names)];
	struct depmod_symbol **list;
	struct depmod d;
	size_t n;

	setup(&d);
	mk(&d, "owner", names, ARRAY_SIZE(names), NULL, 0);
	CHECK_INT_EQ(depmod_resolve(&d), 0);
	CHECK_INT_EQ(depmod_symbols_sorted(&d, &list, &n), 0);
	CHECK_INT_EQ(n, ARRAY_SIZE(names));
	memcpy(expected, names, sizeof(names));
	qsort(expected, ARRAY_SIZE(expected), sizeof(expected[0]), cmp_expected_order);
	for (size_t i = 0; i < n; i++)
		CHECK_STR_EQ(list[i]->name, expected[i]);
	free(list);
	depmod_release(&d);
	return 0;
}

/* -E and -F through one call: which file it was, the kernel's symbols (vmlinux rows
 * of Module.symvers with their CRC; __ksymtab_ entries of System.map), -P applied. */
TEST(kernel_symbols_symvers_and_system_map)
{
	char *symvers = test_keep(malloc(strlen(test_tmpdir()) + 20));
	char *sysmap = test_keep(malloc(strlen(test_tmpdir()) + 20));
	const struct depmod_symbol *sym;
	struct depmod d;

	sprintf(symvers, "%s/Module.symvers", test_tmpdir());
	sprintf(sysmap, "%s/System.map", test_tmpdir());
	CHECK_INT_EQ(test_write_str(symvers,
				    "0x0000abcd\t_printk\tvmlinux\tEXPORT_SYMBOL\n"
				    "0x00001234\t_other\tdrivers/x\tEXPORT_SYMBOL\n"),
		     0);
	CHECK_INT_EQ(test_write_str(sysmap, "ffffffff81000000 r __ksymtab_kfree\n"
					    "ffffffff81000010 T kmalloc\n"),
		     0);

	setup(&d);
	d.sym_prefix = '_';
	CHECK_INT_EQ(depmod_load_kernel_symbols(&d, symvers, sysmap), 0);
	CHECK_INT_EQ(d.kernel_symbols_kind, 'E');
	CHECK_STR_EQ(d.kernel_symbols_file, symvers);
	sym = hash_find(d.symbols, "printk");
	CHECK(sym != NULL);
	CHECK(sym->owner == NULL);
	CHECK_INT_EQ(sym->crc, 0xabcd);
	CHECK(hash_find(d.symbols, "other") == NULL);
	depmod_release(&d);

	setup(&d);
	CHECK_INT_EQ(depmod_load_kernel_symbols(&d, NULL, sysmap), 0);
	CHECK_INT_EQ(d.kernel_symbols_kind, 'F');
	CHECK(hash_find(d.symbols, "kfree") != NULL);
	CHECK(hash_find(d.symbols, "kmalloc") == NULL);
	depmod_release(&d);

	setup(&d);
	CHECK_INT_EQ(depmod_load_kernel_symbols(&d, NULL, NULL), 0);
	CHECK_INT_EQ(d.kernel_symbols_kind, 0);
	CHECK(d.symbols == NULL);
	depmod_release(&d);
	return 0;
}

TEST_MAIN();
