import { createContext, useContext } from 'react';
import type {
  Failure,
  KeyManagerApi,
  OperationName,
  RequestOf,
  ValueOf,
} from '../src/contract';

/**
 * How the UI reaches the core: only through `window.btcpayKeys`, which the
 * preload provides in Electron and the end-to-end tests provide in Chromium.
 */

declare global {
  interface Window {
    btcpayKeys?: KeyManagerApi;
  }
}

/** The API the screens use; tests render screens with their own. */
export const ApiContext = createContext<KeyManagerApi | null>(null);

/** The API of the nearest provider. */
export function useApi(): KeyManagerApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('No key manager API: the preload did not load.');
  return api;
}

/** An expected failure answered by the core, carried as an exception. */
export class OperationFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Calls an operation and returns its value, throwing its failure. */
export async function call<K extends OperationName>(
  api: KeyManagerApi,
  name: K,
  request: RequestOf<K>,
): Promise<ValueOf<K>> {
  const operation = api[name] as (
    request: RequestOf<K>,
  ) => Promise<{ ok: true; value: ValueOf<K> } | { ok: false; error: Failure }>;
  const answer = await operation(request);
  if (!answer.ok) throw new OperationFailure(answer.error);
  return answer.value;
}

/** The failure to show for any error, expected or not. */
export function failureOf(error: unknown): Failure {
  if (error instanceof OperationFailure) return error.failure;
  return {
    kind: 'internal',
    message: error instanceof Error ? error.message : String(error),
    nextStep: 'Try again; if it keeps happening, report it as a bug.',
  };
}
