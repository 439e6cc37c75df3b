import { readFileSync } from 'fs';
import { join } from 'path';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { parse } from 'yaml';
import {
  ConsulEndpointScheme,
  RedirectScheme,
  TraefikDynamicConfig,
  TraefikLogLevel,
  TraefikStaticConfig,
  TraefikStaticConfigProps,
} from '../../lib';
import { parseJob } from '../helpers';
import { parseSimpleToml } from './simple-toml';

type Obj = Record<string, unknown>;

function deepMerge(target: Obj, source: Obj): Obj {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && t && typeof t === 'object') {
      deepMerge(t as Obj, v as Obj);
    } else {
      target[k] = v;
    }
  }
  return target;
}

/** Traefik's option names, to spell command-line flags (case-insensitive) as in YAML. */
const OPTION_NAMES = ['entryPoints', 'certificatesResolvers', 'providers', 'nomad', 'endpoint'];
/** Flags that switch a section on (`--providers.nomad=true`) rather than set a value. */
const SECTIONS = new Set(['nomad', 'tailscale']);

/** Traefik command-line flags as the configuration object they stand for. */
function flagsToObject(flags: string[]): Obj {
  const out: Obj = {};
  for (const flag of flags) {
    const [path, raw] = flag.replace(/^--/, '').split(/=(.*)/s);
    const keys = path
      .split('.')
      .map((k) => OPTION_NAMES.find((n) => n.toLowerCase() === k.toLowerCase()) ?? k);
    const last = keys[keys.length - 1];
    const value = SECTIONS.has(last) && raw === 'true' ? {} : raw === 'true' ? true : raw;
    const nested = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Obj;
    deepMerge(out, nested);
  }
  return out;
}

/** The seed 000 Traefik job's args, with Nomad's port variables replaced by the static ports. */
async function seed000Flags(): Promise<string[]> {
  const job = await parseJob(
    readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'traefik-tailscale.nomad.hcl'), 'utf8'),
  );
  const group = job.body.group.traefik[0];
  const ports: Record<string, Array<{ static: number }>> = group.network[0].port;
  const args: string[] = group.task.server[0].config[0].args;
  return args.map((a) =>
    a.replace(/\$\{NOMAD_PORT_(\w+)\}/g, (_m, label: string) => String(ports[label][0].static)),
  );
}

function roundTrip(config: TraefikStaticConfig): void {
  const yaml = config.render();
  expect(yaml).not.toMatch(/\{\{|\}\}/);
  expect(parse(yaml)).toEqual(config.toObject());
}

describe('secure defaults', () => {
  test('only what is set is written, plus the secure choices made explicit', () => {
    // GIVEN a minimal configuration with the Nomad and Consul Catalog providers
    const config = new TraefikStaticConfig({
      entryPoints: [{ name: 'websecure', address: ':443' }],
      providers: { nomad: {}, consulCatalog: { connectAware: true } },
    });
    // THEN no version check, no usage statistics, nothing exposed by default, no API
    expect(config.toObject()).toEqual({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      entryPoints: { websecure: { address: ':443' } },
      providers: {
        nomad: { exposedByDefault: false },
        consulCatalog: { connectAware: true, exposedByDefault: false },
      },
    });
    expect(config.insecureChoices()).toEqual([]);
    roundTrip(config);
  });
});

