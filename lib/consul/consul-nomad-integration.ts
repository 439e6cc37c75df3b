import { runAppChecksOn } from '../checks/app-checks';
import { TerraformOutput, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { checkHttpUrl } from '../core/checks';
import { terraformString } from '../core/terraform-string';
import { HclDialect } from '../hcl/dialect';
import { HclBody } from '../hcl/writer';
import { ConsulStanzaProps, renderConsulStanza } from '../nomad/agent-config';
import { ConsulIntegrationMode } from './consul-integration-mode';

/** Properties of {@link ConsulNomadIntegration}. */
export interface ConsulNomadIntegrationProps {
  /** Workflow. @default ConsulIntegrationMode.workloadIdentity() */
  readonly mode?: ConsulIntegrationMode;
  /**
   * Address of the Nomad servers' HTTP API as Consul reaches it; gives the JWKS URL in
   * workload-identity mode.
   * @default - none (then give workloadIdentity({ jwksUrl }))
   */
  readonly nomadAddress?: string;
  /** Consul provider. @default - the stack's default consul provider */
  readonly consulProvider?: TerraformProvider;
}

/**
 * Connects Nomad to Consul: the Consul side (by default what `nomad setup consul` creates: the
 * JWT auth method, binding rules, the tasks' role and policy, and policies for the Nomad agents)
 * and the matching Nomad agent `consul {}` stanzas as outputs (sensitive when they hold a token).
 *
 * @see https://developer.hashicorp.com/nomad/docs/integrations/consul/acl
 */
export class ConsulNomadIntegration extends Construct {
  /** The workflow in use. */
  public readonly mode: ConsulIntegrationMode;
  /** The server agents' `consul {}` stanza as a Terraform string. */
  public readonly serverConsulStanza: string;
  /** The client agents' `consul {}` stanza as a Terraform string. */
  public readonly clientConsulStanza: string;

  constructor(scope: Construct, id: string, props: ConsulNomadIntegrationProps = {}) {
    super(scope, id);
    runAppChecksOn(this);
    if (props.nomadAddress !== undefined)
      checkHttpUrl(this.node.path, 'nomadAddress', props.nomadAddress);
    this.mode = props.mode ?? ConsulIntegrationMode.workloadIdentity();
    const binding = this.mode._bind(this, {
      where: this.node.path,
      nomadAddress: props.nomadAddress,
      consulProvider: props.consulProvider,
    });
    this.serverConsulStanza = stanzaText(binding.serverStanza);
    this.clientConsulStanza = stanzaText(binding.clientStanza);
    const outputs = new Construct(this, 'Outputs');
    const prefix =
      id
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'consul';
    new TerraformOutput(outputs, 'ServerConsulStanza', {
      description: 'consul {} stanza for the Nomad servers',
      value: this.serverConsulStanza,
      sensitive: binding.serverStanzaIsSensitive,
    }).overrideLogicalId(`${prefix}_nomad_server_consul_stanza`);
    new TerraformOutput(outputs, 'ClientConsulStanza', {
      description: 'consul {} stanza for the Nomad clients',
      value: this.clientConsulStanza,
      sensitive: binding.clientStanzaIsSensitive,
    }).overrideLogicalId(`${prefix}_nomad_client_consul_stanza`);
  }
}

function stanzaText(stanza: ConsulStanzaProps): string {
  return terraformString(
    new HclBody().appendBlock(renderConsulStanza(stanza)).render(HclDialect.HCL1),
  );
}
