import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, allRuns } from './run-cli';

/**
 * An answer typed into the terminal once `after` has appeared; a function
 * runs first (another command, say) and gives the text to type.
 */
export interface TypedAnswer {
  after: RegExp;
  send: string | (() => Promise<string>);
}

/** What a run on a terminal showed (stdout and stderr share the terminal). */
export interface TerminalRun {
  code: number | null;
  screen: string;
}

const ESC = String.fromCharCode(27);

/** True when `text` holds an ANSI escape sequence (colour, cursor). */
export function hasEscapeCodes(text: string): boolean {
  return text.includes(`${ESC}[`);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * The arguments that make util-linux `script` run `argv` on a fresh
 * pseudo-terminal. `script` runs the command through $SHELL, or /bin/sh when
 * SHELL is unset (as under CI); dash does not exec a lone command, so without
 * `exec` the shell would share the terminal's process group, die of Ctrl+C's
 * SIGINT itself, and `script` would report its 130 instead of our code.
 */
export function scriptArgs(argv: string[]): string[] {
  return ['-qec', ['exec', ...argv.map(shellQuote)].join(' '), '/dev/null'];
}

/**
 * Runs `btcpay-keys` on a real pseudo-terminal through util-linux `script`,
 * typing each answer only after its prompt appeared, so prompts, echo and
 * colour behave as they do for a person at a terminal.
 */
export function runInTerminal(
  home: string,
  args: string[],
  options: { answers?: TypedAnswer[]; env?: NodeJS.ProcessEnv } = {},
): Promise<TerminalRun> {
  const bin = path.join(PROJECT_ROOT, 'bin', 'btcpay-keys.mjs');
  const pending = [...(options.answers ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(
      'script',
      scriptArgs([process.execPath, bin, ...args]),
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BTCPAY_KEYS_HOME: home, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const next = pending[0];
      if (next && next.after.test(screen)) {
        pending.shift();
        const { send } = next;
        if (typeof send === 'string') child.stdin.write(send);
        else void send().then((text) => child.stdin.write(text), reject);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      allRuns.push({ code, stdout: screen, stderr: '' });
      child.stdin.destroy();
      resolve({ code, screen });
    });
  });
}
