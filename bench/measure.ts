import { performance } from 'perf_hooks';
import { App } from 'cdktf';

/** What one worker process reports to the runner. */
export interface Measurement {
  readonly side: string;
  readonly n: number;
  /** Milliseconds from an empty app to the last construct. */
  readonly constructMs: number;
  /** Milliseconds of `app.synth()`. */
  readonly synthMs: number;
  /** Peak resident set size of the process, in MiB. */
  readonly peakRssMib: number;
  /** The synthesized stack file. */
  readonly file: string;
}

/**
 * The body of a worker process: reads `<n> <outdir>` from its arguments, builds the app with
 * `build`, synthesizes it, and sends the figures to the parent (or prints them when run alone).
 * Nothing else happens in the process, so its peak RSS is the cost of this one app.
 */
export function runWorker(side: string, build: (app: App, n: number) => void): void {
  const n = Number(process.argv[2]);
  const outdir = process.argv[3];
  if (!Number.isInteger(n) || n < 1 || !outdir) {
    throw new Error(`usage: node ${process.argv[1]} <services> <outdir>`);
  }
  const start = performance.now();
  const app = new App({ outdir });
  build(app, n);
  const built = performance.now();
  app.synth();
  const synthesized = performance.now();
  const result: Measurement = {
    side,
    n,
    constructMs: built - start,
    synthMs: synthesized - built,
    peakRssMib: process.resourceUsage().maxRSS / 1024,
    file: `${outdir}/stacks/platform/cdk.tf.json`,
  };
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result));
}
