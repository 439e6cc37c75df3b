/**
 * The consumers' own readers of the HCL v1 (or JSON) documents the library renders: Nomad's
 * agent-configuration parser, Vault's ACL policy parser and Consul's agent-configuration
 * reader. Each is a small Go program in tools/, built once into the cache (keyed by a hash of
 * its sources, never inside the repository) and run once over all the texts given.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CACHE, ROOT, nomadValidator, requireTool } from './support';

/** Lines of an upstream module that a tool's build adapts (tools/NAME/patches.json). */
interface SourcePatches {
  readonly module: string;
  readonly why: string;
  readonly patches: ReadonlyArray<{
    readonly file: string;
    readonly old: string;
    readonly new: string;
  }>;
}

const GO_ENV = { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false' };

/**
 * Copies the upstream module that patches.json names into the cache, adapts the lines it lists
 * (each must be found exactly once, leading blanks aside, or the build stops), and writes a
 * go.mod beside it: the tool's own plus a replace directive pointing at the copy. Returns the
 * build's working directory; `go build -modfile=DIR/go.mod` uses it. (`go build -overlay`
 * would be lighter, but Go refuses overlays of files in the module cache.)
 */
function patchedModule(dir: string, key: string): string {
  const spec = JSON.parse(readFileSync(join(dir, 'patches.json'), 'utf8')) as SourcePatches;
  const download = execFileSync('go', ['mod', 'download', '-json', spec.module], {
    cwd: dir,
    env: GO_ENV,
    encoding: 'utf8',
  });
  const original = (JSON.parse(download) as { Dir: string }).Dir;
  const work = join(CACHE, 'builds', key);
  const copy = join(work, 'module');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(original, copy, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', copy]);
  for (const patch of spec.patches) {
    const file = join(copy, patch.file);
    const lines = readFileSync(file, 'utf8').split('\n');
    const hits = lines.flatMap((l, i) => (l.trim() === patch.old ? [i] : []));
    if (hits.length !== 1) {
      throw new Error(`${patch.file}: expected one line "${patch.old}", found ${hits.length}`);
    }
    const line = lines[hits[0]];
    lines[hits[0]] = line.slice(0, line.length - line.trimStart().length) + patch.new;
    writeFileSync(file, lines.join('\n'));
  }
  writeFileSync(
    join(work, 'go.mod'),
    `${readFileSync(join(dir, 'go.mod'), 'utf8')}\nreplace ${spec.module} => ${copy}\n`,
  );
  writeFileSync(join(work, 'go.sum'), readFileSync(join(dir, 'go.sum')));
  return work;
}

/**
 * Builds tools/NAME (or reuses the build of the same sources) and returns the binary's path.
 * The key is nomadValidator()'s: a hash of go.mod, go.sum and main.go, and of patches.json
 * for a tool that has one (its build then adapts the lines it names, see patchedModule()).
 */
function goTool(name: string, hint: string): string {
  requireTool('go', hint);
  const dir = join(ROOT, 'tools', name);
  const patched = existsSync(join(dir, 'patches.json'));
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go', ...(patched ? ['patches.json'] : [])]) {
    hash.update(readFileSync(join(dir, f)));
  }
  const key = `${name}-${hash.digest('hex').slice(0, 16)}`;
  const bin = join(CACHE, 'bin', key);
  if (!existsSync(bin)) {
    mkdirSync(join(CACHE, 'bin'), { recursive: true });
    const work = patched ? patchedModule(dir, key) : undefined;
    const args = ['build', '-trimpath', ...(work ? [`-modfile=${join(work, 'go.mod')}`] : [])];
    // Build beside the final name and rename, so an interrupted build leaves nothing behind
    // that a later run would take for a finished one.
    const partial = `${bin}.${process.pid}.tmp`;
    execFileSync('go', [...args, '-o', partial, '.'], {
      cwd: dir,
      env: GO_ENV,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    renameSync(partial, bin);
    if (work) rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/**
 * Builds tools/vault-policy (Vault v1.21.4's policy parser, with the two lines of
 * tools/vault-policy/patches.json adapted to the published sdk) and returns its path.
 */
export function vaultPolicyReader(): string {
  return goTool('vault-policy', 'Install Go to build the Vault policy reader.');
}

/** Builds tools/consul-config (Consul v1.22.0's way of reading a config file) and returns its path. */
export function consulConfigReader(): string {
  return goTool('consul-config', 'Install Go to build the Consul configuration reader.');
}

/**
 * Writes each text to its own file in a new temporary directory, runs the tool once on all of
 * them with an empty environment (the readers consult a few variables, such as
 * CONSUL_HTTP_TOKEN_<name> in Nomad), and returns each JSON verdict under the name it was
 * given. A name ending in ".json", ".hcl" or ".yml" keeps that extension (Consul picks the
 * format from it); any other name gets ".hcl".
 */
function runReader<V extends { path: string }>(
  tool: string,
  toolArgs: string[],
  texts: Record<string, string>,
): Record<string, V> {
  const dir = mkdtempSync(join(tmpdir(), 'readers-'));
  try {
    const files = Object.entries(texts).map(([name, text], i) => {
      const ext = /\.(json|hcl|yml)$/.exec(name)?.[0] ?? '.hcl';
      const base = name.replace(/\.(json|hcl|yml)$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
      const file = join(dir, `${i}-${base}${ext}`);
      writeFileSync(file, text);
      return [name, file] as const;
    });
    if (files.length === 0) return {};
    const run = spawnSync(tool, [...toolArgs, ...files.map(([, f]) => f)], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0 && run.status !== 1) {
      throw new Error(`${tool} failed to run (exit ${run.status}): ${run.stderr}`);
    }
    const verdicts = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as V);
    return Object.fromEntries(
      files.map(([name, file]) => {
        const v = verdicts.find((x) => x.path === file);
        if (!v) throw new Error(`${tool} said nothing about ${name} (${file})`);
        return [name, v];
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- Nomad agent configuration ----

/** A workload identity block of a Nomad agent's vault or consul block. */
export interface NomadIdentityView {
  readonly aud: string[] | null;
  /** As written. */
  readonly ttl: string;
  /** As Nomad parsed it, or null when not set. */
  readonly ttl_seconds: number | null;
}

/** The parts of Nomad's agent.Config that tools/nomad-validate reports, as the agent holds them. */
export interface NomadAgentConfigView {
  readonly datacenter: string;
  readonly region: string;
  readonly data_dir: string;
  readonly bind_addr: string;
  readonly server: { readonly enabled: boolean; readonly bootstrap_expect: number };
  readonly client: {
    readonly enabled: boolean;
    readonly servers: string[] | null;
    readonly network_interface: string;
    readonly node_pool: string;
    readonly host_volumes: Array<{
      readonly name: string;
      readonly path: string;
      readonly read_only: boolean;
    }>;
    readonly meta: Record<string, string> | null;
  };
  readonly acl: { readonly enabled: boolean };
  /** null when the file has no tls block. */
  readonly tls: {
    readonly http: boolean;
    readonly rpc: boolean;
    readonly ca_file: string;
    readonly cert_file: string;
    readonly key_file: string;
    readonly verify_server_hostname: boolean;
    readonly verify_https_client: boolean;
  } | null;
  readonly vaults: Array<{
    readonly name: string;
    readonly enabled: boolean | null;
    readonly address: string;
    readonly token: string;
    readonly create_from_role: string;
    readonly jwt_auth_backend_path: string;
    readonly namespace: string;
    readonly ca_file: string;
    readonly default_identity: NomadIdentityView | null;
  }>;
  readonly consuls: Array<{
    readonly name: string;
    readonly address: string;
    readonly grpc_address: string;
    readonly token: string;
    readonly ssl: boolean | null;
    readonly ca_file: string;
    readonly grpc_ca_file: string;
    readonly client_service_name: string;
    readonly server_service_name: string;
    readonly auto_advertise: boolean | null;
    readonly client_auto_join: boolean | null;
    readonly server_auto_join: boolean | null;
    readonly service_auth_method: string;
    readonly task_auth_method: string;
    readonly service_identity: NomadIdentityView | null;
    readonly task_identity: NomadIdentityView | null;
  }>;
}

/** What Nomad made of one agent configuration file. */
export interface NomadAgentVerdict {
  readonly path: string;
  /** Loaded, and `nomad config validate` would call it valid. */
  readonly ok: boolean;
  /** Loaded (HCL v1 and Nomad's key and duration checks), valid or not: true for fragments. */
  readonly parsed: boolean;
  readonly errors: string[];
  readonly warnings: string[];
  /** The file's own configuration before defaults; null when it did not load. */
  readonly config: NomadAgentConfigView | null;
}

/**
 * Reads agent configuration texts with Nomad v1.11.3's own loader (agent.LoadConfig, as
 * `nomad agent -config` and `nomad config validate` do) and validation (IsValidConfig).
 */
export function readNomadAgentConfigs(
  texts: Record<string, string>,
): Record<string, NomadAgentVerdict> {
  return runReader<NomadAgentVerdict>(nomadValidator(), ['-agent-config'], texts);
}

// ---- Vault ACL policies ----

/** One path rule as Vault holds it. */
export interface VaultPathRule {
  /** Without a leading '/' and, for a prefix rule, without the trailing '*'. */
  readonly path: string;
  readonly is_prefix: boolean;
  readonly has_segment_wildcards: boolean;
  readonly capabilities: string[] | null;
  /** Keys lower-cased by Vault; null when absent (and always for a deny rule). */
  readonly allowed_parameters: Record<string, unknown[]> | null;
  readonly denied_parameters: Record<string, unknown[]> | null;
  readonly required_parameters: string[] | null;
  readonly min_wrapping_ttl_seconds: number;
  readonly max_wrapping_ttl_seconds: number;
}

/** What Vault made of one policy text. */
export interface VaultPolicyVerdict {
  readonly path: string;
  readonly ok: boolean;
  readonly error: string;
  /** The text was valid base64 and Vault's policy handler decoded it first. */
  readonly base64_decoded: boolean;
  /** Vault found identity templating ({{identity...}}) in a path. */
  readonly templated: boolean;
  /** In the order Vault keeps them. */
  readonly paths: VaultPathRule[];
}

/** Reads policy texts with Vault v1.21.4's own parser (vault.ParseACLPolicyCheckDuplicates). */
export function readVaultPolicies(
  texts: Record<string, string>,
): Record<string, VaultPolicyVerdict> {
  return runReader<VaultPolicyVerdict>(vaultPolicyReader(), [], texts);
}

// ---- Consul agent configuration ----

/** What Consul's file reading made of one agent configuration text. */
export interface ConsulConfigVerdict {
  readonly path: string;
  readonly ok: boolean;
  readonly error: string;
  /** "hcl" or "json", from the file name as Consul decides it. */
  readonly format: string;
  /** The generic map Consul decodes into its Config (single blocks unwrapped); null on error. */
  readonly config: Record<string, unknown> | null;
}

/**
 * Reads agent configuration texts the way Consul v1.22.0 reads a file source, up to the generic
 * map (HCL v1 at the version Consul pins, or encoding/json for names ending in ".json").
 */
export function readConsulAgentConfigs(
  texts: Record<string, string>,
): Record<string, ConsulConfigVerdict> {
  return runReader<ConsulConfigVerdict>(consulConfigReader(), [], texts);
}

// ---- Traefik YAML ----

/** What Traefik's file loader made of one YAML text, before mapping it onto its configuration. */
export interface TraefikYamlVerdict {
  readonly path: string;
  readonly ok: boolean;
  readonly error: string;
  /** The map yaml.v3 decoded; null on error. */
  readonly config: Record<string, unknown> | null;
}

/** Builds tools/traefik-yaml (Traefik's file loader's YAML step) and returns its path. */
export function traefikYamlReader(): string {
  return goTool('traefik-yaml', 'Install Go to build the Traefik YAML reader.');
}

/**
 * Reads YAML texts the way Traefik v3.7.13's file loader does (paerser v0.2.2: gopkg.in/yaml.v3
 * v3.0.1 into a generic map).
 */
export function readTraefikYaml(texts: Record<string, string>): Record<string, TraefikYamlVerdict> {
  const named = Object.fromEntries(Object.entries(texts).map(([k, v]) => [`${k}.yml`, v]));
  const verdicts = runReader<TraefikYamlVerdict>(traefikYamlReader(), [], named);
  return Object.fromEntries(Object.keys(texts).map((k) => [k, verdicts[`${k}.yml`]]));
}
