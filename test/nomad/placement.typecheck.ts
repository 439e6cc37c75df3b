// Compiled by test/nomad/placement.test.ts with tsc: each @ts-expect-error line must be a type
// error, or tsc reports the directive as unused. Nothing here runs.
import { TerraformStack } from 'cdktf';
import { NomadJob, TaskDriver, VolumeType } from '../../lib';

export function misplacedStanzas(stack: TerraformStack): void {
  const job = new NomadJob(stack, 'j');
  const group = job.addGroup('g');
  const task = group.addTask('t', { driver: TaskDriver.docker({ image: 'x' }) });

  // Connect belongs on group services, never on task services.
  // @ts-expect-error: connect is not a property of a task service
  task.addService({ name: 'a', connect: { sidecarService: {} } });

  // A task mounts volumes; a group declares them.
  // @ts-expect-error: groups have no volume mounts
  group.addVolumeMount({ volume: 'v', destination: '/v' });

  // @ts-expect-error: tasks do not declare volumes
  group.addTask('u', { driver: TaskDriver.docker({ image: 'x' }), volumes: [] });

  // @ts-expect-error: sidecar_service lives in connect, not directly on a service
  group.addService({ name: 'b', sidecarService: {} });

  // @ts-expect-error: upstreams belong to the sidecar's proxy, not to connect
  group.addService({ name: 'c', connect: { upstreams: [] } });

  // @ts-expect-error: the network is a group stanza
  group.addTask('w', { driver: TaskDriver.docker({ image: 'x' }), network: {} });

  // @ts-expect-error: a job has no tasks of its own
  job.addTask('x', { driver: TaskDriver.docker({ image: 'x' }) });
}

export function wellPlacedStanzas(stack: TerraformStack): void {
  const job = new NomadJob(stack, 'k');
  const group = job.addGroup('g', { volumes: [{ name: 'v', type: VolumeType.HOST, source: 'v' }] });
  group.addService({ name: 'a', connect: { sidecarService: { proxy: { upstreams: [] } } } });
  group.addTask('t', {
    driver: TaskDriver.docker({ image: 'x' }),
    volumeMounts: [{ volume: 'v', destination: '/v' }],
  });
}
