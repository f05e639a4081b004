/*
 * AST kind table and node construction. The table in ast.h is the single
 * description of every node shape; the dumper and the evaluator read it.
 */
#include "cm/lang/ast.h"

#include <string.h>

#include "cm/lang/arena.h"

#define KIND_ROW(e, n, l, ns, s0, s1, s2) {n, ns, {s0, s1, s2}, l},
static const struct cm_ast_kind_info kind_infos[CM_AST_KIND_COUNT] = {CM_AST_KINDS(KIND_ROW)};
#undef KIND_ROW

const struct cm_ast_kind_info *cm_ast_kind_info(enum cm_ast_kind kind)
{
	if ((unsigned)kind >= CM_AST_KIND_COUNT)
		return NULL;
	return &kind_infos[kind];
}

const char *cm_ast_kind_name(enum cm_ast_kind kind)
{
	if ((unsigned)kind >= CM_AST_KIND_COUNT)
		return "?";
	return kind_infos[kind].name;
}

struct cm_ast_node *cm_ast_slot(const struct cm_ast_node *n, unsigned i)
{
	const struct cm_ast_kind_info *info = cm_ast_kind_info(n->kind);

	if (info == NULL || i >= info->nslots || i >= n->nkids)
		return NULL;
	return n->kids[i];
}

struct cm_ast_node **cm_ast_list(const struct cm_ast_node *n, size_t *count)
{
	const struct cm_ast_kind_info *info = cm_ast_kind_info(n->kind);

	*count = 0;
	if (info == NULL || info->list == NULL || n->nkids <= info->nslots)
		return NULL;
	*count = n->nkids - info->nslots;
	return n->kids + info->nslots;
}

void cm_ast_free(struct cm_ast *ast)
{
	if (ast == NULL)
		return;
	/* The handle itself lives in its own arena. */
	cm_arena_free(ast->arena);
}

struct cm_ast_node *cm_ast_node_new(struct cm_arena *a, enum cm_ast_kind kind, int line, int column)
{
	struct cm_ast_node *n = cm_arena_alloc(a, sizeof(*n));
	unsigned nslots = cm_ast_kind_info(kind)->nslots;

	n->kind = kind;
	n->line = line;
	n->column = column;
	if (nslots > 0) {
		n->kids_cap = nslots + 2;
		n->kids = cm_arena_alloc(a, n->kids_cap * sizeof(*n->kids));
		n->nkids = nslots;
	}
	return n;
}

void cm_ast_set_slot(struct cm_ast_node *n, unsigned i, struct cm_ast_node *kid)
{
	if (i < n->nkids && i < cm_ast_kind_info(n->kind)->nslots)
		n->kids[i] = kid;
}

void cm_ast_append(struct cm_arena *a, struct cm_ast_node *n, struct cm_ast_node *kid)
{
	if (n->nkids == n->kids_cap) {
		size_t cap = n->kids_cap ? n->kids_cap * 2 : 4;
		struct cm_ast_node **kids = cm_arena_alloc(a, cap * sizeof(*kids));

		if (n->nkids > 0)
			memcpy(kids, n->kids, n->nkids * sizeof(*kids));
		n->kids = kids;
		n->kids_cap = cap;
	}
	n->kids[n->nkids++] = kid;
}
