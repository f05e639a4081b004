/*
 * Unit tests of the master's pure parts and of the CA on a scratch
 * directory: certname rule, autosign policies, CSR validation, issued
 * certificate extensions, CRL and revocation, sign/revoke/clean on disk,
 * form decoding of facts, ENC YAML, generated Puppet code, the OVCP
 * classifier's other_config keys, report summaries and the dashboard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cm/ca/ca.h"
#include "cm/dashboard/dashboard.h"
#include "cm/master/node.h"
#include "cm/reports/reports.h"
#include "common/util.h"
#include "tap.h"

static const char *report_path;
static char scratch[] = "/tmp/test-cm-master-XXXXXX";

static void test_certname_rule(void)
{
	CHECK(cm_ca_name_valid("node1.example"));
	CHECK(cm_ca_name_valid("a-b_c.d9"));
	CHECK(!cm_ca_name_valid("Node1"));
	CHECK(!cm_ca_name_valid("*.example"));
	CHECK(!cm_ca_name_valid("../etc"));
	CHECK(!cm_ca_name_valid("a/b"));
	CHECK(!cm_ca_name_valid(".."));
	CHECK(!cm_ca_name_valid(""));
}

static void test_autosign_policies(void)
{
	const char *conf = "# comment\n  *.example.com \nexact.host\n";
	char path[256], prog[256];

	CHECK(cm_ca_autosign_globs_match(conf, "web1.example.com"));
	CHECK(cm_ca_autosign_globs_match(conf, "exact.host"));
	CHECK(!cm_ca_autosign_globs_match(conf, "web1.example.org"));
	CHECK(!cm_ca_autosign_globs_match(conf, "comment"));
	CHECK(cm_ca_autosign_allows("true", "x", ""));
	CHECK(!cm_ca_autosign_allows("false", "x", ""));
	snprintf(path, sizeof(path), "%s/autosign.conf", scratch);
	CHECK(file_write_atomic(path, conf, strlen(conf), 0644) == 0);
	CHECK(cm_ca_autosign_allows(path, "a.example.com", ""));
	CHECK(!cm_ca_autosign_allows(path, "a.example.net", ""));
	/* a policy executable: signs when argv[1] is "good" and the CSR arrived on stdin */
	snprintf(prog, sizeof(prog), "%s/policy.sh", scratch);
	const char *script = "#!/bin/sh\ngrep -q 'BEGIN CERTIFICATE REQUEST' || exit 2\n[ \"$1\" = good ]\n";
	CHECK(file_write_atomic(prog, script, strlen(script), 0755) == 0);
	CHECK(cm_ca_autosign_allows(prog, "good", "-----BEGIN CERTIFICATE REQUEST-----\n"));
	CHECK(!cm_ca_autosign_allows(prog, "bad", "-----BEGIN CERTIFICATE REQUEST-----\n"));
	CHECK(!cm_ca_autosign_allows(prog, "good", "no csr"));
}

/* A CSR for CN with an optional SAN, PEM, malloc'ed. */
static char *make_csr(const char *cn, const char *san, EVP_PKEY **keyp)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_REQ_get_subject_name(req);
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_REQ_set_pubkey(req, key);
	if (san) {
		STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
		sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san));
		X509_REQ_add_extensions(req, exts);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	X509_REQ_sign(req, key, EVP_sha256());
	PEM_write_bio_X509_REQ(b, req);
	n = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)n);
	BIO_free(b);
	X509_REQ_free(req);
	if (keyp)
		*keyp = key;
	else
		EVP_PKEY_free(key);
	return out;
}

static void test_csr_validation(void)
{
	struct err e = {0};
	char *csr = make_csr("node1.example", NULL, NULL);
	X509_REQ *req;

	req = cm_ca_csr_parse(csr, strlen(csr), "node1.example", &e);
	CHECK(req != NULL);
	X509_REQ_free(req);
	CHECK(cm_ca_csr_parse(csr, strlen(csr), "node2.example", &e) == NULL);
	CHECK_STR(err_code(&e), "BAD_CSR");
	err_clear(&e);
	CHECK(cm_ca_csr_parse("garbage", 7, "node1.example", &e) == NULL);
	err_clear(&e);
	free(csr);
	csr = make_csr("Upper.Example", NULL, NULL);
	CHECK(cm_ca_csr_parse(csr, strlen(csr), "Upper.Example", &e) == NULL);
	err_clear(&e);
	free(csr);
}

