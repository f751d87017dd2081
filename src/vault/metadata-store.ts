import { readFile, rename, stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { ensureHome, withVaultLock } from './lock';
import {
  MIGRATIONS,
  NewerVersionError,
  migrateMetadata,
  type Migration,
} from './migrations';
import { vaultFiles } from './paths';
import { MetadataDocument, emptyMetadata } from './schema';

/** Why the metadata file could not be used. */
export type MetadataProblem =
  'unreadable' | 'invalid-json' | 'invalid-schema' | 'newer-version';

/**
 * The metadata file cannot be used. `setAsideAs` is where a damaged file
 * was moved (it is never overwritten or deleted); null when it was left in
 * place, as for a file from a newer version or one we may not read.
 */
export class MetadataError extends Error {
  override readonly name = 'MetadataError';

  constructor(
    readonly file: string,
    readonly problem: MetadataProblem,
    readonly reason: string,
    readonly setAsideAs: string | null,
  ) {
    super(describe(file, problem, reason, setAsideAs));
  }
}

function describe(
  file: string,
  problem: MetadataProblem,
  reason: string,
  setAsideAs: string | null,
): string {
  const what = `The key metadata at ${file} cannot be used: ${reason}.`;
  if (setAsideAs) {
    return (
      `${what} It was moved, unchanged, to ${setAsideAs}, and BTCPay Key ` +
      'Manager starts again with empty metadata. The API keys are still in ' +
      'the keychain: `btcpay-keys reconcile` lists them.'
    );
  }
  if (problem === 'newer-version') {
    return `${what} Update BTCPay Key Manager; the file was left as it is.`;
  }
  return `${what} Check the file's owner and permissions; it was left as it is.`;
}

/** Options for reading; tests pass their own migration table. */
export interface MetadataReadOptions {
  migrations?: Readonly<Record<number, Migration>>;
}

/**
 * Reads, migrates and schema-checks the metadata. A missing file is an empty
 * document; a damaged one is set aside and reported as a `MetadataError`.
 */
export async function readMetadata(
  home: string,
  options: MetadataReadOptions = {},
): Promise<MetadataDocument> {
  const loaded = await loadMetadata(home, options);
  if (loaded.ok) return loaded.document;
  if (
    loaded.error.problem === 'unreadable' ||
    loaded.error.problem === 'newer-version'
  ) {
    throw loaded.error;
  }
  // Set aside under the lock, after a second look: another process may
  // have replaced the file in the meantime.
  return withVaultLock(home, () => loadOrSetAside(home, options));
}

/**
 * Locked read-modify-write: `change` edits a fresh copy of the document; if
 * it returns normally the copy is schema-checked and written atomically.
 * If it throws, nothing is written.
 */
export function updateMetadata<T>(
  home: string,
  change: (draft: MetadataDocument) => T | Promise<T>,
  options: MetadataReadOptions = {},
): Promise<T> {
  return withVaultLock(home, async () => {
    const draft = await loadOrSetAside(home, options);
    const result = await change(draft);
    await writeMetadata(home, MetadataDocument.parse(draft));
    return result;
  });
}

/** Writes the whole document atomically: temp file, fsync, rename. */
async function writeMetadata(
  home: string,
  document: MetadataDocument,
): Promise<void> {
  await ensureHome(home);
  await writeFileAtomic(
    vaultFiles(home).metadata,
    `${JSON.stringify(document, null, 2)}\n`,
    { fsync: true, mode: 0o600 },
  );
}

type Loaded =
  | { ok: true; document: MetadataDocument }
  | { ok: false; error: MetadataError };

async function loadOrSetAside(
  home: string,
  options: MetadataReadOptions,
): Promise<MetadataDocument> {
  const loaded = await loadMetadata(home, options);
  if (loaded.ok) return loaded.document;
  const { file, problem, reason } = loaded.error;
  if (problem === 'unreadable' || problem === 'newer-version') {
    throw loaded.error;
  }
  throw new MetadataError(file, problem, reason, await setAside(file));
}

async function loadMetadata(
  home: string,
  options: MetadataReadOptions,
): Promise<Loaded> {
  const file = vaultFiles(home).metadata;
  const fail = (problem: MetadataProblem, reason: string): Loaded => ({
    ok: false,
    error: new MetadataError(file, problem, reason, null),
  });

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: true, document: emptyMetadata() };
    return fail(
      'unreadable',
      `it could not be read (${code ?? String(error)})`,
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(
      'invalid-json',
      `it is not valid JSON (${(error as Error).message})`,
    );
  }

  try {
    raw = migrateMetadata(raw, options.migrations ?? MIGRATIONS);
  } catch (error) {
    if (error instanceof NewerVersionError) {
      return fail('newer-version', error.message);
    }
    return fail('invalid-schema', (error as Error).message);
  }

  const parsed = MetadataDocument.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the document';
    return fail('invalid-schema', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return { ok: true, document: parsed.data };
}

/** Renames a damaged file to a name no other file has; never overwrites. */
async function setAside(file: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt += 1) {
    const target = `${file}.unreadable-${stamp}${attempt ? `-${attempt}` : ''}`;
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    if (!taken) {
      await rename(file, target);
      return target;
    }
  }
}
