"""VM.provision and VM.copy against a real ovcpd and the test guest under TCG.

Provision: a template's other_config:disks (the XML xapi's templates carry,
<provision><disk device= size= sr=SR-UUID bootable= type=/></provision>)
becomes VDIs and VBDs, checked in the records and in the images themselves
(qemu-img info); what xapi does after a provision (the spec removed, the VM
no longer a template, a second provision refused or a no-op) and the error
xapi gives for a bad spec, each time with every VDI and image file counted
before and after. A template clone provisioned with an extra disk boots.

Copy: full copies (no backing file) on the same SR and on a second file SR,
through VM.copy and Async.VM.copy (the task's progress and result), copies
that boot and whose disks are independent of the original's (data written
in each guest, then read back from each image), the original unchanged,
VM.copy of a running VM refused. Then the CLI: vm-install with sr-uuid=
(a copy) and of a template with a disks spec (xe provisions it).

The semantics asserted are xapi's (xapi_templates.ml, xapi_vm.ml,
xapi_vm_lifecycle.ml, xapi_vm_clone.ml), not whatever ovcpd happens to do.
"""
import hashlib
import json
import os
import subprocess
import tempfile
import time
import xmlrpc.client

os.environ["OVCP_ACCEL"] = "tcg"  # no accelerator probe: this host runs guests under TCG

from ovcptest import Daemon, Skip, Tap, XapiError, eq, expect_error, ok, wait_until  # noqa: E402
from ovcpguest import BOOT_TIMEOUT, Serial, Suite  # noqa: E402

MiB = 1 << 20
NULL = "OpaqueRef:NULL"
OVCP = os.environ.get("OVCP_CLI", "")

t = Tap()
D = Daemon()
SUITE = Suite(D)
S, h, s = SUITE.S, SUITE.h, SUITE.s


def need(*keys):
    for k in keys:
        if k not in S:
            raise Skip("an earlier point did not make %s" % k)
    return [S[k] for k in keys]


# ---- helpers ------------------------------------------------------------------

class Soft:
    """Checks that all run: a point reports every mismatch at once, after it has made what
    later points need (a deviation from xapi in one detail must not hide the rest)."""

    def __init__(self):
        self.problems = []

    def eq(self, got, want, what):
        if got != want:
            self.problems.append("%s: got %r, want %r" % (what, got, want))

    def ok(self, cond, what):
        if not cond:
            self.problems.append(what)

    def done(self):
        ok(not self.problems, "\n".join(self.problems))


def sr_uuid(sr):
    return s().call("SR.get_uuid", sr)


def sr_path(sr):
    return h().sr_dir(s().call("SR.get_record", sr))


def vdi_path(vdi):
    rec = s().call("VDI.get_record", vdi)
    return os.path.join(sr_path(rec["SR"]), rec["location"])


def img_info(path):
    """qemu-img's view of an image (-U: a running QEMU may hold its lock)."""
    p = subprocess.run(["qemu-img", "info", "-U", "--output=json", path], capture_output=True, text=True,
                       timeout=60)
    eq(p.returncode, 0, "qemu-img info %s: %s" % (path, p.stderr))
    return json.loads(p.stdout)


def disks(vm):
    """[(VBD record, VDI ref)] of the VM's non-empty disk VBDs, by userdevice."""
    out = []
    for vbd in s().call("VM.get_VBDs", vm):
        rec = s().call("VBD.get_record", vbd)
        if rec["type"] == "Disk" and not rec["empty"] and rec["VDI"] != NULL:
            out.append((rec, rec["VDI"]))
    return sorted(out, key=lambda x: int(x[0]["userdevice"]))


def storage_state():
    """Every VDI ref, and every file in every SR directory: what an error must not change."""
    files = {}
    for sr in s().call("SR.get_all"):
        d = sr_path(sr)
        if os.path.isdir(d):
            files[d] = sorted(os.listdir(d))
    return sorted(s().call("VDI.get_all")), files


def same_storage(before, what):
    after = storage_state()
    new_vdis = sorted(set(after[0]) - set(before[0]))
    gone_vdis = sorted(set(before[0]) - set(after[0]))
    ok(not new_vdis and not gone_vdis, "%s: VDIs made %r, lost %r" % (what, new_vdis, gone_vdis))
    eq(after[1], before[1], "%s: the files of the SR directories" % what)


