import { checkOneOf } from '../core/checks';
import { ConfigError } from '../core/errors';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';

/** What a Consul ACL rule allows. */
export enum ConsulAccess {
  /** Read only. */
  READ = 'read',
  /** Read and write. */
  WRITE = 'write',
  /** Nothing, overriding broader rules. */
  DENY = 'deny',
  /** List (key_prefix rules only). */
  LIST = 'list',
}

/** Kinds of Consul ACL resource rules. */
export enum ConsulAclResource {
  AGENT = 'agent',
  AGENT_PREFIX = 'agent_prefix',
  NODE = 'node',
  NODE_PREFIX = 'node_prefix',
  SERVICE = 'service',
  SERVICE_PREFIX = 'service_prefix',
  KEY = 'key',
  KEY_PREFIX = 'key_prefix',
  SESSION = 'session',
  SESSION_PREFIX = 'session_prefix',
  EVENT_PREFIX = 'event_prefix',
  QUERY_PREFIX = 'query_prefix',
}

/**
 * One resource rule of a Consul ACL policy, e.g. `service_prefix "" { policy = "read" }`.
 * @see https://developer.hashicorp.com/consul/docs/security/acl/acl-rules
 */
export interface ConsulAclRuleProps {
  /** Kind of resource. */
  readonly resource: ConsulAclResource;
  /** Name or prefix (`""` matches all). */
  readonly name: string;
  /** Access granted. */
  readonly policy: ConsulAccess;
  /** Access to intentions of the service (service rules only). @default - none */
  readonly intentions?: ConsulAccess;
}

/** The rules of a Consul ACL policy. */
export interface ConsulAclRulesProps {
  /** Resource rules. @default - none */
  readonly rules?: ConsulAclRuleProps[];
  /** Access to ACL management (`acl = "write"`). @default - none */
  readonly acl?: ConsulAccess;
  /** Access to mesh configuration (`mesh = "write"`). @default - none */
  readonly mesh?: ConsulAccess;
  /** Access to operator endpoints. @default - none */
  readonly operator?: ConsulAccess;
}

/**
 * A Consul ACL policy's rules, rendered for Consul's rule parser (HCL v1).
 * @see https://developer.hashicorp.com/consul/docs/security/acl/acl-rules
 */
export class ConsulAclRules {
  constructor(
    private readonly props: ConsulAclRulesProps,
    /** Where the rules are, for messages. */
    public readonly where = 'ConsulAclRules',
  ) {
    const access = Object.values(ConsulAccess);
    for (const rule of props.rules ?? []) {
      checkOneOf(where, 'rule resource', rule.resource, Object.values(ConsulAclResource));
      checkOneOf(where, 'rule policy', rule.policy, access);
      checkOneOf(where, 'rule intentions', rule.intentions, access);
      if (rule.intentions !== undefined && !rule.resource.startsWith('service')) {
        throw new ConfigError(
          where,
          'rule intentions',
          rule.intentions,
          'Only service rules take intentions.',
        );
      }
    }
    for (const key of ['acl', 'mesh', 'operator'] as const)
      checkOneOf(where, key, props[key], access);
    if ((props.rules ?? []).length === 0 && !props.acl && !props.mesh && !props.operator) {
      throw new ConfigError(where, 'rules', [], 'Give at least one rule.');
    }
  }

  /**
   * The rules as Consul reads them (HCL v1). The text holds no `${` or `%{`, so it is also safe
   * to put into any provider attribute as it is (a raw `consul_acl_policy`'s `rules`).
   */
  public render(): string {
    const body = new HclBody()
      .attribute('acl', this.props.acl)
      .attribute('mesh', this.props.mesh)
      .attribute('operator', this.props.operator);
    for (const rule of this.props.rules ?? []) {
      body
        .block(rule.resource, rule.name)
        .attribute('policy', rule.policy)
        .attribute('intentions', rule.intentions);
    }
    return body.render(HclDialect.HCL1);
  }
}
