#!/usr/bin/env python3
"""VM start through ovcpd against the same QEMU run by hand, and against libvirt.

    python3 bench/vm_start_bench.py [--runs N] [--ready-runs N] [--vms N]

Two guests from guest/build-test-guest, each timed from the start request to
its ready marker on the serial console, runs interleaved, medians compared:
  ready     guest/ready-kernel.S, a multiboot image that prints the marker and
            halts: what is left is QEMU's start-up and the firmware, which the
            three share, so a difference of a few ms shows (25 runs)
  linux     the Linux test guest: its boot under TCG varies by hundreds of ms
            from run to run, which hides differences of that size (5 runs)
For each:
  ovcpd     VM.start through the XenAPI, then the marker in the VM's serial log
  bare      the argv ovcpd built for that VM (from /proc/PID/cmdline), spawned
            by hand with its own runtime dir and its QMP socket passed as fd 3
            as ovcpd passes it; -S dropped
  libvirt   `virsh start` of an equivalent TCG domain with a kernel boot, when
            libvirtd and virsh are installed (Debian: libvirt-daemon-system;
            libvirtd and virtlogd are started by hand, as there is no systemd
            socket activation; skipped with the reason otherwise)
ovcpd's overhead is median(ovcpd) - median(bare). ovcpd's own steps before
the vCPUs run (records to argv, QMP negotiation, cont) are also printed from
its log line for each start. Then N VMs are started and ovcpd's RSS growth
per running VM is printed. Targets: overhead <= 20 ms and below libvirt's,
<= 256 KiB RSS per VM.
"""
import argparse
import re
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# The daemon built in this tree unless OVCPD names another.
os.environ.setdefault("OVCPD", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "src",
                                            "daemon", "ovcpd"))

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "tests", "integration", "lib"),
                os.path.join(HERE, "..", "tests", "integration", "vm")]
os.environ.setdefault("OVCP_ACCEL", "tcg")
os.environ.setdefault("OVCP_GUEST_DIR", os.path.join(HERE, "..", "build", "guest"))

from ovcptest import Daemon, Skip  # noqa: E402
from vmtest import MARKER, Host  # noqa: E402


def wait_marker(path, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if MARKER.encode() in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.001)
    return False


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_ovcpd(host, vm):
    serial = os.path.join(host.run, host.uuid(vm), "serial.log")
    t0 = time.monotonic()
    host.s.call("VM.start", vm, False, False)
    if not wait_marker(serial):
        raise RuntimeError("ovcpd VM did not become ready")
    dt = time.monotonic() - t0
    argv = open("/proc/%d/cmdline" % host.qemu_pid(vm), "rb").read().split(b"\0")[:-1]
    host.s.call("VM.hard_shutdown", vm)
    return dt, [a.decode() for a in argv]


def run_bare(argv, old_dir, scratch):
    """The same argv with ovcpd's runtime dir replaced by a scratch one; -S dropped (nobody sends cont).

    ovcpd hands QEMU its QMP socket already listening as fd 3 (fd=3 in the
    argv): the bare run does the same, so both run the very same command."""
    if os.path.exists(scratch):
        shutil.rmtree(scratch)
    os.makedirs(scratch)
    args = [a.replace(old_dir, scratch) for a in argv if a != "-S"]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(scratch, "qmp.sock"))
    listener.listen(8)
    high = os.dup(listener.fileno())
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         pass_fds=(3,), preexec_fn=lambda: os.dup2(high, 3))
    os.close(high)
    listener.close()
    ok = wait_marker(os.path.join(scratch, "serial.log"))
    dt = time.monotonic() - t0
    p.kill()
    p.wait()
    if not ok:
        raise RuntimeError("bare QEMU did not become ready")
    return dt


LIBVIRT_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type>
    <kernel>{kernel}</kernel>{initrd}<cmdline>{append}</cmdline></os>
  <features><acpi/></features>
  <cpu mode='custom' match='exact'><model fallback='allow'>qemu64</model></cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{disk}'/><target dev='vda' bus='virtio'/></disk>
    <serial type='file'><source path='{serial}'/><target port='0'/></serial>
    <graphics type='vnc' socket='{vnc}'/>
    <video><model type='none'/></video>
  </devices>
