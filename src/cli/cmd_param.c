/*
 * CLASS-param-list/-get/-set/-add/-remove/-clear: the generic field calls
 * of the object model (get_record, get_F, set_F, add_to_F/remove_from_F on
 * maps, add_F/remove_F on sets) with xe's names and printing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

char *param_target_ref(struct cli_ctx *ctx, int *status)
{
	const char *uuid = args_require(ctx->args, "uuid", ctx->name);

	if (uuid == NULL) {
		*status = CLI_USAGE;
		return NULL;
	}
	return fields_ref_by_uuid(ctx->conn, ctx->cls, uuid, status);
}

/* xe's block: the first label padded on the right, the others on the left, colons aligned. */
void param_print_record(struct ref_cache *rc, const struct model_class *cls, json_t *record, const char *const *fields,
			size_t nfields, bool markers)
{
	char(*labels)[160] = calloc(nfields ? nfields : 1, sizeof(*labels));
	size_t width = 0;

	if (labels == NULL)
		abort();
	for (size_t i = 0; i < nfields; i++) {
		const struct model_field *f = model_field_find(cls, fields[i]);
		char cli[128];
		fields_cli_name(f->name, cli, sizeof(cli));
		if (markers)
			snprintf(labels[i], sizeof(labels[i]), "%s (%s)", cli, fields_marker(f));
		else
			snprintf(labels[i], sizeof(labels[i]), "%s", cli);
		if (strlen(labels[i]) > width)
			width = strlen(labels[i]);
	}
	width += 4;
	for (size_t i = 0; i < nfields; i++) {
		const struct model_field *f = model_field_find(cls, fields[i]);
		char *v = fields_format(rc, f->type, json_object_get(record, f->name));
		if (i == 0)
			printf("%-*s: %s\n", (int)width, labels[i], v);
		else
			printf("%*s: %s\n", (int)width, labels[i], v);
		free(v);
	}
	free(labels);
}

static int call_on(struct cli_ctx *ctx, const char *prefix, const struct model_field *f, const char *ref, json_t *rest,
		   json_t **result)
{
	char method[192];
	json_t *params = json_pack("[s]", ref);

	snprintf(method, sizeof(method), "%s.%s%s", ctx->cls->name, prefix, f->name);
	if (rest != NULL) {
		json_array_extend(params, rest);
		json_decref(rest);
	}
	return conn_call(ctx->conn, method, params, result);
}

/* The field named by param-name=, or NULL after printing (status CLI_USAGE). */
static const struct model_field *named_field(struct cli_ctx *ctx, const char *name)
{
	const struct model_field *f = fields_find(ctx->cls, name);

	if (f == NULL)
		fprintf(stderr,
			"Error: unknown parameter name '%s' for class %s. Type 'ovcp %s uuid=...' with "
			"-param-list to see them.\n",
			name, ctx->cls->name, ctx->name);
	return f;
}

int cmd_param_list(struct cli_ctx *ctx)
{
	int status;
	char *ref = param_target_ref(ctx, &status);
	char method[128];
	json_t *record = NULL;

	if (ref == NULL)
		return status;
	snprintf(method, sizeof(method), "%s.get_record", ctx->cls->name);
	status = conn_call(ctx->conn, method, json_pack("[s]", ref), &record);
	if (status == CLI_OK) {
		const char **names = calloc(ctx->cls->field_count + 1, sizeof(char *));
		struct ref_cache *rc = ref_cache_new(ctx->conn);
		if (names == NULL)
			abort();
		for (size_t i = 0; i < ctx->cls->field_count; i++)
			names[i] = ctx->cls->fields[i].name;
		param_print_record(rc, ctx->cls, record, names, ctx->cls->field_count, true);
		fputs("\n\n", stdout);
		ref_cache_free(rc);
		free(names);
	}
	json_decref(record);
	free(ref);
	return status;
}

