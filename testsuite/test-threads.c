// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library keeps no global mutable state: four threads, each with its own
 * context on the same tree, run lookups concurrently and must all get the answers
 * the fixture tables of core-fixture.h define (run under ASan/UBSan too).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core-fixture.h"

#define N_THREADS 4
#define ROUNDS 200

static const struct {
	const char *query;
	const char *names;
	const char *deps; /* of the first module found */
} cases[] = {
	{ "foo", "foo", "baz bar" },
	{ "dash-mod", "dash_mod", "" },
	{ "usb:v123", "bar baz", "baz" },
	{ "twice", "baz baz", "" },
	{ "symbol:bar_fn", "bar", "baz" },
	{ "bi_alias", "bi_mod", "" },
	{ "acpi:PNP0C09:", "bi_other", "" },
	{ "myalias", "foo", "baz bar" },
	{ "nothing", "", "" },
};

struct worker {
	pthread_t thread;
	const struct fx_tree *tree;
	int index;
	int failures;
	char first_failure[512];
};

static atomic_int start_line;

static void fail(struct worker *w, const char *what, const char *q, const char *got)
{
	/* a longer description is cut: it only introduces the failure */
	if (w->failures++ == 0 &&
	    snprintf(w->first_failure, sizeof(w->first_failure), "%s '%s': got '%s'",
		     what, q, got) >= (int)sizeof(w->first_failure))
		w->first_failure[sizeof(w->first_failure) - 1] = '\0';
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct fx_log log = { .len = 0 };

	/* start together to maximise overlap */
	atomic_fetch_add(&start_line, 1);
	while (atomic_load(&start_line) < N_THREADS)
		;

	for (int round = 0; round < ROUNDS; round++) {
		struct kmod_ctx *ctx = fx_ctx(w->tree);

		if (ctx == NULL) {
			fail(w, "kmod_new", "", "NULL");
			break;
		}
		kmod_set_log_fn(ctx, fx_log_fn, &log);
		/* half of the threads map the indexes, the others open them per lookup */
		if (w->index % 2 == 0 && kmod_load_resources(ctx) < 0)
			fail(w, "load", "", "error");
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			size_t c = (i + w->index + round) % ARRAY_SIZE(cases);
			struct kmod_list *list = NULL, *deps;

			if (kmod_module_new_from_lookup(ctx, cases[c].query, &list) < 0) {
				fail(w, "lookup", cases[c].query, "error");
				continue;
			}
			if (!streq(fx_names(list), cases[c].names))
				fail(w, "lookup", cases[c].query, fx_names(list));
			deps = list ? kmod_module_get_dependencies(list->data) : NULL;
			if (!streq(fx_names(deps), cases[c].deps))
				fail(w, "deps", cases[c].query, fx_names(deps));
			if (list != NULL && streq(cases[c].query, "myalias") &&
			    !streq(kmod_module_get_options(list->data), "o=1"))
				fail(w, "options", cases[c].query, "?");
			kmod_module_unref_list(deps);
			kmod_module_unref_list(list);
		}
		kmod_unref(ctx);
	}
	if (log.len != 0)
		fail(w, "log", "", log.buf);
	return NULL;
}

TEST(four_contexts_in_parallel)
{
	struct fx_tree t;
	struct worker w[N_THREADS];

	CHECK_INT_EQ(fx_tree_init(&t, "alias myalias foo\noptions myalias o=1\n"), 0);
	for (int i = 0; i < N_THREADS; i++) {
		w[i] = (struct worker){ .tree = &t, .index = i };
		CHECK_INT_EQ(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < N_THREADS; i++)
		CHECK_INT_EQ(pthread_join(w[i].thread, NULL), 0);
	for (int i = 0; i < N_THREADS; i++)
		CHECK_MSG(w[i].failures == 0, "thread %d: %d failures, first: %s", i,
			  w[i].failures, w[i].first_failure);
	return 0;
}

TEST_MAIN()
