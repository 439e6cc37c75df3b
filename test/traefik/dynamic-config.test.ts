import { parse } from 'yaml';
import { ClientAuthType, TlsVersion, TraefikDynamicConfig, TraefikRule } from '../../lib';

function roundTrip(config: TraefikDynamicConfig): void {
  const yaml = config.render();
  expect(yaml).not.toMatch(/\{\{|\}\}/);
  expect(parse(yaml)).toEqual(config.toObject());
}

test('what tags cannot carry: transports, certificates, TLS options, the dashboard router', () => {
  // GIVEN a document with one of each
  const config = new TraefikDynamicConfig({
    httpServersTransports: [
      {
        name: 'private-ca',
        serverName: 'argocd.internal',
        rootCAs: ['/secrets/private-ca.pem'],
        certificates: [{ certFile: '/secrets/client.pem', keyFile: '/secrets/client-key.pem' }],
        peerCertURI: 'spiffe://example.org/ns/default/dc/dc1/svc/argocd',
        disableHTTP2: true,
        maxIdleConnsPerHost: 10,
      },
    ],
    tcpServersTransports: [
      {
        name: 'vm-tls',
        dialTimeout: '5s',
        dialKeepAlive: '30s',
        tls: {
          serverName: 'vm.internal',
          rootCAs: ['/secrets/private-ca.pem'],
          peerCertURI: 'spiffe://example.org/svc/vm',
        },
      },
    ],
    certificates: [{ certFile: '/secrets/ingress.pem', keyFile: '/secrets/ingress-key.pem' }],
    defaultCertificate: { certFile: '/secrets/ingress.pem', keyFile: '/secrets/ingress-key.pem' },
    tlsOptions: [
      {
        name: 'default',
        minVersion: TlsVersion.TLS12,
        maxVersion: TlsVersion.TLS13,
        sniStrict: true,
        cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
        clientAuth: {
          caFiles: ['/secrets/clients-ca.pem'],
          clientAuthType: ClientAuthType.VERIFY_CLIENT_CERT_IF_GIVEN,
        },
        alpnProtocols: ['h2', 'http/1.1'],
      },
    ],
  });
  config.addIpAllowListMiddleware({
    name: 'admins',
    sourceRange: ['127.0.0.1/32', '100.64.0.0/10'],
    ipStrategy: { depth: 1, excludedIPs: ['10.0.0.1'] },
    rejectStatusCode: 404,
  });
  config.addBasicAuthMiddleware({
    name: 'auth',
    usersFile: '/secrets/htpasswd',
    realm: 'ops',
    removeHeader: true,
  });
  config.addHttpService({
    name: 'argocd',
    servers: [{ url: 'https://10.0.0.5:8443' }],
    passHostHeader: false,
    serversTransport: 'private-ca',
  });
  config.addHttpRouter({
    name: 'argocd',
    rule: TraefikRule.host('argocd.example.com'),
    entryPoints: ['websecure'],
    service: 'argocd',
    tls: { options: 'default', domains: [{ main: 'argocd.example.com' }] },
    priority: 5,
  });
  const name = config.addDashboardRouter({
    entryPoints: ['internal'],
    middlewares: ['admins', 'auth'],
  });

  // WHEN it is turned into Traefik's object
  const obj = config.toObject();

  // THEN every part sits under Traefik's key
  expect(name).toBe('dashboard');
  expect(obj).toEqual({
    http: {
      routers: {
        argocd: {
          rule: 'Host(`argocd.example.com`)',
          entryPoints: ['websecure'],
          service: 'argocd',
          priority: 5,
          tls: { options: 'default', domains: [{ main: 'argocd.example.com' }] },
        },
        dashboard: {
          rule: 'PathPrefix(`/api`) || PathPrefix(`/dashboard`)',
          entryPoints: ['internal'],
          middlewares: ['admins', 'auth'],
          service: 'api@internal',
        },
      },
      middlewares: {
        admins: {
          ipAllowList: {
            sourceRange: ['127.0.0.1/32', '100.64.0.0/10'],
            ipStrategy: { depth: 1, excludedIPs: ['10.0.0.1'] },
            rejectStatusCode: 404,
          },
        },
        auth: { basicAuth: { usersFile: '/secrets/htpasswd', realm: 'ops', removeHeader: true } },
      },
      services: {
        argocd: {
          loadBalancer: {
            servers: [{ url: 'https://10.0.0.5:8443' }],
            passHostHeader: false,
            serversTransport: 'private-ca',
          },
        },
      },
      serversTransports: {
        'private-ca': {
          serverName: 'argocd.internal',
          rootCAs: ['/secrets/private-ca.pem'],
          certificates: [{ certFile: '/secrets/client.pem', keyFile: '/secrets/client-key.pem' }],
          peerCertURI: 'spiffe://example.org/ns/default/dc/dc1/svc/argocd',
          disableHTTP2: true,
          maxIdleConnsPerHost: 10,
        },
      },
    },
    tcp: {
      serversTransports: {
        'vm-tls': {
          dialTimeout: '5s',
          dialKeepAlive: '30s',
          tls: {
            serverName: 'vm.internal',
            rootCAs: ['/secrets/private-ca.pem'],
            peerCertURI: 'spiffe://example.org/svc/vm',
          },
        },
      },
    },
    tls: {
      certificates: [{ certFile: '/secrets/ingress.pem', keyFile: '/secrets/ingress-key.pem' }],
      options: {
        default: {
          minVersion: 'VersionTLS12',
          maxVersion: 'VersionTLS13',
          sniStrict: true,
          cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
          clientAuth: {
            caFiles: ['/secrets/clients-ca.pem'],
            clientAuthType: 'VerifyClientCertIfGiven',
          },
          alpnProtocols: ['h2', 'http/1.1'],
        },
      },
      stores: {
        default: {
          defaultCertificate: {
            certFile: '/secrets/ingress.pem',
            keyFile: '/secrets/ingress-key.pem',
          },
        },
      },
    },
  });
  expect(config.entryPointNames).toEqual(['websecure', 'internal']);
  expect(config.insecureChoices()).toEqual([]);
  roundTrip(config);
});

