// <ovcp-tree>: pool -> hosts -> VMs, then storage and networks, live from
// the cache. Plain links in nested lists: Tab moves through them, Enter
// follows; the current object is marked with aria-current.
import { LitElement, html, css, nothing } from 'lit';
import { base } from './styles.js';
import { guestVMs, templates, vmHomeHost, poolName, byName, isNull } from '../api/model.js';

const ICONS = {
  pool: html`<svg viewBox="0 0 16 16"><path d="M2 3h12v4H2zM2 9h12v4H2z" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>`,
  host: html`<svg viewBox="0 0 16 16"><rect x="2" y="3" width="12" height="10" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M5 6h6M5 9h4" stroke="currentColor" stroke-width="1.4"/></svg>`,
  sr: html`<svg viewBox="0 0 16 16"><ellipse cx="8" cy="4" rx="5.5" ry="2" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M2.5 4v8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2V4" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>`,
  network: html`<svg viewBox="0 0 16 16"><circle cx="8" cy="3.5" r="2" fill="none" stroke="currentColor" stroke-width="1.4"/><circle cx="3.5" cy="12.5" r="2" fill="none" stroke="currentColor" stroke-width="1.4"/><circle cx="12.5" cy="12.5" r="2" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M8 5.5v3M8 8.5 4.5 11M8 8.5l3.5 2.5" stroke="currentColor" stroke-width="1.4"/></svg>`,
  template: html`<svg viewBox="0 0 16 16"><rect x="3" y="2" width="10" height="12" rx="1" fill="none" stroke="currentColor" stroke-width="1.4" stroke-dasharray="2 1.5"/></svg>`,
};

export class OvcpTree extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, path: {} };

  static styles = [
    base,
    css`
      :host { display: block; padding: var(--s2) 0 var(--s5); font-size: 13.5px; }
      ul { list-style: none; margin: 0; padding: 0; }
      ul ul { padding-left: 14px; }
      a { display: flex; align-items: center; gap: var(--s2); padding: 5px var(--s3); margin: 1px var(--s2); border-radius: var(--radius); color: var(--c-text); text-decoration: none; min-height: 30px; }
      a:hover { background: #e9eef4; }
      a[aria-current='page'] { background: var(--c-accent-soft); color: var(--c-accent); font-weight: 600; }
      svg { width: 16px; height: 16px; flex: none; color: var(--c-muted); }
      a[aria-current='page'] svg { color: var(--c-accent); }
      .dot { width: 10px; height: 10px; border-radius: 50%; flex: none; margin: 0 3px; border: 1.5px solid #8c97a4; }
      .dot.running { background: #2e9e4a; border-color: #2e9e4a; }
      .dot.suspended, .dot.paused { background: #e3a008; border-color: #e3a008; }
      .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .group { padding: var(--s3) var(--s4) var(--s1); font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--c-muted); font-weight: 600; }
      .count { margin-left: auto; font-size: 11px; color: var(--c-muted); }
    `,
  ];

  link(path, icon, label, extra = nothing, testid = '') {
    const current = this.path === path || (this.path || '').startsWith(path + '/');
    return html`<a href=${path} data-testid=${testid || nothing} aria-current=${current ? 'page' : 'false'}
      @click=${(e) => this.go(e, path)}>${icon}<span class="name">${label}</span>${extra}</a>`;
  }

  go(e, path) {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    this.ctx.navigate(path);
  }

  vmItem(vm) {
    const state = String(vm.power_state || '').toLowerCase();
    return html`<li>${this.link(`/vm/${vm.uuid}`, html`<span class="dot ${state}" title=${vm.power_state}></span>`, vm.name_label || '(unnamed VM)', nothing, 'tree-vm')}</li>`;
  }

  render() {
    const cache = this.ctx.cache;
    const pool = cache.all('pool')[0];
    const hosts = cache.all('host').sort(byName);
    const vms = guestVMs(cache);
    const srs = cache.all('sr').sort(byName);
    const nets = cache.all('network').sort(byName);
    const tmpls = templates(cache);
    const hostRefs = new Set(hosts.map((h) => h.ref));
    const poolVMs = vms.filter((v) => isNull(vmHomeHost(v)) || !hostRefs.has(vmHomeHost(v)));
    return html`<nav aria-label="Resources">
      <ul>
        <li>${this.link('/pool', ICONS.pool, poolName(pool, cache), nothing, 'tree-pool')}
          <ul>
            ${hosts.map((h) => html`<li>${this.link(`/host/${h.uuid}`, ICONS.host, h.name_label || h.hostname, nothing, 'tree-host')}
              <ul>${vms.filter((v) => vmHomeHost(v) === h.ref).map((v) => this.vmItem(v))}</ul></li>`)}
            ${poolVMs.map((v) => this.vmItem(v))}
          </ul>
        </li>
      </ul>
      <div class="group">Storage</div>
      <ul>${srs.length ? srs.map((s) => html`<li>${this.link(`/sr/${s.uuid}`, ICONS.sr, s.name_label || s.type, nothing, 'tree-sr')}</li>`)
        : html`<li class="muted" style="padding: 2px 20px">No storage repositories</li>`}</ul>
      <div class="group">Networks</div>
      <ul>${nets.length ? nets.map((n) => html`<li>${this.link(`/network/${n.uuid}`, ICONS.network, n.name_label || n.bridge, nothing, 'tree-network')}</li>`)
        : html`<li class="muted" style="padding: 2px 20px">No networks</li>`}</ul>
      ${tmpls.length ? html`<div class="group">Templates</div>
        <ul>${tmpls.map((t) => html`<li>${this.link(`/vm/${t.uuid}`, ICONS.template, t.name_label, nothing, 'tree-template')}</li>`)}</ul>` : nothing}
    </nav>`;
  }
}
customElements.define('ovcp-tree', OvcpTree);
