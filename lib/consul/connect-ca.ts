import { runAppChecksOn } from '../checks/app-checks';
import { CertificateAuthority } from '@cdktf/provider-consul/lib/certificate-authority';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { PkiSecretBackendRootCert } from '@cdktf/provider-vault/lib/pki-secret-backend-root-cert';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { Annotations, TerraformOutput, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import {
  checkDuration,
  checkHttpUrl,
  checkInteger,
  checkOneOf,
  goDurationSeconds,
  isPlainHttpToRemote,
  isToken,
} from '../core/checks';
import { ConfigError } from '../core/errors';
import { jsonDocument } from '../core/json-document';
import { terraformString } from '../core/terraform-string';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';
import { Capability, PolicyRuleProps } from '../vault/policy-document';
import { VaultPolicy } from '../vault/vault-policy';
import { ConsulConnectStanzaProps, PrivateKeyType, renderConnect } from './consul-agent-config';

const CRUDL = [
  Capability.CREATE,
  Capability.READ,
  Capability.UPDATE,
  Capability.DELETE,
  Capability.LIST,
];

/** Options of {@link ConnectCaPkiMounts.libraryManaged}. */
export interface LibraryManagedPkiOptions {
  /** Protect the mounts and the root certificate from `terraform destroy`. @default true */
  readonly preventDestroy?: boolean;
  /** Common name of the root certificate the library generates. @default "Consul Connect Root CA" */
  readonly rootCommonName?: string;
}

/**
 * Who creates the Vault PKI mounts of the Connect CA. Use the static factories.
 * @see https://developer.hashicorp.com/consul/docs/secure-mesh/certificate/vault
 */
export class ConnectCaPkiMounts {
  /**
   * The library creates both PKI mounts and the root certificate (protected from destroy by
   * default); Consul's Vault policy is the narrower one Consul's docs give for Vault-managed
   * paths: read the mounts and the root, tune and use the intermediate, sign with the root.
   */
  public static libraryManaged(options: LibraryManagedPkiOptions = {}): ConnectCaPkiMounts {
    return new ConnectCaPkiMounts(true, options);
  }

  /**
   * Consul mounts and tunes the PKI engines itself (as seed 001 describes); its Vault policy
   * then needs create, update and delete on `sys/mounts/<path>` and everything under both paths.
   */
  public static consulManaged(): ConnectCaPkiMounts {
    return new ConnectCaPkiMounts(false, {});
  }

  private constructor(
    /** Whether the library creates the mounts. */
    public readonly byLibrary: boolean,
    /** @internal */
    public readonly _options: LibraryManagedPkiOptions,
  ) {}
}

/** TLS settings for Consul's connection to Vault. */
export interface ConnectCaVaultTlsProps {
  /** CA file for Vault's certificate (on the Consul servers). @default - system CAs */
  readonly caFile?: string;
  /** Directory of CA files. @default - system CAs */
  readonly caPath?: string;
  /** Client certificate. @default - none */
  readonly certFile?: string;
  /** Client key. @default - none */
  readonly keyFile?: string;
  /** Server name Vault's certificate must carry. @default - the address's host */
  readonly tlsServerName?: string;
}

/** Properties of {@link ConsulConnectCa}. */
export interface ConsulConnectCaProps {
  /** Vault's address as the Consul servers reach it. */
  readonly vaultAddress: string;
  /** Path of the root PKI mount. @default "consul1/connect_root" (seed 001) */
  readonly rootPkiPath?: string;
  /** Path of the intermediate PKI mount. @default "consul1/connect_intermediate" (seed 001) */
  readonly intermediatePkiPath?: string;
  /** Who creates the PKI mounts. @default ConnectCaPkiMounts.libraryManaged() */
  readonly pkiMounts?: ConnectCaPkiMounts;
  /** Lifetime of leaf certificates, from 1h to 8760h. @default "72h" */
  readonly leafCertTtl?: string;
  /** Lifetime of the intermediate certificate. @default "8760h" */
  readonly intermediateCertTtl?: string;
  /** Lifetime of the root certificate. @default "87600h" */
  readonly rootCertTtl?: string;
  /** Key type. @default PrivateKeyType.EC */
  readonly privateKeyType?: PrivateKeyType;
  /** Key size in bits. @default 256 (EC) or 2048 (RSA) */
  readonly privateKeyBits?: number;
  /** TLS to Vault. @default - system CAs, no client certificate */
  readonly vaultTls?: ConnectCaVaultTlsProps;
  /** Name of Consul's Vault policy. @default "consul-connect-ca" */
  readonly policyName?: string;
  /** Period of Consul's Vault token; Consul renews it. @default "72h" */
  readonly tokenPeriod?: string;
  /**
   * Set the CA through Consul's API (`consul_certificate_authority`). Turn off when Consul is
   * configured by file only; use `connectStanza` for the file.
   * @default true
   */
  readonly applyThroughApi?: boolean;
  /** Vault provider. @default - the stack's default vault provider */
  readonly vaultProvider?: TerraformProvider;
  /** Consul provider. @default - the stack's default consul provider */
  readonly consulProvider?: TerraformProvider;
}

/**
 * Consul's Connect CA on Vault PKI: Consul's Vault policy and periodic token, optionally the PKI
 * mounts and root certificate, the CA configuration through Consul's API, and the same CA as an
 * agent `connect {}` stanza (a sensitive output) for teams that configure Consul by file.
 *
 * @see https://developer.hashicorp.com/consul/docs/secure-mesh/certificate/vault
 */
export class ConsulConnectCa extends Construct {
  /** Consul's Vault policy. */
  public readonly policy: VaultPolicy;
  /** Consul's periodic Vault token (sensitive). */
  public readonly token: VaultToken;
  /** The root PKI mount, when the library creates the mounts. */
  public readonly rootMount?: Mount;
  /** The intermediate PKI mount, when the library creates the mounts. */
  public readonly intermediateMount?: Mount;
  /** The root certificate, when the library creates the mounts. */
  public readonly rootCertificate?: PkiSecretBackendRootCert;
  /** The CA configuration in Consul, unless applyThroughApi is off. */
  public readonly certificateAuthority?: CertificateAuthority;
  /**
   * The agent `connect {}` settings (for `ConsulAgentConfig`). Its `vaultCa.token` is a
   * reference to Consul's Vault token, a secret: a file rendered from it belongs on the Consul
   * servers (a sensitive output, a file written by the pipeline), never in a jobspec, where
   * `nomad job inspect` shows it to anyone who may read the job (ZT-SECRET-004 reports it).
   */
  public readonly connectStanza: ConsulConnectStanzaProps;
  /** The root and intermediate PKI paths. */
  public readonly rootPkiPath: string;
  public readonly intermediatePkiPath: string;

  constructor(scope: Construct, id: string, props: ConsulConnectCaProps) {
    super(scope, id);
    runAppChecksOn(this);
    const where = this.node.path;
    const url = checkHttpUrl(where, 'vaultAddress', props.vaultAddress);
    if (url && isPlainHttpToRemote(url)) {
      Annotations.of(this).addWarning(
        `vaultAddress ${props.vaultAddress} uses plain HTTP to a non-loopback host: Consul's Vault token and every CA key request would cross the network unencrypted. Use https.`,
      );
    }
    this.rootPkiPath = checkPkiPath(
      where,
      'rootPkiPath',
      props.rootPkiPath ?? 'consul1/connect_root',
    );
    this.intermediatePkiPath = checkPkiPath(
      where,
      'intermediatePkiPath',
      props.intermediatePkiPath ?? 'consul1/connect_intermediate',
    );
    if (this.rootPkiPath === this.intermediatePkiPath) {
      throw new ConfigError(
        where,
        'intermediatePkiPath',
        this.intermediatePkiPath,
        'The root and intermediate PKI mounts must differ.',
      );
    }
    const leafCertTtl = props.leafCertTtl ?? '72h';
    checkDuration(where, 'leafCertTtl', leafCertTtl);
    const leafSeconds = goDurationSeconds(leafCertTtl);
    if (leafSeconds !== undefined && (leafSeconds < 3600 || leafSeconds > 8760 * 3600)) {
      throw new ConfigError(
        where,
        'leafCertTtl',
        leafCertTtl,
        'Consul accepts leaf certificate lifetimes from 1h to 8760h (one year).',
      );
    }
    const intermediateCertTtl = props.intermediateCertTtl ?? '8760h';
    const rootCertTtl = props.rootCertTtl ?? '87600h';
    checkDuration(where, 'intermediateCertTtl', intermediateCertTtl);
    checkDuration(where, 'rootCertTtl', rootCertTtl);
    checkOneOf(where, 'privateKeyType', props.privateKeyType, Object.values(PrivateKeyType));
    checkKeyBits(where, props.privateKeyType ?? PrivateKeyType.EC, props.privateKeyBits);
    const tokenPeriod = props.tokenPeriod ?? '72h';
    checkDuration(where, 'tokenPeriod', tokenPeriod);
    const mounts = props.pkiMounts ?? ConnectCaPkiMounts.libraryManaged();

    if (mounts.byLibrary) {
      const protect = mounts._options.preventDestroy ?? true;
      const lifecycle = protect ? { preventDestroy: true } : undefined;
      this.rootMount = new Mount(this, 'RootMount', {
        path: terraformString(this.rootPkiPath),
        type: 'pki',
        description: 'Consul Connect root CA',
        maxLeaseTtlSeconds: seconds(rootCertTtl),
        provider: props.vaultProvider,
        lifecycle,
      });
      this.intermediateMount = new Mount(this, 'IntermediateMount', {
        path: terraformString(this.intermediatePkiPath),
        type: 'pki',
        description: 'Consul Connect intermediate CA',
        maxLeaseTtlSeconds: seconds(intermediateCertTtl),
        provider: props.vaultProvider,
        lifecycle,
      });
      this.rootCertificate = new PkiSecretBackendRootCert(this, 'RootCertificate', {
        backend: this.rootMount.path,
        type: 'internal',
        commonName: terraformString(mounts._options.rootCommonName ?? 'Consul Connect Root CA'),
        ttl: terraformString(rootCertTtl),
        keyType: props.privateKeyType ?? PrivateKeyType.EC,
        keyBits: props.privateKeyBits ?? defaultBits(props.privateKeyType),
        provider: props.vaultProvider,
        lifecycle,
      });
    } else if (props.pkiMounts !== undefined) {
      Annotations.of(this).addInfo(
        'ConnectCaPkiMounts.consulManaged(): Consul mounts the PKI engines itself, so its Vault token may create and delete mounts at those paths.',
      );
    }
    this.policy = new VaultPolicy(this, 'Policy', {
      name: props.policyName ?? 'consul-connect-ca',
      rules: mounts.byLibrary
        ? libraryManagedRules(this.rootPkiPath, this.intermediatePkiPath)
        : consulManagedRules(this.rootPkiPath, this.intermediatePkiPath),
      provider: props.vaultProvider,
    });
    this.token = new VaultToken(this, 'Token', {
      policies: [this.policy.policyName],
      noParent: true,
      period: terraformString(tokenPeriod),
      renewable: true,
      displayName: 'consul-connect-ca',
      provider: props.vaultProvider,
      dependsOn: this.rootCertificate ? [this.rootCertificate, this.intermediateMount!] : undefined,
    });

    const tls = props.vaultTls ?? {};
    this.connectStanza = {
      enabled: true,
      vaultCa: {
        address: props.vaultAddress,
        token: this.token.clientToken,
        rootPkiPath: this.rootPkiPath,
        intermediatePkiPath: this.intermediatePkiPath,
        leafCertTtl,
        intermediateCertTtl,
        rootCertTtl,
        privateKeyType: props.privateKeyType,
        privateKeyBits: props.privateKeyBits,
        ...tls,
      },
    };
    if (props.applyThroughApi ?? true) {
      this.certificateAuthority = new CertificateAuthority(this, 'CertificateAuthority', {
        connectProvider: 'vault',
        configJson: jsonDocument({
          Address: props.vaultAddress,
          Token: this.token.clientToken,
          RootPKIPath: this.rootPkiPath,
          IntermediatePKIPath: this.intermediatePkiPath,
          LeafCertTTL: leafCertTtl,
          IntermediateCertTTL: intermediateCertTtl,
          RootCertTTL: rootCertTtl,
          PrivateKeyType: props.privateKeyType,
          PrivateKeyBits: props.privateKeyBits,
          CAFile: tls.caFile,
          CAPath: tls.caPath,
          CertFile: tls.certFile,
          KeyFile: tls.keyFile,
          TLSServerName: tls.tlsServerName,
        }),
        provider: props.consulProvider,
      });
    }
    const prefix =
      id
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'connect_ca';
    new TerraformOutput(this, 'ConnectStanza', {
      description: 'connect {} stanza for the Consul servers (holds Consul’s Vault token)',
      value: terraformString(
        new HclBody().appendBlock(renderConnect(this.connectStanza)).render(HclDialect.HCL1),
      ),
      sensitive: true,
    }).overrideLogicalId(`${prefix}_consul_connect_stanza`);
  }
}

/** Consul's docs, Consul-managed PKI paths. */
function consulManagedRules(root: string, intermediate: string): PolicyRuleProps[] {
  return [
    { path: `sys/mounts/${root}`, capabilities: CRUDL },
    { path: `sys/mounts/${intermediate}`, capabilities: CRUDL },
    { path: `sys/mounts/${intermediate}/tune`, capabilities: [Capability.UPDATE] },
    { path: `${root}/*`, capabilities: CRUDL },
    { path: `${intermediate}/*`, capabilities: CRUDL },
    { path: 'auth/token/renew-self', capabilities: [Capability.UPDATE] },
    { path: 'auth/token/lookup-self', capabilities: [Capability.READ] },
  ];
}

/** Consul's docs and seed 001, Vault-managed PKI paths. */
function libraryManagedRules(root: string, intermediate: string): PolicyRuleProps[] {
  return [
    { path: 'sys/mounts', capabilities: [Capability.READ] },
    { path: `sys/mounts/${root}`, capabilities: [Capability.READ] },
    { path: `sys/mounts/${intermediate}`, capabilities: [Capability.READ] },
    { path: `sys/mounts/${intermediate}/tune`, capabilities: [Capability.UPDATE] },
    { path: `${root}/`, capabilities: [Capability.READ] },
    { path: `${root}/root/sign-intermediate`, capabilities: [Capability.UPDATE] },
    { path: `${intermediate}/*`, capabilities: CRUDL },
    { path: 'auth/token/renew-self', capabilities: [Capability.UPDATE] },
    { path: 'auth/token/lookup-self', capabilities: [Capability.READ] },
  ];
}

function checkPkiPath(where: string, prop: string, path: string): string {
  if (isToken(path)) {
    throw new ConfigError(
      where,
      prop,
      path,
      'The path is written into Consul’s Vault policy, so it must be known at synthesis.',
    );
  }
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(trimmed) || trimmed.split('/').includes('..')) {
    throw new ConfigError(
      where,
      prop,
      path,
      'Give a mount path of letters, digits, ".", "_" and "-" segments, e.g. "consul1/connect_root".',
    );
  }
  return trimmed;
}

function checkKeyBits(where: string, type: PrivateKeyType, bits: number | undefined): void {
  if (bits === undefined || isToken(bits)) return;
  const allowed = type === PrivateKeyType.EC ? [224, 256, 384, 521] : [2048, 3072, 4096];
  if (!allowed.includes(bits)) {
    throw new ConfigError(
      where,
      'privateKeyBits',
      bits,
      `For ${type} keys use one of: ${allowed.join(', ')}.`,
    );
  }
  checkInteger(where, 'privateKeyBits', bits, 1, '');
}

function defaultBits(type: PrivateKeyType | undefined): number {
  return type === PrivateKeyType.RSA ? 2048 : 256;
}

function seconds(duration: string): number | undefined {
  const s = goDurationSeconds(duration);
  return s === undefined ? undefined : Math.round(s);
}
