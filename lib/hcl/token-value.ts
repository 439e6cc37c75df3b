import { Fn, Token } from 'cdktf';

/**
 * How a cdktf reference lands inside an HCL document whose text Terraform assembles: the
 * reference stays live, and Terraform itself escapes its value when it plans. The same
 * rewriting serves both dialects, because it writes only escapes HCL2 and HCL v1 share.
 * @internal
 */

// Terraform source text for the string literals below. Fn.rawString writes its text into the
// Terraform expression as it is (only quotes are escaped), so each backslash Terraform should
// see as a character is written twice here.
const TF_QUOTE = Fn.rawString('"');
const TF_TWO_BACKSLASHES = Fn.rawString('\\\\\\\\');
const TF_BACKSPACE_ESCAPE = Fn.rawString('\\\\b');
const TF_FORMFEED_ESCAPE = Fn.rawString('\\\\f');
const TF_U_BACKSPACE = Fn.rawString('\\\\u0008');
const TF_U_FORMFEED = Fn.rawString('\\\\u000c');
const TF_U_DOLLAR = Fn.rawString('\\\\u0024');
const TF_U_PERCENT = Fn.rawString('\\\\u0025');
/** U+0001: jsonencode always escapes it, so it never appears raw in its output. */
const TF_PARK = Fn.rawString('\\u0001');

/**
 * The value of a JSON text as HCL source: `jsonencode` has already escaped quotes,
 * backslashes and control characters; its `\b` and `\f` (which HCL2 lacks) become `\u`
 * escapes, and every `$` and `%` becomes `\u0024` / `\u0025`, so no value can open a template
 * in HCL2, skip quotes in HCL v1, or join the text around it into one.
 */
function rewriteJson(json: string): string {
  // Every backslash in jsonencode's output starts an escape, so `\\` pairs are parked on
  // U+0001 first, then \b and \f are rewritten, then the pairs come back.
  const parked = Fn.replace(json, TF_TWO_BACKSLASHES, TF_PARK);
  const rewritten = Fn.replace(
    Fn.replace(parked, TF_BACKSPACE_ESCAPE, TF_U_BACKSPACE),
    TF_FORMFEED_ESCAPE,
    TF_U_FORMFEED,
  );
  const restored = Fn.replace(rewritten, TF_PARK, TF_TWO_BACKSLASHES);
  return Fn.replace(Fn.replace(restored, '$', TF_U_DOLLAR), '%', TF_U_PERCENT);
}

/** A JSON string expression without its surrounding quotes (the inside of a quoted string). */
export function unquotedJson(json: string): string {
  return Token.asString(Fn.trimsuffix(Fn.trimprefix(json, TF_QUOTE), TF_QUOTE));
}

/** A string reference, for the inside of an HCL quoted string. */
export function quotedTokenValue(tokenMarker: string): string {
  return Token.asString(rewriteJson(unquotedJson(Fn.jsonencode(tokenMarker))));
}

/** A list reference, as an HCL list of strings (`["a", "b"]`). */
export function listTokenValue(list: string[]): string {
  return Token.asString(rewriteJson(Fn.jsonencode(list)));
}

/** A number reference, as an HCL number; a value that is not a number fails the plan. */
export function numberTokenValue(value: number): string {
  return Token.asString(Fn.tonumber(value));
}

/** A string reference, for the inside of a JSON string: its value JSON-escaped by Terraform. */
export function jsonQuotedTokenValue(tokenMarker: string): string {
  return unquotedJson(Fn.jsonencode(tokenMarker));
}
