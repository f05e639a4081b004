#!/usr/bin/env python3
"""Agent run time: `ovcp-cm agent --onetime` against Debian's `puppet agent --onetime`.

Both agents run against the same puppetserver 7 (Debian's, started by hand on a
loopback port in a scratch directory, autosign on) in the same invocation, for
a catalog of N file resources (default 100) below a scratch directory, one per
agent. Each agent is timed for its first run (every file created) and for
RUNS further runs that change nothing, wall clock, including process start,
facts, catalog retrieval, apply and report submission. Prints the figures and
the ratio puppet / ovcp-cm.

usage: cm_agent_bench.py OVCP_CM_BINARY [--files N] [--runs R]
Everything it starts is stopped on every path; it talks to 127.0.0.1 only.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.join(HERE, "..", "tests", "integration", "cm_agent", "puppetserver.sh")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_puppetserver(work, port, nfiles, managed):
    # the helper's JVM options (C1 only): on 2 cores the full JIT's C2 compiles kept the master
    # slower for the length of a benchmark
    env = dict(os.environ, PS_DIR=os.path.join(work, "ps"), PS_PORT=str(port))
    subprocess.run(["bash", "-c", '. "$0"; ps_setup', HELPER], env=env, check=True)
    lines = ["node default {"]
    for agent, path in managed.items():
        lines.append(f"  if $facts['clientcert'] == '{agent}' {{")
        lines.append(f"    file {{ '{path}': ensure => directory }}")
        for i in range(nfiles):
            lines.append(f"    file {{ '{path}/f{i:03d}': ensure => file, content => \"file {i}\\n\", mode => '0644' }}")
        lines.append("  }")
    lines.append("}")
    site = os.path.join(work, "ps", "code", "environments", "production", "manifests", "site.pp")
    with open(site, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = subprocess.run(["bash", "-c", '. "$0"; ps_start; echo $PS_PID', HELPER], env=env,
                         check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1])


def wait_ready(pid, port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        r = subprocess.run(["curl", "-skf", "--max-time", "5",
                            f"https://127.0.0.1:{port}/puppet-ca/v1/certificate/ca"],
                           capture_output=True)
        if r.returncode == 0:
            return True
        time.sleep(2)
    return False


def stop(pid):
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(30):
            os.kill(pid, 0)
            time.sleep(1)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def timed(argv, ok_codes=(0, 2)):
    """Wall time, exit code and, for ovcp-cm (--debug), the time spent waiting on the master."""
    t0 = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    dt = time.monotonic() - t0
    if r.returncode not in ok_codes:
        sys.exit(f"{argv[0]} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    waited = sum(float(m.group(1)) for m in re.finditer(r"^Debug: HTTP .* in ([0-9.]+) s$", r.stdout, re.M))
    return dt, r.returncode, waited


def agent_argvs(cm, work, port):
    common = ["--onetime", "--no-daemonize", "--server", "localhost", "--masterport", str(port),
              "--waitforcert", "2", "--detailed-exitcodes"]
    ovcp = [cm, "agent", *common, "--confdir", f"{work}/ovcp/conf", "--vardir", f"{work}/ovcp/var",
            "--certname", "ovcp.bench", "--debug"]
    puppet = ["puppet", "agent", *common, "--confdir", f"{work}/puppet/conf", "--vardir", f"{work}/puppet/var",
              "--ssldir", f"{work}/puppet/ssl", "--codedir", f"{work}/puppet/code",
              "--logdir", f"{work}/puppet/log", "--rundir", f"{work}/puppet/run",
              "--publicdir", f"{work}/puppet/public", "--certname", "puppet.bench",
              "--no-splay", "--no-usecacheonfailure"]
    return {"ovcp-cm agent": ovcp, "puppet agent": puppet}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ovcp_cm")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    for tool in ("puppet", "java", "curl"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} is not installed")
            return 0
    work = tempfile.mkdtemp(prefix="cm-agent-bench.")
    port = free_port()
    managed = {"ovcp.bench": f"{work}/managed-ovcp", "puppet.bench": f"{work}/managed-puppet"}
    pid = None
    try:
        pid = start_puppetserver(work, port, args.files, managed)
        if not wait_ready(pid, port, 300):
            print("SKIP: puppetserver did not start within 300 s")
            return 0
        argvs = agent_argvs(os.path.abspath(args.ovcp_cm), work, port)
        # certificates first (not timed): both agents bootstrap and run once
        results = {}
        for name, argv in argvs.items():
            for _ in range(args.warmup):  # certificates, then the server's JIT warms up (not timed)
                timed(argv)
            shutil.rmtree(managed["ovcp.bench" if name.startswith("ovcp") else "puppet.bench"])
        for name, argv in argvs.items():
            first, rc, first_wait = timed(argv)
            if rc != 2:
                sys.exit(f"{name}: the first run changed nothing (exit {rc})")
            again, waits = [], []
            for _ in range(args.runs):
                dt, rc, waited = timed(argv)
                if rc != 0:
                    sys.exit(f"{name}: a no-change run exited {rc}")
                again.append(dt)
                waits.append(waited)
            results[name] = (first, statistics.median(again), first_wait, statistics.median(waits))
        print(f"catalog: {args.files} file resources + 1 directory; puppetserver 7 on 127.0.0.1:{port}")
        print(f"{'agent':16} {'first run (s)':>14} {'no-change run (s, median of ' + str(args.runs) + ')':>34}")
        for name, (first, again, _, _) in results.items():
            print(f"{name:16} {first:14.3f} {again:34.3f}")
        o, p = results["ovcp-cm agent"], results["puppet agent"]
        print(f"ratio puppet/ovcp-cm: first run {p[0] / o[0]:.1f}x, no-change run {p[1] / o[1]:.1f}x "
              f"(target >= 20x)")
        # The master's own time (node, catalog compile, report) is a floor both agents share.
        print(f"ovcp-cm agent waited on the master {o[2]:.3f} s (first) and {o[3]:.3f} s (no-change); "
              f"its own time {o[0] - o[2]:.3f} s and {o[1] - o[3]:.3f} s")
        po, oo = p[1] - o[3], o[1] - o[3]
        if oo > 0:
            print(f"agent-side ratio (no-change run, the same master time taken off both): {po / oo:.1f}x")
        return 0
    finally:
        if pid:
            stop(pid)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
