/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: helpers. May use: the C library.
 *
 * String-keyed hash table with chaining. Keys are not copied: a key must live as
 * long as its entry (usually it points into the value). Values are freed with the
 * free_value callback given at creation, when replaced, deleted or at hash_free().
 */

#include <stdbool.h>

struct hash;

struct hash_iter {
	const struct hash *hash;
	unsigned int bucket;
	int entry;
};

struct hash *hash_new(unsigned int n_buckets, void (*free_value)(void *value));
void hash_free(struct hash *hash);
/* Inserts or replaces. Returns 0 or -ENOMEM. */
int hash_add(struct hash *hash, const char *key, const void *value);
/* Inserts only if absent: -EEXIST otherwise. */
int hash_add_unique(struct hash *hash, const char *key, const void *value);
void *hash_find(const struct hash *hash, const char *key);
/* Removes (and frees the value of) key; -ENOENT if absent. */
int hash_del(struct hash *hash, const char *key);
unsigned int hash_get_count(const struct hash *hash);
void hash_iter_init(const struct hash *hash, struct hash_iter *iter);
bool hash_iter_next(struct hash_iter *iter, const char **key, const void **value);
