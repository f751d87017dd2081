import { join } from 'node:path';
import { createLogger } from '../log/logger';
import { dataHome } from '../vault';
import type { CliContext } from './context';
import { runCli } from './program';

/** The entry point of `btcpay-keys`: a context from this process, then run. */
function processContext(): CliContext {
  const env = process.env;
  const home = env['BTCPAY_KEYS_HOME'] || dataHome();
  const isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY,
    color: isTTY && !env['NO_COLOR'],
    env,
    logger: createLogger({
      destination: join(home, 'logs', 'btcpay-keys.log'),
    }),
    home,
  };
}

const exitCode = await runCli(process.argv.slice(2), processContext());
// Exit once stdout has drained: open HTTP connections would otherwise keep
// the process alive, and exiting earlier could cut piped output short.
process.stdout.write('', () => process.exit(exitCode));
