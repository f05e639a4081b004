/*
 * XenAPI messages of the storage driver: SR, VDI and PBD. Each handler
 * takes its checked arguments and calls the driver's glue
 * (src/storage/xapi); nothing here touches a file.
 */
#include <string.h>

#include "storage/xapi/storage_xapi.h"
#include "xapi/db.h"
#include "xapi/dispatch.h"

static int ref_result(int rc, const char *ref, json_t **result)
{
	if (rc == 0)
		*result = json_string(ref);
	return rc;
}

static int void_result(int rc, json_t **result)
{
	if (rc == 0)
		*result = json_null();
	return rc;
}

static int started(struct xapi_call *c, struct err *e)
{
	if (c->srv->storage)
		return 0;
	err_set(e, "SR_BACKEND_FAILURE", "storage", "the storage driver is not started", NULL);
	return -1;
}

/* ---- SR ---- */

static int h_sr_create(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	if (started(c, e) < 0)
		return -1;
	return ref_result(storage_sr_create(c->srv, c->args, ref, e), ref, result);
}

static int h_sr_forget(struct xapi_call *c, json_t **result, struct err *e)
{
	return started(c, e) < 0 ? -1 : void_result(storage_sr_forget(c->srv, arg_str(c, 0), e), result);
}

static int h_sr_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return started(c, e) < 0 ? -1 : void_result(storage_sr_destroy(c->srv, arg_str(c, 0), e), result);
}

static int h_sr_scan(struct xapi_call *c, json_t **result, struct err *e)
{
	return started(c, e) < 0 ? -1 : void_result(storage_sr_scan(c->srv, arg_str(c, 0), e), result);
}

static int h_sr_update(struct xapi_call *c, json_t **result, struct err *e)
{
	char dir[SR_DIR_SIZE];

	if (started(c, e) < 0 || storage_sr_dir(c->srv, arg_str(c, 0), dir, e) < 0)
		return -1;
	storage_sr_refresh(c->srv, arg_str(c, 0));
	*result = json_null();
	return 0;
}

static int h_pbd_plug(struct xapi_call *c, json_t **result, struct err *e)
{
	return started(c, e) < 0 ? -1 : void_result(storage_pbd_plug(c->srv, arg_str(c, 0), true, e), result);
}

static int h_pbd_unplug(struct xapi_call *c, json_t **result, struct err *e)
{
	return started(c, e) < 0 ? -1 : void_result(storage_pbd_plug(c->srv, arg_str(c, 0), false, e), result);
}

/* ---- VDI ---- */

static int h_vdi_create(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(storage_vdi_create_from_args(c->srv, arg(c, 0), ref, e), ref, result);
}

static int h_vdi_destroy(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(storage_vdi_destroy(c->srv, arg_str(c, 0), e), result);
}

static int h_vdi_forget(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(storage_vdi_forget(c->srv, arg_str(c, 0), e), result);
}

static int h_vdi_update(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(storage_vdi_update(c->srv, arg_str(c, 0), e), result);
}

static int h_vdi_resize(struct xapi_call *c, json_t **result, struct err *e)
{
	return void_result(storage_vdi_resize(c->srv, arg_str(c, 0), json_integer_value(arg(c, 1)), e), result);
}

static int h_vdi_clone(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(storage_vdi_clone(c->srv, arg_str(c, 0), NULL, ref, e), ref, result);
}

static int h_vdi_snapshot(struct xapi_call *c, json_t **result, struct err *e)
{
	char ref[REF_LEN];

	return ref_result(storage_vdi_snapshot(c->srv, arg_str(c, 0), NULL, ref, e), ref, result);
}

/* VDI.revert(snapshot): the VDI the snapshot was taken of gets its content back. */
static int h_vdi_revert(struct xapi_call *c, json_t **result, struct err *e)
{
	json_t *snap = db_get(c->srv->store, model_class_find("VDI"), arg_str(c, 0), e);

	if (snap == NULL)
		return -1;
	const char *of = json_string_value(json_object_get(snap, "snapshot_of"));
	int rc = -1;
	if (!json_is_true(json_object_get(snap, "is_a_snapshot")) || of == NULL || ref_is_null(of))
		err_set(e, "VDI_NOT_A_SNAPSHOT", arg_str(c, 0), NULL);
	else
		rc = storage_vdi_revert_to(c->srv, of, arg_str(c, 0), e);
	json_decref(snap);
	return void_result(rc, result);
}

/* VDI.copy(vdi, sr, base_vdi, into_vdi): a new VDI in sr, or the content of into_vdi replaced. */
static int h_vdi_copy(struct xapi_call *c, json_t **result, struct err *e)
{
	const char *sr = json_array_size(c->args) > 1 ? arg_str(c, 1) : REF_NULL;
	const char *into = json_array_size(c->args) > 3 ? arg_str(c, 3) : REF_NULL;
	char ref[REF_LEN];

	if (!ref_is_null(into)) {
		if (storage_vdi_copy_into(c->srv, arg_str(c, 0), into, c->task_ref, e) < 0)
			return -1;
		*result = json_string(into);
		return 0;
	}
	if (ref_is_null(sr)) {
		err_set(e, "HANDLE_INVALID", "SR", sr, NULL);
		return -1;
	}
	return ref_result(storage_vdi_copy(c->srv, arg_str(c, 0), sr, c->task_ref, ref, e), ref, result);
}

const struct handler_row storage_handlers[] = {
	{ "SR.create", h_sr_create, true },
	{ "SR.forget", h_sr_forget, true },
	{ "SR.destroy", h_sr_destroy, true },
	{ "SR.scan", h_sr_scan, true },
	{ "SR.update", h_sr_update, true },
	{ "PBD.plug", h_pbd_plug, true },
	{ "PBD.unplug", h_pbd_unplug, true },
	{ "VDI.create", h_vdi_create, true },
	{ "VDI.destroy", h_vdi_destroy, true },
	{ "VDI.forget", h_vdi_forget, true },
	{ "VDI.update", h_vdi_update, true },
	{ "VDI.resize", h_vdi_resize, true },
	{ "VDI.clone", h_vdi_clone, true },
	{ "VDI.snapshot", h_vdi_snapshot, true },
	{ "VDI.revert", h_vdi_revert, true },
	{ "VDI.copy", h_vdi_copy, true },
	{ NULL, NULL, false },
};
