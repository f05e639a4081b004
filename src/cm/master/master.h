/*
 * ovcp-cm master: Puppet's server HTTP API (/puppet/v3, /puppet-ca/v1,
 * /status/v1) over mutual TLS on one port, served by libevent's evhttp on
 * bufferevent_openssl, with N worker threads, each with its own event base,
 * accepting on one shared listening socket.
 *
 * Invariants: nothing a request reads is cached across requests except the
 * X509 store of CA + CRL, which is rebuilt whenever ca_crl.pem changes (its
 * mtime/size is checked on every request), so a revocation made by any
 * process sharing the CA directory refuses the node at its next request,
 * keep-alive or not. Client certificates are optional at the TLS layer and
 * verified per request against that store; the verified certificate's CN is
 * the caller's identity. Code is read from disk on every compile.
 */
#ifndef OVCP_CM_MASTER_H
#define OVCP_CM_MASTER_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/ssl.h>

#include "cm/ca/ca.h"
#include "common/err.h"

struct cm_reports;

enum cm_node_terminus { CM_NODE_PLAIN, CM_NODE_EXEC, CM_NODE_OVCP };

struct cm_master_options {
	const char *confdir, *codedir, *vardir, *cadir, *ssldir;
	const char *certname;
	const char *bind;
	int port;
	const char *autosign;            /* "true", "false" or a path */
	bool ca_enabled;                 /* --ca false: a standby that does not sign */
	char **dns_alt_names;            /* NULL-terminated */
	int keylength;
	int threads;
	enum cm_node_terminus node_terminus;
	const char *external_nodes;      /* ENC program */
	const char *ovcp_xapi;           /* XenAPI URL of ovcpd */
	const char *ovcp_credentials;    /* file: "user\npassword\n" */
	const char *dashboard_listen;    /* "http://127.0.0.1:PORT" or NULL */
	int runinterval;                 /* seconds, for "unresponsive" */
	int unresponsive_runs;           /* a node is unresponsive after this many missed runs */
	const char *pidfile;
};

struct cm_master {
	struct cm_master_options opt;
	struct cm_ca *ca;
	SSL_CTX *ssl;
	struct cm_reports *reports;
	pthread_mutex_t store_lock;   /* guards store and crl_stat */
	X509_STORE *store;            /* CA + CRL, refcounted; replaced when the CRL changes */
	struct stat crl_stat;
	pthread_mutex_t xapi_lock;    /* guards xapi_session */
	char *xapi_session;
};

/* master_main.c: `ovcp-cm master` */
int cm_master_main(int argc, char **argv);

/* tls.c */
SSL_CTX *cm_master_tls_context(const char *cert_path, const char *key_path, const char *ca_path, struct err *e);
/* Verify PEER against the CA and the current CRL; on success copy its CN to
 * CN (size CNLEN) and return 0. -1 with a reason in WHY otherwise. */
int cm_master_verify_peer(struct cm_master *m, X509 *peer, char *cn, size_t cnlen, const char **why);

/* server.c */
int cm_master_serve(struct cm_master *m, struct err *e);
void cm_master_stop(void);

#endif
