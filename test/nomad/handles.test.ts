import { Testing } from 'cdktf';
import {
  NetworkMode,
  NomadJob,
  NomadNamespace,
  TaskDriver,
  VaultNomadIntegration,
} from '../../lib';
import { newStack, parseJob, onlyJobspec, synthJson } from '../helpers';

const exec = TaskDriver.exec({ command: '/bin/app' });

function integration() {
  const { stack } = newStack();
  const vault = new VaultNomadIntegration(stack, 'Vault', {
    vaultAddress: 'https://vault.example:8200',
    nomadAddress: 'https://nomad.example:4646',
  });
  return { stack, vault };
}

describe('grants take the task, which knows its job', () => {
  test('the role is bound to the task’s own job, namespace and task', () => {
    const { stack, vault } = integration();
    const jobA = new NomadJob(stack, 'a', { namespace: 'apps' });
    new NomadJob(stack, 'b').addGroup('g').addTask('t', { driver: exec });
    const task = jobA.addGroup('g').addTask('t', { driver: exec });
    vault.grantSecrets(task, { extraPaths: ['shared/db'] });
    const role = Object.values<{ bound_claims?: Record<string, string> }>(
      synthJson(stack).resource.vault_jwt_auth_backend_role,
    ).find((r) => r.bound_claims);
    expect(role?.bound_claims).toEqual({
      nomad_namespace: 'apps',
      nomad_job_id: 'a',
      nomad_task: 't',
    });
  });

  test('a job given where the task belongs is refused with what to pass instead', () => {
    const { stack, vault } = integration();
    const job = new NomadJob(stack, 'b');
    // a JavaScript caller using the old (job, task) order
    const grant = vault.grantSecrets as unknown as (job: NomadJob) => string[];
    expect(() => grant.call(vault, job)).toThrow(
      /invalid grantSecrets task "a NomadJob". Give the task itself/,
    );
  });

  test('a second grant on one task adds its paths to the first', async () => {
    const { stack, vault } = integration();
    const task = new NomadJob(stack, 'web').addGroup('g').addTask('t', { driver: exec });
    vault.grantSecrets(task, { extraPaths: ['shared/db'] });
    vault.grantSecrets(task, { extraPaths: ['shared/db', 'shared/cache'] });
    const json = synthJson(stack);
    const grantPolicies = Object.values<{ name: string; policy: string }>(
      json.resource.vault_policy,
    ).filter((p) => p.name !== 'nomad-workloads');
    expect(grantPolicies).toHaveLength(1);
    expect(grantPolicies[0].policy.match(/path "[^"]+"/g)).toEqual([
      'path "secret/data/shared/db"',
      'path "secret/data/shared/cache"',
    ]);
    expect(Object.keys(json.resource.vault_jwt_auth_backend_role)).toHaveLength(2);
  });

  test('names that used to collide (count-dash + api, count + dash-api) stay apart', () => {
    const { stack, vault } = integration();
    const a = new NomadJob(stack, 'a', { name: 'count-dash' })
      .addGroup('g')
      .addTask('api', { driver: exec });
    const b = new NomadJob(stack, 'b', { name: 'count' })
      .addGroup('g')
      .addTask('dash-api', { driver: exec });
    vault.grantSecrets(a, { extraPaths: ['x'] });
    vault.grantSecrets(b, { extraPaths: ['y'] });
    const json = synthJson(stack);
    const names = Object.values<{ name: string }>(json.resource.vault_policy).map((p) => p.name);
    expect(new Set(names).size).toBe(3);
  });

  test.each([
    ['secret/data/shared/db', /Drop the "secret\/data\/" prefix: give "shared\/db"/],
    ['data/shared/db', /Drop the "data\/" prefix: give "shared\/db"/],
  ])('extraPaths %p is refused, saying what it is relative to', (path, message) => {
    const { stack, vault } = integration();
    const task = new NomadJob(stack, 'web').addGroup('g').addTask('t', { driver: exec });
    expect(() => vault.grantSecrets(task, { extraPaths: [path] })).toThrow(
      /extraPaths are KV v2 paths relative to "secret\/data\/"/,
    );
    expect(() => vault.grantSecrets(task, { extraPaths: [path] })).toThrow(message);
  });
});

