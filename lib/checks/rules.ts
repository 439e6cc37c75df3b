import { ConfigError, listNames } from '../core/errors';
import { FindingSeverity } from './findings';

/** One rule of the zero-trust checks: a stable id, how serious, and what to do about it. */
export interface ZeroTrustRule {
  /** Stable id, e.g. `ZT-TRAEFIK-001`; suppressions and pipelines name it. */
  readonly id: string;
  /** Severity of every finding of the rule. */
  readonly severity: FindingSeverity;
  /** What is wrong, in a few words. */
  readonly title: string;
  /** Why it matters. */
  readonly why: string;
  /** What to do instead. */
  readonly fix: string;
}

/**
 * The rule catalogue, in the order the documentation lists it. Ids are never reused: a retired
 * rule keeps its id out of circulation.
 * @internal
 */
export const RULES: readonly ZeroTrustRule[] = [
  {
    id: 'ZT-TRAEFIK-001',
    severity: FindingSeverity.ERROR,
    title: 'Traefik API and dashboard served without authentication (api.insecure)',
    why: 'api.insecure serves the API on the "traefik" entry point with no router or middleware in front: anyone who reaches the port reads the whole routing configuration (every host, backend and middleware).',
    fix: 'Drop api.insecure (ZeroTrustIngress: insecure.apiInsecure); reach the dashboard through a router to api@internal on an internal entry point (ZeroTrustIngress dashboard: true).',
  },
  {
    id: 'ZT-TRAEFIK-002',
    severity: FindingSeverity.ERROR,
    title: 'Certificate of a backend or provider not verified (insecureSkipVerify)',
    why: 'Traefik accepts any certificate, so anyone on the path to the backend (or to Nomad or Consul) can impersonate it, read the traffic and, for a provider, feed Traefik routes.',
    fix: 'Trust the backend CA instead: rootCAs on the servers transport (ZeroTrustIngress exposeHttp backendRootCas, backendServerName), or the provider endpoint tls.ca; reach mesh services through Consul Connect.',
  },
  {
    id: 'ZT-TRAEFIK-003',
    severity: FindingSeverity.WARNING,
    title: 'Published plain-HTTP entry point without a redirect to HTTPS',
    why: 'Requests and credentials on that entry point cross the network in clear text, and routers attached to it answer over HTTP.',
    fix: 'Redirect it (http.redirections.entryPoint to the TLS entry point), give it http.tls, bind it to 127.0.0.1, or do not publish its port.',
  },
  {
    id: 'ZT-TRAEFIK-004',
    severity: FindingSeverity.ERROR,
    title: 'Every service routed by default (exposedByDefault)',
    why: 'With exposedByDefault (Traefik’s own default when the option is left out) every service in the catalog gets a router, including ones never meant to be reachable from outside.',
    fix: 'Set exposedByDefault = false and route only services tagged traefik.enable=true (ZeroTrustIngress: drop insecure.exposedByDefault and expose services with exposeHttp / exposeTcp).',
  },
  {
    id: 'ZT-CONSUL-001',
    severity: FindingSeverity.ERROR,
    title: 'Consul ACL default policy is allow',
    why: 'A request that no ACL rule matches is allowed: any client can register services, read and change the catalog and KV, and intentions are not backed by denials.',
    fix: 'Set acl { default_policy = "deny" } (ConsulAgentConfig acl.defaultPolicy AclDefaultPolicy.DENY, the default) and grant access with tokens and policies.',
  },
  {
    id: 'ZT-CONSUL-002',
    severity: FindingSeverity.ERROR,
    title: 'Consul ACLs off',
    why: 'Without ACLs any client can register services under any name, read and change the catalog and KV, and write intentions; the mesh has no identity to enforce.',
    fix: 'Enable ACLs with default_policy = "deny" (ConsulAgentConfig acl: {}).',
  },
  {
    id: 'ZT-CONSUL-003',
    severity: FindingSeverity.WARNING,
    title: 'Service mesh without a default-deny intention',
    why: 'Connections that no intention mentions follow Consul’s ACL default policy, which is allow unless every agent sets deny: any service can then call any other.',
    fix: 'Keep ConnectMesh defaultDeny on (a * -> * deny intention), or set acl { default_policy = "deny" } on every Consul agent.',
  },
  {
    id: 'ZT-CONSUL-004',
    severity: FindingSeverity.ERROR,
    title: 'Upstream without an intention that allows it',
    why: 'The sidecar listens for the upstream, but no intention lets this service call it: with default deny every call fails at run time, and without it the call works only because nothing is enforced.',
    fix: 'Connect the services with MeshService.connectTo (it adds the upstream and the intention), or allow the source with ConnectMesh.allowFrom / ServiceIntentions.addSource.',
  },
  {
    id: 'ZT-CONSUL-005',
    severity: FindingSeverity.WARNING,
    title: 'Upstream to a service the app does not declare',
    why: 'No job of the app registers a service of that name, so the upstream points nowhere unless another app runs it: a typo here fails only at run time.',
    fix: 'Fix the destination name, or declare the service; an upstream to a service of another app is fine and can be suppressed with that reason.',
  },
  {
    id: 'ZT-CONSUL-006',
    severity: FindingSeverity.ERROR,
    title: 'Ingress route to a mesh service whose intentions do not allow Traefik',
    why: 'Traefik reaches Consul Connect services with the certificate of its own service name; if the destination’s intentions do not allow that name, every request of the route fails.',
    fix: 'Allow Traefik’s serviceName as the source (ZeroTrustIngress exposeHttp / exposeTcp add it; otherwise ConnectMesh.allowFrom(ingress.serviceName, service)), or make the intention’s source the serviceName Traefik uses.',
  },
  {
    id: 'ZT-CONSUL-007',
    severity: FindingSeverity.WARNING,
    title: 'Legacy Consul token workflow',
    why: 'Nomad agents hold a long-lived Consul token (stored in Terraform state), the workflow Nomad 1.10 removed for workloads.',
    fix: 'Use ConsulIntegrationMode.workloadIdentity() on Nomad 1.7 and later.',
  },
  {
    id: 'ZT-VAULT-001',
    severity: FindingSeverity.WARNING,
    title: 'Legacy Vault token workflow',
    why: 'The token workflow is deprecated since Nomad 1.7 and removed in 1.10; the Nomad servers hold a Vault token that is stored in Terraform state and can create tokens for any allowed policy.',
    fix: 'Use VaultIntegrationMode.workloadIdentity() (tasks then name a role, not policies).',
  },
  {
    id: 'ZT-VAULT-002',
    severity: FindingSeverity.ERROR,
    title: 'Vault policy grants sudo',
    why: 'sudo opens root-protected paths (seal, policies, audit devices, auth methods): a token with it can take Vault over.',
    fix: 'Remove Capability.SUDO; grant the exact capabilities the caller needs on the exact paths.',
  },
  {
    id: 'ZT-VAULT-003',
    severity: FindingSeverity.ERROR,
    title: 'Vault policy wildcard under sys/',
    why: 'A glob or + segment that covers sys/ reaches Vault’s own configuration (mounts, policies, auth, audit) beyond what the caller needs.',
    fix: 'Name the exact sys/ paths, e.g. sys/mounts/<path>/tune, without * or +.',
  },
  {
    id: 'ZT-VAULT-004',
    severity: FindingSeverity.WARNING,
    title: 'Vault policy wildcard that widens a grant across jobs',
    why: 'A + segment or a glob right under a KV mount’s data/ matches every job’s secrets (secret/data/<namespace>/<job>), so one job’s token reads all of them.',
    fix: 'Grant each job its own path (VaultNomadIntegration.grantSecrets) and name shared paths explicitly (extraPaths: ["shared/db"]).',
  },
  {
    id: 'ZT-VAULT-005',
    severity: FindingSeverity.WARNING,
    title: 'Vault token without period or TTL',
    why: 'The token lives as long as the system maximum TTL allows, which a leak then lasts; a periodic token at least expires once nobody renews it.',
    fix: 'Set period (a periodic token renewed by its holder, e.g. "72h") or ttl on the token, or create it from a token role that sets them.',
  },
  {
    id: 'ZT-VAULT-006',
    severity: FindingSeverity.ERROR,
    title: 'Template reads another job’s secrets',
    why: 'The task reads a KV path that belongs to another job: either its grant is too wide, or the read fails at run time and the task never starts.',
    fix: 'Read the job’s own path (VaultNomadIntegration.secretsPath(job)), or move the shared secret under a shared path and grant it with grantSecrets(task, { extraPaths }).',
  },
  {
    id: 'ZT-SECRET-001',
    severity: FindingSeverity.ERROR,
    title: 'Secret-looking literal in a job or configuration',
    why: 'A literal private key, token or password is readable by anyone who can read the job, the Terraform state or the plan output, and it never rotates.',
    fix: 'Keep the secret in Vault and render it at run time with a template ({{ with secret "..." }}) in the task’s secrets/ directory, or pass a reference (a sensitive variable) instead of the value.',
  },
  {
    id: 'ZT-SECRET-002',
    severity: FindingSeverity.ERROR,
    title: 'Secret-looking literal in a non-sensitive output',
    why: 'Terraform prints non-sensitive outputs after every apply, into CI logs and terminals.',
    fix: 'Mark the output sensitive: true, or output a reference to where the secret lives instead of the secret.',
  },
  {
    id: 'ZT-SECRET-003',
    severity: FindingSeverity.ERROR,
    title: 'Credentials in an address (user:password@)',
    why: 'Addresses end up in agent configuration, jobs, logs and Terraform outputs, all readable by more people than the credentials should be.',
    fix: 'Remove the user name and password from the URL and authenticate with a token from the environment or Vault.',
  },
  {
    id: 'ZT-SECRET-004',
    severity: FindingSeverity.ERROR,
    title: 'Secret reaching a jobspec by reference',
    why: 'A jobspec is stored by Nomad and shown to anyone who may read the job (nomad job inspect), and kept in the Terraform state and plan: a token, password or key whose value Terraform puts into it is as exposed as a literal one, only harder to see in the code (a Vault token from ConsulConnectCa.connectStanza rendered into a file with Task.addFile, say).',
    fix: 'Keep the secret in Vault and have the task read it at run time (a template in secrets/, or workload identity); a Consul server takes the Connect CA configuration through ConsulConnectCa with applyThroughApi, not a file in a job.',
  },
  {
    id: 'ZT-NOMAD-001',
    severity: FindingSeverity.WARNING,
    title: 'Static host port published outside the ingress',
    why: 'A static port is reachable on every client the group lands on, beside the ingress: traffic on it bypasses TLS termination, routing rules and, for a mesh service, the mesh and its intentions.',
    fix: 'Route the service through ZeroTrustIngress (exposeHttp / exposeTcp) and drop the static port; for an agent that must own a host port (e.g. Consul), suppress with that reason.',
  },
  {
    id: 'ZT-NOMAD-002',
    severity: FindingSeverity.WARNING,
    title: 'Same static port in two groups on the same host network',
    why: 'Two groups that claim the same host port cannot run on the same client: one of them stays pending there, which for a system job means on every client it shares with the other.',
    fix: 'Give one of them another port or a dynamic one, or keep them apart with constraints and suppress with that reason.',
  },
  {
    id: 'ZT-NOMAD-003',
    severity: FindingSeverity.WARNING,
    title: 'Container image without a pinned tag or digest',
    why: 'An image without a tag, or with "latest", changes under the job: each placement may run different code than was reviewed.',
    fix: 'Pin a version tag or a digest, e.g. "nginx:1.27.5" or "nginx@sha256:<digest>".',
  },
  {
    id: 'ZT-NOMAD-004',
    severity: FindingSeverity.ERROR,
    title: 'Runtime variable naming an upstream or port the group lacks (hand-written jobspec)',
    why: 'Nomad leaves an unknown ${NOMAD_UPSTREAM_ADDR_x} or ${NOMAD_PORT_x} empty, so the task starts with a broken address instead of failing.',
    fix: 'Declare the upstream or port in the group, or fix the name (dashes become underscores); jobs built with NomadJob get this check at synthesis.',
  },
  {
    id: 'ZT-TLS-001',
    severity: FindingSeverity.ERROR,
    title: 'Plain HTTP to a Vault, Nomad or JWKS address off the host',
    why: 'Tokens, identities and signing keys would cross the network unencrypted; anyone on the path can read tokens or hand over their own JWKS keys. Loopback and Tailscale addresses (100.64.0.0/10, *.ts.net), whose traffic WireGuard encrypts, are not reported.',
    fix: 'Use the https address (with the CA file if the certificate is private), or a Tailscale address.',
  },
  {
    id: 'ZT-CHECKS-001',
    severity: FindingSeverity.INFO,
    title: 'Document not read by the checks',
    why: 'A jobspec or document the checks cannot read (a Terraform expression, or text outside the HCL subset they read) is not checked at all.',
    fix: 'Build the job with NomadJob, or give the jobspec as literal text; otherwise review it by hand.',
  },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/**
 * The rule of that id; throws, listing the ids, for an unknown one.
 * @internal
 */
export function ruleById(where: string, id: string): ZeroTrustRule {
  const rule = BY_ID.get(id);
  if (!rule) {
    throw new ConfigError(
      where,
      'rule id',
      id,
      `Name one of the rules: ${listNames(RULES.map((r) => r.id))}.`,
    );
  }
  return rule;
}

/**
 * The rule catalogue as a Markdown table, one line per rule (id | severity | what | why | fix),
 * as docs/zero-trust-checks.md holds it.
 */
export function renderRulesMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = ['| Rule | Severity | What | Why | Fix |', '| --- | --- | --- | --- | --- |'];
  for (const r of RULES) {
    lines.push(`| ${r.id} | ${r.severity} | ${cell(r.title)} | ${cell(r.why)} | ${cell(r.fix)} |`);
  }
  return lines.join('\n') + '\n';
}
