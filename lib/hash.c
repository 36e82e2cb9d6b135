// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

struct hash_entry {
	const char *key;
	const void *value;
};

struct hash_bucket {
	struct hash_entry *entries;
	unsigned int used;
	unsigned int total;
};

struct hash {
	unsigned int count;
	unsigned int n_buckets; /* power of two */
	void (*free_value)(void *value);
	struct hash_bucket buckets[];
};

struct hash *hash_new(unsigned int n_buckets, void (*free_value)(void *value))
{
	unsigned int n = 16;
	struct hash *hash;

	while (n < n_buckets && n < (1U << 24))
		n <<= 1;
	hash = calloc(1, sizeof(*hash) + n * sizeof(struct hash_bucket));
	if (hash == NULL)
		return NULL;
	hash->n_buckets = n;
	hash->free_value = free_value;
	return hash;
}

void hash_free(struct hash *hash)
{
	if (hash == NULL)
		return;
	for (unsigned int b = 0; b < hash->n_buckets; b++) {
		struct hash_bucket *bucket = &hash->buckets[b];

		if (hash->free_value) {
			for (unsigned int i = 0; i < bucket->used; i++)
				hash->free_value((void *)bucket->entries[i].value);
		}
		free(bucket->entries);
	}
	free(hash);
}

static struct hash_bucket *hash_bucket_of(const struct hash *hash, const char *key)
{
	uint32_t h = hash_superfast(key, strlen(key));

	return (struct hash_bucket *)&hash->buckets[h & (hash->n_buckets - 1)];
}

static struct hash_entry *bucket_find(const struct hash_bucket *bucket, const char *key)
{
	for (unsigned int i = 0; i < bucket->used; i++) {
		if (streq(bucket->entries[i].key, key))
			return &bucket->entries[i];
	}
	return NULL;
}

static int hash_insert(struct hash *hash, const char *key, const void *value,
		       bool replace)
{
	struct hash_bucket *bucket = hash_bucket_of(hash, key);
	struct hash_entry *entry = bucket_find(bucket, key);

	if (entry != NULL) {
		if (!replace)
			return -EEXIST;
		if (hash->free_value && entry->value != value)
			hash->free_value((void *)entry->value);
		entry->key = key;
		entry->value = value;
		return 0;
	}
	if (bucket->used == bucket->total) {
		unsigned int total = bucket->total ? bucket->total * 2 : 4;
		struct hash_entry *tmp = realloc(bucket->entries, total * sizeof(*tmp));

		if (tmp == NULL)
			return -ENOMEM;
		bucket->entries = tmp;
		bucket->total = total;
	}
	bucket->entries[bucket->used].key = key;
	bucket->entries[bucket->used].value = value;
	bucket->used++;
	hash->count++;
	return 0;
}

int hash_add(struct hash *hash, const char *key, const void *value)
{
	return hash_insert(hash, key, value, true);
}

int hash_add_unique(struct hash *hash, const char *key, const void *value)
{
	return hash_insert(hash, key, value, false);
}

void *hash_find(const struct hash *hash, const char *key)
{
	struct hash_entry *entry = bucket_find(hash_bucket_of(hash, key), key);

	return entry ? (void *)entry->value : NULL;
}

int hash_del(struct hash *hash, const char *key)
{
	struct hash_bucket *bucket = hash_bucket_of(hash, key);
	struct hash_entry *entry = bucket_find(bucket, key);

	if (entry == NULL)
		return -ENOENT;
	if (hash->free_value)
		hash->free_value((void *)entry->value);
	*entry = bucket->entries[bucket->used - 1];
	bucket->used--;
	hash->count--;
	return 0;
}

unsigned int hash_get_count(const struct hash *hash)
{
	return hash->count;
}

void hash_iter_init(const struct hash *hash, struct hash_iter *iter)
{
	iter->hash = hash;
	iter->bucket = 0;
	iter->entry = -1;
}

bool hash_iter_next(struct hash_iter *iter, const char **key, const void **value)
{
	const struct hash *hash = iter->hash;

	iter->entry++;
	while (iter->bucket < hash->n_buckets) {
		const struct hash_bucket *bucket = &hash->buckets[iter->bucket];

		if ((unsigned int)iter->entry < bucket->used) {
			if (key)
				*key = bucket->entries[iter->entry].key;
			if (value)
				*value = bucket->entries[iter->entry].value;
			return true;
		}
		iter->bucket++;
		iter->entry = 0;
	}
	return false;
}
