/*
 * AST -> JSON, driven by the kind table: every node becomes
 *   {"kind", "line", "column", ["text"], ["value"], [flag booleans], slots..., [list]}
 * Absent slots are JSON null, so the shape of a kind never varies.
 */
#include "cm/lang/ast.h"

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{CM_AST_F_VIRTUAL, "virtual"},           {CM_AST_F_EXPORTED, "exported"},
	{CM_AST_F_APPEND, "append"},             {CM_AST_F_CAPTURES_REST, "captures_rest"},
	{CM_AST_F_STATEMENT_CALL, "statement_call"},
};

static void dump_value(const struct cm_ast_node *n, json_t *o)
{
	switch (n->kind) {
	case CM_AST_INTEGER:
		json_object_set_new(o, "value", json_integer(n->value.integer));
		break;
	case CM_AST_FLOAT:
		json_object_set_new(o, "value", json_real(n->value.number));
		break;
	case CM_AST_BOOLEAN:
		json_object_set_new(o, "value", json_boolean(n->value.boolean));
		break;
	default:
		if (n->text != NULL)
			json_object_set_new(o, "text", json_stringn_nocheck(n->text, n->text_len));
		break;
	}
}

json_t *cm_ast_node_to_json(const struct cm_ast_node *n)
{
	const struct cm_ast_kind_info *info;
	json_t *o;

	if (n == NULL)
		return json_null();
	info = cm_ast_kind_info(n->kind);
	o = json_object();
	json_object_set_new(o, "kind", json_string(info ? info->name : "?"));
	json_object_set_new(o, "line", json_integer(n->line));
	json_object_set_new(o, "column", json_integer(n->column));
	dump_value(n, o);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (n->flags & flag_names[i].flag)
			json_object_set_new(o, flag_names[i].name, json_true());
	if (info == NULL)
		return o;
	for (unsigned i = 0; i < info->nslots; i++)
		json_object_set_new(o, info->slots[i], cm_ast_node_to_json(cm_ast_slot(n, i)));
	if (info->list != NULL) {
		json_t *arr = json_array();
		size_t count;
		struct cm_ast_node **items = cm_ast_list(n, &count);

		for (size_t i = 0; i < count; i++)
			json_array_append_new(arr, cm_ast_node_to_json(items[i]));
		json_object_set_new(o, info->list, arr);
	}
	return o;
}

json_t *cm_ast_to_json(const struct cm_ast *ast)
{
	json_t *o;

	if (ast == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "file", json_string(ast->file ? ast->file : ""));
	json_object_set_new(o, "root", cm_ast_node_to_json(ast->root));
	return o;
}
