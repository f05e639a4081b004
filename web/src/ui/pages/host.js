// <ovcp-host-page>: one host: CPU (host.cpu_info), memory (host_metrics),
// the accelerator in use (other_config "ovcp-accelerator" and
// "ovcp-accelerator-reason"), software, running VMs (resident_VMs) and
// performance graphs.
import { html, css, nothing } from 'lit';
import { Page, powerBadge, usageBar } from './common.js';
import { base } from '../styles.js';
import { fmtBytes } from '../../api/errors.js';
import { fmtTime } from '../../api/model.js';
import '../perf.js';

export class HostPage extends Page {
  static styles = [base, css`.accel { font-size: 18px; font-weight: 600; }`];

  render() {
    const c = this.ctx.cache;
    const host = c.findByUuid('host', this.uuid);
    if (!host) return this.gone('host');
    const m = c.get('host_metrics', host.metrics);
    const cpu = host.cpu_info && typeof host.cpu_info === 'object' ? host.cpu_info : {};
    const oc = host.other_config || {};
    const sw = host.software_version || {};
    const vms = (host.resident_VMs || []).map((r) => ({ ref: r, ...c.get('vm', r) })).filter((v) => v.uuid && !v.is_control_domain);
    const accel = oc['ovcp-accelerator'];
    return html`
      <div class="page-head">
        <div><div class="kind">Host</div><h1 data-testid="page-title">${host.name_label}</h1></div>
        <span class="badge ${host.enabled ? 'running' : 'halted'}">${host.enabled ? 'enabled' : 'disabled'}</span>
        ${m ? html`<span class="badge ${m.live ? 'running' : 'failure'}">${m.live ? 'live' : 'not live'}</span>` : nothing}
      </div>
      <div class="stack">
        <div class="cards">
          <section class="card"><h2>Accelerator</h2>
            ${accel ? html`<div class="accel" data-testid="accelerator">${accel}</div>
              ${oc['ovcp-accelerator-reason'] ? html`<p class="muted" data-testid="accelerator-reason">${oc['ovcp-accelerator-reason']}</p>` : nothing}`
              : html`<p class="muted" data-testid="accelerator">Not reported yet: the host records the accelerator it uses (KVM or TCG) when its VM driver starts.</p>`}
          </section>
          <section class="card"><h2>CPU</h2><dl class="props" data-testid="cpu-info">
            ${Object.keys(cpu).length ? Object.entries(cpu).filter(([k]) => !['features', 'features_pv', 'features_hvm', 'features_pv_host', 'features_hvm_host'].includes(k))
              .map(([k, v]) => html`<dt>${k.replace(/_/g, ' ')}</dt><dd>${v}</dd>`) : html`<dt>CPU</dt><dd>not reported</dd>`}
          </dl></section>
          <section class="card"><h2>Memory</h2>
            ${m ? html`${usageBar(m.memory_total - m.memory_free, m.memory_total, 'Host memory used')}
              <dl class="props" style="margin-top:var(--s3)"><dt>Total</dt><dd>${fmtBytes(m.memory_total)}</dd><dt>Free</dt><dd>${fmtBytes(m.memory_free)}</dd><dt>Updated</dt><dd>${fmtTime(m.last_updated)}</dd></dl>`
              : html`<p class="muted">No metrics record.</p>`}
          </section>
        </div>
        <section class="card"><h2>General</h2><dl class="props">
          <dt>Host name</dt><dd>${host.hostname}</dd>
          <dt>Address</dt><dd class="mono">${host.address}</dd>
          <dt>Software</dt><dd>${sw.product_brand || ''} ${sw.product_version || ''}${sw.linux ? html` <span class="muted">(Linux ${sw.linux})</span>` : nothing}</dd>
          <dt>API version</dt><dd>${host.API_version_major}.${host.API_version_minor} (${host.API_version_vendor})</dd>
          <dt>UUID</dt><dd class="mono">${host.uuid}</dd>
        </dl></section>
        <section class="card"><h2>Running VMs</h2>
          ${vms.length ? html`<div class="table-wrap"><table class="list" data-testid="resident-vms"><thead><tr><th>Name</th><th>State</th><th>vCPUs</th><th>Memory</th></tr></thead>
            <tbody>${vms.map((v) => html`<tr><td>${this.vmLink(v)}</td><td>${powerBadge(v.power_state)}</td><td>${v.VCPUs_at_startup}</td><td>${fmtBytes(v.memory_static_max)}</td></tr>`)}</tbody></table></div>`
            : html`<div class="empty" data-testid="resident-vms">No VM runs on this host.</div>`}
        </section>
        <section><h2 style="margin-bottom:var(--s3)">Performance</h2>
          <ovcp-perf-graph .ctx=${this.ctx} rev=${this.rev} kind="host" objref=${host.ref}></ovcp-perf-graph></section>
      </div>`;
  }
}
customElements.define('ovcp-host-page', HostPage);
