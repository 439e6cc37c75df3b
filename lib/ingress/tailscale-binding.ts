import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { checkHttpUrl, checkPortNumber, isPlainHttpToRemote, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { JobType } from '../nomad/job';
import { checkNamespaceName } from '../nomad/names';
import { NomadJob } from '../nomad/nomad-job';
import { Service, ServiceProvider } from '../nomad/service';
import { Task, TemplateChangeMode } from '../nomad/task';
import { TaskDriver } from '../nomad/driver';
import { VolumeType } from '../nomad/group';
import { TraefikDynamicConfig } from '../traefik/dynamic-config';
import { TraefikRule } from '../traefik/rule';
import { RedirectScheme, TraefikStaticConfig } from '../traefik/static-config';
import type {
  IngressBinder,
  IngressBinding,
  IngressContext,
  TailscaleVariantOptions,
} from './ingress-variant';
import { addConfigTemplates, commonStaticProps, STATIC_CONFIG_FILE } from './traefik-files';

/** A node's own tailnet name: `machine.tailnet.ts.net`, exactly four labels. */
const TAILNET_MACHINE =
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.ts\.net$/i;

/** @internal */
export class TailscaleBinder implements IngressBinder {
  constructor(private readonly options: TailscaleVariantOptions) {}

  public bind(scope: Construct, context: IngressContext): IngressBinding {
    return new TailscaleBinding(scope, context, this.options);
  }
}

/**
 * Seed 000's Traefik: a system job on the Tailscale nodes, Nomad-native services, the
 * tailscaled socket, and the Tailscale certificate resolver.
 * @internal
 */
export class TailscaleBinding implements IngressBinding {
  public readonly job: NomadJob;
  public readonly task: Task;
  public readonly staticConfig: TraefikStaticConfig;
  public readonly dynamicConfig: TraefikDynamicConfig;
  public readonly tlsEntryPoint = 'websecure';
  public readonly internalEntryPoint = 'internal';
  public readonly certResolver = 'tailscale';
  public readonly connect = false;
  /** Path of tailscaled's socket on the clients. */
  public readonly socketPath: string;

  constructor(scope: Construct, context: IngressContext, options: TailscaleVariantOptions) {
    const where = context.where;
    const url = checkHttpUrl(where, 'tailscale nomadAddress', options.nomadAddress);
    if (url && isPlainHttpToRemote(url)) {
      Annotations.of(scope).addWarning(
        `tailscale nomadAddress ${options.nomadAddress} uses plain HTTP to a host outside the tailnet: Traefik's Nomad token would cross the network unencrypted. Use a Tailscale address or https.`,
      );
    }
    const httpPort = options.httpPort ?? 80;
    const httpsPort = options.httpsPort ?? 443;
    const internalPort = options.internalPort ?? 8081;
    for (const [prop, port] of [
      ['httpPort', httpPort],
      ['httpsPort', httpsPort],
      ['internalPort', internalPort],
    ] as const) {
      checkPortNumber(where, `tailscale ${prop}`, port);
    }
    for (const ns of options.nomadNamespaces ?? []) checkNamespaceName(where, ns);
    this.socketPath = options.socketPath ?? '/run/tailscale/tailscaled.sock';

    this.job = new NomadJob(scope, 'Job', {
      name: context.jobName,
      type: JobType.SYSTEM,
      namespace: context.namespace,
      datacenters: context.datacenters,
      constraints: context.constraints,
    });
    const group = this.job.addGroup('traefik', {
      network: {
        ports: [
          { label: 'http', static: httpPort },
          { label: 'https', static: httpsPort },
        ],
      },
      services: [
        { name: 'traefik-http', provider: ServiceProvider.NOMAD, port: 'http' },
        { name: 'traefik-https', provider: ServiceProvider.NOMAD, port: 'https' },
      ],
      volumes: [
        {
          name: 'tailscale-socket',
          type: VolumeType.HOST,
          source: 'tailscale-socket',
          readOnly: true,
        },
      ],
    });
    this.task = group.addTask('traefik', {
      driver: TaskDriver.docker({
        image: context.image,
        ports: ['http', 'https'],
        args: [`--configFile=${STATIC_CONFIG_FILE}`],
      }),
      volumeMounts: [
        {
          volume: 'tailscale-socket',
          destination: '/var/run/tailscale/tailscaled.sock',
          readOnly: true,
        },
      ],
      resources: context.resources,
    });

    const common = commonStaticProps(context);
    this.staticConfig = new TraefikStaticConfig({
      global: common.global,
      log: common.log,
      entryPoints: [
        {
          name: 'web',
          address: `:${httpPort}`,
          http: {
            redirections: {
              entryPoint: { to: 'websecure', scheme: RedirectScheme.HTTPS, permanent: true },
            },
          },
        },
        {
          name: 'websecure',
          address: `:${httpsPort}`,
          http: { tls: { certResolver: this.certResolver } },
        },
        { name: 'internal', address: `:${internalPort}` },
        ...common.extraEntryPoints,
      ],
      ping: { entryPoint: 'internal' },
      api: common.api,
      providers: {
        nomad: {
          endpoint: { address: options.nomadAddress },
          exposedByDefault: context.exposedByDefault,
          namespaces: options.nomadNamespaces,
        },
        file: { filename: '/local/dynamic.yml', watch: true },
      },
      certificatesResolvers: [{ name: this.certResolver, tailscale: true }],
    });
    this.dynamicConfig = new TraefikDynamicConfig();
    if (context.dashboard) this.dynamicConfig.addDashboardRouter({ entryPoints: ['internal'] });
    addConfigTemplates(this.task, this.staticConfig, this.dynamicConfig);

    const vault = options.nomadTokenFromVault;
    if (vault) {
      vault.grantSecrets(this.task);
      this.task.addTemplate({
        destination: 'secrets/nomad-token.env',
        data: `{{ with secret "${vault.secretsPath(this.job)}/nomad" }}NOMAD_TOKEN={{ .Data.data.token }}{{ end }}\n`,
        env: true,
        perms: '0600',
        changeMode: TemplateChangeMode.RESTART,
        errorOnMissingKey: true,
      });
    }
  }

  public target(where: string, service: Service): undefined {
    if (service.provider !== ServiceProvider.NOMAD) {
      throw new ConfigError(
        where,
        'service provider',
        service.provider,
        'The Tailscale variant reads Nomad-native services (Traefik’s Nomad provider); declare the service with provider: ServiceProvider.NOMAD.',
      );
    }
    return undefined;
  }

  public checkHosts(where: string, rule: TraefikRule): void {
    for (const host of rule.hosts) {
      if (isToken(host) || TAILNET_MACHINE.test(host)) continue;
      throw new ConfigError(
        where,
        'host',
        host,
        'Traefik\'s Tailscale resolver serves only a node\'s own name, `machine.tailnet.ts.net` (four labels, no wildcards or other domains); give that name, e.g. "node1.tail1234.ts.net".',
      );
    }
  }

  public allow(): void {
    // Nomad-native services have no intentions.
  }
}
