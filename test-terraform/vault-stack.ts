import { X509Certificate } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { scanTerraformTemplate } from '../test/hcl/terraform-scan';
import { DevVault } from './servers';
import {
  mirrorProviders,
  providerMirror,
  terraform,
  TerraformOptions,
  TerraformRun,
} from './support';

/**
 * The Vault part of a synthesized stack, applied to a real Vault and read back through Vault's
 * HTTP API. Only the vault provider can be built here (see README), so the other providers and
 * everything of theirs are taken out first.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A reference from one Terraform item to another, as `var.x`, `local.x`, `data.t.n` or `t.n`. */
type Ref = string;

/** Every reference in the `${...}` sequences of the strings of a value, and in depends_on. */
export function referencesIn(value: Json, resourceTypes: Set<string>): Set<Ref> {
  const refs = new Set<Ref>();
  const visit = (v: Json, key?: string) => {
    if (typeof v === 'string') {
      if (key === 'depends_on') {
        refs.add(v.replace(/^\$\{|\}$/g, ''));
        return;
      }
      for (const seq of scanTerraformTemplate(v).sequences) {
        if (!seq.startsWith('$')) continue;
        // Quoted strings inside an expression are text, not references.
        const expr = seq.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        for (const m of expr.matchAll(/(?<![\w.])(var|local)\.([A-Za-z_][\w-]*)/g)) {
          refs.add(`${m[1]}.${m[2]}`);
        }
        for (const m of expr.matchAll(/(?<![\w.])data\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) {
          refs.add(`data.${m[1]}.${m[2]}`);
        }
        for (const m of expr.matchAll(
          /(?<![\w.])([a-z][a-z0-9]*_[a-z0-9_]*)\.([A-Za-z_][\w-]*)/g,
        )) {
          if (resourceTypes.has(m[1])) refs.add(`${m[1]}.${m[2]}`);
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach((x) => visit(x, key));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k !== '//') visit(x, k);
    }
  };
  visit(value);
  return refs;
}

/** What {@link vaultOnlyStack} kept and left out. */
export interface VaultOnlyStack {
  readonly json: Json;
  /** Addresses of the kept resources and data sources (`vault_policy.X`, `data.vault_x.Y`). */
  readonly kept: string[];
  /** Names of the outputs left out because they need something that was left out. */
  readonly droppedOutputs: string[];
}

/** Options of {@link vaultOnlyStack}. */
export interface VaultOnlyOptions {
  /**
   * Add an output `nomad_jobspec_<resource>` with the jobspec of each nomad_job whose
   * references are all kept, so Terraform evaluates what it would send to Nomad.
   * @default false
   */
  readonly jobspecOutputs?: boolean;
}

/**
 * Keeps of a synthesized cdk.tf.json only the vault provider, the vault_* resources and data
 * sources, and the variables, locals and outputs they need. State goes to `statePath` (the
 * synthesized backend points into the working directory). Fails when a kept item refers to
 * something that was left out, since it could not be applied alone.
 */
export function vaultOnlyStack(
  source: Json,
  statePath: string,
  options: VaultOnlyOptions = {},
): VaultOnlyStack {
  return stackPart(source, statePath, ['vault'], options);
}

/**
 * Keeps of a synthesized cdk.tf.json only the given providers, their resources and data sources,
 * and the variables, locals and outputs they need (see {@link vaultOnlyStack}).
 */
export function stackPart(
  source: Json,
  statePath: string,
  providerNames: readonly string[],
  options: VaultOnlyOptions = {},
): VaultOnlyStack {
  const ofKept = (type: string) => providerNames.some((p) => type.startsWith(`${p}_`));
  const resourceTypes = new Set<string>(Object.keys(source.resource ?? {}));
  const keptResources: Json = {};
  const keptData: Json = {};
  const kept: string[] = [];
  for (const [type, items] of Object.entries<Json>(source.resource ?? {})) {
    if (!ofKept(type)) continue;
    keptResources[type] = items;
    kept.push(...Object.keys(items).map((n) => `${type}.${n}`));
  }
  for (const [type, items] of Object.entries<Json>(source.data ?? {})) {
    if (!ofKept(type)) continue;
    keptData[type] = items;
    kept.push(...Object.keys(items).map((n) => `data.${type}.${n}`));
  }
  const providers: Json = Object.fromEntries(
    providerNames.filter((p) => source.provider?.[p]).map((p) => [p, source.provider[p]]),
  );

  // Locals and variables needed by what is kept, locals followed transitively.
  const needed = new Set<Ref>();
  const addRefs = (v: Json) => referencesIn(v, resourceTypes).forEach((r) => needed.add(r));
  addRefs(keptResources);
  addRefs(keptData);
  addRefs(providers);
  const locals: Json = {};
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, value] of Object.entries<Json>(source.locals ?? {})) {
      if (needed.has(`local.${name}`) && !(name in locals)) {
        locals[name] = value;
        addRefs(value);
        changed = true;
      }
    }
  }
  const isKept = (r: Ref) =>
    r.startsWith('var.') || r.startsWith('local.')
      ? true
      : kept.includes(r) || kept.some((k) => r === k || r.startsWith(`${k}.`));
  const missing = [...needed].filter((r) => !isKept(r));
  if (missing.length > 0) {
    throw new Error(
      `the ${providerNames.join(' and ')} part of the stack refers to things outside it and cannot be applied alone: ${missing.join(', ')}`,
    );
  }

  const outputs: Json = {};
  const droppedOutputs: string[] = [];
  for (const [name, output] of Object.entries<Json>(source.output ?? {})) {
    const refs = [...referencesIn(output, resourceTypes)];
    if (refs.every(isKept)) {
      outputs[name] = output;
      refs.forEach((r) => needed.add(r));
    } else {
      droppedOutputs.push(name);
    }
  }
  if (options.jobspecOutputs) {
    for (const [name, job] of Object.entries<Json>(source.resource?.nomad_job ?? {})) {
      const refs = [...referencesIn(job.jobspec, resourceTypes)];
      if (!refs.every(isKept)) continue;
      outputs[`nomad_jobspec_${name}`] = { value: job.jobspec };
      refs.forEach((r) => needed.add(r));
    }
  }
  const variables: Json = {};
  for (const [name, v] of Object.entries<Json>(source.variable ?? {})) {
    if (needed.has(`var.${name}`)) variables[name] = v;
  }

  const required = Object.fromEntries(
    providerNames
      .filter((p) => source.terraform?.required_providers?.[p])
      .map((p) => [p, source.terraform.required_providers[p]]),
  );
  const json: Json = {
    terraform: {
      ...(source.terraform?.required_version
        ? { required_version: source.terraform.required_version }
        : {}),
      required_providers: required,
      backend: { local: { path: statePath } },
    },
    provider: providers,
    resource: keptResources,
  };
  if (Object.keys(keptData).length > 0) json.data = keptData;
  if (Object.keys(locals).length > 0) json.locals = locals;
  if (Object.keys(variables).length > 0) json.variable = variables;
  if (Object.keys(outputs).length > 0) json.output = outputs;
  return { json, kept: kept.sort(), droppedOutputs: droppedOutputs.sort() };
}

