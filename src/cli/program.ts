import { Command } from 'commander';
import { commandModules } from './commands';
import { ExitCode, type CliContext, type RegisterCommands } from './context';
import { reportError } from './report-error';

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
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
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
    // Help asked for ends in a CommanderError with exit code 0; help shown
    // because a command was missing ends with 1, which reportError maps to
    // a usage error.
    return reportError(context, error);
  }
}
