import type { Command } from 'commander';
import type { Logger } from '../log/logger';

/**
 * What every `btcpay-keys` command gets: its streams, the environment and the
 * logger, so commands are testable without a real terminal.
 */
export interface CliContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** True when stdin and stdout are a terminal (prompts, progress lines). */
  isTTY: boolean;
  /** False when NO_COLOR is set or the output is not a terminal. */
  color: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The data folder: BTCPAY_KEYS_HOME or the app's user-data folder. */
  home: string;
}

/** A command module adds its commands to the program. */
export type RegisterCommands = (program: Command, context: CliContext) => void;

/** Documented exit codes of `btcpay-keys` (docs/cli.md lists them). */
export const ExitCode = {
  ok: 0,
  /** Unexpected failure (a bug): the message says so. */
  failure: 1,
  /** Wrong usage: unknown option, missing argument, invalid value. */
  usage: 2,
  /** The OS keychain is missing, locked or refused access. */
  keychain: 3,
  /** The server refused: unknown key, missing permission, Basic auth off. */
  server: 4,
  /** The server could not be reached, timed out or is not BTCPay. */
  network: 5,
  /** The user declined a confirmation or cancelled the flow. */
  cancelled: 6,
  /** Not found locally: no such key or server. */
  notFound: 7,
  /** `audit --fail-on`: findings at or above the threshold. */
  findings: 8,
  /** `link inspect`: the deep link is refused. */
  refused: 9,
  /** A facility the command needs is missing here (e.g. no clipboard). */
  unavailable: 10,
  /** `log`: the event log's hash chain is broken (changed, removed, cut). */
  logTampered: 11,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
