/*
 * Explicit XenAPI messages implemented by the core: sessions, events, tasks,
 * subjects and local users, messages. Each row of xapi_handlers is one
 * "Class.message"; parameters arrive checked and coerced to the model's
 * declared types (call->args), the session is checked and RBAC applied.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"
#include "xapi/dispatch.h"

/* ---- session ---- */

static int h_login(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];
	const char *originator = json_array_size(c->args) > 3 ? arg_str(c, 3) : NULL;

	if (session_login(c->srv, arg_str(c, 0), arg_str(c, 1), originator, c->local_root, ref, e) < 0)
		return -1;
	*result = json_string(ref);
	return 0;
}

static int h_logout(struct xapi_call *c, json_t **result, struct err *e)
{
	*result = json_null();
	return session_logout(c->srv, c->session.ref, e);
}

static int h_get_this_host(struct xapi_call *c, json_t **result, struct err *e)
{
	if (strcmp(arg_str(c, 0), c->session.ref) != 0 && !c->session.superuser) {
		err_set(e, "HANDLE_INVALID", "session", arg_str(c, 0), NULL);
		return -1;
	}
	*result = json_string(c->srv->host_ref);
	return 0;
}

static int h_get_this_user(struct xapi_call *c, json_t **result, struct err *e)
{
	if (strcmp(arg_str(c, 0), c->session.ref) != 0 && !c->session.superuser) {
		err_set(e, "HANDLE_INVALID", "session", arg_str(c, 0), NULL);
		return -1;
	}
	/* XenAPI's `user` class is deprecated: the caller's subject stands for it. */
	*result = json_string(c->session.superuser ? REF_NULL : c->session.subject);
	return 0;
}

static int h_change_password(struct xapi_call *c, json_t **result, struct err *e)
{
	struct session_info check;

	if (users_verify(c->srv, c->session.user, arg_str(c, 0), &check, e) < 0) {
		err_set(e, "SESSION_AUTHENTICATION_FAILED", c->session.user, "Old password does not match", NULL);
		return -1;
	}
	if (users_set_password(c->srv, c->session.user, arg_str(c, 1), e) < 0)
		return -1;
	*result = json_null();
	return 0;
}

static int h_get_all_subject_identifiers(struct xapi_call *c, json_t **result, struct err *e)
{
	*result = json_array();
	return 0;
}

/* ---- event ---- */

static int h_event_from(struct xapi_call *c, json_t **result, struct err *e)
{
	return event_from(c->srv, arg(c, 0), arg_str(c, 1), json_real_value(arg(c, 2)), result, e);
}

static int h_event_inject(struct xapi_call *c, json_t **result, struct err *e)
{
	char *token = NULL;

	if (event_inject(c->srv, arg_str(c, 0), arg_str(c, 1), &token, e) < 0)
		return -1;
	*result = json_string(token);
	free(token);
	return 0;
}

static int h_event_get_current_id(struct xapi_call *c, json_t **result, struct err *e)
{
	*result = json_integer((json_int_t)store_revision(c->srv->store));
	return 0;
}

/* ---- task ---- */

static int h_task_create(struct xapi_call *c, json_t **result, struct err *e)
{
	const struct model_class *tc = model_class_find("task");
	char ref[REF_LEN], now[20];
	json_t *rec = record_new_default(tc);

	xdatetime_now(now);
	json_object_set_new(rec, "name_label", json_string(arg_str(c, 0)));
	json_object_set_new(rec, "name_description", json_string(arg_str(c, 1)));
	json_object_set_new(rec, "status", json_string("pending"));
	json_object_set_new(rec, "created", json_string(now));
	json_object_set_new(rec, "resident_on", json_string(c->srv->host_ref));
	int rc = db_create(c->srv->store, tc, rec, NULL, ref, e);
	json_decref(rec);
	if (rc < 0)
		return -1;
	*result = json_string(ref);
	return 0;
}

static int h_task_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	*result = json_null();
	return db_destroy(c->srv->store, model_class_find("task"), arg_str(c, 0), e);
}

static int h_task_cancel(struct xapi_call *c, json_t **result, struct err *e)
{
	*result = json_null();
	return task_cancel(c->srv, arg_str(c, 0), e);
}

/* ---- subject and local users (OVCP extension: docs/API.md) ---- */

static unsigned roles_from_names(json_t *names, struct err *e)
{
	unsigned roles = 0;
	json_t *v;
	size_t i;

	json_array_foreach(names, i, v) {
		unsigned bit = model_role_parse(json_string_value(v));
		if (bit == 0 || bit == R_CC) {
			err_set(e, "ROLE_NOT_FOUND", json_string_value(v), NULL);
			return 0;
		}
		roles |= bit;
	}
	if (roles == 0 && !err_isset(e))
		err_set(e, "VALUE_NOT_SUPPORTED", "roles", "", "a user needs at least one role", NULL);
	return roles;
}

static int h_create_local_user(struct xapi_call *c, json_t **result, struct err *e)
{
	char subject[REF_LEN];
	unsigned roles = roles_from_names(arg(c, 2), e);

	if (roles == 0)
		return -1;
	if (strlen(arg_str(c, 1)) < 1) {
		err_set(e, "VALUE_NOT_SUPPORTED", "password", "", "the password is empty", NULL);
		return -1;
	}
	if (users_add(c->srv, arg_str(c, 0), arg_str(c, 1), roles, subject, e) < 0)
		return -1;
	*result = json_string(subject);
	return 0;
}

