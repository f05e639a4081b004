#!/usr/bin/env python3
"""The network driver against the real kernel, dnsmasq and nftables, inside
network namespaces this test makes (never the host's own interfaces).

Namespace NS holds ovcpd (run with `ip netns exec NS`), its bridges, taps,
dnsmasq and nft table; namespace NS-c holds the far ends of the veth pairs:
the "uplinks" eth0/eth1 of NS and a DHCP client. Both namespaces, and every
process in them, are removed on every path (atexit and the runner's end).
The daemon is reached through its unix socket (the file system is shared).
"""
import os
import re
import shutil
import signal
import sys
import tempfile

import ovcptest as o
from ovcpnet import Netns, have, kind

NS = Netns("ovcptest-%d" % os.getpid())
CLIENT = Netns(NS.name + "-c")
t = o.Tap()


def namespaces_setup():
    NS.create()
    CLIENT.create()
    for i in (0, 1):
        NS.veth("eth%d" % i, CLIENT, "up%d" % i)
    NS.ip("addr", "add", "192.0.2.10/24", "dev", "eth0")
    CLIENT.ip("addr", "add", "192.0.2.1/24", "dev", "up0")
    NS.ip("route", "add", "default", "via", "192.0.2.1")
    # A table of "the host's firewall": OVCP must leave it alone.
    if have("nft"):
        NS.exec("nft", "add", "table", "inet", "hostfw")
        NS.exec("nft", "add", "chain", "inet", "hostfw", "input", "{ type filter hook input priority 0; }")


def kernel_has_vlan():
    p = CLIENT.ip("link", "add", "link", "up1", "name", "probe.7", "type", "vlan", "id", "7", check=False)
    CLIENT.ip("link", "del", "probe.7", check=False)
    return p.returncode == 0


state = {}


def daemon():
    return state["d"]


def s():
    if "s" not in state:
        state["s"] = daemon().login()
    return state["s"]


def pif_by_device(device):
    for ref, p in s().PIF.get_all_records().items():
        if p["device"] == device and p["VLAN"] == -1:
            return ref, p
    raise AssertionError("no PIF for %s" % device)


def dnsmasq_pid(bridge):
    path = os.path.join(daemon().state, "net", bridge + ".pid")
    try:
        pid = int(open(path).read().strip())
    except (OSError, ValueError):
        return 0
    try:
        cmd = open("/proc/%d/cmdline" % pid, "rb").read().split(b"\0")
    except OSError:
        return 0
    return pid if b"--interface=" + bridge.encode() in cmd else 0


DHCP_NET = {"name_label": "internal", "name_description": "", "MTU": 1500,
            "other_config": {"ovcp-subnet": "10.77.0.0/24", "ovcp-dhcp": "true", "ovcp-nat": "true"}}


@t.test("startup: a PIF for each interface of the namespace, none of them enslaved")
def test_pifs():
    pifs = {p["device"]: p for p in s().PIF.get_all_records().values()}
    o.eq(sorted(pifs), ["eth0", "eth1"], "PIF devices")
    host_links = NS.links()
    nets = s().network.get_all_records()
    for dev, p in pifs.items():
        o.eq(p["MAC"], host_links[dev]["address"], dev + " MAC")
        o.eq(p["MTU"], host_links[dev]["mtu"], dev + " MTU")
        o.eq(p["VLAN"], -1, dev + " VLAN")
        o.eq(p["currently_attached"], False, dev + " attached")
        o.eq(p["host"], s().host.get_all()[0], dev + " host")
        net = nets[p["network"]]
        o.eq(net["name_label"], "Pool-wide network associated with " + dev, "network name")
        o.eq(net["PIFs"], [r for r, q in s().PIF.get_all_records().items() if q["device"] == dev], "network.PIFs")
        o.eq(net["bridge"], "xenbr" + dev[-1], dev + " bridge")
        o.ok(net["bridge"] not in host_links, "bridge %s must not exist before PIF.plug" % net["bridge"])
        o.eq(host_links[dev].get("master"), None, dev + " is not enslaved")
    o.eq(pifs["eth0"]["management"], True, "eth0 has the default route")
    o.eq((pifs["eth0"]["IP"], pifs["eth0"]["netmask"], pifs["eth0"]["gateway"]),
         ("192.0.2.10", "255.255.255.0", "192.0.2.1"), "eth0 IPv4")
    o.eq(pifs["eth0"]["ip_configuration_mode"], "Static", "eth0 mode")
    o.eq((pifs["eth1"]["management"], pifs["eth1"]["IP"], pifs["eth1"]["ip_configuration_mode"]),
         (False, "", "None"), "eth1")


