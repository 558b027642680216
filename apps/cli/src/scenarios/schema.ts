import * as z from 'zod';

/*
 * The scenario file format, as one zod schema: the loader parses with it, and `scenario.schema.json` (editor completion
 * and validation) is generated from it by `scenarioJsonSchema()`. Every key is described here; the README's scenario
 * section is the guide.
 */

/** A strict mapping whose unknown keys are reported with the keys it knows. */
function mapping<Shape extends z.ZodRawShape>(shape: Shape, what = 'key'): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown ${what} (known: ${known})` : undefined) });
}

/** Ids of the shared parts of the JSON Schema (zod's global registry: prefixed, so no other package's id clashes). */
const id = (part: string): string => `bottango-scenario-${part}`;

const name = z.string().min(1, 'must be a non-empty string');
/** Text a YAML author may write unquoted as a number (`user: 77`). */
const text = z.union([z.string(), z.number()]).transform(String);
const nonEmptyText = z.union([z.string().min(1, 'must be a non-empty string'), z.number()]).transform(String);

const AGENT_SETTINGS = ['online', 'offline', 'rejecting'] as const;
const agents = z
  .record(z.string(), z.enum(AGENT_SETTINGS, { error: 'must be online, offline or rejecting' }))
  .meta({ description: 'Agent status by bot id: online (default), offline (not connected) or rejecting (connected, refuses transfers).' });

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
/** `300ms`, `3s`, `2.5m`, `1h`, or a number of milliseconds. */
/** Longest wait: 30 days, past every connector time (fallbackEscalationTime is capped at about 24.8 days). */
const MAX_WAIT_MS = 30 * 24 * 3_600_000;

const duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION, 'must be a duration like 300ms, 3s, 2m or 1h (or a number of milliseconds)')])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const [, amount, unit] = DURATION.exec(value) as RegExpExecArray;
    return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  })
  .pipe(z.number().max(MAX_WAIT_MS, 'must be at most 30 days (720h)'))
  .meta({ description: 'How long: 300ms, 3s, 2m, 1h, or a number of milliseconds (at most 30 days).' });

const botField = name.optional().meta({ description: 'Bot id.' });

// What an event must look like. Every field is optional: an empty mapping matches any event of the kind.
const says = mapping({
  bot: botField,
  dialog: name.optional().meta({ description: 'Name of the dialog that sent the message.' }),
  text: text.optional().meta({ description: 'The whole message, exactly.' }),
  contains: text.optional().meta({ description: 'A part of the message.' }),
}).meta({ id: id('says'), description: 'A bot message.' });

const DIALOG_TRIGGERS = ['pattern', 'intent', 'tango-intent', 'disambiguation', 'fallback'] as const;
const dialog = mapping({
  bot: botField,
  name: name.optional().meta({ description: 'Dialog name.' }),
  by: z.enum(DIALOG_TRIGGERS).optional().meta({ description: 'What started it.' }),
  intent: name.optional().meta({ description: 'The intent that started it (by intent, tango-intent or disambiguation).' }),
  afterTransfer: z.boolean().optional().meta({ description: 'Started on receipt of a transfer.' }),
}).meta({ id: id('dialog'), description: 'A dialog started.' });

const dialogEnded = mapping({ bot: botField, name: name.optional().meta({ description: 'Dialog name.' }) }).meta({ id: id('dialogEnded'), description: 'A dialog ended.' });

const transfer = mapping({
  from: botField,
  to: botField,
  skill: name.optional().meta({ description: 'The skill transferred to.' }),
  context: z
    .union([z.literal('off'), mapping({ intentId: name.optional(), userMessage: text.optional() })])
    .optional()
    .meta({ description: 'The Tango Context, exactly (keys not given must be absent), or `off` for none.' }),
  automatic: z.boolean().optional().meta({ description: 'An automatic transfer within a bot group.' }),
}).meta({ id: id('transfer'), description: 'A transfer delivered.' });

const TRANSFER_STAGES = ['immediate', 'late', 'final'] as const;
const transferFailed = mapping({
  from: botField,
  skill: name.optional(),
  reason: name.optional().meta({ description: 'unknown-skill, no-agent-available, rejected, timeout, transfer-loop, …' }),
  stage: z.enum(TRANSFER_STAGES).optional().meta({ description: 'immediate: the failure branch runs; late: __agent_escalation_failed__; final: retries exhausted.' }),
  message: text.optional().meta({ description: 'The failure message, exactly.' }),
  contains: text.optional().meta({ description: 'A part of the failure message.' }),
}).meta({ id: id('transferFailed'), description: 'A transfer that failed.' });

const fallback = mapping({ bot: botField }).meta({ id: id('fallback'), description: 'A fallback.' });

const disambiguation = mapping({
  bot: botField,
  options: z
    .union([z.array(name), z.number().int().nonnegative()])
    .optional()
    .meta({ description: 'The intent names offered, in order, or how many were offered ("None of the above" is not counted).' }),
}).meta({ id: id('disambiguation'), description: 'A disambiguation offered.' });

const error = mapping({
  bot: botField,
  code: name.optional().meta({ description: 'Error code, e.g. TRANSFER_LOOP, SCRIPT_ERROR.' }),
  message: text.optional().meta({ description: 'The error message, exactly.' }),
  contains: text.optional().meta({ description: 'A part of the error message.' }),
}).meta({ id: id('error'), description: 'An error reported in the conversation.' });

const userMessage = mapping({
  text: text.optional().meta({ description: 'The text, exactly.' }),
  contains: text.optional(),
  system: z.boolean().optional().meta({ description: 'Injected by the runtime (__agent_escalation_failed__, …) rather than typed by the user.' }),
}).meta({ id: id('userMessage'), description: 'A user message as the conversation saw it, typed or injected.' });

export const EVENT_KINDS = { says, dialog, dialogEnded, transfer, transferFailed, fallback, disambiguation, error, userMessage } as const;
export type EventKind = keyof typeof EVENT_KINDS;
const KIND_NAMES = Object.keys(EVENT_KINDS) as EventKind[];

const kindShape = Object.fromEntries(KIND_NAMES.map((k) => [k, EVENT_KINDS[k].nullable().optional()])) as { [K in EventKind]: z.ZodOptional<z.ZodNullable<(typeof EVENT_KINDS)[K]>> };

function exactlyOneKind(value: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const present = KIND_NAMES.filter((k) => k in value);
  if (present.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `must have exactly one of ${KIND_NAMES.join(', ')}; got ${present.join(', ') || 'none'}`, input: value });
  }
}

/** Exactly one event kind, as JSON Schema says it (for editors; the loader's check is `exactlyOneKind`). */
const ONE_KIND = KIND_NAMES.map((kind) => ({ required: [kind] }));

/** An event of one kind, without a count: what `after:` names. */
const eventPattern = mapping(kindShape, 'expectation')
  .superRefine(exactlyOneKind)
  .meta({ id: id('event'), description: 'An event: exactly one of says, dialog, dialogEnded, transfer, transferFailed, fallback, disambiguation, error, userMessage.', oneOf: ONE_KIND });

const expectation = mapping(
  {
    ...kindShape,
    count: z.number().int().nonnegative().optional().meta({
      description: 'Exactly this many such events in the step, all after the previous expectation; the next expectation is looked for after the last of them. 0: none in the step.',
    }),
  },
  'expectation',
)
  .superRefine(exactlyOneKind)
  .meta({ id: id('expectation'), description: 'An event that must happen: exactly one event kind, optionally with count.', oneOf: ONE_KIND });

const forbidden = mapping(
  {
    ...kindShape,
    after: eventPattern.optional().meta({ description: 'Forbidden only after the first such event of this step (which must happen).' }),
    within: z.enum(['step', 'scenario']).optional().meta({ description: 'step (default): in this step; scenario: in this step and every later step of the same conversation.' }),
  },
  'expectation',
)
  .superRefine(exactlyOneKind)
  .meta({ id: id('forbidden'), description: 'An event that must not happen: exactly one event kind, optionally with after and within.', oneOf: ONE_KIND });

const checks = {
  conversation: name.optional().meta({ description: 'Which conversation of the scenario (default: main). A name used for the first time starts a new conversation of the same user.' }),
  expect: z.array(expectation).nullable().optional().meta({ description: 'Events that must happen in the step, in this order (other events may come between).' }),
  never: z.array(forbidden).nullable().optional().meta({ description: 'Events that must not happen.' }),
  owner: name.optional().meta({ description: 'The bot that must hold the conversation after the step.' }),
};

const turnStep = mapping({
  user: z
    .union([nonEmptyText, z.array(nonEmptyText).min(1, 'must be a non-empty list')])
    .meta({ description: 'What the user writes; a list: messages sent at once, without time passing between them (as messageDelay joins them).' }),
  ...checks,
}).meta({ description: 'A user message and what must follow.' });
const agentsStep = mapping({ agents }).meta({ description: 'Changes agent statuses from here on.' });
const waitStep = mapping({
  wait: duration.meta({ description: 'Moves the scenario clock forward (300ms, 3s, 2m, 1h, or milliseconds); timers due run. Its expectations see the events the timers caused (of every conversation, unless conversation is given).' }),
  ...checks,
}).meta({ description: 'Lets time pass on the fake clock.' });

export const STEP_KINDS = { user: turnStep, agents: agentsStep, wait: waitStep } as const;
const step = z.union([turnStep, agentsStep, waitStep]).meta({ id: id('step'), description: 'A user turn (user), an agent status change (agents) or time passing (wait).' });

const loadError = mapping({
  code: name.optional().meta({ description: 'Error code, e.g. INVALID_DEFINITION.' }),
  contains: text.optional().meta({ description: 'A part of the error message.' }),
  problems: z
    .array(
      mapping({
        file: name.optional().meta({ description: 'The file, relative to the bots folder (or just its name).' }),
        path: text.optional().meta({ description: 'The path inside the file, exactly (e.g. dialogs[0].name).' }),
        contains: text.optional().meta({ description: 'A part of the problem message.' }),
      }),
    )
    .optional()
    .meta({ description: 'Problems that must be among those reported (each matched by a different one).' }),
}).meta({ description: 'The bots folder must fail to load, with this error. The scenario then has no turns.' });

const scenario = mapping({
  name: name.meta({ description: 'Shown in the report.' }),
  bots: name.optional().meta({ description: "This scenario's bots folder, relative to the scenario file (default: the file's)." }),
  start: name.optional().meta({ description: "The bot each conversation starts with (default: the file's start)." }),
  user: nonEmptyText.optional().meta({ description: 'The user id of every conversation of the scenario (default: user-<n>, n its position in the file).' }),
  agents: agents.optional().meta({ description: 'Agent statuses before the first turn; bots not named are online.' }),
  conversations: z
    .record(z.string(), mapping({ start: name.optional().meta({ description: 'The bot this conversation starts with.' }) }))
    .optional()
    .meta({ description: 'Settings of named conversations (only needed to start one with another bot).' }),
  loadError: loadError.optional(),
  turns: z.array(step).min(1, 'must be a non-empty list of turns').optional().meta({ description: 'The steps, in order.' }),
}).meta({ description: 'One conversation test.' });

export const scenarioFileSchema = mapping({
  bots: name.meta({ description: 'The bots folder, relative to this file.' }),
  start: name.optional().meta({ description: 'The bot conversations start with, unless a scenario says otherwise.' }),
  store: name.optional().meta({ description: 'Context store: memory (default), sqlite:<path>, redis://… (--store wins).' }),
  isolation: z
    .enum(['scenario', 'file'])
    .optional()
    .meta({ description: 'scenario (default): every scenario gets a new runtime and store; file: the scenarios of this file share one runtime and store, in order.' }),
  scenarios: z.array(scenario).min(1, 'must be a non-empty list'),
}).meta({ title: 'Bottango scenario file', description: 'Conversation tests for `bottango test`.' });

type ParsedFile = z.output<typeof scenarioFileSchema>;
type ParsedScenario = ParsedFile['scenarios'][number];
export type Step = NonNullable<ParsedScenario['turns']>[number];
export type Expectation = z.output<typeof expectation>;
export type Forbidden = z.output<typeof forbidden>;
export type EventPattern = z.output<typeof eventPattern>;
export type LoadErrorExpectation = z.output<typeof loadError>;
export type AgentSetting = (typeof AGENT_SETTINGS)[number];

/** The JSON Schema of scenario files (what `apps/cli/scenario.schema.json` holds). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-07' }),
    $id: 'https://raw.githubusercontent.com/bottango/bottango/main/apps/cli/scenario.schema.json',
  };
}
