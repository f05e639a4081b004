/*
 * Check-only mode (`ovcp-cm parser validate FILE...`): parse, report the
 * first error of each file as "file:line:column: message", build nothing.
 */
#include <string.h>

#include "cm/lang/parser.h"

static bool is_epp(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcmp(path + n - 4, ".epp") == 0;
}

int cm_parser_validate_files(const char *const *paths, size_t count, FILE *errors)
{
	int rc = 0;

	for (size_t i = 0; i < count; i++) {
		struct cm_parse_error err;
		struct cm_ast *ast = is_epp(paths[i]) ? cm_parse_epp_file(paths[i], &err)
		                                      : cm_parse_file(paths[i], &err);
		char line[1024];

		if (ast == NULL) {
			fprintf(errors, "%s\n", cm_parse_error_format(&err, line, sizeof(line)));
			rc = 1;
		}
		cm_ast_free(ast);
	}
	return rc;
}
