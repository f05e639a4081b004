/*
 * VM.provision: a template's other_config:disks (disk_spec.h) made into
 * VDIs and VBDs, as xapi_vm.ml / xapi_templates.ml do, then the template
 * turned into a VM.
 *
 * Order and errors, xapi's: the power state (Halted) and other operations
 * first (vm_op_begin), then PROVISION_ONLY_ALLOWED_ON_TEMPLATE [] for a VM
 * that is not a template; a spec that does not parse is INTERNAL_ERROR,
 * an sr that names no SR is UUID_INVALID ["sr", uuid] (an empty sr means
 * the pool's default SR).
 *
 * Invariant: all or nothing. The whole spec is parsed and every SR
 * resolved before the first disk is made; when a disk cannot be made,
 * the VDIs made before it are destroyed again (their VBDs with them) and
 * the VM record is as it was. On success, in one record update, the spec
 * is removed (the disks are made once) and is_a_template becomes false.
 * A template without a spec only becomes a VM.
 */
#include "hv/vm_ops.h"

#include "common/log.h"
#include "hv/disk_spec.h"
#include "hv/vm_internal.h"
#include "xapi/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

/* The SR ref of each disk of the spec, in order. */
static int resolve_srs(struct xapi_server *srv, const struct disk_spec *spec, char (*srs)[REF_LEN], struct err *e)
{
	for (size_t i = 0; i < spec->count; i++) {
		const char *uuid = spec->disks[i].sr;
		bool found;

		if (uuid[0] == '\0') {
			json_t *pool = db_get(srv->store, cls("pool"), srv->pool_ref, NULL);

			snprintf(srs[i], REF_LEN, "%s", pool ? str(pool, "default_SR") : REF_NULL);
			json_decref(pool);
			found = !ref_is_null(srs[i]) && db_exists(srv->store, cls("SR"), srs[i]);
		} else {
			found = db_find_by_uuid(srv->store, cls("SR"), uuid, srs[i], NULL) == 0;
		}
		if (!found) {
			err_set(e, "UUID_INVALID", "sr", uuid, NULL);
			return -1;
		}
	}
	return 0;
}

/* One disk: its VDI, then its VBD (the VDI ref in vdi even when the VBD fails, for the undo). */
static int make_disk(struct xapi_server *srv, const char *vm, const json_t *rec, const struct disk_spec_disk *d,
		     const char *sr, char vdi[REF_LEN], struct err *e)
{
	char name[160];
	json_t *vbd, *oc;
	int rc;

	vdi[0] = '\0';
	snprintf(name, sizeof(name), "%s %s", str(rec, "name_label"), d->device);
	if (vm_vdi_create(srv, sr, name, d->size, d->type, vdi, e) < 0) {
		vdi[0] = '\0';
		return -1;
	}
	vbd = record_new_default(cls("VBD"));
	oc = json_pack("{s:s}", "owner", ""); /* xapi: the VM owns the disk (destroyed with it) */
	json_object_set_new(vbd, "VM", json_string(vm));
	json_object_set_new(vbd, "VDI", json_string(vdi));
	json_object_set_new(vbd, "userdevice", json_string(d->device));
	json_object_set_new(vbd, "bootable", json_boolean(d->bootable));
	json_object_set_new(vbd, "mode", json_string("RW"));
	json_object_set_new(vbd, "type", json_string("Disk"));
	json_object_set_new(vbd, "empty", json_false());
	json_object_set_new(vbd, "unpluggable", json_boolean(strcmp(d->type, "system") != 0));
	json_object_set_new(vbd, "other_config", oc);
	rc = db_create(srv->store, cls("VBD"), vbd, NULL, NULL, e);
	json_decref(vbd);
	return rc;
}

static void destroy_disks(struct xapi_server *srv, char (*vdis)[REF_LEN], size_t n)
{
	struct err e = {0};

	for (size_t i = 0; i < n; i++)
		if (vdis[i][0] != '\0' && vm_vdi_destroy(srv, vdis[i], &e) < 0) {
			log_warn("%s: provision undo: VDI %s stays: %s", __func__, vdis[i], err_code(&e));
			err_clear(&e);
		}
}

static int provisioned_edit(json_t *vm, void *arg, struct err *e)
{
	(void)arg, (void)e;
	json_object_del(json_object_get(vm, "other_config"), "disks");
	json_object_set_new(vm, "is_a_template", json_false());
	return 0;
}

static int provision_disks(struct xapi_server *srv, const char *vm, const json_t *rec, const char *task,
			   const struct disk_spec *spec, struct err *e)
{
	char(*srs)[REF_LEN] = calloc(spec->count + 1, REF_LEN);
	char(*vdis)[REF_LEN] = calloc(spec->count + 1, REF_LEN);
	size_t made = 0;
	int rc = -1;

	if (srs == NULL || vdis == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (resolve_srs(srv, spec, srs, e) < 0)
		goto out;
	rc = 0;
	while (made < spec->count) {
		rc = make_disk(srv, vm, rec, &spec->disks[made], srs[made], vdis[made], e);
		made++; /* a VDI made before its VBD failed is undone too */
		if (rc < 0)
			break;
		task_progress(srv, task, (double)made / (double)(spec->count + 1));
	}
	if (rc == 0)
		rc = db_update(srv->store, cls("VM"), vm, provisioned_edit, NULL, e);
	if (rc < 0)
		destroy_disks(srv, vdis, made);
out:
	free(vdis);
	free(srs);
	return rc;
}

static const char *const S_HALTED[] = {"Halted", NULL};

int vm_op_provision(struct xapi_server *srv, const char *vm, const char *task, struct err *e)
{
	struct disk_spec *spec = NULL;
	char key[REF_LEN];
	json_t *rec;
	int rc = -1;

	if (vm_op_begin(srv, vm, "provision", task, S_HALTED, key, e) < 0)
		return -1;
	if ((rec = db_get(srv->store, cls("VM"), vm, e)) == NULL)
		goto out;
	if (!json_is_true(json_object_get(rec, "is_a_template"))) {
		err_set(e, "PROVISION_ONLY_ALLOWED_ON_TEMPLATE", NULL);
		goto out;
	}
	const char *xml = json_string_value(json_object_get(json_object_get(rec, "other_config"), "disks"));
	if ((spec = calloc(1, sizeof(*spec))) == NULL) {
		err_internal(e, "out of memory");
		goto out;
	}
	if (xml != NULL && disk_spec_parse(xml, spec, e) < 0)
		goto out;
	rc = provision_disks(srv, vm, rec, task, spec, e);
out:
	free(spec);
	json_decref(rec);
	vm_op_end(srv, vm, key);
	return rc;
}
