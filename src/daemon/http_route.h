/*
 * Streaming HTTP routes of ovcpd, for modules outside the XenAPI RPC path
 * (disk import/export, consoles, metrics).
 *
 * A stream route sees every libmicrohttpd callback of its request, so it can
 * take a body of any size chunk by chunk and answer with a streamed
 * response or a protocol upgrade (WebSocket, CONNECT). It authenticates the
 * caller itself (a session_id in the query string, as XenAPI's HTTP
 * handlers do: see http_call_session()).
 *
 * Calls: first with upload_size 0 and state NULL (headers only), then once
 * per body chunk (the handler must consume it: set *upload_size = 0), then
 * with *upload_size == 0 to answer. state is the handler's, freed by
 * state_free when the request ends.
 */
#ifndef OVCP_DAEMON_HTTP_ROUTE_H
#define OVCP_DAEMON_HTTP_ROUTE_H

#include <microhttpd.h>
#include <stdbool.h>

#include "xapi/server.h"

struct http_call {
	struct MHD_Connection *conn;
	struct xapi_server *xs;
	const char *url;
	const char *method;
	bool local_root;
	bool first;       /* the headers-only call */
	void *state;      /* the handler's */
	void (*state_free)(void *state);
};

typedef enum MHD_Result (*http_stream_fn)(struct http_call *call, const char *upload, size_t *upload_size);

/* Check the session named by the session_id query argument; fills info. -1 with e (SESSION_INVALID). */
int http_call_session(struct http_call *call, struct session_info *info, struct err *e);
/* A plain-text reply with a status. */
enum MHD_Result http_reply_text(struct MHD_Connection *conn, unsigned status, const char *text);

#endif
