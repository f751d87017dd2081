import { addedInVersion, parsePermission } from '../permissions';
import {
  AUTHORIZE_IN_BROWSER,
  GreenfieldError,
  type ValidationIssue,
} from './errors';
import type { Body, Exchange } from './exchange';
import { ValidationErrorBody, type GreenfieldErrorBody } from './schemas';
import { isInvalidPermissionMessage } from './server-messages';
import { headerValue, type RawResponse } from './transport';

/**
 * Answers where BTCPay understood who is asking and refused what was asked:
 * a missing permission (403), field validation (422) and throttling.
 */

/** Explains a 403: the key, the user's store role, or the store itself. */
export function missingPermissionError(
  error: GreenfieldErrorBody,
): GreenfieldError {
  const policy = error.missingPermission;
  const needs = policy
    ? `This needs the permission "${policy}".`
    : 'BTCPay Server refused this with the sign-in used.';
  return new GreenfieldError('missing-permission', {
    message:
      `${needs} Either the API key does not have it, or your role in the ` +
      'store (or on the server) does not allow it, or the store no longer ' +
      'exists or is not yours.',
    nextStep: policy
      ? `Use a key that includes "${policy}", and check your role in the ` +
        'store in BTCPay (Store → Settings → Users).'
      : 'Check the key’s permissions and your role in the store in BTCPay.',
    status: 403,
    code: error.code,
    serverMessage: error.message,
    ...(policy ? { missingPermission: policy } : {}),
  });
}

/** Explains a 422, naming each permission a `permissions[N]` path points at. */
export function validationError(
  raw: RawResponse,
  body: Body,
  exchange: Exchange,
): GreenfieldError {
  const parsed =
    body.type === 'json' ? ValidationErrorBody.safeParse(body.value) : null;
  if (!parsed?.success) {
    return new GreenfieldError('invalid-response', {
      message: 'The server refused the request without saying why (HTTP 422).',
      nextStep: 'Check that the address is your BTCPay Server.',
      status: raw.status,
    });
  }

  const issues = parsed.data.map((entry) =>
    toIssue(entry.path ?? '', entry.message, exchange.sentPermissions),
  );
  const first = issues[0];
  const explained = first ? explainIssue(first) : undefined;
  return new GreenfieldError('validation', {
    message:
      explained?.message ??
      'BTCPay Server refused the request as invalid (HTTP 422).',
    nextStep: explained?.nextStep ?? 'Check what you entered and try again.',
    status: raw.status,
    code: 'validation',
    validation: issues,
    ...(first?.message ? { serverMessage: first.message } : {}),
  });
}

function toIssue(
  path: string,
  message: string,
  sent: readonly string[] | undefined,
): ValidationIssue {
  const index = /permissions\[(\d+)\]/i.exec(path)?.[1];
  const permission = index === undefined ? undefined : sent?.[Number(index)];
  return permission === undefined
    ? { path, message }
    : { path, message, permission };
}

function explainIssue(issue: ValidationIssue): {
  message: string;
  nextStep: string;
} {
  if (issue.permission === undefined) {
    const field = issue.path ? ` (${issue.path})` : '';
    return {
      message: `BTCPay Server refused a value${field}: ${issue.message}`,
      nextStep: 'Correct it and try again.',
    };
  }
  // A malformed string is the caller's mistake; a well-formed one an older
  // server refuses is a policy that server does not have yet.
  const parsed = parsePermission(issue.permission);
  if (!parsed.ok) {
    return {
      message: `BTCPay Server refused the permission: ${parsed.reason}`,
      nextStep: 'Correct or remove this permission, then try again.',
    };
  }
  const version = isInvalidPermissionMessage(issue.message)
    ? (addedInVersion(parsed.permission.policy) ?? undefined)
    : undefined;
  if (version) {
    return {
      message:
        `This server does not know the permission "${issue.permission}". ` +
        `It was added in BTCPay Server ${version}, so the server is older.`,
      nextStep: `Leave it out, or update BTCPay Server to ${version} or later.`,
    };
  }
  return {
    message:
      `BTCPay Server refused the permission "${issue.permission}": ` +
      issue.message,
    nextStep: 'Leave this permission out or correct it, then try again.',
  };
}

/** The wait BTCPay's Basic-auth throttle needs: its zone refills per minute. */
export const BASIC_RATE_LIMIT_WAIT_SECONDS = 60;

/** A throttled request: says when to try again, never retries itself. */
export function rateLimitedError(
  raw: RawResponse,
  exchange: Exchange,
  serverMessage?: string,
): GreenfieldError {
  const header = Number(headerValue(raw.headers['retry-after']));
  const wait =
    Number.isFinite(header) && header > 0
      ? Math.ceil(header)
      : BASIC_RATE_LIMIT_WAIT_SECONDS;
  const when =
    wait < 45
      ? `${wait} seconds`
      : wait <= 90
        ? 'about a minute'
        : `${Math.ceil(wait / 60)} minutes`;
  const basic = exchange.auth === 'basic';
  return new GreenfieldError(
    basic ? 'basic-auth-rate-limited' : 'server-error',
    {
      message: basic
        ? 'BTCPay Server limits password sign-ins to 5 a minute, and this ' +
          'computer has reached the limit.'
        : 'BTCPay Server is limiting requests from this computer right now.',
      nextStep: basic
        ? `Try again in ${when}, or better, ${AUTHORIZE_IN_BROWSER} ` +
          'once and use the API key it gets, which is not throttled.'
        : `Try again in ${when}.`,
      status: raw.status,
      code: 'rate-limited',
      retryAfterSeconds: wait,
      ...(serverMessage ? { serverMessage } : {}),
    },
  );
}
