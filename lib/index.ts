// The public API, exported by name. Everything else under lib/ is internal.

// First, so its V8 shape exists before anything else loads (see the module).
import './core/v8-shapes';

export { ConfigError } from './core/errors';

// Nomad: job specification model and constructs
export {
  type AgentTlsProps,
  type ClientStanzaProps,
  type ConsulStanzaProps,
  type HostVolumeProps,
  NomadAgentConfig,
  type NomadAgentConfigProps,
  type ServerStanzaProps,
  type VaultStanzaProps,
  type WorkloadIdentityProps,
} from './nomad/agent-config';
export {
  type DockerConfig,
  type DockerMount,
  DockerMountType,
  type ExecConfig,
  QemuAccelerator,
  type QemuConfig,
  TaskDriver,
} from './nomad/driver';
export {
  CsiAccessMode,
  CsiAttachmentMode,
  type EphemeralDiskProps,
  RestartMode,
  type RestartProps,
  TaskGroup,
  type TaskGroupProps,
  type VolumeProps,
  VolumeType,
} from './nomad/group';
export { Job, type JobProps, JobType } from './nomad/job';
export { NetworkMode, type NetworkProps, type PortProps } from './nomad/network';
export { NomadJob, type NomadJobProps } from './nomad/nomad-job';
export { NomadNamespace, type NomadNamespaceProps } from './nomad/nomad-namespace';
export { type AffinityProps, ConstraintOperator, type ConstraintProps } from './nomad/placement';
export {
  AddressMode,
  CheckProtocol,
  CheckType,
  type ConnectExposePathProps,
  type ConnectProps,
  type ConnectProxyProps,
  type ConnectSidecarServiceProps,
  type ConnectSidecarTaskProps,
  type ConnectUpstreamProps,
  ExposeProtocol,
  type GroupServiceProps,
  type IServiceTarget,
  MeshGatewayMode,
  Service,
  type ServiceCheckProps,
  type ServicePropsBase,
  ServiceProvider,
  type TaskServiceProps,
} from './nomad/service';
export {
  ArtifactMode,
  type ArtifactProps,
  type FileTemplateOptions,
  LifecycleHook,
  type LifecycleProps,
  PropagationMode,
  type ResourcesProps,
  Task,
  type TaskIdentityProps,
  type TaskProps,
  type TaskVaultProps,
  TemplateChangeMode,
  type TemplateChangeScriptProps,
  type TemplateProps,
  VaultChangeMode,
  type VolumeMountProps,
} from './nomad/task';
export { UpdateHealthCheck, type UpdateProps } from './nomad/update';

// Vault
export {
  type LegacyTokenRoleOptions,
  VaultIntegrationMode,
  type WorkloadIdentityOptions,
} from './vault/integration-mode';
export { Capability, PolicyDocument, type PolicyRuleProps } from './vault/policy-document';
export {
  type GrantSecretsOptions,
  type SecretGrant,
  VaultNomadIntegration,
  type VaultNomadIntegrationProps,
} from './vault/vault-nomad-integration';
export { VaultPolicy, type VaultPolicyProps } from './vault/vault-policy';

// Consul: service mesh, Connect CA, Nomad integration, agent configuration
export {
  ConsulAccess,
  ConsulAclResource,
  type ConsulAclRuleProps,
  ConsulAclRules,
  type ConsulAclRulesProps,
} from './consul/acl-rules';
export {
  AclDefaultPolicy,
  type ConsulAclStanzaProps,
  type ConsulAddressesProps,
  ConsulAgentConfig,
  type ConsulAgentConfigProps,
  type ConsulConnectStanzaProps,
  ConsulLogLevel,
  type ConsulPortsProps,
  type ConsulTlsStanzaProps,
  type ConsulVaultCaConfigProps,
  PrivateKeyType,
} from './consul/consul-agent-config';
export {
  ConnectCaPkiMounts,
  type ConnectCaVaultTlsProps,
  ConsulConnectCa,
  type ConsulConnectCaProps,
  type LibraryManagedPkiOptions,
} from './consul/connect-ca';
export {
  ConsulIntegrationMode,
  type ConsulLegacyTokenOptions,
  type ConsulWorkloadIdentityOptions,
} from './consul/consul-integration-mode';
export {
  ConsulNomadIntegration,
  type ConsulNomadIntegrationProps,
} from './consul/consul-nomad-integration';
export {
  type AdoptServiceOptions,
  ConnectMesh,
  type ConnectMeshProps,
  type MeshServiceProps,
  type ProxyDefaultsProps,
} from './consul/connect-mesh';
export { type ConnectToOptions, MeshProtocol, MeshService } from './consul/mesh-service';
export {
  type HttpPermissionProps,
  IntentionAction,
  type IntentionSourceProps,
  ServiceIntentions,
  type ServiceIntentionsProps,
} from './consul/service-intentions';

