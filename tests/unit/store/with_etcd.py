#!/usr/bin/env python3
"""Run a store test program against a fresh, private etcd.

    with_etcd.py PROGRAM [ARGS...]

Starts /usr/bin/etcd (or $OVCP_ETCD) on loopback on two free ports with a
new temporary --data-dir, waits until it answers a linearizable read, runs
PROGRAM with OVCP_STORE_URL=etcd://127.0.0.1:PORT and OVCP_STORE_FRESH=1
(PROGRAM's stdout, TAP, passes through), then stops etcd and removes the
data directory. Exits with PROGRAM's status.

Without an etcd binary it prints a TAP plan that skips everything, with the
reason, and exits 0 (Debian: apt-get install etcd-server).

etcd runs with a 50 ms heartbeat and a 500 ms election timeout: etcd raises
every lease to 1.5 x the election timeout, rounded up to whole seconds, so
these make the 1 s leases of the conformance suite really 1 s (with etcd's
defaults they would be 2 s).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ETCD = os.environ.get("OVCP_ETCD", "/usr/bin/etcd")
READY_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(client_url):
    """True once etcd serves a linearizable read (it has a leader)."""
    req = urllib.request.Request(client_url + "/v3/kv/range", data=b'{"key":"AA=="}',
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as reply:
            return reply.status == 200 and b'"header"' in reply.read()
    except (OSError, urllib.error.URLError):
        return False


def start_etcd(data_dir, log):
    client, peer = free_port(), free_port()
    client_url = "http://127.0.0.1:%d" % client
    peer_url = "http://127.0.0.1:%d" % peer
    argv = [ETCD, "--name", "ovcp-test", "--data-dir", data_dir,
            "--listen-client-urls", client_url, "--advertise-client-urls", client_url,
            "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
            "--initial-cluster", "ovcp-test=" + peer_url, "--initial-cluster-state", "new",
            "--heartbeat-interval", "50", "--election-timeout", "500"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc, None
        if answers(client_url):
            return proc, client
        time.sleep(0.1)
    return proc, None


def stop(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def print_log_tail(path):
    try:
        with open(path, errors="replace") as f:
            for line in f.read().splitlines()[-20:]:
                print("# etcd: " + line)
    except OSError:
        pass


def main(argv):
    if len(argv) < 2:
        print("usage: with_etcd.py PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    if not os.access(ETCD, os.X_OK):
        print("1..0 # SKIP %s is missing (Debian: apt-get install etcd-server)" % ETCD)
        return 0
    work = tempfile.mkdtemp(prefix="ovcp-etcd-")
    log_path = os.path.join(work, "etcd.log")
    proc = None
    try:
        port = None
        with open(log_path, "ab") as log:
            for _ in range(3):  # a port taken between free_port() and etcd's bind: try again
                data_dir = tempfile.mkdtemp(prefix="data-", dir=work)
                proc, port = start_etcd(data_dir, log)
                if port is not None:
                    break
                stop(proc)
        if port is None:
            print("# etcd did not start")
            print_log_tail(log_path)
            print("not ok 1 - etcd starts\n1..1")
            return 1
        env = dict(os.environ, OVCP_STORE_URL="etcd://127.0.0.1:%d" % port, OVCP_STORE_FRESH="1")
        sys.stdout.flush()
        started = time.monotonic()
        rc = subprocess.call(argv[1:], env=env)
        print("# %s ran %.1f s against etcd on port %d" % (os.path.basename(argv[1]),
                                                          time.monotonic() - started, port))
        if rc != 0:
            print_log_tail(log_path)
        return rc
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
