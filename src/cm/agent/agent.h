/*
 * ovcp-cm agent: a Puppet 7 agent. It speaks Puppet's HTTP APIs (puppet-ca
 * v1 for its certificate, puppet v3 for node, catalog, file sources and
 * reports) to a stock puppetserver or to `ovcp-cm master`, and applies the
 * catalog with the applier (src/cm/apply).
 *
 * One run (run.c), in Puppet's order: take the run lock, make sure the SSL
 * files exist (ssl.c: CA certificate fetched unverified, CRL, key, CSR,
 * signed certificate), then over mutual TLS (http.c) GET the node, POST the
 * facts for a catalog, cache it, apply it (puppet:// sources are fetched by
 * source.c), PUT the report, write the state files, release the lock. When
 * no catalog can be had, the cached one is applied ("on_failure").
 *
 * Files, as Puppet lays them out (paths.c):
 *   ssldir   certs/ca.pem certs/NAME.pem private_keys/NAME.pem public_keys/NAME.pem
 *            certificate_requests/NAME.pem crl.pem
 *   statedir agent_catalog_run.lock last_run_report.json last_run_summary.yaml
 *   vardir   client_data/catalog/NAME.json
 *
 * Prototypes are grouped by the file that defines them.
 */
#ifndef OVCP_CM_AGENT_H
#define OVCP_CM_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define CM_AGENT_EXIT_LOCKED 1

/* What the command line (and puppet.conf) set; the paths are derived in paths.c. */
struct cm_agent_config {
	const char *server;
	int port;
	const char *certname;
	const char *environment;
	char *confdir, *vardir, *ssldir, *statedir, *client_datadir;
	int waitforcert;       /* seconds between polls for the signed certificate; 0: fail at once */
	bool noop, onetime, daemonize, detailed_exitcodes, verbose, debug, test;
	int runinterval;       /* seconds between runs in daemon mode */
	bool splay;
	int splaylimit;        /* seconds; default runinterval */
	int http_timeout;      /* seconds for one request */
	bool use_cache_on_failure;
};

/* The paths of one agent, all new strings. */
struct cm_agent_paths {
	char *ca, *crl, *cert, *key, *pubkey, *csr; /* ssldir files */
	char *lock, *report, *summary;               /* statedir files */
	char *catalog_cache, *source_cache;          /* client data */
};

/* paths.c */
int cm_agent_paths_init(struct cm_agent_paths *p, const struct cm_agent_config *cfg, struct err *e);
void cm_agent_paths_free(struct cm_agent_paths *p);
/* Fill the directory defaults (ssldir = confdir/ssl, statedir = vardir/state...). */
int cm_agent_config_finish(struct cm_agent_config *cfg, struct err *e);
void cm_agent_config_free(struct cm_agent_config *cfg);

/* log.c: Puppet's terminal format ("Info: Using environment 'production'"). */
void cm_agent_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cm_agent_log_set(bool verbose, bool debug);

/* http.c: one keep-alive HTTPS connection to the master. */
struct cm_http;
struct cm_http_response {
	long status;     /* 0 when no answer came */
	char *body;      /* NUL-terminated */
	size_t len;
	char *content_type;
};
/* CAFILE NULL: the server is not verified (only the first CA fetch does that). */
struct cm_http *cm_http_new(const char *server, int port, const char *cafile, const char *crlfile,
			    const char *certfile, const char *keyfile, int timeout, struct err *e);
void cm_http_free(struct cm_http *h);
/* METHOD on PATH (with its query). BODY may be NULL. 0 when an HTTP answer came (any status). */
int cm_http_request(struct cm_http *h, const char *method, const char *path, const char *content_type,
		    const char *body, size_t len, const char *accept, struct cm_http_response *r,
		    struct err *e);
void cm_http_response_clear(struct cm_http_response *r);
/* "a b/c" -> "a%20b%2Fc" (RFC 3986 unreserved kept), new string. */
char *cm_http_escape(const char *s);
/* The server's error message out of a response body (JSON "message" or the text). New string. */
char *cm_http_error_text(const struct cm_http_response *r);

/* ssl.c: key, CSR, certificate. */
/* New RSA key (PEM, PKCS#1) of BITS into a new string. */
char *cm_ssl_key_generate(unsigned bits, struct err *e);
/* CSR for CN=CERTNAME signed with KEY_PEM, as PEM in a new string. */
char *cm_ssl_csr_generate(const char *key_pem, const char *certname, struct err *e);
/* 0 when CERT_PEM's public key is KEY_PEM's and its CN is CERTNAME. */
int cm_ssl_cert_matches(const char *cert_pem, const char *key_pem, const char *certname, struct err *e);
/* Make sure ca.pem, crl.pem, the key and the signed certificate exist (Puppet's bootstrap). */
int cm_ssl_bootstrap(const struct cm_agent_config *cfg, const struct cm_agent_paths *p, struct err *e);

/* lock.c: the run lock file holding the pid. */
/* 0: taken (a stale lock from a dead pid is taken over); -1 with AGENT_LOCKED and the pid. */
int cm_agent_lock_take(const char *path, struct err *e);
void cm_agent_lock_release(const char *path);

/* source.c: puppet:// sources for the applier, fetched through file_metadata(s)/file_content. */
struct cm_source_fetcher;
struct cm_source_fetcher *cm_source_fetcher_new(struct cm_http *h, const char *environment,
						const char *cache_dir);
void cm_source_fetcher_free(struct cm_source_fetcher *f);
/* The applier's callback: a local copy of URI (file or tree), NULL when the master has none. */
char *cm_source_fetch(void *fetcher, const char *uri);
/* "puppet:///modules/m/f" -> "modules/m/f" (a server part is dropped); NULL when not puppet://. */
char *cm_source_mount_path(const char *uri);

/* request.c: pure builders of the run's requests. */
/* The facts document Puppet 7 sends: {"name","values","timestamp","expiration"}. Steals VALUES. */
json_t *cm_agent_facts_document(const char *certname, json_t *values, const char *environment,
				bool noop);
/* The catalog POST's form body: the facts URL-encoded twice, as Puppet's agent sends them. */
char *cm_agent_catalog_form(const json_t *facts_doc, const char *environment, const char *transaction_uuid);
/* detailed exit code of a report: 0, 2 changes, 4 failures, 6 both; 1 when it did not run. */
int cm_agent_exit_code(const json_t *report, bool detailed);
/* last_run_summary.yaml text for REPORT, as Puppet writes it. New string. */
char *cm_agent_summary_yaml(const json_t *report, long run_started);

/* run.c */
/* One run; returns the exit code (detailed when asked). */
int cm_agent_run_once(const struct cm_agent_config *cfg);

/* cli.c: `ovcp-cm agent ARGS`. */
int cm_agent_main(int argc, char **argv, const char *usage);
extern const char cm_agent_usage[];

#endif
