/*
 * The provider interface: one row per resource type in providers.c.
 *
 * A provider inspects the current state of one resource, and for every
 * property out of sync calls cm_change(), which records the event (and logs
 * it the way Puppet does) and returns whether the provider must act: false in
 * noop mode. On a failed action the provider returns -1 with the reason; the
 * applier marks the last recorded event failed. Providers touch the system
 * only below cm_ctx_path() and spawn commands only through cm_run(), so the
 * same code serves the real system and a throwaway root.
 */
#ifndef OVCP_CM_PROVIDER_H
#define OVCP_CM_PROVIDER_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cm/apply/apply.h"
#include "cm/catalog/catalog.h"
#include "common/err.h"

struct cm_res_ctx {
	const struct cm_catalog *cat;
	const struct cm_resource *res;
	const struct cm_apply_options *opt;
	bool noop;                 /* this resource: --noop or its noop metaparameter */
	const char *provider_used; /* set by the provider for the report */
	json_t *events;            /* array of Puppet events */
	json_t *logs;              /* the run's log array */
	const char *path;          /* "/Stage[main]/Main/File[/x]", for log sources */
	json_t *tags;              /* log tags for this resource */
	int generated;             /* resources a provider generated (recursive files) */
	void *apply;               /* the applier's state, for cm_ctx_generate() */
};

/* Returns true when the caller must make the change (false in noop). Steals PREV and DESIRED. */
bool cm_change(struct cm_res_ctx *c, const char *property, json_t *prev, json_t *desired,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Log for this resource at LEVEL ("notice", "info", "warning", "err", "debug"); PROPERTY may be NULL. */
void cm_log(struct cm_res_ctx *c, const char *level, const char *property, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Log with source "Puppet" (the notify type's message). */
void cm_log_plain(json_t *logs, bool quiet, const char *level, const char *source, json_t *tags,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Evaluate a generated sub-resource (a file found under a recursive directory) right now and report it. */
int cm_ctx_generate(struct cm_res_ctx *c, json_t *resource_json, struct err *e);

/* PATH below the apply root, in a new string. */
char *cm_ctx_path(const struct cm_res_ctx *c, const char *path);
char *cm_root_path(const char *root, const char *path);
/* The resource's namevar value (title when the parameter is absent). */
const char *cm_ctx_name(const struct cm_res_ctx *c);

/* Users and groups as the root's /etc/passwd and /etc/group say (not the host's NSS). */
int cm_user_uid(const char *root, const char *name_or_id, uid_t *uid);
int cm_group_gid(const char *root, const char *name_or_id, gid_t *gid);
char *cm_user_name(const char *root, uid_t uid);   /* NULL when unknown */
char *cm_group_name(const char *root, gid_t gid);

/* Spawning commands (argv, never a shell unless argv says so). */
struct cm_run {
	const char *const *argv;
	const char *root;       /* chroot into it first (NULL or "/": none) */
	const char *cwd;        /* inside the root */
	const char *const *env; /* extra NAME=VALUE entries, NULL-terminated; may be NULL */
	const char *path;       /* PATH for the child (and for argv[0] lookup); NULL: a standard one */
	const char *input;      /* written to stdin, may be NULL */
	uid_t uid;
	gid_t gid;
	bool set_ids;
	double timeout;         /* seconds, 0: none; the process group is killed after it */
};
/* Run R; *STATUS is the exit code (128+N when killed by signal N, -2 on timeout). *OUTPUT
 * (may be NULL) receives stdout and stderr interleaved. -1 only when it could not be started. */
int cm_run(const struct cm_run *r, int *status, char **output, struct err *e);
/* Convenience: run ARGV (NULL-terminated) chrooted into the context's root; 0 when it exited 0,
 * -1 with "CMD failed: OUTPUT" in E otherwise. */
int cm_run_simple(const struct cm_res_ctx *c, const char *const *argv, char **output, struct err *e);

/* Checksums: "{sha256}hex" / "{md5}hex" of a buffer or file, in a new string. */
char *cm_digest_buffer(const char *algo, const void *data, size_t len);
char *cm_digest_file(const char *algo, const char *path);

/* File helpers */
int cm_read_file(const char *path, char **data, size_t *len); /* 0/-1 with errno */
int cm_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err *e);
int cm_mkdir_parents(const char *path, mode_t mode);

struct cm_provider {
	const char *type;          /* "File" */
	const char *provider_name; /* default provider_used, NULL for none */
	int (*apply)(struct cm_res_ctx *c, struct err *e);
	int (*refresh)(struct cm_res_ctx *c, struct err *e); /* NULL: the type does not refresh */
	/* Append the references this resource autorequires to REFS (missing ones are ignored). */
	void (*autorequire)(const struct cm_resource *r, json_t *refs);
};

const struct cm_provider *cm_provider_find(const char *type);

/* One per file in providers/ */
extern const struct cm_provider cm_provider_file, cm_provider_package, cm_provider_service,
	cm_provider_user, cm_provider_group, cm_provider_exec, cm_provider_cron, cm_provider_host,
	cm_provider_notify;

#endif
