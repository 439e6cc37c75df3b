import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join } from 'path';

/** The repository root. */
export const ROOT = join(__dirname, '..');
/** Where built tools live between runs (never inside the repository). */
export const CACHE =
  process.env.CDKTF_NZT_CACHE ?? join(homedir(), '.cache', 'cdktf-nomad-zerotrust');

/** Finds a program on PATH, or fails with what to install. */
export function requireTool(name: string, hint: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${name} is not on PATH; the Terraform checks need it. ${hint}`);
  }
  return path;
}

/** Runs a build script of tools/ (which reuses earlier builds) and returns the path it prints last. */
function runBuildScript(script: string, hint: string): string {
  requireTool('go', hint);
  const out = execFileSync('bash', [join(ROOT, 'tools', script)], {
    encoding: 'utf8',
    env: { ...process.env, CDKTF_NZT_CACHE: CACHE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

/** Builds the provider mirror (or reuses it) and returns its path. */
export function providerMirror(): string {
  return runBuildScript('build-mirror.sh', 'Install Go to build the providers from their modules.');
}

/** Builds tools/nomad-validate (or reuses the build for the same sources) and returns its path. */
export function nomadValidator(): string {
  requireTool('go', 'Install Go to build the Nomad jobspec validator.');
  const dir = join(ROOT, 'tools', 'nomad-validate');
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(dir, f)));
  const bin = join(CACHE, 'bin', `nomad-validate-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(bin)) {
    mkdirSync(join(CACHE, 'bin'), { recursive: true });
    execFileSync('go', ['build', '-trimpath', '-o', bin, '.'], {
      cwd: dir,
      env: { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return bin;
}

/** What Nomad's parser and validator said about one jobspec. */
export interface JobspecVerdict {
  readonly path: string;
  readonly ok: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

/** Runs Nomad's own parser and validator on jobspec texts. */
export function validateJobspecs(specs: Record<string, string>): Record<string, JobspecVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'jobspecs-'));
  const files = Object.entries(specs).map(([name, text]) => {
    const file = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.nomad.hcl`);
    writeFileSync(file, text);
    return [name, file] as const;
  });
  const run = spawnSync(
    nomadValidator(),
    files.map(([, f]) => f),
    { encoding: 'utf8' },
  );
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`nomad-validate failed to run (exit ${run.status}): ${run.stderr}`);
  }
  const verdicts = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JobspecVerdict);
  return Object.fromEntries(
    files.map(([name, file]) => [name, verdicts.find((v) => v.path === file)!]),
  );
}

/** Result of one Terraform command. */
export interface TerraformRun {
  readonly status: number;
  readonly output: string;
}

/**
 * Runs Terraform in a stack directory with providers taken only from the mirror, every
 * service address pointing at a closed loopback port, and no CLI configuration of the machine.
 */
export function terraform(dir: string, args: string[], mirror?: string): TerraformRun {
  const tf = requireTool(
    'terraform',
    'Install Terraform (or OpenTofu as terraform) to run the checks.',
  );
  const config = join(dir, '.terraformrc');
  writeFileSync(
    config,
    mirror
      ? `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`
      : 'provider_installation {\n  filesystem_mirror {\n    path = "/nonexistent"\n  }\n}\n',
  );
  const closed = 'http://127.0.0.1:1';
  const run = spawnSync(tf, args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: config,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      NOMAD_ADDR: closed,
      VAULT_ADDR: closed,
      VAULT_TOKEN: 'not-a-real-token',
      CONSUL_HTTP_ADDR: '127.0.0.1:1',
    },
  });
  return { status: run.status ?? -1, output: `${run.stdout}\n${run.stderr}` };
}

/** Providers the mirror holds, by name, with their version (from tools/providers.env). */
export function mirrorProviders(): Record<string, string> {
  const lines = readFileSync(join(ROOT, 'tools', 'providers.env'), 'utf8').split('\n');
  return Object.fromEntries(
    lines
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 2 && f[0] !== '' && !f[0].startsWith('#'))
      .map((f) => [f[0], f[1]]),
  );
}

/** Builds the Nomad binary (or reuses it) and returns its path. */
export function nomadBinary(): string {
  return runBuildScript('build-nomad.sh', 'Install Go to build Nomad from its module.');
}
