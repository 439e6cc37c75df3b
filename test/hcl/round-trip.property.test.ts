import { Testing } from 'cdktf';
import fc from 'fast-check';
import { unescapeTerraform } from '../../lib/core/terraform-string';
import { ConfigError, NomadJob, ServiceProvider, TaskDriver } from '../../lib';
import { literalKeys, literalStrings, newStack, parseHcl } from '../helpers';
import { HOSTILE_PIECES } from '../hostile-pieces';
import { refusableForNormalization } from '../unicode-text';
import { unescapedTemplateSequences } from './terraform-scan';

const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...HOSTILE_PIECES, '\u0000'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    {
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));

const jobName = hostileText.filter((s) => s.length > 0 && !/[ \0]/.test(s));
const groupName = hostileText.filter((s) => s.length > 0 && !s.includes('\0'));
const taskName = hostileText.filter((s) => s.length > 0 && !/[/\\\0]/.test(s));

const NFC = (s: string) => s.normalize('NFC');
/** Cases per run: quick by default; .ci/run sets PROPERTY_RUNS for the full count. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

describe('jobspec text survives HCL and Terraform escaping', () => {
  // GIVEN one stack whose job is replaced on every run (building a new app each time would
  // make 10,000 runs too slow for the test budget)
  const { stack } = newStack();

  test('any string in names, env, meta, tags, args and template data comes back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          job: jobName,
          group: groupName,
          task: taskName,
          envKey: hostileText.filter((s) => s.length > 0 && !s.includes('\0')),
          envValue: hostileText,
          metaKey: hostileText.filter((s) => s.length > 0),
          metaValue: hostileText,
          tags: fc.array(hostileText, { maxLength: 3 }),
          arg: hostileText,
          data: hostileText,
        }),
        async (v) => {
          // WHEN the strings go into a job and the stack is synthesized
          stack.node.tryRemoveChild('job');
          const job = new NomadJob(stack, 'job', {
            name: v.job,
            meta: { [v.metaKey]: v.metaValue },
          });
          const group = job.addGroup(v.group, { network: { ports: [{ label: 'http' }] } });
          group.addTask(v.task, {
            driver: TaskDriver.docker({ image: 'nginx', args: [v.arg] }),
            env: { [v.envKey]: v.envValue },
            templates: [
              { data: v.data, destination: 'local/a' },
              { data: v.data + '\n', destination: 'local/b' },
            ],
            services: [
              { name: 'web', port: 'http', tags: v.tags, provider: ServiceProvider.NOMAD },
            ],
          });
          let synthesized;
          try {
            synthesized = JSON.parse(Testing.synth(stack));
          } catch (e) {
            // THEN text that Go's Unicode normalization would not keep is refused, and only that
            expect(e).toBeInstanceOf(ConfigError);
            expect((e as Error).message).toMatch(
              /test\/job jobspec: Unicode normalization: invalid text/,
            );
            const texts = [v.job, v.group, v.task, v.envKey, v.envValue, v.metaKey, v.metaValue];
            texts.push(...v.tags, v.arg, v.data);
            const refusable = await Promise.all(texts.map(refusableForNormalization));
            expect(refusable).toContain(true);
            return;
          }
          const raw = Object.values<{ jobspec: string }>(synthesized.resource.nomad_job)[0].jobspec;

          // THEN Terraform sees no template sequence in it
          expect(unescapedTemplateSequences(raw)).toEqual([]);

          // AND HCL reads back exactly the strings that went in
          const parsed = literalStrings(await parseHcl(unescapeTerraform(raw)));
          const jobBody = parsed.job[NFC(v.job)][0];
          const meta = literalKeys(Array.isArray(jobBody.meta) ? jobBody.meta[0] : jobBody.meta);
          expect(meta).toEqual({ [NFC(v.metaKey)]: NFC(v.metaValue) });
          const task = jobBody.group[NFC(v.group)][0].task[NFC(v.task)][0];
          const env = literalKeys(Array.isArray(task.env) ? task.env[0] : task.env);
          expect(env).toEqual({ [NFC(v.envKey)]: NFC(v.envValue) });
          expect(task.config[0].args).toEqual([NFC(v.arg)]);
          expect(task.template.map((t: { data: string }) => t.data)).toEqual([
            NFC(v.data),
            NFC(v.data) + '\n',
          ]);
          expect(task.service[0].tags ?? []).toEqual(v.tags.map(NFC));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
