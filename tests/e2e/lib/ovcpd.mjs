// Starts a real ovcpd for a test: temporary state directory, a free
// loopback port, a root password file, the built web UI as --web-root.
// stop() sends SIGTERM, then SIGKILL after a deadline; every daemon started
// is also killed when the runner exits, on any path.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const live = new Set();
function killAll() {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { killAll(); process.exit(130); });

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class XapiClient {
  constructor(base) {
    this.base = base;
  }

  /** Returns {result} or {error: {code, message, data}} without throwing. */
  async raw(method, ...params) {
    const res = await fetch(`${this.base}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }) });
    return res.json();
  }

  async call(method, ...params) {
    const r = await this.raw(method, ...params);
    if (r.error) {
      const e = new Error(`${method}: ${r.error.message} ${JSON.stringify(r.error.data || [])}`);
      e.code = r.error.message;
      e.params = r.error.data || [];
      throw e;
    }
    return r.result;
  }

  async login(user, pw) {
    return this.call('session.login_with_password', user, pw, '1.0', 'ovcp-e2e');
  }
}

export async function startOvcpd({ binary, webRoot, password = 'secret-pw', extraArgs = [] }) {
  if (!existsSync(binary)) throw new Error(`ovcpd not found at ${binary} (build it: meson compile -C build)`);
  const dir = mkdtempSync(join(tmpdir(), 'ovcp-e2e-'));
  const pwFile = join(dir, 'root-password');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['-f', '--state-dir', join(dir, 'state'), '--listen', base, '--socket', join(dir, 'xapi.sock'),
    '--root-password-file', pwFile, '--web-root', webRoot, '--log', join(dir, 'ovcpd.log'), ...extraArgs];
  const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => proc.on('exit', (code, sig) => { live.delete(proc); r({ code, sig }); }));
  const client = new XapiClient(base);
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      await client.raw('system.listMethods');
      break;
    } catch {
      if (proc.exitCode !== null) throw new Error(`ovcpd exited at start: ${stderr}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`ovcpd did not answer on ${base} within 15 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    base, port, dir, password, client, proc,
    log: () => (existsSync(join(dir, 'ovcpd.log')) ? readFileSync(join(dir, 'ovcpd.log'), 'utf8') : '') + stderr,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A full VM record for VM.create (every RW field without a default). */
export function vmRecord(name, extra = {}) {
  return {
    name_label: name, name_description: 'made by the e2e tests', user_version: 1, is_a_template: false, affinity: 'OpaqueRef:NULL',
    memory_static_max: 268435456, memory_dynamic_max: 268435456, memory_dynamic_min: 268435456, memory_static_min: 16777216,
    VCPUs_params: {}, VCPUs_max: 1, VCPUs_at_startup: 1, actions_after_shutdown: 'destroy', actions_after_reboot: 'restart',
    actions_after_crash: 'restart', PV_bootloader: '', PV_kernel: '', PV_ramdisk: '', PV_args: '', PV_bootloader_args: '',
    PV_legacy_args: '', HVM_boot_policy: '', HVM_boot_params: {}, platform: {}, PCI_bus: '', other_config: {}, recommendations: '',
    ...extra,
  };
}
