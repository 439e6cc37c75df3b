import { Token } from 'cdktf';
import { checkInteger, checkPortNumber, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { TraefikTlsDomain } from './common';
import { RuleProtocol, TraefikRule } from './rule';
import {
  checkLiteral,
  checkName,
  checkReference,
  checkUnique,
  referenceProvider,
  tlsDomains,
} from './validate';

/** The protocol Traefik speaks to an HTTP backend. */
export enum BackendScheme {
  /** Plain HTTP/1.1. */
  HTTP = 'http',
  /** HTTP over TLS: the backend's certificate is verified (see servers transports). */
  HTTPS = 'https',
  /** HTTP/2 without TLS (cleartext), e.g. gRPC servers without TLS. */
  H2C = 'h2c',
}

/**
 * TLS of an HTTP router: Traefik terminates TLS for requests matching the router.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/tls/overview/
 */
export interface HttpRouterTlsProps {
  /**
   * Certificate resolver (static configuration `certificatesResolvers.<name>`) that obtains the
   * router's certificate.
   * @default - a certificate from the TLS stores (file provider) or Traefik's default one
   */
  readonly certResolver?: string;
  /** Name of TLS options (`tls.options.<name>`), as `name` or `name@file`. @default - "default" */
  readonly options?: string;
  /** Domains to request from the resolver. @default - the host names of the rule */
  readonly domains?: TraefikTlsDomain[];
}

/**
 * An HTTP router, written as service tags.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/nomad/
 */
export interface HttpRouterTagProps {
  /** Which requests the router takes; must not contain TCP-only matchers (HostSNI). */
  readonly rule: TraefikRule;
  /**
   * Entry points the router listens on. Required: a router without entry points is attached to
   * every default entry point, internal ones included.
   */
  readonly entryPoints: string[];
  /** Terminate TLS on this router. @default - no TLS (unless the entry point sets it) */
  readonly tls?: HttpRouterTlsProps;
  /** Middlewares, in order, as `name` or `name@provider`. @default - none */
  readonly middlewares?: string[];
  /** Service the router forwards to, as `name` or `name@provider`. @default - the service's own */
  readonly service?: string;
  /** Priority among routers matching the same request (higher wins). @default - rule length */
  readonly priority?: number;
}

/**
 * Load balancer settings of an HTTP service, written as service tags.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/nomad/
 */
export interface HttpServiceTagProps {
  /** Backend port, when the registered service port is not the one to use. @default - the registered port */
  readonly port?: number;
  /** Protocol to the backend. @default BackendScheme.HTTP */
  readonly scheme?: BackendScheme;
  /**
   * Servers transport for the backend connection (root CAs, server name), defined in the file
   * provider's dynamic configuration: give it as `name@file`.
   * @default - the default servers transport of the static configuration
   */
  readonly serversTransport?: string;
  /** Forward the client's Host header to the backend. @default true */
  readonly passHostHeader?: boolean;
}

/**
 * TLS of a TCP router.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/tcp/tls/
 */
export interface TcpRouterTlsProps {
  /**
   * Forward the TLS connection to the backend untouched (the backend terminates TLS); the
   * router still reads the SNI. Incompatible with `certResolver` and `options`.
   * @default false
   */
  readonly passthrough?: boolean;
  /** Certificate resolver for the router's certificate. @default - the TLS stores' certificate */
  readonly certResolver?: string;
  /** TLS options, as `name` or `name@file`. @default - "default" */
  readonly options?: string;
  /** Domains to request from the resolver. @default - the HostSNI names of the rule */
  readonly domains?: TraefikTlsDomain[];
}

/**
 * A TCP router, written as service tags. Declaring a TCP router on a service suppresses the
 * HTTP router Traefik would otherwise create for it.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/nomad/
 */
export interface TcpRouterTagProps {
  /** Which connections the router takes: HostSNI and ClientIP matchers only. */
  readonly rule: TraefikRule;
  /** Entry points the router listens on (see HttpRouterTagProps.entryPoints). */
  readonly entryPoints: string[];
  /** TLS. Required for HostSNI rules other than ``HostSNI(`*`)``. @default - no TLS */
  readonly tls?: TcpRouterTlsProps;
  /** Service the router forwards to, as `name` or `name@provider`. @default - the service's own */
  readonly service?: string;
  /** Priority among TCP routers. @default - rule length */
  readonly priority?: number;
}

/**
 * Load balancer settings of a TCP service, written as service tags.
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/nomad/
 */
export interface TcpServiceTagProps {
  /** Backend port. @default - the registered port */
  readonly port?: number;
  /** TCP servers transport defined in the file provider, as `name@file`. @default - the static default */
  readonly serversTransport?: string;
  /** Open TLS to the backend. @default false */
  readonly tls?: boolean;
}

/**
 * Builds the service tags that Traefik's Nomad and Consul Catalog providers read. Every method
 * returns the tags as `key=value` strings, ready for a service's `tags`.
 *
 * Names (routers, services, entry points, resolvers) must be letters, digits, `-` and `_`;
 * references (services, middlewares, TLS options, transports) may add `@provider`.
 *
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/nomad/
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/other-providers/consul-catalog/
 */
export class TraefikTags {
  /** The providers' `prefix` option these tags are written for. */
  public readonly prefix: string;

  /** @param prefix the provider's `prefix` option. @default "traefik" */
  constructor(prefix: string = 'traefik') {
    checkName('TraefikTags', 'prefix', prefix);
    this.prefix = prefix;
  }

  /** `traefik.enable=true`: the service is routed although the provider does not expose by default. */
  public enable(): string[] {
    return [`${this.prefix}.enable=true`];
  }

  /**
   * `traefik.consulcatalog.connect=true`: Traefik reaches this service through Consul Connect
   * (Consul Catalog provider with `connectAware`). Not `traefik.connect` (traefik#8293).
   */
  public consulConnect(): string[] {
    return [`${this.prefix}.consulcatalog.connect=true`];
  }

  /** Tags of an HTTP router. */
  public httpRouter(name: string, props: HttpRouterTagProps): string[] {
    const where = `TraefikTags.httpRouter(${JSON.stringify(name)})`;
    checkName(where, 'router name', name);
    checkRule(where, props.rule);
    if (props.rule.protocol === RuleProtocol.TCP) {
      throw new ConfigError(
        where,
        'rule',
        props.rule.expression,
        'HostSNI is a TCP matcher: use tcpRouter for it, or Host() on an HTTP router.',
      );
    }
    const key = `${this.prefix}.http.routers.${name}`;
    const tags = [`${key}.rule=${props.rule.expression}`];
    tags.push(`${key}.entrypoints=${entryPoints(where, props.entryPoints)}`);
    if (props.tls) tags.push(...tlsTags(where, key, props.tls));
    if (props.middlewares !== undefined) {
      checkLiteral(where, 'middlewares', props.middlewares, 'each middleware is checked.');
      if (props.middlewares.length === 0) {
        throw new ConfigError(where, 'middlewares', [], 'Give at least one, or leave it out.');
      }
      props.middlewares.forEach((m, i) => checkReference(where, `middlewares[${i}]`, m));
      tags.push(`${key}.middlewares=${props.middlewares.join(',')}`);
    }
    if (props.service !== undefined) {
      checkReference(where, 'service', props.service);
      checkNotInternal(where, props.service);
      tags.push(`${key}.service=${props.service}`);
    }
    if (props.priority !== undefined)
      tags.push(`${key}.priority=${priority(where, props.priority)}`);
    return tags;
  }

  /** Tags of an HTTP service's load balancer. */
  public httpService(name: string, props: HttpServiceTagProps): string[] {
    const where = `TraefikTags.httpService(${JSON.stringify(name)})`;
    checkName(where, 'service name', name);
    const key = `${this.prefix}.http.services.${name}.loadbalancer`;
    const tags: string[] = [];
    if (props.port !== undefined) tags.push(`${key}.server.port=${port(where, props.port)}`);
    if (props.scheme !== undefined) {
      const schemes = Object.values(BackendScheme) as string[];
      if (!schemes.includes(props.scheme)) {
        throw new ConfigError(where, 'scheme', props.scheme, `Use one of: ${schemes.join(', ')}.`);
      }
      tags.push(`${key}.server.scheme=${props.scheme}`);
    }
    if (props.serversTransport !== undefined) {
      tags.push(`${key}.serverstransport=${fileTransport(where, props.serversTransport)}`);
    }
    if (props.passHostHeader !== undefined) {
      tags.push(`${key}.passhostheader=${props.passHostHeader}`);
    }
    if (tags.length === 0) {
      throw new ConfigError(
        where,
        'props',
        props,
        'Set at least one of port, scheme, serversTransport, passHostHeader (Traefik creates ' +
          'the service from the registration otherwise; no tags are needed).',
      );
    }
    return tags;
  }

  /** Tags of a TCP router. */
  public tcpRouter(name: string, props: TcpRouterTagProps): string[] {
    const where = `TraefikTags.tcpRouter(${JSON.stringify(name)})`;
    checkName(where, 'router name', name);
    checkRule(where, props.rule);
    if (props.rule.protocol === RuleProtocol.HTTP) {
      throw new ConfigError(
        where,
        'rule',
        props.rule.expression,
        'TCP routers take HostSNI and ClientIP matchers only; Host, Path and Header need an ' +
          'HTTP router (httpRouter).',
      );
    }
    if (!props.tls && props.rule.hosts.length > 0) {
      throw new ConfigError(
        where,
        'rule',
        props.rule.expression,
        'HostSNI with a server name works only on a TLS router (the name is read from the TLS ' +
          'handshake): set tls (termination or passthrough), or use TraefikRule.hostSniAny().',
      );
    }
    const key = `${this.prefix}.tcp.routers.${name}`;
    const tags = [`${key}.rule=${props.rule.expression}`];
    tags.push(`${key}.entrypoints=${entryPoints(where, props.entryPoints)}`);
    if (props.tls) {
      const { passthrough, ...termination } = props.tls;
      if (passthrough) {
        if (termination.certResolver !== undefined || termination.options !== undefined) {
          throw new ConfigError(
            where,
            'tls',
            props.tls,
            'With passthrough the backend terminates TLS and holds the certificate: remove ' +
              'certResolver and options, or turn passthrough off to let Traefik terminate TLS.',
          );
        }
        if (termination.domains !== undefined) {
          throw new ConfigError(
            where,
            'tls.domains',
            termination.domains,
            'With passthrough Traefik requests no certificate: remove domains.',
          );
        }
        tags.push(`${key}.tls=true`, `${key}.tls.passthrough=true`);
      } else {
        tags.push(...tlsTags(where, key, termination));
      }
    }
    if (props.service !== undefined) {
      checkReference(where, 'service', props.service);
      tags.push(`${key}.service=${props.service}`);
    }
    if (props.priority !== undefined)
      tags.push(`${key}.priority=${priority(where, props.priority)}`);
    return tags;
  }

  /** Tags of a TCP service's load balancer. */
  public tcpService(name: string, props: TcpServiceTagProps): string[] {
    const where = `TraefikTags.tcpService(${JSON.stringify(name)})`;
    checkName(where, 'service name', name);
    const key = `${this.prefix}.tcp.services.${name}.loadbalancer`;
    const tags: string[] = [];
    if (props.port !== undefined) tags.push(`${key}.server.port=${port(where, props.port)}`);
    if (props.tls !== undefined) tags.push(`${key}.server.tls=${props.tls}`);
    if (props.serversTransport !== undefined) {
      tags.push(`${key}.serverstransport=${fileTransport(where, props.serversTransport)}`);
    }
    if (tags.length === 0) {
      throw new ConfigError(
        where,
        'props',
        props,
        'Set at least one of port, tls, serversTransport (no tags are needed otherwise).',
      );
    }
    return tags;
  }
}

function checkRule(where: string, rule: TraefikRule): void {
  if (!(rule instanceof TraefikRule)) {
    throw new ConfigError(
      where,
      'rule',
      typeof rule,
      'Build the rule with the TraefikRule factories.',
    );
  }
}

function entryPoints(where: string, names: string[]): string {
  checkLiteral(where, 'entryPoints', names, 'entry points are checked by name.');
  if (!Array.isArray(names) || names.length === 0) {
    throw new ConfigError(
      where,
      'entryPoints',
      names,
      'Name at least one entry point: a router without entry points listens on every default ' +
        'entry point, internal ones included.',
    );
  }
  names.forEach((n, i) => checkName(where, `entryPoints[${i}]`, n));
  checkUnique(where, 'entry point', names);
  return names.join(',');
}

function tlsTags(
  where: string,
  key: string,
  tls: { certResolver?: string; options?: string; domains?: TraefikTlsDomain[] },
): string[] {
  const tags = [`${key}.tls=true`];
  if (tls.certResolver !== undefined) {
    checkName(where, 'tls.certResolver', tls.certResolver);
    tags.push(`${key}.tls.certresolver=${tls.certResolver}`);
  }
  if (tls.options !== undefined) {
    checkReference(where, 'tls.options', tls.options);
    tags.push(`${key}.tls.options=${tls.options}`);
  }
  if (tls.domains !== undefined) {
    tls.domains.forEach((d, i) => {
      checkLiteral(where, `tls.domains[${i}]`, d.main, 'domains are checked as host names.');
      (d.sans ?? []).forEach((s, j) =>
        checkLiteral(
          where,
          `tls.domains[${i}].sans[${j}]`,
          s,
          'domains are checked as host names.',
        ),
      );
    });
    tlsDomains(where, 'tls.domains', tls.domains)!.forEach((d, i) => {
      tags.push(`${key}.tls.domains[${i}].main=${d.main}`);
      if (d.sans) tags.push(`${key}.tls.domains[${i}].sans=${(d.sans as string[]).join(',')}`);
    });
  }
  return tags;
}

function fileTransport(where: string, ref: string): string {
  checkReference(where, 'serversTransport', ref);
  if (referenceProvider(ref) !== 'file') {
    throw new ConfigError(
      where,
      'serversTransport',
      ref,
      'Named servers transports can only be defined in dynamic configuration read by the file ' +
        'provider (TraefikDynamicConfig), not by tags: refer to one as "name@file".',
    );
  }
  return ref;
}

function port(where: string, value: number): string {
  checkPortNumber(where, 'port', value);
  return isToken(value) ? Token.asString(value) : String(value);
}

function priority(where: string, value: number): string {
  checkLiteral(where, 'priority', value, 'priorities order routers when tags are written.');
  checkInteger(where, 'priority', value, 1, 'Give a positive integer (higher wins).', 2 ** 31 - 1);
  return String(value);
}

/**
 * Traefik's own services (`api@internal`, `dashboard@internal`, `ping@internal`, …) are not
 * routed from a workload's tags: a router there could sit on any entry point, the public one
 * included, and serve Traefik's API (every router, service and middleware) to whoever reaches it.
 */
function checkNotInternal(where: string, service: string): void {
  if (isToken(service) || !service.endsWith('@internal')) return;
  throw new ConfigError(
    where,
    'service',
    service,
    "Traefik's own services are not routed from service tags; ZeroTrustIngress({ dashboard: " +
      'true }) serves the API and dashboard on its internal entry point, which is not published.',
  );
}
