/*
 * The VM commands of xe: vm-start, vm-shutdown, vm-reboot, vm-suspend,
 * vm-resume, vm-pause, vm-unpause, vm-clone, vm-copy, vm-snapshot,
 * vm-uninstall, vm-install, vm-disk-add, snapshot-revert.
 *
 * The VM is chosen as xe chooses it: uuid=UUID, or vm=NAME-OR-UUID, which
 * must match exactly one VM (not a template, not a snapshot) by uuid or
 * name-label. Long operations run as Async calls, with a progress bar on
 * a terminal (task.c); the power commands are a table, one row each.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static bool looks_like_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* The ref of the VM named by uuid= or vm=; NULL after printing why (*status). */
char *vm_select(struct cli_ctx *ctx, const char *what, bool templates, int *status)
{
	const char *uuid = args_get(ctx->args, "uuid");
	const char *name = args_get(ctx->args, what);
	json_t *recs = NULL, *rec;
	const char *ref, *found = NULL;
	int matches = 0;
	char *out = NULL;

	if (uuid == NULL && name == NULL) {
		fprintf(stderr, "Error: %s needs %s=NAME or uuid=UUID. Type 'ovcp help %s' for usage.\n", ctx->name,
			what, ctx->name);
		*status = CLI_USAGE;
		return NULL;
	}
	if ((*status = conn_call(ctx->conn, "VM.get_all_records", NULL, &recs)) != CLI_OK)
		return NULL;
	json_object_foreach(recs, ref, rec)
	{
		bool tmpl = json_is_true(json_object_get(rec, "is_a_template"));
		bool snap = json_is_true(json_object_get(rec, "is_a_snapshot"));
		const char *u = json_string_value(json_object_get(rec, "uuid"));
		const char *label = json_string_value(json_object_get(rec, "name_label"));
		bool hit = uuid ? (u && strcmp(u, uuid) == 0)
				: ((u && looks_like_uuid(name) && strcmp(u, name) == 0) ||
				   (label && strcmp(label, name) == 0));

		if (hit && (uuid != NULL || (templates ? tmpl : !tmpl && !snap))) {
			matches++;
			found = ref;
		}
	}
	if (matches == 1) {
		out = strdup(found);
	} else {
		fprintf(stderr, "Error: %s %s '%s'%s\n", matches ? "more than one VM matches" : "no VM matches",
			uuid ? "uuid" : what, uuid ? uuid : name, matches ? ": name it by uuid=" : "");
		*status = CLI_API;
	}
	json_decref(recs);
	return out;
}

/* Run METHOD(ref, extra...) as an Async call; the task's result text (may be "") or NULL. */
static int run_async(struct cli_ctx *ctx, const char *method, json_t *params, char **result)
{
	char *res = NULL;
	int status = task_run(ctx->conn, method, params, &res);

	if (result != NULL)
		*result = res;
	else
		free(res);
	return status;
}

/* Print the uuid of a VM ref (what xe prints for a new VM). */
static int print_vm_uuid(struct cli_ctx *ctx, const char *ref)
{
	json_t *uuid = NULL;
	int status = conn_call(ctx->conn, "VM.get_uuid", json_pack("[s]", ref), &uuid);

	if (status == CLI_OK)
		printf("%s\n", json_string_value(uuid));
	json_decref(uuid);
	return status;
}

/* ---- power commands: one row each ---------------------------------------- */

static const struct power_row {
	const char *command;
	const char *method;	  /* VM.* */
	const char *force_method; /* with --force; NULL: --force is refused */
	int bool_args;		  /* false booleans after the ref (start: paused, force) */
} power_rows[] = {
    {"vm-start", "VM.start", NULL, 2},
    {"vm-shutdown", "VM.clean_shutdown", "VM.hard_shutdown", 0},
    {"vm-reboot", "VM.clean_reboot", "VM.hard_reboot", 0},
    {"vm-suspend", "VM.suspend", NULL, 0},
    {"vm-resume", "VM.resume", NULL, 2},
    {"vm-pause", "VM.pause", NULL, 0},
    {"vm-unpause", "VM.unpause", NULL, 0},
};

