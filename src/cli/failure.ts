import { ExitCode } from './context';

/**
 * An expected end of a command that is not success: the message says what
 * happened, the next step what to do, the code is one of the documented ones.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly nextStep: string | null = null,
  ) {
    super(message);
  }
}

/**
 * A command that ended because the user said no or cancelled a question:
 * exit 6, said in plain words rather than as an error.
 */
export class UserDeclined extends CommandFailure {
  constructor(message: string) {
    super(ExitCode.cancelled, message, null);
  }
}

/**
 * The failure for a destructive command run without a terminal or --yes.
 * `action` is what was not done, as a short phrase that follows "Did not"
 * (`revoke "Invoices" (k_…)`), never the question a terminal would ask.
 */
export function confirmationNeeded(action: string): CommandFailure {
  return new CommandFailure(
    ExitCode.usage,
    `Did not ${action}: that needs a confirmation, and there is no ` +
      'terminal to ask on.',
    'Pass --yes to confirm in a script.',
  );
}