describe('models reachable by name', () => {
  test('tasks declared in props are reachable with group.task(name)', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'job', {
      groups: { web: { tasks: { app: { driver: exec }, log: { driver: exec } } } },
    });
    expect(job.group('web').task('log').name).toBe('log');
    expect(job.group('web').task('app').job).toBe(job.spec);
    expect(() => job.group('web').task('nope')).toThrow(
      /invalid task "nope". The group has no such task; its tasks are: "app", "log"/,
    );
    expect(() => job.group('api')).toThrow(/its groups are: "web"/);
  });

  test('services take tags and upstreams after construction; the network mode can change', async () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'job');
    const group = job.addGroup('g', { tasks: { app: { driver: exec } } });
    const service = group.addService({ name: 'web', port: '8080' });
    service.addTag('v1');
    service.enableConnectSidecar();
    service.addUpstream({ destinationName: 'db', localBindPort: 5432 });
    group.setNetworkMode(NetworkMode.BRIDGE);
    group.addAffinity({ attribute: '${node.class}', value: 'fast', weight: 50 });
    const { body } = await parseJob(onlyJobspec(stack));
    const g = body.group.g[0];
    expect(g.network[0].mode).toBe('bridge');
    expect(g.affinity[0]).toMatchObject({ value: 'fast', weight: 50 });
    expect(g.service[0].tags).toEqual(['v1']);
    expect(g.service[0].connect[0].sidecar_service[0].proxy[0].upstreams).toEqual([
      { destination_name: 'db', local_bind_port: 5432 },
    ]);
  });

  test('an upstream on a port another upstream of the group uses is refused', () => {
    const { stack } = newStack();
    const group = new NomadJob(stack, 'job').addGroup('g', {
      network: { mode: NetworkMode.BRIDGE },
    });
    group
      .addService({ name: 'a', port: '1', connect: { sidecarService: {} } })
      .addUpstream({ destinationName: 'x', localBindPort: 9000 });
    const b = group.addService({ name: 'b', port: '2', connect: { sidecarService: {} } });
    expect(() => b.addUpstream({ destinationName: 'y', localBindPort: 9000 })).toThrow(
      /invalid upstream localBindPort 9000. The group's upstream "x" of service "a" already listens there/,
    );
  });
});

describe('namespaces', () => {
  test('a job in a namespace the stack declares depends on it, whichever comes first', () => {
    const { stack } = newStack();
    const before = new NomadJob(stack, 'before', { namespace: 'apps' });
    before.addGroup('g').addTask('t', { driver: exec });
    new NomadNamespace(stack, 'Apps', { name: 'apps' });
    const after = new NomadJob(stack, 'after', { namespace: 'apps' });
    after.addGroup('g').addTask('t', { driver: exec });
    const jobs = synthJson(stack).resource.nomad_job;
    for (const job of Object.values<{ depends_on?: string[] }>(jobs)) {
      expect(job.depends_on).toEqual([expect.stringMatching(/^nomad_namespace\.Apps_/)]);
    }
    expect(before.node.metadata).toEqual([]);
  });

  test('a job in a namespace nobody declares gets a warning that says how to fix it', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'vm', { namespace: 'experimental' });
    job.addGroup('g').addTask('t', { driver: exec });
    Testing.synth(stack);
    expect(job.node.metadata.map((m) => String(m.data))).toEqual([
      expect.stringMatching(
        /namespace "experimental", which no NomadNamespace of this stack declares.*new NomadNamespace\(stack, 'Namespace', \{ name: "experimental" \}\)/,
      ),
    ]);
  });

  test('a namespace declared twice is refused', () => {
    const { stack } = newStack();
    new NomadNamespace(stack, 'A', { name: 'apps' });
    expect(() => new NomadNamespace(stack, 'B', { name: 'apps' })).toThrow(
      /test\/A already declares this namespace/,
    );
  });
});

describe('mesh wiring mistakes are caught at synthesis', () => {
  test('an env var naming an upstream the group lacks lists the upstreams it has', () => {
    const { stack } = newStack();
    const group = new NomadJob(stack, 'job').addGroup('g', {
      network: { mode: NetworkMode.BRIDGE },
    });
    group
      .addService({ name: 'web', port: '8080', connect: { sidecarService: {} } })
      .addUpstream({ destinationName: 'count-api', localBindPort: 8080 + 1 });
    group.addTask('t', { driver: exec, env: { API: 'http://${NOMAD_UPSTREAM_ADDR_count_apii}' } });
    expect(() => Testing.synth(stack, true)).toThrow(
      /invalid runtime variable "\$\{NOMAD_UPSTREAM_ADDR_count_apii\}". The group has no upstream "count_apii"; its upstreams are: "count-api"/,
    );
  });

  test('the dashed and underscored forms of an upstream both resolve', () => {
    const { stack } = newStack();
    const group = new NomadJob(stack, 'job').addGroup('g', {
      network: { mode: NetworkMode.BRIDGE },
    });
    group
      .addService({ name: 'web', port: '8080', connect: { sidecarService: {} } })
      .addUpstream({ destinationName: 'count-api', localBindPort: 9001 });
    group.addTask('t', {
      driver: exec,
      env: { A: '${NOMAD_UPSTREAM_ADDR_count_api}', B: '${NOMAD_UPSTREAM_PORT_count-api}' },
    });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('a port variable naming a label the network lacks lists the labels', () => {
    const { stack } = newStack();
    new NomadJob(stack, 'job')
      .addGroup('g', { network: { ports: [{ label: 'http' }] } })
      .addTask('t', {
        driver: TaskDriver.exec({ command: 'app', args: ['--port=${NOMAD_PORT_htp}'] }),
      });
    expect(() => Testing.synth(stack, true)).toThrow(
      /invalid runtime variable "\$\{NOMAD_PORT_htp\}". The group network has no port "htp"; its port labels are: "http"/,
    );
  });
});
