/*
 * What the records say about a VM's life: power_state with the
 * allowed_operations it implies, current_operations while an operation runs,
 * and the runtime records (resident_on, domid, VM_metrics, consoles,
 * VBD/VIF currently_attached) that exist only while a QEMU runs.
 *
 * Invariants: allowed_operations is always the table row of the VM's power
 * state (minus everything while another operation runs, as xapi does);
 * a VM that is Halted or Suspended has resident_on NULL, domid -1, no
 * consoles and no VBD/VIF currently_attached.
 */
#include "hv/vm_internal.h"

#include "common/log.h"
#include "common/util.h"
#include "xapi/db.h"

#include <stdio.h>
#include <string.h>

static const struct model_class *cls(const char *name)
{
	return model_class_find(name);
}

/* ---- allowed operations by power state ---------------------------------- */

static const char *const ops_halted[] = {"start", "start_on", "clone", "copy", "snapshot", "destroy", "export",
					 "make_into_template", "changing_VCPUs", "changing_memory_limits",
					 "changing_static_range", "changing_dynamic_range", "metadata_export", NULL};
static const char *const ops_running[] = {"clean_shutdown", "hard_shutdown", "clean_reboot", "hard_reboot",
					  "pause", "suspend", "snapshot", "shutdown", "changing_dynamic_range",
					  "metadata_export", NULL};
static const char *const ops_paused[] = {"unpause", "hard_shutdown", "hard_reboot", "shutdown", "metadata_export",
					 NULL};
static const char *const ops_suspended[] = {"resume", "resume_on", "hard_shutdown", "shutdown", "export",
					    "metadata_export", NULL};
static const char *const ops_template[] = {"clone", "copy", "export", "provision", "destroy", "metadata_export",
					   NULL};
static const char *const ops_snapshot[] = {"revert", "clone", "copy", "create_template", "destroy", "export",
					   "metadata_export", NULL};

static const struct {
	const char *state;
	const char *const *ops;
} ops_by_state[] = {
	{"Halted", ops_halted},
	{"Running", ops_running},
	{"Paused", ops_paused},
	{"Suspended", ops_suspended},
};

json_t *vm_allowed_operations(const char *power_state, bool is_template, bool is_snapshot)
{
	const char *const *ops = NULL;
	json_t *a = json_array();

	if (is_snapshot)
		ops = ops_snapshot;
	else if (is_template)
		ops = ops_template;
	else
		for (size_t i = 0; i < sizeof(ops_by_state) / sizeof(ops_by_state[0]); i++)
			if (power_state && strcmp(ops_by_state[i].state, power_state) == 0)
				ops = ops_by_state[i].ops;
	for (; ops && *ops; ops++)
		json_array_append_new(a, json_string(*ops));
	return a;
}

static void recompute_allowed(json_t *vm)
{
	json_t *cur = json_object_get(vm, "current_operations");

	if (json_object_size(cur) > 0) {
		json_object_set_new(vm, "allowed_operations", json_array());
		return;
	}
	json_object_set_new(vm, "allowed_operations",
			    vm_allowed_operations(json_string_value(json_object_get(vm, "power_state")),
						  json_is_true(json_object_get(vm, "is_a_template")),
						  json_is_true(json_object_get(vm, "is_a_snapshot"))));
}

static int set_power(json_t *vm, void *arg, struct err *e)
{
	(void)e;
	json_object_set_new(vm, "power_state", json_string(arg));
	recompute_allowed(vm);
	return 0;
}

int vm_record_power(struct xapi_server *srv, const char *vm_ref, const char *power_state, struct err *e)
{
	return db_update(srv->store, cls("VM"), vm_ref, set_power, (void *)power_state, e);
}

/* ---- operations ------------------------------------------------------- */

struct op_begin {
	const char *ref, *op, *key;
	const char *const *states;
};

