import { openSystemBrowser } from '../../authorize';
import { deliverToRequester } from '../../delegation/deliver';
import {
  handleDelegation,
  type ConsentAnswer,
  type ConsentView,
  type DelegationOutcome,
} from '../../delegation/handle';
import { parseDeepLink, type DelegationRequest } from '../../delegation/link';
import type { AuthorizeControls, MintChoice } from '../../delegation/obtain';
import { ExitCode, type CliContext } from '../context';
import { CommandFailure } from '../failure';
import { note, printJson, say } from '../output';
import { promptYesNo } from '../prompt';
import { openCliVault } from '../vault';
import type { Vault } from '../../vault';
import { describeRequest } from './link';
import {
  basicCredentials,
  chooseMethod,
  chooseStore,
  METHOD_WORDS,
} from './link-consent';

/** Options of `btcpay-keys link handle`. */
export interface HandleOptions {
  method?: string;
  user?: string;
  passwordStdin?: boolean;
  store?: string[];
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
    consent: (view) => askConsent(context, vault, options, view),
    authorize: browserControls(context, options, parsed.request),
    logger: context.logger,
  });
  reportOutcome(context, options, outcome);
}

/** The browser flow's hooks: print its new warnings and the address. */
function browserControls(
  context: CliContext,
  options: HandleOptions,
  request: DelegationRequest,
): AuthorizeControls {
  const shown = new Set<string>(request.warnings.map((w) => w.code));
  return {
    onWarnings: (warnings) => {
      for (const warning of warnings) {
        if (!shown.has(warning.code)) note(context, `note: ${warning.message}`);
      }
    },
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
  };
}

async function askConsent(
  context: CliContext,
  vault: Vault,
  options: HandleOptions,
  view: ConsentView,
): Promise<ConsentAnswer> {
  describeConsent(context, view);
  const remember = options.remember === true;
  if (options.deny) return { approve: false, remember };
  if (!options.yes) {
    if (!context.isTTY) {
      throw new CommandFailure(
        ExitCode.usage,
        'Answering a request needs a decision, and there is no terminal to ask on.',
        'Pass --yes to approve or --deny to refuse.',
      );
    }
    if (!(await promptYesNo(context, 'Give this app a key?'))) {
      return { approve: false, remember };
    }
  }
  const method = await chooseMethod(context, options, view);
  if (!view.methods.includes(method)) {
    throw new CommandFailure(
      ExitCode.usage,
      `--method ${method} is not open for this request.`,
      `Use one of: ${view.methods.join(', ')}.`,
    );
  }
  const minting = method === 'manager' || method === 'basic';
  const stores =
    minting && view.needsStore
      ? await chooseStore(context, vault, options, view)
      : (options.store ?? []);
  return {
    approve: true,
    method,
    remember,
    stores,
    ...(method === 'basic'
      ? { basic: await basicCredentials(context, options) }
      : {}),
  };
}

/** The request, who listens, what is offered, in words on stderr. */
function describeConsent(context: CliContext, view: ConsentView): void {
  note(context, ...describeRequest(context, view.request));
  if (view.request.redirect) {
    note(
      context,
      view.listener
        ? `  listening on that port: ${view.listener.name} (pid ${view.listener.pid})`
        : '  which program listens on that port could not be told',
    );
  }
  if (view.reusableKey) {
    note(
      context,
      `  a stored key has exactly these permissions: ${view.reusableKey.id} ` +
        `"${view.reusableKey.label}" (choose "${METHOD_WORDS.reuse}" to send it)`,
    );
  }
  if (view.rememberedMismatch) note(context, `  ${view.rememberedMismatch}`);
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
