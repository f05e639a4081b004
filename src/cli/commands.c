/*
 * The command table: one row per command. A generic row ("-param-list")
 * stands for that command on every class of the object model that has the
 * calls it needs (vm-param-list, sr-param-list...), as xe derives its
 * low-level commands from its records. Help, argument checking and dispatch
 * all read this table; adding a command is adding a row.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char *const p_uuid[] = {"uuid", NULL};
static const char *const p_list_opt[] = {"params", NULL};
static const char *const p_get[] = {"uuid", "param-name", NULL};
static const char *const p_get_opt[] = {"param-key", NULL};
static const char *const p_remove[] = {"uuid", "param-name", "param-key", NULL};
static const char *const p_add_opt[] = {"param-key", NULL};
static const char *const p_param_name[] = {"uuid", "param-name", NULL};
static const char *const p_user_add[] = {"username", "password", NULL};
static const char *const p_user_add_opt[] = {"role", NULL};
static const char *const p_username[] = {"username", NULL};
static const char *const p_user_password[] = {"username", "password", NULL};
static const char *const p_help_opt[] = {"command", NULL};
static const char *const p_vm_opt[] = {"vm", "uuid", NULL};
static const char *const p_new_name[] = {"new-name-label", NULL};
static const char *const p_install[] = {"template", "new-name-label", NULL};
static const char *const p_install_opt[] = {"sr-uuid", NULL};
static const char *const p_copy_opt[] = {"vm", "uuid", "sr-uuid", NULL};
static const char *const p_disk_add[] = {"disk-size", "device", NULL};
static const char *const p_disk_add_opt[] = {"vm", "uuid", "sr-uuid", NULL};
static const char *const p_snapshot_uuid[] = {"snapshot-uuid", NULL};

const struct cli_command cli_commands[] = {
    {"help", cmd_help, NULL, p_help_opt, CMD_NO_CONN, 0, "List the commands, or describe one (ovcp help COMMAND)."},
    {"user-add", cmd_user_add, p_user_add, p_user_add_opt, 0, 0,
     "Create a local user with a password and roles (role=read-only,vm-admin...; default read-only)."},
    {"user-list", cmd_user_list, NULL, NULL, CMD_MINIMAL, 0, "List the local users and their roles."},
    {"user-remove", cmd_user_remove, p_username, NULL, 0, 0, "Remove a local user."},
    {"user-password-set", cmd_user_password_set, p_user_password, NULL, 0, 0,
     "Set the password of a local user; its open sessions are logged out."},
    {"vm-start", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Start a VM (vm=NAME or uuid=UUID)."},
    {"vm-shutdown", cmd_vm_power, NULL, p_vm_opt, 0, 0,
     "Shut a VM down through its guest; --force: at once (hard_shutdown)."},
    {"vm-reboot", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Reboot a VM through its guest; --force: reset it."},
    {"vm-suspend", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Save a running VM's state to a suspend VDI and stop it."},
    {"vm-resume", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Resume a suspended VM."},
    {"vm-pause", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Pause a running VM."},
    {"vm-unpause", cmd_vm_power, NULL, p_vm_opt, 0, 0, "Run a paused VM again."},
    {"vm-clone", cmd_vm_copy, p_new_name, p_vm_opt, 0, 0,
     "Clone a halted VM (copy-on-write disks); prints the new VM's uuid."},
    {"vm-copy", cmd_vm_copy, p_new_name, p_copy_opt, 0, 0,
     "Copy a halted VM with full copies of its disks (sr-uuid=: onto that SR); prints the new VM's uuid."},
    {"vm-snapshot", cmd_vm_copy, p_new_name, p_vm_opt, 0, 0, "Snapshot a VM; prints the snapshot's uuid."},
    {"vm-uninstall", cmd_vm_uninstall, NULL, p_vm_opt, 0, 0,
     "Destroy a halted VM and its disks; --force: stop it first if it runs."},
    {"vm-install", cmd_vm_install, p_install, p_install_opt, 0, 0,
     "Make a VM from a template (template=NAME or uuid): a clone (sr-uuid=: a copy onto that SR), then "
     "VM.provision makes the disks of its spec on sr-uuid or the default SR."},
    {"vm-disk-add", cmd_vm_disk_add, p_disk_add, p_disk_add_opt, 0, 0,
     "Add a new disk (disk-size=BYTES, or 10G; device=N) to a VM; plugged at once when it runs."},
    {"snapshot-revert", cmd_snapshot_revert, p_snapshot_uuid, NULL, 0, 0,
     "Revert the snapshot's VM to the snapshot (the VM is halted)."},
    {"console", cmd_console, NULL, p_vm_opt, 0, 0,
     "Attach the terminal to a VM's serial console (Ctrl-] detaches)."},
    {"-list", cmd_list, NULL, p_list_opt, CMD_GENERIC | CMD_FIELD_ARGS | CMD_MINIMAL, CF_GET_ALL | CF_RECORD,
     "List the objects, filtered by FIELD=VALUE; params=a,b or params=all picks the fields shown."},
    {"-param-list", cmd_param_list, p_uuid, NULL, CMD_GENERIC, CF_RECORD,
     "Show every field of one object, with its ( RO)/( RW) marker."},
    {"-param-get", cmd_param_get, p_get, p_get_opt, CMD_GENERIC | CMD_MINIMAL, CF_RECORD,
     "Print one field (or, with param-key, one key of a map field)."},
    {"-param-set", cmd_param_set, p_uuid, NULL, CMD_GENERIC | CMD_FIELD_ARGS, CF_RECORD,
     "Set fields: FIELD=VALUE, or MAP:KEY=VALUE for one key of a map."},
    {"-param-add", cmd_param_add, p_param_name, p_add_opt, CMD_GENERIC | CMD_FIELD_ARGS, CF_RECORD,
     "Add KEY=VALUE pairs to a map field, or param-key=VALUE to a set field."},
    {"-param-remove", cmd_param_remove, p_remove, NULL, CMD_GENERIC, CF_RECORD,
     "Remove a key from a map field, or a value from a set field."},
    {"-param-clear", cmd_param_clear, p_param_name, NULL, CMD_GENERIC, CF_RECORD,
     "Empty a map or set field, or reset a field to its empty value."},
    {"-create", cmd_create, NULL, NULL, CMD_GENERIC | CMD_FIELD_ARGS, CF_CREATE | CF_RECORD,
     "Create an object from FIELD=VALUE arguments; prints its uuid."},
    {"-destroy", cmd_destroy, p_uuid, NULL, CMD_GENERIC, CF_DESTROY | CF_RECORD, "Destroy an object."},
};

const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

static bool class_fits(const struct model_class *cls, unsigned needs)
{
	return cls != NULL && model_class_is_stored(cls) && (cls->flags & needs) == needs;
}

const struct cli_command *commands_find(const char *name, const struct model_class **cls)
{
	size_t n = strlen(name);

	*cls = NULL;
	for (size_t i = 0; i < cli_command_count; i++)
		if (!(cli_commands[i].flags & CMD_GENERIC) && strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	for (size_t i = 0; i < cli_command_count; i++) {
		const struct cli_command *c = &cli_commands[i];
		size_t s = strlen(c->name);
		if (!(c->flags & CMD_GENERIC) || n <= s || strcmp(name + n - s, c->name) != 0)
			continue;
		const struct model_class *k = fields_class_from_cli(name, n - s);
		if (class_fits(k, c->needs)) {
			*cls = k;
			return c;
		}
	}
	return NULL;
}

static bool in_list(const char *const *list, const char *key)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], key) == 0)
			return true;
	return false;
}

/* A field name, or "map-field:key". */
static bool is_field_arg(const struct model_class *cls, const char *key)
{
	const char *colon = strchr(key, ':');
	char name[128];

	if (colon == NULL)
		return fields_find(cls, key) != NULL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - key), key);
	const struct model_field *f = fields_find(cls, name);
	return f != NULL && f->type->kind == XT_MAP && colon[1] != '\0';
}

