import { readFileSync } from 'fs';
import { join } from 'path';
import { Job as JobResource } from '@cdktf/provider-nomad/lib/job';
import { TerraformStack, Testing } from 'cdktf';
import {
  AclDefaultPolicy,
  BackendScheme,
  ConfigError,
  ConsulAgentConfig,
  ConsulIntegrationMode,
  ConsulNomadIntegration,
  IngressVariant,
  JobType,
  NetworkMode,
  NomadJob,
  ServiceProvider,
  TaskDriver,
  VaultIntegrationMode,
  VaultNomadIntegration,
  ZeroTrustIngress,
} from '../../lib';
import { FindingSeverity } from '../../lib/checks/findings';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { checkStack } from './support';

const SEEDS = join(__dirname, '..', 'fixtures', 'seeds');
const seedJobspec = (name: string) => readFileSync(join(SEEDS, `${name}.nomad.hcl`), 'utf8');
const SEED_001_TRAEFIK_TOML = readFileSync(
  join(__dirname, '..', 'traefik', 'fixtures', 'seed-001-traefik.toml'),
  'utf8',
);
const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq0Dt1rJ8Ul3nmhZMSYyX4K5nV3kq3dD9ZtEXAMPLE\n-----END RSA PRIVATE KEY-----\n';

function tailscaleIngress(stack: TerraformStack, insecure = {}): ZeroTrustIngress {
  return new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
    insecure,
  });
}

function frontend(stack: TerraformStack) {
  return new NomadJob(stack, 'hashicups')
    .addGroup('nginx', { network: { ports: [{ label: 'http', to: 443 }] } })
    .addTask('nginx', {
      driver: TaskDriver.docker({ image: 'nginx:1.27.5', ports: ['http'] }),
      services: [{ name: 'nginx', provider: ServiceProvider.NOMAD, port: 'http' }],
    });
}

describe('seed 000: api.insecure', () => {
  test('a ZeroTrustIngress with insecure.apiInsecure is an error on the ingress, naming the opt-in', () => {
    const { report, notes } = checkStack((stack) => {
      tailscaleIngress(stack, { apiInsecure: true });
    });
    const finding = report.errors.find((f) => f.ruleId === 'ZT-TRAEFIK-001');
    expect(finding).toMatchObject({
      constructPath: 'test/Ingress',
      prop: 'api.insecure (insecure.apiInsecure)',
      value: 'true',
      severity: FindingSeverity.ERROR,
    });
    expect(notes).toContainEqual({
      path: 'test/Ingress',
      level: 'error',
      message: finding!.message,
    });
    expect(finding!.message).toMatch(/Fix: Drop insecure\.apiInsecure/);
  });

  test('seed 000’s hand-written jobspec in a raw nomad_job fires it too, with the rest of the seed’s shortcuts', () => {
    const { report } = checkStack((stack) => {
      new JobResource(stack, 'traefik', { jobspec: seedJobspec('traefik-tailscale') });
    });
    expect(report.errors.map((f) => [f.ruleId, f.prop])).toEqual([
      ['ZT-TRAEFIK-001', 'api.insecure (config args)'],
      ['ZT-TRAEFIK-004', 'providers.nomad.exposedByDefault'],
    ]);
    const location = 'test/traefik (job "traefik") group "traefik" task "server"';
    expect(report.errors[0].location).toBe(location);
    expect(report.warnings.map((f) => `${f.ruleId} ${f.prop} = ${f.value}`)).toEqual([
      'ZT-NOMAD-001 network port "admin" static = 8080',
      'ZT-NOMAD-001 network port "http" static = 80',
      'ZT-NOMAD-001 network port "https" static = 443',
      'ZT-TRAEFIK-003 entrypoints.traefik.address (config args) = ":${NOMAD_PORT_admin}"',
      'ZT-TRAEFIK-003 entrypoints.web.address (config args) = ":${NOMAD_PORT_http}"',
    ]);
  });

  test('without the shortcut the secure ingress has no finding at all', () => {
    const { report } = checkStack((stack) => {
      tailscaleIngress(stack).exposeHttp(frontend(stack).taskServices[0], {
        host: 'node1.tail1234.ts.net',
      });
    });
    expect(report.findings).toEqual([]);
  });
});

