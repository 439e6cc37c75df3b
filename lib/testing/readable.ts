/**
 * Shows the references in synthesized Terraform strings in a readable form.
 *
 * The library wraps every reference that lands inside a document (a jobspec, a policy, an agent
 * configuration) in a chain of Terraform functions that escapes its value for the document's
 * parser: `${replace(replace(…(jsonencode(var.x))…))}`. That chain is correct but unreadable
 * in a snapshot. `readableTerraform` writes each such reference as `${var.x}`, and undoes
 * Terraform's own escapes of the literal text (`$${` → `${`, `%%{` → `%{`), giving the
 * document as its reader will see it, with references by address.
 */
export function readableTerraform(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '$' || ch === '%') && text[i + 1] === ch && text[i + 2] === '{') {
      out += ch + '{';
      i += 2;
    } else if (ch === '$' && text[i + 1] === '{') {
      const end = closing(text, i + 1);
      if (end === -1) {
        out += text.slice(i);
        break;
      }
      const expression = text.slice(i + 2, end);
      // dollar signs and carriage returns written as an interpolation of themselves: literal text
      out += /^"(?:\$|\\r)+"$/.test(expression)
        ? expression.slice(1, -1).replace(/\\r/g, '\r')
        : '${' + simplify(expression) + '}';
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

/** The innermost argument of the escaping chain, or the expression as it is. */
function simplify(expression: string): string {
  for (const fn of ['jsonencode(', 'tonumber(']) {
    const at = expression.indexOf(fn);
    if (at === -1) continue;
    const start = at + fn.length;
    const end = closing(expression, start - 1);
    if (end !== -1) return expression.slice(start, end);
  }
  return expression;
}

/** Index of the bracket closing the one at `open` (`{` or `(`), skipping quoted strings. */
function closing(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '{' || ch === '(') depth++;
    else if ((ch === '}' || ch === ')') && --depth === 0) return i;
  }
  return -1;
}
