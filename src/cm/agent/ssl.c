/*
 * The agent's identity: its RSA key, its CSR and the CA-signed certificate,
 * plus the CA certificate and CRL it trusts, in Puppet's ssldir layout.
 *
 * Bootstrap follows Puppet 7's SSL state machine: the CA certificate is
 * fetched once without verifying the server (there is nothing to verify it
 * with yet), every later request verifies the master against it; the CRL
 * comes next, then a key (RSA 2048, as Puppet 7 makes), a CSR PUT to the CA
 * and polling of certificate/NAME, which answers 404 until the CA signs.
 * A certificate is only accepted when its public key is our key's and its
 * CN is our certname. Keys and CSRs are made with GnuTLS, which the project
 * already links (libcurl on Debian uses it too), rather than a second TLS
 * library.
 */
#include "cm/agent/agent.h"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

static char *datum_to_string(gnutls_datum_t *d)
{
	char *s = malloc(d->size + 1);

	if (s) {
		memcpy(s, d->data, d->size);
		s[d->size] = '\0';
	}
	gnutls_free(d->data);
	return s;
}

char *cm_ssl_key_generate(unsigned bits, struct err *e)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t out = {NULL, 0};
	char *pem = NULL;
	int rc;

	if ((rc = gnutls_x509_privkey_init(&key)) < 0 ||
	    (rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, bits, 0)) < 0 ||
	    (rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out)) < 0)
		err_setf(e, "AGENT_SSL", "Could not generate a private key: %s", gnutls_strerror(rc));
	else
		pem = datum_to_string(&out);
	gnutls_x509_privkey_deinit(key);
	return pem;
}

static int key_import(gnutls_x509_privkey_t *key, const char *pem, struct err *e)
{
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem)};
	int rc = gnutls_x509_privkey_init(key);

	if (rc >= 0)
		rc = gnutls_x509_privkey_import(*key, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		err_setf(e, "AGENT_SSL", "Could not read the private key: %s", gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

/* GnuTLS writes "NEW CERTIFICATE REQUEST"; Puppet and OpenSSL write the shorter label. */
static void csr_relabel(char *pem)
{
	static const char from[] = "NEW CERTIFICATE REQUEST";
	char *p;

	while ((p = strstr(pem, from)) != NULL)
		memmove(p, p + 4, strlen(p + 4) + 1);
}

char *cm_ssl_csr_generate(const char *key_pem, const char *certname, struct err *e)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crq_t crq = NULL;
	gnutls_datum_t out = {NULL, 0};
	char *pem = NULL;
	int rc;

	if (key_import(&key, key_pem, e) < 0)
		return NULL;
	if ((rc = gnutls_x509_crq_init(&crq)) < 0 ||
	    (rc = gnutls_x509_crq_set_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, certname,
						(unsigned)strlen(certname))) < 0 ||
	    (rc = gnutls_x509_crq_set_version(crq, 1)) < 0 || (rc = gnutls_x509_crq_set_key(crq, key)) < 0 ||
	    (rc = gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (rc = gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_PEM, &out)) < 0) {
		err_setf(e, "AGENT_SSL", "Could not make a certificate request: %s", gnutls_strerror(rc));
	} else {
		pem = datum_to_string(&out);
		if (pem)
			csr_relabel(pem);
	}
	gnutls_x509_crq_deinit(crq);
	gnutls_x509_privkey_deinit(key);
	return pem;
}

int cm_ssl_cert_matches(const char *cert_pem, const char *key_pem, const char *certname, struct err *e)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)cert_pem, (unsigned)strlen(cert_pem)};
	unsigned char kid1[64], kid2[64];
	size_t n1 = sizeof(kid1), n2 = sizeof(kid2);
	char cn[256];
	size_t cnlen = sizeof(cn);
	int rc = -1;

	if (key_import(&key, key_pem, e) < 0)
		return -1;
	if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0) {
		err_setf(e, "AGENT_SSL", "The certificate for %s cannot be read", certname);
		goto out;
	}
	if (gnutls_x509_crt_get_key_id(crt, 0, kid1, &n1) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, 0, kid2, &n2) < 0 || n1 != n2 || memcmp(kid1, kid2, n1) != 0) {
		err_setf(e, "AGENT_SSL", "The certificate for 'CN=%s' does not match its private key", certname);
		goto out;
	}
	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cnlen) < 0 ||
	    strcmp(cn, certname) != 0) {
		err_setf(e, "AGENT_SSL", "Expected certificate for '%s' but received one for another name",
			 certname);
		goto out;
	}
	rc = 0;
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

