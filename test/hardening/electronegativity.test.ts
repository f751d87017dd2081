import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Electronegativity (Doyensec's Electron security scanner) over the app's
 * sources and its build. Every finding must be listed, with its reason, in
 * electronegativity-allow.json and explained in docs/security.md; anything
 * new fails the run, and so does a reason naming a function or test file
 * that no longer exists. The built window preferences and CSP themselves are
 * checked by test/build/built-main.test.ts, the page's meta tag by
 * test/build/built-app.test.ts.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCANNER = path.join(
  import.meta.dirname,
  'children',
  'electronegativity-scan.ts',
);
const ELECTRON_VERSION = '41.0.0';

type Finding = {
  id: string;
  file: string;
  line: number;
  manualReview: boolean;
};
type Allowed = Record<string, { files: string[]; reason: string }>;

function scan(
  folder: string,
): Promise<{ issues: Finding[]; errors: unknown[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', SCANNER, folder, ELECTRON_VERSION],
      { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (!line) return reject(new Error(`no scan result:\n${stdout}`));
        resolve(JSON.parse(line) as { issues: Finding[]; errors: unknown[] });
      },
    );
  });
}

let sources: string;
let allowed: Allowed;
let securityDoc: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'main', 'main.js'))) {
    throw new Error('dist/main/main.js is missing: run `npm run build` first.');
  }
  // One folder holding both, so checks that look across the main process
  // and the page (navigation limits, permission handlers) see all of it.
  sources = await mkdtemp(
    path.join(os.tmpdir(), 'btcpay-keys-electronegativity-'),
  );
  await cp(path.join(ROOT, 'main'), path.join(sources, 'main'), {
    recursive: true,
  });
  await cp(path.join(ROOT, 'renderer'), path.join(sources, 'renderer'), {
    recursive: true,
  });
  allowed = JSON.parse(
    await readFile(
      path.join(import.meta.dirname, 'electronegativity-allow.json'),
      'utf8',
    ),
  ) as Allowed;
  securityDoc = await readFile(path.join(ROOT, 'docs', 'security.md'), 'utf8');
}, 60_000);

afterAll(() => rm(sources, { recursive: true, force: true }));

/** The names `main/` and `src/` export as functions. */
async function exportedFunctions(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const folder of ['main', 'src']) {
    const files = await readdir(path.join(ROOT, folder), { recursive: true });
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(path.join(ROOT, folder, file), 'utf8');
      for (const match of text.matchAll(/export (?:async )?function (\w+)/g)) {
        names.add(match[1] ?? '');
      }
    }
  }
  return names;
}

function unexplained(findings: Finding[]): string[] {
  return findings
    .filter((finding) => !allowed[finding.id]?.files.includes(finding.file))
    .map((f) => `${f.id} at ${f.file}:${f.line}`);
}

describe('Electronegativity over the app', () => {
  it('finds nothing in the sources that is not explained', async () => {
    const result = await scan(sources);
    expect(result.errors).toEqual([]);
    expect(unexplained(result.issues)).toEqual([]);
  }, 150_000);

  it('finds nothing in the build that is not explained', async () => {
    const result = await scan(path.join(ROOT, 'dist'));
    expect(result.errors).toEqual([]);
    expect(unexplained(result.issues)).toEqual([]);
  }, 150_000);

  it('explains every allowed finding in docs/security.md', () => {
    for (const [check, entry] of Object.entries(allowed)) {
      expect(entry.reason.length, check).toBeGreaterThan(40);
      expect(securityDoc, `${check} is not explained`).toContain(check);
    }
  });

  it('names only functions and tests that exist in its reasons', async () => {
    const functions = await exportedFunctions();
    for (const [check, { reason }] of Object.entries(allowed)) {
      for (const [, name] of reason.matchAll(/(\w+)\(\)/g)) {
        expect(functions.has(name ?? ''), `${check} names ${name}()`).toBe(
          true,
        );
      }
      for (const [file] of reason.matchAll(/test\/[\w/.-]+\.test\.ts/g)) {
        expect(
          existsSync(path.join(ROOT, file)),
          `${check} names ${file}`,
        ).toBe(true);
      }
    }
  });
});