def disk_spec(*items):
    """other_config:disks XML; items are dicts of the <disk/> attributes, in order."""
    out = "<provision>"
    for d in items:
        out += "<disk %s/>" % " ".join('%s="%s"' % (k, v) for k, v in d.items())
    return out + "</provision>"


def task_wait(task, timeout=BOOT_TIMEOUT):
    st = wait_until(lambda: s().call("task.get_status", task) != "pending", timeout, 0.05)
    ok(st, "task %s still pending after %d s" % (task, timeout))
    return s().call("task.get_record", task)


def task_ref_result(rec):
    """task.result is an XML-RPC <value> fragment: the ref it holds."""
    text = rec["result"]
    (value,), _ = xmlrpc.client.loads("<methodResponse><params><param>%s</param></params></methodResponse>" % text)
    return value


def start_all(vms):
    """Start the VMs at once (Async.VM.start) and wait for every ready marker."""
    tasks = [(vm, s().call("Async.VM.start", vm, False, False)) for vm in vms]
    for vm, task in tasks:
        rec = task_wait(task)
        eq(rec["status"], "success", "start of %s: %r" % (vm, rec["error_info"]))
    for vm in vms:
        h().wait_ready(vm)


def sha256(path):
    d = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            d.update(chunk)
    return d.hexdigest()


def read_in_image(path, name):
    """Text of /NAME in the ext4 file system of a (halted VM's) qcow2 image, or None."""
    with tempfile.TemporaryDirectory(prefix="ovcp-img-") as tmp:
        raw = os.path.join(tmp, "disk.raw")
        p = subprocess.run(["qemu-img", "convert", "-O", "raw", path, raw], capture_output=True, text=True,
                           timeout=120)
        eq(p.returncode, 0, "qemu-img convert %s: %s" % (path, p.stderr))
        p = subprocess.run(["debugfs", "-R", "cat /" + name, raw], capture_output=True, text=True, timeout=60)
        if "File not found" in p.stderr:
            return None
        eq(p.returncode, 0, "debugfs: %s" % p.stderr)
        return p.stdout.strip()


ovcp, ovcp_ok = SUITE.cli, SUITE.cli_ok


def check_full_copy(vm, want_sr, src_vdis):
    """vm's disks are new VDIs on want_sr, full qcow2 files without a backing file."""
    got = disks(vm)
    ok(got, "the copy has disks")
    for vbd, vdi in got:
        ok(vdi not in src_vdis, "userdevice %s: a new VDI, not the source's" % vbd["userdevice"])
        eq(s().call("VDI.get_SR", vdi), want_sr, "userdevice %s: the VDI's SR" % vbd["userdevice"])
        path = vdi_path(vdi)
        ok(os.path.isfile(path), "image %s exists" % path)
        info = img_info(path)
        eq(info["format"], "qcow2", "format of %s" % path)
        ok("backing-filename" not in info and "full-backing-filename" not in info,
           "%s is a full copy, not an overlay: %r" % (path, info.get("backing-filename")))
    return got


# ---- setup ------------------------------------------------------------------------

@t.test("daemon with the test guest; a second file SR in a temporary directory")
def _():
    SUITE.start()
    path = os.path.join(D.tmp, "sr2")
    S["sr2"] = s().call("SR.create", h().host, {"path": path}, 0, "second SR", "", "file", "user", False, {})
    ok(os.path.isdir(path), "SR.create made %s" % path)
    os.chmod(path, 0o711)  # QEMU (as ovcp-qemu) must cross it to reach its images
    ok(S["sr2"] != h().sr, "a second SR")


# ---- VM.provision ----------------------------------------------------------------

SPEC_SIZES = {"0": 32 * MiB, "1": 16 * MiB}


@t.test("VM.provision on a template: VDIs of the spec's sizes on the spec's SR, VBDs with its devices, "
        "bootable flags and types")
