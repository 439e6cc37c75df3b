import { DataNomadJwks } from '@cdktf/provider-nomad/lib/data-nomad-jwks';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { TokenAuthBackendRole } from '@cdktf/provider-vault/lib/token-auth-backend-role';
import { Annotations, TerraformOutput, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { escapeForTerraform, HclBody } from '../hcl';
import { NomadJob, renderVaultStanza, Task, VaultStanzaProps } from '../nomad';
import { checkDuration } from '../nomad/validation';
import {
  LegacyTokenRoleOptions,
  VaultIntegrationMode,
  WorkloadIdentityOptions,
} from './integration-mode';
import { Capability, PolicyRuleProps } from './policy-document';
import { VaultPolicy } from './vault-policy';

/** Properties of {@link VaultNomadIntegration}. */
export interface VaultNomadIntegrationProps {
  /** Address Nomad agents use to reach Vault, e.g. `https://vault.example.com:8200`. */
  readonly vaultAddress: string;
  /** Workflow. @default VaultIntegrationMode.workloadIdentity() */
  readonly mode?: VaultIntegrationMode;
  /**
   * Address of the Nomad servers' HTTP API as Vault reaches it; gives the JWKS URL in
   * workload-identity mode.
   * @default - none (then give jwksUrl or jwksFromNomadProvider)
   */
  readonly nomadAddress?: string;
  /** Vault provider. @default - the stack's default vault provider */
  readonly vaultProvider?: TerraformProvider;
  /** Nomad provider (for the nomad_jwks data source). @default - the stack's default nomad provider */
  readonly nomadProvider?: TerraformProvider;
}

/** Options of {@link VaultNomadIntegration.grantSecrets}. */
export interface GrantSecretsOptions {
  /**
   * KV v2 secret paths below the mount (`shared/db`, `team/*`) the task may read, besides its
   * job's own path.
   * @default - only the job's own path
   */
  readonly extraPaths?: string[];
}

const SERVER_POLICY_RULES = (role: string): PolicyRuleProps[] => [
  { path: `auth/token/create/${role}`, capabilities: [Capability.UPDATE] },
  { path: `auth/token/roles/${role}`, capabilities: [Capability.READ] },
  { path: 'auth/token/lookup-self', capabilities: [Capability.READ] },
  { path: 'auth/token/lookup', capabilities: [Capability.UPDATE] },
  { path: 'auth/token/revoke-accessor', capabilities: [Capability.UPDATE] },
  { path: 'sys/capabilities-self', capabilities: [Capability.UPDATE] },
  { path: 'auth/token/renew-self', capabilities: [Capability.UPDATE] },
];

/**
 * Connects Nomad to Vault in one deploy: the Vault side (auth backend, role, policies, or the
 * legacy token role and server token) and the matching Nomad agent `vault {}` stanzas, which
 * it also writes to Terraform outputs (sensitive when they hold a token).
 *
 * @see https://developer.hashicorp.com/nomad/docs/integrations/vault
 */
export class VaultNomadIntegration extends Construct {
  /** The workflow in use. */
  public readonly mode: VaultIntegrationMode;
  /** The server agents' `vault {}` stanza as a Terraform string (holds the token in legacy mode). */
  public readonly serverVaultStanza: string;
  /** The client agents' `vault {}` stanza as a Terraform string. */
  public readonly clientVaultStanza: string;
  /** Whether the server stanza holds a secret. */
  public readonly serverStanzaIsSensitive: boolean;
  /** The JWT auth backend (workload-identity mode). */
  public readonly jwtAuthBackend?: JwtAuthBackend;
  /** The default role of Nomad workloads (workload-identity mode). */
  public readonly workloadRole?: JwtAuthBackendRole;
  /** The templated policy of Nomad workloads (workload-identity mode). */
  public readonly workloadPolicy?: VaultPolicy;
  /** The Nomad servers' policy (legacy mode). */
  public readonly serverPolicy?: VaultPolicy;
  /** The token role tasks' tokens are created from (legacy mode). */
  public readonly tokenRole?: TokenAuthBackendRole;
  /** The Nomad servers' periodic orphan token (legacy mode). Sensitive. */
  public readonly serverToken?: VaultToken;

  private readonly grants: Construct;
  private readonly vaultProvider?: TerraformProvider;
  private readonly wi?: Required<
    Omit<WorkloadIdentityOptions, 'jwksUrl' | 'jwksCaPem' | 'jwksFromNomadProvider'>
  >;
  private readonly legacy?: Required<Omit<LegacyTokenRoleOptions, 'allowedPolicies'>>;

  constructor(scope: Construct, id: string, props: VaultNomadIntegrationProps) {
    super(scope, id);
    checkAddress(this.node.path, 'vaultAddress', props.vaultAddress);
    if (props.nomadAddress !== undefined)
      checkAddress(this.node.path, 'nomadAddress', props.nomadAddress);
    warnOnPlainHttp(this, 'vaultAddress', props.vaultAddress);
    this.mode = props.mode ?? VaultIntegrationMode.workloadIdentity();
    this.vaultProvider = props.vaultProvider;
    this.grants = new Construct(this, 'Grants');

    let server: VaultStanzaProps = { address: props.vaultAddress };
    let client: VaultStanzaProps = { address: props.vaultAddress };
    const wiOptions = this.mode.workloadIdentityOptions;
    const legacyOptions = this.mode.legacyTokenRoleOptions;

    if (wiOptions) {
      const wi = (this.wi = {
        authBackendPath: wiOptions.authBackendPath ?? 'jwt-nomad',
        roleName: wiOptions.roleName ?? 'nomad-workloads',
        policyName: wiOptions.policyName ?? 'nomad-workloads',
        audience: wiOptions.audience ?? ['vault.io'],
        tokenPeriodSeconds: wiOptions.tokenPeriodSeconds ?? 1800,
        kvMountPath: trimSlashes(wiOptions.kvMountPath ?? 'secret'),
        extraTokenPolicies: wiOptions.extraTokenPolicies ?? [],
        defaultIdentityTtl: wiOptions.defaultIdentityTtl ?? '1h',
        jwtSupportedAlgs: wiOptions.jwtSupportedAlgs ?? ['EdDSA', 'RS256'],
      });
      checkPositive(this.node.path, 'workloadIdentity tokenPeriodSeconds', wi.tokenPeriodSeconds);
      checkDuration(this.node.path, 'workloadIdentity defaultIdentityTtl', wi.defaultIdentityTtl);
      const jwks = this.jwksSource(props, wiOptions);
      const parent = new Construct(this, 'WorkloadIdentity');
      this.jwtAuthBackend = new JwtAuthBackend(parent, 'AuthBackend', {
        path: wi.authBackendPath,
        type: 'jwt',
        description: 'JWT auth backend for Nomad workload identities',
        jwksUrl: jwks.url,
        jwksCaPem: wiOptions.jwksCaPem,
        jwtValidationPubkeys: jwks.pubkeys,
        jwtSupportedAlgs: wi.jwtSupportedAlgs,
        defaultRole: wi.roleName,
        provider: props.vaultProvider,
      });
      this.workloadPolicy = new VaultPolicy(parent, 'WorkloadPolicy', {
        name: wi.policyName,
        rules: this.templatedWorkloadRules(),
        provider: props.vaultProvider,
      });
      this.workloadRole = this.newJwtRole(parent, 'WorkloadRole', wi.roleName, [
        this.workloadPolicy.policyName,
        ...wi.extraTokenPolicies,
      ]);
      server = { ...server, defaultIdentity: { aud: wi.audience, ttl: wi.defaultIdentityTtl } };
      client = { ...client, jwtAuthBackendPath: this.jwtAuthBackend.path };
      this.serverStanzaIsSensitive = false;
    } else {
      const legacy = (this.legacy = {
        serverPolicyName: legacyOptions?.serverPolicyName ?? 'nomad-server',
        roleName: legacyOptions?.roleName ?? 'nomad-cluster',
        tokenPeriodSeconds: legacyOptions?.tokenPeriodSeconds ?? 259200,
        serverTokenPeriod: legacyOptions?.serverTokenPeriod ?? '72h',
        kvMountPath: trimSlashes(legacyOptions?.kvMountPath ?? 'secret'),
      });
      checkPositive(
        this.node.path,
        'legacyTokenRole tokenPeriodSeconds',
        legacy.tokenPeriodSeconds,
      );
      checkDuration(this.node.path, 'legacyTokenRole serverTokenPeriod', legacy.serverTokenPeriod);
      Annotations.of(this).addWarning(
        'VaultIntegrationMode.legacyTokenRole: the token workflow is deprecated since Nomad 1.7 and ' +
          'removed in Nomad 1.10, and it stores a Vault token for the Nomad servers in Terraform ' +
          'state. Use VaultIntegrationMode.workloadIdentity() on Nomad 1.7 and later.',
      );
      const parent = new Construct(this, 'LegacyTokenRole');
      this.serverPolicy = new VaultPolicy(parent, 'ServerPolicy', {
        name: legacy.serverPolicyName,
        rules: SERVER_POLICY_RULES(legacy.roleName),
        provider: props.vaultProvider,
      });
      this.tokenRole = new TokenAuthBackendRole(parent, 'TokenRole', {
        roleName: legacy.roleName,
        allowedPolicies: legacyOptions?.allowedPolicies,
        disallowedPolicies: [this.serverPolicy.policyName],
        tokenExplicitMaxTtl: 0,
        orphan: true,
        tokenPeriod: legacy.tokenPeriodSeconds,
        renewable: true,
        provider: props.vaultProvider,
      });
      this.serverToken = new VaultToken(parent, 'ServerToken', {
        policies: [this.serverPolicy.policyName],
        noParent: true,
        period: legacy.serverTokenPeriod,
        renewable: true,
        displayName: 'nomad-server',
        provider: props.vaultProvider,
      });
      server = {
        ...server,
        token: this.serverToken.clientToken,
        createFromRole: this.tokenRole.roleName,
      };
      this.serverStanzaIsSensitive = true;
    }

    this.serverVaultStanza = stanzaText(server);
    this.clientVaultStanza = stanzaText(client);
    const outputs = new Construct(this, 'Outputs');
    new TerraformOutput(outputs, 'ServerVaultStanza', {
      description: 'vault {} stanza for the Nomad servers',
      value: this.serverVaultStanza,
      sensitive: this.serverStanzaIsSensitive,
    });
    new TerraformOutput(outputs, 'ClientVaultStanza', {
      description: 'vault {} stanza for the Nomad clients',
      value: this.clientVaultStanza,
    });
  }

  /**
   * The KV v2 path where a job's own secrets live and its tasks can read them, e.g.
   * `secret/data/default/web` (workload identity) or `secret/data/web` (legacy).
   */
  public secretsPath(job: NomadJob): string {
    const name = literalJobName(this, job);
    if (this.wi) return `${this.wi.kvMountPath}/data/${job.spec.namespace}/${name}`;
    return `${this.legacy!.kvMountPath}/data/${name}`;
  }

  /**
   * Lets a task read its job's secrets (and any extra paths) and sets its `vault {}` block.
   * Workload identity: the templated policy already scopes each job to its own path; extra
   * paths get a policy and a role bound to this job's ID and namespace. Legacy: a policy the
   * task names in `vault { policies }`.
   * @returns the names of the policies the task's token carries
   */
  public grantSecrets(job: NomadJob, task: Task, options: GrantSecretsOptions = {}): string[] {
    const jobName = literalJobName(this, job);
    const extra = (options.extraPaths ?? []).map(trimSlashes);
    const grantId = `${jobName}-${task.name}`;
    if (this.wi) {
      if (extra.length === 0) {
        task.setVault({ role: this.wi.roleName });
        return [this.wi.policyName];
      }
      const scope = new Construct(this.grants, grantId);
      const policy = new VaultPolicy(scope, 'Policy', {
        name: `${this.wi.policyName}-${grantId}`.toLowerCase(),
        rules: extra.flatMap((p) => kvReadRules(this.wi!.kvMountPath, p)),
        provider: this.vaultProvider,
      });
      const roleName = `${this.wi.roleName}-${grantId}`.toLowerCase();
      this.newJwtRole(
        scope,
        'Role',
        roleName,
        [this.wi.policyName, policy.policyName, ...this.wi.extraTokenPolicies],
        {
          nomad_namespace: job.spec.namespace,
          nomad_job_id: jobName,
        },
      );
      task.setVault({ role: roleName });
      return [this.wi.policyName, policy.resource.name];
    }
    const legacy = this.legacy!;
    const scope = new Construct(this.grants, grantId);
    const policy = new VaultPolicy(scope, 'Policy', {
      name: `nomad-job-${grantId}`.toLowerCase(),
      rules: [jobName, `${jobName}/*`, ...extra].flatMap((p) => kvReadRules(legacy.kvMountPath, p)),
      provider: this.vaultProvider,
    });
    task.setVault({ policies: [policy.policyName] });
    return [policy.resource.name];
  }

  private jwksSource(props: VaultNomadIntegrationProps, options: WorkloadIdentityOptions) {
    const sources = [
      options.jwksUrl,
      options.jwksFromNomadProvider ? 'provider' : undefined,
    ].filter(Boolean);
    if (sources.length > 1) {
      throw new Error(
        `${this.node.path}: give workloadIdentity either jwksUrl or jwksFromNomadProvider, not both.`,
      );
    }
    if (options.jwksFromNomadProvider) {
      const jwks = new DataNomadJwks(this, 'NomadJwks', { provider: props.nomadProvider });
      return { url: undefined, pubkeys: jwks.pemKeys };
    }
    const url =
      options.jwksUrl ??
      (props.nomadAddress
        ? `${props.nomadAddress.replace(/\/+$/, '')}/.well-known/jwks.json`
        : undefined);
    if (url === undefined) {
      throw new Error(
        `${this.node.path}: workload identity needs Nomad's public keys. Set nomadAddress (Vault then ` +
          'reads <nomadAddress>/.well-known/jwks.json), workloadIdentity({ jwksUrl }), or ' +
          'workloadIdentity({ jwksFromNomadProvider: true }).',
      );
    }
    checkAddress(this.node.path, 'workloadIdentity jwksUrl', url);
    return { url, pubkeys: undefined };
  }

  private newJwtRole(
    scope: Construct,
    id: string,
    roleName: string,
    policies: string[],
    boundClaims?: Record<string, string>,
  ): JwtAuthBackendRole {
    const wi = this.wi!;
    return new JwtAuthBackendRole(scope, id, {
      backend: this.jwtAuthBackend!.path,
      roleName,
      roleType: 'jwt',
      boundAudiences: wi.audience,
      boundClaims,
      userClaim: '/nomad_job_id',
      userClaimJsonPointer: true,
      claimMappings: {
        nomad_namespace: 'nomad_namespace',
        nomad_job_id: 'nomad_job_id',
        nomad_group: 'nomad_group',
        nomad_task: 'nomad_task',
      },
      tokenType: 'service',
      tokenPolicies: policies,
      tokenPeriod: wi.tokenPeriodSeconds,
      tokenExplicitMaxTtl: 0,
      provider: this.vaultProvider,
    });
  }

  /** Read access for each job to `<mount>/data/<namespace>/<job>` and below, by identity templating. */
  private templatedWorkloadRules(): PolicyRuleProps[] {
    const mount = this.wi!.kvMountPath;
    const meta = (claim: string) =>
      `{{identity.entity.aliases.${this.jwtAuthBackend!.accessor}.metadata.${claim}}}`;
    const own = `${meta('nomad_namespace')}/${meta('nomad_job_id')}`;
    return [
      { path: `${mount}/data/${own}/*`, capabilities: [Capability.READ] },
      { path: `${mount}/data/${own}`, capabilities: [Capability.READ] },
      { path: `${mount}/metadata/${meta('nomad_namespace')}/*`, capabilities: [Capability.LIST] },
      { path: `${mount}/metadata/*`, capabilities: [Capability.LIST] },
    ];
  }
}

function kvReadRules(mount: string, path: string): PolicyRuleProps[] {
  return [{ path: `${mount}/data/${path}`, capabilities: [Capability.READ] }];
}

function stanzaText(stanza: VaultStanzaProps): string {
  return escapeForTerraform(new HclBody().appendBlock(renderVaultStanza(stanza)).render());
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function literalJobName(scope: Construct, job: NomadJob): string {
  if (Token.isUnresolved(job.jobName)) {
    throw new Error(
      `${scope.node.path}: grantSecrets needs a job whose name is known at synthesis, got a token.`,
    );
  }
  return job.jobName;
}

function checkAddress(where: string, prop: string, address: string): void {
  if (Token.isUnresolved(address)) return;
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new Error(
      `${where}: invalid ${prop} ${JSON.stringify(address)}. Give a URL with scheme and host, e.g. "https://vault.example.com:8200".`,
    );
  }
}

function checkPositive(where: string, prop: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(
      `${where}: invalid ${prop} ${value}. Give a whole number of seconds above 0, e.g. 1800.`,
    );
  }
}

function warnOnPlainHttp(scope: Construct, prop: string, address: string): void {
  if (Token.isUnresolved(address)) return;
  const url = new URL(address);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    Annotations.of(scope).addWarning(
      `${prop} ${address} uses plain HTTP to a non-loopback host: Vault tokens would cross the network unencrypted. Use https.`,
    );
  }
}
