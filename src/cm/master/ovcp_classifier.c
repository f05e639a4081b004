/*
 * OVCP's own node classifier: a node's classes are set on its VM in the
 * platform. The VM is the one whose other_config "ovcp-cm-certname" equals
 * the certname, or else whose name_label does. From its other_config:
 *
 *   ovcp-cm-classes               "ntp,web::server"  (comma-separated classes)
 *   ovcp-cm-param:CLASS::PARAM    a JSON value       (class parameter)
 *   ovcp-cm-var:NAME              a JSON value       (top-scope variable)
 *   ovcp-cm-environment           "production"       (the node's environment)
 *
 * A value that is not valid JSON is taken as a string. The XenAPI is called
 * through JSON-RPC (libcurl) with credentials from a file ("user\npassword");
 * the session is kept and renewed when the server says SESSION_INVALID.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cm/master/node.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"

#define KEY_CLASSES "ovcp-cm-classes"
#define KEY_PARAM "ovcp-cm-param:"
#define KEY_VAR "ovcp-cm-var:"
#define KEY_ENV "ovcp-cm-environment"
#define KEY_CERTNAME "ovcp-cm-certname"

static json_t *value_of(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	return v ? v : json_string(text);
}

int cm_ovcp_classes_from_other_config(const json_t *oc, struct cm_node_class *out, struct err *e)
{
	const char *k;
	json_t *v;

	memset(out, 0, sizeof(*out));
	out->classes = json_object();
	out->parameters = json_object();
	const char *list = json_string_value(json_object_get(oc, KEY_CLASSES));
	if (list) {
		char *copy = strdup(list), *save = NULL;
		for (char *c = strtok_r(copy, ", \t", &save); c; c = strtok_r(NULL, ", \t", &save))
			json_object_set_new(out->classes, c, json_object());
		free(copy);
	}
	json_object_foreach((json_t *)oc, k, v) {
		if (!json_is_string(v))
			continue;
		if (strncmp(k, KEY_PARAM, strlen(KEY_PARAM)) == 0) {
			const char *full = k + strlen(KEY_PARAM), *sep = strrchr(full, ':');
			if (sep == NULL || sep - full < 2 || sep[-1] != ':' || sep[1] == '\0') {
				err_setf(e, "BAD_CLASSIFICATION", "other_config key %s is not " KEY_PARAM "CLASS::PARAM", k);
				cm_node_class_clear(out);
				return -1;
			}
			char *cls = strndup(full, (size_t)(sep - 1 - full));
			json_t *params = json_object_get(out->classes, cls);
			if (params == NULL) { /* a parameter declares its class too */
				params = json_object();
				json_object_set_new(out->classes, cls, params);
			}
			json_object_set_new(params, sep + 1, value_of(json_string_value(v)));
			free(cls);
		} else if (strncmp(k, KEY_VAR, strlen(KEY_VAR)) == 0)
			json_object_set_new(out->parameters, k + strlen(KEY_VAR), value_of(json_string_value(v)));
	}
	const char *env = json_string_value(json_object_get(oc, KEY_ENV));
	if (env && *env)
		out->environment = strdup(env);
	return 0;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	buf_add(arg, data, size * n);
	return size * n;
}

