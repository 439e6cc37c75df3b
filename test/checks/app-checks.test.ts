import { Aspects, TerraformStack, Testing } from 'cdktf';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { NomadJob, TaskDriver, ZeroTrustChecks } from '../../lib';

/** A stack with one job whose image has no pinned tag (ZT-NOMAD-003). */
function stackWithUnpinnedImage(app: ReturnType<typeof Testing.app>, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new NomadProvider(stack, 'nomad', { address: 'https://nomad.example.com:4646' });
  new NomadJob(stack, 'web')
    .addGroup('web')
    .addTask('web', { driver: TaskDriver.docker({ image: 'nginx' }) });
  return stack;
}

test('ZeroTrustChecks added to the App check every stack that holds the library', () => {
  // GIVEN two stacks, each with an unpinned image, and the checks added to the App only
  const app = Testing.app();
  const stacks = [stackWithUnpinnedImage(app, 'one'), stackWithUnpinnedImage(app, 'two')];
  const checks = new ZeroTrustChecks();
  Aspects.of(app).add(checks);
  // WHEN each stack is synthesized
  for (const stack of stacks) Testing.synth(stack);
  // THEN each stack has its finding, once
  const found = checks
    .report()
    .findings.filter((f) => f.ruleId === 'ZT-NOMAD-003')
    .map((f) => f.constructPath);
  expect(found.sort()).toEqual(['one/web', 'two/web']);
});

test('checks added to both the App and a stack run once on that stack', () => {
  const app = Testing.app();
  const stack = stackWithUnpinnedImage(app, 'one');
  const checks = new ZeroTrustChecks();
  Aspects.of(app).add(checks);
  Aspects.of(stack).add(checks);
  Testing.synth(stack);
  expect(checks.report().findings.filter((f) => f.ruleId === 'ZT-NOMAD-003')).toHaveLength(1);
});
