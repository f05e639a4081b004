"""The VM commands of the ovcp CLI against a real ovcpd and the test guest:
vm-start by name, vm-shutdown --force, vm-clone/vm-snapshot/snapshot-revert,
vm-disk-add on a running VM, vm-uninstall, vm-install from a template, and
`ovcp console` driven through a pseudo-terminal (reads the ready marker,
runs a command, detaches with Ctrl-], terminal settings restored)."""
import os
import pty
import select
import subprocess
import termios
import time

os.environ["OVCP_ACCEL"] = "tcg"

from ovcptest import Daemon, Tap, eq, ok, wait_until  # noqa: E402
from ovcpguest import BOOT_TIMEOUT, MARKER, Serial, Suite  # noqa: E402

OVCP = os.environ.get("OVCP_CLI", "")
t = Tap()
D = Daemon()
SUITE = Suite(D)
S, h, s = SUITE.S, SUITE.h, SUITE.s


ovcp, ovcp_ok = SUITE.cli, SUITE.cli_ok


@t.test("daemon with the test guest; a VM made through the XenAPI")
def _():
    if not OVCP:
        S.skip("OVCP_CLI is not set")
    SUITE.start()
    S["vm"] = h().make_vm("cli-vm")


@t.test("vm-start vm=NAME: Running, the guest boots; an unknown or ambiguous name is refused")
def _():
    ovcp_ok("vm-start", "vm=cli-vm")
    eq(h().power(S["vm"]), "Running", "power_state")
    h().wait_ready(S["vm"])
    rc, _, err = ovcp("vm-start", "vm=no-such-vm")
    ok(rc == 1 and "no VM matches" in err, "unknown name: %d %r" % (rc, err))
    other = h().make_vm("cli-vm", disk=False)
    rc, _, err = ovcp("vm-pause", "vm=cli-vm")
    ok(rc == 1 and "more than one VM matches" in err, "ambiguous name: %d %r" % (rc, err))
    s().call("VM.destroy", other)
    rc, _, err = ovcp("vm-suspend", "vm=cli-vm", "--force")
    eq(rc, 2, "--force where it means nothing: %r" % err)


@t.test("vm-disk-add on the running VM: the guest sees the new disk")
def _():
    uuid = ovcp_ok("vm-disk-add", "vm=cli-vm", "disk-size=8M", "device=2")
    vdi = s().call("VDI.get_by_uuid", uuid)
    eq(int(s().call("VDI.get_virtual_size", vdi)), 8 << 20, "virtual size")
    sh = Serial(h(), S["vm"])
    ok(wait_until(lambda: "vdb" in sh.run("cat /proc/partitions"), 60, 0.5), "vdb in the guest")
    sh.close()
    S["extra_vdi"] = vdi


@t.test("ovcp console vm=NAME through a pty: the ready marker, a command's output, Ctrl-] detaches")
def _():
    h()  # skips with the setup's reason when there is no daemon
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["OVCP_SOCKET"] = D.sock
        os.execv(OVCP, [OVCP, "console", "vm=cli-vm"])
    try:
        buf = b""

        def read_until(needle, timeout):
            nonlocal buf
            deadline = time.monotonic() + timeout
            while needle not in buf and time.monotonic() < deadline:
                r, _, _ = select.select([fd], [], [], 0.5)
                if r:
                    try:
                        buf += os.read(fd, 65536)
                    except OSError:
                        break
            return needle in buf
        attrs = termios.tcgetattr(fd)
        os.write(fd, b"\n")
        ok(read_until(b"ovcp-guest#", 60), "a prompt through the console: %r" % buf[-300:])
        # reset the guest under the attached console: its boot shows through it, up to the marker
        s().call("VM.hard_reboot", S["vm"])
        ok(read_until(MARKER.encode(), BOOT_TIMEOUT), "the ready marker through the console: %r" % buf[-300:])
        # the shell starts after the marker and may drop a line typed too early: type until it answers
        deadline = time.monotonic() + BOOT_TIMEOUT
        while not read_until(b"cli-console-42", 5) and time.monotonic() < deadline:
            os.write(fd, b"echo cli-console-$((6*7))\n")
        ok(b"cli-console-42" in buf, "the command's output: %r" % buf[-300:])
        os.write(fd, b"echo done-$((1+1))\n")
        ok(read_until(b"done-2", 60), "a second command")
        os.write(fd, b"\x1d")
        _, st = os.waitpid(pid, 0)
        pid = 0
        eq(os.WEXITSTATUS(st), 0, "ovcp console exits 0 after Ctrl-]")
        ok(attrs is not None, "the pty had terminal settings")
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    ok(MARKER in h().serial_log(S["vm"]), "the guest printed its ready marker")