/**
 * Whether `actual` is what Terraform makes of the synthesized `rendered` value: literal text
 * exactly (escapes undone), each `${...}` some value. Arrays match in any order (Terraform
 * sets and Vault's sorted lists), objects key by key.
 */
export function matchesRendered(rendered: Json, actual: Json): boolean {
  if (typeof rendered === 'string') {
    if (typeof actual !== 'string')
      return typeof actual === 'number' && matchesRendered(rendered, String(actual));
    const hole = '\u0000';
    const scan = scanTerraformTemplate(rendered, hole);
    if (scan.sequences.some((s) => s.startsWith('%'))) return false;
    const pattern = scan.text
      .split(hole)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('([\\s\\S]*?)');
    return new RegExp(`^${pattern}$`).test(actual);
  }
  if (Array.isArray(rendered)) {
    if (!Array.isArray(actual) || actual.length !== rendered.length) return false;
    const left = [...actual];
    // Literal elements first, so a reference does not take the element a literal needs.
    const hasRef = (r: Json) =>
      typeof r === 'string' && scanTerraformTemplate(r).sequences.length > 0;
    const ordered = [...rendered.filter((r) => !hasRef(r)), ...rendered.filter(hasRef)];
    return ordered.every((r) => {
      const i = left.findIndex((a) => matchesRendered(r, a));
      if (i === -1) return false;
      left.splice(i, 1);
      return true;
    });
  }
  if (rendered && typeof rendered === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    const keys = Object.keys(rendered);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((k) => matchesRendered(rendered[k], actual[k]))
    );
  }
  return rendered === actual;
}

