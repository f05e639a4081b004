"""XenAPI wire formats: JSON-RPC v1/v2, XML-RPC, error shapes, malformed input."""
import http.client
import json
import re
import socket
import xmlrpc.client

from ovcptest import (Daemon, Tap, XapiError, XmlRpc, eq, expect_error, ok, minimal_vm, http_post, ROOT_PASSWORD)

t = Tap()
D = Daemon()
S = {}


def root():
    return S["root"]


@t.test("daemon starts and answers")
def _():
    D.start()
    S["root"] = D.login()
    S["vm"] = root().call("VM.create", minimal_vm("wire-vm"))


# ---- JSON-RPC ----

@t.test("JSON-RPC v2 login returns a session ref with the v2 envelope")
def _():
    r = D.json().raw({"jsonrpc": "2.0", "method": "session.login_with_password",
                      "params": ["root", ROOT_PASSWORD], "id": 7})
    eq(r.status, 200, "HTTP status")
    body = r.json()
    eq(set(body), {"jsonrpc", "result", "id"}, "keys")
    eq(body["jsonrpc"], "2.0", "jsonrpc")
    ok(re.fullmatch(r"OpaqueRef:[0-9a-f-]{36}", body["result"]), "ref shape: %r" % body["result"])


@t.test("JSON-RPC v1 login returns {result, error: null, id}")
def _():
    r = D.json(1).raw({"method": "session.login_with_password", "params": ["root", ROOT_PASSWORD], "id": 8})
    body = r.json()
    eq(set(body), {"result", "error", "id"}, "keys")
    eq(body["error"], None, "error")
    eq(body["id"], 8, "id")
    ok(body["result"].startswith("OpaqueRef:"), "result is a ref")


@t.test("JSON-RPC v1 error is {result: null, error: [CODE, ...], id}")
def _():
    r = D.json(1).raw({"method": "session.login_with_password", "params": ["root", "wrong"], "id": 9})
    body = r.json()
    eq(set(body), {"result", "error", "id"}, "keys")
    eq(body["result"], None, "result")
    eq(body["error"][0], "SESSION_AUTHENTICATION_FAILED", "code")
    eq(body["id"], 9, "id")


@t.test("JSON-RPC v2 error is {code: 1, message: CODE, data: [...]} without result")
def _():
    r = D.json(2).raw({"jsonrpc": "2.0", "method": "session.login_with_password",
                       "params": ["root", "wrong"], "id": 10})
    body = r.json()
    eq(set(body), {"jsonrpc", "error", "id"}, "keys")
    err = body["error"]
    eq(err["code"], 1, "code")
    eq(err["message"], "SESSION_AUTHENTICATION_FAILED", "message")
    ok(isinstance(err["data"], list) and err["data"][0] == "root", "data: %r" % err.get("data"))


@t.test("JSON-RPC v2 get_record works with v1 and v2 alike")
def _():
    s2 = D.login(client=D.json(2))
    s1 = D.login(client=D.json(1))
    eq(s1.call("VM.get_record", S["vm"]), s2.call("VM.get_record", S["vm"]), "v1 vs v2 record")


@t.test("JSON-RPC id echoed: number, string, null")
def _():
    c = D.json()
    for id_ in (12345, "abc-id", None):
        body = c.raw({"jsonrpc": "2.0", "method": "system.listMethods", "params": [], "id": id_}).json()
        ok("id" in body, "no id in reply for id %r" % (id_,))
        eq(body["id"], id_, "echoed id")
    body = D.json(1).raw({"method": "system.listMethods", "params": [], "id": "v1-id"}).json()
    eq(body["id"], "v1-id", "v1 echoed id")


@t.test("JSON-RPC reply Content-Type is exactly application/json")
def _():
    r = D.json().raw(D.json().envelope("system.listMethods", []))
    eq(r.header("Content-Type"), "application/json", "Content-Type")
    r = D.json().raw(D.json().envelope("session.login_with_password", ["root", "bad"]))
    eq(r.header("Content-Type"), "application/json", "Content-Type of an error")


