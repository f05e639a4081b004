"""ovcp-cm master against Debian's stock Puppet 7 agent: CA bootstrap,
signing by `ovcp-cm ca` and by autosign policies, whole runs that apply a
catalog compiled by OVCP's compiler, reports on the dashboard, refusals
(revoked node, another node's catalog, no certificate, path traversal),
node classifiers (ENC, OVCP's XenAPI classifier) and two masters behind
HAProxy while one of them stops. Prints TAP."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cmmaster as cm  # noqa: E402
from ovcptest import Tap, Skip, eq, ok  # noqa: E402

t = Tap()
OUT = os.path.join(cm.ROOT, "out")  # every file the catalogs manage lives here
os.makedirs(OUT, exist_ok=True)

code = cm.Code()
code.site("""
node default {
  notify { "hello ${trusted['certname']} on ${facts['os']['family']}": }
  file { "%(out)s/${trusted['certname']}.txt":
    ensure  => file,
    content => "managed for ${trusted['certname']}\\n",
  }
  file { "%(out)s/${trusted['certname']}-source.txt":
    ensure => file,
    source => 'puppet:///modules/demo/hello.txt',
  }
}
""" % {"out": OUT})
code.module_file("demo", "files/hello.txt", "from the module\n")
code.module_file("demo", "files/sub/inner.txt", "inner\n")
os.symlink("/etc/passwd", os.path.join(code.env, "modules", "demo", "files", "escape"))

master = cm.Master(code)
node1 = cm.Agent("node1.example")
node2 = cm.Agent("node2.example")


def read(path):
    with open(path) as f:
        return f.read()


@t.test("master starts, creates its CA and answers /status/v1/simple")
def _():
    master.start()
    st, body = cm.tls_request(master.port, "GET", "/status/v1/simple")
    eq((st, body), (200, b"running"))
    st, pem = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate/ca")
    eq(st, 200)
    ok(b"BEGIN CERTIFICATE" in pem, "CA certificate served")
    st, crl = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate_revocation_list/ca")
    ok(st == 200 and b"BEGIN X509 CRL" in crl, "CRL served")


@t.test("stock agent without a certificate: CSR queued, no catalog, 404 for its certificate")
def _():
    rc, out = node1.run(master.port)
    ok(rc != 0 and "has not been signed yet" in out, "agent waits for signing: rc %d\n%s" % (rc, out[-800:]))
    rc, listing = master.ca("list")
    ok(rc == 0 and re.search(r"requested\s+node1\.example", listing), listing)
    st, _ = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate/node1.example")
    eq(st, 404)
    st, _ = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate_request/node1.example")
    eq(st, 200)


@t.test("CSR validation: CN must equal the name, names are lower case")
def _():
    st, pem = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate_request/node1.example")
    st, body = cm.tls_request(master.port, "PUT", "/puppet-ca/v1/certificate_request/other.example", pem,
                              headers={"Content-Type": "text/plain"})
    eq(st, 400)
    st, body = cm.tls_request(master.port, "PUT", "/puppet-ca/v1/certificate_request/BAD", pem,
                              headers={"Content-Type": "text/plain"})
    eq(st, 400)


@t.test("ovcp-cm ca sign; the agent's whole run applies the compiled catalog")
def _():
    rc, out = master.ca("sign", "node1.example")
    ok(rc == 0, out)
    rc, out = node1.run(master.port)
    eq(rc, 2, "detailed exit code (changes applied)\n" + out[-1500:])
    ok("hello node1.example on Debian" in out, "notify shown:\n" + out[-1500:])
    eq(read(os.path.join(OUT, "node1.example.txt")), "managed for node1.example\n")
    eq(read(os.path.join(OUT, "node1.example-source.txt")), "from the module\n")
    rc, out = node1.run(master.port)
    eq(rc, 2, "second run: only the notify (always a change)\n" + out[-1500:])
    ok("File[" not in out, "second run leaves the files alone\n" + out[-1500:])


@t.test("the reports are on the dashboard (overview and node page)")
def _():
    st, page = master.dashboard()
    eq(st, 200)
    ok('href="/dashboard/node/node1.example"' in page, "node listed")
    ok(re.search(r'data-node-state="changed"', page), "latest run: changed (its notify)")
    st, page = master.dashboard("/dashboard/node/node1.example")
    eq(st, 200)
    ok("<svg" in page and "changed" in page, "runs and chart")
    ok("File[%s/node1.example.txt]" % OUT in page, "changed resource and its event listed")
    # on the TLS port the dashboard needs a certificate of this CA
    st, _ = cm.tls_request(master.port, "GET", "/dashboard")
    eq(st, 403)
    st, _ = cm.tls_request(master.port, "GET", "/dashboard", agent=node1, cafile=node1.ca_cert)
    eq(st, 200)


@t.test("a node gets only its own catalog, node object and report slot (403 otherwise)")
def _():
    body = cm.catalog_body("node1.example")
    hdr = {"Content-Type": "application/x-www-form-urlencoded"}
    st, cat = cm.tls_request(master.port, "POST", "/puppet/v3/catalog/node1.example?environment=production",
                             body, agent=node1, cafile=node1.ca_cert, headers=hdr)
    eq(st, 200)
    cat = json.loads(cat)
    eq(cat["name"], "node1.example")
    ok(any(r["type"] == "Notify" for r in cat["resources"]), "catalog has the notify")
    st, _ = cm.tls_request(master.port, "POST", "/puppet/v3/catalog/node2.example?environment=production",
                           cm.catalog_body("node2.example"), agent=node1, cafile=node1.ca_cert, headers=hdr)
    eq(st, 403)
    st, _ = cm.tls_request(master.port, "GET", "/puppet/v3/node/node2.example", agent=node1, cafile=node1.ca_cert)
    eq(st, 403)
    st, _ = cm.tls_request(master.port, "PUT", "/puppet/v3/report/node2.example", "{}", agent=node1,
                           cafile=node1.ca_cert, headers={"Content-Type": "application/json"})
    eq(st, 403)
    st, _ = cm.tls_request(master.port, "POST", "/puppet/v3/catalog/node1.example", body, headers=hdr)
    eq(st, 403, "no certificate")
    st, _ = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate_status/node1.example", agent=node1,
                           cafile=node1.ca_cert)
    eq(st, 403, "certificate_status is for the master's certificate only")


@t.test("file server: metadata, recursion, content; traversal and links out refused")
def _():
    def get(path):
        return cm.tls_request(master.port, "GET", path, agent=node1, cafile=node1.ca_cert)
    st, md = get("/puppet/v3/file_metadata/modules/demo/hello.txt?environment=production")
    eq(st, 200)
    md = json.loads(md)
    eq(md["type"], "file")
    ok(md["checksum"]["value"].startswith("{sha256}"), md["checksum"])
    st, mds = get("/puppet/v3/file_metadatas/modules/demo?recurse=true&environment=production&ignore=.git")
    eq(st, 200)
    rel = sorted(m["relative_path"] for m in json.loads(mds))
    eq(rel, [".", "hello.txt", "sub", "sub/inner.txt"], "links out of files/ are not listed")
    st, data = get("/puppet/v3/file_content/modules/demo/sub/inner.txt?environment=production")
    eq((st, data), (200, b"inner\n"))
    for bad in ["/puppet/v3/file_content/modules/demo/../../../../../../etc/passwd",
                "/puppet/v3/file_content/modules/demo/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "/puppet/v3/file_content/modules/demo/sub/..%2f..%2f..%2fmanifests/site.pp",
                "/puppet/v3/file_content/modules/demo//etc/passwd",
                "/puppet/v3/file_content/modules/demo/escape",
                "/puppet/v3/file_metadata/modules/demo/escape",
                "/puppet/v3/file_content/modules/../manifests/site.pp"]:
        st, data = get(bad + "?environment=production")
        ok(st in (400, 403, 404) and b"root:" not in data and b"node default" not in data,
           "%s answered %d" % (bad, st))


@t.test("revoked node: refused at once, its agent run fails")
def _():
    rc, out = master.ca("revoke", "node1.example")
    ok(rc == 0, out)
    st, _ = cm.tls_request(master.port, "GET", "/puppet/v3/node/node1.example", agent=node1, cafile=node1.ca_cert)
    eq(st, 403)
    rc, out = node1.run(master.port)
    ok(rc not in (0, 2), "revoked agent's run must fail: rc %d\n%s" % (rc, out[-800:]))
    rc, listing = master.ca("list", "--all")
    ok(re.search(r"revoked\s+node1\.example", listing), listing)


@t.test("certificate_status over the API with the master's own certificate")
def _():
    class MasterCert:
        cert = os.path.join(master.confdir, "ssl", "certs", "master.test.pem")
        key = os.path.join(master.confdir, "ssl", "private_keys", "master.test.pem")
    rc, out = node2.run(master.port)
    ok("has not been signed yet" in out, out[-500:])
    ca = os.path.join(master.cadir, "ca_crt.pem")
    st, body = cm.tls_request(master.port, "GET", "/puppet-ca/v1/certificate_status/node2.example",
                              agent=MasterCert, cafile=ca)
    eq(st, 200)
    eq(json.loads(body)["state"], "requested")
    st, _ = cm.tls_request(master.port, "PUT", "/puppet-ca/v1/certificate_status/node2.example",
                           json.dumps({"desired_state": "signed"}), agent=MasterCert, cafile=ca,
                           headers={"Content-Type": "application/json"})
    eq(st, 204)
    rc, out = node2.run(master.port)
    eq(rc, 2, out[-1000:])


def autosign_master(name, policy):
    m = cm.Master(code, name=name, autosign=policy)
    return m.start()


@t.test("autosign true, a glob file and a policy executable")
def _():
    glob = os.path.join(cm.ROOT, "autosign.conf")
    cm.write(glob, "# nodes of the test\n*.auto.example\n")
    policy = os.path.join(cm.ROOT, "policy.sh")
    cm.write(policy, "#!/bin/sh\ngrep -q 'BEGIN CERTIFICATE REQUEST' || exit 3\n"
                     "case \"$1\" in good*) exit 0;; *) exit 1;; esac\n", 0o755)
    for name, pol, good, bad in [("as-true", "true", "any1.example", None),
                                 ("as-glob", glob, "n1.auto.example", "n1.other.example"),
                                 ("as-exec", policy, "good1.example", "evil1.example")]:
        m = autosign_master(name, pol)
        try:
            rc, out = cm.Agent(good).run(m.port)
            eq(rc, 2, "%s: %s signed and applied\n%s" % (name, good, out[-800:]))
            if bad:
                rc, out = cm.Agent(bad).run(m.port)
                ok("has not been signed yet" in out, "%s: %s left unsigned\n%s" % (name, bad, out[-500:]))
        finally:
            m.stop()


@t.test("external node classifier (exec): classes with parameters and variables")
def _():
    code.module_file("encdemo", "manifests/init.pp", """