/** Seconds of a Go duration such as `72h` or `1h30m`, or the number itself. */
export function durationSeconds(v: Json): number {
  if (typeof v === 'number') return v;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let total = 0;
  const re = /(\d+)([hms])/g;
  let m: RegExpExecArray | null;
  let consumed = '';
  while ((m = re.exec(String(v))) !== null) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0];
  }
  if (/^\d+$/.test(String(v))) return Number(v);
  if (consumed !== String(v)) throw new Error(`not a duration: ${v}`);
  return total;
}

/** Equality as Vault reports values: arrays in any order, numbers against numeric strings. */
export function sameValue(expected: Json, actual: Json): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      [...expected].map(String).sort().join('\u0000') ===
        [...actual].map(String).sort().join('\u0000')
    );
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((k) => sameValue(expected[k], actual[k]))
    );
  }
  if (typeof expected === 'number' || typeof actual === 'number')
    return Number(expected) === Number(actual);
  return expected === actual;
}

/** One applied resource compared with what Vault reports. */
export interface ReadBack {
  readonly address: string;
  /** Where in Vault's API it was read. */
  readonly apiPath: string;
  /** Rendered attributes Vault does not report afterwards, with the reason. */
  readonly notReported: Record<string, string>;
  /** Rendered attribute → [value Terraform applied, value Vault reports]; equal when it passed. */
  readonly attributes: Record<
    string,
    { applied: Json; vault: Json; same: boolean; rendered: boolean }
  >;
  /** Rendered attributes no Vault field was read for (must be empty). */
  readonly unread: string[];
}

/** Attributes of a resource that are part of its API path rather than of what Vault returns. */
const PATH_ATTRIBUTES: Record<string, string[]> = {
  vault_policy: ['name'],
  vault_jwt_auth_backend: [],
  vault_jwt_auth_backend_role: ['backend', 'role_name'],
  vault_token_auth_backend_role: ['role_name'],
  vault_token: [],
  vault_mount: ['path'],
  vault_pki_secret_backend_root_cert: ['backend'],
  vault_pki_secret_backend_role: ['backend', 'name'],
};

/**
 * Settings Vault does not report once the object exists, by type, and why. They are listed in
 * the read-back instead of being compared.
 */
const NOT_REPORTED: Record<string, Record<string, string>> = {
  vault_pki_secret_backend_root_cert: {
    type: 'internal or exported: Vault keeps the key either way; only the generate response differed',
  },
};

/** Names of the elliptic curves Node reports, by size in bits. */
const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** Terraform attributes that are not settings of the Vault object. */
const META = new Set(['//', 'provider', 'lifecycle', 'depends_on', 'count', 'for_each']);

/**
 * Reads one applied resource back through Vault's API and compares each attribute the stack
 * set with Vault's answer (and with the rendered value, references aside). Resource types it
 * has no reader for fail, so a new type in the examples cannot go unread.
 */
