import { ConfigError } from './errors';
import { HclValue } from '../hcl/value';

/**
 * Checks a free-form value given through an escape hatch (`extraConfig`, proxy `config`) and
 * returns it as an HCL value: strings, finite numbers, booleans, lists and plain objects of
 * those. Anything else (functions, class instances, `null`) is refused with its path.
 * @internal
 */
export function freeFormValue(where: string, prop: string, value: unknown): HclValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ConfigError(where, prop, String(value), 'Give a finite number.');
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => freeFormValue(where, `${prop}[${i}]`, item));
  }
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, HclValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out[key] = freeFormValue(where, `${prop}.${key}`, item);
    }
    return out;
  }
  throw new ConfigError(
    where,
    prop,
    value === null ? 'null' : typeof value,
    'Give a string, number, boolean, list or plain object (or leave the key out).',
  );
}

/** Checks every value of a free-form map; see {@link freeFormValue}. */
export function freeFormMap(
  where: string,
  prop: string,
  map: Record<string, unknown> | undefined,
): Record<string, HclValue> | undefined {
  if (map === undefined) return undefined;
  return freeFormValue(where, prop, map) as Record<string, HclValue>;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a free-form map whose keys become HCL attribute names (a driver's or proxy's
 * `config {}`): keys must be identifiers, values as {@link freeFormValue}.
 */
export function freeFormAttributes(
  where: string,
  prop: string,
  map: Record<string, unknown> | undefined,
): Record<string, HclValue> | undefined {
  if (map === undefined) return undefined;
  for (const key of Object.keys(map)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
      throw new ConfigError(
        where,
        `${prop} key`,
        key,
        'Config attributes are HCL identifiers (letters, digits, underscores and dashes, not ' +
          'starting with a digit).',
      );
    }
  }
  return freeFormMap(where, prop, map);
}
