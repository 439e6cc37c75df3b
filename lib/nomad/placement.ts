import { HclBlock } from '../hcl';
import { checkOneOf, isToken, JobSpecError } from './validation';

/**
 * A hard placement rule.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/constraint
 */
export interface ConstraintProps {
  /** Node attribute, e.g. `${attr.unique.hostname}` (a Nomad runtime variable, kept as text). @default - none */
  readonly attribute?: string;
  /** Comparison operator, e.g. `=`, `regexp`, `set_contains_any`, `distinct_hosts`. @default "=" */
  readonly operator?: string;
  /** Value to compare with. @default - none */
  readonly value?: string;
}

/**
 * A soft placement preference.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/affinity
 */
export interface AffinityProps {
  /** Node attribute. */
  readonly attribute: string;
  /** Comparison operator. @default "=" */
  readonly operator?: string;
  /** Value to compare with. */
  readonly value: string;
  /** Weight from -100 to 100. @default 50 */
  readonly weight?: number;
}

const OPERATORS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'regexp',
  'set_contains',
  'set_contains_all',
  'set_contains_any',
  'version',
  'semver',
  'is_set',
  'is_not_set',
  'distinct_hosts',
  'distinct_property',
];

/** Checks a constraint as Nomad would; throws with the fix. */
export function checkConstraint(where: string, c: ConstraintProps): void {
  checkOneOf(where, 'constraint operator', c.operator, OPERATORS);
}

/** Checks an affinity as Nomad would (weight a non-zero integer in -100..100); throws with the fix. */
export function checkAffinity(where: string, a: AffinityProps): void {
  checkOneOf(where, 'affinity operator', a.operator, OPERATORS);
  if (a.weight !== undefined && !isToken(a.weight)) {
    if (!Number.isInteger(a.weight) || a.weight < -100 || a.weight > 100 || a.weight === 0) {
      throw new JobSpecError(
        where,
        'affinity weight',
        a.weight,
        'Give a whole number from -100 to 100, other than 0.',
      );
    }
  }
}

/** Renders a constraint that was checked when it was given. */
export function renderConstraint(c: ConstraintProps): HclBlock {
  return new HclBlock('constraint')
    .attribute('attribute', c.attribute)
    .attribute('operator', c.operator)
    .attribute('value', c.value);
}

/** Renders an affinity that was checked when it was given. */
export function renderAffinity(a: AffinityProps): HclBlock {
  return new HclBlock('affinity')
    .attribute('attribute', a.attribute)
    .attribute('operator', a.operator)
    .attribute('value', a.value)
    .attribute('weight', a.weight);
}
