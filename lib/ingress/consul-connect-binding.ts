import { Construct } from 'constructs';
import { checkInteger, checkPortNumber, isRfc1123Label, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { MeshService } from '../consul/mesh-service';
import { TaskDriver } from '../nomad/driver';
import { NetworkMode } from '../nomad/network';
import { NomadJob } from '../nomad/nomad-job';
import { Service, ServiceProvider } from '../nomad/service';
import { Task } from '../nomad/task';
import { TraefikDynamicConfig } from '../traefik/dynamic-config';
import { TraefikStaticConfig } from '../traefik/static-config';
import type {
  ConsulConnectVariantOptions,
  IngressBinder,
  IngressBinding,
  IngressContext,
} from './ingress-variant';
import { addConfigTemplates, commonStaticProps, STATIC_CONFIG_FILE } from './traefik-files';

/**
 * The Consul agent's HTTP API as Nomad hands it to a Connect-native task in bridge mode (a unix
 * socket in the allocation directory); Nomad also gives the task a Consul token for its service
 * identity in `CONSUL_HTTP_TOKEN`, which Traefik's Consul client reads.
 */
const CONSUL_SOCKET = 'unix:///alloc/tmp/consul_http.sock';

/** @internal */
export class ConsulConnectBinder implements IngressBinder {
  constructor(private readonly options: ConsulConnectVariantOptions) {}

  public bind(scope: Construct, context: IngressContext): IngressBinding {
    return new ConsulConnectBinding(scope, context, this.options);
  }
}

/**
 * Seed 001's Traefik, in its secure form: bridge networking, one TLS port, a Connect-native
 * Consul service whose name is the intentions' source, the Consul Catalog provider reaching
 * mesh services through Connect, certificates from Vault or ACME.
 * @internal
 */
export class ConsulConnectBinding implements IngressBinding {
  public readonly job: NomadJob;
  public readonly task: Task;
  public readonly staticConfig: TraefikStaticConfig;
  public readonly dynamicConfig: TraefikDynamicConfig;
  public readonly tlsEntryPoint = 'websecure';
  public readonly internalEntryPoint = 'internal';
  public readonly certResolver?: string;
  public readonly connect = true;
  /** The name Traefik registers in Consul and presents in its mesh certificate. */
  public readonly serviceName: string;

  constructor(
    scope: Construct,
    context: IngressContext,
    private readonly options: ConsulConnectVariantOptions,
  ) {
    const where = context.where;
    this.serviceName = options.serviceName ?? 'traefik';
    if (
      isToken(this.serviceName) ||
      !isRfc1123Label(this.serviceName) ||
      this.serviceName !== this.serviceName.toLowerCase()
    ) {
      throw new ConfigError(
        where,
        'consulConnect serviceName',
        this.serviceName,
        'Intentions name it as their source: give a literal lower-case RFC 1123 label, e.g. "traefik".',
      );
    }
    const tlsPort = options.tlsPort ?? 8443;
    const internalPort = options.internalPort ?? 8081;
    checkPortNumber(where, 'consulConnect tlsPort', tlsPort);
    checkPortNumber(where, 'consulConnect internalPort', internalPort);
    checkPortNumber(where, 'consulConnect internalHostPort', options.internalHostPort);
    checkInteger(where, 'consulConnect count', options.count, 1, 'Run at least one Traefik.');

    this.job = new NomadJob(scope, 'Job', {
      name: context.jobName,
      namespace: context.namespace,
      datacenters: context.datacenters,
      constraints: context.constraints,
    });
    const ports = [{ label: 'websecure', static: tlsPort, to: tlsPort }];
    if (options.internalHostPort !== undefined) {
      ports.push({ label: 'internal', static: options.internalHostPort, to: internalPort });
    }
    const group = this.job.addGroup('traefik', {
      count: options.count,
      network: { mode: NetworkMode.BRIDGE, ports },
      services: [
        { name: this.serviceName, port: 'websecure', task: 'traefik', connect: { native: true } },
      ],
    });
    this.task = group.addTask('traefik', {
      driver: TaskDriver.docker({
        image: context.image,
        args: [`--configFile=${STATIC_CONFIG_FILE}`],
      }),
      resources: context.resources,
    });

    this.dynamicConfig = new TraefikDynamicConfig();
    const certificates = options.certificates._apply(scope, this.task);
    if (certificates.certFile && certificates.keyFile) {
      const files = { certFile: certificates.certFile, keyFile: certificates.keyFile };
      this.dynamicConfig.addCertificate(files);
      this.dynamicConfig.setDefaultCertificate(files);
    }
    this.certResolver = certificates.resolver?.name;
    const common = commonStaticProps(context);
    this.staticConfig = new TraefikStaticConfig({
      global: common.global,
      log: common.log,
      entryPoints: [
        {
          name: 'websecure',
          address: `:${tlsPort}`,
          http: { tls: { certResolver: this.certResolver } },
        },
        { name: 'internal', address: `:${internalPort}` },
        ...common.extraEntryPoints,
      ],
      ping: { entryPoint: 'internal' },
      api: common.api,
      providers: {
        consulCatalog: {
          connectAware: true,
          connectByDefault: false,
          exposedByDefault: context.exposedByDefault,
          serviceName: this.serviceName,
          endpoint: { address: CONSUL_SOCKET, datacenter: options.consulDatacenter },
        },
        file: { filename: '/local/dynamic.yml', watch: true },
      },
      certificatesResolvers: certificates.resolver ? [certificates.resolver] : undefined,
    });
    if (context.dashboard) this.dynamicConfig.addDashboardRouter({ entryPoints: ['internal'] });
    addConfigTemplates(this.task, this.staticConfig, this.dynamicConfig);
  }

  public target(where: string, service: Service): MeshService | undefined {
    if (service.provider !== ServiceProvider.CONSUL) {
      throw new ConfigError(
        where,
        'service provider',
        service.provider,
        'The Consul-Connect variant reads the Consul catalog; the service must be registered in Consul.',
      );
    }
    return this.options.mesh._meshServiceOf(service);
  }

  public checkHosts(): void {
    // Any host name; the rule builder has checked its syntax.
  }

  public allow(target: MeshService): void {
    if (this.options.mesh.intentionsOf(target)?.source(this.serviceName) !== undefined) return;
    this.options.mesh.allowFrom(this.serviceName, target);
  }
}
