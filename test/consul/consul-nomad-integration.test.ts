import {
  AclDefaultPolicy,
  ConnectMesh,
  ConsulAgentConfig,
  ConsulIntegrationMode,
  ConsulLogLevel,
  ConsulNomadIntegration,
  NomadJob,
  TaskDriver,
} from '../../lib';
import { TerraformOutput } from 'cdktf';
import { readableTerraform, synthValidated } from '../../lib/testing';
import { newStack, parseHcl } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const values = (resources: Record<string, any>) => Object.values(resources);

describe('ConsulNomadIntegration, workload identity: what `nomad setup consul` creates', () => {
  function wi() {
    const { stack } = newStack();
    new ConsulNomadIntegration(stack, 'Consul', { nomadAddress: 'https://nomad.example:4646' });
    return synthValidated(stack);
  }

  test('the nomad-workloads JWT auth method', () => {
    const [method] = values(wi().resources('consul_acl_auth_method'));
    expect(method).toMatchObject({ name: 'nomad-workloads', type: 'jwt', token_locality: 'local' });
    expect(method.max_token_ttl).toBeUndefined();
    expect(JSON.parse(method.config_json)).toEqual({
      JWKSURL: 'https://nomad.example:4646/.well-known/jwks.json',
      JWTSupportedAlgs: ['RS256'],
      BoundAudiences: ['consul.io'],
      ClaimMappings: {
        nomad_namespace: 'nomad_namespace',
        nomad_job_id: 'nomad_job_id',
        nomad_task: 'nomad_task',
        nomad_service: 'nomad_service',
      },
    });
  });

  test('binding rules for services and tasks; ${value.…} reaches Consul as text', () => {
    const result = wi();
    const rules = values(result.resources('consul_acl_binding_rule')).map((r) => ({
      bind_type: r.bind_type,
      bind_name: readableTerraform(r.bind_name),
      selector: r.selector,
    }));
    expect(rules).toEqual([
      {
        bind_type: 'service',
        bind_name: '${value.nomad_service}',
        selector: '"nomad_service" in value',
      },
      {
        bind_type: 'role',
        bind_name: 'nomad-${value.nomad_namespace}-tasks',
        selector: '"nomad_service" not in value',
      },
    ]);
    // Terraform evaluates only the interpolation of "$", so ${value...} stays text
    expect(values(result.resources('consul_acl_binding_rule'))[0].bind_name).toBe(
      '${"$"}{value.nomad_service}',
    );
  });

  test('the tasks role and policy', async () => {
    const result = wi();
    expect(values(result.resources('consul_acl_role')).map((r) => r.name)).toEqual([
      'nomad-default-tasks',
    ]);
    const policies = values(result.resources('consul_acl_policy'));
    const tasks = policies.find((p) => p.name === 'policy-nomad-tasks');
    expect(await parseHcl(tasks.rules)).toEqual({
      node_prefix: { '': [{ policy: 'read' }] },
      service_prefix: { '': [{ policy: 'read' }] },
      key_prefix: { '': [{ policy: 'read' }] },
    });
    expect(policies.map((p) => p.name).sort()).toEqual([
      'nomad-client',
      'nomad-server',
      'policy-nomad-tasks',
    ]);
  });

  test('the Nomad agent stanzas', async () => {
    const outputs = wi().outputs;
    const server = await parseHcl(outputs.consul_nomad_server_consul_stanza);
    const client = await parseHcl(outputs.consul_nomad_client_consul_stanza);
    expect(server.consul[0]).toEqual({
      service_identity: [{ aud: ['consul.io'], ttl: '1h' }],
      task_identity: [{ aud: ['consul.io'], ttl: '1h' }],
    });
    expect(Object.keys(client.consul[0]).sort()).toEqual([
      'service_auth_method',
      'task_auth_method',
    ]);
  });
});

