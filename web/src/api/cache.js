// The client-side cache of XenAPI records, kept current by event.from.
// Owns: records by class (lower-case class name -> Map(ref -> record)) and
// the event token. Invariants: the UI renders only from this cache (no
// polling); every change bumps `rev` and fires one 'change' event per batch;
// the loop stops for good on stop() or when the session is invalid.

import { XapiError } from './xapi.js';

// The classes loaded at start, with their XenAPI spelling for get_all_records.
export const CLASSES = [
  'pool', 'host', 'host_metrics', 'VM', 'VM_metrics', 'VM_guest_metrics', 'SR', 'VDI', 'VBD',
  'VIF', 'network', 'PIF', 'PBD', 'console', 'task', 'message',
];

const EVENT_TIMEOUT = 60.1;

export class RecordCache extends EventTarget {
  constructor(session) {
    super();
    this.session = session;
    this.classes = new Map(); // 'vm' -> Map(ref -> record)
    this.rev = 0;
    this.token = '';
    this.running = false;
    this.abort = null;
    this.connected = false;
    this.lastError = null;
  }

  table(cls) {
    const key = cls.toLowerCase();
    let t = this.classes.get(key);
    if (!t) {
      t = new Map();
      this.classes.set(key, t);
    }
    return t;
  }

  get(cls, ref) {
    if (!ref || ref === 'OpaqueRef:NULL') return undefined;
    return this.table(cls).get(ref);
  }

  all(cls) {
    return [...this.table(cls).entries()].map(([ref, rec]) => ({ ref, ...rec }));
  }

  findByUuid(cls, uuid) {
    for (const [ref, rec] of this.table(cls)) if (rec.uuid === uuid) return { ref, ...rec };
    return undefined;
  }

  changed() {
    this.rev++;
    this.dispatchEvent(new Event('change'));
  }

  /** Loads every class, then follows event.from until stop(). */
  async start() {
    this.running = true;
    const results = await Promise.allSettled(CLASSES.map((c) => this.session.call(`${c}.get_all_records`)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value && typeof r.value === 'object') {
        const t = this.table(CLASSES[i]);
        t.clear();
        for (const [ref, rec] of Object.entries(r.value)) t.set(ref, rec);
      } else if (r.status === 'rejected' && r.reason?.code === 'SESSION_INVALID') {
        throw r.reason;
      }
    });
    this.changed();
    this.loop();
  }

  stop() {
    this.running = false;
    if (this.abort) this.abort.abort();
  }

  apply(batch, full) {
    const seen = new Map();
    for (const ev of batch.events || []) {
      const t = this.table(ev.class);
      if (ev.operation === 'del') t.delete(ev.ref);
      else if (ev.snapshot) t.set(ev.ref, ev.snapshot);
      if (full) {
        if (!seen.has(ev.class.toLowerCase())) seen.set(ev.class.toLowerCase(), new Set());
        seen.get(ev.class.toLowerCase()).add(ev.ref);
      }
    }
    // An empty token yields every object: drop what the server no longer has.
    if (full) {
      for (const [cls, t] of this.classes) {
        const s = seen.get(cls);
        const count = batch.valid_ref_counts ? batch.valid_ref_counts[cls] ?? batch.valid_ref_counts[cls.toUpperCase()] : undefined;
        if (!s && count === undefined) continue;
        for (const ref of [...t.keys()]) if (!s || !s.has(ref)) t.delete(ref);
      }
    }
    // Counts that disagree with the cache mean lost events: resynchronise.
    if (!full && batch.valid_ref_counts && Date.now() - (this.lastResync || 0) > 10000) {
      this.lastResync = Date.now();
      for (const [cls, n] of Object.entries(batch.valid_ref_counts))
        if (this.classes.has(cls) && this.classes.get(cls).size !== n) this.token = '';
    }
    if ((batch.events || []).length || full) this.changed();
  }

  async loop() {
    let delay = 500;
    while (this.running) {
      this.abort = new AbortController();
      const full = this.token === '';
      try {
        const batch = await this.session.callWith({ signal: this.abort.signal }, 'event.from', ['*'], this.token, EVENT_TIMEOUT);
        this.token = batch.token;
        this.apply(batch, full);
        if (this.token === '') continue;
        if (!this.connected || this.lastError) {
          this.connected = true;
          this.lastError = null;
          this.changed();
        }
        delay = 500;
      } catch (e) {
        if (!this.running || e.name === 'AbortError') return;
        if (e instanceof XapiError && e.code === 'SESSION_INVALID') {
          this.running = false;
          return; // the session's onInvalid sends the user to the login page
        }
        if (e instanceof XapiError && e.code === 'EVENTS_LOST') this.token = '';
        this.lastError = e;
        this.connected = false;
        this.changed();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10000);
      }
    }
  }
}
