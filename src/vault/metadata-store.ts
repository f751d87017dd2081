import { open, rename, stat } from 'node:fs/promises';
import { statSync, type BigIntStats } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { ensureHome, withVaultLock } from './lock';
import {
  MIGRATIONS,
  NewerVersionError,
  migrateMetadata,
  type Migration,
} from './migrations';
import { vaultFiles } from './paths';
import { MetadataDocument } from './schema';
import { startingMetadata } from './set-aside-records';

/** Why the metadata file could not be used. */
export type MetadataProblem =
  | 'unreadable'
  | 'not-a-file'
  | 'invalid-json'
  | 'invalid-schema'
  | 'newer-version';

/** Problems that leave the file where it is instead of setting it aside. */
function leftInPlace(problem: MetadataProblem): boolean {
  return (
    problem === 'unreadable' ||
    problem === 'not-a-file' ||
    problem === 'newer-version'
  );
}

/**
 * The metadata file cannot be used. `setAsideAs` is where a damaged file
 * was moved (it is never overwritten or deleted); null when it was left in
 * place, as for a file from a newer version or one we may not read.
 */
export class MetadataError extends Error {
  override readonly name = 'MetadataError';
  /** What the merchant can do about it, apart from what happened. */
  readonly nextStep: string;
  /** True for a damaged file the vault's reader moves aside. */
  readonly setsAside: boolean;

  constructor(
    readonly file: string,
    readonly problem: MetadataProblem,
    readonly reason: string,
    readonly setAsideAs: string | null,
  ) {
    const words = describe(file, problem, reason, setAsideAs);
    super(words.message);
    this.nextStep = words.nextStep;
    this.setsAside = !leftInPlace(problem);
  }
}

function describe(
  file: string,
  problem: MetadataProblem,
  reason: string,
  setAsideAs: string | null,
): { message: string; nextStep: string } {
  const what = `The key metadata at ${file} cannot be used: ${reason}.`;
  if (setAsideAs) {
    return {
      message:
        `${what} It was moved, unchanged, to ${setAsideAs}, and BTCPay Key ` +
        'Manager starts again with empty metadata. The API keys are still ' +
        'in the keychain.',
      nextStep:
        'List them with `btcpay-keys reconcile`, then take them back with ' +
        '`btcpay-keys reconcile --adopt --server URL` (add the server again ' +
        'first if it is gone). Keep the set-aside file as a backup.',
    };
  }
  if (problem === 'newer-version') {
    return {
      message: `${what} The file was left as it is.`,
      nextStep:
        'Update BTCPay Key Manager to the version that wrote this file, or ' +
        'a newer one.',
    };
  }
  if (problem === 'not-a-file') {
    return {
      message: `${what} It was left as it is.`,
      nextStep:
        'Move or rename it, and BTCPay Key Manager starts again with empty ' +
        'metadata; `btcpay-keys reconcile` then lists the API keys still in ' +
        'the keychain.',
    };
  }
  return {
    message: `${what} The file was left as it is.`,
    nextStep:
      "Check the file's owner and permissions: it must belong to you and " +
      'be readable by you (`ls -l` it, and `chmod 600` it if needed).',
  };
}

/** Options for reading; tests pass their own migration table. */
export interface MetadataReadOptions {
  migrations?: Readonly<Record<number, Migration>>;
}

/**
 * Reads, migrates and schema-checks the metadata. A missing file is an empty
 * document; a damaged one is set aside and reported as a `MetadataError`.
 *
 * The document comes back frozen: while the file is the very one this
 * process last checked (same inode, size, modification and change times)
 * the checked document is reused instead of parsed again, so it must not
 * be edited in place. Edits go through `updateMetadata`.
 */
export async function readMetadata(
  home: string,
  options: MetadataReadOptions = {},
): Promise<MetadataDocument> {
  const loaded = await sharedLoad(home, options);
  if (loaded.ok) return loaded.document;
  if (leftInPlace(loaded.error.problem)) throw loaded.error;
  // Set aside under the lock, after a second look: another process may
  // have replaced the file in the meantime.
  return withVaultLock(home, () => loadOrSetAside(home, options));
}

/**
 * Reads the metadata as `readMetadata` does, but takes no lock and never
 * sets a damaged file aside: for the audit, which leaves the folder as it
 * was. A file that cannot be used is reported as a `MetadataError` (with
 * `setAsideAs` null); `readMetadata` would set it aside when `setsAside`.
 */
export async function peekMetadata(home: string): Promise<MetadataDocument> {
  const loaded = await sharedLoad(home, {});
  if (loaded.ok) return loaded.document;
  throw loaded.error;
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
    const draft = await loadDraft(home, options);
    const result = await change(draft);
    await writeMetadata(home, MetadataDocument.parse(draft));
    return result;
  });
}

