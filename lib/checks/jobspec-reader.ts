/**
 * A small synchronous reader for the part of HCL2 that Nomad jobspecs (and the HCL documents the
 * checks look into: Vault policies, Consul and Nomad agent files) are written in: blocks with
 * labels, attributes, quoted strings with escapes, heredocs, numbers, booleans, `null`, lists,
 * objects and comments. Aspects run synchronously and HashiCorp's own parser (`@cdktf/hcl2json`)
 * is asynchronous, hence this reader.
 *
 * What it does not evaluate it keeps as text: an interpolation `${...}` or a directive `%{...}`
 * inside a string stays in the string as written (Nomad fills `${NOMAD_PORT_http}` in at run
 * time), and an expression that is not a literal (`var.image`, `file("x")`, `a + b`) becomes the
 * string `${<its source>}`, the way hcl2json prints it. The escapes `$${` and `%%{` read as the
 * literal `${` and `%{`. Anything it cannot read throws a {@link HclReadError} naming the line.
 * @internal
 */

/** A value read from HCL. Objects are plain objects; expressions are `${...}` strings. */
export type HclReadValue =
  string | number | boolean | null | HclReadValue[] | { [key: string]: HclReadValue };

/** A block: `type "label" ... { body }`. */
export interface HclBlockNode {
  readonly type: string;
  readonly labels: string[];
  readonly body: HclBodyNode;
  /** 1-based line of the block's type. */
  readonly line: number;
}

/** The body of a file or block: attributes by name and blocks in order. */
export interface HclBodyNode {
  readonly attributes: Map<string, HclReadValue>;
  readonly blocks: HclBlockNode[];
}

/** Text the reader cannot read, with the line and column where it stopped. */
export class HclReadError extends Error {
  constructor(
    message: string,
    public readonly line: number,
    public readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'HclReadError';
  }
}

/** Options of {@link readHcl}. */
export interface ReadHclOptions {
  /**
   * Read as HCL v1 (Vault policies, agent files written for HCL v1): no templates, so `$${`
   * stays as written, and no heredoc indentation stripping.
   * @default false
   */
  readonly hcl1?: boolean;
}

/** Reads an HCL document into its body. */
export function readHcl(text: string, options: ReadHclOptions = {}): HclBodyNode {
  const reader = new Reader(text, options.hcl1 ?? false);
  const body = reader.body(false);
  reader.expectEnd();
  return body;
}

/** The blocks of a body with this type, in order. */
export function blocksOf(body: HclBodyNode, type: string): HclBlockNode[] {
  return body.blocks.filter((b) => b.type === type);
}

/** The first block of a body with this type. */
export function blockOf(body: HclBodyNode, type: string): HclBlockNode | undefined {
  return body.blocks.find((b) => b.type === type);
}

