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
 * The literal part of a path that holds references: everything before the first one, as a
 * prefix wildcard (`default/${ref}` reaches what `default/*` reaches).
 */
function literalPattern(path: string): string {
  if (!isToken(path)) return path;
  const first = splitTokens(path)[0];
  return first.isToken ? '*' : `${first.text}*`;
}

/**
 * An `extraPaths` entry that reaches another job's own path: equal to it, inside it, or a
 * wildcard covering it, or (workload identity) anywhere under a namespace's prefix, where every
 * job of that namespace, built by this app or not, has its own path. A path holding references
 * is judged by its literal beginning. Returns the fix, or undefined when the path is clear.
 *
 * @param path the checked path, relative to `<mount>/data/`
 * @param owners each job's own path, relative to `<mount>/data/`, with its job
 * @param self the job of the grant (its own path is its own)
 * @param namespaces namespace prefixes under which job paths live (empty in legacy mode)
 */
export function coveredOwnPath<J>(
  path: string,
  owners: ReadonlyMap<string, J>,
  self: J,
  namespaces: readonly string[],
): string | undefined {
  const pattern = literalPattern(path);
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : undefined;
  const first = pattern.split('/')[0];
  const underNamespace = namespaces.find(
    (n) =>
      first === n ||
      (prefix !== undefined && !prefix.includes('/') && n.startsWith(prefix)) ||
      (prefix !== undefined && prefix.startsWith(`${n}/`)),
  );
  if (underNamespace !== undefined) {
    return (
      `Paths under "${underNamespace}/" are the own paths of that namespace's jobs (every job ` +
      `gets "<namespace>/<job>"), and the job is granted its own already; keep shared secrets ` +
      `under a prefix that names no namespace (namespaces here: ${namespaces.join(', ')}).`
    );
  }
  const other = ownPathReached(pattern, owners, self);
  if (other === undefined) return undefined;
  return `It reaches the own path "${other}" of another job; keep shared secrets under a prefix no job is named after.`;
}

/**
 * The first own path of another job that a path pattern reaches: the path itself or one of its
 * prefixes (the path lies inside it), or, for a pattern ending in `*`, an own path under that
 * prefix (the pattern covers it). Looked up by prefix, so a check stays linear in the grants.
 */
function ownPathReached<J>(
  pattern: string,
  owners: ReadonlyMap<string, J>,
  self: J,
): string | undefined {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const segments = body.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    const owner = owners.get(prefix);
    if (owner !== undefined && owner !== self && (i < segments.length || !glob)) return prefix;
  }
  if (!glob) return undefined;
  for (const [own, owner] of owners) if (owner !== self && own.startsWith(body)) return own;
  return undefined;
}

/**
 * Paths whose change rewrites what tokens may do (policies, auth methods and their roles, the
 * mounts), as samples (`auth/a/` stands for any auth mount): a rule that may write any of them
 * is refused, whatever glob reaches it.
 */
const PRIVILEGED_SAMPLES = [
  'sys/policy',
  'sys/policy/p',
  'sys/policies/acl/p',
  'sys/policies/password/p',
  'sys/auth/a',
  'sys/auth',
  'sys/mounts/m',
  'sys/mounts',
  'sys/remount',
  'sys/audit/a',
  'sys/raw/r',
  'sys/generate-root/attempt',
  'sys/rotate',
  'sys/seal',
  'auth/a/role',
  'auth/a/role/r',
  'auth/a/roles/r',
  'auth/a/config',
  'auth/a/users/u',
  'auth/a/groups/g',
  'auth/a/map/m',
  'auth/token/roles/r',
  'auth/token/create',
  'identity/entity/e',
  'identity/group/g',
];
const WRITES = new Set(['create', 'update', 'patch', 'delete', 'sudo']);

/**
 * Whether a Vault policy path (with `+` for one whole segment and a trailing `*` for any rest)
 * covers `target`, as Vault's ACL matches a request path.
 */
function vaultPathCovers(pattern: string, target: string): boolean {
  const glob = pattern.endsWith('*');
  const body = (glob ? pattern.slice(0, -1) : pattern)
    .split('/')
    .map((part) => (part === '+' ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}${glob ? '.*' : ''}$`).test(target);
}

/**
 * An `extraRules` rule that would let a task's token change what tokens may do (write a policy,
 * a role of an auth method, mount or configure auth): one job could then rewrite every job's
 * policy. The rule's path is matched as Vault matches it (`+`, a trailing `*`; a reference
 * reaches whatever its literal beginning does). Returns the fix, or undefined.
 */
export function privilegedRule(path: string, capabilities: readonly string[]): string | undefined {
  if (isToken(capabilities)) return undefined;
  if (!capabilities.some((c) => WRITES.has(c))) return undefined;
  const pattern = literalPattern(path).replace(/^\/+/, '');
  // the samples' auth mount stands for any: it takes the pattern's own mount name when it has one
  const mount = /^auth\/([^/+*]+)(?:\/|$)/.exec(pattern)?.[1] ?? 'a';
  const inArea = PRIVILEGED_AREAS.find((area) => vaultPathCovers(area, pattern.replace(/\*$/, '')));
  if (inArea !== undefined) return privilegedFix(pattern.replace(/\*$/, ''));
  const reached = PRIVILEGED_SAMPLES.map((sample) =>
    sample.replace(/^auth\/a\//, `auth/${mount}/`),
  ).find((sample) => vaultPathCovers(pattern, sample));
  if (reached === undefined) return undefined;
  return privilegedFix(reached);
}

function privilegedFix(reached: string): string {
  return (
    `It reaches "${reached}": a task token that may change policies, auth methods or their ` +
    "roles can widen every job's grants; run such changes from the pipeline (Terraform), not " +
    'from a task.'
  );
}

/** The areas the samples stand for, as Vault path patterns: any path inside one is privileged. */
const PRIVILEGED_AREAS = [
  'sys/policy*',
  'sys/policies/*',
  'sys/auth*',
  'sys/mounts*',
  'sys/remount*',
  'sys/audit*',
  'sys/raw*',
  'sys/generate-root*',
  'sys/rotate*',
  'sys/seal',
  'auth/+/role*',
  'auth/+/config*',
  'auth/+/users/*',
  'auth/+/groups/*',
  'auth/+/map/*',
  'auth/token/create*',
  'identity/*',
];
