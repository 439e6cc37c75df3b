// The public API, exported by name. Everything else under lib/ is internal.

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
  LifecycleHook,
  type LifecycleProps,
  PropagationMode,
  type ResourcesProps,
  Task,
  type TaskIdentityProps,
  type TaskProps,
  type TaskVaultProps,
  TemplateChangeMode,
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
  VaultNomadIntegration,
  type VaultNomadIntegrationProps,
} from './vault/vault-nomad-integration';
export { VaultPolicy, type VaultPolicyProps } from './vault/vault-policy';
