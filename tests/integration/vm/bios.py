"""Full-virtualization guests through the XenAPI: no PV_kernel, HVM_boot_policy
"BIOS order", a q35 machine whose BIOS (SeaBIOS) boots a raw disk's MBR or an
El Torito CD attached as a CD VBD. The boot code (bootimg.py) prints a marker
on COM1, which the test reads from the VM's serial log: the marker is only
there if the BIOS really loaded and ran the chosen device's boot code.
"""
import http.client
import os
import tempfile
import urllib.parse

os.environ["OVCP_ACCEL"] = "tcg"  # no accelerator probe: this host runs guests under TCG

import bootimg  # noqa: E402
import vmtest  # noqa: E402
from ovcptest import Daemon, Skip, Tap, eq, minimal_vm, minimal_vbd, ok, wait_until  # noqa: E402

DISK_MARKER = "OVCP-BIOS-DISK-BOOT"
CD_MARKER = "OVCP-BIOS-CD-BOOT"
# A BIOS boot of these images is well under a second of guest time even under
# TCG; the bound is for a loaded 2-core host. Waits poll; this is only the bound.
MARKER_TIMEOUT = 120

t = Tap()
D = Daemon()
S = {}


def s():
    if "s" not in S:
        raise Skip("no daemon")
    return S["s"]


def sr_dir():
    rec = s().call("SR.get_record", S["sr"])
    for pbd in rec["PBDs"]:
        path = s().call("PBD.get_device_config", pbd).get("path")
        if path:
            return path
    return os.path.join(D.state, "sr", "local")


def import_vdi(label, path):
    """A new VDI on the default SR (the file's size) filled from path by PUT /import_raw_vdi."""
    size = os.path.getsize(path)
    vdi = s().call("VDI.create", {"SR": S["sr"], "virtual_size": size, "type": "user", "sharable": False,
                                  "read_only": False, "other_config": {}, "name_label": label})
    with open(path, "rb") as f:
        st, _, body = put_raw(vdi, f.read())
    eq(st, 200, "import of %s: %r" % (label, body))
    eq(s().call("VDI.get_virtual_size", vdi), size, "VDI size")
    return vdi


def put_raw(vdi, body):
    """PUT /import_raw_vdi?format=raw of body into vdi: (status, headers, body)."""
    c = http.client.HTTPConnection("127.0.0.1", D.port, timeout=120)
    c.request("PUT", "/import_raw_vdi?" + urllib.parse.urlencode(
        {"session_id": S["s"].ref, "vdi": vdi, "format": "raw"}), body=body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict(r.getheaders()), data


def make_vm(label, order, disk=None, cd=None):
    """A BIOS-booted VM (no kernel) with the given boot order and optional disk (userdevice 0) and CD (3)."""
    vm = s().call("VM.create", minimal_vm(label, HVM_boot_params={"order": order},
                                          other_config={"ovcp-shutdown-timeout": "30"}))
    eq(s().call("VM.get_PV_kernel", vm), "", "PV_kernel")
    eq(s().call("VM.get_HVM_boot_policy", vm), "BIOS order", "HVM_boot_policy")
    if disk:
        s().call("VBD.create", minimal_vbd(vm, disk, userdevice="0", bootable=True, mode="RW", type="Disk",
                                           empty=False))
    if cd:
        s().call("VBD.create", minimal_vbd(vm, cd, userdevice="3", bootable=True, mode="RO", type="CD",
                                           empty=False))
    S.setdefault("vms", []).append(vm)
    return vm


def serial_log(vm):
    path = os.path.join(D.state, "run", s().call("VM.get_uuid", vm), "serial.log")
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def boot_and_expect(vm, marker, absent=None):
    s().call("VM.start", vm, False, False)
    eq(s().call("VM.get_power_state", vm), "Running", "power_state after VM.start")
    got = wait_until(lambda: marker in serial_log(vm), MARKER_TIMEOUT, 0.1)
    ok(got, "%s not in the serial log within %d s; log: %r" % (marker, MARKER_TIMEOUT, serial_log(vm)[-600:]))
    if absent:
        ok(absent not in serial_log(vm), "%s booted too: %r" % (absent, serial_log(vm)))
    eq(s().call("VM.get_power_state", vm), "Running", "a halted guest CPU leaves the VM running")


def halt(vm):
    s().call("VM.hard_shutdown", vm)
    eq(s().call("VM.get_power_state", vm), "Halted", "power_state after VM.hard_shutdown")


@t.test("daemon up; a raw disk with a marker-printing MBR imported into a VDI of the default SR")
def _():
    S["tmp"] = tempfile.mkdtemp(prefix="ovcp-bios-", dir=D.tmp)
    D.start()
    S["s"] = D.login()
    vmtest._run_dirs.append(os.path.join(D.state, "run"))  # QEMUs killed at exit on every path
    S["sr"] = s().call("pool.get_default_SR", s().call("pool.get_all")[0])
    # QEMU may run as ovcp-qemu: let it cross the test's directories (search only)
    for d in (D.tmp, D.state, sr_dir()):
        os.chmod(d, 0o711)
    S["disk"] = import_vdi("bios-disk", bootimg.write_disk(os.path.join(S["tmp"], "disk.img"), DISK_MARKER))


@t.test("BIOS order 'c': SeaBIOS boots the disk's MBR, which prints on COM1")
def _():
    if "disk" not in S:
        raise Skip("no disk VDI")
    vm = make_vm("bios-disk", "c", disk=S["disk"])
    boot_and_expect(vm, DISK_MARKER)
    halt(vm)


@t.test("El Torito ISO imported into a VDI, attached as a read-only CD VBD")
def _():
    s()
    if bootimg.iso_tool() is None:
        S["no-iso"] = "neither xorriso nor genisoimage is installed (tools/debian-packages.txt: xorriso)"
        raise Skip(S["no-iso"])
    S["iso"] = import_vdi("bios-cd", bootimg.write_iso(os.path.join(S["tmp"], "cd.iso"), CD_MARKER))


@t.test("BIOS order 'd': SeaBIOS boots the CD's no-emulation boot image")
def _():
    if "iso" not in S:
        raise Skip(S.get("no-iso", "no ISO VDI"))
    vm = make_vm("bios-cd", "d", cd=S["iso"])
    vbds = s().call("VM.get_VBDs", vm)
    eq([s().call("VBD.get_type", b) for b in vbds], ["CD"], "VBD type")
    boot_and_expect(vm, CD_MARKER)
    eq(s().call("VBD.get_currently_attached", vbds[0]), True, "CD VBD attached while running")
    halt(vm)


@t.test("disk and CD on one VM: the boot order picks the device ('dc' the CD, 'cd' the disk)")
def _():
    if "iso" not in S or "disk" not in S:
        raise Skip(S.get("no-iso", "no VDIs"))
    vm = make_vm("bios-both", "dc", disk=S["disk"], cd=S["iso"])
    boot_and_expect(vm, CD_MARKER, absent=DISK_MARKER)
    halt(vm)
    s().call("VM.set_HVM_boot_params", vm, {"order": "cd"})
    boot_and_expect(vm, DISK_MARKER, absent=CD_MARKER)
    halt(vm)


@t.test("every VM halted, daemon stopped")
def _():
    for vm in S.get("vms", []):
        if s().call("VM.get_power_state", vm) != "Halted":
            s().call("VM.hard_shutdown", vm)
    for vm in S.get("vms", []):
        eq(s().call("VM.get_power_state", vm), "Halted", "VM %s" % vm)
    D.stop()
    ok(not D.alive(), "ovcpd stopped")


t.main()
