import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type { CliContext } from '../src/cli/context';
import { runCli } from '../src/cli/program';
import { silentLogger } from '../src/log/logger';
import { createKeyManagerService } from '../src/service';
import { openVault, vaultFiles } from '../src/vault';
import { countingStore } from './counting-store';
import { measureWithCpu, ratios, type DualTiming } from './cpu-clock';
import { createBenchVault } from './fixtures';
import { growth, judge, type BenchRow, type GrowthSeries } from './result';
import { round } from './stats';

/**
 * Listing keys against its floor, JSON-parsing the metadata file: the app's
 * `listKeys` (what the key list screen asks for) and `btcpay-keys key list
 * --json` run in-process, with a counting keychain that must stay at zero.
 */

const SCALES = [
  { keys: 1_000, iterations: 30, warmup: 5 },
  { keys: 10_000, iterations: 12, warmup: 2 },
  { keys: 100_000, iterations: 3, warmup: 1 },
];
const GOAL = 1.5;

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

function cliContext(home: string): CliContext {
  return {
    stdout: discard(),
    stderr: discard(),
    stdin: process.stdin,
    isTTY: false,
    color: false,
    env: {},
    logger: silentLogger,
    home,
  };
}

/** True once keytar's native module was loaded into this process. */
function keytarLoaded(): boolean {
  const require = createRequire(import.meta.url);
  const keytar = require.resolve('keytar');
  return Object.keys(require.cache).includes(keytar);
}

interface ListScale {
  keys: number;
  floor: DualTiming;
  app: DualTiming;
  cli: DualTiming;
  keychainCalls: number;
  keytarLoaded: boolean;
}

async function measureScale(
  scale: (typeof SCALES)[number],
): Promise<ListScale> {
  const vault = await createBenchVault({ keys: scale.keys, events: 0 });
  const store = countingStore();
  try {
    const service = createKeyManagerService({
      vault: await openVault({ home: vault.home, secretStore: store }),
      logger: silentLogger,
      emit: () => undefined,
      openBrowser: async () => undefined,
      clipboard: { write: () => undefined, read: () => '' },
    });
    const file = vaultFiles(vault.home).metadata;
    const timings = await measureWithCpu(
      {
        floor: async () => {
          JSON.parse(await readFile(file, 'utf8'));
        },
        app: async () => {
          const answer = await service.handlers.listKeys({});
          if (!answer.ok || answer.value.length !== scale.keys) {
            throw new Error('listKeys did not list every key.');
          }
        },
        cli: async () => {
          const code = await runCli(
            ['key', 'list', '--json'],
            cliContext(vault.home),
          );
          if (code !== 0) throw new Error(`key list --json exited ${code}.`);
        },
      },
      { iterations: scale.iterations, warmupIterations: scale.warmup },
    );
    await service.close();
    return {
      keys: scale.keys,
      floor: timings['floor'] as DualTiming,
      app: timings['app'] as DualTiming,
      cli: timings['cli'] as DualTiming,
      keychainCalls: store.total(),
      keytarLoaded: keytarLoaded(),
    };
  } finally {
    await vault.remove();
  }
}

/** Runs the listing benchmark at every scale. */
export async function benchList(log: (line: string) => void): Promise<{
  rows: BenchRow[];
  growth: GrowthSeries[];
}> {
  const results: ListScale[] = [];
  for (const scale of SCALES) {
    log(`list: ${scale.keys} keys`);
    results.push(await measureScale(scale));
  }
  const rows = results.flatMap((r) => [listRow(r, 'app'), listRow(r, 'cli')]);
  const points = (pick: (r: ListScale) => number) =>
    results.map((r) => ({ keys: r.keys, value: pick(r) }));
  return {
    rows,
    growth: [
      growth(
        'list-app-time',
        'listKeys (app), median wall time',
        'ms',
        points((r) => round(r.app.wall.median, 1)),
      ),
      growth(
        'list-cli-time',
        'key list --json (in-process), median wall time',
        'ms',
        points((r) => round(r.cli.wall.median, 1)),
      ),
      growth(
        'list-floor',
        'JSON.parse of the metadata, median wall time',
        'ms',
        points((r) => round(r.floor.wall.median, 1)),
      ),
    ],
  };
}

function listRow(result: ListScale, path: 'app' | 'cli'): BenchRow {
  const timing = result[path];
  const ratio = ratios(timing, result.floor);
  const goal =
    result.keys === 10_000
      ? {
          kind: 'ratio' as const,
          max: GOAL,
          floor: 'JSON-parsing the metadata',
        }
      : { kind: 'report' as const };
  const zeroCalls = result.keychainCalls === 0 && !result.keytarLoaded;
  const met = judge(goal, ratio.wall);
  return {
    id: `list-${path}-${result.keys}`,
    operation:
      path === 'app'
        ? `Listing ${result.keys.toLocaleString('en')} keys (app listKeys)`
        : `Listing ${result.keys.toLocaleString('en')} keys (key list --json, in-process)`,
    goal,
    value: ratio.wall,
    unit: '×',
    met: met === null ? null : met && zeroCalls,
    timing: timing.wall,
    floorTiming: result.floor.wall,
    cpuRatio: ratio.cpu,
    details: {
      keychainCalls: result.keychainCalls,
      keytarLoaded: result.keytarLoaded,
      cpuMs: round(timing.cpu.median, 1),
      floorCpuMs: round(result.floor.cpu.median, 1),
    },
  };
}
