import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import {
  OPERATION_NAMES,
  type AppEvent,
  type Failure,
  type KeyManagerApi,
  type KeyView,
  type OperationName,
  type ServerView,
} from '../../src/contract';
import { ApiContext } from '../../renderer/api';

/**
 * A stand-in for `window.btcpayKeys` in component tests: each operation
 * answers what the test says, and events can be pushed by hand.
 */

type Answer = unknown;

/** An answer per operation: a value, a failure, or a promise that never settles. */
export type Script = Partial<
  Record<OperationName, Answer | { fail: Failure } | 'pending'>
>;

export interface FakeApi {
  api: KeyManagerApi;
  calls: { name: OperationName; request: unknown }[];
  emit: (event: AppEvent) => void;
}

/** Builds the fake; unscripted operations answer an empty success. */
export function fakeApi(script: Script = {}): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Set<(event: AppEvent) => void>();
  const api: Record<string, unknown> = {};
  for (const name of OPERATION_NAMES) {
    api[name] = (request: unknown) => {
      calls.push({ name, request });
      const answer = script[name];
      if (answer === 'pending') return new Promise(() => undefined);
      if (answer && typeof answer === 'object' && 'fail' in answer) {
        return Promise.resolve({
          ok: false,
          error: (answer as { fail: Failure }).fail,
        });
      }
      return Promise.resolve({ ok: true, value: answer ?? {} });
    };
  }
  api['onEvent'] = (listener: (event: AppEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    api: api as unknown as KeyManagerApi,
    calls,
    emit: (event) => listeners.forEach((listener) => listener(event)),
  };
}

/** Renders `ui` with the fake as its API. */
export function renderWith(fake: FakeApi, ui: ReactElement) {
  return render(
    <ApiContext.Provider value={fake.api}>{ui}</ApiContext.Provider>,
  );
}

/** A failure as the core would answer it. */
export const networkFailure: Failure = {
  kind: 'network',
  message: 'The server could not be reached.',
  nextStep: 'Check the address and your connection.',
};

/** A server view with sensible defaults. */
export function server(patch: Partial<ServerView> = {}): ServerView {
  return {
    id: 's1',
    baseUrl: 'https://btcpay.example.com/',
    name: 'Main shop',
    email: null,
    serverVersion: '2.4.4',
    mintMethod: 'authorize',
    managerKeyId: null,
    addedAt: '2026-01-01T00:00:00.000Z',
    keyCount: 1,
    insecure: false,
    ...patch,
  };
}

/** A key view with sensible defaults. */
export function key(index: number, patch: Partial<KeyView> = {}): KeyView {
  return {
    id: `k_${index}`,
    serverId: 's1',
    serverName: 'Main shop',
    label: `Key number ${index}`,
    fingerprint: `sha256:${String(index).padStart(16, '0')}`,
    grantedPermissions: ['btcpay.store.canviewinvoices'],
    requestedPermissions: null,
    origin: {
      kind: 'imported',
      appName: null,
      appIdentifier: null,
      detail: 'Imported',
    },
    isManager: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastVerification: null,
    revokedAt: null,
    risks: ['all-stores', 'read-only'],
    ...patch,
  };
}
