// <ovcp-sr-page>: one storage repository: usage bar, its disks (VDIs) and
// which VMs use them, disk upload (VDI.create + PUT /import_raw_vdi) and
// download (GET /export_raw_vdi) with progress, resize and delete.
import { html, css, nothing } from 'lit';
import { Page, usageBar } from './common.js';
import { base } from '../styles.js';
import { srUsage, byName } from '../../api/model.js';
import { fmtBytes, describeError } from '../../api/errors.js';
import { uploadVdi, downloadVdi, imageVirtualSize, saveBlob } from '../../api/transfer.js';
import '../dialog.js';

export class SrPage extends Page {
  static properties = { ...Page.properties, transfers: { state: true }, dlg: { state: true }, dlgError: { state: true }, dlgBusy: { state: true } };
  static styles = [base, css`.tr { display: grid; grid-template-columns: 1fr 200px 48px; gap: var(--s3); align-items: center; }`];

  constructor() {
    super();
    this.transfers = [];
    this.dlg = null;
  }

  setTransfer(id, patch) {
    this.transfers = this.transfers.map((t) => (t.id === id ? { ...t, ...patch } : t));
  }

  async upload(sr) {
    const f = this.renderRoot.querySelector('input[name=file]').files[0];
    const name = this.renderRoot.querySelector('input[name=vdiname]').value || (f && f.name);
    if (!f) {
      this.dlgError = 'Choose an image file.';
      return;
    }
    this.dlgBusy = true;
    const { format, size } = await imageVirtualSize(f);
    let vdi;
    try {
      vdi = await this.ctx.call(`Create disk ${name}`, 'VDI.create', {
        name_label: name, name_description: `Uploaded from ${f.name}`, SR: sr.ref, virtual_size: size, type: 'user',
        sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [],
      });
    } catch (e) {
      this.dlgBusy = false;
      this.dlgError = describeError(e);
      return;
    }
    this.dlg = null;
    this.dlgBusy = false;
    const id = Math.random();
    this.transfers = [...this.transfers, { id, label: `Upload ${f.name} (${format})`, frac: 0 }];
    try {
      await uploadVdi(this.ctx.session, vdi, f, format, (frac) => this.setTransfer(id, { frac }));
      this.setTransfer(id, { frac: 1, done: 'Uploaded.' });
    } catch (e) {
      this.setTransfer(id, { error: describeError(e) });
    }
  }

  async download(vdi) {
    const id = Math.random();
    this.transfers = [...this.transfers, { id, label: `Download ${vdi.name_label}`, frac: 0 }];
    try {
      const blob = await downloadVdi(this.ctx.session, vdi.ref, 'raw', Number(vdi.virtual_size), (frac) => this.setTransfer(id, { frac }));
      saveBlob(blob, `${vdi.name_label || vdi.uuid}.raw`);
      this.setTransfer(id, { frac: 1, done: 'Downloaded.' });
    } catch (e) {
      this.setTransfer(id, { error: describeError(e) });
    }
  }

  async resize(vdi) {
    const gib = Number(this.renderRoot.querySelector('input[name=size]').value);
    if (!(gib > 0)) {
      this.dlgError = 'Give the new size in GiB.';
      return;
    }
    this.dlgBusy = true;
    try {
      await this.ctx.call(`Resize ${vdi.name_label}`, 'Async.VDI.resize', vdi.ref, Math.round(gib * 1024 ** 3));
      this.dlg = null;
    } catch (e) {
      this.dlgError = describeError(e);
    }
    this.dlgBusy = false;
  }

  async destroy(vdi) {
    this.dlgBusy = true;
    try {
      await this.ctx.call(`Delete ${vdi.name_label}`, 'Async.VDI.destroy', vdi.ref);
      this.dlg = null;
    } catch (e) {
      this.dlgError = describeError(e);
    }
    this.dlgBusy = false;
  }

  open(kind, vdi) {
    this.dlg = { kind, vdi };
    this.dlgError = '';
    this.dlgBusy = false;
  }

