import { Token } from 'cdktf';
import { renderSegments } from '../core/tokens';
import { toNfc } from '../core/unicode';
import { HclDialect } from './dialect';
import { canBeHeredoc, escapeHeredoc, escapeQuoted, isHclIdentifier } from './escape';
import { listTokenValue, numberTokenValue, quotedTokenValue } from './token-value';
import { HclHeredoc, HclObject, HclValue } from './value';

const INDENT = '  ';
const INLINE_LIST_MAX = 100;
/** Indentation by depth, built once. */
const PADS: string[] = [];
/**
 * Text that quotes as it is in both dialects: printable ASCII (already NFC) without `"`, `\`,
 * `$` or `%`, so without token markers or template sequences either.
 */
const PLAIN = /^[\x20\x21\x23\x26-\x5b\x5d-\x7e]*$/;

function pad(depth: number): string {
  return (PADS[depth] ??= INDENT.repeat(depth));
}

type Entry =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: HclValue }
  | { readonly kind: 'block'; readonly block: HclBlock };

/**
 * A rendered value: one line, or several (lines after the first already indented). Kept as a
 * plain string when it is one line, which is nearly always.
 */
type Lines = string | string[];

/** Attributes waiting to be written with their equals signs aligned. */
interface Run {
  readonly names: string[];
  readonly values: Lines[];
}

/**
 * The body of an HCL file or block: attributes and nested blocks in the order they were added.
 * Attributes given `undefined` are left out, so optional model fields map straight through.
 * One writer serves every document; {@link HclBody.render} takes the dialect of the parser that
 * will read it.
 * @internal
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
   * Adds the pairs as a block (`name { k = v }`); every key must be an identifier (callers
   * check keys where users give them). Empty maps are left out.
   */
  public mapBlock(name: string, map: Readonly<Record<string, HclValue>> | undefined): this {
    if (map === undefined || Object.keys(map).length === 0) return this;
    const block = this.block(name);
    for (const [key, value] of Object.entries(map)) block.attribute(key, value);
    return this;
  }

  /**
   * Adds the pairs as a block when every key is an identifier, else as a map attribute
   * (`name = { "k.x" = v }`), which Nomad reads for job, group and task `meta` and task `env`
   * only. Empty maps are left out.
   */
  public mapBlockOrAttribute(
    name: string,
    map: Readonly<Record<string, HclValue>> | undefined,
  ): this {
    if (map === undefined || Object.keys(map).length === 0) return this;
    if (Object.keys(map).every(isHclIdentifier)) return this.mapBlock(name, map);
    return this.attribute(name, map);
  }

  /** Whether nothing was added. */
  public get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Appends the body's lines at the given depth. */
  public writeLines(out: string[], depth: number, dialect: HclDialect): void {
    let previous: Entry['kind'] | undefined;
    const run: Run = { names: [], values: [] };
    for (const entry of this.entries) {
      if (entry.kind === 'attribute') {
        if (previous === 'block') out.push('');
        run.names.push(entry.name);
        run.values.push(renderValue(entry.value, depth, dialect));
      } else {
        writeAligned(out, run, depth);
        if (previous !== undefined) out.push('');
        entry.block.writeLines(out, depth, dialect);
      }
      previous = entry.kind;
    }
    writeAligned(out, run, depth);
  }

  /** Renders the body as a file for the given parser: lines joined with newlines, ending in one. */
  public render(dialect: HclDialect): string {
    const out: string[] = [];
    this.writeLines(out, 0, dialect);
    return out.join('\n') + '\n';
  }
}

/**
 * An HCL block: a type, zero or more labels, and a body.
 * @internal
 */
export class HclBlock extends HclBody {
  constructor(
    public readonly type: string,
    public readonly labels: readonly string[] = [],
  ) {
    super();
    if (!isHclIdentifier(type)) throw new Error(`"${type}" is not an HCL block type`);
  }

  public override writeLines(out: string[], depth: number, dialect: HclDialect): void {
    const indent = pad(depth);
    let head = this.type;
    for (const label of this.labels) head += ' ' + quoteString(label, dialect);
    if (this.isEmpty) {
      out.push(`${indent}${head} {}`);
      return;
    }
    out.push(`${indent}${head} {`);
    super.writeLines(out, depth + 1, dialect);
    out.push(`${indent}}`);
  }
}

/** Renders a value; lines after the first are already indented for `depth`. */
function renderValue(value: HclValue, depth: number, dialect: HclDialect): Lines {
  if (typeof value === 'string') return quoteString(value, dialect);
  if (typeof value === 'number') return renderNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof HclHeredoc) return renderHeredoc(value.text, dialect);
  if (Array.isArray(value)) return renderList(value, depth, dialect);
  return renderObject(value as HclObject, depth, dialect);
}

