import { expect } from 'vitest';
import {
  GreenfieldError,
  type GreenfieldErrorKind,
} from '../../../src/greenfield';

/** The GreenfieldError a call failed with; fails the test otherwise. */
export async function failureOf(
  promise: Promise<unknown>,
): Promise<GreenfieldError> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof GreenfieldError)) {
    throw new Error(`expected a GreenfieldError, got ${String(outcome)}`);
  }
  return outcome;
}

/** Checks the kind and that the merchant gets a message and a next step. */
export function expectKind(
  error: GreenfieldError,
  kind: GreenfieldErrorKind,
): void {
  expect(error.kind).toBe(kind);
  expect(error.message.length).toBeGreaterThan(10);
  expect(error.nextStep.length).toBeGreaterThan(10);
}
