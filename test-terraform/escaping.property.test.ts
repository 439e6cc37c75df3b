import { appendFileSync, writeFileSync } from 'fs';
import { App, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import fc from 'fast-check';
import {
  Capability,
  ConsulAgentConfig,
  Job,
  NomadAgentConfig,
  PolicyDocument,
  ServiceProvider,
  TaskDriver,
} from '../lib';
import { terraformString } from '../lib/core/terraform-string';
import { renderTemplateSafeYaml } from '../lib/traefik/template-safe-yaml';
import { joinsPrevious } from '../lib/core/unicode';
import {
  readConsulAgentConfigs,
  readNomadAgentConfigs,
  readTraefikYaml,
  readVaultPolicies,
} from './readers';
import { plannedOutputs, validateJobspecs } from './support';
import { HOSTILE_PIECES } from '../test/hostile-pieces';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Every string prop of the documents the library renders, hostile text included, given as a
 * literal, as a Terraform reference, or as two references side by side, goes through real
 * Terraform and then through the reader of each document: Nomad's jobspec parser, Vault's
 * policy parser, Nomad's and Consul's agent-configuration readers. Each must read back exactly
 * the text that went in (jobspecs: its NFC form, as HCL2 normalizes literals), and Terraform
 * must evaluate no text as an expression. PROPERTY_RUNS_TF sets the number of cases (.ci/run
 * runs the full count).
 */
const RUNS = Number(process.env.PROPERTY_RUNS_TF ?? 40);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261123);

/** Text of valid Unicode (a lone surrogate has no UTF-8 form any reader could get). */
const text = fc
  .array(
    fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'grapheme', maxLength: 5 })),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(''));

/**
 * How a field's text is given: literal; one whole reference; two references side by side; or
 * one reference embedded in literal text, at its start, in its middle or at its end (the value
 * being the part of the text the reference stands for).
 */
type Mode = 'literal' | 'reference' | 'adjacent' | 'start' | 'middle' | 'end';
const mode = fc.constantFrom<Mode>('literal', 'reference', 'adjacent', 'start', 'middle', 'end');

interface Case {
  readonly values: Record<string, string>;
  readonly modes: Record<string, Mode>;
}

const FIELDS = [
  'job',
  'group',
  'task',
  'envKey',
  'envValue',
  'metaKey',
  'metaValue',
  'tag',
  'arg',
  'data',
  'policyPath',
  'paramKey',
  'paramValue',
  'agentDatacenter',
  'agentDir',
  'agentMetaKey',
  'agentMetaValue',
  'agentInterface',
  'agentPool',
  'volumeName',
  'volumePath',
  'tlsFile',
  'consulToken',
  'consulName',
  'cDatacenter',
  'cDir',
  'cJoin',
  'cBind',
  'cVaultAddress',
  'cVaultToken',
  'cRootPath',
  'cTlsFile',
  'attribute',
  'yamlText',
];

/** Fields whose value must be known at synthesis (checked by the library): literals only. */
const LITERAL_ONLY = new Set([
  'job',
  'group',
  'task',
  'envKey',
  'metaKey',
  'agentMetaKey',
  'paramKey',
  'policyPath',
  'volumeName',
]);

function caseArbitrary(): fc.Arbitrary<Case> {
  const record: Record<string, fc.Arbitrary<string>> = {};
  const modes: Record<string, fc.Arbitrary<Mode>> = {};
  for (const f of FIELDS) {
    record[f] = text;
    modes[f] = LITERAL_ONLY.has(f) ? fc.constant<Mode>('literal') : mode;
  }
  return fc.record({ values: fc.record(record), modes: fc.record(modes) }).map((c) => {
    const values = fixUp(c.values);
    for (const f of FIELDS) {
      if (c.modes[f] !== 'literal') {
        values[f] = apartFromEscapes(values[f], f === 'yamlText' ? YAML_ESCAPED : undefined);
        // the known limit of Traefik YAML references: DEL and C1 controls (but NEL) stay raw,
        // and Traefik's reader refuses the file
        if (f === 'yamlText') values[f] = values[f].replace(/[\u007f-\u0084\u0086-\u009f]/g, '?');
      }
    }
    return { values, modes: c.modes };
  });
}

