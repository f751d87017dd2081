import type { Command } from 'commander';
import { forgetDecision, listDecisions } from '../../delegation/decisions';
import { revokeKey } from '../../keys';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { printJson, say, table } from '../output';
import { confirmAction } from '../prompt';
import { openCliVault } from '../vault';

/**
 * `btcpay-keys link remembered` and `link forget`: the decisions remembered
 * for apps that asked through deep links, and taking them back.
 */
export function registerDecisionCommands(
  link: Command,
  context: CliContext,
): void {
  link
    .command('remembered')
    .description('List the decisions remembered for apps that asked for keys')
    .option('--json', 'print them as JSON')
    .action((options: { json?: boolean }) => listCommand(context, options));

  link
    .command('forget <id>')
    .description(
      'Forget a remembered decision, so the app is asked again; ' +
        '--revoke-key also revokes the key it was given',
    )
    .option('--revoke-key', 'revoke the delegated key on the server too')
    .option('--yes', 'confirm without asking (scripts)')
    .action((id: string, options: { revokeKey?: boolean; yes?: boolean }) =>
      forgetCommand(context, id, options),
    );
}

async function listCommand(
  context: CliContext,
  options: { json?: boolean },
): Promise<void> {
  const decisions = await listDecisions(await openCliVault(context));
  if (options.json) return printJson(context, decisions);
  if (decisions.length === 0) {
    say(context, 'No decisions are remembered.');
    return;
  }
  say(
    context,
    ...table(
      context,
      ['ID', 'APP', 'DECISION', 'PERMISSIONS', 'KEY', 'LAST USED'],
      decisions.map((d) => [
        d.id,
        d.applicationName ?? d.applicationIdentifier,
        d.decision,
        d.permissions.join(' ') || '(none)',
        d.keyId ?? '-',
        d.lastUsedAt ?? 'never',
      ]),
    ),
  );
}

async function forgetCommand(
  context: CliContext,
  id: string,
  options: { revokeKey?: boolean; yes?: boolean },
): Promise<void> {
  const vault = await openCliVault(context);
  const known = (await listDecisions(vault)).find((d) => d.id === id);
  if (!known) {
    throw new CommandFailure(
      ExitCode.notFound,
      `No remembered decision has the id ${id}.`,
      'List them with btcpay-keys link remembered.',
    );
  }
  if (options.revokeKey && known.keyId) {
    await confirmAction(context, options, {
      question: `Revoke key ${known.keyId} on the server?`,
      action: `forget ${id} and revoke key ${known.keyId}`,
    });
  }
  await forgetDecision(vault, id);
  say(context, `Forgot ${id}; the app will be asked again.`);
  if (options.revokeKey && known.keyId) {
    const revoked = await revokeKey(vault, known.keyId);
    say(
      context,
      revoked.server === 'already-gone'
        ? `${known.keyId} was already gone from the server; removed here.`
        : `Revoked ${known.keyId}.`,
    );
  } else if (known.keyId) {
    say(
      context,
      `Its key ${known.keyId} still works; revoke it with btcpay-keys key revoke ${known.keyId}.`,
    );
  }
}
