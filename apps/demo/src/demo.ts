import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BottangoError } from '@bottango/core';
import { composeRuntime, readProject } from '@bottango/cli';
import { formatConversationEvent, type BottangoRuntime } from '@bottango/runtime';

export const BOTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../bots');

interface Scene {
  readonly title: string;
  readonly explain: string;
  readonly offline?: readonly string[];
  readonly messages: readonly string[];
}

/** Each scene is a new conversation that starts at the concierge. */
export const SCENES: readonly Scene[] = [
  {
    title: '1. A transfer carrying an intent ID (and data through the Context Session Store)',
    explain: 'The concierge sets intentId=billing.refund and stores the customer name and tier; billing starts its Refund dialog without matching anything and reads the stored data.',
    messages: ['hello', 'I want a refund for my broken headphones', 'A-1042'],
  },
  {
    title: '2. A transfer carrying only the user message',
    explain: "The concierge passes the user's words; tech support matches them against its own intents (natural matcher).",
    messages: ['my wifi keeps dropping every few minutes'],
  },
  {
    title: '3. A transfer with the Tango Context switched off (ordinary flow)',
    explain: "Billing acts on the last message the user typed, never on the concierge's own transfer message.",
    messages: ['I have a question about my invoice'],
  },
  {
    title: '4. A failed transfer',
    explain: 'The human desk is offline: the platform sends __agent_escalation_failed__ back to the concierge, whose dialog for it apologises.',
    offline: ['human-desk'],
    messages: ['can I talk to a human please'],
  },
];

const DEMO_USAGE = 'Usage: pnpm demo [--store memory|sqlite:<path>|redis://host:port] [--config <file>] [--plugin <pkg>…]';

/**
 * Plays the scenes. Plugins and settings come from the project file of the current folder (or `--config`), the same
 * way as for the `bottango` commands; its `bots:` replaces the demo's bots (they must keep the scenes' bot IDs).
 */
export async function runDemo(argv: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, cwd = process.cwd()): Promise<number> {
  let values: { store?: string | undefined; config?: string | undefined; plugin?: string[] | undefined };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { store: { type: 'string' }, config: { type: 'string' }, plugin: { type: 'string', multiple: true } }, strict: true }));
  } catch (error) {
    err.write(`demo: ${error instanceof Error ? error.message : String(error)}\n${DEMO_USAGE}\n`);
    return 2;
  }
  let runtime: BottangoRuntime;
  let store: string | undefined;
  try {
    const project = await readProject(values, cwd);
    store = values.store ?? project.store;
    runtime = (
      await composeRuntime({
        botsDir: project.bots ?? BOTS_DIR,
        project,
        plugins: values.plugin ?? [],
        cwd,
        ...(store ? { store } : {}),
      })
    ).runtime;
  } catch (error) {
    err.write(`demo: ${BottangoError.is(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
  try {
    out.write(`Bottango demo — bots: ${runtime.botIds.join(', ')}; context store: ${store ?? 'memory'}\n`);
    for (const scene of SCENES) {
      out.write(`\n━━ ${scene.title}\n   ${scene.explain}\n\n`);
      for (const botId of runtime.botIds) runtime.setAgentStatus(botId, { connected: !(scene.offline ?? []).includes(botId) });
      const conversationId = await runtime.startConversation({ botId: 'concierge' });
      for (const message of scene.messages) {
        for (const event of await runtime.send(conversationId, message)) {
          const line = formatConversationEvent(event);
          if (line !== undefined) out.write(`${line}\n`);
        }
      }
    }
    out.write('\nDone. Talk to these bots yourself: pnpm bottango chat --bots apps/demo/bots --start concierge\n');
    return 0;
  } finally {
    await runtime.close();
  }
}
