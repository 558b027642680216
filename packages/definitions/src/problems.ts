import { BottangoError, BottangoErrorCode } from '@bottango/core';

/** One thing wrong (or worth a warning) in a bot definition. */
export interface DefinitionProblem {
  /** File path the problem is in; for a bot built in code without `source`, `(bot <id>)`. */
  readonly file: string;
  /** Path inside the file, e.g. `dialogs[2].interactions[0].transfer.message`; empty for the whole file. */
  readonly path: string;
  /** 1-based line, when the definition came from a file. */
  readonly line?: number;
  /** 1-based column, when the definition came from a file. */
  readonly column?: number;
  readonly message: string;
}

export type PathSegment = string | number;

/** `['dialogs', 2, 'interactions', 0, 'text']` → `dialogs[2].interactions[0].text`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** `billing.yaml:12:7 dialogs[0].name: duplicate dialog name 'Refund'`. */
export function formatProblem(problem: DefinitionProblem): string {
  const position = problem.line === undefined ? '' : `:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  const path = problem.path === '' ? '' : ` ${problem.path}`;
  return `${problem.file}${position}${path}: ${problem.message}`;
}

/** Sorts problems by file, then line, so a report reads top to bottom. */
export function sortProblems(problems: readonly DefinitionProblem[]): DefinitionProblem[] {
  return [...problems].sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  });
}

/** One INVALID_DEFINITION error listing every problem; `details.problems` holds them, `details.warnings` the warnings. */
export function definitionError(problems: readonly DefinitionProblem[], warnings: readonly DefinitionProblem[] = []): BottangoError {
  const sorted = sortProblems(problems);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  const message = `Invalid bot definitions (${count}):\n${sorted.map((p) => `  - ${formatProblem(p)}`).join('\n')}`;
  return new BottangoError(BottangoErrorCode.InvalidDefinition, message, { details: { problems: sorted, warnings: sortProblems(warnings) } });
}
