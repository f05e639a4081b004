#!/usr/bin/env python3
"""Agent run time: `ovcp-cm agent --onetime` against Debian's `puppet agent --onetime`.

Both agents run, in the same invocation, against two masters in turn, each on a
loopback port with a fresh CA, autosign on and its state in a scratch directory:

  1. OVCP's own `ovcp-cm master`, which compiles this catalog in about a
     millisecond and answers a whole run's requests in tens of milliseconds:
     the master's share of a run is small, so the ratio measures the agents
     themselves (what master time remains only lowers it). The issue's target (ovcp-cm agent at least 20x
     faster than Puppet's) is judged on this series.
  2. Debian's puppetserver 7 (started by tests/integration/cm_agent/puppetserver.sh),
     the master Puppet users run. Its 0.3-1 s per run is paid by both agents
     and dominates both runs, so this ratio says more about the server than
     the agents. Skipped with the reason if it is not installed or does not
     answer within --ps-timeout seconds.

The catalog is N file resources (default 100) below a scratch directory, one
per agent. Each agent is timed for its first run (every file created) and for
RUNS further runs that change nothing (median; the agents take turns), wall
clock, including process start, facts, catalog retrieval, apply and report
submission. Printed per
master: those figures, the ratio puppet / ovcp-cm, and the time ovcp-cm spent
waiting on the master (from its --debug request timings).

usage: cm_agent_bench.py OVCP_CM_BINARY [--files N] [--runs R] [--warmup W] [--ps-timeout S]
Everything it starts is stopped on every path (also on SIGTERM/SIGINT); it
talks to 127.0.0.1 only; its scratch directory is removed at the end.
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
TARGET = 20.0  # the target: ovcp-cm agent runs at least 20x faster than Puppet's
AGENTS = {"ovcp-cm agent": "ovcp.bench", "puppet agent": "puppet.bench"}  # name -> certname


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_pp(nfiles, managed):
    """The manifest (pure): for each certname, a directory and NFILES files in it."""
    lines = ["node default {"]
    for certname, path in managed.items():
        lines.append(f"  if $facts['clientcert'] == '{certname}' {{")
        lines.append(f"    file {{ '{path}': ensure => directory }}")
        for i in range(nfiles):
            lines.append(f"    file {{ '{path}/f{i:03d}': ensure => file, content => \"file {i}\\n\", mode => '0644' }}")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_site(codedir, text):
    manifests = os.path.join(codedir, "environments", "production", "manifests")
    os.makedirs(manifests, exist_ok=True)
    os.makedirs(os.path.join(codedir, "environments", "production", "modules"), exist_ok=True)
    with open(os.path.join(manifests, "site.pp"), "w") as f:
        f.write(text)


def answers_ca(port):
    r = subprocess.run(["curl", "-skf", "--max-time", "5",
                        f"https://127.0.0.1:{port}/puppet-ca/v1/certificate/ca"],
                       capture_output=True)
    return r.returncode == 0


def wait_ready(proc, port, seconds, interval):
    """True once the master answers certificate/ca; False if it exits or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if answers_ca(port):
            return True
        time.sleep(interval)
    return False


def tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(f.read().splitlines()[-n:])
    except OSError:
        return "(no log)"


class OvcpMaster:
    """`ovcp-cm master` in the foreground, our child process."""
    title = "ovcp-cm master"

    def __init__(self, cm, base, port):
        self.cm, self.base, self.dir, self.port, self.proc = cm, base, os.path.join(base, "master"), port, None
        self.log = os.path.join(self.dir, "master.out")

    def start(self, site):
        os.makedirs(self.dir)
        codedir = os.path.join(self.dir, "code")
        write_site(codedir, site)
        argv = [self.cm, "master", "--no-daemonize", "--port", str(self.port), "--bind", "127.0.0.1",
                "--confdir", f"{self.dir}/conf", "--codedir", codedir, "--vardir", f"{self.dir}/var",
                "--certname", "localhost", "--dns-alt-names", "localhost,IP:127.0.0.1",
                "--autosign", "true", "--keylength", "2048", "--threads", "2",
                "--logdest", f"{self.dir}/master.log"]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        if wait_ready(self.proc, self.port, 60, 0.1):
            return None
        return f"ovcp-cm master did not answer within 60 s: {tail(self.log)} {tail(self.dir + '/master.log')}"

    def stop(self):
        stop_child(self.proc, None)
        self.proc = None


