// <ovcp-vm-snapshots>: take (Async.VM.snapshot), revert to (Async.VM.revert)
// and delete (VM.destroy of the snapshot) snapshots of a VM.
import { html, css, nothing } from 'lit';
import { VmTab } from './tab.js';
import { base } from '../styles.js';
import { snapshotsOf, fmtTime } from '../../api/model.js';
import '../dialog.js';

export class VmSnapshots extends VmTab {
  static styles = [base, css`.toolbar { margin-bottom: var(--s3); }`];

  renderDialog() {
    if (!this.dlg) return nothing;
    const vm = this.vm;
    const { kind, obj } = this.dlg;
    if (kind === 'take')
      return html`<ovcp-dialog open heading="Take a snapshot" submit-label="Take snapshot" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${() => this.close()}
        @submit=${() => this.attempt(() => this.ctx.call(`Snapshot ${vm.name_label}`, 'Async.VM.snapshot', vm.ref, this.value('name') || `${vm.name_label} snapshot`))}>
        <label class="field"><span>Snapshot name</span><input name="name" .value=${`${vm.name_label} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`} /></label></ovcp-dialog>`;
    if (kind === 'revert')
      return html`<ovcp-dialog open danger heading="Revert to ${obj.name_label}?" submit-label="Revert" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${() => this.close()}
        @submit=${() => this.attempt(() => this.ctx.call(`Revert ${vm.name_label}`, 'Async.VM.revert', obj.ref))}>
        <p>The VM's disks and settings go back to the state of ${fmtTime(obj.snapshot_time)}. Changes since then are lost.</p></ovcp-dialog>`;
    return html`<ovcp-dialog open danger heading="Delete snapshot ${obj.name_label}?" submit-label="Delete" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${() => this.close()}
      @submit=${() => this.attempt(() => this.ctx.call(`Delete snapshot ${obj.name_label}`, 'VM.destroy', obj.ref))}>
      <p>The snapshot is deleted. The VM itself is not changed.</p></ovcp-dialog>`;
  }

  render() {
    const vm = this.vm;
    if (!vm) return nothing;
    const can = this.ctx.can('vm.snapshots');
    const snaps = snapshotsOf(this.ctx.cache, vm.ref);
    return html`
      ${can ? html`<div class="toolbar"><button class="primary" @click=${() => this.open('take')}>Take snapshot…</button></div>` : nothing}
      ${snaps.length ? html`<div class="table-wrap"><table class="list" aria-label="Snapshots"><thead><tr><th>Name</th><th>Taken</th><th>Description</th><th></th></tr></thead>
        <tbody>${snaps.map((s) => html`<tr data-testid="snapshot-row"><td>${s.name_label}</td><td>${fmtTime(s.snapshot_time)}</td><td class="muted">${s.name_description || '—'}</td>
          <td>${can ? html`<div class="toolbar" style="justify-content:flex-end;margin:0"><button @click=${() => this.open('revert', s)}>Revert…</button><button class="danger" @click=${() => this.open('delete', s)}>Delete…</button></div>` : nothing}</td></tr>`)}</tbody></table></div>`
        : html`<div class="table-wrap"><div class="empty">No snapshots.</div></div>`}
      ${this.renderDialog()}`;
  }
}
customElements.define('ovcp-vm-snapshots', VmSnapshots);
