"""ovcpd as a program: option check, refused listeners, generated root
password, HTTPS with its own certificate, SIGTERM and SIGHUP."""
import http.client
import json
import os
import signal
import ssl
import stat
import subprocess
import time

from ovcptest import Daemon, Tap, eq, ok, ovcpd_path, free_port, JsonRpc, wait_until, ROOT_PASSWORD

t = Tap()


def run(args, timeout=10):
    return subprocess.run([ovcpd_path()] + args, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@t.test("-n with good options exits 0 and prints OK")
def _():
    d = Daemon()
    d.port, d.tls_port = free_port(), free_port()
    r = run(["-n"] + d.argv()[2:])
    eq(r.returncode, 0, "exit status (stderr %r)" % r.stderr)
    ok("OK" in r.stdout, "stdout %r" % r.stdout)
    ok(not os.path.exists(d.state), "-n created the state directory")


@t.test("-n with a bad option exits non-zero with a message")
def _():
    for bad in (["--listen", "ftp://127.0.0.1:1"], ["--session-timeout", "0"], ["--no-such-option"],
                ["--listen", "http://127.0.0.1:notaport"]):
        r = run(["-n"] + bad)
        ok(r.returncode != 0, "%r accepted" % bad)
        ok(r.stderr.strip(), "%r: no message" % bad)


@t.test("--listen http://0.0.0.0:PORT is refused (non-zero exit, clear message), also without -n")
def _():
    port = free_port()
    r = run(["-n", "--listen", "http://0.0.0.0:%d" % port])
    ok(r.returncode != 0, "-n accepted plain HTTP on 0.0.0.0")
    ok("0.0.0.0" in r.stderr or "http" in r.stderr.lower(), "message %r" % r.stderr)
    d = Daemon()
    d.port = free_port()
    argv = d.argv()
    argv[argv.index("--listen") + 1] = "http://0.0.0.0:%d" % port
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise AssertionError("the daemon started with plain HTTP on 0.0.0.0")
    ok(p.returncode != 0, "exit status 0")


@t.test("first start without --root-password-file writes STATE/root-password mode 0600; it works")
def _():
    d = Daemon(root_password=None)
    d.start()
    try:
        path = os.path.join(d.state, "root-password")
        ok(os.path.exists(path), "no %s" % path)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        eq(oct(mode), oct(0o600), "mode")
        pw = open(path).read().strip()
        ok(len(pw) >= 12, "password %d chars" % len(pw))
        s = d.login("root", pw)
        ok(s.call("pool.get_all"), "pool.get_all")
        eq(stat.S_IMODE(os.stat(d.state).st_mode) & 0o077, 0, "state dir open to others")
    finally:
        d.stop()
    d.start()  # second start: the same password, not a new one
    try:
        eq(open(path).read().strip(), pw, "password rewritten")
        d.login("root", pw)
    finally:
        d.stop()


D = Daemon(https=True)


def https_conn(server_hostname):
    ctx = ssl.create_default_context(cafile=os.path.join(D.state, "tls", "host.crt"))
    ctx.check_hostname = True

    class Conn(http.client.HTTPSConnection):
        def connect(self):
            import socket
            sock = socket.create_connection(("127.0.0.1", D.tls_port), timeout=10)
            self.sock = ctx.wrap_socket(sock, server_hostname=server_hostname)

    return Conn("127.0.0.1", D.tls_port, context=ctx, timeout=10)


@t.test("HTTPS with the generated certificate: verified as 127.0.0.1 or localhost; login works")
def _():
    D.start()
    path = os.path.join(D.state, "tls", "host.crt")
    ok(os.path.exists(path), "no host.crt")
    errors = []
    for name in ("127.0.0.1", "localhost"):
        try:
            c = https_conn(name)
            body = json.dumps({"jsonrpc": "2.0", "method": "session.login_with_password",
                               "params": ["root", ROOT_PASSWORD], "id": 1})
            c.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            reply = json.loads(r.read())
            ok(reply["result"].startswith("OpaqueRef:"), "reply %r" % reply)
            c.close()
        except (ssl.SSLError, OSError) as e:
            errors.append("%s: %s" % (name, e))
    eq(errors, [], "verification")


@t.test("HTTPS key file is private (mode 0600 or stricter)")
def _():
    tls = os.path.join(D.state, "tls")
    keys = [f for f in os.listdir(tls) if "key" in f]
    ok(keys, "no key file in %r" % os.listdir(tls))
    for k in keys:
        eq(stat.S_IMODE(os.stat(os.path.join(tls, k)).st_mode) & 0o077, 0, k + " mode")


@t.test("plain HTTP spoken to the HTTPS port does not get a XenAPI answer")
def _():
    c = http.client.HTTPConnection("127.0.0.1", D.tls_port, timeout=5)
    try:
        c.request("POST", "/jsonrpc", json.dumps({"jsonrpc": "2.0", "method": "system.listMethods",
                                                  "params": [], "id": 1}), {"Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
        ok(b"system.listMethods" not in body, "served XenAPI over plain text on the TLS port")
    except (OSError, http.client.HTTPException):
        pass
    ok(D.alive(), "daemon died")


@t.test("SIGHUP reopens the log: rename it, HUP, a call, the new file has new lines")
def _():
    old = D.log + ".1"
    os.rename(D.log, old)
    D.signal(signal.SIGHUP)
    ok(wait_until(lambda: os.path.exists(D.log), 3), "no new log file after SIGHUP")
    ok(wait_until(lambda: os.path.getsize(D.log) > 0, 3), "new log is empty")
    old_size = os.path.getsize(old)
    D.login()
    JsonRpc(D.port).call("system.listMethods")
    eq(os.path.getsize(old), old_size, "the renamed log still grows")
    ok(D.alive(), "daemon died on SIGHUP")


@t.test("SIGTERM: exit status 0 and the unix socket file removed")
def _():
    ok(os.path.exists(D.sock), "socket file missing while running")
    D.signal(signal.SIGTERM)
    try:
        rc = D.proc.wait(10)
    except subprocess.TimeoutExpired:
        D.kill()
        raise AssertionError("did not stop within 10 s of SIGTERM")
    D._reap()
    eq(rc, 0, "exit status")
    ok(not os.path.exists(D.sock), "socket file left behind")


@t.test("SIGTERM while an event.from waits: the daemon still stops promptly")
def _():
    import threading
    D.start()
    s = D.login()

    def waiter():
        try:
            s.call("event.from", ["vm"], s.call("event.from", ["vm"], "", 0.0)["token"], 30.0)
        except Exception:
            pass

    th = threading.Thread(target=waiter, daemon=True)
    th.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    D.signal(signal.SIGTERM)
    try:
        rc = D.proc.wait(10)
    except subprocess.TimeoutExpired:
        D.kill()
        raise AssertionError("did not stop within 10 s while event.from waited")
    D._reap()
    eq(rc, 0, "exit status")
    ok(time.monotonic() - t0 < 5, "took %.1f s" % (time.monotonic() - t0))


@t.test("a stale socket file (left by a crash) does not stop the next start")
def _():
    import socket as so
    d = Daemon()
    s = so.socket(so.AF_UNIX, so.SOCK_STREAM)
    s.bind(d.sock)
    s.close()
    d.start()
    u = d.unix()
    ok(u.call("session.login_with_password", "root", "").startswith("OpaqueRef:"), "unix login")
    d.stop()


if __name__ == "__main__":
    t.main()
