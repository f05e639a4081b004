// <ovcp-vm-disks>: the VM's disks and CD drives (VBDs): add a new disk
// (VDI.create on an SR + VBD.create), attach an existing one (VBD.create),
// resize (VDI.resize), plug/unplug while running (VBD.plug/unplug), detach
// (VBD.destroy), and insert/eject for CD drives.
import { html, css, nothing } from 'lit';
import { VmTab, nextDevice } from './tab.js';
import { base } from '../styles.js';
import { fmtBytes } from '../../api/errors.js';
import { byName, isNull } from '../../api/model.js';
import '../dialog.js';

const GiB = 1024 ** 3;

export class VmDisks extends VmTab {
  static styles = [base, css`.toolbar { margin-bottom: var(--s3); }`];

  srs() {
    return this.ctx.cache.all('sr').filter((s) => s.content_type !== 'iso').sort(byName);
  }

  async addDisk() {
    const vm = this.vm;
    const size = Number(this.value('size'));
    const sr = this.value('sr');
    if (!(size > 0)) throw new Error('Give the size in GiB.');
    const used = vm.VBDs.map((b) => this.ctx.cache.get('vbd', b)?.userdevice).filter(Boolean);
    const vdi = await this.ctx.call('Create disk', 'VDI.create', {
      name_label: this.value('name') || `${vm.name_label} disk`, name_description: `Disk of ${vm.name_label}`, SR: sr,
      virtual_size: Math.round(size * GiB), type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [],
    });
    const vbd = await this.ctx.call('Attach disk', 'VBD.create', {
      VM: vm.ref, VDI: vdi, userdevice: nextDevice(used, vm.allowed_VBD_devices), bootable: used.length === 0, mode: 'RW', type: 'Disk',
      empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, unpluggable: true,
    });
    if (vm.power_state === 'Running') await this.ctx.call('Plug disk', 'Async.VBD.plug', vbd);
  }

  async attachDisk() {
    const vm = this.vm;
    const used = vm.VBDs.map((b) => this.ctx.cache.get('vbd', b)?.userdevice).filter(Boolean);
    const vdi = this.value('vdi');
    if (!vdi) throw new Error('Choose a disk.');
    const vbd = await this.ctx.call('Attach disk', 'VBD.create', {
      VM: vm.ref, VDI: vdi, userdevice: nextDevice(used, vm.allowed_VBD_devices), bootable: false, mode: this.value('mode') || 'RW', type: 'Disk',
      empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, unpluggable: true,
    });
    if (vm.power_state === 'Running') await this.ctx.call('Plug disk', 'Async.VBD.plug', vbd);
  }

  renderDialog() {
    if (!this.dlg) return nothing;
    const c = this.ctx.cache;
    const { kind, obj } = this.dlg;
    const common = { error: this.dlgError, busy: this.dlgBusy };
    if (kind === 'add') {
      const srs = this.srs();
      return html`<ovcp-dialog open heading="Add a disk" submit-label="Add disk" .error=${common.error} ?busy=${common.busy} @cancel=${() => this.close()} @submit=${() => this.attempt(() => this.addDisk())}>
        <div class="stack">
          <label class="field"><span>Name</span><input name="name" .value=${`${this.vm.name_label} disk`} /></label>
          <label class="field"><span>Size (GiB)</span><input name="size" type="number" min="1" step="1" value="8" /></label>
          <label class="field"><span>Storage repository</span>${srs.length ? html`<select name="sr">${srs.map((s) => html`<option value=${s.ref}>${s.name_label} (${fmtBytes(s.physical_size - s.physical_utilisation)} free)</option>`)}</select>`
            : html`<div class="alert warn">There is no storage repository to create the disk on.</div>`}</label>
        </div></ovcp-dialog>`;
    }
    if (kind === 'attach') {
      const free = c.all('vdi').filter((v) => !(v.VBDs || []).length && !v.is_a_snapshot).sort(byName);
      return html`<ovcp-dialog open heading="Attach an existing disk" submit-label="Attach" .error=${common.error} ?busy=${common.busy} @cancel=${() => this.close()} @submit=${() => this.attempt(() => this.attachDisk())}>
        <div class="stack">${free.length ? html`<label class="field"><span>Disk</span><select name="vdi">${free.map((v) => html`<option value=${v.ref}>${v.name_label} — ${fmtBytes(v.virtual_size)} on ${c.get('sr', v.SR)?.name_label || '?'}</option>`)}</select></label>
          <label class="field"><span>Mode</span><select name="mode"><option value="RW">read/write</option><option value="RO">read-only</option></select></label>`
          : html`<div class="alert info">There is no unattached disk.</div>`}</div></ovcp-dialog>`;
    }
    if (kind === 'resize') {
      const vdi = obj;
      return html`<ovcp-dialog open heading="Resize ${vdi.name_label}" submit-label="Resize" .error=${common.error} ?busy=${common.busy} @cancel=${() => this.close()}
        @submit=${() => this.attempt(async () => {
          const gib = Number(this.value('size'));
          if (!(gib * GiB > vdi.virtual_size)) throw new Error(`The new size must be larger than ${fmtBytes(vdi.virtual_size)}.`);
          await this.ctx.call(`Resize ${vdi.name_label}`, 'Async.VDI.resize', vdi.ref, Math.round(gib * GiB));
        })}>
        <label class="field"><span>New size (GiB)</span><input name="size" type="number" min="1" step="1" .value=${String(Math.ceil(vdi.virtual_size / GiB) + 1)} /></label>
        <p class="hint">Now ${fmtBytes(vdi.virtual_size)}. Disks only grow; the guest must extend its file system itself.</p></ovcp-dialog>`;
    }
    if (kind === 'insert') {
      const isos = c.all('vdi').filter((v) => c.get('sr', v.SR)?.content_type === 'iso' || /\.iso$/i.test(v.name_label)).sort(byName);
      return html`<ovcp-dialog open heading="Insert an ISO image" submit-label="Insert" .error=${common.error} ?busy=${common.busy} @cancel=${() => this.close()}
        @submit=${() => this.attempt(() => this.ctx.call('Insert ISO', 'Async.VBD.insert', obj.ref, this.value('iso')))}>
        ${isos.length ? html`<label class="field"><span>ISO image</span><select name="iso">${isos.map((v) => html`<option value=${v.ref}>${v.name_label}</option>`)}</select></label>`
          : html`<div class="alert info">No ISO image is available. Upload one to a storage repository first.</div>`}</ovcp-dialog>`;
    }
    // detach
    return html`<ovcp-dialog open danger heading="Detach ${obj.label}?" submit-label="Detach" .error=${common.error} ?busy=${common.busy} @cancel=${() => this.close()}
      @submit=${() => this.attempt(() => this.ctx.call('Detach disk', 'VBD.destroy', obj.vbd.ref))}>
      <p>The disk stays on its storage repository and can be attached again.</p></ovcp-dialog>`;
  }

