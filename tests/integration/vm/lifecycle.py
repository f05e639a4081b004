"""Real VMs through the XenAPI: the test guest under TCG, started, paused,
rebooted, suspended, snapshotted, cloned and shut down through ovcpd, with
what the guest itself shows (serial console, its disk) checked each time;
ovcpd killed under a running VM and restarted; a QEMU dying while ovcpd is
down."""
import os
import pwd
import signal
import subprocess
import time

os.environ["OVCP_ACCEL"] = "tcg"  # no 3 s accelerator probe: this host runs guests under TCG

from ovcptest import Daemon, Tap, eq, expect_error, ok, wait_until  # noqa: E402
from ovcpguest import BOOT_TIMEOUT, MARKER, Serial, Suite  # noqa: E402

t = Tap()
D = Daemon()
SUITE = Suite(D)
S, h, s = SUITE.S, SUITE.h, SUITE.s


def qemu_alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


@t.test("daemon with the test guest's kernel and disk")
def _():
    SUITE.start()
    oc = wait_until(lambda: s().call("host.get_other_config", h().host).get("ovcp-accelerator"), 10)
    eq(oc, "tcg", "host.other_config:ovcp-accelerator")
    ok(s().call("host.get_other_config", h().host).get("ovcp-accelerator-reason"), "a reason is recorded")


@t.test("two VMs created through the XenAPI; both start at once and reach the ready marker")
def _():
    S["vm"] = h().make_vm("vm1")
    S["vm2"] = h().make_vm("vm2")
    eq(h().power(S["vm"]), "Halted", "new VM")
    ok("start" in s().call("VM.get_allowed_operations", S["vm"]), "start allowed while Halted")
    t1 = s().call("Async.VM.start", S["vm"], False, False)
    t2 = s().call("Async.VM.start", S["vm2"], False, False)
    for task in (t1, t2):
        st = wait_until(lambda: s().call("task.get_status", task) != "pending" and s().call("task.get_status", task),
                        BOOT_TIMEOUT)
        eq(st, "success", "start task %s: %r" % (task, s().call("task.get_error_info", task)))
    for vm in (S["vm"], S["vm2"]):
        eq(h().power(vm), "Running", "power_state")
    h().wait_ready(S["vm"])
    h().wait_ready(S["vm2"])


@t.test("a running VM's records: resident_on, domid, metrics, consoles, VBD attached, allowed operations")
def _():
    vm = S["vm"]
    rec = s().call("VM.get_record", vm)
    eq(rec["resident_on"], h().host, "resident_on")
    ok(int(rec["domid"]) > 0, "domid %r" % rec["domid"])
    ok(rec["domid"] != s().call("VM.get_domid", S["vm2"]), "domids differ")
    ok("clean_shutdown" in rec["allowed_operations"] and "start" not in rec["allowed_operations"],
       "allowed %r" % rec["allowed_operations"])
    eq(rec["current_operations"], {}, "no operation runs")
    m = s().call("VM_metrics.get_record", rec["metrics"])
    eq(int(m["VCPUs_number"]), 1, "VCPUs_number")
    eq(int(m["memory_actual"]), 256 << 20, "memory_actual")
    ok(m["start_time"] > "2000", "start_time %r" % m["start_time"])
    protos = sorted(s().call("console.get_protocol", c) for c in rec["consoles"])
    eq(protos, ["rfb", "vt100"], "consoles")
    for c in rec["consoles"]:
        eq(s().call("console.get_location", c), "/console?ref=" + c, "console location")
    for vbd in rec["VBDs"]:
        eq(s().call("VBD.get_currently_attached", vbd), True, "VBD attached")
    ok(qemu_alive(h().qemu_pid(vm)), "QEMU runs")


@t.test("QEMU runs as the user ovcp-qemu when it exists (else root); the host record says which")
def _():
    vm = S["vm"]
    try:
        pwd.getpwnam("ovcp-qemu")
        want = "ovcp-qemu"
    except KeyError:
        want = "root"
    eq(h().qemu_user(vm), want, "the QEMU process's user")
    eq(s().call("host.get_other_config", h().host).get("ovcp-qemu-user"), want, "host.other_config:ovcp-qemu-user")
    if want != "root":
        disk = os.path.join(h().sr_dir(s().call("SR.get_record", h().sr)), "disk-vm1.qcow2")
        eq(pwd.getpwuid(os.stat(disk).st_uid).pw_name, want, "the running VM's image belongs to it")
        eq(pwd.getpwuid(os.stat(h().vm_dir(vm)).st_uid).pw_name, want, "and its runtime directory")


