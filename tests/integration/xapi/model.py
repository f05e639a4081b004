"""Object model and the generic calls: records, getters/setters, maps, sets,
create/destroy, errors for bad refs and uuids, relations kept true."""
import re
import uuid as uuidlib

from ovcptest import (Daemon, Tap, XapiError, eq, expect_error, ok, minimal_vm, minimal_vbd, xml_ints,
                      ROOT_PASSWORD)

t = Tap()
D = Daemon()
S = {}
CLASSES = ["pool", "host", "host_metrics", "VM", "VM_metrics", "VM_guest_metrics", "VBD", "VDI", "SR", "PBD",
           "VIF", "network", "PIF", "console", "task", "message", "subject", "role"]
# Maps whose values are not strings in XenAPI.
NON_STRING_MAPS = {"VCPUs_utilisation", "VCPUs_CPU", "VCPUs_flags", "VCPUs_params_live"}


def root():
    return S["root"]


def fields_of(cls):
    """The field names a class's getters advertise in system.listMethods."""
    skip = {"get_all", "get_all_records", "get_record", "get_by_uuid", "get_by_name_label", "get_all_records_where",
            "get_permissions", "get_permissions_name_label", "get_by_permission", "get_by_permission_name_label"}
    out = set()
    for n in S["methods"]:
        if n.startswith(cls + ".get_"):
            m = n[len(cls) + 1:]
            if m not in skip:
                out.add(m[4:])
    return out


@t.test("daemon starts; populate one object of several classes")
def _():
    D.start()
    S["root"] = s = D.login()
    S["methods"] = D.json().call("system.listMethods")
    S["vm"] = s.call("VM.create", minimal_vm("model-vm"))
    S["net"] = s.call("network.create", {"name_label": "net0", "name_description": "", "MTU": 1500,
                                          "other_config": {}, "bridge": "", "managed": True, "tags": []})
    S["vif"] = s.call("VIF.create", {"device": "0", "network": S["net"], "VM": S["vm"], "MAC": "02:00:00:00:00:01",
                                      "MTU": 1500, "other_config": {}, "qos_algorithm_type": "",
                                      "qos_algorithm_params": {}, "locking_mode": "network_default",
                                      "ipv4_allowed": [], "ipv6_allowed": []})
    S["vbd"] = s.call("VBD.create", minimal_vbd(S["vm"]))
    s.call("message.create", "TEST_MESSAGE", 3, "VM", s.call("VM.get_uuid", S["vm"]), "body")
    s.call("task.create", "t", "d")
    s.call("subject.create_local_user", "modeluser", "pw-model", ["vm-admin"])
    s.call("console.create", {"protocol": "vt100", "VM": S["vm"], "other_config": {}})


@t.test("every class's get_all_records answers a map of ref -> record")
def _():
    S["records"] = {}
    for c in CLASSES:
        recs = root().call(c + ".get_all_records")
        ok(isinstance(recs, dict), "%s: %r" % (c, type(recs)))
        for ref in recs:
            ok(re.fullmatch(r"OpaqueRef:[0-9a-f-]{36}", ref), "%s ref %r" % (c, ref))
        S["records"][c] = recs
    for c in ("pool", "host", "host_metrics", "VM", "VBD", "VIF", "network", "console", "task", "message",
              "subject", "role"):
        ok(S["records"][c], "%s has no records" % c)
    eq(len(S["records"]["role"]), 6, "roles")


@t.test("records of a class all carry one complete field set, equal to get_record's")
def _():
    bad = []
    for c, recs in S["records"].items():
        keysets = {frozenset(r) for r in recs.values()}
        if len(keysets) > 1:
            bad.append((c, "records differ in fields"))
        for ref, rec in list(recs.items())[:3]:
            if c == "message":
                one = root().call("message.get_record", ref)
            else:
                one = root().call(c + ".get_record", ref)
            if set(one) != set(rec):
                bad.append((c, "get_record vs get_all_records", sorted(set(one) ^ set(rec))))
            if one != rec:
                bad.append((c, "values differ", ref))
    eq(bad, [], "inconsistent records")