  render() {
    const vm = this.vm;
    if (!vm) return nothing;
    const c = this.ctx.cache;
    const can = this.ctx.can('vm.disks');
    const running = vm.power_state === 'Running';
    const vbds = (vm.VBDs || []).map((r) => ({ ref: r, ...c.get('vbd', r) })).filter((b) => b.uuid)
      .sort((a, b) => String(a.userdevice).localeCompare(String(b.userdevice), undefined, { numeric: true }));
    return html`
      ${can ? html`<div class="toolbar"><button class="primary" @click=${() => this.open('add')}>Add disk…</button><button @click=${() => this.open('attach')}>Attach existing…</button></div>` : nothing}
      ${this.error ? html`<div class="alert error" role="alert">${this.error}</div>` : nothing}
      ${vbds.length ? html`<div class="table-wrap"><table class="list" aria-label="Disks"><thead><tr><th>Device</th><th>Disk</th><th>Size</th><th>Storage</th><th>Mode</th><th>Attached</th><th></th></tr></thead>
        <tbody>${vbds.map((b) => {
          const vdi = isNull(b.VDI) ? null : c.get('vdi', b.VDI);
          const sr = vdi && c.get('sr', vdi.SR);
          const label = b.type === 'CD' ? `CD drive ${b.userdevice}` : vdi ? vdi.name_label : `device ${b.userdevice}`;
          return html`<tr data-testid="vbd-row">
            <td>${b.userdevice}${b.bootable ? html` <span class="badge plain pending">boot</span>` : nothing}</td>
            <td>${b.type === 'CD' ? html`<span class="muted">CD:</span> ${b.empty ? html`<span class="muted">empty</span>` : vdi?.name_label}` : vdi?.name_label || '—'}</td>
            <td>${vdi ? fmtBytes(vdi.virtual_size) : '—'}</td><td>${sr ? sr.name_label : '—'}</td><td>${b.mode}</td>
            <td>${b.currently_attached ? 'yes' : 'no'}</td>
            <td>${can ? html`<div class="toolbar" style="justify-content:flex-end;margin:0">
              ${b.type === 'CD' ? (b.empty ? html`<button @click=${() => this.open('insert', b)}>Insert ISO…</button>` : html`<button @click=${() => this.ctx.run('Eject', 'Async.VBD.eject', b.ref).catch(() => {})}>Eject</button>`) : nothing}
              ${vdi && b.type !== 'CD' ? html`<button @click=${() => this.open('resize', { ref: b.VDI, ...vdi })}>Resize…</button>` : nothing}
              ${running && b.currently_attached ? html`<button @click=${() => this.ctx.run('Unplug disk', 'Async.VBD.unplug', b.ref).catch(() => {})}>Unplug</button>` : nothing}
              ${running && !b.currently_attached ? html`<button @click=${() => this.ctx.run('Plug disk', 'Async.VBD.plug', b.ref).catch(() => {})}>Plug</button>` : nothing}
              ${!b.currently_attached ? html`<button class="danger" @click=${() => this.open('detach', { vbd: b, label })}>Detach…</button>` : nothing}
            </div>` : nothing}</td></tr>`;
        })}</tbody></table></div>` : html`<div class="table-wrap"><div class="empty">This VM has no disks.</div></div>`}
      ${this.renderDialog()}`;
  }
}
customElements.define('ovcp-vm-disks', VmDisks);
