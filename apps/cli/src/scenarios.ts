import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BottangoError, BottangoErrorCode, type ConversationEvent, type TangoContext } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';

/**
 * A conversation test: user turns and what must happen in each — which bot answers, which dialog starts,
 * which transfer with which context. Expectations of a turn must occur in order (other events may come between).
 */
export interface ScenarioFile {
  readonly file: string;
  /** Bots directory, resolved against the scenario file. */
  readonly botsDir: string;
  readonly store?: string;
  readonly scenarios: readonly Scenario[];
}

export interface Scenario {
  readonly name: string;
  readonly start: string;
  readonly user?: string;
  /** Agent status before the conversation starts. */
  readonly agents: Readonly<Record<string, AgentSetting>>;
  readonly turns: readonly ScenarioTurn[];
}

type AgentSetting = 'online' | 'offline' | 'rejecting';

interface ScenarioTurn {
  readonly user: string;
  readonly expect: readonly Expectation[];
  readonly never: readonly Expectation[];
  /** Bot that must own the conversation after the turn. */
  readonly owner?: string;
}

type Expectation =
  | { readonly kind: 'says'; readonly bot?: string; readonly text?: string; readonly contains?: string }
  | { readonly kind: 'dialog'; readonly bot?: string; readonly name?: string; readonly by?: string; readonly intent?: string; readonly afterTransfer?: boolean }
  | { readonly kind: 'transfer'; readonly from?: string; readonly to?: string; readonly skill?: string; readonly context?: TangoContext | 'off'; readonly automatic?: boolean }
  | { readonly kind: 'transferFailed'; readonly from?: string; readonly skill?: string; readonly reason?: string; readonly stage?: string }
  | { readonly kind: 'fallback'; readonly bot?: string }
  | { readonly kind: 'disambiguation'; readonly bot?: string; readonly options?: readonly string[] }
  | { readonly kind: 'error'; readonly bot?: string; readonly code?: string };

const EXPECTATION_FIELDS: Record<Expectation['kind'], readonly string[]> = {
  says: ['bot', 'text', 'contains'],
  dialog: ['bot', 'name', 'by', 'intent', 'afterTransfer'],
  transfer: ['from', 'to', 'skill', 'context', 'automatic'],
  transferFailed: ['from', 'skill', 'reason', 'stage'],
  fallback: ['bot'],
  disambiguation: ['bot', 'options'],
  error: ['bot', 'code'],
};

