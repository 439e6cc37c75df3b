import { readFileSync } from 'fs';
import { join } from 'path';
import { TerraformStack } from 'cdktf';
import {
  ConnectCaPkiMounts,
  ConnectMesh,
  MeshProtocol,
  MeshService,
  NomadJob,
  TaskDriver,
} from '../../lib';
import { readableTerraform, synthValidated } from '../../lib/testing';
import { newStack, parseHcl, parseJob } from '../helpers';

/** Seed 003's countdash, rebuilt with ConnectMesh. */
function countdash(stack: TerraformStack) {
  const mesh = new ConnectMesh(stack, 'Mesh');
  const job = new NomadJob(stack, 'countdash', { datacenters: ['dc1'] });
  const api = mesh.addService('api', {
    job,
    groupName: 'api',
    name: 'count-api',
    port: 9001,
    tasks: { web: { driver: TaskDriver.docker({ image: 'hashicorpdev/counter-api:v3' }) } },
  });
  const dashboard = mesh.addService('dashboard', {
    job,
    groupName: 'dashboard',
    name: 'count-dashboard',
    port: 9002,
    staticPort: 9002,
    tasks: {
      dashboard: { driver: TaskDriver.docker({ image: 'hashicorpdev/counter-dashboard:v3' }) },
    },
  });
  const address = dashboard.connectTo(api, { localBindPort: 8080 });
  dashboard.task('dashboard').addEnv('COUNTING_SERVICE_URL', `http://${address}`);
  return { mesh, job, api, dashboard };
}

const only = <T>(resources: Record<string, T> | undefined): T[] => Object.values(resources ?? {});

describe("ConnectMesh rebuilds seed 003's countdash", () => {
  test('the jobspec has what the seed relies on', async () => {
    const { stack } = newStack();
    countdash(stack);
    const result = synthValidated(stack);
    const seed = await parseJob(
      readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'countdash.nomad.hcl'), 'utf8'),
    );
    const { body } = await parseJob(Object.values(result.jobspecs)[0]);
    // THEN the same groups, both in bridge mode
    expect(Object.keys(body.group)).toEqual(Object.keys(seed.body.group));
    const api = body.group.api[0];
    const dash = body.group.dashboard[0];
    expect(api.network).toEqual(seed.body.group.api[0].network);
    expect(dash.network).toEqual(seed.body.group.dashboard[0].network);
    // AND the same services and upstream; the sidecars carry tags of their own (Nomad #9880)
    expect(api.service[0].name).toBe('count-api');
    expect(api.service[0].port).toBe('9001');
    expect(dash.service[0].port).toBe('http');
    const sidecar = dash.service[0].connect[0].sidecar_service[0];
    // the seed's proxy, and the application's port named, since the service port is the
    // static `http` label (hashicorp/nomad#9824)
    const [seedProxy] = seed.body.group.dashboard[0].service[0].connect[0].sidecar_service[0].proxy;
    expect(sidecar.proxy).toEqual([{ ...seedProxy, local_service_port: 9002 }]);
    expect(sidecar.tags).toEqual(['connect-proxy']);
    // AND the dashboard finds the api through its local upstream address
    expect(dash.task.dashboard[0].env).toEqual(seed.body.group.dashboard[0].task.dashboard[0].env);
  });

  test('the intentions allow exactly count-dashboard → count-api, all else is denied', () => {
    const { stack } = newStack();
    countdash(stack);
    const entries = only<{ name: string; sources: Array<{ name: string; action?: string }> }>(
      synthValidated(stack).resources('consul_config_entry_service_intentions'),
    );
    const byDestination = Object.fromEntries(
      entries.map((e) => [e.name, e.sources.map((s) => `${s.name}:${s.action}`)]),
    );
    expect(byDestination).toEqual({ '*': ['*:deny'], 'count-api': ['count-dashboard:allow'] });
  });

  test('snapshot', () => {
    const { stack } = newStack();
    countdash(stack);
    expect(synthValidated(stack).readable).toMatchSnapshot();
  });
});

