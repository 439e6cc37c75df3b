import { AclPolicy } from '@cdktf/provider-consul/lib/acl-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { terraformString } from '../core/terraform-string';
import { ConsulAccess, ConsulAclResource, ConsulAclRules } from './acl-rules';

/**
 * Consul ACL policies for the Nomad agents themselves (registering their own services and
 * nodes): the rules of Nomad's Consul ACL guide, `acl` and `mesh` write added for servers.
 * @internal
 */
export function nomadAgentPolicies(
  scope: Construct,
  provider: TerraformProvider | undefined,
): { server: AclPolicy; client: AclPolicy } {
  const agentRules = [
    { resource: ConsulAclResource.AGENT_PREFIX, name: '', policy: ConsulAccess.READ },
    { resource: ConsulAclResource.NODE_PREFIX, name: '', policy: ConsulAccess.WRITE },
    { resource: ConsulAclResource.SERVICE_PREFIX, name: '', policy: ConsulAccess.WRITE },
  ];
  const client = new AclPolicy(scope, 'NomadClientPolicy', {
    name: 'nomad-client',
    description: 'Nomad clients: register their node and the services of their allocations',
    rules: terraformString(new ConsulAclRules({ rules: agentRules }).render()),
    provider,
  });
  const server = new AclPolicy(scope, 'NomadServerPolicy', {
    name: 'nomad-server',
    description: 'Nomad servers: register themselves and manage workload-identity tokens',
    rules: terraformString(
      new ConsulAclRules({
        rules: agentRules,
        acl: ConsulAccess.WRITE,
        mesh: ConsulAccess.WRITE,
      }).render(),
    ),
    provider,
  });
  return { server, client };
}