class ScenarioFormatError {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

function fail(path: string, message: string): never {
  throw new ScenarioFormatError(path, message);
}

function obj(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `must be a mapping, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function optStr(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : typeof value === 'number' ? String(value) : str(value, path);
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail(`${path}.${key}`, `unknown key (known: ${keys.join(', ')})`);
}

function parseExpectation(raw: unknown, path: string): Expectation {
  const entry = obj(raw, path);
  const kinds = Object.keys(entry);
  if (kinds.length !== 1) fail(path, `must have exactly one of ${Object.keys(EXPECTATION_FIELDS).join(', ')}; got ${kinds.join(', ') || 'nothing'}`);
  const kind = kinds[0] as string;
  if (!(kind in EXPECTATION_FIELDS)) fail(`${path}.${kind}`, `unknown expectation (known: ${Object.keys(EXPECTATION_FIELDS).join(', ')})`);
  const p = `${path}.${kind}`;
  const body = entry[kind] === null ? {} : obj(entry[kind], p);
  onlyKeys(body, EXPECTATION_FIELDS[kind as Expectation['kind']], p);
  const s = (k: string): Record<string, string> => {
    const v = optStr(body[k], `${p}.${k}`);
    return v === undefined ? {} : { [k]: v };
  };
  const b = (k: string): Record<string, boolean> => {
    if (body[k] === undefined) return {};
    if (typeof body[k] !== 'boolean') fail(`${p}.${k}`, 'must be true or false');
    return { [k]: body[k] as boolean };
  };
  switch (kind as Expectation['kind']) {
    case 'says':
      return { kind: 'says', ...s('bot'), ...s('text'), ...s('contains') };
    case 'dialog':
      return { kind: 'dialog', ...s('bot'), ...s('name'), ...s('by'), ...s('intent'), ...b('afterTransfer') };
    case 'transfer': {
      let context: TangoContext | 'off' | undefined;
      if (body.context === 'off') context = 'off';
      else if (body.context !== undefined) {
        const c = obj(body.context, `${p}.context`);
        onlyKeys(c, ['intentId', 'userMessage'], `${p}.context`);
        context = { ...(c.intentId !== undefined ? { intentId: str(c.intentId, `${p}.context.intentId`) } : {}), ...(c.userMessage !== undefined ? { userMessage: String(c.userMessage) } : {}) };
      }
      return { kind: 'transfer', ...s('from'), ...s('to'), ...s('skill'), ...(context !== undefined ? { context } : {}), ...b('automatic') };
    }
    case 'transferFailed':
      return { kind: 'transferFailed', ...s('from'), ...s('skill'), ...s('reason'), ...s('stage') };
    case 'fallback':
      return { kind: 'fallback', ...s('bot') };
    case 'disambiguation': {
      const options = body.options === undefined ? undefined : Array.isArray(body.options) ? body.options.map((o, i) => str(o, `${p}.options[${i}]`)) : fail(`${p}.options`, 'must be a list of intent names');
      return { kind: 'disambiguation', ...s('bot'), ...(options ? { options } : {}) };
    }
    case 'error':
      return { kind: 'error', ...s('bot'), ...s('code') };
  }
}

function parseList(raw: unknown, path: string): Expectation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail(path, 'must be a list');
  return raw.map((e, i) => parseExpectation(e, `${path}[${i}]`));
}

/** Reads and checks a scenario file; errors name the file and the path inside it. */
export async function loadScenarioFile(file: string): Promise<ScenarioFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.InvalidDefinition, `cannot read scenario file: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { where: file, cause });
  }
  try {
    const root = obj(parseYaml(text), '(root)');
    onlyKeys(root, ['bots', 'store', 'start', 'scenarios'], '(root)');
    const botsDir = resolve(dirname(file), str(root.bots, 'bots'));
    const defaultStart = optStr(root.start, 'start');
    if (!Array.isArray(root.scenarios) || root.scenarios.length === 0) fail('scenarios', 'must be a non-empty list');
    const scenarios = root.scenarios.map((raw, i): Scenario => {
      const p = `scenarios[${i}]`;
      const s = obj(raw, p);
      onlyKeys(s, ['name', 'start', 'user', 'agents', 'turns'], p);
      const start = optStr(s.start, `${p}.start`) ?? defaultStart ?? fail(`${p}.start`, 'no start bot (set start here or at the top of the file)');
      const agents: Record<string, AgentSetting> = {};
      if (s.agents !== undefined) {
        for (const [bot, setting] of Object.entries(obj(s.agents, `${p}.agents`))) {
          if (setting !== 'online' && setting !== 'offline' && setting !== 'rejecting') fail(`${p}.agents.${bot}`, `must be online, offline or rejecting, got ${JSON.stringify(setting)}`);
          agents[bot] = setting;
        }
      }
      if (!Array.isArray(s.turns) || s.turns.length === 0) fail(`${p}.turns`, 'must be a non-empty list of turns');
      const turns = s.turns.map((t, j): ScenarioTurn => {
        const tp = `${p}.turns[${j}]`;
        const turn = obj(t, tp);
        onlyKeys(turn, ['user', 'expect', 'never', 'owner'], tp);
        const owner = optStr(turn.owner, `${tp}.owner`);
        return { user: String(turn.user ?? fail(`${tp}.user`, 'is required')), expect: parseList(turn.expect, `${tp}.expect`), never: parseList(turn.never, `${tp}.never`), ...(owner ? { owner } : {}) };
      });
      const user = optStr(s.user, `${p}.user`);
      return { name: str(s.name, `${p}.name`), start, agents, turns, ...(user ? { user } : {}) };
    });
    const store = optStr(root.store, 'store');
    return { file, botsDir, scenarios, ...(store ? { store } : {}) };
  } catch (error) {
    if (error instanceof ScenarioFormatError) throw new BottangoError(BottangoErrorCode.InvalidDefinition, `${error.path}: ${error.message}`, { where: file });
    if (error instanceof Error && error.name.startsWith('YAML')) throw new BottangoError(BottangoErrorCode.InvalidDefinition, `invalid YAML: ${error.message}`, { where: file, cause: error });
    throw error;
  }
}