def _():
    sr2 = sr_uuid(S["sr2"])
    spec = disk_spec({"device": "0", "size": SPEC_SIZES["0"], "sr": sr2, "bootable": "true", "type": "system"},
                     {"device": "1", "size": SPEC_SIZES["1"], "sr": sr2, "bootable": "false", "type": "user"})
    tmpl = h().make_vm("prov-tmpl", disk=False, is_a_template=True,
                       other_config={"disks": spec, "ovcp-shutdown-timeout": "120"})
    S["prov"] = tmpl
    before = set(s().call("VDI.get_all"))
    s().call("VM.provision", tmpl)
    got = disks(tmpl)
    eq([v["userdevice"] for v, _ in got], ["0", "1"], "the VBDs' userdevices")
    S["prov_disks"] = [vdi for _, vdi in got]
    c = Soft()
    want = {"0": (True, "system"), "1": (False, "user")}
    for vbd, vdi in got:
        dev = vbd["userdevice"]
        c.ok(vdi not in before, "device %s: a new VDI" % dev)
        vrec = s().call("VDI.get_record", vdi)
        c.eq(int(vrec["virtual_size"]), SPEC_SIZES[dev], "device %s: virtual_size" % dev)
        c.eq(vrec["SR"], S["sr2"], "device %s: on the SR the spec names by uuid (not the default SR %s)" %
             (dev, h().sr))
        c.eq(vbd["bootable"], want[dev][0], "device %s: bootable" % dev)
        c.eq(vrec["type"], want[dev][1], "device %s: VDI type" % dev)
        c.eq(vbd["mode"], "RW", "device %s: mode" % dev)
        c.eq(vbd["VM"], tmpl, "device %s: VBD.VM" % dev)
    c.eq(len(set(s().call("VDI.get_all")) - before), 2, "VDIs made")
    c.done()


@t.test("the provisioned images are qcow2 files of exactly those virtual sizes (qemu-img info)")
def _():
    vdis, = need("prov_disks")
    c = Soft()
    for dev, vdi in zip(("0", "1"), vdis):
        path = vdi_path(vdi)
        c.eq(os.path.dirname(path), sr_path(S["sr2"]), "device %s: the image's directory (the second SR's)" % dev)
        ok(os.path.isfile(path), "device %s: %s exists" % (dev, path))
        info = img_info(path)
        c.eq(info["format"], "qcow2", "device %s: format" % dev)
        c.eq(info["virtual-size"], SPEC_SIZES[dev], "device %s: virtual-size" % dev)
        c.ok("backing-filename" not in info, "device %s: a fresh image, no backing file" % dev)
    c.done()


@t.test("after provision other_config:disks is gone and the VM is no longer a template (xapi's provision "
        "sets is_a_template=false)")
def _():
    tmpl, = need("prov")
    oc = s().call("VM.get_other_config", tmpl)
    ok("disks" not in oc, "other_config:disks removed: %r" % oc.get("disks"))
    eq(oc.get("ovcp-shutdown-timeout"), "120", "the other keys stay")
    eq(s().call("VM.get_is_a_template", tmpl), False, "is_a_template")


@t.test("a second VM.provision makes no more disks (a template again, its spec already consumed)")
def _():
    tmpl, vdis = need("prov", "prov_disks")
    s().call("VM.set_is_a_template", tmpl, True)
    before = storage_state()
    s().call("VM.provision", tmpl)
    same_storage(before, "second provision")
    eq([vdi for _, vdi in disks(tmpl)], vdis, "the same two disks")


@t.test("VM.provision on a VM that is not a template: PROVISION_ONLY_ALLOWED_ON_TEMPLATE, no disk made")
def _():
    spec = disk_spec({"device": "0", "size": 8 * MiB, "sr": sr_uuid(h().sr), "bootable": "true"})
    vm = h().make_vm("prov-not-template", disk=False, other_config={"disks": spec})
    before = storage_state()
    e = expect_error(s().call, "PROVISION_ONLY_ALLOWED_ON_TEMPLATE", "VM.provision", vm)
    eq(e.params, [], "no parameters")
    same_storage(before, "provision on a VM")
    eq(disks(vm), [], "no VBD")


