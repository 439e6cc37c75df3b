import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { parse } from '@cdktf/hcl2json';
import { App, TerraformStack, Testing } from 'cdktf';
import { unescapeTerraform } from '../lib/core/terraform-string';
import { scanTerraformTemplate } from './hcl/terraform-scan';

/** A stack with the three providers configured, as the examples have. */
export function newStack(id = 'test'): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
  new VaultProvider(stack, 'vault', {});
  new ConsulProvider(stack, 'consul', {});
  return { app, stack };
}

/** Synthesizes a stack (running validations) and returns the parsed Terraform JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function synthJson(stack: TerraformStack, runValidations = true): any {
  return JSON.parse(Testing.synth(stack, runValidations));
}

/** The `nomad_job` jobspecs of a synthesized stack as Terraform sees them, keyed by resource name. */
export function rawJobspecs(stack: TerraformStack, runValidations = true): Record<string, string> {
  const jobs = synthJson(stack, runValidations).resource?.nomad_job ?? {};
  return Object.fromEntries(
    Object.entries<{ jobspec: string }>(jobs).map(([k, v]) => [k, v.jobspec]),
  );
}

/** The `nomad_job` jobspecs of a synthesized stack, keyed by resource name, Terraform layer undone. */
export function jobspecs(stack: TerraformStack, runValidations = true): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rawJobspecs(stack, runValidations)).map(([k, v]) => [k, unescapeTerraform(v)]),
  );
}

/** The single jobspec of a stack with exactly one nomad_job. */
export function onlyJobspec(stack: TerraformStack, runValidations = true): string {
  const all = Object.values(jobspecs(stack, runValidations));
  if (all.length !== 1) throw new Error(`expected one nomad_job, found ${all.length}`);
  return all[0];
}

/**
 * Parses HCL with HashiCorp's parser (hcl2json). Strings come back in Terraform's JSON form,
 * where a literal `${` reads `$${`; {@link literalStrings} turns them back into plain text.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function parseHcl(text: string): Promise<any> {
  return parse('jobspec.hcl', text);
}

/**
 * Turns every string in hcl2json output into the text HCL evaluated it to: `$${` and `%%{`
 * (literal template markers) become `${` and `%{`. Applied to both sides when comparing with a
 * seed, where `${NOMAD_PORT_http}` is an unevaluated runtime variable that Nomad keeps as text.
 */
export function literalStrings<T>(value: T): T {
  if (typeof value === 'string') return unescapeTerraform(value) as T;
  if (Array.isArray(value)) return value.map(literalStrings) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalStrings(v)])) as T;
  }
  return value;
}

/**
 * Undoes hcl2json's Terraform-style escaping on the keys of a map attribute (such as
 * `env = { "a.b" = ... }`). Block labels need no such step: hcl2json prints them as they are.
 */
export function literalKeys(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [unescapeTerraform(k), v]));
}

/** Parses a jobspec and returns its only job body: `{ group: {...}, ... }`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function parseJob(text: string): Promise<{ name: string; body: any }> {
  const parsed = literalStrings(await parseHcl(text));
  const names = Object.keys(parsed.job ?? {});
  if (names.length !== 1) throw new Error(`expected one job block, found ${names.length}`);
  return { name: names[0], body: parsed.job[names[0]][0] };
}

/**
 * Replaces each live Terraform interpolation `${...}` in a synthesized string with a placeholder
 * and undoes the escaping of the rest, giving the text Terraform would produce if every
 * reference evaluated to the placeholder. Returns the text and the interpolations found.
 */
export function withPlaceholders(
  text: string,
  placeholder = 'REF',
): { text: string; references: string[] } {
  const scan = scanTerraformTemplate(text, placeholder);
  if (scan.unterminated) {
    throw new Error(`unterminated interpolation in ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { text: scan.text, references: scan.sequences.filter((s) => s.startsWith('$')) };
}
