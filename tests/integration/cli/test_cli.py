#!/usr/bin/env python3
"""Integration test of the ovcp CLI against a real ovcpd (TAP output).

Usage: test_cli.py OVCPD OVCP

Starts ovcpd on a temporary state directory with a free loopback port for
http and https and its own unix socket, creates VMs through JSON-RPC, then
drives ovcp through the socket and over HTTPS (trust on first use and
--cafile) and checks output formats, exit codes and RBAC. The daemon is
killed and the directory removed on every path.
"""
import ctypes
import http.client
import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

OVCPD, OVCP = sys.argv[1], sys.argv[2]
count = 0
failed = 0


def ok(cond, name, detail=""):
    global count, failed
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, name))
    if not cond:
        failed += 1
        for line in str(detail).splitlines():
            print("#   " + line)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def die_with_parent():
    """In the daemon's child: get SIGTERM if this test process dies (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ovcp-cli-test-")
        self.state = os.path.join(self.dir, "state")
        self.sock = os.path.join(self.dir, "xapi.sock")
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home)
        self.pwfile = os.path.join(self.dir, "root-password")
        with open(self.pwfile, "w") as f:
            f.write("rootpw\n")
        self.http_port = free_port()
        self.https_port = free_port()
        self.log = open(os.path.join(self.dir, "ovcpd.log"), "w")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [OVCPD, "-f", "--state-dir", self.state,
             "--listen", "http://127.0.0.1:%d" % self.http_port,
             "--listen", "https://127.0.0.1:%d" % self.https_port,
             "--socket", self.sock, "--root-password-file", self.pwfile],
            stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(self.sock) and self.proc.poll() is None:
                try:
                    self.rpc("session.login_with_password", "root", "")
                    break
                except OSError:
                    pass
            if self.proc.poll() is not None:
                raise RuntimeError("ovcpd exited with %s" % self.proc.returncode)
            time.sleep(0.1)
        else:
            raise RuntimeError("ovcpd did not come up")
        self.session = self.rpc("session.login_with_password", "root", "")["result"]

    def rpc(self, method, *params):
        c = UnixHTTP(self.sock)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        c.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        reply = json.loads(c.getresponse().read())
        c.close()
        return reply

    def call(self, method, *params):
        r = self.rpc(method, self.session, *params)
        if r.get("error"):
            raise RuntimeError("%s: %s" % (method, r["error"]))
        return r["result"]

    def ovcp(self, *args, env=None, remote=None):
        e = dict(os.environ, HOME=self.home, OVCP_SOCKET=self.sock)
        e.pop("OVCP_CAFILE", None)
        if env:
            e.update(env)
        argv = [OVCP] + (remote or []) + list(args)
        p = subprocess.run(argv, capture_output=True, text=True, env=e, timeout=60,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


VM_RECORD = {
    "name_description": "", "user_version": 1, "is_a_template": False, "affinity": "OpaqueRef:NULL",
    "memory_static_max": 1 << 30, "memory_dynamic_max": 1 << 30, "memory_dynamic_min": 1 << 30,
    "memory_static_min": 1 << 30, "VCPUs_params": {}, "VCPUs_max": 1, "VCPUs_at_startup": 1,
    "actions_after_shutdown": "destroy", "actions_after_reboot": "restart", "actions_after_crash": "restart",
    "PV_bootloader": "", "PV_kernel": "", "PV_ramdisk": "", "PV_args": "", "PV_bootloader_args": "",
    "PV_legacy_args": "", "HVM_boot_policy": "BIOS order", "HVM_boot_params": {}, "platform": {},
    "PCI_bus": "", "other_config": {}, "recommendations": "",
}


def make_vm(env, name):
    ref = env.call("VM.create", dict(VM_RECORD, name_label=name))
    return env.call("VM.get_uuid", ref)


def block(fields):
    """xe's aligned block for [(label, value)]: first label padded right, the rest left."""
    width = 4 + max(len(k) for k, _ in fields)
    lines = [fields[0][0].ljust(width) + ": " + fields[0][1]]
    lines += [k.rjust(width) + ": " + v for k, v in fields[1:]]
    return "\n".join(lines) + "\n"


