// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The public list type: circular and doubly linked, so that append, prepend and
 * "last" are O(1). A list is named by its head entry; NULL is the empty list.
 */
#include <stdlib.h>

#include "list.h"
#include "macro.h"

static inline struct kmod_list *node_to_list(struct list_node *n)
{
	return container_of(n, struct kmod_list, node);
}

static struct kmod_list *list_entry_new(const void *data)
{
	struct kmod_list *e = malloc(sizeof(*e));

	if (e == NULL)
		return NULL;
	e->data = (void *)data;
	e->node.next = e->node.prev = &e->node;
	return e;
}

/* Links n right before pos. */
static void node_link_before(struct list_node *pos, struct list_node *n)
{
	n->next = pos;
	n->prev = pos->prev;
	pos->prev->next = n;
	pos->prev = n;
}

static void node_unlink(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

struct kmod_list *kmod_list_append(struct kmod_list *list, const void *data)
{
	struct kmod_list *e = list_entry_new(data);

	if (e == NULL)
		return NULL;
	if (list == NULL)
		return e;
	node_link_before(&list->node, &e->node);
	return list;
}

struct kmod_list *kmod_list_prepend(struct kmod_list *list, const void *data)
{
	struct kmod_list *e = list_entry_new(data);

	if (e == NULL)
		return NULL;
	if (list != NULL)
		node_link_before(&list->node, &e->node);
	return e;
}

struct kmod_list *kmod_list_append_list(struct kmod_list *list1, struct kmod_list *list2)
{
	struct list_node *last1, *last2;

	if (list1 == NULL)
		return list2;
	if (list2 == NULL)
		return list1;
	last1 = list1->node.prev;
	last2 = list2->node.prev;
	last1->next = &list2->node;
	list2->node.prev = last1;
	last2->next = &list1->node;
	list1->node.prev = last2;
	return list1;
}

/* Removes the entry 'list' points to; returns the new head of its list. */
struct kmod_list *kmod_list_remove(struct kmod_list *list)
{
	struct list_node *next;

	if (list == NULL)
		return NULL;
	next = list->node.next;
	if (next == &list->node) {
		free(list);
		return NULL;
	}
	node_unlink(&list->node);
	free(list);
	return node_to_list(next);
}

struct kmod_list *kmod_list_remove_data(struct kmod_list *list, const void *data)
{
	struct kmod_list *it;

	kmod_list_foreach (it, list) {
		if (it->data == data) {
			if (it == list)
				return kmod_list_remove(it);
			kmod_list_remove(it);
			return list;
		}
	}
	return list;
}

struct kmod_list *kmod_list_remove_n_latest(struct kmod_list *list, unsigned int n)
{
	while (list != NULL && n-- > 0) {
		struct kmod_list *last = kmod_list_last(list);

		if (last == list)
			return kmod_list_remove(list);
		kmod_list_remove(last);
	}
	return list;
}

void kmod_list_free(struct kmod_list *list)
{
	while (list != NULL)
		list = kmod_list_remove(list);
}

size_t kmod_list_count(const struct kmod_list *list)
{
	const struct kmod_list *it;
	size_t n = 0;

	kmod_list_foreach (it, list)
		n++;
	return n;
}

KMOD_EXPORT struct kmod_list *kmod_list_next(const struct kmod_list *list,
					     const struct kmod_list *curr)
{
	if (list == NULL || curr == NULL)
		return NULL;
	if (curr->node.next == &list->node)
		return NULL;
	return node_to_list(curr->node.next);
}

KMOD_EXPORT struct kmod_list *kmod_list_prev(const struct kmod_list *list,
					     const struct kmod_list *curr)
{
	if (list == NULL || curr == NULL)
		return NULL;
	if (curr == list)
		return NULL;
	return node_to_list(curr->node.prev);
}

KMOD_EXPORT struct kmod_list *kmod_list_last(const struct kmod_list *list)
{
	if (list == NULL)
		return NULL;
	return node_to_list(list->node.prev);
}
