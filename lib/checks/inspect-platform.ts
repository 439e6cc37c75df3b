import { AclAuthMethod } from '@cdktf/provider-consul/lib/acl-auth-method';
import { CertificateAuthority } from '@cdktf/provider-consul/lib/certificate-authority';
import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Token as VaultToken } from '@cdktf/provider-vault/lib/token';
import { TerraformOutput, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConsulConnectCa } from '../consul/connect-ca';
import { ConnectMesh } from '../consul/connect-mesh';
import { AclDefaultPolicy, ConsulAgentConfig } from '../consul/consul-agent-config';
import { ConsulNomadIntegration } from '../consul/consul-nomad-integration';
import { isToken } from '../core/checks';
import { listNames } from '../core/errors';
import { unescapeTerraform } from '../core/terraform-string';
import { splitTokens } from '../core/tokens';
import { IngressRouteKind } from '../ingress/zero-trust-ingress';
import { NomadAgentConfig } from '../nomad/agent-config';
import { Capability, PolicyRuleProps } from '../vault/policy-document';
import { VaultNomadIntegration } from '../vault/vault-nomad-integration';
import { VaultPolicy } from '../vault/vault-policy';
import { Analysis, described, serviceLabel } from './analysis';
import { address, credentialsIn, inspectAgentDocument } from './inspect-jobs';
import { connectTraefiks, isIngressRoute } from './inspect-traefik';
import { blocksOf, hclToJson, HclReadError, readHcl } from './jobspec-reader';
import { strings } from './job-view';
import { findSecret, isLiteral, mask } from './text-scan';

/**
 * Rules on the mesh (default deny, upstreams and their intentions, ingress routes), Vault
 * (workflows, policies, tokens, addresses), Consul (workflows, JWKS, Connect CA), providers,
 * outputs and registered agent configurations.
 * @internal
 */
export function inspectPlatform(a: Analysis, registered: ReadonlyMap<IConstruct, AgentConfig[]>) {
  inspectMesh(a);
  inspectVault(a);
  inspectConsul(a);
  inspectResources(a);
  for (const [scope, configs] of registered) {
    if (!a.inScope(scope)) continue;
    for (const config of configs) inspectRegistered(a, scope, config);
  }
}

/** A configuration registered with ZeroTrustChecks.registerXxxAgentConfig. */
export type AgentConfig = ConsulAgentConfig | NomadAgentConfig;

