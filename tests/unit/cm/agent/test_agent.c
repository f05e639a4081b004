/*
 * Unit tests of ovcp-cm agent's pure parts and local state: URL and form
 * encoding (the facts go URL-encoded twice), the facts document, exit codes,
 * the summary, puppet:// mount paths, Puppet's file layout, the run lock
 * (taken, refused to a second process, stale lock taken over) and the key,
 * CSR and certificate checks (made and verified with GnuTLS).
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cm/agent/agent.h"
#include "common/util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test-cm-agent.XXXXXX";

/* The inverse of one URL-encoding pass ('+' is a space, as in a form). */
static char *url_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 1) {
			char hex[3] = {s[i + 1], s[i + 2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

/* Value of KEY in an x-www-form-urlencoded BODY, decoded once. */
static char *form_get(const char *body, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			return url_decode(v, strcspn(v, "&"));
		}
	}
	return NULL;
}

static void test_escape(void)
{
	char *s = cm_http_escape("a b/c~d_e.f-g{\"x\":1}%");

	CHECK_STR(s, "a%20b%2Fc~d_e.f-g%7B%22x%22%3A1%7D%25");
	free(s);
}

static void test_facts_document(void)
{
	json_t *doc = cm_agent_facts_document("node1.example", json_pack("{s:s}", "kernel", "Linux"), NULL, true);

	CHECK_STR(json_string_value(json_object_get(doc, "name")), "node1.example");
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "values"), "kernel")), "Linux");
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "values"), "clientcert")), "node1.example");
	CHECK(json_is_true(json_object_get(json_object_get(doc, "values"), "clientnoop")));
	CHECK(json_object_get(json_object_get(doc, "values"), "agent_specified_environment") == NULL);
	CHECK(json_is_string(json_object_get(doc, "timestamp")));
	CHECK(json_is_string(json_object_get(doc, "expiration")));
	json_decref(doc);
}

static void test_catalog_form_double_encoding(void)
{
	json_t *doc = cm_agent_facts_document("n1", json_pack("{s:s}", "motd", "a&b=c %"), "dev", false);
	char *form = cm_agent_catalog_form(doc, "dev", "1234");
	char *once = form ? form_get(form, "facts") : NULL, *twice = NULL;
	json_t *back = NULL;

	CHECK(form != NULL);
	CHECK(strchr(form, ' ') == NULL && strchr(form, '{') == NULL);
	CHECK(once != NULL && strchr(once, '{') == NULL); /* still encoded after the form's own decoding */
	if (once) {
		twice = url_decode(once, strlen(once));
		back = json_loads(twice, 0, NULL);
	}
	CHECK(json_equal(back, doc));
	free(once);
	once = form_get(form, "facts_format");
	CHECK_STR(once, "application/json");
	free(once);
	once = form_get(form, "environment");
	CHECK_STR(once, "dev");
	free(once);
	once = form_get(form, "transaction_uuid");
	CHECK_STR(once, "1234");
	free(once);
	free(twice);
	free(form);
	json_decref(back);
	json_decref(doc);
}

static json_t *report_with(const char *status, int changed, int failed)
{
	return json_pack("{s:s s:i s:{s:{s:[[s,s,i],[s,s,i],[s,s,i]]}, s:{s:[[s,s,f],[s,s,f]]}, s:{s:[[s,s,i]]},"
			 " s:{s:[[s,s,i]]}}}",
			 "status", status, "configuration_version", 42, "metrics", "resources", "values", "total",
			 "Total", 5, "changed", "Changed", changed, "failed", "Failed", failed, "time", "values",
			 "config_retrieval", "Config retrieval", 0.5, "total", "Total", 0.75, "changes", "values",
			 "total", "Total", changed, "events", "values", "total", "Total", changed + failed);
}

static void test_exit_codes(void)
{
	json_t *none = report_with("unchanged", 0, 0), *ch = report_with("changed", 3, 0);
	json_t *fail = report_with("failed", 0, 1), *both = report_with("failed", 2, 1);
	json_t *norun = report_with("failed", 0, 0);

	CHECK_INT(cm_agent_exit_code(none, true), 0);
	CHECK_INT(cm_agent_exit_code(ch, true), 2);
	CHECK_INT(cm_agent_exit_code(fail, true), 4);
	CHECK_INT(cm_agent_exit_code(both, true), 6);
	CHECK_INT(cm_agent_exit_code(norun, true), 1);
	CHECK_INT(cm_agent_exit_code(ch, false), 0);
	CHECK_INT(cm_agent_exit_code(both, false), 0);
	CHECK_INT(cm_agent_exit_code(norun, false), 1);
	CHECK_INT(cm_agent_exit_code(NULL, true), 1);
	json_decref(none);
	json_decref(ch);
	json_decref(fail);
	json_decref(both);
	json_decref(norun);
}

