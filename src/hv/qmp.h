/*
 * A client of QEMU's machine protocol (QMP) and of the QEMU guest agent
 * (qemu-ga), which frames its messages the same way, over a unix socket.
 *
 * Monitor (QMP_MONITOR): connect, read the greeting, negotiate with
 * qmp_capabilities; every command carries a unique "id" and its reply is
 * matched by it, while events that arrive in between are delivered to the
 * event callback or, without one, queued (qmp_event_next/qmp_event_wait).
 * Events sent while nobody was connected are lost: after (re)connecting,
 * re-query what matters (query-status, ...).
 * Agent (QMP_AGENT): no greeting or negotiation; connecting sends
 * guest-sync-delimited with a random id until the agent echoes it (the
 * agent prefixes that reply with 0xFF, and everything before it is stale),
 * then commands run one at a time.
 *
 * Blocking calls take a timeout in ms and never wait longer. The object is
 * not thread-safe: one thread (a worker, or later the event loop) uses it at
 * a time. An event loop can drive it without blocking: poll qmp_fd(), read,
 * qmp_feed() the bytes (events go to the callback; replies are kept until
 * a matching qmp_command call looks for them).
 *
 * Errors (struct err codes; the VM layer maps them to XenAPI errors):
 *   QMP_ERROR [class, desc, command]    QEMU answered with an error
 *   QMP_TIMEOUT [what, ms]              no answer in time
 *   QMP_DISCONNECTED [path]             the peer closed the socket
 *   QMP_PROTOCOL_ERROR [reason]         bytes that are not QMP
 *   QMP_CONNECT_FAILED [path, reason]
 * After QMP_DISCONNECTED or QMP_PROTOCOL_ERROR the client is closed; a new
 * qmp_connect() on the same object starts afresh.
 */
#ifndef OVCP_HV_QMP_H
#define OVCP_HV_QMP_H

#include "common/err.h"

#include <jansson.h>
#include <stdbool.h>

enum qmp_kind { QMP_MONITOR, QMP_AGENT };

struct qmp;

/* Called for each event ({"event", "data", "timestamp"}); the callback does not own it. */
typedef void qmp_event_fn(void *arg, const json_t *event);

struct qmp *qmp_new(enum qmp_kind kind);
void qmp_free(struct qmp *q); /* closes; NULL is a no-op */

/*
 * Connect to the socket at path, retrying while it does not exist or
 * refuses (a QEMU just spawned) until timeout_ms, then negotiate (see top).
 */
int qmp_connect(struct qmp *q, const char *path, int timeout_ms, struct err *e);
/*
 * A listening unix socket at path (which must not exist), for a QEMU to
 * inherit as its QMP server socket (qemu_host.qmp_fd): once QEMU holds it,
 * qmp_connect() to path succeeds at once and reads QEMU's greeting as soon
 * as its main loop runs, with no polling for the socket to appear. The
 * socket is close-on-exec in ovcpd; returns it, or -1 with e.
 */
int qmp_listen(const char *path, struct err *e);
void qmp_close(struct qmp *q);
bool qmp_is_connected(const struct qmp *q);
int qmp_fd(const struct qmp *q); /* -1 when closed */
/* The monitor's greeting ({"QMP": {"version", "capabilities"}}), or NULL. */
const json_t *qmp_greeting(const struct qmp *q);

/* Deliver events to fn instead of the queue (NULL: back to the queue). */
void qmp_set_event_handler(struct qmp *q, qmp_event_fn *fn, void *arg);

/*
 * Run a command: args (may be NULL) is taken over. On success *ret (if not
 * NULL) gets the "return" value (caller owns it).
 */
int qmp_command(struct qmp *q, const char *command, json_t *args, json_t **ret, int timeout_ms, struct err *e);

/*
 * Send a command that gets no reply on success (the agent's guest-shutdown,
 * guest-suspend-*): waits only for the write. Takes args.
 */
int qmp_command_no_reply(struct qmp *q, const char *command, json_t *args, int timeout_ms, struct err *e);

/* The oldest queued event (caller owns it), or NULL. Does not read. */
json_t *qmp_event_next(struct qmp *q);
/*
 * Wait for the event called name (queued or arriving; earlier events of other
 * names stay queued). *event gets it (caller owns; may be NULL).
 */
int qmp_event_wait(struct qmp *q, const char *name, json_t **event, int timeout_ms, struct err *e);
/*
 * qmp_command with fd passed alongside (SCM_RIGHTS), for getfd and add-fd:
 * QEMU takes its own copy; the caller still owns fd. Takes args.
 */
int qmp_command_fd(struct qmp *q, const char *command, json_t *args, int fd, json_t **ret, int timeout_ms,
		   struct err *e);

/* Wait until the peer closes the socket (after "quit" or a shutdown). */
int qmp_wait_closed(struct qmp *q, int timeout_ms, struct err *e);

/*
 * For an event loop: bytes read from qmp_fd(). Events go to the handler or
 * queue, replies are kept for qmp_command. -1 on a protocol error.
 */
int qmp_feed(struct qmp *q, const void *data, size_t len, struct err *e);

#endif
