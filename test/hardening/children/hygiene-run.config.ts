import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// A one-file vitest run under the real end-of-run hygiene check, started by
// secret-hygiene.test.ts to prove that a planted leak fails a run.
const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);

export default defineConfig({
  root,
  test: {
    include: ['test/hardening/children/planted-leaks.scratch.ts'],
    globalSetup: ['test/hardening/secret-hygiene.global.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
  },
});
