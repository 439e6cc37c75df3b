import { randomUUID } from 'crypto';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { NomadJob, VaultIntegrationMode, VaultNomadIntegration } from '../lib';
import {
  allocationOutcome,
  AllocationOutcome,
  jobspecOf,
  stopNomadAndVault,
  registerJob,
  secretPrintingJob,
  TEMPLATE_VAULT_RETRY,
} from './nomad-jobs';
import {
  DevNomad,
  DevVault,
  isLoopback,
  listeningAddresses,
  startDevNomad,
  startDevVault,
} from './servers';
import { nomadBinary, providerMirror, TerraformOptions, vaultBinary } from './support';
import { stateResources, tfStep, writeVaultStack } from './vault-stack';

/**
 * Part 2 of issue 11, the legacy token-role workflow (seeds 001 and 004), which Nomad 1.10
 * removed. It runs on Nomad v1.7.5: v1.9.7 cannot be built from what the Go module proxy serves
 * (see tools/build-nomad.sh). The servers' vault {} stanza holds the token Terraform created.
 */
const NOMAD_VERSION = 'v1.7.5';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let vault: DevVault;
let nomad: DevNomad;
let options: TerraformOptions;
let dir: string;
let synthesized: Json;
/** The applied stack's outputs (`terraform output -json`), jobspecs among them. */
let outputs: Record<string, { value: unknown; sensitive: boolean }>;
let integration: VaultNomadIntegration;
let serverStanza: string;
let clientStanza: string;
let grantedPolicies: string[];
let auditLog: string;
const greeting = `hello-legacy-${randomUUID()}`;
const jobs: Record<'reader' | 'nogrant', NomadJob> = {} as never;

beforeAll(
  async () => {
    const nomadBin = nomadBinary(NOMAD_VERSION);
    const vaultBin = vaultBinary();
    providerMirror();
    vault = await startDevVault(vaultBin);
    auditLog = join(mkdtempSync(join(tmpdir(), 'legacy-audit-')), 'vault-audit.log');
    const audit = await vault.api('PUT', 'sys/audit/file', {
      type: 'file',
      options: { file_path: auditLog },
    });
    if (audit.status !== 204) throw new Error(`enabling the audit log: ${JSON.stringify(audit)}`);

    // GIVEN the integration in legacy mode and two jobs, one granted
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, 'legacy-token');
    new VaultProvider(stack, 'vault', {});
    integration = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: vault.address,
      mode: VaultIntegrationMode.legacyTokenRole(),
    });
    const reader = secretPrintingJob(
      stack,
      'legacy-reader',
      (job) => `${integration.secretsPath(job)}/config`,
    );
    grantedPolicies = integration.grantSecrets(reader.task);
    const nogrant = secretPrintingJob(
      stack,
      'legacy-nogrant',
      (job) => `${integration.secretsPath(job)}/config`,
    );
    Object.assign(jobs, { reader: reader.job, nogrant: nogrant.job });
    synthesized = JSON.parse(Testing.synth(stack));

    // WHEN Terraform applies the Vault part and the agent starts with the stanzas it outputs
    dir = mkdtempSync(join(tmpdir(), 'legacy-token-'));
    writeVaultStack(synthesized, dir, { jobspecOutputs: true });
    options = {
      endpoints: { vault: vault.address },
      vaultToken: vault.rootToken,
      env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: 'true' },
    };
    tfStep(dir, ['init', '-input=false', '-no-color'], options);
    tfStep(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], options);
    outputs = JSON.parse(tfStep(dir, ['output', '-json', '-no-color'], options).stdout);
    const stanzas = Object.values(outputs).filter(
      (o) => typeof o.value === 'string' && o.value.startsWith('vault {'),
    );
    const server = stanzas.filter((o) => String(o.value).includes('create_from_role'));
    const client = stanzas.filter((o) => !String(o.value).includes('create_from_role'));
    if (server.length !== 1 || client.length !== 1) {
      throw new Error(`expected one server and one client vault stanza: ${Object.keys(outputs)}`);
    }
    expect(server[0].sensitive).toBe(true);
    serverStanza = String(server[0].value);
    clientStanza = String(client[0].value);
    nomad = await startDevNomad(nomadBin, {
      rawExec: true,
      clientTemplate: TEMPLATE_VAULT_RETRY,
      extraConfig: { 'vault-server.hcl': serverStanza, 'vault-client.hcl': clientStanza },
    });
  },
  10 * 60 * 1000,
);

afterAll(() => stopNomadAndVault(nomad, vault, Object.values(jobs)));

