/*
 * Per-parse arena: a chain of blocks; big requests get a block of their own.
 * Invariant: `used <= size` in every block; only the head block is bumped.
 */
#include "cm/lang/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (64 * 1024)
#define ARENA_ALIGN (sizeof(max_align_t))

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	max_align_t data[];
};

struct cm_arena {
	struct arena_block *head;
};

static void *arena_xcalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL) {
		fprintf(stderr, "cm arena: out of memory\n");
		abort();
	}
	return p;
}

struct cm_arena *cm_arena_new(void)
{
	return arena_xcalloc(sizeof(struct cm_arena));
}

void cm_arena_free(struct cm_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

static struct arena_block *arena_block_new(size_t size)
{
	struct arena_block *b = arena_xcalloc(sizeof(*b) + size);

	b->size = size;
	return b;
}

void *cm_arena_alloc(struct cm_arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need = (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
	void *p;

	if (need == 0)
		need = ARENA_ALIGN;
	if (need > ARENA_BLOCK_SIZE / 4) {
		/* Large: its own block, linked behind the head so the head keeps filling. */
		struct arena_block *big = arena_block_new(need);

		big->used = need;
		if (b == NULL)
			a->head = big;
		else {
			big->next = b->next;
			b->next = big;
		}
		return big->data;
	}
	if (b == NULL || b->size - b->used < need) {
		b = arena_block_new(ARENA_BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *cm_arena_strndup(struct cm_arena *a, const char *s, size_t len)
{
	char *p = cm_arena_alloc(a, len + 1);

	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
