/*
 * XenAPI wire codecs: JSON-RPC (1.0 and 2.0) and XML-RPC requests in,
 * replies out, shaped exactly as XCP's xapi shapes them.
 *
 * Values inside OVCP are jansson values: records are objects keyed by field
 * name, ints JSON integers, floats reals, bools booleans, datetimes strings
 * "YYYYMMDDTHH:MM:SSZ", refs strings, sets arrays, maps objects (keys are
 * always strings; int-keyed maps have decimal keys). The decoders produce
 * that shape from either wire; the encoders take it plus the declared
 * XenAPI type and write the wire form straight into a struct buf.
 *
 * Reply shapes (xapi's):
 *   JSON v1 success  {"result":V,"error":null,"id":ID}
 *   JSON v1 failure  {"result":null,"error":["CODE","p1",...],"id":ID}
 *   JSON v2 success  {"jsonrpc":"2.0","result":V,"id":ID}
 *   JSON v2 failure  {"jsonrpc":"2.0","error":{"code":1,"message":"CODE","data":["p1",...]},"id":ID}
 *   XML-RPC          <?xml version="1.0"?><methodResponse><params><param><value><struct>
 *                    Status "Success" + Value, or Status "Failure" + ErrorDescription
 *                    (an array of strings). API errors are never XML-RPC faults.
 *
 * XML-RPC value forms written (xapi's): int -> <value>123</value> (a string),
 * string/enum/ref -> <value>text</value>, float -> <double>%.16g</double>,
 * bool -> <boolean>0|1</boolean>, datetime -> <dateTime.iso8601>, set -> <array><data>,
 * map/record -> <struct>, void -> <value></value>, JSON null -> <nil/>.
 * XML text escaping: & < > " as entities, CR as &#13; (so it survives the
 * reader's line-end normalisation); characters XML 1.0 forbids (C0 controls
 * other than TAB/LF/CR, U+FFFE, U+FFFF) are DROPPED, as xapi drops them.
 *
 * Decoding limits: bodies over RPC_MAX_BODY bytes and values nested deeper
 * than RPC_MAX_DEPTH are refused. libxml2 runs with no network, no DTD
 * (a DOCTYPE stops the parse), no entity substitution.
 *
 * Thread safety: every function may be called from any thread; model_init()
 * must have run before anything here is used.
 */
#ifndef OVCP_XAPI_WIRE_RPC_H
#define OVCP_XAPI_WIRE_RPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "xapi/model.h"

#define RPC_MAX_BODY  (16u * 1024 * 1024) /* bytes of one request body */
#define RPC_MAX_DEPTH 64                  /* nesting of arrays/objects (structs) in a request */
#define RPC_DATETIME_LEN 18               /* strlen("20240131T23:59:59Z") */

enum rpc_wire { RPC_WIRE_JSON, RPC_WIRE_XML };

struct rpc_request {
	enum rpc_wire wire;
	int json_version; /* JSON-RPC: 1 or 2 ("jsonrpc":"2.0" present) */
	json_t *id;       /* JSON-RPC id as sent (any JSON value; json null if absent); NULL for XML-RPC */
	char *method;     /* "VM.get_record", "session.login_with_password", "Async.VM.start", "system.listMethods" */
	json_t *params;   /* a JSON array of the decoded parameters */
};

/* ---- decoding (jsonrpc.c, xmlrpc.c) ----
 * Decode a request body. 0 ok; -1 with e set to a XenAPI-style error
 * (XML: ["XMLRPC_UNMARSHAL_FAILURE", expected, received]; JSON: ["INTERNAL_ERROR",
 * "Malformed_method_request: ..."], as xapi's Jsonrpc module words it). On failure req is
 * still encodable: wire set, json_version known or 1, id as sent when the envelope got that
 * far, else JSON null (NULL for XML); method and params are NULL.
 * JSON-RPC: one request object (a batch array is refused); v1 needs "params" as an array;
 * v2 takes an array, no params (-> []) or one object (-> [object]), as xapi does.
 * XML-RPC: i4/int/i8 -> integer, boolean -> bool, double -> real, string and untyped
 * -> string, dateTime.iso8601 -> canonical datetime string, base64 -> string (decoded;
 * must be UTF-8 without NUL), struct -> object, array -> array, nil -> null; <params> may be absent. */
int rpc_decode_json(const char *body, size_t len, struct rpc_request *req, struct err *e);
int rpc_decode_xml(const char *body, size_t len, struct rpc_request *req, struct err *e);
/* Free what a decode left in req (safe on a zeroed or already cleared req). */
void rpc_request_clear(struct rpc_request *req);

/* Parse one XML-RPC <value>...</value> fragment (as task.result holds) to a JSON value.
   Returns a new reference, or NULL with e set. */
json_t *rpc_decode_xml_value(const char *text, size_t len, struct err *e);

/* ---- encoding (rpc.c picks the wire; walk.h walks the type; jsonrpc.c / xmlrpc.c write the syntax) ----
 * Encode a whole reply, appended to out. `type` is the declared XenAPI result type (NULL or
 * XT_ANY: encode by the JSON value's own type; integers as XML-RPC strings). XT_VOID writes
 * xapi's empty string whatever result holds. result is borrowed. */
void rpc_encode_success(struct buf *out, const struct rpc_request *req, json_t *result, const struct xtype *type);
/* error_desc: JSON array ["CODE", "param", ...] (borrowed) */
void rpc_encode_failure(struct buf *out, const struct rpc_request *req, json_t *error_desc);

/* Streaming, for big answers (get_all_records of 10,000 VMs):
 *   rpc_reply_begin; rpc_map_begin; for each: rpc_map_key, rpc_encode_value (or
 *   rpc_encode_raw_json), rpc_map_value_end; rpc_map_end; rpc_reply_end. */
void rpc_reply_begin(struct buf *out, const struct rpc_request *req); /* everything up to the result value */
void rpc_reply_end(struct buf *out, const struct rpc_request *req);   /* everything after it */
void rpc_encode_value(struct buf *out, enum rpc_wire wire, json_t *value, const struct xtype *type);
void rpc_map_begin(struct buf *out, enum rpc_wire wire);
/* writes the separator if !first, the key, and what precedes the value */
void rpc_map_key(struct buf *out, enum rpc_wire wire, const char *key, bool first);
void rpc_map_value_end(struct buf *out, enum rpc_wire wire); /* what follows a value in a map */
void rpc_map_end(struct buf *out, enum rpc_wire wire);
/* JSON only: append an already-encoded JSON text verbatim as a value (records are stored as JSON). */
void rpc_encode_raw_json(struct buf *out, const char *json_text, size_t len);

/* ---- helpers (rpc.c) ---- */
/* Normalise a XenAPI datetime to "YYYYMMDDTHH:MM:SSZ". Accepts that form, the same without
   "Z", and "YYYY-MM-DDTHH:MM:SS[Z]"; fractional seconds are dropped. 0 ok, -1 not a datetime.
   For the dispatcher to check datetime parameters that arrive over JSON-RPC as strings. */
int rpc_datetime_normalise(const char *text, size_t len, char out[RPC_DATETIME_LEN + 1]);

#endif
