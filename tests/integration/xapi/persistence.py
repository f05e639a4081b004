"""Persistence: a clean restart keeps everything; kill -9 in the middle of
acknowledged writes loses none of them and leaves no half records."""
import threading
import time

from ovcptest import Daemon, Tap, XapiError, eq, expect_error, ok, minimal_vm, minimal_vbd

t = Tap()
D = Daemon()
S = {}


@t.test("daemon starts; objects, a user, a session and pool other_config made")
def _():
    D.start()
    r = S["root"] = D.login()
    S["pool"] = r.call("pool.get_all")[0]
    S["host"] = r.call("host.get_all")[0]
    S["vms"] = [r.call("VM.create", minimal_vm("keep-%d" % i, other_config={"i": str(i)})) for i in range(5)]
    S["vbd"] = r.call("VBD.create", minimal_vbd(S["vms"][0]))
    r.call("VM.add_tags", S["vms"][1], "kept-tag")
    r.call("pool.add_to_other_config", S["pool"], "persist-key", "persist-value")
    S["subject"] = r.call("subject.create_local_user", "keeper", "pw-keeper", ["vm-admin"])
    S["user_session"] = D.login("keeper", "pw-keeper")
    S["records"] = {vm: r.call("VM.get_record", vm) for vm in S["vms"]}
    S["roles"] = r.call("role.get_all_records")
    S["token"] = r.call("event.from", ["vm"], "", 0.0)["token"]


@t.test("clean restart (SIGTERM, start): exit status 0")
def _():
    eq(D.stop(), 0, "exit status")
    D.start()


@t.test("after restart: VMs and VBD relations kept, records identical")
def _():
    r = S["root"]
    for vm, rec in S["records"].items():
        eq(r.call("VM.get_record", vm), rec, "VM " + vm)
    eq(r.call("VBD.get_VM", S["vbd"]), S["vms"][0], "VBD.VM")
    eq(r.call("VM.get_tags", S["vms"][1]), ["kept-tag"], "tags")


@t.test("after restart: sessions made before it still work (root and a user)")
def _():
    S["root"].call("pool.get_all")
    S["user_session"].call("VM.set_name_label", S["vms"][2], "renamed-after-restart")


@t.test("after restart: users log in, roles and pool other_config kept, same host")
def _():
    r = S["root"]
    D.login("keeper", "pw-keeper")
    eq(r.call("role.get_all_records"), S["roles"], "roles")
    eq(r.call("pool.get_other_config", S["pool"]).get("persist-key"), "persist-value", "pool other_config")
    eq(r.call("host.get_all"), [S["host"]], "host")
    eq(r.call("pool.get_all"), [S["pool"]], "pool")
    eq(len(r.call("role.get_all")), 6, "no duplicate roles made by the second start")


@t.test("after restart: an event token from before the restart still works (changes since, or all)")
def _():
    b = S["root"].call("event.from", ["vm"], S["token"], 0.0)
    ok(any(e["ref"] == S["vms"][2] for e in b["events"]), "the rename after the token is not reported")


def writer(state, stop):
    """Acknowledged writes until the server dies: label = counter, every 4th a VM + VBD."""
    s = state["session"]
    i = 0
    while not stop.is_set():
        i += 1
        try:
            s.call("VM.set_name_label", state["vm"], str(i))
            state["acked_label"] = i
            if i % 4 == 0:
                vm = s.call("VM.create", minimal_vm("crash-%d" % i))
                state["acked_vms"].append(vm)
                vbd = s.call("VBD.create", minimal_vbd(vm))
                state["acked_vbds"].append((vbd, vm))
        except (XapiError, OSError, RuntimeError, ValueError) as e:
            state["stopped_by"] = repr(e)
            return
        except Exception as e:  # http.client errors when the peer vanishes
            state["stopped_by"] = repr(e)
            return