/* True when PEM holds at least one parseable certificate. */
static bool pem_has_cert(const char *pem)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned n = 0;
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem)};

	if (gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0) < 0)
		return false;
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	return n > 0;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int parent_make(const char *path, unsigned mode)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = dir_make_all(dir, mode);
	}
	free(dir);
	return rc;
}

static int save(const char *path, const char *text, unsigned mode, struct err *e)
{
	if (parent_make(path, 0755) < 0 || file_write_atomic(path, text, strlen(text), mode) < 0) {
		err_setf(e, "AGENT_SSL", "Could not write %s", path);
		return -1;
	}
	return 0;
}

/* GET a PEM document from the CA; 1 when the CA has none (404). */
static int ca_get(struct cm_http *h, const char *what, char **pem, struct err *e)
{
	struct cm_http_response r;
	char *path = NULL;
	int rc = -1;

	*pem = NULL;
	if (asprintf(&path, "/puppet-ca/v1/%s", what) < 0)
		return -1;
	if (cm_http_request(h, "GET", path, NULL, NULL, 0, "text/plain", &r, e) < 0)
		goto out;
	if (r.status == 200) {
		*pem = r.body;
		r.body = NULL;
		rc = 0;
	} else if (r.status == 404) {
		rc = 1;
	} else {
		char *msg = cm_http_error_text(&r);
		err_setf(e, "AGENT_SSL", "%s: %s", what, msg ? msg : "?");
		free(msg);
	}
	cm_http_response_clear(&r);
out:
	free(path);
	return rc;
}

static int bootstrap_ca(const struct cm_agent_config *cfg, const struct cm_agent_paths *p, struct err *e)
{
	struct cm_http *h;
	char *pem = NULL;
	int rc = -1;

	if (file_exists(p->ca))
		return 0;
	h = cm_http_new(cfg->server, cfg->port, NULL, NULL, NULL, NULL, cfg->http_timeout, e);
	if (h == NULL)
		return -1;
	if (ca_get(h, "certificate/ca", &pem, e) != 0 || !pem_has_cert(pem)) {
		if (!err_isset(e))
			err_set(e, "AGENT_SSL", "CA certificate is missing from the server", NULL);
	} else if (save(p->ca, pem, 0644, e) == 0) {
		cm_agent_log("info", "Downloaded certificate for ca from %s", cfg->server);
		rc = 0;
	}
	free(pem);
	cm_http_free(h);
	return rc;
}

static int bootstrap_crl(struct cm_http *h, const struct cm_agent_config *cfg, const struct cm_agent_paths *p,
			 struct err *e)
{
	char *pem = NULL;
	int rc = -1;

	if (file_exists(p->crl))
		return 0;
	if (ca_get(h, "certificate_revocation_list/ca", &pem, e) != 0) {
		if (!err_isset(e))
			err_set(e, "AGENT_SSL", "CRL is missing from the server", NULL);
	} else if (save(p->crl, pem, 0644, e) == 0) {
		cm_agent_log("info", "Downloaded certificate revocation list for ca from %s", cfg->server);
		rc = 0;
	}
	free(pem);
	return rc;
}

static char *bootstrap_key(const struct cm_agent_config *cfg, const struct cm_agent_paths *p, struct err *e)
{
	char *key = file_read_all(p->key, NULL);

	if (key)
		return key;
	cm_agent_log("info", "Creating a new RSA SSL key for %s", cfg->certname);
	key = cm_ssl_key_generate(2048, e);
	if (key && (parent_make(p->key, 0750) < 0 || save(p->key, key, 0640, e) < 0)) {
		free(key);
		return NULL;
	}
	return key;
}

/* "AB:CD:..." SHA-256 of the CSR's DER, as Puppet prints it. */
static void csr_fingerprint(const char *pem, char *out, size_t size)
{
	gnutls_x509_crq_t crq = NULL;
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem)}, der = {NULL, 0};
	unsigned char digest[32];
	size_t len = 0;

	out[0] = '\0';
	if (gnutls_x509_crq_init(&crq) >= 0 && gnutls_x509_crq_import(crq, &d, GNUTLS_X509_FMT_PEM) >= 0 &&
	    gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_DER, &der) >= 0 &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, digest) >= 0)
		for (size_t i = 0; i < sizeof(digest) && len + 3 < size; i++)
			len += (size_t)snprintf(out + len, size - len, i ? ":%02X" : "%02X", digest[i]);
	gnutls_free(der.data);
	gnutls_x509_crq_deinit(crq);
}

