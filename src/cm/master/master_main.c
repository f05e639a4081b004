/*
 * `ovcp-cm master`: options (Puppet's names and meanings), first-start
 * setup (CA, the master's own certificate, the report store) and the
 * server. Runs in the foreground (--no-daemonize is accepted for Puppet's
 * command lines; a service manager does the daemonizing).
 *
 * Layout: CONFDIR/ssl is the master's ssldir (certs/NAME.pem,
 * private_keys/NAME.pem) and CONFDIR/ssl/ca the CA (see src/cm/ca/ca.h);
 * VARDIR/reports.sqlite the report store; CODEDIR/environments/ENV the code.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cm/master/master.h"
#include "cm/reports/reports.h"
#include "common/log.h"
#include "common/util.h"

#define CM_DEFAULT_CONFDIR "/etc/ovcp-cm"
#define CM_DEFAULT_VARDIR "/var/lib/ovcp-cm"

static const char usage_text[] =
	"usage: ovcp-cm master [--no-daemonize] [--port PORT] [--bind ADDR] [--confdir DIR] [--codedir DIR]\n"
	"         [--vardir DIR] [--ssldir DIR] [--cadir DIR] [--certname NAME] [--dns-alt-names a,b,IP:x]\n"
	"         [--autosign true|false|FILE] [--ca true|false] [--keylength BITS] [--threads N]\n"
	"         [--node-terminus plain|exec|ovcp] [--external-nodes PROGRAM]\n"
	"         [--ovcp-xapi URL --ovcp-credentials FILE] [--dashboard-listen http://127.0.0.1:PORT]\n"
	"         [--runinterval SECONDS] [--unresponsive-runs N] [--logdest FILE|console] [--debug]\n"
	"         [--pidfile FILE]\n";

static char **split_list(const char *s)
{
	char *copy = strdup(s), *save = NULL;
	char **v = calloc(strlen(s) + 2, sizeof(char *));
	size_t n = 0;

	for (char *t = copy ? strtok_r(copy, ", ", &save) : NULL; v && t; t = strtok_r(NULL, ", ", &save))
		v[n++] = strdup(t);
	free(copy);
	return v;
}

static bool parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0)
		*out = false;
	else
		return false;
	return true;
}

static const struct {
	const char *name;
	enum cm_node_terminus t;
} termini[] = {{"plain", CM_NODE_PLAIN}, {"exec", CM_NODE_EXEC}, {"ovcp", CM_NODE_OVCP}};

struct paths {
	char *cadir, *ssldir, *codedir, *autosign, *certname, *logdest;
};

static int options_parse(int argc, char **argv, struct cm_master_options *o, struct paths *p)
{
	static const struct option longopts[] = {
		{"no-daemonize", no_argument, NULL, 'N'},   {"port", required_argument, NULL, 'p'},
		{"masterport", required_argument, NULL, 'p'}, {"bind", required_argument, NULL, 'b'},
		{"confdir", required_argument, NULL, 'c'},  {"codedir", required_argument, NULL, 'C'},
		{"vardir", required_argument, NULL, 'v'},   {"ssldir", required_argument, NULL, 's'},
		{"cadir", required_argument, NULL, 'a'},    {"certname", required_argument, NULL, 'n'},
		{"dns-alt-names", required_argument, NULL, 'D'}, {"autosign", required_argument, NULL, 'A'},
		{"ca", required_argument, NULL, 'X'},       {"keylength", required_argument, NULL, 'k'},
		{"threads", required_argument, NULL, 't'},  {"node-terminus", required_argument, NULL, 'T'},
		{"external-nodes", required_argument, NULL, 'E'}, {"ovcp-xapi", required_argument, NULL, 'x'},
		{"ovcp-credentials", required_argument, NULL, 'P'}, {"dashboard-listen", required_argument, NULL, 'L'},
		{"runinterval", required_argument, NULL, 'r'}, {"unresponsive-runs", required_argument, NULL, 'u'},
		{"logdest", required_argument, NULL, 'l'},  {"debug", no_argument, NULL, 'd'},
		{"pidfile", required_argument, NULL, 'f'},  {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N': break;
		case 'p': o->port = atoi(optarg); break;
		case 'b': o->bind = optarg; break;
		case 'c': o->confdir = optarg; break;
		case 'C': o->codedir = optarg; break;
		case 'v': o->vardir = optarg; break;
		case 's': o->ssldir = optarg; break;
		case 'a': o->cadir = optarg; break;
		case 'n': o->certname = optarg; break;
		case 'D': o->dns_alt_names = split_list(optarg); break;
		case 'A': o->autosign = optarg; break;
		case 'X':
			if (!parse_bool(optarg, &o->ca_enabled)) {
				fprintf(stderr, "ovcp-cm master: --ca takes true or false\n");
				return -1;
			}
			break;
		case 'k': o->keylength = atoi(optarg); break;
		case 't': o->threads = atoi(optarg); break;
		case 'T': {
			size_t i;
			for (i = 0; i < sizeof(termini) / sizeof(termini[0]); i++)
				if (strcmp(termini[i].name, optarg) == 0)
					break;
			if (i == sizeof(termini) / sizeof(termini[0])) {
				fprintf(stderr, "ovcp-cm master: --node-terminus takes plain, exec or ovcp\n");
				return -1;
			}
			o->node_terminus = termini[i].t;
			break;
		}
		case 'E': o->external_nodes = optarg; break;
		case 'x': o->ovcp_xapi = optarg; break;
		case 'P': o->ovcp_credentials = optarg; break;
		case 'L': o->dashboard_listen = optarg; break;
		case 'r': o->runinterval = atoi(optarg); break;
		case 'u': o->unresponsive_runs = atoi(optarg); break;
		case 'l': p->logdest = optarg; break;
		case 'd': log_open("ovcp-cm-master", NULL, LOG_LEVEL_DEBUG); break;
		case 'f': o->pidfile = optarg; break;
		case 'h': printf("%s", usage_text); exit(0);
		default: fprintf(stderr, "%s", usage_text); return -1;
		}
	}
	if (optind < argc || o->port <= 0 || o->port > 65535 || o->keylength < 2048 || o->runinterval <= 0) {
		fprintf(stderr, "%s", usage_text);
		return -1;
	}
	if (o->node_terminus == CM_NODE_EXEC && o->external_nodes == NULL) {
		fprintf(stderr, "ovcp-cm master: --node-terminus exec needs --external-nodes PROGRAM\n");
		return -1;
	}
	if (o->node_terminus == CM_NODE_OVCP && (o->ovcp_xapi == NULL || o->ovcp_credentials == NULL)) {
		fprintf(stderr, "ovcp-cm master: --node-terminus ovcp needs --ovcp-xapi URL and --ovcp-credentials FILE\n");
		return -1;
	}
	return 0;
}

static char *default_certname(void)
{
	char host[256] = "localhost";

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return strdup(host);
}

static int defaults_fill(struct cm_master_options *o, struct paths *p)
{
	if (o->codedir == NULL && asprintf(&p->codedir, "%s/code", o->confdir) >= 0)
		o->codedir = p->codedir;
	if (o->ssldir == NULL && asprintf(&p->ssldir, "%s/ssl", o->confdir) >= 0)
		o->ssldir = p->ssldir;
	if (o->cadir == NULL && asprintf(&p->cadir, "%s/ca", o->ssldir) >= 0)
		o->cadir = p->cadir;
	if (o->autosign == NULL && asprintf(&p->autosign, "%s/autosign.conf", o->confdir) >= 0)
		o->autosign = access(p->autosign, F_OK) == 0 ? p->autosign : "false";
	if (o->certname == NULL)
		o->certname = p->certname = default_certname();
	if (o->threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->threads = n > 0 ? (int)n * 2 : 4;
	}
	if (!cm_ca_name_valid(o->certname)) {
		fprintf(stderr, "ovcp-cm master: certname '%s' is not a valid certname\n", o->certname);
		return -1;
	}
	return o->codedir && o->ssldir && o->cadir && o->autosign ? 0 : -1;
}

/* The master's own certificate, issued by the CA at first start. */
static int host_cert(struct cm_master *m, char **cert_path, char **key_path, struct err *e)
{
	const struct cm_master_options *o = &m->opt;
	const char *defaults[] = {o->certname, "puppet", "localhost", NULL};
	const char **alt = defaults;
	const char *given[66];
	char *certs = NULL, *keys = NULL;
	int rc = -1;

	if (o->dns_alt_names && o->dns_alt_names[0]) {
		size_t n = 0;
		given[n++] = o->certname; /* Puppet adds the certname to the alt names */
		for (size_t i = 0; o->dns_alt_names[i] && n < 64; i++)
			given[n++] = o->dns_alt_names[i];
		given[n] = NULL;
		alt = given;
	}
	if (asprintf(&certs, "%s/certs", o->ssldir) < 0 || asprintf(&keys, "%s/private_keys", o->ssldir) < 0 ||
	    dir_make_all(certs, 0755) < 0 || dir_make_all(keys, 0750) < 0 ||
	    asprintf(cert_path, "%s/%s.pem", certs, o->certname) < 0 ||
	    asprintf(key_path, "%s/%s.pem", keys, o->certname) < 0) {
		err_setf(e, "SETUP_FAILED", "cannot prepare %s: %s", o->ssldir, strerror(errno));
		goto out;
	}
	rc = cm_ca_ensure_host_cert(m->ca, o->certname, alt, o->keylength, *key_path, *cert_path, e);
out:
	free(certs);
	free(keys);
	return rc;
}

