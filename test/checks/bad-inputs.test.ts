import { Job as JobResource } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { Fn, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import {
  AclDefaultPolicy,
  BackendScheme,
  Capability,
  CheckType,
  ConnectMesh,
  ConsulAgentConfig,
  ConsulConnectCa,
  ConsulIntegrationMode,
  ConsulNomadIntegration,
  IngressCertificates,
  IngressVariant,
  IntentionAction,
  JobType,
  MeshProtocol,
  NetworkMode,
  NomadAgentConfig,
  NomadJob,
  NomadNamespace,
  ServiceIntentions,
  ServiceProvider,
  Task,
  TaskDriver,
  TaskProps,
  TemplateChangeMode,
  TraefikRule,
  TraefikTags,
  VaultIntegrationMode,
  VaultNomadIntegration,
  VaultPolicy,
  ZeroTrustIngress,
} from '../../lib';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { synthValidated } from '../../lib/testing';
import { newStack } from '../helpers';
import { checkBuilt } from './support';

/**
 * Bad inputs over every construct, each with what its message must say: the construct path,
 * the property, the value received and the fix. Three stages: a ConfigError thrown while the
 * stack is built, a validation error at synthesis, and a finding of ZeroTrustChecks.
 */
interface BadInput {
  readonly name: string;
  readonly stage: 'construct' | 'synth' | 'check';
  readonly build: (stack: TerraformStack) => void;
  /** The construct path the message names. */
  readonly path: string;
  readonly prop: string;
  /** The value received, as the message describes it. */
  readonly value: string;
  /** Part of the fix. */
  readonly fix: string;
  /** The rule, for a finding. */
  readonly rule?: string;
}

const PEM =
  '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIExampleExampleExample\n-----END EC PRIVATE KEY-----\n';
const TOKEN = 'hvs.CAESIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

function web(stack: TerraformStack, props: Partial<TaskProps> = {}): Task {
  return new NomadJob(stack, 'web')
    .addGroup('web')
    .addTask('web', { driver: TaskDriver.docker({ image: 'nginx:1.27.5' }), ...props });
}

/** A Vault integration on https addresses, workload identity unless a mode is given. */
function vaultOf(stack: TerraformStack, mode?: VaultIntegrationMode): VaultNomadIntegration {
  return new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'https://vault.example.com:8200',
    nomadAddress: 'https://nomad.example.com:4646',
    mode,
  });
}

function meshPair(stack: TerraformStack, props: { defaultDeny?: boolean } = {}) {
  const mesh = new ConnectMesh(stack, 'Mesh', props);
  const job = new NomadJob(stack, 'app');
  const task = { t: { driver: TaskDriver.docker({ image: 'app:1.0.0' }) } };
  const api = mesh.addService('api', { job, name: 'api', port: 9001, tasks: task });
  const front = mesh.addService('front', { job, name: 'front', port: 9002, tasks: task });
  return { mesh, job, api, front };
}

function tailscale(stack: TerraformStack, options = {}): ZeroTrustIngress {
  return new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646', ...options }),
  });
}

function connectIngress(stack: TerraformStack, mesh: ConnectMesh, options = {}): ZeroTrustIngress {
  return new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.consulConnect({
      mesh,
      certificates: IngressCertificates.acme({ email: 'ops@example.com' }),
      ...options,
    }),
  });
}

function nomadService(stack: TerraformStack) {
  return new NomadJob(stack, 'site')
    .addGroup('site', { network: { ports: [{ label: 'http', to: 80 }] } })
    .addTask('site', {
      driver: TaskDriver.docker({ image: 'nginx:1.27.5', ports: ['http'] }),
      services: [{ name: 'site', provider: ServiceProvider.NOMAD, port: 'http' }],
    }).taskServices[0];
}

function traefikJob(stack: TerraformStack, args: string[], props: Partial<TaskProps> = {}) {
  return new NomadJob(stack, 'edge')
    .addGroup('edge', { network: { ports: [{ label: 'web', static: 8000, to: 80 }] } })
    .addTask('traefik', {
      driver: TaskDriver.docker({ image: 'traefik:v3.7.13', args, ports: ['web'] }),
      ...props,
    });
}

const J = 'test/web (job "web")';
const G = `${J} group "web"`;
const T = `${G} task "web"`;

