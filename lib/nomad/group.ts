import { HclBlock } from '../hcl';
import { NetworkMode, NetworkProps, PortProps } from './network';
import {
  AffinityProps,
  checkAffinity,
  checkConstraint,
  ConstraintProps,
  renderAffinity,
  renderConstraint,
} from './placement';
import { GroupServiceProps, Service } from './service';
import { checkUniqueTask, Task, TaskProps } from './task';
import {
  checkDuration,
  checkGroupName,
  checkInteger,
  checkOneOf,
  checkPortLabel,
  checkPortNumber,
  checkUnique,
} from './validation';

/**
 * A volume the group requests from the client or a CSI plugin.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/volume
 */
export interface VolumeProps {
  /** Name tasks refer to in volume_mount. */
  readonly name: string;
  /** `host` or `csi`. */
  readonly type: string;
  /** Name of the client host_volume or CSI volume ID. */
  readonly source: string;
  /** Request read-only access. @default false */
  readonly readOnly?: boolean;
  /** CSI access mode, e.g. `single-node-writer`. @default - none */
  readonly accessMode?: string;
  /** CSI attachment mode: `file-system` or `block-device`. @default - none */
  readonly attachmentMode?: string;
  /** Append the allocation index to the source. @default false */
  readonly perAlloc?: boolean;
}

/**
 * What happens when a task fails on its node.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/restart
 */
export interface RestartProps {
  /** Restarts allowed within interval. @default 2 for service jobs */
  readonly attempts?: number;
  /** Window for attempts, a Go duration. @default "30m" */
  readonly interval?: string;
  /** Wait before restarting, a Go duration. @default "15s" */
  readonly delay?: string;
  /** `fail` or `delay` once attempts run out. @default "fail" */
  readonly mode?: string;
}

/**
 * The allocation's scratch disk.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/ephemeral_disk
 */
export interface EphemeralDiskProps {
  /** Size in MB. @default 300 */
  readonly sizeMb?: number;
  /** Move the data when the allocation moves (needs sticky). @default false */
  readonly migrate?: boolean;
  /** Keep the data on the same node across updates. @default false */
  readonly sticky?: boolean;
}

/**
 * Rolling update strategy.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/update
 */
export interface UpdateProps {
  /** Allocations updated at once. @default 1 */
  readonly maxParallel?: number;
  /** `checks`, `task_states` or `manual`. @default "checks" */
  readonly healthCheck?: string;
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
 * A task group: tasks placed together on one client.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/group
 */
export interface TaskGroupProps {
  /** Number of allocations. @default 1 */
  readonly count?: number;
  /** The group's network. @default - no network block */
  readonly network?: NetworkProps;
  /** Group services (the only place for Consul Connect). @default - none */
  readonly services?: GroupServiceProps[];
  /** Volumes. @default - none */
  readonly volumes?: VolumeProps[];
  /** Tasks, by name. @default - none (add with addTask) */
  readonly tasks?: Record<string, TaskProps>;
  /** Constraints. @default - none */
  readonly constraints?: ConstraintProps[];
  /** Affinities. @default - none */
  readonly affinities?: AffinityProps[];
  /** Restart policy. @default - Nomad's for the job type */
  readonly restart?: RestartProps;
  /** Ephemeral disk. @default - Nomad's (300 MB) */
  readonly ephemeralDisk?: EphemeralDiskProps;
  /** Update strategy for this group. @default - the job's */
  readonly update?: UpdateProps;
  /** Metadata. @default - none */
  readonly meta?: Record<string, string>;
  /** Delay between deregistering services and stopping tasks, a Go duration. @default "0s" */
  readonly shutdownDelay?: string;
}

/** A task group of a job. Build it with `Job.addGroup` or `NomadJob.addGroup`. */
export class TaskGroup {
  private readonly ports: PortProps[] = [];
  private readonly services: Service[] = [];
  private readonly volumes: VolumeProps[] = [];
  private readonly tasks: Task[] = [];
  private readonly constraints: ConstraintProps[] = [];
  public readonly where: string;

