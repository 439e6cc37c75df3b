import { Fn, Token } from 'cdktf';
import { Document } from 'yaml';
import type { ScalarTag, Tags } from 'yaml';
import { ConfigError } from '../core/errors';
import { escapeMarksAfterEscapes, unicodeEscape } from '../core/escaped-marks';
import { renderSegments, splitTokens } from '../core/tokens';
import { unquotedJson } from '../hcl/token-value';

/**
 * YAML for files that consul-template renders before Traefik reads them.
 *
 * The Traefik configuration files reach the task as Nomad `template` blocks. consul-template
 * reads their text as a Go template first (delimiters `{{` and `}}`), and Traefik's file
 * provider reads dynamic files as a Go template once more. So the text must hold no `{{` and no
 * `}}` at all, while YAML readers must still get every value back exactly, including Traefik's
 * own template-valued options such as ``defaultRule: Host(`{{ normalize .Name }}`)``.
 *
 * How:
 * - the `yaml` library lays out the document (mappings, sequences, indentation, numbers,
 *   booleans);
 * - every string value is written as a double-quoted scalar escaped as JSON escapes strings,
 *   with `{` and `}` written as the escapes `\u007b` and `\u007d` (see {@link templateSafeScalar}).
 *   Escapes mean nothing to Go templates and are decoded by every YAML reader;
 * - keys are Traefik's option names and names checked to be letters, digits, `-` and `_`; they
 *   are written plain (or, for anything else, like values);
 * - a value that is one whole cdktf token (a Terraform reference) becomes a live reference to
 *   Terraform's JSON encoding of it, with `{`/`}` rewritten the same way by Terraform's
 *   `replace` (see {@link templateSafeToken}); text that mixes literal segments and references
 *   becomes one quoted scalar of both ({@link templateSafeText}).
 *
 * Empty mappings are written `{}` and empty sequences `[]`; neither can form `{{` or `}}` in
 * block layout, and {@link renderTemplateSafeYaml} checks the final text anyway.
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/template
 * @see https://doc.traefik.io/traefik/v3.7/providers/file/#go-templating
 */

/**
 * Characters written as `\uXXXX` besides what JSON escapes: the template delimiters, and those
 * YAML readers misread or refuse when raw. Traefik v3.7's reader (gopkg.in/yaml.v3) folds a raw
 * NEL (U+0085) into a space and refuses raw DEL and C1 controls ("control characters are not
 * allowed"), while it decodes the escapes exactly (both checked against the built binary). The
 * line/paragraph separators, the byte-order mark and U+FFFE/U+FFFF are escaped as well, for
 * YAML 1.1 readers.
 */
