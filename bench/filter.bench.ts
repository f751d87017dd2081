/// <reference lib="dom" />
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium';
import { CONTENT_SECURITY_POLICY } from '../main/security';
import {
  operations,
  type KeyView,
  type OperationName,
  type ValueOf,
} from '../src/contract';
import { silentLogger } from '../src/log/logger';
import { createKeyManagerService } from '../src/service';
import { openVault } from '../src/vault';
import { countingStore } from './counting-store';
import {
  installProbe,
  installStubApi,
  type KeystrokeTiming,
} from './filter-page';
import { createBenchVault } from './fixtures';
import { growth, judge, type BenchRow, type GrowthSeries } from './result';
import { measure, round, summarize } from './stats';

/**
 * A keystroke in the key list's search box, in headless Chromium, with the
 * built renderer and a stub core that lists generated keys.
 */

const RENDERER = path.resolve(import.meta.dirname, '..', 'dist', 'renderer');
const GOAL_MS = 16;
const FRAME_MS = 1000 / 60;
const SCALES = [1_000, 10_000, 100_000];
/** Typed, then erased: narrows step by step, then widens again. */
const QUERY = 'woo key 12';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** Key views as the app's listKeys builds them from a generated vault. */
async function keyViews(count: number): Promise<KeyView[]> {
  const vault = await createBenchVault({ keys: count, events: 0 });
  try {
    const service = createKeyManagerService({
      vault: await openVault({
        home: vault.home,
        secretStore: countingStore(),
      }),
      logger: silentLogger,
      emit: () => undefined,
      openBrowser: async () => undefined,
      clipboard: { write: () => undefined, read: () => '' },
    });
    const answer = await service.handlers.listKeys({});
    await service.close();
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.value;
  } finally {
    await vault.remove();
  }
}

/** Serves the built renderer with the app's Content-Security-Policy. */
async function serve(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = path.join(RENDERER, name === '/' ? 'index.html' : name);
    if (!file.startsWith(RENDERER + path.sep))
      return void response.writeHead(404).end();
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'Content-Type':
            TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Types one character (or erases one) and returns what the probe saw. */
async function keystroke(page: Page, key: string): Promise<KeystrokeTiming> {
  await page.evaluate(() => window.benchArm?.());
  await page.keyboard.press(key);
  const timing = await page.evaluate(() => window.benchKeystroke);
  if (!timing) throw new Error('The probe recorded nothing.');
  // Let deferred rendering settle so keystrokes do not overlap.
  await page.waitForTimeout(150);
  return timing;
}

/**
 * What the stub core answers, each checked against the contract so the
 * stub cannot drift from what the renderer expects.
 */
function stubAnswers(keys: KeyView[]): string {
  const answers: { [K in OperationName]?: ValueOf<K> } = {
    listKeys: keys,
    getSettings: {
      rotationDays: 180,
      staleVerificationDays: 30,
      authorizeTimeoutSeconds: 600,
      keychainTimeoutSeconds: 60,
      theme: 'light',
    },
    pendingDeepLink: { request: null, queued: 0 },
    listServers: [],
  };
  for (const [name, value] of Object.entries(answers)) {
    operations[name as OperationName].response.parse({ ok: true, value });
  }
  return JSON.stringify(answers);
}

async function measureScale(page: Page, url: string, count: number) {
  const keys = await keyViews(count);
  // tsx names functions with an `__name` helper the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(installStubApi, stubAnswers(keys));
  await page.addInitScript(installProbe);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  await page
    // Revoked keys are hidden by default, so fewer than `count` are shown.
    .getByText(new RegExp(`^Showing \\d+ of ${count} keys$`))
    .waitFor({ timeout: 120_000 })
    .catch(async (error: unknown) => {
      const shot = path.join(os.tmpdir(), `bench-filter-${count}.png`);
      await page.screenshot({ path: shot });
      throw new Error(
        `The key list never showed ${count} keys (screenshot ${shot}; page errors: ${pageErrors.join('; ') || 'none'}).`,
        { cause: error },
      );
    });
  await page.locator('[role="search"] input[type="search"]').focus();
  const strokes = [...QUERY, ...Array.from(QUERY, () => 'Backspace')];
  let next = 0;
  const filtered: number[] = [];
  const timings = await measure(
    {
      keystroke: async () => {
        const key = strokes[next % strokes.length] as string;
        next += 1;
        const timing = await keystroke(page, key);
        if (timing.toFilteredPaint !== null)
          filtered.push(timing.toFilteredPaint);
        return { overriddenDuration: timing.toNextPaint };
      },
    },
    {
      iterations: count >= 100_000 ? strokes.length : strokes.length * 2,
      warmupIterations: 2,
    },
  );
  return {
    keystroke: timings['keystroke'],
    filtered: filtered.length > 0 ? summarize(filtered) : null,
  };
}

/** Runs the keystroke benchmark in headless Chromium at every scale. */
export async function benchFilter(
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; growth: GrowthSeries[] }> {
  const site = await serve();
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  const points: Array<{ keys: number; value: number }> = [];
  try {
    for (const count of SCALES) {
      log(`filter: keystrokes at ${count} keys in Chromium`);
      const page = await browser.newPage({
        viewport: { width: 1280, height: 800 },
      });
      try {
        const { keystroke: timing, filtered } = await measureScale(
          page,
          site.url,
          count,
        );
        if (!timing) throw new Error('No keystroke timing.');
        const goal =
          count === 10_000
            ? { kind: 'ms' as const, max: GOAL_MS }
            : { kind: 'report' as const };
        points.push({ keys: count, value: round(timing.median, 1) });
        rows.push({
          id: `filter-${count}`,
          operation: `Filter keystroke at ${count.toLocaleString('en')} keys, input to next paint (Chromium)`,
          goal,
          value: round(timing.median, 1),
          met: judge(goal, timing.median),
          timing,
          details: {
            frameMs: round(FRAME_MS, 1),
            ratioToFrame: round(timing.median / FRAME_MS, 2),
            toFilteredListPaint: filtered,
            query: QUERY,
          },
        });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return {
    rows,
    growth: [
      growth('filter', 'Filter keystroke, input to next paint', 'ms', points),
    ],
  };
}