class Puppetserver:
    """Debian's puppetserver through the test helper: bash (our child) waits on the JVM."""
    title = "puppetserver 7"

    def __init__(self, base, port, seconds):
        self.base, self.dir, self.port, self.seconds = base, os.path.join(base, "master"), port, seconds
        self.proc, self.java = None, None
        self.env = dict(os.environ, PS_DIR=self.dir, PS_PORT=str(port))

    def start(self, site):
        # the helper's JVM options (C1 only): on 2 cores the full JIT's C2 compiles kept the master
        # slower for the length of a benchmark
        r = subprocess.run(["bash", "-c", '. "$0"; ps_available', HELPER], env=self.env)
        if r.returncode != 0:
            return "puppetserver is not installed (no jar, bootstrap config or java)"
        subprocess.run(["bash", "-c", '. "$0"; ps_setup', HELPER], env=self.env, check=True)
        write_site(os.path.join(self.dir, "code"), site)
        self.proc = subprocess.Popen(["bash", "-c", '. "$0"; ps_start; echo $PS_PID; wait $PS_PID', HELPER],
                                     env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        self.java = int(self.proc.stdout.readline())
        if wait_ready(self.proc, self.port, self.seconds, 2):
            return None
        return (f"puppetserver did not answer within {self.seconds} s: "
                f"{tail(self.dir + '/log/stdout.log')} {tail(self.dir + '/log/puppetserver.log')}")

    def stop(self):
        stop_child(self.proc, self.java)
        if self.proc is not None:
            self.proc.stdout.close()
        self.proc, self.java = None, None


def stop_child(proc, inner):
    """TERM INNER (a grandchild our child waits on) or PROC, KILL after 30 s, reap PROC."""
    if proc is None:
        return
    victim = inner or proc.pid
    try:
        os.kill(victim, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if inner:
            proc.kill()
        proc.wait()


def timed(argv, ok_codes=(0, 2)):
    """Wall time, exit code and, for ovcp-cm (--debug), the time spent waiting on the master."""
    t0 = time.monotonic()
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    dt = time.monotonic() - t0
    if r.returncode not in ok_codes:
        sys.exit(f"{argv[0]} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    waited = sum(float(m.group(1)) for m in re.finditer(r"^Debug: HTTP .* in ([0-9.]+) s$", r.stdout, re.M))
    return dt, r.returncode, waited


def agent_argvs(cm, work, port):
    """Both agents' argv for a master on PORT, their state below WORK (fresh per master)."""
    common = ["--onetime", "--no-daemonize", "--server", "localhost", "--masterport", str(port),
              "--waitforcert", "2", "--detailed-exitcodes"]
    ovcp = [cm, "agent", *common, "--confdir", f"{work}/ovcp/conf", "--vardir", f"{work}/ovcp/var",
            "--certname", AGENTS["ovcp-cm agent"], "--debug"]
    puppet = ["puppet", "agent", *common, "--confdir", f"{work}/puppet/conf", "--vardir", f"{work}/puppet/var",
              "--ssldir", f"{work}/puppet/ssl", "--codedir", f"{work}/puppet/code",
              "--logdir", f"{work}/puppet/log", "--rundir", f"{work}/puppet/run",
              "--publicdir", f"{work}/puppet/public", "--certname", AGENTS["puppet agent"],
              "--no-splay", "--no-usecacheonfailure"]
    return {"ovcp-cm agent": ovcp, "puppet agent": puppet}


def run_series(argvs, managed, args):
    """Per agent: (first run, median no-change run, ovcp-cm's wait on the master in each).
    The no-change runs alternate between the agents, so a change in the machine's load
    falls on both."""
    for name, argv in argvs.items():
        for _ in range(args.warmup):  # certificates, then the server's caches and JIT warm up (not timed)
            timed(argv)
        shutil.rmtree(managed[AGENTS[name]])
    first, again = {}, {name: [] for name in argvs}
    for name, argv in argvs.items():
        first[name] = timed(argv)
        if first[name][1] != 2:
            sys.exit(f"{name}: the first run changed nothing (exit {first[name][1]})")
        if len(os.listdir(managed[AGENTS[name]])) != args.files:
            sys.exit(f"{name}: {managed[AGENTS[name]]} does not hold the {args.files} managed files")
    for _ in range(args.runs):
        for name, argv in argvs.items():
            run = timed(argv)
            if run[1] != 0:
                sys.exit(f"{name}: a no-change run exited {run[1]}")
            again[name].append(run)
    return {name: (first[name][0], statistics.median(r[0] for r in again[name]), first[name][2],
                   statistics.median(r[2] for r in again[name])) for name in argvs}


def print_series(title, port, results, runs):
    """The table and ratios of one master; returns the figures the verdict needs."""
    print(f"\n== master: {title} on 127.0.0.1:{port} ==")
    print(f"{'agent':16} {'first run (s)':>14} {'no-change run (s, median of ' + str(runs) + ')':>34}")
    for name, (first, again, _, _) in results.items():
        print(f"{name:16} {first:14.3f} {again:34.3f}")
    o, p = results["ovcp-cm agent"], results["puppet agent"]
    fig = {"first": p[0] / o[0], "again": p[1] / o[1], "wait": o[3], "puppet": p[1]}
    print(f"ratio puppet/ovcp-cm: first run {fig['first']:.1f}x, no-change run {fig['again']:.1f}x")
    # The master's own time (node, catalog compile, report; with the TLS handshake) is a floor both
    # agents pay; ovcp-cm's --debug timings measure it from the agent's side.
    print(f"ovcp-cm agent waited on the master {o[2]:.3f} s (first) and {o[3]:.3f} s (no-change: "
          f"{100 * o[3] / o[1]:.0f}% of its run, {100 * o[3] / p[1]:.1f}% of Puppet's); "
          f"its own time {o[0] - o[2]:.3f} s and {o[1] - o[3]:.3f} s")
    own = o[1] - o[3]
    if own > 0:
        print(f"agent-side ratio (no-change run, the same master time taken off both): "
              f"{(p[1] - o[3]) / own:.1f}x")
    return fig


def verdict(ovcp, ps):
    """The issue's target, judged on the ovcp-cm master series (OVCP), with why."""
    print(f"\ntarget: ovcp-cm agent runs at least {TARGET:.0f}x faster than Puppet's agent "
          f"(wall clock of a whole --onetime run).")
    print(f"Judged on the ovcp-cm master series, the agent-to-agent comparison: that master answers a run's "
          f"requests in {ovcp['wait']:.3f} s ({100 * ovcp['wait'] / ovcp['puppet']:.1f}% of Puppet's run), "
          f"so both run times are the agents' own work; the master time left in ovcp-cm's run only "
          f"lowers the ratio.")
    if ps:
        print(f"Against puppetserver the server takes {ps['wait']:.3f} s of every run of both agents, "
              f"which caps that ratio below puppet's run / server time "
              f"({ps['puppet'] / ps['wait']:.1f}x; measured {ps['again']:.1f}x): it measures the server, "
              f"not the agents.")
    else:
        print("(the puppetserver series was skipped)")
    for label, key in (("no-change run", "again"), ("first run", "first")):
        print(f"  {label}: {ovcp[key]:.1f}x -> {'met' if ovcp[key] >= TARGET else 'NOT met'}")


def series(master, cm, args):
    """Start MASTER, time both agents against it, stop it. None (after printing why) when skipped."""
    managed = {certname: f"{master.base}/managed-{certname.split('.')[0]}" for certname in AGENTS.values()}
    try:
        why = master.start(site_pp(args.files, managed))
        if why:
            print(f"\nSKIP {master.title} series: {why}")
            return None
        results = run_series(agent_argvs(cm, master.base + "/agents", master.port), managed, args)
    finally:
        master.stop()
    return print_series(master.title, master.port, results, args.runs)


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the masters


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ovcp_cm")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--ps-timeout", type=int, default=300, help="seconds puppetserver may take to start")
    args = ap.parse_args()
    for tool in ("puppet", "curl"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} is not installed")
            return 0
    cm = os.path.abspath(args.ovcp_cm)
    signal.signal(signal.SIGTERM, on_signal)
    work = tempfile.mkdtemp(prefix="cm-agent-bench.")
    try:
        print(f"catalog: {args.files} file resources + 1 directory per agent; "
              f"{args.warmup} untimed warm-up runs per agent and master")
        ovcp = series(OvcpMaster(cm, os.path.join(work, "ovcp"), free_port()), cm, args)
        ps = series(Puppetserver(os.path.join(work, "ps"), free_port(), args.ps_timeout), cm, args)
        if ovcp:
            verdict(ovcp, ps)
        else:
            print("\ntarget (ovcp-cm agent >= 20x faster than Puppet's): not judged, "
                  "the ovcp-cm master series did not run")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
