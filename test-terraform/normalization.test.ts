import { App, Lazy, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { Job, TaskDriver } from '../lib';
import { terraformString } from '../lib/core/terraform-string';
import { toNfc } from '../lib/core/unicode';
import {
  CHANGED_BY_GO,
  KEPT_BY_GO,
  VERSION_DEPENDENT,
  normalizationText,
  points,
} from '../test/unicode-text';
import { plannedOutputs, validateJobspecs } from './support';

/**
 * The library refuses text whose Unicode normalization the Go tools would change, and keeps the
 * rest as written. Here the real readers judge: Terraform plans each text (as a provider
 * attribute and inside a jobspec) and Nomad's jobspec parser reads the planned jobspec. Text the
 * library accepts must come back as the library wrote it; text it refuses, written by hand
 * into the same places, must come back changed, unless its outcome depends on the version of
 * the Unicode tables (see VERSION_DEPENDENT).
 */
const SAMPLED = Number(process.env.PROPERTY_RUNS_TF ?? 40) * 5;
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);

interface Case {
  readonly text: string;
  /** What the library writes, or undefined when it refuses the text. */
  readonly written: string | undefined;
}

describe('Unicode normalization as Terraform and Nomad perform it', () => {
  const texts = [
    ...CHANGED_BY_GO.map(([, text]) => text),
    ...KEPT_BY_GO.map(([, text]) => text),
    ...fc.sample(normalizationText(), { numRuns: SAMPLED, seed: SEED }),
  ];
  const cases: Case[] = texts.map((text) => {
    try {
      return { text, written: toNfc(text) };
    } catch {
      return { text, written: undefined };
    }
  });
  const stack = new TerraformStack(Testing.app() as App, 'normalization');
  cases.forEach((c, i) => {
    if (c.written !== undefined) {
      // through the library: an attribute and a jobspec
      const job = new Job(`job${i}`, { meta: { k: c.text } });
      job.addGroup('g').addTask('t', { driver: TaskDriver.rawExec({ command: '/bin/true' }) });
      new TerraformOutput(stack, `attribute_${i}`, { value: terraformString(c.text) });
      new TerraformOutput(stack, `job_${i}`, {
        value: Lazy.stringValue({ produce: () => job.render() }),
      });
    } else {
      // by hand (the texts hold no quote, backslash, `$` or `%`): what the library refused
      const nfc = c.text.normalize('NFC');
      new TerraformOutput(stack, `attribute_${i}`, { value: nfc });
      new TerraformOutput(stack, `job_${i}`, {
        value: `job "job${i}" {\n  meta {\n    k = "${nfc}"\n  }\n  group "g" {\n    task "t" {\n      driver = "raw_exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n}\n`,
      });
    }
  });

  let planned: Record<string, string>;
  let meta: Record<string, string | undefined>;
  beforeAll(() => {
    planned = plannedOutputs(stack, 'normalization');
    const verdicts = validateJobspecs(
      Object.fromEntries(cases.map((_, i) => [`job_${i}`, planned[`job_${i}`]])),
    );
    meta = Object.fromEntries(cases.map((_, i) => [i, verdicts[`job_${i}`]?.job?.Meta?.k]));
  });

  test('the cases include texts the library refuses and texts it keeps, all read by Nomad', () => {
    const refused = cases.filter((c) => c.written === undefined).length;
    expect(refused).toBeGreaterThanOrEqual(CHANGED_BY_GO.length);
    expect(cases.length - refused).toBeGreaterThanOrEqual(KEPT_BY_GO.length);
    const unread = cases.flatMap((_, i) => (typeof meta[i] === 'string' ? [] : [i]));
    expect(unread).toEqual([]);
    if (process.env.PROPERTY_DEBUG) console.log({ cases: cases.length, refused });
  });

  test('what the library writes, Terraform plans and Nomad reads exactly', () => {
    const mismatches = cases.flatMap((c, i) => {
      if (c.written === undefined) return [];
      const got = { attribute: points(planned[`attribute_${i}`]), meta: points(meta[i] ?? '') };
      const want = { attribute: points(c.written), meta: points(c.written) };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ case: i, got, want }];
    });
    expect(mismatches).toEqual([]);
  });

  test('what the library refuses, Terraform or Nomad would change', () => {
    const unexplained = cases.flatMap((c, i) => {
      if (c.written !== undefined) return [];
      const nfc = c.text.normalize('NFC');
      const changed = planned[`attribute_${i}`] !== nfc || meta[i] !== nfc;
      const versionDependent = VERSION_DEPENDENT.test(nfc.normalize('NFD'));
      return changed || versionDependent ? [] : [{ case: i, text: points(nfc) }];
    });
    expect(unexplained).toEqual([]);
    if (process.env.PROPERTY_DEBUG) {
      const kept = cases.filter((c, i) => {
        const nfc = c.text.normalize('NFC');
        return c.written === undefined && planned[`attribute_${i}`] === nfc && meta[i] === nfc;
      });
      console.log({ refusedButKeptByTheseTools: kept.length });
    }
    // AND each of the named examples is changed by the real tools, not only by the model
    CHANGED_BY_GO.forEach(([name, text], i) => {
      const nfc = text.normalize('NFC');
      expect({ name, changed: planned[`attribute_${i}`] !== nfc || meta[i] !== nfc }).toEqual({
        name,
        changed: true,
      });
    });
  });
});
