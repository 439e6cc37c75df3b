import { readFileSync } from 'fs';
import { join } from 'path';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { NetworkMode, NomadJob, TaskDriver } from '../../lib';
import { VaultIntegrationMode, VaultNomadIntegration } from '../../lib';
import {
  jobspecs,
  newStack,
  parseHcl,
  parseJob,
  rawJobspecs,
  synthJson,
  withPlaceholders,
} from '../helpers';

const seedRole = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'nomad-cluster-role.json'), 'utf8'),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const only = (resources: Record<string, any> | undefined) => {
  const all = Object.values(resources ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function parseOutput(output: { value: string }): Promise<any> {
  return parseHcl(withPlaceholders(output.value).text);
}

function webJob(stack: ReturnType<typeof newStack>['stack']) {
  const job = new NomadJob(stack, 'web', { namespace: 'apps' });
  const task = job
    .addGroup('g', { network: { mode: NetworkMode.BRIDGE } })
    .addTask('app', { driver: TaskDriver.docker({ image: 'nginx:1.27' }) });
  return { job, task };
}

describe('VaultNomadIntegration, legacy token role (seeds 001 and 004)', () => {
  function legacy() {
    const { stack } = newStack();
    const integration = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'http://127.0.0.1:8200',
      mode: VaultIntegrationMode.legacyTokenRole(),
    });
    return { stack, integration };
  }

  test('the token role equals seed 004 role JSON', () => {
    const role = only(synthJson(legacy().stack).resource.vault_token_auth_backend_role);
    expect(role).toEqual({
      role_name: seedRole.name,
      disallowed_policies: [expect.stringMatching(/^\$\{vault_policy\.[A-Za-z_0-9]+\.name\}$/)],
      token_explicit_max_ttl: seedRole.token_explicit_max_ttl,
      orphan: seedRole.orphan,
      token_period: seedRole.token_period,
      renewable: seedRole.renewable,
    });
    const policy = only(synthJson(legacy().stack).resource.vault_policy);
    expect(policy.name).toBe(seedRole.disallowed_policies);
  });

  test('the servers get an orphan periodic token with the nomad-server policy', () => {
    const token = only(synthJson(legacy().stack).resource.vault_token);
    expect(token).toMatchObject({ no_parent: true, period: '72h', renewable: true });
    expect(token.policies).toEqual([expect.stringMatching(/^\$\{vault_policy\..+\.name\}$/)]);
  });

  test('the token reaches only the sensitive server stanza', async () => {
    const json = synthJson(legacy().stack);
    const outputs = Object.values<{ value: string; sensitive?: boolean }>(json.output);
    const withToken = outputs.filter((o) => o.value.includes('vault_token.'));
    expect(withToken).toHaveLength(1);
    expect(withToken[0].sensitive).toBe(true);
    const server = await parseOutput(withToken[0]);
    expect(server.vault).toEqual([
      { enabled: true, address: 'http://127.0.0.1:8200', token: 'REF', create_from_role: 'REF' },
    ]);
    const client = outputs.find((o) => o !== withToken[0] && o.value.startsWith('vault {'));
    expect(client?.sensitive ?? false).toBe(false);
    expect((await parseOutput(client!)).vault).toEqual([
      { enabled: true, address: 'http://127.0.0.1:8200' },
    ]);
  });

  test("another stack's jobs and namespaces do not count against this integration's grants", () => {
    // GIVEN an app with two stacks for two clusters: east has the Vault integration, west a job
    // in a namespace named "shared" and a job whose id Vault would read as a wildcard
    const app = Testing.app();
    const east = new TerraformStack(app, 'east');
    const west = new TerraformStack(app, 'west');
    new VaultProvider(east, 'vault', {});
    new NomadProvider(east, 'nomad', { address: 'https://nomad.example.com:4646' });
    const vault = new VaultNomadIntegration(east, 'Vault', {
      vaultAddress: 'https://vault.example.com:8200',
      nomadAddress: 'https://nomad.example.com:4646',
    });
    const { task } = webJob(east);
    vault.grantSecrets(task, { extraPaths: ['shared/db'] });
    for (const name of ['db', 'a+b']) {
      new NomadJob(west, name, { namespace: 'shared' })
        .addGroup('g')
        .addTask('t', { driver: TaskDriver.docker({ image: 'app:1.0.0' }) });
    }
    // WHEN east is synthesized with its validations, THEN nothing of west is held against it
    expect(() => Testing.synth(east, true)).not.toThrow();
    // AND the same job and namespace in east itself are refused
    new NomadJob(east, 'db', { namespace: 'shared' })
      .addGroup('g')
      .addTask('t', { driver: TaskDriver.docker({ image: 'app:1.0.0' }) });
    expect(() => Testing.synth(east, true)).toThrow(/invalid extraPaths entry "shared\/db"/);
  });

  test('extra policies on every workload token are a warning, and root is refused', () => {
    const { stack } = newStack();
    const props = {
      vaultAddress: 'https://vault.example.com:8200',
      nomadAddress: 'https://nomad.example.com:4646',
    };
    new VaultNomadIntegration(stack, 'Vault', {
      ...props,
      mode: VaultIntegrationMode.workloadIdentity({ extraTokenPolicies: ['audit-read'] }),
    });
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type.includes('warn'))
      .map((m) => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/extraTokenPolicies \["audit-read"\]: every workload token/),
    ]);
    expect(
      () =>
        new VaultNomadIntegration(stack, 'Root', {
          ...props,
          mode: VaultIntegrationMode.workloadIdentity({ extraTokenPolicies: ['root'] }),
        }),
    ).toThrow(
      /test\/Root: invalid workloadIdentity extraTokenPolicies "root". Every workload token/,
    );
  });

  test('warns that the workflow needs Nomad < 1.10', () => {
    const { stack } = legacy();
    expect(Testing.synth(stack)).toBeTruthy();
    const warnings = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type.includes('warn'))
      .map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/removed in Nomad 1.10/)]);
  });

  test('grantSecrets gives the task a policy for its job path and names it in vault {}', async () => {
    const { stack, integration } = legacy();
    const { task } = webJob(stack);
    const names = integration.grantSecrets(task, { extraPaths: ['shared/db'] });
    const policies = Object.values<{ name: string; policy: string }>(
      synthJson(stack).resource.vault_policy,
    );
    const grant = policies.find((p) => /^nomad-job-web-app-[0-9a-f]{8}$/.test(p.name));
    expect(grant).toBeDefined();
    expect(Object.keys((await parseHcl(grant!.policy)).path).sort()).toEqual([
      'secret/data/shared/db',
      'secret/data/web',
      'secret/data/web/*',
    ]);
    expect(names).toHaveLength(1);
    const raw = Object.values(rawJobspecs(stack))[0];
    const { body } = await parseJob(withPlaceholders(raw).text);
    expect(body.group.g[0].task.app[0].vault).toEqual([{ policies: ['REF'] }]);
  });
});

