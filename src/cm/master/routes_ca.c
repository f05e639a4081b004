/*
 * /puppet-ca/v1: Puppet's CA API on the files of src/cm/ca. Certificates,
 * the CRL and requests are open to anyone (an agent has no certificate yet
 * when it needs them); certificate_status(es) only to the master's own
 * certificate (puppetserver keeps them for admin certificates). A standby
 * master (--ca false) serves what is on disk but stores and signs nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cm/master/routes.h"
#include "common/log.h"

static const char *err_text(struct err *e)
{
	const char *t = json_string_value(json_array_get(e->desc, 1));
	return t ? t : err_code(e);
}

static void reply_pem_or_404(struct cm_req *q, char *pem, const char *what)
{
	if (pem == NULL) {
		req_reply_error(q, 404, "Could not find %s %s", what, q->rest);
		return;
	}
	req_reply(q, 200, "text/plain", pem, strlen(pem));
	free(pem);
}

static void route_certificate(struct cm_req *q)
{
	if (strcmp(q->rest, "ca") == 0)
		reply_pem_or_404(q, cm_ca_cert_pem(q->m->ca), "certificate");
	else
		reply_pem_or_404(q, cm_ca_read_pem(q->m->ca, "signed", q->rest), "certificate");
}

static void route_crl(struct cm_req *q)
{
	if (strcmp(q->rest, "ca") != 0) {
		req_reply_error(q, 404, "Could not find certificate_revocation_list %s", q->rest);
		return;
	}
	reply_pem_or_404(q, cm_ca_crl_pem(q->m->ca), "certificate_revocation_list");
}

static void csr_put(struct cm_req *q)
{
	struct err e = {0};
	const char *name = q->rest;

	if (!q->m->opt.ca_enabled) {
		req_reply_error(q, 503, "this master is not the CA (--ca false); send requests to the active CA");
		return;
	}
	if (cm_ca_csr_store(q->m->ca, name, q->body, q->body_len, &e) < 0) {
		req_reply_error(q, 400, "%s", err_text(&e));
		err_clear(&e);
		return;
	}
	if (cm_ca_autosign_allows(q->m->opt.autosign, name, q->body)) {
		if (cm_ca_sign(q->m->ca, name, false, &e) < 0) {
			log_warn("autosign %s: %s", name, err_text(&e));
			err_clear(&e);
		} else
			log_info("autosigned %s", name);
	}
	req_reply(q, 200, "text/plain", "", 0);
}

static void route_certificate_request(struct cm_req *q)
{
	struct err e = {0};

	switch (q->method) {
	case CM_PUT:
		csr_put(q);
		return;
	case CM_DELETE:
		if (!q->m->opt.ca_enabled || cm_ca_csr_delete(q->m->ca, q->rest, &e) < 0) {
			req_reply_error(q, 404, "Could not find certificate_request %s", q->rest);
			err_clear(&e);
		} else
			req_reply(q, 204, NULL, NULL, 0);
		return;
	default:
		reply_pem_or_404(q, cm_ca_read_pem(q->m->ca, "requests", q->rest), "certificate_request");
	}
}

static json_t *status_json(struct cm_ca_status *st)
{
	json_t *alt = json_array(), *o;

	for (size_t i = 0; st->dns_alt_names && st->dns_alt_names[i]; i++)
		json_array_append_new(alt, json_string(st->dns_alt_names[i]));
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:O, s:{}}", "name", st->name, "state",
	              cm_ca_state_name(st->state), "fingerprint", st->fingerprint_sha256, "fingerprints", "SHA1",
	              st->fingerprint_sha1, "SHA256", st->fingerprint_sha256, "default", st->fingerprint_sha256,
	              "dns_alt_names", alt, "subject_alt_names", alt, "authorization_extensions");
	if (o && st->serial) {
		char t[32];
		struct tm tm;
		json_object_set_new(o, "serial_number", json_integer(st->serial));
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SUTC", gmtime_r(&st->not_before, &tm));
		json_object_set_new(o, "not_before", json_string(t));
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SUTC", gmtime_r(&st->not_after, &tm));
		json_object_set_new(o, "not_after", json_string(t));
	}
	return o;
}

static void status_put(struct cm_req *q)
{
	json_t *body = json_loadb(q->body, q->body_len, 0, NULL);
	const char *want = json_string_value(json_object_get(body, "desired_state"));
	struct err e = {0};
	int rc = -1;

	if (!q->m->opt.ca_enabled)
		req_reply_error(q, 503, "this master is not the CA (--ca false)");
	else if (want && strcmp(want, "signed") == 0)
		rc = cm_ca_sign(q->m->ca, q->rest, false, &e);
	else if (want && strcmp(want, "revoked") == 0)
		rc = cm_ca_revoke(q->m->ca, q->rest, &e);
	else
		req_reply_error(q, 400, "desired_state must be \"signed\" or \"revoked\"");
	if (q->r == NULL)
		;
	else if (rc == 0)
		req_reply(q, 204, NULL, NULL, 0);
	else
		req_reply_error(q, strcmp(err_code(&e), "NOT_FOUND") == 0 ? 404 : 409, "%s", err_text(&e));
	err_clear(&e);
	json_decref(body);
}

static void route_certificate_status(struct cm_req *q)
{
	struct cm_ca_status st;
	struct err e = {0};

	if (q->method == CM_PUT) {
		status_put(q);
		return;
	}
	if (q->method == CM_DELETE) {
		if (!q->m->opt.ca_enabled || cm_ca_clean(q->m->ca, q->rest, &e) < 0)
			req_reply_error(q, 404, "Could not find %s", q->rest);
		else
			req_reply(q, 204, NULL, NULL, 0);
		err_clear(&e);
		return;
	}
	if (cm_ca_status_get(q->m->ca, q->rest, &st, &e) < 0) {
		req_reply_error(q, 404, "%s", err_text(&e));
		err_clear(&e);
		return;
	}
	req_reply_json(q, 200, status_json(&st));
	cm_ca_status_clear(&st);
}

static void route_certificate_statuses(struct cm_req *q)
{
	char *filter = req_query(q, "state");
	json_t *all = json_array();
	const char *subs[] = {"requests", "signed"};

	for (size_t s = 0; s < 2; s++) {
		char **names = cm_ca_list_dir(q->m->ca, subs[s]);
		for (size_t i = 0; names && names[i]; i++) {
			struct cm_ca_status st;
			struct err e = {0};
			if (cm_ca_status_get(q->m->ca, names[i], &st, &e) == 0) {
				/* a name with a request and a certificate is listed once, as signed */
				if ((s == 1 || st.state == CM_CA_REQUESTED) &&
				    (filter == NULL || strcmp(filter, cm_ca_state_name(st.state)) == 0))
					json_array_append_new(all, status_json(&st));
				cm_ca_status_clear(&st);
			}
			err_clear(&e);
		}
		cm_ca_strv_free(names);
	}
	free(filter);
	req_reply_json(q, 200, all);
}

const struct cm_route cm_routes_ca[] = {
	{CM_GET | CM_HEAD, "/puppet-ca/v1/certificate/", CM_AUTH_ANY, route_certificate},
	{CM_GET | CM_HEAD, "/puppet-ca/v1/certificate_revocation_list/", CM_AUTH_ANY, route_crl},
	{CM_GET | CM_PUT | CM_DELETE, "/puppet-ca/v1/certificate_request/", CM_AUTH_ANY, route_certificate_request},
	{CM_GET | CM_PUT | CM_DELETE, "/puppet-ca/v1/certificate_status/", CM_AUTH_MASTER, route_certificate_status},
	{CM_GET, "/puppet-ca/v1/certificate_statuses/", CM_AUTH_MASTER, route_certificate_statuses},
};
const size_t cm_routes_ca_count = sizeof(cm_routes_ca) / sizeof(cm_routes_ca[0]);
