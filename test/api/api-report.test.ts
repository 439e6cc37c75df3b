import { execFileSync } from 'child_process';
import { join } from 'path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import * as publicApi from '../../lib';
import * as testingApi from '../../lib/testing';

const ROOT = join(__dirname, '..', '..');

describe('the public API', () => {
  test('matches the checked-in API reports (run `npm run api:update` after a deliberate change)', () => {
    // GIVEN the declarations the package ships
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.api.json'],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    );
    // WHEN API Extractor compares them with the reports in api/
    const changed = ['api-extractor.json', 'api-extractor.testing.json'].filter((file) => {
      const config = ExtractorConfig.loadFileAndPrepare(join(ROOT, 'api', file));
      const result = Extractor.invoke(config, { localBuild: false, messageCallback: quiet });
      return !result.succeeded || result.apiReportChanged;
    });
    // THEN neither report changed
    expect(changed).toEqual([]);
  });

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

function quiet(message: { handled: boolean }): void {
  message.handled = true;
}
