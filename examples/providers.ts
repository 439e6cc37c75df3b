import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Configures the providers. The Nomad address is a Terraform variable (`-var nomad_addr=...`);
 * Vault and Consul read VAULT_ADDR / CONSUL_HTTP_ADDR and their tokens from the environment.
 */
export function addProviders(scope: Construct, which: { vault?: boolean; consul?: boolean } = {}) {
  const nomadAddr = new TerraformVariable(scope, 'nomad_addr', {
    type: 'string',
    default: 'http://127.0.0.1:4646',
    description: 'Address of the Nomad HTTP API',
  });
  new NomadProvider(scope, 'nomad', { address: nomadAddr.stringValue });
  if (which.vault) new VaultProvider(scope, 'vault', {});
  if (which.consul) new ConsulProvider(scope, 'consul', {});
}
