import { Fn, Token } from 'cdktf';
import { checkDuration, checkInteger, checkOneOf } from '../core/checks';
import { ConfigError } from '../core/errors';
import { splitTokens } from '../core/tokens';
import { HclHeredoc } from '../hcl/value';
import { HclBlock } from '../hcl/writer';
import { TaskDriver } from './driver';
import type { TaskGroup } from './group';
import type { Job } from './job';
import { checkBlockKeys, checkTaskName } from './names';
import { Service, TaskServiceProps } from './service';

/** What Nomad does when a template's rendered file changes. */
export enum TemplateChangeMode {
  /** Do nothing; the task reads the file again itself. */
  NOOP = 'noop',
  /** Restart the task. */
  RESTART = 'restart',
  /** Send changeSignal to the task. */
  SIGNAL = 'signal',
  /** Run a script in the task. */
  SCRIPT = 'script',
}

/**
 * A file rendered by consul-template inside the task (secrets from Vault, config files).
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/template
 */
export interface TemplateProps {
  /** Path of the rendered file, relative to the task directory, e.g. `local/app.toml`. */
  readonly destination: string;
  /** Inline template text. Exactly one of data and source is required. @default - none */
  readonly data?: string;
  /** Path of a template file on the client. @default - none */
  readonly source?: string;
  /** What happens when the file changes. @default TemplateChangeMode.RESTART */
  readonly changeMode?: TemplateChangeMode;
  /** Signal sent for TemplateChangeMode.SIGNAL, e.g. `SIGHUP`. @default - none */
  readonly changeSignal?: string;
  /** The command run inside the task for TemplateChangeMode.SCRIPT. @default - none */
  readonly changeScript?: TemplateChangeScriptProps;
  /** Left delimiter, e.g. `[[` when the text itself holds `{{`. @default "{{" */
  readonly leftDelimiter?: string;
  /** Right delimiter. @default "}}" */
  readonly rightDelimiter?: string;
  /** Octal file permissions, e.g. `0600`. @default "0644" */
  readonly perms?: string;
  /** Read the rendered file as `KEY=value` lines into the task's environment. @default false */
  readonly env?: boolean;
  /** Maximum random wait before re-rendering, a Go duration. @default "5s" */
  readonly splay?: string;
  /** Fail the task when a key the template reads is missing. @default false */
  readonly errorOnMissingKey?: boolean;
}

/**
 * The command a template runs inside its task when the file changes
 * (`change_mode = "script"`).
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/change_script
 */
export interface TemplateChangeScriptProps {
  /** The program, a path inside the task. */
  readonly command: string;
  /** Its arguments. @default - none */
  readonly args?: string[];
  /** How long it may run, a Go duration. @default "5s" (Nomad's) */
  readonly timeout?: string;
  /** Fail the task when the script fails. @default false */
  readonly failOnError?: boolean;
}

/** How go-getter treats an artifact's destination. */
export enum ArtifactMode {
  /** A file or a directory, as the source is. */
  ANY = 'any',
  /** A single file. */
  FILE = 'file',
  /** A directory. */
  DIR = 'dir',
}

/**
 * A file fetched into the task directory before the task starts.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/artifact
 */
export interface ArtifactProps {
  /** go-getter source URL. */
  readonly source: string;
  /** Directory or file, relative to the task directory. @default "local/" */
  readonly destination?: string;
  /** How the destination is treated. @default ArtifactMode.ANY */
  readonly mode?: ArtifactMode;
  /** go-getter options, e.g. `checksum` (keys must be identifiers). @default - none */
  readonly options?: Record<string, string>;
  /** HTTP headers for the download (keys must be identifiers). @default - none */
  readonly headers?: Record<string, string>;
}

/**
 * Resources the task needs.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/resources
 */
export interface ResourcesProps {
  /** CPU in MHz. @default 100 */
  readonly cpuMhz?: number;
  /** Whole cores, instead of cpuMhz. @default - none */
  readonly cores?: number;
  /** Memory in MB. @default 300 */
  readonly memoryMb?: number;
  /** Memory limit in MB when oversubscription is enabled. @default - none */
  readonly memoryMaxMb?: number;
}

