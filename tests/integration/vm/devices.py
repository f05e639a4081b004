"""Real guests on a real network, and devices changed under a running guest.

ovcpd runs inside a network namespace this test makes (`ip netns exec`), so
its bridge, dnsmasq and taps never touch the host's interfaces; the
namespace and every process in it are removed on every path. Two test
guests with a VIF each on an internal network with DHCP get addresses (seen
in VM_guest_metrics.networks through the guest agent) and ping each other.
Then, on a running guest: a second disk plugged and unplugged (the guest's
/proc/partitions shows vdb come and go), a second NIC plugged and unplugged
(/sys/class/net), a CD's medium inserted and ejected.
"""
import os

os.environ["OVCP_ACCEL"] = "tcg"

from ovcpguest import BOOT_TIMEOUT, Host, Serial, guest_dir  # noqa: E402
from ovcpnet import Netns, links  # noqa: E402
from ovcptest import (Daemon, State, Tap, eq, expect_error, minimal_vbd, minimal_vdi, minimal_vif, ok,  # noqa: E402
                      wait_until)

NS = Netns("ovcpvm-%d" % os.getpid())
MiB = 1 << 20
t = Tap()
S = State()


def h():
    return S.need("host", "no host")


def s():
    return h().s


def qemu_files(vm):
    """Paths the VM's QEMU has open."""
    pid = h().qemu_pid(vm)
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            out.add(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            pass
    return out


def guest_ip(vm):
    def ip():
        ref = s().call("VM.get_guest_metrics", vm)
        if ref == "OpaqueRef:NULL":
            return None
        return s().call("VM_guest_metrics.get_networks", ref).get("0/ip")
    return wait_until(ip, BOOT_TIMEOUT, 0.5)


@t.test("ovcpd in a network namespace of its own; an internal network with DHCP")
def _():
    if os.geteuid() != 0:
        S.skip("needs root (network namespaces)")
    with S.setup():
        guest_dir()
    NS.create()
    host_links = set(links())
    D = Daemon(netns=NS.name, originator="vmdevices")
    S["d"] = D
    D.start()
    S["host"] = Host(D, D.login())
    S["net"] = s().call("network.create", {
        "name_label": "internal", "name_description": "", "MTU": 1500,
        "other_config": {"ovcp-subnet": "10.78.0.0/24", "ovcp-dhcp": "true"}})
    S["bridge"] = s().call("network.get_bridge", S["net"])
    ok(S["bridge"] in NS.link_names(), "bridge %s in the namespace" % S["bridge"])
    ok(S["bridge"] not in set(links()) - host_links, "and not on the host")


def add_vif(vm, device):
    return s().call("VIF.create", minimal_vif(vm, S["net"], device))


def taps():
    """The VMs' taps in the namespace (links named ovcp*, but not the bridges ovcpbr*)."""
    return {x for x in NS.link_names() if x.startswith("ovcp") and not x.startswith("ovcpbr")}


@t.test("two guests with a VIF each get an address by DHCP, shown in VM_guest_metrics.networks")
def _():
    vms = []
    for label in ("net-a", "net-b"):
        vm = h().make_vm(label)
        add_vif(vm, "0")
        vms.append(vm)
    # an empty CD drive for the insert/eject test
    s().call("VBD.create", minimal_vbd(vms[1], userdevice="3", mode="RO", type="CD"))
    h().boot(*vms)
    S["a"], S["b"] = vms
    for vm in vms:
        vif = s().call("VM.get_VIFs", vm)[0]
        eq(s().call("VIF.get_currently_attached", vif), True, "VIF attached")
        eq(s().call("VIF.get_allowed_operations", vif), ["unplug"], "allowed operations")
    ips = [guest_ip(vm) for vm in vms]
    for ip in ips:
        ok(ip and ip.startswith("10.78.0."), "address from the network's DHCP: %r" % ip)
    ok(ips[0] != ips[1], "two addresses: %r" % ips)
    sh = Serial(h(), S.need("a", "the guests did not boot"))
    ok(ips[0] in sh.run("ip -4 addr show eth0"), "the guest itself has %s" % ips[0])
    sh.close()
    S["ips"] = ips


@t.test("guest A pings guest B over the network")
def _():
    sh = Serial(h(), S.need("a", "the guests did not boot"))
    out = sh.run("ping -c 3 -W 5 %s; echo rc=$?" % S.need("ips", "the guests did not boot")[1], timeout=120)
    sh.close()
    ok("rc=0" in out and " 0% packet loss" in out, "ping: %r" % out)


@t.test("VBD.plug of a new disk into the running guest: vdb appears; VBD.unplug: it goes")
def _():
    vm = S.need("a", "the guests did not boot")
    vdi = s().call("VDI.create", minimal_vdi(h().sr, "hotplug", 16 * MiB))
    vbd = s().call("VBD.create", minimal_vbd(vm, vdi, userdevice="1"))
    eq(s().call("VBD.get_currently_attached", vbd), False, "a new VBD of a running VM is not attached")
    sh = Serial(h(), vm)
    ok("vdb" not in sh.run("cat /proc/partitions"), "no vdb before the plug")
    s().call("VBD.plug", vbd)
    eq(s().call("VBD.get_currently_attached", vbd), True, "attached")
    eq(s().call("VBD.get_allowed_operations", vbd), ["unplug", "unplug_force"], "allowed operations")
    expect_error(s().call, "DEVICE_ALREADY_ATTACHED", "VBD.plug", vbd)
    ok(wait_until(lambda: "vdb" in sh.run("cat /proc/partitions"), 60, 0.5), "vdb in the guest")
    eq(sh.run("cat /sys/block/vdb/size"), str(16 * MiB // 512), "vdb's size in sectors")
    s().call("VBD.unplug", vbd)
    eq(s().call("VBD.get_currently_attached", vbd), False, "detached")
    eq(s().call("VBD.get_allowed_operations", vbd), ["plug"], "allowed operations")
    ok(wait_until(lambda: "vdb" not in sh.run("cat /proc/partitions"), 60, 0.5), "vdb gone from the guest")
    path = os.path.join(h().sr_dir(s().call("SR.get_record", h().sr)), s().call("VDI.get_location", vdi))
    ok(path not in qemu_files(vm), "QEMU closed the image")
    expect_error(s().call, "DEVICE_ALREADY_DETACHED", "VBD.unplug", vbd)
    s().call("VBD.plug", vbd)  # the same disk again, on a port the unplug freed
    ok(wait_until(lambda: "vdb" in sh.run("cat /proc/partitions"), 60, 0.5), "vdb back in the guest")
    s().call("VBD.unplug", vbd)
    sh.close()
    s().call("VBD.destroy", vbd)
    s().call("VDI.destroy", vdi)


@t.test("VIF.plug of a second NIC into the running guest: eth1 appears; VIF.unplug: it goes, with its tap")
def _():
    vm = S.need("a", "the guests did not boot")
    vif = add_vif(vm, "1")
    eq(s().call("VIF.get_currently_attached", vif), False, "a new VIF is not attached")
    sh = Serial(h(), vm)
    eq(sh.run("ls /sys/class/net").split(), ["eth0", "lo"], "one NIC before")
    s().call("VIF.plug", vif)
    eq(s().call("VIF.get_currently_attached", vif), True, "attached")
    ok(wait_until(lambda: "eth1" in sh.run("ls /sys/class/net").split(), 60, 0.5), "eth1 in the guest")
    mac = s().call("VIF.get_MAC", vif)
    eq(sh.run("cat /sys/class/net/eth1/address"), mac, "the VIF's MAC")
    ovcp_taps = taps()
    eq(len(ovcp_taps), 3, "three taps in the namespace: %r" % sorted(NS.link_names()))
    s().call("VIF.unplug", vif)
    eq(s().call("VIF.get_currently_attached", vif), False, "detached")
    ok(wait_until(lambda: "eth1" not in sh.run("ls /sys/class/net").split(), 60, 0.5), "eth1 gone")
    eq(len(ovcp_taps & NS.link_names()), 2, "its tap removed")
    sh.close()
    s().call("VIF.destroy", vif)


@t.test("VBD.insert and VBD.eject change a CD drive's medium under the running guest")
def _():
    vm = S.need("b", "the guests did not boot")
    sh = Serial(h(), vm)
    eq(sh.run("echo up"), "up", "guest B answers")
    sh.close()
    iso = s().call("VDI.create", minimal_vdi(h().sr, "a cd", 4 * MiB, read_only=True))
    cd = [b for b in s().call("VM.get_VBDs", vm) if s().call("VBD.get_type", b) == "CD"]
    ok(len(cd) == 1, "guest B has its CD drive")
    cd = cd[0]
    eq(s().call("VBD.get_empty", cd), True, "empty")
    eq(s().call("VBD.get_allowed_operations", cd), ["insert"], "insert allowed")
    expect_error(s().call, "VBD_IS_EMPTY", "VBD.eject", cd)
    s().call("VBD.insert", cd, iso)
    eq(s().call("VBD.get_empty", cd), False, "not empty")
    eq(s().call("VBD.get_VDI", cd), iso, "VDI")
    path = os.path.join(h().sr_dir(s().call("SR.get_record", h().sr)), s().call("VDI.get_location", iso))
    ok(path in qemu_files(vm), "QEMU opened the medium")
    expect_error(s().call, "VBD_NOT_EMPTY", "VBD.insert", cd, iso)
    s().call("VBD.eject", cd)
    eq(s().call("VBD.get_empty", cd), True, "empty again")
    ok(wait_until(lambda: path not in qemu_files(vm), 10), "QEMU closed the medium")
    disk = [b for b in s().call("VM.get_VBDs", vm) if s().call("VBD.get_type", b) == "Disk"][0]
    expect_error(s().call, "VBD_NOT_REMOVABLE_MEDIA", "VBD.eject", disk)
    s().call("VDI.destroy", iso)


@t.test("the guests stop; their taps go; plug on a halted VM: VM_BAD_POWER_STATE")
def _():
    for vm in (S.need("a", "the guests did not boot"), S.need("b", "the guests did not boot")):
        s().call("VM.hard_shutdown", vm)
    ok(not taps(), "no tap left: %r" % sorted(NS.link_names()))
    vif = s().call("VM.get_VIFs", S.need("a", "the guests did not boot"))[0]
    eq(s().call("VIF.get_allowed_operations", vif), [], "nothing allowed on a halted VM's VIF")
    expect_error(s().call, "VM_BAD_POWER_STATE", "VIF.plug", vif)


t.main()
