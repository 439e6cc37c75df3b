/**
 * Where cdktf tokens sit inside a string.
 * @internal
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
  TOKEN_MARKER.lastIndex = 0;
  return TOKEN_MARKER.test(text);
}
