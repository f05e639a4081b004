"""Metrics through a real ovcpd and a real QEMU guest: GET /metrics
(Prometheus text) with VM and host series, GET /rrd_updates (xcp-rrdd's JSON),
VM_metrics and host_metrics records, who may read, and the archives kept
across a restart in STATE/rrd/<uuid>.json."""
import http.client
import json
import os
import re
import time

from ovcpguest import Host, guest_dir
from ovcptest import Daemon, State, Tap, eq, ok

t = Tap()
S = State()
D = Daemon()


def need():
    S.need("vm", "no running VM")


def get(path, headers=None, port=None):
    c = http.client.HTTPConnection("127.0.0.1", port or D.port, timeout=20)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), body.decode(errors="replace")


def series(text, metric, **labels):
    """Values of the samples of a metric whose labels include these."""
    out = []
    for line in text.splitlines():
        m = re.match(r'^(\w+)\{(.*)\} (\S+)$', line)
        if not m or m.group(1) != metric:
            continue
        have = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        if all(have.get(k) == v for k, v in labels.items()):
            out.append(float(m.group(3)))
    return out


@t.test("a VM started through the XenAPI runs for 10 s")
def _():
    with S.setup():
        guest_dir()
    D.start()
    s = D.login()
    h = Host(D, s)
    vm = h.make_vm("metrics-vm")
    h.boot(vm, task_timeout=90)
    time.sleep(11)
    S.update(s=s, h=h, vm=vm, uuid=s.call("VM.get_uuid", vm),
             host_uuid=s.call("host.get_uuid", s.call("host.get_all")[0]))


@t.test("GET /metrics: VM and host series in the Prometheus text format")
def _():
    need()
    st, ctype, text = get("/metrics?session_id=" + S["s"].ref)
    eq(st, 200, "status")
    ok(ctype.startswith("text/plain; version=0.0.4"), "content type %r" % ctype)
    cpu = series(text, "ovcp_vm_cpu_seconds_total", vm=S["uuid"], name="metrics-vm")
    ok(cpu and cpu[0] > 0, "VM CPU seconds: %r" % cpu)
    vcpu = series(text, "ovcp_vm_vcpu_seconds_total", vm=S["uuid"], vcpu="0")
    ok(vcpu and vcpu[0] > 0, "vCPU 0 seconds: %r" % vcpu)
    eq(series(text, "ovcp_vm_memory_bytes", vm=S["uuid"], kind="actual"), [256.0 * 2 ** 20], "memory actual")
    rss = series(text, "ovcp_vm_memory_bytes", vm=S["uuid"], kind="rss")
    ok(rss and rss[0] > 10 * 2 ** 20, "QEMU RSS: %r" % rss)
    reads = series(text, "ovcp_vm_disk_read_bytes_total", vm=S["uuid"])
    ok(reads and max(reads) > 0, "the guest read its disk: %r" % reads)
    ok(series(text, "ovcp_vm_disk_write_bytes_total", vm=S["uuid"]), "disk write series")
    user = series(text, "ovcp_host_cpu_seconds_total", host=S["host_uuid"], mode="user")
    ok(user and user[0] > 0, "host user CPU seconds")
    total = series(text, "ovcp_host_memory_bytes", host=S["host_uuid"], kind="total")
    free = series(text, "ovcp_host_memory_bytes", host=S["host_uuid"], kind="free")
    ok(total and free and 0 < free[0] < total[0], "host memory total %r free %r" % (total, free))
    for line in text.splitlines():
        ok(line.startswith("#") or re.match(r'^ovcp_\w+\{[^}]*\} [0-9.e+-]+$', line), "line shape: %r" % line)


@t.test("who may read: no session 401; a Bearer session or a read-only user 200")
def _():
    need()
    eq(get("/metrics")[0], 401, "no session")
    eq(get("/metrics?session_id=OpaqueRef:nope")[0], 401, "bad session")
    eq(get("/rrd_updates?start=0")[0], 401, "rrd_updates without a session")
    eq(get("/metrics", {"Authorization": "Bearer " + S["s"].ref})[0], 200, "Bearer")
    S["s"].call("subject.create_local_user", "watcher", "pw-watcher", ["read-only"])
    ro = D.login("watcher", "pw-watcher")
    eq(get("/metrics?session_id=" + ro.ref)[0], 200, "read-only user")


