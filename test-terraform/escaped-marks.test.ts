import {
  App,
  Fn,
  Lazy,
  TerraformLocal,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
  Testing,
} from 'cdktf';
import {
  Capability,
  ConsulAgentConfig,
  Job,
  NomadAgentConfig,
  PolicyDocument,
  TaskDriver,
} from '../lib';
import { jsonDocument } from '../lib/core/json-document';
import { terraformString } from '../lib/core/terraform-string';
import { renderTemplateSafeYaml } from '../lib/traefik/template-safe-yaml';
import { readConsulAgentConfigs, readNomadAgentConfigs, readVaultPolicies } from './readers';
import { plannedOutputs, validateJobspecs } from './support';
import { points } from '../test/unicode-text';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * A combining mark right after a character that a document writes as an escape. Terraform
 * normalizes the whole text of each document it plans to NFC, so a mark written raw after an
 * escape would compose with the escape's last letter (`\n` and U+0303 become `\ñ`) and every
 * reader would refuse the document. Each text here goes, as a literal, into each kind of
 * document the library renders; real Terraform plans them and each document's own reader
 * reads them: Nomad's jobspec parser (HCL2), Vault's policy parser, Nomad's and Consul's agent
 * loaders (HCL v1), and Terraform's own `jsondecode` and `yamldecode` (Go's JSON reader, and
 * the YAML reader Traefik's shares its escapes with).
 */

/** Characters each document writes as an escape ending in a letter (or a quote, a backslash). */
const ESCAPED: readonly [string, string][] = [
  ['line feed', '\n'],
  ['carriage return', '\r'],
  ['tab', '\t'],
  ['backspace', '\b'],
  ['form feed', '\f'],
  ['U+000B', '\u000b'],
  ['U+001B', '\u001b'],
  ['U+001F', '\u001f'],
  ['DEL', '\u007f'],
  ['quote', '"'],
  ['backslash', '\\'],
  ['opening brace', '{'],
  ['closing brace', '}'],
  ['byte-order mark', '\ufeff'],
];

/** Characters that compose with the letter before them (at least one of those above). */
const MARKS: readonly string[] = [
  '\u0301', // acute: ń ŕ ć é
  '\u0303', // tilde: ñ ẽ
  '\u0307', // dot above: ṅ ṙ ṫ ḃ ċ ḋ ė ḟ
  '\u0323', // dot below: ṇ ṛ ṭ ḅ ḍ ẹ
  '\u0327', // cedilla: ņ ŗ ţ ç ḑ ȩ
  '\u0308', // diaeresis: ẗ ë
  '\u0bbe', // a vowel sign of class 0 that composes
  '\u1161', // a Hangul vowel
  '\u{1d167}', // a mark above U+FFFF
  '\u{110ba}', // a mark above U+FFFF that composes
];

const TEXTS = ESCAPED.flatMap(([, before]) => MARKS.map((mark) => `a${before}${mark}z`));
const NFC = (s: string) => s.normalize('NFC');
const pointsOf = (s: unknown) => (typeof s === 'string' ? points(s) : s);

