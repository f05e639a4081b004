#!/usr/bin/env python3
"""Benchmarks of ovcpd's XenAPI foundation (issue: foundation).

Each figure is printed with its ratio against a baseline measured in the
same run on the same server, and against the issue's target:

  calls/s      VM.get_record over keep-alive connections (wrk, JSON-RPC),
               baseline: the same server answering a static file (HTTP only)
  records      VM.get_all_records of 10,000 VMs created through the API,
               baseline: the same number of bytes as a static file
  event        set_name_label -> a waiting event.from returns it,
               baseline: one get_name_label round trip
  memory       ovcpd's resident memory holding the 10,000 records

Usage: bench/xapi_bench.py [--ovcpd PATH] [--vms N] [--seconds S]
Nothing here asserts a time: it prints figures.
"""
import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration", "lib"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.id = 0

    def raw(self, method, params):
        self.id += 1
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": self.id})
        self.conn.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        return self.conn.getresponse().read()

    def call(self, method, *params):
        reply = json.loads(self.raw(method, list(params)))
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]


VM_ARGS = {
    "name_label": "", "name_description": "bench", "user_version": 1, "is_a_template": False,
    "affinity": "OpaqueRef:NULL", "memory_static_max": 268435456, "memory_dynamic_max": 268435456,
    "memory_dynamic_min": 268435456, "memory_static_min": 268435456, "VCPUs_params": {},
    "VCPUs_max": 1, "VCPUs_at_startup": 1, "actions_after_shutdown": "destroy",
    "actions_after_reboot": "restart", "actions_after_crash": "destroy", "PV_bootloader": "",
    "PV_kernel": "", "PV_ramdisk": "", "PV_args": "", "PV_bootloader_args": "", "PV_legacy_args": "",
    "HVM_boot_policy": "BIOS order", "HVM_boot_params": {"order": "dc"}, "platform": {}, "PCI_bus": "",
    "other_config": {"bench": "true"}, "recommendations": "",
}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk_rate(port, path, body, seconds, connections=4, threads=2):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    if body is None:
        script.write('wrk.method = "GET"\n')
    else:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        script.write("wrk.body = " + json.dumps(body) + "\n")
    script.close()
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", script.name,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError("wrk saw HTTP errors:\n" + out)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ovcpd", default=os.path.join(os.path.dirname(__file__), "..", "build", "src", "daemon", "ovcpd"))
    ap.add_argument("--vms", type=int, default=10000)
    ap.add_argument("--seconds", type=int, default=5)
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="ovcp-bench-")
    web = os.path.join(tmp, "web")
    os.makedirs(web)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><title>ovcp</title>\n")
    with open(os.path.join(tmp, "pw"), "w") as f:
        f.write("bench\n")
    port = free_port()
    proc = subprocess.Popen([a.ovcpd, "-f", "--state-dir", os.path.join(tmp, "state"), "--listen",
                             f"http://127.0.0.1:{port}", "--socket", os.path.join(tmp, "xapi.sock"),
                             "--root-password-file", os.path.join(tmp, "pw"), "--web-root", web,
                             "--log", os.path.join(tmp, "ovcpd.log")])
    try:
        for _ in range(100):
            try:
                c = Client(port)
                session = c.call("session.login_with_password", "root", "bench")
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("ovcpd did not start")

        # 10,000 VMs through the API
        t0 = time.monotonic()
        refs = []
        for i in range(a.vms):
            args = dict(VM_ARGS, name_label=f"bench-{i:05d}")
            refs.append(c.call("VM.create", session, args))
        create_s = time.monotonic() - t0
        print(f"created {a.vms} VMs through VM.create in {create_s:.2f} s ({a.vms / create_s:.0f} creates/s)")

        # calls per second: VM.get_record vs a static file, same server, same connections
        body = json.dumps({"jsonrpc": "2.0", "method": "VM.get_record", "params": [session, refs[0]], "id": 1})
        base = wrk_rate(port, "/index.html", None, a.seconds)
        rate = wrk_rate(port, "/jsonrpc", body, a.seconds)
        print(f"calls/s: VM.get_record {rate:.0f}/s; baseline static file {base:.0f}/s; "
              f"ratio {rate / base:.2f} of the HTTP baseline; target 20000/s: {rate / 20000:.2f}x")

        # get_all_records of all VMs, time to the last byte (median of 5)
        times, size = [], 0
        for _ in range(5):
            t0 = time.monotonic()
            data = c.raw("VM.get_all_records", [session])
            times.append(time.monotonic() - t0)
            size = len(data)
        assert json.loads(data)["result"].__len__() == a.vms
        with open(os.path.join(web, "blob.json"), "wb") as f:
            f.write(data)
        static = []
        sc = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(5):
            t0 = time.monotonic()
            sc.request("GET", "/blob.json")
            sc.getresponse().read()
            static.append(time.monotonic() - t0)
        med, smed = statistics.median(times), statistics.median(static)
        print(f"get_all_records of {a.vms} VMs ({size / 1e6:.1f} MB): {med * 1000:.1f} ms; baseline the same bytes "
              f"as a static file {smed * 1000:.1f} ms; ratio {med / smed:.2f}; target 100 ms: {med * 1000 / 100:.2f}x")

        # event latency: a waiting event.from returns a set_name_label
        waiter, writer = Client(port), Client(port)
        token = waiter.call("event.from", session, [f"VM/{refs[0]}"], "", 0.0)["token"]
        lat, rtt = [], []
        for i in range(200):
            box = {}

            def wait():
                box["r"] = waiter.call("event.from", session, [f"VM/{refs[0]}"], box["token"], 5.0)
                box["t"] = time.monotonic()

            box["token"] = token
            th = threading.Thread(target=wait)
            th.start()
            time.sleep(0.002)
            t0 = time.monotonic()
            writer.call("VM.set_name_label", session, refs[0], f"renamed-{i}")
            th.join()
            lat.append(box["t"] - t0)
            token = box["r"]["token"]
            t1 = time.monotonic()
            writer.call("VM.get_name_label", session, refs[0])
            rtt.append(time.monotonic() - t1)
        lat.sort()
        med, p99, base = statistics.median(lat), lat[int(len(lat) * 0.99) - 1], statistics.median(rtt)
        print(f"event latency set_name_label -> event.from: median {med * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms; "
              f"baseline one get_name_label round trip {base * 1000:.2f} ms; ratio {med / base:.2f}; "
              f"target 5 ms: {med * 1000 / 5:.2f}x")

        kib = rss_kib(proc.pid)
        print(f"ovcpd resident memory with {a.vms} VM records: {kib / 1024:.1f} MiB; target 64 MiB: "
              f"{kib / 1024 / 64:.2f}x")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
