import { Fn, Token } from 'cdktf';
import { jsonQuotedTokenValue } from '../hcl/token-value';
import { escapeMarksAfterEscapes, jsonUnicodeEscape } from './escaped-marks';
import { terraformString } from './terraform-string';
import { renderSegments } from './tokens';

/**
 * A JSON document for a provider attribute that holds JSON (`config_json`): written with
 * `JSON.stringify`, each string reference JSON-escaped by Terraform when it plans, each number
 * reference written as a number (`tonumber` fails the plan for anything else), a combining
 * mark right after an escape written as an escape too ({@link escapeMarksAfterEscapes}), and
 * the whole text passed through {@link terraformString}.
 * @internal
 */
export function jsonDocument(value: unknown): string {
  const numbers: number[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'number' && Token.isUnresolved(v)) {
      numbers.push(v);
      return `\u0000number${numbers.length - 1}\u0000`;
    }
    return v;
  });
  let out = renderSegments(
    text,
    (literal, afterReference) =>
      escapeMarksAfterEscapes(literal, jsonUnicodeEscape, afterReference),
    jsonQuotedTokenValue,
  );
  out = out.replace(/"\\u0000number(\d+)\\u0000"/g, (_m, i) =>
    Token.asString(Fn.tonumber(numbers[Number(i)])),
  );
  return terraformString(out);
}
