import { TerraformVariable, Testing } from 'cdktf';
import {
  Capability,
  NomadAgentConfig,
  NomadJob,
  ServiceProvider,
  TaskDriver,
  VaultIntegrationMode,
  VaultNomadIntegration,
  VaultPolicy,
} from '../../lib';
import { unescapeTerraform } from '../../lib/core/terraform-string';
import { unescapedTemplateSequences } from '../hcl/terraform-scan';
import { newStack, synthJson } from '../helpers';

/**
 * One test per injection route found in review. The consumers' own parsers (Vault's policy
 * parser, Nomad's agent-config and jobspec parsers) and real Terraform read the same documents
 * in `npm run test:terraform`; these tests pin down what is rendered.
 */

/** Every string in a synthesized stack. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Template sequences Terraform would evaluate that are not cdktf references. */
function liveUserText(json: unknown): string[] {
  const reference = /^\$\{(var\.|data\.|[a-z]+_[a-z_0-9]+\.|replace\(|tonumber\(|"\$+"\})/;
  return strings(json)
    .flatMap(unescapedTemplateSequences)
    .filter((s) => !reference.test(s));
}

describe('route 1: Vault policies and agent configuration are written for HCL v1', () => {
  test('a policy path with ${ is escaped as \\u0024, not as HCL2 $${', () => {
    const { stack } = newStack();
    const policy = new VaultPolicy(stack, 'P', {
      name: 'p',
      rules: [
        { path: 'secret/data/app/${', capabilities: [Capability.READ] },
        { path: 'secret/data/app/admin/*', capabilities: [Capability.DENY] },
        { path: 'secret/data/app/}', capabilities: [Capability.READ] },
      ],
    });
    const text = policy.document.render();
    // THEN no raw "${" reaches Vault's scanner (it would skip quotes up to the next "}"), and
    // the deny rule is a rule of its own
    expect(text).not.toContain('${');
    expect(text).toContain('path "secret/data/app/\\u0024{" {');
    expect(text).toContain('path "secret/data/app/admin/*" {\n  capabilities = ["deny"]\n}');
  });

  test('agent configuration values with ${{ and }} cannot swallow the next stanzas', () => {
    const config = new NomadAgentConfig({
      client: {},
      tls: {
        caFile: '/ca.pem',
        certFile: '/cert.pem',
        keyFile: '/key${{.pem',
        verifyServerHostname: true,
        verifyHttpsClient: true,
      },
      consul: { address: '127.0.0.1:8500}}' },
    });
    const text = config.render();
    expect(text).toContain('key_file               = "/key\\u0024{{.pem"');
    expect(text).not.toContain('${');
    expect(text).toMatch(/verify_server_hostname = true/);
    expect(text).toMatch(/consul \{\n {2}address = "127.0.0.1:8500\}\}"\n\}/);
  });
});

describe('route 2: user text never reaches a provider attribute as a live expression', () => {
  test('a job named web-${file("hostname")} is bound as literal text', () => {
    const { stack } = newStack();
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'https://nomad.example:4646',
    });
    const job = new NomadJob(stack, 'job', { name: 'web-${file("hostname")}' });
    const task = job.addGroup('g').addTask('t', { driver: TaskDriver.exec({ command: 'x' }) });
    vault.grantSecrets(task, { extraPaths: ['shared/db'] });
    const json = synthJson(stack);
    const role = Object.values<{ bound_claims?: Record<string, string> }>(
      json.resource.vault_jwt_auth_backend_role,
    ).find((r) => r.bound_claims);
    // THEN Terraform reads the claim as the job's literal name
    expect(role?.bound_claims?.nomad_job_id).toBe('web-${"$"}{file("hostname")}');
    expect(unescapeTerraform(role!.bound_claims!.nomad_job_id)).toBe('web-${file("hostname")}');
    expect(liveUserText(json)).toEqual([]);
  });

  test('VaultPolicy name and namespace and every integration option are escaped', () => {
    const { stack } = newStack();
    new VaultPolicy(stack, 'P', {
      name: 'x-${file("/etc/passwd")}',
      namespace: 'ns-%{ for x in [1] }y%{ endfor }',
      rules: [{ path: 'secret/*', capabilities: [Capability.READ] }],
    });
    new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      mode: VaultIntegrationMode.workloadIdentity({
        jwksUrl: 'https://nomad.example:4646/${path.module}',
        roleName: 'r-${x}',
        policyName: 'p-${x}',
        audience: ['aud-${x}'],
        extraTokenPolicies: ['e-${x}'],
        jwksCaPem: '${file("/ca")}',
      }),
    });
    expect(liveUserText(synthJson(stack, false))).toEqual([]);
  });
});