test(`Nomad ${NOMAD_VERSION} runs on loopback only with the server token Terraform created`, async () => {
  for (const p of [nomad.process, vault.process]) {
    expect({
      server: p.name,
      notLoopback: listeningAddresses(p.pid).filter((a) => !isLoopback(a)),
    }).toEqual({
      server: p.name,
      notLoopback: [],
    });
  }
  const version = nomad.cli('version');
  expect(version.output).toContain(`Nomad ${NOMAD_VERSION}`);

  // the stanza holds the applied vault_token's token and names the applied token role
  const state = stateResources(dir, providerMirror(), options);
  const token = Object.entries<Json>(state).find(([a]) => a.startsWith('vault_token.'))![1];
  const role = Object.entries<Json>(state).find(([a]) =>
    a.startsWith('vault_token_auth_backend_role.'),
  )![1];
  expect(serverStanza).toContain(`token            = "${token.client_token}"`);
  expect(serverStanza).toContain(`create_from_role = "${role.role_name}"`);
  const lookup = await vault.api('POST', 'auth/token/lookup', { token: token.client_token });
  expect(lookup.body.data).toMatchObject({ orphan: true, renewable: true, period: 72 * 3600 });
  expect(lookup.body.data.policies).toEqual(expect.arrayContaining(['nomad-server']));

  // and the agent took it: its vault config is enabled with that role (the token is redacted)
  const self = (await nomad.api('GET', 'agent/self')).body;
  const conf = self.config.Vaults.find((v: { Name: string }) => v.Name === 'default');
  expect(conf).toMatchObject({ Enabled: true, Addr: vault.address, Role: role.role_name });
  console.log(
    `server stanza (token redacted):\n${serverStanza.replace(token.client_token, '<token>')}`,
  );
});

describe('jobs reading secrets', () => {
  const outcomes: Record<string, AllocationOutcome> = {};

  beforeAll(
    async () => {
      for (const job of Object.values(jobs)) {
        const value = job === jobs.reader ? greeting : `${greeting}-of-${job.jobName}`;
        const res = await vault.api('POST', `${integration.secretsPath(job)}/config`, {
          data: { greeting: value },
        });
        if (res.status !== 200) throw new Error(`writing a secret: ${JSON.stringify(res)}`);
      }
      for (const job of Object.values(jobs))
        registerJob(nomad, job.jobName, jobspecOf(outputs, job));
      for (const [key, job] of Object.entries(jobs)) {
        outcomes[key] = await allocationOutcome(nomad, job.jobName, 'print', 120_000);
      }
      console.log(JSON.stringify(outcomes, null, 2));
    },
    5 * 60 * 1000,
  );

  test("the granted job's task, with vault { policies }, prints its secret", () => {
    const spec = jobspecOf(outputs, jobs.reader);
    expect(spec).toContain(`policies = ["${grantedPolicies[0]}"]`);
    expect(outcomes.reader).toMatchObject({ clientStatus: 'complete', stdout: greeting });
  });

  test("its token was created from the token role, by the servers' token, with the granted policy", async () => {
    // GIVEN Vault's audit log; it shows request values as HMACs, which sys/audit-hash computes
    const entries: Json[] = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const hash = async (input: string): Promise<string> =>
      (await vault.api('POST', 'sys/audit-hash/file', { input })).body.data.hash;
    const jobHash = await hash(jobs.reader.jobName);

    // WHEN the token creations for the reader job are picked out
    const created = entries.filter(
      (e) =>
        e.type === 'response' &&
        e.request?.path === 'auth/token/create/nomad-cluster' &&
        e.request?.data?.meta?.JobID === jobHash &&
        !e.error,
    );

    // THEN Nomad asked the role for a token with exactly the grant's policy, using the servers'
    // token (policy nomad-server), and Vault answered
    expect(created.length).toBeGreaterThan(0);
    const asked: string[] = created[0].request.data.policies;
    expect(asked).toEqual(await Promise.all(grantedPolicies.map(hash)));
    expect(created[0].auth.token_policies).toEqual(['default', 'nomad-server']);
    console.log(
      `token for ${jobs.reader.jobName} created at auth/token/create/nomad-cluster with policies ${grantedPolicies.join(', ')} by a token with ${created[0].auth.token_policies.join(', ')}`,
    );
  });

  test('the job without a grant gets no token and no secret', () => {
    expect(jobspecOf(outputs, jobs.nogrant)).not.toMatch(/vault \{/);
    expect(outcomes.nogrant.clientStatus).toBe('failed');
    expect(outcomes.nogrant.stdout).toBe('');
    expect(outcomes.nogrant.events.join('\n')).toMatch(/Template failed/i);
  });
});