static bool has_ext_text(X509 *x, int nid, const char *want)
{
	int i = X509_get_ext_by_NID(x, nid, -1);
	X509_EXTENSION *ext = i >= 0 ? X509_get_ext(x, i) : NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	bool ok = false;

	if (ext && X509V3_EXT_print(b, ext, 0, 0) == 1) {
		long n = BIO_get_mem_data(b, &data);
		ok = n > 0 && strstr(strndupa(data, (size_t)n), want) != NULL;
	}
	BIO_free(b);
	return ok;
}

static void test_ca_on_disk(void)
{
	struct err e = {0};
	char dir[300];
	struct cm_ca *ca;
	EVP_PKEY *key = NULL;
	char *csr, *pem;
	struct cm_ca_status st;

	snprintf(dir, sizeof(dir), "%s/ca", scratch);
	ca = cm_ca_open(dir, true, "master.test", 2048, &e);
	CHECK(ca != NULL);
	if (ca == NULL)
		return;
	char subj[300];
	X509_NAME_oneline(X509_get_subject_name(ca->cert), subj, sizeof(subj));
	CHECK_STR(subj, "/CN=Puppet CA: master.test");
	CHECK(has_ext_text(ca->cert, NID_basic_constraints, "CA:TRUE"));

	csr = make_csr("node1.example", NULL, &key);
	CHECK(cm_ca_csr_store(ca, "node1.example", csr, strlen(csr), &e) == 0);
	CHECK(cm_ca_read_pem(ca, "signed", "node1.example") == NULL);
	CHECK(cm_ca_status_get(ca, "node1.example", &st, &e) == 0 && st.state == CM_CA_REQUESTED);
	cm_ca_status_clear(&st);
	CHECK(cm_ca_sign(ca, "node1.example", false, &e) == 0);
	pem = cm_ca_read_pem(ca, "signed", "node1.example");
	CHECK(pem != NULL);
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	CHECK(x != NULL);
	if (x) {
		CHECK(X509_verify(x, X509_get0_pubkey(ca->cert)) == 1);
		CHECK(has_ext_text(x, NID_basic_constraints, "CA:FALSE"));
		CHECK(has_ext_text(x, NID_ext_key_usage, "TLS Web Server Authentication"));
		CHECK(has_ext_text(x, NID_ext_key_usage, "TLS Web Client Authentication"));
		CHECK(has_ext_text(x, NID_key_usage, "Digital Signature"));
		CHECK(X509_get_ext_by_NID(x, NID_subject_key_identifier, -1) >= 0);
		CHECK(X509_get_ext_by_NID(x, NID_authority_key_identifier, -1) >= 0);
		CHECK(X509_cmp_time(X509_get0_notAfter(x), NULL) > 0);
		time_t in4y = time(NULL) + 4L * 365 * 86400, in6y = time(NULL) + 6L * 365 * 86400;
		CHECK(X509_cmp_time(X509_get0_notAfter(x), &in4y) > 0 && X509_cmp_time(X509_get0_notAfter(x), &in6y) < 0);
		CHECK_INT(ASN1_INTEGER_get(X509_get0_serialNumber(x)), 2);
		X509_free(x);
	}
	free(pem);
	/* a second CSR for a name that is signed is refused */
	CHECK(cm_ca_csr_store(ca, "node1.example", csr, strlen(csr), &e) < 0);
	err_clear(&e);
	free(csr);

	/* alt names need the explicit permission */
	csr = make_csr("node2.example", "DNS:puppet,DNS:node2.example", NULL);
	CHECK(cm_ca_csr_store(ca, "node2.example", csr, strlen(csr), &e) == 0);
	CHECK(cm_ca_sign(ca, "node2.example", false, &e) < 0);
	err_clear(&e);
	CHECK(cm_ca_sign(ca, "node2.example", true, &e) == 0);
	free(csr);

	/* revoke: the CRL lists the serial; the state says so */
	CHECK(!cm_ca_serial_revoked(ca, 2));
	CHECK(cm_ca_revoke(ca, "node1.example", &e) == 0);
	CHECK(cm_ca_serial_revoked(ca, 2));
	CHECK(!cm_ca_serial_revoked(ca, 3));
	CHECK(cm_ca_status_get(ca, "node1.example", &st, &e) == 0 && st.state == CM_CA_REVOKED);
	cm_ca_status_clear(&st);
	/* the CRL verifies against the CA */
	pem = cm_ca_crl_pem(ca);
	b = BIO_new_mem_buf(pem, -1);
	X509_CRL *crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	BIO_free(b);
	CHECK(crl && X509_CRL_verify(crl, X509_get0_pubkey(ca->cert)) == 1);
	X509_CRL_free(crl);
	free(pem);
	/* clean removes everything of the name */
	CHECK(cm_ca_clean(ca, "node2.example", &e) == 0);
	CHECK(cm_ca_read_pem(ca, "signed", "node2.example") == NULL);
	CHECK(cm_ca_serial_revoked(ca, 3));
	CHECK(cm_ca_clean(ca, "node2.example", &e) < 0);
	err_clear(&e);
	/* serials only grow */
	long long next = cm_ca_next_serial(ca, &e);
	CHECK_INT(next, 4);
	EVP_PKEY_free(key);
	cm_ca_free(ca);
}

