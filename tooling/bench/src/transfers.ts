import { performance } from 'node:perf_hooks';
import type { BotDefinition } from '@bottango/core';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { createRuntime, type BottangoRuntime } from '@bottango/runtime';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { quantile } from './quantile.js';

/**
 * In-process transfers: a sender escalates with a Tango Context carrying an intent ID; the receiver starts
 * the dialog tied to it and asks a question (so every conversation stays open, idle, in the receiver).
 */
const IN_FLIGHT = 10_000;
const ROUNDS = 3;

const bots: BotDefinition[] = [
  {
    id: 'sender',
    skills: ['front'],
    intents: [],
    dialogs: [
      {
        name: 'Handoff',
        type: 'standard',
        starter: { patterns: ['*refund*'] },
        interactions: [
          {
            type: 'agentTransfer',
            skill: 'billing',
            message: 'Passing you to billing.',
            tangoContext: true,
            preProcess: async (ctx) => {
              ctx.setBotTransferIntentId('refund');
              await ctx.setContextDataForConversation('handoff', 'tier', 'gold');
            },
          },
        ],
      },
    ],
  },
  {
    id: 'receiver',
    skills: ['billing'],
    intents: [
      { id: 'refund', name: 'refund', trainingPhrases: ['i want a refund', 'money back please'] },
      { id: 'other', name: 'other', trainingPhrases: ['where is my parcel', 'track my order'] },
    ],
    dialogs: [
      {
        name: 'Refund',
        type: 'standard',
        starter: { intent: 'refund' },
        interactions: [
          { type: 'text', text: 'Billing here.' },
          { type: 'question', text: 'Which order?', saveAs: 'order' },
        ],
      },
    ],
  },
];


function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function newRuntime(): Promise<BottangoRuntime> {
  // The intent ID selects the dialog, so the matcher is trained but never consulted on this path.
  const runtime = await createRuntime({ bots, modules: [NaturalMatcherModule.fromOptions({})] });
  await runtime.store.registerNamespace('handoff', { ttlSeconds: 3600 });
  return runtime;
}

/** Throughput and latency, with no forced garbage collection in the way; `inFlight` conversations at once. */
async function speedRound(inFlight = IN_FLIGHT): Promise<{ perSecond: number; p50: number; p99: number }> {
  const runtime = await newRuntime();
  const escalatedAt = new Map<string, number>();
  const latencies: number[] = [];
  let transferred = 0;
  runtime.onEvent((event) => {
    if (event.type === 'transfer') transferred++;
    if (event.type === 'dialog-started' && event.botId === 'sender') escalatedAt.set(event.conversationId, performance.now());
    else if (event.type === 'bot-message' && event.botId === 'receiver') {
      const start = escalatedAt.get(event.conversationId);
      if (start !== undefined) {
        latencies.push(performance.now() - start);
        escalatedAt.delete(event.conversationId);
      }
    }
  });
  const ids = await Promise.all(Array.from({ length: IN_FLIGHT }, () => runtime.startConversation({ botId: 'sender' })));
  const started = performance.now();
  for (let i = 0; i < ids.length; i += inFlight) await Promise.all(ids.slice(i, i + inFlight).map((id) => runtime.send(id, 'I want a refund')));
  const elapsed = performance.now() - started;
  if (transferred !== IN_FLIGHT) throw new Error(`only ${transferred} of ${IN_FLIGHT} conversations were transferred`);
  latencies.sort((a, b) => a - b);
  await runtime.close();
  return { perSecond: IN_FLIGHT / (elapsed / 1000), p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** Heap held per conversation once it sits idle in the receiver (its JSON state and its store entry). */
async function heapRound(): Promise<number> {
  const runtime = await newRuntime();
  gc();
  const before = process.memoryUsage().heapUsed;
  const ids = await Promise.all(Array.from({ length: IN_FLIGHT }, () => runtime.startConversation({ botId: 'sender' })));
  await Promise.all(ids.map((id) => runtime.send(id, 'I want a refund')));
  gc();
  const after = process.memoryUsage().heapUsed;
  await runtime.close();
  return (after - before) / IN_FLIGHT;
}

await speedRound(); // warm-up
const measured: Awaited<ReturnType<typeof speedRound>>[] = [];
for (let i = 0; i < ROUNDS; i++) measured.push(await speedRound());
const single = await speedRound(1);
const heap = [await heapRound(), await heapRound(), await heapRound()].sort((a, b) => a - b)[1] ?? NaN;
const median = (key: 'perSecond' | 'p50' | 'p99'): number => {
  const values = measured.map((m) => m[key]).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? NaN;
};
const table = `## In-process transfers

\`pnpm bench transfers\` — ${machineLine()}. ${IN_FLIGHT.toLocaleString('en')} conversations in flight at once, each: the sender escalates
with a Tango Context (intent ID) and writes one Context Session Store entry; the receiver starts the dialog tied to the intent,
says one message and asks a question (the conversation then stays idle in the receiver). Median of ${ROUNDS} rounds after a warm-up.
Latency is from the sender's escalation dialog starting to the receiver's first message, for each conversation, while all
${IN_FLIGHT.toLocaleString('en')} are in flight (so it includes queueing behind the others).

| measure | value |
| --- | ---: |
| conversations transferred per second | ${Math.round(median('perSecond')).toLocaleString('en')} |
| p50 escalation → receiver's first message | ${median('p50').toFixed(1)} ms |
| p99 escalation → receiver's first message | ${median('p99').toFixed(1)} ms |
| one conversation at a time: p50 / p99 escalation → first message | ${single.p50.toFixed(3)} ms / ${single.p99.toFixed(3)} ms |
| heap per idle conversation (state + store entry) | ${(heap / 1024).toFixed(2)} KiB |
`;
process.stdout.write(`${table}\n`);
updateBenchmarksSection('transfers', table);
