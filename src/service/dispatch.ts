import {
  AppEvent,
  fail,
  operations,
  type ContractHandlers,
  type OperationName,
} from '../contract';

/**
 * Runs one operation for a caller outside the trust boundary: the payload is
 * `unknown` until the operation's schema parsed it, and the answer is parsed
 * too, so a field the contract does not name (a secret, say) never leaves.
 */
export async function dispatchOperation(
  handlers: ContractHandlers,
  name: OperationName,
  payload: unknown,
): Promise<unknown> {
  const operation = operations[name];
  const request = operation.request.safeParse(payload ?? {});
  if (!request.success) {
    return fail(
      'invalid-input',
      `The request for ${name} was not understood.`,
      'Reload the window; if it happens again, report it as a bug.',
    );
  }

  const handler = handlers[name] as (request: unknown) => Promise<unknown>;
  const answer = await handler(request.data);
  return operation.response.parse(answer);
}

/** True when `name` is an operation of the contract. */
export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/**
 * An event parsed with the contract's schema before it is pushed to the page,
 * as answers are: fields the contract does not name are dropped, and null
 * means the event breaks the contract and must not be sent.
 */
export function checkAppEvent(event: unknown): AppEvent | null {
  const parsed = AppEvent.safeParse(event);
  return parsed.success ? parsed.data : null;
}
