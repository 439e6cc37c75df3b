import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { RuleProtocol, TraefikRule } from '../../lib';

describe('matchers', () => {
  test.each([
    ['host', () => TraefikRule.host('a.example.com'), 'Host(`a.example.com`)', RuleProtocol.HTTP],
    ['path', () => TraefikRule.path('/health'), 'Path(`/health`)', RuleProtocol.HTTP],
    [
      'pathPrefix',
      () => TraefikRule.pathPrefix('/api/v1'),
      'PathPrefix(`/api/v1`)',
      RuleProtocol.HTTP,
    ],
    [
      'header',
      () => TraefikRule.header('Content-Type', 'application/grpc'),
      'Header(`Content-Type`, `application/grpc`)',
      RuleProtocol.HTTP,
    ],
    [
      'hostSni',
      () => TraefikRule.hostSni('vm.example.com'),
      'HostSNI(`vm.example.com`)',
      RuleProtocol.TCP,
    ],
    [
      'hostSni wildcard',
      () => TraefikRule.hostSni('*.example.com'),
      'HostSNI(`*.example.com`)',
      RuleProtocol.TCP,
    ],
    ['hostSniAny', () => TraefikRule.hostSniAny(), 'HostSNI(`*`)', RuleProtocol.TCP],
    ['hostSni("*")', () => TraefikRule.hostSni('*'), 'HostSNI(`*`)', RuleProtocol.TCP],
    [
      'clientIp v4',
      () => TraefikRule.clientIp('10.0.0.0/8'),
      'ClientIP(`10.0.0.0/8`)',
      RuleProtocol.ANY,
    ],
    ['clientIp v6', () => TraefikRule.clientIp('fd00::1'), 'ClientIP(`fd00::1`)', RuleProtocol.ANY],
  ])('%s', (_name, build, expression, protocol) => {
    // WHEN the matcher is built
    const rule = build();
    // THEN it has Traefik v3 syntax and the protocol of its routers
    expect(rule.expression).toBe(expression);
    expect(rule.toString()).toBe(expression);
    expect(rule.protocol).toBe(protocol);
  });

  test('hosts lists Host and HostSNI names (not *), matchesAnySni only for HostSNI(`*`)', () => {
    // GIVEN rules with and without host names
    const http = TraefikRule.and(TraefikRule.host('a.example.com'), TraefikRule.pathPrefix('/x'));
    const tcp = TraefikRule.or(TraefikRule.hostSni('b.example.com'), TraefikRule.hostSniAny());
    // THEN the names are collected, `*` is reported separately
    expect(http.hosts).toEqual(['a.example.com']);
    expect(http.matchesAnySni).toBe(false);
    expect(tcp.hosts).toEqual(['b.example.com']);
    expect(tcp.matchesAnySni).toBe(true);
    expect(TraefikRule.clientIp('10.0.0.1').hosts).toEqual([]);
  });
});

describe('and / or / not', () => {
  const a = TraefikRule.host('a.example.com');
  const b = TraefikRule.pathPrefix('/b');
  const c = TraefikRule.header('X-C', 'c');

  test('and of matchers needs no parentheses', () => {
    expect(TraefikRule.and(a, b, c).expression).toBe(
      'Host(`a.example.com`) && PathPrefix(`/b`) && Header(`X-C`, `c`)',
    );
  });

  test('or inside and is parenthesised (&& binds tighter than ||)', () => {
    expect(TraefikRule.and(a, TraefikRule.or(b, c)).expression).toBe(
      'Host(`a.example.com`) && (PathPrefix(`/b`) || Header(`X-C`, `c`))',
    );
  });

  test('and inside or is parenthesised for readers', () => {
    expect(TraefikRule.or(TraefikRule.and(a, b), c).expression).toBe(
      '(Host(`a.example.com`) && PathPrefix(`/b`)) || Header(`X-C`, `c`)',
    );
  });

  test('nested operators of the same kind are flattened', () => {
    expect(TraefikRule.or(TraefikRule.or(a, b), c).expression).toBe(
      'Host(`a.example.com`) || PathPrefix(`/b`) || Header(`X-C`, `c`)',
    );
  });

  test('not of a matcher is a prefix, not of an expression wraps it', () => {
    expect(TraefikRule.not(b).expression).toBe('!PathPrefix(`/b`)');
    expect(TraefikRule.not(TraefikRule.or(a, b)).expression).toBe(
      '!(Host(`a.example.com`) || PathPrefix(`/b`))',
    );
    expect(TraefikRule.and(a, TraefikRule.not(b)).expression).toBe(
      'Host(`a.example.com`) && !PathPrefix(`/b`)',
    );
    expect(TraefikRule.not(TraefikRule.not(b)).expression).toBe('!(!PathPrefix(`/b`))');
  });

  test('a single rule is returned as is; ClientIP joins either protocol', () => {
    expect(TraefikRule.and(a)).toBe(a);
    expect(TraefikRule.and(a, TraefikRule.clientIp('10.0.0.0/8')).protocol).toBe(RuleProtocol.HTTP);
    expect(
      TraefikRule.and(TraefikRule.hostSniAny(), TraefikRule.clientIp('10.0.0.0/8')).protocol,
    ).toBe(RuleProtocol.TCP);
    expect(
      TraefikRule.or(TraefikRule.clientIp('10.0.0.1'), TraefikRule.clientIp('::1')).protocol,
    ).toBe(RuleProtocol.ANY);
  });

  test('HTTP and TCP matchers cannot be combined', () => {
    expect(() => TraefikRule.and(a, TraefikRule.hostSni('b.example.com'))).toThrow(
      /TraefikRule.and: .*cannot be combined/,
    );
    expect(() => TraefikRule.or(TraefikRule.hostSniAny(), b)).toThrow(
      /TraefikRule.or: .*HTTP router or a TCP router/,
    );
  });

  test('and/or need at least one rule', () => {
    expect(() => TraefikRule.and()).toThrow(
      /TraefikRule.and: invalid rules \[\]. Give at least one rule/,
    );
    expect(() => TraefikRule.or()).toThrow(/TraefikRule.or: invalid rules/);
  });
});

