import { readFileSync } from 'fs';
import { join } from 'path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { BackendScheme, TraefikRule, TraefikTags } from '../../lib';
import { parseJob } from '../helpers';

const tags = new TraefikTags();

/** Tags as a map from lower-cased key to value (Traefik reads tag keys case-insensitively). */
function byKey(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((t) => {
      const at = t.indexOf('=');
      return [t.slice(0, at).toLowerCase(), t.slice(at + 1)];
    }),
  );
}

test('seed 000: the HashiCups route on the Tailscale name, with the Tailscale resolver', () => {
  // GIVEN the seed's tags (seed 000, hashicups.hcl, service "nginx")
  const seed = [
    'traefik.http.routers.hashicups.rule=Host(`firefly-sub03.west-beta.ts.net`)',
    'traefik.http.routers.hashicups.tls.certResolver=tailscaleresolver',
  ];

  // WHEN the route is built with the tag builder
  const ours = [
    ...tags.enable(),
    ...tags.httpRouter('hashicups', {
      rule: TraefikRule.host('firefly-sub03.west-beta.ts.net'),
      entryPoints: ['websecure'],
      tls: { certResolver: 'tailscaleresolver' },
    }),
  ];

  // THEN every seed tag is there (keys compared as Traefik does, case-insensitively), plus the
  // explicit entry point, tls=true and traefik.enable (the secure provider exposes nothing by default)
  expect(byKey(ours)).toEqual({
    ...byKey(seed),
    'traefik.enable': 'true',
    'traefik.http.routers.hashicups.entrypoints': 'websecure',
    'traefik.http.routers.hashicups.tls': 'true',
  });
  expect(ours).toContain('traefik.http.routers.hashicups.tls.certresolver=tailscaleresolver');
});

test('seed 001: the QEMU SSH route is a TCP router with HostSNI and TLS on the https entry point', async () => {
  // GIVEN the seed's QEMU job (test/fixtures/seeds/qemu-ssh.nomad.hcl), job name simple01
  const job = await parseJob(
    readFileSync(join(__dirname, '..', 'fixtures', 'seeds', 'qemu-ssh.nomad.hcl'), 'utf8'),
  );
  const seedTags: string[] = job.body.group.qemu[0].service[0].tags.map((t: string) =>
    t.replace(/\$\{NOMAD_JOB_NAME\}/g, job.name),
  );

  // WHEN the route is built with the tag builder
  const ours = [
    ...tags.enable(),
    ...tags.consulConnect(),
    ...tags.tcpRouter('simple01', {
      rule: TraefikRule.hostSni('simple01.domain.com'),
      entryPoints: ['https'],
      tls: {},
      service: 'simple01',
    }),
  ];

  // THEN the tags are exactly the seed's (order does not matter to Traefik)
  expect([...ours].sort()).toEqual([...seedTags].sort());
  expect(seedTags).toHaveLength(6);
});

test('TLS passthrough routed by SNI (seed 002)', () => {
  // WHEN a passthrough router is built
  const ours = tags.tcpRouter('argocd', {
    rule: TraefikRule.hostSni('argocd.example.com'),
    entryPoints: ['websecure'],
    tls: { passthrough: true },
  });
  // THEN TLS is on and passed through
  expect(ours).toEqual([
    'traefik.tcp.routers.argocd.rule=HostSNI(`argocd.example.com`)',
    'traefik.tcp.routers.argocd.entrypoints=websecure',
    'traefik.tcp.routers.argocd.tls=true',
    'traefik.tcp.routers.argocd.tls.passthrough=true',
  ]);
});