def provision_error(label, spec, code, note):
    """A template with this spec: VM.provision must fail with code and make nothing.

    Returns what went wrong ("" when all is as xapi does), so that one point can try several specs."""
    tmpl = h().make_vm(label, disk=False, is_a_template=True, other_config={"disks": spec})
    before = storage_state()
    problems = []
    try:
        s().call("VM.provision", tmpl)
        problems.append("VM.provision succeeded, VBDs %r" % [v["userdevice"] for v, _ in disks(tmpl)])
    except XapiError as e:
        if e.code != code:
            problems.append("error %r, not %s" % (e.desc, code))
        S["last_error"] = e
    try:
        same_storage(before, "storage")
        ok(not disks(tmpl), "VBDs left: %r" % [v["userdevice"] for v, _ in disks(tmpl)])
    except AssertionError as e:
        problems.append(str(e))
    return "%s (%s): %s" % (label, note, "; ".join(problems)) if problems else ""


def provision_errors(*cases):
    problems = [p for p in (provision_error(*c) for c in cases) if p]
    ok(not problems, "\n".join(problems))


@t.test("VM.provision with XML that does not parse: INTERNAL_ERROR (xapi's Xml.parse_string), nothing made")
def _():
    sr = sr_uuid(h().sr)
    provision_errors(
        ("bad-xml-1", '<provision><disk device="0" size="%d" sr="%s" bootable="true"' % (MiB, sr),
         "INTERNAL_ERROR", "truncated XML"),
        ("bad-xml-2", '<provision><disk device="0" size="%d" sr="%s" bootable="true"></provision>' % (MiB, sr),
         "INTERNAL_ERROR", "unclosed <disk>"),
        ("bad-xml-3", "no XML here", "INTERNAL_ERROR", "not XML at all"))


@t.test("VM.provision naming an SR uuid that does not exist: UUID_INVALID [sr, uuid], nothing made")
def _():
    bogus = "deadbeef-0000-4000-8000-000000000001"
    S.pop("last_error", None)
    provision_errors(("bad-sr", disk_spec({"device": "0", "size": MiB, "sr": bogus, "bootable": "true"}),
                      "UUID_INVALID", "no such SR"))
    eq(S["last_error"].params, ["sr", bogus], "UUID_INVALID's parameters")


@t.test("VM.provision with a size that is not a number: INTERNAL_ERROR (xapi's parse failure), nothing made")
def _():
    sr = sr_uuid(h().sr)
    provision_errors(
        ("bad-size-1", disk_spec({"device": "0", "size": MiB, "sr": sr, "bootable": "true"},
                                 {"device": "1", "size": "lots", "sr": sr, "bootable": "false"}),
         "INTERNAL_ERROR", "second disk's size 'lots'"),
        ("bad-size-2", disk_spec({"device": "0", "size": "16M", "sr": sr, "bootable": "true"}),
         "INTERNAL_ERROR", "size '16M'"))


# ---- VM.copy, clone + provision, boots ------------------------------------------------

DATA_SIZE = 256 * MiB


@t.test("VM.copy of a halted VM with sr=NULL: full copies on the source's SR, the same content")
def _():
    orig = h().make_vm("orig")
    # a second disk full of data, so that copies take long enough to show progress
    data = s().call("VDI.create", {"SR": h().sr, "virtual_size": DATA_SIZE, "type": "user", "sharable": False,
                                   "read_only": False, "other_config": {}, "name_label": "orig data"})
    p = subprocess.run(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 %d" % DATA_SIZE, vdi_path(data)],
                       capture_output=True, text=True, timeout=120)
    eq(p.returncode, 0, "qemu-io: %s" % p.stderr)
    s().call("VBD.create", {"VM": orig, "VDI": data, "userdevice": "1", "bootable": False, "mode": "RW",
                            "type": "Disk", "empty": False, "other_config": {}, "qos_algorithm_type": "",
                            "qos_algorithm_params": {}})
    S["orig"] = orig
    src = disks(orig)
    src_vdis = [vdi for _, vdi in src]
    S["orig_snapshot"] = {
        "record": {k: v for k, v in s().call("VM.get_record", orig).items()
                   if k not in ("allowed_operations", "current_operations")},
        "vdis": [s().call("VDI.get_record", v) for v in src_vdis],
        "hashes": [sha256(vdi_path(v)) for v in src_vdis],
    }
    copy = s().call("VM.copy", orig, "copy-same-sr", NULL)
    ok(copy != orig, "a new VM")
    rec = s().call("VM.get_record", copy)
    eq(rec["name_label"], "copy-same-sr", "name_label")
    eq(rec["power_state"], "Halted", "power_state")
    eq(rec["is_a_template"], False, "is_a_template")
    got = check_full_copy(copy, h().sr, src_vdis)
    eq([v["userdevice"] for v, _ in got], ["0", "1"], "the same devices")
    for (svbd, svdi), (cvbd, cvdi) in zip(src, got):
        eq(cvbd["bootable"], svbd["bootable"], "bootable of device %s" % svbd["userdevice"])
        eq(s().call("VDI.get_virtual_size", cvdi), s().call("VDI.get_virtual_size", svdi), "virtual_size")
        p = subprocess.run(["qemu-img", "compare", "-U", vdi_path(svdi), vdi_path(cvdi)], capture_output=True,
                           text=True, timeout=120)
        eq(p.returncode, 0, "device %s: the copy holds the same data: %s" % (svbd["userdevice"], p.stdout))
    S["copy1"] = copy


