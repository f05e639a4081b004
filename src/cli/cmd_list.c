/*
 * CLASS-list: every object of a class, filtered by FIELD=VALUE (compared
 * with the value as printed, case-sensitive; MAP:KEY=VALUE for a map key),
 * showing the class's default fields or params=a,b|all, in xe's blocks; or
 * with --minimal the first shown field of each, comma-separated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

/* The fields xe shows by default, per class; other classes show uuid, name-label, name-description. */
static const struct {
	const char *cls;
	const char *fields[7];
} default_fields[] = {
    {"VM", {"uuid", "name_label", "power_state"}},
    {"host", {"uuid", "name_label", "name_description"}},
    {"pool", {"uuid", "name_label", "name_description", "master", "default_SR"}},
    {"SR", {"uuid", "name_label", "name_description", "type", "content_type"}},
    {"VDI", {"uuid", "name_label", "name_description", "SR", "virtual_size", "sharable", "read_only"}},
    {"VBD", {"uuid", "VM", "VDI", "device", "empty"}},
    {"VIF", {"uuid", "VM", "device", "network"}},
    {"network", {"uuid", "name_label", "name_description", "bridge"}},
    {"PIF", {"uuid", "device", "currently_attached", "VLAN", "network"}},
    {"PBD", {"uuid", "host", "SR", "device_config", "currently_attached"}},
    {"task", {"uuid", "name_label", "name_description", "status", "progress"}},
    {"subject", {"uuid", "subject_identifier", "other_config", "roles"}},
    {"console", {"uuid", "VM", "protocol", "location"}},
};

/* Filters that apply unless the user filters on that field (xe hides templates from vm-list). */
static const struct {
	const char *cls;
	const char *field;
	const char *value;
} default_filters[] = {
    {"VM", "is_a_template", "false"},
};

#define MAX_SHOWN 512

static size_t pick_defaults(const struct model_class *cls, const char **out)
{
	static const char *const fallback[] = {"uuid", "name_label", "name_description"};
	const char *const *names = fallback;
	size_t n = 3, count = 0;

	for (size_t i = 0; i < sizeof(default_fields) / sizeof(default_fields[0]); i++)
		if (strcmp(default_fields[i].cls, cls->name) == 0) {
			names = default_fields[i].fields;
			n = 7;
		}
	for (size_t i = 0; i < n && names[i]; i++)
		if (model_field_find(cls, names[i]) != NULL)
			out[count++] = names[i];
	return count;
}

/* params=all | a,b,c. Returns the count, or 0 after printing an unknown name. */
static size_t pick_fields(struct cli_ctx *ctx, const char **out, char **storage)
{
	const char *params = args_get(ctx->args, "params");
	size_t count = 0;

	if (params == NULL)
		return pick_defaults(ctx->cls, out);
	if (strcmp(params, "all") == 0) {
		for (size_t i = 0; i < ctx->cls->field_count && i < MAX_SHOWN; i++)
			out[count++] = ctx->cls->fields[i].name;
		return count;
	}
	*storage = strdup(params);
	char *save = NULL;
	for (char *tok = strtok_r(*storage, ",", &save); tok && count < MAX_SHOWN; tok = strtok_r(NULL, ",", &save)) {
		const struct model_field *f = fields_find(ctx->cls, tok);
		if (f == NULL) {
			fprintf(stderr,
				"Error: unknown field '%s' in params for %s. Type 'ovcp %s-param-list uuid=...' "
				"to see the fields.\n",
				tok, ctx->name, ctx->name);
			return 0;
		}
		out[count++] = f->name;
	}
	if (count == 0)
		fprintf(stderr, "Error: params= names no field; give params=a,b or params=all\n");
	return count;
}

/* Does the record pass FIELD=VALUE (or MAP:KEY=VALUE)? */
static bool filter_matches(struct ref_cache *rc, const struct model_class *cls, json_t *record, const char *key,
			   const char *want)
{
	const char *colon = strchr(key, ':');
	char name[128];
	char *shown;
	bool ok;

	snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - key) : (int)strlen(key), key);
	const struct model_field *f = fields_find(cls, name);
	if (f == NULL)
		return false;
	json_t *v = json_object_get(record, f->name);
	if (colon != NULL) {
		json_t *x = json_object_get(v, colon + 1);
		if (x == NULL)
			return false;
		shown = fields_format(rc, f->type->elem, x);
	} else {
		shown = fields_format(rc, f->type, v);
	}
	ok = strcmp(shown, want) == 0;
	free(shown);
	return ok;
}

static bool record_selected(struct cli_ctx *ctx, struct ref_cache *rc, json_t *record)
{
	for (size_t i = 0; i < ctx->args->count; i++) {
		const struct cli_arg *a = &ctx->args->items[i];
		if (strcmp(a->key, "params") == 0)
			continue;
		if (!filter_matches(rc, ctx->cls, record, a->key, a->value))
			return false;
	}
	for (size_t i = 0; i < sizeof(default_filters) / sizeof(default_filters[0]); i++) {
		const struct model_field *f;
		char cli[128];
		if (strcmp(default_filters[i].cls, ctx->cls->name) != 0 ||
		    (f = model_field_find(ctx->cls, default_filters[i].field)) == NULL)
			continue;
		fields_cli_name(f->name, cli, sizeof(cli));
		if (args_get(ctx->args, cli) == NULL && args_get(ctx->args, f->name) == NULL &&
		    !filter_matches(rc, ctx->cls, record, f->name, default_filters[i].value))
			return false;
	}
	return true;
}

/* xe's --minimal escapes commas and backslashes in values. */
static void minimal_add(struct buf *b, const char *v)
{
	if (b->len > 0)
		buf_putc(b, ',');
	for (; *v; v++) {
		if (*v == ',' || *v == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *v);
	}
}

int cmd_list(struct cli_ctx *ctx)
{
	const char *shown[MAX_SHOWN];
	char method[128], *storage = NULL;
	json_t *all = NULL, *record;
	struct ref_cache *rc = NULL;
	struct buf minimal = BUF_INIT;
	const char *ref;
	int status;

	size_t nshown = pick_fields(ctx, shown, &storage);
	if (nshown == 0) {
		free(storage);
		return CLI_USAGE;
	}
	snprintf(method, sizeof(method), "%s.get_all_records", ctx->cls->name);
	status = conn_call(ctx->conn, method, NULL, &all);
	if (status != CLI_OK)
		goto out;
	rc = ref_cache_new(ctx->conn);
	json_object_foreach(all, ref, record)
	{
		if (!record_selected(ctx, rc, record))
			continue;
		if (ctx->args->minimal) {
			const struct model_field *f = model_field_find(ctx->cls, shown[0]);
			char *v = fields_format(rc, f->type, json_object_get(record, f->name));
			minimal_add(&minimal, v);
			free(v);
			continue;
		}
		param_print_record(rc, ctx->cls, record, shown, nshown, true);
		fputs("\n\n", stdout);
	}
	if (ctx->args->minimal)
		printf("%s\n", buf_cstr(&minimal));
out:
	buf_free(&minimal);
	ref_cache_free(rc);
	json_decref(all);
	free(storage);
	return status;
}
