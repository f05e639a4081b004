/*
 * XenAPI messages implemented by the VM driver: the thin glue from a call's
 * (checked, coerced) arguments to the operations of src/hv/vm_ops.h. Every
 * row may run as Async.*: the task ref then keys current_operations.
 */
#include "xapi/dispatch.h"

#include <string.h>

#include "hv/vm_ops.h"
#include "xapi/db.h"

static const char *task_of(struct xapi_call *c)
{
	return c->task_ref[0] ? c->task_ref : NULL;
}

static bool arg_bool(struct xapi_call *c, size_t i)
{
	return json_is_true(arg(c, i));
}

static int void_result(int rc, json_t **result)
{
	if (rc == 0)
		*result = json_null();
	return rc;
}

static int ref_result(int rc, const char *ref, json_t **result)
{
	if (rc == 0)
		*result = json_string(ref);
	return rc;
}

/* start_on / resume_on: this host is the only one a VM can start on here. */
static int check_this_host(struct xapi_call *c, size_t i, struct err *e)
{
	const char *host = arg_str(c, i);

	if (host && strcmp(host, c->srv->host_ref) == 0)
		return 0;
	if (host && db_exists(c->srv->store, model_class_find("host"), host)) {
		err_set(e, "HOST_CANNOT_ATTACH_NETWORK", host, REF_NULL, NULL); /* xapi's answer for an unusable host */
		return -1;
	}
	err_set(e, "HANDLE_INVALID", "host", host ? host : "", NULL);
	return -1;
}

static int h_start(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(vm_op_start(c->srv, arg_str(c, 0), arg_bool(c, 1), task_of(c), e), result);
}

static int h_start_on(struct xapi_call *c, json_t **result, struct err *e)
{
	if (check_this_host(c, 1, e) < 0)
		return -1;
	return void_result(vm_op_start(c->srv, arg_str(c, 0), arg_bool(c, 2), task_of(c), e), result);
}

static int h_resume(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(vm_op_resume(c->srv, arg_str(c, 0), arg_bool(c, 1), task_of(c), e), result);
}

static int h_resume_on(struct xapi_call *c, json_t **result, struct err *e)
{
	if (check_this_host(c, 1, e) < 0)
		return -1;
	return void_result(vm_op_resume(c->srv, arg_str(c, 0), arg_bool(c, 2), task_of(c), e), result);
}

#define SIMPLE(name, fn)                                                                                    \
	static int name(struct xapi_call *c, json_t **result, struct err *e)                               \
	{                                                                                                   \
		return void_result(fn(c->srv, arg_str(c, 0), task_of(c), e), result);                        \
	}

SIMPLE(h_clean_shutdown, vm_op_clean_shutdown)
SIMPLE(h_hard_shutdown, vm_op_hard_shutdown)
SIMPLE(h_shutdown, vm_op_shutdown)
SIMPLE(h_clean_reboot, vm_op_clean_reboot)
SIMPLE(h_hard_reboot, vm_op_hard_reboot)
SIMPLE(h_pause, vm_op_pause)
SIMPLE(h_unpause, vm_op_unpause)
SIMPLE(h_suspend, vm_op_suspend)
SIMPLE(h_revert, vm_op_revert)
SIMPLE(h_provision, vm_op_provision)

static int h_clone(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(vm_op_clone(c->srv, arg_str(c, 0), arg_str(c, 1), task_of(c), ref, e), ref, result);
}

static int h_copy(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(vm_op_copy(c->srv, arg_str(c, 0), arg_str(c, 1), arg_str(c, 2), task_of(c), ref, e), ref,
			  result);
}

static int h_snapshot(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(vm_op_snapshot(c->srv, arg_str(c, 0), arg_str(c, 1), arg(c, 2), task_of(c), ref, e), ref,
			  result);
}

/* VM.destroy: Halted only; then what the generic destroy does (VBDs, VIFs, consoles, metrics go; VDIs stay). */
static int h_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	struct method m;

	if (vm_op_destroy(c->srv, arg_str(c, 0), e) < 0 || method_resolve("VM.destroy", &m, e) < 0)
		return -1;
	return generic_run(c, &m, result, e);
}

static int h_create(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(vm_op_create(c->srv, arg(c, 0), ref, e), ref, result);
}

#define DEVICE(name, fn)                                                                                    \
	static int name(struct xapi_call *c, json_t **result, struct err *e)                               \
	{                                                                                                   \
		return void_result(fn(c->srv, arg_str(c, 0), e), result);                                  \
	}

DEVICE(h_vbd_plug, vm_op_vbd_plug)
DEVICE(h_vbd_unplug, vm_op_vbd_unplug)
DEVICE(h_vbd_eject, vm_op_vbd_eject)
DEVICE(h_vif_plug, vm_op_vif_plug)
DEVICE(h_vif_unplug, vm_op_vif_unplug)

static int h_vbd_insert(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(vm_op_vbd_insert(c->srv, arg_str(c, 0), arg_str(c, 1), e), result);
}

const struct handler_row vm_handlers[] = {
	{"VM.create", h_create, true},
	{"VM.destroy", h_destroy, true},
	{"VM.start", h_start, true},
	{"VM.start_on", h_start_on, true},
	{"VM.clean_shutdown", h_clean_shutdown, true},
	{"VM.hard_shutdown", h_hard_shutdown, true},
	{"VM.shutdown", h_shutdown, true},
	{"VM.clean_reboot", h_clean_reboot, true},
	{"VM.hard_reboot", h_hard_reboot, true},
	{"VM.pause", h_pause, true},
	{"VM.unpause", h_unpause, true},
	{"VM.suspend", h_suspend, true},
	{"VM.resume", h_resume, true},
	{"VM.resume_on", h_resume_on, true},
	{"VM.clone", h_clone, true},
	{"VM.copy", h_copy, true},
	{"VM.snapshot", h_snapshot, true},
	{"VM.revert", h_revert, true},
	{"VM.provision", h_provision, true},
	{"VBD.plug", h_vbd_plug, true},
	{"VBD.unplug", h_vbd_unplug, true},
	{"VBD.unplug_force", h_vbd_unplug, true},
	{"VBD.insert", h_vbd_insert, true},
	{"VBD.eject", h_vbd_eject, true},
	{"VIF.plug", h_vif_plug, true},
	{"VIF.unplug", h_vif_unplug, true},
	{"VIF.unplug_force", h_vif_unplug, true},
	{NULL, NULL, false},
};
