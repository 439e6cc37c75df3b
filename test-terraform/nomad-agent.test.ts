import { writeFileSync } from 'fs';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../examples/all';
import { VaultNomadIntegration } from '../lib';
import { newStack, synthJson, withPlaceholders } from '../test/helpers';
import { exampleAndSeedJobspecs, nomadJobspecs } from './jobspec-sources';
import {
  DevNomad,
  freeLoopbackPorts,
  isLoopback,
  listeningAddresses,
  startDevNomad,
} from './servers';
import { nomadBinary } from './support';

// A Nomad dev agent on loopback only (see startDevNomad: its own ports, no cloud metadata
// fingerprinting, no update check, Consul on a closed loopback port), with Vault on a closed
// loopback port too.
const CLOSED_VAULT = 'http://127.0.0.1:1';

/** The parts of `nomad job inspect -json` these tests read. */
interface InspectedJob {
  readonly TaskGroups: Array<{
    readonly Tasks: Array<{
      readonly Name: string;
      readonly Env?: Record<string, string>;
      readonly Vault?: { readonly Role?: string };
      readonly Identities?: Array<{ readonly Name: string; readonly Audience: string[] }>;
    }>;
  }>;
}

let nomad: DevNomad;

function cli(...args: string[]) {
  return nomad.cli(...args);
}

/**
 * The server and client vault {} stanzas exactly as VaultNomadIntegration renders them; the
 * client's one reference (the auth backend's path) is given the value Terraform would give it.
 */
function vaultStanzas(nomadAddress: string): { server: string; client: string } {
  const { stack } = newStack('stanza');
  new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: CLOSED_VAULT,
    nomadAddress,
  });
  const outputs = Object.values<{ value: string }>(synthJson(stack).output).map(
    (o) => withPlaceholders(o.value, 'jwt-nomad').text,
  );
  return {
    server: outputs.find((o) => o.includes('default_identity'))!,
    client: outputs.find((o) => o.includes('jwt_auth_backend_path'))!,
  };
}

beforeAll(async () => {
  const ports = (await freeLoopbackPorts(3)) as [number, number, number];
  const stanzas = vaultStanzas(`http://127.0.0.1:${ports[0]}`);
  nomad = await startDevNomad(nomadBinary(), {
    ports,
    extraConfig: { 'vault-server.hcl': stanzas.server, 'vault-client.hcl': stanzas.client },
  });
});

afterAll(async () => {
  // stopped by its PID (and its helper processes after it), even when a check failed
  await nomad?.process.stop();
  expect(nomad?.process.running() ?? false).toBe(false);
});

test('the agent listens on loopback only', () => {
  const listening = listeningAddresses(nomad.process.pid);
  expect(listening.length).toBeGreaterThanOrEqual(3);
  expect(listening.filter((a) => !isLoopback(a))).toEqual([]);
});

test('the agent runs with the vault {} stanzas the integration renders', async () => {
  // WHEN the agent is asked for the configuration it loaded
  const self = (await nomad.api('GET', 'agent/self')).body;
  const vault = self.config.Vaults.find((v: { Name: string }) => v.Name === 'default');

  // THEN the server's default identity and the client's auth backend path are in effect
  expect(vault.Enabled).toBe(true);
  expect(vault.Addr).toBe(CLOSED_VAULT);
  expect(vault.DefaultIdentity.Audience).toEqual(['vault.io']);
  expect(vault.JWTAuthBackendPath).toBe('jwt-nomad');
});

test('Nomad registers every example and seed job, already in nomad fmt layout', () => {
  // GIVEN every jobspec of the examples and the seed jobs, references replaced by a placeholder
  const specs = exampleAndSeedJobspecs();
  expect(cli('namespace', 'apply', 'experimental').status).toBe(0);

  // WHEN each is submitted to the agent
  const refused: Record<string, string> = {};
  const unformatted: Record<string, string> = {};
  for (const [name, text] of Object.entries(specs)) {
    const file = join(nomad.dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.nomad.hcl`);
    writeFileSync(file, text);
    const run = cli('job', 'run', '-detach', file);
    if (run.status !== 0) refused[name] = run.output;
    const fmt = cli('fmt', '-check', file);
    if (fmt.status !== 0) unformatted[name] = fmt.output;
  }

  // THEN Nomad accepted all of them, and nomad fmt would change none
  expect(refused).toEqual({});
  expect(unformatted).toEqual({});
  expect(Object.keys(specs).length).toBeGreaterThanOrEqual(7);
});

test('the registered countdash carries the workload identity and runtime variables as given', () => {
  // GIVEN the consul-connect example's countdash (the seed job of the same name may have
  // replaced it in the test above)
  const app = Testing.app() as App;
  addExamples(app);
  const example = app.node.findChild('consul-connect') as TerraformStack;
  const spec = Object.entries(nomadJobspecs(example)).find(([k]) => k.includes('/countdash'))![1];
  const file = join(nomad.dir, 'countdash-example.nomad.hcl');
  writeFileSync(file, spec);
  const run = cli('job', 'run', '-detach', file);
  expect({ status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({
    status: 0,
    output: '',
  });

  // WHEN Nomad is asked what it stored
  const inspect = cli('job', 'inspect', '-json', 'countdash');
  expect(inspect.status).toBe(0);
  const job: InspectedJob = JSON.parse(inspect.output);
  const tasks = job.TaskGroups.flatMap((g) => g.Tasks);
  const dashboard = tasks.find((t) => t.Name === 'dashboard')!;
  // THEN the runtime variable arrived as text
  expect(dashboard.Env?.COUNTING_SERVICE_URL).toBe('http://${NOMAD_UPSTREAM_ADDR_count_api}');
  // Nomad added the Vault identity from the rendered default_identity, with our audience
  expect(dashboard.Vault?.Role).toBe('nomad-workloads');
  expect(dashboard.Identities).toEqual([
    expect.objectContaining({ Name: 'vault_default', Audience: ['vault.io'] }),
  ]);
  // and a Connect sidecar for each mesh service
  expect(
    tasks
      .map((t) => t.Name)
      .filter((n) => n.startsWith('connect-proxy-'))
      .sort(),
  ).toEqual(['connect-proxy-count-api', 'connect-proxy-count-dashboard']);
});

test('no cloud metadata fingerprinter ran (the metadata address is absent from the agent log)', () => {
  expect(nomad.process.log()).not.toMatch(/169\.254\.169\.254/);
});
