/*
 * XenAPI dispatch: method name -> session check -> RBAC -> parameter count
 * and types -> handler (or a task for Async.*) -> encoded reply.
 *
 * Resolution order for "Class.message": an explicit handler registered in
 * handlers.c; then an explicit message of the model whose name is one of the
 * generic ones (message.get_record...); then the generic calls derived from
 * the class's fields. A message the model knows but OVCP does not implement
 * answers NOT_IMPLEMENTED; anything else MESSAGE_METHOD_UNKNOWN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "xapi/dispatch.h"

static const struct {
	const char *prefix;
	enum generic_kind kind;
} field_ops[] = {
	/* Longest prefixes first: "add_to_" before "add_". */
	{ "get_", G_GET_FIELD },     { "set_", G_SET_FIELD },	      { "add_to_", G_MAP_ADD },
	{ "remove_from_", G_MAP_REMOVE }, { "add_", G_SET_ADD }, { "remove_", G_SET_REMOVE },
};

static const struct {
	const char *name;
	enum generic_kind kind;
} class_ops[] = {
	{ "get_all", G_GET_ALL },	      { "get_all_records", G_GET_ALL_RECORDS },
	{ "get_record", G_GET_RECORD },	      { "get_by_uuid", G_GET_BY_UUID },
	{ "get_by_name_label", G_GET_BY_NAME_LABEL }, { "create", G_CREATE },
	{ "destroy", G_DESTROY },
};

static const struct xtype *type_of(const char *text)
{
	const struct xtype *t = xtype_parse(text);

	return t ? t : xtype_parse("any");
}

static void add_param(struct method *m, const char *name, const struct xtype *t, bool required)
{
	m->param_names[m->nparams] = name;
	m->param_types[m->nparams] = t;
	m->nparams++;
	if (required)
		m->nrequired = m->nparams;
}

static const struct handler_row *handler_find(const char *cls, const char *name)
{
	for (const struct handler_row *const *t = xapi_handler_tables; *t; t++)
		for (const struct handler_row *h = *t; h->method; h++) {
			const char *dot = strchr(h->method, '.');
			if (strncasecmp(h->method, cls, (size_t)(dot - h->method)) == 0 &&
			    cls[dot - h->method] == '\0' && strcmp(dot + 1, name) == 0)
				return h;
		}
	return NULL;
}

static enum generic_kind class_op_find(const char *name)
{
	for (size_t i = 0; i < MODEL_COUNT(class_ops); i++)
		if (strcmp(class_ops[i].name, name) == 0)
			return class_ops[i].kind;
	return G_NONE;
}

/* A generic class-level call: its shape and roles. */
static int resolve_class_op(struct method *m, enum generic_kind k)
{
	const struct model_class *c = m->cls;

	if (!(c->flags & CF_RECORD) && m->msg == NULL)
		return -1;
	m->generic = k;
	m->roles = ROLES_ALL;
	switch (k) {
	case G_GET_ALL:
		if (!(c->flags & CF_GET_ALL))
			return -1; /* sessions cannot be listed */
		m->result_type = generic_type(c, GT_REF_SET);
		break;
	case G_GET_ALL_RECORDS:
		if (!(c->flags & CF_GET_ALL))
			return -1;
		m->result_type = generic_type(c, GT_RECORD_MAP);
		break;
	case G_GET_RECORD:
		add_param(m, "self", generic_type(c, GT_REF), true);
		m->result_type = generic_type(c, GT_RECORD);
		break;
	case G_GET_BY_UUID:
		add_param(m, "uuid", xtype_parse("string"), true);
		m->result_type = generic_type(c, GT_REF);
		break;
	case G_GET_BY_NAME_LABEL:
		if (!(c->flags & CF_BY_NAME_LABEL))
			return -1;
		add_param(m, "label", xtype_parse("string"), true);
		m->result_type = generic_type(c, GT_REF_SET);
		break;
	case G_CREATE:
		if (!(c->flags & CF_CREATE))
			return -1;
		add_param(m, "args", generic_type(c, GT_RECORD), true);
		m->result_type = generic_type(c, GT_REF);
		m->roles = c->create_roles;
		m->async_ok = true;
		break;
	case G_DESTROY:
		if (!(c->flags & CF_DESTROY) && m->msg == NULL)
			return -1;
		add_param(m, "self", generic_type(c, GT_REF), true);
		m->result_type = xtype_parse("void");
		m->roles = c->destroy_roles ? c->destroy_roles : ROLES_POOL_OPERATOR;
		m->async_ok = true;
		break;
	default:
		return -1;
	}
	return 0;
}

