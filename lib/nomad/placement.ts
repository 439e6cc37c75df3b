import { checkInteger, checkOneOf } from '../core/checks';
import { ConfigError } from '../core/errors';
import { HclBlock } from '../hcl/writer';

/**
 * Operators of constraints and affinities.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/constraint#operator
 */
export enum ConstraintOperator {
  /** The attribute equals the value. */
  EQUAL = '=',
  /** The attribute differs from the value. */
  NOT_EQUAL = '!=',
  /** Lexically greater. */
  GREATER_THAN = '>',
  /** Lexically greater or equal. */
  GREATER_THAN_OR_EQUAL = '>=',
  /** Lexically less. */
  LESS_THAN = '<',
  /** Lexically less or equal. */
  LESS_THAN_OR_EQUAL = '<=',
  /** The attribute matches the regular expression. */
  REGEXP = 'regexp',
  /** The comma-separated attribute contains every listed value. */
  SET_CONTAINS = 'set_contains',
  /** Same as SET_CONTAINS. */
  SET_CONTAINS_ALL = 'set_contains_all',
  /** The comma-separated attribute contains any listed value. */
  SET_CONTAINS_ANY = 'set_contains_any',
  /** A version constraint, e.g. `>= 1.2, < 2`. */
  VERSION = 'version',
  /** A semantic-version constraint. */
  SEMVER = 'semver',
  /** The attribute is set. */
  IS_SET = 'is_set',
  /** The attribute is not set. */
  IS_NOT_SET = 'is_not_set',
  /** Constraints only: at most one allocation of the job or group per client. */
  DISTINCT_HOSTS = 'distinct_hosts',
  /** Constraints only: at most N allocations per value of the attribute. */
  DISTINCT_PROPERTY = 'distinct_property',
}

/**
 * A hard placement rule.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/constraint
 */
export interface ConstraintProps {
  /** Node attribute, e.g. `${attr.unique.hostname}` (a Nomad runtime variable, kept as text). @default - none */
  readonly attribute?: string;
  /** Comparison operator. @default ConstraintOperator.EQUAL */
  readonly operator?: ConstraintOperator;
  /** Value to compare with. @default - none */
  readonly value?: string;
}

/**
 * A soft placement preference.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/affinity
 */
export interface AffinityProps {
  /** Node attribute, e.g. `${node.datacenter}`. */
  readonly attribute: string;
  /** Comparison operator. @default ConstraintOperator.EQUAL */
  readonly operator?: ConstraintOperator;
  /** Value to compare with. */
  readonly value: string;
  /** Weight from -100 to 100, not 0. @default 50 */
  readonly weight?: number;
}

const OPERATORS = Object.values(ConstraintOperator) as string[];
const AFFINITY_OPERATORS = OPERATORS.filter((o) => !o.startsWith('distinct_'));

/**
 * Checks a constraint as Nomad would; throws with the fix.
 * @internal
 */
export function checkConstraint(where: string, c: ConstraintProps): void {
  checkOneOf(where, 'constraint operator', c.operator, OPERATORS);
}

/**
 * Checks an affinity as Nomad would (weight a non-zero integer in -100..100); throws with the fix.
 * @internal
 */
export function checkAffinity(where: string, a: AffinityProps): void {
  checkOneOf(where, 'affinity operator', a.operator, AFFINITY_OPERATORS);
  const fix = 'Give a whole number from -100 to 100, other than 0.';
  checkInteger(where, 'affinity weight', a.weight, -100, fix, 100);
  if (a.weight === 0) throw new ConfigError(where, 'affinity weight', 0, fix);
}

/**
 * Renders a constraint that was checked when it was given.
 * @internal
 */
export function renderConstraint(c: ConstraintProps): HclBlock {
  return new HclBlock('constraint')
    .attribute('attribute', c.attribute)
    .attribute('operator', c.operator)
    .attribute('value', c.value);
}

/**
 * Renders an affinity that was checked when it was given.
 * @internal
 */
export function renderAffinity(a: AffinityProps): HclBlock {
  return new HclBlock('affinity')
    .attribute('attribute', a.attribute)
    .attribute('operator', a.operator)
    .attribute('value', a.value)
    .attribute('weight', a.weight);
}