</domain>
"""


class Libvirt:
    """libvirtd started by hand on a scratch directory (no systemd), one domain per guest kind."""

    def __init__(self, tmp):
        self.reason = None
        self.domains = {}
        for tool in ("libvirtd", "virsh"):
            if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
                self.reason = "%s not installed (Debian: libvirt-daemon-system, libvirt-clients)" % tool
                return
        self.tmp = tmp
        # libvirtd hands each QEMU's stdio to virtlogd, which systemd socket
        # activation would start: start it by hand as well
        self.logd = None
        logd = "/usr/sbin/virtlogd" if os.path.exists("/usr/sbin/virtlogd") else shutil.which("virtlogd")
        if logd:
            self.logd = subprocess.Popen([logd], stdout=subprocess.DEVNULL,
                                         stderr=open(os.path.join(tmp, "virtlogd.log"), "w"))
        self.proc = subprocess.Popen(["/usr/sbin/libvirtd" if os.path.exists("/usr/sbin/libvirtd") else "libvirtd"],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "libvirtd.log"), "w"))
        self.uri = "qemu:///system"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if subprocess.run(["virsh", "-c", self.uri, "version"], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        else:
            self.reason = "libvirtd did not answer on %s (see %s)" % (self.uri, os.path.join(tmp, "libvirtd.log"))
            self.stop()

    def define(self, kind, disk_src, kernel, initrd, append):
        """Domain ovcp-bench-KIND: the same guest as ovcpd's VM of that kind. False (with reason) on failure."""
        name = "ovcp-bench-" + kind
        disk = os.path.join(self.tmp, "libvirt-%s.qcow2" % kind)
        shutil.copy(disk_src, disk)
        serial = os.path.join(self.tmp, "libvirt-%s-serial.log" % kind)
        vnc_dir = self.qemu_dir(self.tmp, kind)
        xml = LIBVIRT_XML.format(name=name, kernel=kernel,
                                 initrd="<initrd>%s</initrd>" % initrd if initrd else "",
                                 append=append, disk=disk, serial=serial, vnc=os.path.join(vnc_dir, "vnc.sock"))
        path = os.path.join(self.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write(xml)
        r = subprocess.run(["virsh", "-c", self.uri, "define", path], capture_output=True, text=True)
        if r.returncode != 0:
            self.reason = "virsh define failed: %s" % r.stderr.strip()[-300:]
            return False
        self.domains[kind] = (name, serial)
        return True

    @staticmethod
    def qemu_dir(tmp, kind):
        """A directory libvirt's QEMU (user libvirt-qemu, when it exists) may create sockets in."""
        d = os.path.join(tmp, "libvirt-qemu-" + kind)
        os.makedirs(d, exist_ok=True)
        try:
            pw = pwd.getpwnam("libvirt-qemu")
            os.chown(d, pw.pw_uid, pw.pw_gid)
        except KeyError:
            pass
        return d

    def run(self, kind):
        name, serial = self.domains[kind]
        if os.path.exists(serial):
            os.unlink(serial)
        t0 = time.monotonic()
        r = subprocess.run(["virsh", "-c", self.uri, "start", name], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("virsh start: " + r.stderr.strip())
        ok = wait_marker(serial)
        dt = time.monotonic() - t0
        subprocess.run(["virsh", "-c", self.uri, "destroy", name], capture_output=True)
        if not ok:
            raise RuntimeError("libvirt VM %s did not become ready" % name)
        return dt

    def stop(self):
        for name, _ in self.domains.values():
            subprocess.run(["virsh", "-c", self.uri, "undefine", name], capture_output=True)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if self.logd is not None:
            self.logd.send_signal(signal.SIGTERM)
            try:
                self.logd.wait(10)
            except subprocess.TimeoutExpired:
                self.logd.kill()


PHASES = re.compile(r"VM (\S+) started: .*\(prepare ([0-9.]+) ms, QEMU start-up ([0-9.]+) ms, to cont ([0-9.]+) ms, "
                    r"records ([0-9.]+) ms\)")


def phases(log, uuid):
    """ovcpd's own account of each start of the VM (its log line "VM ... started: ... (prepare ...)")."""
    out = []
    with open(log) as f:
        for line in f:
            m = PHASES.search(line)
            if m and m.group(1) == uuid:
                out.append([float(x) for x in m.groups()[1:]])
    return out


def series(host, lv, tmp, kind, vm, runs):
    """Interleaved runs of one guest kind: ovcpd, the same argv by hand, libvirt. Medians in ms."""
    times = {"ovcpd": [], "bare": [], "libvirt": []}
    for _ in range(runs):
        dt, argv = run_ovcpd(host, vm)
        times["ovcpd"].append(dt)
        times["bare"].append(run_bare(argv, os.path.join(host.run, host.uuid(vm)), os.path.join(tmp, "bare")))
        if kind in lv.domains:
            times["libvirt"].append(lv.run(kind))
    med = {k: statistics.median(v) * 1000 for k, v in times.items() if v}
    print("== %s guest: VM start until the ready marker on the serial console" % kind)
    for k, v in med.items():
        print("%-8s median %7.1f ms (%d runs: %s)" %
              (k, v, len(times[k]), ", ".join("%.0f" % (x * 1000) for x in times[k])))
    print("ovcpd overhead vs bare QEMU: %+.1f ms (target <= 20 ms)" % (med["ovcpd"] - med["bare"]))
    if "libvirt" in med:
        print("libvirt overhead vs bare QEMU: %+.1f ms; ovcpd/libvirt ratio %.3f" %
              (med["libvirt"] - med["bare"], med["ovcpd"] / med["libvirt"]))
    ph = phases(host.d.log, host.uuid(vm))[-runs:]
    if ph:
        m = [statistics.median(col) for col in zip(*ph)]
        print("ovcpd's own steps (its log, medians): prepare %.2f ms + QMP and cont %.2f ms = %.2f ms before the "
              "vCPUs run (QEMU start-up %.1f ms; records after cont %.2f ms)" % (m[0], m[2], m[0] + m[2], m[1], m[3]))
    return med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="runs of the Linux test guest (seconds each)")
    ap.add_argument("--ready-runs", type=int, default=25, help="runs of the ready-kernel guest (tenths of a second)")
    ap.add_argument("--vms", type=int, default=5)
    args = ap.parse_args()
    d = Daemon().start()
    try:
        host = Host(d, d.login())
    except Skip as e:
        print("SKIP: %s" % e)
        return 0
    ready = os.path.join(host.gdir, host.env.get("GUEST_READY_KERNEL", "ready-kernel"))
    if not os.path.exists(ready):
        print("SKIP: %s missing: run guest/build-test-guest again" % ready)
        d.stop()
        return 0
    shutil.copy(ready, os.path.join(host.kernels, "ready-kernel"))
    tmp = tempfile.mkdtemp(prefix="ovcp-bench-")
    os.chmod(tmp, 0o711)  # libvirt's QEMU runs as libvirt-qemu: it must reach its disk and serial log here
    append = host.env.get("GUEST_APPEND", "console=ttyS0")
    lv = Libvirt(tmp)
    disk = os.path.join(host.gdir, "disk.qcow2")
    if not lv.reason:
        lv.define("ready", disk, ready, None, "")
        lv.define("linux", disk, os.path.join(host.gdir, "vmlinuz"), os.path.join(host.gdir, "initrd.img"), append)
    if lv.reason:
        print("libvirt: skipped: %s" % lv.reason)
    try:
        # The ready-kernel guest prints its marker a few instructions after
        # the firmware hands over: what remains is QEMU's start-up, which the
        # three share, and what each toolstack adds. The Linux guest's boot
        # under TCG varies by hundreds of ms, hiding a difference of a few ms.
        series(host, lv, tmp, "ready", host.make_vm("bench-ready", PV_kernel="ready-kernel", PV_ramdisk="",
                                                     PV_args=""), args.ready_runs)
        series(host, lv, tmp, "linux", host.make_vm("bench"), args.runs)

        # RSS growth of ovcpd per running VM
        vms = [host.make_vm("rss%d" % i) for i in range(args.vms)]
        time.sleep(1)
        before = rss_kib(d.proc.pid)
        for v in vms:
            host.s.call("VM.start", v, False, False)
        for v in vms:
            host.wait_ready(v, timeout=180)
        time.sleep(6)  # one guest-metrics round
        after = rss_kib(d.proc.pid)
        per = (after - before) / len(vms)
        print("ovcpd RSS: %d KiB before, %d KiB with %d VMs running: %.0f KiB per VM (target <= 256 KiB)" %
              (before, after, len(vms), per))
        for v in vms:
            host.s.call("VM.hard_shutdown", v)
    finally:
        if not lv.reason or lv.domains:
            lv.stop()
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
