#!/usr/bin/env python3
"""ovcpd's VLAN devices for real: ovcpd runs inside a TCG guest whose kernel
has 802.1Q, bridges and veth (the host's kernel has none of them).

guest/build-netlab-guest makes the guest: Debian's cloud kernel (the test
guest's), an initramfs with busybox, iproute2 and the modules, cached in the
build tree; this test appends the ovcpd under test (with the libraries ldd
names, ASan's included) and GUEST_SCRIPT below, boots it under TCG with no
network device, and turns the guest's "NETLAB ok NAME" / "NETLAB not ok NAME:
detail" console lines into TAP points, one per check in CHECKS. A check
whose line never came is a failure. QEMU is bounded by a deadline and killed
on every path.

Inside the guest: a veth pair vA/vB; vB in namespace "peer" with VLAN device
vB.100 (10.100.0.2/24). ovcpd (its real network driver, root, state on
tmpfs) gets a PIF for vA at startup; the script drives it over JSON-RPC with
busybox wget, the way test_net.py's test_vlan does, and checks the kernel's
view with iproute2 and ping.

Checks marked TODO in CHECKS describe XenAPI behaviour ovcpd lacks today
(TAP "# TODO": reported, not counted as failures until they pass).
"""
import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from ovcpguest import env_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
BUILDER = os.path.join(SOURCE_ROOT, "guest", "build-netlab-guest")
QEMU_DEADLINE_S = float(os.environ.get("OVCP_NETLAB_TIMEOUT", "240"))

# (name, what it shows, TODO reason or None), in the order the guest runs them.
CHECKS = [
    ("modules", "8021q, bridge and veth are loaded in the guest", None),
    ("peer", "veth vA/vB, namespace peer with vB.100 10.100.0.2/24 (802.1Q id 100)", None),
    ("ovcpd-start", "ovcpd starts with its real network driver and answers JSON-RPC", None),
    ("login", "session.login_with_password", None),
    ("pif-scan", "a physical PIF for vA (VLAN -1)", None),
    ("network-create", "network.create makes an up bridge", None),
    ("ping-before", "no answer from 10.100.0.2 before the VLAN: bridge empty, or vA untagged in it", None),
    ("tag-invalid", "VLAN_TAG_INVALID for tags 5000, 4095 and -1", None),
    ("create-vlan", "pool.create_VLAN_from_PIF(vA, network, 100) returns one PIF", None),
    ("vlan-pif-record", "the VLAN PIF: VLAN 100, device vA, the network, not physical, attached", None),
    ("vlan-device", "vA.100 is `vlan protocol 802.1Q id 100` on vA, up, enslaved to the bridge", None),
    ("ping-through-vlan", "10.100.0.2 answers through the bridge: tagged frames cross the veth", None),
    ("vlan-exists", "PIF_VLAN_EXISTS for the same tag (create_VLAN_from_PIF, PIF.create_VLAN, pool.create_VLAN)",
     None),
    ("network-connected", "NETWORK_ALREADY_CONNECTED for a second VLAN into the same network", None),
    ("pif-is-vlan", "PIF_IS_VLAN for a VLAN on the VLAN PIF", None),
    ("restart-recreates", "after a restart ovcpd re-creates a VLAN device removed behind its back", None),
    ("vlan-object", "a VLAN record (tag, tagged_PIF, untagged_PIF) and PIF.VLAN_master_of", None),
    ("vlan-create-destroy", "VLAN.create(vA PIF, 200, network) makes vA.200; VLAN.destroy removes it", None),
    ("vlan-parent-down", "a VLAN on an interface that is down (vC): created, vC and vC.300 up", None),
    ("pif-destroy", "PIF.destroy of the VLAN PIF removes vA.100, the PIF and its VLAN record", None),
    ("ping-after", "no answer from 10.100.0.2 once the VLAN is destroyed", None),
    ("network-destroy", "network.destroy removes the bridge", None),
    ("ovcpd-stop", "ovcpd exits 0 on SIGTERM, no sanitizer report", None),
]

