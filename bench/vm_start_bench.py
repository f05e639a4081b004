#!/usr/bin/env python3
"""VM start through ovcpd against the same QEMU run by hand, and against libvirt.

    OVCPD=build/src/daemon/ovcpd python3 bench/vm_start_bench.py [--runs N]

Each run starts the test guest (guest/build-test-guest build/guest) and waits for
its ready marker on the serial console:
  ovcpd     VM.start through the XenAPI, then the marker in the VM's serial log
  bare      the argv ovcpd built for that VM (read from /proc/PID/cmdline of
            the first ovcpd run), spawned by hand with its own runtime dir
  libvirt   `virsh start` of an equivalent TCG domain with a kernel boot,
            when libvirtd and virsh are installed (Debian: libvirt-daemon-system;
            libvirtd and virtlogd are started by hand, as there is no systemd
            socket activation; skipped with the reason otherwise)
Medians of the same run, interleaved; ovcpd's overhead is median(ovcpd) -
median(bare). Then 5 VMs are started and ovcpd's RSS growth per running VM
is printed. Targets: overhead <= 20 ms, <= 256 KiB RSS per VM.
"""
import argparse
import os
import pwd
import shutil
import signal
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
        time.sleep(0.005)
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
    """The same argv with ovcpd's runtime dir replaced by a scratch one; -S dropped (nobody sends cont)."""
    if os.path.exists(scratch):
        shutil.rmtree(scratch)
    os.makedirs(scratch)
    args = [a.replace(old_dir, scratch) for a in argv if a != "-S"]
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    <kernel>{kernel}</kernel><initrd>{initrd}</initrd><cmdline>{append}</cmdline></os>
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
    """libvirtd started by hand on a scratch directory (no systemd)."""

    def __init__(self, host, tmp):
        self.reason = None
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
            return
        disk = os.path.join(tmp, "libvirt-disk.qcow2")
        shutil.copy(os.path.join(host.gdir, "disk.qcow2"), disk)
        self.serial = os.path.join(tmp, "libvirt-serial.log")
        xml = LIBVIRT_XML.format(name="ovcp-bench", kernel=os.path.join(host.gdir, "vmlinuz"),
                                 initrd=os.path.join(host.gdir, "initrd.img"),
                                 append=host.env.get("GUEST_APPEND", "console=ttyS0"), disk=disk, serial=self.serial,
                                 vnc=os.path.join(self.qemu_dir(tmp), "vnc.sock"))
        path = os.path.join(tmp, "dom.xml")
        with open(path, "w") as f:
            f.write(xml)
        r = subprocess.run(["virsh", "-c", self.uri, "define", path], capture_output=True, text=True)
        if r.returncode != 0:
            self.reason = "virsh define failed: %s" % r.stderr.strip()[-300:]
            self.stop()

    @staticmethod
    def qemu_dir(tmp):
        """A directory libvirt's QEMU (user libvirt-qemu, when it exists) may create sockets in."""
        d = os.path.join(tmp, "libvirt-qemu")
        os.makedirs(d, exist_ok=True)
        try:
            pw = pwd.getpwnam("libvirt-qemu")
            os.chown(d, pw.pw_uid, pw.pw_gid)
        except KeyError:
            pass
        return d

    def run(self):
        if os.path.exists(self.serial):
            os.unlink(self.serial)
        t0 = time.monotonic()
        r = subprocess.run(["virsh", "-c", self.uri, "start", "ovcp-bench"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("virsh start: " + r.stderr.strip())
        ok = wait_marker(self.serial)
        dt = time.monotonic() - t0
        subprocess.run(["virsh", "-c", self.uri, "destroy", "ovcp-bench"], capture_output=True)
        if not ok:
            raise RuntimeError("libvirt VM did not become ready")
        return dt

    def stop(self):
        subprocess.run(["virsh", "-c", self.uri, "undefine", "ovcp-bench"], capture_output=True)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--vms", type=int, default=5)
    args = ap.parse_args()
    d = Daemon().start()
    try:
        host = Host(d, d.login())
    except Skip as e:
        print("SKIP: %s" % e)
        return 0
    tmp = tempfile.mkdtemp(prefix="ovcp-bench-")
    os.chmod(tmp, 0o711)  # libvirt's QEMU runs as libvirt-qemu: it must reach its disk and serial log here
    vm = host.make_vm("bench")
    lv = Libvirt(host, tmp)
    if lv.reason:
        print("libvirt: skipped: %s" % lv.reason)
    times = {"ovcpd": [], "bare": [], "libvirt": []}
    try:
        for i in range(args.runs):
            dt, argv = run_ovcpd(host, vm)
            times["ovcpd"].append(dt)
            times["bare"].append(run_bare(argv, os.path.join(host.run, host.uuid(vm)), os.path.join(tmp, "bare")))
            if not lv.reason:
                times["libvirt"].append(lv.run())
        med = {k: statistics.median(v) * 1000 for k, v in times.items() if v}
        for k, v in med.items():
            print("%-8s median %.0f ms to the ready marker (%d runs: %s)" %
                  (k, v, len(times[k]), ", ".join("%.0f" % (x * 1000) for x in times[k])))
        print("ovcpd overhead vs bare QEMU: %+.0f ms (target <= 20 ms)" % (med["ovcpd"] - med["bare"]))
        if "libvirt" in med:
            print("ovcpd vs libvirt: %+.0f ms (ratio %.2f)" % (med["ovcpd"] - med["libvirt"],
                                                                 med["ovcpd"] / med["libvirt"]))

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
        if not lv.reason:
            lv.stop()
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
