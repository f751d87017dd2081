// Prints the suite's outcome as one plain closing line, "N passed, N failed",
// which CI systems read whatever runner produced it.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('tests: 0 passed, 1 failed (no test report was written)');
  process.exit(0);
}
const skipped = report.numPendingTests + report.numTodoTests;
const failedSuites = report.testResults.filter(
  (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
).length;
console.log(
  `tests: ${report.numPassedTests} passed, ` +
    `${report.numFailedTests + failedSuites} failed` +
    (skipped > 0 ? `, ${skipped} skipped` : ''),
);