describe('seed 001', () => {
  test('its traefik.toml (insecureSkipVerify on both transports, api.insecure) in a Traefik job', () => {
    const { report } = checkStack((stack) => {
      new NomadJob(stack, 'traefik', { datacenters: ['dc1'] })
        .addGroup('traefik', { network: { mode: NetworkMode.BRIDGE } })
        .addTask('traefik', {
          driver: TaskDriver.docker({
            image: 'traefik:v3.7.13',
            args: ['--configFile=/local/traefik.toml'],
          }),
          templates: [{ destination: 'local/traefik.toml', data: SEED_001_TRAEFIK_TOML }],
        });
    });
    expect(report.errors.map((f) => `${f.ruleId} ${f.prop}`)).toEqual([
      'ZT-TRAEFIK-001 api.insecure (template "local/traefik.toml")',
      'ZT-TRAEFIK-002 serversTransport.insecureSkipVerify (template "local/traefik.toml")',
      'ZT-TRAEFIK-002 tcpServersTransport.insecureSkipVerify (template "local/traefik.toml")',
    ]);
  });

  test('insecureSkipVerify on an ingress route names the route and the option', () => {
    const { report } = checkStack((stack) => {
      tailscaleIngress(stack).exposeHttp(frontend(stack).taskServices[0], {
        host: 'node1.tail1234.ts.net',
        scheme: BackendScheme.HTTPS,
        insecureSkipVerify: true,
      });
    });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      ruleId: 'ZT-TRAEFIK-002',
      constructPath: 'test/Ingress',
      prop: 'http.serversTransports.nginx.insecureSkipVerify (exposeHttp route "nginx" insecureSkipVerify)',
      fix: 'Expose route "nginx" with backendRootCas (and backendServerName) instead of insecureSkipVerify.',
    });
  });

  test('default_policy = "allow": a ConsulAgentConfig with AclDefaultPolicy.ALLOW in the Consul job', () => {
    const { report } = checkStack((stack) => {
      const config = new ConsulAgentConfig({
        server: true,
        bootstrapExpect: 3,
        connect: { enabled: true },
        acl: { defaultPolicy: AclDefaultPolicy.ALLOW },
      });
      new NomadJob(stack, 'ConsulJob', { name: 'consul', type: JobType.SYSTEM })
        .addGroup('consul-agent')
        .addTask('consul-server', {
          driver: TaskDriver.docker({ image: 'hashicorp/consul:1.21.4' }),
        })
        .addFile('local/config/config.hcl', config.render());
    });
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({
      ruleId: 'ZT-CONSUL-001',
      constructPath: 'test/ConsulJob',
      location:
        'test/ConsulJob (job "consul") group "consul-agent" task "consul-server" template "local/config/config.hcl"',
      prop: 'acl.default_policy',
      value: '"allow"',
    });
  });

  test('the same choice registered as a model is reported on the construct it was registered with', () => {
    const { report } = checkStack((stack) => {
      ZeroTrustChecks.registerConsulAgentConfig(
        stack,
        new ConsulAgentConfig({ server: true, acl: { defaultPolicy: AclDefaultPolicy.ALLOW } }),
      );
    });
    expect(report.errors.map((f) => [f.ruleId, f.location, f.prop])).toEqual([
      ['ZT-CONSUL-001', 'test (ConsulAgentConfig)', 'acl.defaultPolicy'],
    ]);
  });
});

describe('the token workflow', () => {
  test('legacy Vault and Consul modes are findings, listed once though the library warns too', () => {
    const { report, notes } = checkStack((stack) => {
      new VaultNomadIntegration(stack, 'Vault', {
        vaultAddress: 'https://vault.example.com:8200',
        mode: VaultIntegrationMode.legacyTokenRole(),
      });
      new ConsulNomadIntegration(stack, 'Consul', { mode: ConsulIntegrationMode.legacyToken() });
    });
    expect(report.warnings.map((f) => [f.ruleId, f.constructPath, f.value])).toEqual([
      ['ZT-CONSUL-007', 'test/Consul', 'ConsulIntegrationMode.legacyToken()'],
      ['ZT-VAULT-001', 'test/Vault', 'VaultIntegrationMode.legacyTokenRole()'],
    ]);
    expect(report.warnings.every((f) => f.alsoWarnedByLibrary)).toBe(true);
    expect(notes.filter((n) => n.message.startsWith('[ZT-'))).toEqual([]);
    expect(notes.filter((n) => n.level === 'warn').map((n) => n.path)).toEqual([
      'test/Vault',
      'test/Consul',
    ]);
  });

  test('the same modes with workload identity have no finding', () => {
    const { report } = checkStack((stack) => {
      new VaultNomadIntegration(stack, 'Vault', {
        vaultAddress: 'https://vault.example.com:8200',
        nomadAddress: 'https://nomad.example.com:4646',
      });
      new ConsulNomadIntegration(stack, 'Consul', {
        nomadAddress: 'https://nomad.example.com:4646',
      });
    });
    expect(report.findings).toEqual([]);
  });
});