describe('seed 000: Traefik on Tailscale with the Nomad provider', () => {
  const tailscaleEntryPoints = (internal: string) => [
    {
      name: 'web',
      address: ':80',
      http: { redirections: { entryPoint: { to: 'websecure', scheme: RedirectScheme.HTTPS } } },
    },
    { name: 'websecure', address: ':443', http: { tls: { certResolver: 'tailscaleresolver' } } },
    { name: internal, address: ':8080' },
  ];

  test('the seed’s flags, reproduced exactly with the insecure opt-ins', async () => {
    // GIVEN the seed's command-line flags
    const flags = flagsToObject(await seed000Flags());

    // WHEN the same configuration is built with the model, opting in to what the seed does
    const config = new TraefikStaticConfig({
      global: { checkNewVersion: true }, // Traefik's default, which the seed kept
      api: { dashboard: true, insecure: true },
      entryPoints: [
        { name: 'web', address: ':80' },
        { name: 'websecure', address: ':443' },
        { name: 'traefik', address: ':8080' },
      ],
      providers: {
        nomad: { endpoint: { address: 'http://100.99.99.99:4646' }, exposedByDefault: true },
      },
      certificatesResolvers: [{ name: 'tailscaleresolver', tailscale: true }],
    });

    // THEN the object equals the flags, plus Traefik's defaults the seed relied on, written out
    expect(config.toObject()).toEqual(
      deepMerge(flags, {
        global: { checkNewVersion: true, sendAnonymousUsage: false },
        providers: { nomad: { exposedByDefault: true } },
      }),
    );
    expect(config.insecureChoices().map((c) => c.split(':')[0])).toEqual([
      'global.checkNewVersion',
      'api.insecure',
      'providers.nomad.exposedByDefault',
    ]);
    roundTrip(config);
  });

  test('the secure form: dashboard through a router on the internal entry point, redirect to HTTPS', () => {
    // GIVEN the seed's setup with the library's defaults
    const config = new TraefikStaticConfig({
      api: { dashboard: true },
      ping: { entryPoint: 'internal' },
      entryPoints: tailscaleEntryPoints('internal'),
      providers: {
        nomad: { endpoint: { address: 'http://100.99.99.99:4646' } },
        file: { filename: '/local/traefik/dynamic.yml' },
      },
      certificatesResolvers: [{ name: 'tailscaleresolver', tailscale: true }],
    });
    const dynamic = new TraefikDynamicConfig();
    dynamic.addIpAllowListMiddleware({ name: 'tailnet-only', sourceRange: ['100.64.0.0/10'] });
    dynamic.addDashboardRouter({ entryPoints: ['internal'], middlewares: ['tailnet-only'] });

    // THEN
    const obj = config.toObject();
    expect(obj.api).toEqual({ dashboard: true });
    expect(obj.providers.nomad).toEqual({
      endpoint: { address: 'http://100.99.99.99:4646' },
      exposedByDefault: false,
    });
    expect(obj.certificatesResolvers).toEqual({ tailscaleresolver: { tailscale: {} } });
    expect(obj.entryPoints.web.http.redirections.entryPoint).toEqual({
      to: 'websecure',
      scheme: 'https',
    });
    expect(config.insecureChoices()).toEqual([]);
    expect(dynamic.toObject().http.routers.dashboard).toEqual({
      rule: 'PathPrefix(`/api`) || PathPrefix(`/dashboard`)',
      entryPoints: ['internal'],
      middlewares: ['tailnet-only'],
      service: 'api@internal',
    });
    roundTrip(config);
    expect(config.render()).toMatchSnapshot();
  });
});

