/*
 * ovcp, the xe-style command-line client: shared declarations.
 *
 * One process runs one command: parse the global options and the command's
 * key=value arguments, connect (local unix socket as root, or HTTPS with a
 * user and password), log in, run the command's handler from the command
 * table (commands.c), log out. Handlers return an exit status:
 *   0 success, 1 the server refused (a XenAPI error, printed like xe),
 *   2 bad usage (printed with a hint), 3 could not connect or trust the host.
 * Every error is printed once, where it is first seen.
 */
#ifndef OVCP_CLI_CLI_H
#define OVCP_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "xapi/model.h"

enum cli_exit { CLI_OK = 0, CLI_API = 1, CLI_USAGE = 2, CLI_CONNECT = 3 };

#define CLI_DEFAULT_SOCKET "/run/ovcp/xapi.sock"

/* ---- conn.c: JSON-RPC over the unix socket or HTTPS ---- */
struct conn_options {
	const char *socket_path; /* used when server is NULL */
	const char *server;
	int port; /* 0: 443 (80 with nossl) */
	const char *user;
	const char *password;
	bool nossl;
	const char *cafile; /* verify against this CA; NULL: trust on first use */
	bool insecure;	    /* no verification at all (tests only) */
	bool debug;	    /* print each request and reply on stderr */
};

struct conn;

/* Connect and log in. Returns NULL after printing why (*status = CLI_CONNECT or CLI_API). */
struct conn *conn_open(const struct conn_options *opt, int *status);
/* Log out (best effort) and free. conn_close(NULL) is a no-op. */
void conn_close(struct conn *c);
/*
 * Call METHOD with the session first and then PARAMS (stolen; may be NULL).
 * 0: *result set (caller frees). CLI_API: *error set to the XenAPI error
 * array, not printed (caller frees). CLI_CONNECT: printed.
 */
int conn_call_raw(struct conn *c, const char *method, json_t *params, json_t **result, json_t **error);
/* As conn_call_raw, but prints an API error; result may be NULL to drop it. */
int conn_call(struct conn *c, const char *method, json_t *params, json_t **result);

/* The session ref of the connection (for HTTP routes that take session_id). */
const char *conn_session_ref(const struct conn *c);

/*
 * A raw byte stream to PATH (e.g. "/console?ref=...&session_id=...") over
 * the connection's transport (unix socket, or HTTPS pinned as the calls
 * are): an HTTP CONNECT answered 200, after which the bytes are the
 * resource's. NULL after printing why (*status).
 */
struct conn_stream;
struct conn_stream *conn_stream_open(struct conn *c, const char *path, int *status);
/* The socket to poll for reading. */
int conn_stream_fd(const struct conn_stream *s);
/* Bytes read (0: the other side closed), -2 when nothing is there yet, -1 on an error. */
long conn_stream_read(struct conn_stream *s, void *buf, size_t len);
/* 0, or -1 on an error. */
int conn_stream_write(struct conn_stream *s, const void *data, size_t len);
void conn_stream_close(struct conn_stream *s);

/* ---- trust.c: trust on first use for HTTPS ---- */
/*
 * Check the server certificate (PEM) of HOST:PORT against ~/.ovcp/known_hosts,
 * remembering it on first use. Fills pin with curl's "sha256//..." public key
 * pin for the later requests. 0 or CLI_CONNECT (printed).
 */
int trust_check(const char *host, int port, const char *pem, char *pin, size_t pin_len);

/* ---- errors.c ---- */
/* Print a XenAPI error array the way xe does. */
void errors_print(const json_t *error);

/* ---- args.c: key=value arguments ---- */
struct cli_arg {
	char *key;
	char *value;
	bool used;
};

struct cli_args {
	struct cli_arg *items;
	size_t count;
	bool minimal;
	bool force;
};

/* Split "key=value" words (and --minimal, --force) into a; CLI_USAGE after printing on a bad word. */
int args_parse(struct cli_args *a, int argc, char **argv);
void args_free(struct cli_args *a);
/* The value of KEY (marked used), or NULL. */
const char *args_get(struct cli_args *a, const char *key);
/* The value of a required argument, or NULL after printing a usage error. */
const char *args_require(struct cli_args *a, const char *key, const char *command);

/* ---- fields.c: the xe view of the object model ---- */
/* "VM_guest_metrics" -> "vm-guest-metrics" (out needs 64 bytes). */
void fields_class_cli_name(const struct model_class *cls, char *out, size_t len);
const struct model_class *fields_class_from_cli(const char *name, size_t len);
/* "name_label" -> "name-label". */
void fields_cli_name(const char *field, char *out, size_t len);
const struct model_field *fields_find(const struct model_class *cls, const char *cli_name);
/* " RO", " RW", "MRW", "SRO"... */
const char *fields_marker(const struct model_field *f);
bool fields_is_writable(const struct model_field *f);

