import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { judge, type BenchRow } from './result';

/**
 * The JavaScript the renderer loads before its first screen: the module
 * scripts and module preloads of dist/renderer/index.html, gzipped.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const RENDERER = path.join(root, 'dist', 'renderer');
const GOAL_KIB = 150;

/** Builds main, preload and renderer with `vite build` (npm run build). */
export async function buildApp(): Promise<void> {
  await run(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** The scripts index.html loads at once: entry modules and their preloads. */
function initialScripts(html: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /<script[^>]*type="module"[^>]*src="([^"]+)"/g,
    /<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g,
  ];
  for (const pattern of patterns)
    for (const match of html.matchAll(pattern))
      if (match[1]) found.add(match[1]);
  return [...found];
}

/** Builds the renderer and measures its initial JavaScript. */
export async function benchRendererSize(
  log: (line: string) => void,
): Promise<BenchRow> {
  log('renderer: vite build');
  await buildApp();
  const html = await readFile(path.join(RENDERER, 'index.html'), 'utf8');
  const files = initialScripts(html);
  let raw = 0;
  let gzip = 0;
  const perFile: Record<string, { bytes: number; gzipBytes: number }> = {};
  for (const file of files) {
    const body = await readFile(path.join(RENDERER, file));
    const packed = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzip += packed;
    perFile[file] = { bytes: body.length, gzipBytes: packed };
  }
  const kib = Math.round((gzip / 1024) * 10) / 10;
  const goal = { kind: 'kib' as const, max: GOAL_KIB };
  return {
    id: 'renderer-initial-js',
    operation: 'Renderer initial JavaScript (gzip)',
    goal,
    value: kib,
    met: judge(goal, kib),
    details: { files: perFile, rawKiB: Math.round((raw / 1024) * 10) / 10 },
  };
}
