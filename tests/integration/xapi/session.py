"""Sessions: login forms, failures, logout, idle expiry, this_host/this_user,
change_password, and the local unix socket's trust of root."""
import os
import time

from ovcptest import Daemon, Tap, eq, expect_error, ok, ROOT_PASSWORD

t = Tap()
D = Daemon()
S = {}


@t.test("daemon starts")
def _():
    D.start()
    S["root"] = D.login()


@t.test("login with 2, 3 and 4 parameters (version and originator optional)")
def _():
    c = D.json()
    for params in (("root", ROOT_PASSWORD), ("root", ROOT_PASSWORD, "1.0"),
                   ("root", ROOT_PASSWORD, "1.0", "ovcptest-originator")):
        ref = c.call("session.login_with_password", *params)
        ok(ref.startswith("OpaqueRef:"), "%d params: %r" % (len(params), ref))
    eq(c.call("session.get_originator", ref, ref), "ovcptest-originator", "originator kept")


@t.test("each login makes a distinct session")
def _():
    c = D.json()
    a = c.call("session.login_with_password", "root", ROOT_PASSWORD)
    b = c.call("session.login_with_password", "root", ROOT_PASSWORD)
    ok(a != b, "same ref twice")


@t.test("wrong password -> SESSION_AUTHENTICATION_FAILED")
def _():
    e = expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password", "root", "nope")
    eq(e.params[:1], ["root"], "first param is the user name")


@t.test("unknown user -> SESSION_AUTHENTICATION_FAILED (same as a wrong password)")
def _():
    e = expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password",
                     "nobody-here", "x")
    eq(e.params[:1], ["nobody-here"], "first param is the user name")


@t.test("empty password refused for root over TCP")
def _():
    expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password", "root", "")


@t.test("logout, then reuse -> SESSION_INVALID [ref]")
def _():
    s = D.login()
    s.call("pool.get_all")
    s.call("session.logout")
    e = expect_error(s.call, "SESSION_INVALID", "pool.get_all")
    eq(e.params, [s.ref], "params")


@t.test("logout of one session leaves the user's other sessions valid")
def _():
    a = D.login()
    b = D.login()
    a.call("session.logout")
    b.call("pool.get_all")
    S["root"].call("pool.get_all")


@t.test("garbage session refs -> SESSION_INVALID")
def _():
    c = D.json()
    for bad in ("garbage", "OpaqueRef:00000000-0000-0000-0000-000000000000", "OpaqueRef:NULL", ""):
        expect_error(c.call, "SESSION_INVALID", "pool.get_all", bad)
    expect_error(c.call, "SESSION_INVALID", "pool.get_all", 42)


@t.test("session.get_this_host is the pool master")
def _():
    s = S["root"]
    h = s.call("session.get_this_host", s.ref)
    hosts = s.call("host.get_all")
    eq(hosts, [h], "host.get_all")
    pool = s.call("pool.get_all")[0]
    eq(s.call("pool.get_master", pool), h, "pool master")


@t.test("session record: this_host, originator, is_local_superuser, last_active")
def _():
    s = D.login()
    rec = s.call("session.get_record", s.ref)
    eq(rec["this_host"], s.call("session.get_this_host", s.ref), "this_host")
    eq(rec["originator"], "ovcptest", "originator")
    eq(rec["is_local_superuser"], True, "is_local_superuser")
    ok(rec["last_active"].endswith("Z"), "last_active %r" % rec["last_active"])


@t.test("session.get_this_user: a ref (a local user's subject)")
def _():
    s = S["root"]
    ok(s.call("session.get_this_user", s.ref).startswith("OpaqueRef:"), "root")
    subj = s.call("subject.create_local_user", "sally", "sally-pw", ["read-only"])
    u = D.login("sally", "sally-pw")
    eq(u.call("session.get_this_user", u.ref), subj, "sally's subject")
    rec = u.call("session.get_record", u.ref)
    eq(rec["subject"], subj, "session.subject")
    eq(rec["is_local_superuser"], False, "is_local_superuser")


@t.test("another user's session is invisible (HANDLE_INVALID)")
def _():
    u = D.login("sally", "sally-pw")
    expect_error(u.call, "HANDLE_INVALID", "session.get_record", S["root"].ref)


@t.test("change_password: wrong old refused, new works, old no longer works")
def _():
    s = D.login()
    expect_error(s.call, "SESSION_AUTHENTICATION_FAILED", "session.change_password", "not-the-old", "newpw-1")
    D.login()  # unchanged: still logs in with the old one
    s.call("session.change_password", ROOT_PASSWORD, "newpw-1")
    D.login("root", "newpw-1")
    expect_error(D.json().call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password",
                 "root", ROOT_PASSWORD)
    s.call("session.change_password", "newpw-1", ROOT_PASSWORD)
    D.login()


@t.test("unix socket: root (peer uid 0) logs in without a password")
def _():
    if os.geteuid() != 0:
        from ovcptest import Skip
        raise Skip("needs uid 0")
    u = D.unix()
    ref = u.call("session.login_with_password", "root", "")
    ok(ref.startswith("OpaqueRef:"), "ref %r" % ref)
    eq(u.call("session.get_is_local_superuser", ref, ref), True, "superuser")
    ok(len(u.call("pool.get_all", ref)) == 1, "pool.get_all")
    ref = u.call("session.login_with_password", "root", "any-wrong-password")
    ok(ref.startswith("OpaqueRef:"), "with a wrong password too")


@t.test("unix socket: a local non-root user still needs the right password")
def _():
    u = D.unix()
    expect_error(u.call, "SESSION_AUTHENTICATION_FAILED", "session.login_with_password", "sally", "wrong")
    ok(u.call("session.login_with_password", "sally", "sally-pw").startswith("OpaqueRef:"), "right password")


E = Daemon(session_timeout=2)


@t.test("idle expiry (--session-timeout 2): unused 3 s -> SESSION_INVALID; used every second stays valid")
def _():
    E.start()
    idle = E.login()
    busy = E.login()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 3.4:
        busy.call("pool.get_all")
        time.sleep(0.8)
    expect_error(idle.call, "SESSION_INVALID", "pool.get_all")
    busy.call("pool.get_all")
    E.stop()


if __name__ == "__main__":
    t.main()
