// Bits every page uses: the base class (ctx + rev properties, navigation
// links) and small renderers shared by several pages.
import { LitElement, html } from 'lit';
import { fmtBytes } from '../../api/errors.js';
import { barClass } from '../styles.js';

export class Page extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, uuid: {} };

  link(path, label, testid) {
    return html`<a href=${path} data-testid=${testid || ''} @click=${(e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      this.ctx.navigate(path);
    }}>${label}</a>`;
  }

  vmLink(vm) {
    return this.link(`/vm/${vm.uuid}`, vm.name_label || '(unnamed VM)');
  }

  gone(kind) {
    return html`<div class="alert warn" role="status">This ${kind} does not exist (any more). It may have been deleted.
      ${this.link('/pool', 'Go to the pool.')}</div>`;
  }
}

export function powerBadge(state) {
  return html`<span class="badge ${String(state || '').toLowerCase()}" data-testid="power-state">${state || 'unknown'}</span>`;
}

export function usageBar(used, size, label) {
  const frac = size > 0 ? Math.min(1, used / size) : 0;
  const pct = Math.round(frac * 100);
  return html`<div class="stack-s">
    <div class=${barClass(frac)} role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}><div style="width:${pct}%"></div></div>
    <div class="muted" style="font-size:12px;margin-top:4px">${size > 0 ? `${fmtBytes(used)} of ${fmtBytes(size)} used (${pct}%)` : 'Size not reported'}</div>
  </div>`;
}

/** Value of a form field inside a component's render root. */
export function fieldValue(root, name) {
  const el = root.querySelector(`[name="${name}"]`);
  return el ? el.value : '';
}
