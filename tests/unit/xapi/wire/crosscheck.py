#!/usr/bin/env python3
"""Read the golden replies (tests/golden/xapi/replies) the way XenAPI clients do:
Python's xmlrpc.client for the XML-RPC ones (XenAPI.py is built on it) and json for
the JSON-RPC ones, and check what a client would see. Prints TAP."""
import json
import os
import sys
import xmlrpc.client

golden = sys.argv[1] if len(sys.argv) > 1 else "tests/golden/xapi"
replies = os.path.join(golden, "replies")
count = 0
failed = 0


def point(name, ok, why=""):
    global count, failed
    count += 1
    if ok:
        print(f"ok {count} - {name}")
    else:
        failed += 1
        print(f"not ok {count} - {name}")
        if why:
            print(f"# {why}")


def xml_value(name):
    with open(os.path.join(replies, name), "rb") as f:
        params, method = xmlrpc.client.loads(f.read())
    assert method is None and len(params) == 1
    return params[0]


def json_reply(name):
    with open(os.path.join(replies, name), "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def check(name, fn):
    try:
        fn()
        point(name, True)
    except Exception as e:  # any failure to read or a wrong value fails the point
        point(name, False, f"{type(e).__name__}: {e}")


def every_file_parses():
    names = sorted(os.listdir(replies))
    assert len(names) >= 40, names
    for n in names:
        if n.endswith(".xml"):
            reply = xml_value(n)
            assert reply["Status"] in ("Success", "Failure"), n
        else:
            reply = json_reply(n)
            assert "id" in reply, n
            if n.endswith(".v2.json"):
                assert reply["jsonrpc"] == "2.0", n
            else:
                assert "jsonrpc" not in reply and "result" in reply and "error" in reply, n


def vm_record_xml():
    r = xml_value("vm_record.xml")
    assert r["Status"] == "Success"
    vm = r["Value"]
    assert vm["memory_static_max"] == "4294967296" and vm["domid"] == "-1"  # ints travel as strings
    assert vm["is_a_template"] is False
    assert isinstance(vm["snapshot_time"], xmlrpc.client.DateTime) and vm["snapshot_time"].value == "19700101T00:00:00Z"
    assert vm["HVM_shadow_multiplier"] == 1.0 and isinstance(vm["HVM_shadow_multiplier"], float)
    assert vm["other_config"] == {"base_template_name": "Debian", "mac_seed": "0b2e"}
    assert vm["name_label"] == "web <1> & co"
    assert vm["VBDs"] == ["OpaqueRef:vbd1", "OpaqueRef:vbd2"] and vm["tags"] == []
    assert vm["power_state"] == "Halted" and vm["not_a_field"] == "12"


def vm_record_json_matches_xml():
    x = xml_value("vm_record.xml")["Value"]
    j = json_reply("vm_record.v1.json")["result"]
    assert list(x.keys()) == list(j.keys())
    for k, v in j.items():
        if isinstance(v, bool):
            assert x[k] is v, k
        elif isinstance(v, int):
            assert x[k] == str(v), k
        elif isinstance(v, float):
            assert x[k] == v, k


def event_batch_xml():
    b = xml_value("event_batch.xml")["Value"]
    ev = b["events"][0]
    assert ev["id"] == "17"
    assert isinstance(ev["timestamp"], xmlrpc.client.DateTime) and ev["timestamp"].value == "20240131T23:59:59Z"
    snap = ev["snapshot"]
    assert snap["memory_static_max"] == "4294967296" and snap["VCPUs_max"] == "2"
    assert isinstance(snap["snapshot_time"], xmlrpc.client.DateTime)
    assert snap["is_a_template"] is False
    assert snap["not_a_field"] == "5"
    assert b["valid_ref_counts"] == {"vm": "3", "pool": "1"}
    assert b["token"] == "18,0"


def event_batch_json():
    b = json_reply("event_batch.v2.json")["result"]
    assert b["events"][0]["snapshot"]["memory_static_max"] == 4294967296
    assert b["valid_ref_counts"]["vm"] == 3


def scalars():
    assert xml_value("datetime.xml")["Value"].value == "20240131T23:59:59Z"
    assert xml_value("floats.xml")["Value"] == [0.1, 1.0, -2.5, 1e20, 3.141592653589793, 5e-324]
    assert json_reply("floats.v1.json")["result"] == [0.1, 1.0, -2.5, 1e20, 3.141592653589793, 5e-324]
    assert xml_value("bools.xml")["Value"] == [True, False]
    assert xml_value("ints.xml")["Value"] == ["0", "-1", "9223372036854775807", "-9223372036854775808", "42"]
    assert json_reply("ints.v2.json")["result"] == [0, -1, 9223372036854775807, -9223372036854775808, 42]
    assert xml_value("float_from_int.xml")["Value"] == 1.0
    assert xml_value("vcpus_utilisation.xml")["Value"] == {"0": 0.5, "1": 1.0}
    assert xml_value("void.xml")["Value"] == ""
    assert json_reply("void.v1.json")["result"] == ""


def escapes():
    v = xml_value("untyped_escapes.xml")["Value"]
    assert v[0] == "ctl chars\r\n\t kept", repr(v[0])  # C0 controls dropped, CR kept
    assert v[1] == "\u2603"  # U+FFFE/U+FFFF dropped
    assert v[2] == "<>&\"'"
    assert v[3] == {"k<": None}
    j = json_reply("untyped_escapes.v1.json")["result"]
    assert j[0] == "ctl\u0001\u001f chars\r\n\t kept" and j[1] == "\ufffe\uffff\u2603"


def nested():
    assert xml_value("nested_maps.xml")["Value"] == {"outer": {"inner": {"x": "y"}}, "empty": {}}
    m = xml_value("vm_all_records.xml")["Value"]
    assert len(m) == 2 and all(k.startswith("OpaqueRef:") for k in m)
    assert m["OpaqueRef:00000002-0000-4000-8000-000000000000"] == {"name_label": "b", "domid": "3"}
    assert xml_value("ref_set.xml")["Value"] == ["OpaqueRef:a", "OpaqueRef:b", "OpaqueRef:NULL"]


def errors():
    x = xml_value("error.xml")
    assert x == {"Status": "Failure", "ErrorDescription": ["VM_BAD_POWER_STATE", "OpaqueRef:v", "halted", "running"]}
    assert json_reply("error.v1.json") == {"result": None, "error": ["VM_BAD_POWER_STATE", "OpaqueRef:v", "halted",
                                                                      "running"], "id": 13}
    assert json_reply("error.v2.json") == {"jsonrpc": "2.0", "error": {"code": 1, "message": "VM_BAD_POWER_STATE",
                                           "data": ["OpaqueRef:v", "halted", "running"]}, "id": 13}


for name, fn in [("every reply parses", every_file_parses), ("VM record over XML-RPC", vm_record_xml),
                 ("VM record: JSON and XML agree", vm_record_json_matches_xml),
                 ("event batch over XML-RPC", event_batch_xml), ("event batch over JSON-RPC", event_batch_json),
                 ("scalars", scalars), ("escapes", escapes), ("nested maps, sets", nested), ("errors", errors)]:
    check(name, fn)
print(f"1..{count}")
sys.exit(1 if failed else 0)
