import { readFile, stat, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type { CliContext } from '../src/cli/context';
import { runCli } from '../src/cli/program';
import { silentLogger } from '../src/log/logger';
import { createKeyManagerService } from '../src/service';
import { openVault, readMetadata, vaultFiles } from '../src/vault';
import { countingStore } from './counting-store';
import { measureWithCpu, ratios, type DualTiming } from './cpu-clock';
import { createBenchVault } from './fixtures';
import { growth, judge, type BenchRow, type GrowthSeries } from './result';
import { round } from './stats';

/**
 * Listing keys against its floor, JSON-parsing the metadata file: the app's
 * `listKeys` (what the key list screen asks for) and `btcpay-keys key list
 * --json` run in-process, with a counting keychain that must stay at zero.
 *
 * A process reuses the metadata it checked while the file is unchanged, so
 * each is measured cold too: with the file touched first (its change time
 * moves, nothing else), as after a write by another process. The command
 * line is always cold in real use (one process per run); the app is cold
 * after a change and warm when a screen is shown again.
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
  /** Reading, parsing and schema-checking the file, as every cold list does. */
  readChecked: DualTiming;
  appWarm: DualTiming;
  appCold: DualTiming;
  cliCold: DualTiming;
  keychainCalls: number;
  /** Loaded by this benchmark; null when something earlier loaded it. */
  keytarLoaded: boolean | null;
}

/** Moves the file's change time, so no process trusts its copy of it. */
async function touch(file: string): Promise<void> {
  const { atime, mtime } = await stat(file);
  await utimes(file, atime, mtime);
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
    const listApp = async () => {
      const answer = await service.handlers.listKeys({});
      if (!answer.ok || answer.value.length !== scale.keys) {
        throw new Error('listKeys did not list every key.');
      }
    };
    const keytarBefore = keytarLoaded();
    const timings = await measureWithCpu(
      {
        floor: async () => {
          JSON.parse(await readFile(file, 'utf8'));
        },
        readChecked: async () => {
          await touch(file);
          await readMetadata(vault.home);
        },
        appWarm: listApp,
        appCold: async () => {
          await touch(file);
          await listApp();
        },
        cliCold: async () => {
          await touch(file);
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
      readChecked: timings['readChecked'] as DualTiming,
      appWarm: timings['appWarm'] as DualTiming,
      appCold: timings['appCold'] as DualTiming,
      cliCold: timings['cliCold'] as DualTiming,
      keychainCalls: store.total(),
      keytarLoaded: keytarBefore ? null : keytarLoaded(),
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
  const rows = results.flatMap((r) => [
    listRow(r, 'appCold'),
    listRow(r, 'cliCold'),
    listRow(r, 'appWarm'),
  ]);
  const points = (pick: (r: ListScale) => number) =>
    results.map((r) => ({ keys: r.keys, value: pick(r) }));
  return {
    rows,
    growth: [
      growth(
        'list-app-time',
        'listKeys (app) after a change, median wall time',
        'ms',
        points((r) => round(r.appCold.wall.median, 1)),
      ),
      growth(
        'list-cli-time',
        'key list --json (in-process, cold), median wall time',
        'ms',
        points((r) => round(r.cliCold.wall.median, 1)),
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

const LIST_PATHS = {
  appCold: { id: 'app', what: 'app listKeys, after the file changed' },
  cliCold: { id: 'cli', what: 'key list --json, in-process, cold' },
  appWarm: { id: 'app-warm', what: 'app listKeys, file unchanged' },
} as const;

function listRow(result: ListScale, path: keyof typeof LIST_PATHS): BenchRow {
  const timing = result[path];
  const ratio = ratios(timing, result.floor);
  // Judged cold: what every command-line run and the first screen pay.
  const goal =
    result.keys === 10_000 && path !== 'appWarm'
      ? {
          kind: 'ratio' as const,
          max: GOAL,
          floor: 'JSON-parsing the metadata',
        }
      : { kind: 'report' as const };
  const zeroCalls = result.keychainCalls === 0 && result.keytarLoaded !== true;
  const met = judge(goal, ratio.wall);
  return {
    id: `list-${LIST_PATHS[path].id}-${result.keys}`,
    operation: `Listing ${result.keys.toLocaleString('en')} keys (${LIST_PATHS[path].what})`,
    goal,
    value: ratio.wall,
    unit: '×',
    met: met === null ? null : met && zeroCalls,
    timing: timing.wall,
    floorTiming: result.floor.wall,
    cpuRatio: ratio.cpu,
    notes:
      path === 'appWarm'
        ? []
        : [
            `Reading, parsing and schema-checking the file alone: ${ratios(result.readChecked, result.floor).wall}× the floor.`,
          ],
    details: {
      keychainCalls: result.keychainCalls,
      keytarLoaded:
        result.keytarLoaded ?? 'already loaded before this benchmark',
      cpuMs: round(timing.cpu.median, 1),
      floorCpuMs: round(result.floor.cpu.median, 1),
    },
  };
}
