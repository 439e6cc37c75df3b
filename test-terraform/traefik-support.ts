import { ChildProcess, execFileSync, spawn } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import { join } from 'path';
import { GiveUp } from './servers';
import { CACHE, ROOT, requireTool } from './support';

/** Builds Traefik with tools/build-traefik.sh (or reuses the build) and returns the binary. */
export function traefikBinary(): string {
  requireTool('go', 'Install Go to build Traefik from its module.');
  const out = execFileSync('bash', [join(ROOT, 'tools', 'build-traefik.sh')], {
    encoding: 'utf8',
    env: { ...process.env, CDKTF_NZT_CACHE: CACHE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

/** A Traefik process started by a test. */
export class TraefikProcess {
  private output = '';
  private exit: number | null | undefined;
  public readonly process: ChildProcess;

  constructor(binary: string, dir: string, configFile: string) {
    this.process = spawn(binary, [`--configFile=${configFile}`], {
      cwd: dir,
      // Nothing from the environment: no NOMAD_ADDR, CONSUL_HTTP_ADDR, proxies or tokens.
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (d) => (this.output += d));
    this.process.stderr?.on('data', (d) => (this.output += d));
    this.process.on('exit', (code, signal) => (this.exit = code ?? (signal ? -1 : null)));
  }

  /** Everything Traefik logged so far. */
  public get log(): string {
    return this.output;
  }

  /** Throws (stopping a {@link waitFor}) with the end of the log when Traefik has exited. */
  public checkRunning(): void {
    if (this.exit !== undefined) {
      throw new GiveUp(`Traefik exited (${this.exit}):\n${this.output.slice(-3000)}`);
    }
  }

  /** The exit code, once exited (-1 for a signal), else undefined. */
  public get exitCode(): number | null | undefined {
    return this.exit;
  }

  /** The log's JSON lines (log.format json), parsed. */
  public get entries(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return { level: 'unparsed', message: l };
        }
      });
  }

  /** Stops the process by its PID: SIGTERM, then SIGKILL after `graceMs`. */
  public async stop(graceMs = 5000): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined || this.exit !== undefined) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (this.exit === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.exit === undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Writes files (name → text) into a directory, creating it. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** What one request got. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One HTTP(S) request to a loopback address, with a Host header (and SNI) of choice; the
 * server certificate is not verified (the test's own). Bounded by `timeoutMs`.
 */
export function request(
  url: string,
  options: { host?: string; auth?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'GET',
        headers: options.host ? { host: options.host } : {},
        auth: options.auth,
        servername: options.host,
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 5000,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Makes a self-signed P-256 certificate, valid for one day, for the common name and DNS names
 * given, with OpenSSL.
 */
export function selfSignedCertificate(
  files: { readonly certFile: string; readonly keyFile: string },
  commonName: string,
  dnsNames: readonly string[],
): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      files.keyFile,
      '-out',
      files.certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}`,
    ],
    { stdio: 'ignore' },
  );
}