static int op_begin_edit(json_t *vm, void *arg, struct err *e)
{
	struct op_begin *b = arg;
	const char *ps = json_string_value(json_object_get(vm, "power_state"));
	json_t *cur = json_object_get(vm, "current_operations");
	bool ok = b->states == NULL;

	for (const char *const *s = b->states; s && *s; s++)
		if (ps && strcmp(ps, *s) == 0)
			ok = true;
	if (!ok) {
		err_set(e, "VM_BAD_POWER_STATE", b->ref, b->states[0], ps ? ps : "", NULL);
		return -1;
	}
	if (json_object_size(cur) > 0) {
		const char *k;
		json_t *v;

		json_object_foreach(cur, k, v)
		{
			err_set(e, "OTHER_OPERATION_IN_PROGRESS", "VM", b->ref, json_string_value(v), NULL);
			break;
		}
		return -1;
	}
	if (!json_is_object(cur)) {
		cur = json_object();
		json_object_set_new(vm, "current_operations", cur);
	}
	json_object_set_new(cur, b->key, json_string(b->op));
	recompute_allowed(vm);
	return 0;
}

int vm_op_begin(struct xapi_server *srv, const char *vm_ref, const char *op, const char *task_ref,
		const char *const *states, char op_key[REF_LEN], struct err *e)
{
	struct op_begin b = {vm_ref, op, op_key, states};

	if (task_ref && *task_ref)
		snprintf(op_key, REF_LEN, "%s", task_ref);
	else
		ref_new(op_key);
	return db_update(srv->store, cls("VM"), vm_ref, op_begin_edit, &b, e);
}

static int op_end_edit(json_t *vm, void *arg, struct err *e)
{
	(void)e;
	json_object_del(json_object_get(vm, "current_operations"), arg);
	recompute_allowed(vm);
	return 0;
}

void vm_op_end(struct xapi_server *srv, const char *vm_ref, const char *op_key)
{
	struct err e = {0};

	if (db_update(srv->store, cls("VM"), vm_ref, op_end_edit, (void *)op_key, &e) < 0) {
		if (strcmp(err_code(&e), "HANDLE_INVALID") != 0)
			log_warn("%s: %s: %s", __func__, vm_ref, err_code(&e));
		err_clear(&e);
	}
}

/* ---- metrics, consoles, devices ----------------------------------------- */

static int set_metrics_ref(json_t *vm, void *arg, struct err *e)
{
	(void)e;
	json_object_set_new(vm, "metrics", json_string(arg));
	return 0;
}

