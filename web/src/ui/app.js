// <ovcp-app>: the shell. Owns the session, the record cache, the route
// (History API paths; ovcpd serves index.html for any unknown path) and the
// toasts. States: logged out (login page) -> loading -> ready; any
// SESSION_INVALID returns to logged out with a notice. Pages get one
// context object (ctx) and the cache revision (rev) to re-render on events.
import { LitElement, html, css, nothing } from 'lit';
import { base } from './styles.js';
import { Session, XapiError } from '../api/xapi.js';
import { RecordCache } from '../api/cache.js';
import { describeError, describeCode } from '../api/errors.js';
import { can } from '../api/rbac.js';
import { poolName } from '../api/model.js';
import { taskError } from './tasks.js';
import './login.js';
import './tree.js';
import './tasks.js';
import './dialog.js';
import './pages/pool.js';
import './pages/host.js';
import './pages/vm.js';
import './pages/sr.js';
import './pages/network.js';
import './pages/wizard.js';

const STORAGE_KEY = 'ovcp.session';

// path pattern -> page template
const ROUTES = [
  [/^\/(pool)?$/, (a) => html`<ovcp-pool-page .ctx=${a.ctx} rev=${a.rev}></ovcp-pool-page>`],
  [/^\/host\/([^/]+)$/, (a, m) => html`<ovcp-host-page .ctx=${a.ctx} rev=${a.rev} uuid=${m[1]}></ovcp-host-page>`],
  [/^\/vm\/([^/]+)(?:\/([a-z]+))?$/, (a, m) => html`<ovcp-vm-page .ctx=${a.ctx} rev=${a.rev} uuid=${m[1]} tab=${m[2] || 'general'}></ovcp-vm-page>`],
  [/^\/sr\/([^/]+)$/, (a, m) => html`<ovcp-sr-page .ctx=${a.ctx} rev=${a.rev} uuid=${m[1]}></ovcp-sr-page>`],
  [/^\/network\/([^/]+)$/, (a, m) => html`<ovcp-network-page .ctx=${a.ctx} rev=${a.rev} uuid=${m[1]}></ovcp-network-page>`],
  [/^\/new-vm$/, (a) => html`<ovcp-vm-wizard .ctx=${a.ctx} rev=${a.rev}></ovcp-vm-wizard>`],
  [/^\/tasks$/, (a) => html`<div class="page-head"><h1>Tasks</h1></div><ovcp-tasks .ctx=${a.ctx} rev=${a.rev}></ovcp-tasks>`],
];

export class OvcpApp extends LitElement {
  static properties = {
    state: { state: true },
    rev: { state: true },
    path: { state: true },
    loginError: { state: true },
    loginNotice: { state: true },
    busy: { state: true },
    drawer: { state: true },
    toasts: { state: true },
    tasksOpen: { state: true },
  };

  static styles = [
    base,
    css`
      :host { display: block; height: 100vh; }
      .shell { display: grid; grid-template-rows: 52px 1fr; height: 100vh; }
      header.top { display: flex; align-items: center; gap: var(--s3); padding: 0 var(--s4); background: #17365d; color: #fff; }
      header.top .brand { display: flex; align-items: center; gap: var(--s2); font-weight: 700; letter-spacing: 0.02em; color: #fff; text-decoration: none; }
      header.top .logo { width: 28px; height: 28px; border-radius: 6px; background: #2f7fe0; display: grid; place-items: center; font-size: 12px; }
      header.top .pool { color: #c9d6e8; font-size: 13px; border-left: 1px solid #3c5a82; padding-left: var(--s3); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      header.top button { background: transparent; color: #fff; border-color: #4d6d96; }
      header.top button:hover:not(:disabled) { background: #234a7a; }
      header.top .user { font-size: 13px; color: #c9d6e8; display: flex; align-items: center; gap: var(--s2); white-space: nowrap; }
      header.top .role { background: #234a7a; border-radius: 999px; padding: 1px var(--s2); font-size: 12px; color: #fff; }
      .conn { font-size: 12px; color: #ffd27a; }
      .menu-btn { display: none; }
      .body { display: grid; grid-template-columns: 280px 1fr; min-height: 0; }
      aside { background: #fbfcfd; border-right: 1px solid var(--c-border); overflow-y: auto; }
      .aside-actions { padding: var(--s3) var(--s3) 0; }
      .aside-actions button { width: 100%; justify-content: center; }
      main { overflow: auto; display: flex; flex-direction: column; min-width: 0; }
      .page { padding: var(--s5); flex: 1; }
      .taskbar { border-top: 1px solid var(--c-border); background: var(--c-panel); }
      .taskbar > button { width: 100%; border: none; border-radius: 0; justify-content: flex-start; min-height: 36px; background: #f9fafb; font-weight: 600; }
      .taskbar .panel { padding: var(--s3) var(--s5) var(--s4); max-height: 40vh; overflow: auto; }
      .toasts { position: fixed; right: var(--s4); bottom: var(--s4); display: flex; flex-direction: column; gap: var(--s2); z-index: 50; max-width: min(420px, calc(100vw - 32px)); }
      .toast { display: flex; gap: var(--s2); align-items: flex-start; background: #fff; border: 1px solid var(--c-border); border-left: 4px solid var(--c-accent); border-radius: var(--radius); padding: var(--s3); box-shadow: 0 6px 24px rgba(16, 30, 54, 0.18); }
      .toast.error { border-left-color: var(--c-danger); }
      .toast.ok { border-left-color: var(--c-ok); }
      .toast .msg { flex: 1; }
      .toast button { min-height: 24px; padding: 0 var(--s2); }
      .loading { display: grid; place-items: center; height: 100vh; color: var(--c-muted); }
      .scrim { display: none; }
      @media (max-width: 800px) {
        .menu-btn { display: inline-flex; }
        header.top .pool, header.top .uname { display: none; }
        .body { grid-template-columns: 1fr; }
        aside { position: fixed; top: 52px; bottom: 0; left: 0; width: min(300px, 85vw); z-index: 40; transform: translateX(-100%); transition: transform 0.2s; box-shadow: 4px 0 20px rgba(0, 0, 0, 0.2); visibility: hidden; }
        aside.open { transform: none; visibility: visible; }
        .scrim.open { display: block; position: fixed; inset: 52px 0 0 0; background: rgba(16, 30, 54, 0.35); z-index: 30; }
        .page { padding: var(--s4); }
      }
    `,
  ];

