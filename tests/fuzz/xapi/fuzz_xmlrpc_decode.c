/* libFuzzer target: XML-RPC request decoding (and <value> fragments), then re-encoding (fuzz_common.h). */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_request req;
	struct err e = { 0 };
	json_t *v;

	fuzz_init();
	fuzz_check(rpc_decode_xml((const char *)data, size, &req, &e), &req, &e);
	v = rpc_decode_xml_value((const char *)data, size, &e);
	if ((v == NULL) != err_isset(&e))
		abort();
	if (v)
		fuzz_reencode_value(v);
	json_decref(v);
	err_clear(&e);
	return 0;
}