describe('route 3: a reference next to { cannot join into a template', () => {
  test('every $ and % in a reference value is escaped by Terraform before HCL reads it', () => {
    const { stack } = newStack();
    const a = new TerraformVariable(stack, 'a', { type: 'string' });
    const b = new TerraformVariable(stack, 'b', { type: 'string' });
    const job = new NomadJob(stack, 'job');
    job.addGroup('g').addTask('t', {
      driver: TaskDriver.exec({ command: 'x' }),
      env: { A: `${a.stringValue}${b.stringValue}` },
    });
    const spec = Object.values<{ jobspec: string }>(synthJson(stack).resource.nomad_job)[0].jobspec;
    // THEN each reference's value passes through the replace chain that writes $ as \u0024
    const sequences = unescapedTemplateSequences(spec);
    expect(sequences).toHaveLength(2);
    for (const s of sequences) expect(s).toMatch(/"\$", "\\\\u0024"\), "%", "\\\\u0025"\)\}$/);
  });
});

describe('route 4: names Vault folds or reads as wildcards', () => {
  function integration(mode = VaultIntegrationMode.workloadIdentity()) {
    const { stack } = newStack();
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'https://nomad.example:4646',
      mode,
    });
    return { stack, vault };
  }
  const taskOf = (job: NomadJob) =>
    job.addGroup('g').addTask('t', { driver: TaskDriver.exec({ command: 'x' }) });

  test('jobs Web and web get different policy and role names', () => {
    const { stack, vault } = integration();
    vault.grantSecrets(taskOf(new NomadJob(stack, 'Upper', { name: 'Web' })), {
      extraPaths: ['a'],
    });
    vault.grantSecrets(taskOf(new NomadJob(stack, 'lower', { name: 'web' })), {
      extraPaths: ['b'],
    });
    const json = synthJson(stack);
    const names = Object.values<{ name: string }>(json.resource.vault_policy).map((p) => p.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    const roles = Object.values<{ role_name: string }>(
      json.resource.vault_jwt_auth_backend_role,
    ).map((r) => r.role_name);
    expect(new Set(roles.map((n) => n.toLowerCase())).size).toBe(roles.length);
  });

  test.each(['+', 'a*', 'team/web'])('a job named %p is refused for grants', (name) => {
    const { stack, vault } = integration();
    expect(() => vault.grantSecrets(taskOf(new NomadJob(stack, 'job', { name })))).toThrow(
      /invalid job name .* "\+" and "\*" are wildcards and "\/" nests/,
    );
  });

  test.each([
    ['*', /bare "\*" or a "\+" segment would match every job/],
    ['team/+/db', /bare "\*" or a "\+" segment/],
    ['../other', /Empty, "." and ".." segments/],
    ['', /Empty, "." and ".." segments/],
  ])('extraPaths %p is refused', (path, message) => {
    const { stack, vault } = integration();
    expect(() =>
      vault.grantSecrets(taskOf(new NomadJob(stack, 'job')), { extraPaths: [path] }),
    ).toThrow(message);
  });

  test.each(['', '/', '  '])('kvMountPath %p is refused', (kvMountPath) => {
    expect(() => integration(VaultIntegrationMode.workloadIdentity({ kvMountPath }))).toThrow(
      /invalid workloadIdentity kvMountPath .* an empty path would grant across every mount/,
    );
  });

  test('references given as role and policy names stay live and are not lower-cased', () => {
    const { stack } = newStack();
    const role = new TerraformVariable(stack, 'role', { type: 'string' });
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'https://nomad.example:4646',
      mode: VaultIntegrationMode.workloadIdentity({ roleName: role.stringValue }),
    });
    vault.grantSecrets(taskOf(new NomadJob(stack, 'job')), { extraPaths: ['x'] });
    const roles = Object.values<{ role_name: string }>(
      synthJson(stack).resource.vault_jwt_auth_backend_role,
    ).map((r) => r.role_name);
    expect(roles.sort()).toEqual([
      '${var.role}',
      expect.stringMatching(/^\$\{var\.role\}-job-t-[0-9a-f]{8}$/),
    ]);
  });

  test('upper-case role and policy names are refused, since Vault folds them', () => {
    expect(() =>
      integration(VaultIntegrationMode.workloadIdentity({ roleName: 'Nomad-Workloads' })),
    ).toThrow(/Vault stores this name lower-cased, .* give "nomad-workloads"/);
  });

  test('two VaultPolicy constructs with one name are refused', () => {
    const { stack } = newStack();
    const rules = [{ path: 'secret/*', capabilities: [Capability.READ] }];
    new VaultPolicy(stack, 'A', { name: 'app', rules });
    expect(() => new VaultPolicy(stack, 'B', { name: 'app', rules })).toThrow(
      /test\/A already uses this name/,
    );
  });
});

