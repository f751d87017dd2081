/** Field names that only ever hold secrets. */
const SECRET_FIELD =
  /^(api[-_]?key|password|passphrase|secret|token|authorization)$/i;

/** BTCPay Greenfield API keys are 40 hexadecimal characters. */
const API_KEY_SHAPE = /(^|[^0-9a-f])[0-9a-f]{40}([^0-9a-f]|$)/i;

/** A Basic-auth header value. */
const BASIC_HEADER = /\bBasic\s+[A-Za-z0-9+/=]{8,}/;

/**
 * An event was about to carry a secret into the log. This is a bug in the
 * caller; the message names the field, never its value.
 */
export class SecretInEventError extends Error {
  override readonly name = 'SecretInEventError';

  constructor(readonly field: string) {
    super(
      `Refused to log an event: "${field}" looks like a secret. Log key ids ` +
        'and fingerprints instead.',
    );
  }
}

/** Throws `SecretInEventError` if anything in `value` looks like a secret. */
export function assertNoSecrets(value: unknown, field = 'event'): void {
  if (typeof value === 'string') {
    if (API_KEY_SHAPE.test(value) || BASIC_HEADER.test(value)) {
      throw new SecretInEventError(field);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoSecrets(item, `${field}[${index}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      if (SECRET_FIELD.test(name)) {
        throw new SecretInEventError(`${field}.${name}`);
      }
      assertNoSecrets(item, `${field}.${name}`);
    }
  }
}
