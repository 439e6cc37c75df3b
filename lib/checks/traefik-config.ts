import { parse as parseYaml } from 'yaml';
import { setKey } from './jobspec-reader';

/**
 * Traefik's configuration as the checks see it: every setting as a dotted key (matched without
 * regard to case, as Traefik does) with its value and where it was set. Read from the typed
 * models' objects, command-line arguments (`--api.insecure=true`), `TRAEFIK_*` environment
 * variables, and YAML or TOML files rendered by templates.
 * @internal
 */

/** One setting. */
export interface TraefikSetting {
  /** The key as written, e.g. `entryPoints.web.address`. */
  readonly key: string;
  readonly value: unknown;
  /** Where it was set, e.g. `config.args` or `template "local/traefik.yml"`. */
  readonly source: string;
}

/** The settings of one Traefik. */
export class TraefikSettings {
  private readonly byKey = new Map<string, TraefikSetting>();

  /** Records a setting; a later one of the same key wins, as in Traefik. */
  public add(key: string, value: unknown, source: string): void {
    this.byKey.set(key.toLowerCase(), { key, value, source });
  }

  /** Records every leaf of a plain object under `prefix`. */
  public addObject(value: unknown, source: string, prefix = ''): void {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 && prefix !== '') this.add(prefix, value, source);
      for (const [k, v] of entries) this.addObject(v, source, prefix === '' ? k : `${prefix}.${k}`);
      return;
    }
    if (prefix !== '') this.add(prefix, value, source);
  }

  /** Records `--key=value` and `--key` command-line arguments. */
  public addArgs(args: readonly string[], source: string): void {
    for (const arg of args) {
      const m = /^--?([A-Za-z][\w.-]*)(?:=([\s\S]*))?$/.exec(arg.trim());
      if (!m) continue;
      this.add(m[1], m[2] === undefined ? true : scalar(m[2]), source);
    }
  }

  /** Records `TRAEFIK_A_B=value` environment variables as `a.b`. */
  public addEnv(env: Readonly<Record<string, string>>, source: string): void {
    for (const [name, value] of Object.entries(env)) {
      if (!/^TRAEFIK_/i.test(name)) continue;
      const key = name.slice('TRAEFIK_'.length).toLowerCase().replace(/_/g, '.');
      this.add(key, scalar(value), `${source} ${name}`);
    }
  }

  /** The setting of a key (case-insensitive). */
  public get(key: string): TraefikSetting | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  /** Settings whose key starts with the prefix (case-insensitive), in key order. */
  public withPrefix(prefix: string): TraefikSetting[] {
    const p = prefix.toLowerCase();
    return [...this.byKey.entries()]
      .filter(([k]) => k === p.replace(/\.$/, '') || k.startsWith(p))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => s);
  }

  /** Every setting, in key order. */
  public get all(): TraefikSetting[] {
    return this.withPrefix('');
  }

  /** Whether a setting is true (boolean or the text "true"). */
  public isTrue(key: string): boolean {
    return truthy(this.get(key)?.value);
  }
}

