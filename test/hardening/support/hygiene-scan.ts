import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Looks for the run's secrets where they must never be: files a run left in
 * its data folders (metadata, event logs, logs, reports, captured output)
 * and the command lines of running processes. A hit names the place and the
 * kind of secret, never the secret itself.
 */

/** One secret found where it must not be. */
export interface HygieneHit {
  where: string;
  kind: string;
}

/** A secret from the registry. */
export interface RegisteredSecret {
  kind: string;
  secret: string;
}

/** The registry's entries; torn or foreign lines are skipped. */
export function readRegistry(file: string): RegisteredSecret[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const secrets = new Map<string, RegisteredSecret>();
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as Partial<RegisteredSecret>;
      if (typeof entry.secret === 'string' && typeof entry.kind === 'string') {
        secrets.set(entry.secret, { kind: entry.kind, secret: entry.secret });
      }
    } catch {
      // A line being written right now; the next read sees it whole.
    }
  }
  return [...secrets.values()];
}

/** Hits recorded in a JSON-lines file (by data-folder cleanups). */
export function readRecordedHits(file: string): HygieneHit[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const hit = JSON.parse(line) as Partial<HygieneHit>;
        return { where: String(hit.where), kind: String(hit.kind) };
      } catch {
        // A torn line still says that something leaked.
        return { where: `a torn line of ${file}`, kind: 'secret' };
      }
    });
}

function hitsIn(
  text: string,
  where: string,
  secrets: RegisteredSecret[],
): HygieneHit[] {
  return secrets
    .filter(({ secret }) => text.includes(secret))
    .map(({ kind }) => ({ where, kind }));
}

/** Files bigger than this are not run artefacts (and would slow the scan). */
const LARGEST_SCANNED = 8 * 1024 * 1024;

/** Every file under `root` changed since `since`, scanned for the secrets. */
export async function scanFolder(
  root: string,
  secrets: RegisteredSecret[],
  since = 0,
): Promise<HygieneHit[]> {
  const entries = await readdir(root, {
    recursive: true,
    withFileTypes: true,
  }).catch(() => []);
  const hits: HygieneHit[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file).catch(() => null);
    if (!info || info.mtimeMs < since || info.size > LARGEST_SCANNED) continue;
    const text = await readFile(file, 'latin1').catch(() => '');
    hits.push(...hitsIn(text, file, secrets));
  }
  return hits;
}

/** One file scanned for the secrets; a missing file has none. */
export async function scanFile(
  file: string,
  secrets: RegisteredSecret[],
): Promise<HygieneHit[]> {
  const text = await readFile(file, 'latin1').catch(() => '');
  return hitsIn(text, file, secrets);
}

/** The run's folders in the temp folder: data folders, scratch, captures. */
export function runFolders(tmp: string, prefixes: string[], since: number) {
  return readdirSync(tmp)
    .filter((name) => prefixes.some((prefix) => name.startsWith(prefix)))
    .map((name) => path.join(tmp, name))
    .filter((folder) => {
      try {
        const info = statSync(folder);
        return info.isDirectory() && info.mtimeMs >= since;
      } catch {
        return false;
      }
    });
}

/** What a pid's command line was already checked against. */
export type ArgvMemory = Map<string, { argv: string; checked: number }>;

/**
 * Command lines of every process visible in /proc, except `skipPid`. With
 * `memory`, an unchanged command line is checked only against secrets added
 * since its last check, which keeps frequent sampling cheap.
 */
export function scanProcessArgs(
  secrets: RegisteredSecret[],
  skipPid = process.pid,
  memory?: ArgvMemory,
): HygieneHit[] {
  if (secrets.length === 0) return [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const hits: HygieneHit[] = [];
  for (const pid of pids) {
    if (Number(pid) === skipPid) continue;
    let argv: string;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    } catch {
      continue;
    }
    const previous = memory?.get(pid);
    const unchecked =
      previous?.argv === argv ? secrets.slice(previous.checked) : secrets;
    memory?.set(pid, { argv, checked: secrets.length });
    const found = unchecked.filter(({ secret }) => argv.includes(secret));
    if (found.length === 0) continue;
    // Name the program, with the secrets themselves blanked out.
    let shown = argv.split('\0').slice(0, 3).join(' ');
    for (const { secret } of found)
      shown = shown.split(secret).join('<secret>');
    const where = `argv of pid ${pid} (${shown.slice(0, 120)} ...)`;
    hits.push(...found.map(({ kind }) => ({ where, kind })));
  }
  return hits;
}
