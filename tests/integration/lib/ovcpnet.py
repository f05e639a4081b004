"""Network namespaces for the integration tests: a daemon's bridges, taps,
dnsmasq and nft tables go into a namespace the test makes, never onto the
host's own interfaces.

Invariant: a namespace made here is removed on every path, with every
process in it (ovcptest.at_cleanup: at the runner's end, at exit and on
SIGTERM, after the daemons are dead). Only processes inside the test's own
namespaces are ever killed.
"""
import json
import os
import signal
import subprocess

from ovcptest import at_cleanup


def run(*argv, check=True):
    """Run argv (no shell); its output. With check, a non-zero exit fails the test."""
    p = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


def have(program):
    return any(os.access(os.path.join(d, program), os.X_OK) for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"))


def _ip(ns, *args, check=True):
    return run("ip", *(("-n", ns) if ns else ()), *args, check=check)


def links(ns=None):
    """The links of namespace ns (None: the host's own), by name, as `ip -d -j link show` gives them."""
    return {link["ifname"]: link for link in json.loads(_ip(ns, "-d", "-j", "link", "show").stdout)}


def addrs(name, ns=None):
    """The IPv4 addresses (a.b.c.d/len) of link name."""
    out = json.loads(_ip(ns, "-j", "addr", "show", "dev", name).stdout)
    return ["%s/%d" % (a["local"], a["prefixlen"]) for a in out[0]["addr_info"] if a["family"] == "inet"]


def kind(link):
    return link.get("linkinfo", {}).get("info_kind", "")


class Netns:
    """A network namespace of the test's own, with its loopback up."""

    def __init__(self, name):
        self.name = name

    def create(self):
        run("ip", "netns", "add", self.name)
        at_cleanup(self.remove)
        self.ip("link", "set", "lo", "up")
        return self

    def remove(self):
        """Kill every process in the namespace (all of them the test's), then delete it."""
        for pid in run("ip", "netns", "pids", self.name, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
        run("ip", "netns", "del", self.name, check=False)

    def ip(self, *args, check=True):
        """`ip -n NAME args...`."""
        return _ip(self.name, *args, check=check)

    def exec(self, *argv, check=True):
        """argv run inside the namespace."""
        return run("ip", "netns", "exec", self.name, *argv, check=check)

    def links(self):
        return links(self.name)

    def link_names(self):
        return set(self.links())

    def addrs(self, name):
        return addrs(name, self.name)

    def veth(self, name, peer_ns, peer):
        """A veth pair: name here, peer in peer_ns; both ends up."""
        self.ip("link", "add", name, "type", "veth", "peer", "name", peer, "netns", peer_ns.name)
        self.ip("link", "set", name, "up")
        peer_ns.ip("link", "set", peer, "up")
