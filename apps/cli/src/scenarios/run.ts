import { relative } from 'node:path';
import { BottangoError, type ConversationEvent } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { ScenarioClock } from './clock.js';
import { checkCarried, checkExpected, checkForbidden, type ActiveForbidden } from './expectations.js';
import type { Scenario, ScenarioFile } from './load.js';
import type { AgentSetting, LoadErrorExpectation, Step } from './schema.js';

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

/**
 * A scenario whose run throws (a send the runtime rejects, a store that fails) fails with the error, naming the
 * scenario, and the file's other scenarios still run.
 */
async function runGuarded(scenario: { readonly name: string }, file: string, run: () => Promise<ScenarioResult>): Promise<ScenarioResult> {
  try {
    return await run();
  } catch (error) {
    return { name: scenario.name, file, passed: false, failures: [`the scenario stopped with an error: ${error instanceof Error ? error.message : String(error)}`] };
  }
}

/** Builds a runtime for a bots folder, on the given clock (the command's settings: plugins, store, …). */
export type ComposeScenarioRuntime = (botsDir: string, clock: ScenarioClock) => Promise<BottangoRuntime>;

/** The conversation a step names when it names none. */
const MAIN_CONVERSATION = 'main';

/**
 * Runs the scenarios of a file, in order, calling `report` after each. `isolation: scenario` (default): each scenario
 * gets a runtime, store and clock of its own; `isolation: file`: the file's scenarios share them (one per bots folder).
 * A scenario with `loadError` always loads its bots on its own.
 */
export async function runScenarioFile(file: ScenarioFile, compose: ComposeScenarioRuntime, report: (result: ScenarioResult) => void): Promise<ScenarioResult[]> {
  const shared = new Map<string, { runtime: BottangoRuntime; clock: ScenarioClock }>();
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of file.scenarios) {
      let result: ScenarioResult;
      if (scenario.loadError !== undefined) {
        result = await runLoadErrorScenario(scenario, scenario.loadError, compose, file.file);
      } else if (file.isolation === 'file') {
        let entry = shared.get(scenario.botsDir);
        if (!entry) {
          const clock = new ScenarioClock();
          entry = { runtime: await compose(scenario.botsDir, clock), clock };
          shared.set(scenario.botsDir, entry);
        }
        const { runtime, clock } = entry;
        result = await runGuarded(scenario, file.file, () => runScenario(runtime, clock, scenario, file.file));
      } else {
        const clock = new ScenarioClock();
        const runtime = await compose(scenario.botsDir, clock);
        try {
          result = await runGuarded(scenario, file.file, () => runScenario(runtime, clock, scenario, file.file));
        } finally {
          await runtime.close();
        }
      }
      results.push(result);
      report(result);
    }
  } finally {
    for (const { runtime } of shared.values()) await runtime.close();
  }
  return results;
}

async function runLoadErrorScenario(scenario: Scenario, expected: LoadErrorExpectation, compose: ComposeScenarioRuntime, file: string): Promise<ScenarioResult> {
  const outcome = (failures: string[]): ScenarioResult => ({ name: scenario.name, file, passed: failures.length === 0, failures });
  let runtime: BottangoRuntime;
  try {
    runtime = await compose(scenario.botsDir, new ScenarioClock());
  } catch (error) {
    return outcome(checkLoadError(expected, error, scenario.botsDir));
  }
  await runtime.close();
  return outcome([`loadError: expected the bots in ${scenario.botsDir} to fail to load, but they loaded (bots: ${runtime.botIds.join(', ')})`]);
}

interface ReportedProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** The load error against `loadError`: code, a part of the message, and each listed problem matched by a different one. */
function checkLoadError(expected: LoadErrorExpectation, error: unknown, botsDir: string): string[] {
  const message = error instanceof Error ? error.message : String(error);
  const code = BottangoError.is(error) ? error.code : undefined;
  const failures: string[] = [];
  const got = `\n      the error was: ${code ?? (error instanceof Error ? error.name : 'error')}: ${message.replaceAll('\n', '\n        ')}`;
  if (expected.code !== undefined && expected.code !== code) failures.push(`loadError.code: expected ${expected.code}, got ${code ?? 'no code'}${got}`);
  if (expected.contains !== undefined && !message.includes(expected.contains)) failures.push(`loadError.contains: the message does not contain ${JSON.stringify(expected.contains)}${got}`);
  const reported = (BottangoError.is(error) && Array.isArray(error.details.problems) ? error.details.problems : []) as ReportedProblem[];
  const unused = [...reported];
  for (const [i, want] of (expected.problems ?? []).entries()) {
    const k = unused.findIndex(
      (p) =>
        (want.file === undefined || relative(botsDir, p.file) === want.file || p.file.endsWith(`/${want.file}`) || p.file === want.file) &&
        (want.path === undefined || p.path === want.path) &&
        (want.contains === undefined || p.message.includes(want.contains)),
    );
    if (k < 0) failures.push(`loadError.problems[${i}]: no reported problem matches ${JSON.stringify(want)}${got}`);
    else unused.splice(k, 1);
  }
  return failures;
}

