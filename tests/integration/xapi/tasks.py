"""Async.* calls and tasks: immediate task ref, success with an XML-RPC
<value> result, failure with error_info, cancel, events, destroy."""
import re
import time
import xmlrpc.client

from ovcptest import Daemon, Tap, XapiError, eq, expect_error, ok, minimal_vm, wait_until

t = Tap()
D = Daemon()
S = {}


def root():
    return S["root"]


def wait_task(task, timeout=10.0):
    def done():
        st = root().call("task.get_status", task)
        return st if st not in ("pending", "cancelling") else None
    st = wait_until(done, timeout)
    ok(st, "task %s still pending after %.0f s" % (task, timeout))
    return root().call("task.get_record", task)


def value_fragment(text):
    """Parse an XML-RPC <value> fragment into a Python value."""
    params, _ = xmlrpc.client.loads("<?xml version='1.0'?><methodResponse><params><param>%s</param></params>"
                                    "</methodResponse>" % text)
    return params[0]


@t.test("daemon starts")
def _():
    D.start()
    S["root"] = D.login()


@t.test("Async.VM.create returns a task ref at once")
def _():
    t0 = time.monotonic()
    task = root().call("Async.VM.create", minimal_vm("async-vm"))
    ok(time.monotonic() - t0 < 0.5, "took %.2f s" % (time.monotonic() - t0))
    ok(re.fullmatch(r"OpaqueRef:[0-9a-f-]{36}", task), "ref %r" % task)
    ok(task in root().call("task.get_all"), "not in task.get_all")
    S["task"] = task


@t.test("the task reaches success; result is an XML <value> fragment holding the new VM's ref")
def _():
    rec = wait_task(S["task"])
    eq(rec["status"], "success", "status")
    res = rec["result"]
    ok(res.lstrip().startswith("<value>"), "result %r" % res)
    vm = value_fragment(res)
    ok(re.fullmatch(r"OpaqueRef:[0-9a-f-]{36}", vm), "ref in result %r" % vm)
    eq(root().call("VM.get_name_label", vm), "async-vm", "the VM exists")
    eq(rec["error_info"], [], "error_info")
    S["async_vm"] = vm


@t.test("finished task record: progress 1, created <= finished, resident_on this host, name")
def _():
    rec = root().call("task.get_record", S["task"])
    eq(rec["progress"], 1.0, "progress")
    ok(re.fullmatch(r"\d{8}T\d\d:\d\d:\d\dZ", rec["created"]), "created %r" % rec["created"])
    ok(re.fullmatch(r"\d{8}T\d\d:\d\d:\d\dZ", rec["finished"]), "finished %r" % rec["finished"])
    ok(rec["created"] <= rec["finished"], "created after finished")
    ok(not rec["finished"].startswith("1970"), "finished never set")
    eq(rec["resident_on"], root().call("host.get_all")[0], "resident_on")
    ok("VM.create" in rec["name_label"], "name_label %r" % rec["name_label"])


@t.test("the task result over XML-RPC is the same fragment string")
def _():
    x = D.xml()
    s = x.call("session.login_with_password", "root", D.root_password)
    res = x.call("task.get_result", s, S["task"])
    eq(value_fragment(res), S["async_vm"], "ref")


@t.test("Async.message.create: task success, result holds the message ref")
def _():
    task = root().call("Async.message.create", "ASYNC_MSG", 2, "Pool", "", "hello")
    rec = wait_task(task)
    eq(rec["status"], "success", "status")
    ref = value_fragment(rec["result"])
    ok(ref in root().call("message.get_all_records"), "message %r not listed" % ref)


@t.test("a failing Async call ends in status failure with error_info")
def _():
    bad = minimal_vm("async-bad")
    del bad["VCPUs_max"]
    task = root().call("Async.VM.create", bad)
    rec = wait_task(task)
    eq(rec["status"], "failure", "status")
    eq(rec["error_info"][:1], ["FIELD_TYPE_ERROR"], "error_info")
    eq(rec["result"], "", "result")


@t.test("Async.VM.destroy of an unknown ref: task failure HANDLE_INVALID")
def _():
    task = root().call("Async.VM.destroy", "OpaqueRef:NULL")
    rec = wait_task(task)
    eq(rec["status"], "failure", "status")
    eq(rec["error_info"], ["HANDLE_INVALID", "VM", "OpaqueRef:NULL"], "error_info")