int cmd_param_get(struct cli_ctx *ctx)
{
	const struct model_field *f = named_field(ctx, args_get(ctx->args, "param-name"));
	const char *key = args_get(ctx->args, "param-key");
	json_t *value = NULL;
	int status = CLI_USAGE;
	char *ref = NULL;

	if (f == NULL)
		return CLI_USAGE;
	if (key != NULL && f->type->kind != XT_MAP) {
		fprintf(stderr, "Error: param-key is only for map parameters; '%s' is not a map\n",
			args_get(ctx->args, "param-name"));
		return CLI_USAGE;
	}
	ref = param_target_ref(ctx, &status);
	if (ref == NULL)
		return status;
	status = call_on(ctx, "get_", f, ref, NULL, &value);
	if (status == CLI_OK) {
		struct ref_cache *rc = ref_cache_new(ctx->conn);
		const struct xtype *type = f->type;
		json_t *shown = value;
		if (key != NULL) {
			shown = json_object_get(value, key);
			type = f->type->elem;
		}
		if (shown == NULL) {
			fprintf(stderr, "Error: Key %s not found in map\n", key);
			status = CLI_API;
		} else {
			char *v = fields_format(rc, type, shown);
			printf("%s\n", v);
			free(v);
		}
		ref_cache_free(rc);
	}
	json_decref(value);
	free(ref);
	return status;
}

/* MAP:KEY=VALUE: replace one key (remove it if there, then add). */
static int set_map_key(struct cli_ctx *ctx, const char *ref, const struct model_field *f, const char *key,
		       const char *value)
{
	int status;
	json_t *k = fields_parse(ctx->conn, f->type->key, key, key, &status), *error = NULL;
	json_t *v = k ? fields_parse(ctx->conn, f->type->elem, value, key, &status) : NULL;
	char method[192];

	if (v == NULL) {
		json_decref(k);
		return status;
	}
	snprintf(method, sizeof(method), "%s.remove_from_%s", ctx->cls->name, f->name);
	status = conn_call_raw(ctx->conn, method, json_pack("[sO]", ref, k), NULL, &error);
	json_decref(error);
	if (status == CLI_CONNECT) {
		json_decref(k);
		json_decref(v);
		return status;
	}
	return call_on(ctx, "add_to_", f, ref, json_pack("[oo]", k, v), NULL);
}

static int set_one(struct cli_ctx *ctx, const char *ref, const struct cli_arg *a)
{
	const char *colon = strchr(a->key, ':');
	char name[128];
	int status;

	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - a->key) : (int)strlen(a->key), a->key);
	const struct model_field *f = fields_find(ctx->cls, name);
	if (f == NULL)
		return CLI_USAGE; /* checked before */
	if (!fields_is_writable(f)) {
		fprintf(stderr, "Error: parameter '%s' is read-only\n", name);
		return CLI_USAGE;
	}
	if (colon != NULL)
		return set_map_key(ctx, ref, f, colon + 1, a->value);
	if (f->write_roles == 0) {
		fprintf(stderr, "Error: parameter '%s' cannot be set as a whole; use %s-param-add or -param-remove\n",
			name, ctx->name);
		return CLI_USAGE;
	}
	json_t *v = fields_parse(ctx->conn, f->type, a->value, name, &status);
	if (v == NULL)
		return status;
	return call_on(ctx, "set_", f, ref, json_pack("[o]", v), NULL);
}

int cmd_param_set(struct cli_ctx *ctx)
{
	int status;
	char *ref = NULL;
	size_t nset = 0;

	for (size_t i = 0; i < ctx->args->count; i++)
		nset += strcmp(ctx->args->items[i].key, "uuid") != 0;
	if (nset == 0) {
		fprintf(stderr, "Error: %s needs at least one FIELD=VALUE. Type 'ovcp help %s' for usage.\n", ctx->name,
			ctx->name);
		return CLI_USAGE;
	}
	ref = param_target_ref(ctx, &status);
	for (size_t i = 0; ref != NULL && status == CLI_OK && i < ctx->args->count; i++)
		if (strcmp(ctx->args->items[i].key, "uuid") != 0)
			status = set_one(ctx, ref, &ctx->args->items[i]);
	free(ref);
	return status;
}

/* Check param-name= names a map or set that may be modified. */
static const struct model_field *collection_field(struct cli_ctx *ctx)
{
	const char *name = args_get(ctx->args, "param-name");
	const struct model_field *f = named_field(ctx, name);

	if (f == NULL)
		return NULL;
	if (f->type->kind != XT_MAP && f->type->kind != XT_SET) {
		fprintf(stderr, "Error: parameter '%s' is not a map or a set\n", name);
		return NULL;
	}
	if (!fields_is_writable(f)) {
		fprintf(stderr, "Error: parameter '%s' is read-only\n", name);
		return NULL;
	}
	return f;
}