def test_local(env, vm1, vm2):
    rc, out, err = env.ovcp("vm-list")
    ok(rc == 0, "vm-list over the unix socket exits 0", err)
    expected1 = block([("uuid ( RO)", vm1), ("name-label ( RW)", "web1"), ("power-state ( RO)", "halted")])
    expected2 = block([("uuid ( RO)", vm2), ("name-label ( RW)", "db1"), ("power-state ( RO)", "halted")])
    ok(expected1 + "\n\n" in out and expected2 + "\n\n" in out, "vm-list prints xe's aligned blocks", out)
    ok(out.count("uuid ( RO)") == 2 and out.endswith("\n\n\n"), "vm-list has two records, blank-line separated", out)

    rc, out, _ = env.ovcp("vm-list", "--minimal")
    ok(rc == 0 and sorted(out.strip().split(",")) == sorted([vm1, vm2]), "vm-list --minimal: comma-separated uuids", out)

    rc, out, _ = env.ovcp("vm-list", "name-label=db1", "--minimal")
    ok(out.strip() == vm2, "filter name-label=db1 selects one VM", out)
    rc, out, _ = env.ovcp("vm-list", "power-state=halted", "--minimal")
    ok(len(out.strip().split(",")) == 2, "filter power-state=halted (xe's lower case)", out)
    rc, out, _ = env.ovcp("vm-list", "power-state=Halted", "--minimal")
    ok(rc == 0 and out.strip() == "", "filters are case-sensitive", out)
    rc, out, _ = env.ovcp("vm-list", "params=name-label", "uuid=" + vm1, "--minimal")
    ok(out.strip() == "web1", "--minimal prints the first of params", out)

    rc, out, _ = env.ovcp("vm-param-list", "uuid=" + vm1)
    ok(rc == 0 and re.search(r"^ +name-label \( RW\): web1$", out, re.M) is not None, "param-list marks name-label ( RW)", out)
    ok(re.search(r"^ +other-config \(MRW\): $", out, re.M) is not None, "param-list marks maps (MRW)", out)
    ok(re.search(r"^ +tags \(SRW\): $", out, re.M) is not None, "param-list marks sets (SRW)", out)
    ok(re.search(r"^ +is-control-domain \( RO\): false$", out, re.M) is not None, "read-only bool shows ( RO) false", out)
    ok(re.search(r"^ +resident-on \( RO\): <not in database>$", out, re.M) is not None, "null ref shows <not in database>", out)
    ok(out.startswith("uuid ( RO)"), "param-list starts with the uuid", out[:80])

    rc, out, _ = env.ovcp("vm-param-set", "uuid=" + vm1, "name-label=web-renamed", "user-version=7")
    ok(rc == 0, "param-set exits 0")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=name-label")
    ok(out == "web-renamed\n", "param-get reads back the set name-label", out)
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=user-version")
    ok(out == "7\n", "param-get reads back an int", out)
    ok(env.call("VM.get_name_label", env.call("VM.get_by_uuid", vm1)) == "web-renamed", "the server holds the new name")

    rc, out, _ = env.ovcp("vm-param-set", "uuid=" + vm1, "other-config:owner=alice")
    rc, out, _ = env.ovcp("vm-param-add", "uuid=" + vm1, "param-name=other-config", "team=infra", "tier=1")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=other-config")
    ok(rc == 0 and out == "owner: alice; team: infra; tier: 1\n", "maps print as k: v; k2: v2", out)
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=other-config", "param-key=team")
    ok(out == "infra\n", "param-get param-key reads one map key", out)
    rc, out, _ = env.ovcp("vm-list", "other-config:owner=alice", "--minimal")
    ok(out.strip() == vm1, "filter on a map key", out)
    rc, out, _ = env.ovcp("vm-param-remove", "uuid=" + vm1, "param-name=other-config", "param-key=team")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=other-config")
    ok(out == "owner: alice; tier: 1\n", "param-remove drops a map key", out)
    rc, out, err = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=other-config", "param-key=team")
    ok(rc == 1 and "not found" in err, "a missing map key is an error, exit 1", err)
    rc, out, _ = env.ovcp("vm-param-add", "uuid=" + vm1, "param-name=tags", "param-key=prod,web")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=tags")
    ok(out == "prod; web\n", "sets print as a; b", out)
    rc, out, _ = env.ovcp("vm-param-remove", "uuid=" + vm1, "param-name=tags", "param-key=prod")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=tags")
    ok(out == "web\n", "param-remove drops a set value", out)
    rc, out, _ = env.ovcp("vm-param-clear", "uuid=" + vm1, "param-name=other-config")
    rc, out, _ = env.ovcp("vm-param-get", "uuid=" + vm1, "param-name=other-config")
    ok(rc == 0 and out == "\n", "param-clear empties a map", out)

    rc, out, _ = env.ovcp("pool-list")
    ok(rc == 0 and re.search(r"^ +master \( RO\): [0-9a-f-]{36}$", out, re.M) is not None,
       "pool-list shows the master as a host uuid", out)
    host_uuid = re.search(r"master \( RO\): (\S+)", out).group(1)
    rc, out, _ = env.ovcp("host-list", "--minimal")
    ok(out.strip() == host_uuid, "host-list --minimal lists that host", out)

    # create and destroy go through Async calls and a task
    rc, out, err = env.ovcp("network-create", "name-label=net0", "other-config:purpose=test")
    ok(rc == 0 and re.fullmatch(r"[0-9a-f-]{36}\n", out) is not None, "network-create prints the new uuid", out + err)
    net = out.strip()
    rc, out, _ = env.ovcp("network-param-get", "uuid=" + net, "param-name=other-config", "param-key=purpose")
    ok(out == "test\n", "network-create set a map key", out)
    rc, out, err = env.ovcp("network-destroy", "uuid=" + net)
    ok(rc == 0, "network-destroy exits 0", err)
    rc, out, _ = env.ovcp("network-list", "uuid=" + net, "--minimal")
    ok(out.strip() == "", "the network is gone", out)
    # on a terminal, the task's progress is drawn on stderr
    master, slave = pty.openpty()
    p = subprocess.run([OVCP, "network-create", "name-label=net1"], stdout=subprocess.PIPE, stderr=slave,
                       env=dict(os.environ, HOME=env.home, OVCP_SOCKET=env.sock), timeout=60,
                       stdin=subprocess.DEVNULL, text=True)
    os.close(slave)
    drawn = b""
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    ok(p.returncode == 0 and re.search(rb"\r\[=+\] 100%", drawn) is not None,
       "a progress bar is drawn on a terminal", repr(drawn))
    rc, out, err = env.ovcp("network-create", "name-label=net2")
    ok(rc == 0 and "%" not in err, "no progress bar when stderr is not a terminal", err)
    tasks = env.call("task.get_all_records")
    ok(not any(t["name_label"].startswith("Async.network") for t in tasks.values()), "the CLI destroys its tasks",
       json.dumps(tasks)[:300])