def crash_cycle(seconds):
    r = S["root"]
    vm = r.call("VM.create", minimal_vm("0"))
    state = {"session": D.login(), "vm": vm, "acked_label": 0, "acked_vms": [], "acked_vbds": []}
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(state, stop))]
    # a second writer on its own VM, so two connections write at once
    vm2 = r.call("VM.create", minimal_vm("0"))
    state2 = {"session": D.login(), "vm": vm2, "acked_label": 0, "acked_vms": [], "acked_vbds": []}
    threads.append(threading.Thread(target=writer, args=(state2, stop)))
    for th in threads:
        th.start()
    time.sleep(seconds)
    D.kill()
    stop.set()
    for th in threads:
        th.join(10)
    ok(state["acked_label"] > 10, "only %d writes before the kill" % state["acked_label"])
    D.start()
    return [state, state2]


def check_after_crash(states):
    r = S["root"]
    for st in states:
        label = r.call("VM.get_name_label", st["vm"])
        ok(label.isdigit() and int(label) >= st["acked_label"],
           "label %r < last acknowledged %d" % (label, st["acked_label"]))
        ok(int(label) <= st["acked_label"] + 1, "label %r beyond anything written" % label)
        all_vms = set(r.call("VM.get_all"))
        missing = [v for v in st["acked_vms"] if v not in all_vms]
        eq(missing, [], "acknowledged VMs lost")
        all_vbds = set(r.call("VBD.get_all"))
        missing = [b for b, _ in st["acked_vbds"] if b not in all_vbds]
        eq(missing, [], "acknowledged VBDs lost")


def check_consistent():
    r = S["root"]
    vms = r.call("VM.get_all_records")
    vbds = r.call("VBD.get_all_records")
    keysets = {frozenset(rec) for rec in vms.values()}
    eq(len(keysets), 1, "VM records with differing field sets")
    full = set(next(iter(S["records"].values())))
    eq(set(next(iter(keysets))), full, "VM field set")
    bad = []
    for ref, vbd in vbds.items():
        if vbd["VM"] not in vms:
            bad.append("VBD %s -> missing VM %s" % (ref, vbd["VM"]))
        elif ref not in vms[vbd["VM"]]["VBDs"]:
            bad.append("VBD %s not in its VM's VBDs" % ref)
    for ref, vm in vms.items():
        for vbd in vm["VBDs"]:
            if vbd not in vbds:
                bad.append("VM %s lists missing VBD %s" % (ref, vbd))
            elif vbds[vbd]["VM"] != ref:
                bad.append("VM %s lists VBD %s of VM %s" % (ref, vbd, vbds[vbd]["VM"]))
    eq(bad, [], "relations")


@t.test("kill -9 during acknowledged writes: restart works")
def _():
    S["crash1"] = crash_cycle(1.5)
    for i, st in enumerate(S["crash1"]):
        t.diag("writer %d: %d labels, %d VMs acknowledged; stopped by %s"
               % (i, st["acked_label"], len(st["acked_vms"]), st.get("stopped_by", "?")[:80]))


@t.test("after kill -9: every acknowledged write present (label >= last acknowledged, creates kept)")
def _():
    check_after_crash(S["crash1"])


@t.test("after kill -9: no half records; VBD/VM relations consistent")
def _():
    check_consistent()


@t.test("after kill -9: sessions from before the crash still work")
def _():
    S["root"].call("pool.get_all")
    for st in S["crash1"]:
        st["session"].call("VM.get_name_label", st["vm"])


@t.test("second kill -9 cycle: acknowledged writes kept, records consistent")
def _():
    states = crash_cycle(1.0)
    check_after_crash(states)
    check_consistent()


@t.test("after the crashes: writes work and a clean stop exits 0")
def _():
    r = S["root"]
    vm = r.call("VM.create", minimal_vm("post-crash"))
    r.call("VM.destroy", vm)
    expect_error(r.call, "HANDLE_INVALID", "VM.get_record", vm)
    eq(D.stop(), 0, "exit status")


if __name__ == "__main__":
    t.main()
