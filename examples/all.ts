import { App } from 'cdktf';
import { ConsulConnectExample } from './consul-connect/main';
import { TailscaleExample } from './tailscale/main';
import { VaultNomadLegacyExample } from './vault-nomad-legacy/main';
import { VaultSetupExample } from './vault-setup/main';

/** Adds every example stack to an app; `examples/app.ts` and the Terraform checks use it. */
export function addExamples(app: App): void {
  new TailscaleExample(app, 'tailscale');
  new ConsulConnectExample(app, 'consul-connect');
  new VaultSetupExample(app, 'vault-setup');
  new VaultNomadLegacyExample(app, 'vault-nomad-legacy');
}
