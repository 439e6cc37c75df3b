import { randomUUID } from 'crypto';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import {
  JobType,
  NomadJob,
  RestartMode,
  TaskDriver,
  VaultIntegrationMode,
  VaultNomadIntegration,
} from '../lib';
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
  freeLoopbackPorts,
  isLoopback,
  listeningAddresses,
  startDevNomad,
  startDevVault,
} from './servers';
import { nomadBinary, providerMirror, TerraformOptions, vaultBinary } from './support';
import { tfStep, writeVaultStack } from './vault-stack';

/**
 * Part 2 of issue 11, workload identity: a Nomad v1.11.3 dev agent runs with the vault {}
 * stanzas VaultNomadIntegration renders, against a real Vault where Terraform applied the
 * integration; a job granted with grantSecrets reads its own secret, and Vault refuses a job
 * without a grant and a job reading another job's secret.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let vault: DevVault;
let nomad: DevNomad;
let options: TerraformOptions;
let dir: string;
let synthesized: Json;
/** The applied stack's outputs (`terraform output -json`), jobspecs among them. */
let outputs: Record<string, { value: unknown; sensitive: boolean }>;
let stanzas: { server: string; client: string };
let auditLog: string;
const greeting = `hello-from-vault-${randomUUID()}`;
const jobs: Record<'reader' | 'nogrant' | 'snooper' | 'referencing', NomadJob> = {} as never;
/** A referenced value with what HCL2, HCL v1 and Terraform would each read as syntax. */
const DB_ADDR = '10.0.0.7:5432 "q" \\ $x ${y} %{z} $${w} [[ env "HOME" ]] é\ttab';

/**
 * A batch job whose job meta and template data embed a reference to a variable (`'DB=' + ref`),
 * and whose task prints the rendered file.
 */
function referencingJob(stack: TerraformStack): NomadJob {
  const db = new TerraformVariable(stack, 'db_addr', { type: 'string', default: DB_ADDR });
  const job = new NomadJob(stack, 'wi-refs', {
    type: JobType.BATCH,
    meta: { db: `db=${db.stringValue}!` },
  });
  job
    .addGroup('reader', { restart: { attempts: 0, mode: RestartMode.FAIL } })
    .addTask('print', {
      driver: TaskDriver.rawExec({
        command: '/bin/sh',
        args: ['-c', 'cat local/db.env local/raw.txt'],
      }),
      env: { DB: `DB=${db.stringValue}` },
      resources: { cpuMhz: 20, memoryMb: 32 },
    })
    .addTemplate({ destination: 'local/db.env', data: `DB=${db.stringValue}\n` });
  // a file: consul-template evaluates nothing in it, the value's "[[" included
  job.group('reader').task('print').addFile('local/raw.txt', `RAW=${db.stringValue}\n`);
  return job;
}
let integration: VaultNomadIntegration;

/** The two vault {} stanzas among a stack's outputs: the server's has default_identity. */
function stanzaOutputs(outputs: Record<string, { value?: unknown }>) {
  const texts = Object.values(outputs)
    .map((o) => o.value)
    .filter((v): v is string => typeof v === 'string' && v.startsWith('vault {'));
  const server = texts.filter((t) => t.includes('default_identity'));
  const client = texts.filter((t) => t.includes('jwt_auth_backend_path'));
  if (server.length !== 1 || client.length !== 1) {
    throw new Error(
      `expected one server and one client vault stanza, got ${JSON.stringify(texts)}`,
    );
  }
  return { server: server[0], client: client[0] };
}

