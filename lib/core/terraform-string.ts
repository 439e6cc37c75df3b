import { Token } from 'cdktf';
import { ConfigError } from './errors';
import { Produced } from './produced';
import { splitTokens } from './tokens';
import { UNICODE_NORMALIZATION, toNfc } from './unicode';

/**
 * Text that {@link terraformString} returns unchanged: ASCII (which is already NFC) without `$`,
 * `%` or a carriage return, so without token markers or template sequences either.
 */
const PLAIN = /^[^$%\r\u0080-\uffff]*$/;

/**
 * The one way text becomes a Terraform string. Every string the library puts into a provider
 * attribute (a name, a path, a rendered jobspec or policy) goes through it, so no text a user
 * types is ever evaluated by Terraform:
 *
 * - literal text is normalized to Unicode NFC, as Terraform normalizes every string literal of
 *   its configuration: what is synthesized is what Terraform plans. Text that Go's normalizer
 *   would turn into something else is refused ({@link toNfc});
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
  if (PLAIN.test(text)) return text;
  const fragments = splitTokens(text);
  let out = '';
  for (let i = 0; i < fragments.length; i++) {
    const fragment = fragments[i];
    if (fragment.isToken) {
      out += fragment.text;
      continue;
    }
    let literal = toNfc(fragment.text)
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

/**
 * A Terraform string whose text is rendered from a model when the stack is synthesized, so
 * changes made after construction count (the job of `Lazy.stringValue`, cheaper).
 *
 * cdktf resolves every attribute twice per synthesis (a preparing pass, then the real one) and
 * Aspects run in between. The text is rendered once per model revision: `revision` must change
 * whenever the model does (a counter every mutating method bumps); `undefined` means the model
 * cannot tell, and the text is rendered on every resolve. Unlike a `Lazy`, creating one captures
 * no stack trace.
 *
 * @param render the model's text, before Terraform escaping
 * @param revision the model's current revision
 * @param where the document, for errors raised while rendering it (a construct path)
 * @internal
 */
export function renderedTerraformString(
  render: () => string,
  revision: () => number | undefined,
  where: string,
): string {
  let renderedRevision: number | undefined;
  let text: string | undefined;
  const produce = (): string => {
    const current = revision();
    if (text === undefined || current === undefined || current !== renderedRevision) {
      try {
        text = terraformString(render());
      } catch (e) {
        // text refused for its normalization does not know which document held it
        if (e instanceof ConfigError && e.message.startsWith(UNICODE_NORMALIZATION)) {
          e.message = `${where}: ${e.message}`;
        }
        throw e;
      }
      renderedRevision = current;
    }
    return text;
  };
  return Token.asString(new Produced(produce));
}
