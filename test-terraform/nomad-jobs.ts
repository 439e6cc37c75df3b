import { writeFileSync } from 'fs';
import { join } from 'path';
import { TerraformStack } from 'cdktf';
import { JobType, NomadJob, RestartMode, Task, TaskDriver } from '../lib';
import { DevNomad, DevVault, waitFor } from './servers';

/**
 * Batch jobs for the end-to-end checks: one raw_exec task that prints the file its template
 * renders from a Vault secret, so the task's output shows what Vault gave it.
 */

/** Where the template writes, relative to the task directory: its secrets/ (NOMAD_SECRETS_DIR). */
const SECRET_FILE = 'secrets/greeting.txt';

/**
 * The client's `template {}` settings for the checks: give up on Vault after two quick retries,
 * so a refused read fails the allocation in seconds, not minutes.
 */
export const TEMPLATE_VAULT_RETRY = `    vault_retry {
      attempts    = 2
      backoff     = "250ms"
      max_backoff = "1s"
    }`;

/**
 * Adds to `stack` a batch job whose task renders `{{ .Data.data.greeting }}` of the KV v2
 * secret at `secretPath` and prints it. Failures are final (no restart), so a refusal shows
 * at once.
 */
export function secretPrintingJob(
  stack: TerraformStack,
  name: string,
  secretPath: (job: NomadJob) => string,
): { job: NomadJob; task: Task } {
  const job = new NomadJob(stack, name, { type: JobType.BATCH });
  const task = job
    .addGroup('reader', { restart: { attempts: 0, mode: RestartMode.FAIL } })
    .addTask('print', {
      driver: TaskDriver.rawExec({
        command: '/bin/sh',
        args: ['-c', 'cat "${NOMAD_SECRETS_DIR}/greeting.txt"'],
      }),
      resources: { cpuMhz: 20, memoryMb: 32 },
    });
  task.addTemplate({
    destination: SECRET_FILE,
    data: `{{ with secret "${secretPath(job)}" }}{{ .Data.data.greeting }}{{ end }}`,
  });
  return { job, task };
}

/**
 * The jobspec of a job as Terraform evaluates it, from the `nomad_jobspec_*` outputs of a
 * Vault-only stack (`terraform output -json`, see vaultOnlyStack's jobspecOutputs): references
 * such as a grant's policy name carry their applied values.
 */
export function jobspecOf(outputs: Record<string, { value?: unknown }>, job: NomadJob): string {
  const specs = Object.entries(outputs)
    .filter(([k]) => k.startsWith('nomad_jobspec_'))
    .map(([, o]) => String(o.value))
    .filter((text) => text.startsWith(`job "${job.jobName}" {`));
  if (specs.length !== 1) throw new Error(`expected one jobspec output for ${job.node.path}`);
  return specs[0];
}

/** What became of a job's first allocation. */
export interface AllocationOutcome {
  readonly id: string;
  readonly clientStatus: string;
  /** The task's events, as `Type: DisplayMessage`. */
  readonly events: string[];
  readonly stdout: string;
  readonly stderr: string;
}

/** Registers a jobspec with the agent (`nomad job run -detach`). */
export function registerJob(nomad: DevNomad, name: string, spec: string): void {
  const file = join(nomad.dir, `${name}.nomad.hcl`);
  writeFileSync(file, spec);
  const run = nomad.cli('job', 'run', '-detach', file);
  if (run.status !== 0) throw new Error(`nomad job run ${name} failed:\n${run.output}`);
}

/**
 * Waits (at most `timeoutMs`) until the job's first allocation is complete or failed, then
 * returns its task's events and output.
 */
export async function allocationOutcome(
  nomad: DevNomad,
  jobId: string,
  task: string,
  timeoutMs = 120_000,
): Promise<AllocationOutcome> {
  interface Alloc {
    ID: string;
    CreateIndex: number;
    ClientStatus: string;
    TaskStates?: Record<string, { Events?: Array<{ Type: string; DisplayMessage: string }> }>;
  }
  const alloc = await waitFor(
    `an allocation of ${jobId} to finish`,
    timeoutMs,
    async () => {
      const res = await nomad.api('GET', `job/${encodeURIComponent(jobId)}/allocations`);
      if (res.status !== 200) return undefined;
      const allocs = (res.body as Alloc[]).slice().sort((a, b) => a.CreateIndex - b.CreateIndex);
      const first = allocs[0];
      return first && ['complete', 'failed'].includes(first.ClientStatus) ? first : undefined;
    },
    500,
  );
  const full = (await nomad.api('GET', `allocation/${alloc.ID}`)).body as Alloc;
  const events = (full.TaskStates?.[task]?.Events ?? []).map(
    (e) => `${e.Type}: ${e.DisplayMessage}`,
  );
  const logs = async (type: string) => {
    const res = await nomad.api(
      'GET',
      `client/fs/logs/${alloc.ID}?task=${encodeURIComponent(task)}&type=${type}&plain=true&origin=start`,
    );
    return res.status === 200 ? String(res.body) : '';
  };
  return {
    id: alloc.ID,
    clientStatus: full.ClientStatus,
    events,
    stdout: await logs('stdout'),
    stderr: await logs('stderr'),
  };
}

/** Stops and purges jobs, ignoring failures (clean-up before the agent is stopped). */
export function purgeJobs(nomad: DevNomad | undefined, jobIds: string[]): void {
  if (!nomad?.process.running()) return;
  for (const id of jobIds) nomad.cli('job', 'stop', '-purge', '-detach', id);
}

/**
 * Purges the jobs, then stops the agent and Vault by their PIDs: both, even when a check or the
 * start of the other failed. Fails when either is still running, or stopping one failed.
 */
export async function stopNomadAndVault(
  nomad: DevNomad | undefined,
  vault: DevVault | undefined,
  jobs: ReadonlyArray<NomadJob | undefined>,
): Promise<void> {
  purgeJobs(
    nomad,
    jobs.filter((j): j is NomadJob => j !== undefined).map((j) => j.jobName),
  );
  const results = await Promise.allSettled([nomad?.process.stop(), vault?.process.stop()]);
  expect(nomad?.process.running() ?? false).toBe(false);
  expect(vault?.process.running() ?? false).toBe(false);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
