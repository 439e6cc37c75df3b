import { App, Aspects, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  ConnectMesh,
  ConsulAgentConfig,
  ConsulNomadIntegration,
  DockerMountType,
  IngressCertificates,
  IngressVariant,
  JobType,
  NetworkMode,
  NomadJob,
  NomadNamespace,
  QemuAccelerator,
  ServiceProvider,
  TaskDriver,
  TemplateChangeMode,
  VaultNomadIntegration,
  ZeroTrustChecks,
  ZeroTrustIngress,
} from '../../lib';
import { addProviders } from '../providers';

/**
 * Seeds 001 and 003: Vault and Consul integrated with Nomad through workload identity, the
 * Consul Connect CA on Vault PKI, Consul itself as a Nomad system job, countdash in the mesh
 * with intentions that allow exactly its one call, Traefik as the one door in on 8443, and a
 * QEMU VM whose SSH is reached through Traefik by SNI, in a namespace the stack creates.
 */
export class ConsulConnectExample extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    addProviders(this, { vault: true, consul: true });
    Aspects.of(this).add(new ZeroTrustChecks());
    const vaultAddr = new TerraformVariable(this, 'vault_addr_for_nomad', {
      type: 'string',
      default: 'https://vault.service.consul:8200',
      description: 'Vault address as the Nomad agents and the Consul servers reach it',
    });
    const nomadAddr = new TerraformVariable(this, 'nomad_addr_for_vault', {
      type: 'string',
      default: 'https://nomad.service.consul:4646',
      description: 'Nomad API address as Vault and Consul reach it (for the JWKS)',
    });
    const experimental = new NomadNamespace(this, 'Experimental', { name: 'experimental' });

    // Vault and Consul trust the identities Nomad signs; the Connect CA lives on Vault PKI.
    const vault = new VaultNomadIntegration(this, 'Vault', {
      vaultAddress: vaultAddr.stringValue,
      nomadAddress: nomadAddr.stringValue,
    });
    new ConsulNomadIntegration(this, 'Consul', {
      nomadAddress: nomadAddr.stringValue,
    });
    const mesh = new ConnectMesh(this, 'Mesh', {
      connectCa: { vaultAddress: vaultAddr.stringValue },
    });

    // Seed 001: Consul as a system job. The CA is set through Consul's API (ConnectMesh), so
    // the agent file holds no Vault token.
    const consulConfig = new ConsulAgentConfig({
      datacenter: 'consul1',
      dataDir: '/consul/data',
      server: true,
      bootstrapExpect: 3,
      retryJoin: ['nomad-client-1', 'nomad-client-2', 'nomad-client-3'],
      clientAddr: '0.0.0.0',
      bindAddr: '{{ GetInterfaceIP "en0" }}',
      advertiseAddr: '{{ GetInterfaceIP "en0" }}',
      addresses: { http: '0.0.0.0' },
      connect: { enabled: true },
      ui: true,
      acl: {},
    });
    const consul = new NomadJob(this, 'consul-all-in-one', {
      name: 'consul-all-in-one',
      type: JobType.SYSTEM,
      namespace: experimental.name,
      datacenters: ['dc1'],
    });
    ZeroTrustChecks.suppress(
      consul,
      'ZT-NOMAD-001',
      'Consul agents own their well-known host ports: other agents, Nomad and DNS reach them there, not through the ingress',
    );
    const consulTask = consul
      .addGroup('consul-agent', {
        network: {
          mode: NetworkMode.HOST,
          ports: [
            { label: 'consul_server', static: 8300 },
            { label: 'consul_serf_lan', static: 8301 },
            { label: 'consul_serf_wan', static: 8302 },
            { label: 'consul_http', static: 8500 },
            { label: 'consul_grpc', static: 8502 },
            { label: 'consul_dns', static: 8600 },
          ],
        },
        services: [{ name: 'consul', provider: ServiceProvider.NOMAD, port: 'consul_http' }],
      })
      .addTask('consul-server', {
        driver: TaskDriver.docker({
          image: 'hashicorp/consul:1.21.4',
          command: 'agent',
          args: ['-config-file=/local/config/config.hcl'],
          networkMode: 'host',
          mounts: [{ type: DockerMountType.VOLUME, target: '/consul/data', source: 'consul-data' }],
        }),
        resources: { cpuMhz: 500, memoryMb: 256 },
      });
    consulTask.addFile('local/config/config.hcl', consulConfig.render(), {
      changeMode: TemplateChangeMode.RESTART,
    });

    // Seed 003: countdash in the mesh. The dashboard may call the api; nothing else may.
    const countdash = new NomadJob(this, 'countdash', { datacenters: ['dc1'] });
    const api = mesh.addService('api', {
      job: countdash,
      groupName: 'api',
      name: 'count-api',
      port: 9001,
      tasks: {
        web: {
          driver: TaskDriver.docker({ image: 'hashicorpdev/counter-api:v3' }),
          resources: { cpuMhz: 100, memoryMb: 64 },
        },
      },
    });
    const dashboard = mesh.addService('dashboard', {
      job: countdash,
      groupName: 'dashboard',
      name: 'count-dashboard',
      port: 9002,
      tasks: {
        dashboard: {
          driver: TaskDriver.docker({ image: 'hashicorpdev/counter-dashboard:v3' }),
          resources: { cpuMhz: 100, memoryMb: 64 },
        },
      },
    });
    const apiAddress = dashboard.connectTo(api, { localBindPort: 8080 });
    const dashboardTask = dashboard.task('dashboard');
    dashboardTask.addEnv('COUNTING_SERVICE_URL', `http://${apiAddress}`);
    // The dashboard reads its own secrets from secret/data/default/countdash/*.
    vault.grantSecrets(dashboardTask);
    dashboardTask.addTemplate({
      destination: 'secrets/app.env',
      env: true,
      changeMode: TemplateChangeMode.RESTART,
      data: `{{ with secret "${vault.secretsPath(countdash)}/config" }}GREETING={{ .Data.data.greeting }}{{ end }}\n`,
    });

    // Seed 001: Traefik on 8443 as the one door in, its certificate issued by Vault PKI.
    const ingress = new ZeroTrustIngress(this, 'Ingress', {
      variant: IngressVariant.consulConnect({
        mesh,
        certificates: IngressCertificates.vaultPki({
          vault,
          role: 'ingress',
          commonName: 'ingress.domain.com',
          altNames: ['*.domain.com'],
          // the role issues exactly these names; the pki mount and its CA must exist
          createRole: true,
        }),
      }),
      namespace: experimental.name,
      datacenters: ['dc1'],
      constraints: [{ attribute: '${attr.unique.hostname}', value: 'edge-1' }],
    });
    ingress.exposeHttp(dashboard, { host: 'countdash.domain.com' });

    // Seed 001: a QEMU VM whose SSH is reached through Traefik by SNI:
    //   ssh -o ProxyCommand="openssl s_client -quiet -servername %h -connect ingress:8443" simple01.domain.com
    const vm = new NomadJob(this, 'simple01', {
      namespace: experimental.name,
      datacenters: ['dc1'],
      meta: { qcow_name: 'simple01.qcow2', srv_ssh_port: '25001' },
    });
    const qemu = vm.addGroup('qemu', {
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
    const ssh = mesh.adoptService(
      vm,
      qemu.addService({ name: 'simple01', port: '${NOMAD_META_srv_ssh_port}' }),
    );
    ingress.exposeTcp(ssh, { hostSni: 'simple01.domain.com' });
  }
}

if (require.main === module) {
  const app = new App();
  new ConsulConnectExample(app, 'consul-connect');
  app.synth();
}