static void test_form_facts(void)
{
	/* the agent's encoding: CGI.escape(JSON), then form-encoded again */
	const char *body = "environment=production&facts_format=application%2Fjson&facts=%257B%2522name%2522%253A%2522n1"
	                   "%2522%252C%2522values%2522%253A%257B%2522os%2522%253A%2522a%252Bb+c%2522%257D%257D&x=1";
	struct err e = {0};
	json_t *facts = cm_form_facts(body, &e);

	CHECK(facts != NULL);
	CHECK_STR(json_string_value(json_object_get(facts, "os")), "a+b c");
	json_decref(facts);
	char *v = cm_form_get(body, "facts_format");
	CHECK_STR(v, "application/json");
	free(v);
	CHECK(cm_form_get(body, "nothing") == NULL);
	CHECK(cm_form_facts("facts=%7Bbroken", &e) == NULL);
	err_clear(&e);
	CHECK(cm_form_get("a=%zz", "a") == NULL);
	CHECK(cm_form_get("a=%00", "a") == NULL);
}

static void test_enc_yaml(void)
{
	struct cm_node_class nc;
	struct err e = {0};
	const char *list = "---\nclasses:\n  - ntp\n  - web::server\nparameters:\n  role: web\n  port: 8080\n"
	                   "environment: testing\n";
	const char *hash = "classes:\n  ntp:\n  web::server:\n    port: 81\n    names: [a, b]\n    tls: true\n";

	CHECK(cm_enc_parse(list, strlen(list), &nc, &e) == 0);
	CHECK(json_object_get(nc.classes, "ntp") != NULL);
	CHECK(json_object_get(nc.classes, "web::server") != NULL);
	CHECK_STR(json_string_value(json_object_get(nc.parameters, "role")), "web");
	CHECK_INT(json_integer_value(json_object_get(nc.parameters, "port")), 8080);
	CHECK_STR(nc.environment, "testing");
	cm_node_class_clear(&nc);
	CHECK(cm_enc_parse(hash, strlen(hash), &nc, &e) == 0);
	json_t *p = json_object_get(nc.classes, "web::server");
	CHECK_INT(json_integer_value(json_object_get(p, "port")), 81);
	CHECK(json_is_true(json_object_get(p, "tls")));
	CHECK_INT(json_array_size(json_object_get(p, "names")), 2);
	CHECK_INT(json_object_size(json_object_get(nc.classes, "ntp")), 0);
	cm_node_class_clear(&nc);
	CHECK(cm_enc_parse("classes: 5\n", 11, &nc, &e) < 0);
	err_clear(&e);
	CHECK(cm_enc_parse("a: &x 1\nb: *x\n", 15, &nc, &e) < 0);
	err_clear(&e);
	CHECK(cm_enc_parse("", 0, &nc, &e) == 0);
	cm_node_class_clear(&nc);
}