static int add_set_values(struct cli_ctx *ctx, const char *ref, const struct model_field *f)
{
	const char *values = args_get(ctx->args, "param-key");
	int status;

	if (values == NULL) {
		fprintf(stderr, "Error: adding to the set '%s' needs param-key=VALUE\n", f->name);
		return CLI_USAGE;
	}
	json_t *list = fields_parse(ctx->conn, f->type, values, "param-key", &status), *v;
	size_t i;
	if (list == NULL)
		return status;
	json_array_foreach(list, i, v)
	{
		status = call_on(ctx, "add_", f, ref, json_pack("[O]", v), NULL);
		if (status != CLI_OK)
			break;
	}
	json_decref(list);
	return status;
}

int cmd_param_add(struct cli_ctx *ctx)
{
	const struct model_field *f = collection_field(ctx);
	int status = CLI_USAGE;
	size_t pairs = 0;
	char *ref;

	if (f == NULL)
		return CLI_USAGE;
	for (size_t i = 0; i < ctx->args->count; i++)
		pairs += !ctx->args->items[i].used && strcmp(ctx->args->items[i].key, "uuid") != 0 &&
			 strcmp(ctx->args->items[i].key, "param-key") != 0;
	if (f->type->kind == XT_MAP && pairs == 0) {
		fprintf(stderr, "Error: %s on the map '%s' needs KEY=VALUE pairs\n", ctx->name, f->name);
		return CLI_USAGE;
	}
	ref = param_target_ref(ctx, &status);
	if (ref == NULL)
		return status;
	if (f->type->kind == XT_SET) {
		status = add_set_values(ctx, ref, f);
		free(ref);
		return status;
	}
	for (size_t i = 0; status == CLI_OK && i < ctx->args->count; i++) {
		struct cli_arg *a = &ctx->args->items[i];
		if (a->used || strcmp(a->key, "param-key") == 0)
			continue;
		json_t *k = fields_parse(ctx->conn, f->type->key, a->key, a->key, &status);
		json_t *v = k ? fields_parse(ctx->conn, f->type->elem, a->value, a->key, &status) : NULL;
		if (v == NULL)
			json_decref(k);
		else
			status = call_on(ctx, "add_to_", f, ref, json_pack("[oo]", k, v), NULL);
	}
	free(ref);
	return status;
}

int cmd_param_remove(struct cli_ctx *ctx)
{
	const struct model_field *f = collection_field(ctx);
	const char *key = args_get(ctx->args, "param-key");
	int status = CLI_USAGE;
	char *ref;

	if (f == NULL)
		return CLI_USAGE;
	json_t *k =
	    fields_parse(ctx->conn, f->type->kind == XT_MAP ? f->type->key : f->type->elem, key, "param-key", &status);
	if (k == NULL)
		return status;
	ref = param_target_ref(ctx, &status);
	if (ref != NULL)
		status = call_on(ctx, f->type->kind == XT_MAP ? "remove_from_" : "remove_", f, ref, json_pack("[o]", k),
				 NULL);
	else
		json_decref(k);
	free(ref);
	return status;
}

/* Without set_F: remove the keys (or values) one by one. */
static int clear_each(struct cli_ctx *ctx, const char *ref, const struct model_field *f)
{
	json_t *value = NULL, *x;
	int status = call_on(ctx, "get_", f, ref, NULL, &value);
	const char *k;
	size_t i;

	if (status != CLI_OK)
		return status;
	if (json_is_object(value)) {
		json_object_foreach(value, k, x)
		{
			if ((status = call_on(ctx, "remove_from_", f, ref, json_pack("[s]", k), NULL)) != CLI_OK)
				break;
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, i, x)
		{
			if ((status = call_on(ctx, "remove_", f, ref, json_pack("[O]", x), NULL)) != CLI_OK)
				break;
		}
	}
	json_decref(value);
	return status;
}

int cmd_param_clear(struct cli_ctx *ctx)
{
	const struct model_field *f = collection_field(ctx);
	int status = CLI_USAGE;
	char *ref;

	if (f == NULL)
		return CLI_USAGE;
	ref = param_target_ref(ctx, &status);
	if (ref == NULL)
		return status;
	if (f->write_roles != 0)
		status = call_on(ctx, "set_", f, ref,
				 json_pack("[o]", f->type->kind == XT_MAP ? json_object() : json_array()), NULL);
	else
		status = clear_each(ctx, ref, f);
	free(ref);
	return status;
}
