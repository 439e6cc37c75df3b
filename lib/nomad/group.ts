import {
  checkDuration,
  checkInteger,
  checkOneOf,
  checkPortNumber,
  UniqueNames,
} from '../core/checks';
import { ConfigError, listNames, problem } from '../core/errors';
import { NamedChildren } from '../core/named-children';
import { HclBlock } from '../hcl/writer';
import type { Job } from './job';
import { checkGroupName, checkPortLabel } from './names';
import { NetworkMode, NetworkProps, PortProps } from './network';
import {
  AffinityProps,
  checkAffinity,
  checkConstraint,
  ConstraintProps,
  renderAffinity,
  renderConstraint,
} from './placement';
import { checkRuntimeVariables } from './runtime-variables';
import { GroupServiceProps, Service } from './service';
import { Task, TaskProps } from './task';
import { checkUpdate, renderUpdate, UpdateProps } from './update';

/** Kinds of group volumes. */
export enum VolumeType {
  /** A `host_volume` of the client. */
  HOST = 'host',
  /** A volume of a CSI plugin. */
  CSI = 'csi',
}

/** CSI access modes. */
export enum CsiAccessMode {
  /** Read-only, on one node. */
  SINGLE_NODE_READER_ONLY = 'single-node-reader-only',
  /** Read-write, on one node. */
  SINGLE_NODE_WRITER = 'single-node-writer',
  /** Read-only, on many nodes. */
  MULTI_NODE_READER_ONLY = 'multi-node-reader-only',
  /** Many readers and one writer. */
  MULTI_NODE_SINGLE_WRITER = 'multi-node-single-writer',
  /** Read-write, on many nodes. */
  MULTI_NODE_MULTI_WRITER = 'multi-node-multi-writer',
}

/** CSI attachment modes. */
export enum CsiAttachmentMode {
  /** Mounted as a file system. */
  FILE_SYSTEM = 'file-system',
  /** Attached as a block device. */
  BLOCK_DEVICE = 'block-device',
}

/**
 * A volume the group requests from the client or a CSI plugin.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/volume
 */
export interface VolumeProps {
  /** Name tasks refer to in volume_mount. */
  readonly name: string;
  /** Kind of volume. */
  readonly type: VolumeType;
  /** Name of the client host_volume or CSI volume ID. */
  readonly source: string;
  /** Request read-only access. @default false */
  readonly readOnly?: boolean;
  /** CSI access mode. @default - none */
  readonly accessMode?: CsiAccessMode;
  /** CSI attachment mode. @default - none */
  readonly attachmentMode?: CsiAttachmentMode;
  /** Append the allocation index to the source. @default false */
  readonly perAlloc?: boolean;
}

/** What Nomad does once a task's restart attempts run out. */
export enum RestartMode {
  /** Fail the allocation (the scheduler may reschedule it). */
  FAIL = 'fail',
  /** Wait for the next interval and try again. */
  DELAY = 'delay',
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
  /** What happens once attempts run out. @default RestartMode.FAIL */
  readonly mode?: RestartMode;
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
 * A task group: tasks placed together on one client.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/group
 */
export interface TaskGroupProps {
  /** Number of allocations. @default 1 */
  readonly count?: number;
  /** The group's network (the mode can be changed later with `setNetworkMode`). @default - no network block */
  readonly network?: NetworkProps;
  /** Group services (the only place for Consul Connect). @default - none */
  readonly services?: GroupServiceProps[];
  /** Volumes. @default - none */
  readonly volumes?: VolumeProps[];
  /** Tasks, by name (reach them later with `task(name)`). @default - none (add with addTask) */
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

/** A task group of a job. Create it with `Job.addGroup` or `NomadJob.addGroup`. */
export class TaskGroup {
  /** Where the group is, for messages. */
  public readonly where: string;
  private readonly ports: PortProps[] = [];
  private readonly portNames: UniqueNames;
  private readonly services: Service[] = [];
  private readonly volumes: VolumeProps[] = [];
  private readonly volumeNames: UniqueNames;
  private readonly children: NamedChildren<Task>;
  private readonly constraints: ConstraintProps[] = [];
  private readonly affinities: AffinityProps[] = [];
  private mode: NetworkMode | undefined;

