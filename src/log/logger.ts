import pino, { type Logger } from 'pino';

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

/** Creates a logger writing JSON lines to `destination` (stderr by default). */
export function createLogger(options: {
  level?: string;
  destination?: string | number;
}): Logger {
  const destination = pino.destination({
    dest: options.destination ?? 2,
    sync: true,
    mkdir: true,
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

/** A logger that discards everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