/**
 * Quotes text as a string literal for the dialect; cdktf references inside it stay live. HCL2
 * normalizes string literals to Unicode NFC when it parses them, so for HCL2 the text is
 * normalized here first and what Terraform plans is what Nomad stores.
 * @internal
 */
export function quoteString(text: string, dialect: HclDialect): string {
  if (PLAIN.test(text)) return `"${text}"`;
  const source = dialect === HclDialect.HCL2 ? toNfc(text) : text;
  const inside = renderSegments(
    source,
    (literal, afterReference) => escapeQuoted(literal, dialect, afterReference),
    quotedTokenValue,
  );
  return `"${inside}"`;
}

function renderNumber(value: number): string {
  // cdktf encodes a number token as a double far outside the safe integers.
  if (Number.isSafeInteger(value)) return String(value);
  if (Token.isUnresolved(value)) return numberTokenValue(value);
  if (!Number.isFinite(value)) throw new Error(`${value} cannot be written in HCL`);
  return String(value);
}

function renderList(list: readonly HclValue[], depth: number, dialect: HclDialect): Lines {
  // cdktf encodes a list token as a list of one element.
  if (list.length === 1 && Token.isUnresolved(list)) return listTokenValue(list as string[]);
  if (list.length === 0) return '[]';
  const items = list.map((item) => renderValue(item, depth + 1, dialect));
  if (items.every((i) => typeof i === 'string')) {
    const inline = `[${items.join(', ')}]`;
    if (inline.length <= INLINE_LIST_MAX) return inline;
  }
  const indent = pad(depth + 1);
  const lines = ['['];
  for (const item of items) {
    if (typeof item === 'string') {
      lines.push(indent + item + ',');
      continue;
    }
    lines.push(indent + item[0]);
    for (let i = 1; i < item.length; i++) lines.push(item[i]);
    lines[lines.length - 1] += ',';
  }
  lines.push(pad(depth) + ']');
  return lines;
}

function renderObject(object: HclObject, depth: number, dialect: HclDialect): Lines {
  const run: Run = { names: [], values: [] };
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    run.names.push(isHclIdentifier(key) ? key : quoteString(key, dialect));
    run.values.push(renderValue(value, depth + 1, dialect));
  }
  if (run.names.length === 0) return '{}';
  const lines = ['{'];
  writeAligned(lines, run, depth + 1);
  lines.push(pad(depth) + '}');
  return lines;
}

function renderHeredoc(raw: string, dialect: HclDialect): Lines {
  if (dialect !== HclDialect.HCL2) return quoteString(raw, dialect);
  const text = toNfc(raw);
  if (!canBeHeredoc(text)) return quoteString(text, dialect);
  const body = text.slice(0, -1).split('\n');
  let marker = 'EOT';
  for (let n = 1; body.some((line) => line.trim() === marker); n++) marker = `EOT${n}`;
  const lines = [`<<${marker}`];
  for (const line of body) lines.push(escapeHeredoc(line));
  lines.push(marker);
  return lines;
}

/**
 * Writes `name = value` lines with the equals signs of consecutive attributes aligned, the way
 * `nomad fmt` does: a value that opens a bracket over several lines is not aligned and breaks
 * the run, while a heredoc counts as one line and stays in it. Empties the run.
 */
function writeAligned(out: string[], run: Run, depth: number): void {
  const { names, values } = run;
  if (names.length === 0) return;
  const indent = pad(depth);
  let chainStart = 0;
  for (let i = 0; i <= names.length; i++) {
    const value = i < names.length ? values[i] : undefined;
    const opens = typeof value === 'object' && (value[0] === '[' || value[0] === '{');
    if (i < names.length && !opens) continue;
    let width = 0;
    for (let k = chainStart; k < i; k++) width = Math.max(width, names[k].length);
    for (let k = chainStart; k < i; k++)
      writeAttribute(out, indent + names[k].padEnd(width), values[k]);
    if (opens) writeAttribute(out, indent + names[i], value);
    chainStart = i + 1;
  }
  names.length = 0;
  values.length = 0;
}

/** Writes `<head> = <value>`, then the value's further lines. */
function writeAttribute(out: string[], head: string, value: Lines): void {
  if (typeof value === 'string') {
    out.push(`${head} = ${value}`);
    return;
  }
  out.push(`${head} = ${value[0]}`);
  for (let j = 1; j < value.length; j++) out.push(value[j]);
}