  renderDialog(sr) {
    if (!this.dlg) return nothing;
    const { kind, vdi } = this.dlg;
    const close = () => (this.dlg = null);
    if (kind === 'upload')
      return html`<ovcp-dialog open heading="Upload a disk image" submit-label="Upload" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${close} @submit=${() => this.upload(sr)}>
        <label class="field"><span>Image file (raw or qcow2)</span><input type="file" name="file" /></label>
        <label class="field" style="margin-top:var(--s3)"><span>Disk name</span><input name="vdiname" placeholder="the file's name" /></label>
        <p class="hint">A new disk of the image's virtual size is created on ${sr.name_label}, then the image is sent to it.</p></ovcp-dialog>`;
    if (kind === 'resize')
      return html`<ovcp-dialog open heading="Resize ${vdi.name_label}" submit-label="Resize" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${close} @submit=${() => this.resize(vdi)}>
        <label class="field"><span>New size (GiB)</span><input name="size" type="number" min="0" step="0.5" .value=${String(Math.ceil(vdi.virtual_size / 1024 ** 3))} /></label>
        <p class="hint">Disks can only grow. Now ${fmtBytes(vdi.virtual_size)}.</p></ovcp-dialog>`;
    return html`<ovcp-dialog open danger heading="Delete ${vdi.name_label}?" submit-label="Delete" .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${close} @submit=${() => this.destroy(vdi)}>
      <p>The disk and its data are deleted. This cannot be undone.</p></ovcp-dialog>`;
  }

  render() {
    const c = this.ctx.cache;
    const sr = c.findByUuid('sr', this.uuid);
    if (!sr) return this.gone('storage repository');
    const u = srUsage(sr);
    const vdis = c.all('vdi').filter((v) => v.SR === sr.ref).sort(byName);
    const canEdit = this.ctx.can('vm.disks');
    const canXfer = this.ctx.can('storage.transfer');
    return html`
      <div class="page-head"><div><div class="kind">Storage repository</div><h1 data-testid="page-title">${sr.name_label}</h1></div>
        <span class="spacer"></span>${canXfer ? html`<button class="primary" @click=${() => this.open('upload')}>Upload disk image…</button>` : nothing}</div>
      <div class="stack">
        <div class="cards">
          <section class="card"><h2>Usage</h2>${usageBar(u.used, u.size, `Usage of ${sr.name_label}`)}
            <dl class="props" style="margin-top:var(--s3)"><dt>Allocated to disks</dt><dd>${fmtBytes(sr.virtual_allocation)}</dd></dl></section>
          <section class="card"><h2>General</h2><dl class="props">
            <dt>Type</dt><dd>${sr.type}</dd><dt>Content</dt><dd>${sr.content_type || '—'}</dd><dt>Shared</dt><dd>${sr.shared ? 'yes' : 'no'}</dd>
            <dt>Description</dt><dd>${sr.name_description || '—'}</dd><dt>UUID</dt><dd class="mono">${sr.uuid}</dd></dl></section>
        </div>
        ${this.transfers.length ? html`<section class="card"><h2>Transfers</h2>${this.transfers.map((t) => html`<div class="tr" data-testid="transfer">
          <div>${t.label}${t.error ? html`<div class="alert error" role="alert">${t.error}</div>` : t.done ? html` <span class="badge success">${t.done}</span>` : nothing}</div>
          <div class="bar" role="progressbar" aria-label=${t.label} aria-valuenow=${Math.round((t.frac || 0) * 100)}><div style="width:${Math.round((t.frac || 0) * 100)}%"></div></div>
          <div class="muted">${t.frac === null ? '…' : `${Math.round((t.frac || 0) * 100)}%`}</div></div>`)}</section>` : nothing}
        <section class="card"><h2>Disks</h2>
          ${vdis.length ? html`<div class="table-wrap"><table class="list"><thead><tr><th>Name</th><th>Size</th><th>Used</th><th>Used by</th><th></th></tr></thead>
          <tbody>${vdis.map((v) => {
            const users = (v.VBDs || []).map((b) => c.get('vbd', b)).filter(Boolean).map((b) => c.get('vm', b.VM)).filter(Boolean);
            return html`<tr data-testid="vdi-row"><td>${v.name_label}<div class="muted" style="font-size:12px">${v.name_description}</div></td>
              <td>${fmtBytes(v.virtual_size)}</td><td>${fmtBytes(v.physical_utilisation)}</td>
              <td>${users.length ? users.map((vm, i) => html`${i ? ', ' : ''}${this.vmLink(vm)}`) : html`<span class="muted">—</span>`}</td>
              <td><div class="toolbar" style="justify-content:flex-end">
                ${canXfer ? html`<button @click=${() => this.download(v)}>Download</button>` : nothing}
                ${canEdit ? html`<button @click=${() => this.open('resize', v)}>Resize…</button><button class="danger" @click=${() => this.open('delete', v)}>Delete…</button>` : nothing}
              </div></td></tr>`;
          })}</tbody></table></div>` : html`<div class="empty">No disks on this storage repository.</div>`}
        </section>
      </div>${this.renderDialog(sr)}`;
  }
}
customElements.define('ovcp-sr-page', SrPage);