@t.test("Async.VM.copy onto the second SR: the task's progress moves up to 1, its result is the new VM")
def _():
    orig, = need("orig")
    task = s().call("Async.VM.copy", orig, "copy-sr2", S["sr2"])
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        rec = s().call("task.get_record", task)
        if not seen or seen[-1] != rec["progress"]:
            seen.append(rec["progress"])
        if rec["status"] != "pending":
            break
        time.sleep(0.01)
    eq(rec["status"], "success", "task status: %r" % rec["error_info"])
    vm = task_ref_result(rec)
    ok(vm.startswith("OpaqueRef:") and vm in s().call("VM.get_all"), "task.result is a VM ref: %r" % rec["result"])
    eq(s().call("VM.get_name_label", vm), "copy-sr2", "the new VM's name")
    S["copy2"] = vm
    check_full_copy(vm, S["sr2"], [v for _, v in disks(orig)])
    t.diag("progress seen: %s" % ", ".join("%.2f" % p for p in seen))
    eq(float(rec["progress"]), 1.0, "final progress")
    ok(any(0.0 < float(p) < 1.0 for p in seen), "progress went through values between 0 and 1: %r" % seen)
    ok(all(float(a) <= float(b) for a, b in zip(seen, seen[1:])), "progress never goes back: %r" % seen)


@t.test("the original is unchanged by the copies: record, VBDs, VDIs and image bytes")
def _():
    orig, snap = need("orig", "orig_snapshot")
    now = {k: v for k, v in s().call("VM.get_record", orig).items()
           if k not in ("allowed_operations", "current_operations")}
    for k in sorted(set(now) | set(snap["record"])):
        eq(now.get(k), snap["record"].get(k), "VM.%s" % k)
    vdis = [vdi for _, vdi in disks(orig)]
    eq([s().call("VDI.get_uuid", v) for v in vdis], [v["uuid"] for v in snap["vdis"]], "the same VDIs")
    for v, old, digest in zip(vdis, snap["vdis"], snap["hashes"]):
        rec = s().call("VDI.get_record", v)
        for k in ("location", "SR", "virtual_size", "type", "read_only"):
            eq(rec[k], old[k], "VDI.%s" % k)
        eq(sha256(vdi_path(v)), digest, "the bytes of %s" % rec["location"])
    eq(s().call("VM.get_current_operations", orig), {}, "no operation left on the original")