describe('also found in review', () => {
  test.each([
    ['service meta', { services: [{ name: 'web', meta: { 'a.b': 'x' } }] }],
    [
      'sidecar task env',
      {
        services: [
          {
            name: 'web',
            connect: { sidecarService: {}, sidecarTask: { env: { 'a.b': 'x' } } },
          },
        ],
      },
    ],
  ])(
    '%s keys that are not identifiers are refused (Nomad reads them only as a block)',
    (_, group) => {
      const { stack } = newStack();
      expect(() => new NomadJob(stack, 'job').addGroup('g', group)).toThrow(
        /key "a.b". Nomad reads this map only as a block/,
      );
    },
  );

  test('artifact options keys that are not identifiers are refused', () => {
    const { stack } = newStack();
    const group = new NomadJob(stack, 'job').addGroup('g');
    expect(() =>
      group.addTask('t', {
        driver: TaskDriver.exec({ command: 'x' }),
        artifacts: [{ source: 'https://x', options: { 'a b': 'c' } }],
      }),
    ).toThrow(/invalid artifact options key "a b"/);
  });

  test('list references in datacenters, tags, args and agent servers synthesize', () => {
    const { stack } = newStack();
    const list = new TerraformVariable(stack, 'list', { type: 'list(string)' }).listValue;
    const job = new NomadJob(stack, 'job', { datacenters: list });
    job.addGroup('g', { network: { ports: [{ label: 'http' }] } }).addTask('t', {
      driver: TaskDriver.docker({ image: 'nginx:1.27', args: list }),
      services: [{ name: 'web', port: 'http', tags: list, provider: ServiceProvider.NOMAD }],
    });
    const spec = Object.values<{ jobspec: string }>(synthJson(stack).resource.nomad_job)[0].jobspec;
    expect(spec).toMatch(/datacenters = \$\{replace\(.*jsonencode\(var\.list\)/);
    const agent = new NomadAgentConfig({ client: { servers: list } });
    expect(agent.render()).toMatch(/servers += \$\{TfToken/);
  });

  test('a Vault address with credentials is refused', () => {
    const { stack } = newStack();
    expect(
      () =>
        new VaultNomadIntegration(stack, 'Vault', {
          vaultAddress: 'https://admin:hunter2@vault.example:8200',
          nomadAddress: 'https://nomad.example:4646',
        }),
    ).toThrow(/invalid vaultAddress "https:\/\/\*\*\*@vault.example:8200". Remove the user name/);
  });

  test('plain-HTTP nomadAddress and jwksUrl to remote hosts are warnings', () => {
    const { stack } = newStack();
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'http://nomad.example:4646',
    });
    const warnings = vault.node.metadata.map((m) => String(m.data)).sort();
    expect(warnings).toEqual([
      expect.stringMatching(/^nomadAddress http:\/\/nomad.example:4646 uses plain HTTP/),
      expect.stringMatching(/^workloadIdentity jwksUrl http:\/\/nomad.example:4646\/\.well-known/),
    ]);
  });

  test('an agent configuration with a token says so', () => {
    const literal = new NomadAgentConfig({
      server: {},
      vault: { address: 'https://v:8200', token: 's.x' },
    });
    expect(literal.containsSecrets).toBe(true);
    expect(literal.hasLiteralSecrets).toBe(true);
    expect(new NomadAgentConfig({ server: {} }).containsSecrets).toBe(false);
  });

  test('the JWT auth backend and the legacy server token are protected from replacement', () => {
    const { stack } = newStack();
    new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      mode: VaultIntegrationMode.legacyTokenRole(),
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.values<{ lifecycle?: object }>(json.resource.vault_token)[0].lifecycle).toEqual({
      prevent_destroy: true,
    });
  });
});