function inspectMesh(a: Analysis): void {
  for (const mesh of a.inScopeOf(ConnectMesh)) {
    if (mesh.defaultDeny !== undefined) continue;
    a.emit({
      construct: mesh,
      ruleId: 'ZT-CONSUL-003',
      location: mesh.node.path,
      prop: 'defaultDeny',
      value: 'false',
    });
  }
  for (const job of a.jobs) {
    if (!a.inScope(job.construct)) continue;
    for (const service of job.groups.flatMap((g) => g.services)) {
      const source = service.resolvedName;
      for (const upstream of service.upstreams) {
        const destination = upstream.destinationName;
        if (!isLiteral(destination) || destination === '' || upstream.destinationPeer) continue;
        if (upstream.datacenter === undefined && !a.serviceNames.has(destination)) {
          a.emit({
            construct: job.construct,
            ruleId: 'ZT-CONSUL-005',
            location: service.where,
            prop: 'upstream destinationName',
            value: described(destination),
            detail: nearest(destination, [...a.serviceNames]),
          });
        }
        if (source === undefined || !isLiteral(source)) continue;
        const decision = a.intentions.decide(destination, source);
        if (decision?.allowed) continue;
        a.emit({
          construct: job.construct,
          ruleId: 'ZT-CONSUL-004',
          location: service.where,
          prop: `upstream ${JSON.stringify(destination)}`,
          value: described(`${source} -> ${destination}`),
          detail: decision
            ? `The intention ${decision.by} denies it.`
            : `No intention of the app names this source and destination (the sources allowed to call ${JSON.stringify(destination)} are: ${listNames(a.intentions.sourcesOf(destination))}).`,
        });
      }
    }
  }
  for (const ingress of a.ingresses) {
    if (!a.inScope(ingress) || !ingress.isConsulConnect) continue;
    const source = ingress.serviceName ?? 'traefik';
    for (const route of ingress.routes) {
      if (!route.connect) continue;
      const destination = route.service.name;
      const decision = a.intentions.decide(destination, source);
      if (decision?.allowed) continue;
      a.emit({
        construct: ingress,
        ruleId: 'ZT-CONSUL-006',
        location: `${ingress.node.path} route ${JSON.stringify(route.routerName)} (${route.kind === IngressRouteKind.HTTP ? 'exposeHttp' : 'exposeTcp'})`,
        prop: 'intention source',
        value: described(`${source} -> ${destination}`),
        detail: `The intentions of ${JSON.stringify(destination)} allow: ${listNames(a.intentions.sourcesOf(destination))}${decision ? `; ${decision.by} denies Traefik` : ''}.`,
      });
    }
  }
  const traefiks = connectTraefiks(a);
  for (const job of a.jobs) {
    if (!a.inScope(job.construct)) continue;
    for (const service of job.groups.flatMap((g) => g.services)) {
      const destination = service.resolvedName;
      if (destination === undefined || isIngressRoute(a, job, service.name)) continue;
      for (const t of traefiks) {
        const tag = (name: string) =>
          service.tags.some((x) => x.trim().toLowerCase() === `${t.prefix}.${name}`.toLowerCase());
        if (!tag('enable=true')) continue;
        if (
          !tag('consulcatalog.connect=true') &&
          !(t.byDefault && !tag('consulcatalog.connect=false'))
        ) {
          continue;
        }
        const decision = a.intentions.decide(destination, t.serviceName);
        if (decision?.allowed) continue;
        a.emit({
          construct: job.construct,
          ruleId: 'ZT-CONSUL-006',
          location: service.where,
          prop: 'intention source',
          value: described(`${t.serviceName} -> ${destination}`),
          detail: `Traefik ${t.traefik.location} reaches ${serviceLabel(service)} through Consul Connect as ${JSON.stringify(t.serviceName)}; the intentions of ${JSON.stringify(destination)} allow: ${listNames(a.intentions.sourcesOf(destination))}.`,
        });
      }
    }
  }
}

function inspectVault(a: Analysis): void {
  for (const vault of a.inScopeOf(VaultNomadIntegration)) {
    const where = vault.node.path;
    if (vault.mode.isLegacy) {
      a.emit({
        construct: vault,
        ruleId: 'ZT-VAULT-001',
        location: where,
        prop: 'mode',
        value: 'VaultIntegrationMode.legacyTokenRole()',
      });
    }
    const stanza = readDocument(vault.serverVaultStanza);
    const vaultBlock = stanza ? blocksOf(stanza, 'vault')[0] : undefined;
    if (vaultBlock) {
      address(a, vault, where, 'vaultAddress', vaultBlock.body.attributes.get('address'), 'Vault');
    }
    const jwks = vault.jwtAuthBackend?.jwksUrlInput;
    if (jwks !== undefined) {
      address(
        a,
        vault,
        where,
        'nomadAddress / workloadIdentity jwksUrl',
        terraformText(jwks),
        'JWKS',
      );
    }
  }
  for (const policy of a.inScopeOf(VaultPolicy)) {
    policyRules(a, policy, policy.document.where, policy.document.pathRules);
  }
  for (const policy of a.inScopeOf(Policy)) {
    if (a.ownedByLibrary(policy)) continue;
    const where = `${policy.node.path} (vault_policy)`;
    const text = policy.policyInput;
    if (typeof text !== 'string') continue;
    if (isToken(text) && splitTokens(text).length === 1) {
      a.unread(policy, where, 'policy', 'a Terraform expression, known only when Terraform runs');
      continue;
    }
    let rules: PolicyRuleProps[];
    try {
      rules = blocksOf(readHcl(terraformText(text) ?? '', { hcl1: true }), 'path').map((b) => ({
        path: b.labels[0] ?? '',
        capabilities: strings(b.body.attributes.get('capabilities')) as Capability[],
      }));
    } catch (e) {
      if (!(e instanceof HclReadError)) throw e;
      a.unread(policy, where, 'policy', `not read by the checks (${e.message})`);
      continue;
    }
    policyRules(a, policy, where, rules);
  }
  for (const token of a.inScopeOf(VaultToken)) {
    const lifetimes = [token.periodInput, token.ttlInput, token.explicitMaxTtlInput];
    if (lifetimes.some((v) => v !== undefined) || token.roleNameInput !== undefined) continue;
    a.emit({
      construct: token,
      ruleId: 'ZT-VAULT-005',
      location: `${token.node.path} (vault_token)`,
      prop: 'period / ttl',
      value: '(not set)',
    });
  }
}

