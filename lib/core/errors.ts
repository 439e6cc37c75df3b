/**
 * The one error the library throws for configuration it cannot turn into something the
 * upstream product accepts. The message names where the problem is (a construct path, and the
 * stanza inside a document), the property, the value received and what to do instead.
 */
export class ConfigError extends Error {
  constructor(where: string, prop: string, value: unknown, fix: string) {
    super(problem(where, prop, value, fix));
    this.name = 'ConfigError';
  }
}

/**
 * The text of a {@link ConfigError}, for problems reported by `node.addValidation` (which
 * collects messages rather than throwing).
 * @internal
 */
export function problem(where: string, prop: string, value: unknown, fix: string): string {
  return `${where}: invalid ${prop} ${describe(value)}. ${fix}`;
}

/**
 * Describes a received value for a message: strings quoted, objects as JSON.
 * @internal
 */
export function describe(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Names for a message: quoted, comma-separated, or "(none)".
 * @internal
 */
export function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => JSON.stringify(n)).join(', ');
}
