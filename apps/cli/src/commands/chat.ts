import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { composeRuntime } from '../compose.js';
import { formatConversationEvent } from '@bottango/runtime';
import type { CliCommand } from '../io.js';
import { UsageError } from '../usage-error.js';

export const CHAT_USAGE = `bottango chat --bots <dir> [--start <bot>] [--store <memory|sqlite:path|redis://…>]
  Talk to the bots in a terminal; every transfer is shown with its Tango Context.
  Commands: /quit, /state (the conversation state as JSON), /offline <bot>, /online <bot>.`;

export const chatCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { bots: { type: 'string' }, start: { type: 'string' }, store: { type: 'string' }, user: { type: 'string' } }, strict: true });
  if (!values.bots) throw new UsageError('chat: --bots <dir> is required', CHAT_USAGE);
  io.stderr.write('Loading bots…\n');
  const { runtime, warnings } = await composeRuntime({ botsDir: values.bots, cwd: io.cwd, ...(values.store ? { store: values.store } : {}) });
  try {
    for (const w of warnings) io.stderr.write(`warning: ${w.file}: ${w.path}: ${w.message}\n`);
    const start = values.start ?? runtime.botIds[0];
    if (start === undefined) throw new UsageError(`chat: no bots in ${values.bots}`, CHAT_USAGE);
    const conversationId = await runtime.startConversation({ botId: start, ...(values.user ? { userId: values.user } : {}) });
    io.stdout.write(`Talking to ${start} (bots: ${runtime.botIds.join(', ')}). /quit to leave.\n`);
    const rl = createInterface({ input: process.stdin, output: io.stdout as NodeJS.WritableStream, terminal: Boolean(process.stdin.isTTY) });
    try {
      for (;;) {
        let line: string;
        try {
          line = await rl.question('> ');
        } catch {
          break; // input closed
        }
        const text = line.trim();
        if (text === '') continue;
        if (text === '/quit' || text === '/exit') break;
        if (text === '/state') {
          io.stdout.write(`${JSON.stringify(await runtime.getConversation(conversationId), null, 2)}\n`);
          continue;
        }
        const toggle = /^\/(offline|online) (\S+)$/.exec(text);
        if (toggle) {
          try {
            runtime.setAgentStatus(toggle[2] as string, { connected: toggle[1] === 'online' });
            io.stdout.write(`${toggle[2]} is ${toggle[1]}\n`);
          } catch (error) {
            io.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
          }
          continue;
        }
        for (const event of await runtime.send(conversationId, text)) {
          if (event.type === 'user-message' && !event.system) continue;
          const formatted = formatConversationEvent(event);
          if (formatted !== undefined) io.stdout.write(`${formatted}\n`);
        }
      }
    } finally {
      rl.close();
    }
    return 0;
  } finally {
    await runtime.close();
  }
};
