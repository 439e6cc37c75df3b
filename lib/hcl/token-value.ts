import { Fn, Token } from 'cdktf';

/**
 * Wraps a cdktf string token so its value, known only when Terraform runs, lands inside an HCL
 * quoted string correctly escaped: `jsonencode` escapes quotes, backslashes and control
 * characters the way HCL reads them, the outer quotes are trimmed, and template sequences are
 * doubled. The result is again a token, so the reference stays live.
 */
export function hclQuotedTokenValue(tokenMarker: string): string {
  const json = Fn.jsonencode(tokenMarker);
  const quote = Fn.rawString('"');
  const unquoted = Fn.trimsuffix(Fn.trimprefix(json, quote), quote);
  // cdktf escapes `${` in function arguments for Terraform but passes `%{` through as it is,
  // and a bare "%{" in a Terraform string opens a template directive. So the `%` pair is given
  // already escaped: Terraform reads "%%{" as `%{` and "%%%{" as `%%{`.
  const escaped = Fn.replace(Fn.replace(unquoted, '${', '$${'), '%%{', '%%%{');
  return Token.asString(escaped);
}