test('an empty document renders as an empty mapping', () => {
  const config = new TraefikDynamicConfig();
  expect(config.toObject()).toEqual({});
  expect(parse(config.render())).toEqual({});
});

test('an htpasswd SHA line keeps its braces for Traefik and none reach the text', () => {
  // GIVEN a basicAuth user with a {SHA} hash (htpasswd -s)
  const config = new TraefikDynamicConfig();
  config.addBasicAuthMiddleware({
    name: 'auth',
    users: ['admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g='],
  });
  // WHEN rendered
  const yaml = config.render();
  // THEN the text holds the escapes and the reader gets the hash back
  expect(yaml).toContain('"admin:\\u007bSHA\\u007dW6ph5Mm5Pz8GgiULbPgzG37mj9g="');
  expect(parse(yaml).http.middlewares.auth.basicAuth.users).toEqual([
    'admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
  ]);
  // AND inline hashes are reported
  expect(config.insecureChoices()).toEqual([
    expect.stringMatching(/^http.middlewares.auth.basicAuth.users: password hashes are written/),
  ]);
});

test('insecure choices are listed with why', () => {
  const config = new TraefikDynamicConfig({
    httpServersTransports: [{ name: 'self-signed', insecureSkipVerify: true }],
    tcpServersTransports: [{ name: 'tcp-self-signed', tls: { insecureSkipVerify: true } }],
    tlsOptions: [{ name: 'legacy', minVersion: TlsVersion.TLS10 }],
  });
  expect(config.insecureChoices().map((c) => c.split(':')[0])).toEqual([
    'http.serversTransports.self-signed.insecureSkipVerify',
    'tcp.serversTransports.tcp-self-signed.tls.insecureSkipVerify',
    'tls.options.legacy.minVersion VersionTLS10',
  ]);
  expect(config.toObject().http.serversTransports['self-signed']).toEqual({
    insecureSkipVerify: true,
  });
});