/** True when the event satisfies the expectation. */
function matches(expectation: Expectation, event: ConversationEvent): boolean {
  const eq = (want: unknown, got: unknown): boolean => want === undefined || want === got;
  switch (expectation.kind) {
    case 'says':
      return event.type === 'bot-message' && eq(expectation.bot, event.botId) && eq(expectation.text, event.text) && (expectation.contains === undefined || event.text.includes(expectation.contains));
    case 'dialog':
      return (
        event.type === 'dialog-started' &&
        eq(expectation.bot, event.botId) &&
        eq(expectation.name, event.dialog) &&
        eq(expectation.by, event.trigger.by) &&
        (expectation.intent === undefined || ('intentId' in event.trigger && event.trigger.intentId === expectation.intent)) &&
        (expectation.afterTransfer === undefined || expectation.afterTransfer === (event.afterTransfer === true))
      );
    case 'transfer':
      return (
        event.type === 'transfer' &&
        eq(expectation.from, event.fromBotId) &&
        eq(expectation.to, event.toBotId) &&
        eq(expectation.skill, event.toSkill) &&
        eq(expectation.automatic, event.automatic) &&
        (expectation.context === undefined ||
          (expectation.context === 'off' ? event.context === undefined : event.context !== undefined && sameContext(expectation.context, event.context)))
      );
    case 'transferFailed':
      return event.type === 'transfer-failed' && eq(expectation.from, event.fromBotId) && eq(expectation.skill, event.toSkill) && eq(expectation.reason, event.reason) && eq(expectation.stage, event.stage);
    case 'fallback':
      return event.type === 'fallback' && eq(expectation.bot, event.botId);
    case 'disambiguation':
      return (
        event.type === 'disambiguation' &&
        eq(expectation.bot, event.botId) &&
        (expectation.options === undefined || JSON.stringify(expectation.options) === JSON.stringify(event.options.map((o) => o.name)))
      );
    case 'error':
      return event.type === 'error' && eq(expectation.bot, event.botId) && eq(expectation.code, event.code);
  }
}

function sameContext(a: TangoContext, b: TangoContext): boolean {
  return a.intentId === b.intentId && a.userMessage === b.userMessage;
}

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

/** Runs one scenario in a new conversation; agents not named in the scenario are online. */
export async function runScenario(runtime: BottangoRuntime, scenario: Scenario, file: string): Promise<ScenarioResult> {
  for (const botId of runtime.botIds) runtime.setAgentStatus(botId, { connected: true, acceptsTransfers: true });
  const failures: string[] = [];
  for (const [botId, setting] of Object.entries(scenario.agents)) {
    if (!runtime.botIds.includes(botId)) {
      failures.push(`agents.${botId}: no such bot (bots: ${runtime.botIds.join(', ')})`);
      continue;
    }
    runtime.setAgentStatus(botId, { connected: setting !== 'offline', acceptsTransfers: setting === 'online' });
  }
  if (!runtime.botIds.includes(scenario.start)) failures.push(`start: no bot "${scenario.start}" (bots: ${runtime.botIds.join(', ')})`);
  if (failures.length > 0) return { name: scenario.name, file, passed: false, failures };
  const conversationId = await runtime.startConversation({ botId: scenario.start, ...(scenario.user ? { userId: scenario.user } : {}) });
  for (const [i, turn] of scenario.turns.entries()) {
    const events = await runtime.send(conversationId, turn.user);
    const where = `turn ${i + 1} ("${turn.user}")`;
    let from = 0;
    for (const expectation of turn.expect) {
      const found = events.findIndex((e, k) => k >= from && matches(expectation, e));
      if (found < 0) {
        failures.push(`${where}: expected ${describe(expectation)}${from > 0 ? ' after the previous expectation' : ''}\n      events were:\n${events.map((e) => `        ${JSON.stringify(e)}`).join('\n')}`);
        break;
      }
      from = found + 1;
    }
    for (const forbidden of turn.never) {
      const hit = events.find((e) => matches(forbidden, e));
      if (hit) failures.push(`${where}: must not see ${describe(forbidden)}, but got ${JSON.stringify(hit)}`);
    }
    if (turn.owner !== undefined) {
      const owner = (await runtime.getConversation(conversationId))?.ownerBotId;
      if (owner !== turn.owner) failures.push(`${where}: expected bot "${turn.owner}" to hold the conversation, but "${owner}" does`);
    }
    if (failures.length > 0) break;
  }
  return { name: scenario.name, file, passed: failures.length === 0, failures };
}

function describe(expectation: Expectation): string {
  const { kind, ...rest } = expectation;
  return `${kind} ${JSON.stringify(rest)}`;
}