int cmd_vm_power(struct cli_ctx *ctx)
{
	const struct power_row *row = NULL;
	int status;

	for (size_t i = 0; i < sizeof(power_rows) / sizeof(power_rows[0]); i++)
		if (strcmp(power_rows[i].command, ctx->name) == 0)
			row = &power_rows[i];
	if (row == NULL)
		return CLI_USAGE;
	if (ctx->args->force && row->force_method == NULL) {
		fprintf(stderr, "Error: %s does not take --force. Type 'ovcp help %s' for usage.\n", ctx->name,
			ctx->name);
		return CLI_USAGE;
	}
	char *ref = vm_select(ctx, "vm", false, &status);
	if (ref == NULL)
		return status;
	json_t *params = json_pack("[s]", ref);
	for (int i = 0; i < row->bool_args; i++)
		json_array_append_new(params, json_false());
	status = run_async(ctx, ctx->args->force ? row->force_method : row->method, params, NULL);
	free(ref);
	return status;
}

/* ---- copies ----------------------------------------------------------- */

/* The copying commands: one row each. The new VM's (or snapshot's) uuid goes to stdout. */
static const struct copy_row {
	const char *command;
	const char *method; /* VM.* (ref, new name, ...) */
	bool sr;	    /* then the target SR: sr-uuid=, or NULL for each disk's own */
	bool ignore_vdis;   /* then the VDIs left out (none) */
} copy_rows[] = {
    {"vm-clone", "VM.clone", false, false},
    {"vm-copy", "VM.copy", true, false},
    {"vm-snapshot", "VM.snapshot", false, true},
};

int cmd_vm_copy(struct cli_ctx *ctx)
{
	const char *name = args_require(ctx->args, "new-name-label", ctx->name);
	const char *sr_uuid = args_get(ctx->args, "sr-uuid");
	const struct copy_row *row = NULL;
	char *ref = NULL, *sr = NULL, *result = NULL;
	int status;

	for (size_t i = 0; i < sizeof(copy_rows) / sizeof(copy_rows[0]); i++)
		if (strcmp(copy_rows[i].command, ctx->name) == 0)
			row = &copy_rows[i];
	if (row == NULL || name == NULL)
		return CLI_USAGE;
	if ((ref = vm_select(ctx, "vm", false, &status)) == NULL)
		return status;
	if (row->sr && sr_uuid != NULL &&
	    (sr = fields_ref_by_uuid(ctx->conn, model_class_find("SR"), sr_uuid, &status)) == NULL)
		goto out;
	json_t *params = json_pack("[s, s]", ref, name);
	if (row->sr)
		json_array_append_new(params, json_string(sr ? sr : "OpaqueRef:NULL"));
	if (row->ignore_vdis)
		json_array_append_new(params, json_array());
	status = run_async(ctx, row->method, params, &result);
	if (status == CLI_OK)
		status = print_vm_uuid(ctx, result);
out:
	free(result);
	free(sr);
	free(ref);
	return status;
}

/* ---- vm-install ------------------------------------------------------- */

/*
 * The disks spec with every <disk>'s sr set to sr_uuid, as xe's
 * rewrite_provisioning_xml does; NULL when it is not a <provision> spec
 * (then it stays as it is, and VM.provision says what is wrong with it).
 */
static char *spec_on_sr(const char *xml, const char *sr_uuid)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strnlen(xml, INT32_MAX), NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlBuffer *buf = NULL;
	char *out = NULL;

	if (root == NULL || doc->intSubset != NULL || strcmp((const char *)root->name, "provision") != 0)
		goto out;
	for (xmlNode *n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "disk") == 0 &&
		    xmlSetProp(n, (const xmlChar *)"sr", (const xmlChar *)sr_uuid) == NULL)
			goto out;
	if ((buf = xmlBufferCreate()) != NULL && xmlNodeDump(buf, doc, root, 0, 0) >= 0)
		out = strdup((const char *)xmlBufferContent(buf));