const EXTRA_ESCAPES = /[{}\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A lone UTF-16 surrogate: not text any reader could decode. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Writes text as a YAML double-quoted scalar that contains no `{` or `}` (so never `{{`/`}}`)
 * and is on one line: JSON's escaping, plus `\uXXXX` for braces and for characters YAML readers
 * would fold or refuse, plus an escape for each combining mark right after an escape (which
 * normalizing the file would join to it, see {@link escapeMarksAfterEscapes}).
 *
 * `YAML.parse(templateSafeScalar(s)) === s`. The scalar is a JSON string too, unless a mark
 * above U+FFFF follows an escape: YAML writes that as `\UXXXXXXXX`, and refuses the surrogate
 * pair JSON would use.
 * @internal
 */
export function templateSafeScalar(text: string): string {
  return `"${templateSafeInside(text)}"`;
}

/**
 * The inside of {@link templateSafeScalar}'s scalar (without its quotes).
 *
 * @param afterReference whether a reference's value (escaped by Terraform, so possibly ending
 *   in an escape) comes right before the text
 */
function templateSafeInside(text: string, afterReference = false): string {
  if (LONE_SURROGATE.test(text)) {
    throw new ConfigError(
      'Traefik configuration',
      'string',
      text,
      'The text holds a lone UTF-16 surrogate, which is not valid Unicode; fix the text.',
    );
  }
  const inside = JSON.stringify(text)
    .slice(1, -1)
    .replace(EXTRA_ESCAPES, (ch) => unicodeEscape(ch.charCodeAt(0)));
  return escapeMarksAfterEscapes(inside, unicodeEscape, afterReference);
}

/**
 * The scalar for a value Terraform supplies (one whole cdktf token: a string, a number or a
 * list of strings): a reference to `jsonencode(value)` with `{`, `}` and NEL rewritten as
 * `\u007b`, `\u007d` and `\u0085` by `replace`. A JSON string is a YAML double-quoted scalar (a
 * JSON number a plain scalar, a JSON list a flow sequence), and Terraform's `jsonencode` already
 * escapes control characters, quotes, backslashes and U+2028/U+2029. DEL and the other C1
 * controls stay raw: Traefik's reader then refuses the file rather than misreading it.
 *
 * Returns a string token; put it in the YAML text in place of the scalar.
 * @internal
 */
export function templateSafeToken(value: string | number | string[]): string {
  let expression: string = Fn.jsonencode(value);
  // cdktf writes string arguments into the HCL expression without escaping backslashes, so
  // each argument is given as the HCL source of the string: "\\u007b" reads as \u007b, and
  // "\u0085" as the NEL character. test-terraform/traefik.test.ts checks this with Terraform.
  for (const [from, to] of [
    ['{', '\\\\u007b'],
    ['}', '\\\\u007d'],
    ['\\u0085', '\\\\u0085'],
  ]) {
    expression = Fn.replace(expression, from, to);
  }
  return Token.asString(expression);
}

/**
 * The scalar for text that mixes literal segments and references (`'http://' + host`): one
 * double-quoted scalar whose literal segments are escaped as {@link templateSafeScalar} escapes
 * text, and whose references are live, each value JSON-escaped by Terraform without its quotes
 * and with `{`, `}` and NEL rewritten as {@link templateSafeToken} rewrites them.
 * @internal
 */
export function templateSafeText(text: string): string {
  const inside = renderSegments(text, templateSafeInside, (marker) =>
    unquotedJson(templateSafeToken(marker)),
  );
  return `"${inside}"`;
}

/** Keys written plain: option names and checked names that no YAML reader could read otherwise. */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
const RESERVED_KEY = /^(?:null|true|false|yes|no|on|off|y|n)$/i;
const STRING_TAG = 'tag:yaml.org,2002:str';

/**
 * Renders a plain object (strings, finite numbers, booleans, arrays, plain objects, and whole
 * cdktf tokens in place of strings, numbers or string lists) as template-safe YAML.
 *
 * @param where names the document in error messages, e.g. "TraefikStaticConfig".
 * @internal
 */
export function renderTemplateSafeYaml(where: string, value: Record<string, unknown>): string {
  const live = new Set<string>();
  const prepared = prepare(where, '', value, live);

  // Replaces the core schema's string tag: same identification and parsing, our writing.
  const strings: ScalarTag = {
    identify: (v) => typeof v === 'string',
    default: true,
    tag: STRING_TAG,
    resolve: (source) => source,
    stringify(item, ctx) {
      const text = String(item.value);
      if (live.has(text)) return text;
      if (ctx.implicitKey && PLAIN_KEY.test(text) && !RESERVED_KEY.test(text)) return text;
      return templateSafeScalar(text);
    },
  };
  const customTags = (tags: Tags): Tags =>
    tags.map((tag) => (typeof tag === 'object' && tag.tag === STRING_TAG ? strings : tag));

  const doc = new Document(prepared, { customTags });
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0 });
  if (/\{\{|\}\}/.test(text)) {
    // Cannot happen with the scalars above; kept so a regression fails loudly, not in Nomad.
    throw new Error(`${where}: rendered YAML contains a template delimiter:\n${text}`);
  }
  return text;
}

function prepare(where: string, path: string, value: unknown, live: Set<string>): unknown {
  const at = path === '' ? 'value' : path;
  if (typeof value === 'string') {
    if (!Token.isUnresolved(value)) return value;
    const fragments = splitTokens(value);
    if (fragments.length === 1 && fragments[0].isToken) return track(templateSafeToken(value));
    return track(templateSafeText(value));
  }
  if (typeof value === 'number') {
    if (Token.isUnresolved(value)) return track(templateSafeToken(value));
    if (!Number.isFinite(value)) {
      throw new ConfigError(where, at, String(value), 'Give a finite number.');
    }
    return value;
  }
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (Token.isUnresolved(value)) return track(templateSafeToken(value as string[]));
    return value.map((item, i) => prepare(where, `${path}[${i}]`, item, live));
  }
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (Token.isUnresolved(key)) {
        throw new ConfigError(
          where,
          `${at} key`,
          key,
          'Keys must be literal names, not Terraform references.',
        );
      }
      out[key] = prepare(where, path === '' ? key : `${path}.${key}`, item, live);
    }
    return out;
  }
  throw new ConfigError(
    where,
    at,
    value === null ? 'null' : typeof value,
    'Give a string, number, boolean, list or plain object (or leave the key out).',
  );

  function track(token: string): string {
    live.add(token);
    return token;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
