import { BottangoError, BottangoErrorCode, type ConversationEvent } from '@bottango/core';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime } from '@bottango/runtime';
import { loadIntentDataset, type IntentExample } from './intent-dataset.js';
import { ROUTING_FALLBACK_DIALOG, buildRoutingBots, loadRoutingDomains, type RoutingBots, type RoutingMode } from './routing-bots.js';
import { quantile } from './quantile.js';

export interface RoutingEvalOptions {
  /** JSONL dataset (`{"text","intent","split"}` per line). */
  readonly datasetFile: string;
  /** `{"<domain>": ["<intent>", …]}`: one bot per domain. */
  readonly domainsFile: string;
  readonly mode: RoutingMode;
  /** Label of out-of-scope examples. Default `oos`. */
  readonly outOfScopeIntent?: string;
  /** The runtime's `groupAwareTraining` (phrases per intent of the other group members; 0 = off). Default: the runtime's (5). */
  readonly groupAwareTraining?: number;
  /** The runtime's `groupClassifier` (one classifier over all members' intents ranks automatic transfers). Default: the runtime's (on). */
  readonly groupClassifier?: boolean;
  /** Where the natural matcher saves and reuses trained models. Default: none (every bot is trained). */
  readonly cacheDir?: string;
  /** Split whose utterances are routed. Default `test`; use `val` to choose options without looking at test. */
  readonly split?: 'test' | 'val';
  /** Messages sent (train phrases, new conversations, not measured) before measuring. Default 200. */
  readonly warmUp?: number;
  /** `load`: bots trained, `route`: test utterances sent. */
  readonly onProgress?: (phase: 'load' | 'route', done: number, total: number) => void;
}

export interface RoutingDomainAccuracy {
  readonly domain: string;
  readonly utterances: number;
  readonly correct: number;
  readonly accuracy: number;
}

export interface RoutingConfusion {
  readonly expected: string;
  /** `<bot>/<dialog started>`, e.g. `banking/transfer` or `concierge/Fallback`. */
  readonly got: string;
  readonly count: number;
}

export interface RoutingReport {
  readonly dataset: string;
  readonly domainsFile: string;
  readonly mode: RoutingMode;
  /** The split routed (`test` unless asked otherwise). */
  readonly split: 'test' | 'val';
  /** The runtime's `groupAwareTraining` used (only group mode has a group), `undefined` for the runtime default. */
  readonly groupAwareTraining: number | undefined;
  /** The runtime's `groupClassifier` used, `undefined` for the runtime default. */
  readonly groupClassifier: boolean | undefined;
  /** Domain bots (the concierge not counted). */
  readonly bots: number;
  readonly intents: number;
  readonly trainExamples: number;
  /** In-scope utterances sent (of the routed split). */
  readonly inScope: number;
  /** Out-of-scope utterances sent (0 when the data has none). */
  readonly outOfScope: number;
  /** In-scope utterances whose conversation ended in the intent's bot with the intent's dialog started. */
  readonly routingAccuracy: number;
  /** In-scope utterances whose conversation ended in the right bot, whatever dialog started. */
  readonly botAccuracy: number;
  /** In-scope utterances that ended in a fallback (no bot took them at GOOD or better): lost rather than misrouted. */
  readonly inScopeFallback: number;
  /** Of the correct routes, the share where the receiver started the dialog straight after the transfer (no question, disambiguation or fallback first). */
  readonly seamless: number;
  /** Share of out-of-scope utterances that stayed with the concierge and reached its fallback. Absent without out-of-scope data. */
  readonly oosKept?: number;
  /** Share of out-of-scope utterances that ended in a fallback of any bot (the concierge's or a receiver's). Absent without out-of-scope data. */
  readonly oosFallback?: number;
  /** `runtime.send` latency of one test utterance (a new conversation's first message, routing and transfer included), after a warm-up. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Time to build and train every bot (`createRuntime`). */
  readonly loadSeconds: number;
  readonly perDomain: readonly RoutingDomainAccuracy[];
  /** The most frequent wrong outcomes of in-scope utterances, most frequent first (at most 15). */
  readonly topConfusions: readonly RoutingConfusion[];
}

