import { checkDuration, checkHttpUrl, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import { HclDialect } from '../hcl/dialect';
import { HclBlock, HclBody } from '../hcl/writer';

/** A directory of the client exposed to jobs as a host volume. */
export interface HostVolumeProps {
  /** Name jobs use as the volume source. */
  readonly name: string;
  /** Path on the client (a directory or a socket such as `/run/tailscale/tailscaled.sock`). */
  readonly path: string;
  /** Only allow read-only mounts. @default false */
  readonly readOnly?: boolean;
}

/**
 * The `client {}` stanza.
 * @see https://developer.hashicorp.com/nomad/docs/configuration/client
 */
export interface ClientStanzaProps {
  /** Addresses of the Nomad servers, e.g. their Tailscale IPs. @default - none (use Consul or retry_join) */
  readonly servers?: string[];
  /** Interface whose address Nomad fingerprints and allocates ports on, e.g. `tailscale0`. @default - the interface of the default route */
  readonly networkInterface?: string;
  /** Host volumes. @default - none */
  readonly hostVolumes?: HostVolumeProps[];
  /** Node pool of the client. @default "default" */
  readonly nodePool?: string;
  /** Node metadata. @default - none */
  readonly meta?: Record<string, string>;
}

/** Settings of the identity Nomad signs for workloads talking to Vault or Consul. */
export interface WorkloadIdentityProps {
  /** Audiences of the JWT. */
  readonly aud: string[];
  /** Lifetime, a Go duration. @default "1h" */
  readonly ttl?: string;
}

/**
 * The `vault {}` stanza of a Nomad agent.
 * @see https://developer.hashicorp.com/nomad/docs/configuration/vault
 */
export interface VaultStanzaProps {
  /** Vault address, e.g. `https://vault.service.consul:8200`. */
  readonly address: string;
  /** Name of the Vault cluster (Nomad Enterprise has several). @default "default" */
  readonly name?: string;
  /** Path of Vault's JWT auth backend for workload identities (clients). @default "jwt-nomad" */
  readonly jwtAuthBackendPath?: string;
  /** Default identity for tasks with a vault block (servers, Nomad >= 1.7). @default - none */
  readonly defaultIdentity?: WorkloadIdentityProps;
  /** Legacy workflow: Vault token of the servers (Nomad < 1.10). Sensitive. @default - none */
  readonly token?: string;
  /** Legacy workflow: token role tasks' tokens are created from. @default - none */
  readonly createFromRole?: string;
  /** CA file for Vault's TLS certificate. @default - system CAs */
  readonly caFile?: string;
  /** Vault namespace (Vault Enterprise). @default - none */
  readonly namespace?: string;
}

/**
 * The `consul {}` stanza of a Nomad agent.
 * @see https://developer.hashicorp.com/nomad/docs/configuration/consul
 */
export interface ConsulStanzaProps {
  /** Consul HTTP address. @default "127.0.0.1:8500" */
  readonly address?: string;
  /** Consul gRPC address, needed for Connect sidecars. @default "127.0.0.1:8502" */
  readonly grpcAddress?: string;
  /** Service name the clients register as. @default "nomad-client" */
  readonly clientServiceName?: string;
  /** Service name the servers register as. @default "nomad" */
  readonly serverServiceName?: string;
  /** Register the agent's own services in Consul. @default true */
  readonly autoAdvertise?: boolean;
  /** Clients find servers through Consul. @default true */
  readonly clientAutoJoin?: boolean;
  /** Servers find each other through Consul. @default true */
  readonly serverAutoJoin?: boolean;
  /** Use HTTPS to talk to Consul. @default false */
  readonly ssl?: boolean;
  /** CA file for Consul's TLS certificate. @default - system CAs */
  readonly caFile?: string;
  /** CA file for Consul's gRPC TLS listener. @default - caFile */
  readonly grpcCaFile?: string;
  /** Consul ACL token of the agent. Sensitive. @default - none */
  readonly token?: string;
  /** Identity for services (servers, Nomad >= 1.7). @default - none */
  readonly serviceIdentity?: WorkloadIdentityProps;
  /** Identity for tasks (servers, Nomad >= 1.7). @default - none */
  readonly taskIdentity?: WorkloadIdentityProps;
  /** Consul auth method for service identities. @default "nomad-workloads" */
  readonly serviceAuthMethod?: string;
  /** Consul auth method for task identities. @default "nomad-workloads" */
  readonly taskAuthMethod?: string;
}

/**
 * TLS for Nomad's HTTP and RPC.
 * @see https://developer.hashicorp.com/nomad/docs/configuration/tls
 */
export interface AgentTlsProps {
  /** TLS on the HTTP API. @default false */
  readonly http?: boolean;
  /** TLS on RPC and Raft. @default false */
  readonly rpc?: boolean;
  /** CA certificate file. */
  readonly caFile: string;
  /** Agent certificate file. */
  readonly certFile: string;
  /** Agent key file. */
  readonly keyFile: string;
  /** Check that servers present `server.<region>.nomad`. @default false */
  readonly verifyServerHostname?: boolean;
  /** Require client certificates on the HTTP API. @default false */
  readonly verifyHttpsClient?: boolean;
}

/**
 * The `server {}` stanza.
 * @see https://developer.hashicorp.com/nomad/docs/configuration/server
 */
export interface ServerStanzaProps {
  /** Number of servers to wait for before bootstrapping the cluster. @default - none (no bootstrap) */
  readonly bootstrapExpect?: number;
}

/**
 * A Nomad agent configuration file.
 * @see https://developer.hashicorp.com/nomad/docs/configuration
 */
export interface NomadAgentConfigProps {
  /** Datacenter of the agent. @default "dc1" */
  readonly datacenter?: string;
  /** Region of the agent. @default "global" */
  readonly region?: string;
  /** Data directory. @default - none (required by Nomad outside dev mode) */
  readonly dataDir?: string;
  /** Address to bind to, e.g. `0.0.0.0`. @default "0.0.0.0" */
  readonly bindAddr?: string;
  /** Run as a server, with this many servers expected to bootstrap. @default - not a server */
  readonly server?: ServerStanzaProps;
  /** Run as a client. @default - not a client */
  readonly client?: ClientStanzaProps;
  /** Vault integration. @default - none */
  readonly vault?: VaultStanzaProps;
  /** Consul integration. @default - none */
  readonly consul?: ConsulStanzaProps;
  /** Enable ACLs. @default - ACLs off */
  readonly aclEnabled?: boolean;
  /** TLS. @default - none */
  readonly tls?: AgentTlsProps;
}

/**
 * A typed Nomad agent configuration, rendered for the agent's own parser (HCL v1): text is
 * escaped so that `${` and quotes reach the agent as written.
 */
export class NomadAgentConfig {
  constructor(
    /** The configuration's properties. */
    public readonly props: NomadAgentConfigProps,
  ) {
    const where = 'NomadAgentConfig';
    if (!props.server && !props.client) {
      throw new ConfigError(
        where,
        'server/client',
        undefined,
        'Configure the agent as a server, a client, or both.',
      );
    }
    checkDuration(where, 'vault.defaultIdentity.ttl', props.vault?.defaultIdentity?.ttl);
    checkDuration(where, 'consul.serviceIdentity.ttl', props.consul?.serviceIdentity?.ttl);
    checkDuration(where, 'consul.taskIdentity.ttl', props.consul?.taskIdentity?.ttl);
    if (props.vault) checkHttpUrl(where, 'vault.address', props.vault.address);
  }

  /**
   * Whether the file holds a secret (a Vault or Consul token): put it only in a sensitive
   * output, and prefer workload identity, which needs no token in the file.
   */
  public get containsSecrets(): boolean {
    return this.props.vault?.token !== undefined || this.props.consul?.token !== undefined;
  }

  /**
   * Whether a secret is written as a literal in the code (rather than a reference to a
   * resource or variable that Terraform fills in).
   */
  public get hasLiteralSecrets(): boolean {
    return [this.props.vault?.token, this.props.consul?.token].some(
      (t) => t !== undefined && !isToken(t),
    );
  }

  /**
   * The file as a Terraform string (for an output or a file resource): template sequences in
   * it are escaped so Terraform does not evaluate them, and references stay live.
   */
  public toTerraformString(): string {
    return terraformString(this.render());
  }

  /**
   * The whole file, as the agent reads it (HCL v1). It holds no `${` or `%{`, so it is also safe
   * in any provider attribute or `Task.addFile` as it is; references in it stay live, their
   * values escaped by Terraform when it plans.
   */
  public render(): string {
    const p = this.props;
    const file = new HclBody()
      .attribute('datacenter', p.datacenter)
      .attribute('region', p.region)
      .attribute('data_dir', p.dataDir)
      .attribute('bind_addr', p.bindAddr);
    if (p.server) {
      file
        .block('server')
        .attribute('enabled', true)
        .attribute('bootstrap_expect', p.server.bootstrapExpect);
    }
    if (p.client) file.appendBlock(renderClientStanza(p.client));
    if (p.aclEnabled !== undefined) file.block('acl').attribute('enabled', p.aclEnabled);
    if (p.tls) {
      file
        .block('tls')
        .attribute('http', p.tls.http)
        .attribute('rpc', p.tls.rpc)
        .attribute('ca_file', p.tls.caFile)
        .attribute('cert_file', p.tls.certFile)
        .attribute('key_file', p.tls.keyFile)
        .attribute('verify_server_hostname', p.tls.verifyServerHostname)
        .attribute('verify_https_client', p.tls.verifyHttpsClient);
    }
    if (p.vault) file.appendBlock(renderVaultStanza(p.vault));
    if (p.consul) file.appendBlock(renderConsulStanza(p.consul));
    return file.render(HclDialect.HCL1);
  }
}

/**
 * Renders a `client {}` stanza.
 * @internal
 */
export function renderClientStanza(c: ClientStanzaProps): HclBlock {
  const block = new HclBlock('client')
    .attribute('enabled', true)
    .attribute('servers', c.servers)
    .attribute('network_interface', c.networkInterface)
    .attribute('node_pool', c.nodePool);
  for (const v of c.hostVolumes ?? []) {
    block.block('host_volume', v.name).attribute('path', v.path).attribute('read_only', v.readOnly);
  }
  if (c.meta && Object.keys(c.meta).length > 0) block.attribute('meta', c.meta);
  return block;
}

/**
 * Renders a `vault {}` stanza.
 * @internal
 */
export function renderVaultStanza(v: VaultStanzaProps): HclBlock {
  const block = new HclBlock('vault')
    .attribute('enabled', true)
    .attribute('name', v.name)
    .attribute('address', v.address)
    .attribute('token', v.token)
    .attribute('create_from_role', v.createFromRole)
    .attribute('jwt_auth_backend_path', v.jwtAuthBackendPath)
    .attribute('namespace', v.namespace)
    .attribute('ca_file', v.caFile);
  if (v.defaultIdentity) {
    block
      .block('default_identity')
      .attribute('aud', v.defaultIdentity.aud)
      .attribute('ttl', v.defaultIdentity.ttl);
  }
  return block;
}

/**
 * Renders a `consul {}` stanza.
 * @internal
 */
export function renderConsulStanza(c: ConsulStanzaProps): HclBlock {
  const block = new HclBlock('consul')
    .attribute('address', c.address)
    .attribute('grpc_address', c.grpcAddress)
    .attribute('token', c.token)
    .attribute('ssl', c.ssl)
    .attribute('ca_file', c.caFile)
    .attribute('grpc_ca_file', c.grpcCaFile)
    .attribute('client_service_name', c.clientServiceName)
    .attribute('server_service_name', c.serverServiceName)
    .attribute('auto_advertise', c.autoAdvertise)
    .attribute('client_auto_join', c.clientAutoJoin)
    .attribute('server_auto_join', c.serverAutoJoin)
    .attribute('service_auth_method', c.serviceAuthMethod)
    .attribute('task_auth_method', c.taskAuthMethod);
  for (const [name, id] of [
    ['service_identity', c.serviceIdentity],
    ['task_identity', c.taskIdentity],
  ] as const) {
    if (id) block.block(name).attribute('aud', id.aud).attribute('ttl', id.ttl);
  }
  return block;
}
