/*
 * The master's routes: one table row per endpoint (method, path prefix,
 * who may call it, handler), and the request handle the handlers get.
 * server.c matches the row, checks the caller, and calls the handler; a
 * handler answers exactly once through req_reply*().
 */
#ifndef OVCP_CM_MASTER_ROUTES_H
#define OVCP_CM_MASTER_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cm/master/master.h"

struct evhttp_request;

enum cm_auth {
	CM_AUTH_ANY,       /* no certificate needed (CA bootstrap, status) */
	CM_AUTH_CERT,      /* any valid, unrevoked certificate of this CA */
	CM_AUTH_SELF,      /* valid certificate whose CN is the NAME in the path */
	CM_AUTH_MASTER,    /* the master's own certificate (certificate_status) */
	CM_AUTH_DASHBOARD, /* the plain loopback listener, or any valid certificate */
};

enum cm_method { CM_GET = 1, CM_PUT = 2, CM_POST = 4, CM_DELETE = 8, CM_HEAD = 16 };

struct cm_req {
	struct evhttp_request *r;
	struct cm_master *m;
	enum cm_method method;
	char *path;            /* decoded path */
	const char *rest;      /* the part of path after the route's prefix (the NAME, the file path) */
	char *query;           /* raw query string or NULL */
	bool tls;              /* false: the plain dashboard listener */
	bool authenticated;    /* a valid certificate was presented */
	char certname[256];    /* its CN */
	const char *body;      /* request body (NUL-terminated) */
	size_t body_len;
	char *environment;     /* ?environment= or "production" */
};

struct cm_route {
	unsigned methods;
	const char *prefix;
	enum cm_auth auth;
	void (*handler)(struct cm_req *q);
};

/* server.c: replies */
void req_reply(struct cm_req *q, int code, const char *type, const void *body, size_t len);
void req_reply_text(struct cm_req *q, int code, const char *text);
void req_reply_json(struct cm_req *q, int code, json_t *v); /* steals v */
void req_reply_error(struct cm_req *q, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A query parameter (decoded, malloc'ed) or NULL; the first one when repeated. */
char *req_query(struct cm_req *q, const char *name);
/* All values of a repeated query parameter (decoded), NULL-terminated, malloc'ed. */
char **req_query_all(struct cm_req *q, const char *name);
const char *req_header(struct cm_req *q, const char *name);

/* routes_ca.c, routes_v3.c, fileserver.c, dashboard glue */
extern const struct cm_route cm_routes_ca[];
extern const size_t cm_routes_ca_count;
extern const struct cm_route cm_routes_v3[];
extern const size_t cm_routes_v3_count;
void cm_route_file_metadata(struct cm_req *q);
void cm_route_file_metadatas(struct cm_req *q);
void cm_route_file_content(struct cm_req *q);
void cm_route_dashboard(struct cm_req *q);
void cm_route_dashboard_node(struct cm_req *q);

#endif
