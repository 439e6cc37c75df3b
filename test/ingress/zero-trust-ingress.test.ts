import { readFileSync } from 'fs';
import { join } from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import {
  BackendScheme,
  ConnectMesh,
  IngressCertificates,
  IngressVariant,
  NetworkMode,
  NomadJob,
  QemuAccelerator,
  ServiceProvider,
  TaskDriver,
  TraefikRule,
  TraefikTags,
  VaultNomadIntegration,
  ZeroTrustIngress,
} from '../../lib';
import { synthValidated } from '../../lib/testing';
import { newStack, parseJob } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

const seed = (file: string) =>
  readFileSync(join(__dirname, '..', 'fixtures', 'seeds', file), 'utf8');

/** The job of a stack with that name, parsed, and its templates' YAML by destination. */
async function jobOf(stack: TerraformStack, name: string) {
  const result = synthValidated(stack);
  for (const text of Object.values(result.jobspecs)) {
    const parsed = await parseJob(text);
    if (parsed.name === name) {
      const task = Object.values<any>(parsed.body.group)[0][0].task;
      const yaml: Record<string, any> = {};
      for (const t of Object.values<any>(task)[0][0].template ?? []) {
        if (t.destination.endsWith('.yml')) yaml[t.destination] = parseYaml(t.data);
      }
      return { body: parsed.body, yaml, result };
    }
  }
  throw new Error(`no job ${name}`);
}

function tailscale(stack: TerraformStack) {
  const ingress = new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
    datacenters: ['dc1'],
  });
  const hashicups = new NomadJob(stack, 'hashicups');
  const nginx = hashicups
    .addGroup('nginx', { network: { ports: [{ label: 'nginx', to: 80 }] } })
    .addTask('nginx', {
      driver: TaskDriver.docker({ image: 'nginx:1.27', ports: ['nginx'] }),
      services: [{ name: 'nginx', provider: ServiceProvider.NOMAD, port: 'nginx' }],
    }).taskServices[0];
  ingress.exposeHttp(nginx, { host: 'firefly-sub03.west-beta.ts.net' });
  return { ingress, nginx };
}

