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

/** Checks and renders a constraint. */
export function renderConstraint(where: string, c: ConstraintProps): HclBlock {
  checkOneOf(where, 'constraint operator', c.operator, OPERATORS);
  return new HclBlock('constraint')
    .attribute('attribute', c.attribute)
    .attribute('operator', c.operator)
    .attribute('value', c.value);
}

/** Checks and renders an affinity. */
export function renderAffinity(where: string, a: AffinityProps): HclBlock {
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
  return new HclBlock('affinity')
    .attribute('attribute', a.attribute)
    .attribute('operator', a.operator)
    .attribute('value', a.value)
    .attribute('weight', a.weight);
}
