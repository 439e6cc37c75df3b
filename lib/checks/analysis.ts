import { Job as JobResource } from '@cdktf/provider-nomad/lib/job';
import { ConfigEntryServiceIntentions } from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConsulConnectCa } from '../consul/connect-ca';
import { ConnectMesh } from '../consul/connect-mesh';
import { ConsulNomadIntegration } from '../consul/consul-nomad-integration';
import { ServiceIntentions } from '../consul/service-intentions';
import { describe } from '../core/errors';
import { unescapeTerraform } from '../core/terraform-string';
import { splitTokens } from '../core/tokens';
import { ZeroTrustIngress } from '../ingress/zero-trust-ingress';
import { NomadJob } from '../nomad/nomad-job';
import { NomadNamespace } from '../nomad/nomad-namespace';
import type { Task } from '../nomad/task';
import { VaultNomadIntegration } from '../vault/vault-nomad-integration';
import { VaultPolicy } from '../vault/vault-policy';
import { FindingSeverity, ZeroTrustFinding } from './findings';
import { GroupView, JobView, jobViews, ServiceView } from './job-view';
import { HclReadError, readHcl } from './jobspec-reader';
import { ruleById } from './rules';
import { secretReferences } from './secret-references';
import { findSuppression } from './suppressions';
import { isLiteral } from './text-scan';
import { TraefikSettings } from './traefik-config';

/** A finding before the rule, suppression and message are attached. @internal */
export interface FindingDraft {
  /** The construct the finding is annotated on. */
  readonly construct: IConstruct;
  readonly ruleId: string;
  /** Where exactly; starts with the construct path. */
  readonly location: string;
  readonly prop: string;
  /** The value received, described for a message (already masked for secrets). */
  readonly value: string;
  /** One more sentence about this finding. */
  readonly detail?: string;
  /** A fix more precise than the rule's. */
  readonly fix?: string;
}

/** The Traefik of a job or of a ZeroTrustIngress, with its settings. @internal */
export interface TraefikView {
  readonly construct: IConstruct;
  readonly location: string;
  readonly settings: TraefikSettings;
  readonly ingress?: ZeroTrustIngress;
  /** The Traefik task, when read from a job. */
  readonly task?: JobView['groups'][number]['tasks'][number];
  /** The group whose network publishes Traefik's entry points. */
  readonly group?: GroupView;
}

/** Which source may call which destination, as the app's intentions say. @internal */
export class IntentionTable {
  private readonly table = new Map<string, Map<string, string>>();

  public add(destination: string, source: string, action: string): void {
    let sources = this.table.get(destination);
    if (!sources) this.table.set(destination, (sources = new Map()));
    sources.set(source, action);
  }

  /**
   * How Consul decides a connection from its intentions, most precise first: exact source and
   * destination, then a wildcard source, a wildcard destination, both wildcards. Undefined when
   * no intention matches (the ACL default policy decides).
   */
  public decide(destination: string, source: string): { allowed: boolean; by: string } | undefined {
    for (const [d, s] of [
      [destination, source],
      [destination, '*'],
      ['*', source],
      ['*', '*'],
    ]) {
      const action = this.table.get(d)?.get(s);
      if (action !== undefined)
        return { allowed: action !== 'deny', by: `${s} -> ${d} (${action})` };
    }
    return undefined;
  }

  /** The sources named by the destination's intentions. */
  public sourcesOf(destination: string): string[] {
    return [...(this.table.get(destination)?.keys() ?? [])];
  }
}

/** The library's constructs: an L1 resource inside one is inspected through it. */
const LIBRARY_CONSTRUCTS: Array<abstract new (...args: never[]) => IConstruct> = [
  NomadJob,
  NomadNamespace,
  VaultPolicy,
  VaultNomadIntegration,
  ConsulNomadIntegration,
  ConnectMesh,
  ConsulConnectCa,
  ServiceIntentions,
  ZeroTrustIngress,
];

/** Library warnings that already say what a warning-level rule says, by rule id. */
const LIBRARY_WARNINGS: Record<string, RegExp> = {
  'ZT-CONSUL-003': /defaultDeny is off/,
  'ZT-VAULT-001': /VaultIntegrationMode\.legacyTokenRole/,
  'ZT-CONSUL-007': /ConsulIntegrationMode\.legacyToken/,
};

