import { RUNS_FOR_APP } from './app-checks';
import { Annotations, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConsulAgentConfig } from '../consul/consul-agent-config';
import { ConfigError } from '../core/errors';
import { NomadAgentConfig } from '../nomad/agent-config';
import { Analysis } from './analysis';
import { FindingSeverity, ZeroTrustFinding, ZeroTrustSuppression } from './findings';
import { AgentConfig, inspectPlatform } from './inspect-platform';
import { inspectJobs } from './inspect-jobs';
import { collectTraefiks, inspectTraefiks } from './inspect-traefik';
import { ZeroTrustReport } from './report';
import { renderRulesMarkdown, RULES, ZeroTrustRule } from './rules';
import { addSuppression, suppressionsUnder } from './suppressions';

/** Properties of {@link ZeroTrustChecks}. */
export interface ZeroTrustChecksProps {
  /**
   * Add each finding to its construct as an annotation (errors fail `cdktf synth`). Turn off to
   * only collect the report, e.g. to print it in a pipeline before failing it yourself.
   * @default true
   */
  readonly annotate?: boolean;
}

const REGISTERED = new WeakMap<IConstruct, AgentConfig[]>();

/**
 * The zero-trust checks: a cdktf Aspect that inspects the library's constructs and models
 * (jobs, ingress, mesh, Vault and Consul integrations, policies) and the raw resources mixed in
 * with them (a hand-written `nomad_job` jobspec is read, `vault_policy`, `vault_token`,
 * providers, outputs), and reports each finding as an annotation with a stable rule id, what is
 * wrong (construct path, property, value received), why it matters and the fix.
 *
 * ```ts
 * const checks = new ZeroTrustChecks();
 * Aspects.of(stack).add(checks);
 * ZeroTrustChecks.suppress(ingress, 'ZT-TRAEFIK-001', 'lab cluster reached only over the tailnet');
 * app.synth();
 * console.log(checks.report().toTable());
 * ```
 *
 * The checks run once per scope the aspect is added to, the first time the aspect visits it
 * (cdktf invokes aspects when it synthesizes), over everything in that scope; services,
 * intentions, jobs and ports of the whole app count as context. Added to the App, it runs on
 * every stack that holds a construct of this library (cdktf 0.21 itself does not run aspects
 * added to the App); add it to a stack of raw resources only.
 *
 * @see docs/zero-trust-checks.md for the rules, severities and what the checks read
 */
export class ZeroTrustChecks implements IAspect {
  /**
   * Silences one rule on a construct and its children. The finding is not annotated but is
   * listed in the report with the reason, which must say why it is accepted.
   */
  public static suppress(construct: IConstruct, ruleId: string, reason: string): void {
    addSuppression(construct, ruleId, reason);
  }

  /**
   * Lets the checks see a Consul agent configuration that reaches its agents some other way than
   * a job template or an output of this app (e.g. a file resource); findings are reported on
   * `scope`. Configurations rendered into a job's template or an output are read there anyway.
   */
  public static registerConsulAgentConfig(scope: IConstruct, config: ConsulAgentConfig): void {
    if (!(config instanceof ConsulAgentConfig)) {
      throw new ConfigError(
        scope?.node?.path ?? 'ZeroTrustChecks',
        'registerConsulAgentConfig config',
        describeHandle(config),
        'Give a ConsulAgentConfig.',
      );
    }
    register(scope, config);
  }

  /** Lets the checks see a Nomad agent configuration; see {@link ZeroTrustChecks.registerConsulAgentConfig}. */
  public static registerNomadAgentConfig(scope: IConstruct, config: NomadAgentConfig): void {
    if (!(config instanceof NomadAgentConfig)) {
      throw new ConfigError(
        scope?.node?.path ?? 'ZeroTrustChecks',
        'registerNomadAgentConfig config',
        describeHandle(config),
        'Give a NomadAgentConfig.',
      );
    }
    register(scope, config);
  }

  /** The rule catalogue. */
  public static get rules(): ZeroTrustRule[] {
    return RULES.map((r) => ({ ...r }));
  }

  /** The rule catalogue as a Markdown table (as docs/zero-trust-checks.md holds it). */
  public static rulesMarkdown(): string {
    return renderRulesMarkdown();
  }

  private readonly annotate: boolean;
  private readonly analyzed: IConstruct[] = [];
  private readonly findings: ZeroTrustFinding[] = [];

  /** @internal Run on each stack of the library when added to the App (see app-checks.ts). */
  public readonly [RUNS_FOR_APP] = true;

  constructor(props: ZeroTrustChecksProps = {}) {
    this.annotate = props.annotate ?? true;
  }

  /** Runs the checks over the scope the aspect was added to, the first time it is visited. */
  public visit(node: IConstruct): void {
    if (this.analyzed.some((scope) => node.node.scopes.includes(scope))) return;
    this.analyzed.push(node);
    const analysis = new Analysis(node);
    collectTraefiks(analysis);
    inspectJobs(analysis);
    inspectTraefiks(analysis);
    inspectPlatform(analysis, registeredConfigs(analysis.all));
    const found = ZeroTrustReport._create(analysis.findings, []).findings;
    this.findings.push(...found);
    if (!this.annotate) return;
    for (const finding of found) {
      if (finding.suppressed || finding.alsoWarnedByLibrary) continue;
      const annotations = Annotations.of(analysis.constructAt(finding.constructPath) ?? node);
      if (finding.severity === FindingSeverity.ERROR) annotations.addError(finding.message);
      else if (finding.severity === FindingSeverity.WARNING)
        annotations.addWarning(finding.message);
      else annotations.addInfo(finding.message);
    }
  }

  /**
   * The findings so far (cdktf runs the checks when it synthesizes, so call this after
   * `app.synth()` or `Testing.synth(stack)`), with the suppressions declared in the inspected
   * scopes.
   */
  public report(): ZeroTrustReport {
    const suppressions: ZeroTrustSuppression[] = this.analyzed.flatMap((scope) =>
      suppressionsUnder(scope).map((s) => ({
        constructPath: s.construct.node.path,
        ruleId: s.ruleId,
        reason: s.reason,
        findings: this.findings.filter(
          (f) => f.suppressed && f.suppressedAt === s.construct.node.path && f.ruleId === s.ruleId,
        ).length,
      })),
    );
    return ZeroTrustReport._create(this.findings, suppressions);
  }
}

function register(scope: IConstruct, config: AgentConfig): void {
  if (scope?.node?.path === undefined) {
    throw new ConfigError(
      'ZeroTrustChecks',
      'scope',
      describeHandle(scope),
      'Give the construct the configuration belongs to; findings are reported on it.',
    );
  }
  const configs = REGISTERED.get(scope) ?? [];
  if (!configs.includes(config)) configs.push(config);
  REGISTERED.set(scope, configs);
}

function registeredConfigs(constructs: readonly IConstruct[]): Map<IConstruct, AgentConfig[]> {
  const out = new Map<IConstruct, AgentConfig[]>();
  for (const construct of constructs) {
    const configs = REGISTERED.get(construct);
    if (configs) out.set(construct, configs);
  }
  return out;
}

function describeHandle(value: unknown): string {
  const name = (value as { constructor?: { name?: string } } | undefined)?.constructor?.name;
  return value === undefined || value === null || name === undefined ? String(value) : `a ${name}`;
}
