import type { RawResponse } from './transport';

/**
 * What the client knew when it sent a request, and what kind of body came
 * back: the context every explanation of an answer starts from.
 */

/** What the client knew when it sent the request, to explain the answer. */
export interface Exchange {
  /** How the request authenticated. */
  auth: 'token' | 'basic' | 'none';
  /** The permissions sent in the body, to name the one a 422 points at. */
  sentPermissions?: readonly string[];
  /** True for the anonymous health probe, where a 404 means "not BTCPay". */
  probe?: boolean;
}

/** A response body sorted by what it turned out to be. */
export type Body =
  | { type: 'json'; value: unknown }
  | { type: 'html' }
  | { type: 'broken-json' }
  | { type: 'other' }
  | { type: 'empty' };

/** Reads a body without trusting its content type. */
export function readBody(raw: RawResponse): Body {
  if (raw.text.trim() === '') return { type: 'empty' };
  if (raw.contentType.includes('html') || /^\s*</.test(raw.text)) {
    return { type: 'html' };
  }
  try {
    return { type: 'json', value: JSON.parse(raw.text) as unknown };
  } catch {
    return raw.contentType.includes('json')
      ? { type: 'broken-json' }
      : { type: 'other' };
  }
}
