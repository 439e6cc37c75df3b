import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../../examples/all';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { checkBuilt } from './support';

/**
 * The repository's examples (examples/all.ts) add ZeroTrustChecks to their stacks and pass them
 * with no finding left: what they accept on purpose (the Consul system job's host ports, the
 * legacy workflow example, the secrets writer's wide policy) is suppressed with its reason. They
 * are rewritten as the library grows, so this names no example: any example added to
 * addExamples is checked too.
 */
describe('the examples', () => {
  const app = Testing.app() as App;
  addExamples(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  const checks = new ZeroTrustChecks();
  const results = stacks.map((stack) => checkBuilt(stack, checks));

  test('there are examples to check', () => {
    expect(stacks.length).toBeGreaterThanOrEqual(1);
  });

  test.each(stacks.map((s) => s.node.id))('example %s has no finding left', (id) => {
    const { report, notes } = results[stacks.findIndex((s) => s.node.id === id)];
    const inExample = (f: { constructPath: string }) => f.constructPath.split('/')[0] === id;
    const left = report.findings.filter((f) => inExample(f) && !f.suppressed);
    expect(left.map((f) => `${f.ruleId} ${f.location}: ${f.message}`)).toEqual([]);
    expect(notes.filter((n) => n.level === 'error')).toEqual([]);
  });

  test.each(stacks.map((s) => s.node.id))('example %s runs the checks itself', (id) => {
    const stack = stacks.find((s) => s.node.id === id)!;
    const own = Aspects.of(stack).all.filter((a) => a instanceof ZeroTrustChecks && a !== checks);
    expect(own).toHaveLength(1);
  });

  test('each suppression of the examples says why in a sentence', () => {
    const suppressed = checks.report().suppressed;
    expect(suppressed.length).toBeGreaterThan(0);
    for (const f of suppressed) {
      expect((f.suppressionReason ?? '').split(' ').length).toBeGreaterThan(6);
    }
  });

  test('every finding of the examples has a rule, a location in its example and a fix', () => {
    const report = checks.report();
    for (const f of report.findings) {
      expect(stacks.map((s) => s.node.id)).toContain(f.constructPath.split('/')[0]);
      expect(f.location.startsWith(f.constructPath)).toBe(true);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });
});
