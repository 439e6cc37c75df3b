import { escapeMarksAfterEscapes, unicodeEscape } from '../core/escaped-marks';
import { hasControlCharacter } from '../core/checks';
import { containsTokens } from '../core/tokens';
import { HclDialect } from './dialect';

/**
 * Escaping of literal text for the inside of a quoted string, per dialect.
 * @internal
 */

/**
 * Escapes literal text for an HCL quoted string. Both dialects: quotes, backslashes and
 * control characters become escape sequences, and a `$` or `%` at the very end is written as a
 * `\u` escape because what follows the literal (a reference's value) could start with `{`.
 * HCL2: `${` / `%{` become `$${` / `%%{`. HCL v1: a `$` or `%` before `{` becomes `\u0024` /
 * `\u0025`, so an HCL v1 document holds no `${` or `%{` and Terraform evaluates none of its
 * text when it is put into a provider attribute as it is. A
 * combining mark right after an escape is written as an escape too, so that normalizing the
 * document cannot join the two ({@link escapeMarksAfterEscapes}).
 *
 * @param afterReference whether the text follows a reference, whose value (escaped by
 *   Terraform) may end in an escape
 */
export function escapeQuoted(text: string, dialect: HclDialect, afterReference = false): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const next = text[i + 1];
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '$':
      case '%':
        if (next !== undefined && next !== '{') out += ch;
        else if (next !== undefined && dialect === HclDialect.HCL2) out += ch + ch;
        else out += ch === '$' ? '\\u0024' : '\\u0025';
        break;
      default:
        out += hasControlCharacter(ch) ? unicodeEscape(ch.charCodeAt(0)) : ch;
    }
  }
  return escapeMarksAfterEscapes(out, unicodeEscape, afterReference);
}

/**
 * Escapes text for the body of an HCL2 heredoc, where backslashes are literal and only
 * template sequences need escaping. Callers must check {@link canBeHeredoc} first.
 */
export function escapeHeredoc(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

/**
 * Whether text can be written as an HCL2 heredoc and read back unchanged: it ends with a
 * newline, holds no reference, and no control characters other than newline and tab.
 */
export function canBeHeredoc(text: string): boolean {
  if (!text.endsWith('\n') || containsTokens(text)) return false;
  for (const ch of text) {
    if (ch !== '\n' && ch !== '\t' && hasControlCharacter(ch)) return false;
  }
  return true;
}

/** Whether a name is an HCL identifier (usable bare as an attribute name or block type). */
export function isHclIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
}