describe('VaultNomadIntegration, workload identity', () => {
  function wi(options = {}) {
    const { stack } = newStack();
    const integration = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example.com:8200',
      nomadAddress: 'https://nomad.example.com:4646',
      mode: VaultIntegrationMode.workloadIdentity(options),
    });
    return { stack, integration };
  }

  test('the JWT backend matches nomad setup vault', () => {
    expect(only(synthJson(wi().stack).resource.vault_jwt_auth_backend)).toEqual({
      path: 'jwt-nomad',
      type: 'jwt',
      description: 'JWT auth backend for Nomad workload identities',
      jwks_url: 'https://nomad.example.com:4646/.well-known/jwks.json',
      jwt_supported_algs: ['EdDSA', 'RS256'],
      default_role: 'nomad-workloads',
      lifecycle: { prevent_destroy: true },
    });
  });

  test('the role matches the HashiCorp module, with a token period', () => {
    const role = only(synthJson(wi().stack).resource.vault_jwt_auth_backend_role);
    expect(role).toEqual({
      backend: expect.stringMatching(/^\$\{vault_jwt_auth_backend\..+\.path\}$/),
      role_name: 'nomad-workloads',
      role_type: 'jwt',
      bound_audiences: ['vault.io'],
      user_claim: '/nomad_job_id',
      user_claim_json_pointer: true,
      claim_mappings: {
        nomad_namespace: 'nomad_namespace',
        nomad_job_id: 'nomad_job_id',
        nomad_task: 'nomad_task',
      },
      token_type: 'service',
      token_policies: [expect.stringMatching(/^\$\{vault_policy\..+\.name\}$/)],
      token_period: 1800,
      token_explicit_max_ttl: 0,
    });
  });

  test('the workload policy scopes each job to its own KV path by identity templating', async () => {
    const policy = only(synthJson(wi().stack).resource.vault_policy);
    expect(policy.name).toBe('nomad-workloads');
    const { text, references } = withPlaceholders(policy.policy, 'ACCESSOR');
    expect(new Set(references.map((r) => r.replace(/_[0-9A-F]{8}/, '')))).toEqual(
      new Set([
        expect.stringContaining(
          'jsonencode(vault_jwt_auth_backend.Vault_WorkloadIdentity_AuthBackend.accessor)',
        ),
      ]),
    );
    const meta = (claim: string) => `{{identity.entity.aliases.ACCESSOR.metadata.${claim}}}`;
    expect((await parseHcl(text)).path).toEqual({
      [`secret/data/${meta('nomad_namespace')}/${meta('nomad_job_id')}/*`]: [
        { capabilities: ['read'] },
      ],
      [`secret/data/${meta('nomad_namespace')}/${meta('nomad_job_id')}`]: [
        { capabilities: ['read'] },
      ],
      [`secret/metadata/${meta('nomad_namespace')}/*`]: [{ capabilities: ['list'] }],
      'secret/metadata/*': [{ capabilities: ['list'] }],
    });
  });

  test('the agent stanzas carry the default identity and the backend path', async () => {
    const outputs = Object.values<{ value: string; sensitive?: boolean }>(
      synthJson(wi().stack).output,
    );
    const parsed = await Promise.all(outputs.map(parseOutput));
    const server = parsed.find((p) => p.vault[0].default_identity);
    const client = parsed.find((p) => p.vault[0].jwt_auth_backend_path);
    expect(server.vault).toEqual([
      {
        enabled: true,
        address: 'https://vault.example.com:8200',
        default_identity: [{ aud: ['vault.io'], ttl: '1h' }],
      },
    ]);
    expect(client.vault).toEqual([
      { enabled: true, address: 'https://vault.example.com:8200', jwt_auth_backend_path: 'REF' },
    ]);
    expect(outputs.map((o) => o.sensitive ?? false)).toEqual([false, false]);
  });

  test('the keys can come from the nomad_jwks data source instead of a URL', () => {
    const json = synthJson(wi({ jwksFromNomadProvider: true }).stack, false);
    expect(Object.keys(json.data.nomad_jwks)).toHaveLength(1);
    const backend = only(json.resource.vault_jwt_auth_backend);
    expect(backend.jwks_url).toBeUndefined();
    expect(backend.jwt_validation_pubkeys).toMatch(/^\$\{data\.nomad_jwks\..+\.pem_keys\}$/);
  });

  test('grantSecrets sets the role, and extra paths get a role bound to the job', async () => {
    const { stack, integration } = wi();
    const { job, task } = webJob(stack);
    expect(integration.secretsPath(job)).toBe('secret/data/apps/web');
    integration.grantSecrets(task, { extraPaths: ['shared/db'] });
    const json = synthJson(stack);
    const roles = Object.values<{ role_name: string; bound_claims?: Record<string, string> }>(
      json.resource.vault_jwt_auth_backend_role,
    );
    const grantRole = roles.find((r) => /^nomad-workloads-web-app-[0-9a-f]{8}$/.test(r.role_name));
    expect(grantRole?.bound_claims).toEqual({
      nomad_namespace: 'apps',
      nomad_job_id: 'web',
      nomad_task: 'app',
    });
    const { body } = await parseJob(Object.values(jobspecs(stack))[0]);
    expect(body.group.g[0].task.app[0].vault).toEqual([{ role: grantRole!.role_name }]);
  });

  test('snapshot', () => {
    expect(Testing.synth(wi().stack, true)).toMatchSnapshot();
  });
});

