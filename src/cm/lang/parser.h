/*
 * Puppet-language parser: manifests (.pp) and EPP templates into an AST
 * (ast.h documents every node kind).
 *
 * Re-entrant: all state of a parse is local to the call; the result owns an
 * arena with every node and string, released by cm_ast_free(). Parsing stops
 * at the first error, which is returned in Puppet's wording with its position
 * ("site.pp:12:5: Syntax error at 'foo'"); no input makes the parser crash
 * (it is fuzzed: tests/fuzz/cm/fuzz_cm_parser.c).
 *
 * Besides syntax, the parser applies Puppet's static checks that need no
 * evaluation: assignment only to variables, no '+=' / '-=', no node
 * inheritance, no statement that has no effect (a bare value that is not
 * the last of its block).
 */
#ifndef OVCP_CM_LANG_PARSER_H
#define OVCP_CM_LANG_PARSER_H

#include <stddef.h>
#include <stdio.h>

#include "cm/lang/ast.h"
#include "cm/lang/parse_error.h"

/* Parse a manifest. name is used in positions and errors ("<string>" if NULL).
 * Returns NULL and fills err (may be NULL) on error. */
struct cm_ast *cm_parse_string(const char *src, size_t len, const char *name, struct cm_parse_error *err);
struct cm_ast *cm_parse_file(const char *path, struct cm_parse_error *err);
/* Parse an EPP template: root is EPP_TEMPLATE. */
struct cm_ast *cm_parse_epp(const char *src, size_t len, const char *name, struct cm_parse_error *err);
struct cm_ast *cm_parse_epp_file(const char *path, struct cm_parse_error *err);

/* `ovcp-cm parser validate FILE...`: parse each file (.epp files as templates),
 * print each error as "file:line:column: message" on `errors`.
 * Returns 0 when every file is valid, 1 otherwise. */
int cm_parser_validate_files(const char *const *paths, size_t count, FILE *errors);

#endif