/** How a mount propagates to and from the host. */
export enum PropagationMode {
  /** No propagation. */
  PRIVATE = 'private',
  /** Mounts made on the host later appear in the task. */
  HOST_TO_TASK = 'host-to-task',
  /** Mounts propagate both ways (needs a privileged task). */
  BIDIRECTIONAL = 'bidirectional',
}

/**
 * Mounts a group volume into the task.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/volume_mount
 */
export interface VolumeMountProps {
  /** Name of the group's volume. */
  readonly volume: string;
  /** Path inside the task. */
  readonly destination: string;
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
  /** Propagation. @default PropagationMode.PRIVATE */
  readonly propagationMode?: PropagationMode;
}

/** What Nomad does when the task's Vault token changes. */
export enum VaultChangeMode {
  /** Do nothing; the task reads secrets/vault_token again itself. */
  NOOP = 'noop',
  /** Restart the task. */
  RESTART = 'restart',
  /** Send changeSignal to the task. */
  SIGNAL = 'signal',
}

/**
 * How the task gets a Vault token.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/vault
 */
export interface TaskVaultProps {
  /** Vault role of the JWT auth method (workload identity). @default - the agent's default role */
  readonly role?: string;
  /** Vault policies (legacy token workflow, Nomad < 1.10 only). @default - none */
  readonly policies?: string[];
  /** Name of the Vault cluster in the agent configuration. @default "default" */
  readonly cluster?: string;
  /** Vault namespace (Vault Enterprise). @default - none */
  readonly namespace?: string;
  /** What happens when the token changes. @default VaultChangeMode.RESTART */
  readonly changeMode?: VaultChangeMode;
  /** Signal for VaultChangeMode.SIGNAL. @default - none */
  readonly changeSignal?: string;
  /** Put the token in the `VAULT_TOKEN` environment variable. @default false */
  readonly env?: boolean;
  /** Do not write the token to `secrets/vault_token`. @default false */
  readonly disableFile?: boolean;
}

/**
 * An extra workload identity for the task.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/identity
 */
export interface TaskIdentityProps {
  /** Identity name; omit for the default identity. @default - the default identity */
  readonly name?: string;
  /** Audiences of the JWT. @default - none */
  readonly aud?: string[];
  /** Expose the JWT as `NOMAD_TOKEN_<name>`. @default false */
  readonly env?: boolean;
  /** Write the JWT to `secrets/nomad_<name>.jwt`. @default false */
  readonly file?: boolean;
  /** Lifetime, a Go duration. @default - no expiry */
  readonly ttl?: string;
}

/** Options of {@link Task.addFile}. */
export interface FileTemplateOptions {
  /** Octal file permissions. @default "0644" */
  readonly perms?: string;
  /** What happens when the file changes. @default TemplateChangeMode.RESTART */
  readonly changeMode?: TemplateChangeMode;
  /** Signal for TemplateChangeMode.SIGNAL. @default - none */
  readonly changeSignal?: string;
}

/** When a task runs relative to the main tasks. */
export enum LifecycleHook {
  /** Before the main tasks start. */
  PRESTART = 'prestart',
  /** After the main tasks have started. */
  POSTSTART = 'poststart',
  /** After the main tasks have stopped. */
  POSTSTOP = 'poststop',
}

/**
 * When the task runs relative to the main tasks.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/lifecycle
 */
export interface LifecycleProps {
  /** The hook. */
  readonly hook: LifecycleHook;
  /** Keep running beside the main tasks. @default false */
  readonly sidecar?: boolean;
}

/**
 * A task: one process run by a driver.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/task
 */
export interface TaskProps {
  /** The driver and its config, e.g. `TaskDriver.docker({ image: 'nginx:1.27' })`. */
  readonly driver: TaskDriver;
  /** User to run as. @default - the driver's default */
  readonly user?: string;
  /** Environment variables (more with `addEnv`). @default - none */
  readonly env?: Record<string, string>;
  /** Templates (more with `addTemplate`). @default - none */
  readonly templates?: TemplateProps[];
  /** Artifacts. @default - none */
  readonly artifacts?: ArtifactProps[];
  /** Resources. @default - Nomad's defaults (100 MHz, 300 MB) */
  readonly resources?: ResourcesProps;
  /** Volume mounts. @default - none */
  readonly volumeMounts?: VolumeMountProps[];
  /** Vault access (also set by `VaultNomadIntegration.grantSecrets`). @default - no Vault token */
  readonly vault?: TaskVaultProps;
  /** Workload identities. @default - only the default identity */
  readonly identities?: TaskIdentityProps[];
  /** Lifecycle hook. @default - a main task */
  readonly lifecycle?: LifecycleProps;
  /** Task-level services (no Connect). @default - none */
  readonly services?: TaskServiceProps[];
  /** Metadata. @default - none */
  readonly meta?: Record<string, string>;
  /** Time to wait after the kill signal before force-killing, a Go duration. @default "5s" */
  readonly killTimeout?: string;
  /** Whether the group stops when this task exits. @default false */
  readonly leader?: boolean;
}

