#!/bin/bash
# The same catalog applied by Debian's Puppet (`puppet apply --catalog`) into
# one scratch directory and by `ovcp-cm apply --catalog` into another; the two
# trees (names, types, modes, link targets, contents) must be identical.
# usage: differential.sh OVCP_CM_BINARY TEST_DIR       (TAP output)
set -u
CM=$1
n=0 failed=0
check() { local what=$1; shift; n=$((n + 1)); if "$@"; then echo "ok $n - $what"; else failed=$((failed + 1)); echo "not ok $n - $what"; fi; }

command -v puppet >/dev/null || { echo "1..0 # SKIP Debian's puppet is not installed (apt-get install puppet)"; exit 0; }

WORK=$(mktemp -d /tmp/ovcp-cm-diff.XXXXXX)
trap '[ -n "${OVCP_KEEP:-}" ] || rm -rf "$WORK"' EXIT
# `puppet apply --catalog` fetches puppet:/// sources from a server, so both sides
# get local source paths here (ovcp-cm's modulepath lookup is tested in the unit tests)
MP=$WORK/modules
mkdir -p $MP/demo/files/tree/sub
printf 'from a module\n' > $MP/demo/files/conf.txt
printf 'a\n' > $MP/demo/files/tree/a
printf 'b\n' > $MP/demo/files/tree/sub/b

# @D@ is the target directory
cat > $WORK/catalog.in <<'EOF'
{"tags":["settings"],"name":"difftest","version":7,"code_id":null,"catalog_uuid":"00000000-0000-4000-8000-0000000000d1",
 "catalog_format":1,"environment":"production","classes":["demo"],
 "resources":[
 {"type":"Stage","title":"main","tags":["stage"],"exported":false,"parameters":{"name":"main"}},
 {"type":"Class","title":"Demo","tags":["class","demo"],"exported":false},
 {"type":"File","title":"@D@/dir","tags":["file","demo"],"exported":false,"parameters":{"ensure":"directory","mode":"0750"}},
 {"type":"File","title":"@D@/plain","tags":["file","demo"],"exported":false,"parameters":{"content":"hello\nworld\n","mode":"0640"}},
 {"type":"File","title":"@D@/empty","tags":["file","demo"],"exported":false,"parameters":{"ensure":"file"}},
 {"type":"File","title":"@D@/present","tags":["file","demo"],"exported":false,"parameters":{"ensure":"present","content":"p"}},
 {"type":"File","title":"@D@/dir/link","tags":["file","demo"],"exported":false,"parameters":{"ensure":"link","target":"../plain"}},
 {"type":"File","title":"@D@/dir/abslink","tags":["file","demo"],"exported":false,"parameters":{"ensure":"@D@/plain"}},
 {"type":"File","title":"@D@/fromsrc","tags":["file","demo"],"exported":false,"parameters":{"source":"@M@/demo/files/conf.txt","mode":"0600"}},
 {"type":"File","title":"@D@/tree","tags":["file","demo"],"exported":false,"parameters":{"ensure":"directory","recurse":true,"source":"file://@M@/demo/files/tree"}},
 {"type":"File","title":"@D@/gone","tags":["file","demo"],"exported":false,"parameters":{"ensure":"absent"}},
 {"type":"File","title":"@D@/modes","tags":["file","demo"],"exported":false,"parameters":{"ensure":"directory","mode":"0644"}},
 {"type":"Exec","title":"make","tags":["exec","demo"],"exported":false,"parameters":{"command":"/usr/bin/touch @D@/dir/made","creates":"@D@/dir/made"}},
 {"type":"Exec","title":"refreshed","tags":["exec","demo"],"exported":false,"parameters":{"command":"/bin/sh -c 'echo run >> @D@/dir/refreshes'","refreshonly":true,"subscribe":["File[@D@/plain]","File[@D@/fromsrc]"]}}
 ],
 "edges":[{"source":"Stage[main]","target":"Class[Demo]"}
EOF
# every File and Exec is in Class[Demo]
for t in dir plain empty present dir/link dir/abslink fromsrc tree gone modes; do
	printf ',{"source":"Class[Demo]","target":"File[@D@/%s]"}' $t >> $WORK/catalog.in
done
printf ',{"source":"Class[Demo]","target":"Exec[make]"},{"source":"Class[Demo]","target":"Exec[refreshed]"}]}\n' >> $WORK/catalog.in

for who in puppet ovcp; do
	mkdir -p $WORK/$who
	sed "s|@D@|$WORK/$who|g; s|@M@|$MP|g" $WORK/catalog.in > $WORK/$who.json
	echo stale > $WORK/$who/gone
done

PUPPET_ISOLATION=(--vardir $WORK/puppet-var --confdir $WORK/puppet-conf --logdir $WORK/puppet-log
	--rundir $WORK/puppet-run --codedir $WORK/puppet-code)
puppet apply "${PUPPET_ISOLATION[@]}" --modulepath $MP --catalog $WORK/puppet.json > $WORK/puppet.out 2>&1
"$CM" apply --modulepath $MP --catalog $WORK/ovcp.json --report $WORK/ovcp-report.json > $WORK/ovcp.out 2>&1
"$CM" apply --modulepath $MP --catalog $WORK/ovcp.json --report $WORK/ovcp-report2.json > $WORK/ovcp2.out 2>&1

tree() { # name type mode [link target] [md5]
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %l\n' | sort | while read -r p y m l; do
		if [ "$y" = f ]; then echo "$p $y $m $(md5sum < "$p" | cut -c1-32)"; else echo "$p $y $m ${l//$1/@D@}"; fi
	done)
}
tree $WORK/puppet > $WORK/puppet.tree
tree $WORK/ovcp > $WORK/ovcp.tree

echo "1..4"
check "puppet applied the catalog" grep -q "Applied catalog" $WORK/puppet.out
grep -q "Applied catalog" $WORK/puppet.out || sed 's/^/# /' $WORK/puppet.out
check "ovcp-cm applied the catalog without failures" grep -q '^  "status": "changed",$' $WORK/ovcp-report.json
grep -q '^  "status": "changed",$' $WORK/ovcp-report.json || sed 's/^/# /' $WORK/ovcp.out
check "both trees are identical (names, types, modes, links, contents)" cmp -s $WORK/puppet.tree $WORK/ovcp.tree
cmp -s $WORK/puppet.tree $WORK/ovcp.tree || diff $WORK/puppet.tree $WORK/ovcp.tree | sed 's/^/# /'
check "a second ovcp-cm run changes nothing" grep -q '^  "status": "unchanged",$' $WORK/ovcp-report2.json
exit $((failed > 0))
