// <ovcp-vm-configuration>: the VM's role for configuration management
// (`ovcp-cm master`): its classes, class parameters (JSON values), environment
// and certname override, all kept in VM.other_config (api/cmconfig.js holds
// the keys). Changes are VM.remove_from_other_config / add_to_other_config;
// the page shows them when event.from brings the record back (no local copy).
// Editing is offered to roles that may write VM.other_config (vm.config);
// everyone else sees the same data read-only.
import { html, css, nothing } from 'lit';
import { VmTab } from './tab.js';
import { base } from '../styles.js';
import { describeError } from '../../api/errors.js';
import {
  cmView, checkJson, validClassName, validParamName, paramKey, setKeySteps, classesSteps, removeClassSteps, CM_KEYS,
} from '../../api/cmconfig.js';
import '../dialog.js';

const SUGGESTED = ['webserver', 'dbserver', 'mailserver'];

export class VmConfiguration extends VmTab {
  static styles = [
    base,
    css`
      .chips { display: flex; flex-wrap: wrap; gap: var(--s2); margin-bottom: var(--s3); }
      .chip { display: inline-flex; align-items: center; gap: var(--s1); padding: 2px var(--s1) 2px var(--s3); border-radius: 999px; background: var(--c-accent-soft); color: #173f6d; font-family: var(--font-mono); font-size: 13px; min-height: 28px; }
      .chip.derived { background: #eef1f4; color: var(--c-muted); padding-right: var(--s3); }
      .chip button { min-height: 22px; padding: 0 6px; border: none; background: none; border-radius: 999px; color: inherit; }
      .chip button:hover:not(:disabled) { background: rgba(0, 0, 0, 0.08); }
      .inline { display: flex; gap: var(--s2); align-items: flex-end; flex-wrap: wrap; }
      .inline label.field { flex: 1; min-width: 180px; }
      .toolbar { margin-bottom: var(--s3); }
      textarea { font-family: var(--font-mono); min-height: 90px; }
      td.value { font-family: var(--font-mono); font-size: 13px; overflow-wrap: anywhere; max-width: 420px; }
      .card + .card { margin-top: var(--s4); }
      .tab-alert { margin-bottom: var(--s4); }
    `,
  ];

  /** Runs the other_config steps one after the other; the error stays on the tab. */
  async apply(label, steps) {
    const vm = this.vm;
    for (const [op, key, value] of steps) {
      const args = value === undefined ? [vm.ref, key] : [vm.ref, key, value];
      await this.ctx.call(`${label} ${vm.name_label}`, `VM.${op}`, ...args);
    }
  }

  /** For the inline forms: run, keep the error in words in this.error. */
  async inline(fn) {
    this.error = '';
    this.dlgBusy = true;
    try {
      await fn();
      return true;
    } catch (e) {
      this.error = describeError(e);
      return false;
    } finally {
      this.dlgBusy = false;
    }
  }

  async addClass() {
    const input = this.renderRoot.querySelector('input[name=class]');
    const name = input.value.trim();
    const ok = await this.inline(async () => {
      if (!validClassName(name)) throw new Error(`"${name}" is not a class name (lower-case words of letters, digits and _, joined by ::, e.g. webserver or profile::db).`);
      const v = cmView(this.vm.other_config);
      if (v.classes.includes(name)) throw new Error(`The VM already has the class ${name}.`);
      await this.apply('Add class to', classesSteps(this.vm.other_config, [...v.classes, name]));
    });
    if (ok) input.value = '';
  }

  async saveKey(label, key, field) {
    const value = this.value(field).trim();
    await this.inline(() => this.apply(label, setKeySteps(this.vm.other_config, key, value)));
  }