/** Whether a value is true, as Traefik reads booleans. */
export function truthy(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/** Reads a Traefik file: YAML (`.yml`, `.yaml`) or TOML (`.toml`). */
export function readTraefikFile(destination: string, text: string): unknown {
  if (/\.toml$/i.test(destination)) return readToml(text);
  return parseYaml(text);
}

/** Whether a template destination is a Traefik file the checks read. */
export function isTraefikFile(destination: string): boolean {
  return /\.(?:ya?ml|toml)$/i.test(destination);
}

function scalar(text: string): unknown {
  const t = text.trim();
  if (/^(?:true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  return text;
}

/**
 * Reads the TOML Traefik files use: `[table]` and `[[array.of.tables]]` headers, `key = value`
 * with dotted keys, basic and literal strings, numbers, booleans, one-line arrays and inline
 * tables, and `#` comments. Throws on anything else.
 */
export function readToml(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const fail = (why: string): never => {
      throw new Error(`TOML line ${index + 1}: ${why}`);
    };
    const reader = new TomlLine(raw, fail);
    reader.skipBlank();
    if (reader.done) return;
    if (reader.peek() === '[') {
      const array = raw.trim().startsWith('[[');
      reader.advance(array ? 2 : 1);
      const path = reader.key();
      reader.expect(array ? ']]' : ']');
      reader.skipBlank();
      if (!reader.done) fail('unexpected text after the table header');
      table = array ? appendTable(root, path, fail) : openTable(root, path, fail);
      return;
    }
    const path = reader.key();
    reader.expect('=');
    const value = reader.value();
    reader.skipBlank();
    if (!reader.done) fail('unexpected text after the value');
    const parent = openTable(table, path.slice(0, -1), fail);
    setKey(parent, path[path.length - 1], value);
  });
  return root;
}

function openTable(
  root: Record<string, unknown>,
  path: string[],
  fail: (why: string) => never,
): Record<string, unknown> {
  let node = root;
  for (const key of path) {
    let next = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (next === undefined) {
      next = {};
      setKey(node, key, next);
    }
    if (Array.isArray(next)) next = next[next.length - 1];
    if (next === null || typeof next !== 'object') fail(`"${key}" is not a table`);
    node = next as Record<string, unknown>;
  }
  return node;
}

function appendTable(
  root: Record<string, unknown>,
  path: string[],
  fail: (why: string) => never,
): Record<string, unknown> {
  const parent = openTable(root, path.slice(0, -1), fail);
  const key = path[path.length - 1];
  const existing = Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
  const list = existing ?? [];
  if (!Array.isArray(list)) fail(`"${key}" is not an array of tables`);
  const table: Record<string, unknown> = {};
  (list as unknown[]).push(table);
  if (existing === undefined) setKey(parent, key, list);
  return table;
}

class TomlLine {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly fail: (why: string) => never,
  ) {}

  public get done(): boolean {
    return this.pos >= this.text.length;
  }

  public peek(): string | undefined {
    return this.text[this.pos];
  }

  public advance(n: number): void {
    this.pos += n;
  }

  /** Skips blanks and a comment. */
  public skipBlank(): void {
    while (this.pos < this.text.length && /[ \t]/.test(this.text[this.pos])) this.pos++;
    if (this.text[this.pos] === '#') this.pos = this.text.length;
  }

  public expect(token: string): void {
    this.skipBlank();
    if (!this.text.startsWith(token, this.pos)) this.fail(`expected "${token}"`);
    this.pos += token.length;
  }

  /** A dotted key of bare or quoted parts. */
  public key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank();
      const ch = this.peek();
      if (ch === '"' || ch === "'") parts.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos));
        if (!m) this.fail('expected a key');
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipBlank();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  public value(): unknown {
    this.skipBlank();
    const ch = this.peek();
    if (ch === '"' || ch === "'") return this.string();
    if (ch === '[') {
      this.pos++;
      const items: unknown[] = [];
      for (;;) {
        this.skipBlank();
        if (this.peek() === ']') {
          this.pos++;
          return items;
        }
        items.push(this.value());
        this.skipBlank();
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== ']') this.fail('expected "," or "]"');
      }
    }
    if (ch === '{') {
      this.pos++;
      const table: Record<string, unknown> = {};
      for (;;) {
        this.skipBlank();
        if (this.peek() === '}') {
          this.pos++;
          return table;
        }
        const path = this.key();
        this.expect('=');
        const parent = openTable(table, path.slice(0, -1), this.fail);
        setKey(parent, path[path.length - 1], this.value());
        this.skipBlank();
        if (this.peek() === ',') this.pos++;
      }
    }
    const m = /^(?:true|false|[+-]?\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      this.text.slice(this.pos),
    );
    if (!m) this.fail('unsupported value');
    this.pos += m[0].length;
    if (m[0] === 'true' || m[0] === 'false') return m[0] === 'true';
    return Number(m[0].replace(/_/g, ''));
  }

  private string(): string {
    const quote = this.text[this.pos];
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === quote) {
        this.pos++;
        return out;
      }
      if (ch === '\\' && quote === '"') {
        const next = this.text[this.pos + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (next in simple) {
          out += simple[next];
          this.pos += 2;
          continue;
        }
        const hex = next === 'u' ? 4 : next === 'U' ? 8 : 0;
        const digits = this.text.slice(this.pos + 2, this.pos + 2 + hex);
        if (hex === 0 || !/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) {
          this.fail('invalid escape');
        }
        out += String.fromCodePoint(parseInt(digits, 16));
        this.pos += 2 + hex;
        continue;
      }
      out += ch;
      this.pos++;
    }
    return this.fail('the string is not closed');
  }
}
