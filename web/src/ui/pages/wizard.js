// <ovcp-vm-wizard>: create a VM in four steps. Sources:
//  - template: VM.clone(template, name) (a template, as in xapi) -> VM.provision (its disks; makes it a VM)
//  - kernel:   VM.create with PV_kernel / PV_ramdisk / PV_args
//  - ISO:      VM.create booting from CD (HVM_boot_params order "dc") + a CD VBD
// then vCPUs/memory, a new disk (VDI.create + VBD.create) and a NIC
// (VIF.create). Every step is a real call; the first failure stops the
// wizard and is shown in words, with what was already created.
import { html, css, nothing } from 'lit';
import { Page } from './common.js';
import { base } from '../styles.js';
import { templates, byName } from '../../api/model.js';
import { fmtBytes, describeError } from '../../api/errors.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const STEPS = ['Source', 'Name and resources', 'Storage and network', 'Review'];

/** A complete VM record for VM.create: every RW field without a default. */
export function vmRecord(o) {
  const mem = o.memory;
  return {
    name_label: o.name, name_description: o.description || '', user_version: 1, is_a_template: false, affinity: 'OpaqueRef:NULL',
    memory_static_max: mem, memory_dynamic_max: mem, memory_dynamic_min: mem, memory_static_min: Math.min(mem, 16 * MiB),
    VCPUs_params: {}, VCPUs_max: o.vcpus, VCPUs_at_startup: o.vcpus,
    actions_after_shutdown: 'destroy', actions_after_reboot: 'restart', actions_after_crash: 'restart',
    PV_bootloader: '', PV_kernel: o.kernel || '', PV_ramdisk: o.ramdisk || '', PV_args: o.args || '', PV_bootloader_args: '', PV_legacy_args: '',
    HVM_boot_policy: o.kernel ? '' : 'BIOS order', HVM_boot_params: o.kernel ? {} : { order: o.iso ? 'dc' : 'cd' },
    platform: {}, PCI_bus: '', other_config: {}, recommendations: '',
  };
}

export class VmWizard extends Page {
  static properties = { ...Page.properties, step: { state: true }, data: { state: true }, error: { state: true }, log: { state: true }, busy: { state: true } };

  static styles = [
    base,
    css`
      ol.steps { display: flex; gap: var(--s2); list-style: none; padding: 0; margin: 0 0 var(--s5); flex-wrap: wrap; }
      ol.steps li { display: flex; align-items: center; gap: var(--s2); color: var(--c-muted); font-weight: 500; }
      ol.steps li + li::before { content: ""; width: 24px; height: 1px; background: var(--c-border-strong); }
      ol.steps .n { width: 24px; height: 24px; border-radius: 50%; display: grid; place-items: center; border: 1px solid var(--c-border-strong); font-size: 12px; }
      ol.steps li[aria-current='step'] { color: var(--c-accent); }
      ol.steps li[aria-current='step'] .n { background: var(--c-accent); border-color: var(--c-accent); color: #fff; }
      ol.steps li.done .n { background: var(--c-accent-soft); border-color: var(--c-accent); color: var(--c-accent); }
      .card { max-width: 760px; }
      .choices { display: grid; gap: var(--s2); grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); margin-bottom: var(--s4); }
      .choice { display: flex; gap: var(--s2); align-items: flex-start; border: 1px solid var(--c-border-strong); border-radius: var(--radius); padding: var(--s3); cursor: pointer; }
      .choice:has(input:checked) { border-color: var(--c-accent); background: var(--c-accent-soft); }
      .choice input { width: auto; min-height: 0; margin-top: 3px; }
      .choice small { display: block; color: var(--c-muted); }
      footer { display: flex; gap: var(--s2); margin-top: var(--s5); }
      .log li { margin: 2px 0; }
    `,
  ];

  constructor() {
    super();
    this.step = 0;
    this.error = '';
    this.log = [];
    const q = new URLSearchParams(location.search);
    this.data = { source: q.get('template') ? 'template' : 'kernel', template: '', templateUuid: q.get('template') || '', name: '', description: '', vcpus: 1, memoryMiB: 512,
      kernel: '', ramdisk: '', args: 'console=ttyS0', iso: '', diskGiB: 8, sr: '', network: '' };
  }

