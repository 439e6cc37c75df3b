import { runAppChecksOn } from '../checks/app-checks';
import { ConfigEntryServiceIntentions } from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { checkOneOf, isToken } from '../core/checks';
import { ConfigError, problem } from '../core/errors';
import { Produced } from '../core/produced';
import { terraformString } from '../core/terraform-string';
import { checkServiceName } from '../nomad/names';

/** What an intention does with a connection. */
export enum IntentionAction {
  ALLOW = 'allow',
  DENY = 'deny',
}

/**
 * An L7 permission of an intention: which HTTP requests a source may make. Needs the
 * destination's protocol to be HTTP-based (`service-defaults`).
 * @see https://developer.hashicorp.com/consul/docs/connect/config-entries/service-intentions#permissions
 */
export interface HttpPermissionProps {
  /** Exact path. @default - any path */
  readonly pathExact?: string;
  /** Path prefix, e.g. `/api/`. @default - any path */
  readonly pathPrefix?: string;
  /** Path regular expression. @default - any path */
  readonly pathRegex?: string;
  /** HTTP methods, e.g. `["GET"]`. @default - any method */
  readonly methods?: string[];
}

/** One source of an intention. */
export interface IntentionSourceProps {
  /** What to do; leave unset when giving permissions. @default IntentionAction.ALLOW */
  readonly action?: IntentionAction;
  /** L7 permissions (allow only these requests). @default - none (L4 action) */
  readonly permissions?: HttpPermissionProps[];
  /** Description. @default - none */
  readonly description?: string;
}

/** Properties of {@link ServiceIntentions}. */
export interface ServiceIntentionsProps {
  /** Destination service name, or `*` for the defaults of every service. */
  readonly destination: string;
  /** Consul provider. @default - the stack's default consul provider */
  readonly provider?: TerraformProvider;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];

/**
 * The intentions of one destination service, written with Terraform's
 * `consul_config_entry_service_intentions` (one config entry per destination). Sources added
 * after construction are included.
 *
 * @see https://registry.terraform.io/providers/hashicorp/consul/latest/docs/resources/config_entry_service_intentions
 */
export class ServiceIntentions extends Construct {
  /** The config entry resource (also `node.defaultChild`). */
  public readonly resource: ConfigEntryServiceIntentions;
  /** The destination. */
  public readonly destination: string;
  private readonly sources = new Map<string, IntentionSourceProps>();

  constructor(scope: Construct, id: string, props: ServiceIntentionsProps) {
    super(scope, id);
    runAppChecksOn(this);
    if (props.destination !== '*')
      checkServiceName(this.node.path, props.destination, 'destination');
    this.destination = props.destination;
    this.resource = new ConfigEntryServiceIntentions(this, 'Resource', {
      name: terraformString(props.destination),
      sources: new Produced(() => this.renderSources()),
      provider: props.provider,
    });
    this.node.addValidation({
      validate: () =>
        this.sources.size === 0
          ? [
              problem(
                this.node.path,
                'sources',
                [],
                `The intentions of ${JSON.stringify(this.destination)} name no source; add one with addSource.`,
              ),
            ]
          : [],
    });
  }

  /** The sources, in the order they were added. */
  public get sourceNames(): string[] {
    return [...this.sources.keys()];
  }

  /** The settings of one source, if it was added. */
  public source(name: string): IntentionSourceProps | undefined {
    return this.sources.get(name);
  }

  /** Adds a source (a service name, or `*`). A source can be added once. */
  public addSource(name: string, props: IntentionSourceProps = {}): void {
    const where = this.node.path;
    if (name !== '*') checkServiceName(where, name, 'intention source');
    if (this.sources.has(name)) {
      throw new ConfigError(
        where,
        'intention source',
        name,
        `The intentions of ${JSON.stringify(this.destination)} already name this source; give each source once.`,
      );
    }
    checkOneOf(where, 'intention action', props.action, Object.values(IntentionAction));
    const wildcard = name === '*' || this.destination === '*';
    if (wildcard && props.permissions === undefined && props.action !== IntentionAction.DENY) {
      throw new ConfigError(
        where,
        'intention source',
        name,
        `An intention from ${JSON.stringify(name)} to ${JSON.stringify(this.destination)} that ` +
          'allows would let every service of the mesh (or any it does not know yet) call it; ' +
          'name each caller, or give the wildcard action: IntentionAction.DENY.',
      );
    }
    if (props.permissions !== undefined) {
      if (props.action !== undefined) {
        throw new ConfigError(
          where,
          'intention action',
          props.action,
          'A source has either an action or L7 permissions, not both.',
        );
      }
      if (this.destination === '*' || name === '*') {
        throw new ConfigError(
          where,
          'intention permissions',
          name,
          'Consul allows L7 permissions only between named services, not wildcards.',
        );
      }
      for (const p of props.permissions) checkPermission(where, p);
    }
    this.sources.set(name, props);
  }

  private renderSources(): unknown[] {
    return [...this.sources].map(([name, s]) => ({
      name: terraformString(name),
      description: s.description === undefined ? undefined : terraformString(s.description),
      action: s.permissions ? undefined : (s.action ?? IntentionAction.ALLOW),
      precedence: intentionPrecedence(this.destination, name),
      type: 'consul',
      permissions: s.permissions?.map((p) => ({
        action: IntentionAction.ALLOW,
        http: [
          {
            path_exact: p.pathExact === undefined ? undefined : terraformString(p.pathExact),
            path_prefix: p.pathPrefix === undefined ? undefined : terraformString(p.pathPrefix),
            path_regex: p.pathRegex === undefined ? undefined : terraformString(p.pathRegex),
            methods: p.methods,
          },
        ],
      })),
    }));
  }
}

/**
 * The precedence Consul gives a source of a service-intentions entry (a read-only field the
 * provider reads back, so a configuration without it plans a change on every run): 9 for a
 * named source to a named destination, 8 for `*` to a named one, 6 for a named source to `*`,
 * 5 for `*` to `*` (both in the default namespace).
 * @see https://github.com/hashicorp/consul/blob/v1.22.0/agent/structs/config_entry_intentions.go (computeIntentionPrecedence)
 */
export function intentionPrecedence(destination: string, source: string): number {
  const exact = (name: string) => (name === '*' ? 1 : 2);
  const max = { 2: 9, 1: 6 }[exact(destination)];
  return max - (2 - exact(source));
}

function checkPermission(where: string, p: HttpPermissionProps): void {
  const paths = [p.pathExact, p.pathPrefix, p.pathRegex].filter((x) => x !== undefined);
  if (paths.length > 1) {
    throw new ConfigError(
      where,
      'permission',
      p,
      'Give at most one of pathExact, pathPrefix and pathRegex.',
    );
  }
  for (const path of [p.pathExact, p.pathPrefix]) {
    if (path !== undefined && !isToken(path) && !path.startsWith('/')) {
      throw new ConfigError(where, 'permission path', path, 'HTTP paths start with "/".');
    }
  }
  for (const m of p.methods ?? []) {
    if (!isToken(m) && !METHODS.includes(m)) {
      throw new ConfigError(
        where,
        'permission method',
        m,
        `Use upper-case HTTP methods: ${METHODS.join(', ')}.`,
      );
    }
  }
}
