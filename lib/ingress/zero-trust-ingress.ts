import { runAppChecksOn } from '../checks/app-checks';
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { checkInteger, isToken } from '../core/checks';
import { ConfigError, problem } from '../core/errors';
import { NomadAgentConfig } from '../nomad/agent-config';
import { NomadJob } from '../nomad/nomad-job';
import { ConstraintProps } from '../nomad/placement';
import { IServiceTarget, Service } from '../nomad/service';
import { ResourcesProps, Task } from '../nomad/task';
import { TraefikDynamicConfig } from '../traefik/dynamic-config';
import { RuleProtocol, TraefikRule } from '../traefik/rule';
import { TraefikStaticConfig } from '../traefik/static-config';
import { BackendScheme, TraefikTags } from '../traefik/tags';
import { IngressBinding, IngressVariant } from './ingress-variant';
import { TailscaleBinding } from './tailscale-binding';

/** The Traefik image the ingress runs unless told otherwise: a pinned v3.7 patch release. */
export const DEFAULT_TRAEFIK_IMAGE = 'traefik:v3.7.13';

/**
 * Insecure choices the seeds make, each only on purpose: every one set emits a warning at
 * synthesis that says what it weakens.
 */
export interface IngressInsecureOptions {
  /** Serve the API and dashboard unauthenticated on entry point `traefik` (:8080). @default false */
  readonly apiInsecure?: boolean;
  /** Route every service, tagged or not. @default false */
  readonly exposedByDefault?: boolean;
  /** Log at DEBUG level. @default false */
  readonly debugLog?: boolean;
}

/** Properties of {@link ZeroTrustIngress}. */
export interface ZeroTrustIngressProps {
  /** Tailscale or Consul-Connect. */
  readonly variant: IngressVariant;
  /** Traefik image, pinned to a tag or digest. @default "traefik:v3.7.13" */
  readonly image?: string;
  /** Nomad job name: letters, digits, "-" and "_". @default "traefik" */
  readonly jobName?: string;
  /** Nomad namespace of the job. @default "default" */
  readonly namespace?: string;
  /** Datacenters. @default ["*"] */
  readonly datacenters?: string[];
  /** Placement, e.g. seed 001's `${attr.unique.hostname}` set_contains_any constraint. @default - none */
  readonly constraints?: ConstraintProps[];
  /** Resources of the Traefik task. @default - 100 MHz, 128 MB */
  readonly resources?: ResourcesProps;
  /** Serve the dashboard, through a router to `api@internal` on the internal entry point only. @default false */
  readonly dashboard?: boolean;
  /** Insecure opt-ins, for reproducing the seeds. @default - none */
  readonly insecure?: IngressInsecureOptions;
}

/** Options of {@link ZeroTrustIngress.exposeHttp}. */
export interface ExposeHttpOptions {
  /** Host name to route, e.g. `app.example.com` (Tailscale: the node's `machine.tailnet.ts.net`). @default - give rule */
  readonly host?: string;
  /** Only requests under this path prefix. @default - any path */
  readonly pathPrefix?: string;
  /** A full rule instead of host/pathPrefix (Traefik v3 syntax, from TraefikRule). @default - from host and pathPrefix */
  readonly rule?: TraefikRule;
  /** Protocol to the backend: http, https, or h2c (gRPC). Not for Connect targets. @default BackendScheme.HTTP */
  readonly scheme?: BackendScheme;
  /**
   * CA file(s) (in the Traefik task, e.g. rendered from Vault) trusted for an HTTPS backend with
   * a private CA; a servers transport is made for the route. Not for Connect targets.
   * @default - system roots
   */
  readonly backendRootCas?: string[];
  /** Server name expected on the backend's certificate. @default - the backend's address */
  readonly backendServerName?: string;
  /**
   * Do not verify the backend's certificate (seed 002's shortcut). Emits a warning; prefer
   * backendRootCas. Not for Connect targets.
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
  /** Router priority. @default - rule length */
  readonly priority?: number;
  /** Router name. @default - `<service>-<n>` */
  readonly routerName?: string;
}

