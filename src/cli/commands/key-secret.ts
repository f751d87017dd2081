import type { Command } from 'commander';
import { requireKey } from '../../keys';
import type { CliContext, RegisterCommands } from '../context';
import {
  CLEAR_CLIPBOARD_COMMAND,
  clearClipboardLater,
  copyWithTimedClear,
} from '../clipboard';
import { note, printable, say } from '../output';
import { confirmAction, readSecretFromStdin } from '../prompt';
import { openCliVault } from '../vault';

/** `key reveal` and `key copy`: the only ways a key leaves the keychain. */
export function registerKeySecretCommands(
  key: Command,
  context: CliContext,
): void {
  registerReveal(key, context);
  registerCopy(key, context);
}

function registerReveal(key: Command, context: CliContext): void {
  key
    .command('reveal <id>')
    .description('Print the key itself on stdout (asks first on a terminal).')
    .option('-y, --yes', 'confirm without asking')
    .action(async (id: string, options: { yes?: boolean }) => {
      const vault = await openCliVault(context);
      const { key: stored } = await requireKey(vault, id);
      const named = `"${printable(stored.label)}" (${stored.id})`;
      await confirmAction(context, options, {
        question: `Show the key ${named} in clear text?`,
        action: `show the key ${named} in clear text`,
      });
      const secret = await vault.readSecret(stored.id, 'reveal');
      context.logger.info(
        { keyId: stored.id, fingerprint: stored.fingerprint },
        'key reveal',
      );
      say(context, secret);
    });
}

function registerCopy(key: Command, context: CliContext): void {
  key
    .command('copy <id>')
    .description(
      'Copy the key to the clipboard; it is cleared after 30 s if it still ' +
        'holds the key.',
    )
    .action(async (id: string) => {
      const vault = await openCliVault(context);
      const { key: stored } = await requireKey(vault, id);
      // Read for use, and log the copy only once the clipboard took it, so
      // the event log never claims a copy that did not happen.
      const secret = await vault.readSecret(stored.id, 'use');
      const clearsAt = await copyWithTimedClear(secret);
      await vault.log({
        action: 'key.copied',
        serverId: stored.serverId,
        keyId: stored.id,
        fingerprint: stored.fingerprint,
        details: { clearsAt: clearsAt.toISOString() },
      });
      context.logger.info(
        { keyId: stored.id, fingerprint: stored.fingerprint },
        'key copy',
      );
      say(
        context,
        `Copied "${printable(stored.label)}". The clipboard is cleared at ${clearsAt.toLocaleTimeString()} if it still holds the key.`,
      );
    });
}

/** The hidden command the detached clipboard clearer runs. */
export const registerClipboardClearer: RegisterCommands = (
  program,
  context,
) => {
  program
    .command(CLEAR_CLIPBOARD_COMMAND, { hidden: true })
    .option('--after <seconds>', 'seconds to wait', '30')
    .action(async (options: { after: string }) => {
      const secret = await readSecretFromStdin(context, 'key');
      await clearClipboardLater(secret, Number(options.after) || 30).catch(() =>
        note(context, 'Could not clear the clipboard.'),
      );
    });
};
