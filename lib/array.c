// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

void array_init(struct array *arr, size_t step)
{
	arr->array = NULL;
	arr->count = 0;
	arr->total = 0;
	arr->step = step ? step : 16;
}

static int array_grow(struct array *arr)
{
	size_t total;
	void **tmp;

	if (arr->count < arr->total)
		return 0;
	if (__builtin_add_overflow(arr->total, arr->step, &total) ||
	    total > SIZE_MAX / sizeof(void *))
		return -ENOMEM;
	tmp = realloc(arr->array, total * sizeof(void *));
	if (tmp == NULL)
		return -ENOMEM;
	arr->array = tmp;
	arr->total = total;
	/* Grow geometrically so that appends stay amortised O(1). */
	if (arr->step < 4096)
		arr->step *= 2;
	return 0;
}

ssize_t array_append(struct array *arr, const void *element)
{
	int r = array_grow(arr);

	if (r < 0)
		return r;
	arr->array[arr->count] = (void *)element;
	return arr->count++;
}

ssize_t array_append_unique(struct array *arr, const void *element)
{
	for (size_t i = 0; i < arr->count; i++) {
		if (arr->array[i] == element)
			return i;
	}
	return array_append(arr, element);
}

void array_pop(struct array *arr)
{
	if (arr->count > 0)
		arr->count--;
}

void array_free_array(struct array *arr)
{
	free(arr->array);
	arr->array = NULL;
	arr->count = 0;
	arr->total = 0;
}

void array_sort(struct array *arr, int (*cmp)(const void *a, const void *b))
{
	if (arr->count > 1)
		qsort(arr->array, arr->count, sizeof(void *), cmp);
}

int array_remove_at(struct array *arr, size_t pos)
{
	if (pos >= arr->count)
		return -ENOENT;
	arr->count--;
	memmove(arr->array + pos, arr->array + pos + 1,
		(arr->count - pos) * sizeof(void *));
	return 0;
}