/** What one conversation came to, read from its events. */
export interface RoutingOutcome {
  /** Bot holding the conversation at the end. */
  readonly botId: string;
  /** Dialogs that bot started, in order. */
  readonly dialogs: readonly string[];
  readonly transferred: boolean;
  /** The receiver's first act after the (last) transfer was to start a dialog from the Tango Context intent, an intent or a pattern. */
  readonly startedDirectly: boolean;
  /** The final bot went to its fallback. */
  readonly fellBack: boolean;
}

/** Reads the outcome of one conversation from the events of its turn. */
export function routingOutcome(events: readonly ConversationEvent[], startBotId: string): RoutingOutcome {
  let lastTransfer = -1;
  events.forEach((e, i) => {
    if (e.type === 'transfer') lastTransfer = i;
  });
  const transfer = lastTransfer >= 0 ? (events[lastTransfer] as Extract<ConversationEvent, { type: 'transfer' }>) : undefined;
  const botId = transfer?.toBotId ?? startBotId;
  const after = events.slice(lastTransfer + 1).filter((e) => 'botId' in e && e.botId === botId);
  const dialogs = after.flatMap((e) => (e.type === 'dialog-started' ? [e.dialog] : []));
  const first = after[0];
  const startedDirectly =
    transfer !== undefined &&
    first?.type === 'dialog-started' &&
    first.afterTransfer === true &&
    (first.trigger.by === 'tango-intent' || first.trigger.by === 'intent' || first.trigger.by === 'pattern');
  const fellBack = after.some((e) => e.type === 'fallback' || (e.type === 'dialog-started' && e.trigger.by === 'fallback'));
  return { botId, dialogs, transferred: transfer !== undefined, startedDirectly, fellBack };
}

/**
 * Builds the bots of `mode` from the dataset and domains (see `buildRoutingBots`), runs them in the real runtime with the
 * natural matcher, and sends every `test` utterance to the concierge as the first message of a new conversation.
 * Nothing is tuned on test.
 */