static int pidfile_write(const char *path)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	return path ? file_write_atomic(path, text, strlen(text), 0644) : 0;
}

int cm_master_main(int argc, char **argv)
{
	struct cm_master m = {0};
	struct paths p = {0};
	struct err e = {0};
	char *cert_path = NULL, *key_path = NULL, *ca_path = NULL, *db = NULL;
	int rc = 1;

	m.opt = (struct cm_master_options){
		.confdir = CM_DEFAULT_CONFDIR, .vardir = CM_DEFAULT_VARDIR, .bind = "0.0.0.0", .port = 8140,
		.ca_enabled = true, .keylength = 4096, .runinterval = 1800, .unresponsive_runs = 2,
	};
	log_open("ovcp-cm-master", NULL, LOG_LEVEL_INFO);
	if (options_parse(argc, argv, &m.opt, &p) < 0 || defaults_fill(&m.opt, &p) < 0)
		goto out;
	if (p.logdest && strcmp(p.logdest, "console") != 0)
		log_open("ovcp-cm-master", p.logdest, LOG_LEVEL_INFO);
	if (m.opt.unresponsive_runs <= 0)
		m.opt.unresponsive_runs = 2;
	pthread_mutex_init(&m.store_lock, NULL);
	pthread_mutex_init(&m.xapi_lock, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (dir_make_all(m.opt.vardir, 0750) < 0) {
		err_setf(&e, "SETUP_FAILED", "cannot create %s: %s", m.opt.vardir, strerror(errno));
		goto fail;
	}
	m.ca = cm_ca_open(m.opt.cadir, m.opt.ca_enabled, m.opt.certname, m.opt.keylength, &e);
	if (m.ca == NULL || host_cert(&m, &cert_path, &key_path, &e) < 0)
		goto fail;
	if (asprintf(&ca_path, "%s/ca_crt.pem", m.opt.cadir) < 0 || asprintf(&db, "%s/reports.sqlite", m.opt.vardir) < 0)
		goto fail;
	if ((m.ssl = cm_master_tls_context(cert_path, key_path, ca_path, &e)) == NULL)
		goto fail;
	if ((m.reports = cm_reports_open(db, &e)) == NULL)
		goto fail;
	if (pidfile_write(m.opt.pidfile) < 0)
		log_warn("cannot write the pid file %s", m.opt.pidfile);
	log_info("master %s: CA %s (%s), code %s, autosign %s", m.opt.certname, m.opt.cadir,
	         m.opt.ca_enabled ? "active" : "standby", m.opt.codedir, m.opt.autosign);
	if (cm_master_serve(&m, &e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	log_error("ovcp-cm master: %s", json_string_value(json_array_get(e.desc, 1)) ? json_string_value(json_array_get(e.desc, 1)) : err_code(&e));
out:
	if (m.opt.pidfile && rc == 0)
		unlink(m.opt.pidfile);
	err_clear(&e);
	cm_reports_close(m.reports);
	SSL_CTX_free(m.ssl);
	X509_STORE_free(m.store);
	cm_ca_free(m.ca);
	free(m.xapi_session);
	cm_ca_strv_free(m.opt.dns_alt_names);
	free(cert_path);
	free(key_path);
	free(ca_path);
	free(db);
	free(p.cadir);
	free(p.ssldir);
	free(p.codedir);
	free(p.autosign);
	free(p.certname);
	return rc;
}
