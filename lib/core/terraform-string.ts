import { splitTokens } from './tokens';

/**
 * The one way text becomes a Terraform string. Every string the library puts into a provider
 * attribute (a name, a path, a rendered jobspec or policy) goes through it, so no text a user
 * types is ever evaluated by Terraform:
 *
 * - in literal text, `${` and `%{` become `$${` and `%%{`;
 * - a run of `$` right before a reference is written as the interpolation `${"$…"}`, because
 *   `$` followed by the reference's own `${` would read as the escape `$${`;
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
    let literal = fragment.text.replace(/([$%])\{/g, '$1$1{');
    if (fragments[i + 1]?.isToken) {
      const dollars = /\$+$/.exec(literal);
      if (dollars) literal = `${literal.slice(0, dollars.index)}\${"${dollars[0]}"}`;
    }
    out += literal;
  }
  return out;
}

/**
 * Undoes {@link terraformString} on text without references, as Terraform would (for tests
 * and tooling).
 * @internal
 */
export function unescapeTerraform(text: string): string {
  return text.replace(/([$%])\1\{/g, '$1{');
}