export async function readBack(
  vault: DevVault,
  type: string,
  name: string,
  rendered: Json,
  applied: Json,
): Promise<ReadBack> {
  let apiPath: string;
  const fromVault: Record<string, Json> = {};
  /** Comparisons other than equality, by attribute. */
  const comparators: Record<string, (applied: Json, vault: Json) => boolean> = {};
  const fail = (what: string, res: { status: number; body: Json }) => {
    throw new Error(`${type}.${name}: ${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
  switch (type) {
    case 'vault_policy': {
      apiPath = `sys/policy/${applied.name}`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      fromVault.policy = res.body.data.rules;
      break;
    }
    case 'vault_jwt_auth_backend': {
      const mounts = await vault.api('GET', 'sys/auth');
      const mount = mounts.body.data[`${applied.path}/`];
      if (!mount) throw new Error(`${type}.${name}: no auth mount ${applied.path}/ in sys/auth`);
      fromVault.path = applied.path;
      fromVault.type = mount.type;
      fromVault.description = mount.description;
      fromVault.accessor = mount.accessor;
      apiPath = `auth/${applied.path}/config`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      Object.assign(fromVault, res.body.data);
      break;
    }
    case 'vault_jwt_auth_backend_role': {
      apiPath = `auth/${applied.backend}/role/${applied.role_name}`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      Object.assign(fromVault, res.body.data);
      // Vault keeps each bound claim as a list, splitting a string at commas (unless the
      // role disables that parsing): "traefik" comes back as ["traefik"].
      comparators.bound_claims = (want, got) => {
        if (!want || !got) return sameValue(want ?? {}, got ?? {});
        const split = (v: Json) =>
          Array.isArray(v) ? v : applied.disable_bound_claims_parsing ? [v] : String(v).split(',');
        return sameValue(
          Object.fromEntries(Object.entries<Json>(want).map(([k, v]) => [k, split(v)])),
          got,
        );
      };
      break;
    }
    case 'vault_token_auth_backend_role': {
      apiPath = `auth/token/roles/${applied.role_name}`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      Object.assign(fromVault, res.body.data);
      break;
    }
    case 'vault_token': {
      apiPath = 'auth/token/lookup-accessor';
      // The provider's id of a token is its accessor.
      const res = await vault.api('POST', apiPath, { accessor: applied.id });
      if (res.status !== 200) fail(apiPath, res);
      const d = res.body.data;
      // Vault's own words for the same settings.
      // Vault adds "default" to a token's policies unless told not to.
      fromVault.policies = (d.policies as string[]).filter(
        (p) => p !== 'default' || (applied.policies as string[]).includes('default'),
      );
      fromVault.no_parent = d.orphan;
      fromVault.period = d.period;
      fromVault.renewable = d.renewable;
      fromVault.display_name = String(d.display_name).replace(/^token-/, '');
      break;
    }
    case 'vault_mount': {
      apiPath = `sys/mounts/${applied.path}`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      const d = res.body.data;
      fromVault.type = d.type;
      fromVault.description = d.description;
      fromVault.max_lease_ttl_seconds = d.config.max_lease_ttl;
      fromVault.default_lease_ttl_seconds = d.config.default_lease_ttl;
      break;
    }
    case 'vault_pki_secret_backend_root_cert': {
      // The certificate Vault now issues from, read as any client would.
      apiPath = `${applied.backend}/issuer/default`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      const cert = new X509Certificate(res.body.data.certificate);
      const details = cert.publicKey.asymmetricKeyDetails ?? {};
      fromVault.common_name = /^CN=(.*)$/m.exec(cert.subject)?.[1];
      fromVault.key_type = cert.publicKey.asymmetricKeyType;
      fromVault.key_bits =
        details.modulusLength ?? (details.namedCurve ? CURVE_BITS[details.namedCurve] : undefined);
      // Vault backdates a certificate's start by 30 s; the span is the TTL plus that.
      const span = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 1000;
      fromVault.ttl = span - 30;
      comparators.ttl = (want, got) => Math.abs(durationSeconds(want) - Number(got)) <= 60;
      break;
    }
    case 'vault_pki_secret_backend_role': {
      apiPath = `${applied.backend}/roles/${applied.name}`;
      const res = await vault.api('GET', apiPath);
      if (res.status !== 200) fail(apiPath, res);
      Object.assign(fromVault, res.body.data);
      // Vault answers TTLs in seconds, as numbers
      comparators.max_ttl = (want, got) => String(want) === String(got);
      break;
    }
    default:
      throw new Error(
        `no read-back through Vault's API for ${type}.${name}: add one in vault-stack.ts`,
      );
  }

  const attributes: ReadBack['attributes'] = {};
  const unread: string[] = [];
  const notReported: Record<string, string> = {};
  for (const [key, value] of Object.entries<Json>(rendered)) {
    if (META.has(key) || PATH_ATTRIBUTES[type].includes(key)) continue;
    if (NOT_REPORTED[type]?.[key]) {
      notReported[key] = NOT_REPORTED[type][key];
      continue;
    }
    if (!(key in fromVault)) {
      unread.push(key);
      continue;
    }
    let want = applied[key];
    let got = fromVault[key];
    if (type === 'vault_token' && key === 'period') {
      want = durationSeconds(want);
      got = Number(got);
    }
    attributes[key] = {
      applied: want,
      vault: got,
      same: comparators[key] ? comparators[key](want, got) : sameValue(want, got),
      rendered: matchesRendered(value, applied[key]),
    };
  }
  return { address: `${type}.${name}`, apiPath, notReported, attributes, unread };
}

