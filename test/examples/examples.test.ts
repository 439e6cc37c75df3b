import { App, TerraformStack, Testing } from 'cdktf';
import { ConsulConnectExample } from '../../examples/consul-connect/main';
import { TailscaleExample } from '../../examples/tailscale/main';
import { VaultSetupExample } from '../../examples/vault-setup/main';
import { jobspecs, parseJob } from '../helpers';

const EXAMPLES: Array<[string, (app: App) => TerraformStack]> = [
  ['tailscale', (app) => new TailscaleExample(app, 'tailscale')],
  ['consul-connect', (app) => new ConsulConnectExample(app, 'consul-connect')],
];

test('example vault-setup synthesizes with validations and matches the snapshot', () => {
  const stack = new VaultSetupExample(Testing.app(), 'vault-setup');
  expect(Testing.synth(stack, true)).toMatchSnapshot();
});

describe.each(EXAMPLES)('example %s', (_name, build) => {
  test('synthesizes with validations and matches the snapshot', () => {
    const stack = build(Testing.app());
    expect(Testing.synth(stack, true)).toMatchSnapshot();
  });

  test('every jobspec parses with HashiCorp HCL', async () => {
    const stack = build(Testing.app());
    const specs = Object.values(jobspecs(stack));
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const { body } = await parseJob(spec);
      expect(Object.keys(body.group).length).toBeGreaterThan(0);
    }
  });
});

test('the Tailscale example routes HashiCups with the Tailscale resolver', async () => {
  const stack = new TailscaleExample(Testing.app(), 'tailscale', {
    machineName: 'node1.tail1234.ts.net',
  });
  const spec = Object.entries(jobspecs(stack)).find(([k]) => k.startsWith('hashicups'))?.[1];
  const { body } = await parseJob(spec ?? '');
  expect(body.group.nginx[0].task.nginx[0].service[0].tags).toEqual(
    expect.arrayContaining([
      'traefik.http.routers.hashicups.rule=Host(`node1.tail1234.ts.net`)',
      'traefik.http.routers.hashicups.tls.certResolver=tailscaleresolver',
    ]),
  );
});