const CONSTRUCTION: BadInput[] = [
  {
    name: 'ingress image latest',
    stage: 'construct',
    build: (s) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        image: 'traefik:latest',
      }),
    path: 'test/Ingress',
    prop: 'image',
    value: '"traefik:latest"',
    fix: 'Pin the image to a release tag or digest',
  },
  // NomadJob, groups, tasks, services
  {
    name: 'job name with a space',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web', { name: 'my web' }),
    path: 'test/web',
    prop: 'job name',
    value: '"my web"',
    fix: 'no spaces',
  },
  {
    name: 'job namespace',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web', { namespace: 'apps!' }),
    path: 'test/web',
    prop: 'namespace',
    value: '"apps!"',
    fix: 'letters, digits and dashes',
  },
  {
    name: 'job priority',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web', { priority: 101 }),
    path: J,
    prop: 'priority',
    value: '101',
    fix: 'from 1 to 100',
  },
  {
    name: 'empty datacenters',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web', { datacenters: [] }),
    path: J,
    prop: 'datacenters',
    value: '[]',
    fix: 'at least one datacenter',
  },
  {
    name: 'group count',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web', { count: -1 }),
    path: G,
    prop: 'count',
    value: '-1',
    fix: 'give 0 or more',
  },
  {
    name: 'duplicate group',
    stage: 'construct',
    build: (s) => {
      const j = new NomadJob(s, 'web');
      j.addGroup('web');
      j.addGroup('web');
    },
    path: J,
    prop: 'group name',
    value: '"web"',
    fix: 'unique within its job',
  },
  {
    name: 'shutdown delay',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web', { shutdownDelay: 'soon' }),
    path: G,
    prop: 'shutdownDelay',
    value: '"soon"',
    fix: 'Go duration',
  },
  {
    name: 'restart attempts',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web', { restart: { attempts: -2 } }),
    path: G,
    prop: 'restart attempts',
    value: '-2',
    fix: 'Give 0 or more',
  },
  {
    name: 'ephemeral disk',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web', { ephemeralDisk: { sizeMb: 0 } }),
    path: G,
    prop: 'ephemeralDisk.sizeMb',
    value: '0',
    fix: 'disk size in MB',
  },
  {
    name: 'port label',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', { network: { ports: [{ label: '1http' }] } }),
    path: G,
    prop: 'port label',
    value: '"1http"',
    fix: 'start with a letter',
  },
  {
    name: 'static port range',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        network: { ports: [{ label: 'http', static: 70000 }] },
      }),
    path: G,
    prop: 'port "http" static',
    value: '70000',
    fix: 'from 1 to 65535',
  },
  {
    name: 'duplicate port label',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        network: { ports: [{ label: 'http' }, { label: 'http' }] },
      }),
    path: G,
    prop: 'port label',
    value: '"http"',
    fix: 'unique within its parent',
  },
  {
    name: 'task name with a slash',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web')
        .addGroup('web')
        .addTask('a/b', { driver: TaskDriver.exec({ command: 'x' }) }),
    path: `${G} task "a/b"`,
    prop: 'task name',
    value: '"a/b"',
    fix: 'no slashes',
  },
  {
    name: 'driver not from a factory',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web').addTask('web', { driver: 'docker' as never }),
    path: T,
    prop: 'driver',
    value: '"docker"',
    fix: 'TaskDriver.docker',
  },
  {
    name: 'cpu',
    stage: 'construct',
    build: (s) => web(s, { resources: { cpuMhz: 0 } }),
    path: T,
    prop: 'resources.cpuMhz',
    value: '0',
    fix: 'at least 1',
  },
  {
    name: 'memory',
    stage: 'construct',
    build: (s) => web(s, { resources: { memoryMb: 5 } }),
    path: T,
    prop: 'resources.memoryMb',
    value: '5',
    fix: 'at least 10',
  },
  {
    name: 'memory max',
    stage: 'construct',
    build: (s) => web(s, { resources: { memoryMb: 256, memoryMaxMb: 128 } }),
    path: T,
    prop: 'resources.memoryMaxMb',
    value: '128',
    fix: 'at least memoryMb',
  },
  {
    name: 'cpu and cores',
    stage: 'construct',
    build: (s) => web(s, { resources: { cpuMhz: 100, cores: 1 } }),
    path: T,
    prop: 'resources',
    value: '{"cpuMhz":100,"cores":1}',
    fix: 'either cpuMhz or cores',
  },
  {
    name: 'kill timeout',
    stage: 'construct',
    build: (s) => web(s, { killTimeout: '5 seconds' }),
    path: T,
    prop: 'killTimeout',
    value: '"5 seconds"',
    fix: 'Go duration',
  },
  {
    name: 'template data and source',
    stage: 'construct',
    build: (s) => web(s).addTemplate({ destination: 'local/a', data: 'x', source: '/etc/a' }),
    path: T,
    prop: 'template',
    value: '{"destination":"local/a"}',
    fix: 'exactly one of data',
  },
  {
    name: 'template signal',
    stage: 'construct',
    build: (s) =>
      web(s).addTemplate({
        destination: 'local/a',
        data: 'x',
        changeMode: TemplateChangeMode.SIGNAL,
      }),
    path: T,
    prop: 'template changeSignal',
    value: '(not set)',
    fix: 'needs changeSignal',
  },
  {
    name: 'template change mode script without a script',
    stage: 'construct',
    build: (s) =>
      web(s).addTemplate({
        destination: 'local/a',
        data: 'x',
        changeMode: TemplateChangeMode.SCRIPT,
      }),
    path: T,
    prop: 'template changeScript',
    value: '(not set)',
    fix: 'TemplateChangeMode.SCRIPT needs changeScript',
  },
  {
    name: 'template change script without change mode script',
    stage: 'construct',
    build: (s) =>
      web(s).addTemplate({
        destination: 'local/a',
        data: 'x',
        changeScript: { command: '/bin/true' },
      }),
    path: T,
    prop: 'template changeScript',
    value: '{"command":"/bin/true"}',
    fix: 'changeScript needs TemplateChangeMode.SCRIPT',
  },
  {
    name: 'template delimiters',
    stage: 'construct',
    build: (s) => web(s).addTemplate({ destination: 'local/a', data: 'x', leftDelimiter: '[[' }),
    path: T,
    prop: 'template delimiters',
    value: '{"left":"[["}',
    fix: 'both leftDelimiter and rightDelimiter',
  },
  {
    name: 'template splay',
    stage: 'construct',
    build: (s) => web(s).addTemplate({ destination: 'local/a', data: 'x', splay: 'often' }),
    path: T,
    prop: 'template splay',
    value: '"often"',
    fix: 'Go duration',
  },
  {
    name: 'env name',
    stage: 'construct',
    build: (s) => web(s).addEnv('', 'x'),
    path: T,
    prop: 'env name',
    value: '""',
    fix: 'non-empty variable name',
  },
  {
    name: 'service name',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web', { services: [{ name: 'Web_Site' }] }),
    path: `${G} service "Web_Site"`,
    prop: 'service name',
    value: '"Web_Site"',
    fix: 'RFC 1123 label',
  },
  {
    name: 'http check path',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', checks: [{ type: CheckType.HTTP }] }],
      }),
    path: `${G} service "site"`,
    prop: 'check path',
    value: '(not set)',
    fix: 'needs a path',
  },
  {
    name: 'script check command',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', checks: [{ type: CheckType.SCRIPT }] }],
      }),
    path: `${G} service "site"`,
    prop: 'check command',
    value: '(not set)',
    fix: 'needs a command',
  },
  {
    name: 'check interval',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', checks: [{ type: CheckType.TCP, interval: 'fast' }] }],
      }),
    path: `${G} service "site"`,
    prop: 'check interval',
    value: '"fast"',
    fix: 'Go duration',
  },
  {
    name: 'service meta key',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', meta: { 'a.b': 'c' } }],
      }),
    path: `${G} service "site"`,
    prop: 'service meta key',
    value: '"a.b"',
    fix: 'Rename the key',
  },
  {
    name: 'Connect on a task service',
    stage: 'construct',
    build: (s) => web(s).addService({ name: 'site', connect: { sidecarService: {} } } as never),
    path: `${T} service "site"`,
    prop: 'connect',
    value: '"{...}"',
    fix: 'group services only',
  },
  {
    name: 'Connect on a Nomad service',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [
          { name: 'site', provider: ServiceProvider.NOMAD, connect: { sidecarService: {} } },
        ],
      }),
    path: `${G} service "site"`,
    prop: 'service provider',
    value: '"nomad"',
    fix: 'needs ServiceProvider.CONSUL',
  },
  {
    name: 'upstream without sidecar',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web')
        .addGroup('web')
        .addService({ name: 'site' })
        .addUpstream({ destinationName: 'api', localBindPort: 8080 }),
    path: `${G} service "site"`,
    prop: 'upstream',
    value: '(not set)',
    fix: 'enableConnectSidecar()',
  },
  {
    name: 'upstream on the service port',
    stage: 'construct',
    build: (s) =>
      new NomadJob(s, 'web')
        .addGroup('web')
        .addService({ name: 'site', port: '8080', connect: { sidecarService: {} } })
        .addUpstream({ destinationName: 'api', localBindPort: 8080 }),
    path: `${G} service "site"`,
    prop: 'upstream localBindPort',
    value: '8080',
    fix: "service's own port",
  },
  {
    name: 'upstream twice',
    stage: 'construct',
    build: (s) => {
      const svc = new NomadJob(s, 'web')
        .addGroup('web')
        .addService({ name: 'site', connect: { sidecarService: {} } });
      svc.addUpstream({ destinationName: 'api', localBindPort: 8080 });
      svc.addUpstream({ destinationName: 'api', localBindPort: 8081 });
    },
    path: `${G} service "site"`,
    prop: 'upstream destinationName',
    value: '"api"',
    fix: 'give each destination once',
  },
  {
    name: 'upstream port taken',
    stage: 'construct',
    build: (s) => {
      const svc = new NomadJob(s, 'web')
        .addGroup('web')
        .addService({ name: 'site', connect: { sidecarService: {} } });
      svc.addUpstream({ destinationName: 'api', localBindPort: 8080 });
      svc.addUpstream({ destinationName: 'db', localBindPort: 8080 });
    },
    path: `${G} service "site"`,
    prop: 'upstream localBindPort',
    value: '8080',
    fix: 'Pick another local port',
  },
  {
    name: 'driver extraConfig key',
    stage: 'construct',
    build: (s) =>
      web(s, {
        driver: TaskDriver.docker({ image: 'nginx:1.27.5', extraConfig: { 'bad key': 1 } }),
      }),
    path: T,
    prop: 'extraConfig key',
    value: '"bad key"',
    fix: 'HCL identifiers',
  },
  {
    name: 'missing group',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').group('api'),
    path: J,
    prop: 'group',
    value: '"api"',
    fix: 'its groups are',
  },
  {
    name: 'missing task',
    stage: 'construct',
    build: (s) => new NomadJob(s, 'web').addGroup('web').task('api'),
    path: G,
    prop: 'task',
    value: '"api"',
    fix: 'its tasks are',
  },
  // NomadNamespace
  {
    name: 'default namespace',
    stage: 'construct',
    build: (s) => new NomadNamespace(s, 'Ns', { name: 'default' }),
    path: 'test/Ns',
    prop: 'name',
    value: '"default"',
    fix: 'always exists',
  },
  {
    name: 'namespace twice',
    stage: 'construct',
    build: (s) => {
      new NomadNamespace(s, 'A', { name: 'apps' });
      new NomadNamespace(s, 'B', { name: 'apps' });
    },
    path: 'test/B',
    prop: 'name',
    value: '"apps"',
    fix: 'declare it once',
  },
  // VaultPolicy
  {
    name: 'policy named root',
    stage: 'construct',
    build: (s) => new VaultPolicy(s, 'P', { name: 'root' }),
    path: 'test/P',
    prop: 'name',
    value: '"root"',
    fix: 'other than "root"',
  },
  {
    name: 'glob inside a path',
    stage: 'construct',
    build: (s) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [{ path: 'secret/*/x', capabilities: [Capability.READ] }],
      }),
    path: 'test/P',
    prop: 'path',
    value: '"secret/*/x"',
    fix: "use '+' to match one segment",
  },
  {
    name: 'no capabilities',
    stage: 'construct',
    build: (s) =>
      new VaultPolicy(s, 'P', { name: 'p', rules: [{ path: 'secret/x', capabilities: [] }] }),
    path: 'test/P',
    prop: 'capabilities',
    value: '[]',
    fix: 'at least one capability',
  },
  {
    name: 'unknown capability',
    stage: 'construct',
    build: (s) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [{ path: 'secret/x', capabilities: ['write' as Capability] }],
      }),
    path: 'test/P',
    prop: 'capability',
    value: '"write"',
    fix: 'Use one of: create',
  },
  {
    name: '+* in a path',
    stage: 'construct',
    build: (s) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [{ path: 'secret/+*', capabilities: [Capability.READ] }],
      }),
    path: 'test/P',
    prop: 'path',
    value: '"secret/+*"',
    fix: "Vault forbids '+*'",
  },
  {
    name: 'wrapping TTLs',
    stage: 'construct',
    build: (s) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [
          {
            path: 'x',
            capabilities: [Capability.READ],
            minWrappingTtl: '5m',
            maxWrappingTtl: '1m',
          },
        ],
      }),
    path: 'test/P',
    prop: 'maxWrappingTtl',
    value: '"1m"',
    fix: 'cannot be less than minWrappingTtl',
  },
  {
    name: 'policy name twice',
    stage: 'construct',
    build: (s) => {
      new VaultPolicy(s, 'A', { name: 'app' });
      new VaultPolicy(s, 'B', { name: 'app' });
    },
    path: 'test/B',
    prop: 'policy name',
    value: '"app"',
    fix: 'Give one of them another name',
  },
  // VaultNomadIntegration
  {
    name: 'Vault address without scheme',
    stage: 'construct',
    build: (s) => new VaultNomadIntegration(s, 'Vault', { vaultAddress: 'vault:8200' }),
    path: 'test/Vault',
    prop: 'vaultAddress',
    value: '"vault:8200"',
    fix: 'URL with scheme and host',
  },
  {
    name: 'Vault address with a password',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://admin:hunter2@vault.example.com',
      }),
    path: 'test/Vault',
    prop: 'vaultAddress',
    value: '"https://***@vault.example.com"',
    fix: 'Remove the user name and password',
  },
  {
    name: 'extraPaths *',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      }).grantSecrets(web(s), { extraPaths: ['*'] }),
    path: T,
    prop: 'extraPaths entry',
    value: '"*"',
    fix: "would match every job's secrets",
  },
  {
    name: 'extraPaths with the mount',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      }).grantSecrets(web(s), { extraPaths: ['secret/data/shared'] }),
    path: T,
    prop: 'extraPaths entry',
    value: '"secret/data/shared"',
    fix: 'give "shared"',
  },
  {
    name: 'extraPaths with +',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      }).grantSecrets(web(s), { extraPaths: ['team/+/db'] }),
    path: T,
    prop: 'extraPaths entry',
    value: '"team/+/db"',
    fix: 'name the prefix you mean',
  },
  {
    name: 'empty KV mount',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
        mode: VaultIntegrationMode.workloadIdentity({ kvMountPath: '' }),
      }),
    path: 'test/Vault',
    prop: 'workloadIdentity kvMountPath',
    value: '""',
    fix: 'would grant across every mount',
  },
  {
    name: 'wildcard KV mount (legacy)',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        mode: VaultIntegrationMode.legacyTokenRole({ kvMountPath: '*' }),
      }),
    path: 'test/Vault',
    prop: 'legacyTokenRole kvMountPath',
    value: '"*"',
    fix: 'mount path of the KV v2',
  },
  {
    name: 'role name case',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
        mode: VaultIntegrationMode.workloadIdentity({ roleName: 'Nomad' }),
      }),
    path: 'test/Vault',
    prop: 'workloadIdentity roleName',
    value: '"Nomad"',
    fix: 'give "nomad"',
  },
  {
    name: 'no audience',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
        mode: VaultIntegrationMode.workloadIdentity({ audience: [] }),
      }),
    path: 'test/Vault',
    prop: 'workloadIdentity audience',
    value: '[]',
    fix: 'at least one audience',
  },
  {
    name: 'token period',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
        mode: VaultIntegrationMode.workloadIdentity({ tokenPeriodSeconds: 0 }),
      }),
    path: 'test/Vault',
    prop: 'workloadIdentity tokenPeriodSeconds',
    value: '0',
    fix: 'above 0',
  },
  {
    name: 'JWT algorithm',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
        mode: VaultIntegrationMode.workloadIdentity({ jwtSupportedAlgs: ['HS256'] }),
      }),
    path: 'test/Vault',
    prop: 'workloadIdentity jwtSupportedAlgs',
    value: '"HS256"',
    fix: 'algorithms Vault knows',
  },
  {
    name: 'no JWKS',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', { vaultAddress: 'https://vault.example.com' }),
    path: 'test/Vault',
    prop: 'workloadIdentity jwksUrl',
    value: '(not set)',
    fix: 'Set nomadAddress',
  },
  {
    name: 'legacy server token period',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        mode: VaultIntegrationMode.legacyTokenRole({ serverTokenPeriod: 'forever' }),
      }),
    path: 'test/Vault',
    prop: 'legacyTokenRole serverTokenPeriod',
    value: '"forever"',
    fix: 'Go duration',
  },
  {
    name: 'grant for a job with + in its name',
    stage: 'construct',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      }).grantSecrets(
        new NomadJob(s, 'web', { name: 'a+b' })
          .addGroup('web')
          .addTask('web', { driver: TaskDriver.exec({ command: 'x' }) }),
      ),
    path: 'test/web (job "a+b")',
    prop: 'job name',
    value: '"a+b"',
    fix: 'rename the job',
  },
  // ConnectMesh, MeshService, ServiceIntentions
  {
    name: 'mesh service name',
    stage: 'construct',
    build: (s) =>
      new ConnectMesh(s, 'Mesh').addService('api', { name: 'Count_API', port: 9001, tasks: {} }),
    path: 'test/Mesh/api',
    prop: 'service name',
    value: '"Count_API"',
    fix: 'literal RFC 1123 label',
  },
  {
    name: 'mesh service port',
    stage: 'construct',
    build: (s) => new ConnectMesh(s, 'Mesh').addService('api', { name: 'api', port: 0, tasks: {} }),
    path: 'test/Mesh/api',
    prop: 'port',
    value: '0',
    fix: 'from 1 to 65535',
  },
  {
    name: 'mesh service twice',
    stage: 'construct',
    build: (s) => {
      const m = new ConnectMesh(s, 'Mesh');
      m.addService('a', { name: 'api', port: 9001, tasks: {} });
      m.addService('b', { name: 'api', port: 9001, tasks: {} });
    },
    path: 'test/Mesh',
    prop: 'service name',
    value: '"api"',
    fix: 'Consul would merge them',
  },
  {
    name: 'connectTo itself',
    stage: 'construct',
    build: (s) => {
      const { api } = meshPair(s);
      api.connectTo(api, { localBindPort: 8080 });
    },
    path: 'test/app (job "app") group "api" service "api"',
    prop: 'connectTo upstream',
    value: '"api"',
    fix: 'cannot be its own upstream',
  },
  {
    name: 'connectTo on the app port',
    stage: 'construct',
    build: (s) => {
      const { api, front } = meshPair(s);
      front.connectTo(api, { localBindPort: 9002 });
    },
    path: 'test/app (job "app") group "front" service "front"',
    prop: 'connectTo localBindPort',
    value: '9002',
    fix: 'pick another local port',
  },
  {
    name: 'L7 permissions to TCP',
    stage: 'construct',
    build: (s) => {
      const { api, front } = meshPair(s);
      front.connectTo(api, { localBindPort: 8080, permissions: [{ pathPrefix: '/' }] });
    },
    path: 'test/app (job "app") group "front" service "front"',
    prop: 'connectTo permissions',
    value: '[{"pathPrefix":"/"}]',
    fix: 'MeshProtocol.HTTP',
  },
  {
    name: 'connectTo another mesh',
    stage: 'construct',
    build: (s) => {
      const { front } = meshPair(s);
      const other = new ConnectMesh(s, 'Other', { defaultDeny: false }).addService('db', {
        name: 'db',
        port: 5432,
        tasks: {},
      });
      front.connectTo(other, { localBindPort: 5432 });
    },
    path: 'test/app (job "app") group "front" service "front"',
    prop: 'connectTo upstream',
    value: '"db"',
    fix: 'Add it to test/Mesh',
  },
  {
    name: 'intention twice',
    stage: 'construct',
    build: (s) => {
      const { mesh, api, front } = meshPair(s);
      front.connectTo(api, { localBindPort: 8080 });
      mesh.allowFrom('front', api);
    },
    path: 'test/Mesh',
    prop: 'intention',
    value: '"front -> api"',
    fix: 'declare each connection once',
  },
  {
    name: 'adopt a task service',
    stage: 'construct',
    build: (s) => {
      const m = new ConnectMesh(s, 'Mesh');
      const job = new NomadJob(s, 'web');
      const svc = job
        .addGroup('web')
        .addTask('web', { driver: TaskDriver.exec({ command: 'x' }) })
        .addService({ name: 'site' });
      m.adoptService(job, svc);
    },
    path: `${T} service "site"`,
    prop: 'service',
    value: '"site"',
    fix: 'Only group services',
  },
  {
    name: 'adopt with the wrong job',
    stage: 'construct',
    build: (s) => {
      const m = new ConnectMesh(s, 'Mesh');
      const svc = new NomadJob(s, 'web').addGroup('web').addService({ name: 'site' });
      m.adoptService(new NomadJob(s, 'other'), svc);
    },
    path: `${G} service "site"`,
    prop: 'job',
    value: '"other"',
    fix: 'pass that job',
  },
  {
    name: 'adopt a Nomad service',
    stage: 'construct',
    build: (s) => {
      const m = new ConnectMesh(s, 'Mesh');
      const job = new NomadJob(s, 'web');
      m.adoptService(
        job,
        job.addGroup('web').addService({ name: 'site', provider: ServiceProvider.NOMAD }),
      );
    },
    path: `${G} service "site"`,
    prop: 'service provider',
    value: '"nomad"',
    fix: 'registered in Consul',
  },
  {
    name: 'intention destination',
    stage: 'construct',
    build: (s) => new ServiceIntentions(s, 'I', { destination: 'Bad Name' }),
    path: 'test/I',
    prop: 'destination',
    value: '"Bad Name"',
    fix: 'RFC 1123 label',
  },
  {
    name: 'intention source twice',
    stage: 'construct',
    build: (s) => {
      const i = new ServiceIntentions(s, 'I', { destination: 'api' });
      i.addSource('web');
      i.addSource('web');
    },
    path: 'test/I',
    prop: 'intention source',
    value: '"web"',
    fix: 'give each source once',
  },
  {
    name: 'action and permissions',
    stage: 'construct',
    build: (s) =>
      new ServiceIntentions(s, 'I', { destination: 'api' }).addSource('web', {
        action: IntentionAction.ALLOW,
        permissions: [{ pathPrefix: '/' }],
      }),
    path: 'test/I',
    prop: 'intention action',
    value: '"allow"',
    fix: 'not both',
  },
  {
    name: 'extra paths covering the whole namespace',
    stage: 'synth',
    build: (s) => {
      const vault = vaultOf(s);
      vault.grantSecrets(web(s), { extraPaths: ['default/*'] });
    },
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraPaths entry',
    value: '"default/*"',
    fix: 'under a prefix that names no namespace',
  },
  {
    name: "extra paths naming another job's own path",
    stage: 'synth',
    build: (s) => {
      const vault = vaultOf(s, VaultIntegrationMode.legacyTokenRole());
      new NomadJob(s, 'billing')
        .addGroup('db')
        .addTask('db', { driver: TaskDriver.docker({ image: 'postgres:16.4' }) });
      vault.grantSecrets(web(s), { extraPaths: ['billing/*'] });
    },
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraPaths entry',
    value: '"billing/*"',
    fix: 'own path "billing"',
  },
  {
    name: 'an extra rule that rewrites policies',
    stage: 'construct',
    build: (s) => {
      const vault = vaultOf(s);
      vault.grantSecrets(web(s), {
        extraRules: [{ path: 'sys/policies/acl/*', capabilities: [Capability.UPDATE] }],
      });
    },
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraRules path',
    value: '"sys/policies/acl/*"',
    fix: 'from the pipeline',
  },
  {
    name: 'an extra rule that rewrites the workload role',
    stage: 'construct',
    build: (s) => {
      const vault = vaultOf(s);
      vault.grantSecrets(web(s), {
        extraRules: [
          {
            path: 'auth/jwt-nomad/role/nomad-workloads',
            capabilities: [Capability.CREATE, Capability.UPDATE],
          },
        ],
      });
    },
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraRules path',
    value: '"auth/jwt-nomad/role/nomad-workloads"',
    fix: 'widen every',
  },
  {
    name: 'a KV certificate path consul-template reads as a URL',
    stage: 'construct',
    build: (s) => {
      const mesh = new ConnectMesh(s, 'Mesh');
      connectIngress(s, mesh, {
        certificates: IngressCertificates.vaultKv({
          vault: vaultOf(s),
          path: 'tls/ingress?version=1',
        }),
      });
    },
    path: 'test/Ingress',
    prop: 'vaultKv path',
    value: '"tls/ingress?version=1"',
    fix: 'reads a secret path as a URL',
  },
  {
    name: 'an extra rule whose glob reaches the policies',
    stage: 'construct',
    build: (s) =>
      vaultOf(s).grantSecrets(web(s), {
        extraRules: [{ path: 'sys/+/*', capabilities: [Capability.UPDATE] }],
      }),
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraRules path',
    value: '"sys/+/*"',
    fix: 'It reaches "sys/policy/p"',
  },
  {
    name: "an extra rule whose glob reaches an auth method's roles",
    stage: 'construct',
    build: (s) =>
      vaultOf(s).grantSecrets(web(s), {
        extraRules: [{ path: 'auth/jwt-nomad/r*', capabilities: [Capability.UPDATE] }],
      }),
    path: 'test/web (job "web") group "web" task "web"',
    prop: 'extraRules path',
    value: '"auth/jwt-nomad/r*"',
    fix: 'It reaches "auth/jwt-nomad/role"',
  },
  {
    name: 'a PKI mount wildcard for the ingress certificate',
    stage: 'construct',
    build: (s) => {
      const vault = vaultOf(s);
      connectIngress(s, new ConnectMesh(s, 'Mesh'), {
        certificates: IngressCertificates.vaultPki({
          vault,
          pkiPath: '+',
          role: 'ingress',
          commonName: 'ingress.example.com',
        }),
      });
    },
    path: 'test/Ingress',
    prop: 'vaultPki pkiPath',
    value: '"+"',
    fix: "every mount's issue endpoint",
  },
  {
    name: "Traefik's API routed from a workload's tags",
    stage: 'construct',
    build: () =>
      new TraefikTags().httpRouter('leak', {
        rule: TraefikRule.host('app.example.com'),
        entryPoints: ['websecure'],
        service: 'api@internal',
      }),
    path: 'TraefikTags.httpRouter("leak")',
    prop: 'service',
    value: '"api@internal"',
    fix: 'internal entry point',
  },
  {
    name: 'a PKI role wildcard for the ingress certificate',
    stage: 'construct',
    build: (s) => {
      const vault = vaultOf(s);
      const mesh = new ConnectMesh(s, 'Mesh');
      connectIngress(s, mesh, {
        certificates: IngressCertificates.vaultPki({
          vault,
          role: '*',
          commonName: 'ingress.example.com',
        }),
      });
    },
    path: 'test/Ingress',
    prop: 'vaultPki role',
    value: '"*"',
    fix: 'every role of the mount',
  },
  {
    name: 'an intention from every service that allows',
    stage: 'construct',
    build: (s) => new ServiceIntentions(s, 'I', { destination: 'api' }).addSource('*'),
    path: 'test/I',
    prop: 'intention source',
    value: '"*"',
    fix: 'IntentionAction.DENY',
  },
  {
    name: 'an intention to every service that allows',
    stage: 'construct',
    build: (s) =>
      new ServiceIntentions(s, 'I', { destination: '*' }).addSource('web', {
        action: IntentionAction.ALLOW,
      }),
    path: 'test/I',
    prop: 'intention source',
    value: '"web"',
    fix: 'name each caller',
  },
  {
    name: 'a mesh service open to every caller',
    stage: 'construct',
    build: (s) => {
      const { mesh, api } = meshPair(s);
      mesh.allowFrom('*', api);
    },
    path: 'test/Mesh',
    prop: 'allowFrom source',
    value: '"*"',
    fix: 'name each caller',
  },
  {
    name: 'permissions with a wildcard',
    stage: 'construct',
    build: (s) =>
      new ServiceIntentions(s, 'I', { destination: 'api' }).addSource('*', {
        permissions: [{ pathPrefix: '/' }],
      }),
    path: 'test/I',
    prop: 'intention permissions',
    value: '"*"',
    fix: 'only between named services',
  },
  {
    name: 'permission path',
    stage: 'construct',
    build: (s) =>
      new ServiceIntentions(s, 'I', { destination: 'api' }).addSource('web', {
        permissions: [{ pathPrefix: 'api' }],
      }),
    path: 'test/I',
    prop: 'permission path',
    value: '"api"',
    fix: 'start with "/"',
  },
  {
    name: 'permission method',
    stage: 'construct',
    build: (s) =>
      new ServiceIntentions(s, 'I', { destination: 'api' }).addSource('web', {
        permissions: [{ methods: ['get'] }],
      }),
    path: 'test/I',
    prop: 'permission method',
    value: '"get"',
    fix: 'upper-case HTTP methods',
  },
  // ConsulConnectCa, ConsulNomadIntegration
  {
    name: 'CA Vault address',
    stage: 'construct',
    build: (s) => new ConsulConnectCa(s, 'Ca', { vaultAddress: 'vault' }),
    path: 'test/Ca',
    prop: 'vaultAddress',
    value: '"vault"',
    fix: 'URL with scheme and host',
  },
  {
    name: 'leaf certificate TTL',
    stage: 'construct',
    build: (s) =>
      new ConsulConnectCa(s, 'Ca', {
        vaultAddress: 'https://vault.example.com',
        leafCertTtl: '30m',
      }),
    path: 'test/Ca',
    prop: 'leafCertTtl',
    value: '"30m"',
    fix: 'from 1h to 8760h',
  },
  {
    name: 'same PKI mounts',
    stage: 'construct',
    build: (s) =>
      new ConsulConnectCa(s, 'Ca', {
        vaultAddress: 'https://vault.example.com',
        rootPkiPath: 'pki',
        intermediatePkiPath: 'pki',
      }),
    path: 'test/Ca',
    prop: 'intermediatePkiPath',
    value: '"pki"',
    fix: 'must differ',
  },
  {
    name: 'key bits',
    stage: 'construct',
    build: (s) =>
      new ConsulConnectCa(s, 'Ca', {
        vaultAddress: 'https://vault.example.com',
        privateKeyBits: 1000,
      }),
    path: 'test/Ca',
    prop: 'privateKeyBits',
    value: '1000',
    fix: 'use one of: 224, 256',
  },
  {
    name: 'Consul JWKS',
    stage: 'construct',
    build: (s) => new ConsulNomadIntegration(s, 'ConsulWi'),
    path: 'test/ConsulWi',
    prop: 'workloadIdentity jwksUrl',
    value: '(not set)',
    fix: 'set nomadAddress',
  },
  {
    name: 'Consul identity TTL',
    stage: 'construct',
    build: (s) =>
      new ConsulNomadIntegration(s, 'ConsulWi', {
        nomadAddress: 'https://nomad.example.com',
        mode: ConsulIntegrationMode.workloadIdentity({ identityTtl: 'a day' }),
      }),
    path: 'test/ConsulWi',
    prop: 'workloadIdentity identityTtl',
    value: '"a day"',
    fix: 'Go duration',
  },
  {
    name: 'Consul task namespace',
    stage: 'construct',
    build: (s) =>
      new ConsulNomadIntegration(s, 'ConsulWi', {
        nomadAddress: 'https://nomad.example.com',
        mode: ConsulIntegrationMode.workloadIdentity({ taskNamespaces: ['my ns'] }),
      }),
    path: 'test/ConsulWi',
    prop: 'namespace',
    value: '"my ns"',
    fix: 'letters, digits and dashes',
  },
  {
    name: 'Consul Nomad address',
    stage: 'construct',
    build: (s) => new ConsulNomadIntegration(s, 'ConsulWi', { nomadAddress: 'nomad:4646' }),
    path: 'test/ConsulWi',
    prop: 'nomadAddress',
    value: '"nomad:4646"',
    fix: 'URL with scheme and host',
  },
  // ZeroTrustIngress
  {
    name: 'ingress job name',
    stage: 'construct',
    build: (s) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        jobName: 'my traefik',
      }),
    path: 'test/Ingress',
    prop: 'jobName',
    value: '"my traefik"',
    fix: 'letters, digits',
  },
  {
    name: 'ingress image unpinned',
    stage: 'construct',
    build: (s) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        image: 'traefik',
      }),
    path: 'test/Ingress',
    prop: 'image',
    value: '"traefik"',
    fix: 'Pin the image',
  },
  {
    name: 'Tailscale Nomad address',
    stage: 'construct',
    build: (s) => tailscale(s, { nomadAddress: 'nomad' }),
    path: 'test/Ingress',
    prop: 'tailscale nomadAddress',
    value: '"nomad"',
    fix: 'URL with scheme and host',
  },
  {
    name: 'Tailscale HTTP port',
    stage: 'construct',
    build: (s) => tailscale(s, { httpPort: 0 }),
    path: 'test/Ingress',
    prop: 'tailscale httpPort',
    value: '0',
    fix: 'from 1 to 65535',
  },
  {
    name: 'Tailscale host outside the tailnet',
    stage: 'construct',
    build: (s) => tailscale(s).exposeHttp(nomadService(s), { host: 'www.example.com' }),
    path: 'test/site (job "site") group "site" task "site" service "site"',
    prop: 'host',
    value: '"www.example.com"',
    fix: 'machine.tailnet.ts.net',
  },
  {
    name: 'host and rule',
    stage: 'construct',
    build: (s) =>
      tailscale(s).exposeHttp(nomadService(s), {
        host: 'a.b.ts.net',
        rule: TraefikRule.host('a.b.ts.net'),
      }),
    path: 'test/site (job "site")',
    prop: 'exposeHttp',
    value: '{"host":"a.b.ts.net"',
    fix: 'exactly one of host and rule',
  },
  {
    name: 'route priority',
    stage: 'construct',
    build: (s) => tailscale(s).exposeHttp(nomadService(s), { host: 'a.b.ts.net', priority: 0 }),
    path: 'test/site (job "site")',
    prop: 'priority',
    value: '0',
    fix: 'priority of 1 or more',
  },
  {
    name: 'router name',
    stage: 'construct',
    build: (s) =>
      tailscale(s).exposeHttp(nomadService(s), { host: 'a.b.ts.net', routerName: 'a b' }),
    path: 'test/site (job "site")',
    prop: 'routerName',
    value: '"a b"',
    fix: 'letters, digits',
  },
  {
    name: 'same rule twice',
    stage: 'construct',
    build: (s) => {
      const i = tailscale(s);
      const svc = nomadService(s);
      i.exposeHttp(svc, { host: 'a.b.ts.net' });
      i.exposeHttp(svc, { host: 'a.b.ts.net' });
    },
    path: 'test/site (job "site")',
    prop: 'rule',
    value: '"Host(`a.b.ts.net`)"',
    fix: 'Make the rules differ',
  },
  {
    name: 'TCP without SNI or rule',
    stage: 'construct',
    build: (s) => tailscale(s).exposeTcp(nomadService(s), {}),
    path: 'test/site (job "site")',
    prop: 'exposeTcp',
    value: '{}',
    fix: 'exactly one of hostSni and rule',
  },
  {
    name: 'Consul service on the Tailscale variant',
    stage: 'construct',
    build: (s) =>
      tailscale(s).exposeHttp(
        new NomadJob(s, 'site').addGroup('site').addService({ name: 'site' }),
        { host: 'a.b.ts.net' },
      ),
    path: 'test/site (job "site") group "site" service "site"',
    prop: 'service provider',
    value: '"consul"',
    fix: 'ServiceProvider.NOMAD',
  },
  {
    name: 'scheme on a Connect route',
    stage: 'construct',
    build: (s) => {
      const { mesh, api } = meshPair(s);
      connectIngress(s, mesh).exposeHttp(api, {
        host: 'api.example.com',
        scheme: BackendScheme.HTTPS,
      });
    },
    path: 'test/app (job "app") group "api" service "api"',
    prop: 'scheme',
    value: '"https"',
    fix: 'Leave them out',
  },
  {
    name: 'passthrough to Connect',
    stage: 'construct',
    build: (s) => {
      const { mesh, api } = meshPair(s);
      connectIngress(s, mesh).exposeTcp(api, { hostSni: 'api.example.com', passthrough: true });
    },
    path: 'test/app (job "app") group "api" service "api"',
    prop: 'passthrough',
    value: 'true',
    fix: 'cannot reach it',
  },
  {
    name: 'Traefik service name',
    stage: 'construct',
    build: (s) => connectIngress(s, new ConnectMesh(s, 'Mesh'), { serviceName: 'Traefik' }),
    path: 'test/Ingress',
    prop: 'consulConnect serviceName',
    value: '"Traefik"',
    fix: 'lower-case RFC 1123 label',
  },
  {
    name: 'client config of the Connect variant',
    stage: 'construct',
    build: (s) =>
      connectIngress(s, new ConnectMesh(s, 'Mesh')).nomadClientConfig({ servers: ['10.0.0.1'] }),
    path: 'test/Ingress',
    prop: 'nomadClientConfig',
    value: '"consulConnect"',
    fix: 'Only the Tailscale variant',
  },
];