const READING = [
  Capability.CREATE,
  Capability.READ,
  Capability.UPDATE,
  Capability.PATCH,
  Capability.DELETE,
  Capability.SUDO,
];

function policyRules(
  a: Analysis,
  construct: IConstruct,
  where: string,
  rules: readonly PolicyRuleProps[],
): void {
  const mounts = new Set(['secret', ...a.of(VaultNomadIntegration).map((v) => v.kvMountPath)]);
  for (const rule of rules) {
    if (!isLiteral(rule.path)) continue;
    const location = `${where} path ${JSON.stringify(rule.path)}`;
    const capabilities = isToken(rule.capabilities) ? [] : rule.capabilities;
    if (capabilities.includes(Capability.SUDO)) {
      a.emit({
        construct,
        ruleId: 'ZT-VAULT-002',
        location,
        prop: 'capabilities',
        value: described(capabilities),
      });
    }
    const granting = capabilities.some((c) => c !== Capability.DENY);
    if (!granting) continue;
    const path = rule.path.replace(/^\/+/, '');
    const wildcard = /\*|(?:^|\/)\+(?:\/|$)/.exec(path);
    if (wildcard && (path.startsWith('sys/') || 'sys/'.startsWith(path.slice(0, wildcard.index)))) {
      a.emit({
        construct,
        ruleId: 'ZT-VAULT-003',
        location,
        prop: 'path',
        value: described(rule.path),
      });
    }
    if (capabilities.some((c) => READING.includes(c)) && widensAcrossJobs(path, mounts)) {
      a.emit({
        construct,
        ruleId: 'ZT-VAULT-004',
        location,
        prop: 'path',
        value: described(rule.path),
        detail: `Capabilities ${described(capabilities)}.`,
      });
    }
  }
}

/** A + segment, or a glob right under a KV mount or its data/, reaches every job's secrets. */
function widensAcrossJobs(path: string, mounts: Set<string>): boolean {
  for (const mount of mounts) {
    if (!path.startsWith(`${mount}/`)) continue;
    const rest = path.slice(mount.length + 1).split('/');
    if (rest[0] === '+' || rest[0].includes('*')) return true;
    if (rest[0] !== 'data') continue;
    const below = rest.slice(1);
    if (below.length === 0) continue;
    if (below.includes('+') || below[0].includes('*')) return true;
  }
  return false;
}

