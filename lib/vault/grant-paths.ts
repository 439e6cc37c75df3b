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
