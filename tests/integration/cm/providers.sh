#!/bin/bash
# Every ovcp-cm provider applied twice inside a throwaway root: the second
# run must report no change. The root is a private mount namespace where the
# host's /usr is bind-mounted read-only and /etc, /var/lib/dpkg are copies,
# so useradd, dpkg and init scripts really run (chrooted by ovcp-cm --root)
# without touching the host's users, packages or services.
# usage: providers.sh OVCP_CM_BINARY TEST_DIR       (TAP output)
set -u
CM=$1
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root (chroot, mount namespaces)"; exit 0; fi
for tool in unshare dpkg-deb useradd start-stop-daemon update-rc.d; do
	command -v $tool >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
done

WORK=$(mktemp -d /tmp/ovcp-cm-providers.XXXXXX)
ROOT=$WORK/root
B=$WORK/b # the root as the second run left it
cleanup() { [ -n "${OVCP_KEEP:-}" ] || rm -rf --one-file-system "$WORK"; }
trap cleanup EXIT
host_sums=$(md5sum /etc/passwd /etc/group /etc/shadow)

# --- the throwaway root ---------------------------------------------------
mkdir -p $ROOT/{usr,etc/default,etc/init.d,var/lib,var/log,var/spool/cron/crontabs,run,tmp,dev,proc,home,root,opt}
for d in bin sbin lib lib64; do [ -e /usr/$d ] && ln -s usr/$d $ROOT/$d; done
for f in passwd group shadow gshadow login.defs nsswitch.conf ld.so.cache hosts default/useradd; do
	[ -e /etc/$f ] && cp -a /etc/$f $ROOT/etc/$f
done
for d in skel alternatives pam.d security dpkg; do [ -d /etc/$d ] && cp -a /etc/$d $ROOT/etc/; done
cp -a /var/lib/dpkg $ROOT/var/lib/
chmod 1777 $ROOT/tmp

# a package to install from a .deb source
mkdir -p $WORK/pkg/DEBIAN $WORK/pkg/opt/ovcp-cm-test
printf 'Package: ovcp-cm-test\nVersion: 1.0\nArchitecture: all\nMaintainer: OVCP <ovcp@localhost>\nDescription: ovcp-cm test package\n' \
	> $WORK/pkg/DEBIAN/control
echo hello > $WORK/pkg/opt/ovcp-cm-test/hello
dpkg-deb --build $WORK/pkg $ROOT/tmp/ovcp-cm-test.deb >/dev/null

# a service managed by an init script
cat > $ROOT/etc/init.d/ovcptest <<'EOF'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          ovcptest
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ovcp-cm test service
### END INIT INFO
PID=/run/ovcptest.pid
case "$1" in
start) start-stop-daemon --start --quiet --background --make-pidfile --pidfile $PID --exec /usr/bin/sleep -- 1000 ;;
stop) start-stop-daemon --stop --quiet --pidfile $PID --remove-pidfile --retry 5; exit 0 ;;
restart) echo restart >> /var/log/ovcptest.restarts; "$0" stop; "$0" start ;;
status) start-stop-daemon --status --pidfile $PID ;;
*) exit 3 ;;
esac
EOF
chmod 755 $ROOT/etc/init.d/ovcptest

catalog() { # $1: present|absent, $2: config content
	local ens=$1 run=running enable=true
	[ $ens = absent ] && run=stopped && enable=false
	cat <<EOF
{"tags":["settings"],"name":"testnode","version":1,"code_id":null,"catalog_uuid":"00000000-0000-4000-8000-000000000001",
 "catalog_format":1,"environment":"production","classes":[],"edges":[],"resources":[
 {"type":"Group","title":"ovcpgrp","tags":["group"],"parameters":{"ensure":"$ens","gid":4242}},
 {"type":"Group","title":"ovcpextra","tags":["group"],"parameters":{"ensure":"$ens","system":true}},
 {"type":"User","title":"ovcpuser","tags":["user"],"parameters":{"ensure":"$ens","uid":4242,"gid":"ovcpgrp",
   "groups":["ovcpextra"],"home":"/home/ovcpuser","shell":"/bin/sh","comment":"OVCP test","managehome":true,
   "password":"\$6\$salt\$Zp7tWl0o3Y0v1xC4Zx2o7wQ2v7y1w7QFh0r9nU8aU2bX9GQ0kqfN3oW5y1bO6kq1Qq9rJ6dD6m8b1O0fQ1x0A."}},
 {"type":"Package","title":"ovcp-cm-test","tags":["package"],"parameters":{"ensure":"$([ $ens = absent ] && echo purged || echo installed)","source":"/tmp/ovcp-cm-test.deb"}},
 {"type":"File","title":"/etc/ovcptest.conf","tags":["file"],"parameters":{"ensure":"$([ $ens = absent ] && echo absent || echo file)","content":"$2","owner":"root","mode":"0644","notify":"Service[ovcptest]"}},
 {"type":"Service","title":"ovcptest","tags":["service"],"parameters":{"ensure":"$run","enable":$enable}},
 {"type":"Cron","title":"ovcp job","tags":["cron"],"parameters":{"ensure":"$ens","command":"/usr/bin/true","user":"root","minute":"*/5","hour":[1,2]}},
 {"type":"Host","title":"ovcp.example","tags":["host"],"parameters":{"ensure":"$ens","ip":"192.0.2.7","host_aliases":["ovcp"],"comment":"test"}},
 {"type":"Exec","title":"as-user","tags":["exec"],"parameters":{"command":"/usr/bin/touch /tmp/by-user","user":"ovcpuser","creates":"/tmp/by-user","noop":$([ $ens = absent ] && echo true || echo false)}}
]}
EOF
}
catalog present 'one' > $WORK/present1.json
catalog present 'two' > $WORK/present2.json
catalog absent '' > $WORK/absent.json

