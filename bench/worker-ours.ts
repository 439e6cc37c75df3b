import { runWorker } from './measure';
import { buildPlatform } from './platform';

// One measurement of the library: `node worker-ours.js <services> <outdir>`.
runWorker('ours', buildPlatform);
