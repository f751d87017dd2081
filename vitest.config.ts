import { defineConfig } from 'vitest/config';

// Unit, integration and end-to-end suites. Each suite starts the real things it
// needs (sandbox servers, loopback receivers, Chromium) on port 0 and stops
// them; the keychain comes from the private D-Bus session scripts/test.sh runs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // After every suite, no secret the run created may be found in a data
    // folder, log, report, captured output or any process's argv.
    globalSetup: ['test/hardening/secret-hygiene.global.ts'],
    testTimeout: 30_000,
    // expect.poll waits for what a UI or a server shows next; its default of
    // one second is shorter than an answer takes on a busy two-core machine.
    // A wait, not a timing assertion: it passes as soon as the value shows.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    restoreMocks: true,
  },
});
