/* eslint-disable @typescript-eslint/no-explicit-any */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { parse } from 'yaml';
import { terraformString } from '../lib/core/terraform-string';
import {
  AcmeKeyType,
  ConsulEndpointScheme,
  ConsulHealthStatus,
  RedirectScheme,
  TlsVersion,
  TraefikDynamicConfig,
  TraefikLogFormat,
  TraefikLogLevel,
  TraefikRule,
  TraefikStaticConfig,
} from '../lib';
import { renderTemplateSafeYaml } from '../lib/traefik/template-safe-yaml';
import { requireTool, terraform } from './support';
import {
  TraefikProcess,
  request,
  selfSignedCertificate,
  traefikBinary,
  writeFiles,
} from './traefik-support';
import { freeLoopbackPorts, waitFor } from './servers';

// Traefik v3.7.13 built from its Go module, started on 127.0.0.1 only, on ports of its own, with
// configuration files rendered by lib/traefik. Providers point at closed loopback ports; the
// version check and usage statistics are off, so nothing leaves the machine.

const CLOSED = '127.0.0.1:1';
const started: TraefikProcess[] = [];
let binary: string;

/** The default rule Traefik's providers use: a Go template consul-template must not touch. */
const DEFAULT_RULE = 'Host(`{{ normalize .Name }}.ts.example`)';

beforeAll(() => {
  binary = traefikBinary();
});

afterAll(async () => {
  await Promise.all(started.map((t) => t.stop()));
});

/** Writes the files and starts Traefik on `traefik.yml`. */
function start(dir: string, files: Record<string, string>): TraefikProcess {
  writeFiles(dir, files);
  const traefik = new TraefikProcess(binary, dir, join(dir, 'traefik.yml'));
  started.push(traefik);
  return traefik;
}

async function ping(traefik: TraefikProcess, port: number): Promise<void> {
  const answer = await waitFor(`Traefik to answer /ping on 127.0.0.1:${port}`, 30_000, async () => {
    traefik.checkRunning();
    const a = await request(`http://127.0.0.1:${port}/ping`);
    return a.status === 200 ? a : undefined;
  });
  expect(answer.body).toBe('OK');
}

/**
 * Error-level log entries other than the providers failing to reach Nomad/Consul on the closed
 * port (expected: nothing listens there) and the Tailscale resolver without tailscaled.
 */
function configurationErrors(traefik: TraefikProcess): Array<Record<string, unknown>> {
  return traefik.entries.filter((e) => {
    if (
      e.level !== 'error' &&
      e.level !== 'fatal' &&
      e.level !== 'panic' &&
      e.level !== 'unparsed'
    ) {
      return false;
    }
    const text = JSON.stringify(e);
    const unreachable =
      /connection refused|127\.0\.0\.1:1\b/.test(text) &&
      ['nomad', 'consulcatalog'].includes(String(e.providerName));
    return !unreachable;
  });
}

/** The static configuration Traefik logged at DEBUG level, as JSON. */
function loadedStaticConfiguration(traefik: TraefikProcess): Record<string, any> {
  const entry = traefik.entries.find((e) => e.message === 'Static configuration loaded [json]');
  expect(entry).toBeDefined();
  return entry!.staticConfiguration as Record<string, any>;
}

