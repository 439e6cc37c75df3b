import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import fc from 'fast-check';
import { Job, TaskDriver } from '../lib';
import { literalKeys, parseHcl } from '../test/helpers';
import { terraform } from './support';

const FIXED = [
  '${NOMAD_PORT_http}',
  '$${x}',
  '%{ if true }y%{ endif }',
  '%%{',
  'quote " and \\ backslash',
  'line\nbreak\ttab\r',
  '}{',
  '$',
  '%',
  'ends with $',
  'ends with %',
  '\u0000\u001f\u007f',
  'EOT\nEOT1\n',
  '`backtick`',
  'é e\u0301 😀',
  '<>&',
  '\\u0024{x}',
  'a${b}c%{d}e',
];

test('Terraform evaluates references inside a jobspec to correctly escaped HCL', async () => {
  // GIVEN variables with hostile defaults, each embedded in an env value between literal text
  const samples = [
    ...FIXED,
    ...fc.sample(fc.string({ unit: 'binary', maxLength: 12 }), { numRuns: 200, seed: 42 }),
  ];
  const stack = new TerraformStack(Testing.app() as App, 'escaping');
  const job = new Job('escaping');
  const env: Record<string, string> = {};
  samples.forEach((value, i) => {
    const v = new TerraformVariable(stack, `v${i}`, { type: 'string', default: value });
    env[`V${i}`] = `<${v.stringValue}|$\{NOMAD_TASK_NAME}>`;
  });
  job.addGroup('g').addTask('t', { driver: TaskDriver.docker({ image: 'x' }), env });
  new TerraformOutput(stack, 'jobspec', {
    value: Lazy.stringValue({ produce: () => job.render() }),
  });

  // WHEN Terraform plans it (no provider is involved) and prints the evaluated output
  const dir = mkdtempSync(join(tmpdir(), 'tf-escaping-'));
  writeFileSync(join(dir, 'cdk.tf.json'), Testing.synth(stack));
  for (const args of [
    ['init', '-input=false'],
    ['plan', '-input=false', '-out=plan'],
  ]) {
    const run = terraform(dir, args);
    expect({ args, status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({
      args,
      status: 0,
      output: '',
    });
  }
  const show = terraform(dir, ['show', '-json', 'plan']);
  const jobspec: string = JSON.parse(show.output.trim().split('\n')[0]).planned_values.outputs
    .jobspec.value;

  // THEN HCL reads back each value exactly, the literal text around it too
  const parsed = await parseHcl(jobspec);
  const task = parsed.job.escaping[0].group.g[0].task.t[0];
  const envBack = literalKeys(Array.isArray(task.env) ? task.env[0] : task.env);
  samples.forEach((value, i) => {
    const back = String(envBack[`V${i}`])
      .replace(/\$\$\{/g, '${')
      .replace(/%%\{/g, '%{');
    // HCL normalizes string literals to NFC, values of references included.
    expect(back).toBe(`<${value}|\${NOMAD_TASK_NAME}>`.normalize('NFC'));
  });
});
