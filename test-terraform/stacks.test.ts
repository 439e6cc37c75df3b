import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { addExamples } from '../examples/all';
import {
  CLOSED_ENDPOINTS,
  mirrorProviders,
  providerAddressReport,
  providerMirror,
  terraform,
} from './support';

/**
 * Stacks Terraform cannot check here, and why: their providers cannot be built on this machine
 * (see the README, "Compatibility"). The test fails if this list stops being true either way.
 */
const CANNOT_CHECK: Record<string, string[]> = {
  tailscale: ['nomad'],
  'consul-connect': ['consul', 'nomad'],
  'vault-nomad-legacy': ['nomad'],
};

// GIVEN every example synthesized the way `npm run synth` does
const outdir = mkdtempSync(join(tmpdir(), 'examples-'));
const app = new App({ outdir });
addExamples(app);
app.synth();
const stacks = readdirSync(join(outdir, 'stacks'));
const inMirror = mirrorProviders();

interface StackPlan {
  readonly name: string;
  readonly dir: string;
  readonly missing: string[];
}
const plans: StackPlan[] = stacks.map((name) => {
  const dir = join(outdir, 'stacks', name);
  const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  const required: Record<string, { version?: string }> = json.terraform?.required_providers ?? {};
  const missing = Object.keys(required)
    .filter((p) => !(p in inMirror))
    .sort();
  // The mirror may hold another release than the one the @cdktf package pins; use the mirror's.
  for (const [p, spec] of Object.entries(required)) if (p in inMirror) spec.version = inMirror[p];
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  return { name, dir, missing };
});

test('the stacks that cannot be checked are exactly the known ones', () => {
  const cannot = Object.fromEntries(
    plans.filter((p) => p.missing.length > 0).map((p) => [p.name, p.missing]),
  );
  for (const [name, missing] of Object.entries(cannot)) {
    console.warn(
      `NOT CHECKED by Terraform: stack ${name}; providers not buildable here: ${missing.join(', ')}`,
    );
  }
  expect(cannot).toEqual(CANNOT_CHECK);
});

const checkable = plans.filter((p) => p.missing.length === 0);

test('every provider block of every stack is pointed at a closed loopback port', () => {
  // GIVEN every example stack, checked by Terraform here or not
  // WHEN each provider's address is resolved as Terraform would, with the -var values and
  // environment the harness gives (a variable's default, such as nomad_addr's
  // http://127.0.0.1:4646, must not be what a check uses)
  const report = plans.map((p) => ({ stack: p.name, providers: providerAddressReport(p.dir) }));

  // THEN each one is the closed address the checks intend, whatever the stack's own default
  for (const { providers } of report) {
    for (const p of providers) expect(p).toEqual({ ...p, address: p.intended });
  }
  const all = report.flatMap((r) =>
    r.providers.map((p) => `${r.stack}:${p.provider}<-${p.source}`),
  );
  expect(all).toEqual(
    expect.arrayContaining([
      'tailscale:nomad<-var.nomad_addr',
      'consul-connect:nomad<-var.nomad_addr',
      'consul-connect:vault<-env VAULT_ADDR',
      'consul-connect:consul<-env CONSUL_HTTP_ADDR',
      'vault-setup:vault<-env VAULT_ADDR',
    ]),
  );
  expect(new Set(report.flatMap((r) => r.providers.map((p) => p.address)))).toEqual(
    new Set([CLOSED_ENDPOINTS.nomad, CLOSED_ENDPOINTS.vault, CLOSED_ENDPOINTS.consul]),
  );
});

test('at least one example stack is checked', () => {
  expect(checkable.map((p) => p.name)).toContain('vault-setup');
});

describe.each(checkable.map((p) => [p.name, p] as const))('stack %s', (_name, plan) => {
  test('terraform init (mirror only), validate and plan succeed', () => {
    const mirror = providerMirror();
    for (const args of [
      ['init', '-input=false', '-no-color'],
      ['validate', '-no-color'],
      ['plan', '-input=false', '-no-color', '-lock=false'],
    ]) {
      const run = terraform(plan.dir, args, mirror);
      // THEN each step succeeds; on failure the assertion shows Terraform's own words
      expect({
        step: args[0],
        status: run.status,
        output: run.status === 0 ? '' : run.output,
      }).toEqual({
        step: args[0],
        status: 0,
        output: '',
      });
    }
  });
});
