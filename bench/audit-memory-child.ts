import { getHeapStatistics } from 'node:v8';
import { loadAuditInputs, runAudit } from '../src/audit';

// Runs one audit of the data folder named on the command line and prints
// its memory use as JSON. A separate process, so the benchmark's own data
// does not count.
const home = process.argv[2];
if (!home) throw new Error('Usage: audit-memory-child.ts <data folder>');

const MIB = 1024 * 1024;
const baseline = process.memoryUsage().rss;
const report = runAudit(await loadAuditInputs(home, { keychain: false }));
const heapUsed = getHeapStatistics().used_heap_size;
process.stdout.write(
  JSON.stringify({
    // resourceUsage reports maxRSS in KiB.
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    baselineRssMiB: Math.round(baseline / MIB),
    heapUsedAfterMiB: Math.round(heapUsed / MIB),
    findings: report.findings.length,
  }),
);