/* Reference to uuid resolution, cached for the process. */
struct ref_cache;
struct ref_cache *ref_cache_new(struct conn *c);
void ref_cache_free(struct ref_cache *rc);
/* The uuid of a ref of the class named by type->name, or "<not in database>". */
const char *ref_cache_uuid(struct ref_cache *rc, const char *class_name, const char *ref);

/* The value as xe prints it; caller frees. */
char *fields_format(struct ref_cache *rc, const struct xtype *type, const json_t *value);
/*
 * Parse the user's text for a value of TYPE (int, bool, enum, ref by uuid,
 * set as "a,b"). Returns a new value, or NULL after printing why (*status set).
 */
json_t *fields_parse(struct conn *c, const struct xtype *type, const char *text, const char *what, int *status);
/* The server's ref for a uuid of CLS; NULL after printing the error (*status set). */
char *fields_ref_by_uuid(struct conn *c, const struct model_class *cls, const char *uuid, int *status);

/* ---- task.c: follow an Async call ---- */
/*
 * Run "Async.METHOD" with PARAMS (stolen), follow its task with event.from,
 * drawing a progress bar on stderr when it is a terminal. 0: *result holds
 * the task's result text (the value inside the XML-RPC fragment; caller
 * frees; may be ""), or an exit status after printing the error.
 */
int task_run(struct conn *c, const char *method, json_t *params, char **result);

/* ---- commands.c: the command table ---- */
struct cli_ctx {
	struct conn *conn;
	struct cli_args *args;
	const struct cli_command *cmd;
	const struct model_class *cls; /* generic commands: the class */
	const char *name;	       /* the command as typed */
};

typedef int (*cli_handler)(struct cli_ctx *ctx);

enum {
	CMD_NO_CONN = 1 << 0,	 /* runs without connecting (help) */
	CMD_FIELD_ARGS = 1 << 1, /* accepts the class's fields as arguments (filters, values) */
	CMD_MINIMAL = 1 << 2,	 /* accepts --minimal */
	CMD_GENERIC = 1 << 3,	 /* name is CLASS-suffix, for classes passing `needs` */
};

struct cli_command {
	const char *name; /* full name, or the suffix ("-param-list") of a generic command */
	cli_handler run;
	const char *const *required;
	const char *const *optional;
	unsigned flags;
	unsigned needs; /* CF_* the class must have (generic commands) */
	const char *summary;
};

extern const struct cli_command cli_commands[];
extern const size_t cli_command_count;

/* Find the command for NAME; for generic ones, *cls is set. NULL if unknown. */
const struct cli_command *commands_find(const char *name, const struct model_class **cls);
/* Every argument must be known to the command; prints a usage error and returns CLI_USAGE if not. */
int commands_check_args(const struct cli_command *cmd, const struct model_class *cls, struct cli_args *args,
			const char *name);

/* ---- one file per command family ---- */
int cmd_list(struct cli_ctx *ctx);	 /* cmd_list.c */
int cmd_param_list(struct cli_ctx *ctx); /* cmd_param.c */
int cmd_param_get(struct cli_ctx *ctx);
int cmd_param_set(struct cli_ctx *ctx);
int cmd_param_add(struct cli_ctx *ctx);
int cmd_param_remove(struct cli_ctx *ctx);
int cmd_param_clear(struct cli_ctx *ctx);
int cmd_create(struct cli_ctx *ctx); /* cmd_lifecycle.c */
int cmd_destroy(struct cli_ctx *ctx);
int cmd_user_add(struct cli_ctx *ctx); /* cmd_user.c */
int cmd_user_list(struct cli_ctx *ctx);
int cmd_user_remove(struct cli_ctx *ctx);
int cmd_user_password_set(struct cli_ctx *ctx);
int cmd_help(struct cli_ctx *ctx); /* cmd_help.c */
int cmd_vm_power(struct cli_ctx *ctx); /* cmd_vm.c */
int cmd_vm_copy(struct cli_ctx *ctx);
int cmd_vm_install(struct cli_ctx *ctx);
int cmd_vm_uninstall(struct cli_ctx *ctx);
int cmd_vm_disk_add(struct cli_ctx *ctx);
int cmd_snapshot_revert(struct cli_ctx *ctx);
/* The ref of the VM named by uuid= or WHAT= (name-label or uuid; templates: only templates); NULL after printing. */
char *vm_select(struct cli_ctx *ctx, const char *what, bool templates, int *status);
int cmd_console(struct cli_ctx *ctx); /* cmd_console.c */

/* cmd_param.c helpers shared with cmd_list.c */
/* The uuid= argument resolved to a ref; NULL after printing (*status). */
char *param_target_ref(struct cli_ctx *ctx, int *status);
/* Print a record as xe's aligned block (fields: NULL-terminated list, NULL for all). */
void param_print_record(struct ref_cache *rc, const struct model_class *cls, json_t *record, const char *const *fields,
			size_t nfields, bool markers);

#endif
