import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  NomadJob,
  TaskDriver,
  TemplateChangeMode,
  VaultIntegrationMode,
  VaultNomadIntegration,
  ZeroTrustChecks,
} from '../../lib';
import { addProviders } from '../providers';

/** Settings of the legacy example. */
export interface VaultNomadLegacyExampleProps {
  /** The workflow; the migration to workload identity changes only this. @default legacyTokenRole() */
  readonly mode?: VaultIntegrationMode;
}

/**
 * Seed 004: the Vault token workflow for clusters still on Nomad < 1.10 (the `nomad-server`
 * policy, the `nomad-cluster` token role, a periodic orphan token for the servers), with a job
 * reading its secret. Passing `VaultIntegrationMode.workloadIdentity()` as `mode` is the whole
 * migration: the same job then logs in with its workload identity.
 */
export class VaultNomadLegacyExample extends TerraformStack {
  constructor(scope: Construct, id: string, props: VaultNomadLegacyExampleProps = {}) {
    super(scope, id);
    addProviders(this, { vault: true });
    Aspects.of(this).add(new ZeroTrustChecks());
    const vaultAddr = new TerraformVariable(this, 'vault_addr_for_nomad', {
      type: 'string',
      default: 'https://vault.service.consul:8200',
      description: 'Vault address as the Nomad agents reach it',
    });
    const vault = new VaultNomadIntegration(this, 'Vault', {
      vaultAddress: vaultAddr.stringValue,
      nomadAddress: 'https://nomad.service.consul:4646',
      mode: props.mode ?? VaultIntegrationMode.legacyTokenRole(),
    });
    ZeroTrustChecks.suppress(
      vault,
      'ZT-VAULT-001',
      'the example shows the token workflow of Nomad < 1.10 and the one-line migration away from it',
    );

    const billing = new NomadJob(this, 'billing', { datacenters: ['dc1'] });
    const task = billing.addGroup('api').addTask('api', {
      driver: TaskDriver.docker({ image: 'hashicorp/http-echo:1.0.0', args: ['-text=billing'] }),
      resources: { cpuMhz: 100, memoryMb: 64 },
    });
    vault.grantSecrets(task);
    task.addTemplate({
      destination: 'secrets/db.env',
      env: true,
      changeMode: TemplateChangeMode.RESTART,
      data: `{{ with secret "${vault.secretsPath(billing)}/db" }}DB_PASSWORD={{ .Data.data.password }}{{ end }}\n`,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new VaultNomadLegacyExample(app, 'vault-nomad-legacy');
  app.synth();
}
