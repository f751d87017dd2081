import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/security';

// Checks the output of `npm run build` (scripts/test.sh builds before the
// suites run): the page carries the CSP, the preload exposes only the API,
// and the renderer stays small. What the built main process does with the
// window and the policy is run and checked in built-main.test.ts.

const root = path.resolve(import.meta.dirname, '..', '..');
const dist = (...parts: string[]) => path.join(root, 'dist', ...parts);

beforeAll(() => {
  for (const file of [
    'main/main.js',
    'main/preload.cjs',
    'renderer/index.html',
  ]) {
    if (!existsSync(dist(file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first.`);
    }
  }
});

function metaPolicy(html: string): string | null {
  const match =
    /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(
      html,
    );
  return match?.[1] ?? null;
}

describe('the built app', () => {
  it('puts the same policy in the page itself', () => {
    const html = readFileSync(dist('renderer', 'index.html'), 'utf8');
    const withoutFrameAncestors = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    // frame-ancestors is ignored in a meta tag, so only the header sends it.
    expect(metaPolicy(html)).toBe(withoutFrameAncestors);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('builds a CommonJS preload that only loads electron and never exposes ipcRenderer', () => {
    const preload = readFileSync(dist('main', 'preload.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map(
      (m) => m[1],
    );
    expect(required).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("btcpayKeys", api)');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('keeps the renderer’s JavaScript under 150 KB gzip', () => {
    const assets = dist('renderer', 'assets');
    const total = readdirSync(assets)
      .filter((name) => name.endsWith('.js'))
      .reduce(
        (sum, name) =>
          sum + gzipSync(readFileSync(path.join(assets, name))).length,
        0,
      );
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });
});
