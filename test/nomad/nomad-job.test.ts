import { Mount } from '@cdktf/provider-vault/lib/mount';
import { TerraformOutput, Testing } from 'cdktf';
import { CheckType, NomadJob, ServiceProvider, TaskDriver } from '../../lib';
import { unescapedTemplateSequences } from '../hcl/terraform-scan';
import { jobspecs, newStack, parseJob, rawJobspecs, synthJson } from '../helpers';

const docker = TaskDriver.docker({ image: 'nginx:1.27' });

describe('NomadJob', () => {
  test('wraps one nomad_job with safe defaults', () => {
    // GIVEN
    const { stack } = newStack();
    const job = new NomadJob(stack, 'web');
    job.addGroup('g').addTask('t', { driver: docker });

    // WHEN
    const synthesized = Testing.synth(stack, true);

    // THEN purge_on_destroy is off and the L1 child is the default child
    expect(synthesized).toHaveResourceWithProperties(
      { tfResourceType: 'nomad_job' },
      { purge_on_destroy: false },
    );
    expect(job.node.defaultChild).toBe(job.resource);
    expect(job.resource.node.id).toBe('Resource');
  });

  test('passes the lifecycle props through', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'batch', {
      purgeOnDestroy: true,
      detach: false,
      deregisterOnIdChange: false,
      deregisterOnDestroy: false,
      rerunIfDead: true,
    });
    job.addGroup('g').addTask('t', { driver: docker });
    expect(Testing.synth(stack, true)).toHaveResourceWithProperties(
      { tfResourceType: 'nomad_job' },
      {
        purge_on_destroy: true,
        detach: false,
        deregister_on_id_change: false,
        deregister_on_destroy: false,
        rerun_if_dead: true,
      },
    );
  });

  test('groups, tasks and services added after construction are rendered', async () => {
    // GIVEN a job whose contents are all added later
    const { stack } = newStack();
    const job = new NomadJob(stack, 'late', { name: 'late-job' });
    const group = job.addGroup('g', { network: { ports: [{ label: 'http', to: 8080 }] } });
    const task = group.addTask('t', { driver: docker });
    task.addEnv('LATE', 'yes');
    group.addService({ name: 'late', port: 'http', provider: ServiceProvider.NOMAD });

    // WHEN
    const { name, body } = await parseJob(Object.values(jobspecs(stack))[0]);

    // THEN
    expect(name).toBe('late-job');
    expect(body.group.g[0].service[0]).toEqual({
      name: 'late',
      port: 'http',
      provider: ServiceProvider.NOMAD,
    });
    expect(body.group.g[0].task.t[0].env).toEqual([{ LATE: 'yes' }]);
  });

  test('exposes the job id as a reference to the resource', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'web');
    job.addGroup('g').addTask('t', { driver: docker });
    new TerraformOutput(stack, 'job_id', { value: job.jobId });
    expect(synthJson(stack).output.job_id.value).toMatch(/^\$\{nomad_job\.web_[0-9A-F]+\.id\}$/);
    expect(job.jobName).toBe('web');
  });

  test('a reference inside a string stays live and arrives quoted for HCL', () => {
    // GIVEN an env value that embeds another resource's attribute
    const { stack } = newStack();
    const kv = new Mount(stack, 'kv', { path: 'kv', type: 'kv-v2' });
    const job = new NomadJob(stack, 'ref');
    job
      .addGroup('g')
      .addTask('t', { driver: docker, env: { MOUNT: `path=${kv.path}; literal=\${x}` } });

    // WHEN
    const raw = Object.values(rawJobspecs(stack))[0];

    // THEN the only template sequence Terraform evaluates is the reference, wrapped so its value
    // is escaped for an HCL string, and the literal ${x} is escaped twice
    expect(unescapedTemplateSequences(raw)).toEqual([
      expect.stringContaining('jsonencode(vault_mount.kv.path)'),
    ]);
    // (test-terraform/escaping.test.ts has Terraform evaluate such a wrapper on hostile values)
    expect(raw).toMatch(
      /MOUNT = "path=\$\{[^\n]*jsonencode\(vault_mount\.kv\.path\)[^\n]*\}; literal=\$\{"\$\$"\}\{x\}"/,
    );
  });

  test('the job renders deterministically', () => {
    const build = () => {
      const { stack } = newStack();
      const job = new NomadJob(stack, 'same', { meta: { b: '2', a: '1' } });
      job.addGroup('g').addTask('t', { driver: docker, env: { B: '2', A: '1' } });
      return synthJson(stack);
    };
    expect(build()).toEqual(build());
  });

  test('snapshot of a small job', () => {
    const { stack } = newStack();
    const job = new NomadJob(stack, 'snap', { datacenters: ['dc1'] });
    job.addGroup('g', { count: 2, network: { ports: [{ label: 'http', to: 80 }] } }).addTask('t', {
      driver: docker,
      resources: { cpuMhz: 100, memoryMb: 128 },
      services: [
        {
          name: 'snap',
          port: 'http',
          provider: ServiceProvider.NOMAD,
          checks: [{ type: CheckType.HTTP, path: '/' }],
        },
      ],
    });
    expect(Testing.synth(stack, true)).toMatchSnapshot();
  });
});
