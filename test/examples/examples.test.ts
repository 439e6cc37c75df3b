import { App, TerraformStack, Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { addExamples } from '../../examples/all';
import { VaultNomadLegacyExample } from '../../examples/vault-nomad-legacy/main';
import { VaultIntegrationMode } from '../../lib';
import { synthValidated, SynthesizedStack } from '../../lib/testing';
import { unescapedTemplateSequences } from '../hcl/terraform-scan';
import { parseHcl, synthJson, withPlaceholders } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

function examples(): TerraformStack[] {
  const app = Testing.app() as App;
  addExamples(app);
  return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
}

const NAMES = examples().map((s) => s.node.id);

function example(name: string): { stack: TerraformStack; result: SynthesizedStack } {
  const stack = examples().find((s) => s.node.id === name)!;
  return { stack, result: synthValidated(stack) };
}

test('every example is synthesized by npm run synth', () => {
  expect(NAMES).toEqual(['tailscale', 'consul-connect', 'vault-setup', 'vault-nomad-legacy']);
});

describe.each(NAMES)('example %s', (name) => {
  test('synthesizes with every validation and matches the snapshot', () => {
    expect(example(name).result.readable).toMatchSnapshot();
  });

  test('its Terraform addresses (a rename or recreation shows up here)', () => {
    const json = example(name).result.json;
    const addresses = Object.entries<Record<string, unknown>>(json.resource ?? {}).flatMap(
      ([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`),
    );
    const outputs = Object.keys(json.output ?? {}).map((o) => `output.${o}`);
    expect([...addresses, ...outputs].sort()).toMatchSnapshot();
  });

  test('every embedded document parses with a real parser', async () => {
    const { result } = example(name);
    const documents = (type: string, attribute: string) =>
      Object.values<any>(result.resources(type)).map((r) => withPlaceholders(r[attribute]).text);
    for (const text of documents('vault_policy', 'policy')) {
      await expect(parseHcl(text)).resolves.toBeDefined();
    }
    for (const text of documents('nomad_job', 'jobspec')) {
      const parsed = await parseHcl(text);
      for (const job of Object.values<any>(parsed.job)) {
        for (const group of Object.values<any>(job[0].group ?? {})) {
          for (const task of Object.values<any>(group[0].task ?? {})) {
            for (const template of task[0].template ?? []) {
              if (String(template.destination).endsWith('.yml')) {
                expect(parseYaml(template.data.replace(/\$\$\{/g, '${'))).toBeDefined();
              }
            }
          }
        }
      }
    }
    for (const output of Object.values<any>(result.json.output ?? {})) {
      const text = withPlaceholders(output.value).text;
      if (/^[a-z_]+ \{/m.test(text)) await expect(parseHcl(text)).resolves.toBeDefined();
    }
  });

  test('every template sequence Terraform sees is a cdktf reference', () => {
    const stack = examples().find((s) => s.node.id === name)!;
    const all = strings(synthJson(stack)).flatMap(unescapedTemplateSequences);
    expect(all.filter((seq) => !REFERENCE.test(seq))).toEqual([]);
  });
});

test('the legacy example migrates to workload identity by changing its mode alone', () => {
  const legacy = synthValidated(new VaultNomadLegacyExample(Testing.app(), 'legacy'));
  const migrated = synthValidated(
    new VaultNomadLegacyExample(Testing.app(), 'migrated', {
      mode: VaultIntegrationMode.workloadIdentity(),
    }),
  );
  expect(Object.keys(legacy.resources('vault_token_auth_backend_role'))).toHaveLength(1);
  expect(Object.keys(migrated.resources('vault_token_auth_backend_role'))).toHaveLength(0);
  expect(Object.keys(migrated.resources('vault_jwt_auth_backend'))).toHaveLength(1);
  const vaultBlock = (r: SynthesizedStack) =>
    Object.values(r.jobspecs)[0].match(/vault \{[^}]*\}/)![0];
  expect(vaultBlock(legacy)).toMatch(/policies = \["\$\{vault_policy\./);
  expect(vaultBlock(migrated)).toMatch(/role = "nomad-workloads"/);
  const secretPath = (r: SynthesizedStack) =>
    Object.values(r.jobspecs)[0].match(/with secret "([^"]+)"/)?.[1];
  expect([secretPath(legacy), secretPath(migrated)]).toEqual([
    'secret/data/billing/db',
    'secret/data/default/billing/db',
  ]);
});

/** Every string in a synthesized stack. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

// A cdktf reference: a variable, data source, resource attribute or function call, never a
// Nomad runtime variable such as ${NOMAD_PORT_http} or a Consul one such as ${value.x}.
const REFERENCE =
  /^\$\{(var\.[a-z_0-9]+|data\.[a-z_0-9]+\.[A-Za-z_0-9]+\.[a-z_0-9.]+|[a-z]+_[a-z_0-9]+\.[A-Za-z_0-9]+\.[a-z_0-9.]+|[a-z]+\()/;
