import { TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { readableTerraform } from './readable';

/** One annotation (warning or info) a construct left at synthesis. */
export interface SynthesisNote {
  /** Construct path. */
  readonly path: string;
  /** `warning` or `info`. */
  readonly level: string;
  /** The message. */
  readonly message: string;
}

/**
 * A stack synthesized the way `cdktf synth` does it, with every check run: aspects, every
 * `node.addValidation` of every construct, and error annotations. cdktf's `Testing.synth(stack)`
 * skips validations unless asked and ignores error annotations, so a snapshot test with it
 * passes for a stack `cdktf synth` refuses.
 */
export class SynthesizedStack {
  /**
   * Synthesizes the stack; throws with every problem found (validations and error
   * annotations), each naming its construct path.
   */
  public static of(stack: TerraformStack): SynthesizedStack {
    invokeAspects(stack);
    stack.runAllValidations();
    const notes: SynthesisNote[] = [];
    const errors: string[] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        const level = String(entry.type);
        if (!['@cdktf/error', '@cdktf/warn', '@cdktf/info'].includes(level)) continue;
        const message = String(entry.data);
        if (level === '@cdktf/error') errors.push(`[${construct.node.path}] ${message}`);
        else
          notes.push({ path: construct.node.path, level: level.replace('@cdktf/', ''), message });
      }
    }
    if (errors.length > 0) {
      throw new Error(`Synthesis found errors:\n${errors.join('\n')}`);
    }
    return new SynthesizedStack(
      withoutMetadata(JSON.parse(JSON.stringify(stack.toTerraform()))),
      notes,
    );
  }

  private constructor(
    /** The Terraform JSON, as `cdktf synth` writes it (without cdktf's `//` metadata). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    public readonly json: Record<string, any>,
    /** Warnings and infos, in construct order. */
    public readonly notes: SynthesisNote[],
  ) {}

  /** The warning messages, each prefixed with its construct path. */
  public get warnings(): string[] {
    return this.notes.filter((n) => n.level === 'warn').map((n) => `[${n.path}] ${n.message}`);
  }

  /**
   * The Terraform JSON with references shown by address (see {@link readableTerraform}):
   * stable and readable for snapshots.
   */
  public get readable(): string {
    return JSON.stringify(mapStrings(this.json, readableTerraform), null, 2);
  }

  /** The jobspecs of the stack's `nomad_job` resources as Nomad reads them, by resource name. */
  public get jobspecs(): Record<string, string> {
    return this.documents('nomad_job', 'jobspec');
  }

  /** The rules of the stack's `vault_policy` resources as Vault reads them, by resource name. */
  public get policies(): Record<string, string> {
    return this.documents('vault_policy', 'policy');
  }

  /** The values of the stack's outputs, readable, by output name. */
  public get outputs(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.json.output ?? {})) {
      const value = (output as { value?: unknown }).value;
      out[name] = typeof value === 'string' ? readableTerraform(value) : JSON.stringify(value);
    }
    return out;
  }

  /** The resources of one Terraform type, by resource name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public resources(type: string): Record<string, any> {
    return this.json.resource?.[type] ?? {};
  }

  /**
   * Parses every jobspec with HashiCorp's HCL2 parser (`@cdktf/hcl2json`, which must be
   * installed) and returns each job body by job name. References appear as `${address}`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public async parseJobs(): Promise<Record<string, any>> {
    const { parse } = loadHcl2json();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const jobs: Record<string, any> = {};
    for (const [resource, text] of Object.entries(this.jobspecs)) {
      const parsed = await parse(`${resource}.nomad.hcl`, text);
      for (const [name, bodies] of Object.entries(parsed.job ?? {})) {
        jobs[name] = unescapeHcl((bodies as unknown[])[0]);
      }
    }
    return jobs;
  }

  private documents(type: string, attribute: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, resource] of Object.entries(this.resources(type))) {
      const text = (resource as Record<string, unknown>)[attribute];
      if (typeof text === 'string') out[name] = readableTerraform(text);
    }
    return out;
  }
}

/**
 * Synthesizes a stack with every check run; see {@link SynthesizedStack.of}.
 */
export function synthValidated(stack: TerraformStack): SynthesizedStack {
  return SynthesizedStack.of(stack);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function loadHcl2json(): { parse: (file: string, text: string) => Promise<any> } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@cdktf/hcl2json');
  } catch {
    throw new Error(
      'parseJobs needs the @cdktf/hcl2json package: npm install --save-dev @cdktf/hcl2json',
    );
  }
}

function withoutMetadata<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutMetadata) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '//')
        .map(([k, v]) => [k, withoutMetadata(v)]),
    ) as T;
  }
  return value;
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

/** hcl2json writes literal `${` / `%{` as `$${` / `%%{`; give the text HCL evaluated to. */
function unescapeHcl(value: unknown): unknown {
  return mapStrings(value, (s) => s.replace(/([$%])\1\{/g, '$1{'));
}
