import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { MAX_TIMER_MS } from './timer-limit.js';
import type { PathSegment } from './problems.js';

/** Marks the message of an unknown-key issue so `describeIssue` can suggest the closest allowed key. */
const KNOWN_KEYS = '\u0000known-keys:';

/** A strict object whose unknown-key issues carry the allowed keys. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const known = JSON.stringify(Object.keys(shape));
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `${KNOWN_KEYS}${known}` : undefined),
  }) as unknown as z.ZodObject<T, z.core.$strict>;
}

const text = z.string();
const nonEmpty = z.string().trim().min(1);
/** Skill IDs are often numeric in Conversational Cloud: accept `skill: 12345` as `'12345'`. */
const skillId = z.preprocess((value) => (typeof value === 'number' ? String(value) : value), nonEmpty);
const script = z.string();

/** Environment variable values are strings; numbers and booleans are read as their text (`SKILL: 12345` is `'12345'`). */
const envValue = z.preprocess((value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value), text);

const starterPatternSchema = z.union([nonEmpty, strictObject({ syntax: nonEmpty, pattern: nonEmpty })]);

export const botFileSchema = strictObject({
  id: nonEmpty,
  name: text.optional(),
  skills: z.array(skillId).optional(),
  group: nonEmpty.optional(),
  settings: strictObject({
    defaultUserFriendlyResponse: text.optional(),
    maxEscalationRetries: z.int().min(0).optional(),
    autoEscalationAfter: z.int().min(1).optional(),
    intentMatcher: nonEmpty.optional(),
    disambiguationOptions: z.literal([2, 3]).optional(),
    useIntentsOnlyWithDialogStartersInDisambiguation: z.boolean().optional(),
  }).optional(),
  connector: strictObject({
    skipAgentMessage: z.boolean().optional(),
    defaultGreetingMessage: nonEmpty.optional(),
    disableGreetings: z.boolean().optional(),
    messageDelay: z.int().min(0).max(MAX_TIMER_MS).optional(),
    maxEscalationRetries: z.int().min(0).optional(),
    fallbackEscalationTime: z.int().min(1).max(MAX_TIMER_MS).optional(),
    fallbackSkillId: skillId.optional(),
    escalateOnStuckConversation: z.boolean().optional(),
    escalationSkillIdOnStuckConversation: skillId.optional(),
    escalationMessageOnStuckConversation: nonEmpty.optional(),
    messageResendMaxRetries: z.int().min(0).optional(),
    retryMessageInterval: z.int().min(0).max(MAX_TIMER_MS).optional(),
    userRetryOnStuckConversation: nonEmpty.optional(),
  }).optional(),
  // `__proto__` is refused by readBotFile (a record would drop it silently).
  environment: z.record(nonEmpty, envValue).optional(),
  globalFunctions: strictObject({ initConversation: script.optional() }).optional(),
  intents: z
    .array(
      strictObject({
        id: nonEmpty,
        name: nonEmpty.optional(),
        domain: nonEmpty.optional(),
        phrases: z.array(nonEmpty).optional(),
        children: z.array(nonEmpty).optional(),
      }),
    )
    .optional(),
  dialogs: z
    .array(
      strictObject({
        name: nonEmpty,
        type: z.enum(['standard', 'fallback', 'disambiguation', 'auto-escalation']).optional(),
        disabled: z.boolean().optional(),
        starter: strictObject({
          intent: nonEmpty.optional(),
          patterns: z.array(starterPatternSchema).optional(),
          excludeKeywords: z.array(nonEmpty).optional(),
        }).optional(),
        // Each interaction is checked on its own (its shape depends on its keys), see `interactionSchemas`.
        interactions: z.array(z.unknown()).min(1),
      }),
    )
    .min(1),
});
export type BotFile = z.output<typeof botFileSchema>;

const interactionBase = {
  name: nonEmpty.optional(),
  preProcess: script.optional(),
  postProcess: script.optional(),
  next: nonEmpty.optional(),
};
const questionFields = {
  saveAs: nonEmpty.optional(),
  processUserResponse: script.optional(),
  contextSwitching: z.boolean().optional(),
  conditions: z
    .array(strictObject({ match: z.enum(['exact', 'pattern', 'regex', 'intent']), value: nonEmpty, next: nonEmpty.optional() }))
    .optional(),
};
const transferFields = {
  skill: skillId,
  message: text.optional(),
  tangoContext: z.boolean().optional(),
  agentId: skillId.optional(),
  responseDataVariable: nonEmpty.optional(),
};
const transferOutcomes = { onFailure: nonEmpty.optional(), interactionDelay: z.int().min(0).max(MAX_TIMER_MS).optional() };