describe('Tailscale variant: seed 000 rebuilt', () => {
  test('the Traefik job has every element the seed relies on', async () => {
    const { stack } = newStack();
    tailscale(stack);
    const ours = await jobOf(stack, 'traefik');
    const theirs = (await parseJob(seed('traefik-tailscale.nomad.hcl'))).body;
    expect(ours.body.type).toBe('system');
    const group = ours.body.group.traefik[0];
    const seedGroup = theirs.group.traefik[0];
    // static ports 80 and 443 (the seed's admin port 8080 served the insecure API: gone)
    expect(group.network[0].port).toEqual({
      http: seedGroup.network[0].port.http,
      https: seedGroup.network[0].port.https,
    });
    expect(group.service).toEqual(seedGroup.service);
    expect(group.volume).toEqual(seedGroup.volume);
    const task = group.task.traefik[0];
    expect(task.volume_mount).toEqual(seedGroup.task.server[0].volume_mount);
    expect(task.config[0].image).toMatch(/^traefik:v3\.7\.\d+$/);
    // the Nomad provider, its endpoint, and the Tailscale resolver
    const conf = ours.yaml['local/traefik.yml'];
    expect(conf.providers.nomad).toEqual({
      endpoint: { address: 'http://100.99.99.99:4646' },
      exposedByDefault: false,
    });
    expect(conf.certificatesResolvers).toEqual({ tailscale: { tailscale: {} } });
    expect(conf.entryPoints.websecure).toEqual({
      address: ':443',
      http: { tls: { certResolver: 'tailscale' } },
    });
  });

  test('secure by default: no api.insecure, HTTP redirects to HTTPS, only tagged services', async () => {
    const { stack } = newStack();
    tailscale(stack);
    const conf = (await jobOf(stack, 'traefik')).yaml['local/traefik.yml'];
    expect(conf.api).toBeUndefined();
    expect(conf.entryPoints.web.http.redirections.entryPoint).toEqual({
      to: 'websecure',
      scheme: 'https',
      permanent: true,
    });
    expect(Object.keys(conf.entryPoints)).toEqual(['web', 'websecure', 'internal']);
    expect(conf.ping).toEqual({ entryPoint: 'internal' });
  });

  test('the rendered static configuration parses to the model', async () => {
    const { stack } = newStack();
    const { ingress } = tailscale(stack);
    const conf = (await jobOf(stack, 'traefik')).yaml['local/traefik.yml'];
    expect(conf).toEqual(ingress.staticConfig.toObject());
  });

  test('the HashiCups route: Host rule, websecure, Tailscale certificate', async () => {
    const { stack } = newStack();
    tailscale(stack);
    const tags = (await jobOf(stack, 'hashicups')).body.group.nginx[0].task.nginx[0].service[0]
      .tags;
    expect(tags).toEqual([
      'traefik.enable=true',
      'traefik.http.routers.nginx.rule=Host(`firefly-sub03.west-beta.ts.net`)',
      'traefik.http.routers.nginx.entrypoints=websecure',
      'traefik.http.routers.nginx.tls=true',
      'traefik.http.routers.nginx.tls.certresolver=tailscale',
    ]);
  });

  test('the dashboard, when wanted, is a router to api@internal on the internal entry point', async () => {
    const { stack } = newStack();
    new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
      dashboard: true,
    });
    const { yaml } = await jobOf(stack, 'traefik');
    expect(yaml['local/traefik.yml'].api).toEqual({ dashboard: true });
    expect(yaml['local/dynamic.yml'].http.routers.dashboard).toMatchObject({
      entryPoints: ['internal'],
      service: 'api@internal',
    });
  });

  test('the Nomad client configuration the seed needs', () => {
    const { stack } = newStack();
    const { ingress } = tailscale(stack);
    const config = ingress.nomadClientConfig({ servers: ['100.99.99.99'] });
    expect(config.props.client).toEqual({
      servers: ['100.99.99.99'],
      networkInterface: 'tailscale0',
      hostVolumes: [
        { name: 'tailscale-socket', path: '/run/tailscale/tailscaled.sock', readOnly: true },
      ],
    });
    expect(synthValidated(stack).outputs.ingress_nomad_client_config).toContain(
      'network_interface = "tailscale0"',
    );
  });

  test('seed 000’s api.insecure is an opt-in with a warning', async () => {
    const { stack } = newStack();
    const ingress = new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
      insecure: { apiInsecure: true },
    });
    const conf = (await jobOf(stack, 'traefik')).yaml['local/traefik.yml'];
    expect(conf.api).toEqual({ dashboard: true, insecure: true });
    expect(ingress.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(/api\.insecure/),
    ]);
  });

  test('a host that is not a node’s machine.tailnet.ts.net name is refused, saying why', () => {
    const { stack } = newStack();
    const { ingress, nginx } = tailscale(stack);
    for (const host of ['app.example.com', 'node.ts.net', 'a.b.c.ts.net']) {
      expect(() => ingress.exposeHttp(nginx, { host, routerName: `r${host.length}` })).toThrow(
        /Tailscale resolver serves only a node's own name, `machine.tailnet.ts.net`/,
      );
    }
  });

  test('a Consul service is refused: the variant reads Nomad-native services', () => {
    const { stack } = newStack();
    const { ingress } = tailscale(stack);
    const svc = new NomadJob(stack, 'x')
      .addGroup('g')
      .addService({ name: 'consul-svc', port: '80' });
    expect(() => ingress.exposeHttp(svc, { host: 'n.t.ts.net' })).toThrow(
      /declare the service with provider: ServiceProvider.NOMAD/,
    );
  });

  test('snapshot', () => {
    const { stack } = newStack();
    tailscale(stack);
    expect(synthValidated(stack).readable).toMatchSnapshot();
  });
});

function consulConnect(stack: TerraformStack) {
  const vault = new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'https://vault.example:8200',
    nomadAddress: 'https://nomad.example:4646',
  });
  const mesh = new ConnectMesh(stack, 'Mesh');
  const ingress = new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.consulConnect({
      mesh,
      certificates: IngressCertificates.vaultPki({
        vault,
        role: 'ingress',
        commonName: 'ingress.domain.com',
        altNames: ['*.domain.com'],
      }),
    }),
    namespace: 'experimental',
    constraints: [{ attribute: '${attr.unique.hostname}', operator: undefined, value: 'edge-1' }],
  });
  // Seed 001's QEMU VM, its SSH port in the mesh
  const vm = new NomadJob(stack, 'simple01', {
    namespace: 'experimental',
    meta: { qcow_name: 'simple01.qcow2', srv_ssh_port: '25001' },
  });
  const group = vm.addGroup('qemu', {
    network: { mode: NetworkMode.BRIDGE },
    tasks: {
      'run-compute-instance': {
        driver: TaskDriver.qemu({
          imagePath: 'packer-focal2004/${NOMAD_META_qcow_name}',
          accelerator: QemuAccelerator.KVM,
        }),
      },
    },
  });
  const ssh = mesh.adoptService(
    vm,
    group.addService({ name: 'simple01', port: '${NOMAD_META_srv_ssh_port}' }),
  );
  ingress.exposeTcp(ssh, { hostSni: 'simple01.domain.com' });
  return { ingress, mesh, ssh, vault };
}