out:
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

/* The uuid of the SR a new VM's disks spec is provisioned on: sr-uuid=, else the pool's default SR's (or ""). */
static char *provision_sr_uuid(struct cli_ctx *ctx, int *status)
{
	const char *given = args_get(ctx->args, "sr-uuid");
	json_t *pools = NULL, *sr = NULL, *uuid = NULL;
	char *out = NULL;

	*status = CLI_OK;
	if (given != NULL)
		return strdup(given);
	if ((*status = conn_call(ctx->conn, "pool.get_all", NULL, &pools)) == CLI_OK && json_array_size(pools) > 0 &&
	    (*status = conn_call(ctx->conn, "pool.get_default_SR", json_pack("[O]", json_array_get(pools, 0)), &sr)) ==
		CLI_OK &&
	    json_is_string(sr) && strcmp(json_string_value(sr), "OpaqueRef:NULL") != 0)
		*status = conn_call(ctx->conn, "SR.get_uuid", json_pack("[O]", sr), &uuid);
	if (*status == CLI_OK)
		out = strdup(json_is_string(uuid) ? json_string_value(uuid) : "");
	json_decref(uuid);
	json_decref(sr);
	json_decref(pools);
	return out;
}

/* Point the new VM's disks spec (if any) at the SR with this uuid, as xe vm-install does before provisioning. */
static int spec_to_sr(struct cli_ctx *ctx, const char *vm, const char *sr_uuid)
{
	json_t *oc = NULL;
	char *spec = NULL;
	int status = conn_call(ctx->conn, "VM.get_other_config", json_pack("[s]", vm), &oc);
	const char *xml = json_string_value(json_object_get(oc, "disks"));

	if (status != CLI_OK || xml == NULL)
		goto out;
	if (sr_uuid[0] == '\0') {
		fprintf(stderr, "Error: the pool has no default SR for the template's disks: give sr-uuid=\n");
		status = CLI_USAGE;
		goto out;
	}
	if ((spec = spec_on_sr(xml, sr_uuid)) == NULL)
		goto out;
	status = conn_call(ctx->conn, "VM.remove_from_other_config", json_pack("[s, s]", vm, "disks"), NULL);
	if (status == CLI_OK)
		status =
		    conn_call(ctx->conn, "VM.add_to_other_config", json_pack("[s, s, s]", vm, "disks", spec), NULL);
out:
	free(spec);
	json_decref(oc);
	return status;
}

static int destroy_vm_and_disks(struct cli_ctx *ctx, const char *vm, bool say);

/*
 * vm-install template=NAME|UUID new-name-label= [sr-uuid=], as xe does it: a
 * clone of the template (a full copy onto sr-uuid), its disks spec pointed
 * at sr-uuid or the pool's default SR, then VM.provision, which makes those
 * disks and turns the new template into a VM. On failure the new VM goes.
 */
int cmd_vm_install(struct cli_ctx *ctx)
{
	const char *name = args_require(ctx->args, "new-name-label", ctx->name);
	const char *sr_given = args_get(ctx->args, "sr-uuid");
	char *tmpl, *result = NULL, *sr = NULL, *sr_uuid = NULL;
	int status;

	if (name == NULL)
		return CLI_USAGE;
	if ((tmpl = vm_select(ctx, "template", true, &status)) == NULL)
		return status;
	if (sr_given != NULL && (sr = fields_ref_by_uuid(ctx->conn, model_class_find("SR"), sr_given, &status)) == NULL)
		goto out;
	if ((sr_uuid = provision_sr_uuid(ctx, &status)) == NULL)
		goto out;
	status = sr ? run_async(ctx, "VM.copy", json_pack("[s, s, s]", tmpl, name, sr), &result)
		    : run_async(ctx, "VM.clone", json_pack("[s, s]", tmpl, name), &result);
	if (status != CLI_OK)
		goto out;
	if ((status = spec_to_sr(ctx, result, sr_uuid)) == CLI_OK &&
	    (status = run_async(ctx, "VM.provision", json_pack("[s]", result), NULL)) == CLI_OK)
		status = print_vm_uuid(ctx, result);
	if (status != CLI_OK)
		destroy_vm_and_disks(ctx, result, false);
out:
	free(sr_uuid);
	free(result);
	free(sr);
	free(tmpl);
	return status;
}