test('gRPC over h2c, routed on the Content-Type header (seed 002)', () => {
  // WHEN the seed's two ArgoCD routes are built: web UI, and gRPC with a higher priority
  const host = TraefikRule.host('argocd.example.com');
  const ours = [
    ...tags.httpRouter('argocd', {
      rule: host,
      entryPoints: ['websecure'],
      tls: { certResolver: 'default' },
      service: 'argocd',
      priority: 10,
    }),
    ...tags.httpRouter('argocd-grpc', {
      rule: TraefikRule.and(host, TraefikRule.header('Content-Type', 'application/grpc')),
      entryPoints: ['websecure'],
      tls: { certResolver: 'default' },
      service: 'argocd-grpc',
      priority: 11,
    }),
    ...tags.httpService('argocd', { port: 8080, scheme: BackendScheme.HTTPS }),
    ...tags.httpService('argocd-grpc', { port: 8080, scheme: BackendScheme.H2C }),
  ];
  // THEN the gRPC router matches on Header (v3) and its service speaks h2c
  expect(ours).toEqual([
    'traefik.http.routers.argocd.rule=Host(`argocd.example.com`)',
    'traefik.http.routers.argocd.entrypoints=websecure',
    'traefik.http.routers.argocd.tls=true',
    'traefik.http.routers.argocd.tls.certresolver=default',
    'traefik.http.routers.argocd.service=argocd',
    'traefik.http.routers.argocd.priority=10',
    'traefik.http.routers.argocd-grpc.rule=Host(`argocd.example.com`) && Header(`Content-Type`, `application/grpc`)',
    'traefik.http.routers.argocd-grpc.entrypoints=websecure',
    'traefik.http.routers.argocd-grpc.tls=true',
    'traefik.http.routers.argocd-grpc.tls.certresolver=default',
    'traefik.http.routers.argocd-grpc.service=argocd-grpc',
    'traefik.http.routers.argocd-grpc.priority=11',
    'traefik.http.services.argocd.loadbalancer.server.port=8080',
    'traefik.http.services.argocd.loadbalancer.server.scheme=https',
    'traefik.http.services.argocd-grpc.loadbalancer.server.port=8080',
    'traefik.http.services.argocd-grpc.loadbalancer.server.scheme=h2c',
  ]);
});

test('a private-CA backend through a file-provider servers transport (seed 002)', () => {
  expect(
    tags.httpService('argocd', {
      scheme: BackendScheme.HTTPS,
      serversTransport: 'argocd-ca@file',
      passHostHeader: false,
    }),
  ).toEqual([
    'traefik.http.services.argocd.loadbalancer.server.scheme=https',
    'traefik.http.services.argocd.loadbalancer.serverstransport=argocd-ca@file',
    'traefik.http.services.argocd.loadbalancer.passhostheader=false',
  ]);
  expect(tags.tcpService('vm', { port: 22, tls: true, serversTransport: 'vm@file' })).toEqual([
    'traefik.tcp.services.vm.loadbalancer.server.port=22',
    'traefik.tcp.services.vm.loadbalancer.server.tls=true',
    'traefik.tcp.services.vm.loadbalancer.serverstransport=vm@file',
  ]);
});

test('the other router options and a custom prefix', () => {
  // GIVEN tags for a provider with prefix "ingress"
  const custom = new TraefikTags('ingress');
  // WHEN a router uses every option
  const ours = custom.httpRouter('web', {
    rule: TraefikRule.pathPrefix('/'),
    entryPoints: ['web', 'websecure'],
    tls: {
      certResolver: 'le',
      options: 'modern@file',
      domains: [{ main: 'example.com', sans: ['*.example.com', 'www.example.org'] }],
    },
    middlewares: ['auth@file', 'strip'],
  });
  // THEN the keys carry the prefix and Traefik's tag names
  expect(ours).toEqual([
    'ingress.http.routers.web.rule=PathPrefix(`/`)',
    'ingress.http.routers.web.entrypoints=web,websecure',
    'ingress.http.routers.web.tls=true',
    'ingress.http.routers.web.tls.certresolver=le',
    'ingress.http.routers.web.tls.options=modern@file',
    'ingress.http.routers.web.tls.domains[0].main=example.com',
    'ingress.http.routers.web.tls.domains[0].sans=*.example.com,www.example.org',
    'ingress.http.routers.web.middlewares=auth@file,strip',
  ]);
  expect(custom.enable()).toEqual(['ingress.enable=true']);
  expect(custom.consulConnect()).toEqual(['ingress.consulcatalog.connect=true']);
});

test('a port from a Terraform variable stays a reference', () => {
  const stack = new TerraformStack(Testing.app(), 'tags');
  const port = new TerraformVariable(stack, 'port', { type: 'number' }).numberValue;
  const [tag] = tags.httpService('svc', { port });
  expect(tag).toMatch(
    /^traefik\.http\.services\.svc\.loadbalancer\.server\.port=\$\{TfToken\[TOKEN\.\d+\]\}$/,
  );
});

