import { Aspects, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';
import { Capability, NetworkMode, NomadJob, TaskDriver, VaultPolicy } from '../../lib';
import { newStack, onlyJobspec, parseJob, synthJson } from '../helpers';

const docker = TaskDriver.docker({ image: 'nginx:1.27' });

/** Counts how often a job's model is rendered to text. */
function countRenders(job: NomadJob): () => number {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const spy = jest.spyOn(job.spec as any, 'renderText');
  return () => spy.mock.calls.length;
}

describe('rendering once per change of the model', () => {
  test('an unchanged job is rendered once however often cdktf resolves it', () => {
    // GIVEN a job
    const { stack } = newStack();
    const job = new NomadJob(stack, 'web');
    job.addGroup('g').addTask('t', { driver: docker });
    const renders = countRenders(job);

    // WHEN the stack is synthesized twice (each synthesis resolves every attribute twice)
    const first = onlyJobspec(stack);
    const second = onlyJobspec(stack);

    // THEN the text is the same and the model was rendered once
    expect(second).toBe(first);
    expect(renders()).toBe(1);
  });

  test('a change between two syntheses is in the second', async () => {
    // GIVEN a synthesized job
    const { stack } = newStack();
    const job = new NomadJob(stack, 'web');
    const group = job.addGroup('g');
    group.addTask('t', { driver: docker });
    const service = group.addService({ name: 'web', port: '8080' });
    onlyJobspec(stack);

    // WHEN a tag and a port are added afterwards
    service.addTag('late-tag');
    group.addPort({ label: 'admin', to: 9000 });

    // THEN the next synthesis has both
    const { body } = await parseJob(onlyJobspec(stack));
    expect(body.group.g[0].service[0].tags).toEqual(['late-tag']);
    expect(body.group.g[0].network[0].port.admin[0].to).toBe(9000);
  });

  test('an Aspect that changes the model during synthesis is reflected in the output', async () => {
    // GIVEN a job, synthesized once without the Aspect (so its jobspec was rendered)
    const { stack } = newStack();
    const job = new NomadJob(stack, 'web');
    const group = job.addGroup('g');
    group.addTask('t', { driver: docker });
    group.addService({ name: 'web', port: '8080' });
    onlyJobspec(stack);

    // AND an Aspect that changes the network mode and tags every service
    const tagger: IAspect = {
      visit(node: IConstruct) {
        if (!(node instanceof NomadJob)) return;
        for (const g of node.spec.groups) {
          g.setNetworkMode(NetworkMode.BRIDGE);
          for (const s of g.allServices) s.addTag('tagged-by-aspect');
        }
      },
    };
    Aspects.of(stack).add(tagger);

    // WHEN the stack is synthesized
    const { body } = await parseJob(onlyJobspec(stack));

    // THEN the jobspec is the one after the Aspect
    expect(body.group.g[0].network[0].mode).toBe('bridge');
    expect(body.group.g[0].service[0].tags).toEqual(['tagged-by-aspect']);
  });

  test('a policy gains the rules added after a first synthesis', () => {
    // GIVEN a synthesized policy
    const { stack } = newStack();
    const policy = new VaultPolicy(stack, 'p', { name: 'reader' });
    policy.addRule({ path: 'secret/data/a', capabilities: [Capability.READ] });
    synthJson(stack);

    // WHEN a rule is added
    policy.addRule({ path: 'secret/data/b', capabilities: [Capability.READ] });

    // THEN the next synthesis has both rules
    const text = Object.values(
      synthJson(stack).resource.vault_policy as Record<string, { policy: string }>,
    )[0].policy;
    expect(text).toContain('path "secret/data/a"');
    expect(text).toContain('path "secret/data/b"');
  });
});

describe('a big job', () => {
  test('a job of 10,000 groups renders and synthesizes', () => {
    // GIVEN a job with 10,000 groups, each with a service, a port and an upstream
    const { stack } = newStack();
    const job = new NomadJob(stack, 'big');
    const groups = 10_000;
    for (let i = 0; i < groups; i++) {
      const group = job.addGroup(`g${i}`, { network: { mode: NetworkMode.BRIDGE } });
      group.addPort({ label: 'http', to: 8080 });
      group.addTask('t', { driver: docker, env: { INDEX: String(i) } });
      group.addService({
        name: `svc-${i}`,
        port: '8080',
        connect: {
          sidecarService: {
            proxy: { upstreams: [{ destinationName: 'db', localBindPort: 5432 }] },
          },
        },
      });
    }

    // WHEN the stack is synthesized
    const jobspec = onlyJobspec(stack);

    // THEN every group is there, in order, once
    const heads = jobspec.match(/^ {2}group "g\d+" \{$/gm) ?? [];
    expect(heads).toHaveLength(groups);
    expect(heads[0]).toBe('  group "g0" {');
    expect(heads[groups - 1]).toBe(`  group "g${groups - 1}" {`);
    expect(jobspec.split('\n').length).toBeGreaterThan(250_000);
  });

  test('a second group of the same name is refused at once, also in a big job', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'big');
    for (let i = 0; i < 5_000; i++) job.addGroup(`g${i}`);
    expect(() => job.addGroup('g4999')).toThrow(/g4999/);
  });
});