@t.test("VM.clone of a template with the guest disk and a disks spec, VM.provision: the extra disk is made")
def _():
    spec = disk_spec({"device": "1", "size": 24 * MiB, "sr": sr_uuid(h().sr), "bootable": "false",
                      "type": "user"})
    tmpl = h().make_vm("boot-tmpl", is_a_template=True, other_config={"disks": spec, "ovcp-shutdown-timeout": "120"})
    vm = s().call("VM.clone", tmpl, "from-boot-tmpl")
    if not s().call("VM.get_is_a_template", vm):
        # xapi's clone of a template is a template, which provision turns into a VM; ovcpd's clone is
        # already a VM (reported): make it what xapi would have made, so this point tests provision
        s().call("VM.set_is_a_template", vm, True)
    s().call("VM.provision", vm)
    got = disks(vm)
    eq([v["userdevice"] for v, _ in got], ["0", "1"], "the cloned disk and the provisioned one")
    c = Soft()
    c.eq(s().call("VM.get_is_a_template", vm), False, "provision made it a VM")
    if s().call("VM.get_is_a_template", vm):
        s().call("VM.set_is_a_template", vm, False)  # so that the next points can start it
    S["tclone"] = vm
    c.eq(int(s().call("VDI.get_virtual_size", got[1][1])), 24 * MiB, "the provisioned disk's size")
    c.eq(s().call("VDI.get_SR", got[1][1]), h().sr, "the provisioned disk's SR")
    c.ok(disks(tmpl)[0][1] != got[0][1], "the clone has its own disk 0")
    c.eq(len(disks(tmpl)), 1, "disks of the template itself")
    c.done()


@t.test("the provisioned clone, both copies and the original boot at once (ready marker)")
def _():
    names = ("tclone", "copy1", "copy2", "orig")
    vms = [S[k] for k in names if k in S]
    if not vms:
        raise Skip(S.get("skip", "no earlier point made a VM to start"))
    t0 = time.monotonic()
    start_all(vms)
    t.diag("%d guests ready in %.0f s" % (len(vms), time.monotonic() - t0))
    missing = [k for k in names if k not in S]
    ok(not missing, "not made by earlier points, so not booted: %s" % ", ".join(missing))