# Runs inside the guest as /netlab/run (busybox sh; iproute2 as /usr/sbin/ip,
# since busybox's own ip applet knows no link types and wins over PATH).
GUEST_SCRIPT = r'''#!/bin/sh
IP=/usr/sbin/ip
PORT=8080
URL=http://127.0.0.1:$PORT/jsonrpc
DIR=/tmp/ovcp
PW=netlab-root-pw
OVCPD_PID=
S=

echo "NETLAB-START $(cat /proc/uptime)"
ok() { echo "NETLAB ok $1"; }
# not_ok NAME DETAIL: one line, at most 400 characters
not_ok() { echo "NETLAB not ok $1: $(printf '%s' "$2" | tr '\n\r\t' '   ' | cut -c1-400)"; }
# run NAME FUNCTION: the function returns 0 or sets WHY and returns 1
run() {
	WHY=
	if "$2"; then ok "$1"; else not_ok "$1" "${WHY:-failed}"; fi
}
fail() { WHY="$*"; return 1; }

# ---- JSON-RPC through busybox wget: R holds the reply ----
# (bounded by timeout: this busybox's wget -T crashes)
rpc() {
	R=$(timeout 60 wget -q -O - --header 'Content-Type: application/json' \
		--post-data "{\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":[$2],\"id\":1}" "$URL" 2>&1) ||
		{ R="transport error: $R"; return 2; }
	case $R in *'"error":{'*) return 1 ;; esac
	return 0
}
# call METHOD [PARAMS]: with the session first; fails with WHY set
call() {
	rpc "$1" "\"$S\"${2:+,$2}" || fail "$1($2): $R"
}
# expect CODE METHOD [PARAMS]: the call must fail with CODE
expect() {
	local code=$1
	shift
	rpc "$1" "\"$S\"${2:+,$2}"
	case $? in
	0) fail "$1($2) succeeded, want $code: $R" ;;
	2) fail "$1($2): $R" ;;
	*) [ "$(err_code)" = "$code" ] || fail "$1($2): want $code, got $R" ;;
	esac
}
result_str() { printf '%s' "$R" | sed -n 's/.*"result": *"\([^"]*\)".*/\1/p'; }
result_raw() { printf '%s' "$R" | sed -n 's/.*"result": *\([^,}]*\).*/\1/p'; }
result_refs() { printf '%s' "$R" | sed -n 's/.*"result": *\[\([^]]*\)\].*/\1/p' | tr -d '" ' | tr ',' ' '; }
err_code() { printf '%s' "$R" | sed -n 's/.*"message": *"\([^"]*\)".*/\1/p'; }
# field CLASS REF FIELD: the getter's result, raw (strings keep no quotes)
field() {
	call "$1.get_$3" "\"$2\"" || return 1
	F=$(result_str)
	[ -n "$F" ] || F=$(result_raw)
}

# ---- the kernel's view ----
link_detail() { $IP -d link show dev "$1" 2>&1; }
link_exists() { $IP link show dev "$1" >/dev/null 2>&1; }
pings() { ping -c 1 -W 2 -w 3 10.100.0.2 >/dev/null 2>&1; }
ping_retry() {
	for _ in 1 2 3 4 5; do pings && return 0; sleep 1; done
	return 1
}

# ---- ovcpd ----
ovcpd_start() {
	mkdir -p $DIR
	echo $PW >$DIR/pw
	ovcpd -f --state-dir $DIR/state --listen http://127.0.0.1:$PORT --socket $DIR/xapi.sock \
		--root-password-file $DIR/pw --log $DIR/ovcpd.log >>$DIR/stderr 2>&1 &
	OVCPD_PID=$!
	for _ in $(seq 1 600); do
		rpc system.listMethods "" && return 0
		kill -0 "$OVCPD_PID" 2>/dev/null || { wait "$OVCPD_PID"; fail "ovcpd exited with $?"; return 1; }
		usleep 200000
	done
	fail "ovcpd did not answer in 120 s"
}
# ovcpd_stop: SIGTERM, wait at most 60 s; EXIT holds the status
ovcpd_stop() {
	EXIT=
	[ -n "$OVCPD_PID" ] || return 0
	kill -TERM "$OVCPD_PID" 2>/dev/null
	for _ in $(seq 1 300); do
		kill -0 "$OVCPD_PID" 2>/dev/null || break
		usleep 200000
	done
	if kill -0 "$OVCPD_PID" 2>/dev/null; then
		kill -KILL "$OVCPD_PID"
		EXIT=killed
	fi
	wait "$OVCPD_PID"
	st=$?
	[ -n "$EXIT" ] || EXIT=$st
	OVCPD_PID=
}
login() {
	rpc session.login_with_password "\"root\",\"$PW\",\"1.0\",\"netlab\"" || fail "login: $R" || return 1
	S=$(result_str)
	[ -n "$S" ] || fail "no session in $R"
}

# ---- the checks ----
c_modules() {
	for m in 8021q bridge veth; do
		[ -d /sys/module/$m ] || fail "module $m is not loaded" || return 1
	done
}
c_peer() {
	$IP netns add peer || fail "ip netns add" || return 1
	$IP link add vA type veth peer name vB || fail "veth" || return 1
	$IP link set vB netns peer &&
		$IP -n peer link set lo up &&
		$IP -n peer link set vB up &&
		$IP -n peer link add link vB name vB.100 type vlan id 100 &&
		$IP -n peer addr add 10.100.0.2/24 dev vB.100 &&
		$IP -n peer link set vB.100 up &&
		$IP link set vA up || fail "peer setup" || return 1
	# vC stays down (its far end vD is up in peer): for c_vlan_parent_down
	$IP link add vC type veth peer name vD && $IP link set vD netns peer && $IP -n peer link set vD up ||
		fail "veth vC/vD" || return 1
	d=$($IP -n peer -d link show dev vB.100)
	case $d in *"vlan protocol 802.1Q id 100 "*) ;; *) fail "vB.100: $d" ;; esac
}
c_ovcpd_start() { ovcpd_start; }
c_login() { login; }
# pif_of DEVICE: FOUND is the physical PIF of DEVICE
pif_of() {
	FOUND=
	call PIF.get_all || return 1
	for p in $(result_refs); do
		field PIF "$p" device || return 1
		[ "$F" = "$1" ] || continue
		field PIF "$p" VLAN || return 1
		[ "$F" = -1 ] && FOUND=$p
	done
	[ -n "$FOUND" ] || fail "no physical PIF with device $1"
}
c_pif_scan() {
	pif_of vA || return 1
	PIF_VA=$FOUND
	call host.get_all || return 1
	HOST=$(result_refs)
	[ -n "$HOST" ] || fail "no host: $R"
}
net_create() {
	call network.create "{\"name_label\":\"$1\",\"name_description\":\"\",\"MTU\":1500,\"other_config\":{}}" ||
		return 1
	NEW_NET=$(result_str)
}
c_network_create() {
	net_create vlan100 || return 1
	NET=$NEW_NET
	field network "$NET" bridge || return 1
	BR=$F
	[ -n "$BR" ] || fail "network.bridge is empty" || return 1
	d=$(link_detail "$BR")
	case $d in *"<"*UP*">"*" bridge "*) ;; *) fail "bridge $BR: $d" ;; esac
}
# No answer through the empty bridge, nor with vA itself (untagged) in it:
# the peer answers tagged frames only, so a later answer proves the tag.
c_ping_before() {
	$IP addr add 10.100.0.1/24 dev "$BR" || fail "ip addr add on $BR" || return 1
	! pings || fail "10.100.0.2 answered through the empty bridge" || return 1
	$IP link set vA master "$BR" || fail "ip link set vA master $BR" || return 1
	pings && { $IP link set vA nomaster; fail "10.100.0.2 answered untagged frames"; return 1; }
	$IP link set vA nomaster || fail "ip link set vA nomaster"
}
c_tag_invalid() {
	for tag in 5000 4095 -1; do
		expect VLAN_TAG_INVALID pool.create_VLAN_from_PIF "\"$PIF_VA\",\"$NET\",$tag" || return 1
	done
	call PIF.get_all || return 1
	set -- $(result_refs)
	[ $# = "$NPIFS" ] || fail "refused calls left PIFs: $NPIFS before, $# after"
}
c_create_vlan() {
	call pool.create_VLAN_from_PIF "\"$PIF_VA\",\"$NET\",100" || return 1
	set -- $(result_refs)
	[ $# = 1 ] || fail "want one PIF: $R" || return 1
	VPIF=$1
}
c_vlan_pif_record() {
	for want in VLAN=100 device=vA network=$NET physical=false currently_attached=true; do
		field PIF "$VPIF" "${want%%=*}" || return 1
		[ "$F" = "${want#*=}" ] || fail "PIF.${want%%=*} is $F, want ${want#*=}" || return 1
	done
	field network "$NET" PIFs || return 1
	case $R in *"$VPIF"*) ;; *) fail "network.PIFs lacks the VLAN PIF: $R" ;; esac
}
vlan_device_ok() { # DEV TAG
	d=$(link_detail "$1")
	case $d in *"$1@vA:"*) ;; *) fail "$1 is not on vA: $d" || return 1 ;; esac
	case $d in *"vlan protocol 802.1Q id $2 "*) ;; *) fail "$1 is not 802.1Q id $2: $d" || return 1 ;; esac
	case $d in *" master $BR "*) ;; *) fail "$1 is not in $BR: $d" || return 1 ;; esac
	case $d in *"<"*",UP"*">"*) ;; *) fail "$1 is not up: $d" ;; esac
}
c_vlan_device() { vlan_device_ok vA.100 100; }
c_ping_through_vlan() {
	ping_retry || fail "no answer from 10.100.0.2: $(link_detail vA.100) / $($IP -n peer -s link show dev vB.100)" ||
		return 1
	n=$($IP -n peer -s link show dev vB.100 | awk '/RX:/{getline; print $2; exit}')
	[ "${n:-0}" -gt 0 ] || fail "vB.100 received no packet"
}
c_vlan_exists() {
	net_create other || return 1
	NET2=$NEW_NET
	expect PIF_VLAN_EXISTS pool.create_VLAN_from_PIF "\"$PIF_VA\",\"$NET2\",100" || return 1
	expect PIF_VLAN_EXISTS PIF.create_VLAN "\"vA\",\"$NET2\",\"$HOST\",100" || return 1
	expect PIF_VLAN_EXISTS pool.create_VLAN "\"vA\",\"$NET2\",100" || return 1
	call PIF.get_all || return 1
	set -- $(result_refs)
	[ $# = $((NPIFS + 1)) ] || fail "want $((NPIFS + 1)) PIFs, have $#"
}
c_network_connected() {
	expect NETWORK_ALREADY_CONNECTED pool.create_VLAN_from_PIF "\"$PIF_VA\",\"$NET\",200" || return 1
	! link_exists vA.200 || fail "vA.200 was made"
}
c_pif_is_vlan() {
	expect PIF_IS_VLAN pool.create_VLAN_from_PIF "\"$VPIF\",\"$NET2\",300"
}
c_restart_recreates() {
	ovcpd_stop
	[ "$EXIT" = 0 ] || fail "ovcpd exit status $EXIT on SIGTERM" || return 1
	$IP link del vA.100 || fail "ip link del vA.100" || return 1
	! pings || fail "ping still answered without vA.100" || return 1
	ovcpd_start || return 1
	login || return 1
	vlan_device_ok vA.100 100 || return 1
	ping_retry || fail "no answer from 10.100.0.2 after the restart"
}
c_vlan_object() {
	field PIF "$VPIF" VLAN_master_of || return 1
	V=$F
	case $V in OpaqueRef:NULL | "") fail "PIF.VLAN_master_of is $V" || return 1 ;; esac
	VLAN100=$V
	field VLAN "$V" tag || return 1
	[ "$F" = 100 ] || fail "VLAN.tag $F" || return 1
	field VLAN "$V" tagged_PIF || return 1
	[ "$F" = "$PIF_VA" ] || fail "VLAN.tagged_PIF $F, want $PIF_VA" || return 1
	field VLAN "$V" untagged_PIF || return 1
	[ "$F" = "$VPIF" ] || fail "VLAN.untagged_PIF $F, want $VPIF" || return 1
	field PIF "$PIF_VA" VLAN_slave_of || return 1
	case $R in *"$V"*) ;; *) fail "PIF.VLAN_slave_of of vA lacks $V: $R" ;; esac
}
c_vlan_create_destroy() {
	net_create vlan200 || return 1
	NET3=$NEW_NET
	field network "$NET3" bridge || return 1
	BR3=$F
	call VLAN.create "\"$PIF_VA\",200,\"$NET3\"" || return 1
	V=$(result_str)
	d=$(link_detail vA.200)
	case $d in *"vlan protocol 802.1Q id 200 "*) ;; *) fail "vA.200: $d" || return 1 ;; esac
	case $d in *" master $BR3 "*) ;; *) fail "vA.200 not in $BR3: $d" || return 1 ;; esac
	field VLAN "$V" untagged_PIF || return 1
	UP=$F
	field PIF "$UP" VLAN || return 1
	[ "$F" = 200 ] || fail "the untagged PIF's VLAN is $F" || return 1
	call VLAN.destroy "\"$V\"" || return 1
	! link_exists vA.200 || fail "vA.200 is still there after VLAN.destroy" || return 1
	expect HANDLE_INVALID VLAN.get_record "\"$V\"" || return 1
	expect HANDLE_INVALID PIF.get_record "\"$UP\"" || return 1
	field PIF "$PIF_VA" VLAN_slave_of || return 1
	case $R in *"$V"*) fail "PIF.VLAN_slave_of of vA still lists $V: $R" ;; esac
}
# A VLAN on an interface that is down: xapi brings the tagged PIF up with its VLAN.
c_vlan_parent_down() {
	pif_of vC || return 1
	net_create vlan300 || return 1
	call pool.create_VLAN_from_PIF "\"$FOUND\",\"$NEW_NET\",300" || return 1
	d=$(link_detail vC.300)
	case $d in *"vC.300@vC:"*"<"*",UP"*">"*"vlan protocol 802.1Q id 300 "*) ;; *) fail "vC.300: $d" || return 1 ;; esac
	d=$(link_detail vC)
	case $d in *"<"*",UP"*">"*) ;; *) fail "vC is not up: $d" ;; esac
}
c_pif_destroy() {
	call PIF.destroy "\"$VPIF\"" || return 1
	! link_exists vA.100 || fail "vA.100 is still there: $(link_detail vA.100)" || return 1
	expect HANDLE_INVALID PIF.get_record "\"$VPIF\"" || return 1
	expect HANDLE_INVALID VLAN.get_record "\"$VLAN100\""
}
c_ping_after() { ! pings || fail "10.100.0.2 still answers"; }
c_network_destroy() {
	call network.destroy "\"$NET\"" || return 1
	! link_exists "$BR" || fail "bridge $BR is still there"
}
c_ovcpd_stop() {
	ovcpd_stop
	[ "$EXIT" = 0 ] || fail "exit status $EXIT" || return 1
	! grep -q -e 'runtime error:' -e 'Sanitizer' $DIR/stderr || fail "sanitizer: $(grep -m3 -e 'runtime error:' -e 'Sanitizer' $DIR/stderr)"
}

run modules c_modules
run peer c_peer
run ovcpd-start c_ovcpd_start
run login c_login
run pif-scan c_pif_scan
call PIF.get_all && set -- $(result_refs) && NPIFS=$#
run network-create c_network_create
run ping-before c_ping_before
run tag-invalid c_tag_invalid
run create-vlan c_create_vlan
run vlan-pif-record c_vlan_pif_record
run vlan-device c_vlan_device
run ping-through-vlan c_ping_through_vlan
run vlan-exists c_vlan_exists
run network-connected c_network_connected
run pif-is-vlan c_pif_is_vlan
run restart-recreates c_restart_recreates
run vlan-object c_vlan_object
run vlan-create-destroy c_vlan_create_destroy
run vlan-parent-down c_vlan_parent_down
run pif-destroy c_pif_destroy
run ping-after c_ping_after
run network-destroy c_network_destroy
run ovcpd-stop c_ovcpd_stop
ovcpd_stop
# ovcpd's own words, for the host's diagnostics
tail -n 40 $DIR/ovcpd.log 2>/dev/null | sed 's/^/NETLAB-LOG /'
tail -n 20 $DIR/stderr 2>/dev/null | sed 's/^/NETLAB-STDERR /'
echo "NETLAB-END $(cat /proc/uptime)"
'''

