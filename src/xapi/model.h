/*
 * The XenAPI object model: classes, fields, messages and types.
 *
 * model_table.c declares every class once; this header describes the shape
 * of that table and the types parsed from its type strings. Everything that
 * needs to know about classes (records, codecs, generic calls, RBAC, events,
 * CLI columns) asks these functions and never hard-codes a field.
 *
 * Invariants: the table is read-only after model_init(); every field's type
 * string parses; class and field names are unique within their scope.
 */
#ifndef OVCP_XAPI_MODEL_H
#define OVCP_XAPI_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define MODEL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* XenAPI's roles, as bits. Roles are hierarchical: a mask usually holds a role and all above it. */
enum model_role {
	R_PA = 1 << 0,  /* pool-admin */
	R_PO = 1 << 1,  /* pool-operator */
	R_VPA = 1 << 2, /* vm-power-admin */
	R_VA = 1 << 3,  /* vm-admin */
	R_VO = 1 << 4,  /* vm-operator */
	R_RO = 1 << 5,  /* read-only */
	R_CC = 1 << 6,  /* client-cert */
};
#define ROLES_POOL_ADMIN (R_PA)
#define ROLES_POOL_OPERATOR (ROLES_POOL_ADMIN | R_PO)
#define ROLES_VM_POWER_ADMIN (ROLES_POOL_OPERATOR | R_VPA)
#define ROLES_VM_ADMIN (ROLES_VM_POWER_ADMIN | R_VA)
#define ROLES_VM_OPERATOR (ROLES_VM_ADMIN | R_VO)
#define ROLES_READ_ONLY (ROLES_VM_OPERATOR | R_RO)
#define ROLES_ALL (ROLES_READ_ONLY | R_CC)

enum field_qualifier { FQ_RW, FQ_RO_CONSTRUCTOR, FQ_RO_RUNTIME };

enum { FF_DEPRECATED = 1 << 0 };
enum { MF_NO_SESSION = 1 << 0, MF_DEPRECATED = 1 << 1 };
enum { CF_CREATE = 1 << 0, CF_DESTROY = 1 << 1, CF_BY_NAME_LABEL = 1 << 2, CF_RECORD = 1 << 3, CF_GET_ALL = 1 << 4 };

enum xtype_kind {
	XT_VOID,
	XT_STRING,
	XT_INT,
	XT_FLOAT,
	XT_BOOL,
	XT_DATETIME,
	XT_ENUM,   /* name: the enum */
	XT_REF,    /* name: the class referred to */
	XT_SET,    /* elem */
	XT_MAP,    /* key -> elem */
	XT_RECORD, /* name: the class; "<class>" for an event snapshot */
	XT_EVENT_BATCH,
	XT_ANY, /* a value whose type is not declared (kept as decoded) */
};

struct xtype {
	enum xtype_kind kind;
	const char *name;
	const struct xtype *key;
	const struct xtype *elem;
	const struct model_enum *enumeration; /* XT_ENUM: its values, when known */
};

struct model_field {
	const char *name;
	const char *type_text; /* XenAPI's spelling: "(string -> string) map" */
	enum field_qualifier qualifier;
	const char *default_text; /* XenAPI's default literal, or NULL */
	unsigned read_roles;
	unsigned write_roles; /* 0: no set_FIELD */
	unsigned modify_roles; /* 0: no add_to_/remove_from_ (maps) or add_/remove_ (sets) */
	unsigned flags;
	const struct xtype *type; /* parsed by model_init() */
};

struct model_param {
	const char *name;
	const char *type_text;
	bool optional; /* may be left out at the end of the call */
};

struct model_message {
	const char *name;
	const char *result_text;
	const struct model_param *params; /* without session_id */
	size_t param_count;
	unsigned roles;
	unsigned flags;
};

struct model_enum {
	const char *name;
	const char *const *values; /* NULL-terminated */
};

struct model_class {
	const char *name;
	struct model_field *fields;
	size_t field_count;
	struct model_message *messages; /* explicit messages; generic ones derive from fields */
	size_t message_count;
	unsigned create_roles;
	unsigned destroy_roles;
	unsigned flags;
};

extern struct model_class model_classes[];
extern const size_t model_class_count;
extern const struct model_enum model_enums[];

/* model.c */
int model_init(void);
const struct model_class *model_class_find(const char *name); /* exact name */
const struct model_class *model_class_find_nocase(const char *name);
const struct model_field *model_field_find(const struct model_class *cls, const char *name);
const struct model_message *model_message_find(const struct model_class *cls, const char *name);
const struct model_enum *model_enum_find(const char *name);
bool model_enum_has(const struct model_enum *e, const char *value);
/* Parse a XenAPI type string; returns an interned type, or NULL if it does not parse. */
const struct xtype *xtype_parse(const char *text);
/* Is the class stored as records (everything but event)? */
bool model_class_is_stored(const struct model_class *cls);
/* The role names, in XenAPI's spelling, for a mask: "pool-admin, pool-operator". Static buffer per thread. */
const char *model_roles_text(unsigned roles);
/* Parse a role name ("vm-admin") to its bit; 0 if unknown. */
unsigned model_role_parse(const char *name);

#endif
