// <ovcp-perf-graph>: performance graphs drawn with uPlot.
// Two sources, both real:
//  1. history from GET /rrd_updates (xapi's endpoint: session_id, start,
//     cf=AVERAGE, interval, host=true|vm_uuid=, json=true) when the server
//     provides it;
//  2. live samples taken from the metrics records (host_metrics, VM_metrics)
//     each time an event brings a new value (last_updated changes).
// Samples are kept per object for the life of the page (module-level ring
// buffers), so switching tabs does not lose them.
import { LitElement, html, css, nothing, unsafeCSS } from 'lit';
import { base } from './styles.js';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

const MAX_SAMPLES = 720;
const rings = new Map(); // key -> {t: [], series: {name: []}, last}

function ring(key) {
  if (!rings.has(key)) rings.set(key, { t: [], series: {}, last: null });
  return rings.get(key);
}

function push(r, t, values) {
  r.t.push(t);
  for (const [k, v] of Object.entries(values)) {
    if (!r.series[k]) r.series[k] = new Array(r.t.length - 1).fill(null);
    r.series[k].push(v);
  }
  for (const k of Object.keys(r.series)) if (r.series[k].length < r.t.length) r.series[k].push(null);
  if (r.t.length > MAX_SAMPLES) {
    r.t.shift();
    for (const k of Object.keys(r.series)) r.series[k].shift();
  }
}

const GiB = 1024 ** 3;

/** What to sample from a record: one row per graph. */
const SOURCES = {
  host: (cache, obj) => {
    const m = cache.get('host_metrics', obj.metrics);
    if (!m) return null;
    const used = m.memory_total - m.memory_free;
    return { stamp: m.last_updated, values: { 'Memory used (GiB)': used / GiB, 'Memory used (%)': m.memory_total > 0 ? (100 * used) / m.memory_total : null } };
  },
  vm: (cache, obj) => {
    const m = cache.get('vm_metrics', obj.metrics);
    if (!m) return null;
    const u = m.VCPUs_utilisation && typeof m.VCPUs_utilisation === 'object' ? Object.values(m.VCPUs_utilisation).map(Number) : [];
    const cpu = u.length ? (100 * u.reduce((a, b) => a + b, 0)) / u.length : null;
    return { stamp: m.last_updated, values: { 'CPU (%)': cpu, 'Memory (GiB)': Number(m.memory_actual) / GiB } };
  },
};

export class OvcpPerfGraph extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, kind: {}, objref: {}, history: { state: true } };

  static styles = [
    base,
    unsafeCSS(uplotCss),
    css`
      :host { display: block; }
      .graphs { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: var(--s4); }
      .g { background: #fff; border: 1px solid var(--c-border); border-radius: var(--radius); padding: var(--s3); min-height: 220px; }
      .g h3 { margin-bottom: var(--s2); }
    `,
  ];

  constructor() {
    super();
    this.plots = new Map();
    this.history = '';
  }

  get key() {
    return `${this.kind}:${this.objref}`;
  }

  async connectedCallback() {
    super.connectedCallback();
    this.uPlot = (await import('uplot')).default;
    this.loadHistory();
    this.requestUpdate();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const p of this.plots.values()) p.destroy();
    this.plots.clear();
  }

  async loadHistory() {
    const obj = this.ctx.cache.get(this.kind, this.objref);
    if (!obj) return;
    const start = Math.floor(Date.now() / 1000) - 3600;
    const q = new URLSearchParams({ session_id: this.ctx.session.ref, start: String(start), cf: 'AVERAGE', interval: '5', json: 'true' });
    if (this.kind === 'host') q.set('host', 'true');
    else q.set('vm_uuid', obj.uuid);
    try {
      const res = await fetch(`/rrd_updates?${q}`);
      if (!res.ok || !/json/.test(res.headers.get('Content-Type') || '')) {
        this.history = res.ok
          ? 'History is not available: this server does not provide /rrd_updates yet. The graphs show values received since this page opened.'
          : `History is not available: the server answered HTTP ${res.status} for /rrd_updates. The graphs show values received since this page opened.`;
        return;
      }
      const data = JSON.parse(await res.text());
      this.mergeRrd(data);
      this.history = '';
    } catch (e) {
      this.history = `History is not available (${e.message}). The graphs show values received since this page opened.`;
    }
  }

  /** xapi's rrd_updates JSON: meta.legend "AVERAGE:vm:UUID:cpu0", data [{t, values}]. */
  mergeRrd(data) {
    const legend = (data.meta && data.meta.legend) || [];
    const r = ring(this.key);
    const names = legend.map((l) => String(l).split(':').slice(3).join(':'));
    const rows = [...(data.data || [])].sort((a, b) => a.t - b.t);
    const hist = { t: [], series: {}, last: r.last };
    for (const row of rows) {
      const v = {};
      names.forEach((n, i) => (v[n] = Number(row.values[i])));
      push(hist, Number(row.t), v);
    }
    rings.set(this.key, hist);
    for (let i = 0; i < r.t.length; i++) {
      const v = {};
      for (const [k, s] of Object.entries(r.series)) v[k] = s[i];
      push(hist, r.t[i], v);
    }
  }

  sample() {
    const obj = this.ctx.cache.get(this.kind, this.objref);
    if (!obj) return null;
    const s = SOURCES[this.kind](this.ctx.cache, obj);
    const r = ring(this.key);
    if (s && s.stamp !== r.last) {
      r.last = s.stamp;
      push(r, Date.now() / 1000, s.values);
    }
    return s;
  }

  render() {
    const s = this.sample();
    const r = ring(this.key);
    const names = Object.keys(r.series);
    return html`
      ${this.history ? html`<div class="alert info" style="margin-bottom:var(--s3)" data-testid="perf-history">${this.history}</div>` : nothing}
      ${!s ? html`<div class="alert info">No metrics record for this ${this.kind === 'vm' ? 'VM' : 'host'} yet${this.kind === 'vm' ? ' (it appears while the VM runs)' : ''}.</div>` : nothing}
      <div class="graphs">${names.map((n) => html`<div class="g"><h3>${n}</h3><div class="plot" data-series=${n}></div>
        <div class="muted" style="font-size:12px">${r.t.length} sample${r.t.length === 1 ? '' : 's'}; latest ${fmt(r.series[n][r.series[n].length - 1])}</div></div>`)}</div>`;
  }

  updated() {
    if (!this.uPlot) return;
    const r = ring(this.key);
    for (const el of this.renderRoot.querySelectorAll('.plot')) {
      const name = el.dataset.series;
      const data = [r.t, r.series[name]];
      const width = Math.max(260, el.clientWidth || 300);
      let p = this.plots.get(name);
      if (p && p.root.parentNode !== el) {
        p.destroy();
        p = null;
      }
      if (!p) {
        p = new this.uPlot({ width, height: 160, legend: { show: false }, scales: {
            // At least a ten-minute window, so that few samples do not stretch over years.
            x: { time: true, range: (u, min, max) => (max - min < 600 ? [max - 600, max + 5] : [min, max]) },
            y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] },
          },
          series: [{}, { label: name, stroke: '#1f5fa8', fill: 'rgba(31,95,168,0.08)', width: 2, spanGaps: true }],
          axes: [{}, { size: 50 }] }, data, el);
        this.plots.set(name, p);
      } else p.setData(data);
    }
  }
}

function fmt(v) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toFixed(2);
}

customElements.define('ovcp-perf-graph', OvcpPerfGraph);
