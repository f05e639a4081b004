/*
 * ovcpd's HTTP(S) front end: listeners, routes, request bodies.
 */
#ifndef OVCP_DAEMON_HTTP_H
#define OVCP_DAEMON_HTTP_H

#include <stdbool.h>

#include "common/err.h"
#include "xapi/server.h"

struct http_server;

struct listen_spec {
	bool tls;
	bool unix_socket;
	char host[256]; /* address, or the socket path */
	unsigned port;
};

/* Parse "https://ADDR:PORT" / "http://127.0.0.1:PORT"; http is only allowed on loopback. 0 / -1. */
int listen_spec_parse(const char *url, struct listen_spec *spec, struct err *e);

/* Start serving; cert/key are PEM texts (needed when a listener uses TLS). NULL on error. */
struct http_server *http_server_start(struct xapi_server *xs, const struct listen_spec *specs, size_t n,
				      const char *cert_pem, const char *key_pem, const char *web_root,
				      struct err *e);
void http_server_stop(struct http_server *h);

#endif
