import { Token } from 'cdktf';
import {
  canBeHeredoc,
  escapeHclHeredoc,
  escapeHclQuoted,
  isHclIdentifier,
  splitTokens,
} from './escape';
import { hclQuotedTokenValue } from './token-value';
import { HclHeredoc, HclObject, HclValue } from './value';

const INDENT = '  ';
const INLINE_LIST_MAX = 100;

type Entry =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: HclValue }
  | { readonly kind: 'block'; readonly block: HclBlock };

/**
 * The body of an HCL file or block: attributes and nested blocks in the order they were added.
 * Attributes given `undefined` are left out, so optional model fields map straight through.
 */
export class HclBody {
  private readonly entries: Entry[] = [];

  /** Adds `name = value`, unless value is undefined. */
  public attribute(name: string, value: HclValue | undefined): this {
    if (value === undefined) return this;
    if (!isHclIdentifier(name)) {
      throw new Error(`"${name}" is not an HCL identifier and cannot name an attribute`);
    }
    this.entries.push({ kind: 'attribute', name, value });
    return this;
  }

  /** Adds each pair as an attribute, in order (undefined values are left out). */
  public attributes(map: Readonly<Record<string, HclValue | undefined>>): this {
    for (const [name, value] of Object.entries(map)) this.attribute(name, value);
    return this;
  }

  /** Adds and returns a nested block `type "label" ... { }`. */
  public block(type: string, ...labels: string[]): HclBlock {
    const block = new HclBlock(type, labels);
    this.entries.push({ kind: 'block', block });
    return block;
  }

  /** Adds a block that was built elsewhere. */
  public appendBlock(block: HclBlock): this {
    this.entries.push({ kind: 'block', block });
    return this;
  }

  /**
   * Adds the pairs as a block (`name { k = v }`) when every key is an identifier, else as a map
   * attribute (`name = { "k.x" = v }`), which Nomad accepts for env and meta. Empty maps are
   * left out.
   */
  public mapBlock(name: string, map: Readonly<Record<string, HclValue>> | undefined): this {
    if (map === undefined || Object.keys(map).length === 0) return this;
    if (Object.keys(map).every(isHclIdentifier)) {
      const block = this.block(name);
      for (const [key, value] of Object.entries(map)) block.attribute(key, value);
    } else {
      this.attribute(name, map);
    }
    return this;
  }

  /** Whether nothing was added. */
  public get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Renders the body at the given depth, one string per line. */
  public renderLines(depth: number): string[] {
    const lines: string[] = [];
    let previous: Entry['kind'] | undefined;
    let run: Array<{ name: string; rendered: string[] }> = [];
    const flush = () => {
      lines.push(...alignRun(run, depth));
      run = [];
    };
    for (const entry of this.entries) {
      if (entry.kind === 'attribute') {
        if (previous === 'block') lines.push('');
        run.push({ name: entry.name, rendered: renderValue(entry.value, depth) });
      } else {
        flush();
        if (previous !== undefined) lines.push('');
        lines.push(...entry.block.renderLines(depth));
      }
      previous = entry.kind;
    }
    flush();
    return lines;
  }

  /** Renders the body as a file: lines joined with newlines, ending in one. */
  public render(): string {
    return this.renderLines(0).join('\n') + '\n';
  }
}

/** An HCL block: a type, zero or more labels, and a body. */
export class HclBlock extends HclBody {
  constructor(
    public readonly type: string,
    public readonly labels: readonly string[] = [],
  ) {
    super();
    if (!isHclIdentifier(type)) throw new Error(`"${type}" is not an HCL block type`);
  }

  public override renderLines(depth: number): string[] {
    const pad = INDENT.repeat(depth);
    const head = [this.type, ...this.labels.map(quoteString)].join(' ');
    if (this.isEmpty) return [`${pad}${head} {}`];
    return [`${pad}${head} {`, ...super.renderLines(depth + 1), `${pad}}`];
  }
}

/** Renders a value as HCL; lines after the first are already indented for `depth`. */
export function renderValue(value: HclValue, depth: number): string[] {
  if (value instanceof HclHeredoc) return renderHeredoc(value.text);
  if (typeof value === 'string') return [quoteString(value)];
  if (typeof value === 'number') return [renderNumber(value)];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (isList(value)) return renderList(value, depth);
  return renderObject(value, depth);
}

/**
 * Quotes text as an HCL string literal; cdktf tokens inside it stay live references. HCL
 * normalizes string literals to Unicode NFC when it parses them, so the text is normalized here
 * first and what Terraform plans is what Nomad stores.
 */
export function quoteString(text: string): string {
  let out = '"';
  for (const fragment of splitTokens(text.normalize('NFC'))) {
    out += fragment.isToken ? hclQuotedTokenValue(fragment.text) : escapeHclQuoted(fragment.text);
  }
  return out + '"';
}

function renderNumber(value: number): string {
  if (Token.isUnresolved(value)) return Token.asString(value);
  if (!Number.isFinite(value)) throw new Error(`${value} cannot be written in HCL`);
  return String(value);
}

function isList(value: HclValue): value is readonly HclValue[] {
  return Array.isArray(value);
}

function renderList(list: readonly HclValue[], depth: number): string[] {
  if (list.length === 0) return ['[]'];
  const items = list.map((item) => renderValue(item, depth + 1));
  const inline = `[${items.map((i) => i[0]).join(', ')}]`;
  if (items.every((i) => i.length === 1) && inline.length <= INLINE_LIST_MAX) return [inline];
  const pad = INDENT.repeat(depth + 1);
  const lines = ['['];
  for (const item of items) {
    lines.push(pad + item[0], ...item.slice(1));
    lines[lines.length - 1] += ',';
  }
  lines.push(INDENT.repeat(depth) + ']');
  return lines;
}

function renderObject(object: HclObject, depth: number): string[] {
  const run = Object.entries(object)
    .filter((e): e is [string, HclValue] => e[1] !== undefined)
    .map(([key, value]) => ({
      name: isHclIdentifier(key) ? key : quoteString(key),
      rendered: renderValue(value, depth + 1),
    }));
  if (run.length === 0) return ['{}'];
  return ['{', ...alignRun(run, depth + 1), INDENT.repeat(depth) + '}'];
}

function renderHeredoc(raw: string): string[] {
  const text = raw.normalize('NFC');
  if (!canBeHeredoc(text)) return [quoteString(text)];
  const body = text.slice(0, -1).split('\n');
  let marker = 'EOT';
  for (let n = 1; body.some((line) => line.trim() === marker); n++) marker = `EOT${n}`;
  return [`<<${marker}`, ...body.map(escapeHclHeredoc), marker];
}

/**
 * Writes `name = value` lines with the equals signs of consecutive attributes aligned, the way
 * `nomad fmt` does: a value that opens a bracket over several lines is not aligned and breaks
 * the run, while a heredoc counts as one line and stays in it.
 */
function alignRun(run: Array<{ name: string; rendered: string[] }>, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const lines: string[] = [];
  let chain: typeof run = [];
  const flush = () => {
    const width = Math.max(0, ...chain.map((a) => a.name.length));
    for (const attr of chain) {
      const [first, ...rest] = attr.rendered;
      lines.push(`${pad}${attr.name.padEnd(width)} = ${first}`, ...rest);
    }
    chain = [];
  };
  for (const attr of run) {
    const [first, ...rest] = attr.rendered;
    if (rest.length > 0 && (first === '[' || first === '{')) {
      flush();
      lines.push(`${pad}${attr.name} = ${first}`, ...rest);
    } else {
      chain.push(attr);
    }
  }
  flush();
  return lines;
}
