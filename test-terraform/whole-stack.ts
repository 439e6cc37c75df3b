import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DevConsul, startDevConsul } from './consul-server';
import {
  DevNomad,
  DevNomadOptions,
  DevVault,
  freeLoopbackPorts,
  startDevNomad,
  startDevVault,
} from './servers';
import {
  consulBinary,
  mirrorProviders,
  nomadBinary,
  providerMirror,
  TerraformOptions,
  TerraformRun,
  vaultBinary,
} from './support';
import { pkiMountsFor, referencesIn, stackPart, tfStep } from './vault-stack';

/**
 * A synthesized example stack deployed whole, in the order a first deploy needs: the Nomad
 * agents' `vault {}` and `consul {}` stanzas are planned first from the stack itself (Vault and
 * Consul are up; Nomad is not yet), the agents start with them, and then the whole stack is
 * applied (Vault's JWT backend fetches the keys of the running agent).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The servers of one stack's deploy, and Terraform pointed at them. */
export interface Platform {
  readonly vault: DevVault;
  /** Started when the stack has a consul provider. */
  readonly consul: DevConsul | undefined;
  readonly nomad: DevNomad;
  /** The stack as applied: providers at the mirror's versions, JWKS URLs on the agent. */
  readonly json: Json;
  /** Its working directory (cdk.tf.json, state). */
  readonly dir: string;
  readonly options: TerraformOptions;
  /** The Nomad agent's stanzas from the stack, by output name. */
  readonly stanzas: Record<string, string>;
  /** Everything Terraform printed so far. */
  readonly printed: string[];
  /** The root certificates of the PKI mounts made for the stack's roles, by path. */
  readonly pkiRoots: Record<string, string>;
  /** Runs a Terraform step in `dir` (with -input=false -no-color) and records its output. */
  step(args: string[], ok?: number[]): TerraformRun;
  /** Stops every server by its PID (all of them, even when one fails). */
  stop(): Promise<void>;
}

/** Settings of {@link startPlatform}. */
export interface PlatformOptions {
  /** The Nomad release. @default 'v1.11.3' */
  readonly nomadRelease?: string;
  /** More settings of the Nomad agent (ports, stanzas and Consul are set here). */
  readonly nomad?: Omit<DevNomadOptions, 'ports' | 'consul'>;
}

/**
 * Starts `vault server -dev`, `consul agent -dev` (when the stack has a consul provider) and
 * `nomad agent -dev` with the stanzas the stack renders ({@link nomadAgentStanzas}), every one
 * on loopback, and readies Terraform for the stack: every variable a harness value (so no
 * default, a real host, is used), every provider pointed at these servers.
 */
