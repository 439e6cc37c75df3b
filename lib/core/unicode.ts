import { ConfigError } from './errors';

/**
 * Text in which nothing can compose: below U+0300 there are no combining marks, and every
 * character is its own NFC form.
 */
const NOTHING_TO_COMPOSE = /^[^\u0300-\u{10ffff}]*$/u;
/** Go's normalizer inserts U+034F after this many non-starters in a row (UAX #15). */
const MAX_NON_STARTERS = 30;
/**
 * Where a {@link toNfc} error says the problem is; the document that was rendering adds its own
 * name before it.
 * @internal
 */
export const UNICODE_NORMALIZATION = 'Unicode normalization';
/** How many code points of text around a problem a message quotes, each side. */
const EXCERPT = 24;

/**
 * Normalizes text to Unicode NFC the way Terraform and the HashiCorp tools will, and refuses
 * text that they would turn into something else.
 *
 * Terraform normalizes every string of its configuration to NFC (go-cty does it for each string
 * value), and so do Nomad's HCL2 parser and the providers, all with Go's
 * `golang.org/x/text/unicode/norm`. Where that normalizer and Unicode's algorithm (which
 * JavaScript implements) part, no escaping helps, because the normalization runs on the decoded
 * string:
 *
 * - it looks up a pair to compose by the low 16 bits of each code point, so a character above
 *   U+FFFF followed by a combining mark can be joined as if it were the character below
 *   U+10000 with the same low bits: U+10041 (a Linear B syllable) and U+0300 become U+00C0;
 * - a combining mark of class 0 (a vowel sign such as U+0BBE) does not block a later mark from
 *   composing with the character before it;
 * - after 30 combining marks in a row it inserts U+034F COMBINING GRAPHEME JOINER.
 *
 * Such text is refused with the code points named rather than changed without a word. Text
 * given as a Terraform reference is Terraform's to normalize.
 *
 * @returns the NFC form, which is what every reader gets
 * @throws ConfigError when Go's normalization would give something other than the NFC form
 * @internal
 */
export function toNfc(text: string): string {
  if (NOTHING_TO_COMPOSE.test(text)) return text;
  const nfc = text.normalize('NFC');
  const problem = goNormalizationChange(nfc);
  if (problem) {
    throw new ConfigError(
      UNICODE_NORMALIZATION,
      'text',
      problem.excerpt,
      `${problem.what}: the Unicode normalization that Terraform, Nomad, Vault and Consul ` +
        "share (Go's golang.org/x/text) would not keep it as written. Leave out the combining " +
        'mark, or write another character.',
    );
  }
  return nfc;
}

interface Change {
  /** The text around the problem. */
  readonly excerpt: string;
  readonly what: string;
}

/**
 * What Go's normalizer changes in text that is already NFC, if anything. Like Go, it leaves
 * alone each combining sequence in which nothing can join a character before it, and decomposes
 * and composes again the others; only that composition differs from Unicode's, so it is done
 * here the way Go does and compared.
 */
function goNormalizationChange(nfc: string): Change | undefined {
  const pairs = compositions();
  const decomposed = Array.from(nfc.normalize('NFD'), (c) => c.codePointAt(0)!);
  const marks = marksInARow(decomposed, pairs);
  if (marks !== undefined) {
    return {
      excerpt: excerpt(decomposed, marks),
      what: `more than ${MAX_NON_STARTERS} combining marks in a row would gain a U+034F`,
    };
  }
  const points = Array.from(nfc, (c) => c.codePointAt(0)!);
  let start = 0;
  let joins = false;
  for (let i = 1; i <= points.length; i++) {
    if (i < points.length && !startsSequence(points[i], pairs)) {
      joins = true;
      continue;
    }
    if (joins) {
      const sequence = String.fromCodePoint(...points.slice(start, i));
      const decomposedSequence = Array.from(sequence.normalize('NFD'), (c) => c.codePointAt(0)!);
      const composed = String.fromCodePoint(...composeAsGo(decomposedSequence, pairs));
      if (composed !== sequence) {
        return {
          excerpt: excerpt(points, start),
          what: `${codePoints(sequence)} would become ${codePoints(composed)}`,
        };
      }
    }
    start = i;
    joins = false;
  }
  return unknownCharacterChange(points, pairs);
}

