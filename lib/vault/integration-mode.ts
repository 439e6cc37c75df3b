import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { VaultStanzaProps } from '../nomad/agent-config';
import type { Task } from '../nomad/task';
import type { PolicyRuleProps } from './policy-document';
import { LegacyTokenRoleBinder } from './legacy-token-role-binding';
import { WorkloadIdentityBinder } from './workload-identity-binding';

/**
 * Options of the workload-identity workflow (Nomad >= 1.7; the only one on Nomad >= 1.10).
 * Defaults follow `nomad setup vault` and HashiCorp's terraform-vault-nomad-setup module.
 * @see https://developer.hashicorp.com/nomad/docs/integrations/vault/acl
 */
export interface WorkloadIdentityOptions {
  /**
   * URL of Nomad's JWKS endpoint, reachable from every Vault server. Vault fetches the keys
   * itself, so key rotation needs no re-apply.
   * @default - `<nomadAddress>/.well-known/jwks.json` when the integration has a nomadAddress
   */
  readonly jwksUrl?: string;
  /**
   * Read Nomad's public keys at plan time with the provider's `nomad_jwks` data source and give
   * them to Vault as static keys (for a Vault that cannot reach Nomad). Re-apply after Nomad
   * rotates its keys.
   * @default false
   */
  readonly jwksFromNomadProvider?: boolean;
  /** CA certificate (PEM) for the JWKS URL's TLS. @default - system CAs */
  readonly jwksCaPem?: string;
  /** Path of the JWT auth backend. @default "jwt-nomad" */
  readonly authBackendPath?: string;
  /** Name of the default role for Nomad workloads (lower case). @default "nomad-workloads" */
  readonly roleName?: string;
  /** Name of the templated workload policy (lower case). @default "nomad-workloads" */
  readonly policyName?: string;
  /** Audience of workload identities for Vault. @default ["vault.io"] */
  readonly audience?: string[];
  /** Period of workload tokens, in seconds; Nomad renews them while the task runs. @default 1800 */
  readonly tokenPeriodSeconds?: number;
  /** Mount path of the KV v2 secrets engine the workload policy grants into. @default "secret" */
  readonly kvMountPath?: string;
  /** More policies for every workload token. @default - none */
  readonly extraTokenPolicies?: string[];
  /** TTL of the default identity Nomad signs for Vault, a Go duration. @default "1h" */
  readonly defaultIdentityTtl?: string;
  /** Signing algorithms Vault accepts. @default ["EdDSA", "RS256"] */
  readonly jwtSupportedAlgs?: string[];
}

/**
 * Options of the legacy token workflow of seeds 001 and 004 (Nomad < 1.10 only).
 * @see https://developer.hashicorp.com/nomad/docs/v1.9.x/integrations/vault/acl#token-role-based-integration
 */
export interface LegacyTokenRoleOptions {
  /** Name of the policy of the Nomad servers' token (lower case). @default "nomad-server" */
  readonly serverPolicyName?: string;
  /** Name of the token role tasks' tokens are created from (lower case). @default "nomad-cluster" */
  readonly roleName?: string;
  /** Period of tokens created from the role, in seconds. @default 259200 (72h) */
  readonly tokenPeriodSeconds?: number;
  /** Period of the servers' own orphan token, a duration. @default "72h" */
  readonly serverTokenPeriod?: string;
  /** Policies tasks may request; empty means any but the disallowed ones. @default - any */
  readonly allowedPolicies?: string[];
  /** Mount path of the KV v2 secrets engine grants point into. @default "secret" */
  readonly kvMountPath?: string;
}

/**
 * What a mode needs from the integration it is bound to.
 * @internal
 */
export interface VaultModeContext {
  readonly where: string;
  readonly vaultAddress: string;
  readonly nomadAddress?: string;
  readonly vaultProvider?: TerraformProvider;
  readonly nomadProvider?: TerraformProvider;
  readonly preventDestroy: boolean;
}

/**
 * A mode bound to an integration: the resources it made and how it grants.
 * @internal
 */
export interface VaultModeBinding {
  readonly serverStanza: VaultStanzaProps;
  readonly clientStanza: VaultStanzaProps;
  readonly serverStanzaIsSensitive: boolean;
  /** The KV mount grants point into. */
  readonly kvMountPath: string;
  /** The KV v2 data path of a job's own secrets. */
  secretsPath(namespace: string, jobName: string): string;
  /** The policy paths each granted task's token may use, by task. */
  readonly grantedPaths: Map<Task, string[]>;
  /** Lets a task read its job's secrets, the extra paths and rules; returns the policy names. */
  grant(task: Task, extraPaths: string[], extraRules: PolicyRuleProps[]): string[];
}

/**
 * Makes the Vault side of a mode inside the integration's scope.
 * @internal
 */
export interface VaultModeBinder {
  bind(scope: Construct, context: VaultModeContext): VaultModeBinding;
}

/** How Nomad authenticates to Vault. Use the static factories. */
export class VaultIntegrationMode {
  /** Workload identity: tasks log in with JWTs Nomad signs (the default). */
  public static workloadIdentity(options: WorkloadIdentityOptions = {}): VaultIntegrationMode {
    return new VaultIntegrationMode(new WorkloadIdentityBinder(options), false);
  }

  /**
   * The legacy token workflow: a token role and a periodic token for the servers. Works only on
   * Nomad < 1.10 and puts a Vault token in Terraform state; prefer workloadIdentity.
   */
  public static legacyTokenRole(options: LegacyTokenRoleOptions = {}): VaultIntegrationMode {
    return new VaultIntegrationMode(new LegacyTokenRoleBinder(options), true);
  }

  private constructor(
    private readonly binder: VaultModeBinder,
    /** Whether this is the legacy token workflow. */
    public readonly isLegacy: boolean,
  ) {}

  /**
   * Makes the mode's Vault resources in `scope`.
   * @internal
   */
  public _bind(scope: Construct, context: VaultModeContext): VaultModeBinding {
    return this.binder.bind(scope, context);
  }
}
