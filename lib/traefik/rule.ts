import { hasControlCharacter, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { isHostName, isIpOrCidr } from './validate';

/** Which kind of router a rule can be used on. */
export enum RuleProtocol {
  /** HTTP routers only (`Host`, `Path`, `PathPrefix`, `Header`). */
  HTTP = 'HTTP',
  /** TCP routers only (`HostSNI`). */
  TCP = 'TCP',
  /** Both HTTP and TCP routers (`ClientIP`). */
  ANY = 'ANY',
}

/** How an expression is built, for parenthesising. */
enum Kind {
  MATCHER,
  NOT,
  AND,
  OR,
}

/**
 * Characters that could end a backtick-quoted matcher argument or start another token in
 * Traefik's rule grammar (backtick, both quotes, backslash); control characters are refused too.
 */
const BREAKOUT = /[`"'\\]/;

/** RFC 3986 path characters (pchar and "/"), without the single quote. */
const PATH = /^\/(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/** RFC 7230 header field name (token), without backtick and single quote. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&*+.^_|~-]+$/;

/** Visible ASCII and space, without backtick, quotes, backslash and braces. */
const HEADER_VALUE = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x5f\x61-\x7a\x7c\x7e]+$/;

/**
 * A Traefik v3 router rule, built from matchers that check their values.
 *
 * Values are written inside backticks, which Traefik's rule grammar cannot escape, so every
 * factory refuses a value that could end the argument or add matchers (backtick, quotes,
 * backslash, newlines and other control characters), and checks the value's own syntax: host
 * names are RFC 1123 host names, paths start with `/`, IPs and CIDR ranges parse.
 *
 * Values must be literal text. A cdktf token (a Terraform reference) is refused: its value is
 * known only when Terraform runs, so nothing could check it, and one backtick in it would add
 * matchers to the router, which decides who reaches which service.
 *
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/http/routing/rules-and-priority/
 * @see https://doc.traefik.io/traefik/v3.7/reference/routing-configuration/tcp/routing/rules-and-priority/
 */
export class TraefikRule {
  /** Matches requests for the host name (the `Host` header or the URL's authority). HTTP only. */
  public static host(name: string): TraefikRule {
    const where = 'TraefikRule.host';
    checkValue(where, 'host name', name);
    if (!isHostName(name)) {
      throw new ConfigError(
        where,
        'host name',
        name,
        'Give a DNS host name: labels of letters, digits and "-" separated by dots (no "..", ' +
          'no leading or trailing dot), each at most 63 characters, at most 253 in all. ' +
          'Host() takes no wildcards; use HostSNI for "*.example.com" on TCP routers.',
      );
    }
    return TraefikRule.matcher(`Host(\`${name}\`)`, RuleProtocol.HTTP, [name], false);
  }

  /**
   * Matches TLS connections by their SNI server name. TCP only, and only on routers with TLS
   * (`*` aside). A wildcard of one label, `*.example.com`, is allowed.
   */
  public static hostSni(name: string): TraefikRule {
    const where = 'TraefikRule.hostSni';
    checkValue(where, 'server name', name);
    if (name === '*') return TraefikRule.hostSniAny();
    const rest = name.startsWith('*.') ? name.slice(2) : name;
    if (!isHostName(rest) || (name.startsWith('*.') && !rest.includes('.'))) {
      throw new ConfigError(
        where,
        'server name',
        name,
        'Give a DNS host name, or "*." followed by a host name of at least two labels ' +
          '("*.example.com": the wildcard stands for exactly one label). Use hostSniAny() for ' +
          'any server name.',
      );
    }
    return TraefikRule.matcher(`HostSNI(\`${name}\`)`, RuleProtocol.TCP, [name], false);
  }

  /** Matches any TCP connection, with or without TLS: ``HostSNI(`*`)``. */
  public static hostSniAny(): TraefikRule {
    return TraefikRule.matcher('HostSNI(`*`)', RuleProtocol.TCP, [], true);
  }

  /** Matches requests whose path is exactly `path`. HTTP only. */
  public static path(path: string): TraefikRule {
    checkPath('TraefikRule.path', path);
    return TraefikRule.matcher(`Path(\`${path}\`)`, RuleProtocol.HTTP, [], false);
  }

  /** Matches requests whose path starts with `prefix`. HTTP only. */
  public static pathPrefix(prefix: string): TraefikRule {
    checkPath('TraefikRule.pathPrefix', prefix);
    return TraefikRule.matcher(`PathPrefix(\`${prefix}\`)`, RuleProtocol.HTTP, [], false);
  }

  /**
   * Matches requests with a header of exactly this value (v3 `Header`, one value per matcher),
   * e.g. `header('Content-Type', 'application/grpc')`. HTTP only.
   */
  public static header(name: string, value: string): TraefikRule {
    const where = 'TraefikRule.header';
    checkValue(where, 'header name', name);
    checkValue(where, 'header value', value);
    if (!HEADER_NAME.test(name)) {
      throw new ConfigError(
        where,
        'header name',
        name,
        'Give an HTTP header name: letters, digits and !#$%&*+.^_|~- only.',
      );
    }
    if (!HEADER_VALUE.test(value)) {
      throw new ConfigError(
        where,
        'header value',
        value,
        'Give a non-empty value of visible ASCII characters and spaces, without quotes, ' +
          'backslash or braces (Nomad interpolates ${…} in service tags).',
      );
    }
    return TraefikRule.matcher(`Header(\`${name}\`, \`${value}\`)`, RuleProtocol.HTTP, [], false);
  }

  /** Matches the client's address: an IPv4/IPv6 address or CIDR range. HTTP and TCP. */
  public static clientIp(cidrOrIp: string): TraefikRule {
    const where = 'TraefikRule.clientIp';
    checkValue(where, 'address', cidrOrIp);
    if (!isIpOrCidr(cidrOrIp)) {
      throw new ConfigError(
        where,
        'address',
        cidrOrIp,
        'Give an IPv4 or IPv6 address or a CIDR range, e.g. "10.0.0.0/8" or "fd00::/8".',
      );
    }
    return TraefikRule.matcher(`ClientIP(\`${cidrOrIp}\`)`, RuleProtocol.ANY, [], false);
  }

  /** Matches when every rule matches (`&&`). */
  public static and(...rules: TraefikRule[]): TraefikRule {
    return TraefikRule.combine('TraefikRule.and', Kind.AND, ' && ', rules);
  }

  /** Matches when any rule matches (`||`). */
  public static or(...rules: TraefikRule[]): TraefikRule {
    return TraefikRule.combine('TraefikRule.or', Kind.OR, ' || ', rules);
  }

  /** Matches when the rule does not (`!`). */
  public static not(rule: TraefikRule): TraefikRule {
    checkRules('TraefikRule.not', [rule]);
    const inner = rule.kind === Kind.MATCHER ? rule.expression : `(${rule.expression})`;
    return new TraefikRule(`!${inner}`, rule.protocol, rule.hosts, rule.matchesAnySni, Kind.NOT);
  }

  private static matcher(
    expression: string,
    protocol: RuleProtocol,
    hosts: string[],
    anySni: boolean,
  ): TraefikRule {
    return new TraefikRule(expression, protocol, hosts, anySni, Kind.MATCHER);
  }

  private static combine(
    where: string,
    kind: Kind.AND | Kind.OR,
    operator: string,
    rules: TraefikRule[],
  ): TraefikRule {
    checkRules(where, rules);
    if (rules.length === 0) {
      throw new ConfigError(where, 'rules', [], 'Give at least one rule.');
    }
    if (rules.length === 1) return rules[0];
    const protocols = new Set(rules.map((r) => r.protocol).filter((p) => p !== RuleProtocol.ANY));
    if (protocols.size > 1) {
      throw new ConfigError(
        where,
        'rules',
        rules.map((r) => r.expression),
        'HTTP matchers (Host, Path, PathPrefix, Header) and TCP matchers (HostSNI) cannot be ' +
          'combined: a rule belongs to an HTTP router or a TCP router. Only ClientIP works in both.',
      );
    }
    const protocol = protocols.size === 1 ? [...protocols][0] : RuleProtocol.ANY;
    // `&&` binds tighter than `||`; the other operator is parenthesised anyway, for readers.
    const parts = rules.map((r) =>
      r.kind === kind || r.kind === Kind.MATCHER || r.kind === Kind.NOT
        ? r.expression
        : `(${r.expression})`,
    );
    const hosts = [...new Set(rules.flatMap((r) => r.hosts))];
    return new TraefikRule(
      parts.join(operator),
      protocol,
      hosts,
      rules.some((r) => r.matchesAnySni),
      kind,
    );
  }

  /** The rule in Traefik v3 syntax, e.g. ``Host(`a.example.com`) && PathPrefix(`/api`)``. */
  public readonly expression: string;
  /** Which kind of router the rule can be used on. */
  public readonly protocol: RuleProtocol;
  /**
   * Every host name given to `Host` or `HostSNI`, in order, without duplicates, wherever it
   * sits in the rule (also under `!`). ``HostSNI(`*`)`` is not listed: see `matchesAnySni`.
   */
  public readonly hosts: string[];
  /** Whether the rule contains ``HostSNI(`*`)`` (any server name, also connections without TLS). */
  public readonly matchesAnySni: boolean;

  private readonly kind: Kind;

  private constructor(
    expression: string,
    protocol: RuleProtocol,
    hosts: string[],
    matchesAnySni: boolean,
    kind: Kind,
  ) {
    this.expression = expression;
    this.protocol = protocol;
    this.hosts = hosts;
    this.matchesAnySni = matchesAnySni;
    this.kind = kind;
  }

  /** The rule's expression. */
  public toString(): string {
    return this.expression;
  }
}

function checkRules(where: string, rules: TraefikRule[]): void {
  rules.forEach((r, i) => {
    if (!(r instanceof TraefikRule)) {
      throw new ConfigError(
        where,
        `rules[${i}]`,
        typeof r,
        'Give rules built with the TraefikRule factories.',
      );
    }
  });
}

function checkValue(where: string, prop: string, value: string): void {
  if (isToken(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      'Give literal text, not a Terraform reference: rule values are checked when the ' +
        'configuration is written, and a reference could carry a backtick that adds matchers.',
    );
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(where, prop, value, 'Give a non-empty string.');
  }
  if (BREAKOUT.test(value) || hasControlCharacter(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      'Remove backticks, quotes, backslashes, newlines and other control characters: they ' +
        'could end the matcher argument and add conditions to the rule.',
    );
  }
}

function checkPath(where: string, path: string): void {
  checkValue(where, 'path', path);
  if (!PATH.test(path)) {
    throw new ConfigError(
      where,
      'path',
      path,
      'Give a path starting with "/" made of URL path characters (letters, digits, ' +
        '-._~!$&()*+,;=:@/ and %XX escapes), e.g. "/api".',
    );
  }
}