@t.test("the provisioned clone's guest sees its second disk, of the spec's size")
def _():
    vm, = need("tclone")
    sh = Serial(h(), vm)
    eq(sh.run("cat /sys/block/vdb/size"), str(24 * MiB // 512), "512-byte sectors of /dev/vdb")
    eq(sh.run("cat /mnt/ovcp-disk.txt"), h().env.get("GUEST_DISK_TEXT", "OVCP-TEST-DISK"), "disk 0 is the guest's")
    sh.close()


@t.test("VM.copy of a running VM: VM_BAD_POWER_STATE (copy requires Halted), nothing made")
def _():
    orig, = need("orig")
    eq(h().power(orig), "Running", "the original runs")
    before = storage_state()
    vms = set(s().call("VM.get_all"))
    e = expect_error(s().call, "VM_BAD_POWER_STATE", "VM.copy", orig, "copy-of-running", NULL)
    eq(e.params[0], orig, "the VM in the error")
    same_storage(before, "copy of a running VM")
    eq(set(s().call("VM.get_all")), vms, "no VM made")
    eq(s().call("VM.get_current_operations", orig), {}, "no operation left behind")


@t.test("VM.provision on a running VM: VM_BAD_POWER_STATE, nothing made")
def _():
    vm, = need("tclone")
    eq(h().power(vm), "Running", "the clone runs")
    spec = disk_spec({"device": "2", "size": 8 * MiB, "sr": sr_uuid(h().sr), "bootable": "false"})
    s().call("VM.add_to_other_config", vm, "disks", spec)
    before = storage_state()
    e = expect_error(s().call, "VM_BAD_POWER_STATE", "VM.provision", vm)
    eq(e.params[0], vm, "the VM in the error")
    same_storage(before, "provision of a running VM")
    eq(len(disks(vm)), 2, "no VBD added")
    s().call("VM.remove_from_other_config", vm, "disks")


@t.test("the copies hold the original's data; data written in each guest is in its own image only")
def _():
    orig, copy1, copy2 = need("orig", "copy1", "copy2")
    names = {orig: "orig", copy1: "copy1", copy2: "copy2"}
    for vm, name in names.items():
        sh = Serial(h(), vm)
        eq(sh.run("cat /mnt/ovcp-disk.txt"), h().env.get("GUEST_DISK_TEXT", "OVCP-TEST-DISK"),
           "%s: the test guest's file" % name)
        sh.run("echo written-in-%s > /mnt/who.txt; echo only-%s > /mnt/%s.txt; sync" % (name, name, name))
        eq(sh.run("cat /mnt/who.txt"), "written-in-" + name, "%s: reads back its write" % name)
        # unmounted, the journal is checkpointed: debugfs reads the image without replaying it
        eq(sh.run("umount /mnt && echo unmounted"), "unmounted", "%s: /mnt unmounted" % name)
        sh.close()
    for vm in names:
        s().call("VM.hard_shutdown", vm)
    for vm, name in names.items():
        path = vdi_path(disks(vm)[0][1])
        eq(read_in_image(path, "who.txt"), "written-in-" + name, "/who.txt in %s's image" % name)
        for other in names.values():
            got = read_in_image(path, other + ".txt")
            if other == name:
                eq(got, "only-" + name, "%s's own file in its image" % name)
            else:
                eq(got, None, "%s's file is not in %s's image" % (other, name))


# ---- the CLI ------------------------------------------------------------------------

def cli_ready():
    if not OVCP:
        raise Skip("OVCP_CLI is not set")
    h()


@t.test("ovcp vm-install template= sr-uuid=: a VM (not a template) with full copies of the disks on that SR")
def _():
    cli_ready()
    tmpl = h().make_vm("cli-copy-tmpl", is_a_template=True)
    src = [vdi for _, vdi in disks(tmpl)]
    uuid = ovcp_ok("vm-install", "template=cli-copy-tmpl", "new-name-label=cli-copied",
                   "sr-uuid=" + sr_uuid(S["sr2"]))
    vm = s().call("VM.get_by_uuid", uuid)
    eq(s().call("VM.get_is_a_template", vm), False, "a VM, not a template")
    eq(s().call("VM.get_name_label", vm), "cli-copied", "its name")
    check_full_copy(vm, S["sr2"], src)


@t.test("ovcp vm-install of a template with other_config:disks: the new VM has the disks (xe provisions), "
        "on sr-uuid= or else the default SR (xe rewrites the spec's sr)")
def _():
    cli_ready()
    spec = disk_spec({"device": "0", "size": 12 * MiB, "sr": sr_uuid(S["sr2"]), "bootable": "true",
                      "type": "system"})
    tmpl = h().make_vm("cli-prov-tmpl", disk=False, is_a_template=True, other_config={"disks": spec})
    for label, extra, want_sr in (("cli-provisioned", [], h().sr),
                                  ("cli-provisioned-sr2", ["sr-uuid=" + sr_uuid(S["sr2"])], S["sr2"])):
        uuid = ovcp_ok("vm-install", "template=cli-prov-tmpl", "new-name-label=" + label, *extra)
        vm = s().call("VM.get_by_uuid", uuid)
        eq(s().call("VM.get_is_a_template", vm), False, "%s: a VM, not a template" % label)
        got = disks(vm)
        eq([v["userdevice"] for v, _ in got], ["0"], "%s: the spec's disk" % label)
        if got:
            eq(int(s().call("VDI.get_virtual_size", got[0][1])), 12 * MiB, "%s: its size" % label)
            eq(s().call("VDI.get_SR", got[0][1]), want_sr, "%s: its SR" % label)
        ok("disks" not in s().call("VM.get_other_config", vm), "%s: the spec is consumed" % label)
    eq(s().call("VM.get_other_config", tmpl).get("disks"), spec, "the template's spec is unchanged")


@t.test("ovcp vm-copy vm= new-name-label= sr-uuid=: a full copy on that SR")
def _():
    cli_ready()
    rc, out, err = ovcp("help", "vm-copy")
    if rc != 0:
        raise Skip("the CLI has no vm-copy command (xe has one): %s" % (err or out).splitlines()[0])
    orig, = need("orig")
    src = [vdi for _, vdi in disks(orig)]
    uuid = ovcp_ok("vm-copy", "uuid=" + h().uuid(orig), "new-name-label=cli-vm-copy", "sr-uuid=" + sr_uuid(S["sr2"]))
    vm = s().call("VM.get_by_uuid", uuid)
    eq(s().call("VM.get_name_label", vm), "cli-vm-copy", "its name")
    check_full_copy(vm, S["sr2"], src)


@t.test("no QEMU left running")
def _():
    for vm, rec in s().call("VM.get_all_records").items():
        if rec["power_state"] != "Halted":
            s().call("VM.hard_shutdown", vm)
    for vm, rec in s().call("VM.get_all_records").items():
        eq(rec["power_state"], "Halted", "VM %s" % rec["name_label"])


t.main()
