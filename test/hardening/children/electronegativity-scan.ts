// Runs Electronegativity over one folder and prints its findings as one JSON
// line. Its runner downloads translations from the internet on every run;
// the only network this suite may use is loopback, so that download is
// replaced by an immediate failure, which it handles by using the bundled
// English texts.
//   node --import tsx electronegativity-scan.ts FOLDER ELECTRON_VERSION
import { createRequire } from 'node:module';
import path from 'node:path';

const [input = '', electronVersion = ''] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity');
const fromRunner = createRequire(runnerPath);

const offline = (): Promise<never> =>
  Promise.reject(new Error('no network in tests'));
const gotPath = fromRunner.resolve('got');
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: Object.assign(offline, { default: offline }),
} as unknown as NodeJS.Module;

type Issue = {
  id: string;
  file: string;
  location: { line: number; column: number };
  manualReview: boolean;
  description: string;
};
type Run = (options: Record<string, unknown>) => Promise<{
  issues: Issue[];
  errors: { file: string; message: string }[];
}>;
// The runner replaces module.exports with the function itself.
const loaded = fromRunner(runnerPath) as Run | { default: Run };
const run = typeof loaded === 'function' ? loaded : loaded.default;

// Its translation loader prints a line about the skipped download.
const print = console.log;
console.log = () => undefined;
const result = await run({
  input: path.resolve(input),
  isRelative: true,
  electronVersionOverride: electronVersion,
});
console.log = print;
process.stdout.write(
  `${JSON.stringify({
    issues: result.issues.map((issue) => ({
      id: issue.id,
      file: issue.file,
      line: issue.location.line,
      manualReview: issue.manualReview,
    })),
    errors: result.errors.map((error) => ({
      file: error.file,
      message: error.message,
    })),
  })}\n`,
);
