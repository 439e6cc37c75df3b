import type { Construct } from 'constructs';
import type { ConnectMesh } from '../consul/connect-mesh';
import type { MeshService } from '../consul/mesh-service';
import type { ConstraintProps } from '../nomad/placement';
import type { NomadJob } from '../nomad/nomad-job';
import type { Service } from '../nomad/service';
import type { ResourcesProps, Task } from '../nomad/task';
import type { TraefikRule } from '../traefik/rule';
import type { TraefikDynamicConfig } from '../traefik/dynamic-config';
import type { TraefikStaticConfig } from '../traefik/static-config';
import type { VaultNomadIntegration } from '../vault/vault-nomad-integration';
import { ConsulConnectBinder } from './consul-connect-binding';
import type { IngressCertificates } from './ingress-certificates';
import { TailscaleBinder } from './tailscale-binding';

/**
 * Options of the Tailscale variant (seed 000).
 * @see https://doc.traefik.io/traefik/v3.7/reference/install-configuration/tls/certificate-resolvers/tailscale/
 */
export interface TailscaleVariantOptions {
  /** Address of the Nomad HTTP API as Traefik reaches it, e.g. `http://100.99.99.99:4646`. */
  readonly nomadAddress: string;
  /**
   * Read a Nomad ACL token (policy `read-job` on the namespaces Traefik watches) from the
   * Traefik job's own KV path in Vault, key `token` of `<secretsPath>/nomad`, into the
   * `NOMAD_TOKEN` environment variable. Needed when Nomad's ACLs are on.
   * @default - no token (Nomad without ACLs)
   */
  readonly nomadTokenFromVault?: VaultNomadIntegration;
  /** Nomad namespaces whose services Traefik routes. @default ["default"] */
  readonly nomadNamespaces?: string[];
  /** Host port of the plain-HTTP entry point (it only redirects to HTTPS). @default 80 */
  readonly httpPort?: number;
  /** Host port of the TLS entry point. @default 443 */
  readonly httpsPort?: number;
  /**
   * Port of the internal entry point (ping, dashboard) inside the Traefik container; it is not
   * published on the node (only the HTTP and HTTPS ports are). @default 8081
   */
  readonly internalPort?: number;
  /** Path of tailscaled's socket on the clients. @default "/run/tailscale/tailscaled.sock" */
  readonly socketPath?: string;
}

/** Options of the Consul-Connect variant (seed 001). */
export interface ConsulConnectVariantOptions {
  /** The mesh whose services the ingress reaches; exposing one adds the intention from Traefik. */
  readonly mesh: ConnectMesh;
  /** Where the TLS entry point's certificate comes from. */
  readonly certificates: IngressCertificates;
  /**
   * The name Traefik registers in Consul and presents in its mesh certificate; intentions name
   * it as the source. Traefik's `serviceName` is set to the same value.
   * @default "traefik"
   */
  readonly serviceName?: string;
  /** Host port of the one TLS entry point. @default 8443 */
  readonly tlsPort?: number;
  /** Port of the internal entry point (ping, dashboard) inside the group's namespace. @default 8081 */
  readonly internalPort?: number;
  /** Publish the internal entry point on this host port (for an operator on the node). @default - not published */
  readonly internalHostPort?: number;
  /** Consul datacenter Traefik reads. @default - the local agent's */
  readonly consulDatacenter?: string;
  /** Number of Traefik instances. @default 1 */
  readonly count?: number;
}

/** Settings every variant gets from the construct. @internal */
export interface IngressContext {
  readonly where: string;
  readonly jobName: string;
  readonly image: string;
  readonly namespace?: string;
  readonly datacenters?: string[];
  readonly constraints: ConstraintProps[];
  readonly resources: ResourcesProps;
  readonly dashboard: boolean;
  readonly exposedByDefault: boolean;
  readonly apiInsecure: boolean;
  readonly debugLog: boolean;
}

/** A variant bound to its ingress: the Traefik job and how routes are made. @internal */
export interface IngressBinding {
  readonly job: NomadJob;
  readonly task: Task;
  readonly staticConfig: TraefikStaticConfig;
  readonly dynamicConfig: TraefikDynamicConfig;
  /** Entry point of HTTPS routers. */
  readonly tlsEntryPoint: string;
  /** Entry point of the dashboard and ping. */
  readonly internalEntryPoint: string;
  /** Certificate resolver HTTP and TCP routers name, if any. */
  readonly certResolver?: string;
  /** Whether targets are Consul services read through Connect. */
  readonly connect: boolean;
  /** Checks a target and returns its mesh service when it has one. */
  target(where: string, service: Service): MeshService | undefined;
  /** Checks the host names a rule matches. */
  checkHosts(where: string, rule: TraefikRule): void;
  /** Lets Traefik reach a mesh service (the intention from its service name). */
  allow(target: MeshService): void;
}

/** Builds a variant's job inside the ingress. @internal */
export interface IngressBinder {
  bind(scope: Construct, context: IngressContext): IngressBinding;
}

/** Which kind of ingress: the Tailscale or the Consul-Connect variant. Use the static factories. */
export class IngressVariant {
  /**
   * Traefik as a Nomad `system` job on every Tailscale node: Nomad-native services, static
   * ports 80 (redirect) and 443, the tailscaled socket mounted read-only, certificates from the
   * Tailscale resolver (only for each node's own `machine.tailnet.ts.net` name).
   */
  public static tailscale(options: TailscaleVariantOptions): IngressVariant {
    return new IngressVariant(new TailscaleBinder(options));
  }

  /**
   * Traefik in bridge mode as a Connect-native Consul service behind one TLS port, routing to
   * mesh services through Consul Connect with intentions from its own service name.
   */
  public static consulConnect(options: ConsulConnectVariantOptions): IngressVariant {
    return new IngressVariant(new ConsulConnectBinder(options));
  }

  private constructor(private readonly binder: IngressBinder) {}

  /**
   * Builds the variant's Traefik job in `scope`.
   * @internal
   */
  public _bind(scope: Construct, context: IngressContext): IngressBinding {
    return this.binder.bind(scope, context);
  }
}