/** A task of a task group. Create it with `TaskGroup.addTask`. */
export class Task {
  /** Where the task is, for messages. */
  public readonly where: string;
  private readonly templates: TemplateProps[] = [];
  private readonly templateProducers: Array<() => TemplateProps> = [];
  private readonly artifacts: ArtifactProps[] = [];
  private readonly volumeMounts: VolumeMountProps[] = [];
  private readonly services: Service[] = [];
  private readonly env: Record<string, string> = {};
  private vault: TaskVaultProps | undefined;

  /** @internal */
  constructor(
    /** The group the task belongs to. */
    public readonly group: TaskGroup,
    /** The task name. */
    public readonly name: string,
    private readonly props: TaskProps,
  ) {
    this.where = `${group.where} task ${JSON.stringify(name)}`;
    const where = this.where;
    checkTaskName(where, name);
    if (!(props.driver instanceof TaskDriver)) {
      throw new ConfigError(
        where,
        'driver',
        props.driver,
        'Give a driver from the factories, e.g. TaskDriver.docker({ image: "nginx:1.27" }).',
      );
    }
    props.driver._renderConfig(where);
    checkResources(where, props.resources);
    checkDuration(where, 'killTimeout', props.killTimeout);
    if (props.lifecycle) {
      checkOneOf(where, 'lifecycle hook', props.lifecycle.hook, Object.values(LifecycleHook));
    }
    for (const identity of props.identities ?? []) {
      checkDuration(where, 'identity ttl', identity.ttl);
    }
    for (const [key, value] of Object.entries(props.env ?? {})) this.addEnv(key, value);
    if (props.vault) this.setVault(props.vault);
    for (const t of props.templates ?? []) this.addTemplate(t);
    for (const a of props.artifacts ?? []) this.addArtifact(a);
    for (const m of props.volumeMounts ?? []) this.addVolumeMount(m);
    for (const s of props.services ?? []) this.addService(s);
  }

  /** The job the task belongs to. */
  public get job(): Job {
    return this.group.job;
  }

  /** The driver. */
  public get driver(): TaskDriver {
    return this.props.driver;
  }

  /** The environment variables, as they will be rendered. */
  public get environment(): Readonly<Record<string, string>> {
    return this.env;
  }

  /** The templates, in order. */
  public get taskTemplates(): readonly TemplateProps[] {
    return [...this.templates, ...this.templateProducers.map((p) => p())];
  }

  /** The task's `vault {}` settings, if any. */
  public get vaultSettings(): TaskVaultProps | undefined {
    return this.vault;
  }

  /** Group volumes this task mounts. */
  public get mountedVolumes(): string[] {
    return this.volumeMounts.map((m) => m.volume);
  }

  /** Services declared on the task. */
  public get taskServices(): readonly Service[] {
    return this.services;
  }

  /** Adds a template. */
  public addTemplate(template: TemplateProps): void {
    this.checkTemplate(template);
    this.templates.push(template);
    this.job._changed();
  }

  /**
   * Adds a template whose text is produced when the jobspec is rendered, so it reflects a
   * model that changes after construction (e.g. Traefik's configuration).
   * @internal
   */
  public _addTemplateProducer(produce: () => TemplateProps): void {
    this.templateProducers.push(() => {
      const template = produce();
      this.checkTemplate(template);
      return template;
    });
    this.job._rendersOtherModels();
  }

