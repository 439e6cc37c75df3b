import { DataNomadJwks } from '@cdktf/provider-nomad/lib/data-nomad-jwks';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import {
  checkDuration,
  checkHttpUrl,
  checkInteger,
  isPlainHttpToRemote,
  isToken,
} from '../core/checks';
import { ConfigError } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import type { VaultStanzaProps } from '../nomad/agent-config';
import type { Task } from '../nomad/task';
import { grantIdentity, grantName } from './grant-paths';
import { grantScope } from './grant-scope';
import type {
  VaultModeBinder,
  VaultModeBinding,
  VaultModeContext,
  WorkloadIdentityOptions,
} from './integration-mode';
import { checkKvMount, checkLowerCaseName, terraformStrings } from './option-checks';
import { Capability, PolicyRuleProps } from './policy-document';
import { VaultPolicy } from './vault-policy';

const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
];

/**
 * Workload identity: a JWT auth backend that trusts Nomad's keys, a default role, and a policy
 * templated on the backend's accessor so each job reads only its own KV path.
 * @internal
 */
export class WorkloadIdentityBinder implements VaultModeBinder {
  constructor(private readonly options: WorkloadIdentityOptions) {}

  public bind(scope: Construct, context: VaultModeContext): VaultModeBinding {
    return new WorkloadIdentityBinding(scope, context, this.options);
  }
}

/** @internal */
export class WorkloadIdentityBinding implements VaultModeBinding {
  public readonly serverStanza: VaultStanzaProps;
  public readonly clientStanza: VaultStanzaProps;
  public readonly serverStanzaIsSensitive = false;
  public readonly kvMountPath: string;
  public readonly jwtAuthBackend: JwtAuthBackend;
  public readonly workloadPolicy: VaultPolicy;
  public readonly workloadRole: JwtAuthBackendRole;
  private readonly roleName: string;
  private readonly policyName: string;
  private readonly audience: string[];
  private readonly tokenPeriodSeconds: number;
  private readonly extraTokenPolicies: string[];
  /** The backend's path, a reference read once (every role names it). */
  private readonly backendPath: string;
  private readonly grants = new Map<
    Task,
    { policy?: VaultPolicy; policyName?: string; paths: Set<string>; rules: string[] }
  >();

