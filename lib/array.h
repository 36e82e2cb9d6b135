/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers. May use: the C library.
 *
 * A growable array of pointers. Invariant: count <= total. The array does not own
 * the pointed-to elements.
 */

#include <stddef.h>
#include <sys/types.h>

struct array {
	void **array;
	size_t count;
	size_t total;
	size_t step;
};

void array_init(struct array *arr, size_t step);
/* Returns the index of the new element, or -ENOMEM. */
ssize_t array_append(struct array *arr, const void *element);
/* Appends only if not already present (pointer comparison); returns its index. */
ssize_t array_append_unique(struct array *arr, const void *element);
void array_pop(struct array *arr);
void array_free_array(struct array *arr);
void array_sort(struct array *arr, int (*cmp)(const void *a, const void *b));
int array_remove_at(struct array *arr, size_t pos);
