import { checkOneOf } from '../core/checks';
import { freeFormAttributes } from '../core/free-form';
import { HclBlock } from '../hcl/writer';

/** Types of Docker mounts. */
export enum DockerMountType {
  /** A host path. */
  BIND = 'bind',
  /** A named Docker volume. */
  VOLUME = 'volume',
  /** A memory-backed file system. */
  TMPFS = 'tmpfs',
}

/** A bind or volume mount of the Docker driver (`mount {}` in the driver config). */
export interface DockerMount {
  /** Mount type. @default DockerMountType.VOLUME */
  readonly type?: DockerMountType;
  /** Path inside the container. */
  readonly target: string;
  /** Host path or volume name. @default - none (tmpfs) */
  readonly source?: string;
  /** Mount read-only. @default false */
  readonly readonly?: boolean;
}

/**
 * Configuration of the Docker task driver.
 * @see https://developer.hashicorp.com/nomad/docs/drivers/docker
 */
export interface DockerConfig {
  /** Image to run, pinned to a tag or digest, e.g. `traefik:v3.7.13`. */
  readonly image: string;
  /** Arguments passed to the image's entrypoint. @default - none */
  readonly args?: string[];
  /** Command to run instead of the image's. @default - the image's CMD */
  readonly command?: string;
  /** Entrypoint override. @default - the image's ENTRYPOINT */
  readonly entrypoint?: string[];
  /** Port labels of the group network to publish. @default - none */
  readonly ports?: string[];
  /** `host:container` bind mounts, relative host paths are in the task directory. @default - none */
  readonly volumes?: string[];
  /** Docker network mode, e.g. `host`. @default - Nomad's choice for the group network */
  readonly networkMode?: string;
  /** Pull the image even when it is present. @default false */
  readonly forcePull?: boolean;
  /** Run privileged (needs the client to allow it). @default false */
  readonly privileged?: boolean;
  /** Container labels. @default - none */
  readonly labels?: Record<string, string>;
  /** Mounts. @default - none */
  readonly mounts?: DockerMount[];
  /** Linux capabilities to add. @default - none */
  readonly capAdd?: string[];
  /** Linux capabilities to drop. @default - none */
  readonly capDrop?: string[];
  /**
   * Any other config attribute, written as given (escape hatch): strings, numbers, booleans,
   * lists and plain objects.
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly extraConfig?: Record<string, any>;
}

/**
 * Configuration of the exec and raw_exec drivers.
 * @see https://developer.hashicorp.com/nomad/docs/drivers/exec
 */
export interface ExecConfig {
  /** Command to run. */
  readonly command: string;
  /** Arguments. @default - none */
  readonly args?: string[];
  /** Any other config attribute, written as given (escape hatch). @default - none */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly extraConfig?: Record<string, any>;
}

/** QEMU accelerators. */
export enum QemuAccelerator {
  /** Software emulation. */
  TCG = 'tcg',
  /** Kernel virtual machine (needs /dev/kvm on the client). */
  KVM = 'kvm',
}

/**
 * Configuration of the QEMU driver.
 * @see https://developer.hashicorp.com/nomad/docs/drivers/qemu
 */
export interface QemuConfig {
  /** Path of the image, relative to the task directory (e.g. fetched by an artifact). */
  readonly imagePath: string;
  /** Accelerator. @default QemuAccelerator.TCG */
  readonly accelerator?: QemuAccelerator;
  /** Extra QEMU arguments. @default - none */
  readonly args?: string[];
  /** Drive interface, e.g. `virtio`. @default "ide" */
  readonly driveInterface?: string;
  /** Shut the guest down with ACPI instead of killing it. @default false */
  readonly gracefulShutdown?: boolean;
  /** Enable the QEMU guest agent socket. @default false */
  readonly guestAgent?: boolean;
  /** Any other config attribute, written as given (escape hatch). @default - none */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly extraConfig?: Record<string, any>;
}

type ConfigWriter = (block: HclBlock, where: string) => void;

/**
 * The task driver and its `config {}` block. Use the static factories.
 */
export class TaskDriver {
  /** The Docker driver. */
  public static docker(config: DockerConfig): TaskDriver {
    return new TaskDriver(
      'docker',
      (block, where) => {
        block
          .attribute('image', config.image)
          .attribute('command', config.command)
          .attribute('entrypoint', config.entrypoint)
          .attribute('args', config.args)
          .attribute('ports', config.ports)
          .attribute('volumes', config.volumes)
          .attribute('network_mode', config.networkMode)
          .attribute('force_pull', config.forcePull)
          .attribute('privileged', config.privileged)
          .attribute('cap_add', config.capAdd)
          .attribute('cap_drop', config.capDrop);
        if (config.labels && Object.keys(config.labels).length > 0) {
          block.attribute('labels', config.labels);
        }
        writeExtra(block, where, config.extraConfig);
        for (const mount of config.mounts ?? []) {
          checkOneOf(where, 'docker mount type', mount.type, Object.values(DockerMountType));
          block
            .block('mount')
            .attribute('type', mount.type ?? DockerMountType.VOLUME)
            .attribute('target', mount.target)
            .attribute('source', mount.source)
            .attribute('readonly', mount.readonly);
        }
      },
      config.ports ?? [],
      [...(config.args ?? []), config.command ?? '', ...(config.volumes ?? [])],
      config.image,
      config.networkMode ?? networkModeIn(config.extraConfig),
    );
  }

