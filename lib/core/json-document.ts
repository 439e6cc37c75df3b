import { Fn, Token } from 'cdktf';
import { jsonQuotedTokenValue } from '../hcl/token-value';
import { escapeMarksAfterEscapes, jsonUnicodeEscape } from './escaped-marks';
import { terraformString } from './terraform-string';
import { renderSegments } from './tokens';

/**
 * A JSON document for a provider attribute that holds JSON (`config_json`), written the way the
 * provider writes what it reads back, so a second plan finds no difference: Go's `json.Marshal`
 * of a map, that is compact, with the keys of every object in byte order and `<`, `>`, `&`,
 * U+2028 and U+2029 as `\u` escapes ({@link goJson}). The consul provider compares
 * `config_json` as text, and for the Connect CA a difference replaces the CA.
 * Each string reference is JSON-escaped by Terraform when it plans (`jsonencode`, Go's encoder
 * as well), each number reference written as a number (`tonumber` fails the plan for anything
 * else), a combining mark right after an escape written as an escape too
 * ({@link escapeMarksAfterEscapes}), and the whole text passed through {@link terraformString}.
 * @internal
 */
export function jsonDocument(value: unknown): string {
  const numbers: number[] = [];
  const text =
    goOrderedJson(value, (v) => {
      numbers.push(v);
      return `\u0000number${numbers.length - 1}\u0000`;
    }) ?? 'null';
  let out = renderSegments(
    text,
    (literal, afterReference) =>
      escapeMarksAfterEscapes(goJson(literal), jsonUnicodeEscape, afterReference),
    jsonQuotedTokenValue,
  );
  out = out.replace(/"\\u0000number(\d+)\\u0000"/g, (_m, i) =>
    Token.asString(Fn.tonumber(numbers[Number(i)])),
  );
  return terraformString(out);
}

/** Go's `encoding/json` writes these as `\u` escapes (HTML-safe JSON); JSON.stringify does not. */
const GO_ESCAPED = /[<>&\u2028\u2029]/g;

/** JSON text as Go's encoder writes it: {@link GO_ESCAPED} characters as `\u` escapes. */
function goJson(text: string): string {
  return text.replace(GO_ESCAPED, (c) => jsonUnicodeEscape(c.codePointAt(0)!));
}

/**
 * JSON.stringify's text, with the keys of every object in the order Go's encoder writes a
 * map's (by their UTF-8 bytes; JavaScript objects would put integer-like keys first), and each
 * number reference replaced by a string `tokenNumber` gives.
 */
function goOrderedJson(value: unknown, tokenNumber: (n: number) => string): string | undefined {
  if (typeof value === 'number' && Token.isUnresolved(value)) {
    return JSON.stringify(tokenNumber(value));
  }
  const v = toJsonValue(value);
  if (Array.isArray(v)) {
    return `[${v.map((x) => goOrderedJson(x, tokenNumber) ?? 'null').join(',')}]`;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, goOrderedJson(x, tokenNumber)] as const)
      .filter((e): e is readonly [string, string] => e[1] !== undefined)
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${x}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function toJsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: () => unknown } | null | undefined)?.toJSON;
  return typeof toJSON === 'function' ? toJSON.call(value) : value;
}
