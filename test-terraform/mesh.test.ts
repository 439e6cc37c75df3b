import { X509Certificate } from 'crypto';
import * as https from 'https';
import * as tls from 'tls';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdktf';
import { addExamples } from '../examples/all';
import {
  createHostNetwork,
  HOST_ADDRESS,
  HOST_BRIDGE,
  inNamespace,
  meshUnsupported,
  namespacesLeft,
  removeHostNetwork,
  CNI_PATH,
} from './mesh-network';
import { GiveUp, waitFor } from './servers';
import { traefikBinary } from './traefik-support';
import { consulBinary, providerMirror } from './support';
import { stateResources } from './vault-stack';
import { Platform, startPlatform } from './whole-stack';

/**
 * Issue 20, the mesh enforced: the Consul-Connect example applied whole, then its own countdash
 * job as Terraform rendered it, with only the drivers swapped (raw_exec programs in place of the
 * Docker images) and Consul's built-in proxy as each sidecar_task (in place of Envoy, which
 * needs Docker). The dashboard reaches the api through its upstream; a caller no intention
 * allows is refused by the api's proxy; the tasks' Consul tokens come from the JWT auth method;
 * the Connect CA is Vault's and a leaf chains to the Vault intermediate.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// a check that hangs fails in minutes, not at the suite's 30-minute limit
jest.setTimeout(5 * 60 * 1000);

const unsupported = meshUnsupported();
if (unsupported) {
  throw new Error(`the mesh checks cannot run here: ${unsupported}`);
}

const outdir = mkdtempSync(join(tmpdir(), 'mesh-'));
const app = new App({ outdir });
addExamples(app);
app.synth();
const synthesized = JSON.parse(
  readFileSync(join(outdir, 'stacks', 'consul-connect', 'cdk.tf.json'), 'utf8'),
);

/** The programs the swapped tasks run (node, this process's own binary). */
const PROGRAMS = {
  // simple01's SSH port: a TCP echo
  echo: `require('net').createServer((s) => s.pipe(s)).listen(Number(process.argv[2]), '127.0.0.1');`,
  // the api answers on the port its service names, inside its namespace
  api: `require('http').createServer((q, r) => r.end('count-api:' + process.env.NOMAD_ALLOC_ID))
  .listen(Number(process.argv[2]), '127.0.0.1');`,
  // the dashboard calls COUNTING_SERVICE_URL, as the example's image does, and reports it
  dashboard: `require('http').createServer(async (q, r) => {
  try {
    const res = await fetch(process.env.COUNTING_SERVICE_URL, { signal: AbortSignal.timeout(5000) });
    r.writeHead(200).end(JSON.stringify({ greeting: process.env.GREETING, api: await res.text() }));
  } catch (e) {
    r.writeHead(502).end(String(e.cause ?? e));
  }
}).listen(Number(process.argv[2]), '127.0.0.1');`,
};

let platform: Platform;
const greeting = `hello-${Date.now()}`;
let programDir: string;

beforeAll(
  async () => {
    providerMirror();
    createHostNetwork();
    // Nomad runs `consul connect envoy -bootstrap` for every sidecar: `consul` must be on its PATH
    const binDir = mkdtempSync(join(tmpdir(), 'mesh-bin-'));
    symlinkSync(consulBinary(), join(binDir, 'consul'));
    platform = await startPlatform('mesh', synthesized, {
      nomad: {
        rawExec: true,
        networkInterface: HOST_BRIDGE,
        cniPath: CNI_PATH,
        extraPath: [binDir],
      },
    });
    platform.step(['init']);
    platform.step(['apply', '-auto-approve']);
    const put = await platform.vault.api('POST', 'secret/data/default/countdash/config', {
      data: { greeting },
    });
    if (put.status !== 200) throw new Error(`writing the secret: ${JSON.stringify(put)}`);
    programDir = mkdtempSync(join(tmpdir(), 'mesh-programs-'));
    for (const [name, text] of Object.entries(PROGRAMS)) {
      writeFileSync(join(programDir, `${name}.js`), text);
    }
  },
  15 * 60 * 1000,
);

