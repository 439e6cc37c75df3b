import { terraformString } from '../core/terraform-string';
import { checkInteger, checkOneOf } from '../core/checks';
import { ConfigError, problem } from '../core/errors';
import { NamedChildren } from '../core/named-children';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';
import { TaskGroup, TaskGroupProps } from './group';
import { checkJobId, checkNamespaceName } from './names';
import {
  AffinityProps,
  checkAffinity,
  checkConstraint,
  ConstraintProps,
  renderAffinity,
  renderConstraint,
} from './placement';
import { checkUpdate, renderUpdate, UpdateProps } from './update';

/** Nomad job types. */
export enum JobType {
  /** Long-lived services, rescheduled on failure. */
  SERVICE = 'service',
  /** One allocation on every eligible client, like a DaemonSet. */
  SYSTEM = 'system',
  /** Run to completion. */
  BATCH = 'batch',
  /** Run to completion on every eligible client. */
  SYSBATCH = 'sysbatch',
}

/**
 * A Nomad job.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/job
 */
export interface JobProps {
  /** Job type. @default JobType.SERVICE */
  readonly type?: JobType;
  /** Datacenters the job may run in. @default ["*"] (Nomad >= 1.5: all datacenters) */
  readonly datacenters?: string[];
  /**
   * Namespace. Declare it with a `NomadNamespace` in the same app so Terraform creates it
   * before the job.
   * @default "default"
   */
  readonly namespace?: string;
  /** Region. @default "global" */
  readonly region?: string;
  /** Node pool. @default "default" */
  readonly nodePool?: string;
  /** Priority, 1 to 100. @default 50 */
  readonly priority?: number;
  /** Metadata. @default - none */
  readonly meta?: Record<string, string>;
  /** Constraints (more with `addConstraint`). @default - none */
  readonly constraints?: ConstraintProps[];
  /** Affinities (more with `addAffinity`). @default - none */
  readonly affinities?: AffinityProps[];
  /** Update strategy for all groups. @default - Nomad's */
  readonly update?: UpdateProps;
  /** Task groups, by name (reach them later with `group(name)`). @default - none (add with addGroup) */
  readonly groups?: Record<string, TaskGroupProps>;
}

/**
 * The typed model of a Nomad job specification, rendered to canonical HCL2 (the layout
 * `nomad fmt` gives). It holds no cdktf constructs; `NomadJob` wraps it in a `nomad_job`
 * resource.
 */
export class Job {
  /** Where this job is, for messages (a construct path, or the job name). */
  public readonly where: string;
  private readonly children: NamedChildren<TaskGroup>;
  private readonly constraints: ConstraintProps[] = [];
  private readonly affinities: AffinityProps[] = [];
  private revision = 0;
  private renderedFromOtherModels = false;
  private rendered: { readonly revision: number; readonly text: string } | undefined;

  constructor(
    /** The job ID and name in Nomad. */
    public readonly name: string,
    private readonly props: JobProps = {},
    where?: string,
  ) {
    this.where = where ?? `job ${JSON.stringify(name)}`;
    this.children = new NamedChildren(this.where, 'group', 'job');
    checkJobId(this.where, name);
    if (props.namespace !== undefined) checkNamespaceName(this.where, props.namespace);
    checkOneOf(this.where, 'type', props.type, Object.values(JobType));
    checkInteger(this.where, 'priority', props.priority, 1, 'Give a priority from 1 to 100.', 100);
    if (props.datacenters !== undefined && props.datacenters.length === 0) {
      throw new ConfigError(
        this.where,
        'datacenters',
        [],
        'List at least one datacenter, or leave datacenters unset for all ("*").',
      );
    }
    checkUpdate(this.where, props.update);
    for (const c of props.constraints ?? []) this.addConstraint(c);
    for (const a of props.affinities ?? []) this.addAffinity(a);
    for (const [groupName, group] of Object.entries(props.groups ?? {})) {
      this.addGroup(groupName, group);
    }
  }

  /** The job type. */
  public get type(): JobType {
    return this.props.type ?? JobType.SERVICE;
  }

  /** The namespace the job runs in. */
  public get namespace(): string {
    return this.props.namespace ?? 'default';
  }

