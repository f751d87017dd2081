import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { vaultFiles } from './paths';

/**
 * Another process (the app or the command line) kept the vault locked for
 * longer than we are willing to wait.
 */
export class VaultBusyError extends Error {
  override readonly name = 'VaultBusyError';
  /** What the merchant can do about it. */
  readonly nextStep =
    'Wait for the other BTCPay Key Manager window or command to finish, then ' +
    'try again. If none is running, the lock of a crashed one clears itself ' +
    'within 10 seconds.';

  constructor(readonly home: string) {
    super(
      `The data folder ${home} stayed locked by another BTCPay Key Manager ` +
        'process for about 30 seconds, so nothing was changed.',
    );
  }
}

/** A lock not refreshed for this long belongs to a dead process. */
const STALE_AFTER_MS = 10_000;

/** Retries with jitter: about 30 s of waiting in total. */
const RETRIES = {
  retries: 120,
  factor: 1.2,
  minTimeout: 10,
  maxTimeout: 300,
  randomize: true,
};

/** How long a wait for another process's lock goes untold. */
const WAIT_NOTICE_AFTER_MS = 1_000;

/** Who is told, per data folder, that this process waits for its lock. */
const waitListeners = new Map<string, () => void>();

/**
 * Calls `listener` whenever this process has waited about a second for
 * another process's lock on `home`, so a command can say why it seems to
 * hang. Replaces an earlier listener for the same folder.
 */
export function onVaultLockWait(home: string, listener: () => void): void {
  waitListeners.set(home, listener);
}

/** Same-process callers queue here first: the file lock is not reentrant. */
const queues = new Map<string, Promise<unknown>>();

/** Creates the data folder, readable by its owner only. */
export async function ensureHome(home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
}

/** The locks the running code holds, while it holds them. */
const held = new AsyncLocalStorage<{ home: string; holding: boolean }>();

/**
 * Runs `task` while holding the vault lock shared by every process.
 *
 * Keep `task` short and free of keychain prompts and network calls: other
 * processes wait for it. Called again from inside `task` for the same
 * folder, it runs the inner task at once under the lock already held, so
 * steps that belong together (a metadata write and its log entry) take the
 * lock once.
 */
export function withVaultLock<T>(
  home: string,
  task: () => Promise<T>,
): Promise<T> {
  const outer = held.getStore();
  // `holding` turns false when the outer task ends, so work it left
  // running afterwards does not write without the lock.
  if (outer?.home === home && outer.holding) return task();
  const previous = queues.get(home) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(() => lockedRun(home, task));
  queues.set(home, next);
  void next
    .finally(() => {
      if (queues.get(home) === next) queues.delete(home);
    })
    .catch(() => undefined);
  return next;
}

async function lockedRun<T>(home: string, task: () => Promise<T>): Promise<T> {
  await ensureHome(home);
  const files = vaultFiles(home);
  let compromised = null as Error | null;
  const attempt = (retries: typeof RETRIES | 0) =>
    lockfile.lock(files.metadata, {
      lockfilePath: files.lock,
      realpath: false,
      stale: STALE_AFTER_MS,
      retries,
      onCompromised: (error) => {
        compromised = error;
      },
    });
  const isLocked = (error: unknown) =>
    (error as NodeJS.ErrnoException).code === 'ELOCKED';
  let release: () => Promise<void>;
  try {
    release = await attempt(0);
  } catch (error) {
    if (!isLocked(error)) throw error;
    const notice = setTimeout(
      () => waitListeners.get(home)?.(),
      WAIT_NOTICE_AFTER_MS,
    );
    try {
      release = await attempt(RETRIES);
    } catch (again) {
      if (isLocked(again)) throw new VaultBusyError(home);
      throw again;
    } finally {
      clearTimeout(notice);
    }
  }

  let result: T;
  const holder = { home, holding: true };
  try {
    result = await held.run(holder, task);
  } finally {
    holder.holding = false;
    if (compromised === null) await release().catch(() => undefined);
  }
  if (compromised !== null) {
    // Another process took the lock over while we held it: our write may
    // have raced with theirs. That is a frozen process or a bug, not an
    // expected failure.
    throw new Error(
      `Lost the lock on ${home} while writing: ${String(compromised)}`,
    );
  }
  return result;
}
