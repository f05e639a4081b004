/*
 * Where the console proxy learns the VM's sockets: the VM driver's
 * vm_runtime_socket() (src/xapi/vm_api.h). Built without that header (the
 * driver not there yet) every console is refused with VM_DRIVER_MISSING.
 */
#include "console/console.h"

#if __has_include("xapi/vm_api.h")
#include "xapi/vm_api.h"

int console_vm_socket(struct xapi_server *srv, const char *vm_ref, const char *which, char *path, size_t size,
		      struct err *e)
{
	return vm_runtime_socket(srv, vm_ref, which, path, size, e);
}
#else
int console_vm_socket(struct xapi_server *srv, const char *vm_ref, const char *which, char *path, size_t size,
		      struct err *e)
{
	err_set(e, "VM_DRIVER_MISSING", vm_ref, which, NULL);
	return -1;
}
#endif