@t.test("every field with a getter appears in the record (and vice versa)")
def _():
    bad = []
    for c, recs in S["records"].items():
        if not recs or c == "message":
            continue
        rec = next(iter(recs.values()))
        getters = fields_of(c)
        if getters != set(rec):
            bad.append((c, "getter only", sorted(getters - set(rec)), "record only", sorted(set(rec) - getters)))
    eq(bad, [], "field sets")


@t.test("record values are well typed: no default text ('{}', 'Null') leaked, string maps hold strings")
def _():
    bad = []
    for c, recs in S["records"].items():
        for ref, rec in recs.items():
            for k, v in rec.items():
                if v in ("{}", "Null", "()") and k != "backtrace":
                    bad.append("%s.%s = %r" % (c, k, v))
                if isinstance(v, dict) and k not in NON_STRING_MAPS:
                    for mk, mv in v.items():
                        if not isinstance(mv, str):
                            bad.append("%s.%s[%r] = %r (not a string)" % (c, k, mk, mv))
                if k.endswith("allowed_operations") and not isinstance(v, list):
                    bad.append("%s.%s = %r (not a set)" % (c, k, v))
                if k == "uuid" and not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", v):
                    bad.append("%s.uuid = %r" % (c, v))
    eq(sorted(set(bad)), [], "badly typed values")


@t.test("XML-RPC get_all_records of every class has no XML int tags")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    bad = []
    for c in CLASSES:
        x.call(c + ".get_all_records", sref)
        if re.search(r"<(int|i4|i8)>", x.last_text()):
            bad.append(c)
    eq(bad, [], "classes with <int>")


@t.test("ref of a record is OpaqueRef:<its uuid> or at least unique; get_by_uuid finds it")
def _():
    for c in ("VM", "host", "pool", "role", "network"):
        for ref, rec in S["records"][c].items():
            eq(root().call(c + ".get_by_uuid", rec["uuid"]), ref, "%s.get_by_uuid" % c)


@t.test("get_by_name_label returns every match as a set")
def _():
    s = root()
    eq(s.call("VM.get_by_name_label", "model-vm"), [S["vm"]], "one match")
    other = s.call("VM.create", minimal_vm("model-vm"))
    eq(sorted(s.call("VM.get_by_name_label", "model-vm")), sorted([S["vm"], other]), "two matches")
    eq(s.call("VM.get_by_name_label", "no-such-name"), [], "no match")
    s.call("VM.destroy", other)


@t.test("string field get/set round trip (JSON and XML)")
def _():
    s = root()
    s.call("VM.set_name_description", S["vm"], "described")
    eq(s.call("VM.get_name_description", S["vm"]), "described", "JSON")
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    x.call("VM.set_name_description", sref, S["vm"], "via xml")
    eq(s.call("VM.get_name_description", S["vm"]), "via xml", "XML then JSON")
    eq(s.call("VM.get_record", S["vm"])["name_description"], "via xml", "record")


@t.test("int field round trip: JSON number; XML string in and out")
def _():
    s = root()
    s.call("VM.set_user_version", S["vm"], 7)
    eq(s.call("VM.get_user_version", S["vm"]), 7, "JSON")
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    x.call("VM.set_user_version", sref, S["vm"], "9000000000")
    eq(x.call("VM.get_user_version", sref, S["vm"]), "9000000000", "XML 64-bit")
    eq(s.call("VM.get_user_version", S["vm"]), 9000000000, "JSON after XML")


@t.test("bool field round trip")
def _():
    s = root()
    s.call("VM.set_is_a_template", S["vm"], True)
    eq(s.call("VM.get_is_a_template", S["vm"]), True, "true")
    s.call("VM.set_is_a_template", S["vm"], False)
    eq(s.call("VM.get_is_a_template", S["vm"]), False, "false")


