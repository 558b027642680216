import type { ConversationEvent } from '@bottango/core';
import { EVENT_KINDS, type EventKind, type EventPattern, type Expectation, type Forbidden } from './schema.js';

/** The one event kind an expectation names, and what the event must look like. */
function kindOf(expectation: EventPattern | Expectation | Forbidden): { readonly kind: EventKind; readonly fields: Readonly<Record<string, unknown>> } {
  for (const kind of Object.keys(EVENT_KINDS) as EventKind[]) {
    if (kind in expectation) return { kind, fields: ((expectation as Record<string, unknown>)[kind] ?? {}) as Record<string, unknown> };
  }
  throw new Error('an expectation without an event kind passed the schema');
}

/** True when the event satisfies the expectation (fields left out match anything). */
export function matches(expectation: EventPattern | Expectation | Forbidden, event: ConversationEvent): boolean {
  const { kind, fields: f } = kindOf(expectation);
  const eq = (want: unknown, got: unknown): boolean => want === undefined || want === got;
  const has = (want: unknown, got: string): boolean => want === undefined || got.includes(want as string);
  switch (kind) {
    case 'says':
      return event.type === 'bot-message' && eq(f.bot, event.botId) && eq(f.dialog, event.dialog) && eq(f.text, event.text) && has(f.contains, event.text);
    case 'dialog':
      return (
        event.type === 'dialog-started' &&
        eq(f.bot, event.botId) &&
        eq(f.name, event.dialog) &&
        eq(f.by, event.trigger.by) &&
        (f.intent === undefined || ('intentId' in event.trigger && event.trigger.intentId === f.intent)) &&
        (f.afterTransfer === undefined || f.afterTransfer === (event.afterTransfer === true))
      );
    case 'dialogEnded':
      return event.type === 'dialog-ended' && eq(f.bot, event.botId) && eq(f.name, event.dialog);
    case 'transfer': {
      if (event.type !== 'transfer' || !eq(f.from, event.fromBotId) || !eq(f.to, event.toBotId) || !eq(f.skill, event.toSkill) || !eq(f.automatic, event.automatic)) return false;
      const context = f.context as 'off' | { intentId?: string; userMessage?: string } | undefined;
      if (context === undefined) return true;
      if (context === 'off') return event.context === undefined;
      return event.context !== undefined && context.intentId === event.context.intentId && context.userMessage === event.context.userMessage;
    }
    case 'transferFailed':
      return (
        event.type === 'transfer-failed' &&
        eq(f.from, event.fromBotId) &&
        eq(f.skill, event.toSkill) &&
        eq(f.reason, event.reason) &&
        eq(f.stage, event.stage) &&
        eq(f.message, event.message) &&
        has(f.contains, event.message)
      );
    case 'fallback':
      return event.type === 'fallback' && eq(f.bot, event.botId);
    case 'disambiguation': {
      if (event.type !== 'disambiguation' || !eq(f.bot, event.botId)) return false;
      const options = f.options as readonly string[] | number | undefined;
      if (options === undefined) return true;
      if (typeof options === 'number') return event.options.length === options;
      return options.length === event.options.length && options.every((name, i) => event.options[i]?.name === name);
    }
    case 'error':
      return event.type === 'error' && eq(f.bot, event.botId) && eq(f.code, event.code) && eq(f.message, event.message) && has(f.contains, event.message);
    case 'userMessage':
      return event.type === 'user-message' && eq(f.text, event.text) && has(f.contains, event.text) && (f.system === undefined || f.system === (event.system === true));
  }
}

/** `transfer {"to":"billing"}`: an expectation as the report shows it. */
function describe(expectation: EventPattern | Expectation | Forbidden): string {
  const { kind, fields } = kindOf(expectation);
  const extra: string[] = [];
  if ('count' in expectation && expectation.count !== undefined) extra.push(`count ${expectation.count}`);
  if ('after' in expectation && expectation.after !== undefined) extra.push(`after ${describe(expectation.after)}`);
  if ('within' in expectation && expectation.within === 'scenario') extra.push('for the rest of the scenario');
  return `${kind} ${JSON.stringify(fields)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

function listEvents(events: readonly ConversationEvent[]): string {
  return events.length === 0 ? '      no events' : `      events were:\n${events.map((e) => `        ${JSON.stringify(e)}`).join('\n')}`;
}

/**
 * The `expect` list of a step: in order, other events may come between. An expectation with `count: N` needs exactly N
 * matching events in the step, all after the previous expectation's; the next is looked for after the last of them.
 */
export function checkExpected(where: string, expected: readonly Expectation[], events: readonly ConversationEvent[]): string[] {
  let from = 0;
  for (const expectation of expected) {
    const hits = events.flatMap((e, k) => (matches(expectation, e) ? [k] : []));
    const after = from > 0 ? ' after the previous expectation' : '';
    if (expectation.count === undefined) {
      const found = hits.find((k) => k >= from);
      if (found === undefined) return [`${where}: expected ${describe(expectation)}${after}\n${listEvents(events)}`];
      from = found + 1;
      continue;
    }
    if (hits.length !== expectation.count) return [`${where}: expected exactly ${expectation.count} × ${describe({ ...expectation, count: undefined })}, got ${hits.length}\n${listEvents(events)}`];
    const early = hits.find((k) => k < from);
    if (early !== undefined) return [`${where}: expected all ${expectation.count} × ${describe({ ...expectation, count: undefined })}${after}, but one came before it: ${JSON.stringify(events[early])}\n${listEvents(events)}`];
    if (hits.length > 0) from = (hits.at(-1) as number) + 1;
  }
  return [];
}

/** A `never` entry in force: from the step that declared it, maybe for the rest of the scenario. */
export interface ActiveForbidden {
  readonly forbidden: Forbidden;
  readonly conversation: string | undefined;
  /** Where it was declared, for the report. */
  readonly declaredAt: string;
}

/**
 * The `never` list of a step. An entry with `after` applies from the first event matching `after` (which must happen in
 * the step); one with `within: scenario` stays in force for the later steps of the conversation (returned as `carried`).
 */
export function checkForbidden(where: string, conversation: string | undefined, forbidden: readonly Forbidden[], events: readonly ConversationEvent[]): { failures: string[]; carried: ActiveForbidden[] } {
  const failures: string[] = [];
  const carried: ActiveForbidden[] = [];
  for (const entry of forbidden) {
    let from = 0;
    if (entry.after !== undefined) {
      const start = events.findIndex((e) => matches(entry.after as EventPattern, e));
      if (start < 0) {
        failures.push(`${where}: never ${describe(entry)}: ${describe(entry.after)} did not happen in this step\n${listEvents(events)}`);
        continue;
      }
      from = start + 1;
    }
    const hit = events.find((e, k) => k >= from && matches(entry, e));
    if (hit) failures.push(`${where}: must not see ${describe(entry)}, but got ${JSON.stringify(hit)}`);
    if (entry.within === 'scenario') carried.push({ forbidden: entry, conversation, declaredAt: where });
  }
  return { failures, carried };
}

/** The `never … within: scenario` entries of earlier steps, against a later step's events. */
export function checkCarried(where: string, active: readonly ActiveForbidden[], eventsOf: (conversation: string | undefined) => readonly ConversationEvent[]): string[] {
  const failures: string[] = [];
  for (const { forbidden, conversation, declaredAt } of active) {
    const hit = eventsOf(conversation).find((e) => matches(forbidden, e));
    if (hit) failures.push(`${where}: must not see ${describe(forbidden)} (declared at ${declaredAt}), but got ${JSON.stringify(hit)}`);
  }
  return failures;
}