describe('Consul-Connect variant: seed 001 rebuilt', () => {
  test('Traefik is a Connect-native Consul service on one TLS port, named as in its own config', async () => {
    const { stack } = newStack();
    consulConnect(stack);
    const { body, yaml } = await jobOf(stack, 'traefik');
    const group = body.group.traefik[0];
    expect(group.network[0]).toEqual({
      mode: 'bridge',
      port: { websecure: [{ static: 8443, to: 8443 }] },
    });
    expect(group.service[0]).toEqual({
      name: 'traefik',
      port: 'websecure',
      task: 'traefik',
      connect: [{ native: true }],
    });
    expect(body.constraint).toEqual([{ attribute: '${attr.unique.hostname}', value: 'edge-1' }]);
    const conf = yaml['local/traefik.yml'];
    expect(conf.providers.consulCatalog).toEqual({
      connectAware: true,
      connectByDefault: false,
      exposedByDefault: false,
      serviceName: 'traefik',
      endpoint: { address: 'unix:///alloc/tmp/consul_http.sock' },
    });
    expect(Object.keys(conf.entryPoints)).toEqual(['websecure', 'internal']);
  });

  test('the certificate comes from Vault PKI through templates, never as PEM in the job', async () => {
    const { stack } = newStack();
    consulConnect(stack);
    const { body, yaml, result } = await jobOf(stack, 'traefik');
    const task = body.group.traefik[0].task.traefik[0];
    const files = task.template.map((t: any) => t.destination);
    expect(files).toEqual(
      expect.arrayContaining(['secrets/tls/ingress.crt', 'secrets/tls/ingress.key']),
    );
    const cert = task.template.find((t: any) => t.destination === 'secrets/tls/ingress.crt');
    expect(cert.data).toContain(
      '{{ with secret "pki/issue/ingress" "common_name=ingress.domain.com" "ttl=72h" "alt_names=*.domain.com" }}',
    );
    expect(JSON.stringify(body)).not.toMatch(/BEGIN (CERTIFICATE|PRIVATE KEY)/);
    // and a renewed certificate reaches Traefik: the file provider watches only its dynamic
    // file (local/dynamic.yml, NOMAD_TASK_DIR/dynamic.yml), so the templates touch it
    expect(cert.change_mode).toBe('script');
    expect(cert.change_script).toEqual([
      { command: '/bin/sh', args: ['-c', 'touch "$NOMAD_TASK_DIR/dynamic.yml"'] },
    ]);
    expect(yaml['local/traefik.yml'].providers.file).toEqual({
      filename: '/local/dynamic.yml',
      watch: true,
    });
    expect(yaml['local/dynamic.yml'].tls.stores.default.defaultCertificate).toEqual({
      certFile: '/secrets/tls/ingress.crt',
      keyFile: '/secrets/tls/ingress.key',
    });
    // the task's Vault role may issue from that PKI role
    const policies = Object.values(result.policies).join('\n');
    expect(policies).toContain('path "pki/issue/ingress" {\n  capabilities = ["update"]\n}');
  });

  test('createRole: a PKI role that issues exactly the certificate names, server certificates only', () => {
    // GIVEN the seed's certificate with createRole
    const { stack } = newStack();
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'https://nomad.example:4646',
    });
    new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.consulConnect({
        mesh: new ConnectMesh(stack, 'Mesh'),
        certificates: IngressCertificates.vaultPki({
          vault,
          role: 'ingress',
          commonName: 'ingress.domain.com',
          altNames: ['*.domain.com'],
          createRole: true,
        }),
      }),
    });
    const roles = Object.values(
      synthValidated(stack).resources('vault_pki_secret_backend_role') ?? {},
    );
    // THEN one role in the pki mount, for exactly those names and no others
    expect(roles).toEqual([
      {
        backend: 'pki',
        name: 'ingress',
        allowed_domains: ['ingress.domain.com', '*.domain.com'],
        allow_bare_domains: true,
        allow_glob_domains: false,
        allow_subdomains: false,
        allow_any_name: false,
        allow_localhost: false,
        allow_ip_sans: false,
        enforce_hostnames: true,
        server_flag: true,
        client_flag: false,
        // 72 hours, in the seconds Vault reads back
        max_ttl: '259200',
      },
    ]);
  });

  test('without createRole, no role is made: the role must exist', () => {
    const { stack } = newStack();
    consulConnect(stack);
    expect(synthValidated(stack).resources('vault_pki_secret_backend_role')).toEqual({});
  });

  test('the SSH route: TCP router on the TLS entry point, HostSNI of the VM, TLS on, Connect', async () => {
    const { stack } = newStack();
    consulConnect(stack);
    const tags = (await jobOf(stack, 'simple01')).body.group.qemu[0].service[0].tags;
    expect(tags).toEqual([
      'traefik.enable=true',
      'traefik.consulcatalog.connect=true',
      'traefik.tcp.routers.simple01.rule=HostSNI(`simple01.domain.com`)',
      'traefik.tcp.routers.simple01.entrypoints=websecure',
      'traefik.tcp.routers.simple01.tls=true',
    ]);
  });

  test('the sidecar carries the routing tags: Connect-aware Traefik reads them from the sidecars', async () => {
    // GIVEN a mesh service exposed through the Consul-Connect variant
    const { stack } = newStack();
    consulConnect(stack);
    const service = (await jobOf(stack, 'simple01')).body.group.qemu[0].service[0];
    // THEN its sidecar has the same tags (Traefik routes to the instances Consul's Connect
    // health query returns, the sidecars, and filters them by their traefik.enable tag)
    expect(service.connect[0].sidecar_service[0].tags).toEqual(service.tags);
    expect(service.tags).toContain('traefik.enable=true');
  });

  test('the intention comes from exactly the name Traefik registers under', () => {
    const { stack } = newStack();
    const { ingress } = consulConnect(stack);
    const entries = Object.values<any>(
      synthValidated(stack).resources('consul_config_entry_service_intentions'),
    );
    const simple01 = entries.find((e) => e.name === 'simple01');
    expect(simple01.sources).toEqual([
      { name: ingress.serviceName, action: 'allow', type: 'consul', precedence: 9 },
    ]);
    expect(ingress.serviceName).toBe('traefik');
  });

  test('a scheme or transport on a Connect target is refused', () => {
    const { stack } = newStack();
    const { ingress, mesh } = consulConnect(stack);
    const api = mesh.addService('api', {
      name: 'api',
      port: 8080,
      tasks: { t: { driver: TaskDriver.exec({ command: 'api' }) } },
    });
    expect(() =>
      ingress.exposeHttp(api, { host: 'api.domain.com', scheme: BackendScheme.HTTPS }),
    ).toThrow(/invalid scheme "https". Traefik reaches Consul Connect services over mTLS/);
  });

  test('snapshot', () => {
    const { stack } = newStack();
    consulConnect(stack);
    expect(synthValidated(stack).readable).toMatchSnapshot();
  });
});

