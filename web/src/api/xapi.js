// XenAPI client over JSON-RPC 2.0 (POST /jsonrpc on the same origin).
// Owns: the session reference and the wire format. A failed call throws an
// XapiError whose `code` is the XenAPI error code (e.g. "VM_BAD_POWER_STATE")
// and `params` its parameters; transport failures use the code "HTTP_ERROR"
// or "NETWORK_ERROR" so callers handle one kind of error.

export class XapiError extends Error {
  constructor(code, params = [], method = '') {
    super(`${code}${params.length ? ' ' + JSON.stringify(params) : ''}`);
    this.code = code;
    this.params = params;
    this.method = method;
  }
}

let nextId = 1;

/** One JSON-RPC call. `signal` aborts it (used for the event.from loop). */
export async function rpc(method, params, { signal } = {}) {
  let res;
  try {
    res = await fetch('/jsonrpc', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: nextId++ }),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new XapiError('NETWORK_ERROR', [String(e.message || e)], method);
  }
  if (!res.ok) throw new XapiError('HTTP_ERROR', [String(res.status), res.statusText], method);
  const body = await res.json();
  if (body.error) {
    const err = body.error;
    // v2: {code, message: CODE, data: [params]}; tolerate v1-style arrays too.
    if (Array.isArray(err)) throw new XapiError(String(err[0]), err.slice(1), method);
    throw new XapiError(String(err.message || 'INTERNAL_ERROR'), Array.isArray(err.data) ? err.data : [], method);
  }
  return body.result;
}

/** A logged-in session: `call('VM.start', vm, false, false)` adds the session ref. */
export class Session {
  constructor(ref, user) {
    this.ref = ref;
    this.user = user;
    this.onInvalid = null; // set by the app: called once when the server says SESSION_INVALID
  }

  static async login(user, password) {
    const ref = await rpc('session.login_with_password', [user, password, '1.0', 'ovcp-web']);
    return new Session(ref, user);
  }

  async call(method, ...params) {
    return this.callWith({}, method, ...params);
  }

  async callWith(opts, method, ...params) {
    try {
      return await rpc(method, [this.ref, ...params], opts);
    } catch (e) {
      if (e instanceof XapiError && e.code === 'SESSION_INVALID' && this.onInvalid) this.onInvalid(e);
      throw e;
    }
  }

  async logout() {
    try {
      await rpc('session.logout', [this.ref]);
    } catch {
      /* the session may already be gone; logging out is still done */
    }
  }
}
