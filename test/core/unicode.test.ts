import fc from 'fast-check';
import { Testing } from 'cdktf';
import { Capability, ConfigError, NomadJob, VaultPolicy } from '../../lib';
import { toNfc } from '../../lib/core/unicode';
import { newStack } from '../helpers';
import {
  CHANGED_BY_GO,
  KEPT_BY_GO,
  VERSION_DEPENDENT,
  normalizationText,
  points,
  readByGo,
} from '../unicode-text';

describe('toNfc', () => {
  test.each(CHANGED_BY_GO)(
    'refuses %s, which Go normalizes into other text',
    async (_n, text, becomes) => {
      // GIVEN text whose NFC form a Go reader changes
      const nfc = text.normalize('NFC');
      expect(points(await readByGo(nfc))).not.toEqual(points(nfc));
      // THEN the library refuses it, naming what it would become
      expect(() => toNfc(text)).toThrow(ConfigError);
      expect(() => toNfc(text)).toThrow(becomes);
    },
  );

  test.each(KEPT_BY_GO)('accepts %s, normalized as Go normalizes it', async (_name, text) => {
    expect(points(toNfc(text))).toEqual(points(await readByGo(text.normalize('NFC'))));
  });

  test('the error quotes the text around the problem and names the code points', () => {
    const text = `${'a'.repeat(40)}\u{10041}\u0300${'b'.repeat(40)}`;
    expect(() => toNfc(text)).toThrow(
      `Unicode normalization: invalid text "…${'a'.repeat(24)}\u{10041}\u0300${'b'.repeat(22)}…". ` +
        'U+10041 U+0300 would become U+00C0',
    );
  });

  test('long text is checked without running out of stack', () => {
    // GIVEN about 400,000 code points with marks and emoji, and the same with a problem at the end
    const long = 'é e\u0301 😀 \u0B95\u0BCA '.repeat(40_000);
    expect(toNfc(long)).toBe(long.normalize('NFC'));
    expect(() => toNfc(`${long}\u{10041}\u0300`)).toThrow('U+10041 U+0300 would become U+00C0');
  });

  test('a job or policy holding such text fails synthesis, naming the construct', () => {
    // GIVEN a job whose meta value and a policy whose path Go would normalize into other text
    const { stack } = newStack();
    new NomadJob(stack, 'web', { meta: { note: 'x\u{10041}\u0300' } });
    const policy = new VaultPolicy(stack, 'policy', { name: 'reader' });
    policy.addRule({ path: 'secret/data/\u{20065}\u0301/*', capabilities: [Capability.READ] });
    // THEN synthesis names the first document it cannot render
    expect(() => Testing.synth(stack)).toThrow(
      'test/web jobspec: Unicode normalization: invalid text "x\u{10041}\u0300"',
    );
    stack.node.tryRemoveChild('web');
    expect(() => Testing.synth(stack)).toThrow('test/policy policy: Unicode normalization');
    // AND a name given to a provider attribute is refused at once
    expect(() => new VaultPolicy(stack, 'named', { name: 'p\u{10041}\u0300' })).toThrow(
      /^Unicode normalization: invalid text "p\u{10041}\u0300"\. U\+10041 U\+0300 would become U\+00C0/u,
    );
  });

  test('text is refused when a Go reader would change its NFC form, and only then', async () => {
    await fc.assert(
      fc.asyncProperty(normalizationText(), async (s) => {
        // WHEN the library normalizes it and a Go reader reads the NFC form
        const nfc = s.normalize('NFC');
        const byGo = await readByGo(nfc);
        let ours: string | Error;
        try {
          ours = toNfc(s);
        } catch (e) {
          ours = e as Error;
        }
        // THEN the library refuses what Go would change
        if (byGo !== nfc) expect(ours).toBeInstanceOf(ConfigError);
        // AND accepts the rest as Go reads it
        else if (typeof ours === 'string') expect(points(ours)).toEqual(points(byGo));
        // AND refuses more only where Go versions differ
        else expect(nfc.normalize('NFD')).toMatch(VERSION_DEPENDENT);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });
});