  set(k, v) {
    this.data = { ...this.data, [k]: v };
  }

  bind(k, numeric) {
    return (e) => this.set(k, numeric ? Number(e.target.value) : e.target.value);
  }

  validate() {
    const d = this.data;
    if (this.step === 0) {
      if (d.source === 'template' && !this.templateRef()) return 'Choose a template.';
      if (d.source === 'kernel' && !d.kernel) return 'Give the path of the kernel image on the host.';
      if (d.source === 'iso' && !d.iso) return 'Choose an ISO image.';
    }
    if (this.step === 1) {
      if (!d.name.trim()) return 'Give the VM a name.';
      if (!(d.vcpus >= 1)) return 'A VM needs at least one vCPU.';
      if (!(d.memoryMiB >= 16)) return 'A VM needs at least 16 MiB of memory.';
    }
    if (this.step === 2 && d.diskGiB > 0 && !this.srRef()) return 'Choose a storage repository for the disk, or set the disk size to 0.';
    return '';
  }

  templateRef() {
    const c = this.ctx.cache;
    return this.data.template || (this.data.templateUuid && c.findByUuid('vm', this.data.templateUuid)?.ref) || '';
  }

  srRef() {
    const srs = this.ctx.cache.all('sr').filter((s) => s.content_type !== 'iso');
    return this.data.sr || srs.sort(byName)[0]?.ref || '';
  }

  netRef() {
    return this.data.network === 'none' ? '' : this.data.network || this.ctx.cache.all('network').sort(byName)[0]?.ref || '';
  }

  next() {
    this.error = this.validate();
    if (!this.error) this.step = Math.min(STEPS.length - 1, this.step + 1);
  }

  note(line) {
    this.log = [...this.log, line];
  }