function inspectConsul(a: Analysis): void {
  for (const consul of a.inScopeOf(ConsulNomadIntegration)) {
    const where = consul.node.path;
    if (consul.mode.isLegacy) {
      a.emit({
        construct: consul,
        ruleId: 'ZT-CONSUL-007',
        location: where,
        prop: 'mode',
        value: 'ConsulIntegrationMode.legacyToken()',
      });
    }
    for (const method of consul.node.findAll().filter((c) => c instanceof AclAuthMethod)) {
      const config = jsonConfig((method as AclAuthMethod).configJsonInput);
      address(a, consul, where, 'nomadAddress / workloadIdentity jwksUrl', config?.JWKSURL, 'JWKS');
    }
  }
  for (const ca of a.inScopeOf(ConsulConnectCa)) {
    address(a, ca, ca.node.path, 'vaultAddress', ca.connectStanza.vaultCa?.address, 'Vault');
  }
  for (const method of a.inScopeOf(AclAuthMethod)) {
    if (a.ownedByLibrary(method)) continue;
    const config = jsonConfig(method.configJsonInput);
    const where = `${method.node.path} (consul_acl_auth_method)`;
    address(a, method, where, 'config_json JWKSURL', config?.JWKSURL, 'JWKS');
    address(a, method, where, 'config_json OIDCDiscoveryURL', config?.OIDCDiscoveryURL, 'JWKS');
  }
  for (const ca of a.inScopeOf(CertificateAuthority)) {
    if (a.ownedByLibrary(ca)) continue;
    const config = jsonConfig(ca.configJsonInput);
    const where = `${ca.node.path} (consul_certificate_authority)`;
    address(a, ca, where, 'config_json Address', config?.Address, 'Vault');
  }
}

