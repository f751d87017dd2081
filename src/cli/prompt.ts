import { ExitCode, type CliContext } from './context';
import { CommandFailure, UserDeclined, confirmationNeeded } from './failure';

/**
 * Where passwords and keys come from: a terminal prompt that does not echo,
 * or stdin. Never argv, which other users can read in the process list.
 */

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = ['\u007f', '\b'];

/** Reads all of stdin as one secret, without its trailing line break. */
export async function readSecretFromStdin(
  context: CliContext,
  what: string,
): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
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
  return text;
}

/** Asks for a secret on the terminal without echoing what is typed. */
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
          if (char === '\r' || char === '\n' || char === CTRL_D) {
            input.off('data', onData);
            return resolve(typed);
          }
          if (char === CTRL_C) {
            input.off('data', onData);
            return reject(cancelled());
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
 * Confirms a destructive action: `--yes` confirms, a terminal asks, and
 * without either the command is refused rather than guessed.
 */
export async function confirmAction(
  context: CliContext,
  options: { yes?: boolean },
  question: string,
): Promise<void> {
  if (options.yes) return;
  if (!context.isTTY) throw confirmationNeeded(question.replace(/\?$/, ''));
  if (!(await promptYesNo(context, question))) throw cancelled();
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