function setAgents(runtime: BottangoRuntime, agents: Readonly<Record<string, AgentSetting>>, where: string): string[] {
  const failures: string[] = [];
  for (const [botId, setting] of Object.entries(agents)) {
    if (!runtime.botIds.includes(botId)) failures.push(`${where}.${botId}: no such bot (bots: ${runtime.botIds.join(', ')})`);
    else runtime.setAgentStatus(botId, { connected: setting !== 'offline', acceptsTransfers: setting === 'online' });
  }
  return failures;
}

/** True when the promise settles within `ms` of real time. */
async function resolvesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

function stepTitle(step: Step, n: number): string {
  if ('user' in step) return `turn ${n} (${(typeof step.user === 'string' ? [step.user] : step.user).map((t) => JSON.stringify(t)).join(' + ')})`;
  if ('wait' in step) return `turn ${n} (wait ${step.wait} ms)`;
  return `turn ${n} (agents)`;
}

/**
 * Runs one scenario: its conversations (`main` and any named by a step) all belong to the scenario's user and start
 * when first named. Agents not named in the scenario are online. Stops at the first step that fails.
 */
async function runScenario(runtime: BottangoRuntime, clock: ScenarioClock, scenario: Scenario, file: string): Promise<ScenarioResult> {
  const failures: string[] = [];
  const done = (): ScenarioResult => ({ name: scenario.name, file, passed: failures.length === 0, failures });
  for (const botId of runtime.botIds) runtime.setAgentStatus(botId, { connected: true, acceptsTransfers: true });
  failures.push(...setAgents(runtime, scenario.agents, 'agents'));
  if (!runtime.botIds.includes(scenario.start)) failures.push(`start: no bot "${scenario.start}" (bots: ${runtime.botIds.join(', ')})`);
  if (failures.length > 0) return done();

  const log: ConversationEvent[] = [];
  const stopListening = runtime.onEvent((event) => log.push(event));
  // Lets the work a message or a timer started finish: a few turns of the event loop with no new event.
  const settle = async (): Promise<void> => {
    for (let quiet = 0, seen = log.length; quiet < 10; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (log.length === seen) quiet++;
      else [seen, quiet] = [log.length, 0];
    }
  };
  const conversations = new Map<string, string>();
  const conversation = async (name: string, where: string): Promise<string | undefined> => {
    const existing = conversations.get(name);
    if (existing !== undefined) return existing;
    const start = scenario.conversationStarts[name] ?? scenario.start;
    if (!runtime.botIds.includes(start)) {
      failures.push(`${where}: conversation "${name}" starts with bot "${start}", which does not exist (bots: ${runtime.botIds.join(', ')})`);
      return undefined;
    }
    const id = await runtime.startConversation({ botId: start, userId: scenario.user });
    conversations.set(name, id);
    return id;
  };
  /**
   * Sends the texts of a turn at once and waits for every send. Time moves only while they wait on a timer (the message
   * delay, an interaction delay): then to the next timer due. A moment of real time is given first, for a store's I/O.
   */
  const deliver = async (conversationId: string, texts: readonly string[]): Promise<void> => {
    let pending = texts.length;
    const all = Promise.all(texts.map((text) => runtime.send(conversationId, text).finally(() => pending--)));
    all.catch(() => undefined);
    for (;;) {
      await settle();
      if (pending === 0 || (await resolvesWithin(all, 25)) || !clock.runNext()) break;
    }
    await all;
    await settle();
  };
  let carried: ActiveForbidden[] = [];
  // Events belong to the step during which they came; the main conversation starts before the first step.
  let mark = 0;
  try {
    if ((await conversation(MAIN_CONVERSATION, 'start')) === undefined) return done();
    for (const [i, step] of scenario.steps.entries()) {
      const where = stepTitle(step, i + 1);
      if ('agents' in step) {
        failures.push(...setAgents(runtime, step.agents, `${where}: agents`));
        if (failures.length > 0) break;
        continue;
      }
      let conversationId: string | undefined;
      if ('user' in step) {
        conversationId = await conversation(step.conversation ?? MAIN_CONVERSATION, where);
        if (conversationId === undefined) break;
        await deliver(conversationId, typeof step.user === 'string' ? [step.user] : step.user);
      } else {
        if (step.conversation !== undefined) {
          conversationId = await conversation(step.conversation, where);
          if (conversationId === undefined) break;
        }
        await clock.pass(step.wait, settle);
      }
      const during = log.slice(mark);
      mark = log.length;
      const eventsOf = (id: string | undefined): ConversationEvent[] => (id === undefined ? during : during.filter((e) => e.conversationId === id));
      const events = eventsOf(conversationId);
      failures.push(...checkCarried(where, carried, eventsOf));
      failures.push(...checkExpected(where, step.expect ?? [], events));
      const forbidden = checkForbidden(where, conversationId, step.never ?? [], events);
      failures.push(...forbidden.failures);
      carried = [...carried, ...forbidden.carried];
      if (step.owner !== undefined) {
        const ownerOf = conversationId ?? conversations.get(MAIN_CONVERSATION);
        const owner = ownerOf === undefined ? undefined : (await runtime.getConversation(ownerOf))?.ownerBotId;
        if (owner !== step.owner) failures.push(`${where}: expected bot "${step.owner}" to hold the conversation, but ${owner === undefined ? 'no conversation has started' : `"${owner}" does`}`);
      }
      if (failures.length > 0) break;
    }
  } finally {
    stopListening();
  }
  return done();
}