static int csr_submit(struct cm_http *h, const struct cm_agent_config *cfg, const struct cm_agent_paths *p,
		      const char *key, struct err *e)
{
	struct cm_http_response r;
	char *csr, *path = NULL, *name = NULL;
	int rc = -1;

	cm_agent_log("info", "Creating a new SSL certificate request for %s", cfg->certname);
	csr = cm_ssl_csr_generate(key, cfg->certname, e);
	if (csr == NULL || save(p->csr, csr, 0644, e) < 0)
		goto out;
	name = cm_http_escape(cfg->certname);
	if (name == NULL || asprintf(&path, "/puppet-ca/v1/certificate_request/%s", name) < 0)
		goto out;
	if (cm_http_request(h, "PUT", path, "text/plain", csr, strlen(csr), "text/plain", &r, e) < 0)
		goto out;
	if (r.status == 200 || r.status == 204) {
		char fp[100];
		csr_fingerprint(csr, fp, sizeof(fp));
		cm_agent_log("info", "Certificate Request fingerprint (SHA256): %s", fp);
		cm_agent_log("info", "Certificate Request submitted to %s", cfg->server);
		rc = 0;
	} else if (r.status == 400 && r.body && strstr(r.body, "already has a requested certificate")) {
		rc = 0; /* an earlier run's request is waiting for signing */
	} else {
		char *msg = cm_http_error_text(&r);
		err_setf(e, "AGENT_SSL", "Failed to submit the CSR, HTTP response was %ld: %s", r.status,
			 msg ? msg : "");
		free(msg);
	}
	cm_http_response_clear(&r);
out:
	free(csr);
	free(name);
	free(path);
	return rc;
}

/* 0: the signed certificate is saved; 1: not signed yet. */
static int cert_fetch(struct cm_http *h, const struct cm_agent_config *cfg, const struct cm_agent_paths *p,
		      const char *key, struct err *e)
{
	char *name = cm_http_escape(cfg->certname), *what = NULL, *pem = NULL;
	int rc = -1;

	if (name == NULL || asprintf(&what, "certificate/%s", name) < 0)
		goto out;
	rc = ca_get(h, what, &pem, e);
	if (rc == 0) {
		if (cm_ssl_cert_matches(pem, key, cfg->certname, e) < 0 || save(p->cert, pem, 0644, e) < 0)
			rc = -1;
		else
			cm_agent_log("info", "Downloaded certificate for %s from %s", cfg->certname, cfg->server);
	}
out:
	free(pem);
	free(what);
	free(name);
	return rc;
}

static int bootstrap_cert(struct cm_http *h, const struct cm_agent_config *cfg, const struct cm_agent_paths *p,
			  const char *key, struct err *e)
{
	int rc = cert_fetch(h, cfg, p, key, e);

	if (rc == 1)
		rc = csr_submit(h, cfg, p, key, e) < 0 ? -1 : cert_fetch(h, cfg, p, key, e);
	while (rc == 1) {
		cm_agent_log("info", "Certificate for %s has not been signed yet", cfg->certname);
		if (cfg->waitforcert <= 0) {
			cm_agent_log("notice",
				     "Couldn't fetch certificate from CA server; you might still need to sign this "
				     "agent's certificate (%s).", cfg->certname);
			err_set(e, "AGENT_NO_CERT", "Exiting now because the waitforcert setting is set to 0.", NULL);
			return -1;
		}
		cm_agent_log("notice",
			     "Couldn't fetch certificate from CA server; you might still need to sign this agent's "
			     "certificate (%s). Will try again in %d seconds.", cfg->certname, cfg->waitforcert);
		sleep((unsigned)cfg->waitforcert);
		rc = cert_fetch(h, cfg, p, key, e);
	}
	return rc;
}

int cm_ssl_bootstrap(const struct cm_agent_config *cfg, const struct cm_agent_paths *p, struct err *e)
{
	struct cm_http *h = NULL;
	char *key = NULL, *cert = NULL;
	int rc = -1;

	if (bootstrap_ca(cfg, p, e) < 0)
		return -1;
	cert = file_read_all(p->cert, NULL);
	if (file_exists(p->crl) && cert && file_exists(p->key)) {
		free(cert);
		return 0;
	}
	h = cm_http_new(cfg->server, cfg->port, p->ca, NULL, NULL, NULL, cfg->http_timeout, e);
	if (h == NULL || bootstrap_crl(h, cfg, p, e) < 0 || (key = bootstrap_key(cfg, p, e)) == NULL)
		goto out;
	if (cert) {
		rc = cm_ssl_cert_matches(cert, key, cfg->certname, e);
		goto out;
	}
	rc = bootstrap_cert(h, cfg, p, key, e);
out:
	free(cert);
	free(key);
	cm_http_free(h);
	return rc;
}
