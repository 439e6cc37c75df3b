import { IConstruct } from 'constructs';
import type { TaskGroup } from '../nomad/group';
import type { NomadJob } from '../nomad/nomad-job';
import type { Service } from '../nomad/service';
import type { Task } from '../nomad/task';
import { blockOf, blocksOf, HclBodyNode, HclReadValue } from './jobspec-reader';

/**
 * A Nomad job as the checks see it, read from its jobspec: the same view for a `NomadJob`
 * (its rendered jobspec, with handles on the typed model) and for a hand-written `nomad_job`.
 * @internal
 */
export interface JobView {
  /** The construct findings are annotated on. */
  readonly construct: IConstruct;
  /** Where the job is: the construct path and the job name. */
  readonly where: string;
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly meta: Record<string, string>;
  readonly groups: GroupView[];
  /** The typed job, when it was built with NomadJob. */
  readonly model?: NomadJob;
}

/** A group of a {@link JobView}. */
export interface GroupView {
  readonly job: JobView;
  readonly name: string;
  readonly where: string;
  readonly networkMode?: string;
  readonly ports: PortView[];
  /** Group and task services. */
  readonly services: ServiceView[];
  readonly tasks: TaskView[];
  readonly meta: Record<string, string>;
  readonly model?: TaskGroup;
}

/** A port of a group network. */
export interface PortView {
  readonly label: string;
  readonly static?: number;
  readonly to?: number;
  readonly hostNetwork?: string;
}

/** A service of a group or task. */
export interface ServiceView {
  readonly group: GroupView;
  readonly task?: TaskView;
  /** The name as written (it may hold runtime variables). */
  readonly name: string;
  /** The name with `${NOMAD_JOB_NAME}`-style variables filled in; undefined when unknown. */
  readonly resolvedName?: string;
  readonly where: string;
  readonly provider: string;
  readonly tags: string[];
  readonly meta: Record<string, string>;
  readonly sidecar: boolean;
  readonly native: boolean;
  readonly upstreams: UpstreamView[];
  readonly model?: Service;
}

/** An upstream of a Connect sidecar. */
export interface UpstreamView {
  readonly destinationName: string;
  readonly localBindPort?: number;
  readonly datacenter?: string;
  readonly destinationPeer?: string;
}

/** A task. */
export interface TaskView {
  readonly group: GroupView;
  readonly name: string;
  readonly where: string;
  readonly driver: string;
  readonly image?: string;
  readonly config: Map<string, HclReadValue>;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly templates: TemplateView[];
  readonly artifacts: string[];
  readonly meta: Record<string, string>;
  readonly vaultPolicies?: string[];
  readonly vaultRole?: string;
  readonly hasVault: boolean;
  readonly model?: Task;
}

/** A template of a task. */
export interface TemplateView {
  readonly destination: string;
  readonly data?: string;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
}

/** The jobs of a jobspec file. */
export function jobViews(
  file: HclBodyNode,
  construct: IConstruct,
  constructPath: string,
  model?: NomadJob,
): JobView[] {
  return blocksOf(file, 'job').map((block) => {
    const name = block.labels[0] ?? '';
    const body = block.body;
    const where = model?.spec.where ?? `${constructPath} (job ${JSON.stringify(name)})`;
    const groups: GroupView[] = [];
    const job: JobView = {
      construct,
      where,
      name,
      namespace: text(body.attributes.get('namespace')) ?? 'default',
      type: text(body.attributes.get('type')) ?? 'service',
      meta: mapOf(body, 'meta'),
      groups,
      model,
    };
    for (const g of blocksOf(body, 'group')) groups.push(groupView(job, g.labels[0] ?? '', g.body));
    return job;
  });
}

function groupView(job: JobView, name: string, body: HclBodyNode): GroupView {
  const model = job.model?.groups.find((g) => g.name === name);
  const network = blockOf(body, 'network')?.body;
  const ports: PortView[] = network
    ? blocksOf(network, 'port').map((p) => ({
        label: p.labels[0] ?? '',
        static: num(p.body.attributes.get('static')),
        to: num(p.body.attributes.get('to')),
        hostNetwork: text(p.body.attributes.get('host_network')),
      }))
    : [];
  const services: ServiceView[] = [];
  const tasks: TaskView[] = [];
  const group: GroupView = {
    job,
    name,
    where: model?.where ?? `${job.where} group ${JSON.stringify(name)}`,
    networkMode: network ? (text(network.attributes.get('mode')) ?? 'host') : undefined,
    ports,
    services,
    tasks,
    meta: mapOf(body, 'meta'),
    model,
  };
  for (const s of blocksOf(body, 'service')) services.push(serviceView(group, undefined, s.body));
  for (const t of blocksOf(body, 'task')) {
    const task = taskView(group, t.labels[0] ?? '', t.body);
    tasks.push(task);
    for (const s of blocksOf(t.body, 'service')) services.push(serviceView(group, task, s.body));
  }
  return group;
}