/* get_F / set_F / add_to_F / remove_from_F / add_F / remove_F. */
static int resolve_field_op(struct method *m)
{
	const struct model_class *c = m->cls;

	if (!(c->flags & CF_RECORD))
		return -1;
	for (size_t i = 0; i < MODEL_COUNT(field_ops); i++) {
		size_t n = strlen(field_ops[i].prefix);
		if (strncmp(m->name, field_ops[i].prefix, n) != 0)
			continue;
		const struct model_field *f = model_field_find(c, m->name + n);
		if (f == NULL)
			continue;
		enum generic_kind k = field_ops[i].kind;
		unsigned modify = f->modify_roles ? f->modify_roles : f->write_roles;
		m->generic = k;
		m->field = f;
		add_param(m, "self", generic_type(c, GT_REF), true);
		m->result_type = xtype_parse("void");
		switch (k) {
		case G_GET_FIELD:
			m->roles = f->read_roles;
			m->result_type = f->type;
			return 0;
		case G_SET_FIELD:
			if (!f->write_roles)
				return -1;
			m->roles = f->write_roles;
			add_param(m, "value", f->type, true);
			return 0;
		case G_MAP_ADD:
		case G_MAP_REMOVE:
			if (f->type->kind != XT_MAP || !modify)
				return -1;
			m->roles = modify;
			add_param(m, "key", f->type->key, true);
			if (k == G_MAP_ADD)
				add_param(m, "value", f->type->elem, true);
			return 0;
		case G_SET_ADD:
		case G_SET_REMOVE:
			if (f->type->kind != XT_SET || !modify)
				return -1;
			m->roles = modify;
			add_param(m, "value", f->type->elem, true);
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}

int method_resolve(const char *full, struct method *m, struct err *e)
{
	const char *dot = strchr(full, '.');
	char cls_name[64];

	memset(m, 0, sizeof(*m));
	m->needs_session = true;
	if (dot == NULL || (size_t)(dot - full) >= sizeof(cls_name) || strlen(dot + 1) >= sizeof(m->name))
		goto unknown;
	memcpy(cls_name, full, (size_t)(dot - full));
	cls_name[dot - full] = '\0';
	snprintf(m->name, sizeof(m->name), "%s", dot + 1);
	m->cls = model_class_find_nocase(cls_name);
	if (m->cls == NULL)
		goto unknown;
	m->msg = model_message_find(m->cls, m->name);
	const struct handler_row *h = handler_find(m->cls->name, m->name);
	if (m->msg != NULL) {
		m->roles = m->msg->roles;
		m->needs_session = !(m->msg->flags & MF_NO_SESSION);
		m->async_ok = true;
		for (size_t i = 0; i < m->msg->param_count && i < MAX_PARAMS; i++)
			add_param(m, m->msg->params[i].name, type_of(m->msg->params[i].type_text),
				  !m->msg->params[i].optional);
		m->result_type = type_of(m->msg->result_text);
		if (h != NULL) {
			m->fn = h->fn;
			m->async_ok = h->async_ok;
			return 0;
		}
		enum generic_kind k = class_op_find(m->name);
		if (k != G_NONE && k != G_CREATE) {
			m->generic = k;
			m->async_ok = false;
			return 0;
		}
		/* Answered only after the session, RBAC and parameter checks, as xapi would. */
		m->unimplemented = true;
		return 0;
	}
	enum generic_kind k = class_op_find(m->name);
	if ((k != G_NONE && resolve_class_op(m, k) == 0) || (k == G_NONE && resolve_field_op(m) == 0)) {
		if (h != NULL) { /* an explicit handler refining a generic call (subject.destroy) */
			m->fn = h->fn;
			m->async_ok = h->async_ok;
		}
		return 0;
	}
unknown:
	err_set(e, "MESSAGE_METHOD_UNKNOWN", full, NULL);
	return -1;
}

json_t *arg(struct xapi_call *call, size_t i)
{
	return json_array_get(call->args, i);
}

const char *arg_str(struct xapi_call *call, size_t i)
{
	const char *s = json_string_value(json_array_get(call->args, i));

	return s ? s : "";
}

/* Coerce the caller's parameters to the declared types; refs of the method's class must exist. */
static json_t *params_coerce(const struct method *m, json_t *given, struct err *e)
{
	json_t *out = json_array(), *v;

	for (size_t i = 0; i < json_array_size(given); i++) {
		if (value_coerce(m->param_types[i], json_array_get(given, i), &v, m->param_names[i], e) < 0) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, v);
	}
	return out;
}

static int count_mismatch(struct err *e, const char *method, const struct method *m, size_t given)
{
	char expected[16], received[16];
	size_t extra = m->needs_session ? 1 : 0;

	snprintf(expected, sizeof(expected), "%zu", m->nparams + extra);
	snprintf(received, sizeof(received), "%zu", given + extra);
	err_set(e, "MESSAGE_PARAMETER_COUNT_MISMATCH", method, expected, received, NULL);
	return -1;
}

static int permission_denied(struct err *e, const char *method, const struct method *m)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "No permission in user session. (Roles with this permission: %s)",
		 m->roles ? model_roles_text(m->roles & ~(unsigned)R_CC) : "the local superuser only");
	err_set(e, "RBAC_PERMISSION_DENIED", method, msg, NULL);
	return -1;
}

