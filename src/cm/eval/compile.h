/*
 * Catalog compilation: a Puppet manifest, its modules, facts and Hiera data
 * into Puppet 7's v3 catalog (JSON, catalog_format 1).
 *
 * cm_compile() is a pure function of its options: it reads the manifest,
 * the modules it autoloads and the Hiera files, and writes nothing. All the
 * state of one compilation hangs off a per-call context with its own arena,
 * so several nodes may be compiled at once in different threads.
 *
 * Errors: the first one ends the compilation; diag->error holds it in
 * Puppet 7's words, with its position ("file:line:column: message" when a
 * position is known). notice()/warning()... messages are collected in
 * diag->messages in the order they were emitted, as Puppet prints them
 * ("Notice: Scope(Class[main]): text").
 */
#ifndef OVCP_CM_EVAL_COMPILE_H
#define OVCP_CM_EVAL_COMPILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct cm_compile_options {
	const char *manifest;           /* site.pp (a file or a directory of .pp files); or NULL */
	const char *code;               /* inline code (puppet apply -e); used when manifest is NULL */
	const char *const *modulepath;  /* directories holding modules; may be NULL */
	size_t modulepath_count;
	const char *node;               /* certname; NULL: facts' networking.fqdn or "localhost" */
	json_t *facts;                  /* object, borrowed; NULL: no facts */
	json_t *trusted;                /* object, borrowed; NULL: {certname, authenticated: "local"...} */
	const char *environment;        /* NULL: "production" */
	const char *environment_dir;    /* holds hiera.yaml and data/; NULL: the manifest's parent's parent */
	const char *hiera_config;       /* hiera.yaml; NULL: environment_dir/hiera.yaml when present */
	const char *version;            /* catalog "version"; NULL: seconds since the epoch (integer) */
	bool deterministic;             /* fixed catalog_uuid and version 0 (golden tests) */
};

struct cm_diag {
	char *error;      /* malloc'ed; NULL when compilation succeeded */
	char **messages;  /* malloc'ed array of malloc'ed lines ("Notice: Scope(...): text") */
	size_t nmessages;
};

/* Compile. Returns 0 with *catalog (a new object the caller owns), or -1 with
 * diag->error set. diag may be NULL. */
int cm_compile(const struct cm_compile_options *opt, json_t **catalog, struct cm_diag *diag);
void cm_diag_clear(struct cm_diag *diag); /* frees what diag holds; leaves it empty */

#endif
