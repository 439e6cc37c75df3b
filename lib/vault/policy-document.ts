import { isToken } from '../core/checks';
import { ConfigError, problem } from '../core/errors';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';

/**
 * Capabilities of a Vault ACL path rule.
 * @see https://developer.hashicorp.com/vault/docs/concepts/policies#capabilities
 */
export enum Capability {
  /** Create data at the path (POST/PUT where it does not exist). */
  CREATE = 'create',
  /** Read data (GET). */
  READ = 'read',
  /** Change data (POST/PUT where it exists). */
  UPDATE = 'update',
  /** Partially update data (PATCH). */
  PATCH = 'patch',
  /** Delete data (DELETE). */
  DELETE = 'delete',
  /** List keys (LIST). */
  LIST = 'list',
  /** Use root-protected paths; grant sparingly. */
  SUDO = 'sudo',
  /** Denies the path; overrides every other capability. */
  DENY = 'deny',
}

/**
 * One `path "..." {}` rule of a Vault ACL policy.
 * @see https://developer.hashicorp.com/vault/docs/concepts/policies#policy-syntax
 */
export interface PolicyRuleProps {
  /** API path without the `/v1/` prefix; a trailing `*` is a prefix glob, `+` one segment. */
  readonly path: string;
  /** What the rule allows. */
  readonly capabilities: Capability[];
  /** Parameters a request may set, with the values allowed (`[]` for any). @default - any */
  readonly allowedParameters?: Record<string, string[]>;
  /** Parameters a request may not set, with the values denied (`[]` for any). @default - none */
  readonly deniedParameters?: Record<string, string[]>;
  /** Parameters a request must set. @default - none */
  readonly requiredParameters?: string[];
  /** Shortest response-wrapping TTL allowed, e.g. `1s`. @default - no minimum */
  readonly minWrappingTtl?: string;
  /** Longest response-wrapping TTL allowed, e.g. `90s`. @default - no maximum */
  readonly maxWrappingTtl?: string;
}

/** Keys of PolicyRuleProps, each the camelCase form of a key Vault accepts in a path rule. */
const RULE_KEYS = [
  'path',
  'capabilities',
  'allowedParameters',
  'deniedParameters',
  'requiredParameters',
  'minWrappingTtl',
  'maxWrappingTtl',
];
const CAPABILITIES = Object.values(Capability) as string[];

/**
 * A Vault ACL policy: path rules checked the way Vault checks them when it parses a policy, and
 * rendered for Vault's own parser (HCL v1), so every path and parameter reaches Vault as written.
 */
export class PolicyDocument {
  private readonly rules: PolicyRuleProps[] = [];

  constructor(
    rules: PolicyRuleProps[] = [],
    /** Where the policy is, for messages. */
    public readonly where = 'Vault policy',
  ) {
    for (const rule of rules) this.addRule(rule);
  }

  /** The rules, in order. */
  public get pathRules(): readonly PolicyRuleProps[] {
    return this.rules;
  }

