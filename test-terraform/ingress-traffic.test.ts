import { spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import {
  IngressVariant,
  NomadJob,
  Service,
  ServiceProvider,
  TaskDriver,
  ZeroTrustIngress,
} from '../lib';
import { purgeJobs, registerJob } from './nomad-jobs';
import {
  DevNomad,
  freeLoopbackPorts,
  isLoopback,
  listeningAddresses,
  startDevNomad,
  waitFor,
} from './servers';
import { nomadBinary, requireTool } from './support';
import {
  Answer,
  TraefikProcess,
  request,
  selfSignedCertificate,
  traefikBinary,
  writeFiles,
} from './traefik-support';

// Traffic through the Tailscale variant of ZeroTrustIngress: Traefik v3.7 built from its Go
// module runs the static and dynamic configuration the construct renders, its Nomad provider
// reads the services of a Nomad dev agent, and the backends are raw_exec tasks of jobs built
// with NomadJob and exposed with exposeHttp/exposeTcp. Everything binds 127.0.0.1.
//
// What the harness changes in the rendered configuration, and why:
// - entry point addresses ":<port>" become "127.0.0.1:<port>" (loopback only here);
// - the file provider reads the dynamic file from the test's directory, not /local;
// - the Nomad provider polls every second (its default is 15 s) and logs JSON;
// - a locally generated certificate is the TLS store's default certificate: the Tailscale
//   resolver, which stays configured, needs a tailnet to issue one.

const TAILNET = 'tail1234.ts.net';
const WEB_HOST = `node1.${TAILNET}`;
const SSH_HOST = `node2.${TAILNET}`;
const BANNER = 'SSH-2.0-echo';

/** A raw_exec task running a small Node.js server on the group's `http` port. */
function nodeServer(script: string) {
  return TaskDriver.rawExec({ command: process.execPath, args: ['-e', script] });
}

const HTTP_BACKEND = (body: string) =>
  `require('http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); ` +
  `s.end(${JSON.stringify(body)} + ' ' + q.url); })` +
  `.listen(Number(process.env.NOMAD_PORT_http), process.env.NOMAD_IP_http);`;

const TCP_ECHO =
  `require('net').createServer((c) => { c.write(${JSON.stringify(BANNER + '\r\n')}); c.pipe(c); })` +
  `.listen(Number(process.env.NOMAD_PORT_http), process.env.NOMAD_IP_http);`;

/** A service job with one group, a dynamic `http` port, a Nomad-native service and the server. */
function backend(
  stack: TerraformStack,
  name: string,
  script: string,
): { job: NomadJob; service: Service } {
  const job = new NomadJob(stack, name, { datacenters: ['*'] });
  const group = job.addGroup(name, { network: { ports: [{ label: 'http' }] } });
  const service = group.addService({ name, port: 'http', provider: ServiceProvider.NOMAD });
  group.addTask('server', { driver: nodeServer(script), resources: { cpuMhz: 50, memoryMb: 64 } });
  return { job, service };
}

/** Connects with `openssl s_client -servername`, sends a line, and returns what came back. */
function throughOpenssl(port: number, servername: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-quiet'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } },
    );
    let out = '';
    const done = () => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(out);
    };
    const timer = setTimeout(done, 5000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(line)) done();
    });
    child.on('error', reject);
    child.on('exit', () => done());
    child.stdin.write(`${line}\n`);
  });
}

let nomad: DevNomad | undefined;
let traefik: TraefikProcess | undefined;
const jobIds: string[] = [];
const ports = { web: 0, websecure: 0, internal: 0 };
let ingress: ZeroTrustIngress;
let staticRendered: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(
  async () => {
    requireTool('openssl', 'Install OpenSSL for the test certificate and s_client.');
    const traefikBin = traefikBinary();
    nomad = await startDevNomad(nomadBinary(), { rawExec: true });
    [ports.web, ports.websecure, ports.internal] = await freeLoopbackPorts(3);

    // GIVEN the Tailscale variant on the agent, with the dashboard on the internal entry point
    const stack = new TerraformStack(Testing.app() as App, 'traffic');
    new NomadProvider(stack, 'nomad', { address: nomad.address });
    ingress = new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.tailscale({
        nomadAddress: nomad.address,
        httpPort: ports.web,
        httpsPort: ports.websecure,
        internalPort: ports.internal,
      }),
      dashboard: true,
    });
    // AND a web backend exposed by host name, one not exposed, and a TCP echo exposed by SNI
    const web = backend(stack, 'web', HTTP_BACKEND('hello from web'));
    ingress.exposeHttp(web.service, { host: WEB_HOST });
    const hidden = backend(stack, 'hidden', HTTP_BACKEND('hidden'));
    const ssh = backend(stack, 'ssh', TCP_ECHO);
    ingress.exposeTcp(ssh.service, { hostSni: SSH_HOST });
    Testing.synth(stack, true); // the stack validates

    // WHEN the backends run on the agent
    for (const { job } of [web, hidden, ssh]) {
      registerJob(nomad, job.jobName, job.spec._renderHcl());
      jobIds.push(job.jobName);
    }

    // AND Traefik runs the rendered configuration, adapted as the header says
    const dir = mkdtempSync(join(tmpdir(), 'ingress-traffic-'));
    const certificate = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    selfSignedCertificate(certificate, WEB_HOST, [WEB_HOST, SSH_HOST]);
    staticRendered = parse(ingress.staticConfig.render());
    const run = structuredClone(staticRendered);
    for (const entryPoint of Object.values(run.entryPoints) as Array<{ address: string }>) {
      entryPoint.address = `127.0.0.1${entryPoint.address}`;
    }
    run.providers.file.filename = join(dir, 'dynamic.yml');
    run.providers.nomad.refreshInterval = '1s';
    run.log = { ...run.log, format: 'json' };
    const dynamic = parse(ingress.dynamicConfig.render()) ?? {};
    dynamic.tls = {
      stores: {
        default: {
          defaultCertificate: certificate,
        },
      },
    };
    writeFiles(dir, { 'traefik.yml': stringify(run), 'dynamic.yml': stringify(dynamic) });
    traefik = new TraefikProcess(traefikBin, dir, join(dir, 'traefik.yml'));

    // THEN (before the checks) Traefik answers /ping and routes the web host
    await waitFor(`Traefik to route ${WEB_HOST}`, 90_000, async () => {
      traefik!.checkRunning();
      const a = await request(`https://127.0.0.1:${ports.websecure}/`, { host: WEB_HOST });
      return a.status === 200 ? a : undefined;
    });
  },
  15 * 60 * 1000,
);

