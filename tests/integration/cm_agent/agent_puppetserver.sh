#!/bin/bash
# ovcp-cm agent against Debian's puppetserver 7, started by hand on a loopback
# port with its own confdir, vardir, codedir and CA in a scratch directory
# (autosign on). Checks: certificate bootstrap, catalog applied (content,
# puppet:/// file and tree sources, notify), reports stored by the server
# (changed, and failed for a node whose catalog fails), a second run changes
# no file, --noop changes nothing, the run lock (two overlapping runs, a stale
# lock), and with the server stopped: the cached catalog applied and said so,
# and a failed run without a cache.
# usage: agent_puppetserver.sh OVCP_CM_BINARY       (TAP output)
set -u
CM=$1
HERE=$(cd "$(dirname "$0")" && pwd)
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

. "$HERE/puppetserver.sh"
if ! ps_available; then echo "1..0 # SKIP Debian's puppetserver is not installed"; exit 0; fi
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 0; }

WORK=$(mktemp -d /tmp/ovcp-cm-agent.XXXXXX)
PS_DIR=$WORK/ps
PS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BG=()
cleanup() {
	for p in "${BG[@]}"; do kill -KILL "$p" 2>/dev/null; done
	ps_stop
	[ -n "${OVCP_KEEP:-}" ] || rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

M=$WORK/managed
MOD=$PS_DIR/code/environments/production/modules/demo/files
ps_setup
mkdir -p $M $MOD/tree/sub
echo "from the master" > $MOD/hello.txt
echo a > $MOD/tree/a
echo b > $MOD/tree/sub/b
cat > $PS_DIR/code/environments/production/manifests/site.pp <<EOF
node 'slow.test' {
  exec { 'take a while': command => '/bin/sleep 4', path => ['/bin', '/usr/bin'] }
}
node 'broken.test' {
  fail('this node has no catalog')
}
node default {
  file { '$M/content.txt': ensure => file, content => "hello \${facts['clientcert']}\n", mode => '0640' }
  file { '$M/source.txt': ensure => file, source => 'puppet:///modules/demo/hello.txt' }
  file { '$M/tree': ensure => directory, recurse => true, source => 'puppet:///modules/demo/tree' }
  notify { 'agent was here': }
}
EOF

ps_start
if ! ps_wait 240; then
	echo "1..0 # SKIP puppetserver did not start within 240 s: $(tail -n 3 $PS_DIR/log/stdout.log | tr '\n' ' ')"
	exit 0
fi
echo "1..17"

A="${AGENT_CM:-$CM} agent --onetime --no-daemonize --server localhost --masterport $PS_PORT --waitforcert 1 --detailed-exitcodes --verbose"
RUN=$WORK/run1
STATE=$RUN/var/state

# 1. first run: certificate bootstrap, catalog, report
$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test >$WORK/out1 2>&1
rc=$?
check "first run applies changes (exit 2, got $rc)" [ $rc = 2 ]
check "SSL files in Puppet's layout" test -s $RUN/conf/ssl/certs/ca.pem -a -s $RUN/conf/ssl/crl.pem \
	-a -s $RUN/conf/ssl/certs/agent1.test.pem -a -s $RUN/conf/ssl/private_keys/agent1.test.pem \
	-a -s $RUN/conf/ssl/certificate_requests/agent1.test.pem
check "content, source and recursive source applied" \
	bash -c "[ \"\$(cat $M/content.txt)\" = 'hello agent1.test' ] && [ \"\$(stat -c %a $M/content.txt)\" = 640 ] &&
	[ \"\$(cat $M/source.txt)\" = 'from the master' ] && [ \"\$(cat $M/tree/sub/b)\" = b ] && [ -f $M/tree/a ]"
check "Puppet's log lines" bash -c "grep -q \"^Info: Using environment 'production'\" $WORK/out1 &&
	grep -q '^Notice: agent was here' $WORK/out1 && grep -Eq '^Notice: Applied catalog in [0-9.]+ seconds' $WORK/out1"
uuid=$(python3 -c "import json,sys; print(json.load(open('$STATE/last_run_report.json'))['transaction_uuid'])")
check "the server stored the report (status changed, same transaction)" \
	bash -c "grep -l 'transaction_uuid: $uuid' $PS_DIR/var/reports/agent1.test/*.yaml | xargs grep -q 'status: changed'"
check "catalog cached and state written" test -s $RUN/var/client_data/catalog/agent1.test.json \
	-a -s $STATE/last_run_summary.yaml -a ! -e $STATE/agent_catalog_run.lock

# 2. second run: no file changes (the notify always reports one)
$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test >$WORK/out2 2>&1
check "second run changes no file" python3 -c "
import json; r = json.load(open('$STATE/last_run_report.json'))
ch = [k for k, s in r['resource_statuses'].items() if s['changed']]
assert ch == ['Notify[agent was here]'], ch"

# 3. --noop changes nothing
echo local > $M/content.txt
rm $M/tree/a
$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test --noop >$WORK/out3 2>&1
rc=$?
check "--noop leaves the drift alone (exit $rc)" bash -c "[ \"\$(cat $M/content.txt)\" = local ] && [ ! -e $M/tree/a ] &&
	grep -q '(noop)' $WORK/out3 && python3 -c \"import json; assert json.load(open('$STATE/last_run_report.json'))['noop']\""

# 4. a node whose catalog fails: a failed report reaches the server
$A --confdir $RUN/conf --vardir $WORK/broken --ssldir $WORK/broken-ssl --certname broken.test >$WORK/out4 2>&1
rc=$?
check "failed catalog: exit 1, error said, failed report stored" bash -c "[ $rc = 1 ] &&
	grep -q 'Could not retrieve catalog from remote server' $WORK/out4 &&
	grep -q 'status: failed' $PS_DIR/var/reports/broken.test/*.yaml"

# 5. the lock: a second run while the first one holds it is refused
SLOW="$A --confdir $RUN/conf --vardir $WORK/slow --ssldir $WORK/slow-ssl --certname slow.test"
$SLOW >$WORK/out5a 2>&1 &
BG+=($!)
slow=$!
for _ in $(seq 1 50); do [ -s $WORK/slow/state/agent_catalog_run.lock ] && break; sleep 0.2; done
$SLOW >$WORK/out5b 2>&1
rc_b=$?
wait $slow
rc_a=$?
check "overlapping run refused (exit $rc_b) while the first completes (exit $rc_a)" bash -c "[ $rc_b = 1 ] &&
	[ $rc_a = 2 ] && grep -q 'Run of Puppet configuration client already in progress; skipping' $WORK/out5b"
check "the lock held the first run's pid" grep -q "(.*agent_catalog_run.lock exists)" $WORK/out5b

# 6. a stale lock from a dead run is taken over
sh -c 'exit 0' &
dead=$!
wait $dead
echo $dead > $STATE/agent_catalog_run.lock
$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test >$WORK/out6 2>&1
rc=$?
check "stale lock taken over (exit $rc)" bash -c "[ $rc = 2 ] && [ \"\$(cat $M/content.txt)\" = 'hello agent1.test' ] &&
	[ ! -e $STATE/agent_catalog_run.lock ]"

# 7. server stopped: the cached catalog is applied, and said so
ps_stop
rm -f $M/content.txt
$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test --http-timeout 10 >$WORK/out7 2>&1
rc=$?
# (the puppet:/// sources fail without their master, as with Puppet: 2 changes + 4 failures)
check "cached catalog applied with the master down (exit $rc)" bash -c "[ $rc = 6 ] &&
	[ \"\$(cat $M/content.txt)\" = 'hello agent1.test' ] && grep -q 'Could not retrieve' $WORK/out7"
check "Puppet's messages for it" bash -c "grep -q 'Could not retrieve catalog from remote server' $WORK/out7 &&
	grep -q \"Using cached catalog from environment 'production'\" $WORK/out7 &&
	grep -q 'Could not send report' $WORK/out7"
check "the report says on_failure" python3 -c "
import json; r = json.load(open('$STATE/last_run_report.json')); assert r['cached_catalog_status'] == 'on_failure', r['cached_catalog_status']"

# 8. no cache and no master: a failed run
$A --confdir $RUN/conf --ssldir $RUN/conf/ssl --vardir $WORK/empty --certname agent1.test --http-timeout 10 >$WORK/out8 2>&1
rc=$?
check "no catalog at all: exit 1, failed report kept" bash -c "[ $rc = 1 ] &&
	grep -q 'Could not retrieve catalog; skipping run' $WORK/out8 &&
	python3 -c \"import json; assert json.load(open('$WORK/empty/state/last_run_report.json'))['status'] == 'failed'\""
check "--no-usecacheonfailure refuses the cache" bash -c "$A --confdir $RUN/conf --vardir $RUN/var --certname agent1.test \
	--http-timeout 10 --no-usecacheonfailure >$WORK/out9 2>&1; [ \$? = 1 ] && grep -q 'Not using cache on failed catalog' $WORK/out9"
