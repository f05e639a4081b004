"""The console proxy through a real ovcpd and a real QEMU guest: the serial
console and VNC over WebSocket (plain HTTP and HTTPS), HTTP CONNECT (both
too), and who is refused (no session, a bad one, a read-only user).

The VM is made and started through the XenAPI only; its console records
and their locations come from the VM driver. Skips with the reason when the
test guest or QEMU is missing."""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ovcpguest import Host, guest_dir  # noqa: E402
from ovcptest import Daemon, State, Tap, eq, ok  # noqa: E402
from wsclient import Connect, WebSocket, connected, upgraded  # noqa: E402

t = Tap()
S = State()
D = Daemon(https=True)


def need():
    S.need("vm", "no running VM")


def path(console, session=None, key="ref"):
    p = "/console?%s=%s" % (key, console)
    if session is not False:
        p += "&session_id=%s" % (session or S["session"].ref)
    return p


def marker_command():
    n = random.randint(100000, 999999)
    # the marker is split in the typed line, so only the shell's output holds it whole
    return 'echo "hello-""%d"\n' % n, "hello-%d" % n


@t.test("a VM made and started through the XenAPI has rfb and vt100 consoles")
def _():
    with S.setup():
        guest_dir()
    D.start()
    s = D.login()
    h = Host(D, s)
    vm = h.make_vm("console-vm")
    h.boot(vm, task_timeout=90)
    consoles = {s.call("console.get_protocol", c): c for c in s.call("VM.get_consoles", vm)}
    ok("vt100" in consoles and "rfb" in consoles, "consoles: %r" % consoles)
    for proto, c in consoles.items():
        eq(s.call("console.get_location", c), "/console?ref=" + c, "location of " + proto)
    S.update(session=s, host=h, vm=vm, serial=consoles["vt100"], vnc=consoles["rfb"])


@t.test("serial console over WebSocket: handshake, type a command, read its output back")
def _():
    need()
    ws = WebSocket(D.port, path(S["serial"]))
    eq(ws.status, 101, "status (body %r)" % ws.body)
    ok(ws.accept_ok(), "Sec-WebSocket-Accept matches the key")
    eq(ws.headers.get("sec-websocket-protocol"), "binary", "subprotocol")
    line, want = marker_command()
    ws.send("\n" + line)
    ws.read_until(want)
    ws.close()
    eq(ws.closed_code, 1000, "close answered with 1000")


@t.test("serial console over WebSocket on HTTPS, named by uuid=")
def _():
    need()
    uuid = S["session"].call("console.get_uuid", S["serial"])
    ws = upgraded(D.tls_port, path(uuid, key="uuid"), tls=True)
    ok(ws, "upgraded over TLS")
    line, want = marker_command()
    ws.send(line)
    ws.read_until(want)
    ws.close()


@t.test("VNC over WebSocket: RFB 003.008 banner, security None, ServerInit with the framebuffer size")
def _():
    need()
    ws = WebSocket(D.port, path(S["vnc"]))
    eq(ws.status, 101, "status")
    eq(ws.read_exact(12), b"RFB 003.008\n", "banner")
    ws.send(b"RFB 003.008\n")
    n = ws.read_exact(1)[0]
    ok(n > 0, "security types offered")
    types = ws.read_exact(n)
    ok(1 in types, "security None offered: %r" % types)
    ws.send(bytes([1]))
    eq(struct.unpack(">I", ws.read_exact(4))[0], 0, "SecurityResult OK")
    ws.send(bytes([1]))  # ClientInit: shared
    w, hgt = struct.unpack(">HH", ws.read_exact(4))
    ok(w > 0 and hgt > 0, "framebuffer %dx%d" % (w, hgt))
    ws.read_exact(16)  # pixel format
    name_len = struct.unpack(">I", ws.read_exact(4))[0]
    name = ws.read_exact(name_len)
    t.diag("framebuffer %dx%d, name %r" % (w, hgt, name))
    ws.close()


@t.test("CONNECT /console answers 200 and carries the serial console both ways (HTTP and HTTPS)")
def _():
    need()
    for port, tls in ((D.port, False), (D.tls_port, True)):
        c = connected(port, path(S["serial"]), tls)
        ok(c, "CONNECT answered 200 (tls=%s)" % tls)
        line, want = marker_command()
        c.send(line)
        c.read_until(want)
        c.close()


@t.test("no session, a wrong session: 401 and no upgrade; a read-only user: 403")
def _():
    need()
    for p in (path(S["serial"], session=False), path(S["serial"], session="OpaqueRef:bad")):
        ws = WebSocket(D.port, p)
        eq(ws.status, 401, "status for %s" % p)
        ok("sec-websocket-accept" not in ws.headers, "no upgrade")
        c = Connect(D.port, p)
        eq(c.status, 401, "CONNECT status for %s" % p)
        c.close()
    S["session"].call("subject.create_local_user", "viewer", "pw-viewer", ["read-only"])
    ro = D.login("viewer", "pw-viewer")
    ws = WebSocket(D.port, path(S["serial"], session=ro.ref))
    eq(ws.status, 403, "read-only user")
    S["session"].call("subject.create_local_user", "operator", "pw-operator", ["vm-operator"])
    op = D.login("operator", "pw-operator")
    ws = upgraded(D.port, path(S["serial"], session=op.ref))
    ok(ws, "a vm-operator may open the console")
    ws.close()


@t.test("unknown console: 404; not a WebSocket: 400")
def _():
    need()
    ws = WebSocket(D.port, path("OpaqueRef:00000000-0000-4000-8000-000000000000"))
    eq(ws.status, 404, "unknown console")
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", D.port, timeout=10)
    c.request("GET", path(S["serial"]))
    eq(c.getresponse().status, 400, "plain GET")


@t.test("ovcpd stopping closes an open console with 1001 and exits 0; the VM keeps running")
def _():
    need()
    ws = upgraded(D.port, path(S["serial"]))
    ok(ws, "upgraded")
    D.signal(15)
    try:
        ws.read_until(b"never printed", timeout=15)
    except EOFError:
        pass
    eq(ws.closed_code, 1001, "close code")
    eq(D.stop(timeout=15), 0, "ovcpd exit status")
    D.start()
    S["session"] = D.login()
    eq(S["session"].call("VM.get_power_state", S["vm"]), "Running", "the VM after the restart")


@t.test("when the VM stops, its open console is closed with 1000")
def _():
    need()
    ws = upgraded(D.port, path(S["serial"]), timeout=20)
    ok(ws, "upgraded after the restart")
    S["session"].call("VM.hard_shutdown", S["vm"])
    try:
        ws.read_until(b"never printed", timeout=15)
    except EOFError:
        pass
    eq(ws.closed_code, 1000, "close code")


t.main()