/**
 * What a Go normalizer whose Unicode tables predate a character above U+FFFF changes after it.
 * Terraform's tables are older than JavaScript's: to them a newer character is a starter with no
 * decomposition, so the marks after it are composed with it, by the low 16 bits, even where
 * Unicode gives the character a combining class of its own (U+11F41 followed by U+0300 reads as
 * U+1F41 and U+0300, which compose). Every character above U+FFFF is checked this way.
 */
function unknownCharacterChange(
  points: readonly number[],
  pairs: Compositions,
): Change | undefined {
  for (let i = 0; i < points.length - 1; i++) {
    if (points[i] <= 0xffff || startsSequence(points[i + 1], pairs)) continue;
    let end = i + 1;
    while (end < points.length && !startsSequence(points[end], pairs)) end++;
    const written = points.slice(i, end);
    const after = String.fromCodePoint(...written.slice(1)).normalize('NFD');
    const sequence = [points[i], ...Array.from(after, (c) => c.codePointAt(0)!)];
    const composed = String.fromCodePoint(...composeAsGo(sequence, pairs, true));
    const expected = String.fromCodePoint(...written);
    if (composed !== expected) {
      return {
        excerpt: excerpt(points, i),
        what:
          `${codePoints(expected)} would become ${codePoints(composed)} where Go's Unicode ` +
          `tables predate ${codePoints(String.fromCodePoint(points[i]))}`,
      };
    }
  }
  return undefined;
}

/**
 * Where a run of more than 30 non-starters begins, if there is one. Go counts a mark of class 0
 * that composes as a non-starter, and (in its current versions) a vowel or trailing Hangul jamo
 * too; both are counted here.
 */
function marksInARow(points: readonly number[], pairs: Compositions): number | undefined {
  let run = 0;
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    const nonStarter = !isStarter(point) || pairs.second.has(point) || isJamoVowelOrTrailing(point);
    run = nonStarter ? run + 1 : 0;
    if (run > MAX_NON_STARTERS) return i - MAX_NON_STARTERS;
  }
  return undefined;
}

/**
 * Whether a character can join the one written before it when text is normalized: a combining
 * mark, or a character of class 0 that is the second half of a composition (a vowel sign such as
 * U+0BBE, a Hangul vowel or trailing jamo). Such a character must not follow an escape sequence
 * as it is: `\n` followed by U+0303 would be normalized to `\ñ`, which no reader takes for `\n`.
 * @internal
 */
export function joinsPrevious(point: number): boolean {
  return point >= 0x300 && !startsSequence(point, compositions());
}

/**
 * A character that begins a combining sequence: class 0, and never the second half of a pair
 * (a character that can join the one before it).
 */
function startsSequence(point: number, pairs: Compositions): boolean {
  return isStarter(point) && !pairs.second.has(point) && !isJamoVowelOrTrailing(point);
}

/**
 * Composes one decomposed combining sequence as Go's `reorderBuffer.compose` does: pairs are
 * looked up by the low 16 bits of both code points; the character a mark may join is the last
 * one of class 0 that came right before a mark able to join; a mark is blocked only when the
 * code point right before it has a class at least as high; and from the first Hangul jamo on,
 * only Hangul syllables are composed.
 */
function composeAsGo(
  sequence: readonly number[],
  pairs: Compositions,
  unknownFirst = false,
): number[] {
  const out = [sequence[0]];
  /** Composed characters count as class 0, whatever the code point they replaced. */
  const composed = new Set<number>(unknownFirst ? [0] : []);
  const starterClass = (k: number) => composed.has(k) || isStarter(out[k]);
  let target = 0;
  let hangul = false;
  for (let i = 1; i < sequence.length; i++) {
    const point = sequence[i];
    const last = out.length - 1;
    hangul ||= isHangulJamo(point);
    if (hangul || pairs.second.has(point)) {
      const beforeIsStarter = starterClass(last);
      if (beforeIsStarter) target = last;
      const blocked = !beforeIsStarter && target !== last && classAtLeast(out[last], point);
      if (!blocked) {
        const joined = hangul
          ? hangulSyllable(out[target], point)
          : pairs.byLowBits.get(lowBitsKey(out[target], point));
        if (joined !== undefined) {
          out[target] = joined;
          composed.add(target);
          continue;
        }
      }
    }
    out.push(point);
  }
  return out;
}

/** The pairs Unicode composes, by full code points and as Go looks them up. */
interface Compositions {
  /** Composite by the low 16 bits of its two halves (`combine` in Go). */
  readonly byLowBits: ReadonlyMap<number, number>;
  /** Every code point that is the second half of a pair. */
  readonly second: ReadonlySet<number>;
}

