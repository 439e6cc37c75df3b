import { runAppChecksOn } from '../checks/app-checks';
import { Job as JobResource } from '@cdktf/provider-nomad/lib/job';
import { Annotations, Aspects, IAspect, TerraformProvider } from 'cdktf';
import { dependable } from 'cdktf/lib/tfExpression';
import { Construct, IConstruct } from 'constructs';
import { isToken } from '../core/checks';
import { renderedTerraformString } from '../core/terraform-string';
import { TaskGroup, TaskGroupProps } from './group';
import { Job, JobProps } from './job';
import { NomadNamespace } from './nomad-namespace';
import { AffinityProps, ConstraintProps } from './placement';

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
 * construction are included (also by an Aspect); it is rendered once per change of the model,
 * so change the model through its methods. A job in a namespace declared by a `NomadNamespace` of the same
 * stack depends on it; a job in another namespace that the stack does not declare gets a warning.
 *
 * @see https://registry.terraform.io/providers/hashicorp/nomad/latest/docs/resources/job
 */
export class NomadJob extends Construct {
  /** The typed job specification. */
  public readonly spec: Job;
  /** The `nomad_job` resource (also `node.defaultChild`). */
  public readonly resource: JobResource;
  private idReference: string | undefined;
  private validated: { readonly revision: number; readonly errors: string[] } | undefined;

  constructor(scope: Construct, id: string, props: NomadJobProps = {}) {
    super(scope, id);
    runAppChecksOn(this);
    const name = props.name ?? id;
    this.spec = new Job(name, props, `${this.node.path} (job ${JSON.stringify(name)})`);
    this.resource = new JobResource(this, 'Resource', {
      jobspec: renderedTerraformString(
        () => this.spec._renderHcl(),
        () => this.spec._revision,
        `${this.node.path} jobspec`,
      ),
      purgeOnDestroy: props.purgeOnDestroy ?? false,
      detach: props.detach,
      deregisterOnIdChange: props.deregisterOnIdChange,
      deregisterOnDestroy: props.deregisterOnDestroy,
      rerunIfDead: props.rerunIfDead,
      provider: props.provider,
    });
    this.node.addValidation({ validate: () => this.validateSpec() });
    Aspects.of(this).add(new NamespaceDependency(this));
  }

  /** The job's ID as Nomad reports it (a Terraform reference). */
  public get jobId(): string {
    this.idReference ??= this.resource.id;
    return this.idReference;
  }

  /** The job name given at synthesis time. */
  public get jobName(): string {
    return this.spec.name;
  }

  /** The job's task groups, in order. */
  public get groups(): readonly TaskGroup[] {
    return this.spec.groups;
  }

  /** Adds a task group. */
  public addGroup(name: string, props: TaskGroupProps = {}): TaskGroup {
    return this.spec.addGroup(name, props);
  }

  /** The group of that name; throws, listing the groups, when there is none. */
  public group(name: string): TaskGroup {
    return this.spec.group(name);
  }

  /** Adds a job-level constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    this.spec.addConstraint(constraint);
  }

  /** Adds a job-level affinity. */
  public addAffinity(affinity: AffinityProps): void {
    this.spec.addAffinity(affinity);
  }

  /**
   * The model's problems. cdktf validates twice per synthesis (the stack, then the app); an
   * unchanged model is checked once.
   */
  private validateSpec(): string[] {
    const revision = this.spec._revision;
    if (revision === undefined) return this.spec._validate();
    if (this.validated?.revision !== revision) {
      this.validated = { revision, errors: this.spec._validate() };
    }
    return [...this.validated.errors];
  }

  /**
   * The jobspec as a Terraform string, exactly as the `nomad_job` resource holds it: safe to put
   * into any provider attribute (a raw `nomad_job`, an output) as it is; Terraform evaluates it
   * to the HCL2 text Nomad reads. See {@link Job.render}.
   */
  public renderJobspec(): string {
    return this.spec.render();
  }
}

/**
 * Makes a job depend on the `NomadNamespace` it names, or warns when the stack declares none.
 * An aspect, because the namespace may be declared after the job.
 */
class NamespaceDependency implements IAspect {
  private done = false;

  constructor(private readonly job: NomadJob) {}

  public visit(node: IConstruct): void {
    if (node !== this.job || this.done) return;
    this.done = true;
    const namespace = this.job.spec.namespace;
    if (isToken(namespace) || namespace === 'default') return;
    const declared = NomadNamespace._lookup(this.job, namespace);
    if (declared) {
      const resource = this.job.resource;
      resource.dependsOn = [...(resource.dependsOn ?? []), dependable(declared.resource)];
      return;
    }
    Annotations.of(this.job).addWarning(
      `Job ${JSON.stringify(this.job.jobName)} is in namespace ${JSON.stringify(namespace)}, ` +
        'which no NomadNamespace of this stack declares: the apply fails if the cluster lacks ' +
        `it. Add new NomadNamespace(stack, 'Namespace', { name: ${JSON.stringify(namespace)} }) ` +
        'to the stack (the job then waits for it), or create the namespace outside Terraform first.',
    );
  }
}
