import type { ContractCheck } from './contract-checks.js';

/** Runs every check and returns the names of those that failed (for the suites' own specs). */
export async function failingChecks(checks: readonly ContractCheck[]): Promise<string[]> {
  const failed: string[] = [];
  for (const check of checks) {
    try {
      await check.run();
    } catch {
      failed.push(check.name);
    }
  }
  return failed;
}
