import { IConstruct } from 'constructs';
import { ConnectMesh } from '../consul/connect-mesh';
import { listNames } from '../core/errors';
import { cleanEnvVar } from '../nomad/runtime-variables';
import { VaultNomadIntegration } from '../vault/vault-nomad-integration';
import { Analysis, described } from './analysis';
import { GroupView, JobView, TaskView, TemplateView } from './job-view';
import { hclToJson, HclReadError, readHcl } from './jobspec-reader';
import {
  findCredentialsInUrl,
  findSecret,
  findSecretInVariable,
  isLiteral,
  isPlainHttpAddress,
} from './text-scan';

/**
 * Rules on jobs: static ports, images, literal secrets, secret paths read by templates, the
 * legacy `vault { policies }`, runtime variables of hand-written jobspecs, and agent
 * configuration files rendered by templates.
 * @internal
 */
export function inspectJobs(a: Analysis): void {
  const claims = staticPortClaims(a);
  const secretPaths = jobSecretPaths(a);
  for (const job of a.jobs) {
    if (!a.inScope(job.construct)) continue;
    const isIngress = a.ingressOf(job) !== undefined;
    scanMap(a, job.construct, job.where, 'meta', job.meta);
    for (const group of job.groups) {
      if (!isIngress) staticPorts(a, group);
      duplicatePorts(a, group, claims);
      scanMap(a, job.construct, group.where, 'meta', group.meta);
      for (const service of group.services) {
        scanMap(a, job.construct, service.where, 'meta', service.meta);
      }
      for (const task of group.tasks) {
        inspectTask(a, task, secretPaths);
      }
      if (job.model === undefined) runtimeVariables(a, group);
    }
  }
}

function inspectTask(a: Analysis, task: TaskView, secretPaths: JobSecretPath[]): void {
  const construct = task.group.job.construct;
  const where = task.where;
  if (task.image !== undefined && ['docker', 'podman'].includes(task.driver)) {
    image(a, construct, where, task.image);
  }
  scanMap(a, construct, where, 'env', task.env);
  for (const [name, value] of Object.entries(task.env)) {
    const kind = name === 'VAULT_ADDR' ? 'Vault' : name === 'NOMAD_ADDR' ? 'Nomad' : undefined;
    if (kind) address(a, construct, where, `env "${name}"`, value, kind);
  }
  scanMap(a, construct, where, 'meta', task.meta);
  task.args.forEach((arg, i) => {
    const prop = `config args[${i}]`;
    secretIn(a, construct, where, prop, arg);
    credentialsIn(a, construct, where, prop, arg);
  });
  for (const source of task.artifacts) {
    credentialsIn(a, construct, where, 'artifact source', source);
  }
  for (const template of task.templates) {
    if (template.data === undefined) continue;
    const prop = `template ${JSON.stringify(template.destination)} data`;
    secretIn(a, construct, where, prop, template.data);
    credentialsIn(a, construct, where, prop, template.data);
    otherJobsSecrets(a, task, template, secretPaths);
    agentFile(a, construct, where, template);
  }
  const granted = a.grantedPaths(task.model) !== undefined;
  if (task.vaultPolicies !== undefined && task.vaultPolicies.length > 0 && !granted) {
    a.emit({
      construct,
      ruleId: 'ZT-VAULT-001',
      location: where,
      prop: 'vault policies',
      value: described(task.vaultPolicies),
      detail:
        'A task that names Vault policies gets its token from the Nomad servers’ token (the token workflow).',
      fix: 'Use workload identity: a vault { role } (VaultNomadIntegration.grantSecrets sets it) instead of policies.',
    });
  }
}

/** Secrets and credentials in the values of a map (env, meta). */
function scanMap(
  a: Analysis,
  construct: IConstruct,
  where: string,
  what: string,
  map: Readonly<Record<string, string>>,
): void {
  for (const [key, value] of Object.entries(map)) {
    const prop = `${what} ${JSON.stringify(key)}`;
    const secret = findSecretInVariable(key, value);
    if (secret) {
      a.emit({
        construct,
        ruleId: 'ZT-SECRET-001',
        location: where,
        prop,
        value: JSON.stringify(secret.masked),
        detail: `It holds ${secret.kind}.`,
      });
    }
    credentialsIn(a, construct, where, prop, value);
  }
}

function secretIn(a: Analysis, construct: IConstruct, where: string, prop: string, text: string) {
  const secret = findSecret(text);
  if (!secret) return;
  a.emit({
    construct,
    ruleId: 'ZT-SECRET-001',
    location: where,
    prop,
    value: JSON.stringify(secret.masked),
    detail: `It holds ${secret.kind}.`,
  });
}