describe('the sidecar', () => {
  test('a static port other than the application port names the port the sidecar dials', async () => {
    // GIVEN an application on 9001 published on static port 8080
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh');
    mesh.addService('api', {
      name: 'api',
      port: 9001,
      staticPort: 8080,
      tasks: { web: { driver: TaskDriver.docker({ image: 'example/api:1' }) } },
    });
    const { body } = await parseJob(Object.values(synthValidated(stack).jobspecs)[0]);
    const group = body.group.api[0];
    // THEN the service port is the static label, and the proxy names the application's port
    expect(group.network[0].port.http).toEqual([{ static: 8080, to: 9001 }]);
    expect(group.service[0].port).toBe('http');
    expect(group.service[0].connect[0].sidecar_service[0].proxy).toEqual([
      { local_service_port: 9001 },
    ]);
  });

  test('a sidecar task of its own: the driver and its config, for a cluster without Docker', async () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh');
    mesh.addService('api', {
      name: 'api',
      port: 9001,
      tasks: { web: { driver: TaskDriver.docker({ image: 'example/api:1' }) } },
      sidecarTask: {
        driver: TaskDriver.rawExec({ command: 'consul', args: ['connect', 'proxy'] }),
        memoryMb: 64,
      },
    });
    const { body } = await parseJob(Object.values(synthValidated(stack).jobspecs)[0]);
    expect(body.group.api[0].service[0].connect[0].sidecar_task).toEqual([
      {
        driver: 'raw_exec',
        config: [{ command: 'consul', args: ['connect', 'proxy'] }],
        resources: [{ memory: 64 }],
      },
    ]);
  });

  test('a sidecar task driver with free-form config besides is refused', () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh');
    expect(() =>
      mesh.addService('api', {
        name: 'api',
        port: 9001,
        tasks: { web: { driver: TaskDriver.docker({ image: 'example/api:1' }) } },
        sidecarTask: {
          driver: TaskDriver.rawExec({ command: 'consul' }),
          config: { image: 'envoy:1' },
        },
      }),
    ).toThrow(/With a sidecarTask driver, give the config through the driver/);
  });
});