def test_errors(env, vm1):
    rc, out, err = env.ovcp("vm-param-get", "uuid=00000000-0000-0000-0000-000000000000", "param-name=name-label")
    ok(rc == 1 and err.startswith("The uuid you supplied was invalid.\n"), "unknown uuid: xe's message, exit 1", err)
    rc, out, err = env.ovcp("vm-lst")
    ok(rc == 2 and "unknown command 'vm-lst'" in err, "unknown command: exit 2", err)
    rc, out, err = env.ovcp("vm-param-list")
    ok(rc == 2 and "missing required parameter 'uuid'" in err, "missing parameter: exit 2", err)
    rc, out, err = env.ovcp("vm-list", "colour=blue")
    ok(rc == 2 and "unknown parameter 'colour'" in err, "unknown parameter: exit 2", err)
    rc, out, err = env.ovcp("vm-list", "justaword")
    ok(rc == 2, "a word without '=': exit 2", err)
    rc, out, err = env.ovcp("vm-param-set", "uuid=" + vm1, "power-state=running")
    ok(rc == 2 and "read-only" in err, "setting a read-only field: exit 2", err)
    rc, out, err = env.ovcp("vm-param-set", "uuid=" + vm1, "user-version=many")
    ok(rc == 2 and "expecting an integer" in err, "a bad int: exit 2", err)
    rc, out, err = env.ovcp("vm-list", "params=nosuchfield")
    ok(rc == 2, "params with an unknown field: exit 2", err)
    rc, out, err = env.ovcp("vm-list", "-s")
    ok(rc == 2, "an option without its value: exit 2", err)
    rc, out, err = env.ovcp("vm-list", env={"OVCP_SOCKET": os.path.join(env.dir, "nosuch.sock")})
    ok(rc == 3 and "Error" in err, "no daemon on the socket: exit 3", err)
    rc, out, err = env.ovcp("help")
    ok(rc == 0 and "  vm-param-set\n" in out and "  user-add\n" in out, "help lists commands", out[:200])
    rc, out, err = env.ovcp("help", "vm-param-get")
    ok(rc == 0 and "reqd params     : uuid, param-name" in out, "help COMMAND shows its parameters", out)
    rc, out, err = env.ovcp("--version")
    ok(rc == 0 and out.startswith("ovcp "), "--version", out)
    rc, out, err = env.ovcp("vm-param-set", "uuid=" + vm1, "name-label=x\x01y")
    ok(rc in (0, 1), "odd bytes in a value do not crash", err)


