/* libFuzzer target: JSON-RPC request decoding, then re-encoding (fuzz_common.h). */
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_request req;
	struct err e = { 0 };

	fuzz_init();
	fuzz_check(rpc_decode_json((const char *)data, size, &req, &e), &req, &e);
	return 0;
}