@t.test("network.create makes an up bridge; a taken bridge name is refused")
def test_network_create():
    ref = s().network.create({"name_label": "plain", "name_description": "", "MTU": 1400, "other_config": {}})
    rec = s().network.get_record(ref)
    o.ok(re.fullmatch(r"ovcpbr\d+", rec["bridge"]), "bridge name %r" % rec["bridge"])
    link = NS.links()[rec["bridge"]]
    o.eq(kind(link), "bridge", "kind")
    o.ok("UP" in link["flags"], "bridge up: %r" % link["flags"])
    o.eq(link["mtu"], 1400, "MTU")
    o.expect_error(s().network.create, "BRIDGE_NAME_EXISTS",
                   {"name_label": "x", "bridge": "eth0", "other_config": {}})
    o.expect_error(s().network.create, "BRIDGE_NAME_EXISTS",
                   {"name_label": "x", "bridge": rec["bridge"], "other_config": {}})
    o.expect_error(s().network.create, "INVALID_VALUE",
                   {"name_label": "x", "other_config": {"ovcp-subnet": "10.1.2.3/24"}})
    o.expect_error(s().network.create, "INVALID_VALUE", {"name_label": "x", "other_config": {"ovcp-dhcp": "true"}})
    o.eq(len(s().network.get_by_name_label("x")), 0, "refused networks leave no record")
    state["plain"] = ref


