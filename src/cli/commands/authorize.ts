import { InvalidArgumentError } from 'commander';
import {
  durationInWords,
  openSystemBrowser,
  runAuthorizeFlow,
  type AuthorizeFlowFailure,
  type AuthorizeFlowSuccess,
  type FlowWarning,
} from '../../authorize';
import { revokeKey } from '../../keys';
import { parsePermission } from '../../permissions';
import type { Vault } from '../../vault';
import type { KeyRecord } from '../../vault/schema';
import { ExitCode, type CliContext, type RegisterCommands } from '../context';
import { CommandFailure } from '../failure';
import { checkedLabel } from '../label';
import { note, paint, printable, printJson, say } from '../output';
import { promptYesNo } from '../prompt';
import { collectRepeated } from '../repeated-option';
import { openCliVault } from '../vault';

interface AuthorizeOptions {
  server: string;
  permission?: string[];
  name?: string;
  identifier?: string;
  strict: boolean;
  selectStore?: boolean;
  manager?: boolean;
  browser: boolean;
  timeout?: number;
  json?: boolean;
}

/** `btcpay-keys authorize`: get a key through BTCPay's page in the browser. */
export const registerAuthorizeCommand: RegisterCommands = (
  program,
  context,
) => {
  program
    .command('authorize')
    .description(
      'Get a key through BTCPay’s authorize page in your browser (works ' +
        'with two-factor sign-in and on servers where Basic auth is off). ' +
        'The server is checked with /api/v1/health before the page opens, ' +
        'and the key is checked with the server before it is stored.',
    )
    .requiredOption('--server <url>', 'the BTCPay server address')
    .option(
      '--permission <permission>',
      'policy or policy:storeId; repeat for more',
      collectRepeated,
    )
    .option('--name <name>', 'the application name BTCPay shows and labels')
    .option('--identifier <id>', 'an application identifier to group keys by')
    .option(
      '--strict <true|false>',
      'false lets you tick more permissions on the page',
      parseBooleanOption,
      true,
    )
    .option('--select-store', 'pick the one store the key applies to')
    .option(
      '--manager',
      'ask for unrestricted access and keep the key as the manager key',
    )
    .option('--no-browser', 'print the address instead of opening a browser')
    .option(
      '--timeout <seconds>',
      'how long to wait for approval (default from settings, 600)',
      parseSeconds,
    )
    .option('--json', 'print the result as JSON')
    .action((options: AuthorizeOptions) => authorizeCommand(context, options));
};

function parseBooleanOption(value: string): boolean {
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new InvalidArgumentError('Use true or false.');
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new InvalidArgumentError(
      'Use a whole number of seconds, 1 to 86400.',
    );
  }
  return seconds;
}

