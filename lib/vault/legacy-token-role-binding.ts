import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { TokenAuthBackendRole } from '@cdktf/provider-vault/lib/token-auth-backend-role';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { checkDuration, checkInteger } from '../core/checks';
import { terraformString } from '../core/terraform-string';
import type { VaultStanzaProps } from '../nomad/agent-config';
import type { Task } from '../nomad/task';
import { grantName } from './grant-paths';
import { grantScope } from './grant-scope';
import type {
  LegacyTokenRoleOptions,
  VaultModeBinder,
  VaultModeBinding,
  VaultModeContext,
} from './integration-mode';
import { checkKvMount, checkLowerCaseName, terraformStrings } from './option-checks';
import { Capability, PolicyRuleProps } from './policy-document';
import { VaultPolicy } from './vault-policy';
import { grantsScope } from './workload-identity-binding';

/** The seven paths the Nomad servers' token needs in the token workflow (seeds 001 and 004). */
const serverPolicyRules = (role: string): PolicyRuleProps[] => [
  { path: `auth/token/create/${role}`, capabilities: [Capability.UPDATE] },
  { path: `auth/token/roles/${role}`, capabilities: [Capability.READ] },
  { path: 'auth/token/lookup-self', capabilities: [Capability.READ] },
  { path: 'auth/token/lookup', capabilities: [Capability.UPDATE] },
  { path: 'auth/token/revoke-accessor', capabilities: [Capability.UPDATE] },
  { path: 'sys/capabilities-self', capabilities: [Capability.UPDATE] },
  { path: 'auth/token/renew-self', capabilities: [Capability.UPDATE] },
];

/**
 * The legacy token workflow (Nomad < 1.10): a server policy, a token role tasks' tokens are
 * created from, and a periodic orphan token for the servers.
 * @internal
 */
export class LegacyTokenRoleBinder implements VaultModeBinder {
  constructor(private readonly options: LegacyTokenRoleOptions) {}

  public bind(scope: Construct, context: VaultModeContext): VaultModeBinding {
    return new LegacyTokenRoleBinding(scope, context, this.options);
  }
}

/** @internal */
export class LegacyTokenRoleBinding implements VaultModeBinding {
  public readonly serverStanza: VaultStanzaProps;
  public readonly clientStanza: VaultStanzaProps;
  public readonly serverStanzaIsSensitive = true;
  public readonly kvMountPath: string;
  public readonly serverPolicy: VaultPolicy;
  public readonly tokenRole: TokenAuthBackendRole;
  public readonly serverToken: VaultToken;
  private readonly grants = new Map<
    Task,
    { policy: VaultPolicy; paths: Set<string>; rules: string[] }
  >();

  constructor(
    private readonly scope: Construct,
    private readonly context: VaultModeContext,
    options: LegacyTokenRoleOptions,
  ) {
    const where = context.where;
    const serverPolicyName = checkLowerCaseName(
      where,
      'legacyTokenRole serverPolicyName',
      options.serverPolicyName ?? 'nomad-server',
    );
    const roleName = checkLowerCaseName(
      where,
      'legacyTokenRole roleName',
      options.roleName ?? 'nomad-cluster',
    );
    const tokenPeriodSeconds = options.tokenPeriodSeconds ?? 259200;
    checkInteger(
      where,
      'legacyTokenRole tokenPeriodSeconds',
      tokenPeriodSeconds,
      1,
      'Give a whole number of seconds above 0, e.g. 259200.',
    );
    const serverTokenPeriod = options.serverTokenPeriod ?? '72h';
    checkDuration(where, 'legacyTokenRole serverTokenPeriod', serverTokenPeriod);
    this.kvMountPath = checkKvMount(
      where,
      'legacyTokenRole kvMountPath',
      options.kvMountPath ?? 'secret',
    );
    Annotations.of(scope).addWarning(
      'VaultIntegrationMode.legacyTokenRole: the token workflow is deprecated since Nomad 1.7 and ' +
        'removed in Nomad 1.10, and it stores a Vault token for the Nomad servers in Terraform ' +
        'state. Use VaultIntegrationMode.workloadIdentity() on Nomad 1.7 and later.',
    );
    const parent = new Construct(scope, 'LegacyTokenRole');
    this.serverPolicy = new VaultPolicy(parent, 'ServerPolicy', {
      name: serverPolicyName,
      rules: serverPolicyRules(roleName),
      provider: context.vaultProvider,
    });
    this.tokenRole = new TokenAuthBackendRole(parent, 'TokenRole', {
      roleName: terraformString(roleName),
      allowedPolicies:
        options.allowedPolicies === undefined
          ? undefined
          : terraformStrings(options.allowedPolicies),
      disallowedPolicies: [this.serverPolicy.policyName],
      tokenExplicitMaxTtl: 0,
      orphan: true,
      tokenPeriod: tokenPeriodSeconds,
      renewable: true,
      provider: context.vaultProvider,
    });
    this.serverToken = new VaultToken(parent, 'ServerToken', {
      policies: [this.serverPolicy.policyName],
      noParent: true,
      period: terraformString(serverTokenPeriod),
      renewable: true,
      displayName: 'nomad-server',
      provider: context.vaultProvider,
      lifecycle: context.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.serverStanza = {
      address: context.vaultAddress,
      token: this.serverToken.clientToken,
      createFromRole: this.tokenRole.roleName,
    };
    this.clientStanza = { address: context.vaultAddress };
  }

  public get grantedPaths(): Map<Task, string[]> {
    const out = new Map<Task, string[]>();
    for (const [task, record] of this.grants) {
      const own = this.secretsPath('', task.job.name);
      out.set(task, [
        own,
        `${own}/*`,
        ...[...record.paths].map((p) => `${this.kvMountPath}/data/${p}`),
        ...record.rules,
      ]);
    }
    return out;
  }

  public secretsPath(_namespace: string, jobName: string): string {
    return `${this.kvMountPath}/data/${jobName}`;
  }

  public grant(task: Task, extraPaths: string[], extraRules: PolicyRuleProps[]): string[] {
    let record = this.grants.get(task);
    if (!record) {
      const job = task.job.name;
      const policy = new VaultPolicy(grantScope(grantsScope(this.scope), task), 'Policy', {
        name: grantName('nomad-job', task),
        rules: [job, `${job}/*`].map((p) => this.readRule(p)),
        provider: this.context.vaultProvider,
      });
      record = { policy, paths: new Set(), rules: [] };
      this.grants.set(task, record);
      task.setVault({
        ...(task.vaultSettings ?? {}),
        role: undefined,
        policies: [policy.policyName],
      });
    }
    for (const path of extraPaths) {
      if (record.paths.has(path)) continue;
      record.paths.add(path);
      record.policy.addRule(this.readRule(path));
    }
    for (const rule of extraRules) {
      record.policy.addRule(rule);
      record.rules.push(rule.path);
    }
    return [grantName('nomad-job', task)];
  }

  private readRule(path: string): PolicyRuleProps {
    return { path: `${this.kvMountPath}/data/${path}`, capabilities: [Capability.READ] };
  }
}
