import { ConfigEntryServiceIntentions } from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { Job } from '@cdktf/provider-nomad/lib/job';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { FloorFixture, fill, serviceValues } from './fixture';
import { serviceName } from './scenario';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The floor: the same provider resources at the same construct paths as the library's
 * platform, built straight from strings. The per-service documents are the specimen's
 * templates with the service's names filled in; nothing is modelled, checked or rendered.
 * This file must not import the library.
 */
export function buildFloor(app: App, n: number, fixture: FloorFixture): TerraformStack {
  const fixed = (path: string): any => {
    const resource = fixture.fixed[`platform/${path}`];
    if (!resource) throw new Error(`the fixture has no resource at platform/${path}`);
    return resource;
  };
  const stack = new TerraformStack(app, 'platform');
  new NomadProvider(stack, 'nomad', { address: 'https://nomad.example.com:4646' });
  new VaultProvider(stack, 'vault', {});
  new ConsulProvider(stack, 'consul', {});

  // Vault: the JWT auth backend, the templated workload policy and role, the outputs.
  const vault = new Construct(stack, 'Vault');
  const identity = new Construct(vault, 'WorkloadIdentity');
  const backendJson = fixed('Vault/WorkloadIdentity/AuthBackend');
  const backend = new JwtAuthBackend(identity, 'AuthBackend', {
    path: backendJson.path,
    type: backendJson.type,
    description: backendJson.description,
    jwksUrl: backendJson.jwks_url,
    jwtSupportedAlgs: backendJson.jwt_supported_algs,
    defaultRole: backendJson.default_role,
    lifecycle: { preventDestroy: true },
  });
  const policyJson = fixed('Vault/WorkloadIdentity/WorkloadPolicy/Resource');
  const workloadPolicy = new Policy(new Construct(identity, 'WorkloadPolicy'), 'Resource', {
    name: policyJson.name,
    policy: policyJson.policy,
  });
  const role = fixed('Vault/WorkloadIdentity/WorkloadRole');
  const backendPath = backend.path;
  const workloadPolicyName = workloadPolicy.name;
  const roleProps = {
    backend: backendPath,
    roleType: role.role_type,
    boundAudiences: role.bound_audiences,
    userClaim: role.user_claim,
    userClaimJsonPointer: role.user_claim_json_pointer,
    claimMappings: role.claim_mappings,
    tokenType: role.token_type,
    tokenPeriod: role.token_period,
    tokenExplicitMaxTtl: role.token_explicit_max_ttl,
  };
  new JwtAuthBackendRole(identity, 'WorkloadRole', {
    ...roleProps,
    roleName: role.role_name,
    tokenPolicies: [workloadPolicyName],
  });
  const outputs = new Construct(vault, 'Outputs');
  for (const [id, logicalId] of [
    ['ServerVaultStanza', 'vault_nomad_server_vault_stanza'],
    ['ClientVaultStanza', 'vault_nomad_client_vault_stanza'],
  ]) {
    const output = fixture.outputs[logicalId] as any;
    new TerraformOutput(outputs, id, {
      description: output.description,
      value: output.value,
      sensitive: output.sensitive,
    }).overrideLogicalId(logicalId);
  }

  // The mesh's default deny, and the ingress's Traefik job.
  const mesh = new Construct(stack, 'Mesh');
  const deny = fixed('Mesh/DefaultDeny/Resource');
  new ConfigEntryServiceIntentions(new Construct(mesh, 'DefaultDeny'), 'Resource', {
    name: deny.name,
    sources: deny.sources,
  });
  const ingress = new Construct(stack, 'Ingress');
  new Job(new Construct(ingress, 'Job'), 'Resource', {
    jobspec: fixed('Ingress/Job/Resource').jobspec,
    purgeOnDestroy: false,
  });

  // The services: a job, the intentions of calls to it, a grant policy and role each.
  const intentions = new Construct(mesh, 'Intentions');
  const namespace = new Construct(new Construct(vault, 'Grants'), 'default');
  for (let i = 0; i < n; i++) {
    const values = serviceValues(i, n);
    const name = values.name;
    new Job(new Construct(mesh, name), 'Resource', {
      jobspec: fill(fixture.service.jobspec, values),
      purgeOnDestroy: false,
    });
    // The caller of service i is service i - 1; the ingress is exposed in the same pass, so
    // for service 0 the ingress comes first.
    // precedence 9: what Consul computes for a named source to a named destination
    const caller = {
      name: serviceName((i + n - 1) % n),
      action: 'allow',
      precedence: 9,
      type: 'consul',
    };
    const traefik = { name: 'traefik', action: 'allow', precedence: 9, type: 'consul' };
    new ConfigEntryServiceIntentions(new Construct(intentions, name), 'Resource', {
      name,
      sources: i === 0 ? [traefik, caller] : [caller, traefik],
    });
    const task = new Construct(new Construct(new Construct(namespace, name), name), 'app');
    const policy = new Policy(new Construct(task, 'Policy'), 'Resource', {
      name: values.grant,
      policy: fill(fixture.service.policy, values),
    });
    new JwtAuthBackendRole(task, 'Role', {
      ...roleProps,
      roleName: values.grant,
      boundClaims: { nomad_namespace: 'default', nomad_job_id: name, nomad_task: 'app' },
      tokenPolicies: [workloadPolicyName, policy.name],
    });
  }
  return stack;
}
