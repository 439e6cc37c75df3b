import { Testing } from 'cdktf';
import { NetworkMode, NomadJob, ServiceProvider, TaskDriver } from '../../lib';
import { newStack } from '../helpers';

const docker = TaskDriver.docker({ image: 'nginx' });

function jobIn(id = 'web') {
  const { stack } = newStack('errors');
  return { stack, job: new NomadJob(stack, id) };
}

describe('names follow Nomad and RFC 1123', () => {
  test.each(['', 'has space', 'nul\0'])('job name %j is refused', (name) => {
    const { stack } = newStack('errors');
    expect(() => new NomadJob(stack, 'web', { name })).toThrow(
      /errors\/web \(job .*\): invalid job name .*non-empty and hold no spaces or NUL/,
    );
  });

  test.each(['', 'nul\0'])('group name %j is refused', (name) => {
    const { job } = jobIn();
    expect(() => job.addGroup(name)).toThrow(/invalid group name .*non-empty and hold no NUL/);
  });

  test.each(['a/b', 'a\\b', ''])('task name %j is refused', (name) => {
    const { job } = jobIn();
    expect(() => job.addGroup('g').addTask(name, { driver: docker })).toThrow(
      /group "g" task .*: invalid task name .*no slashes/,
    );
  });

  test.each(['under_score', 'dot.name', '-leading', 'trailing-', 'x'.repeat(64)])(
    'service name %j is refused',
    (name) => {
      const { job } = jobIn();
      expect(() => job.addGroup('g', { services: [{ name }] })).toThrow(
        /invalid service name .*RFC 1123 label/,
      );
    },
  );

  test.each(['count-api', '${NOMAD_JOB_NAME}', '${NOMAD_JOB_NAME}-ssh', 'x'.repeat(63)])(
    'service name %j is accepted',
    (name) => {
      const { job } = jobIn();
      expect(() => job.addGroup('g', { services: [{ name }] })).not.toThrow();
    },
  );

  test('duplicate group names are refused', () => {
    const { job } = jobIn();
    job.addGroup('g');
    expect(() => job.addGroup('g')).toThrow(
      /invalid group name "g". Each group name must be unique/,
    );
  });

  test('duplicate task names are refused', () => {
    const { job } = jobIn();
    const group = job.addGroup('g');
    group.addTask('t', { driver: docker });
    expect(() => group.addTask('t', { driver: docker })).toThrow(/invalid task name "t"/);
  });
});

describe('network and resources', () => {
  test('duplicate port labels are refused', () => {
    const { job } = jobIn();
    expect(() =>
      job.addGroup('g', {
        network: { ports: [{ label: 'http' }, { label: 'http', static: 8080 }] },
      }),
    ).toThrow(/invalid port label "http". Each port label must be unique/);
  });

  test.each([0, 65536, -1, 1.5])('static port %p is refused', (port) => {
    const { job } = jobIn();
    expect(() =>
      job.addGroup('g', { network: { ports: [{ label: 'http', static: port }] } }),
    ).toThrow(
      new RegExp(
        `invalid port "http" static ${port}. A port number must be an integer from 1 to 65535`,
      ),
    );
  });

  test('negative count is refused', () => {
    const { job } = jobIn();
    expect(() => job.addGroup('g', { count: -1 })).toThrow(/group "g": invalid count -1/);
  });

  test.each([0, -100])('cpu %p is refused', (cpuMhz) => {
    const { job } = jobIn();
    expect(() => job.addGroup('g').addTask('t', { driver: docker, resources: { cpuMhz } })).toThrow(
      /task "t": invalid resources.cpuMhz .*at least 1/,
    );
  });

  test.each([0, -1, 9])('memory %p is refused', (memoryMb) => {
    const { job } = jobIn();
    expect(() =>
      job.addGroup('g').addTask('t', { driver: docker, resources: { memoryMb } }),
    ).toThrow(/invalid resources.memoryMb .*at least 10/);
  });
});

describe('problems found when the stack is synthesized', () => {
  test('a service on a port label the network does not define', () => {
    // GIVEN a service on "http" in a group whose network only has "admin"
    const { stack, job } = jobIn();
    job.addGroup('g', {
      network: { ports: [{ label: 'admin' }] },
      services: [{ name: 'web', port: 'http' }],
      tasks: { t: { driver: docker } },
    });
    // THEN synthesis with validations names the service, the label and the fix
    expect(() => Testing.synth(stack, true)).toThrow(
      /service "web": invalid port "http". It is not a port of the group network \(labels: "admin"\)\. Add it/,
    );
  });

  test('a port label added later satisfies the check', () => {
    const { stack, job } = jobIn();
    const group = job.addGroup('g', {
      services: [{ name: 'web', port: 'http' }],
      tasks: { t: { driver: docker } },
    });
    group.addPort({ label: 'http' });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test.each([undefined, NetworkMode.HOST])('sidecar_service with network mode %p', (mode) => {
    const { stack, job } = jobIn();
    job.addGroup('g', {
      network: mode ? { mode } : undefined,
      services: [{ name: 'api', port: '9001', connect: { sidecarService: {} } }],
      tasks: { t: { driver: docker } },
    });
    expect(() => Testing.synth(stack, true)).toThrow(
      /service "api": invalid group network mode .* Consul Connect needs bridge networking\. Call setNetworkMode\(NetworkMode.BRIDGE\)/,
    );
  });

  test('a job without groups', () => {
    const { stack } = jobIn();
    expect(() => Testing.synth(stack, true)).toThrow(
      /invalid groups \[\]. The job has no task groups/,
    );
  });

  test('a volume_mount of a volume the group does not declare', () => {
    const { stack, job } = jobIn();
    job.addGroup('g', {
      tasks: { t: { driver: docker, volumeMounts: [{ volume: 'data', destination: '/data' }] } },
    });
    expect(() => Testing.synth(stack, true)).toThrow(
      /invalid volume_mount volume "data". The group does not declare it/,
    );
  });
});

describe('other stanzas', () => {
  test('Connect on a Nomad-native service is refused', () => {
    const { job } = jobIn();
    expect(() =>
      job.addGroup('g', {
        services: [{ name: 'a', provider: ServiceProvider.NOMAD, connect: { sidecarService: {} } }],
      }),
    ).toThrow(/Consul Connect needs ServiceProvider.CONSUL/);
  });

  test('a template with both data and source is refused', () => {
    const { job } = jobIn();
    const task = job.addGroup('g').addTask('t', { driver: docker });
    expect(() => task.addTemplate({ destination: 'local/x', data: 'a', source: '/b' })).toThrow(
      /exactly one of data .* and source/,
    );
  });

  test.each([0, 101, -101, 2.5])(
    'an affinity weight of %p is refused, as Nomad refuses it',
    (weight) => {
      const { job } = jobIn();
      expect(() =>
        job.addGroup('g', { affinities: [{ attribute: '${node.class}', value: 'x', weight }] }),
      ).toThrow(/invalid affinity weight .* from -100 to 100, other than 0/);
    },
  );

  test('a bad duration is refused', () => {
    const { job } = jobIn();
    expect(() => job.addGroup('g', { restart: { interval: '30 minutes' } })).toThrow(
      /invalid restart interval "30 minutes". Give a Go duration/,
    );
  });
});
