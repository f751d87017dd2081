import { InvalidArgumentError, type Command } from 'commander';
import { openWithSystem } from '../../authorize';
import {
  parseDeepLink,
  type DelegationRequest,
  type LinkRefusal,
} from '../../delegation/link';
import { requestKey, type KeyRequestAnswer } from '../../delegation/requester';
import { needsStoreChoice } from '../../permissions';
import {
  describeRequestPermissions,
  requestRiskClasses,
  RISK_LABELS,
} from '../../permissions';
import { fingerprintKey } from '../../vault';
import { ExitCode, type CliContext, type RegisterCommands } from '../context';
import { CommandFailure } from '../failure';
import { note, paint, printable, printJson, say } from '../output';
import { collectRepeated } from '../repeated-option';
import { registerDecisionCommands } from './link-decisions';
import { handleLinkCommand } from './link-handle';

/**
 * `btcpay-keys link`: deep links from other desktop apps. `inspect` shows how
 * a link is read, `handle` runs the whole request on a terminal, `request`
 * plays the requesting app (and is the integrators' reference).
 */
export const registerLinkCommands: RegisterCommands = (program, context) => {
  const link = program
    .command('link')
    .description('Deep links from other apps asking for a key');

  link
    .command('inspect <url>')
    .description(
      'Show what a btcpay-keys:// link asks for, or why it is refused',
    )
    .option('--json', 'print the parsed request as JSON')
    .action((url: string, options: { json?: boolean }) =>
      inspectCommand(context, url, options),
    );

  link
    .command('handle <url>')
    .description(
      'Answer a btcpay-keys:// link on this terminal: see the request, ' +
        'approve or deny, and send the key back to the app',
    )
    .option(
      '--method <method>',
      "reuse, manager, basic or authorize (asked on a terminal; else the server's usual way)",
    )
    .option('--user <email>', 'for --method basic: the BTCPay account')
    .option(
      '--password-stdin',
      'for --method basic: read the password from stdin',
    )
    .option(
      '--store <id>',
      'the store the key is limited to (needed with manager or basic when the app asks you to pick one)',
      collectRepeated,
    )
    .option('--yes', 'approve without asking (scripts)')
    .option('--deny', 'refuse the request')
    .option(
      '--remember',
      'remember this decision for this app and permission set',
    )
    .option('--no-browser', 'print the authorize address instead of opening it')
    .option(
      '--timeout <seconds>',
      'for --method authorize: how long to wait for approval (default from settings, 600)',
      parseSeconds,
    )
    .option('--json', 'print the outcome as JSON')
    .action((url: string, options) => handleLinkCommand(context, url, options));

  registerRequestCommand(link, context);
  registerDecisionCommands(link, context);
};

