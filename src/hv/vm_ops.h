/*
 * The VM operations behind the XenAPI's VM.* messages (handlers_vm.c is the
 * thin glue). Each takes the VM ref and the task ref the call runs under
 * ("" or NULL when synchronous), marks the operation in current_operations
 * while it runs, and fails with XenAPI errors:
 *   VM_BAD_POWER_STATE [vm, expected, actual], VM_IS_TEMPLATE [vm],
 *   OTHER_OPERATION_IN_PROGRESS [VM, vm, op], BOOTLOADER_FAILED [uuid, why],
 *   VM_SHUTDOWN_TIMEOUT [vm, seconds], VM_MISSING_PV_DRIVERS [vm].
 */
#ifndef OVCP_HV_VM_OPS_H
#define OVCP_HV_VM_OPS_H

#include <jansson.h>
#include <stdbool.h>

#include "common/err.h"
#include "xapi/record.h"

struct xapi_server;

/* vm_ops.c: power */
int vm_op_start(struct xapi_server *srv, const char *vm, bool paused, const char *task, struct err *e);
int vm_op_clean_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_hard_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
/* VM.shutdown: clean, and hard when the clean one fails */
int vm_op_shutdown(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_clean_reboot(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_hard_reboot(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_pause(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_unpause(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_suspend(struct xapi_server *srv, const char *vm, const char *task, struct err *e);
int vm_op_resume(struct xapi_server *srv, const char *vm, bool paused, const char *task, struct err *e);

/* vm_hotplug.c: devices of a running VM (errors: VM_BAD_POWER_STATE, DEVICE_ALREADY_ATTACHED,
 * DEVICE_ALREADY_DETACHED, DEVICE_DETACH_TIMEOUT, VBD_NOT_REMOVABLE_MEDIA, VBD_NOT_EMPTY, VBD_IS_EMPTY) */
int vm_op_vbd_plug(struct xapi_server *srv, const char *vbd, struct err *e);
int vm_op_vbd_unplug(struct xapi_server *srv, const char *vbd, struct err *e);
int vm_op_vbd_insert(struct xapi_server *srv, const char *vbd, const char *vdi, struct err *e);
int vm_op_vbd_eject(struct xapi_server *srv, const char *vbd, struct err *e);
int vm_op_vif_plug(struct xapi_server *srv, const char *vif, struct err *e);
int vm_op_vif_unplug(struct xapi_server *srv, const char *vif, struct err *e);

/* vm_disks.c: copies and snapshots; new_vm gets the new VM's ref */
int vm_op_clone(struct xapi_server *srv, const char *vm, const char *name, const char *task, char new_vm[REF_LEN],
		struct err *e);
int vm_op_copy(struct xapi_server *srv, const char *vm, const char *name, const char *sr, const char *task,
	       char new_vm[REF_LEN], struct err *e);
int vm_op_snapshot(struct xapi_server *srv, const char *vm, const char *name, json_t *ignore_vdis,
		   const char *task, char new_vm[REF_LEN], struct err *e);
int vm_op_revert(struct xapi_server *srv, const char *snapshot, const char *task, struct err *e);
int vm_op_destroy(struct xapi_server *srv, const char *vm, struct err *e);
/* A VM.create record completed with what the driver keeps (allowed_operations, metrics). */
int vm_op_create(struct xapi_server *srv, json_t *args, char new_vm[REF_LEN], struct err *e);

/* vm_provision.c: a template's other_config:disks made into disks, and the template into a VM
 * (PROVISION_ONLY_ALLOWED_ON_TEMPLATE [], UUID_INVALID [sr, uuid], INTERNAL_ERROR for a bad spec) */
int vm_op_provision(struct xapi_server *srv, const char *vm, const char *task, struct err *e);

#endif