/**
 * The body in the shape `@cdktf/hcl2json` gives: attributes as values, blocks as arrays of
 * bodies under their type, nested one object level per label.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function hclToJson(body: HclBodyNode): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out: Record<string, any> = {};
  for (const [name, value] of body.attributes) setKey(out, name, value);
  for (const block of body.blocks) {
    let node = out;
    const path = [block.type, ...block.labels];
    for (let i = 0; i < path.length - 1; i++) {
      if (!Object.prototype.hasOwnProperty.call(node, path[i])) setKey(node, path[i], {});
      node = node[path[i]];
    }
    const last = path[path.length - 1];
    if (!Object.prototype.hasOwnProperty.call(node, last)) setKey(node, last, []);
    node[last].push(hclToJson(block.body));
  }
  return out;
}

/** Sets a key of a plain object, `__proto__` included, as an own property. */
export function setKey(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

class Reader {
  private pos = 0;
  private newlines: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly hcl1: boolean,
  ) {}

  /** A body, up to the end of the text or (inside a block) the closing brace. */
  public body(inBlock: boolean): HclBodyNode {
    const body: HclBodyNode = { attributes: new Map(), blocks: [] };
    for (;;) {
      this.skipSpace(true);
      const ch = this.peek();
      if (ch === undefined) {
        if (inBlock) this.fail('the block is not closed with "}"');
        return body;
      }
      if (ch === '}') {
        if (!inBlock) this.fail('unexpected "}"');
        return body;
      }
      const start = this.pos;
      const line = this.lineOf(this.pos);
      const name = this.identifier();
      this.skipSpace(false);
      if (this.peek() === '=' && this.text[this.pos + 1] !== '=') {
        if (body.attributes.has(name)) {
          this.pos = start;
          this.fail(`attribute "${name}" is set twice`);
        }
        this.pos++;
        body.attributes.set(name, this.expression(['\n', '}']));
        this.endOfItem();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.skipSpace(false);
        const c = this.peek();
        if (c === '"') labels.push(this.quoted());
        else if (c !== undefined && IDENT_START.test(c)) labels.push(this.identifier());
        else break;
      }
      if (this.peek() !== '{') this.fail(`expected "=" or "{" after "${name}"`);
      this.pos++;
      const inner = this.body(true);
      this.pos++; // the closing brace
      body.blocks.push({ type: name, labels, body: inner, line });
      this.endOfItem();
    }
  }

  public expectEnd(): void {
    this.skipSpace(true);
    if (this.pos < this.text.length) this.fail('unexpected text');
  }

  /** After an attribute or block: a newline, a comment, the end, or the enclosing "}". */
  private endOfItem(): void {
    this.skipSpace(false);
    const ch = this.peek();
    if (ch === undefined || ch === '\n' || ch === '}') return;
    this.fail('expected a new line');
  }

  /**
   * An expression. A literal (string, number, bool, null, heredoc, list or object) is read as a
   * value; anything else, or a literal followed by an operator, is kept as `${<source>}`.
   * `stops` are the characters that end it at bracket depth 0.
   */
  private expression(stops: string[]): HclReadValue {
    this.skipSpace(false);
    const start = this.pos;
    const literal = this.tryLiteral(stops);
    if (literal.ok) {
      this.skipSpace(false);
      const next = this.peek();
      if (next === undefined || stops.includes(next) || next === '\n') return literal.value;
    }
    this.pos = start;
    return this.rawExpression(stops);
  }

  private tryLiteral(stops: string[]): { ok: boolean; value: HclReadValue } {
    const ch = this.peek();
    const none = { ok: false, value: null };
    if (ch === undefined) this.fail('expected a value');
    if (ch === '"') return { ok: true, value: this.quoted() };
    if (ch === '<' && this.text.startsWith('<<', this.pos))
      return { ok: true, value: this.heredoc() };
    if (ch === '[') return { ok: true, value: this.list() };
    if (ch === '{') return { ok: true, value: this.object() };
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { ok: true, value: Number(number[0]) };
    }
    if (IDENT_START.test(ch)) {
      const save = this.pos;
      const word = this.identifier();
      const after = this.peek();
      const bare = after === undefined || !/[.([]/.test(after);
      if (bare && word === 'true') return { ok: true, value: true };
      if (bare && word === 'false') return { ok: true, value: false };
      if (bare && word === 'null') return { ok: true, value: null };
      this.pos = save;
      return none;
    }
    if (stops.includes(ch) || ch === '\n') this.fail('expected a value');
    return none;
  }

  /** Source text up to a stop character at depth 0, as `${<source>}`. */
  private rawExpression(stops: string[]): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (depth === 0 && (stops.includes(ch) || ch === '\n' || this.atComment())) break;
      if (ch === '"') {
        this.quoted();
        continue;
      }
      if (
        ch === '<' &&
        this.text.startsWith('<<', this.pos) &&
        /<<-?[A-Za-z_]/.test(this.text.slice(this.pos, this.pos + 4))
      ) {
        this.heredoc();
        continue;
      }
      if (depth === 0 && ch === '=' && !/[=!<>]/.test(this.text[this.pos - 1] ?? '')) {
        if (!/[=>]/.test(this.text[this.pos + 1] ?? '')) this.fail('expected a new line');
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') {
        if (depth === 0) break;
        depth--;
      }
      this.pos++;
    }
    const source = this.text.slice(start, this.pos).trim();
    if (source === '') this.fail('expected a value');
    if (depth !== 0) this.fail('unbalanced brackets in the expression');
    return `\${${source}}`;
  }

  private list(): HclReadValue[] {
    this.pos++; // [
    const items: HclReadValue[] = [];
    for (;;) {
      this.skipSpace(true);
      if (this.peek() === ']') {
        this.pos++;
        return items;
      }
      items.push(this.expressionInBrackets([',', ']']));
      this.skipSpace(true);
      const ch = this.peek();
      if (ch === ',') this.pos++;
      else if (ch !== ']') this.fail('expected "," or "]" in the list');
    }
  }

  private object(): { [key: string]: HclReadValue } {
    this.pos++; // {
    const out: { [key: string]: HclReadValue } = {};
    for (;;) {
      this.skipSpace(true);
      const ch = this.peek();
      if (ch === '}') {
        this.pos++;
        return out;
      }
      let key: string;
      if (ch === '"') key = this.quoted();
      else if (ch !== undefined && IDENT_START.test(ch)) key = this.identifier();
      else if (ch === '(') key = String(this.rawExpression(['=', ':']));
      else this.fail('expected an object key');
      this.skipSpace(true);
      const sep = this.peek();
      if (sep !== '=' && sep !== ':') this.fail(`expected "=" or ":" after key "${key}"`);
      this.pos++;
      setKey(out, key, this.expressionInBrackets([',', '}', '\n']));
      this.skipSpace(false);
      if (this.peek() === ',') this.pos++;
    }
  }

  /** An expression inside brackets, where new lines before the value do not end it. */
  private expressionInBrackets(stops: string[]): HclReadValue {
    this.skipSpace(true);
    return this.expression(stops);
  }

  /** A quoted string: escapes decoded, `$${`/`%%{` read as `${`/`%{`, templates kept as text. */
  private quoted(): string {
    const startLine = this.lineOf(this.pos);
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined || ch === '\n') {
        throw new HclReadError('the string is not closed', startLine, 1);
      }
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '\\') {
        out += this.escape();
        continue;
      }
      if ((ch === '$' || ch === '%') && !this.hcl1) {
        if (this.text[this.pos + 1] === ch && this.text[this.pos + 2] === '{') {
          out += ch + '{';
          this.pos += 3;
          continue;
        }
        if (this.text[this.pos + 1] === '{') {
          out += this.templateSequence();
          continue;
        }
      }
      out += ch;
      this.pos++;
    }
  }

  /** `${ ... }` or `%{ ... }` inside a template, kept verbatim. */
  private templateSequence(): string {
    const start = this.pos;
    this.pos += 2;
    let depth = 1;
    while (depth > 0) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('the template sequence is not closed with "}"');
      if (ch === '"') {
        this.quoted();
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  private escape(): string {
    const next = this.text[this.pos + 1];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    if (next !== undefined && next in simple) {
      this.pos += 2;
      return simple[next];
    }
    const hex = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hex > 0) {
      const digits = this.text.slice(this.pos + 2, this.pos + 2 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) this.fail('invalid unicode escape');
      this.pos += 2 + hex;
      return String.fromCodePoint(parseInt(digits, 16));
    }
    this.fail(`invalid escape "\\${next ?? ''}"`);
  }

  /** `<<EOT` or `<<-EOT` up to the marker line; the text ends with a newline. */
  private heredoc(): string {
    const head = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:\r?\n)/.exec(this.text.slice(this.pos));
    if (!head) this.fail('expected a heredoc marker and a new line after "<<"');
    const indented = head[1] === '-';
    const marker = head[2];
    const startLine = this.lineOf(this.pos);
    this.pos += head[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.text.length) {
        throw new HclReadError(`the heredoc is not closed with ${marker}`, startLine, 1);
      }
      let end = this.text.indexOf('\n', this.pos);
      if (end === -1) end = this.text.length;
      const line = this.text.slice(this.pos, end).replace(/\r$/, '');
      this.pos = Math.min(end + 1, this.text.length);
      if (line.trim() === marker) {
        // Leave the position on the newline after the marker, which ends the attribute.
        if (end < this.text.length) this.pos = end;
        break;
      }
      lines.push(line);
    }
    let body = lines;
    if (indented && !this.hcl1) {
      const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
      const strip = widths.length === 0 ? 0 : Math.min(...widths);
      body = lines.map((l) => l.slice(Math.min(strip, /^[ \t]*/.exec(l)![0].length)));
    }
    const text = body.map((l) => l + '\n').join('');
    return this.hcl1 ? text : text.replace(/([$%])\1\{/g, '$1{');
  }

  private identifier(): string {
    const start = this.pos;
    const first = this.peek();
    if (first === undefined || !IDENT_START.test(first)) this.fail('expected a name');
    this.pos++;
    while (this.pos < this.text.length && IDENT_PART.test(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Skips blanks and comments; new lines too when `newlines`. */
  private skipSpace(newlines: boolean): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || (newlines && ch === '\n')) {
        this.pos++;
      } else if (ch === '#' || (ch === '/' && this.text[this.pos + 1] === '/')) {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      } else if (ch === '/' && this.text[this.pos + 1] === '*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end === -1) this.fail('the comment is not closed with "*/"');
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  private atComment(): boolean {
    const ch = this.text[this.pos];
    const next = this.text[this.pos + 1];
    return ch === '#' || (ch === '/' && (next === '/' || next === '*'));
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private lineOf(pos: number): number {
    if (this.newlines === undefined) {
      this.newlines = [];
      for (let i = 0; i < this.text.length; i++) if (this.text[i] === '\n') this.newlines.push(i);
    }
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.newlines[mid] < pos) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  }

  private fail(message: string): never {
    const line = this.lineOf(this.pos);
    const lineStart = this.text.lastIndexOf('\n', this.pos - 1) + 1;
    throw new HclReadError(message, line, this.pos - lineStart + 1);
  }
}
