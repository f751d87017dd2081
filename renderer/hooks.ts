import { useCallback, useEffect, useState } from 'react';
import type {
  AppEvent,
  Failure,
  OperationName,
  RequestOf,
  ValueOf,
} from '../src/contract';
import { call, failureOf, useApi } from './api';

/** What a screen shows while it loads, after a failure, or with its data. */
export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'failed'; failure: Failure }
  | { state: 'ready'; value: T };

/**
 * Loads an operation's value when the screen opens and again on `reload`
 * (and on `inventoryChanged` events when `followInventory` is set).
 */
export function useOperation<K extends OperationName>(
  name: K,
  request: RequestOf<K>,
  options: { followInventory?: boolean } = {},
): { data: Loadable<ValueOf<K>>; reload: () => void } {
  const api = useApi();
  const [data, setData] = useState<Loadable<ValueOf<K>>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  // Requests are plain JSON, so their text tells when one really changed.
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    let current = true;
    call(api, name, JSON.parse(requestKey) as RequestOf<K>).then(
      (value) => current && setData({ state: 'ready', value }),
      (error: unknown) =>
        current && setData({ state: 'failed', failure: failureOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, name, requestKey, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useAppEvent(
    useCallback(
      (event: AppEvent) => {
        if (options.followInventory && event.type === 'inventoryChanged') {
          reload();
        }
      },
      [options.followInventory, reload],
    ),
  );
  return { data, reload };
}

/** Subscribes to the core's events for the component's lifetime. */
export function useAppEvent(listener: (event: AppEvent) => void): void {
  const api = useApi();
  useEffect(() => api.onEvent(listener), [api, listener]);
}

/** Runs an action with a busy flag and its failure, for buttons and forms. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const run = useCallback(
    async <T>(work: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setFailure(null);
      try {
        return await work();
      } catch (error) {
        setFailure(failureOf(error));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [],
  );
  return { busy, failure, run, clearFailure: () => setFailure(null) };
}