class encdemo(String $greeting = 'default') {
  file { "%s/enc-${trusted['certname']}.txt": ensure => file, content => "${greeting} ${role}\\n" }
}
""" % OUT)
    enc = os.path.join(cm.ROOT, "enc.sh")
    cm.write(enc, "#!/bin/sh\n[ \"$1\" = unknown.example ] && exit 1\ncat <<EOF\n---\nclasses:\n"
                  "  encdemo:\n    greeting: hi from enc\nparameters:\n  role: frontend\nenvironment: production\nEOF\n",
             0o755)
    m = cm.Master(code, name="enc", autosign="true", extra=["--node-terminus", "exec", "--external-nodes", enc]).start()
    try:
        rc, out = cm.Agent("enc1.example").run(m.port)
        eq(rc, 2, out[-1200:])
        eq(read(os.path.join(OUT, "enc-enc1.example.txt")), "hi from enc frontend\n")
        rc, out = cm.Agent("unknown.example").run(m.port)
        ok(rc not in (0, 2), "a node the ENC does not know gets no catalog\n" + out[-500:])
    finally:
        m.stop()


@t.test("OVCP classifier: classes and parameters from VM.other_config in a real ovcpd")
def _():
    if not os.environ.get("OVCPD") or not os.access(os.environ["OVCPD"], os.X_OK):
        raise Skip("OVCPD not set")
    from ovcptest import Daemon, minimal_vm
    d = Daemon().start()
    try:
        s = d.login()
        s.VM.create(minimal_vm("ovcp1.example", other_config={
            "ovcp-cm-classes": "encdemo",
            "ovcp-cm-param:encdemo::greeting": "\"hi from ovcp\"",
            "ovcp-cm-var:role": "db"}))
        s.VM.create(minimal_vm("some-vm", other_config={
            "ovcp-cm-certname": "ovcp2.example", "ovcp-cm-param:encdemo::greeting": "by certname key"}))
        cred = os.path.join(cm.ROOT, "xapi-cred")
        cm.write(cred, "root\n%s\n" % d.root_password, 0o600)
        m = cm.Master(code, name="ovcp", autosign="true", extra=[
            "--node-terminus", "ovcp", "--ovcp-xapi", "http://127.0.0.1:%d" % d.port,
            "--ovcp-credentials", cred]).start()
        try:
            rc, out = cm.Agent("ovcp1.example").run(m.port)
            eq(rc, 2, out[-1200:])
            eq(read(os.path.join(OUT, "enc-ovcp1.example.txt")), "hi from ovcp db\n")
            rc, out = cm.Agent("ovcp2.example").run(m.port)
            eq(rc, 2, out[-1200:])
            ok(read(os.path.join(OUT, "enc-ovcp2.example.txt")).startswith("by certname key"), "other_config key")
        finally:
            m.stop()
    finally:
        d.stop()


@t.test("two masters behind HAProxy (TCP passthrough) sharing CA, code and reports; one stops")
def _():
    shared_conf = os.path.join(cm.ROOT, "ha-conf")
    shared_var = os.path.join(cm.ROOT, "ha-var")
    a = cm.Master(code, name="ha-a", autosign="true", confdir=shared_conf, vardir=shared_var).start()
    b = cm.Master(code, name="ha-b", autosign="true", confdir=shared_conf, vardir=shared_var).start()
    hp = cm.HAProxy([("a", a.port), ("b", b.port)]).start()
    try:
        for i in range(2):
            rc, out = cm.Agent("ha%d.example" % i).run(hp.port)
            eq(rc, 2, out[-1000:])
        a.stop()
        time.sleep(1.5)  # the health check marks it down
        rc, out = cm.Agent("ha-late.example").run(hp.port)
        eq(rc, 2, "new node while master a is down\n" + out[-1000:])
        rc, out = cm.Agent("ha0.example").run(hp.port)
        eq(rc, 2, "known node while master a is down\n" + out[-1000:])
        ok("File[" not in out, "its files are in place already\n" + out[-1000:])
        st, page = b.dashboard()
        for n in ("ha0.example", "ha1.example", "ha-late.example"):
            ok("/dashboard/node/%s\"" % n in page, "%s reported into the shared store" % n)
    finally:
        hp.stop()
        a.stop()
        b.stop()


t.main()
