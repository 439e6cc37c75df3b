import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join } from 'path';
import { TerraformStack, Testing } from 'cdktf';

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
function runBuildScript(script: string, hint: string, args: string[] = []): string {
  requireTool('go', hint);
  const out = execFileSync('bash', [join(ROOT, 'tools', script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CDKTF_NZT_CACHE: CACHE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

let mirrorPath: string | undefined;

/** Builds the provider mirror (or reuses it; once per test file) and returns its path. */
export function providerMirror(): string {
  mirrorPath ??= runBuildScript(
    'build-mirror.sh',
    'Install Go to build the providers from their modules.',
  );
  return mirrorPath;
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
  /** The job as Nomad's parser read it (its API JSON), when it parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly job?: any;
}

/** Runs Nomad's own parser and validator on jobspec texts. */
export function validateJobspecs(specs: Record<string, string>): Record<string, JobspecVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'jobspecs-'));
  const files = Object.entries(specs).map(([name, text]) => {
    const file = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.nomad.hcl`);
    writeFileSync(file, text);
    return [name, file] as const;
  });
  // every parsed job is printed: many of them pass spawnSync's default 1 MB buffer
  const run = spawnSync(
    nomadValidator(),
    files.map(([, f]) => f),
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
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
  /** stdout, then stderr. */
  readonly output: string;
  readonly stdout: string;
}

/** Where a check points each provider. */
export interface ProviderEndpoints {
  /** Nomad HTTP API, e.g. http://127.0.0.1:4646 */
  readonly nomad: string;
  /** Vault HTTP API */
  readonly vault: string;
  /** Consul HTTP API, as host:port */
  readonly consul: string;
}

/** Closed loopback ports: a check that tried to reach a service would fail, not reach one. */
export const CLOSED_ENDPOINTS: ProviderEndpoints = {
  nomad: 'http://127.0.0.1:1',
  vault: 'http://127.0.0.1:1',
  consul: '127.0.0.1:1',
};

/** The environment variable each provider reads its address from when `address` is not set. */
const ADDRESS_ENV: Record<keyof ProviderEndpoints, string> = {
  nomad: 'NOMAD_ADDR',
  vault: 'VAULT_ADDR',
  consul: 'CONSUL_HTTP_ADDR',
};

/** Options of {@link terraform}. */
export interface TerraformOptions {
  /** Where the providers point. @default CLOSED_ENDPOINTS (each one can be overridden) */
  readonly endpoints?: Partial<ProviderEndpoints>;
  /** VAULT_TOKEN for the vault provider. @default - a token no Vault knows */
  readonly vaultToken?: string;
  /** More `-var` values (for variables that do not feed a provider address). */
  readonly vars?: Record<string, string>;
  /** More environment variables (provider addresses and VAULT_TOKEN cannot be set here). */
  readonly env?: Record<string, string>;
}

/** Terraform commands that take `-var` (and evaluate provider configurations). */
const TAKES_VARS = new Set(['plan', 'apply', 'destroy', 'refresh', 'import', 'console']);

/** One provider block of a stack and the address it will use. */
export interface ProviderAddress {
  /** `nomad`, or `vault.alias` for an aliased block. */
  readonly provider: string;
  /** What the address comes from: `literal`, `var.<name>` or `env <NAME>`. */
  readonly source: string;
  /** The address, or undefined when the harness cannot tell (an expression it does not know). */
  readonly address: string | undefined;
  /** The address the check meant it to have. */
  readonly intended: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TerraformJson = any;

function providerBlocks(
  json: TerraformJson,
): Array<{ name: string; label: string; block: Record<string, unknown> }> {
  return Object.entries<unknown>(json?.provider ?? {}).flatMap(([name, blocks]) =>
    (Array.isArray(blocks) ? blocks : [blocks]).map((block: Record<string, unknown>) => ({
      name,
      label: typeof block.alias === 'string' ? `${name}.${block.alias}` : name,
      block,
    })),
  );
}

/**
 * The `-var` values that point provider addresses at the given endpoints: every variable a
 * provider's `address` is exactly `${var.<name>}` of. Fails when one variable feeds providers
 * that must point at different places.
 */
export function providerAddressVars(
  json: TerraformJson,
  endpoints: ProviderEndpoints,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const { name, label, block } of providerBlocks(json)) {
    const m =
      typeof block.address === 'string'
        ? /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(block.address)
        : null;
    if (!m || !(name in endpoints)) continue;
    const want = endpoints[name as keyof ProviderEndpoints];
    if (vars[m[1]] !== undefined && vars[m[1]] !== want) {
      throw new Error(
        `variable ${m[1]} feeds provider ${label} and another provider: give them separate variables`,
      );
    }
    vars[m[1]] = want;
  }
  return vars;
}

/**
 * Resolves the address of every provider block of a stack as Terraform would with the given
 * `-var` values and environment: a literal `address`, `${var.<name>}` (the -var value, else the
 * variable's default), or, with no `address`, the provider's environment variable.
 */
export function resolveProviderAddresses(
  json: TerraformJson,
  vars: Record<string, string>,
  env: Record<string, string | undefined>,
  endpoints: ProviderEndpoints,
): ProviderAddress[] {
  return providerBlocks(json).map(({ name, label, block }) => {
    const intended = endpoints[name as keyof ProviderEndpoints];
    const address = block.address;
    if (address === undefined) {
      const envName = ADDRESS_ENV[name as keyof ProviderEndpoints];
      return {
        provider: label,
        source: envName ? `env ${envName}` : 'env (unknown provider)',
        address: envName ? env[envName] : undefined,
        intended,
      };
    }
    if (typeof address !== 'string')
      return { provider: label, source: 'expression', address: undefined, intended };
    const m = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(address);
    if (m) {
      return {
        provider: label,
        source: `var.${m[1]}`,
        address: vars[m[1]] ?? json.variable?.[m[1]]?.default,
        intended,
      };
    }
    if (/[$%]\{/.test(address.replace(/\$\$\{|%%\{/g, ''))) {
      return { provider: label, source: 'expression', address: undefined, intended };
    }
    return { provider: label, source: 'literal', address, intended };
  });
}

/** The environment every Terraform run gets: no CLI configuration of the machine, given addresses. */
function terraformEnv(config: string, endpoints: ProviderEndpoints, vaultToken: string) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_CLI_CONFIG_FILE: config,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    [ADDRESS_ENV.nomad]: endpoints.nomad,
    [ADDRESS_ENV.vault]: endpoints.vault,
    VAULT_TOKEN: vaultToken,
    [ADDRESS_ENV.consul]: endpoints.consul,
  };
}

/**
 * Runs Terraform in a stack directory with providers taken only from the mirror and no CLI
 * configuration of the machine. Every provider address is set: by `-var` for variables that
 * feed a provider's `address`, by environment for providers without one, to closed loopback
 * ports unless `options.endpoints` says otherwise. Before a command that configures providers,
 * it checks that each provider block of the stack's cdk.tf.json resolves to its intended
 * address, and throws if one does not.
 */
export function terraform(
  dir: string,
  args: string[],
  mirror?: string,
  options: TerraformOptions = {},
): TerraformRun {
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
  const endpoints = { ...CLOSED_ENDPOINTS, ...options.endpoints };
  const env = {
    ...options.env,
    ...terraformEnv(config, endpoints, options.vaultToken ?? 'not-a-real-token'),
  };
  const file = join(dir, 'cdk.tf.json');
  const json = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const addressVars = providerAddressVars(json, endpoints);
  let fullArgs = args;
  if (TAKES_VARS.has(args[0])) {
    const wrong = resolveProviderAddresses(json, addressVars, env, endpoints).filter(
      (p) => p.address === undefined || p.address !== p.intended,
    );
    if (wrong.length > 0) {
      throw new Error(
        `terraform ${args[0]} in ${dir} refused: providers not pointed where the check intends: ${JSON.stringify(wrong)}`,
      );
    }
    const vars = { ...options.vars, ...addressVars };
    fullArgs = [...args, ...Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`])];
  }
  // a plan of many outputs prints more than spawnSync's default 1 MB buffer
  const run = spawnSync(tf, fullArgs, {
    cwd: dir,
    encoding: 'utf8',
    env,
    timeout: 10 * 60 * 1000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: run.status ?? -1, output: `${run.stdout}\n${run.stderr}`, stdout: run.stdout };
}

/**
 * Synthesizes a stack that needs no provider, plans it with Terraform and returns the planned
 * value of each output: what Terraform made of the synthesized text.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function plannedOutputs(stack: TerraformStack, name: string): Record<string, any> {
  const dir = mkdtempSync(join(tmpdir(), `tf-${name}-`));
  writeFileSync(join(dir, 'cdk.tf.json'), Testing.synth(stack));
  const run = (args: string[]): TerraformRun => {
    const result = terraform(dir, args);
    if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.output}`);
    return result;
  };
  run(['init', '-input=false']);
  run(['plan', '-input=false', '-out=plan']);
  const outputs = JSON.parse(run(['show', '-json', 'plan']).stdout).planned_values.outputs;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return Object.fromEntries(Object.entries<any>(outputs).map(([k, o]) => [k, o.value]));
}

/**
 * The address report of a stack directory for a check with the given endpoints (what
 * {@link terraform} verifies before it runs a command that configures providers).
 */
export function providerAddressReport(
  dir: string,
  endpoints: Partial<ProviderEndpoints> = {},
): ProviderAddress[] {
  const all = { ...CLOSED_ENDPOINTS, ...endpoints };
  const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
  const config = join(dir, '.terraformrc');
  return resolveProviderAddresses(
    json,
    providerAddressVars(json, all),
    terraformEnv(config, all, 'unused'),
    all,
  );
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

/** Builds the Nomad binary of a release (or reuses it) and returns its path. */
export function nomadBinary(version = 'v1.11.3'): string {
  return runBuildScript('build-nomad.sh', 'Install Go to build Nomad from its module.', [version]);
}

/** Builds the Vault binary (or reuses it) and returns its path. */
export function vaultBinary(): string {
  return runBuildScript('build-vault.sh', 'Install Go to build Vault from its module.');
}

/** Builds the Consul binary (or reuses it) and returns its path. */
export function consulBinary(): string {
  return runBuildScript('build-consul.sh', 'Install Go to build Consul from its module.');
}
