"""The test guest (guest/build-test-guest) for the integration tests that
run real VMs: a daemon prepared for them (Host: the guest's kernel in its
kernel directory, its disk importable into the local SR), VMs made and booted
through the XenAPI, and the guest's serial console (Serial).

Invariant: every QEMU a test leaves behind is killed on every path, since
QEMU outlives ovcpd by design: ovcptest kills the QEMUs of each daemon's run
directory (and of the directories in _run_dirs) before it removes them.
"""
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import time

from ovcptest import Skip, State, _run_dirs, eq, minimal_vbd, minimal_vm, ok, wait_task, wait_until

MARKER = "OVCP-GUEST-READY"
# Bound on a boot (and a reboot) of the test guest. It takes 5-10 s on an idle
# machine, but under TCG the vCPU is one host thread: on a loaded 2-core host
# the kernel's decompression before its first message alone took 19 s, so a
# boot can take a minute or more. Waits poll a condition; this is only the bound.
BOOT_TIMEOUT = 300


def guest_dir():
    """build/guest of the source tree (or $OVCP_GUEST_DIR); Skip when it was not built."""
    d = os.environ.get("OVCP_GUEST_DIR")
    if not d:
        here = os.path.dirname(os.path.abspath(__file__))
        d = os.path.join(here, "..", "..", "..", "build", "guest")
    d = os.path.abspath(d)
    for f in ("vmlinuz", "initrd.img", "disk.qcow2", "guest.env"):
        if not os.path.exists(os.path.join(d, f)):
            raise Skip("test guest missing (%s): run guest/build-test-guest build/guest" % os.path.join(d, f))
    return d


