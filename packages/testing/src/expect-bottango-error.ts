import { expect } from 'vitest';
import { BottangoError, type BottangoErrorCode } from '@bottango/core';

/** Runs `action` and checks it fails with a BottangoError of `code` (sync throw or rejection). */
export async function expectBottangoError(action: () => Promise<unknown>, code: BottangoErrorCode): Promise<BottangoError> {
  let failure: unknown;
  let settled = false;
  try {
    await action();
    settled = true;
  } catch (error) {
    failure = error;
  }
  expect(settled, `expected a BottangoError ${code}, but the call succeeded`).toBe(false);
  expect(BottangoError.is(failure), `expected a BottangoError ${code}, got ${String(failure)}`).toBe(true);
  expect((failure as BottangoError).code).toBe(code);
  return failure as BottangoError;
}