  /** The task groups, in order. */
  public get groups(): readonly TaskGroup[] {
    return this.children.items;
  }

  /** The group of that name; throws, listing the groups, when there is none. */
  public group(name: string): TaskGroup {
    return this.children.get(name);
  }

  /** Adds a task group. */
  public addGroup(name: string, props: TaskGroupProps = {}): TaskGroup {
    this.children.checkFree(name);
    const group = this.children.add(new TaskGroup(this, name, props));
    this._changed();
    return group;
  }

  /** Adds a job-level constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    checkConstraint(this.where, constraint);
    this.constraints.push(constraint);
    this._changed();
  }

  /** Adds a job-level affinity. */
  public addAffinity(affinity: AffinityProps): void {
    checkAffinity(this.where, affinity);
    this.affinities.push(affinity);
    this._changed();
  }

  /**
   * Records that the job, or one of its groups, tasks or services, changed: every mutating
   * method calls it, so a rendered jobspec is reused only while the model stays the same.
   * @internal
   */
  public _changed(): void {
    this.revision++;
  }

  /**
   * Records that part of the jobspec is produced from other models (a task's template
   * producers), which change without telling the job: the jobspec is then rendered anew each
   * time.
   * @internal
   */
  public _rendersOtherModels(): void {
    this.renderedFromOtherModels = true;
    this._changed();
  }

  /**
   * The model's revision, which changes with every change to the job; undefined when the
   * jobspec also depends on other models.
   * @internal
   */
  public get _revision(): number | undefined {
    return this.renderedFromOtherModels ? undefined : this.revision;
  }

  /**
   * Problems only visible once the whole job is built; empty when it is valid.
   * @internal
   */
  public _validate(): string[] {
    if (this.children.items.length === 0) {
      return [
        problem(this.where, 'groups', [], 'The job has no task groups; add one with addGroup.'),
      ];
    }
    const jobMeta = Object.keys(this.props.meta ?? {});
    const errors = this.children.items.flatMap((g) => g._validate(jobMeta));
    if (this.type === JobType.SYSTEM || this.type === JobType.SYSBATCH) {
      for (const g of this.children.items) {
        if (g.count !== undefined && g.count > 1) {
          errors.push(
            `${g.where}: invalid count ${g.count}. A ${this.type} job runs one allocation per client; remove count.`,
          );
        }
      }
    }
    return errors;
  }

  /**
   * The jobspec as a Terraform string: exactly what `NomadJob` puts into the `nomad_job`
   * resource's `jobspec`, and safe to put into any provider attribute as it is. Terraform
   * evaluates it to the HCL2 text Nomad's jobspec parser reads: its own escapes of literal text
   * (`${"$"}{`, `%%{`) turn back into the text, and each reference's value arrives escaped for
   * HCL2. `readableTerraform` (from `cdktf-nomad-zerotrust/testing`) shows that text with
   * references by address.
   */
  public render(): string {
    return terraformString(this._renderHcl());
  }

  /**
   * The jobspec as Nomad's jobspec parser reads it (HCL2), before Terraform escaping: not for a
   * provider attribute. Rendered once per revision of the model (see `_changed`).
   * @internal
   */
  public _renderHcl(): string {
    const revision = this._revision;
    if (revision !== undefined && this.rendered?.revision === revision) return this.rendered.text;
    const text = this.renderText();
    this.rendered = revision === undefined ? undefined : { revision, text };
    return text;
  }

  private renderText(): string {
    const p = this.props;
    const file = new HclBody();
    const job = file
      .block('job', this.name)
      .attribute('type', p.type)
      .attribute('datacenters', p.datacenters)
      .attribute('namespace', p.namespace)
      .attribute('region', p.region)
      .attribute('node_pool', p.nodePool)
      .attribute('priority', p.priority);
    job.mapBlockOrAttribute('meta', p.meta);
    for (const c of this.constraints) job.appendBlock(renderConstraint(c));
    for (const a of this.affinities) job.appendBlock(renderAffinity(a));
    if (p.update) job.appendBlock(renderUpdate(p.update));
    for (const group of this.children.items) job.appendBlock(group._toHcl());
    return file.render(HclDialect.HCL2);
  }
}
