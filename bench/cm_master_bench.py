#!/usr/bin/env python3
"""Catalog compiles per second and memory of `ovcp-cm master` against
Debian's puppetserver 7, measured in the same run on the same manifests.

Each server gets its own scratch confdir/codedir/vardir, autosign on and a
loopback port. A client key and CSR (openssl req) are signed through the
server's own CA API; then N threads POST catalog requests (facts encoded
twice, as Puppet's agent does) over keep-alive mutual-TLS connections for a
fixed time. Reported: compiles/s, median latency, the server's RSS after the
run, and the ratios (targets: >= 100x compiles/s, <= 1/20 memory).
puppetserver is skipped with a printed reason if it cannot start in time.

usage: cm_master_bench.py [--ovcp-cm PATH] [--threads N] [--seconds S] [--ps-timeout S]
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SITE = """
class bench::base($motd = 'managed by the benchmark') {
  file { '/tmp/bench-motd': ensure => file, content => "${motd}\\n" }
  $pkgs = ['curl', 'vim', 'htop', 'git', 'jq']
  $pkgs.each |$p| { package { $p: ensure => installed } }
  service { 'cron': ensure => running, enable => true, require => Package['curl'] }
}
define bench::vhost(String $docroot, Integer $port = 80) {
  file { "/tmp/bench-vhost-${title}.conf":
    ensure  => file,
    content => "server ${title} on ${port} at ${docroot} for ${facts['os']['family']}\\n",
  }
}
class bench::web {
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].each |$i| {
    bench::vhost { "site${i}": docroot => "/srv/site${i}", port => 8000 + $i }
  }
  notify { "web on ${trusted['certname']}": }
}
node default {
  include bench::base
  include bench::web
  if $facts['os']['family'] == 'Debian' { notify { 'debian': } }
}
"""

FACTS = {"os": {"family": "Debian", "name": "Debian", "release": {"major": "12", "full": "12.5"}},
         "networking": {"fqdn": "bench.example", "hostname": "bench", "ip": "127.0.0.1"},
         "kernel": "Linux", "processors": {"count": 2}, "memory": {"system": {"total": "2.00 GiB"}}}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_code(codedir):
    env = os.path.join(codedir, "environments", "production")
    os.makedirs(os.path.join(env, "manifests"), exist_ok=True)
    os.makedirs(os.path.join(env, "modules"), exist_ok=True)
    with open(os.path.join(env, "manifests", "site.pp"), "w") as f:
        f.write(SITE)


def insecure_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def request(port, method, path, body=None, headers=None, ctx=None):
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx or insecure_ctx(), timeout=60)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def client_cert(port, certname, workdir):
    """Key + CSR by openssl, signed by the server's CA (autosign). Returns (cert, key, ca)."""
    key = os.path.join(workdir, certname + ".key")
    csr = os.path.join(workdir, certname + ".csr")
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", "/CN=" + certname], check=True, capture_output=True, timeout=60)
    with open(csr) as f:
        st, body = request(port, "PUT", "/puppet-ca/v1/certificate_request/" + certname, f.read(),
                           {"Content-Type": "text/plain"})
    if st != 200:
        raise RuntimeError("CSR refused: %d %s" % (st, body[:200]))
    deadline = time.monotonic() + 30
    while True:
        st, pem = request(port, "GET", "/puppet-ca/v1/certificate/" + certname)
        if st == 200:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("certificate not signed")
        time.sleep(0.2)
    cert = os.path.join(workdir, certname + ".pem")
    with open(cert, "wb") as f:
        f.write(pem)
    st, ca = request(port, "GET", "/puppet-ca/v1/certificate/ca")
    cafile = os.path.join(workdir, "ca.pem")
    with open(cafile, "wb") as f:
        f.write(ca)
    return cert, key, cafile


def catalog_body(certname):
    doc = {"name": certname, "values": FACTS, "timestamp": "2024-01-01T00:00:00Z"}
    return urllib.parse.urlencode({"facts_format": "application/json",
                                   "facts": urllib.parse.quote_plus(json.dumps(doc)),
                                   "environment": "production", "transaction_uuid": "bench"})


