// <ovcp-tasks>: the task list (task records from the cache, newest first):
// name, status, a progress bar from task.progress (0..1), and error_info in
// words. `compact` shows the few most recent in the bottom panel.
import { LitElement, html, css, nothing } from 'lit';
import { base } from './styles.js';
import { recentTasks, fmtTime } from '../api/model.js';
import { describeCode } from '../api/errors.js';

export function taskStatusClass(status) {
  return { success: 'success', failure: 'failure', cancelled: 'halted', cancelling: 'pending', pending: 'pending' }[status] || 'halted';
}

export function taskError(t) {
  const info = Array.isArray(t.error_info) ? t.error_info : [];
  return info.length ? describeCode(String(info[0]), info.slice(1).map(String)) : '';
}

export class OvcpTasks extends LitElement {
  static properties = { ctx: { attribute: false }, rev: { type: Number }, limit: { type: Number } };

  static styles = [
    base,
    css`
      :host { display: block; }
      td.progress { width: 28%; min-width: 120px; }
      .pct { font-size: 12px; color: var(--c-muted); margin-left: var(--s2); }
      .err { color: var(--c-danger); font-size: 13px; }
    `,
  ];

  render() {
    const tasks = recentTasks(this.ctx.cache, this.limit || 50);
    if (!tasks.length) return html`<div class="table-wrap"><div class="empty">No tasks yet. Long operations (start, shutdown, copy, import…) appear here with their progress.</div></div>`;
    return html`<div class="table-wrap"><table class="list" aria-label="Tasks">
      <thead><tr><th>Task</th><th>Status</th><th>Progress</th><th>Started</th></tr></thead>
      <tbody>${tasks.map((t) => {
        const pct = Math.round(Math.max(0, Math.min(1, Number(t.progress) || 0)) * 100);
        const err = t.status === 'failure' ? taskError(t) : '';
        return html`<tr data-testid="task-row">
          <td><div>${t.name_label || '(task)'}</div>${err ? html`<div class="err" data-testid="task-error">${err}</div>` : nothing}</td>
          <td><span class="badge ${taskStatusClass(t.status)}">${t.status}</span></td>
          <td class="progress"><div class="row" style="flex-wrap:nowrap"><div class="bar" style="flex:1" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct} aria-label="Progress of ${t.name_label}"><div style="width:${pct}%"></div></div><span class="pct">${pct}%</span></div></td>
          <td class="muted">${fmtTime(t.created)}</td>
        </tr>`;
      })}</tbody></table></div>`;
  }
}
customElements.define('ovcp-tasks', OvcpTasks);
