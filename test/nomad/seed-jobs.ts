import { TerraformStack } from 'cdktf';
import {
  JobType,
  NetworkMode,
  NomadJob,
  QemuAccelerator,
  ServiceProvider,
  TaskDriver,
  VolumeType,
} from '../../lib';

/** Seed 003's countdash job, built with the typed API. */
export function countdash(stack: TerraformStack): NomadJob {
  const job = new NomadJob(stack, 'countdash', { datacenters: ['dc1'] });
  job.addGroup('api', {
    network: { mode: NetworkMode.BRIDGE },
    services: [{ name: 'count-api', port: '9001', connect: { sidecarService: {} } }],
    tasks: { web: { driver: TaskDriver.docker({ image: 'hashicorpdev/counter-api:v3' }) } },
  });
  job.addGroup('dashboard', {
    network: { mode: NetworkMode.BRIDGE, ports: [{ label: 'http', static: 9002, to: 9002 }] },
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
      },
    },
  });
  return job;
}

/** Seed 000's Traefik system job (Nomad provider, Tailscale resolver), built with the typed API. */
export function traefikTailscale(stack: TerraformStack): NomadJob {
  const job = new NomadJob(stack, 'traefik', { datacenters: ['dc1'], type: JobType.SYSTEM });
  job.addGroup('traefik', {
    network: {
      ports: [
        { label: 'http', static: 80 },
        { label: 'https', static: 443 },
        { label: 'admin', static: 8080 },
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
          ports: ['admin', 'http', 'https'],
          args: [
            '--api.dashboard=true',
            '--api.insecure=true',
            '--entrypoints.web.address=:${NOMAD_PORT_http}',
            '--entryPoints.websecure.address=:${NOMAD_PORT_https}',
            '--entrypoints.traefik.address=:${NOMAD_PORT_admin}',
            '--providers.nomad=true',
            '--providers.nomad.endpoint.address=http://100.99.99.99:4646',
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
      },
    },
  });
  return job;
}

/** Seed 001's QEMU VM whose SSH Traefik routes by SNI, built with the typed API. */
export function qemuSsh(stack: TerraformStack): NomadJob {
  const router = 'traefik.tcp.routers.${NOMAD_JOB_NAME}';
  const job = new NomadJob(stack, 'simple01', {
    datacenters: ['dc1'],
    namespace: 'experimental',
    meta: { qcow_name: 'simple01.qcow2', srv_ssh_port: '25001', srv_rdp_port: '25002' },
  });
  job.addGroup('qemu', {
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
            'user,id=user.0,hostfwd=tcp::${NOMAD_META_srv_ssh_port}-:22,hostfwd=tcp::${NOMAD_META_srv_rdp_port}-:8443',
          ],
        }),
        artifacts: [
          {
            source: 'https://artifactory.com/artifactory/images/${NOMAD_META_qcow_name}',
            destination: 'packer-focal2004',
          },
        ],
        resources: { cpuMhz: 2000, memoryMb: 4096 },
      },
    },
  });
  return job;
}
