import type { z } from 'zod';
import type { AppEvent } from './events';
import type { OperationName } from './names';
import type { Operations } from './operations';

/** What the UI sends for an operation (defaults may be left out). */
export type RequestOf<K extends OperationName> = z.input<
  Operations[K]['request']
>;

/** What an operation's handler receives after main parsed the request. */
export type ParsedRequestOf<K extends OperationName> = z.output<
  Operations[K]['request']
>;

/** What an operation answers. */
export type ResponseOf<K extends OperationName> = z.output<
  Operations[K]['response']
>;

/** The successful value of an operation. */
export type ValueOf<K extends OperationName> = Extract<
  ResponseOf<K>,
  { ok: true }
>['value'];

/** Stops an event subscription. */
export type Unsubscribe = () => void;

/**
 * `window.btcpayKeys`: one method per operation plus event subscription. The
 * preload provides it in Electron; the end-to-end tests provide their own.
 */
export type KeyManagerApi = {
  [K in OperationName]: (request: RequestOf<K>) => Promise<ResponseOf<K>>;
} & {
  onEvent(listener: (event: AppEvent) => void): Unsubscribe;
};

/** The core's side of the contract: one handler per operation. */
export type ContractHandlers = {
  [K in OperationName]: (request: ParsedRequestOf<K>) => Promise<ResponseOf<K>>;
};