/**
 * Writes the whole document atomically (temp file, fsync, rename), then
 * remembers it as checked: the lock is held, so the file now on disk is
 * the one just written.
 */
async function writeMetadata(
  home: string,
  document: MetadataDocument,
): Promise<void> {
  await ensureHome(home);
  const file = vaultFiles(home).metadata;
  await writeFileAtomic(file, `${JSON.stringify(document, null, 2)}\n`, {
    fsync: true,
    mode: 0o600,
  });
  const written = await stat(file, { bigint: true }).catch(() => null);
  if (written) rememberChecked(file, identityOf(written), document);
  // A read that began before this write may return the old document; let
  // none join it from now on.
  loadsInFlight.delete(file);
}

/**
 * Reads of one file that overlap share one load. Right after a write, the
 * file's identity changes before this process has it, and every concurrent
 * reader (a verification run has dozens) would otherwise parse and check
 * the whole document again, each on its own.
 */
const loadsInFlight = new Map<string, Promise<Loaded>>();

function sharedLoad(
  home: string,
  options: MetadataReadOptions,
): Promise<Loaded> {
  if (options.migrations) return loadMetadata(home, options, { reuse: true });
  const file = vaultFiles(home).metadata;
  const pending = loadsInFlight.get(file);
  if (pending) return pending;
  const load = loadMetadata(home, options, { reuse: true }).finally(() => {
    if (loadsInFlight.get(file) === load) loadsInFlight.delete(file);
  });
  loadsInFlight.set(file, load);
  return load;
}

/** A file's identity: any write or replacement of it changes this. */
function identityOf(stats: BigIntStats): string {
  const { dev, ino, size, mtimeNs, ctimeNs } = stats;
  return `${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`;
}

/** The last document this process checked or wrote, per metadata file. */
const checkedDocuments = new Map<
  string,
  { identity: string; document: MetadataDocument }
>();

function rememberChecked(
  file: string,
  identity: string,
  document: MetadataDocument,
): MetadataDocument {
  const frozen = deepFreeze(document);
  checkedDocuments.set(file, { identity, document: frozen });
  return frozen;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type Loaded =
  | { ok: true; document: MetadataDocument }
  | { ok: false; error: MetadataError };

/**
 * An editable copy of the document for a locked write. A file this
 * process already checked is copied rather than parsed and checked again;
 * the draft is checked as a whole before it is written anyway.
 */
async function loadDraft(
  home: string,
  options: MetadataReadOptions,
): Promise<MetadataDocument> {
  const loaded = await loadMetadata(home, options, { reuse: true });
  if (loaded.ok) {
    const { document } = loaded;
    return Object.isFrozen(document)
      ? (JSON.parse(JSON.stringify(document)) as MetadataDocument)
      : document;
  }
  return loadOrSetAside(home, options);
}

async function loadOrSetAside(
  home: string,
  options: MetadataReadOptions,
): Promise<MetadataDocument> {
  const loaded = await loadMetadata(home, options);
  if (loaded.ok) return loaded.document;
  const { file, problem, reason } = loaded.error;
  if (leftInPlace(problem)) throw loaded.error;
  throw new MetadataError(file, problem, reason, await setAside(file));
}

/**
 * Loads the document. With `reuse`, a file this process already checked is
 * not parsed again and the frozen document is returned; without it (drafts
 * for a write), a fresh, editable document is always built.
 */
async function loadMetadata(
  home: string,
  options: MetadataReadOptions,
  { reuse }: { reuse: boolean } = { reuse: false },
): Promise<Loaded> {
  const file = vaultFiles(home).metadata;
  const fail = (problem: MetadataProblem, reason: string): Loaded => ({
    ok: false,
    error: new MetadataError(file, problem, reason, null),
  });

  // Test tables of migrations are not what the cache was checked with.
  const reusable = reuse && !options.migrations;
  let text: string;
  let identity: string;
  try {
    const checked = reusable ? checkedDocuments.get(file) : undefined;
    if (checked) {
      // A synchronous stat costs microseconds; the promise one, with its
      // trip through the thread pool, ten times more on every read.
      const now = identityOf(statSync(file, { bigint: true }));
      if (now === checked.identity)
        return { ok: true, document: checked.document };
    }
    // Identity and text from one open file, so they belong together.
    const handle = await open(file, 'r');
    try {
      identity = identityOf(await handle.stat({ bigint: true }));
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return { ok: true, document: await startingMetadata(home) };
    }
    if (code === 'EISDIR') return fail('not-a-file', 'it is a folder');
    return fail(
      'unreadable',
      `it could not be read (${code ?? String(error)})`,
    );
  }

  let raw: unknown;
  try {
    // An editor may have saved it with a UTF-8 byte-order mark.
    raw = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
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
  if (!reusable) return { ok: true, document: parsed.data };
  return { ok: true, document: rememberChecked(file, identity, parsed.data) };
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