afterAll(async () => {
  await traefik?.stop();
  purgeJobs(nomad, jobIds);
  await nomad?.process.stop();
});

describe('traffic through the Tailscale variant', () => {
  test('the rendered entry points are the ones the harness bound to loopback', () => {
    // The harness changed the host part only: the ports are the construct's.
    expect(staticRendered.entryPoints).toMatchObject({
      web: { address: `:${ports.web}` },
      websecure: { address: `:${ports.websecure}` },
      internal: { address: `:${ports.internal}` },
    });
    expect(staticRendered.providers.nomad.endpoint.address).toBe(nomad!.address);
    expect(staticRendered.providers.nomad.exposedByDefault).toBe(false);
  });

  test('a request with the exposed host name reaches the backend over HTTPS', async () => {
    const answer = await request(`https://127.0.0.1:${ports.websecure}/some/path`, {
      host: WEB_HOST,
    });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: 'hello from web /some/path',
    });
  });

  test('a service that was not exposed is not routed: its host gets 404', async () => {
    const answers: Answer[] = [];
    for (const host of [`hidden.${TAILNET}`, 'hidden', 'nobody.example']) {
      answers.push(await request(`https://127.0.0.1:${ports.websecure}/`, { host }));
    }
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(answers.map((a) => a.body)).not.toContainEqual(expect.stringContaining('hidden'));
  });

  test('plain HTTP is redirected to HTTPS on the TLS entry point', async () => {
    const answer = await request(`http://127.0.0.1:${ports.web}/a?b=c`, { host: WEB_HOST });
    expect([301, 308]).toContain(answer.status);
    expect(answer.headers.location).toBe(`https://${WEB_HOST}:${ports.websecure}/a?b=c`);
    expect(answer.body).not.toContain('hello from web');
  });

  test('the API and dashboard answer on the internal entry point only', async () => {
    // GIVEN Traefik's API on the internal entry point lists the routers
    const internal = await request(`http://127.0.0.1:${ports.internal}/api/http/routers`);
    expect(internal.status).toBe(200);
    const routers = (JSON.parse(internal.body) as Array<{ name: string; provider: string }>).map(
      (r) => `${r.name}`,
    );
    const routeNames = ingress.routes.map((r) => r.routerName);
    expect(routers).toEqual(expect.arrayContaining([`${routeNames[0]}@nomad`]));
    expect(routers.some((r) => r.includes('hidden'))).toBe(false);
    // THEN on the public entry points the same paths are not the API
    for (const url of [
      `https://127.0.0.1:${ports.websecure}/api/http/routers`,
      `https://127.0.0.1:${ports.websecure}/dashboard/`,
      `http://127.0.0.1:${ports.web}/api/http/routers`,
    ]) {
      const answer = await request(url, { host: 'nobody.example' });
      expect({
        url,
        status: answer.status === 404 || answer.status === 301 || answer.status === 308,
      }).toEqual({
        url,
        status: true,
      });
      expect(answer.body).not.toContain('"entryPoints"');
    }
  });

  test('a TLS connection by SNI reaches the TCP backend through openssl s_client', async () => {
    const out = await throughOpenssl(ports.websecure, SSH_HOST, 'ping-through-traefik');
    expect(out).toContain(BANNER);
    expect(out).toContain('ping-through-traefik');
  });

  test('another SNI on the same port does not reach the TCP backend', async () => {
    const out = await throughOpenssl(ports.websecure, WEB_HOST, 'not-for-ssh');
    expect(out).not.toContain(BANNER);
  });

  test('Traefik listens on loopback only', () => {
    const addresses = listeningAddresses(traefik!.process.pid!);
    expect(addresses.length).toBeGreaterThanOrEqual(3);
    expect(addresses.filter((a) => !isLoopback(a))).toEqual([]);
  });
});
