// Base of the VM tabs: the VM from the cache, a dialog slot with busy and
// error state, and `attempt` to run a call and keep its error in words.
import { LitElement } from 'lit';
import { describeError } from '../../api/errors.js';

export class VmTab extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, vmref: {}, dlg: { state: true }, dlgError: { state: true }, dlgBusy: { state: true }, error: { state: true } };

  /** The VM record with its ref (cache records carry no ref of their own). */
  get vm() {
    const rec = this.ctx.cache.get('vm', this.vmref);
    return rec ? { ref: this.vmref, ...rec } : undefined;
  }

  open(kind, obj) {
    this.dlg = { kind, obj };
    this.dlgError = '';
    this.dlgBusy = false;
  }

  close() {
    this.dlg = null;
  }

  /** Runs steps (async fn); closes the dialog on success, shows words on failure. */
  async attempt(fn) {
    this.dlgBusy = true;
    this.dlgError = '';
    try {
      await fn();
      this.dlg = null;
    } catch (e) {
      this.dlgError = describeError(e);
      if (!this.dlg) this.error = this.dlgError;
    } finally {
      this.dlgBusy = false;
    }
  }

  value(name) {
    const el = this.renderRoot.querySelector(`[name="${name}"]`);
    return el ? el.value : '';
  }
}

/** The lowest device number not used yet ("0", "1", ...). */
export function nextDevice(used, allowed) {
  const set = new Set(used.map(String));
  const list = Array.isArray(allowed) && allowed.length ? allowed : Array.from({ length: 16 }, (_, i) => String(i));
  return list.find((d) => !set.has(String(d))) ?? String(used.length);
}