/** A user:password@ URL in text. */
export function credentialsIn(
  a: Analysis,
  construct: IConstruct,
  where: string,
  prop: string,
  text: string,
): void {
  const url = findCredentialsInUrl(text);
  if (!url) return;
  a.emit({ construct, ruleId: 'ZT-SECRET-003', location: where, prop, value: JSON.stringify(url) });
}

/**
 * Checks an address of Vault, Nomad or a JWKS endpoint: credentials in it (unless the text it
 * comes from is scanned for them anyway), and plain HTTP to a host off the machine and off the
 * tailnet. Tokens and runtime variables are not checked.
 */
export function address(
  a: Analysis,
  construct: IConstruct,
  where: string,
  prop: string,
  value: unknown,
  kind: string,
  credentials = true,
): void {
  if (!isLiteral(value)) return;
  if (credentials) credentialsIn(a, construct, where, prop, value);
  if (isPlainHttpAddress(value)) {
    a.emit({
      construct,
      ruleId: 'ZT-TLS-001',
      location: where,
      prop,
      value: JSON.stringify(findCredentialsInUrl(value) ?? value),
      detail: `It is the ${kind} address.`,
    });
  }
}

/** A Docker image pinned to a tag other than latest, or to a digest. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/i.test(image)) return true;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.lastIndexOf(':');
  if (colon === -1) return false;
  const tag = name.slice(colon + 1);
  return tag !== '' && tag.toLowerCase() !== 'latest';
}

function image(a: Analysis, construct: IConstruct, where: string, value: string): void {
  if (!isLiteral(value) || isPinnedImage(value)) return;
  a.emit({
    construct,
    ruleId: 'ZT-NOMAD-003',
    location: where,
    prop: 'image',
    value: described(value),
    fix: `Pin a version tag or a digest, e.g. "${value.replace(/:[^:/]*$/, '')}:<version>" or "${value.replace(/:[^:/]*$/, '')}@sha256:<digest>".`,
  });
}

function staticPorts(a: Analysis, group: GroupView): void {
  const construct = group.job.construct;
  const meshService = a
    .of(ConnectMesh)
    .flatMap((m) => m.meshServices)
    .find((s) => group.model !== undefined && s.group === group.model);
  for (const port of group.ports) {
    if (port.static === undefined) continue;
    const viaMesh = meshService !== undefined && port.label === 'http';
    a.emit({
      construct,
      ruleId: 'ZT-NOMAD-001',
      location: group.where,
      prop: `network port ${JSON.stringify(port.label)} static${viaMesh ? ' (MeshServiceProps.staticPort)' : ''}`,
      value: described(port.static),
      fix: viaMesh
        ? `Leave staticPort unset on mesh service ${JSON.stringify(meshService!.name)} and route it through ZeroTrustIngress (exposeHttp / exposeTcp), which reaches it over the mesh.`
        : undefined,
    });
  }
}

interface PortClaim {
  readonly group: GroupView;
  readonly label: string;
}

function staticPortClaims(a: Analysis): Map<string, PortClaim[]> {
  const claims = new Map<string, PortClaim[]>();
  for (const group of a.jobs.flatMap((j) => j.groups)) {
    for (const port of group.ports) {
      if (port.static === undefined) continue;
      const key = `${port.hostNetwork ?? 'default'}\0${port.static}`;
      claims.set(key, [...(claims.get(key) ?? []), { group, label: port.label }]);
    }
  }
  return claims;
}

function duplicatePorts(a: Analysis, group: GroupView, claims: Map<string, PortClaim[]>): void {
  for (const port of group.ports) {
    if (port.static === undefined) continue;
    const key = `${port.hostNetwork ?? 'default'}\0${port.static}`;
    const others = (claims.get(key) ?? []).filter(
      (c) => c.group !== group || c.label !== port.label,
    );
    if (others.length === 0) continue;
    a.emit({
      construct: group.job.construct,
      ruleId: 'ZT-NOMAD-002',
      location: group.where,
      prop: `network port ${JSON.stringify(port.label)} static`,
      value: described(port.static),
      detail: `The same host port (host network ${JSON.stringify(port.hostNetwork ?? 'default')}) is claimed by: ${others
        .map((o) => `${o.group.where} port ${JSON.stringify(o.label)}`)
        .join('; ')}.`,
    });
  }
}

interface JobSecretPath {
  readonly job: JobView;
  readonly path: string;
}

/** Where each job's own KV secrets live, by the conventions of the app's integrations. */
function jobSecretPaths(a: Analysis): JobSecretPath[] {
  const vaults = a.of(VaultNomadIntegration);
  const conventions =
    vaults.length > 0
      ? vaults.map((v) => ({ mount: v.kvMountPath, legacy: v.mode.isLegacy }))
      : [
          { mount: 'secret', legacy: false },
          { mount: 'secret', legacy: true },
        ];
  const out: JobSecretPath[] = [];
  for (const job of a.jobs) {
    if (!isLiteral(job.name) || !isLiteral(job.namespace) || job.name === '') continue;
    for (const c of conventions) {
      const path = c.legacy
        ? `${c.mount}/data/${job.name}`
        : `${c.mount}/data/${job.namespace}/${job.name}`;
      if (!out.some((p) => p.job === job && p.path === path)) out.push({ job, path });
    }
  }
  return out;
}