  constructor() {
    super();
    this.state = 'loading';
    this.rev = 0;
    if (location.pathname === '/') history.replaceState(null, '', '/pool');
    this.path = location.pathname;
    this.toasts = [];
    this.drawer = false;
    this.tasksOpen = false;
    this.myTasks = new Map(); // task ref -> label, for toasts when they end
    this.ctx = null;
    window.addEventListener('popstate', () => {
      this.path = location.pathname;
    });
    this.onKey = (e) => {
      if (e.key === 'Escape' && this.drawer) this.drawer = false;
    };
    window.addEventListener('keydown', this.onKey);
  }

  connectedCallback() {
    super.connectedCallback();
    this.resume();
  }

  /** A reload keeps the session (tab-scoped storage) while the server still knows it. */
  async resume() {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (!saved) {
      this.state = 'login';
      return;
    }
    const { ref, user } = JSON.parse(saved);
    const s = new Session(ref, user);
    try {
      await this.enter(s);
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
      this.state = 'login';
    }
  }

  async onLogin(e) {
    const { user, password } = e.detail;
    this.busy = true;
    this.loginError = '';
    try {
      const s = await Session.login(user, password);
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ref: s.ref, user }));
      await this.enter(s);
      this.loginNotice = '';
    } catch (err) {
      this.loginError = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  async enter(session) {
    const me = await session.call('session.get_record', session.ref);
    const roles = Array.isArray(me.rbac_permissions) ? me.rbac_permissions : [];
    const cache = new RecordCache(session);
    session.onInvalid = () => this.sessionEnded();
    cache.addEventListener('change', () => {
      this.rev = cache.rev;
      this.watchTasks();
    });
    this.ctx = {
      session,
      cache,
      roles,
      user: me.auth_user_name || session.user,
      can: (cap) => can(roles, cap),
      navigate: (p) => this.navigate(p),
      notify: (text, kind) => this.notify(text, kind),
      run: (label, method, ...args) => this.run(label, method, args, true),
      call: (label, method, ...args) => this.run(label, method, args, false),
      describe: describeError,
    };
    this.state = 'ready';
    await cache.start();
  }

  sessionEnded() {
    if (this.state !== 'ready') return;
    this.teardown();
    this.loginNotice = describeCode('SESSION_INVALID');
    this.state = 'login';
  }

  teardown() {
    if (this.ctx) this.ctx.cache.stop();
    this.ctx = null;
    this.myTasks.clear();
    sessionStorage.removeItem(STORAGE_KEY);
  }

  async logout() {
    const s = this.ctx && this.ctx.session;
    this.teardown();
    this.loginNotice = 'You have logged out.';
    this.loginError = '';
    this.state = 'login';
    if (s) await s.logout();
  }

  navigate(p) {
    if (p !== location.pathname + location.search) history.pushState(null, '', p);
    this.path = new URL(p, location.href).pathname;
    this.drawer = false;
    this.updateComplete.then(() => this.renderRoot.querySelector('main')?.scrollTo(0, 0));
  }

  notify(text, kind = 'info') {
    const id = Math.random();
    this.toasts = [...this.toasts, { id, text, kind }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 12000 : 5000);
  }

  dismiss(id) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /**
   * One API call on behalf of the user. Async.* calls return a task ref:
   * remembered so that its end is announced. Errors are rethrown for the
   * caller's own display; with `toast` also shown as a toast (ctx.run), not
   * when the caller shows them in place (ctx.call).
   */
  async run(label, method, args, toast) {
    try {
      const result = await this.ctx.session.call(method, ...args);
      if (method.startsWith('Async.') && typeof result === 'string') {
        this.myTasks.set(result, label);
        this.notify(`${label}: started.`);
      }
      return result;
    } catch (e) {
      if (toast && !(e instanceof XapiError && e.code === 'SESSION_INVALID')) this.notify(`${label}: ${describeError(e)}`, 'error');
      throw e;
    }
  }

  watchTasks() {
    if (!this.ctx) return;
    for (const [ref, label] of this.myTasks) {
      const t = this.ctx.cache.get('task', ref);
      if (!t || t.status === 'pending' || t.status === 'cancelling') continue;
      this.myTasks.delete(ref);
      if (t.status === 'success') this.notify(`${label}: done.`, 'ok');
      else if (t.status === 'failure') this.notify(`${label}: ${taskError(t)}`, 'error');
      else this.notify(`${label}: ${t.status}.`);
    }
  }

  renderPage() {
    for (const [re, fn] of ROUTES) {
      const m = re.exec(this.path);
      if (m) return fn(this, m);
    }
    return html`<div class="alert warn">There is no page at ${this.path}. <a href="/pool" @click=${(e) => { e.preventDefault(); this.navigate('/pool'); }}>Go to the pool.</a></div>`;
  }

  render() {
    const toasts = html`<div class="toasts" aria-live="polite">${this.toasts.map((t) => html`<div class="toast ${t.kind}" role=${t.kind === 'error' ? 'alert' : 'status'}>
      <div class="msg">${t.text}</div><button aria-label="Dismiss" @click=${() => this.dismiss(t.id)}>✕</button></div>`)}</div>`;
    if (this.state === 'loading') return html`<div class="loading">Loading…</div>`;
    if (this.state === 'login') return html`<ovcp-login .error=${this.loginError} .notice=${this.loginNotice} ?busy=${this.busy} @login=${this.onLogin}></ovcp-login>${toasts}`;
    const ctx = this.ctx;
    const pool = ctx.cache.all('pool')[0];
    const running = ctx.cache.all('task').filter((t) => t.status === 'pending').length;
    const cacheErr = ctx.cache.lastError;
    return html`<div class="shell">
      <header class="top">
        <button class="menu-btn" aria-label="Resources" aria-expanded=${this.drawer ? 'true' : 'false'} aria-controls="tree" @click=${() => (this.drawer = !this.drawer)}>☰</button>
        <a class="brand" href="/pool" @click=${(e) => { e.preventDefault(); this.navigate('/pool'); }}><span class="logo">OV</span>OVCP</a>
        <span class="pool" data-testid="pool-name">${poolName(pool, ctx.cache)}</span>
        ${cacheErr ? html`<span class="conn" role="status">Reconnecting: ${describeError(cacheErr)}</span>` : nothing}
        <span class="spacer"></span>
        <span class="user"><span class="uname" data-testid="user-name">${ctx.user}</span>${ctx.roles.map((r) => html`<span class="role" data-testid="role">${r}</span>`)}</span>
        <button @click=${() => this.logout()}>Log out</button>
      </header>
      <div class="body">
        <aside id="tree" class=${this.drawer ? 'open' : ''} aria-label="Resource tree">
          ${ctx.can('vm.create') ? html`<div class="aside-actions"><button class="primary" @click=${() => this.navigate('/new-vm')}>+ New VM</button></div>` : nothing}
          <ovcp-tree .ctx=${ctx} rev=${this.rev} path=${this.path}></ovcp-tree>
        </aside>
        <div class="scrim ${this.drawer ? 'open' : ''}" @click=${() => (this.drawer = false)}></div>
        <main>
          <div class="page">${this.renderPage()}</div>
          <section class="taskbar" aria-label="Tasks">
            <button aria-expanded=${this.tasksOpen ? 'true' : 'false'} @click=${() => (this.tasksOpen = !this.tasksOpen)}>
              ${this.tasksOpen ? '▾' : '▸'} Tasks ${running ? html`<span class="badge pending">${running} running</span>` : nothing}
            </button>
            ${this.tasksOpen ? html`<div class="panel"><ovcp-tasks .ctx=${ctx} rev=${this.rev} limit="10"></ovcp-tasks></div>` : nothing}
          </section>
        </main>
      </div>
      ${toasts}
    </div>`;
  }
}
customElements.define('ovcp-app', OvcpApp);