int commands_check_args(const struct cli_command *cmd, const struct model_class *cls, struct cli_args *args,
			const char *name)
{
	bool map_pairs = cmd->run == cmd_param_add;

	if (args->minimal && !(cmd->flags & CMD_MINIMAL)) {
		fprintf(stderr, "Error: %s does not take --minimal. Type 'ovcp help %s' for usage.\n", name, name);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < args->count; i++) {
		const char *k = args->items[i].key;
		if (in_list(cmd->required, k) || in_list(cmd->optional, k))
			continue;
		if (cls != NULL && (cmd->flags & CMD_FIELD_ARGS) && !map_pairs && is_field_arg(cls, k))
			continue;
		if (map_pairs)
			continue; /* param-add: every other pair is a map key */
		fprintf(stderr, "Error: unknown parameter '%s' for %s. Type 'ovcp help %s' for usage.\n", k, name,
			name);
		return CLI_USAGE;
	}
	for (size_t i = 0; cmd->required && cmd->required[i]; i++) {
		bool found = false;
		for (size_t j = 0; j < args->count; j++)
			found = found || strcmp(args->items[j].key, cmd->required[i]) == 0;
		if (!found) {
			fprintf(stderr,
				"Error: missing required parameter '%s' for %s. Type 'ovcp help %s' for usage.\n",
				cmd->required[i], name, name);
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}
