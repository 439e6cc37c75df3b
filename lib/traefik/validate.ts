import { isIP } from 'net';
import { checkPortNumber, hasControlCharacter, isRfc1123Label, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import type { TraefikTlsDomain } from './common';

/**
 * Checks shared by the Traefik models.
 * @internal
 */

/** Names of routers, services, middlewares, entry points, transports, resolvers and TLS options. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A reference to a Traefik object, optionally qualified by its provider: `name` or `name@file`. */
const REFERENCE = /^([A-Za-z0-9][A-Za-z0-9_-]*)(?:@([a-z][a-z0-9-]*))?$/;

/** Refuses a cdktf token where the value must be known when the configuration is written. */
export function checkLiteral(where: string, prop: string, value: unknown, why: string): void {
  if (isToken(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      `Give a literal value, not a Terraform reference: ${why}`,
    );
  }
}

/**
 * A name Traefik keys an object by. Letters, digits, `-` and `_` only: a dot would split a tag
 * key (`traefik.http.routers.<name>.rule`) and `@` separates a name from its provider.
 */
export function checkName(where: string, prop: string, name: string): void {
  checkLiteral(where, prop, name, 'names become tag keys and configuration keys.');
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(
      where,
      prop,
      name,
      'Use letters, digits, "-" and "_" only, starting with a letter or digit (no dots, no "@").',
    );
  }
}

/** A reference to a router's service or middleware: `name` or `name@provider`. */
export function checkReference(where: string, prop: string, ref: string): void {
  checkLiteral(where, prop, ref, 'references are tag values and configuration keys.');
  if (typeof ref !== 'string' || !REFERENCE.test(ref)) {
    throw new ConfigError(
      where,
      prop,
      ref,
      'Give a name (letters, digits, "-", "_"), optionally followed by "@" and a provider ' +
        'name, e.g. "api@internal" or "auth@file".',
    );
  }
}

/** The provider part of a reference (`file` in `auth@file`), or undefined when unqualified. */
export function referenceProvider(ref: string): string | undefined {
  return REFERENCE.exec(ref)?.[2];
}

/** The name part of a reference (`auth` in `auth@file`). */
export function referenceName(ref: string): string {
  return REFERENCE.exec(ref)?.[1] ?? ref;
}

/** Every name of a list must be unique. */
export function checkUnique(where: string, prop: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new ConfigError(where, prop, name, `Each ${prop} must be unique; rename one of them.`);
    }
    seen.add(name);
  }
}

/** Whether the text is a DNS host name: RFC 1123 labels, at most 253 characters in all. */
export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text.split('.').every(isRfc1123Label);
}

/** Whether the text is an IPv4/IPv6 address or a CIDR range of one. */
export function isIpOrCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return isIP(text) !== 0;
  const ip = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^(?:0|[1-9]\d{0,2})$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** A list of IP addresses or CIDR ranges. */
export function checkIpList(where: string, prop: string, list: string[] | undefined): void {
  if (list === undefined || isToken(list)) return;
  list.forEach((entry, i) => {
    if (isToken(entry)) return;
    if (!isIpOrCidr(entry)) {
      throw new ConfigError(
        where,
        `${prop}[${i}]`,
        entry,
        'Give an IPv4 or IPv6 address or a CIDR range, e.g. "10.0.0.0/8" or "fd00::/8".',
      );
    }
  });
}

/** A host name (no port, no scheme) such as `example.com`. */
export function checkHostName(where: string, prop: string, host: string): void {
  if (isToken(host)) return;
  if (typeof host !== 'string' || !isHostName(host)) {
    throw new ConfigError(
      where,
      prop,
      host,
      'Give a DNS host name: labels of letters, digits and "-" separated by dots, each at ' +
        'most 63 characters, at most 253 in all.',
    );
  }
}

/**
 * An entry point address, `[host]:port[/tcp|/udp]`, e.g. `:443`, `127.0.0.1:8081` or
 * `[::1]:8443/tcp`.
 */
export function checkAddress(where: string, prop: string, address: string): void {
  if (isToken(address)) return;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/]*):(\d{1,5})(?:\/(tcp|udp))?$/.exec(address ?? '');
  const host = match?.[1] ?? '';
  const hostOk =
    host === '' ||
    (host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4 || isHostName(host));
  if (!match || !hostOk) {
    throw new ConfigError(
      where,
      prop,
      address,
      'Give "[host]:port[/tcp|/udp]" with a numeric port, e.g. ":443" or "127.0.0.1:8081". ' +
        'Nomad does not interpolate ${NOMAD_PORT_…} in template files: use a static port.',
    );
  }
  checkPortNumber(where, prop, Number(match[2]));
}

/**
 * Consul's endpoint.address: `host:port` without scheme, or `unix:///absolute/path` (Consul's
 * API client dials a unix socket for that form; Nomad gives Connect-native tasks in bridge
 * mode one at `/alloc/tmp/consul_http.sock`).
 */
export function checkHostPort(where: string, prop: string, address: string): void {
  if (isToken(address)) return;
  if (/^unix:\/\/\/[^\s]+$/.test(address ?? '')) return;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/]+):(\d{1,5})$/.exec(address ?? '');
  const host = match?.[1] ?? '';
  const hostOk = host.startsWith('[')
    ? isIP(host.slice(1, -1)) === 6
    : isIP(host) === 4 || isHostName(host);
  if (!match || !hostOk) {
    throw new ConfigError(
      where,
      prop,
      address,
      'Give "host:port" without a scheme, e.g. "127.0.0.1:8500" (set the scheme separately), or "unix:///path/to/socket".',
    );
  }
  checkPortNumber(where, prop, Number(match[2]));
}

/** A one-line value: no newline or other control character. */
export function checkOneLine(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (typeof value !== 'string' || hasControlCharacter(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      'Remove newlines and other control characters: the value is a single line.',
    );
  }
}

/** A non-empty, one-line value. */
export function checkText(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(
      where,
      prop,
      value,
      'Give a non-empty value (or leave the property out).',
    );
  }
  checkOneLine(where, prop, value);
}

/** A file path inside Traefik's container or host, absolute or relative. */
export function checkPath(where: string, prop: string, path: string | undefined): void {
  checkText(where, prop, path);
}

/** Refuses PEM private-key text where a file path belongs: keys never go into the job. */
export function checkNotPrivateKey(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) {
    throw new ConfigError(
      where,
      prop,
      '(PEM private key, not shown)',
      'Give the path of a key file instead, rendered into the task by a Nomad template from ' +
        'Vault: key text in the configuration would be readable in the job and Terraform state.',
    );
  }
}

/** Checks domains and returns them as Traefik reads them. @internal */
export function tlsDomains(
  where: string,
  prop: string,
  domains: TraefikTlsDomain[] | undefined,
): Array<Record<string, unknown>> | undefined {
  if (domains === undefined) return undefined;
  checkLiteral(where, prop, domains, 'each domain is checked as a host name.');
  if (domains.length === 0) {
    throw new ConfigError(where, prop, domains, 'Give at least one domain, or leave it out.');
  }
  return domains.map((d, i) => {
    checkDomainName(where, `${prop}[${i}].main`, d.main);
    (d.sans ?? []).forEach((san, j) => checkDomainName(where, `${prop}[${i}].sans[${j}]`, san));
    return d.sans && d.sans.length > 0 ? { main: d.main, sans: [...d.sans] } : { main: d.main };
  });
}

function checkDomainName(where: string, prop: string, name: string): void {
  checkHostName(where, prop, typeof name === 'string' ? name.replace(/^\*\./, '') : name);
}
