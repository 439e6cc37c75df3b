import { checkDuration, checkHttpUrl, checkInteger, checkOneOf, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { TraefikTlsDomain } from './common';
import { renderTemplateSafeYaml } from './template-safe-yaml';
import {
  checkAddress,
  checkHostPort,
  checkIpList,
  checkName,
  checkNotPrivateKey,
  checkPath,
  checkReference,
  checkText,
  checkUnique,
  tlsDomains,
} from './validate';
import { compact, copy, Obj } from './objects';

const WHERE = 'TraefikStaticConfig';

/** Traefik's log levels. */
export enum TraefikLogLevel {
  TRACE = 'TRACE',
  /** Logs request details and, at startup, the whole static configuration (opt-in, warned). */
  DEBUG = 'DEBUG',
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
  FATAL = 'FATAL',
  PANIC = 'PANIC',
}

/** Formats of Traefik's log and access log. */
export enum TraefikLogFormat {
  /** Traefik's text format (the Common Log Format for access logs). */
  COMMON = 'common',
  JSON = 'json',
}

/** Scheme of an entry point redirection. */
export enum RedirectScheme {
  HTTP = 'http',
  HTTPS = 'https',
}

/** Scheme Traefik uses to reach the Consul agent. */
export enum ConsulEndpointScheme {
  HTTP = 'http',
  HTTPS = 'https',
}

/** Consul health states. */
export enum ConsulHealthStatus {
  PASSING = 'passing',
  WARNING = 'warning',
  CRITICAL = 'critical',
  MAINTENANCE = 'maintenance',
}

/** Key types ACME certificates are requested with. */
export enum AcmeKeyType {
  EC256 = 'EC256',
  EC384 = 'EC384',
  RSA2048 = 'RSA2048',
  RSA4096 = 'RSA4096',
  RSA8192 = 'RSA8192',
}

/**
 * Global options.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/configuration-options/
 */
export interface TraefikGlobalProps {
  /**
   * Check periodically whether a new Traefik version exists (calls out to the Internet).
   * @default false - set explicitly (Traefik's own default is true)
   */
  readonly checkNewVersion?: boolean;
  /**
   * Send anonymous usage statistics to Traefik Labs.
   * @default false - set explicitly
   */
  readonly sendAnonymousUsage?: boolean;
}

/**
 * Traefik's own log.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/observability/logs-and-accesslogs/
 */
export interface TraefikLogProps {
  /** Least severe level logged. DEBUG and TRACE are listed by insecureChoices(). @default TraefikLogLevel.ERROR */
  readonly level?: TraefikLogLevel;
  /** Format. @default TraefikLogFormat.COMMON */
  readonly format?: TraefikLogFormat;
  /** File to write to. @default - standard output */
  readonly filePath?: string;
  /** Disable colours in the common format. @default false */
  readonly noColor?: boolean;
}

/**
 * Which requests the access log keeps.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/observability/logs-and-accesslogs/
 */
export interface TraefikAccessLogFiltersProps {
  /** Status codes or ranges to keep, e.g. "400-599". @default - all */
  readonly statusCodes?: string[];
  /** Keep requests that were retried. @default false */
  readonly retryAttempts?: boolean;
  /** Keep requests slower than this Go duration. @default - all */
  readonly minDuration?: string;
}

/**
 * The access log (one line per request). Enabling it with no options logs to standard output.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/observability/logs-and-accesslogs/
 */
export interface TraefikAccessLogProps {
  /** File to write to. @default - standard output */
  readonly filePath?: string;
  /** Format. @default TraefikLogFormat.COMMON */
  readonly format?: TraefikLogFormat;
  /** Lines kept in memory before writing. @default 0 */
  readonly bufferingSize?: number;
  /** Filters. @default - every request */
  readonly filters?: TraefikAccessLogFiltersProps;
  /** Also log requests to Traefik's internal services (api, ping). @default false */
  readonly addInternals?: boolean;
}

/**
 * The API and dashboard. The secure way to reach them is a router to `api@internal` on an
 * internal entry point (TraefikDynamicConfig.addDashboardRouter), not `insecure`.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/api-dashboard/
 */
export interface TraefikApiProps {
  /** Serve the dashboard. @default true (Traefik's default when the API is on) */
  readonly dashboard?: boolean;
  /**
   * Serve the API and dashboard on the entry point named `traefik` without any router or
   * middleware in front. Opt-in, listed by insecureChoices(); requires an entry point named
   * `traefik` (Traefik would otherwise open `:8080` on every interface).
   * @default false
   */
  readonly insecure?: boolean;
  /** Serve debugging and profiling endpoints (/debug/...). Listed by insecureChoices(). @default false */
  readonly debug?: boolean;
  /** Path prefix of the API and dashboard, e.g. "/traefik". @default "/" */
  readonly basePath?: string;
  /** Hide the ads in the dashboard. @default false */
  readonly disableDashboardAd?: boolean;
}

/**
 * The `/ping` health check.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/observability/healthcheck/
 */
export interface TraefikPingProps {
  /**
   * Entry point serving `/ping`; must be one of this configuration's entry points (Traefik
   * would otherwise create `traefik` on `:8080`, every interface). Use an internal one.
   */
  readonly entryPoint: string;
  /** Do not create the ping router; route to `ping@internal` yourself. @default false */
  readonly manualRouting?: boolean;
  /** Status answered while Traefik shuts down. @default 503 */
  readonly terminatingStatusCode?: number;
}

/**
 * Where an entry point redirects requests to.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/entrypoints/
 */
export interface TraefikRedirectEntryPointProps {
  /** Target: an entry point name of this configuration, or a port such as ":443". */
  readonly to: string;
  /** Scheme of the redirect. @default RedirectScheme.HTTPS */
  readonly scheme?: RedirectScheme;
  /** Permanent (308/301) rather than temporary redirect. @default true */
  readonly permanent?: boolean;
  /** Priority of the generated redirect router. @default - just below the maximum */
  readonly priority?: number;
}

/** Redirections of an entry point (`http.redirections`). */
export interface TraefikEntryPointRedirectionsProps {
  /** Redirect every request to another entry point (`http.redirections.entryPoint`). */
  readonly entryPoint: TraefikRedirectEntryPointProps;
}

/**
 * Default TLS of the routers on an entry point (`http.tls`). Setting it, even empty, turns TLS on
 * for every HTTP router of the entry point.
 */
export interface TraefikEntryPointTlsProps {
  /** Certificate resolver of this configuration. @default - certificates from the TLS stores */
  readonly certResolver?: string;
  /** TLS options (dynamic `tls.options.<name>`), as `name` or `name@file`. @default - "default" */
  readonly options?: string;
  /** Domains to request from the resolver. @default - the routers' host names */
  readonly domains?: TraefikTlsDomain[];
}

/** HTTP options of an entry point (`http`). */
export interface TraefikEntryPointHttpProps {
  /** Redirections, e.g. HTTP to HTTPS. @default - none */
  readonly redirections?: TraefikEntryPointRedirectionsProps;
  /** Default TLS of the entry point's routers. @default - none */
  readonly tls?: TraefikEntryPointTlsProps;
  /** Middlewares prepended to every router of the entry point, as `name@provider`. @default - none */
  readonly middlewares?: string[];
}

/** Which peers an entry point trusts for forwarded headers or PROXY protocol. */
export interface TraefikTrustedIpsProps {
  /** Trusted peer addresses or CIDR ranges. @default - none */
  readonly trustedIPs?: string[];
  /** Trust every peer. Listed by insecureChoices(). @default false */
  readonly insecure?: boolean;
}

/**
 * An entry point: an address Traefik listens on.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/entrypoints/
 */
export interface TraefikEntryPointProps {
  /** Name routers refer to: letters, digits, "-" and "_". */
  readonly name: string;
  /** Address, `[host]:port[/tcp|/udp]`, e.g. ":443" or "127.0.0.1:8081". */
  readonly address: string;
  /** One of the entry points routers without entry points attach to. @default - all are defaults unless one sets this */
  readonly asDefault?: boolean;
  /** HTTP options. @default - none */
  readonly http?: TraefikEntryPointHttpProps;
  /** Trust X-Forwarded-* headers from these peers. @default - trust none */
  readonly forwardedHeaders?: TraefikTrustedIpsProps;
  /** Accept PROXY protocol from these peers. @default - PROXY protocol off */
  readonly proxyProtocol?: TraefikTrustedIpsProps;
}

/** TLS of the connection from Traefik to Nomad or Consul (`endpoint.tls`). */
export interface TraefikProviderTlsProps {
  /** CA certificate file. @default - system roots */
  readonly ca?: string;
  /** Client certificate file. @default - none */
  readonly cert?: string;
  /** Client key file (a path: key text is refused). @default - none */
  readonly key?: string;
  /** Skip verifying the server certificate. Listed by insecureChoices(). @default false */
  readonly insecureSkipVerify?: boolean;
}

/** How Traefik reaches Nomad. */
export interface TraefikNomadEndpointProps {
  /** Nomad's HTTP API address. @default - NOMAD_ADDR, or "http://127.0.0.1:4646" */
  readonly address?: string;
  /**
   * ACL token (needs `read-job` on the namespaces). Leave unset and give Traefik a NOMAD_TOKEN
   * environment variable instead: a token here is written into the configuration text.
   * @default - NOMAD_TOKEN
   */
  readonly token?: string;
  /** Region. @default - NOMAD_REGION */
  readonly region?: string;
  /** TLS. @default - NOMAD_CACERT etc. when set, else none */
  readonly tls?: TraefikProviderTlsProps;
  /** How long a blocking query waits, a Go duration. @default - Nomad's default */
  readonly endpointWaitTime?: string;
}

/**
 * The Nomad provider: routes Nomad-native services (`provider = "nomad"`) from their tags.
 * Nomad's v2 option `namespace` is gone in v3 (`namespaces`) and cannot be set here.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/providers/hashicorp/nomad/
 */
export interface TraefikNomadProviderProps {
  /** How to reach Nomad. @default - Traefik's defaults (NOMAD_ADDR, NOMAD_TOKEN, ...) */
  readonly endpoint?: TraefikNomadEndpointProps;
  /**
   * Route every service, tagged or not. Opt-in, listed by insecureChoices().
   * @default false - set explicitly (Traefik's own default is true): only services tagged
   * `traefik.enable=true` are routed
   */
  readonly exposedByDefault?: boolean;
  /** Go template of the rule of routers without one. @default - ``Host(`{{ normalize .Name }}`)`` */
  readonly defaultRule?: string;
  /** Namespaces to watch. @default - the "default" namespace */
  readonly namespaces?: string[];
  /** Tag prefix. @default "traefik" */
  readonly prefix?: string;
  /** Constraint expression on tags, e.g. ``Tag(`public`)``. @default - none */
  readonly constraints?: string;
  /** Polling interval, a Go duration. @default "15s" */
  readonly refreshInterval?: string;
  /** Watch Nomad's event stream instead of polling. @default false */
  readonly watch?: boolean;
  /** Minimum time between two reloads in watch mode, a Go duration. @default "0s" */
  readonly throttleDuration?: string;
  /** Allow stale reads from any server. @default false */
  readonly stale?: boolean;
  /** Create routers for services without healthy instances (answering 503). @default false */
  readonly allowEmptyServices?: boolean;
}

/** How Traefik reaches Consul. */
export interface TraefikConsulEndpointProps {
  /** Agent address, `host:port`. @default "127.0.0.1:8500" */
  readonly address?: string;
  /** Scheme. @default ConsulEndpointScheme.HTTP */
  readonly scheme?: ConsulEndpointScheme;
  /** Datacenter. @default - the agent's */
  readonly datacenter?: string;
  /**
   * ACL token. Leave unset and give Traefik a CONSUL_HTTP_TOKEN environment variable instead:
   * a token here is written into the configuration text.
   * @default - CONSUL_HTTP_TOKEN
   */
  readonly token?: string;
  /** TLS. @default - none */
  readonly tls?: TraefikProviderTlsProps;
  /** How long a blocking query waits, a Go duration. @default - Consul's default */
  readonly endpointWaitTime?: string;
}

/**
 * The Consul Catalog provider: routes Consul services from their tags, optionally through Consul
 * Connect (`connectAware`).
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/providers/hashicorp/consul-catalog/
 */
export interface TraefikConsulCatalogProviderProps {
  /** How to reach Consul. @default - Traefik's defaults */
  readonly endpoint?: TraefikConsulEndpointProps;
  /** Reach services through Consul Connect when they ask for it. @default false */
  readonly connectAware?: boolean;
  /** Reach every service through Connect (needs connectAware). @default false */
  readonly connectByDefault?: boolean;
  /**
   * Name Traefik's Connect certificate is issued for; intentions must allow this name as the
   * source. Use the name Traefik's own service is registered under.
   * @default "traefik"
   */
  readonly serviceName?: string;
  /**
   * Route every service, tagged or not. Opt-in, listed by insecureChoices().
   * @default false - set explicitly (Traefik's own default is true)
   */
  readonly exposedByDefault?: boolean;
  /** Go template of the rule of routers without one. @default - ``Host(`{{ normalize .Name }}`)`` */
  readonly defaultRule?: string;
  /** Tag prefix. @default "traefik" */
  readonly prefix?: string;
  /** Constraint expression on tags, e.g. ``Tag(`public`)``. @default - none */
  readonly constraints?: string;
  /** Health states of instances that get traffic. @default - passing and warning */
  readonly strictChecks?: ConsulHealthStatus[];
  /** Watch Consul instead of polling. @default false */
  readonly watch?: boolean;
  /** Polling interval, a Go duration. @default "15s" */
  readonly refreshInterval?: string;
  /** Allow stale reads. @default false */
  readonly stale?: boolean;
  /** Require consistent reads. @default false */
  readonly requireConsistent?: boolean;
  /** Use the agent's cache. @default false */
  readonly cache?: boolean;
  /** Namespaces (Consul Enterprise). @default - none */
  readonly namespaces?: string[];
}

/**
 * The file provider: dynamic configuration from a file or a directory (TraefikDynamicConfig).
 * Give exactly one of `filename` and `directory`.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/providers/others/file/
 */
export interface TraefikFileProviderProps {
  /** One file. @default - none */
  readonly filename?: string;
  /** Every file of a directory. Do not point it at the static configuration's directory. @default - none */
  readonly directory?: string;
  /** Reload on change. @default true */
  readonly watch?: boolean;
}

/** Providers. */
export interface TraefikProvidersProps {
  /** Nomad provider. @default - off */
  readonly nomad?: TraefikNomadProviderProps;
  /** Consul Catalog provider. @default - off */
  readonly consulCatalog?: TraefikConsulCatalogProviderProps;
  /** File provider. @default - off */
  readonly file?: TraefikFileProviderProps;
  /** Minimum time between two configuration reloads, a Go duration. @default "2s" */
  readonly providersThrottleDuration?: string;
}

/** The ACME HTTP-01 challenge. */
export interface TraefikAcmeHttpChallengeProps {
  /** Entry point answering on port 80 (one of this configuration's). */
  readonly entryPoint: string;
}

/**
 * An ACME (e.g. Let's Encrypt) certificate resolver. Give exactly one challenge.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/tls/certificate-resolvers/acme/
 */
export interface TraefikAcmeProps {
  /** Account e-mail address. */
  readonly email: string;
  /** File where accounts and certificates are kept (persist it). @default "acme.json" */
  readonly storage?: string;
  /** ACME directory URL. @default - Let's Encrypt production */
  readonly caServer?: string;
  /** Key type. @default AcmeKeyType.RSA4096 */
  readonly keyType?: AcmeKeyType;
  /** Use the TLS-ALPN-01 challenge (on the entry point serving port 443). @default false */
  readonly tlsChallenge?: boolean;
  /** Use the HTTP-01 challenge. @default - none */
  readonly httpChallenge?: TraefikAcmeHttpChallengeProps;
}

/**
 * A certificate resolver: give exactly one of `tailscale` and `acme`.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/tls/certificate-resolvers/overview/
 */
export interface TraefikCertificatesResolverProps {
  /** Name routers refer to (`tls.certResolver`). */
  readonly name: string;
  /**
   * Certificates from the local tailscaled (its socket at /var/run/tailscale/tailscaled.sock).
   * It can only serve the node's own `machine.tailnet.ts.net` name.
   * @default false
   * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/tls/certificate-resolvers/tailscale/
   */
  readonly tailscale?: boolean;
  /** ACME. @default - none */
  readonly acme?: TraefikAcmeProps;
}

/**
 * The default transport to HTTP backends (named ones are dynamic configuration).
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/configuration-options/
 */
export interface TraefikServersTransportProps {
  /** Skip verifying backend certificates. Listed by insecureChoices(). @default false */
  readonly insecureSkipVerify?: boolean;
  /** CA certificates (files) trusted for backends. @default - system roots */
  readonly rootCAs?: string[];
  /** Idle connections kept per backend host. @default 200 */
  readonly maxIdleConnsPerHost?: number;
}

/** TLS of the default transport to TCP backends. */
export interface TraefikTcpServersTransportTlsProps {
  /** Skip verifying backend certificates. Listed by insecureChoices(). @default false */
  readonly insecureSkipVerify?: boolean;
  /** CA certificates (files) trusted for backends. @default - system roots */
  readonly rootCAs?: string[];
}

/**
 * The default transport to TCP backends. In v3 its TLS options sit under `tls` (the seeds' v2
 * form `tcpServersTransport.insecureSkipVerify` no longer exists).
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/configuration-options/
 */
export interface TraefikTcpServersTransportProps {
  /** Timeout to establish a backend connection, a Go duration. @default "30s" */
  readonly dialTimeout?: string;
  /** Keep-alive probe interval, a Go duration. @default "15s" */
  readonly dialKeepAlive?: string;
  /** TLS to backends that ask for it. @default - none */
  readonly tls?: TraefikTcpServersTransportTlsProps;
}

/**
 * Traefik's static configuration.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/configuration-options/
 */
export interface TraefikStaticConfigProps {
  /** Global options. @default - no version check, no usage statistics */
  readonly global?: TraefikGlobalProps;
  /** Traefik's log. @default - Traefik's defaults (ERROR, common format, standard output) */
  readonly log?: TraefikLogProps;
  /** Access log. @default - off */
  readonly accessLog?: TraefikAccessLogProps;
  /** API and dashboard. @default - off */
  readonly api?: TraefikApiProps;
  /** The `/ping` health check. @default - off */
  readonly ping?: TraefikPingProps;
  /** Entry points; at least one by rendering time (see addEntryPoint). @default - none yet */
  readonly entryPoints?: TraefikEntryPointProps[];
  /** Providers. @default - none */
  readonly providers?: TraefikProvidersProps;
  /** Certificate resolvers. @default - none */
  readonly certificatesResolvers?: TraefikCertificatesResolverProps[];
  /** Default transport to HTTP backends. @default - Traefik's defaults */
  readonly serversTransport?: TraefikServersTransportProps;
  /** Default transport to TCP backends. @default - Traefik's defaults */
  readonly tcpServersTransport?: TraefikTcpServersTransportProps;
}

/**
 * A typed model of Traefik v3's static configuration, rendered as template-safe YAML.
 *
 * Unset options are left out, so Traefik's defaults apply, except where the library is secure
 * by default: `global.checkNewVersion` and `global.sendAnonymousUsage` are written `false`, and
 * each provider's `exposedByDefault` is written `false`. Insecure choices (api.insecure, debug
 * logs, insecureSkipVerify, exposedByDefault, trusting all forwarded headers...) are possible
 * when set explicitly, and {@link TraefikStaticConfig.insecureChoices} lists those in use.
 *
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/configuration-options/
 */
export class TraefikStaticConfig {
  private readonly props: TraefikStaticConfigProps;
  private readonly entryPoints: TraefikEntryPointProps[] = [];
  private readonly resolvers: TraefikCertificatesResolverProps[] = [];

  constructor(props: TraefikStaticConfigProps = {}) {
    this.props = props;
    checkLog(props);
    checkApi(props.api);
    checkPing(props.ping);
    checkProviders(props.providers);
    checkTransports(props);
    for (const ep of props.entryPoints ?? []) this.addEntryPoint(ep);
    for (const r of props.certificatesResolvers ?? []) this.addCertificatesResolver(r);
  }

  /** Adds an entry point. */
  public addEntryPoint(entryPoint: TraefikEntryPointProps): void {
    checkEntryPoint(entryPoint);
    this.entryPoints.push(entryPoint);
    checkUnique(WHERE, 'entry point name', this.entryPointNames);
  }

  /** Adds a certificate resolver. */
  public addCertificatesResolver(resolver: TraefikCertificatesResolverProps): void {
    checkResolver(resolver);
    this.resolvers.push(resolver);
    checkUnique(
      WHERE,
      'certificates resolver name',
      this.resolvers.map((r) => r.name),
    );
  }

  /** Names of the entry points, in order. */
  public get entryPointNames(): string[] {
    return this.entryPoints.map((e) => e.name);
  }

  /** Names of the certificate resolvers, in order. */
  public get certificatesResolverNames(): string[] {
    return this.resolvers.map((r) => r.name);
  }

  /**
   * The configuration as the plain object Traefik reads (keys as in Traefik's documentation).
   * Checks references between parts (entry points, resolvers) first.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toObject(): Record<string, any> {
    this.checkReferences();
    const p = this.props;
    const out: Obj = {};
    out.global = {
      checkNewVersion: p.global?.checkNewVersion ?? false,
      sendAnonymousUsage: p.global?.sendAnonymousUsage ?? false,
    };
    if (p.log) out.log = pick(p.log, ['level', 'format', 'filePath', 'noColor']);
    if (p.accessLog) {
      const a = p.accessLog;
      out.accessLog = compact({
        filePath: a.filePath,
        format: a.format,
        bufferingSize: a.bufferingSize,
        filters: a.filters
          ? compact({
              statusCodes: copy(a.filters.statusCodes),
              retryAttempts: a.filters.retryAttempts,
              minDuration: a.filters.minDuration,
            })
          : undefined,
        addInternals: a.addInternals,
      });
    }
    if (p.api) {
      out.api = pick(p.api, ['dashboard', 'insecure', 'debug', 'basePath', 'disableDashboardAd']);
    }
    if (p.ping) out.ping = pick(p.ping, ['entryPoint', 'manualRouting', 'terminatingStatusCode']);
    out.entryPoints = Object.fromEntries(
      this.entryPoints.map((e) => [e.name, entryPointObject(e)]),
    );
    if (p.providers) out.providers = providersObject(p.providers);
    if (this.resolvers.length > 0) {
      out.certificatesResolvers = Object.fromEntries(
        this.resolvers.map((r) => [r.name, resolverObject(r)]),
      );
    }
    if (p.serversTransport) {
      const t = p.serversTransport;
      out.serversTransport = compact({
        insecureSkipVerify: t.insecureSkipVerify,
        rootCAs: copy(t.rootCAs),
        maxIdleConnsPerHost: t.maxIdleConnsPerHost,
      });
    }
    if (p.tcpServersTransport) {
      const t = p.tcpServersTransport;
      out.tcpServersTransport = compact({
        dialTimeout: t.dialTimeout,
        dialKeepAlive: t.dialKeepAlive,
        tls: t.tls
          ? compact({ insecureSkipVerify: t.tls.insecureSkipVerify, rootCAs: copy(t.tls.rootCAs) })
          : undefined,
      });
    }
    return out;
  }

  /** The configuration as YAML that consul-template passes through unchanged. */
  public render(): string {
    return renderTemplateSafeYaml(WHERE, this.toObject());
  }

  /** The insecure choices in use, each with why it matters (for warnings). */
  public insecureChoices(): string[] {
    const p = this.props;
    const found: string[] = [];
    if (p.global?.checkNewVersion) {
      found.push(
        'global.checkNewVersion: Traefik calls out to the Internet to look for new versions, ' +
          'which reveals the installation and needs egress the ingress should not have.',
      );
    }
    if (p.global?.sendAnonymousUsage) {
      found.push(
        'global.sendAnonymousUsage: Traefik sends usage statistics about its configuration to ' +
          'Traefik Labs, which needs egress the ingress should not have.',
      );
    }
    if (p.api?.insecure) {
      found.push(
        'api.insecure: the API and dashboard are served on the "traefik" entry point with no ' +
          'router or middleware in front; anyone reaching that port reads the whole routing ' +
          'configuration. Use a router to api@internal on an internal entry point instead.',
      );
    }
    if (p.api?.debug) {
      found.push(
        'api.debug: Go profiling and runtime endpoints (/debug/...) are served with the API; ' +
          'they expose internals and can be used to load the process.',
      );
    }
    if (p.log?.level === TraefikLogLevel.DEBUG || p.log?.level === TraefikLogLevel.TRACE) {
      found.push(
        `log.level ${p.log.level}: logs request details and the loaded configuration; logs are ` +
          'read by more people than the configuration.',
      );
    }
    const providers: Array<[string, { exposedByDefault?: boolean } | undefined]> = [
      ['nomad', p.providers?.nomad],
      ['consulCatalog', p.providers?.consulCatalog],
    ];
    for (const [name, provider] of providers) {
      if (provider?.exposedByDefault) {
        found.push(
          `providers.${name}.exposedByDefault: every service is routed, including ones never ` +
            'meant to be reachable from outside; only tagged services should be.',
        );
      }
    }
    const endpoints: Array<
      [string, { token?: string; tls?: TraefikProviderTlsProps } | undefined]
    > = [
      ['nomad', p.providers?.nomad?.endpoint],
      ['consulCatalog', p.providers?.consulCatalog?.endpoint],
    ];
    for (const [name, endpoint] of endpoints) {
      if (endpoint?.tls?.insecureSkipVerify) {
        found.push(
          `providers.${name}.endpoint.tls.insecureSkipVerify: the ${name} server's certificate ` +
            'is not verified, so anyone on the path can impersonate it and feed Traefik routes.',
        );
      }
      if (endpoint?.token !== undefined) {
        found.push(
          `providers.${name}.endpoint.token: the ACL token is written into the configuration ` +
            'text, readable in the job and Terraform state; give it through the environment ' +
            `(${name === 'nomad' ? 'NOMAD_TOKEN' : 'CONSUL_HTTP_TOKEN'}) from Vault instead.`,
        );
      }
    }
    if (p.serversTransport?.insecureSkipVerify) {
      found.push(
        'serversTransport.insecureSkipVerify: HTTPS backends are not verified; anyone on the ' +
          'path can impersonate them. Trust their CA with rootCAs or a named servers transport.',
      );
    }
    if (p.tcpServersTransport?.tls?.insecureSkipVerify) {
      found.push(
        'tcpServersTransport.tls.insecureSkipVerify: TLS backends of TCP routers are not ' +
          'verified; anyone on the path can impersonate them.',
      );
    }
    for (const ep of this.entryPoints) {
      if (ep.forwardedHeaders?.insecure) {
        found.push(
          `entryPoints.${ep.name}.forwardedHeaders.insecure: X-Forwarded-* headers are trusted ` +
            'from any client, which can then fake its address to ClientIP rules and allow lists.',
        );
      }
      if (ep.proxyProtocol?.insecure) {
        found.push(
          `entryPoints.${ep.name}.proxyProtocol.insecure: PROXY protocol headers are trusted ` +
            'from any client, which can then fake its address.',
        );
      }
    }
    return found;
  }

  private checkReferences(): void {
    const p = this.props;
    const eps = new Set(this.entryPointNames);
    const resolvers = new Set(this.resolvers.map((r) => r.name));
    if (eps.size === 0) {
      throw new ConfigError(
        WHERE,
        'entryPoints',
        [],
        'Add at least one entry point: without one Traefik listens on ":80" on every interface.',
      );
    }
    if (p.api?.insecure && !eps.has('traefik')) {
      throw new ConfigError(
        WHERE,
        'api.insecure',
        true,
        'api.insecure serves the API on the entry point named "traefik": add it with an ' +
          'explicit address (Traefik would otherwise open ":8080" on every interface).',
      );
    }
    if (p.ping && !eps.has(p.ping.entryPoint)) {
      throw new ConfigError(
        WHERE,
        'ping.entryPoint',
        p.ping.entryPoint,
        `Name one of the entry points (${[...eps].join(', ')}), preferably an internal one.`,
      );
    }
    for (const ep of this.entryPoints) {
      const to = ep.http?.redirections?.entryPoint.to;
      if (to !== undefined && !to.startsWith(':') && !eps.has(to)) {
        throw new ConfigError(
          `${WHERE} entryPoints.${ep.name}`,
          'http.redirections.entryPoint.to',
          to,
          `Name one of the entry points (${[...eps].join(', ')}) or a port such as ":443".`,
        );
      }
      if (to === ep.name) {
        throw new ConfigError(
          `${WHERE} entryPoints.${ep.name}`,
          'http.redirections.entryPoint.to',
          to,
          'An entry point cannot redirect to itself; that would loop.',
        );
      }
      const resolver = ep.http?.tls?.certResolver;
      if (resolver !== undefined && !resolvers.has(resolver)) {
        throw new ConfigError(
          `${WHERE} entryPoints.${ep.name}`,
          'http.tls.certResolver',
          resolver,
          'Name one of the certificate resolvers of this configuration (addCertificatesResolver).',
        );
      }
    }
    for (const r of this.resolvers) {
      const challengeEp = r.acme?.httpChallenge?.entryPoint;
      if (challengeEp !== undefined && !eps.has(challengeEp)) {
        throw new ConfigError(
          `${WHERE} certificatesResolvers.${r.name}`,
          'acme.httpChallenge.entryPoint',
          challengeEp,
          `Name one of the entry points (${[...eps].join(', ')}); it must receive port 80.`,
        );
      }
    }
  }
}

/** The given keys of an object that are set (other keys, e.g. from JavaScript callers, are dropped). */
function pick<T extends object>(obj: T, keys: Array<keyof T & string>): Obj {
  return compact(Object.fromEntries(keys.map((k) => [k, obj[k]])));
}

function checkEnum(where: string, prop: string, value: string | undefined, e: object): void {
  checkOneOf(where, prop, value, Object.values(e) as string[]);
}

function checkLog(p: TraefikStaticConfigProps): void {
  if (p.log) {
    checkEnum(WHERE, 'log.level', p.log.level, TraefikLogLevel);
    checkEnum(WHERE, 'log.format', p.log.format, TraefikLogFormat);
    checkPath(WHERE, 'log.filePath', p.log.filePath);
  }
  if (p.accessLog) {
    const a = p.accessLog;
    checkEnum(WHERE, 'accessLog.format', a.format, TraefikLogFormat);
    checkPath(WHERE, 'accessLog.filePath', a.filePath);
    checkInteger(WHERE, 'accessLog.bufferingSize', a.bufferingSize, 0, 'Give 0 or more lines.');
    checkDuration(WHERE, 'accessLog.filters.minDuration', a.filters?.minDuration);
    (a.filters?.statusCodes ?? []).forEach((code, i) => {
      if (isToken(code)) return;
      if (!/^[1-5]\d\d(?:-[1-5]\d\d)?$/.test(code)) {
        throw new ConfigError(
          WHERE,
          `accessLog.filters.statusCodes[${i}]`,
          code,
          'Give a status code or a range such as "400-599".',
        );
      }
    });
  }
}

function checkApi(api: TraefikApiProps | undefined): void {
  if (!api || api.basePath === undefined || isToken(api.basePath)) return;
  if (!/^\/(?:[A-Za-z0-9\-._~]+\/?)*$/.test(api.basePath)) {
    throw new ConfigError(
      WHERE,
      'api.basePath',
      api.basePath,
      'Give an absolute URL path such as "/traefik".',
    );
  }
  if (api.insecure && api.basePath !== '/') {
    throw new ConfigError(
      WHERE,
      'api.basePath',
      api.basePath,
      'api.insecure cannot be combined with a basePath; use a router to api@internal instead.',
    );
  }
}

function checkPing(ping: TraefikPingProps | undefined): void {
  if (!ping) return;
  checkName(WHERE, 'ping.entryPoint', ping.entryPoint);
  checkInteger(
    WHERE,
    'ping.terminatingStatusCode',
    ping.terminatingStatusCode,
    100,
    'Give an HTTP status code.',
    599,
  );
}

function checkEntryPoint(ep: TraefikEntryPointProps): void {
  checkName(WHERE, 'entry point name', ep.name);
  const where = `${WHERE} entryPoints.${ep.name}`;
  checkAddress(where, 'address', ep.address);
  const redirect = ep.http?.redirections?.entryPoint;
  if (ep.http?.redirections && !redirect) {
    throw new ConfigError(where, 'http.redirections.entryPoint', undefined, 'Give the target.');
  }
  if (redirect) {
    const to = redirect.to;
    if (
      typeof to !== 'string' ||
      !(/^:\d{1,5}$/.test(to) || /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(to))
    ) {
      throw new ConfigError(
        where,
        'http.redirections.entryPoint.to',
        to,
        'Give an entry point name or a port such as ":443".',
      );
    }
    checkEnum(where, 'http.redirections.entryPoint.scheme', redirect.scheme, RedirectScheme);
    checkInteger(
      where,
      'http.redirections.entryPoint.priority',
      redirect.priority,
      1,
      'Give a positive integer.',
    );
  }
  const tls = ep.http?.tls;
  if (tls) {
    if (tls.certResolver !== undefined) checkName(where, 'http.tls.certResolver', tls.certResolver);
    if (tls.options !== undefined) checkReference(where, 'http.tls.options', tls.options);
    tlsDomains(where, 'http.tls.domains', tls.domains);
  }
  (ep.http?.middlewares ?? []).forEach((m, i) =>
    checkReference(where, `http.middlewares[${i}]`, m),
  );
  checkIpList(where, 'forwardedHeaders.trustedIPs', ep.forwardedHeaders?.trustedIPs);
  checkIpList(where, 'proxyProtocol.trustedIPs', ep.proxyProtocol?.trustedIPs);
}

function entryPointObject(ep: TraefikEntryPointProps): Obj {
  const http: Obj = {};
  const redirect = ep.http?.redirections?.entryPoint;
  if (redirect) {
    http.redirections = { entryPoint: pick(redirect, ['to', 'scheme', 'permanent', 'priority']) };
  }
  if (ep.http?.middlewares) http.middlewares = [...ep.http.middlewares];
  if (ep.http?.tls) {
    const tls = ep.http.tls;
    http.tls = compact({
      certResolver: tls.certResolver,
      options: tls.options,
      domains: tlsDomains('', '', tls.domains),
    });
  }
  return compact({
    address: ep.address,
    asDefault: ep.asDefault,
    http: Object.keys(http).length > 0 ? http : undefined,
    forwardedHeaders: trusted(ep.forwardedHeaders),
    proxyProtocol: trusted(ep.proxyProtocol),
  });
}

function trusted(t: TraefikTrustedIpsProps | undefined): Obj | undefined {
  if (!t) return undefined;
  return compact({ trustedIPs: copy(t.trustedIPs), insecure: t.insecure });
}

function checkProviderTls(where: string, tls: TraefikProviderTlsProps | undefined): void {
  if (!tls) return;
  checkPath(where, 'endpoint.tls.ca', tls.ca);
  checkPath(where, 'endpoint.tls.cert', tls.cert);
  checkNotPrivateKey(where, 'endpoint.tls.key', tls.key);
  checkPath(where, 'endpoint.tls.key', tls.key);
}

function checkProviders(providers: TraefikProvidersProps | undefined): void {
  if (!providers) return;
  checkDuration(WHERE, 'providers.providersThrottleDuration', providers.providersThrottleDuration);
  const nomad = providers.nomad;
  if (nomad) {
    const where = `${WHERE} providers.nomad`;
    if ('namespace' in nomad) {
      throw new ConfigError(
        where,
        'namespace',
        (nomad as { namespace?: unknown }).namespace,
        'Traefik v3 removed the v2 option "namespace" (it stops Traefik from starting): give ' +
          'namespaces, a list.',
      );
    }
    if (nomad.endpoint?.address !== undefined) {
      checkHttpUrl(where, 'endpoint.address', nomad.endpoint.address);
    }
    checkText(where, 'endpoint.token', nomad.endpoint?.token);
    checkText(where, 'endpoint.region', nomad.endpoint?.region);
    checkDuration(where, 'endpoint.endpointWaitTime', nomad.endpoint?.endpointWaitTime);
    checkProviderTls(where, nomad.endpoint?.tls);
    checkCatalogCommon(where, nomad);
    checkDuration(where, 'throttleDuration', nomad.throttleDuration);
    (nomad.namespaces ?? []).forEach((ns, i) => checkText(where, `namespaces[${i}]`, ns));
  }
  const consul = providers.consulCatalog;
  if (consul) {
    const where = `${WHERE} providers.consulCatalog`;
    const endpoint = consul.endpoint;
    if (endpoint?.address !== undefined) checkHostPort(where, 'endpoint.address', endpoint.address);
    checkEnum(where, 'endpoint.scheme', endpoint?.scheme, ConsulEndpointScheme);
    checkText(where, 'endpoint.datacenter', endpoint?.datacenter);
    checkText(where, 'endpoint.token', endpoint?.token);
    checkDuration(where, 'endpoint.endpointWaitTime', endpoint?.endpointWaitTime);
    checkProviderTls(where, endpoint?.tls);
    checkCatalogCommon(where, consul);
    if (consul.serviceName !== undefined) checkText(where, 'serviceName', consul.serviceName);
    if (consul.connectByDefault && !consul.connectAware) {
      throw new ConfigError(
        where,
        'connectByDefault',
        true,
        'connectByDefault needs connectAware: set connectAware to true as well.',
      );
    }
    (consul.strictChecks ?? []).forEach((s, i) =>
      checkEnum(where, `strictChecks[${i}]`, s, ConsulHealthStatus),
    );
    (consul.namespaces ?? []).forEach((ns, i) => checkText(where, `namespaces[${i}]`, ns));
  }
  const file = providers.file;
  if (file) {
    const where = `${WHERE} providers.file`;
    if ((file.filename === undefined) === (file.directory === undefined)) {
      throw new ConfigError(
        where,
        'filename/directory',
        { filename: file.filename, directory: file.directory },
        'Give exactly one of filename and directory.',
      );
    }
    checkPath(where, 'filename', file.filename);
    checkPath(where, 'directory', file.directory);
  }
}

function checkCatalogCommon(
  where: string,
  p: {
    defaultRule?: string;
    prefix?: string;
    constraints?: string;
    refreshInterval?: string;
  },
): void {
  checkText(where, 'defaultRule', p.defaultRule);
  if (p.prefix !== undefined) checkName(where, 'prefix', p.prefix);
  checkText(where, 'constraints', p.constraints);
  checkDuration(where, 'refreshInterval', p.refreshInterval);
}

function providersObject(p: TraefikProvidersProps): Obj {
  const out: Obj = {};
  if (p.providersThrottleDuration !== undefined) {
    out.providersThrottleDuration = p.providersThrottleDuration;
  }
  if (p.nomad) {
    const n = p.nomad;
    out.nomad = compact({
      endpoint: n.endpoint
        ? compact({
            ...pick(n.endpoint, ['address', 'token', 'region', 'endpointWaitTime']),
            tls: providerTls(n.endpoint.tls),
          })
        : undefined,
      exposedByDefault: n.exposedByDefault ?? false,
      defaultRule: n.defaultRule,
      namespaces: copy(n.namespaces),
      prefix: n.prefix,
      constraints: n.constraints,
      refreshInterval: n.refreshInterval,
      watch: n.watch,
      throttleDuration: n.throttleDuration,
      stale: n.stale,
      allowEmptyServices: n.allowEmptyServices,
    });
  }
  if (p.consulCatalog) {
    const c = p.consulCatalog;
    out.consulCatalog = compact({
      endpoint: c.endpoint
        ? compact({
            ...pick(c.endpoint, ['address', 'scheme', 'datacenter', 'token', 'endpointWaitTime']),
            tls: providerTls(c.endpoint.tls),
          })
        : undefined,
      connectAware: c.connectAware,
      connectByDefault: c.connectByDefault,
      serviceName: c.serviceName,
      exposedByDefault: c.exposedByDefault ?? false,
      defaultRule: c.defaultRule,
      prefix: c.prefix,
      constraints: c.constraints,
      strictChecks: copy(c.strictChecks),
      watch: c.watch,
      refreshInterval: c.refreshInterval,
      stale: c.stale,
      requireConsistent: c.requireConsistent,
      cache: c.cache,
      namespaces: copy(c.namespaces),
    });
  }
  if (p.file) out.file = pick(p.file, ['filename', 'directory', 'watch']);
  return out;
}

function providerTls(tls: TraefikProviderTlsProps | undefined): Obj | undefined {
  return tls ? pick(tls, ['ca', 'cert', 'key', 'insecureSkipVerify']) : undefined;
}

function checkResolver(r: TraefikCertificatesResolverProps): void {
  checkName(WHERE, 'certificates resolver name', r.name);
  const where = `${WHERE} certificatesResolvers.${r.name}`;
  if (Boolean(r.tailscale) === Boolean(r.acme)) {
    throw new ConfigError(
      where,
      'tailscale/acme',
      { tailscale: r.tailscale, acme: r.acme ? '{...}' : undefined },
      'Give exactly one of tailscale: true and acme.',
    );
  }
  const acme = r.acme;
  if (!acme) return;
  if (!isToken(acme.email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(acme.email ?? '')) {
    throw new ConfigError(where, 'acme.email', acme.email, 'Give an e-mail address.');
  }
  checkPath(where, 'acme.storage', acme.storage);
  if (acme.caServer !== undefined) checkHttpUrl(where, 'acme.caServer', acme.caServer);
  checkEnum(where, 'acme.keyType', acme.keyType, AcmeKeyType);
  if (Boolean(acme.tlsChallenge) === Boolean(acme.httpChallenge)) {
    throw new ConfigError(
      where,
      'acme challenge',
      { tlsChallenge: acme.tlsChallenge, httpChallenge: acme.httpChallenge },
      'Give exactly one of tlsChallenge: true and httpChallenge (DNS challenges are not modelled).',
    );
  }
  if (acme.httpChallenge)
    checkName(where, 'acme.httpChallenge.entryPoint', acme.httpChallenge.entryPoint);
}

function resolverObject(r: TraefikCertificatesResolverProps): Obj {
  if (r.tailscale) return { tailscale: {} };
  const a = r.acme!;
  return {
    acme: compact({
      email: a.email,
      storage: a.storage ?? 'acme.json',
      caServer: a.caServer,
      keyType: a.keyType,
      tlsChallenge: a.tlsChallenge ? {} : undefined,
      httpChallenge: a.httpChallenge ? { entryPoint: a.httpChallenge.entryPoint } : undefined,
    }),
  };
}

function checkTransports(p: TraefikStaticConfigProps): void {
  const st = p.serversTransport;
  if (st) {
    (st.rootCAs ?? []).forEach((ca, i) => checkPath(WHERE, `serversTransport.rootCAs[${i}]`, ca));
    checkInteger(
      WHERE,
      'serversTransport.maxIdleConnsPerHost',
      st.maxIdleConnsPerHost,
      -1,
      'Give -1 (no reuse), 0 (default) or more.',
    );
  }
  const tcp = p.tcpServersTransport;
  if (tcp) {
    checkDuration(WHERE, 'tcpServersTransport.dialTimeout', tcp.dialTimeout);
    checkDuration(WHERE, 'tcpServersTransport.dialKeepAlive', tcp.dialKeepAlive);
    (tcp.tls?.rootCAs ?? []).forEach((ca, i) =>
      checkPath(WHERE, `tcpServersTransport.tls.rootCAs[${i}]`, ca),
    );
  }
}
