import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  IngressVariant,
  NomadJob,
  ServiceProvider,
  TaskDriver,
  VaultNomadIntegration,
  ZeroTrustChecks,
  ZeroTrustIngress,
} from '../../lib';
import { addProviders } from '../providers';

/** Settings of the Tailscale example; the defaults are seed 000's. */
export interface TailscaleExampleProps {
  /** Tailscale IP of a Nomad server. */
  readonly nomadServer?: string;
  /** The tailnet name of the node that serves the app (Tailscale certificates cover only it). */
  readonly machineName?: string;
}

/**
 * Seed 000: Nomad clients on tailscale0, Traefik v3 as a system job reading Nomad-native
 * services with the Tailscale certificate resolver, and HashiCups' front end routed on a node's
 * own ts.net name. Vault is in workload-identity mode; Traefik reads its Nomad token from it.
 */
export class TailscaleExample extends TerraformStack {
  constructor(scope: Construct, id: string, props: TailscaleExampleProps = {}) {
    super(scope, id);
    addProviders(this, { vault: true });
    Aspects.of(this).add(new ZeroTrustChecks());
    const server = props.nomadServer ?? '100.99.99.99';
    const machine = props.machineName ?? 'firefly-sub03.west-beta.ts.net';
    const vaultAddr = new TerraformVariable(this, 'vault_addr_for_nomad', {
      type: 'string',
      default: 'https://vault.west-beta.ts.net:8200',
      description: 'Vault address as the Nomad agents reach it',
    });

    const vault = new VaultNomadIntegration(this, 'Vault', {
      vaultAddress: vaultAddr.stringValue,
      nomadAddress: `http://${server}:4646`,
    });
    const ingress = new ZeroTrustIngress(this, 'Ingress', {
      variant: IngressVariant.tailscale({
        nomadAddress: `http://${server}:4646`,
        nomadTokenFromVault: vault,
      }),
      datacenters: ['dc1'],
    });
    ingress.nomadClientConfig({ servers: [server] });

    const hashicups = new NomadJob(this, 'hashicups', { datacenters: ['dc1'] });
    const frontend = hashicups
      .addGroup('nginx', { network: { ports: [{ label: 'nginx', to: 80 }] } })
      .addTask('nginx', {
        driver: TaskDriver.docker({ image: 'nginx:1.27.5', ports: ['nginx'] }),
        services: [{ name: 'nginx', provider: ServiceProvider.NOMAD, port: 'nginx' }],
        resources: { cpuMhz: 100, memoryMb: 64 },
      });
    ingress.exposeHttp(frontend.taskServices[0], { host: machine });
  }
}

if (require.main === module) {
  const app = new App();
  new TailscaleExample(app, 'tailscale');
  app.synth();
}