def load(port, certname, cert, key, threads, seconds):
    """N threads POSTing catalogs for SECONDS. Returns (compiles/s, median latency s, errors)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(cert, key)
    body = catalog_body(certname)
    path = "/puppet/v3/catalog/%s?environment=production" % certname
    hdr = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    lat, errors, lock, first_error = [], [0], threading.Lock(), []
    stop_at = time.monotonic() + seconds

    def worker():
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
        mine = []
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            try:
                c.request("POST", path, body=body, headers=hdr)
                r = c.getresponse()
                data = r.read()
                ok = r.status == 200 and b'"resources"' in data
                if not ok and not first_error:
                    first_error.append("%d %s" % (r.status, data[:300]))
            except (OSError, http.client.HTTPException):
                ok = False
                c.close()
                c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
            if ok:
                mine.append(time.monotonic() - t0)
            else:
                with lock:
                    errors[0] += 1
        c.close()
        with lock:
            lat.extend(mine)

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.monotonic() - t0
    if first_error:
        print("  first error: %s" % first_error[0])
    return len(lat) / elapsed, (statistics.median(lat) if lat else float("nan")), errors[0]


def wait_ca(port, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            st, _ = request(port, "GET", "/puppet-ca/v1/certificate/ca")
            if st == 200:
                return True
        except OSError:
            pass
        time.sleep(1)
    return False


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def bench_ovcp(args, root):
    d = os.path.join(root, "ovcp")
    write_code(os.path.join(d, "code"))
    port = free_port()
    log = open(os.path.join(d, "master.log"), "wb")
    proc = subprocess.Popen([args.ovcp_cm, "master", "--no-daemonize", "--port", str(port), "--bind", "127.0.0.1",
                             "--confdir", d + "/conf", "--codedir", d + "/code", "--vardir", d + "/var",
                             "--autosign", "true", "--certname", "localhost", "--keylength", "2048",
                             "--logdest", d + "/master.log"], stdout=log, stderr=log)
    try:
        if not wait_ca(port, proc, 60):
            raise RuntimeError("ovcp-cm master did not start")
        cert, key, _ = client_cert(port, "bench.example", d)
        load(port, "bench.example", cert, key, args.threads, 1)  # warm up
        rate, med, errs = load(port, "bench.example", cert, key, args.threads, args.seconds)
        return rate, med, errs, rss_kib(proc.pid)
    finally:
        stop(proc)
        log.close()


def ps_config(d, port):
    os.makedirs(d + "/conf.d", exist_ok=True)
    for sub in ("puppet", "var", "run", "log"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    with open(d + "/puppet/puppet.conf", "w") as f:
        f.write("[server]\ncertname = localhost\ndns_alt_names = localhost,127.0.0.1\nautosign = true\n"
                "vardir = {d}/var\nssldir = {d}/puppet/ssl\ncadir = {d}/puppet/ssl/ca\ncodedir = {d}/code\n"
                "logdir = {d}/log\nrundir = {d}/run\nreports = none\nenvironment_timeout = unlimited\n".format(d=d))
    confs = {
        "puppetserver.conf": "jruby-puppet: {{\n ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]\n"
        " gem-home: {d}/var/jruby-gems\n gem-path: [{d}/var/jruby-gems, \"/usr/lib/puppetserver/vendored-jruby-gems\"]\n"
        " server-conf-dir: {d}/puppet\n server-code-dir: {d}/code\n server-var-dir: {d}/var\n"
        " server-run-dir: {d}/run\n server-log-dir: {d}/log\n max-active-instances: 2\n}}\n"
        "http-client: {{}}\nprofiler: {{}}\n",
        "webserver.conf": "webserver: {{\n client-auth: want\n ssl-host: 127.0.0.1\n ssl-port: {port}\n}}\n",
        "global.conf": "global: {{\n logging-config: {d}/logback.xml\n}}\n",
        "ca.conf": "certificate-authority: {{}}\n",
    }
    for name, text in confs.items():
        with open(os.path.join(d, "conf.d", name), "w") as f:
            f.write(text.format(d=d, port=port))
    for name in ("auth.conf", "web-routes.conf", "metrics.conf"):
        shutil.copy(os.path.join("/etc/puppet/puppetserver/conf.d", name), os.path.join(d, "conf.d", name))
    with open(d + "/logback.xml", "w") as f:
        f.write('<configuration scan="false"><appender name="F" class="ch.qos.logback.core.FileAppender">'
                '<file>%s/log/puppetserver.log</file><encoder><pattern>%%d %%-5p %%m%%n</pattern></encoder>'
                '</appender><root level="warn"><appender-ref ref="F"/></root></configuration>\n' % d)


def bench_puppetserver(args, root):
    jar = "/usr/share/puppetserver/puppetserver.jar"
    if not os.path.exists(jar) or shutil.which("java") is None:
        return "puppetserver or java is not installed"
    d = os.path.join(root, "ps")
    write_code(os.path.join(d, "code"))
    port = free_port()
    ps_config(d, port)
    log = open(os.path.join(d, "stdout.log"), "wb")
    proc = subprocess.Popen(["java", "-Xms512m", "-Xmx1g", "-XX:+UseSerialGC",
                             "-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger",
                             "-Djruby.lib=/usr/share/jruby/lib", "-jar", jar, "--config", d + "/conf.d",
                             "--bootstrap-config", "/etc/puppet/puppetserver/services.d"],
                            cwd="/usr/share/puppetserver", stdout=log, stderr=log)
    try:
        t0 = time.monotonic()
        if not wait_ca(port, proc, args.ps_timeout):
            return "puppetserver did not answer within %d s" % args.ps_timeout
        print("puppetserver started in %.0f s" % (time.monotonic() - t0))
        cert, key, _ = client_cert(port, "bench.example", d)
        load(port, "bench.example", cert, key, args.threads, 10)  # JIT warm-up
        rate, med, errs = load(port, "bench.example", cert, key, args.threads, args.seconds)
        return rate, med, errs, rss_kib(proc.pid)
    finally:
        stop(proc)
        log.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ovcp-cm", default=os.environ.get("OVCP_CM", "build/src/cm/ovcp-cm"))
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--ps-timeout", type=int, default=300)
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="cm-master-bench-")
    try:
        o = bench_ovcp(args, root)
        print("ovcp-cm master: %.1f compiles/s, median %.1f ms, %d errors, RSS %.1f MiB"
              % (o[0], o[1] * 1000, o[2], o[3] / 1024))
        p = bench_puppetserver(args, root)
        if isinstance(p, str):
            print("puppetserver: skipped: %s" % p)
            return 0
        print("puppetserver:   %.1f compiles/s, median %.1f ms, %d errors, RSS %.1f MiB"
              % (p[0], p[1] * 1000, p[2], p[3] / 1024))
        speed = o[0] / p[0] if p[0] else float("inf")
        mem = o[3] / p[3] if p[3] else float("nan")
        print("ratio compiles/s: %.1fx (target >= 100x)   memory: 1/%.1f (target <= 1/20)"
              % (speed, 1 / mem if mem else float("inf")))
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