static void test_summary(void)
{
	json_t *r = report_with("changed", 3, 0);
	char *y = cm_agent_summary_yaml(r, 1700000000);

	CHECK(y && strncmp(y, "---\nversion:\n  config: 42\n  puppet: 7.23.0\n", 42) == 0);
	CHECK(y && strstr(y, "\nresources:\n  total: 5\n  changed: 3\n  failed: 0\n"));
	CHECK(y && strstr(y, "  config_retrieval: 0.500000\n  total: 0.750000\n  last_run: 1700000000\nchanges:\n"));
	CHECK(y && strstr(y, "\nevents:\n  total: 3\n"));
	free(y);
	json_decref(r);
}

static void test_mount_path(void)
{
	char *a = cm_source_mount_path("puppet:///modules/demo/files/x.txt");
	char *b = cm_source_mount_path("puppet://master.example/modules/demo/y?z");
	char *c = cm_source_mount_path("puppet:///modules/../../etc/shadow");
	char *d = cm_source_mount_path("file:///etc/hosts");
	char *f = cm_source_mount_path("puppet:///");

	CHECK_STR(a, "modules/demo/files/x.txt");
	CHECK_STR(b, "modules/demo/y");
	CHECK(c == NULL && d == NULL && f == NULL);
	free(a);
	free(b);
}

static void test_paths(void)
{
	struct cm_agent_config cfg = {.certname = "n1.example", .confdir = strdup("/c"), .vardir = strdup("/v"),
				      .runinterval = 1800};
	struct cm_agent_paths p;
	struct err e = {0};

	CHECK_INT(cm_agent_config_finish(&cfg, &e), 0);
	CHECK_STR(cfg.ssldir, "/c/ssl");
	CHECK_STR(cfg.statedir, "/v/state");
	CHECK_INT(cfg.splaylimit, 1800);
	CHECK_INT(cm_agent_paths_init(&p, &cfg, &e), 0);
	CHECK_STR(p.ca, "/c/ssl/certs/ca.pem");
	CHECK_STR(p.cert, "/c/ssl/certs/n1.example.pem");
	CHECK_STR(p.key, "/c/ssl/private_keys/n1.example.pem");
	CHECK_STR(p.csr, "/c/ssl/certificate_requests/n1.example.pem");
	CHECK_STR(p.crl, "/c/ssl/crl.pem");
	CHECK_STR(p.lock, "/v/state/agent_catalog_run.lock");
	CHECK_STR(p.report, "/v/state/last_run_report.json");
	CHECK_STR(p.summary, "/v/state/last_run_summary.yaml");
	CHECK_STR(p.catalog_cache, "/v/client_data/catalog/n1.example.json");
	cm_agent_paths_free(&p);
	cm_agent_config_free(&cfg);
	err_clear(&e);
}

/* Exit status of a child that tries to take LOCK: 0 taken, 1 refused with PID_EXPECT, 2 other. */
static int lock_in_child(const char *lock, long pid_expect)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct err e = {0};
		if (cm_agent_lock_take(lock, &e) == 0)
			_exit(0);
		_exit(strcmp(err_code(&e), "AGENT_LOCKED") == 0 &&
			      atol(json_string_value(json_array_get(e.desc, 1))) == pid_expect
		      ? 1
		      : 2);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

