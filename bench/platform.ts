import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import { NomadProvider } from '@cdktf/provider-nomad/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack } from 'cdktf';
import {
  ConnectMesh,
  IngressCertificates,
  IngressVariant,
  MeshService,
  TaskDriver,
  TemplateChangeMode,
  VaultNomadIntegration,
  ZeroTrustIngress,
} from '../lib';
import {
  APP_PORT,
  IMAGE,
  serviceHost,
  serviceName,
  SHARED_SECRET,
  UPSTREAM_PORT,
} from './scenario';

/**
 * The benchmark's platform, declared with the library the way a platform team would: one mesh,
 * one Vault integration, one ingress, and `n` services in a ring (service i calls service i+1),
 * each with a Connect sidecar, one upstream, a template reading Vault, a Vault grant and an
 * ingress route.
 */
export function buildPlatform(app: App, n: number): TerraformStack {
  const stack = new TerraformStack(app, 'platform');
  new NomadProvider(stack, 'nomad', { address: 'https://nomad.example.com:4646' });
  new VaultProvider(stack, 'vault', {});
  new ConsulProvider(stack, 'consul', {});
  const vault = new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'https://vault.example.com:8200',
    nomadAddress: 'https://nomad.example.com:4646',
  });
  const mesh = new ConnectMesh(stack, 'Mesh');
  const ingress = new ZeroTrustIngress(stack, 'Ingress', {
    variant: IngressVariant.consulConnect({
      mesh,
      certificates: IngressCertificates.acme({ email: 'platform@example.com' }),
    }),
  });

  const services: MeshService[] = [];
  for (let i = 0; i < n; i++) {
    const name = serviceName(i);
    services.push(
      mesh.addService(name, {
        name,
        port: APP_PORT,
        tasks: {
          app: {
            driver: TaskDriver.docker({ image: IMAGE }),
            resources: { cpuMhz: 100, memoryMb: 128 },
          },
        },
      }),
    );
  }
  for (let i = 0; i < n; i++) {
    const service = services[i];
    const address = service.connectTo(services[(i + 1) % n], { localBindPort: UPSTREAM_PORT });
    const task = service.task('app');
    task.addEnv('UPSTREAM_ADDR', address);
    task.addTemplate({
      destination: 'secrets/app.env',
      env: true,
      changeMode: TemplateChangeMode.RESTART,
      data: `{{ with secret "${vault.secretsPath(service.job)}/config" }}TOKEN={{ .Data.data.token }}{{ end }}\n`,
    });
    vault.grantSecrets(task, { extraPaths: [SHARED_SECRET] });
    ingress.exposeHttp(service, { host: serviceHost(i) });
  }
  return stack;
}
