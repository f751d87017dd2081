import type { Command } from 'commander';
import { addServer, removeServer } from '../../keys';
import type { KeyRecord, ServerRecord } from '../../vault/schema';
import type { CliContext, RegisterCommands } from '../context';
import { paint, printable, printJson, say, table } from '../output';
import { confirmAction } from '../prompt';
import { cliServerCalls, openCliVault } from '../vault';

/** `btcpay-keys server add|list|remove`: the BTCPay servers keys belong to. */
export const registerServerCommands: RegisterCommands = (program, context) => {
  const server = program
    .command('server')
    .description('Add, list and remove BTCPay servers.');
  registerAdd(server, context);
  registerList(server, context);
  registerRemove(server, context);
};

function registerAdd(server: Command, context: CliContext): void {
  server
    .command('add <url>')
    .description(
      'Add a BTCPay server after checking /api/v1/health (no credentials).',
    )
    .option('--name <name>', 'a display name (default: the host name)')
    .option('--json', 'print the stored server as JSON')
    .action(async (url: string, options: { name?: string; json?: boolean }) => {
      const vault = await openCliVault(context);
      const added = await addServer(vault, url, {
        ...cliServerCalls(context),
        name: options.name,
      });
      context.logger.info(
        { serverId: added.server.id, alreadyStored: added.alreadyStored },
        'server add',
      );
      if (options.json) return printJson(context, added);
      say(
        context,
        added.alreadyStored
          ? `${added.server.baseUrl} is already stored as ${added.server.id}.`
          : `${paint(context, 'green', 'Added')} ` +
              printable(
                `${added.server.name} (${added.server.baseUrl}) as ` +
                  `${added.server.id}.`,
              ),
      );
      if (added.synchronized === false) {
        say(context, 'Note: the server says it is still synchronising.');
      }
    });
}

function registerList(server: Command, context: CliContext): void {
  server
    .command('list')
    .description(
      'List the stored servers with their active and revoked key counts.',
    )
    .option('--json', 'print the servers as JSON')
    .action(async (options: { json?: boolean }) => {
      const vault = await openCliVault(context);
      const { servers, keys } = await vault.metadata();
      const listed = servers.map((s) => withKeyCounts(s, keys));
      if (options.json) return printJson(context, listed);
      if (servers.length === 0) {
        return say(
          context,
          'No servers yet. Add one with `btcpay-keys server add <url>`.',
        );
      }
      say(
        context,
        ...table(
          context,
          ['ID', 'NAME', 'URL', 'KEYS', 'REVOKED', 'MINTS WITH'],
          listed.map(serverRow),
        ),
      );
    });
}

/** A stored server as `server list` shows it, with its keys counted. */
interface ListedServer extends ServerRecord {
  /** Keys that still work: revoked ones are not counted, as in `audit`. */
  keyCount: number;
  /** Revoked keys whose records are kept for their history. */
  revokedKeyCount: number;
}

function withKeyCounts(
  server: ServerRecord,
  keys: readonly KeyRecord[],
): ListedServer {
  const own = keys.filter((k) => k.serverId === server.id);
  const revoked = own.filter((k) => k.revokedAt !== null).length;
  return {
    ...server,
    keyCount: own.length - revoked,
    revokedKeyCount: revoked,
  };
}

function serverRow(server: ListedServer): string[] {
  return [
    server.id,
    server.name,
    server.baseUrl,
    String(server.keyCount),
    String(server.revokedKeyCount),
    server.mintMethod,
  ];
}

function registerRemove(server: Command, context: CliContext): void {
  server
    .command('remove <id-or-url>')
    .description(
      'Forget a server. Refused while keys of it are stored, unless --force ' +
        '(which deletes those keys here, not on the server).',
    )
    .option('--force', 'also delete its keys here (they keep working)')
    .option('-y, --yes', 'confirm without asking')
    .action(
      async (idOrUrl: string, options: { force?: boolean; yes?: boolean }) => {
        const vault = await openCliVault(context);
        const known = await vault.findServer(idOrUrl);
        // An unknown server is reported as such before anything is asked.
        if (known) {
          await confirmAction(context, options, {
            question: `Remove ${known.baseUrl}?`,
            action: `remove ${known.baseUrl}`,
          });
        }
        const removed = await removeServer(vault, idOrUrl, options);
        context.logger.info({ serverId: removed.id }, 'server remove');
        say(
          context,
          printable(`Removed ${removed.name} (${removed.baseUrl}).`),
        );
      },
    );
}