  constructor(
    parentWhere: string,
    public readonly name: string,
    private readonly props: TaskGroupProps = {},
  ) {
    this.where = `${parentWhere} group ${JSON.stringify(name)}`;
    checkGroupName(this.where, name);
    checkInteger(
      this.where,
      'count',
      props.count,
      0,
      'count is the number of allocations: give 0 or more.',
    );
    checkDuration(this.where, 'shutdownDelay', props.shutdownDelay);
    checkRestart(this.where, props.restart);
    checkUpdate(this.where, props.update);
    checkInteger(
      this.where,
      'ephemeralDisk.sizeMb',
      props.ephemeralDisk?.sizeMb,
      1,
      'Give the disk size in MB.',
    );
    for (const port of props.network?.ports ?? []) this.addPort(port);
    for (const volume of props.volumes ?? []) this.addVolume(volume);
    for (const c of props.constraints ?? []) this.addConstraint(c);
    for (const a of props.affinities ?? []) checkAffinity(this.where, a);
    for (const service of props.services ?? []) this.addService(service);
    for (const [taskName, task] of Object.entries(props.tasks ?? {})) this.addTask(taskName, task);
  }

  /** The network mode, or undefined when the group has no network block. */
  public get networkMode(): NetworkMode | undefined {
    if (this.props.network === undefined && this.ports.length === 0) return undefined;
    return this.props.network?.mode ?? NetworkMode.HOST;
  }

  /** The requested number of allocations, if set. */
  public get count(): number | undefined {
    return this.props.count;
  }

  /** Port labels of the group network. */
  public get portLabels(): string[] {
    return this.ports.map((p) => p.label);
  }

  /** All services of the group, group-level first then each task's. */
  public get allServices(): Service[] {
    return [...this.services, ...this.tasks.flatMap((t) => t.taskServices)];
  }

  /** The group's tasks. */
  public get groupTasks(): readonly Task[] {
    return this.tasks;
  }

  /** Adds a port to the group network. */
  public addPort(port: PortProps): void {
    checkPortLabel(this.where, port.label);
    checkUnique(this.where, 'port label', port.label, this.portLabels);
    checkPortNumber(this.where, `port ${JSON.stringify(port.label)} static`, port.static);
    checkPortNumber(this.where, `port ${JSON.stringify(port.label)} to`, port.to);
    this.ports.push(port);
  }

  /** Adds a group-level service. */
  public addService(props: GroupServiceProps): Service {
    const service = new Service(`${this.where} service ${JSON.stringify(props.name)}`, props);
    this.services.push(service);
    return service;
  }

  /** Adds a volume. */
  public addVolume(volume: VolumeProps): void {
    checkOneOf(this.where, 'volume type', volume.type, ['host', 'csi']);
    checkUnique(
      this.where,
      'volume name',
      volume.name,
      this.volumes.map((v) => v.name),
    );
    this.volumes.push(volume);
  }

  /** Adds a constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    checkConstraint(this.where, constraint);
    this.constraints.push(constraint);
  }

  /** Adds a task. */
  public addTask(name: string, props: TaskProps): Task {
    checkUniqueTask(this.where, name, this.tasks);
    const task = new Task(this.where, name, props);
    this.tasks.push(task);
    return task;
  }

