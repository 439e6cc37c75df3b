import { splitTokens } from './tokens';

/**
 * The one way text becomes a Terraform string. Every string the library puts into a provider
 * attribute (a name, a path, a rendered jobspec or policy) goes through it, so no text a user
 * types is ever evaluated by Terraform:
 *
 * - literal text is normalized to Unicode NFC, as Terraform normalizes every string literal of
 *   its configuration: what is synthesized is what Terraform plans;
 * - a `${` in literal text, with any `$` before it, is written as the interpolation of those
 *   dollar signs followed by `{` (`${"$"}{`), which Terraform evaluates to the same text. The
 *   usual escape `$${` is not used: cdktf reads a `${` in literal text as the start of an
 *   expression and would then write the next reference without its own `${ }`;
 * - `%{` becomes `%%{`;
 * - a run of `$` right before a reference is written the same way (`${"$"}`), because `$`
 *   followed by the reference's own `${` would read as the escape `$${`;
 * - a carriage return is written as the interpolation `${"\r"}` (with any `$` before it):
 *   after a raw carriage return not followed by a line feed, Terraform's template scanner
 *   stops evaluating, so `${...}` after it would reach the provider as text;
 * - cdktf tokens (references to other resources, variables, functions) stay live.
 *
 * @internal
 */
export function terraformString(text: string): string {
  const fragments = splitTokens(text);
  let out = '';
  for (let i = 0; i < fragments.length; i++) {
    const fragment = fragments[i];
    if (fragment.isToken) {
      out += fragment.text;
      continue;
    }
    let literal = fragment.text
      .normalize('NFC')
      .replace(/(\$+)\{/g, (_m, dollars: string) => `\${"${dollars}"}{`)
      .replace(/%\{/g, '%%{');
    if (fragments[i + 1]?.isToken) {
      const dollars = /\$+$/.exec(literal);
      if (dollars) literal = `${literal.slice(0, dollars.index)}\${"${dollars[0]}"}`;
    }
    out += literal.replace(/(\$*)\r/g, (_m, dollars: string) => `\${"${dollars}\\r"}`);
  }
  return out;
}

/**
 * Undoes {@link terraformString} on text without references, as Terraform would (for tests
 * and tooling).
 * @internal
 */
export function unescapeTerraform(text: string): string {
  return text.replace(
    /\$\{"((?:\$|\\r)+)"\}|([$%])\2\{/g,
    (_m, literal?: string, escaped?: string) =>
      literal !== undefined ? literal.replace(/\\r/g, '\r') : `${escaped}{`,
  );
}
