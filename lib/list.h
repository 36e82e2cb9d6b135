/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers. May use: the C library, libkmod.h (for the public list type and
 * its iterators), macro.h.
 *
 * The inside of the public struct kmod_list: a circular doubly linked list whose
 * head is the first element (head->prev is the last one). Invariants: a list never
 * owns its data; every function that changes a list returns its (possibly new)
 * head, and on allocation failure returns NULL and leaves the list as it was.
 */

#include <stddef.h>

#include "libkmod.h"

struct list_node {
	struct list_node *next, *prev;
};

struct kmod_list {
	struct list_node node;
	void *data;
};

struct kmod_list *kmod_list_append(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_prepend(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_remove(struct kmod_list *list);
struct kmod_list *kmod_list_remove_data(struct kmod_list *list, const void *data);
struct kmod_list *kmod_list_remove_n_latest(struct kmod_list *list, unsigned int n);
struct kmod_list *kmod_list_append_list(struct kmod_list *list1, struct kmod_list *list2);
/* Frees the list nodes (not the data). */
void kmod_list_free(struct kmod_list *list);
size_t kmod_list_count(const struct kmod_list *list);

/* Iterates where the loop body may remove curr. */
#define kmod_list_foreach_safe(curr, tmp, list)                               \
	for (curr = (list), tmp = kmod_list_next((list), curr); curr != NULL; \
	     curr = tmp, tmp = kmod_list_next((list), curr))
