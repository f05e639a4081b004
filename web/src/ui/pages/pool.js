// <ovcp-pool-page>: the pool overview: hosts, VM counts, storage usage,
// networks, the link to the configuration reports dashboard
// (pool.other_config "ovcp-cm-dashboard", set/cleared here by pool.config
// roles; only http(s) URLs become links) and recent tasks.
import { html, css, nothing } from 'lit';
import { Page, powerBadge, usageBar } from './common.js';
import { base } from '../styles.js';
import { guestVMs, poolName, byName, srUsage } from '../../api/model.js';
import { fmtBytes, describeError } from '../../api/errors.js';
import { CM_DASHBOARD_KEY, dashboardUrl, setKeySteps } from '../../api/cmconfig.js';
import '../tasks.js';
import '../dialog.js';

export class PoolPage extends Page {
  static properties = { ...Page.properties, dlg: { state: true }, dlgError: { state: true }, dlgBusy: { state: true } };

  static styles = [base, css`.stat { font-size: 28px; font-weight: 600; } .stats { display: flex; gap: var(--s6); flex-wrap: wrap; }
    .card > h2 + .row { margin-top: calc(-1 * var(--s1)); }`];

  /** Sets (url) or clears ('') pool.other_config "ovcp-cm-dashboard". */
  async setDashboard(pool, url) {
    this.dlgBusy = true;
    this.dlgError = '';
    try {
      for (const [op, key, value] of setKeySteps(pool.other_config, CM_DASHBOARD_KEY, url)) {
        const args = value === undefined ? [pool.ref, key] : [pool.ref, key, value];
        await this.ctx.call(url ? 'Set the configuration reports link' : 'Clear the configuration reports link', `pool.${op}`, ...args);
      }
      this.dlg = false;
    } catch (e) {
      this.dlgError = describeError(e);
    } finally {
      this.dlgBusy = false;
    }
  }

  submitDashboard(pool) {
    const text = this.renderRoot.querySelector('input[name=dashboard]').value.trim();
    if (!dashboardUrl(text)) {
      this.dlgError = 'Write the dashboard\'s http:// or https:// address, e.g. http://cm.example.org:8141/.';
      return;
    }
    this.setDashboard(pool, text);
  }

  renderDashboard(pool) {
    if (!pool) return nothing;
    const raw = (pool.other_config || {})[CM_DASHBOARD_KEY] || '';
    const url = dashboardUrl(raw);
    const can = this.ctx.can('pool.config');
    if (!raw && !can) return nothing;
    return html`<section class="card" data-testid="cm-dashboard"><h2>Configuration reports</h2>
      <div class="row">
        ${url ? html`<a href=${url} target="_blank" rel="noopener noreferrer" data-testid="cm-dashboard-link">Open the configuration-management dashboard</a>
          <span class="muted mono">${url}</span>`
          : raw ? html`<span class="muted">The link set (<span class="mono">${raw}</span>) is not an http(s) address.</span>`
          : html`<span class="muted">No dashboard link set. Point it at <span class="mono">ovcp-cm master --dashboard-listen</span>.</span>`}
        <span class="spacer"></span>
        ${can ? html`<button @click=${() => { this.dlg = true; this.dlgError = ''; }}>${raw ? 'Change link…' : 'Set link…'}</button>
          ${raw ? html`<button class="danger" ?disabled=${this.dlgBusy} @click=${() => this.setDashboard(pool, '')}>Clear link</button>` : nothing}` : nothing}
      </div>
      ${this.dlgError && !this.dlg ? html`<div class="alert error" role="alert" style="margin-top:var(--s3)">${this.dlgError}</div>` : nothing}
      ${this.dlg ? html`<ovcp-dialog open heading="Configuration reports link" submit-label="Save" .error=${this.dlgError} ?busy=${this.dlgBusy}
        @cancel=${() => { this.dlg = false; this.dlgError = ''; }} @submit=${() => this.submitDashboard(pool)}>
        <label class="field"><span>Dashboard address</span><input name="dashboard" type="url" .value=${raw} placeholder="http://cm.example.org:8141/" autocomplete="off" />
          <div class="hint">The reports dashboard of <span class="mono">ovcp-cm master</span> (its --dashboard-listen address). Kept in pool.other_config "${CM_DASHBOARD_KEY}".</div></label>
      </ovcp-dialog>` : nothing}
    </section>`;
  }

