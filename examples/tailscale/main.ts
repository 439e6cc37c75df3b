import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  JobType,
  NomadAgentConfig,
  NomadJob,
  ServiceProvider,
  TaskDriver,
  VolumeType,
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
 * services, and HashiCups' nginx routed by service tags with a Tailscale certificate.
 */
export class TailscaleExample extends TerraformStack {
  constructor(scope: Construct, id: string, props: TailscaleExampleProps = {}) {
    super(scope, id);
    addProviders(this);
    const server = props.nomadServer ?? '100.99.99.99';
    const machine = props.machineName ?? 'firefly-sub03.west-beta.ts.net';

    const client = new NomadAgentConfig({
      dataDir: '/opt/nomad/data',
      bindAddr: '0.0.0.0',
      client: {
        servers: [server],
        networkInterface: 'tailscale0',
        hostVolumes: [
          { name: 'tailscale-socket', path: '/run/tailscale/tailscaled.sock', readOnly: true },
        ],
      },
    });
    new TerraformOutput(this, 'nomad_client_config', {
      description: 'Nomad client configuration for each Tailscale node (/etc/nomad.d/nomad.hcl)',
      value: client.toTerraformString(),
    });

    const traefik = new NomadJob(this, 'traefik', { type: JobType.SYSTEM });
    traefik.addGroup('traefik', {
      network: {
        ports: [
          { label: 'http', static: 80 },
          { label: 'https', static: 443 },
        ],
      },
      services: [
        { name: 'traefik-http', provider: ServiceProvider.NOMAD, port: 'http' },
        { name: 'traefik-https', provider: ServiceProvider.NOMAD, port: 'https' },
      ],
      volumes: [
        {
          name: 'tailscale-socket',
          type: VolumeType.HOST,
          readOnly: true,
          source: 'tailscale-socket',
        },
      ],
      tasks: {
        server: {
          driver: TaskDriver.docker({
            image: 'traefik:v3.0',
            ports: ['http', 'https'],
            args: [
              '--entrypoints.web.address=:${NOMAD_PORT_http}',
              '--entrypoints.websecure.address=:${NOMAD_PORT_https}',
              '--providers.nomad=true',
              '--providers.nomad.exposedByDefault=false',
              `--providers.nomad.endpoint.address=http://${server}:4646`,
              '--certificatesresolvers.tailscaleresolver.tailscale=true',
            ],
          }),
          volumeMounts: [
            {
              volume: 'tailscale-socket',
              destination: '/var/run/tailscale/tailscaled.sock',
              readOnly: true,
            },
          ],
          resources: { cpuMhz: 100, memoryMb: 128 },
        },
      },
    });

    const hashicups = new NomadJob(this, 'hashicups');
    hashicups.addGroup('nginx', {
      network: { ports: [{ label: 'nginx', to: 80 }] },
      tasks: {
        nginx: {
          driver: TaskDriver.docker({ image: 'nginx:1.27', ports: ['nginx'] }),
          services: [
            {
              name: 'nginx',
              provider: ServiceProvider.NOMAD,
              port: 'nginx',
              tags: [
                'traefik.enable=true',
                `traefik.http.routers.hashicups.rule=Host(\`${machine}\`)`,
                'traefik.http.routers.hashicups.entrypoints=websecure',
                'traefik.http.routers.hashicups.tls.certResolver=tailscaleresolver',
              ],
            },
          ],
        },
      },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new TailscaleExample(app, 'tailscale');
  app.synth();
}
