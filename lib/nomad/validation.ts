import { Token } from 'cdktf';

/**
 * Thrown for a job specification Nomad would refuse. The message names where the problem is
 * (construct path and stanza), the property, the value received and what to do instead.
 */
export class JobSpecError extends Error {
  constructor(where: string, prop: string, value: unknown, fix: string) {
    super(`${where}: invalid ${prop} ${describe(value)}. ${fix}`);
    this.name = 'JobSpecError';
  }
}

/** Describes a received value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when the value is a cdktf token, which can only be checked by Terraform. */
export function isToken(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

/** Nomad's rule for job IDs: not empty, no spaces, no NUL characters. */
export function checkJobId(where: string, id: string): void {
  if (isToken(id)) return;
  if (id.length === 0 || /[ \0]/.test(id)) {
    throw new JobSpecError(
      where,
      'job name',
      id,
      'A Nomad job ID must be non-empty and hold no spaces or NUL characters, e.g. "traefik".',
    );
  }
}

/** Nomad's rule for task group names: not empty, no NUL characters. */
export function checkGroupName(where: string, name: string): void {
  if (isToken(name)) return;
  if (name.length === 0 || name.includes('\0')) {
    throw new JobSpecError(
      where,
      'group name',
      name,
      'A task group name must be non-empty and hold no NUL characters, e.g. "api".',
    );
  }
}

/** Nomad's rule for task names: not empty, no slashes, no NUL characters. */
export function checkTaskName(where: string, name: string): void {
  if (isToken(name)) return;
  if (name.length === 0 || /[/\\\0]/.test(name)) {
    throw new JobSpecError(
      where,
      'task name',
      name,
      'A task name must be non-empty and hold no slashes or NUL characters, e.g. "server".',
    );
  }
}

const RUNTIME_VARIABLE = /\$\{[a-zA-Z0-9_\-.]+\}/g;
const RFC1123_LABEL = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i;

/**
 * Nomad's rule for service names: an RFC 1123 DNS label (letters, digits and dashes, at most
 * 63 characters, no dash at either end), where runtime variables such as `${NOMAD_JOB_NAME}`
 * count as a placeholder word.
 */
export function checkServiceName(where: string, name: string): void {
  if (isToken(name)) return;
  if (!RFC1123_LABEL.test(name.replace(RUNTIME_VARIABLE, 'ENV-VAR'))) {
    throw new JobSpecError(
      where,
      'service name',
      name,
      'A service name must be an RFC 1123 label: letters, digits and dashes, at most 63 ' +
        'characters, starting and ending with a letter or digit (e.g. "count-api").',
    );
  }
}

/** Nomad port labels are used in `NOMAD_PORT_<label>`; they must be identifiers. */
export function checkPortLabel(where: string, label: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(label)) {
    throw new JobSpecError(
      where,
      'port label',
      label,
      'A port label must start with a letter or underscore and hold only letters, digits, ' +
        'underscores and dashes, e.g. "http".',
    );
  }
}

/** A TCP/UDP port number, 1 to 65535 (0 is allowed where Nomad reads it as unset). */
export function checkPortNumber(where: string, prop: string, port: number | undefined): void {
  if (port === undefined || isToken(port)) return;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new JobSpecError(where, prop, port, 'A port number must be an integer from 1 to 65535.');
  }
}

/** An integer at least `min`. */
export function checkInteger(
  where: string,
  prop: string,
  value: number | undefined,
  min: number,
  fix: string,
): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min) throw new JobSpecError(where, prop, value, fix);
}

const GO_DURATION = /^(?:0|[+]?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;

/** A Go duration string such as `10s`, `1m30s` or `72h`. */
export function checkDuration(where: string, prop: string, value: string | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (!GO_DURATION.test(value)) {
    throw new JobSpecError(
      where,
      prop,
      value,
      'Give a Go duration: a number with a unit of ns, us, ms, s, m or h, e.g. "30s" or "1h30m".',
    );
  }
}

/** One of a fixed set of strings. */
export function checkOneOf(
  where: string,
  prop: string,
  value: string | undefined,
  allowed: readonly string[],
): void {
  if (value === undefined || isToken(value)) return;
  if (!allowed.includes(value)) {
    throw new JobSpecError(where, prop, value, `Use one of: ${allowed.join(', ')}.`);
  }
}

/** Throws when a name is already taken among siblings. */
export function checkUnique(where: string, what: string, name: string, taken: Iterable<string>) {
  for (const other of taken) {
    if (other === name) {
      throw new JobSpecError(
        where,
        what,
        name,
        `Each ${what} must be unique within its parent; rename one of them.`,
      );
    }
  }
}