afterAll(async () => {
  try {
    if (platform?.nomad.process.running()) {
      // the allocations stop first, so Nomad tears their networks down itself
      for (const [ns, id] of [
        ['default', 'countdash'],
        ['default', 'intruder'],
        ['experimental', 'traefik'],
        ['experimental', 'simple01'],
      ]) {
        platform.nomad.cli('job', 'stop', '-namespace', ns, id);
      }
      await waitFor("the allocations' namespaces to go", 60_000, () => {
        const left = namespacesLeft();
        if (left.length > 0) throw new Error(`left: ${left.join(', ')}`);
        return true;
      }).catch((e) => console.warn(`${(e as Error).message}; removing them after Nomad stops`));
    }
    await platform?.stop();
  } finally {
    removeHostNetwork();
  }
});

/** The countdash job Terraform applied, as Nomad parses its jobspec. */
async function appliedJob(address: string): Promise<Json> {
  const state = stateResources(platform.dir, providerMirror(), platform.options);
  const parsed = await platform.nomad.api('POST', 'jobs/parse', {
    JobHCL: state[address].jobspec,
    Canonicalize: true,
  });
  if (parsed.status !== 200) throw new Error(`jobs/parse: ${JSON.stringify(parsed.body)}`);
  return parsed.body;
}

/**
 * The job with each task's driver swapped for raw_exec running the program of its group, and
 * each Connect sidecar a raw_exec task running `consul connect proxy` in its flag mode with
 * what the rendered sidecar_service says: the service, its local port and its upstreams. The
 * proxy reaches Consul over the HTTP unix socket and takes the service identity token Nomad
 * writes to the sidecar's secrets/si_token.
 */
function swapped(
  job: Json,
  programFor: (group: string) => string,
  options: { withoutArtifacts?: boolean } = {},
): Json {
  const consulBin = consulBinary();
  for (const group of job.TaskGroups) {
    for (const service of group.Services ?? []) {
      const sidecar = service.Connect?.SidecarService;
      if (!sidecar) continue;
      // a port label such as ${NOMAD_META_srv_ssh_port} is interpolated by Nomad in the args
      const port = sidecar.Proxy?.LocalServicePort || service.PortLabel;
      const label = `connect_proxy_${service.Name.replace(/-/g, '_')}`;
      const upstreams = (sidecar.Proxy?.Upstreams ?? []).flatMap((u: Json) => [
        '-upstream',
        `${u.DestinationName}:127.0.0.1:${u.LocalBindPort}`,
      ]);
      service.Connect.SidecarTask = {
        Driver: 'raw_exec',
        Config: {
          command: consulBin,
          args: [
            'connect',
            'proxy',
            '-service',
            service.Name,
            '-service-addr',
            `127.0.0.1:${port}`,
            '-listen',
            `0.0.0.0:\${NOMAD_PORT_${label}}`,
            '-token-file',
            '${NOMAD_SECRETS_DIR}/si_token',
            ...upstreams,
          ],
        },
        Env: { CONSUL_HTTP_ADDR: `unix://${platform.consul!.socket}` },
      };
    }
    for (const task of group.Tasks) {
      const port = group.Services?.[0]?.PortLabel;
      task.Driver = 'raw_exec';
      task.Config = { command: process.execPath, args: [programFor(group.Name), String(port)] };
      // an artifact would be fetched from the host, off this machine
      if (options.withoutArtifacts) task.Artifacts = null;
    }
  }
  return job;
}

async function register(job: Json): Promise<void> {
  const res = await platform.nomad.api('PUT', 'jobs', { Job: job });
  if (res.status !== 200) throw new Error(`registering ${job.ID}: ${JSON.stringify(res.body)}`);
}

interface Alloc {
  ID: string;
  TaskGroup: string;
  ClientStatus: string;
  TaskStates?: Record<string, { State: string; Events?: Array<{ DisplayMessage: string }> }>;
}