  async saveParam() {
    const cls = this.value('param-class').trim();
    const name = this.value('param-name').trim();
    if (!validClassName(cls)) throw new Error('Choose the class this parameter belongs to.');
    if (!validParamName(name)) throw new Error(`"${name}" is not a parameter name (lower-case letters, digits and _, e.g. port).`);
    const value = checkJson(this.value('param-value'));
    const oc = this.vm.other_config;
    const old = this.dlg.obj;
    const steps = [];
    if (old && old.key !== paramKey(cls, name)) steps.push(['remove_from_other_config', old.key]);
    steps.push(...setKeySteps(oc, paramKey(cls, name), value));
    await this.apply('Set class parameter on', steps);
  }

  renderDialog(view) {
    if (!this.dlg) return nothing;
    const { kind, obj } = this.dlg;
    if (kind === 'param') {
      const classes = [...view.classes, ...view.declaredByParam];
      return html`<ovcp-dialog open wide heading=${obj ? `Edit parameter ${obj.cls}::${obj.name}` : 'Add a class parameter'} submit-label="Save"
        .error=${this.dlgError} ?busy=${this.dlgBusy} @cancel=${() => this.close()} @submit=${() => this.attempt(() => this.saveParam())}>
        <div class="stack">
          <div class="grid2">
            <label class="field"><span>Class</span><select name="param-class">${classes.map((c) => html`<option ?selected=${obj ? obj.cls === c : false}>${c}</option>`)}</select></label>
            <label class="field"><span>Parameter</span><input name="param-name" .value=${obj ? obj.name : ''} placeholder="e.g. port" autocomplete="off" /></label>
          </div>
          <label class="field"><span>Value (JSON)</span><textarea name="param-value" spellcheck="false" .value=${obj ? obj.value : ''} placeholder='"nginx", 8080, true, ["a", "b"] or {"key": "value"}'></textarea>
            <div class="hint">Checked as JSON before it is saved. Strings need double quotes.</div></label>
        </div></ovcp-dialog>`;
    }
    if (kind === 'remove-class') {
      const n = view.params.filter((p) => p.cls === obj).length;
      return html`<ovcp-dialog open danger heading="Remove class ${obj}?" submit-label="Remove" .error=${this.dlgError} ?busy=${this.dlgBusy}
        @cancel=${() => this.close()} @submit=${() => this.attempt(() => this.apply('Remove class from', removeClassSteps(this.vm.other_config, obj)))}>
        <p>The node stops getting the class ${obj}${n ? ` and its ${n === 1 ? 'parameter' : `${n} parameters`} (a parameter alone would still declare the class)` : ''}.</p></ovcp-dialog>`;
    }
    return nothing;
  }