@t.test("enum field round trip; a bad enum value -> FIELD_TYPE_ERROR and no change")
def _():
    s = root()
    s.call("VM.set_actions_after_shutdown", S["vm"], "restart")
    eq(s.call("VM.get_actions_after_shutdown", S["vm"]), "restart", "set")
    expect_error(s.call, "FIELD_TYPE_ERROR", "VM.set_actions_after_shutdown", S["vm"], "explode")
    eq(s.call("VM.get_actions_after_shutdown", S["vm"]), "restart", "unchanged")


@t.test("map add_to/remove_from: add, duplicate -> MAP_DUPLICATE_KEY, remove missing key succeeds")
def _():
    s = root()
    s.call("VM.add_to_other_config", S["vm"], "k1", "v1")
    eq(s.call("VM.get_other_config", S["vm"]).get("k1"), "v1", "added")
    e = expect_error(s.call, "MAP_DUPLICATE_KEY", "VM.add_to_other_config", S["vm"], "k1", "v2")
    eq(e.params[-1], "k1", "key is the last param")
    eq(s.call("VM.get_other_config", S["vm"])["k1"], "v1", "value unchanged")
    s.call("VM.remove_from_other_config", S["vm"], "k1")
    ok("k1" not in s.call("VM.get_other_config", S["vm"]), "removed")
    s.call("VM.remove_from_other_config", S["vm"], "never-there")


@t.test("map set_FIELD replaces the whole map")
def _():
    s = root()
    s.call("VM.set_other_config", S["vm"], {"a": "1", "b": "2"})
    eq(s.call("VM.get_other_config", S["vm"]), {"a": "1", "b": "2"}, "set")
    s.call("VM.set_other_config", S["vm"], {})
    eq(s.call("VM.get_other_config", S["vm"]), {}, "emptied")


@t.test("set add_/remove_ (tags): no duplicates, remove of a missing member succeeds")
def _():
    s = root()
    s.call("VM.add_tags", S["vm"], "red")
    s.call("VM.add_tags", S["vm"], "blue")
    s.call("VM.add_tags", S["vm"], "red")
    eq(sorted(s.call("VM.get_tags", S["vm"])), ["blue", "red"], "after adds")
    s.call("VM.remove_tags", S["vm"], "red")
    s.call("VM.remove_tags", S["vm"], "absent")
    eq(s.call("VM.get_tags", S["vm"]), ["blue"], "after removes")
    s.call("VM.set_tags", S["vm"], [])
    eq(s.call("VM.get_tags", S["vm"]), [], "set_tags []")


@t.test("VM.create with a full record, read back, destroy -> HANDLE_INVALID afterwards")
def _():
    s = root()
    rec = minimal_vm("full-vm", name_description="d", user_version=3, VCPUs_max=2, VCPUs_at_startup=2,
                     other_config={"x": "y"}, platform={"acpi": "1"})
    vm = s.call("VM.create", rec)
    got = s.call("VM.get_record", vm)
    for k, v in rec.items():
        if k != "HVM_boot_policy":
            eq(got[k], v, "field " + k)
    eq(got["power_state"], "Halted", "power_state")
    ok(re.fullmatch(r"[0-9a-f-]{36}", got["uuid"]), "uuid")
    ok(vm in s.call("VM.get_all"), "in get_all")
    s.call("VM.destroy", vm)
    ok(vm not in s.call("VM.get_all"), "still in get_all")
    e = expect_error(s.call, "HANDLE_INVALID", "VM.get_record", vm)
    eq(e.params, ["VM", vm], "params")


@t.test("VM.create over XML-RPC with ints as strings")
def _():
    x = D.xml()
    sref = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    vm = x.call("VM.create", sref, xml_ints(minimal_vm("xml-vm")))
    eq(x.call("VM.get_memory_static_max", sref, vm), "268435456", "memory_static_max")
    x.call("VM.destroy", sref, vm)


