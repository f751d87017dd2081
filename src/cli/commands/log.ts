import type { EventEntry } from '../../vault';
import type { RegisterCommands } from '../context';
import { paint, printJson, say } from '../output';
import { openCliVault } from '../vault';

/** `btcpay-keys log`: the event log and whether its hash chain is intact. */
export const registerLogCommand: RegisterCommands = (program, context) => {
  program
    .command('log')
    .description(
      'Show the event log (no secrets) and check its hash chain for changed, ' +
        'removed or cut-off entries.',
    )
    .option('--limit <n>', 'show only the last n entries', parseLimit)
    .option('--json', 'print { chain, events } as JSON')
    .action(async (options: { json?: boolean; limit?: number }) => {
      const vault = await openCliVault(context);
      const [all, chain] = await Promise.all([
        vault.events(),
        vault.verifyLog(),
      ]);
      const events = options.limit ? all.slice(-options.limit) : all;
      if (options.json) return printJson(context, { chain, events });

      for (const event of events) say(context, eventLine(event));
      say(
        context,
        chain.ok
          ? paint(
              context,
              'green',
              `Hash chain intact (${chain.count} ${chain.count === 1 ? 'entry' : 'entries'}).`,
            )
          : paint(
              context,
              'red',
              `Hash chain broken at line ${chain.line}: ${chain.message}.`,
            ),
      );
    });
};

function eventLine(event: EventEntry): string {
  const subject = [event.serverId, event.keyId, event.fingerprint]
    .filter(Boolean)
    .join(' ');
  return `${event.at}  ${event.action.padEnd(20)}  ${subject}`.trimEnd();
}

function parseLimit(value: string): number {
  const limit = Number(value);
  return Number.isInteger(limit) && limit > 0 ? limit : 50;
}