  /** @internal */
  constructor(
    /** The job the group belongs to. */
    public readonly job: Job,
    /** The group name. */
    public readonly name: string,
    private readonly props: TaskGroupProps = {},
  ) {
    this.where = `${job.where} group ${JSON.stringify(name)}`;
    const where = this.where;
    this.portNames = new UniqueNames(where, 'port label');
    this.volumeNames = new UniqueNames(where, 'volume name');
    this.children = new NamedChildren(where, 'task', 'group');
    checkGroupName(where, name);
    checkInteger(
      where,
      'count',
      props.count,
      0,
      'count is the number of allocations: give 0 or more.',
    );
    checkDuration(where, 'shutdownDelay', props.shutdownDelay);
    checkRestart(where, props.restart);
    checkUpdate(where, props.update);
    checkInteger(
      where,
      'ephemeralDisk.sizeMb',
      props.ephemeralDisk?.sizeMb,
      1,
      'Give the disk size in MB.',
    );
    if (props.network?.mode !== undefined) this.setNetworkMode(props.network.mode);
    for (const port of props.network?.ports ?? []) this.addPort(port);
    for (const volume of props.volumes ?? []) this.addVolume(volume);
    for (const c of props.constraints ?? []) this.addConstraint(c);
    for (const a of props.affinities ?? []) this.addAffinity(a);
    for (const service of props.services ?? []) this.addService(service);
    for (const [taskName, task] of Object.entries(props.tasks ?? {})) this.addTask(taskName, task);
  }

  /** The network mode, or undefined when the group has no network block. */
  public get networkMode(): NetworkMode | undefined {
    if (this.mode !== undefined) return this.mode;
    if (this.props.network === undefined && this.ports.length === 0) return undefined;
    return NetworkMode.HOST;
  }

  /** The requested number of allocations, if set. */
  public get count(): number | undefined {
    return this.props.count;
  }

  /** Port labels of the group network. */
  public get portLabels(): string[] {
    return this.ports.map((p) => p.label);
  }

  /** Ports of the group network. */
  public get networkPorts(): readonly PortProps[] {
    return this.ports;
  }

  /** Group-level services. */
  public get groupServices(): readonly Service[] {
    return this.services;
  }

  /** All services of the group, group-level first then each task's. */
  public get allServices(): Service[] {
    const all = [...this.services];
    for (const task of this.children.items)
      for (const service of task.taskServices) all.push(service);
    return all;
  }

  /** The group's tasks, in order. */
  public get tasks(): readonly Task[] {
    return this.children.items;
  }

  /** The task of that name; throws, listing the tasks, when there is none. */
  public task(name: string): Task {
    return this.children.get(name);
  }

  /** The group service of that name; throws, listing the services, when there is none. */
  public service(name: string): Service {
    const service = this.allServices.find((s) => s.name === name);
    if (!service) {
      throw new ConfigError(
        this.where,
        'service',
        name,
        `The group has no such service; its services are: ${listNames(this.allServices.map((s) => s.name))}.`,
      );
    }
    return service;
  }

  /** Sets the network mode (a network block is added if there was none). */
  public setNetworkMode(mode: NetworkMode): void {
    checkOneOf(this.where, 'network mode', mode, Object.values(NetworkMode));
    this.mode = mode;
    this.job._changed();
  }

  /** Adds a port to the group network. */
  public addPort(port: PortProps): void {
    checkPortLabel(this.where, port.label);
    this.portNames.add(port.label);
    checkPortNumber(this.where, `port ${JSON.stringify(port.label)} static`, port.static);
    checkPortNumber(this.where, `port ${JSON.stringify(port.label)} to`, port.to);
    this.ports.push(port);
    this.job._changed();
  }

  /** Adds a group-level service. */
  public addService(props: GroupServiceProps): Service {
    const service = new Service(this, undefined, props);
    this.services.push(service);
    this.job._changed();
    return service;
  }

  /** Adds a volume. */
  public addVolume(volume: VolumeProps): void {
    const where = this.where;
    checkOneOf(where, 'volume type', volume.type, Object.values(VolumeType));
    checkOneOf(where, 'volume accessMode', volume.accessMode, Object.values(CsiAccessMode));
    checkOneOf(
      where,
      'volume attachmentMode',
      volume.attachmentMode,
      Object.values(CsiAttachmentMode),
    );
    this.volumeNames.add(volume.name);
    this.volumes.push(volume);
    this.job._changed();
  }

  /** Adds a constraint. */
  public addConstraint(constraint: ConstraintProps): void {
    checkConstraint(this.where, constraint);
    this.constraints.push(constraint);
    this.job._changed();
  }

  /** Adds an affinity. */
  public addAffinity(affinity: AffinityProps): void {
    checkAffinity(this.where, affinity);
    this.affinities.push(affinity);
    this.job._changed();
  }

  /** Adds a task. */
  public addTask(name: string, props: TaskProps): Task {
    this.children.checkFree(name);
    const task = this.children.add(new Task(this, name, props));
    this.job._changed();
    return task;
  }