  private checkTemplate(template: TemplateProps): void {
    const where = this.where;
    if ((template.data === undefined) === (template.source === undefined)) {
      throw new ConfigError(
        where,
        'template',
        { destination: template.destination },
        'Give a template exactly one of data (inline text) and source (a file on the client).',
      );
    }
    checkOneOf(
      where,
      'template changeMode',
      template.changeMode,
      Object.values(TemplateChangeMode),
    );
    checkDuration(where, 'template splay', template.splay);
    if (
      (template.changeMode === TemplateChangeMode.SCRIPT) !==
      (template.changeScript !== undefined)
    ) {
      throw new ConfigError(
        where,
        'template changeScript',
        template.changeScript,
        'TemplateChangeMode.SCRIPT needs changeScript, and changeScript needs TemplateChangeMode.SCRIPT.',
      );
    }
    checkDuration(where, 'template changeScript timeout', template.changeScript?.timeout);
    if (template.changeMode === TemplateChangeMode.SIGNAL && !template.changeSignal) {
      throw new ConfigError(
        where,
        'template changeSignal',
        undefined,
        'TemplateChangeMode.SIGNAL needs changeSignal, e.g. "SIGHUP".',
      );
    }
    if ((template.leftDelimiter === undefined) !== (template.rightDelimiter === undefined)) {
      throw new ConfigError(
        where,
        'template delimiters',
        { left: template.leftDelimiter, right: template.rightDelimiter },
        'Set both leftDelimiter and rightDelimiter, or neither.',
      );
    }
  }

  /**
   * Adds a file with fixed content: unlike a template, nothing in the text is evaluated by
   * consul-template (which would otherwise run any `{{ ... }}` in it, e.g. Consul's own
   * go-sockaddr templates or a user value). The template's delimiters are chosen so the literal
   * text cannot contain them; in the value of each reference in the text, Terraform writes the
   * left delimiter as a template action that prints it (`[[ "[[" ]]`), so a value cannot open
   * an action either.
   */
  public addFile(destination: string, text: string, options: FileTemplateOptions = {}): void {
    let n = 0;
    let left = '[[';
    let right = ']]';
    while (text.includes(left)) {
      n++;
      left = `[[file${n}:`;
      right = `:file${n}]]`;
    }
    const printed = Fn.rawString(`${left} "${left}" ${right}`);
    const data = splitTokens(text)
      .map((f) => (f.isToken ? Token.asString(Fn.replace(f.text, left, printed)) : f.text))
      .join('');
    this.addTemplate({
      destination,
      data,
      leftDelimiter: left,
      rightDelimiter: right,
      perms: options.perms,
      changeMode: options.changeMode,
      changeSignal: options.changeSignal,
    });
  }

  /** Adds an artifact. */
  public addArtifact(artifact: ArtifactProps): void {
    checkOneOf(this.where, 'artifact mode', artifact.mode, Object.values(ArtifactMode));
    checkBlockKeys(this.where, 'artifact options', artifact.options);
    checkBlockKeys(this.where, 'artifact headers', artifact.headers);
    this.artifacts.push(artifact);
    this.job._changed();
  }

  /** Mounts a group volume. */
  public addVolumeMount(mount: VolumeMountProps): void {
    checkOneOf(
      this.where,
      'volume_mount propagationMode',
      mount.propagationMode,
      Object.values(PropagationMode),
    );
    this.volumeMounts.push(mount);
    this.job._changed();
  }

  /** Adds a task-level service (no Connect; that belongs on the group). */
  public addService(props: TaskServiceProps): Service {
    const service = new Service(this.group, this, props);
    this.services.push(service);
    this.job._changed();
    return service;
  }

