import { joinsPrevious } from './unicode';

/**
 * One escape sequence of a quoted string in HCL, JSON or YAML: a backslash and one character,
 * or `\u` with four hexadecimal digits, or `\U` with eight. In the text these formats' writers
 * produce, every backslash begins one.
 */
const ESCAPE = /\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[^])/g;

/**
 * Writes as escapes the characters that would join an escape sequence when the text is
 * normalized to Unicode NFC.
 *
 * Terraform normalizes the whole text of each string it plans (a jobspec, a policy, a JSON
 * document), escapes and all. An escape ends in an ASCII character, often a letter, and a
 * combining mark right after it could compose with that character: `\n` followed by U+0303 becomes `\ñ`, and
 * `\u001b` followed by U+0307 becomes `\u001ḃ`, which every reader then refuses. Each such
 * character after an escape is written as an escape itself (by `escape`), so the chain ends
 * only at a character that cannot join anything before it. The marks are written in the order
 * NFC puts them in, as Terraform would have left them had they been written raw: the character
 * before them (the escaped one) is a starter that composes with nothing, so reordering is all
 * NFC does to them.
 *
 * @param quoted the inside of a quoted string, already escaped for its format
 * @param escape writes one code point as an escape of the format
 * @param startsAfterEscape whether the text before `quoted` may end in an escape (the value of
 *   a reference that Terraform escapes), so that its leading marks are written as escapes too.
 *   Where that value ends in a plain letter instead, the marks then stay apart from it rather
 *   than compose: the same text to Unicode (canonically equivalent), not its NFC form.
 * @internal
 */
export function escapeMarksAfterEscapes(
  quoted: string,
  escape: (point: number) => string,
  startsAfterEscape = false,
): string {
  if (!/[\u0300-\u{10ffff}]/u.test(quoted)) return quoted;
  let out = '';
  let from = 0;
  const escapeMarks = (at: number): number => {
    let i = at;
    for (let point = quoted.codePointAt(i); point !== undefined && joinsPrevious(point);) {
      i += point > 0xffff ? 2 : 1;
      point = quoted.codePointAt(i);
    }
    // written in their NFC order, the order every reader would otherwise have got
    for (const mark of quoted.slice(at, i).normalize('NFC')) out += escape(mark.codePointAt(0)!);
    return i;
  };
  if (startsAfterEscape) from = escapeMarks(0);
  for (const match of quoted.matchAll(ESCAPE)) {
    const end = match.index + match[0].length;
    out += quoted.slice(from, end);
    from = escapeMarks(end);
  }
  return out + quoted.slice(from);
}

/** A code point as an escape of HCL (both dialects) or YAML: `\uXXXX` or `\UXXXXXXXX`. */
export function unicodeEscape(point: number): string {
  return point > 0xffff
    ? '\\U' + point.toString(16).padStart(8, '0')
    : '\\u' + point.toString(16).padStart(4, '0');
}

/** A code point as a JSON escape: `\uXXXX`, or a surrogate pair of them above U+FFFF. */
export function jsonUnicodeEscape(point: number): string {
  const units = String.fromCodePoint(point);
  let out = '';
  for (let i = 0; i < units.length; i++) {
    out += '\\u' + units.charCodeAt(i).toString(16).padStart(4, '0');
  }
  return out;
}
