"""event.from / event.inject: subscriptions, tokens, add/mod/del, timeouts,
wake-ups, errors, the Xen Orchestra barrier, and sessions kept out."""
import threading
import time

from ovcptest import Daemon, Tap, eq, expect_error, ok, minimal_vm, ROOT_PASSWORD

t = Tap()
D = Daemon()
S = {}


def root():
    return S["root"]


def evfrom(classes, token, timeout=0.0, session=None):
    return (session or root()).call("event.from", classes, token, float(timeout))


def current_token():
    return evfrom(["*"], "", 0.0)["token"]


def events_for(batch, ref):
    return [e for e in batch["events"] if e["ref"] == ref]


def wait_event(classes, token, pred, timeout=5.0):
    """Loop event.from until an event matches pred; returns (event, token)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        b = evfrom(classes, token, max(0.1, deadline - time.monotonic()))
        token = b["token"]
        for e in b["events"]:
            if pred(e):
                return e, token
    return None, token


@t.test("daemon starts")
def _():
    D.start()
    S["root"] = D.login()
    S["pool"] = root().call("pool.get_all")[0]
    S["vm"] = root().call("VM.create", minimal_vm("ev-vm"))


@t.test("empty token with '*': every current object as add, class names lower case")
def _():
    b = evfrom(["*"], "")
    ok(set(b) >= {"events", "valid_ref_counts", "token"}, "keys %r" % sorted(b))
    ops = {e["operation"] for e in b["events"]}
    eq(ops, {"add"}, "operations")
    seen = {(e["class"], e["ref"]) for e in b["events"]}
    ok(("pool", S["pool"]) in seen, "pool add missing")
    ok(("vm", S["vm"]) in seen, "vm add missing")
    host = root().call("host.get_all")[0]
    ok(("host", host) in seen, "host add missing")
    for e in b["events"]:
        eq(e["class"], e["class"].lower(), "class name case")


@t.test("add event carries the object's snapshot equal to get_record")
def _():
    b = evfrom(["vm"], "")
    ev = events_for(b, S["vm"])
    eq(len(ev), 1, "events for the VM")
    eq(ev[0]["snapshot"], root().call("VM.get_record", S["vm"]), "snapshot")
    ok("id" in ev[0] and "timestamp" in ev[0], "id/timestamp fields")


@t.test("valid_ref_counts: per subscribed class, the number of live objects")
def _():
    b = evfrom(["vm", "pool"], "")
    vrc = b["valid_ref_counts"]
    eq(int(vrc.get("vm", -1)), len(root().call("VM.get_all")), "vm count")
    eq(int(vrc.get("pool", -1)), 1, "pool count")


@t.test("class 'vm' and 'VM' (case-insensitive) give only VM events")
def _():
    for cls in ("vm", "VM", "Vm"):
        b = evfrom([cls], "")
        eq({e["class"] for e in b["events"]}, {"vm"}, cls)
        ok(any(e["ref"] == S["vm"] for e in b["events"]), cls + ": the VM")


@t.test("'vm/REF' subscribes to one object")
def _():
    other = root().call("VM.create", minimal_vm("ev-other"))
    b = evfrom(["vm/" + S["vm"]], "")
    eq({e["ref"] for e in b["events"]}, {S["vm"]}, "refs")
    tok = b["token"]
    root().call("VM.set_name_label", other, "changed-other")
    root().call("VM.set_name_label", S["vm"], "changed-mine")
    e, _ = wait_event(["vm/" + S["vm"]], tok, lambda e: True, 3)
    ok(e is not None and e["ref"] == S["vm"], "first event %r" % (e,))
    root().call("VM.destroy", other)


@t.test("token from a previous call: only later changes; mod carries the new value")
def _():
    tok = current_token()
    b = evfrom(["vm"], tok, 0.0)
    eq(b["events"], [], "nothing changed yet")
    root().call("VM.set_name_description", S["vm"], "after-token")
    e, _ = wait_event(["vm"], tok, lambda e: e["ref"] == S["vm"])
    ok(e is not None, "no event")
    eq(e["operation"], "mod", "operation")
    eq(e["snapshot"]["name_description"], "after-token", "snapshot value")


@t.test("add, then mod, then del with snapshot, each after its own token")
def _():
    tok = current_token()
    vm = root().call("VM.create", minimal_vm("ev-life"))
    e, tok = wait_event(["vm"], tok, lambda e: e["ref"] == vm)
    eq(e and e["operation"], "add", "create")
    root().call("VM.set_name_label", vm, "ev-life-2")
    e, tok = wait_event(["vm"], tok, lambda e: e["ref"] == vm)
    eq(e and e["operation"], "mod", "set")
    eq(e["snapshot"]["name_label"], "ev-life-2", "mod snapshot")
    root().call("VM.destroy", vm)
    e, tok = wait_event(["vm"], tok, lambda e: e["ref"] == vm)
    eq(e and e["operation"], "del", "destroy")
    ok(isinstance(e.get("snapshot"), dict) and e["snapshot"].get("name_label") == "ev-life-2",
       "del snapshot %r" % (e.get("snapshot"),))


@t.test("an object created and changed within one batch is reported once, as add")
def _():
    tok = current_token()
    vm = root().call("VM.create", minimal_vm("ev-once"))
    root().call("VM.set_name_label", vm, "ev-once-2")
    b = evfrom(["vm"], tok, 0.0)
    ev = events_for(b, vm)
    eq([e["operation"] for e in ev], ["add"], "operations")
    eq(ev[0]["snapshot"]["name_label"], "ev-once-2", "latest state")
    root().call("VM.destroy", vm)


@t.test("timeout honoured when nothing changes (0.5 s): empty events, same or newer token")
def _():
    tok = current_token()
    t0 = time.monotonic()
    b = evfrom(["vm"], tok, 0.5)
    dt = time.monotonic() - t0
    eq(b["events"], [], "events")
    ok(0.4 <= dt <= 1.5, "returned after %.2f s" % dt)
    ok(b["token"], "a token")
    b2 = evfrom(["vm"], b["token"], 0.0)
    eq(b2["events"], [], "the returned token is usable and not older")


@t.test("a waiting event.from returns promptly (< 0.5 s) when another client changes something")
def _():
    tok = current_token()
    other = D.login()
    out = {}

    def waiter():
        t0 = time.monotonic()
        out["batch"] = evfrom(["vm"], tok, 10.0, session=D.login())
        out["t"] = time.monotonic()
        out["t0"] = t0

    th = threading.Thread(target=waiter)
    th.start()
    time.sleep(0.4)
    changed = time.monotonic()
    other.call("VM.set_name_label", S["vm"], "wake-up")
    th.join(12)
    ok("batch" in out, "event.from did not return")
    eq([e["ref"] for e in out["batch"]["events"]], [S["vm"]], "events")
    ok(out["t"] - changed < 0.5, "returned %.2f s after the change" % (out["t"] - changed))


@t.test("a waiting event.from on another class is not woken by a VM change")
def _():
    tok = current_token()
    out = {}

    def waiter():
        out["batch"] = evfrom(["network"], tok, 1.0, session=D.login())

    th = threading.Thread(target=waiter)
    th.start()
    time.sleep(0.2)
    root().call("VM.set_name_label", S["vm"], "not-for-network")
    th.join(5)
    eq(out["batch"]["events"], [], "network events")


@t.test("event.from accepts an integer timeout (JSON number without a fraction)")
def _():
    tok = current_token()
    b = root().call("event.from", ["vm"], tok, 0)
    eq(b["events"], [], "events")


@t.test("bad token -> EVENT_FROM_TOKEN_PARSE_FAILURE [token]")
def _():
    for bad in ("garbage", "-5", "1.2.3"):
        e = expect_error(evfrom, "EVENT_FROM_TOKEN_PARSE_FAILURE", ["vm"], bad, 0.0)
        eq(e.params, [bad], "params")


@t.test("bad class -> EVENT_SUBSCRIPTION_PARSE_FAILURE")
def _():
    expect_error(evfrom, "EVENT_SUBSCRIPTION_PARSE_FAILURE", ["nosuchclass"], "", 0.0)
    expect_error(evfrom, "EVENT_SUBSCRIPTION_PARSE_FAILURE", ["vm", "bogus/OpaqueRef:NULL"], "", 0.0)


@t.test("event.inject returns a token after which event.from gives the injected mod")
def _():
    tok = root().call("event.inject", "pool", S["pool"])
    ok(isinstance(tok, str) and tok, "token %r" % (tok,))
    b = evfrom(["pool"], tok, 2.0)
    ev = events_for(b, S["pool"])
    ok(ev, "no pool event after the injected token")
    eq(ev[0]["operation"], "mod", "operation")
    eq(ev[0]["class"], "pool", "class")


@t.test("event.inject on an unknown ref -> HANDLE_INVALID")
def _():
    expect_error(root().call, "HANDLE_INVALID", "event.inject", "pool", "OpaqueRef:NULL")


@t.test("Xen Orchestra barrier: pool.add_to_other_config key, wait for the pool mod carrying it; remove")
def _():
    tok = evfrom(["pool"], "", 0.0)["token"]
    key = "xo:barrier:%d" % int(time.time() * 1000)
    root().call("pool.add_to_other_config", S["pool"], key, "")
    e, tok = wait_event(["pool"], tok,
                        lambda e: e["ref"] == S["pool"] and key in e["snapshot"]["other_config"], 3)
    ok(e is not None, "no pool mod carrying the barrier key")
    eq(e["operation"], "mod", "operation")
    root().call("pool.remove_from_other_config", S["pool"], key)
    root().call("pool.remove_from_other_config", S["pool"], key)  # missing key: must succeed
    e, tok = wait_event(["pool"], tok,
                        lambda e: e["ref"] == S["pool"] and key not in e["snapshot"]["other_config"], 3)
    ok(e is not None, "no pool mod after the removal")


@t.test("XO's start: login(2 params), inject(pool), get_all_records, event.from(classes, token, 60.1)")
def _():
    c = D.json()
    s = c.call("session.login_with_password", "root", ROOT_PASSWORD)
    pool = list(c.call("pool.get_all_records", s))[0]
    tok = c.call("event.inject", s, "pool", pool)
    classes = sorted({n.split(".")[0].lower() for n in c.call("system.listMethods")
                      if n.endswith(".get_all_records") and not n.startswith("Async.")})
    t0 = time.monotonic()
    b = c.call("event.from", s, classes, tok, 60.1)
    ok(time.monotonic() - t0 < 2, "event.from waited although the injected event was pending")
    ok(any(e["ref"] == pool for e in b["events"]), "pool event")


@t.test("sessions never appear in events")
def _():
    b = evfrom(["*"], "")
    eq([e for e in b["events"] if e["class"] == "session"], [], "session adds")
    tok = b["token"]
    D.login().call("session.logout")
    b = evfrom(["*"], tok, 0.3)
    eq([e for e in b["events"] if e["class"] == "session"], [], "session events after login/logout")
    expect_error(evfrom, "EVENT_SUBSCRIPTION_PARSE_FAILURE", ["session"], "", 0.0)


@t.test("event.from over XML-RPC: token string, ints as strings in snapshots")
def _():
    x = D.xml()
    s = x.call("session.login_with_password", "root", ROOT_PASSWORD)
    b = x.call("event.from", s, ["vm"], "", 0.1)
    ok(isinstance(b["token"], str), "token")
    ev = [e for e in b["events"] if e["ref"] == S["vm"]][0]
    eq(ev["snapshot"]["memory_static_max"], "268435456", "int as string")


@t.test("a read-only user can follow events")
def _():
    root().call("subject.create_local_user", "watcher", "pw-w", ["read-only"])
    w = D.login("watcher", "pw-w")
    b = evfrom(["vm"], "", 0.0, session=w)
    ok(any(e["ref"] == S["vm"] for e in b["events"]), "VM visible")


if __name__ == "__main__":
    t.main()