static void test_puppet_code(void)
{
	struct buf b = BUF_INIT;
	struct err e = {0};
	json_t *classes = json_pack("{s:{}, s:{s:s, s:i, s:[b,n]}}", "ntp", "web::server", "motd", "it's \\ ok", "port",
	                            81, "list", 1);

	CHECK(cm_puppet_declare_classes(classes, &b, &e) == 0);
	CHECK(strstr(buf_cstr(&b), "include ntp\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "class { 'web::server':\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "motd => 'it\\'s \\\\ ok',") != NULL);
	CHECK(strstr(buf_cstr(&b), "port => 81,") != NULL);
	CHECK(strstr(buf_cstr(&b), "list => [true, undef],") != NULL);
	json_decref(classes);
	buf_reset(&b);
	classes = json_pack("{s:{}}", "ntp; exec { 'rm': }");
	CHECK(cm_puppet_declare_classes(classes, &b, &e) < 0);
	err_clear(&e);
	json_decref(classes);
	classes = json_pack("{s:{s:i}}", "ntp", "x => 1, y", 2);
	CHECK(cm_puppet_declare_classes(classes, &b, &e) < 0);
	err_clear(&e);
	json_decref(classes);
	CHECK(cm_puppet_class_name_valid("::a::b_c"));
	CHECK(!cm_puppet_class_name_valid("A"));
	CHECK(!cm_puppet_class_name_valid("a::"));
	buf_free(&b);
}

static void test_ovcp_other_config(void)
{
	json_t *oc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ovcp-cm-classes", "ntp, web", "ovcp-cm-param:web::port",
	                       "8080", "ovcp-cm-param:web::name", "plain text", "ovcp-cm-param:db::size", "[1,2]",
	                       "ovcp-cm-var:role", "\"frontend\"", "ovcp-cm-environment", "staging");
	struct cm_node_class nc;
	struct err e = {0};

	CHECK(cm_ovcp_classes_from_other_config(oc, &nc, &e) == 0);
	CHECK(json_object_get(nc.classes, "ntp") != NULL);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(nc.classes, "web"), "port")), 8080);
	CHECK_STR(json_string_value(json_object_get(json_object_get(nc.classes, "web"), "name")), "plain text");
	CHECK_INT(json_array_size(json_object_get(json_object_get(nc.classes, "db"), "size")), 2);
	CHECK_STR(json_string_value(json_object_get(nc.parameters, "role")), "frontend");
	CHECK_STR(nc.environment, "staging");
	cm_node_class_clear(&nc);
	json_decref(oc);
	oc = json_pack("{s:s}", "ovcp-cm-param:noclass", "1");
	CHECK(cm_ovcp_classes_from_other_config(oc, &nc, &e) < 0);
	err_clear(&e);
	json_decref(oc);
}

static void test_report_summary(void)
{
	json_t *report = json_load_file(report_path, 0, NULL);
	struct cm_report_summary s;

	CHECK(report != NULL);
	CHECK(cm_report_summarize(report, &s) == 0);
	CHECK(s.host[0] != '\0');
	CHECK(s.status[0] != '\0');
	CHECK(s.time > 1.6e9);
	CHECK(s.total >= s.changed);
	json_decref(report);
	double t = cm_report_time_parse("2026-11-26T09:42:07.5+01:00");
	CHECK(t == cm_report_time_parse("2026-11-26T08:42:07.5Z"));
	CHECK((long long)(t * 10) % 10 == 5);
	CHECK_INT((long long)cm_report_time_parse("1970-01-01T01:00:00+01:00"), 0);
	CHECK(cm_report_time_parse("yesterday") < 0);
}