@t.test("create with a missing required field -> FIELD_TYPE_ERROR, nothing created")
def _():
    s = root()
    before = len(s.call("VM.get_all"))
    rec = minimal_vm("incomplete")
    del rec["memory_static_max"]
    expect_error(s.call, "FIELD_TYPE_ERROR", "VM.create", rec)
    expect_error(s.call, "FIELD_TYPE_ERROR", "VM.create", "not a record")
    eq(len(s.call("VM.get_all")), before, "VM count")


@t.test("create with a field of the wrong type -> FIELD_TYPE_ERROR")
def _():
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.create", minimal_vm("bad", VCPUs_max="many"))
    expect_error(root().call, "FIELD_TYPE_ERROR", "VM.create", minimal_vm("bad", actions_after_reboot="nope"))


@t.test("HANDLE_INVALID [class, ref] for an unknown ref and for OpaqueRef:NULL")
def _():
    s = root()
    missing = "OpaqueRef:" + str(uuidlib.uuid4())
    for ref in (missing, "OpaqueRef:NULL"):
        e = expect_error(s.call, "HANDLE_INVALID", "VM.get_record", ref)
        eq(e.params, ["VM", ref], "get_record params")
        e = expect_error(s.call, "HANDLE_INVALID", "VM.set_name_label", ref, "x")
        eq(e.params, ["VM", ref], "set params")
        expect_error(s.call, "HANDLE_INVALID", "VM.destroy", ref)
        expect_error(s.call, "HANDLE_INVALID", "VM.add_to_other_config", ref, "k", "v")


@t.test("a ref of another class is HANDLE_INVALID for this class")
def _():
    host = root().call("host.get_all")[0]
    e = expect_error(root().call, "HANDLE_INVALID", "VM.get_record", host)
    eq(e.params, ["VM", host], "params")


@t.test("UUID_INVALID [class, uuid] for an unknown uuid")
def _():
    u = str(uuidlib.uuid4())
    e = expect_error(root().call, "UUID_INVALID", "VM.get_by_uuid", u)
    eq(e.params, ["VM", u], "params")
    expect_error(root().call, "UUID_INVALID", "VM.get_by_uuid", "not-a-uuid")


@t.test("read-only fields have no setter: VM.set_power_state, VM.set_uuid -> MESSAGE_METHOD_UNKNOWN")
def _():
    for m in ("VM.set_power_state", "VM.set_uuid", "VM.set_VBDs", "host.set_API_version_major"):
        e = expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", m, S["vm"], "x")
        eq(e.params, [m], "params")
    names = set(S["methods"])
    ok("VM.set_power_state" not in names and "VM.get_power_state" in names, "listMethods")


@t.test("VBD.create with VM=ref adds it to VM.VBDs; destroy removes it")
def _():
    s = root()
    vbd = s.call("VBD.create", minimal_vbd(S["vm"], userdevice="3"))
    ok(vbd in s.call("VM.get_VBDs", S["vm"]), "VBD not in VM.VBDs")
    eq(s.call("VBD.get_VM", vbd), S["vm"], "VBD.VM")
    s.call("VBD.destroy", vbd)
    ok(vbd not in s.call("VM.get_VBDs", S["vm"]), "VBD still in VM.VBDs")


@t.test("VIF.create adds to VM.VIFs and network.VIFs")
def _():
    s = root()
    ok(S["vif"] in s.call("VM.get_VIFs", S["vm"]), "VM.VIFs")
    ok(S["vif"] in s.call("network.get_VIFs", S["net"]), "network.VIFs")


@t.test("VBD.create with a VM ref that does not exist -> HANDLE_INVALID")
def _():
    missing = "OpaqueRef:" + str(uuidlib.uuid4())
    before = len(root().call("VBD.get_all"))
    e = expect_error(root().call, "HANDLE_INVALID", "VBD.create", minimal_vbd(missing))
    eq(e.params, ["VM", missing], "params")
    eq(len(root().call("VBD.get_all")), before, "no VBD created")


