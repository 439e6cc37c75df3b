import { FindingSeverity, ZeroTrustFinding, ZeroTrustSuppression } from './findings';

const SEVERITY_ORDER: Record<string, number> = {
  [FindingSeverity.ERROR]: 0,
  [FindingSeverity.WARNING]: 1,
  [FindingSeverity.INFO]: 2,
};

/**
 * The findings of {@link ZeroTrustChecks}, grouped by construct path, for a reviewer
 * (`toTable()`) or a pipeline (`toJson()`). Order is deterministic: construct paths in
 * alphabetical order, then severity, rule id, location, property and value.
 */
export class ZeroTrustReport {
  /** Every finding, suppressed ones included, in report order. */
  public readonly findings: ZeroTrustFinding[];
  /** The suppressions declared under the inspected scopes, with how many findings each silenced. */
  public readonly suppressions: ZeroTrustSuppression[];

  /**
   * A report of these findings and suppressions, sorted.
   * @internal
   */
  public static _create(
    findings: ZeroTrustFinding[],
    suppressions: ZeroTrustSuppression[],
  ): ZeroTrustReport {
    return new ZeroTrustReport(findings, suppressions);
  }

  private constructor(findings: ZeroTrustFinding[], suppressions: ZeroTrustSuppression[]) {
    this.findings = [...findings].sort(compareFindings);
    this.suppressions = [...suppressions].sort(
      (a, b) => compare(a.constructPath, b.constructPath) || compare(a.ruleId, b.ruleId),
    );
  }

  /** Findings that fail synthesis: errors not suppressed. */
  public get errors(): ZeroTrustFinding[] {
    return this.active(FindingSeverity.ERROR);
  }

  /** Warnings not suppressed. */
  public get warnings(): ZeroTrustFinding[] {
    return this.active(FindingSeverity.WARNING);
  }

  /** Infos not suppressed. */
  public get infos(): ZeroTrustFinding[] {
    return this.active(FindingSeverity.INFO);
  }

  /** Findings silenced by a suppression. */
  public get suppressed(): ZeroTrustFinding[] {
    return this.findings.filter((f) => f.suppressed);
  }

  /** The construct paths that have findings, in report order. */
  public get constructPaths(): string[] {
    return [...new Set(this.findings.map((f) => f.constructPath))];
  }

  /** The findings of one construct path, in report order. */
  public findingsOf(constructPath: string): ZeroTrustFinding[] {
    return this.findings.filter((f) => f.constructPath === constructPath);
  }

  /** The rule ids with at least one finding that is not suppressed, sorted. */
  public get ruleIds(): string[] {
    return [...new Set(this.findings.filter((f) => !f.suppressed).map((f) => f.ruleId))].sort();
  }

  /** One line: how many errors, warnings, infos and suppressed findings. */
  public get summary(): string {
    const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
    return [
      n(this.errors.length, 'error'),
      n(this.warnings.length, 'warning'),
      n(this.infos.length, 'info'),
      `${this.suppressed.length} suppressed`,
    ].join(', ');
  }

  /**
   * The report as a text table: a summary line, then for each construct path its findings, one
   * per line (severity, rule, property = value, title, location inside the construct), each
   * followed by its fix, and the suppressed ones with their reasons.
   */
  public toTable(): string {
    const lines = [`Zero-trust checks: ${this.summary}`];
    if (this.findings.length === 0) {
      lines.push('', 'No findings.');
    }
    for (const path of this.constructPaths) {
      lines.push('', path);
      const rows = this.findingsOf(path).map((f) => [
        f.suppressed ? 'suppressed' : f.severity,
        f.ruleId,
        `${f.prop} = ${f.value}`,
        f.title,
      ]);
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
      this.findingsOf(path).forEach((f, i) => {
        const row = rows[i];
        const cells = row.slice(0, 3).map((cell, c) => cell.padEnd(widths[c]));
        lines.push(`  ${cells.join('  ')}  ${row[3]}`);
        const inside = relativeLocation(f);
        if (inside !== '') lines.push(`      at ${inside}`);
        if (f.suppressed) {
          lines.push(`      suppressed at ${f.suppressedAt}: ${f.suppressionReason}`);
        } else {
          lines.push(`      fix: ${f.fix}`);
        }
        if (f.alsoWarnedByLibrary) lines.push('      (the library warned about it too)');
      });
    }
    const unused = this.suppressions.filter((s) => s.findings === 0);
    if (unused.length > 0) {
      lines.push('', 'Suppressions that silenced nothing:');
      for (const s of unused) lines.push(`  ${s.constructPath}  ${s.ruleId}: ${s.reason}`);
    }
    return lines.join('\n') + '\n';
  }

  /**
   * The report as JSON for a pipeline: `summary` (counts), `constructs` (each path with its
   * findings, in report order) and `suppressions`.
   */
  public toJson(): string {
    const document = {
      summary: {
        errors: this.errors.length,
        warnings: this.warnings.length,
        infos: this.infos.length,
        suppressed: this.suppressed.length,
      },
      constructs: this.constructPaths.map((path) => ({
        path,
        findings: this.findingsOf(path).map((f) => ({
          ruleId: f.ruleId,
          severity: f.severity,
          title: f.title,
          location: f.location,
          prop: f.prop,
          value: f.value,
          why: f.why,
          fix: f.fix,
          message: f.message,
          suppressed: f.suppressed,
          suppressionReason: f.suppressionReason,
          suppressedAt: f.suppressedAt,
          alsoWarnedByLibrary: f.alsoWarnedByLibrary,
        })),
      })),
      suppressions: this.suppressions.map((s) => ({ ...s })),
    };
    return JSON.stringify(document, null, 2) + '\n';
  }

  private active(severity: FindingSeverity): ZeroTrustFinding[] {
    return this.findings.filter((f) => !f.suppressed && f.severity === severity);
  }
}

function relativeLocation(f: ZeroTrustFinding): string {
  if (f.location === f.constructPath) return '';
  if (f.location.startsWith(`${f.constructPath} `)) {
    return f.location.slice(f.constructPath.length + 1);
  }
  return f.location;
}

function compareFindings(a: ZeroTrustFinding, b: ZeroTrustFinding): number {
  return (
    compare(a.constructPath, b.constructPath) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.location, b.location) ||
    compare(a.prop, b.prop) ||
    compare(a.value, b.value)
  );
}

/** Code-unit order, independent of the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