describe('rejected input (each names the factory, the value and the fix)', () => {
  test.each([
    [
      'backtick in host',
      () => TraefikRule.host('a`) || Host(`b.example.com'),
      /TraefikRule.host: invalid host name "a`\) \|\| Host\(`b.example.com". Remove backticks/,
    ],
    [
      'double quote in host',
      () => TraefikRule.host('a"b.example.com'),
      /TraefikRule.host: .*Remove backticks, quotes/,
    ],
    [
      'single quote in path',
      () => TraefikRule.pathPrefix("/it's"),
      /TraefikRule.pathPrefix: invalid path .*Remove backticks, quotes/,
    ],
    [
      'backslash in header value',
      () => TraefikRule.header('X', 'a\\b'),
      /TraefikRule.header: invalid header value .*backslashes/,
    ],
    [
      'newline in host',
      () => TraefikRule.host('a.example.com\nb'),
      /TraefikRule.host: invalid host name "a.example.com\\nb". .*newlines/,
    ],
    ['tab in path', () => TraefikRule.path('/a\tb'), /TraefikRule.path: .*control characters/],
    [
      'a..b host',
      () => TraefikRule.host('a..b'),
      /TraefikRule.host: invalid host name "a..b". Give a DNS host name/,
    ],
    ['leading dot', () => TraefikRule.host('.example.com'), /invalid host name ".example.com"/],
    ['trailing dot', () => TraefikRule.host('example.com.'), /invalid host name "example.com."/],
    ['label with underscore', () => TraefikRule.host('my_host.example.com'), /invalid host name/],
    ['label starting with dash', () => TraefikRule.host('-a.example.com'), /invalid host name/],
    ['label longer than 63', () => TraefikRule.host(`${'a'.repeat(64)}.com`), /invalid host name/],
    [
      'name longer than 253',
      () => TraefikRule.host(Array(64).fill('abc').join('.')),
      /at most 253 in all/,
    ],
    ['wildcard in Host', () => TraefikRule.host('*.example.com'), /Host\(\) takes no wildcards/],
    [
      'empty host',
      () => TraefikRule.host(''),
      /TraefikRule.host: invalid host name "". Give a non-empty string/,
    ],
    [
      'two-label wildcard SNI',
      () => TraefikRule.hostSni('*.*.example.com'),
      /TraefikRule.hostSni: invalid server name "\*.\*.example.com"/,
    ],
    ['wildcard over a TLD', () => TraefikRule.hostSni('*.com'), /at least two labels/],
    [
      'path without leading slash',
      () => TraefikRule.pathPrefix('api'),
      /TraefikRule.pathPrefix: invalid path "api". Give a path starting with "\/"/,
    ],
    ['path with a space', () => TraefikRule.path('/a b'), /invalid path "\/a b"/],
    ['path with braces', () => TraefikRule.path('/{id}'), /invalid path "\/\{id\}"/],
    ['bad percent escape', () => TraefikRule.path('/a%zz'), /invalid path/],
    [
      'header name with space',
      () => TraefikRule.header('Content Type', 'x'),
      /TraefikRule.header: invalid header name "Content Type"/,
    ],
    [
      'header value with braces',
      () => TraefikRule.header('X', '${NOMAD_JOB_NAME}'),
      /invalid header value .*braces/,
    ],
    ['empty header value', () => TraefikRule.header('X', ''), /invalid header value ""/],
    [
      'bad IP',
      () => TraefikRule.clientIp('10.0.0.256'),
      /TraefikRule.clientIp: invalid address "10.0.0.256". Give an IPv4 or IPv6 address or a CIDR range/,
    ],
    [
      'bad prefix length',
      () => TraefikRule.clientIp('10.0.0.0/33'),
      /invalid address "10.0.0.0\/33"/,
    ],
    [
      'bad v6 prefix length',
      () => TraefikRule.clientIp('fd00::/129'),
      /invalid address "fd00::\/129"/,
    ],
    ['host name as IP', () => TraefikRule.clientIp('example.com'), /invalid address "example.com"/],
    [
      'not a rule',
      () => TraefikRule.not('Host(`x`)' as unknown as TraefikRule),
      /TraefikRule.not: invalid rules\[0\] "string"/,
    ],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('a non-ts.net host is fine here: the Tailscale variant checks that, not the rule', () => {
    expect(TraefikRule.host('www.example.com').hosts).toEqual(['www.example.com']);
  });

  test('a Terraform reference is refused: it could not be checked', () => {
    // GIVEN a host name from a Terraform variable
    const stack = new TerraformStack(Testing.app(), 'rule');
    const host = new TerraformVariable(stack, 'host', { type: 'string' }).stringValue;
    // THEN the factory refuses it and says why
    expect(() => TraefikRule.host(host)).toThrow(
      /TraefikRule.host: .*Give literal text, not a Terraform reference/,
    );
    expect(() => TraefikRule.hostSni(host)).toThrow(
      /TraefikRule.hostSni: .*backtick that adds matchers/,
    );
  });
});
