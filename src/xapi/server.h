/*
 * The XenAPI server core: what one host's API needs, independent of HTTP.
 *
 * struct xapi_server holds the store and this host's identity; a call comes
 * in as (method, params) with its wire, goes through session check, RBAC and
 * the handler, and comes out as an encoded reply. Handlers never see HTTP.
 */
#ifndef OVCP_XAPI_SERVER_H
#define OVCP_XAPI_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "common/buf.h"
#include "common/err.h"
#include "store/store.h"
#include "xapi/model.h"
#include "xapi/record.h"
#include "xapi/wire/rpc.h"

struct session_table;
struct task_pool;
struct vm_manager;
struct storage;
struct network;
struct metrics;

struct xapi_server {
	struct store *store;
	char host_ref[REF_LEN];
	char pool_ref[REF_LEN];
	int session_idle_timeout_s; /* a session unused this long is logged out */
	struct session_table *sessions;
	struct task_pool *tasks;
	volatile bool stopping;
	const char *state_dir; /* set by ovcpd before bootstrap */
	/* Drivers, owned by their modules; NULL where not started (unit tests). */
	struct vm_manager *vms;   /* src/hv: QEMU processes, QMP, accelerator */
	struct storage *storage;  /* src/storage: SRs and VDIs */
	struct network *network;  /* src/net: bridges, taps, VLANs, DHCP */
	struct metrics *metrics;  /* src/metrics: round-robin archives */
};

/* Who is calling: filled by session_check(). */
struct session_info {
	char ref[REF_LEN];
	char user[128];
	char subject[REF_LEN];
	unsigned roles; /* model_role bits */
	bool superuser;
};

/* One call being served. */
struct xapi_call {
	struct xapi_server *srv;
	const struct rpc_request *req; /* NULL when run as a task */
	struct session_info session;
	bool has_session;
	bool local_root; /* see struct call_origin */
	const char *method; /* without "Async." */
	const struct model_class *cls;
	const char *message;   /* the part after the class */
	json_t *args;          /* the parameters after session_id (array) */
	struct buf *out;       /* non-NULL: a handler may stream the whole reply here (return 1) */
	char task_ref[REF_LEN]; /* set when running as a task */
};

/* A handler returns 0 with *result set (new reference; json_null() for void), 1 when it has
   written the whole reply into call->out, or -1 with e set. */
typedef int (*xapi_handler)(struct xapi_call *call, json_t **result, struct err *e);

/* server.c: lifecycle */
int xapi_server_init(struct xapi_server *srv, struct store *store, struct err *e);
void xapi_server_fini(struct xapi_server *srv);
/*
 * Make sure this host's records exist: the roles, this host (ref from its
 * uuid) and its metrics, the pool (with this host as master when new) and
 * the root user, whose password is root_password when root is new.
 * Idempotent: a restart finds everything in place and changes nothing.
 */
struct host_identity {
	const char *uuid;
	const char *hostname;
	const char *address;
	const char *version;
};
int xapi_server_bootstrap(struct xapi_server *srv, const struct host_identity *host, const char *root_password,
			  struct err *e);

/* Where a request came from. */
struct call_origin {
	bool local_root; /* the local unix socket, peer uid 0: root logs in without a password, as xe on XCP */
};

/* dispatch.c: serve one decoded request, appending the encoded reply to out. */
void xapi_dispatch(struct xapi_server *srv, const struct rpc_request *req, const struct call_origin *origin,
		   struct buf *out);
/* Run a method for a task worker; result/type out, or -1 with e. */
int xapi_invoke(struct xapi_server *srv, const struct session_info *session, const char *method, json_t *args,
		const char *task_ref, json_t **result, const struct xtype **type, struct err *e);
/* Every callable method name, for system.listMethods (JSON array). */
json_t *xapi_method_list(void);

/* users.c: local users (root and those added through subject.create_local_user) */
int users_add(struct xapi_server *srv, const char *name, const char *password, unsigned roles,
	      char subject_ref[REF_LEN], struct err *e);
int users_set_password(struct xapi_server *srv, const char *name, const char *password, struct err *e);
/* 0 and info filled (roles, subject, superuser) if the password matches; -1 otherwise. */
int users_verify(struct xapi_server *srv, const char *name, const char *password, struct session_info *info,
		 struct err *e);
int users_remove_by_subject(struct xapi_server *srv, const char *subject_ref, struct err *e);
bool users_exist(struct xapi_server *srv, const char *name);
/* The user name of a local-user subject, or NULL. Caller frees. */
char *users_name_of_subject(struct xapi_server *srv, const char *subject_ref);
/* The role bits of a subject (from its roles field). */
unsigned users_subject_roles(struct xapi_server *srv, const char *subject_ref);

/* session.c */
struct session_table *session_table_new(void);
void session_table_free(struct session_table *t);
/* trusted: the caller is root on the local socket; root needs no password then. */
int session_login(struct xapi_server *srv, const char *user, const char *password, const char *originator,
		  bool trusted, char ref_out[REF_LEN], struct err *e);
/* Check a session ref; fills info and marks it active. -1 with ["SESSION_INVALID", ref]. */
int session_check(struct xapi_server *srv, const char *ref, struct session_info *info, struct err *e);
int session_logout(struct xapi_server *srv, const char *ref, struct err *e);
/* Log out every session of a user (after removal or a password change). */
void session_logout_user(struct xapi_server *srv, const char *user);
/* Expire idle sessions; called periodically. */
void session_sweep(struct xapi_server *srv);

/* events.c */
int event_from(struct xapi_server *srv, json_t *classes, const char *token, double timeout, json_t **batch,
	       struct err *e);
int event_inject(struct xapi_server *srv, const char *cls, const char *ref, char **token, struct err *e);

/* task.c: the worker pool that runs Async.* calls */
struct task_pool *task_pool_new(struct xapi_server *srv, int workers);
void task_pool_free(struct task_pool *p); /* waits for running tasks */
/* Create a task record and queue the call; the task ref is returned at once. */
int task_submit(struct xapi_server *srv, const struct session_info *session, const char *method, json_t *args,
		char task_ref[REF_LEN], struct err *e);
int task_cancel(struct xapi_server *srv, const char *task_ref, struct err *e);
/* For long handlers: report progress (0..1); returns true if cancellation was asked. */
bool task_progress(struct xapi_server *srv, const char *task_ref, double progress);

#endif