@t.test("GET /rrd_updates: xcp-rrdd's JSON with VM and host columns and numeric rows")
def _():
    need()
    start = int(time.time()) - 60
    st, ctype, text = get("/rrd_updates?session_id=%s&start=%d&cf=AVERAGE&interval=5&host=true&json=true" %
                          (S["s"].ref, start))
    eq(st, 200, "status: %s" % text[:200])
    eq(ctype, "application/json", "content type")
    j = json.loads(text)
    meta, data = j["meta"], j["data"]
    eq(meta["step"], 5, "step")
    eq(meta["columns"], len(meta["legend"]), "columns")
    eq(meta["rows"], len(data), "rows")
    ok(meta["rows"] >= 2, "rows %d" % meta["rows"])
    legend = meta["legend"]
    for want in ("AVERAGE:vm:%s:cpu0" % S["uuid"], "AVERAGE:vm:%s:memory" % S["uuid"],
                 "AVERAGE:host:%s:memory_total_kib" % S["host_uuid"], "AVERAGE:host:%s:cpu_avg" % S["host_uuid"]):
        ok(want in legend, "%s in the legend: %r" % (want, legend))
    ok(data[0]["t"] > data[-1]["t"] and data[0]["t"] > start, "newest first, after start")
    mem = legend.index("AVERAGE:vm:%s:memory" % S["uuid"])
    eq(data[0]["values"][mem], 256.0 * 2 ** 20, "memory column")
    cpu = legend.index("AVERAGE:vm:%s:cpu0" % S["uuid"])
    ok(any(r["values"][cpu] is not None and 0 <= r["values"][cpu] <= 1.5 for r in data), "cpu0 is a fraction")
    st, _, only = get("/rrd_updates?session_id=%s&start=%d&vm_uuid=%s" % (S["s"].ref, start, S["uuid"]))
    ok(all(":vm:%s:" % S["uuid"] in x for x in json.loads(only)["meta"]["legend"]), "vm_uuid= keeps that VM only")
    eq(get("/rrd_updates?session_id=%s" % S["s"].ref)[0], 400, "start is required")


@t.test("VM_metrics and host_metrics records hold memory and a recent last_updated")
def _():
    need()
    s = S["s"]
    m = s.call("VM.get_metrics", S["vm"])
    rec = s.call("VM_metrics.get_record", m)
    eq(int(rec["memory_actual"]), 256 << 20, "memory_actual")
    eq(int(rec["VCPUs_number"]), 1, "VCPUs_number")
    ok(rec["last_updated"] >= time.strftime("%Y%m%dT", time.gmtime()), "last_updated %r" % rec["last_updated"])
    hm = s.call("host_metrics.get_record", s.call("host.get_metrics", s.call("host.get_all")[0]))
    ok(int(hm["memory_total"]) > 0, "host memory_total")
    ok(hm["live"], "host live")


@t.test("the archives survive a restart (STATE/rrd/<uuid>.json)")
def _():
    need()
    before = int(time.time())
    eq(D.stop(), 0, "ovcpd stop")
    for u in (S["uuid"], S["host_uuid"]):
        with open(os.path.join(D.state, "rrd", u + ".json")) as f:
            ok(json.load(f)["ds"], "%s.json has data sources" % u)
    D.start()
    S["s"] = D.login()
    st, _, text = get("/rrd_updates?session_id=%s&start=%d&host=true" % (S["s"].ref, before - 40))
    j = json.loads(text)
    col = j["meta"]["legend"].index("AVERAGE:host:%s:memory_total_kib" % S["host_uuid"])
    old = [r for r in j["data"] if r["t"] <= before and r["values"][col] is not None]
    ok(old, "rows from before the restart are served: %r" % [r["t"] for r in j["data"]])


@t.test("--metrics-public: /metrics without a session; /rrd_updates still needs one")
def _():
    d2 = Daemon(extra_args=["--metrics-public"]).start()
    st, _, text = get("/metrics", port=d2.port)
    eq(st, 200, "public /metrics")
    ok("ovcp_host_memory_bytes{" in text, "host series")
    eq(get("/rrd_updates?start=0", port=d2.port)[0], 401, "rrd_updates")
    d2.stop()


@t.test("clean up: the VM stops")
def _():
    need()
    S["s"].call("VM.hard_shutdown", S["vm"])


t.main()