  /** The exec driver (isolated fork/exec). */
  public static exec(config: ExecConfig): TaskDriver {
    return TaskDriver.execLike('exec', config);
  }

  /** The raw_exec driver (no isolation; must be enabled on the client). */
  public static rawExec(config: ExecConfig): TaskDriver {
    return TaskDriver.execLike('raw_exec', config);
  }

  /** The QEMU driver. */
  public static qemu(config: QemuConfig): TaskDriver {
    return new TaskDriver(
      'qemu',
      (block, where) => {
        checkOneOf(where, 'qemu accelerator', config.accelerator, Object.values(QemuAccelerator));
        block
          .attribute('image_path', config.imagePath)
          .attribute('accelerator', config.accelerator)
          .attribute('drive_interface', config.driveInterface)
          .attribute('graceful_shutdown', config.gracefulShutdown)
          .attribute('guest_agent', config.guestAgent)
          .attribute('args', config.args);
        writeExtra(block, where, config.extraConfig);
      },
      [],
      [config.imagePath, ...(config.args ?? [])],
    );
  }

  /** Any other driver: its name and config attributes, written as given. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public static custom(name: string, config: Record<string, any> = {}): TaskDriver {
    return new TaskDriver(
      name,
      (block, where) => writeExtra(block, where, config),
      [],
      [],
      undefined,
      networkModeIn(config),
    );
  }

  private static execLike(name: string, config: ExecConfig): TaskDriver {
    return new TaskDriver(
      name,
      (block, where) => {
        block.attribute('command', config.command).attribute('args', config.args);
        writeExtra(block, where, config.extraConfig);
      },
      [],
      [config.command, ...(config.args ?? [])],
    );
  }

  private constructor(
    /** The driver name as Nomad knows it, e.g. `docker`. */
    public readonly name: string,
    private readonly writeConfig: ConfigWriter,
    /** Port labels the driver config refers to. */
    public readonly portLabels: readonly string[] = [],
    /** @internal Strings of the config in which Nomad interpolates runtime variables. */
    public readonly _interpolated: readonly string[] = [],
    /** The Docker image, for the Docker driver. */
    public readonly image?: string,
    /** @internal The Docker network mode, when the task sets one. */
    public readonly _networkMode?: string,
  ) {}

  /**
   * Renders the `config {}` block, checking escape-hatch values on the way.
   * @internal
   */
  public _renderConfig(where: string): HclBlock {
    const block = new HclBlock('config');
    this.writeConfig(block, where);
    return block;
  }
}

/** A `network_mode` given through free-form driver config, which takes a task off its group network. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function networkModeIn(config: Record<string, any> | undefined): string | undefined {
  const mode: unknown = config?.network_mode;
  return mode === undefined ? undefined : String(mode);
}

function writeExtra(
  block: HclBlock,
  where: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  config: Record<string, any> | undefined,
): void {
  block.attributes(freeFormAttributes(where, 'extraConfig', config) ?? {});
}
