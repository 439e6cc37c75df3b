import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { ConsulStanzaProps } from '../nomad/agent-config';
import { ConsulLegacyTokenBinder } from './consul-legacy-token-binding';
import { ConsulWorkloadIdentityBinder } from './consul-workload-identity-binding';

/**
 * Options of the workload-identity workflow: what `nomad setup consul` creates.
 * @see https://developer.hashicorp.com/nomad/docs/integrations/consul/acl
 */
export interface ConsulWorkloadIdentityOptions {
  /**
   * URL of Nomad's JWKS endpoint as Consul reaches it.
   * @default - `<nomadAddress>/.well-known/jwks.json`
   */
  readonly jwksUrl?: string;
  /** CA certificate (PEM) for the JWKS URL's TLS. @default - system CAs */
  readonly jwksCaPem?: string;
  /** Name of the auth method. @default "nomad-workloads" */
  readonly authMethodName?: string;
  /** Audience of Nomad's identities for Consul. @default ["consul.io"] */
  readonly audience?: string[];
  /** Lifetime of the identities Nomad signs for Consul, a Go duration. @default "1h" */
  readonly identityTtl?: string;
  /** Nomad namespaces whose tasks get a role (`nomad-<namespace>-tasks`). @default ["default"] */
  readonly taskNamespaces?: string[];
}

/**
 * Options of the seeds' token workflow (Nomad < 1.10): Nomad agents hold a Consul ACL token.
 * @see https://developer.hashicorp.com/nomad/docs/v1.9.x/integrations/consul/acl
 */
export interface ConsulLegacyTokenOptions {
  /** Consul address the Nomad clients use. @default "127.0.0.1:8500" */
  readonly address?: string;
  /** Consul gRPC address the Nomad clients use. @default "127.0.0.1:8502" */
  readonly grpcAddress?: string;
}

/**
 * What a mode needs from the integration it is bound to.
 * @internal
 */
export interface ConsulModeContext {
  readonly where: string;
  readonly nomadAddress?: string;
  readonly consulProvider?: TerraformProvider;
}

/**
 * A mode bound to an integration: the Nomad agent stanzas it needs.
 * @internal
 */
export interface ConsulModeBinding {
  readonly serverStanza: ConsulStanzaProps;
  readonly clientStanza: ConsulStanzaProps;
  readonly clientStanzaIsSensitive: boolean;
  readonly serverStanzaIsSensitive: boolean;
}

/**
 * Makes the Consul side of a mode inside the integration's scope.
 * @internal
 */
export interface ConsulModeBinder {
  bind(scope: Construct, context: ConsulModeContext): ConsulModeBinding;
}

/** How Nomad authenticates to Consul. Use the static factories. */
export class ConsulIntegrationMode {
  /**
   * Workload identity (the default; the only workflow on Nomad >= 1.10): a JWT auth method
   * trusting Nomad's keys, with binding rules that give each service its own service identity
   * and each task its namespace's role.
   */
  public static workloadIdentity(
    options: ConsulWorkloadIdentityOptions = {},
  ): ConsulIntegrationMode {
    return new ConsulIntegrationMode(new ConsulWorkloadIdentityBinder(options), false);
  }

  /**
   * The token workflow of the seeds: a Consul token for the Nomad agents in the client
   * `consul {}` stanza. Nomad < 1.10 only, and the token lands in Terraform state.
   */
  public static legacyToken(options: ConsulLegacyTokenOptions = {}): ConsulIntegrationMode {
    return new ConsulIntegrationMode(new ConsulLegacyTokenBinder(options), true);
  }

  private constructor(
    private readonly binder: ConsulModeBinder,
    /** Whether this is the legacy token workflow. */
    public readonly isLegacy: boolean,
  ) {}

  /**
   * Makes the mode's Consul resources in `scope`.
   * @internal
   */
  public _bind(scope: Construct, context: ConsulModeContext): ConsulModeBinding {
    return this.binder.bind(scope, context);
  }
}