@t.test("JSON-RPC ints are numbers, bools are booleans, floats are floats")
def _():
    rec = root().call("VM.get_record", S["vm"])
    ok(isinstance(rec["user_version"], int) and not isinstance(rec["user_version"], bool),
       "user_version %r" % rec["user_version"])
    eq(rec["memory_static_max"], 268435456, "memory_static_max")
    ok(rec["is_a_template"] is False, "is_a_template %r" % rec["is_a_template"])
    ok(isinstance(rec["HVM_shadow_multiplier"], float), "HVM_shadow_multiplier %r" % rec["HVM_shadow_multiplier"])
    eq(rec["HVM_shadow_multiplier"], 1.0, "HVM_shadow_multiplier")


# ---- XML-RPC ----

@t.test("XML-RPC on /, /RPC2 and /xmlrpc: login and get_record")
def _():
    for path in ("/", "/RPC2", "/xmlrpc"):
        x = XmlRpc(D.port, path)
        sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
        ok(sref.startswith("OpaqueRef:"), "%s: %r" % (path, sref))
        rec = x.call("VM.get_record", sref, S["vm"])
        eq(rec["name_label"], "wire-vm", path + " name_label")


@t.test("XML-RPC failure is a {Status: Failure, ErrorDescription} struct, not a fault")
def _():
    x = D.xml()
    reply = x.proxy.session.login_with_password("root", "wrong")
    eq(reply["Status"], "Failure", "Status")
    eq(reply["ErrorDescription"][0], "SESSION_AUTHENTICATION_FAILED", "code")
    ok("<fault>" not in x.last_text(), "no <fault>")


@t.test("XML-RPC ints travel as strings (raw XML has no <int>/<i4>/<i8>)")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    rec = x.call("VM.get_record", sref, S["vm"])
    text = x.last_text()
    ok(not re.search(r"<(int|i4|i8)>", text), "found an XML-RPC int tag")
    eq(rec["memory_static_max"], "268435456", "memory_static_max")
    eq(rec["user_version"], "1", "user_version")
    ok(re.search(r"<name>memory_static_max</name>\s*<value>(<string>)?268435456(</string>)?</value>", text),
       "raw memory_static_max not a string value")


@t.test("XML-RPC datetime is dateTime.iso8601 YYYYMMDDTHH:MM:SSZ in the raw XML")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    x.call("VM.get_record", sref, S["vm"])
    m = re.search(r"<name>snapshot_time</name>\s*<value><dateTime.iso8601>([^<]*)</dateTime.iso8601></value>",
                  x.last_text())
    ok(m, "snapshot_time is not a dateTime.iso8601")
    ok(re.fullmatch(r"\d{8}T\d\d:\d\d:\d\dZ", m.group(1)), "format %r" % m.group(1))


@t.test("XML-RPC booleans are <boolean>0|1</boolean>, floats <double>")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    rec = x.call("VM.get_record", sref, S["vm"])
    text = x.last_text()
    ok(re.search(r"<name>is_a_template</name>\s*<value><boolean>0</boolean></value>", text), "boolean raw")
    ok(rec["is_a_template"] is False, "is_a_template")
    ok(re.search(r"<name>HVM_shadow_multiplier</name>\s*<value><double>[0-9.eE+-]+</double></value>", text),
       "double raw")
    eq(rec["HVM_shadow_multiplier"], 1.0, "HVM_shadow_multiplier")


@t.test("XML-RPC accepts an int param sent as a string and as <int>")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    x.call("VM.set_user_version", sref, S["vm"], "41")
    eq(x.call("VM.get_user_version", sref, S["vm"]), "41", "after string")
    x.call("VM.set_user_version", sref, S["vm"], 42)
    eq(x.call("VM.get_user_version", sref, S["vm"]), "42", "after <int>")


@t.test("XML-RPC: an untyped <value> is a string; <nil/> is not accepted as a session")
def _():
    body = ("<?xml version='1.0'?><methodCall><methodName>session.login_with_password</methodName><params>"
            "<param><value>root</value></param><param><value>%s</value></param></params></methodCall>"
            % ROOT_PASSWORD)
    r = http_post(D.port, "/", body, content_type="text/xml")
    eq(r.status, 200, "status")
    ok(b"<name>Status</name>" in r.body and b"Success" in r.body, "reply %r" % r.body[:300])
    ok(b"OpaqueRef:" in r.body, "no session ref")
    body = ("<?xml version='1.0'?><methodCall><methodName>pool.get_all</methodName><params>"
            "<param><value><nil/></value></param></params></methodCall>")
    r = http_post(D.port, "/", body, content_type="text/xml")
    ok(b"Failure" in r.body, "reply %r" % r.body[:300])


