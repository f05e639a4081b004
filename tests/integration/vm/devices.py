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
import atexit
import os
import signal
import subprocess
import time

os.environ["OVCP_ACCEL"] = "tcg"

import ovcptest as o  # noqa: E402
from ovcptest import Skip, Tap, eq, expect_error, ok, wait_until  # noqa: E402
from vmtest import BOOT_TIMEOUT, Host, Serial, guest_dir  # noqa: E402

NS = "ovcpvm-%d" % os.getpid()
MiB = 1 << 20
t = Tap()
S = {}


def run(*argv, check=True):
    p = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


def namespace_cleanup():
    p = run("ip", "netns", "pids", NS, check=False)
    for pid in p.stdout.split():  # only processes this test started in its own namespace
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
    run("ip", "netns", "del", NS, check=False)


def host_link_names():
    return {line.split(":")[1].strip().split("@")[0] for line in run("ip", "-o", "link", "show").stdout.splitlines()}


class NsDaemon(o.Daemon):
    """ovcpd inside NS, reached through its unix socket (the file system is shared)."""

    def argv(self):
        return ["ip", "netns", "exec", NS] + super().argv()

    def start(self, timeout=15.0):
        if self.port is None:
            self.port = o.free_port()
        self.errf = open(self.stderr_path, "ab")
        env = {k: v for k, v in os.environ.items() if k != "OVCP_NETWORK"}  # this daemon manages its namespace
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self.errf, stderr=self.errf,
                                     env=env)
        o._live.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ovcpd exited with %s: %s" % (self.proc.returncode, self.stderr_text()))
            try:
                self.unix().call("system.listMethods")
                return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("ovcpd did not answer within %.0f s" % timeout)

    def login(self, user="root", password=None, client=None):
        c = self.unix()
        return o.Session(c, c.call("session.login_with_password", user, password or self.root_password, "1.0",
                                   "vmdevices"))


def h():
    if "host" not in S:
        raise Skip(S.get("skip", "no host"))
    return S["host"]


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
        S["skip"] = "needs root (network namespaces)"
        raise Skip(S["skip"])
    try:
        guest_dir()
    except Skip as e:
        S["skip"] = str(e)
        raise
    run("ip", "netns", "add", NS)
    atexit.register(namespace_cleanup)
    run("ip", "-n", NS, "link", "set", "lo", "up")
    host_links = host_link_names()
    D = NsDaemon()
    S["d"] = D
    D.start()
    S["host"] = Host(D, D.login())
    S["net"] = s().call("network.create", {
        "name_label": "internal", "name_description": "", "MTU": 1500,
        "other_config": {"ovcp-subnet": "10.78.0.0/24", "ovcp-dhcp": "true"}})
    S["bridge"] = s().call("network.get_bridge", S["net"])
    links = run("ip", "-n", NS, "-o", "link", "show").stdout
    ok(S["bridge"] + ":" in links, "bridge %s in the namespace" % S["bridge"])
    ok(S["bridge"] not in host_link_names() - host_links, "and not on the host")


def add_vif(vm, device):
    return s().call("VIF.create", {
        "device": device, "network": S["net"], "VM": vm, "MAC": "", "MTU": 1500, "other_config": {},
        "qos_algorithm_type": "", "qos_algorithm_params": {}})


