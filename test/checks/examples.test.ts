import { App, TerraformStack, Testing } from 'cdktf';
import { addExamples } from '../../examples/all';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { checkBuilt } from './support';

/**
 * The repository's examples (examples/all.ts) pass the checks with no error finding. They are
 * rewritten as the library grows, so this names no example: any example added to addExamples is
 * checked too. Warnings (static ports of the Consul system job, the legacy workflow example, the
 * secrets writer's wide policy) are allowed and listed in the report.
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

  test.each(stacks.map((s) => s.node.id))('example %s has no error finding', (id) => {
    const { report, notes } = results[stacks.findIndex((s) => s.node.id === id)];
    const errors = report.errors.filter((f) => f.constructPath.split('/')[0] === id);
    expect(errors.map((f) => f.message)).toEqual([]);
    expect(notes.filter((n) => n.level === 'error')).toEqual([]);
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