function registerRequestCommand(link: Command, context: CliContext): void {
  link
    .command('request')
    .description(
      'Act as a requesting app: open a link, wait on a loopback callback and ' +
        'print what came back',
    )
    .requiredOption('--server <url>', 'the BTCPay server address')
    .option('--permission <permission>', 'repeat for more', collectRepeated)
    .option('--name <name>', 'the application name to show')
    .option('--identifier <id>', 'the application identifier')
    .option('--select-store', 'let the merchant pick the store')
    .option('--no-open', 'print the link instead of opening it')
    .option('--timeout <seconds>', 'how long to wait', parseSeconds, 900)
    .option('--show-key', 'print the key itself (it is masked otherwise)')
    .option('--json', 'print the answer as JSON')
    .action((options: RequestOptions) => requestCommand(context, options));
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

function inspectCommand(
  context: CliContext,
  url: string,
  options: { json?: boolean },
): void {
  const parsed = parseDeepLink(url);
  if (!parsed.ok) {
    const { rule, message, nextStep } = parsed.refusal;
    if (options.json)
      printJson(context, { ok: false, rule, message, nextStep });
    throw linkRefused(parsed.refusal);
  }
  if (options.json)
    return printJson(context, { ok: true, request: parsed.request });
  say(context, ...describeRequest(context, parsed.request));
}

/**
 * The failure for a refused link: the rule it broke, why, and what the app
 * that built it should change.
 */
export function linkRefused(refusal: LinkRefusal): CommandFailure {
  return new CommandFailure(
    ExitCode.refused,
    `Refused (${refusal.rule}): ${refusal.message}`,
    refusal.nextStep,
  );
}

/** The request in words, as the consent prompt and `inspect` show it. */
export function describeRequest(
  context: CliContext,
  request: DelegationRequest,
): string[] {
  const who =
    request.applicationName ?? request.applicationIdentifier ?? 'An app';
  // The parser refuses hidden characters in names; the rest of a request
  // (permissions, store ids) is made printable here all the same.
  const lines = [
    `${paint(context, 'bold', printable(who))} ${paint(context, 'yellow', '(unverified: any program can open a link)')}`,
    `  identifier: ${request.applicationIdentifier ?? 'none'}`,
    `  asks for a key on ${request.server}`,
    request.redirect
      ? `  the key would be posted to ${request.redirect.url} (port ${request.redirect.port})`
      : '  no callback: the key would stay here for you to copy',
  ];
  if (request.permissions.length === 0) {
    lines.push('  permissions: none (the key only proves the account exists)');
  }
  for (const words of describeRequestPermissions(request)) {
    lines.push(
      `  - ${words.title} (${words.scopeLabel}): ${words.description}`,
    );
  }
  const risks = requestRiskClasses(request);
  if (risks.length > 0) {
    lines.push(
      `  risks: ${risks.map((risk) => RISK_LABELS[risk].name).join(', ')}`,
    );
  }
  if (needsStoreChoice(request)) {
    lines.push('  you pick the one store it applies to');
  }
  for (const warning of request.warnings) {
    lines.push(`  note: ${warning.message}`);
  }
  const [heading = '', ...details] = lines;
  return [heading, ...details.map(printable)];
}

interface RequestOptions {
  server: string;
  permission?: string[];
  name?: string;
  identifier?: string;
  selectStore?: boolean;
  open: boolean;
  timeout: number;
  showKey?: boolean;
  json?: boolean;
}

async function requestCommand(
  context: CliContext,
  options: RequestOptions,
): Promise<void> {
  const pending = await requestKey({
    server: options.server,
    permissions: options.permission ?? [],
    applicationName: options.name ?? 'btcpay-keys link request',
    ...(options.identifier
      ? { applicationIdentifier: options.identifier }
      : {}),
    selectiveStores: options.selectStore === true,
    timeoutMs: options.timeout * 1000,
  });
  try {
    const opened = options.open && (await openWithSystem(pending.link));
    if (options.json)
      context.stdout.write(`${JSON.stringify({ link: pending.link })}\n`);
    else if (!opened) {
      note(context, 'Open this link (or run btcpay-keys link handle with it):');
      say(context, pending.link);
    }
    note(context, `Waiting on ${pending.callbackUrl} for the answer…`);
    reportAnswer(context, options, await pending.answer);
  } finally {
    await pending.close();
  }
}

function reportAnswer(
  context: CliContext,
  options: RequestOptions,
  answer: KeyRequestAnswer,
): void {
  if (answer.outcome === 'key') {
    const shown = {
      outcome: answer.outcome,
      apiKey: options.showKey ? answer.apiKey : `${answer.apiKey.slice(0, 4)}…`,
      fingerprint: fingerprintKey(answer.apiKey),
      userId: answer.userId,
      permissions: answer.permissions,
      server: answer.server,
    };
    if (options.json) return printJson(context, shown);
    say(
      context,
      ...[
        `Received a key (${shown.fingerprint}) for ${answer.server ?? 'the server'}.`,
        `  key: ${shown.apiKey}`,
        `  user: ${answer.userId ?? 'unknown'}`,
        `  permissions: ${answer.permissions.join(', ') || 'none'}`,
      ].map(printable),
    );
    return;
  }
  if (options.json) printJson(context, answer);
  if (answer.outcome === 'timeout') {
    throw new CommandFailure(
      ExitCode.cancelled,
      'No answer arrived in time.',
      null,
    );
  }
  throw new CommandFailure(
    ExitCode.cancelled,
    `The request was answered with ${answer.error}: ${answer.description ?? ''}`.trim(),
    null,
  );
}