@t.test("ovcp console restores the terminal: raw while attached, cooked after Ctrl-]")
def _():
    h()
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([OVCP, "console", "vm=cli-vm"], stdin=slave, stdout=slave, stderr=slave,
                         env=dict(os.environ, OVCP_SOCKET=D.sock))
    try:
        ok(wait_until(lambda: not (termios.tcgetattr(slave)[3] & termios.ICANON), 20), "raw mode while attached")
        os.write(master, b"\x1d")
        eq(p.wait(20), 0, "exit status")
        eq(termios.tcgetattr(slave), before, "terminal settings restored")
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)
        os.close(slave)


@t.test("vm-snapshot, vm-clone of the halted VM, snapshot-revert; vm-shutdown --force: Halted")
def _():
    snap = ovcp_ok("vm-snapshot", "vm=cli-vm", "new-name-label=cli-snap")
    snap_ref = s().call("VM.get_by_uuid", snap)
    eq(s().call("VM.get_is_a_snapshot", snap_ref), True, "a snapshot")
    ovcp_ok("vm-shutdown", "vm=cli-vm", "--force")
    eq(h().power(S["vm"]), "Halted", "power_state after vm-shutdown --force")
    clone = ovcp_ok("vm-clone", "vm=cli-vm", "new-name-label=cli-clone")
    eq(s().call("VM.get_name_label", s().call("VM.get_by_uuid", clone)), "cli-clone", "clone's name")
    ovcp_ok("snapshot-revert", "snapshot-uuid=" + snap)
    eq(h().power(S["vm"]), "Halted", "reverted VM is halted")
    S["clone"] = clone


@t.test("vm-uninstall destroys the VM and its disks; vm-install makes a VM from a template")
def _():
    vdis = [s().call("VBD.get_VDI", b) for b in s().call("VM.get_VBDs", s().call("VM.get_by_uuid", S["clone"]))]
    out = ovcp_ok("vm-uninstall", "uuid=" + S["clone"])
    ok(all(v not in s().call("VDI.get_all") for v in vdis), "the clone's disks are gone")
    ok(out.count("Destroyed VDI") == len(vdis), "one line per disk: %r" % out)
    tmpl = h().make_vm("cli-template", disk=False, is_a_template=True)
    uuid = ovcp_ok("vm-install", "template=cli-template", "new-name-label=from-template")
    vm = s().call("VM.get_by_uuid", uuid)
    eq(s().call("VM.get_is_a_template", vm), False, "a VM, not a template")
    eq(s().call("VM.get_name_label", vm), "from-template", "its name")
    ovcp_ok("vm-uninstall", "vm=from-template")
    s().call("VM.destroy", tmpl)


@t.test("vm-start, vm-uninstall refused while it runs, --force stops it first")
def _():
    ovcp_ok("vm-start", "uuid=" + h().uuid(S["vm"]))
    rc, _, err = ovcp("vm-uninstall", "vm=cli-vm")
    ok(rc == 1 and "shut it down first" in err, "refused: %r" % err)
    ovcp_ok("vm-uninstall", "vm=cli-vm", "--force")
    ok(S["vm"] not in s().call("VM.get_all"), "the VM is gone")


t.main()
