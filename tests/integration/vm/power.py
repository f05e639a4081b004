"""Power operations of a real guest beyond start/stop (lifecycle.py has
those): start_on, clean_reboot, a reboot the guest makes itself (noticed:
a new boot in VM_metrics.start_time; actions_after_reboot "destroy" halts
it), clean shutdown through the ACPI power button when the guest agent is
gone, the shutdown timeout when the guest ignores both, and the file
system freeze through the agent around a snapshot of a running guest."""
import os
import re
import time

os.environ["OVCP_ACCEL"] = "tcg"  # no accelerator probe: this host runs guests under TCG

from ovcptest import Daemon, Tap, eq, expect_error, ok, wait_until  # noqa: E402
from ovcpguest import BOOT_TIMEOUT, Serial, Suite  # noqa: E402

t = Tap()
D = Daemon()
SUITE = Suite(D)
S, h, s = SUITE.S, SUITE.h, SUITE.s


def vm():
    return S.need("vm", "no VM")


def log_text():
    with open(D.log) as f:
        return f.read()


def start_time(v):
    return s().call("VM_metrics.get_start_time", s().call("VM.get_metrics", v))


def markers(v):
    return h().serial_log(v).count("OVCP-GUEST-READY")


def type_line(v, line):
    """Type a line on the guest's serial console and give the guest time to read it: closing the
    socket at once would drop what the guest's UART has not taken yet."""
    sh = Serial(h(), v)
    sh.send(line + "\n")
    time.sleep(1)
    sh.close()


def stop_in_guest(sh, *programs):
    """Kill programs in the guest until none runs (one may start only after the ready marker); their pids or "none"."""
    names = " ".join(programs)
    return sh.run("for i in 1 2 3 4 5 6 7 8 9 10; do killall -q -9 %s; sleep 0.5; pidof %s >/dev/null || break; done; "
                  "pidof %s || echo none" % (names, names, names), timeout=60)


def restart(v):
    """Halt the VM if it runs, start it and wait for a shell on its serial console."""
    if h().power(v) != "Halted":
        s().call("VM.hard_shutdown", v)
    s().call("VM.start", v, False, False)
    h().wait_ready(v)
    sh = Serial(h(), v)
    sh.close()


@t.test("daemon with the test guest; a VM with its disk")
def _():
    SUITE.start()
    S["vm"] = h().make_vm("power")


@t.test("VM.start_on: HANDLE_INVALID for a host that does not exist; on this host: Running, resident_on it")
def _():
    expect_error(s().VM.start_on, "HANDLE_INVALID", vm(), "OpaqueRef:00000000-0000-0000-0000-000000000001",
                 False, False)
    eq(h().power(vm()), "Halted", "still Halted after the refused start_on")
    s().call("VM.start_on", vm(), h().host, False, False)
    eq(h().power(vm()), "Running", "power_state")
    eq(s().call("VM.get_resident_on", vm()), h().host, "resident_on")
    h().wait_ready(vm())


@t.test("VM.clean_reboot: the guest reboots in place (same QEMU, a second boot), Running, a new start_time")
def _():
    pid = h().qemu_pid(vm())
    Serial(h(), vm()).close()  # the shell answers: the agent has had time to start
    before = start_time(vm())
    time.sleep(1.1)  # start_time has one-second resolution
    s().call("VM.clean_reboot", vm())
    h().wait_ready(vm(), count=2)
    eq(h().power(vm()), "Running", "power_state")
    eq(h().qemu_pid(vm()), pid, "the same QEMU process")
    ok(start_time(vm()) > before, "VM_metrics.start_time moved on: %s -> %s" % (before, start_time(vm())))


@t.test("the guest reboots itself (reboot -f): ovcpd notices the new boot, the VM stays Running")
def _():
    n = markers(vm())
    pid = h().qemu_pid(vm())
    before = start_time(vm())
    time.sleep(1.1)
    type_line(vm(), "reboot -f")
    h().wait_ready(vm(), count=n + 1)
    eq(h().power(vm()), "Running", "power_state")
    eq(h().qemu_pid(vm()), pid, "the same QEMU process")
    ok(wait_until(lambda: start_time(vm()) > before, 10), "VM_metrics.start_time moved on: %s" % start_time(vm()))
    ok("the guest rebooted" in log_text(), "ovcpd's log says the guest rebooted")


