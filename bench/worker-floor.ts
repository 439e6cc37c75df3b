import { readFileSync } from 'fs';
import { FloorFixture } from './fixture';
import { buildFloor } from './floor';
import { runWorker } from './measure';

// One measurement of the floor: `node worker-floor.js <services> <outdir> <fixture.json>`.
// The fixture is read before the clock starts, like the library's modules are loaded.
const fixture = JSON.parse(readFileSync(process.argv[4], 'utf8')) as FloorFixture;
runWorker('floor', (app, n) => buildFloor(app, n, fixture));
