"""Shared helper of the XenAPI integration tests: a real ovcpd on a scratch
state directory, XenAPI clients written from the protocol (standard library
only, nothing from the server's code) and a small TAP runner.

Invariants: every daemon started here is killed on every path (the Daemon
object's stop, atexit, the runner's finally, and SIGTERM, which is how meson
ends a test past its timeout), and so is every QEMU left in its run directory,
since QEMU outlives ovcpd by design; each daemon gets its own state directory,
its own free TCP ports and its own unix socket, so tests never meet a daemon
that another test (or another person) started. Other modules hand their own
cleanups (network namespaces) to at_cleanup: they run after the daemons die.
"""
import atexit
import contextlib
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import xmlrpc.client

ROOT_PASSWORD = "s3cret-root"


# ---- errors ----

class XapiError(Exception):
    """A XenAPI failure: code plus parameters, as the server sent them."""

    def __init__(self, desc):
        self.desc = list(desc) if isinstance(desc, (list, tuple)) else [str(desc)]
        self.code = self.desc[0] if self.desc else ""
        self.params = self.desc[1:]
        super().__init__(repr(self.desc))


class Skip(Exception):
    pass


class State(dict):
    """What a setup test leaves for the tests after it. A setup that skips
    records why (in a `with state.setup():` block, or by state.skip), and each
    later test that needs what it did not leave skips with that same reason."""

    @contextlib.contextmanager
    def setup(self):
        try:
            yield
        except Skip as e:
            self["skip"] = str(e)
            raise

    def skip(self, reason):
        self["skip"] = reason
        raise Skip(reason)

    def __missing__(self, key):
        """state[key] that an earlier test did not leave: Skip with the setup's reason (or which key is missing)."""
        raise Skip(self.get("skip", "an earlier test did not leave %r" % key))

    def need(self, key, reason):
        """state[key]; Skip (with the setup's reason, else this one) when it is missing."""
        if key not in self:
            raise Skip(self.get("skip", reason))
        return self[key]


# ---- ports and processes ----

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ovcpd_path():
    path = os.environ.get("OVCPD")
    if not path:
        raise RuntimeError("OVCPD is not set (the meson test sets it to the built daemon)")
    return path


_live = []
_all = []
_cleanups = []
_run_dirs = []  # run directories of daemons not made here, whose QEMUs die at exit too


def at_cleanup(fn):
    """Run fn once when the test ends, on every path, after every daemon is dead (last added, first run)."""
    _cleanups.append(fn)


def kill_qemus(run_dir, timeout=5.0):
    """SIGKILL every QEMU with a pidfile under run_dir (RUN/<uuid>/qemu.pid); wait until they are gone.

    A pid is only killed when its command line names the VM's uuid (the
    directory's name): never a process that merely reused the number."""
    pids = []
    for pidfile in glob.glob(os.path.join(run_dir, "*", "qemu.pid")):
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                if os.path.basename(os.path.dirname(pidfile)).encode() not in f.read():
                    continue
            os.kill(pid, signal.SIGKILL)
            pids.append(pid)
        except (OSError, ValueError):
            pass
    wait_until(lambda: not any(_running(p) for p in pids), timeout)