  /** Sets an environment variable (replacing an earlier value of the same name). */
  public addEnv(name: string, value: string): void {
    if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
      throw new ConfigError(this.where, 'env name', name, 'Give a non-empty variable name.');
    }
    this.env[name] = value;
    this.job._changed();
  }

  /** Sets the task's `vault {}` block (replacing any earlier one). */
  public setVault(vault: TaskVaultProps): void {
    checkOneOf(this.where, 'vault changeMode', vault.changeMode, Object.values(VaultChangeMode));
    this.vault = vault;
    this.job._changed();
  }

  /**
   * Keys of the task's meta.
   * @internal
   */
  public get _metaKeys(): string[] {
    return Object.keys(this.props.meta ?? {});
  }

  /**
   * Strings of the task in which Nomad interpolates runtime variables.
   * @internal
   */
  public get _interpolated(): string[] {
    return [
      ...Object.values(this.env),
      ...this.props.driver._interpolated,
      ...this.artifacts.map((a) => a.source),
    ];
  }

  /**
   * Renders the `task {}` block.
   * @internal
   */
  public _toHcl(): HclBlock {
    const p = this.props;
    const block = new HclBlock('task', [this.name])
      .attribute('driver', p.driver.name)
      .attribute('user', p.user)
      .attribute('leader', p.leader)
      .attribute('kill_timeout', p.killTimeout);
    if (p.lifecycle) {
      block
        .block('lifecycle')
        .attribute('hook', p.lifecycle.hook)
        .attribute('sidecar', p.lifecycle.sidecar);
    }
    for (const mount of this.volumeMounts) {
      block
        .block('volume_mount')
        .attribute('volume', mount.volume)
        .attribute('destination', mount.destination)
        .attribute('read_only', mount.readOnly)
        .attribute('propagation_mode', mount.propagationMode);
    }
    block.appendBlock(p.driver._renderConfig(this.where));
    for (const a of this.artifacts) {
      const artifact = block
        .block('artifact')
        .attribute('source', a.source)
        .attribute('destination', a.destination)
        .attribute('mode', a.mode);
      artifact.mapBlock('options', a.options);
      artifact.mapBlock('headers', a.headers);
    }
    block.mapBlockOrAttribute('env', this.env);
    for (const t of [...this.templates, ...this.templateProducers.map((p) => p())]) {
      const template = block.block('template');
      template
        .attribute('data', t.data === undefined ? undefined : new HclHeredoc(t.data))
        .attribute('source', t.source)
        .attribute('destination', t.destination)
        .attribute('change_mode', t.changeMode)
        .attribute('change_signal', t.changeSignal)
        .attribute('left_delimiter', t.leftDelimiter)
        .attribute('right_delimiter', t.rightDelimiter)
        .attribute('perms', t.perms)
        .attribute('env', t.env)
        .attribute('splay', t.splay)
        .attribute('error_on_missing_key', t.errorOnMissingKey);
      if (t.changeScript) {
        template
          .block('change_script')
          .attribute('command', t.changeScript.command)
          .attribute('args', t.changeScript.args)
          .attribute('timeout', t.changeScript.timeout)
          .attribute('fail_on_error', t.changeScript.failOnError);
      }
    }
    if (this.vault) {
      const v = this.vault;
      block
        .block('vault')
        .attribute('role', v.role)
        .attribute('policies', v.policies)
        .attribute('cluster', v.cluster)
        .attribute('namespace', v.namespace)
        .attribute('change_mode', v.changeMode)
        .attribute('change_signal', v.changeSignal)
        .attribute('env', v.env)
        .attribute('disable_file', v.disableFile);
    }
    for (const id of p.identities ?? []) {
      block
        .block('identity')
        .attribute('name', id.name)
        .attribute('aud', id.aud)
        .attribute('env', id.env)
        .attribute('file', id.file)
        .attribute('ttl', id.ttl);
    }
    for (const service of this.services) block.appendBlock(service._toHcl());
    const r = p.resources;
    if (r) {
      block
        .block('resources')
        .attribute('cpu', r.cpuMhz)
        .attribute('cores', r.cores)
        .attribute('memory', r.memoryMb)
        .attribute('memory_max', r.memoryMaxMb);
    }
    block.mapBlockOrAttribute('meta', p.meta);
    return block;
  }
}

function checkResources(where: string, r: ResourcesProps | undefined): void {
  if (!r) return;
  checkInteger(
    where,
    'resources.cpuMhz',
    r.cpuMhz,
    1,
    'Give the CPU the task needs in MHz, at least 1 (Nomad defaults to 100).',
  );
  checkInteger(where, 'resources.cores', r.cores, 1, 'Give a whole number of cores, at least 1.');
  checkInteger(
    where,
    'resources.memoryMb',
    r.memoryMb,
    10,
    'Give the memory the task needs in MB, at least 10 (Nomad defaults to 300).',
  );
  checkInteger(
    where,
    'resources.memoryMaxMb',
    r.memoryMaxMb,
    r.memoryMb ?? 10,
    'memoryMaxMb must be at least memoryMb.',
  );
  if (r.cpuMhz !== undefined && r.cores !== undefined) {
    throw new ConfigError(where, 'resources', r, 'Set either cpuMhz or cores, not both.');
  }
}
