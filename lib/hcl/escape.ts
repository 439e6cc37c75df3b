/**
 * Escaping for the two languages a jobspec passes through: HCL (Nomad parses the jobspec) and
 * Terraform's JSON syntax (the jobspec is a string attribute of `nomad_job`, and Terraform reads
 * `${` and `%{` in it as template sequences).
 */

/** Matches one cdktf string token marker, e.g. `${TfToken[TOKEN.12]}`. */
const TOKEN_MARKER = /\$\{TfToken\[[^\]]+\]\}/g;

/** A piece of text that is either literal or a cdktf token marker. */
export interface TextFragment {
  readonly text: string;
  readonly isToken: boolean;
}

/** Splits text into literal runs and cdktf token markers, in order. */
export function splitTokens(text: string): TextFragment[] {
  const fragments: TextFragment[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN_MARKER)) {
    const at = match.index ?? 0;
    if (at > last) fragments.push({ text: text.slice(last, at), isToken: false });
    fragments.push({ text: match[0], isToken: true });
    last = at + match[0].length;
  }
  if (last < text.length) fragments.push({ text: text.slice(last), isToken: false });
  return fragments;
}

/** True when the text holds at least one cdktf token marker. */
export function containsTokens(text: string): boolean {
  return splitTokens(text).some((f) => f.isToken);
}

/**
 * Escapes literal text for the inside of an HCL quoted string: quotes, backslashes and control
 * characters become escape sequences, and `${` / `%{` become `$${` / `%%{` so the text is never
 * read as a template. `$` or `%` at the very end is written as a `\u` escape, because what
 * follows the literal (a token's value) could start with `{`.
 */
export function escapeHclQuoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '$':
      case '%':
        if (next === '{') out += ch + ch;
        else if (next === undefined) out += ch === '$' ? '\\u0024' : '\\u0025';
        else out += ch;
        break;
      default:
        out += isControl(ch) ? unicodeEscape(ch) : ch;
    }
  }
  return out;
}

/**
 * Escapes text for the body of an HCL heredoc, where backslashes are literal and only template
 * sequences need escaping. Callers must check {@link canBeHeredoc} first.
 */
export function escapeHclHeredoc(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

/**
 * Whether text can be written as a heredoc and read back unchanged: it ends with a newline and
 * holds no control characters other than newline and tab.
 */
export function canBeHeredoc(text: string): boolean {
  if (!text.endsWith('\n') || containsTokens(text)) return false;
  for (const ch of text) {
    if (ch !== '\n' && ch !== '\t' && isControl(ch)) return false;
  }
  return true;
}

/**
 * Escapes rendered HCL for a Terraform string: `${` → `$${` and `%{` → `%%{` in literal text,
 * while cdktf token markers stay as they are so references to other resources stay live.
 */
export function escapeForTerraform(text: string): string {
  return splitTokens(text)
    .map((f) => (f.isToken ? f.text : f.text.replace(/([$%])\{/g, '$1$1{')))
    .join('');
}

/** Undoes {@link escapeForTerraform} on text without tokens (for tests and tooling). */
export function unescapeTerraform(text: string): string {
  return text.replace(/([$%])\1\{/g, '$1{');
}

/** Whether a name is an HCL identifier (usable bare as an attribute name or object key). */
export function isHclIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
}

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
}

function unicodeEscape(ch: string): string {
  return '\\u' + (ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0');
}