function serviceView(group: GroupView, task: TaskView | undefined, body: HclBodyNode): ServiceView {
  const name = text(body.attributes.get('name')) ?? '';
  const model = (task?.model?.taskServices ?? group.model?.groupServices ?? []).find(
    (s) => s.name === name,
  );
  const connect = blockOf(body, 'connect')?.body;
  const sidecar = connect ? blockOf(connect, 'sidecar_service')?.body : undefined;
  const proxy = sidecar ? blockOf(sidecar, 'proxy')?.body : undefined;
  const upstreams: UpstreamView[] = proxy
    ? blocksOf(proxy, 'upstreams').map((u) => ({
        destinationName: text(u.body.attributes.get('destination_name')) ?? '',
        localBindPort: num(u.body.attributes.get('local_bind_port')),
        datacenter: text(u.body.attributes.get('datacenter')),
        destinationPeer: text(u.body.attributes.get('destination_peer')),
      }))
    : [];
  return {
    group,
    task,
    name,
    resolvedName: resolveRuntimeName(name, group, task),
    where: model?.where ?? `${(task ?? group).where} service ${JSON.stringify(name)}`,
    provider: text(body.attributes.get('provider')) ?? 'consul',
    tags: strings(body.attributes.get('tags')),
    meta: mapOf(body, 'meta'),
    sidecar: sidecar !== undefined,
    native: connect?.attributes.get('native') === true,
    upstreams,
    model,
  };
}

function taskView(group: GroupView, name: string, body: HclBodyNode): TaskView {
  const model = group.model?.tasks.find((t) => t.name === name);
  const config = blockOf(body, 'config')?.body.attributes ?? new Map<string, HclReadValue>();
  const vault = blockOf(body, 'vault')?.body;
  const command = text(config.get('command'));
  return {
    group,
    name,
    where: model?.where ?? `${group.where} task ${JSON.stringify(name)}`,
    driver: text(body.attributes.get('driver')) ?? '',
    image: text(config.get('image')),
    config,
    args: [...(command === undefined ? [] : [command]), ...strings(config.get('args'))],
    env: mapOf(body, 'env'),
    templates: blocksOf(body, 'template').map((t) => ({
      destination: text(t.body.attributes.get('destination')) ?? '',
      data: text(t.body.attributes.get('data')),
      leftDelimiter: text(t.body.attributes.get('left_delimiter')) ?? '{{',
      rightDelimiter: text(t.body.attributes.get('right_delimiter')) ?? '}}',
    })),
    artifacts: blocksOf(body, 'artifact')
      .map((a) => text(a.body.attributes.get('source')))
      .filter((s): s is string => s !== undefined),
    meta: mapOf(body, 'meta'),
    vaultPolicies: vault ? optionalStrings(vault.attributes.get('policies')) : undefined,
    vaultRole: vault ? text(vault.attributes.get('role')) : undefined,
    hasVault: vault !== undefined,
    model,
  };
}

/**
 * A name with `${NOMAD_JOB_NAME}`, `${NOMAD_GROUP_NAME}`, `${NOMAD_TASK_NAME}` and
 * `${NOMAD_NAMESPACE}` filled in; undefined when another variable remains.
 */
export function resolveRuntimeName(
  name: string,
  group: GroupView,
  task: TaskView | undefined,
): string | undefined {
  const values: Record<string, string | undefined> = {
    NOMAD_JOB_NAME: group.job.name,
    NOMAD_JOB_ID: group.job.name,
    NOMAD_GROUP_NAME: group.name,
    NOMAD_TASK_NAME: task?.name,
    NOMAD_NAMESPACE: group.job.namespace,
  };
  let unknown = false;
  const out = name.replace(/\$\{([^}]*)\}/g, (_m, variable: string) => {
    const value = values[variable];
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown || out === '' ? undefined : out;
}

/** A `meta {}`/`env {}` block or map attribute as text values. */
function mapOf(body: HclBodyNode, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const attribute = body.attributes.get(name);
  const sources: Array<[string, HclReadValue][]> = [];
  if (attribute !== undefined && attribute !== null && typeof attribute === 'object') {
    if (!Array.isArray(attribute)) sources.push(Object.entries(attribute));
  }
  for (const block of blocksOf(body, name)) sources.push([...block.body.attributes]);
  for (const entries of sources) {
    for (const [key, value] of entries) {
      const t = text(value);
      if (t !== undefined) Object.defineProperty(out, key, { value: t, enumerable: true });
    }
  }
  return out;
}

/** A scalar as text (numbers and booleans written out); undefined for lists, objects, null. */
export function text(value: HclReadValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function num(value: HclReadValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A list of scalars as text; empty for anything else (e.g. a reference to a list). */
export function strings(value: HclReadValue | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(text).filter((s): s is string => s !== undefined);
}

function optionalStrings(value: HclReadValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : undefined;
  return strings(value);
}