describe('Tailscale-variant-like configuration, with values Terraform supplies', () => {
  test('Terraform renders it, it reads back exactly, and Traefik runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traefik-tailscale-'));
    const [web, websecure, internal] = await freeLoopbackPorts(3);

    // GIVEN the default rule, the trusted proxies and a hostile string from Terraform variables
    const stack = new TerraformStack(Testing.app() as App, 'traefik');
    const defaultRule = new TerraformVariable(stack, 'default_rule', {
      type: 'string',
      default: DEFAULT_RULE,
    });
    const trusted = new TerraformVariable(stack, 'trusted_ips', {
      type: 'list(string)',
      default: ['100.64.0.0/10', 'fd7a:115c:a1e0::/48'],
    });
    const hostile = [
      '{{ env "HOME" }}',
      '}}{{',
      '"quoted" \\backslash\\ \n newline \t tab',
      'é ✓ 😀 \u2028 \u2029 \u0085',
      '<>&',
      '${NOMAD_PORT_http} %{ if x }',
      '\\u007b',
    ];
    const hostileVars = hostile.map(
      (value, i) =>
        new TerraformVariable(stack, `hostile_${i}`, { type: 'string', default: value }),
    );
    const config = new TraefikStaticConfig({
      log: { level: TraefikLogLevel.DEBUG, format: TraefikLogFormat.JSON },
      ping: { entryPoint: 'internal' },
      entryPoints: [
        {
          name: 'web',
          address: `127.0.0.1:${web}`,
          http: { redirections: { entryPoint: { to: 'websecure', scheme: RedirectScheme.HTTPS } } },
        },
        {
          name: 'websecure',
          address: `127.0.0.1:${websecure}`,
          http: { tls: { certResolver: 'tailscale' } },
          forwardedHeaders: { trustedIPs: trusted.listValue },
        },
        { name: 'internal', address: `127.0.0.1:${internal}` },
      ],
      providers: {
        nomad: {
          endpoint: { address: `http://${CLOSED}` },
          defaultRule: defaultRule.stringValue,
          refreshInterval: '30s',
        },
      },
      certificatesResolvers: [{ name: 'tailscale', tailscale: true }],
    });
    new TerraformOutput(stack, 'static', {
      value: Lazy.stringValue({ produce: () => terraformString(config.render()) }),
    });
    new TerraformOutput(stack, 'hostile', {
      value: Lazy.stringValue({
        produce: () =>
          terraformString(
            renderTemplateSafeYaml('Hostile', { values: hostileVars.map((v) => v.stringValue) }),
          ),
      }),
    });

    // WHEN Terraform evaluates the outputs (no provider involved)
    writeFiles(dir, { 'cdk.tf.json': Testing.synth(stack) });
    for (const args of [
      ['init', '-input=false'],
      ['plan', '-input=false', '-out=plan'],
    ]) {
      const run = terraform(dir, args);
      expect({ args, status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({
        args,
        status: 0,
        output: '',
      });
    }
    const show = terraform(dir, ['show', '-json', 'plan']);
    const outputs = JSON.parse(show.output.trim().split('\n')[0]).planned_values.outputs;
    const staticYaml: string = outputs.static.value;
    const hostileYaml: string = outputs.hostile.value;

    // THEN neither text holds a template delimiter, and both read back to the values
    expect(staticYaml).not.toMatch(/\{\{|\}\}/);
    expect(hostileYaml).not.toMatch(/\{\{|\}\}/);
    expect(parse(hostileYaml)).toEqual({ values: hostile.map((h) => h.normalize('NFC')) });
    const expected = config.toObject();
    expected.providers.nomad.defaultRule = DEFAULT_RULE;
    expected.entryPoints.websecure.forwardedHeaders.trustedIPs = [
      '100.64.0.0/10',
      'fd7a:115c:a1e0::/48',
    ];
    expect(parse(staticYaml)).toEqual(expected);

    // WHEN Traefik starts on the Terraform-rendered file
    const traefik = start(join(dir, 'run'), { 'traefik.yml': staticYaml });

    // THEN /ping answers on the internal entry point
    await ping(traefik, internal);
    // AND an unknown host on the public TLS entry point gets 404
    const unknown = await request(`https://127.0.0.1:${websecure}/`, { host: 'nobody.example' });
    expect(unknown.status).toBe(404);
    // AND plain HTTP is redirected to the TLS entry point
    const redirect = await request(`http://127.0.0.1:${web}/x`, { host: 'nobody.example' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://nobody.example:${websecure}/x`);
    // AND Traefik loaded the default rule with its template intact, and the trusted proxies
    const loaded = loadedStaticConfiguration(traefik);
    expect(loaded.providers.nomad.defaultRule).toBe(DEFAULT_RULE);
    expect(loaded.providers.nomad.exposedByDefault).toBeUndefined(); // false: omitted from JSON
    expect(loaded.entryPoints.websecure.forwardedHeaders.trustedIPs).toEqual([
      '100.64.0.0/10',
      'fd7a:115c:a1e0::/48',
    ]);
    expect(loaded.certificatesResolvers.tailscale).toEqual({ tailscale: {} });
    expect(loaded.global).toEqual({}); // both false, omitted from Traefik's JSON
    expect(traefik.log).toContain('Version check is disabled.');
    expect(traefik.log).toContain('Stats collection is disabled.');
    // AND the only errors are the Nomad provider failing to reach the closed port
    expect(configurationErrors(traefik)).toEqual([]);
    expect(traefik.log).toMatch(/"providerName":"nomad".*connection refused/);
    expect(traefik.log).not.toMatch(/field not found/);
  });
});

describe('Consul-Connect-variant-like configuration with the file provider', () => {
  let dir: string;
  let traefik: TraefikProcess;
  let websecure: number;
  let internal: number;
  const auth = 'admin:s3cret';

  beforeAll(async () => {
    requireTool('openssl', 'Install OpenSSL to make the test certificate.');
    dir = mkdtempSync(join(tmpdir(), 'traefik-connect-'));
    let closedBackend: number;
    [websecure, internal, closedBackend] = await freeLoopbackPorts(3);
    // A CA certificate that doubles as the default certificate and as the backends' root CA.
    selfSignedCertificate(
      { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca-key.pem') },
      'test-ca',
      ['backend.internal'],
    );
    // htpasswd -s format: {SHA} + base64(sha1(password)), braces included.
    const sha = execFileSync('openssl', ['dgst', '-sha1', '-binary'], { input: 's3cret' }).toString(
      'base64',
    );

    const staticConfig = new TraefikStaticConfig({
      log: { level: TraefikLogLevel.DEBUG, format: TraefikLogFormat.JSON },
      api: { dashboard: true },
      ping: { entryPoint: 'internal' },
      entryPoints: [
        { name: 'websecure', address: `127.0.0.1:${websecure}`, http: { tls: {} } },
        { name: 'internal', address: `127.0.0.1:${internal}` },
      ],
      providers: {
        consulCatalog: {
          connectAware: true,
          connectByDefault: false,
          serviceName: 'ingress',
          defaultRule: 'Host(`{{ normalize .Name }}.mesh.example`)',
          endpoint: { address: CLOSED, scheme: ConsulEndpointScheme.HTTP, datacenter: 'dc1' },
          refreshInterval: '30s',
        },
        file: { filename: join(dir, 'dynamic.yml'), watch: false },
      },
    });
    const dynamic = new TraefikDynamicConfig({
      httpServersTransports: [
        { name: 'private-ca', serverName: 'backend.internal', rootCAs: [join(dir, 'ca.pem')] },
      ],
      tcpServersTransports: [
        { name: 'vm-tls', dialTimeout: '5s', tls: { rootCAs: [join(dir, 'ca.pem')] } },
      ],
      defaultCertificate: { certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca-key.pem') },
      tlsOptions: [{ name: 'default', minVersion: TlsVersion.TLS12, sniStrict: false }],
    });
    dynamic.addIpAllowListMiddleware({ name: 'loopback-only', sourceRange: ['127.0.0.1/32'] });
    dynamic.addBasicAuthMiddleware({
      name: 'admin-auth',
      users: [`admin:{SHA}${sha}`],
      realm: 'Traefik {{ admin }}',
    });
    dynamic.addDashboardRouter({
      entryPoints: ['internal'],
      middlewares: ['loopback-only', 'admin-auth'],
    });
    dynamic.addHttpService({
      name: 'backend',
      servers: [{ url: `https://127.0.0.1:${closedBackend}` }],
      serversTransport: 'private-ca',
    });
    dynamic.addHttpRouter({
      name: 'backend',
      rule: TraefikRule.host('backend.example.com'),
      entryPoints: ['websecure'],
      service: 'backend',
      tls: {},
    });
    const dynamicYaml = dynamic.render();
    expect(dynamicYaml).not.toMatch(/\{\{|\}\}/);
    traefik = start(dir, { 'traefik.yml': staticConfig.render(), 'dynamic.yml': dynamicYaml });
    await ping(traefik, internal);
  });

  test('an unknown host on the public entry point gets 404', async () => {
    const answer = await request(`https://127.0.0.1:${websecure}/`, { host: 'nobody.example' });
    expect(answer.status).toBe(404);
  });

  test('the dashboard is served on the internal entry point only, behind its middlewares', async () => {
    // WHEN the API is asked on the internal entry point, without and with credentials
    const anonymous = await request(`http://127.0.0.1:${internal}/api/overview`);
    const admin = await request(`http://127.0.0.1:${internal}/api/overview`, { auth });
    // AND on the public entry point, with credentials
    const outside = await request(`https://127.0.0.1:${websecure}/api/overview`, {
      host: 'nobody.example',
      auth,
    });
    // THEN basic auth (its {SHA} hash passed through the braces escaping) guards it, and the
    // public entry point has no such route
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="Traefik {{ admin }}"');
    expect(admin.status).toBe(200);
    expect(JSON.parse(admin.body).providers).toEqual(
      expect.arrayContaining(['ConsulCatalog', 'File']),
    );
    expect(outside.status).toBe(404);

    // AND Traefik reports the dashboard router on the internal entry point only
    const routers = JSON.parse(
      (await request(`http://127.0.0.1:${internal}/api/http/routers`, { auth })).body,
    ) as Array<Record<string, any>>;
    const dashboard = routers.find((r) => r.name === 'dashboard@file');
    expect(dashboard).toMatchObject({
      entryPoints: ['internal'],
      service: 'api@internal',
      middlewares: ['loopback-only@file', 'admin-auth@file'],
      status: 'enabled',
    });
    expect(routers.find((r) => r.name === 'backend@file')).toMatchObject({ status: 'enabled' });
  });

  test('the backend router uses the named servers transport', async () => {
    // WHEN the backend route is requested (nothing listens on the backend's port)
    const answer = await request(`https://127.0.0.1:${websecure}/`, {
      host: 'backend.example.com',
    });
    // THEN Traefik found the transport and tried to connect: 502, not a missing-transport error
    expect(answer.status).toBe(502);
    const services = JSON.parse(
      (await request(`http://127.0.0.1:${internal}/api/http/services`, { auth })).body,
    ) as Array<Record<string, any>>;
    expect(services.find((s) => s.name === 'backend@file')).toMatchObject({
      loadBalancer: { serversTransport: 'private-ca@file' },
      status: 'enabled',
    });
  });

  test('Traefik loaded the Consul Catalog settings, with the default rule intact', () => {
    const loaded = loadedStaticConfiguration(traefik);
    expect(loaded.providers.consulCatalog).toMatchObject({
      connectAware: true,
      serviceName: 'ingress',
      defaultRule: 'Host(`{{ normalize .Name }}.mesh.example`)',
      endpoint: { address: CLOSED, scheme: 'http', datacenter: 'dc1' },
    });
    expect(loaded.providers.consulCatalog.exposedByDefault).toBeUndefined(); // false
    expect(loaded.api).toMatchObject({ dashboard: true });
    expect(loaded.api.insecure).toBeUndefined();
  });

  test('the log shows no configuration error', () => {
    expect(configurationErrors(traefik)).toEqual([]);
    expect(traefik.log).not.toMatch(/field not found|error while building|not found/i);
    expect(traefik.exitCode).toBeUndefined();
  });
});

describe('Traefik refuses what it does not know (so the checks above can fail)', () => {
  /** A small valid configuration on a port of its own. */
  async function base(): Promise<{ config: TraefikStaticConfig; port: number }> {
    const [port] = await freeLoopbackPorts(1);
    return {
      port,
      config: new TraefikStaticConfig({
        log: { format: TraefikLogFormat.JSON },
        ping: { entryPoint: 'internal' },
        entryPoints: [{ name: 'internal', address: `127.0.0.1:${port}` }],
        providers: { nomad: { endpoint: { address: `http://${CLOSED}` } } },
      }),
    };
  }

  test('a static configuration with a misspelled key does not start', async () => {
    // GIVEN a rendered configuration with one key misspelled
    const { config } = await base();
    const yaml = config.render();
    expect(yaml).toContain('exposedByDefault: false');
    const misspelled = yaml.replace('exposedByDefault:', 'exposedByDefualt:');

    // WHEN Traefik is started on it
    const traefik = start(mkdtempSync(join(tmpdir(), 'traefik-bad-')), {
      'traefik.yml': misspelled,
    });
    const code = await waitFor('Traefik to exit', 20_000, () => traefik.exitCode ?? undefined);

    // THEN it refuses to start and names the key
    expect(code).not.toBe(0);
    expect(traefik.log).toContain('field not found, node: exposedByDefualt');
  });

  test('a dynamic configuration with a misspelled key is reported as an error', async () => {
    // GIVEN a valid static configuration and a dynamic one with a misspelled key
    const dir = mkdtempSync(join(tmpdir(), 'traefik-bad-dynamic-'));
    const [port] = await freeLoopbackPorts(1);
    const config = new TraefikStaticConfig({
      log: { format: TraefikLogFormat.JSON },
      ping: { entryPoint: 'internal' },
      entryPoints: [{ name: 'internal', address: `127.0.0.1:${port}` }],
      providers: { file: { filename: join(dir, 'dynamic.yml'), watch: false } },
    });
    const dynamic = new TraefikDynamicConfig({
      httpServersTransports: [{ name: 'ca', serverName: 'backend.internal' }],
    });
    // (a different case would not do: Traefik matches keys case-insensitively)
    const yaml = dynamic.render().replace('serverName:', 'serverNmae:');

    // WHEN Traefik runs it
    const traefik = start(dir, { 'traefik.yml': config.render(), 'dynamic.yml': yaml });
    await ping(traefik, port);
    await waitFor('the file provider error', 10_000, () =>
      configurationErrors(traefik).length > 0 ? true : undefined,
    );

    // THEN the error check above would have caught it
    expect(JSON.stringify(configurationErrors(traefik))).toContain(
      'field not found, node: serverNmae',
    );
  });
});

describe('every modelled static option is a key Traefik v3.7 knows', () => {
  test('a configuration using them all starts', async () => {
    // GIVEN the model's options, all set, pointing at loopback and missing files
    const dir = mkdtempSync(join(tmpdir(), 'traefik-all-'));
    const [web, websecure, internal] = await freeLoopbackPorts(3);
    const config = new TraefikStaticConfig({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: { level: TraefikLogLevel.INFO, format: TraefikLogFormat.JSON, noColor: true },
      accessLog: {
        filePath: join(dir, 'access.log'),
        format: TraefikLogFormat.COMMON,
        bufferingSize: 10,
        filters: { statusCodes: ['400-599'], retryAttempts: true, minDuration: '10ms' },
        addInternals: false,
      },
      api: { dashboard: true, debug: false, basePath: '/traefik', disableDashboardAd: true },
      ping: { entryPoint: 'internal', manualRouting: false, terminatingStatusCode: 503 },
      entryPoints: [
        {
          name: 'web',
          address: `127.0.0.1:${web}/tcp`,
          asDefault: false,
          http: {
            redirections: {
              entryPoint: {
                to: 'websecure',
                scheme: RedirectScheme.HTTPS,
                permanent: true,
                priority: 10,
              },
            },
          },
          forwardedHeaders: { trustedIPs: ['10.0.0.0/8'] },
          proxyProtocol: { trustedIPs: ['10.0.0.1'] },
        },
        {
          name: 'websecure',
          address: `127.0.0.1:${websecure}`,
          asDefault: true,
          http: {
            tls: {
              certResolver: 'le',
              options: 'default',
              domains: [{ main: 'example.com', sans: ['*.example.com'] }],
            },
            middlewares: ['headers@file'],
          },
        },
        { name: 'internal', address: `127.0.0.1:${internal}` },
      ],
      providers: {
        providersThrottleDuration: '2s',
        nomad: {
          endpoint: {
            address: `https://${CLOSED}`,
            region: 'global',
            endpointWaitTime: '5s',
            tls: { ca: join(dir, 'ca.pem'), cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') },
          },
          exposedByDefault: false,
          defaultRule: DEFAULT_RULE,
          namespaces: ['default', 'apps'],
          prefix: 'traefik',
          constraints: 'Tag(`public`)',
          refreshInterval: '30s',
          watch: false,
          throttleDuration: '1s',
          stale: true,
          allowEmptyServices: true,
        },
        consulCatalog: {
          endpoint: {
            address: CLOSED,
            scheme: ConsulEndpointScheme.HTTPS,
            datacenter: 'dc1',
            endpointWaitTime: '5s',
            tls: { ca: join(dir, 'ca.pem') },
          },
          connectAware: true,
          connectByDefault: true,
          serviceName: 'ingress',
          defaultRule: DEFAULT_RULE,
          prefix: 'traefik',
          constraints: 'Tag(`public`)',
          strictChecks: [ConsulHealthStatus.PASSING, ConsulHealthStatus.WARNING],
          watch: false,
          refreshInterval: '30s',
          stale: false,
          requireConsistent: true,
          cache: true,
        },
        file: { directory: join(dir, 'dynamic'), watch: false },
      },
      certificatesResolvers: [
        {
          name: 'le',
          acme: {
            email: 'ops@example.com',
            storage: join(dir, 'acme.json'),
            caServer: `https://${CLOSED}/directory`,
            keyType: AcmeKeyType.EC256,
            httpChallenge: { entryPoint: 'web' },
          },
        },
        {
          name: 'le-tls',
          acme: {
            email: 'ops@example.com',
            storage: join(dir, 'acme-tls.json'),
            caServer: `https://${CLOSED}/directory`,
            tlsChallenge: true,
          },
        },
        { name: 'tailscale', tailscale: true },
      ],
      serversTransport: { rootCAs: [join(dir, 'ca.pem')], maxIdleConnsPerHost: 50 },
      tcpServersTransport: {
        dialTimeout: '10s',
        dialKeepAlive: '20s',
        tls: { rootCAs: [join(dir, 'ca.pem')] },
      },
    });
    writeFiles(join(dir, 'dynamic'), { 'empty.yml': new TraefikDynamicConfig().render() });

    // WHEN Traefik starts on it
    const traefik = start(dir, { 'traefik.yml': config.render() });

    // THEN it runs (ping through the base path-independent ping router) and parsed every key
    await ping(traefik, internal);
    expect(traefik.log).not.toMatch(/field not found|Command error/);
    expect(traefik.exitCode).toBeUndefined();
  });
});

test('the rendered files are what Traefik read (sanity of the harness)', () => {
  // The harness must not pass anything but --configFile: check the spawned arguments.
  expect(started.length).toBeGreaterThanOrEqual(5);
  for (const t of started) {
    expect(t.process.spawnargs.slice(1)).toEqual([
      expect.stringMatching(/^--configFile=.*traefik\.yml$/),
    ]);
    expect(readFileSync(t.process.spawnargs[1].slice('--configFile='.length), 'utf8')).not.toMatch(
      /\{\{|\}\}/,
    );
  }
});
