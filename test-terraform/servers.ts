import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomUUID } from 'crypto';
import {
  closeSync,
  existsSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'fs';
import { createSocket } from 'dgram';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Servers the end-to-end checks start: each on loopback only, each stopped by its PID. A test
 * file starts what it needs in beforeAll and calls stop() in afterAll; start() stops the process
 * itself when it does not become ready in time, so a failing start leaves nothing running.
 */

/** Thrown by a {@link waitFor} probe to stop waiting at once (the awaited thing cannot happen). */
export class GiveUp extends Error {}

/**
 * Waits for `probe` to return a value other than undefined, at most `timeoutMs`. A probe that
 * throws is tried again (the last error is reported on timeout), unless it throws GiveUp.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** fetch with a bound on the whole request, so no check hangs on a silent server. */
export function fetchWithin(url: string, init: RequestInit = {}, timeoutMs = 10_000) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * Calls an HTTP API with a JSON body (when given) and returns the status and the answer parsed
 * as JSON, or its text (logs and errors come as plain text).
 */
export async function callApi(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetchWithin(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * Distinct loopback ports free right now for TCP and UDP (Nomad's serf port takes both). With
 * `consecutive`, each port p also has p+1 free (Vault's dev cluster listener takes p+1).
 */
export async function freeLoopbackPorts(count: number, consecutive = false): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
    const p = await ephemeralPort();
    const wanted = consecutive ? [p, p + 1] : [p];
    if (wanted.some((w) => w > 65535 || ports.includes(w) || ports.includes(w - 1))) continue;
    if ((await Promise.all(wanted.map(portIsFree))).every(Boolean)) ports.push(p);
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} free loopback ports`);
  return ports;
}

function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
  });
}

/** A process started by {@link startServer}. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  log(): string;
  /** Whether it is still running. */
  running(): boolean;
  /** Stops it by its PID: `signal`, then SIGKILL after `graceMs`. Resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** How to start one server. */
export interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly cwd?: string;
  /** Resolves true once the server answers as expected. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs: number;
  /** The signal that asks it to shut down cleanly. @default SIGTERM */
  readonly stopSignal?: NodeJS.Signals;
}

/** Starts a server and waits (bounded) until it is ready; on failure it is stopped first. */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  // Output goes straight to a file, not through a pipe to this process: the checks block this
  // process in spawnSync (terraform, the nomad CLI) for seconds, and a server writing to a
  // full pipe meanwhile would stall, and with it the request the check is waiting for.
  const logFile = join(mkdtempSync(join(tmpdir(), 'server-log-')), 'output.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const output = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  if (child.pid === undefined) {
    await sleep(50);
    throw new Error(`${spec.name}: could not start ${spec.command}: ${spawnError?.message}`);
  }
  const pid = child.pid;
  /** Whether it exits within `ms` (the timer is cleared either way). */
  const exitedWithin = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const done = await Promise.race([exited.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  };
  const running = () => child.exitCode === null && child.signalCode === null;
  const server: ServerProcess = {
    name: spec.name,
    pid,
    log: output,
    running,
    async stop(signal = spec.stopSignal ?? 'SIGTERM', graceMs = 15_000) {
      // Its helper processes (Nomad's logmon and executors, plugins) outlive it by design;
      // they are found now, while they are still its descendants, and stopped after it.
      const helpers = running() ? descendantsOf(pid) : [];
      if (running()) {
        process.kill(pid, signal);
        if (!(await exitedWithin(graceMs)) && running()) {
          process.kill(pid, 'SIGKILL');
          await exitedWithin(5_000);
        }
      }
      const left = await stopProcesses(helpers);
      if (running()) throw new Error(`${spec.name} (pid ${pid}) did not exit`);
      if (left.length > 0) {
        throw new Error(`${spec.name}: helper processes ${left.join(', ')} did not exit`);
      }
    },
  };
  try {
    await waitFor(`${spec.name} to become ready`, spec.readyTimeoutMs, async () => {
      if (!running()) {
        throw new GiveUp(`${spec.name} exited (${child.exitCode ?? child.signalCode})`);
      }
      return (await spec.ready()) ? true : undefined;
    });
  } catch (e) {
    await server.stop();
    throw new Error(
      `${(e as Error).message}\n--- ${spec.name} output ---\n${output().slice(-4000)}`,
    );
  }
  return server;
}

/** A process, identified by PID and start time (so a reused PID is never signalled). */
interface ProcessId {
  readonly pid: number;
  readonly start: string;
}

/** The parent PID and start time of a process, from /proc/<pid>/stat. */
function procStat(pid: number): { ppid: number; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19] };
  } catch {
    return undefined;
  }
}

/** Every live descendant of a process. */
export function descendantsOf(root: number): ProcessId[] {
  const children = new Map<number, ProcessId[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), start: stat.start });
    children.set(stat.ppid, list);
  }
  const found: ProcessId[] = [];
  const visit = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      found.push(c);
      visit(c.pid);
    }
  };
  visit(root);
  return found;
}

function alive(p: ProcessId): boolean {
  return procStat(p.pid)?.start === p.start;
}

/** SIGTERM, then SIGKILL after 5 s, to each process still alive; returns the PIDs left. */
async function stopProcesses(processes: ProcessId[]): Promise<number[]> {
  const signal = (sig: NodeJS.Signals) => {
    for (const p of processes.filter(alive)) {
      try {
        process.kill(p.pid, sig);
      } catch {
        // it exited meanwhile
      }
    }
  };
  const allGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (processes.some(alive) && Date.now() < deadline) await sleep(100);
    return !processes.some(alive);
  };
  signal('SIGTERM');
  if (!(await allGone(5_000))) {
    signal('SIGKILL');
    await allGone(2_000);
  }
  return processes.filter(alive).map((p) => p.pid);
}

/**
 * The local addresses a process has open for listening: TCP sockets in LISTEN state and bound
 * UDP sockets, as `ip:port`, read from /proc (Linux).
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // the descriptor closed while we looked
    }
  }
  const found: string[] = [];
  for (const [file, v6, listenOnly] of [
    ['tcp', false, true],
    ['tcp6', true, true],
    ['udp', false, false],
    ['udp6', true, false],
  ] as const) {
    const path = `/proc/${pid}/net/${file}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      if (listenOnly && f[3] !== '0A') continue;
      const [hexIp, hexPort] = f[1].split(':');
      found.push(`${file}:${decodeIp(hexIp, v6)}:${parseInt(hexPort, 16)}`);
    }
  }
  return found.sort();
}

function decodeIp(hex: string, v6: boolean): string {
  // /proc prints each 32-bit word of the address in host (little-endian) byte order.
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (!v6) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `[${groups.join(':')}]`;
}

/** Whether an address from {@link listeningAddresses} is on loopback. */
export function isLoopback(address: string): boolean {
  const ip = address.split(':').slice(1, -1).join(':');
  return /^127\./.test(ip) || /^::ffff:127\./.test(ip) || ip === '[0:0:0:0:0:0:0:1]';
}

// ---------------------------------------------------------------------------------------------
// Vault

/** A `vault server -dev` on loopback. */
export interface DevVault {
  readonly process: ServerProcess;
  /** http://127.0.0.1:<port> */
  readonly address: string;
  /** The root token made for this run. */
  readonly rootToken: string;
  /** Calls Vault's HTTP API with the root token; returns the status and parsed body. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<VaultResponse>;
}

export interface VaultResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * Starts `vault server -dev` on 127.0.0.1 and a free port (its cluster listener takes the next
 * one, also on 127.0.0.1), with a root token generated for this run and not stored in any
 * token helper file. Dev mode keeps everything in memory and mounts KV v2 at `secret/`.
 */
export async function startDevVault(vaultBinary: string): Promise<DevVault> {
  const [port] = await freeLoopbackPorts(1, true);
  const address = `http://127.0.0.1:${port}`;
  const rootToken = `root-${randomUUID()}`;
  const home = mkdtempSync(join(tmpdir(), 'vault-home-'));
  const api = async (method: string, path: string, body?: unknown, token = rootToken) => {
    const res = await fetchWithin(`${address}/v1/${path.replace(/^\/+/, '')}`, {
      method,
      headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const process_ = await startServer({
    name: 'vault server -dev',
    command: vaultBinary,
    args: [
      'server',
      '-dev',
      `-dev-listen-address=127.0.0.1:${port}`,
      `-dev-root-token-id=${rootToken}`,
      '-dev-no-store-token',
    ],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, VAULT_LOG_LEVEL: 'info' },
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    ready: async () => {
      const res = await fetchWithin(`${address}/v1/sys/health`, {}, 2_000);
      if (res.status !== 200) return false;
      const health = await res.json();
      return health.initialized === true && health.sealed === false;
    },
  });
  return { process: process_, address, rootToken, api };
}

// ---------------------------------------------------------------------------------------------
// Nomad

/** A `nomad agent -dev` on loopback. */
export interface DevNomad {
  readonly process: ServerProcess;
  /** http://127.0.0.1:<port> */
  readonly address: string;
  /** The directory holding its configuration files. */
  readonly dir: string;
  /** Runs the nomad CLI against this agent. */
  cli(...args: string[]): { status: number; output: string };
  /** Calls the agent's HTTP API; returns the status and the parsed (or raw) body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Settings of {@link startDevNomad}. */
export interface DevNomadOptions {
  /** More agent configuration files (HCL text), e.g. the rendered vault {} stanzas. */
  readonly extraConfig?: Record<string, string>;
  /** Enable the raw_exec driver (tasks run as the agent's user). @default false */
  readonly rawExec?: boolean;
  /** Client `template {}` block body, e.g. retry settings. @default - none */
  readonly clientTemplate?: string;
  /** Ports to use (http, rpc, serf), e.g. reserved earlier to render the agent's address. @default - free ones */
  readonly ports?: readonly [number, number, number];
  /** The client's network_interface. @default "lo" */
  readonly networkInterface?: string;
  /** The client's cni_path (bridge networking). @default - Nomad's default */
  readonly cniPath?: string;
  /** Directories put before PATH for the agent (e.g. the consul binary's, for Connect). */
  readonly extraPath?: readonly string[];
  /** The Consul agent to use (HTTP and gRPC as host:port, and the agent's token). @default - a closed loopback port */
  readonly consul?: {
    readonly address: string;
    readonly grpcAddress: string;
    readonly token: string;
  };
}

/**
 * Starts `nomad agent -dev` bound to 127.0.0.1 on three free ports, with cloud-metadata
 * fingerprinters denied, the update check off and Consul on a closed loopback port.
 */
export async function startDevNomad(
  nomadBinary: string,
  options: DevNomadOptions = {},
): Promise<DevNomad> {
  const [http, rpc, serf] = options.ports ?? (await freeLoopbackPorts(3));
  const address = `http://127.0.0.1:${http}`;
  const dir = mkdtempSync(join(tmpdir(), 'nomad-dev-'));
  const config = `
disable_update_check = true
bind_addr            = "127.0.0.1"
data_dir             = ${JSON.stringify(join(dir, 'data'))}

ports {
  http = ${http}
  rpc  = ${rpc}
  serf = ${serf}
}

client {
  network_interface = "${options.networkInterface ?? 'lo'}"
${options.cniPath ? `  cni_path          = "${options.cniPath}"\n` : ''}  options = {
    "fingerprint.denylist" = "env_aws,env_gce,env_azure,env_digitalocean"
  }
${options.clientTemplate ? `\n  template {\n${options.clientTemplate}\n  }\n` : ''}}

${
  options.consul
    ? `consul {\n  address      = "${options.consul.address}"\n  grpc_address = "${options.consul.grpcAddress}"\n  token        = "${options.consul.token}"\n}`
    : 'consul {\n  address = "127.0.0.1:1"\n}'
}
${options.rawExec ? '\nplugin "raw_exec" {\n  config {\n    enabled = true\n  }\n}\n' : ''}`;
  const files: Record<string, string> = { 'agent.hcl': config, ...options.extraConfig };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

  const env = {
    PATH: [...(options.extraPath ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    HOME: dir,
  };
  const cli = (...args: string[]) => {
    const run = spawnSync(nomadBinary, args, {
      encoding: 'utf8',
      env: { ...env, NOMAD_ADDR: address },
      timeout: 60_000,
    });
    return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  };
  const api = (method: string, path: string, body?: unknown) =>
    callApi(`${address}/v1/${path.replace(/^\/+/, '')}`, method, body);
  const process_ = await startServer({
    name: 'nomad agent -dev',
    command: nomadBinary,
    args: ['agent', '-dev', ...Object.keys(files).flatMap((f) => ['-config', join(dir, f)])],
    env,
    stopSignal: 'SIGINT',
    readyTimeoutMs: 90_000,
    ready: async () => {
      const res = await fetchWithin(`${address}/v1/nodes`, {}, 2_000);
      if (res.status !== 200) return false;
      const nodes: Array<{ Status: string }> = await res.json();
      return nodes.some((n) => n.Status === 'ready');
    },
  });
  return { process: process_, address, dir, cli, api };
}

// ---------------------------------------------------------------------------------------------
// A JWKS endpoint

/** A small HTTP server (a child process) that serves one RSA public key as a JWKS. */
export interface JwksServer {
  readonly process: ServerProcess;
  /** http://127.0.0.1:<port>; the keys are at `${url}/.well-known/jwks.json`. */
  readonly url: string;
}

/** The JWKS server's program: makes an RSA key and serves its public half until stopped. */
const JWKS_PROGRAM = `
const { generateKeyPairSync, randomUUID } = require('crypto');
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
const body = JSON.stringify({ keys: [jwk] });
require('http')
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  })
  .listen(Number(process.argv[1]), '127.0.0.1');
`;

/**
 * Serves a freshly made RSA public key at /.well-known/jwks.json on 127.0.0.1, where Nomad
 * serves its own. Vault fetches a JWT backend's jwks_url when the backend is configured, so
 * applying a stack without a Nomad agent needs something real there. It runs as a child
 * process: the checks call Terraform synchronously, and Vault must get an answer meanwhile.
 */
export async function startJwksServer(): Promise<JwksServer> {
  const [port] = await freeLoopbackPorts(1);
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name: 'JWKS server',
    command: process.execPath,
    args: ['-e', JWKS_PROGRAM, String(port)],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    readyTimeoutMs: 15_000,
    ready: async () => (await fetchWithin(`${url}/.well-known/jwks.json`, {}, 2_000)).ok,
  });
  return { process: server, url };
}
