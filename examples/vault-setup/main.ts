import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  Capability,
  VaultIntegrationMode,
  VaultNomadIntegration,
  VaultPolicy,
  ZeroTrustChecks,
} from '../../lib';

/**
 * The Vault side of the platform as its own stack, as a platform team with separate Vault
 * credentials would run it: workload identity for Nomad, and a policy for the pipeline that
 * writes application secrets. The agents' vault {} stanzas come out as outputs.
 */
export class VaultSetupExample extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new VaultProvider(this, 'vault', {});
    Aspects.of(this).add(new ZeroTrustChecks());
    const vaultAddr = new TerraformVariable(this, 'vault_addr_for_nomad', {
      type: 'string',
      default: 'https://vault.service.consul:8200',
      description: 'Vault address as the Nomad agents reach it',
    });
    const jwksUrl = new TerraformVariable(this, 'nomad_jwks_url', {
      type: 'string',
      default: 'https://nomad.service.consul:4646/.well-known/jwks.json',
      description: "URL of the Nomad servers' JWKS, reachable from Vault",
    });
    new VaultNomadIntegration(this, 'Vault', {
      vaultAddress: vaultAddr.stringValue,
      mode: VaultIntegrationMode.workloadIdentity({ jwksUrl: jwksUrl.stringValue }),
    });
    const writer = new VaultPolicy(this, 'SecretsWriter', {
      name: 'nomad-secrets-writer',
      rules: [
        { path: 'secret/data/+/+/*', capabilities: [Capability.CREATE, Capability.UPDATE] },
        { path: 'secret/metadata/*', capabilities: [Capability.LIST] },
      ],
    });
    ZeroTrustChecks.suppress(
      writer,
      'ZT-VAULT-004',
      "the pipeline that provisions every job's secrets; no workload holds this policy",
    );
  }
}

if (require.main === module) {
  const app = new App();
  new VaultSetupExample(app, 'vault-setup');
  app.synth();
}
