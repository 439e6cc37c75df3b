import fc from 'fast-check';
import { parseHcl } from './helpers';

/** Text as its code points (`U+1e5b`), so that a failing comparison shows what differs. */
export function points(text: string): string[] {
  return Array.from(text, (c) => `U+${c.codePointAt(0)!.toString(16)}`);
}

/** Whether text is valid Unicode: no lone UTF-16 surrogate, which no reader could decode. */
export function isWellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * Text made of the characters where Go's Unicode normalization and Unicode's own can part:
 * code points above U+FFFF (some sharing their low 16 bits with Latin letters or with Brahmic
 * letters that compose), marks of several combining classes, marks of class 0 that compose,
 * Hangul jamo, and long runs of one mark. The unit tests read it with hcl2json, the Terraform
 * checks with Terraform and Nomad.
 */
export function normalizationText(): fc.Arbitrary<string> {
  const point = fc.oneof(
    fc.constantFrom(0x10041, 0x10065, 0x20041, 0x20065, 0x11099, 0x21099, 0x1099, 0x11347),
    fc.constantFrom(0x300, 0x301, 0x308, 0x316, 0x323, 0x327, 0x334, 0x345, 0x5b0),
    fc.constantFrom(0x9be, 0xbbe, 0xbc6, 0x110ba, 0x1133e, 0x11357, 0x1d165, 0x34f),
    fc.constantFrom(0x1100, 0x1161, 0x11a8, 0xac00, 0x41, 0x65, 0xe9, 0x20),
    fc.integer({ min: 0x300, max: 0x36f }),
    fc.integer({ min: 0x10000, max: 0x2ffff }),
  );
  const sequence = fc.oneof(
    fc.array(point, { minLength: 1, maxLength: 6 }),
    fc.tuple(point, fc.integer({ min: 28, max: 33 })).map(([p, n]) => Array<number>(n).fill(p)),
  );
  return fc
    .array(sequence, { minLength: 1, maxLength: 3 })
    .map((parts) => String.fromCodePoint(...parts.flat()));
}

/**
 * Text whose normalization depends on the version of Go's Unicode tables: a mark after a
 * character above U+FFFF, or more than 30 code points in a row that can join the one before
 * (marks, Hangul vowel and trailing jamo, and U+16D67, the one letter that is the second half of
 * a composition). The library refuses such text where any version would change it.
 */
export const VERSION_DEPENDENT =
  /[\u{10000}-\u{10ffff}]\p{M}|[\p{M}\u1161-\u1175\u11a8-\u11c2\u{16d67}]{31}/u;

/** Texts that Go's normalization turns into other text, with what the library's error names. */
export const CHANGED_BY_GO: readonly (readonly [name: string, text: string, becomes: string])[] = [
  ['a Linear B syllable and a grave accent', '\u{10041}\u0300', 'U+00C0'],
  ['a CJK ideograph and an acute accent', 'x\u{20065}\u0301y', 'U+00E9'],
  ['an unassigned code point and a grave accent', '\u{40399}\u0300', 'U+1FDA'],
  ['a Myanmar digit and a Kaithi nukta', '\u1099\u{110BA}', 'U+1109A'],
  ['a Tamil vowel sign between a letter and a mark below', 'e\u0BBE\u0316\u0301', 'U+00E9'],
  ['31 combining marks in a row', `a${'\u0316'.repeat(31)}`, 'U+034F'],
];

/** Texts with marks and characters above U+FFFF that Go normalizes as Unicode does. */
export const KEPT_BY_GO: readonly (readonly [name: string, text: string])[] = [
  ['a decomposed é', 'e\u0301'],
  ['emoji with a skin tone, a ZWJ family and a variation selector', '👍🏽 👨‍👩‍👧 ❤️'],
  ['a CJK ideograph alone', '\u{20065}'],
  ['a Kaithi letter and its nukta, a real pair above U+FFFF', '\u{11099}\u{110BA}'],
  ['a musical symbol with combining stems', '\u{1D158}\u{1D165}\u{1D16E}'],
  ['an emoji and a combining acute', '😀\u0301'],
  ['Tamil with a two-part vowel sign', '\u0B95\u0BC6\u0BBE'],
  ['Hangul jamo', '\u1100\u1161\u11A8 \uAC00\u11A8'],
  ['30 combining marks in a row', `a${'\u0316'.repeat(30)}`],
];

/**
 * What a Go reader makes of a string: hcl2json is HCL2 and go-cty compiled from Go, with the
 * golang.org/x/text normalizer that Terraform, Nomad and the providers use (an older release,
 * with older Unicode tables). The test-terraform checks read the same texts with Terraform and
 * Nomad themselves.
 */
export async function readByGo(text: string): Promise<string> {
  const escaped = Array.from(text, (c) => `\\U${c.codePointAt(0)!.toString(16).padStart(8, '0')}`);
  const parsed = await parseHcl(`value = "${escaped.join('')}"\n`);
  return parsed.value;
}

/**
 * Whether the library may refuse a text for its normalization: a Go reader changes its NFC
 * form, or the outcome depends on the version of Go's Unicode tables.
 */
export async function refusableForNormalization(text: string): Promise<boolean> {
  const nfc = text.normalize('NFC');
  return VERSION_DEPENDENT.test(nfc.normalize('NFD')) || (await readByGo(nfc)) !== nfc;
}