@t.test("destroying a VM takes its VBDs/VIFs along or refuses; no dangling relation either way")
def _():
    s = root()
    vm = s.call("VM.create", minimal_vm("doomed"))
    vbd = s.call("VBD.create", minimal_vbd(vm))
    try:
        s.call("VM.destroy", vm)
    except XapiError:
        eq(s.call("VBD.get_VM", vbd), vm, "refused destroy left the VBD")
        return
    try:
        dangling = s.call("VBD.get_VM", vbd)
    except XapiError as e:
        eq(e.code, "HANDLE_INVALID", "VBD gone")
        return
    raise AssertionError("VBD %s still points at the destroyed VM %s" % (vbd, dangling))


@t.test("set on a field of a destroyed object -> HANDLE_INVALID")
def _():
    s = root()
    vm = s.call("VM.create", minimal_vm("short-lived"))
    s.call("VM.destroy", vm)
    expect_error(s.call, "HANDLE_INVALID", "VM.set_name_label", vm, "x")
    expect_error(s.call, "HANDLE_INVALID", "VM.destroy", vm)


@t.test("message.create: listed by message.get_all_records with its fields")
def _():
    s = root()
    msgs = s.call("message.get_all_records")
    ok(any(m["name"] == "TEST_MESSAGE" for m in msgs.values()), "message listed")
    rec = next(m for m in msgs.values() if m["name"] == "TEST_MESSAGE")
    eq(rec["priority"], 3, "priority")
    eq(rec["cls"], "VM", "cls")


@t.test("network.destroy while a VIF uses it: refused, or the VIF goes too (never dangling)")
def _():
    s = root()
    net = s.call("network.create", {"name_label": "net-doomed", "name_description": "", "MTU": 1500,
                                    "other_config": {}, "bridge": "", "managed": True, "tags": []})
    vif = s.call("VIF.create", {"device": "1", "network": net, "VM": S["vm"], "MAC": "02:00:00:00:00:02",
                                "MTU": 1500, "other_config": {}, "qos_algorithm_type": "",
                                "qos_algorithm_params": {}, "locking_mode": "network_default",
                                "ipv4_allowed": [], "ipv6_allowed": []})
    try:
        s.call("network.destroy", net)
    except XapiError:
        eq(s.call("VIF.get_network", vif), net, "refused destroy")
        return
    try:
        dangling = s.call("VIF.get_network", vif)
    except XapiError as e:
        eq(e.code, "HANDLE_INVALID", "VIF gone")
        ok(vif not in s.call("VM.get_VIFs", S["vm"]), "VM.VIFs still lists the VIF")
        return
    raise AssertionError("VIF %s still points at the destroyed network %s" % (vif, dangling))


@t.test("concurrent map adds from 8 clients: no update lost")
def _():
    import threading
    vm = root().call("VM.create", minimal_vm("concurrent"))
    errors = []

    def adder(n):
        s = D.login()
        for i in range(25):
            try:
                s.call("VM.add_to_other_config", vm, "k-%d-%d" % (n, i), str(i))
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

    threads = [threading.Thread(target=adder, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    eq(errors, [], "errors")
    eq(len(root().call("VM.get_other_config", vm)), 200, "keys")


@t.test("concurrent VBD creates on one VM: VM.VBDs lists every one")
def _():
    import threading
    vm = root().call("VM.create", minimal_vm("many-vbds"))
    made = []
    lock = threading.Lock()

    def creator(n):
        s = D.login()
        for i in range(10):
            ref = s.call("VBD.create", minimal_vbd(vm, userdevice=str(n * 10 + i)))
            with lock:
                made.append(ref)

    threads = [threading.Thread(target=creator, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    eq(len(made), 40, "created")
    eq(sorted(root().call("VM.get_VBDs", vm)), sorted(made), "VM.VBDs")


if __name__ == "__main__":
    t.main()