_qemu = []


def _kill_qemu():
    for p in _qemu:
        if p.poll() is None:
            p.kill()
            p.wait()


atexit.register(_kill_qemu)


def tap_line(n, ok, name, detail=None, todo=None):
    line = "%s %d - %s" % ("ok" if ok else "not ok", n, name)
    if todo:
        line += " # TODO " + todo
    print(line)
    if detail and (not ok or todo):
        for d in detail.splitlines():
            print("# " + d)


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    return 0


def build_initrd(tmp, ovcpd):
    script = os.path.join(tmp, "run")
    with open(script, "w") as f:
        f.write(GUEST_SCRIPT)
    os.chmod(script, 0o755)
    initrd = os.path.join(tmp, "initrd")
    argv = [BUILDER, "--guest-dir", os.environ["OVCP_GUEST_DIR"], "--initrd", initrd,
            "--binary", ovcpd + ":/usr/sbin/ovcpd", "--file", script + ":/netlab/run",
            os.environ["OVCP_NETLAB_DIR"]]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("build-netlab-guest failed: " + p.stdout[-2000:])
    return initrd


def boot(tmp, initrd):
    """Run the guest to its end; returns (console text, seconds, how it ended)."""
    netlab = env_file(os.path.join(os.environ["OVCP_NETLAB_DIR"], "netlab.env"))
    console = os.path.join(tmp, "console.log")
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "512", "-smp", "1", "-M", "q35",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-serial", "file:" + console,
            "-kernel", os.path.join(os.environ["OVCP_NETLAB_DIR"], netlab["NETLAB_KERNEL"]),
            "-initrd", initrd,
            "-append", netlab.get("NETLAB_APPEND", "console=ttyS0 panic=-1 quiet") + " netlab.script=/netlab/run"]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _qemu.append(p)
    how = "powered off"
    try:
        p.wait(QEMU_DEADLINE_S)
    except subprocess.TimeoutExpired:
        how = "killed after %.0f s" % QEMU_DEADLINE_S
        p.send_signal(signal.SIGKILL)
        p.wait()
    qemu_out = p.stdout.read().decode(errors="replace")
    p.stdout.close()
    if p.returncode not in (0, -signal.SIGKILL) and qemu_out:
        how = "QEMU exited %d: %s" % (p.returncode, qemu_out.strip()[-500:])
    dt = time.monotonic() - t0
    try:
        with open(console, "rb") as f:
            text = f.read().decode(errors="replace")
    except OSError:
        text = ""
    return text, dt, how


