import { checkDuration, checkHttpUrl, checkInteger, checkOneOf, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { TraefikTlsDomain } from './common';
import { RuleProtocol, TraefikRule } from './rule';
import { renderTemplateSafeYaml } from './template-safe-yaml';
import {
  checkHostName,
  checkIpList,
  checkLiteral,
  checkName,
  checkNotPrivateKey,
  checkPath,
  checkReference,
  checkText,
  checkUnique,
  referenceName,
  referenceProvider,
  tlsDomains,
} from './validate';
import { compact, copy, Obj } from './objects';

const WHERE = 'TraefikDynamicConfig';

/** TLS protocol versions. */
export enum TlsVersion {
  /** TLS 1.0: obsolete, listed by insecureChoices(). */
  TLS10 = 'VersionTLS10',
  /** TLS 1.1: obsolete, listed by insecureChoices(). */
  TLS11 = 'VersionTLS11',
  TLS12 = 'VersionTLS12',
  TLS13 = 'VersionTLS13',
}

/** Whether and how clients present certificates (mutual TLS). */
export enum ClientAuthType {
  NO_CLIENT_CERT = 'NoClientCert',
  REQUEST_CLIENT_CERT = 'RequestClientCert',
  REQUIRE_ANY_CLIENT_CERT = 'RequireAnyClientCert',
  VERIFY_CLIENT_CERT_IF_GIVEN = 'VerifyClientCertIfGiven',
  REQUIRE_AND_VERIFY_CLIENT_CERT = 'RequireAndVerifyClientCert',
}

/**
 * A certificate and its key, as files in Traefik's task (rendered there from Vault by Nomad
 * templates). Key text is refused: it would be readable in the job and Terraform state.
 */
export interface TraefikCertificateProps {
  /** Certificate (chain) file. */
  readonly certFile: string;
  /** Private key file. */
  readonly keyFile: string;
}

/**
 * A named transport to HTTP backends (`http.serversTransports.<name>`): how Traefik verifies
 * and authenticates to HTTPS backends. Tags refer to it as `<name>@file`.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/load-balancing/serverstransport/
 */
export interface TraefikHttpServersTransportProps {
  /** Name: letters, digits, "-" and "_". */
  readonly name: string;
  /** Server name checked against the backend certificate (and sent as SNI). @default - the backend's host */
  readonly serverName?: string;
  /** CA certificate files trusted for the backends (e.g. a private CA). @default - system roots */
  readonly rootCAs?: string[];
  /** Client certificates presented to the backends (mutual TLS). @default - none */
  readonly certificates?: TraefikCertificateProps[];
  /** Skip verifying backend certificates. Listed by insecureChoices(). @default false */
  readonly insecureSkipVerify?: boolean;
  /**
   * URI SAN the backend certificate must carry, e.g. a SPIFFE ID
   * `spiffe://<trust-domain>/ns/default/dc/dc1/svc/web` (Traefik v3 `peerCertURI`).
   * @default - no URI check
   */
  readonly peerCertURI?: string;
  /** Speak HTTP/1.1 only to the backends. @default false */
  readonly disableHTTP2?: boolean;
  /** Idle connections kept per backend host. @default 200 */
  readonly maxIdleConnsPerHost?: number;
}

/** TLS of a named TCP servers transport. */
export interface TraefikTcpServersTransportTlsConfigProps {
  /** Server name checked against the backend certificate (and sent as SNI). @default - the backend's host */
  readonly serverName?: string;
  /** CA certificate files trusted for the backends. @default - system roots */
  readonly rootCAs?: string[];
  /** Client certificates presented to the backends. @default - none */
  readonly certificates?: TraefikCertificateProps[];
  /** Skip verifying backend certificates. Listed by insecureChoices(). @default false */
  readonly insecureSkipVerify?: boolean;
  /** URI SAN the backend certificate must carry (Traefik v3 `peerCertURI`). @default - no URI check */
  readonly peerCertURI?: string;
}

/**
 * A named transport to TCP backends (`tcp.serversTransports.<name>`).
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/tcp/serverstransport/
 */
export interface TraefikTcpServersTransportConfigProps {
  /** Name: letters, digits, "-" and "_". */
  readonly name: string;
  /** Timeout to establish a connection, a Go duration. @default "30s" */
  readonly dialTimeout?: string;
  /** Keep-alive probe interval, a Go duration. @default "15s" */
  readonly dialKeepAlive?: string;
  /** TLS to the backends. @default - none */
  readonly tls?: TraefikTcpServersTransportTlsConfigProps;
}

/** Client certificate authentication of TLS options. */
export interface TraefikClientAuthProps {
  /** CA files client certificates are verified against. @default - none */
  readonly caFiles?: string[];
  /** Policy. @default ClientAuthType.NO_CLIENT_CERT */
  readonly clientAuthType?: ClientAuthType;
}

/**
 * Named TLS options (`tls.options.<name>`); routers refer to them as `<name>@file`. Options
 * named "default" apply to every router without options.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/tls/tls-options/
 */
export interface TraefikTlsOptionsProps {
  /** Name. */
  readonly name: string;
  /** Lowest TLS version accepted. TLS 1.0/1.1 are listed by insecureChoices(). @default TlsVersion.TLS12 */
  readonly minVersion?: TlsVersion;
  /** Highest TLS version accepted. @default TlsVersion.TLS13 */
  readonly maxVersion?: TlsVersion;
  /** Refuse connections without a matching SNI. @default false */
  readonly sniStrict?: boolean;
  /** Cipher suites for TLS 1.2 and below, by Go name (e.g. "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"). @default - Go's */
  readonly cipherSuites?: string[];
  /** Client certificate authentication. @default - none */
  readonly clientAuth?: TraefikClientAuthProps;
  /** ALPN protocols offered. @default - h2, http/1.1, acme-tls/1 */
  readonly alpnProtocols?: string[];
}

/** A server of a dynamic HTTP service. */
export interface TraefikServerProps {
  /** URL of the server, e.g. "https://10.0.0.5:8443". */
  readonly url: string;
}

/**
 * An HTTP service defined in the file (`http.services.<name>.loadBalancer`).
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/load-balancing/service/
 */
export interface TraefikHttpServiceProps {
  /** Name. */
  readonly name: string;
  /** Servers. */
  readonly servers: TraefikServerProps[];
  /** Forward the client's Host header. @default true */
  readonly passHostHeader?: boolean;
  /** Servers transport of this document (`name`) or another provider (`name@provider`). @default - static default */
  readonly serversTransport?: string;
}

/** TLS of a dynamic HTTP router. */
export interface TraefikRouterTlsProps {
  /** Certificate resolver. @default - the TLS stores' certificate */
  readonly certResolver?: string;
  /** TLS options, `name` (this document) or `name@provider`. @default - "default" */
  readonly options?: string;
  /** Domains to request. @default - the rule's host names */
  readonly domains?: TraefikTlsDomain[];
}

/**
 * An HTTP router defined in the file (`http.routers.<name>`).
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/routing/router/
 */
export interface TraefikHttpRouterProps {
  /** Name. */
  readonly name: string;
  /** Rule (HTTP matchers and ClientIP). */
  readonly rule: TraefikRule;
  /** Entry points (required: without, the router listens on every default entry point). */
  readonly entryPoints: string[];
  /** Service: `name` (this document) or `name@provider`, e.g. "api@internal". */
  readonly service: string;
  /** Middlewares: `name` (this document) or `name@provider`. @default - none */
  readonly middlewares?: string[];
  /** TLS. @default - none (unless the entry point sets it) */
  readonly tls?: TraefikRouterTlsProps;
  /** Priority (higher wins). @default - rule length */
  readonly priority?: number;
}

/**
 * A basicAuth middleware. Prefer `usersFile` (rendered from Vault into the task): inline
 * `users` put password hashes into the configuration text (listed by insecureChoices()).
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/middlewares/basicauth/
 */
export interface TraefikBasicAuthMiddlewareProps {
  /** Name. */
  readonly name: string;
  /** htpasswd lines `user:hash` (bcrypt, SHA1 or MD5 hashes). @default - none */
  readonly users?: string[];
  /** File of htpasswd lines. @default - none */
  readonly usersFile?: string;
  /** Realm shown by browsers. @default "traefik" */
  readonly realm?: string;
  /** Remove the Authorization header before forwarding. @default false */
  readonly removeHeader?: boolean;
}

/** How an allow list finds the client's address. */
export interface TraefikIpStrategyProps {
  /** Take the address at this depth of X-Forwarded-For, from the right. @default - the peer address */
  readonly depth?: number;
  /** Skip these addresses in X-Forwarded-For. @default - none */
  readonly excludedIPs?: string[];
}

/**
 * An ipAllowList middleware (v3's name for v2's ipWhiteList).
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/middlewares/ipallowlist/
 */
export interface TraefikIpAllowListMiddlewareProps {
  /** Name. */
  readonly name: string;
  /** Allowed addresses and CIDR ranges. */
  readonly sourceRange: string[];
  /** Address strategy. @default - the peer address */
  readonly ipStrategy?: TraefikIpStrategyProps;
  /** Status answered to refused clients. @default 403 */
  readonly rejectStatusCode?: number;
}

/**
 * A router to Traefik's API and dashboard (`api@internal`), on an internal entry point. The
 * static configuration must enable `api` (without `insecure`).
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/api-dashboard/
 */
export interface TraefikDashboardRouterProps {
  /** Internal entry point(s) serving the dashboard. */
  readonly entryPoints: string[];
  /** Router name. @default "dashboard" */
  readonly name?: string;
  /** Rule. @default - ``PathPrefix(`/api`) || PathPrefix(`/dashboard`)`` */
  readonly rule?: TraefikRule;
  /** Middlewares, e.g. an ipAllowList or basicAuth of this document. @default - none */
  readonly middlewares?: string[];
  /** TLS. @default - none */
  readonly tls?: TraefikRouterTlsProps;
}

/** Everything a TraefikDynamicConfig can be created with (each list can also be added to later). */
export interface TraefikDynamicConfigProps {
  /** Named HTTP servers transports. @default - none */
  readonly httpServersTransports?: TraefikHttpServersTransportProps[];
  /** Named TCP servers transports. @default - none */
  readonly tcpServersTransports?: TraefikTcpServersTransportConfigProps[];
  /** Certificates Traefik serves (matched by SNI). @default - none */
  readonly certificates?: TraefikCertificateProps[];
  /** Certificate served when no other matches (`tls.stores.default.defaultCertificate`). @default - a self-signed one */
  readonly defaultCertificate?: TraefikCertificateProps;
  /** Named TLS options. @default - none */
  readonly tlsOptions?: TraefikTlsOptionsProps[];
}

/**
 * Traefik dynamic configuration for what service tags cannot carry (named servers transports,
 * certificates, TLS options, routers to Traefik's internal services), read by the file provider
 * and rendered as template-safe YAML.
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/providers/others/file/
 */
export class TraefikDynamicConfig {
  private readonly httpTransports = new Map<string, Obj>();
  private readonly tcpTransports = new Map<string, Obj>();
  private readonly certificates: Obj[] = [];
  private defaultCertificate?: Obj;
  private readonly tlsOptions = new Map<string, Obj>();
  private readonly routers = new Map<string, { props: TraefikHttpRouterProps; obj: Obj }>();
  private readonly services = new Map<string, Obj>();
  private readonly middlewares = new Map<string, Obj>();
  private readonly risks: string[] = [];

  constructor(props: TraefikDynamicConfigProps = {}) {
    (props.httpServersTransports ?? []).forEach((t) => this.addHttpServersTransport(t));
    (props.tcpServersTransports ?? []).forEach((t) => this.addTcpServersTransport(t));
    (props.certificates ?? []).forEach((c) => this.addCertificate(c));
    if (props.defaultCertificate) this.setDefaultCertificate(props.defaultCertificate);
    (props.tlsOptions ?? []).forEach((o) => this.addTlsOptions(o));
  }

  /** Adds `http.serversTransports.<name>`. */
  public addHttpServersTransport(props: TraefikHttpServersTransportProps): void {
    const where = this.newName('http servers transport', props.name, this.httpTransports);
    checkTlsClient(where, props);
    checkInteger(
      where,
      'maxIdleConnsPerHost',
      props.maxIdleConnsPerHost,
      -1,
      'Give -1, 0 or more.',
    );
    if (props.insecureSkipVerify) {
      this.risks.push(
        `http.serversTransports.${props.name}.insecureSkipVerify: backends using this transport ` +
          'are not verified; anyone on the path can impersonate them. Trust their CA with rootCAs.',
      );
    }
    this.httpTransports.set(
      props.name,
      compact({
        serverName: props.serverName,
        rootCAs: copy(props.rootCAs),
        certificates: certificateList(props.certificates),
        insecureSkipVerify: props.insecureSkipVerify,
        peerCertURI: props.peerCertURI,
        disableHTTP2: props.disableHTTP2,
        maxIdleConnsPerHost: props.maxIdleConnsPerHost,
      }),
    );
  }

  /** Adds `tcp.serversTransports.<name>`. */
  public addTcpServersTransport(props: TraefikTcpServersTransportConfigProps): void {
    const where = this.newName('tcp servers transport', props.name, this.tcpTransports);
    checkDuration(where, 'dialTimeout', props.dialTimeout);
    checkDuration(where, 'dialKeepAlive', props.dialKeepAlive);
    const tls = props.tls;
    if (tls) checkTlsClient(`${where} tls`, tls);
    if (tls?.insecureSkipVerify) {
      this.risks.push(
        `tcp.serversTransports.${props.name}.tls.insecureSkipVerify: TLS backends using this ` +
          'transport are not verified; anyone on the path can impersonate them.',
      );
    }
    this.tcpTransports.set(
      props.name,
      compact({
        dialTimeout: props.dialTimeout,
        dialKeepAlive: props.dialKeepAlive,
        tls: tls
          ? compact({
              serverName: tls.serverName,
              rootCAs: copy(tls.rootCAs),
              certificates: certificateList(tls.certificates),
              insecureSkipVerify: tls.insecureSkipVerify,
              peerCertURI: tls.peerCertURI,
            })
          : undefined,
      }),
    );
  }

  /** Adds a certificate to `tls.certificates`. */
  public addCertificate(props: TraefikCertificateProps): void {
    this.certificates.push(certificate(`${WHERE} tls.certificates`, props));
  }

  /** Sets `tls.stores.default.defaultCertificate`. */
  public setDefaultCertificate(props: TraefikCertificateProps): void {
    this.defaultCertificate = certificate(`${WHERE} tls.stores.default`, props);
  }

  /** Adds `tls.options.<name>`. */
  public addTlsOptions(props: TraefikTlsOptionsProps): void {
    const where = this.newName('TLS options', props.name, this.tlsOptions);
    const versions = Object.values(TlsVersion) as string[];
    checkOneOf(where, 'minVersion', props.minVersion, versions);
    checkOneOf(where, 'maxVersion', props.maxVersion, versions);
    if (
      props.minVersion &&
      props.maxVersion &&
      versions.indexOf(props.minVersion) > versions.indexOf(props.maxVersion)
    ) {
      throw new ConfigError(
        where,
        'maxVersion',
        props.maxVersion,
        'Give a maxVersion at or above minVersion.',
      );
    }
    (props.cipherSuites ?? []).forEach((c, i) => {
      if (!isToken(c) && !/^TLS_[A-Z0-9_]+$/.test(c)) {
        throw new ConfigError(
          where,
          `cipherSuites[${i}]`,
          c,
          'Give a Go cipher suite name such as "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384".',
        );
      }
    });
    (props.alpnProtocols ?? []).forEach((a, i) => checkText(where, `alpnProtocols[${i}]`, a));
    const auth = props.clientAuth;
    if (auth) {
      checkOneOf(
        where,
        'clientAuth.clientAuthType',
        auth.clientAuthType,
        Object.values(ClientAuthType),
      );
      (auth.caFiles ?? []).forEach((f, i) => checkPath(where, `clientAuth.caFiles[${i}]`, f));
    }
    if (props.minVersion === TlsVersion.TLS10 || props.minVersion === TlsVersion.TLS11) {
      this.risks.push(
        `tls.options.${props.name}.minVersion ${props.minVersion}: TLS 1.0 and 1.1 are ` +
          'deprecated (RFC 8996) and weaker; use TLS 1.2 or later.',
      );
    }
    this.tlsOptions.set(
      props.name,
      compact({
        minVersion: props.minVersion,
        maxVersion: props.maxVersion,
        sniStrict: props.sniStrict,
        cipherSuites: copy(props.cipherSuites),
        clientAuth: auth
          ? compact({ caFiles: copy(auth.caFiles), clientAuthType: auth.clientAuthType })
          : undefined,
        alpnProtocols: copy(props.alpnProtocols),
      }),
    );
  }

  /** Adds `http.services.<name>` with a load balancer over the given servers. */
  public addHttpService(props: TraefikHttpServiceProps): void {
    const where = this.newName('http service', props.name, this.services);
    checkLiteral(where, 'servers', props.servers, 'each server URL is checked.');
    if (!props.servers || props.servers.length === 0) {
      throw new ConfigError(where, 'servers', props.servers, 'Give at least one server.');
    }
    props.servers.forEach((s, i) => checkHttpUrl(where, `servers[${i}].url`, s.url));
    if (props.serversTransport !== undefined) {
      checkReference(where, 'serversTransport', props.serversTransport);
    }
    this.services.set(props.name, {
      loadBalancer: compact({
        servers: props.servers.map((s) => ({ url: s.url })),
        passHostHeader: props.passHostHeader,
        serversTransport: props.serversTransport,
      }),
    });
  }

  /** Adds `http.routers.<name>`. */
  public addHttpRouter(props: TraefikHttpRouterProps): void {
    const where = this.newName('http router', props.name, this.routers);
    if (!(props.rule instanceof TraefikRule)) {
      throw new ConfigError(
        where,
        'rule',
        typeof props.rule,
        'Build the rule with the TraefikRule factories.',
      );
    }
    if (props.rule.protocol === RuleProtocol.TCP) {
      throw new ConfigError(
        where,
        'rule',
        props.rule.expression,
        'HostSNI is a TCP matcher; HTTP routers take Host, Path, PathPrefix, Header and ClientIP.',
      );
    }
    checkLiteral(where, 'entryPoints', props.entryPoints, 'entry points are checked by name.');
    if (!Array.isArray(props.entryPoints) || props.entryPoints.length === 0) {
      throw new ConfigError(
        where,
        'entryPoints',
        props.entryPoints,
        'Name at least one entry point: a router without entry points listens on every ' +
          'default entry point.',
      );
    }
    props.entryPoints.forEach((e, i) => checkName(where, `entryPoints[${i}]`, e));
    checkUnique(where, 'entry point', props.entryPoints);
    checkReference(where, 'service', props.service);
    (props.middlewares ?? []).forEach((m, i) => checkReference(where, `middlewares[${i}]`, m));
    checkLiteral(where, 'priority', props.priority, 'priorities order routers.');
    checkInteger(
      where,
      'priority',
      props.priority,
      1,
      'Give a positive integer (higher wins).',
      2 ** 31 - 1,
    );
    const tls = props.tls;
    if (tls?.certResolver !== undefined) checkName(where, 'tls.certResolver', tls.certResolver);
    if (tls?.options !== undefined) checkReference(where, 'tls.options', tls.options);
    this.routers.set(props.name, {
      props,
      obj: compact({
        rule: props.rule.expression,
        entryPoints: [...props.entryPoints],
        middlewares: copy(props.middlewares),
        service: props.service,
        priority: props.priority,
        tls: tls
          ? compact({
              certResolver: tls.certResolver,
              options: tls.options,
              domains: tlsDomains(where, 'tls.domains', tls.domains),
            })
          : undefined,
      }),
    });
  }

  /** Adds a basicAuth middleware (`http.middlewares.<name>.basicAuth`). */
  public addBasicAuthMiddleware(props: TraefikBasicAuthMiddlewareProps): void {
    const where = this.newName('middleware', props.name, this.middlewares);
    if ((props.users === undefined) === (props.usersFile === undefined)) {
      throw new ConfigError(
        where,
        'users/usersFile',
        { users: props.users ? '[...]' : undefined, usersFile: props.usersFile },
        'Give exactly one of users and usersFile (preferably usersFile, rendered from Vault).',
      );
    }
    (props.users ?? []).forEach((u, i) => {
      if (isToken(u)) return;
      if (!/^[^:\s]+:\S+$/.test(u)) {
        throw new ConfigError(
          where,
          `users[${i}]`,
          '(not shown)',
          'Give htpasswd lines "user:hash" (e.g. from `htpasswd -nB user`), never a clear-text password.',
        );
      }
    });
    checkPath(where, 'usersFile', props.usersFile);
    checkText(where, 'realm', props.realm);
    if (props.users) {
      this.risks.push(
        `http.middlewares.${props.name}.basicAuth.users: password hashes are written into the ` +
          'configuration text (readable in the job and Terraform state); prefer usersFile rendered from Vault.',
      );
    }
    this.middlewares.set(props.name, {
      basicAuth: compact({
        users: copy(props.users),
        usersFile: props.usersFile,
        realm: props.realm,
        removeHeader: props.removeHeader,
      }),
    });
  }

  /** Adds an ipAllowList middleware (`http.middlewares.<name>.ipAllowList`). */
  public addIpAllowListMiddleware(props: TraefikIpAllowListMiddlewareProps): void {
    const where = this.newName('middleware', props.name, this.middlewares);
    checkLiteral(where, 'sourceRange', props.sourceRange, 'each address is checked.');
    if (!props.sourceRange || props.sourceRange.length === 0) {
      throw new ConfigError(
        where,
        'sourceRange',
        props.sourceRange,
        'Give at least one address or CIDR range.',
      );
    }
    checkIpList(where, 'sourceRange', props.sourceRange);
    checkIpList(where, 'ipStrategy.excludedIPs', props.ipStrategy?.excludedIPs);
    checkInteger(where, 'ipStrategy.depth', props.ipStrategy?.depth, 0, 'Give 0 or more.');
    checkInteger(
      where,
      'rejectStatusCode',
      props.rejectStatusCode,
      100,
      'Give an HTTP status code.',
      599,
    );
    this.middlewares.set(props.name, {
      ipAllowList: compact({
        sourceRange: [...props.sourceRange],
        ipStrategy: props.ipStrategy
          ? compact({
              depth: props.ipStrategy.depth,
              excludedIPs: copy(props.ipStrategy.excludedIPs),
            })
          : undefined,
        rejectStatusCode: props.rejectStatusCode,
      }),
    });
  }

  /**
   * Adds a router to Traefik's API and dashboard (`api@internal`) on internal entry points.
   * Returns the router's name.
   */
  public addDashboardRouter(props: TraefikDashboardRouterProps): string {
    const name = props.name ?? 'dashboard';
    this.addHttpRouter({
      name,
      rule:
        props.rule ??
        TraefikRule.or(TraefikRule.pathPrefix('/api'), TraefikRule.pathPrefix('/dashboard')),
      entryPoints: props.entryPoints,
      service: 'api@internal',
      middlewares: props.middlewares,
      tls: props.tls,
    });
    return name;
  }

  /**
   * The HTTP routers whose service is `service` (e.g. `api@internal`), with their entry points.
   * @internal
   */
  public _routersTo(service: string): Array<{ name: string; entryPoints: readonly string[] }> {
    return [...this.routers]
      .filter(([, r]) => r.props.service === service)
      .map(([name, r]) => ({ name, entryPoints: r.props.entryPoints ?? [] }));
  }

  /** Entry points the routers of this document use (to check against the static configuration). */
  public get entryPointNames(): string[] {
    return [...new Set([...this.routers.values()].flatMap((r) => r.props.entryPoints))];
  }

  /**
   * The configuration as the plain object Traefik reads. Checks that unqualified references
   * (services, middlewares, TLS options, transports) name objects of this document.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toObject(): Record<string, any> {
    this.checkReferences();
    const http = compact({
      routers: mapObject(new Map([...this.routers].map(([k, v]) => [k, v.obj]))),
      middlewares: mapObject(this.middlewares),
      services: mapObject(this.services),
      serversTransports: mapObject(this.httpTransports),
    });
    const tcp = compact({ serversTransports: mapObject(this.tcpTransports) });
    const tls = compact({
      certificates:
        this.certificates.length > 0 ? this.certificates.map((c) => ({ ...c })) : undefined,
      options: mapObject(this.tlsOptions),
      stores: this.defaultCertificate
        ? { default: { defaultCertificate: { ...this.defaultCertificate } } }
        : undefined,
    });
    return compact({
      http: Object.keys(http).length > 0 ? http : undefined,
      tcp: Object.keys(tcp).length > 0 ? tcp : undefined,
      tls: Object.keys(tls).length > 0 ? tls : undefined,
    });
  }

  /** The configuration as YAML that consul-template and the file provider pass through unchanged. */
  public render(): string {
    return renderTemplateSafeYaml(WHERE, this.toObject());
  }

  /** The insecure choices in use, each with why it matters (for warnings). */
  public insecureChoices(): string[] {
    return [...this.risks];
  }

  private newName(what: string, name: string, taken: Map<string, unknown>): string {
    checkName(WHERE, `${what} name`, name);
    const where = `${WHERE} ${what} ${JSON.stringify(name)}`;
    if (taken.has(name)) {
      throw new ConfigError(
        where,
        `${what} name`,
        name,
        `Each ${what} needs its own name; rename one.`,
      );
    }
    return where;
  }

  private checkReferences(): void {
    // Unqualified references resolve within the file provider; `name@provider` may live elsewhere.
    const local = (ref: string) => referenceProvider(ref) === undefined;
    for (const [name, { props }] of this.routers) {
      const where = `${WHERE} http router ${JSON.stringify(name)}`;
      const service = props.service;
      if (local(service) && !this.services.has(service)) {
        throw new ConfigError(
          where,
          'service',
          service,
          'Add the service with addHttpService, or qualify it with its provider (e.g. "api@internal").',
        );
      }
      for (const m of props.middlewares ?? []) {
        if (local(m) && !this.middlewares.has(referenceName(m))) {
          throw new ConfigError(
            where,
            'middlewares',
            m,
            'Add the middleware to this document, or qualify it with its provider.',
          );
        }
      }
      const options = props.tls?.options;
      if (
        options !== undefined &&
        local(options) &&
        options !== 'default' &&
        !this.tlsOptions.has(referenceName(options))
      ) {
        throw new ConfigError(
          where,
          'tls.options',
          options,
          'Add the TLS options with addTlsOptions, or qualify them with their provider.',
        );
      }
    }
    for (const [name, service] of this.services) {
      const transport = (service.loadBalancer as Obj).serversTransport as string | undefined;
      if (
        transport !== undefined &&
        local(transport) &&
        !this.httpTransports.has(referenceName(transport))
      ) {
        throw new ConfigError(
          `${WHERE} http service ${JSON.stringify(name)}`,
          'serversTransport',
          transport,
          'Add the transport with addHttpServersTransport.',
        );
      }
    }
  }
}

function mapObject(map: Map<string, Obj>): Obj | undefined {
  return map.size > 0 ? Object.fromEntries(map) : undefined;
}

function certificate(where: string, props: TraefikCertificateProps): Obj {
  checkPath(where, 'certFile', props.certFile);
  checkNotPrivateKey(where, 'keyFile', props.keyFile);
  checkPath(where, 'keyFile', props.keyFile);
  return { certFile: props.certFile, keyFile: props.keyFile };
}

function certificateList(list: TraefikCertificateProps[] | undefined): Obj[] | undefined {
  return list?.map((c) => certificate(`${WHERE} certificates`, c));
}

function checkTlsClient(
  where: string,
  props: { serverName?: string; rootCAs?: string[]; peerCertURI?: string },
): void {
  if (props.serverName !== undefined) checkHostName(where, 'serverName', props.serverName);
  (props.rootCAs ?? []).forEach((ca, i) => checkPath(where, `rootCAs[${i}]`, ca));
  if (props.peerCertURI !== undefined && !isToken(props.peerCertURI)) {
    if (!/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(props.peerCertURI)) {
      throw new ConfigError(
        where,
        'peerCertURI',
        props.peerCertURI,
        'Give a URI such as "spiffe://example.org/ns/default/svc/web".',
      );
    }
  }
}