/* snapshot-revert snapshot-uuid=: the VM becomes what the snapshot holds. */
int cmd_snapshot_revert(struct cli_ctx *ctx)
{
	const char *uuid = args_require(ctx->args, "snapshot-uuid", ctx->name);
	char *ref;
	int status;

	if (uuid == NULL)
		return CLI_USAGE;
	if ((ref = fields_ref_by_uuid(ctx->conn, model_class_find("VM"), uuid, &status)) == NULL)
		return status;
	status = run_async(ctx, "VM.revert", json_pack("[s]", ref), NULL);
	free(ref);
	return status;
}

/* ---- disks --------------------------------------------------------------- */

/* The VDIs of the VM's disk VBDs (CD media are shared: never destroyed). */
static json_t *disk_vdis(struct cli_ctx *ctx, const char *vm, int *status)
{
	json_t *vbds = NULL, *out = json_array(), *v;
	size_t i;

	if ((*status = conn_call(ctx->conn, "VM.get_VBDs", json_pack("[s]", vm), &vbds)) != CLI_OK) {
		json_decref(out);
		return NULL;
	}
	json_array_foreach(vbds, i, v)
	{
		json_t *rec = NULL;

		if (conn_call(ctx->conn, "VBD.get_record", json_pack("[O]", v), &rec) != CLI_OK)
			continue;
		const char *vdi = json_string_value(json_object_get(rec, "VDI"));
		if (strcmp(json_string_value(json_object_get(rec, "type")) ?: "", "Disk") == 0 && vdi &&
		    strcmp(vdi, "OpaqueRef:NULL") != 0)
			json_array_append_new(out, json_string(vdi));
		json_decref(rec);
	}
	json_decref(vbds);
	return out;
}

/* Destroy a halted VM, then its disks (say: print each one destroyed). */
static int destroy_vm_and_disks(struct cli_ctx *ctx, const char *vm, bool say)
{
	json_t *vdis, *v;
	int status;
	size_t i;

	if ((vdis = disk_vdis(ctx, vm, &status)) == NULL)
		return status;
	if ((status = conn_call(ctx->conn, "VM.destroy", json_pack("[s]", vm), NULL)) != CLI_OK)
		goto out;
	json_array_foreach(vdis, i, v)
	{
		json_t *uuid = NULL;

		conn_call(ctx->conn, "VDI.get_uuid", json_pack("[O]", v), &uuid);
		if (conn_call(ctx->conn, "VDI.destroy", json_pack("[O]", v), NULL) != CLI_OK)
			status = CLI_API;
		else if (say)
			printf("Destroyed VDI %s\n", json_string_value(uuid) ?: "");
		json_decref(uuid);
	}
out:
	json_decref(vdis);
	return status;
}

/* vm-uninstall [--force]: the VM and its disks go (--force: a running VM is stopped first). */
int cmd_vm_uninstall(struct cli_ctx *ctx)
{
	json_t *power = NULL;
	char *ref;
	int status;

	if ((ref = vm_select(ctx, "vm", false, &status)) == NULL)
		return status;
	if ((status = conn_call(ctx->conn, "VM.get_power_state", json_pack("[s]", ref), &power)) != CLI_OK)
		goto out;
	if (strcmp(json_string_value(power), "Halted") != 0) {
		if (!ctx->args->force) {
			fprintf(stderr, "Error: the VM is %s: shut it down first, or use --force\n",
				json_string_value(power));
			status = CLI_API;
			goto out;
		}
		if ((status = run_async(ctx, "VM.hard_shutdown", json_pack("[s]", ref), NULL)) != CLI_OK)
			goto out;
	}
	status = destroy_vm_and_disks(ctx, ref, true);
out:
	json_decref(power);
	free(ref);
	return status;
}

