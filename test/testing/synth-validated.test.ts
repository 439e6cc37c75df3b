import { TerraformVariable, Testing } from 'cdktf';
import { NomadJob, ServiceProvider, TaskDriver } from '../../lib';
import { readableTerraform, synthValidated } from '../../lib/testing';
import { newStack } from '../helpers';

describe('synthValidated', () => {
  test('fails a stack that Testing.synth passes: a service on a port label that does not exist', () => {
    // GIVEN a service whose port label has a typo
    const { stack } = newStack();
    new NomadJob(stack, 'web')
      .addGroup('g', { network: { ports: [{ label: 'http' }] } })
      .addTask('t', {
        driver: TaskDriver.exec({ command: 'app' }),
        services: [{ name: 'web', port: 'htp', provider: ServiceProvider.NOMAD }],
      });
    // THEN cdktf's own helper synthesizes it without complaint
    expect(() => Testing.synth(stack)).not.toThrow();
    // AND the testing entry point refuses it, naming the construct and the label
    expect(() => synthValidated(stack)).toThrow(/test\/web \(job "web"\).*invalid port "htp"/);
  });

  test('shows references by address and documents as their readers see them', async () => {
    const { stack } = newStack();
    const image = new TerraformVariable(stack, 'image', { type: 'string' });
    new NomadJob(stack, 'web')
      .addGroup('g', { network: { ports: [{ label: 'http' }] } })
      .addTask('t', {
        driver: TaskDriver.docker({ image: image.stringValue }),
        env: { PORT: '${NOMAD_PORT_http}' },
      });
    const result = synthValidated(stack);
    const spec = Object.values(result.jobspecs)[0];
    expect(spec).toContain('image = "${var.image}"');
    expect(spec).toContain('PORT = "$${NOMAD_PORT_http}"');
    expect(result.readable).not.toContain('jsonencode');
    const jobs = await result.parseJobs();
    expect(jobs.web.group.g[0].task.t[0].env[0].PORT).toBe('${NOMAD_PORT_http}');
  });

  test('readableTerraform keeps plain references and undoes Terraform escapes', () => {
    expect(readableTerraform('a $${b} ${var.c} %%{d}')).toBe('a ${b} ${var.c} %{d}');
  });
});
