import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { addExamples } from '../examples/all';
import { VaultIntegrationMode, VaultNomadIntegration } from '../lib';
import {
  DevVault,
  JwksServer,
  listeningAddresses,
  isLoopback,
  startDevVault,
  startJwksServer,
} from './servers';
import { providerAddressReport, providerMirror, TerraformOptions, vaultBinary } from './support';
import {
  pkiMountsFor,
  readBack,
  ReadBack,
  stateResources,
  tfStep,
  vaultInventory,
  writeVaultStack,
} from './vault-stack';
import { keptAliveBy, pinJwksUrls, protectedResources, withoutPreventDestroy } from './whole-stack';

/**
 * Part 1 of issue 11: the Vault resources of every example stack applied to a real Vault
 * (`vault server -dev` on loopback, built from its module), read back through Vault's HTTP API,
 * planned again (no changes) and destroyed (nothing left but what prevent_destroy protects,
 * whose destroy Terraform must refuse).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// GIVEN every example synthesized as `npm run synth` does
const outdir = mkdtempSync(join(tmpdir(), 'vault-apply-'));
const app = new App({ outdir });
addExamples(app);
app.synth();
const synthesized: Record<string, Json> = Object.fromEntries(
  readdirSync(join(outdir, 'stacks')).map((name) => [
    name,
    JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')),
  ]),
);
const hasVault = (json: Json) =>
  [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})].some((t) =>
    t.startsWith('vault_'),
  );
/** The example stacks with a Vault part: each is applied below. */
const WITH_VAULT = Object.keys(synthesized)
  .filter((n) => hasVault(synthesized[n]))
  .sort();

let vault: DevVault;
let jwks: JwksServer;

beforeAll(async () => {
  const bin = vaultBinary();
  providerMirror();
  jwks = await startJwksServer();
  vault = await startDevVault(bin);
});

afterAll(async () => {
  await vault?.process.stop();
  await jwks?.process.stop();
  expect(vault?.process.running()).toBe(false);
  expect(jwks?.process.running()).toBe(false);
});

test('Vault runs on loopback only, with the root token of this run', async () => {
  const listening = listeningAddresses(vault.process.pid);
  expect(listening.length).toBeGreaterThanOrEqual(2); // API and cluster listeners
  expect(listening.filter((a) => !isLoopback(a))).toEqual([]);
  const self = await vault.api('GET', 'auth/token/lookup-self');
  expect(self.body.data.id).toBe(vault.rootToken);
  expect(self.body.data.policies).toEqual(['root']);
});

test('a Vault part that needs another provider is refused, naming what it needs', () => {
  // GIVEN an integration that reads Nomad's keys with the nomad provider's data source
  const other = new App({ outdir: mkdtempSync(join(tmpdir(), 'vault-apply-refused-')) });
  const stack = new TerraformStack(other, 'needs-nomad');
  new VaultProvider(stack, 'vault', {});
  new NomadProvider(stack, 'nomad', { address: 'http://127.0.0.1:4646' });
  new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'http://127.0.0.1:8200',
    mode: VaultIntegrationMode.workloadIdentity({ jwksFromNomadProvider: true }),
  });
  other.synth();
  const json = JSON.parse(
    readFileSync(join(other.outdir, 'stacks', 'needs-nomad', 'cdk.tf.json'), 'utf8'),
  );

  // WHEN only its Vault part is to be kept, THEN that is refused with the missing data source
  expect(() => writeVaultStack(json, mkdtempSync(join(tmpdir(), 'vault-apply-refused-')))).toThrow(
    /refers to things outside it and cannot be applied alone: data\.nomad_jwks\./,
  );
});

test('every example stack with a Vault part is applied', () => {
  expect(WITH_VAULT).toEqual(expect.arrayContaining(['consul-connect', 'vault-setup']));
  const without = Object.keys(synthesized).filter((n) => !WITH_VAULT.includes(n));
  console.log(
    `Vault parts applied: ${WITH_VAULT.join(', ')}; stacks without one: ${without.join(', ') || 'none'}`,
  );
});

