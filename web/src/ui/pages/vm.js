// <ovcp-vm-page>: one VM (or template/snapshot): header with power state
// and the power actions (offered by RBAC role, enabled by power state and
// VM.allowed_operations), then tabs: General, Console, Disks, Network,
// Snapshots, Performance, Configuration. Tabs are paths (/vm/UUID/TAB).
import { html, css, nothing } from 'lit';
import { Page, powerBadge } from './common.js';
import { base } from '../styles.js';
import { POWER_ACTIONS, actionEnabled } from '../../api/vmops.js';
import { fmtBytes, describeError } from '../../api/errors.js';
import { guestAddresses, osName, fmtTime } from '../../api/model.js';
import '../vm/disks.js';
import '../vm/nics.js';
import '../vm/snapshots.js';
import '../vm/console.js';
import '../vm/configuration.js';
import '../perf.js';
import '../dialog.js';

const TABS = [
  ['general', 'General'],
  ['console', 'Console'],
  ['disks', 'Disks'],
  ['network', 'Network'],
  ['snapshots', 'Snapshots'],
  ['performance', 'Performance'],
  ['configuration', 'Configuration'],
];

export class VmPage extends Page {
  static properties = { ...Page.properties, tab: {}, actionError: { state: true }, confirm: { state: true }, busyAction: { state: true } };

  static styles = [
    base,
    css`
      [role='tablist'] { display: flex; gap: 2px; border-bottom: 1px solid var(--c-border); margin-bottom: var(--s4); overflow-x: auto; }
      [role='tab'] { padding: var(--s2) var(--s4); text-decoration: none; color: var(--c-muted); border-bottom: 2px solid transparent; margin-bottom: -1px; white-space: nowrap; font-weight: 500; }
      [role='tab'][aria-selected='true'] { color: var(--c-accent); border-bottom-color: var(--c-accent); }
      [role='tab']:hover { color: var(--c-text); }
      .actions { margin-bottom: var(--s4); }
      .alert { margin-bottom: var(--s4); }
    `,
  ];

  vm() {
    return this.ctx.cache.findByUuid('vm', this.uuid);
  }

  async act(vm, a) {
    this.actionError = '';
    this.busyAction = a.id;
    const [method, ...extra] = a.call;
    try {
      await this.ctx.call(`${a.label} ${vm.name_label}`, method, vm.ref, ...extra);
    } catch (e) {
      this.actionError = `${a.label}: ${describeError(e)}`;
    } finally {
      this.busyAction = '';
    }
  }

  renderActions(vm) {
    if (vm.is_a_template || vm.is_a_snapshot) {
      return this.ctx.can('vm.create') && vm.is_a_template
        ? html`<div class="toolbar actions"><button class="primary" @click=${() => this.ctx.navigate(`/new-vm?template=${vm.uuid}`)}>New VM from this template</button></div>` : nothing;
    }
    if (!this.ctx.can('vm.power')) return nothing; // read-only users are offered no power action
    return html`<div class="toolbar actions" role="toolbar" aria-label="VM actions">
      ${POWER_ACTIONS.filter((a) => a.states.includes(vm.power_state)).map((a) => {
        const enabled = actionEnabled(vm, a) && !this.busyAction;
        return html`<button class=${a.danger ? 'danger' : a.primary && enabled ? 'primary' : ''} ?disabled=${!enabled}
          data-action=${a.id} title=${enabled ? '' : 'Not allowed now (see the VM\'s current operations)'}
          @click=${() => (a.danger ? (this.confirm = a) : this.act(vm, a))}>${this.busyAction === a.id ? 'Working…' : a.label}</button>`;
      })}
    </div>`;
  }

