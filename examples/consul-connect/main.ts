import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  NetworkMode,
  NomadJob,
  NomadNamespace,
  QemuAccelerator,
  TaskDriver,
  TemplateChangeMode,
  VaultNomadIntegration,
} from '../../lib';
import { addProviders } from '../providers';

/**
 * Seeds 001 and 003: services in the Consul service mesh behind bridge networking and Envoy
 * sidecars (countdash), and a QEMU VM whose SSH is reached through Traefik by SNI.
 */
export class ConsulConnectExample extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    addProviders(this, { vault: true, consul: true });

    // Vault: workload identity. Tasks log in with JWTs Nomad signs; Vault checks them against
    // the JWKS of the Nomad servers.
    const vaultAddr = new TerraformVariable(this, 'vault_addr_for_nomad', {
      type: 'string',
      default: 'https://vault.service.consul:8200',
      description: 'Vault address as the Nomad agents reach it',
    });
    const nomadAddrForVault = new TerraformVariable(this, 'nomad_addr_for_vault', {
      type: 'string',
      default: 'https://nomad.service.consul:4646',
      description: 'Nomad API address as Vault reaches it (for the JWKS)',
    });
    const vault = new VaultNomadIntegration(this, 'Vault', {
      vaultAddress: vaultAddr.stringValue,
      nomadAddress: nomadAddrForVault.stringValue,
    });

    const countdash = new NomadJob(this, 'countdash');
    countdash.addGroup('api', {
      network: { mode: NetworkMode.BRIDGE },
      services: [{ name: 'count-api', port: '9001', connect: { sidecarService: {} } }],
      tasks: {
        web: {
          driver: TaskDriver.docker({ image: 'hashicorpdev/counter-api:v3' }),
          resources: { cpuMhz: 100, memoryMb: 64 },
        },
      },
    });
    const dashboard = countdash.addGroup('dashboard', {
      network: { mode: NetworkMode.BRIDGE, ports: [{ label: 'http', to: 9002 }] },
      services: [
        {
          name: 'count-dashboard',
          port: 'http',
          connect: {
            sidecarService: {
              proxy: { upstreams: [{ destinationName: 'count-api', localBindPort: 8080 }] },
            },
          },
        },
      ],
      tasks: {
        dashboard: {
          driver: TaskDriver.docker({ image: 'hashicorpdev/counter-dashboard:v3' }),
          env: { COUNTING_SERVICE_URL: 'http://${NOMAD_UPSTREAM_ADDR_count_api}' },
          resources: { cpuMhz: 100, memoryMb: 64 },
        },
      },
    });

    // The dashboard reads its own secrets from secret/data/default/countdash/*.
    const dashboardTask = dashboard.task('dashboard');
    vault.grantSecrets(dashboardTask);
    dashboardTask.addTemplate({
      destination: 'secrets/app.env',
      env: true,
      changeMode: TemplateChangeMode.RESTART,
      data: `{{ with secret "${vault.secretsPath(countdash)}/config" }}GREETING={{ .Data.data.greeting }}{{ end }}\n`,
    });

    new NomadNamespace(this, 'Experimental', { name: 'experimental' });
    const router = 'traefik.tcp.routers.${NOMAD_JOB_NAME}';
    const vm = new NomadJob(this, 'simple01', {
      namespace: 'experimental',
      meta: { qcow_name: 'simple01.qcow2', srv_ssh_port: '25001' },
    });
    vm.addGroup('qemu', {
      network: { mode: NetworkMode.BRIDGE },
      services: [
        {
          name: '${NOMAD_JOB_NAME}',
          port: '${NOMAD_META_srv_ssh_port}',
          tags: [
            'traefik.enable=true',
            'traefik.consulcatalog.connect=true',
            `${router}.entrypoints=https`,
            `${router}.tls=true`,
            `${router}.rule=HostSNI(\`\${NOMAD_JOB_NAME}.domain.com\`)`,
            `${router}.service=\${NOMAD_JOB_NAME}`,
          ],
          connect: { sidecarService: {} },
        },
      ],
      tasks: {
        'run-compute-instance': {
          driver: TaskDriver.qemu({
            imagePath: 'packer-focal2004/${NOMAD_META_qcow_name}',
            accelerator: QemuAccelerator.KVM,
            args: [
              '-vnc',
              'none,ipv4',
              '-device',
              'virtio-net,netdev=user.0',
              '-netdev',
              'user,id=user.0,hostfwd=tcp::${NOMAD_META_srv_ssh_port}-:22',
            ],
          }),
          artifacts: [
            {
              source: 'https://artifacts.example.com/images/${NOMAD_META_qcow_name}',
              destination: 'packer-focal2004',
            },
          ],
          resources: { cpuMhz: 2000, memoryMb: 4096 },
        },
      },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new ConsulConnectExample(app, 'consul-connect');
  app.synth();
}
