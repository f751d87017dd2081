import { InvalidArgumentError, type Command } from 'commander';
import { describeKey, verifyKeys, type KeyVerification } from '../../keys';
import type { KeyRecord, MetadataDocument } from '../../vault/schema';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { paint, printable, printJson, say, table, type Style } from '../output';
import { cliServerCalls, openCliVault } from '../vault';
import { printKeyDetail } from './key-detail';
import { keyStatus } from './key-status';

/** `key list`, `key show` and `key verify`. */
export function registerKeyInspectCommands(
  key: Command,
  context: CliContext,
): void {
  key
    .command('list')
    .description('List the stored keys (reads no secret, opens no keychain).')
    .option('--json', 'print an array of keys, each with its local id')
    .action((options: { json?: boolean }) => listCommand(context, options));

  key
    .command('show <id>')
    .description(
      'Show a key: its permissions in plain words, what they imply, and risks.',
    )
    .option('--json', 'print the key and its explained permissions as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const vault = await openCliVault(context);
      const detail = await describeKey(vault, id);
      if (options.json) return printJson(context, detail);
      printKeyDetail(context, detail);
    });

  key
    .command('verify [id]')
    .description(
      'Check keys against their servers and record the result ' +
        '(exit 4 when a key is unknown or its owner blocked, 7 when the ' +
        'keychain does not hold a key, 5 when a server could not be asked).',
    )
    .option('--all', 'verify every key that is not revoked')
    .option('--concurrency <n>', 'requests at once per server', parseCount, 4)
    .option('--json', 'print the results as JSON')
    .action((id: string | undefined, options: VerifyOptions) =>
      verifyCommand(context, id, options),
    );
}

async function listCommand(
  context: CliContext,
  options: { json?: boolean },
): Promise<void> {
  const vault = await openCliVault(context);
  const metadata = await vault.metadata();
  if (options.json) {
    return printJson(
      context,
      metadata.keys.map((key) => listEntry(key, metadata)),
    );
  }
  if (metadata.keys.length === 0) {
    return say(
      context,
      'No keys yet. Create one with `btcpay-keys key create` or `key import`.',
    );
  }
  const rows = metadata.keys.map((key) => [
    key.id,
    key.label,
    serverName(key, metadata),
    String(key.grantedPermissions.length),
    keyStatus(key),
  ]);
  say(
    context,
    ...table(context, ['ID', 'LABEL', 'SERVER', 'PERMISSIONS', 'STATUS'], rows),
  );
}

function listEntry(key: KeyRecord, metadata: MetadataDocument) {
  const server = metadata.servers.find((s) => s.id === key.serverId);
  return {
    ...key,
    serverName: server?.name ?? null,
    serverUrl: server?.baseUrl ?? null,
  };
}

function serverName(key: KeyRecord, metadata: MetadataDocument): string {
  return (
    metadata.servers.find((s) => s.id === key.serverId)?.name ?? '(removed)'
  );
}

interface VerifyOptions {
  all?: boolean;
  concurrency: number;
  json?: boolean;
}

async function verifyCommand(
  context: CliContext,
  id: string | undefined,
  options: VerifyOptions,
): Promise<void> {
  if (Boolean(id) === Boolean(options.all)) {
    throw new CommandFailure(
      ExitCode.usage,
      'Say which keys to verify: one id, or --all.',
      'Run `btcpay-keys key verify <id>` or `btcpay-keys key verify --all`.',
    );
  }
  const vault = await openCliVault(context);
  const results = await verifyKeys(vault, id ? [id] : 'all', {
    ...cliServerCalls(context),
    concurrencyPerServer: options.concurrency,
    onProgress: ({ done, total }) => {
      if (context.isTTY) context.stderr.write(`\rVerifying ${done}/${total}…`);
    },
  });
  if (context.isTTY && results.length > 0) context.stderr.write('\n');
  context.logger.info({ checked: results.length }, 'key verify');

  if (options.json) printJson(context, results);
  else printVerifications(context, results);
  failUnlessAllValid(results);
}

const RESULT_STYLE: Record<KeyVerification['result'], Style> = {
  valid: 'green',
  'unknown-key': 'red',
  'owner-blocked': 'red',
  error: 'yellow',
};

function printVerifications(
  context: CliContext,
  results: KeyVerification[],
): void {
  if (results.length === 0) return say(context, 'No keys to verify.');
  for (const result of results) {
    const word = paint(context, RESULT_STYLE[result.result], result.result);
    say(context, `${printable(`${result.keyId}  ${result.label}`)}: ${word}`);
    if (result.message) say(context, `    ${printable(result.message)}`);
  }
}

/**
 * Ends with the documented code when a key did not verify: 4 when a server
 * refused a key, else 7 when the keychain does not hold one, else 5 when a
 * server could not be asked.
 */
function failUnlessAllValid(results: KeyVerification[]): void {
  const refused = results.filter(
    (r) => r.result === 'unknown-key' || r.result === 'owner-blocked',
  );
  const notHere = results.filter((r) => r.keychainProblem !== null);
  const failed = results.filter((r) => r.result !== 'valid');
  if (failed.length === 0) return;
  const summary = `${failed.length} of ${results.length} keys did not verify.`;
  if (refused.length > 0) {
    throw new CommandFailure(
      ExitCode.server,
      summary,
      'Revoke unknown keys with `btcpay-keys key revoke <id>`; for a ' +
        'blocked owner, sign in to BTCPay and check the account.',
    );
  }
  if (notHere.length > 0) {
    throw new CommandFailure(
      ExitCode.notFound,
      summary,
      'The keychain does not hold the key of ' +
        `${notHere.map((r) => r.keyId).join(', ')}: run ` +
        '`btcpay-keys reconcile` to see what is missing, then import the ' +
        'key again or delete the record.',
    );
  }
  throw new CommandFailure(
    ExitCode.network,
    summary,
    'Check that the server is reachable and run the verification again.',
  );
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    throw new InvalidArgumentError('Use a whole number from 1 to 32.');
  }
  return count;
}
