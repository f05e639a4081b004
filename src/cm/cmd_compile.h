/* ovcp-cm's compiler commands: parser validate, catalog compile, and the compile step of apply. */
#ifndef OVCP_CM_CMD_COMPILE_H
#define OVCP_CM_CMD_COMPILE_H

#include <jansson.h>

int cm_cmd_parser_validate(int argc, char **argv, const char *usage);
int cm_cmd_catalog_compile(int argc, char **argv, const char *usage);
/*
 * Compile a manifest for this node (its own facts, certname from
 * networking.fqdn) with a colon-separated modulepath (may be NULL).
 * Messages (notice...) go to stderr; on error prints "Error: ..." and
 * returns NULL.
 */
json_t *cm_compile_manifest_here(const char *manifest, const char *modulepath);

#endif
