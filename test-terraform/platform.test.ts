import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { addExamples } from '../examples/all';
import { DevConsul } from './consul-server';
import { DevNomad, DevVault, isLoopback, listeningAddresses, waitFor } from './servers';
import { providerMirror, TerraformOptions } from './support';
import { stateResources, tfStep } from './vault-stack';
import {
  keptAliveBy,
  Platform,
  protectedResources,
  resourceAddresses,
  sensitiveValues,
  startPlatform,
  withoutPreventDestroy,
} from './whole-stack';

/**
 * Issue 20: every example stack deployed whole on real servers — `vault server -dev`,
 * `consul agent -dev` (ACLs with default deny, Connect) for the stacks with a consul provider,
 * and `nomad agent -dev` started with the vault {} and consul {} stanzas the stack renders —
 * with every provider from the mirror. Each stack: apply, a second plan with no changes,
 * destroy (refused for what prevent_destroy protects, then everything once that is lifted),
 * and no secret in anything Terraform printed.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// GIVEN every example synthesized as `npm run synth` does
const outdir = mkdtempSync(join(tmpdir(), 'platform-'));
const app = new App({ outdir });
addExamples(app);
app.synth();
const STACKS = readdirSync(join(outdir, 'stacks')).sort();
const synthesized: Record<string, Json> = Object.fromEntries(
  STACKS.map((n) => [
    n,
    JSON.parse(readFileSync(join(outdir, 'stacks', n, 'cdk.tf.json'), 'utf8')),
  ]),
);

/**
 * The Nomad release each example runs on: the legacy token workflow needs a release before
 * 1.10 (see tools/build-nomad.sh); the rest run on the newest.
 */
const NOMAD_RELEASE: Record<string, string> = {
  'consul-connect': 'v1.11.3',
  tailscale: 'v1.11.3',
  'vault-nomad-legacy': 'v1.7.5',
  'vault-setup': 'v1.11.3',
};

test('every example stack is deployed here', () => {
  expect(Object.keys(NOMAD_RELEASE).sort()).toEqual(STACKS);
});

describe.each(STACKS)('stack %s, whole', (name) => {
  let platform: Platform;
  let vault: DevVault;
  let consul: DevConsul | undefined;
  let nomad: DevNomad;
  let json: Json;
  let dir: string;
  let options: TerraformOptions;
  let stanzas: Record<string, string>;
  const step = (args: string[], ok: number[] = [0]) => platform.step(args, ok);

  beforeAll(
    async () => {
      // WHEN the servers start, Nomad with the stanzas the stack renders
      platform = await startPlatform(name, synthesized[name], {
        nomadRelease: NOMAD_RELEASE[name],
      });
      ({ vault, consul, nomad, json, dir, options, stanzas } = platform);
    },
    10 * 60 * 1000,
  );

  afterAll(() => platform?.stop());

  test('the servers listen on loopback only; Nomad runs with the stanzas the stack renders', async () => {
    for (const s of [vault, consul, nomad]) {
      if (!s) continue;
      expect({
        server: s.process.name,
        off: listeningAddresses(s.process.pid).filter((a) => !isLoopback(a)),
      }).toEqual({ server: s.process.name, off: [] });
    }
    expect(Object.keys(stanzas).length).toBeGreaterThanOrEqual(2);
    const self = (await nomad.api('GET', 'agent/self')).body;
    const vaultConf = self.config.Vaults.find((v: { Name: string }) => v.Name === 'default');
    expect(vaultConf).toMatchObject({ Enabled: true, Addr: vault.address });
    if (consul) {
      const consulConf = self.config.Consuls.find((c: { Name: string }) => c.Name === 'default');
      expect(consulConf.ServiceIdentityAuthMethod).toBe(
        json.resource.consul_acl_auth_method[Object.keys(json.resource.consul_acl_auth_method)[0]]
          .name,
      );
    }
  });

  test('terraform apply creates every resource of the stack', async () => {
    step(['init']);
    step(['apply', '-auto-approve']);
    const applied = stateResources(dir, providerMirror(), options);
    expect(
      Object.keys(applied)
        .filter((a) => !a.startsWith('data.'))
        .sort(),
    ).toEqual(resourceAddresses(json));
    // and Nomad holds each job the stack registers
    for (const [address, values] of Object.entries<Json>(applied)) {
      if (!address.startsWith('nomad_job.')) continue;
      const job = await nomad.api(
        'GET',
        `job/${encodeURIComponent(values.name)}?namespace=${encodeURIComponent(values.namespace)}`,
      );
      expect({ address, status: job.status }).toEqual({ address, status: 200 });
    }
  });

  test('a second plan shows no changes', () => {
    const plan = step(['plan', '-detailed-exitcode'], [0, 2]);
    expect({ status: plan.status, output: plan.status === 0 ? '' : plan.output }).toEqual({
      status: 0,
      output: '',
    });
  });

  test('no secret appears in anything Terraform printed', () => {
    const show = tfStep(dir, ['show', '-json', '-no-color'], options);
    const secrets = sensitiveValues(JSON.parse(show.stdout));
    const leaked = secrets.filter((s) => platform.printed.some((p) => p.includes(s)));
    expect(leaked.map((s) => `${s.slice(0, 4)}… (${s.length} characters)`)).toEqual([]);
  });

  test('terraform destroy refuses what prevent_destroy protects and removes the rest', async () => {
    const protectedAddresses = protectedResources(json);
    const keep = keptAliveBy(json, protectedAddresses);
    if (protectedAddresses.length > 0) {
      const refused = step(['destroy', '-auto-approve'], [1]);
      expect(refused.output).toMatch(/Instance cannot be destroyed/);
      const targets = resourceAddresses(json).filter((a) => !keep.has(a));
      step(['destroy', '-auto-approve', ...targets.map((t) => `-target=${t}`)]);
      const left = Object.keys(stateResources(dir, providerMirror(), options))
        .filter((a) => !a.startsWith('data.'))
        .sort();
      expect(left).toEqual([...keep].sort());
      // with the protection lifted (clean-up), destroy removes everything
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(withoutPreventDestroy(json), null, 2));
    }
    step(['destroy', '-auto-approve']);
    expect(Object.keys(stateResources(dir, providerMirror(), options))).toEqual([]);
    // and Nomad runs none of the stack's jobs
    await waitFor('the jobs to stop', 60_000, async () => {
      const res = await nomad.api('GET', 'jobs?namespace=*');
      const live = (res.body as Array<{ ID: string; Status: string; Stop: boolean }>)
        .filter((j) => !j.Stop && j.Status !== 'dead')
        .map((j) => j.ID);
      if (live.length > 0) throw new Error(`still running: ${live.join(', ')}`);
      return true;
    });
  });
});