  render() {
    const c = this.ctx.cache;
    const pool = c.all('pool')[0];
    const hosts = c.all('host').sort(byName);
    const vms = guestVMs(c);
    const running = vms.filter((v) => v.power_state === 'Running').length;
    const srs = c.all('sr').sort(byName);
    const nets = c.all('network').sort(byName);
    return html`
      <div class="page-head"><div><div class="kind">Pool</div><h1 data-testid="page-title">${poolName(pool, c)}</h1></div></div>
      <div class="stack">
        <div class="card"><div class="stats">
          <div><div class="stat" data-testid="host-count">${hosts.length}</div><div class="muted">${hosts.length === 1 ? 'host' : 'hosts'}</div></div>
          <div><div class="stat" data-testid="vm-count">${vms.length}</div><div class="muted">VMs</div></div>
          <div><div class="stat">${running}</div><div class="muted">running</div></div>
          <div><div class="stat">${srs.length}</div><div class="muted">storage repositories</div></div>
          <div><div class="stat">${nets.length}</div><div class="muted">networks</div></div>
        </div></div>
        ${this.renderDashboard(pool)}
        <section class="card"><h2>Hosts</h2>
          <div class="table-wrap"><table class="list"><thead><tr><th>Name</th><th>Address</th><th>Memory</th><th>VMs running</th><th>Role</th></tr></thead>
          <tbody>${hosts.map((h) => {
            const m = c.get('host_metrics', h.metrics);
            return html`<tr><td>${this.link(`/host/${h.uuid}`, h.name_label)}</td><td class="mono">${h.address}</td>
              <td>${m ? `${fmtBytes(m.memory_total - m.memory_free)} / ${fmtBytes(m.memory_total)}` : '—'}</td>
              <td>${(h.resident_VMs || []).filter((r) => !c.get('vm', r)?.is_control_domain).length}</td>
              <td>${pool && pool.master === h.ref ? html`<span class="badge plain pending">master</span>` : 'member'}</td></tr>`;
          })}</tbody></table></div>
        </section>
        <section class="card"><h2>Virtual machines</h2>
          ${vms.length ? html`<div class="table-wrap"><table class="list"><thead><tr><th>Name</th><th>State</th><th>vCPUs</th><th>Memory</th></tr></thead>
          <tbody>${vms.map((v) => html`<tr><td>${this.vmLink(v)}</td><td>${powerBadge(v.power_state)}</td><td>${v.VCPUs_at_startup}</td><td>${fmtBytes(v.memory_static_max)}</td></tr>`)}</tbody></table></div>`
            : html`<div class="empty">No VMs yet.${this.ctx.can('vm.create') ? html` ${this.link('/new-vm', 'Create one.')}` : nothing}</div>`}
        </section>
        <section class="card"><h2>Storage</h2>
          ${srs.length ? html`<div class="table-wrap"><table class="list"><thead><tr><th>Name</th><th>Type</th><th style="width:40%">Usage</th></tr></thead>
          <tbody>${srs.map((s) => { const u = srUsage(s); return html`<tr><td>${this.link(`/sr/${s.uuid}`, s.name_label)}</td><td>${s.type}</td><td>${usageBar(u.used, u.size, `Usage of ${s.name_label}`)}</td></tr>`; })}</tbody></table></div>`
            : html`<div class="empty">No storage repositories.</div>`}
        </section>
        <section><h2 style="margin-bottom:var(--s3)">Recent tasks</h2><ovcp-tasks .ctx=${this.ctx} rev=${this.rev} limit="8"></ovcp-tasks></section>
      </div>`;
  }
}
customElements.define('ovcp-pool-page', PoolPage);
