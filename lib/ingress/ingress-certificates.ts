import { PkiSecretBackendRole } from '@cdktf/provider-vault/lib/pki-secret-backend-role';
import { Construct } from 'constructs';
import { checkDuration, goDurationSeconds, hasControlCharacter, isToken } from '../core/checks';
import { ConfigError } from '../core/errors';
import type { Task } from '../nomad/task';
import { TemplateChangeMode } from '../nomad/task';
import { TraefikCertificatesResolverProps } from '../traefik/static-config';
import { Capability } from '../vault/policy-document';
import type { VaultNomadIntegration } from '../vault/vault-nomad-integration';
import { DYNAMIC_CONFIG_FILE } from './traefik-files';

/** Options of {@link IngressCertificates.vaultPki}. */
export interface VaultPkiCertificateOptions {
  /** The integration whose workload identity the Traefik task uses to reach Vault. */
  readonly vault: VaultNomadIntegration;
  /** Mount path of the PKI secrets engine. @default "pki" */
  readonly pkiPath?: string;
  /** PKI role that issues the certificate (it must allow the names). */
  readonly role: string;
  /** Common name of the certificate, e.g. `ingress.example.com`. */
  readonly commonName: string;
  /** Further names (SANs), e.g. `*.example.com`. @default - none */
  readonly altNames?: string[];
  /** Lifetime; consul-template renews the certificate before it expires. @default "72h" */
  readonly ttl?: string;
  /**
   * Create the PKI role in the mount (`vault_pki_secret_backend_role`), allowing exactly
   * `commonName` and `altNames` as written (Vault compares a bare domain with the whole name, so
   * `*.example.com` allows that wildcard and no `x.example.com`), server certificates only, for
   * at most `ttl`, so the templates issue on a Vault that has the mount and its CA but no role.
   * Leave it off for a role that exists already: Terraform would take it over and rewrite it.
   * @default false - the role must exist in the mount before Traefik starts
   * @see https://developer.hashicorp.com/vault/api-docs/secret/pki#create-update-role
   */
  readonly createRole?: boolean;
}

/** Options of {@link IngressCertificates.vaultKv}. */
export interface VaultKvCertificateOptions {
  /** The integration whose workload identity the Traefik task uses to reach Vault. */
  readonly vault: VaultNomadIntegration;
  /** KV v2 path of the secret, relative to `<mount>/data/` (as `grantSecrets` extraPaths). */
  readonly path: string;
  /** Key of the certificate (PEM chain) in the secret. @default "certificate" */
  readonly certificateKey?: string;
  /** Key of the private key (PEM) in the secret. @default "private_key" */
  readonly privateKeyKey?: string;
}

/** Options of {@link IngressCertificates.acme}. */
export interface AcmeCertificateOptions {
  /** Account e-mail. */
  readonly email: string;
  /** ACME directory. @default - Let's Encrypt production */
  readonly caServer?: string;
  /** Where Traefik keeps accounts and certificates. @default "/alloc/data/acme.json" */
  readonly storage?: string;
}

/** The files a certificate source renders, and the resolver it needs. @internal */
export interface CertificateSetup {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly resolver?: TraefikCertificatesResolverProps;
}

const CERT_FILE = '/secrets/tls/ingress.crt';
const KEY_FILE = '/secrets/tls/ingress.key';

/**
 * Where the public entry point's certificate comes from. Certificates and keys reach Traefik
 * only as files rendered in the task's `secrets/` directory by Nomad templates reading Vault,
 * or through an ACME resolver: never as PEM text in the job. Use the static factories.
 */
export class IngressCertificates {
  /** Issued by Vault's PKI engine through a template, renewed by consul-template. */
  public static vaultPki(options: VaultPkiCertificateOptions): IngressCertificates {
    return new IngressCertificates((scope, task) => {
      const pki = (options.pkiPath ?? 'pki').replace(/^\/+|\/+$/g, '');
      const issue = `${pki}/issue/${options.role}`;
      const args = [`common_name=${options.commonName}`, `ttl=${options.ttl ?? '72h'}`];
      if (options.altNames && options.altNames.length > 0)
        args.push(`alt_names=${options.altNames.join(',')}`);
      for (const text of [issue, ...args]) checkTemplateText(task.where, 'vaultPki', text);
      const mount = options.pkiPath ?? 'pki';
      if (!isToken(mount) && /[*+]/.test(mount)) {
        throw new ConfigError(
          task.where,
          'vaultPki pkiPath',
          mount,
          'A PKI mount path is a path, not a pattern: "*" or "+" would grant the ingress every ' +
            'mount\'s issue endpoint. Give the mount\'s path, e.g. "pki" or "pki_int".',
        );
      }
      if (!isToken(options.role) && !/^[A-Za-z0-9_.-]+$/.test(options.role)) {
        throw new ConfigError(
          task.where,
          'vaultPki role',
          options.role,
          'A PKI role is one name (letters, digits, ".", "_", "-"): "*" or "+" would grant the ' +
            'ingress every role of the mount, and "/" another path.',
        );
      }
      options.vault.grantSecrets(task, {
        extraRules: [{ path: issue, capabilities: [Capability.UPDATE] }],
      });
      if (options.createRole) issuingRole(scope, task.where, pki, options);
      const call = [issue, ...args].map((a) => JSON.stringify(a)).join(' ');
      addSecretTemplate(
        task,
        CERT_FILE,
        `{{ with secret ${call} }}{{ .Data.certificate }}\n{{ .Data.issuing_ca }}{{ end }}\n`,
      );
      addSecretTemplate(
        task,
        KEY_FILE,
        `{{ with secret ${call} }}{{ .Data.private_key }}{{ end }}\n`,
      );
      return { certFile: CERT_FILE, keyFile: KEY_FILE };
    });
  }