function inspectResources(a: Analysis): void {
  for (const provider of a.inScopeOf(NomadProvider)) {
    const where = `${provider.node.path} (nomad provider)`;
    address(a, provider, where, 'address', provider.addressInput, 'Nomad');
  }
  for (const provider of a.inScopeOf(VaultProvider)) {
    const where = `${provider.node.path} (vault provider)`;
    address(a, provider, where, 'address', provider.addressInput, 'Vault');
  }
  for (const provider of a.inScopeOf(ConsulProvider)) {
    const where = `${provider.node.path} (consul provider)`;
    const value = provider.addressInput;
    if (isLiteral(value)) credentialsIn(a, provider, where, 'address', value);
  }
  for (const backend of a.inScopeOf(JwtAuthBackend)) {
    if (a.ownedByLibrary(backend)) continue;
    const where = `${backend.node.path} (vault_jwt_auth_backend)`;
    address(a, backend, where, 'jwks_url', terraformText(backend.jwksUrlInput), 'JWKS');
    address(
      a,
      backend,
      where,
      'oidc_discovery_url',
      terraformText(backend.oidcDiscoveryUrlInput),
      'JWKS',
    );
  }
  for (const output of a.inScopeOf(TerraformOutput)) {
    if (output.sensitive === true || a.ownedByLibrary(output)) continue;
    const where = `${output.node.path} (output)`;
    for (const text of outputStrings(output.value)) {
      const secret = findSecret(text);
      if (secret) {
        a.emit({
          construct: output,
          ruleId: 'ZT-SECRET-002',
          location: where,
          prop: 'value',
          value: JSON.stringify(secret.masked),
          detail: `It holds ${secret.kind}.`,
        });
      }
      credentialsIn(a, output, where, 'value', text);
      if (/^\s*[A-Za-z_][\w-]*\s*(?:=|\{|")/m.test(text)) {
        try {
          inspectAgentDocument(a, output, where, hclToJson(readHcl(text, { hcl1: true })));
        } catch (e) {
          if (!(e instanceof HclReadError)) throw e;
        }
      }
    }
  }
}

function inspectRegistered(a: Analysis, scope: IConstruct, config: AgentConfig): void {
  if (config instanceof ConsulAgentConfig) {
    const where = `${scope.node.path} (${config.where})`;
    const acl = config.props.acl;
    if (acl === undefined || acl.enabled === false) {
      a.emit({
        construct: scope,
        ruleId: 'ZT-CONSUL-002',
        location: where,
        prop: acl === undefined ? 'acl' : 'acl.enabled',
        value: acl === undefined ? '(not set: ACLs off)' : 'false',
        fix: 'Set acl: {} (ACLs on, default policy deny).',
      });
    } else if (acl.defaultPolicy === AclDefaultPolicy.ALLOW) {
      a.emit({
        construct: scope,
        ruleId: 'ZT-CONSUL-001',
        location: where,
        prop: 'acl.defaultPolicy',
        value: 'AclDefaultPolicy.ALLOW ("allow")',
        fix: 'Use AclDefaultPolicy.DENY (or leave defaultPolicy unset) and grant access with tokens and policies.',
      });
    }
    const ca = config.props.connect?.vaultCa;
    if (ca) {
      address(a, scope, where, 'connect.vaultCa.address', ca.address, 'Vault');
      if (isLiteral(ca.token) && ca.token !== '')
        literalSecret(a, scope, where, 'connect.vaultCa.token', ca.token);
    }
    return;
  }
  const where = `${scope.node.path} (NomadAgentConfig)`;
  const vault = config.props.vault;
  if (vault) {
    address(a, scope, where, 'vault.address', vault.address, 'Vault');
    if (vault.token !== undefined || vault.createFromRole !== undefined) {
      a.emit({
        construct: scope,
        ruleId: 'ZT-VAULT-001',
        location: where,
        prop: vault.token !== undefined ? 'vault.token' : 'vault.createFromRole',
        value: vault.token !== undefined ? '(set)' : described(vault.createFromRole),
        detail: 'The Nomad agent’s vault stanza holds a token for the token workflow.',
        fix: 'Use workload identity: vault.defaultIdentity on servers and jwtAuthBackendPath on clients (VaultNomadIntegration writes both stanzas).',
      });
    }
    if (isLiteral(vault.token) && vault.token !== '')
      literalSecret(a, scope, where, 'vault.token', vault.token);
  }
  const consulToken = config.props.consul?.token;
  if (isLiteral(consulToken) && consulToken !== '') {
    literalSecret(a, scope, where, 'consul.token', consulToken);
  }
}

function literalSecret(
  a: Analysis,
  construct: IConstruct,
  where: string,
  prop: string,
  value: string,
): void {
  a.emit({
    construct,
    ruleId: 'ZT-SECRET-001',
    location: where,
    prop,
    value: JSON.stringify(mask(value)),
    detail: 'A token is written as a literal into the agent configuration.',
    fix: 'Pass a reference (a sensitive Terraform variable or resource attribute) instead of the literal, or use workload identity, which needs no token in the file.',
  });
}

/** A Terraform string with its escapes undone (references stay as markers). */
function terraformText(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return splitTokens(value)
    .map((f) => (f.isToken ? f.text : unescapeTerraform(f.text)))
    .join('');
}

function readDocument(text: string): ReturnType<typeof readHcl> | undefined {
  try {
    return readHcl(terraformText(text) ?? '', { hcl1: true });
  } catch {
    return undefined;
  }
}

/** A `config_json` attribute as an object, when it is literal JSON (references stay as markers). */
function jsonConfig(value: string | undefined): Record<string, unknown> | undefined {
  const text = terraformText(value);
  if (text === undefined || (Token.isUnresolved(text) && splitTokens(text).length === 1)) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object'
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The literal strings of an output value (references left out). */
function outputStrings(value: unknown): string[] {
  if (typeof value === 'string') {
    const text = splitTokens(value)
      .map((f) => (f.isToken ? ' ' : unescapeTerraform(f.text)))
      .join('');
    return text.trim() === '' ? [] : [text];
  }
  if (Array.isArray(value)) return value.flatMap(outputStrings);
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.values(value).flatMap(outputStrings);
  }
  return [];
}

/** A hint naming the app's service closest to a misspelled one. */
function nearest(name: string, names: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const known = `The app's services are: ${listNames([...names].sort())}.`;
  return best !== undefined && bestDistance <= 3
    ? `Did you mean ${JSON.stringify(best)}? ${known}`
    : known;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = saved;
    }
  }
  return row[b.length];
}