describe('ConsulNomadIntegration, legacy token', () => {
  test('warns, and the stanzas with the token are sensitive', () => {
    const { stack } = newStack();
    const consul = new ConsulNomadIntegration(stack, 'Consul', {
      mode: ConsulIntegrationMode.legacyToken(),
    });
    const result = synthValidated(stack);
    expect(consul.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(/removed for workloads/),
    ]);
    for (const output of values(result.json.output)) expect(output.sensitive).toBe(true);
    expect(result.outputs.consul_nomad_client_consul_stanza).toMatch(
      /token += "\$\{data\.consul_acl_token_secret_id\./,
    );
  });
});

describe('ConsulAgentConfig', () => {
  test('renders seed 001’s agent file, with acl default deny unless ALLOW is asked for', async () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh', {
      connectCa: { vaultAddress: 'https://vault.example:8200' },
    });
    const config = new ConsulAgentConfig({
      datacenter: 'consul1',
      server: true,
      bootstrapExpect: 3,
      retryJoin: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      recursors: ['8.8.8.8', '8.8.4.4'],
      clientAddr: '0.0.0.0',
      bindAddr: '{{ GetInterfaceIP "en0" }}',
      addresses: { http: '0.0.0.0' },
      connect: mesh.connectCa!.connectStanza,
      ui: true,
      autoEncrypt: false,
      acl: {},
    });
    new TerraformOutput(stack, 'consul_hcl', {
      value: config.toTerraformString(),
      sensitive: true,
    });
    const parsed = await parseHcl(synthValidated(stack).outputs.consul_hcl);
    expect(parsed.ports).toEqual([{ grpc: 8502 }]);
    expect(parsed.acl).toEqual([{ enabled: true, default_policy: 'deny' }]);
    expect(parsed.bind_addr).toBe('{{ GetInterfaceIP "en0" }}');
    expect(parsed.connect[0]).toMatchObject({ enabled: true, ca_provider: 'vault' });
    expect(parsed.connect[0].ca_config[0]).toMatchObject({
      root_pki_path: 'consul1/connect_root',
      intermediate_pki_path: 'consul1/connect_intermediate',
      token: expect.stringMatching(/^\$\{vault_token\..+\.client_token\}$/),
    });
    expect(config.containsSecrets).toBe(true);
    expect(config.insecureChoices()).toEqual([]);
  });

  test('ACLs off, default allow and debug logs are reported as insecure choices', () => {
    expect(new ConsulAgentConfig({}).insecureChoices()).toEqual([
      expect.stringMatching(/ACLs are off/),
    ]);
    expect(
      new ConsulAgentConfig({
        acl: { defaultPolicy: AclDefaultPolicy.ALLOW },
        logLevel: ConsulLogLevel.DEBUG,
      }).insecureChoices(),
    ).toEqual([
      expect.stringMatching(/defaultPolicy ALLOW/),
      expect.stringMatching(/logLevel DEBUG/),
    ]);
  });

  test('bootstrapExpect on a client is refused', () => {
    expect(() => new ConsulAgentConfig({ bootstrapExpect: 3 })).toThrow(
      /Only servers bootstrap; set server: true/,
    );
  });
});

describe('adopting an existing NomadJob service into the mesh', () => {
  test('gives it a sidecar with its own tags and bridge networking', async () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh');
    const job = new NomadJob(stack, 'web');
    const group = job.addGroup('web', {
      tasks: { app: { driver: TaskDriver.exec({ command: 'app' }) } },
    });
    const service = group.addService({ name: 'web', port: '8080', tags: ['traefik.enable=true'] });
    const web = mesh.adoptService(job, service);
    const db = mesh.addService('db', {
      name: 'db',
      port: 5432,
      tasks: { db: { driver: TaskDriver.exec({ command: 'db' }) } },
    });
    web.connectTo(db, { localBindPort: 5432 });
    const spec = synthValidated(stack).jobspecs;
    const text = Object.entries(spec).find(([k]) => k.startsWith('web'))![1];
    const parsed = await parseHcl(text);
    const g = parsed.job.web[0].group.web[0];
    expect(g.network[0].mode).toBe('bridge');
    expect(g.service[0].tags).toEqual(['traefik.enable=true']);
    expect(g.service[0].connect[0].sidecar_service[0].tags).toEqual(['connect-proxy']);
  });
});
