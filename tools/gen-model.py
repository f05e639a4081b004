#!/usr/bin/env python3
"""Import the XenAPI classes OVCP serves from the XenAPI datamodel dump.

Usage: tools/gen-model.py DATAMODEL.json > src/xapi/model_table.c

The output is committed and is the single declaration of the object model:
after the import it is maintained by hand (adding a field is one line).
This script only records how the first version was made.
"""
import json
import sys

CLASSES = ("session pool host host_metrics VM VM_metrics VM_guest_metrics VBD VDI "
           "SR PBD VIF network PIF VLAN console task event message subject role").split()

ROLE_BITS = [("pool-admin", "R_PA"), ("pool-operator", "R_PO"),
             ("vm-power-admin", "R_VPA"), ("vm-admin", "R_VA"),
             ("vm-operator", "R_VO"), ("read-only", "R_RO"),
             ("client-cert", "R_CC")]
NAMED = {
    ("R_PA",): "ROLES_POOL_ADMIN",
    ("R_PA", "R_PO"): "ROLES_POOL_OPERATOR",
    ("R_PA", "R_PO", "R_VPA"): "ROLES_VM_POWER_ADMIN",
    ("R_PA", "R_PO", "R_VPA", "R_VA"): "ROLES_VM_ADMIN",
    ("R_PA", "R_PO", "R_VPA", "R_VA", "R_VO"): "ROLES_VM_OPERATOR",
    ("R_PA", "R_PO", "R_VPA", "R_VA", "R_VO", "R_RO"): "ROLES_READ_ONLY",
    ("R_PA", "R_PO", "R_VPA", "R_VA", "R_VO", "R_RO", "R_CC"): "ROLES_ALL",
    ("R_PA", "R_PO", "R_VPA", "R_VA", "R_VO", "R_CC"): "ROLES_VM_OPERATOR | R_CC",
}
# OVCP extensions to XenAPI's messages (documented in docs/API.md): local users.
EXTRA_MESSAGES = {
    "subject": [
        {"name": "create_local_user", "result": "subject ref",
         "params": [{"name": "username", "type": "string"}, {"name": "password", "type": "string"},
                    {"name": "roles", "type": "string set"}],
         "roles": ["pool-admin"], "lifecycle": "Published_s"},
        {"name": "set_local_password", "result": "void",
         "params": [{"name": "subject", "type": "subject ref"}, {"name": "password", "type": "string"}],
         "roles": ["pool-admin"], "lifecycle": "Published_s"},
    ],
}
for _msgs in EXTRA_MESSAGES.values():
    for _m in _msgs:
        _m["params"].insert(0, {"name": "session_id", "type": "session ref"})
        _m["errors"] = []

QUAL = {"RW": "FQ_RW", "RO/constructor": "FQ_RO_CONSTRUCTOR", "RO/runtime": "FQ_RO_RUNTIME"}


def roles(lst):
    bits = tuple(b for name, b in ROLE_BITS if name in lst)
    if not bits:
        return "0"
    return NAMED.get(bits, " | ".join(bits))


def cstr(s):
    if s is None:
        return "NULL"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def live(item):
    return not item["lifecycle"].startswith("Removed")


