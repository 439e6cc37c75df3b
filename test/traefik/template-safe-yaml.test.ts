import { Fn, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  renderTemplateSafeYaml,
  templateSafeScalar,
  templateSafeToken,
} from '../../lib/traefik/template-safe-yaml';
import { isWellFormed } from '../unicode-text';

const DELIMITERS = /\{\{|\}\}/;

/** Strings of any code points (lone surrogates aside: they are refused). */
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter(isWellFormed);

describe('templateSafeScalar', () => {
  test('Traefik’s default rule template reaches the reader intact, without delimiters', () => {
    // GIVEN the Nomad provider's default rule, a Go template
    const rule = 'Host(`{{ normalize .Name }}`)';
    // WHEN it is written as a scalar
    const scalar = templateSafeScalar(rule);
    // THEN the text has no braces, and YAML and JSON readers get the rule back
    expect(scalar).toBe('"Host(`\\u007b\\u007b normalize .Name \\u007d\\u007d`)"');
    expect(parse(scalar)).toBe(rule);
    expect(JSON.parse(scalar)).toBe(rule);
  });

  test('characters YAML 1.1 readers fold or refuse are escaped', () => {
    const value = 'nel\u0085 ls\u2028 ps\u2029 bom\ufeff del\u007f c1\u009b';
    const scalar = templateSafeScalar(value);
    expect(scalar).toBe('"nel\\u0085 ls\\u2028 ps\\u2029 bom\\ufeff del\\u007f c1\\u009b"');
    expect(parse(scalar)).toBe(value);
  });

  test('a lone surrogate is refused', () => {
    expect(() => templateSafeScalar('a\ud800b')).toThrow(/lone UTF-16 surrogate/);
  });

  test('property: any text is one line, has no braces, and reads back exactly', () => {
    fc.assert(
      fc.property(text, (s) => {
        const scalar = templateSafeScalar(s);
        expect(scalar).not.toMatch(/[{}\n\r]/);
        expect(parse(scalar)).toBe(s);
        // a JSON string too, unless a mark above U+FFFF follows an escape (written \UXXXXXXXX)
        if (!scalar.includes('\\U')) expect(JSON.parse(scalar)).toBe(s);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('renderTemplateSafeYaml', () => {
  test('the document reads back to the same object and holds no template delimiter', () => {
    // GIVEN an object with braces in values, keys that YAML would read as other types, empty
    // collections, numbers and booleans
    const value = {
      providers: {
        nomad: { defaultRule: 'Host(`{{ normalize .Name }}`)', exposedByDefault: false },
      },
      true: 'yes',
      '8080': 8080,
      list: ['{{', '}}', '{}', '', 'a: b', '- c', '# d', "'e'"],
      empty: {},
      none: [],
      nested: { tailscale: {} },
      multiLine: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n',
    };
    // WHEN it is rendered
    const yaml = renderTemplateSafeYaml('Test', value);
    // THEN
    expect(yaml).not.toMatch(DELIMITERS);
    expect(parse(yaml)).toEqual(value);
    expect(yaml).toContain('defaultRule: "Host(`\\u007b\\u007b normalize .Name \\u007d\\u007d`)"');
  });

  test('property: any nesting of any strings reads back exactly, with no delimiter', () => {
    const key = fc.oneof(fc.constantFrom('a', 'true', 'null', '8080', 'y'), text);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.boolean(),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (value) => {
        const yaml = renderTemplateSafeYaml('Test', value);
        expect(yaml).not.toMatch(DELIMITERS);
        expect(parse(yaml)).toEqual(value);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  test('a whole Terraform reference becomes a live jsonencode reference with braces replaced', () => {
    // GIVEN values from Terraform variables: a string, a number and a list
    const stack = new TerraformStack(Testing.app(), 'yaml');
    const rule = new TerraformVariable(stack, 'rule', { type: 'string' });
    const port = new TerraformVariable(stack, 'port', { type: 'number' });
    const ips = new TerraformVariable(stack, 'ips', { type: 'list(string)' });

    // WHEN they are rendered into a document that lands in a Terraform attribute
    const yaml = renderTemplateSafeYaml('Test', {
      rule: rule.stringValue,
      port: port.numberValue,
      ips: ips.listValue,
    });
    new TerraformOutput(stack, 'yaml', { value: yaml });
    const out: string = JSON.parse(Testing.synth(stack)).output.yaml.value;

    // THEN each value is one Terraform expression: replace(jsonencode(...)) with the HCL source
    // of the strings exactly as intended ("\\u007b" is the text \u007b, "\u0085" is NEL)
    const expr = (v: string) =>
      `\${replace(replace(replace(jsonencode(var.${v}), "{", "\\\\u007b"), "}", "\\\\u007d"), "\\u0085", "\\\\u0085")}`;
    expect(out).toBe(`rule: ${expr('rule')}\nport: ${expr('port')}\nips: ${expr('ips')}\n`);
  });

  test('templateSafeToken wraps any whole token', () => {
    const stack = new TerraformStack(Testing.app(), 'token');
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    const token = templateSafeToken(Fn.upper(v.stringValue));
    expect(Token.isUnresolved(token)).toBe(true);
    new TerraformOutput(stack, 'o', { value: token });
    expect(JSON.parse(Testing.synth(stack)).output.o.value).toMatch(
      /^\$\{replace\(replace\(replace\(jsonencode\(upper\(var\.v\)\), "\{"/,
    );
  });

  test('text mixing literals and a reference is one quoted scalar with the reference live', () => {
    const stack = new TerraformStack(Testing.app(), 'mixed');
    const host = new TerraformVariable(stack, 'host', { type: 'string' }).stringValue;
    const yaml = renderTemplateSafeYaml('Doc', { endpoint: { address: `http://${host}:4646` } });
    new TerraformOutput(stack, 'o', { value: yaml });
    const out = JSON.parse(Testing.synth(stack)).output.o.value as string;
    // the value JSON-escaped by Terraform, its quotes trimmed, braces rewritten
    expect(out).toBe(
      'endpoint:\n  address: "http://${trimsuffix(trimprefix(replace(replace(replace(' +
        'jsonencode(var.host), "{", "\\\\u007b"), "}", "\\\\u007d"), "\\u0085", "\\\\u0085"), ' +
        '"\\""), "\\"")}:4646"\n',
    );
  });

  test('values YAML cannot carry are refused with their path', () => {
    expect(() => renderTemplateSafeYaml('Doc', { a: { b: [1, Infinity] } })).toThrow(
      /Doc: invalid a.b\[1\] "Infinity". Give a finite number/,
    );
    expect(() => renderTemplateSafeYaml('Doc', { a: null })).toThrow(/Doc: invalid a "null"/);
    expect(() => renderTemplateSafeYaml('Doc', { a: new Date(0) })).toThrow(
      /Doc: invalid a "object"/,
    );
  });
});