/**
 * The known limit of references (see the README): Terraform's `jsonencode` writes a control
 * character, `<` or `>` of a reference's value as an escape ending in a letter (and, for
 * Traefik YAML, `replace` writes `{`, `}` and NEL as `\u007b`, `\u007d`, `\u0085`), and a
 * combining mark right after it would be normalized into that letter. A space keeps them apart.
 */
// eslint-disable-next-line no-control-regex
function apartFromEscapes(value: string, escaped: RegExp = /^[\u0000-\u001f<>]$/): string {
  let out = '';
  let previous = '';
  for (const ch of value) {
    if (escaped.test(previous) && joinsPrevious(ch.codePointAt(0)!)) out += ' ';
    out += ch;
    previous = ch;
  }
  return out;
}

/** What the Traefik YAML writer's references escape besides `jsonencode`'s escapes. */
// eslint-disable-next-line no-control-regex
const YAML_ESCAPED = /^[\u0000-\u001f<>{}\u0085]$/;

/** Makes values legal where the upstream product restricts them (names, policy paths). */
function fixUp(v: Record<string, string>): Record<string, string> {
  const nonEmpty = (s: string, prefix: string) => `${prefix}${s}`;
  return {
    ...v,
    job: nonEmpty(v.job.replace(/[ \0]/g, '_'), 'j'),
    group: nonEmpty(v.group.replace(/\0/g, '_'), 'g'),
    task: nonEmpty(v.task.replace(/[/\\\0]/g, '_'), 't'),
    envKey: nonEmpty(v.envKey.replace(/\0/g, '_'), 'E'),
    metaKey: nonEmpty(v.metaKey, 'm'),
    agentMetaKey: nonEmpty(v.agentMetaKey, 'k'),
    // Vault: '*' only at the end, '+' a wildcard, '{{' identity templating, leading '/' dropped
    policyPath: `p/${v.policyPath.replace(/[*+]/g, '_').replace(/\{\{|\}\}/g, '__')}`,
    paramKey: nonEmpty(v.paramKey.replace(/\*/g, '_').toLowerCase(), 'q'),
    volumeName: nonEmpty(v.volumeName, 'v'),
  };
}