def env_file(path):
    """KEY=VALUE lines (guest.env, netlab.env), shell-style quotes removed; read, not sourced."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v.strip('"')
    return env


def guest_env(d):
    return env_file(os.path.join(d, "guest.env"))


class Host:
    """A daemon prepared for VMs: kernel in its kernel dir, the guest's disk importable."""

    def __init__(self, daemon, session):
        self.d = daemon
        self.s = session
        self.gdir = guest_dir()
        self.env = guest_env(self.gdir)
        self.kernels = os.path.join(daemon.state, "kernels")
        self.run = os.path.join(daemon.state, "run")
        _run_dirs.append(self.run)
        os.makedirs(self.kernels, exist_ok=True)
        for f in ("vmlinuz", "initrd.img"):
            shutil.copy(os.path.join(self.gdir, f), os.path.join(self.kernels, f))
        self.host = self.s.call("host.get_all")[0]
        pool = self.s.call("pool.get_all")[0]
        self.sr = self.s.call("pool.get_default_SR", pool)
        # QEMU runs as the user ovcp-qemu when it can cross every directory
        # above its files: open the test's own directories for search (only)
        for d in (daemon.tmp, daemon.state, self.sr_dir(self.s.call("SR.get_record", self.sr))):
            os.chmod(d, 0o711)

    def import_disk(self, name):
        """The guest's disk as a new VDI of the local SR (copied into the SR directory, then SR.scan)."""
        loc = self.s.call("SR.get_record", self.sr)
        srdir = self.sr_dir(loc)
        path = os.path.join(srdir, name + ".qcow2")
        shutil.copy(os.path.join(self.gdir, "disk.qcow2"), path)
        self.s.call("SR.scan", self.sr)
        for ref, rec in self.s.call("VDI.get_all_records").items():
            if rec["SR"] == self.sr and rec["location"] in (name, name + ".qcow2", path):
                return ref
        raise AssertionError("SR.scan did not adopt %s" % path)

    def sr_dir(self, rec):
        for pbd in rec["PBDs"]:
            cfg = self.s.call("PBD.get_device_config", pbd)
            if cfg.get("path"):
                return cfg["path"]
        return os.path.join(self.d.state, "sr", "local")

    def make_vm(self, label, disk=True, **over):
        """A PV VM booting the guest's kernel (256 MiB, 1 vCPU), with its own copy of the disk unless disk=False."""
        rec = dict(PV_kernel="vmlinuz", PV_ramdisk="initrd.img",
                   PV_args=self.env.get("GUEST_APPEND", "console=ttyS0 panic=-1 quiet"),
                   HVM_boot_policy="", HVM_boot_params={}, platform={"vga": "none"},
                   other_config={"ovcp-shutdown-timeout": "120"})
        rec.update(over)
        vm = self.s.call("VM.create", minimal_vm(label, **rec))
        if disk:
            vdi = self.import_disk("disk-" + label)
            self.s.call("VBD.create", minimal_vbd(vm, vdi, bootable=True))
        return vm

    def boot(self, *vms, task_timeout=BOOT_TIMEOUT):
        """Start vms at once (Async.VM.start), each task must succeed; then each reaches the ready marker."""
        tasks = [self.s.call("Async.VM.start", vm, False, False) for vm in vms]
        for vm, task in zip(vms, tasks):
            wait_task(self.s, task, task_timeout, "VM.start of %s" % vm)
        for vm in vms:
            self.wait_ready(vm)

    def uuid(self, vm):
        return self.s.call("VM.get_uuid", vm)

    def vm_dir(self, vm):
        return os.path.join(self.run, self.uuid(vm))

    def serial_log(self, vm):
        try:
            with open(os.path.join(self.vm_dir(vm), "serial.log"), "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def wait_ready(self, vm, count=1, timeout=BOOT_TIMEOUT):
        got = wait_until(lambda: self.serial_log(vm).count(MARKER) >= count, timeout, 0.1)
        ok(got, "%s: %d x %s not in the serial log within %d s; log tail: %r" %
           (vm, count, MARKER, timeout, self.serial_log(vm)[-600:]))

    def qemu_pid(self, vm):
        with open(os.path.join(self.vm_dir(vm), "qemu.pid")) as f:
            return int(f.read().strip())

    def qemu_user(self, vm):
        """The user name the VM's QEMU process runs as (its real uid)."""
        with open("/proc/%d/status" % self.qemu_pid(vm)) as f:
            uid = int(next(line for line in f if line.startswith("Uid:")).split()[1])
        return pwd.getpwuid(uid).pw_name

    def power(self, vm):
        return self.s.call("VM.get_power_state", vm)


class Serial:
    """The guest's ttyS0 through its unix socket: run a shell command, get its output.

    A new connection first waits until the shell answers: busybox's ash, when
    it starts (after a boot) or prints a prompt, can swallow the start of a
    line typed too early, so a command is only trusted after a probe came back
    whole. Markers are unique within the process, so a late answer to an old
    command never passes for the answer to a new one."""

    _seq = itertools.count(1)

    def __init__(self, host, vm, sync=True, timeout=BOOT_TIMEOUT):
        self.path = os.path.join(host.vm_dir(vm), "serial.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
        self.sock.settimeout(0.2)
        if sync:
            self.sync(timeout)

    def close(self):
        self.sock.close()

    def send(self, text):
        self.sock.sendall(text.encode())

    def sync(self, timeout=BOOT_TIMEOUT):
        """Wait until the shell runs a probe and answers it whole."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            n = next(Serial._seq)
            try:
                if self.run("echo sync%d" % n, timeout=5) == "sync%d" % n:
                    return
            except AssertionError as e:
                last = e
        raise AssertionError("the shell on the serial console did not answer within %d s: %s" % (timeout, last))

    def run(self, command, timeout=120):
        """Output of command (between two markers the shell prints)."""
        n = next(Serial._seq)
        begin, end = "B%dX%d" % (n, os.getpid()), "E%dX%d" % (n, os.getpid())
        # the markers are split in the typed line, so only the shell's output holds them whole
        line = 'echo "%s""%s"; %s; echo "%s""%s"\n' % (begin[:2], begin[2:], command, end[:2], end[2:])
        self.send(line)
        buf = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
            except socket.timeout:
                pass
            text = buf.decode(errors="replace").replace("\r", "")
            if "\n" + end in text or text.startswith(end):
                i = text.rfind(begin + "\n")
                j = text.rfind(end)
                if i < 0:
                    raise AssertionError("the shell lost the start of %r: %r" % (command, text[-400:]))
                return text[i + len(begin) + 1:j].strip("\n")
        raise AssertionError("no answer to %r on the serial console within %d s: %r" %
                             (command, timeout, buf[-400:]))


class Suite:
    """What every guest test file shares: its State, its daemon, and h() / s() for the Host and its
    session, which skip with the setup's reason when the setup could not make them."""

    def __init__(self, daemon=None):
        self.S = State()
        self.D = daemon

    def h(self):
        return self.S.need("host", "no host")

    def s(self):
        return self.h().s

    def cli(self, *args, timeout=BOOT_TIMEOUT):
        """`ovcp ARGS` ($OVCP_CLI) against this suite's daemon: (exit status, stdout, stderr)."""
        self.h()  # skips with the setup's reason when there is no daemon
        p = subprocess.run([os.environ.get("OVCP_CLI", "ovcp")] + list(args), capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, env=dict(os.environ, OVCP_SOCKET=self.D.sock))
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def cli_ok(self, *args):
        """stdout of `ovcp ARGS`, which must succeed."""
        rc, out, err = self.cli(*args)
        eq(rc, 0, "ovcp %s: %s" % (" ".join(args), err))
        return out

    def start(self, daemon=None):
        """The setup: Skip (remembered for the later tests) without the test guest; else start the daemon."""
        with self.S.setup():
            guest_dir()
        if daemon is not None:
            self.D = daemon
        self.D.start()
        self.S["host"] = Host(self.D, self.D.login())
        return self.S["host"]