describe('seed 001: Traefik with the Consul Catalog provider and Connect', () => {
  const toml = parseSimpleToml(
    readFileSync(join(__dirname, 'fixtures', 'seed-001-traefik.toml'), 'utf8'),
  );
  const consulAddress = '10.0.0.5:8500'; // the seed's <NOMAD_CLIENT_IP:NOMAD_CLIENT_PORT>

  function consulCatalog(): NonNullable<TraefikStaticConfigProps['providers']>['consulCatalog'] {
    return {
      prefix: 'traefik',
      serviceName: 'traefik',
      connectAware: true,
      connectByDefault: false,
      exposedByDefault: false,
      endpoint: {
        address: consulAddress,
        datacenter: 'cluster1',
        scheme: ConsulEndpointScheme.HTTP,
      },
    };
  }

  test('the seed’s traefik.toml, reproduced with the insecure opt-ins in their v3 form', () => {
    // GIVEN the seed's TOML, in v3 terms: TLS certificates are dynamic configuration (they move
    // to the file provider's document), and tcpServersTransport's TLS options sit under "tls"
    const { tls, tcpServersTransport, ...staticPart } = toml as Obj;
    const expected = deepMerge(staticPart, {
      tcpServersTransport: { tls: tcpServersTransport },
    }) as Obj & { providers: { consulCatalog: { endpoint: Obj } } };
    expected.providers.consulCatalog.endpoint.address = consulAddress;

    // WHEN the configuration is built with the model
    const config = new TraefikStaticConfig({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: { level: TraefikLogLevel.DEBUG },
      entryPoints: [
        { name: 'http', address: ':8080' },
        { name: 'https', address: ':8443' },
        { name: 'traefik', address: ':8081' },
      ],
      api: { dashboard: true, insecure: true, debug: true },
      providers: {
        consulCatalog: consulCatalog(),
        file: { directory: '/etc/traefik', watch: true },
      },
      serversTransport: { insecureSkipVerify: true },
      tcpServersTransport: { tls: { insecureSkipVerify: true } },
    });
    const dynamic = new TraefikDynamicConfig({
      certificates: [
        { certFile: '/etc/traefik/ssl/proxy01.cert', keyFile: '/etc/traefik/ssl/proxy01.key' },
      ],
      defaultCertificate: {
        certFile: '/etc/traefik/ssl/proxy01.cert',
        keyFile: '/etc/traefik/ssl/proxy01.key',
      },
    });

    // THEN the static part equals the seed's, and the certificates are in the dynamic document
    expect(config.toObject()).toEqual(expected);
    expect(dynamic.toObject()).toEqual({ tls });
    expect(config.insecureChoices().map((c) => c.split(':')[0])).toEqual([
      'api.insecure',
      'api.debug',
      'log.level DEBUG',
      'serversTransport.insecureSkipVerify',
      'tcpServersTransport.tls.insecureSkipVerify',
    ]);
    roundTrip(config);
    expect(parse(dynamic.render())).toEqual(dynamic.toObject());
  });

  test('the secure form: no API shortcut, verified backends, an internal entry point for ping', () => {
    // GIVEN the seed's setup with the library's defaults
    const config = new TraefikStaticConfig({
      entryPoints: [
        { name: 'https', address: ':8443', http: { tls: {} } },
        { name: 'internal', address: '127.0.0.1:8081' },
      ],
      api: { dashboard: true },
      ping: { entryPoint: 'internal' },
      providers: {
        consulCatalog: consulCatalog(),
        file: { filename: '/local/dynamic/traefik.yml' },
      },
    });

    // THEN nothing insecure is left and the parts the seed relies on are there
    const obj = config.toObject();
    expect(config.insecureChoices()).toEqual([]);
    expect(obj.providers.consulCatalog).toEqual({
      ...toml.providers.consulCatalog,
      endpoint: { ...toml.providers.consulCatalog.endpoint, address: consulAddress },
    });
    expect(obj.entryPoints.https).toEqual({ address: ':8443', http: { tls: {} } });
    expect(obj.serversTransport).toBeUndefined();
    roundTrip(config);
    expect(config.render()).toMatchSnapshot();
  });
});