describe('a combining mark after an escape survives Terraform and every reader', () => {
  const stack = new TerraformStack(Testing.app() as App, 'marks');
  TEXTS.forEach((text, i) => {
    const job = new Job(`job${i}`, { meta: { [`m${text}`]: text } });
    job.addGroup('g').addTask('t', {
      driver: TaskDriver.rawExec({ command: '/bin/true', args: [text] }),
      env: { E: text },
    });
    const policy = new PolicyDocument([
      { path: `p/${text}`, capabilities: [Capability.READ], allowedParameters: { q: [text] } },
    ]);
    const nomad = new NomadAgentConfig({ datacenter: text, client: { meta: { k: text } } });
    const consul = new ConsulAgentConfig({ datacenter: text, dataDir: text });
    const json = new TerraformLocal(stack, `jsonText_${i}`, jsonDocument({ Config: { text } }));
    const yaml = new TerraformLocal(
      stack,
      `yamlText_${i}`,
      terraformString(renderTemplateSafeYaml('Test', { text, list: [text] })),
    );
    const out = (name: string, produce: () => string) =>
      new TerraformOutput(stack, `${name}_${i}`, { value: Lazy.stringValue({ produce }) });
    out('job', () => job.render());
    out('policy', () => terraformString(policy.render()));
    out('nomad', () => nomad.toTerraformString());
    out('consul', () => consul.toTerraformString());
    new TerraformOutput(stack, `json_${i}`, { value: Fn.jsondecode(json.asString) });
    new TerraformOutput(stack, `yaml_${i}`, { value: Fn.yamldecode(yaml.asString) });
  });
  // A reference's value is escaped by Terraform's jsonencode when it plans; a mark after one of
  // its escapes is the known limit (see the README): the reader refuses the document.
  const reference = new TerraformVariable(stack, 'reference', {
    type: 'string',
    default: 'a\n\u0303z',
  });
  const referenced = new Job('referenced');
  referenced.addGroup('g').addTask('t', {
    driver: TaskDriver.rawExec({ command: '/bin/true' }),
    env: { E: reference.stringValue },
  });
  new TerraformOutput(stack, 'referenced', {
    value: Lazy.stringValue({ produce: () => terraformString(referenced.render()) }),
  });

  let planned: Record<string, any>;
  beforeAll(() => {
    planned = plannedOutputs(stack, 'marks');
  });

  /** The cases whose reading differs from the NFC form of the text, with both. */
  function mismatches(read: (i: number) => Record<string, unknown>): unknown[] {
    return TEXTS.flatMap((text, i) => {
      const got = read(i);
      const bad = Object.entries(got).filter(([, v]) => v !== NFC(text));
      return bad.map(([field, v]) => ({ text: points(text), field, got: pointsOf(v) }));
    });
  }

  test(`${TEXTS.length} jobspecs: Nomad's parser reads every text back`, () => {
    const verdicts = validateJobspecs(
      Object.fromEntries(TEXTS.map((_, i) => [`job_${i}`, planned[`job_${i}`]])),
    );
    const found = mismatches((i) => {
      const job = verdicts[`job_${i}`].job;
      const task = job?.TaskGroups?.[0]?.Tasks?.[0];
      const metaKey = Object.keys(job?.Meta ?? {})[0] ?? '';
      return {
        metaKey: metaKey.slice(1),
        metaValue: job?.Meta?.[metaKey],
        env: task?.Env?.E,
        arg: task?.Config?.args?.[0],
      };
    });
    expect(found).toEqual([]);
  });

  test(`${TEXTS.length} policies: Vault's parser reads every path and parameter back`, () => {
    const verdicts = readVaultPolicies(
      Object.fromEntries(TEXTS.map((_, i) => [`policy_${i}`, planned[`policy_${i}`]])),
    );
    const found = mismatches((i) => {
      const rule = verdicts[`policy_${i}`].paths[0];
      return { path: rule?.path.slice(2), parameter: rule?.allowed_parameters?.q?.[0] };
    });
    expect(found).toEqual([]);
  });

  test(`${TEXTS.length} agent configurations: Nomad's and Consul's loaders read them back`, () => {
    const nomad = readNomadAgentConfigs(
      Object.fromEntries(TEXTS.map((_, i) => [`nomad_${i}`, planned[`nomad_${i}`]])),
    );
    const consul = readConsulAgentConfigs(
      Object.fromEntries(TEXTS.map((_, i) => [`consul_${i}.hcl`, planned[`consul_${i}`]])),
    );
    const found = mismatches((i) => {
      const n = nomad[`nomad_${i}`].config;
      const c = consul[`consul_${i}.hcl`].config as any;
      return {
        nomadDatacenter: n?.datacenter,
        nomadMeta: n?.client.meta?.k,
        consulDatacenter: c?.datacenter,
        consulDataDir: c?.data_dir,
      };
    });
    expect(found).toEqual([]);
  });

  test(`${TEXTS.length} JSON and YAML documents: Go's readers decode every string back`, () => {
    const found = mismatches((i) => ({
      json: planned[`json_${i}`]?.Config?.text,
      yaml: planned[`yaml_${i}`]?.text,
      yamlList: planned[`yaml_${i}`]?.list?.[0],
    }));
    expect(found).toEqual([]);
  });

  test('the known limit: a reference whose value has the two side by side is refused by Nomad', () => {
    const verdict = validateJobspecs({ referenced: planned.referenced }).referenced;
    expect(verdict.ok).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(/Invalid escape sequence/);
  });
});