@t.test("actions_after_reboot destroy: the guest's reboot halts the VM (and actions_after_shutdown restart "
        "does not bring it back)")
def _():
    s().call("VM.hard_shutdown", vm())
    s().call("VM.set_actions_after_reboot", vm(), "destroy")
    s().call("VM.set_actions_after_shutdown", vm(), "restart")
    try:
        restart(vm())
        pid = h().qemu_pid(vm())
        type_line(vm(), "reboot -f")
        ok(wait_until(lambda: h().power(vm()) == "Halted", BOOT_TIMEOUT), "Halted: %s" % h().power(vm()))
        ok(wait_until(lambda: not os.path.exists("/proc/%d" % pid), 10), "QEMU exited")
        time.sleep(2)
        eq(h().power(vm()), "Halted", "still Halted: not restarted")
    finally:
        s().call("VM.set_actions_after_reboot", vm(), "restart")
        s().call("VM.set_actions_after_shutdown", vm(), "destroy")


@t.test("clean_shutdown with the guest agent gone: the ACPI power button halts the guest")
def _():
    restart(vm())
    sh = Serial(h(), vm())
    eq(stop_in_guest(sh, "qemu-ga"), "none", "qemu-ga stopped in the guest")
    sh.close()
    s().call("VM.clean_shutdown", vm())
    eq(h().power(vm()), "Halted", "power_state")
    ok("ACPI power button" in log_text(), "ovcpd's log says it used the ACPI power button")


@t.test("clean_shutdown of a guest that ignores it: VM_SHUTDOWN_TIMEOUT after ovcp-shutdown-timeout, "
        "still Running")
def _():
    s().call("VM.remove_from_other_config", vm(), "ovcp-shutdown-timeout")
    s().call("VM.add_to_other_config", vm(), "ovcp-shutdown-timeout", "3")
    try:
        restart(vm())
        sh = Serial(h(), vm())
        eq(stop_in_guest(sh, "qemu-ga", "acpid"), "none", "qemu-ga and acpid stopped in the guest")
        sh.close()
        t0 = time.monotonic()
        expect_error(s().VM.clean_shutdown, "VM_SHUTDOWN_TIMEOUT", vm())
        ok(time.monotonic() - t0 >= 3, "waited the timeout (%.1f s)" % (time.monotonic() - t0))
        eq(h().power(vm()), "Running", "still Running")
        s().call("VM.hard_shutdown", vm())
        eq(h().power(vm()), "Halted", "hard_shutdown still ends it")
    finally:
        s().call("VM.remove_from_other_config", vm(), "ovcp-shutdown-timeout")
        s().call("VM.add_to_other_config", vm(), "ovcp-shutdown-timeout", "120")


@t.test("snapshot of a running guest with its agent: file systems frozen and thawed around it")
def _():
    restart(vm())
    sh = Serial(h(), vm())
    sh.run("echo before-snap > /mnt/freeze.txt; sync")
    snap = s().call("VM.snapshot", vm(), "frozen")
    text = log_text()
    m = re.search(r"guest agent froze (\d+) file systems for the snapshot", text)
    ok(m and int(m.group(1)) >= 1, "ovcpd's log says the agent froze the guest's file systems (its /mnt is ext4)")
    ok("guest agent thawed the file systems" in text, "and thawed them")
    # a frozen /mnt would block this write: the guest's disk is usable again
    eq(sh.run("echo after-snap > /mnt/freeze.txt; sync; cat /mnt/freeze.txt", timeout=60), "after-snap",
       "the guest writes to its disk after the snapshot")
    sh.close()
    ok(s().call("VM.get_is_a_snapshot", snap), "the snapshot exists")
    s().call("VM.hard_shutdown", vm())


@t.test("no QEMU left running")
def _():
    for v in s().call("VM.get_all"):
        if s().call("VM.get_power_state", v) != "Halted":
            s().call("VM.hard_shutdown", v)
    D.stop()


t.run()
