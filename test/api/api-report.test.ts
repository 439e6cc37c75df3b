import * as publicApi from '../../lib';
import * as testingApi from '../../lib/testing';

/*
 * The API reports themselves (api/*.api.md) are compared by `npm run api:check`, part of
 * `npm run lint`: API Extractor over the emitted declarations takes longer than the rest of a
 * test file should.
 */
describe('the public API', () => {
  test('exports classes and enums by name, and no helper functions', () => {
    const helpers = Object.keys(publicApi).filter((name) => /^[a-z]/.test(name));
    expect(helpers).toEqual([]);
    expect(Object.keys(testingApi).sort()).toEqual([
      'SynthesizedStack',
      'readableTerraform',
      'synthValidated',
    ]);
  });
});