describe.each(WITH_VAULT)('stack %s, Vault part', (name) => {
  const dir = mkdtempSync(join(tmpdir(), `vault-apply-${name}-`));
  const stack = writeVaultStack(synthesized[name], dir);
  const rendered: Json = stack.json;
  /** Addresses with lifecycle.prevent_destroy, and what they keep alive. */
  const protectedAddresses = protectedResources(rendered);
  const keptAlive = keptAliveBy(rendered, protectedAddresses);
  let options: TerraformOptions;
  let before: Record<string, string[]>;
  let applied: Record<string, Json> = {};

  // Every variable the Vault part keeps gets a value here, so no default (such as a JWKS URL
  // on a real host) is ever used; a new variable fails the test until it is given one.
  const harnessValues = (): Record<string, string> => ({
    vault_addr_for_nomad: vault.address,
    nomad_jwks_url: `${jwks.url}/.well-known/jwks.json`,
    nomad_addr_for_vault: jwks.url,
  });

  test('it keeps only the vault provider and its resources, every provider pointed at this Vault', () => {
    const values = harnessValues();
    const pinned = pinJwksUrls(rendered, `${jwks.url}/.well-known/jwks.json`);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(rendered, null, 2));
    for (const [address, url] of Object.entries(pinned)) {
      console.log(`${name}: ${address} jwks_url ${url} replaced by the local JWKS for the apply`);
    }
    const unset = Object.keys(rendered.variable ?? {}).filter((v) => !(v in values));
    expect(unset).toEqual([]);
    options = {
      endpoints: { vault: vault.address },
      vaultToken: vault.rootToken,
      vars: Object.fromEntries(Object.keys(rendered.variable ?? {}).map((v) => [v, values[v]])),
      // The provider would otherwise leave a child token per run in Vault, which the
      // after-destroy inventory would count.
      env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: 'true' },
    };
    expect(Object.keys(rendered.provider)).toEqual(['vault']);
    expect(providerAddressReport(dir, { vault: vault.address })).toEqual([
      {
        provider: 'vault',
        source: 'env VAULT_ADDR',
        address: vault.address,
        intended: vault.address,
      },
    ]);
    expect(stack.kept.every((a) => a.startsWith('vault_') || a.startsWith('data.vault_'))).toBe(
      true,
    );
    console.log(
      `${name}: Vault part ${stack.kept.join(', ')}; outputs left out: ${stack.droppedOutputs.join(', ') || 'none'}`,
    );
  });

  test('terraform apply creates it, and Vault reports every attribute as rendered', async () => {
    // GIVEN what Vault holds before
    before = await vaultInventory(vault);

    // WHEN the Vault part is applied (onto the PKI mounts its roles issue from)
    await pkiMountsFor(vault, rendered);
    tfStep(dir, ['init', '-input=false', '-no-color'], options);
    tfStep(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], options);
    applied = stateResources(dir, providerMirror(), options);

    // THEN each resource Terraform holds is in Vault with the rendered settings
    expect(Object.keys(applied).sort()).toEqual(stack.kept);
    // (and no JWT backend made Vault reach beyond loopback)
    for (const [address, values] of Object.entries<Json>(applied)) {
      if (!address.startsWith('vault_jwt_auth_backend.') || !values.jwks_url) continue;
      expect({ address, host: new URL(values.jwks_url).hostname }).toEqual({
        address,
        host: '127.0.0.1',
      });
    }
    const reads: ReadBack[] = [];
    for (const address of stack.kept.filter((a) => !a.startsWith('data.'))) {
      const [type, resName] = address.split('.');
      reads.push(
        await readBack(vault, type, resName, rendered.resource[type][resName], applied[address]),
      );
    }
    for (const r of reads) {
      expect({ address: r.address, unread: r.unread }).toEqual({ address: r.address, unread: [] });
      for (const [attr, v] of Object.entries(r.attributes)) {
        expect({ address: r.address, attr, ...v }).toEqual({
          address: r.address,
          attr,
          ...v,
          same: true,
          rendered: true,
        });
      }
    }
    console.log(
      `${name}: read back through Vault's API:\n` +
        reads
          .map(
            (r) =>
              `  ${r.address} (${r.apiPath}): ${Object.keys(r.attributes).join(', ')}` +
              Object.entries(r.notReported)
                .map(([k, why]) => `; not reported by Vault: ${k} (${why})`)
                .join(''),
          )
          .join('\n'),
    );

    // and a policy templated on a JWT backend's accessor names the accessor Vault gave it
    const auth = (await vault.api('GET', 'sys/auth')).body.data;
    for (const [type, items] of Object.entries<Json>(rendered.resource)) {
      if (type !== 'vault_policy') continue;
      for (const [resName, body] of Object.entries<Json>(items)) {
        const backends = [
          ...new Set(
            [
              ...(body.policy as string).matchAll(/vault_jwt_auth_backend\.([\w-]+)\.accessor/g),
            ].map((m) => m[1]),
          ),
        ];
        for (const b of backends) {
          const path = applied[`vault_jwt_auth_backend.${b}`].path;
          const accessor: string = auth[`${path}/`].accessor;
          const rules: string = (
            await vault.api('GET', `sys/policy/${applied[`vault_policy.${resName}`].name}`)
          ).body.data.rules;
          expect(accessor).toMatch(/^auth_jwt_/);
          expect(rules).toContain(`{{identity.entity.aliases.${accessor}.metadata.nomad_job_id}}`);
        }
      }
    }
  });

  test('a second plan shows no changes', () => {
    const plan = tfStep(
      dir,
      ['plan', '-input=false', '-no-color', '-detailed-exitcode'],
      options,
      [0, 2],
    );
    expect({ status: plan.status, output: plan.status === 0 ? '' : plan.output }).toEqual({
      status: 0,
      output: '',
    });
  });

  test('terraform destroy refuses what prevent_destroy protects and removes the rest', async () => {
    if (protectedAddresses.length > 0) {
      // WHEN everything is to be destroyed, THEN Terraform refuses and names each protected
      // resource, and Vault still holds all of it
      const refused = tfStep(
        dir,
        ['destroy', '-input=false', '-no-color', '-auto-approve'],
        options,
        [1],
      );
      expect(refused.output).toMatch(/Instance cannot be destroyed/);
      for (const a of protectedAddresses) expect(refused.output).toContain(a);
      expect(Object.keys(stateResources(dir, providerMirror(), options)).sort()).toEqual(
        stack.kept,
      );

      // WHEN the unprotected resources are destroyed by target
      const targets = stack.kept.filter((a) => !a.startsWith('data.') && !keptAlive.has(a));
      tfStep(
        dir,
        [
          'destroy',
          '-input=false',
          '-no-color',
          '-auto-approve',
          ...targets.map((t) => `-target=${t}`),
        ],
        options,
      );
      // THEN only the protected ones (and what they need) are left, in state and in Vault
      const left = stateResources(dir, providerMirror(), options);
      expect(
        Object.keys(left)
          .filter((a) => !a.startsWith('data.'))
          .sort(),
      ).toEqual([...keptAlive].sort());
      for (const a of keptAlive) {
        const [type, resName] = a.split('.');
        await readBack(vault, type, resName, rendered.resource[type][resName], left[a]);
      }
      for (const a of targets) await expectGone(a, applied[a]);
      console.log(
        `${name}: destroy refused for ${protectedAddresses.join(', ')}; destroyed ${targets.join(', ')}; kept ${[...keptAlive].join(', ')}`,
      );
    } else {
      tfStep(dir, ['destroy', '-input=false', '-no-color', '-auto-approve'], options);
      for (const a of stack.kept.filter((x) => !x.startsWith('data.'))) {
        await expectGone(a, applied[a]);
      }
    }
  });

  test('with the protection lifted (clean-up), destroy leaves Vault as it was', async () => {
    if (protectedAddresses.length > 0) {
      writeFileSync(
        join(dir, 'cdk.tf.json'),
        JSON.stringify(withoutPreventDestroy(rendered), null, 2),
      );
      tfStep(dir, ['destroy', '-input=false', '-no-color', '-auto-approve'], options);
    }
    for (const a of stack.kept.filter((x) => !x.startsWith('data.'))) {
      await expectGone(a, applied[a]);
    }
    expect(await vaultInventory(vault)).toEqual(before);
  });
});

