import { readFileSync } from 'fs';
import { join } from 'path';
import { FindingSeverity } from '../../lib/checks/findings';
import { renderRulesMarkdown, RULES } from '../../lib/checks/rules';
import { ZeroTrustChecks } from '../../lib/checks/zero-trust-checks';

const DOC = join(__dirname, '..', '..', 'docs', 'zero-trust-checks.md');

describe('the rule catalogue', () => {
  test('docs/zero-trust-checks.md holds the table renderRulesMarkdown() generates', () => {
    const text = readFileSync(DOC, 'utf8');
    const section =
      /<!-- rules:start -->\n<!-- prettier-ignore-start -->\n([\s\S]*?)<!-- prettier-ignore-end -->\n<!-- rules:end -->/.exec(
        text,
      );
    expect(section).not.toBeNull();
    // If this fails after a rule changed, paste the output of renderRulesMarkdown() into the doc.
    expect(section![1]).toBe(renderRulesMarkdown());
  });

  test('one line per rule: id | severity | what | why | fix', () => {
    const lines = renderRulesMarkdown().trimEnd().split('\n').slice(2);
    expect(lines).toHaveLength(RULES.length);
    RULES.forEach((rule, i) => {
      expect(lines[i].startsWith(`| ${rule.id} | ${rule.severity} | ${rule.title} | `)).toBe(true);
      expect(lines[i].split(' | ')).toHaveLength(5);
    });
  });

  test('ids are unique, stable in form, and every rule says why and what to do', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^ZT-(TRAEFIK|CONSUL|VAULT|SECRET|NOMAD|TLS|CHECKS)-\d{3}$/);
      expect(Object.values(FindingSeverity)).toContain(rule.severity);
      expect(rule.why.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(20);
      expect(`${rule.title}${rule.why}${rule.fix}`).not.toContain('|');
    }
  });

  test('the public catalogue is a copy: changing it changes nothing', () => {
    const rules = ZeroTrustChecks.rules;
    (rules[0] as { title: string }).title = 'changed';
    expect(ZeroTrustChecks.rules[0].title).toBe(RULES[0].title);
    expect(ZeroTrustChecks.rulesMarkdown()).toBe(renderRulesMarkdown());
  });

  test('the doc accounts for every silent mistake of the issue', () => {
    const text = readFileSync(DOC, 'utf8');
    for (const mistake of [
      'An upstream to a service that does not exist',
      'An env var naming an upstream the proxy lacks',
      'A literal secret in env',
      "A template reading another job's secret",
      'The same static port in two groups',
      "`extraPaths: ['*']`",
      'An empty KV mount',
    ]) {
      expect(text).toContain(`| ${mistake}`);
    }
  });
});