describe("seed 002's backends", () => {
  function plainConsul(stack: TerraformStack) {
    const mesh = new ConnectMesh(stack, 'Mesh');
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://v.example:8200',
      nomadAddress: 'https://n.example:4646',
    });
    const ingress = new ZeroTrustIngress(stack, 'Ingress', {
      variant: IngressVariant.consulConnect({
        mesh,
        certificates: IngressCertificates.vaultKv({ vault, path: 'ingress/tls' }),
      }),
    });
    const argocd = new NomadJob(stack, 'argocd')
      .addGroup('server')
      .addService({ name: 'argocd-server', port: '443' });
    return { ingress, argocd };
  }

  test('an HTTPS backend with a private CA gets a servers transport; gRPC goes h2c on a Header rule', async () => {
    const { stack } = newStack();
    const { ingress, argocd } = plainConsul(stack);
    new NomadJob(stack, 'x');
    ingress.exposeHttp(argocd, {
      host: 'argocd.example.com',
      scheme: BackendScheme.HTTPS,
      backendRootCas: ['/secrets/argocd-ca.pem'],
    });
    ingress.exposeHttp(argocd, {
      rule: TraefikRule.and(
        TraefikRule.host('argocd.example.com'),
        TraefikRule.header('Content-Type', 'application/grpc'),
      ),
      scheme: BackendScheme.H2C,
      priority: 11,
    });
    expect(argocd.serviceTags).toEqual(
      expect.arrayContaining([
        'traefik.http.services.argocd-server.loadbalancer.server.scheme=https',
        'traefik.http.services.argocd-server.loadbalancer.serverstransport=argocd-server@file',
        'traefik.http.routers.argocd-server-2.rule=Host(`argocd.example.com`) && Header(`Content-Type`, `application/grpc`)',
        'traefik.http.services.argocd-server-2.loadbalancer.server.scheme=h2c',
        'traefik.http.routers.argocd-server-2.priority=11',
      ]),
    );
    expect(ingress.dynamicConfig.toObject().http.serversTransports['argocd-server']).toEqual({
      rootCAs: ['/secrets/argocd-ca.pem'],
    });
  });

  test('insecureSkipVerify is an opt-in with a warning', () => {
    const { stack } = newStack();
    const { ingress, argocd } = plainConsul(stack);
    ingress.exposeHttp(argocd, {
      host: 'argocd.example.com',
      scheme: BackendScheme.HTTPS,
      insecureSkipVerify: true,
    });
    expect(ingress.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(/insecureSkipVerify lets anyone on the path/),
    ]);
  });

  test('TLS passthrough routed by SNI', () => {
    const { stack } = newStack();
    const { ingress, argocd } = plainConsul(stack);
    ingress.exposeTcp(argocd, { hostSni: 'argocd.example.com', passthrough: true });
    expect(argocd.serviceTags).toEqual(
      expect.arrayContaining(['traefik.tcp.routers.argocd-server.tls.passthrough=true']),
    );
    expect(argocd.serviceTags.some((t) => t.includes('certresolver'))).toBe(false);
  });
});