/**
 * One run of the checks over a scope (a stack, usually), with facts gathered from the whole app
 * (services, intentions, static ports and jobs of other stacks count too).
 * @internal
 */
export class Analysis {
  public readonly findings: ZeroTrustFinding[] = [];
  /** Every construct of the app, in construct order. */
  public readonly all: IConstruct[];
  /** The jobs of the app: NomadJobs and hand-written nomad_job resources. */
  public readonly jobs: JobView[] = [];
  public readonly ingresses: ZeroTrustIngress[];
  public readonly intentions = new IntentionTable();
  /** Literal service names registered anywhere in the app. */
  public readonly serviceNames = new Set<string>();
  public readonly traefiks: TraefikView[] = [];
  private readonly seen = new Set<string>();
  private readonly annotated = new Map<string, IConstruct>();
  private readonly grants = new Map<Task, string[]>();

  constructor(
    /** The scope findings are reported for. */
    public readonly scope: IConstruct,
  ) {
    this.all = scope.node.root.node.findAll();
    this.ingresses = this.all.filter((c): c is ZeroTrustIngress => c instanceof ZeroTrustIngress);
    this.collectJobs();
    this.collectIntentions();
    for (const vault of this.of(VaultNomadIntegration)) {
      for (const grant of vault.grants) {
        this.grants.set(grant.task, [...(this.grants.get(grant.task) ?? []), ...grant.paths]);
      }
    }
    for (const service of this.jobs.flatMap((j) => j.groups.flatMap((g) => g.services))) {
      if (service.resolvedName !== undefined && isLiteral(service.resolvedName)) {
        this.serviceNames.add(service.resolvedName);
      }
    }
  }

  /** The app's constructs of a class, in construct order. */
  public of<T extends IConstruct>(type: abstract new (...args: never[]) => T): T[] {
    return this.all.filter((c): c is T => c instanceof type);
  }

  /** Those of a class inside the scope. */
  public inScopeOf<T extends IConstruct>(type: abstract new (...args: never[]) => T): T[] {
    return this.of(type).filter((c) => this.inScope(c));
  }

  /** Whether a construct is the scope or inside it. */
  public inScope(construct: IConstruct): boolean {
    return construct.node.scopes.includes(this.scope);
  }

  /** Whether a construct sits inside one of the library's constructs (which inspect it). */
  public ownedByLibrary(construct: IConstruct): boolean {
    return construct.node.scopes
      .slice(0, -1)
      .some((s) => LIBRARY_CONSTRUCTS.some((type) => s instanceof type));
  }

  /** The ingress whose Traefik job this is, if any. */
  public ingressOf(job: JobView): ZeroTrustIngress | undefined {
    return job.model ? this.ingresses.find((i) => i.job === job.model) : undefined;
  }

  /** The KV paths a task's grants cover (Vault policy path patterns). */
  public grantedPaths(task: Task | undefined): string[] | undefined {
    return task === undefined ? undefined : this.grants.get(task);
  }

  /** Records a finding (once), for a construct inside the scope. */
  public emit(draft: FindingDraft): void {
    if (!this.inScope(draft.construct)) return;
    const rule = ruleById('ZeroTrustChecks', draft.ruleId);
    const constructPath = draft.construct.node.path;
    const key = [rule.id, constructPath, draft.location, draft.prop, draft.value].join('\0');
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.annotated.set(constructPath, draft.construct);
    const suppression = findSuppression(draft.construct, rule.id);
    const fix = draft.fix ?? rule.fix;
    const detail = draft.detail ? ` ${draft.detail}` : '';
    const message =
      `[${rule.id}] ${draft.location}: ${draft.prop} = ${draft.value}. ${rule.title}.${detail} ` +
      `Why it matters: ${rule.why} Fix: ${fix}`;
    const marker = LIBRARY_WARNINGS[rule.id];
    this.findings.push({
      ruleId: rule.id,
      severity: rule.severity,
      title: rule.title,
      constructPath,
      location: draft.location,
      prop: draft.prop,
      value: draft.value,
      why: rule.why,
      fix,
      message,
      suppressed: suppression !== undefined,
      suppressionReason: suppression?.reason,
      suppressedAt: suppression?.construct.node.path,
      alsoWarnedByLibrary:
        rule.severity === FindingSeverity.WARNING &&
        marker !== undefined &&
        libraryWarned(draft.construct, marker),
    });
  }

