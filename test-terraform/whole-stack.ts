import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { mirrorProviders, TerraformOptions, TerraformRun } from './support';
import { referencesIn, stackPart, tfStep } from './vault-stack';

/**
 * A synthesized example stack deployed whole, in the order a first deploy needs: the Nomad
 * agents' `vault {}` and `consul {}` stanzas are planned first from the stack itself (Vault and
 * Consul are up; Nomad is not yet), the agents start with them, and then the whole stack is
 * applied (Vault's JWT backend fetches the keys of the running agent).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

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
  const stanzaNames = Object.keys(part.output ?? {}).filter((n) =>
    /^(vault|consul) \{/.test(stanzaTemplateStart(part.output[n].value)),
  );
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

/** The literal text a Terraform template begins with. */
function stanzaTemplateStart(value: Json): string {
  return typeof value === 'string' ? value.slice(0, 10) : '';
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
