import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { TerraformOutput, TerraformStack } from 'cdktf';
import {
  Capability,
  ConnectMesh,
  ConsulAgentConfig,
  NomadJob,
  TaskDriver,
  TaskProps,
  VaultNomadIntegration,
  VaultPolicy,
} from '../../lib';
import { checkStack } from './support';

/**
 * Choices that look like a finding but are not one: each must leave its rule silent, so a rule
 * that grows too wide fails here.
 */
interface GoodInput {
  readonly name: string;
  readonly rules: string[];
  readonly build: (stack: TerraformStack) => void;
}

function web(stack: TerraformStack, props: Partial<TaskProps> = {}) {
  return new NomadJob(stack, 'web')
    .addGroup('web')
    .addTask('web', { driver: TaskDriver.docker({ image: 'nginx:1.27.5' }), ...props });
}

const vaultAt = (stack: TerraformStack, address: string) => {
  (stack.node.findChild('vault') as VaultProvider).address = address;
};

const GOOD: GoodInput[] = [
  {
    name: 'an image pinned to a digest',
    rules: ['ZT-NOMAD-003'],
    build: (s) =>
      web(s, { driver: TaskDriver.docker({ image: `nginx@sha256:${'a'.repeat(64)}` }) }),
  },
  {
    name: 'an image on a registry with a port, pinned',
    rules: ['ZT-NOMAD-003'],
    build: (s) =>
      web(s, { driver: TaskDriver.docker({ image: 'registry.local:5000/team/app:2.1.0' }) }),
  },
  {
    name: 'plain HTTP to a Tailscale IP (100.64.0.0/10)',
    rules: ['ZT-TLS-001'],
    build: (s) => vaultAt(s, 'http://100.64.0.1:8200'),
  },
  {
    name: 'plain HTTP to the top of 100.64.0.0/10',
    rules: ['ZT-TLS-001'],
    build: (s) => vaultAt(s, 'http://100.127.255.254:8200'),
  },
  {
    name: 'plain HTTP to a ts.net name',
    rules: ['ZT-TLS-001'],
    build: (s) => vaultAt(s, 'http://vault.tail1234.ts.net:8200'),
  },
  {
    name: 'plain HTTP to loopback',
    rules: ['ZT-TLS-001'],
    build: (s) =>
      web(s, { env: { VAULT_ADDR: 'http://127.0.0.1:8200', NOMAD_ADDR: 'http://localhost:4646' } }),
  },
  {
    name: 'a secret-named variable holding a path or a flag',
    rules: ['ZT-SECRET-001'],
    build: (s) =>
      web(s, {
        env: {
          DB_PASSWORD_FILE: '/secrets/db',
          VAULT_TOKEN: '/secrets/vault_token',
          SKIP_PASSWORD: 'true',
          API_TOKEN: '${NOMAD_META_token}',
        },
      }),
  },
  {
    name: 'a template reading a secret by reference',
    rules: ['ZT-SECRET-001'],
    build: (s) =>
      web(s).addTemplate({
        destination: 'secrets/env',
        env: true,
        data: 'DB_PASSWORD={{ with secret "secret/data/default/web/db" }}{{ .Data.data.password }}{{ end }}\n',
      }),
  },
  {
    name: 'words after password=',
    rules: ['ZT-SECRET-001'],
    build: (s) => web(s, { env: { HINT: 'password=see-the-vault-docs-page' } }),
  },
  {
    name: 'a template reading its own job’s and a granted shared path',
    rules: ['ZT-VAULT-006'],
    build: (s) => {
      const vault = new VaultNomadIntegration(s, 'Vault', {
        vaultAddress: 'https://vault.example.com',
        nomadAddress: 'https://nomad.example.com',
      });
      const shared = new NomadJob(s, 'shared');
      shared.addGroup('a').addTask('a', { driver: TaskDriver.exec({ command: 'x' }) });
      const task = web(s);
      vault.grantSecrets(task, { extraPaths: ['shared/*'] });
      task.addTemplate({
        destination: 'secrets/a',
        data: '{{ with secret "secret/data/default/web/a" }}{{ end }}{{ with secret "secret/data/shared/b" }}{{ end }}',
      });
    },
  },
  {
    name: 'list on KV metadata and exact sys/ paths',
    rules: ['ZT-VAULT-003', 'ZT-VAULT-004'],
    build: (s) =>
      new VaultPolicy(s, 'P', {
        name: 'p',
        rules: [
          { path: 'secret/metadata/*', capabilities: [Capability.LIST] },
          { path: 'sys/capabilities-self', capabilities: [Capability.UPDATE] },
          { path: 'secret/data/team/*', capabilities: [Capability.READ] },
          { path: 'sys/*', capabilities: [Capability.DENY] },
        ],
      }),
  },
  {
    name: 'a periodic token and a token from a role',
    rules: ['ZT-VAULT-005'],
    build: (s) => {
      new VaultToken(s, 'A', { period: '72h' });
      new VaultToken(s, 'B', { roleName: 'nomad-cluster' });
    },
  },
  {
    name: 'a mesh whose calls are all declared with connectTo',
    rules: ['ZT-CONSUL-003', 'ZT-CONSUL-004', 'ZT-CONSUL-005'],
    build: (s) => {
      const mesh = new ConnectMesh(s, 'Mesh');
      const task = { t: { driver: TaskDriver.docker({ image: 'app:1.0.0' }) } };
      const api = mesh.addService('api', { name: 'api', port: 9001, tasks: task });
      mesh
        .addService('front', { name: 'front', port: 9002, tasks: task })
        .connectTo(api, { localBindPort: 8080 });
    },
  },
  {
    name: 'a Consul agent with ACLs on and default deny',
    rules: ['ZT-CONSUL-001', 'ZT-CONSUL-002'],
    build: (s) =>
      web(s).addFile('local/consul.hcl', new ConsulAgentConfig({ server: true, acl: {} }).render()),
  },
  {
    name: 'a sensitive output holding a key',
    rules: ['ZT-SECRET-002'],
    build: (s) =>
      new TerraformOutput(s, 'Key', {
        value: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n',
        sensitive: true,
      }),
  },
  {
    name: 'a dynamic port',
    rules: ['ZT-NOMAD-001', 'ZT-NOMAD-002'],
    build: (s) =>
      new NomadJob(s, 'web').addGroup('web', {
        network: { ports: [{ label: 'http', to: 8080 }] },
        tasks: { web: { driver: TaskDriver.exec({ command: 'x' }) } },
      }),
  },
  {
    name: 'the same static port on two host networks',
    rules: ['ZT-NOMAD-002'],
    build: (s) => {
      for (const [id, net] of [
        ['a', 'public'],
        ['b', 'private'],
      ])
        new NomadJob(s, id).addGroup('g', {
          network: { ports: [{ label: 'http', static: 8080, hostNetwork: net }] },
          tasks: { t: { driver: TaskDriver.exec({ command: 'x' }) } },
        });
    },
  },
];

describe.each(GOOD.map((g) => [g.name, g] as const))('%s', (_name, g) => {
  test('fires none of its look-alike rules', () => {
    const { report } = checkStack(g.build);
    expect(report.findings.filter((f) => g.rules.includes(f.ruleId))).toEqual([]);
  });
});