  renderClasses(view, can) {
    const known = new Set(SUGGESTED);
    for (const v of this.ctx.cache.all('vm')) for (const c of cmView(v.other_config).classes) known.add(c);
    return html`<section class="card" aria-labelledby="cm-classes-h"><h2 id="cm-classes-h">Classes</h2>
      ${view.classes.length || view.declaredByParam.length ? html`<div class="chips" role="list" aria-label="Classes">
        ${view.classes.map((c) => html`<span class="chip" role="listitem" data-testid="cm-class">${c}${can ? html`<button type="button" aria-label="Remove class ${c}" title="Remove class ${c}" ?disabled=${this.dlgBusy} @click=${() => this.open('remove-class', c)}>✕</button>` : nothing}</span>`)}
        ${view.declaredByParam.map((c) => html`<span class="chip derived" role="listitem" data-testid="cm-class" title="Declared by its parameters">${c}</span>`)}
      </div>` : html`<p class="muted" data-testid="cm-no-classes">No classes: the node gets only what the master's other classifiers give it.</p>`}
      ${can ? html`<div class="inline">
        <label class="field"><span>Add a class</span><input name="class" list="cm-known-classes" placeholder="e.g. webserver" autocomplete="off"
          @keydown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); this.addClass(); } }} /></label>
        <datalist id="cm-known-classes">${[...known].sort().map((c) => html`<option value=${c}></option>`)}</datalist>
        <button class="primary" ?disabled=${this.dlgBusy} @click=${() => this.addClass()}>Add class</button></div>` : nothing}
    </section>`;
  }

  renderParams(view, can) {
    const anyClass = view.classes.length + view.declaredByParam.length > 0;
    return html`<section class="card" aria-labelledby="cm-params-h"><h2 id="cm-params-h">Class parameters</h2>
      ${can ? html`<div class="toolbar"><button ?disabled=${!anyClass} title=${anyClass ? '' : 'Add a class first'} @click=${() => this.open('param')}>Add parameter…</button></div>` : nothing}
      ${view.params.length ? html`<div class="table-wrap"><table class="list" aria-label="Class parameters"><thead><tr><th>Class</th><th>Parameter</th><th>Value (JSON)</th>${can ? html`<th></th>` : nothing}</tr></thead>
        <tbody>${view.params.map((p) => html`<tr data-testid="cm-param-row"><td class="mono">${p.cls}</td><td class="mono">${p.name}</td><td class="value">${p.value}</td>
          ${can ? html`<td><div class="row"><button @click=${() => this.open('param', p)}>Edit…</button>
            <button class="danger" ?disabled=${this.dlgBusy} @click=${() => this.inline(() => this.apply('Remove class parameter from', [['remove_from_other_config', p.key]]))}>Remove</button></div></td>` : nothing}</tr>`)}
        </tbody></table></div>` : html`<p class="muted">No parameters: the classes use their defaults.</p>`}
      ${view.bad.length ? html`<div class="alert warn">Keys the master refuses (not ${CM_KEYS.param}CLASS::PARAM): <span class="mono">${view.bad.join(', ')}</span></div>` : nothing}
    </section>`;
  }

  renderNode(vm, view, can) {
    if (!can)
      return html`<section class="card"><h2>Node</h2><dl class="props">
        <dt>Environment</dt><dd data-testid="cm-environment">${view.environment || html`<span class="muted">the master's default</span>`}</dd>
        <dt>Certname</dt><dd data-testid="cm-certname"><span class="mono">${view.certname || vm.name_label}</span> ${view.certname ? nothing : html`<span class="muted">(the VM's name)</span>`}</dd>
      </dl></section>`;
    const field = (name, label, value, placeholder, key, hint) => html`<div class="inline">
      <label class="field"><span>${label}</span><input name=${name} .value=${value} placeholder=${placeholder} autocomplete="off"
        @keydown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); this.saveKey(`Set ${label.toLowerCase()} of`, key, name); } }} />
        <div class="hint">${hint}</div></label>
      <button ?disabled=${this.dlgBusy} @click=${() => this.saveKey(`Set ${label.toLowerCase()} of`, key, name)}>Save ${label.toLowerCase()}</button></div>`;
    return html`<section class="card"><h2>Node</h2><div class="stack">
      ${field('environment', 'Environment', view.environment, 'production', CM_KEYS.environment, 'Empty: the master\'s default environment.')}
      ${field('certname', 'Certname', view.certname, vm.name_label, CM_KEYS.certname, 'The agent\'s certname for this VM. Empty: the VM\'s name.')}
    </div></section>`;
  }

  render() {
    const vm = this.vm;
    if (!vm) return nothing;
    const can = this.ctx.can('vm.config');
    const view = cmView(vm.other_config);
    return html`
      <p class="muted">The roles <span class="mono">ovcp-cm master</span> gives the node of this VM, kept in the VM's other_config.</p>
      ${can ? nothing : html`<div class="alert info tab-alert" data-testid="cm-read-only">Your role can see but not change this VM's configuration (vm-admin or above can).</div>`}
      ${this.error ? html`<div class="alert error tab-alert" role="alert" data-testid="cm-error">${this.error}</div>` : nothing}
      <div>${this.renderClasses(view, can)}${this.renderParams(view, can)}${this.renderNode(vm, view, can)}</div>
      ${this.renderDialog(view)}`;
  }
}
customElements.define('ovcp-vm-configuration', VmConfiguration);
