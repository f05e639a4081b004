/*
 * What both wire fuzz targets check after a decode: a decoded request re-encodes to text
 * that our own decoders (and jansson) read back; a failed decode leaves an error that
 * encodes as a reply on either wire. Any broken invariant aborts, so libFuzzer reports it.
 */
#ifndef OVCP_FUZZ_XAPI_COMMON_H
#define OVCP_FUZZ_XAPI_COMMON_H

#include <stdlib.h>

#include "xapi/wire/rpc.h"

static void fuzz_init(void)
{
	static bool ready;

	if (!ready && model_init() < 0)
		abort();
	ready = true;
}

/* Encode v on both wires, typed and not, and read the results back. */
static void fuzz_reencode_value(json_t *v)
{
	static const char *const types[] = { NULL, "VM record", "(string -> int) map", "float set", "an event batch",
					     "datetime", "void", "(VM ref -> VM record) map" };
	struct buf out = BUF_INIT;
	struct err e = { 0 };
	json_t *back;

	rpc_encode_value(&out, RPC_WIRE_JSON, v, NULL);
	back = json_loadb(out.data, out.len, JSON_DECODE_ANY, NULL);
	if (back == NULL || !json_equal(back, v))
		abort();
	json_decref(back);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct xtype *t = types[i] ? xtype_parse(types[i]) : NULL;
		buf_reset(&out);
		rpc_encode_value(&out, RPC_WIRE_XML, v, t);
		back = rpc_decode_xml_value(out.data, out.len, &e);
		if (back == NULL)
			abort();
		json_decref(back);
		buf_reset(&out);
		rpc_encode_value(&out, RPC_WIRE_JSON, v, t);
		back = json_loadb(out.data, out.len, JSON_DECODE_ANY, NULL);
		if (back == NULL)
			abort();
		json_decref(back);
	}
	buf_free(&out);
}

static void fuzz_check(int rc, struct rpc_request *req, struct err *e)
{
	struct buf out = BUF_INIT;
	json_t *back;
	size_t i;
	json_t *param;

	if (rc == 0) {
		if (req->method == NULL || !json_is_array(req->params) || err_isset(e))
			abort();
		json_array_foreach(req->params, i, param)
			fuzz_reencode_value(param);
		rpc_encode_success(&out, req, req->params, NULL);
	} else {
		if (!err_isset(e) || req->method != NULL || req->params != NULL)
			abort();
		rpc_encode_failure(&out, req, e->desc);
	}
	if (req->wire == RPC_WIRE_JSON) {
		back = json_loadb(out.data, out.len, 0, NULL);
		if (back == NULL)
			abort();
		json_decref(back);
	}
	buf_free(&out);
	err_clear(e);
	rpc_request_clear(req);
}

#endif
