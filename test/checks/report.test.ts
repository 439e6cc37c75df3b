import { TerraformStack } from 'cdktf';
import { IngressVariant, NomadJob, TaskDriver, ZeroTrustIngress } from '../../lib';
import { FindingSeverity, ZeroTrustFinding } from '../../lib/checks/findings';
import { ZeroTrustReport } from '../../lib/checks/report';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';
import { checkBuilt, checkStack } from './support';
import { newStack } from '../helpers';

function build(stack: TerraformStack): void {
  new NomadJob(stack, 'zeta')
    .addGroup('g', { network: { ports: [{ label: 'p', static: 9000 }] } })
    .addTask('t', {
      driver: TaskDriver.docker({ image: 'busybox' }),
      env: { API_TOKEN: 'abcd1234efgh' },
    });
  new NomadJob(stack, 'alpha')
    .addGroup('g')
    .addTask('t', { driver: TaskDriver.docker({ image: 'nginx:latest' }) });
  new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.tailscale({ nomadAddress: 'http://100.99.99.99:4646' }),
    insecure: { apiInsecure: true },
  });
}

describe('the report', () => {
  test('groups findings by construct path, then severity and rule, in the same order every time', () => {
    const first = checkStack(build).report;
    const second = checkStack(build).report;
    expect(first.constructPaths).toEqual(['test/Ingress', 'test/alpha', 'test/zeta']);
    expect(first.findingsOf('test/zeta').map((f) => `${f.severity} ${f.ruleId}`)).toEqual([
      'error ZT-SECRET-001',
      'warning ZT-NOMAD-001',
      'warning ZT-NOMAD-003',
    ]);
    expect(second.toJson()).toBe(first.toJson());
    expect(second.toTable()).toBe(first.toTable());
  });

  test('as a table: a summary, each construct path, its findings with where and the fix', () => {
    const table = checkStack(build).report.toTable();
    const lines = table.split('\n');
    expect(lines[0]).toBe('Zero-trust checks: 2 errors, 3 warnings, 0 infos, 0 suppressed');
    expect(lines.filter((l) => /^test\//.test(l))).toEqual([
      'test/Ingress',
      'test/alpha',
      'test/zeta',
    ]);
    expect(table).toContain('  warning  ZT-NOMAD-003  image = "nginx:latest"  Container image');
    expect(table).toContain('      at (job "alpha") group "g" task "t"');
    expect(table).toContain('      fix: Pin a version tag or a digest, e.g. "nginx:<version>"');
    expect(table).not.toContain('abcd1234efgh');
  });

  test('as JSON for a pipeline: counts, constructs with their findings, suppressions', () => {
    const { stack } = newStack();
    build(stack);
    ZeroTrustChecks.suppress(
      stack.node.findChild('alpha'),
      'ZT-NOMAD-003',
      'pinned by the registry mirror',
    );
    const checks = new ZeroTrustChecks();
    const json = JSON.parse(checkBuilt(stack, checks).report.toJson());
    expect(json.summary).toEqual({ errors: 2, warnings: 2, infos: 0, suppressed: 1 });
    expect(json.constructs.map((c: { path: string }) => c.path)).toEqual([
      'test/Ingress',
      'test/alpha',
      'test/zeta',
    ]);
    expect(json.constructs[1].findings[0]).toMatchObject({
      ruleId: 'ZT-NOMAD-003',
      severity: 'warning',
      suppressed: true,
      suppressionReason: 'pinned by the registry mirror',
      suppressedAt: 'test/alpha',
    });
    expect(json.suppressions).toEqual([
      {
        constructPath: 'test/alpha',
        ruleId: 'ZT-NOMAD-003',
        reason: 'pinned by the registry mirror',
        findings: 1,
      },
    ]);
  });

  test('an empty report says so, and lists suppressions that silenced nothing', () => {
    const { stack } = newStack();
    ZeroTrustChecks.suppress(stack, 'ZT-TLS-001', 'nothing to silence yet');
    const report = checkBuilt(stack).report;
    expect(report.findings).toEqual([]);
    expect(report.toTable()).toBe(
      'Zero-trust checks: 0 errors, 0 warnings, 0 infos, 0 suppressed\n\nNo findings.\n\n' +
        'Suppressions that silenced nothing:\n  test  ZT-TLS-001: nothing to silence yet\n',
    );
  });

  test('sorting does not depend on the order findings were made in', () => {
    const finding = (constructPath: string, severity: FindingSeverity, ruleId: string) =>
      ({
        constructPath,
        severity,
        ruleId,
        location: constructPath,
        prop: 'p',
        value: 'v',
      }) as ZeroTrustFinding;
    const a = finding('s/b', FindingSeverity.WARNING, 'ZT-NOMAD-001');
    const b = finding('s/a', FindingSeverity.WARNING, 'ZT-NOMAD-003');
    const c = finding('s/a', FindingSeverity.ERROR, 'ZT-TLS-001');
    const d = finding('s/a', FindingSeverity.INFO, 'ZT-CHECKS-001');
    expect(ZeroTrustReport._create([a, b, c, d], []).findings).toEqual([c, b, d, a]);
    expect(ZeroTrustReport._create([d, c, b, a], []).findings).toEqual([c, b, d, a]);
  });

  test('the checks run once per scope, however often the stack is synthesized', () => {
    const { stack } = newStack();
    build(stack);
    const checks = new ZeroTrustChecks();
    const once = checkBuilt(stack, checks);
    const twice = checkBuilt(stack, checks);
    expect(twice.report.findings).toEqual(once.report.findings);
    expect(twice.notes.filter((n) => n.message.startsWith('[ZT-'))).toHaveLength(5);
  });

  test('with annotate: false the report is collected and nothing is annotated', () => {
    const { stack } = newStack();
    build(stack);
    const { report, notes } = checkBuilt(stack, new ZeroTrustChecks({ annotate: false }));
    expect(report.errors).toHaveLength(2);
    expect(notes.filter((n) => n.message.startsWith('[ZT-'))).toEqual([]);
  });
});