# ---- malformed input ----

def still_alive():
    eq(D.json().call("system.listMethods")[:1], ["system.listMethods"], "server answers")
    ok(D.alive(), "daemon process alive")


def clean_error(r, what):
    """An HTTP 4xx, or a 200 carrying an error reply: never a 5xx, never a success."""
    ok(r.status != 200 or b"error" in r.body or b"Failure" in r.body or b"fault" in r.body,
       "%s: 200 without an error: %r" % (what, r.body[:200]))
    ok(r.status < 500, "%s: HTTP %d" % (what, r.status))


@t.test("malformed JSON: clean error, server alive")
def _():
    r = D.json().raw(b'{"jsonrpc": "2.0", "method": "session.login_with_password", "params": [')
    clean_error(r, "truncated JSON")
    r = D.json().raw(b"\xff\xfe not json at all")
    clean_error(r, "garbage")
    still_alive()


@t.test("malformed XML: clean error, server alive")
def _():
    r = http_post(D.port, "/", b"<?xml version='1.0'?><methodCall><methodName>x</methodName><params>",
                  content_type="text/xml")
    clean_error(r, "truncated XML")
    r = http_post(D.port, "/", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
                  b"<methodCall><methodName>&e;</methodName></methodCall>", content_type="text/xml")
    clean_error(r, "external entity")
    ok(b"root:" not in r.body, "external entity expanded")
    still_alive()


@t.test("wrong JSON envelope (no method, method not a string): error reply")
def _():
    for env in ({"jsonrpc": "2.0", "params": [], "id": 1}, {"jsonrpc": "2.0", "method": 5, "params": [], "id": 1},
                [1, 2, 3], "just a string"):
        clean_error(D.json().raw(env), "envelope %r" % (env,))
    still_alive()


@t.test("JSON params not an array: error reply")
def _():
    r = D.json().raw({"jsonrpc": "2.0", "method": "session.login_with_password",
                      "params": {"uname": "root", "pwd": ROOT_PASSWORD}, "id": 1})
    clean_error(r, "params object")
    ok(b"OpaqueRef:" not in r.body, "logged in with params as an object")
    still_alive()


@t.test("deep nesting (JSON and XML) refused cleanly")
def _():
    deep = "[" * 100000 + "]" * 100000
    r = D.json().raw('{"jsonrpc":"2.0","method":"VM.get_record","params":%s,"id":1}' % deep)
    clean_error(r, "deep JSON")
    inner = "<value><array><data>" * 20000 + "</data></array></value>" * 20000
    r = http_post(D.port, "/", "<?xml version='1.0'?><methodCall><methodName>VM.get_record</methodName>"
                  "<params><param>%s</param></params></methodCall>" % inner, content_type="text/xml")
    clean_error(r, "deep XML")
    still_alive()


@t.test("huge body (17 MiB) refused with 413 or an error reply, server alive")
def _():
    big = b'{"jsonrpc":"2.0","method":"system.listMethods","params":["' + b"a" * (17 * 1024 * 1024) + b'"],"id":1}'
    try:
        r = D.json().raw(big)
        clean_error(r, "huge body")
        ok(r.status == 413 or b"error" in r.body, "status %d" % r.status)
    except (ConnectionError, BrokenPipeError, http.client.HTTPException) as e:
        raise AssertionError("connection dropped instead of a reply: %r" % e)
    still_alive()


@t.test("unknown method -> MESSAGE_METHOD_UNKNOWN [method]")
def _():
    e = expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", "VM.frobnicate")
    eq(e.params, ["VM.frobnicate"], "params")
    e = expect_error(D.xml().call, "MESSAGE_METHOD_UNKNOWN", "VM.frobnicate", root().ref)
    eq(e.params, ["VM.frobnicate"], "XML params")