static int run(struct xapi_call *call, const struct method *m, json_t **result, struct err *e)
{
	if (m->unimplemented) {
		err_set(e, "NOT_IMPLEMENTED", call->method, NULL);
		return -1;
	}
	if (m->fn)
		return m->fn(call, result, e);
	return generic_run(call, m, result, e);
}

/*
 * Everything between decoding and encoding. Returns 0 (*result set, or the
 * reply streamed into call->out when 1) or -1 with e.
 */
static int call_method(struct xapi_server *srv, struct xapi_call *call, json_t *params, json_t **result,
		       const struct xtype **type, struct err *e)
{
	const char *full = call->method;
	bool async = strncmp(full, "Async.", 6) == 0;
	struct method m;
	json_t *rest = NULL;
	int rc = -1;

	if (async)
		full += 6;
	if (method_resolve(full, &m, e) < 0)
		return -1;
	if (async && !m.async_ok) {
		err_set(e, "MESSAGE_METHOD_UNKNOWN", call->method, NULL);
		return -1;
	}
	size_t given = json_array_size(params);
	if (m.needs_session) {
		if (given == 0)
			return count_mismatch(e, call->method, &m, 0);
		if (!call->has_session) {
			const char *sref = json_string_value(json_array_get(params, 0));
			if (sref == NULL || session_check(srv, sref, &call->session, e) < 0) {
				if (sref == NULL)
					err_set(e, "SESSION_INVALID", "", NULL);
				return -1;
			}
			call->has_session = true;
		}
		given--;
	}
	if (given < m.nrequired || given > m.nparams)
		return count_mismatch(e, call->method, &m, given);
	/* A message with no role at all is for the local superuser only (session.change_password). */
	if (m.needs_session && !(call->session.roles & m.roles) && !(m.roles == 0 && call->session.superuser))
		return permission_denied(e, call->method, &m);
	rest = json_array();
	for (size_t i = m.needs_session ? 1 : 0; i < json_array_size(params); i++)
		json_array_append(rest, json_array_get(params, i));
	call->args = params_coerce(&m, rest, e);
	json_decref(rest);
	if (call->args == NULL)
		return -1;
	call->cls = m.cls;
	call->message = m.name;
	if (async) {
		char task[REF_LEN];
		if (task_submit(srv, &call->session, full, call->args, task, e) == 0) {
			*result = json_string(task);
			*type = xtype_parse("task ref");
			rc = 0;
		}
	} else {
		rc = run(call, &m, result, e);
		*type = m.result_type;
	}
	json_decref(call->args);
	call->args = NULL;
	return rc;
}