  renderGeneral(vm) {
    const c = this.ctx.cache;
    const gm = c.get('vm_guest_metrics', vm.guest_metrics);
    const m = c.get('vm_metrics', vm.metrics);
    const host = c.get('host', vm.resident_on);
    const ips = guestAddresses(gm);
    const boot = vm.PV_kernel ? `Kernel ${vm.PV_kernel}` : vm.HVM_boot_policy ? `${vm.HVM_boot_policy} (${(vm.HVM_boot_params || {}).order || 'default order'})` : 'default';
    return html`<div class="cards">
      <section class="card"><h2>Virtual machine</h2><dl class="props">
        <dt>Name</dt><dd data-testid="vm-name">${vm.name_label}</dd>
        <dt>Description</dt><dd>${vm.name_description || '—'}</dd>
        <dt>Power state</dt><dd>${powerBadge(vm.power_state)}</dd>
        <dt>Host</dt><dd>${host ? this.link(`/host/${host.uuid}`, host.name_label) : '—'}</dd>
        <dt>vCPUs</dt><dd data-testid="vm-vcpus">${m && vm.power_state === 'Running' ? m.VCPUs_number : vm.VCPUs_at_startup}${vm.VCPUs_max !== vm.VCPUs_at_startup ? html` <span class="muted">(max ${vm.VCPUs_max})</span>` : nothing}</dd>
        <dt>Memory</dt><dd data-testid="vm-memory">${fmtBytes(m && vm.power_state === 'Running' && m.memory_actual ? m.memory_actual : vm.memory_static_max)}</dd>
        <dt>Boot</dt><dd>${boot}</dd>
        ${vm.PV_args ? html`<dt>Kernel arguments</dt><dd class="mono">${vm.PV_args}</dd>` : nothing}
        <dt>UUID</dt><dd class="mono">${vm.uuid}</dd>
      </dl></section>
      <section class="card"><h2>Guest</h2><dl class="props">
        <dt>Operating system</dt><dd data-testid="vm-os">${osName(gm) || html`<span class="muted">unknown (no guest agent report)</span>`}</dd>
        <dt>IP addresses</dt><dd data-testid="vm-ips">${ips.length ? ips.map((a) => html`<div class="mono">${a.address} <span class="muted">(NIC ${a.device})</span></div>`) : html`<span class="muted">none reported</span>`}</dd>
        ${gm && gm.PV_drivers_detected !== undefined ? html`<dt>Guest agent</dt><dd>${gm.PV_drivers_detected ? 'detected' : 'not detected'}</dd>` : nothing}
        ${m ? html`<dt>Started</dt><dd>${fmtTime(m.start_time)}</dd>` : nothing}
        ${vm.is_a_snapshot ? html`<dt>Snapshot of</dt><dd>${c.get('vm', vm.snapshot_of) ? this.vmLink(c.get('vm', vm.snapshot_of)) : '—'}</dd><dt>Taken</dt><dd>${fmtTime(vm.snapshot_time)}</dd>` : nothing}
      </dl></section>
    </div>`;
  }

  renderTab(vm) {
    const p = { ctx: this.ctx, rev: this.rev, vm };
    switch (this.tab) {
      case 'console': return html`<ovcp-vm-console .ctx=${p.ctx} rev=${p.rev} vmref=${vm.ref}></ovcp-vm-console>`;
      case 'disks': return html`<ovcp-vm-disks .ctx=${p.ctx} rev=${p.rev} vmref=${vm.ref}></ovcp-vm-disks>`;
      case 'network': return html`<ovcp-vm-nics .ctx=${p.ctx} rev=${p.rev} vmref=${vm.ref}></ovcp-vm-nics>`;
      case 'snapshots': return html`<ovcp-vm-snapshots .ctx=${p.ctx} rev=${p.rev} vmref=${vm.ref}></ovcp-vm-snapshots>`;
      case 'configuration': return html`<ovcp-vm-configuration .ctx=${p.ctx} rev=${p.rev} vmref=${vm.ref}></ovcp-vm-configuration>`;
      case 'performance': return html`<ovcp-perf-graph .ctx=${p.ctx} rev=${p.rev} kind="vm" objref=${vm.ref}></ovcp-perf-graph>`;
      default: return this.renderGeneral(vm);
    }
  }

  render() {
    const vm = this.vm();
    if (!vm) return this.gone('VM');
    const kind = vm.is_a_template ? 'Template' : vm.is_a_snapshot ? 'Snapshot' : 'Virtual machine';
    const tabs = vm.is_a_template || vm.is_a_snapshot ? TABS.filter(([id]) => ['general', 'disks', 'network'].includes(id)) : TABS;
    const ops = Object.values(vm.current_operations || {});
    return html`
      <div class="page-head"><div><div class="kind">${kind}</div><h1 data-testid="page-title">${vm.name_label || '(unnamed VM)'}</h1></div>
        ${vm.is_a_template ? nothing : powerBadge(vm.power_state)}
        ${ops.length ? html`<span class="badge pending">${ops.join(', ')}</span>` : nothing}</div>
      ${this.renderActions(vm)}
      ${this.actionError ? html`<div class="alert error" role="alert" data-testid="action-error">${this.actionError}</div>` : nothing}
      <nav role="tablist" aria-label="VM sections">${tabs.map(([id, label]) => html`<a role="tab" href="/vm/${vm.uuid}/${id}" aria-selected=${this.tab === id ? 'true' : 'false'}
        @click=${(e) => { e.preventDefault(); this.ctx.navigate(`/vm/${vm.uuid}/${id}`); }}>${label}</a>`)}</nav>
      <div role="tabpanel">${this.renderTab(vm)}</div>
      ${this.confirm ? html`<ovcp-dialog open danger heading="${this.confirm.label} ${vm.name_label}?" submit-label=${this.confirm.label}
        @cancel=${() => (this.confirm = null)} @submit=${() => { const a = this.confirm; this.confirm = null; this.act(vm, a); }}>
        <p>${this.confirm.id === 'hard_shutdown' ? 'The VM is stopped at once, like pulling the power plug. Unsaved data in the guest is lost.' : 'The VM is reset at once, like pressing the reset button. Unsaved data in the guest is lost.'}</p></ovcp-dialog>` : nothing}`;
  }
}
customElements.define('ovcp-vm-page', VmPage);