@t.test("the guest agent fills VM_guest_metrics: OS (uname), PV_drivers_detected")
def _():
    vm = S["vm"]

    def gm():
        ref = s().call("VM.get_guest_metrics", vm)
        if ref == "OpaqueRef:NULL":
            return None
        rec = s().call("VM_guest_metrics.get_record", ref)
        return rec if rec["PV_drivers_detected"] else None
    rec = wait_until(gm, 120, 0.5)
    ok(rec, "no guest metrics within 120 s")
    eq(rec["os_version"].get("uname"), h().env.get("GUEST_KERNEL_VERSION"), "uname from guest-get-osinfo")
    ok(rec["last_updated"] > "2000", "last_updated")


@t.test("VM.start on a running VM: VM_BAD_POWER_STATE; VM.destroy refused while it runs")
def _():
    e = expect_error(s().call, "VM_BAD_POWER_STATE", "VM.start", S["vm"], False, False)
    eq(e.params[1:], ["Halted", "Running"], "expected, actual")
    expect_error(s().call, "VM_BAD_POWER_STATE", "VM.destroy", S["vm"])


@t.test("pause stops the guest (no console output), unpause runs it again")
def _():
    vm = S["vm"]
    sh = Serial(h(), vm)
    eq(sh.run("echo alive"), "alive", "shell answers")
    s().call("VM.pause", vm)
    eq(h().power(vm), "Paused", "power_state")
    ok("unpause" in s().call("VM.get_allowed_operations", vm), "unpause allowed")
    sh.send("echo paused-output\n")
    time.sleep(1.0)
    ok("paused-output\r\npaused" not in h().serial_log(vm).split("echo paused-output")[-1],
       "a paused guest does not answer")
    s().call("VM.unpause", vm)
    eq(h().power(vm), "Running", "power_state")
    eq(sh.run("echo again"), "again", "shell answers after unpause")
    sh.close()


@t.test("data written to the disk survives hard_reboot; the ready marker appears again")
def _():
    vm = S["vm"]
    sh = Serial(h(), vm)
    sh.run("echo persist-42 > /mnt/data.txt; sync")
    sh.close()
    s().call("VM.hard_reboot", vm)
    eq(h().power(vm), "Running", "power_state after hard_reboot")
    h().wait_ready(vm, count=2)
    sh = Serial(h(), vm)
    eq(sh.run("cat /mnt/data.txt"), "persist-42", "file after reboot")
    sh.close()


def suspend_resume(vm, sr):
    """Suspend vm, check its suspend VDI (raw, on sr, holding the state), resume; the VDI's path."""
    s().call("VM.suspend", vm)
    eq(h().power(vm), "Suspended", "power_state")
    svdi = s().call("VM.get_suspend_VDI", vm)
    ok(svdi != "OpaqueRef:NULL", "suspend_VDI set")
    rec = s().call("VDI.get_record", svdi)
    eq(rec["type"], "suspend", "suspend VDI type")
    eq(rec["SR"], sr, "suspend VDI's SR")
    ok(rec["location"].endswith(".raw"), "a raw image: %r" % rec["location"])
    path = os.path.join(h().sr_dir(s().call("SR.get_record", sr)), rec["location"])
    ok(os.path.getsize(path) > 0, "state written into %s" % path)
    with open(path, "rb") as f:
        eq(f.read(4), b"QEVM", "the image holds QEMU's migration stream")
    eq(s().call("VM.get_resident_on", vm), "OpaqueRef:NULL", "not resident while suspended")
    ok(not os.path.exists(h().vm_dir(vm)), "runtime dir removed")
    s().call("VM.resume", vm, False, False)
    eq(h().power(vm), "Running", "power_state after resume")
    eq(s().call("VM.get_suspend_VDI", vm), "OpaqueRef:NULL", "suspend_VDI cleared")
    ok(svdi not in s().call("VDI.get_all"), "suspend VDI destroyed")
    ok(not os.path.exists(path), "its image removed")


@t.test("suspend saves the guest to a suspend VDI; resume continues it (uptime goes on, no new boot)")
def _():
    vm = S["vm"]
    sh = Serial(h(), vm)
    up1 = float(sh.run("cat /proc/uptime").split()[0])
    sh.close()
    suspend_resume(vm, h().sr)
    sh = Serial(h(), vm)
    up2 = float(sh.run("cat /proc/uptime").split()[0])
    sh.close()
    ok(up2 >= up1, "uptime went on: %s then %s" % (up1, up2))
    ok(MARKER not in h().serial_log(vm), "the resumed guest did not boot again")


