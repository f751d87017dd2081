import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAuditInputs, renderJsonReport, runAudit } from '../src/audit';
import { vaultFiles } from '../src/vault';
import { measureWithCpu, ratios, type DualTiming } from './cpu-clock';
import { createBenchVault, type BenchVault } from './fixtures';
import { growth, judge, type BenchRow, type GrowthSeries } from './result';
import { round } from './stats';

/**
 * The offline audit against its floor: reading and JSON-parsing the same
 * files (metadata, every log line, the head anchor). Measured at 1,000,
 * 10,000 and 100,000 keys with ten log events per key.
 */

const SCALES = [
  { keys: 1_000, iterations: 12, warmup: 2 },
  { keys: 10_000, iterations: 6, warmup: 1 },
  { keys: 100_000, iterations: 2, warmup: 0 },
];
const EVENTS_PER_KEY = 10;
const GOAL = 2;

/** Reads and JSON-parses every file the audit reads, and nothing more. */
async function readAndParse(home: string): Promise<void> {
  const files = vaultFiles(home);
  JSON.parse(await readFile(files.metadata, 'utf8'));
  JSON.parse(await readFile(files.eventsHead, 'utf8'));
  const log = await readFile(files.events, 'utf8');
  for (const line of log.split('\n')) if (line !== '') JSON.parse(line);
}

async function audit(home: string): Promise<void> {
  runAudit(await loadAuditInputs(home, { keychain: false }));
}

interface ScaleResult {
  keys: number;
  events: number;
  floor: DualTiming;
  audit: DualTiming;
  loadOnly: DualTiming;
  renderJsonMs: number;
  findings: number;
  bytes: { metadata: number; events: number };
  memory: AuditMemory;
}

async function measureScale(
  scale: (typeof SCALES)[number],
): Promise<ScaleResult> {
  const events = scale.keys * EVENTS_PER_KEY;
  const vault = await createBenchVault({ keys: scale.keys, events });
  try {
    const budget = {
      iterations: scale.iterations,
      warmupIterations: scale.warmup,
    };
    const timings = await measureWithCpu(
      {
        floor: () => readAndParse(vault.home),
        audit: () => audit(vault.home),
        load: async () => {
          await loadAuditInputs(vault.home, { keychain: false });
        },
      },
      budget,
    );
    const report = runAudit(
      await loadAuditInputs(vault.home, { keychain: false }),
    );
    const started = performance.now();
    renderJsonReport(report);
    const renderJsonMs = performance.now() - started;
    return {
      keys: scale.keys,
      events,
      floor: timings['floor'] as DualTiming,
      audit: timings['audit'] as DualTiming,
      loadOnly: timings['load'] as DualTiming,
      renderJsonMs: round(renderJsonMs, 1),
      findings: report.findings.length,
      bytes: await sizes(vault),
      memory: await auditMemory(vault.home),
    };
  } finally {
    await vault.remove();
  }
}

async function sizes(vault: BenchVault) {
  const files = vaultFiles(vault.home);
  return {
    metadata: (await stat(files.metadata)).size,
    events: (await stat(files.events)).size,
  };
}

/** Peak memory of one audit, in its own process so nothing else counts. */
export interface AuditMemory {
  maxRssMiB: number;
  /** Resident size after loading the code, before the audit. */
  baselineRssMiB: number;
  heapUsedAfterMiB: number;
}

const run = promisify(execFile);

async function auditMemory(home: string): Promise<AuditMemory> {
  const child = path.join(import.meta.dirname, 'audit-memory-child.ts');
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', child, home],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as AuditMemory;
}

/** Runs the audit benchmark at every scale. */
export async function benchAudit(log: (line: string) => void): Promise<{
  rows: BenchRow[];
  growth: GrowthSeries[];
}> {
  const results: ScaleResult[] = [];
  for (const scale of SCALES) {
    log(`audit: ${scale.keys} keys, ${scale.keys * EVENTS_PER_KEY} events`);
    results.push(await measureScale(scale));
  }
  const rows = results.map((result) => auditRow(result));
  const points = (pick: (r: ScaleResult) => number) =>
    results.map((r) => ({ keys: r.keys, value: pick(r) }));
  return {
    rows,
    growth: [
      growth(
        'audit-time',
        'Audit, median wall time',
        'ms',
        points((r) => round(r.audit.wall.median, 1)),
      ),
      growth(
        'audit-cpu',
        'Audit, median CPU time',
        'ms',
        points((r) => round(r.audit.cpu.median, 1)),
      ),
      growth(
        'audit-floor',
        'Audit floor (read + JSON.parse), median wall time',
        'ms',
        points((r) => round(r.floor.wall.median, 1)),
      ),
      growth(
        'audit-ratio',
        'Audit / floor, wall',
        '×',
        points((r) => ratios(r.audit, r.floor).wall),
      ),
      growth(
        'audit-rss',
        'Audit peak RSS',
        'MiB',
        points((r) => r.memory.maxRssMiB),
      ),
    ],
  };
}

function auditRow(result: ScaleResult): BenchRow {
  const ratio = ratios(result.audit, result.floor);
  const load = ratios(result.loadOnly, result.floor);
  const isGoalScale = result.keys === 10_000;
  const goal = isGoalScale
    ? {
        kind: 'ratio' as const,
        max: GOAL,
        floor: 'reading and JSON-parsing the same files',
      }
    : { kind: 'report' as const };
  return {
    id: `audit-${result.keys}`,
    operation: `Offline audit of ${result.keys.toLocaleString('en')} keys and ${result.events.toLocaleString('en')} log events`,
    goal,
    value: ratio.wall,
    unit: '×',
    met: judge(goal, ratio.wall),
    timing: result.audit.wall,
    floorTiming: result.floor.wall,
    cpuRatio: ratio.cpu,
    notes: [
      `Reading and checking alone (the metadata's schema, every log line's hash): ${load.wall}× the floor; building ${result.findings.toLocaleString('en')} findings and the inventory of ${result.keys.toLocaleString('en')} keys is the rest.`,
    ],
    details: {
      auditCpuMs: round(result.audit.cpu.median, 1),
      floorCpuMs: round(result.floor.cpu.median, 1),
      loadOnlyRatioWall: load.wall,
      loadOnlyRatioCpu: load.cpu,
      renderJsonMs: result.renderJsonMs,
      findings: result.findings,
      metadataBytes: result.bytes.metadata,
      eventLogBytes: result.bytes.events,
      memory: result.memory,
    },
  };
}
