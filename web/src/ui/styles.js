// Shared look: one palette, one spacing scale (4px steps), one set of
// controls. Every component adopts `base`; nothing else defines colours.
import { css } from 'lit';

export const base = css`
  :host {
    --c-bg: #f4f6f9;
    --c-panel: #ffffff;
    --c-border: #d8dee6;
    --c-border-strong: #b9c3cf;
    --c-text: #1d2733;
    --c-muted: #5b6876;
    --c-accent: #1f5fa8;
    --c-accent-hover: #184d89;
    --c-accent-soft: #e6effa;
    --c-danger: #b42318;
    --c-danger-soft: #fdecea;
    --c-ok: #1e7b34;
    --c-ok-soft: #e5f4e8;
    --c-warn: #9a6700;
    --c-warn-soft: #fff4d6;
    --c-focus: #2f7fe0;
    --radius: 6px;
    --s1: 4px;
    --s2: 8px;
    --s3: 12px;
    --s4: 16px;
    --s5: 24px;
    --s6: 32px;
    --font-mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace;
    color: var(--c-text);
    font-size: 14px;
    line-height: 1.45;
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { margin: 0; font-weight: 600; line-height: 1.25; }
  h1 { font-size: 20px; }
  h2 { font-size: 16px; }
  h3 { font-size: 14px; }
  p { margin: 0 0 var(--s2); }
  a { color: var(--c-accent); }
  :focus-visible { outline: 2px solid var(--c-focus); outline-offset: 2px; }
  .muted { color: var(--c-muted); }
  .mono { font-family: var(--font-mono); font-size: 13px; }
  .row { display: flex; gap: var(--s2); align-items: center; flex-wrap: wrap; }
  .spacer { flex: 1; }
  .stack > * + * { margin-top: var(--s4); }

  button, .btn {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: var(--s1);
    min-height: 32px;
    padding: 0 var(--s3);
    border: 1px solid var(--c-border-strong);
    border-radius: var(--radius);
    background: var(--c-panel);
    color: var(--c-text);
    cursor: pointer;
    white-space: nowrap;
    text-decoration: none;
  }
  button:hover:not(:disabled) { background: #eef2f6; }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  button.primary { background: var(--c-accent); border-color: var(--c-accent); color: #fff; }
  button.primary:hover:not(:disabled) { background: var(--c-accent-hover); }
  button.danger { color: var(--c-danger); border-color: #e3b4ae; }
  button.danger:hover:not(:disabled) { background: var(--c-danger-soft); }
  button.link { border: none; background: none; color: var(--c-accent); padding: 0 var(--s1); min-height: 0; }

  input, select, textarea {
    font: inherit;
    min-height: 32px;
    padding: var(--s1) var(--s2);
    border: 1px solid var(--c-border-strong);
    border-radius: var(--radius);
    background: #fff;
    color: var(--c-text);
    width: 100%;
  }
  input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid var(--c-focus); outline-offset: 0; border-color: var(--c-focus); }
  label.field { display: block; }
  label.field > span { display: block; font-weight: 500; margin-bottom: var(--s1); }
  .hint { font-size: 12px; color: var(--c-muted); margin-top: 2px; }
  .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: var(--s3) var(--s4); }

  .card { background: var(--c-panel); border: 1px solid var(--c-border); border-radius: var(--radius); padding: var(--s4); }
  .card > h2 { margin-bottom: var(--s3); }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: var(--s4); }

  dl.props { display: grid; grid-template-columns: max-content 1fr; gap: var(--s2) var(--s4); margin: 0; }
  dl.props dt { color: var(--c-muted); }
  dl.props dd { margin: 0; overflow-wrap: anywhere; }

  table.list { width: 100%; border-collapse: collapse; background: var(--c-panel); }
  table.list th, table.list td { text-align: left; padding: var(--s2) var(--s3); border-bottom: 1px solid var(--c-border); vertical-align: middle; }
  table.list th { font-weight: 600; color: var(--c-muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; background: #f9fafb; }
  table.list tr:last-child td { border-bottom: none; }
  .table-wrap { border: 1px solid var(--c-border); border-radius: var(--radius); overflow-x: auto; }
  .empty { padding: var(--s5); text-align: center; color: var(--c-muted); }

  .badge { display: inline-flex; align-items: center; gap: 6px; padding: 1px var(--s2); border-radius: 999px; font-size: 12px; font-weight: 500; background: #eef1f4; color: var(--c-muted); white-space: nowrap; }
  .badge::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
  .badge.running { background: var(--c-ok-soft); color: var(--c-ok); }
  .badge.halted { background: #eef1f4; color: #6b7785; }
  .badge.suspended, .badge.paused { background: var(--c-warn-soft); color: var(--c-warn); }
  .badge.failure { background: var(--c-danger-soft); color: var(--c-danger); }
  .badge.success { background: var(--c-ok-soft); color: var(--c-ok); }
  .badge.pending { background: var(--c-accent-soft); color: var(--c-accent); }
  .badge.plain::before { display: none; }

  .alert { border-radius: var(--radius); padding: var(--s2) var(--s3); border: 1px solid; }
  .alert.error { background: var(--c-danger-soft); border-color: #f0b8b1; color: #7a1a12; }
  .alert.info { background: var(--c-accent-soft); border-color: #b9d0ee; color: #173f6d; }
  .alert.warn { background: var(--c-warn-soft); border-color: #ecd28b; color: #5c3d00; }

  .bar { height: 8px; background: #e6eaef; border-radius: 4px; overflow: hidden; min-width: 80px; }
  .bar > div { height: 100%; background: var(--c-accent); border-radius: 4px; transition: width 0.3s; }
  .bar.high > div { background: #d97706; }
  .bar.full > div { background: var(--c-danger); }

  .toolbar { display: flex; gap: var(--s2); flex-wrap: wrap; align-items: center; }
  .page-head { display: flex; gap: var(--s3); align-items: center; flex-wrap: wrap; margin-bottom: var(--s4); }
  .page-head .kind { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--c-muted); }
`;

/** Percentage bar class by fill level. */
export function barClass(frac) {
  return frac >= 0.95 ? 'bar full' : frac >= 0.8 ? 'bar high' : 'bar';
}
