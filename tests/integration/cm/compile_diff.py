#!/usr/bin/env python3
"""Differential test: our catalog compiler against Debian's Puppet 7.

For every golden case (tests/golden/cm/catalog_src/*/site.pp without an
error.txt) compile the case with OVCP (test_cm_eval_golden --compile) and with
Puppet (its Ruby library, through a small driver written to a temp dir), then
compare resources (type, title, tags, file, line, exported, parameters), edges,
classes and catalog tags after normalising what legitimately differs: uuid,
version, catalog_format, the "kind" field of format 2, and the absolute paths
Puppet writes. Prints TAP. Skips (with the reason) when Puppet is missing.

usage: compile_diff.py OVCP_GOLDEN_BINARY GOLDEN_DIR [CASE...]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

RUBY_DRIVER = r'''
require 'puppet'
require 'json'
envroot, node_name, facts_file, out_file = ARGV
Puppet.initialize_settings(['--confdir', "#{envroot}/conf", '--vardir', "#{envroot}/var",
                            '--codedir', "#{envroot}/code", '--environmentpath', "#{envroot}/envs"])
facts = JSON.parse(File.read(facts_file))
envs = Puppet::Environments::Directories.new("#{envroot}/envs", [])
Puppet.override(environments: envs) do
  env = envs.get(:production)
  node = Puppet::Node.new(node_name, environment: env, facts: Puppet::Node::Facts.new(node_name, facts))
  node.merge(facts)
  node.trusted_data = {'authenticated' => 'local', 'certname' => node_name, 'extensions' => {},
                       'hostname' => node_name.split('.')[0], 'domain' => node_name.split('.', 2)[1]}
  trusted = Puppet::Context::TrustedInformation.new('local', node_name, {})
  Puppet.override(current_environment: env, trusted_information: trusted) do
    begin
      cat = Puppet::Resource::Catalog.indirection.find(node_name, use_node: node)
      File.write(out_file, JSON.generate(cat.to_data_hash))
    rescue => e
      File.write(out_file, JSON.generate({'error' => e.message}))
    end
  end
end
'''

NODE = 'n1.example.com'


def puppet_catalog(case_dir, facts_file, tmp):
    env = os.path.join(tmp, 'envs', 'production')
    os.makedirs(os.path.join(env, 'manifests'))
    os.symlink(os.path.join(case_dir, 'site.pp'), os.path.join(env, 'manifests', 'site.pp'))
    for name in ('modules', 'hiera.yaml', 'data'):
        src = os.path.join(case_dir, name)
        if os.path.exists(src):
            os.symlink(src, os.path.join(env, name))
    driver = os.path.join(tmp, 'driver.rb')
    with open(driver, 'w') as f:
        f.write(RUBY_DRIVER)
    out = os.path.join(tmp, 'out.json')
    subprocess.run(['ruby', driver, tmp, NODE, facts_file, out], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    with open(out) as f:
        cat = json.load(f)
    prefix = env + '/'

    def fix_path(p):
        if p and p.startswith(prefix):
            p = p[len(prefix):]
        return 'site.pp' if p == 'manifests/site.pp' else p
    for r in cat.get('resources', []):
        if 'file' in r:
            r['file'] = fix_path(r['file'])
    return cat


def normalise(cat):
    res = []
    for r in cat.get('resources', []):
        r = dict(r)
        r.pop('kind', None)
        r['tags'] = sorted(r.get('tags', []))
        res.append(r)
    return {
        'resources': res,
        'edges': sorted((e['source'], e['target']) for e in cat.get('edges', [])),
        'classes': cat.get('classes'),
        'tags': sorted(cat.get('tags', [])),
        'name': cat.get('name'),
    }


def diff(a, b):
    out = []
    for key in ('classes', 'tags', 'edges', 'name'):
        if a[key] != b[key]:
            out.append('%s: ovcp %s\n#   puppet %s' % (key, a[key], b[key]))
    ra = {(r['type'], r['title']): r for r in a['resources']}
    rb = {(r['type'], r['title']): r for r in b['resources']}
    for k in ra.keys() - rb.keys():
        out.append('only in ovcp: %s[%s]' % k)
    for k in rb.keys() - ra.keys():
        out.append('only in puppet: %s[%s]' % k)
    for k in ra.keys() & rb.keys():
        if ra[k] != rb[k]:
            out.append('%s[%s]: ovcp %s\n#   puppet %s' % (k[0], k[1], json.dumps(ra[k], sort_keys=True),
                                                        json.dumps(rb[k], sort_keys=True)))
    order_a = [(r['type'], r['title']) for r in a['resources']]
    order_b = [(r['type'], r['title']) for r in b['resources']]
    if not out and order_a != order_b:
        out.append('resource order differs:\n#   ovcp %s\n#   puppet %s' % (order_a, order_b))
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, golden = sys.argv[1], os.path.abspath(sys.argv[2])
    if shutil.which('ruby') is None or subprocess.run(['ruby', '-e', 'require "puppet"'],
                                                      capture_output=True).returncode != 0:
        print('1..0 # SKIP Debian\'s puppet (ruby library) is not installed')
        return 0
    cases = sys.argv[3:] or sorted(d for d in os.listdir(golden)
                                   if os.path.exists(os.path.join(golden, d, 'site.pp'))
                                   and not os.path.exists(os.path.join(golden, d, 'error.txt'))
                                   and not os.path.exists(os.path.join(golden, d, 'no-diff')))
    print('1..%d' % len(cases))
    failed = 0
    for i, name in enumerate(cases, 1):
        case = os.path.join(golden, name)
        facts = os.path.join(case, 'facts.json')
        if not os.path.exists(facts):
            facts = os.path.join(golden, 'facts.json')
        ours = subprocess.run([binary, '--compile', case], capture_output=True, text=True)
        with tempfile.TemporaryDirectory() as tmp:
            theirs = puppet_catalog(case, facts, tmp)
        if ours.returncode != 0 or 'error' in theirs:
            msg = ['ovcp: ' + (ours.stderr.strip() or 'ok'), 'puppet: ' + theirs.get('error', 'ok')]
            problems = msg if (ours.returncode != 0) != ('error' in theirs) else []
        else:
            problems = diff(normalise(json.loads(ours.stdout)), normalise(theirs))
        if problems:
            failed += 1
            print('not ok %d - %s' % (i, name))
            for p in problems:
                print('# ' + p)
        else:
            print('ok %d - %s' % (i, name))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
