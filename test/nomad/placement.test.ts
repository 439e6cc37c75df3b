import { execFileSync } from 'child_process';
import { join } from 'path';

test('a stanza in the wrong place is a type error', () => {
  // GIVEN a file that misplaces stanzas under @ts-expect-error
  const project = join(__dirname, 'tsconfig.typecheck.json');
  const tsc = require.resolve('typescript/bin/tsc');
  // WHEN tsc checks it strictly; THEN every directive marks a real error (tsc fails on a
  // directive with no error under it) and the well-placed code compiles.
  const run = () => execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  expect(run).not.toThrow();
});
