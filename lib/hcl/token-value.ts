import { Fn, Token } from 'cdktf';

// Terraform source text for the string literals below. Fn.rawString writes its text into the
// Terraform expression as it is (only quotes are escaped), so each backslash Terraform should
// see as a character is written twice here.
const TF_QUOTE = Fn.rawString('"');
const TF_TWO_BACKSLASHES = Fn.rawString('\\\\\\\\');
const TF_BACKSPACE_ESCAPE = Fn.rawString('\\\\b');
const TF_FORMFEED_ESCAPE = Fn.rawString('\\\\f');
const TF_HCL_BACKSPACE = Fn.rawString('\\\\u0008');
const TF_HCL_FORMFEED = Fn.rawString('\\\\u000c');
/** U+0001: jsonencode always escapes it, so it never appears raw in its output. */
const TF_PARK = Fn.rawString('\\u0001');

/**
 * Wraps a cdktf string token so its value, known only when Terraform runs, lands inside an HCL
 * quoted string correctly escaped: `jsonencode` escapes quotes, backslashes and control
 * characters, the outer quotes are trimmed, the two JSON escapes HCL lacks are rewritten, and
 * template sequences are doubled. The result is again a token, so the reference stays live.
 */
export function hclQuotedTokenValue(tokenMarker: string): string {
  const json = Fn.jsonencode(tokenMarker);
  const unquoted = Fn.trimsuffix(Fn.trimprefix(json, TF_QUOTE), TF_QUOTE);
  // jsonencode writes backspace and form feed as \b and \f, which HCL does not read. Every
  // backslash in its output starts an escape, so `\\` pairs are parked on U+0001 first, then
  // \b and \f become \u escapes, then the pairs come back.
  const parked = Fn.replace(unquoted, TF_TWO_BACKSLASHES, TF_PARK);
  const rewritten = Fn.replace(
    Fn.replace(parked, TF_BACKSPACE_ESCAPE, TF_HCL_BACKSPACE),
    TF_FORMFEED_ESCAPE,
    TF_HCL_FORMFEED,
  );
  const restored = Fn.replace(rewritten, TF_PARK, TF_TWO_BACKSLASHES);
  // cdktf escapes `${` in function arguments for Terraform but passes `%{` through as it is,
  // and a bare "%{" in a Terraform string opens a template directive. So the `%` pair is given
  // already escaped: Terraform reads "%%{" as `%{` and "%%%{" as `%%{`.
  const escaped = Fn.replace(Fn.replace(restored, '${', '$${'), '%%{', '%%%{');
  return Token.asString(escaped);
}
