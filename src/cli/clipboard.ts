import { spawn } from 'node:child_process';
import { ExitCode } from './context';
import { CommandFailure } from './failure';

/** How long a copied key stays on the clipboard. */
export const CLIPBOARD_CLEAR_SECONDS = 30;

/** The hidden command the detached clearer runs as. */
export const CLEAR_CLIPBOARD_COMMAND = '__clear-clipboard';

/**
 * Puts a key on the clipboard, then leaves a detached process behind that
 * empties the clipboard after 30 seconds if it still holds that key. The key
 * reaches the clearer through its stdin, never its argv (other users can read
 * argv in the process list).
 */
export async function copyWithTimedClear(secret: string): Promise<Date> {
  try {
    await (await loadClipboard()).write(secret);
  } catch (error) {
    throw noClipboard(error);
  }
  startClearer(secret, CLIPBOARD_CLEAR_SECONDS);
  return new Date(Date.now() + CLIPBOARD_CLEAR_SECONDS * 1000);
}

function startClearer(secret: string, seconds: number): void {
  const script = process.argv[1];
  if (!script) return;
  const child = spawn(
    process.execPath,
    [script, CLEAR_CLIPBOARD_COMMAND, '--after', String(seconds)],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  child.stdin.end(secret);
  child.unref();
}

/** Waits, then clears the clipboard if it still holds `secret`. */
export async function clearClipboardLater(
  secret: string,
  seconds: number,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  // Something else copied since: leave the user's clipboard alone.
  const clipboard = await loadClipboard();
  if ((await clipboard.read()) === secret) await clipboard.write('');
}

/** Loaded on first use: clipboardy pulls in a process library every other
 * command would pay for at start-up. */
async function loadClipboard() {
  return (await import('clipboardy')).default;
}

function noClipboard(error: unknown): CommandFailure {
  const reason = error instanceof Error ? error.message.split('\n')[0] : '';
  return new CommandFailure(
    ExitCode.unavailable,
    `No clipboard is available here${reason ? `: ${reason}` : '.'}`,
    'Run this in a desktop session, or print the key with ' +
      '`btcpay-keys key reveal <id>` and handle it yourself.',
  );
}