/** Options of {@link ZeroTrustIngress.exposeTcp}. */
export interface ExposeTcpOptions {
  /** SNI host name to route (e.g. a VM's name, for SSH over TLS). @default - give rule */
  readonly hostSni?: string;
  /** A full TCP rule instead (HostSNI / ClientIP). @default - from hostSni */
  readonly rule?: TraefikRule;
  /** Pass TLS through to the backend untouched instead of terminating it. @default false */
  readonly passthrough?: boolean;
  /** Router priority. @default - rule length */
  readonly priority?: number;
  /** Router name. @default - `<service>-<n>` */
  readonly routerName?: string;
}

/** Options of {@link ZeroTrustIngress.nomadClientConfig}. */
export interface IngressClientConfigOptions {
  /** Addresses of the Nomad servers (their Tailscale IPs). */
  readonly servers: string[];
  /** Data directory. @default "/opt/nomad/data" */
  readonly dataDir?: string;
  /** Tailscale interface. @default "tailscale0" */
  readonly networkInterface?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Kinds of ingress routes. */
export enum IngressRouteKind {
  /** An HTTP router (TLS terminated by Traefik). */
  HTTP = 'http',
  /** A TCP router by SNI (TLS terminated or passed through). */
  TCP = 'tcp',
}

/** A route an ingress serves, as recorded by exposeHttp / exposeTcp. */
export interface IngressRoute {
  /** HTTP or TCP. */
  readonly kind: IngressRouteKind;
  /** The Traefik router name. */
  readonly routerName: string;
  /** The rule, in Traefik v3 syntax. */
  readonly rule: string;
  /** Host names the rule matches. */
  readonly hosts: string[];
  /** The entry point. */
  readonly entryPoint: string;
  /** The service receiving the traffic. */
  readonly service: Service;
  /** Whether Traefik reaches the service through Consul Connect. */
  readonly connect: boolean;
  /** Whether TLS is passed through to the backend (TCP only). */
  readonly passthrough: boolean;
  /** Whether the backend's certificate is not verified. */
  readonly insecureSkipVerify: boolean;
}

/**
 * Traefik v3 on Nomad as the one door in. Exposing a service writes the Traefik tags on it (the
 * user never types a tag), with derived, unique router names and Traefik v3 rules; in the
 * Consul-Connect variant it also adds the intention from Traefik's service name. Secure by
 * default: no `api.insecure`, the dashboard only on an internal entry point, plain HTTP
 * redirected, only tagged services routed.
 *
 * @see https://doc.traefik.io/traefik/v3.7/
 */
export class ZeroTrustIngress extends Construct {
  /** The Traefik job. */
  public readonly job: NomadJob;
  /** The Traefik task. */
  public readonly task: Task;
  /** Traefik's static configuration (rendered into the task). */
  public readonly staticConfig: TraefikStaticConfig;
  /** Traefik's dynamic configuration for the file provider (rendered into the task). */
  public readonly dynamicConfig: TraefikDynamicConfig;
  private readonly binding: IngressBinding;
  private readonly tags = new TraefikTags();
  private readonly routers = new Set<string>();
  private readonly rules = new Map<string, string>();
  private readonly routerCount = new Map<Service, number>();
  private readonly routeList: IngressRoute[] = [];