let table: Compositions | undefined;

/**
 * The primary composites, derived once from JavaScript's own normalization (about 15 ms):
 * every character that is its own NFC form and decomposes ends in the second half of its pair,
 * and the rest, composed, is the first. Hangul syllables are composed by arithmetic instead.
 */
function compositions(): Compositions {
  if (table) return table;
  const byLowBits = new Map<number, number>();
  const second = new Set<number>();
  for (let z = 0xc0; z < 0x30000; z++) {
    if ((z >= 0xd800 && z <= 0xdfff) || (z >= 0xac00 && z <= 0xd7a3)) continue;
    const char = String.fromCodePoint(z);
    const decomposed = char.normalize('NFD');
    if (decomposed === char || char.normalize('NFC') !== char) continue;
    const parts = Array.from(decomposed, (c) => c.codePointAt(0)!);
    const b = parts.pop()!;
    const a = Array.from(String.fromCodePoint(...parts).normalize('NFC'));
    if (a.length !== 1) continue;
    byLowBits.set(lowBitsKey(a[0].codePointAt(0)!, b), z);
    second.add(b);
  }
  table = { byLowBits, second };
  return table;
}

function lowBitsKey(a: number, b: number): number {
  return (a & 0xffff) * 0x10000 + (b & 0xffff);
}

const HANGUL_BASE = 0xac00;
const HANGUL_END = 0xd7a4;
const JAMO_L = 0x1100;
const JAMO_L_END = 0x1113;
const JAMO_V = 0x1161;
const JAMO_V_END = 0x1176;
const JAMO_T = 0x11a7;
const JAMO_T_END = 0x11c3;
const JAMO_T_COUNT = 28;
const JAMO_VT_COUNT = 21 * JAMO_T_COUNT;

/** Go switches to Hangul composition on any code point from U+1100 to U+11FF. */
function isHangulJamo(point: number): boolean {
  return (point & 0xffff00) === 0x1100;
}

/** A vowel or trailing consonant jamo, the second half of a Hangul syllable. */
function isJamoVowelOrTrailing(point: number): boolean {
  return (point >= JAMO_V && point < JAMO_V_END) || (point > JAMO_T && point < JAMO_T_END);
}

function hangulSyllable(l: number, v: number): number | undefined {
  if (l >= JAMO_L && l < JAMO_L_END && v >= JAMO_V && v < JAMO_V_END) {
    return HANGUL_BASE + (l - JAMO_L) * JAMO_VT_COUNT + (v - JAMO_V) * JAMO_T_COUNT;
  }
  const lv = l - HANGUL_BASE;
  if (l >= HANGUL_BASE && l < HANGUL_END && v > JAMO_T && v < JAMO_T_END) {
    return lv % JAMO_T_COUNT === 0 ? l + v - JAMO_T : undefined;
  }
  return undefined;
}

/** Combining class 0 or not, by code point, as {@link isStarter} found it. */
const STARTERS = new Map<number, boolean>();

/**
 * Whether a code point (its decomposition, for a composite) begins with canonical combining
 * class 0. JavaScript does not expose classes, but canonical ordering shows them: a code point of
 * class 1 to 239 moves before U+0345, the one mark of class 240, and one of class 0 stays after
 * it.
 */
function isStarter(point: number): boolean {
  if (point < 0x300) return true;
  let starter = STARTERS.get(point);
  if (starter === undefined) {
    const probe = '\u0345' + String.fromCodePoint(point).normalize('NFD');
    starter = point !== 0x345 && probe.normalize('NFD') === probe;
    STARTERS.set(point, starter);
  }
  return starter;
}

/** Whether the class of `b` is at least that of `c` (neither is a starter's 0 here). */
function classAtLeast(b: number, c: number): boolean {
  const pair = String.fromCodePoint(c, b);
  return pair.normalize('NFD') === pair;
}

function codePoints(text: string): string {
  return Array.from(
    text,
    (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
  ).join(' ');
}

/** The text around a code point, in NFC (whole when short). */
function excerpt(points: readonly number[], at: number): string {
  const from = Math.max(0, at - EXCERPT);
  const to = Math.min(points.length, at + EXCERPT);
  const text = String.fromCodePoint(...points.slice(from, to)).normalize('NFC');
  return `${from > 0 ? '…' : ''}${text}${to < points.length ? '…' : ''}`;
}
