// <ovcp-login>: the login form. Fires 'login' with {user, password}; the app
// does the call and sets `error` (words) or `busy`.
import { LitElement, html, css } from 'lit';
import { base } from './styles.js';

export class OvcpLogin extends LitElement {
  static properties = { error: {}, notice: {}, busy: { type: Boolean } };

  static styles = [
    base,
    css`
      :host { display: grid; place-items: center; min-height: 100vh; padding: var(--s4); background: linear-gradient(160deg, #17365d 0%, #1f5fa8 55%, #f4f6f9 55.1%); }
      form { width: min(380px, 100%); background: var(--c-panel); border-radius: 10px; padding: var(--s6) var(--s5); box-shadow: 0 12px 40px rgba(16, 30, 54, 0.25); }
      .brand { display: flex; align-items: center; gap: var(--s3); margin-bottom: var(--s5); }
      .logo { width: 40px; height: 40px; border-radius: 8px; background: var(--c-accent); display: grid; place-items: center; color: #fff; font-weight: 700; }
      .brand h1 { font-size: 20px; }
      .brand p { margin: 0; color: var(--c-muted); font-size: 13px; }
      label.field { margin-bottom: var(--s4); }
      button.primary { width: 100%; justify-content: center; min-height: 38px; margin-top: var(--s2); }
      .alert { margin-bottom: var(--s4); }
    `,
  ];

  render() {
    return html`<form @submit=${this.onSubmit} aria-labelledby="title">
      <div class="brand">
        <div class="logo" aria-hidden="true">OV</div>
        <div><h1 id="title">OVCP</h1><p>Virtualization management</p></div>
      </div>
      ${this.notice ? html`<div class="alert info" role="status">${this.notice}</div>` : ''}
      ${this.error ? html`<div class="alert error" role="alert" id="login-error">${this.error}</div>` : ''}
      <label class="field"><span>User name</span>
        <input name="user" autocomplete="username" value="root" required />
      </label>
      <label class="field"><span>Password</span>
        <input name="password" type="password" autocomplete="current-password" autofocus />
      </label>
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
    </form>`;
  }

  firstUpdated() {
    this.renderRoot.querySelector('input[name=password]').focus();
  }

  onSubmit(e) {
    e.preventDefault();
    const f = new FormData(e.target);
    this.dispatchEvent(new CustomEvent('login', { detail: { user: f.get('user'), password: f.get('password') } }));
  }
}
customElements.define('ovcp-login', OvcpLogin);