beforeAll(
  async () => {
    const nomadBin = nomadBinary();
    const vaultBin = vaultBinary();
    providerMirror();
    vault = await startDevVault(vaultBin);

    // GIVEN the agent's address, reserved first: Vault reads the JWKS from the agent itself
    const ports = (await freeLoopbackPorts(3)) as [number, number, number];
    const nomadAddress = `http://127.0.0.1:${ports[0]}`;

    // and a stack with the integration and three jobs, synthesized
    const app = Testing.app() as App;
    const stack = new TerraformStack(app, 'workload-identity');
    new VaultProvider(stack, 'vault', {});
    integration = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: vault.address,
      nomadAddress,
      mode: VaultIntegrationMode.workloadIdentity(),
    });
    const reader = secretPrintingJob(
      stack,
      'wi-reader',
      (job) => `${integration.secretsPath(job)}/config`,
    );
    integration.grantSecrets(reader.task);
    // no grant: its task has no vault block
    const nogrant = secretPrintingJob(
      stack,
      'wi-nogrant',
      (job) => `${integration.secretsPath(job)}/config`,
    );
    // granted, but its template reads the reader's secret
    const snooper = secretPrintingJob(
      stack,
      'wi-snooper',
      () => `${integration.secretsPath(reader.job)}/config`,
    );
    integration.grantSecrets(snooper.task);
    Object.assign(jobs, {
      reader: reader.job,
      nogrant: nogrant.job,
      snooper: snooper.job,
      referencing: referencingJob(stack),
    });
    synthesized = JSON.parse(Testing.synth(stack));

    // WHEN Terraform plans the Vault part, the stanzas' references get their values
    dir = mkdtempSync(join(tmpdir(), 'workload-identity-'));
    writeVaultStack(synthesized, dir, { jobspecOutputs: true });
    options = {
      endpoints: { vault: vault.address },
      vaultToken: vault.rootToken,
      env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: 'true' },
    };
    tfStep(dir, ['init', '-input=false', '-no-color'], options);
    tfStep(dir, ['plan', '-input=false', '-no-color', '-out=tfplan'], options);
    const planned = JSON.parse(tfStep(dir, ['show', '-json', 'tfplan'], options).stdout);
    stanzas = stanzaOutputs(planned.planned_values.outputs);

    // and the agent starts with them (Vault configures the JWT backend only once it can fetch
    // the agent's keys, so the agent comes first)
    nomad = await startDevNomad(nomadBin, {
      ports,
      rawExec: true,
      clientTemplate: TEMPLATE_VAULT_RETRY,
      extraConfig: { 'vault-server.hcl': stanzas.server, 'vault-client.hcl': stanzas.client },
    });
    tfStep(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], options);
    outputs = JSON.parse(tfStep(dir, ['output', '-json', '-no-color'], options).stdout);

    // Vault's audit log shows who was refused what
    auditLog = join(dir, 'vault-audit.log');
    const audit = await vault.api('PUT', 'sys/audit/file', {
      type: 'file',
      options: { file_path: auditLog },
    });
    if (audit.status !== 204) throw new Error(`enabling the audit log: ${JSON.stringify(audit)}`);
  },
  10 * 60 * 1000,
);

afterAll(() => stopNomadAndVault(nomad, vault, Object.values(jobs)));

test('the agent and Vault listen on loopback only, the agent with the applied stanzas', async () => {
  for (const p of [nomad.process, vault.process]) {
    const listening = listeningAddresses(p.pid);
    expect(listening.length).toBeGreaterThan(0);
    expect({ server: p.name, notLoopback: listening.filter((a) => !isLoopback(a)) }).toEqual({
      server: p.name,
      notLoopback: [],
    });
  }
  // the stanzas the agent runs with are what the apply produced
  expect(stanzaOutputs(outputs)).toEqual(stanzas);
  const self = (await nomad.api('GET', 'agent/self')).body;
  const conf = self.config.Vaults.find((v: { Name: string }) => v.Name === 'default');
  expect(conf).toMatchObject({
    Enabled: true,
    Addr: vault.address,
    JWTAuthBackendPath: 'jwt-nomad',
    DefaultIdentity: { Audience: ['vault.io'] },
  });
  // and Vault checks workload identities against the agent's own JWKS
  const jwt = await vault.api('GET', 'auth/jwt-nomad/config');
  expect(jwt.body.data.jwks_url).toBe(`${nomad.address}/.well-known/jwks.json`);
  console.log(
    `agent ${nomad.address} (pid ${nomad.process.pid}), Vault ${vault.address} (pid ${vault.process.pid})\nserver stanza:\n${stanzas.server}client stanza:\n${stanzas.client}`,
  );
});

