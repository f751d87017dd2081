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
import { CommandFailure, UserDeclined } from '../failure';
import { note, printable, printJson, say } from '../output';
import { isCancelled, promptYesNo } from '../prompt';
import { inCommandLineWords } from '../report-error';
import { cliServerCalls, openCliVault } from '../vault';
import type { Vault } from '../../vault';
import { describeRequest, linkRefused } from './link';
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
  /** Seconds to wait for an approval on BTCPay's page. */
  timeout?: number;
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
  checkFlags(options);
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
    throw linkRefused(refusal);
  }

  const vault = await openCliVault(context);
  const timeoutSeconds =
    options.timeout ??
    (await vault.metadata()).settings.authorizeTimeoutSeconds;
  const outcome = await handleDelegation({
    vault,
    request: parsed.request,
    consent: (view) => askConsent(context, vault, options, view),
    authorize: {
      ...browserControls(context, options, parsed.request),
      timeoutMs: timeoutSeconds * 1000,
    },
    clientFactory: cliServerCalls(context).clientFor,
    // A refusal is answered without asking a server the link names.
    checkNewServerFirst: !options.deny,
    logger: context.logger,
  });
  reportOutcome(context, options, outcome);
}

/** The flags that only mean something when the request is approved. */
const APPROVAL_FLAGS = [
  ['method', '--method'],
  ['user', '--user'],
  ['passwordStdin', '--password-stdin'],
  ['store', '--store'],
  ['timeout', '--timeout'],
] as const;

/**
 * Refuses flags that contradict each other before anything is read or sent,
 * rather than letting one silently win over the other.
 */
function checkFlags(options: HandleOptions): void {
  if (options.method && !METHODS.includes(options.method as MintChoice)) {
    throw new CommandFailure(
      ExitCode.usage,
      `Unknown method "${options.method}".`,
      `Use one of: ${METHODS.join(', ')}.`,
    );
  }
  if (!options.deny) return;
  if (options.yes) {
    throw new CommandFailure(
      ExitCode.usage,
      '--yes approves the request and --deny refuses it; they cannot both be the answer.',
      'Give --yes to approve or --deny to refuse, not both.',
    );
  }
  const given = APPROVAL_FLAGS.filter(([name]) => {
    const value = options[name];
    return Array.isArray(value) ? value.length > 0 : Boolean(value);
  }).map(([, flag]) => flag);
  if (given.length > 0) {
    throw new CommandFailure(
      ExitCode.usage,
      `--deny refuses the request, so ${given.join(', ')} would be ignored.`,
      `Leave out ${given.join(', ')} to refuse, or leave out --deny to approve.`,
    );
  }
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
        if (!shown.has(warning.code))
          note(context, `note: ${printable(warning.message)}`);
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
  try {
    return await decide(context, vault, options, view, remember);
  } catch (error) {
    // Ctrl+C or Ctrl+D at any question is a refusal: the app hears
    // access_denied instead of waiting for an answer that never comes.
    if (isCancelled(error)) return { approve: false, remember: false };
    throw error;
  }
}

/** The questions after the request was shown, or their flags. */
async function decide(
  context: CliContext,
  vault: Vault,
  options: HandleOptions,
  view: ConsentView,
  remember: boolean,
): Promise<ConsentAnswer> {
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
  if ((options.store ?? []).length > 0 && !view.needsStore) {
    throw new CommandFailure(
      ExitCode.usage,
      'This request does not ask you to pick a store, so --store would change what the app is given behind the words above.',
      'Leave out --store; the app can ask with selectiveStores=true, or name its store in the permission.',
    );
  }
  const minting = method === 'manager' || method === 'basic';
  const stores =
    minting && view.needsStore
      ? await chooseStore(context, vault, options, view, method)
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
        ? `  listening on that port: ${printable(view.listener.name)} (pid ${view.listener.pid})`
        : '  which program listens on that port could not be told',
    );
  }
  if (view.reusableKey) {
    note(
      context,
      `  a stored key has exactly these permissions: ${view.reusableKey.id} ` +
        `"${printable(view.reusableKey.label)}" (choose "${METHOD_WORDS.reuse}" to send it)`,
    );
  }
  if (view.rememberedMismatch) {
    note(context, `  ${printable(view.rememberedMismatch)}`);
  }
}

/** This command's words for getting the key through BTCPay's page instead. */
const BROWSER_STEP = 'answer the request again with --method authorize';

/**
 * The documented exit code for a request that got no key: nobody approved
 * in time or the browser flow was cancelled (6, as for `authorize`), the
 * server could not be reached (5), or it refused (4).
 */
function failureExitCode(
  outcome: Extract<DelegationOutcome, { status: 'failed' }>,
): ExitCode {
  if (outcome.reply !== 'server_error') return ExitCode.cancelled;
  return outcome.unreachable ? ExitCode.network : ExitCode.server;
}

function reportOutcome(
  context: CliContext,
  options: HandleOptions,
  outcome: DelegationOutcome,
): void {
  if (options.json) printJson(context, outcome);
  if (outcome.status === 'denied') {
    throw new UserDeclined('Refused; the app was told (access_denied).');
  }
  if (outcome.status === 'failed') {
    throw new CommandFailure(
      failureExitCode(outcome),
      outcome.message,
      inCommandLineWords(outcome.nextStep, BROWSER_STEP),
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
