import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  windowWebPreferences,
} from '../../main/security';

// Checks the output of `npm run build` (scripts/test.sh builds before the
// suites run): the window's security settings and CSP really are in the
// shipped main process and page, and the renderer stays small.

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
  it('creates its window isolated, sandboxed and without Node', () => {
    const main = readFileSync(dist('main', 'main.js'), 'utf8');
    const preferences = windowWebPreferences('/preload.cjs');
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    for (const [name, value] of Object.entries(preferences)) {
      if (typeof value === 'boolean') {
        expect(main).toContain(`${name}: ${value}`);
      }
    }
    expect(main).toContain('webPreferences: windowWebPreferences(preloadPath)');
  });

  it('sends the strict policy with every page and denies what the page may ask for', () => {
    const main = readFileSync(dist('main', 'main.js'), 'utf8');
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    for (const directive of CONTENT_SECURITY_POLICY.split('; ')) {
      expect(main).toContain(directive);
    }
    expect(main).toContain('setPermissionRequestHandler');
    expect(main).toContain('setPermissionCheckHandler');
    expect(main).toContain('action: "deny"');
    expect(main).toContain('will-navigate');
  });

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