/** The running allocation of each group of a job, once every task of each runs. */
async function runningAllocations(
  jobId: string,
  namespace = 'default',
): Promise<Record<string, Alloc>> {
  return waitFor(`every task of ${jobId} to run`, 180_000, async () => {
    const res = await platform.nomad.api('GET', `job/${jobId}/allocations?namespace=${namespace}`);
    const allocs = res.body as Alloc[];
    const running = allocs.filter(
      (a) =>
        a.ClientStatus === 'running' &&
        Object.values(a.TaskStates ?? {}).every((t) => t.State === 'running'),
    );
    const failed = allocs.filter((a) => a.ClientStatus === 'failed');
    if (failed.length > 0) {
      const events = failed.flatMap((a) =>
        Object.entries(a.TaskStates ?? {}).flatMap(([task, t]) =>
          (t.Events ?? []).map((e) => `${a.TaskGroup}/${task}: ${e.DisplayMessage}`),
        ),
      );
      throw new GiveUp(`${jobId} failed:\n${events.join('\n')}`);
    }
    const groups = new Set(allocs.map((a) => a.TaskGroup));
    if (groups.size === 0 || running.length < groups.size) {
      throw new Error(
        `not yet running: ${allocs.map((a) => `${a.TaskGroup} ${a.ClientStatus}`).join(', ')}`,
      );
    }
    return Object.fromEntries(running.map((a) => [a.TaskGroup, a]));
  }).catch(async (e) => {
    throw new Error(
      `${(e as Error).message}\n--- nomad ---\n${platform.nomad.process.log().slice(-4000)}`,
    );
  });
}

/** A task's stdout or stderr. */
async function taskLog(alloc: string, task: string, type: 'stdout' | 'stderr'): Promise<string> {
  const res = await platform.nomad.api(
    'GET',
    `client/fs/logs/${alloc}?task=${task}&type=${type}&plain=true&origin=start`,
  );
  return res.status === 200 ? String(res.body) : '';
}

/** A task's stdout, then its stderr. */
async function taskOutput(alloc: string, task: string): Promise<string> {
  return (await taskLog(alloc, task, 'stdout')) + (await taskLog(alloc, task, 'stderr'));
}

/** GET from inside an allocation's network namespace: status and body. */
function getInside(alloc: string, url: string): { status: number; body: string } {
  const r = inNamespace(alloc, process.execPath, [
    '-e',
    `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(8000) })
      .then(async (res) => console.log(JSON.stringify({ status: res.status, body: await res.text() })))
      .catch((e) => console.log(JSON.stringify({ status: 0, body: String(e.cause ?? e) })));`,
  ]);
  try {
    return JSON.parse(r.output.trim().split('\n').pop() ?? '');
  } catch {
    return { status: -1, body: r.output };
  }
}

let countdash: Record<string, Alloc>;
const countdashAddress = () =>
  Object.keys(synthesized.resource.nomad_job).find((k) => k.startsWith('countdash'))!;

test('the dashboard reaches the api through its upstream, and reads its Vault secret', async () => {
  // GIVEN the example's countdash job as applied, drivers and sidecars swapped
  const job = swapped(await appliedJob(`nomad_job.${countdashAddress()}`), (group) =>
    join(programDir, `${group === 'api' ? 'api' : 'dashboard'}.js`),
  );
  await register(job);
  countdash = await runningAllocations('countdash');
  expect(Object.keys(countdash).sort()).toEqual(['api', 'dashboard']);

  // WHEN the dashboard is asked, inside its own namespace
  const answer = await waitFor('the dashboard to reach the api', 120_000, async () => {
    const r = getInside(countdash.dashboard.ID, 'http://127.0.0.1:9002/');
    if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
    return JSON.parse(r.body);
  }).catch(async (e) => {
    const logs = await Promise.all(
      ['connect-proxy-count-api', 'connect-proxy-count-dashboard'].map(async (t) =>
        taskLog(countdash[t.endsWith('api') ? 'api' : 'dashboard'].ID, t, 'stderr'),
      ),
    );
    throw new Error(
      `${(e as Error).message}\n--- proxies ---\n${logs.join('\n---\n').slice(-6000)}`,
    );
  });

  // THEN the api answered through the two proxies, and the template read the job's secret
  expect(answer).toEqual({ greeting, api: `count-api:${countdash.api.ID}` });
});

