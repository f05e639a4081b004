// What each XenAPI role may do in the UI. A user's roles come from
// session.get_record(session, session).rbac_permissions. Roles nest, as in
// XenAPI: each role holds every permission of the roles before it.
// The server enforces RBAC; this table only keeps the UI from offering
// what would be refused.

const order = ['read-only', 'vm-operator', 'vm-admin', 'vm-power-admin', 'pool-operator', 'pool-admin'];

// capability -> lowest role that has it
const lowest = {
  'vm.power': 'vm-operator', // start, shutdown, reboot, suspend, resume, pause, unpause
  'vm.console': 'vm-operator',
  'vm.create': 'vm-admin', // create and destroy VMs
  'vm.disks': 'vm-admin', // VDI/VBD create, resize, plug, unplug, destroy
  'vm.nics': 'vm-admin', // VIF create/destroy
  'vm.snapshots': 'vm-admin', // snapshot, revert, destroy snapshot
  'vm.edit': 'vm-admin', // rename, change vCPUs/memory
  'vm.config': 'vm-admin', // VM.other_config: configuration-management roles (classes, parameters)
  'storage.transfer': 'vm-admin', // import/export raw VDI
  'pool.admin': 'pool-operator', // SR, network, host changes
  'pool.config': 'pool-operator', // pool.other_config (e.g. the configuration reports link)
};

function rank(role) {
  return order.indexOf(String(role).toLowerCase());
}

export function highestRank(roles) {
  return Math.max(-1, ...(roles || []).map(rank));
}

/** Does a user holding `roles` have capability `cap`? */
export function can(roles, cap) {
  const need = lowest[cap];
  if (need === undefined) return false;
  return highestRank(roles) >= rank(need);
}

export const capabilities = Object.keys(lowest);