/** The resources Terraform state holds, by address, with their attribute values. */
export function stateResources(
  dir: string,
  mirror: string,
  options: TerraformOptions,
): Record<string, Json> {
  const show = terraform(dir, ['show', '-json', '-no-color'], mirror, options);
  if (show.status !== 0) throw new Error(`terraform show failed:\n${show.output}`);
  const state = JSON.parse(show.stdout);
  const resources: Json[] = state.values?.root_module?.resources ?? [];
  return Object.fromEntries(resources.map((r) => [r.address, r.values]));
}

/** Writes a Vault-only stack into `dir` with the mirror's provider version. */
export function writeVaultStack(
  synthesized: Json,
  dir: string,
  options: VaultOnlyOptions = {},
): VaultOnlyStack {
  mkdirSync(dir, { recursive: true });
  const stack = vaultOnlyStack(synthesized, join(dir, 'terraform.tfstate'), options);
  const mirrorVersion = mirrorProviders().vault;
  if (stack.json.terraform.required_providers.vault) {
    stack.json.terraform.required_providers.vault.version = mirrorVersion;
  }
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(stack.json, null, 2));
  return stack;
}

/** Runs one Terraform step and fails with Terraform's own words when its status is unexpected. */
export function tfStep(
  dir: string,
  args: string[],
  options: TerraformOptions,
  okStatuses: number[] = [0],
): TerraformRun {
  const run = terraform(dir, args, providerMirror(), options);
  if (!okStatuses.includes(run.status)) {
    throw new Error(`terraform ${args.join(' ')} exited ${run.status}:\n${run.output}`);
  }
  return run;
}

/**
 * What a Vault holds of the kinds of objects the stacks create: policies, auth mounts, token
 * roles and token accessors. Compared before apply and after destroy.
 */
export async function vaultInventory(vault: DevVault): Promise<Record<string, string[]>> {
  const list = async (path: string) => {
    const res = await vault.api('LIST', path);
    if (res.status === 404) return [];
    if (res.status !== 200)
      throw new Error(`LIST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.data.keys as string[]).slice().sort();
  };
  const auth = await vault.api('GET', 'sys/auth');
  return {
    policies: await list('sys/policy'),
    authMounts: Object.keys(auth.body.data).sort(),
    tokenRoles: await list('auth/token/roles'),
    tokenAccessors: await list('auth/token/accessors'),
  };
}

/**
 * What a stack's PKI roles need before it is applied: a PKI mount, with a CA, at each role's
 * backend that no `vault_mount` of the stack creates (a platform's CA exists before the stacks
 * that issue from it; README "A first deploy, in order"). Returns each mount's root
 * certificate (PEM), by path.
 */
export async function pkiMountsFor(vault: DevVault, json: Json): Promise<Record<string, string>> {
  const mounted = new Set(
    Object.values<Json>(json.resource?.vault_mount ?? {}).map((m) => String(m.path)),
  );
  const roots: Record<string, string> = {};
  for (const role of Object.values<Json>(json.resource?.vault_pki_secret_backend_role ?? {})) {
    const backend = String(role.backend);
    if (mounted.has(backend) || backend in roots || /[$%]\{/.test(backend)) continue;
    const mount = await vault.api('POST', `sys/mounts/${backend}`, {
      type: 'pki',
      config: { max_lease_ttl: '87600h' },
    });
    if (mount.status !== 204) throw new Error(`mounting ${backend}: ${JSON.stringify(mount)}`);
    const root = await vault.api('POST', `${backend}/root/generate/internal`, {
      common_name: `${backend} test root`,
      ttl: '8760h',
    });
    if (root.status !== 200) throw new Error(`root of ${backend}: ${JSON.stringify(root)}`);
    roots[backend] = root.body.data.certificate;
  }
  return roots;
}
