import { ExitCode, type CliContext } from './context';
import { CommandFailure, UserDeclined, confirmationNeeded } from './failure';

/**
 * Where passwords and keys come from: a terminal prompt that does not echo,
 * or stdin. Never argv, which other users can read in the process list.
 */

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = ['\u007f', '\b'];

/**
 * The longest secret taken from stdin or a hidden prompt, in characters.
 * BTCPay's own forms take passwords of at most 100 characters
 * (`StringLength(100)` on its register, reset and change-password models)
 * and issue API keys of 40; `key import` refuses more than 200. Ten times
 * the longest password still fits in one HTTP header line, whereas a pasted
 * file would be sent as a Basic-auth header the server rejects (HTTP 431),
 * spending one of the account's counted sign-in attempts.
 */
export const LONGEST_SECRET = 1_000;

/**
 * Reads all of stdin as one secret, without its trailing line break. Stops
 * reading once it is longer than `LONGEST_SECRET`, and refuses it.
 */
export async function readSecretFromStdin(
  context: CliContext,
  what: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of context.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    bytes += buffer.length;
    // A character takes at most 4 bytes; 2 more for a final CR LF.
    if (bytes > LONGEST_SECRET * 4 + 2) throw tooLong(what, 'stdin');
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text.length === 0) {
    throw new CommandFailure(
      ExitCode.usage,
      `Nothing arrived on stdin, so there is no ${what}.`,
      `Pipe the ${what} in, for example from your password manager.`,
    );
  }
  if (text.length > LONGEST_SECRET) throw tooLong(what, 'stdin');
  return text;
}

/**
 * The password of `email`: from stdin with `--password-stdin`, else asked
 * on the terminal. An empty or over-long one is refused here (exit 2), so
 * no sign-in attempt is spent on it.
 */
export async function readPassword(
  context: CliContext,
  email: string,
  fromStdin: boolean | undefined,
): Promise<string> {
  if (fromStdin) return readSecretFromStdin(context, 'password');
  const password = await promptHidden(context, `Password for ${email}: `);
  if (password.length > LONGEST_SECRET) throw tooLong('password', 'prompt');
  if (password === '') {
    throw new CommandFailure(
      ExitCode.usage,
      'No password was typed, so nothing was sent to the server.',
      `Run the command again and type the password of ${email}, or pipe ` +
        'it in with --password-stdin.',
    );
  }
  return password;
}

function tooLong(what: string, source: 'stdin' | 'prompt'): CommandFailure {
  const given = source === 'stdin' ? 'What arrived on stdin' : 'What was typed';
  return new CommandFailure(
    ExitCode.usage,
    `${given} is longer than ${LONGEST_SECRET} characters, more than any ` +
      `BTCPay ${what} has; nothing was sent to the server.`,
    source === 'stdin'
      ? `Pipe in only the ${what}: check what the command before the pipe prints.`
      : `Type or paste only the ${what}.`,
  );
}

/**
 * Asks for a secret on the terminal without echoing what is typed. Ctrl+C,
 * or Ctrl+D before anything was typed, cancels the question (exit 6).
 */
export async function promptHidden(
  context: CliContext,
  question: string,
): Promise<string> {
  const input = requireTerminal(context, question);
  // Echo goes off before the question appears, so nothing typed in reply
  // can ever be echoed.
  input.setRawMode(true);
  context.stderr.write(question);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (data: Buffer): void => {
        for (const char of data.toString('utf8')) {
          // Ctrl+D on an empty answer ends the input: a cancel, as at any
          // other question. After typed text it submits what was typed.
          if (char === CTRL_C || (char === CTRL_D && typed === '')) {
            input.off('data', onData);
            return reject(cancelled());
          }
          if (char === '\r' || char === '\n' || char === CTRL_D) {
            input.off('data', onData);
            return resolve(typed);
          }
          typed = BACKSPACE.includes(char) ? typed.slice(0, -1) : typed + char;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    context.stderr.write('\n');
  }
}

/**
 * Asks a yes/no question on the terminal; anything but "y" means no. Ctrl+C
 * and Ctrl+D cancel the question instead of ending the process, so a
 * cancelled prompt ends with the documented code (6), not the shell's 130.
 */
export async function promptYesNo(
  context: CliContext,
  question: string,
): Promise<boolean> {
  const answer = await promptTypedLine(context, `${question} [y/N] `);
  return /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * Reads one typed line after `question`. Ctrl+C and Ctrl+D cancel the
 * question (exit 6) instead of ending the process with the shell's 130, or
 * with 0 and no word on end of input.
 */
export async function promptTypedLine(
  context: CliContext,
  question: string,
): Promise<string> {
  const input = requireTerminal(context, question);
  context.stderr.write(question);
  // The terminal stays in line mode (it echoes and edits the answer), so
  // Ctrl+C arrives as SIGINT rather than as a character.
  let stop = (): void => undefined;
  const answer = new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer): void => resolve(data.toString('utf8'));
    const onCancel = (): void => reject(cancelled());
    input.once('data', onData);
    input.once('end', onCancel);
    process.once('SIGINT', onCancel);
    stop = () => {
      input.off('data', onData);
      input.off('end', onCancel);
      process.off('SIGINT', onCancel);
    };
  });
  input.resume();
  try {
    return (await answer).trim();
  } catch (error) {
    // The cursor is still after the question.
    context.stderr.write('\n');
    throw error;
  } finally {
    stop();
    input.pause();
  }
}

/** True for the failure a cancelled question ends with. */
export function isCancelled(error: unknown): boolean {
  return (
    error instanceof CommandFailure && error.exitCode === ExitCode.cancelled
  );
}

/**
 * Confirms a destructive action: `--yes` confirms, a terminal asks
 * `question`, and without either the command is refused, naming `action`
 * (a short phrase such as `revoke "Invoices" (k_…)`) rather than guessing.
 */
export async function confirmAction(
  context: CliContext,
  options: { yes?: boolean },
  confirm: { question: string; action: string },
): Promise<void> {
  if (options.yes) return;
  if (!context.isTTY) throw confirmationNeeded(confirm.action);
  if (!(await promptYesNo(context, confirm.question))) throw cancelled();
}

function requireTerminal(
  context: CliContext,
  question: string,
): NodeJS.ReadStream {
  const input = context.stdin as NodeJS.ReadStream;
  if (!context.isTTY || typeof input.setRawMode !== 'function') {
    throw new CommandFailure(
      ExitCode.usage,
      `There is no terminal to ask "${question.trim()}" on.`,
      'Pipe the value in with the matching --…-stdin option.',
    );
  }
  return input;
}

function cancelled(): CommandFailure {
  return new UserDeclined('Cancelled; nothing changed.');
}