/** The accepted shapes of an interaction: `short` (keyed by `text`/`question`/`transfer`) and `long` (with `type`). */
export const interactionSchemas = {
  short: {
    text: strictObject({ ...interactionBase, text }),
    question: strictObject({ ...interactionBase, ...questionFields, question: text }),
    transfer: strictObject({ ...interactionBase, ...transferOutcomes, transfer: strictObject(transferFields) }),
  },
  long: {
    text: strictObject({ ...interactionBase, type: z.literal('text'), text }),
    question: strictObject({ ...interactionBase, ...questionFields, type: z.literal('question'), text }),
    agentTransfer: strictObject({ ...interactionBase, ...transferOutcomes, ...transferFields, type: z.literal('agentTransfer') }),
  },
} as const;
export type ShortInteractionKey = keyof typeof interactionSchemas.short;
export type LongInteractionType = keyof typeof interactionSchemas.long;
export const SHORT_INTERACTION_KEYS = Object.keys(interactionSchemas.short) as ShortInteractionKey[];
export const LONG_INTERACTION_TYPES = Object.keys(interactionSchemas.long) as LongInteractionType[];
export const ALL_INTERACTION_KEYS: readonly string[] = [
  ...new Set([...Object.values(interactionSchemas.short), ...Object.values(interactionSchemas.long)].flatMap((schema) => Object.keys(schema.shape))),
];

export const groupsFileSchema = strictObject({
  groups: z.array(
    strictObject({
      id: nonEmpty,
      collaboration: z.boolean().optional(),
      transferMessage: text.optional(),
    }),
  ),
});

export interface SchemaProblem {
  readonly path: PathSegment[];
  readonly message: string;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.trim() === '' ? 'an empty string' : `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

function pathKey(path: readonly PathSegment[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
}

/** Turns one zod issue into problems a bot author understands (one per unknown key). */
function describeIssue(issue: z.core.$ZodIssue): SchemaProblem[] {
  const path = pathKey(issue.path as PathSegment[]);
  const last = path.at(-1);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = issue.message.startsWith(KNOWN_KEYS) ? (JSON.parse(issue.message.slice(KNOWN_KEYS.length)) as string[]) : [];
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'${didYouMean(key, known)}` }));
    }
    case 'invalid_type': {
      if (issue.input === undefined) {
        return [{ path, message: typeof last === 'string' ? `missing required key '${last}'` : 'missing value' }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return [{ path, message: `expected ${expected}, got ${describeValue(issue.input)}` }];
    }
    case 'too_small': {
      if (issue.origin === 'string') return [{ path, message: 'must not be empty' }];
      if (issue.origin === 'array') return [{ path, message: `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}` }];
      return [{ path, message: `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input)}` }];
    }
    case 'too_big':
      return [{ path, message: `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input)}` }];
    case 'invalid_value': {
      const allowed = issue.values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : '';
      return [{ path, message: `expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}, got ${describeValue(issue.input)}${hint}` }];
    }
    case 'invalid_union': {
      // Only starter patterns are unions: a string, or { syntax, pattern }.
      const input = issue.input;
      if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
        const inner = issue.errors.flat().filter((inner) => inner.code !== 'invalid_type' || inner.path.length > 0);
        return inner.flatMap((innerIssue) => describeIssue({ ...innerIssue, path: [...issue.path, ...innerIssue.path] }));
      }
      return [{ path, message: `expected a pattern string or { syntax, pattern }, got ${describeValue(input)}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** Runs `schema` on `value` and returns its data or the problems, with paths prefixed by `prefix`. */
export function check<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly PathSegment[] = []): { data?: T; problems: SchemaProblem[] } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { data: result.data, problems: [] };
  return {
    problems: result.error.issues.flatMap((issue) => describeIssue(issue)).map((problem) => ({ path: [...prefix, ...problem.path], message: problem.message })),
  };
}
