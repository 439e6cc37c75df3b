import { jsonDocument } from '../../lib/core/json-document';
import { unescapeTerraform } from '../../lib/core/terraform-string';
import { intentionPrecedence } from '../../lib/consul/service-intentions';

/**
 * The consul provider compares `config_json` as text with what it reads back, which it writes
 * with Go's json.Marshal of a map (compact, keys in byte order, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped). A document written otherwise plans a change on every run, and for the
 * Connect CA a replacement (seen on a real Consul: test-terraform/platform.test.ts).
 */
describe('jsonDocument writes JSON as Go writes a map', () => {
  test('keys of every object in byte order, integer-like keys among them', () => {
    // GIVEN keys a JavaScript object would reorder (integer-like ones first, in numeric order)
    const text = unescapeTerraform(
      jsonDocument({ b: 1, '9': 2, '10': 3, a: { z: true, Z: false }, B: [{ y: 1, x: 2 }] }),
    );
    // THEN "10" < "9" < "B" < "a" < "b" as bytes, inside nested objects and arrays too
    expect(text).toBe('{"10":3,"9":2,"B":[{"x":2,"y":1}],"a":{"Z":false,"z":true},"b":1}');
    expect(JSON.parse(text)).toEqual({
      b: 1,
      '9': 2,
      '10': 3,
      a: { z: true, Z: false },
      B: [{ y: 1, x: 2 }],
    });
  });

  test('a key beyond ASCII sorts by its UTF-8 bytes, not its UTF-16 units', () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80: the emoji sorts last in bytes,
    // first in UTF-16 units (D83D < FF21)
    const text = unescapeTerraform(jsonDocument({ '\u{1F600}': 1, '\uFF21': 2 }));
    expect(text).toBe('{"\uFF21":2,"\u{1F600}":1}');
  });

  test('HTML-sensitive characters and the line separators are escaped, as Go escapes them', () => {
    const text = unescapeTerraform(
      jsonDocument({ url: 'https://x/?a=1&b=<2>', s: '\u2028\u2029' }),
    );
    expect(text).toBe('{"s":"\\u2028\\u2029","url":"https://x/?a=1\\u0026b=\\u003c2\\u003e"}');
    expect(JSON.parse(text)).toEqual({ url: 'https://x/?a=1&b=<2>', s: '\u2028\u2029' });
  });

  test('undefined properties are left out, as JSON.stringify leaves them', () => {
    expect(unescapeTerraform(jsonDocument({ a: undefined, b: [undefined], c: null }))).toBe(
      '{"b":[null],"c":null}',
    );
  });
});

describe('intentionPrecedence is what Consul computes', () => {
  test.each([
    ['api', 'web', 9],
    ['api', '*', 8],
    ['*', 'web', 6],
    ['*', '*', 5],
  ])('destination %s, source %s: %d', (destination, source, expected) => {
    expect(intentionPrecedence(destination, source)).toBe(expected);
  });
});
