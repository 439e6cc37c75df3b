/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Reads the small part of TOML the seeds' Traefik files use: `[a.b]` tables, `[[a.b]]` arrays
 * of tables, and `key = "string" | true | false | number` lines with `#` comments. Enough to
 * compare a seed's traefik.toml with the model; anything else throws.
 */
export function parseSimpleToml(text: string): Record<string, any> {
  const root: Record<string, any> = {};
  let table = root;
  const walk = (path: string[]) =>
    path.reduce((node, key) => {
      if (Array.isArray(node[key])) return node[key][node[key].length - 1];
      return (node[key] ??= {});
    }, root);
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/\s+#.*$/, '')
      .replace(/^\s*#.*$/, '')
      .trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^\[\[([\w.]+)\]\]$/.exec(line))) {
      const path = m[1].split('.');
      const parent = walk(path.slice(0, -1));
      const key = path[path.length - 1];
      (parent[key] ??= []).push((table = {}));
    } else if ((m = /^\[([\w.]+)\]$/.exec(line))) {
      table = walk(m[1].split('.'));
    } else if ((m = /^(\w+)\s*=\s*(.+)$/.exec(line))) {
      const value = m[2];
      if (/^".*"$/.test(value)) table[m[1]] = JSON.parse(value);
      else if (value === 'true' || value === 'false') table[m[1]] = value === 'true';
      else if (/^-?\d+$/.test(value)) table[m[1]] = Number(value);
      else throw new Error(`unsupported TOML value: ${raw}`);
    } else {
      throw new Error(`unsupported TOML line: ${raw}`);
    }
  }
  return root;
}