describe('refused', () => {
  const sni = TraefikRule.hostSni('vm.example.com');
  test.each([
    [
      'HostSNI with a name on a TCP router without TLS',
      () => tags.tcpRouter('vm', { rule: sni, entryPoints: ['https'] }),
      /TraefikTags.tcpRouter\("vm"\): invalid rule "HostSNI\(`vm.example.com`\)". HostSNI with a server name works only on a TLS router/,
    ],
    [
      'passthrough with a certificate resolver',
      () =>
        tags.tcpRouter('vm', {
          rule: sni,
          entryPoints: ['https'],
          tls: { passthrough: true, certResolver: 'le' },
        }),
      /TraefikTags.tcpRouter\("vm"\): invalid tls \{"passthrough":true,"certResolver":"le"\}. With passthrough the backend terminates TLS/,
    ],
    [
      'passthrough with TLS options',
      () =>
        tags.tcpRouter('vm', {
          rule: sni,
          entryPoints: ['https'],
          tls: { passthrough: true, options: 'x' },
        }),
      /remove certResolver and options/,
    ],
    [
      'a servers transport not from the file provider',
      () => tags.httpService('svc', { serversTransport: 'private-ca' }),
      /invalid serversTransport "private-ca". Named servers transports can only be defined .* "name@file"/,
    ],
    [
      'a servers transport of another provider',
      () => tags.tcpService('svc', { serversTransport: 'x@consulcatalog' }),
      /"name@file"/,
    ],
    [
      'an HTTP rule on a TCP router',
      () =>
        tags.tcpRouter('vm', {
          rule: TraefikRule.host('a.example.com'),
          entryPoints: ['https'],
          tls: {},
        }),
      /TCP routers take HostSNI and ClientIP matchers only/,
    ],
    [
      'HostSNI on an HTTP router',
      () => tags.httpRouter('web', { rule: sni, entryPoints: ['websecure'] }),
      /HostSNI is a TCP matcher: use tcpRouter/,
    ],
    [
      'a router name with a dot',
      () =>
        tags.httpRouter('my.router', { rule: TraefikRule.pathPrefix('/'), entryPoints: ['web'] }),
      /invalid router name "my.router". Use letters, digits, "-" and "_" only/,
    ],
    [
      'a router without entry points',
      () => tags.httpRouter('web', { rule: TraefikRule.pathPrefix('/'), entryPoints: [] }),
      /Name at least one entry point: a router without entry points listens on every default/,
    ],
    [
      'an entry point name with a space',
      () =>
        tags.httpRouter('web', { rule: TraefikRule.pathPrefix('/'), entryPoints: ['web secure'] }),
      /invalid entryPoints\[0\] "web secure"/,
    ],
    [
      'a service reference with two providers',
      () =>
        tags.httpRouter('web', {
          rule: TraefikRule.pathPrefix('/'),
          entryPoints: ['web'],
          service: 'a@b@c',
        }),
      /invalid service "a@b@c"/,
    ],
    [
      'priority 0',
      () =>
        tags.httpRouter('web', {
          rule: TraefikRule.pathPrefix('/'),
          entryPoints: ['web'],
          priority: 0,
        }),
      /invalid priority 0. Give a positive integer/,
    ],
    ['port 0', () => tags.httpService('svc', { port: 0 }), /invalid port 0/],
    [
      'an unknown scheme',
      () => tags.httpService('svc', { scheme: 'grpc' as BackendScheme }),
      /invalid scheme "grpc". Use one of: http, https, h2c/,
    ],
    [
      'a service with nothing to say',
      () => tags.httpService('svc', {}),
      /Set at least one of port/,
    ],
    [
      'a prefix with a dot',
      () => new TraefikTags('traefik.public'),
      /TraefikTags: invalid prefix "traefik.public"/,
    ],
    [
      'a bad TLS domain',
      () =>
        tags.httpRouter('web', {
          rule: TraefikRule.pathPrefix('/'),
          entryPoints: ['web'],
          tls: { domains: [{ main: 'a..b' }] },
        }),
      /invalid tls.domains\[0\].main "a..b"/,
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('HostSNI(`*`) is allowed without TLS', () => {
    expect(tags.tcpRouter('any', { rule: TraefikRule.hostSniAny(), entryPoints: ['tcp'] })).toEqual(
      ['traefik.tcp.routers.any.rule=HostSNI(`*`)', 'traefik.tcp.routers.any.entrypoints=tcp'],
    );
  });
});