def main():
    model = json.load(open(sys.argv[1]))
    byname = {c["name"]: c for c in model}
    out = sys.stdout
    out.write("/*\n * The XenAPI object model served by OVCP: every class, field and message,\n"
              " * with XenAPI's names, types, qualifiers, defaults and the roles allowed.\n"
              " * Everything else (records, codecs, generic calls, RBAC, events, CLI\n"
              " * columns) is derived from these tables. First imported from the XenAPI\n"
              " * datamodel by tools/gen-model.py; maintained by hand since.\n */\n")
    out.write('#include "xapi/model.h"\n\n')
    enums = {}
    for cname in CLASSES:
        c = byname[cname]
        for e in c.get("enums", []):
            enums.setdefault(e["name"], e["values"])
        msgs = {m["name"]: m for m in c["messages"] if live(m)}
        out.write(f"/* ---- {cname} ---- */\n")
        out.write(f"static struct model_field fields_{cname}[] = {{\n")
        nf = 0
        for f in c["fields"]:
            if not live(f):
                continue
            n = f["name"]
            get = msgs.get("get_" + n)
            put = msgs.get("set_" + n)
            mod = msgs.get("add_to_" + n) or msgs.get("add_" + n)
            flags = []
            if f["lifecycle"].startswith("Deprecated"):
                flags.append("FF_DEPRECATED")
            out.write(f"\t{{ {cstr(n)}, {cstr(f['type'])}, {QUAL[f['qualifier']]}, {cstr(f.get('default'))}, "
                      f"{roles(get['roles']) if get else 'ROLES_ALL'}, {roles(put['roles']) if put else '0'}, "
                      f"{roles(mod['roles']) if mod else '0'}, {' | '.join(flags) or '0'} }},\n")
            nf += 1
        out.write("};\n\n")
        generic = set()
        for f in c["fields"]:
            generic.add("set_" + f["name"])
            if f["type"].endswith(" map"):
                generic.update(("add_to_" + f["name"], "remove_from_" + f["name"]))
            if f["type"].endswith(" set"):
                generic.update(("add_" + f["name"], "remove_" + f["name"]))
        # Explicit messages that are a field's setter or map/set operation are
        # served by the generic calls derived from the field.
        explicit = [m for m in c["messages"] if live(m) and not m.get("implicit")
                    and m["name"] not in generic] + EXTRA_MESSAGES.get(cname, [])
        for m in explicit:
            ps = [p for p in m["params"] if p["name"] != "session_id"]
            if ps:
                out.write(f"static const struct model_param params_{cname}_{m['name']}[] = {{ "
                          + ", ".join(f"{{ {cstr(p['name'])}, {cstr(p['type'])}{'' if p.get('required', True) else ', true'} }}" for p in ps) + " };\n")
        out.write(f"static struct model_message messages_{cname}[] = {{\n")
        for m in explicit:
            ps = [p for p in m["params"] if p["name"] != "session_id"]
            flags = []
            if not any(p["name"] == "session_id" for p in m["params"]):
                flags.append("MF_NO_SESSION")
            if m["lifecycle"].startswith("Deprecated"):
                flags.append("MF_DEPRECATED")
            pname = f"params_{cname}_{m['name']}" if ps else "NULL"
            out.write(f"\t{{ {cstr(m['name'])}, {cstr(m['result'])}, {pname}, {len(ps)}, "
                      f"{roles(m['roles'])}, {' | '.join(flags) or '0'} }},\n")
        out.write("};\n\n")
    out.write("/* ---- enums ---- */\n")
    for name in sorted(enums):
        out.write(f"static const char *const enum_{name}[] = {{ "
                  + ", ".join(cstr(v) for v in enums[name]) + ", NULL };\n")
    out.write("\nconst struct model_enum model_enums[] = {\n")
    for name in sorted(enums):
        out.write(f"\t{{ {cstr(name)}, enum_{name} }},\n")
    out.write("\t{ NULL, NULL },\n};\n\n")
    out.write("struct model_class model_classes[] = {\n")
    for cname in CLASSES:
        c = byname[cname]
        msgs = {m["name"]: m for m in c["messages"] if live(m) and m.get("implicit")}
        cflags = []
        for k, fl in (("create", "CF_CREATE"), ("destroy", "CF_DESTROY"),
                      ("get_by_name_label", "CF_BY_NAME_LABEL"), ("get_record", "CF_RECORD"),
                      ("get_all", "CF_GET_ALL")):
            if k in msgs:
                cflags.append(fl)
        cr = roles(msgs["create"]["roles"]) if "create" in msgs else "0"
        de = roles(msgs["destroy"]["roles"]) if "destroy" in msgs else "0"
        out.write(f"\t{{ {cstr(cname)}, fields_{cname}, MODEL_COUNT(fields_{cname}), "
                  f"messages_{cname}, MODEL_COUNT(messages_{cname}), {cr}, {de}, "
                  f"{' | '.join(cflags) or '0'} }},\n")
    out.write("};\n\nconst size_t model_class_count = MODEL_COUNT(model_classes);\n")


if __name__ == "__main__":
    main()