def _running(pid):
    """Whether pid is a live process (a zombie waiting for its reaper is not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _kill_all():
    for d in list(_live):
        try:
            d.kill()
        except Exception:
            pass
    for d in list(_all):
        d.cleanup()
    for run in _run_dirs:
        kill_qemus(run)
    while _cleanups:
        try:
            _cleanups.pop()()
        except Exception:  # noqa: BLE001: one failed cleanup must not stop the others
            traceback.print_exc()


def _on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the cleanup itself is not interrupted
    raise SystemExit(128 + signum)  # unwinds through the runner's finally, then atexit


atexit.register(_kill_all)
signal.signal(signal.SIGTERM, _on_sigterm)


class Daemon:
    """One ovcpd on a temporary state directory with free ports.

    With netns=NAME it runs inside that network namespace (`ip netns exec`),
    manages the namespace's network (OVCP_NETWORK is not passed on) and is
    reached through its unix socket: the file system is shared, the TCP
    ports are the namespace's own."""

    def __init__(self, root_password=ROOT_PASSWORD, session_timeout=None, https=False,
                 extra_args=(), log=True, state_dir=None, netns=None, originator="ovcptest"):
        self.tmp = tempfile.mkdtemp(prefix="ovcpd-it-")
        self.state = state_dir or os.path.join(self.tmp, "state")
        self.sock = os.path.join(self.tmp, "xapi.sock")
        self.log = os.path.join(self.tmp, "ovcpd.log") if log else None
        self.root_password = root_password
        self.pwfile = None
        if root_password is not None:
            self.pwfile = os.path.join(self.tmp, "root-password")
            with open(self.pwfile, "w") as f:
                f.write(root_password + "\n")
        self.session_timeout = session_timeout
        self.https = https
        self.extra_args = list(extra_args)
        self.netns = netns
        self.originator = originator
        self.port = None
        self.tls_port = None
        self.proc = None
        self.stderr_path = os.path.join(self.tmp, "stderr")
        _all.append(self)

    def argv(self):
        a = ["ip", "netns", "exec", self.netns] if self.netns else []
        a += [ovcpd_path(), "-f", "--state-dir", self.state,
             "--listen", "http://127.0.0.1:%d" % self.port, "--socket", self.sock]
        if self.https:
            a += ["--listen", "https://127.0.0.1:%d" % self.tls_port]
        if self.pwfile:
            a += ["--root-password-file", self.pwfile]
        if self.session_timeout:
            a += ["--session-timeout", str(self.session_timeout)]
        if self.log:
            a += ["--log", self.log]
        return a + self.extra_args

    def start(self, timeout=15.0):
        if self.port is None:  # keep the same ports across restarts
            self.port = free_port()
            self.tls_port = free_port()
        self.errf = open(self.stderr_path, "ab")
        env = None
        if self.netns:  # this daemon manages its namespace's network
            env = {k: v for k, v in os.environ.items() if k != "OVCP_NETWORK"}
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.errf,
                                     stderr=self.errf, env=env)
        _live.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ovcpd exited with %s: %s" % (self.proc.returncode, self.failure_text()))
            if self.answers():
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("ovcpd did not answer within %.0f s: %s" % (timeout, self.failure_text()))

    def answers(self):
        """Whether system.listMethods gets an answer (over TCP; in a namespace, the unix socket)."""
        try:
            if self.netns:
                self.unix().call("system.listMethods")
                return True
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            c.request("POST", "/jsonrpc", json.dumps({"jsonrpc": "2.0", "method": "system.listMethods",
                                                      "params": [], "id": 0}),
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            c.close()
            return r.status == 200
        except OSError:
            return False

    def failure_text(self):
        return (self.stderr_text() + " " + self.log_text()[-2000:]).strip()

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode(errors="replace")[-2000:]
        except OSError:
            return ""

    def log_text(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode(errors="replace")
        except (OSError, TypeError):
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=10.0):
        """SIGTERM, wait; SIGKILL past the deadline. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self._reap()

    def kill(self):
        """SIGKILL at once (the crash test)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        return self._reap()

    def _reap(self):
        rc = self.proc.returncode
        if self in _live:
            _live.remove(self)
        try:
            self.errf.close()
        except Exception:
            pass
        return rc

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        self.kill()
        kill_qemus(os.path.join(self.state, "run"))
        if os.environ.get("OVCPTEST_KEEP"):
            return
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- clients bound to this daemon --

    def json(self, version=2):
        return JsonRpc(self.port, version=version)

    def xml(self, path="/"):
        return XmlRpc(self.port, path)

    def client(self):
        """The JSON-RPC client the tests reach this daemon with."""
        return self.unix() if self.netns else self.json()

    def login(self, user="root", password=None, client=None):
        c = client or self.client()
        pw = self.root_password if password is None and user == "root" else password
        return Session(c, c.call("session.login_with_password", user, pw, "1.0", self.originator))

    def unix(self):
        return JsonRpc(None, version=2, unix_path=self.sock)


# ---- transports ----

class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over an AF_UNIX stream socket."""

    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Raw:
    """A raw HTTP reply."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


def http_post(port, path, body, content_type="application/json", timeout=30, conn=None, headers=None):
    if isinstance(body, str):
        body = body.encode()
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Content-Type": content_type} if content_type else {}
    h.update(headers or {})
    c.request("POST", path, body, h)
    r = c.getresponse()
    out = Raw(r.status, r.getheaders(), r.read())
    if own:
        c.close()
    return out


class JsonRpc:
    """JSON-RPC v1 or v2 at POST /jsonrpc."""

    def __init__(self, port, version=2, unix_path=None, timeout=30):
        self.port = port
        self.version = version
        self.unix_path = unix_path
        self.timeout = timeout
        self.next_id = 1

    def connection(self):
        if self.unix_path:
            return UnixHTTPConnection(self.unix_path, timeout=self.timeout)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def envelope(self, method, params, id_=None):
        if id_ is None:
            id_ = self.next_id
            self.next_id += 1
        if self.version == 2:
            return {"jsonrpc": "2.0", "method": method, "params": list(params), "id": id_}
        return {"method": method, "params": list(params), "id": id_}

    def raw(self, body, conn=None, content_type="application/json"):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        own = conn is None
        c = conn or self.connection()
        if isinstance(body, str):
            body = body.encode()
        c.request("POST", "/jsonrpc", body, {"Content-Type": content_type} if content_type else {})
        r = c.getresponse()
        out = Raw(r.status, r.getheaders(), r.read())
        if own:
            c.close()
        return out

    def call(self, method, *params, conn=None):
        r = self.raw(self.envelope(method, params), conn=conn)
        if r.status != 200:
            raise RuntimeError("HTTP %d: %r" % (r.status, r.body[:300]))
        reply = r.json()
        if self.version == 2:
            if "error" in reply:
                err = reply["error"]
                raise XapiError([err.get("message")] + list(err.get("data") or []))
            return reply["result"]
        if reply.get("error") is not None:
            raise XapiError(reply["error"])
        return reply["result"]


class _RawTransport(xmlrpc.client.Transport):
    """Keeps the last reply's raw text."""

    last_text = None

    def parse_response(self, response):
        data = response.read()
        self.last_text = data.decode(errors="replace")
        p, u = self.getparser()
        p.feed(data)
        p.close()
        return u.close()


class XmlRpc:
    """XML-RPC at POST / (or /RPC2, /xmlrpc); unwraps {Status, Value}."""

    def __init__(self, port, path="/"):
        self.port = port
        self.path = path
        self.transport = _RawTransport()
        self.proxy = xmlrpc.client.ServerProxy("http://127.0.0.1:%d%s" % (port, path),
                                               transport=self.transport, allow_none=False)

    def call(self, method, *params):
        fn = self.proxy
        for part in method.split("."):
            fn = getattr(fn, part)
        reply = fn(*params)
        if not isinstance(reply, dict) or "Status" not in reply:
            raise RuntimeError("XML-RPC reply without Status: %r" % (reply,))
        if reply["Status"] == "Success":
            return reply.get("Value")
        raise XapiError(reply.get("ErrorDescription") or ["(no ErrorDescription)"])

    def last_text(self):
        return self.transport.last_text

    def raw(self, body, content_type="text/xml"):
        return http_post(self.port, self.path, body, content_type=content_type)


class Session:
    """A logged-in session on a client: call() prepends the session ref."""

    def __init__(self, client, ref):
        self.client = client
        self.ref = ref

    def call(self, method, *params):
        return self.client.call(method, self.ref, *params)

    def __getattr__(self, name):  # s.VM.get_all() style
        return _Dotted(self, name)


class _Dotted:
    def __init__(self, session, name):
        self.session = session
        self.name = name

    def __getattr__(self, name):
        return _Dotted(self.session, self.name + "." + name)

    def __call__(self, *params):
        return self.session.call(self.name, *params)


# ---- assertions ----

def expect_error(fn, code, *args, **kw):
    """Run fn; it must fail with XenAPI error `code`. Returns the XapiError."""
    try:
        got = fn(*args, **kw)
    except XapiError as e:
        if e.code != code:
            raise AssertionError("expected %s, got %r" % (code, e.desc))
        return e
    raise AssertionError("expected %s, the call succeeded with %r" % (code, got))


def eq(got, want, what=""):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what or "value", got, want))


