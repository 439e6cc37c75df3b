import { fork } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, platform, arch, tmpdir, totalmem } from 'os';
import { join } from 'path';
import { cutFixture, SPECIMEN_SERVICES } from './fixture';
import type { Measurement } from './measure';

/**
 * `npm run bench`: the library against the floor (the same provider resources built straight
 * from pre-rendered strings), N services each, every measurement in a fresh process.
 *
 * Options: `--sizes 1000,2000,3000,4000` `--runs 5` `--timeout 300` (seconds per process)
 * `--max-ratio 2000:1.5` (fail when the best run of ours at N = 2000 takes more than 1.5× the
 * floor's median: a guard against a cliff such as the one `lib/core/v8-shapes.ts` avoids, not a
 * timing test).
 * Fails (exit 1) when the two sides do not write byte-identical `cdk.tf.json`.
 */

interface Options {
  readonly sizes: number[];
  readonly runs: number;
  readonly timeoutSeconds: number;
  /** A size and the highest ratio ours/floor allowed there. */
  readonly maxRatio?: { readonly n: number; readonly ratio: number };
}

function options(argv: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at === -1 ? fallback : argv[at + 1];
  };
  const usage =
    'usage: run.js [--sizes 1000,2000,3000,4000] [--runs 5] [--timeout 300] [--max-ratio 2000:1.5]';
  const sizes = value('--sizes', '1000,2000,3000,4000').split(',').map(Number);
  const runs = Number(value('--runs', '5'));
  const timeoutSeconds = Number(value('--timeout', '300'));
  if (sizes.some((n) => !Number.isInteger(n) || n < 2) || !(runs >= 1) || !(timeoutSeconds > 0)) {
    throw new Error(usage);
  }
  const limit = value('--max-ratio', '');
  if (limit === '') return { sizes, runs, timeoutSeconds };
  const [n, ratio] = limit.split(':').map(Number);
  if (!sizes.includes(n) || !(ratio > 0)) throw new Error(`${usage} (the size must be measured)`);
  return { sizes, runs, timeoutSeconds, maxRatio: { n, ratio } };
}

