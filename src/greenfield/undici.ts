import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | null = null;

/**
 * undici, loaded on the first request rather than at start-up: commands
 * that never reach a server (`key list`, `audit`, `log`) do not pay for
 * loading an HTTP client they will not use.
 */
export function loadUndici(): Promise<typeof Undici> {
  loading ??= import('undici');
  return loading;
}
