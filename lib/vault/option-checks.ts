import { isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import { splitTokens } from '../core/tokens';

/**
 * Checks of the integration's options.
 * @internal
 */

/**
 * A name Vault lower-cases (policy and role names): non-empty, and its literal parts already
 * lower case, so what Terraform plans is what Vault stores.
 */
export function checkLowerCaseName(where: string, prop: string, name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ConfigError(where, prop, name, 'Give a non-empty name, e.g. "nomad-workloads".');
  }
  const literal = splitTokens(name)
    .filter((f) => !f.isToken)
    .map((f) => f.text)
    .join('');
  if (literal !== literal.toLowerCase() || /\s/.test(literal)) {
    throw new ConfigError(
      where,
      prop,
      name,
      `Vault stores this name lower-cased, so names differing only in case collide; give "${name.toLowerCase().replace(/\s+/g, '-')}".`,
    );
  }
  return name;
}

/** A KV v2 mount path: not empty, no wildcards, without surrounding slashes. */
export function checkKvMount(where: string, prop: string, mount: string): string {
  if (isToken(mount)) {
    throw new ConfigError(
      where,
      prop,
      mount,
      'The mount is written into policy paths, which must be known at synthesis; give a literal path.',
    );
  }
  const trimmed = typeof mount === 'string' ? mount.replace(/^\/+|\/+$/g, '') : '';
  if (
    trimmed === '' ||
    /[+*\s]/.test(trimmed) ||
    trimmed.split('/').some((s) => s === '' || s === '..')
  ) {
    throw new ConfigError(
      where,
      prop,
      mount,
      'Give the mount path of the KV v2 secrets engine, e.g. "secret"; an empty path would grant across every mount.',
    );
  }
  return trimmed;
}

/** Each string through the one Terraform-literal function (a list token stays as it is). */
export function terraformStrings(values: string[]): string[] {
  return isToken(values) ? values : values.map(terraformString);
}
