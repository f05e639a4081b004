/*
 * Where the sampler asks QEMU: the VM driver's vm_qmp_query()
 * (src/xapi/vm_api.h), which runs a command on the VM's own monitor
 * connection. Built without that header (the driver not there yet) no VM
 * can be asked, and the sampler reports the host only.
 */
#include "metrics/vm_query.h"

#if __has_include("xapi/vm_api.h")
#include "xapi/vm_api.h"

int metrics_vm_qmp(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		   struct err *e)
{
	return vm_qmp_query(srv, vm_ref, command, args, reply, e);
}
#else
int metrics_vm_qmp(struct xapi_server *srv, const char *vm_ref, const char *command, json_t *args, json_t **reply,
		   struct err *e)
{
	json_decref(args);
	err_set(e, "VM_DRIVER_MISSING", vm_ref, command, NULL);
	return -1;
}
#endif
