import type { Command } from 'commander';
import { deleteKeyLocally, requireKey, revokeKey } from '../../keys';
import type { KeyRecord } from '../../vault/schema';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { printable, printJson, say } from '../output';
import { confirmAction } from '../prompt';
import { cliServerCalls, openCliVault } from '../vault';

/** `key revoke` (server first, then here) and `key delete --local-only`. */
export function registerKeyRemovalCommands(
  key: Command,
  context: CliContext,
): void {
  registerRevoke(key, context);
  registerDelete(key, context);
}

function registerRevoke(key: Command, context: CliContext): void {
  key
    .command('revoke <id>')
    .description(
      'Revoke a key on its server, then drop its secret here (the record ' +
        'stays, marked revoked). A key the server no longer knows is still ' +
        'dropped here.',
    )
    .option('-y, --yes', 'confirm without asking')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { yes?: boolean; json?: boolean }) => {
      const vault = await openCliVault(context);
      const { key: stored, server } = await requireKey(vault, id);
      if (stored.revokedAt !== null) throw alreadyRevoked(stored);
      const named = `"${printable(stored.label)}" (${stored.id})`;
      await confirmAction(context, options, {
        question:
          `Revoke ${named} on ${server.baseUrl}? ` +
          'Anything using it stops working.',
        action: `revoke ${named}`,
      });
      const result = await revokeKey(vault, stored.id, cliServerCalls(context));
      context.logger.info(
        {
          keyId: stored.id,
          fingerprint: stored.fingerprint,
          server: result.server,
        },
        'key revoke',
      );
      if (options.json) return printJson(context, result);
      say(context, revokeMessage(printable(stored.label), result.server));
    });
}

function registerDelete(key: Command, context: CliContext): void {
  key
    .command('delete <id>')
    .description(
      'Delete a key here only (secret and metadata); it keeps working on ' +
        'the server. Use `key revoke` to end it.',
    )
    .option('--local-only', 'required: confirms the server is not asked')
    .option('-y, --yes', 'confirm without asking')
    .action(
      async (id: string, options: { localOnly?: boolean; yes?: boolean }) => {
        if (!options.localOnly) {
          throw new CommandFailure(
            ExitCode.usage,
            '`key delete` removes the key only from this computer; the key ' +
              'keeps working on the server.',
            'Pass --local-only to do exactly that, or run `btcpay-keys key ' +
              'revoke <id>` to end the key on the server too.',
          );
        }
        const vault = await openCliVault(context);
        const { key: stored } = await requireKey(vault, id);
        const named = `"${printable(stored.label)}" (${stored.id})`;
        await confirmAction(context, options, {
          question: `Delete ${named} here? ${serverSide(stored)}`,
          action: `delete ${named}`,
        });
        // Worded from the record as deleted: it may have been revoked
        // since the question was asked.
        const deleted = await deleteKeyLocally(vault, stored.id);
        context.logger.info(
          { keyId: stored.id, fingerprint: stored.fingerprint },
          'key delete',
        );
        say(
          context,
          deleted.revokedAt === null
            ? `Deleted ${named} here; it still works on the server until ` +
                'revoked there.'
            : `Deleted ${named} here; it was already revoked on ` +
                `${deleted.revokedAt}.`,
        );
      },
    );
}

/** What deleting a key here leaves on its server, for the question. */
function serverSide(key: KeyRecord): string {
  return key.revokedAt === null
    ? 'It keeps working on the server.'
    : `It was already revoked on ${key.revokedAt}.`;
}

/** A revoked key is not sent again: the documented "not here" (exit 7). */
function alreadyRevoked(key: KeyRecord): CommandFailure {
  return new CommandFailure(
    ExitCode.notFound,
    `"${key.label}" (${key.id}) was already revoked on ${key.revokedAt}; ` +
      'nothing was sent to the server and nothing changed.',
    `Its record stays for the audit trail; run \`btcpay-keys key delete ` +
      `${key.id} --local-only\` to forget it here.`,
  );
}

function revokeMessage(label: string, server: string): string {
  if (server === 'revoked') {
    return `Revoked "${label}" on the server; its secret is gone from this computer.`;
  }
  if (server === 'already-gone') {
    return (
      `The server no longer knew "${label}" (revoked elsewhere, or the ` +
      'server was reset); its secret is gone from this computer too.'
    );
  }
  return `"${label}" was already revoked; nothing changed.`;
}