@t.test("unknown class -> MESSAGE_METHOD_UNKNOWN")
def _():
    e = expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", "Frobnicator.get_all")
    eq(e.params, ["Frobnicator.get_all"], "params")
    expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", "nodot")


@t.test("wrong param count -> MESSAGE_PARAMETER_COUNT_MISMATCH [method, expected, received] (session counted)")
def _():
    e = expect_error(root().call, "MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_record")
    eq(e.params, ["VM.get_record", "2", "1"], "too few")
    e = expect_error(root().call, "MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.get_record", S["vm"], "extra")
    eq(e.params, ["VM.get_record", "2", "3"], "too many")
    e = expect_error(D.json().call, "MESSAGE_PARAMETER_COUNT_MISMATCH", "session.login_with_password", "root")
    # login has 2 required + 2 optional parameters: either count is a fair "expected"
    ok(e.params[0] == "session.login_with_password" and e.params[1] in ("2", "4") and e.params[2] == "1",
       "login (no session): %r" % e.params)


@t.test("wrong param type -> FIELD_TYPE_ERROR")
def _():
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.get_record", 42)
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.set_user_version", S["vm"], "not-a-number")
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.set_is_a_template", S["vm"], "maybe")
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.set_VCPUs_params", S["vm"], ["a", "list"])


@t.test("system.listMethods without a session lists X.get_all_records of the classes")
def _():
    names = set(D.json().call("system.listMethods"))
    want = ["pool", "host", "VM", "VBD", "VDI", "SR", "PBD", "VIF", "network", "PIF", "console", "task",
            "message", "subject", "role", "host_metrics", "VM_metrics", "VM_guest_metrics"]
    missing = [c for c in want if c + ".get_all_records" not in names]
    eq(missing, [], "classes missing X.get_all_records")
    ok("session.get_all_records" not in names, "session.get_all_records is listed")
    ok("session.login_with_password" in names, "login listed")
    ok("Async.VM.create" in names, "Async.VM.create listed")
    x = D.xml()
    xnames = x.proxy.system.listMethods()
    if isinstance(xnames, dict):
        xnames = xnames.get("Value")
    ok("VM.get_all_records" in xnames, "XML-RPC listMethods")


@t.test("every listed X.get_all_records really answers")
def _():
    names = D.json().call("system.listMethods")
    bad = []
    for n in names:
        if n.endswith(".get_all_records") and not n.startswith("Async."):
            try:
                v = root().call(n)
                if not isinstance(v, dict):
                    bad.append((n, "not a map"))
            except XapiError as e:
                bad.append((n, e.desc))
    eq(bad, [], "failing get_all_records")


@t.test("keep-alive: several calls on one HTTP connection")
def _():
    c = D.json()
    conn = c.connection()
    sref = c.call("session.login_with_password", "root", ROOT_PASSWORD, conn=conn)
    sock = conn.sock
    ok(sock is not None, "connection closed after the first reply")
    for _i in range(5):
        c.call("VM.get_record", sref, S["vm"], conn=conn)
        ok(conn.sock is sock, "the server closed the connection between calls")
    conn.close()


@t.test("unknown HTTP path -> 404, GET on /jsonrpc not a JSON-RPC success")
def _():
    r = http_post(D.port, "/no-such-endpoint", b"{}")
    eq(r.status, 404, "status")
    c = http.client.HTTPConnection("127.0.0.1", D.port, timeout=10)
    c.request("GET", "/jsonrpc")
    resp = c.getresponse()
    resp.read()
    ok(resp.status in (404, 405), "GET /jsonrpc status %d" % resp.status)
    c.close()


@t.test("strings with unicode and control characters round-trip on both wires")
def _():
    label = "caf\u00e9 \u65e5\u672c \"q\" \\ \t\n end"
    root().call("VM.set_name_label", S["vm"], label)
    eq(root().call("VM.get_name_label", S["vm"]), label, "JSON")
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    eq(x.call("VM.get_name_label", sref, S["vm"]), label, "XML")
    x.call("VM.set_name_label", sref, S["vm"], "<&>")
    eq(root().call("VM.get_name_label", S["vm"]), "<&>", "XML-escaped chars")


if __name__ == "__main__":
    t.main()