// Traefik v3: static and dynamic configuration, rules, service tags
export { type TraefikTlsDomain } from './traefik/common';
export {
  ClientAuthType,
  TlsVersion,
  type TraefikBasicAuthMiddlewareProps,
  type TraefikCertificateProps,
  type TraefikClientAuthProps,
  type TraefikDashboardRouterProps,
  TraefikDynamicConfig,
  type TraefikDynamicConfigProps,
  type TraefikHttpRouterProps,
  type TraefikHttpServersTransportProps,
  type TraefikHttpServiceProps,
  type TraefikIpAllowListMiddlewareProps,
  type TraefikIpStrategyProps,
  type TraefikRouterTlsProps,
  type TraefikServerProps,
  type TraefikTcpServersTransportConfigProps,
  type TraefikTcpServersTransportTlsConfigProps,
  type TraefikTlsOptionsProps,
} from './traefik/dynamic-config';
export { RuleProtocol, TraefikRule } from './traefik/rule';
export {
  AcmeKeyType,
  ConsulEndpointScheme,
  ConsulHealthStatus,
  RedirectScheme,
  type TraefikAccessLogFiltersProps,
  type TraefikAccessLogProps,
  type TraefikAcmeHttpChallengeProps,
  type TraefikAcmeProps,
  type TraefikApiProps,
  type TraefikCertificatesResolverProps,
  type TraefikConsulCatalogProviderProps,
  type TraefikConsulEndpointProps,
  type TraefikEntryPointHttpProps,
  type TraefikEntryPointProps,
  type TraefikEntryPointRedirectionsProps,
  type TraefikEntryPointTlsProps,
  type TraefikFileProviderProps,
  type TraefikGlobalProps,
  TraefikLogFormat,
  TraefikLogLevel,
  type TraefikLogProps,
  type TraefikNomadEndpointProps,
  type TraefikNomadProviderProps,
  type TraefikPingProps,
  type TraefikProviderTlsProps,
  type TraefikProvidersProps,
  type TraefikRedirectEntryPointProps,
  type TraefikServersTransportProps,
  TraefikStaticConfig,
  type TraefikStaticConfigProps,
  type TraefikTcpServersTransportProps,
  type TraefikTcpServersTransportTlsProps,
  type TraefikTrustedIpsProps,
} from './traefik/static-config';
export {
  BackendScheme,
  type HttpRouterTagProps,
  type HttpRouterTlsProps,
  type HttpServiceTagProps,
  type TcpRouterTagProps,
  type TcpRouterTlsProps,
  type TcpServiceTagProps,
  TraefikTags,
} from './traefik/tags';

// Ingress: Traefik v3 on Nomad as the one door in
export {
  type AcmeCertificateOptions,
  IngressCertificates,
  type VaultKvCertificateOptions,
  type VaultPkiCertificateOptions,
} from './ingress/ingress-certificates';
export {
  type ConsulConnectVariantOptions,
  IngressVariant,
  type TailscaleVariantOptions,
} from './ingress/ingress-variant';
export {
  DEFAULT_TRAEFIK_IMAGE,
  type ExposeHttpOptions,
  type ExposeTcpOptions,
  type IngressClientConfigOptions,
  type IngressInsecureOptions,
  type IngressRoute,
  IngressRouteKind,
  ZeroTrustIngress,
  type ZeroTrustIngressProps,
} from './ingress/zero-trust-ingress';

// Diagrams
export { ZeroTrustDiagram } from './diagram/zero-trust-diagram';

// Zero-trust checks
export {
  FindingSeverity,
  type ZeroTrustFinding,
  type ZeroTrustSuppression,
} from './checks/findings';
export { ZeroTrustReport } from './checks/report';
export { type ZeroTrustRule } from './checks/rules';
export { ZeroTrustChecks, type ZeroTrustChecksProps } from './checks/zero-trust-checks';
