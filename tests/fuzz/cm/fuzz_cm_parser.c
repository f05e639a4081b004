/*
 * libFuzzer target: the Puppet parser (manifests and EPP templates) and the
 * AST dumper must never crash, leak or read out of bounds on any input.
 * Built with clang -fsanitize=fuzzer when the meson option `fuzz` is true;
 * replay.c runs the committed corpus through it in the normal test suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cm/lang/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_one(const char *src, size_t size, bool epp)
{
	struct cm_parse_error err;
	struct cm_ast *ast = epp ? cm_parse_epp(src, size, "fuzz.epp", &err)
	                         : cm_parse_string(src, size, "fuzz.pp", &err);
	char msg[1024];

	if (ast == NULL) {
		if (!err.set)
			abort(); /* a failed parse must say why */
		cm_parse_error_format(&err, msg, sizeof(msg));
		return;
	}
	json_t *j = cm_ast_to_json(ast);
	char *text = json_dumps(j, JSON_COMPACT);

	free(text);
	json_decref(j);
	cm_ast_free(ast);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one((const char *)data, size, false);
	fuzz_one((const char *)data, size, true);
	return 0;
}
