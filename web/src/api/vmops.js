// VM power operations: one row per action. `op` is the name in
// VM.allowed_operations, `states` the power states XenAPI accepts it in,
// `cap` the RBAC capability (rbac.js), `call` the Async call and its extra
// parameters after the VM ref.

export const POWER_ACTIONS = [
  { id: 'start', label: 'Start', op: 'start', states: ['Halted'], call: ['Async.VM.start', false, false], primary: true },
  { id: 'shutdown', label: 'Shut down', op: 'clean_shutdown', states: ['Running'], call: ['Async.VM.clean_shutdown'] },
  { id: 'reboot', label: 'Reboot', op: 'clean_reboot', states: ['Running'], call: ['Async.VM.clean_reboot'] },
  { id: 'suspend', label: 'Suspend', op: 'suspend', states: ['Running'], call: ['Async.VM.suspend'] },
  { id: 'resume', label: 'Resume', op: 'resume', states: ['Suspended'], call: ['Async.VM.resume', false, false], primary: true },
  { id: 'pause', label: 'Pause', op: 'pause', states: ['Running'], call: ['Async.VM.pause'] },
  { id: 'unpause', label: 'Unpause', op: 'unpause', states: ['Paused'], call: ['Async.VM.unpause'], primary: true },
  { id: 'hard_shutdown', label: 'Force shut down', op: 'hard_shutdown', states: ['Running', 'Paused', 'Suspended'], call: ['Async.VM.hard_shutdown'], danger: true },
  { id: 'hard_reboot', label: 'Force reboot', op: 'hard_reboot', states: ['Running', 'Paused'], call: ['Async.VM.hard_reboot'], danger: true },
];

/** A set field as an array: tolerates servers that send "{}" for an empty set. */
export function asSet(v) {
  return Array.isArray(v) ? v : [];
}

/**
 * Whether an action may be used now. The power state must fit; when the
 * server reports allowed_operations, the operation must be in it
 * (XenCenter's rule). An empty set while no operation runs is taken as "not
 * computed" (servers that do not fill the field yet) and judged by power
 * state alone; while an operation runs (current_operations not empty) an
 * empty set means nothing is allowed. The server has the last word anyway.
 */
export function actionEnabled(vm, action) {
  if (!action.states.includes(vm.power_state)) return false;
  const allowed = asSet(vm.allowed_operations);
  const running = vm.current_operations && Object.keys(vm.current_operations).length > 0;
  if (allowed.length > 0) return allowed.includes(action.op);
  return !running;
}

export const POWER_CLASS = {
  Running: 'running',
  Halted: 'halted',
  Suspended: 'suspended',
  Paused: 'paused',
};
