"""Helpers of the ovcp-cm master integration tests: a master on scratch
directories and free loopback ports, Debian's stock Puppet agent run
against it with throwaway confdir/vardir/ssldir, a mutual-TLS client (Python
ssl) acting with an agent's certificate, the `ovcp-cm ca` command, and
HAProxy with a generated configuration (a pure function).

Invariants: every process started here is registered and killed on every
path (stop(), atexit); everything lives in one temporary directory removed
at exit; every wait has a deadline.
"""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse

OVCP_CM = os.environ.get("OVCP_CM", "ovcp-cm")
ROOT = tempfile.mkdtemp(prefix="cm-master-it-")
_procs = []


def _cleanup():
    for p in list(_procs):
        kill(p)
    if not os.environ.get("CMTEST_KEEP"):
        shutil.rmtree(ROOT, ignore_errors=True)


atexit.register(_cleanup)


def kill(p, timeout=10):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _procs:
        _procs.remove(p)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc=None, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on %d after %ss" % (port, timeout))


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


class Code:
    """A codedir with the production environment."""

    def __init__(self, name="code"):
        self.dir = os.path.join(ROOT, name)
        self.env = os.path.join(self.dir, "environments", "production")
        os.makedirs(os.path.join(self.env, "manifests"), exist_ok=True)
        os.makedirs(os.path.join(self.env, "modules"), exist_ok=True)

    def site(self, text):
        write(os.path.join(self.env, "manifests", "site.pp"), text)

    def module_file(self, module, rel, text):
        write(os.path.join(self.env, "modules", module, rel), text)


class Master:
    """One ovcp-cm master; shares confdir/vardir when given (multi-master)."""

    def __init__(self, code, name="m", autosign="false", extra=(), confdir=None, vardir=None,
                 certname="master.test"):
        self.dir = os.path.join(ROOT, name)
        os.makedirs(self.dir, exist_ok=True)
        self.confdir = confdir or os.path.join(self.dir, "conf")
        self.vardir = vardir or os.path.join(self.dir, "var")
        self.code = code
        self.port = free_port()
        self.dash_port = free_port()
        self.autosign = autosign
        self.extra = list(extra)
        self.certname = certname
        self.proc = None
        self.log = os.path.join(self.dir, "master.log")

    def argv(self):
        return [OVCP_CM, "master", "--no-daemonize", "--port", str(self.port), "--bind", "127.0.0.1",
                "--confdir", self.confdir, "--codedir", self.code.dir, "--vardir", self.vardir,
                "--autosign", self.autosign, "--dns-alt-names", "localhost,IP:127.0.0.1",
                "--certname", self.certname, "--keylength", "2048", "--threads", "2",
                "--dashboard-listen", "http://127.0.0.1:%d" % self.dash_port] + self.extra

    def start(self):
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=self.logf)
        _procs.append(self.proc)
        wait_port(self.port, self.proc)
        wait_port(self.dash_port, self.proc)
        return self

    def stop(self):
        if self.proc:
            kill(self.proc)
            self.logf.close()

    @property
    def cadir(self):
        return os.path.join(self.confdir, "ssl", "ca")

    def ca(self, *args):
        r = subprocess.run([OVCP_CM, "ca", "--cadir", self.cadir] + list(args), capture_output=True,
                           text=True, timeout=60)
        return r.returncode, r.stdout + r.stderr

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def dashboard(self, path="/dashboard"):
        c = http.client.HTTPConnection("127.0.0.1", self.dash_port, timeout=10)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        return r.status, body


class Agent:
    """Debian's stock `puppet agent` as a node, with its own throwaway dirs."""

    def __init__(self, certname):
        self.certname = certname
        self.dir = os.path.join(ROOT, "agent-" + certname)
        self.ssldir = os.path.join(self.dir, "ssl")

    def run(self, port, timeout=180, extra=()):
        d = self.dir
        argv = ["puppet", "agent", "--onetime", "--no-daemonize", "--test", "--server", "127.0.0.1",
                "--masterport", str(port), "--confdir", d + "/conf", "--vardir", d + "/var",
                "--codedir", d + "/code", "--logdir", d + "/log", "--rundir", d + "/run",
                "--ssldir", self.ssldir, "--certname", self.certname, "--waitforcert", "0",
                "--no-usecacheonfailure", "--color", "false", "--detailed-exitcodes"] + list(extra)
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        _procs.append(p)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(p)
            raise AssertionError("puppet agent did not finish in %ss" % timeout)
        if p in _procs:
            _procs.remove(p)
        out = "\n".join(l for l in out.splitlines() if "Facter: Permission denied" not in l)
        return p.returncode, out

    @property
    def cert(self):
        return os.path.join(self.ssldir, "certs", self.certname + ".pem")

    @property
    def key(self):
        return os.path.join(self.ssldir, "private_keys", self.certname + ".pem")

    @property
    def ca_cert(self):
        return os.path.join(self.ssldir, "certs", "ca.pem")


def tls_request(port, method, path, body=None, agent=None, cafile=None, headers=None):
    """A request over TLS; with AGENT, presenting its certificate. Returns (status, body)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        ctx.load_verify_locations(cafile)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if agent is not None:
        ctx.load_cert_chain(agent.cert, agent.key)
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def catalog_body(certname, facts=None):
    """A catalog POST body as Puppet 7's agent sends it: facts URL-encoded twice."""
    doc = {"name": certname, "values": facts or {"os": {"family": "Debian"}}}
    once = urllib.parse.quote_plus(json.dumps(doc))
    return urllib.parse.urlencode({"facts_format": "application/json", "facts": once,
                                   "environment": "production", "transaction_uuid": "x"})


def haproxy_config(front_port, backends, stats_sock=None):
    """HAProxy in TCP mode (TLS passes through to the masters): a pure function
    of the front port and the (name, port) backends."""
    lines = [
        "global",
        "  maxconn 256",
    ]
    if stats_sock:
        lines.append("  stats socket %s mode 600 level admin" % stats_sock)
    lines += [
        "defaults",
        "  mode tcp",
        "  timeout connect 2s",
        "  timeout client 120s",
        "  timeout server 120s",
        "  retries 2",
        "  option redispatch",
        "frontend puppet",
        "  bind 127.0.0.1:%d" % front_port,
        "  default_backend masters",
        "backend masters",
        "  balance roundrobin",
        "  option tcp-check",
    ]
    for name, port in backends:
        lines.append("  server %s 127.0.0.1:%d check inter 500ms fall 1 rise 1" % (name, port))
    return "\n".join(lines) + "\n"


class HAProxy:
    def __init__(self, backends):
        self.port = free_port()
        self.cfg = os.path.join(ROOT, "haproxy.cfg")
        write(self.cfg, haproxy_config(self.port, backends))
        self.proc = None

    def start(self):
        r = subprocess.run(["haproxy", "-c", "-f", self.cfg], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError("haproxy -c: %s" % (r.stdout + r.stderr))
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", self.cfg], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _procs.append(self.proc)
        wait_port(self.port, self.proc)
        return self

    def stop(self):
        if self.proc:
            kill(self.proc)
