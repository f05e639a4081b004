#!/usr/bin/env python3
"""ovcp-cm apply against puppet apply on the same manifests, in one run.

Cases (the issue's): one notify resource; 1,000 file resources in 10
classes (into a scratch directory). For each tool: median wall time of N
runs and the peak resident memory of a run (getrusage of the child), then
the ratios. Puppet is Debian's puppet 7 ('puppet apply'); the baseline is
measured here, now, on the same machine.

Usage: bench/cm_apply_bench.py [--ovcp-cm PATH] [--runs N]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def manifest_notify(d):
    path = os.path.join(d, "notify.pp")
    with open(path, "w") as f:
        f.write("notify { 'hello from the benchmark': }\n")
    return path


def manifest_files(d, out):
    path = os.path.join(d, "files.pp")
    with open(path, "w") as f:
        f.write(f"file {{ '{out}': ensure => directory }}\n")
        for c in range(10):
            f.write(f"class bench{c} {{\n")
            for i in range(100):
                f.write(f"  file {{ '{out}/f{c}-{i}': ensure => file, content => \"class {c} file {i}\\n\", "
                        f"mode => '0644' }}\n")
            f.write("}\n")
            f.write(f"include bench{c}\n")
    return path


def peak_rss_kib(argv, env):
    """Peak RSS of one run, from GNU time (its own small process forks the tool: a
    Python parent would lend the child its own RSS before exec)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, env=env)
    return int(p.stderr.strip().splitlines()[-1])


def measure(argv, runs, env):
    walls = []
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        walls.append(time.monotonic() - t0)
        if p.returncode not in (0, 2):
            raise RuntimeError(f"{argv[0]} failed ({p.returncode}): {p.stderr.decode()[-500:]}")
    return statistics.median(walls)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ovcp-cm", default=os.path.join(here, "..", "build", "src", "cm", "ovcp-cm"))
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    puppet = shutil.which("puppet")
    if puppet is None:
        print("SKIP: Debian's puppet is not installed (apt-get install puppet): no baseline to compare with")
        return
    # A tmpfs when there is one: the tools are measured, not the disk (both write the same files).
    tmp = tempfile.mkdtemp(prefix="ovcp-cm-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    env = dict(os.environ)
    try:
        cases = [("one notify", manifest_notify(tmp), None),
                 ("1,000 files in 10 classes", manifest_files(tmp, os.path.join(tmp, "out")), "out")]
        for name, pp, out in cases:
            vardir = os.path.join(tmp, "puppet-var")
            os.makedirs(os.path.join(vardir, "state"), exist_ok=True)
            pa = [puppet, "apply", "--vardir", vardir, "--confdir", os.path.join(tmp, "puppet-conf"),
                  "--codedir", os.path.join(tmp, "puppet-code"), "--logdest", "/dev/null", pp]
            oa = [a.ovcp_cm, "apply", "--vardir", os.path.join(tmp, "ovcp-var"), "--quiet", pp]
            results = {}
            for tool, argv in (("puppet apply", pa), ("ovcp-cm apply", oa)):
                if out:
                    shutil.rmtree(os.path.join(tmp, "out"), ignore_errors=True)
                first = measure(argv, 1, env)  # the run that creates the files
                again = measure(argv, a.runs, env)  # runs that find everything in place
                rss = peak_rss_kib(argv, env)
                results[tool] = (first, again, rss)
                print(f"{name}: {tool}: first run {first * 1000:.0f} ms, unchanged runs {again * 1000:.0f} ms "
                      f"(median of {a.runs}), peak RSS {rss / 1024:.1f} MiB")
            p, o = results["puppet apply"], results["ovcp-cm apply"]
            print(f"{name}: ovcp-cm is {p[0] / o[0]:.0f}x faster on the first run, {p[1] / o[1]:.0f}x on "
                  f"unchanged runs, and uses 1/{p[2] / o[2]:.0f} of puppet's memory "
                  f"(targets: 50x faster, 1/10 of the memory)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