async function authorizeCommand(
  context: CliContext,
  options: AuthorizeOptions,
): Promise<void> {
  // The application name is the label BTCPay gives the key.
  if (options.name !== undefined) checkedLabel(options.name, '--name');
  const permissions = checkedPermissions(options);
  const vault = await openCliVault(context);
  const timeoutSeconds =
    options.timeout ??
    (await vault.metadata()).settings.authorizeTimeoutSeconds;
  const cancel = new AbortController();
  const onInterrupt = (): void => cancel.abort();
  process.once('SIGINT', onInterrupt);

  try {
    const result = await runAuthorizeFlow({
      vault,
      serverUrl: options.server,
      request: {
        applicationName: options.name,
        applicationIdentifier: options.identifier,
        permissions,
        strict: options.strict,
        selectiveStores: options.selectStore === true,
      },
      manager: options.manager === true,
      openBrowser: options.browser ? openSystemBrowser : undefined,
      onWarnings: (warnings) => printWarnings(context, warnings),
      onRefusedKey: (refusal) =>
        note(
          context,
          `${paint(context, 'yellow', 'Refused:')} ${printable(refusal.message)} ` +
            'Still waiting for a key the server confirms…',
        ),
      onAuthorizeUrl: (url, state) =>
        announceUrl(context, options, url, state.browserOpened, timeoutSeconds),
      timeoutMs: timeoutSeconds * 1000,
      signal: cancel.signal,
      logger: context.logger,
    });
    if (result.outcome !== 'stored') return failWith(context, options, result);
    await reportStored(context, options, vault, result);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Invalid permissions are refused here, before a browser is opened. */
function checkedPermissions(options: AuthorizeOptions): string[] {
  const permissions = options.permission ?? [];
  if (options.manager && permissions.length > 0) {
    throw new CommandFailure(
      ExitCode.usage,
      '--manager always asks for unrestricted access; it takes no --permission.',
      'Leave out --permission, or leave out --manager.',
    );
  }
  return permissions.map((text) => {
    const parsed = parsePermission(text);
    if (!parsed.ok) {
      throw new CommandFailure(ExitCode.usage, parsed.reason, null);
    }
    return parsed.permission.text;
  });
}

function printWarnings(context: CliContext, warnings: FlowWarning[]): void {
  for (const warning of warnings) {
    note(
      context,
      `${paint(context, 'yellow', 'Warning:')} ${printable(warning.message)}`,
    );
  }
}

function announceUrl(
  context: CliContext,
  options: AuthorizeOptions,
  url: string,
  browserOpened: boolean,
  timeoutSeconds: number,
): void {
  const waiting =
    `Waiting up to ${durationInWords(timeoutSeconds * 1000)} for ` +
    `approval${context.isTTY ? ' (Ctrl+C cancels)' : ''}…`;
  if (options.json) {
    // One compact line first, so a script can open the URL before the wait.
    context.stdout.write(`${JSON.stringify({ authorizeUrl: url })}\n`);
  } else if (!browserOpened) {
    note(
      context,
      'Open this address in the browser where you are signed in to BTCPay:',
    );
    say(context, url);
  } else {
    note(context, 'Opened BTCPay’s authorize page in your browser.');
  }
  note(context, waiting);
}

function failWith(
  context: CliContext,
  options: AuthorizeOptions,
  failure: AuthorizeFlowFailure,
): never {
  if (options.json) printJson(context, failure);
  if (failure.serverVersion) {
    note(
      context,
      printable(`Server version: BTCPay Server ${failure.serverVersion}`),
    );
  }
  throw new CommandFailure(
    exitCodeFor(failure),
    failure.message,
    failure.nextStep,
  );
}

function exitCodeFor(failure: AuthorizeFlowFailure): ExitCode {
  if (failure.outcome === 'invalid-server') return ExitCode.usage;
  if (failure.outcome === 'unreachable') return ExitCode.network;
  if (failure.outcome !== 'refused') return ExitCode.cancelled;
  return failure.kind === 'network' ? ExitCode.network : ExitCode.server;
}

async function reportStored(
  context: CliContext,
  options: AuthorizeOptions,
  vault: Vault,
  result: AuthorizeFlowSuccess,
): Promise<void> {
  context.logger.info(
    {
      keyId: result.key.id,
      fingerprint: result.key.fingerprint,
      superseded: result.supersededKeys.map((key) => key.id),
    },
    'authorize',
  );
  if (options.json) return printJson(context, result);

  const { key } = result;
  say(
    context,
    `${paint(context, 'green', 'Stored')} ` +
      printable(
        `"${key.label}" as ${key.id} (${key.fingerprint}) for ` +
          `${result.server.baseUrl}.`,
      ),
  );
  if (key.isManager) say(context, 'It is now this server’s manager key.');
  // Warnings that only the server's answer could raise.
  printWarnings(
    context,
    result.warnings.filter((w) => w.code === 'manager-not-granted'),
  );
  reportDifferences(context, result);
  await offerRevocation(context, vault, result.supersededKeys);
}

/** Requested versus granted, one line per difference. */
function reportDifferences(
  context: CliContext,
  result: AuthorizeFlowSuccess,
): void {
  const granted =
    result.granted.length === 0 ? 'no permissions' : result.granted.join(', ');
  say(context, printable(`Granted: ${granted}`));
  if (result.differences.length === 0) {
    say(context, 'BTCPay granted exactly what was requested.');
    return;
  }
  say(context, 'Requested versus granted:');
  for (const difference of result.differences) {
    say(context, printable(`  - ${difference.explanation}`));
  }
}

/**
 * BTCPay mints a new key on every run (its reuse needs the same redirect
 * address), so older keys of the same application are offered for
 * revocation: asked one by one on a terminal, listed for scripts.
 */
async function offerRevocation(
  context: CliContext,
  vault: Vault,
  superseded: KeyRecord[],
): Promise<void> {
  if (superseded.length === 0) return;
  say(
    context,
    `${paint(context, 'yellow', 'Older keys')} of this application on this ` +
      'server are still active:',
    ...superseded.map((key) =>
      printable(
        `  ${key.id}  "${key.label}"  ${key.fingerprint}  created ${key.createdAt}`,
      ),
    ),
  );
  if (!context.isTTY) {
    say(context, 'Revoke each with: btcpay-keys key revoke <id>');
    return;
  }
  for (const key of superseded) {
    const question = printable(`Revoke ${key.id} ("${key.label}")?`);
    if (!(await promptYesNo(context, question))) {
      continue;
    }
    try {
      const revoked = await revokeKey(vault, key.id);
      say(
        context,
        revoked.server === 'already-gone'
          ? `${key.id} was already gone from the server; removed here.`
          : `Revoked ${key.id}.`,
      );
    } catch (error) {
      // The new key is stored either way; one failed revocation must not
      // read as a failed authorize.
      const reason = error instanceof Error ? error.message : String(error);
      note(
        context,
        printable(
          `Could not revoke ${key.id}: ${reason} Try again later with ` +
            `btcpay-keys key revoke ${key.id}`,
        ),
      );
    }
  }
}
