import { Command, CommanderError } from 'commander';
// Bundled by the build: only this field ends up in the command line.
import { version } from '../../package.json';
import { commandModules } from './commands';
import { ExitCode, type CliContext, type RegisterCommands } from './context';
import { note, paint } from './output';
import { reportError } from './report-error';
import { usageWords } from './usage-error';

/** Builds the `btcpay-keys` program with every command module registered. */
export function buildProgram(
  context: CliContext,
  modules: RegisterCommands[] = commandModules,
): Command {
  const program = new Command('btcpay-keys')
    .description(
      'Keep BTCPay Server API keys in the OS keychain: add servers, create, ' +
        'import, verify, reveal, copy and revoke keys.',
    )
    .version(version, '-V, --version', 'print the version and exit')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Usage errors are said by `runCli`, as Error: and Next: lines.
      outputError: () => undefined,
    })
    .exitOverride();
  // Settings above are copied to every command registered after this point.
  for (const register of modules) register(program, context);
  return program;
}

/**
 * Runs the command line on `argv` (without node and the script) and returns
 * the documented exit code instead of exiting, so tests and the entry point
 * decide what to do with it.
 */
export async function runCli(
  argv: string[],
  context: CliContext,
): Promise<ExitCode> {
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Help or the version asked for ends in a CommanderError with exit
    // code 0; help shown because a command was missing ends with 1, which
    // reportError maps to a usage error, the help already printed.
    if (
      error instanceof CommanderError &&
      error.exitCode !== 0 &&
      error.code !== 'commander.help'
    ) {
      return reportUsageError(context, error, program, argv);
    }
    return reportError(context, error);
  }
}

function reportUsageError(
  context: CliContext,
  error: CommanderError,
  program: Command,
  argv: string[],
): ExitCode {
  const { message, nextStep } = usageWords(error, program, argv);
  // Commander's own message may hold an option's value: log only its kind.
  context.logger.warn(
    { exitCode: ExitCode.usage, error: error.code },
    'usage error',
  );
  note(context, `${paint(context, 'red', 'Error:')} ${message}`);
  note(context, `${paint(context, 'bold', 'Next:')} ${nextStep}`);
  return ExitCode.usage;
}