  constructor(scope: Construct, id: string, props: ZeroTrustIngressProps) {
    super(scope, id);
    runAppChecksOn(this);
    const where = this.node.path;
    const jobName = props.jobName ?? 'traefik';
    if (isToken(jobName) || !NAME.test(jobName)) {
      throw new ConfigError(
        where,
        'jobName',
        jobName,
        'Give letters, digits, "-" and "_", e.g. "traefik".',
      );
    }
    const image = props.image ?? DEFAULT_TRAEFIK_IMAGE;
    const pinned = /(?::[A-Za-z0-9_.-]+|@sha256:[a-f0-9]{64})$/.test(
      image.replace(/^[^/]*:\d+\//, ''),
    );
    if (!isToken(image) && (!pinned || image.endsWith(':latest'))) {
      throw new ConfigError(
        where,
        'image',
        image,
        `Pin the image to a release tag or digest (not "latest"), e.g. "${DEFAULT_TRAEFIK_IMAGE}".`,
      );
    }
    const insecure = props.insecure ?? {};
    this.binding = props.variant._bind(this, {
      where,
      jobName,
      image,
      namespace: props.namespace,
      datacenters: props.datacenters,
      constraints: props.constraints ?? [],
      resources: props.resources ?? { cpuMhz: 100, memoryMb: 128 },
      dashboard: props.dashboard ?? false,
      exposedByDefault: insecure.exposedByDefault ?? false,
      apiInsecure: insecure.apiInsecure ?? false,
      debugLog: insecure.debugLog ?? false,
    });
    this.job = this.binding.job;
    this.task = this.binding.task;
    this.staticConfig = this.binding.staticConfig;
    this.dynamicConfig = this.binding.dynamicConfig;
    this.node.addValidation({ validate: () => this.apiOffThePublicEntryPoints() });
    for (const choice of [
      ...this.staticConfig.insecureChoices(),
      ...this.dynamicConfig.insecureChoices(),
    ]) {
      Annotations.of(this).addWarning(`ZeroTrustIngress: ${choice}`);
    }
  }

  /**
   * Traefik's API and dashboard (`api@internal`) only on the internal entry point: on a published
   * one, anyone who reaches the ingress reads every router, service and middleware
   * (`/api/rawdata`), and with them the whole platform's layout.
   */
  private apiOffThePublicEntryPoints(): string[] {
    const internal = this.binding.internalEntryPoint;
    return this.dynamicConfig
      ._routersTo('api@internal')
      .filter((r) => r.entryPoints.length === 0 || r.entryPoints.some((e) => e !== internal))
      .map((r) =>
        problem(
          this.node.path,
          `router ${JSON.stringify(r.name)} entryPoints`,
          r.entryPoints,
          `Its service is api@internal (the API and dashboard): serve it on ${JSON.stringify(internal)} ` +
            'only, which is not published; reach it through the node (an SSH tunnel or nomad alloc exec).',
        ),
      );
  }

  /** The routes exposed so far, in order. */
  public get routes(): readonly IngressRoute[] {
    return this.routeList;
  }

  /** The name Traefik registers under in Consul (Consul-Connect variant), the source of its intentions. */
  public get serviceName(): string | undefined {
    return (this.binding as { serviceName?: string }).serviceName;
  }

  /**
   * Routes HTTPS requests matching `host` (and `pathPrefix`) or `rule` to the target service, on
   * the TLS entry point. Writes the Traefik tags on the service; for a mesh service, also the
   * Connect tag and the intention from Traefik.
   */
  public exposeHttp(target: IServiceTarget, options: ExposeHttpOptions): void {
    const service = this.targetOf(target);
    const where = service.where;
    const mesh = this.binding.target(where, service);
    const connect = this.binding.connect && mesh !== undefined;
    const rule = httpRule(where, options);
    this.binding.checkHosts(where, rule);
    if (connect) {
      for (const [prop, value] of [
        ['scheme', options.scheme],
        ['backendRootCas', options.backendRootCas],
        ['backendServerName', options.backendServerName],
        ['insecureSkipVerify', options.insecureSkipVerify],
      ] as const) {
        if (value !== undefined) {
          throw new ConfigError(
            where,
            prop,
            value,
            'Traefik reaches Consul Connect services over mTLS with the mesh certificate: it forces https and its own servers transport and ignores these settings. Leave them out.',
          );
        }
      }
    }
    const name = this.routerName(service, options.routerName);
    this.claimRule(where, 'http', rule);
    let serviceName: string | undefined;
    const transport = this.serversTransport(name, options);
    if (options.scheme !== undefined || transport !== undefined) {
      serviceName = name;
      for (const tag of this.tags.httpService(name, {
        scheme: options.scheme,
        serversTransport: transport,
      }))
        service.addTag(tag);
    }
    this.enable(service, connect);
    const tags = this.tags.httpRouter(name, {
      rule,
      entryPoints: [this.binding.tlsEntryPoint],
      tls: { certResolver: this.binding.certResolver },
      service: serviceName,
      priority: options.priority,
    });
    for (const tag of tags) service.addTag(tag);
    if (connect) this.binding.allow(mesh!);
    this.routeList.push({
      kind: IngressRouteKind.HTTP,
      routerName: name,
      rule: rule.expression,
      hosts: rule.hosts,
      entryPoint: this.binding.tlsEntryPoint,
      service,
      connect,
      passthrough: false,
      insecureSkipVerify: options.insecureSkipVerify ?? false,
    });
  }

  /**
   * Routes TLS connections by SNI (`hostSni`) or a TCP `rule` to the target, on the TLS entry
   * point: Traefik terminates TLS (seed 001's SSH over TLS) or, with `passthrough`, forwards it.
   */
  public exposeTcp(target: IServiceTarget, options: ExposeTcpOptions): void {
    const service = this.targetOf(target);
    const where = service.where;
    const mesh = this.binding.target(where, service);
    const connect = this.binding.connect && mesh !== undefined;
    if ((options.hostSni === undefined) === (options.rule === undefined)) {
      throw new ConfigError(where, 'exposeTcp', options, 'Give exactly one of hostSni and rule.');
    }
    const rule = options.rule ?? TraefikRule.hostSni(options.hostSni!);
    if (rule.protocol === RuleProtocol.HTTP) {
      throw new ConfigError(
        where,
        'rule',
        rule.expression,
        'TCP routers match HostSNI or ClientIP only.',
      );
    }
    this.binding.checkHosts(where, rule);
    if (options.passthrough && connect) {
      throw new ConfigError(
        where,
        'passthrough',
        true,
        'Traefik must open mTLS to a Connect service itself; TLS passthrough cannot reach it.',
      );
    }
    const name = this.routerName(service, options.routerName);
    this.claimRule(where, 'tcp', rule);
    this.enable(service, connect);
    const tags = this.tags.tcpRouter(name, {
      rule,
      entryPoints: [this.binding.tlsEntryPoint],
      tls: options.passthrough
        ? { passthrough: true }
        : { certResolver: this.binding.certResolver },
      priority: options.priority,
    });
    for (const tag of tags) service.addTag(tag);
    if (connect) this.binding.allow(mesh!);
    this.routeList.push({
      kind: IngressRouteKind.TCP,
      routerName: name,
      rule: rule.expression,
      hosts: rule.hosts,
      entryPoint: this.binding.tlsEntryPoint,
      service,
      connect,
      passthrough: options.passthrough ?? false,
      insecureSkipVerify: false,
    });
  }

  /** Whether this is the Consul-Connect variant. */
  public get isConsulConnect(): boolean {
    return this.binding.connect;
  }

  /**
   * The Nomad client configuration the Tailscale variant needs on each node (seed 000):
   * `network_interface = "tailscale0"`, the tailscaled socket as a read-only host volume, and
   * the servers. Also written to a Terraform output.
   */
  public nomadClientConfig(options: IngressClientConfigOptions): NomadAgentConfig {
    if (!(this.binding instanceof TailscaleBinding)) {
      throw new ConfigError(
        this.node.path,
        'nomadClientConfig',
        'consulConnect',
        'Only the Tailscale variant needs a client configuration of its own.',
      );
    }
    const config = new NomadAgentConfig({
      dataDir: options.dataDir ?? '/opt/nomad/data',
      client: {
        servers: options.servers,
        networkInterface: options.networkInterface ?? 'tailscale0',
        hostVolumes: [{ name: 'tailscale-socket', path: this.binding.socketPath, readOnly: true }],
      },
    });
    const prefix =
      this.node.id
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'ingress';
    if (!this.node.tryFindChild('ClientConfig')) {
      new TerraformOutput(this, 'ClientConfig', {
        description:
          'Nomad client configuration for each Tailscale node (e.g. /etc/nomad.d/client.hcl)',
        value: config.toTerraformString(),
        sensitive: config.containsSecrets,
      }).overrideLogicalId(`${prefix}_nomad_client_config`);
    }
    return config;
  }

  private targetOf(target: IServiceTarget): Service {
    const service = target?.targetService;
    if (!(service instanceof Service)) {
      throw new ConfigError(
        this.node.path,
        'target',
        String(target),
        'Give a Service (job.group(...).service(...)) or a MeshService.',
      );
    }
    if (isToken(service.name) || !/^[a-z0-9-]+$/i.test(service.name)) {
      throw new ConfigError(
        service.where,
        'service name',
        service.name,
        'Routers are named after the service, so expose services with literal names.',
      );
    }
    return service;
  }

  private routerName(service: Service, given: string | undefined): string {
    let name = given;
    if (name === undefined) {
      const n = (this.routerCount.get(service) ?? 0) + 1;
      this.routerCount.set(service, n);
      name = n === 1 ? service.name : `${service.name}-${n}`;
    }
    if (!NAME.test(name)) {
      throw new ConfigError(
        service.where,
        'routerName',
        name,
        'Give letters, digits, "-" and "_".',
      );
    }
    if (this.routers.has(name)) {
      throw new ConfigError(
        service.where,
        'routerName',
        name,
        'Another route of this ingress has this router name; Traefik would merge them. Give another routerName.',
      );
    }
    this.routers.add(name);
    return name;
  }

  private claimRule(where: string, protocol: string, rule: TraefikRule): void {
    const key = `${protocol}\0${rule.expression}`;
    const holder = this.rules.get(key);
    if (holder !== undefined) {
      throw new ConfigError(
        where,
        'rule',
        rule.expression,
        `${holder} is already routed with this rule on the same entry point; Traefik would pick one of them arbitrarily. Make the rules differ (host, path) or give a priority.`,
      );
    }
    this.rules.set(key, where);
  }

  private enable(service: Service, connect: boolean): void {
    for (const tag of this.tags.enable()) service.addTag(tag);
    if (connect) {
      for (const tag of this.tags.consulConnect()) service.addTag(tag);
      // Traefik reads the routing tags from the sidecar instances it routes to
      service.setSidecarTagsFromService();
    }
  }

  private serversTransport(name: string, options: ExposeHttpOptions): string | undefined {
    if (
      options.backendRootCas === undefined &&
      options.backendServerName === undefined &&
      !options.insecureSkipVerify
    ) {
      return undefined;
    }
    if (options.insecureSkipVerify) {
      Annotations.of(this).addWarning(
        `ZeroTrustIngress route ${name}: insecureSkipVerify lets anyone on the path to the backend impersonate it. Give backendRootCas instead.`,
      );
    }
    this.dynamicConfig.addHttpServersTransport({
      name,
      rootCAs: options.backendRootCas,
      serverName: options.backendServerName,
      insecureSkipVerify: options.insecureSkipVerify,
    });
    return `${name}@file`;
  }
}

function httpRule(where: string, options: ExposeHttpOptions): TraefikRule {
  if ((options.host === undefined) === (options.rule === undefined)) {
    throw new ConfigError(
      where,
      'exposeHttp',
      { host: options.host, rule: options.rule?.expression },
      'Give exactly one of host and rule.',
    );
  }
  if (options.rule !== undefined && options.pathPrefix !== undefined) {
    throw new ConfigError(
      where,
      'pathPrefix',
      options.pathPrefix,
      'Put the path into the rule when giving a rule.',
    );
  }
  checkInteger(where, 'priority', options.priority, 1, 'Give a priority of 1 or more.');
  const rule = options.rule ?? TraefikRule.host(options.host!);
  const full =
    options.pathPrefix === undefined
      ? rule
      : TraefikRule.and(rule, TraefikRule.pathPrefix(options.pathPrefix));
  if (full.protocol === RuleProtocol.TCP) {
    throw new ConfigError(
      where,
      'rule',
      full.expression,
      'HTTP routers cannot match HostSNI; use exposeTcp.',
    );
  }
  return full;
}
