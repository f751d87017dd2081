import { CommanderError } from 'commander';
import {
  AUTHORIZE_IN_BROWSER,
  GreenfieldError,
  UNREACHABLE_KINDS,
  type GreenfieldErrorKind,
} from '../greenfield';
import { KeyOperationError } from '../keys';
import { addedInVersion, parsePermission } from '../permissions';
import {
  KeychainError,
  MetadataError,
  VaultBusyError,
  VaultError,
} from '../vault';
import { ExitCode, type CliContext } from './context';
import { CommandFailure, UserDeclined } from './failure';
import { note, paint, printable } from './output';

/** Basic-auth refusals: each one cost an attempt BTCPay counts. */
const BASIC_REFUSALS: GreenfieldErrorKind[] = [
  'basic-auth-disabled',
  'basic-auth-multi-factor',
  'basic-auth-rate-limited',
  'basic-auth-failed',
];

/** The command line's words for the step the app names its button for. */
const AUTHORIZE_ON_THE_COMMAND_LINE = 'run `btcpay-keys authorize`';

/**
 * Prints one clear message and the next step for an error that ended a
 * command, logs what is safe to log, and returns the documented exit code.
 */
export function reportError(context: CliContext, error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has already printed its own usage message.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof UserDeclined) {
    context.logger.info(
      { exitCode: error.exitCode },
      'command ended by the user',
    );
    note(context, printable(error.message));
    return error.exitCode;
  }
  const { code, message, nextStep } = describeError(error);
  context.logger.warn(
    { exitCode: code, error: errorSummary(error) },
    'command ended with an error',
  );
  // Messages quote labels and server answers: none may drive the terminal.
  note(context, `${paint(context, 'red', 'Error:')} ${printable(message)}`);
  if (nextStep) {
    note(context, `${paint(context, 'bold', 'Next:')} ${printable(nextStep)}`);
  }
  return code;
}

interface DescribedError {
  code: ExitCode;
  message: string;
  nextStep: string | null;
}

function describeError(error: unknown): DescribedError {
  if (error instanceof CommandFailure) {
    return {
      code: error.exitCode,
      message: error.message,
      nextStep: error.nextStep,
    };
  }
  if (error instanceof KeychainError) {
    // The message ends with the fix; print the fix once, as the next step.
    const message = error.message.endsWith(error.fix)
      ? error.message.slice(0, -error.fix.length).trim()
      : error.message;
    return { code: ExitCode.keychain, message, nextStep: error.fix };
  }
  if (error instanceof GreenfieldError) return describeGreenfield(error);
  if (error instanceof VaultError) return describeVault(error);
  if (error instanceof MetadataError || error instanceof VaultBusyError) {
    return {
      code: ExitCode.unavailable,
      message: error.message,
      nextStep: error.nextStep,
    };
  }
  if (error instanceof KeyOperationError) {
    const notFound = [
      'key-not-found',
      'server-not-found',
      'key-revoked',
    ].includes(error.kind);
    return {
      code: notFound
        ? ExitCode.notFound
        : error.kind === 'not-revoked'
          ? ExitCode.server
          : ExitCode.usage,
      message: error.message,
      nextStep: error.nextStep,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    code: ExitCode.failure,
    message: `Something unexpected went wrong: ${text}`,
    nextStep:
      'This is a bug in btcpay-keys. Please report it with the log file ' +
      '(logs/btcpay-keys.log in the data folder; it holds no secrets).',
  };
}

function describeGreenfield(error: GreenfieldError): DescribedError {
  if (error.kind === 'aborted') {
    return { code: ExitCode.cancelled, message: error.message, nextStep: null };
  }
  const code = UNREACHABLE_KINDS.includes(error.kind)
    ? ExitCode.network
    : ExitCode.server;
  const nextStep = inCommandLineWords(error.nextStep);
  return {
    code,
    message: error.message + versionHints(error),
    nextStep: BASIC_REFUSALS.includes(error.kind)
      ? `${nextStep} btcpay-keys did not retry: BTCPay counts every ` +
        'password attempt.'
      : nextStep,
  };
}

/**
 * Older servers refuse permissions they do not know with a bare 422; say
 * which BTCPay version added each refused permission.
 */
function versionHints(error: GreenfieldError): string {
  const hints = (error.validation ?? []).flatMap((issue) => {
    const parsed = issue.permission ? parsePermission(issue.permission) : null;
    const addedIn = parsed?.ok
      ? addedInVersion(parsed.permission.policy)
      : null;
    return parsed?.ok && addedIn
      ? [`${parsed.permission.policy} exists since BTCPay ${addedIn}`]
      : [];
  });
  return hints.length > 0
    ? ` (${hints.join('; ')}; this server may be older.)`
    : '';
}

/**
 * The Greenfield next steps name the desktop app's button where they
 * suggest the browser instead; on the command line that step is a command
 * (`btcpay-keys authorize`, or the option of the command at hand that does
 * the same, given as `browserStep`).
 */
export function inCommandLineWords(
  nextStep: string,
  browserStep: string = AUTHORIZE_ON_THE_COMMAND_LINE,
): string {
  return nextStep.replaceAll(AUTHORIZE_IN_BROWSER, browserStep);
}

function describeVault(error: VaultError): DescribedError {
  const codes: Record<VaultError['code'], ExitCode> = {
    'server-not-found': ExitCode.notFound,
    'key-not-found': ExitCode.notFound,
    'secret-missing': ExitCode.notFound,
    'key-revoked': ExitCode.notFound,
    // The keychain answered, but not with this key: it is not here.
    'secret-mismatch': ExitCode.notFound,
    'server-has-keys': ExitCode.usage,
    'invalid-url': ExitCode.usage,
  };
  return {
    code: codes[error.code],
    message: error.message,
    nextStep: error.nextStep,
  };
}

/** What of an error may enter the log: its type, kind and code, no text. */
function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof GreenfieldError) {
    return {
      type: error.name,
      kind: error.kind,
      status: error.status,
      code: error.code,
    };
  }
  if (error instanceof KeyOperationError)
    return { type: error.name, kind: error.kind };
  if (error instanceof VaultError)
    return { type: error.name, code: error.code };
  if (error instanceof CommandFailure)
    return { type: error.name, exitCode: error.exitCode };
  if (error instanceof Error) return { type: error.name, stack: error.stack };
  return { type: typeof error };
}
