// Configuration-management roles of a VM, as `ovcp-cm master` reads them
// from VM.other_config (src/cm/master/ovcp_classifier.c is the reference):
//
//   ovcp-cm-classes             "ntp,webserver"  (separated by commas, spaces or tabs)
//   ovcp-cm-param:CLASS::PARAM  a JSON value (a parameter also declares its class)
//   ovcp-cm-environment         the node's environment
//   ovcp-cm-certname            the node's certname (else the VM's name_label)
//
// Pure functions over an other_config map, and the list of
// add_to/remove_from_other_config steps that turn one state into another.
// Invariant: every value written is a string; a parameter's value is JSON text
// that JSON.parse accepts.

export const CM_KEYS = {
  classes: 'ovcp-cm-classes',
  param: 'ovcp-cm-param:',
  environment: 'ovcp-cm-environment',
  certname: 'ovcp-cm-certname',
};

/** pool.other_config key holding the URL of the configuration reports dashboard. */
export const CM_DASHBOARD_KEY = 'ovcp-cm-dashboard';

const CLASS_RE = /^(::)?[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$/;
const PARAM_RE = /^[a-z_][a-z0-9_]*$/;

export function validClassName(name) {
  return CLASS_RE.test(name);
}

export function validParamName(name) {
  return PARAM_RE.test(name);
}

export function paramKey(cls, name) {
  return `${CM_KEYS.param}${cls}::${name}`;
}

/** Splits "ovcp-cm-param:CLASS::PARAM" as the classifier does (the last "::"); undefined if malformed. */
export function splitParamKey(key) {
  if (!key.startsWith(CM_KEYS.param)) return undefined;
  const full = key.slice(CM_KEYS.param.length);
  const sep = full.lastIndexOf('::');
  if (sep < 1 || sep + 2 >= full.length) return undefined;
  return { cls: full.slice(0, sep), name: full.slice(sep + 2) };
}

export function parseClassList(text) {
  return String(text || '').split(/[,\s]+/).filter(Boolean);
}

/** The VM's configuration as the master will see it. */
export function cmView(oc) {
  oc = oc && typeof oc === 'object' ? oc : {};
  const listed = parseClassList(oc[CM_KEYS.classes]);
  const params = [];
  const bad = [];
  for (const [key, value] of Object.entries(oc)) {
    if (!key.startsWith(CM_KEYS.param)) continue;
    const p = splitParamKey(key);
    if (p) params.push({ key, ...p, value: String(value) });
    else bad.push(key);
  }
  params.sort((a, b) => a.cls.localeCompare(b.cls) || a.name.localeCompare(b.name));
  const classes = [...new Set(listed)];
  const declaredByParam = [...new Set(params.map((p) => p.cls))].filter((c) => !classes.includes(c));
  return {
    classes,
    declaredByParam,
    params,
    bad,
    environment: oc[CM_KEYS.environment] || '',
    certname: oc[CM_KEYS.certname] || '',
  };
}

/** Parses a parameter value; throws an Error in words if it is not JSON. */
export function checkJson(text) {
  const t = String(text).trim();
  if (!t) throw new Error('The value is empty; write JSON, e.g. "text", 80, true, ["a", "b"] or {"k": 1}.');
  try {
    JSON.parse(t);
  } catch (e) {
    throw new Error(`The value is not valid JSON (${e.message}). Strings need double quotes, e.g. "nginx".`);
  }
  return t;
}

/**
 * Steps to set one other_config key to `value` (or remove it when value is
 * '' / undefined): [method suffix, key, value?]. add_to_other_config refuses
 * an existing key (MAP_DUPLICATE_KEY), so a present key is removed first.
 */
export function setKeySteps(oc, key, value) {
  const steps = [];
  const has = oc && Object.prototype.hasOwnProperty.call(oc, key);
  if (has && oc[key] === value) return steps;
  if (has) steps.push(['remove_from_other_config', key]);
  if (value !== undefined && value !== '') steps.push(['add_to_other_config', key, value]);
  return steps;
}

/** Steps to give the VM the class list `classes`. */
export function classesSteps(oc, classes) {
  return setKeySteps(oc, CM_KEYS.classes, classes.join(','));
}

/** Steps to remove a class: its entry in the list and every parameter of it. */
export function removeClassSteps(oc, cls) {
  const v = cmView(oc);
  const steps = classesSteps(oc, v.classes.filter((c) => c !== cls));
  for (const p of v.params) if (p.cls === cls) steps.push(['remove_from_other_config', p.key]);
  return steps;
}

/** A dashboard URL the UI will link to: http(s) only; '' when unusable. */
export function dashboardUrl(text) {
  try {
    const u = new URL(String(text || '').trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}
