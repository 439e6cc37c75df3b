/** What {@link scanTerraformTemplate} found in a Terraform string. */
export interface TemplateScan {
  /** The text with escapes undone and each `${...}` replaced by the placeholder. */
  readonly text: string;
  /** Every sequence Terraform would evaluate (`${...}` and `%{...}`), in order. */
  readonly sequences: string[];
  /** Whether a sequence runs to the end of the text without its closing brace. */
  readonly unterminated: boolean;
}

/**
 * Scans a Terraform string left to right the way Terraform's template scanner does: `$${` and
 * `%%{` are escapes for literal `${` and `%{`; any other `${` or `%{` opens a sequence that ends
 * at its matching `}` (braces inside quoted strings do not count). An interpolation of a quoted
 * run of dollar signs (`${"$$"}`, how the library writes dollars before `{`) evaluates to that
 * literal text and is not reported as a sequence.
 */
export function scanTerraformTemplate(text: string, placeholder = 'REF'): TemplateScan {
  let out = '';
  const sequences: string[] = [];
  let unterminated = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if ((ch === '$' || ch === '%') && text[i + 1] === ch && text[i + 2] === '{') {
      out += ch + '{';
      i += 2;
    } else if (ch === '$' && /^\$\{"(?:\$|\\r)+"\}/.test(text.slice(i))) {
      // the library writes literal dollar signs before a "{", and carriage returns, as an
      // interpolation of themselves
      const literal = /^\$\{"((?:\$|\\r)+)"\}/.exec(text.slice(i))!;
      out += literal[1].replace(/\\r/g, '\r');
      i += literal[0].length - 1;
    } else if ((ch === '$' || ch === '%') && text[i + 1] === '{') {
      const end = endOfSequence(text, i + 2);
      if (end === -1) unterminated = true;
      const sequence = text.slice(i, end === -1 ? undefined : end + 1);
      sequences.push(sequence);
      out += ch === '$' ? placeholder : sequence;
      i = end === -1 ? text.length : end;
    } else {
      out += ch;
    }
  }
  return { text: out, sequences, unterminated };
}

/** Finds the template sequences Terraform would evaluate in a string. */
export function unescapedTemplateSequences(text: string): string[] {
  return scanTerraformTemplate(text).sequences;
}

function endOfSequence(text: string, from: number): number {
  let depth = 1;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}
