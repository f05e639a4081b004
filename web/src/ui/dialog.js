// <ovcp-dialog>: a modal on the native <dialog> (focus is trapped, the page
// behind is inert). Escape cancels, Enter in a field submits. The body and
// its fields are slotted; the dialog fires 'submit' and 'cancel'.
import { LitElement, html, css } from 'lit';
import { base } from './styles.js';

export class OvcpDialog extends LitElement {
  static properties = {
    open: { type: Boolean, reflect: true },
    heading: {},
    submitLabel: { attribute: 'submit-label' },
    danger: { type: Boolean },
    busy: { type: Boolean },
    error: {},
    wide: { type: Boolean },
  };

  static styles = [
    base,
    css`
      dialog { border: none; border-radius: 10px; padding: 0; width: min(480px, calc(100vw - 24px)); box-shadow: 0 20px 50px rgba(16, 30, 54, 0.3); color: var(--c-text); }
      :host([wide]) dialog { width: min(760px, calc(100vw - 24px)); }
      dialog::backdrop { background: rgba(16, 30, 54, 0.45); }
      header { padding: var(--s4) var(--s5) 0; }
      .body { padding: var(--s4) var(--s5); max-height: calc(100vh - 200px); overflow: auto; }
      footer { display: flex; justify-content: flex-end; gap: var(--s2); padding: var(--s3) var(--s5) var(--s4); border-top: 1px solid var(--c-border); }
      .alert { margin-top: var(--s3); }
    `,
  ];

  constructor() {
    super();
    this.open = false;
    this.submitLabel = 'OK';
    this.busy = false;
    this.error = '';
  }

  updated(changed) {
    const d = this.renderRoot.querySelector('dialog');
    if (changed.has('open')) {
      if (this.open && !d.open) {
        d.showModal();
        // Focus the first field of the slotted body, else the submit button.
        requestAnimationFrame(() => {
          const first = this.querySelector('input:not([type=hidden]),select,textarea,button');
          (first || this.renderRoot.querySelector('button.primary, button.danger'))?.focus();
        });
      } else if (!this.open && d.open) d.close();
    }
  }

  render() {
    return html`<dialog @cancel=${this.onCancel} @keydown=${this.onKey} aria-labelledby="h">
      <header><h2 id="h">${this.heading}</h2></header>
      <div class="body">
        <slot></slot>
        ${this.error ? html`<div class="alert error" role="alert">${this.error}</div>` : ''}
      </div>
      <footer>
        <button type="button" @click=${this.onCancel}>Cancel</button>
        <button type="button" class=${this.danger ? 'danger' : 'primary'} ?disabled=${this.busy} @click=${this.onSubmit}>
          ${this.busy ? 'Working…' : this.submitLabel}
        </button>
      </footer>
    </dialog>`;
  }

  onKey(e) {
    if (e.key !== 'Enter') return;
    const t = e.composedPath()[0];
    if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'BUTTON' || t.tagName === 'A')) return;
    e.preventDefault();
    this.onSubmit();
  }

  onCancel(e) {
    if (e) e.preventDefault();
    this.open = false;
    this.dispatchEvent(new CustomEvent('cancel'));
  }

  onSubmit() {
    if (this.busy) return;
    this.dispatchEvent(new CustomEvent('submit'));
  }
}
customElements.define('ovcp-dialog', OvcpDialog);