@t.test("task.cancel of a finished task -> error, status unchanged")
def _():
    try:
        root().call("task.cancel", S["task"])
        raise AssertionError("cancel of a finished task succeeded")
    except XapiError as e:
        S["cancel_error"] = e.desc
    eq(root().call("task.get_status", S["task"]), "success", "status")


@t.test("a task appears in event.from as add, then mod (task.create + set_progress)")
def _():
    tok = root().call("event.from", ["task"], "", 0.0)["token"]
    task = root().call("task.create", "manual", "a manual task")
    b = root().call("event.from", ["task"], tok, 2.0)
    ev = [e for e in b["events"] if e["ref"] == task]
    eq([e["operation"] for e in ev], ["add"], "first batch")
    eq(ev[0]["snapshot"]["status"], "pending", "status")
    root().call("task.set_progress", task, 0.5)
    b = root().call("event.from", ["task"], b["token"], 2.0)
    ev = [e for e in b["events"] if e["ref"] == task]
    eq([e["operation"] for e in ev], ["mod"], "second batch")
    eq(ev[0]["snapshot"]["progress"], 0.5, "progress")
    S["manual"] = task


@t.test("an Async task is followed through event.from to success")
def _():
    tok = root().call("event.from", ["task"], "", 0.0)["token"]
    task = root().call("Async.VM.create", minimal_vm("async-ev"))
    ops, status = [], None
    deadline = time.monotonic() + 10
    while status != "success" and time.monotonic() < deadline:
        b = root().call("event.from", ["task"], tok, 2.0)
        tok = b["token"]
        for e in b["events"]:
            if e["ref"] == task:
                ops.append(e["operation"])
                status = e["snapshot"]["status"]
    eq(status, "success", "final status seen in events")
    eq(ops[0], "add", "first event")
    ok(all(o == "mod" for o in ops[1:]), "later events %r" % ops)


@t.test("task.destroy removes the task (HANDLE_INVALID after, del event)")
def _():
    tok = root().call("event.from", ["task"], "", 0.0)["token"]
    root().call("task.destroy", S["manual"])
    ok(S["manual"] not in root().call("task.get_all"), "still listed")
    e = expect_error(root().call, "HANDLE_INVALID", "task.get_record", S["manual"])
    eq(e.params, ["task", S["manual"]], "params")
    b = root().call("event.from", ["task"], tok, 2.0)
    eq([e["operation"] for e in b["events"] if e["ref"] == S["manual"]], ["del"], "events")


@t.test("Async with a bad session -> SESSION_INVALID at once, no task")
def _():
    before = len(root().call("task.get_all"))
    expect_error(D.json().call, "SESSION_INVALID", "Async.VM.create", "OpaqueRef:NULL", minimal_vm("x"))
    eq(len(root().call("task.get_all")), before, "tasks")


@t.test("Async of a method that has no async form -> MESSAGE_METHOD_UNKNOWN")
def _():
    expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", "Async.VM.get_record", S["async_vm"])
    expect_error(root().call, "MESSAGE_METHOD_UNKNOWN", "Async.session.logout")


@t.test("Async call by a role without the permission is denied (at once or as a failed task)")
def _():
    root().call("subject.create_local_user", "ro", "pw-ro", ["read-only"])
    s = D.login("ro", "pw-ro")
    before = len(root().call("VM.get_all"))
    try:
        task = s.call("Async.VM.create", minimal_vm("denied"))
    except XapiError as e:
        eq(e.code, "RBAC_PERMISSION_DENIED", "code")
    else:
        rec = wait_task(task)
        eq(rec["error_info"][:1], ["RBAC_PERMISSION_DENIED"], "error_info")
    eq(len(root().call("VM.get_all")), before, "no VM created")


@t.test("many Async calls at once all complete")
def _():
    tasks = [root().call("Async.VM.create", minimal_vm("burst-%d" % i)) for i in range(20)]
    for task in tasks:
        eq(wait_task(task)["status"], "success", task)
    eq(len(root().call("VM.get_by_name_label", "burst-7")), 1, "burst-7")


if __name__ == "__main__":
    t.main()