test('a caller no intention allows is refused by the api proxy', async () => {
  // GIVEN a job in the mesh like the dashboard (its own service name, the same upstream), which
  // no intention allows to call the api
  const job = await appliedJob(`nomad_job.${countdashAddress()}`);
  job.ID = 'intruder';
  job.Name = 'intruder';
  job.TaskGroups = job.TaskGroups.filter((g: Json) => g.Name === 'dashboard');
  const group = job.TaskGroups[0];
  group.Services[0].Name = 'count-intruder';
  group.Services[0].Tags = [];
  for (const task of group.Tasks) {
    task.Templates = null;
    task.Vault = null;
  }
  const apiProxyLog = () => taskOutput(countdash.api.ID, 'connect-proxy-count-api');
  expect(await apiProxyLog()).not.toMatch(/authz call denied/);
  await register(swapped(job, () => join(programDir, 'dashboard.js')));
  const intruder = await runningAllocations('intruder');

  // WHEN it calls the api through its upstream, THEN the api's proxy refuses it
  const denied = await waitFor('the api proxy to refuse the intruder', 120_000, async () => {
    const r = getInside(intruder.dashboard.ID, 'http://127.0.0.1:9002/');
    if (r.status === 200) throw new Error(`the intruder got through: ${r.body}`);
    const log = await apiProxyLog();
    if (/authz call denied/.test(log)) return { status: r.status, log };
    throw new Error(`intruder: ${r.status} ${r.body}; api proxy log: ${log.slice(-3000)}`);
  });
  // by the library's default deny, the only intention that matches the call
  expect(denied.status).toBe(502);
  expect(denied.log).toMatch(
    /authz call denied: service=count-api reason="Matched L4 intention: default\/\* => default\/\* \(Precedence: 5, Action: DENY\)"/,
  );
  // and the dashboard still gets through
  expect(getInside(countdash.dashboard.ID, 'http://127.0.0.1:9002/').status).toBe(200);
});

test("the tasks' Consul tokens come from the library's JWT auth method", async () => {
  const method = Object.values<Json>(platform.json.resource.consul_acl_auth_method)[0].name;
  const tokens = await platform.consul!.api('GET', `acl/tokens?authmethod=${method}`);
  expect(tokens.status).toBe(200);
  const identities = (tokens.body as Json[]).flatMap((t) =>
    (t.ServiceIdentities ?? []).map((s: Json) => s.ServiceName),
  );
  expect(identities).toEqual(expect.arrayContaining(['count-api', 'count-dashboard']));
});

test("the Connect CA is Vault's, and a leaf certificate chains to the Vault intermediate", async () => {
  const consul = platform.consul!;
  const config = (await consul.api('GET', 'connect/ca/configuration')).body;
  expect(config.Provider).toBe('vault');
  const raw = async (path: string) =>
    (await fetch(`${platform.vault.address}/v1/${path}/ca/pem`)).text();
  const root = new X509Certificate(await raw(config.Config.RootPKIPath));
  const intermediate = new X509Certificate(await raw(config.Config.IntermediatePKIPath));
  const leafPem = (await consul.api('GET', 'agent/connect/ca/leaf/count-api')).body.CertPEM;
  const leaf = new X509Certificate(leafPem);
  expect(leaf.verify(intermediate.publicKey)).toBe(true);
  expect(intermediate.verify(root.publicKey)).toBe(true);
  expect(leaf.subjectAltName).toMatch(/spiffe:\/\/[^,]+\/svc\/count-api/);
  // and the root is the one Terraform made in Vault
  const state = stateResources(platform.dir, providerMirror(), platform.options);
  const rootResource = Object.entries<Json>(state).find(([a]) =>
    a.startsWith('vault_pki_secret_backend_root_cert.'),
  )![1];
  expect(new X509Certificate(rootResource.certificate).fingerprint256).toBe(root.fingerprint256);
});

