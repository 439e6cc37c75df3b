import { Aspects, TerraformStack, Testing } from 'cdktf';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { ZeroTrustReport } from '../../lib/checks/report';
import { newStack } from '../helpers';

/** One annotation left on a construct at synthesis. */
export interface Note {
  readonly path: string;
  readonly level: 'error' | 'warn' | 'info';
  readonly message: string;
}

/** A stack checked by ZeroTrustChecks: its report and every annotation of the stack. */
export interface Checked {
  readonly stack: TerraformStack;
  readonly report: ZeroTrustReport;
  readonly notes: Note[];
}

/**
 * GIVEN a stack built by `build` (with the three providers), WHEN it is synthesized with
 * ZeroTrustChecks added, THEN the report and annotations are returned.
 */
export function checkStack(build: (stack: TerraformStack) => void): Checked {
  const { stack } = newStack();
  build(stack);
  return checkBuilt(stack);
}

/** Adds the checks to an already built stack and synthesizes it. */
export function checkBuilt(stack: TerraformStack, checks = new ZeroTrustChecks()): Checked {
  Aspects.of(stack).add(checks);
  Testing.synth(stack);
  return { stack, report: checks.report(), notes: notes(stack) };
}

/** Every error, warning and info annotation of a stack. */
export function notes(stack: TerraformStack): Note[] {
  const out: Note[] = [];
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      const level = String(entry.type).replace('@cdktf/', '');
      if (level === 'error' || level === 'warn' || level === 'info') {
        out.push({ path: construct.node.path, level, message: String(entry.data) });
      }
    }
  }
  return out;
}

/** The rule ids of the findings that are not suppressed. */
export function firedRules(checked: Checked): string[] {
  return checked.report.ruleIds;
}