static int h_set_local_password(struct xapi_call *c, json_t **result, struct err *e)
{
	char *name = users_name_of_subject(c->srv, arg_str(c, 0));
	int rc;

	if (name == NULL) {
		err_set(e, "HANDLE_INVALID", "subject", arg_str(c, 0), NULL);
		return -1;
	}
	rc = users_set_password(c->srv, name, arg_str(c, 1), e);
	if (rc == 0)
		session_logout_user(c->srv, name);
	free(name);
	*result = json_null();
	return rc;
}

static int h_subject_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	const char *ref = arg_str(c, 0);

	if (!db_exists(c->srv->store, model_class_find("subject"), ref)) {
		err_set(e, "HANDLE_INVALID", "subject", ref, NULL);
		return -1;
	}
	if (users_remove_by_subject(c->srv, ref, e) < 0)
		return -1;
	*result = json_null();
	return db_destroy(c->srv->store, model_class_find("subject"), ref, e);
}

static int roles_edit(json_t *rec, void *arg, struct err *e)
{
	json_t **a = arg; /* role ref, add? */
	json_t *roles = json_object_get(rec, "roles"), *v;
	size_t i;

	json_array_foreach(roles, i, v) {
		if (json_equal(v, a[0]))
			break;
	}
	if (json_is_true(a[1])) {
		if (i < json_array_size(roles)) {
			err_set(e, "ROLE_ALREADY_EXISTS", NULL);
			return -1;
		}
		json_array_append(roles, a[0]);
	} else if (i < json_array_size(roles)) {
		json_array_remove(roles, i);
	} else {
		err_set(e, "ROLE_NOT_FOUND", NULL);
		return -1;
	}
	return 0;
}

static int h_subject_roles(struct xapi_call *c, json_t **result, struct err *e)
{
	bool add = strcmp(c->message, "add_to_roles") == 0;
	json_t *a[2] = { arg(c, 1), json_boolean(add) };

	if (!db_exists(c->srv->store, model_class_find("role"), arg_str(c, 1))) {
		json_decref(a[1]);
		err_set(e, "ROLE_NOT_FOUND", NULL);
		return -1;
	}
	int rc = db_update(c->srv->store, model_class_find("subject"), arg_str(c, 0), roles_edit, a, e);
	json_decref(a[1]);
	if (rc < 0)
		return -1;
	/* Sessions keep the roles they logged in with: log the user out so new ones apply. */
	char *name = users_name_of_subject(c->srv, arg_str(c, 0));
	if (name)
		session_logout_user(c->srv, name);
	free(name);
	*result = json_null();
	return 0;
}

static int h_subject_permissions(struct xapi_call *c, json_t **result, struct err *e)
{
	unsigned roles = users_subject_roles(c->srv, arg_str(c, 0));

	*result = json_array();
	for (unsigned bit = 1; bit <= R_CC; bit <<= 1)
		if (roles & bit)
			json_array_append_new(*result, json_string(model_roles_text(bit)));
	return 0;
}

/* ---- message ---- */

static int h_message_create(struct xapi_call *c, json_t **result, struct err *e)
{
	const struct model_class *mc = model_class_find("message");
	char ref[REF_LEN], now[20];
	json_t *rec = record_new_default(mc);

	xdatetime_now(now);
	json_object_set_new(rec, "name", json_string(arg_str(c, 0)));
	json_object_set(rec, "priority", arg(c, 1));
	json_object_set(rec, "cls", arg(c, 2));
	json_object_set_new(rec, "obj_uuid", json_string(arg_str(c, 3)));
	json_object_set_new(rec, "timestamp", json_string(now));
	json_object_set_new(rec, "body", json_string(arg_str(c, 4)));
	int rc = db_create(c->srv->store, mc, rec, NULL, ref, e);
	json_decref(rec);
	if (rc < 0)
		return -1;
	*result = json_string(ref);
	return 0;
}

const struct handler_row core_handlers[] = {
	{ "session.login_with_password", h_login, false },
	{ "session.logout", h_logout, false },
	{ "session.local_logout", h_logout, false },
	{ "session.get_this_host", h_get_this_host, false },
	{ "session.get_this_user", h_get_this_user, false },
	{ "session.change_password", h_change_password, false },
	{ "session.get_all_subject_identifiers", h_get_all_subject_identifiers, false },
	{ "event.from", h_event_from, false },
	{ "event.inject", h_event_inject, false },
	{ "event.get_current_id", h_event_get_current_id, false },
	{ "task.create", h_task_create, false },
	{ "task.destroy", h_task_destroy, false },
	{ "task.cancel", h_task_cancel, true },
	{ "subject.create_local_user", h_create_local_user, false },
	{ "subject.set_local_password", h_set_local_password, false },
	{ "subject.destroy", h_subject_destroy, true },
	{ "subject.add_to_roles", h_subject_roles, false },
	{ "subject.remove_from_roles", h_subject_roles, false },
	{ "subject.get_permissions_name_label", h_subject_permissions, false },
	{ "message.create", h_message_create, true },
	{ NULL, NULL, false },
};

/* Every module's table; a module adds its table here and its rows in its own file. */
const struct handler_row *const xapi_handler_tables[] = {
	core_handlers,
	vm_handlers,
	storage_handlers,
	network_handlers,
	NULL,
};