describe('bad props', () => {
  test.each([
    ['an empty address', '', /invalid vaultAddress "". Give a URL with scheme and host/],
    [
      'an address without scheme',
      'vault.example.com:8200',
      /invalid vaultAddress "vault.example.com:8200"/,
    ],
    ['a non-HTTP scheme', 'ftp://vault', /invalid vaultAddress "ftp:\/\/vault"/],
  ])('%s is refused', (_what, vaultAddress, message) => {
    const { stack } = newStack();
    expect(
      () =>
        new VaultNomadIntegration(stack, 'Vault', {
          vaultAddress,
          nomadAddress: 'http://127.0.0.1:4646',
        }),
    ).toThrow(message);
  });

  test.each([0, -5, 1.5])('a token period of %p is refused', (tokenPeriodSeconds) => {
    const { stack } = newStack();
    expect(
      () =>
        new VaultNomadIntegration(stack, 'Vault', {
          vaultAddress: 'https://vault:8200',
          mode: VaultIntegrationMode.legacyTokenRole({ tokenPeriodSeconds }),
        }),
    ).toThrow(/invalid legacyTokenRole tokenPeriodSeconds .* above 0/);
    expect(
      () =>
        new VaultNomadIntegration(newStack().stack, 'Vault', {
          vaultAddress: 'https://vault:8200',
          nomadAddress: 'https://nomad:4646',
          mode: VaultIntegrationMode.workloadIdentity({ tokenPeriodSeconds }),
        }),
    ).toThrow(/invalid workloadIdentity tokenPeriodSeconds/);
  });

  test('workload identity without a source of Nomad keys is refused', () => {
    const { stack } = newStack();
    expect(
      () => new VaultNomadIntegration(stack, 'Vault', { vaultAddress: 'https://vault:8200' }),
    ).toThrow(/Workload identity needs Nomad's public keys. Set nomadAddress/);
  });

  test('plain HTTP to a remote Vault is a warning', () => {
    const { stack } = newStack();
    const integration = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'http://vault.example.com:8200',
      nomadAddress: 'https://nomad:4646',
    });
    expect(integration.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(/uses plain HTTP to a non-loopback host/),
    ]);
  });
});

describe('legacy snapshot', () => {
  test('snapshot', () => {
    const { stack } = newStack();
    new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'http://127.0.0.1:8200',
      mode: VaultIntegrationMode.legacyTokenRole(),
    });
    expect(Testing.synth(stack, true)).toMatchSnapshot();
  });
});