describe('hostile text survives real Terraform and every reader', () => {
  const cases = fc.sample(caseArbitrary(), { numRuns: RUNS, seed: SEED });
  const stack = new TerraformStack(Testing.app() as App, 'property');
  /**
   * Each field's text cut where literal text follows a reference (see {@link asPlanned}), by
   * case.
   */
  const partsOf = new WeakMap<Case, Record<string, string[]>>();
  const given = (i: number, field: string, c: Case): string => {
    const value = c.values[field];
    const [text, parts] = split(i, field, c.modes[field], value);
    const known = partsOf.get(c) ?? {};
    partsOf.set(c, { ...known, [field]: parts });
    return text;
  };
  /** The text for a field in its mode, and its runs between literal-after-reference cuts. */
  const split = (i: number, field: string, m: Mode, value: string): [string, string[]] => {
    const name = `v${i}_${field}`;
    switch (m) {
      case 'literal':
        return [value, [value]];
      case 'reference':
        return [variable(name, value), [value]];
      case 'adjacent': {
        const [a, b] = halves(value);
        return [`${variable(`${name}_a`, a)}${variable(`${name}_b`, b)}`, [value]];
      }
      case 'start': {
        const [a, b] = halves(value);
        return [`${variable(name, a)}${b}`, [a, b]];
      }
      case 'end': {
        const [a, b] = halves(value);
        return [`${a}${variable(name, b)}`, [value]];
      }
      case 'middle': {
        const points = Array.from(value);
        const third = Math.floor(points.length / 3);
        const a = points.slice(0, third).join('');
        const b = points.slice(third, points.length - third).join('');
        const z = points.slice(points.length - third).join('');
        return [`${a}${variable(name, b)}${z}`, [a + b, z]];
      }
    }
  };
  const variable = (name: string, value: string): string =>
    new TerraformVariable(stack, name, { type: 'string', default: value }).stringValue;
  const halves = (value: string): [string, string] => {
    const points = Array.from(value);
    const cut = Math.floor(points.length / 2);
    return [points.slice(0, cut).join(''), points.slice(cut).join('')];
  };

  cases.forEach((c, i) => {
    const seen = new Map<string, string>();
    const v = (field: string) => {
      if (!seen.has(field)) seen.set(field, given(i, field, c));
      return seen.get(field)!;
    };
    const job = new Job(v('job'), { meta: { [v('metaKey')]: v('metaValue') } });
    job.addGroup(v('group'), { network: { ports: [{ label: 'http' }] } }).addTask(v('task'), {
      driver: TaskDriver.docker({ image: 'nginx:1.27', args: [v('arg')] }),
      env: { [v('envKey')]: v('envValue') },
      templates: [{ destination: 'local/a', data: v('data') }],
      services: [{ name: 'web', port: 'http', tags: [v('tag')], provider: ServiceProvider.NOMAD }],
    });
    const policy = new PolicyDocument([
      {
        path: v('policyPath'),
        capabilities: [Capability.READ],
        allowedParameters: { [v('paramKey')]: [v('paramValue')] },
      },
    ]);
    const nomad = new NomadAgentConfig({
      datacenter: v('agentDatacenter'),
      dataDir: `/${v('agentDir')}`,
      client: {
        networkInterface: v('agentInterface'),
        nodePool: v('agentPool'),
        meta: { [v('agentMetaKey')]: v('agentMetaValue') },
        hostVolumes: [{ name: v('volumeName'), path: v('volumePath') }],
      },
      tls: { caFile: v('tlsFile'), certFile: v('tlsFile'), keyFile: v('tlsFile') },
      consul: { token: v('consulToken'), clientServiceName: v('consulName') },
    });
    const consul = new ConsulAgentConfig({
      datacenter: v('cDatacenter'),
      dataDir: v('cDir'),
      retryJoin: [v('cJoin')],
      bindAddr: v('cBind'),
      connect: {
        vaultCa: {
          address: v('cVaultAddress'),
          token: v('cVaultToken'),
          rootPkiPath: v('cRootPath'),
          intermediatePkiPath: 'int',
        },
      },
      tls: { caFile: v('cTlsFile'), certFile: v('cTlsFile'), keyFile: v('cTlsFile') },
    });
    const out = (name: string, produce: () => string) =>
      new TerraformOutput(stack, `${name}_${i}`, {
        value: Lazy.stringValue({ produce }),
        sensitive: true,
      });
    out('job', () => job.render());
    out('policy', () => policy.render()); // as a user puts it into a raw vault_policy
    out('nomad', () => nomad.toTerraformString());
    out('consul', () => consul.toTerraformString());
    const yamlText = v('yamlText');
    out('yaml', () =>
      terraformString(renderTemplateSafeYaml('Traefik', { text: yamlText, list: [yamlText] })),
    );
    const attribute = v('attribute');
    out('attribute', () => terraformString(attribute));
  });

  let planned: Record<string, string>;
  beforeAll(() => {
    if (process.env.PROPERTY_DEBUG)
      writeFileSync(`${process.env.PROPERTY_DEBUG}.tf.json`, Testing.synth(stack));
    planned = plannedOutputs(stack, 'property');
  });

  const NFC = (s: string) => s.normalize('NFC');
  /**
   * What the reader of an HCL v1 document, a YAML document or a provider attribute gets.
   * Terraform normalizes every string it evaluates to NFC (go-cty does), so a document arrives
   * as the NFC form of its whole text, escapes included. The one exception is literal text right
   * after a reference: its leading combining marks are written as escapes, so they cannot
   * compose with the reference's value (whose end the library cannot know), and the reader gets
   * them apart: the NFC forms of the runs on either side of such a cut, joined. Nomad's HCL2
   * parser normalizes each whole string again, so jobspecs are compared with NFC of the whole.
   */
  const asPlanned = (c: Case, field: string) =>
    (partsOf.get(c)?.[field] ?? [c.values[field]]).map(NFC).join('');

  test(`${RUNS} jobspecs: Nomad's parser reads every string back`, () => {
    const verdicts = validateJobspecs(
      Object.fromEntries(cases.map((_, i) => [`job_${i}`, planned[`job_${i}`]])),
    );
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const verdict = verdicts[`job_${i}`] as any;
      const parseErrors = verdict.errors.filter((e: string) => e.startsWith('parse:'));
      const job = verdict.job;
      const group = job?.TaskGroups?.[0];
      const task = group?.Tasks?.[0];
      const got = {
        parseErrors,
        job: job?.ID,
        group: group?.Name,
        task: task?.Name,
        env: task?.Env,
        meta: job?.Meta,
        arg: task?.Config?.args,
        data: task?.Templates?.[0]?.EmbeddedTmpl,
        tags: task?.Services?.[0]?.Tags,
      };
      const v = c.values;
      const want = {
        parseErrors: [],
        job: NFC(v.job),
        group: NFC(v.group),
        task: NFC(v.task),
        env: { [NFC(v.envKey)]: NFC(v.envValue) },
        meta: { [NFC(v.metaKey)]: NFC(v.metaValue) },
        arg: [NFC(v.arg)],
        data: NFC(v.data),
        tags: [NFC(v.tag)],
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(...differences(i, got, want));
    });
    expect(mismatches).toEqual([]);
  });

  test(`${RUNS} policies: Vault's parser reads every path and parameter back`, () => {
    const verdicts = readVaultPolicies(
      Object.fromEntries(cases.map((_, i) => [`policy_${i}`, planned[`policy_${i}`]])),
    );
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const verdict = verdicts[`policy_${i}`];
      const got = {
        ok: verdict.ok,
        error: verdict.error,
        paths: verdict.paths.map((p) => [
          p.path,
          p.capabilities,
          Object.fromEntries(
            Object.entries(p.allowed_parameters ?? {}).map(([k, x]) => [k.toLowerCase(), x]),
          ),
        ]),
      };
      const want = {
        ok: true,
        error: '',
        paths: [
          [
            asPlanned(c, 'policyPath'),
            ['read'],
            { [asPlanned(c, 'paramKey').toLowerCase()]: [asPlanned(c, 'paramValue')] },
          ],
        ],
      };
      mismatches.push(...differences(i, got, want));
    });
    expect(mismatches).toEqual([]);
  });

  test(`${RUNS} Nomad agent configurations: the agent's loader reads every value back`, () => {
    const verdicts = readNomadAgentConfigs(
      Object.fromEntries(cases.map((_, i) => [`nomad_${i}`, planned[`nomad_${i}`]])),
    );
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const verdict = verdicts[`nomad_${i}`];
      const config = verdict.config;
      const got = {
        parsed: verdict.parsed,
        datacenter: config?.datacenter,
        dataDir: config?.data_dir,
        iface: config?.client.network_interface,
        pool: config?.client.node_pool,
        meta: config?.client.meta,
        volume: config?.client.host_volumes.map((h) => [h.name, h.path]),
        tls: config?.tls && [config.tls.ca_file, config.tls.cert_file, config.tls.key_file],
        consul: config?.consuls.map((x) => [x.token, x.client_service_name]),
      };
      const want = {
        parsed: true,
        datacenter: asPlanned(c, 'agentDatacenter'),
        dataDir: `/${asPlanned(c, 'agentDir')}`,
        iface: asPlanned(c, 'agentInterface'),
        pool: asPlanned(c, 'agentPool'),
        meta: { [asPlanned(c, 'agentMetaKey')]: asPlanned(c, 'agentMetaValue') },
        volume: [[asPlanned(c, 'volumeName'), asPlanned(c, 'volumePath')]],
        tls: [asPlanned(c, 'tlsFile'), asPlanned(c, 'tlsFile'), asPlanned(c, 'tlsFile')],
        consul: [[asPlanned(c, 'consulToken'), asPlanned(c, 'consulName')]],
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(...differences(i, got, want), { case: i, errors: verdict.errors });
    });
    expect(mismatches).toEqual([]);
  });

  test(`${RUNS} Consul agent configurations: Consul's reader reads every value back`, () => {
    const verdicts = readConsulAgentConfigs(
      Object.fromEntries(cases.map((_, i) => [`consul_${i}.hcl`, planned[`consul_${i}`]])),
    );
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const verdict = verdicts[`consul_${i}.hcl`];
      const config = verdict.config as any;
      const ca = config?.connect?.ca_config;
      const got = {
        ok: verdict.ok,
        datacenter: config?.datacenter,
        dataDir: config?.data_dir,
        join: config?.retry_join,
        bind: config?.bind_addr,
        ca: ca && [ca.address, ca.token, ca.root_pki_path],
        tls: config?.tls?.defaults && [config.tls.defaults.ca_file, config.tls.defaults.cert_file],
      };
      const want = {
        ok: true,
        datacenter: asPlanned(c, 'cDatacenter'),
        dataDir: asPlanned(c, 'cDir'),
        join: [asPlanned(c, 'cJoin')],
        bind: asPlanned(c, 'cBind'),
        ca: [asPlanned(c, 'cVaultAddress'), asPlanned(c, 'cVaultToken'), asPlanned(c, 'cRootPath')],
        tls: [asPlanned(c, 'cTlsFile'), asPlanned(c, 'cTlsFile')],
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        mismatches.push(...differences(i, got, want), { case: i, error: verdict.error });
    });
    expect(mismatches).toEqual([]);
  });

  test(`${RUNS} Traefik YAML documents: Traefik's YAML reader reads every string back`, () => {
    const verdicts = readTraefikYaml(
      Object.fromEntries(cases.map((_, i) => [`yaml_${i}`, planned[`yaml_${i}`]])),
    );
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const text = planned[`yaml_${i}`];
      const verdict = verdicts[`yaml_${i}`];
      const got = { ok: verdict.ok, error: verdict.error, ...verdict.config };
      const value = asPlanned(c, 'yamlText');
      const want = { ok: true, error: '', text: value, list: [value] };
      if (/\{\{|\}\}/.test(text)) mismatches.push({ case: i, delimiters: text });
      mismatches.push(...differences(i, got, want));
    });
    expect(mismatches).toEqual([]);
  });

  test(`${RUNS} provider attributes: Terraform evaluates none of the text`, () => {
    const mismatches = cases
      // a provider attribute has no escaping layer: Terraform normalizes the whole value
      .map((c, i) => ({ i, got: planned[`attribute_${i}`], want: NFC(c.values.attribute) }))
      .filter((m) => m.got !== m.want);
    expect(mismatches).toEqual([]);
  });
});

/** The fields of `got` that differ from `want`, each with both values. */
function differences(
  i: number,
  got: Record<string, unknown>,
  want: Record<string, unknown>,
): unknown[] {
  if (process.env.PROPERTY_DEBUG) {
    appendFileSync(process.env.PROPERTY_DEBUG, JSON.stringify({ i, got, want }) + '\n');
  }
  // code points, so that texts that look alike (a composed and a decomposed é) differ visibly
  const points = (v: unknown) =>
    JSON.stringify(v, (_k, x) =>
      typeof x === 'string'
        ? Array.from(x, (ch) => ch.codePointAt(0)!.toString(16).padStart(4, '0')).join(' ')
        : x,
    );
  return Object.keys(want)
    .filter((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]))
    .map((k) => ({ case: i, field: k, got: points(got[k]), want: points(want[k]) }));
}