  /** Adds a rule after checking it. */
  public addRule(rule: PolicyRuleProps): void {
    const where = `${this.where} path ${JSON.stringify(rule.path)}`;
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.includes(key)) {
        throw new ConfigError(
          where,
          'key',
          key,
          `A path rule takes only: ${RULE_KEYS.join(', ')}.`,
        );
      }
    }
    checkPath(where, rule.path);
    if (!Array.isArray(rule.capabilities) || rule.capabilities.length === 0) {
      throw new ConfigError(
        where,
        'capabilities',
        rule.capabilities,
        'List at least one capability, e.g. [Capability.READ].',
      );
    }
    for (const cap of rule.capabilities) {
      if (!CAPABILITIES.includes(cap)) {
        throw new ConfigError(where, 'capability', cap, `Use one of: ${CAPABILITIES.join(', ')}.`);
      }
    }
    for (const [name, params] of [
      ['allowedParameters', rule.allowedParameters],
      ['deniedParameters', rule.deniedParameters],
    ] as const) {
      for (const key of Object.keys(params ?? {})) checkParameterKey(where, name, key, true);
    }
    for (const key of rule.requiredParameters ?? [])
      checkParameterKey(where, 'requiredParameters', key, false);
    const min = parseSeconds(where, 'minWrappingTtl', rule.minWrappingTtl);
    const max = parseSeconds(where, 'maxWrappingTtl', rule.maxWrappingTtl);
    if (min !== undefined && max !== undefined && min > 0 && max > 0 && max < min) {
      throw new ConfigError(
        where,
        'maxWrappingTtl',
        rule.maxWrappingTtl,
        `It cannot be less than minWrappingTtl (${rule.minWrappingTtl}).`,
      );
    }
    this.rules.push(rule);
  }

  /**
   * Problems found only once the policy is complete; empty when it is valid.
   * @internal
   */
  public _validate(): string[] {
    return this.rules.length === 0
      ? [
          problem(
            this.where,
            'rules',
            [],
            'The policy has no path rules; add at least one with addRule.',
          ),
        ]
      : [];
  }

  /**
   * Renders the policy as Vault reads it (HCL v1). The text holds no `${` or `%{` (HCL v1's
   * writer escapes them), so it is also safe to put into any provider attribute as it is (a raw
   * `vault_policy`): Terraform evaluates none of it, and references in it stay live.
   */
  public render(): string {
    const file = new HclBody();
    for (const rule of this.rules) {
      const block = file.block('path', rule.path).attribute('capabilities', rule.capabilities);
      if (rule.allowedParameters) block.attribute('allowed_parameters', rule.allowedParameters);
      if (rule.deniedParameters) block.attribute('denied_parameters', rule.deniedParameters);
      block
        .attribute('required_parameters', rule.requiredParameters)
        .attribute('min_wrapping_ttl', rule.minWrappingTtl)
        .attribute('max_wrapping_ttl', rule.maxWrappingTtl);
    }
    return file.render(HclDialect.HCL1);
  }
}

function checkPath(where: string, path: string): void {
  if (typeof path !== 'string' || path.replace(/^\//, '').length === 0) {
    throw new ConfigError(
      where,
      'path',
      path,
      'Give the API path the rule applies to, e.g. "secret/data/app/*".',
    );
  }
  if (isToken(path)) return;
  if (path.includes('+*')) {
    throw new ConfigError(
      where,
      'path',
      path,
      "Vault forbids '+*'; use '+' for one segment or a trailing '*' for a prefix.",
    );
  }
  const star = path.indexOf('*');
  if (star !== -1 && star !== path.length - 1) {
    throw new ConfigError(
      where,
      'path',
      path,
      "Vault reads '*' as a glob only at the end of a path; use '+' to match one segment.",
    );
  }
}

function checkParameterKey(
  where: string,
  prop: string,
  key: string,
  wildcardAllowed: boolean,
): void {
  if (!key.includes('*')) return;
  const tailWildcard = key.startsWith('/') && key.endsWith('/*') && !key.slice(0, -2).includes('*');
  if (!wildcardAllowed || !(key === '*' || tailWildcard)) {
    throw new ConfigError(
      where,
      `${prop} key`,
      key,
      wildcardAllowed
        ? 'A parameter wildcard must be "*" or a JSON pointer ending in "/*".'
        : 'Required parameters cannot use wildcards.',
    );
  }
}

const DURATION = /^(\d+)(s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses a Vault TTL (`90s`, `5m`, `1h`, or whole seconds). */
function parseSeconds(where: string, prop: string, ttl: string | undefined): number | undefined {
  if (ttl === undefined || isToken(ttl)) return undefined;
  const match = DURATION.exec(ttl);
  if (!match)
    throw new ConfigError(
      where,
      prop,
      ttl,
      'Give a TTL such as "90s", "5m", "1h" or a number of seconds.',
    );
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'];
}
