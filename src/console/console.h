/*
 * ovcpd's console proxy: GET /console (WebSocket) and CONNECT /console
 * (raw stream, as xe and XenCenter use it) to a VM's VNC or serial console.
 *
 * A request names the console by ?ref=OpaqueRef:... (the console record's
 * location) or ?uuid=..., and carries ?session_id=. The caller's session
 * must hold a role that may call VM.start (vm-operator or above). The VM's
 * socket comes from the VM driver (vm_runtime_socket: "vnc" for protocol
 * rfb, "serial" for vt100) and is connected before the reply, so a console
 * that cannot be reached is an HTTP error, never an upgrade that closes.
 *
 * Each open console holds one thread until it ends (pump.h). console_stop()
 * ends them all and waits for them: call it before the HTTP server stops,
 * since an upgraded connection must be closed by its owner first.
 * docs/consoles-and-metrics.md says how CONNECT works on libmicrohttpd.
 */
#ifndef OVCP_CONSOLE_CONSOLE_H
#define OVCP_CONSOLE_CONSOLE_H

#include <stddef.h>

#include "common/err.h"
#include "daemon/http_route.h"

struct xapi_server;

/* The stream route for GET and CONNECT /console (http_route.h). */
enum MHD_Result console_http(struct http_call *call, const char *upload, size_t *upload_size);

/* End every open console and wait for their threads (bounded). */
void console_stop(void);
/* How many consoles are open now (for the log and the tests). */
unsigned console_active_count(void);

/* vm_socket.c: the VM driver's unix socket for which ("vnc", "serial"); 0 / -1 with e. */
int console_vm_socket(struct xapi_server *srv, const char *vm_ref, const char *which, char *path, size_t size,
		      struct err *e);

#endif