def test_remote(env, vm1):
    https = ["-s", "127.0.0.1", "-p", str(env.https_port)]
    known = os.path.join(env.home, ".ovcp", "known_hosts")

    rc, out, err = env.ovcp("vm-list", "--minimal", remote=https + ["-u", "root", "-pw", "rootpw"])
    ok(rc == 0 and vm1 in out, "HTTPS with trust on first use works", err)
    ok(os.path.exists(known) and ("127.0.0.1:%d " % env.https_port) in open(known).read(),
       "the host's fingerprint is remembered in ~/.ovcp/known_hosts")
    rc, out, err = env.ovcp("vm-list", "--minimal", remote=https + ["-u", "root", "-pw", "rootpw"])
    ok(rc == 0 and "Added" not in err, "the second connection matches silently", err)

    rc, out, err = env.ovcp("vm-list", remote=https + ["-u", "root", "-pw", "wrong"])
    ok(rc == 1 and "Authentication failed" in err, "wrong password: exit 1 with a message", err)

    pwf = os.path.join(env.dir, "pwfile")
    with open(pwf, "w") as f:
        f.write("rootpw\n")
    rc, out, err = env.ovcp("host-list", "--minimal",
                            remote=["-s", "127.0.0.1", "-p", str(env.https_port), "-u", "root", "-pwf", pwf,
                                    "--cafile", os.path.join(env.state, "tls", "host.crt")],
                            env={"HOME": os.path.join(env.dir, "nohome")})
    ok(rc == 0 and re.fullmatch(r"[0-9a-f-]{36}\n", out) is not None, "HTTPS with --cafile and -pwf", err)

    # users and roles
    rc, out, err = env.ovcp("user-add", "username=reader", "password=readpw", "role=read-only")
    ok(rc == 0 and re.fullmatch(r"[0-9a-f-]{36}\n", out) is not None, "user-add prints the subject uuid", err)
    rc, out, err = env.ovcp("user-add", "username=admin2", "password=adminpw", "role=vm-admin")
    rc, out, _ = env.ovcp("user-list", "--minimal")
    ok(sorted(out.strip().split(",")) == ["admin2", "reader"], "user-list --minimal", out)
    rc, out, _ = env.ovcp("user-list")
    ok(re.search(r"username \( RO\): reader\n +roles \(SRO\): read-only\n", out) is not None, "user-list shows roles", out)
    reader = https + ["-u", "reader", "-pw", "readpw"]
    rc, out, err = env.ovcp("vm-list", "--minimal", remote=reader)
    ok(rc == 0 and vm1 in out, "a read-only user can list", err)
    rc, out, err = env.ovcp("vm-param-set", "uuid=" + vm1, "name-label=hacked", remote=reader)
    ok(rc == 1 and "You do not have the required permissions" in err, "a read-only user cannot param-set: exit 1", err)
    ok(env.call("VM.get_name_label", env.call("VM.get_by_uuid", vm1)) != "hacked", "the name did not change")
    rc, out, err = env.ovcp("vm-param-set", "uuid=" + vm1, "name-label=by-admin2",
                            remote=https + ["-u", "admin2", "-pw", "adminpw"])
    ok(rc == 0, "a vm-admin user can param-set", err)
    rc, out, err = env.ovcp("user-password-set", "username=reader", "password=newpw")
    ok(rc == 0, "user-password-set", err)
    rc, out, err = env.ovcp("vm-list", remote=reader)
    ok(rc == 1, "the old password no longer works", err)
    rc, out, err = env.ovcp("vm-list", "--minimal", remote=https + ["-u", "reader", "-pw", "newpw"])
    ok(rc == 0, "the new password works", err)
    rc, out, err = env.ovcp("user-remove", "username=reader")
    ok(rc == 0, "user-remove", err)
    rc, out, err = env.ovcp("vm-list", remote=https + ["-u", "reader", "-pw", "newpw"])
    ok(rc == 1, "a removed user cannot log in", err)
    rc, out, err = env.ovcp("user-remove", "username=reader")
    ok(rc == 1 and "no local user" in err, "removing a missing user: exit 1", err)
    rc, out, err = env.ovcp("user-add", "username=x", "password=y", "role=emperor")
    ok(rc == 2, "an unknown role: exit 2", err)

    # plain http only on loopback
    rc, out, err = env.ovcp("host-list", "--minimal",
                            remote=["-s", "127.0.0.1", "-p", str(env.http_port), "--nossl", "-u", "root", "-pw", "rootpw"])
    ok(rc == 0, "--nossl to a loopback host", err)
    rc, out, err = env.ovcp("host-list", remote=["-s", "192.0.2.1", "--nossl", "-u", "root", "-pw", "rootpw"])
    ok(rc == 2 and "loopback" in err, "--nossl to another host is refused", err)
    rc, out, err = env.ovcp("host-list", remote=["-s", "127.0.0.1", "-p", str(env.https_port)])
    ok(rc == 2, "-s without -u/-pw: exit 2", err)

    # a changed certificate is refused before the password is sent
    with open(known) as f:
        text = f.read()
    changed = re.sub(r" ([0-9A-F]{2}):", " 00:" if " 00:" not in text else " 11:", text, count=1)
    with open(known, "w") as f:
        f.write(changed)
    rc, out, err = env.ovcp("vm-list", remote=https + ["-u", "root", "-pw", "rootpw"])
    ok(rc == 3 and "CHANGED" in err, "a changed certificate is refused with exit 3", err)


def main():
    env = None
    # a timeout's SIGTERM unwinds through the finally below, which stops the daemon
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    try:
        env = Env()
        env.start()
        vm1 = make_vm(env, "web1")
        vm2 = make_vm(env, "db1")
        test_local(env, vm1, vm2)
        test_errors(env, vm1)
        test_remote(env, vm1)
    except Exception as exc:  # report, then clean up below
        ok(False, "test run raised", repr(exc))
    finally:
        if env is not None:
            env.close()
    print("1..%d" % count)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