  async create() {
    const d = this.data;
    const run = this.ctx.call;
    this.busy = true;
    this.error = '';
    this.log = [];
    let vm;
    try {
      if (d.source === 'template') {
        vm = await run(`Clone template for ${d.name}`, 'VM.clone', this.templateRef(), d.name);
        this.note('Cloned the template.');
        await run(`Provision ${d.name}`, 'VM.provision', vm);
        this.note('Provisioned its disks.');
        const mem = d.memoryMiB * MiB;
        await run('Set memory', 'VM.set_memory_limits', vm, Math.min(mem, 16 * MiB), mem, mem, mem);
        await run('Set vCPUs', 'VM.set_VCPUs_max', vm, d.vcpus);
        await run('Set vCPUs', 'VM.set_VCPUs_at_startup', vm, d.vcpus);
      } else {
        vm = await run(`Create ${d.name}`, 'VM.create', vmRecord({ name: d.name, description: d.description, memory: d.memoryMiB * MiB, vcpus: d.vcpus,
          kernel: d.source === 'kernel' ? d.kernel : '', ramdisk: d.source === 'kernel' ? d.ramdisk : '', args: d.source === 'kernel' ? d.args : '', iso: d.source === 'iso' }));
        this.note('Created the VM.');
        if (d.source === 'iso') {
          await run('Add CD drive', 'VBD.create', { VM: vm, VDI: d.iso, userdevice: '3', bootable: true, mode: 'RO', type: 'CD', empty: false,
            other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
          this.note('Inserted the ISO image in a CD drive.');
        }
      }
      if (d.diskGiB > 0) {
        const vdi = await run('Create disk', 'VDI.create', { name_label: `${d.name} disk 0`, name_description: `Disk of ${d.name}`, SR: this.srRef(),
          virtual_size: Math.round(d.diskGiB * GiB), type: 'user', sharable: false, read_only: false, other_config: {}, xenstore_data: {}, sm_config: {}, tags: [] });
        await run('Attach disk', 'VBD.create', { VM: vm, VDI: vdi, userdevice: '0', bootable: d.source !== 'iso', mode: 'RW', type: 'Disk', empty: false,
          other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} });
        this.note(`Added a ${d.diskGiB} GiB disk.`);
      }
      const net = this.netRef();
      if (net) {
        const n = this.ctx.cache.get('network', net);
        await run('Add network interface', 'VIF.create', { device: '0', network: net, VM: vm, MAC: '', MTU: Number(n?.MTU) || 1500, other_config: {},
          qos_algorithm_type: '', qos_algorithm_params: {} });
        this.note(`Connected it to ${n?.name_label || 'the network'}.`);
      }
      const rec = await this.ctx.session.call('VM.get_uuid', vm);
      this.ctx.notify(`${d.name} was created.`, 'ok');
      this.ctx.navigate(`/vm/${rec}`);
    } catch (e) {
      this.error = `${describeError(e)}${vm ? ' The VM was created with the steps listed; finish it from its page or delete it.' : ''}`;
    } finally {
      this.busy = false;
    }
  }

  renderSource() {
    const c = this.ctx.cache;
    const d = this.data;
    const tmpls = templates(c);
    const isos = c.all('vdi').filter((v) => c.get('sr', v.SR)?.content_type === 'iso' || /\.iso$/i.test(v.name_label)).sort(byName);
    const choice = (id, label, sub) => html`<label class="choice"><input type="radio" name="source" value=${id} .checked=${d.source === id} @change=${() => this.set('source', id)} />
      <span>${label}<small>${sub}</small></span></label>`;
    return html`<div class="choices" role="radiogroup" aria-label="Install from">
        ${choice('template', 'A template', `${tmpls.length} available`)}
        ${choice('kernel', 'A kernel image', 'Direct kernel boot')}
        ${choice('iso', 'An ISO image', 'Boot an installer from a CD')}
      </div>
      ${d.source === 'template' ? (tmpls.length ? html`<label class="field"><span>Template</span><select name="template" @change=${this.bind('template')}>
          ${tmpls.map((t) => html`<option value=${t.ref} ?selected=${t.ref === this.templateRef()}>${t.name_label}</option>`)}</select></label>`
        : html`<div class="alert info">There are no templates yet.</div>`) : nothing}
      ${d.source === 'kernel' ? html`<div class="stack">
        <label class="field"><span>Kernel image (path on the host)</span><input name="kernel" .value=${d.kernel} @input=${this.bind('kernel')} placeholder="/var/lib/ovcp/images/vmlinuz" /></label>
        <label class="field"><span>Initial ramdisk (optional)</span><input name="ramdisk" .value=${d.ramdisk} @input=${this.bind('ramdisk')} placeholder="/var/lib/ovcp/images/initrd.img" /></label>
        <label class="field"><span>Kernel command line</span><input name="args" .value=${d.args} @input=${this.bind('args')} /></label></div>` : nothing}
      ${d.source === 'iso' ? (isos.length ? html`<label class="field"><span>ISO image</span><select name="iso" @change=${this.bind('iso')}><option value="">Choose…</option>
          ${isos.map((v) => html`<option value=${v.ref} ?selected=${v.ref === d.iso}>${v.name_label}</option>`)}</select></label>`
        : html`<div class="alert info">No ISO image is available. Upload one on a storage repository's page first.</div>`) : nothing}`;
  }

  renderResources() {
    const d = this.data;
    return html`<div class="grid2">
      <label class="field" style="grid-column:1/-1"><span>Name</span><input name="name" .value=${d.name} @input=${this.bind('name')} required /></label>
      <label class="field" style="grid-column:1/-1"><span>Description</span><input name="description" .value=${d.description} @input=${this.bind('description')} /></label>
      <label class="field"><span>vCPUs</span><input name="vcpus" type="number" min="1" max="64" .value=${String(d.vcpus)} @input=${this.bind('vcpus', true)} /></label>
      <label class="field"><span>Memory (MiB)</span><input name="memory" type="number" min="16" step="1" .value=${String(d.memoryMiB)} @input=${this.bind('memoryMiB', true)} /></label>
    </div>`;
  }

  renderStorage() {
    const c = this.ctx.cache;
    const d = this.data;
    const srs = c.all('sr').filter((s) => s.content_type !== 'iso').sort(byName);
    const nets = c.all('network').sort(byName);
    return html`<div class="grid2">
      <label class="field"><span>Disk size (GiB, 0 for none)</span><input name="disk" type="number" min="0" .value=${String(d.diskGiB)} @input=${this.bind('diskGiB', true)} /></label>
      <label class="field"><span>Storage repository</span>${srs.length ? html`<select name="sr" @change=${this.bind('sr')}>${srs.map((s) => html`<option value=${s.ref} ?selected=${s.ref === this.srRef()}>${s.name_label} (${fmtBytes(s.physical_size - s.physical_utilisation)} free)</option>`)}</select>`
        : html`<div class="alert warn">No storage repository: create the VM without a disk.</div>`}</label>
      <label class="field" style="grid-column:1/-1"><span>Network</span><select name="network" @change=${this.bind('network')}>
        ${nets.map((n) => html`<option value=${n.ref} ?selected=${n.ref === this.netRef()}>${n.name_label}${n.bridge ? ` (${n.bridge})` : ''}</option>`)}
        <option value="none" ?selected=${d.network === 'none'}>No network interface</option></select></label>
    </div>`;
  }

  renderReview() {
    const c = this.ctx.cache;
    const d = this.data;
    const src = d.source === 'template' ? `Template ${c.get('vm', this.templateRef())?.name_label}` : d.source === 'kernel' ? `Kernel ${d.kernel}` : `ISO ${c.get('vdi', d.iso)?.name_label}`;
    return html`<dl class="props">
      <dt>Source</dt><dd>${src}</dd><dt>Name</dt><dd>${d.name}</dd><dt>vCPUs</dt><dd>${d.vcpus}</dd><dt>Memory</dt><dd>${d.memoryMiB} MiB</dd>
      <dt>Disk</dt><dd>${d.diskGiB > 0 ? `${d.diskGiB} GiB on ${c.get('sr', this.srRef())?.name_label || '—'}` : 'none'}</dd>
      <dt>Network</dt><dd>${this.netRef() ? c.get('network', this.netRef())?.name_label : 'none'}</dd></dl>
      ${this.log.length ? html`<ul class="log">${this.log.map((l) => html`<li>✓ ${l}</li>`)}</ul>` : nothing}`;
  }

  render() {
    if (!this.ctx.can('vm.create')) return html`<div class="alert info">Your role does not allow creating VMs.</div>`;
    const body = [this.renderSource, this.renderResources, this.renderStorage, this.renderReview][this.step].call(this);
    const last = this.step === STEPS.length - 1;
    return html`<div class="page-head"><div><div class="kind">New virtual machine</div><h1>Create a VM</h1></div></div>
      <ol class="steps">${STEPS.map((s, i) => html`<li aria-current=${i === this.step ? 'step' : 'false'} class=${i < this.step ? 'done' : ''}><span class="n">${i < this.step ? '✓' : i + 1}</span>${s}</li>`)}</ol>
      <form class="card" @submit=${(e) => { e.preventDefault(); last ? this.create() : this.next(); }} @keydown=${(e) => { if (e.key === 'Escape') this.ctx.navigate('/pool'); }}>
        <h2>${STEPS[this.step]}</h2>
        ${body}
        ${this.error ? html`<div class="alert error" role="alert" style="margin-top:var(--s4)" data-testid="wizard-error">${this.error}</div>` : nothing}
        <footer>
          <button type="button" @click=${() => this.ctx.navigate('/pool')}>Cancel</button>
          <span class="spacer"></span>
          ${this.step > 0 ? html`<button type="button" @click=${() => { this.error = ''; this.step--; }}>Back</button>` : nothing}
          <button type="submit" class="primary" ?disabled=${this.busy}>${last ? (this.busy ? 'Creating…' : 'Create VM') : 'Next'}</button>
        </footer>
      </form>`;
  }
}
customElements.define('ovcp-vm-wizard', VmWizard);