def report(text, dt, how):
    results = {}
    for line in text.splitlines():
        m = re.match(r"NETLAB (ok|not ok) ([\w-]+)(?:: (.*))?$", line.strip())
        if m and m.group(2) not in results:
            results[m.group(2)] = (m.group(1) == "ok", m.group(3) or "")
    started = "NETLAB-START" in text
    ended = re.search(r"^NETLAB-END", text, re.M) is not None
    unknown = sorted(set(results) - {name for name, _, _ in CHECKS})
    whole = started and ended and how == "powered off" and not unknown
    failed = 0
    n = 1
    tail = "\n".join(text.splitlines()[-15:])
    tap_line(n, whole, "guest boots, runs the script to its end and powers off",
             "%s after %.1f s; checks CHECKS does not name: %s; console tail:\n%s" % (how, dt, unknown, tail))
    failed += not whole
    for name, what, todo in CHECKS:
        n += 1
        ok, detail = results.get(name, (False, "no line from the guest (%s)" % how))
        tap_line(n, ok, "%s: %s" % (name, what), detail, todo)
        failed += not ok and not todo
    print("# guest ran %.1f s (%s)" % (dt, how))
    logs = [l for l in text.splitlines() if l.startswith(("NETLAB-LOG", "NETLAB-STDERR", "NETLAB-INIT"))]
    if failed:
        for l in logs:
            print("# " + l)
    print("1..%d" % n)
    return 1 if failed else 0


def main():
    ovcpd = os.environ.get("OVCPD")
    if not ovcpd or not os.access(ovcpd, os.X_OK):
        return skip_all("OVCPD is not set to a built ovcpd")
    guest = os.environ.get("OVCP_GUEST_DIR", "")
    if not os.path.exists(os.path.join(guest, "guest.env")) or not os.path.exists(os.path.join(guest, "vmlinuz")):
        return skip_all("no test guest in %r (run guest/build-test-guest)" % guest)
    if not os.environ.get("OVCP_NETLAB_DIR"):
        return skip_all("OVCP_NETLAB_DIR is not set (the meson test sets it)")
    if shutil.which("qemu-system-x86_64") is None:
        return skip_all("qemu-system-x86_64 is not installed (Debian: qemu-system-x86)")
    # meson's timeout sends SIGTERM: leave through the finally below (QEMU killed, files removed).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tmp = tempfile.mkdtemp(prefix="ovcp-netlab-")
    try:
        initrd = build_initrd(tmp, ovcpd)
        text, dt, how = boot(tmp, initrd)
        return report(text, dt, how)
    finally:
        _kill_qemu()
        if not os.environ.get("OVCPTEST_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("# kept " + tmp)


if __name__ == "__main__":
    sys.exit(main())