static void test_report_store_and_dashboard(void)
{
	char db[300];
	struct err e = {0};
	struct cm_reports *r;
	struct cm_report_summary *rows = NULL;
	size_t n = 0;
	struct buf b = BUF_INIT;

	snprintf(db, sizeof(db), "%s/reports.sqlite", scratch);
	r = cm_reports_open(db, &e);
	CHECK(r != NULL);
	if (r == NULL)
		return;
	const char *tmpl = "{\"host\":\"%s\",\"time\":\"%s\",\"status\":\"%s\",\"environment\":\"production\","
	                   "\"metrics\":{\"resources\":{\"values\":[[\"total\",\"Total\",3],[\"changed\",\"Changed\",%d],"
	                   "[\"failed\",\"Failed\",%d]]},\"time\":{\"values\":[[\"total\",\"Total\",%f]]}},"
	                   "\"resource_statuses\":{\"File[/tmp/<x>]\":{\"changed\":true,\"failed\":false,\"events\":"
	                   "[{\"property\":\"ensure\",\"previous_value\":\"absent\",\"desired_value\":\"file\","
	                   "\"status\":\"success\",\"message\":\"defined content\"}]}}}";
	struct { const char *host, *time, *status; int changed, failed; double rt; } runs[] = {
		{"a.example", "2030-01-01T00:00:00Z", "changed", 1, 0, 0.5},
		{"a.example", "2030-01-01T00:30:00Z", "unchanged", 0, 0, 0.25},
		{"b.example", "2030-01-01T00:31:00Z", "failed", 0, 1, 1.5},
		{"c.example", "2029-01-01T00:00:00Z", "unchanged", 0, 0, 0.1},
	};
	for (size_t i = 0; i < 4; i++) {
		char text[2048];
		snprintf(text, sizeof(text), tmpl, runs[i].host, runs[i].time, runs[i].status, runs[i].changed,
		         runs[i].failed, runs[i].rt);
		json_t *j = json_loads(text, 0, NULL);
		CHECK(j != NULL && cm_reports_add(r, j, &e) == 0);
		json_decref(j);
	}
	CHECK(cm_reports_latest(r, &rows, &n, &e) == 0);
	CHECK_INT(n, 3);
	double now = cm_report_time_parse("2030-01-01T00:40:00Z");
	if (n == 3) {
		CHECK_STR(rows[0].status, "unchanged");
		CHECK_STR(cm_dashboard_state(&rows[0], now, 3600), "unchanged");
		CHECK_STR(cm_dashboard_state(&rows[1], now, 3600), "failed");
		CHECK_STR(cm_dashboard_state(&rows[2], now, 3600), "unresponsive");
		cm_dashboard_overview(rows, n, now, 3600, &b);
		CHECK(strstr(buf_cstr(&b), "href=\"/dashboard/node/b.example\"") != NULL);
		CHECK(strstr(buf_cstr(&b), "id=\"count-unresponsive\">unresponsive: 1<") != NULL);
		CHECK(strstr(buf_cstr(&b), "id=\"count-failed\">failed: 1<") != NULL);
	}
	free(rows);
	buf_reset(&b);
	CHECK(cm_reports_host(r, "a.example", 10, &rows, &n, &e) == 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		json_t *reports[2] = {cm_reports_json(r, rows[0].id), cm_reports_json(r, rows[1].id)};
		CHECK(reports[0] != NULL);
		cm_dashboard_node("a.example", rows, reports, n, now, 3600, &b);
		CHECK(strstr(buf_cstr(&b), "<svg") != NULL);
		CHECK(strstr(buf_cstr(&b), "File[/tmp/&lt;x&gt;]") != NULL); /* escaped */
		CHECK(strstr(buf_cstr(&b), "File[/tmp/<x>]") == NULL);
		CHECK(strstr(buf_cstr(&b), "data-node-state=\"unchanged\"") != NULL);
		json_decref(reports[0]);
		json_decref(reports[1]);
	}
	free(rows);
	buf_free(&b);
	cm_reports_close(r);
}

int main(int argc, char **argv)
{
	report_path = argc > 1 ? argv[1] : "puppet7-report.json";
	if (mkdtemp(scratch) == NULL)
		return 1;
	TAP_RUN(test_certname_rule);
	TAP_RUN(test_autosign_policies);
	TAP_RUN(test_csr_validation);
	TAP_RUN(test_ca_on_disk);
	TAP_RUN(test_form_facts);
	TAP_RUN(test_enc_yaml);
	TAP_RUN(test_puppet_code);
	TAP_RUN(test_ovcp_other_config);
	TAP_RUN(test_report_summary);
	TAP_RUN(test_report_store_and_dashboard);
	char *argv_rm[] = {"rm", "-rf", scratch, NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execvp("rm", argv_rm);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	return tap_done();
}
