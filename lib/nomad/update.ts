import { checkDuration, checkInteger, checkOneOf } from '../core/checks';
import { HclBlock } from '../hcl/writer';

/** How a deployment decides that an allocation is healthy. */
export enum UpdateHealthCheck {
  /** All tasks running and all service checks passing. */
  CHECKS = 'checks',
  /** All tasks running (or exited successfully). */
  TASK_STATES = 'task_states',
  /** The operator sets health through the API. */
  MANUAL = 'manual',
}

/**
 * Rolling update strategy.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/update
 */
export interface UpdateProps {
  /** Allocations updated at once. @default 1 */
  readonly maxParallel?: number;
  /** How health is decided. @default UpdateHealthCheck.CHECKS */
  readonly healthCheck?: UpdateHealthCheck;
  /** Time an allocation must be healthy, a Go duration. @default "10s" */
  readonly minHealthyTime?: string;
  /** Deadline to become healthy, a Go duration. @default "5m" */
  readonly healthyDeadline?: string;
  /** Deadline for progress of the deployment, a Go duration. @default "10m" */
  readonly progressDeadline?: string;
  /** Roll back to the last stable version on failure. @default false */
  readonly autoRevert?: boolean;
  /** Promote canaries automatically when healthy. @default false */
  readonly autoPromote?: boolean;
  /** Number of canaries. @default 0 */
  readonly canary?: number;
}

/**
 * Checks an update block.
 * @internal
 */
export function checkUpdate(where: string, update: UpdateProps | undefined): void {
  if (!update) return;
  checkOneOf(where, 'update healthCheck', update.healthCheck, Object.values(UpdateHealthCheck));
  checkDuration(where, 'update minHealthyTime', update.minHealthyTime);
  checkDuration(where, 'update healthyDeadline', update.healthyDeadline);
  checkDuration(where, 'update progressDeadline', update.progressDeadline);
  checkInteger(where, 'update maxParallel', update.maxParallel, 0, 'Give 0 or more.');
  checkInteger(where, 'update canary', update.canary, 0, 'Give 0 or more.');
}

/**
 * Renders an update block.
 * @internal
 */
export function renderUpdate(u: UpdateProps): HclBlock {
  return new HclBlock('update')
    .attribute('max_parallel', u.maxParallel)
    .attribute('health_check', u.healthCheck)
    .attribute('min_healthy_time', u.minHealthyTime)
    .attribute('healthy_deadline', u.healthyDeadline)
    .attribute('progress_deadline', u.progressDeadline)
    .attribute('auto_revert', u.autoRevert)
    .attribute('auto_promote', u.autoPromote)
    .attribute('canary', u.canary);
}
