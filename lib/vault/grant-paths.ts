import { createHash } from 'crypto';
import { isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { splitTokens } from '../core/tokens';
import type { Task } from '../nomad/task';

/**
 * Rules for the names and paths `VaultNomadIntegration` derives from jobs and tasks.
 * @internal
 */

/**
 * A job name or namespace that becomes a segment of a KV path: Vault reads `+` and `*` in a
 * policy path as wildcards (after identity templating too), and `/` would nest one job's path
 * inside another's, so any of them would widen a grant across jobs.
 */
export function checkPathSegment(where: string, prop: string, value: string): void {
  if (isToken(value)) {
    throw new ConfigError(
      where,
      prop,
      value,
      'It becomes part of Vault policy paths and role names, so it must be known at synthesis; ' +
        'give a literal name.',
    );
  }
  if (/[+*/]/.test(value) || value === '.' || value === '..') {
    throw new ConfigError(
      where,
      prop,
      value,
      'It becomes a segment of Vault KV paths, where "+" and "*" are wildcards and "/" nests ' +
        "one job's secrets inside another's; rename the job or namespace without them.",
    );
  }
}

/**
 * An `extraPaths` entry: a KV v2 secret path relative to `<mount>/data/`, such as `shared/db`
 * or `team/*`. Refused: empty paths and segments, `.`/`..`, `+` segments and a bare `*` (which
 * would reach every job's secrets), and paths that repeat the mount or `data/` prefix.
 */
export function checkExtraPath(where: string, mount: string, path: string): string {
  const fix = (why: string) =>
    `extraPaths are KV v2 paths relative to "${mount}/data/", e.g. "shared/db" or "team/*". ${why}`;
  if (isToken(path)) return path;
  if (typeof path !== 'string') throw new ConfigError(where, 'extraPaths entry', path, fix(''));
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed.startsWith(`${mount}/data/`) || trimmed.startsWith(`${mount}/metadata/`)) {
    throw new ConfigError(
      where,
      'extraPaths entry',
      path,
      fix(
        `Drop the "${mount}/data/" prefix: give "${trimmed.replace(/^[^/]+\/(data|metadata)\//, '')}".`,
      ),
    );
  }
  if (trimmed.startsWith('data/') || trimmed.startsWith('metadata/')) {
    throw new ConfigError(
      where,
      'extraPaths entry',
      path,
      fix(`Drop the "data/" prefix: give "${trimmed.replace(/^(data|metadata)\//, '')}".`),
    );
  }
  const segments = trimmed.split('/');
  if (trimmed === '' || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ConfigError(
      where,
      'extraPaths entry',
      path,
      fix('Empty, "." and ".." segments are not paths.'),
    );
  }
  if (trimmed === '*' || segments.includes('+') || segments.some((s) => s.includes('+'))) {
    throw new ConfigError(
      where,
      'extraPaths entry',
      path,
      fix(
        'A bare "*" or a "+" segment would match every job\'s secrets; name the prefix you mean.',
      ),
    );
  }
  const star = trimmed.indexOf('*');
  if (star !== -1 && star !== trimmed.length - 1) {
    throw new ConfigError(
      where,
      'extraPaths entry',
      path,
      fix('Vault reads "*" only at the end of a path.'),
    );
  }
  return trimmed;
}

/** The literal identity of a task's grant: namespace, job, group and task names. */
export function grantIdentity(task: Task): {
  namespace: string;
  job: string;
  group: string;
  task: string;
} {
  return {
    namespace: task.job.namespace,
    job: task.job.name,
    group: task.group.name,
    task: task.name,
  };
}

/**
 * A name Vault can hold for a task's grant: `<prefix>-<job>-<task>-<hash>`, lower case, where
 * the hash covers the exact namespace, job, group and task names, so names that differ only in
 * case or in where the dashes fall stay distinct.
 */
export function grantName(prefix: string, task: Task): string {
  const id = grantIdentity(task);
  const hash = createHash('sha256')
    .update(JSON.stringify([id.namespace, id.job, id.group, id.task]))
    .digest('hex')
    .slice(0, 8);
  const slug = `${id.job}-${id.task}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 48);
  return `${lowerLiterals(prefix)}-${slug}-${hash}`;
}

/** Lower-cases the literal parts of text; references stay as they are. */
export function lowerLiterals(text: string): string {
  return splitTokens(text)
    .map((f) => (f.isToken ? f.text : f.text.toLowerCase()))
    .join('');
}

/**
 * An `extraPaths` entry that reaches another job's own path: equal to it, inside it, or a
 * wildcard covering it, or (workload identity) anywhere under a namespace's prefix, where every
 * job of that namespace, built by this app or not, has its own path. Returns the fix, or
 * undefined when the path is clear of them.
 *
 * @param path the checked path, relative to `<mount>/data/`
 * @param ownPaths every job's own path the app knows, relative to `<mount>/data/`
 * @param namespaces namespace prefixes under which job paths live (empty in legacy mode)
 */
export function coveredOwnPath(
  path: string,
  ownPaths: readonly string[],
  namespaces: readonly string[],
): string | undefined {
  if (isToken(path)) return undefined;
  const prefix = path.endsWith('*') ? path.slice(0, -1) : undefined;
  const first = path.split('/')[0].replace(/\*$/, '');
  if (
    namespaces.includes(first) ||
    (prefix !== undefined && namespaces.some((n) => n.startsWith(prefix)))
  ) {
    return (
      `Paths under "<namespace>/" are jobs' own paths (every job gets "<namespace>/<job>"), ` +
      'and the job is granted its own already; keep shared secrets outside them, e.g. "shared/db".'
    );
  }
  const other = ownPaths.find(
    (own) =>
      path === own ||
      path.startsWith(`${own}/`) ||
      (prefix !== undefined && own.startsWith(prefix)),
  );
  if (other === undefined) return undefined;
  return `It reaches the own path "${other}" of a job; keep shared secrets outside jobs' paths, e.g. "shared/db".`;
}

/** API paths whose change rewrites what tokens may do: policies, auth methods and their roles. */
const PRIVILEGED_PATH =
  /^(?:sys\/(?:policy|policies|auth|mounts|audit|raw|remount|seal|generate-root|rotate)(?:\/|$|\*)|auth\/[^/]+\/(?:role|roles|config|users|groups|map)(?:\/|$|\*)|auth\/token\/(?:roles|create)|identity\/)/;
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'sudo']);

/**
 * An `extraRules` rule that would let a task's token change what tokens may do (write a policy,
 * a role of an auth method, mount or configure auth): one job could then rewrite every job's
 * policy. Returns the fix, or undefined.
 */
export function privilegedRule(path: string, capabilities: readonly string[]): string | undefined {
  if (isToken(path) || isToken(capabilities)) return undefined;
  const trimmed = path.replace(/^\/+/, '');
  if (!PRIVILEGED_PATH.test(trimmed) && trimmed !== '*' && trimmed !== '+') return undefined;
  if (!capabilities.some((c) => WRITES.has(c))) return undefined;
  return (
    'A task token that may change policies, auth methods or their roles can widen every ' +
    "job's grants; run such changes from the pipeline (Terraform), not from a task."
  );
}
