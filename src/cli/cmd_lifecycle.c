/*
 * CLASS-create and CLASS-destroy for the classes whose model has the
 * generic create/destroy calls. Both run as Async calls (a task, with a
 * progress bar on a terminal). create builds the full record the server
 * expects: the fields given as FIELD=VALUE (and MAP:KEY=VALUE), the model's
 * declared default for the others, else the type's empty value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static json_t *empty_value(const struct xtype *t)
{
	switch (t->kind) {
	case XT_INT:
		return json_integer(0);
	case XT_FLOAT:
		return json_real(0);
	case XT_BOOL:
		return json_false();
	case XT_DATETIME:
		return json_string("19700101T00:00:00Z");
	case XT_ENUM: {
		const struct model_enum *e = t->enumeration ? t->enumeration : model_enum_find(t->name);
		return json_string(e && e->values[0] ? e->values[0] : "");
	}
	case XT_REF:
		return json_string("OpaqueRef:NULL");
	case XT_SET:
		return json_array();
	case XT_MAP:
		return json_object();
	default:
		return json_string("");
	}
}

/* The model's default literal as a value; the type's empty value when it has none or it is not simple. */
static json_t *default_value(const struct model_field *f)
{
	const char *d = f->default_text;
	size_t n = d ? strlen(d) : 0;
	int status;

	if (d == NULL || strcmp(d, "{}") == 0 || strcmp(d, "Null") == 0)
		return empty_value(f->type);
	if (f->type->kind == XT_STRING && n >= 2 && d[0] == '"' && d[n - 1] == '"')
		return json_stringn(d + 1, n - 2);
	if (f->type->kind == XT_SET || f->type->kind == XT_MAP || f->type->kind == XT_REF)
		return empty_value(f->type);
	json_t *v = fields_parse(NULL, f->type, d, f->name, &status);
	return v ? v : empty_value(f->type);
}

static int record_build(struct cli_ctx *ctx, json_t *record)
{
	char cli[128];
	int status = CLI_OK;

	for (size_t i = 0; i < ctx->cls->field_count; i++) {
		const struct model_field *f = &ctx->cls->fields[i];
		if (f->qualifier == FQ_RO_RUNTIME)
			continue;
		fields_cli_name(f->name, cli, sizeof(cli));
		const char *given = args_get(ctx->args, cli);
		if (given == NULL)
			given = args_get(ctx->args, f->name);
		json_t *v = given ? fields_parse(ctx->conn, f->type, given, cli, &status) : default_value(f);
		if (v == NULL)
			return status;
		json_object_set_new(record, f->name, v);
	}
	for (size_t i = 0; i < ctx->args->count; i++) {
		const struct cli_arg *a = &ctx->args->items[i];
		const char *colon = strchr(a->key, ':');
		if (colon == NULL)
			continue;
		snprintf(cli, sizeof(cli), "%.*s", (int)(colon - a->key), a->key);
		const struct model_field *f = fields_find(ctx->cls, cli);
		if (f == NULL || f->qualifier == FQ_RO_RUNTIME) {
			fprintf(stderr, "Error: '%s' cannot be given when creating a %s\n", cli, ctx->cls->name);
			return CLI_USAGE;
		}
		json_t *v = fields_parse(ctx->conn, f->type->elem, a->value, a->key, &status);
		if (v == NULL)
			return status;
		json_object_set_new(json_object_get(record, f->name), colon + 1, v);
	}
	for (size_t i = 0; i < ctx->args->count; i++)
		if (!ctx->args->items[i].used && strchr(ctx->args->items[i].key, ':') == NULL) {
			fprintf(stderr, "Error: '%s' is set by the server and cannot be given when creating a %s\n",
				ctx->args->items[i].key, ctx->cls->name);
			return CLI_USAGE;
		}
	return CLI_OK;
}

int cmd_create(struct cli_ctx *ctx)
{
	json_t *record = json_object();
	char method[128], *ref = NULL;
	int status = record_build(ctx, record);

	if (status != CLI_OK) {
		json_decref(record);
		return status;
	}
	snprintf(method, sizeof(method), "%s.create", ctx->cls->name);
	status = task_run(ctx->conn, method, json_pack("[o]", record), &ref);
	if (status == CLI_OK) {
		struct ref_cache *rc = ref_cache_new(ctx->conn);
		printf("%s\n", ref_cache_uuid(rc, ctx->cls->name, ref));
		ref_cache_free(rc);
	}
	free(ref);
	return status;
}

int cmd_destroy(struct cli_ctx *ctx)
{
	char method[128], *result = NULL;
	int status;
	char *ref = param_target_ref(ctx, &status);

	if (ref == NULL)
		return status;
	snprintf(method, sizeof(method), "%s.destroy", ctx->cls->name);
	status = task_run(ctx->conn, method, json_pack("[s]", ref), &result);
	free(result);
	free(ref);
	return status;
}
