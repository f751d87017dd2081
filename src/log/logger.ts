import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

/**
 * The one levelled logger of the command line and the main process.
 *
 * It never receives a secret by design (log key ids and fingerprints), and
 * it redacts the fields that could carry one anyway, as a second line of
 * defence.
 */

/** Field paths scrubbed from every log entry. */
export const REDACTED_PATHS = [
  'apiKey',
  'password',
  'secret',
  'authorization',
  'headers.authorization',
  'body',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.authorization',
];

export type { Logger };

/**
 * Creates a logger writing JSON lines to `destination` (stderr by default).
 * A log file and any folder made for it are readable by their owner only:
 * the log folder sits in the data folder, which the logger may be the first
 * to create.
 */
export function createLogger(options: {
  level?: string;
  destination?: string | number;
}): Logger {
  return lazyLogger(() => openLogger(options));
}

function openLogger(options: {
  level?: string;
  destination?: string | number;
}): Logger {
  const pino = loadPino();
  const file = options.destination ?? 2;
  if (typeof file === 'string') prepareLogFile(file);
  const destination = pino.destination({
    dest: file,
    sync: true,
    mode: 0o600,
  });
  return pino(
    {
      level: options.level ?? process.env['BTCPAY_KEYS_LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    destination,
  );
}

/**
 * Creates the folders up to the log file owner-only (0700) and tightens a
 * log file that an older version left readable by others.
 */
function prepareLogFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (existsSync(file)) chmodSync(file, 0o600);
}

/** A logger that discards everything, for library callers that pass none. */
export const silentLogger: Logger = lazyLogger(() =>
  loadPino()({ level: 'silent' }),
);

/**
 * pino, loaded when the first entry is written: a command that logs
 * nothing (`key list`, `audit`) does not pay for loading the logger, nor
 * creates a log file.
 */
function loadPino(): typeof import('pino').default {
  const require = createRequire(import.meta.url);
  return require('pino') as typeof import('pino').default;
}

/** A logger that is made the first time anything of it is used. */
function lazyLogger(make: () => Logger): Logger {
  let real: Logger | null = null;
  return new Proxy({} as Logger, {
    get(_target, property) {
      real ??= make();
      const value: unknown = Reflect.get(real, property, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
}
