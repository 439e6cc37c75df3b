import { IConstruct } from 'constructs';
import { ConfigError } from '../core/errors';
import { ruleById } from './rules';

/**
 * Suppressions of zero-trust rules, per construct: each covers the construct and its children
 * and carries the reason a reviewer reads in the report.
 * @internal
 */

/** A suppression as declared. */
export interface SuppressionEntry {
  readonly construct: IConstruct;
  readonly ruleId: string;
  readonly reason: string;
}

const DECLARED = new WeakMap<IConstruct, SuppressionEntry[]>();

/** Declares a suppression; refuses an unknown rule id and an empty reason. */
export function addSuppression(construct: IConstruct, ruleId: string, reason: string): void {
  const where = construct?.node?.path;
  if (where === undefined) {
    throw new ConfigError(
      'ZeroTrustChecks.suppress',
      'construct',
      String(construct),
      'Give the construct whose findings (and its children’s) the suppression covers.',
    );
  }
  ruleById(where, ruleId);
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new ConfigError(
      where,
      `suppression reason of ${ruleId}`,
      reason,
      'Say why the finding is accepted, e.g. "seed 000 test cluster on a private tailnet"; a ' +
        'reviewer reads it in the report.',
    );
  }
  const entries = DECLARED.get(construct) ?? [];
  const existing = entries.find((e) => e.ruleId === ruleId);
  if (existing) {
    throw new ConfigError(
      where,
      `suppression of ${ruleId}`,
      reason,
      `The construct already suppresses ${ruleId} (reason ${JSON.stringify(existing.reason)}); declare it once.`,
    );
  }
  entries.push({ construct, ruleId, reason: reason.trim() });
  DECLARED.set(construct, entries);
}

/** The suppression of a rule that covers a construct: its own, or the nearest ancestor's. */
export function findSuppression(
  construct: IConstruct,
  ruleId: string,
): SuppressionEntry | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = DECLARED.get(scope)?.find((e) => e.ruleId === ruleId);
    if (entry) return entry;
  }
  return undefined;
}

/** The suppressions declared on the construct and its children, in construct order. */
export function suppressionsUnder(root: IConstruct): SuppressionEntry[] {
  return root.node.findAll().flatMap((c) => DECLARED.get(c) ?? []);
}
