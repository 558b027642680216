import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { expect } from 'vitest';
import { parseBotDefinition, type DefinitionProblem } from '../index.js';

/** The problems of the INVALID_DEFINITION error `run` throws (the test fails when it throws nothing or another error). */
export function problemsOf(run: () => unknown): DefinitionProblem[] {
  try {
    run();
  } catch (error) {
    expect(BottangoError.is(error, BottangoErrorCode.InvalidDefinition)).toBe(true);
    return (error as BottangoError).details['problems'] as DefinitionProblem[];
  }
  throw new Error('expected an INVALID_DEFINITION error');
}

/** The problems of a bot file's text, parsed as `file`. */
export function problemsOfYaml(text: string, file: string): DefinitionProblem[] {
  return problemsOf(() => parseBotDefinition(text, file));
}
