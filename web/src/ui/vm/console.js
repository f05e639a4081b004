// <ovcp-vm-console>: the VM's consoles over WebSockets on the same origin.
// Graphical: the console record of protocol "rfb"; its `location` URL's path
// and query are opened as ws(s)://<this origin><path>?<query>&session_id=...
// and spoken to by noVNC (subprotocol "binary"). Serial: the console of
// protocol "vt100", same URL rule, raw bytes both ways (binary frames),
// shown in xterm.js. Both libraries load only when the tab is opened.
// States shown in words: no console record, VM not running, connecting,
// connected, disconnected (with the reason).
import { LitElement, html, css, nothing, unsafeCSS } from 'lit';
import { base } from '../styles.js';
import xtermCss from '@xterm/xterm/css/xterm.css?inline';

/** A running or paused VM has a QEMU, hence consoles (a paused guest shows its last screen, and its boot once unpaused). */
const hasQemu = (vm) => vm.power_state === 'Running' || vm.power_state === 'Paused';

/** The WebSocket URL for a console record. */
export function consoleSocketUrl(consoleRec, sessionRef) {
  const u = new URL(consoleRec.location, window.location.href);
  u.searchParams.set('session_id', sessionRef);
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}${u.pathname}${u.search}`;
}

// Latin-1 characters are their own X keysyms; these need names.
const KEYSYMS = { '\n': 0xff0d, '\r': 0xff0d, '\t': 0xff09, '\b': 0xff08 };

export class VmConsole extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, vmref: {}, mode: { state: true }, status: { state: true }, detail: { state: true } };

  static styles = [
    base,
    unsafeCSS(xtermCss),
    css`
      .toolbar { margin-bottom: var(--s3); }
      .screen { background: #111; border-radius: var(--radius); min-height: 420px; height: min(70vh, 720px); overflow: hidden; position: relative; }
      .screen.term { padding: var(--s2); height: min(60vh, 560px); }
      .status { font-size: 13px; }
      textarea { min-height: 60px; font-family: var(--font-mono); }
      .paste { margin-top: var(--s3); display: grid; gap: var(--s2); }
      [role='radiogroup'] button[aria-checked='true'] { background: var(--c-accent-soft); border-color: var(--c-accent); color: var(--c-accent); }
    `,
  ];

  constructor() {
    super();
    this.mode = 'vnc';
    this.status = 'idle';
    this.detail = '';
    this.rfb = null;
    this.ws = null;
    this.term = null;
    this.connectedTo = '';
  }

  get vm() {
    const rec = this.ctx.cache.get('vm', this.vmref);
    return rec ? { ref: this.vmref, ...rec } : undefined;
  }

  consoles() {
    const vm = this.vm;
    const recs = (vm?.consoles || []).map((r) => ({ ref: r, ...this.ctx.cache.get('console', r) })).filter((c) => c.uuid);
    return { rfb: recs.find((c) => c.protocol === 'rfb'), vt100: recs.find((c) => c.protocol === 'vt100') };
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.teardown();
  }

  teardown() {
    if (this.rfb) {
      try { this.rfb.disconnect(); } catch { /* already closed */ }
      this.rfb = null;
    }
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
    }
    if (this.term) {
      this.term.dispose();
      this.term = null;
    }
    this.connectedTo = '';
  }

  setMode(m) {
    if (m === this.mode) return;
    this.teardown();
    this.mode = m;
    this.status = 'idle';
  }

  async connectVnc(rec) {
    const key = `vnc:${rec.ref}`;
    if (this.connectedTo === key) return;
    this.teardown();
    this.connectedTo = key;
    this.status = 'connecting';
    this.detail = '';
    const { default: RFB } = await import('@novnc/novnc');
    const target = this.renderRoot.querySelector('.screen');
    if (!target || this.connectedTo !== key) return;
    try {
      const rfb = new RFB(target, consoleSocketUrl(rec, this.ctx.session.ref), { shared: true });
      rfb.scaleViewport = true;
      rfb.resizeSession = false;
      rfb.focusOnClick = true;
      // Events of a connection torn down (switching to serial, leaving the tab) arrive later: ignore them.
      rfb.addEventListener('connect', () => { if (this.rfb !== rfb) return; this.status = 'connected'; rfb.focus(); });
      rfb.addEventListener('disconnect', (e) => {
        if (this.rfb !== rfb) return;
        this.status = 'disconnected';
        this.detail = e.detail.clean ? 'The console connection was closed.' : 'The console connection failed or was lost (the server may not offer consoles yet).';
        this.connectedTo = '';
        this.rfb = null;
      });
      rfb.addEventListener('securityfailure', (e) => { if (this.rfb === rfb) this.detail = `The console refused the connection: ${e.detail.reason || e.detail.status}.`; });
      this.rfb = rfb;
    } catch (e) {
      this.status = 'disconnected';
      this.detail = `Cannot open the console: ${e.message}`;
      this.connectedTo = '';
    }
  }

  async connectSerial(rec) {
    const key = `vt100:${rec.ref}`;
    if (this.connectedTo === key) return;
    this.teardown();
    this.connectedTo = key;
    this.status = 'connecting';
    this.detail = '';
    const { Terminal } = await import('@xterm/xterm');
    const target = this.renderRoot.querySelector('.screen');
    if (!target || this.connectedTo !== key) return;
    const term = new Terminal({ convertEol: false, cursorBlink: true, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', fontSize: 14, scrollback: 5000 });
    term.open(target);
    this.term = term;
    const ws = new WebSocket(consoleSocketUrl(rec, this.ctx.session.ref), ['binary']);
    ws.binaryType = 'arraybuffer';
    const enc = new TextEncoder();
    ws.onopen = () => { if (this.ws !== ws) return; this.status = 'connected'; term.focus(); };
    ws.onmessage = (e) => term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.status = 'disconnected';
      this.detail = e.code === 1000 ? 'The console connection was closed.' : `The console connection failed or was lost (code ${e.code}${e.reason ? ': ' + e.reason : ''}).`;
      this.connectedTo = '';
      this.ws = null;
    };
    term.onData((d) => ws.readyState === WebSocket.OPEN && ws.send(enc.encode(d)));
    this.ws = ws;
  }

  sendCtrlAltDel() {
    if (this.rfb) this.rfb.sendCtrlAltDel();
  }

  /** Paste: types the text as key presses (what QEMU's VNC server takes) and sets the clipboard. */
  paste() {
    const ta = this.renderRoot.querySelector('textarea[name=paste]');
    const text = ta.value;
    if (!text) return;
    if (this.mode === 'vnc' && this.rfb) {
      this.rfb.clipboardPasteFrom(text);
      for (const ch of text) {
        const sym = KEYSYMS[ch] ?? (ch.codePointAt(0) < 0x100 ? ch.codePointAt(0) : 0x1000000 + ch.codePointAt(0));
        this.rfb.sendKey(sym, null);
      }
    } else if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(new TextEncoder().encode(text));
    }
    ta.value = '';
  }

  updated() {
    const vm = this.vm;
    if (!vm || !hasQemu(vm)) {
      if (this.connectedTo) this.teardown();
      return;
    }
    const cons = this.consoles();
    const rec = this.mode === 'vnc' ? cons.rfb : cons.vt100;
    if (rec && this.status !== 'disconnected') (this.mode === 'vnc' ? this.connectVnc(rec) : this.connectSerial(rec));
  }

  reconnect() {
    this.teardown();
    this.status = 'idle';
  }

  render() {
    const vm = this.vm;
    if (!vm) return nothing;
    if (!this.ctx.can('vm.console')) return html`<div class="alert info">Your role does not include the VM console.</div>`;
    const cons = this.consoles();
    const rec = this.mode === 'vnc' ? cons.rfb : cons.vt100;
    const running = hasQemu(vm);
    const statusText = { idle: '', connecting: 'Connecting…', connected: 'Connected', disconnected: 'Disconnected' }[this.status];
    return html`
      <div class="toolbar">
        <div class="row" role="radiogroup" aria-label="Console type">
          <button role="radio" aria-checked=${this.mode === 'vnc' ? 'true' : 'false'} @click=${() => this.setMode('vnc')}>Graphical (VNC)</button>
          <button role="radio" aria-checked=${this.mode === 'serial' ? 'true' : 'false'} @click=${() => this.setMode('serial')}>Serial</button>
        </div>
        <span class="spacer"></span>
        ${this.mode === 'vnc' ? html`<button ?disabled=${this.status !== 'connected'} @click=${() => this.sendCtrlAltDel()}>Send Ctrl-Alt-Del</button>` : nothing}
        ${this.status === 'disconnected' ? html`<button @click=${() => this.reconnect()}>Reconnect</button>` : nothing}
        <span class="status" data-testid="console-status" data-state=${this.status}>${statusText}</span>
      </div>
      ${!running ? html`<div class="alert info" data-testid="console-message">The console is available while the VM is running (or paused). It is ${String(vm.power_state).toLowerCase()} now.</div>`
        : !rec ? html`<div class="alert info" data-testid="console-message">This VM has no ${this.mode === 'vnc' ? 'graphical (rfb)' : 'serial (vt100)'} console record.</div>`
        : html`${this.detail ? html`<div class="alert warn" role="status" style="margin-bottom:var(--s3)">${this.detail}</div>` : nothing}
          <div class="screen ${this.mode === 'serial' ? 'term' : ''}" data-testid="console-screen"></div>
          <div class="paste"><label class="field"><span>Paste text into the console</span><textarea name="paste" placeholder="Text to type into the VM"></textarea></label>
            <div><button @click=${() => this.paste()} ?disabled=${this.status !== 'connected'}>Paste</button></div></div>`}`;
  }
}
customElements.define('ovcp-vm-console', VmConsole);