const SYNTHESIS: BadInput[] = [
  {
    name: 'a mesh task on the host network through extra driver config',
    stage: 'synth',
    build: (s) =>
      new ConnectMesh(s, 'Mesh').addService('api', {
        job: new NomadJob(s, 'app'),
        name: 'api',
        port: 9001,
        tasks: {
          t: {
            driver: TaskDriver.docker({
              image: 'app:1.0.0',
              extraConfig: { network_mode: 'host' },
            }),
          },
        },
      }),
    path: 'test/app (job "app") group "api" task "t"',
    prop: 'driver networkMode',
    value: '"host"',
    fix: 'Remove networkMode',
  },
  {
    name: 'a mesh task on the host network beside its sidecar',
    stage: 'synth',
    build: (s) =>
      new ConnectMesh(s, 'Mesh').addService('api', {
        job: new NomadJob(s, 'app'),
        name: 'api',
        port: 9001,
        tasks: {
          t: { driver: TaskDriver.docker({ image: 'app:1.0.0', networkMode: 'host' }) },
        },
      }),
    path: 'test/app (job "app") group "api" task "t"',
    prop: 'driver networkMode',
    value: '"host"',
    fix: 'Remove networkMode',
  },
  {
    name: 'the dashboard on the public entry point',
    stage: 'synth',
    build: (s) => tailscale(s).dynamicConfig.addDashboardRouter({ entryPoints: ['websecure'] }),
    path: 'test/Ingress',
    prop: 'router "dashboard" entryPoints',
    value: '["websecure"]',
    fix: 'serve it on "internal"',
  },
  {
    name: 'a job id that widens the default workload policy',
    stage: 'synth',
    build: (s) => {
      vaultOf(s);
      new NomadJob(s, 'billing-db', { name: 'billing/db' })
        .addGroup('db')
        .addTask('db', { driver: TaskDriver.docker({ image: 'postgres:16.4' }) });
    },
    path: 'test/billing-db (job "billing/db")',
    prop: 'job name',
    value: '"billing/db"',
    fix: 'default workload role',
  },
  {
    name: 'service port not a label',
    stage: 'synth',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', port: 'http' }],
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: `${G} service "site"`,
    prop: 'port',
    value: '"http"',
    fix: 'Add it with network.ports',
  },
  {
    name: 'Connect without bridge',
    stage: 'synth',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', port: '80', connect: { sidecarService: {} } }],
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: `${G} service "site"`,
    prop: 'group network mode',
    value: '"(no network block)"',
    fix: 'setNetworkMode(NetworkMode.BRIDGE)',
  },
  {
    name: 'native service without task',
    stage: 'synth',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        network: { mode: NetworkMode.BRIDGE },
        services: [{ name: 'site', connect: { native: true } }],
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: `${G} service "site"`,
    prop: 'task',
    value: '(not set)',
    fix: 'set task',
  },
  {
    name: 'service task missing',
    stage: 'synth',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        services: [{ name: 'site', task: 'api' }],
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: `${G} service "site"`,
    prop: 'task',
    value: '"api"',
    fix: 'no such task',
  },
  {
    name: 'driver port not in the network',
    stage: 'synth',
    build: (s) => web(s, { driver: TaskDriver.docker({ image: 'nginx:1.27.5', ports: ['http'] }) }),
    path: T,
    prop: 'driver port',
    value: '"http"',
    fix: 'Add the port to the group network',
  },
  {
    name: 'volume mount of an undeclared volume',
    stage: 'synth',
    build: (s) => web(s, { volumeMounts: [{ volume: 'data', destination: '/data' }] }),
    path: T,
    prop: 'volume_mount volume',
    value: '"data"',
    fix: 'Add it with volumes',
  },
  {
    name: 'env naming an upstream the proxy lacks',
    stage: 'synth',
    build: (s) => web(s, { env: { API: 'http://${NOMAD_UPSTREAM_ADDR_api}' } }),
    path: T,
    prop: 'runtime variable',
    value: '"${NOMAD_UPSTREAM_ADDR_api}"',
    fix: 'Add the upstream',
  },
  {
    name: 'env naming a port the group lacks',
    stage: 'synth',
    build: (s) => web(s, { env: { PORT: '${NOMAD_PORT_http}' } }),
    path: T,
    prop: 'runtime variable',
    value: '"${NOMAD_PORT_http}"',
    fix: 'Add the port',
  },
  {
    name: 'env naming a meta key nobody declares',
    stage: 'synth',
    build: (s) => web(s, { env: { V: '${NOMAD_META_version}' } }),
    path: T,
    prop: 'runtime variable',
    value: '"${NOMAD_META_version}"',
    fix: 'Add it to meta',
  },
  {
    name: 'count on a system job',
    stage: 'synth',
    build: (s) =>
      new NomadJob(s, 'web', { type: JobType.SYSTEM }).addGroup('web', {
        count: 2,
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: G,
    prop: 'count',
    value: '2',
    fix: 'remove count',
  },
];

const raw = (s: TerraformStack, jobspec: string) => new JobResource(s, 'raw', { jobspec });

const CHECKS: BadInput[] = [
  // Traefik
  {
    name: 'ingress api.insecure',
    stage: 'check',
    rule: 'ZT-TRAEFIK-001',
    build: (s) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        insecure: { apiInsecure: true },
      }),
    path: 'test/Ingress',
    prop: 'api.insecure (insecure.apiInsecure)',
    value: 'true',
    fix: 'Drop insecure.apiInsecure',
  },
  {
    name: 'Traefik api.insecure argument',
    stage: 'check',
    rule: 'ZT-TRAEFIK-001',
    build: (s) => traefikJob(s, ['--api.insecure']),
    path: 'test/edge',
    prop: 'api.insecure (config args)',
    value: 'true',
    fix: 'router to api@internal',
  },
  {
    name: 'Traefik api.insecure environment',
    stage: 'check',
    rule: 'ZT-TRAEFIK-001',
    build: (s) => traefikJob(s, [], { env: { TRAEFIK_API_INSECURE: 'true' } }),
    path: 'test/edge',
    prop: 'api.insecure (env TRAEFIK_API_INSECURE)',
    value: 'true',
    fix: 'router to api@internal',
  },
  {
    name: 'Traefik api.insecure YAML',
    stage: 'check',
    rule: 'ZT-TRAEFIK-001',
    build: (s) =>
      traefikJob(s, [], {
        templates: [{ destination: 'local/traefik.yml', data: 'api:\n  insecure: true\n' }],
      }),
    path: 'test/edge',
    prop: 'api.insecure (template "local/traefik.yml")',
    value: 'true',
    fix: 'router to api@internal',
  },
  {
    name: 'ingress route insecureSkipVerify',
    stage: 'check',
    rule: 'ZT-TRAEFIK-002',
    build: (s) =>
      tailscale(s).exposeHttp(nomadService(s), {
        host: 'a.b.ts.net',
        scheme: BackendScheme.HTTPS,
        insecureSkipVerify: true,
      }),
    path: 'test/Ingress',
    prop: 'http.serversTransports.site.insecureSkipVerify (exposeHttp route "site" insecureSkipVerify)',
    value: 'true',
    fix: 'backendRootCas',
  },
  {
    name: 'servers transport insecureSkipVerify',
    stage: 'check',
    rule: 'ZT-TRAEFIK-002',
    build: (s) => traefikJob(s, ['--serversTransport.insecureSkipVerify=true']),
    path: 'test/edge',
    prop: 'serversTransport.insecureSkipVerify (config args)',
    value: 'true',
    fix: 'rootCAs on the servers transport',
  },
  {
    name: 'provider endpoint insecureSkipVerify',
    stage: 'check',
    rule: 'ZT-TRAEFIK-002',
    build: (s) =>
      traefikJob(s, [], {
        templates: [
          {
            destination: 'local/traefik.toml',
            data: '[providers.nomad.endpoint.tls]\ninsecureSkipVerify = true\n[providers.nomad]\nexposedByDefault = false\n',
          },
        ],
      }),
    path: 'test/edge',
    prop: 'providers.nomad.endpoint.tls.insecureSkipVerify (template "local/traefik.toml")',
    value: 'true',
    fix: 'endpoint tls.ca',
  },
  {
    name: 'plain entry point without redirect',
    stage: 'check',
    rule: 'ZT-TRAEFIK-003',
    build: (s) => traefikJob(s, ['--entryPoints.web.address=:80']),
    path: 'test/edge',
    prop: 'entryPoints.web.address (config args)',
    value: '":80"',
    fix: 'Redirect it',
  },
  {
    name: 'published internal entry point',
    stage: 'check',
    rule: 'ZT-TRAEFIK-003',
    build: (s) => connectIngress(s, new ConnectMesh(s, 'Mesh'), { internalHostPort: 9081 }),
    path: 'test/Ingress',
    prop: 'entryPoints.internal.address',
    value: '":8081"',
    fix: 'internalHostPort unset',
  },
  {
    name: 'ingress exposedByDefault',
    stage: 'check',
    rule: 'ZT-TRAEFIK-004',
    build: (s) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        insecure: { exposedByDefault: true },
      }),
    path: 'test/Ingress',
    prop: 'providers.nomad.exposedByDefault (insecure.exposedByDefault)',
    value: 'true',
    fix: 'Drop insecure.exposedByDefault',
  },
  {
    name: 'provider without exposedByDefault',
    stage: 'check',
    rule: 'ZT-TRAEFIK-004',
    build: (s) => traefikJob(s, ['--providers.consulcatalog=true']),
    path: 'test/edge',
    prop: 'providers.consulCatalog.exposedByDefault',
    value: "(not set: Traefik's default is true)",
    fix: 'exposedByDefault = false',
  },
  {
    name: 'Traefik token literal',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) =>
      traefikJob(s, [
        `--providers.nomad.endpoint.token=${TOKEN}`,
        '--providers.nomad.exposedByDefault=false',
      ]),
    path: 'test/edge',
    prop: 'config args[0]',
    value: '"hvs.… (45 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'Traefik Nomad endpoint over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      traefikJob(s, [
        '--providers.nomad.endpoint.address=http://10.0.0.5:4646',
        '--providers.nomad.exposedByDefault=false',
      ]),
    path: 'test/edge',
    prop: 'providers.nomad.endpoint.address (config args)',
    value: '"http://10.0.0.5:4646"',
    fix: 'https address',
  },
  // Consul
  {
    name: 'Consul default policy allow in a job file',
    stage: 'check',
    rule: 'ZT-CONSUL-001',
    build: (s) =>
      web(s).addFile(
        'local/consul.hcl',
        new ConsulAgentConfig({
          server: true,
          acl: { defaultPolicy: AclDefaultPolicy.ALLOW },
        }).render(),
      ),
    path: 'test/web',
    prop: 'acl.default_policy',
    value: '"allow"',
    fix: 'default_policy = "deny"',
  },
  {
    name: 'Consul default policy allow, JSON file',
    stage: 'check',
    rule: 'ZT-CONSUL-001',
    build: (s) =>
      web(s).addTemplate({
        destination: 'local/consul.json',
        data: '{"server": true, "acl": {"enabled": true, "default_policy": "allow"}}',
      }),
    path: 'test/web',
    prop: 'acl.default_policy',
    value: '"allow"',
    fix: 'default_policy = "deny"',
  },
  {
    name: 'Consul default policy allow, registered',
    stage: 'check',
    rule: 'ZT-CONSUL-001',
    build: (s) =>
      ZeroTrustChecks.registerConsulAgentConfig(
        s,
        new ConsulAgentConfig({ acl: { defaultPolicy: AclDefaultPolicy.ALLOW } }),
      ),
    path: 'test (ConsulAgentConfig)',
    prop: 'acl.defaultPolicy',
    value: 'AclDefaultPolicy.ALLOW',
    fix: 'AclDefaultPolicy.DENY',
  },
  {
    name: 'Consul ACLs off in a job file',
    stage: 'check',
    rule: 'ZT-CONSUL-002',
    build: (s) =>
      web(s).addFile(
        'local/consul.hcl',
        new ConsulAgentConfig({ server: true, bootstrapExpect: 1 }).render(),
      ),
    path: 'test/web',
    prop: 'acl',
    value: '(not set: ACLs off)',
    fix: 'Enable ACLs',
  },
  {
    name: 'Consul ACLs disabled, registered',
    stage: 'check',
    rule: 'ZT-CONSUL-002',
    build: (s) =>
      ZeroTrustChecks.registerConsulAgentConfig(
        s,
        new ConsulAgentConfig({ acl: { enabled: false } }),
      ),
    path: 'test (ConsulAgentConfig)',
    prop: 'acl.enabled',
    value: 'false',
    fix: 'Set acl: {}',
  },
  {
    name: 'mesh without default deny',
    stage: 'check',
    rule: 'ZT-CONSUL-003',
    build: (s) => new ConnectMesh(s, 'Mesh', { defaultDeny: false }),
    path: 'test/Mesh',
    prop: 'defaultDeny',
    value: 'false',
    fix: 'Keep ConnectMesh defaultDeny on',
  },
  {
    name: 'upstream added without intention',
    stage: 'check',
    rule: 'ZT-CONSUL-004',
    build: (s) =>
      meshPair(s).front.service.addUpstream({ destinationName: 'api', localBindPort: 8080 }),
    path: 'test/app',
    prop: 'upstream "api"',
    value: '"front -> api"',
    fix: 'MeshService.connectTo',
  },
  {
    name: 'upstream denied by an intention',
    stage: 'check',
    rule: 'ZT-CONSUL-004',
    build: (s) => {
      const { api, front } = meshPair(s);
      front.connectTo(api, { localBindPort: 8080 });
      new ServiceIntentions(s, 'Block', { destination: 'api' }).addSource('front', {
        action: IntentionAction.DENY,
      });
    },
    path: 'test/app',
    prop: 'upstream "api"',
    value: '"front -> api"',
    fix: 'ConnectMesh.allowFrom',
  },
  {
    name: 'hand-written upstream without intention',
    stage: 'check',
    rule: 'ZT-CONSUL-004',
    build: (s) =>
      raw(
        s,
        'job "a" {\n  group "a" {\n    network {\n      mode = "bridge"\n    }\n    service {\n      name = "a"\n      connect {\n        sidecar_service {\n          proxy {\n            upstreams {\n              destination_name = "b"\n              local_bind_port = 8080\n            }\n          }\n        }\n      }\n    }\n    task "a" {\n      driver = "exec"\n    }\n  }\n}\n',
      ),
    path: 'test/raw',
    prop: 'upstream "b"',
    value: '"a -> b"',
    fix: 'ServiceIntentions.addSource',
  },
  {
    name: 'upstream to an unknown service',
    stage: 'check',
    rule: 'ZT-CONSUL-005',
    build: (s) =>
      meshPair(s).front.service.addUpstream({ destinationName: 'apii', localBindPort: 8080 }),
    path: 'test/app',
    prop: 'upstream destinationName',
    value: '"apii"',
    fix: 'Fix the destination name',
  },
  {
    name: 'ingress route without Traefik intention',
    stage: 'check',
    rule: 'ZT-CONSUL-006',
    build: (s) => {
      const { mesh, api } = meshPair(s);
      connectIngress(s, mesh).exposeHttp(api, { host: 'api.example.com' });
      new ServiceIntentions(s, 'Block', { destination: 'api' }).addSource('traefik', {
        action: IntentionAction.DENY,
      });
    },
    path: 'test/Ingress',
    prop: 'intention source',
    value: '"traefik -> api"',
    fix: 'Allow Traefik’s serviceName',
  },
  {
    name: 'tagged service whose intention names another source',
    stage: 'check',
    rule: 'ZT-CONSUL-006',
    build: (s) => {
      const { mesh } = meshPair(s);
      connectIngress(s, mesh);
      new ServiceIntentions(s, 'Vm', { destination: 'vm' }).addSource('traefik-old');
      new NomadJob(s, 'vm').addGroup('vm', {
        network: { mode: NetworkMode.BRIDGE },
        services: [
          {
            name: 'vm',
            port: '22',
            tags: ['traefik.enable=true', 'traefik.consulcatalog.connect=true'],
            connect: { sidecarService: {} },
          },
        ],
        tasks: { vm: { driver: TaskDriver.exec({ command: 'x' }) } },
      });
    },
    path: 'test/vm',
    prop: 'intention source',
    value: '"traefik -> vm"',
    fix: 'make the intention’s source the serviceName',
  },
  {
    name: 'legacy Consul workflow',
    stage: 'check',
    rule: 'ZT-CONSUL-007',
    build: (s) =>
      new ConsulNomadIntegration(s, 'ConsulWi', { mode: ConsulIntegrationMode.legacyToken() }),
    path: 'test/ConsulWi',
    prop: 'mode',
    value: 'ConsulIntegrationMode.legacyToken()',
    fix: 'workloadIdentity()',
  },
  // Vault
  {
    name: 'legacy Vault workflow',
    stage: 'check',
    rule: 'ZT-VAULT-001',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        mode: VaultIntegrationMode.legacyTokenRole(),
      }),
    path: 'test/Vault',
    prop: 'mode',
    value: 'VaultIntegrationMode.legacyTokenRole()',
    fix: 'workloadIdentity()',
  },
  {
    name: 'task naming Vault policies',
    stage: 'check',
    rule: 'ZT-VAULT-001',
    build: (s) => web(s, { vault: { policies: ['app'] } }),
    path: 'test/web',
    prop: 'vault policies',
    value: '["app"]',
    fix: 'vault { role }',
  },
  {
    name: 'Nomad agent with a Vault token',
    stage: 'check',
    rule: 'ZT-VAULT-001',
    build: (s) =>
      ZeroTrustChecks.registerNomadAgentConfig(
        s,
        new NomadAgentConfig({
          server: {},
          vault: { address: 'https://vault.example.com', createFromRole: 'nomad-cluster' },
        }),
      ),
    path: 'test (NomadAgentConfig)',
    prop: 'vault.createFromRole',
    value: '"nomad-cluster"',
    fix: 'vault.defaultIdentity',
  },
  {
    name: 'policy with sudo',
    stage: 'check',
    rule: 'ZT-VAULT-002',
    build: (s) =>
      new VaultPolicy(s, 'Admin', {
        name: 'admin',
        rules: [
          { path: 'sys/policies/acl/app', capabilities: [Capability.UPDATE, Capability.SUDO] },
        ],
      }),
    path: 'test/Admin',
    prop: 'capabilities',
    value: '["update","sudo"]',
    fix: 'Remove Capability.SUDO',
  },
  {
    name: 'policy sys/*',
    stage: 'check',
    rule: 'ZT-VAULT-003',
    build: (s) =>
      new VaultPolicy(s, 'Admin', {
        name: 'admin',
        rules: [{ path: 'sys/*', capabilities: [Capability.READ] }],
      }),
    path: 'test/Admin',
    prop: 'path',
    value: '"sys/*"',
    fix: 'Name the exact sys/ paths',
  },
  {
    name: 'policy sys/mounts/*',
    stage: 'check',
    rule: 'ZT-VAULT-003',
    build: (s) =>
      new VaultPolicy(s, 'Admin', {
        name: 'admin',
        rules: [{ path: 'sys/mounts/*', capabilities: [Capability.CREATE] }],
      }),
    path: 'test/Admin',
    prop: 'path',
    value: '"sys/mounts/*"',
    fix: 'Name the exact sys/ paths',
  },
  {
    name: 'policy *',
    stage: 'check',
    rule: 'ZT-VAULT-003',
    build: (s) =>
      new VaultPolicy(s, 'Admin', {
        name: 'admin',
        rules: [{ path: '*', capabilities: [Capability.LIST] }],
      }),
    path: 'test/Admin',
    prop: 'path',
    value: '"*"',
    fix: 'Name the exact sys/ paths',
  },
  {
    name: 'hand-written policy with sys/+',
    stage: 'check',
    rule: 'ZT-VAULT-003',
    build: (s) =>
      new Policy(s, 'Raw', {
        name: 'raw',
        policy: 'path "sys/mounts/+/tune" {\n  capabilities = ["update"]\n}\n',
      }),
    path: 'test/Raw',
    prop: 'path',
    value: '"sys/mounts/+/tune"',
    fix: 'Name the exact sys/ paths',
  },
  {
    name: 'policy secret/data/+/*',
    stage: 'check',
    rule: 'ZT-VAULT-004',
    build: (s) =>
      new VaultPolicy(s, 'Reader', {
        name: 'reader',
        rules: [{ path: 'secret/data/+/*', capabilities: [Capability.READ] }],
      }),
    path: 'test/Reader',
    prop: 'path',
    value: '"secret/data/+/*"',
    fix: 'Grant each job its own path',
  },
  {
    name: 'policy secret/data/*',
    stage: 'check',
    rule: 'ZT-VAULT-004',
    build: (s) =>
      new VaultPolicy(s, 'Reader', {
        name: 'reader',
        rules: [{ path: 'secret/data/*', capabilities: [Capability.READ] }],
      }),
    path: 'test/Reader',
    prop: 'path',
    value: '"secret/data/*"',
    fix: 'extraPaths',
  },
  {
    name: 'policy secret/*',
    stage: 'check',
    rule: 'ZT-VAULT-004',
    build: (s) =>
      new VaultPolicy(s, 'Reader', {
        name: 'reader',
        rules: [{ path: 'secret/*', capabilities: [Capability.READ] }],
      }),
    path: 'test/Reader',
    prop: 'path',
    value: '"secret/*"',
    fix: 'extraPaths',
  },
  {
    name: 'token without period or TTL',
    stage: 'check',
    rule: 'ZT-VAULT-005',
    build: (s) => new VaultToken(s, 'Token', { policies: ['app'] }),
    path: 'test/Token',
    prop: 'period / ttl',
    value: '(not set)',
    fix: 'Set period',
  },
  {
    name: 'template reads another job’s secrets',
    stage: 'check',
    rule: 'ZT-VAULT-006',
    build: (s) => {
      const vault = new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      });
      const billing = new NomadJob(s, 'billing');
      billing.addGroup('api').addTask('api', { driver: TaskDriver.exec({ command: 'x' }) });
      const task = web(s);
      vault.grantSecrets(task);
      task.addTemplate({
        destination: 'secrets/db.env',
        data: `{{ with secret "${vault.secretsPath(billing)}/db" }}X={{ .Data.data.x }}{{ end }}`,
      });
    },
    path: 'test/web',
    prop: 'template "secrets/db.env" secret',
    value: '"secret/data/default/billing/db"',
    fix: 'secretsPath(job)',
  },
  {
    name: 'hand-written template reads another job’s secrets',
    stage: 'check',
    rule: 'ZT-VAULT-006',
    build: (s) => {
      new NomadJob(s, 'billing')
        .addGroup('api')
        .addTask('api', { driver: TaskDriver.exec({ command: 'x' }) });
      raw(
        s,
        'job "spy" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      template {\n        data = "{{ with secret \\"secret/data/default/billing/db\\" }}{{ .Data.data.password }}{{ end }}"\n        destination = "secrets/x"\n      }\n    }\n  }\n}\n',
      );
    },
    path: 'test/raw',
    prop: 'template "secrets/x" secret',
    value: '"secret/data/default/billing/db"',
    fix: 'grantSecrets(task, { extraPaths })',
  },
  // Secrets
  {
    name: 'literal password in env',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) => web(s, { env: { DB_PASSWORD: 'correct-horse' } }),
    path: 'test/web',
    prop: 'env "DB_PASSWORD"',
    value: '"cor… (13 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'Vault token in env',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) => web(s, { env: { AUTH: TOKEN } }),
    path: 'test/web',
    prop: 'env "AUTH"',
    value: '"hvs.… (45 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'legacy Vault token in meta',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) => web(s, { meta: { bootstrap: 's.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8' } }),
    path: 'test/web',
    prop: 'meta "bootstrap"',
    value: '"s.Ab… (26 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'PEM in job meta',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) =>
      new NomadJob(s, 'web', { meta: { key: PEM } })
        .addGroup('web')
        .addTask('web', { driver: TaskDriver.exec({ command: 'x' }) }),
    path: 'test/web',
    prop: 'meta "key"',
    value: '"-----BEGIN EC PRIVATE KEY-----… (30 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'PEM in a template',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) => web(s).addTemplate({ destination: 'secrets/key.pem', data: PEM }),
    path: 'test/web',
    prop: 'template "secrets/key.pem" data',
    value: '"-----BEGIN EC PRIVATE KEY-----',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'token= in an argument',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) =>
      web(s, {
        driver: TaskDriver.docker({
          image: 'app:1.0.0',
          args: ['--token=9f86d081884c7d659a2feaa0c55ad015'],
        }),
      }),
    path: 'test/web',
    prop: 'config args[0]',
    value: '"9f86… (32 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'AWS key in a template',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) =>
      web(s).addTemplate({
        destination: 'local/aws',
        data: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n',
      }),
    path: 'test/web',
    prop: 'template "local/aws" data',
    value: '"AKIA… (20 characters, masked)"',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'literal token in a Nomad agent file',
    stage: 'check',
    rule: 'ZT-SECRET-001',
    build: (s) =>
      ZeroTrustChecks.registerNomadAgentConfig(
        s,
        new NomadAgentConfig({
          client: {},
          consul: { token: 'b3c1f6a2-0000-4c7e-9a1b-5e8d2f0c9a77' },
        }),
      ),
    path: 'test (NomadAgentConfig)',
    prop: 'consul.token',
    value: '(36 characters, masked)',
    fix: 'Pass a reference',
  },
  {
    name: 'secret in a non-sensitive output',
    stage: 'check',
    rule: 'ZT-SECRET-002',
    build: (s) => new TerraformOutput(s, 'Key', { value: PEM }),
    path: 'test/Key',
    prop: 'value',
    value: '"-----BEGIN EC PRIVATE KEY-----',
    fix: 'sensitive: true',
  },
  {
    name: 'the Connect CA Vault token rendered into a job file',
    stage: 'check',
    rule: 'ZT-SECRET-004',
    build: (s) => {
      const ca = new ConsulConnectCa(s, 'Ca', { vaultAddress: 'https://vault.internal:8200' });
      const file = new ConsulAgentConfig({ server: true, connect: ca.connectStanza }).render();
      web(s).addFile('local/consul.hcl', file);
    },
    path: 'test/web',
    prop: 'jobspec',
    value: 'vault_token.Ca_Token_',
    fix: 'applyThroughApi',
  },
  {
    name: 'a sensitive variable embedded in an env value',
    stage: 'check',
    rule: 'ZT-SECRET-004',
    build: (s) => {
      const password = new TerraformVariable(s, 'db_password', { type: 'string', sensitive: true });
      web(s, { env: { DATABASE_URL: `postgres://app:${password.stringValue}@db:5432/app` } });
    },
    path: 'test/web',
    prop: 'jobspec',
    value: 'var.db_password (sensitive)',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'a sensitive variable reaching an env value through a local',
    stage: 'check',
    rule: 'ZT-SECRET-004',
    build: (s) => {
      const password = new TerraformVariable(s, 'db_password', { type: 'string', sensitive: true });
      const url = new TerraformLocal(s, 'db_url', `postgres://app:${password.stringValue}@db/app`);
      web(s, { env: { DATABASE_URL: url.asString } });
    },
    path: 'test/web',
    prop: 'jobspec',
    value: 'local.db_url (var.db_password (sensitive))',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'a value marked sensitive() in a jobspec',
    stage: 'check',
    rule: 'ZT-SECRET-004',
    build: (s) => {
      const key = new TerraformVariable(s, 'api_key', { type: 'string' });
      web(s, { env: { API_KEY: Fn.sensitive(key.stringValue) } });
    },
    path: 'test/web',
    prop: 'jobspec',
    value: 'a sensitive(...) value',
    fix: 'Keep the secret in Vault',
  },
  {
    name: 'a Vault token in a hand-written nomad_job',
    stage: 'check',
    rule: 'ZT-SECRET-004',
    build: (s) => {
      const token = new VaultToken(s, 'AppToken', { policies: ['app'] });
      new JobResource(s, 'raw', {
        jobspec: `job "raw" {\n  meta = { token = "${token.clientToken}" }\n}\n`,
      });
    },
    path: 'test/raw (nomad_job)',
    prop: 'jobspec',
    value: 'vault_token.AppToken.client_token',
    fix: 'read it at run time',
  },
  {
    name: 'credentials in VAULT_ADDR',
    stage: 'check',
    rule: 'ZT-SECRET-003',
    build: (s) => web(s, { env: { VAULT_ADDR: 'https://ops:s3cret@vault.example.com:8200' } }),
    path: 'test/web',
    prop: 'env "VAULT_ADDR"',
    value: '"https://ops:***@vault.example.com:8200"',
    fix: 'Remove the user name and password',
  },
  {
    name: 'credentials in an artifact',
    stage: 'check',
    rule: 'ZT-SECRET-003',
    build: (s) =>
      web(s, { artifacts: [{ source: 'https://bot:pa55@artifacts.example.com/app.tgz' }] }),
    path: 'test/web',
    prop: 'artifact source',
    value: '"https://bot:***@artifacts.example.com"',
    fix: 'Remove the user name and password',
  },
  {
    name: 'credentials in the Nomad provider address',
    stage: 'check',
    rule: 'ZT-SECRET-003',
    build: (s) =>
      ((s.node.findChild('nomad') as NomadProvider).address =
        'https://ops:pw@nomad.example.com:4646'),
    path: 'test/nomad',
    prop: 'address',
    value: '"https://ops:***@nomad.example.com:4646"',
    fix: 'Remove the user name and password',
  },
  // Nomad
  {
    name: 'static port outside the ingress',
    stage: 'check',
    rule: 'ZT-NOMAD-001',
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        network: { ports: [{ label: 'http', static: 8080 }] },
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: 'test/web',
    prop: 'network port "http" static',
    value: '8080',
    fix: 'Route the service through ZeroTrustIngress',
  },
  {
    name: 'mesh staticPort',
    stage: 'check',
    rule: 'ZT-NOMAD-001',
    build: (s) =>
      new ConnectMesh(s, 'Mesh').addService('dash', {
        name: 'dash',
        port: 9002,
        staticPort: 9002,
        tasks: { t: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
    path: 'test/Mesh/dash',
    prop: 'network port "http" static (MeshServiceProps.staticPort)',
    value: '9002',
    fix: 'Leave staticPort unset',
  },
  {
    name: 'same static port in two groups',
    stage: 'check',
    rule: 'ZT-NOMAD-002',
    build: (s) => {
      for (const id of ['a', 'b'])
        new NomadJob(s, id).addGroup('g', {
          network: { ports: [{ label: 'http', static: 8080 }] },
          tasks: { t: { driver: TaskDriver.exec({ command: 'x' }) } },
        });
    },
    path: 'test/b',
    prop: 'network port "http" static',
    value: '8080',
    fix: 'Give one of them another port',
  },
  {
    name: 'image without tag',
    stage: 'check',
    rule: 'ZT-NOMAD-003',
    build: (s) => web(s, { driver: TaskDriver.docker({ image: 'nginx' }) }),
    path: 'test/web',
    prop: 'image',
    value: '"nginx"',
    fix: '"nginx:<version>"',
  },
  {
    name: 'image latest',
    stage: 'check',
    rule: 'ZT-NOMAD-003',
    build: (s) =>
      web(s, { driver: TaskDriver.docker({ image: 'registry.example.com:5000/team/app:latest' }) }),
    path: 'test/web',
    prop: 'image',
    value: '"registry.example.com:5000/team/app:latest"',
    fix: 'registry.example.com:5000/team/app@sha256:<digest>',
  },
  {
    name: 'hand-written env naming a missing upstream',
    stage: 'check',
    rule: 'ZT-NOMAD-004',
    build: (s) =>
      raw(
        s,
        'job "a" {\n  group "a" {\n    task "a" {\n      driver = "exec"\n      env {\n        API = "http://${NOMAD_UPSTREAM_ADDR_count_api}"\n      }\n    }\n  }\n}\n',
      ),
    path: 'test/raw',
    prop: 'env "API"',
    value: '"${NOMAD_UPSTREAM_ADDR_count_api}"',
    fix: 'Declare the upstream or port',
  },
  // Plain HTTP
  {
    name: 'Vault address over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'http://10.0.0.2:8200',
        nomadAddress: 'https://nomad.example.com',
      }),
    path: 'test/Vault',
    prop: 'vaultAddress',
    value: '"http://10.0.0.2:8200"',
    fix: 'https address',
  },
  {
    name: 'JWKS over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'http://nomad.example.com:4646',
      }),
    path: 'test/Vault',
    prop: 'nomadAddress / workloadIdentity jwksUrl',
    value: '"http://nomad.example.com:4646/.well-known/jwks.json"',
    fix: 'https address',
  },
  {
    name: 'Consul JWKS over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      new ConsulNomadIntegration(s, 'ConsulWi', { nomadAddress: 'http://nomad.example.com:4646' }),
    path: 'test/ConsulWi',
    prop: 'nomadAddress / workloadIdentity jwksUrl',
    value: '"http://nomad.example.com:4646/.well-known/jwks.json"',
    fix: 'Tailscale address',
  },
  {
    name: 'Connect CA Vault over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) => new ConsulConnectCa(s, 'Ca', { vaultAddress: 'http://vault.internal:8200' }),
    path: 'test/Ca',
    prop: 'vaultAddress',
    value: '"http://vault.internal:8200"',
    fix: 'https address',
  },
  {
    name: 'Vault provider over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) => {
      (s.node.findChild('vault') as VaultProvider).address = 'http://192.168.1.10:8200';
    },
    path: 'test/vault',
    prop: 'address',
    value: '"http://192.168.1.10:8200"',
    fix: 'https address',
  },
  {
    name: 'hand-written JWT backend over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      new JwtAuthBackend(s, 'Jwt', {
        path: 'jwt',
        jwksUrl: 'http://nomad.example.com/.well-known/jwks.json',
      }),
    path: 'test/Jwt',
    prop: 'jwks_url',
    value: '"http://nomad.example.com/.well-known/jwks.json"',
    fix: 'https address',
  },
  {
    name: 'NOMAD_ADDR over HTTP',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) => web(s, { env: { NOMAD_ADDR: 'http://nomad.service.consul:4646' } }),
    path: 'test/web',
    prop: 'env "NOMAD_ADDR"',
    value: '"http://nomad.service.consul:4646"',
    fix: 'https address',
  },
  {
    name: 'Tailscale variant Nomad address off the tailnet',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) => tailscale(s, { nomadAddress: 'http://nomad.example.com:4646' }),
    path: 'test/Ingress',
    prop: 'providers.nomad.endpoint.address',
    value: '"http://nomad.example.com:4646"',
    fix: 'Tailscale address',
  },
  {
    name: 'Connect CA address in a Consul file',
    stage: 'check',
    rule: 'ZT-TLS-001',
    build: (s) =>
      web(s).addFile(
        'local/consul.hcl',
        'server = true\nacl {\n  enabled = true\n}\nconnect {\n  ca_provider = "vault"\n  ca_config {\n    address = "http://10.0.0.2:8200"\n  }\n}\n',
      ),
    path: 'test/web',
    prop: 'connect.ca_config.address',
    value: '"http://10.0.0.2:8200"',
    fix: 'https address',
  },
  // Documents the checks cannot read
  {
    name: 'jobspec from file()',
    stage: 'check',
    rule: 'ZT-CHECKS-001',
    build: (s) => raw(s, Fn.file('job.nomad.hcl')),
    path: 'test/raw',
    prop: 'jobspec',
    value: 'a Terraform expression',
    fix: 'review it by hand',
  },
  {
    name: 'jobspec outside the subset',
    stage: 'check',
    rule: 'ZT-CHECKS-001',
    build: (s) => raw(s, 'job "x" {\n  group "g" {\n'),
    path: 'test/raw',
    prop: 'jobspec',
    value: 'line 3, column 1: the block is not closed',
    fix: 'Build the job with NomadJob',
  },
];

