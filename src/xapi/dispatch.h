/*
 * Method resolution: from "VM.get_record" to what to run, with what
 * parameters, which roles may call it and what it returns. Internal to the
 * XenAPI layer (dispatch.c, generic.c, handlers).
 */
#ifndef OVCP_XAPI_DISPATCH_H
#define OVCP_XAPI_DISPATCH_H

#include "xapi/server.h"

#define MAX_PARAMS 12

enum generic_kind {
	G_NONE,
	G_GET_ALL,
	G_GET_ALL_RECORDS,
	G_GET_RECORD,
	G_GET_BY_UUID,
	G_GET_BY_NAME_LABEL,
	G_CREATE,
	G_DESTROY,
	G_GET_FIELD,
	G_SET_FIELD,
	G_MAP_ADD,
	G_MAP_REMOVE,
	G_SET_ADD,
	G_SET_REMOVE,
};

struct method {
	const struct model_class *cls;
	char name[96];                   /* the message name */
	const struct model_message *msg; /* explicit message, or NULL */
	enum generic_kind generic;
	const struct model_field *field; /* generic field operations */
	xapi_handler fn;
	unsigned roles;
	bool needs_session;
	bool async_ok;
	bool unimplemented; /* known to XenAPI, not implemented: NOT_IMPLEMENTED after the checks */
	size_t nparams, nrequired;
	const char *param_names[MAX_PARAMS];
	const struct xtype *param_types[MAX_PARAMS];
	const struct xtype *result_type;
};

struct handler_row {
	const char *method; /* "Class.message" */
	xapi_handler fn;
	bool async_ok;
};

/*
 * Explicit handlers: each module that implements messages has its own
 * NULL-terminated table; handlers.c lists the tables in xapi_handler_tables.
 */
extern const struct handler_row core_handlers[];    /* handlers.c: session, event, task, subject, message */
extern const struct handler_row vm_handlers[];      /* handlers_vm.c: VM lifecycle, consoles, guest metrics */
extern const struct handler_row storage_handlers[]; /* handlers_storage.c: SR, VDI, PBD */
extern const struct handler_row network_handlers[]; /* handlers_network.c: network, PIF, VIF, VLAN */
extern const struct handler_row *const xapi_handler_tables[];

/* generic.c */
int generic_run(struct xapi_call *call, const struct method *m, json_t **result, struct err *e);
/* Per-class types: "CLS ref", "CLS ref set", "CLS record", "(CLS ref -> CLS record) map". */
const struct xtype *generic_type(const struct model_class *cls, int which);
enum { GT_REF, GT_REF_SET, GT_RECORD, GT_RECORD_MAP };
int generic_init(void);

/* dispatch.c */
int method_resolve(const char *name, struct method *m, struct err *e);

/* Helpers for handlers: the i-th argument as a string / the class's object after checking it exists. */
const char *arg_str(struct xapi_call *call, size_t i);
json_t *arg(struct xapi_call *call, size_t i);

#endif