@t.test("the suspend VDI goes to the VM's suspend_SR, else the pool's suspend_image_SR")
def _():
    vm = S["vm"]
    pool = s().call("pool.get_all")[0]
    srs = []
    for label in ("suspend-sr-vm", "suspend-sr-pool"):
        path = os.path.join(D.state, label)
        srs.append(s().call("SR.create", h().host, {"path": path}, 0, label, "", "file", "user", False, {}))
    try:
        s().call("pool.set_suspend_image_SR", pool, srs[1])
        suspend_resume(vm, srs[1])
        s().call("VM.set_suspend_SR", vm, srs[0])
        suspend_resume(vm, srs[0])
    finally:
        s().call("VM.set_suspend_SR", vm, "OpaqueRef:NULL")
        s().call("pool.set_suspend_image_SR", pool, "OpaqueRef:NULL")
        for sr in srs:
            s().call("SR.destroy", sr)
    sh = Serial(h(), vm)
    eq(sh.run("echo after-two-resumes"), "after-two-resumes", "the guest answers")
    sh.close()


@t.test("snapshot of the running VM, change the file, revert: the snapshot's content is back")
def _():
    vm = S["vm"]
    sh = Serial(h(), vm)
    sh.run("echo snap-A > /mnt/snap.txt; sync")
    snap = s().call("VM.snapshot", vm, "vm1-snap", [])
    rec = s().call("VM.get_record", snap)
    eq(rec["is_a_snapshot"], True, "is_a_snapshot")
    eq(rec["snapshot_of"], vm, "snapshot_of")
    ok(snap in s().call("VM.get_snapshots", vm), "in VM.snapshots")
    eq(h().power(vm), "Running", "the VM runs on")
    for vbd in rec["VBDs"]:
        v = s().call("VBD.get_VDI", vbd)
        eq(s().call("VDI.get_is_a_snapshot", v), True, "the snapshot's VBD points to a snapshot VDI")
    eq(sh.run("cat /mnt/snap.txt"), "snap-A", "still readable after the snapshot")
    sh.run("echo snap-B > /mnt/snap.txt; sync")
    eq(sh.run("cat /mnt/snap.txt"), "snap-B", "changed")
    sh.close()
    expect_error(s().call, "VM_IS_TEMPLATE", "VM.start", snap, False, False)
    s().call("VM.revert", snap)
    eq(h().power(vm), "Halted", "revert halts the VM")
    s().call("VM.start", vm, False, False)
    h().wait_ready(vm)
    sh = Serial(h(), vm)
    eq(sh.run("cat /mnt/snap.txt"), "snap-A", "content after revert")
    eq(sh.run("cat /mnt/data.txt"), "persist-42", "older data kept")
    sh.close()
    S["snap"] = snap


@t.test("clean_shutdown through the guest agent: Halted, consoles gone, VBDs detached, QEMU gone")
def _():
    vm = S["vm"]
    pid = h().qemu_pid(vm)
    consoles = s().call("VM.get_consoles", vm)
    s().call("VM.clean_shutdown", vm)
    eq(h().power(vm), "Halted", "power_state")
    rec = s().call("VM.get_record", vm)
    eq(rec["consoles"], [], "consoles")
    eq(rec["resident_on"], "OpaqueRef:NULL", "resident_on")
    eq(int(rec["domid"]), -1, "domid")
    for c in consoles:
        ok(c not in s().call("console.get_all"), "console destroyed")
    for vbd in rec["VBDs"]:
        eq(s().call("VBD.get_currently_attached", vbd), False, "VBD detached")
    ok(wait_until(lambda: not qemu_alive(pid), 5), "QEMU exited")
    ok(not os.path.exists(h().vm_dir(vm)), "runtime dir removed")
    ok("start" in rec["allowed_operations"], "start allowed again")
    disk = os.path.join(h().sr_dir(s().call("SR.get_record", h().sr)), "disk-vm1.qcow2")
    eq(os.stat(disk).st_uid, 0, "the image is root's again")


@t.test("a clone boots on its own disk, independent of the source")
def _():
    vm = S["vm"]
    clone = s().call("VM.clone", vm, "vm1-clone")
    ok(clone != vm, "new ref")
    crec = s().call("VM.get_record", clone)
    eq(crec["power_state"], "Halted", "clone is Halted")
    eq(crec["is_a_template"], False, "clone is a VM")
    src_vdis = {s().call("VBD.get_VDI", b) for b in s().call("VM.get_VBDs", vm)}
    for b in crec["VBDs"]:
        ok(s().call("VBD.get_VDI", b) not in src_vdis, "the clone has its own VDI")
    s().call("VM.start", clone, False, False)
    h().wait_ready(clone)
    sh = Serial(h(), clone)
    eq(sh.run("cat /mnt/snap.txt"), "snap-A", "the clone has the source's data")
    sh.run("echo clone-only > /mnt/snap.txt; sync")
    sh.close()
    s().call("VM.hard_shutdown", clone)
    eq(h().power(clone), "Halted", "clone halted")
    S["clone"] = clone