describe('the PEM in a job', () => {
  test('a template with a literal private key is an error, the key masked in the message', () => {
    const { report, notes } = checkStack((stack) => {
      new NomadJob(stack, 'web')
        .addGroup('web')
        .addTask('web', { driver: TaskDriver.docker({ image: 'nginx:1.27.5' }) })
        .addTemplate({ destination: 'secrets/tls.key', data: PEM });
    });
    expect(report.errors).toHaveLength(1);
    const finding = report.errors[0];
    expect(finding).toMatchObject({
      ruleId: 'ZT-SECRET-001',
      location: 'test/web (job "web") group "web" task "web"',
      prop: 'template "secrets/tls.key" data',
      value: '"-----BEGIN RSA PRIVATE KEY-----… (31 characters, masked)"',
    });
    expect(finding.message).not.toContain('MIIEow');
    expect(notes.map((n) => n.message)).toContain(finding.message);
  });
});

describe('suppressions', () => {
  function insecureApp(stack: TerraformStack) {
    const ingress = tailscaleIngress(stack, { apiInsecure: true, exposedByDefault: true });
    new JobResource(stack, 'seed', { jobspec: seedJobspec('traefik-tailscale') });
    return ingress;
  }

  test('a suppression with a reason silences exactly one rule on one construct', () => {
    const reason = 'seed 000 lab cluster: the API is reachable only on the tailnet';
    const { report, notes } = checkStack((stack) => {
      ZeroTrustChecks.suppress(insecureApp(stack), 'ZT-TRAEFIK-001', reason);
    });
    const fired = (path: string) =>
      report.findings.filter((f) => f.constructPath === path && !f.suppressed).map((f) => f.ruleId);
    expect(fired('test/Ingress')).toEqual(['ZT-TRAEFIK-004']);
    expect(fired('test/seed')).toContain('ZT-TRAEFIK-001');
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0]).toMatchObject({
      ruleId: 'ZT-TRAEFIK-001',
      constructPath: 'test/Ingress',
      suppressionReason: reason,
      suppressedAt: 'test/Ingress',
    });
    const onIngress = notes.filter((n) => n.path === 'test/Ingress' && n.level === 'error');
    expect(onIngress.map((n) => n.message.slice(0, 16))).toEqual(['[ZT-TRAEFIK-004]']);
    expect(report.suppressions).toEqual([
      { constructPath: 'test/Ingress', ruleId: 'ZT-TRAEFIK-001', reason, findings: 1 },
    ]);
    expect(report.toTable()).toContain(`suppressed at test/Ingress: ${reason}`);
  });

  test('a suppression on a scope covers the findings of its children', () => {
    const { report } = checkStack((stack) => {
      insecureApp(stack);
      ZeroTrustChecks.suppress(stack, 'ZT-NOMAD-001', 'the seed job owns its ports on purpose');
    });
    expect(report.suppressed.map((f) => [f.ruleId, f.constructPath, f.suppressedAt])).toEqual([
      ['ZT-NOMAD-001', 'test/seed', 'test'],
      ['ZT-NOMAD-001', 'test/seed', 'test'],
      ['ZT-NOMAD-001', 'test/seed', 'test'],
    ]);
    expect(report.ruleIds).not.toContain('ZT-NOMAD-001');
  });

  test.each([
    ['', /invalid suppression reason of ZT-TRAEFIK-001 ""/],
    ['   ', /invalid suppression reason of ZT-TRAEFIK-001 " {3}"/],
  ])('a suppression without a reason (%j) is refused', (reason, message) => {
    const stack = new TerraformStack(Testing.app(), 'x');
    expect(() => ZeroTrustChecks.suppress(stack, 'ZT-TRAEFIK-001', reason)).toThrow(ConfigError);
    expect(() => ZeroTrustChecks.suppress(stack, 'ZT-TRAEFIK-001', reason)).toThrow(message);
  });

  test('a suppression of an unknown rule id is refused, listing the ids', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    expect(() => ZeroTrustChecks.suppress(stack, 'ZT-TRAEFIK-01', 'typo')).toThrow(
      /x: invalid rule id "ZT-TRAEFIK-01"\. Name one of the rules: "ZT-TRAEFIK-001"/,
    );
  });

  test('a rule is suppressed once per construct', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    ZeroTrustChecks.suppress(stack, 'ZT-NOMAD-003', 'first');
    expect(() => ZeroTrustChecks.suppress(stack, 'ZT-NOMAD-003', 'second')).toThrow(
      /already suppresses ZT-NOMAD-003/,
    );
  });
});
