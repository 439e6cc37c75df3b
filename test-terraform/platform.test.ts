import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { addExamples } from '../examples/all';
import { DevConsul, startDevConsul } from './consul-server';
import {
  DevNomad,
  DevVault,
  freeLoopbackPorts,
  isLoopback,
  listeningAddresses,
  startDevNomad,
  startDevVault,
  waitFor,
} from './servers';
import {
  consulBinary,
  nomadBinary,
  providerMirror,
  TerraformOptions,
  TerraformRun,
  vaultBinary,
} from './support';
import { stateResources, tfStep } from './vault-stack';
import {
  keptAliveBy,
  nomadAgentStanzas,
  protectedResources,
  resourceAddresses,
  sensitiveValues,
  stackForMirror,
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
  const dir = mkdtempSync(join(tmpdir(), `platform-${name}-`));
  const withConsul = 'consul' in (synthesized[name].provider ?? {});
  let vault: DevVault;
  let consul: DevConsul | undefined;
  let nomad: DevNomad;
  let json: Json;
  let options: TerraformOptions;
  /** Everything Terraform printed in this stack's deploy. */
  const printed: string[] = [];
  const record = (step: string, run: TerraformRun) => printed.push(`${step}\n${run.output}`);
  const step = (args: string[], ok: number[] = [0]) => {
    const run = tfStep(dir, [...args, '-input=false', '-no-color'], options, ok);
    record(args[0], run);
    return run;
  };
  let stanzas: Record<string, string> = {};

  beforeAll(
    async () => {
      providerMirror();
      vault = await startDevVault(vaultBinary());
      if (withConsul) consul = await startDevConsul(consulBinary());
      const ports = (await freeLoopbackPorts(3)) as [number, number, number];
      const nomadAddress = `http://127.0.0.1:${ports[0]}`;
      json = stackForMirror(synthesized[name], dir);
      pinJwksUrls(json, `${nomadAddress}/.well-known/jwks.json`);
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
      // every variable gets a value here, so no default (a real host) is ever used
      const values: Record<string, string> = {
        vault_addr_for_nomad: vault.address,
        nomad_addr_for_vault: nomadAddress,
        nomad_jwks_url: `${nomadAddress}/.well-known/jwks.json`,
      };
      const unset = Object.keys(json.variable ?? {}).filter(
        (v) => !(v in values) && v !== 'nomad_addr',
      );
      if (unset.length > 0) throw new Error(`no harness value for variables ${unset.join(', ')}`);
      options = {
        endpoints: {
          vault: vault.address,
          nomad: nomadAddress,
          ...(consul ? { consul: consul.httpAddress } : {}),
        },
        vaultToken: vault.rootToken,
        vars: Object.fromEntries(
          Object.keys(json.variable ?? {})
            .filter((v) => v in values)
            .map((v) => [v, values[v]]),
        ),
        env: {
          TERRAFORM_VAULT_SKIP_CHILD_TOKEN: 'true',
          ...(consul ? { CONSUL_HTTP_TOKEN: consul.managementToken } : {}),
        },
      };
      // WHEN the agents' stanzas are planned from the stack, and the agent starts with them (a
      // stack without a nomad provider still needs the agent: Vault reads its JWKS)
      stanzas = nomadAgentStanzas(json, dir, options, record);
      nomad = await startDevNomad(nomadBinary(NOMAD_RELEASE[name]), {
        ports,
        extraConfig: Object.fromEntries(
          Object.entries(stanzas).map(([output, text]) => [`${output}.hcl`, text]),
        ),
        ...(consul
          ? {
              consul: {
                address: consul.httpAddress,
                grpcAddress: consul.grpcAddress,
                token: consul.managementToken,
              },
            }
          : {}),
      });
    },
    10 * 60 * 1000,
  );

  afterAll(async () => {
    const results = await Promise.allSettled([nomad, consul, vault].map((s) => s?.process.stop()));
    for (const s of [nomad, consul, vault]) expect(s?.process.running() ?? false).toBe(false);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

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
    const leaked = secrets.filter((s) => printed.some((p) => p.includes(s)));
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
      const unprotected = JSON.parse(JSON.stringify(json));
      for (const items of Object.values<Json>(unprotected.resource)) {
        for (const body of Object.values<Json>(items)) delete body.lifecycle?.prevent_destroy;
      }
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(unprotected, null, 2));
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

/**
 * Points each JWT backend's literal jwks_url off loopback (a real Nomad's address in an
 * example) at the running agent's keys.
 */
function pinJwksUrls(json: Json, localJwksUrl: string): void {
  for (const body of Object.values<Json>(json.resource?.vault_jwt_auth_backend ?? {})) {
    const url = body.jwks_url;
    if (typeof url !== 'string' || /[$%]\{/.test(url)) continue;
    if (['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) continue;
    body.jwks_url = localJwksUrl;
  }
}
