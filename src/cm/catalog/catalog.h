/*
 * The catalog model: a Puppet v3 catalog (JSON) loaded into an indexed list of
 * resources with their containment tree and a reference lookup.
 *
 * Invariants: resources keep the catalog's order (index == position in the
 * "resources" array), which is also the order the applier prefers where the
 * graph leaves it free. Every resource has a canonical reference "Type[title]"
 * (type segments capitalised, "Class" titles capitalised too) and it, its
 * aliases (the `alias` metaparameter and a namevar that differs from the
 * title) all resolve through cm_catalog_find(). The model borrows the JSON it
 * was loaded from and holds one reference to it.
 */
#ifndef OVCP_CM_CATALOG_H
#define OVCP_CM_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define CM_NONE ((size_t)-1)

struct cm_resource {
	char *type;       /* canonical, "File", "Foo::Bar" */
	char *title;
	char *ref;        /* "File[/etc/motd]" */
	json_t *params;   /* borrowed object; empty object when the catalog has none */
	json_t *tags;     /* borrowed array */
	const char *file; /* manifest file or NULL */
	int line;         /* 0 when unknown */
	size_t index;
	size_t parent;    /* containing resource, CM_NONE at the top */
	bool container;   /* Stage, Class, Node, defined types: holds others, has no provider */
};

struct cm_catalog {
	json_t *json; /* the catalog's data object (reference held) */
	struct cm_resource *res;
	size_t n;
	json_t *by_ref; /* canonical ref -> index */
	const char *name;
	const char *environment;
	json_t *version; /* borrowed: integer or string */
};

/* Read and parse a catalog file; accepts the bare catalog or {"document_type":"Catalog","data":...}. */
json_t *cm_catalog_read_file(const char *path, struct err *e);
/* Validate and index JSON (not stolen). NULL with CATALOG_INVALID on a malformed catalog. */
struct cm_catalog *cm_catalog_load(json_t *json, struct err *e);
void cm_catalog_free(struct cm_catalog *cat);
/* Index of the resource REF names ("file[/a]" is accepted), or CM_NONE. */
size_t cm_catalog_find(const struct cm_catalog *cat, const char *ref);
/* Canonical form of a type name into a new string ("foo::bar" -> "Foo::Bar"). */
char *cm_type_canonical(const char *type);
/* Canonical "Type[title]" for REF into a new string, NULL when REF is not a reference. */
char *cm_ref_canonical(const char *ref);
/* The namevar parameter of a built-in type ("path" for File, "command" for Exec, else "name"). */
const char *cm_type_namevar(const char *type);
/* String value of parameter NAME, or NULL when absent or not a string. */
const char *cm_param_str(const struct cm_resource *r, const char *name);
/* Boolean parameter: true/false or "true"/"false"/"yes"/"no"; DFLT when absent. */
bool cm_param_bool(const struct cm_resource *r, const char *name, bool dflt);
/* True when the resource carries TAG (case-insensitive). */
bool cm_resource_tagged(const struct cm_resource *r, const char *tag);

#endif