@t.test("VIF.create: locally administered MAC when empty, MTU from the network, checks")
def test_vif_create():
    net = state["plain"]
    vm = s().VM.create(o.minimal_vm("netvm"))
    state["vm"] = vm
    vif = s().VIF.create(o.minimal_vif(vm, net, "0", MTU=0))
    rec = s().VIF.get_record(vif)
    o.ok(re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", rec["MAC"]), "MAC %r" % rec["MAC"])
    first = int(rec["MAC"][:2], 16)
    o.ok(first & 2 and not first & 1, "locally administered unicast: %s" % rec["MAC"])
    o.eq(rec["MAC_autogenerated"], True, "MAC_autogenerated")
    o.eq(rec["MTU"], 1400, "MTU from the network")
    o.eq(s().network.get_VIFs(net), [vif], "network.VIFs")
    vif1 = s().VIF.create(o.minimal_vif(vm, net, "1", MAC="52:54:00:AB:CD:EF", MTU=1300))
    o.eq(s().VIF.get_MAC(vif1), "52:54:00:ab:cd:ef", "MAC normalised")
    o.eq(s().VIF.get_MAC_autogenerated(vif1), False, "given MAC")
    o.expect_error(s().VIF.create, "DEVICE_ALREADY_EXISTS", o.minimal_vif(vm, net, "0"))
    o.expect_error(s().VIF.create, "INVALID_DEVICE", o.minimal_vif(vm, net, "eth0"))
    o.expect_error(s().VIF.create, "MAC_INVALID", o.minimal_vif(vm, net, "2", MAC="52:54:00:zz:00:01"))
    o.expect_error(s().VIF.create, "MAC_INVALID", o.minimal_vif(vm, net, "2", MAC="01:00:5e:00:00:01"))
    state["vifs"] = [vif, vif1]


@t.test("network.destroy: refused while VIFs use it; then the bridge is gone")
def test_network_destroy():
    net = state["plain"]
    bridge = s().network.get_bridge(net)
    o.expect_error(s().network.destroy, "NETWORK_CONTAINS_VIF", net)
    for vif in state["vifs"]:
        s().VIF.destroy(vif)
    s().network.destroy(net)
    o.ok(bridge not in NS.links(), "bridge %s removed" % bridge)
    o.expect_error(s().network.get_record, "HANDLE_INVALID", net)


@t.test("DHCP network: dnsmasq on the bridge leases an address to a client in another namespace")
def test_dhcp():
    if not have("dnsmasq"):
        raise o.Skip("dnsmasq is not installed (Debian: dnsmasq-base)")
    if not os.access("/bin/busybox", os.X_OK):
        raise o.Skip("busybox is not installed (Debian: busybox-static)")
    ref = s().network.create(DHCP_NET)
    state["dhcp"] = ref
    bridge = s().network.get_bridge(ref)
    o.eq(NS.addrs(bridge), ["10.77.0.1/24"], "bridge address")
    pid = dnsmasq_pid(bridge)
    o.ok(pid > 0, "dnsmasq runs for %s" % bridge)
    # A client: a veth from the bridge into the client namespace.
    NS.veth("vh0", CLIENT, "vc0")
    NS.ip("link", "set", "vh0", "master", bridge)
    tmp = tempfile.mkdtemp(prefix="ovcp-net-dhcp-")
    try:
        dhcp_client(tmp, bridge)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def dhcp_client(tmp, bridge):
    script = os.path.join(tmp, "script")
    with open(script, "w") as f:
        f.write('#!/bin/sh\n[ "$1" = bound ] && echo "$ip $router $subnet" > %s/lease\nexit 0\n' % tmp)
    os.chmod(script, 0o755)
    p = CLIENT.exec("busybox", "udhcpc", "-i", "vc0", "-n", "-q", "-t", "8", "-T", "1", "-s", script, check=False)
    o.ok(os.path.exists(os.path.join(tmp, "lease")), "udhcpc got no lease: %s %s" % (p.stdout, p.stderr))
    ip, router, mask = open(os.path.join(tmp, "lease")).read().split()
    last = int(ip.split(".")[3])
    o.ok(ip.startswith("10.77.0.") and 100 <= last <= 200, "leased %s in .100-.200" % ip)
    o.eq((router, mask), ("10.77.0.1", "255.255.255.0"), "router and netmask")
    mac = CLIENT.links()["vc0"]["address"]
    leases = open(os.path.join(daemon().state, "net", bridge + ".leases")).read()
    o.ok(mac in leases and ip in leases, "lease file holds %s %s: %r" % (mac, ip, leases))


@t.test("NAT: masquerading in table inet ovcp, ip_forward on, the host's tables untouched")
def test_nat():
    if not have("nft") or "dhcp" not in state:
        raise o.Skip("nftables or the DHCP network is missing")
    text = NS.exec("nft", "list", "table", "inet", "ovcp").stdout
    o.ok(re.search(r'ip saddr 10\.77\.0\.0/24 ip daddr != 10\.77\.0\.0/24 oifname "eth0" masquerade', text),
         "masquerade to the management uplink eth0:\n" + text)
    o.ok("hook postrouting" in text and "hook forward" in text, "chains")
    o.eq(NS.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout.strip(), "1", "ip_forward")
    o.ok("table inet hostfw" in NS.exec("nft", "list", "tables").stdout, "the host's own table is still there")
    # Turning NAT off removes the table; on again brings it back.
    s().network.remove_from_other_config(state["dhcp"], "ovcp-nat")
    o.ok(NS.exec("nft", "list", "table", "inet", "ovcp", check=False).returncode != 0, "no table without NAT")
    s().network.add_to_other_config(state["dhcp"], "ovcp-nat", "true")
    o.ok("masquerade" in NS.exec("nft", "list", "table", "inet", "ovcp").stdout, "table back")
    o.expect_error(s().network.add_to_other_config, "INVALID_VALUE", state["dhcp"], "ovcp-nat-uplink", "bad name!")


@t.test("PIF.plug enslaves an interface to its network's bridge only when asked; never the management one")
def test_pif_plug():
    ref, pif = pif_by_device("eth1")
    bridge = s().network.get_bridge(pif["network"])
    s().PIF.plug(ref)
    o.eq(NS.links()["eth1"].get("master"), bridge, "eth1 in its bridge")
    o.eq(kind(NS.links()[bridge]), "bridge", "bridge made")
    o.eq(s().PIF.get_currently_attached(ref), True, "attached")
    s().PIF.unplug(ref)
    o.eq(NS.links()["eth1"].get("master"), None, "eth1 released")
    o.eq(s().PIF.get_currently_attached(ref), False, "detached")
    mref, _ = pif_by_device("eth0")
    o.expect_error(s().PIF.plug, "PIF_IS_MANAGEMENT_INTERFACE", mref)
    o.eq(NS.links()["eth0"].get("master"), None, "eth0 untouched")


@t.test("VLAN: a VLAN device with the tag on the PIF's interface, in the network's bridge")
def test_vlan():
    ref, _ = pif_by_device("eth1")
    net = s().network.create({"name_label": "vlan100", "other_config": {}})
    bridge = s().network.get_bridge(net)
    o.expect_error(s().pool.create_VLAN_from_PIF, "VLAN_TAG_INVALID", ref, net, 5000)
    if not kernel_has_vlan():
        # The kernel cannot make VLAN devices: the call must fail and leave nothing behind.
        o.expect_error(s().pool.create_VLAN_from_PIF, "INTERNAL_ERROR", ref, net, 100)
        o.eq([p for p in s().PIF.get_all_records().values() if p["VLAN"] == 100], [], "no VLAN PIF left")
        s().network.destroy(net)
        raise o.Skip("this kernel has no 802.1Q support (ip link add type vlan fails); net-vlan-guest tests VLANs in a guest kernel that has it")
    vpifs = s().pool.create_VLAN_from_PIF(ref, net, 100)
    o.eq(len(vpifs), 1, "one VLAN PIF")
    rec = s().PIF.get_record(vpifs[0])
    o.eq((rec["VLAN"], rec["device"], rec["network"], rec["physical"]), (100, "eth1", net, False), "VLAN PIF")
    link = NS.links()["eth1.100"]
    o.eq((kind(link), link["linkinfo"]["info_data"]["id"], link.get("master")), ("vlan", 100, bridge), "device")
    o.expect_error(s().PIF.create_VLAN, "PIF_VLAN_EXISTS", "eth1", s().network.create(
        {"name_label": "other", "other_config": {}}), s().host.get_all()[0], 100)
    s().PIF.destroy(vpifs[0])
    o.ok("eth1.100" not in NS.links(), "VLAN device removed")
    s().network.destroy(net)


@t.test("restart: ovcpd makes the host match the records again")
def test_restart():
    if "dhcp" not in state:
        raise o.Skip("no DHCP network")
    bridge = s().network.get_bridge(state["dhcp"])
    plain = s().network.create({"name_label": "plain2", "other_config": {}})
    plain_bridge = s().network.get_bridge(plain)
    pifs_before = sorted(s().PIF.get_all())
    old = dnsmasq_pid(bridge)
    o.ok(old > 0, "dnsmasq runs before the restart")  # never kill(0): that is our own process group
    daemon().stop()
    os.kill(old, signal.SIGKILL)
    o.ok(o.wait_until(lambda: dnsmasq_pid(bridge) == 0), "dnsmasq killed")
    NS.ip("link", "del", plain_bridge)
    NS.exec("nft", "delete", "table", "inet", "ovcp")
    # An orphan this daemon made (its marker says so; no record has it), and a bridge it did not make.
    NS.ip("link", "add", "ovcpbr77", "type", "bridge")
    open(os.path.join(daemon().state, "net", "ovcpbr77.bridge"), "w").close()
    NS.ip("link", "add", "ovcpbr78", "type", "bridge")
    daemon().start()
    state.pop("s", None)
    new = dnsmasq_pid(bridge)
    o.ok(new > 0 and new != old, "dnsmasq running again (%d, was %d)" % (new, old))
    o.eq(NS.addrs(bridge), ["10.77.0.1/24"], "address back")
    o.ok(plain_bridge in NS.links(), "bridge %s re-created" % plain_bridge)
    o.ok("ovcpbr77" not in NS.links(), "orphan bridge removed")
    o.ok("ovcpbr78" in NS.links(), "a bridge ovcpd did not make is left alone")
    NS.ip("link", "del", "ovcpbr78")
    o.ok("masquerade" in NS.exec("nft", "list", "table", "inet", "ovcp").stdout, "NAT table back")
    o.eq(sorted(s().PIF.get_all()), pifs_before, "no PIF duplicated")
    # Destroying the DHCP network stops its dnsmasq and removes the table.
    s().network.destroy(state["dhcp"])
    o.ok(o.wait_until(lambda: dnsmasq_pid(bridge) == 0), "dnsmasq stopped")
    o.ok(NS.exec("nft", "list", "table", "inet", "ovcp", check=False).returncode != 0, "NAT table gone")


def main():
    if os.geteuid() != 0 or not have("ip"):
        print("1..0 # SKIP needs root and iproute2 (network namespaces)")
        return 0
    try:
        namespaces_setup()
        state["d"] = o.Daemon(netns=NS.name, originator="nettest").start()
        return t.run()
    finally:
        o._kill_all()  # the daemon, its QEMUs, then both namespaces


if __name__ == "__main__":
    sys.exit(main())