describe('bad input', () => {
  test('a host with a backtick', () => {
    const { stack } = newStack();
    const { ingress, nginx } = tailscale(stack);
    expect(() =>
      ingress.exposeHttp(nginx, { host: 'a`) || Host(`b.c.ts.net', routerName: 'x' }),
    ).toThrow(/backtick/);
  });

  test('passthrough with a certificate resolver', () => {
    expect(() =>
      new TraefikTags().tcpRouter('vm', {
        rule: TraefikRule.hostSni('vm.example.com'),
        entryPoints: ['websecure'],
        tls: { passthrough: true, certResolver: 'acme' },
      }),
    ).toThrow(/passthrough/i);
  });

  test('two routes with the same rule', () => {
    const { stack } = newStack();
    const { ingress, nginx } = tailscale(stack);
    expect(() => ingress.exposeHttp(nginx, { host: 'firefly-sub03.west-beta.ts.net' })).toThrow(
      /is already routed with this rule on the same entry point/,
    );
  });

  test('a target without a service', () => {
    const { stack } = newStack();
    const { ingress } = tailscale(stack);
    expect(() => ingress.exposeHttp({} as any, { host: 'n.t.ts.net' })).toThrow(
      /invalid target .* Give a Service/,
    );
  });

  test.each([
    ['a quote', 'ingress".domain.com'],
    ['a brace', 'ingress{.domain.com'],
    ['a tab, whose escape a combining mark after it could join', 'ingress\t\u0301.domain.com'],
  ])('a certificate common name with %s', (_what, commonName) => {
    const { stack } = newStack();
    const vault = new VaultNomadIntegration(stack, 'Vault', {
      vaultAddress: 'https://vault.example:8200',
      nomadAddress: 'https://nomad.example:4646',
    });
    const mesh = new ConnectMesh(stack, 'Mesh');
    const certificates = IngressCertificates.vaultPki({ vault, role: 'ingress', commonName });
    expect(() => {
      new ZeroTrustIngress(stack, 'Ingress', {
        variant: IngressVariant.consulConnect({ mesh, certificates }),
      });
      Testing.synth(stack);
    }).toThrow(/invalid vaultPki .* control characters/);
  });

  test('an image without a tag', () => {
    const { stack } = newStack();
    expect(
      () =>
        new ZeroTrustIngress(stack, 'I', {
          variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
          image: 'traefik',
        }),
    ).toThrow(/Pin the image to a release tag or digest/);
  });
});