/** The paths a template reads with `secret "..."`. */
export function templateSecretPaths(template: TemplateView): string[] {
  if (template.data === undefined) return [];
  const left = escapeRegExp(template.leftDelimiter);
  const right = escapeRegExp(template.rightDelimiter);
  const out: string[] = [];
  for (const action of template.data.matchAll(new RegExp(`${left}([\\s\\S]*?)${right}`, 'g'))) {
    for (const m of action[1].matchAll(/(?:^|[\s(-])secret\s+(?:"([^"]*)"|`([^`]*)`)/g)) {
      out.push(m[1] ?? m[2]);
    }
  }
  return out;
}

/** Whether a Vault policy path pattern (`+` one segment, trailing `*` a prefix) matches a path. */
export function vaultPathMatches(pattern: string, path: string): boolean {
  if (!isLiteral(pattern)) return false;
  const p = pattern.replace(/^\/+/, '');
  let source = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && i === p.length - 1) source += '.*';
    else if (
      ch === '+' &&
      (i === 0 || p[i - 1] === '/') &&
      (i === p.length - 1 || p[i + 1] === '/')
    ) {
      source += '[^/]+';
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`).test(path.replace(/^\/+/, ''));
}

function otherJobsSecrets(
  a: Analysis,
  task: TaskView,
  template: TemplateView,
  jobPaths: JobSecretPath[],
): void {
  const job = task.group.job;
  const granted = a.grantedPaths(task.model) ?? [];
  for (const path of templateSecretPaths(template)) {
    if (!isLiteral(path)) continue;
    const owners = jobPaths.filter(
      (p) =>
        (path === p.path || path.startsWith(`${p.path}/`)) &&
        !(p.job.name === job.name && p.job.namespace === job.namespace),
    );
    if (owners.length === 0) continue;
    if (granted.some((pattern) => vaultPathMatches(pattern, path))) continue;
    const owner = owners.sort((x, y) => y.path.length - x.path.length)[0];
    a.emit({
      construct: job.construct,
      ruleId: 'ZT-VAULT-006',
      location: task.where,
      prop: `template ${JSON.stringify(template.destination)} secret`,
      value: described(path),
      detail: `It is under ${JSON.stringify(owner.path)}, the secrets of job ${JSON.stringify(owner.job.name)} (${owner.job.where}), and the task belongs to job ${JSON.stringify(job.name)}${granted.length > 0 ? `; its grant covers ${listNames(granted)}` : ' and has no grant that covers it'}.`,
    });
  }
}

const RUNTIME_REFERENCE = /\$\{(NOMAD_[A-Za-z0-9_.-]+)\}/g;
const UPSTREAM_VARIABLE = /^NOMAD_UPSTREAM_(?:ADDR|IP|PORT)_(.+)$/;
const PORT_VARIABLE = /^NOMAD_(?:PORT|ADDR|IP|HOST_PORT|HOST_IP|HOST_ADDR|ALLOC_PORT)_(.+)$/;
const GENERATED_PORT = /^(?:connect[-_]proxy[-_]|svc_)/;

/** Upstreams and ports named by runtime variables of a hand-written group. */
function runtimeVariables(a: Analysis, group: GroupView): void {
  const upstreams = new Set<string>();
  for (const service of group.services) {
    for (const u of service.upstreams) {
      upstreams.add(u.destinationName);
      upstreams.add(cleanEnvVar(u.destinationName));
    }
  }
  const ports = new Set<string>();
  for (const port of group.ports) {
    for (const name of [port.label, ...group.tasks.map((t) => `${t.name}_${port.label}`)]) {
      ports.add(name);
      ports.add(cleanEnvVar(`NOMAD_X_${name}`).slice('NOMAD_X_'.length));
    }
  }
  for (const task of group.tasks) {
    const texts: Array<[string, string]> = [
      ...Object.entries(task.env).map(([k, v]): [string, string] => [
        `env ${JSON.stringify(k)}`,
        v,
      ]),
      ...task.args.map((v, i): [string, string] => [`config args[${i}]`, v]),
    ];
    for (const [prop, text] of texts) {
      for (const m of text.matchAll(RUNTIME_REFERENCE)) {
        const variable = m[1];
        const upstream = UPSTREAM_VARIABLE.exec(variable);
        const port = upstream ? undefined : PORT_VARIABLE.exec(variable);
        let missing: string | undefined;
        if (upstream && !upstreams.has(upstream[1])) {
          missing = `The group has no upstream ${JSON.stringify(upstream[1])}; its upstreams are: ${listNames(group.services.flatMap((s) => s.upstreams.map((u) => u.destinationName)))}.`;
        } else if (port && !ports.has(port[1]) && !GENERATED_PORT.test(port[1])) {
          missing = `The group network has no port ${JSON.stringify(port[1])}; its port labels are: ${listNames(group.ports.map((p) => p.label))}.`;
        }
        if (missing === undefined) continue;
        a.emit({
          construct: group.job.construct,
          ruleId: 'ZT-NOMAD-004',
          location: task.where,
          prop,
          value: described(`\${${variable}}`),
          detail: missing,
        });
      }
    }
  }
}

/** Agent configuration files (Consul, Nomad) rendered by a template, read as HCL or JSON. */
function agentFile(
  a: Analysis,
  construct: IConstruct,
  where: string,
  template: TemplateView,
): void {
  const destination = template.destination;
  if (template.data === undefined || !/\.(?:hcl|json)$/i.test(destination)) return;
  let document: Record<string, unknown>;
  try {
    document = /\.json$/i.test(destination)
      ? (JSON.parse(template.data) as Record<string, unknown>)
      : hclToJson(readHcl(template.data, { hcl1: true }));
  } catch (e) {
    if (!(e instanceof HclReadError) && !(e instanceof SyntaxError)) throw e;
    a.unread(
      construct,
      where,
      `template ${JSON.stringify(destination)}`,
      `not read as ${/\.json$/i.test(destination) ? 'JSON' : 'HCL'} (${e.message})`,
    );
    return;
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return;
  inspectAgentDocument(a, construct, `${where} template ${JSON.stringify(destination)}`, document);
}

/**
 * Rules on an agent configuration document (as hcl2json-shaped or JSON objects): Consul ACLs
 * and the Connect CA's Vault address, and Nomad's `vault {}` stanza.
 */
export function inspectAgentDocument(
  a: Analysis,
  construct: IConstruct,
  where: string,
  document: Record<string, unknown>,
): void {
  if (isConsulAgentDocument(document)) {
    const acl = first(document.acl);
    if (acl === undefined || acl.enabled === false || acl.enabled === 'false') {
      a.emit({
        construct,
        ruleId: 'ZT-CONSUL-002',
        location: where,
        prop: acl === undefined ? 'acl' : 'acl.enabled',
        value: acl === undefined ? '(not set: ACLs off)' : described(acl.enabled),
        detail:
          acl === undefined
            ? 'The Consul agent file has no acl block (if another file of the agent sets it, suppress with that reason).'
            : undefined,
      });
    } else if (
      typeof acl.default_policy === 'string' &&
      acl.default_policy.toLowerCase() === 'allow'
    ) {
      a.emit({
        construct,
        ruleId: 'ZT-CONSUL-001',
        location: where,
        prop: 'acl.default_policy',
        value: described(acl.default_policy),
      });
    }
    const ca = first(first(document.connect)?.ca_config);
    if (ca !== undefined)
      address(a, construct, where, 'connect.ca_config.address', ca.address, 'Vault');
  }
  for (const vault of list(document.vault)) {
    address(a, construct, where, 'vault.address', vault.address, 'Vault');
    if (vault.token !== undefined || vault.create_from_role !== undefined) {
      a.emit({
        construct,
        ruleId: 'ZT-VAULT-001',
        location: where,
        prop: vault.token !== undefined ? 'vault.token' : 'vault.create_from_role',
        value: vault.token !== undefined ? '(set)' : described(vault.create_from_role),
        detail: 'The Nomad agent’s vault stanza holds a token for the token workflow.',
      });
    }
  }
}

const CONSUL_SIGNS = [
  'bootstrap_expect',
  'retry_join',
  'client_addr',
  'advertise_addr',
  'encrypt',
  'ui',
  'ui_config',
  'recursors',
  'primary_datacenter',
  'node_name',
  'auto_encrypt',
  'connect',
  'acl',
];

/** Whether a document is a Consul agent file (and not a Nomad one, a jobspec or a policy). */
function isConsulAgentDocument(document: Record<string, unknown>): boolean {
  const keys = Object.keys(document);
  const nomad =
    'client' in document ||
    (document.server !== undefined && typeof document.server === 'object') ||
    'plugin' in document ||
    'vault' in document;
  if (nomad || 'job' in document || 'path' in document) return false;
  return typeof document.server === 'boolean' || keys.some((k) => CONSUL_SIGNS.includes(k));
}

type Obj = Record<string, unknown>;

function first(value: unknown): Obj | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(value: unknown): Obj[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((v): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