/** The message a bad input produces at its stage. */
function messageOf(c: BadInput): string {
  const { stack } = newStack();
  if (c.stage === 'construct') {
    try {
      c.build(stack);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`${c.name}: nothing was thrown while building`);
  }
  c.build(stack);
  if (c.stage === 'synth') {
    try {
      synthValidated(stack);
    } catch (e) {
      const lines = (e as Error).message.split('\n');
      return lines.find((l) => l.includes(c.fix)) ?? (e as Error).message;
    }
    throw new Error(`${c.name}: synthesis found no error`);
  }
  const { report, notes } = checkBuilt(stack);
  const finding = report.findings.find((f) => f.ruleId === c.rule && f.prop === c.prop);
  if (!finding) {
    throw new Error(
      `${c.name}: no ${c.rule} finding on ${c.prop}; found ${report.findings.map((f) => `${f.ruleId} ${f.prop}`).join(', ')}`,
    );
  }
  if (!finding.alsoWarnedByLibrary) {
    expect(notes.map((n) => n.message)).toContain(finding.message);
  }
  expect(finding.message.startsWith(`[${c.rule}] `)).toBe(true);
  return finding.message;
}

const ALL = [...CONSTRUCTION, ...SYNTHESIS, ...CHECKS];

test('at least 100 bad inputs, over every stage', () => {
  expect(ALL.length).toBeGreaterThanOrEqual(100);
  expect(new Set(ALL.map((c) => c.name)).size).toBe(ALL.length);
  expect(CONSTRUCTION.length).toBeGreaterThan(50);
  expect(SYNTHESIS.length).toBeGreaterThanOrEqual(10);
  expect(new Set(CHECKS.map((c) => c.rule))).toEqual(
    new Set(ZeroTrustChecks.rules.map((r) => r.id)),
  );
});

