// XenAPI error codes in words. A table, not a ladder: add a row per code.
// Each entry is a function of the error's parameters; unknown codes fall back
// to the code and parameters as the server sent them.
import { XapiError } from './xapi.js';

const sentences = {
  SESSION_AUTHENTICATION_FAILED: () => 'The user name or password is not correct.',
  SESSION_INVALID: () => 'Your session has ended (idle for too long, or logged out elsewhere). Please log in again.',
  RBAC_PERMISSION_DENIED: (p) =>
    `Your role does not allow this action${p[0] ? ` (${p[0]})` : ''}.${p[1] ? ' ' + p[1] : ''}`,
  VM_BAD_POWER_STATE: (p) =>
    `The VM is ${p[2] ? p[2].toLowerCase() : 'in the wrong power state'}; this needs it ${p[1] ? p[1].toLowerCase() : 'in another state'}.`,
  HANDLE_INVALID: (p) => `The ${p[0] || 'object'} no longer exists (it may have been deleted by someone else).`,
  OPERATION_NOT_ALLOWED: (p) => `This operation is not allowed now${p[0] ? ': ' + p[0] : ''}.`,
  OTHER_OPERATION_IN_PROGRESS: (p) => `Another operation is in progress on this ${p[0] || 'object'}; try again when it ends.`,
  SR_FULL: (p) => `The storage repository does not have enough free space${p[0] ? ` (needed ${fmtBytes(p[0])}, free ${fmtBytes(p[1])})` : ''}.`,
  VDI_IN_USE: () => 'The disk is in use by a running VM; detach it or shut the VM down first.',
  VDI_MISSING: () => 'The disk image is missing on its storage.',
  NOT_IMPLEMENTED: (p) => `The server does not implement ${p[0] || 'this call'} yet.`,
  MESSAGE_METHOD_UNKNOWN: (p) => `The server does not know the call ${p[0] || ''}.`,
  MESSAGE_PARAMETER_COUNT_MISMATCH: (p) => `The server expected a different number of parameters for ${p[0] || 'this call'}.`,
  FIELD_TYPE_ERROR: (p) => `The value of the field ${p[0] || ''} has the wrong type.`,
  VALUE_NOT_SUPPORTED: (p) => `The value ${p[1] ? `"${p[1]}" ` : ''}is not supported for ${p[0] || 'this field'}${p[2] ? ': ' + p[2] : ''}.`,
  INVALID_VALUE: (p) => `The value ${p[1] ? `"${p[1]}" ` : ''}is not valid for ${p[0] || 'this field'}.`,
  HOST_NOT_ENOUGH_FREE_MEMORY: () => 'The host does not have enough free memory to start this VM.',
  VM_HVM_REQUIRED: () => 'This VM needs hardware virtualisation, which this host cannot provide.',
  VM_NO_EMPTY_CD_VBD: () => 'The VM has no empty CD drive.',
  VM_IS_TEMPLATE: () => 'This is a template; make a VM from it first.',
  VM_NOT_SNAPSHOT: () => 'This VM is not a snapshot.',
  VBD_NOT_UNPLUGGABLE: () => 'This disk cannot be detached while the VM runs.',
  DEVICE_ALREADY_ATTACHED: () => 'The device is already attached.',
  DEVICE_ALREADY_DETACHED: () => 'The device is already detached.',
  USER_IS_NOT_LOCAL_SUPERUSER: () => 'Only the local superuser may do this.',
  TASK_CANCELLED: () => 'The task was cancelled.',
  INTERNAL_ERROR: (p) => `The server hit an internal error${p[0] ? ': ' + p[0] : ''}.`,
  NETWORK_ERROR: () => 'The server cannot be reached. Check the connection and try again.',
  HTTP_ERROR: (p) => `The server answered HTTP ${p[0] || ''} ${p[1] || ''}.`.trim(),
};

export function fmtBytes(n) {
  n = Number(n);
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** Words for an error code and its parameters (as in task.error_info). */
export function describeCode(code, params = []) {
  const f = sentences[code];
  if (f) return f(params);
  // "insufficient space" also reaches us as text inside other errors.
  if (params.some((p) => /insufficient space/i.test(String(p)))) return sentences.SR_FULL([]);
  return `${code}${params.length ? ': ' + params.join(', ') : ''}`;
}

/** Words for anything thrown by the client. */
export function describeError(e) {
  if (e instanceof XapiError) return describeCode(e.code, e.params);
  return String(e && e.message ? e.message : e);
}