/** Runs one worker to completion and returns what it measured. */
function measure(script: string, args: string[], timeoutSeconds: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, script), args, { execArgv: [], stdio: 'inherit' });
    let result: Measurement | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args[0]} took longer than ${timeoutSeconds} s; stopped it`));
    }, timeoutSeconds * 1000);
    child.on('message', (message) => (result = message as Measurement));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}`));
    });
  });
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Says where two files first differ, loudly, and stops the benchmark. */
function failOnDifference(n: number, ours: string, floor: string): never {
  const a = readFileSync(ours, 'utf8').split('\n');
  const b = readFileSync(floor, 'utf8').split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  console.error(
    `\nFAIL: at N = ${n} the library and the floor wrote different cdk.tf.json ` +
      `(first difference at line ${line + 1}):\n  ours:  ${a[line]}\n  floor: ${b[line]}\n` +
      `Files kept: ${ours} ${floor}`,
  );
  process.exit(1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function min(values: number[]): number {
  return Math.min(...values);
}

function machine(): string {
  const cores = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return (
    `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown'}), ` +
    `${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Node ${process.version}, ` +
    `${platform()} ${arch()}; load average ${load}`
  );
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'cdktf-bench-'));
  console.log(`Machine: ${machine()}`);
  console.log(
    `Each measurement in a fresh node process; ${opts.runs} runs per size, ours and the floor ` +
      'alternating; total = construct + app.synth().\n',
  );

  // The floor's templates: the library renders a specimen app once.
  await measure(
    'worker-ours.js',
    [String(SPECIMEN_SERVICES), join(work, 'specimen')],
    opts.timeoutSeconds,
  );
  const fixtureFile = join(work, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(cutFixture(join(work, 'specimen'))));
  rmSync(join(work, 'specimen'), { recursive: true, force: true });

  const results: Measurement[] = [];
  for (let run = 0; run < opts.runs; run++) {
    for (const n of opts.sizes) {
      const sides = run % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
      const files: Record<string, string> = {};
      for (const side of sides) {
        const outdir = join(work, `${side}-${n}-${run}`);
        const args = side === 'ours' ? [String(n), outdir] : [String(n), outdir, fixtureFile];
        const m = await measure(`worker-${side}.js`, args, opts.timeoutSeconds);
        results.push(m);
        files[side] = m.file;
        process.stdout.write(
          `  run ${run + 1} N=${n} ${side.padEnd(5)} ${(m.constructMs + m.synthMs).toFixed(0)} ms, ` +
            `${m.peakRssMib.toFixed(0)} MiB\n`,
        );
      }
      if (sha256(files.ours) !== sha256(files.floor)) failOnDifference(n, files.ours, files.floor);
      for (const side of sides) rmSync(join(work, `${side}-${n}-${run}`), { recursive: true });
    }
  }
  rmSync(work, { recursive: true, force: true });
  console.log(`\nBoth sides wrote byte-identical cdk.tf.json in every run.\n`);
  console.log(report(results, opts));
  console.log(
    `\nLoad average after the runs: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (opts.maxRatio) guard(results, opts.maxRatio);
}

/**
 * Fails the run when the best run of ours at the guarded size is slower than the limit times
 * the floor's median. A cliff the library falls off for good slows every run; a rare run that
 * still meets it (see lib/core/v8-shapes.ts) or a noisy neighbour does not fail the guard.
 */
function guard(results: Measurement[], limit: { n: number; ratio: number }): void {
  const totals = (side: string) =>
    results.filter((r) => r.side === side && r.n === limit.n).map((r) => r.constructMs + r.synthMs);
  const ratio = min(totals('ours')) / median(totals('floor'));
  const verdict = `best run of ours / median of the floor at N = ${limit.n}: ${ratio.toFixed(2)}× (limit ${limit.ratio}×)`;
  if (ratio <= limit.ratio) {
    console.log(`\n${verdict}: ok`);
    return;
  }
  console.error(
    `\nFAIL: ${verdict}. Synthesis fell off a cliff; see lib/core/v8-shapes.ts for the one ` +
      'this benchmark guards against.',
  );
  process.exit(1);
}

/** Median total time of ours over the floor's at one size. */
function timeRatio(results: Measurement[], n: number): number {
  const totals = (side: string) =>
    results.filter((r) => r.side === side && r.n === n).map((r) => r.constructMs + r.synthMs);
  return median(totals('ours')) / median(totals('floor'));
}

/** The table: min and median per size and side, ratios ours/floor, growth 2N/N. */
function report(results: Measurement[], opts: Options): string {
  const pick = (side: string, n: number) => results.filter((r) => r.side === side && r.n === n);
  const total = (r: Measurement) => r.constructMs + r.synthMs;
  const rows: string[] = [];
  const header =
    '|     N | side  | construct ms (min / med) | synth ms (min / med) | total ms (min / med) | peak RSS MiB (min / med) |';
  rows.push(header, '|' + header.slice(1, -1).replace(/[^|]/g, '-') + '|');
  const cell = (values: number[], width: number) =>
    `${min(values).toFixed(0)} / ${median(values).toFixed(0)}`.padStart(width);
  const ratios: string[] = [];
  for (const n of opts.sizes) {
    for (const side of ['ours', 'floor']) {
      const r = pick(side, n);
      rows.push(
        `| ${String(n).padStart(5)} | ${side.padEnd(5)} | ${cell(
          r.map((x) => x.constructMs),
          24,
        )} | ${cell(
          r.map((x) => x.synthMs),
          20,
        )} | ${cell(r.map(total), 20)} | ${cell(
          r.map((x) => x.peakRssMib),
          24,
        )} |`,
      );
    }
    const time = timeRatio(results, n);
    const rss =
      median(pick('ours', n).map((x) => x.peakRssMib)) /
      median(pick('floor', n).map((x) => x.peakRssMib));
    ratios.push(
      `| ${String(n).padStart(5)} | ${time.toFixed(2)}× ${mark(time <= 1.2)} | ${rss.toFixed(2)}× ${mark(rss <= 1.1)} |`,
    );
  }
  const out = [...rows, '', 'ours / floor (medians; target ≤ 1.20× time, ≤ 1.10× RSS):', ''];
  out.push('|     N | time       | peak RSS   |', '|-------|------------|------------|', ...ratios);
  const growth: string[] = [];
  for (let k = 1; k < opts.sizes.length; k++) {
    const [a, b] = [opts.sizes[k - 1], opts.sizes[k]];
    const g = (side: string) => median(pick(side, b).map(total)) / median(pick(side, a).map(total));
    growth.push(
      `| ${`${a} → ${b}`.padEnd(13)} | ${g('ours').toFixed(2)}× ${mark(g('ours') <= 2.2 * (b / a / 2))} | ${g('floor').toFixed(2)}× |`,
    );
  }
  out.push('', 'Growth of the median total time (target ≤ 2.2× per doubling):', '');
  out.push(
    '| sizes         | ours     | floor |',
    '|---------------|----------|-------|',
    ...growth,
  );
  return out.join('\n');
}

function mark(ok: boolean): string {
  return ok ? 'ok' : '!!';
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
