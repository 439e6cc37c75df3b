import { isToken } from '../core/checks';

/**
 * Building the plain objects Traefik reads, shared by the static and dynamic configuration.
 * @internal
 */

/** A configuration object as Traefik reads it. */
export type Obj = Record<string, unknown>;

/** The object without its undefined entries (unset options are left out of the file). */
export function compact(obj: Obj): Obj {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** A copy of a list a caller passed in (a list token is kept as it is). */
export function copy<T>(list: T[] | undefined): T[] | undefined {
  return list === undefined || isToken(list) ? list : [...list];
}