  /**
   * Keys of the group's meta.
   * @internal
   */
  public get _metaKeys(): string[] {
    return Object.keys(this.props.meta ?? {});
  }

  /**
   * Tasks of a mesh group whose Docker network mode takes them out of the group's namespace
   * (`host`, another network): they would sit beside the sidecar, reachable and reaching out
   * without it, and their mesh service's intentions would protect nothing.
   */
  private tasksOffTheMesh(): string[] {
    return this.children.items
      .filter((t) => t.driver._networkMode !== undefined)
      .map((t) =>
        problem(
          t.where,
          'driver networkMode',
          t.driver._networkMode,
          'The group is in the Consul service mesh: its tasks share the group network with the ' +
            'sidecar. Remove networkMode (Nomad joins the task to the group network).',
        ),
      );
  }

  /**
   * Problems only visible once the whole group is built; empty when it is valid.
   * @internal
   */
  public _validate(jobMeta: readonly string[]): string[] {
    const errors: string[] = [];
    const labels = new Set(this.portLabels);
    const labelList = listNames(this.portLabels);
    for (const service of this.allServices) {
      for (const label of service._portLabels) {
        if (!labels.has(label)) {
          errors.push(
            problem(
              service.where,
              'port',
              label,
              `It is not a port of the group network (labels: ${labelList}). Add it with ` +
                'network.ports / addPort, or give the port number the application listens on.',
            ),
          );
        }
      }
      if (
        (service.hasSidecar || service.isConnectNative) &&
        this.networkMode !== NetworkMode.BRIDGE
      ) {
        errors.push(
          problem(
            service.where,
            'group network mode',
            this.networkMode ?? '(no network block)',
            'Consul Connect needs bridge networking. Call setNetworkMode(NetworkMode.BRIDGE) or ' +
              'set network.mode.',
          ),
        );
      }
    }
    if (this.services.some((s) => s.hasSidecar || s.isConnectNative)) {
      errors.push(...this.tasksOffTheMesh());
    }
    for (const service of this.services) {
      const task = service.servingTask;
      if (service.isConnectNative && task === undefined) {
        errors.push(
          problem(
            service.where,
            'task',
            undefined,
            'A Connect-native service names the task that serves it; set task.',
          ),
        );
      } else if (task !== undefined && !this.children.has(task)) {
        errors.push(
          problem(
            service.where,
            'task',
            task,
            `The group has no such task (tasks: ${listNames(this.children.items.map((t) => t.name))}).`,
          ),
        );
      }
    }
    const volumes = new Set(this.volumes.map((v) => v.name));
    for (const task of this.children.items) {
      for (const label of task.driver.portLabels) {
        if (!labels.has(label)) {
          errors.push(
            problem(
              task.where,
              'driver port',
              label,
              `The group network does not define it (labels: ${labelList}). Add the port to the group network.`,
            ),
          );
        }
      }
      for (const volume of task.mountedVolumes) {
        if (!volumes.has(volume)) {
          errors.push(
            problem(
              task.where,
              'volume_mount volume',
              volume,
              `The group does not declare it (volumes: ${listNames([...volumes])}). Add it with volumes / addVolume.`,
            ),
          );
        }
      }
    }
    if (this.children.items.length === 0) {
      errors.push(
        problem(this.where, 'tasks', [], 'The group has no tasks; add one with addTask.'),
      );
    }
    errors.push(...checkRuntimeVariables(this, jobMeta));
    return errors;
  }

  /**
   * Renders the `group {}` block.
   * @internal
   */
  public _toHcl(): HclBlock {
    const p = this.props;
    const block = new HclBlock('group', [this.name])
      .attribute('count', p.count)
      .attribute('shutdown_delay', p.shutdownDelay);
    for (const c of this.constraints) block.appendBlock(renderConstraint(c));
    for (const a of this.affinities) block.appendBlock(renderAffinity(a));
    if (this.networkMode !== undefined) {
      const network = block
        .block('network')
        .attribute('mode', this.mode)
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
    for (const service of this.services) block.appendBlock(service._toHcl());
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
    for (const task of this.children.items) block.appendBlock(task._toHcl());
    block.mapBlockOrAttribute('meta', p.meta);
    return block;
  }
}

function checkRestart(where: string, restart: RestartProps | undefined): void {
  if (!restart) return;
  checkInteger(where, 'restart attempts', restart.attempts, 0, 'Give 0 or more.');
  checkDuration(where, 'restart interval', restart.interval);
  checkDuration(where, 'restart delay', restart.delay);
  checkOneOf(where, 'restart mode', restart.mode, Object.values(RestartMode));
}
