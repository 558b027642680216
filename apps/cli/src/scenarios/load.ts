import { dirname, resolve } from 'node:path';
import type * as z from 'zod';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { readDataFile } from '@bottango/definitions';
import { scenarioFileSchema, STEP_KINDS, type AgentSetting, type LoadErrorExpectation, type Step } from './schema.js';

/** A scenario file, checked: every path resolved against the file. */
export interface ScenarioFile {
  readonly file: string;
  /** Bots directory, resolved against the scenario file. */
  readonly botsDir: string;
  readonly store?: string;
  /** `scenario`: a new runtime and store per scenario (default); `file`: the file's scenarios share them, in order. */
  readonly isolation: 'scenario' | 'file';
  readonly scenarios: readonly Scenario[];
}

export interface Scenario {
  readonly name: string;
  /** Its position in the file, from 1. */
  readonly index: number;
  readonly botsDir: string;
  readonly start: string;
  /** The user id of all its conversations. */
  readonly user: string;
  readonly agents: Readonly<Record<string, AgentSetting>>;
  /** Start bot of named conversations that do not start with `start`. */
  readonly conversationStarts: Readonly<Record<string, string>>;
  readonly loadError?: LoadErrorExpectation;
  readonly steps: readonly Step[];
}

/** Reads and checks a scenario file; errors name the file and the path inside it. */
export async function loadScenarioFile(file: string): Promise<ScenarioFile> {
  // Read as bot files are: size limit, strict UTF-8, YAML aliases capped.
  let read: Awaited<ReturnType<typeof readDataFile>>;
  try {
    read = await readDataFile(file, 'a scenario file');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.InvalidDefinition, `cannot read scenario file: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { where: file, cause });
  }
  if (read.problems.length > 0) {
    const lines = read.problems.map((p) => `${p.line === undefined ? '' : `line ${p.line}: `}${p.message}`);
    throw new BottangoError(BottangoErrorCode.InvalidDefinition, lines.join('\n  '), { where: file });
  }
  const raw = read.data;
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.flatMap((issue) => formatIssue(issue, [], raw)))];
    throw new BottangoError(BottangoErrorCode.InvalidDefinition, problems.join('\n  '), { where: file });
  }
  const root = parsed.data;
  const here = dirname(file);
  const problems: string[] = [];
  const scenarios = root.scenarios.map((s, i): Scenario => {
    const p = `scenarios[${i}]`;
    const start = s.start ?? root.start;
    if (start === undefined && s.loadError === undefined) problems.push(`${p}.start: no start bot (set start here or at the top of the file)`);
    if (s.loadError !== undefined && s.turns !== undefined) problems.push(`${p}.turns: a scenario with loadError has no turns (its bots never load)`);
    if (s.loadError === undefined && s.turns === undefined) problems.push(`${p}.turns: must be a non-empty list of turns (or loadError, for bots that must fail to load)`);
    const conversationStarts: Record<string, string> = {};
    for (const [name, settings] of Object.entries(s.conversations ?? {})) if (settings.start !== undefined) conversationStarts[name] = settings.start;
    return {
      name: s.name,
      index: i + 1,
      botsDir: resolve(here, s.bots ?? root.bots),
      start: start ?? '',
      user: s.user ?? `user-${i + 1}`,
      agents: s.agents ?? {},
      conversationStarts,
      ...(s.loadError !== undefined ? { loadError: s.loadError } : {}),
      steps: s.turns ?? [],
    };
  });
  if (problems.length > 0) throw new BottangoError(BottangoErrorCode.InvalidDefinition, problems.join('\n  '), { where: file });
  return { file, botsDir: resolve(here, root.bots), isolation: root.isolation ?? 'scenario', scenarios, ...(root.store !== undefined ? { store: root.store } : {}) };
}

/** `scenarios[0].turns[1].expect`: the path of an issue as a YAML author reads it. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out || '(root)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  return value;
}

/** One line per problem, `path: message`; a union's problems are those of the alternative the author meant. */
function formatIssue(issue: z.core.$ZodIssue, base: readonly PropertyKey[], root: unknown): string[] {
  const path = [...base, ...issue.path];
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${pathText([...path, key])}: ${issue.message}`);
    case 'invalid_type':
      if (value === undefined) return [`${pathText(path)}: is required`];
      return [`${pathText(path)}: must be ${issue.expected === 'record' || issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${JSON.stringify(value)}`];
    case 'invalid_union': {
      if (value === undefined) return [`${pathText(path)}: is required`];
      // A step: the alternative is the one whose key (user, agents, wait) the step has.
      const kinds = Object.keys(STEP_KINDS);
      if (path.at(-2) === 'turns' && typeof path.at(-1) === 'number') {
        const present = value !== null && typeof value === 'object' && !Array.isArray(value) ? kinds.filter((k) => k in value) : [];
        if (present.length !== 1) return [`${pathText(path)}: must have exactly one of user (a turn), agents (agent statuses) or wait (time passing); got ${present.join(', ') || JSON.stringify(value)}`];
        const branch = issue.errors[kinds.indexOf(present[0] as string)] ?? [];
        return branch.flatMap((inner) => formatIssue(inner, path, root));
      }
      // Otherwise the alternative that got furthest (its deepest problem), e.g. text given as a list.
      const depth = (issues: readonly z.core.$ZodIssue[]): number => Math.max(...issues.map((i) => i.path.length));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
      if (depth(best) === 0) return [`${pathText(path)}: ${describeUnion(issue.errors, value)}`];
      return best.flatMap((inner) => formatIssue(inner, path, root));
    }
    default:
      return [`${pathText(path)}: ${issue.message}`];
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = { string: 'text', number: 'a number', array: 'a list', object: 'a mapping', record: 'a mapping', boolean: 'true or false' };

/** What a value given to a union of simple types must be: `must be text, a number or a list, got {…}`. */
function describeUnion(branches: readonly (readonly z.core.$ZodIssue[])[], value: unknown): string {
  const expected = (issue: z.core.$ZodIssue | undefined): string[] => {
    if (issue === undefined) return [];
    if (issue.code === 'invalid_union') return issue.errors.flatMap((b) => expected(b[0]));
    if (issue.code === 'invalid_type') return [TYPE_NAMES[issue.expected] ?? String(issue.expected)];
    if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v));
    return [issue.message];
  };
  const names = [...new Set(branches.flatMap((b) => expected(b[0])))];
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'something else');
  return `must be ${list}, got ${JSON.stringify(value)}`;
}
