import type { Command, CommanderError } from 'commander';

/**
 * Commander's usage errors in this tool's own format (docs/cli.md "Output"):
 * one `Error:` line and one `Next:` line. The value given to an unknown
 * option is never repeated: it may be a secret typed where no secret goes.
 */

/** Option names that ask for a secret on the command line. */
const SECRET_OPTION = /pass|secret|token|key|credential/i;

/** What to print for a usage error, without the labels. */
export interface UsageWords {
  message: string;
  nextStep: string;
}

/**
 * The words for `error`, raised while parsing `argv`; `program` finds the
 * command it was meant for, so the next step names that command's help.
 */
export function usageWords(
  error: CommanderError,
  program: Command,
  argv: readonly string[],
): UsageWords {
  const help = `Run \`${commandPath(program, argv)} --help\` for its usage.`;
  const [first = '', ...rest] = error.message.split('\n');
  const said = sentence(first.replace(/^error:\s*/i, ''));
  if (error.code !== 'commander.unknownOption') {
    const hint = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
    return {
      message: said,
      nextStep: hint ? `Did you mean ${hint}? ${help}` : help,
    };
  }

  const given = /unknown option '([^']*)'/.exec(first)?.[1] ?? '';
  const name = given.split('=')[0] ?? '';
  const withValue = given.includes('=') ? ' (its value is not repeated)' : '';
  const message = `Unknown option '${name}'${withValue}.`;
  if (SECRET_OPTION.test(name)) {
    const stdin = /key/i.test(name) ? '--key-stdin' : '--password-stdin';
    return {
      message,
      nextStep:
        'Secrets go on stdin or a hidden prompt, never on the command line ' +
        `(other users can read it in the process list): use ${stdin}, or ` +
        `leave it out to be asked. ${help}`,
    };
  }
  return { message, nextStep: help };
}

/** `Missing … 'id'` → `Missing … 'id'.`, first letter upper case. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}

/** `btcpay-keys key revoke`: the program and the subcommands argv names. */
function commandPath(program: Command, argv: readonly string[]): string {
  const names = [program.name()];
  let command = program;
  for (const word of argv) {
    if (word.startsWith('-')) break;
    const next = command.commands.find(
      (candidate) =>
        candidate.name() === word || candidate.aliases().includes(word),
    );
    if (!next) break;
    names.push(next.name());
    command = next;
  }
  return names.join(' ');
}
