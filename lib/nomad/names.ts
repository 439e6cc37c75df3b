import { isRfc1123Label, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { isHclIdentifier } from '../hcl/escape';

/**
 * Nomad's rules for the names in a job specification.
 * @internal
 */

/** Nomad's rule for job IDs: not empty, no spaces, no NUL characters. */
export function checkJobId(where: string, id: string): void {
  if (isToken(id)) return;
  if (typeof id !== 'string' || id.length === 0 || /[ \0]/.test(id)) {
    throw new ConfigError(
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
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new ConfigError(
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
  if (typeof name !== 'string' || name.length === 0 || /[/\\\0]/.test(name)) {
    throw new ConfigError(
      where,
      'task name',
      name,
      'A task name must be non-empty and hold no slashes or NUL characters, e.g. "server".',
    );
  }
}

const RUNTIME_VARIABLE = /\$\{[a-zA-Z0-9_\-.]+\}/g;

/**
 * Nomad's rule for service names: an RFC 1123 DNS label (letters, digits and dashes, at most
 * 63 characters, no dash at either end), where runtime variables such as `${NOMAD_JOB_NAME}`
 * count as a placeholder word.
 */
export function checkServiceName(where: string, name: string, prop = 'service name'): void {
  if (isToken(name)) return;
  if (typeof name !== 'string' || !isRfc1123Label(name.replace(RUNTIME_VARIABLE, 'ENV-VAR'))) {
    throw new ConfigError(
      where,
      prop,
      name,
      'A service name must be an RFC 1123 label: letters, digits and dashes, at most 63 ' +
        'characters, starting and ending with a letter or digit (e.g. "count-api").',
    );
  }
}

/** Nomad port labels are used in `NOMAD_PORT_<label>`; they must be identifiers. */
export function checkPortLabel(where: string, label: string): void {
  if (isToken(label)) return;
  if (typeof label !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(label)) {
    throw new ConfigError(
      where,
      'port label',
      label,
      'A port label must start with a letter or underscore and hold only letters, digits, ' +
        'underscores and dashes, e.g. "http".',
    );
  }
}

/**
 * Keys of a map Nomad reads only as a block (`meta {}` of a service, `env {}` of a sidecar
 * task, artifact `options {}` and `headers {}`): HCL2 block bodies take identifiers only.
 */
export function checkBlockKeys(
  where: string,
  prop: string,
  map: Readonly<Record<string, string>> | undefined,
): void {
  for (const key of Object.keys(map ?? {})) {
    if (isToken(key) || isHclIdentifier(key)) continue;
    throw new ConfigError(
      where,
      `${prop} key`,
      key,
      'Nomad reads this map only as a block, whose keys must be identifiers (letters, digits, ' +
        'underscores and dashes, not starting with a digit). Rename the key.',
    );
  }
}

/** Nomad's rule for namespace names: 1 to 128 letters, digits and dashes. */
export function checkNamespaceName(where: string, name: string): void {
  if (isToken(name)) return;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9-]{1,128}$/.test(name)) {
    throw new ConfigError(
      where,
      'namespace',
      name,
      'A Nomad namespace name holds 1 to 128 letters, digits and dashes, e.g. "apps".',
    );
  }
}
