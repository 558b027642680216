import { describe, it } from 'vitest';

/**
 * One requirement of a contract, runnable on its own: the `describe…Contract` suites register each as a test, and the
 * suites' own specs run them on deliberately broken implementations to prove each requirement can fail.
 */
export interface ContractCheck {
  readonly name: string;
  run(): Promise<void>;
}

/** Registers every check as a vitest test under one `describe`. */
export function describeChecks(title: string, checks: readonly ContractCheck[], timeoutMs?: number): void {
  describe(title, () => {
    for (const check of checks) it(check.name, () => check.run(), timeoutMs);
  });
}
