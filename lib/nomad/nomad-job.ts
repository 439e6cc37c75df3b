import { Job as JobResource } from '@cdktf/provider-nomad/lib/job';
import { Lazy, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { escapeForTerraform } from '../hcl';
import { TaskGroup, TaskGroupProps } from './group';
import { Job, JobProps } from './job';
import { ConstraintProps } from './placement';

/** Properties of {@link NomadJob}. */
export interface NomadJobProps extends JobProps {
  /** Job ID and name in Nomad. @default - the construct id */
  readonly name?: string;
  /** Purge the job from Nomad's state when Terraform destroys it (it cannot be inspected afterwards). @default false */
  readonly purgeOnDestroy?: boolean;
  /** Return as soon as the job is registered instead of waiting for the deployment. @default true */
  readonly detach?: boolean;
  /** Deregister the old job when the job ID changes. @default true */
  readonly deregisterOnIdChange?: boolean;
  /** Deregister the job when Terraform destroys it. @default true */
  readonly deregisterOnDestroy?: boolean;
  /** Re-register a batch job that has finished ("dead") on the next apply. @default false */
  readonly rerunIfDead?: boolean;
  /** The Nomad provider to use. @default - the stack's default nomad provider */
  readonly provider?: TerraformProvider;
}

/**
 * A Nomad job, registered through Terraform's `nomad_job` resource. The jobspec is rendered from
 * the typed model when the stack is synthesized, so groups, tasks and services added after
 * construction are included.
 *
 * @see https://registry.terraform.io/providers/hashicorp/nomad/latest/docs/resources/job
 */
export class NomadJob extends Construct {
  /** The typed job specification. */
  public readonly spec: Job;
  /** The `nomad_job` resource (also `node.defaultChild`). */
  public readonly resource: JobResource;

  constructor(scope: Construct, id: string, props: NomadJobProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    this.spec = new Job(name, props, `${this.node.path} (job ${JSON.stringify(name)})`);
    this.resource = new JobResource(this, 'Resource', {
      jobspec: Lazy.stringValue({ produce: () => escapeForTerraform(this.spec.render()) }),
      purgeOnDestroy: props.purgeOnDestroy ?? false,
      detach: props.detach,
      deregisterOnIdChange: props.deregisterOnIdChange,
      deregisterOnDestroy: props.deregisterOnDestroy,
      rerunIfDead: props.rerunIfDead,
      provider: props.provider,
    });
    this.node.addValidation({ validate: () => this.spec.validate() });
  }

  /** The job's ID as Nomad reports it (a Terraform reference). */
  public get jobId(): string {
    return this.resource.id;
  }

  /** The job name given at synthesis time. */
  public get jobName(): string {
    return this.spec.name;
  }

  /** Adds a task group. */
  public addGroup(name: string, props: TaskGroupProps = {}): TaskGroup {
    return this.spec.addGroup(name, props);
  }

  /** Adds a job-level constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    this.spec.addConstraint(constraint);
  }

  /** The rendered jobspec as Nomad will read it (HCL, before Terraform escaping). */
  public renderJobspec(): string {
    return this.spec.render();
  }
}
