import { checkDuration, checkInteger, checkOneOf, checkPortNumber, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import { terraformString } from '../core/terraform-string';
import { HclDialect } from '../hcl/dialect';
import { HclBlock, HclBody } from '../hcl/writer';

/** Log levels of the Consul agent. */
export enum ConsulLogLevel {
  TRACE = 'TRACE',
  DEBUG = 'DEBUG',
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
}

/** What Consul's ACL system does with a request no rule matches. */
export enum AclDefaultPolicy {
  /** Refuse it: the zero-trust setting, and the library's default. */
  DENY = 'deny',
  /** Allow it (Consul's own default, and seed 001's choice); every service can reach every other. */
  ALLOW = 'allow',
}

/** Key types of the Connect CA. */
export enum PrivateKeyType {
  /** Elliptic curve (Consul's default, 256 bits). */
  EC = 'ec',
  /** RSA. */
  RSA = 'rsa',
}

/**
 * The `ca_config` of the Vault CA provider, as the agent file spells it.
 * @see https://developer.hashicorp.com/consul/docs/secure-mesh/certificate/vault
 */
export interface ConsulVaultCaConfigProps {
  /** Vault address. */
  readonly address: string;
  /** Vault token of Consul (sensitive; the agent renews it). */
  readonly token: string;
  /** Path of the root PKI mount. */
  readonly rootPkiPath: string;
  /** Path of the intermediate PKI mount. */
  readonly intermediatePkiPath: string;
  /** Lifetime of leaf certificates, 1h to 8760h. @default "72h" */
  readonly leafCertTtl?: string;
  /** Lifetime of the intermediate certificate. @default "8760h" */
  readonly intermediateCertTtl?: string;
  /** Lifetime of the root certificate, when Consul generates it. @default "87600h" */
  readonly rootCertTtl?: string;
  /** Key type. @default PrivateKeyType.EC */
  readonly privateKeyType?: PrivateKeyType;
  /** Key size in bits (256/384 for EC, 2048/4096 for RSA). @default 256 */
  readonly privateKeyBits?: number;
  /** CA file for Vault's TLS certificate. @default - system CAs */
  readonly caFile?: string;
  /** Directory of CA files for Vault's TLS certificate. @default - system CAs */
  readonly caPath?: string;
  /** Client certificate for Vault. @default - none */
  readonly certFile?: string;
  /** Client key for Vault. @default - none */
  readonly keyFile?: string;
  /** Server name Vault's certificate must carry. @default - the address's host */
  readonly tlsServerName?: string;
}

/**
 * The agent's `connect {}` stanza.
 * @see https://developer.hashicorp.com/consul/docs/agent/config/config-files#connect-parameters
 */
export interface ConsulConnectStanzaProps {
  /** Enable Connect. @default true */
  readonly enabled?: boolean;
  /** The Vault CA provider's configuration (ca_provider = "vault"). @default - Consul's built-in CA */
  readonly vaultCa?: ConsulVaultCaConfigProps;
}

/**
 * The agent's `acl {}` stanza.
 * @see https://developer.hashicorp.com/consul/docs/agent/config/config-files#acl-parameters
 */
export interface ConsulAclStanzaProps {
  /** Enable ACLs. @default true */
  readonly enabled?: boolean;
  /** What happens to requests no rule matches. @default AclDefaultPolicy.DENY */
  readonly defaultPolicy?: AclDefaultPolicy;
  /** Keep tokens set through the API across restarts. @default - Consul's (false) */
  readonly enableTokenPersistence?: boolean;
}

/**
 * The agent's TLS settings (`tls { defaults {...} internal_rpc {...} }`).
 * @see https://developer.hashicorp.com/consul/docs/agent/config/config-files#tls-configuration-reference
 */
export interface ConsulTlsStanzaProps {
  /** CA certificate file. */
  readonly caFile: string;
  /** Agent certificate file. */
  readonly certFile: string;
  /** Agent key file. */
  readonly keyFile: string;
  /** Require client certificates on incoming connections. @default true */
  readonly verifyIncoming?: boolean;
  /** Verify the certificates of servers this agent connects to. @default true */
  readonly verifyOutgoing?: boolean;
  /** Check that servers present `server.<dc>.<domain>` on RPC. @default true */
  readonly verifyServerHostname?: boolean;
}

/** Ports of the Consul agent. */
export interface ConsulPortsProps {
  /** HTTP API port. @default 8500 */
  readonly http?: number;
  /** HTTPS API port. @default - off */
  readonly https?: number;
  /** gRPC port (Envoy's xDS), needed by Connect sidecars. @default 8502 when Connect is on */
  readonly grpc?: number;
  /** gRPC port with TLS. @default - off */
  readonly grpcTls?: number;
  /** DNS port. @default 8600 */
  readonly dns?: number;
}

/** Addresses the agent's interfaces bind to. */
export interface ConsulAddressesProps {
  /** Address of the HTTP API. @default - client_addr */
  readonly http?: string;
  /** Address of the HTTPS API. @default - client_addr */
  readonly https?: string;
  /** Address of the gRPC interface. @default - client_addr */
  readonly grpc?: string;
  /** Address of the DNS interface. @default - client_addr */
  readonly dns?: string;
}

/**
 * A Consul agent configuration file.
 * @see https://developer.hashicorp.com/consul/docs/agent/config/config-files
 */
export interface ConsulAgentConfigProps {
  /** Datacenter. @default "dc1" */
  readonly datacenter?: string;
  /** Data directory. @default - none (required outside dev mode) */
  readonly dataDir?: string;
  /** Log level. @default ConsulLogLevel.INFO */
  readonly logLevel?: ConsulLogLevel;
  /** Run as a server. @default false */
  readonly server?: boolean;
  /** Servers to wait for before bootstrapping. @default - none */
  readonly bootstrapExpect?: number;
  /** Addresses of agents to join. @default - none */
  readonly retryJoin?: string[];
  /** Upstream DNS servers. @default - none */
  readonly recursors?: string[];
  /** Address the client interfaces (HTTP, DNS, gRPC) bind to. @default "127.0.0.1" */
  readonly clientAddr?: string;
  /** Address for cluster communication. @default - the private address */
  readonly bindAddr?: string;
  /** Address advertised to other agents. @default - bindAddr */
  readonly advertiseAddr?: string;
  /** Per-interface addresses. @default - clientAddr for all */
  readonly addresses?: ConsulAddressesProps;
  /** Ports. @default - Consul's, with grpc 8502 when Connect is on */
  readonly ports?: ConsulPortsProps;
  /** Connect (service mesh). @default - off */
  readonly connect?: ConsulConnectStanzaProps;
  /** Enable the web UI. @default false */
  readonly ui?: boolean;
  /** Let clients get TLS certificates from the servers (`auto_encrypt.allow_tls` on servers, `tls` on clients). @default - off */
  readonly autoEncrypt?: boolean;
  /** ACLs. @default - ACLs off (reported by insecureChoices) */
  readonly acl?: ConsulAclStanzaProps;
  /** TLS. @default - no TLS */
  readonly tls?: ConsulTlsStanzaProps;
}

/**
 * A typed Consul agent configuration, rendered for Consul's parser (HCL v1). Secure by default
 * where the file can be: an `acl {}` stanza without a default policy gets `deny`.
 */
export class ConsulAgentConfig {
  constructor(
    /** The configuration's properties. */
    public readonly props: ConsulAgentConfigProps,
    /** Where the configuration is, for messages. */
    public readonly where = 'ConsulAgentConfig',
  ) {
    const p = props;
    checkOneOf(where, 'logLevel', p.logLevel, Object.values(ConsulLogLevel));
    checkInteger(
      where,
      'bootstrapExpect',
      p.bootstrapExpect,
      1,
      'Give the number of servers, 1 or more.',
    );
    if (p.bootstrapExpect !== undefined && !p.server) {
      throw new ConfigError(
        where,
        'bootstrapExpect',
        p.bootstrapExpect,
        'Only servers bootstrap; set server: true.',
      );
    }
    for (const [name, port] of Object.entries(p.ports ?? {}))
      checkPortNumber(where, `ports.${name}`, port);
    checkOneOf(where, 'acl.defaultPolicy', p.acl?.defaultPolicy, Object.values(AclDefaultPolicy));
    const ca = p.connect?.vaultCa;
    if (ca) {
      checkDuration(where, 'connect.vaultCa.leafCertTtl', ca.leafCertTtl);
      checkDuration(where, 'connect.vaultCa.intermediateCertTtl', ca.intermediateCertTtl);
      checkDuration(where, 'connect.vaultCa.rootCertTtl', ca.rootCertTtl);
      checkOneOf(
        where,
        'connect.vaultCa.privateKeyType',
        ca.privateKeyType,
        Object.values(PrivateKeyType),
      );
    }
  }

  /** Whether the file holds a secret (the Vault token of the CA provider). */
  public get containsSecrets(): boolean {
    return this.props.connect?.vaultCa?.token !== undefined;
  }

  /** Whether a secret is written as a literal in the code (not a reference Terraform fills in). */
  public get hasLiteralSecrets(): boolean {
    const token = this.props.connect?.vaultCa?.token;
    return token !== undefined && !isToken(token);
  }

  /** Settings that weaken security, each with why; empty for a secure file. */
  public insecureChoices(): string[] {
    const out: string[] = [];
    const acl = this.props.acl;
    if (acl === undefined || acl.enabled === false) {
      out.push(
        'ACLs are off: any client can register services and read or change the catalog. Set acl: {}.',
      );
    } else if (acl.defaultPolicy === AclDefaultPolicy.ALLOW) {
      out.push(
        'acl.defaultPolicy ALLOW: a request no rule matches is allowed, so intentions and tokens are not enforced by default. Use AclDefaultPolicy.DENY.',
      );
    }
    if (
      this.props.logLevel === ConsulLogLevel.DEBUG ||
      this.props.logLevel === ConsulLogLevel.TRACE
    ) {
      out.push(
        `logLevel ${this.props.logLevel}: verbose logs can carry request details. Use INFO in production.`,
      );
    }
    return out;
  }

  /** The file as a Terraform string (for an output), references live. */
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
      .attribute('data_dir', p.dataDir)
      .attribute('log_level', p.logLevel)
      .attribute('server', p.server)
      .attribute('bootstrap_expect', p.bootstrapExpect)
      .attribute('retry_join', p.retryJoin)
      .attribute('recursors', p.recursors)
      .attribute('client_addr', p.clientAddr)
      .attribute('bind_addr', p.bindAddr)
      .attribute('advertise_addr', p.advertiseAddr);
    const addresses = p.addresses;
    if (addresses && Object.values(addresses).some((v) => v !== undefined)) {
      file
        .block('addresses')
        .attribute('http', addresses.http)
        .attribute('https', addresses.https)
        .attribute('grpc', addresses.grpc)
        .attribute('dns', addresses.dns);
    }
    const connectOn = p.connect !== undefined && p.connect.enabled !== false;
    const ports = { ...(connectOn ? { grpc: 8502 } : {}), ...(p.ports ?? {}) };
    if (Object.keys(ports).length > 0) {
      file
        .block('ports')
        .attribute('http', ports.http)
        .attribute('https', ports.https)
        .attribute('grpc', ports.grpc)
        .attribute('grpc_tls', ports.grpcTls)
        .attribute('dns', ports.dns);
    }
    if (p.connect) file.appendBlock(renderConnect(p.connect));
    if (p.ui !== undefined) file.block('ui_config').attribute('enabled', p.ui);
    if (p.autoEncrypt !== undefined) {
      file.block('auto_encrypt').attribute(p.server ? 'allow_tls' : 'tls', p.autoEncrypt);
    }
    if (p.acl) {
      file
        .block('acl')
        .attribute('enabled', p.acl.enabled ?? true)
        .attribute('default_policy', p.acl.defaultPolicy ?? AclDefaultPolicy.DENY)
        .attribute('enable_token_persistence', p.acl.enableTokenPersistence);
    }
    if (p.tls) {
      const tls = file.block('tls');
      tls
        .block('defaults')
        .attribute('ca_file', p.tls.caFile)
        .attribute('cert_file', p.tls.certFile)
        .attribute('key_file', p.tls.keyFile)
        .attribute('verify_incoming', p.tls.verifyIncoming ?? true)
        .attribute('verify_outgoing', p.tls.verifyOutgoing ?? true);
      tls
        .block('internal_rpc')
        .attribute('verify_server_hostname', p.tls.verifyServerHostname ?? true);
    }
    return file.render(HclDialect.HCL1);
  }
}

/**
 * Renders a `connect {}` stanza.
 * @internal
 */
export function renderConnect(connect: ConsulConnectStanzaProps): HclBlock {
  const block = new HclBlock('connect').attribute('enabled', connect.enabled ?? true);
  const ca = connect.vaultCa;
  if (ca) {
    block
      .attribute('ca_provider', 'vault')
      .block('ca_config')
      .attribute('address', ca.address)
      .attribute('token', ca.token)
      .attribute('root_pki_path', ca.rootPkiPath)
      .attribute('intermediate_pki_path', ca.intermediatePkiPath)
      .attribute('leaf_cert_ttl', ca.leafCertTtl)
      .attribute('intermediate_cert_ttl', ca.intermediateCertTtl)
      .attribute('root_cert_ttl', ca.rootCertTtl)
      .attribute('private_key_type', ca.privateKeyType)
      .attribute('private_key_bits', ca.privateKeyBits)
      .attribute('ca_file', ca.caFile)
      .attribute('ca_path', ca.caPath)
      .attribute('cert_file', ca.certFile)
      .attribute('key_file', ca.keyFile)
      .attribute('tls_server_name', ca.tlsServerName);
  }
  return block;
}