@t.test("two guests with a VIF each get an address by DHCP, shown in VM_guest_metrics.networks")
def _():
    vms = []
    for label in ("net-a", "net-b"):
        vm = h().make_vm(label)
        add_vif(vm, "0")
        vms.append(vm)
    s().call("VBD.create", {  # an empty CD drive for the insert/eject test
        "VM": vms[1], "VDI": "OpaqueRef:NULL", "userdevice": "3", "bootable": False, "mode": "RO", "type": "CD",
        "empty": True, "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})
    tasks = [s().call("Async.VM.start", vm, False, False) for vm in vms]
    for task in tasks:
        st = wait_until(lambda: s().call("task.get_status", task) != "pending" and s().call("task.get_status", task),
                        BOOT_TIMEOUT)
        eq(st, "success", "start: %r" % s().call("task.get_error_info", task))
    S["a"], S["b"] = vms
    for vm in vms:
        h().wait_ready(vm)
        vif = s().call("VM.get_VIFs", vm)[0]
        eq(s().call("VIF.get_currently_attached", vif), True, "VIF attached")
        eq(s().call("VIF.get_allowed_operations", vif), ["unplug"], "allowed operations")
    ips = [guest_ip(vm) for vm in vms]
    for ip in ips:
        ok(ip and ip.startswith("10.78.0."), "address from the network's DHCP: %r" % ip)
    ok(ips[0] != ips[1], "two addresses: %r" % ips)
    sh = Serial(h(), S["a"])
    ok(ips[0] in sh.run("ip -4 addr show eth0"), "the guest itself has %s" % ips[0])
    sh.close()
    S["ips"] = ips


@t.test("guest A pings guest B over the network")
def _():
    sh = Serial(h(), S["a"])
    out = sh.run("ping -c 3 -W 5 %s; echo rc=$?" % S["ips"][1], timeout=120)
    sh.close()
    ok("rc=0" in out and " 0% packet loss" in out, "ping: %r" % out)


@t.test("VBD.plug of a new disk into the running guest: vdb appears; VBD.unplug: it goes")
def _():
    vm = S["a"]
    vdi = s().call("VDI.create", {
        "name_label": "hotplug", "name_description": "", "SR": h().sr, "virtual_size": 16 * MiB, "type": "user",
        "sharable": False, "read_only": False, "other_config": {}})
    vbd = s().call("VBD.create", {
        "VM": vm, "VDI": vdi, "userdevice": "1", "bootable": False, "mode": "RW", "type": "Disk",
        "empty": False, "other_config": {}, "qos_algorithm_type": "", "qos_algorithm_params": {}})
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
    vm = S["a"]
    vif = add_vif(vm, "1")
    eq(s().call("VIF.get_currently_attached", vif), False, "a new VIF is not attached")
    sh = Serial(h(), vm)
    eq(sh.run("ls /sys/class/net").split(), ["eth0", "lo"], "one NIC before")
    s().call("VIF.plug", vif)
    eq(s().call("VIF.get_currently_attached", vif), True, "attached")
    ok(wait_until(lambda: "eth1" in sh.run("ls /sys/class/net").split(), 60, 0.5), "eth1 in the guest")
    mac = s().call("VIF.get_MAC", vif)
    eq(sh.run("cat /sys/class/net/eth1/address"), mac, "the VIF's MAC")
    taps = [line.split(":")[1].strip().split("@")[0] for line in run("ip", "-n", NS, "-o", "link", "show").stdout
            .splitlines()]
    ovcp_taps = [x for x in taps if x.startswith("ovcp") and not x.startswith("ovcpbr")]
    eq(len(ovcp_taps), 3, "three taps in the namespace: %r" % taps)
    s().call("VIF.unplug", vif)
    eq(s().call("VIF.get_currently_attached", vif), False, "detached")
    ok(wait_until(lambda: "eth1" not in sh.run("ls /sys/class/net").split(), 60, 0.5), "eth1 gone")
    taps = run("ip", "-n", NS, "-o", "link", "show").stdout
    eq(sum(1 for x in ovcp_taps if x + ":" in taps or x + "@" in taps), 2, "its tap removed")
    sh.close()
    s().call("VIF.destroy", vif)


@t.test("VBD.insert and VBD.eject change a CD drive's medium under the running guest")
def _():
    vm = S["b"]
    sh = Serial(h(), vm)
    eq(sh.run("echo up"), "up", "guest B answers")
    sh.close()
    iso = s().call("VDI.create", {
        "name_label": "a cd", "name_description": "", "SR": h().sr, "virtual_size": 4 * MiB, "type": "user",
        "sharable": False, "read_only": True, "other_config": {}})
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
    for vm in (S["a"], S["b"]):
        s().call("VM.hard_shutdown", vm)
    taps = run("ip", "-n", NS, "-o", "link", "show").stdout
    ok(not any(x.split(":")[1].strip().startswith("ovcp") and "ovcpbr" not in x for x in taps.splitlines()),
       "no tap left: %s" % taps)
    vif = s().call("VM.get_VIFs", S["a"])[0]
    eq(s().call("VIF.get_allowed_operations", vif), [], "nothing allowed on a halted VM's VIF")
    expect_error(s().call, "VM_BAD_POWER_STATE", "VIF.plug", vif)


t.main()
