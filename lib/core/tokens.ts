/**
 * Text with references: where cdktf tokens sit inside a string. Every writer of the library
 * reads a user's text through {@link splitTokens}, as literal segments and reference segments,
 * and escapes each kind for its reader: literal text as it is, a reference's value through
 * Terraform functions when Terraform plans.
 *
 * Nothing here keeps state between calls: the shared pattern has no `g` flag, and a search
 * through one text uses a pattern of its own, so no `lastIndex` is left behind by one text to
 * shift where the next is searched (a shared global pattern once made every reference after
 * the first embedded one come out as literal text, for the rest of the process).
 * @internal
 */

/** One cdktf string token marker, e.g. `${TfToken[TOKEN.12]}`. */
const TOKEN_MARKER = /\$\{TfToken\[[^\]]+\]\}/;

/** A piece of text that is either literal or a cdktf token marker. */
export interface TextFragment {
  readonly text: string;
  readonly isToken: boolean;
}

/** Splits text into literal runs and cdktf token markers, in order. */
export function splitTokens(text: string): TextFragment[] {
  const fragments: TextFragment[] = [];
  const markers = new RegExp(TOKEN_MARKER.source, 'g');
  let last = 0;
  for (let match = markers.exec(text); match !== null; match = markers.exec(text)) {
    if (match.index > last) fragments.push({ text: text.slice(last, match.index), isToken: false });
    fragments.push({ text: match[0], isToken: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) fragments.push({ text: text.slice(last), isToken: false });
  return fragments;
}

/** True when the text holds at least one cdktf token marker. */
export function containsTokens(text: string): boolean {
  return TOKEN_MARKER.test(text);
}

/**
 * Writes text with references for one reader: each literal segment through `literal` (told
 * whether a reference's value, escaped by Terraform and so possibly ending in an escape, comes
 * right before it), each reference through `reference`, joined in order. Every writer of a
 * quoted string (HCL, JSON, YAML) renders through it.
 */
export function renderSegments(
  text: string,
  literal: (text: string, afterReference: boolean) => string,
  reference: (marker: string) => string,
): string {
  let out = '';
  let afterReference = false;
  for (const fragment of splitTokens(text)) {
    out += fragment.isToken ? reference(fragment.text) : literal(fragment.text, afterReference);
    afterReference = fragment.isToken;
  }
  return out;
}
