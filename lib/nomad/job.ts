import { HclBody } from '../hcl';
import { checkUpdate, renderUpdate, TaskGroup, TaskGroupProps, UpdateProps } from './group';
import {
  AffinityProps,
  checkAffinity,
  checkConstraint,
  ConstraintProps,
  renderAffinity,
  renderConstraint,
} from './placement';
import { checkInteger, checkJobId, checkUnique, isToken, JobSpecError } from './validation';

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
  /** Namespace. @default "default" */
  readonly namespace?: string;
  /** Region. @default "global" */
  readonly region?: string;
  /** Node pool. @default "default" */
  readonly nodePool?: string;
  /** Priority, 1 to 100. @default 50 */
  readonly priority?: number;
  /** Metadata. @default - none */
  readonly meta?: Record<string, string>;
  /** Constraints. @default - none */
  readonly constraints?: ConstraintProps[];
  /** Affinities. @default - none */
  readonly affinities?: AffinityProps[];
  /** Update strategy for all groups. @default - Nomad's */
  readonly update?: UpdateProps;
  /** Task groups, by name. @default - none (add with addGroup) */
  readonly groups?: Record<string, TaskGroupProps>;
}

/**
 * The typed model of a Nomad job specification, rendered to canonical HCL. It holds no cdktf
 * constructs; `NomadJob` wraps it in a `nomad_job` resource.
 */
export class Job {
  private readonly groups: TaskGroup[] = [];
  private readonly constraints: ConstraintProps[] = [];
  /** Where this job is, for messages (a construct path, or the job name). */
  public readonly where: string;

  constructor(
    public readonly name: string,
    private readonly props: JobProps = {},
    where?: string,
  ) {
    this.where = where ?? `job ${JSON.stringify(name)}`;
    checkJobId(this.where, name);
    if (props.priority !== undefined && !isToken(props.priority)) {
      checkInteger(this.where, 'priority', props.priority, 1, 'Give a priority from 1 to 100.');
      if (props.priority > 100) {
        throw new JobSpecError(
          this.where,
          'priority',
          props.priority,
          'Give a priority from 1 to 100.',
        );
      }
    }
    if (props.datacenters !== undefined && props.datacenters.length === 0) {
      throw new JobSpecError(
        this.where,
        'datacenters',
        [],
        'List at least one datacenter, or leave datacenters unset for all ("*").',
      );
    }
    checkUpdate(this.where, props.update);
    for (const c of props.constraints ?? []) this.addConstraint(c);
    for (const a of props.affinities ?? []) checkAffinity(this.where, a);
    for (const [groupName, group] of Object.entries(props.groups ?? {}))
      this.addGroup(groupName, group);
  }

  /** The job type. */
  public get type(): JobType {
    return this.props.type ?? JobType.SERVICE;
  }

  /** The namespace the job runs in. */
  public get namespace(): string {
    return this.props.namespace ?? 'default';
  }

  /** The task groups. */
  public get taskGroups(): readonly TaskGroup[] {
    return this.groups;
  }

  /** Adds a task group. */
  public addGroup(name: string, props: TaskGroupProps = {}): TaskGroup {
    checkUnique(
      this.where,
      'group name',
      name,
      this.groups.map((g) => g.name),
    );
    const group = new TaskGroup(this.where, name, props);
    this.groups.push(group);
    return group;
  }

  /** Adds a job-level constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    checkConstraint(this.where, constraint);
    this.constraints.push(constraint);
  }

  /** Problems only visible once the whole job is built; empty when it is valid. */
  public validate(): string[] {
    if (this.groups.length === 0) {
      return [`${this.where}: the job has no task groups. Add one with addGroup.`];
    }
    const errors = this.groups.flatMap((g) => g.validate());
    if (this.type === JobType.SYSTEM || this.type === JobType.SYSBATCH) {
      for (const g of this.groups) {
        if (g.count !== undefined && g.count > 1) {
          errors.push(
            `${g.where}: count ${g.count} is not allowed in a ${this.type} job, which runs one allocation per client. Remove count.`,
          );
        }
      }
    }
    return errors;
  }

  /** Renders the jobspec as HCL (not yet escaped for Terraform). */
  public render(): string {
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
    job.mapBlock('meta', p.meta);
    for (const c of this.constraints) job.appendBlock(renderConstraint(c));
    for (const a of p.affinities ?? []) job.appendBlock(renderAffinity(a));
    if (p.update) job.appendBlock(renderUpdate(p.update));
    for (const group of this.groups) job.appendBlock(group.toHcl());
    return file.render();
  }
}
