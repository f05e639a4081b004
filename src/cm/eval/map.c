/*
 * A string-keyed open-addressing map in the compile arena: variables,
 * definitions, the resource index. Keys are borrowed (arena strings);
 * there is no removal. Capacity doubles at half load.
 */
#include <stdint.h>
#include <string.h>

#include "cm/eval/eval.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void *cm_map_get(const struct cm_map *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == NULL)
			return NULL;
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	}
}

static void map_insert(struct cm_map *m, const char *key, void *val)
{
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == NULL) {
			m->keys[i] = key;
			m->vals[i] = val;
			m->n++;
			return;
		}
		if (strcmp(m->keys[i], key) == 0) {
			m->vals[i] = val;
			return;
		}
	}
}

void cm_map_put(struct cm_ctx *c, struct cm_map *m, const char *key, void *val)
{
	if (2 * (m->n + 1) > m->cap) {
		struct cm_map old = *m;

		m->cap = old.cap ? old.cap * 2 : 8;
		m->n = 0;
		m->keys = cm_arena_alloc(c->arena, m->cap * sizeof(char *));
		m->vals = cm_arena_alloc(c->arena, m->cap * sizeof(void *));
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i] != NULL)
				map_insert(m, old.keys[i], old.vals[i]);
	}
	map_insert(m, key, val);
}