# Everything below runs in a private mount and pid namespace: the mounts and
# the test service's processes disappear with it.
cat > $WORK/inside.sh <<EOF
set -e
mount --bind /usr $ROOT/usr
mount -o remount,bind,ro $ROOT/usr
mount --bind /dev $ROOT/dev
mount -t proc proc $ROOT/proc
set +e
for run in present1:a present1:b present2:c absent:d absent:e; do
	"$CM" apply --root $ROOT --catalog $WORK/\${run%%:*}.json --report $WORK/report-\${run##*:}.json \
		> $WORK/out-\${run##*:}.txt 2>&1
	echo \$? > $WORK/rc-\${run##*:}
	if [ \${run##*:} = b ]; then # the state after the second run, for the checks
		[ -f $ROOT/run/ovcptest.pid ] && kill -0 \$(cat $ROOT/run/ovcptest.pid) && echo running > $WORK/svc-b
		mkdir -p $WORK/b
		cp -a $ROOT/etc $ROOT/var/spool/cron $ROOT/home $WORK/b/
		cp $ROOT/var/lib/dpkg/status $WORK/b/dpkg-status
		cp -a $ROOT/opt $WORK/b/ 2>/dev/null
		stat -c %u $ROOT/tmp/by-user > $WORK/b/by-user 2>/dev/null
	fi
done
EOF
unshare --mount --pid --fork --propagation private bash $WORK/inside.sh

status_of() { sed -n 's/^  "status": "\(.*\)",$/\1/p' $WORK/report-$1.json 2>/dev/null; }
show() { sed 's/^/# /' $WORK/out-$1.txt; }

echo "1..14"
check "first run changes everything, no failure" [ "$(status_of a)" = changed ]
[ "$(status_of a)" = changed ] || show a
check "second run reports no change" [ "$(status_of b)" = unchanged ]
[ "$(status_of b)" = unchanged ] || show b
check "user created with uid, group, groups, home" \
	bash -c "grep -q '^ovcpuser:x:4242:4242:OVCP test:/home/ovcpuser:/bin/sh$' $B/etc/passwd &&
		grep -q '^ovcpextra:.*:ovcpuser' $B/etc/group && [ -d $B/home/ovcpuser ]"
check "password hash set" grep -q '^ovcpuser:\$6\$salt\$' $B/etc/shadow
check "package installed from its .deb" \
	bash -c "[ -f $B/opt/ovcp-cm-test/hello ] && grep -q '^Package: ovcp-cm-test' $B/dpkg-status"
check "service started and enabled" bash -c "[ -f $WORK/svc-b ] && ls $B/etc/rc2.d/S*ovcptest >/dev/null 2>&1"
check "cron line with Puppet's name comment" \
	bash -c "grep -A1 -x '# Puppet Name: ovcp job' $B/cron/crontabs/root | grep -qx '\*/5 1,2 \* \* \* /usr/bin/true'"
check "host line" grep -qP '^192\.0\.2\.7\tovcp\.example\tovcp\t# test$' $B/etc/hosts
check "exec ran as the user" [ "$(cat $B/by-user 2>/dev/null)" = 4242 ]
restarts=$(wc -l < $ROOT/var/log/ovcptest.restarts 2>/dev/null || echo 0)
check "changed config restarts the service exactly once" [ "$restarts" = 1 ]
[ "$restarts" = 1 ] || show c
check "removal run changes" [ "$(status_of d)" = changed ]
[ "$(status_of d)" = changed ] || show d
check "second removal run reports no change" [ "$(status_of e)" = unchanged ]
[ "$(status_of e)" = unchanged ] || show e
check "everything removed" bash -c "! grep -q ovcpuser $ROOT/etc/passwd && ! grep -q ovcpgrp $ROOT/etc/group &&
	! grep -q '^Package: ovcp-cm-test' $ROOT/var/lib/dpkg/status && ! grep -q ovcp $ROOT/etc/hosts &&
	! grep -q 'ovcp job' $ROOT/var/spool/cron/crontabs/root && ! ls $ROOT/etc/rc2.d/S*ovcptest >/dev/null 2>&1"
check "the host's users and packages are untouched" bash -c "[ '$host_sums' = \"\$(md5sum /etc/passwd /etc/group /etc/shadow)\" ] &&
	! dpkg-query -W ovcp-cm-test >/dev/null 2>&1 && [ ! -e /etc/init.d/ovcptest ]"
exit $((failed > 0))