def ok(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_until(pred, timeout=5.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def wait_task(session, task, timeout, what):
    """Wait until an Async task is no longer pending; it must have succeeded."""
    status = wait_until(lambda: (lambda st: st != "pending" and st)(session.call("task.get_status", task)), timeout)
    eq(status, "success", "%s: %r" % (what, session.call("task.get_error_info", task)))


def minimal_vm(label="vm", **over):
    """A VM.create record with every field xapi requires."""
    rec = {
        "name_label": label, "name_description": "", "user_version": 1, "is_a_template": False,
        "affinity": "OpaqueRef:NULL", "memory_static_max": 268435456, "memory_dynamic_max": 268435456,
        "memory_dynamic_min": 268435456, "memory_static_min": 134217728, "VCPUs_params": {},
        "VCPUs_max": 1, "VCPUs_at_startup": 1, "actions_after_shutdown": "destroy",
        "actions_after_reboot": "restart", "actions_after_crash": "restart", "PV_bootloader": "",
        "PV_kernel": "", "PV_ramdisk": "", "PV_args": "", "PV_bootloader_args": "", "PV_legacy_args": "",
        "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "cd"}, "platform": {},
        "PCI_bus": "", "other_config": {}, "recommendations": "",
    }
    rec.update(over)
    return rec


def xml_ints(rec):
    """XML-RPC carries ints as strings: the same record with ints turned to strings."""
    if isinstance(rec, bool):
        return rec
    if isinstance(rec, int):
        return str(rec)
    if isinstance(rec, dict):
        return {k: xml_ints(v) for k, v in rec.items()}
    if isinstance(rec, list):
        return [xml_ints(v) for v in rec]
    return rec


def minimal_vbd(vm, vdi="OpaqueRef:NULL", **over):
    rec = {
        "VM": vm, "VDI": vdi, "userdevice": "0", "bootable": False, "mode": "RW", "type": "Disk",
        "empty": vdi == "OpaqueRef:NULL", "other_config": {}, "qos_algorithm_type": "",
        "qos_algorithm_params": {},
    }
    rec.update(over)
    return rec


def minimal_vdi(sr, label, size, **over):
    rec = {"name_label": label, "name_description": "", "SR": sr, "virtual_size": size, "type": "user",
           "sharable": False, "read_only": False, "other_config": {}}
    rec.update(over)
    return rec


def minimal_vif(vm, network, device, **over):
    rec = {"device": device, "network": network, "VM": vm, "MAC": "", "MTU": 1500, "other_config": {},
           "qos_algorithm_type": "", "qos_algorithm_params": {}}
    rec.update(over)
    return rec


# ---- TAP runner ----

class Tap:
    """Collect tests with @t.test("name"), run them in order, print TAP."""

    def __init__(self):
        self.tests = []
        self.failed = 0
        self.n = 0

    def test(self, name):
        def deco(fn):
            self.tests.append((name, fn))
            return fn
        return deco

    def diag(self, text):
        for line in str(text).splitlines() or [""]:
            print("# " + line)
        sys.stdout.flush()

    def run(self):
        try:
            for name, fn in self.tests:
                self.n += 1
                t0 = time.monotonic()
                try:
                    fn()
                except Skip as s:
                    print("ok %d - %s # SKIP %s" % (self.n, name, s))
                except Exception as e:  # noqa: BLE001: every failure is a test result
                    self.failed += 1
                    print("not ok %d - %s" % (self.n, name))
                    if isinstance(e, (AssertionError, XapiError)):
                        self.diag("%s: %s" % (type(e).__name__, e))
                        tb = traceback.extract_tb(e.__traceback__)
                        here = [f for f in tb if f.filename.endswith(".py") and "ovcptest" not in f.filename]
                        if here:
                            self.diag("at %s:%d" % (os.path.basename(here[-1].filename), here[-1].lineno))
                    else:
                        self.diag(traceback.format_exc())
                else:
                    print("ok %d - %s" % (self.n, name))
                dt = time.monotonic() - t0
                if dt > 3:
                    self.diag("took %.1f s" % dt)
                sys.stdout.flush()
        finally:
            _kill_all()
        print("1..%d" % self.n)
        sys.stdout.flush()
        return 1 if self.failed else 0

    def main(self):
        sys.exit(self.run())
