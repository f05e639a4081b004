/*
 * libFuzzer target: the ENC (external node classifier) output parser
 * (cm_enc_parse in src/cm/master/enc.c: libyaml events into JSON) and the
 * Puppet code the master generates from its classes (puppet_code.c).
 *
 * Input: what the classifier program printed. A refused document says why;
 * an accepted one has object classes and parameters. When the classes make
 * valid code, that code must parse as Puppet: a class parameter's value from
 * the ENC must never break out of its literal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cm/lang/parser.h"
#include "cm/master/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cm_node_class nc;
	struct err e = { 0 };
	int rc = cm_enc_parse((const char *)data, size, &nc, &e);

	if (rc < 0) {
		if (!err_isset(&e) || nc.classes != NULL || nc.parameters != NULL || nc.environment != NULL)
			abort(); /* a refused document says why and leaves nothing behind */
		err_clear(&e);
		return 0;
	}
	if (err_isset(&e) || !json_is_object(nc.classes) || !json_is_object(nc.parameters))
		abort();

	struct buf code = BUF_INIT;
	if (cm_puppet_declare_classes(nc.classes, &code, &e) == 0) {
		struct cm_parse_error perr;
		struct cm_ast *ast = cm_parse_string(buf_cstr(&code), code.len, "enc.pp", &perr);
		if (ast == NULL)
			abort(); /* generated code that does not parse */
		cm_ast_free(ast);
	} else if (!err_isset(&e)) {
		abort();
	}
	err_clear(&e);
	buf_free(&code);
	cm_node_class_clear(&nc);
	return 0;
}