/* One JSON-RPC call; the result (new reference) or NULL with e set. */
static json_t *rpc(const char *url, const char *method, json_t *params, struct err *e)
{
	json_t *req = json_pack("{s:s, s:s, s:o, s:i}", "jsonrpc", "2.0", "method", method, "params", params, "id", 1);
	char *body = json_dumps(req, JSON_COMPACT), *full = NULL;
	struct buf reply = BUF_INIT;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	json_t *doc = NULL, *result = NULL;
	long code = 0;

	json_decref(req);
	if (c == NULL || body == NULL || asprintf(&full, "%s/jsonrpc", url) < 0) {
		err_internal(e, "cannot prepare a XenAPI call");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK || code != 200) {
		err_setf(e, "XAPI_UNREACHABLE", "%s: %s (HTTP %ld)", full, curl_easy_strerror(cc), code);
		goto out;
	}
	doc = json_loads(buf_cstr(&reply), 0, NULL);
	json_t *error = json_object_get(doc, "error");
	if (error && !json_is_null(error)) {
		const char *m = json_string_value(json_object_get(error, "message"));
		err_setf(e, m ? m : "XAPI_ERROR", "%s failed: %s", method, m ? m : "error");
		goto out;
	}
	result = json_object_get(doc, "result");
	if (result)
		json_incref(result);
	else
		err_setf(e, "XAPI_ERROR", "%s: no result", method);
out:
	json_decref(doc);
	curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	free(body);
	free(full);
	buf_free(&reply);
	return result;
}

static char *login(struct cm_master *m, struct err *e)
{
	char *cred = file_read_all(m->opt.ovcp_credentials, NULL), *nl, *session = NULL;

	if (cred == NULL || (nl = strchr(cred, '\n')) == NULL) {
		err_setf(e, "BAD_CREDENTIALS", "cannot read user and password (two lines) from %s", m->opt.ovcp_credentials);
		free(cred);
		return NULL;
	}
	*nl = '\0';
	char *pw = nl + 1;
	pw[strcspn(pw, "\r\n")] = '\0';
	json_t *r = rpc(m->opt.ovcp_xapi, "session.login_with_password", json_pack("[s, s, s, s]", cred, pw, "1.0", "ovcp-cm"), e);
	if (json_is_string(r))
		session = strdup(json_string_value(r));
	json_decref(r);
	free(cred);
	return session;
}

/* The other_config of the certname's VM: a new reference, or NULL (no VM: an empty object). */
static json_t *vm_other_config(struct cm_master *m, const char *session, const char *certname, struct err *e)
{
	json_t *all = rpc(m->opt.ovcp_xapi, "VM.get_all_records", json_pack("[s]", session), e);
	json_t *by_label = NULL, *found = NULL, *rec;
	const char *ref;

	if (all == NULL)
		return NULL;
	json_object_foreach(all, ref, rec) {
		json_t *oc = json_object_get(rec, "other_config");
		const char *cn = json_string_value(json_object_get(oc, KEY_CERTNAME));
		const char *label = json_string_value(json_object_get(rec, "name_label"));
		if (json_is_true(json_object_get(rec, "is_a_template")))
			continue;
		if (cn && strcmp(cn, certname) == 0) {
			found = oc;
			break;
		}
		if (label && strcmp(label, certname) == 0 && by_label == NULL)
			by_label = oc;
	}
	found = found ? found : by_label;
	found = found ? json_incref(found) : json_object();
	json_decref(all);
	return found;
}

int cm_ovcp_classify(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e)
{
	json_t *oc = NULL;
	char *session;

	memset(out, 0, sizeof(*out));
	for (int attempt = 0; attempt < 2 && oc == NULL; attempt++) {
		pthread_mutex_lock(&m->xapi_lock);
		if (m->xapi_session == NULL)
			m->xapi_session = login(m, e);
		session = m->xapi_session ? strdup(m->xapi_session) : NULL;
		pthread_mutex_unlock(&m->xapi_lock);
		if (session == NULL)
			return -1;
		oc = vm_other_config(m, session, certname, e);
		if (oc == NULL && strcmp(err_code(e), "SESSION_INVALID") == 0) {
			err_clear(e);
			pthread_mutex_lock(&m->xapi_lock);
			if (m->xapi_session && strcmp(m->xapi_session, session) == 0) {
				free(m->xapi_session);
				m->xapi_session = NULL;
			}
			pthread_mutex_unlock(&m->xapi_lock);
		}
		free(session);
	}
	if (oc == NULL)
		return -1;
	int rc = cm_ovcp_classes_from_other_config(oc, out, e);
	json_decref(oc);
	return rc;
}
