import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createBenchVault } from './fixtures';
import { growth, judge, type BenchRow, type GrowthSeries } from './result';
import { measure, ratio, round, type Timing } from './stats';

/**
 * `btcpay-keys key list --json` as a user runs it: a fresh Node process on
 * the built command line, against a bare `node -e ''`.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const BIN = path.join(root, 'bin', 'btcpay-keys.mjs');
const BUILT = path.join(root, 'dist', 'cli', 'btcpay-keys.js');
const GOAL = 3;

const SCALES = [
  { keys: 1_000, iterations: 15, warmup: 2 },
  { keys: 10_000, iterations: 6, warmup: 1 },
  { keys: 100_000, iterations: 2, warmup: 1 },
];

/** Builds the command line first, as `npm ci` does through `prepare`. */
export async function buildCli(): Promise<void> {
  await run(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], {
    cwd: root,
  });
  if (!existsSync(BUILT))
    throw new Error('npm run build:cli produced no dist/cli.');
}

/** Runs the cold-start benchmark at every scale. */
export async function benchColdStart(log: (line: string) => void): Promise<{
  rows: BenchRow[];
  growth: GrowthSeries[];
}> {
  log('cold start: building the command line');
  await buildCli();
  const rows: BenchRow[] = [];
  const points: Array<{ keys: number; value: number }> = [];
  let floor: Timing | undefined;
  for (const scale of SCALES) {
    log(`cold start: key list --json with ${scale.keys} keys`);
    const vault = await createBenchVault({ keys: scale.keys, events: 0 });
    try {
      const env = {
        ...process.env,
        BTCPAY_KEYS_HOME: vault.home,
        NO_COLOR: '1',
      };
      const timings = await measure(
        {
          node: async () => {
            await run(process.execPath, ['-e', '']);
          },
          list: async () => {
            const { stdout } = await run(
              process.execPath,
              [BIN, 'key', 'list', '--json'],
              {
                env,
                maxBuffer: 1024 * 1024 * 1024,
              },
            );
            if (!stdout.startsWith('['))
              throw new Error('key list --json printed no JSON.');
          },
        },
        { iterations: scale.iterations, warmupIterations: scale.warmup },
      );
      const list = timings['list'] as Timing;
      floor = scale.keys === 1_000 ? (timings['node'] as Timing) : floor;
      const node = timings['node'] as Timing;
      const value = ratio(list.median, node.median);
      const goal =
        scale.keys === 1_000
          ? { kind: 'ratio' as const, max: GOAL, floor: "node -e ''" }
          : { kind: 'report' as const };
      points.push({ keys: scale.keys, value: round(list.median, 1) });
      rows.push({
        id: `cold-start-${scale.keys}`,
        operation: `btcpay-keys key list --json cold start with ${scale.keys.toLocaleString('en')} keys`,
        goal,
        value,
        unit: '×',
        met: judge(goal, value),
        timing: list,
        floorTiming: node,
      });
    } finally {
      await vault.remove();
    }
  }
  return {
    rows,
    growth: [
      growth(
        'cold-start',
        'key list --json cold start, median wall time',
        'ms',
        points,
      ),
    ],
  };
}
