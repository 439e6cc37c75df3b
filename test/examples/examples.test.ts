import { App, TerraformStack, Testing } from 'cdktf';
import { ConsulConnectExample } from '../../examples/consul-connect/main';
import { TailscaleExample } from '../../examples/tailscale/main';
import { VaultSetupExample } from '../../examples/vault-setup/main';
import { unescapedTemplateSequences } from '../hcl/terraform-scan';
import { jobspecs, parseJob, synthJson } from '../helpers';

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

/** Every string in a synthesized stack. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

// A cdktf reference: a variable, data source, resource attribute or function call, never a
// Nomad runtime variable such as ${NOMAD_PORT_http} or ${attr.unique.hostname}.
const REFERENCE =
  /^\$\{(var\.[a-z_0-9]+|data\.[a-z_0-9]+\.[A-Za-z_0-9]+\.[a-z_0-9.]+|[a-z]+_[a-z_0-9]+\.[A-Za-z_0-9]+\.[a-z_0-9.]+|[a-z]+\()/;

test.each([
  ['tailscale', (app: App) => new TailscaleExample(app, 'tailscale')],
  ['consul-connect', (app: App) => new ConsulConnectExample(app, 'consul-connect')],
  ['vault-setup', (app: App) => new VaultSetupExample(app, 'vault-setup')],
])('example %s: every template sequence Terraform sees is a cdktf reference', (_name, build) => {
  const all = strings(synthJson(build(Testing.app()))).flatMap(unescapedTemplateSequences);
  expect(all.filter((seq) => !REFERENCE.test(seq))).toEqual([]);
});
