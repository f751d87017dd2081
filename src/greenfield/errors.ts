/**
 * The failures a merchant can meet when the app talks to BTCPay Server, each
 * telling apart what they must do differently. Messages and next steps never
 * contain an API key, a password or an Authorization header.
 */

/**
 * How a next step suggests getting a key through BTCPay's page in the
 * browser instead, in the desktop app's words (it names the app's button).
 * Every next step that suggests it contains exactly this text, so another
 * surface, such as the command line, can put its own words in its place.
 */
export const AUTHORIZE_IN_BROWSER = 'use "Connect through the browser"';

/** What went wrong, in terms of what the merchant must do about it. */
export type GreenfieldErrorKind =
  | 'key-unknown'
  | 'owner-blocked'
  | 'unauthenticated'
  | 'missing-permission'
  | 'validation'
  | 'not-found'
  | 'basic-auth-disabled'
  | 'basic-auth-multi-factor'
  | 'basic-auth-rate-limited'
  | 'basic-auth-failed'
  | 'password-has-colon'
  | 'not-btcpay'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'server-error'
  | 'invalid-response'
  | 'aborted';

/** Why BTCPay refused a valid key or password because of its owner's account. */
export type OwnerBlockedReason =
  | 'disabled-or-locked'
  | 'unconfirmed-email'
  | 'unapproved'
  | 'no-password'
  | 'other';

/** What is wrong with the server's certificate or TLS setup. */
export type TlsProblem =
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-host'
  | 'untrusted-issuer'
  | 'revoked'
  | 'not-tls'
  | 'other';

/** One entry of a 422 answer, with the permission it refers to when known. */
export interface ValidationIssue {
  path: string;
  message: string;
  /** The permission the client sent at the index `permissions[N]` names. */
  permission?: string;
}

/** Everything a {@link GreenfieldError} carries besides its kind. */
export interface GreenfieldErrorDetails {
  message: string;
  nextStep: string;
  status?: number | null;
  code?: string | null;
  missingPermission?: string;
  validation?: ValidationIssue[];
  retryAfterSeconds?: number;
  ownerBlockedReason?: OwnerBlockedReason;
  tlsProblem?: TlsProblem;
  /** BTCPay's own message text, for error reports; never shown as the cause. */
  serverMessage?: string;
  /** The low-level error code (ECONNREFUSED, UND_ERR_SOCKET, ...). */
  causeCode?: string;
}

/**
 * The kinds where the server could not be reached or did not answer as
 * BTCPay (nothing listens, TLS failed, a timeout, a 5xx, another site), as
 * opposed to a BTCPay server that answered and refused.
 */
export const UNREACHABLE_KINDS: readonly GreenfieldErrorKind[] = [
  'not-btcpay',
  'tls',
  'timeout',
  'network',
  'server-error',
  'invalid-response',
];

/** An expected failure of a Greenfield call, with the merchant's next step. */
export class GreenfieldError extends Error {
  override readonly name = 'GreenfieldError';
  readonly kind: GreenfieldErrorKind;
  /** The HTTP status, or null when no answer arrived. */
  readonly status: number | null;
  /** BTCPay's error code (`unauthenticated`, `apikey-not-found`...). */
  readonly code: string | null;
  /** What the merchant can do now, in one or two sentences. */
  readonly nextStep: string;
  readonly missingPermission?: string;
  readonly validation?: ValidationIssue[];
  readonly retryAfterSeconds?: number;
  readonly ownerBlockedReason?: OwnerBlockedReason;
  readonly tlsProblem?: TlsProblem;
  readonly serverMessage?: string;
  readonly causeCode?: string;

  constructor(kind: GreenfieldErrorKind, details: GreenfieldErrorDetails) {
    super(details.message);
    this.kind = kind;
    this.status = details.status ?? null;
    this.code = details.code ?? null;
    this.nextStep = details.nextStep;
    const optional = {
      missingPermission: details.missingPermission,
      validation: details.validation,
      retryAfterSeconds: details.retryAfterSeconds,
      ownerBlockedReason: details.ownerBlockedReason,
      tlsProblem: details.tlsProblem,
      serverMessage: details.serverMessage,
      causeCode: details.causeCode,
    };
    for (const [field, value] of Object.entries(optional)) {
      if (value !== undefined) Object.assign(this, { [field]: value });
    }
  }

  /** A plain object for logs, IPC and error reports (no stack, no secrets). */
  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { ...(this as object) };
    return { ...fields, name: this.name, message: this.message };
  }
}