describe.each(ALL.map((c) => [`${c.stage}: ${c.name}`, c] as const))('%s', (_name, c) => {
  test('the message names the construct path, the prop, the value received and the fix', () => {
    const message = messageOf(c);
    expect(message).toContain(c.path);
    expect(message).toContain(c.prop);
    expect(message).toContain(c.value);
    expect(message).toContain(c.fix);
  });
});

/** Values known only to Terraform: checks that need a literal let them through. */
interface TokenInput {
  readonly name: string;
  readonly rules: string[];
  readonly build: (stack: TerraformStack, variable: () => string) => void;
}

const TOKENS: TokenInput[] = [
  {
    name: 'image',
    rules: ['ZT-NOMAD-003'],
    build: (s, v) => web(s, { driver: TaskDriver.docker({ image: v() }) }),
  },
  {
    name: 'secret-named env value',
    rules: ['ZT-SECRET-001'],
    build: (s, v) => web(s, { env: { DB_PASSWORD: v(), NOMAD_TOKEN: `prefix-${v()}` } }),
  },
  {
    name: 'meta value',
    rules: ['ZT-SECRET-001'],
    build: (s, v) => web(s, { meta: { api_token: v() } }),
  },
  {
    name: 'template data',
    rules: ['ZT-SECRET-001', 'ZT-VAULT-006'],
    build: (s, v) => {
      new NomadJob(s, 'billing')
        .addGroup('a')
        .addTask('a', { driver: TaskDriver.exec({ command: 'x' }) });
      web(s).addTemplate({
        destination: 'secrets/x',
        data: `{{ with secret "${v()}" }}{{ .Data.data.x }}{{ end }}\npassword=${v()}\n`,
      });
    },
  },
  {
    name: 'Vault address',
    rules: ['ZT-TLS-001', 'ZT-SECRET-003'],
    build: (s, v) =>
      new VaultNomadIntegration(s, 'Vault', { vaultAddress: v(), nomadAddress: v() }),
  },
  {
    name: 'Connect CA Vault address',
    rules: ['ZT-TLS-001'],
    build: (s, v) => new ConsulConnectCa(s, 'Ca', { vaultAddress: v() }),
  },
  {
    name: 'Consul JWKS',
    rules: ['ZT-TLS-001'],
    build: (s, v) => new ConsulNomadIntegration(s, 'ConsulWi', { nomadAddress: v() }),
  },
  {
    name: 'provider address',
    rules: ['ZT-TLS-001', 'ZT-SECRET-003'],
    build: (s, v) => {
      (s.node.findChild('nomad') as NomadProvider).address = v();
    },
  },
  {
    name: 'policy path',
    rules: ['ZT-VAULT-003', 'ZT-VAULT-004'],
    build: (s, v) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [{ path: `${v()}/*`, capabilities: [Capability.READ] }],
      }),
  },
  {
    name: 'token period',
    rules: ['ZT-VAULT-005'],
    build: (s, v) => new VaultToken(s, 'Token', { policies: ['a'], period: v() }),
  },
  {
    name: 'upstream destination',
    rules: ['ZT-CONSUL-004', 'ZT-CONSUL-005'],
    build: (s, v) =>
      meshPair(s).front.service.addUpstream({ destinationName: v(), localBindPort: 8080 }),
  },
  {
    name: 'output value',
    rules: ['ZT-SECRET-002'],
    build: (s, v) => new TerraformOutput(s, 'Out', { value: v() }),
  },
  {
    name: 'hand-written jobspec with a reference',
    rules: ['ZT-NOMAD-003', 'ZT-CHECKS-001'],
    build: (s, v) =>
      raw(
        s,
        `job "a" {\n  group "a" {\n    task "a" {\n      driver = "docker"\n      config {\n        image = "${v()}"\n      }\n    }\n  }\n}\n`,
      ),
  },
  {
    name: 'Nomad agent tokens',
    rules: ['ZT-SECRET-001'],
    build: (s, v) =>
      ZeroTrustChecks.registerNomadAgentConfig(
        s,
        new NomadAgentConfig({
          client: {},
          consul: { token: v() },
          vault: { address: 'https://vault.example.com', token: v() },
        }),
      ),
  },
  {
    name: 'static port',
    rules: ['ZT-NOMAD-001', 'ZT-NOMAD-002'],
    build: (s) => {
      const port = new TerraformVariable(s, 'port', { type: 'number' }).numberValue;
      for (const id of ['a', 'b'])
        new NomadJob(s, id).addGroup('g', {
          network: { ports: [{ label: 'http', static: port }] },
          tasks: { t: { driver: TaskDriver.exec({ command: 'x' }) } },
        });
    },
  },
  {
    name: 'ingress image',
    rules: ['ZT-NOMAD-003'],
    build: (s, v) =>
      new ZeroTrustIngress(s, 'Ingress', {
        variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
        image: v(),
      }),
  },
  {
    name: 'mesh protocol and ingress route',
    rules: ['ZT-CONSUL-006'],
    build: (s, v) => {
      const mesh = new ConnectMesh(s, 'Mesh');
      const api = mesh.addService('api', {
        name: 'api',
        port: 9001,
        protocol: MeshProtocol.HTTP,
        tasks: { t: { driver: TaskDriver.docker({ image: v() }) } },
      });
      connectIngress(s, mesh).exposeHttp(api, { host: 'api.example.com' });
    },
  },
];

describe.each(TOKENS.map((t) => [t.name, t] as const))('a token as %s', (_name, t) => {
  test('is never rejected by a check that needs a literal value', () => {
    const { stack } = newStack();
    let n = 0;
    const variable = () => new TerraformVariable(stack, `v${n++}`, { type: 'string' }).stringValue;
    expect(() => t.build(stack, variable)).not.toThrow();
    const { report } = checkBuilt(stack);
    expect(report.findings.filter((f) => t.rules.includes(f.ruleId))).toEqual([]);
  });
});