@t.test("guest-initiated poweroff -f on the serial console: the VM becomes Halted")
def _():
    vm = S["vm2"]
    pid = h().qemu_pid(vm)
    sh = Serial(h(), vm)
    eq(sh.run("echo up"), "up", "shell answers")
    sh.send("poweroff -f\n")
    time.sleep(0.5)
    sh.close()
    ok(wait_until(lambda: h().power(vm) == "Halted", BOOT_TIMEOUT), "Halted after the guest powered off: %s" % h().power(vm))
    ok(wait_until(lambda: not qemu_alive(pid), 5), "QEMU exited")
    eq(s().call("VM.get_consoles", vm), [], "consoles")


@t.test("kill -9 ovcpd under a running VM; after restart the VM is still Running and answers")
def _():
    vm = S["vm2"]
    s().call("VM.start", vm, False, False)
    h().wait_ready(vm)
    pid = h().qemu_pid(vm)
    D.kill()
    ok(qemu_alive(pid), "QEMU outlives ovcpd")
    D.start()
    h().s = D.login()
    eq(h().power(vm), "Running", "still Running")
    eq(h().qemu_pid(vm), pid, "same QEMU")
    s().call("VM.pause", vm)
    eq(h().power(vm), "Paused", "the re-adopted QEMU obeys")
    s().call("VM.unpause", vm)
    sh = Serial(h(), vm)
    eq(sh.run("echo readopted"), "readopted", "the guest answers")
    sh.close()


@t.test("QEMU dies while ovcpd is down: Halted after restart, with a VM_CRASHED message")
def _():
    vm = S["vm2"]
    pid = h().qemu_pid(vm)
    D.stop()
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not qemu_alive(pid), 5)
    D.start()
    h().s = D.login()
    eq(h().power(vm), "Halted", "power_state")
    uuid = h().uuid(vm)
    msgs = [m for m in s().call("message.get_all_records").values() if m["obj_uuid"] == uuid]
    ok(msgs and msgs[0]["name"] == "VM_CRASHED" and msgs[0]["cls"] == "VM", "message %r" % msgs)
    ok("died while ovcpd was not running" in msgs[0]["body"], "body %r" % msgs[0]["body"])
    ok(not os.path.exists(h().vm_dir(vm)), "runtime dir removed")


@t.test("missing kernel: BOOTLOADER_FAILED, the VM stays Halted, no process or runtime dir left")
def _():
    vm = h().make_vm("nokernel", disk=False, PV_kernel="no-such-vmlinuz")
    expect_error(s().call, "BOOTLOADER_FAILED", "VM.start", vm, False, False)
    eq(h().power(vm), "Halted", "power_state")
    ok(not os.path.exists(h().vm_dir(vm)), "no runtime dir")
    out = subprocess.run(["pgrep", "-f", h().uuid(vm)], capture_output=True, text=True).stdout
    eq(out.strip(), "", "no QEMU with the VM's uuid")
    eq(s().call("VM.get_current_operations", vm), {}, "no operation left behind")
    s().call("VM.set_PV_kernel", vm, "/etc/passwd")
    expect_error(s().call, "BOOTLOADER_FAILED", "VM.start", vm, False, False)
    s().call("VM.destroy", vm)


@t.test("a template cannot start: VM_IS_TEMPLATE; its clone is a template (xapi) until VM.provision")
def _():
    tmpl = h().make_vm("tmpl", disk=False, is_a_template=True)
    expect_error(s().call, "VM_IS_TEMPLATE", "VM.start", tmpl, False, False)
    c = s().call("VM.clone", tmpl, "from-template")
    eq(s().call("VM.get_is_a_template", c), True, "clone of a template")
    expect_error(s().call, "VM_IS_TEMPLATE", "VM.start", c, False, False)
    s().call("VM.provision", c)
    eq(s().call("VM.get_is_a_template", c), False, "the clone after VM.provision")
    s().call("VM.destroy", c)
    s().call("VM.destroy", tmpl)


@t.test("no QEMU left running")
def _():
    for vm in s().call("VM.get_all"):
        if h().power(vm) != "Halted" and not s().call("VM.get_is_a_template", vm):
            s().call("VM.hard_shutdown", vm)
    for vm, rec in s().call("VM.get_all_records").items():
        eq(rec["power_state"], "Halted", "VM %s" % rec["name_label"])


t.main()