export async function evaluateRouting(options: RoutingEvalOptions): Promise<RoutingReport> {
  const [dataset, domains] = await Promise.all([loadIntentDataset(options.datasetFile), loadRoutingDomains(options.domainsFile)]);
  const generated: RoutingBots = buildRoutingBots(dataset, domains, {
    mode: options.mode,
    ...(options.outOfScopeIntent === undefined ? {} : { outOfScopeIntent: options.outOfScopeIntent }),
  });
  const oos = generated.outOfScopeIntent;
  const split = options.split ?? 'test';
  const test = dataset.examples.filter((e) => e.split === split);
  const train = dataset.examples.filter((e) => e.split === 'train' && e.intent !== oos);
  if (test.length === 0) throw new BottangoError(BottangoErrorCode.InvalidDataset, `dataset has no ${split} examples to route`, { where: dataset.file });

  const domainBots = generated.bots.filter((b) => b.id !== generated.conciergeId);
  const trainedBots = generated.bots.filter((b) => b.intents.length > 0).map((b) => b.id);
  const progress = options.onProgress;
  const trained = new Set<string>();
  const loadStart = performance.now();
  const runtime = await createRuntime({
    bots: generated.bots,
    groups: generated.groups,
    modules: [NaturalMatcherModule.fromOptions(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir })],
    defaultIntentMatcher: 'natural',
    ...(options.groupAwareTraining === undefined ? {} : { groupAwareTraining: options.groupAwareTraining }),
    ...(options.groupClassifier === undefined ? {} : { groupClassifier: options.groupClassifier }),
    ...(progress
      ? {
          onTrainingProgress: (botId: string, done: number, total: number) => {
            // The group classifier (`group:<id>`) is trained too but not counted as a bot.
            if (done >= total && !trained.has(botId) && trainedBots.includes(botId)) {
              trained.add(botId);
              progress('load', trained.size, trainedBots.length);
            }
          },
        }
      : {}),
  });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  progress?.('load', trainedBots.length, trainedBots.length);

  try {
    const send = async (text: string): Promise<ConversationEvent[]> => {
      const id = await runtime.startConversation({ botId: generated.conciergeId });
      return runtime.send(id, text);
    };
    const warmUp = Math.min(options.warmUp ?? 200, train.length);
    for (let i = 0; i < warmUp; i++) await send((train[Math.floor((i * train.length) / warmUp)] as IntentExample).text);

    const latencies = new Float64Array(test.length);
    const perDomain = new Map<string, { utterances: number; correct: number }>([...domainBots].map((b) => [b.id, { utterances: 0, correct: 0 }]));
    const confusions = new Map<string, RoutingConfusion>();
    let inScope = 0;
    let correct = 0;
    let rightBot = 0;
    let lost = 0;
    let seamless = 0;
    let outOfScope = 0;
    let kept = 0;
    let oosFellBack = 0;
    for (let i = 0; i < test.length; i++) {
      const example = test[i] as IntentExample;
      const t0 = performance.now();
      const events = await send(example.text);
      latencies[i] = performance.now() - t0;
      const outcome = routingOutcome(events, generated.conciergeId);
      if (example.intent === oos) {
        outOfScope++;
        if (outcome.botId === generated.conciergeId && outcome.fellBack) kept++;
        if (outcome.fellBack) oosFellBack++;
      } else {
        inScope++;
        const expectedBot = generated.botOfIntent.get(example.intent) as string;
        const domain = perDomain.get(expectedBot) as { utterances: number; correct: number };
        domain.utterances++;
        if (outcome.botId === expectedBot) rightBot++;
        if (outcome.fellBack) lost++;
        if (outcome.botId === expectedBot && outcome.dialogs.includes(example.intent)) {
          correct++;
          domain.correct++;
          if (outcome.startedDirectly && outcome.dialogs[0] === example.intent) seamless++;
        } else {
          const got = `${outcome.botId}/${outcome.dialogs[outcome.dialogs.length - 1] ?? ROUTING_FALLBACK_DIALOG}`;
          const key = `${example.intent}\u0000${got}`;
          const entry = confusions.get(key);
          confusions.set(key, { expected: example.intent, got, count: (entry?.count ?? 0) + 1 });
        }
      }
      if (progress && (i % 50 === 49 || i === test.length - 1)) progress('route', i + 1, test.length);
    }
    latencies.sort();
    return {
      dataset: dataset.file,
      domainsFile: domains.file,
      mode: options.mode,
      split,
      groupAwareTraining: options.groupAwareTraining,
      groupClassifier: options.groupClassifier,
      bots: domainBots.length,
      intents: generated.botOfIntent.size,
      trainExamples: train.length,
      inScope,
      outOfScope,
      routingAccuracy: inScope > 0 ? correct / inScope : 0,
      botAccuracy: inScope > 0 ? rightBot / inScope : 0,
      inScopeFallback: inScope > 0 ? lost / inScope : 0,
      seamless: correct > 0 ? seamless / correct : 0,
      ...(outOfScope > 0 ? { oosKept: kept / outOfScope, oosFallback: oosFellBack / outOfScope } : {}),
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      loadSeconds,
      perDomain: [...perDomain].map(([domain, d]) => ({ domain, utterances: d.utterances, correct: d.correct, accuracy: d.utterances > 0 ? d.correct / d.utterances : 0 })),
      topConfusions: [...confusions.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected)).slice(0, 15),
    };
  } finally {
    await runtime.close();
  }
}
