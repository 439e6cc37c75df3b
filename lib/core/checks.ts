import { Token } from 'cdktf';
import { ConfigError } from './errors';

/**
 * Checks shared by every area. Each one lets a cdktf token through unchecked: its value is
 * known only when Terraform runs.
 * @internal
 */

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Whether text holds a control character (C0, DEL or C1) or a Unicode line or paragraph
 * separator: what readers end a line at, refuse or fold, and what writers escape.
 */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** True when the value is (or holds) a cdktf token, which only Terraform can resolve. */
export function isToken(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

/** An integer from `min` to `max` (inclusive). */
export function checkInteger(
  where: string,
  prop: string,
  value: number | undefined,
  min: number,
  fix: string,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(where, prop, value, fix);
  }
}

const GO_DURATION = /^(?:0|[+]?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;

/** A Go duration such as `10s`, `1m30s` or `72h`. */
export function checkDuration(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (!GO_DURATION.test(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      'Give a Go duration: a number with a unit of ns, us, ms, s, m or h, e.g. "30s" or "1h30m".',
    );
  }
}

/** Parses a Go duration into seconds (for range checks); undefined for tokens. */
export function goDurationSeconds(value: string): number | undefined {
  if (isToken(value) || !GO_DURATION.test(value)) return undefined;
  const units: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * units[m[2]];
  }
  return total;
}

/** One of a fixed set of values (enums are checked again at run time for JavaScript callers). */
export function checkOneOf(
  where: string,
  prop: string,
  value: string | undefined,
  allowed: readonly string[],
): void {
  if (value === undefined || isToken(value)) return;
  if (!allowed.includes(value)) {
    throw new ConfigError(where, prop, value, `Use one of: ${allowed.join(', ')}.`);
  }
}

/** A non-empty string. */
export function checkNonEmpty(where: string, prop: string, value: string, fix: string): void {
  if (isToken(value)) return;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(where, prop, value, fix);
  }
}

/**
 * Names that must be unique among siblings. Adding a name that is already there throws;
 * look-ups are constant time, so a job with thousands of groups stays linear.
 */
export class UniqueNames {
  private readonly names = new Set<string>();

  constructor(
    private readonly where: string,
    private readonly what: string,
  ) {}

  /** Records a name, or throws when a sibling already has it. */
  public add(name: string): void {
    if (this.names.has(name)) {
      throw new ConfigError(
        this.where,
        this.what,
        name,
        `Each ${this.what} must be unique within its parent; rename one of them.`,
      );
    }
    this.names.add(name);
  }

  /** Whether the name is taken. */
  public has(name: string): boolean {
    return this.names.has(name);
  }

  /** The names, in the order they were added. */
  public get all(): string[] {
    return [...this.names];
  }
}

/** A TCP/UDP port number from 1 to 65535. */
export function checkPortNumber(where: string, prop: string, port: number | undefined): void {
  checkInteger(where, prop, port, 1, 'A port number must be an integer from 1 to 65535.', 65535);
}

const RFC1123_LABEL = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i;

/** Whether text is an RFC 1123 DNS label: letters, digits and dashes, at most 63 characters. */
export function isRfc1123Label(text: string): boolean {
  return RFC1123_LABEL.test(text);
}

/**
 * An absolute http(s) URL with a host and no user name or password in it: addresses end up in
 * agent configuration and Terraform outputs, where credentials would be readable by anyone who
 * can read the state.
 */
export function checkHttpUrl(where: string, prop: string, address: string): URL | undefined {
  if (isToken(address)) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new ConfigError(
      where,
      prop,
      address,
      'Give a URL with scheme and host, e.g. "https://vault.example.com:8200".',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      where,
      prop,
      address.replace(/\/\/[^@/]*@/, '//***@'),
      'Remove the user name and password from the URL: addresses are written to agent ' +
        'configuration and Terraform outputs. Give credentials through a token instead.',
    );
  }
  return url;
}

/**
 * Whether a URL is plain HTTP to a host other than loopback or a Tailscale address
 * (100.64.0.0/10 or a `*.ts.net` name, whose traffic WireGuard encrypts).
 */
export function isPlainHttpToRemote(url: URL): boolean {
  const host = url.hostname;
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return url.protocol === 'http:' && !loopback && !isTailnetHost(host);
}

/** Whether a host is on a tailnet: 100.64.0.0/10 or a `*.ts.net` name. */
export function isTailnetHost(host: string): boolean {
  if (host.endsWith('.ts.net')) return true;
  const m = /^100\.(\d+)\.\d+\.\d+$/.exec(host);
  return m !== null && Number(m[1]) >= 64 && Number(m[1]) <= 127;
}