  constructor(
    private readonly scope: Construct,
    private readonly context: VaultModeContext,
    options: WorkloadIdentityOptions,
  ) {
    const where = context.where;
    const authBackendPath = (options.authBackendPath ?? 'jwt-nomad').replace(/^\/+|\/+$/g, '');
    checkMountPath(where, 'workloadIdentity authBackendPath', authBackendPath);
    this.roleName = checkLowerCaseName(
      where,
      'workloadIdentity roleName',
      options.roleName ?? 'nomad-workloads',
    );
    this.policyName = checkLowerCaseName(
      where,
      'workloadIdentity policyName',
      options.policyName ?? 'nomad-workloads',
    );
    this.audience = options.audience ?? ['vault.io'];
    if (!isToken(this.audience) && this.audience.length === 0) {
      throw new ConfigError(
        where,
        'workloadIdentity audience',
        [],
        'Give at least one audience, e.g. ["vault.io"].',
      );
    }
    this.tokenPeriodSeconds = options.tokenPeriodSeconds ?? 1800;
    checkInteger(
      where,
      'workloadIdentity tokenPeriodSeconds',
      this.tokenPeriodSeconds,
      1,
      'Give a whole number of seconds above 0, e.g. 1800.',
    );
    this.kvMountPath = checkKvMount(
      where,
      'workloadIdentity kvMountPath',
      options.kvMountPath ?? 'secret',
    );
    this.extraTokenPolicies = options.extraTokenPolicies ?? [];
    this.checkExtraTokenPolicies(scope);
    const defaultIdentityTtl = options.defaultIdentityTtl ?? '1h';
    checkDuration(where, 'workloadIdentity defaultIdentityTtl', defaultIdentityTtl);
    const algorithms = options.jwtSupportedAlgs ?? ['EdDSA', 'RS256'];
    for (const alg of isToken(algorithms) ? [] : algorithms) {
      if (!isToken(alg) && !ALGORITHMS.includes(alg)) {
        throw new ConfigError(
          where,
          'workloadIdentity jwtSupportedAlgs',
          alg,
          `Use algorithms Vault knows: ${ALGORITHMS.join(', ')}.`,
        );
      }
    }

    const jwks = this.jwksSource(options);
    const parent = new Construct(scope, 'WorkloadIdentity');
    this.jwtAuthBackend = new JwtAuthBackend(parent, 'AuthBackend', {
      path: terraformString(authBackendPath),
      type: 'jwt',
      description: 'JWT auth backend for Nomad workload identities',
      jwksUrl: jwks.url === undefined ? undefined : terraformString(jwks.url),
      jwksCaPem: options.jwksCaPem === undefined ? undefined : terraformString(options.jwksCaPem),
      jwtValidationPubkeys: jwks.pubkeys,
      jwtSupportedAlgs: terraformStrings(algorithms),
      defaultRole: terraformString(this.roleName),
      provider: context.vaultProvider,
      lifecycle: context.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.backendPath = this.jwtAuthBackend.path;
    this.workloadPolicy = new VaultPolicy(parent, 'WorkloadPolicy', {
      name: this.policyName,
      rules: this.templatedRules(),
      provider: context.vaultProvider,
    });
    this.workloadRole = this.newRole(parent, 'WorkloadRole', this.roleName, [
      this.workloadPolicy.policyName,
      ...terraformStrings(this.extraTokenPolicies),
    ]);
    this.serverStanza = {
      address: context.vaultAddress,
      defaultIdentity: { aud: this.audience, ttl: defaultIdentityTtl },
    };
    this.clientStanza = {
      address: context.vaultAddress,
      jwtAuthBackendPath: this.backendPath,
    };
  }

  /**
   * Policies on every workload token: `root` is refused (every job would be root); any other is
   * allowed with a warning, since it widens every job's token at once.
   */
  private checkExtraTokenPolicies(scope: Construct): void {
    const names = this.extraTokenPolicies;
    if (isToken(names)) return;
    for (const name of names) {
      if (name === 'root') {
        throw new ConfigError(
          this.context.where,
          'workloadIdentity extraTokenPolicies',
          name,
          'Every workload token would be a root token. Grant each task what it needs with grantSecrets.',
        );
      }
    }
    if (names.length > 0) {
      Annotations.of(scope).addWarning(
        `workloadIdentity extraTokenPolicies ${JSON.stringify(names)}: every workload token, of ` +
          'every job in the cluster, carries these policies. Prefer grantSecrets(task, { extraRules }) ' +
          'for what one task needs.',
      );
    }
  }

  public get grantedPaths(): Map<Task, string[]> {
    const out = new Map<Task, string[]>();
    for (const [task, record] of this.grants) {
      const own = this.secretsPath(task.job.namespace, task.job.name);
      out.set(task, [
        own,
        `${own}/*`,
        ...[...record.paths].map((p) => `${this.kvMountPath}/data/${p}`),
        ...record.rules,
      ]);
    }
    return out;
  }

  public secretsPath(namespace: string, jobName: string): string {
    return `${this.kvMountPath}/data/${namespace}/${jobName}`;
  }

  public grant(task: Task, extraPaths: string[], extraRules: PolicyRuleProps[]): string[] {
    let record = this.grants.get(task);
    if (!record) {
      record = { paths: new Set(), rules: [] };
      this.grants.set(task, record);
      task.setVault({ ...(task.vaultSettings ?? {}), role: this.roleName, policies: undefined });
    }
    const fresh = extraPaths.filter((p) => !record!.paths.has(p));
    if ((fresh.length > 0 || extraRules.length > 0) && !record.policy) {
      const scope = grantScope(grantsScope(this.scope), task);
      const id = grantIdentity(task);
      record.policyName = grantName(this.policyName, task);
      record.policy = new VaultPolicy(scope, 'Policy', {
        name: record.policyName,
        provider: this.context.vaultProvider,
      });
      const roleName = grantName(this.roleName, task);
      this.newRole(
        scope,
        'Role',
        roleName,
        [
          this.workloadPolicy.policyName,
          record.policy.policyName,
          ...terraformStrings(this.extraTokenPolicies),
        ],
        { nomad_namespace: id.namespace, nomad_job_id: id.job, nomad_task: id.task },
      );
      task.setVault({ ...(task.vaultSettings ?? {}), role: roleName, policies: undefined });
    }
    for (const path of fresh) {
      record.paths.add(path);
      record.policy!.addRule({
        path: `${this.kvMountPath}/data/${path}`,
        capabilities: [Capability.READ],
      });
    }
    for (const rule of extraRules) {
      record.policy!.addRule(rule);
      record.rules.push(rule.path);
    }
    return record.policyName ? [this.policyName, record.policyName] : [this.policyName];
  }

  private jwksSource(options: WorkloadIdentityOptions): { url?: string; pubkeys?: string[] } {
    const where = this.context.where;
    if (options.jwksUrl !== undefined && options.jwksFromNomadProvider) {
      throw new ConfigError(
        where,
        'workloadIdentity jwksUrl',
        options.jwksUrl,
        'Give either jwksUrl or jwksFromNomadProvider, not both.',
      );
    }
    if (options.jwksFromNomadProvider) {
      const jwks = new DataNomadJwks(this.scope, 'NomadJwks', {
        provider: this.context.nomadProvider,
      });
      return { pubkeys: jwks.pemKeys };
    }
    const nomad = this.context.nomadAddress;
    const url =
      options.jwksUrl ??
      (nomad === undefined
        ? undefined
        : isToken(nomad)
          ? `${nomad}/.well-known/jwks.json`
          : `${nomad.replace(/\/+$/, '')}/.well-known/jwks.json`);
    if (url === undefined) {
      throw new ConfigError(
        where,
        'workloadIdentity jwksUrl',
        undefined,
        "Workload identity needs Nomad's public keys. Set nomadAddress (Vault then reads " +
          '<nomadAddress>/.well-known/jwks.json), workloadIdentity({ jwksUrl }), or ' +
          'workloadIdentity({ jwksFromNomadProvider: true }).',
      );
    }
    const parsed = checkHttpUrl(where, 'workloadIdentity jwksUrl', url);
    if (parsed && isPlainHttpToRemote(parsed)) {
      Annotations.of(this.scope).addWarning(
        `workloadIdentity jwksUrl ${url} uses plain HTTP to a non-loopback host: anyone on the ` +
          "path could hand Vault their own keys and sign identities for any job. Use Nomad's https address.",
      );
    }
    return { url };
  }

  private newRole(
    scope: Construct,
    id: string,
    roleName: string,
    policies: string[],
    boundClaims?: Record<string, string>,
  ): JwtAuthBackendRole {
    return new JwtAuthBackendRole(scope, id, {
      backend: this.backendPath,
      roleName: terraformString(roleName),
      roleType: 'jwt',
      boundAudiences: terraformStrings(this.audience),
      boundClaims:
        boundClaims === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(boundClaims).map(([k, v]) => [k, terraformString(v)]),
            ),
      userClaim: '/nomad_job_id',
      userClaimJsonPointer: true,
      claimMappings: {
        nomad_namespace: 'nomad_namespace',
        nomad_job_id: 'nomad_job_id',
        nomad_task: 'nomad_task',
      },
      tokenType: 'service',
      tokenPolicies: policies,
      tokenPeriod: this.tokenPeriodSeconds,
      tokenExplicitMaxTtl: 0,
      provider: this.context.vaultProvider,
    });
  }

  /** Read access for each job to `<mount>/data/<namespace>/<job>` and below, by identity templating. */
  private templatedRules(): PolicyRuleProps[] {
    const mount = this.kvMountPath;
    const accessor = this.jwtAuthBackend.accessor;
    const meta = (claim: string) => `{{identity.entity.aliases.${accessor}.metadata.${claim}}}`;
    const own = `${meta('nomad_namespace')}/${meta('nomad_job_id')}`;
    return [
      { path: `${mount}/data/${own}/*`, capabilities: [Capability.READ] },
      { path: `${mount}/data/${own}`, capabilities: [Capability.READ] },
      { path: `${mount}/metadata/${meta('nomad_namespace')}/*`, capabilities: [Capability.LIST] },
      { path: `${mount}/metadata/*`, capabilities: [Capability.LIST] },
    ];
  }
}

/** The integration's `Grants` scope, made on first use. */
export function grantsScope(integration: Construct): Construct {
  return (
    (integration.node.tryFindChild('Grants') as Construct | undefined) ??
    new Construct(integration, 'Grants')
  );
}

function checkMountPath(where: string, prop: string, path: string): void {
  if (isToken(path)) return;
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path)) {
    throw new ConfigError(
      where,
      prop,
      path,
      'Give a mount path of letters, digits, ".", "_" and "-" segments, e.g. "jwt-nomad".',
    );
  }
}