export async function startPlatform(
  name: string,
  synthesized: Json,
  settings: PlatformOptions = {},
): Promise<Platform> {
  providerMirror();
  const dir = mkdtempSync(join(tmpdir(), `platform-${name}-`));
  const printed: string[] = [];
  const record = (step: string, run: TerraformRun) => printed.push(`${step}\n${run.output}`);
  const started: Array<DevVault | DevConsul | DevNomad> = [];
  const stop = async () => {
    const results = await Promise.allSettled(started.reverse().map((s) => s.process.stop()));
    const running = started.filter((s) => s.process.running()).map((s) => s.process.name);
    if (running.length > 0) throw new Error(`still running: ${running.join(', ')}`);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  };
  try {
    const vault = await startDevVault(vaultBinary());
    started.push(vault);
    const pkiRoots = await pkiMountsFor(vault, synthesized);
    const consul =
      'consul' in (synthesized.provider ?? {}) ? await startDevConsul(consulBinary()) : undefined;
    if (consul) started.push(consul);
    const ports = (await freeLoopbackPorts(3)) as [number, number, number];
    const nomadAddress = `http://127.0.0.1:${ports[0]}`;
    const json = stackForMirror(synthesized, dir);
    pinJwksUrls(json, `${nomadAddress}/.well-known/jwks.json`);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
    const values: Record<string, string> = {
      vault_addr_for_nomad: vault.address,
      nomad_addr_for_vault: nomadAddress,
      nomad_jwks_url: `${nomadAddress}/.well-known/jwks.json`,
    };
    const unset = Object.keys(json.variable ?? {}).filter(
      (v) => !(v in values) && v !== 'nomad_addr',
    );
    if (unset.length > 0) throw new Error(`no harness value for variables ${unset.join(', ')}`);
    const options: TerraformOptions = {
      endpoints: {
        vault: vault.address,
        nomad: nomadAddress,
        ...(consul ? { consul: consul.httpAddress } : {}),
      },
      vaultToken: vault.rootToken,
      vars: Object.fromEntries(
        Object.keys(json.variable ?? {})
          .filter((v) => v in values)
          .map((v) => [v, values[v]]),
      ),
      env: {
        TERRAFORM_VAULT_SKIP_CHILD_TOKEN: 'true',
        ...(consul ? { CONSUL_HTTP_TOKEN: consul.managementToken } : {}),
      },
    };
    // The agent's stanzas are planned from the stack, and the agent starts with them (a stack
    // without a nomad provider still needs the agent: Vault reads its JWKS).
    const stanzas = nomadAgentStanzas(json, dir, options, record);
    const nomad = await startDevNomad(nomadBinary(settings.nomadRelease), {
      ...settings.nomad,
      ports,
      extraConfig: {
        ...settings.nomad?.extraConfig,
        ...Object.fromEntries(
          Object.entries(stanzas).map(([output, text]) => [`${output}.hcl`, text]),
        ),
      },
      ...(consul
        ? {
            consul: {
              address: consul.httpAddress,
              grpcAddress: consul.grpcAddress,
              token: consul.managementToken,
            },
          }
        : {}),
    });
    started.push(nomad);
    const step = (args: string[], ok: number[] = [0]) => {
      const run = tfStep(dir, [...args, '-input=false', '-no-color'], options, ok);
      record(args[0], run);
      return run;
    };
    return { vault, consul, nomad, json, dir, options, stanzas, printed, pkiRoots, step, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Points each JWT backend's literal jwks_url off loopback (an example's real Nomad address) at
 * local keys, since Vault fetches them while the backend is written. Returns what was replaced;
 * URLs built from variables get loopback values from the harness.
 */
export function pinJwksUrls(json: Json, localJwksUrl: string): Record<string, string> {
  const replaced: Record<string, string> = {};
  for (const [name, body] of Object.entries<Json>(json.resource?.vault_jwt_auth_backend ?? {})) {
    const url = body.jwks_url;
    if (typeof url !== 'string' || /[$%]\{/.test(url)) continue;
    if (['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) continue;
    replaced[`vault_jwt_auth_backend.${name}`] = url;
    body.jwks_url = localJwksUrl;
  }
  return replaced;
}

/** A deep copy of a synthesized stack, its providers at the mirror's versions, state in `dir`. */
export function stackForMirror(synthesized: Json, dir: string): Json {
  const json = JSON.parse(JSON.stringify(synthesized));
  const inMirror = mirrorProviders();
  for (const [p, spec] of Object.entries<Json>(json.terraform?.required_providers ?? {})) {
    if (!(p in inMirror)) throw new Error(`provider ${p} is not in the mirror`);
    spec.version = inMirror[p];
  }
  json.terraform.backend = { local: { path: join(dir, 'terraform.tfstate') } };
  return json;
}

/**
 * The agent stanzas a stack renders for Nomad (its `vault {` and `consul {` outputs), by output
 * name, as Terraform evaluates them before Nomad runs: from a plan of the stack without its
 * nomad provider, or, when a stanza holds something only an apply makes (the legacy servers'
 * Vault token), from an apply of that part into the whole stack's state.
 */
export function nomadAgentStanzas(
  json: Json,
  dir: string,
  options: TerraformOptions,
  log: (step: string, run: TerraformRun) => void = () => undefined,
): Record<string, string> {
  const providers = Object.keys(json.provider ?? {}).filter((p) => p !== 'nomad');
  const partDir = join(dir, 'before-nomad');
  mkdirSync(partDir, { recursive: true });
  const part = stackPart(json, join(dir, 'terraform.tfstate'), providers).json;
  const stanzaNames = Object.keys(part.output ?? {}).filter((n) => {
    const value = part.output[n].value;
    return typeof value === 'string' && /^(vault|consul) \{/.test(value);
  });
  writeFileSync(join(partDir, 'cdk.tf.json'), JSON.stringify(part, null, 2));
  tfStep(partDir, ['init', '-input=false', '-no-color'], options);
  log('plan', tfStep(partDir, ['plan', '-input=false', '-no-color', '-out=tfplan'], options));
  const planned = JSON.parse(tfStep(partDir, ['show', '-json', 'tfplan'], options).stdout);
  const unknown = planned.output_changes ?? {};
  const needsApply = stanzaNames.filter((n) => unknown[n]?.after_unknown === true);
  let values: Record<string, Json>;
  if (needsApply.length === 0) {
    values = Object.fromEntries(
      stanzaNames.map((n) => [n, planned.planned_values.outputs[n]?.value]),
    );
  } else {
    log('apply', tfStep(partDir, ['apply', '-input=false', '-no-color', '-auto-approve'], options));
    const out = JSON.parse(tfStep(partDir, ['output', '-json', '-no-color'], options).stdout);
    values = Object.fromEntries(stanzaNames.map((n) => [n, out[n].value]));
  }
  for (const [n, v] of Object.entries(values)) {
    if (typeof v !== 'string') throw new Error(`stanza output ${n} has no value: ${v}`);
  }
  return values;
}

/** Addresses of the managed resources of a stack with `lifecycle.prevent_destroy`. */
export function protectedResources(json: Json): string[] {
  return Object.entries<Json>(json.resource ?? {})
    .flatMap(([type, items]) =>
      Object.entries<Json>(items)
        .filter(([, body]) => body.lifecycle?.prevent_destroy === true)
        .map(([n]) => `${type}.${n}`),
    )
    .sort();
}

/**
 * What must stay when the protected resources stay: them and, transitively, what they refer to
 * (destroying a dependency would destroy them too, which Terraform refuses).
 */
export function keptAliveBy(json: Json, protectedAddresses: string[]): Set<string> {
  const resourceTypes = new Set(Object.keys(json.resource ?? {}));
  const kept = new Set<string>();
  const visit = (address: string) => {
    if (kept.has(address)) return;
    kept.add(address);
    const [type, name] = address.split('.');
    for (const ref of referencesIn(json.resource[type][name], resourceTypes)) {
      const [t, n] = ref.split('.');
      if (json.resource[t]?.[n]) visit(`${t}.${n}`);
    }
  };
  protectedAddresses.forEach(visit);
  return kept;
}

/** A copy of a stack with every `lifecycle.prevent_destroy` lifted (clean-up after a check). */
export function withoutPreventDestroy(json: Json): Json {
  const copy = JSON.parse(JSON.stringify(json));
  for (const items of Object.values<Json>(copy.resource ?? {})) {
    for (const body of Object.values<Json>(items)) delete body.lifecycle?.prevent_destroy;
  }
  return copy;
}

/** Every managed resource address of a stack. */
export function resourceAddresses(json: Json): string[] {
  return Object.entries<Json>(json.resource ?? {})
    .flatMap(([type, items]) => Object.keys(items).map((n) => `${type}.${n}`))
    .sort();
}

/**
 * The values of the sensitive attributes of applied resources (from `terraform show -json`),
 * at least 8 characters long: what no Terraform output may print.
 */
export function sensitiveValues(state: Json): string[] {
  const found = new Set<string>();
  const collect = (value: Json, marks: Json) => {
    if (marks === true) {
      const visit = (v: Json) => {
        if (typeof v === 'string' && v.length >= 8) found.add(v);
        else if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === 'object') Object.values(v).forEach(visit);
      };
      visit(value);
    } else if (marks && typeof marks === 'object') {
      for (const [k, m] of Object.entries(marks)) collect(value?.[k], m);
    }
  };
  for (const r of state.values?.root_module?.resources ?? []) {
    collect(r.values, r.sensitive_values);
  }
  return [...found];
}