describe('every modelled option reaches the object under Traefik’s key', () => {
  test('a configuration using them all', () => {
    const config = new TraefikStaticConfig({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: {
        level: TraefikLogLevel.INFO,
        format: 'json' as never,
        filePath: '/alloc/logs/traefik.log',
        noColor: true,
      },
      accessLog: {
        filePath: '/alloc/logs/access.log',
        bufferingSize: 100,
        filters: { statusCodes: ['400-599'], retryAttempts: true, minDuration: '10ms' },
        addInternals: false,
      },
      api: { dashboard: true, basePath: '/traefik', disableDashboardAd: true },
      ping: { entryPoint: 'internal', manualRouting: false, terminatingStatusCode: 503 },
      entryPoints: [
        {
          name: 'web',
          address: '0.0.0.0:80/tcp',
          asDefault: false,
          http: { redirections: { entryPoint: { to: ':443', permanent: true, priority: 10 } } },
          forwardedHeaders: { trustedIPs: ['10.0.0.0/8'] },
          proxyProtocol: { trustedIPs: ['10.0.0.1'] },
        },
        {
          name: 'websecure',
          address: '[::1]:443',
          asDefault: true,
          http: {
            tls: {
              certResolver: 'le',
              options: 'modern@file',
              domains: [{ main: 'example.com', sans: ['*.example.com'] }],
            },
            middlewares: ['headers@file'],
          },
        },
        { name: 'internal', address: '127.0.0.1:8081' },
      ],
      providers: {
        providersThrottleDuration: '2s',
        nomad: {
          endpoint: {
            address: 'https://nomad.service.consul:4646',
            region: 'global',
            endpointWaitTime: '5s',
            tls: { ca: '/secrets/ca.pem', cert: '/secrets/c.pem', key: '/secrets/k.pem' },
          },
          defaultRule: 'Host(`{{ normalize .Name }}.example.com`)',
          namespaces: ['default', 'apps'],
          prefix: 'traefik',
          constraints: 'Tag(`public`)',
          refreshInterval: '30s',
          watch: true,
          throttleDuration: '1s',
          stale: true,
          allowEmptyServices: true,
        },
        consulCatalog: {
          endpoint: {
            address: '127.0.0.1:8501',
            scheme: ConsulEndpointScheme.HTTPS,
            datacenter: 'dc1',
            endpointWaitTime: '5s',
            tls: { ca: '/secrets/consul-ca.pem' },
          },
          strictChecks: ['passing' as never],
          watch: true,
          refreshInterval: '15s',
          stale: false,
          requireConsistent: true,
          cache: true,
          namespaces: ['team-a'],
        },
        file: { directory: '/local/dynamic', watch: false },
      },
      certificatesResolvers: [
        {
          name: 'le',
          acme: {
            email: 'ops@example.com',
            storage: '/data/acme.json',
            caServer: 'https://acme-staging-v02.api.letsencrypt.org/directory',
            keyType: 'EC256' as never,
            httpChallenge: { entryPoint: 'web' },
          },
        },
        { name: 'le-tls', acme: { email: 'ops@example.com', tlsChallenge: true } },
      ],
      serversTransport: { rootCAs: ['/secrets/backend-ca.pem'], maxIdleConnsPerHost: 50 },
      tcpServersTransport: {
        dialTimeout: '10s',
        dialKeepAlive: '20s',
        tls: { rootCAs: ['/secrets/backend-ca.pem'] },
      },
    });
    const obj = config.toObject();
    expect(obj.entryPoints.websecure.http.tls.domains).toEqual([
      { main: 'example.com', sans: ['*.example.com'] },
    ]);
    expect(obj.providers.nomad.endpoint.tls).toEqual({
      ca: '/secrets/ca.pem',
      cert: '/secrets/c.pem',
      key: '/secrets/k.pem',
    });
    expect(obj.certificatesResolvers).toEqual({
      le: {
        acme: {
          email: 'ops@example.com',
          storage: '/data/acme.json',
          caServer: 'https://acme-staging-v02.api.letsencrypt.org/directory',
          keyType: 'EC256',
          httpChallenge: { entryPoint: 'web' },
        },
      },
      'le-tls': { acme: { email: 'ops@example.com', storage: 'acme.json', tlsChallenge: {} } },
    });
    expect(config.insecureChoices()).toEqual([]);
    roundTrip(config);
    expect(config.render()).toMatchSnapshot();
  });

  test('keys a JavaScript caller adds are not written, Nomad’s v2 "namespace" is refused', () => {
    const loose = { level: TraefikLogLevel.INFO, colour: 'red' } as never;
    const config = new TraefikStaticConfig({
      log: loose,
      entryPoints: [{ name: 'web', address: ':80' }],
    });
    expect(config.toObject().log).toEqual({ level: 'INFO' });
    expect(
      () => new TraefikStaticConfig({ providers: { nomad: { namespace: 'apps' } as never } }),
    ).toThrow(
      /providers.nomad: invalid namespace "apps". Traefik v3 removed the v2 option "namespace"/,
    );
  });
});

describe('insecure choices are listed with why', () => {
  test('every one', () => {
    const config = new TraefikStaticConfig({
      global: { checkNewVersion: true, sendAnonymousUsage: true },
      log: { level: TraefikLogLevel.TRACE },
      api: { insecure: true, debug: true },
      entryPoints: [
        {
          name: 'traefik',
          address: '127.0.0.1:8080',
          forwardedHeaders: { insecure: true },
          proxyProtocol: { insecure: true },
        },
      ],
      providers: {
        nomad: {
          exposedByDefault: true,
          endpoint: { token: 'secret', tls: { insecureSkipVerify: true } },
        },
        consulCatalog: {
          exposedByDefault: true,
          endpoint: { token: 'secret', tls: { insecureSkipVerify: true } },
        },
      },
      serversTransport: { insecureSkipVerify: true },
      tcpServersTransport: { tls: { insecureSkipVerify: true } },
    });
    const choices = config.insecureChoices();
    expect(choices.map((c) => c.split(':')[0])).toEqual([
      'global.checkNewVersion',
      'global.sendAnonymousUsage',
      'api.insecure',
      'api.debug',
      'log.level TRACE',
      'providers.nomad.exposedByDefault',
      'providers.consulCatalog.exposedByDefault',
      'providers.nomad.endpoint.tls.insecureSkipVerify',
      'providers.nomad.endpoint.token',
      'providers.consulCatalog.endpoint.tls.insecureSkipVerify',
      'providers.consulCatalog.endpoint.token',
      'serversTransport.insecureSkipVerify',
      'tcpServersTransport.tls.insecureSkipVerify',
      'entryPoints.traefik.forwardedHeaders.insecure',
      'entryPoints.traefik.proxyProtocol.insecure',
    ]);
    for (const c of choices) expect(c.length).toBeGreaterThan(60);
    expect(choices.join('\n')).not.toContain('secret');
  });
});