describe('connecting services', () => {
  test('a cycle is fine: A → B and B → A', () => {
    const { stack } = newStack();
    const { api, dashboard } = countdash(stack);
    expect(api.connectTo(dashboard, { localBindPort: 7000 })).toBe(
      '${NOMAD_UPSTREAM_ADDR_count_dashboard}',
    );
    expect(() => synthValidated(stack)).not.toThrow();
  });

  test('a service cannot be its own upstream', () => {
    const { stack } = newStack();
    const { api } = countdash(stack);
    expect(() => api.connectTo(api, { localBindPort: 7000 })).toThrow(
      /invalid connectTo upstream "count-api". A service cannot be its own upstream/,
    );
  });

  test('a service of another mesh is refused', () => {
    const { stack } = newStack();
    const { dashboard } = countdash(stack);
    const other = new ConnectMesh(stack, 'Other', { defaultDeny: false });
    const db = other.addService('db', {
      name: 'db',
      port: 5432,
      tasks: { db: { driver: TaskDriver.exec({ command: 'db' }) } },
    });
    expect(() => dashboard.connectTo(db, { localBindPort: 5432 })).toThrow(
      /belongs to another mesh \(test\/Other\)/,
    );
  });

  test('something that was never added to a mesh is refused', () => {
    const { stack } = newStack();
    const { dashboard } = countdash(stack);
    const fake = { name: 'count-api' } as unknown as MeshService;
    expect(() => dashboard.connectTo(fake, { localBindPort: 7000 })).toThrow(
      /Give a service from ConnectMesh.addService or adoptService/,
    );
  });

  test('two upstreams on one local port are refused', () => {
    const { stack } = newStack();
    const { mesh, dashboard } = countdash(stack);
    const db = mesh.addService('db', {
      name: 'db',
      port: 5432,
      tasks: { db: { driver: TaskDriver.exec({ command: 'db' }) } },
    });
    expect(() => dashboard.connectTo(db, { localBindPort: 8080 })).toThrow(
      /invalid upstream localBindPort 8080. The group's upstream "count-api"/,
    );
  });

  test('a local bind port equal to the service’s own port is refused', () => {
    const { stack } = newStack();
    const { api, dashboard } = countdash(stack);
    expect(() => api.connectTo(dashboard, { localBindPort: 9001 })).toThrow(
      /invalid connectTo localBindPort 9001. It is the port "count-api" itself listens on/,
    );
  });

  test.each(['Count_API', 'count-api-', '${NOMAD_JOB_NAME}', 'a'.repeat(64)])(
    'service name %p is refused',
    (name) => {
      const { stack } = newStack();
      const mesh = new ConnectMesh(stack, 'Mesh');
      expect(() =>
        mesh.addService('x', {
          name,
          port: 80,
          tasks: { t: { driver: TaskDriver.exec({ command: 'x' }) } },
        }),
      ).toThrow(/invalid service name .* must be a literal RFC 1123 label/);
    },
  );

  test('L7 permissions need an HTTP upstream, and then land on the intention', () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh');
    const exec = { t: { driver: TaskDriver.exec({ command: 'x' }) } };
    const web = mesh.addService('web', { name: 'web', port: 80, tasks: exec });
    const tcp = mesh.addService('tcp', { name: 'tcp', port: 81, tasks: exec });
    const api = mesh.addService('api', {
      name: 'api',
      port: 82,
      tasks: exec,
      protocol: MeshProtocol.HTTP,
    });
    expect(() =>
      web.connectTo(tcp, { localBindPort: 9000, permissions: [{ pathPrefix: '/' }] }),
    ).toThrow(/L7 permissions need an HTTP-based protocol/);
    web.connectTo(api, {
      localBindPort: 9001,
      permissions: [{ pathPrefix: '/v1/', methods: ['GET'] }],
    });
    const result = synthValidated(stack);
    const entry = only<{ name: string; sources: unknown[] }>(
      result.resources('consul_config_entry_service_intentions'),
    ).find((e) => e.name === 'api');
    expect(entry?.sources).toEqual([
      {
        name: 'web',
        type: 'consul',
        // what Consul computes for a named source to a named destination, set so that the
        // provider's read-back of it plans no change
        precedence: 9,
        permissions: [{ action: 'allow', http: [{ path_prefix: '/v1/', methods: ['GET'] }] }],
      },
    ]);
    const defaults = only<{ kind: string; name: string; config_json: string }>(
      result.resources('consul_config_entry'),
    );
    expect(defaults).toEqual([
      { kind: 'service-defaults', name: 'api', config_json: '{"Protocol":"http"}' },
    ]);
  });

  test('turning default deny off is a warning', () => {
    const { stack } = newStack();
    const mesh = new ConnectMesh(stack, 'Mesh', { defaultDeny: false });
    expect(mesh.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(/defaultDeny is off/),
    ]);
  });
});