/* The pool's default SR, or sr-uuid=. */
static char *sr_for(struct cli_ctx *ctx, int *status)
{
	const char *sr_uuid = args_get(ctx->args, "sr-uuid");
	json_t *pools = NULL, *sr = NULL;
	char *out = NULL;

	if (sr_uuid != NULL)
		return fields_ref_by_uuid(ctx->conn, model_class_find("SR"), sr_uuid, status);
	if ((*status = conn_call(ctx->conn, "pool.get_all", NULL, &pools)) != CLI_OK)
		return NULL;
	if (json_array_size(pools) > 0 &&
	    (*status = conn_call(ctx->conn, "pool.get_default_SR", json_pack("[O]", json_array_get(pools, 0)), &sr)) ==
		CLI_OK &&
	    json_is_string(sr) && strcmp(json_string_value(sr), "OpaqueRef:NULL") != 0)
		out = strdup(json_string_value(sr));
	else if (*status == CLI_OK) {
		fprintf(stderr, "Error: the pool has no default SR: give sr-uuid=\n");
		*status = CLI_USAGE;
	}
	json_decref(pools);
	json_decref(sr);
	return out;
}

/* vm-disk-add disk-size=BYTES device=N [sr-uuid=]: a new disk; plugged at once into a running VM. */
int cmd_vm_disk_add(struct cli_ctx *ctx)
{
	const char *size_text = args_require(ctx->args, "disk-size", ctx->name);
	const char *device = size_text ? args_require(ctx->args, "device", ctx->name) : NULL;
	json_t *vdi = NULL, *vbd = NULL, *power = NULL, *uuid = NULL;
	char *ref = NULL, *sr = NULL, *end;
	int status;

	if (size_text == NULL || device == NULL)
		return CLI_USAGE;
	long long size = strtoll(size_text, &end, 10);
	if (size <= 0 || (*end != '\0' && strchr("KMGT", *end) == NULL)) {
		fprintf(stderr, "Error: disk-size must be a number of bytes (or with K, M, G, T)\n");
		return CLI_USAGE;
	}
	for (const char *u = "KMGT"; *end && *u; u++) {
		size *= 1024;
		if (*u == *end)
			break;
	}
	if ((ref = vm_select(ctx, "vm", false, &status)) == NULL || (sr = sr_for(ctx, &status)) == NULL)
		goto out;
	status = conn_call(ctx->conn, "VDI.create",
			   json_pack("[{s:s, s:s, s:s, s:I, s:s, s:b, s:b, s:{}}]", "name_label", "disk",
				     "name_description", "", "SR", sr, "virtual_size", (json_int_t)size, "type", "user",
				     "sharable", 0, "read_only", 0, "other_config"),
			   &vdi);
	if (status != CLI_OK)
		goto out;
	status = conn_call(ctx->conn, "VBD.create",
			   json_pack("[{s:s, s:O, s:s, s:b, s:s, s:s, s:b, s:{}, s:s, s:{}}]", "VM", ref, "VDI", vdi,
				     "userdevice", device, "bootable", 0, "mode", "RW", "type", "Disk", "empty", 0,
				     "other_config", "qos_algorithm_type", "", "qos_algorithm_params"),
			   &vbd);
	if (status == CLI_OK)
		status = conn_call(ctx->conn, "VM.get_power_state", json_pack("[s]", ref), &power);
	if (status == CLI_OK && strcmp(json_string_value(power), "Running") == 0)
		status = run_async(ctx, "VBD.plug", json_pack("[O]", vbd), NULL);
	if (status == CLI_OK && conn_call(ctx->conn, "VDI.get_uuid", json_pack("[O]", vdi), &uuid) == CLI_OK)
		printf("%s\n", json_string_value(uuid));
out:
	json_decref(uuid);
	json_decref(power);
	json_decref(vbd);
	json_decref(vdi);
	free(sr);
	free(ref);
	return status;
}