describe('jobs reading secrets', () => {
  const outcomes: Record<string, AllocationOutcome & { seconds: number }> = {};

  beforeAll(
    async () => {
      // GIVEN a secret at each job's own path
      for (const job of Object.values(jobs)) {
        const res = await vault.api('POST', `${integration.secretsPath(job)}/config`, {
          data: { greeting: `${greeting}${job === jobs.reader ? '' : `-of-${job.jobName}`}` },
        });
        if (res.status !== 200)
          throw new Error(`writing the secret of ${job.jobName}: ${JSON.stringify(res)}`);
      }
      // WHEN the three jobs are registered and run
      for (const job of Object.values(jobs))
        registerJob(nomad, job.jobName, jobspecOf(outputs, job));
      for (const [key, job] of Object.entries(jobs)) {
        const started = Date.now();
        const outcome = await allocationOutcome(nomad, job.jobName, 'print', 120_000);
        outcomes[key] = { ...outcome, seconds: (Date.now() - started) / 1000 };
      }
      console.log(JSON.stringify(outcomes, null, 2));
    },
    5 * 60 * 1000,
  );

  test('a reference embedded in meta, env and template data reaches Nomad as its value', async () => {
    // the task printed the file consul-template rendered from the template data
    expect(outcomes.referencing).toMatchObject({
      clientStatus: 'complete',
      stdout: `DB=${DB_ADDR}\nRAW=${DB_ADDR}\n`,
    });
    // and Nomad holds the values, as `nomad job inspect` shows them
    const job = (await nomad.api('GET', `job/${jobs.referencing.jobName}`)).body;
    expect(job.Meta).toEqual({ db: `db=${DB_ADDR}!` });
    const task = job.TaskGroups[0].Tasks[0];
    expect(task.Env).toEqual({ DB: `DB=${DB_ADDR}` });
    expect(task.Templates[0].EmbeddedTmpl).toBe(`DB=${DB_ADDR}\n`);
  });

  test('the granted job prints the secret Vault holds at its own path', () => {
    expect(outcomes.reader).toMatchObject({ clientStatus: 'complete', stdout: greeting });
    expect(jobspecOf(outputs, jobs.reader)).toMatch(/vault \{\s+role\s+= "nomad-workloads"/);
  });

  test('the job without a grant has no Vault token: Vault refuses even its own path', () => {
    expect(jobspecOf(outputs, jobs.nogrant)).not.toMatch(/vault \{/);
    expect(outcomes.nogrant.clientStatus).toBe('failed');
    expect(outcomes.nogrant.stdout).toBe('');
    const events = outcomes.nogrant.events.join('\n');
    expect(events).toMatch(/Template failed/i);
    expect(events).toContain(`${vault.address}/v1/${integration.secretsPath(jobs.nogrant)}/config`);
    expect(events).toMatch(/Code: 403/);
    expect(events).toMatch(/permission denied/);
  });

  test("the job reading another job's path is refused by Vault (permission denied)", () => {
    expect(outcomes.snooper.clientStatus).toBe('failed');
    expect(outcomes.snooper.stdout).toBe('');
    const events = outcomes.snooper.events.join('\n');
    expect(events).toMatch(/Template failed/i);
    expect(events).toContain(`${integration.secretsPath(jobs.reader)}/config`);
    expect(events).toMatch(/Code: 403/);
    expect(events).toMatch(/permission denied/);
  });

  test("Vault's audit log shows the refusal, on the reader's path, for the snooper's token", () => {
    const entries: Json[] = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const path = `${integration.secretsPath(jobs.reader)}/config`.replace(/^\/+/, '');
    const denied = entries.filter(
      (e) =>
        e.type === 'response' &&
        e.request?.path === path &&
        /permission denied/.test(e.error ?? ''),
    );
    expect(denied.length).toBeGreaterThan(0);
    const granted = entries.filter(
      (e) => e.type === 'response' && e.request?.path === path && !e.error,
    );
    expect(granted.length).toBeGreaterThan(0);
    console.log(
      `audit: ${granted.length} read(s) of ${path} answered, ${denied.length} refused; refused for ${JSON.stringify(
        denied
          .map((e) => ({ policies: e.auth?.policies, metadata: e.auth?.metadata, error: e.error }))
          .slice(0, 1),
      )}`,
    );
  });
});
