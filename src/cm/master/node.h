/*
 * Node classification and compilation for the master: who a node is
 * (classes, parameters, environment from the ENC or OVCP's classifier) and
 * its catalog. The pure parts (form decoding, ENC YAML, Puppet literals)
 * are separate so that unit tests pin them.
 */
#ifndef OVCP_CM_MASTER_NODE_H
#define OVCP_CM_MASTER_NODE_H

#include <jansson.h>

#include "cm/master/master.h"
#include "common/buf.h"

struct cm_node_class {
	json_t *classes;     /* object: class name -> params object (may be empty) */
	json_t *parameters;  /* object: top-scope variables */
	char *environment;   /* NULL: the one the agent asked for */
};

/* form.c (pure) */
/* Decode %XX and '+' in place; returns the new length. -1 on a bad escape. */
long cm_form_decode(char *s);
/* The value of NAME in an application/x-www-form-urlencoded body, decoded (malloc'ed) or NULL. */
char *cm_form_get(const char *body, const char *name);
/* The facts of a catalog POST body: the "values" object of the facts
 * document (a new reference), decoded from the twice-URL-encoded form field. */
json_t *cm_form_facts(const char *body, struct err *e);

/* enc.c (pure: YAML text -> classification) */
int cm_enc_parse(const char *yaml, size_t len, struct cm_node_class *out, struct err *e);
/* YAML document -> JSON (plain scalars typed as YAML 1.1 core: bool, null, int, float). */
json_t *cm_yaml_to_json(const char *yaml, size_t len, struct err *e);
void cm_node_class_clear(struct cm_node_class *nc);
/* Run the ENC program with CERTNAME and parse its output. */
int cm_enc_run(const char *program, const char *certname, struct cm_node_class *out, struct err *e);

/* puppet_code.c (pure) */
/* A Puppet literal for V (strings single-quoted; null -> undef) appended to OUT. */
void cm_puppet_literal(const json_t *v, struct buf *out);
bool cm_puppet_class_name_valid(const char *name);
/* Code declaring CLASSES (object name -> params): include for no params,
 * resource-like declarations otherwise. -1 on an invalid class or parameter name. */
int cm_puppet_declare_classes(const json_t *classes, struct buf *out, struct err *e);

/* ovcp_classifier.c: classes from the VM records of an ovcpd (XenAPI JSON-RPC). */
int cm_ovcp_classify(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e);
/* VM.other_config -> classification (pure). */
int cm_ovcp_classes_from_other_config(const json_t *other_config, struct cm_node_class *out, struct err *e);

/* classify.c */
int cm_master_classify(struct cm_master *m, const char *certname, struct cm_node_class *out, struct err *e);

/* compile_adapter.c: the one call into the compiler. */
int cm_master_compile(struct cm_master *m, const char *certname, const char *environment, json_t *facts,
                      const struct cm_node_class *nc, json_t **catalog, struct err *e);
/* The environment's directory (codedir/environments/ENV), malloc'ed; NULL if it does not exist. */
char *cm_master_env_dir(struct cm_master *m, const char *environment);

#endif