describe('refused', () => {
  const router = {
    name: 'r',
    rule: TraefikRule.pathPrefix('/'),
    entryPoints: ['web'],
    service: 'svc',
  };
  test.each<[string, (c: TraefikDynamicConfig) => unknown, RegExp]>([
    [
      'a router to a service not in the document',
      (c) => (c.addHttpRouter(router), c.toObject()),
      /http router "r": invalid service "svc". Add the service with addHttpService/,
    ],
    [
      'a router with a middleware not in the document',
      (c) => (
        c.addHttpRouter({ ...router, service: 'x@internal', middlewares: ['auth'] }),
        c.toObject()
      ),
      /invalid middlewares "auth". Add the middleware/,
    ],
    [
      'a router with TLS options not in the document',
      (c) => (
        c.addHttpRouter({ ...router, service: 'x@internal', tls: { options: 'modern' } }),
        c.toObject()
      ),
      /invalid tls.options "modern"/,
    ],
    [
      'a service with an unknown transport',
      (c) => (
        c.addHttpService({
          name: 's',
          servers: [{ url: 'http://127.0.0.1:1' }],
          serversTransport: 'ca',
        }),
        c.toObject()
      ),
      /http service "s": invalid serversTransport "ca"/,
    ],
    [
      'a router without entry points',
      (c) => c.addHttpRouter({ ...router, entryPoints: [] }),
      /Name at least one entry point/,
    ],
    [
      'a router with HostSNI',
      (c) => c.addHttpRouter({ ...router, rule: TraefikRule.hostSniAny() }),
      /HostSNI is a TCP matcher/,
    ],
    [
      'two routers with one name',
      (c) => (
        c.addHttpRouter({ ...router, service: 'a@internal' }),
        c.addHttpRouter({ ...router, service: 'a@internal' })
      ),
      /invalid http router name "r". Each http router needs its own name/,
    ],
    [
      'two middlewares with one name',
      (c) => (
        c.addIpAllowListMiddleware({ name: 'm', sourceRange: ['::1'] }),
        c.addBasicAuthMiddleware({ name: 'm', usersFile: '/f' })
      ),
      /invalid middleware name "m"/,
    ],
    [
      'a key as PEM text',
      (c) =>
        c.addCertificate({
          certFile: '/c.pem',
          keyFile: '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----',
        }),
      /invalid keyFile "\(PEM private key, not shown\)". Give the path of a key file instead/,
    ],
    [
      'basicAuth with both users and usersFile',
      (c) => c.addBasicAuthMiddleware({ name: 'a', users: ['u:h'], usersFile: '/f' }),
      /Give exactly one of users and usersFile/,
    ],
    [
      'basicAuth with a clear-text password line',
      (c) => c.addBasicAuthMiddleware({ name: 'a', users: ['admin'] }),
      /invalid users\[0\] "\(not shown\)". Give htpasswd lines/,
    ],
    [
      'an allow list with a bad range',
      (c) => c.addIpAllowListMiddleware({ name: 'a', sourceRange: ['10.0.0.0/8', 'everyone'] }),
      /invalid sourceRange\[1\] "everyone"/,
    ],
    [
      'an empty allow list',
      (c) => c.addIpAllowListMiddleware({ name: 'a', sourceRange: [] }),
      /Give at least one address or CIDR range/,
    ],
    [
      'a transport server name that is not a host name',
      (c) => c.addHttpServersTransport({ name: 't', serverName: 'a b' }),
      /invalid serverName "a b"/,
    ],
    [
      'a peer URI that is not a URI',
      (c) => c.addHttpServersTransport({ name: 't', peerCertURI: 'not a uri' }),
      /invalid peerCertURI "not a uri"/,
    ],
    [
      'minVersion above maxVersion',
      (c) =>
        c.addTlsOptions({ name: 'o', minVersion: TlsVersion.TLS13, maxVersion: TlsVersion.TLS12 }),
      /Give a maxVersion at or above minVersion/,
    ],
    [
      'an unknown cipher suite spelling',
      (c) => c.addTlsOptions({ name: 'o', cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'] }),
      /invalid cipherSuites\[0\]/,
    ],
    [
      'a server URL that is not http(s)',
      (c) => c.addHttpService({ name: 's', servers: [{ url: 'tcp://10.0.0.1:22' }] }),
      /invalid servers\[0\].url "tcp:\/\/10.0.0.1:22"/,
    ],
    [
      'a transport name with a dot',
      (c) => c.addTcpServersTransport({ name: 'a.b' }),
      /invalid tcp servers transport name "a.b"/,
    ],
  ])('%s', (_name, act, message) => {
    expect(() => act(new TraefikDynamicConfig())).toThrow(message);
  });
});
