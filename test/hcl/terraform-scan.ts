/**
 * Finds template sequences Terraform would evaluate in a JSON string: `${` or `%{` not written
 * as the escapes `$${` / `%%{`. Scans left to right the way Terraform's template scanner does.
 */
export function unescapedTemplateSequences(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '$' || ch === '%') && text[i + 1] === ch && text[i + 2] === '{') {
      i += 2; // an escape: literal "${" or "%{"
    } else if ((ch === '$' || ch === '%') && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      found.push(text.slice(i, end === -1 ? undefined : end + 1));
    }
  }
  return found;
}