describe('references to Terraform values', () => {
  test('a reference stays live, whole or embedded in literal text', () => {
    // GIVEN the Nomad address from a Terraform variable, whole and inside text
    const stack = new TerraformStack(Testing.app(), 'static');
    const address = new TerraformVariable(stack, 'nomad_address', { type: 'string' }).stringValue;
    const config = new TraefikStaticConfig({
      entryPoints: [{ name: 'web', address: ':80' }],
      providers: { nomad: { endpoint: { address, region: `eu-${address}` } } },
    });
    // WHEN it lands in a Terraform attribute
    new TerraformOutput(stack, 'yaml', { value: config.render() });
    const yaml: string = JSON.parse(Testing.synth(stack)).output.yaml.value;
    // THEN the whole value is a Terraform expression over the variable
    expect(yaml).toContain('address: ${replace(replace(replace(jsonencode(var.nomad_address)');
    // AND the embedded one sits inside one quoted scalar, its value escaped without its quotes
    expect(yaml).toContain(
      'region: "eu-${trimsuffix(trimprefix(replace(replace(replace(jsonencode(var.nomad_address)',
    );
  });
});

describe('refused', () => {
  const web = { name: 'web', address: ':80' };
  test.each<[string, () => unknown, RegExp]>([
    [
      'no entry point',
      () => new TraefikStaticConfig({}).toObject(),
      /invalid entryPoints \[\]. Add at least one entry point: without one Traefik listens on ":80"/,
    ],
    [
      'two entry points with one name',
      () => new TraefikStaticConfig({ entryPoints: [web, web] }),
      /invalid entry point name "web". Each entry point name must be unique/,
    ],
    [
      'api.insecure without a "traefik" entry point',
      () => new TraefikStaticConfig({ api: { insecure: true }, entryPoints: [web] }).toObject(),
      /api.insecure serves the API on the entry point named "traefik"/,
    ],
    [
      'ping on an undeclared entry point',
      () =>
        new TraefikStaticConfig({ ping: { entryPoint: 'traefik' }, entryPoints: [web] }).toObject(),
      /invalid ping.entryPoint "traefik". Name one of the entry points \(web\)/,
    ],
    [
      'a redirect to an undeclared entry point',
      () =>
        new TraefikStaticConfig({
          entryPoints: [{ ...web, http: { redirections: { entryPoint: { to: 'websecure' } } } }],
        }).toObject(),
      /entryPoints.web: invalid http.redirections.entryPoint.to "websecure"/,
    ],
    [
      'a redirect to itself',
      () =>
        new TraefikStaticConfig({
          entryPoints: [{ ...web, http: { redirections: { entryPoint: { to: 'web' } } } }],
        }).toObject(),
      /cannot redirect to itself/,
    ],
    [
      'an undeclared certificate resolver',
      () =>
        new TraefikStaticConfig({
          entryPoints: [{ ...web, http: { tls: { certResolver: 'le' } } }],
        }).toObject(),
      /invalid http.tls.certResolver "le". Name one of the certificate resolvers/,
    ],
    [
      'an address without port',
      () => new TraefikStaticConfig({ entryPoints: [{ name: 'web', address: '0.0.0.0' }] }),
      /entryPoints.web: invalid address "0.0.0.0". Give "\[host\]:port\[\/tcp\|\/udp\]"/,
    ],
    [
      'a Nomad port variable in the address',
      () =>
        new TraefikStaticConfig({ entryPoints: [{ name: 'web', address: ':${NOMAD_PORT_http}' }] }),
      /Nomad does not interpolate/,
    ],
    [
      'port 70000',
      () => new TraefikStaticConfig({ entryPoints: [{ name: 'web', address: ':70000' }] }),
      /invalid address 70000/,
    ],
    [
      'a resolver with both kinds',
      () =>
        new TraefikStaticConfig({
          certificatesResolvers: [
            { name: 'r', tailscale: true, acme: { email: 'a@b.cd', tlsChallenge: true } },
          ],
        }),
      /certificatesResolvers.r: invalid tailscale\/acme .*Give exactly one of tailscale: true and acme/,
    ],
    [
      'a resolver with neither',
      () => new TraefikStaticConfig({ certificatesResolvers: [{ name: 'r' }] }),
      /Give exactly one of tailscale: true and acme/,
    ],
    [
      'ACME with two challenges',
      () =>
        new TraefikStaticConfig({
          certificatesResolvers: [
            {
              name: 'r',
              acme: { email: 'a@b.cd', tlsChallenge: true, httpChallenge: { entryPoint: 'web' } },
            },
          ],
        }),
      /Give exactly one of tlsChallenge: true and httpChallenge/,
    ],
    [
      'ACME HTTP challenge on an undeclared entry point',
      () =>
        new TraefikStaticConfig({
          entryPoints: [web],
          certificatesResolvers: [
            { name: 'r', acme: { email: 'a@b.cd', httpChallenge: { entryPoint: 'http' } } },
          ],
        }).toObject(),
      /invalid acme.httpChallenge.entryPoint "http"/,
    ],
    [
      'ACME without an e-mail address',
      () =>
        new TraefikStaticConfig({
          certificatesResolvers: [{ name: 'r', acme: { email: 'ops', tlsChallenge: true } }],
        }),
      /invalid acme.email "ops"/,
    ],
    [
      'file provider with both',
      () => new TraefikStaticConfig({ providers: { file: { filename: '/a', directory: '/b' } } }),
      /providers.file: invalid filename\/directory .*Give exactly one of filename and directory/,
    ],
    [
      'connectByDefault without connectAware',
      () => new TraefikStaticConfig({ providers: { consulCatalog: { connectByDefault: true } } }),
      /connectByDefault needs connectAware/,
    ],
    [
      'a Consul address with a scheme',
      () =>
        new TraefikStaticConfig({
          providers: { consulCatalog: { endpoint: { address: 'http://127.0.0.1:8500' } } },
        }),
      /invalid endpoint.address "http:\/\/127.0.0.1:8500". Give "host:port" without a scheme/,
    ],
    [
      'a Nomad address with credentials',
      () =>
        new TraefikStaticConfig({
          providers: { nomad: { endpoint: { address: 'http://u:p@nomad:4646' } } },
        }),
      /Remove the user name and password/,
    ],
    [
      'a bad refresh interval',
      () => new TraefikStaticConfig({ providers: { nomad: { refreshInterval: '15' } } }),
      /invalid refreshInterval "15". Give a Go duration/,
    ],
    [
      'a key as PEM text',
      () =>
        new TraefikStaticConfig({
          providers: { nomad: { endpoint: { tls: { key: '-----BEGIN PRIVATE KEY-----\nabc' } } } },
        }),
      /invalid endpoint.tls.key "\(PEM private key, not shown\)"/,
    ],
    [
      'an unknown log level',
      () => new TraefikStaticConfig({ log: { level: 'VERBOSE' as TraefikLogLevel } }),
      /invalid log.level "VERBOSE". Use one of: TRACE, DEBUG/,
    ],
    [
      'a trusted IP that is not one',
      () =>
        new TraefikStaticConfig({
          entryPoints: [{ ...web, forwardedHeaders: { trustedIPs: ['10.0.0.0/40'] } }],
        }),
      /invalid forwardedHeaders.trustedIPs\[0\] "10.0.0.0\/40"/,
    ],
    [
      'api.insecure with a basePath',
      () => new TraefikStaticConfig({ api: { insecure: true, basePath: '/traefik' } }),
      /api.insecure cannot be combined with a basePath/,
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
