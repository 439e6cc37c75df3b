import { NomadAgentConfig } from '../../lib';
import { parseHcl } from '../helpers';

describe('NomadAgentConfig', () => {
  test('renders the Tailscale client of seed 000', async () => {
    // GIVEN the client configuration of seed 000
    const config = new NomadAgentConfig({
      dataDir: '/opt/nomad/data',
      bindAddr: '0.0.0.0',
      client: {
        servers: ['100.99.99.99'],
        networkInterface: 'tailscale0',
        hostVolumes: [
          { name: 'tailscale-socket', path: '/run/tailscale/tailscaled.sock', readOnly: true },
        ],
      },
    });

    // WHEN rendered and parsed; THEN it equals the seed's file
    expect(await parseHcl(config.render())).toEqual(
      await parseHcl(`
data_dir  = "/opt/nomad/data"
bind_addr = "0.0.0.0"
client {
  enabled = true
  servers = ["100.99.99.99"]
  network_interface = "tailscale0"
  host_volume "tailscale-socket" {
    path      = "/run/tailscale/tailscaled.sock"
    read_only = true
  }
}`),
    );
  });

  test('renders the server and client vault and consul stanzas of seed 001', async () => {
    const server = new NomadAgentConfig({
      server: { bootstrapExpect: 3 },
      vault: {
        address: 'http://127.0.0.1:8200',
        token: 's.token',
        createFromRole: 'nomad-cluster',
      },
    });
    const client = new NomadAgentConfig({
      client: {},
      vault: { address: 'http://127.0.0.1:8200' },
      consul: {
        address: '127.0.0.1:8500',
        grpcAddress: '127.0.0.1:8502',
        clientServiceName: 'nomad-client',
        autoAdvertise: true,
        clientAutoJoin: true,
      },
    });
    const s = await parseHcl(server.render());
    const c = await parseHcl(client.render());
    expect(s.vault).toEqual([
      {
        enabled: true,
        address: 'http://127.0.0.1:8200',
        token: 's.token',
        create_from_role: 'nomad-cluster',
      },
    ]);
    expect(s.server).toEqual([{ enabled: true, bootstrap_expect: 3 }]);
    expect(c.vault).toEqual([{ enabled: true, address: 'http://127.0.0.1:8200' }]);
    expect(c.consul).toEqual([
      {
        address: '127.0.0.1:8500',
        grpc_address: '127.0.0.1:8502',
        client_service_name: 'nomad-client',
        auto_advertise: true,
        client_auto_join: true,
      },
    ]);
  });

  test('renders workload identity stanzas', async () => {
    const config = new NomadAgentConfig({
      server: {},
      vault: {
        address: 'https://vault.example:8200',
        jwtAuthBackendPath: 'jwt-nomad',
        defaultIdentity: { aud: ['vault.io'], ttl: '1h' },
      },
      consul: {
        serviceIdentity: { aud: ['consul.io'], ttl: '1h' },
        taskIdentity: { aud: ['consul.io'] },
      },
    });
    const parsed = await parseHcl(config.render());
    expect(parsed.vault[0].default_identity).toEqual([{ aud: ['vault.io'], ttl: '1h' }]);
    expect(parsed.consul[0].service_identity).toEqual([{ aud: ['consul.io'], ttl: '1h' }]);
    expect(parsed.consul[0].task_identity).toEqual([{ aud: ['consul.io'] }]);
  });

  test('an agent that is neither server nor client is refused', () => {
    expect(() => new NomadAgentConfig({ datacenter: 'dc1' })).toThrow(
      /as a server, a client, or both/,
    );
  });

  test('a bad identity ttl is refused', () => {
    expect(
      () =>
        new NomadAgentConfig({
          server: {},
          vault: { address: 'x', defaultIdentity: { aud: [], ttl: 'one hour' } },
        }),
    ).toThrow(/invalid vault.defaultIdentity.ttl "one hour"/);
  });
});

test('a ${ reaches the agent as text: escaped for HCL v1, which has no $${ escape', () => {
  // GIVEN a value holding what HCL2 would read as a template
  const config = new NomadAgentConfig({ client: { meta: { note: 'uses ${attr.kernel.name}' } } });
  // THEN the agent's parser (HCL v1) gets the \u0024 escape, not HCL2's $${, which it would
  // keep as two dollar signs
  expect(config.render()).toContain('note = "uses \\u0024{attr.kernel.name}"');
  expect(config.render()).not.toContain('$');
  // AND nothing in it is a Terraform template sequence, so the Terraform string is the same text
  expect(config.toTerraformString()).toBe(config.render());
});