  /** Read from a KV v2 secret through a template. */
  public static vaultKv(options: VaultKvCertificateOptions): IngressCertificates {
    return new IngressCertificates((_scope, task) => {
      const certKey = options.certificateKey ?? 'certificate';
      const keyKey = options.privateKeyKey ?? 'private_key';
      if (!isToken(options.path) && /[?#%\s]/.test(options.path)) {
        throw new ConfigError(
          task.where,
          'vaultKv path',
          options.path,
          'consul-template reads a secret path as a URL: "?" starts a query (?version=1 reads ' +
            'another version), "#" cuts the path, "%" decodes ("%2e%2e" is ".."), and spaces ' +
            'are trimmed. Give the KV path with letters, digits, "/", ".", "_" and "-".',
        );
      }
      options.vault.grantSecrets(task, { extraPaths: [options.path] });
      const mount = options.vault.kvMountPath;
      const path = `${mount}/data/${options.path.replace(/^\/+|\/+$/g, '')}`;
      for (const [prop, text] of [
        ['path', path],
        ['certificateKey', certKey],
        ['privateKeyKey', keyKey],
      ]) {
        checkTemplateText(task.where, `vaultKv ${prop}`, text);
      }
      const read = (key: string) =>
        `{{ with secret ${JSON.stringify(path)} }}{{ index .Data.data ${JSON.stringify(key)} }}{{ end }}\n`;
      addSecretTemplate(task, CERT_FILE, read(certKey));
      addSecretTemplate(task, KEY_FILE, read(keyKey));
      return { certFile: CERT_FILE, keyFile: KEY_FILE };
    });
  }

  /** An ACME certificate resolver (Let's Encrypt by default), TLS-ALPN challenge on the TLS entry point. */
  public static acme(options: AcmeCertificateOptions): IngressCertificates {
    return new IngressCertificates(() => ({
      resolver: {
        name: 'acme',
        acme: {
          email: options.email,
          caServer: options.caServer,
          storage: options.storage ?? '/alloc/data/acme.json',
          tlsChallenge: true,
        },
      },
    }));
  }

  private constructor(private readonly setup: (scope: Construct, task: Task) => CertificateSetup) {}

  /**
   * Adds what the source needs to the Traefik task (and its resources to `scope`) and says where
   * the files are.
   * @internal
   */
  public _apply(scope: Construct, task: Task): CertificateSetup {
    return this.setup(scope, task);
  }
}

/** The PKI role of {@link VaultPkiCertificateOptions.createRole}: exactly the certificate's names. */
function issuingRole(
  scope: Construct,
  where: string,
  mount: string,
  options: VaultPkiCertificateOptions,
): PkiSecretBackendRole {
  const ttl = options.ttl ?? '72h';
  checkDuration(where, 'vaultPki ttl', ttl);
  const names = [options.commonName, ...(options.altNames ?? [])];
  return new PkiSecretBackendRole(scope, 'PkiRole', {
    backend: mount,
    name: options.role,
    allowedDomains: names,
    allowBareDomains: true,
    allowGlobDomains: false,
    allowSubdomains: false,
    allowAnyName: false,
    allowLocalhost: false,
    allowIpSans: false,
    enforceHostnames: true,
    serverFlag: true,
    clientFlag: false,
    // Vault reads TTLs back in seconds; written so, a second plan finds no difference
    maxTtl: String(goDurationSeconds(ttl) ?? ttl),
    provider: options.vault.vaultProvider,
  });
}

/**
 * A certificate or key file. A renewed one reaches Traefik without a restart: Traefik's file
 * provider watches only its dynamic configuration file (and rereads the certificate files it
 * names when that changes), so the template touches that file.
 * @see https://github.com/traefik/traefik/blob/v3.7.13/pkg/provider/file/file.go
 */
function addSecretTemplate(task: Task, destination: string, data: string): void {
  task.addTemplate({
    destination: destination.replace(/^\//, ''),
    data,
    perms: '0600',
    changeMode: TemplateChangeMode.SCRIPT,
    changeScript: {
      command: '/bin/sh',
      // the task directory's local/ is NOMAD_TASK_DIR
      args: ['-c', `touch "$NOMAD_TASK_DIR/${DYNAMIC_CONFIG_FILE.replace(/^\/local\//, '')}"`],
    },
    errorOnMissingKey: true,
  });
}

/**
 * Characters refused in a consul-template call besides control characters: quotes, backslashes,
 * backticks and braces could end its string or open a template. (A control character would be
 * written as an escape, which a combining mark after it could join when the jobspec is
 * normalized.)
 */
const NOT_IN_TEMPLATE_CALL = /["\\`{}]/;

/** Text written into a consul-template call: literal, without quotes or template delimiters. */
function checkTemplateText(where: string, prop: string, text: string): void {
  if (isToken(text)) {
    throw new ConfigError(
      where,
      prop,
      text,
      'It is written into a consul-template call, which reads a value as template text and cannot be checked at synthesis: give literal text, not a Terraform reference.',
    );
  }
  if (NOT_IN_TEMPLATE_CALL.test(text) || hasControlCharacter(text)) {
    throw new ConfigError(
      where,
      prop,
      text,
      'It is written into a consul-template call, so it must be literal text without quotes, backslashes, backticks, braces or control characters.',
    );
  }
}
