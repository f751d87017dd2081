import { InvalidArgumentError } from 'commander';
import type { EventEntry, EventLogVerification } from '../../vault';
import { ExitCode, type CliContext, type RegisterCommands } from '../context';
import { CommandFailure } from '../failure';
import { paint, printable, printJson, say } from '../output';
import { openCliVault } from '../vault';

/**
 * `btcpay-keys log`: the event log and whether its hash chain is intact. A
 * broken chain ends with exit 11, so a script notices tampering.
 */
export const registerLogCommand: RegisterCommands = (program, context) => {
  program
    .command('log')
    .description(
      'Show the event log (no secrets) and check its hash chain for changed, ' +
        'removed or cut-off entries (exit 11 when it is broken).',
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
      if (options.json) printJson(context, { chain, events });
      else {
        for (const event of events) say(context, eventLine(event));
        say(context, chainLine(context, chain));
      }
      if (!chain.ok) throw brokenChain(chain);
    });
};

function chainLine(context: CliContext, chain: EventLogVerification): string {
  if (!chain.ok) {
    return paint(
      context,
      'red',
      // The vault's message is a sentence already, with its full stop.
      `Hash chain broken at line ${chain.line}: ${chain.message.replace(/\.$/, '')}.`,
    );
  }
  const entries = chain.count === 1 ? 'entry' : 'entries';
  return paint(
    context,
    'green',
    `Hash chain intact (${chain.count} ${entries}).`,
  );
}

function brokenChain(
  chain: Extract<EventLogVerification, { ok: false }>,
): CommandFailure {
  return new CommandFailure(
    ExitCode.logTampered,
    `The event log cannot be trusted from line ${chain.line} on: an entry ` +
      'was changed, removed or cut off after it was written.',
    'Compare events.jsonl in the data folder with a backup to see what ' +
      'happened; keep the file as it is for that.',
  );
}

function eventLine(event: EventEntry): string {
  const subject = [event.serverId, event.keyId, event.fingerprint]
    .filter(Boolean)
    .join(' ');
  // The file is outside text too: an edited entry must not drive the terminal.
  return printable(
    `${event.at}  ${event.action.padEnd(20)}  ${subject}`,
  ).trimEnd();
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (
    !/^\d+$/.test(value.trim()) ||
    !Number.isSafeInteger(limit) ||
    limit < 1
  ) {
    throw new InvalidArgumentError(
      'Use a whole number of entries, 1 or more (for example --limit 20).',
    );
  }
  return limit;
}