  /** The construct a finding of this path is annotated on. */
  public constructAt(path: string): IConstruct | undefined {
    return this.annotated.get(path);
  }

  /** Reports a document the checks could not read. */
  public unread(construct: IConstruct, location: string, what: string, why: string): void {
    this.emit({
      construct,
      ruleId: 'ZT-CHECKS-001',
      location,
      prop: what,
      value: why,
    });
  }

  private collectJobs(): void {
    for (const construct of this.all) {
      if (construct instanceof NomadJob) {
        let text: string;
        try {
          text = construct.spec._renderHcl();
        } catch (e) {
          this.unread(construct, construct.spec.where, 'jobspec', `not rendered: ${errorText(e)}`);
          continue;
        }
        this.readJobs(construct, text, construct);
      } else if (construct instanceof JobResource && !this.ownedByLibrary(construct)) {
        const spec = construct.jobspecInput;
        const where = `${construct.node.path} (nomad_job)`;
        if (typeof spec !== 'string') continue;
        const fragments = splitTokens(spec);
        if (fragments.length === 1 && fragments[0].isToken) {
          this.unread(
            construct,
            where,
            'jobspec',
            'a Terraform expression (e.g. a file() call or a reference), known only when Terraform runs',
          );
          continue;
        }
        const text = fragments
          .map((f) => (f.isToken ? f.text : unescapeTerraform(f.text)))
          .join('');
        this.readJobs(construct, text, undefined);
      }
    }
  }

  private readJobs(construct: IConstruct, text: string, model: NomadJob | undefined): void {
    const where = model?.spec.where ?? `${construct.node.path} (nomad_job)`;
    secretReferences(this, construct, where, text);
    try {
      const views = jobViews(readHcl(text), construct, construct.node.path, model);
      if (views.length === 0) this.unread(construct, where, 'jobspec', 'no job block found');
      this.jobs.push(...views);
    } catch (e) {
      if (!(e instanceof HclReadError)) throw e;
      this.unread(construct, where, 'jobspec', `not read by the checks (${e.message})`);
    }
  }

  private collectIntentions(): void {
    for (const intentions of this.of(ServiceIntentions)) {
      for (const source of intentions.sourceNames) {
        const props = intentions.source(source);
        this.intentions.add(intentions.destination, source, props?.action ?? 'allow');
      }
    }
    for (const entry of this.of(ConfigEntryServiceIntentions)) {
      if (this.ownedByLibrary(entry)) continue;
      const destination = entry.nameInput;
      const sources = entry.sourcesInput;
      if (!isLiteral(destination) || !Array.isArray(sources)) continue;
      for (const source of sources) {
        const name = (source as { name?: unknown }).name;
        const action = (source as { action?: unknown }).action;
        if (!isLiteral(name)) continue;
        this.intentions.add(
          unescapeTerraform(destination),
          unescapeTerraform(name),
          typeof action === 'string' && !Token.isUnresolved(action) ? action : 'allow',
        );
      }
    }
  }
}

/** Whether the construct or an ancestor carries a library warning matching the marker. */
function libraryWarned(construct: IConstruct, marker: RegExp): boolean {
  for (const scope of construct.node.scopes) {
    for (const entry of scope.node.metadata) {
      const data = String(entry.data);
      if (entry.type === '@cdktf/warn' && !data.startsWith('[ZT-') && marker.test(data)) {
        return true;
      }
    }
  }
  return false;
}

/** A value described for a message, as the library's errors describe values. */
export function described(value: unknown): string {
  return describe(value);
}

/** The service a view is, in words, for a message. */
export function serviceLabel(service: ServiceView): string {
  return JSON.stringify(service.resolvedName ?? service.name);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
