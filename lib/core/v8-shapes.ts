import { Construct } from 'constructs';

/**
 * Two measures that keep synthesis linear in the number of services, both about one V8 limit.
 * Why they exist, what they depend on, and how they are checked:
 *
 * cdktf's `resolve` copies its options with `{ ...options, prefix, previousContext }` for every
 * value it visits. That spread sees many shapes, so V8 takes its slow clone path, which builds
 * each copy from the root map of `{}` (the hidden class of an empty object literal) by adding the
 * options' keys in order, `scope` first. V8 keeps at most 1,536 transitions on one map. When the
 * root map's transitions are full and none of them is `scope`, every copy gets new maps of its
 * own: the scavenger, map creation and the slow clone then dominate synthesis, which becomes
 * several times slower and takes twice the memory (measured at 2,000 services; `npm run bench`).
 *
 * 1. {@link RESOLVE_OPTIONS_SHAPE} is an object made the way the slow clone makes its copies,
 *    `{}` then `scope`, and kept alive for the life of the process, so the `{}` → `scope`
 *    transition exists from the moment the library is loaded and is never collected: however
 *    full the root map becomes later, the copies share their maps.
 * 2. {@link keepChildrenOffTheRootMap}: a construct's children live in an object that starts as
 *    `{}`, and its first child's id is a transition of the root map. A scope whose first child
 *    is named after a service (a Vault grant's `Grants/<namespace>/<job>/<group>`) adds one live
 *    transition per service; given a first child of constant id instead, all such scopes share
 *    one. The child is an empty construct: it adds no resource and changes no path or address.
 *
 * Both depend on V8 internals (the slow clone path, the transition limit, transitions kept only
 * while a map is alive), not on any API: `npm run bench` measures the library against a floor
 * of bare provider resources on every run, and `.ci/run` fails when the best of three runs at
 * 2,000 services is more than 1.5× the floor, so a Node upgrade that changes them is caught.
 * They make the cliff rare, not impossible: in 3 of 15 runs at 2,000 services in `.ci/run`,
 * synthesis still took twice the memory and time (Node 20.20.2; the transitions of temporary
 * objects live until a full garbage collection, so when that runs decides it; what fills the
 * root map in those runs is not known yet).
 * @internal
 */

function shapedLikeResolveOptions(): { scope?: unknown } {
  const options: { scope?: unknown } = {};
  // a construct, as in every copy, so the field's type never has to widen
  options.scope = new Construct(undefined as unknown as Construct, 'V8Shape');
  return options;
}

/**
 * Holds the `{}` → `scope` transition of V8's root map alive (see the module comment).
 * @internal
 */
export const RESOLVE_OPTIONS_SHAPE: { scope?: unknown } = shapedLikeResolveOptions();

/** The id of the first child {@link keepChildrenOffTheRootMap} gives a scope. */
const FIRST_CHILD_ID = 'Children';

/**
 * Gives a new scope whose children are named per service a first child of constant id, so its
 * children object adds no transition of its own to V8's root map (see the module comment).
 * Call it right after creating the scope, before any other child.
 * @internal
 */
export function keepChildrenOffTheRootMap(scope: Construct): Construct {
  new Construct(scope, FIRST_CHILD_ID);
  return scope;
}
