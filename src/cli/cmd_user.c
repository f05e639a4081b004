/*
 * Local users: user-add, user-list, user-remove, user-password-set, over
 * ovcpd's subject.create_local_user / set_local_password / destroy. A local
 * user is the subject whose subject_identifier is "ovcp-local:NAME" (its
 * other_config subject-name holds NAME). root, the local superuser, has no
 * subject and is not listed; its password is set on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"

#define LOCAL_PREFIX "ovcp-local:"

static const char *user_name_of(json_t *subject)
{
	const char *id = json_string_value(json_object_get(subject, "subject_identifier"));

	if (id == NULL || strncmp(id, LOCAL_PREFIX, strlen(LOCAL_PREFIX)) != 0)
		return NULL;
	return id + strlen(LOCAL_PREFIX);
}

/* The subject ref of local user NAME; NULL after printing (*status). */
static char *user_subject(struct cli_ctx *ctx, const char *name, int *status)
{
	json_t *all = NULL, *rec;
	const char *ref;
	char *found = NULL;

	if (strcmp(name, "root") == 0) {
		fprintf(stderr, "Error: root is the local superuser; its password is set on the host "
				"(ovcpd --root-password-file)\n");
		*status = CLI_USAGE;
		return NULL;
	}
	*status = conn_call(ctx->conn, "subject.get_all_records", NULL, &all);
	if (*status != CLI_OK)
		return NULL;
	json_object_foreach(all, ref, rec)
	{
		const char *n = user_name_of(rec);
		if (n != NULL && strcmp(n, name) == 0 && found == NULL)
			found = strdup(ref);
	}
	json_decref(all);
	if (found == NULL) {
		fprintf(stderr, "Error: there is no local user named '%s'\n", name);
		*status = CLI_API;
	}
	return found;
}

int cmd_user_add(struct cli_ctx *ctx)
{
	const char *name = args_get(ctx->args, "username"), *password = args_get(ctx->args, "password");
	const char *roles_text = args_get(ctx->args, "role");
	json_t *roles = json_array(), *subject = NULL;
	char *copy = strdup(roles_text ? roles_text : "read-only"), *save = NULL;
	int status;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (model_role_parse(tok) == 0) {
			fprintf(stderr,
				"Error: unknown role '%s'; roles are pool-admin, pool-operator, vm-power-admin, "
				"vm-admin, vm-operator, read-only\n",
				tok);
			free(copy);
			json_decref(roles);
			return CLI_USAGE;
		}
		json_array_append_new(roles, json_string(tok));
	}
	free(copy);
	status = conn_call(ctx->conn, "subject.create_local_user", json_pack("[sso]", name, password, roles), &subject);
	if (status == CLI_OK && json_is_string(subject)) {
		struct ref_cache *rc = ref_cache_new(ctx->conn);
		printf("%s\n", ref_cache_uuid(rc, "subject", json_string_value(subject)));
		ref_cache_free(rc);
	}
	json_decref(subject);
	return status;
}

static void print_user(const char *uuid, const char *name, const char *roles)
{
	static const char *const labels[] = {"uuid ( RO)", "username ( RO)", "roles (SRO)"};
	const char *values[] = {uuid, name, roles};
	int width = 4 + (int)strlen(labels[1]);

	for (size_t i = 0; i < 3; i++)
		printf(i == 0 ? "%-*s: %s\n" : "%*s: %s\n", width, labels[i], values[i]);
	fputs("\n\n", stdout);
}

int cmd_user_list(struct cli_ctx *ctx)
{
	json_t *all = NULL, *role_names = NULL, *rec, *r;
	struct buf minimal = BUF_INIT;
	const char *ref;
	size_t i;
	int status = conn_call(ctx->conn, "subject.get_all_records", NULL, &all);

	if (status == CLI_OK)
		status = conn_call(ctx->conn, "role.get_all_records", NULL, &role_names);
	json_object_foreach(status == CLI_OK ? all : NULL, ref, rec)
	{
		const char *name = user_name_of(rec);
		struct buf roles = BUF_INIT;
		if (name == NULL)
			continue;
		json_array_foreach(json_object_get(rec, "roles"), i, r)
		{
			json_t *role = json_object_get(role_names, json_string_value(r));
			const char *label = json_string_value(json_object_get(role, "name_label"));
			buf_printf(&roles, "%s%s", i ? "; " : "", label ? label : json_string_value(r));
		}
		if (ctx->args->minimal)
			buf_printf(&minimal, "%s%s", minimal.len ? "," : "", name);
		else
			print_user(json_string_value(json_object_get(rec, "uuid")), name, buf_cstr(&roles));
		buf_free(&roles);
	}
	if (status == CLI_OK && ctx->args->minimal)
		printf("%s\n", buf_cstr(&minimal));
	buf_free(&minimal);
	json_decref(all);
	json_decref(role_names);
	return status;
}

int cmd_user_remove(struct cli_ctx *ctx)
{
	int status;
	char *ref = user_subject(ctx, args_get(ctx->args, "username"), &status);

	if (ref != NULL)
		status = conn_call(ctx->conn, "subject.destroy", json_pack("[s]", ref), NULL);
	free(ref);
	return status;
}

int cmd_user_password_set(struct cli_ctx *ctx)
{
	int status;
	char *ref = user_subject(ctx, args_get(ctx->args, "username"), &status);

	if (ref != NULL)
		status = conn_call(ctx->conn, "subject.set_local_password",
				   json_pack("[ss]", ref, args_get(ctx->args, "password")), NULL);
	free(ref);
	return status;
}
