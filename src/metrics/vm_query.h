/*
 * The sampler's one way into a VM's QEMU (vm_query.c): a QMP command on the
 * VM driver's monitor connection. args is taken; *reply (the "return"
 * value) is the caller's. 0 / -1 with e.
 */
#ifndef OVCP_METRICS_VM_QUERY_H
#define OVCP_METRICS_VM_QUERY_H

#include <jansson.h>

#include "common/err.h"

struct xapi_server;

int metrics_vm_qmp(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		   struct err *e);

#endif