describe('the Connect CA on Vault', () => {
  const policyOf = async (stack: TerraformStack) => {
    const result = synthValidated(stack);
    const policy = Object.entries(result.policies).find(([k]) => k.includes('ConnectCa'))![1];
    const parsed = (await parseHcl(policy)).path as Record<
      string,
      Array<{ capabilities: string[] }>
    >;
    return Object.fromEntries(
      Object.entries(parsed).map(([p, r]) => [p.replace(/^\//, ''), r[0].capabilities.sort()]),
    );
  };

  test('library-managed mounts: the narrower policy equals seed 001’s, path by path', async () => {
    const { stack } = newStack();
    new ConnectMesh(stack, 'Mesh', { connectCa: { vaultAddress: 'https://vault.example:8200' } });
    const seed = (
      await parseHcl(
        readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'consul-ca-policy.hcl'), 'utf8'),
      )
    ).path as Record<string, Array<{ capabilities: string[] }>>;
    const expected = Object.fromEntries(
      Object.entries(seed).map(([p, r]) => [p.replace(/^\//, ''), r[0].capabilities.sort()]),
    );
    expect(await policyOf(stack)).toEqual(expected);
  });

  test('library-managed mounts are pki mounts with a root certificate, protected from destroy', () => {
    const { stack } = newStack();
    new ConnectMesh(stack, 'Mesh', { connectCa: { vaultAddress: 'https://vault.example:8200' } });
    const result = synthValidated(stack);
    const mounts = only<{ path: string; type: string; lifecycle?: object }>(
      result.resources('vault_mount'),
    );
    expect(mounts.map((m) => [m.path, m.type, m.lifecycle])).toEqual([
      ['consul1/connect_root', 'pki', { prevent_destroy: true }],
      ['consul1/connect_intermediate', 'pki', { prevent_destroy: true }],
    ]);
    expect(
      only<{ lifecycle?: object }>(result.resources('vault_pki_secret_backend_root_cert'))[0]
        .lifecycle,
    ).toEqual({ prevent_destroy: true });
  });

  test('Consul-managed mounts: the policy Consul’s docs give', async () => {
    const { stack } = newStack();
    new ConnectMesh(stack, 'Mesh', {
      connectCa: {
        vaultAddress: 'https://vault.example:8200',
        pkiMounts: ConnectCaPkiMounts.consulManaged(),
      },
    });
    const crudl = ['create', 'delete', 'list', 'read', 'update'];
    expect(await policyOf(stack)).toEqual({
      'sys/mounts/consul1/connect_root': crudl,
      'sys/mounts/consul1/connect_intermediate': crudl,
      'sys/mounts/consul1/connect_intermediate/tune': ['update'],
      'consul1/connect_root/*': crudl,
      'consul1/connect_intermediate/*': crudl,
      'auth/token/renew-self': ['update'],
      'auth/token/lookup-self': ['read'],
    });
  });

  test('Consul’s CA config carries the token by reference; the token is periodic; the stanza output is sensitive', () => {
    const { stack } = newStack();
    new ConnectMesh(stack, 'Mesh', {
      connectCa: { vaultAddress: 'https://vault.example:8200', leafCertTtl: '24h' },
    });
    const result = synthValidated(stack);
    const ca = only<{ connect_provider: string; config_json: string }>(
      result.resources('consul_certificate_authority'),
    )[0];
    expect(ca.connect_provider).toBe('vault');
    const config = JSON.parse(readableTerraform(ca.config_json));
    expect(config).toEqual({
      Address: 'https://vault.example:8200',
      Token: expect.stringMatching(
        /^\$\{vault_token\.Mesh_ConnectCa_Token_[0-9A-F]+\.client_token\}$/,
      ),
      RootPKIPath: 'consul1/connect_root',
      IntermediatePKIPath: 'consul1/connect_intermediate',
      LeafCertTTL: '24h',
      IntermediateCertTTL: '8760h',
      RootCertTTL: '87600h',
    });
    const token = only<{ period: string; no_parent: boolean; renewable: boolean }>(
      result.resources('vault_token'),
    )[0];
    expect(token).toMatchObject({ period: '72h', no_parent: true, renewable: true });
    const stanza = Object.entries<{ sensitive?: boolean }>(result.json.output).find(([k]) =>
      k.includes('connect_stanza'),
    );
    expect(stanza?.[1].sensitive).toBe(true);
  });

  test.each([
    ['30m', /from 1h to 8760h/],
    ['9000h', /from 1h to 8760h/],
  ])('a leaf certificate TTL of %p is refused', (leafCertTtl, message) => {
    const { stack } = newStack();
    expect(
      () =>
        new ConnectMesh(stack, 'Mesh', {
          connectCa: { vaultAddress: 'https://v:8200', leafCertTtl },
        }),
    ).toThrow(message);
  });
});