  /** Problems only visible once the whole group is built; empty when it is valid. */
  public validate(): string[] {
    const errors: string[] = [];
    const labels = new Set(this.portLabels);
    for (const service of this.allServices) {
      for (const label of service.portLabels) {
        if (!labels.has(label)) {
          errors.push(
            `${service.where}: port ${JSON.stringify(label)} is not a port of the group network ` +
              `(labels: ${[...labels].join(', ') || 'none'}). Add it with network.ports / addPort, ` +
              `or give the port number the application listens on.`,
          );
        }
      }
      if (service.hasSidecar && this.networkMode !== NetworkMode.BRIDGE) {
        errors.push(
          `${service.where}: connect.sidecarService needs network mode "bridge" but the group ` +
            `network is ${JSON.stringify(this.networkMode ?? 'not set')}. Set network.mode to NetworkMode.BRIDGE.`,
        );
      }
    }
    for (const task of this.tasks) {
      for (const label of task.driver.portLabels) {
        if (!labels.has(label)) {
          errors.push(
            `${task.where}: driver ports lists ${JSON.stringify(label)}, which the group network does not define. Add the port to the group network.`,
          );
        }
      }
      for (const volume of task.mountedVolumes) {
        if (!this.volumes.some((v) => v.name === volume)) {
          errors.push(
            `${task.where}: volume_mount refers to volume ${JSON.stringify(volume)}, which the group does not declare. Add it with volumes / addVolume.`,
          );
        }
      }
    }
    if (this.tasks.length === 0) {
      errors.push(`${this.where}: the group has no tasks. Add one with addTask.`);
    }
    return errors;
  }

  /** Renders the `group {}` block. */
  public toHcl(): HclBlock {
    const p = this.props;
    const block = new HclBlock('group', [this.name])
      .attribute('count', p.count)
      .attribute('shutdown_delay', p.shutdownDelay);
    for (const c of this.constraints) block.appendBlock(renderConstraint(c));
    for (const a of p.affinities ?? []) block.appendBlock(renderAffinity(a));
    if (this.networkMode !== undefined) {
      const network = block
        .block('network')
        .attribute('mode', p.network?.mode)
        .attribute('hostname', p.network?.hostname);
      for (const port of this.ports) {
        network
          .block('port', port.label)
          .attribute('static', port.static)
          .attribute('to', port.to)
          .attribute('host_network', port.hostNetwork);
      }
      if (p.network?.dnsServers) network.block('dns').attribute('servers', p.network.dnsServers);
    }
    for (const service of this.services) block.appendBlock(service.toHcl());
    for (const v of this.volumes) {
      block
        .block('volume', v.name)
        .attribute('type', v.type)
        .attribute('source', v.source)
        .attribute('read_only', v.readOnly)
        .attribute('access_mode', v.accessMode)
        .attribute('attachment_mode', v.attachmentMode)
        .attribute('per_alloc', v.perAlloc);
    }
    if (p.restart) {
      block
        .block('restart')
        .attribute('attempts', p.restart.attempts)
        .attribute('interval', p.restart.interval)
        .attribute('delay', p.restart.delay)
        .attribute('mode', p.restart.mode);
    }
    if (p.ephemeralDisk) {
      block
        .block('ephemeral_disk')
        .attribute('size', p.ephemeralDisk.sizeMb)
        .attribute('migrate', p.ephemeralDisk.migrate)
        .attribute('sticky', p.ephemeralDisk.sticky);
    }
    if (p.update) block.appendBlock(renderUpdate(p.update));
    for (const task of this.tasks) block.appendBlock(task.toHcl());
    block.mapBlock('meta', p.meta);
    return block;
  }
}

/** Checks an update block. */
export function checkUpdate(where: string, update: UpdateProps | undefined): void {
  if (!update) return;
  checkOneOf(where, 'update healthCheck', update.healthCheck, ['checks', 'task_states', 'manual']);
  checkDuration(where, 'update minHealthyTime', update.minHealthyTime);
  checkDuration(where, 'update healthyDeadline', update.healthyDeadline);
  checkDuration(where, 'update progressDeadline', update.progressDeadline);
  checkInteger(where, 'update maxParallel', update.maxParallel, 0, 'Give 0 or more.');
  checkInteger(where, 'update canary', update.canary, 0, 'Give 0 or more.');
}

/** Renders an update block. */
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

function checkRestart(where: string, restart: RestartProps | undefined): void {
  if (!restart) return;
  checkInteger(where, 'restart attempts', restart.attempts, 0, 'Give 0 or more.');
  checkDuration(where, 'restart interval', restart.interval);
  checkDuration(where, 'restart delay', restart.delay);
  checkOneOf(where, 'restart mode', restart.mode, ['fail', 'delay']);
}