void xapi_dispatch(struct xapi_server *srv, const struct rpc_request *req, const struct call_origin *origin,
		   struct buf *out)
{
	struct xapi_call call = { .srv = srv, .req = req, .method = req->method, .out = out,
				  .local_root = origin && origin->local_root };
	struct err e = { 0 };
	const struct xtype *type = NULL;
	json_t *result = NULL;
	int rc;

	if (strcmp(req->method, "system.listMethods") == 0) {
		result = xapi_method_list();
		rpc_encode_success(out, req, result, xtype_parse("string set"));
		json_decref(result);
		return;
	}
	rc = call_method(srv, &call, req->params, &result, &type, &e);
	if (rc == 1)
		return; /* streamed */
	if (rc == 0)
		rpc_encode_success(out, req, result, type);
	else
		rpc_encode_failure(out, req, e.desc);
	json_decref(result);
	err_clear(&e);
}

int xapi_invoke(struct xapi_server *srv, const struct session_info *session, const char *method, json_t *args,
		const char *task_ref, json_t **result, const struct xtype **type, struct err *e)
{
	struct xapi_call call = { .srv = srv, .method = method, .session = *session, .has_session = true };
	json_t *params = json_array();
	int rc;

	snprintf(call.task_ref, sizeof(call.task_ref), "%s", task_ref ? task_ref : "");
	json_array_append_new(params, json_string(session->ref));
	json_array_extend(params, args);
	rc = call_method(srv, &call, params, result, type, e);
	json_decref(params);
	return rc;
}

static void list_add(json_t *list, const char *cls, const char *name, bool async)
{
	json_array_append_new(list, json_sprintf("%s.%s", cls, name));
	if (async)
		json_array_append_new(list, json_sprintf("Async.%s.%s", cls, name));
}

json_t *xapi_method_list(void)
{
	json_t *list = json_array();
	char name[160];
	struct method m;
	struct err e = { 0 };

	json_array_append_new(list, json_string("system.listMethods"));
	for (size_t c = 0; c < model_class_count; c++) {
		const struct model_class *cls = &model_classes[c];
		for (size_t i = 0; i < MODEL_COUNT(class_ops); i++) {
			snprintf(name, sizeof(name), "%s.%s", cls->name, class_ops[i].name);
			if (model_message_find(cls, class_ops[i].name) == NULL && method_resolve(name, &m, &e) == 0)
				list_add(list, cls->name, class_ops[i].name, m.async_ok);
			err_clear(&e);
		}
		for (size_t f = 0; f < cls->field_count; f++)
			for (size_t i = 0; i < MODEL_COUNT(field_ops); i++) {
				snprintf(name, sizeof(name), "%s.%s%s", cls->name, field_ops[i].prefix,
					 cls->fields[f].name);
				if (method_resolve(name, &m, &e) == 0 && m.field == &cls->fields[f])
					list_add(list, cls->name, name + strlen(cls->name) + 1, false);
				err_clear(&e);
			}
		for (size_t i = 0; i < cls->message_count; i++) {
			snprintf(name, sizeof(name), "%s.%s", cls->name, cls->messages[i].name);
			if (method_resolve(name, &m, &e) == 0 && !m.unimplemented)
				list_add(list, cls->name, cls->messages[i].name, m.async_ok);
			err_clear(&e);
		}
	}
	return list;
}
