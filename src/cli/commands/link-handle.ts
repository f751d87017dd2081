import { openSystemBrowser } from '../../authorize';
import { deliverToRequester } from '../../delegation/deliver';
import {
  handleDelegation,
  type ConsentAnswer,
  type ConsentView,
  type DelegationOutcome,
} from '../../delegation/handle';
import { parseDeepLink } from '../../delegation/link';
import type { MintChoice } from '../../delegation/obtain';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { note, printJson, say } from '../output';
import { promptHidden, promptYesNo, readSecretFromStdin } from '../prompt';
import { openCliVault } from '../vault';
import { describeRequest } from './link';

/** Options of `btcpay-keys link handle`. */
export interface HandleOptions {
  method?: string;
  user?: string;
  passwordStdin?: boolean;
  store: string[];
  yes?: boolean;
  deny?: boolean;
  remember?: boolean;
  browser: boolean;
  json?: boolean;
}

const METHODS: readonly MintChoice[] = [
  'reuse',
  'manager',
  'basic',
  'authorize',
];

/** Runs one deep-link request on the terminal, consent by prompt. */
export async function handleLinkCommand(
  context: CliContext,
  url: string,
  options: HandleOptions,
): Promise<void> {
  if (options.method && !METHODS.includes(options.method as MintChoice)) {
    throw new CommandFailure(
      ExitCode.usage,
      `Unknown method "${options.method}".`,
      `Use one of: ${METHODS.join(', ')}.`,
    );
  }
  const parsed = parseDeepLink(url);
  if (!parsed.ok) {
    const { refusal } = parsed;
    if (refusal.redirect) {
      await deliverToRequester(refusal.redirect, {
        kind: 'error',
        error: 'invalid_request',
        description: refusal.message,
        state: refusal.state,
      });
    }
    throw new CommandFailure(
      ExitCode.refused,
      `Refused: ${refusal.message}`,
      null,
    );
  }

  const vault = await openCliVault(context);
  const outcome = await handleDelegation({
    vault,
    request: parsed.request,
    consent: (view) => askConsent(context, options, view),
    authorize: {
      ...(options.browser ? { openBrowser: openSystemBrowser } : {}),
      onAuthorizeUrl: (authorizeUrl, state) => {
        if (!state.browserOpened) {
          note(
            context,
            'Open this address in the browser where you are signed in to BTCPay:',
          );
          say(context, authorizeUrl);
        }
      },
    },
    logger: context.logger,
  });
  reportOutcome(context, options, outcome);
}

async function askConsent(
  context: CliContext,
  options: HandleOptions,
  view: ConsentView,
): Promise<ConsentAnswer> {
  note(context, ...describeRequest(context, view.request));
  note(
    context,
    view.listener
      ? `  listening on that port: ${view.listener.name} (pid ${view.listener.pid})`
      : '  which program listens on that port could not be told',
  );
  if (view.reusableKey) {
    note(
      context,
      `  a stored key matches: ${view.reusableKey.id} "${view.reusableKey.label}"`,
    );
  }
  if (options.deny)
    return { approve: false, remember: options.remember === true };
  if (!options.yes) {
    if (!context.isTTY) {
      throw new CommandFailure(
        ExitCode.usage,
        'Answering a request needs a decision, and there is no terminal to ask on.',
        'Pass --yes to approve or --deny to refuse.',
      );
    }
    if (!(await promptYesNo(context, 'Give this app the key?'))) {
      return { approve: false, remember: options.remember === true };
    }
  }
  const method =
    (options.method as MintChoice | undefined) ??
    view.methods[0] ??
    'authorize';
  return {
    approve: true,
    method,
    remember: options.remember === true,
    stores: options.store,
    ...(method === 'basic'
      ? { basic: await basicCredentials(context, options) }
      : {}),
  };
}

async function basicCredentials(
  context: CliContext,
  options: HandleOptions,
): Promise<{ email: string; password: string }> {
  if (!options.user) {
    throw new CommandFailure(
      ExitCode.usage,
      '--method basic needs --user EMAIL.',
      'Add --user with the BTCPay account, and --password-stdin in scripts.',
    );
  }
  const password = options.passwordStdin
    ? await readSecretFromStdin(context, 'password')
    : await promptHidden(context, `Password for ${options.user}: `);
  return { email: options.user, password };
}

function reportOutcome(
  context: CliContext,
  options: HandleOptions,
  outcome: DelegationOutcome,
): void {
  if (options.json) printJson(context, outcome);
  if (outcome.status === 'denied') {
    throw new CommandFailure(
      ExitCode.cancelled,
      'Refused; the app was told (access_denied).',
      null,
    );
  }
  if (outcome.status === 'failed') {
    throw new CommandFailure(
      ExitCode.server,
      outcome.message,
      outcome.nextStep,
    );
  }
  const { key } = outcome;
  if (outcome.status === 'undelivered') {
    const reason =
      outcome.delivery && !outcome.delivery.delivered
        ? outcome.delivery.reason
        : '';
    throw new CommandFailure(
      ExitCode.network,
      `Key ${key.id} (${key.fingerprint}) is stored but did not reach the app: ${reason}`,
      `Copy it with btcpay-keys key copy ${key.id}, or revoke it with btcpay-keys key revoke ${key.id}.`,
    );
  }
  if (options.json) return;
  say(
    context,
    outcome.status === 'delivered'
      ? `Key ${key.id} (${key.fingerprint}) stored and sent to the app.`
      : `Key ${key.id} (${key.fingerprint}) stored here; the app gave no ` +
          `callback, so copy it with btcpay-keys key copy ${key.id}.`,
  );
}
