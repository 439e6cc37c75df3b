import { AclToken } from '@cdktf/provider-consul/lib/acl-token';
import { DataConsulAclTokenSecretId } from '@cdktf/provider-consul/lib/data-consul-acl-token-secret-id';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import type { ConsulStanzaProps } from '../nomad/agent-config';
import type {
  ConsulLegacyTokenOptions,
  ConsulModeBinder,
  ConsulModeBinding,
  ConsulModeContext,
} from './consul-integration-mode';
import { nomadAgentPolicies } from './nomad-agent-policies';

/** @internal */
export class ConsulLegacyTokenBinder implements ConsulModeBinder {
  constructor(private readonly options: ConsulLegacyTokenOptions) {}

  public bind(scope: Construct, context: ConsulModeContext): ConsulModeBinding {
    return new ConsulLegacyTokenBinding(scope, context, this.options);
  }
}

/**
 * The seeds' token workflow: a Consul token for the Nomad agents, named in the client
 * `consul {}` stanza (a sensitive output).
 * @internal
 */
export class ConsulLegacyTokenBinding implements ConsulModeBinding {
  public readonly serverStanza: ConsulStanzaProps;
  public readonly clientStanza: ConsulStanzaProps;
  public readonly clientStanzaIsSensitive = true;
  public readonly serverStanzaIsSensitive = true;
  public readonly agentToken: AclToken;

  constructor(scope: Construct, context: ConsulModeContext, options: ConsulLegacyTokenOptions) {
    const provider = context.consulProvider;
    Annotations.of(scope).addWarning(
      'ConsulIntegrationMode.legacyToken: Nomad agents hold a Consul token, the workflow Nomad 1.10 ' +
        'removed for workloads, and the token is stored in Terraform state. Use ' +
        'ConsulIntegrationMode.workloadIdentity() on Nomad 1.7 and later.',
    );
    const parent = new Construct(scope, 'LegacyToken');
    const policies = nomadAgentPolicies(parent, provider);
    this.agentToken = new AclToken(parent, 'AgentToken', {
      description: 'Nomad agents',
      policies: [policies.client.name, policies.server.name],
      local: true,
      provider,
    });
    const secret = new DataConsulAclTokenSecretId(parent, 'AgentTokenSecret', {
      accessorId: this.agentToken.id,
      provider,
    });
    const common = {
      address: options.address ?? '127.0.0.1:8500',
      grpcAddress: options.grpcAddress ?? '127.0.0.1:8502',
      token: secret.secretId,
    };
    this.serverStanza = { ...common, serverServiceName: 'nomad', serverAutoJoin: true };
    this.clientStanza = {
      ...common,
      clientServiceName: 'nomad-client',
      autoAdvertise: true,
      clientAutoJoin: true,
    };
  }
}
