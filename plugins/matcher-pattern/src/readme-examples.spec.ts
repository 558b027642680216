import { readFileSync } from 'node:fs';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { compileStarterPattern } from './compile-pattern.js';
import { normalizeForPatterns } from './normalize.js';

// The README tables are the documentation of the syntax; this file checks every row, so they cannot drift.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Rows of the first Markdown table whose header row is exactly `header`, split into unescaped cells. */
function tableRows(header: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`README has no table with header ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replaceAll('\\|', '|'));
    rows.push(cells);
  }
  return rows;
}

function code(cell: string): string {
  if (cell === '(empty string)') return '';
  const match = /^`(.*)`$/.exec(cell);
  if (match === null) throw new Error(`expected a code cell, got ${cell}`);
  return match[1] as string;
}

const examples = tableRows('| Pattern | Input | Matches |');
const normalisations = tableRows('| Input | Normalised |');
const errors = tableRows('| Pattern | Error message |');

describe('README examples table', () => {
  it('has the examples the spec asks for', () => {
    expect(examples.length).toBeGreaterThanOrEqual(40);
  });
  it.each(examples.map(([pattern, input, expected]) => [code(pattern as string), JSON.parse(input as string) as string, expected]))(
    '%s against %j → %s',
    (pattern, input, expected) => {
      expect(['yes', 'no']).toContain(expected);
      expect(compileStarterPattern(pattern).matches(input)).toBe(expected === 'yes');
    },
  );
});

describe('README normalisation table', () => {
  it.each(normalisations.map(([input, output]) => [JSON.parse(input as string) as string, JSON.parse(output as string) as string]))(
    '%j → %j',
    (input, output) => {
      expect(normalizeForPatterns(input)).toBe(output);
      expect(normalizeForPatterns(output)).toBe(output);
    },
  );
});

describe('README error table', () => {
  it.each(errors.map(([pattern, message]) => [code(pattern as string), code(message as string)]))('%j', (pattern, message) => {
    let thrown: unknown;
    try {
      compileStarterPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(BottangoError.is(thrown, BottangoErrorCode.InvalidPattern)).toBe(true);
    expect((thrown as Error).message).toBe(message);
  });
});
