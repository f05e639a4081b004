/*
 * Per-parse memory arena: many small allocations, one free.
 *
 * Every token, string and AST node of one parse lives in one arena; the parse
 * result owns it and cm_ast_free() releases everything at once. Blocks are
 * chained; an allocation never moves. Allocation failure aborts the process
 * (the parser cannot make progress without memory and inputs are bounded).
 */
#ifndef OVCP_CM_LANG_ARENA_H
#define OVCP_CM_LANG_ARENA_H

#include <stddef.h>

struct cm_arena;

struct cm_arena *cm_arena_new(void);
void cm_arena_free(struct cm_arena *a); /* NULL is a no-op */
/* Zeroed, aligned for any type. */
void *cm_arena_alloc(struct cm_arena *a, size_t size);
/* Copy of s[0..len) with a terminating NUL. */
char *cm_arena_strndup(struct cm_arena *a, const char *s, size_t len);

#endif
