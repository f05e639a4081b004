"""Storage driver integration tests: file SRs and VDIs on a real ovcpd,
checked against the images themselves with qemu-img and qemu-io.

Each test uses its own daemon or its own SR directory and removes what it
made; the SR-full test mounts a small tmpfs (root only) and unmounts it.
"""
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import ovcptest as o  # noqa: E402

t = o.Tap()
GiB = 1 << 30
MiB = 1 << 20
NULL = "OpaqueRef:NULL"

_daemon = None


def daemon():
    global _daemon
    if _daemon is None or not _daemon.alive():
        _daemon = o.Daemon().start()
    return _daemon


def session():
    return daemon().login()


def run(*argv, check=True, timeout=120):
    p = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(argv), p.stderr.decode(errors="replace")))
    return p.stdout.decode(errors="replace")


def img_info(path, fmt="qcow2"):
    return json.loads(run("qemu-img", "info", "-U", "--output=json", "-f", fmt, path))


def qemu_io(path, cmd, fmt="qcow2"):
    out = run("qemu-io", "-f", fmt, "-c", cmd, path)
    o.ok("Pattern verification failed" not in out and "failed" not in out.lower(), "qemu-io %s: %s" % (cmd, out))
    return out


def pattern_is(path, byte, offset=0, length="64k"):
    out = run("qemu-io", "-f", "qcow2", "-c", "read -P 0x%02x %s %s" % (byte, offset, length), path)
    return "Pattern verification failed" not in out


def local_sr(s):
    pool = s.pool.get_all()[0]
    return s.pool.get_default_SR(pool)


def sr_dir(s, sr):
    for pbd in s.SR.get_PBDs(sr):
        return s.PBD.get_device_config(pbd)["path"]
    raise AssertionError("SR without PBD")


def vdi_path(s, vdi):
    return os.path.join(sr_dir(s, s.VDI.get_SR(vdi)), s.VDI.get_location(vdi))


def new_vdi(s, sr, size=64 * MiB, label="disk", **over):
    rec = {"SR": sr, "virtual_size": size, "type": "user", "sharable": False, "read_only": False,
           "other_config": {}, "name_label": label}
    rec.update(over)
    return s.VDI.create(rec)


def sr_files(path):
    return sorted(os.listdir(path))


def make_sr(s, path, label="test SR"):
    host = s.host.get_all()[0]
    return s.SR.create(host, {"path": path}, 0, label, "", "file", "user", False, {})


