/*
 * XenAPI errors as xe prints them: a sentence for the codes it knows,
 * then each parameter on its own line as "name: value"; for other codes,
 * "CODE: param, param". Adding a code is adding a row.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct error_row {
	const char *code;
	const char *message;
	const char *params[4];
};

static const struct error_row error_rows[] = {
    {"UUID_INVALID", "The uuid you supplied was invalid.", {"type", "uuid"}},
    {"HANDLE_INVALID",
     "You gave an invalid object reference. The object may have recently been deleted.",
     {"class", "handle"}},
    {"SESSION_AUTHENTICATION_FAILED", "Authentication failed: the user name or password is wrong.", {"user", "reason"}},
    {"SESSION_INVALID", "The session is no longer valid; log in again.", {"handle"}},
    {"RBAC_PERMISSION_DENIED",
     "You do not have the required permissions to perform this operation.",
     {"permission", "message"}},
    {"MAP_DUPLICATE_KEY", "That key is already in the map.", {"type", "param-name", "uuid", "key"}},
    {"FIELD_TYPE_ERROR", "The value given has the wrong type.", {"field"}},
    {"VALUE_NOT_SUPPORTED", "The value given is not supported.", {"field", "value", "reason"}},
    {"ROLE_NOT_FOUND", "Role cannot be found.", {"role"}},
    {"ROLE_ALREADY_EXISTS", "The subject already has that role.", {0}},
    {"MESSAGE_METHOD_UNKNOWN", "The server does not know that call.", {"method"}},
    {"MESSAGE_PARAMETER_COUNT_MISMATCH",
     "The call was made with the wrong number of parameters.",
     {"method", "expected", "received"}},
    {"NOT_IMPLEMENTED", "This operation is not implemented yet.", {"function"}},
    {"OPERATION_NOT_ALLOWED", "The operation is not allowed.", {"reason"}},
    {"VM_BAD_POWER_STATE", "The VM is not in a power state that allows this operation.", {"vm", "expected", "actual"}},
    {"TASK_CANCELLED", "The task was cancelled.", {"task"}},
    {"USER_ALREADY_EXISTS", "A user with that name already exists.", {"user"}},
    {"INTERNAL_ERROR", "The server failed to handle your request, due to an internal error.", {"message"}},
};

void errors_print(const json_t *error)
{
	const char *code = json_string_value(json_array_get(error, 0));
	size_t n = json_array_size(error);

	if (code == NULL) {
		fprintf(stderr, "Error: the server returned a malformed error\n");
		return;
	}
	for (size_t i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
		const struct error_row *r = &error_rows[i];
		if (strcmp(r->code, code) != 0)
			continue;
		fprintf(stderr, "%s\n", r->message);
		for (size_t p = 1; p < n; p++) {
			const char *v = json_string_value(json_array_get(error, p));
			const char *name = p - 1 < 4 && r->params[p - 1] ? r->params[p - 1] : "param";
			fprintf(stderr, "%s: %s\n", name, v ? v : "");
		}
		return;
	}
	fprintf(stderr, "%s", code);
	for (size_t p = 1; p < n; p++) {
		const char *v = json_string_value(json_array_get(error, p));
		fprintf(stderr, "%s%s", p == 1 ? ": " : ", ", v ? v : "");
	}
	fputc('\n', stderr);
}