describe('Traefik through the mesh (the Consul-Connect variant)', () => {
  let root: X509Certificate;

  /** HTTPS to the ingress on its published port, with `serverName` as SNI and Host. */
  function throughIngress(
    serverName: string,
  ): Promise<{ status: number; body: string; peer: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: HOST_ADDRESS,
          port: INGRESS_PORT,
          servername: serverName,
          headers: { Host: serverName },
          path: '/',
          rejectUnauthorized: false,
          agent: false,
          timeout: 10_000,
        },
        (res) => {
          // read while the response still holds its socket
          const peer = (res.socket as tls.TLSSocket).getPeerCertificate().raw;
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  /** A line sent over TLS to the ingress with `serverName` as SNI, and what came back. */
  function tlsEcho(serverName: string, line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: HOST_ADDRESS,
        port: INGRESS_PORT,
        servername: serverName,
        rejectUnauthorized: false,
      });
      let got = '';
      socket.setTimeout(10_000, () =>
        socket.destroy(new Error(`timed out, got ${JSON.stringify(got)}`)),
      );
      socket.on('secureConnect', () => socket.write(line));
      socket.on('data', (d) => {
        got += d;
        if (got.includes('\n')) {
          resolve(got);
          socket.destroy();
        }
      });
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
  }

  beforeAll(
    async () => {
      // GIVEN the CA of the pki mount the example's role (createRole) issues from
      root = new X509Certificate(platform.pkiRoots.pki);
      // and the example's Traefik and simple01 jobs as applied, on raw_exec
      const jobs = stateResources(platform.dir, providerMirror(), platform.options);
      const address = (name: string) =>
        Object.keys(jobs).find((a) => a.startsWith('nomad_job.') && jobs[a].name === name)!;
      await register(traefikOnRawExec(await appliedJob(address('traefik'))));
      await register(
        swapped(await appliedJob(address('simple01')), () => join(programDir, 'echo.js'), {
          withoutArtifacts: true,
        }),
      );
      await runningAllocations('traefik', 'experimental');
      await runningAllocations('simple01', 'experimental');
    },
    5 * 60 * 1000,
  );

  test('HTTPS reaches the dashboard over Connect, with the certificate Vault PKI issued', async () => {
    const answer = await waitFor('Traefik to route countdash.domain.com', 120_000, async () => {
      const r = await throughIngress('countdash.domain.com');
      if (r.status !== 200) throw new Error(`${r.status} ${r.body}`);
      return r;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n--- traefik ---\n${await traefikLog()}`);
    });
    expect(JSON.parse(answer.body)).toEqual({ greeting, api: `count-api:${countdash.api.ID}` });
    const served = new X509Certificate(answer.peer);
    expect(served.subject).toContain('CN=ingress.domain.com');
    expect(served.verify(root.publicKey)).toBe(true);
    // and a host no router names gets nothing
    expect((await throughIngress('other.domain.com')).status).toBe(404);
  });

  test('TLS with SNI simple01.domain.com reaches the TCP service over Connect', async () => {
    const echoed = await waitFor('Traefik to route simple01.domain.com', 120_000, async () => {
      const got = await tlsEcho('simple01.domain.com', 'ping over the mesh\n');
      if (got !== 'ping over the mesh\n') throw new Error(`got ${JSON.stringify(got)}`);
      return got;
    }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n--- traefik ---\n${await traefikLog()}`);
    });
    expect(echoed).toBe('ping over the mesh\n');
  });

  test('a renewed certificate is served on new connections, Traefik not restarted', async () => {
    // GIVEN the certificate Traefik serves now, and its task's start
    const first = new X509Certificate((await throughIngress('countdash.domain.com')).peer);
    const before = await traefikTask();
    // WHEN consul-template renews it (the ttl is 20 s), THEN a new connection gets the new one
    const renewed = await waitFor(
      'a renewed certificate on a new connection',
      120_000,
      async () => {
        const served = new X509Certificate((await throughIngress('countdash.domain.com')).peer);
        if (served.serialNumber === first.serialNumber)
          throw new Error(`still ${first.serialNumber}`);
        return served;
      },
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n--- traefik ---\n${await traefikLog()}`);
    });
    expect(renewed.verify(root.publicKey)).toBe(true);
    expect(renewed.subject).toContain('CN=ingress.domain.com');
    // and Traefik ran through it: same start, no restart
    const after = await traefikTask();
    expect(after).toEqual({ ...before, state: 'running' });
    expect(after.restarts).toBe(0);
  });

  test("without the intention that allows Traefik's service name, the route fails", async () => {
    // WHEN the dashboard's intentions (which allow only "traefik") are removed
    const removed = await platform.consul!.api(
      'DELETE',
      'config/service-intentions/count-dashboard',
    );
    expect(removed.status).toBe(200);
    const check = await platform.consul!.api(
      'GET',
      'connect/intentions/check?source=traefik&destination=count-dashboard',
    );
    expect(check.body).toEqual({ Allowed: false });
    // and the dashboard's proxy restarts (it authorizes each new connection; Traefik would
    // otherwise keep the one it holds)
    const restart = await platform.nomad.api(
      'POST',
      `client/allocation/${countdash.dashboard.ID}/restart`,
      { TaskName: 'connect-proxy-count-dashboard' },
    );
    expect(restart.status).toBe(200);
    // THEN Traefik's mTLS connection is refused by the dashboard's proxy, under the default deny
    const refused = await waitFor('the dashboard proxy to refuse Traefik', 120_000, async () => {
      const r = await throughIngress('countdash.domain.com');
      const log = await taskOutput(countdash.dashboard.ID, 'connect-proxy-count-dashboard');
      if (r.status !== 200 && /authz call denied: service=count-dashboard/.test(log)) return r;
      throw new Error(`${r.status}: ${log.slice(-2000)}`);
    });
    expect(refused.status).toBe(502);
  });
});

/** Port the example publishes the ingress on (its websecure entry point). */
const INGRESS_PORT = 8443;

/** The certificate lifetime the harness gives the ingress (the example's is 72h). */
const SHORT_TTL = '20s';

/**
 * The example's Traefik job on raw_exec: the Traefik binary built here in place of the image,
 * the paths its Docker task sees (`/local`, `/secrets`, `/alloc`) as the task's own directories,
 * no constraint to the example's edge node, and the certificate issued for {@link SHORT_TTL},
 * so that it is renewed while the checks run.
 */
function traefikOnRawExec(job: Json): Json {
  job.Constraints = null;
  const reroot = (text: string) =>
    text
      .replace(/"ttl=72h"/g, `"ttl=${SHORT_TTL}"`)
      .replace(/"\/local\//g, '"{{ env "NOMAD_TASK_DIR" }}/')
      .replace(/"\/secrets\//g, '"{{ env "NOMAD_SECRETS_DIR" }}/')
      .replace(/unix:\/\/\/alloc\//g, 'unix://{{ env "NOMAD_ALLOC_DIR" }}/');
  for (const group of job.TaskGroups) {
    for (const task of group.Tasks) {
      task.Driver = 'raw_exec';
      task.Config = {
        command: traefikBinary(),
        args: ['--configFile=${NOMAD_TASK_DIR}/traefik.yml'],
      };
      for (const t of task.Templates ?? []) t.EmbeddedTmpl = reroot(t.EmbeddedTmpl);
    }
  }
  return job;
}

/** The Traefik task's state, start time and restart count. */
async function traefikTask(): Promise<{ state: string; startedAt: string; restarts: number }> {
  const allocs = (await platform.nomad.api('GET', 'job/traefik/allocations?namespace=experimental'))
    .body as Array<Alloc & { TaskStates: Record<string, Json> }>;
  const alloc = allocs.find((a) => a.ClientStatus === 'running')!;
  const full = (await platform.nomad.api('GET', `allocation/${alloc.ID}`)).body;
  const t = full.TaskStates.traefik;
  return { state: t.State, startedAt: t.StartedAt, restarts: t.Restarts };
}

async function traefikLog(): Promise<string> {
  const allocs = (await platform.nomad.api('GET', 'job/traefik/allocations?namespace=experimental'))
    .body as Alloc[];
  const alloc = allocs.find((a) => a.ClientStatus === 'running') ?? allocs[0];
  if (!alloc) return '(no allocation)';
  return (await taskOutput(alloc.ID, 'traefik')).slice(-5000);
}
