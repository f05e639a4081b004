#!/usr/bin/env python3
"""VDI.clone of a 10 GiB (virtual) disk through the XenAPI of a real ovcpd,
against the baseline of a bare `qemu-img create -b` overlay made by hand in
the same run, on the same file system. Prints both medians (of 20), their
ratio, and the 50 ms target.

Usage: OVCPD=build/src/daemon/ovcpd python3 bench/vdi_clone_bench.py [--runs N]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

# The daemon built in this tree unless OVCPD names another.
os.environ.setdefault("OVCPD", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "src",
                                            "daemon", "ovcpd"))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration", "lib"))
import ovcptest as o  # noqa: E402

TARGET_MS = 50.0
GiB = 1 << 30


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20
    d = o.Daemon().start()
    try:
        s = d.login()
        # the accelerator probe boots test guests for a few seconds after start-up: let it finish
        host = s.host.get_all()[0]
        o.wait_until(lambda: s.host.get_other_config(host).get("ovcp-accelerator"), 30)
        pool = s.pool.get_all()[0]
        sr = s.pool.get_default_SR(pool)
        sr_dir = s.PBD.get_device_config(s.SR.get_PBDs(sr)[0])["path"]
        vdi = s.VDI.create({"SR": sr, "virtual_size": 10 * GiB, "type": "user", "sharable": False,
                            "read_only": False, "other_config": {}, "name_label": "bench"})
        s.VDI.clone(vdi)  # warm up
        api = []
        for _ in range(runs):
            t0 = time.perf_counter()
            s.VDI.clone(vdi)
            api.append((time.perf_counter() - t0) * 1000)
        base = os.path.join(sr_dir, "bench-base.img")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", base, str(10 * GiB)], check=True)
        tmp = tempfile.mkdtemp(prefix="clone-bench-", dir=os.path.dirname(sr_dir))
        bare = []
        for i in range(runs):
            t0 = time.perf_counter()
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base,
                            os.path.join(tmp, "o%d.qcow2" % i)], check=True)
            bare.append((time.perf_counter() - t0) * 1000)
        os.unlink(base)
        api_ms, bare_ms = statistics.median(api), statistics.median(bare)
        print("VDI.clone of a 10 GiB disk via the API: median %.1f ms over %d (min %.1f, max %.1f)"
              % (api_ms, runs, min(api), max(api)))
        print("bare qemu-img create -b overlay:         median %.1f ms over %d (min %.1f, max %.1f)"
              % (bare_ms, runs, min(bare), max(bare)))
        print("ratio API / bare: %.2f" % (api_ms / bare_ms))
        print("target: <= %.0f ms: %s" % (TARGET_MS, "met" if api_ms <= TARGET_MS else "NOT met"))
        return 0 if api_ms <= TARGET_MS else 1
    finally:
        d.cleanup()


if __name__ == "__main__":
    sys.exit(main())
