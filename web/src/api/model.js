// Read-only views over the record cache: the grouping the tree and pages
// show. Pure functions of the cache; no calls.

const NULL = 'OpaqueRef:NULL';

export const isNull = (ref) => !ref || ref === NULL;

export function byName(a, b) {
  return String(a.name_label || '').localeCompare(String(b.name_label || ''), undefined, { numeric: true }) || String(a.ref).localeCompare(String(b.ref));
}

/** Real VMs: not templates, snapshots or the control domain. */
export function guestVMs(cache) {
  return cache.all('vm').filter((v) => !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain).sort(byName);
}

export function templates(cache) {
  return cache.all('vm').filter((v) => v.is_a_template && !v.is_a_snapshot).sort(byName);
}

export function snapshotsOf(cache, vmRef) {
  return cache.all('vm').filter((v) => v.is_a_snapshot && v.snapshot_of === vmRef)
    .sort((a, b) => String(b.snapshot_time).localeCompare(String(a.snapshot_time)));
}

/** The host a VM belongs under: where it runs, else its affinity, else none (pool level). */
export function vmHomeHost(vm) {
  if (!isNull(vm.resident_on)) return vm.resident_on;
  if (!isNull(vm.affinity)) return vm.affinity;
  return NULL;
}

export function poolName(pool, cache) {
  if (!pool) return 'Pool';
  if (pool.name_label) return pool.name_label;
  const master = cache.get('host', pool.master);
  return master ? `Pool of ${master.name_label}` : 'Pool';
}

export function srUsage(sr) {
  const size = Number(sr.physical_size) || 0;
  const used = Number(sr.physical_utilisation) || 0;
  return { size, used, frac: size > 0 ? Math.min(1, used / size) : 0 };
}

/** IP addresses from VM_guest_metrics.networks ("0/ip" -> address, "0/ipv6/0" -> ...). */
export function guestAddresses(gm) {
  if (!gm || !gm.networks || typeof gm.networks !== 'object') return [];
  return Object.entries(gm.networks)
    .filter(([k]) => /\/ip(v[46])?(\/\d+)?$/.test(k))
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([k, v]) => ({ device: k.split('/')[0], address: v }));
}

export function osName(gm) {
  const os = gm && gm.os_version;
  if (!os || typeof os !== 'object') return '';
  return os.name || [os.distro, os.major, os.minor].filter(Boolean).join(' ') || os.uname || '';
}

/** Task records, newest first. */
export function recentTasks(cache, limit = 50) {
  return cache.all('task').sort((a, b) => String(b.created).localeCompare(String(a.created))).slice(0, limit);
}

/** XenAPI datetime "20261126T10:40:32Z" -> Date (or null). */
export function parseTime(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(String(s || ''));
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return d.getUTCFullYear() <= 1970 ? null : d;
}

export function fmtTime(s) {
  const d = parseTime(s);
  return d ? d.toLocaleString() : '—';
}
