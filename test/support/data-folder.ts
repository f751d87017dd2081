import { appendFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  readRegistry,
  scanFolder,
  type RegisteredSecret,
} from '../hardening/support/hygiene-scan';
import { folderLeaksFile, SECRETS_FILE_VARIABLE } from './secrets';

/**
 * The one way tests delete a data folder (metadata, event log, logs,
 * reports): it is first scanned for every secret the run has created, and
 * each hit is recorded for the end-of-run hygiene check, which fails the run.
 * Without this, a leak into a folder a suite deletes would never be seen.
 *
 * A folder the user asked to put a key into (a clipboard stand-in, say) is
 * not a data folder: delete it with plain `rm`.
 */

let known: { registry: string; size: number; secrets: RegisteredSecret[] } = {
  registry: '',
  size: -1,
  secrets: [],
};

/** The registry's secrets, re-read only when the file grew. */
function currentSecrets(registry: string): RegisteredSecret[] {
  const size = statSync(registry, { throwIfNoEntry: false })?.size ?? 0;
  if (known.registry !== registry || known.size !== size) {
    known = { registry, size, secrets: readRegistry(registry) };
  }
  return known.secrets;
}

/** Scans `folder` for the run's secrets and records what it finds. */
export async function recordFolderLeaks(folder: string): Promise<number> {
  const registry = process.env[SECRETS_FILE_VARIABLE];
  if (!registry) return 0;
  const hits = await scanFolder(folder, currentSecrets(registry));
  if (hits.length > 0) {
    const lines = hits.map((hit) => `${JSON.stringify(hit)}\n`).join('');
    appendFileSync(folderLeaksFile(registry), lines, { mode: 0o600 });
  }
  return hits.length;
}

/** Deletes a test's data folder after scanning it for leaked secrets. */
export async function removeDataFolder(folder: string): Promise<void> {
  await recordFolderLeaks(folder);
  await rm(folder, { recursive: true, force: true });
}