/** Fails unless Vault no longer holds the object a resource made. */
async function expectGone(address: string, values: Json): Promise<void> {
  const [type] = address.split('.');
  let status: number;
  switch (type) {
    case 'vault_policy':
      status = (await vault.api('GET', `sys/policy/${values.name}`)).status;
      break;
    case 'vault_jwt_auth_backend': {
      const mounts = await vault.api('GET', 'sys/auth');
      status = mounts.body.data[`${values.path}/`] ? 200 : 404;
      break;
    }
    case 'vault_jwt_auth_backend_role':
      status = (await vault.api('GET', `auth/${values.backend}/role/${values.role_name}`)).status;
      break;
    case 'vault_token_auth_backend_role':
      status = (await vault.api('GET', `auth/token/roles/${values.role_name}`)).status;
      break;
    case 'vault_mount':
      status = (await vault.api('GET', `sys/mounts/${values.path}`)).status;
      break;
    case 'vault_pki_secret_backend_root_cert':
      status = (await vault.api('LIST', `${values.backend}/issuers`)).status;
      break;
    case 'vault_token':
      status = (await vault.api('POST', 'auth/token/lookup-accessor', { accessor: values.id }))
        .status;
      break;
    case 'vault_pki_secret_backend_role':
      status = (await vault.api('GET', `${values.backend}/roles/${values.name}`)).status;
      break;
    default:
      throw new Error(`no check that ${address} is gone: add one in vault-apply.test.ts`);
  }
  // Vault answers 404 for a missing policy, role or mount path, 400 for an unknown accessor.
  expect({ address, gone: [400, 404].includes(status), status }).toEqual({
    address,
    gone: true,
    status,
  });
}
