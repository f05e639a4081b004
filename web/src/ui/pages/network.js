// <ovcp-network-page>: one network: bridge, MTU, the host interfaces
// (PIFs) and VM interfaces (VIFs) on it.
import { html } from 'lit';
import { Page } from './common.js';
import { base } from '../styles.js';

export class NetworkPage extends Page {
  static styles = [base];

  render() {
    const c = this.ctx.cache;
    const net = c.findByUuid('network', this.uuid);
    if (!net) return this.gone('network');
    const vifs = c.all('vif').filter((v) => v.network === net.ref);
    const pifs = c.all('pif').filter((p) => p.network === net.ref);
    return html`
      <div class="page-head"><div><div class="kind">Network</div><h1 data-testid="page-title">${net.name_label}</h1></div></div>
      <div class="stack">
        <div class="card"><dl class="props">
          <dt>Description</dt><dd>${net.name_description || '—'}</dd>
          <dt>Bridge</dt><dd class="mono">${net.bridge || '—'}</dd>
          <dt>MTU</dt><dd>${net.MTU}</dd>
          <dt>UUID</dt><dd class="mono">${net.uuid}</dd>
        </dl></div>
        <section class="card"><h2>Host interfaces</h2>
          ${pifs.length ? html`<div class="table-wrap"><table class="list"><thead><tr><th>Device</th><th>Host</th><th>MAC</th><th>VLAN</th><th>Attached</th></tr></thead>
          <tbody>${pifs.map((p) => html`<tr><td>${p.device}</td><td>${c.get('host', p.host)?.name_label || '—'}</td><td class="mono">${p.MAC}</td><td>${p.VLAN >= 0 ? p.VLAN : '—'}</td><td>${p.currently_attached ? 'yes' : 'no'}</td></tr>`)}</tbody></table></div>`
            : html`<div class="empty">No host interface on this network (a private network).</div>`}
        </section>
        <section class="card"><h2>VM interfaces</h2>
          ${vifs.length ? html`<div class="table-wrap"><table class="list"><thead><tr><th>VM</th><th>Device</th><th>MAC</th><th>Attached</th></tr></thead>
          <tbody>${vifs.map((v) => { const vm = c.get('vm', v.VM); return html`<tr><td>${vm ? this.vmLink({ ...vm }) : '—'}</td><td>${v.device}</td><td class="mono">${v.MAC}</td><td>${v.currently_attached ? 'yes' : 'no'}</td></tr>`; })}</tbody></table></div>`
            : html`<div class="empty">No VM is connected to this network.</div>`}
        </section>
      </div>`;
  }
}
customElements.define('ovcp-network-page', NetworkPage);