static void test_lock(void)
{
	char lock[256], text[32];
	struct err e = {0};
	char *content;

	snprintf(lock, sizeof(lock), "%s/state/agent_catalog_run.lock", tmpdir);
	CHECK_INT(cm_agent_lock_take(lock, &e), 0);
	content = file_read_all(lock, NULL);
	CHECK(content && atol(content) == (long)getpid());
	free(content);
	CHECK_INT(lock_in_child(lock, (long)getpid()), 1); /* a second run is refused */
	cm_agent_lock_release(lock);
	CHECK(access(lock, F_OK) != 0);
	CHECK_INT(lock_in_child(lock, 0), 0); /* free again */

	/* a stale lock left by a run that died is taken over */
	snprintf(text, sizeof(text), "%ld\n", dead_pid());
	CHECK_INT(file_write_atomic(lock, text, strlen(text), 0644), 0);
	CHECK_INT(cm_agent_lock_take(lock, &e), 0);
	content = file_read_all(lock, NULL);
	CHECK(content && atol(content) == (long)getpid());
	free(content);
	cm_agent_lock_release(lock);

	/* a live pid written by Puppet's own agent (no flock) is respected */
	CHECK_INT(file_write_atomic(lock, "1\n", 2, 0644), 0);
	CHECK_INT(cm_agent_lock_take(lock, &e), -1);
	CHECK_STR(err_code(&e), "AGENT_LOCKED");
	unlink(lock);
	err_clear(&e);
}

/* A certificate for KEY_PEM with CN=NAME, self-signed (stands for the CA's signature here). */
static char *self_signed(const char *key_pem, const char *name)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)key_pem, (unsigned)strlen(key_pem)}, out;
	unsigned char serial[1] = {1};
	char *pem = NULL;

	gnutls_x509_privkey_init(&key);
	gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM);
	gnutls_x509_crt_init(&crt);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, 1);
	gnutls_x509_crt_set_activation_time(crt, time(NULL) - 60);
	gnutls_x509_crt_set_expiration_time(crt, time(NULL) + 3600);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, name, (unsigned)strlen(name));
	gnutls_x509_crt_set_key(crt, key);
	if (gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) == 0 &&
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) == 0) {
		pem = strndup((char *)out.data, out.size);
		gnutls_free(out.data);
	}
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return pem;
}

static void test_key_csr_cert(void)
{
	struct err e = {0};
	char *key = cm_ssl_key_generate(2048, &e), *other = cm_ssl_key_generate(2048, &e);
	char *csr = key ? cm_ssl_csr_generate(key, "agent.example", &e) : NULL;
	gnutls_x509_crq_t crq;
	gnutls_datum_t d;
	char cn[128] = "";
	size_t cnlen = sizeof(cn);
	unsigned bits = 0;
	char *cert = key ? self_signed(key, "agent.example") : NULL;

	CHECK(key && strstr(key, "-----BEGIN RSA PRIVATE KEY-----"));
	CHECK(csr && strncmp(csr, "-----BEGIN CERTIFICATE REQUEST-----\n", 36) == 0);
	CHECK(csr && strstr(csr, "-----END CERTIFICATE REQUEST-----"));
	if (csr) {
		d.data = (unsigned char *)csr;
		d.size = (unsigned)strlen(csr);
		gnutls_x509_crq_init(&crq);
		CHECK_INT(gnutls_x509_crq_import(crq, &d, GNUTLS_X509_FMT_PEM), 0);
		CHECK_INT(gnutls_x509_crq_verify(crq, 0), 0); /* signed with the key it carries */
		CHECK_INT(gnutls_x509_crq_get_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cnlen), 0);
		CHECK_STR(cn, "agent.example");
		gnutls_x509_crq_get_pk_algorithm(crq, &bits);
		CHECK_INT(bits, 2048);
		gnutls_x509_crq_deinit(crq);
	}
	CHECK(cert != NULL);
	CHECK_INT(cm_ssl_cert_matches(cert, key, "agent.example", &e), 0);
	CHECK_INT(cm_ssl_cert_matches(cert, other, "agent.example", &e), -1);
	CHECK(strstr(json_string_value(json_array_get(e.desc, 1)), "does not match its private key") != NULL);
	err_clear(&e);
	CHECK_INT(cm_ssl_cert_matches(cert, key, "someone.else", &e), -1);
	err_clear(&e);
	free(key);
	free(other);
	free(csr);
	free(cert);
}

int main(void)
{
	char *rm[] = {"rm", "-rf", tmpdir, NULL};

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	TAP_RUN(test_escape);
	TAP_RUN(test_facts_document);
	TAP_RUN(test_catalog_form_double_encoding);
	TAP_RUN(test_exit_codes);
	TAP_RUN(test_summary);
	TAP_RUN(test_mount_path);
	TAP_RUN(test_paths);
	TAP_RUN(test_lock);
	TAP_RUN(test_key_csr_cert);
	if (fork() == 0) {
		execvp(rm[0], rm);
		_exit(127);
	}
	wait(NULL);
	return tap_done();
}