/* The VM's VM_metrics ref (created when missing) into out. */
static int metrics_of(struct xapi_server *srv, json_t *vm, const char *vm_ref, char out[REF_LEN], struct err *e)
{
	const char *m = json_string_value(json_object_get(vm, "metrics"));
	json_t *rec;

	if (m && !ref_is_null(m) && db_exists(srv->store, cls("VM_metrics"), m)) {
		snprintf(out, REF_LEN, "%s", m);
		return 0;
	}
	rec = record_new_default(cls("VM_metrics"));
	if (db_create(srv->store, cls("VM_metrics"), rec, NULL, out, e) < 0) {
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	return db_update(srv->store, cls("VM"), vm_ref, set_metrics_ref, out, e);
}

struct metrics_start {
	const json_t *vm;
	bool started;
};

static int metrics_edit(json_t *m, void *arg, struct err *e)
{
	struct metrics_start *s = arg;
	char now[20];

	(void)e;
	xdatetime_now(now);
	if (s->started) {
		json_object_set_new(m, "start_time", json_string(now));
		json_object_set(m, "VCPUs_number", json_object_get(s->vm, "VCPUs_at_startup"));
		json_object_set(m, "memory_actual", json_object_get(s->vm, "memory_static_max"));
		json_object_set_new(m, "state", json_array());
		json_object_set_new(m, "hvm", json_true());
		json_object_set_new(m, "current_domain_type", json_string("hvm"));
	} else {
		json_object_set_new(m, "VCPUs_number", json_integer(0));
		json_object_set_new(m, "memory_actual", json_integer(0));
		json_object_set_new(m, "current_domain_type", json_string("unspecified"));
	}
	json_object_set_new(m, "last_updated", json_string(now));
	return 0;
}

static void metrics_update(struct xapi_server *srv, const char *vm_ref, bool started)
{
	struct err e = {0};
	json_t *vm = db_get(srv->store, cls("VM"), vm_ref, &e);
	char mref[REF_LEN];
	struct metrics_start s = {vm, started};

	if (vm == NULL || metrics_of(srv, vm, vm_ref, mref, &e) < 0 ||
	    db_update(srv->store, cls("VM_metrics"), mref, metrics_edit, &s, &e) < 0) {
		log_warn("%s: %s: %s", __func__, vm_ref, err_code(&e));
		err_clear(&e);
	}
	json_decref(vm);
}

int vm_metrics_touch_start(struct xapi_server *srv, const char *vm_ref, struct err *e)
{
	(void)e;
	metrics_update(srv, vm_ref, true);
	return 0;
}

static void consoles_create(struct xapi_server *srv, const char *vm_ref)
{
	static const char *const protocols[] = {"rfb", "vt100"};
	struct err e = {0};

	for (size_t i = 0; i < 2; i++) {
		json_t *rec = record_new_default(cls("console"));
		char uuid[UUID_STR_LEN], ref[REF_LEN], loc[128];

		uuid_generate_str(uuid);
		ref_from_uuid(uuid, ref);
		snprintf(loc, sizeof(loc), "/console?ref=%s", ref);
		json_object_set_new(rec, "uuid", json_string(uuid));
		json_object_set_new(rec, "protocol", json_string(protocols[i]));
		json_object_set_new(rec, "location", json_string(loc));
		json_object_set_new(rec, "VM", json_string(vm_ref));
		if (db_create(srv->store, cls("console"), rec, NULL, NULL, &e) < 0) {
			log_warn("%s: %s", __func__, err_code(&e));
			err_clear(&e);
		}
		json_decref(rec);
	}
}

static void refs_destroy(struct xapi_server *srv, const char *cls_name, json_t *refs)
{
	size_t i;
	json_t *r;
	struct err e = {0};

	json_array_foreach(refs, i, r)
	{
		db_destroy(srv->store, cls(cls_name), json_string_value(r), &e);
		err_clear(&e);
	}
}

/*
 * allowed_operations of a VBD or VIF: plug while detached from a live VM,
 * unplug while attached; a CD drive takes insert when empty and eject when
 * not (also while the VM is halted: records only then).
 */
static json_t *device_allowed(const char *cls_name, const json_t *rec, bool attached, bool vm_live)
{
	json_t *a = json_array();
	bool cd = strcmp(cls_name, "VBD") == 0 && strcmp(json_string_value(json_object_get(rec, "type")) ?: "", "CD") == 0;

	if (vm_live && !cd)
		json_array_append_new(a, json_string(attached ? "unplug" : "plug"));
	if (vm_live && !cd && attached && strcmp(cls_name, "VBD") == 0)
		json_array_append_new(a, json_string("unplug_force"));
	if (cd)
		json_array_append_new(a, json_string(json_is_true(json_object_get(rec, "empty")) ? "insert" : "eject"));
	return a;
}

struct attach_edit {
	const char *cls_name;
	bool attached, vm_live;
};

static int attach_edit_fn(json_t *rec, void *arg, struct err *e)
{
	struct attach_edit *a = arg;

	(void)e;
	json_object_set_new(rec, "currently_attached", json_boolean(a->attached));
	json_object_set_new(rec, "allowed_operations", device_allowed(a->cls_name, rec, a->attached, a->vm_live));
	return 0;
}

int vm_device_attached(struct xapi_server *srv, const char *cls_name, const char *ref, bool attached, bool vm_live,
		       struct err *e)
{
	struct attach_edit a = {cls_name, attached, vm_live};

	return db_update(srv->store, cls(cls_name), ref, attach_edit_fn, &a, e);
}

static void devices_attached(struct xapi_server *srv, json_t *vm, bool attached)
{
	static const char *const classes[][2] = {{"VBD", "VBDs"}, {"VIF", "VIFs"}};
	struct err e = {0};

	for (size_t c = 0; c < 2; c++) {
		size_t i;
		json_t *r;

		json_array_foreach(json_object_get(vm, classes[c][1]), i, r)
		{
			const char *dref = json_string_value(r);
			bool v = attached;

			/* an empty CD drive is never attached */
			if (attached && c == 0) {
				json_t *vbd = db_get(srv->store, cls("VBD"), dref, &e);

				if (vbd && json_is_true(json_object_get(vbd, "empty")))
					v = false;
				json_decref(vbd);
				err_clear(&e);
			}
			if (vm_device_attached(srv, classes[c][0], dref, v, attached, &e) < 0)
				err_clear(&e);
		}
	}
}

struct running_edit {
	const char *host_ref, *power;
	int domid;
};

static int running_edit_fn(json_t *vm, void *arg, struct err *e)
{
	struct running_edit *r = arg;

	(void)e;
	json_object_set_new(vm, "power_state", json_string(r->power));
	json_object_set_new(vm, "resident_on", json_string(r->host_ref));
	json_object_set_new(vm, "domid", json_integer(r->domid));
	json_object_set_new(vm, "domarch", json_string("x64"));
	recompute_allowed(vm);
	return 0;
}

int vm_records_running(struct xapi_server *srv, const char *vm_ref, int domid, const char *power_state,
		       struct err *e)
{
	struct running_edit r = {srv->host_ref, power_state, domid};
	json_t *vm;

	if (db_update(srv->store, cls("VM"), vm_ref, running_edit_fn, &r, e) < 0)
		return -1;
	vm = db_get(srv->store, cls("VM"), vm_ref, e);
	if (vm == NULL)
		return -1;
	refs_destroy(srv, "console", json_object_get(vm, "consoles"));
	consoles_create(srv, vm_ref);
	devices_attached(srv, vm, true);
	json_decref(vm);
	metrics_update(srv, vm_ref, true);
	return 0;
}

static int stopped_edit_fn(json_t *vm, void *arg, struct err *e)
{
	(void)e;
	json_object_set_new(vm, "power_state", json_string(arg));
	json_object_set_new(vm, "resident_on", json_string(REF_NULL));
	json_object_set_new(vm, "domid", json_integer(-1));
	recompute_allowed(vm);
	return 0;
}

void vm_records_stopped(struct xapi_server *srv, const char *vm_ref, const char *power_state)
{
	struct err e = {0};
	json_t *vm;

	if (db_update(srv->store, cls("VM"), vm_ref, stopped_edit_fn, (void *)power_state, &e) < 0) {
		log_warn("%s: %s: %s", __func__, vm_ref, err_code(&e));
		err_clear(&e);
		return;
	}
	vm = db_get(srv->store, cls("VM"), vm_ref, &e);
	if (vm == NULL) {
		err_clear(&e);
		return;
	}
	refs_destroy(srv, "console", json_object_get(vm, "consoles"));
	devices_attached(srv, vm, false);
	json_decref(vm);
	metrics_update(srv, vm_ref, false);
}

void vm_message(struct xapi_server *srv, const char *name, int priority, const char *vm_uuid, const char *body)
{
	json_t *rec = record_new_default(cls("message"));
	struct err e = {0};
	char now[20];

	xdatetime_now(now);
	json_object_set_new(rec, "name", json_string(name));
	json_object_set_new(rec, "priority", json_integer(priority));
	json_object_set_new(rec, "cls", json_string("VM"));
	json_object_set_new(rec, "obj_uuid", json_string(vm_uuid));
	json_object_set_new(rec, "timestamp", json_string(now));
	json_object_set_new(rec, "body", json_string(body));
	if (db_create(srv->store, cls("message"), rec, NULL, NULL, &e) < 0) {
		log_warn("%s: %s", __func__, err_code(&e));
		err_clear(&e);
	}
	json_decref(rec);
}
