import { JobType, NomadJob, TaskDriver } from '../lib';
import { newStack, rawJobspecs, withPlaceholders } from '../test/helpers';
import { exampleAndSeedJobspecs, nomadJobspecs } from './jobspec-sources';
import { validateJobspecs } from './support';

test("every example jobspec and every seed job passes Nomad's parser and validator", () => {
  // GIVEN the examples and the seed jobs built with the typed API
  const specs = exampleAndSeedJobspecs();
  expect(Object.keys(specs).length).toBeGreaterThanOrEqual(7);

  // WHEN Nomad v1.11's jobspec2 (strict) parses them and the job validator checks them
  const verdicts = validateJobspecs(specs);

  // THEN none is refused
  const refused = Object.values(verdicts).filter((v) => !v.ok);
  expect(refused).toEqual([]);
});

test("an invalid jobspec is refused with Nomad's own words", () => {
  // GIVEN a job whose rendered spec is replaced, through the escape hatch, by one with an
  // attribute Nomad does not know and a task without a driver
  const { stack } = newStack('broken');
  const job = new NomadJob(stack, 'broken');
  job.addGroup('g').addTask('t', { driver: TaskDriver.docker({ image: 'nginx' }) });
  job.resource.addOverride(
    'jobspec',
    'job "broken" {\n  group "g" {\n    task "t" {\n      drivr = "docker"\n    }\n  }\n}\n',
  );

  // WHEN validated
  const [verdict] = Object.values(validateJobspecs(nomadJobspecs(stack)));

  // THEN Nomad's strict parser names the misspelled attribute
  expect(verdict.ok).toBe(false);
  expect(verdict.errors.join('\n')).toMatch(/Unsupported argument.*"drivr"/s);
});

test("a semantically invalid job is refused by Nomad's validator", () => {
  // GIVEN a system job with count 3 (valid HCL; the model refuses it at synthesis, so the
  // check is skipped here to see that Nomad refuses it too)
  const { stack } = newStack('semantic');
  const job = new NomadJob(stack, 'sys', { type: JobType.SYSTEM });
  job.addGroup('g', { count: 3 }).addTask('t', { driver: TaskDriver.docker({ image: 'nginx' }) });
  const specs = Object.fromEntries(
    Object.entries(rawJobspecs(stack, false)).map(([k, v]) => [k, withPlaceholders(v).text]),
  );
  const [verdict] = Object.values(validateJobspecs(specs));
  expect(verdict.ok).toBe(false);
  expect(verdict.errors.join('\n')).toMatch(/count/i);
});