def wait_task(s, task, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = s.task.get_status(task)
        if st not in ("pending", "cancelling"):
            return st
        time.sleep(0.05)
    raise AssertionError("task %s did not finish" % task)


def http_req(method, path, params, body=None, headers=None):
    d = daemon()
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=120)
    url = path + "?" + urllib.parse.urlencode(params)
    c.request(method, url, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = dict((k.lower(), v) for k, v in r.getheaders())
    c.close()
    return r.status, hdrs, data


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---- local SR ----

@t.test("the local SR exists after the first start, is the pool's default, and is not made twice")
def test_local_sr():
    d = o.Daemon().start()
    try:
        s = d.login()
        pool = s.pool.get_all()[0]
        sr = s.pool.get_default_SR(pool)
        o.ok(sr != NULL, "default_SR is set")
        o.eq(s.pool.get_suspend_image_SR(pool), sr, "suspend_image_SR")
        o.eq(s.pool.get_crash_dump_SR(pool), sr, "crash_dump_SR")
        rec = s.SR.get_record(sr)
        o.eq(rec["type"], "file", "type")
        o.eq(rec["name_label"], "Local storage", "name")
        o.ok(rec["physical_size"] > 0, "physical_size from statvfs")
        path = sr_dir(s, sr)
        o.eq(path, os.path.join(os.path.realpath(d.state), "sr", "local"), "path")
        o.ok(os.path.isdir(path), "directory exists")
        pbd = s.SR.get_PBDs(sr)[0]
        o.eq(s.PBD.get_currently_attached(pbd), True, "PBD attached")
        o.eq(s.PBD.get_host(pbd), s.host.get_all()[0], "PBD host")
        d.restart()
        s = d.login()
        o.eq(len(s.SR.get_all()), 1, "one SR after restart")
        o.eq(len(s.PBD.get_all()), 1, "one PBD after restart")
        o.eq(s.pool.get_default_SR(pool), sr, "same default SR")
    finally:
        d.cleanup()


# ---- SR lifecycle ----

@t.test("SR.create makes the directory, scan adopts and drops images, forget keeps files, destroy removes them")
def test_sr_lifecycle():
    s = session()
    tmp = tempfile.mkdtemp(prefix="ovcp-sr-")
    try:
        path = os.path.join(tmp, "sr1")
        sr = make_sr(s, path)
        o.ok(os.path.isdir(path), "directory made")
        rec = s.SR.get_record(sr)
        o.eq(rec["type"], "file", "type")
        o.eq(len(rec["PBDs"]), 1, "one PBD")
        o.eq(s.PBD.get_device_config(rec["PBDs"][0]), {"path": path}, "device_config")
        o.expect_error(make_sr, "SR_BACKEND_FAILURE", s, path)  # already an SR
        o.expect_error(lambda: s.SR.create(s.host.get_all()[0], {"path": path + "x"}, 0, "x", "", "lvm",
                                           "user", False, {}), "SR_UNKNOWN_DRIVER")
        o.expect_error(make_sr, "SR_BACKEND_FAILURE", s, tmp + "/../etc")
        v = new_vdi(s, sr, 32 * MiB)
        # scan: a foreign image is adopted, a file that went loses its record
        run("qemu-img", "create", "-q", "-f", "qcow2", os.path.join(path, "foreign.qcow2"), "8M")
        s.SR.scan(sr)
        by_loc = {s.VDI.get_location(x): x for x in s.SR.get_VDIs(sr)}
        o.ok("foreign.qcow2" in by_loc, "foreign image adopted: %r" % by_loc)
        o.eq(s.VDI.get_virtual_size(by_loc["foreign.qcow2"]), 8 * MiB, "adopted size")
        # an image whose backing file is outside the SR is not adopted
        run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-F", "raw", "-b", "/etc/passwd",
            os.path.join(path, "evil.qcow2"), "1M")
        os.unlink(os.path.join(path, "foreign.qcow2"))
        s.SR.scan(sr)
        locs = [s.VDI.get_location(x) for x in s.SR.get_VDIs(sr)]
        o.ok("foreign.qcow2" not in locs, "record of a removed file dropped")
        o.ok("evil.qcow2" not in locs, "image with an outside backing file not adopted")
        o.eq(len(locs), 1, "our VDI stays")
        os.unlink(os.path.join(path, "evil.qcow2"))
        s.SR.update(sr)
        o.ok(s.SR.get_physical_utilisation(sr) > 0, "utilisation counts the image")
        o.eq(s.SR.get_virtual_allocation(sr), 32 * MiB, "virtual allocation")
        # forget: records go, files stay
        vpath = vdi_path(s, v)
        s.SR.forget(sr)
        o.expect_error(s.SR.get_record, "HANDLE_INVALID", sr)
        o.expect_error(s.VDI.get_record, "HANDLE_INVALID", v)
        o.ok(os.path.exists(vpath), "image kept by forget")
        o.ok(not [p for p in s.PBD.get_all() if s.PBD.get_SR(p) == sr], "PBD gone")
        # a non-empty directory is not adopted by create
        o.expect_error(make_sr, "SR_BACKEND_FAILURE", s, path)
        # destroy: a fresh SR with VDIs, everything removed
        path2 = os.path.join(tmp, "sr2")
        sr2 = make_sr(s, path2)
        v2 = new_vdi(s, sr2)
        s.VDI.clone(v2)
        s.SR.destroy(sr2)
        o.ok(not os.path.exists(path2), "directory removed")
        o.expect_error(s.SR.get_record, "HANDLE_INVALID", sr2)
        o.expect_error(s.VDI.get_record, "HANDLE_INVALID", v2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- VDI lifecycle ----

@t.test("VDI.create, resize and destroy keep image and record in line")
def test_vdi_lifecycle():
    s = session()
    sr = local_sr(s)
    v = new_vdi(s, sr, 10 * GiB, "big")
    rec = s.VDI.get_record(v)
    path = vdi_path(s, v)
    o.eq(rec["location"], rec["uuid"] + ".qcow2", "location is the file name")
    info = img_info(path)
    o.eq(info["format"], "qcow2", "format")
    o.eq(info["virtual-size"], 10 * GiB, "virtual size")
    o.ok(rec["physical_utilisation"] < 4 * MiB, "thin: %d" % rec["physical_utilisation"])
    o.eq(rec["physical_utilisation"], os.stat(path).st_blocks * 512, "physical_utilisation is true")
    o.eq(rec["managed"], True, "managed")
    s.VDI.resize(v, 12 * GiB)
    o.eq(img_info(path)["virtual-size"], 12 * GiB, "grown")
    o.eq(s.VDI.get_virtual_size(v), 12 * GiB, "record grown")
    o.expect_error(s.VDI.resize, "VDI_TOO_SMALL", v, 1 * GiB)
    o.eq(img_info(path)["virtual-size"], 12 * GiB, "not shrunk")
    qemu_io(path, "write -P 0x11 0 1M")
    s.VDI.update(v)
    o.eq(s.VDI.get_physical_utilisation(v), os.stat(path).st_blocks * 512, "utilisation after writes")
    s.VDI.destroy(v)
    o.ok(not os.path.exists(path), "image removed")
    o.expect_error(s.VDI.get_record, "HANDLE_INVALID", v)
    o.expect_error(lambda: new_vdi(s, sr, 0), "FIELD_TYPE_ERROR")


@t.test("a VDI with an attached VBD cannot be destroyed, cloned or resized")
def test_vdi_in_use():
    s = session()
    v = new_vdi(s, local_sr(s))
    vm = s.VM.create(o.minimal_vm("user"))
    vbd = s.VBD.create(o.minimal_vbd(vm, v, currently_attached=True))
    if not s.VBD.get_currently_attached(vbd):
        raise o.Skip("VBD.create does not take currently_attached")
    o.expect_error(s.VDI.destroy, "VDI_IN_USE", v)
    o.expect_error(s.VDI.clone, "VDI_IN_USE", v)
    o.expect_error(s.VDI.resize, "VDI_IN_USE", v, GiB)
    o.ok(os.path.exists(vdi_path(s, v)), "image kept")
    s.VBD.destroy(vbd)
    s.VDI.destroy(v)
    s.VM.destroy(vm)


# ---- copy-on-write ----

@t.test("a clone is copy-on-write and independent of its parent")
def test_clone():
    s = session()
    sr = local_sr(s)
    a = new_vdi(s, sr, 10 * GiB, "parent")
    pa = vdi_path(s, a)
    qemu_io(pa, "write -P 0x55 0 64k")
    t0 = time.monotonic()
    b = s.VDI.clone(a)
    dt = time.monotonic() - t0
    pb = vdi_path(s, b)
    o.ok(pa != pb, "own image")
    o.eq(s.VDI.get_location(a), os.path.basename(pa), "parent keeps its location")
    o.ok(os.stat(pb).st_blocks * 512 < 4 * MiB, "no full copy")
    o.ok(dt < 5, "clone took %.3f s" % dt)
    o.eq(img_info(pb)["virtual-size"], 10 * GiB, "clone size")
    o.ok(pattern_is(pb, 0x55), "clone sees the parent's data")
    qemu_io(pa, "write -P 0xaa 0 64k")
    qemu_io(pb, "write -P 0xbb 0 64k")
    o.ok(pattern_is(pa, 0xaa), "parent has its own write")
    o.ok(pattern_is(pb, 0xbb), "clone has its own write")
    # a clone of the clone, then destroying the middle one keeps the others whole
    c = s.VDI.clone(b)
    s.VDI.destroy(b)
    o.ok(pattern_is(vdi_path(s, c), 0xbb), "grandchild intact after its parent's destroy")
    o.ok(pattern_is(pa, 0xaa), "parent intact")
    s.VDI.destroy(c)
    s.VDI.destroy(a)
    left = [f for f in os.listdir(sr_dir(s, sr)) if f.startswith("base-")]
    o.eq(left, [], "unused bases collected")


@t.test("snapshot, change, revert restores the content")
def test_snapshot_revert():
    s = session()
    v = new_vdi(s, local_sr(s), 1 * GiB)
    p = vdi_path(s, v)
    qemu_io(p, "write -P 0x21 0 64k")
    snap = s.VDI.snapshot(v)
    rec = s.VDI.get_record(snap)
    o.eq(rec["is_a_snapshot"], True, "is_a_snapshot")
    o.eq(rec["snapshot_of"], v, "snapshot_of")
    o.eq(rec["read_only"], True, "read_only")
    o.ok(rec["snapshot_time"] != "19700101T00:00:00Z", "snapshot_time set")
    o.ok(snap in s.VDI.get_snapshots(v), "listed in snapshots")
    qemu_io(p, "write -P 0x99 0 64k")
    o.ok(pattern_is(p, 0x99), "changed")
    o.ok(pattern_is(vdi_path(s, snap), 0x21), "snapshot keeps the old content")
    s.VDI.revert(snap)
    o.ok(pattern_is(p, 0x21), "reverted")
    o.eq(s.VDI.get_location(v), os.path.basename(p), "same location after revert")
    qemu_io(p, "write -P 0x77 0 64k")
    s.VDI.revert(snap)
    o.ok(pattern_is(p, 0x21), "reverted twice")
    o.expect_error(s.VDI.revert, "VDI_NOT_A_SNAPSHOT", v)
    s.VDI.destroy(snap)
    o.ok(pattern_is(p, 0x21), "content stays after the snapshot goes")
    s.VDI.destroy(v)


@t.test("Async VDI.copy makes a full copy with progress on its task")
def test_copy():
    s = session()
    sr = local_sr(s)
    v = new_vdi(s, sr, 256 * MiB)
    p = vdi_path(s, v)
    qemu_io(p, "write -P 0x42 0 8M")
    qemu_io(p, "write -P 0x43 100M 4M")
    task = s.call("Async.VDI.copy", v, sr)
    o.eq(wait_task(s, task), "success", "task status: %r" % s.task.get_error_info(task))
    o.eq(s.task.get_progress(task), 1.0, "progress")
    result = s.task.get_result(task)
    ref = result.replace("<value>", "").replace("</value>", "")
    o.ok(ref.startswith("OpaqueRef:"), "result %r" % result)
    cp = vdi_path(s, ref)
    info = img_info(cp)
    o.ok("backing-filename" not in info, "standalone copy")
    run("qemu-img", "compare", "-f", "qcow2", "-F", "qcow2", p, cp)
    o.eq(s.VDI.get_virtual_size(ref), 256 * MiB, "size")
    # into an existing VDI
    into = new_vdi(s, sr, 512 * MiB)
    s.VDI.copy(v, NULL, NULL, into)
    o.ok(pattern_is(vdi_path(s, into), 0x43, "100M", "4M"), "copied into")
    o.eq(s.VDI.get_virtual_size(into), 512 * MiB, "into keeps its size")
    o.expect_error(s.VDI.copy, "VDI_TOO_SMALL", into, NULL, NULL, v)
    for x in (v, ref, into):
        s.VDI.destroy(x)


# ---- import / export ----

def import_body(s, vdi, body, fmt, **extra):
    params = {"session_id": s.ref, "vdi": vdi, "format": fmt}
    params.update(extra)
    return http_req("PUT", "/import_raw_vdi", params, body=body)


def export_body(s, vdi, fmt):
    return http_req("GET", "/export_raw_vdi", {"session_id": s.ref, "vdi": vdi, "format": fmt})


@t.test("raw and qcow2 import/export round trips keep the bytes")
def test_import_export():
    s = session()
    sr = local_sr(s)
    size = 8 * MiB
    raw = bytearray(os.urandom(MiB)) + bytes(6 * MiB) + os.urandom(MiB)
    v = new_vdi(s, sr, size)
    st, hdrs, body = import_body(s, v, bytes(raw), "raw")
    o.eq(st, 200, "import status: %r" % body)
    task = hdrs.get("task-id")
    o.ok(task and s.task.get_status(task) == "success", "import task succeeded")
    o.eq(s.task.get_progress(task), 1.0, "task progress")
    st, _, out = export_body(s, v, "raw")
    o.eq(st, 200, "export status")
    o.eq(hashlib.sha256(out).hexdigest(), hashlib.sha256(raw).hexdigest(), "raw round trip")
    o.eq(s.VDI.get_virtual_size(v), size, "size kept")
    # qcow2 out, qcow2 in (into another VDI, with a task of the caller's)
    st, _, q = export_body(s, v, "qcow2")
    o.eq(st, 200, "qcow2 export")
    o.eq(q[:4], b"QFI\xfb", "qcow2 magic")
    w = new_vdi(s, sr, size)
    mytask = s.task.create("import", "")
    st, _, body = import_body(s, w, q, "qcow2", task_id=mytask)
    o.eq(st, 200, "qcow2 import: %r" % body)
    o.eq(s.task.get_status(mytask), "success", "caller's task")
    st, _, out2 = export_body(s, w, "raw")
    o.eq(hashlib.sha256(out2).hexdigest(), hashlib.sha256(raw).hexdigest(), "qcow2 round trip")
    tmpfiles = [f for f in os.listdir(sr_dir(s, sr)) if f.startswith(".tmp-")]
    o.eq(tmpfiles, [], "no temp files left")
    s.VDI.destroy(v)
    s.VDI.destroy(w)


@t.test("import and export refuse bad input")
def test_import_bad():
    s = session()
    sr = local_sr(s)
    v = new_vdi(s, sr, 4 * MiB)
    tmp = tempfile.mkdtemp(prefix="ovcp-imp-")
    try:
        evil = os.path.join(tmp, "evil.qcow2")
        run("qemu-img", "create", "-q", "-f", "qcow2", "-u", "-F", "raw", "-b", "/etc/passwd", evil, "1M")
        with open(evil, "rb") as f:
            st, _, body = import_body(s, v, f.read(), "qcow2")
        o.eq(st, 400, "backing file refused: %r" % body)
        o.eq(json.loads(body)[0], "IMPORT_ERROR", "error code")
        st, _, body = import_body(s, "OpaqueRef:00000000-0000-0000-0000-000000000000", b"x" * 512, "raw")
        o.eq(st, 404, "unknown VDI")
        st, _, body = import_body(s, "../../../etc/passwd", b"x" * 512, "raw")
        o.eq(st, 404, "path as VDI")
        st, _, body = import_body(s, v, b"x" * 512, "../../x")
        o.eq(st, 400, "path as format")
        st, _, body = http_req("PUT", "/import_raw_vdi", {"vdi": v, "format": "raw"}, body=b"x" * 512)
        o.eq(st, 401, "no session")
        o.eq(json.loads(body)[0], "SESSION_INVALID", "error text")
        st, _, body = http_req("GET", "/export_raw_vdi", {"session_id": "OpaqueRef:nope", "vdi": v})
        o.eq(st, 401, "bad session on export")
        st, _, body = import_body(s, v, b"\x01" * (8 * MiB), "raw")
        o.eq(st, 400, "larger than the VDI: %r" % body)
        o.eq(json.loads(body)[0], "VDI_TOO_SMALL", "too small")
        # a read-only user may neither import nor export
        s.call("subject.create_local_user", "reader", "pw-reader", ["read-only"])
        ro = daemon().login("reader", "pw-reader")
        st, _, body = import_body(ro, v, b"x" * 512, "raw")
        o.eq(st, 403, "read-only import: %r" % body)
        st, _, body = export_body(ro, v, "raw")
        o.eq(st, 403, "read-only export: %r" % body)
        tmpfiles = [f for f in os.listdir(sr_dir(s, sr)) if f.startswith(".tmp-")]
        o.eq(tmpfiles, [], "no temp files left")
        o.ok(pattern_is(vdi_path(s, v), 0, 0, "4M"), "VDI untouched")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        s.VDI.destroy(v)


# ---- a full SR ----

@t.test("a full SR refuses copy and import cleanly, leaving no file or record")
def test_sr_full():
    if os.geteuid() != 0:
        raise o.Skip("mounting a tmpfs needs root")
    s = session()
    sr = local_sr(s)
    tmp = tempfile.mkdtemp(prefix="ovcp-full-")
    mnt = os.path.join(tmp, "mnt")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt]).returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise o.Skip("cannot mount a tmpfs here")
    small = None
    big = None
    try:
        small = make_sr(s, os.path.join(mnt, "sr"), "small")
        big = new_vdi(s, sr, 64 * MiB)
        bp = vdi_path(s, big)
        run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 32M", bp)
        vdis_before = set(s.VDI.get_all())
        e = o.expect_error(s.VDI.copy, "SR_FULL", big, small)
        o.ok(len(e.params) == 2 and int(e.params[0]) > int(e.params[1]), "SR_FULL params %r" % e.params)
        o.eq(set(s.VDI.get_all()), vdis_before, "no new record")
        o.eq(sr_files(os.path.join(mnt, "sr")), [], "no file left by copy")
        # import: the data does not fit while it streams in
        target = new_vdi(s, small, 64 * MiB)
        files_before = sr_files(os.path.join(mnt, "sr"))
        st, _, body = import_body(s, target, os.urandom(24 * MiB), "raw")
        o.eq(st, 507, "import status: %r" % body)
        o.eq(json.loads(body)[0], "SR_FULL", "import error")
        o.eq(sr_files(os.path.join(mnt, "sr")), files_before, "no file left by import")
        s.VDI.destroy(target)
        o.eq(s.SR.get_VDIs(small), [], "no record left")
    finally:
        if big:
            s.VDI.destroy(big)
        if small:
            try:
                s.SR.destroy(small)
            except o.XapiError:
                pass
        subprocess.run(["umount", mnt])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    t.main()
